/*
 * Picoschema to JSON Schema, rule for rule as Dotprompt converts it:
 * "type, description" scalars, "name?(kind, description)" keys, nested
 * mappings as objects, "(*)" for additionalProperties, every object closed
 * and every field without "?" required.
 */
#include "picoschema.h"

#include <json-c/json.h>
#include <string.h>

#include "tree.h"

/* Nesting a Picoschema may have before facet stops reading it. */
#define PICOSCHEMA_DEPTH_MAX 64

static const char *const pico__scalars[] = {
  "string", "number", "integer", "boolean", "null", "any", NULL,
};

static const char *const pico__json_types[] = {
  "any", "boolean", "integer", "null", "number", "string", "object",
  "array", NULL,
};

static bool
pico__in(const char *const *list, const char *s, size_t n)
{
  for (; *list; list++)
    if (strlen(*list) == n && strncmp(*list, s, n) == 0)
      return true;
  return false;
}

bool
picoschema_is_json_schema(const struct node *n)
{
  const char *type;
  const struct node *props;

  n = node_resolve(n);
  if (!n || n->kind != NODE_MAP)
    return false;
  type = node_str(node_get(n, "type"));
  if (type && pico__in(pico__json_types, type, strlen(type)))
    return true;
  props = node_get(n, "properties");
  return props && props->kind == NODE_MAP;
}

/* Adds description (n bytes) to schema, when there is one. */
static void
pico__describe(struct json_object *schema, const char *desc, size_t n)
{
  if (desc && n)
    json_object_object_add(schema, "description",
                           json_object_new_string_len(desc, (int)n));
}

/*
 * "type, description": the text after the first comma, leading spaces
 * dropped, is the description. A scalar type becomes {type}; any becomes
 * {}; another name is a schema registered in code, unknown here.
 */
static struct json_object *
pico__scalar(const char *s, bool *named)
{
  const char *comma = strchr(s, ',');
  size_t tn = comma ? (size_t)(comma - s) : strlen(s);
  const char *desc = comma ? comma + 1 : NULL;
  struct json_object *schema = json_object_new_object();

  while (desc && *desc == ' ')
    desc++;
  while (tn && s[tn - 1] == ' ')
    tn--;
  if (!schema)
    return NULL;
  if (!pico__in(pico__scalars, s, tn))
    *named = true;
  else if (strncmp(s, "any", tn) != 0)
    json_object_object_add(schema, "type",
                           json_object_new_string_len(s, (int)tn));
  pico__describe(schema, desc, desc ? strlen(desc) : 0);
  return schema;
}

/* Makes schema nullable, as an optional field is: a type list with null,
 * or null among the enum's values. */
static void
pico__nullable(struct json_object *schema)
{
  struct json_object *type;
  struct json_object *values;

  if (json_object_object_get_ex(schema, "type", &type) &&
      json_object_is_type(type, json_type_string)) {
    struct json_object *list = json_object_new_array();

    json_object_array_add(list, json_object_get(type));
    json_object_array_add(list, json_object_new_string("null"));
    json_object_object_add(schema, "type", list);
  } else if (json_object_object_get_ex(schema, "enum", &values)) {
    json_object_array_add(values, NULL);
  }
}

static struct json_object *pico__value(const struct node *v, bool *named,
                                       int depth);
static struct json_object *pico__object(const struct node *map, bool *named,
                                        int depth);

/* One field of an object: "name?(kind, description)" and its value. */
static struct json_object *
pico__field(const char *key, const struct node *value, bool *named,
            int depth)
{
  const char *paren = strchr(key, '(');
  const char *close = paren ? strrchr(paren, ')') : NULL;
  const char *kind = paren ? paren + 1 : NULL;
  size_t kn = 0;
  const char *desc = NULL;
  size_t dn = 0;
  struct json_object *schema = NULL;

  if (paren && close) {
    const char *comma = memchr(kind, ',', (size_t)(close - kind));

    kn = comma ? (size_t)(comma - kind) : (size_t)(close - kind);
    if (comma) {
      desc = comma + 1;
      while (*desc == ' ')
        desc++;
      dn = (size_t)(close - desc);
    }
    while (kn && kind[kn - 1] == ' ')
      kn--;
  }
  if (!paren) {
    schema = pico__value(value, named, depth + 1);
  } else if (kn == 5 && strncmp(kind, "array", 5) == 0) {
    schema = json_object_new_object();
    json_object_object_add(schema, "type", json_object_new_string("array"));
    json_object_object_add(schema, "items",
                           pico__value(value, named, depth + 1));
  } else if (kn == 6 && strncmp(kind, "object", 6) == 0) {
    schema = pico__object(value, named, depth + 1);
  } else if (kn == 4 && strncmp(kind, "enum", 4) == 0) {
    size_t budget = NODE_JSON_BUDGET_DEFAULT;

    schema = json_object_new_object();
    json_object_object_add(schema, "enum", node_to_json(value, &budget));
  } else {
    return NULL;  /* Dotprompt refuses other parenthetical types */
  }
  if (schema)
    pico__describe(schema, desc, dn);
  return schema;
}

static struct json_object *
pico__object(const struct node *map, bool *named, int depth)
{
  struct json_object *schema = json_object_new_object();
  struct json_object *props = json_object_new_object();
  struct json_object *required = json_object_new_array();
  struct json_object *wildcard = NULL;
  char name[1024];

  map = node_resolve(map);
  if (!map || map->kind != NODE_MAP || depth > PICOSCHEMA_DEPTH_MAX)
    goto fail;
  for (uint32_t i = 0; i < map->count; i++) {
    const char *key = node_str(node_key(map, i));
    const char *paren = key ? strchr(key, '(') : NULL;
    size_t name_len = key ? (paren ? (size_t)(paren - key) : strlen(key))
                          : 0;
    bool optional = name_len && key[name_len - 1] == '?';
    struct json_object *field;

    if (!key)
      continue;
    if (strcmp(key, "(*)") == 0) {
      json_object_put(wildcard);
      wildcard = pico__value(node_value(map, i), named, depth + 1);
      continue;
    }
    field = pico__field(key, node_value(map, i), named, depth);
    if (!field)
      goto fail;
    name_len -= optional;
    if (optional)
      pico__nullable(field);
    else if (name_len < sizeof name)
      json_object_array_add(required,
                            json_object_new_string_len(key, (int)name_len));
    if (name_len >= sizeof name) {
      json_object_put(field);
      continue;
    }
    memcpy(name, key, name_len);
    name[name_len] = '\0';
    json_object_object_add(props, name, field);
  }
  json_object_object_add(schema, "type", json_object_new_string("object"));
  json_object_object_add(schema, "properties", props);
  if (json_object_array_length(required))
    json_object_object_add(schema, "required", required);
  else
    json_object_put(required);
  json_object_object_add(schema, "additionalProperties",
                         wildcard ? wildcard : json_object_new_boolean(0));
  return schema;
fail:
  json_object_put(schema);
  json_object_put(props);
  json_object_put(required);
  json_object_put(wildcard);
  return NULL;
}

/* A value: a "type, description" scalar or a nested object. */
static struct json_object *
pico__value(const struct node *v, bool *named, int depth)
{
  v = node_resolve(v);
  if (!v)
    return NULL;
  if (v->kind == NODE_SCALAR && v->type != SCALAR_NULL)
    return pico__scalar(v->u.scalar.str, named);
  if (v->kind == NODE_MAP)
    return pico__object(v, named, depth);
  return NULL;
}

struct json_object *
picoschema_to_json(const struct node *n, bool *named)
{
  size_t budget = NODE_JSON_BUDGET_DEFAULT;
  struct json_object *schema;
  struct json_object *props;

  *named = false;
  n = node_resolve(n);
  if (!n)
    return NULL;
  if (picoschema_is_json_schema(n)) {
    schema = node_to_json(n, &budget);
    /* properties alone: Dotprompt adds type object. */
    if (schema && !json_object_object_get_ex(schema, "type", NULL) &&
        json_object_object_get_ex(schema, "properties", &props))
      json_object_object_add(schema, "type",
                             json_object_new_string("object"));
    return schema;
  }
  return pico__value(n, named, 0);
}
