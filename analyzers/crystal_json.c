/*
 * JSON examples as prompts write them. Few are strict JSON: values are
 * often placeholders ("name": <the customer's name>, "answer": the answer
 * content, "score": {{score}}), lists end in "...", keys lose their
 * quotes, lists keep a trailing comma and a member's line forgets its
 * comma. The reader here takes all of
 * that, marks each placeholder (a string whose text says what belongs
 * there), and says whether the example was strict JSON, so that a test
 * can check the schema against it.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "crystal_internal.h"

/* Nesting a JSON example may have before the reader gives up. */
#define EXAMPLE_DEPTH_MAX 32

/* Marks a placeholder (json-c userdata); never dereferenced. */
static char example__mark;

struct example_reader {
  const char *s;
  size_t n;
  size_t i;
  bool strict;
  int depth;
};

bool
crystal_is_placeholder(struct json_object *v)
{
  return v && json_object_get_userdata(v) == &example__mark;
}

static struct json_object *
example__placeholder(const char *s, size_t n)
{
  struct json_object *v;

  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  while (n > 0 && isspace((unsigned char)*s)) {
    s++;
    n--;
  }
  v = json_object_new_string_len(s, (int)n);
  if (v)
    json_object_set_userdata(v, &example__mark, NULL);
  return v;
}

static void
example__blank(struct example_reader *r)
{
  while (r->i < r->n) {
    char ch = r->s[r->i];

    if (isspace((unsigned char)ch)) {
      r->i++;
    } else if (ch == '/' && r->i + 1 < r->n && r->s[r->i + 1] == '/') {
      r->strict = false;
      while (r->i < r->n && r->s[r->i] != '\n')
        r->i++;
    } else if (ch == '/' && r->i + 1 < r->n && r->s[r->i + 1] == '*') {
      const char *end = memmem(r->s + r->i + 2, r->n - r->i - 2, "*/", 2);

      r->strict = false;
      r->i = end ? (size_t)(end - r->s) + 2 : r->n;
    } else {
      return;
    }
  }
}

static int example__value(struct example_reader *r, struct json_object **out);

/* A quoted string, by JSON's escapes (or with single quotes, loosely). */
static struct json_object *
example__string(struct example_reader *r)
{
  char quote = r->s[r->i];
  size_t start = ++r->i;
  struct json_tokener *tok;
  struct json_object *v;

  if (quote == '\'')
    r->strict = false;
  while (r->i < r->n && r->s[r->i] != quote && r->s[r->i] != '\n')
    r->i += r->s[r->i] == '\\' ? 2 : 1;
  if (r->i >= r->n || r->s[r->i] != quote)
    return NULL;
  r->i++;
  if (quote == '\'')
    return json_object_new_string_len(r->s + start,
                                      (int)(r->i - 1 - start));
  tok = json_tokener_new();
  v = tok ? json_tokener_parse_ex(tok, r->s + start - 1,
                                  (int)(r->i - start + 1)) : NULL;
  if (tok)
    json_tokener_free(tok);
  return v;
}

/* Text up to the next ',', '}' or ']' at this level (or a newline). */
static struct json_object *
example__bare(struct example_reader *r)
{
  size_t start = r->i;
  int nest = 0;

  while (r->i < r->n) {
    char ch = r->s[r->i];

    if ((ch == ',' || ch == '}' || ch == ']' || ch == '\n') && nest == 0)
      break;
    nest += (ch == '<' || ch == '(' || ch == '{') -
            (ch == '>' || ch == ')' || ch == '}');
    r->i++;
  }
  return example__placeholder(r->s + start, r->i - start);
}

/* A number, true, false or null written as JSON; else a placeholder.
 * Returns 0, 1 for null (*out is NULL), or -1. */
static int
example__word(struct example_reader *r, struct json_object **out)
{
  size_t start = r->i;
  char word[64];
  size_t end;

  while (r->i < r->n && !strchr(",}]\n \t\r", r->s[r->i]))
    r->i++;
  end = r->i;
  while (r->i < r->n && (r->s[r->i] == ' ' || r->s[r->i] == '\t'))
    r->i++;
  /* A word ending its line is the value, whatever comes next. */
  if (r->i < r->n && !strchr(",}]\r\n", r->s[r->i])) {
    r->i = start;   /* more words follow: a placeholder phrase */
    r->strict = false;
    *out = example__bare(r);
    return *out ? 0 : -1;
  }
  if (end - start < sizeof word) {
    memcpy(word, r->s + start, end - start);
    word[end - start] = '\0';
    if (strcmp(word, "null") == 0) {
      *out = NULL;
      return 1;   /* JSON null: a value, though no object */
    }
    *out = json_tokener_parse(word);
    if (*out)
      return 0;
  }
  r->strict = false;
  *out = example__placeholder(r->s + start, end - start);
  return *out ? 0 : -1;
}

static bool
example__ellipsis(struct example_reader *r)
{
  if (r->i + 3 <= r->n && memcmp(r->s + r->i, "...", 3) == 0) {
    r->i += 3;
  } else if (r->i + 3 <= r->n && memcmp(r->s + r->i, "\xE2\x80\xA6", 3) == 0) {
    r->i += 3;
  } else {
    return false;
  }
  r->strict = false;
  return true;
}

/* After an item: ',' (maybe trailing) or the closing bracket; in an
 * object, a member on a line of its own after one whose comma was
 * forgotten, as hand-written examples do. */
static bool
example__next(struct example_reader *r, char close)
{
  size_t from = r->i;

  example__blank(r);
  if (close == '}' && r->i < r->n && r->s[r->i] == '"' &&
      memchr(r->s + from, '\n', r->i - from)) {
    r->strict = false;
    return true;
  }
  if (r->i < r->n && r->s[r->i] == ',') {
    r->i++;
    example__blank(r);
    if (r->i < r->n && r->s[r->i] == close)
      r->strict = false;
    return true;
  }
  return r->i < r->n && r->s[r->i] == close;
}

static struct json_object *
example__key(struct example_reader *r)
{
  size_t start = r->i;

  if (r->s[r->i] == '"' || r->s[r->i] == '\'')
    return example__string(r);
  while (r->i < r->n && (isalnum((unsigned char)r->s[r->i]) ||
                         r->s[r->i] == '_' || r->s[r->i] == '-' ||
                         r->s[r->i] == '$'))
    r->i++;
  r->strict = false;
  return r->i > start ? json_object_new_string_len(r->s + start,
                                                   (int)(r->i - start))
                      : NULL;
}

static bool
example__member(struct example_reader *r, struct json_object *obj)
{
  struct json_object *key;
  struct json_object *val;

  if (example__ellipsis(r))
    return true;
  key = example__key(r);
  example__blank(r);
  if (!key || !json_object_is_type(key, json_type_string) ||
      r->i >= r->n || r->s[r->i] != ':') {
    json_object_put(key);
    return false;
  }
  r->i++;
  if (example__value(r, &val)) {
    json_object_put(key);
    return false;
  }
  json_object_object_add(obj, json_object_get_string(key), val);
  json_object_put(key);
  return true;
}

static struct json_object *
example__object(struct example_reader *r)
{
  struct json_object *obj = json_object_new_object();

  r->i++;
  example__blank(r);
  while (obj && r->i < r->n && r->s[r->i] != '}') {
    if (!example__member(r, obj) || !example__next(r, '}')) {
      json_object_put(obj);
      return NULL;
    }
  }
  if (!obj || r->i >= r->n) {
    json_object_put(obj);
    return NULL;
  }
  r->i++;
  return obj;
}

static struct json_object *
example__array(struct example_reader *r)
{
  struct json_object *arr = json_object_new_array();

  r->i++;
  example__blank(r);
  while (arr && r->i < r->n && r->s[r->i] != ']') {
    if (!example__ellipsis(r)) {
      struct json_object *v;

      if (example__value(r, &v)) {
        json_object_put(arr);
        return NULL;
      }
      json_object_array_add(arr, v);
    }
    if (!example__next(r, ']')) {
      json_object_put(arr);
      return NULL;
    }
  }
  if (!arr || r->i >= r->n) {
    json_object_put(arr);
    return NULL;
  }
  r->i++;
  return arr;
}

/* A template tag as a value ({{ score }}) says what goes there. */
static struct json_object *
example__tag(struct example_reader *r)
{
  const char *end = memmem(r->s + r->i, r->n - r->i, "}}", 2);
  size_t start = r->i;

  if (!end)
    return NULL;
  r->i = (size_t)(end - r->s) + 2;
  r->strict = false;
  return example__placeholder(r->s + start, r->i - start);
}

/* Reads one value into *out (NULL for JSON null). Returns 0, or -1 when
 * the text is no value. */
static int
example__value(struct example_reader *r, struct json_object **out)
{
  const char *s = r->s;
  int rc = 0;

  *out = NULL;
  example__blank(r);
  if (r->i >= r->n || r->depth >= EXAMPLE_DEPTH_MAX)
    return -1;
  r->depth++;
  if (r->i + 1 < r->n && s[r->i] == '{' && s[r->i + 1] == '{')
    *out = example__tag(r);
  else if (s[r->i] == '{')
    *out = example__object(r);
  else if (s[r->i] == '[')
    *out = example__array(r);
  else if (s[r->i] == '"' || s[r->i] == '\'')
    *out = example__string(r);
  else if (s[r->i] == '<') {
    r->strict = false;
    *out = example__bare(r);
  } else
    rc = example__word(r, out);
  r->depth--;
  if (rc == 1)
    return 0;
  return rc == 0 && *out ? 0 : -1;
}

/* Whether v is worth a schema: an object with members, or a list of
 * objects. */
static bool
example__shaped(struct json_object *v)
{
  if (json_object_is_type(v, json_type_object))
    return json_object_object_length(v) > 0;
  return json_object_is_type(v, json_type_array) &&
         json_object_array_length(v) > 0 &&
         json_object_is_type(json_object_array_get_idx(v, 0),
                             json_type_object);
}

/* Reads a value at s[at] (a '{' or '['); the whole text when whole. */
static bool
example__try(const char *s, size_t n, size_t at, bool whole,
             struct crystal_example *out)
{
  struct example_reader r = { s, n, at, true, 0 };
  struct json_object *v;

  if (example__value(&r, &v))
    return false;
  example__blank(&r);
  if (!v || !example__shaped(v) || (whole && r.i < n)) {
    json_object_put(v);
    return false;
  }
  out->value = v;
  out->strict = r.strict;
  out->span = span_make((uint32_t)at, (uint32_t)r.i);
  return true;
}

/* The body of the first fenced code block in text, if any. */
static bool
example__fence(const char *s, size_t n, size_t *start, size_t *end)
{
  const char *open = memmem(s, n, "```", 3);
  const char *nl;
  const char *close;

  if (!open)
    return false;
  nl = memchr(open, '\n', n - (size_t)(open - s));
  if (!nl)
    return false;
  close = memmem(nl, n - (size_t)(nl - s), "\n```", 4);
  *start = (size_t)(nl + 1 - s);
  *end = close ? (size_t)(close - s) + 1 : n;
  return true;
}

bool
crystal_example_find(const char *s, size_t n, struct crystal_example *out)
{
  size_t start;
  size_t end;

  memset(out, 0, sizeof *out);
  if (example__fence(s, n, &start, &end)) {
    size_t i = start;

    while (i < end && isspace((unsigned char)s[i]))
      i++;
    if (i < end && (s[i] == '{' || s[i] == '[') &&
        example__try(s, end, i, true, out)) {
      out->span.end = (uint32_t)end;
      return true;
    }
  }
  for (size_t i = 0; i < n; i++) {
    bool tag = i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '%' ||
                             s[i + 1] == '#');

    if ((s[i] == '{' && !tag && (i == 0 || s[i - 1] != '{')) ||
        s[i] == '[') {
      if (example__try(s, n, i, false, out))
        return true;
    }
  }
  return false;
}

void
crystal_example_release(struct crystal_example *ex)
{
  json_object_put(ex->value);
  ex->value = NULL;
}

bool
crystal_json_same_keys(struct json_object *a, struct json_object *b)
{
  if (!json_object_is_type(a, json_type_object) ||
      !json_object_is_type(b, json_type_object) ||
      json_object_object_length(a) != json_object_object_length(b))
    return false;
  json_object_object_foreach(a, key, v) {
    (void)v;
    if (!json_object_object_get_ex(b, key, NULL))
      return false;
  }
  return true;
}
