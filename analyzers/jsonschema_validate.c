/*
 * Validating an instance against a compiled schema: the walk that says
 * why. js_valid and js_validate first run the quick walk
 * (jsonschema_quick.c), which only decides; this one decides what that
 * one leaves to it, and finds the errors of an invalid instance.
 *
 * This walk does both jobs: whether the instance is valid, and why not.
 * Inside anyOf, oneOf, not, if and contains, branches are first only
 * probed ("quiet": the first failure ends a probe and nothing is
 * written); only a failure that matters is walked again to say why, and
 * then compactly (jsv__explain). Nothing is allocated for a valid
 * instance except what unevaluatedProperties/Items need on large values.
 *
 * Annotations for unevaluatedProperties and unevaluatedItems are bit sets
 * over the instance's members or items, passed down through the in-place
 * applicators ($ref, allOf, anyOf, ...) and dropped with a failing branch.
 */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "jsonschema_internal.h"

/* Errors kept from the closest failing branch of anyOf or oneOf. */
#define JSV_BRANCH_ERRORS_MAX 8

/* Steps PCRE2 may take on one match before the validator gives up. */
#define JSV_MATCH_LIMIT 1000000

/* Room for a formatted part of a message. */
#define JSV_TEXT_MAX 192

/* One step of the instance path: a member name, or an item's index. */
struct jsv_seg {
  const char *key;
  size_t index;
};

/* A $ref being followed, to catch one that comes back to itself. */
struct jsv_frame {
  const struct jsc_node *node;
  struct json_object *instance;
};

/* Which members or items have been evaluated (bit i: member or item i). */
struct jsv_ann {
  uint64_t *bits;
  size_t n;
  uint64_t small[2];
};

struct jsv {
  const struct js_schema *schema;
  struct js_result *res;         /* NULL: only whether, never why */
  struct jsv_scratch *scratch;
  unsigned quiet;                /* > 0: probing a branch */
  size_t limit;                  /* errors to keep in this walk */
  bool stop;                     /* the limit is reached, or memory out */
  bool dynamic;                  /* the schema uses the dynamic scope */
  bool naming;                   /* validating a property name */
  bool too_deep;                 /* said once */
  int err;
  size_t depth;                  /* path segments */
  size_t level;                  /* nested evaluations */
  size_t nrefs;
  struct jsv_seg path[JS_DEPTH_MAX + 1];
  struct jsv_frame refs[JS_DEPTH_MAX];
  struct jsc_scope scope;
};

/* Runs one check: a failure makes ok false, and ends a walk that only
 * asks whether (or that is out of room for errors). */
#define JSV_CHECK(v, ok, expr)                                              \
  do {                                                                      \
    if (!(expr)) {                                                          \
      (ok) = false;                                                         \
      if (jsv__halt(v))                                                     \
        goto out;                                                           \
    }                                                                       \
  } while (0)

static bool jsv__node(struct jsv *v, const struct jsc_node *s,
                      struct json_object *inst, struct jsv_ann *ann);
static bool jsv__scalar(struct jsv *v, const struct jsc_node *s,
                        struct json_object *inst);

static bool
jsv__reporting(const struct jsv *v)
{
  return v->res && !v->quiet && !v->stop;
}

static bool
jsv__halt(const struct jsv *v)
{
  return !v->res || v->quiet || v->stop;
}

static void
jsv__oom(struct jsv *v)
{
  v->err = FACET_ENOMEM;
  v->stop = true;
}

static int
jsv__path_segment(struct buf *b, const struct jsv_seg *seg)
{
  int rc = buf_putc(b, '/');

  if (!seg->key)
    return rc ? rc : buf_printf(b, "%zu", seg->index);
  for (const char *k = seg->key; *k && rc == 0; k++)
    rc = *k == '~' ? buf_puts(b, "~0")
       : *k == '/' ? buf_puts(b, "~1")
       : buf_putc(b, *k);
  return rc;
}

/* The instance path, into the result's arena. */
static const char *
jsv__instance_path(struct jsv *v)
{
  struct buf b;
  const char *out = NULL;
  int rc = 0;

  buf_init(&b, (size_t)1 << 20);
  for (size_t i = 0; i < v->depth && rc == 0; i++)
    rc = jsv__path_segment(&b, &v->path[i]);
  if (rc == 0)
    out = arena_strndup(&v->res->arena, b.data ? b.data : "", b.len);
  buf_release(&b);
  return out;
}

static const char *
jsv__schema_path(struct jsv *v, const struct jsc_node *s, const char *kw)
{
  const char *uri = s->doc->root ? "" : s->doc->uri;

  return arena_printf(&v->res->arena, "%s%s%s%s%s", uri, *uri ? "#" : "",
                      s->pointer, kw ? "/" : "", kw ? kw : "");
}

static struct js_error *
jsv__push_error(struct jsv *v)
{
  struct js_result *r = v->res;

  if (r->count == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 16;
    struct js_error *n = realloc(r->errors, cap * sizeof *n);

    if (!n)
      return NULL;
    r->errors = n;
    r->cap = cap;
  }
  return &r->errors[r->count];
}

/* Records an error at keyword kw of s (NULL: s itself), unless quiet. */
static void
jsv__error(struct jsv *v, const struct jsc_node *s, const char *kw,
           bool at_key, const char *fmt, ...)
  __attribute__((format(printf, 5, 6)));

static void
jsv__error(struct jsv *v, const struct jsc_node *s, const char *kw,
           bool at_key, const char *fmt, ...)
{
  struct js_error *e;
  char msg[512];
  va_list ap;

  if (!jsv__reporting(v))
    return;
  if (v->res->count >= v->limit) {
    v->stop = true;
    v->res->truncated |= v->res->count >= v->schema->max_errors;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  e = jsv__push_error(v);
  if (!e) {
    jsv__oom(v);
    return;
  }
  e->instance_path = jsv__instance_path(v);
  e->schema_path = jsv__schema_path(v, s, kw);
  e->keyword = kw ? kw : "false";
  e->message = arena_printf(&v->res->arena, "%s%s",
                            v->naming ? "property name: " : "", msg);
  e->at_key = at_key || v->naming;
  if (!e->instance_path || !e->schema_path || !e->message)
    jsv__oom(v);
  else
    v->res->count++;
}

/* A preview of inst for a message, in out (JSV_TEXT_MAX bytes). */
static const char *
jsv__got(struct json_object *inst, bool with_type, char *out)
{
  struct buf b;

  buf_init(&b, JSV_TEXT_MAX - 1);
  if (jsv_preview(&b, inst, with_type) == 0 && b.data)
    snprintf(out, JSV_TEXT_MAX, "%s", b.data);
  else
    snprintf(out, JSV_TEXT_MAX, "%s", "a value");
  buf_release(&b);
  return out;
}

static const char *
jsv__types(unsigned mask, char *out)
{
  struct buf b;

  buf_init(&b, JSV_TEXT_MAX - 1);
  if (jsv_type_list(&b, mask) == 0 && b.data)
    snprintf(out, JSV_TEXT_MAX, "%s", b.data);
  else
    snprintf(out, JSV_TEXT_MAX, "%s", "nothing");
  buf_release(&b);
  return out;
}

static const char *
jsv__plural(uint64_t n)
{
  return n == 1 ? "" : "s";
}

static bool
jsv__ann_init(struct jsv *v, struct jsv_ann *a, size_t n)
{
  a->n = n;
  a->small[0] = a->small[1] = 0;
  a->bits = a->small;
  if (n > 128) {
    a->bits = calloc((n + 63) / 64, sizeof *a->bits);
    if (!a->bits) {
      jsv__oom(v);
      return false;
    }
  }
  return true;
}

static void
jsv__ann_release(struct jsv_ann *a)
{
  if (a->bits != a->small)
    free(a->bits);
}

static void
jsv__ann_set(struct jsv_ann *a, size_t i)
{
  if (a && i < a->n)
    a->bits[i / 64] |= UINT64_C(1) << (i % 64);
}

static bool
jsv__ann_test(const struct jsv_ann *a, size_t i)
{
  return i < a->n && (a->bits[i / 64] >> (i % 64) & 1);
}

static void
jsv__ann_merge(struct jsv_ann *to, const struct jsv_ann *from)
{
  for (size_t w = 0; w < (to->n + 63) / 64; w++)
    to->bits[w] |= from->bits[w];
}

static bool
jsv__false(struct jsv *v, const struct jsc_node *s)
{
  jsv__error(v, s, NULL, false, "no value is allowed here (the schema is "
             "false)");
  return false;
}

static bool
jsv__too_deep(struct jsv *v, const struct jsc_node *s)
{
  if (!v->too_deep && jsv__reporting(v))
    jsv__error(v, s, NULL, false, "nesting is deeper than the validator "
               "follows (%d levels)", JS_DEPTH_MAX);
  v->too_deep = v->too_deep || jsv__reporting(v);
  return false;
}

/* ---- types, enum, const ---- */

static bool
jsv__type_error(struct jsv *v, const struct jsc_node *s,
                struct json_object *inst)
{
  char want[JSV_TEXT_MAX], got[JSV_TEXT_MAX];

  if (jsv__reporting(v))
    jsv__error(v, s, "type", false, "expected %s, got %s",
               jsv__types(s->types, want), jsv__got(inst, true, got));
  return false;
}

/* "one of "a", "b", "c", ... (12 values)". */
static void
jsv__enum_error(struct jsv *v, const struct jsc_node *s,
                struct json_object *inst)
{
  char got[JSV_TEXT_MAX];
  struct buf list;
  uint32_t shown = s->nenums < 5 ? s->nenums : 5;

  buf_init(&list, 4 * JSV_TEXT_MAX);
  for (uint32_t i = 0; i < shown; i++) {
    if (i)
      buf_puts(&list, ", ");
    jsv_preview(&list, s->enums[i].json, false);
  }
  if (shown < s->nenums)
    buf_printf(&list, ", ... (%u values)", s->nenums);
  jsv__error(v, s, "enum", false, "%s is not one of %s",
             jsv__got(inst, false, got), list.data ? list.data : "nothing");
  buf_release(&list);
}

static bool
jsv__enum_const(struct jsv *v, const struct jsc_node *s,
                struct json_object *inst)
{
  uint64_t hash = 0;
  bool hashed = false;
  char want[JSV_TEXT_MAX], got[JSV_TEXT_MAX];
  bool ok = true;

  if ((s->has & JSK_CONST) &&
      !jsv_equals(&s->constant, inst, &hash, &hashed)) {
    ok = false;
    if (jsv__reporting(v))
      jsv__error(v, s, "const", false, "expected %s, got %s",
                 jsv__got(s->constant.json, false, want),
                 jsv__got(inst, false, got));
    if (jsv__halt(v))
      return false;
  }
  if ((s->has & JSK_ENUM) && !jsv_in_enum(s, inst, &hash, &hashed)) {
    ok = false;
    if (jsv__reporting(v))
      jsv__enum_error(v, s, inst);
  }
  return ok;
}

/* ---- numbers ---- */

static bool
jsv__bound(struct jsv *v, const struct jsc_node *s, int slot,
           struct json_object *inst, long double x)
{
  static const char *const ops[] = { ">=", "<=", ">", "<" };
  static const uint64_t bits[] = {
    JSK_MINIMUM, JSK_MAXIMUM, JSK_EXMINIMUM, JSK_EXMAXIMUM,
  };
  const struct jsc_numeric *num = s->num;
  char want[JSV_NUMBER_TEXT_MAX], got[JSV_NUMBER_TEXT_MAX];
  bool fail;
  int c;

  if (!(s->has & bits[slot]))
    return true;
  c = jsv_compare(inst, x, num->json[slot],
                  slot == 0 ? num->minimum : slot == 1 ? num->maximum
                  : slot == 2 ? num->exminimum : num->exmaximum);
  fail = slot == 0 ? c < 0 : slot == 1 ? c > 0 : slot == 2 ? c <= 0 : c >= 0;
  if (!fail)
    return true;
  if (jsv__reporting(v))
    jsv__error(v, s, num->keyword[slot], false, "must be %s %s, got %s",
               ops[slot], jsv_number_text(num->json[slot], want, sizeof want),
               jsv_number_text(inst, got, sizeof got));
  return false;
}

static bool
jsv__number(struct jsv *v, const struct jsc_node *s,
            struct json_object *inst)
{
  long double x = jsv_number(inst);
  char want[JSV_NUMBER_TEXT_MAX], got[JSV_NUMBER_TEXT_MAX];
  bool ok = true;

  for (int slot = 0; slot < 4; slot++)
    JSV_CHECK(v, ok, jsv__bound(v, s, slot, inst, x));
  if ((s->has & JSK_MULTIPLE_OF) &&
      !jsv_multiple_of(inst, &s->num->multiple_of)) {
    ok = false;
    if (jsv__reporting(v))
      jsv__error(v, s, "multipleOf", false, "must be a multiple of %s, "
                 "got %s", jsv_number_text(s->num->multiple_of.json, want,
                                           sizeof want),
                 jsv_number_text(inst, got, sizeof got));
  }
out:
  return ok;
}

/* ---- strings ---- */

/* The state PCRE2 matches with, made when first needed. */
static struct jsv_scratch *
jsv__scratch(struct jsv_scratch *sc)
{
  if (!sc->match) {
    sc->match = pcre2_match_data_create(1, NULL);
    sc->context = pcre2_match_context_create(NULL);
    if (!sc->match || !sc->context)
      return NULL;
    pcre2_set_match_limit(sc->context, JSV_MATCH_LIMIT);
  }
  return sc;
}

int
jsv_match(struct jsv_scratch *sc, const struct jsc_regex *re, const char *s,
          size_t len, bool *oom)
{
  int rc;

  *oom = false;
  if (re->simple && (rc = jsre_simple_match(re->simple, s, len)) >= 0)
    return rc;
  if (!jsv__scratch(sc)) {
    *oom = true;
    return -1;
  }
  rc = re->jit ? pcre2_jit_match(re->code, (PCRE2_SPTR)s, len, 0, 0,
                                 sc->match, sc->context)
               : pcre2_match(re->code, (PCRE2_SPTR)s, len, 0, 0, sc->match,
                             sc->context);
  if (rc >= 0)
    return 1;
  return rc == PCRE2_ERROR_NOMATCH ? 0 : -1;
}

/* jsv_match within a walk: running out of memory ends it. */
static int
jsv__match(struct jsv *v, const struct jsc_regex *re, const char *s,
           size_t len)
{
  bool oom;
  int m = jsv_match(v->scratch, re, s, len, &oom);

  if (oom)
    jsv__oom(v);
  return m;
}

static bool
jsv__pattern(struct jsv *v, const struct jsc_node *s,
             struct json_object *inst, const char *str, size_t len)
{
  const struct jsc_regex *re = s->str->pattern;
  char got[JSV_TEXT_MAX];
  int m = jsv__match(v, re, str, len);

  if (m == 1)
    return true;
  if (jsv__reporting(v) && m == 0)
    jsv__error(v, s, "pattern", false, "%s does not match the pattern %s",
               jsv__got(inst, false, got), re->source);
  else if (jsv__reporting(v))
    jsv__error(v, s, "pattern", false, "matching the pattern %s gave up "
               "after %d steps", re->source, JSV_MATCH_LIMIT);
  return false;
}

static bool
jsv__length(struct jsv *v, const struct jsc_node *s, size_t len,
            const char *str)
{
  const struct jsc_string *st = s->str;
  size_t n;

  /* Bytes bound code points: at most len, at least len / 4. */
  if (!(s->has & JSK_MIN_LENGTH) || len / 4 >= st->min_length) {
    if (!(s->has & JSK_MAX_LENGTH) || len <= st->max_length)
      return true;
  }
  n = jsv_code_points(str, len);
  if ((s->has & JSK_MIN_LENGTH) && n < st->min_length) {
    jsv__error(v, s, "minLength", false, "must be at least %llu "
               "character%s, got %zu", (unsigned long long)st->min_length,
               jsv__plural(st->min_length), n);
    return false;
  }
  if ((s->has & JSK_MAX_LENGTH) && n > st->max_length) {
    jsv__error(v, s, "maxLength", false, "must be at most %llu "
               "character%s, got %zu", (unsigned long long)st->max_length,
               jsv__plural(st->max_length), n);
    return false;
  }
  return true;
}

/* The string keywords of s on inst, whose text is str (len bytes). */
static bool
jsv__string_text(struct jsv *v, const struct jsc_node *s,
                 struct json_object *inst, const char *str, size_t len)
{
  char got[JSV_TEXT_MAX];
  bool ok = true;

  if (s->has & (JSK_MIN_LENGTH | JSK_MAX_LENGTH))
    JSV_CHECK(v, ok, jsv__length(v, s, len, str));
  if (s->has & JSK_PATTERN)
    JSV_CHECK(v, ok, jsv__pattern(v, s, inst, str, len));
  if ((s->has & JSK_FORMAT) &&
      !jsf_check((enum jsf_format)s->format, str, len)) {
    ok = false;
    if (jsv__reporting(v))
      jsv__error(v, s, "format", false, "%s is not a valid %s",
                 jsv__got(inst, false, got), s->str->format_name);
  }
out:
  return ok;
}

static bool
jsv__string(struct jsv *v, const struct jsc_node *s,
            struct json_object *inst)
{
  return jsv__string_text(v, s, inst, json_object_get_string(inst),
                          (size_t)json_object_get_string_len(inst));
}

/* ---- arrays ---- */

/* Pure $refs met this many times in a row are followed as refs. */
#define JSV_REF_CHAIN_MAX 8

/*
 * Validates a member or an item (a child of the instance) against node.
 * A node that is only a $ref is skipped for its target: nothing in place
 * can loop here, since the instance just went one level deeper.
 */
static bool
jsv__child(struct jsv *v, const struct jsc_node *node,
           struct json_object *child)
{
  for (int i = 0; i < JSV_REF_CHAIN_MAX && node->has == JSK_REF &&
                  node->boolean == JSC_OBJECT; i++)
    node = node->app->ref;
  /* A leaf that says only its type, without a call; one of only scalar
   * keywords, without the general walk. */
  if (node->has == JSK_TYPE && node->boolean == JSC_OBJECT &&
      (node->types & jsv_type_of(child, (enum js_draft)node->draft)))
    return true;
  if (node->boolean == JSC_OBJECT && node->has &&
      !(node->has & ~JSK_SCALAR))
    return jsv__scalar(v, node, child);
  return jsv__node(v, node, child, NULL);
}

/* Validates item i of inst against node, as the path's next step. */
static bool
jsv__item(struct jsv *v, const struct jsc_node *node,
          struct json_object *inst, size_t i, struct jsv_ann *a)
{
  bool ok;

  jsv__ann_set(a, i);
  if (node->boolean == JSC_TRUE)
    return true;
  v->path[v->depth].key = NULL;
  v->path[v->depth].index = i;
  v->depth++;
  ok = jsv__child(v, node, json_object_array_get_idx(inst, i));
  v->depth--;
  return ok;
}

static bool
jsv__items(struct jsv *v, const struct jsc_node *s, struct json_object *inst,
           size_t n, struct jsv_ann *a)
{
  const struct jsc_array *arr = s->arr;
  size_t prefix = n < arr->nprefix ? n : arr->nprefix;
  bool ok = true;

  for (size_t i = 0; i < prefix; i++)
    JSV_CHECK(v, ok, jsv__item(v, arr->prefix[i], inst, i, a));
  if (!arr->rest || n <= arr->nprefix)
    goto out;
  if (arr->rest->boolean == JSC_FALSE) {
    jsv__error(v, s, arr->rest_keyword, false, "must have at most %u "
               "item%s (%s is false), got %zu", arr->nprefix,
               jsv__plural(arr->nprefix), arr->rest_keyword, n);
    return false;
  }
  for (size_t i = arr->nprefix; i < n; i++)
    JSV_CHECK(v, ok, jsv__item(v, arr->rest, inst, i, a));
out:
  return ok;
}

static bool
jsv__contains(struct jsv *v, const struct jsc_node *s,
              struct json_object *inst, size_t n, struct jsv_ann *a)
{
  const struct jsc_array *arr = s->arr;
  bool all = (a && arr->contains_annotates) ||
             arr->max_contains != UINT64_MAX;
  size_t matches = 0;

  v->quiet++;
  for (size_t i = 0; i < n && (all || matches < arr->min_contains); i++) {
    if (jsv__node(v, arr->contains, json_object_array_get_idx(inst, i),
                  NULL)) {
      matches++;
      if (arr->contains_annotates)
        jsv__ann_set(a, i);
    }
  }
  v->quiet--;
  if (matches < arr->min_contains) {
    if (arr->min_contains == 1)
      jsv__error(v, s, "contains", false, "no item matches the contains "
                 "schema");
    else
      jsv__error(v, s, "minContains", false, "must have at least %llu "
                 "items that match contains, got %zu",
                 (unsigned long long)arr->min_contains, matches);
    return false;
  }
  if (matches > arr->max_contains) {
    jsv__error(v, s, "maxContains", false, "must have at most %llu item%s "
               "that match%s contains, got %zu",
               (unsigned long long)arr->max_contains,
               jsv__plural(arr->max_contains),
               arr->max_contains == 1 ? "es" : "", matches);
    return false;
  }
  return true;
}

static bool
jsv__array(struct jsv *v, const struct jsc_node *s, struct json_object *inst,
           struct jsv_ann *a)
{
  const struct jsc_array *arr = s->arr;
  size_t n = json_object_array_length(inst);
  size_t i = 0, j = 0; /* -O3 cannot see jsv_duplicate sets them */
  int dup;
  bool ok = true;

  if ((s->has & JSK_MIN_ITEMS) && n < arr->min_items) {
    jsv__error(v, s, "minItems", false, "must have at least %llu item%s, "
               "got %zu", (unsigned long long)arr->min_items,
               jsv__plural(arr->min_items), n);
    JSV_CHECK(v, ok, false);
  }
  if ((s->has & JSK_MAX_ITEMS) && n > arr->max_items) {
    jsv__error(v, s, "maxItems", false, "must have at most %llu item%s, "
               "got %zu", (unsigned long long)arr->max_items,
               jsv__plural(arr->max_items), n);
    JSV_CHECK(v, ok, false);
  }
  dup = (s->has & JSK_UNIQUE_ITEMS) ? jsv_duplicate(inst, n, &i, &j) : 0;
  if (dup < 0) {
    jsv__oom(v);
    JSV_CHECK(v, ok, false);
  } else if (dup) {
    jsv__error(v, s, "uniqueItems", false, "items %zu and %zu are equal "
               "(uniqueItems is true)", i, j);
    JSV_CHECK(v, ok, false);
  }
  if (s->has & JSK_ITEMS)
    JSV_CHECK(v, ok, jsv__items(v, s, inst, n, a));
  if (s->has & JSK_CONTAINS)
    JSV_CHECK(v, ok, jsv__contains(v, s, inst, n, a));
out:
  return ok;
}

/* ---- objects ---- */

/* A member name cut for messages. */
#define JSV_KEY(key) (int)(strlen(key) > 60 ? 60 : strlen(key)), (key), \
                     strlen(key) > 60 ? "..." : ""

/* required; seen has the bits of the names the members walk found. */
static bool
jsv__required(struct jsv *v, const struct jsc_node *s,
              struct json_object *inst, uint64_t seen)
{
  const struct jsc_object *o = s->obj;
  bool ok = true;

  for (uint32_t i = 0; i < o->nrequired; i++) {
    const struct jsc_name *name = &o->required[i];

    if (name->bit ? (seen & name->bit) != 0
                  : json_object_object_get_ex(inst, name->str, NULL))
      continue;
    jsv__error(v, s, "required", false, "missing required property "
               "'%.*s%s'", JSV_KEY(o->required[i].str));
    JSV_CHECK(v, ok, false);
  }
out:
  return ok;
}

static bool
jsv__dep_required(struct jsv *v, const struct jsc_node *s,
                  struct json_object *inst)
{
  const struct jsc_object *o = s->obj;
  bool ok = true;

  for (uint32_t d = 0; d < o->ndep_required; d++) {
    const struct jsc_prop *dep = &o->dep_required[d];

    if (!json_object_object_get_ex(inst, dep->name.str, NULL))
      continue;
    for (uint32_t i = 0; i < dep->nnames; i++) {
      if (json_object_object_get_ex(inst, dep->names[i].str, NULL))
        continue;
      jsv__error(v, s, dep->keyword, false, "missing property '%.*s%s' "
                 "(required when '%.*s%s' is present)",
                 JSV_KEY(dep->names[i].str), JSV_KEY(dep->name.str));
      JSV_CHECK(v, ok, false);
    }
  }
out:
  return ok;
}

static bool
jsv__dep_schemas(struct jsv *v, const struct jsc_node *s,
                 struct json_object *inst, struct jsv_ann *a)
{
  const struct jsc_object *o = s->obj;
  bool ok = true;

  for (uint32_t d = 0; d < o->ndep_schemas; d++)
    if (json_object_object_get_ex(inst, o->dep_schemas[d].name.str, NULL))
      JSV_CHECK(v, ok, jsv__node(v, o->dep_schemas[d].node, inst, a));
out:
  return ok;
}

struct json_object *
jsv_name_value(struct jsv_scratch *sc, const char *key, size_t len)
{
  /* json-c (0.16) loses the buffer of a string it sets to "": an empty
   * name gets a new value. */
  if (sc->name && (len == 0 ||
                   json_object_set_string_len(sc->name, key, (int)len) != 1)) {
    json_object_put(sc->name);
    sc->name = NULL;
  }
  if (!sc->name)
    sc->name = json_object_new_string_len(key, (int)len);
  return sc->name;
}

/* propertyNames: the name as a string value (one per result, reused). */
static bool
jsv__name(struct jsv *v, const struct jsc_node *names, const char *key,
          size_t len)
{
  struct json_object *name = jsv_name_value(v->scratch, key, len);
  bool naming = v->naming;
  bool ok;

  if (!name) {
    jsv__oom(v);
    return false;
  }
  v->naming = true;
  ok = jsv__node(v, names, name, NULL);
  v->naming = naming;
  return ok;
}

static bool
jsv__additional(struct jsv *v, const struct jsc_node *s, const char *key,
                struct json_object *val)
{
  const struct jsc_node *add = s->obj->additional;

  if (add->boolean != JSC_FALSE)
    return jsv__node(v, add, val, NULL);
  jsv__error(v, s, "additionalProperties", true, "'%.*s%s' is not allowed "
             "(additionalProperties is false)", JSV_KEY(key));
  return false;
}

static bool
jsv__patterns(struct jsv *v, const struct jsc_node *s, const char *key,
              size_t len, struct json_object *val, bool *matched)
{
  const struct jsc_object *o = s->obj;
  bool ok = true;

  for (uint32_t p = 0; p < o->npatterns; p++) {
    int m = jsv__match(v, o->patterns[p].re, key, len);

    if (m < 0) {
      jsv__error(v, s, "patternProperties", true, "matching the pattern %s "
                 "gave up after %d steps", o->patterns[p].re->source,
                 JSV_MATCH_LIMIT);
      JSV_CHECK(v, ok, false);
    }
    if (m == 1) {
      *matched = true;
      JSV_CHECK(v, ok, jsv__node(v, o->patterns[p].node, val, NULL));
    }
  }
out:
  return ok;
}

/* Member i (key: val) against properties, patternProperties,
 * additionalProperties and propertyNames. */
static bool
jsv__member(struct jsv *v, const struct jsc_node *s, const char *key,
            struct json_object *val, size_t i, struct jsv_ann *a,
            struct jsc_members *m)
{
  const struct jsc_object *o = s->obj;
  bool matched = false;
  bool ok = true;

  v->path[v->depth].key = key;
  v->depth++;
  if (s->has & JSK_PROPERTY_NAMES)
    JSV_CHECK(v, ok, jsv__name(v, o->names, key, strlen(key)));
  if (s->has & JSK_PROPERTIES) {
    const struct jsc_prop *p = jsc_props_next(&o->props, key, m);

    matched = p != NULL;
    if (p)
      JSV_CHECK(v, ok, jsv__child(v, p->node, val));
  }
  if (s->has & JSK_PATTERN_PROPS)
    JSV_CHECK(v, ok, jsv__patterns(v, s, key, strlen(key), val, &matched));
  if (!matched && (s->has & JSK_ADDITIONAL)) {
    matched = true;
    JSV_CHECK(v, ok, jsv__additional(v, s, key, val));
  }
out:
  v->depth--;
  if (matched)
    jsv__ann_set(a, i);
  return ok;
}

static bool
jsv__members(struct jsv *v, const struct jsc_node *s,
             struct json_object *inst, struct jsv_ann *a, uint64_t *seen)
{
  struct lh_entry *e = lh_table_head(json_object_get_object(inst));
  struct jsc_members m = { 0, 0 };
  bool ok = true;

  for (size_t i = 0; e; e = lh_entry_next(e), i++)
    JSV_CHECK(v, ok, jsv__member(v, s, lh_entry_k(e), lh_entry_v(e), i, a,
                                 &m));
out:
  *seen = m.seen;
  return ok;
}

static bool
jsv__object(struct jsv *v, const struct jsc_node *s,
            struct json_object *inst, struct jsv_ann *a)
{
  const struct jsc_object *o = s->obj;
  uint64_t n = (uint64_t)json_object_object_length(inst);
  uint64_t seen = 0;
  bool ok = true;

  if ((s->has & JSK_MIN_PROPS) && n < o->min_props) {
    jsv__error(v, s, "minProperties", false, "must have at least %llu "
               "propert%s, got %llu", (unsigned long long)o->min_props,
               o->min_props == 1 ? "y" : "ies", (unsigned long long)n);
    JSV_CHECK(v, ok, false);
  }
  if ((s->has & JSK_MAX_PROPS) && n > o->max_props) {
    jsv__error(v, s, "maxProperties", false, "must have at most %llu "
               "propert%s, got %llu", (unsigned long long)o->max_props,
               o->max_props == 1 ? "y" : "ies", (unsigned long long)n);
    JSV_CHECK(v, ok, false);
  }
  /* The members first: their walk tells required which names it saw. */
  if (s->has & (JSK_PROPERTIES | JSK_PATTERN_PROPS | JSK_ADDITIONAL |
                JSK_PROPERTY_NAMES))
    JSV_CHECK(v, ok, jsv__members(v, s, inst, a, &seen));
  if (s->has & JSK_REQUIRED)
    JSV_CHECK(v, ok, jsv__required(v, s, inst, seen));
  if (s->has & JSK_DEP_REQUIRED)
    JSV_CHECK(v, ok, jsv__dep_required(v, s, inst));
  if (s->has & JSK_DEP_SCHEMAS)
    JSV_CHECK(v, ok, jsv__dep_schemas(v, s, inst, a));
out:
  return ok;
}

/* ---- unevaluatedProperties and unevaluatedItems ---- */

static bool
jsv__unevaluated_member(struct jsv *v, const struct jsc_node *s,
                        const char *key, struct json_object *val)
{
  const struct jsc_node *u = s->obj->unevaluated;
  bool ok;

  v->path[v->depth].key = key;
  v->depth++;
  if (u->boolean == JSC_FALSE) {
    jsv__error(v, s, "unevaluatedProperties", true, "'%.*s%s' is not "
               "allowed (unevaluatedProperties is false)", JSV_KEY(key));
    ok = false;
  } else {
    ok = jsv__node(v, u, val, NULL);
  }
  v->depth--;
  return ok;
}

static bool
jsv__unevaluated_props(struct jsv *v, const struct jsc_node *s,
                       struct json_object *inst, struct jsv_ann *a)
{
  struct lh_entry *e = lh_table_head(json_object_get_object(inst));
  bool ok = true;

  for (size_t i = 0; e; e = lh_entry_next(e), i++) {
    if (jsv__ann_test(a, i))
      continue;
    JSV_CHECK(v, ok, jsv__unevaluated_member(v, s, lh_entry_k(e),
                                             lh_entry_v(e)));
    jsv__ann_set(a, i);
  }
out:
  return ok;
}

static bool
jsv__unevaluated_items(struct jsv *v, const struct jsc_node *s,
                       struct json_object *inst, struct jsv_ann *a)
{
  const struct jsc_node *u = s->arr->unevaluated;
  size_t n = json_object_array_length(inst);
  bool ok = true;

  for (size_t i = 0; i < n; i++) {
    if (jsv__ann_test(a, i))
      continue;
    if (u->boolean == JSC_FALSE) {
      v->path[v->depth].key = NULL;
      v->path[v->depth++].index = i;
      jsv__error(v, s, "unevaluatedItems", false, "item %zu is not allowed "
                 "(unevaluatedItems is false)", i);
      v->depth--;
      JSV_CHECK(v, ok, false);
      continue;
    }
    JSV_CHECK(v, ok, jsv__item(v, u, inst, i, a));
  }
out:
  return ok;
}

/* ---- in-place applicators ---- */

static bool
jsv__loop(struct jsv *v, const struct jsc_node *s)
{
  if (jsv__reporting(v))
    jsv__error(v, s, "$ref", false, "the schema loops: %s leads back here "
               "without going deeper into the instance",
               s->app->ref_text ? s->app->ref_text : "a reference");
  return false;
}

/* Follows a reference from s to target, refusing one that loops. */
static bool
jsv__ref(struct jsv *v, const struct jsc_node *s,
         const struct jsc_node *target, struct json_object *inst,
         struct jsv_ann *a)
{
  bool ok;

  for (size_t i = v->nrefs; i-- > 0 && v->refs[i].instance == inst;)
    if (v->refs[i].node == target)
      return jsv__loop(v, s);
  if (v->nrefs >= JS_DEPTH_MAX)
    return jsv__too_deep(v, s);
  v->refs[v->nrefs].node = target;
  v->refs[v->nrefs].instance = inst;
  v->nrefs++;
  ok = jsv__node(v, target, inst, a);
  v->nrefs--;
  return ok;
}

const struct jsc_node *
jsc_dynamic_target(const struct jsc_scope *scope,
                   const struct jsc_applicators *app)
{
  const struct jsc_node *t = app->dynamic_ref;

  if (app->dynamic_kind == JSC_RECURSIVE_REF) {
    if (!t->resource || !t->resource->recursive_anchor ||
        t != t->resource->node)
      return t;
    /* Outward while the resources say $recursiveAnchor: true. */
    for (size_t i = scope->n; i-- > 0 && scope->at[i]->recursive_anchor;)
      if (scope->at[i]->node)
        t = scope->at[i]->node;
    return t;
  }
  if (!app->dynamic_name)
    return t;
  /* The outermost resource with a $dynamicAnchor of that name. */
  for (size_t i = 0; i < scope->n; i++)
    for (const struct jsc_anchor *a = scope->at[i]->dynamic; a; a = a->next)
      if (a->node && strcmp(a->name, app->dynamic_name) == 0)
        return a->node;
  return t;
}

/* The types a schema can accept, as far as its type, const and enum (and
 * those of its $ref and allOf) say. */
static unsigned
jsv__admits(const struct jsc_node *s, int depth)
{
  unsigned all = (1u << 7) - 1;
  unsigned m = all;
  unsigned e = 0;

  if (s->boolean != JSC_OBJECT || depth > 8)
    return s->boolean == JSC_FALSE ? 0 : all;
  if (s->has & JSK_TYPE)
    m &= s->types;
  if (s->has & JSK_CONST)
    m &= jsv_type_of(s->constant.json, JS_DRAFT_DEFAULT);
  for (uint32_t i = 0; (s->has & JSK_ENUM) && i < s->nenums; i++)
    e |= jsv_type_of(s->enums[i].json, JS_DRAFT_DEFAULT);
  if (s->has & JSK_ENUM)
    m &= e;
  if (s->has & JSK_REF)
    m &= jsv__admits(s->app->ref, depth + 1);
  for (uint32_t i = 0; (s->has & JSK_ALL_OF) && i < s->app->nall_of; i++)
    m &= jsv__admits(s->app->all_of[i], depth + 1);
  return m;
}

static void
jsv__drop_errors(struct jsv *v, size_t from, size_t n)
{
  struct js_result *r = v->res;

  memmove(&r->errors[from], &r->errors[from + n],
          (r->count - from - n) * sizeof *r->errors);
  r->count -= n;
}

/* Walks branch b again to say why it fails, keeping few errors. */
static size_t
jsv__branch_errors(struct jsv *v, const struct jsc_node *b,
                   struct json_object *inst)
{
  size_t start = v->res->count;
  size_t limit = v->limit;

  if (start + JSV_BRANCH_ERRORS_MAX < limit)
    v->limit = start + JSV_BRANCH_ERRORS_MAX;
  jsv__node(v, b, inst, NULL);
  v->limit = limit;
  v->stop = v->err || v->res->count >= v->schema->max_errors;
  return v->res->count - start;
}

/* Several branches could have matched: a summary, then the errors of
 * the branch that came closest (the fewest errors). */
static void
jsv__closest(struct jsv *v, const struct jsc_node *s, const char *kw,
             struct jsc_node *const *list, uint32_t n,
             struct json_object *inst)
{
  unsigned type = jsv_type_of(inst, (enum js_draft)s->draft);
  size_t best_start = 0, best_count = SIZE_MAX;
  size_t before = v->res->count;

  jsv__error(v, s, kw, false, "matches none of the %u schemas in %s", n, kw);
  if (v->res->count == before)
    return;
  for (uint32_t i = 0; i < n && !v->stop; i++) {
    size_t start = v->res->count;
    size_t count;

    if (!(jsv__admits(list[i], 0) & type))
      continue;
    count = jsv__branch_errors(v, list[i], inst);
    if (count >= best_count) {
      jsv__drop_errors(v, start, count);
      continue;
    }
    if (best_count != SIZE_MAX) {
      jsv__drop_errors(v, best_start, best_count);
      start -= best_count;
    }
    best_start = start;
    best_count = count;
  }
}

/*
 * Says why no branch of kw (anyOf or oneOf) matched, compactly: when no
 * branch takes the instance's type, one error naming the types; when one
 * does, that branch's errors; otherwise jsv__closest.
 */
static void
jsv__explain(struct jsv *v, const struct jsc_node *s, const char *kw,
             struct jsc_node *const *list, uint32_t n,
             struct json_object *inst)
{
  unsigned type = jsv_type_of(inst, (enum js_draft)s->draft);
  unsigned all = 0;
  uint32_t taking = 0, last = 0;
  char want[JSV_TEXT_MAX], got[JSV_TEXT_MAX];

  for (uint32_t i = 0; i < n; i++) {
    unsigned m = jsv__admits(list[i], 0);

    all |= m;
    if (m & type)
      taking++, last = i;
  }
  if (taking == 0 && all)
    jsv__error(v, s, kw, false, "expected %s, got %s", jsv__types(all, want),
               jsv__got(inst, true, got));
  else if (taking == 1)
    jsv__node(v, list[last], inst, NULL);
  else
    jsv__closest(v, s, kw, list, n, inst);
}

/* One branch; its annotations count only when it passes. */
static bool
jsv__branch(struct jsv *v, const struct jsc_node *b, struct json_object *inst,
            struct jsv_ann *a)
{
  struct jsv_ann tmp;
  bool ok;

  if (!a)
    return jsv__node(v, b, inst, NULL);
  if (!jsv__ann_init(v, &tmp, a->n))
    return false;
  ok = jsv__node(v, b, inst, &tmp);
  if (ok)
    jsv__ann_merge(a, &tmp);
  jsv__ann_release(&tmp);
  return ok;
}

static bool
jsv__any_of(struct jsv *v, const struct jsc_node *s, struct json_object *inst,
            struct jsv_ann *a)
{
  const struct jsc_applicators *app = s->app;
  bool any = false;

  /* With annotations wanted, every passing branch contributes. */
  v->quiet++;
  for (uint32_t i = 0; i < app->nany_of && (!any || a); i++)
    any |= jsv__branch(v, app->any_of[i], inst, a);
  v->quiet--;
  if (!any && jsv__reporting(v))
    jsv__explain(v, s, "anyOf", app->any_of, app->nany_of, inst);
  return any;
}

static bool
jsv__one_of(struct jsv *v, const struct jsc_node *s, struct json_object *inst,
            struct jsv_ann *a)
{
  const struct jsc_applicators *app = s->app;
  uint32_t found[2] = { 0, 0 };
  uint32_t count = 0;

  v->quiet++;
  for (uint32_t i = 0; i < app->none_of && count < 2; i++)
    if (jsv__branch(v, app->one_of[i], inst, count ? NULL : a))
      found[count++] = i;
  v->quiet--;
  if (count == 1)
    return true;
  if (count == 0 && jsv__reporting(v))
    jsv__explain(v, s, "oneOf", app->one_of, app->none_of, inst);
  else if (count == 2)
    jsv__error(v, s, "oneOf", false, "matches more than one schema in oneOf "
               "(%u and %u); it must match exactly one", found[0],
               found[1]);
  return false;
}

static bool
jsv__not(struct jsv *v, const struct jsc_node *s, struct json_object *inst)
{
  bool matched;

  v->quiet++;
  matched = jsv__node(v, s->app->not, inst, NULL);
  v->quiet--;
  if (!matched)
    return true;
  jsv__error(v, s, "not", false, "must not match the schema in not");
  return false;
}

static bool
jsv__if(struct jsv *v, const struct jsc_node *s, struct json_object *inst,
        struct jsv_ann *a)
{
  const struct jsc_applicators *app = s->app;
  const struct jsc_node *then;
  bool cond;

  /* Alone, if is walked only for the annotations it gives. */
  if (!app->then_ && !app->else_ && !a)
    return true;
  v->quiet++;
  cond = jsv__branch(v, app->if_, inst, a);
  v->quiet--;
  then = cond ? app->then_ : app->else_;
  return !then || jsv__node(v, then, inst, a);
}

static bool
jsv__in_place(struct jsv *v, const struct jsc_node *s,
              struct json_object *inst, struct jsv_ann *a)
{
  const struct jsc_applicators *app = s->app;
  bool ok = true;

  if (s->has & JSK_REF)
    JSV_CHECK(v, ok, jsv__ref(v, s, app->ref, inst, a));
  if (s->has & JSK_DYNAMIC_REF)
    JSV_CHECK(v, ok, jsv__ref(v, s, jsc_dynamic_target(&v->scope, app), inst, a));
  for (uint32_t i = 0; (s->has & JSK_ALL_OF) && i < app->nall_of; i++)
    JSV_CHECK(v, ok, jsv__node(v, app->all_of[i], inst, a));
  if (s->has & JSK_ANY_OF)
    JSV_CHECK(v, ok, jsv__any_of(v, s, inst, a));
  if (s->has & JSK_ONE_OF)
    JSV_CHECK(v, ok, jsv__one_of(v, s, inst, a));
  if (s->has & JSK_NOT)
    JSV_CHECK(v, ok, jsv__not(v, s, inst));
  if (s->has & JSK_IF)
    JSV_CHECK(v, ok, jsv__if(v, s, inst, a));
out:
  return ok;
}

/* ---- one schema object ---- */

/* Whether s needs its own annotations for an instance of type t. */
static size_t
jsv__tracked(const struct jsc_node *s, unsigned t, struct json_object *inst,
             bool *object)
{
  *object = (s->has & JSK_UNEVAL_PROPS) && (t & JST_OBJECT);
  if (*object)
    return (size_t)json_object_object_length(inst) + 1;
  if ((s->has & JSK_UNEVAL_ITEMS) && (t & JST_ARRAY))
    return json_object_array_length(inst) + 1;
  return 0;
}

/*
 * A schema of only such keywords: no subschema, so nothing to track or to
 * nest, and most leaves of real schemas (a string with a pattern, a
 * number with bounds, an enum) take this way.
 */
static bool
jsv__scalar(struct jsv *v, const struct jsc_node *s, struct json_object *inst)
{
  unsigned t = jsv_type_of(inst, (enum js_draft)s->draft);
  bool ok = true;

  if ((s->has & JSK_TYPE) && !(s->types & t))
    JSV_CHECK(v, ok, jsv__type_error(v, s, inst));
  if (t & JST_STRING) {
    /* A string's text, read once for the enum and the string keywords. */
    const char *str = json_object_get_string(inst);
    size_t len = (size_t)json_object_get_string_len(inst);
    bool text_enum = (s->has & (JSK_ENUM | JSK_CONST)) == JSK_ENUM &&
                     s->enum_strings;

    if (text_enum && !jsv_in_string_enum(s, str, len)) {
      if (jsv__reporting(v))
        jsv__enum_error(v, s, inst);
      JSV_CHECK(v, ok, false);
    } else if (!text_enum && (s->has & (JSK_ENUM | JSK_CONST))) {
      JSV_CHECK(v, ok, jsv__enum_const(v, s, inst));
    }
    if (s->has & JSK_STRING_KW)
      JSV_CHECK(v, ok, jsv__string_text(v, s, inst, str, len));
    goto out;
  }
  if (s->has & (JSK_ENUM | JSK_CONST))
    JSV_CHECK(v, ok, jsv__enum_const(v, s, inst));
  if ((s->has & JSK_NUMBER_KW) && (t & JST_NUMBER))
    JSV_CHECK(v, ok, jsv__number(v, s, inst));
out:
  return ok;
}

static bool
jsv__keywords(struct jsv *v, const struct jsc_node *s,
              struct json_object *inst, struct jsv_ann *ann)
{
  unsigned t = jsv_type_of(inst, (enum js_draft)s->draft);
  struct jsv_ann local;
  struct jsv_ann *a = ann;
  bool object;
  size_t track = jsv__tracked(s, t, inst, &object);
  bool ok = true;

  if (track && !jsv__ann_init(v, &local, track - 1))
    return false;
  if (track)
    a = &local;
  if ((s->has & JSK_TYPE) && !(s->types & t))
    JSV_CHECK(v, ok, jsv__type_error(v, s, inst));
  if (s->has & (JSK_ENUM | JSK_CONST))
    JSV_CHECK(v, ok, jsv__enum_const(v, s, inst));
  if ((s->has & JSK_NUMBER_KW) && (t & JST_NUMBER))
    JSV_CHECK(v, ok, jsv__number(v, s, inst));
  if ((s->has & JSK_STRING_KW) && (t & JST_STRING))
    JSV_CHECK(v, ok, jsv__string(v, s, inst));
  if ((s->has & JSK_ARRAY_KW) && (t & JST_ARRAY))
    JSV_CHECK(v, ok, jsv__array(v, s, inst, a));
  if ((s->has & JSK_OBJECT_KW) && (t & JST_OBJECT))
    JSV_CHECK(v, ok, jsv__object(v, s, inst, a));
  if (s->has & JSK_IN_PLACE)
    JSV_CHECK(v, ok, jsv__in_place(v, s, inst, a));
  if (track)
    JSV_CHECK(v, ok, object ? jsv__unevaluated_props(v, s, inst, a)
                            : jsv__unevaluated_items(v, s, inst, a));
out:
  if (track && ok && ann)
    jsv__ann_merge(ann, &local);
  if (track)
    jsv__ann_release(&local);
  return ok;
}

static bool
jsv__node(struct jsv *v, const struct jsc_node *s, struct json_object *inst,
          struct jsv_ann *ann)
{
  bool pushed;
  bool ok;

  if (s->boolean != JSC_OBJECT)
    return s->boolean == JSC_TRUE || jsv__false(v, s);
  /* Many leaves say only their type: no need for the whole walk. */
  if (!(s->has & ~JSK_TYPE))
    return !s->has ||
           (s->types & jsv_type_of(inst, (enum js_draft)s->draft)) ||
           jsv__type_error(v, s, inst);
  if (!(s->has & ~JSK_SCALAR))
    return jsv__scalar(v, s, inst);
  if (v->level >= JS_DEPTH_MAX)
    return jsv__too_deep(v, s);
  v->level++;
  pushed = v->dynamic && jsc_scope_push(&v->scope, s);
  ok = jsv__keywords(v, s, inst, ann);
  v->scope.n -= pushed;
  v->level--;
  return ok;
}

/* ---- entry points ---- */

static void
jsv__init(struct jsv *v, const struct js_schema *schema,
          struct js_result *res, struct jsv_scratch *scratch)
{
  /* Only the counters: the stacks are written before they are read. */
  v->schema = schema;
  v->res = res;
  v->scratch = scratch;
  v->quiet = 0;
  v->limit = schema->max_errors;
  v->stop = false;
  v->dynamic = schema->dynamic;
  v->naming = false;
  v->too_deep = false;
  v->err = 0;
  v->depth = 0;
  v->level = 0;
  v->nrefs = 0;
  v->scope.n = 0;
}

void
jsv_scratch_release(struct jsv_scratch *sc)
{
  if (!sc)
    return;
  pcre2_match_data_free(sc->match);
  pcre2_match_context_free(sc->context);
  json_object_put(sc->name);
}

void
js_result_init(struct js_result *self)
{
  self->errors = NULL;
  self->count = 0;
  self->truncated = false;
  self->cap = 0;
  arena_init(&self->arena, 0);
  self->scratch = NULL;
}

void
js_result_release(struct js_result *self)
{
  free(self->errors);
  arena_release(&self->arena);
  jsv_scratch_release(self->scratch);
  free(self->scratch);
  js_result_init(self);
}

/* Sets result up for a walk (its scratch made when first needed). */
static int
jsv__result_reset(struct js_result *result)
{
  result->count = 0;
  result->truncated = false;
  if (result->arena.head)
    arena_release(&result->arena);
  if (!result->scratch)
    result->scratch = calloc(1, sizeof(struct jsv_scratch));
  return result->scratch ? 0 : FACET_ENOMEM;
}

int
jsv_walk_validate(const struct js_schema *self, struct json_object *instance,
                  struct js_result *result)
{
  struct jsv v;
  int rc = jsv__result_reset(result);

  if (rc)
    return rc;
  jsv__init(&v, self, result, result->scratch);
  jsv__node(&v, self->root, instance, NULL);
  return v.err;
}

int
js_validate(const struct js_schema *self, struct json_object *instance,
            struct js_result *result)
{
  int rc = jsv__result_reset(result);

  if (rc)
    return rc;
  /* The quick walk first: only an instance it does not call valid needs
   * this walk's reasons. */
  if (jsq_valid(self, instance, result->scratch) == JSQ_VALID)
    return 0;
  return jsv_walk_validate(self, instance, result);
}

bool
jsv_walk_valid(const struct js_schema *self, struct json_object *instance)
{
  struct jsv_scratch scratch = { 0 };
  struct jsv v;
  bool ok;

  jsv__init(&v, self, NULL, &scratch);
  ok = jsv__node(&v, self->root, instance, NULL);
  jsv_scratch_release(&scratch);
  return ok && !v.err;
}

bool
js_valid(const struct js_schema *self, struct json_object *instance)
{
  struct jsv_scratch scratch = { 0 };
  enum jsq_verdict verdict = jsq_valid(self, instance, &scratch);

  jsv_scratch_release(&scratch);
  if (verdict != JSQ_UNKNOWN)
    return verdict == JSQ_VALID;
  return jsv_walk_valid(self, instance);
}
