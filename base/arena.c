#include "arena.h"

#include <stdalign.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Small enough that a tiny document costs one small chunk. */
#define ARENA_CHUNK_MIN 4096

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
  arena_init(self, self->max);
}

static struct arena_chunk *
arena__grow(struct arena *self, size_t n)
{
  size_t size = ARENA_CHUNK_MIN;
  struct arena_chunk *c;

  if (self->head && self->head->size < (size_t)1 << 20)
    size = self->head->size * 2;
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

void *
arena_alloc_raw(struct arena *self, size_t n)
{
  const size_t align = alignof(max_align_t);
  struct arena_chunk *c = self->head;
  void *p;

  n = (n + align - 1) & ~(align - 1);
  if (n == 0)
    n = align;
  if (self->max && (n > self->max || self->used > self->max - n))
    return NULL;
  if (!c || c->size - c->used < n) {
    c = arena__grow(self, n);
    if (!c)
      return NULL;
  }
  p = c->data + c->used;
  c->used += n;
  self->used += n;
  return p;
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
  char *p = arena_alloc(self, n + 1);

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
  p = arena_alloc(self, (size_t)n + 1);
  if (!p)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(p, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return p;
}
