/*
 * Rules and few-shot examples, read from a fragment's prose.
 *
 * The text is cut into sentences (a bullet item, or a run of lines, split
 * at ". "), and each sentence is matched against the ways prompts state a
 * rule: a ban ("never mention X"), a length limit ("at most 3
 * sentences"), a list of allowed values ("one of: a, b, c"), a format
 * ("dates as YYYY-MM-DD"), a language. A sentence that is an instruction
 * but matches none of them is still a rule: a rubric quotes it. Examples
 * are labelled pairs (Input:/Output:, Q:/A:, User:/Assistant:, a
 * "text" -> label line).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "crystal_internal.h"
#include "crystal_re.h"

/* Longest sentence read as a rule; longer ones are prose. */
#define RULES_SENTENCE_MAX 600

/* Words in a value of a list that is not quoted. */
#define LIST_WORDS_MAX 2

static char *
rules__dup(struct crystal *c, const char *s, size_t n)
{
  return arena_strndup(c->arena, s, n);
}

static bool
rules__quote(unsigned char ch)
{
  return ch == '"' || ch == '\'' || ch == '`' || ch == '*';
}

/* s[i] starts a typographic quote (U+2018, U+2019, U+201C, U+201D). */
static size_t
rules__curly(const char *s, size_t n, size_t i)
{
  if (i + 3 <= n && (unsigned char)s[i] == 0xE2 &&
      (unsigned char)s[i + 1] == 0x80 &&
      ((unsigned char)s[i + 2] >= 0x98 && (unsigned char)s[i + 2] <= 0x9D))
    return 3;
  return 0;
}

/* Whether the word looks like a value rather than prose: FUNNY_JOKE,
 * not-a-joke, `x`. */
static bool
rules__token(const char *s, size_t n)
{
  bool upper = n >= 2;
  bool joined = false;

  for (size_t i = 0; i < n; i++) {
    upper &= isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
             s[i] == '_';
    joined |= s[i] == '_' || (s[i] == '-' && i > 0 && i + 1 < n);
  }
  return upper || joined;
}

/* One value of a list, trimmed of blanks, quotes and a final period. The
 * first may follow prose ("as a verdict in the response FUNNY_JOKE"):
 * then its last word is the value when it looks like one. */
static char *
rules__value(const char *s, size_t n, bool *quoted, bool first)
{
  size_t words = 1;

  *quoted = false;
  while (n > 0 && (isspace((unsigned char)*s) || *s == '(')) {
    s++;
    n--;
  }
  while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '.' ||
                   s[n - 1] == ')' || s[n - 1] == ';'))
    n--;
  for (;;) {
    size_t lq = n && rules__quote((unsigned char)s[0]) ? 1
              : rules__curly(s, n, 0);
    size_t rq = n && rules__quote((unsigned char)s[n - 1]) ? 1
              : n >= 3 ? rules__curly(s, n, n - 3) : 0;

    if (!lq || !rq || lq + rq > n)
      break;
    s += lq;
    n -= lq + rq;
    *quoted = true;
  }
  for (size_t i = 0; i < n; i++)
    words += s[i] == ' ';
  if (first && !*quoted && words > LIST_WORDS_MAX) {
    const char *last = s + n;

    while (last > s && last[-1] != ' ')
      last--;
    if (rules__token(last, (size_t)(s + n - last)))
      return strndup(last, (size_t)(s + n - last));
  }
  if (n == 0 || n > 60 || (!*quoted && words > LIST_WORDS_MAX))
    return NULL;
  return strndup(s, n);
}

/* Where the list ends: the end of its sentence. */
static size_t
rules__list_end(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (s[i] == ';' || (s[i] == '\n' && i + 1 < n && s[i + 1] == '\n'))
      return i;
    if ((s[i] == '.' || s[i] == '!' || s[i] == '?') &&
        (i + 1 == n || isspace((unsigned char)s[i + 1])))
      return i;
  }
  return n;
}

static size_t
rules__separator(const char *s, size_t n, size_t i)
{
  static const char *const words[] = { ", or ", ", and ", " or ", " and " };

  if (s[i] == ',' || s[i] == '|' || s[i] == '/')
    return 1;
  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    size_t m = strlen(words[k]);

    if (i + m <= n && strncasecmp(s + i, words[k], m) == 0)
      return m;
  }
  return 0;
}

/*
 * The values of a list ("low, medium, or high", "`a` | `b`"), after an
 * optional ':' lead-in, up to the end of the sentence. Values are new
 * strings the caller frees. Returns false when a value is not one (more
 * than two words unquoted, or empty), having kept those before it.
 */
bool
crystal_list_values(const char *s, size_t n, char **out, size_t *count,
                    size_t max)
{
  const char *colon = memchr(s, ':', n);
  size_t start = 0;
  bool quoted;

  *count = 0;
  if (colon && (size_t)(colon - s) < 40)
    start = (size_t)(colon - s) + 1;
  n = start + rules__list_end(s + start, n - start);
  for (size_t i = start; i <= n && *count < max;) {
    size_t sep = 0;
    size_t j = i;
    char *v;

    while (j < n && !(sep = rules__separator(s, n, j)))
      j++;
    v = rules__value(s + i, j - i, &quoted, *count == 0);
    if (!v)
      return *count > 0 && j == n;
    out[(*count)++] = v;
    i = j + (sep ? sep : 1);
  }
  return *count > 0;
}

/* Copies list values into the arena as a rule's values. */
static void
rules__keep_values(struct crystal *c, struct crystal_rule *r, char **v,
                   size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (r->nvalues < CRYSTAL_VALUES_MAX)
      r->values[r->nvalues++] = rules__dup(c, v[i], strlen(v[i]));
    free(v[i]);
  }
}

static long
rules__number(const char *s, size_t n, const char **var, struct crystal *c)
{
  static const char *const words[] = {
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
    "nine", "ten", "eleven", "twelve",
  };
  const char *def;

  *var = NULL;
  if (n >= 2 && s[0] == '{') {
    const char *name = s + 2;

    while (*name == '-' || *name == ' ')
      name++;
    *var = rules__dup(c, name, strcspn(name, " |}-"));
    def = memmem(s, n, "default(", 8);
    return def ? strtol(def + 8, NULL, 10) : 0;
  }
  if (isdigit((unsigned char)s[0]))
    return strtol(s, NULL, 10);
  if (n > 2 && strncasecmp(s, "a single", 8) == 0)
    return 1;
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
      return (long)i;
  if (strncasecmp(s, "fifteen", n) == 0)
    return 15;
  if (strncasecmp(s, "twenty", n) == 0)
    return 20;
  if (strncasecmp(s, "thirty", n) == 0)
    return 30;
  if (strncasecmp(s, "forty", n) == 0)
    return 40;
  return strncasecmp(s, "fifty", n) == 0 ? 50 : 0;
}

static enum crystal_unit
rules__unit(const char *s)
{
  switch (tolower((unsigned char)s[0])) {
  case 's': return UNIT_SENTENCES;
  case 'w': return UNIT_WORDS;
  case 'c': return UNIT_CHARACTERS;
  case 'l': return UNIT_LINES;
  case 'p': return UNIT_PARAGRAPHS;
  default: return UNIT_ITEMS;
  }
}

static struct crystal_rule *
rules__add(struct crystal_rule *out, size_t *n, size_t max,
           enum crystal_rule_kind kind, const char *sentence)
{
  struct crystal_rule *r;

  if (*n >= max)
    return NULL;
  r = &out[(*n)++];
  memset(r, 0, sizeof *r);
  r->kind = kind;
  r->sentence = sentence;
  return r;
}

struct rules_ctx {
  struct crystal *c;
  struct crystal_rule *out;
  size_t n;
  size_t max;
  const char *field;   /* the field a field-list line describes */
  const char *tag;     /* the part a markup line describes ("body" of
                          "<body>Optional. Use for context.</body>") */
};

/* "a single word: positive, negative or neutral": the word is one of a
 * list when one follows. */
static bool
rules__single(struct rules_ctx *x, const char *s, size_t n, size_t at,
              const char *sentence)
{
  char *values[CRYSTAL_VALUES_MAX];
  size_t count = 0;
  struct crystal_rule *r;

  while (at < n && s[at] == ' ')
    at++;
  if (at < n && s[at] == ':' &&
      crystal_list_values(s + at + 1, n - at - 1, values, &count,
                          CRYSTAL_VALUES_MAX) && count >= 2) {
    r = rules__add(x->out, &x->n, x->max, RULE_ONE_OF, sentence);
    if (r) {
      rules__keep_values(x->c, r, values, count);
      r->whole = true;
      return true;
    }
  }
  for (size_t i = 0; i < count; i++)
    free(values[i]);
  return rules__add(x->out, &x->n, x->max, RULE_SINGLE_WORD, sentence);
}

static bool
rules__length(struct rules_ctx *x, const char *s, size_t n,
              const char *sentence)
{
  struct crystal_re_match m;
  struct crystal_rule *r;
  const char *how;
  const char *var;
  long limit;

  if (!crystal_re_find(RE_LENGTH, s, n, 0, &m))
    return false;
  how = s + m.start[1];
  limit = rules__number(s + m.start[2], m.end[2] - m.start[2], &var, x->c);
  if (strncasecmp(how, "fewer", 5) == 0 || strncasecmp(how, "less", 4) == 0
      || strncasecmp(how, "under", 5) == 0 || strncasecmp(how, "below", 5)
      == 0)
    limit--;
  if (limit <= 0 && !var)
    return false;
  /* "each highlight under 80 characters" limits a part of the answer,
   * which no count of the whole checks: a rubric quotes it. */
  if (crystal_mentions(s, m.start[0], "each") ||
      crystal_mentions(s, m.start[0], "every") ||
      crystal_mentions(s, m.start[0], "per"))
    return rules__add(x->out, &x->n, x->max, RULE_OTHER, sentence) != NULL;
  if (limit == 1 && !var && rules__unit(s + m.start[3]) == UNIT_WORDS)
    return rules__single(x, s, n, m.end[0], sentence);
  r = rules__add(x->out, &x->n, x->max, RULE_LENGTH, sentence);
  if (r) {
    r->unit = rules__unit(s + m.start[3]);
    r->limit = limit;
    r->limit_var = var;
  }
  return true;
}

/* Whether the n bytes at s end with the word w; cuts it off if so. */
static bool
rules__ends_word(const char *s, size_t *n, const char *w)
{
  size_t m = strlen(w);
  size_t i = *n;

  while (i > 0 && isspace((unsigned char)s[i - 1]))
    i--;
  if (i < m || strncasecmp(s + i - m, w, m) != 0 ||
      (i > m && isalnum((unsigned char)s[i - m - 1])))
    return false;
  *n = i - m;
  return true;
}

/*
 * "the priority is one of", "`status` must be one of": the field a list
 * is about, when the sentence names one (before the list, with a verb).
 */
static const char *
rules__field(struct crystal *c, const char *s, size_t n)
{
  static const char *const verbs[] = { "is", "are", "be" };
  static const char *const modals[] = { "must", "should", "can", "will",
                                        "has to", "needs to" };
  const char *tick = memchr(s, '`', n);
  bool verb = false;
  size_t end;

  if (tick) {
    const char *close = memchr(tick + 1, '`', n - (size_t)(tick + 1 - s));

    if (close && close > tick + 1)
      return rules__dup(c, tick + 1, (size_t)(close - tick - 1));
  }
  for (size_t k = 0; !verb && k < sizeof verbs / sizeof verbs[0]; k++)
    verb = rules__ends_word(s, &n, verbs[k]);
  if (!verb)
    return NULL;
  for (size_t k = 0; k < sizeof modals / sizeof modals[0]; k++)
    if (rules__ends_word(s, &n, modals[k]))
      break;
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  end = n;
  while (n > 0 && (isalnum((unsigned char)s[n - 1]) || s[n - 1] == '_'))
    n--;
  return end > n ? rules__dup(c, s + n, end - n) : NULL;
}

/* Where a quoted value that opens at s[i] closes (its closing mark's
 * index; *len the bytes of either mark); 0 when none opens there. */
static size_t
rules__quote_close(const char *s, size_t n, size_t i, size_t *len)
{
  static const char *const marks[][2] = {
    { "\"", "\"" }, { "'", "'" }, { "`", "`" },
    { "\xE2\x80\x9C", "\xE2\x80\x9D" }, { "\xE2\x80\x98", "\xE2\x80\x99" },
  };

  for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
    const char *end;

    *len = strlen(marks[k][0]);
    if (i + *len > n || memcmp(s + i, marks[k][0], *len) != 0)
      continue;
    end = memmem(s + i + *len, n - i - *len, marks[k][1], *len);
    return end ? (size_t)(end - s) : 0;
  }
  return 0;
}

static bool
rules__one_of(struct rules_ctx *x, const char *s, size_t n,
              const char *sentence)
{
  struct crystal_re_match m;
  struct crystal_rule *r;
  char *values[CRYSTAL_VALUES_MAX];
  size_t count;

  if (crystal_re_find(RE_YES_NO, s, n, 0, &m)) {
    r = rules__add(x->out, &x->n, x->max, RULE_ONE_OF, sentence);
    if (r) {
      r->values[r->nvalues++] = "yes";
      r->values[r->nvalues++] = "no";
      r->whole = true;
    }
    return true;
  }
  if (crystal_re_find(RE_VALUES_AS, s, n, 0, &m) ||
      crystal_re_find(RE_ANSWER_QUOTED, s, n, 0, &m)) {
    /* 'Answer "escalate" or "keep".': the answer is one of the quoted
     * values, as "answer yes or no" says of yes and no; "Use only 'true'
     * and 'false' as verdict": the field named is. */
    size_t to = m.end[0];
    const char *field = NULL;

    if (m.start[1] != (size_t)-1) {
      static const char *const whole[] = { "answer", "response", "reply",
                                           "output", "value", "result" };

      to = m.start[1];
      field = rules__dup(x->c, s + m.start[1], m.end[1] - m.start[1]);
      for (size_t k = 0; field && k < sizeof whole / sizeof whole[0]; k++)
        if (strcasecmp(field, whole[k]) == 0)
          field = NULL;
    }
    r = rules__add(x->out, &x->n, x->max, RULE_ONE_OF, sentence);
    if (r) {
      r->field = field;
      r->whole = !field;
    }
    for (size_t i = m.start[0]; r && i < to;) {
      size_t len;
      size_t close = rules__quote_close(s, m.end[0], i, &len);

      if (!close) {
        i++;
        continue;
      }
      if (r->nvalues < CRYSTAL_VALUES_MAX)
        r->values[r->nvalues++] = rules__dup(x->c, s + i + len,
                                             close - i - len);
      i = close + len;
    }
    if (r && r->field && r->nvalues == 2 &&
        ((strcasecmp(r->values[0], "true") == 0 &&
          strcasecmp(r->values[1], "false") == 0) ||
         (strcasecmp(r->values[0], "false") == 0 &&
          strcasecmp(r->values[1], "true") == 0)))
      r->boolean = true;
    return true;
  }
  for (size_t i = 0; i < x->n; i++)
    if (x->out[i].kind == RULE_ONE_OF && x->out[i].sentence == sentence)
      return true;   /* "one word: a, b or c" read it already */
  if (!crystal_re_find(RE_ONE_OF, s, n, 0, &m))
    return false;
  crystal_list_values(s + m.end[0], n - m.end[0], values, &count,
                      CRYSTAL_VALUES_MAX);
  if (count < 2) {
    for (size_t i = 0; i < count; i++)
      free(values[i]);
    return false;
  }
  r = rules__add(x->out, &x->n, x->max, RULE_ONE_OF, sentence);
  if (!r) {
    for (size_t i = 0; i < count; i++)
      free(values[i]);
    return true;
  }
  rules__keep_values(x->c, r, values, count);
  r->field = rules__field(x->c, s, m.start[0]);
  return true;
}

/* Words that end the thing a ban names: "competitors by name". */
static size_t
rules__object_end(const char *s, size_t n)
{
  static const char *const stops[] = {
    " by ", " unless ", " when ", " if ", " even ", " in your ",
    " in the ", " at all", " or any other", " to the ", " under any ",
    " for any ", " because ",
  };
  size_t end = rules__list_end(s, n);

  for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
    const char *at = memmem(s, end, stops[k], strlen(stops[k]));

    if (at)
      end = (size_t)(at - s);
  }
  return end;
}

/* Leading words that are not the thing itself: "the", "any", "our". */
static void
rules__strip_article(char *v)
{
  static const char *const words[] = {
    "the ", "a ", "an ", "any ", "our ", "your ", "their ", "other ",
  };

  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    size_t m = strlen(words[k]);

    if (strncasecmp(v, words[k], m) == 0 && v[m]) {
      memmove(v, v + m, strlen(v + m) + 1);
      return;
    }
  }
}

static bool
rules__avoid(struct rules_ctx *x, const char *s, size_t n,
             const char *sentence)
{
  static const char *const checkable[] = {
    "mention", "say", "nam", "writ", "includ", "output", "print", "use",
  };
  struct crystal_re_match m;
  struct crystal_rule *r;
  char *values[CRYSTAL_VALUES_MAX];
  size_t count = 0;
  const char *obj;
  size_t len;
  bool literal;
  bool topic = false;

  if (!crystal_re_find(RE_AVOID, s, n, 0, &m))
    return false;
  obj = s + m.start[2];
  len = m.end[2] - m.start[2];
  /* "the word X", "the phrases X or Y": X is the text itself. */
  literal = len > 4 && (strncasecmp(obj, "the word", 8) == 0 ||
                        strncasecmp(obj, "the phrase", 10) == 0 ||
                        strncasecmp(obj, "the term", 8) == 0);
  for (int words = 0; literal && words < 2 && len > 0;) {
    obj++;
    len--;
    if (len > 0 && isspace((unsigned char)*obj))
      words++;
  }
  for (size_t k = 0; k < sizeof checkable / sizeof checkable[0]; k++)
    topic |= strncasecmp(s + m.start[1], checkable[k],
                         strlen(checkable[k])) == 0;
  r = rules__add(x->out, &x->n, x->max, RULE_AVOID, sentence);
  if (!r)
    return true;
  crystal_list_values(obj, rules__object_end(obj, len), values, &count,
                      CRYSTAL_VALUES_MAX);
  obj += strspn(obj, " ");
  literal |= count > 0 && ((*obj && strchr("\"'`", *obj)) ||
                           rules__curly(obj, 3, 0));
  /* "use" bans a way of writing (markdown, emojis), not a word, unless
   * the word is quoted. */
  if (!literal && strncasecmp(s + m.start[1], "us", 2) == 0)
    topic = false;
  r->literal = literal;
  for (size_t i = 0; i < count; i++)
    if (!literal)
      rules__strip_article(values[i]);
  if (literal || topic)
    rules__keep_values(x->c, r, values, count);
  else
    for (size_t i = 0; i < count; i++)
      free(values[i]);
  return true;
}

static bool
rules__quoted(struct rules_ctx *x, const char *s, size_t n,
              const char *sentence, enum crystal_re re,
              enum crystal_rule_kind kind)
{
  struct crystal_re_match m;
  struct crystal_rule *r;

  if (!crystal_re_find(re, s, n, 0, &m))
    return false;
  r = rules__add(x->out, &x->n, x->max, kind, sentence);
  if (r)
    r->values[r->nvalues++] = rules__dup(x->c, s + m.start[2],
                                         m.end[2] - m.start[2]);
  return true;
}

static bool
rules__formats(struct rules_ctx *x, const char *s, size_t n,
               const char *sentence)
{
  struct crystal_re_match m;
  struct crystal_rule *r;
  const char *var;
  bool any = false;

  if (crystal_re_find(RE_DATE, s, n, 0, &m) &&
      (r = rules__add(x->out, &x->n, x->max, RULE_DATE, sentence))) {
    r->format = rules__dup(x->c, s + m.start[1], m.end[1] - m.start[1]);
    any = true;
  }
  if (crystal_re_find(RE_DECIMALS, s, n, 0, &m) &&
      (r = rules__add(x->out, &x->n, x->max, RULE_DECIMALS, sentence))) {
    r->limit = rules__number(s + m.start[1], m.end[1] - m.start[1], &var,
                             x->c);
    any = true;
  }
  if (crystal_re_find(RE_SCORE, s, n, 0, &m) &&
      (r = rules__add(x->out, &x->n, x->max, RULE_RANGE, sentence))) {
    int g = crystal_re_has(&m, 1) ? 1 : 3;

    r->min = strtod(s + m.start[g], NULL);
    r->max = strtod(s + m.start[g + 1], NULL);
    r->integer = crystal_mentions(s, n, "integer") ||
                 crystal_mentions(s, n, "whole number");
    any = true;
  }
  return any;
}

static bool
rules__prose(struct rules_ctx *x, const char *s, size_t n,
             const char *sentence)
{
  struct crystal_re_match m;
  struct crystal_rule *r;

  if (crystal_re_find(RE_JSON, s, n, 0, &m))
    rules__add(x->out, &x->n, x->max, RULE_JSON, sentence);
  else if (crystal_re_find(RE_XML, s, n, 0, &m))
    rules__add(x->out, &x->n, x->max, RULE_XML, sentence);
  else if (crystal_re_find(RE_LANGUAGE, s, n, 0, &m) &&
           (r = rules__add(x->out, &x->n, x->max, RULE_LANGUAGE, sentence)))
    r->language = rules__dup(x->c, s + m.start[1], m.end[1] - m.start[1]);
  else
    return false;
  return true;
}

/* "Return the list between <entities> and </entities>": an answer that
 * must hold both tags, an instruction code can check. */
static bool
rules__tags(struct rules_ctx *x, const char *s, size_t n,
            const char *sentence)
{
  struct crystal_re_match m;
  struct crystal_rule *r;
  int g;

  if (!crystal_re_find(RE_TAGS, s, n, 0, &m) ||
      !(crystal_re_find(RE_DIRECTIVE, s, n, 0, &m) ||
        crystal_re_find(RE_IMPERATIVE, s, n, 0, &m)))
    return false;
  crystal_re_find(RE_TAGS, s, n, 0, &m);
  g = crystal_re_has(&m, 1) ? 1 : 2;
  r = rules__add(x->out, &x->n, x->max, RULE_INCLUDE, sentence);
  if (r) {
    r->values[r->nvalues++] = arena_printf(x->c->arena, "<%.*s>",
                                           (int)(m.end[g] - m.start[g]),
                                           s + m.start[g]);
    r->values[r->nvalues++] = arena_printf(x->c->arena, "</%.*s>",
                                           (int)(m.end[g] - m.start[g]),
                                           s + m.start[g]);
    r->literal = true;
  }
  return true;
}

/* A single word and a list in one sentence: the answer is one of them. */
static void
rules__merge(struct rules_ctx *x, size_t from)
{
  struct crystal_rule *one_of = NULL;
  bool single = false;
  bool answer = false;

  for (size_t i = from; i < x->n; i++) {
    if (x->out[i].kind == RULE_ONE_OF)
      one_of = &x->out[i];
    single |= x->out[i].kind == RULE_SINGLE_WORD;
  }
  if (!one_of)
    return;
  answer = crystal_mentions(one_of->sentence, strlen(one_of->sentence),
                            "answer") ||
           crystal_mentions(one_of->sentence, strlen(one_of->sentence),
                            "respond") ||
           crystal_mentions(one_of->sentence, strlen(one_of->sentence),
                            "reply") ||
           crystal_mentions(one_of->sentence, strlen(one_of->sentence),
                            "nothing else");
  if (single || (answer && !one_of->field))
    one_of->whole = true;
  for (size_t i = from; single && i < x->n;)
    if (x->out[i].kind == RULE_SINGLE_WORD) {
      memmove(&x->out[i], &x->out[i + 1], (x->n - i - 1) * sizeof x->out[i]);
      x->n--;
    } else {
      i++;
    }
}

static void
rules__sentence(struct rules_ctx *x, const char *s, size_t n)
{
  const char *sentence = rules__dup(x->c, s, n);
  struct crystal_re_match m;
  size_t from = x->n;
  bool found = false;

  if (!sentence || n > RULES_SENTENCE_MAX)
    return;
  if (!rules__avoid(x, s, n, sentence)) {
    found |= rules__quoted(x, s, n, sentence, RE_INCLUDE, RULE_INCLUDE);
    found |= rules__quoted(x, s, n, sentence, RE_STARTS, RULE_STARTS);
    found |= rules__quoted(x, s, n, sentence, RE_ENDS, RULE_ENDS);
  } else {
    found = true;
  }
  found |= rules__length(x, s, n, sentence);
  if (crystal_re_find(RE_SINGLE_WORD, s, n, 0, &m)) {
    rules__add(x->out, &x->n, x->max, RULE_SINGLE_WORD, sentence);
    found = true;
  }
  found |= rules__one_of(x, s, n, sentence);
  found |= rules__formats(x, s, n, sentence);
  found |= rules__prose(x, s, n, sentence);
  if (!found)
    found = rules__tags(x, s, n, sentence);
  rules__merge(x, from);
  if (!found && (crystal_re_find(RE_DIRECTIVE, s, n, 0, &m) ||
                 crystal_re_find(RE_IMPERATIVE, s, n, 0, &m) ||
                 crystal_re_find(RE_AMOUNT, s, n, 0, &m)))
    rules__add(x->out, &x->n, x->max, RULE_OTHER, x->tag ? arena_printf(
                 x->c->arena, "%s: %s", x->tag, sentence) : sentence);
  /* A field-list line's limits are the field's. */
  for (size_t i = from; x->field && i < x->n; i++)
    if (!x->out[i].field && x->out[i].kind != RULE_OTHER) {
      x->out[i].field = x->field;
      x->out[i].whole = false;
    }
}

static bool
rules__bullet_line(const char *s, size_t n)
{
  size_t i = 0;

  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i + 1 < n && strchr("-*+", s[i]) && s[i + 1] == ' ')
    return true;
  while (i < n && isdigit((unsigned char)s[i]))
    i++;
  return i + 1 < n && i > 0 && (s[i] == '.' || s[i] == ')') &&
         s[i + 1] == ' ';
}

/* Abbreviations whose period ends no sentence. */
static bool
rules__abbrev(const char *s, size_t i)
{
  static const char *const words[] = { "e.g", "i.e", "etc", "vs", "approx",
                                       "Mr", "Ms", "Dr", "No" };

  for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
    size_t m = strlen(words[k]);

    if (i >= m && strncasecmp(s + i - m, words[k], m) == 0 &&
        (i == m || !isalpha((unsigned char)s[i - m - 1])))
      return true;
  }
  return false;
}

/* Where the quote that opens at s[i] closes (the index of its closing
 * mark's first byte, *len its bytes): a straight double quote at the next
 * one, a curly one at its right mark. 0 when none opens there or it does
 * not close in the unit (a stray mark quotes nothing). Single quotes are
 * left alone: they are apostrophes as often ("today's"). */
static size_t
rules__quote_end(const char *s, size_t n, size_t i, size_t *len)
{
  const char *close;
  const char *end;

  if (s[i] == '"') {
    close = "\"";
    *len = 1;
    i++;
  } else if (i + 3 <= n && memcmp(s + i, "\xE2\x80\x9C", 3) == 0) {
    close = "\xE2\x80\x9D";
    *len = 3;
    i += 3;
  } else {
    return 0;
  }
  end = i < n ? memmem(s + i, n - i, close, *len) : NULL;
  return end ? (size_t)(end - s) : 0;
}

static bool
rules__stop(char ch)
{
  return ch == '.' || ch == '!' || ch == '?';
}

/* Calls back with each sentence of unit (one line, blanks collapsed). A
 * full stop inside quotes ends none ('Start with "Hello. Welcome."'); a
 * quote that ends with one ends its sentence when a new one starts after
 * it ('Say "Hi." Then stop.', not 'Say "yes." or "no."'), with the
 * emphasis marks after it (*"Hi."*). */
static void
rules__split(struct rules_ctx *x, const char *s, size_t n)
{
  size_t start = 0;

  for (size_t i = 0; i <= n; i++) {
    size_t last = i;   /* the sentence's last byte when it ends here */
    size_t len;
    size_t close = i < n ? rules__quote_end(s, n, i, &len) : 0;
    bool end = i == n;

    if (close) {
      size_t after = close + len;

      while (after < n && s[after] == '*')
        after++;
      if (!rules__stop(s[close - 1]) ||
          (after < n && (s[after] != ' ' || (after + 1 < n &&
                                             islower((unsigned char)
                                                     s[after + 1]))))) {
        i = close + len - 1;
        continue;
      }
      end = true;
      last = after - 1;
    } else if (!end && rules__stop(s[i]) &&
               (i + 1 == n || s[i + 1] == ' ') && !rules__abbrev(s, i)) {
      end = true;
    }
    if (!end)
      continue;
    while (start < i && s[start] == ' ')
      start++;
    if (last < n && last >= start)
      rules__sentence(x, s + start, last - start + 1);
    else if (i > start)
      rules__sentence(x, s + start, i - start);
    start = last + 1;
    i = last;
  }
}

/* Strips a bullet or heading mark at the start of the line. */
static size_t
rules__lead(const char *s, size_t n)
{
  size_t i = 0;

  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (rules__bullet_line(s, n)) {
    while (i < n && s[i] != ' ')
      i++;
  } else {
    while (i < n && s[i] == '#')
      i++;
  }
  while (i < n && s[i] == ' ')
    i++;
  return i;
}

/* The field a bullet line names: "- `subject` (string): ...", "- body:
 * ..." ; NULL for other lines. */
static const char *
rules__field_line(struct crystal *c, const char *s, size_t n)
{
  size_t i = rules__lead(s, n);
  size_t start;
  bool tick;

  if (!rules__bullet_line(s, n))
    return NULL;
  tick = i < n && s[i] == '`';
  i += tick;
  start = i;
  while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_'))
    i++;
  if (i == start || (tick && (i >= n || s[i] != '`')))
    return NULL;
  if (tick)
    return rules__dup(c, s + start, i - start);
  while (i < n && s[i] == ' ')
    i++;
  return i < n && (s[i] == ':' || s[i] == '(') ? rules__dup(c, s + start,
                                                            i - start)
                                               : NULL;
}

static bool
rules__same_str(const char *a, const char *b)
{
  return a == b || (a && b && strcmp(a, b) == 0);
}

/*
 * Whether b checks what a checks: a prompt that says "an integer between
 * 1 and 5" twice states one rule, and one check (one assertion, one test)
 * says all of it. A rule no check fits is its sentence.
 */
static bool
rules__same(const struct crystal_rule *a, const struct crystal_rule *b)
{
  if (a->kind != b->kind || a->nvalues != b->nvalues ||
      a->literal != b->literal || a->whole != b->whole ||
      a->boolean != b->boolean ||
      a->unit != b->unit || a->limit != b->limit || a->min != b->min ||
      a->max != b->max || a->integer != b->integer ||
      !rules__same_str(a->field, b->field) ||
      !rules__same_str(a->limit_var, b->limit_var) ||
      !rules__same_str(a->format, b->format) ||
      !rules__same_str(a->language, b->language))
    return false;
  for (size_t i = 0; i < a->nvalues; i++)
    if (!rules__same_str(a->values[i], b->values[i]))
      return false;
  return a->kind != RULE_OTHER || rules__same_str(a->sentence, b->sentence);
}

/* Drops the rules of out[0..n) that check what an earlier one does;
 * returns how many are left. */
static size_t
rules__dedup(struct crystal_rule *out, size_t n)
{
  size_t kept = 0;

  for (size_t i = 0; i < n; i++) {
    bool seen = false;

    for (size_t k = 0; k < kept && !seen; k++)
      seen = rules__same(&out[k], &out[i]);
    if (!seen)
      out[kept++] = out[i];
  }
  return kept;
}

/* A code fence's marker line ("```xml", "~~~"): no words of a rule. */
static bool
rules__fence_line(const char *s, size_t n)
{
  size_t i = 0;

  while (i < n && (s[i] == ' ' || s[i] == '\t'))
    i++;
  return i + 2 < n && ((s[i] == '`' && s[i + 1] == '`' && s[i + 2] == '`') ||
                           (s[i] == '~' && s[i + 1] == '~' && s[i + 2] == '~'));
}

/* The length of the markup tag at s ("<type>", "</type>", "<br/>"), 0
 * when s holds none. */
static size_t
rules__tag_len(const char *s, size_t n)
{
  size_t i = 1;

  if (n < 3 || s[0] != '<')
    return 0;
  if (s[i] == '/')
    i++;
  if (i >= n || !isalpha((unsigned char)s[i]))
    return 0;
  while (i < n && (isalnum((unsigned char)s[i]) || strchr("_:.-", s[i])))
    i++;
  while (i < n && s[i] != '>' && s[i] != '<' && s[i] != '\n')
    i++;
  return i < n && s[i] == '>' ? i + 1 : 0;
}

/* Appends a markup line's text without its tags: "<type>Must be
 * ...</type>" says "type: Must be ...". The tags name parts of the prompt
 * (or of an answer); they are no text the answer must hold. */
static void
rules__put_untagged(struct rules_ctx *x, struct buf *unit, const char *s,
                    size_t n)
{
  size_t first = rules__tag_len(s, n);
  size_t name = 1;
  bool space = unit->len == 0;

  while (name < first && (isalnum((unsigned char)s[name]) ||
                          strchr("_:.-", s[name])))
    name++;
  /* The part an opening tag names, when text follows it on its line:
   * each rule of it says which ("body: Use for additional context."). */
  x->tag = NULL;
  if (first && s[1] != '/' && name > 1 && first < n &&
      rules__tag_len(s + first, n - first) == 0)
    x->tag = rules__dup(x->c, s + 1, name - 1);

  for (size_t k = 0; k < n; k++) {
    size_t tag = rules__tag_len(s + k, n - k);

    if (tag || s[k] == ' ' || s[k] == '\t') {
      if (!space)
        buf_putc(unit, ' ');
      space = true;
      k += tag ? tag - 1 : 0;
      continue;
    }
    buf_putc(unit, s[k]);
    space = false;
  }
  while (unit->len && isspace((unsigned char)unit->data[unit->len - 1]))
    unit->data[--unit->len] = '\0';
}

size_t
crystal_rules_parse(struct crystal *c, const char *s, size_t n,
                    struct crystal_rule *out, size_t max)
{
  struct rules_ctx x = { c, out, 0, max, NULL, NULL };
  struct buf unit;

  /* A unit is some of the text's own bytes: it cannot outgrow n. */
  buf_init(&unit, n + 1);
  for (size_t i = 0; i <= n;) {
    const char *nl = i < n ? memchr(s + i, '\n', n - i) : NULL;
    size_t end = nl ? (size_t)(nl - s) : n;
    size_t lead = rules__lead(s + i, end - i);
    bool blank = lead == end - i || rules__fence_line(s + i, end - i);
    bool heading = i < n && s[i] == '#';
    bool starts = i < n && (rules__bullet_line(s + i, end - i) || heading);
    /* A line of JSON is an example's, not a sentence of the prompt's. */
    bool json = !blank && (s[i + lead] == '{' || s[i + lead] == '[');
    /* A line of markup ("<type>Must be ...</type>") is a unit of its own,
     * read without its tags. */
    bool markup = !blank && !json &&
                  rules__tag_len(s + i + lead, end - i - lead) > 0;

    if ((blank || starts || json || markup || i == n) && unit.len) {
      rules__split(&x, unit.data, unit.len);
      buf_clear(&unit);
    }
    if (starts || blank)
      x.field = i < n ? rules__field_line(c, s + i, end - i) : NULL;
    if (markup) {
      rules__put_untagged(&x, &unit, s + i + lead, end - i - lead);
      if (unit.len)
        rules__split(&x, unit.data, unit.len);
      buf_clear(&unit);
      x.tag = NULL;
    } else if (!blank && !json && i < n) {
      if (unit.len)
        buf_putc(&unit, ' ');
      /* Markdown's bold marks ("**Style:** Use ...") are no words. */
      for (size_t k = i + lead; k < end; k++)
        if (!((s[k] == '*' || s[k] == '_') && k + 1 < end && s[k + 1] == s[k]))
          buf_putc(&unit, s[k]);
        else
          k++;
      while (unit.len && isspace((unsigned char)unit.data[unit.len - 1]))
        unit.data[--unit.len] = '\0';
      /* A heading is a unit of its own: "## Output:" ends no sentence of
       * the text under it. */
      if (heading && unit.len) {
        rules__split(&x, unit.data, unit.len);
        buf_clear(&unit);
      }
    }
    if (i == n)
      break;
    i = end + 1;
    if (i > n)
      i = n;
  }
  buf_release(&unit);
  return rules__dedup(out, x.n);
}
