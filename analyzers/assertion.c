#include "assertion.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "diag.h"
#include "shape.h"
#include "tree.h"

#define L ASSERTION_LOCAL
#define C ASSERTION_CODE
#define M ASSERTION_METRIC
#define G ASSERTION_MODEL
#define S ASSERTION_GROUP
#define SCORE THRESHOLD_SCORE
#define NONNEG THRESHOLD_NONNEG

static const char assertion__model[] = "a model grades it";
static const char assertion__code[] = "it runs code facet does not run";
static const char assertion__rules[] = "facet does not implement this check";
static const char assertion__run[] = "it measures the run itself";
static const char assertion__group[] = "it groups or ranks other checks";

/* promptfoo's assertion types (current and recent releases). */
static const struct assertion_type assertion__types[] = {
  { "answer-relevance", G, false, SCORE, assertion__model },
  { "assert-set", S, false, SCORE, assertion__group },
  { "bleu", C, true, SCORE, assertion__rules },
  { "classifier", G, false, SCORE, assertion__model },
  { "contains", L, true, 0, NULL },
  { "contains-all", L, true, 0, NULL },
  { "contains-any", L, true, 0, NULL },
  { "contains-html", C, false, 0, assertion__rules },
  { "contains-json", L, false, 0, NULL },
  { "contains-sql", C, false, 0, assertion__rules },
  { "contains-xml", C, false, 0, assertion__rules },
  { "context-faithfulness", G, false, SCORE, assertion__model },
  { "context-recall", G, true, SCORE, assertion__model },
  { "context-relevance", G, false, SCORE, assertion__model },
  { "conversation-relevance", G, false, SCORE, assertion__model },
  { "cost", M, false, NONNEG, assertion__run },
  { "equals", L, true, 0, NULL },
  { "factuality", G, true, 0, assertion__model },
  { "finish-reason", M, true, 0, assertion__run },
  { "g-eval", G, true, SCORE, assertion__model },
  { "gleu", C, true, SCORE, assertion__rules },
  { "guardrails", M, false, 0, assertion__run },
  { "human", S, false, 0, assertion__group },
  { "icontains", L, true, 0, NULL },
  { "icontains-all", L, true, 0, NULL },
  { "icontains-any", L, true, 0, NULL },
  { "is-html", C, false, 0, assertion__rules },
  { "is-json", L, false, 0, NULL },
  { "is-refusal", C, false, 0, assertion__rules },
  { "is-sql", C, false, 0, assertion__rules },
  { "is-valid-function-call", C, false, 0, assertion__rules },
  { "is-valid-openai-function-call", C, false, 0, assertion__rules },
  { "is-valid-openai-tools-call", C, false, 0, assertion__rules },
  { "is-xml", C, false, 0, assertion__rules },
  { "javascript", C, true, 0, assertion__code },
  { "latency", M, false, NONNEG, assertion__run },
  { "levenshtein", L, true, NONNEG, NULL },
  { "llm-rubric", G, true, SCORE, assertion__model },
  { "max-score", S, false, 0, assertion__group },
  { "meteor", C, true, SCORE, assertion__rules },
  { "model-graded-closedqa", G, true, SCORE, assertion__model },
  { "model-graded-factuality", G, true, SCORE, assertion__model },
  { "moderation", G, false, 0, assertion__model },
  { "perplexity", M, false, NONNEG, assertion__run },
  { "perplexity-score", M, false, SCORE, assertion__run },
  { "pi", G, true, SCORE, assertion__model },
  { "python", C, true, 0, assertion__code },
  { "regex", L, true, 0, NULL },
  { "rouge-l", C, true, SCORE, assertion__rules },
  { "rouge-n", C, true, SCORE, assertion__rules },
  { "rouge-s", C, true, SCORE, assertion__rules },
  { "ruby", C, true, 0, assertion__code },
  { "search-rubric", G, true, SCORE, assertion__model },
  { "select-best", S, true, 0, assertion__group },
  { "similar", G, true, SCORE, assertion__model },
  { "similar:cosine", G, true, SCORE, assertion__model },
  { "similar:dot", G, true, SCORE, assertion__model },
  { "similar:euclidean", G, true, SCORE, assertion__model },
  { "skill-used", C, true, 0, assertion__rules },
  { "starts-with", L, true, 0, NULL },
  { "tool-call-f1", C, true, SCORE, assertion__rules },
  { "trace-error-spans", M, false, 0, assertion__run },
  { "trace-span-count", M, true, 0, assertion__run },
  { "trace-span-duration", M, true, 0, assertion__run },
  { "trajectory:goal-success", G, true, SCORE, assertion__model },
  { "trajectory:step-count", M, true, 0, assertion__run },
  { "trajectory:tool-args-match", M, true, 0, assertion__run },
  { "trajectory:tool-sequence", M, true, 0, assertion__run },
  { "trajectory:tool-used", M, true, 0, assertion__run },
  { "webhook", C, true, 0, assertion__code },
  { "word-count", C, true, 0, assertion__rules },
  /* GitHub Models evaluators, read into the same shape. */
  { "string.equals", L, true, 0, NULL },
  { "string.contains", L, true, 0, NULL },
  { "string.startsWith", L, true, 0, NULL },
  { "string.endsWith", L, true, 0, NULL },
  { "llm", G, false, 0, assertion__model },
  { "uses", G, false, 0, assertion__model },
};

#define ASSERTION__COUNT (sizeof assertion__types / sizeof *assertion__types)

static const struct assertion_type *
assertion__find(const char *name, size_t n)
{
  /* Every test's assertions are looked up on each edit of a config:
   * the first byte rules out most names without reading them whole. */
  for (size_t i = 0; i < ASSERTION__COUNT; i++) {
    const char *t = assertion__types[i].name;

    if (n && t[0] == name[0] && strncmp(t, name, n) == 0 && t[n] == '\0')
      return &assertion__types[i];
  }
  return NULL;
}

const struct assertion_type *
assertion_lookup(const char *type, bool *negated)
{
  const struct assertion_type *t;
  bool neg = false;

  if (!type)
    return NULL;
  t = assertion__find(type, strlen(type));
  /* Red-team plugins grade with their own, open set of names. */
  if (!t && strncmp(type, "promptfoo:redteam:", 18) == 0)
    t = assertion__find("llm-rubric", 10);
  if (!t && strncmp(type, "not-", 4) == 0) {
    t = assertion__find(type + 4, strlen(type + 4));
    neg = t != NULL;
    if (t && (t->cls == ASSERTION_GROUP || strchr(t->name, '.')))
      t = NULL;
  }
  if (negated)
    *negated = neg;
  return t;
}

const char *
assertion_suggest(const char *type)
{
  const char *names[ASSERTION__COUNT + 1];
  bool neg = strncmp(type, "not-", 4) == 0;

  for (size_t i = 0; i < ASSERTION__COUNT; i++)
    names[i] = assertion__types[i].name;
  names[ASSERTION__COUNT] = NULL;
  return shape_suggest(NULL, names, neg ? type + 4 : type);
}

bool
assertion_deterministic(const char *type)
{
  const struct assertion_type *t = assertion_lookup(type, NULL);

  return t && (t->cls == ASSERTION_LOCAL || t->cls == ASSERTION_CODE ||
               t->cls == ASSERTION_METRIC);
}

/* Whether text is a template promptfoo renders before using it. */
static bool
assertion__templated(const char *s)
{
  return strstr(s, "{{") || strstr(s, "{%");
}

/*
 * Compiles a regex value as JavaScript's RegExp reads it, closely enough
 * to tell a pattern that cannot compile: empty classes, \uHHHH and
 * \u{...} are accepted as ECMA-262 accepts them.
 */
/*
 * Patterns that compiled, by hash, per thread: each edit of a config
 * checks all its regex assertions again, and most have not changed. A
 * pattern that does not compile is compiled again each time, for its
 * message.
 */
#define ASSERTION_REGEX_CACHE 256

/* The characters (code points) in the first n bytes of UTF-8 text s. */
static size_t
assertion__chars(const char *s, size_t n)
{
  size_t count = 0;

  for (size_t i = 0; i < n; i++)
    count += ((unsigned char)s[i] & 0xC0) != 0x80;
  return count;
}
static _Thread_local uint64_t assertion__regex_ok[ASSERTION_REGEX_CACHE];

void
assertion_check_pattern(const char *s, size_t len, struct span span,
                        struct diag_list *diags)
{
  uint64_t key;
  uint64_t *slot;
  uint32_t options = PCRE2_UTF | PCRE2_ALLOW_EMPTY_CLASS | PCRE2_ALT_BSUX |
                     PCRE2_MATCH_INVALID_UTF;
  pcre2_compile_context *ctx;
  pcre2_code *code;
  PCRE2_SIZE offset = 0;
  int err = 0;
  char why[160];

  if (!s || assertion__templated(s))
    return;
  key = XXH3_64bits(s, len) | 1;
  slot = &assertion__regex_ok[key % ASSERTION_REGEX_CACHE];
  if (*slot == key)
    return;
  ctx = pcre2_compile_context_create(NULL);
  if (!ctx)
    return;
  pcre2_set_compile_extra_options(ctx, PCRE2_EXTRA_ALT_BSUX);
  code = pcre2_compile((PCRE2_SPTR)s, len, options, &err, &offset, ctx);
  pcre2_compile_context_free(ctx);
  if (code) {
    pcre2_code_free(code);
    *slot = key;
    return;
  }
  pcre2_get_error_message(err, (PCRE2_UCHAR *)why, sizeof why);
  /* ECMA-262 allows lookbehinds of any length; PCRE2 10.42 does not. */
  if (strstr(why, "lookbehind")) {
    *slot = key;
    return;
  }
  /* PCRE2 counts bytes; the editor and the user count characters. */
  diag_add(diags, DIAG_INVALID_REGEX, span,
           "this regex does not compile: %s (%zu characters into the "
           "pattern)", why, assertion__chars(s, offset < len ? offset : len));
}

void
assertion_check_threshold(const char *type, const char *text, size_t len,
                          struct span span, struct diag_list *diags)
{
  const struct assertion_type *t = assertion_lookup(type, NULL);
  char s[64];
  double v;

  if (!t || len == 0 || len >= sizeof s)
    return;
  memcpy(s, text, len);
  s[len] = '\0';
  v = strtod(s, NULL);
  if (t->threshold == THRESHOLD_SCORE && (v < 0 || v > 1))
    diag_add(diags, DIAG_THRESHOLD_RANGE, span,
             "%s scores from 0 to 1, so a threshold of %s %s", t->name, s,
             v > 1 ? "can never be met" : "always passes");
  else if (t->threshold == THRESHOLD_NONNEG && v < 0)
    diag_add(diags, DIAG_THRESHOLD_RANGE, span,
             "a %s threshold below 0 can never be met", t->name);
}

static void
assertion__check_threshold(const char *type, const struct node *th,
                           struct diag_list *diags)
{
  const char *s = node_str(th);

  if (!s || (th->type != SCALAR_INT && th->type != SCALAR_FLOAT))
    return;
  assertion_check_threshold(type, s, th->u.scalar.len, th->span, diags);
}

void
assertion_check_fraction(const struct node *threshold,
                         struct diag_list *diags)
{
  const char *s = node_str(threshold);
  double v;

  if (!s || (threshold->type != SCALAR_INT &&
             threshold->type != SCALAR_FLOAT))
    return;
  v = strtod(s, NULL);
  if (v < 0 || v > 1)
    diag_add(diags, DIAG_THRESHOLD_RANGE, threshold->span,
             "a test's threshold is the share of its weighted checks that "
             "must pass, from 0 to 1; %s %s", s,
             v > 1 ? "can never be met" : "always passes");
}

static void
assertion__unknown(const char *name, const struct node *type,
                   struct diag_list *diags)
{
  const char *near = assertion_suggest(name);
  struct diagnostic *d;

  if (!near) {
    diag_add(diags, DIAG_UNKNOWN_ASSERTION, type->span,
             "unknown assertion type '%s'", name);
    return;
  }
  d = diag_add(diags, DIAG_UNKNOWN_ASSERTION, type->span,
               "unknown assertion type '%s'; did you mean '%s%s'?", name,
               strncmp(name, "not-", 4) == 0 ? "not-" : "", near);
  if (d && strncmp(name, "not-", 4) != 0)
    d->replacement = near;
}

void
assertion_check(const struct source *src, const struct node *assertion,
                struct diag_list *diags)
{
  const struct node *type = node_get(assertion, "type");
  const struct node *value = node_get_key(assertion, "value") ?
                             node_get(assertion, "value") : NULL;
  const char *name = node_str(type);
  const struct assertion_type *t;
  bool negated;

  (void)src;
  if (!name || type->type != SCALAR_STRING)
    return;
  t = assertion_lookup(name, &negated);
  if (!t) {
    assertion__unknown(name, type, diags);
    return;
  }
  if (t->needs_value &&
      (!value || (value->kind == NODE_SCALAR && value->type == SCALAR_NULL) ||
       (value->kind != NODE_SCALAR && value->count == 0)))
    diag_add(diags, DIAG_ASSERTION_VALUE, type->span,
             "%s %s assertion needs a value to compare with",
             strchr("aeiou", name[0]) ? "an" : "a", name);
  if (strcmp(t->name, "regex") == 0 && value && node_str(value) &&
      value->type == SCALAR_STRING)
    assertion_check_pattern(node_str(value), value->u.scalar.len,
                            value->span, diags);
  if (node_get(assertion, "threshold"))
    assertion__check_threshold(name, node_get(assertion, "threshold"),
                               diags);
}

/* Whether [s, s + n) names a base type, as the CSV syntax allows. */
static bool
assertion__base(const char *s, size_t n)
{
  const struct assertion_type *t = assertion__find(s, n);

  return t && !strchr(t->name, '.') && strcmp(t->name, "llm") != 0 &&
         strcmp(t->name, "uses") != 0;
}

static bool
assertion__prefix(const char *text, size_t len, const char *p)
{
  size_t n = strlen(p);

  return len >= n && memcmp(text, p, n) == 0;
}

static bool
assertion__suffix(const char *text, size_t len, const char *p)
{
  size_t n = strlen(p);

  return len >= n && memcmp(text + len - n, p, n) == 0;
}

/* The legacy prefixes, which name a type and keep the rest as value. */
static bool
assertion__legacy(const char *text, size_t len, const char **type,
                  size_t *type_len, size_t *value_at)
{
  static const struct { const char *prefix; const char *type; } legacy[] = {
    { "javascript:", "javascript" }, { "fn:", "javascript" },
    { "eval:", "javascript" }, { "grade:", "llm-rubric" },
    { "llm-rubric:", "llm-rubric" }, { "python:", "python" },
  };

  for (size_t i = 0; i < sizeof legacy / sizeof *legacy; i++) {
    if (!assertion__prefix(text, len, legacy[i].prefix))
      continue;
    *type = legacy[i].type;
    *type_len = strlen(legacy[i].type);
    *value_at = strlen(legacy[i].prefix);
    return true;
  }
  if (assertion__prefix(text, len, "file://") &&
      (assertion__suffix(text, len, ".py") ||
       assertion__suffix(text, len, ".js") ||
       assertion__suffix(text, len, ".ts"))) {
    *type = assertion__suffix(text, len, ".py") ? "python" : "javascript";
    *type_len = strlen(*type);
    *value_at = 0;
    return true;
  }
  return false;
}

bool
assertion_from_string(const char *text, size_t len, const char **type,
                      size_t *type_len, size_t *value_at, double *threshold)
{
  size_t i = 0;
  size_t base;
  char *end;

  if (assertion__legacy(text, len, type, type_len, value_at))
    return false;
  *type = "equals";
  *type_len = 6;
  *value_at = 0;
  if (assertion__prefix(text, len, "not-"))
    i = 4;
  base = i;
  while (i < len && text[i] != ':' && text[i] != '(')
    i++;
  /* "similar:cosine" is one name with a colon in it. */
  if (i < len && text[i] == ':' && !assertion__base(text + base, i - base)) {
    size_t j = i + 1;

    while (j < len && text[j] != ':' && text[j] != '(')
      j++;
    if (assertion__base(text + base, j - base))
      i = j;
  }
  if (!assertion__base(text + base, i - base))
    return false;
  if (i < len && text[i] == '(') {
    double t = strtod(text + i + 1, &end);
    size_t close = (size_t)(end - text);

    if (end == text + i + 1 || close >= len || *end != ')' ||
        (close + 1 < len && text[close + 1] != ':'))
      return false;
    *type = text;
    *type_len = i;
    *threshold = t;
    *value_at = close + 1 < len ? close + 2 : len;
    return true;
  }
  if (i < len && text[i] != ':')
    return false;
  *type = text;
  *type_len = i;
  *value_at = i < len ? i + 1 : len;
  return false;
}
