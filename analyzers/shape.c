#include "shape.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "diag.h"
#include "tree.h"

/* Keys longer than this are never typos worth suggesting a fix for. */
#define SHAPE_SUGGEST_LEN_MAX 64

const struct shape_field *
shape_field(const struct shape *shape, const char *name)
{
  /* The first byte rules out most fields without a call to strcmp. */
  for (const struct shape_field *f = shape->fields; f && f->name; f++)
    if (f->name[0] == name[0] && strcmp(f->name, name) == 0)
      return f;
  return NULL;
}

int
shape_distance(const char *a, const char *b)
{
  int d[SHAPE_SUGGEST_LEN_MAX + 1][SHAPE_SUGGEST_LEN_MAX + 1];
  int n = (int)strlen(a);
  int m = (int)strlen(b);

  if (n > SHAPE_SUGGEST_LEN_MAX || m > SHAPE_SUGGEST_LEN_MAX)
    return SHAPE_SUGGEST_LEN_MAX;
  for (int i = 0; i <= n; i++)
    d[i][0] = i;
  for (int j = 0; j <= m; j++)
    d[0][j] = j;
  for (int i = 1; i <= n; i++) {
    for (int j = 1; j <= m; j++) {
      int ca = tolower((unsigned char)a[i - 1]);
      int cb = tolower((unsigned char)b[j - 1]);
      int cost = ca == cb || (strchr("-_", ca) && strchr("-_", cb)) ? 0 : 1;
      int best = d[i - 1][j - 1] + cost;

      if (d[i - 1][j] + 1 < best)
        best = d[i - 1][j] + 1;
      if (d[i][j - 1] + 1 < best)
        best = d[i][j - 1] + 1;
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
          d[i - 2][j - 2] + 1 < best)
        best = d[i - 2][j - 2] + 1;
      d[i][j] = best;
    }
  }
  return d[n][m];
}

static void
shape__consider(const char *candidate, const char *name, const char **best,
                int *best_d)
{
  int len = (int)strlen(name);
  int limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;
  int dist = shape_distance(name, candidate);

  if (dist <= limit && dist < *best_d) {
    *best = candidate;
    *best_d = dist;
  }
}

const char *
shape_suggest(const struct shape *shape, const char *const *names,
              const char *name)
{
  const char *best = NULL;
  int best_d = SHAPE_SUGGEST_LEN_MAX;

  if (shape)
    for (const struct shape_field *f = shape->fields; f && f->name; f++)
      if (!(f->flags & SHAPE_MISPLACED))
        shape__consider(f->name, name, &best, &best_d);
  for (; names && *names; names++)
    shape__consider(*names, name, &best, &best_d);
  return best;
}

const char *
shape_type_text(unsigned types)
{
  static const struct { unsigned bit; const char *text; } names[] = {
    { SHAPE_TEXT, "a string" }, { SHAPE_STRING, "a string" },
    { SHAPE_INT, "an integer" }, { SHAPE_NUMBER, "a number" },
    { SHAPE_BOOL, "a boolean" }, { SHAPE_MAP, "a mapping" },
    { SHAPE_SEQ, "a list" },
  };
  /* Messages are built one at a time, so one static buffer per thread. */
  static _Thread_local char text[96];
  size_t len = 0;
  int parts = 0;

  if (types & SHAPE_TEXT)
    types &= ~(unsigned)SHAPE_STRING;
  if (types & SHAPE_NUMBER)
    types &= ~(unsigned)SHAPE_INT;
  text[0] = '\0';
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (!(types & names[i].bit))
      continue;
    len += (size_t)snprintf(text + len, sizeof text - len, "%s%s",
                            parts ? " or " : "", names[i].text);
    parts++;
    if (len >= sizeof text)
      break;
  }
  return text;
}

static bool
shape__accepts(unsigned types, const struct node *n)
{
  switch ((enum node_kind)n->kind) {
  case NODE_MAP: return types & SHAPE_MAP;
  case NODE_SEQ: return types & SHAPE_SEQ;
  case NODE_ALIAS: return true;
  case NODE_SCALAR: break;
  }
  switch ((enum scalar_type)n->type) {
  case SCALAR_NULL: return true;  /* an empty value reads as absent */
  case SCALAR_STRING: return types & (SHAPE_STRING | SHAPE_TEXT);
  case SCALAR_INT: return types & (SHAPE_STRING | SHAPE_INT | SHAPE_NUMBER);
  case SCALAR_FLOAT: return types & (SHAPE_STRING | SHAPE_NUMBER);
  case SCALAR_BOOL: return types & (SHAPE_STRING | SHAPE_BOOL);
  }
  return false;
}

static bool
shape__listed(const char *const *values, const char *s)
{
  for (; *values; values++)
    if (strcmp(*values, s) == 0)
      return true;
  return false;
}

static void
shape__check_values(const struct shape_field *field, const struct node *v,
                    struct diag_list *diags)
{
  char list[512];
  size_t len = 0;
  const char *near;

  if ((field->flags & SHAPE_VALUES_OPEN &&
       !(field->flags & SHAPE_VALUES_NEAR)) ||
      v->kind != NODE_SCALAR || v->type == SCALAR_NULL ||
      shape__listed(field->values, node_str(v)))
    return;
  list[0] = '\0';
  for (const char *const *p = field->values; *p && len < sizeof list; p++)
    len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                            p == field->values ? "" : ", ", *p);
  near = shape_suggest(NULL, field->values, node_str(v));
  if (field->flags & SHAPE_VALUES_OPEN) {
    struct diagnostic *d;

    if (!near)
      return;
    d = diag_add(diags, DIAG_INVALID_VALUE, v->span,
                 "'%s' is not a known %s; did you mean '%s'? (known: %s; "
                 "a plugin may add others)", node_str(v), field->name, near,
                 list);
    if (d) {
      d->severity = SEVERITY_WARNING;
      d->replacement = near;
    }
  } else if (near) {
    struct diagnostic *d =
      diag_add(diags, DIAG_INVALID_VALUE, v->span,
               "'%s' is not a valid %s; did you mean '%s'? (one of: %s)",
               node_str(v), field->name, near, list);
    if (d)
      d->replacement = near;
  } else {
    diag_add(diags, DIAG_INVALID_VALUE, v->span,
             "'%s' is not a valid %s (one of: %s)", node_str(v),
             field->name, list);
  }
}

static void
shape__check_items(const struct shape_field *field, const struct node *seq,
                   struct diag_list *diags)
{
  for (uint32_t i = 0; i < seq->count; i++) {
    const struct node *item = node_resolve(seq->u.items[i]);

    if (item && item->kind == NODE_MAP)
      shape_check(field->items, item, item->span, diags);
  }
}

void
shape_check_value(const struct shape_field *field, const struct node *value,
                  struct diag_list *diags)
{
  const struct node *v = node_resolve(value);

  if (!v || (v->flags & NODE_PARTIAL))
    return;  /* rebuilt around a syntax error: its type says little */
  if (!shape__accepts(field->types, v)) {
    diag_add(diags, DIAG_WRONG_TYPE, value->span,
             "'%s' should be %s, not %s", field->name,
             shape_type_text(field->types), node_type_name(v));
    return;
  }
  if (field->values)
    shape__check_values(field, v, diags);
  if (field->map && v->kind == NODE_MAP)
    shape_check(field->map, v, v->span, diags);
  if (field->items && v->kind == NODE_SEQ)
    shape__check_items(field, v, diags);
}

static void
shape__unknown(const struct shape *shape, const struct node *key,
               struct diag_list *diags)
{
  const char *name = node_str(key);
  const char *near;
  struct diagnostic *d;

  if (!name || (shape->flags & SHAPE_OPEN) ||
      ((shape->flags & SHAPE_DOTTED) && strchr(name, '.')) ||
      strcmp(name, "<<") == 0)
    return;
  near = shape_suggest(shape, NULL, name);
  if (!near) {
    diag_add(diags, DIAG_UNKNOWN_KEY, key->span, "unknown key '%s' in %s",
             name, shape->what);
    return;
  }
  d = diag_add(diags, DIAG_UNKNOWN_KEY, key->span,
               "unknown key '%s' in %s; did you mean '%s'?", name,
               shape->what, near);
  if (d)
    d->replacement = near;
}

/* A key that belongs elsewhere: say where, then check its value anyway. */
static void
shape__misplaced(const struct shape *shape, const struct shape_field *f,
                 const struct node *key, const struct node *value,
                 struct diag_list *diags)
{
  struct shape_field inner = *f;
  struct diagnostic *d;

  d = diag_add(diags, DIAG_UNKNOWN_KEY, key->span, "unknown key '%s' in %s; %s",
               f->name, shape->what, f->doc);
  if (d && f->values)
    d->replacement = f->values[0];
  inner.values = NULL;
  inner.flags = 0;
  shape_check_value(&inner, value, diags);
}

static void
shape__missing(const struct shape *shape, const struct node *map,
               struct span at, struct diag_list *diags)
{
  for (const struct shape_field *f = shape->fields; f && f->name; f++) {
    const struct node *v;

    if (!(f->flags & SHAPE_REQUIRED))
      continue;
    v = node_get(map, f->name);
    if (!v || (v->kind == NODE_SCALAR && v->type == SCALAR_NULL))
      diag_add(diags, DIAG_MISSING_KEY, at, "%s is missing '%s'",
               shape->what, f->name);
  }
}

void
shape_check(const struct shape *shape, const struct node *map, struct span at,
            struct diag_list *diags)
{
  map = node_resolve(map);
  if (!shape || !map || map->kind != NODE_MAP)
    return;
  for (uint32_t i = 0; i < map->count; i++) {
    const struct node *key = node_key(map, i);
    const struct node *value = node_value(map, i);
    const struct shape_field *f = node_str(key) ? shape_field(shape,
                                                             node_str(key))
                                                : NULL;

    if (f && (f->flags & SHAPE_MISPLACED)) {
      shape__misplaced(shape, f, key, value, diags);
    } else if (f) {
      shape_check_value(f, value, diags);
    } else if (shape->entries || shape->entry_types) {
      const struct node *v = node_resolve(value);

      if (shape->entry_types && v && !shape__accepts(shape->entry_types, v))
        diag_add(diags, DIAG_WRONG_TYPE, value->span,
                 "'%s' should be %s, not %s", node_str(key),
                 shape_type_text(shape->entry_types), node_type_name(v));
      else if (shape->entries && v && v->kind == NODE_MAP)
        shape_check(shape->entries, v, v->span, diags);
    } else {
      shape__unknown(shape, key, diags);
    }
  }
  if (!(map->flags & NODE_PARTIAL))
    shape__missing(shape, map, at, diags);
}
