#include "vec.h"

#include <stdlib.h>

#include "error.h"

int
vec_reserve(void **items, size_t *cap, size_t count, size_t size, size_t max)
{
  size_t ncap;
  void *grown;

  if (count < *cap)
    return 0;
  if (count >= max)
    return FACET_ELIMIT;
  ncap = *cap ? *cap * 2 : 16;
  if (ncap > max)
    ncap = max;
  grown = realloc(*items, ncap * size);
  if (!grown)
    return FACET_ENOMEM;
  *items = grown;
  *cap = ncap;
  return 0;
}
