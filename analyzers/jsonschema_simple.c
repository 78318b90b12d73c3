/*
 * Patterns simple enough to match without PCRE2: a run of atoms (a
 * character, `.`, `\d` `\w` `\s` and their negations, a class of ASCII
 * characters and those sets, maybe negated), each with a quantifier,
 * between an optional ^ and an optional $. Most patterns of real schemas
 * are like that (dates, ids, codes, e-mail addresses, ...), and a call
 * into PCRE2's JIT costs more than matching them outright. Anything else
 * (groups, alternation, \b, non-ASCII in the pattern, ...) is left to
 * PCRE2, and so is any string this matcher cannot read (invalid UTF-8) or
 * that would take it too many steps.
 *
 * Whether a pattern matches somewhere does not depend on whether its
 * quantifiers are greedy or lazy, so both are read alike. Text that is
 * all ASCII, the usual case, goes through a DFA made from the pattern
 * (jsrs__dfa_build) when the pattern is short enough to have a small one:
 * a table lookup per byte. Other text is matched by backtracking over the
 * atoms, where an atom whose characters cannot start what follows it never
 * has to give any back (jsrs__settle marks those).
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

/* Character positions (Glushkov's: one per character the pattern can
 * match in a row, a repetition counted out) a pattern may have for its
 * DFA, and states the DFA may have: past them, no DFA. */
#define JSRS_POSITIONS_MAX 63
#define JSRS_STATES_MAX 64

/* The non-ASCII code points an atom matches. */
enum jsrs_wide {
  JSRS_NONE,
  JSRS_ALL,
  JSRS_DOT,               /* all but U+2028 and U+2029 (`.`) */
  JSRS_SPACE,             /* ECMA-262's white space and line ends (\s) */
  JSRS_NOT_SPACE,         /* all but those (\S) */
};

struct jsrs_atom {
  uint64_t set[2];        /* the ASCII characters it matches */
  uint8_t byte[256];      /* the same, a byte each, for the matching loop
                             (0 for every byte from 0x80) */
  uint8_t wide;           /* enum jsrs_wide */
  bool settled;           /* what follows cannot start with a character
                             it matches: it never gives one back */
  uint32_t min;
  uint32_t max;
};

struct jsre_simple {
  bool start;             /* anchored by ^ */
  bool end;               /* anchored by $ */
  struct jsre_dfa *dfa;   /* NULL: the pattern has none */
  uint32_t n;
  struct jsrs_atom atoms[];
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

/* ECMA-262's white space and line terminators, the ASCII ones. */
static void
jsrs__space(struct jsrs_atom *a)
{
  jsrs__range(a, '\t', '\r');
  jsrs__add(a, ' ');
}

/* The non-ASCII code points of both x and y (a class's members). */
static uint8_t
jsrs__wide_union(uint8_t x, uint8_t y)
{
  if (x == JSRS_NONE || x == y)
    return y;
  if (y == JSRS_NONE)
    return x;
  return JSRS_ALL;  /* SPACE and NOT_SPACE; DOT is never in a class */
}

static uint8_t
jsrs__wide_negate(uint8_t x)
{
  switch (x) {
  case JSRS_NONE: return JSRS_ALL;
  case JSRS_SPACE: return JSRS_NOT_SPACE;
  case JSRS_NOT_SPACE: return JSRS_SPACE;
  default: return JSRS_NONE;
  }
}

/* One of \d \w \s \D \W \S into a (as a class member too). */
static void
jsrs__escape_set(struct jsrs_atom *a, unsigned char c)
{
  struct jsrs_atom set;

  memset(&set, 0, sizeof set);
  if (c == 'd' || c == 'D')
    jsrs__range(&set, '0', '9');
  else if (c == 'w' || c == 'W')
    jsrs__word(&set);
  else
    jsrs__space(&set);
  set.wide = c == 's' || c == 'S' ? JSRS_SPACE : JSRS_NONE;
  if (c == 'D' || c == 'W' || c == 'S') {
    set.set[0] = ~set.set[0];
    set.set[1] = ~set.set[1];
    set.wide = jsrs__wide_negate(set.wide);
  }
  a->set[0] |= set.set[0];
  a->set[1] |= set.set[1];
  a->wide = jsrs__wide_union(a->wide, set.wide);
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
 * One character or set at *i (an escape, or a class member) into a. *c is
 * the character, or -1 for a set (\d, \w, \s, \D, \W, \S), which
 * cannot bound a range. False when this matcher does not read it.
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
  } else if (*i < len && p[*i] && strchr("dwsDWS", p[*i])) {
    jsrs__escape_set(a, (unsigned char)p[(*i)++]);
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
    a->wide = jsrs__wide_negate(a->wide);
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
    a->wide = JSRS_DOT;
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

/* Whether some character matches both atoms. */
static bool
jsrs__overlap(const struct jsrs_atom *x, const struct jsrs_atom *y)
{
  if ((x->set[0] & y->set[0]) || (x->set[1] & y->set[1]))
    return true;
  if (x->wide == JSRS_NONE || y->wide == JSRS_NONE)
    return false;
  return !((x->wide == JSRS_SPACE && y->wide == JSRS_NOT_SPACE) ||
           (x->wide == JSRS_NOT_SPACE && y->wide == JSRS_SPACE));
}

/*
 * Marks the atoms that never give back a character. Taking as many as it
 * can is the only choice worth trying for an atom whose characters cannot
 * start the rest: had it taken fewer, the next character would be one of
 * its own, which the rest (up to its first atom that must match) cannot
 * take, and the rest matching nothing there would match nothing where the
 * longer run ends too (with $, not at the end, it cannot match nothing).
 */
static void
jsrs__settle(struct jsre_simple *prog)
{
  for (uint32_t i = 0; i < prog->n; i++) {
    struct jsrs_atom *a = &prog->atoms[i];

    a->settled = true;
    for (uint32_t j = i + 1; a->min < a->max && j < prog->n; j++) {
      if (jsrs__overlap(a, &prog->atoms[j])) {
        a->settled = false;
        break;
      }
      if (prog->atoms[j].min > 0)
        break;
    }
  }
}

/* ---- the DFA for ASCII text ---- */

/* The pattern as positions: follow[j], the positions that may come after
 * position j; chars[c], those that match byte c. Bit 63 is the start,
 * before any character. */
#define JSRS_START (UINT64_C(1) << 63)

struct jsrs_nfa {
  uint64_t follow[64];
  uint64_t chars[128];
  uint64_t last;          /* the positions the text may end after */
  uint32_t count;
};

/* Lays the atoms out as positions, or false when there are too many. */
static bool
jsrs__positions(const struct jsre_simple *prog, struct jsrs_nfa *nfa)
{
  uint64_t exits = JSRS_START;  /* where the atoms so far may end */

  memset(nfa, 0, sizeof *nfa);
  for (uint32_t i = 0; i < prog->n; i++) {
    const struct jsrs_atom *a = &prog->atoms[i];
    bool unbounded = a->max == JSRS_UNBOUNDED;
    uint32_t k = unbounded ? (a->min ? a->min : 1) : a->max;
    uint64_t mine = 0;

    if (k > JSRS_POSITIONS_MAX - nfa->count)
      return false;
    for (uint32_t t = 1; t <= k; t++) {
      uint32_t j = nfa->count++;
      uint64_t bit = UINT64_C(1) << j;

      for (unsigned c = 0; c < 128; c++)
        if (a->byte[c])
          nfa->chars[c] |= bit;
      /* The first of the atom's positions comes after wherever the atoms
       * before may end; each of the others, after the one before it. */
      for (uint32_t f = 0; f < 64; f++)
        if ((t == 1 ? exits : UINT64_C(1) << (j - 1)) &
            (UINT64_C(1) << f))
          nfa->follow[f] |= bit;
      if (unbounded && t == k)
        nfa->follow[j] |= bit;
      if (t >= a->min)
        mine |= bit;
    }
    /* Where the atoms up to this one may end: after enough of it, or
     * where the ones before ended, when it may match nothing. */
    exits = a->min == 0 ? exits | mine : mine;
  }
  nfa->last = exits;
  return true;
}

/* The state of the positions set (past the sinks), made when new; -1
 * past the limit. */
static int
jsrs__state(uint64_t *sets, uint32_t *nstates, uint64_t set)
{
  for (uint32_t i = JSRE_DFA_MATCHED + 1; i < *nstates; i++)
    if (sets[i] == set)
      return (int)i;
  if (*nstates == JSRS_STATES_MAX)
    return -1;
  sets[*nstates] = set;
  return (int)(*nstates)++;
}

/* The DFA of prog (subset construction over its positions) in arena, or
 * NULL when prog has too many positions or states for one. A text that
 * need not start at the start (no ^) keeps the start in every state; one
 * that need not end at the end (no $) is matched once a state accepts. */
static struct jsre_dfa *
jsrs__dfa_build(struct arena *arena, const struct jsre_simple *prog)
{
  struct jsrs_nfa nfa;
  uint64_t sets[JSRS_STATES_MAX];
  uint8_t next[JSRS_STATES_MAX][256];
  bool accept[JSRS_STATES_MAX];
  uint64_t again = prog->start ? 0 : JSRS_START;
  uint32_t nstates = JSRE_DFA_MATCHED + 1;
  struct jsre_dfa *dfa;
  int first;

  if (!jsrs__positions(prog, &nfa))
    return NULL;
  /* The three sinks, which have no set. */
  for (unsigned sink = JSRE_DFA_DEAD; sink <= JSRE_DFA_MATCHED; sink++)
    memset(next[sink], (int)sink, sizeof next[sink]);
  accept[JSRE_DFA_DEAD] = accept[JSRE_DFA_NOT_ASCII] = false;
  accept[JSRE_DFA_MATCHED] = true;
  first = jsrs__state(sets, &nstates, JSRS_START);
  for (uint32_t st = (uint32_t)first; st < nstates; st++) {
    uint64_t after = 0;

    accept[st] = (sets[st] & nfa.last) != 0;
    if (accept[st] && !prog->end) {
      memset(next[st], JSRE_DFA_MATCHED, sizeof next[st]);
      continue;
    }
    for (uint32_t j = 0; j < 64; j++)
      if (sets[st] & (UINT64_C(1) << j))
        after |= nfa.follow[j];
    memset(next[st], JSRE_DFA_NOT_ASCII, sizeof next[st]);
    for (unsigned c = 0; c < 128; c++) {
      uint64_t to = (after & nfa.chars[c]) | again;
      int id = to ? jsrs__state(sets, &nstates, to) : JSRE_DFA_DEAD;

      if (id < 0)
        return NULL;
      next[st][c] = (uint8_t)id;
    }
  }
  dfa = arena_alloc(arena, sizeof *dfa);
  if (!dfa || !(dfa->next = arena_alloc(arena, nstates * sizeof *next)) ||
      !(dfa->accept = arena_alloc(arena, nstates * sizeof *accept)))
    return NULL;
  memcpy(dfa->next, next, nstates * sizeof *next);
  memcpy(dfa->accept, accept, nstates * sizeof *accept);
  dfa->first = (uint8_t)first;
  return dfa;
}

struct jsre_simple *
jsre_simple_compile(struct arena *arena, const char *p, size_t len)
{
  struct jsrs_atom atoms[JSRS_ATOMS_MAX];
  struct jsre_simple *out;
  bool start = len && p[0] == '^';
  bool end = false;
  uint32_t n = 0;
  size_t i = start;

  if (len > i && p[len - 1] == '$') {
    size_t escapes = 0;

    while (escapes + 1 < len && p[len - 2 - escapes] == '\\')
      escapes++;
    if (escapes % 2)
      return NULL;  /* "\$" ends it: a dollar sign, left to PCRE2 */
    end = true;
    len--;
  }
  while (i < len) {
    struct jsrs_atom *a = &atoms[n];

    if (n == JSRS_ATOMS_MAX || !jsrs__atom(p, len, &i, a))
      return NULL;
    for (unsigned c = 0; c < 128; c++)
      a->byte[c] = (a->set[c >> 6] >> (c & 63)) & 1;
    n++;
  }
  out = arena_alloc(arena, sizeof *out + n * sizeof *atoms);
  if (!out)
    return NULL;
  out->start = start;
  out->end = end;
  out->n = n;
  memcpy(out->atoms, atoms, n * sizeof *atoms);
  jsrs__settle(out);
  out->dfa = jsrs__dfa_build(arena, out);
  return out;
}

/* Whether the non-ASCII code point cp is white space or a line end to
 * ECMA-262 (what \s adds to the ASCII ones). */
static bool
jsrs__wide_space(uint32_t cp)
{
  return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
         cp == 0x3000 || cp == 0xFEFF;
}

/* Bytes of the non-ASCII code point at pos the atom matches: 0 when it
 * does not, -1 when the text is not UTF-8 there. */
static int
jsrs__step(const struct jsrs_atom *a, const unsigned char *s, size_t len,
           size_t pos)
{
  unsigned char c = s[pos];
  unsigned char lo = 0x80, hi = 0xBF;  /* the second byte's range */
  uint32_t cp;
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
  cp = c & (0x7F >> n);
  for (int k = 1; k < n; k++) {
    if ((s[pos + k] & 0xC0) != 0x80)
      return -1;
    cp = cp << 6 | (s[pos + k] & 0x3F);
  }
  switch (a->wide) {
  case JSRS_ALL: return n;
  case JSRS_DOT: return cp == 0x2028 || cp == 0x2029 ? 0 : n;
  case JSRS_SPACE: return jsrs__wide_space(cp) ? n : 0;
  case JSRS_NOT_SPACE: return jsrs__wide_space(cp) ? 0 : n;
  default: return 0;
  }
}

struct jsrs_match {
  const struct jsre_simple *prog;
  const unsigned char *s;
  size_t len;
  long steps;
};

/* The longest run atom a matches from p (at most a->max characters):
 * its end, and in *k how many characters; SIZE_MAX when the text is not
 * UTF-8 there. */
static size_t
jsrs__run(const struct jsrs_match *m, const struct jsrs_atom *a, size_t p,
          uint32_t *k)
{
  *k = 0;
  for (;;) {
    /* A run of ASCII, the usual case, a byte at a time. */
    size_t limit = a->max - *k < m->len - p ? p + (a->max - *k) : m->len;
    size_t run = p;
    int w;

    while (run < limit && a->byte[m->s[run]])
      run++;
    *k += (uint32_t)(run - p);
    p = run;
    if (p == limit || m->s[p] < 0x80)
      return p;
    w = jsrs__step(a, m->s, m->len, p);
    if (w < 0)
      return SIZE_MAX;
    if (w == 0)
      return p;
    p += (size_t)w;
    (*k)++;
  }
}

/* 1 when atoms i... match from pos, 0 when not, -1 to give up. */
static int
jsrs__match(struct jsrs_match *m, uint32_t i, size_t pos)
{
  const struct jsrs_atom *a;
  size_t p;
  uint32_t k;

  /* Settled atoms take their longest run and go on. */
  for (;; i++, pos = p) {
    if (i == m->prog->n)
      return !m->prog->end || pos == m->len;
    a = &m->prog->atoms[i];
    p = jsrs__run(m, a, pos, &k);
    if (p == SIZE_MAX)
      return -1;
    if (k < a->min)
      return 0;
    if (!a->settled)
      break;
  }
  for (;;) {
    int r;

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

/* The backtracking search, for text that is not ASCII or a pattern
 * without a DFA. */
static int
jsrs__search(const struct jsre_simple *prog, const char *s, size_t len)
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

int
jsre_simple_match(const struct jsre_simple *prog, const char *s, size_t len)
{
  int r = prog->dfa ? jsre_dfa_match(prog->dfa, s, len) : -1;

  return r >= 0 ? r : jsrs__search(prog, s, len);
}

const struct jsre_dfa *
jsre_simple_dfa(const struct jsre_simple *prog)
{
  return prog->dfa;
}
