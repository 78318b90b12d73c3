/*
 * The compiled form of a JSON Schema, shared by the files of the
 * validator (jsonschema*.c) and by nothing else.
 *
 * A schema object compiles to one struct jsc_node: a word of keyword
 * presence bits, the allowed types as a mask, and the keywords' decoded
 * values grouped by the instance type they apply to, so that validating a
 * string never looks at array keywords. Subschemas are pointers to other
 * nodes (a $ref is a pointer to its target), all in the schema's arena.
 */
#ifndef FACET_JSONSCHEMA_INTERNAL_H
#define FACET_JSONSCHEMA_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8

#include <json-c/json.h>
#include <math.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "jsonschema.h"

struct buf;

/* Types, as `type` lists them and as an instance has them. */
enum jst {
  JST_NULL = 1 << 0,
  JST_BOOLEAN = 1 << 1,
  JST_OBJECT = 1 << 2,
  JST_ARRAY = 1 << 3,
  JST_NUMBER = 1 << 4,
  JST_STRING = 1 << 5,
  JST_INTEGER = 1 << 6,
};

/* Keyword presence bits of a node. */
#define JSK_TYPE            (UINT64_C(1) << 0)
#define JSK_ENUM            (UINT64_C(1) << 1)
#define JSK_CONST           (UINT64_C(1) << 2)
#define JSK_MINIMUM         (UINT64_C(1) << 3)
#define JSK_MAXIMUM         (UINT64_C(1) << 4)
#define JSK_EXMINIMUM       (UINT64_C(1) << 5)
#define JSK_EXMAXIMUM       (UINT64_C(1) << 6)
#define JSK_MULTIPLE_OF     (UINT64_C(1) << 7)
#define JSK_MIN_LENGTH      (UINT64_C(1) << 8)
#define JSK_MAX_LENGTH      (UINT64_C(1) << 9)
#define JSK_PATTERN         (UINT64_C(1) << 10)
#define JSK_FORMAT          (UINT64_C(1) << 11)
#define JSK_MIN_ITEMS       (UINT64_C(1) << 12)
#define JSK_MAX_ITEMS       (UINT64_C(1) << 13)
#define JSK_UNIQUE_ITEMS    (UINT64_C(1) << 14)
#define JSK_ITEMS           (UINT64_C(1) << 15)  /* prefix and/or rest */
#define JSK_CONTAINS        (UINT64_C(1) << 16)
#define JSK_UNEVAL_ITEMS    (UINT64_C(1) << 17)
#define JSK_MIN_PROPS       (UINT64_C(1) << 18)
#define JSK_MAX_PROPS       (UINT64_C(1) << 19)
#define JSK_REQUIRED        (UINT64_C(1) << 20)
#define JSK_PROPERTIES      (UINT64_C(1) << 21)
#define JSK_PATTERN_PROPS   (UINT64_C(1) << 22)
#define JSK_ADDITIONAL      (UINT64_C(1) << 23)
#define JSK_PROPERTY_NAMES  (UINT64_C(1) << 24)
#define JSK_DEP_REQUIRED    (UINT64_C(1) << 25)
#define JSK_DEP_SCHEMAS     (UINT64_C(1) << 26)
#define JSK_UNEVAL_PROPS    (UINT64_C(1) << 27)
#define JSK_ALL_OF          (UINT64_C(1) << 28)
#define JSK_ANY_OF          (UINT64_C(1) << 29)
#define JSK_ONE_OF          (UINT64_C(1) << 30)
#define JSK_NOT             (UINT64_C(1) << 31)
#define JSK_IF              (UINT64_C(1) << 32)
#define JSK_REF             (UINT64_C(1) << 33)
#define JSK_DYNAMIC_REF     (UINT64_C(1) << 34)

/* Groups, so that validation skips whole families at once. */
#define JSK_NUMBER_KW (JSK_MINIMUM | JSK_MAXIMUM | JSK_EXMINIMUM |         \
                       JSK_EXMAXIMUM | JSK_MULTIPLE_OF)
#define JSK_STRING_KW (JSK_MIN_LENGTH | JSK_MAX_LENGTH | JSK_PATTERN |     \
                       JSK_FORMAT)
#define JSK_ARRAY_KW (JSK_MIN_ITEMS | JSK_MAX_ITEMS | JSK_UNIQUE_ITEMS |   \
                      JSK_ITEMS | JSK_CONTAINS | JSK_UNEVAL_ITEMS)
#define JSK_OBJECT_KW (JSK_MIN_PROPS | JSK_MAX_PROPS | JSK_REQUIRED |      \
                       JSK_PROPERTIES | JSK_PATTERN_PROPS |                \
                       JSK_ADDITIONAL | JSK_PROPERTY_NAMES |               \
                       JSK_DEP_REQUIRED | JSK_DEP_SCHEMAS |                \
                       JSK_UNEVAL_PROPS)
/* Keywords that only look at the instance itself, never below it. */
#define JSK_SCALAR (JSK_TYPE | JSK_ENUM | JSK_CONST | JSK_NUMBER_KW |       \
                    JSK_STRING_KW)
#define JSK_IN_PLACE (JSK_ALL_OF | JSK_ANY_OF | JSK_ONE_OF | JSK_NOT |     \
                      JSK_IF | JSK_REF | JSK_DYNAMIC_REF)

/* The formats format_assert checks; others are annotations only. */
enum jsf_format {
  JSF_NONE,
  JSF_DATE,
  JSF_DATE_TIME,
  JSF_TIME,
  JSF_EMAIL,
  JSF_HOSTNAME,
  JSF_URI,
  JSF_URI_REFERENCE,
  JSF_UUID,
  JSF_IPV4,
  JSF_IPV6,
  JSF_JSON_POINTER,
  JSF_RELATIVE_JSON_POINTER,
  JSF_REGEX,
  JSF_DURATION,
  JSF_URI_TEMPLATE,
};

/* A document the schema was read from: the root, a loaded one or a
 * built-in meta-schema. */
struct jsc_doc {
  struct jsc_doc *next;
  const char *uri;             /* absolute, without fragment */
  bool root;                   /* the schema compiled (paths omit uri) */
  struct json_object *json;    /* owned reference */
};

struct jsc_node;

/* A $dynamicAnchor of a resource. */
struct jsc_anchor {
  struct jsc_anchor *next;
  const char *name;
  struct json_object *json;    /* borrowed from the document */
  struct jsc_node *node;       /* compiled once the compilation ends */
};

/* A schema resource: the subtree an $id (or a document) names. The
 * dynamic scope of 2019-09 and 2020-12 is a stack of these. */
struct jsc_resource {
  struct jsc_resource *next;
  const char *uri;
  struct json_object *json;    /* borrowed: the resource's root schema */
  bool recursive_anchor;       /* 2019-09 "$recursiveAnchor": true */
  struct jsc_anchor *dynamic;  /* its $dynamicAnchors */
  struct jsc_node *node;       /* its root, compiled */
};

struct jsre_simple;

/* A simple pattern on ASCII text (jsonschema_simple.c makes it): state by
 * state, the state each byte leads to, and whether the text read so far
 * matches. */
struct jsre_dfa {
  uint8_t (*next)[256];
  bool *accept;
  uint8_t first;               /* the state before any text */
};

/* The DFA's states no text leads out of: no match whatever follows, a
 * byte from 0x80 (not ASCII: the DFA cannot tell), a match whatever
 * follows (a pattern without $). */
#define JSRE_DFA_DEAD 0
#define JSRE_DFA_NOT_ASCII 1
#define JSRE_DFA_MATCHED 2

/* 1 when dfa's pattern matches s (len bytes), 0 when not, -1 when s is
 * not ASCII. Inline: a pattern's usual cost is this loop. The sinks keep
 * what they found, so the loop tests nothing but its end. */
static inline int
jsre_dfa_match(const struct jsre_dfa *dfa, const char *s, size_t len)
{
  const unsigned char *u = (const unsigned char *)s;
  unsigned st = dfa->first;

  for (size_t i = 0; i < len; i++)
    st = dfa->next[st][u[i]];
  return st == JSRE_DFA_NOT_ASCII ? -1 : dfa->accept[st];
}

/* A compiled ECMA-262 pattern. */
struct jsc_regex {
  pcre2_code *code;            /* owned by the schema's list */
  const char *source;          /* as the schema wrote it */
  bool jit;                    /* compiled to machine code by PCRE2 */
  const struct jsre_simple *simple;  /* matched without PCRE2, or NULL */
  const struct jsre_dfa *dfa;  /* simple's DFA, or NULL */
};

/* A property name with its hash, for lookups during validation. */
struct jsc_name {
  const char *str;
  uint32_t len;
  uint32_t hash;
  uint64_t bit;                 /* required: its bit when properties names
                                   it too (see jsc_prop), else 0 */
};

struct jsc_prop {
  struct jsc_name name;
  uint32_t index;               /* properties: its place in order */
  uint64_t required_bits;       /* the bits of required naming it */
  const char *keyword;          /* dependencies, dependentRequired, ... */
  struct jsc_node *node;        /* properties, dependentSchemas */
  struct jsc_name *names;       /* dependentRequired */
  uint32_t nnames;
};

/* properties, as an open-addressed table (mask + 1 slots). */
struct jsc_props {
  struct jsc_prop *slots;
  uint32_t mask;
  uint32_t count;
  struct jsc_prop **order;      /* the slots in the schema's order */
};

struct jsc_pattern_prop {
  struct jsc_regex *re;
  struct jsc_node *node;
};

/* A value of enum or const, with the hash equal values share; a string
 * also keeps its text, compared without hashing. */
struct jsc_value {
  struct json_object *json;    /* borrowed from the document */
  uint64_t hash;
  const char *str;             /* borrowed: a string's text, else NULL */
  size_t len;
};

/* multipleOf, as a double and as an exact decimal when it has one. */
struct jsc_multiple {
  double value;
  struct json_object *json;    /* borrowed, for messages */
  unsigned __int128 mantissa;  /* value = mantissa * 10^exponent, */
  int exponent;                /* when exact (at most 38 digits) */
  bool exact;
  int64_t integer;             /* the value, when an integer json-c holds
                                  as int64_t; else 0 */
};

struct jsc_numeric {
  long double minimum;          /* exact for doubles and 64-bit integers */
  long double maximum;
  long double exminimum;
  long double exmaximum;
  struct json_object *json[4];  /* borrowed, for messages: same order */
  const char *keyword[4];       /* the keyword each came from */
  double bound[4];              /* the same as doubles, for the quick walk */
  uint8_t inexact;              /* bit i: bound[i] is not exact */
  struct jsc_multiple multiple_of;
};

struct jsc_string {
  uint64_t min_length;
  uint64_t max_length;
  struct jsc_regex *pattern;
  const char *format_name;
};

struct jsc_array {
  uint64_t min_items;
  uint64_t max_items;
  struct jsc_node **prefix;     /* items as an array, or prefixItems */
  uint32_t nprefix;
  struct jsc_node *rest;        /* the items past the prefix */
  const char *rest_keyword;     /* "items" or "additionalItems" */
  struct jsc_node *contains;
  uint64_t min_contains;        /* 1 unless minContains says otherwise */
  uint64_t max_contains;        /* UINT64_MAX: none */
  bool contains_annotates;      /* 2020-12: contains counts as evaluated */
  struct jsc_node *unevaluated;
};

struct jsc_object {
  uint64_t min_props;
  uint64_t max_props;
  struct jsc_name *required;
  uint32_t nrequired;
  uint64_t required_bits;       /* the bits of required's names */
  bool required_lookups;        /* some of them have no bit */
  struct jsc_props props;
  struct jsc_pattern_prop *patterns;
  uint32_t npatterns;
  struct jsc_node *additional;
  struct jsc_node *names;       /* propertyNames */
  struct jsc_prop *dep_required;
  uint32_t ndep_required;
  struct jsc_prop *dep_schemas;
  uint32_t ndep_schemas;
  struct jsc_node *unevaluated;
};

enum jsc_dynamic {
  JSC_RECURSIVE_REF = 1,        /* 2019-09 $recursiveRef */
  JSC_DYNAMIC_REF,              /* 2020-12 $dynamicRef */
};

struct jsc_applicators {
  struct jsc_node **all_of;
  struct jsc_node **any_of;
  struct jsc_node **one_of;
  uint32_t nall_of;
  uint32_t nany_of;
  uint32_t none_of;
  struct jsc_node *not;
  struct jsc_node *if_;
  struct jsc_node *then_;       /* may be NULL with if_ set */
  struct jsc_node *else_;
  struct jsc_node *ref;
  struct jsc_node *dynamic_ref;   /* the static target */
  const char *dynamic_name;       /* the anchor it looks for, or NULL */
  uint8_t dynamic_kind;           /* enum jsc_dynamic */
  const char *ref_text;           /* as written, for messages */
};

enum jsc_boolean {
  JSC_OBJECT = 0,               /* a schema object */
  JSC_TRUE,
  JSC_FALSE,
};

/* How the quick walk takes a node (jsq_prepare decides). */
enum jsq_kind {
  JSQ_KIND_NODE = 0,            /* any keywords: the whole walk */
  JSQ_KIND_TRUE,                /* true, or no keyword that asserts */
  JSQ_KIND_FALSE,
  JSQ_KIND_TYPE,                /* only type */
  JSQ_KIND_SCALAR,              /* only JSK_SCALAR keywords */
  JSQ_KIND_LEFT_OUT,            /* left to the walk that says why */
};

struct jsc_node {
  uint64_t has;                 /* JSK_* */
  uint8_t types;                /* JST_* that `type` allows */
  uint8_t boolean;              /* enum jsc_boolean */
  uint8_t draft;                /* enum js_draft of its resource */
  uint8_t format;               /* enum jsf_format */
  uint8_t quick;                /* enum jsq_kind */
  const struct jsc_node *hop;   /* what a member or item validated against
                                   this node meets: past a chain of nodes
                                   that are only a $ref, else itself */
  struct jsc_node *next;        /* the schema's nodes, newest first */
  const struct jsc_doc *doc;
  const char *pointer;          /* its place in doc, as a JSON pointer */
  struct jsc_resource *resource;
  struct jsc_value *enums;
  uint32_t nenums;
  bool enum_strings;            /* every value of enum is a string */
  uint32_t *enum_slots;         /* then the values by jsv_text_hash: an
                                   open-addressed table (enum_mask + 1
                                   slots) of indices + 1, 0 when empty */
  uint32_t enum_mask;
  struct jsc_value constant;
  struct jsc_numeric *num;
  struct jsc_string *str;
  struct jsc_array *arr;
  struct jsc_object *obj;
  struct jsc_applicators *app;
};

/* A list of the compiled patterns, to free them with the schema. */
struct jsc_regexes {
  pcre2_code **codes;
  size_t count;
  size_t cap;
};

struct js_schema {
  struct arena arena;           /* nodes, strings, tables */
  struct jsc_node *root;
  struct jsc_node *nodes;       /* all of them, through next */
  enum js_draft draft;
  bool format_assert;
  bool dynamic;                 /* uses the dynamic scope */
  size_t max_errors;
  struct jsc_doc *docs;
  struct js_problem *problems;  /* owned, strings in arena */
  size_t nproblems;
  size_t problems_cap;
  struct jsc_regexes regexes;
};

/* Where a schema object is: what its $ref and $id resolve against. */
struct jsc_where {
  const char *base;              /* absolute, without fragment */
  struct jsc_doc *doc;
  const char *pointer;           /* JSON pointer within doc */
  struct jsc_resource *resource;
  enum js_draft draft;
};

/* What a validation keeps from one instance to the next (a result owns
 * one; js_valid makes its own). */
struct jsv_scratch {
  pcre2_match_data *match;
  pcre2_match_context *context;
  struct json_object *name;      /* a property name, as a string value */
};

/* Frees what sc holds (not sc itself); sc may be NULL. */
void jsv_scratch_release(struct jsv_scratch *sc);

/* jsonschema_keywords.c: a schema object's keywords into node. */
struct jsc;
void jsc_keywords_compile(struct jsc *c, struct jsc_node *node,
                          const struct jsc_where *w,
                          struct json_object *schema);

/* jsonschema.c: what keyword compilers use. */
struct jsc_node *jsc_subschema(struct jsc *c, const struct jsc_where *w,
                               const char *key, const char *member,
                               struct json_object *json);
struct jsc_node *jsc_subschema_at(struct jsc *c, const struct jsc_where *w,
                                  const char *key, size_t index,
                                  struct json_object *json);
/* A problem at w's pointer + "/" + key (a keyword, or a keyword and an
 * index, taken as is) + "/" + member (escaped); key and member may be
 * NULL. */
void jsc_problem(struct jsc *c, const struct jsc_where *w, const char *key,
                 const char *member, const char *fmt, ...)
  __attribute__((format(printf, 5, 6)));
/* Adds what callers may act on to the problem jsc_problem made last:
 * either string may be NULL; both are copied. */
void jsc_problem_note(struct jsc *c, const char *suggestion,
                      const char *document);
struct arena *jsc_arena(struct jsc *c);
void jsc_fail(struct jsc *c, int err);
struct jsc_node *jsc_ref(struct jsc *c, const struct jsc_where *w,
                         const char *key, const char *ref,
                         const char **dynamic_name);
struct jsc_regex *jsc_regex(struct jsc *c, const struct jsc_where *w,
                            const char *key, const char *member,
                            const char *source, size_t len);
bool jsc_asserts_formats(const struct jsc *c);
void jsc_use_dynamic_scope(struct jsc *c);

/* jsonschema_regex.c: ECMA-262 patterns through PCRE2. */
/*
 * Compiles the ECMA-262 pattern src (len bytes) into *out (freed with
 * pcre2_code_free). Returns 0, FACET_ENOMEM, or FACET_EINVAL with a reason
 * in why (size bytes) and the byte offset in src it concerns in *at.
 */
int jsre_compile(const char *src, size_t len, pcre2_code **out, char *why,
                 size_t size, size_t *at);

/* jsonschema_simple.c: patterns matched without PCRE2. */
/* The program of the ECMA-262 pattern p (len bytes, which PCRE2 has
 * compiled) in arena, or NULL when it is not simple enough. */
struct jsre_simple *jsre_simple_compile(struct arena *arena, const char *p,
                                        size_t len);
/* 1 when prog matches somewhere in s, 0 when not, -1 when it cannot tell
 * (ask PCRE2). */
int jsre_simple_match(const struct jsre_simple *prog, const char *s,
                      size_t len);
/* prog's DFA for ASCII text, or NULL when it has none. */
const struct jsre_dfa *jsre_simple_dfa(const struct jsre_simple *prog);

/* jsonschema_value.c: JSON values as JSON Schema compares them. */
/* Whether the double v was written as a decimal ("1.0"), not "1". */
bool jsv_written_as_decimal(struct json_object *v);

/* The JST_* bits instance has (an integer is a number too); draft 4
 * counts 1.0 as a number only. Inline: it runs for every value. */
static inline unsigned
jsv_type_of_json(struct json_object *v, enum json_type type,
                 enum js_draft draft)
{
  double d;

  switch (type) {
  case json_type_null: return JST_NULL;
  case json_type_boolean: return JST_BOOLEAN;
  case json_type_int: return JST_INTEGER | JST_NUMBER;
  case json_type_object: return JST_OBJECT;
  case json_type_array: return JST_ARRAY;
  case json_type_string: return JST_STRING;
  case json_type_double: break;
  }
  d = json_object_get_double(v);
  if (!isfinite(d) || d != floor(d) ||
      (draft == JS_DRAFT_4 && jsv_written_as_decimal(v)))
    return JST_NUMBER;
  return JST_INTEGER | JST_NUMBER;
}

/* The same, reading v's type itself. */
static inline unsigned
jsv_type_of(struct json_object *v, enum js_draft draft)
{
  return jsv_type_of_json(v, json_object_get_type(v), draft);
}
/* Room for the text of any number jsv_number_text writes itself. */
#define JSV_NUMBER_TEXT_MAX 40
/* The text of the number v as written (a parsed double keeps its text),
 * in out (size bytes) or in v; never changes v. */
const char *jsv_number_text(struct json_object *v, char *out, size_t size);
/* Deep equality where 1 and 1.0 are equal. */
bool jsv_equal(struct json_object *a, struct json_object *b);
/* The order of the numbers a and b (x and y are their jsv_number): below
 * 0, 0 or above 0. Exact at any size: where the long doubles tie, the
 * decimal texts decide (18446744073709551617 is above ...616). */
int jsv_compare(struct json_object *a, long double x, struct json_object *b,
                long double y);
/* A hash equal values share. */
uint64_t jsv_hash(struct json_object *v);
/* The value of a number, exactly for 64-bit integers and doubles. */
long double jsv_number(struct json_object *v);
/* Sets m up for the number json (borrowed, must outlive m). */
void jsv_multiple_init(struct jsc_multiple *m, struct json_object *json);
/* Whether v is a multiple of m, exactly for decimals. */
bool jsv_multiple_of(struct json_object *v, const struct jsc_multiple *m);
/* Whether inst equals value; strings are compared as text, the rest by
 * hash first (*hash is computed once, when first needed: set *hashed
 * false before the first call for an instance). */
bool jsv_equals(const struct jsc_value *value, struct json_object *inst,
                uint64_t *hash, bool *hashed);
/* A hash of the text s (len bytes) from its length and a few bytes: no
 * pass over the text, which the comparison makes anyway. */
static inline uint32_t
jsv_text_hash(const char *s, size_t len)
{
  uint32_t h = (uint32_t)len * 0x9E3779B1u;

  if (len) {
    h ^= (unsigned char)s[0] * 0x85EBCA6Bu;
    h ^= (unsigned char)s[len - 1] * 0xC2B2AE35u;
    h ^= (unsigned char)s[len / 2] << 16;
  }
  return h ^ (h >> 15);
}
/* Sets up s->enum_slots for an enum of strings; false when out of
 * memory. */
bool jsv_string_enum_index(struct arena *arena, struct jsc_node *s);
/* Whether the text str (len bytes) is one of s's enum, all strings. */
bool jsv_in_string_enum(const struct jsc_node *s, const char *str,
                        size_t len);
/* Whether inst is one of s's enum (hash and hashed as for jsv_equals). */
bool jsv_in_enum(const struct jsc_node *s, struct json_object *inst,
                 uint64_t *hash, bool *hashed);
/* 1 with the first pair of equal items (*i < *j) of the array inst (n
 * items), 0 when all differ, FACET_ENOMEM when memory ran out. */
int jsv_duplicate(struct json_object *inst, size_t n, size_t *i, size_t *j);
/* Code points in s (len bytes of UTF-8). */
size_t jsv_code_points(const char *s, size_t len);
/* Appends a short preview of v for messages, e.g. string "42". */
int jsv_preview(struct buf *out, struct json_object *v, bool with_type);
/* The name of the first type in mask, e.g. "integer". */
const char *jsv_type_name(unsigned mask);
/* Appends the types of mask, e.g. "string or null". */
int jsv_type_list(struct buf *out, unsigned mask);
/*
 * The hash of a property name, from its first four bytes: it costs no
 * pass over the name (not even strlen) for each member of each instance,
 * and a lookup compares the whole name anyway.
 */
static inline uint32_t
jsv_name_hash(const char *s)
{
  uint32_t h = 0;

  for (int i = 0; i < 4 && s[i]; i++)
    h = h << 8 | (unsigned char)s[i];
  h *= 0x9E3779B1u;
  return h ^ (h >> 15);
}

/* Whether the n bytes at a and b (each at least n bytes long) are equal;
 * inline, since enum values are short and a library call would cost more
 * than them. Words at a time, the last one overlapping the one before. */
static inline bool
jsv_same_bytes(const char *a, const char *b, size_t n)
{
  uint64_t x, y;
  uint32_t u, v;

  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) {
      memcpy(&x, a + i, 8);
      memcpy(&y, b + i, 8);
      if (x != y)
        return false;
    }
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
  }
  if (n >= 4) {
    memcpy(&u, a, 4);
    memcpy(&v, b, 4);
    if (u != v)
      return false;
    memcpy(&u, a + n - 4, 4);
    memcpy(&v, b + n - 4, 4);
    return u == v;
  }
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i])
      return false;
  return true;
}

/* Whether key is the name of a property (a name with no NUL of its own).
 * Short names byte by byte, unrolled, up to the first byte that differs
 * (never past key's NUL): cheaper than a call of strcmp, which would also
 * make the caller save what it holds in registers. */
static inline bool
jsc_name_is(const struct jsc_name *name, const char *key)
{
  if (name->len < 8) {
    for (uint32_t i = 0; i < 8; i++) {
      if (key[i] != name->str[i])
        return false;
      if (i == name->len)
        return true;
    }
  }
  return strcmp(key, name->str) == 0;
}

/* The entry of properties named key, or NULL. */
static inline const struct jsc_prop *
jsc_props_find(const struct jsc_props *t, const char *key)
{
  uint32_t hash = jsv_name_hash(key);

  for (uint32_t i = hash & t->mask;; i = (i + 1) & t->mask) {
    const struct jsc_prop *p = &t->slots[i];

    if (!p->name.str)
      return NULL;
    if (p->name.hash == hash && jsc_name_is(&p->name, key))
      return p;
  }
}

/* A walk over an object's members against properties. */
struct jsc_members {
  uint64_t seen;                /* the required bits of the names found */
  uint32_t next;                /* properties' entry expected next */
};

/* The entry of properties for key: the one after the last found, when
 * the instance follows the schema's order, else by hash. */
static inline const struct jsc_prop *
jsc_props_next(const struct jsc_props *t, const char *key,
               struct jsc_members *m)
{
  const struct jsc_prop *p;

  if (m->next < t->count && jsc_name_is(&t->order[m->next]->name, key))
    p = t->order[m->next];
  else
    p = jsc_props_find(t, key);
  if (p) {
    m->next = p->index + 1;
    m->seen |= p->required_bits;
  }
  return p;
}

/* jsonschema_validate.c. */
/* 1 when re matches s (len bytes), 0 when not, -1 when matching gave up
 * or memory ran out (then *oom says which). sc holds PCRE2's state. */
int jsv_match(struct jsv_scratch *sc, const struct jsc_regex *re,
              const char *s, size_t len, bool *oom);
/* The property name key (len bytes) as a string value, for
 * propertyNames: sc's, reused from one name to the next; NULL when out of
 * memory. */
struct json_object *jsv_name_value(struct jsv_scratch *sc, const char *key,
                                   size_t len);
/* The walk that says why, alone (js_validate and js_valid run the quick
 * walk first; tests compare the two): as js_validate, and as js_valid. */
int jsv_walk_validate(const struct js_schema *self,
                      struct json_object *instance, struct js_result *result);
bool jsv_walk_valid(const struct js_schema *self,
                    struct json_object *instance);

/* The dynamic scope of 2019-09 and 2020-12, which both walks keep when
 * the schema uses it: the resources being applied, outermost first. */
struct jsc_scope {
  size_t n;
  const struct jsc_resource *at[JS_DEPTH_MAX];
};

/* Enters s's resource into the scope; true when it pushed (the caller
 * pops it, n--, when s is done). */
static inline bool
jsc_scope_push(struct jsc_scope *scope, const struct jsc_node *s)
{
  if (!s->resource || scope->n >= JS_DEPTH_MAX ||
      (scope->n && scope->at[scope->n - 1] == s->resource))
    return false;
  scope->at[scope->n++] = s->resource;
  return true;
}

/* Where app's $recursiveRef or $dynamicRef leads in scope. */
const struct jsc_node *jsc_dynamic_target(const struct jsc_scope *scope,
                                          const struct jsc_applicators *app);

/* jsonschema_quick.c: the walk that only decides. */
enum jsq_verdict {
  JSQ_INVALID = 0,
  JSQ_VALID = 1,
  JSQ_UNKNOWN = -1,             /* ask the walk that says why */
};
/* Whether instance (borrowed) is valid against self, or JSQ_UNKNOWN when
 * the quick walk does not decide (see jsonschema_quick.c); sc holds
 * matching state and may be reused. */
/* Sets up every node of self for the quick walk, once compiled. */
void jsq_prepare(struct js_schema *self);
enum jsq_verdict jsq_valid(const struct js_schema *self,
                           struct json_object *instance,
                           struct jsv_scratch *sc);

/* jsonschema_format.c. */
enum jsf_format jsf_lookup(const char *name);
const char *jsf_name(enum jsf_format f);
/* Whether the len bytes at s are valid in format f. */
bool jsf_check(enum jsf_format f, const char *s, size_t len);

/* jsonschema_meta.c: the meta-schemas facet knows without loading. */
/* The text of the built-in document at uri (no fragment), or NULL. */
const char *jsmeta_lookup(const char *uri);

#endif
