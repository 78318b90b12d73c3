/*
 * RFC 8259's JSON grammar, checked without building anything: the
 * first error, at the bytes that cause it, worded for the person who
 * wrote them. See json_syntax.h for why neither json-c nor
 * tree-sitter-json decides.
 */
#include "json_syntax.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "tree.h"

struct jsyn {
  const char *p;
  uint32_t len;
  struct json_syntax_error *e;
};

/* Words are shown up to this many bytes in a message. */
#define JSYN_SHOWN(n) ((int)((n) > 48 ? 48 : (n)))

static bool jsyn__fail(struct jsyn *s, uint32_t start, uint32_t end,
                       const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static bool
jsyn__fail(struct jsyn *s, uint32_t start, uint32_t end, const char *fmt,
           ...)
{
  va_list ap;

  s->e->start = start;
  s->e->end = end < start ? start : end;
  s->e->too_deep = false;
  va_start(ap, fmt);
  vsnprintf(s->e->message, sizeof s->e->message, fmt, ap);
  va_end(ap);
  return false;
}

static bool
jsyn__ws(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
jsyn__digit(char c)
{
  return c >= '0' && c <= '9';
}

static bool
jsyn__hex(char c)
{
  return jsyn__digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A byte that can continue a bare word (a literal or a number). */
static bool
jsyn__word(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         jsyn__digit(c) || c == '_' || c == '+' || c == '-' || c == '.';
}

/*
 * The length of the well-formed UTF-8 sequence at p (n > 0 bytes), or 0:
 * no overlong forms, no surrogates, nothing past U+10FFFF (RFC 3629).
 */
static uint32_t
jsyn__utf8(const unsigned char *p, uint32_t n)
{
  unsigned char c = p[0];
  uint32_t need;
  unsigned char lo = 0x80, hi = 0xBF;

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    need = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    need = 3;
    if (c == 0xE0)
      lo = 0xA0;
    else if (c == 0xED)
      hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    need = 4;
    if (c == 0xF0)
      lo = 0x90;
    else if (c == 0xF4)
      hi = 0x8F;
  } else
    return 0;
  if (n < need || p[1] < lo || p[1] > hi)
    return 0;
  for (uint32_t i = 2; i < need; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;
  return need;
}

/* Bytes from at that are not UTF-8, up to the next well-formed one. */
static bool
jsyn__not_utf8(struct jsyn *s, uint32_t at, const char *where)
{
  const unsigned char *u = (const unsigned char *)s->p;
  uint32_t end = at + 1;

  while (end < s->len && u[end] >= 0x80 &&
         !jsyn__utf8(u + end, s->len - end))
    end++;
  return jsyn__fail(s, at, end, "bytes that are not UTF-8 %s: JSON text "
                    "is UTF-8", where);
}

/* How a control character is written inside a JSON string. */
static void
jsyn__escape_of(unsigned char c, char *out, size_t size)
{
  const char *named = c == '\t' ? "\\t" : c == '\b' ? "\\b"
                      : c == '\f' ? "\\f" : NULL;

  if (named)
    snprintf(out, size, "%s", named);
  else
    snprintf(out, size, "\\u%04X", c);
}

/* The string that opens at *i (a '"'); *i moves past its closing quote. */
static bool
jsyn__string(struct jsyn *s, uint32_t *i)
{
  const unsigned char *u = (const unsigned char *)s->p;
  uint32_t open = *i;
  uint32_t j = open + 1;

  for (;;) {
    if (j >= s->len)
      return jsyn__fail(s, s->len, s->len, "the JSON ends inside a string: "
                        "its closing '\"' is missing");
    if (u[j] == '"')
      break;
    if (u[j] == '\\') {
      uint32_t k = j + 2;

      if (j + 1 >= s->len)
        return jsyn__fail(s, s->len, s->len, "the JSON ends inside a "
                          "string: its closing '\"' is missing");
      if (strchr("\"\\/bfnrt", s->p[j + 1]) && s->p[j + 1]) {
        j += 2;
        continue;
      }
      if (s->p[j + 1] != 'u') {
        uint32_t n = u[j + 1] < 0x80 ? 1 : jsyn__utf8(u + j + 1,
                                                      s->len - j - 1);

        if (n == 0 || u[j + 1] < 0x20)
          return jsyn__fail(s, j, j + 1, "a '\\' in a JSON string starts "
                            "an escape: write '\\\\' for a backslash");
        return jsyn__fail(s, j, j + 1 + n, "invalid escape '\\%.*s' in a "
                          "string: JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t "
                          "and \\uXXXX (write '\\\\' for a backslash)",
                          (int)n, s->p + j + 1);
      }
      while (k < j + 6 && k < s->len && jsyn__hex(s->p[k]))
        k++;
      if (k < j + 6)
        return jsyn__fail(s, j, k, "invalid escape '%.*s' in a string: "
                          "\\u takes four hex digits", (int)(k - j),
                          s->p + j);
      j = k;
      continue;
    }
    if (u[j] == '\n' || u[j] == '\r')
      return jsyn__fail(s, open, j, "the string is not closed on its line: "
                        "a JSON string cannot hold a line break (write it "
                        "as \\n), so its closing '\"' is missing");
    if (u[j] < 0x20) {
      char esc[8];

      jsyn__escape_of(u[j], esc, sizeof esc);
      return jsyn__fail(s, j, j + 1, "%s inside a JSON string must be "
                        "escaped: write it as %s",
                        u[j] == '\t' ? "a tab" : "a control character",
                        esc);
    }
    if (u[j] >= 0x80) {
      uint32_t n = jsyn__utf8(u + j, s->len - j);

      if (!n)
        return jsyn__not_utf8(s, j, "in a string");
      j += n;
      continue;
    }
    j++;
  }
  *i = j + 1;
  return true;
}

/* Why the number-like word [start, end) is not an RFC 8259 number, or
 * NULL when it is one. */
static const char *
jsyn__number_fault(const char *p, uint32_t start, uint32_t end)
{
  uint32_t i = start;

  if (p[i] == '+')
    return "a JSON number has no '+' sign";
  if (p[i] == '-')
    i++;
  if (i < end && p[i] == '.')
    return "a JSON number needs a digit before '.' (write 0.5, not .5)";
  if (i >= end || !jsyn__digit(p[i]))
    return "'-' must be followed by a digit";
  if (p[i] == '0' && i + 1 < end && jsyn__digit(p[i + 1]))
    return "a JSON number has no leading zeros";
  while (i < end && jsyn__digit(p[i]))
    i++;
  if (i < end && p[i] == '.') {
    i++;
    if (i >= end || !jsyn__digit(p[i]))
      return "a JSON number needs a digit after '.' (write 1.0 or 1, not "
             "1.)";
    while (i < end && jsyn__digit(p[i]))
      i++;
  }
  if (i < end && (p[i] == 'e' || p[i] == 'E')) {
    i++;
    if (i < end && (p[i] == '+' || p[i] == '-'))
      i++;
    if (i >= end || !jsyn__digit(p[i]))
      return "the exponent of a JSON number needs a digit (1e5, 1e+5, "
             "1e-5)";
    while (i < end && jsyn__digit(p[i]))
      i++;
  }
  return i == end ? NULL : "";
}

/* A literal or a number: the whole word from *i must be one. */
static bool
jsyn__bare(struct jsyn *s, uint32_t *i)
{
  const char *p = s->p;
  uint32_t start = *i;
  uint32_t end = start;
  uint32_t n;
  const char *why;

  while (end < s->len && jsyn__word(p[end]))
    end++;
  n = end - start;
  if ((n == 4 && memcmp(p + start, "true", 4) == 0) ||
      (n == 5 && memcmp(p + start, "false", 5) == 0) ||
      (n == 4 && memcmp(p + start, "null", 4) == 0)) {
    *i = end;
    return true;
  }
  if ((n == 3 && memcmp(p + start, "NaN", 3) == 0) ||
      (n >= 8 && memcmp(p + end - 8, "Infinity", 8) == 0 &&
       n <= 9 && (n == 8 || p[start] == '-' || p[start] == '+')))
    return jsyn__fail(s, start, end, "'%.*s' is not a JSON value: JSON has "
                      "no NaN or Infinity (write null, or the value as a "
                      "string)", JSYN_SHOWN(n), p + start);
  if (jsyn__digit(p[start]) || strchr("+-.", p[start])) {
    why = jsyn__number_fault(p, start, end);
    if (why && *why)
      return jsyn__fail(s, start, end, "'%.*s' is not a JSON number: %s",
                        JSYN_SHOWN(n), p + start, why);
    if (!why) {
      *i = end;
      return true;
    }
  }
  return jsyn__fail(s, start, end, "'%.*s' is not a JSON value (a string, "
                    "number, object, array, true, false or null)", JSYN_SHOWN(n),
                    p + start);
}

/* A byte where it does not belong: the character whole, never split
 * mid-UTF-8; why is the message, NULL to name the character. */
static bool
jsyn__unexpected(struct jsyn *s, uint32_t at, const char *why)
{
  const unsigned char *u = (const unsigned char *)s->p;
  uint32_t n = jsyn__utf8(u + at, s->len - at);

  if (!n)
    return jsyn__not_utf8(s, at, "outside a string");
  if (u[at] < 0x20 || u[at] == 0x7F)
    return jsyn__fail(s, at, at + 1, "unexpected control character U+%04X",
                      u[at]);
  if (why)
    return jsyn__fail(s, at, at + n, "%s", why);
  if (strchr("{}[]:,", s->p[at]))
    return jsyn__fail(s, at, at + 1, "unexpected '%c'", s->p[at]);
  return jsyn__fail(s, at, at + n, "unexpected '%.*s': a JSON value is a "
                    "string, number, object, array, true, false or null",
                    (int)n, s->p + at);
}

/* What a comment or a single-quoted string would be; false if neither. */
static bool
jsyn__common(struct jsyn *s, uint32_t at)
{
  const char *p = s->p;

  if (p[at] == '/' && at + 1 < s->len && (p[at + 1] == '/' ||
                                          p[at + 1] == '*'))
    return jsyn__fail(s, at, at + 2, "comments are not allowed in JSON");
  if (p[at] == '\'') {
    uint32_t end = at + 1;

    while (end < s->len && p[end] != '\'' && p[end] != '\n')
      end++;
    return jsyn__fail(s, at, end < s->len && p[end] == '\'' ? end + 1 : at + 1,
                      "JSON strings are written in double quotes, not "
                      "single");
  }
  return true;
}

/* What the text is waiting for at a point of the scan. */
enum jsyn_want {
  JSYN_VALUE,          /* a value: at the start, after ':' or ',' */
  JSYN_FIRST_VALUE,    /* after '[': a value or ']' */
  JSYN_KEY,            /* after ',' in an object */
  JSYN_FIRST_KEY,      /* after '{': a key or '}' */
  JSYN_COLON,          /* after a key */
  JSYN_AFTER,          /* after a value */
};

/* The message at the end of a text that stops too early. */
static bool
jsyn__eof(struct jsyn *s, enum jsyn_want want, char last, char top)
{
  const char *why;

  if (last == ':' && want == JSYN_VALUE)
    why = "the JSON ends after ':' where the key's value belongs";
  else if (last == ',' && want == JSYN_KEY)
    why = "the JSON ends after ',' where the next key belongs";
  else if (last == ',' && want == JSYN_VALUE)
    why = "the JSON ends after ',' where another value belongs";
  else if (want == JSYN_COLON)
    why = "the JSON ends after a key where ':' and its value belong";
  else if (top == '{')
    why = "the JSON ends too early: an object is not closed with '}'";
  else
    why = "the JSON ends too early: an array is not closed with ']'";
  return jsyn__fail(s, s->len, s->len, "%s", why);
}

bool
json_syntax_check(const char *p, uint32_t len, uint32_t max_depth,
                  struct json_syntax_error *e)
{
  struct jsyn s = { p, len, e };
  char *stack = malloc(max_depth + 1);
  uint32_t depth = 0;
  uint32_t i = 0;
  uint32_t comma = 0;          /* where the last ',' was */
  char last = '\0';            /* the last ',' or ':' or other token */
  enum jsyn_want want = JSYN_VALUE;
  bool ok = true;

  memset(e, 0, sizeof *e);
  if (!stack)
    return jsyn__fail(&s, 0, 0, "out of memory");
  while (i < len && jsyn__ws(p[i]))
    i++;
  if (i >= len) {
    free(stack);
    return jsyn__fail(&s, 0, 0, "the file is empty: a JSON document needs "
                      "a value");
  }
  for (;;) {
    char c;
    char top = depth ? stack[depth - 1] : '\0';

    while (i < len && jsyn__ws(p[i]))
      i++;
    if (i >= len) {
      if (!(want == JSYN_AFTER && depth == 0))
        ok = jsyn__eof(&s, want, last, top);
      break;
    }
    c = p[i];
    if (want == JSYN_AFTER) {
      if (depth == 0) {
        ok = jsyn__fail(&s, i, len, "unexpected text after the end of the "
                        "JSON value");
        break;
      }
      if (c == ',') {
        comma = i++;
        last = ',';
        want = top == '{' ? JSYN_KEY : JSYN_VALUE;
        continue;
      }
      if ((c == '}' && top == '{') || (c == ']' && top == '[')) {
        depth--;
        i++;
        last = c;
        continue;
      }
      if (!(ok = jsyn__common(&s, i)))
        break;
      ok = jsyn__unexpected(&s, i, top == '{'
                            ? "expected ',' or '}' after the value before "
                              "this"
                            : "expected ',' or ']' after the value before "
                              "this");
      break;
    }
    if (want == JSYN_COLON) {
      if (c == ':') {
        i++;
        last = ':';
        want = JSYN_VALUE;
        continue;
      }
      if (!(ok = jsyn__common(&s, i)))
        break;
      ok = jsyn__unexpected(&s, i, "expected ':' after the key before "
                            "this");
      break;
    }
    /* A closing bracket where a key or value belongs. */
    if ((c == '}' && want == JSYN_FIRST_KEY) ||
        (c == ']' && want == JSYN_FIRST_VALUE)) {
      depth--;
      i++;
      last = c;
      want = JSYN_AFTER;
      continue;
    }
    if ((c == '}' || c == ']') && last == ',') {
      ok = jsyn__fail(&s, comma, comma + 1, "trailing comma before '%c'", c);
      break;
    }
    if (!(ok = jsyn__common(&s, i)))
      break;
    if (want == JSYN_KEY || want == JSYN_FIRST_KEY) {
      if (c == '"') {
        if (!(ok = jsyn__string(&s, &i)))
          break;
        last = '"';
        want = JSYN_COLON;
        continue;
      }
      if (jsyn__word(c)) {
        uint32_t end = i;

        while (end < len && jsyn__word(p[end]))
          end++;
        ok = jsyn__fail(&s, i, end, "'%.*s' is not a JSON key: keys are "
                        "strings in double quotes", JSYN_SHOWN(end - i),
                        p + i);
        break;
      }
      ok = jsyn__unexpected(&s, i, want == JSYN_FIRST_KEY
                            ? "expected a key (a string in double quotes) "
                              "or '}'"
                            : "expected a key (a string in double quotes)");
      break;
    }
    /* A value. */
    last = 'v';
    if (c == '{' || c == '[') {
      if (depth >= max_depth) {
        e->start = e->end = i;
        e->too_deep = true;
        ok = false;
        break;
      }
      stack[depth++] = c;
      i++;
      want = c == '{' ? JSYN_FIRST_KEY : JSYN_FIRST_VALUE;
      continue;
    }
    if (c == '"')
      ok = jsyn__string(&s, &i);
    else if (jsyn__word(c))
      ok = jsyn__bare(&s, &i);
    else
      ok = jsyn__unexpected(&s, i, NULL);
    if (!ok)
      break;
    want = JSYN_AFTER;
  }
  free(stack);
  return ok;
}

bool
json_text_parse(const char *p, uint32_t len, struct json_object **out,
                struct json_syntax_error *e)
{
  struct json_syntax_error local;
  struct source src;
  struct arena arena;
  struct diag_list diags;
  struct node *root = NULL;
  size_t budget = NODE_JSON_BUDGET_DEFAULT;
  bool ok;

  *out = NULL;
  if (!e)
    e = &local;
  memset(e, 0, sizeof *e);
  /* Through facet's own tree rather than json-c's parser: json-c clamps
   * integers past 64 bits to UINT64_MAX, the tree keeps their text. */
  if (source_init(&src, p, len))
    return jsyn__fail(&(struct jsyn){ p, len, e }, 0, 0, "out of memory");
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  ok = json_parse(&arena, &src, span_make(0, len), &diags, &root) == 0;
  if (ok && diags.count) {
    ok = false;
    e->start = diags.items[0].span.start;
    e->end = diags.items[0].span.end;
    snprintf(e->message, sizeof e->message, "%s", diags.items[0].message);
  } else if (!ok) {
    snprintf(e->message, sizeof e->message, "out of memory");
  } else if (root) {
    *out = node_to_json(root, &budget);
    if (!budget) {
      ok = false;
      snprintf(e->message, sizeof e->message, "out of memory");
    }
  }
  diag_list_release(&diags);
  arena_release(&arena);
  source_release(&src);
  return ok;
}
