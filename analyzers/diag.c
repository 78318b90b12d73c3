#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"

static const struct diag_code_info diag__table[DIAG__COUNT] = {
#define DIAG(id, name, severity, summary) { name, severity, summary },
#include "diag_codes.def"
#undef DIAG
};

const struct diag_code_info *
diag_code_info(enum diag_code code)
{
  return &diag__table[code];
}

int
diag_code_by_name(const char *name)
{
  for (int i = 0; i < DIAG__COUNT; i++)
    if (strcmp(diag__table[i].name, name) == 0)
      return i;
  return -1;
}

void
diag_list_init(struct diag_list *self, struct arena *arena)
{
  self->items = NULL;
  self->count = 0;
  self->cap = 0;
  self->arena = arena;
}

void
diag_list_release(struct diag_list *self)
{
  free(self->items);
  diag_list_init(self, self->arena);
}

static struct diagnostic *
diag__push(struct diag_list *self)
{
  if (self->count == DIAG_LIST_MAX)
    return NULL;
  if (self->count == self->cap) {
    size_t cap = self->cap ? self->cap * 2 : 8;
    struct diagnostic *n = realloc(self->items, cap * sizeof *n);

    if (!n)
      return NULL;
    self->items = n;
    self->cap = cap;
  }
  return &self->items[self->count++];
}

struct diagnostic *
diag_add(struct diag_list *self, enum diag_code code, struct span span,
         const char *fmt, ...)
{
  char msg[1024];
  struct diagnostic *d;
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);

  d = diag__push(self);
  if (!d)
    return NULL;
  d->span = span;
  d->code = code;
  d->severity = diag__table[code].severity;
  d->message = arena_strndup(self->arena, msg, strlen(msg));
  d->replacement = NULL;
  if (!d->message) {
    self->count--;
    return NULL;
  }
  return d;
}

static int
diag__before(const struct diagnostic *x, const struct diagnostic *y)
{
  if (x->span.start != y->span.start)
    return x->span.start < y->span.start;
  return x->code < y->code;
}

/* Insertion sort: stable, and lists arrive nearly sorted and are short. */
void
diag_list_sort(struct diag_list *self)
{
  for (size_t i = 1; i < self->count; i++) {
    struct diagnostic d = self->items[i];
    size_t j = i;

    while (j > 0 && diag__before(&d, &self->items[j - 1])) {
      self->items[j] = self->items[j - 1];
      j--;
    }
    self->items[j] = d;
  }
}
