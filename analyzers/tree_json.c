/*
 * The node tree as json-c values, for validation, and JSON pointers back
 * into the tree, for putting a validation error on its exact span.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tree.h"

/* Whether s is a number as JSON writes it. */
static bool
tree__json_number(const char *s)
{
  if (*s == '-')
    s++;
  if (*s == '0')
    s++;
  else if (*s >= '1' && *s <= '9')
    while (*s >= '0' && *s <= '9')
      s++;
  else
    return false;
  if (*s == '.') {
    if (!(*++s >= '0' && *s <= '9'))
      return false;
    while (*s >= '0' && *s <= '9')
      s++;
  }
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-')
      s++;
    if (!(*s >= '0' && *s <= '9'))
      return false;
    while (*s >= '0' && *s <= '9')
      s++;
  }
  return *s == '\0';
}

/* A double, keeping its text when it is JSON's. */
static struct json_object *
tree__double(const char *text, double d)
{
  if (tree__json_number(text))
    return json_object_new_double_s(d, text);
  return json_object_new_double(d);
}

/* The core schema's integers: decimal, 0x hexadecimal, 0o octal. */
static struct json_object *
tree__int(const char *s)
{
  int base = 10;
  const char *digits = s;
  char *end;

  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    digits = s + 2;
  }
  if (base == 10 && *s != '-') {
    unsigned long long u;

    errno = 0;
    u = strtoull(digits, &end, base);
    if (errno == 0 && u > INT64_MAX)
      return json_object_new_uint64(u);
  }
  if (base != 10) {
    unsigned long long u;

    errno = 0;
    u = strtoull(digits, &end, base);
    if (errno == 0)
      return u > INT64_MAX ? json_object_new_uint64(u)
                           : json_object_new_int64((int64_t)u);
  } else {
    long long i;

    errno = 0;
    i = strtoll(s, &end, 10);
    if (errno == 0)
      return json_object_new_int64(i);
  }
  /* Past 64 bits: a double that keeps the digits as written. */
  return tree__double(s, strtod(s, NULL));
}

static struct json_object *
tree__float(const char *s)
{
  const char *p = s + (*s == '-' || *s == '+');

  if (p[0] == '.' && (p[1] == 'i' || p[1] == 'I'))
    return json_object_new_double(*s == '-' ? -INFINITY : INFINITY);
  if (p[0] == '.' && (p[1] == 'n' || p[1] == 'N'))
    return json_object_new_double(NAN);
  return tree__double(s, strtod(s, NULL));
}

static struct json_object *
tree__scalar(const struct node *n, bool *ok)
{
  const char *s = n->u.scalar.str;
  struct json_object *v = NULL;

  switch ((enum scalar_type)n->type) {
  case SCALAR_STRING:
    v = json_object_new_string_len(s, (int)n->u.scalar.len);
    break;
  case SCALAR_INT: v = tree__int(s); break;
  case SCALAR_FLOAT: v = tree__float(s); break;
  case SCALAR_BOOL: v = json_object_new_boolean(s[0] == 't' || s[0] == 'T');
    break;
  case SCALAR_NULL: return NULL;
  }
  *ok = v != NULL;
  return v;
}

static struct json_object *tree__json(const struct node *n, size_t *budget,
                                      int depth, bool *ok);

static struct json_object *
tree__map(const struct node *n, size_t *budget, int depth, bool *ok)
{
  struct json_object *o = json_object_new_object();

  *ok = o != NULL;
  for (uint32_t i = 0; i < n->count && *ok; i++) {
    const char *key = node_str(node_key(n, i));
    struct json_object *v;

    if (!key)
      continue;
    v = tree__json(node_value(n, i), budget, depth + 1, ok);
    if (*ok && json_object_object_add(o, key, v) != 0) {
      json_object_put(v);
      *ok = false;
    }
  }
  return o;
}

static struct json_object *
tree__seq(const struct node *n, size_t *budget, int depth, bool *ok)
{
  struct json_object *a = json_object_new_array_ext((int)n->count);

  *ok = a != NULL;
  for (uint32_t i = 0; i < n->count && *ok; i++) {
    struct json_object *v = tree__json(n->u.items[i], budget, depth + 1, ok);

    if (*ok && json_object_array_add(a, v) != 0) {
      json_object_put(v);
      *ok = false;
    }
  }
  return a;
}

static struct json_object *
tree__json(const struct node *n, size_t *budget, int depth, bool *ok)
{
  struct json_object *v = NULL;

  n = node_resolve(n);
  *ok = *budget > 1 && depth <= NODE_JSON_DEPTH_MAX;
  if (!*ok || !n)
    return NULL;
  (*budget)--;
  if (n->kind == NODE_SCALAR)
    v = tree__scalar(n, ok);
  else if (n->kind == NODE_MAP)
    v = tree__map(n, budget, depth, ok);
  else if (n->kind == NODE_SEQ)
    v = tree__seq(n, budget, depth, ok);
  if (!*ok) {
    json_object_put(v);
    return NULL;
  }
  return v;
}

struct json_object *
node_to_json(const struct node *n, size_t *budget)
{
  bool ok = true;
  struct json_object *v = tree__json(n, budget, 0, &ok);

  if (!ok)
    *budget = 0;
  return v;
}

/* Whether the escaped pointer segment [seg, end) names key. */
static bool
tree__segment_is(const char *seg, const char *end, const char *key)
{
  for (; seg < end; seg++, key++) {
    char ch = *seg;

    if (ch == '~' && seg + 1 < end && (seg[1] == '0' || seg[1] == '1'))
      ch = *++seg == '0' ? '~' : '/';
    if (*key != ch)
      return false;
  }
  return *key == '\0';
}

/* The index an array segment names, or -1. */
static long
tree__segment_index(const char *seg, const char *end)
{
  long i = 0;

  if (seg == end || (*seg == '0' && end - seg > 1) || end - seg > 9)
    return -1;
  for (; seg < end; seg++) {
    if (*seg < '0' || *seg > '9')
      return -1;
    i = i * 10 + (*seg - '0');
  }
  return i;
}

/* One step from n by [seg, end); *k is the key node of a member. */
static const struct node *
tree__step(const struct node *n, const char *seg, const char *end,
           const struct node **k)
{
  const struct node *found = NULL;
  long i;

  *k = NULL;
  if (n->kind == NODE_MAP) {
    for (uint32_t m = 0; m < n->count; m++) {
      const char *key = node_str(node_key(n, m));

      if (key && tree__segment_is(seg, end, key)) {
        *k = node_key(n, m);
        found = node_value(n, m);
      }
    }
    return found;
  }
  i = tree__segment_index(seg, end);
  if (n->kind != NODE_SEQ || i < 0 || (uint32_t)i >= n->count)
    return NULL;
  return n->u.items[i];
}

const struct node *
node_at_pointer(const struct node *root, const char *pointer, bool *key)
{
  bool want_key = key && *key;
  const struct node *n = root;
  const struct node *k = NULL;

  if (key)
    *key = false;
  if (*pointer && *pointer != '/')
    return NULL;
  while (n && *pointer == '/') {
    const char *seg = pointer + 1;
    const char *end = strchr(seg, '/');

    if (!end)
      end = seg + strlen(seg);
    n = node_resolve(n);
    n = n ? tree__step(n, seg, end, &k) : NULL;
    pointer = end;
  }
  if (n && want_key && k) {
    *key = true;
    return k;
  }
  return n;
}
