#include "assert_eval.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <json-c/json.h>
#include <pcre2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>

#include "assertion.h"
#include "buf.h"
#include "evalfile.h"
#include "json_syntax.h"
#include "jsonschema.h"
#include "tree.h"
#include "utf8.h"

/*
 * The validator's translation of ECMA-262 patterns to PCRE2: JSON
 * Schema's pattern and JavaScript's RegExp are the same language, so a
 * regex assertion compiles through it too.
 */
int jsre_compile(const char *src, size_t len, pcre2_code **out, char *why,
                 size_t size, size_t *at);

/* Values longer than this are quoted shortened in reasons. */
#define ASSERT_QUOTE_MAX 40
/* Levenshtein's table past this many cells is not worth filling. */
#define ASSERT_LEVENSHTEIN_CELLS ((size_t)1 << 24)

struct aeval {
  const struct evassert *as;
  const struct assert_env *env;
  const char *out;
  size_t len;
  bool negated;
  const char *base;          /* the type without "not-" */
  struct assert_verdict *v;
};

static void
aeval__set(struct aeval *e, enum assert_outcome o, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void
aeval__set(struct aeval *e, enum assert_outcome o, const char *fmt, ...)
{
  va_list ap;

  e->v->outcome = o;
  va_start(ap, fmt);
  vsnprintf(e->v->reason, sizeof e->v->reason, fmt, ap);
  va_end(ap);
}

/* s quoted for a reason, shortened on a character boundary. */
static const char *
aeval__quote(const char *s, char *buf, size_t size)
{
  size_t n = strlen(s);
  size_t cut = n;

  if (n > ASSERT_QUOTE_MAX) {
    cut = ASSERT_QUOTE_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
      cut--;
  }
  snprintf(buf, size, "'%.*s%s'", (int)cut, s, cut < n ? "\xE2\x80\xA6" : "");
  return buf;
}

/* Renders {{ name }} in value from the test's variables; false when the
 * template holds more than names (filters, tags) or an unknown name. */
static bool
aeval__render(const struct aeval *e, const char *value, struct buf *out)
{
  const char *p = value;

  while (*p) {
    const char *open = strstr(p, "{{");
    const char *close;
    char name[128];
    size_t a;
    size_t b;
    const char *text;

    if (strstr(p, "{%") && (!open || strstr(p, "{%") < open))
      return false;
    if (!open) {
      buf_puts(out, p);
      return true;
    }
    buf_append(out, p, (size_t)(open - p));
    close = strstr(open + 2, "}}");
    if (!close)
      return false;
    a = 2;
    b = (size_t)(close - open);
    while (!e->env->literal_vars && a < b && open[a] == ' ')
      a++;
    while (!e->env->literal_vars && b > a && open[b - 1] == ' ')
      b--;
    if (b - a == 0 || b - a >= sizeof name)
      return false;
    memcpy(name, open + a, b - a);
    name[b - a] = '\0';
    for (size_t i = 0; name[i]; i++)
      if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
          !(e->env->literal_vars && strchr("-.", name[i])))
        return false;
    text = e->env->var ? e->env->var(e->env->ctx, name) : NULL;
    if (!text) {
      if (!e->env->literal_vars)
        return false;
      /* GitHub Models leaves an unknown placeholder as it is. */
      buf_append(out, open, (size_t)(close - open) + 2);
    } else {
      buf_puts(out, text);
    }
    p = close + 2;
  }
  return true;
}

/* The value as text to compare with, rendered; NULL when it cannot be. */
static char *
aeval__text(struct aeval *e, struct json_object *value)
{
  const char *s;
  struct buf b;

  if (json_object_is_type(value, json_type_string))
    s = json_object_get_string(value);
  else if (value && !json_object_is_type(value, json_type_object) &&
           !json_object_is_type(value, json_type_array))
    s = json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN);
  else
    return NULL;
  buf_init(&b, (size_t)1 << 20);
  if (!aeval__render(e, s, &b)) {
    buf_release(&b);
    aeval__set(e, ASSERT_SKIP, "its value is a template facet does not "
               "render");
    return NULL;
  }
  if (!b.data)
    buf_puts(&b, "");
  return buf_detach(&b);
}

/* s folded to lower case (Unicode), a new string. */
static char *
aeval__fold(const char *s, size_t n, size_t *len)
{
  uint8_t *r = u8_tolower((const uint8_t *)s, n, NULL, NULL, NULL, len);
  char *z;

  if (!r)
    return NULL;
  z = realloc(r, *len + 1);
  if (!z) {
    free(r);
    return NULL;
  }
  z[*len] = '\0';
  return z;
}

static bool
aeval__contains(const char *hay, size_t n, const char *needle, bool fold)
{
  size_t hl;
  size_t nl;
  char *h;
  char *k;
  bool hit;

  if (!fold)
    return memmem(hay, n, needle, strlen(needle)) != NULL;
  h = aeval__fold(hay, n, &hl);
  k = aeval__fold(needle, strlen(needle), &nl);
  hit = h && k && memmem(h, hl, k, nl) != NULL;
  free(h);
  free(k);
  return hit;
}

static bool
aeval__starts(const char *hay, size_t n, const char *needle, bool fold,
              bool at_end)
{
  size_t hl = n;
  size_t nl = strlen(needle);
  char *h = NULL;
  char *k = NULL;
  bool hit;

  if (fold) {
    h = aeval__fold(hay, n, &hl);
    k = aeval__fold(needle, nl, &nl);
    if (!h || !k) {
      free(h);
      free(k);
      return false;
    }
    hay = h;
    needle = k;
  }
  hit = nl <= hl && memcmp(at_end ? hay + hl - nl : hay, needle, nl) == 0;
  free(h);
  free(k);
  return hit;
}

/* Ends the evaluation: pass is the un-negated result, what the check. */
static void
aeval__verdict(struct aeval *e, bool pass, const char *what)
{
  if (e->negated)
    pass = !pass;
  if (pass)
    aeval__set(e, ASSERT_PASS, "%s", "");
  else
    aeval__set(e, ASSERT_FAIL, "expected %s%s", e->negated ? "not " : "",
               what);
}

static void
aeval__substring(struct aeval *e, struct json_object *value, bool fold,
                 int where)
{
  static const char *const verbs[] = { "to contain", "to start with",
                                       "to end with", "to equal" };
  char *text = aeval__text(e, value);
  char q[ASSERT_QUOTE_MAX + 16];
  char what[ASSERT_QUOTE_MAX + 48];
  bool hit;

  if (!text) {
    if (e->v->outcome != ASSERT_SKIP)
      aeval__set(e, ASSERT_SKIP, "its value is not text");
    return;
  }
  if (where == 0)
    hit = aeval__contains(e->out, e->len, text, fold);
  else if (where == 3)
    hit = strlen(text) == e->len && memcmp(text, e->out, e->len) == 0;
  else
    hit = aeval__starts(e->out, e->len, text, fold, where == 2);
  snprintf(what, sizeof what, "%s %s%s", e->negated && where == 0
                                           ? "to contain"
                                           : verbs[where],
           aeval__quote(text, q, sizeof q), fold ? " (any case)" : "");
  aeval__verdict(e, hit, what);
  free(text);
}

/* contains-any, contains-all and their icontains forms. */
static void
aeval__some(struct aeval *e, struct json_object *value, bool fold, bool all)
{
  struct json_object *list = value;
  struct json_object *split = NULL;
  char q[ASSERT_QUOTE_MAX + 16];
  char what[ASSERT_QUOTE_MAX + 64] = "";
  size_t n;
  bool hit = all;

  if (json_object_is_type(value, json_type_string)) {
    /* A string is a comma-separated list, as promptfoo splits it. */
    char *copy = strdup(json_object_get_string(value));

    split = json_object_new_array();
    for (char *tok = copy ? strtok(copy, ",") : NULL; tok;
         tok = strtok(NULL, ",")) {
      size_t len = strlen(tok);

      /* Each value trimmed at both ends, as promptfoo trims it. */
      while (*tok == ' ' || *tok == '\t' || *tok == '\n' || *tok == '\r')
        tok++, len--;
      while (len && (tok[len - 1] == ' ' || tok[len - 1] == '\t' ||
                     tok[len - 1] == '\n' || tok[len - 1] == '\r'))
        len--;
      json_object_array_add(split, json_object_new_string_len(tok, (int)len));
    }
    free(copy);
    list = split;
  }
  if (!json_object_is_type(list, json_type_array)) {
    aeval__set(e, ASSERT_SKIP, "its value is not a list");
    json_object_put(split);
    return;
  }
  n = json_object_array_length(list);
  for (size_t i = 0; i < n; i++) {
    char *text = aeval__text(e, json_object_array_get_idx(list, i));
    bool c;

    if (!text) {
      json_object_put(split);
      if (e->v->outcome != ASSERT_SKIP)
        aeval__set(e, ASSERT_SKIP, "a value of its list is not text");
      return;
    }
    c = aeval__contains(e->out, e->len, text, fold);
    if (all && !c && hit) {
      hit = false;
      snprintf(what, sizeof what, "to contain %s%s",
               aeval__quote(text, q, sizeof q), fold ? " (any case)" : "");
    }
    hit = all ? hit : hit || c;
    free(text);
  }
  if (!all)
    snprintf(what, sizeof what, "to contain one of %zu values%s", n,
             fold ? " (any case)" : "");
  if (all && e->negated)
    snprintf(what, sizeof what, "to contain all %zu values", n);
  aeval__verdict(e, hit, what);
  json_object_put(split);
}

static void
aeval__regex(struct aeval *e, struct json_object *value)
{
  char *text = aeval__text(e, value);
  pcre2_code *code = NULL;
  pcre2_match_data *md;
  char why[128];
  char q[ASSERT_QUOTE_MAX + 16];
  char what[ASSERT_QUOTE_MAX + 48];
  size_t at;
  int rc;

  if (!text) {
    if (e->v->outcome != ASSERT_SKIP)
      aeval__set(e, ASSERT_SKIP, "its value is not a pattern");
    return;
  }
  if (jsre_compile(text, strlen(text), &code, why, sizeof why, &at)) {
    aeval__set(e, ASSERT_SKIP, "its pattern does not compile: %s", why);
    free(text);
    return;
  }
  md = pcre2_match_data_create_from_pattern(code, NULL);
  rc = md ? pcre2_match(code, (PCRE2_SPTR)e->out, e->len, 0, 0, md, NULL)
          : PCRE2_ERROR_NOMEMORY;
  snprintf(what, sizeof what, "to match %s", aeval__quote(text, q,
                                                          sizeof q));
  if (rc < 0 && rc != PCRE2_ERROR_NOMATCH)
    aeval__set(e, ASSERT_SKIP, "the pattern could not be run (PCRE2 error "
               "%d)", rc);
  else
    aeval__verdict(e, rc >= 0, what);
  pcre2_match_data_free(md);
  pcre2_code_free(code);
  free(text);
}

/* The schema an is-json value gives, compiled; NULL when none (or when
 * it is unusable, with the verdict set to skip). */
static struct js_schema *
aeval__schema(struct aeval *e, struct json_object *value, bool *skip)
{
  struct json_object *schema = value;
  struct json_object *loaded = NULL;
  struct js_schema *compiled = NULL;

  *skip = false;
  if (!value)
    return NULL;
  if (e->as->ref != EVAL_NONE) {
    size_t len = 0;
    char why[96] = "";
    char *text = e->env->schema ? e->env->schema(e->env->ctx, e->as, &len,
                                                 why, sizeof why)
                                : NULL;

    loaded = text ? json_tokener_parse(text) : NULL;
    free(text);
    if (!loaded) {
      if (!text && why[0])
        aeval__set(e, ASSERT_SKIP, "its schema file was not read: %s", why);
      else
        aeval__set(e, ASSERT_SKIP, "its schema file could not be read as "
                   "JSON");
      *skip = true;
      return NULL;
    }
    schema = loaded;
  }
  if (!json_object_is_type(schema, json_type_object) &&
      !json_object_is_type(schema, json_type_boolean)) {
    json_object_put(loaded);
    return NULL;
  }
  if (js_schema_compile(schema, NULL, &compiled)) {
    aeval__set(e, ASSERT_SKIP, "out of memory compiling its schema");
    *skip = true;
  }
  json_object_put(loaded);
  return compiled;
}

/* Whether json (the output's value) fits schema; why it does not. */
static bool
aeval__fits(struct js_schema *schema, struct json_object *json, char *why,
            size_t size)
{
  struct js_result r;
  bool ok;

  if (!schema)
    return true;
  js_result_init(&r);
  js_validate(schema, json, &r);
  ok = r.count == 0;
  if (!ok)
    snprintf(why, size, "%s%s%s", r.errors[0].instance_path[0]
                                    ? r.errors[0].instance_path : "",
             r.errors[0].instance_path[0] ? ": " : "", r.errors[0].message);
  js_result_release(&r);
  return ok;
}

/*
 * Whether [s, s + n) holds a JSON value (into *out, NULL for null) by
 * RFC 8259, as JSON.parse reads it: a bare `42` or `null` too. With
 * whole, nothing but white space may follow it; otherwise json-c finds
 * where the value at s ends and *end (may be NULL) says where.
 */
static bool
aeval__parse(const char *s, size_t n, struct json_object **out, size_t *end,
             bool whole)
{
  size_t at = n;
  bool ok;

  *out = NULL;
  if (!whole) {
    struct json_tokener *tok = json_tokener_new_ex(TREE_DEPTH_MAX);
    struct json_object *v;

    if (!tok)
      return false;
    v = json_tokener_parse_ex(tok, s, (int)n);
    at = json_tokener_get_error(tok) == json_tokener_success
           ? json_tokener_get_parse_end(tok) : 0;
    json_object_put(v);
    json_tokener_free(tok);
  }
  ok = at && at <= UINT32_MAX && json_text_parse(s, (uint32_t)at, out, NULL);
  if (end)
    *end = at;
  return ok;
}

static void
aeval__is_json(struct aeval *e, struct json_object *value)
{
  size_t a = 0;
  bool skip;
  struct js_schema *schema = aeval__schema(e, value, &skip);
  struct json_object *json;
  char why[128] = "";
  bool ok;
  bool parsed;

  if (skip)
    return;
  while (a < e->len && isspace((unsigned char)e->out[a]))
    a++;
  parsed = aeval__parse(e->out + a, e->len - a, &json, NULL, true);
  ok = parsed && aeval__fits(schema, json, why, sizeof why);
  if (parsed && !ok) {
    char what[200];

    snprintf(what, sizeof what, "JSON that fits its schema (%s)", why);
    aeval__verdict(e, false, what);
  } else {
    aeval__verdict(e, ok, "valid JSON");
  }
  json_object_put(json);
  js_schema_free(schema);
}

/* contains-json: some {...} or [...] in the text parses (and fits). */
static void
aeval__contains_json(struct aeval *e, struct json_object *value)
{
  bool skip;
  struct js_schema *schema = aeval__schema(e, value, &skip);
  bool found = false;
  char why[128] = "";
  char first[128] = "";   /* why the first JSON found does not fit */

  if (skip)
    return;
  for (size_t i = 0; i < e->len && !found; i++) {
    struct json_object *json;
    size_t end;

    if (e->out[i] != '{' && e->out[i] != '[')
      continue;
    if (aeval__parse(e->out + i, e->len - i, &json, &end, false)) {
      found = aeval__fits(schema, json, why, sizeof why);
      if (!found && !first[0])
        snprintf(first, sizeof first, "%s", why);
    }
    json_object_put(json);
  }
  if (!found && first[0]) {
    char what[200];

    snprintf(what, sizeof what, "to contain JSON that fits its schema (%s)",
             first);
    aeval__verdict(e, false, what);
  } else {
    aeval__verdict(e, found, schema ? "to contain JSON that fits its schema"
                                    : "to contain JSON");
  }
  js_schema_free(schema);
}

/* Code points of s, for the edit distance. */
static uint32_t *
aeval__points(const char *s, size_t n, size_t *count)
{
  uint32_t *cp = malloc((n + 1) * sizeof *cp);
  size_t k = 0;

  for (size_t i = 0; cp && i < n;) {
    int len = utf8_decode(s + i, n - i, &cp[k]);

    i += len > 0 ? (size_t)len : 1;
    k++;
  }
  *count = k;
  return cp;
}

static size_t
aeval__distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
  size_t *row = malloc((m + 1) * sizeof *row);
  size_t d;

  if (!row)
    return (size_t)-1;
  for (size_t j = 0; j <= m; j++)
    row[j] = j;
  for (size_t i = 1; i <= n; i++) {
    size_t diag = row[0];

    row[0] = i;
    for (size_t j = 1; j <= m; j++) {
      size_t up = row[j];
      size_t best = diag + (a[i - 1] != b[j - 1]);

      if (up + 1 < best)
        best = up + 1;
      if (row[j - 1] + 1 < best)
        best = row[j - 1] + 1;
      row[j] = best;
      diag = up;
    }
  }
  d = row[m];
  free(row);
  return d;
}

static void
aeval__levenshtein(struct aeval *e, struct json_object *value)
{
  char *text = aeval__text(e, value);
  double limit = e->as->has_threshold ? e->as->threshold : 5;
  uint32_t *a;
  uint32_t *b;
  size_t n;
  size_t m;
  size_t d;
  char q[ASSERT_QUOTE_MAX + 16];
  char what[ASSERT_QUOTE_MAX + 64];

  if (!text) {
    if (e->v->outcome != ASSERT_SKIP)
      aeval__set(e, ASSERT_SKIP, "its value is not text");
    return;
  }
  a = aeval__points(e->out, e->len, &n);
  b = aeval__points(text, strlen(text), &m);
  if (!a || !b || (n + 1) * (m + 1) > ASSERT_LEVENSHTEIN_CELLS) {
    aeval__set(e, ASSERT_SKIP, "the texts are too long to compare here");
  } else {
    d = aeval__distance(a, n, b, m);
    snprintf(what, sizeof what, "within %g edits of %s (it is %zu)", limit,
             aeval__quote(text, q, sizeof q), d);
    aeval__verdict(e, (double)d <= limit, what);
  }
  free(a);
  free(b);
  free(text);
}

/* equals with an object or list: the output must parse to the same. */
static void
aeval__equals(struct aeval *e, struct json_object *value)
{
  struct json_object *json;
  size_t a = 0;

  if (!json_object_is_type(value, json_type_object) &&
      !json_object_is_type(value, json_type_array)) {
    aeval__substring(e, value, false, 3);
    return;
  }
  while (a < e->len && isspace((unsigned char)e->out[a]))
    a++;
  aeval__verdict(e, aeval__parse(e->out + a, e->len - a, &json, NULL, true)
                   && json_object_equal(json, value),
                 "JSON equal to its value");
  json_object_put(json);
}

static void
aeval__run(struct aeval *e, struct json_object *value)
{
  const char *b = e->base;

  if (strcmp(b, "equals") == 0 || strcmp(b, "string.equals") == 0)
    aeval__equals(e, value);
  else if (strcmp(b, "contains") == 0)
    aeval__substring(e, value, false, 0);
  else if (strcmp(b, "icontains") == 0 ||
           strcmp(b, "string.contains") == 0)
    aeval__substring(e, value, true, 0);
  else if (strcmp(b, "starts-with") == 0)
    aeval__substring(e, value, false, 1);
  else if (strcmp(b, "string.startsWith") == 0)
    aeval__substring(e, value, true, 1);
  else if (strcmp(b, "string.endsWith") == 0)
    aeval__substring(e, value, true, 2);
  else if (strcmp(b, "contains-any") == 0 || strcmp(b, "contains-all") == 0)
    aeval__some(e, value, false, b[9] == 'a' && b[10] == 'l');
  else if (strcmp(b, "icontains-any") == 0 ||
           strcmp(b, "icontains-all") == 0)
    aeval__some(e, value, true, b[10] == 'a' && b[11] == 'l');
  else if (strcmp(b, "regex") == 0)
    aeval__regex(e, value);
  else if (strcmp(b, "is-json") == 0)
    aeval__is_json(e, value);
  else if (strcmp(b, "contains-json") == 0)
    aeval__contains_json(e, value);
  else if (strcmp(b, "levenshtein") == 0)
    aeval__levenshtein(e, value);
  else
    aeval__set(e, ASSERT_SKIP, "facet does not run %s", b);
}

void
assert_eval(const struct evassert *as, const char *output, size_t len,
            const struct assert_env *env, struct assert_verdict *out)
{
  struct aeval e = { as, env, output, len, false, as->type, out };
  const struct assertion_type *t = assertion_lookup(as->type, &e.negated);
  struct json_object *value = NULL;

  out->outcome = ASSERT_SKIP;
  out->reason[0] = '\0';
  if (!t) {
    aeval__set(&e, ASSERT_SKIP, "facet does not know the type %s", as->type);
    return;
  }
  if (t->cls != ASSERTION_LOCAL) {
    aeval__set(&e, ASSERT_SKIP, "%s", t->needs);
    return;
  }
  if (as->flags & EVASSERT_TRANSFORMED) {
    aeval__set(&e, ASSERT_SKIP, "code transforms the output first");
    return;
  }
  if (!output) {
    aeval__set(&e, ASSERT_SKIP, "there is no output to check");
    return;
  }
  e.base = t->name;
  if (as->value)
    value = json_tokener_parse(as->value);
  if (as->value && !value && strcmp(as->value, "null") != 0) {
    aeval__set(&e, ASSERT_SKIP, "its value could not be read");
    return;
  }
  if (t->needs_value && !value && strcmp(t->name, "is-json") != 0) {
    aeval__set(&e, ASSERT_SKIP, "it has no value to compare with");
    return;
  }
  aeval__run(&e, value);
  json_object_put(value);
}
