#include "globs.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include "arena.h"
#include "artifact.h"
#include "formats.h"
#include "tree.h"

/* A string value being checked: the node and its decoded text. */
struct globs__text {
  const struct artifact *a;
  const struct node *v;
  const char *s;
  size_t len;
};

/* The span of bytes [from, to) of the value, or the whole value. */
static struct span
globs__span(const struct globs__text *t, size_t from, size_t to)
{
  struct span span;

  formats_scalar_span(t->a, t->v, from, to, &span);
  return span;
}

/* The first '[' or '{' never closed, or '}' closing nothing, or NULL. */
static const char *
globs__unbalanced(const char *g, size_t n, char *what)
{
  const char *bracket = NULL;
  const char *brace = NULL;
  int depth = 0;

  for (const char *p = g; p < g + n; p++) {
    if (bracket) {
      bracket = *p == ']' ? NULL : bracket;
    } else if (*p == '[') {
      bracket = p;
    } else if (*p == '{') {
      brace = depth++ == 0 ? p : brace;
    } else if (*p == '}' && depth-- == 0) {
      *what = '}';
      return p;
    }
  }
  brace = depth > 0 ? brace : NULL;
  if (bracket && (!brace || bracket < brace))
    brace = bracket;
  *what = brace ? *brace : '{';
  return brace;
}

static void
globs__unbalanced_report(struct artifact *a, const char *key,
                         const char *g, size_t n, struct span span)
{
  char what;

  if (!globs__unbalanced(g, n, &what))
    return;
  if (what == '}')
    diag_add(&a->diags, DIAG_INVALID_GLOB, span, "'%.*s' in %s has a '}' "
             "that closes nothing", (int)n, g, key);
  else
    diag_add(&a->diags, DIAG_INVALID_GLOB, span, "'%.*s' in %s opens '%c' "
             "and never closes it", (int)n, g, key, what);
}

/*
 * How g fails to be relative to the workspace root, or NULL. *skip is how
 * many leading bytes to drop to fix it (0 when there is no mechanical fix).
 */
static const char *
globs__not_relative(const char *g, size_t n, size_t *skip)
{
  *skip = 0;
  if (n >= 3 && memcmp(g, "../", 3) == 0)
    return "points outside the workspace";
  if (n >= 2 && g[0] == '.' && g[1] == '/') {
    while (*skip + 2 <= n && g[*skip] == '.' && g[*skip + 1] == '/')
      *skip += 2;
    return "starts with './'";
  }
  if (g[0] == '/') {
    while (*skip < n && g[*skip] == '/')
      (*skip)++;
    return "is an absolute path";
  }
  if (g[0] == '~' || (n >= 3 && isalpha((unsigned char)g[0]) &&
                      g[1] == ':' && (g[2] == '/' || g[2] == '\\')))
    return "is an absolute path";
  return NULL;
}

static void
globs__relative_report(struct artifact *a, const char *key, const char *g,
                       size_t n, struct span span)
{
  size_t skip;
  const char *how = globs__not_relative(g, n, &skip);
  struct diagnostic *d;

  if (!how)
    return;
  if (!skip || skip == n) {
    diag_add(&a->diags, DIAG_INVALID_GLOB, span, "'%.*s' in %s %s; globs "
             "are relative to the workspace root", (int)n, g, key, how);
    return;
  }
  d = diag_add(&a->diags, DIAG_INVALID_GLOB, span, "'%.*s' in %s %s; globs "
               "are relative to the workspace root: write '%.*s'", (int)n, g,
               key, how, (int)(n - skip), g + skip);
  if (d)
    d->replacement = arena_strndup(&a->arena, g + skip, n - skip);
}

static void
globs__backslash_report(struct artifact *a, const char *key, const char *g,
                        size_t n, struct span span)
{
  struct diagnostic *d;
  char *fixed;

  d = diag_add(&a->diags, DIAG_INVALID_GLOB, span, "'%.*s' in %s separates "
               "folders with '\\'; globs use '/'", (int)n, g, key);
  fixed = d ? arena_strndup(&a->arena, g, n) : NULL;
  for (char *p = fixed; p && *p; p++)
    *p = *p == '\\' ? '/' : *p;
  if (d)
    d->replacement = fixed;
}

/* One glob, bytes [from, to) of t, already trimmed of spaces. */
static void
globs__check_one(struct artifact *a, const char *key,
                 const struct globs__text *t, size_t from, size_t to)
{
  const char *g = t->s + from;
  size_t n = to - from;
  struct span span = globs__span(t, from, to);
  size_t skip;
  char what;

  if (globs__unbalanced(g, n, &what))
    globs__unbalanced_report(a, key, g, n, span);
  else if (memchr(g, '\\', n))
    globs__backslash_report(a, key, g, n, span);
  else if (globs__not_relative(g, n, &skip))
    globs__relative_report(a, key, g, n, span);
}

/*
 * An empty entry, bytes [from, to) of t: reported on the commas around it
 * (a leading one on the comma after it). One after the last comma is
 * harmless, and VS Code does not report it either.
 */
static void
globs__empty(struct artifact *a, const char *key,
             const struct globs__text *t, size_t from, size_t to)
{
  struct diagnostic *d;
  struct span span;
  bool exact = formats_scalar_span(a, t->v, from ? from - 1 : 0, to + 1,
                                   &span);

  d = diag_add(&a->diags, DIAG_INVALID_GLOB, span, "empty glob in %s: "
               "remove the extra comma", key);
  if (d && exact)
    d->replacement = from ? "," : "";
}

/* Entry [from, to) of a comma-separated string, trimmed of spaces. */
static void
globs__entry(struct artifact *a, const char *key,
             const struct globs__text *t, size_t from, size_t to,
             bool last)
{
  size_t b = from;
  size_t e = to;

  while (b < e && (t->s[b] == ' ' || t->s[b] == '\t'))
    b++;
  while (e > b && (t->s[e - 1] == ' ' || t->s[e - 1] == '\t'))
    e--;
  if (b < e)
    globs__check_one(a, key, t, b, e);
  else if (!last)
    globs__empty(a, key, t, from, to);
}

/* Splits as VS Code does: a comma inside {...} or [...] is the glob's. */
static void
globs__check_string(struct artifact *a, const char *key,
                    const struct globs__text *t)
{
  bool brace = false;
  bool bracket = false;
  size_t start = 0;

  for (size_t i = 0; i < t->len; i++) {
    char c = t->s[i];

    if (c == ',' && !brace && !bracket) {
      globs__entry(a, key, t, start, i, false);
      start = i + 1;
    }
    brace = c == '{' ? true : c == '}' ? false : brace;
    bracket = c == '[' ? true : c == ']' ? false : bracket;
  }
  globs__entry(a, key, t, start, t->len, true);
}

void
globs_check(struct artifact *a, const char *key, const struct node *value)
{
  const struct node *v = node_resolve(value);

  if (!v || (v->flags & NODE_PARTIAL))
    return;
  if (v->kind == NODE_SCALAR && v->type == SCALAR_STRING) {
    struct globs__text t = { a, v, node_str(v), v->u.scalar.len };

    globs__check_string(a, key, &t);
    return;
  }
  for (uint32_t i = 0; v->kind == NODE_SEQ && i < v->count; i++) {
    const struct node *item = node_resolve(v->u.items[i]);
    struct globs__text t;

    if (!item || item->kind != NODE_SCALAR || item->type != SCALAR_STRING)
      continue;
    t = (struct globs__text){ a, item, node_str(item), item->u.scalar.len };
    if (t.len == 0)
      diag_add(&a->diags, DIAG_INVALID_GLOB, item->span,
               "empty glob in %s matches nothing", key);
    else
      globs__entry(a, key, &t, 0, t.len, true);
  }
}
