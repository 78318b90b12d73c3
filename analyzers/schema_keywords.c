/*
 * The JSON Schema keywords facet knows: what each one's value holds (for
 * the walk), what it means (for hover and completion), and whether each
 * model provider takes it (docs/jsonschema.md gives the sources).
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "schema_internal.h"
#include "tree.h"

#define T SCHEMA_TAKES
#define U SCHEMA_UNLISTED
#define R SCHEMA_REJECTS

/* Support columns: none, OpenAI strict, Gemini, Anthropic strict. */
#define ALL_TAKE { T, T, T, T }

static const struct schema_keyword schema__keywords[] = {
  /* Identifiers and references. */
  { "$schema", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "the root schema",
    "The dialect (draft) the schema is written in, as the URI of its "
    "meta-schema; facet reads draft-04, -06, -07, 2019-09 and 2020-12." },
  { "$id", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "The URI of this schema resource; relative $refs inside it resolve "
    "against it (draft-06 and later; draft-04 writes `id`)." },
  { "id", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema (draft-04)",
    "Draft-04's name for $id: the base URI of this schema." },
  { "$anchor", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "A plain name for this schema, so that `$ref: \"#name\"` can point at "
    "it without a JSON pointer (2019-09 and later)." },
  { "$ref", SCHEMA_VALUE_PLAIN, false, ALL_TAKE, "any instance",
    "Applies the schema this URI reference names: `#/$defs/x` in this "
    "file, `#name` for an $anchor, or another file. Before 2019-09 the "
    "keywords beside it are ignored." },
  { "$dynamicRef", SCHEMA_VALUE_PLAIN, false, { T, U, U, U },
    "any instance", "A $ref whose target can be overridden by the schema "
    "that started the evaluation, through $dynamicAnchor (2020-12)." },
  { "$dynamicAnchor", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "Names this schema as an extension point for $dynamicRef (2020-12)." },
  { "$recursiveRef", SCHEMA_VALUE_PLAIN, false, { T, U, U, U },
    "any instance", "2019-09's form of $dynamicRef: a reference that can "
    "resolve to the outermost schema with $recursiveAnchor." },
  { "$recursiveAnchor", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "Marks this resource as a target of $recursiveRef (2019-09)." },
  { "$defs", SCHEMA_VALUE_MAP, true, ALL_TAKE, "the schema holding it",
    "Schemas kept for $ref to use, by name; they apply to nothing by "
    "themselves (2019-09 and later; earlier drafts write definitions)." },
  { "definitions", SCHEMA_VALUE_MAP, true, { T, T, U, T },
    "the schema holding it", "Draft-07 and earlier's name for $defs: "
    "schemas kept for $ref to use." },
  { "$comment", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "A note for people who maintain the schema; validators ignore it." },
  { "$vocabulary", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "meta-schemas",
    "The vocabularies a meta-schema uses (2019-09 and later)." },

  /* Applying subschemas. */
  { "allOf", SCHEMA_VALUE_LIST, false, { T, R, U, T }, "any instance",
    "The instance must be valid against every schema in the list." },
  { "anyOf", SCHEMA_VALUE_LIST, false, ALL_TAKE, "any instance",
    "The instance must be valid against at least one schema in the list." },
  { "oneOf", SCHEMA_VALUE_LIST, false, { T, R, U, U }, "any instance",
    "The instance must be valid against exactly one schema in the list." },
  { "not", SCHEMA_VALUE_ONE, false, { T, R, U, U }, "any instance",
    "The instance must not be valid against this schema." },
  { "if", SCHEMA_VALUE_ONE, false, { T, R, U, U }, "any instance",
    "When the instance is valid against this schema, `then` applies; "
    "otherwise `else` does (draft-07 and later)." },
  { "then", SCHEMA_VALUE_ONE, false, { T, R, U, U }, "any instance",
    "Applies when the instance is valid against `if`." },
  { "else", SCHEMA_VALUE_ONE, false, { T, R, U, U }, "any instance",
    "Applies when the instance is not valid against `if`." },
  { "dependentSchemas", SCHEMA_VALUE_MAP, false, { T, R, U, U }, "objects",
    "For each property name: when the object has that property, the "
    "object must also be valid against its schema (2019-09 and later)." },
  { "dependencies", SCHEMA_VALUE_DEPENDENCIES, false, { T, R, U, U },
    "objects", "Draft-07 and earlier: for each property name, either the "
    "properties that must come with it or a schema the object must then "
    "match." },
  { "prefixItems", SCHEMA_VALUE_LIST, false, { T, U, T, U }, "arrays",
    "Schemas for the first items of an array, one by one, as in a tuple "
    "(2020-12)." },
  { "items", SCHEMA_VALUE_ITEMS, false, ALL_TAKE, "arrays",
    "The schema every item must match (in 2020-12, every item after "
    "prefixItems). Before 2020-12 a list of schemas describes a tuple." },
  { "additionalItems", SCHEMA_VALUE_ONE, false, { T, U, U, U }, "arrays",
    "Before 2020-12: the schema for the items past a tuple-form `items`." },
  { "contains", SCHEMA_VALUE_ONE, false, { T, U, U, U }, "arrays",
    "At least one item (or between minContains and maxContains of them) "
    "must match this schema." },
  { "properties", SCHEMA_VALUE_MAP, false, ALL_TAKE, "objects",
    "The schema of each named property, where the object has it; "
    "whether it must have it is `required`'s business." },
  { "patternProperties", SCHEMA_VALUE_MAP, false, { T, U, U, U },
    "objects", "Schemas for the properties whose names match each regular "
    "expression (ECMA-262)." },
  { "additionalProperties", SCHEMA_VALUE_ONE, false, ALL_TAKE, "objects",
    "The schema of the properties neither `properties` nor "
    "`patternProperties` name; `false` forbids them." },
  { "propertyNames", SCHEMA_VALUE_ONE, false, { T, U, U, U }, "objects",
    "A schema every property name (a string) must match." },
  { "unevaluatedItems", SCHEMA_VALUE_ONE, false, { T, U, U, U }, "arrays",
    "The schema of items no other keyword, here or in applied subschemas, "
    "has evaluated (2019-09 and later)." },
  { "unevaluatedProperties", SCHEMA_VALUE_ONE, false, { T, U, U, U },
    "objects", "The schema of properties no other keyword, here or in "
    "applied subschemas, has evaluated (2019-09 and later)." },

  /* Validation. */
  { "type", SCHEMA_VALUE_PLAIN, false, ALL_TAKE, "any instance",
    "The JSON type the instance must have: string, number, integer, "
    "boolean, object, array or null, or a list of them." },
  { "enum", SCHEMA_VALUE_PLAIN, false, ALL_TAKE, "any instance",
    "The instance must equal one of these values." },
  { "const", SCHEMA_VALUE_PLAIN, false, { T, T, U, T }, "any instance",
    "The instance must equal this value (draft-06 and later)." },
  { "multipleOf", SCHEMA_VALUE_PLAIN, false, { T, T, U, R }, "numbers",
    "The number must be a multiple of this (exactly, for decimals)." },
  { "maximum", SCHEMA_VALUE_PLAIN, false, { T, T, T, R }, "numbers",
    "The number must be at most this." },
  { "exclusiveMaximum", SCHEMA_VALUE_PLAIN, false, { T, T, U, R },
    "numbers", "The number must be less than this (draft-04: a boolean "
    "that makes maximum exclusive)." },
  { "minimum", SCHEMA_VALUE_PLAIN, false, { T, T, T, R }, "numbers",
    "The number must be at least this." },
  { "exclusiveMinimum", SCHEMA_VALUE_PLAIN, false, { T, T, U, R },
    "numbers", "The number must be greater than this (draft-04: a boolean "
    "that makes minimum exclusive)." },
  { "maxLength", SCHEMA_VALUE_PLAIN, false, { T, U, U, R }, "strings",
    "The string must have at most this many characters (code points)." },
  { "minLength", SCHEMA_VALUE_PLAIN, false, { T, U, U, R }, "strings",
    "The string must have at least this many characters (code points)." },
  { "pattern", SCHEMA_VALUE_PLAIN, false, { T, T, U, T }, "strings",
    "A regular expression (ECMA-262) the string must match somewhere; "
    "anchor it with ^ and $ to match the whole string." },
  { "maxItems", SCHEMA_VALUE_PLAIN, false, { T, T, T, R }, "arrays",
    "The array must have at most this many items." },
  { "minItems", SCHEMA_VALUE_PLAIN, false, ALL_TAKE, "arrays",
    "The array must have at least this many items." },
  { "uniqueItems", SCHEMA_VALUE_PLAIN, false, { T, U, U, U }, "arrays",
    "When true, no two items may be equal." },
  { "maxContains", SCHEMA_VALUE_PLAIN, false, { T, U, U, U }, "arrays",
    "At most this many items may match `contains` (2019-09 and later)." },
  { "minContains", SCHEMA_VALUE_PLAIN, false, { T, U, U, U }, "arrays",
    "At least this many items must match `contains` (2019-09 and later; "
    "0 makes `contains` always pass)." },
  { "maxProperties", SCHEMA_VALUE_PLAIN, false, { T, U, U, U }, "objects",
    "The object must have at most this many properties." },
  { "minProperties", SCHEMA_VALUE_PLAIN, false, { T, U, U, U }, "objects",
    "The object must have at least this many properties." },
  { "required", SCHEMA_VALUE_PLAIN, false, ALL_TAKE, "objects",
    "The names of the properties the object must have." },
  { "dependentRequired", SCHEMA_VALUE_PLAIN, false, { T, R, U, U },
    "objects", "For each property name: when the object has it, it must "
    "also have these others (2019-09 and later)." },
  { "format", SCHEMA_VALUE_PLAIN, false, ALL_TAKE, "strings",
    "A named format (date-time, email, uri, uuid, ...). An annotation by "
    "default; `facet validate --format-assert` checks it." },
  { "contentEncoding", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "strings",
    "How the string encodes binary data (base64, ...); an annotation." },
  { "contentMediaType", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "strings",
    "The media type of the string's content; an annotation." },
  { "contentSchema", SCHEMA_VALUE_ONE, true, ALL_TAKE, "strings",
    "The schema of the decoded content; an annotation." },

  /* Annotations. */
  { "title", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "A short name for what the schema describes." },
  { "description", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "What the value means. Models read it: for an output schema it is "
    "part of the prompt." },
  { "default", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "The value meant when none is given; validators do not fill it in." },
  { "examples", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "Sample values (a list); not checked against the schema." },
  { "deprecated", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "When true, the value should no longer be used (2019-09 and later)." },
  { "readOnly", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "The value is managed by its owner and should not be sent back." },
  { "writeOnly", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "The value is sent but never returned (a password, say)." },

  /* Not JSON Schema, but read by tools that take it. */
  { "propertyOrdering", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "objects",
    "Gemini: the order the model writes the properties in." },
  { "nullable", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "OpenAPI 3.0 (and Gemini's schema object): the value may also be null. "
    "JSON Schema writes `type: [..., \"null\"]` instead." },
  { "example", SCHEMA_VALUE_PLAIN, true, ALL_TAKE, "any schema",
    "OpenAPI: one sample value. JSON Schema writes `examples`." },
};

const struct schema_keyword *
schema_keyword(const char *name)
{
  for (size_t i = 0; i < sizeof schema__keywords / sizeof *schema__keywords;
       i++)
    if (strcmp(schema__keywords[i].name, name) == 0)
      return &schema__keywords[i];
  return NULL;
}

const struct schema_keyword *
schema_keywords(size_t *count)
{
  *count = sizeof schema__keywords / sizeof *schema__keywords;
  return schema__keywords;
}

/*
 * Keywords that only some drafts have, by the meta-schemas: the first
 * and last draft of each (JS_DRAFT_DEFAULT, a schema without $schema,
 * reads them all).
 */
static const struct {
  const char *name;
  enum js_draft first;
  enum js_draft last;
} schema__drafts[] = {
  { "id", JS_DRAFT_4, JS_DRAFT_4 },
  { "$id", JS_DRAFT_6, JS_DRAFT_2020_12 },
  { "const", JS_DRAFT_6, JS_DRAFT_2020_12 },
  { "contains", JS_DRAFT_6, JS_DRAFT_2020_12 },
  { "propertyNames", JS_DRAFT_6, JS_DRAFT_2020_12 },
  { "examples", JS_DRAFT_6, JS_DRAFT_2020_12 },
  { "if", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "then", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "else", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "$comment", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "readOnly", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "writeOnly", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "contentMediaType", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "contentEncoding", JS_DRAFT_7, JS_DRAFT_2020_12 },
  { "definitions", JS_DRAFT_4, JS_DRAFT_7 },
  { "dependencies", JS_DRAFT_4, JS_DRAFT_7 },
  { "additionalItems", JS_DRAFT_4, JS_DRAFT_2019_09 },
  { "$defs", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "$anchor", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "$vocabulary", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "dependentRequired", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "dependentSchemas", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "unevaluatedProperties", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "unevaluatedItems", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "minContains", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "maxContains", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "deprecated", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "contentSchema", JS_DRAFT_2019_09, JS_DRAFT_2020_12 },
  { "$recursiveRef", JS_DRAFT_2019_09, JS_DRAFT_2019_09 },
  { "$recursiveAnchor", JS_DRAFT_2019_09, JS_DRAFT_2019_09 },
  { "prefixItems", JS_DRAFT_2020_12, JS_DRAFT_2020_12 },
  { "$dynamicRef", JS_DRAFT_2020_12, JS_DRAFT_2020_12 },
  { "$dynamicAnchor", JS_DRAFT_2020_12, JS_DRAFT_2020_12 },
};

bool
schema_keyword_in_draft(const char *name, enum js_draft draft)
{
  if (draft == JS_DRAFT_DEFAULT)
    return true;
  for (size_t i = 0; i < sizeof schema__drafts / sizeof *schema__drafts; i++)
    if (strcmp(schema__drafts[i].name, name) == 0)
      return draft >= schema__drafts[i].first &&
             draft <= schema__drafts[i].last;
  return true;
}

bool
schema_is_object(const struct node *n)
{
  const struct node *type = node_resolve(node_get(n, "type"));

  if (!type)
    return node_get(n, "properties") != NULL;
  if (type->kind == NODE_SEQ) {
    for (uint32_t i = 0; i < type->count; i++)
      if (node_is_str(type->u.items[i], "object"))
        return true;
    return false;
  }
  return node_is_str(type, "object");
}

struct schema_walker {
  schema_visit_fn fn;
  void *ctx;
  struct buf path;
};

static void schema__walk(struct schema_walker *w, const struct node *schema,
                         const struct node *key, const struct node *parent,
                         const char *keyword, uint32_t depth);

/* Appends one JSON pointer segment to the path, escaping '~' and '/'. */
static void
schema__segment(struct buf *path, const char *seg)
{
  buf_putc(path, '/');
  for (; *seg; seg++) {
    if (*seg == '~')
      buf_puts(path, "~0");
    else if (*seg == '/')
      buf_puts(path, "~1");
    else
      buf_putc(path, *seg);
  }
}

static void
schema__walk_child(struct schema_walker *w, const char *seg,
                   const struct node *child, const struct node *key,
                   const struct node *parent, const char *keyword,
                   uint32_t depth)
{
  size_t len = w->path.len;

  schema__segment(&w->path, seg);
  schema__walk(w, child, key, parent, keyword, depth);
  w->path.len = len;
  if (w->path.data)
    w->path.data[len] = '\0';
}

static void
schema__walk_list(struct schema_walker *w, const struct node *seq,
                  const struct node *parent, const char *keyword,
                  uint32_t depth)
{
  for (uint32_t i = 0; i < seq->count; i++) {
    char index[16];

    snprintf(index, sizeof index, "%u", i);
    schema__walk_child(w, index, seq->u.items[i], NULL, parent, keyword,
                       depth);
  }
}

static void
schema__walk_map(struct schema_walker *w, const struct node *map,
                 const struct node *parent, const char *keyword,
                 uint32_t depth, bool dependencies)
{
  for (uint32_t i = 0; i < map->count; i++) {
    const struct node *key = node_key(map, i);
    const struct node *v = node_resolve(node_value(map, i));
    const char *name = node_str(key);

    if (!name || (dependencies && v && v->kind == NODE_SEQ))
      continue;
    schema__walk_child(w, name, node_value(map, i), key, parent, keyword,
                       depth);
  }
}

/* The subschemas under one keyword of the schema object n. */
static void
schema__walk_keyword(struct schema_walker *w, const struct node *n,
                     uint32_t i, uint32_t depth)
{
  const struct node *key = node_key(n, i);
  const char *name = node_str(key);
  const struct schema_keyword *kw = name ? schema_keyword(name) : NULL;
  const struct node *v = node_resolve(node_value(n, i));
  size_t len = w->path.len;

  if (!kw || kw->value == SCHEMA_VALUE_PLAIN || !v)
    return;
  schema__segment(&w->path, name);
  if (v->kind == NODE_SEQ && (kw->value == SCHEMA_VALUE_LIST ||
                              kw->value == SCHEMA_VALUE_ITEMS))
    schema__walk_list(w, v, n, kw->name, depth);
  else if (v->kind == NODE_MAP && (kw->value == SCHEMA_VALUE_MAP ||
                                   kw->value == SCHEMA_VALUE_DEPENDENCIES))
    schema__walk_map(w, v, n, kw->name, depth,
                     kw->value == SCHEMA_VALUE_DEPENDENCIES);
  else if (kw->value == SCHEMA_VALUE_ONE || kw->value == SCHEMA_VALUE_ITEMS)
    schema__walk(w, node_value(n, i), key, n, kw->name, depth);
  w->path.len = len;
  if (w->path.data)
    w->path.data[len] = '\0';
}

static void
schema__walk(struct schema_walker *w, const struct node *schema,
             const struct node *key, const struct node *parent,
             const char *keyword, uint32_t depth)
{
  const struct node *n = node_resolve(schema);
  struct schema_visit v = { n, key, parent, keyword, NULL, depth };

  if (!n || depth > TREE_DEPTH_MAX)
    return;
  v.pointer = w->path.data ? w->path.data : "";
  if (!w->fn(&v, w->ctx) || n->kind != NODE_MAP)
    return;
  for (uint32_t i = 0; i < n->count; i++)
    schema__walk_keyword(w, n, i, depth + 1);
}

void
schema_walk(const struct node *root, schema_visit_fn fn, void *ctx)
{
  struct schema_walker w = { fn, ctx, { 0 } };

  buf_init(&w.path, (size_t)1 << 20);
  schema__walk(&w, root, NULL, NULL, NULL, 0);
  buf_release(&w.path);
}
