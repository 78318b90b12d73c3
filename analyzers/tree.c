#include "tree.h"

#include <string.h>

#include "arena.h"

const struct node *
node_get_key(const struct node *map, const char *key)
{
  const struct node *found = NULL;

  map = node_resolve(map);
  if (!map || map->kind != NODE_MAP)
    return NULL;
  for (uint32_t i = 0; i < map->count; i++)
    if (node_is_str(node_key(map, i), key))
      found = node_key(map, i);
  return found;
}

const struct node *
node_get(const struct node *map, const char *key)
{
  const struct node *found = NULL;

  map = node_resolve(map);
  if (!map || map->kind != NODE_MAP)
    return NULL;
  for (uint32_t i = 0; i < map->count; i++) {
    const struct node *k = node_resolve(node_key(map, i));

    /* The first byte rules out most keys without a call to strcmp. */
    if (k && k->kind == NODE_SCALAR && k->u.scalar.str[0] == key[0] &&
        strcmp(k->u.scalar.str, key) == 0)
      found = node_value(map, i);
  }
  return node_resolve(found);
}

bool
node_is_str(const struct node *n, const char *s)
{
  n = node_resolve(n);
  return n && n->kind == NODE_SCALAR && strcmp(n->u.scalar.str, s) == 0;
}

bool
node_is_bool(const struct node *n, bool value)
{
  n = node_resolve(n);
  return n && n->kind == NODE_SCALAR && n->type == SCALAR_BOOL &&
         (n->u.scalar.str[0] == 't' || n->u.scalar.str[0] == 'T') == value;
}

const char *
node_str(const struct node *n)
{
  n = node_resolve(n);
  return n && n->kind == NODE_SCALAR ? n->u.scalar.str : NULL;
}

bool
node_is_nonempty_map(const struct node *n)
{
  n = node_resolve(n);
  return n && n->kind == NODE_MAP && n->count > 0;
}

bool
node_is_set(const struct node *n)
{
  n = node_resolve(n);
  if (!n)
    return false;
  if (n->kind == NODE_SCALAR)
    return n->type != SCALAR_NULL && n->u.scalar.len > 0;
  return n->kind == NODE_ALIAS || n->count > 0;
}

const char *
node_type_name(const struct node *n)
{
  n = node_resolve(n);
  if (!n)
    return "nothing";
  switch ((enum node_kind)n->kind) {
  case NODE_MAP: return "a mapping";
  case NODE_SEQ: return "a list";
  case NODE_ALIAS: return "an alias";
  case NODE_SCALAR: break;
  }
  switch ((enum scalar_type)n->type) {
  case SCALAR_STRING: return "a string";
  case SCALAR_INT: return "an integer";
  case SCALAR_FLOAT: return "a number";
  case SCALAR_BOOL: return "a boolean";
  case SCALAR_NULL: return "null";
  }
  return "a value";
}

struct node *
node_new_scalar(struct arena *a, struct span span, const char *str,
                uint32_t len, unsigned flags)
{
  struct node *n = arena_alloc(a, sizeof *n);

  if (!n)
    return NULL;
  n->kind = NODE_SCALAR;
  n->flags = (uint8_t)flags;
  n->span = span;
  n->u.scalar.str = arena_strndup(a, str, len);
  n->u.scalar.len = len;
  if (!n->u.scalar.str)
    return NULL;
  n->type = (flags & (NODE_QUOTED | NODE_BLOCK)) ? SCALAR_STRING
                                                 : scalar_resolve(str, len);
  return n;
}

struct node *
node_new_collection(struct arena *a, enum node_kind kind, struct span span,
                    struct node **items, uint32_t count, unsigned flags)
{
  uint32_t slots = kind == NODE_MAP ? 2 * count : count;
  struct node *n = arena_alloc(a, sizeof *n);

  if (!n)
    return NULL;
  n->kind = (uint8_t)kind;
  n->flags = (uint8_t)flags;
  n->span = span;
  n->count = count;
  if (slots) {
    n->u.items = arena_alloc(a, slots * sizeof *items);
    if (!n->u.items)
      return NULL;
    memcpy(n->u.items, items, slots * sizeof *items);
  }
  return n;
}
