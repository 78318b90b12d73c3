/*
 * The quick walk: whether an instance is valid, and nothing else.
 *
 * Most instances an editor, a CI run or a tool loop validates are valid,
 * and for those the walk that says why (jsonschema_validate.c) does work
 * that is never used: a path kept for messages, checks of whether to
 * report, annotations. This walk keeps none of it. js_valid and
 * js_validate run it first; js_validate walks again to say why only when
 * it finds the instance invalid.
 *
 * Both walks must always agree. So this one shares every comparison with
 * the other (enum, const, multipleOf, patterns, formats, uniqueItems),
 * and where it would have to reproduce something subtle it does not
 * decide at all but answers JSQ_UNKNOWN, and the other walk decides:
 *   - unevaluatedProperties and unevaluatedItems (they need annotations);
 *   - a $ref that comes back to the same schema on the same instance (the
 *     other walk reports the loop), and nesting as deep as the other
 *     walk's limit (JS_DEPTH_MAX);
 *   - a pattern whose matching gives up, and running out of memory.
 * tests/test_jsonschema_suite.c checks that the two agree on every case
 * of the JSON Schema Test Suite.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "jsonschema_internal.h"

/* Keywords this walk leaves to the other. */
#define JSQ_LEFT_OUT (JSK_UNEVAL_PROPS | JSK_UNEVAL_ITEMS)

/* Integers up to this magnitude are exact as doubles. */
#define JSQ_EXACT_INT ((int64_t)1 << 53)

/* Pure $refs met in a row that are followed as one step (as the other
 * walk's jsv__child does). */
#define JSQ_REF_CHAIN_MAX 8

/* A $ref being followed in place, to notice one that comes back. */
struct jsq_frame {
  const struct jsc_node *node;
  struct json_object *instance;
};

struct jsq {
  struct jsv_scratch *scratch;
  bool unknown;                 /* the walk cannot decide: ask the other */
  bool dynamic;                 /* the schema uses the dynamic scope */
  size_t level;                 /* nested evaluations */
  size_t nrefs;
  struct jsq_frame refs[JS_DEPTH_MAX];
  struct jsc_scope scope;
};

static bool jsq__scalar(struct jsq *q, const struct jsc_node *s,
                        struct json_object *inst);
static bool jsq__nest(struct jsq *q, const struct jsc_node *s,
                      struct json_object *inst);

/* Gives up on deciding; the value returned no longer matters. */
static bool
jsq__unknown(struct jsq *q)
{
  q->unknown = true;
  return false;
}

/* The JST_* bits a value of each json-c type has for certain (a double
 * may be an integer too). */
static const uint8_t jsq__type_bits[] = {
  [json_type_null] = JST_NULL,
  [json_type_boolean] = JST_BOOLEAN,
  [json_type_double] = JST_NUMBER,
  [json_type_int] = JST_INTEGER | JST_NUMBER,
  [json_type_object] = JST_OBJECT,
  [json_type_array] = JST_ARRAY,
  [json_type_string] = JST_STRING,
};

/* Whether inst (of json-c type type) has a type s's `type` allows: a
 * double is looked at closely only for a node that allows integers but
 * not every number. */
static bool
jsq__type(const struct jsc_node *s, struct json_object *inst,
          enum json_type type)
{
  if (s->types & jsq__type_bits[type])
    return true;
  return type == json_type_double && (s->types & JST_INTEGER) &&
         (jsv_type_of_json(inst, type, (enum js_draft)s->draft) &
          JST_INTEGER);
}

/* inst against s: leaves here, without a call of their own; the kinds
 * in the order real schemas have most of them. */
static inline bool
jsq__node(struct jsq *q, const struct jsc_node *s, struct json_object *inst)
{
  enum jsq_kind kind = (enum jsq_kind)s->quick;

  if (kind == JSQ_KIND_SCALAR)
    return jsq__scalar(q, s, inst);
  if (kind == JSQ_KIND_NODE)
    return jsq__nest(q, s, inst);
  if (kind == JSQ_KIND_TYPE)
    return jsq__type(s, inst, json_object_get_type(inst));
  if (kind == JSQ_KIND_LEFT_OUT)
    return jsq__unknown(q);
  return kind == JSQ_KIND_TRUE;
}

/* ---- strings and numbers ---- */

static bool
jsq__length(const struct jsc_node *s, const char *str, size_t len)
{
  const struct jsc_string *st = s->str;
  size_t n;

  /* Bytes bound code points: at most len, at least len / 4. */
  if ((!(s->has & JSK_MIN_LENGTH) || len / 4 >= st->min_length) &&
      (!(s->has & JSK_MAX_LENGTH) || len <= st->max_length))
    return true;
  n = jsv_code_points(str, len);
  return (!(s->has & JSK_MIN_LENGTH) || n >= st->min_length) &&
         (!(s->has & JSK_MAX_LENGTH) || n <= st->max_length);
}

static bool
jsq__string(struct jsq *q, const struct jsc_node *s, const char *str,
            size_t len)
{
  if ((s->has & (JSK_MIN_LENGTH | JSK_MAX_LENGTH)) &&
      !jsq__length(s, str, len))
    return false;
  if (s->has & JSK_PATTERN) {
    const struct jsc_regex *re = s->str->pattern;
    bool oom;
    int m = re->dfa ? jsre_dfa_match(re->dfa, str, len) : -1;

    if (m < 0)
      m = jsv_match(q->scratch, re, str, len, &oom);
    if (m < 0)
      return jsq__unknown(q);
    if (m == 0)
      return false;
  }
  return !(s->has & JSK_FORMAT) ||
         jsf_check((enum jsf_format)s->format, str, len);
}

/* The bounds compared exactly (jsv_compare), for numbers or bounds
 * doubles do not hold exactly, and for ties. */
static bool
jsq__bounds_exact(const struct jsc_node *s, struct json_object *inst)
{
  const struct jsc_numeric *num = s->num;
  long double x = jsv_number(inst);

  return (!(s->has & JSK_MINIMUM) ||
          jsv_compare(inst, x, num->json[0], num->minimum) >= 0) &&
         (!(s->has & JSK_MAXIMUM) ||
          jsv_compare(inst, x, num->json[1], num->maximum) <= 0) &&
         (!(s->has & JSK_EXMINIMUM) ||
          jsv_compare(inst, x, num->json[2], num->exminimum) > 0) &&
         (!(s->has & JSK_EXMAXIMUM) ||
          jsv_compare(inst, x, num->json[3], num->exmaximum) < 0);
}

/* minimum, maximum and their exclusive forms. Where the number and the
 * bounds are all exact doubles, doubles compare as long doubles would;
 * a double that ties a bound may stand for a number that does not (a
 * long decimal rounds onto it), so ties are decided exactly. */
static bool
jsq__bounds(const struct jsc_node *s, struct json_object *inst,
            enum json_type type)
{
  const struct jsc_numeric *num = s->num;
  double x;

  if (type == json_type_double) {
    x = json_object_get_double(inst);
  } else {
    int64_t i = json_object_get_int64(inst);

    if (i <= -JSQ_EXACT_INT || i >= JSQ_EXACT_INT)
      return jsq__bounds_exact(s, inst);
    x = (double)i;
  }
  if (num->inexact ||
      (type == json_type_double &&
       (x == num->bound[0] || x == num->bound[1] || x == num->bound[2] ||
        x == num->bound[3])))
    return jsq__bounds_exact(s, inst);
  return (!(s->has & JSK_MINIMUM) || x >= num->bound[0]) &&
         (!(s->has & JSK_MAXIMUM) || x <= num->bound[1]) &&
         (!(s->has & JSK_EXMINIMUM) || x > num->bound[2]) &&
         (!(s->has & JSK_EXMAXIMUM) || x < num->bound[3]);
}

static bool
jsq__number(const struct jsc_node *s, struct json_object *inst,
            enum json_type type)
{
  if ((s->has & (JSK_MINIMUM | JSK_MAXIMUM | JSK_EXMINIMUM |
                 JSK_EXMAXIMUM)) && !jsq__bounds(s, inst, type))
    return false;
  return !(s->has & JSK_MULTIPLE_OF) ||
         jsv_multiple_of(inst, &s->num->multiple_of);
}

/* ---- arrays ---- */

/* A member or an item (a child of the instance) against node, past a
 * chain of pure $refs (node->hop): nothing in place can loop there, since
 * the instance just went one level deeper. */
static bool
jsq__child(struct jsq *q, const struct jsc_node *node,
           struct json_object *child)
{
  return jsq__node(q, node->hop, child);
}

static bool
jsq__items(struct jsq *q, const struct jsc_array *arr,
           struct json_object *inst, size_t n)
{
  size_t prefix = n < arr->nprefix ? n : arr->nprefix;

  for (size_t i = 0; i < prefix; i++)
    if (!jsq__child(q, arr->prefix[i], json_object_array_get_idx(inst, i)))
      return false;
  if (!arr->rest || n <= arr->nprefix)
    return true;
  if (arr->rest->boolean != JSC_OBJECT)
    return arr->rest->boolean == JSC_TRUE;
  for (size_t i = arr->nprefix; i < n; i++)
    if (!jsq__child(q, arr->rest, json_object_array_get_idx(inst, i)))
      return false;
  return true;
}

static bool
jsq__contains(struct jsq *q, const struct jsc_array *arr,
              struct json_object *inst, size_t n)
{
  bool all = arr->max_contains != UINT64_MAX;
  size_t matches = 0;

  for (size_t i = 0; i < n && (all || matches < arr->min_contains); i++)
    matches += jsq__node(q, arr->contains,
                         json_object_array_get_idx(inst, i));
  return matches >= arr->min_contains && matches <= arr->max_contains;
}

static bool
jsq__array(struct jsq *q, const struct jsc_node *s, struct json_object *inst)
{
  const struct jsc_array *arr = s->arr;
  size_t n = json_object_array_length(inst);

  if ((s->has & JSK_MIN_ITEMS) && n < arr->min_items)
    return false;
  if ((s->has & JSK_MAX_ITEMS) && n > arr->max_items)
    return false;
  if (s->has & JSK_UNIQUE_ITEMS) {
    size_t i, j;
    int dup = jsv_duplicate(inst, n, &i, &j);

    if (dup < 0)
      return jsq__unknown(q);
    if (dup)
      return false;
  }
  if ((s->has & JSK_ITEMS) && !jsq__items(q, arr, inst, n))
    return false;
  return !(s->has & JSK_CONTAINS) || jsq__contains(q, arr, inst, n);
}

/* ---- objects ---- */

/* propertyNames: the name as a string value (one per scratch, reused). */
static bool
jsq__name(struct jsq *q, const struct jsc_node *names, const char *key)
{
  struct json_object *name = jsv_name_value(q->scratch, key, strlen(key));

  if (!name)
    return jsq__unknown(q);
  return jsq__node(q, names, name);
}

static bool
jsq__patterns(struct jsq *q, const struct jsc_object *o, const char *key,
              struct json_object *val, bool *matched)
{
  size_t len = strlen(key);

  for (uint32_t p = 0; p < o->npatterns; p++) {
    bool oom;
    int m = jsv_match(q->scratch, o->patterns[p].re, key, len, &oom);

    if (m < 0)
      return jsq__unknown(q);
    if (m == 0)
      continue;
    *matched = true;
    if (!jsq__node(q, o->patterns[p].node, val))
      return false;
  }
  return true;
}

/* One member against propertyNames, properties, patternProperties and
 * additionalProperties. */
static bool
jsq__member(struct jsq *q, const struct jsc_node *s, const char *key,
            struct json_object *val, struct jsc_members *m)
{
  const struct jsc_object *o = s->obj;
  bool matched = false;

  if ((s->has & JSK_PROPERTY_NAMES) && !jsq__name(q, o->names, key))
    return false;
  if (s->has & JSK_PROPERTIES) {
    const struct jsc_prop *p = jsc_props_next(&o->props, key, m);

    if (p && !jsq__child(q, p->node, val))
      return false;
    matched = p != NULL;
  }
  if ((s->has & JSK_PATTERN_PROPS) &&
      !jsq__patterns(q, o, key, val, &matched))
    return false;
  if (matched || !(s->has & JSK_ADDITIONAL))
    return true;
  if (o->additional->boolean != JSC_OBJECT)
    return o->additional->boolean == JSC_TRUE;
  return jsq__node(q, o->additional, val);
}

static bool
jsq__required(const struct jsc_object *o, struct json_object *inst,
              uint64_t seen)
{
  if ((seen & o->required_bits) != o->required_bits)
    return false;
  for (uint32_t i = 0; o->required_lookups && i < o->nrequired; i++)
    if (!o->required[i].bit &&
        !json_object_object_get_ex(inst, o->required[i].str, NULL))
      return false;
  return true;
}

static bool
jsq__dependencies(struct jsq *q, const struct jsc_node *s,
                  struct json_object *inst)
{
  const struct jsc_object *o = s->obj;

  for (uint32_t d = 0; (s->has & JSK_DEP_REQUIRED) &&
                       d < o->ndep_required; d++) {
    const struct jsc_prop *dep = &o->dep_required[d];

    if (!json_object_object_get_ex(inst, dep->name.str, NULL))
      continue;
    for (uint32_t i = 0; i < dep->nnames; i++)
      if (!json_object_object_get_ex(inst, dep->names[i].str, NULL))
        return false;
  }
  for (uint32_t d = 0; (s->has & JSK_DEP_SCHEMAS) &&
                       d < o->ndep_schemas; d++)
    if (json_object_object_get_ex(inst, o->dep_schemas[d].name.str, NULL) &&
        !jsq__node(q, o->dep_schemas[d].node, inst))
      return false;
  return true;
}

/*
 * The members against properties and additionalProperties, the usual
 * case; *seen gets the required bits of the names found. Kept out of
 * jsq__keywords (noinline): there, many values live across each strcmp
 * of a name, and saving them would cost more than the comparison.
 */
__attribute__((noinline)) static bool
jsq__properties(struct jsq *q, const struct jsc_node *s,
                struct json_object *inst, uint64_t *seen)
{
  const struct jsc_object *o = s->obj;
  struct lh_entry *e = lh_table_head(json_object_get_object(inst));
  struct jsc_members m = { 0, 0 };
  bool additional = s->has & JSK_ADDITIONAL;

  for (; e; e = lh_entry_next(e)) {
    const struct jsc_prop *p = jsc_props_next(&o->props, lh_entry_k(e), &m);

    if (p ? !jsq__child(q, p->node, lh_entry_v(e))
          : additional && !jsq__node(q, o->additional, lh_entry_v(e)))
      return false;
  }
  *seen = m.seen;
  return true;
}

/* Any of the keywords on members, one member at a time. */
__attribute__((noinline)) static bool
jsq__members(struct jsq *q, const struct jsc_node *s,
             struct json_object *inst, uint64_t *seen)
{
  struct lh_entry *e = lh_table_head(json_object_get_object(inst));
  struct jsc_members m = { 0, 0 };

  for (; e; e = lh_entry_next(e))
    if (!jsq__member(q, s, lh_entry_k(e), lh_entry_v(e), &m))
      return false;
  *seen = m.seen;
  return true;
}

static bool
jsq__object(struct jsq *q, const struct jsc_node *s, struct json_object *inst)
{
  const struct jsc_object *o = s->obj;
  uint64_t seen = 0;

  if (s->has & (JSK_MIN_PROPS | JSK_MAX_PROPS)) {
    uint64_t n = (uint64_t)json_object_object_length(inst);

    if (((s->has & JSK_MIN_PROPS) && n < o->min_props) ||
        ((s->has & JSK_MAX_PROPS) && n > o->max_props))
      return false;
  }
  if ((s->has & (JSK_PATTERN_PROPS | JSK_PROPERTY_NAMES)) ||
      ((s->has & JSK_ADDITIONAL) && !(s->has & JSK_PROPERTIES))) {
    if (!jsq__members(q, s, inst, &seen))
      return false;
  } else if ((s->has & JSK_PROPERTIES) &&
             !jsq__properties(q, s, inst, &seen)) {
    return false;
  }
  if ((s->has & JSK_REQUIRED) && !jsq__required(o, inst, seen))
    return false;
  return !(s->has & (JSK_DEP_REQUIRED | JSK_DEP_SCHEMAS)) ||
         jsq__dependencies(q, s, inst);
}

/* ---- in-place applicators ---- */

/* Follows a $ref in place; one that comes back to a schema already being
 * applied to this instance is for the other walk to report. */
static bool
jsq__ref(struct jsq *q, const struct jsc_node *target,
         struct json_object *inst)
{
  bool ok;

  for (size_t i = q->nrefs; i-- > 0 && q->refs[i].instance == inst;)
    if (q->refs[i].node == target)
      return jsq__unknown(q);
  if (q->nrefs >= JS_DEPTH_MAX)
    return jsq__unknown(q);
  q->refs[q->nrefs].node = target;
  q->refs[q->nrefs].instance = inst;
  q->nrefs++;
  ok = jsq__node(q, target, inst);
  q->nrefs--;
  return ok;
}

static bool
jsq__one_of(struct jsq *q, const struct jsc_applicators *app,
            struct json_object *inst)
{
  uint32_t count = 0;

  for (uint32_t i = 0; i < app->none_of && count < 2; i++)
    count += jsq__node(q, app->one_of[i], inst);
  return count == 1;
}

static bool
jsq__in_place(struct jsq *q, const struct jsc_node *s,
              struct json_object *inst)
{
  const struct jsc_applicators *app = s->app;
  bool any = false;

  if ((s->has & JSK_REF) && !jsq__ref(q, app->ref, inst))
    return false;
  if ((s->has & JSK_DYNAMIC_REF) &&
      !jsq__ref(q, jsc_dynamic_target(&q->scope, app), inst))
    return false;
  for (uint32_t i = 0; (s->has & JSK_ALL_OF) && i < app->nall_of; i++)
    if (!jsq__node(q, app->all_of[i], inst))
      return false;
  if (s->has & JSK_ANY_OF) {
    for (uint32_t i = 0; i < app->nany_of && !any; i++)
      any = jsq__node(q, app->any_of[i], inst);
    if (!any)
      return false;
  }
  if ((s->has & JSK_ONE_OF) && !jsq__one_of(q, app, inst))
    return false;
  if ((s->has & JSK_NOT) && jsq__node(q, app->not, inst))
    return false;
  if ((s->has & JSK_IF) && (app->then_ || app->else_)) {
    const struct jsc_node *then = jsq__node(q, app->if_, inst)
                                    ? app->then_ : app->else_;

    return !then || jsq__node(q, then, inst);
  }
  return true;
}

/* ---- one schema object ---- */

/* A node of only JSK_SCALAR keywords: nothing below it to walk, and most
 * leaves of real schemas (a string with a pattern, a number with bounds,
 * an enum) are such. */
static bool
jsq__scalar(struct jsq *q, const struct jsc_node *s, struct json_object *inst)
{
  enum json_type type = json_object_get_type(inst);
  uint64_t has = s->has;
  uint64_t hash = 0;
  bool hashed = false;

  if ((has & JSK_TYPE) && !jsq__type(s, inst, type))
    return false;
  if ((has & JSK_CONST) && !jsv_equals(&s->constant, inst, &hash, &hashed))
    return false;
  if (type == json_type_string) {
    /* A string's text, read once for the enum and the string keywords. */
    const char *str = json_object_get_string(inst);
    size_t len = (size_t)json_object_get_string_len(inst);

    if ((has & JSK_ENUM) &&
        !(s->enum_strings ? jsv_in_string_enum(s, str, len)
                          : jsv_in_enum(s, inst, &hash, &hashed)))
      return false;
    return !(has & JSK_STRING_KW) || jsq__string(q, s, str, len);
  }
  if ((has & JSK_ENUM) && !jsv_in_enum(s, inst, &hash, &hashed))
    return false;
  return !(has & JSK_NUMBER_KW) ||
         (type != json_type_int && type != json_type_double) ||
         jsq__number(s, inst, type);
}

/* Any keywords, in groups by the instance's type. */
static bool
jsq__keywords(struct jsq *q, const struct jsc_node *s,
              struct json_object *inst)
{
  enum json_type type = json_object_get_type(inst);
  uint64_t has = s->has;

  switch (type) {
  case json_type_object:
    if ((has & JSK_TYPE) && !(s->types & JST_OBJECT))
      return false;
    if ((has & JSK_OBJECT_KW) && !jsq__object(q, s, inst))
      return false;
    break;
  case json_type_array:
    if ((has & JSK_TYPE) && !(s->types & JST_ARRAY))
      return false;
    if ((has & JSK_ARRAY_KW) && !jsq__array(q, s, inst))
      return false;
    break;
  default:
    if ((has & JSK_SCALAR) && !jsq__scalar(q, s, inst))
      return false;
    break;
  }
  if ((type == json_type_object || type == json_type_array) &&
      (has & (JSK_ENUM | JSK_CONST))) {
    uint64_t hash = 0;
    bool hashed = false;

    if ((has & JSK_CONST) && !jsv_equals(&s->constant, inst, &hash, &hashed))
      return false;
    if ((has & JSK_ENUM) && !jsv_in_enum(s, inst, &hash, &hashed))
      return false;
  }
  return !(has & JSK_IN_PLACE) || jsq__in_place(q, s, inst);
}

/* A node that nests: the rest of jsq__node, out of line. */
static bool
jsq__nest(struct jsq *q, const struct jsc_node *s, struct json_object *inst)
{
  bool pushed;
  bool ok;

  /* Counting the nodes that nest as the other walk does, this walk
   * meets the depth limit where that one would, and leaves it to it. */
  if (q->level >= JS_DEPTH_MAX)
    return jsq__unknown(q);
  q->level++;
  /* The dynamic scope, entered where the other walk enters it. */
  pushed = q->dynamic && jsc_scope_push(&q->scope, s);
  ok = jsq__keywords(q, s, inst);
  q->scope.n -= pushed;
  q->level--;
  return ok;
}

/* What a member or an item validated against n meets (as jsv__child in
 * the other walk finds it). */
static const struct jsc_node *
jsq__hop(const struct jsc_node *n)
{
  for (int i = 0; i < JSQ_REF_CHAIN_MAX && n->has == JSK_REF &&
                  n->boolean == JSC_OBJECT; i++)
    n = n->app->ref;
  return n;
}

static enum jsq_kind
jsq__kind(const struct jsc_node *n)
{
  if (n->boolean != JSC_OBJECT)
    return n->boolean == JSC_TRUE ? JSQ_KIND_TRUE : JSQ_KIND_FALSE;
  if (!n->has)
    return JSQ_KIND_TRUE;
  if (n->has & JSQ_LEFT_OUT)
    return JSQ_KIND_LEFT_OUT;
  if (n->has == JSK_TYPE)
    return JSQ_KIND_TYPE;
  if (!(n->has & ~JSK_SCALAR))
    return JSQ_KIND_SCALAR;
  return JSQ_KIND_NODE;
}

void
jsq_prepare(struct js_schema *self)
{
  for (struct jsc_node *n = self->nodes; n; n = n->next) {
    n->quick = (uint8_t)jsq__kind(n);
    n->hop = jsq__hop(n);
  }
}

enum jsq_verdict
jsq_valid(const struct js_schema *self, struct json_object *instance,
          struct jsv_scratch *sc)
{
  struct jsq q;
  bool ok;

  /* Only the counters: the stacks are written before they are read. */
  q.scratch = sc;
  q.unknown = false;
  q.dynamic = self->dynamic;
  q.level = 0;
  q.nrefs = 0;
  q.scope.n = 0;
  ok = jsq__node(&q, self->root, instance);
  if (q.unknown)
    return JSQ_UNKNOWN;
  return ok ? JSQ_VALID : JSQ_INVALID;
}
