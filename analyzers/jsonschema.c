/*
 * Compiling a JSON Schema: documents, base URIs, $id and anchors, $ref
 * resolution, and the memo that makes every schema object one node however
 * many references lead to it. The keywords themselves are decoded in
 * jsonschema_keywords.c; validation is in jsonschema_validate.c.
 */
#include "jsonschema.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>

#include "buf.h"
#include "error.h"
#include "jsonschema_internal.h"

/* The base URI of a root schema compiled without one. */
#define JSC_DEFAULT_BASE "facet:/schema.json"

/* Longest reason a resolver may give. */
#define JSC_WHY_MAX 256

/* What a URI or a URI with an anchor names. */
struct jsc_target {
  struct json_object *json;      /* borrowed from its document */
  struct jsc_where where;
  bool dynamic;                  /* named by $dynamicAnchor */
  const char *missing;           /* why a document did not load */
};

/* An open-addressed map from strings (or, with len 0, pointers). */
struct jsc_slot {
  uint64_t hash;
  const char *key;
  size_t len;
  void *value;
};

struct jsc_map {
  struct jsc_slot *slots;
  size_t mask;
  size_t count;
};

struct jsc {
  struct js_schema *s;
  const struct js_options *opts;
  struct jsc_map targets;        /* "uri" and "uri#anchor" */
  struct jsc_map resource_map;   /* "uri" to its resource */
  struct jsc_map memo;           /* json_object * to its node */
  struct jsc_resource *resources;
  size_t ndocs;
  int err;                       /* the first allocation failure */
  bool noted;                    /* the last problem was kept */
};

static const struct {
  const char *uri;               /* without "#", scheme-less */
  enum js_draft draft;
} jsc__drafts[] = {
  { "//json-schema.org/draft-04/schema", JS_DRAFT_4 },
  { "//json-schema.org/draft-06/schema", JS_DRAFT_6 },
  { "//json-schema.org/draft-07/schema", JS_DRAFT_7 },
  { "//json-schema.org/draft/2019-09/schema", JS_DRAFT_2019_09 },
  { "//json-schema.org/draft/2020-12/schema", JS_DRAFT_2020_12 },
};

static uint64_t
jsc__hash(const char *key, size_t len)
{
  uint64_t h = UINT64_C(0xcbf29ce484222325);

  if (len == 0)
    return ((uint64_t)(uintptr_t)key * UINT64_C(0x9e3779b97f4a7c15)) >> 7;
  for (size_t i = 0; i < len; i++)
    h = (h ^ (unsigned char)key[i]) * UINT64_C(0x100000001b3);
  return h;
}

static struct jsc_slot *
jsc__map_find(const struct jsc_map *m, const char *key, size_t len,
              uint64_t hash)
{
  size_t i = hash & m->mask;

  if (!m->slots)
    return NULL;
  for (;; i = (i + 1) & m->mask) {
    struct jsc_slot *s = &m->slots[i];

    if (!s->key)
      return s;
    if (s->hash == hash && s->len == len &&
        (len ? memcmp(s->key, key, len) == 0 : s->key == key))
      return s;
  }
}

static int
jsc__map_grow(struct jsc_map *m)
{
  size_t cap = m->slots ? (m->mask + 1) * 2 : 64;
  struct jsc_map grown = { calloc(cap, sizeof *grown.slots), cap - 1, 0 };

  if (!grown.slots)
    return FACET_ENOMEM;
  for (size_t i = 0; m->slots && i <= m->mask; i++) {
    struct jsc_slot *s = &m->slots[i];

    if (s->key)
      *jsc__map_find(&grown, s->key, s->len, s->hash) = *s;
  }
  grown.count = m->count;
  free(m->slots);
  *m = grown;
  return 0;
}

static void *
jsc__map_get(const struct jsc_map *m, const char *key, size_t len)
{
  struct jsc_slot *s = jsc__map_find(m, key, len, jsc__hash(key, len));

  return s && s->key ? s->value : NULL;
}

/* Adds key (borrowed: it must outlive the map) unless it is there. */
static int
jsc__map_put(struct jsc_map *m, const char *key, size_t len, void *value)
{
  uint64_t hash = jsc__hash(key, len);
  struct jsc_slot *s;

  if ((!m->slots || (m->count + 1) * 4 > (m->mask + 1) * 3) &&
      jsc__map_grow(m))
    return FACET_ENOMEM;
  s = jsc__map_find(m, key, len, hash);
  if (s->key)
    return 0;
  s->hash = hash;
  s->key = key;
  s->len = len;
  s->value = value;
  m->count++;
  return 0;
}

struct arena *
jsc_arena(struct jsc *c)
{
  return &c->s->arena;
}

void
jsc_fail(struct jsc *c, int err)
{
  if (!c->err)
    c->err = err;
}

void
jsc_use_dynamic_scope(struct jsc *c)
{
  c->s->dynamic = true;
}

static char *
jsc__strdup(struct jsc *c, const char *s)
{
  char *d = arena_strndup(&c->s->arena, s, strlen(s));

  if (!d)
    jsc_fail(c, FACET_ENOMEM);
  return d;
}

/* Appends one JSON pointer segment, escaping '~' and '/'. */
static int
jsc__pointer_segment(struct buf *b, const char *seg)
{
  int rc = buf_putc(b, '/');

  for (; *seg && rc == 0; seg++) {
    if (*seg == '~')
      rc = buf_puts(b, "~0");
    else if (*seg == '/')
      rc = buf_puts(b, "~1");
    else
      rc = buf_putc(b, *seg);
  }
  return rc;
}

/* pointer + "/" + key (a keyword, taken as is) + member (escaped). */
static const char *
jsc__child_pointer(struct jsc *c, const char *pointer, const char *key,
                   const char *member)
{
  struct buf b;
  const char *out = NULL;
  int rc;

  buf_init(&b, (size_t)1 << 20);
  rc = buf_puts(&b, pointer);
  if (rc == 0 && key)
    rc = buf_printf(&b, "/%s", key);
  if (rc == 0 && member)
    rc = jsc__pointer_segment(&b, member);
  if (rc == 0)
    out = jsc__strdup(c, b.data ? b.data : "");
  else
    jsc_fail(c, rc);
  buf_release(&b);
  return out;
}

static void
jsc__vproblem(struct jsc *c, const struct jsc_where *w, const char *key,
              const char *member, const char *fmt, va_list ap)
{
  struct js_schema *s = c->s;
  struct js_problem *p;
  char msg[512];

  if (s->nproblems == s->problems_cap) {
    size_t cap = s->problems_cap ? s->problems_cap * 2 : 8;
    struct js_problem *n = realloc(s->problems, cap * sizeof *n);

    if (!n) {
      jsc_fail(c, FACET_ENOMEM);
      return;
    }
    s->problems = n;
    s->problems_cap = cap;
  }
  vsnprintf(msg, sizeof msg, fmt, ap);
  p = &s->problems[s->nproblems];
  p->uri = w->doc->root ? NULL : w->doc->uri;
  p->pointer = key || member ? jsc__child_pointer(c, w->pointer, key,
                                                  member)
                             : w->pointer;
  p->message = jsc__strdup(c, msg);
  p->suggestion = NULL;
  p->document = NULL;
  if (p->pointer && p->message)
    s->nproblems++;
  c->noted = p->pointer && p->message;
}

void
jsc_problem_note(struct jsc *c, const char *suggestion, const char *document)
{
  struct js_problem *p;

  if (!c->noted)
    return;
  p = &c->s->problems[c->s->nproblems - 1];
  p->suggestion = suggestion ? jsc__strdup(c, suggestion) : NULL;
  p->document = document ? jsc__strdup(c, document) : NULL;
}

void
jsc_problem(struct jsc *c, const struct jsc_where *w, const char *key,
            const char *member, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  jsc__vproblem(c, w, key, member, fmt, ap);
  va_end(ap);
}

/*
 * Resolves ref against base (both NUL-terminated) into a new string in
 * the schema's arena, normalized so that equal URIs compare equal. NULL
 * when ref is not a URI reference.
 */
static char *
jsc__resolve(struct jsc *c, const char *base, const char *ref)
{
  UriUriA b, r, out;
  const char *err;
  char *s = NULL;
  int chars;

  if (uriParseSingleUriA(&b, base, &err) != URI_SUCCESS)
    return NULL;
  if (uriParseSingleUriA(&r, ref, &err) != URI_SUCCESS) {
    uriFreeUriMembersA(&b);
    return NULL;
  }
  if (uriAddBaseUriExA(&out, &r, &b, URI_RESOLVE_STRICTLY) == URI_SUCCESS) {
    if (uriNormalizeSyntaxA(&out) == URI_SUCCESS &&
        uriToStringCharsRequiredA(&out, &chars) == URI_SUCCESS &&
        (s = arena_alloc(&c->s->arena, (size_t)chars + 1)))
      uriToStringA(s, &out, chars + 1, NULL);
    uriFreeUriMembersA(&out);
  }
  uriFreeUriMembersA(&r);
  uriFreeUriMembersA(&b);
  return s;
}

/*
 * The same, tolerating a fragment-only ref that is not a strict URI
 * reference (a JSON pointer with spaces, say), as schemas often have.
 */
static char *
jsc__resolve_ref(struct jsc *c, const char *base, const char *ref)
{
  char *s = jsc__resolve(c, base, ref);

  if (!s && ref[0] == '#')
    s = arena_printf(&c->s->arena, "%s%s", base, ref);
  return s;
}

/* Splits uri at '#': *fragment is what follows (NULL without one). */
static void
jsc__split(char *uri, char **fragment)
{
  char *hash = strchr(uri, '#');

  *fragment = NULL;
  if (hash) {
    *hash = '\0';
    *fragment = hash + 1;
  }
}

static int
jsc__hex(char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* Decodes %XX in place (a URI fragment into the text it stands for). */
static void
jsc__percent_decode(char *s)
{
  char *out = s;

  for (; *s; s++) {
    if (s[0] == '%' && jsc__hex(s[1]) >= 0 && jsc__hex(s[2]) >= 0) {
      *out++ = (char)(jsc__hex(s[1]) * 16 + jsc__hex(s[2]));
      s += 2;
    } else {
      *out++ = *s;
    }
  }
  *out = '\0';
}

/* The draft a $schema URI names, or -1. */
static int
jsc__draft_of(const char *uri)
{
  const char *rest = strchr(uri, ':');
  size_t len;

  if (!rest)
    return -1;
  rest++;
  len = strlen(rest);
  if (len && rest[len - 1] == '#')
    len--;
  for (size_t i = 0; i < sizeof jsc__drafts / sizeof *jsc__drafts; i++)
    if (strlen(jsc__drafts[i].uri) == len &&
        memcmp(jsc__drafts[i].uri, rest, len) == 0)
      return (int)jsc__drafts[i].draft;
  return -1;
}

int
js_draft_of(const char *uri)
{
  return uri ? jsc__draft_of(uri) : -1;
}

const char *
js_draft_name(enum js_draft draft)
{
  static const char *const names[] = {
    "default (2020-12 reading draft-07 forms)", "draft-04", "draft-06",
    "draft-07", "2019-09", "2020-12",
  };

  return (unsigned)draft < sizeof names / sizeof *names ? names[draft]
                                                        : "unknown";
}

static const char *
jsc__string_member(struct json_object *json, const char *key)
{
  struct json_object *v;

  if (!json_object_object_get_ex(json, key, &v) ||
      !json_object_is_type(v, json_type_string))
    return NULL;
  return json_object_get_string(v);
}

static bool
jsc__has(struct json_object *json, const char *key)
{
  return json_object_object_get_ex(json, key, NULL);
}

/* Whether draft reads $ref alone, ignoring its siblings (4 to 7). */
static bool
jsc__ref_alone(enum js_draft draft)
{
  return draft >= JS_DRAFT_4 && draft <= JS_DRAFT_7;
}

static struct jsc_target *
jsc__target_new(struct jsc *c, struct json_object *json,
                const struct jsc_where *w)
{
  struct jsc_target *t = arena_alloc(&c->s->arena, sizeof *t);

  if (!t) {
    jsc_fail(c, FACET_ENOMEM);
    return NULL;
  }
  t->json = json;
  t->where = *w;
  return t;
}

/*
 * The resource uri names, made (and registered as a target at outer, the
 * place of json as its parent sees it) the first time. A document's root
 * resource is its own: its target carries it.
 */
static struct jsc_resource *
jsc__resource(struct jsc *c, const struct jsc_where *outer, const char *uri,
              struct json_object *json, bool doc_root)
{
  struct jsc_resource *r = jsc__map_get(&c->resource_map, uri, strlen(uri));
  struct jsc_target *t;

  if (r)
    return r;
  r = arena_alloc(&c->s->arena, sizeof *r);
  t = r ? jsc__target_new(c, json, outer) : NULL;
  if (!t) {
    jsc_fail(c, FACET_ENOMEM);
    return NULL;
  }
  r->uri = uri;
  r->json = json;
  r->next = c->resources;
  c->resources = r;
  if (doc_root)
    t->where.resource = r;
  if (jsc__map_put(&c->resource_map, uri, strlen(uri), r) ||
      jsc__map_put(&c->targets, uri, strlen(uri), t))
    jsc_fail(c, FACET_ENOMEM);
  return r;
}

static void
jsc__dynamic_anchor(struct jsc *c, struct jsc_resource *r, const char *name,
                    struct json_object *json)
{
  struct jsc_anchor *a = arena_alloc(&c->s->arena, sizeof *a);

  if (!a || !(a->name = jsc__strdup(c, name))) {
    jsc_fail(c, FACET_ENOMEM);
    return;
  }
  a->json = json;
  a->next = r->dynamic;
  r->dynamic = a;
}

/* Registers base#name as naming json, seen from outer. */
static void
jsc__register_anchor(struct jsc *c, const struct jsc_where *outer,
                     const struct jsc_where *w, const char *name,
                     struct json_object *json, bool dynamic)
{
  char *key = arena_printf(&c->s->arena, "%s#%s", w->base, name);
  struct jsc_target *t = key ? jsc__target_new(c, json, outer) : NULL;

  if (!t || jsc__map_put(&c->targets, key, strlen(key), t)) {
    jsc_fail(c, FACET_ENOMEM);
    return;
  }
  t->dynamic = dynamic;
  if (dynamic && w->resource)
    jsc__dynamic_anchor(c, w->resource, name, json);
}

/* $schema: read at a document's root and beside an $id. */
static void
jsc__enter_dialect(struct json_object *json, struct jsc_where *w,
                   const char *id_key)
{
  const char *uri = jsc__string_member(json, "$schema");
  int draft;

  if (!uri || (w->pointer[0] && !jsc__has(json, id_key)))
    return;
  draft = jsc__draft_of(uri);
  if (draft >= 0)
    w->draft = (enum js_draft)draft;
}

/* 2019-09 and 2020-12 anchors, while scanning. */
static void
jsc__scan_anchors(struct jsc *c, const struct jsc_where *outer,
                  const struct jsc_where *w, struct json_object *json)
{
  const char *name;
  struct json_object *flag;

  if (w->draft != JS_DRAFT_DEFAULT && w->draft < JS_DRAFT_2019_09)
    return;
  name = jsc__string_member(json, "$anchor");
  if (name)
    jsc__register_anchor(c, outer, w, name, json, false);
  name = jsc__string_member(json, "$dynamicAnchor");
  if (name && w->draft != JS_DRAFT_2019_09)
    jsc__register_anchor(c, outer, w, name, json, true);
  if (w->draft == JS_DRAFT_2019_09 && w->resource &&
      json_object_object_get_ex(json, "$recursiveAnchor", &flag) &&
      json_object_is_type(flag, json_type_boolean) &&
      json_object_get_boolean(flag))
    w->resource->recursive_anchor = true;
}

/* The base URI an $id names, or NULL (after a problem unless scanning). */
static char *
jsc__id(struct jsc *c, const struct jsc_where *w, const char *id_key,
        const char *id, char **fragment, bool scanning)
{
  bool old = w->draft != JS_DRAFT_DEFAULT && w->draft < JS_DRAFT_2019_09;
  char *uri = jsc__resolve(c, w->base, id);

  if (!uri) {
    if (!scanning)
      jsc_problem(c, w, id_key, NULL, "%s '%s' is not a URI reference", id_key,
                  id);
    return NULL;
  }
  jsc__split(uri, fragment);
  if (*fragment && **fragment && !old) {
    if (!scanning)
      jsc_problem(c, w, id_key, NULL, "%s '%s' has a fragment; name the place "
                  "with $anchor instead", id_key, id);
    return NULL;
  }
  return uri;
}

/*
 * Applies what a schema object says about its own place: $schema (the
 * draft), $id or id (the base URI, and a resource). When scanning, also
 * registers its anchors. Every target records the place of its schema as
 * the parent sees it (before this), so entering it again is exact.
 */
static void
jsc__enter(struct jsc *c, struct jsc_where *w, struct json_object *json,
           bool scanning)
{
  struct jsc_where outer;
  const char *id_key;
  const char *id;
  char *uri = NULL;
  char *fragment = NULL;

  jsc__enter_dialect(json, w, w->draft == JS_DRAFT_4 ? "id" : "$id");
  outer = *w;
  id_key = w->draft == JS_DRAFT_4 ? "id" : "$id";
  id = jsc__string_member(json, id_key);
  if (id && !(jsc__ref_alone(w->draft) && jsc__has(json, "$ref")))
    uri = jsc__id(c, w, id_key, id, &fragment, scanning);
  if (uri) {
    w->base = uri;
    w->resource = jsc__resource(c, &outer, uri, json, false);
    if (scanning && fragment && *fragment)
      jsc__register_anchor(c, &outer, w, fragment, json, false);
  }
  if (scanning)
    jsc__scan_anchors(c, &outer, w, json);
}

static void jsc__scan(struct jsc *c, const struct jsc_where *w,
                      struct json_object *json);

static void
jsc__scan_child(struct jsc *c, const struct jsc_where *w, const char *key,
                const char *member, struct json_object *json)
{
  struct jsc_where cw = *w;

  cw.pointer = jsc__child_pointer(c, w->pointer, key, member);
  if (cw.pointer)
    jsc__scan(c, &cw, json);
}

static void
jsc__scan_array(struct jsc *c, const struct jsc_where *w, const char *key,
                struct json_object *json)
{
  size_t n = json_object_array_length(json);

  for (size_t i = 0; i < n; i++) {
    char index[24];

    snprintf(index, sizeof index, "%zu", i);
    jsc__scan_child(c, w, key, index, json_object_array_get_idx(json, i));
  }
}

static void
jsc__scan_map(struct jsc *c, const struct jsc_where *w, const char *key,
              struct json_object *json)
{
  struct lh_entry *e = lh_table_head(json_object_get_object(json));

  for (; e; e = lh_entry_next(e))
    jsc__scan_child(c, w, key, lh_entry_k(e), lh_entry_v(e));
}

/* Keywords whose value is a schema, an array of them or a map to them. */
static const char *const jsc__schema_keys[] = {
  "additionalItems", "additionalProperties", "contains", "contentSchema",
  "else", "if", "items", "not", "propertyNames", "then",
  "unevaluatedItems", "unevaluatedProperties", NULL,
};
static const char *const jsc__array_keys[] = {
  "allOf", "anyOf", "items", "oneOf", "prefixItems", NULL,
};
static const char *const jsc__map_keys[] = {
  "$defs", "definitions", "dependencies", "dependentSchemas",
  "patternProperties", "properties", NULL,
};

static bool
jsc__in(const char *const *list, const char *key)
{
  for (; *list; list++)
    if (strcmp(*list, key) == 0)
      return true;
  return false;
}

/* Registers the resources and anchors of json and its subschemas. */
static void
jsc__scan(struct jsc *c, const struct jsc_where *w0, struct json_object *json)
{
  struct jsc_where w = *w0;
  struct lh_entry *e;

  if (!json_object_is_type(json, json_type_object) || c->err)
    return;
  jsc__enter(c, &w, json, true);
  e = lh_table_head(json_object_get_object(json));
  for (; e; e = lh_entry_next(e)) {
    const char *key = lh_entry_k(e);
    struct json_object *v = lh_entry_v(e);

    if (json_object_is_type(v, json_type_array) &&
        jsc__in(jsc__array_keys, key))
      jsc__scan_array(c, &w, key, v);
    else if (json_object_is_type(v, json_type_object) &&
             jsc__in(jsc__map_keys, key))
      jsc__scan_map(c, &w, key, v);
    else if (jsc__in(jsc__schema_keys, key))
      jsc__scan_child(c, &w, key, NULL, v);
  }
}

/* Adds a document (json_take taken over) under uri and scans it. */
static struct jsc_target *
jsc__add_doc(struct jsc *c, const char *uri, struct json_object *json_take,
             enum js_draft draft, bool root)
{
  struct jsc_doc *d = arena_alloc(&c->s->arena, sizeof *d);
  struct jsc_where w = { .pointer = "", .draft = draft };

  if (!d) {
    json_object_put(json_take);
    jsc_fail(c, FACET_ENOMEM);
    return NULL;
  }
  d->uri = uri;
  d->root = root;
  d->json = json_take;
  d->next = c->s->docs;
  c->s->docs = d;
  c->ndocs++;
  w.base = uri;
  w.doc = d;
  if (json_object_is_type(json_take, json_type_object))
    jsc__enter_dialect(json_take, &w, w.draft == JS_DRAFT_4 ? "id" : "$id");
  w.resource = jsc__resource(c, &w, uri, json_take, true);
  jsc__scan(c, &w, json_take);
  return jsc__map_get(&c->targets, uri, strlen(uri));
}

/* Records that uri did not load, so that it is not tried again. */
static struct jsc_target *
jsc__missing(struct jsc *c, const char *uri, const char *why)
{
  struct jsc_where w = { 0 };
  struct jsc_target *t = jsc__target_new(c, NULL, &w);

  if (!t)
    return NULL;
  t->missing = jsc__strdup(c, why);
  if (jsc__map_put(&c->targets, uri, strlen(uri), t))
    jsc_fail(c, FACET_ENOMEM);
  return t;
}

/* Loads the document uri: a built-in meta-schema, or the resolver's. */
static struct jsc_target *
jsc__load(struct jsc *c, const char *uri, enum js_draft draft)
{
  const struct js_resolver *r = c->opts->resolver;
  const char *text = jsmeta_lookup(uri);
  struct json_object *json = NULL;
  char why[JSC_WHY_MAX] = "no resolver was given to load it";
  int rc;

  if (c->ndocs >= JS_DOCUMENTS_MAX)
    return jsc__missing(c, uri, "too many documents are referenced");
  if (text) {
    json = json_tokener_parse(text);
    if (!json)
      return jsc__missing(c, uri, "the built-in copy does not parse");
    return jsc__add_doc(c, uri, json, draft, false);
  }
  if (!r || !r->load)
    return jsc__missing(c, uri, why);
  why[0] = '\0';
  rc = r->load(r->ctx, uri, &json, why, sizeof why);
  if (rc) {
    if (!why[0])
      snprintf(why, sizeof why, "%s", facet_strerror(rc));
    return jsc__missing(c, uri, why);
  }
  return jsc__add_doc(c, jsc__strdup(c, uri), json, draft, false);
}

/* Reads one JSON pointer segment at *p into seg, unescaping it. */
static bool
jsc__next_segment(const char **p, struct buf *seg)
{
  const char *s = *p + 1;

  buf_clear(seg);
  for (; *s && *s != '/'; s++) {
    char ch = *s;

    if (ch == '~') {
      if (s[1] != '0' && s[1] != '1')
        return false;
      ch = *++s == '0' ? '~' : '/';
    }
    if (buf_putc(seg, ch))
      return false;
  }
  *p = s;
  return true;
}

static struct json_object *
jsc__step(struct json_object *json, const char *seg, bool *ok)
{
  struct json_object *v = NULL;
  char *end;
  unsigned long i;

  *ok = false;
  if (json_object_is_type(json, json_type_object)) {
    *ok = json_object_object_get_ex(json, seg, &v);
    return v;
  }
  if (!json_object_is_type(json, json_type_array) || !*seg ||
      (seg[0] == '0' && seg[1]) || seg[0] < '0' || seg[0] > '9')
    return NULL;
  i = strtoul(seg, &end, 10);
  if (*end || i >= json_object_array_length(json))
    return NULL;
  *ok = true;
  return json_object_array_get_idx(json, i);
}

/*
 * Walks the JSON pointer (decoded) from t into *out, entering each schema
 * on the way so that the target's place is as its parent sees it.
 */
static bool
jsc__walk(struct jsc *c, const struct jsc_target *t, const char *pointer,
          struct jsc_target *out)
{
  struct buf seg;
  bool ok = true;

  *out = *t;
  buf_init(&seg, (size_t)1 << 16);
  while (ok && *pointer == '/') {
    if (json_object_is_type(out->json, json_type_object))
      jsc__enter(c, &out->where, out->json, false);
    if (!jsc__next_segment(&pointer, &seg)) {
      ok = false;
      break;
    }
    out->json = jsc__step(out->json, seg.data ? seg.data : "", &ok);
    out->where.pointer = jsc__child_pointer(c, out->where.pointer, NULL,
                                            seg.data ? seg.data : "");
  }
  buf_release(&seg);
  return ok && !*pointer && out->where.pointer;
}

static struct jsc_node *jsc__compile(struct jsc *c,
                                     const struct jsc_where *w,
                                     struct json_object *json);

/* Finds the target of the fragment within the document t. */
static bool
jsc__fragment(struct jsc *c, const char *uri, char *fragment,
              const struct jsc_target *t, struct jsc_target *out)
{
  const struct jsc_target *a;
  char *key;

  if (!fragment || !*fragment) {
    *out = *t;
    return true;
  }
  jsc__percent_decode(fragment);
  if (fragment[0] == '/')
    return jsc__walk(c, t, fragment, out);
  key = arena_printf(&c->s->arena, "%s#%s", uri, fragment);
  a = key ? jsc__map_get(&c->targets, key, strlen(key)) : NULL;
  if (!a)
    return false;
  *out = *a;
  return true;
}

/*
 * Resolves the $ref (or $dynamicRef, $recursiveRef) ref written at w's
 * key into its compiled target, or NULL after a problem. *dynamic_name,
 * when not NULL, is set to the anchor name when the target is a
 * $dynamicAnchor.
 */
struct jsc_node *
jsc_ref(struct jsc *c, const struct jsc_where *w, const char *key,
        const char *ref, const char **dynamic_name)
{
  char *uri = jsc__resolve_ref(c, w->base, ref);
  char *fragment;
  struct jsc_target *doc;
  struct jsc_target target;

  if (!uri) {
    jsc_problem(c, w, key, NULL, "%s '%s' is not a URI reference", key, ref);
    return NULL;
  }
  jsc__split(uri, &fragment);
  doc = jsc__map_get(&c->targets, uri, strlen(uri));
  if (!doc)
    doc = jsc__load(c, uri, w->draft);
  if (!doc || doc->missing) {
    jsc_problem(c, w, key, NULL, "cannot resolve %s '%s': %s", key, ref,
                doc ? doc->missing : "out of memory");
    if (doc)
      jsc_problem_note(c, NULL, uri);
    return NULL;
  }
  if (!jsc__fragment(c, uri, fragment, doc, &target)) {
    jsc_problem(c, w, key, NULL, "cannot resolve %s '%s': %s", key, ref,
                fragment && fragment[0] == '/' ? "no such location"
                                               : "no such anchor");
    return NULL;
  }
  if (dynamic_name)
    *dynamic_name = target.dynamic ? jsc__strdup(c, fragment) : NULL;
  return jsc__compile(c, &target.where, target.json);
}

static struct jsc_node *
jsc__node_new(struct jsc *c, const struct jsc_where *w, uint8_t boolean)
{
  struct jsc_node *n = arena_alloc(&c->s->arena, sizeof *n);

  if (!n) {
    jsc_fail(c, FACET_ENOMEM);
    return NULL;
  }
  n->boolean = boolean;
  n->next = c->s->nodes;
  c->s->nodes = n;
  n->draft = (uint8_t)w->draft;
  n->doc = w->doc;
  n->pointer = w->pointer;
  n->resource = w->resource;
  return n;
}

/* Compiles the schema json at w, once however often it is reached. */
static struct jsc_node *
jsc__compile(struct jsc *c, const struct jsc_where *w0,
             struct json_object *json)
{
  struct jsc_where w = *w0;
  struct jsc_node *n;

  if (json_object_is_type(json, json_type_boolean))
    return jsc__node_new(c, &w, json_object_get_boolean(json) ? JSC_TRUE
                                                              : JSC_FALSE);
  if (!json_object_is_type(json, json_type_object)) {
    jsc_problem(c, &w, NULL, NULL, "a schema must be an object or a boolean, "
                "got %s", json ? json_type_to_name(json_object_get_type(
                                   json)) : "null");
    return jsc__node_new(c, &w, JSC_TRUE);
  }
  n = jsc__map_get(&c->memo, (const char *)json, 0);
  if (n)
    return n;
  jsc__enter(c, &w, json, false);
  n = jsc__node_new(c, &w, JSC_OBJECT);
  if (!n || jsc__map_put(&c->memo, (const char *)json, 0, n)) {
    jsc_fail(c, FACET_ENOMEM);
    return NULL;
  }
  if (w.resource && w.resource->json == json)
    w.resource->node = n;
  jsc_keywords_compile(c, n, &w, json);
  return n;
}

struct jsc_node *
jsc_subschema(struct jsc *c, const struct jsc_where *w, const char *key,
              const char *member, struct json_object *json)
{
  struct jsc_where cw = *w;

  cw.pointer = jsc__child_pointer(c, w->pointer, key, member);
  if (!cw.pointer)
    return NULL;
  return jsc__compile(c, &cw, json);
}

struct jsc_node *
jsc_subschema_at(struct jsc *c, const struct jsc_where *w, const char *key,
                 size_t index, struct json_object *json)
{
  char member[24];

  snprintf(member, sizeof member, "%zu", index);
  return jsc_subschema(c, w, key, member, json);
}

/* The roots and dynamic anchors the dynamic scope may jump to. */
static void
jsc__compile_dynamic(struct jsc *c)
{
  for (struct jsc_resource *r = c->resources; r; r = r->next) {
    struct jsc_target *t = jsc__map_get(&c->targets, r->uri,
                                        strlen(r->uri));

    if (r->recursive_anchor && !r->node && t)
      r->node = jsc__compile(c, &t->where, t->json);
    for (struct jsc_anchor *a = r->dynamic; a; a = a->next) {
      char *key = arena_printf(&c->s->arena, "%s#%s", r->uri, a->name);

      t = key ? jsc__map_get(&c->targets, key, strlen(key)) : NULL;
      if (t)
        a->node = jsc__compile(c, &t->where, t->json);
    }
  }
}

static int
jsc__run(struct jsc *c, struct json_object *schema)
{
  const char *base = c->opts->base_uri ? c->opts->base_uri
                                       : JSC_DEFAULT_BASE;
  char *uri = jsc__resolve(c, JSC_DEFAULT_BASE, base);
  char *fragment;
  struct jsc_target *t;

  if (!uri)
    uri = jsc__strdup(c, JSC_DEFAULT_BASE);
  if (!uri)
    return FACET_ENOMEM;
  jsc__split(uri, &fragment);
  t = jsc__add_doc(c, uri, json_object_get(schema), c->opts->draft, true);
  if (!t || c->err)
    return c->err ? c->err : FACET_ENOMEM;
  c->s->root = jsc__compile(c, &t->where, t->json);
  c->s->draft = c->s->root ? (enum js_draft)c->s->root->draft
                           : c->opts->draft;
  if (c->s->dynamic)
    jsc__compile_dynamic(c);
  if (!c->err)
    jsq_prepare(c->s);
  return c->err;
}

int
js_schema_compile(struct json_object *schema, const struct js_options *opts,
                  struct js_schema **out)
{
  static const struct js_options defaults = { 0 };
  struct js_schema *s = calloc(1, sizeof *s);
  struct jsc c = { .s = s, .opts = opts ? opts : &defaults };
  int rc;

  *out = NULL;
  if (!s)
    return FACET_ENOMEM;
  arena_init(&s->arena, 0);
  s->format_assert = c.opts->format_assert;
  s->max_errors = c.opts->max_errors ? c.opts->max_errors
                                     : JS_ERRORS_MAX_DEFAULT;
  rc = jsc__run(&c, schema);
  free(c.targets.slots);
  free(c.resource_map.slots);
  free(c.memo.slots);
  if (rc) {
    js_schema_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

void
js_schema_free(struct js_schema *self)
{
  if (!self)
    return;
  for (struct jsc_doc *d = self->docs; d; d = d->next)
    json_object_put(d->json);
  for (size_t i = 0; i < self->regexes.count; i++)
    pcre2_code_free(self->regexes.codes[i]);
  free(self->regexes.codes);
  free(self->problems);
  arena_release(&self->arena);
  free(self);
}

const struct js_problem *
js_schema_problems(const struct js_schema *self, size_t *count)
{
  *count = self->nproblems;
  return self->problems;
}

enum js_draft
js_schema_draft(const struct js_schema *self)
{
  return self->draft;
}

bool
jsc_asserts_formats(const struct jsc *c)
{
  return c->s->format_assert;
}

static int
jsc__keep_code(struct jsc_regexes *list, pcre2_code *code)
{
  if (list->count == list->cap) {
    size_t cap = list->cap ? list->cap * 2 : 16;
    pcre2_code **n = realloc(list->codes, cap * sizeof *n);

    if (!n)
      return FACET_ENOMEM;
    list->codes = n;
    list->cap = cap;
  }
  list->codes[list->count++] = code;
  return 0;
}

/* Compiles the ECMA-262 pattern source at w's key and member, keeping the
 * code for js_schema_free; NULL after a problem. */
struct jsc_regex *
jsc_regex(struct jsc *c, const struct jsc_where *w, const char *key,
          const char *member, const char *source, size_t len)
{
  struct jsc_regex *re;
  pcre2_code *code;
  char why[256];
  size_t at = 0, jit_size = 0;
  int rc;

  rc = jsre_compile(source, len, &code, why, sizeof why, &at);
  if (rc == FACET_EINVAL)
    jsc_problem(c, w, key, member, "the pattern %s does not compile: %s "
                "(at offset %zu)", source, why, at);
  if (rc)
    goto fail;
  rc = jsc__keep_code(&c->s->regexes, code);
  if (rc) {
    pcre2_code_free(code);
    goto fail;
  }
  re = arena_alloc(&c->s->arena, sizeof *re);
  if (!re || !(re->source = jsc__strdup(c, source))) {
    rc = FACET_ENOMEM;
    goto fail;
  }
  re->code = code;
  re->jit = pcre2_pattern_info(code, PCRE2_INFO_JITSIZE, &jit_size) == 0 &&
            jit_size > 0;
  re->simple = jsre_simple_compile(&c->s->arena, source, len);
  re->dfa = re->simple ? jsre_simple_dfa(re->simple) : NULL;
  return re;
fail:
  if (rc == FACET_ENOMEM)
    jsc_fail(c, rc);
  return NULL;
}
