/*
 * The verifiability grade: where an artifact stands on the gradient
 * prompt < schema < eval < code. One function computes it from an
 * artifact's facts (and, once there is a workspace index, from links in
 * other files); every place that shows a grade calls it. docs/grades.md
 * states the rules with a worked example per grade.
 */
#ifndef FACET_GRADE_H
#define FACET_GRADE_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct artifact;

enum grade_level {
  GRADE_LOOSE,       /* prompt text whose inputs nothing declares */
  GRADE_STRUCTURED,  /* a header declares the prompt's inputs */
  GRADE_SCHEMA,      /* a schema pins the output's shape */
  GRADE_EVAL,        /* tests exercise it and check what comes out */
  GRADE_CODE,        /* deterministic code enforces it */
  GRADE__COUNT
};

#define GRADE_REASONS_MAX 4

struct grade {
  bool graded;                 /* false for results and unknown files */
  enum grade_level level;
  const char *reasons[GRADE_REASONS_MAX];  /* why, most important first */
  size_t nreasons;
  const char *next;            /* the step up, or NULL at the top */
};

/*
 * What other files say about an artifact. The workspace index fills this;
 * without one, pass NULL.
 */
struct grade_links {
  unsigned tests_elsewhere;    /* tests in other files that exercise it */
  unsigned checked;            /* of those, tests that check something */
  unsigned deterministic;      /* tests with a check no model grades (a
                                  config: its own tests too) */
  unsigned passed;             /* their last runs (or facet's checks) */
  unsigned failed;             /* ... failed or errored */
  unsigned stale;              /* ... recorded before a change */
  unsigned never;              /* ... never run */
  const char *tests_where;     /* the first file they are in */
  unsigned files;              /* the files they are in */
  const char *schema_elsewhere;/* a schema file that pins its output */
  bool enforced_in_code;
  const char *code_where;      /* the validator that enforces it */
  const char *checked_in;      /* a schema: an eval file whose tests check
                                  outputs against it (is-json file://) */

  /* An eval file's own references to its cases: promptfoo tests files and
   * globs, OpenAI evals samples_jsonl. Once the index has resolved them
   * the grade counts what they hold, not one test per reference. */
  bool test_refs_read;         /* it has such references, resolved */
  unsigned test_refs_missing;  /* distinct ones that resolve nowhere */
  const char *test_ref_missing;/* the first of those, as written */
  unsigned samples_missing;    /* OpenAI entries that cannot run: their
                                  samples or spec resolve nowhere */
  unsigned spec_missing;       /* of its references, spec names that do */
  const char *spec_name;       /* the first of those */
  unsigned test_refs_opaque;   /* files it resolves to that facet reads no
                                  tests from (code that makes tests) */

  /* Checks whose code or value file resolves nowhere (javascript with
   * value: file://checks/x.js): they cannot run, so a test counts as
   * checked only by its other checks. */
  unsigned check_refs_missing; /* an eval file's distinct such files */
  const char *check_ref_missing;/* the first of those (or, for a prompt,
                                  of its tests'), as written */
  unsigned checks_lost;        /* tests whose every check is such a one */
  unsigned checked_own;        /* an eval file's own tests with a check
                                  that runs (defaults included) */

  /* The evals that grade with a model-graded spec the file defines. */
  unsigned graded_by;          /* entries whose modelgraded_spec names it */
  unsigned graded_by_runnable; /* ... of those, with samples that resolve */
  const char *graded_by_where; /* the first file they are in */
  const char *graded_spec;     /* the spec that entry names */
};

/* Computes a's grade into a->grade; strings live in a's arena. */
void grade_compute(struct artifact *a, const struct grade_links *links);

/* Whether links say anything a file's own grade does not know. */
bool grade_links_any(const struct grade_links *links);

/*
 * Adds name to a list shown in a reason: the first three as "'a', 'b',
 * 'c'" in out (size bytes, *len used), then grade_names_end says how many
 * more. *count counts every name added.
 */
void grade_names_add(char *out, size_t size, size_t *len, size_t *count,
                     const char *name);
void grade_names_end(char *out, size_t size, size_t len, size_t count);

/* "loose", "structured", "schema", "eval" or "code". */
const char *grade_name(enum grade_level level);

#endif
