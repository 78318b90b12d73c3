/*
 * The assertions evals make about a model's output: which types exist,
 * which of them a program can check without a model (deterministic) and
 * which facet runs itself, what value and threshold each takes, and the
 * checks that need nothing but the assertion: an unknown type, a missing
 * value, a regex that does not compile, a threshold out of range. The
 * names are promptfoo's (docs/formats.md, section 5.5); GitHub Models
 * evaluators are read into the same shape as "string.contains", "llm"
 * and "uses".
 */
#ifndef FACET_ASSERTION_H
#define FACET_ASSERTION_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"

struct diag_list;
struct node;

enum assertion_class {
  ASSERTION_UNKNOWN,
  ASSERTION_LOCAL,    /* deterministic, and facet runs it itself */
  ASSERTION_CODE,     /* deterministic code or rules the tool runs */
  ASSERTION_METRIC,   /* deterministic, but on the run: latency, cost */
  ASSERTION_MODEL,    /* a model grades it */
  ASSERTION_GROUP,    /* assert-set, select-best, max-score, human */
};

enum assertion_threshold {
  THRESHOLD_NONE,     /* no range facet knows */
  THRESHOLD_SCORE,    /* a score from 0 to 1 */
  THRESHOLD_NONNEG,   /* a count, milliseconds or dollars: 0 or more */
};

struct assertion_type {
  const char *name;
  unsigned char cls;        /* enum assertion_class */
  bool needs_value;
  unsigned char threshold;  /* enum assertion_threshold */
  const char *needs;        /* why facet cannot run it: "a model grades
                               it", ...; NULL for ASSERTION_LOCAL */
};

/*
 * The type named type (as written; "not-" is a negation of a base type),
 * or NULL when promptfoo has no such type. *negated (may be NULL) says
 * whether type was a "not-" form.
 */
const struct assertion_type *assertion_lookup(const char *type,
                                              bool *negated);

/* The known type closest to type, if close enough to be a typo. */
const char *assertion_suggest(const char *type);

/* Whether a program can decide the assertion without a model. */
bool assertion_deterministic(const char *type);

/*
 * Checks one assertion (a mapping, borrowed) of a promptfoo test and
 * reports into diags: an unknown type (a warning; the list changes
 * between releases), a missing value, a regex that does not compile, a
 * threshold outside its type's range. Values that are templates
 * ({{ }}) are not compiled. src is the text the spans are into.
 */
void assertion_check(const struct source *src, const struct node *assertion,
                     struct diag_list *diags);

/* The regex check of assertion_check, for a pattern (len bytes) written
 * at span: a pattern that does not compile is reported there. */
void assertion_check_pattern(const char *s, size_t len, struct span span,
                             struct diag_list *diags);

/* The threshold check of assertion_check, for the threshold of an
 * assertion of type written as text (len bytes) at span. */
void assertion_check_threshold(const char *type, const char *text,
                               size_t len, struct span span,
                               struct diag_list *diags);

/* Checks a test's or assert-set's own threshold (a fraction, 0 to 1). */
void assertion_check_fraction(const struct node *threshold,
                              struct diag_list *diags);

/*
 * Reads a CSV __expected cell the way promptfoo does: "[not-]type[(t)]:
 * value", the legacy "javascript:", "fn:", "eval:", "grade:", "python:"
 * and "file://x.py" forms, and anything else as equals with the whole
 * text. Sets *type (static), *value_at and *value_len (into text; the
 * value may be empty), and *threshold when one is given in parentheses.
 * Returns whether a threshold was given.
 */
bool assertion_from_string(const char *text, size_t len, const char **type,
                           size_t *type_len, size_t *value_at,
                           double *threshold);

#endif
