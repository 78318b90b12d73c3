/*
 * Growing arrays with a hard maximum: the few lines every "append to a
 * malloc'd array" needs, written once.
 */
#ifndef FACET_BASE_VEC_H
#define FACET_BASE_VEC_H

#include <stddef.h>

/*
 * Makes room in *items (an array of elements of size bytes, *cap of them
 * allocated, count in use) for one more. Returns 0, FACET_ENOMEM, or
 * FACET_ELIMIT when count has reached max.
 */
int vec_reserve(void **items, size_t *cap, size_t count, size_t size,
                size_t max);

#endif
