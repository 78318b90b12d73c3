/*
 * JSON Schema files and OpenAI structured-output wrappers. The schema
 * itself is checked by the validator's compiler (schema.c): every keyword
 * whose value JSON Schema does not allow, $refs that resolve nowhere,
 * patterns that do not compile, and the rules of the provider it is for.
 * Here: the wrapper's own keys, and which provider that is (a wrapper
 * with strict: true is for OpenAI's strict mode).
 */
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "schema.h"
#include "shape.h"
#include "tree.h"

/* How the schema is written; one that does not parse is only kept for
 * navigation (its problems would be the parser's guesses). */
static unsigned
schema__flags(const struct artifact *a)
{
  return (a->syntax == SYNTAX_JSON ? SCHEMA_JSON : 0) |
         (a->facts.header_broken ? SCHEMA_UNCHECKED : 0);
}

void
json_schema_check(struct artifact *a)
{
  formats_parse_document(a, true);
  if (a->root)
    schema_add(a, a->root, NULL, a->provider, schema__flags(a));
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
  const struct node *schema;
  const struct node *strict;

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
  schema = node_get(wrapper, "schema");
  strict = node_resolve(node_get(wrapper, "strict"));
  if (schema && node_resolve(schema)->kind == NODE_MAP)
    schema_add(a, schema, "schema", node_is_bool(strict, true)
                 ? SCHEMA_PROVIDER_OPENAI : a->provider, schema__flags(a));
}

const struct shape *
openai_schema_shape(void)
{
  return &schema__wrapper;
}
