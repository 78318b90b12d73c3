/*
 * Field lists: how prompts describe an output in prose.
 *
 *   - name: the customer's name
 *   - `score` (integer, 1-5): how sure the answer is
 *   * **tags** - a list of strings, at most 5
 *     - nested: a sub-field of an object field
 *
 * Each line gives a property; the words in its parentheses and its
 * description give the type, the allowed values, ranges, a format, and
 * whether it is optional. Lines that hold template tags ("Plan:
 * {{plan}}") fill a prompt in; they describe no output.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crystal_internal.h"
#include "crystal_re.h"

/* Fields one list may hold, and how deep sub-fields nest. */
#define FIELDS_MAX 256
#define FIELDS_DEPTH_MAX 8

struct field_line {
  size_t indent;
  bool bullet;
  bool marked;         /* the name was in backticks, bold or quotes */
  const char *name;
  size_t nname;
  const char *spec;    /* inside the parentheses, or NULL */
  size_t nspec;
  const char *desc;
  size_t ndesc;
  bool question;       /* "name?": optional */
};

/* Whether the whole word w (case-insensitive) is in the n bytes at s. */
bool
crystal_mentions(const char *s, size_t n, const char *w)
{
  size_t m = strlen(w);

  for (size_t i = 0; m && i + m <= n; i++) {
    if (strncasecmp(s + i, w, m) != 0)
      continue;
    if ((i == 0 || !isalnum((unsigned char)s[i - 1])) &&
        (i + m == n || !isalnum((unsigned char)s[i + m])))
      return true;
  }
  return false;
}

static size_t
fields__bullet(const char *s, size_t n)
{
  size_t i = 0;

  if (n >= 2 && strchr("-*+", s[0]) && s[1] == ' ')
    return 2;
  if (n >= 4 && memcmp(s, "\xE2\x80\xA2 ", 4) == 0)
    return 4;
  while (i < n && isdigit((unsigned char)s[i]))
    i++;
  if (i > 0 && i + 1 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ')
    return i + 2;
  return 0;
}

/* The field's name: `name`, **name**, "name" or a bare identifier. */
static size_t
fields__name(const char *s, size_t n, struct field_line *f)
{
  static const char *const marks[] = { "`", "**", "\"", "__" };

  for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
    size_t m = strlen(marks[k]);
    const char *end;

    if (n <= m || memcmp(s, marks[k], m) != 0)
      continue;
    end = memmem(s + m, n - m, marks[k], m);
    if (!end || end == s + m || memchr(s + m, ' ', (size_t)(end - s) - m))
      continue;
    f->name = s + m;
    f->nname = (size_t)(end - s) - m;
    f->marked = true;
    return (size_t)(end - s) + m;
  }
  if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
    return 0;
  f->name = s;
  while (f->nname < n && (isalnum((unsigned char)s[f->nname]) ||
                          strchr("_.-", s[f->nname])))
    f->nname++;
  while (f->nname > 0 && strchr(".-", s[f->nname - 1]))
    f->nname--;
  return f->nname;
}

static size_t
fields__blank(const char *s, size_t n, size_t i)
{
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i;
}

/* After the name: "?", "(spec)", then ":" or a dash, then the text. */
static bool
fields__rest(const char *s, size_t n, size_t i, struct field_line *f)
{
  static const char *const seps[] = {
    ":", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " =",
  };

  if (i < n && s[i] == '?') {
    f->question = true;
    i++;
  }
  i = fields__blank(s, n, i);
  if (i < n && s[i] == '(') {
    const char *close = memchr(s + i, ')', n - i);

    if (!close)
      return false;
    f->spec = s + i + 1;
    f->nspec = (size_t)(close - s) - i - 1;
    i = (size_t)(close - s) + 1;
  }
  for (size_t k = 0; k < sizeof seps / sizeof seps[0]; k++) {
    size_t m = strlen(seps[k]);
    size_t at = seps[k][0] == ' ' && i > 0 && s[i - 1] == ' ' ? i - 1 : i;

    if (at + m <= n && memcmp(s + at, seps[k], m) == 0) {
      i = fields__blank(s, n, at + m);
      f->desc = s + i;
      f->ndesc = n - i;
      return true;
    }
  }
  /* "`name` (integer)" with nothing after it is a field too. */
  i = fields__blank(s, n, i);
  f->desc = s + i;
  f->ndesc = n - i;
  return f->spec && i == n;
}

static bool
fields__line(const char *s, size_t n, struct field_line *f)
{
  size_t i = 0;
  size_t b;

  memset(f, 0, sizeof *f);
  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  f->indent = i;
  b = fields__bullet(s + i, n - i);
  f->bullet = b > 0;
  i += b;
  b = fields__name(s + i, n - i, f);
  if (!b || !fields__rest(s, n, i + b, f))
    return false;
  /* A line that fills the prompt in ("Plan: {{plan}}") is input. */
  if (memmem(f->desc, f->ndesc, "{{", 2) || memmem(f->desc, f->ndesc, "{%", 2)
      || memmem(f->desc, f->ndesc, "${", 2))
    return false;
  return f->bullet || f->marked;
}

/* The offset of the whole word w in the n bytes at s, or -1. */
static long
fields__find(const char *s, size_t n, const char *w)
{
  size_t m = strlen(w);

  for (size_t i = 0; m && i + m <= n; i++)
    if (strncasecmp(s + i, w, m) == 0 &&
        (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
        (i + m == n || !isalnum((unsigned char)s[i + m])))
      return (long)i;
  return -1;
}

/* The JSON type the text names first, or NULL; "list of numbers" also
 * gives the items' type. Words that only hint at a type ("whether") count
 * at the start of the text alone. */
static const char *
fields__type_word(const char *s, size_t n, const char **item)
{
  static const struct { const char *word; const char *type; bool lead; }
  words[] = {
    { "integer", "integer", 0 }, { "int", "integer", 0 },
    { "whole number", "integer", 0 }, { "number of", "integer", 0 },
    { "count", "integer", 1 }, { "number", "number", 0 },
    { "float", "number", 0 }, { "decimal", "number", 0 },
    { "double", "number", 0 }, { "numeric", "number", 0 },
    { "boolean", "boolean", 0 }, { "bool", "boolean", 0 },
    { "true or false", "boolean", 0 }, { "true/false", "boolean", 0 },
    { "yes/no", "boolean", 0 }, { "whether", "boolean", 1 },
    { "true if", "boolean", 1 }, { "true when", "boolean", 1 },
    { "list", "array", 0 }, { "array", "array", 0 },
    { "one or more", "array", 0 }, { "zero or more", "array", 0 },
    { "object", "object", 0 }, { "string", "string", 0 },
    { "text", "string", 0 },
  };
  static const char *const items[][2] = {
    { "strings", "string" }, { "numbers", "number" },
    { "integers", "integer" }, { "objects", "object" },
    { "booleans", "boolean" },
  };
  const char *found = NULL;
  long best = (long)n;
  size_t lead = 0;

  *item = NULL;
  while (lead < n && (isspace((unsigned char)s[lead]) || s[lead] == '('))
    lead++;
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    long at = fields__find(s, n, words[k].word);

    if (at >= 0 && at < best && (!words[k].lead || (size_t)at == lead)) {
      found = words[k].type;
      best = at;
    }
  }
  for (size_t k = 0; found && strcmp(found, "array") == 0 &&
                     k < sizeof items / sizeof items[0]; k++)
    if (fields__find(s, n, items[k][0]) >= 0)
      *item = items[k][1];
  return found;
}

static void
fields__set_type(struct json_object *schema, const char *type,
                 const char *item)
{
  json_object_object_add(schema, "type", json_object_new_string(type));
  if (strcmp(type, "array") == 0 &&
      !json_object_object_get_ex(schema, "items", NULL)) {
    struct json_object *items = json_object_new_object();

    json_object_object_add(items, "type",
                           json_object_new_string(item ? item : "string"));
    json_object_object_add(schema, "items", items);
  }
}

static double
fields__number(const char *s, size_t start, size_t end)
{
  char tmp[40];
  size_t n = end - start < sizeof tmp - 1 ? end - start : sizeof tmp - 1;

  memcpy(tmp, s + start, n);
  tmp[n] = '\0';
  return strtod(tmp, NULL);
}

static bool
fields__unit(const char *s, const struct crystal_re_match *m, int g,
             const char *const *units)
{
  if (!crystal_re_has(m, g))
    return false;
  for (; *units; units++)
    if (crystal_mentions(s + m->start[g], m->end[g] - m->start[g], *units))
      return true;
  return false;
}

static const char *const fields__chars[] = {
  "characters", "character", "chars", "letters", NULL,
};
static const char *const fields__items[] = {
  "items", "item", "entries", "elements", "values", "tags", "names",
  "points", "bullets", "keywords", "topics", "reasons", "steps", NULL,
};

static struct json_object *
fields__num(double v, bool integer)
{
  return integer ? json_object_new_int64((int64_t)v)
                 : json_object_new_double(v);
}

/* Sets a bound: minimum/maximum, or the length of a string or list. */
static void
fields__bound(struct json_object *schema, const char *s,
              const struct crystal_re_match *m, int num, int unit, bool max)
{
  const char *type = json_object_get_string(
    json_object_object_get(schema, "type"));
  double v = fields__number(s, m->start[num], m->end[num]);
  bool array = type && strcmp(type, "array") == 0;
  const char *key;

  if (fields__unit(s, m, unit, fields__chars))
    key = max ? "maxLength" : "minLength";
  else if (fields__unit(s, m, unit, fields__items) || array)
    key = max ? "maxItems" : "minItems";
  else if (crystal_re_has(m, unit))
    return;   /* "at most 3 words": no keyword says that */
  else
    key = max ? "maximum" : "minimum";
  if (strstr(key, "Length") || strstr(key, "Items")) {
    if (v >= 0 && v == (int64_t)v)
      json_object_object_add(schema, key, json_object_new_int64((int64_t)v));
    return;
  }
  json_object_object_add(schema, key, fields__num(v, v == (int64_t)v));
}

/* Ranges and bounds in the text: "1-5", "at least 0", "up to 3 items". */
static bool
fields__ranges(struct json_object *schema, const char *s, size_t n)
{
  struct crystal_re_match m;
  bool any = false;

  if (crystal_re_find(RE_RANGE, s, n, 0, &m)) {
    int lo = crystal_re_has(&m, 1) ? 1 : 3;
    double a = fields__number(s, m.start[lo], m.end[lo]);
    double b = fields__number(s, m.start[lo + 1], m.end[lo + 1]);

    if (a <= b && !fields__unit(s, &m, 5, fields__chars) &&
        !fields__unit(s, &m, 5, fields__items)) {
      json_object_object_add(schema, "minimum", fields__num(a, a == (int64_t)a));
      json_object_object_add(schema, "maximum", fields__num(b, b == (int64_t)b));
      return true;
    }
  }
  if (crystal_re_find(RE_MIN, s, n, 0, &m)) {
    int g = crystal_re_has(&m, 1) ? 1 : 3;

    fields__bound(schema, s, &m, g, g + 1, false);
    any = true;
  }
  if (crystal_re_find(RE_MAX, s, n, 0, &m)) {
    int g = crystal_re_has(&m, 1) ? 1 : 3;

    fields__bound(schema, s, &m, g, g + 1, true);
    any = true;
  }
  return any;
}

/* Formats a description names: a date, a date-time, an email, a URL. */
static void
fields__format(struct json_object *schema, const char *s, size_t n)
{
  struct crystal_re_match m;
  const char *format = NULL;

  if (crystal_re_find(RE_DATE, s, n, 0, &m))
    format = crystal_mentions(s, n, "time") ||
             crystal_mentions(s, n, "timestamp") ||
             crystal_mentions(s, n, "datetime") ? "date-time" : "date";
  else if (crystal_mentions(s, n, "email") || crystal_mentions(s, n, "e-mail"))
    format = "email";
  else if (crystal_mentions(s, n, "url") || crystal_mentions(s, n, "uri"))
    format = "uri";
  if (format)
    json_object_object_add(schema, "format", json_object_new_string(format));
}

static bool
fields__optional(const char *s, size_t n)
{
  return crystal_mentions(s, n, "optional") ||
         crystal_mentions(s, n, "if any") ||
         crystal_mentions(s, n, "if known") ||
         crystal_mentions(s, n, "or null") ||
         crystal_mentions(s, n, "may be null") ||
         crystal_mentions(s, n, "can be null") ||
         crystal_mentions(s, n, "nullable");
}

/* Allowed values: "one of: a, b, c", "either x or y", "(a|b|c)". */
static void
fields__enum(struct json_object *schema, const char *s, size_t n)
{
  struct crystal_re_match m;
  char *values[CRYSTAL_VALUES_MAX];
  size_t count = 0;
  size_t from = 0;

  if (crystal_re_find(RE_ONE_OF, s, n, 0, &m))
    from = m.end[0];
  else if (!memchr(s, '|', n))
    return;
  if (crystal_list_values(s + from, n - from, values, &count,
                          CRYSTAL_VALUES_MAX) && count >= 2) {
    struct json_object *list = json_object_new_array();

    for (size_t i = 0; i < count; i++)
      json_object_array_add(list, json_object_new_string(values[i]));
    json_object_object_add(schema, "enum", list);
    if (!json_object_object_get_ex(schema, "type", NULL))
      json_object_object_add(schema, "type",
                             json_object_new_string("string"));
  }
  for (size_t i = 0; i < count; i++)
    free(values[i]);
}

/* The text without what parentheses hold: "1 (can wait) to 4 (now)"
 * reads as the range it is. */
static char *
fields__unparen(const char *s, size_t n)
{
  char *out = malloc(n + 1);
  size_t len = 0;
  int depth = 0;

  if (!out)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    depth += s[i] == '(';
    if (depth == 0)
      out[len++] = s[i];
    depth -= s[i] == ')' && depth > 0;
  }
  out[len] = '\0';
  return out;
}

/*
 * What spec (the words in a field's parentheses, or a description) says
 * of the schema: type first, then values, ranges and format. Sets
 * "x-optional" when the text says the field may be left out; the caller
 * turns that into a nullable type.
 */
void
crystal_describe(struct json_object *schema, const char *s, size_t n)
{
  const char *item;
  const char *type = fields__type_word(s, n, &item);

  if (type && !json_object_object_get_ex(schema, "type", NULL))
    fields__set_type(schema, type, item);
  if (!json_object_object_get_ex(schema, "enum", NULL))
    fields__enum(schema, s, n);
  if (!json_object_object_get_ex(schema, "minimum", NULL) &&
      !json_object_object_get_ex(schema, "maximum", NULL)) {
    char *flat = fields__unparen(s, n);

    if (flat)
      fields__ranges(schema, flat, strlen(flat));
    free(flat);
  }
  if (!json_object_object_get_ex(schema, "format", NULL))
    fields__format(schema, s, n);
  if (fields__optional(s, n))
    json_object_object_add(schema, "x-optional", json_object_new_boolean(1));
}

/* A range of whole numbers with no type said is an integer. */
static void
fields__settle(struct json_object *schema)
{
  struct json_object *min = json_object_object_get(schema, "minimum");
  struct json_object *max = json_object_object_get(schema, "maximum");

  if (json_object_object_get_ex(schema, "type", NULL))
    return;
  if (min || max)
    json_object_object_add(schema, "type", json_object_new_string(
      (!min || json_object_is_type(min, json_type_int)) &&
      (!max || json_object_is_type(max, json_type_int)) ? "integer"
                                                        : "number"));
  else
    json_object_object_add(schema, "type", json_object_new_string("string"));
}

static char *
fields__trim(const char *s, size_t n)
{
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  while (n > 0 && isspace((unsigned char)*s)) {
    s++;
    n--;
  }
  return strndup(s, n);
}

static struct json_object *
fields__property(const struct field_line *f)
{
  struct json_object *schema = json_object_new_object();
  char *desc = fields__trim(f->desc, f->ndesc);

  if (f->spec)
    crystal_describe(schema, f->spec, f->nspec);
  crystal_describe(schema, f->desc, f->ndesc);
  if (f->question)
    json_object_object_add(schema, "x-optional", json_object_new_boolean(1));
  if (desc && desc[0])
    json_object_object_add(schema, "description",
                           json_object_new_string(desc));
  free(desc);
  return schema;
}

/* Where sub-fields go: the properties of an object, or of list items. */
static struct json_object *
fields__container(struct json_object *parent)
{
  struct json_object *type = json_object_object_get(parent, "type");
  struct json_object *items = json_object_object_get(parent, "items");
  struct json_object *target = parent;

  if (type && strcmp(json_object_get_string(type), "array") == 0 && items) {
    json_object_object_add(items, "type", json_object_new_string("object"));
    target = items;
  } else if (!type || strcmp(json_object_get_string(type), "object") != 0) {
    json_object_object_add(parent, "type", json_object_new_string("object"));
  }
  if (!json_object_object_get_ex(target, "properties", NULL))
    json_object_object_add(target, "properties", json_object_new_object());
  return json_object_object_get(target, "properties");
}

/* Reorders and completes an object schema: required, no extra keys;
 * optional fields become nullable and stay listed as required. */
void
crystal_fields_close(struct json_object *obj)
{
  struct json_object *props = json_object_object_get(obj, "properties");
  struct json_object *required = json_object_new_array();

  json_object_object_foreach(props, name, prop) {
    struct json_object *type;

    fields__settle(prop);
    type = json_object_object_get(prop, "type");
    if (json_object_object_get_ex(prop, "x-optional", NULL)) {
      struct json_object *both = json_object_new_array();

      json_object_array_add(both, json_object_get(type));
      json_object_array_add(both, json_object_new_string("null"));
      json_object_object_add(prop, "type", both);
      json_object_object_del(prop, "x-optional");
    }
    json_object_array_add(required, json_object_new_string(name));
    if (json_object_object_get_ex(prop, "properties", NULL))
      crystal_fields_close(prop);
    if (json_object_object_get_ex(json_object_object_get(prop, "items"),
                                  "properties", NULL))
      crystal_fields_close(json_object_object_get(prop, "items"));
  }
  json_object_object_add(obj, "required", required);
  json_object_object_add(obj, "additionalProperties",
                         json_object_new_boolean(0));
}

/* Finds the object schema sub-fields at this indent belong to. */
static struct json_object *
fields__parent(struct json_object **stack, size_t *indents, size_t *depth,
               size_t indent)
{
  while (*depth > 1 && indents[*depth - 1] >= indent)
    (*depth)--;
  return stack[*depth - 1];
}

struct json_object *
crystal_fields_parse(const char *s, size_t n)
{
  struct json_object *root = json_object_new_object();
  struct json_object *stack[FIELDS_DEPTH_MAX + 1];
  size_t indents[FIELDS_DEPTH_MAX + 1];
  struct json_object *last = NULL;
  size_t last_indent = 0;
  size_t depth = 1;
  size_t count = 0;
  bool any_marked = false;

  json_object_object_add(root, "type", json_object_new_string("object"));
  stack[0] = fields__container(root);
  indents[0] = 0;
  for (size_t i = 0; i < n && count < FIELDS_MAX;) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - s) : n;
    struct field_line f;

    if (fields__line(s + i, end - i, &f)) {
      char *name = strndup(f.name, f.nname);
      struct json_object *parent;

      if (last && f.indent > last_indent && depth <= FIELDS_DEPTH_MAX) {
        stack[depth] = fields__container(last);
        indents[depth++] = last_indent;
      }
      parent = fields__parent(stack, indents, &depth, f.indent);
      last = fields__property(&f);
      last_indent = f.indent;
      json_object_object_add(parent, name, last);
      free(name);
      any_marked |= f.marked;
      count++;
    }
    i = end + 1;
  }
  if (count < 2 && !(count == 1 && any_marked)) {
    json_object_put(root);
    return NULL;
  }
  crystal_fields_close(root);
  return root;
}

/* Whether a schema's "type" (a name or a list of names) has name. */
static bool
fields__has_type(struct json_object *type, const char *name)
{
  if (json_object_is_type(type, json_type_string))
    return strcmp(json_object_get_string(type), name) == 0;
  for (size_t i = 0; json_object_is_type(type, json_type_array) &&
                     i < json_object_array_length(type); i++)
    if (strcmp(json_object_get_string(json_object_array_get_idx(type, i)),
               name) == 0)
      return true;
  return false;
}

/* Whether the field schema p may be null: optional, or null among its
 * types. */
static bool
fields__nullable(struct json_object *p)
{
  return json_object_object_get_ex(p, "x-optional", NULL) ||
         fields__has_type(json_object_object_get(p, "type"), "null");
}

/* The rule of kind about field: the one there is, else the field line's
 * own rule no check fits (turned into kind), else a new one. NULL when
 * there is one of that kind already, or no room. */
static struct crystal_rule *
fields__rule(struct crystal *c, const char *field,
             enum crystal_rule_kind kind, const char *sentence)
{
  struct crystal_rule *other = NULL;
  struct crystal_rule *r;

  for (size_t i = 0; i < c->nrules; i++) {
    r = &c->rules[i];
    if (!r->field || strcmp(r->field, field) != 0)
      continue;
    if (r->kind == kind)
      return NULL;
    if (r->kind == RULE_OTHER && !other)
      other = r;
  }
  if (other) {
    other->kind = kind;
    return other;
  }
  if (c->nrules == CRYSTAL_RULES_MAX)
    return NULL;
  r = &c->rules[c->nrules++];
  memset(r, 0, sizeof *r);
  r->kind = kind;
  r->field = arena_strndup(c->arena, field, strlen(field));
  r->sentence = sentence;
  return r;
}

/* Whether values is a list of strings that fits a rule. */
static bool
fields__strings(struct json_object *values)
{
  size_t n = json_object_is_type(values, json_type_array)
               ? json_object_array_length(values) : 0;

  if (n == 0 || n > CRYSTAL_VALUES_MAX)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!json_object_is_type(json_object_array_get_idx(values, i),
                             json_type_string))
      return false;
  return true;
}

static void
fields__rules_of(struct crystal *c, const char *key, struct json_object *p)
{
  struct json_object *min = json_object_object_get(p, "minimum");
  struct json_object *max = json_object_object_get(p, "maximum");
  struct json_object *values = json_object_object_get(p, "enum");
  struct json_object *type = json_object_object_get(p, "type");
  const char *format = json_object_get_string(json_object_object_get(
    p, "format"));
  const char *about = json_object_get_string(json_object_object_get(
    p, "description"));
  const char *sentence = arena_printf(c->arena, "%s: %s", key,
                                      about ? about : "as listed");
  struct crystal_rule *r;

  if (min && max && (r = fields__rule(c, key, RULE_RANGE, sentence))) {
    r->min = json_object_get_double(min);
    r->max = json_object_get_double(max);
    r->integer = fields__has_type(type, "integer");
  }
  if (fields__strings(values) &&
      (r = fields__rule(c, key, RULE_ONE_OF, sentence))) {
    r->nvalues = json_object_array_length(values);
    for (size_t i = 0; i < r->nvalues; i++) {
      struct json_object *v = json_object_array_get_idx(values, i);

      r->values[i] = arena_strndup(c->arena, json_object_get_string(v),
                                   (size_t)json_object_get_string_len(v));
    }
  }
  if (format && strcmp(format, "date") == 0 &&
      (r = fields__rule(c, key, RULE_DATE, sentence)))
    r->format = "YYYY-MM-DD";
}

void
crystal_fields_rules(struct crystal *c)
{
  struct json_object *props = json_object_object_get(c->fields,
                                                     "properties");

  if (!json_object_is_type(props, json_type_object))
    return;
  json_object_object_foreach(props, key, p)
    fields__rules_of(c, key, p);
  for (size_t i = 0; i < c->nrules; i++) {
    struct json_object *p = c->rules[i].field
      ? json_object_object_get(props, c->rules[i].field) : NULL;

    c->rules[i].nullable = p && fields__nullable(p);
  }
}
