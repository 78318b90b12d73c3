/*
 * The patterns crystallise reads prompt text with: the ways prompts state
 * a rule ("never mention ...", "at most 3 sentences"), a range, a list of
 * allowed values, a few-shot example. PCRE2, compiled once per process,
 * caseless and Unicode-aware; matching is safe from any thread.
 */
#ifndef FACET_CRYSTAL_RE_H
#define FACET_CRYSTAL_RE_H

#include <stdbool.h>
#include <stddef.h>

enum crystal_re {
  RE_RANGE,        /* 1-5, from 1 to 5, between 0 and 1 (+ unit) */
  RE_MIN,          /* at least 3 (+ unit), 3 or more */
  RE_MAX,          /* at most 3 (+ unit), up to 3, 3 or fewer */
  RE_ONE_OF,       /* one of, either, from this list, ... */
  RE_LENGTH,       /* at most N sentences, in two words, ... */
  RE_SINGLE_WORD,  /* a one-word answer */
  RE_YES_NO,       /* answer yes or no */
  RE_ANSWER_QUOTED,/* answer "approve" or "deny" */
  RE_VALUES_AS,    /* use only 'true' and 'false' as verdict */
  RE_JSON,         /* respond in JSON */
  RE_XML,          /* well-formed XML */
  RE_LANGUAGE,     /* answer in French */
  RE_AVOID,        /* never mention X */
  RE_INCLUDE,      /* always include "X" */
  RE_STARTS,       /* start with "X" */
  RE_ENDS,         /* end with "X" */
  RE_DATE,         /* YYYY-MM-DD, ISO 8601 */
  RE_DECIMALS,     /* two decimal places */
  RE_SCORE,        /* a score from 1 to 5 */
  RE_DIRECTIVE,    /* always, never, must, ... */
  RE_IMPERATIVE,   /* a sentence that starts with an instruction */
  RE_AMOUNT,       /* "Format: 3-4 short segments": an amount the answer holds */
  RE_TAGS,         /* <entities> and </entities>, <answer>...</answer> */
  RE_SHOT,         /* Input: ..., Output: ... */
  RE_ARROW,        /* "text" -> label */
  RE__COUNT
};

#define CRYSTAL_RE_GROUPS 8

struct crystal_re_match {
  size_t start[CRYSTAL_RE_GROUPS];  /* (size_t)-1 for a group not set */
  size_t end[CRYSTAL_RE_GROUPS];
};

/*
 * Finds pattern re in the n bytes at s, from offset from. Returns false
 * when it does not match (or the patterns could not be compiled).
 */
bool crystal_re_find(enum crystal_re re, const char *s, size_t n,
                     size_t from, struct crystal_re_match *m);

/* Whether group g matched. */
static inline bool
crystal_re_has(const struct crystal_re_match *m, int g)
{
  return m->start[g] != (size_t)-1;
}

#endif
