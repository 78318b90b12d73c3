/*
 * The rules a model provider's documented schema subset adds to JSON
 * Schema (docs/jsonschema.md cites each source): the root it takes, the
 * keywords it supports, what every object must say, and its size limits.
 * The mechanical ones come with fixes: add additionalProperties: false,
 * add a property to required.
 *
 * Limitation: the size limits are checked per schema; providers count
 * them per request, so several tools of one request may be over a limit
 * together that each is under.
 */
#include <stdio.h>
#include <string.h>

#include "artifact.h"
#include "buf.h"
#include "schema_internal.h"
#include "tree.h"

/* OpenAI's documented limits for strict mode. */
#define OPENAI_PROPERTIES_MAX 5000
#define OPENAI_NESTING_MAX 10
#define OPENAI_ENUM_VALUES_MAX 1000
#define OPENAI_STRING_CHARS_MAX 120000
#define OPENAI_BIG_ENUM 250           /* a string enum with more values... */
#define OPENAI_BIG_ENUM_CHARS 15000   /* ... may have this many characters */

/* Anthropic's documented limits for strict tools, per request. */
#define ANTHROPIC_OPTIONAL_MAX 24
#define ANTHROPIC_UNIONS_MAX 16

struct provider_check {
  struct artifact *a;
  enum schema_provider p;
  bool json;
  bool edits;                           /* spans are exact: fixes apply */
  const struct node *root;
  uint32_t levels[TREE_DEPTH_MAX + 2];  /* object nesting at each depth */
  bool deep_reported;
  bool enum_reported;
  size_t properties;
  size_t enum_values;
  size_t string_chars;
  size_t optional;
  size_t unions;
};

/* Where a finding about the schema object n as a whole goes: the key
 * naming it, else its type or properties key, else its first key. */
static struct span
provider__anchor(const struct schema_visit *v)
{
  const struct node *n = v->schema;
  const struct node *k;

  if (v->key)
    return v->key->span;
  if ((k = node_get_key(n, "type")) || (k = node_get_key(n, "properties")))
    return k->span;
  if (n->kind == NODE_MAP && n->count)
    return node_key(n, 0)->span;
  return span_make(n->span.start, n->span.start);
}

/* The root: OpenAI and Anthropic take an object, and OpenAI no anyOf. */
static void
provider__root(struct provider_check *c, const struct schema_visit *v)
{
  const char *title = schema_provider_title(c->p);
  const struct node *any = node_get_key(v->schema, "anyOf");

  if (c->p == SCHEMA_PROVIDER_GEMINI)
    return;
  if (c->p == SCHEMA_PROVIDER_OPENAI && any) {
    diag_add(&c->a->diags, DIAG_PROVIDER_ROOT, any->span, "%s takes an "
             "object at the root, not anyOf: put the choices under a "
             "property", title);
    return;
  }
  if (v->schema->kind == NODE_MAP && !schema_is_object(v->schema) &&
      node_get_key(v->schema, "$ref") && !node_get_key(v->schema, "type"))
    diag_add(&c->a->diags, DIAG_PROVIDER_ROOT,
             node_get_key(v->schema, "$ref")->span, "%s takes an object at "
             "the root (type: object), not a $ref: write the object there",
             title);
  else if (v->schema->kind != NODE_MAP || !schema_is_object(v->schema))
    diag_add(&c->a->diags, DIAG_PROVIDER_ROOT, provider__anchor(v),
             "%s takes an object at the root (type: object)", title);
}

/* One keyword of a schema object against the provider's list. */
static void
provider__keyword(struct provider_check *c, const struct node *key,
                  const struct node *value)
{
  const char *name = node_str(key);
  const struct schema_keyword *kw = name ? schema_keyword(name) : NULL;
  const char *title = schema_provider_title(c->p);
  const struct node *v = node_resolve(value);
  struct diagnostic *d;

  if (!kw || kw->annotation)
    return;
  if (c->p == SCHEMA_PROVIDER_ANTHROPIC && strcmp(name, "minItems") == 0 &&
      v && v->kind == NODE_SCALAR && strcmp(v->u.scalar.str, "0") != 0 &&
      strcmp(v->u.scalar.str, "1") != 0) {
    diag_add(&c->a->diags, DIAG_PROVIDER_KEYWORD, value->span, "%s takes "
             "minItems of 0 or 1 only, not %s", title, v->u.scalar.str);
    return;
  }
  if (kw->support[c->p] == SCHEMA_REJECTS) {
    d = diag_add(&c->a->diags, DIAG_PROVIDER_KEYWORD, key->span,
                 "'%s' is not supported by %s%s", name, title,
                 strcmp(name, "oneOf") == 0 ? "; anyOf is" : "");
    if (d && c->edits && strcmp(name, "oneOf") == 0)
      d->replacement = "anyOf";
  } else if (kw->support[c->p] == SCHEMA_UNLISTED) {
    d = diag_add(&c->a->diags, DIAG_PROVIDER_KEYWORD, key->span,
                 "'%s' is not among the keywords %s documents as "
                 "supported: it may be refused or not enforced", name,
                 title);
    if (d)
      d->severity = SEVERITY_WARNING;
  }
}

/* $refs Anthropic refuses: to other files, and back into themselves. */
static void
provider__anthropic_ref(struct provider_check *c,
                        const struct schema_visit *v)
{
  const struct node *ref = node_get(v->schema, "$ref");
  const char *s = node_str(ref);
  size_t n;

  if (!s)
    return;
  if (s[0] != '#') {
    diag_add(&c->a->diags, DIAG_PROVIDER_KEYWORD, ref->span, "%s takes "
             "$refs within the schema only, not to other documents",
             schema_provider_title(c->p));
    return;
  }
  n = strlen(s + 1);
  if (strncmp(v->pointer, s + 1, n) == 0 &&
      (v->pointer[n] == '/' || v->pointer[n] == '\0'))
    diag_add(&c->a->diags, DIAG_PROVIDER_KEYWORD, ref->span, "%s does not "
             "support recursive schemas: this $ref leads back to a schema "
             "that holds it", schema_provider_title(c->p));
}

static void
provider__additional(struct provider_check *c, const struct schema_visit *v)
{
  const char *title = schema_provider_title(c->p);
  const struct node *ap = node_get(v->schema, "additionalProperties");
  struct diagnostic *d;
  struct span at;
  const char *text;

  if (ap && node_is_bool(ap, false))
    return;
  if (ap) {
    const struct node *r = node_resolve(ap);

    d = diag_add(&c->a->diags, DIAG_PROVIDER_ADDITIONAL_PROPERTIES,
                 ap->span, "additionalProperties must be false for %s, not "
                 "%s", title, r && r->kind == NODE_MAP ? "a schema"
                                                       : node_str(r));
    if (d && c->edits)
      d->replacement = "false";
    return;
  }
  d = diag_add(&c->a->diags, DIAG_PROVIDER_ADDITIONAL_PROPERTIES,
               provider__anchor(v), "this object schema does not set "
               "additionalProperties: false, which %s requires of every "
               "object", title);
  if (d && c->edits && schema_edit_add_member(c->a, v->schema, c->json,
                                  "additionalProperties", "false", &at,
                                  &text) == 0)
    diag_set_fix(&c->a->diags, d, at, text,
                 "Add additionalProperties: false");
}

static bool
provider__listed(const struct node *seq, const char *name)
{
  for (uint32_t i = 0; seq && i < seq->count; i++)
    if (node_is_str(seq->u.items[i], name))
      return true;
  return false;
}

/* required is missing: one fix that lists every property. */
static void
provider__no_required(struct provider_check *c, const struct schema_visit *v,
                      const struct node *props)
{
  const struct node *key = node_get_key(v->schema, "properties");
  struct diagnostic *d;
  struct buf list;
  struct span at;
  const char *text;

  d = diag_add(&c->a->diags, DIAG_PROVIDER_REQUIRED, key->span, "this "
               "object schema has no required; %s requires every property "
               "to be listed there", schema_provider_title(c->p));
  if (!d || !c->edits)
    return;
  buf_init(&list, (size_t)1 << 20);
  buf_putc(&list, '[');
  for (uint32_t i = 0; i < props->count; i++) {
    const char *name = node_str(node_key(props, i));

    if (name)
      buf_printf(&list, "%s%s", list.len > 1 ? ", " : "",
                 schema_quote_name(c->a, name, c->json));
  }
  buf_putc(&list, ']');
  if (list.data && schema_edit_add_member(c->a, v->schema, c->json,
                                          "required", list.data, &at,
                                          &text) == 0)
    diag_set_fix(&c->a->diags, d, at, text, "Add required: %s", list.data);
  buf_release(&list);
}

/* OpenAI: every property in required, each missing one with a fix. */
static void
provider__required(struct provider_check *c, const struct schema_visit *v)
{
  const struct node *props = node_resolve(node_get(v->schema, "properties"));
  const struct node *req = node_resolve(node_get(v->schema, "required"));

  if (!props || props->kind != NODE_MAP || !props->count)
    return;
  if (!req) {
    provider__no_required(c, v, props);
    return;
  }
  if (req->kind != NODE_SEQ)
    return;  /* the validator has reported it */
  for (uint32_t i = 0; i < props->count; i++) {
    const struct node *key = node_key(props, i);
    const char *name = node_str(key);
    struct diagnostic *d;
    struct span at;
    const char *text;

    if (!name || provider__listed(req, name))
      continue;
    d = diag_add(&c->a->diags, DIAG_PROVIDER_REQUIRED, key->span, "'%s' is "
                 "not listed in required; %s requires every property to be "
                 "(to make it optional, allow null in its type)", name,
                 schema_provider_title(c->p));
    if (d && c->edits && schema_edit_add_item(c->a, req, c->json,
                                  schema_quote_name(c->a, name, c->json),
                                  &at, &text) == 0)
      diag_set_fix(&c->a->diags, d, at, text, "Add '%s' to required", name);
  }
}

/* Counts for Anthropic's per-request limits. */
static void
provider__count_anthropic(struct provider_check *c,
                          const struct schema_visit *v)
{
  const struct node *props = node_resolve(node_get(v->schema, "properties"));
  const struct node *req = node_resolve(node_get(v->schema, "required"));

  for (uint32_t i = 0; props && props->kind == NODE_MAP && i < props->count;
       i++) {
    const struct node *p = node_resolve(node_value(props, i));
    const struct node *type = node_resolve(node_get(p, "type"));
    const char *name = node_str(node_key(props, i));

    if (name && !provider__listed(req && req->kind == NODE_SEQ ? req : NULL,
                                  name))
      c->optional++;
    if (node_get(p, "anyOf") || (type && type->kind == NODE_SEQ))
      c->unions++;
  }
}

static void
provider__enum(struct provider_check *c, const struct node *n)
{
  const struct node *key = node_get_key(n, "enum");
  const struct node *e = node_resolve(node_get(n, "enum"));
  const struct node *cst = node_resolve(node_get(n, "const"));
  size_t chars = 0;
  bool strings = true;

  if (cst && cst->kind == NODE_SCALAR && cst->type == SCALAR_STRING)
    c->string_chars += cst->u.scalar.len;
  if (!e || e->kind != NODE_SEQ)
    return;
  for (uint32_t i = 0; i < e->count; i++) {
    const struct node *item = node_resolve(e->u.items[i]);

    if (item && item->kind == NODE_SCALAR && item->type == SCALAR_STRING)
      chars += item->u.scalar.len;
    else
      strings = false;
  }
  c->string_chars += chars;
  c->enum_values += e->count;
  if (c->enum_values > OPENAI_ENUM_VALUES_MAX && !c->enum_reported) {
    c->enum_reported = true;
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, key->span, "the schema's "
             "enums have %zu values up to here; OpenAI strict mode allows "
             "%d in all", c->enum_values, OPENAI_ENUM_VALUES_MAX);
  }
  if (strings && e->count > OPENAI_BIG_ENUM && chars > OPENAI_BIG_ENUM_CHARS)
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, key->span, "this enum has "
             "%u strings of %zu characters in all; OpenAI strict mode "
             "allows %d characters in an enum of more than %d strings",
             e->count, chars, OPENAI_BIG_ENUM_CHARS, OPENAI_BIG_ENUM);
}

/* Counts for OpenAI's limits, and the nesting as it grows. */
static void
provider__count_openai(struct provider_check *c, const struct schema_visit *v,
                       bool object)
{
  const struct node *props = node_resolve(node_get(v->schema, "properties"));
  uint32_t level = (v->depth ? c->levels[v->depth - 1] : 0) + object;

  c->levels[v->depth] = level;
  if (level > OPENAI_NESTING_MAX && !c->deep_reported) {
    c->deep_reported = true;
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, provider__anchor(v),
             "this object is nested %u levels deep; OpenAI strict mode "
             "allows %d", level, OPENAI_NESTING_MAX);
  }
  for (uint32_t i = 0; props && props->kind == NODE_MAP && i < props->count;
       i++) {
    const char *name = node_str(node_key(props, i));

    c->properties++;
    c->string_chars += name ? strlen(name) : 0;
  }
  if (v->keyword && (strcmp(v->keyword, "$defs") == 0 ||
                     strcmp(v->keyword, "definitions") == 0) && v->key)
    c->string_chars += node_str(v->key) ? strlen(node_str(v->key)) : 0;
  provider__enum(c, v->schema);
}

static bool
provider__visit(const struct schema_visit *v, void *ctx)
{
  struct provider_check *c = ctx;
  const struct node *n = v->schema;
  bool object;

  if (v->depth > TREE_DEPTH_MAX)
    return false;
  if (v->depth == 0)
    provider__root(c, v);
  if (n->kind != NODE_MAP)
    return true;
  object = schema_is_object(n);
  for (uint32_t i = 0; i < n->count; i++)
    provider__keyword(c, node_key(n, i), node_value(n, i));
  if (c->p == SCHEMA_PROVIDER_OPENAI)
    provider__count_openai(c, v, object);
  if (c->p == SCHEMA_PROVIDER_ANTHROPIC) {
    provider__anthropic_ref(c, v);
    provider__count_anthropic(c, v);
  }
  if (object && c->p != SCHEMA_PROVIDER_GEMINI)
    provider__additional(c, v);
  if (object && c->p == SCHEMA_PROVIDER_OPENAI)
    provider__required(c, v);
  return true;
}

/* Limits over the whole schema, reported at its start. */
static void
provider__totals(struct provider_check *c)
{
  struct schema_visit root = { node_resolve(c->root), NULL, NULL, NULL, "",
                               0 };
  struct span at;

  if (!root.schema)
    return;
  at = provider__anchor(&root);
  if (c->p == SCHEMA_PROVIDER_OPENAI && c->properties > OPENAI_PROPERTIES_MAX)
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, at, "the schema has %zu "
             "object properties; OpenAI strict mode allows %d in all",
             c->properties, OPENAI_PROPERTIES_MAX);
  if (c->p == SCHEMA_PROVIDER_OPENAI &&
      c->string_chars > OPENAI_STRING_CHARS_MAX)
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, at, "property names, "
             "definition names, enum and const values come to %zu "
             "characters; OpenAI strict mode allows %d", c->string_chars,
             OPENAI_STRING_CHARS_MAX);
  if (c->p == SCHEMA_PROVIDER_ANTHROPIC && c->optional > ANTHROPIC_OPTIONAL_MAX)
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, at, "the schema has %zu "
             "optional properties; Anthropic strict mode allows %d in a "
             "request", c->optional, ANTHROPIC_OPTIONAL_MAX);
  if (c->p == SCHEMA_PROVIDER_ANTHROPIC && c->unions > ANTHROPIC_UNIONS_MAX)
    diag_add(&c->a->diags, DIAG_PROVIDER_LIMIT, at, "%zu properties use "
             "anyOf or a list of types; Anthropic strict mode allows %d in "
             "a request", c->unions, ANTHROPIC_UNIONS_MAX);
}

void
schema_provider_check(struct artifact *a, const struct node *root,
                      enum schema_provider provider, unsigned flags)
{
  struct provider_check c = { .a = a, .p = provider,
                              .json = flags & SCHEMA_JSON,
                              .edits = !(flags & SCHEMA_INEXACT),
                              .root = root };

  if (provider == SCHEMA_PROVIDER_NONE || !node_resolve(root))
    return;
  schema_walk(root, provider__visit, &c);
  provider__totals(&c);
}
