/*
 * The eval graph of a workspace: every file it holds, the summary of each
 * artifact among them (evalfile.h), and the links between them, resolved
 * the way the tools resolve them: a promptfoo config's prompts and test
 * files, a registry entry's samples, an assertion's schema or code, a
 * JSON Schema's $ref. From the graph come the answers the editor and the
 * CLI show: which tests exercise a prompt and which prompts a test runs,
 * what a test's last recorded run said and whether it still holds for the
 * text as it is now (stale), the checks that span files (a test that does
 * not set a variable its prompt reads), and the links a grade counts.
 *
 * The graph does no I/O: server/ tells it which files exist, hands it the
 * summaries, and gives it a way to read a file's text for the one check
 * that needs it (an is-json assertion's schema file). Paths are
 * normalised (pathglob.h), all absolute or all relative to one folder.
 * Every function is called from one thread.
 */
#ifndef FACET_EVALGRAPH_H
#define FACET_EVALGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "artifact.h"
#include "evalfile.h"
#include "grade.h"

struct diag_list;
struct evalgraph;

/* Reads the text of path for the graph: a new buffer the graph frees with
 * free(), or NULL (*len then unset) with why (size bytes) saying why not:
 * "it is outside the workspace". */
struct evalgraph_io {
  char *(*read)(void *ctx, const char *path, size_t *len, char *why,
                size_t size);
  void *ctx;
  /* Whether path, which may not exist, lies inside the workspace, so that
   * a reference to it that resolves nowhere names a file that does not
   * exist rather than one outside; NULL: not known. */
  bool (*inside)(void *ctx, const char *path);
};

struct evalgraph *evalgraph_new(void);
void evalgraph_free(struct evalgraph *self);

/* Sets how the graph reads schema files (borrowed; NULL: it cannot). */
void evalgraph_set_io(struct evalgraph *self, const struct evalgraph_io *io);

/* Records that a file exists at path (copied). Returns 0 or FACET_ENOMEM. */
int evalgraph_add_path(struct evalgraph *self, const char *path);

/* Forgets the file at path and its summary. */
void evalgraph_remove_path(struct evalgraph *self, const char *path);

/*
 * Gives path's summary (the graph takes a reference of its own; NULL
 * drops the one it had), adding the path if it is new. Links are brought
 * up to date by the next evalgraph_resolve. Returns 0 or FACET_ENOMEM.
 */
int evalgraph_set(struct evalgraph *self, const char *path,
                  struct evalfile *summary);

/* Records that the file at path (added if new) was not read: it is size
 * bytes, over limit. Its summary goes; the references to it say so. */
int evalgraph_set_too_large(struct evalgraph *self, const char *path,
                            size_t size, size_t limit);

/* The summary held for path (borrowed), or NULL. */
const struct evalfile *evalgraph_summary(const struct evalgraph *self,
                                         const char *path);

/* Whether the graph knows a file at path. */
bool evalgraph_has(const struct evalgraph *self, const char *path);

/* Calls fn for every file with a summary. */
void evalgraph_each_file(const struct evalgraph *self,
                         void (*fn)(const char *path,
                                    const struct evalfile *summary,
                                    void *ctx),
                         void *ctx);

/* How many files it knows, and how many of them are artifacts. */
size_t evalgraph_count(const struct evalgraph *self, size_t *artifacts);

/*
 * Resolves the references of every file whose summary changed, or whose
 * targets may have (a path matching one of its globs came or went), and
 * calls changed (may be NULL) once for each file whose view changed: its
 * own links, the links into it, or the results that concern it. Those are
 * the files whose diagnostics, lenses and grade to show again.
 */
void evalgraph_resolve(struct evalgraph *self,
                       void (*changed)(const char *path, void *ctx),
                       void *ctx);

/*
 * The format a file's incoming references ask it to be read as (a CSV
 * named in tests is a promptfoo test file, a text file named in prompts
 * is a prompt), or FORMAT_NONE when nothing asks.
 */
enum artifact_format evalgraph_wanted_format(const struct evalgraph *self,
                                             const char *path);

/* Calls fn for every file some reference asks to be read as a format its
 * summary is not in (or that has no summary yet). */
void evalgraph_each_wanted(const struct evalgraph *self,
                           void (*fn)(const char *path,
                                      enum artifact_format format,
                                      void *ctx),
                           void *ctx);

/* ---- queries -------------------------------------------------------- */

/* A test as the graph names it: the file that holds it, its index there,
 * and the eval file (config) that runs it. */
struct evtest_ref {
  const char *file;         /* borrowed from the graph */
  const char *config;
  uint32_t test;
  const struct evtest *t;   /* borrowed */
  const struct evalfile *summary;  /* of file */
};

/* A prompt a test runs: a file, or inline text of the config. */
struct evprompt_ref {
  const char *file;         /* the prompt file, or NULL for inline text */
  const char *config;
  uint32_t prompt;          /* its index among the config's prompts */
};

/* Calls fn for every test that exercises the prompt in path (a prompt
 * file, a .prompt.yml with its own tests, or the prompts a promptfoo
 * config writes inline). Returns how many. */
size_t evalgraph_tests_of_prompt(const struct evalgraph *self,
                                 const char *path,
                                 void (*fn)(const struct evtest_ref *t,
                                            void *ctx),
                                 void *ctx);

/* Calls fn for every prompt the test runs. Returns how many. */
size_t evalgraph_prompts_of_test(const struct evalgraph *self,
                                 const struct evtest_ref *test,
                                 void (*fn)(const struct evprompt_ref *p,
                                            void *ctx),
                                 void *ctx);

/* Calls fn for every test held in path with each config that runs it
 * (a test file used by two configs is visited twice). */
size_t evalgraph_tests_in(const struct evalgraph *self, const char *path,
                          void (*fn)(const struct evtest_ref *t, void *ctx),
                          void *ctx);

/* The schema files that pin the output of the prompt in path: those its
 * tests' is-json and contains-json assertions name. fn may be NULL.
 * Returns how many. */
size_t evalgraph_schemas_of_prompt(const struct evalgraph *self,
                                   const char *path,
                                   void (*fn)(const char *schema, void *ctx),
                                   void *ctx);

/* Calls fn for every promptfoo config whose prompts name the file in
 * path (a file:// path, a glob, a path written bare), each config once.
 * Returns how many. */
size_t evalgraph_configs_of_prompt(const struct evalgraph *self,
                                  const char *path,
                                  void (*fn)(const char *config, void *ctx),
                                  void *ctx);

/* A provenance record that names a prompt, and the file that holds it. */
struct evrecord_ref {
  const char *file;                /* borrowed from the graph */
  const struct evalfile *summary;  /* of file */
  const struct evrecord *rec;      /* borrowed */
};

/*
 * Calls fn for every provenance record that names the prompt in path:
 * those in other files (schemas, tests, validators crystallise made from
 * it), then the prompt's own (a .prompt.yml keeps its tests' records in
 * itself). The graph links records to their prompt as it resolves, so
 * this costs one step per record. Returns how many.
 */
size_t evalgraph_records_of_prompt(const struct evalgraph *self,
                                   const char *path,
                                   void (*fn)(const struct evrecord_ref *r,
                                              void *ctx),
                                   void *ctx);

/* Calls fn with the resolved path of every reference of kind (or of any
 * kind but EVREF_CRYSTALLISED, for EVREF__COUNT) that resolves to no
 * known file; glob says it is a glob. server/ looks for such files on
 * disk: results git ignores, files outside the paths facet check was
 * given. */
void evalgraph_each_unresolved(const struct evalgraph *self,
                               enum evref_kind kind,
                               void (*fn)(const char *path, bool glob,
                                          void *ctx),
                               void *ctx);

/* The same two questions about the references of one file only: which of
 * its targets it asks to be read as another format, and which of its
 * references resolve nowhere. */
void evalgraph_each_wanted_by(const struct evalgraph *self, const char *path,
                              void (*fn)(const char *path,
                                         enum artifact_format format,
                                         void *ctx),
                              void *ctx);
void evalgraph_each_unresolved_by(const struct evalgraph *self,
                                  const char *path,
                                  void (*fn)(const char *path, bool glob,
                                             void *ctx),
                                  void *ctx);

/* The files reference r of path resolves to (fn may be NULL). Returns
 * how many; 0 when it resolves nowhere. */
size_t evalgraph_targets(const struct evalgraph *self, const char *path,
                         uint32_t ref,
                         void (*fn)(const char *target, void *ctx),
                         void *ctx);

enum evstale {
  EVSTALE_PROMPT = 1 << 0,      /* the prompt changed since the run */
  EVSTALE_TEST = 1 << 1,        /* the test's variables or checks did */
  EVSTALE_SCHEMA = 1 << 2,      /* a schema it checks against did */
  EVSTALE_EVALUATORS = 1 << 3,  /* the file's evaluators did */
};

enum evlocal {
  EVLOCAL_NONE,      /* no output to check, or nothing facet can run */
  EVLOCAL_PASS,      /* every check facet could run passes */
  EVLOCAL_FAIL,
};

/* Where a test stands: its last recorded run and what facet finds now. */
struct evresult {
  uint8_t status;             /* enum evstatus of the recorded run */
  unsigned stale;             /* enum evstale */
  int64_t time;               /* when it ran, or 0 */
  const char *results;        /* the results file (borrowed), or NULL */
  const struct evcase *rec;   /* the case there (borrowed), or NULL */
  uint8_t local;              /* enum evlocal */
  char local_reason[160];     /* why it fails now, when local fails */
  unsigned ran;               /* assertions facet ran itself */
  unsigned skipped;           /* assertions it could not run */
  unsigned verdicts;          /* 1 << enum evverdict of each prompt's
                                 result this one is the worst of */
  const char *other_suite;    /* no run, but a results file holds one
                                 under another description (or gh name):
                                 that name (borrowed), else NULL */
  const char *other_results;  /* that results file (borrowed) */
};

/*
 * Where test stands against prompt (NULL: against every prompt its
 * config runs, the worst of them).
 */
void evalgraph_result(const struct evalgraph *self,
                      const struct evtest_ref *test,
                      const struct evprompt_ref *prompt,
                      struct evresult *out);

/* The final verdict a result shows. */
enum evverdict {
  EVVERDICT_NEVER,       /* never run */
  EVVERDICT_PASS,
  EVVERDICT_LOCAL_PASS,  /* not run, but passes facet's own checks */
  EVVERDICT_FAIL,
  EVVERDICT_LOCAL_FAIL,  /* fails facet's own checks on its output */
  EVVERDICT_ERROR,
  EVVERDICT_SKIP,
};

enum evverdict evresult_verdict(const struct evresult *r);

/*
 * The lens title of a result, e.g. "✓ passed 3 h ago" or "✗ failed:
 * expected to contain 'refund' · stale", into out (size bytes). A run
 * that errored against another prompt is named too: "✗ failed 3 h ago:
 * ... · also ⚠ errored".
 */
void evresult_title(const struct evresult *r, int64_t now, char *out,
                    size_t size);

/* How long ago then was, at now: "just now", "5 min ago", "3 h ago",
 * "2 d ago", or "on 2026-01-05" past 60 days. */
void evalgraph_ago(int64_t then, int64_t now, char *out, size_t size);

/* What the tests of a prompt come to. */
struct evsummary {
  unsigned tests;
  unsigned passed;        /* passed, or pass facet's own checks */
  unsigned failed;
  unsigned errored;
  unsigned skipped;       /* JUnit recorded them as skipped */
  unsigned stale;
  unsigned never;
  unsigned deterministic; /* tests with a check that needs no model */
  unsigned with_checks;   /* tests with any check that can run */
  unsigned checks_missing;/* tests whose every check names a file that
                             resolves nowhere */
  const char *check_missing; /* the first such file, as written */
  int64_t newest;         /* the newest run, or 0 */
};

/* The summary of the tests of the prompt in path. */
void evalgraph_summarise(const struct evalgraph *self, const char *path,
                         int64_t now, struct evsummary *out);

/* The same, over only the tests keep (NULL: every one) keeps. */
void evalgraph_summarise_only(const struct evalgraph *self, const char *path,
                              int64_t now,
                              bool (*keep)(const struct evtest_ref *t,
                                           void *ctx),
                              void *ctx, struct evsummary *out);

/* "evals: 7 ✓ 1 ✗ · 2 stale", into out; "" when there are no tests. */
void evsummary_title(const struct evsummary *s, char *out, size_t size);

/*
 * The findings about path that need other files: references that resolve
 * nowhere, tests that do not set a variable their prompt reads or set one
 * no prompt reads, and tests whose last run failed or that fail facet's
 * own checks. Added to out (spans into path's summarised text).
 */
void evalgraph_diagnostics(const struct evalgraph *self, const char *path,
                           int64_t now, struct diag_list *out);

enum evlens_kind {
  EVLENS_SUMMARY,   /* a prompt's: "evals: 7 ✓ 1 ✗ · 2 stale" */
  EVLENS_TEST,      /* a test's: "✓ passed 3 h ago" */
};

/*
 * The eval lenses of path: a summary on each prompt (at the top of a
 * prompt file, on each inline prompt of a config) and one on each test it
 * holds. fn gets the span (into path's summarised text), the kind, the
 * title and, for a test, its index and result (NULL for a summary).
 */
void evalgraph_lenses(const struct evalgraph *self, const char *path,
                      int64_t now,
                      void (*fn)(struct span span, enum evlens_kind kind,
                                 const char *title, uint32_t test,
                                 const struct evresult *r, void *ctx),
                      void *ctx);

/*
 * Markdown describing the last run of the test in path whose span holds
 * byte offset off, and what facet's own checks find now; NULL when no
 * test is there. The caller frees it. uri_of turns a path into the link
 * target the client opens (ctx is its argument).
 */
char *evalgraph_test_hover(const struct evalgraph *self, const char *path,
                           uint32_t off, int64_t now,
                           char *(*uri_of)(const char *path, void *ctx),
                           void *ctx);

/* What other files tell the grade of the prompt in path (the tests that
 * exercise it, the schemas they check it against, and what crystallise
 * made of it: a schema file or a validator whose provenance record names
 * it); strings in the graph, valid until it changes. The editor and facet
 * check both grade with this. */
void evalgraph_grade_links(const struct evalgraph *self, const char *path,
                           int64_t now, struct grade_links *out);

#endif
