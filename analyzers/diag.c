#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "error.h"

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
  d->fix = NULL;
  if (!d->message) {
    self->count--;
    return NULL;
  }
  return d;
}

int
diag_fix_add(struct diag_list *self, struct diag_fix *fix, struct span span,
             const char *text)
{
  struct diag_edit *edits = arena_alloc(self->arena,
                                        (fix->count + 1) * sizeof *edits);
  char *copy = arena_strndup(self->arena, text, strlen(text));

  if (!edits || !copy)
    return FACET_ENOMEM;
  if (fix->count)
    memcpy(edits, fix->edits, fix->count * sizeof *edits);
  edits[fix->count].span = span;
  edits[fix->count].text = copy;
  fix->edits = edits;
  fix->count++;
  return 0;
}

struct diag_fix *
diag_set_fix(struct diag_list *self, struct diagnostic *d, struct span span,
             const char *text, const char *fmt, ...)
{
  struct diag_fix *fix = arena_alloc(self->arena, sizeof *fix);
  char title[256];
  va_list ap;

  if (!d || !fix)
    return NULL;
  va_start(ap, fmt);
  vsnprintf(title, sizeof title, fmt, ap);
  va_end(ap);
  fix->title = arena_strndup(self->arena, title, strlen(title));
  if (!fix->title || diag_fix_add(self, fix, span, text))
    return NULL;
  d->fix = fix;
  return fix;
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
