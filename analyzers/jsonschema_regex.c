/*
 * ECMA-262 regular expressions (what JSON Schema's pattern means) run by
 * PCRE2. The two mostly agree; where they differ in ways a schema can
 * notice, the pattern is rewritten before PCRE2 compiles it:
 *
 *   \d \w \s \b and their negations   ECMA's sets (\d and \w are ASCII, \s
 *                                      is ECMA's whitespace list), which
 *                                      PCRE2's UCP mode would widen
 *   .                                  any character but \n \r U+2028 U+2029
 *   \uHHHH, \u{H...}, surrogate pairs  \x{...}
 *   \v, \0, \cX, \b inside a class      what ECMA means by them
 *   [ inside a class                   a plain '[' (PCRE2 reads [:alpha:])
 *
 * and PCRE2 syntax that ECMA-262 lacks (\A \Z \z \h \R \K, (?i), (?>...),
 * possessive quantifiers, \Q...\E) is refused, as an ECMA engine would.
 * $ matches only at the very end (PCRE2_DOLLAR_ENDONLY), [] matches
 * nothing and [^] anything (PCRE2_ALLOW_EMPTY_CLASS).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "jsonschema_internal.h"

/* Longest translated pattern. */
#define JSRE_OUT_MAX ((size_t)1 << 20)

#define JSRE_WORD "A-Za-z0-9_"
#define JSRE_SPACE "\\x{9}-\\x{d} \\x{a0}\\x{1680}\\x{2000}-\\x{200a}" \
                   "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}"
#define JSRE_NOT_DIGIT "\\x{0}-\\x{2f}\\x{3a}-\\x{10ffff}"
#define JSRE_NOT_WORD "\\x{0}-\\x{2f}\\x{3a}-\\x{40}\\x{5b}-\\x{5e}\\x{60}" \
                      "\\x{7b}-\\x{10ffff}"
#define JSRE_NOT_SPACE "\\x{0}-\\x{8}\\x{e}-\\x{1f}\\x{21}-\\x{9f}"        \
                       "\\x{a1}-\\x{167f}\\x{1681}-\\x{1fff}"               \
                       "\\x{200b}-\\x{2027}\\x{202a}-\\x{202e}"             \
                       "\\x{2030}-\\x{205e}\\x{2060}-\\x{2fff}"             \
                       "\\x{3001}-\\x{fefe}\\x{ff00}-\\x{10ffff}"
#define JSRE_BOUNDARY "(?:(?<=[" JSRE_WORD "])(?![" JSRE_WORD "])|"       \
                      "(?<![" JSRE_WORD "])(?=[" JSRE_WORD "]))"
#define JSRE_NOT_BOUNDARY "(?:(?<=[" JSRE_WORD "])(?=[" JSRE_WORD "])|"   \
                          "(?<![" JSRE_WORD "])(?![" JSRE_WORD "]))"

struct jsre {
  const char *src;
  size_t len;
  size_t i;           /* the next source byte */
  struct buf out;
  uint32_t *map;      /* source offset of each output byte */
  size_t map_cap;
  char *why;
  size_t size;
  size_t at;          /* where an error is */
  int err;
};

static int
jsre__fail(struct jsre *r, size_t at, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(r->why, r->size, fmt, ap);
  va_end(ap);
  r->at = at;
  r->err = FACET_EINVAL;
  return FACET_EINVAL;
}

/* Appends n bytes that stand for the source at src_at. */
static int
jsre__emit(struct jsre *r, const char *s, size_t n, size_t src_at)
{
  size_t need = r->out.len + n;

  if (need > r->map_cap) {
    size_t cap = r->map_cap ? r->map_cap : 64;
    uint32_t *m;

    while (cap < need)
      cap *= 2;
    m = realloc(r->map, cap * sizeof *m);
    if (!m)
      return r->err = FACET_ENOMEM;
    r->map = m;
    r->map_cap = cap;
  }
  for (size_t k = 0; k < n; k++)
    r->map[r->out.len + k] = (uint32_t)src_at;
  if (buf_append(&r->out, s, n))
    return r->err = FACET_ENOMEM;
  return 0;
}

static int
jsre__puts(struct jsre *r, const char *s, size_t src_at)
{
  return jsre__emit(r, s, strlen(s), src_at);
}

static int
jsre__hex(char ch)
{
  if (ch >= '0' && ch <= '9')
    return ch - '0';
  if (ch >= 'a' && ch <= 'f')
    return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F')
    return ch - 'A' + 10;
  return -1;
}

/* n hex digits at src[i], or -1. */
static long
jsre__hex_run(const struct jsre *r, size_t i, size_t n)
{
  long v = 0;

  if (i + n > r->len)
    return -1;
  for (size_t k = 0; k < n; k++) {
    int h = jsre__hex(r->src[i + k]);

    if (h < 0)
      return -1;
    v = v * 16 + h;
  }
  return v;
}

static int
jsre__code_point(struct jsre *r, long cp, size_t at)
{
  char text[24];

  /* A lone surrogate cannot occur in UTF-8 text: it never matches. */
  if (cp >= 0xD800 && cp <= 0xDFFF)
    return jsre__puts(r, "(?!)", at);
  snprintf(text, sizeof text, "\\x{%lx}", cp);
  return jsre__puts(r, text, at);
}

/* \u{H...}, \uHHHH or a surrogate pair \uHHHH\uHHHH; r->i at the u. */
static int
jsre__unicode(struct jsre *r, size_t at)
{
  long cp, low;
  size_t end;

  if (r->i + 1 < r->len && r->src[r->i + 1] == '{') {
    end = r->i + 2;
    cp = 0;
    while (end < r->len && jsre__hex(r->src[end]) >= 0 && cp <= 0x10FFFF)
      cp = cp * 16 + jsre__hex(r->src[end++]);
    if (end == r->i + 2 || end >= r->len || r->src[end] != '}' ||
        cp > 0x10FFFF)
      return jsre__fail(r, at, "\\u{...} needs a code point in hex");
    r->i = end + 1;
    return jsre__code_point(r, cp, at);
  }
  cp = jsre__hex_run(r, r->i + 1, 4);
  if (cp < 0)
    return jsre__fail(r, at, "\\u needs four hex digits");
  r->i += 5;
  if (cp >= 0xD800 && cp <= 0xDBFF && r->i + 1 < r->len &&
      r->src[r->i] == '\\' && r->src[r->i + 1] == 'u' &&
      (low = jsre__hex_run(r, r->i + 2, 4)) >= 0xDC00 && low <= 0xDFFF) {
    r->i += 6;
    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
  }
  return jsre__code_point(r, cp, at);
}

/* ECMA-262's General_Category values by their long names (and the
 * other aliases of PropertyValueAliases.txt): PCRE2 10.42 knows only the
 * short ones. */
static const char *const jsre__categories[][2] = {
  { "Letter", "L" }, { "Cased_Letter", "L&" }, { "LC", "L&" },
  { "Uppercase_Letter", "Lu" }, { "Lowercase_Letter", "Ll" },
  { "Titlecase_Letter", "Lt" }, { "Modifier_Letter", "Lm" },
  { "Other_Letter", "Lo" }, { "Mark", "M" }, { "Combining_Mark", "M" },
  { "Nonspacing_Mark", "Mn" }, { "Spacing_Mark", "Mc" },
  { "Enclosing_Mark", "Me" }, { "Number", "N" },
  { "Decimal_Number", "Nd" }, { "digit", "Nd" }, { "Letter_Number", "Nl" },
  { "Other_Number", "No" }, { "Punctuation", "P" }, { "punct", "P" },
  { "Connector_Punctuation", "Pc" }, { "Dash_Punctuation", "Pd" },
  { "Open_Punctuation", "Ps" }, { "Close_Punctuation", "Pe" },
  { "Initial_Punctuation", "Pi" }, { "Final_Punctuation", "Pf" },
  { "Other_Punctuation", "Po" }, { "Symbol", "S" }, { "Math_Symbol", "Sm" },
  { "Currency_Symbol", "Sc" }, { "Modifier_Symbol", "Sk" },
  { "Other_Symbol", "So" }, { "Separator", "Z" },
  { "Space_Separator", "Zs" }, { "Line_Separator", "Zl" },
  { "Paragraph_Separator", "Zp" }, { "Other", "C" }, { "Control", "Cc" },
  { "cntrl", "Cc" }, { "Format", "Cf" }, { "Surrogate", "Cs" },
  { "Private_Use", "Co" }, { "Unassigned", "Cn" },
};

/* The PCRE2 name of the general category name (n bytes), or NULL. */
static const char *
jsre__category(const char *name, size_t n)
{
  for (size_t i = 0; i < sizeof jsre__categories / sizeof *jsre__categories;
       i++)
    if (strlen(jsre__categories[i][0]) == n &&
        strncmp(jsre__categories[i][0], name, n) == 0)
      return jsre__categories[i][1];
  return NULL;
}

/*
 * \p{...} and \P{...}: ECMA's names into PCRE2's. Since 10.40 a bare
 * script name in PCRE2 means Script_Extensions, so Script= becomes sc:
 * and Script_Extensions= scx:; long category names become short ones.
 */
static int
jsre__property(struct jsre *r, size_t at)
{
  static const struct {
    const char *ecma;
    const char *pcre2;     /* prefix written before the value */
    bool category;
  } prefixes[] = {
    { "General_Category=", "", true }, { "gc=", "", true },
    { "Script=", "sc:", false }, { "sc=", "sc:", false },
    { "Script_Extensions=", "scx:", false }, { "scx=", "scx:", false },
  };
  const char *open = r->src + r->i + 1;
  const char *close = memchr(open, '}', r->len - (r->i + 1));
  const char *name = open + 1;
  const char *prefix = "";
  const char *short_name;
  char letter = r->src[r->i];
  bool category = true;
  char text[96];
  size_t n;

  if (*open != '{' || !close || close - name > 64)
    return jsre__fail(r, at, "\\%c needs a property name in braces",
                      letter);
  for (size_t k = 0; k < sizeof prefixes / sizeof *prefixes; k++)
    if (!strncmp(name, prefixes[k].ecma, strlen(prefixes[k].ecma)) &&
        (size_t)(close - name) > strlen(prefixes[k].ecma)) {
      name += strlen(prefixes[k].ecma);
      prefix = prefixes[k].pcre2;
      category = prefixes[k].category;
      break;
    }
  n = (size_t)(close - name);
  short_name = category ? jsre__category(name, n) : NULL;
  r->i = (size_t)(close - r->src) + 1;
  /* ECMA's Assigned is every code point but the unassigned ones. */
  if (!*prefix && n == 8 && strncmp(name, "Assigned", 8) == 0) {
    snprintf(text, sizeof text, "\\%c{Cn}", letter == 'p' ? 'P' : 'p');
    return jsre__puts(r, text, at);
  }
  if (short_name)
    snprintf(text, sizeof text, "\\%c{%s}", letter, short_name);
  else
    snprintf(text, sizeof text, "\\%c{%s%.*s}", letter, prefix, (int)n,
             name);
  return jsre__puts(r, text, at);
}

/* What a letter escape means in both places ('\0' when it differs). */
static const char *
jsre__shared_escape(char ch, bool in_class)
{
  switch (ch) {
  case 't': return "\\t";
  case 'n': return "\\n";
  case 'r': return "\\r";
  case 'f': return "\\f";
  case 'v': return "\\x{b}";
  case 'd': return in_class ? "0-9" : "[0-9]";
  case 'D': return in_class ? JSRE_NOT_DIGIT : "[^0-9]";
  case 'w': return in_class ? JSRE_WORD : "[" JSRE_WORD "]";
  case 'W': return in_class ? JSRE_NOT_WORD : "[^" JSRE_WORD "]";
  case 's': return in_class ? JSRE_SPACE : "[" JSRE_SPACE "]";
  case 'S': return in_class ? JSRE_NOT_SPACE : "[^" JSRE_SPACE "]";
  case 'b': return in_class ? "\\x{8}" : JSRE_BOUNDARY;
  case 'B': return in_class ? NULL : JSRE_NOT_BOUNDARY;
  }
  return NULL;
}

/* \x, \c, \0: r->i at the letter. */
static int
jsre__numeric_escape(struct jsre *r, char ch, size_t at)
{
  char text[16];
  long v;

  if (ch == 'x') {
    v = jsre__hex_run(r, r->i + 1, 2);
    if (v < 0)
      return jsre__fail(r, at, "\\x needs two hex digits");
    r->i += 3;
    return jsre__code_point(r, v, at);
  }
  if (ch == 'c') {
    char l = r->i + 1 < r->len ? r->src[r->i + 1] : '\0';

    if (!((l >= 'a' && l <= 'z') || (l >= 'A' && l <= 'Z')))
      return jsre__fail(r, at, "\\c needs a letter");
    r->i += 2;
    snprintf(text, sizeof text, "\\x{%x}", (unsigned)(l % 32));
    return jsre__puts(r, text, at);
  }
  r->i++;
  return jsre__puts(r, "\\x{0}", at);
}

/* One escape; r->i at the backslash. */
static int
jsre__escape(struct jsre *r, bool in_class)
{
  size_t at = r->i;
  char ch;
  const char *shared;

  if (++r->i >= r->len)
    return jsre__fail(r, at, "the pattern ends with a lone backslash");
  ch = r->src[r->i];
  shared = jsre__shared_escape(ch, in_class);
  if (shared) {
    r->i++;
    return jsre__puts(r, shared, at);
  }
  if (ch == 'u')
    return jsre__unicode(r, at);
  if (ch == 'p' || ch == 'P')
    return jsre__property(r, at);
  if (ch == 'x' || ch == 'c' ||
      (ch == '0' && !(r->i + 1 < r->len && r->src[r->i + 1] >= '0' &&
                      r->src[r->i + 1] <= '9')))
    return jsre__numeric_escape(r, ch, at);
  if (!in_class && ((ch >= '1' && ch <= '9') || ch == 'k')) {
    r->i++;
    return jsre__emit(r, r->src + at, 2, at);
  }
  if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
      (ch >= '0' && ch <= '9'))
    return jsre__fail(r, at, "\\%c is not an ECMA-262 escape", ch);
  /* An escaped symbol stands for itself; a non-ASCII one needs no \. */
  r->i++;
  if ((unsigned char)ch >= 0x80)
    return jsre__emit(r, &r->src[at + 1], 1, at);
  return jsre__emit(r, r->src + at, 2, at);
}

/* A character class; r->i at the '['. */
static int
jsre__class(struct jsre *r)
{
  size_t at = r->i;
  int rc = jsre__emit(r, "[", 1, at);

  r->i++;
  if (rc == 0 && r->i < r->len && r->src[r->i] == '^')
    rc = jsre__emit(r, "^", 1, r->i++);
  /* ECMA: [] matches nothing, [^] anything; PCRE2 agrees with
   * PCRE2_ALLOW_EMPTY_CLASS, and reads the ']' here the same way. */
  while (rc == 0 && r->i < r->len && r->src[r->i] != ']') {
    if (r->src[r->i] == '\\')
      rc = jsre__escape(r, true);
    else if (r->src[r->i] == '[')
      rc = jsre__emit(r, "\\[", 2, r->i++);
    else {
      rc = jsre__emit(r, &r->src[r->i], 1, r->i);
      r->i++;
    }
  }
  if (rc)
    return rc;
  if (r->i >= r->len)
    return jsre__fail(r, at, "a character class has no closing ]");
  return jsre__emit(r, "]", 1, r->i++);
}

/* (? forms: only those ECMA-262 has pass. r->i at the '('. */
static int
jsre__group(struct jsre *r)
{
  static const char *const forms[] = { "(?:", "(?=", "(?!", "(?<=", "(?<!" };
  const char *p = r->src + r->i;
  size_t left = r->len - r->i;

  if (left < 2 || p[1] != '?')
    return jsre__emit(r, "(", 1, r->i++);
  for (size_t k = 0; k < sizeof forms / sizeof *forms; k++) {
    size_t n = strlen(forms[k]);

    if (left >= n && memcmp(p, forms[k], n) == 0) {
      r->i += n;
      return jsre__emit(r, p, n, r->i - n);
    }
  }
  if (left >= 4 && p[2] == '<' &&
      ((p[3] >= 'a' && p[3] <= 'z') || (p[3] >= 'A' && p[3] <= 'Z') ||
       p[3] == '_' || p[3] == '$')) {
    r->i += 3;
    return jsre__emit(r, p, 3, r->i - 3);
  }
  return jsre__fail(r, r->i, "(?%.1s is not ECMA-262 syntax",
                    left > 2 ? p + 2 : "");
}

/* Whether src[i] starts a quantifier {n}, {n,} or {n,m}; sets *end. */
static bool
jsre__braces(const struct jsre *r, size_t i, size_t *end)
{
  size_t k = i + 1;
  size_t digits = 0;

  while (k < r->len && r->src[k] >= '0' && r->src[k] <= '9')
    k++, digits++;
  if (!digits)
    return false;
  if (k < r->len && r->src[k] == ',') {
    k++;
    while (k < r->len && r->src[k] >= '0' && r->src[k] <= '9')
      k++;
  }
  if (k >= r->len || r->src[k] != '}')
    return false;
  *end = k + 1;
  return true;
}

/* A quantifier (r->i at it), then an optional lazy '?'. */
static int
jsre__quantifier(struct jsre *r, size_t end)
{
  size_t at = r->i;
  int rc = jsre__emit(r, r->src + at, end - at, at);

  r->i = end;
  if (rc == 0 && r->i < r->len && r->src[r->i] == '?')
    rc = jsre__emit(r, "?", 1, r->i++);
  if (rc == 0 && r->i < r->len && r->src[r->i] == '+')
    return jsre__fail(r, r->i, "a possessive quantifier is not ECMA-262 "
                      "syntax");
  return rc;
}

static int
jsre__token(struct jsre *r)
{
  char ch = r->src[r->i];
  size_t end;

  switch (ch) {
  case '\\': return jsre__escape(r, false);
  case '[': return jsre__class(r);
  case '(': return jsre__group(r);
  case '.': return jsre__puts(r, "[^\\n\\r\\x{2028}\\x{2029}]", r->i++);
  case '*': case '+': case '?': return jsre__quantifier(r, r->i + 1);
  case '{':
    if (jsre__braces(r, r->i, &end))
      return jsre__quantifier(r, end);
    return jsre__emit(r, "\\{", 2, r->i++);
  case '}': return jsre__emit(r, "\\}", 2, r->i++);
  case '#': return jsre__emit(r, "\\#", 2, r->i++);
  default: return jsre__emit(r, &ch, 1, r->i++);
  }
}

/* Translates src into PCRE2 syntax in r->out (NUL-terminated). */
static int
jsre__translate(struct jsre *r)
{
  while (r->i < r->len && r->err == 0)
    jsre__token(r);
  if (r->err == 0 && buf_reserve(&r->out, 1))
    r->err = FACET_ENOMEM;
  return r->err;
}

int
jsre_compile(const char *src, size_t len, pcre2_code **out, char *why,
             size_t size, size_t *at)
{
  struct jsre r = { .src = src, .len = len, .why = why, .size = size };
  uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_DOLLAR_ENDONLY |
                     PCRE2_ALLOW_EMPTY_CLASS | PCRE2_MATCH_INVALID_UTF |
                     PCRE2_NEVER_BACKSLASH_C;
  PCRE2_SIZE offset = 0;
  int code = 0;
  int rc;

  *out = NULL;
  buf_init(&r.out, JSRE_OUT_MAX);
  rc = jsre__translate(&r);
  if (rc == 0) {
    *out = pcre2_compile((PCRE2_SPTR)(r.out.data ? r.out.data : ""),
                         r.out.len, options, &code, &offset, NULL);
    if (!*out) {
      pcre2_get_error_message(code, (PCRE2_UCHAR *)why, size);
      r.at = offset < r.out.len ? r.map[offset] : len;
      rc = FACET_EINVAL;
    } else {
      pcre2_jit_compile(*out, PCRE2_JIT_COMPLETE);
    }
  }
  *at = r.at;
  buf_release(&r.out);
  free(r.map);
  return rc;
}
