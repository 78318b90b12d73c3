/*
 * Jinja2 and Nunjucks templates: {{ expression }}, {% statement %} and
 * {# comment #}, with "-" and "+" whitespace control. The parser follows
 * the statements that open, continue and end blocks, binds the names a
 * template defines itself (loop targets, set, macro parameters), and
 * records every other name an expression reads as a use of an input.
 */
#include <string.h>

#include "artifact.h"
#include "template_internal.h"

/* Names as Jinja (Python 3) spells them. */
static inline bool
jinja__id_start(const char *s, uint32_t i, uint32_t end)
{
  return tmpl_ident_start(s, i, end, TMPL_NAMES_PYTHON);
}

static inline uint32_t
jinja__id_len(const char *s, uint32_t i, uint32_t end)
{
  return tmpl_ident_len(s, i, end, TMPL_NAMES_PYTHON);
}

/* Names an expression reads that are not the caller's inputs: the
 * keywords and constants (the first JINJA_KEYWORDS), then the names Jinja
 * gives a value itself, its global functions last (read as values too:
 * "{{ items | map(dict) }}"). */
static const char *const jinja__reserved[] = {
  "and", "or", "not", "in", "is", "if", "else", "true", "false", "none",
  "True", "False", "None", "loop", "self", "varargs", "kwargs", "caller",
  "range", "lipsum", "dict", "cycler", "joiner", "namespace", NULL,
};

/* The longest name of jinja__reserved: longer names skip the list. */
#define JINJA_RESERVED_LEN 9
#define JINJA_KEYWORDS 13

/* Statement tags that open a block, ended by "end" + the same name. */
static const char *const jinja__blocks[] = {
  "if", "for", "macro", "call", "filter", "with", "block", "autoescape",
  "trans", "switch", "verbatim", "asyncEach", "asyncAll", NULL,
};

/* Statement tags with no block (or handled apart). */
static const char *const jinja__singles[] = {
  "set", "include", "import", "from", "extends", "do", "break", "continue",
  "raw", "elif", "elseif", "else", "case", "default", "pluralize", NULL,
};

static bool
jinja__is(const char *s, uint32_t n, const char *word)
{
  return word[0] == s[0] && strlen(word) == n && memcmp(s, word, n) == 0;
}

static bool
jinja__listed(const char *const *list, const char *s, uint32_t n)
{
  for (; *list; list++)
    if (jinja__is(s, n, *list))
      return true;
  return false;
}

/* The listed block name equal to s (n bytes), as a static string. */
static const char *
jinja__block(const char *s, uint32_t n)
{
  for (const char *const *b = jinja__blocks; *b; b++)
    if (jinja__is(s, n, *b))
      return *b;
  return NULL;
}

/* Skips a string literal starting at i (a quote); returns past its end. */
static uint32_t
jinja__string(const char *s, uint32_t i, uint32_t end)
{
  char q = s[i];

  for (i++; i < end && s[i] != q; i++)
    if (s[i] == '\\')
      i++;
  return i < end ? i + 1 : end;
}

/*
 * Where the tag opened before i closes: the first "}}" (kind '}') or
 * "%}" outside string literals; a stray quote makes the plain first one
 * count. Returns end when there is none. *nested is set when another tag
 * opens first, which is where the engine would stop.
 */
static uint32_t
jinja__close(const char *s, uint32_t i, uint32_t end, char kind,
             bool *nested)
{
  const char *plain;

  *nested = false;
  for (uint32_t k = i; k + 1 < end; k++) {
    if (s[k] == '"' || s[k] == '\'') {
      k = jinja__string(s, k, end) - 1;
      continue;
    }
    if (s[k] == kind && s[k + 1] == '}')
      return k;
    if (s[k] == '{' && (s[k + 1] == '{' || s[k + 1] == '%')) {
      *nested = true;
      return k;
    }
  }
  plain = memmem(s + i, end - i, kind == '}' ? "}}" : "%}", 2);
  if (plain && (memmem(s + i, (size_t)(plain - s) - i, "{{", 2) ||
                memmem(s + i, (size_t)(plain - s) - i, "{%", 2)))
    *nested = true;
  return plain ? (uint32_t)(plain - s) : end;
}

enum jinja_prev {
  JINJA_OTHER,
  JINJA_DOT,    /* an attribute follows */
  JINJA_PIPE,   /* a filter follows */
  JINJA_IS,     /* a test follows */
};

/* Whether what follows a name lets it be unset: "| default(...)", "| d",
 * "is defined", "is undefined". */
static bool
jinja__tolerant(const char *s, uint32_t i, uint32_t b)
{
  uint32_t n;

  while (i < b && s[i] == '.') {
    i++;
    i += jinja__id_start(s, i, b) ? jinja__id_len(s, i, b) : 0;
  }
  i = tmpl_skip_space(s, i, b);
  if (i < b && s[i] == '|') {
    i = tmpl_skip_space(s, i + 1, b);
    n = jinja__id_start(s, i, b) ? jinja__id_len(s, i, b) : 0;
    return jinja__is(s + i, n, "default") || jinja__is(s + i, n, "d");
  }
  n = jinja__id_start(s, i, b) ? jinja__id_len(s, i, b) : 0;
  if (!jinja__is(s + i, n, "is"))
    return false;
  i = tmpl_skip_space(s, i + n, b);
  n = jinja__id_start(s, i, b) ? jinja__id_len(s, i, b) : 0;
  if (jinja__is(s + i, n, "not")) {
    i = tmpl_skip_space(s, i + n, b);
    n = jinja__id_start(s, i, b) ? jinja__id_len(s, i, b) : 0;
  }
  return jinja__is(s + i, n, "defined") || jinja__is(s + i, n, "undefined");
}

/* One name of an expression: a use unless it is an attribute, a filter,
 * a test, a function, a keyword argument or reserved. */
static void
jinja__name(struct tmpl *t, uint32_t i, uint32_t n, uint32_t b,
            enum jinja_prev prev, bool *iterated)
{
  const char *s = t->s;
  uint32_t after = tmpl_skip_space(s, i + n, b);

  size_t before = t->a->nuses;

  /* Reserved words are short: longer names skip the list. */
  if (prev != JINJA_OTHER || (after < b && s[after] == '(') ||
      (after + 1 < b && s[after] == '=' && s[after + 1] != '=') ||
      (n <= JINJA_RESERVED_LEN && jinja__listed(jinja__reserved, s + i, n)))
    return;
  tmpl_use(t, i, n, *iterated);
  *iterated = false;
  if (t->a->nuses > before && (t->guard || jinja__tolerant(s, after, b)))
    t->a->vars[t->a->uses[t->a->nuses - 1].var].optional = true;
}

/* Reads the names of the expression in [i, b). When iterated, the first
 * name read is what a loop iterates over. */
static void
jinja__expr(struct tmpl *t, uint32_t i, uint32_t b, bool iterated)
{
  const char *s = t->s;
  enum jinja_prev prev = JINJA_OTHER;

  while (i < b && t->rc == 0) {
    char c = s[i];
    uint32_t n;

    if (c == '"' || c == '\'') {
      i = jinja__string(s, i, b);
      prev = JINJA_OTHER;
    } else if (c >= '0' && c <= '9') {
      while (i < b && (tmpl_word_byte(s[i]) || s[i] == '.'))
        i++;
      prev = JINJA_OTHER;
    } else if (jinja__id_start(s, i, b)) {
      n = jinja__id_len(s, i, b);
      jinja__name(t, i, n, b, prev, &iterated);
      iterated = false;  /* only the first name can be what is iterated */
      prev = jinja__is(s + i, n, "is") ||
             (prev == JINJA_IS && jinja__is(s + i, n, "not"))
               ? JINJA_IS : JINJA_OTHER;
      i += n;
    } else {
      if (c == '.')
        prev = JINJA_DOT;
      else if (c == '|')
        prev = JINJA_PIPE;
      else if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        prev = JINJA_OTHER;
      i++;
    }
  }
}

/* Binds each name in [i, b) (targets like "k, v" or "(a, b)"). */
static void
jinja__bind(struct tmpl *t, uint32_t i, uint32_t b)
{
  while (i < b) {
    uint32_t n = jinja__id_start(t->s, i, b)
                   ? jinja__id_len(t->s, i, b) : 0;

    if (n)
      tmpl_bind(t, i, n);
    i += n ? n : 1;
  }
}

/* The offset of word as a whole word in [i, b), or b. */
static uint32_t
jinja__find(const char *s, uint32_t i, uint32_t b, const char *word)
{
  uint32_t n = (uint32_t)strlen(word);

  for (; i + n <= b; i++) {
    if (s[i] == '"' || s[i] == '\'') {
      i = jinja__string(s, i, b) - 1;
      continue;
    }
    if (memcmp(s + i, word, n) == 0 &&
        (i == 0 || !tmpl_word_byte(s[i - 1])) &&
        (i + n == b || !tmpl_word_byte(s[i + n])))
      return i;
  }
  return b;
}

/*
 * Whether the loop's iterable [i, b) is a name itself, maybe through
 * filters ("xs", "xs | sort"): then the name is what is looped over. In
 * "range(n)", "xs.items()", "xs[0]" or "a + b" the names are not.
 */
static bool
jinja__bare(const char *s, uint32_t i, uint32_t b)
{
  i = tmpl_skip_space(s, i, b);
  if (!jinja__id_start(s, i, b))
    return false;
  i = tmpl_skip_space(s, i + jinja__id_len(s, i, b), b);
  return i == b || s[i] == '|';
}

/* {% for targets in iterable [if cond] [recursive] %} */
static void
jinja__for(struct tmpl *t, uint32_t i, uint32_t b, struct span tag)
{
  uint32_t in = jinja__find(t->s, i, b, "in");
  uint32_t cond = in < b ? jinja__find(t->s, in + 2, b, "if") : b;
  uint32_t rec = in < b ? jinja__find(t->s, in + 2, cond, "recursive")
                        : b;

  if (in < b)
    jinja__expr(t, in + 2, rec < cond ? rec : cond,
                jinja__bare(t->s, in + 2, rec < cond ? rec : cond));
  tmpl_block_open(t, tag, "for", false);
  jinja__bind(t, i, in);
  if (cond < b)
    jinja__expr(t, cond + 2, b, false);
}

/* {% set x = expr %} binds x here; {% set x %}...{% endset %} a block. */
static void
jinja__set(struct tmpl *t, uint32_t i, uint32_t b, struct span tag)
{
  const char *s = t->s;
  uint32_t eq = i;

  while (eq < b && !(s[eq] == '=' && (eq + 1 >= b || s[eq + 1] != '=')))
    eq++;
  if (eq < b) {
    jinja__expr(t, eq + 1, b, false);
    jinja__bind(t, i, eq);
    return;
  }
  jinja__bind(t, i, jinja__find(s, i, b, "|"));
  tmpl_block_open(t, tag, "set", false);
}

/* {% macro name(param, other=default) %}: the name outlives the block. */
static void
jinja__macro(struct tmpl *t, uint32_t i, uint32_t b, struct span tag)
{
  const char *s = t->s;
  uint32_t n = jinja__id_len(s, i, b);
  uint32_t k = i + n;

  tmpl_bind(t, i, n);
  tmpl_block_open(t, tag, "macro", false);
  while (k < b) {
    uint32_t len = jinja__id_start(s, k, b)
                     ? jinja__id_len(s, k, b) : 0;

    if (len) {
      tmpl_bind(t, k, len);
      k += len;
      k = tmpl_skip_space(s, k, b);
      if (k < b && s[k] == '=') {
        uint32_t stop = k + 1;

        while (stop < b && s[stop] != ',' && s[stop] != ')')
          stop++;
        jinja__expr(t, k + 1, stop, false);
        k = stop;
      }
      continue;
    }
    k++;
  }
}

/* {% with a = expr, b = expr %}: names bound inside the block. */
static void
jinja__with(struct tmpl *t, uint32_t i, uint32_t b, struct span tag)
{
  const char *s = t->s;
  uint32_t k = i;

  jinja__expr(t, i, b, false);  /* right-hand sides read outside */
  tmpl_block_open(t, tag, "with", false);
  while (k < b) {
    uint32_t n = jinja__id_start(s, k, b)
                   ? jinja__id_len(s, k, b) : 0;
    uint32_t after = tmpl_skip_space(s, k + n, b);

    if (n && after < b && s[after] == '=' &&
        (after + 1 >= b || s[after + 1] != '='))
      tmpl_bind(t, k, n);
    k += n ? n : 1;
  }
}

/* {% import "x" as y %}, {% from "x" import a, b as c %}: names bound. */
static void
jinja__import(struct tmpl *t, uint32_t i, uint32_t b, bool from)
{
  uint32_t at = from ? jinja__find(t->s, i, b, "import")
                     : jinja__find(t->s, i, b, "as");

  if (at < b)
    jinja__bind(t, at + (from ? 6 : 2), b);
}

/* Whether a block named name is open anywhere. */
static bool
jinja__open_anywhere(const struct tmpl *t, const char *name)
{
  for (int d = 0; d < t->depth; d++)
    if (strcmp(t->a->blocks[t->open[d].block].name, name) == 0)
      return true;
  return false;
}

/* {% endX %}: closes X, reporting blocks left open inside it. */
static void
jinja__end(struct tmpl *t, const char *s, uint32_t n, struct span tag)
{
  const char *name = jinja__block(s, n);

  if (tmpl_block_close_beyond(t))
    return;
  if (!name && jinja__is(s, n, "set"))
    name = "set";
  if (!name && (jinja__is(s, n, "each") || jinja__is(s, n, "all")))
    name = jinja__is(s, n, "each") ? "asyncEach" : "asyncAll";
  if (!name || !jinja__open_anywhere(t, name)) {
    tmpl_report(t, DIAG_TEMPLATE_UNMATCHED_TAG, tag,
                "'{%% end%.*s %%}' has no open '{%% %.*s %%}' to end",
                (int)n, s, (int)n, s);
    return;
  }
  while (strcmp(tmpl_block_name(t), name) != 0) {
    const struct template_block *open =
      &t->a->blocks[t->open[t->depth - 1].block];

    tmpl_report(t, DIAG_TEMPLATE_UNCLOSED_BLOCK, open->open,
                "'{%% %s %%}' is never closed: add '{%% end%s %%}' before "
                "the '{%% end%.*s %%}' on line %u", open->name, open->name,
                (int)n, s, tmpl_line(t, tag.start));
    tmpl_block_close(t, span_make(tag.start, tag.start));
  }
  tmpl_block_close(t, tag);
}

/* {% elif %} and {% else %} continue an if (else also a for). */
static void
jinja__middle(struct tmpl *t, const char *s, uint32_t n, struct span tag)
{
  const char *open = tmpl_block_name(t);
  bool ok = open && (strcmp(open, "if") == 0 ||
                     (jinja__is(s, n, "else") && strcmp(open, "for") == 0));

  if (!ok)
    tmpl_report(t, DIAG_TEMPLATE_UNMATCHED_TAG, tag,
                "'{%% %.*s %%}' is not inside an '{%% if %%}'%s", (int)n, s,
                jinja__is(s, n, "else") ? " or a '{% for %}'" : "");
}

/* {% raw %}: everything up to {% endraw %} is text. Returns where it
 * ends (past the closing tag), or end. */
static uint32_t
jinja__raw(struct tmpl *t, struct span tag, uint32_t end)
{
  const char *s = t->s;
  uint32_t i = tag.end;

  while (i + 1 < end) {
    const char *p = memmem(s + i, end - i, "{%", 2);
    uint32_t k;

    if (!p)
      break;
    k = (uint32_t)(p - s) + 2;
    if (k < end && (s[k] == '-' || s[k] == '+'))
      k++;
    k = tmpl_skip_space(s, k, end);
    if (end - k >= 6 && memcmp(s + k, "endraw", 6) == 0) {
      p = memmem(s + k, end - k, "%}", 2);
      return p ? (uint32_t)(p - s) + 2 : end;
    }
    i = k;
  }
  tmpl_report(t, DIAG_TEMPLATE_UNCLOSED_BLOCK, tag,
              "'{%% raw %%}' is never closed: add '{%% endraw %%}'");
  return end;
}

/* A statement tag [tag) whose inside is [i, b). Returns where scanning
 * goes on (past a raw block), or tag.end. */
static uint32_t
jinja__stmt(struct tmpl *t, uint32_t i, uint32_t b, struct span tag,
            uint32_t end)
{
  const char *s = t->s;
  uint32_t n;
  const char *name;
  uint32_t rest;

  i = tmpl_skip_space(s, i, b);
  n = jinja__id_len(s, i, b);
  name = s + i;
  rest = tmpl_skip_space(s, i + n, b);
  if (n > 3 && memcmp(name, "end", 3) == 0) {
    jinja__end(t, name + 3, n - 3, tag);
  } else if (jinja__is(name, n, "for") || jinja__is(name, n, "asyncEach") ||
             jinja__is(name, n, "asyncAll")) {
    jinja__for(t, rest, b, tag);
    if (!jinja__is(name, n, "for"))
      t->a->blocks[t->open[t->depth - 1].block].name = jinja__block(name, n);
  } else if (jinja__is(name, n, "set")) {
    jinja__set(t, rest, b, tag);
  } else if (jinja__is(name, n, "macro")) {
    jinja__macro(t, rest, b, tag);
  } else if (jinja__is(name, n, "with")) {
    jinja__with(t, rest, b, tag);
  } else if (jinja__is(name, n, "raw")) {
    return jinja__raw(t, tag, end);
  } else if (jinja__is(name, n, "import") || jinja__is(name, n, "from")) {
    jinja__import(t, rest, b, jinja__is(name, n, "from"));
  } else if (jinja__is(name, n, "elif") || jinja__is(name, n, "elseif") ||
             jinja__is(name, n, "else")) {
    jinja__middle(t, name, jinja__is(name, n, "else") ? 4 : n, tag);
    /* A name an if tests may be unset: the test is how it is handled. */
    t->guard = true;
    jinja__expr(t, rest, b, false);
    t->guard = false;
  } else if (jinja__block(name, n)) {
    t->guard = jinja__is(name, n, "if");
    jinja__expr(t, rest, b, false);
    t->guard = false;
    tmpl_block_open(t, tag, jinja__block(name, n), false);
  } else if (jinja__listed(jinja__singles, name, n)) {
    /* Limitation: include and extends name another file, which is not
     * read; its own uses are not seen here. */
    jinja__expr(t, rest, b, false);
  } else {
    tmpl_report(t, DIAG_TEMPLATE_UNKNOWN_TAG, tag, n
                ? "unknown tag '{%% %.*s %%}': Jinja refuses it unless an "
                  "extension defines it"
                : "an empty '{%% %%}' tag%.*s", (int)n, name);
  }
  return tag.end;
}

/* One {{ }} or {% %} tag opened at i; returns where scanning goes on. */
static uint32_t
jinja__tag(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;
  char kind = s[i + 1];
  bool nested;
  uint32_t close = jinja__close(s, i + 2, end, kind == '{' ? '}' : '%',
                                &nested);
  uint32_t a = i + 2;
  uint32_t b = close;

  if (close >= end && !nested) {
    /* In a code fence it is an example, not a tag: read on past it. */
    if (tmpl_in_fence(t, i))
      return i + 2;
    tmpl_report(t, DIAG_TEMPLATE_UNTERMINATED, span_make(i, i + 2),
                "'{%c' is never closed: add '%c}'", kind,
                kind == '{' ? '}' : '%');
    return end;
  }
  if (nested) {
    /* Another tag opens before this one closes: Jinja stops here. */
    if (!tmpl_in_fence(t, i))
      tmpl_report(t, DIAG_TEMPLATE_UNTERMINATED, span_make(i, i + 2),
                  "'{%c' is not closed before the next tag opens", kind);
    return i + 2;
  }
  if (a < b && (s[a] == '-' || s[a] == '+'))
    a++;
  if (b > a && (s[b - 1] == '-' || s[b - 1] == '+'))
    b--;
  if (kind == '{') {
    jinja__expr(t, a, b, false);
    return close + 2;
  }
  return jinja__stmt(t, a, b, span_make(i, close + 2), end);
}

void
tmpl_jinja(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;
  uint32_t text = i;  /* where the text since the last tag starts */

  while (i + 1 < end && t->rc == 0) {
    const char *p = memchr(s + i, '{', end - i - 1);
    const char *close;

    if (!p)
      break;
    i = (uint32_t)(p - s);
    if (s[i + 1] == '{' || s[i + 1] == '%') {
      tmpl_text(t, text, i);
      i = text = jinja__tag(t, i, end);
    } else if (s[i + 1] == '#') {
      close = memmem(s + i + 2, end - i - 2, "#}", 2);
      if (!close) {
        tmpl_report(t, DIAG_TEMPLATE_UNTERMINATED, span_make(i, i + 2),
                    "'{#' is never closed: add '#}'");
        return;
      }
      tmpl_text(t, text, i);
      i = text = (uint32_t)(close - s) + 2;
    } else {
      i++;
    }
  }
  tmpl_text(t, text, end);
}

const char *
tmpl_jinja_reserved(const char *name)
{
  for (size_t i = 0; jinja__reserved[i]; i++)
    if (strcmp(jinja__reserved[i], name) == 0)
      return i < JINJA_KEYWORDS ? "a Jinja keyword"
                                : "a name Jinja gives a value itself";
  return NULL;
}
