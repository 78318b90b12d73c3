#include "evalfile.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* The state's layout, so that a hash is streamed from the stack. */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "buf.h"
#include "error.h"
#include "tree.h"
#include "vec.h"

/* Canonical values longer than this are cut: they only need to compare. */
#define EVALFILE_CANON_MAX ((size_t)1 << 20)

struct evalfile *
evalfile_new(enum artifact_kind kind, enum artifact_format format)
{
  struct evalfile *f = calloc(1, sizeof *f);

  if (!f)
    return NULL;
  f->refcount = 1;
  arena_init(&f->arena, 0);
  f->kind = kind;
  f->format = format;
  return f;
}

struct evalfile *
evalfile_ref(struct evalfile *self)
{
  self->refcount++;
  return self;
}

void
evalfile_unref(struct evalfile *self)
{
  if (!self || --self->refcount > 0)
    return;
#define X(type, name) free(self->name);
  EVALFILE_ARRAYS(X)
#undef X
  arena_release(&self->arena);
  free(self);
}

#define X(type, name)                                                        \
  type *evalfile_add_##name(struct evalfile *self)                           \
  {                                                                          \
    type *item;                                                              \
                                                                             \
    if (vec_reserve((void **)&self->name, &self->cap_##name, self->n##name,  \
                    sizeof *self->name, EVALFILE_ITEMS_MAX))                 \
      return NULL;                                                           \
    item = &self->name[self->n##name++];                                     \
    memset(item, 0, sizeof *item);                                           \
    return item;                                                             \
  }
EVALFILE_ARRAYS(X)
#undef X

void
evalfile_fit(struct evalfile *self)
{
  void *fit;

  if (!self)
    return;
#define X(type, name)                                                        \
  if (self->cap_##name > self->n##name) {                                    \
    fit = self->n##name ? realloc(self->name,                                \
                                  self->n##name * sizeof *self->name)        \
                        : NULL;                                              \
    if (!self->n##name) {                                                    \
      free(self->name);                                                      \
      self->name = NULL;                                                     \
      self->cap_##name = 0;                                                  \
    } else if (fit) {                                                        \
      self->name = fit;                                                      \
      self->cap_##name = self->n##name;                                      \
    }                                                                        \
  }
  EVALFILE_ARRAYS(X)
#undef X
}

const char *
evalfile_strndup(struct evalfile *self, const char *s, size_t n)
{
  return s ? arena_strndup(&self->arena, s, n) : NULL;
}

const char *
evalfile_strdup(struct evalfile *self, const char *s)
{
  return s ? arena_strndup(&self->arena, s, strlen(s)) : NULL;
}

/* Appends s[from, to); at the size limit byte by byte, so that a long
 * value is cut where it always was. */
static void
evalfile__plain(struct buf *b, const char *s, size_t from, size_t to)
{
  if (buf_append(b, s + from, to - from) == 0)
    return;
  for (size_t i = from; i < to; i++)
    buf_putc(b, s[i]);
}

static void
evalfile__json_string(struct buf *b, const char *s, size_t n)
{
  size_t run = 0;  /* start of the bytes that need no escape */

  buf_putc(b, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];

    if (c != '"' && c != '\\' && c >= 0x20)
      continue;
    evalfile__plain(b, s, run, i);
    run = i + 1;
    if (c == '"' || c == '\\')
      buf_printf(b, "\\%c", c);
    else
      buf_printf(b, "\\u%04x", c);
  }
  evalfile__plain(b, s, run, n);
  buf_putc(b, '"');
}

static int
evalfile__key_order(const void *a, const void *b)
{
  const struct node *const *x = a;
  const struct node *const *y = b;
  const char *sx = node_str(x[0]);
  const char *sy = node_str(y[0]);

  return strcmp(sx ? sx : "", sy ? sy : "");
}

static void evalfile__canon(struct buf *b, const struct node *n, int depth);

/* A scalar as JSON, by its resolved type; numbers in one spelling. */
static void
evalfile__scalar(struct buf *b, const struct node *n)
{
  const char *s = n->u.scalar.str;
  char *end;

  switch (n->type) {
  case SCALAR_NULL:
    buf_puts(b, "null");
    return;
  case SCALAR_BOOL:
    buf_puts(b, strchr("tT", s[0]) ? "true" : "false");
    return;
  case SCALAR_INT: {
    long long v = strtoll(s, &end, 0);

    if (*end == '\0' && v != LLONG_MAX && v != LLONG_MIN) {
      buf_printf(b, "%lld", v);
      return;
    }
    break;
  }
  case SCALAR_FLOAT: {
    double v = strtod(s, &end);

    if (*end == '\0' && isfinite(v)) {
      buf_printf(b, "%.17g", v);
      return;
    }
    break;
  }
  case SCALAR_STRING:
    break;
  }
  evalfile__json_string(b, s, n->u.scalar.len);
}

static void
evalfile__canon_map(struct buf *b, const struct node *n, int depth)
{
  const struct node **pairs = malloc((n->count ? n->count : 1) * 2 *
                                     sizeof *pairs);

  if (!pairs)
    return;
  if (n->count) {
    memcpy(pairs, n->u.items, (size_t)n->count * 2 * sizeof *pairs);
    qsort(pairs, n->count, 2 * sizeof *pairs, evalfile__key_order);
  }
  buf_putc(b, '{');
  for (uint32_t i = 0; i < n->count; i++) {
    const char *k = node_str(pairs[2 * i]);

    if (i)
      buf_putc(b, ',');
    evalfile__json_string(b, k ? k : "", k ? strlen(k) : 0);
    buf_putc(b, ':');
    evalfile__canon(b, pairs[2 * i + 1], depth + 1);
  }
  buf_putc(b, '}');
  free(pairs);
}

static void
evalfile__canon(struct buf *b, const struct node *n, int depth)
{
  n = node_resolve(n);
  if (!n || depth > TREE_DEPTH_MAX) {
    buf_puts(b, "null");
    return;
  }
  if (n->kind == NODE_SCALAR) {
    evalfile__scalar(b, n);
    return;
  }
  if (n->kind == NODE_MAP) {
    evalfile__canon_map(b, n, depth);
    return;
  }
  buf_putc(b, '[');
  for (uint32_t i = 0; i < n->count; i++) {
    if (i)
      buf_putc(b, ',');
    evalfile__canon(b, n->u.items[i], depth + 1);
  }
  buf_putc(b, ']');
}

const char *
evalfile_canon(struct evalfile *self, const struct node *n)
{
  struct buf b;
  const char *out;

  buf_init(&b, EVALFILE_CANON_MAX);
  evalfile__canon(&b, n, 0);
  out = evalfile_strndup(self, b.data ? b.data : "", b.len);
  buf_release(&b);
  return out;
}

const char *
evalfile_text(struct evalfile *self, const struct node *n)
{
  n = node_resolve(n);
  if (n && n->kind == NODE_SCALAR && n->type == SCALAR_STRING)
    return evalfile_strndup(self, n->u.scalar.str, n->u.scalar.len);
  return evalfile_canon(self, n);
}

uint64_t
evalfile_text_hash(const char *s, size_t len)
{
  XXH3_state_t state;
  XXH3_state_t *st = &state;
  size_t a = 0;
  size_t b = len;

  while (a < b && isspace((unsigned char)s[a]))
    a++;
  while (b > a && isspace((unsigned char)s[b - 1]))
    b--;
  XXH3_INITSTATE(st);
  XXH3_64bits_reset(st);
  while (a < b) {
    const char *cr = memchr(s + a, '\r', b - a);
    size_t n = cr ? (size_t)(cr - s) - a : b - a;

    XXH3_64bits_update(st, s + a, n);
    a += n;
    if (cr) {
      a++;
      if (a >= b || s[a] != '\n')
        XXH3_64bits_update(st, "\n", 1);  /* a lone CR ends a line too */
    }
  }
  return XXH3_64bits_digest(st);
}

uint64_t
evalfile_assert_hash(const char *type, const char *value, bool has_threshold,
                     double threshold)
{
  char t[64] = "";
  XXH3_state_t state;
  XXH3_state_t *st = &state;

  if (has_threshold)
    snprintf(t, sizeof t, "%.17g", threshold);
  XXH3_INITSTATE(st);
  XXH3_64bits_reset(st);
  XXH3_64bits_update(st, type, strlen(type) + 1);
  if (value)
    XXH3_64bits_update(st, value, strlen(value));
  XXH3_64bits_update(st, "", 1);
  XXH3_64bits_update(st, t, strlen(t));
  return XXH3_64bits_digest(st);
}
