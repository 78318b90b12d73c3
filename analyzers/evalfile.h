/*
 * What one file contributes to the workspace's eval graph, summarised from
 * its analysis so that an index can hold thousands of them without their
 * text or trees: the references it makes to other files (with the span of
 * each), the prompts it runs, the tests it defines (the variables each
 * sets and the assertions it makes), the template variables a prompt
 * reads, and, for a results file, the cases it records.
 *
 * Spans are byte offsets into the text the file was analysed from;
 * text_hash names that text. Every string lives in the summary's arena, so
 * a summary outlives the artifact it came from. A summary is shared by
 * reference count between an artifact and the index; counts change on one
 * thread only (the server's event loop), as with document snapshots.
 */
#ifndef FACET_EVALFILE_H
#define FACET_EVALFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "artifact.h"
#include "source.h"

struct node;

/* "No such item" for the indexes below. */
#define EVAL_NONE UINT32_MAX

/* Items of each kind one file may hold; a file past them is truncated. */
#define EVALFILE_ITEMS_MAX ((size_t)1 << 20)

enum evref_kind {
  EVREF_PROMPT,        /* a promptfoo prompts entry: a file or glob */
  EVREF_TESTS,         /* a promptfoo tests entry: a file or glob of tests */
  EVREF_DEFAULT_TEST,  /* defaultTest: file://... */
  EVREF_VARS,          /* a test var whose value is read from a file */
  EVREF_ASSERT,        /* an assertion's file://: its code or schema */
  EVREF_SAMPLES,       /* an OpenAI evals entry's samples_jsonl */
  EVREF_SPEC,          /* an OpenAI evals entry's modelgraded_spec: a name
                          (path) a file of the registry's modelgraded
                          folder defines */
  EVREF_SCHEMA,        /* a JSON Schema $ref into another file */
  EVREF_RESULTS,       /* promptfoo's outputPath: where results go */
  EVREF_CRYSTALLISED,  /* the prompt a provenance record names: relative
                          to the file's own folder, never read for it */
  EVREF__COUNT
};

/* A reference to another file, as written. */
struct evref {
  const char *path;    /* without file:// and a :function suffix */
  struct span span;    /* where the path is written */
  uint32_t owner;      /* its prompt (EVREF_PROMPT) or test, its entry's
                          index among the registry's (EVREF_SAMPLES,
                          EVREF_SPEC), or EVAL_NONE */
  uint8_t kind;        /* enum evref_kind */
  bool glob;           /* path has glob syntax */
  bool data_dir;       /* relative to the evals registry's data folder */
  bool code;           /* names code (.py, .js, ...) rather than text */
  bool literal_ok;     /* promptfoo uses the text itself when no file
                          matches (a prompt written without file://) */
  bool quiet;          /* matching nothing is no mistake: a prompt's text
                          that only may be a path, an outputPath */
  bool schema;         /* names a JSON Schema (is-json, contains-json) */
};

/* A name the file defines for others to refer to by name: an OpenAI
 * evals model-graded spec. */
struct evname {
  const char *name;
  struct span span;    /* its key */
};

/* A variable a template reads. */
struct evread {
  const char *name;
  struct span span;    /* its first use */
  bool optional;       /* the template lets it be unset ({% if %}, a
                          default filter) */
};

/* A prompt an eval file runs: a file it names, or its own text. */
struct evprompt {
  const char *label;   /* its label, else id, else the text */
  struct span span;    /* the entry */
  uint32_t ref;        /* its file reference, or EVAL_NONE: inline text */
  bool self;           /* the file's own template (GitHub Models
                          messages): its reads and pieces are the file's */
  uint32_t read0;      /* inline text: the variables it reads */
  uint32_t nreads;
  uint64_t hash;       /* inline text: evalfile_text_hash of it */
  uint32_t line;       /* 1-based line of the entry, for reports */
};

/* A variable a test sets. */
struct evvar {
  const char *name;
  const char *text;    /* its value, canonical (evalfile_canon), or NULL
                          when it is read from a file */
  struct span key;     /* the name as written: a key, a CSV header cell */
  struct span value;
};

enum evassert_flag {
  EVASSERT_DEFAULT = 1 << 0,      /* inherited from defaultTest */
  EVASSERT_TRANSFORMED = 1 << 1,  /* code transforms the output first */
  EVASSERT_READS_VARS = 1 << 2,   /* it may read the test's variables
                                     (code, a grading prompt of its own,
                                     context-* checks) */
};

/* One check on a test's output. */
struct evassert {
  const char *type;    /* as written: "not-icontains"; GitHub Models
                          evaluators as "string.contains", "llm", "uses" */
  const char *value;   /* canonical JSON of its value, or NULL */
  const char *name;    /* its metric or evaluator name, or NULL */
  struct span span;    /* the assertion */
  struct span type_span;
  double threshold;
  uint32_t ref;        /* the reference a file:// value makes */
  uint64_t hash;       /* of type, value and threshold */
  bool has_threshold;
  uint8_t flags;       /* enum evassert_flag */
};

/* A test case: inputs for a prompt and checks on what comes back. */
struct evtest {
  const char *description;  /* as written, or promptfoo's "Row #N" */
  const char *output;       /* providerOutput: a fixed output, or NULL */
  struct span span;         /* the test: a list item, CSV row, JSONL line */
  struct span anchor;       /* its first line: its lens and findings */
  uint32_t line;            /* 1-based line of anchor, for reports */
  uint32_t var0, nvars;
  uint32_t assert0, nasserts;
  uint32_t filter0, nfilters;  /* the prompts it is limited to, by label */
  bool described;           /* the description was written */
  bool transformed;         /* options.transform changes the output */
  bool vars_open;           /* its variables come from a file */
};

enum evstatus {
  EVSTATUS_NONE,     /* never run */
  EVSTATUS_PASS,
  EVSTATUS_FAIL,
  EVSTATUS_ERROR,
  EVSTATUS_SKIP,
};

/* What one assertion of a recorded case came to. */
struct evoutcome {
  const char *type;
  const char *reason;
  bool pass;
};

enum evtool {
  EVTOOL_NONE,
  EVTOOL_PROMPTFOO,
  EVTOOL_GITHUB_MODELS,
  EVTOOL_JUNIT,
};

/* One case a results file records: a test run against a prompt. */
struct evcase {
  const char *description;
  const char *reason;       /* why it failed or errored */
  const char *output;       /* what the model answered, or NULL */
  const char *provider;
  const char *prompt_label;
  uint64_t prompt_hash;     /* of the template it ran; 0: not recorded */
  uint64_t asserts_hash;    /* of its assertions; 0: not recorded */
  int64_t time;             /* when it ran (Unix seconds) */
  struct span span;         /* the case in the results file */
  uint32_t var0, nvars;     /* the variables it ran with */
  uint32_t outcome0, noutcomes;
  uint32_t test_index;      /* as the tool counted, or EVAL_NONE */
  uint8_t status;           /* enum evstatus */
};

/*
 * A provenance record (provenance.h): the file, or one test of it, was
 * crystallised from a fragment of a prompt. The index links it to that
 * prompt, so the prompt's editor finds what its fragments became, and its
 * grade counts them, without reading the workspace again.
 */
struct evrecord {
  const char *label;        /* a test's description, or NULL */
  struct span span;         /* the record as written */
  uint32_t line;            /* 1-based line of the record */
  uint32_t first_line;      /* the fragment's lines, 1-based, as recorded */
  uint32_t last_line;
  uint64_t hash;            /* of the fragment's text */
  uint32_t ref;             /* its EVREF_CRYSTALLISED reference */
  uint32_t test;            /* the test it is on, or EVAL_NONE */
  uint8_t kind;             /* enum provenance_kind */
};

/* promptfoo splits a .txt prompt file into prompts on "---" lines. */
struct evpiece {
  struct span span;
  uint64_t hash;
};

#define EVALFILE_ARRAYS(X)                                                   \
  X(struct evref, refs)                                                      \
  X(struct evread, reads)                                                    \
  X(struct evprompt, prompts)                                                \
  X(struct evvar, vars)                                                      \
  X(struct evassert, asserts)                                                \
  X(struct evtest, tests)                                                    \
  X(const char *, strings)                                                   \
  X(struct evcase, cases)                                                    \
  X(struct evoutcome, outcomes)                                              \
  X(struct evpiece, pieces)                                                  \
  X(struct evrecord, records)                                                \
  X(struct evname, names)

struct evalfile {
  unsigned refcount;
  struct arena arena;            /* owns every string below */
  enum artifact_kind kind;
  enum artifact_format format;
  uint64_t text_hash;            /* of the text the spans are into */
  int64_t file_time;             /* the file's modification time, as the
                                    caller gave it (0: unknown) */

  /* As a prompt: the variables its template reads, the file_read0 to
   * file_read0 + nfile_reads - 1 of reads, and its pieces. */
  uint32_t file_read0, nfile_reads;
  bool reads_open;               /* it may read names facet cannot see */

  /* As an eval file. */
  const char *suite;             /* promptfoo description, gh name */
  uint32_t default_var0, ndefault_vars;
  uint32_t default_assert0, ndefault_asserts;
  bool script_provider;          /* a provider is code: it may read any
                                    variable */
  bool vars_transformed;         /* transformVars rewrites the variables */

  /* As a results file. */
  enum evtool tool;
  int64_t time;                  /* when the run ended, or 0 */

#define X(type, name) type *name; size_t n##name; size_t cap_##name;
  EVALFILE_ARRAYS(X)
#undef X
};

/* A new, empty summary with one reference, or NULL out of memory. */
struct evalfile *evalfile_new(enum artifact_kind kind,
                              enum artifact_format format);

/* Adds a reference; returns self. */
struct evalfile *evalfile_ref(struct evalfile *self);

/* Drops a reference, freeing the summary with the last one (NULL is
 * ignored). */
void evalfile_unref(struct evalfile *self);

/*
 * Appends a zeroed item to the array name of self and returns it, or
 * NULL (out of memory, or past EVALFILE_ITEMS_MAX). The pointer is valid
 * until the next item of that array is added; indexes stay valid.
 */
#define X(type, name)                                                        \
  type *evalfile_add_##name(struct evalfile *self);
EVALFILE_ARRAYS(X)
#undef X

/* Shrinks each array to the items it holds, once the file is read: a
 * summary stays in the index for long, and doubling leaves up to half of
 * each array unused. Pointers into the arrays are invalid afterwards. */
void evalfile_fit(struct evalfile *self);

/* Copies n bytes of s into self's arena (NULL stays NULL). */
const char *evalfile_strndup(struct evalfile *self, const char *s,
                             size_t n);
const char *evalfile_strdup(struct evalfile *self, const char *s);

/*
 * The canonical JSON of a YAML or JSON value, as both sides of a match
 * compare it: keys sorted, numbers in one spelling (0.10 and 0.1 agree),
 * scalars typed as YAML's core schema reads them. In self's arena; NULL
 * out of memory.
 */
const char *evalfile_canon(struct evalfile *self, const struct node *n);

/* The text of a value as a template sees it: a string as it is, anything
 * else as its canonical JSON. */
const char *evalfile_text(struct evalfile *self, const struct node *n);

/*
 * A hash of prompt text as promptfoo stores it: surrounding white space
 * left out and CRLF read as LF, so that a template and the copy a results
 * file keeps of it agree.
 */
uint64_t evalfile_text_hash(const char *s, size_t len);

/* The hash of one assertion, from its type, canonical value and
 * threshold; assertion sets add them up, in any order. */
uint64_t evalfile_assert_hash(const char *type, const char *value,
                              bool has_threshold, double threshold);

/* Unix seconds of an ISO 8601 time ("2026-01-05T10:00:00.5Z"; no zone
 * means UTC), or 0 when s is not one. */
int64_t evalfile_parse_time(const char *s);

/*
 * Copies a's provenance records into its summary, each with a reference
 * to the prompt it names; a file that is no artifact but holds a record (a
 * validator in code) gets a summary for them. Called by artifact_analyze
 * once the records are collected. Returns 0 or FACET_ENOMEM.
 */
int evalfile_records(struct artifact *a);

/*
 * Summarises the prompt side of a (kind ARTIFACT_PROMPT, or a config with
 * inline prompts): the variables its template reads and, for plain text
 * prompts, the pieces promptfoo splits it into. Called by
 * artifact_analyze once the format's checker is done.
 */
int evalfile_prompt_side(struct artifact *a);

#endif
