#include "tokens.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "artifact.h"
#include "tree.h"

/*
 * How the estimate works. cl100k_base and o200k_base cut text into pieces
 * before their byte-pair merges, and merges never cross those cuts: a word
 * takes the one space before it (or one symbol right before it), digits go
 * in groups of three, a run of symbols takes the space before it and the
 * newlines after it, and whitespace goes in runs. Most pieces are one
 * token, so the estimate counts where pieces start, and adds what longer
 * pieces cost on average: long words, capitals, camelCase humps, long runs
 * of symbols. The costs are what both tokenizers give such pieces on the
 * corpus (docs/tokens.md), in 32nds of a token.
 *
 * To be fast on large prompts, the text is read 64 bytes at a time as bit
 * masks, one per kind of byte (bit k for byte k), and each rule is a few
 * shifts and ANDs of masks and a population count: a piece starts where a
 * byte of one kind follows a byte of another. The bytes before a block
 * come from the previous block's masks.
 */
#define TOKENS__ONE 32

/* What a piece costs beyond TOKENS__ONE, or instead of it. */
enum {
  TOKENS__BARE = 4,     /* a word after no space: start of a line, "{{x" */
  TOKENS__GLUED = 12,   /* a word with the symbol before it: ".md", "(see" */
  TOKENS__LONG = 1,     /* each letter of a word past the sixth */
  TOKENS__HUMP = 28,    /* each camelCase hump after the first */
  TOKENS__CAPS = 5,     /* each capital of a CAPITALS run past the second */
  TOKENS__DIGITS = 11,  /* each digit of a number past the sixth */
  TOKENS__SYMBOLS = 9,  /* each symbol of a run, third to sixth */
  TOKENS__JOINED = 31,  /* what newlines after symbols save */
  TOKENS__ACCENT = 16,  /* each accented letter in a word: such words are
                           seldom English, and split more */
  TOKENS__MIXED = 12,   /* each case change right after another one:
                           random text such as base64 */
};

/* One block's bytes by kind: bit k is byte k. */
struct tokens__masks {
  uint64_t lo;   /* a-z, and accented Latin letters */
  uint64_t up;   /* A-Z */
  uint64_t dg;   /* 0-9 */
  uint64_t sp;   /* ' ' */
  uint64_t nl;   /* '\n', '\r' */
  uint64_t hi;   /* bytes of characters outside ASCII */
  uint64_t ct;   /* UTF-8 continuation bytes, 0x80 to 0xBF */
  uint64_t sy;   /* every other ASCII byte: symbols, punctuation and tabs
                    (a tab before a word joins it, as a symbol does) */
};

/* x shifted k bytes later, with the previous block's bytes shifted in. */
static inline uint64_t
tokens__prev(uint64_t x, uint64_t prev, unsigned k)
{
  return x << k | prev >> (64 - k);
}

static inline int64_t
tokens__count(uint64_t x)
{
  return __builtin_popcountll(x);
}

#if defined(__SSE2__)
#include <emmintrin.h>

/* The bytes of v in [a, a + n], as 16 bits. */
static inline uint64_t
tokens__range16(__m128i v, int a, int n)
{
  __m128i d = _mm_sub_epi8(v, _mm_set1_epi8((char)a));

  return (uint16_t)_mm_movemask_epi8(
    _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8((char)n)), d));
}

static inline uint64_t
tokens__eq16(__m128i v, int c)
{
  return (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v,
                                                    _mm_set1_epi8((char)c)));
}

/* Sorts 64 bytes into masks, 16 at a time; continuation bytes are left
 * to tokens__wide, which needs them only when there are any. */
static inline __attribute__((always_inline)) void
tokens__classify(const unsigned char *s, struct tokens__masks *m)
{
  uint64_t letter = 0;
  uint64_t lower = 0;

  memset(m, 0, sizeof *m);
  for (unsigned k = 0; k < 64; k += 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + k));

    /* Setting bit 5 folds A-Z onto a-z; bit 5 set is lower case. */
    letter |= tokens__range16(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a',
                              25) << k;
    lower |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_slli_epi16(v, 2))
             << k;
    m->dg |= tokens__range16(v, '0', 9) << k;
    m->sp |= tokens__eq16(v, ' ') << k;
    m->nl |= (tokens__eq16(v, '\n') | tokens__eq16(v, '\r')) << k;
    m->hi |= (uint64_t)(uint16_t)_mm_movemask_epi8(v) << k;
  }
  m->lo = letter & lower;
  m->up = letter & ~lower;
  m->sy = ~(letter | m->dg | m->sp | m->nl | m->hi);
}
#else
static inline __attribute__((always_inline)) void
tokens__classify(const unsigned char *s, struct tokens__masks *m)
{
  memset(m, 0, sizeof *m);
  for (unsigned k = 0; k < 64; k++) {
    unsigned char c = s[k];
    uint64_t bit = (uint64_t)1 << k;

    if (c >= 'a' && c <= 'z')
      m->lo |= bit;
    else if (c >= 'A' && c <= 'Z')
      m->up |= bit;
    else if (c >= '0' && c <= '9')
      m->dg |= bit;
    else if (c == ' ')
      m->sp |= bit;
    else if (c == '\n' || c == '\r')
      m->nl |= bit;
    else if (c >= 0x80)
      m->hi |= bit;
    else
      m->sy |= bit;
  }
}
#endif

/* The continuation bytes (0x80 to 0xBF) of a block with some. */
static uint64_t
tokens__continuations(const unsigned char *s, uint64_t hi)
{
  uint64_t ct = 0;

  for (; hi; hi &= hi - 1) {
    unsigned k = (unsigned)__builtin_ctzll(hi);

    ct |= (uint64_t)(s[k] < 0xC0) << k;
  }
  return ct;
}

static uint32_t
tokens__code_point(const unsigned char *s, size_t n)
{
  switch (n) {
  case 2:
    return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
  case 3:
    return (uint32_t)(s[0] & 0x0F) << 12 | (uint32_t)(s[1] & 0x3F) << 6 |
           (s[2] & 0x3F);
  case 4:
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3F) << 12 |
           (uint32_t)(s[2] & 0x3F) << 6 | (s[3] & 0x3F);
  default:
    return s[0];
  }
}

/*
 * What a character outside ASCII costs, but accented Latin letters (which
 * are letters of words). A letter that starts a word in an alphabet costs
 * a token; further letters cost what the two tokenizers give them on
 * average, which differs by script (cl100k_base spends two to three times
 * what o200k_base does on Greek, Arabic or Devanagari).
 */
static uint32_t
tokens__wide_cost(uint32_t cp, bool in_word)
{
  if ((cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
      (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF))
    return 28;  /* kana, CJK ideographs, Hangul */
  if (cp >= 0x10000)
    return 64;  /* emoji and other astral characters */
  if (cp >= 0x2000 && cp <= 0x206F)
    return 24;  /* typographic punctuation: dashes, quotes, bullets */
  if (cp >= 0x2070 && cp <= 0x2BFF)
    return 48;  /* arrows, mathematical and technical symbols, dingbats */
  if (cp >= 0x0400 && cp <= 0x052F)
    return in_word ? 6 : TOKENS__ONE;  /* Cyrillic */
  if ((cp >= 0x0370 && cp <= 0x03FF) || (cp >= 0x0530 && cp <= 0x06FF) ||
      (cp >= 0x0900 && cp <= 0x0E7F))
    return in_word ? 18 : TOKENS__ONE;  /* Greek, Hebrew, Arabic, Indic */
  return cp < 0x0800 ? 24 : TOKENS__ONE;
}

/* U+00C0 to U+024F but U+00D7 and U+00F7 (the signs for times, divide). */
static bool
tokens__accented(uint32_t cp)
{
  return cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7;
}

/*
 * The characters outside ASCII of the block at offset at: accented Latin
 * letters join the letters (*carry is set when one ends in the next
 * block), the others are costed one by one. Returns their cost.
 */
static uint64_t
tokens__wide(const unsigned char *text, size_t len, size_t at,
             struct tokens__masks *m, uint64_t prev_ct, bool *carry)
{
  uint64_t leads = m->hi & ~m->ct;
  uint64_t before = tokens__prev(m->ct, prev_ct, 1);
  uint64_t cost = 0;

  while (leads) {
    unsigned k = (unsigned)__builtin_ctzll(leads);
    const unsigned char *c = text + at + k;
    size_t n = c[0] >= 0xF0 ? 4 : c[0] >= 0xE0 ? 3 : 2;
    uint32_t cp = tokens__code_point(c, n <= len - at - k ? n : 1);

    leads &= leads - 1;
    if (tokens__accented(cp)) {
      m->lo |= (uint64_t)1 << k;
      if (k < 63)
        m->lo |= (uint64_t)1 << (k + 1);
      *carry = k == 63;
      cost += TOKENS__ACCENT;
    } else {
      cost += tokens__wide_cost(cp, before >> k & 1);
    }
  }
  return cost;
}

/* Where x runs at least 7 bytes long, ending there (and the same for the
 * previous block's px); the bits of x's run of 4 go in *four. */
static inline __attribute__((always_inline)) uint64_t
tokens__run7(uint64_t x, uint64_t px, uint64_t *four)
{
  uint64_t two = x & tokens__prev(x, px, 1);
  uint64_t ptwo = px & px << 1;
  uint64_t pfour = ptwo & ptwo << 2;

  *four = two & tokens__prev(two, ptwo, 2);
  return *four & tokens__prev(*four, pfour, 3);
}

/* What the words of a block cost, from its masks and the previous one's. */
static inline __attribute__((always_inline)) int64_t
tokens__words(const struct tokens__masks *m, const struct tokens__masks *p)
{
  uint64_t letter = m->lo | m->up;
  uint64_t start = letter & ~tokens__prev(letter, p->lo | p->up, 1);
  uint64_t glued = start & tokens__prev(m->sy, p->sy, 1) &
                   ~tokens__prev(m->sy, p->sy, 2) &
                   ~tokens__prev(m->sp, p->sp, 2);
  uint64_t bare = start & ~glued & ~tokens__prev(m->sp, p->sp, 1);
  uint64_t change = (m->up & tokens__prev(m->lo, p->lo, 1)) |
                    (m->lo & tokens__prev(m->up, p->up, 1));
  uint64_t pchange = (p->up & p->lo << 1) | (p->lo & p->up << 1);
  uint64_t four;

  /* A glued word's symbol starts no piece of its own: take it back. */
  return TOKENS__ONE * tokens__count(start) +
         TOKENS__BARE * tokens__count(bare) +
         (TOKENS__GLUED - TOKENS__ONE) * tokens__count(glued) +
         TOKENS__LONG * tokens__count(tokens__run7(letter, p->lo | p->up,
                                                   &four)) +
         TOKENS__HUMP * tokens__count(m->up & tokens__prev(m->lo, p->lo, 1)) +
         TOKENS__CAPS * tokens__count(m->up & tokens__prev(m->up, p->up, 1) &
                                      tokens__prev(m->up, p->up, 2)) +
         TOKENS__MIXED * tokens__count(change &
                                       (tokens__prev(change, pchange, 1) |
                                        tokens__prev(change, pchange, 2)));
}

/* What the digits of a block cost: one token a group of three, and a
 * space before them is a token of its own. */
static inline __attribute__((always_inline)) int64_t
tokens__digits(const struct tokens__masks *m, const struct tokens__masks *p)
{
  uint64_t start = m->dg & ~tokens__prev(m->dg, p->dg, 1);
  uint64_t four;
  uint64_t seven = tokens__run7(m->dg, p->dg, &four);

  return TOKENS__ONE * tokens__count(start | (four &
                                              ~tokens__prev(m->dg, p->dg, 4))) +
         TOKENS__ONE * tokens__count(start & tokens__prev(m->sp, p->sp, 1)) +
         TOKENS__DIGITS * tokens__count(seven);
}

/* What the symbols and whitespace of a block cost. */
static inline __attribute__((always_inline)) int64_t
tokens__others(const struct tokens__masks *m, const struct tokens__masks *p)
{
  uint64_t y1 = tokens__prev(m->sy, p->sy, 1);
  uint64_t nstart = m->nl & ~tokens__prev(m->nl, p->nl, 1);
  uint64_t s1 = tokens__prev(m->sp, p->sp, 1);
  uint64_t four;
  uint64_t seven = tokens__run7(m->sy, p->sy, &four);
  uint64_t three = m->sy & y1 & tokens__prev(m->sy, p->sy, 2);

  return TOKENS__ONE * tokens__count((m->sy & ~y1) | nstart |
                                     (m->sp & s1 &
                                      ~tokens__prev(m->sp, p->sp, 2))) +
         TOKENS__SYMBOLS * tokens__count(three & ~seven) -
         TOKENS__JOINED * tokens__count(nstart & y1);
}

/* Drops the bits of a last block's padding, past its n bytes. */
static void
tokens__clip(struct tokens__masks *m, size_t n)
{
  uint64_t valid = ((uint64_t)1 << n) - 1;

  m->lo &= valid;
  m->up &= valid;
  m->dg &= valid;
  m->sp &= valid;
  m->nl &= valid;
  m->hi &= valid;
  m->sy &= valid;
}

/* The estimate, compiled once for plain x86-64 and once with popcnt. */
static inline __attribute__((always_inline)) size_t
tokens__run(const unsigned char *s, size_t len)
{
  struct tokens__masks prev = { .nl = (uint64_t)1 << 63 };
  struct tokens__masks m;
  unsigned char tail[64];
  int64_t cost = 0;
  bool carry = false;

  for (size_t at = 0; at < len; at += 64) {
    size_t n = len - at < 64 ? len - at : 64;
    const unsigned char *b = n < 64 ? memcpy(memset(tail, 0, sizeof tail),
                                             s + at, n)
                                    : s + at;

    tokens__classify(b, &m);
    if (n < 64)
      tokens__clip(&m, n);
    m.lo |= carry;
    carry = false;
    if (m.hi) {
      m.ct = tokens__continuations(b, m.hi);
      cost += (int64_t)tokens__wide(s, len, at, &m, prev.ct, &carry);
    }
    cost += tokens__words(&m, &prev) + tokens__digits(&m, &prev) +
            tokens__others(&m, &prev);
    prev = m;
  }
  return cost <= 0 ? 0 : (size_t)((cost + TOKENS__ONE / 2) / TOKENS__ONE);
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("popcnt"))) static size_t
tokens__run_popcnt(const unsigned char *s, size_t len)
{
  return tokens__run(s, len);
}
#endif

size_t
tokens_estimate(const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *)text;

#if defined(__x86_64__) && defined(__GNUC__)
  /* Counting bits is most of the work; nearly every x86-64 CPU has an
   * instruction for it, but the baseline does not promise one. */
  if (__builtin_cpu_supports("popcnt"))
    return tokens__run_popcnt(s, len);
#endif
  return tokens__run(s, len);
}

static void
tokens__scalar(const struct node *n,
               void (*fn)(const char *text, size_t len, void *ctx), void *ctx)
{
  n = node_resolve(n);
  if (n && n->kind == NODE_SCALAR && n->type != SCALAR_NULL)
    fn(n->u.scalar.str, n->u.scalar.len, ctx);
}

static void
tokens__messages(const struct artifact *a,
                 void (*fn)(const char *text, size_t len, void *ctx),
                 void *ctx)
{
  const struct node *messages = node_resolve(node_get(a->root, "messages"));

  if (!messages || messages->kind != NODE_SEQ)
    messages = node_resolve(node_get(a->root, "prompts"));
  for (uint32_t i = 0; messages && messages->kind == NODE_SEQ &&
                       i < messages->count; i++)
    tokens__scalar(node_get(messages->u.items[i], "content"), fn, ctx);
}

void
tokens_each_text(const struct artifact *a,
                 void (*fn)(const char *text, size_t len, void *ctx),
                 void *ctx)
{
  static const char *const langchain[] = { "template", "prefix", "suffix" };

  if (a->kind != ARTIFACT_PROMPT)
    return;
  if (a->format == FORMAT_GITHUB_MODELS) {
    tokens__messages(a, fn, ctx);
  } else if (a->format == FORMAT_LANGCHAIN) {
    for (size_t i = 0; i < 3; i++)
      tokens__scalar(node_get(a->root, langchain[i]), fn, ctx);
  } else if (a->format == FORMAT_SEMANTIC_KERNEL && a->root) {
    tokens__scalar(node_get(a->root, "template"), fn, ctx);
  } else if (a->body.end > a->body.start) {
    fn(a->text + a->body.start, a->body.end - a->body.start, ctx);
  }
}

static void
tokens__add(const char *text, size_t len, void *ctx)
{
  size_t *sum = ctx;

  *sum += tokens_estimate(text, len);
}

size_t
tokens_prompt(const struct artifact *a)
{
  size_t sum = 0;

  tokens_each_text(a, tokens__add, &sum);
  return sum;
}
