#include "arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Small enough that a tiny document costs one small chunk. */
#define ARENA_CHUNK_MIN 4096

/* Chunks grow to this; a large document's are all this big. */
#define ARENA_CHUNK_MAX ((size_t)1 << 20)

/* The first chunk of an arena expecting a size is at least this, and so
 * are the chunks after it: the expectation was close. */
#define ARENA_EXPECT_MIN 512

struct arena_chunk {
  struct arena_chunk *next;
  size_t size;
  size_t used;
  alignas(max_align_t) unsigned char data[];
};

void
arena_init(struct arena *self, size_t max)
{
  self->head = NULL;
  self->used = 0;
  self->max = max;
  self->first = 0;
}

void
arena_expect(struct arena *self, size_t bytes)
{
  if (self->head)
    return;
  bytes = (bytes + 63) & ~(size_t)63;
  self->first = bytes < ARENA_EXPECT_MIN ? ARENA_EXPECT_MIN : bytes;
}

void
arena_release(struct arena *self)
{
  struct arena_chunk *c = self->head;

  while (c) {
    struct arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  self->head = NULL;
  self->used = 0;
}

/*
 * A new chunk: the expected size first, then a quarter of what is handed
 * out so far. Arenas of open documents live as long as the document, and
 * the last chunk's unused part with them: growth by a quarter keeps that
 * under a fifth of the arena, for a few more (cheap) chunks.
 */
static struct arena_chunk *
arena__grow(struct arena *self, size_t n)
{
  size_t size = self->head ? self->used / 4 : self->first;
  struct arena_chunk *c;

  if (size < ARENA_CHUNK_MIN && !self->first)
    size = ARENA_CHUNK_MIN;
  if (size < ARENA_EXPECT_MIN)
    size = ARENA_EXPECT_MIN;
  if (size > ARENA_CHUNK_MAX && self->head)
    size = ARENA_CHUNK_MAX;
  if (size < n)
    size = n;
  c = malloc(sizeof *c + size);
  if (!c)
    return NULL;
  c->next = self->head;
  c->size = size;
  c->used = 0;
  self->head = c;
  return c;
}

/* n bytes at the next offset that is a multiple of align (a power of 2). */
static void *
arena__alloc(struct arena *self, size_t n, size_t align)
{
  struct arena_chunk *c = self->head;
  size_t at = 0;

  if (n == 0)
    n = 1;
  if (self->max && (n > self->max || self->used > self->max - n))
    return NULL;
  if (c)
    at = (c->used + align - 1) & ~(align - 1);
  if (!c || at > c->size || c->size - at < n) {
    c = arena__grow(self, n);
    if (!c)
      return NULL;
    at = 0;
  }
  c->used = at + n;
  self->used += n;
  return c->data + at;
}

void *
arena_alloc_raw(struct arena *self, size_t n)
{
  return arena__alloc(self, n, alignof(max_align_t));
}

void *
arena_alloc(struct arena *self, size_t n)
{
  void *p = arena_alloc_raw(self, n);

  if (p)
    memset(p, 0, n);
  return p;
}

char *
arena_strndup(struct arena *self, const char *s, size_t n)
{
  /* Text needs no alignment: packing it saves a tree a fifth. */
  char *p = arena__alloc(self, n + 1, 1);

  if (!p)
    return NULL;
  if (n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *
arena_printf(struct arena *self, const char *fmt, ...)
{
  va_list ap;
  char *p;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return NULL;
  p = arena__alloc(self, (size_t)n + 1, 1);
  if (!p)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}
