/*
 * Patterns simple enough to match without PCRE2: a run of atoms (a
 * character, `.`, `\d`, `\w`, a class of ASCII characters, maybe negated),
 * each with a quantifier, between an optional ^ and an optional $. Most
 * patterns of real schemas are like that (dates, ids, codes, ...), and a
 * call into PCRE2's JIT costs more than matching them outright. Anything
 * else (groups, alternation, \s, \b, non-ASCII in the pattern, ...) is
 * left to PCRE2, and so is any string this matcher cannot read (invalid
 * UTF-8) or that would take it too many steps.
 *
 * Whether a pattern matches somewhere does not depend on whether its
 * quantifiers are greedy or lazy, so both are read alike.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "jsonschema_internal.h"

/* Atoms a simple pattern may have, and repetitions a bound may name. */
#define JSRS_ATOMS_MAX 32
#define JSRS_REPEAT_MAX 100000u
#define JSRS_UNBOUNDED UINT32_MAX

/* Backtracking steps one match may take before it gives up. */
#define JSRS_STEPS_MAX 100000

struct jsrs_atom {
  uint64_t set[2];        /* the ASCII characters it matches */
  uint8_t ascii[128];     /* the same, a byte each, for the matching loop */
  bool other;             /* it matches every non-ASCII code point */
  bool dot;               /* ... but U+2028 and U+2029 */
  uint32_t min;
  uint32_t max;
};

struct jsre_simple {
  bool start;             /* anchored by ^ */
  bool end;               /* anchored by $ */
  uint32_t n;
  struct jsrs_atom atoms[JSRS_ATOMS_MAX];
};

static void
jsrs__add(struct jsrs_atom *a, unsigned c)
{
  a->set[c >> 6] |= UINT64_C(1) << (c & 63);
}

static void
jsrs__range(struct jsrs_atom *a, unsigned lo, unsigned hi)
{
  for (unsigned c = lo; c <= hi; c++)
    jsrs__add(a, c);
}

static void
jsrs__word(struct jsrs_atom *a)
{
  jsrs__range(a, '0', '9');
  jsrs__range(a, 'A', 'Z');
  jsrs__range(a, 'a', 'z');
  jsrs__add(a, '_');
}

static bool
jsrs__punct(unsigned char c)
{
  return c < 0x80 && c > ' ' && !(c >= '0' && c <= '9') &&
         !(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z');
}

/* The character an escape "\c" stands for, or -1 when this matcher
 * does not read it (\s, \b, \u..., a digit, ...). */
static int
jsrs__escaped(unsigned char c)
{
  switch (c) {
  case 'n': return '\n';
  case 'r': return '\r';
  case 't': return '\t';
  case 'f': return '\f';
  case 'v': return '\v';
  default: return jsrs__punct(c) ? c : -1;
  }
}

/*
 * One character or set at *i (an escape, or a class member when in_class)
 * into a. *c is the character, or -1 for a set (\d, \w), which cannot
 * bound a range. False when this matcher does not read it.
 */
static bool
jsrs__char(const char *p, size_t len, size_t *i, struct jsrs_atom *a, int *c)
{
  unsigned char ch;

  if (*i >= len || (unsigned char)p[*i] >= 0x80)
    return false;
  ch = (unsigned char)p[(*i)++];
  if (ch != '\\') {
    *c = ch;
  } else if (*i < len && p[*i] == 'd') {
    (*i)++;
    jsrs__range(a, '0', '9');
    *c = -1;
    return true;
  } else if (*i < len && p[*i] == 'w') {
    (*i)++;
    jsrs__word(a);
    *c = -1;
    return true;
  } else if (*i >= len || (*c = jsrs__escaped((unsigned char)p[(*i)++])) < 0) {
    return false;
  }
  jsrs__add(a, (unsigned)*c);
  return true;
}

/* A class after its '[': members, ranges, maybe negated. ECMA-262 reads
 * "[]" as matching nothing and "[^]" as matching anything. */
static bool
jsrs__class(const char *p, size_t len, size_t *i, struct jsrs_atom *a)
{
  bool negate = *i < len && p[*i] == '^';

  *i += negate;
  while (*i < len && p[*i] != ']') {
    int lo, hi;

    if (!jsrs__char(p, len, i, a, &lo))
      return false;
    if (*i + 1 < len && p[*i] == '-' && p[*i + 1] != ']') {
      (*i)++;
      if (!jsrs__char(p, len, i, a, &hi) || lo < 0 || hi < 0 || hi < lo)
        return false;
      jsrs__range(a, (unsigned)lo, (unsigned)hi);
    }
  }
  if (*i >= len)
    return false;
  (*i)++;
  if (negate) {
    a->set[0] = ~a->set[0];
    a->set[1] = ~a->set[1];
    a->other = true;
  }
  return true;
}

/* A decimal number of at most JSRS_REPEAT_MAX at *i. */
static bool
jsrs__number(const char *p, size_t len, size_t *i, uint32_t *n)
{
  size_t start = *i;

  *n = 0;
  while (*i < len && p[*i] >= '0' && p[*i] <= '9') {
    *n = *n * 10 + (uint32_t)(p[(*i)++] - '0');
    if (*n > JSRS_REPEAT_MAX)
      return false;
  }
  return *i > start;
}

static bool
jsrs__quantifier(const char *p, size_t len, size_t *i, struct jsrs_atom *a)
{
  a->min = a->max = 1;
  if (*i >= len)
    return true;
  switch (p[*i]) {
  case '*': a->min = 0; a->max = JSRS_UNBOUNDED; (*i)++; break;
  case '+': a->max = JSRS_UNBOUNDED; (*i)++; break;
  case '?': a->min = 0; (*i)++; break;
  case '{':
    (*i)++;
    if (!jsrs__number(p, len, i, &a->min))
      return false;
    a->max = a->min;
    if (*i < len && p[*i] == ',') {
      (*i)++;
      a->max = JSRS_UNBOUNDED;
      if (*i < len && p[*i] != '}' && !jsrs__number(p, len, i, &a->max))
        return false;
    }
    if (*i >= len || p[*i] != '}' || a->max < a->min)
      return false;
    (*i)++;
    break;
  default:
    return true;
  }
  *i += *i < len && p[*i] == '?';  /* lazy: the same for a yes or no */
  return true;
}

static bool
jsrs__atom(const char *p, size_t len, size_t *i, struct jsrs_atom *a)
{
  unsigned char c = (unsigned char)p[(*i)++];

  memset(a, 0, sizeof *a);
  if (c >= 0x80 || strchr("()|{}*+?]^$", c))
    return false;
  if (c == '.') {
    jsrs__range(a, 0, 0x7f);
    a->set[0] &= ~((UINT64_C(1) << '\n') | (UINT64_C(1) << '\r'));
    a->other = a->dot = true;
  } else if (c == '[') {
    if (!jsrs__class(p, len, i, a))
      return false;
  } else if (c == '\\') {
    int ch;

    (*i)--;
    if (!jsrs__char(p, len, i, a, &ch))
      return false;
  } else {
    jsrs__add(a, c);
  }
  return jsrs__quantifier(p, len, i, a);
}

struct jsre_simple *
jsre_simple_compile(struct arena *arena, const char *p, size_t len)
{
  struct jsre_simple prog;
  struct jsre_simple *out;
  size_t i = 0;

  memset(&prog, 0, sizeof prog);
  prog.start = len && p[0] == '^';
  i = prog.start;
  if (len > i && p[len - 1] == '$') {
    size_t escapes = 0;

    while (escapes + 1 < len && p[len - 2 - escapes] == '\\')
      escapes++;
    if (escapes % 2)
      return NULL;  /* "\$" ends it: a dollar sign, left to PCRE2 */
    prog.end = true;
    len--;
  }
  while (i < len) {
    struct jsrs_atom *a = &prog.atoms[prog.n];

    if (prog.n == JSRS_ATOMS_MAX || !jsrs__atom(p, len, &i, a))
      return NULL;
    for (unsigned c = 0; c < 128; c++)
      a->ascii[c] = (a->set[c >> 6] >> (c & 63)) & 1;
    prog.n++;
  }
  out = arena_alloc(arena, sizeof *out);
  if (out)
    *out = prog;
  return out;
}

/* Bytes of the non-ASCII code point at pos the atom matches: 0 when it
 * does not, -1 when the text is not UTF-8 there. */
static int
jsrs__step(const struct jsrs_atom *a, const unsigned char *s, size_t len,
           size_t pos)
{
  unsigned char c = s[pos];
  unsigned char lo = 0x80, hi = 0xBF;  /* the second byte's range */
  int n;

  n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3
    : c >= 0xC2 && c <= 0xDF ? 2 : -1;
  if (n < 0 || pos + (size_t)n > len)
    return -1;
  /* No overlong forms, surrogates or code points past U+10FFFF. */
  lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : lo;
  hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : hi;
  if (s[pos + 1] < lo || s[pos + 1] > hi)
    return -1;
  for (int k = 2; k < n; k++)
    if ((s[pos + k] & 0xC0) != 0x80)
      return -1;
  if (!a->other)
    return 0;
  if (a->dot && n == 3 && c == 0xE2 && s[pos + 1] == 0x80 &&
      (s[pos + 2] == 0xA8 || s[pos + 2] == 0xA9))
    return 0;
  return n;
}

struct jsrs_match {
  const struct jsre_simple *prog;
  const unsigned char *s;
  size_t len;
  long steps;
};

/* 1 when atoms i... match from pos, 0 when not, -1 to give up. */
static int
jsrs__match(struct jsrs_match *m, uint32_t i, size_t pos)
{
  const struct jsrs_atom *a;
  size_t p = pos;
  uint32_t k = 0;
  int w = 0;

  if (i == m->prog->n)
    return !m->prog->end || pos == m->len;
  a = &m->prog->atoms[i];
  for (;;) {
    /* A run of ASCII, the usual case, a byte at a time. */
    size_t limit = a->max - k < m->len - p ? p + (a->max - k) : m->len;
    size_t run = p;

    while (run < limit && m->s[run] < 0x80 && a->ascii[m->s[run]])
      run++;
    k += (uint32_t)(run - p);
    p = run;
    if (p == limit || m->s[p] < 0x80 ||
        (w = jsrs__step(a, m->s, m->len, p)) <= 0)
      break;
    p += (size_t)w;
    k++;
  }
  if (w < 0)
    return -1;
  for (;;) {
    int r;

    if (k < a->min)
      return 0;
    if (--m->steps < 0)
      return -1;
    r = jsrs__match(m, i + 1, p);
    if (r != 0 || k == a->min)
      return r;
    /* One code point back. */
    do
      p--;
    while (p > pos && (m->s[p] & 0xC0) == 0x80);
    k--;
  }
}

int
jsre_simple_match(const struct jsre_simple *prog, const char *s, size_t len)
{
  struct jsrs_match m = { prog, (const unsigned char *)s, len,
                          JSRS_STEPS_MAX };

  for (size_t pos = 0; pos <= len; pos++) {
    int r;

    if (pos < len && (m.s[pos] & 0xC0) == 0x80)
      continue;  /* inside a code point */
    r = jsrs__match(&m, 0, pos);
    if (r != 0 || prog->start)
      return r;
  }
  return 0;
}
