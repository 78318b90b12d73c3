/*
 * Schemas as artifacts hold them: compiled by the validator, whose problems
 * become diagnostics at the keyword at fault; keywords that look misspelt;
 * the provider's rules (schema_provider.c); and instances validated
 * against them, each error at the value at fault.
 */
#include "schema.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <uriparser/Uri.h>

#include "artifact.h"
#include "buf.h"
#include "error.h"
#include "json_syntax.h"
#include "jsonschema.h"
#include "schema_internal.h"
#include "shape.h"
#include "tree.h"

/* Values an instance or a loaded document may make in its JSON form. */
#define SCHEMA_JSON_BUDGET NODE_JSON_BUDGET_DEFAULT

/* The largest file a $ref may load. */
#define SCHEMA_FILE_MAX ((size_t)4 << 20)

static const char *const schema__providers[][2] = {
  { "none", "plain JSON Schema" },
  { "openai", "OpenAI strict mode" },
  { "gemini", "Gemini" },
  { "anthropic", "Anthropic strict mode" },
};

const char *
schema_provider_name(enum schema_provider p)
{
  return (unsigned)p < SCHEMA_PROVIDER__COUNT ? schema__providers[p][0]
                                              : "none";
}

const char *
schema_provider_title(enum schema_provider p)
{
  return (unsigned)p < SCHEMA_PROVIDER__COUNT ? schema__providers[p][1]
                                              : "plain JSON Schema";
}

int
schema_provider_by_name(const char *name)
{
  for (int p = 0; name && p < SCHEMA_PROVIDER__COUNT; p++)
    if (strcmp(schema__providers[p][0], name) == 0)
      return p;
  return -1;
}

/* Parses a loaded document: JSON, or YAML when it does not parse as JSON
 * (its node tree, as JSON). NULL after writing why. */
static struct json_object *
schema__parse_text(const char *text, size_t len, char *why, size_t size)
{
  struct json_object *json = NULL;
  size_t budget = SCHEMA_JSON_BUDGET;
  struct source src;
  struct arena arena;
  struct diag_list diags;
  struct node *root = NULL;

  /* A boolean schema file ("true") is JSON too. */
  if (len <= UINT32_MAX && json_text_parse(text, (uint32_t)len, &json, NULL) &&
      json)
    return json;
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  if (source_init(&src, text, len) == 0) {
    if (yaml_parse(&arena, &src, span_make(0, (uint32_t)len), &diags,
                   &root) == 0 && diags.count == 0 && root)
      json = node_to_json(root, &budget);
    source_release(&src);
  }
  if (!json)
    snprintf(why, size, "it is neither JSON nor YAML that parses");
  diag_list_release(&diags);
  arena_release(&arena);
  return json;
}

/* The validator's resolver: other files through the caller's reader. */
static int
schema__load(void *ctx, const char *uri, struct json_object **out, char *why,
             size_t size)
{
  const struct artifact *a = ctx;
  const struct schema_files *files = a->schema_files;
  char *text = NULL;
  size_t len = 0;
  int rc;

  if (strncasecmp(uri, "file:", 5) != 0) {
    snprintf(why, size, "facet does not fetch schemas from the network");
    return FACET_ENOENT;
  }
  if (!files || !files->read) {
    snprintf(why, size, "files are not read here");
    return FACET_ENOENT;
  }
  rc = files->read(files->ctx, uri, &text, &len, why, size);
  if (rc)
    return rc;
  if (len > SCHEMA_FILE_MAX) {
    free(text);
    snprintf(why, size, "the file is over %zu bytes", SCHEMA_FILE_MAX);
    return FACET_ELIMIT;
  }
  *out = schema__parse_text(text, len, why, size);
  free(text);
  return *out ? 0 : FACET_EINVAL;
}

/*
 * Whether a $ref's unloaded document is one facet could have read, so that
 * its absence is a finding: a file, with a reader to read it. A URL (or a
 * file in a check that reads none) is not known either way.
 */
static bool
schema__loadable(const struct artifact *a, const char *document)
{
  return strncasecmp(document, "file:", 5) == 0 && a->schema_files &&
         a->schema_files->read;
}

/* Whether pointer's last segment is a reference keyword. */
static bool
schema__at_ref(const char *pointer)
{
  const char *last = strrchr(pointer, '/');

  return last && (strcmp(last, "/$ref") == 0 ||
                  strcmp(last, "/$dynamicRef") == 0 ||
                  strcmp(last, "/$recursiveRef") == 0);
}

struct span
schema_inner_span(const struct artifact *a, const struct node *n)
{
  struct span s = n->span;
  char q = s.end - s.start >= 2 ? a->text[s.start] : 0;

  if ((q == '"' || q == '\'') && a->text[s.end - 1] == q) {
    s.start++;
    s.end--;
  }
  return s;
}

/*
 * A Picoschema type ("string", "integer, how many") where JSON Schema
 * wants a schema: Dotprompt passes a schema with a JSON Schema type on
 * unchanged, so the shorthand is not expanded. A warning that says so,
 * with the schema meant as the fix.
 */
static bool
schema__picoschema_slip(struct artifact *a, const struct node *value,
                        const struct js_problem *p, bool edits)
{
  static const char *const types[] = {
    "string", "number", "integer", "boolean", "null", NULL,
  };
  const char *s = node_str(value);
  const char *comma = s ? strchr(s, ',') : NULL;
  size_t n = comma ? (size_t)(comma - s) : (s ? strlen(s) : 0);
  const char *const *t = types;
  struct diagnostic *d;
  struct buf fix;

  if (!s || value->type != SCALAR_STRING ||
      strncmp(p->message, "a schema must be an object", 26) != 0)
    return false;
  for (; *t && !(strlen(*t) == n && strncmp(*t, s, n) == 0); t++)
    ;
  if (!*t)
    return false;
  buf_init(&fix, 4096);
  buf_printf(&fix, "{type: %s", *t);
  if (comma) {
    const char *desc = comma + 1;

    while (*desc == ' ')
      desc++;
    buf_puts(&fix, ", description: ");
    schema_json_string(&fix, desc);
  }
  buf_putc(&fix, '}');
  d = diag_add(&a->diags, DIAG_INVALID_SCHEMA, value->span, "'%s' is "
               "Picoschema, but this schema has a JSON Schema type, so "
               "Dotprompt passes it on as JSON Schema, where '%s' is no "
               "schema: write %s", s, s, fix.data ? fix.data : "a schema");
  if (d) {
    d->severity = SEVERITY_WARNING;
    if (edits && fix.data)
      d->replacement = arena_strndup(&a->arena, fix.data, fix.len);
  }
  buf_release(&fix);
  return true;
}

/* One problem of the compiled schema, at the key (or item) at fault. */
static void
schema__problem(struct artifact *a, const struct node *root,
                const struct js_problem *p, unsigned flags)
{
  bool edits = !(flags & SCHEMA_INEXACT);
  bool key = true;
  const struct node *at = node_at_pointer(root, p->pointer, &key);
  const struct node *value;
  struct diagnostic *d;
  bool ref;

  if (p->uri || (p->document && !schema__loadable(a, p->document)))
    return;
  if (!at)
    at = root;
  value = node_at_pointer(root, p->pointer, NULL);
  if ((flags & SCHEMA_PICOSCHEMA) && value &&
      schema__picoschema_slip(a, value, p, edits))
    return;
  ref = schema__at_ref(p->pointer) &&
        strncmp(p->message, "cannot resolve", 14) == 0;
  d = diag_add(&a->diags, ref ? DIAG_UNRESOLVED_REF : DIAG_INVALID_SCHEMA,
               at->span, "%s", p->message);
  if (!d || !p->suggestion || !edits)
    return;
  if (!key) {
    d->replacement = arena_strndup(&a->arena, p->suggestion,
                                   strlen(p->suggestion));
    return;
  }
  if (value && value->kind == NODE_SCALAR) {
    struct span s = schema_inner_span(a, value);

    diag_set_fix(&a->diags, d, s, p->suggestion, "Replace '%.*s' with '%s'",
                 (int)(s.end - s.start), a->text + s.start, p->suggestion);
  }
}

/* The URI relative $refs resolve against: the document's own. */
static const char *
schema__base(struct artifact *a)
{
  char *uri;

  if (a->uri || !a->path || a->path[0] != '/')
    return a->uri;
  uri = arena_alloc(&a->arena, strlen(a->path) * 3 + 8);
  if (uri && uriUnixFilenameToUriStringA(a->path, uri) == URI_SUCCESS)
    a->uri = uri;
  return a->uri;
}

static struct js_schema *
schema__compile(struct artifact *a, struct json_object *json)
{
  struct js_resolver resolver = { schema__load, a };
  struct js_options opts = { .resolver = &resolver };
  struct js_schema *s = NULL;

  opts.base_uri = schema__base(a);
  if (js_schema_compile(json, &opts, &s))
    return NULL;
  return s;
}

/* Keys of schema objects that are no keyword but close to one. */
struct schema__check {
  struct artifact *a;
  bool edits;                   /* spans are exact: fixes apply */
};

static bool
schema__misspelt(const struct schema_visit *v, void *ctx)
{
  struct schema__check *c = ctx;
  struct artifact *a = c->a;
  const struct node *n = node_resolve(v->schema);
  size_t count;
  const struct schema_keyword *kw = schema_keywords(&count);

  for (uint32_t i = 0; n && n->kind == NODE_MAP && i < n->count; i++) {
    const struct node *key = node_key(n, i);
    const char *name = node_str(key);
    size_t len = name ? strlen(name) : 0;
    int limit = len <= 3 ? 0 : len <= 7 ? 1 : 2;
    const char *near = NULL;
    int best = limit + 1;
    struct diagnostic *d;

    if (!name || schema_keyword(name) || strncmp(name, "x-", 2) == 0)
      continue;
    for (size_t k = 0; k < count; k++) {
      int dist = shape_distance(name, kw[k].name);

      if (dist < best) {
        best = dist;
        near = kw[k].name;
      }
    }
    if (!near)
      continue;
    d = diag_add(&a->diags, DIAG_UNKNOWN_KEY, key->span,
                 "'%s' is not a JSON Schema keyword, so it checks nothing; "
                 "did you mean '%s'?", name, near);
    if (d && c->edits)
      d->replacement = near;
  }
  return true;
}

static struct schema_site *
schema__push(struct artifact *a)
{
  if (a->nschemas == a->cap_schemas) {
    size_t cap = a->cap_schemas ? a->cap_schemas * 2 : 4;
    struct schema_site *n = realloc(a->schemas, cap * sizeof *n);

    if (!n)
      return NULL;
    a->schemas = n;
    a->cap_schemas = cap;
  }
  memset(&a->schemas[a->nschemas], 0, sizeof *a->schemas);
  return &a->schemas[a->nschemas++];
}

const struct schema_site *
schema_add(struct artifact *a, const struct node *root, const char *where,
           enum schema_provider provider, unsigned flags)
{
  size_t budget = SCHEMA_JSON_BUDGET;
  struct json_object *json = node_to_json(root, &budget);
  struct schema__check check = { a, !(flags & SCHEMA_INEXACT) };
  struct schema_site *site;
  const struct js_problem *problems = NULL;
  size_t count = 0;

  if (!root || (!json && budget == 0) || !(site = schema__push(a))) {
    json_object_put(json);
    return NULL;
  }
  site->root = root;
  site->where = where;
  site->provider = provider;
  site->flags = flags;
  site->compiled = schema__compile(a, json);
  json_object_put(json);
  if (flags & SCHEMA_UNCHECKED)
    return site;
  if (site->compiled)
    problems = js_schema_problems(site->compiled, &count);
  for (size_t i = 0; i < count; i++)
    schema__problem(a, root, &problems[i], flags);
  schema_walk(root, schema__misspelt, &check);
  if (provider != SCHEMA_PROVIDER_NONE)
    schema_provider_check(a, root, provider, flags);
  return site;
}

const struct schema_site *
schema_add_json(struct artifact *a, struct json_object *json,
                const char *where)
{
  struct schema_site *site = schema__push(a);

  if (!site)
    return NULL;
  site->where = where;
  site->compiled = schema__compile(a, json);
  return site;
}

/*
 * Where an error about the value at pointer (under instance, which key
 * names, if anything does) is shown: the value, or its key when it is a
 * collection (a whole mapping would underline half the file) or when the
 * error is about the name, or the nearest value above a missing one.
 */
static const struct node *
schema__error_node(const struct node *instance, const struct node *key,
                   const char *pointer, bool at_key)
{
  char path[1024];

  snprintf(path, sizeof path, "%s", pointer);
  for (;;) {
    bool is_key = true;
    const struct node *k = node_at_pointer(instance, path, &is_key);
    const struct node *v = node_at_pointer(instance, path, NULL);
    const struct node *r = node_resolve(v);
    char *slash;

    if (!path[0] && key && r && r->kind != NODE_SCALAR)
      return key;
    if (v && is_key && (at_key || (r && r->kind != NODE_SCALAR)))
      return k;
    if (v)
      return v;
    slash = strrchr(path, '/');
    if (!slash)
      return instance;
    *slash = '\0';
  }
}

bool
schema_validate(struct artifact *a, const struct schema_site *site,
                const struct node *instance, const struct node *key,
                const char *what)
{
  size_t budget = SCHEMA_JSON_BUDGET;
  struct json_object *json;
  struct js_result r;
  bool valid;

  if (!site || !site->compiled || !instance)
    return true;
  json = node_to_json(instance, &budget);
  if (!json && budget == 0)
    return true;  /* expands past the budget: not a real instance */
  js_result_init(&r);
  js_validate(site->compiled, json, &r);
  valid = r.count == 0;
  for (size_t i = 0; i < r.count; i++) {
    const struct js_error *e = &r.errors[i];
    const struct node *at = schema__error_node(instance, key,
                                               e->instance_path, e->at_key);

    diag_add(&a->diags, DIAG_SCHEMA_VIOLATION, at->span, "%s%s%s",
             what ? what : "", what ? ": " : "", e->message);
  }
  js_result_release(&r);
  json_object_put(json);
  return valid;
}

void
schema_sites_compact(struct artifact *a)
{
  for (size_t i = 0; i < a->nschemas; i++) {
    js_schema_free(a->schemas[i].compiled);
    a->schemas[i].compiled = NULL;
  }
}

void
schema_sites_release(struct artifact *a)
{
  for (size_t i = 0; i < a->nschemas; i++)
    js_schema_free(a->schemas[i].compiled);
  free(a->schemas);
  a->schemas = NULL;
  a->nschemas = a->cap_schemas = 0;
}

/* Sets every span under n to span: a tree parsed from a decoded copy. */
static void
schema__respan(struct node *n, struct span span, int depth)
{
  if (!n || depth > TREE_DEPTH_MAX)
    return;
  n->span = span;
  if (n->kind == NODE_MAP || n->kind == NODE_SEQ)
    for (uint32_t i = 0; i < n->count * (n->kind == NODE_MAP ? 2u : 1u); i++)
      schema__respan(n->u.items[i], span, depth + 1);
}

const struct node *
schema_parse_embedded(struct artifact *a, const struct node *scalar,
                      bool *exact)
{
  struct diag_list scratch;
  struct node *root = NULL;
  struct span in;
  struct source copy;

  scalar = node_resolve(scalar);
  *exact = false;
  if (!scalar || scalar->kind != NODE_SCALAR)
    return NULL;
  diag_list_init(&scratch, &a->arena);
  in = schema_inner_span(a, scalar);
  if ((scalar->flags & NODE_BLOCK) &&
      (a->text[scalar->span.start] == '|' ||
       a->text[scalar->span.start] == '>')) {
    /* Indentation is only white space to JSON: read the lines as they
     * stand, after the header line. */
    const char *nl = memchr(a->text + scalar->span.start, '\n',
                            scalar->span.end - scalar->span.start);

    in = span_make(nl ? (uint32_t)(nl - a->text) + 1 : scalar->span.end,
                   scalar->span.end);
    *exact = true;
  } else {
    *exact = in.end - in.start == scalar->u.scalar.len &&
             memcmp(a->text + in.start, scalar->u.scalar.str,
                    scalar->u.scalar.len) == 0;
  }
  if (*exact) {
    json_parse(&a->arena, &a->src, in, &scratch, &root);
  } else if (source_init(&copy, scalar->u.scalar.str,
                         scalar->u.scalar.len) == 0) {
    json_parse(&a->arena, &copy, span_make(0, scalar->u.scalar.len),
               &scratch, &root);
    schema__respan(root, scalar->span, 0);
    source_release(&copy);
  }
  for (size_t i = 0; i < scratch.count; i++)
    if (scratch.items[i].severity == SEVERITY_ERROR)
      root = NULL;
  diag_list_release(&scratch);
  return root;
}
