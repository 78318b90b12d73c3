/*
 * Crystallise into a JSON Schema.
 *
 * The schema comes from what the fragment shows: a JSON example (types,
 * nested objects and lists, every key required), a field list (types,
 * descriptions, ranges, allowed values), or else the fragment itself as
 * the description of an object with one property to fill in. Allowed
 * values stated anywhere in the prompt ("the priority is one of low,
 * medium, high") become an enum of the field they name. Objects forbid
 * other keys, and optional fields are nullable yet listed as required,
 * which is what OpenAI's and Gemini's strict structured outputs accept.
 *
 * The schema goes to a new file; the prompt is linked to it in its own
 * terms (Prompty outputs, Dotprompt output.schema, .prompt.yml jsonSchema,
 * a link in a VS Code prompt file) and a promptfoo config that runs the
 * prompt gets an is-json check against the file.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "crystal_re.h"
#include "formats.h"
#include "tree.h"

#define SCHEMA_DIALECT "https://json-schema.org/draft/2020-12/schema"

static struct json_object *
schema__type(const char *type)
{
  struct json_object *s = json_object_new_object();

  json_object_object_add(s, "type", json_object_new_string(type));
  return s;
}

/* Formats a string example shows: 2024-05-01, an email, a URL. */
static void
schema__string_format(struct json_object *s, const char *v)
{
  size_t n = strlen(v);
  const char *format = NULL;

  if (n == 10 && isdigit((unsigned char)v[0]) && v[4] == '-' && v[7] == '-')
    format = "date";
  else if (n > 10 && isdigit((unsigned char)v[0]) && v[4] == '-' &&
           v[7] == '-' && v[10] == 'T')
    format = "date-time";
  else if (strchr(v, '@') && !strchr(v, ' ') && strchr(strchr(v, '@'), '.'))
    format = "email";
  else if (strncmp(v, "https://", 8) == 0 || strncmp(v, "http://", 7) == 0)
    format = "uri";
  if (format)
    json_object_object_add(s, "format", json_object_new_string(format));
}

/* A placeholder says what goes there: "<integer 1-5>", "the answer". */
static struct json_object *
schema__placeholder(const char *text)
{
  struct json_object *s = json_object_new_object();
  size_t n = strlen(text);
  const char *d = text;
  bool tag = n >= 4 && strncmp(text, "{{", 2) == 0;

  if (n >= 2 && d[0] == '<' && d[n - 1] == '>') {
    d++;
    n -= 2;
  }
  crystal_describe(s, d, n);
  json_object_object_del(s, "x-optional");
  /* {"clarity": N}: N stands for a number. */
  if (n == 1 && (d[0] == 'N' || d[0] == 'n' || d[0] == 'X'))
    json_object_object_add(s, "type", json_object_new_string("number"));
  if (!json_object_object_get_ex(s, "type", NULL))
    json_object_object_add(s, "type", json_object_new_string("string"));
  /* A bare name (customer_name) or a template tag says no more than the
   * key does. */
  if (!tag && memchr(d, ' ', n))
    json_object_object_add(s, "description",
                           json_object_new_string_len(d, (int)n));
  return s;
}

static struct json_object *schema__of(struct json_object *v, int depth);
static struct json_object *schema__ordered(struct json_object *s);

/* One schema for the items of a list: objects merged, a key required
 * when every item has it. */
static struct json_object *
schema__items(struct json_object *arr, int depth)
{
  size_t n = json_object_array_length(arr);
  struct json_object *merged;
  struct json_object *props;

  if (n == 0)
    return schema__type("string");
  merged = schema__of(json_object_array_get_idx(arr, 0), depth + 1);
  props = json_object_object_get(merged, "properties");
  for (size_t i = 1; props && i < n; i++) {
    struct json_object *item = json_object_array_get_idx(arr, i);
    struct json_object *one;

    if (!json_object_is_type(item, json_type_object))
      continue;
    one = schema__of(item, depth + 1);
    if (json_object_object_get_ex(one, "properties", NULL)) {
      json_object_object_foreach(json_object_object_get(one, "properties"),
                                 key, val)
        if (!json_object_object_get_ex(props, key, NULL))
          json_object_object_add(props, key, json_object_get(val));
    }
    json_object_put(one);
  }
  if (props) {
    struct json_object *required = json_object_new_array();

    json_object_object_foreach(props, key, val) {
      bool all = true;

      (void)val;
      for (size_t i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(arr, i);

        all &= !json_object_is_type(item, json_type_object) ||
               json_object_object_get_ex(item, key, NULL);
      }
      if (all)
        json_object_array_add(required, json_object_new_string(key));
    }
    json_object_object_add(merged, "required", required);
    json_object_object_add(merged, "additionalProperties",
                           json_object_new_boolean(0));
  }
  return merged;
}

static struct json_object *
schema__object(struct json_object *v, int depth)
{
  struct json_object *s = schema__type("object");
  struct json_object *props = json_object_new_object();
  struct json_object *required = json_object_new_array();

  json_object_object_foreach(v, key, val) {
    json_object_object_add(props, key, schema__of(val, depth + 1));
    json_object_array_add(required, json_object_new_string(key));
  }
  json_object_object_add(s, "properties", props);
  json_object_object_add(s, "required", required);
  json_object_object_add(s, "additionalProperties",
                         json_object_new_boolean(0));
  return s;
}

/* The schema an example value shows. */
static struct json_object *
schema__of(struct json_object *v, int depth)
{
  struct json_object *s;

  if (depth > 32)
    return json_object_new_object();
  if (crystal_is_placeholder(v))
    return schema__placeholder(json_object_get_string(v));
  switch (json_object_get_type(v)) {
  case json_type_null:
    s = json_object_new_object();
    json_object_object_add(s, "type", json_object_new_string("string"));
    json_object_object_add(s, "x-optional", json_object_new_boolean(1));
    return s;
  case json_type_boolean:
    return schema__type("boolean");
  case json_type_int:
    return schema__type("integer");
  case json_type_double:
    return schema__type("number");
  case json_type_string: {
    const char *t = json_object_get_string(v);
    size_t n = strlen(t);

    /* "<one sentence on what to fix>": a placeholder in quotes. */
    if (n > 2 && t[0] == '<' && t[n - 1] == '>' && !strchr(t + 1, '<') &&
        memchr(t, ' ', n))
      return schema__placeholder(t);
    s = schema__type("string");
    schema__string_format(s, t);
    return s;
  }
  case json_type_array:
    s = schema__type("array");
    json_object_object_add(s, "items", schema__items(v, depth));
    return s;
  case json_type_object:
    return schema__object(v, depth);
  }
  return json_object_new_object();
}

/* A null example value, or an "optional" field: the type or null. */
static void
schema__nullable(struct json_object *s)
{
  if (json_object_is_type(s, json_type_array)) {
    for (size_t i = 0; i < json_object_array_length(s); i++)
      schema__nullable(json_object_array_get_idx(s, i));
    return;
  }
  if (!json_object_is_type(s, json_type_object))
    return;
  if (json_object_object_get_ex(s, "x-optional", NULL)) {
    struct json_object *type = json_object_object_get(s, "type");
    struct json_object *both = json_object_new_array();

    json_object_array_add(both, json_object_get(type));
    json_object_array_add(both, json_object_new_string("null"));
    json_object_object_add(s, "type", both);
    json_object_object_del(s, "x-optional");
  }
  schema__nullable(json_object_object_get(s, "items"));
  if (!json_object_object_get_ex(s, "properties", NULL))
    return;
  json_object_object_foreach(json_object_object_get(s, "properties"), k, p) {
    (void)k;
    schema__nullable(p);
  }
}

static void schema__enums(struct json_object *s, struct json_object *ex,
                          const struct crystal_rule *rules, size_t nrules);

/* The schema an example shows, with the allowed values the prompt lists
 * for its fields. */
/* Reads a number at s[*i] (digits, one point), into *v. */
static bool
schema__number(const char *s, size_t n, size_t *i, double *v)
{
  size_t start = *i;
  char buf[32];

  while (*i < n && (isdigit((unsigned char)s[*i]) || s[*i] == '.'))
    (*i)++;
  if (*i == start || *i - start >= sizeof buf)
    return false;
  memcpy(buf, s + start, *i - start);
  buf[*i - start] = '\0';
  *v = strtod(buf, NULL);
  return true;
}

/* "clarity (1-10)" in text: the range, for the field name. */
static bool
schema__named_range(const char *s, const char *name, double *lo, double *hi)
{
  size_t n = strlen(s);
  size_t m = strlen(name);

  for (size_t at = 0; at + m < n; at++) {
    size_t i = at + m;

    if (strncasecmp(s + at, name, m) != 0 ||
        (at > 0 && (isalnum((unsigned char)s[at - 1]) || s[at - 1] == '_')) ||
        isalnum((unsigned char)s[i]) || s[i] == '_')
      continue;
    while (i < n && (s[i] == ' ' || s[i] == ':'))
      i++;
    if (i >= n || s[i] != '(')
      continue;
    i++;
    if (!schema__number(s, n, &i, lo))
      continue;
    while (i < n && s[i] == ' ')
      i++;
    if (i < n && s[i] == '-')
      i++;
    else if (i + 3 <= n && memcmp(s + i, "\xE2\x80\x93", 3) == 0)
      i += 3;
    else if (i + 2 <= n && strncasecmp(s + i, "to", 2) == 0)
      i += 2;
    else
      continue;
    while (i < n && s[i] == ' ')
      i++;
    if (schema__number(s, n, &i, hi) && i < n && s[i] == ')' && *lo < *hi)
      return true;
  }
  return false;
}

/*
 * 'Rate it on clarity (1-10) ... {"clarity": N}': a field the example
 * holds a placeholder or a number for, and that the prompt gives a range
 * in parentheses after its name, gets that range.
 */
static void
schema__prompt_ranges(struct crystal *c, struct json_object *s,
                      struct json_object *ex)
{
  const char *texts[8];
  size_t ntexts = crystal_prompt_texts(c, texts, 8);
  struct json_object *props = json_object_object_get(s, "properties");

  if (!props || !json_object_is_type(ex, json_type_object))
    return;
  json_object_object_foreach(props, name, prop) {
    struct json_object *v = json_object_object_get(ex, name);
    const char *type = json_object_get_string(
      json_object_object_get(prop, "type"));
    double lo;
    double hi;
    bool whole;
    size_t k = 0;

    if (!v || json_object_object_get_ex(prop, "minimum", NULL) ||
        json_object_object_get_ex(prop, "enum", NULL) || !type ||
        !(crystal_is_placeholder(v) || strcmp(type, "integer") == 0 ||
          strcmp(type, "number") == 0))
      continue;
    while (k < ntexts && !schema__named_range(texts[k], name, &lo, &hi))
      k++;
    if (k == ntexts)
      continue;
    whole = lo == (int64_t)lo && hi == (int64_t)hi;
    /* A placeholder's range of whole numbers is of integers; a number the
     * example shows (0.5) keeps its type. */
    if (whole && (strcmp(type, "number") != 0 || crystal_is_placeholder(v)))
      type = "integer";
    else
      type = "number";
    json_object_object_add(prop, "type", json_object_new_string(type));
    if (strcmp(type, "integer") == 0) {
      json_object_object_add(prop, "minimum",
                             json_object_new_int64((int64_t)lo));
      json_object_object_add(prop, "maximum",
                             json_object_new_int64((int64_t)hi));
    } else {
      json_object_object_add(prop, "minimum", json_object_new_double(lo));
      json_object_object_add(prop, "maximum", json_object_new_double(hi));
    }
  }
}

#define SCHEMA_ALTERNATIVES_MAX 8

/* Whether the text between two examples joins them as alternatives:
 * blanks, commas, "or". */
static bool
schema__joined(const char *s, size_t n)
{
  size_t words = 0;

  for (size_t i = 0; i < n; i++) {
    if (isspace((unsigned char)s[i]) || s[i] == ',')
      continue;
    if (i + 2 <= n && strncasecmp(s + i, "or", 2) == 0 &&
        (i + 2 == n || !isalpha((unsigned char)s[i + 2]))) {
      i++;
      words++;
      continue;
    }
    return false;
  }
  return words <= 1;
}

/*
 * 'Only provide a response of {"apology": 0} or {"apology": 1}': examples
 * of one shape joined by "or" are the answers allowed, so a field they
 * give different values is an enum of those values.
 */
static void
schema__alternatives(struct crystal *c, struct json_object *s)
{
  struct json_object *alts[SCHEMA_ALTERNATIVES_MAX];
  size_t nalts = 0;
  const char *t = c->text;
  size_t n = strlen(t);
  size_t at = c->example.span.end;
  struct json_object *props = json_object_object_get(s, "properties");

  if (!props || at > n)
    return;
  alts[nalts++] = json_object_get(c->example.value);
  while (nalts < SCHEMA_ALTERNATIVES_MAX && at < n) {
    struct crystal_example ex;

    if (!crystal_example_find(t + at, n - at, &ex))
      break;
    if (!schema__joined(t + at, ex.span.start) ||
        !crystal_json_same_keys(alts[0], ex.value)) {
      crystal_example_release(&ex);
      break;
    }
    alts[nalts++] = json_object_get(ex.value);
    at += ex.span.end;
    crystal_example_release(&ex);
  }
  json_object_object_foreach(props, name, prop) {
    struct json_object *values = json_object_new_array();
    bool ok = !json_object_object_get_ex(prop, "enum", NULL);

    for (size_t i = 0; ok && i < nalts; i++) {
      struct json_object *v = json_object_object_get(alts[i], name);
      bool seen = false;

      ok = v && !crystal_is_placeholder(v) &&
           (json_object_is_type(v, json_type_int) ||
            json_object_is_type(v, json_type_string) ||
            json_object_is_type(v, json_type_boolean));
      for (size_t k = 0; ok && k < json_object_array_length(values); k++)
        seen |= json_object_equal(json_object_array_get_idx(values, k), v);
      if (ok && !seen)
        json_object_array_add(values, json_object_get(v));
    }
    if (ok && json_object_array_length(values) >= 2)
      json_object_object_add(prop, "enum", json_object_get(values));
    json_object_put(values);
  }
  for (size_t i = 0; i < nalts; i++)
    json_object_put(alts[i]);
}

struct json_object *
crystal_schema_of_example(struct crystal *c, struct json_object *ex)
{
  struct crystal_rule rules[CRYSTAL_RULES_MAX];
  size_t nrules = crystal_prompt_rules(c, rules, CRYSTAL_RULES_MAX);
  struct json_object *s = schema__of(ex, 0);
  struct json_object *ordered;

  schema__nullable(s);
  schema__enums(s, json_object_is_type(ex, json_type_array)
                     ? json_object_array_get_idx(ex, 0) : ex, rules, nrules);
  if (ex && ex == c->example.value)
    schema__alternatives(c, s);
  schema__prompt_ranges(c, s, ex);
  ordered = schema__ordered(s);
  json_object_put(s);
  return ordered;
}

/* Whether the rule's sentence is about the field name. */
static bool
schema__about(const struct crystal_rule *r, const char *name)
{
  if (r->field)
    return strcasecmp(r->field, name) == 0;
  return crystal_mentions(r->sentence, strlen(r->sentence), name);
}

static bool
schema__allowed(const struct crystal_rule *r, struct json_object *value)
{
  const char *v = json_object_get_string(value);

  if (!value || crystal_is_placeholder(value))
    return true;
  for (size_t i = 0; v && i < r->nvalues; i++)
    if (strcmp(r->values[i], v) == 0)
      return true;
  return false;
}

/*
 * Gives the string properties of an object schema the allowed values a
 * sentence of the prompt lists for them ("the priority is one of low,
 * medium, high"), unless the example shows a value outside them; and
 * recurses into nested objects and lists.
 */
static void
schema__enums(struct json_object *s, struct json_object *ex,
              const struct crystal_rule *rules, size_t nrules)
{
  struct json_object *items = json_object_object_get(s, "items");

  if (items)
    schema__enums(items, json_object_is_type(ex, json_type_array)
                           ? json_object_array_get_idx(ex, 0) : NULL,
                  rules, nrules);
  if (!json_object_object_get_ex(s, "properties", NULL))
    return;
  json_object_object_foreach(json_object_object_get(s, "properties"), name,
                             prop) {
    struct json_object *value = json_object_object_get(ex, name);
    const char *type = json_object_get_string(
      json_object_object_get(prop, "type"));

    schema__enums(prop, value, rules, nrules);
    if (!type || strcmp(type, "string") != 0 ||
        json_object_object_get_ex(prop, "enum", NULL))
      continue;
    for (size_t i = 0; i < nrules; i++) {
      struct json_object *list;

      if (rules[i].kind != RULE_ONE_OF || rules[i].nvalues < 2 ||
          !schema__about(&rules[i], name) ||
          !schema__allowed(&rules[i], value))
        continue;
      list = json_object_new_array();
      for (size_t k = 0; k < rules[i].nvalues; k++)
        json_object_array_add(list,
                              json_object_new_string(rules[i].values[k]));
      json_object_object_add(prop, "enum", list);
      break;
    }
  }
}

/* The property a rule with a field (or about the whole answer) gives. */
static struct json_object *
schema__from_rule(const struct crystal_rule *r, const char **name)
{
  struct json_object *p;

  *name = r->field;
  if (r->kind == RULE_ONE_OF && r->boolean) {
    p = schema__type("boolean");
  } else if (r->kind == RULE_ONE_OF && (r->field || r->whole)) {
    struct json_object *list = json_object_new_array();

    p = schema__type("string");
    for (size_t i = 0; i < r->nvalues; i++)
      json_object_array_add(list, json_object_new_string(r->values[i]));
    json_object_object_add(p, "enum", list);
    if (!r->field)
      *name = "answer";
  } else if (r->kind == RULE_RANGE) {
    bool whole = r->min == (int64_t)r->min && r->max == (int64_t)r->max;

    p = schema__type(whole ? "integer" : "number");
    if (!r->field)
      *name = "answer";
    json_object_object_add(p, "minimum", whole
      ? json_object_new_int64((int64_t)r->min)
      : json_object_new_double(r->min));
    json_object_object_add(p, "maximum", whole
      ? json_object_new_int64((int64_t)r->max)
      : json_object_new_double(r->max));
  } else if (r->kind == RULE_DATE && r->field) {
    p = schema__type("string");
    json_object_object_add(p, "format", json_object_new_string("date"));
  } else {
    return NULL;
  }
  json_object_object_add(p, "description",
                         json_object_new_string(r->sentence));
  return p;
}

/*
 * The object a fragment without an example or field list describes: its
 * text as the description, a property per rule that names a field (or
 * lists the allowed answers), else one property to fill in.
 */
/* The fragment's text on one line, as a description. */
static struct json_object *
schema__flat_text(struct crystal *c)
{
  struct json_object *out;
  struct buf flat;

  buf_init(&flat, CRYSTAL_TEXT_MAX);
  for (const char *p = crystal_prose(c); *p; p++)
    if (!isspace((unsigned char)*p) || (flat.len &&
                                        flat.data[flat.len - 1] != ' '))
      buf_putc(&flat, isspace((unsigned char)*p) ? ' ' : *p);
  while (flat.len && flat.data[flat.len - 1] == ' ')
    flat.data[--flat.len] = '\0';
  crystal_buf_check(c, &flat);
  out = json_object_new_string(flat.data ? flat.data : "");
  buf_release(&flat);
  return out;
}

/*
 * The fields the prompt's header declares, described by the fragment:
 * its text as the description (unless the declared schema has one), and
 * a property per rule that names a field the header does not.
 */
static struct json_object *
schema__from_declared(struct crystal *c, struct json_object *s)
{
  struct json_object *props = json_object_object_get(s, "properties");
  struct json_object *required = json_object_object_get(s, "required");

  if (!json_object_object_get_ex(s, "description", NULL))
    json_object_object_add(s, "description", schema__flat_text(c));
  for (size_t i = 0; props && i < c->nrules; i++) {
    const char *name;
    struct json_object *p = schema__from_rule(&c->rules[i], &name);

    if (p && name && strcmp(name, "answer") != 0 &&
        !json_object_object_get_ex(props, name, NULL)) {
      json_object_object_add(props, name, p);
      if (json_object_is_type(required, json_type_array))
        json_object_array_add(required, json_object_new_string(name));
    } else {
      json_object_put(p);
    }
  }
  return s;
}

/*
 * The fields of the JSON objects the prompt's examples answer with, in
 * the order they first appear: a rule's field keeps the rule's property,
 * another takes the type its first example shows, and the fields every
 * example gives are required; the rule's fields no example gives stay
 * required. So the prompt's own answers ({"reason": ..., "verdict":
 * false} beside "Use only 'true' and 'false' as verdict.") follow the
 * schema. Nothing changes when no example answers with an object.
 */
static void
schema__example_fields(struct crystal *c, struct json_object *props,
                       struct json_object *required)
{
  struct json_object *objs[CRYSTAL_SHOTS_MAX];
  struct json_object *merged;
  struct json_object *need;
  size_t n = 0;

  for (size_t i = 0; i < c->nall_shots; i++) {
    const char *out = c->all_shots[i].output;
    struct json_object *v;

    while (out && isspace((unsigned char)*out))
      out++;
    if (!out || *out != '{')
      continue;
    v = json_tokener_parse(out);
    if (json_object_is_type(v, json_type_object) &&
        json_object_object_length(v) > 0)
      objs[n++] = v;
    else
      json_object_put(v);
  }
  if (n == 0)
    return;
  merged = json_object_new_object();
  need = json_object_new_array();
  for (size_t i = 0; i < n; i++) {
    json_object_object_foreach(objs[i], key, val) {
      struct json_object *rule = json_object_object_get(props, key);
      bool all = true;

      if (json_object_object_get_ex(merged, key, NULL))
        continue;
      json_object_object_add(merged, key, rule ? json_object_get(rule)
                                               : schema__of(val, 1));
      for (size_t k = 0; k < n && all; k++)
        all = json_object_object_get_ex(objs[k], key, NULL);
      if (all)
        json_object_array_add(need, json_object_new_string(key));
    }
  }
  /* A rule's field no example gives. */
  json_object_object_foreach(props, name, prop)
    if (!json_object_object_get_ex(merged, name, NULL)) {
      json_object_object_add(merged, name, json_object_get(prop));
      json_object_array_add(need, json_object_new_string(name));
    }
  for (size_t i = 0; i < n; i++)
    json_object_put(objs[i]);
  /* props and required are the caller's: refill them in place. */
  {
    json_object_object_foreach(merged, gone, unused) {
      (void)unused;
      json_object_object_del(props, gone);
    }
  }
  json_object_object_foreach(merged, name2, prop2)
    json_object_object_add(props, name2, json_object_get(prop2));
  json_object_array_del_idx(required, 0,
                            json_object_array_length(required));
  for (size_t i = 0; i < json_object_array_length(need); i++)
    json_object_array_add(required,
                          json_object_get(json_object_array_get_idx(need, i)));
  json_object_put(merged);
  json_object_put(need);
}

static struct json_object *
schema__from_text(struct crystal *c, bool *placeholder)
{
  struct json_object *s = schema__type("object");
  struct json_object *props = json_object_new_object();
  struct json_object *required = json_object_new_array();

  json_object_object_add(s, "description", schema__flat_text(c));
  for (size_t i = 0; i < c->nrules; i++) {
    const char *name;
    struct json_object *p = schema__from_rule(&c->rules[i], &name);

    if (p && !json_object_object_get_ex(props, name, NULL)) {
      json_object_object_add(props, name, p);
      json_object_array_add(required, json_object_new_string(name));
    } else {
      json_object_put(p);
    }
  }
  *placeholder = json_object_object_length(props) == 0;
  if (!*placeholder)
    schema__example_fields(c, props, required);
  if (*placeholder) {
    struct json_object *result = schema__type("string");

    json_object_object_add(result, "description", json_object_new_string(
      "Rename and describe this field, and add one per value the answer "
      "must give."));
    json_object_object_add(props, "result", result);
    json_object_array_add(required, json_object_new_string("result"));
  }
  json_object_object_add(s, "properties", props);
  json_object_object_add(s, "required", required);
  json_object_object_add(s, "additionalProperties",
                         json_object_new_boolean(0));
  return s;
}

/* The JSON type of an example's output that is a bare number or flag,
 * written as JSON writes it ("5", "0.8", "true"), or NULL. */
static const char *
schema__scalar_type(const char *s, double *v)
{
  char *end;

  if (strcmp(s, "true") == 0 || strcmp(s, "false") == 0)
    return "boolean";
  if (!*s || !(isdigit((unsigned char)*s) || *s == '-') ||
      s[strspn(s, "0123456789.-+eE")])
    return NULL;
  *v = strtod(s, &end);
  if (*end)
    return NULL;
  return strchr(s, '.') || strchr(s, 'e') || strchr(s, 'E') ? "number"
                                                             : "integer";
}

/* The range a rule of rules gives the whole answer, when every value of
 * values[0..n) is in it; NULL when none does. */
static const struct crystal_rule *
schema__whole_range(const struct crystal_rule *rules, size_t nrules,
                    const double *values, size_t n)
{
  for (size_t i = 0; i < nrules; i++) {
    bool in = rules[i].kind == RULE_RANGE && !rules[i].field;

    for (size_t k = 0; in && k < n; k++)
      in = values[k] >= rules[i].min && values[k] <= rules[i].max;
    if (in)
      return &rules[i];
  }
  return NULL;
}

/*
 * The schema of a bare answer: the fragment's examples answer with a
 * number or a flag alone ("## Example Task #1 Output: 1"), which is JSON
 * as it stands. Its range is the one the prompt gives the whole answer
 * ("an integer between 1 and 5"), the fragment's rules first. NULL when
 * an example answers otherwise (text, JSON, a label: a label is no JSON
 * until quoted, so it stays the field of an object).
 * Limitation: a rule about the whole answer with no example to show it is
 * bare ("an integer between 1 and 5" alone) still makes an object of one
 * field, while eval and code check the bare answer.
 */
static struct json_object *
schema__bare(struct crystal *c, const struct crystal_rule *rules,
             size_t nrules)
{
  double values[CRYSTAL_SHOTS_MAX];
  const char *type = NULL;
  const struct crystal_rule *range;
  struct json_object *s;

  if (c->nshots == 0)
    return NULL;
  for (size_t i = 0; i < c->nshots; i++) {
    const char *t = schema__scalar_type(c->shots[i].output, &values[i]);

    if (!t || (type && (strcmp(type, "boolean") == 0) !=
                       (strcmp(t, "boolean") == 0)))
      return NULL;
    /* Integers shown beside 0.5 are numbers. */
    if (!type || strcmp(t, "number") == 0)
      type = t;
  }
  s = schema__type(type);
  if (strcmp(type, "boolean") == 0)
    return s;
  range = schema__whole_range(c->rules, c->nrules, values, c->nshots);
  if (!range)
    range = schema__whole_range(rules, nrules, values, c->nshots);
  if (!range)
    return s;
  /* The rule says what the answer is: "a number between 0 and 1" shown
   * as 0 and 1 is still a number. */
  if (!range->integer && crystal_mentions(range->sentence,
                                          strlen(range->sentence), "number"))
    type = "number";
  else if (range->integer)
    type = "integer";
  json_object_object_add(s, "type", json_object_new_string(type));
  json_object_object_add(s, "description",
                         json_object_new_string(range->sentence));
  if (strcmp(type, "integer") == 0 && range->min == (int64_t)range->min &&
      range->max == (int64_t)range->max) {
    json_object_object_add(s, "minimum",
                           json_object_new_int64((int64_t)range->min));
    json_object_object_add(s, "maximum",
                           json_object_new_int64((int64_t)range->max));
  } else {
    json_object_object_add(s, "minimum", json_object_new_double(range->min));
    json_object_object_add(s, "maximum", json_object_new_double(range->max));
  }
  return s;
}

struct json_object *
crystal_schema_infer(struct crystal *c, bool *from_text)
{
  struct crystal_rule rules[CRYSTAL_RULES_MAX];
  size_t nrules = crystal_prompt_rules(c, rules, CRYSTAL_RULES_MAX);
  struct json_object *ex = c->example.value;
  struct json_object *s;
  struct json_object *ordered;

  *from_text = false;
  if (ex)
    return crystal_schema_of_example(c, ex);
  if (c->fields)
    s = json_object_get(c->fields);
  else if ((s = crystal_declared_output(c, &c->declared)))
    s = schema__from_declared(c, s);
  else if ((s = schema__bare(c, rules, nrules)))
    ;
  else
    s = schema__from_text(c, from_text);
  if (!*from_text)
    schema__enums(s, NULL, rules, nrules);
  ordered = schema__ordered(s);
  json_object_put(s);
  return ordered;
}

/* Keywords in the order a reader looks for them; others keep theirs. */
static const char *const schema__order[] = {
  "$schema", "$comment", "title", "type", "description", "format", "enum",
  "minimum", "maximum", "minLength", "maxLength", "items", "minItems",
  "maxItems", "properties", "required", "additionalProperties", NULL,
};

/* s with its keywords in schema__order, at every level. New reference. */
static struct json_object *
schema__ordered(struct json_object *s)
{
  struct json_object *out;

  if (!json_object_is_type(s, json_type_object))
    return json_object_get(s);
  out = json_object_new_object();
  for (const char *const *k = schema__order; *k; k++) {
    struct json_object *v;

    if (!json_object_object_get_ex(s, *k, &v))
      continue;
    if (strcmp(*k, "properties") == 0) {
      struct json_object *props = json_object_new_object();

      json_object_object_foreach(v, name, prop)
        json_object_object_add(props, name, schema__ordered(prop));
      json_object_object_add(out, *k, props);
    } else {
      json_object_object_add(out, *k, schema__ordered(v));
    }
  }
  json_object_object_foreach(s, key, val)
    if (!json_object_object_get_ex(out, key, NULL))
      json_object_object_add(out, key, schema__ordered(val));
  return out;
}

/* The file's document: dialect, provenance, title, then the schema. */
static struct json_object *
schema__document(struct crystal *c, struct json_object *s, const char *path)
{
  struct json_object *doc = json_object_new_object();
  const char *record = crystal_record(c, path);

  json_object_object_add(doc, "$schema",
                         json_object_new_string(SCHEMA_DIALECT));
  if (record)
    json_object_object_add(doc, "$comment",
                           json_object_new_string(arena_printf(
                             c->arena, "facet: %s", record)));
  json_object_object_add(doc, "title", json_object_new_string(
    arena_printf(c->arena, "%s output", c->name)));
  json_object_object_foreach(s, key, val)
    json_object_object_add(doc, key, json_object_get(val));
  return doc;
}

/* The schema file's path: the folder and pattern asked for, free. */
static const char *
schema__path(struct crystal *c)
{
  const struct crystal_request *r = c->req;
  const char *pattern = r->schema_name ? r->schema_name
                                       : "{name}.schema.json";
  const char *at = strstr(pattern, "{name}");
  const char *name = at ? arena_printf(c->arena, "%.*s%s%s",
                                       (int)(at - pattern), pattern, c->name,
                                       at + 6)
                        : pattern;
  const char *dot = name ? strchr(name, '.') : NULL;

  if (!name)
    return NULL;
  return crystal_free_path(c, r->schema_dir ? r->schema_dir : c->dir,
                           dot ? arena_strndup(c->arena, name,
                                               (size_t)(dot - name)) : name,
                           dot ? dot : "");
}

static const char *
schema__kind(const char *type)
{
  if (!type)
    return "string";
  if (strcmp(type, "number") == 0)
    return "float";
  return type;
}

/* Prompty outputs from the schema's properties, in the file's style:
 * a v2 list of Properties, or v1's map of {type, description}. */
static struct json_object *
schema__prompty_outputs(struct crystal *c, struct json_object *s)
{
  const struct node *inputs = node_get(c->prompt->root, "inputs");
  bool v1 = (inputs && node_resolve(inputs)->kind == NODE_MAP) ||
            node_get(node_get(c->prompt->root, "model"), "configuration");
  struct json_object *out = v1 ? json_object_new_object()
                               : json_object_new_array();

  if (!json_object_object_get_ex(s, "properties", NULL))
    return out;
  json_object_object_foreach(json_object_object_get(s, "properties"), name,
                             prop) {
    struct json_object *p = json_object_new_object();
    struct json_object *t = json_object_object_get(prop, "type");
    const char *type = json_object_get_string(
      json_object_is_type(t, json_type_array)
        ? json_object_array_get_idx(t, 0) : t);

    if (!v1)
      json_object_object_add(p, "name", json_object_new_string(name));
    json_object_object_add(p, v1 ? "type" : "kind", json_object_new_string(
      v1 && strcmp(schema__kind(type), "float") == 0 ? "number"
                                                     : schema__kind(type)));
    if (json_object_object_get_ex(prop, "description", NULL))
      json_object_object_add(p, "description", json_object_get(
        json_object_object_get(prop, "description")));
    if (!v1 && json_object_object_get_ex(prop, "enum", NULL))
      json_object_object_add(p, "enumValues", json_object_get(
        json_object_object_get(prop, "enum")));
    if (!v1)
      json_object_object_add(p, "required", json_object_new_boolean(
        !json_object_is_type(t, json_type_array)));
    if (v1)
      json_object_object_add(out, name, p);
    else
      json_object_array_add(out, p);
  }
  return out;
}

/* The copy a format that cannot name a file holds: the schema without the
 * file's own keys. */
static struct json_object *
schema__copy(struct json_object *s)
{
  struct json_object *copy = json_object_new_object();

  json_object_object_foreach(s, key, val)
    json_object_object_add(copy, key, json_object_get(val));
  return copy;
}

static int
schema__dotprompt(struct crystal *c, struct json_object *s, const char *note)
{
  const struct node *output = node_get(c->prompt->root, "output");
  struct json_object *value;
  int rc;

  if (output && node_resolve(output)->kind == NODE_MAP &&
      node_resolve(output)->count > 0) {
    const struct node *format = node_get(output, "format");

    /* Dotprompt reads output.schema only when the format is json: an
     * answer in text would not be held to it. */
    if (!format) {
      struct json_object *json = json_object_new_string("json");

      rc = crystal_yaml_set(c, c->prompt, c->req->prompt_path, output,
                            "format", json, NULL);
      json_object_put(json);
    } else if (!node_str(format) || strcmp(node_str(format), "json") != 0) {
      rc = crystal_change(c, c->req->prompt_path, format->span, "json");
    } else {
      rc = 0;
    }
    if (rc)
      return rc;
    value = schema__copy(s);
    rc = crystal_yaml_set(c, c->prompt, c->req->prompt_path, output,
                          "schema", value, note);
    json_object_put(value);
    return rc;
  }
  value = json_object_new_object();
  json_object_object_add(value, "format", json_object_new_string("json"));
  json_object_object_add(value, "schema", schema__copy(s));
  rc = crystal_header_add(c, "output", value, NULL, note);
  json_object_put(value);
  return rc;
}

/* The .prompt.yml link: responseFormat json_schema and the jsonSchema
 * string (an OpenAI {name, strict, schema} wrapper). */
static int
schema__github_models(struct crystal *c, struct json_object *s,
                      const char *note)
{
  const struct artifact *a = c->prompt;
  const char *path = c->req->prompt_path;
  const struct node *format = node_get(a->root, "responseFormat");
  const struct node *key = node_get_key(a->root, "jsonSchema");
  struct json_object *wrapper = json_object_new_object();
  struct json_object *text;
  struct buf json;
  int rc;

  json_object_object_add(wrapper, "name", json_object_new_string(
    crystal_ident(c->arena, c->name, false)));
  json_object_object_add(wrapper, "strict", json_object_new_boolean(1));
  json_object_object_add(wrapper, "schema", schema__copy(s));
  buf_init(&json, CRYSTAL_TEXT_MAX);
  crystal_emit_json(&json, wrapper, 0);
  buf_putc(&json, '\n');
  json_object_put(wrapper);
  crystal_buf_check(c, &json);
  text = json_object_new_string(json.data ? json.data : "");
  buf_release(&json);
  if (!format) {
    struct json_object *v = json_object_new_string("json_schema");

    rc = crystal_header_add(c, "responseFormat", v, "messages", note);
    json_object_put(v);
  } else {
    rc = crystal_change(c, path, format->span, "json_schema");
  }
  if (rc == 0 && key) {
    const struct node *value = node_get(a->root, "jsonSchema");

    rc = crystal_change(c, path, span_make(key->span.start,
                                           value->span.end),
                        crystal_yaml_entry(c, "jsonSchema", text, 0, NULL,
                                           true));
  } else if (rc == 0 && format) {
    uint32_t at = crystal_line_after(a, format->span.end);

    rc = crystal_change(c, path, span_make(at, at),
                        crystal_yaml_entry(c, "jsonSchema", text, 0, NULL,
                                           false));
  } else if (rc == 0) {
    rc = crystal_header_add(c, "jsonSchema", text, "messages", NULL);
  }
  json_object_put(text);
  return rc;
}

/* A VS Code prompt file links the schema after the fragment, as a
 * paragraph of its own: the agent reads a linked file. */
static int
schema__vscode(struct crystal *c, const char *path, bool object)
{
  const struct artifact *a = c->prompt;
  uint32_t at = crystal_line_after(a, c->edit->fragment.end);
  const char *rel = crystal_path_relative(c->arena, c->dir, path);
  const char *base = strrchr(path, '/');
  bool last = at >= a->src.len && a->src.len > 0 &&
              a->text[a->src.len - 1] != '\n';

  return crystal_change(c, c->req->prompt_path, span_make(at, at),
                        arena_printf(c->arena, "%s\nThe %s must match the "
                                     "schema in [%s](%s).\n", last ? "\n" : "",
                                     object ? "JSON" : "answer",
                                     base ? base + 1 : path, rel));
}

/* The is-json check in the promptfoo config that runs the prompt. */
static int
schema__promptfoo(struct crystal *c, const char *path)
{
  const struct artifact *cfg = c->req->eval;
  const char *cfg_path = c->req->eval_path;
  const struct node *dt = node_get(cfg->root, "defaultTest");
  const struct node *asserts = node_get(dt, "assert");
  struct json_object *check = json_object_new_object();
  const char *rel = crystal_path_relative(c->arena,
                                          crystal_path_dir(c->arena,
                                                           cfg_path), path);
  int rc;

  json_object_object_add(check, "type", json_object_new_string("is-json"));
  json_object_object_add(check, "value", json_object_new_string(
    arena_printf(c->arena, "file://%s", rel)));
  if (asserts && node_resolve(asserts)->kind == NODE_SEQ &&
      node_resolve(asserts)->count > 0)
    rc = crystal_yaml_append(c, cfg, cfg_path, asserts, check, NULL);
  else if (dt && node_resolve(dt)->kind == NODE_MAP) {
    struct json_object *list = json_object_new_array();

    json_object_array_add(list, json_object_get(check));
    rc = crystal_yaml_set(c, cfg, cfg_path, dt, "assert", list, NULL);
    json_object_put(list);
  } else if (dt) {
    rc = 0;   /* a defaultTest file: the note says where the check goes */
  } else {
    struct json_object *v = json_object_new_object();
    struct json_object *list = json_object_new_array();

    json_object_array_add(list, json_object_get(check));
    json_object_object_add(v, "assert", list);
    rc = crystal_yaml_set(c, cfg, cfg_path, cfg->root, "defaultTest", v,
                          NULL);
    json_object_put(v);
  }
  json_object_put(check);
  return rc;
}

/* What a schema's root is, in words: "an integer", "an object". */
static const char *
schema__root(struct json_object *s)
{
  const char *type = json_object_get_string(json_object_object_get(s,
                                                                   "type"));

  if (!type || strcmp(type, "object") == 0)
    return NULL;
  if (strcmp(type, "integer") == 0)
    return "a bare integer";
  if (strcmp(type, "number") == 0)
    return "a bare number";
  if (strcmp(type, "boolean") == 0)
    return "a bare true or false";
  return "not an object";
}

/*
 * Links the prompt to the schema in its own format; false when the
 * format has no way to, or the prompt pins its output already. *why_not
 * then says why, when the format cannot hold a schema whose root is no
 * object: Prompty outputs name an object's fields, and OpenAI's strict
 * structured outputs take an object at the root only.
 */
/* The prompt's own setting of its answer's format: a .prompt.yml's
 * responseFormat, a Dotprompt's output.format; NULL when it has none. */
static const struct node *
schema__format_set(const struct crystal *c)
{
  if (c->prompt->format == FORMAT_GITHUB_MODELS)
    return node_get(c->prompt->root, "responseFormat");
  if (c->prompt->format == FORMAT_DOTPROMPT)
    return node_get(node_get(c->prompt->root, "output"), "format");
  return NULL;
}

/* Whether facet links a prompt of the format to its schema. */
static bool
schema__linkable(enum artifact_format f)
{
  return f == FORMAT_PROMPTY || f == FORMAT_DOTPROMPT ||
         f == FORMAT_GITHUB_MODELS || vscode_format(f);
}

static int
schema__link(struct crystal *c, struct json_object *s, const char *path,
             bool placeholder, bool *linked, const char **why_not)
{
  const struct artifact *a = c->prompt;
  const char *rel = crystal_path_relative(c->arena, c->dir, path);
  const char *note = arena_printf(c->arena, "facet: a copy of %s", rel);
  const char *root = schema__root(s);
  struct json_object *outputs;
  int rc = 0;

  *why_not = NULL;
  *linked = !a->facts.output_schema;
  if (!*linked)
    return 0;
  /* A field to fill in would replace a format that works (json_object,
   * text) and fail every answer and evaluator the prompt has; in any
   * format, it would turn a prompt that asks for text into one whose
   * answer is a JSON object of a field nobody named. */
  if (placeholder && schema__format_set(c))
    *why_not = arena_printf(c->arena, "its one field is a placeholder, "
                            "and the prompt sets its format already (%s)",
                            node_str(schema__format_set(c))
                              ? node_str(schema__format_set(c)) : "set");
  else if (placeholder && schema__linkable(a->format))
    *why_not = "its one field is a placeholder to fill in";
  else if (root && a->format == FORMAT_PROMPTY)
    *why_not = "Prompty outputs name the fields of an object";
  else if (root && a->format == FORMAT_GITHUB_MODELS)
    *why_not = "a strict jsonSchema takes an object at its root";
  if (*why_not) {
    *linked = false;
    return 0;
  }
  switch (a->format) {
  case FORMAT_PROMPTY:
    outputs = schema__prompty_outputs(c, s);
    rc = crystal_header_add(c, "outputs", outputs, NULL, arena_printf(
                              c->arena, "facet: the fields of %s", rel));
    json_object_put(outputs);
    break;
  case FORMAT_DOTPROMPT:
    rc = schema__dotprompt(c, s, note);
    break;
  case FORMAT_GITHUB_MODELS:
    rc = schema__github_models(c, s, note);
    break;
  default:
    if (vscode_format(a->format))
      rc = schema__vscode(c, path, !root);
    else
      *linked = false;
    break;
  }
  return rc;
}

/* Whether the prompt asks for JSON already: its text says so, or a
 * .prompt.yml's responseFormat does. */
static bool
schema__asks_json(struct crystal *c)
{
  const char *texts[64];
  size_t n = crystal_prompt_texts(c, texts, sizeof texts / sizeof *texts);
  const char *format = node_str(node_get(c->prompt->root, "responseFormat"));

  if (c->prompt->format == FORMAT_GITHUB_MODELS && format &&
      strncmp(format, "json", 4) == 0)
    return true;
  for (size_t i = 0; i < n; i++)
    if (strcasestr(texts[i], "json"))
      return true;
  return false;
}

static const char *
schema__note(struct crystal *c, struct json_object *s, bool from_text,
             bool linked, const char *why_not)
{
  const char *parts[6];
  size_t n = 0;
  struct buf out;

  if (from_text && json_object_object_get_ex(json_object_object_get(
        s, "properties"), "result", NULL))
    parts[n++] = "the fragment shows no JSON example or field list, so the "
                 "schema has one field, result, to rename and describe";
  if (c->declared)
    parts[n++] = arena_printf(c->arena, "the fragment shows no JSON "
                              "example or field list, so the schema's "
                              "fields are those the prompt declares in %s",
                              c->declared);
  if (from_text && linked && !schema__asks_json(c))
    parts[n++] = "the prompt asks for text, and the link makes its answer "
                 "JSON: reword the prompt to match";
  if (from_text && c->req->eval)
    parts[n++] = arena_printf(c->arena, "%s gets no is-json check: its "
                              "tests check text answers", c->req->eval_path);
  if (why_not && schema__root(s))
    parts[n++] = arena_printf(c->arena, "the answer is %s, and %s, so "
                              "the prompt is not linked to the schema: an "
                              "eval's is-json check can use it",
                              schema__root(s), why_not);
  else if (why_not)
    parts[n++] = "the prompt is not linked to the schema until its fields "
                 "are filled in: then link it by hand";
  if (!linked && c->prompt->facts.output_schema)
    parts[n++] = arena_printf(c->arena, "the prompt pins its output "
                              "already (%s), which is left as it is",
                              c->prompt->facts.output_schema_where
                                ? c->prompt->facts.output_schema_where
                                : "in its header");
  if (c->req->eval && node_get(c->req->eval->root, "defaultTest") &&
      node_str(node_get(c->req->eval->root, "defaultTest")))
    parts[n++] = arena_printf(c->arena, "%s takes defaultTest from a file: "
                              "add the is-json check there",
                              c->req->eval_path);
  if (n == 0)
    return NULL;
  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (size_t i = 0; i < n; i++)
    buf_printf(&out, "%s%s", i ? "; " : "", parts[i]);
  return crystal_buf_keep(c, &out);
}

int
crystal_schema(struct crystal *c)
{
  bool from_text;
  bool linked;
  bool placeholder;
  const char *why_not;
  struct json_object *s = crystal_schema_infer(c, &from_text);
  const char *path = schema__path(c);
  struct json_object *doc;
  struct buf text;
  int rc;

  if (!s || !path) {
    json_object_put(s);
    c->edit->why = "no free name for the schema file";
    return 0;
  }
  doc = schema__document(c, s, path);
  buf_init(&text, CRYSTAL_TEXT_MAX);
  crystal_emit_json(&text, doc, 0);
  buf_putc(&text, '\n');
  json_object_put(doc);
  c->edit->files[c->edit->nfiles++] = (struct crystal_file){
    path, crystal_buf_keep(c, &text) };
  placeholder = from_text && json_object_object_get_ex(
    json_object_object_get(s, "properties"), "result", NULL);
  rc = schema__link(c, s, path, placeholder, &linked, &why_not);
  /* Its tests check text answers: an is-json check would fail them all. */
  if (rc == 0 && c->req->eval && !from_text)
    rc = schema__promptfoo(c, path);
  c->edit->note = schema__note(c, s, from_text, linked, why_not);
  /* Said before it is applied: a schema the prompt will not point to
   * pins nothing when it runs. */
  if (why_not)
    c->edit->title = arena_printf(c->arena, "Crystallise into a JSON Schema "
                                  "(%s; not linked: %s)", path, why_not);
  else if (!linked && c->prompt->facts.output_schema)
    c->edit->title = arena_printf(c->arena, "Crystallise into a JSON Schema "
                                  "(%s; not linked: the prompt's output is "
                                  "pinned already)", path);
  else
    c->edit->title = arena_printf(c->arena, "Crystallise into a JSON Schema "
                                  "(%s)", path);
  json_object_put(s);
  c->edit->made = rc == 0;
  return rc;
}
