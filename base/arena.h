/*
 * A bump allocator for data that lives and dies together, such as the node
 * tree of one analysis. Everything allocated from an arena is freed at once
 * by arena_release; nothing is freed one by one.
 */
#ifndef FACET_BASE_ARENA_H
#define FACET_BASE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
  struct arena_chunk *head;
  size_t used;   /* bytes handed out, over all chunks */
  size_t max;    /* hard limit on used; 0 means no limit */
  size_t first;  /* size of the first chunk; 0 for the smallest */
};

/* Sets up an empty arena that may hand out at most max bytes. No allocation. */
void arena_init(struct arena *self, size_t max);

/*
 * Says that about bytes will be allocated: the first chunk is made that
 * big, so that an arena that lives long (a document's analysis) wastes
 * little. Call before the first allocation.
 */
void arena_expect(struct arena *self, size_t bytes);

/* Frees every chunk; pointers from this arena become invalid. */
void arena_release(struct arena *self);

/*
 * Returns n zeroed bytes aligned for any type, owned by the arena, or NULL
 * when memory or the arena's limit runs out.
 */
void *arena_alloc(struct arena *self, size_t n);

/* The same, not zeroed: for memory the caller fills at once. */
void *arena_alloc_raw(struct arena *self, size_t n);

/* Copies n bytes of s into the arena and NUL-terminates the copy. */
char *arena_strndup(struct arena *self, const char *s, size_t n);

/* Formats into a string owned by the arena. */
char *arena_printf(struct arena *self, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

#endif
