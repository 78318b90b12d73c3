/*
 * The output a prompt's header declares already, as JSON Schema: Prompty
 * outputs (v2's list of {name, kind, description, enumValues, required},
 * v1's map of {type, description}), Dotprompt output.schema (Picoschema or
 * JSON Schema), a .prompt.yml's jsonSchema (a JSON string). A schema made
 * from a fragment that shows no example or field list starts from these
 * fields rather than from one placeholder field: the prompt has said what
 * its answer holds, just not in a file a validator or an eval can use.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "tree.h"

#define DECLARED_DEPTH_MAX 16
#define DECLARED_JSON_BUDGET 4096

/* JSON Schema's name for a type word of Prompty or Picoschema, or NULL. */
static const char *
declared__type(const char *word)
{
  static const char *const types[] = {
    "string", "integer", "number", "boolean", "array", "object", "null",
    NULL,
  };

  if (!word)
    return NULL;
  for (const char *const *t = types; *t; t++)
    if (strcmp(word, *t) == 0)
      return *t;
  if (strcmp(word, "float") == 0 || strcmp(word, "double") == 0)
    return "number";
  if (strcmp(word, "int") == 0)
    return "integer";
  if (strcmp(word, "bool") == 0)
    return "boolean";
  if (strcmp(word, "list") == 0)
    return "array";
  if (strcmp(word, "dict") == 0 || strcmp(word, "map") == 0)
    return "object";
  return NULL;
}

static void
declared__set(struct json_object *s, const char *key, const char *value)
{
  if (value && value[0])
    json_object_object_add(s, key, json_object_new_string(value));
}

/* The allowed values of a sequence of scalars, or NULL. */
static struct json_object *
declared__enum(const struct node *seq)
{
  struct json_object *list;

  seq = node_resolve(seq);
  if (!seq || seq->kind != NODE_SEQ || seq->count == 0)
    return NULL;
  list = json_object_new_array();
  for (uint32_t i = 0; i < seq->count; i++) {
    const char *v = node_str(seq->u.items[i]);

    if (!v) {
      json_object_put(list);
      return NULL;
    }
    json_object_array_add(list, json_object_new_string(v));
  }
  return list;
}

/* A property of Prompty's outputs: v2's {name, kind, ...} or v1's value
 * {type, description} (or a bare type word). */
static struct json_object *
declared__prompty_field(const struct node *v, bool v2)
{
  struct json_object *p = json_object_new_object();
  const char *type;
  struct json_object *values;

  v = node_resolve(v);
  if (v && v->kind == NODE_SCALAR) {
    declared__set(p, "type", declared__type(node_str(v)));
    return p;
  }
  if (!v || v->kind != NODE_MAP)
    return p;
  type = declared__type(node_str(node_get(v, v2 ? "kind" : "type")));
  if (!type)
    type = declared__type(node_str(node_get(v, v2 ? "type" : "kind")));
  declared__set(p, "type", type);
  declared__set(p, "description", node_str(node_get(v, "description")));
  values = declared__enum(node_get(v, "enumValues"));
  if (!values)
    values = declared__enum(node_get(v, "enum"));
  if (values)
    json_object_object_add(p, "enum", values);
  if (node_is_str(node_get(v, "required"), "false"))
    json_object_object_add(p, "x-optional", json_object_new_boolean(1));
  /* What the description says: "1 (can wait a week) to 4" is a range. */
  if (json_object_object_get_ex(p, "description", NULL)) {
    const char *d = node_str(node_get(v, "description"));

    crystal_describe(p, d, strlen(d));
    json_object_object_del(p, "x-optional");
    if (node_is_str(node_get(v, "required"), "false"))
      json_object_object_add(p, "x-optional", json_object_new_boolean(1));
  }
  if (!json_object_object_get_ex(p, "type", NULL) &&
      json_object_object_get_ex(p, "enum", NULL))
    json_object_object_add(p, "type", json_object_new_string("string"));
  return p;
}

static struct json_object *
declared__object(void)
{
  struct json_object *s = json_object_new_object();

  json_object_object_add(s, "type", json_object_new_string("object"));
  json_object_object_add(s, "properties", json_object_new_object());
  return s;
}

static struct json_object *
declared__prompty(const struct node *outputs)
{
  struct json_object *s;
  struct json_object *props;

  outputs = node_resolve(outputs);
  if (!outputs || outputs->count == 0 ||
      (outputs->kind != NODE_SEQ && outputs->kind != NODE_MAP))
    return NULL;
  s = declared__object();
  props = json_object_object_get(s, "properties");
  for (uint32_t i = 0; i < outputs->count; i++) {
    const char *name;
    const struct node *v;

    if (outputs->kind == NODE_SEQ) {
      v = node_resolve(outputs->u.items[i]);
      name = v && v->kind == NODE_MAP ? node_str(node_get(v, "name")) : NULL;
    } else {
      v = node_value(outputs, i);
      name = node_str(node_key(outputs, i));
    }
    if (name && name[0] && !json_object_object_get_ex(props, name, NULL))
      json_object_object_add(props, name, declared__prompty_field(
                               v, outputs->kind == NODE_SEQ));
  }
  if (json_object_object_length(props) == 0) {
    json_object_put(s);
    return NULL;
  }
  crystal_fields_close(s);
  return s;
}

static struct json_object *declared__pico(const struct node *n,
                                          unsigned depth);

/*
 * One Picoschema field: "name", "name?", "name(type)", "name(type,
 * description)"; the value a type word with ", description" after it, a
 * map (an object's fields), or for (enum) a list of values and for
 * (array) the items' schema.
 */
static void
declared__pico_field(struct json_object *props, const char *key,
                     const struct node *v, unsigned depth)
{
  const char *open = strchr(key, '(');
  size_t nname = open ? (size_t)(open - key) : strlen(key);
  char *name;
  char *paren = NULL;
  const char *ptype = NULL;
  const char *pdesc = NULL;
  bool optional = false;
  struct json_object *p;

  while (nname && key[nname - 1] == ' ')
    nname--;
  if (nname && key[nname - 1] == '?') {
    optional = true;
    nname--;
  }
  if (nname == 0 || (nname == 1 && key[0] == '*'))
    return;
  name = strndup(key, nname);
  if (open) {
    const char *close = strrchr(open, ')');
    char *comma;

    paren = strndup(open + 1, close ? (size_t)(close - open - 1)
                                    : strlen(open + 1));
    comma = strchr(paren, ',');
    if (comma) {
      *comma = '\0';
      pdesc = comma + 1;
      while (*pdesc == ' ')
        pdesc++;
    }
    ptype = paren;
    while (*ptype == ' ')
      ptype++;
  }
  v = node_resolve(v);
  if (ptype && strcmp(ptype, "enum") == 0) {
    struct json_object *values = declared__enum(v);

    p = json_object_new_object();
    json_object_object_add(p, "type", json_object_new_string("string"));
    if (values)
      json_object_object_add(p, "enum", values);
  } else if (ptype && strcmp(ptype, "array") == 0) {
    struct json_object *items = declared__pico(v, depth + 1);

    p = json_object_new_object();
    json_object_object_add(p, "type", json_object_new_string("array"));
    if (items)
      json_object_object_add(p, "items", items);
  } else {
    p = declared__pico(v, depth + 1);
    if (!p)
      p = json_object_new_object();
  }
  declared__set(p, "description", pdesc);
  if (optional)
    json_object_object_add(p, "x-optional", json_object_new_boolean(1));
  if (!json_object_object_get_ex(props, name, NULL))
    json_object_object_add(props, name, p);
  else
    json_object_put(p);
  free(paren);
  free(name);
}

/* A Picoschema value: "type, description" or a map of fields. */
static struct json_object *
declared__pico(const struct node *n, unsigned depth)
{
  n = node_resolve(n);
  if (!n || depth > DECLARED_DEPTH_MAX)
    return NULL;
  if (n->kind == NODE_SCALAR) {
    const char *s = node_str(n);
    const char *comma = s ? strchr(s, ',') : NULL;
    char *word = s ? strndup(s, comma ? (size_t)(comma - s) : strlen(s))
                   : NULL;
    const char *type = declared__type(word);
    struct json_object *p = json_object_new_object();

    free(word);
    if (type)
      json_object_object_add(p, "type", json_object_new_string(type));
    if (comma) {
      comma++;
      while (*comma == ' ')
        comma++;
      declared__set(p, "description", comma);
    }
    return p;
  }
  if (n->kind == NODE_MAP) {
    struct json_object *s = declared__object();
    struct json_object *props = json_object_object_get(s, "properties");

    for (uint32_t i = 0; i < n->count; i++) {
      const char *key = node_str(node_key(n, i));

      if (key)
        declared__pico_field(props, key, node_value(n, i), depth);
    }
    return s;
  }
  return NULL;
}

/* Dotprompt reads a map with a JSON Schema type or properties as JSON
 * Schema, anything else as Picoschema. */
static struct json_object *
declared__dotprompt(const struct node *schema)
{
  const struct node *type;
  struct json_object *s;

  schema = node_resolve(schema);
  if (!schema || schema->kind != NODE_MAP || schema->count == 0)
    return NULL;  /* a named schema registered in code, or nothing */
  type = node_get(schema, "type");
  if ((type && declared__type(node_str(type))) ||
      node_get(schema, "properties")) {
    size_t budget = DECLARED_JSON_BUDGET;

    return node_to_json(schema, &budget);
  }
  s = declared__pico(schema, 0);
  if (s && json_object_object_length(json_object_object_get(
             s, "properties")) == 0) {
    json_object_put(s);
    return NULL;
  }
  if (s)
    crystal_fields_close(s);
  return s;
}

/* A .prompt.yml's jsonSchema: {name, strict, schema} or a bare schema. */
static struct json_object *
declared__github_models(const struct node *root)
{
  const char *text = node_str(node_get(root, "jsonSchema"));
  struct json_object *doc;
  struct json_object *schema;
  struct json_object *out = NULL;

  if (!node_is_str(node_get(root, "responseFormat"), "json_schema") || !text)
    return NULL;
  doc = json_tokener_parse(text);
  if (!json_object_is_type(doc, json_type_object)) {
    json_object_put(doc);
    return NULL;
  }
  if (json_object_object_get_ex(doc, "schema", &schema) &&
      json_object_is_type(schema, json_type_object))
    out = json_object_get(schema);
  else if (json_object_object_get_ex(doc, "type", NULL) ||
           json_object_object_get_ex(doc, "properties", NULL))
    out = json_object_get(doc);
  json_object_put(doc);
  return out;
}

struct json_object *
crystal_declared_output(struct crystal *c, const char **where)
{
  const struct artifact *a = c->prompt;
  struct json_object *s = NULL;

  *where = NULL;
  if (!a->root || a->root->kind != NODE_MAP)
    return NULL;
  switch (a->format) {
  case FORMAT_PROMPTY:
    s = declared__prompty(node_get(a->root, "outputs"));
    *where = "outputs";
    break;
  case FORMAT_DOTPROMPT:
    s = declared__dotprompt(node_get(node_get(a->root, "output"), "schema"));
    *where = "output.schema";
    break;
  case FORMAT_GITHUB_MODELS:
    s = declared__github_models(a->root);
    *where = "jsonSchema";
    break;
  default:
    break;
  }
  if (!json_object_is_type(s, json_type_object)) {
    json_object_put(s);
    *where = NULL;
    return NULL;
  }
  return s;
}
