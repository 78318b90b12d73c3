/*
 * The keywords of a schema object, decoded into its node. Each keyword
 * checks its own value: a wrong one becomes a problem at its pointer and
 * is left out, so the rest of the schema still validates.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "jsonschema_internal.h"
#include "shape.h"

#define D(draft) (1u << (draft))
#define DC D(JS_DRAFT_DEFAULT)
#define D4 D(JS_DRAFT_4)
#define D6 D(JS_DRAFT_6)
#define D7 D(JS_DRAFT_7)
#define D19 D(JS_DRAFT_2019_09)
#define D20 D(JS_DRAFT_2020_12)
#define ALL (DC | D4 | D6 | D7 | D19 | D20)
#define SINCE6 (DC | D6 | D7 | D19 | D20)
#define SINCE7 (DC | D7 | D19 | D20)
#define SINCE19 (DC | D19 | D20)

/* Longest preview of a wrong value in a problem's message. */
#define JSCK_GOT_MAX 96

/* The schema object being compiled into its node. */
struct jsck {
  struct jsc *c;
  struct jsc_node *n;
  const struct jsc_where *w;
  struct json_object *schema;
};

struct jsck_keyword {
  const char *name;
  unsigned drafts;
  void (*compile)(struct jsck *k, struct json_object *v, const char *key);
};

/* A preview of v, e.g. string "5", in out (size bytes). */
static const char *
jsck__got(struct json_object *v, char *out, size_t size)
{
  struct buf b;

  buf_init(&b, size - 1);
  if (jsv_preview(&b, v, true) == 0 && b.data)
    snprintf(out, size, "%s", b.data);
  else
    snprintf(out, size, "%s", "a value");
  buf_release(&b);
  return out;
}

static void
jsck__wrong(struct jsck *k, const char *key, const char *want,
            struct json_object *v)
{
  char got[JSCK_GOT_MAX];
  const char *name = strrchr(key, '/');

  jsc_problem(k->c, k->w, key, NULL, "%.*s must be %s, got %s",
              (int)(name ? name - key : (long)strlen(key)), key, want,
              jsck__got(v, got, sizeof got));
}

static void *
jsck__alloc(struct jsck *k, size_t size)
{
  void *p = arena_alloc(jsc_arena(k->c), size);

  if (!p)
    jsc_fail(k->c, FACET_ENOMEM);
  return p;
}

static struct jsc_numeric *
jsck__num(struct jsck *k)
{
  if (!k->n->num)
    k->n->num = jsck__alloc(k, sizeof *k->n->num);
  return k->n->num;
}

static struct jsc_string *
jsck__str(struct jsck *k)
{
  if (!k->n->str)
    k->n->str = jsck__alloc(k, sizeof *k->n->str);
  return k->n->str;
}

static struct jsc_array *
jsck__arr(struct jsck *k)
{
  if (!k->n->arr)
    k->n->arr = jsck__alloc(k, sizeof *k->n->arr);
  return k->n->arr;
}

static struct jsc_object *
jsck__obj(struct jsck *k)
{
  if (!k->n->obj)
    k->n->obj = jsck__alloc(k, sizeof *k->n->obj);
  return k->n->obj;
}

static struct jsc_applicators *
jsck__app(struct jsck *k)
{
  if (!k->n->app)
    k->n->app = jsck__alloc(k, sizeof *k->n->app);
  return k->n->app;
}

static bool
jsck__is_number(struct json_object *v)
{
  return json_object_is_type(v, json_type_int) ||
         json_object_is_type(v, json_type_double);
}


/* A non-negative integer (2.0 counts) into *out, or a problem. */
static bool
jsck__count(struct jsck *k, const char *key, struct json_object *v,
            uint64_t *out)
{
  long double x = jsck__is_number(v) ? jsv_number(v) : -1;

  if (x < 0 || x != floorl(x) || x >= 18446744073709551616.0L) {
    jsck__wrong(k, key, "a non-negative integer", v);
    return false;
  }
  *out = (uint64_t)x;
  return true;
}

static const char *const jsck__type_names[] = {
  "null", "boolean", "object", "array", "number", "string", "integer",
};

/* What people write for a type in other languages. */
static const struct {
  const char *alias;
  const char *type;
} jsck__type_aliases[] = {
  { "int", "integer" }, { "float", "number" }, { "double", "number" },
  { "bool", "boolean" }, { "str", "string" }, { "dict", "object" },
  { "map", "object" }, { "list", "array" }, { "none", "null" },
  { "decimal", "number" }, { "long", "integer" }, { "text", "string" },
  { "obj", "object" }, { "tuple", "array" },
};

/* The type name nearest to name, or NULL when none is near. */
static const char *
jsck__nearest_type(const char *name)
{
  const char *best = NULL;
  int best_d = 3;

  for (size_t i = 0; i < sizeof jsck__type_aliases /
                         sizeof *jsck__type_aliases; i++)
    if (strcasecmp(name, jsck__type_aliases[i].alias) == 0)
      return jsck__type_aliases[i].type;
  for (size_t i = 0; i < 7; i++) {
    int d = shape_distance(name, jsck__type_names[i]);

    if (d < best_d) {
      best_d = d;
      best = jsck__type_names[i];
    }
  }
  return best;
}

static unsigned
jsck__type_bit(const char *name)
{
  for (unsigned i = 0; i < 7; i++)
    if (strcmp(name, jsck__type_names[i]) == 0)
      return 1u << i;
  return 0;
}

/* One name of `type` (at key: "type" or "type/1") into *mask. */
static void
jsck__type_name(struct jsck *k, const char *key, struct json_object *v,
                unsigned *mask)
{
  const char *name = json_object_get_string(v);
  const char *near;
  unsigned bit;

  if (!json_object_is_type(v, json_type_string)) {
    jsck__wrong(k, key, "a type name", v);
    return;
  }
  bit = jsck__type_bit(name);
  if (bit) {
    *mask |= bit;
    return;
  }
  near = jsck__nearest_type(name);
  if (near) {
    jsc_problem(k->c, k->w, key, NULL, "unknown type '%s' (did you mean "
                "'%s'?)", name, near);
    jsc_problem_note(k->c, near, NULL);
  } else
    jsc_problem(k->c, k->w, key, NULL, "unknown type '%s' (the types are "
                "null, boolean, object, array, number, string and integer)",
                name);
}

static void
jsck__type(struct jsck *k, struct json_object *v, const char *key)
{
  unsigned mask = 0;

  if (json_object_is_type(v, json_type_array)) {
    size_t len = json_object_array_length(v);

    /* Every meta-schema asks for at least one name, each once. */
    if (len == 0)
      jsc_problem(k->c, k->w, key, NULL, "type must list at least one "
                  "type: an empty list allows nothing");
    for (size_t i = 0; i < len; i++) {
      char at[32];
      unsigned before = mask;
      struct json_object *name = json_object_array_get_idx(v, i);

      snprintf(at, sizeof at, "%s/%zu", key, i);
      jsck__type_name(k, at, name, &mask);
      if (mask == before && json_object_is_type(name, json_type_string) &&
          jsck__type_bit(json_object_get_string(name)))
        jsc_problem(k->c, k->w, at, NULL, "type lists '%s' twice",
                    json_object_get_string(name));
    }
  } else {
    jsck__type_name(k, key, v, &mask);
  }
  if (!mask)
    return;
  /* "number" admits integers too. */
  if (mask & JST_NUMBER)
    mask |= JST_INTEGER;
  k->n->types = (uint8_t)mask;
  k->n->has |= JSK_TYPE;
}

static void
jsck__value(struct jsc_value *out, struct json_object *v)
{
  out->json = v;
  out->hash = jsv_hash(v);
  out->str = NULL;
  if (json_object_is_type(v, json_type_string)) {
    out->str = json_object_get_string(v);
    out->len = (size_t)json_object_get_string_len(v);
  }
}

static void
jsck__enum(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_node *n = k->n;
  size_t len;

  if (!json_object_is_type(v, json_type_array)) {
    jsck__wrong(k, key, "an array", v);
    return;
  }
  len = json_object_array_length(v);
  n->enums = jsck__alloc(k, (len + 1) * sizeof *n->enums);
  if (!n->enums)
    return;
  n->enum_strings = true;
  for (size_t i = 0; i < len; i++) {
    jsck__value(&n->enums[i], json_object_array_get_idx(v, i));
    n->enum_strings = n->enum_strings && n->enums[i].str;
  }
  n->nenums = (uint32_t)len;
  if (n->enum_strings && len > 2 && !jsv_string_enum_index(jsc_arena(k->c), n))
    jsc_fail(k->c, FACET_ENOMEM);
  n->has |= JSK_ENUM;
}

static void
jsck__const(struct jsck *k, struct json_object *v, const char *key)
{
  (void)key;
  jsck__value(&k->n->constant, v);
  k->n->has |= JSK_CONST;
}

/* Whether the schema has key set to true (draft-04's exclusive form). */
static bool
jsck__flag(struct jsck *k, const char *key)
{
  struct json_object *v;

  return json_object_object_get_ex(k->schema, key, &v) &&
         json_object_is_type(v, json_type_boolean) &&
         json_object_get_boolean(v);
}

/* The bounds in the order of struct jsc_numeric's fields. */
static const uint64_t jsck__bound_bits[4] = {
  JSK_MINIMUM, JSK_MAXIMUM, JSK_EXMINIMUM, JSK_EXMAXIMUM,
};

static void
jsck__set_bound(struct jsck *k, int slot, struct json_object *v,
                const char *key)
{
  struct jsc_numeric *num = jsck__num(k);
  long double *field[4];

  if (!num)
    return;
  field[0] = &num->minimum;
  field[1] = &num->maximum;
  field[2] = &num->exminimum;
  field[3] = &num->exmaximum;
  *field[slot] = jsv_number(v);
  num->bound[slot] = (double)*field[slot];
  if ((long double)num->bound[slot] == *field[slot])
    num->inexact &= (uint8_t)~(1u << slot);
  else
    num->inexact |= (uint8_t)(1u << slot);
  num->json[slot] = v;
  num->keyword[slot] = key;
  k->n->has |= jsck__bound_bits[slot];
}

/* minimum and maximum, made exclusive by draft-04's boolean forms. */
static void
jsck__bound(struct jsck *k, struct json_object *v, const char *key)
{
  bool min = strcmp(key, "minimum") == 0;
  bool ex = jsck__flag(k, min ? "exclusiveMinimum" : "exclusiveMaximum");

  if (!jsck__is_number(v)) {
    jsck__wrong(k, key, "a number", v);
    return;
  }
  jsck__set_bound(k, (min ? 0 : 1) + (ex ? 2 : 0), v, key);
}

static void
jsck__exclusive(struct jsck *k, struct json_object *v, const char *key)
{
  bool min = strcmp(key, "exclusiveMinimum") == 0;
  enum js_draft draft = (enum js_draft)k->n->draft;

  if (json_object_is_type(v, json_type_boolean)) {
    /* draft-04's form, which jsck__bound reads. */
    if (draft != JS_DRAFT_4 && draft != JS_DRAFT_DEFAULT)
      jsck__wrong(k, key, "a number (a boolean only in draft-04)", v);
    return;
  }
  if (!jsck__is_number(v) || draft == JS_DRAFT_4) {
    jsck__wrong(k, key, draft == JS_DRAFT_4 ? "a boolean in draft-04"
                                            : "a number", v);
    return;
  }
  jsck__set_bound(k, min ? 2 : 3, v, key);
}

static void
jsck__multiple_of(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_numeric *num;

  if (!jsck__is_number(v) || jsv_number(v) <= 0) {
    jsck__wrong(k, key, "a number above 0", v);
    return;
  }
  num = jsck__num(k);
  if (!num)
    return;
  jsv_multiple_init(&num->multiple_of, v);
  k->n->has |= JSK_MULTIPLE_OF;
}

static void
jsck__length(struct jsck *k, struct json_object *v, const char *key)
{
  bool min = strcmp(key, "minLength") == 0;
  struct jsc_string *str;
  uint64_t count;

  if (!jsck__count(k, key, v, &count) || !(str = jsck__str(k)))
    return;
  *(min ? &str->min_length : &str->max_length) = count;
  k->n->has |= min ? JSK_MIN_LENGTH : JSK_MAX_LENGTH;
}

static void
jsck__pattern(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_string *str;
  struct jsc_regex *re;

  if (!json_object_is_type(v, json_type_string)) {
    jsck__wrong(k, key, "a string", v);
    return;
  }
  re = jsc_regex(k->c, k->w, key, NULL, json_object_get_string(v),
                 (size_t)json_object_get_string_len(v));
  if (!re || !(str = jsck__str(k)))
    return;
  str->pattern = re;
  k->n->has |= JSK_PATTERN;
}

static void
jsck__format(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_string *str;

  if (!json_object_is_type(v, json_type_string)) {
    jsck__wrong(k, key, "a string", v);
    return;
  }
  k->n->format = (uint8_t)jsf_lookup(json_object_get_string(v));
  if (k->n->format == JSF_NONE || !jsc_asserts_formats(k->c) ||
      !(str = jsck__str(k)))
    return;
  str->format_name = jsf_name((enum jsf_format)k->n->format);
  k->n->has |= JSK_FORMAT;
}

/* minItems, maxItems, minProperties, maxProperties. */
static void
jsck__size(struct jsck *k, struct json_object *v, const char *key)
{
  bool items = strstr(key, "Items") != NULL;
  bool min = key[1] == 'i';
  uint64_t count;

  if (!jsck__count(k, key, v, &count))
    return;
  if (items && jsck__arr(k)) {
    *(min ? &k->n->arr->min_items : &k->n->arr->max_items) = count;
    k->n->has |= min ? JSK_MIN_ITEMS : JSK_MAX_ITEMS;
  } else if (!items && jsck__obj(k)) {
    *(min ? &k->n->obj->min_props : &k->n->obj->max_props) = count;
    k->n->has |= min ? JSK_MIN_PROPS : JSK_MAX_PROPS;
  }
}

static void
jsck__unique(struct jsck *k, struct json_object *v, const char *key)
{
  if (!json_object_is_type(v, json_type_boolean)) {
    jsck__wrong(k, key, "a boolean", v);
    return;
  }
  if (json_object_get_boolean(v))
    k->n->has |= JSK_UNIQUE_ITEMS;
}

static bool
jsck__name(struct jsck *k, struct jsc_name *out, const char *s, size_t len)
{
  out->str = arena_strndup(jsc_arena(k->c), s, len);
  out->len = (uint32_t)len;
  out->hash = jsv_name_hash(out->str ? out->str : "");
  if (!out->str)
    jsc_fail(k->c, FACET_ENOMEM);
  return out->str != NULL;
}

/* An array of property names (required, a dependency) into *names. */
/* Whether names[n] repeats one of names[0..n). */
static bool
jsck__listed_before(const struct jsc_name *names, uint32_t n)
{
  for (uint32_t i = 0; i < n; i++)
    if (names[i].len == names[n].len &&
        memcmp(names[i].str, names[n].str, names[n].len) == 0)
      return true;
  return false;
}

static bool
jsck__names(struct jsck *k, const char *key, struct json_object *v,
            struct jsc_name **names, uint32_t *count)
{
  size_t len = json_object_array_length(v);

  *count = 0;
  *names = jsck__alloc(k, (len + 1) * sizeof **names);
  if (!*names)
    return false;
  for (size_t i = 0; i < len; i++) {
    struct json_object *s = json_object_array_get_idx(v, i);
    char at[64];

    if (!json_object_is_type(s, json_type_string)) {
      snprintf(at, sizeof at, "%s/%zu", key, i);
      jsck__wrong(k, at, "a property name", s);
      continue;
    }
    if (!jsck__name(k, &(*names)[*count], json_object_get_string(s),
                    (size_t)json_object_get_string_len(s)))
      return false;
    /* The meta-schemas ask for unique names; a repeat is a slip. */
    if (jsck__listed_before(*names, *count)) {
      const char *name = strrchr(key, '/');

      snprintf(at, sizeof at, "%s/%zu", key, i);
      jsc_problem(k->c, k->w, at, NULL, "%s lists '%s' twice",
                  name ? name + 1 : key, json_object_get_string(s));
      continue;
    }
    (*count)++;
  }
  return true;
}

static void
jsck__required(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_object *obj;

  if (!json_object_is_type(v, json_type_array)) {
    jsck__wrong(k, key, "an array of property names", v);
    return;
  }
  obj = jsck__obj(k);
  if (obj && jsck__names(k, key, v, &obj->required, &obj->nrequired) &&
      obj->nrequired)
    k->n->has |= JSK_REQUIRED;
}

static void
jsck__props_put(struct jsc_props *t, const struct jsc_prop *p)
{
  uint32_t i = p->name.hash & t->mask;

  for (; t->slots[i].name.str; i = (i + 1) & t->mask) {
    if (t->slots[i].name.len == p->name.len &&
        memcmp(t->slots[i].name.str, p->name.str, p->name.len) == 0) {
      t->slots[i] = *p;
      return;
    }
  }
  t->slots[i] = *p;
  t->count++;
}

/* The slots in the order the schema lists them: instances mostly list
 * their members in that order too, which validation tries first. */
static void
jsck__props_order(struct jsck *k, struct jsc_props *t, struct json_object *v)
{
  struct lh_entry *e = lh_table_head(json_object_get_object(v));
  uint32_t n = 0;

  t->order = jsck__alloc(k, (t->count + 1) * sizeof *t->order);
  for (; t->order && e && n < t->count; e = lh_entry_next(e)) {
    struct jsc_prop *p = (struct jsc_prop *)jsc_props_find(t, lh_entry_k(e));

    if (!p)
      continue;
    p->index = n;
    t->order[n++] = p;
  }
  t->count = n;
}

static void
jsck__properties(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_object *obj;
  struct lh_entry *e;
  uint32_t slots = 8;

  if (!json_object_is_type(v, json_type_object)) {
    jsck__wrong(k, key, "an object", v);
    return;
  }
  while (slots < 2u * (uint32_t)json_object_object_length(v))
    slots *= 2;
  obj = jsck__obj(k);
  if (!obj || !(obj->props.slots = jsck__alloc(k, slots *
                                               sizeof *obj->props.slots)))
    return;
  obj->props.mask = slots - 1;
  for (e = lh_table_head(json_object_get_object(v)); e; e = lh_entry_next(e)) {
    struct jsc_prop p = { 0 };
    const char *name = lh_entry_k(e);

    if (!jsck__name(k, &p.name, name, strlen(name)))
      return;
    p.node = jsc_subschema(k->c, k->w, key, name, lh_entry_v(e));
    if (p.node)
      jsck__props_put(&obj->props, &p);
  }
  jsck__props_order(k, &obj->props, v);
  k->n->has |= JSK_PROPERTIES;
}

static void
jsck__pattern_properties(struct jsck *k, struct json_object *v,
                         const char *key)
{
  struct jsc_object *obj = NULL;
  struct lh_entry *e;
  size_t len = json_object_is_type(v, json_type_object)
                 ? (size_t)json_object_object_length(v) : 0;

  if (!json_object_is_type(v, json_type_object)) {
    jsck__wrong(k, key, "an object", v);
    return;
  }
  obj = jsck__obj(k);
  if (!obj ||
      !(obj->patterns = jsck__alloc(k, (len + 1) * sizeof *obj->patterns)))
    return;
  for (e = lh_table_head(json_object_get_object(v)); e; e = lh_entry_next(e)) {
    const char *name = lh_entry_k(e);
    struct jsc_pattern_prop *p = &obj->patterns[obj->npatterns];

    p->node = jsc_subschema(k->c, k->w, key, name, lh_entry_v(e));
    p->re = jsc_regex(k->c, k->w, key, name, name, strlen(name));
    if (p->node && p->re)
      obj->npatterns++;
  }
  if (obj->npatterns)
    k->n->has |= JSK_PATTERN_PROPS;
}

/* A keyword whose value is one schema, into the field it names. */
static void
jsck__single(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_node *sub = jsc_subschema(k->c, k->w, key, NULL, v);
  struct jsc_node *n = k->n;

  if (!sub)
    return;
  if (strcmp(key, "additionalProperties") == 0 && jsck__obj(k)) {
    n->obj->additional = sub;
    n->has |= JSK_ADDITIONAL;
  } else if (strcmp(key, "propertyNames") == 0 && jsck__obj(k)) {
    n->obj->names = sub;
    n->has |= JSK_PROPERTY_NAMES;
  } else if (strcmp(key, "unevaluatedProperties") == 0 && jsck__obj(k)) {
    n->obj->unevaluated = sub;
    n->has |= JSK_UNEVAL_PROPS;
  } else if (strcmp(key, "unevaluatedItems") == 0 && jsck__arr(k)) {
    n->arr->unevaluated = sub;
    n->has |= JSK_UNEVAL_ITEMS;
  } else if (strcmp(key, "not") == 0 && jsck__app(k)) {
    n->app->not = sub;
    n->has |= JSK_NOT;
  }
}

/* An array of schemas at key into *list. */
static bool
jsck__schemas(struct jsck *k, struct json_object *v, const char *key,
              struct jsc_node ***list, uint32_t *count)
{
  size_t len = json_object_array_length(v);

  *list = jsck__alloc(k, (len + 1) * sizeof **list);
  if (!*list)
    return false;
  for (size_t i = 0; i < len; i++)
    if (!((*list)[i] = jsc_subschema_at(k->c, k->w, key, i,
                                        json_object_array_get_idx(v, i))))
      return false;
  *count = (uint32_t)len;
  return true;
}

/* allOf, anyOf, oneOf: a non-empty array of schemas. */
static void
jsck__list(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_applicators *app = jsck__app(k);

  if (!json_object_is_type(v, json_type_array)) {
    jsck__wrong(k, key, "a non-empty array of schemas", v);
    return;
  }
  if (json_object_array_length(v) == 0) {
    jsc_problem(k->c, k->w, key, NULL, "%s must hold at least one schema, "
                "not an empty array", key);
    return;
  }
  if (!app)
    return;
  if (strcmp(key, "allOf") == 0 &&
      jsck__schemas(k, v, key, &app->all_of, &app->nall_of))
    k->n->has |= JSK_ALL_OF;
  else if (strcmp(key, "anyOf") == 0 &&
           jsck__schemas(k, v, key, &app->any_of, &app->nany_of))
    k->n->has |= JSK_ANY_OF;
  else if (strcmp(key, "oneOf") == 0 &&
           jsck__schemas(k, v, key, &app->one_of, &app->none_of))
    k->n->has |= JSK_ONE_OF;
}

static void
jsck__ref(struct jsck *k, struct json_object *v, const char *key)
{
  struct jsc_node *target;

  if (!json_object_is_type(v, json_type_string)) {
    jsck__wrong(k, key, "a URI reference", v);
    return;
  }
  if (!jsck__app(k))
    return;
  k->n->app->ref_text = json_object_get_string(v);
  target = jsc_ref(k->c, k->w, key, json_object_get_string(v), NULL);
  if (!target)
    return;
  k->n->app->ref = target;
  k->n->has |= JSK_REF;
}

/* $recursiveRef (2019-09) and $dynamicRef (2020-12). */
static void
jsck__dynamic_ref(struct jsck *k, struct json_object *v, const char *key)
{
  bool recursive = strcmp(key, "$recursiveRef") == 0;
  const char *name = NULL;
  struct jsc_node *target;

  if (!json_object_is_type(v, json_type_string)) {
    jsck__wrong(k, key, "a URI reference", v);
    return;
  }
  if (!jsck__app(k))
    return;
  target = jsc_ref(k->c, k->w, key, json_object_get_string(v),
                   recursive ? NULL : &name);
  if (!target)
    return;
  k->n->app->dynamic_ref = target;
  k->n->app->dynamic_kind = recursive ? JSC_RECURSIVE_REF : JSC_DYNAMIC_REF;
  k->n->app->dynamic_name = name;
  k->n->app->ref_text = json_object_get_string(v);
  k->n->has |= JSK_DYNAMIC_REF;
  if (recursive || name)
    jsc_use_dynamic_scope(k->c);
}

/* definitions and $defs: compiled for their problems and their refs. */
static void
jsck__defs(struct jsck *k, struct json_object *v, const char *key)
{
  struct lh_entry *e;

  if (!json_object_is_type(v, json_type_object)) {
    jsck__wrong(k, key, "an object of schemas", v);
    return;
  }
  for (e = lh_table_head(json_object_get_object(v)); e; e = lh_entry_next(e))
    jsc_subschema(k->c, k->w, key, lh_entry_k(e), lh_entry_v(e));
}

static bool
jsck__dependency(struct jsck *k, const char *key, const char *name,
                 struct json_object *v, bool schemas)
{
  struct jsc_object *obj = k->n->obj;
  struct jsc_prop *p = schemas ? &obj->dep_schemas[obj->ndep_schemas]
                               : &obj->dep_required[obj->ndep_required];
  char at[128];

  if (!jsck__name(k, &p->name, name, strlen(name)))
    return false;
  p->keyword = key;
  if (schemas) {
    p->node = jsc_subschema(k->c, k->w, key, name, v);
    obj->ndep_schemas += p->node != NULL;
    return p->node != NULL;
  }
  /* A name that needs escaping puts its problems at the keyword. */
  snprintf(at, sizeof at, "%s/%s", key, name);
  if (!jsck__names(k, strpbrk(name, "/~") || strlen(name) > 64 ? key : at,
                   v, &p->names, &p->nnames))
    return false;
  obj->ndep_required++;
  return true;
}

/* Makes room for len more entries in *list (count used). */
static bool
jsck__grow(struct jsck *k, struct jsc_prop **list, uint32_t count,
           size_t len)
{
  struct jsc_prop *n = jsck__alloc(k, (count + len) * sizeof *n);

  if (!n)
    return false;
  if (count)
    memcpy(n, *list, count * sizeof *n);
  *list = n;
  return true;
}

/* dependencies (both forms), dependentRequired, dependentSchemas; the
 * default draft may have more than one of them. */
static void
jsck__dependencies(struct jsck *k, struct json_object *v, const char *key)
{
  bool lists = strcmp(key, "dependentSchemas") != 0;
  bool schemas = strcmp(key, "dependentRequired") != 0;
  size_t len = json_object_is_type(v, json_type_object)
                 ? (size_t)json_object_object_length(v) + 1 : 0;
  struct jsc_object *obj = jsck__obj(k);
  struct lh_entry *e;

  if (!len) {
    jsck__wrong(k, key, "an object", v);
    return;
  }
  if (!obj || !jsck__grow(k, &obj->dep_required, obj->ndep_required, len) ||
      !jsck__grow(k, &obj->dep_schemas, obj->ndep_schemas, len))
    return;
  for (e = lh_table_head(json_object_get_object(v)); e; e = lh_entry_next(e)) {
    struct json_object *d = lh_entry_v(e);
    bool list = json_object_is_type(d, json_type_array);

    if (list ? !lists : !schemas)
      jsc_problem(k->c, k->w, key, lh_entry_k(e), "%s must map names to "
                  "%s", key, lists ? "arrays of property names" : "schemas");
    else if (!jsck__dependency(k, key, lh_entry_k(e), d, !list))
      return;
  }
  k->n->has |= obj->ndep_required ? JSK_DEP_REQUIRED : 0;
  k->n->has |= obj->ndep_schemas ? JSK_DEP_SCHEMAS : 0;
}

/* $anchor and $dynamicAnchor: a plain name, as the meta-schemas' pattern
 * says (2019-09 also allows ':' and no leading '_'). */
static void
jsck__anchor(struct jsck *k, struct json_object *v, const char *key)
{
  bool old = k->n->draft == JS_DRAFT_2019_09;
  const char *s = json_object_get_string(v);
  bool ok;

  if (!json_object_is_type(v, json_type_string)) {
    jsck__wrong(k, key, "a string", v);
    return;
  }
  ok = isalpha((unsigned char)s[0]) || (!old && s[0] == '_');
  for (size_t i = 1; ok && s[i]; i++)
    ok = isalnum((unsigned char)s[i]) || strchr(old ? "-._:" : "-._", s[i]);
  if (!ok)
    jsc_problem(k->c, k->w, key, NULL, "%s '%s' is not a valid name: a "
                "letter%s first, then letters, digits, '-', '_' and '.'%s", key, s, old ? "" : " or '_'", old ? " or ':'" : "");
}

/* Annotations the meta-schemas type: a title or description that is not
 * text is no annotation any tool shows. */
static void
jsck__text(struct jsck *k, struct json_object *v, const char *key)
{
  if (!json_object_is_type(v, json_type_string))
    jsck__wrong(k, key, "a string", v);
}

/* Keywords read together with others (items, contains, if) are handled
 * after the loop over the schema's members. */
static const struct jsck_keyword jsck__table[] = {
  { "type", ALL, jsck__type },
  { "enum", ALL, jsck__enum },
  { "const", SINCE6, jsck__const },
  { "multipleOf", ALL, jsck__multiple_of },
  { "minimum", ALL, jsck__bound },
  { "maximum", ALL, jsck__bound },
  { "exclusiveMinimum", ALL, jsck__exclusive },
  { "exclusiveMaximum", ALL, jsck__exclusive },
  { "minLength", ALL, jsck__length },
  { "maxLength", ALL, jsck__length },
  { "pattern", ALL, jsck__pattern },
  { "format", ALL, jsck__format },
  { "minItems", ALL, jsck__size },
  { "maxItems", ALL, jsck__size },
  { "uniqueItems", ALL, jsck__unique },
  { "minProperties", ALL, jsck__size },
  { "maxProperties", ALL, jsck__size },
  { "required", ALL, jsck__required },
  { "properties", ALL, jsck__properties },
  { "patternProperties", ALL, jsck__pattern_properties },
  { "additionalProperties", ALL, jsck__single },
  { "propertyNames", SINCE6, jsck__single },
  { "dependencies", DC | D4 | D6 | D7, jsck__dependencies },
  { "dependentRequired", SINCE19, jsck__dependencies },
  { "dependentSchemas", SINCE19, jsck__dependencies },
  { "unevaluatedProperties", SINCE19, jsck__single },
  { "unevaluatedItems", SINCE19, jsck__single },
  { "allOf", ALL, jsck__list },
  { "anyOf", ALL, jsck__list },
  { "oneOf", ALL, jsck__list },
  { "not", ALL, jsck__single },
  { "$ref", ALL, jsck__ref },
  { "$recursiveRef", D19, jsck__dynamic_ref },
  { "$dynamicRef", DC | D20, jsck__dynamic_ref },
  { "definitions", ALL, jsck__defs },
  { "$defs", SINCE19, jsck__defs },
  { "$anchor", SINCE19, jsck__anchor },
  { "$dynamicAnchor", DC | D20, jsck__anchor },
  { "title", ALL, jsck__text },
  { "description", ALL, jsck__text },
};

static const struct jsck_keyword *
jsck__lookup(const char *name, enum js_draft draft)
{
  for (size_t i = 0; i < sizeof jsck__table / sizeof *jsck__table; i++)
    if (strcmp(jsck__table[i].name, name) == 0)
      return (jsck__table[i].drafts & D(draft)) ? &jsck__table[i] : NULL;
  return NULL;
}

/* The member key of the schema, if the draft has it as a keyword. */
static struct json_object *
jsck__member(struct jsck *k, const char *key, unsigned drafts, bool *has)
{
  struct json_object *v = NULL;

  *has = (drafts & D(k->n->draft)) &&
         json_object_object_get_ex(k->schema, key, &v);
  return v;
}

/* items as an array (before 2020-12) with additionalItems. */
static void
jsck__tuple(struct jsck *k, struct json_object *items)
{
  struct jsc_array *arr = jsck__arr(k);
  struct json_object *more;
  bool has_more;

  if (!arr || !jsck__schemas(k, items, "items", &arr->prefix, &arr->nprefix))
    return;
  more = jsck__member(k, "additionalItems", ALL & ~D20, &has_more);
  if (has_more) {
    arr->rest = jsc_subschema(k->c, k->w, "additionalItems", NULL, more);
    arr->rest_keyword = "additionalItems";
  }
  k->n->has |= JSK_ITEMS;
}

/* items, prefixItems and additionalItems, which read each other. */
static void
jsck__items(struct jsck *k)
{
  struct json_object *items, *prefix;
  bool has_items, has_prefix;
  struct jsc_array *arr;

  items = jsck__member(k, "items", ALL, &has_items);
  prefix = jsck__member(k, "prefixItems", DC | D20, &has_prefix);
  if (has_prefix && !json_object_is_type(prefix, json_type_array))
    jsck__wrong(k, "prefixItems", "an array of schemas", prefix);
  else if (has_prefix && (arr = jsck__arr(k)) &&
           jsck__schemas(k, prefix, "prefixItems", &arr->prefix,
                         &arr->nprefix))
    k->n->has |= JSK_ITEMS;
  if (!has_items)
    return;
  if (json_object_is_type(items, json_type_array)) {
    if (k->n->draft == JS_DRAFT_2020_12 || has_prefix)
      jsc_problem(k->c, k->w, "items", NULL, "in 2020-12, items takes one "
                  "schema; a list of schemas is prefixItems");
    else
      jsck__tuple(k, items);
    return;
  }
  if (!(arr = jsck__arr(k)))
    return;
  arr->rest = jsc_subschema(k->c, k->w, "items", NULL, items);
  arr->rest_keyword = "items";
  k->n->has |= arr->rest ? JSK_ITEMS : 0;
}

/* contains with minContains and maxContains. */
static void
jsck__contains(struct jsck *k)
{
  struct json_object *v;
  struct jsc_array *arr;
  bool has;

  v = jsck__member(k, "contains", SINCE6, &has);
  if (!has || !(arr = jsck__arr(k)))
    return;
  arr->contains = jsc_subschema(k->c, k->w, "contains", NULL, v);
  arr->min_contains = 1;
  arr->max_contains = UINT64_MAX;
  arr->contains_annotates = k->n->draft == JS_DRAFT_2020_12 ||
                            k->n->draft == JS_DRAFT_DEFAULT;
  v = jsck__member(k, "minContains", SINCE19, &has);
  if (has)
    jsck__count(k, "minContains", v, &arr->min_contains);
  v = jsck__member(k, "maxContains", SINCE19, &has);
  if (has)
    jsck__count(k, "maxContains", v, &arr->max_contains);
  k->n->has |= arr->contains ? JSK_CONTAINS : 0;
}

/* if, then and else. */
static void
jsck__conditional(struct jsck *k)
{
  struct json_object *v;
  struct jsc_applicators *app;
  bool has;

  v = jsck__member(k, "if", SINCE7, &has);
  if (!has || !(app = jsck__app(k)))
    return;
  app->if_ = jsc_subschema(k->c, k->w, "if", NULL, v);
  v = jsck__member(k, "then", SINCE7, &has);
  if (has)
    app->then_ = jsc_subschema(k->c, k->w, "then", NULL, v);
  v = jsck__member(k, "else", SINCE7, &has);
  if (has)
    app->else_ = jsc_subschema(k->c, k->w, "else", NULL, v);
  /* An if alone asserts nothing, but when it passes, what it evaluated
   * counts for unevaluatedProperties and unevaluatedItems. */
  if (app->if_)
    k->n->has |= JSK_IF;
}

/* Gives each required name that properties also names a bit, which the
 * walk over the members sets: required then costs no lookups. */
static void
jsck__required_bits(struct jsck *k)
{
  struct jsc_object *obj = k->n->obj;

  if (!obj)
    return;
  for (uint32_t i = 0; i < obj->nrequired; i++) {
    struct jsc_name *name = &obj->required[i];
    struct jsc_prop *p = NULL;

    if (obj->props.slots && i < 64)
      p = (struct jsc_prop *)jsc_props_find(&obj->props, name->str);
    if (!p) {
      obj->required_lookups = true;
      continue;
    }
    name->bit = UINT64_C(1) << i;
    p->required_bits |= name->bit;
    obj->required_bits |= name->bit;
  }
}

void
jsc_keywords_compile(struct jsc *c, struct jsc_node *node,
                     const struct jsc_where *w, struct json_object *schema)
{
  struct jsck k = { c, node, w, schema };
  enum js_draft draft = (enum js_draft)node->draft;
  struct json_object *ref;
  struct lh_entry *e;

  /* Before 2019-09, $ref stands alone: its siblings are not read. */
  if (draft >= JS_DRAFT_4 && draft <= JS_DRAFT_7 &&
      json_object_object_get_ex(schema, "$ref", &ref)) {
    jsck__ref(&k, ref, "$ref");
    return;
  }
  e = lh_table_head(json_object_get_object(schema));
  for (; e; e = lh_entry_next(e)) {
    const struct jsck_keyword *kw = jsck__lookup(lh_entry_k(e), draft);

    if (kw)
      kw->compile(&k, lh_entry_v(e), kw->name);
  }
  jsck__items(&k);
  jsck__contains(&k);
  jsck__conditional(&k);
  jsck__required_bits(&k);
}
