/*
 * JSON Schema files and OpenAI structured-output wrappers. Only faults that
 * need no meta-schema are reported here: a type that is not a JSON type,
 * required that is not a list, properties that are not a mapping, and the
 * wrapper's own keys. The walk follows keywords only, so a property that
 * happens to be named "type" or "required" is never mistaken for one.
 */
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "shape.h"
#include "tree.h"

static const char *const schema__types[] = {
  "string", "number", "integer", "boolean", "object", "array", "null", NULL,
};

/* Type names from programming languages, and the JSON type they mean. */
static const char *const schema__aliases[][2] = {
  { "str", "string" }, { "text", "string" }, { "int", "integer" },
  { "long", "integer" }, { "float", "number" }, { "double", "number" },
  { "decimal", "number" }, { "bool", "boolean" }, { "dict", "object" },
  { "map", "object" }, { "obj", "object" }, { "list", "array" },
  { "tuple", "array" },
  { "none", "null" },
};

/* Keywords whose value is one subschema. */
static const char *const schema__one[] = {
  "items", "additionalItems", "additionalProperties", "not", "if", "then",
  "else", "contains", "propertyNames", "unevaluatedItems",
  "unevaluatedProperties", "contentSchema", NULL,
};

/* Keywords whose value is a list of subschemas. */
static const char *const schema__list[] = {
  "allOf", "anyOf", "oneOf", "prefixItems", "items", NULL,
};

/* Keywords whose value maps names to subschemas. */
static const char *const schema__map[] = {
  "properties", "patternProperties", "$defs", "definitions",
  "dependentSchemas", NULL,
};

static bool
schema__listed(const char *const *list, const char *s)
{
  for (; *list; list++)
    if (strcmp(*list, s) == 0)
      return true;
  return false;
}

static const char *
schema__near_type(const char *s)
{
  for (size_t i = 0; i < sizeof schema__aliases / sizeof *schema__aliases;
       i++)
    if (strcasecmp(s, schema__aliases[i][0]) == 0)
      return schema__aliases[i][1];
  return shape_suggest(NULL, schema__types, s);
}

static void
schema__check_type_name(struct artifact *a, const struct node *n)
{
  const char *s = node_str(n);
  const char *near;
  struct diagnostic *d;

  if (!s || n->type == SCALAR_NULL || schema__listed(schema__types, s))
    return;
  near = schema__near_type(s);
  if (!near) {
    diag_add(&a->diags, DIAG_INVALID_VALUE, n->span,
             "'%s' is not a JSON Schema type (one of: string, number, "
             "integer, boolean, object, array, null)", s);
    return;
  }
  d = diag_add(&a->diags, DIAG_INVALID_VALUE, n->span,
               "'%s' is not a JSON Schema type; did you mean '%s'? (one "
               "of: string, number, integer, boolean, object, array, "
               "null)", s, near);
  if (d)
    d->replacement = near;
}

static void
schema__check_type(struct artifact *a, const struct node *type)
{
  const struct node *t = node_resolve(type);

  if (t->kind == NODE_SCALAR) {
    schema__check_type_name(a, t);
  } else if (t->kind == NODE_SEQ) {
    for (uint32_t i = 0; i < t->count; i++)
      schema__check_type_name(a, node_resolve(t->u.items[i]));
  } else {
    diag_add(&a->diags, DIAG_WRONG_TYPE, type->span,
             "'type' should be a string or a list of strings, not %s",
             node_type_name(t));
  }
}

static void schema__walk(struct artifact *a, const struct node *n);

/* One keyword of a schema object: check its value, then walk into it. */
static void
schema__keyword(struct artifact *a, const char *key, const struct node *value)
{
  const struct node *v = node_resolve(value);

  if (!v)
    return;
  if (strcmp(key, "type") == 0) {
    schema__check_type(a, value);
  } else if (strcmp(key, "required") == 0 && v->kind != NODE_SEQ) {
    diag_add(&a->diags, DIAG_WRONG_TYPE, value->span,
             "'required' should be a list of property names, not %s",
             node_type_name(v));
  } else if (schema__listed(schema__map, key)) {
    if (v->kind != NODE_MAP && strcmp(key, "properties") == 0)
      diag_add(&a->diags, DIAG_WRONG_TYPE, value->span,
               "'properties' should be a mapping of names to schemas, not "
               "%s", node_type_name(v));
    for (uint32_t i = 0; v->kind == NODE_MAP && i < v->count; i++)
      schema__walk(a, node_value(v, i));
  } else if (v->kind == NODE_SEQ && schema__listed(schema__list, key)) {
    for (uint32_t i = 0; i < v->count; i++)
      schema__walk(a, v->u.items[i]);
  } else if (schema__listed(schema__one, key)) {
    schema__walk(a, v);
  }
}

static void
schema__walk(struct artifact *a, const struct node *n)
{
  n = node_resolve(n);
  if (!n || n->kind != NODE_MAP)
    return;
  for (uint32_t i = 0; i < n->count; i++) {
    const char *key = node_str(node_key(n, i));

    if (key)
      schema__keyword(a, key, node_value(n, i));
  }
}

void
json_schema_check(struct artifact *a)
{
  formats_parse_document(a, true);
  schema__walk(a, a->root);
}

static const struct shape_field schema__wrapper_fields[] = {
  { "name", SHAPE_TEXT, "The schema's name: letters, digits, '_' and '-', "
    "at most 64.", 0, 0, 0, SHAPE_REQUIRED },
  { "description", SHAPE_STRING, "What the output is.", 0, 0, 0, 0 },
  { "schema", SHAPE_MAP, "The JSON Schema of the output.", 0, 0, 0,
    SHAPE_REQUIRED },
  { "strict", SHAPE_BOOL, "Enforce the schema exactly (a subset of JSON "
    "Schema).", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape schema__wrapper = {
  "OpenAI json_schema", schema__wrapper_fields, 0, 0, 0,
};

static const char *const schema__response_types[] = {
  "json_schema", "json_object", "text", NULL,
};

static const struct shape_field schema__response_fields[] = {
  { "type", SHAPE_TEXT, "json_schema, json_object or text.", 0, 0,
    schema__response_types, SHAPE_REQUIRED },
  { "json_schema", SHAPE_MAP, "The {name, schema, strict} wrapper.",
    &schema__wrapper, 0, 0, 0 },
  { 0 },
};

static const struct shape schema__response = {
  "OpenAI response_format", schema__response_fields, 0, 0, 0,
};

/* OpenAI takes names of 1 to 64 letters, digits, '_' and '-'. */
static void
schema__check_name(struct artifact *a, const struct node *name)
{
  const char *s = node_str(name);
  size_t n = s ? strlen(s) : 0;
  bool ok = n >= 1 && n <= 64;

  if (!s || name->type != SCALAR_STRING)
    return;
  for (size_t i = 0; ok && i < n; i++)
    ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "0123456789_-", s[i]) != NULL;
  if (!ok)
    diag_add(&a->diags, DIAG_INVALID_VALUE, name->span,
             "'%s' is not a valid schema name: use 1 to 64 letters, "
             "digits, '_' and '-'", s);
}

void
openai_schema_check(struct artifact *a)
{
  const struct node *rf;
  const struct node *wrapper;

  formats_parse_document(a, true);
  rf = node_get(a->root, "response_format");
  if (rf) {
    shape_check(&schema__response, rf, rf->span, &a->diags);
    wrapper = node_get(rf, "json_schema");
  } else {
    shape_check(&schema__wrapper, a->root, formats_top(a), &a->diags);
    wrapper = node_resolve(a->root);
  }
  schema__check_name(a, node_get(wrapper, "name"));
  schema__walk(a, node_get(wrapper, "schema"));
}

const struct shape *
openai_schema_shape(void)
{
  return &schema__wrapper;
}
