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

static const char *const schema__flat_types[] = { "json_schema", NULL };

/* The Responses API's text.format: the wrapper's keys beside its type. */
static const struct shape_field schema__flat_fields[] = {
  { "type", SHAPE_TEXT, "json_schema.", 0, 0, schema__flat_types, 0 },
  { "name", SHAPE_TEXT, "The schema's name: letters, digits, '_' and '-', "
    "at most 64.", 0, 0, 0, SHAPE_REQUIRED },
  { "description", SHAPE_STRING, "What the output is.", 0, 0, 0, 0 },
  { "schema", SHAPE_MAP, "The JSON Schema of the output.", 0, 0, 0,
    SHAPE_REQUIRED },
  { "strict", SHAPE_BOOL, "Enforce the schema exactly (a subset of JSON "
    "Schema).", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape schema__flat = {
  "OpenAI json_schema", schema__flat_fields, 0, 0, 0,
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

/* OpenAI and Anthropic take names of 1 to 64 letters, digits, '_' and
 * '-', for schemas and for tools alike; what says which. */
static void
schema__check_name(struct artifact *a, const struct node *name,
                   const char *what)
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
             "'%s' is not a valid %s name: use 1 to 64 letters, "
             "digits, '_' and '-'", s, what);
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
  /* The response_format object may be the whole file. */
  if (!rf && node_get(a->root, "json_schema"))
    rf = node_resolve(a->root);
  if (rf) {
    shape_check(&schema__response, rf, rf->span, &a->diags);
    wrapper = node_get(rf, "json_schema");
  } else {
    shape_check(node_get(a->root, "type") ? &schema__flat : &schema__wrapper,
                a->root, formats_top(a), &a->diags);
    wrapper = node_resolve(a->root);
  }
  schema__check_name(a, node_get(wrapper, "name"), "schema");
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

/* ---- tool definitions ------------------------------------------------- */

/* A function's own keys, in OpenAI's nested form and in its flat one. */
#define TOOLS__FUNCTION_KEYS                                                 \
  { "name", SHAPE_TEXT, "The function's name: letters, digits, '_' and "     \
    "'-', at most 64.", 0, 0, 0, SHAPE_REQUIRED },                          \
  { "description", SHAPE_STRING, "What the function does; the model reads " \
    "it to decide when to call it.", 0, 0, 0, 0 },                          \
  { "parameters", SHAPE_MAP, "The JSON Schema of its arguments.", 0, 0, 0,   \
    0 },                                                                     \
  { "strict", SHAPE_BOOL, "Hold the arguments to the schema exactly "        \
    "(OpenAI strict mode).", 0, 0, 0, 0 }

static const struct shape_field tools__function_fields[] = {
  TOOLS__FUNCTION_KEYS,
  { 0 },
};

static const struct shape tools__function = {
  "OpenAI function", tools__function_fields, 0, 0, 0,
};

static const struct shape_field tools__openai_fields[] = {
  { "type", SHAPE_TEXT, "function.", 0, 0, 0, 0 },
  { "function", SHAPE_MAP, "The function: name, description, parameters.",
    &tools__function, 0, 0, SHAPE_REQUIRED },
  { 0 },
};

static const struct shape tools__openai = {
  "OpenAI tool", tools__openai_fields, 0, 0, 0,
};

/* The Responses API's tools, and the older functions list, are flat. */
static const struct shape_field tools__flat_fields[] = {
  { "type", SHAPE_TEXT, "function.", 0, 0, 0, 0 },
  TOOLS__FUNCTION_KEYS,
  { 0 },
};

static const struct shape tools__flat = {
  "OpenAI function", tools__flat_fields, 0, 0, 0,
};

static const struct shape_field tools__anthropic_fields[] = {
  { "name", SHAPE_TEXT, "The tool's name: letters, digits, '_' and '-', at "
    "most 64.", 0, 0, 0, SHAPE_REQUIRED },
  { "description", SHAPE_STRING, "What the tool does; Claude reads it to "
    "decide when to use it.", 0, 0, 0, 0 },
  { "input_schema", SHAPE_MAP, "The JSON Schema of its input.", 0, 0, 0,
    SHAPE_REQUIRED },
  { "strict", SHAPE_BOOL, "Hold the input to the schema exactly (strict "
    "tool use).", 0, 0, 0, 0 },
  { "input_examples", SHAPE_SEQ, "Example inputs.", 0, 0, 0, 0 },
  { "cache_control", SHAPE_MAP, "Prompt caching up to this tool.", 0, 0, 0,
    0 },
  { "type", SHAPE_TEXT, "custom, or a server tool's type.", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape tools__anthropic = {
  "Anthropic tool", tools__anthropic_fields, 0, 0, 0,
};

/*
 * One tool of the list: its keys, its name, and its schema, held to the
 * provider's strict rules when the tool asks for strict mode. Tools of
 * other types (OpenAI's web_search, Anthropic's server tools) carry no
 * schema of ours and are left alone.
 */
static void
tools__check_one(struct artifact *a, const struct node *tool)
{
  const struct node *fn = node_resolve(node_get(tool, "function"));
  const struct node *type = node_resolve(node_get(tool, "type"));
  const struct node *holder = tool;
  const struct node *schema;
  const char *where = "parameters";
  enum schema_provider strict_provider = SCHEMA_PROVIDER_OPENAI;

  if (!tool || tool->kind != NODE_MAP)
    return;
  if (fn && fn->kind == NODE_MAP) {
    shape_check(&tools__openai, tool, tool->span, &a->diags);
    holder = fn;
  } else if (node_get(tool, "input_schema")) {
    shape_check(&tools__anthropic, tool, tool->span, &a->diags);
    where = "input_schema";
    strict_provider = SCHEMA_PROVIDER_ANTHROPIC;
  } else if (!type || node_is_str(type, "function")) {
    shape_check(&tools__flat, tool, tool->span, &a->diags);
  } else {
    return;
  }
  schema__check_name(a, node_get(holder, "name"), "tool");
  schema = node_get(holder, where);
  if (schema && node_resolve(schema)->kind == NODE_MAP)
    schema_add(a, schema, where,
               node_is_bool(node_resolve(node_get(holder, "strict")), true)
                 ? strict_provider : a->provider, schema__flags(a));
}

void
tool_definitions_check(struct artifact *a)
{
  const struct node *list;

  formats_parse_document(a, true);
  list = node_resolve(a->root);
  if (!list || list->kind != NODE_SEQ)
    return;
  for (uint32_t i = 0; i < list->count; i++)
    tools__check_one(a, node_resolve(list->u.items[i]));
  a->facts.tests_hint = "add an eval that checks the model's tool calls "
                        "against these definitions (promptfoo's "
                        "is-valid-openai-tools-call)";
}
