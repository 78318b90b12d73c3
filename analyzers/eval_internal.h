/* What the readers of eval files share; not for other modules. */
#ifndef FACET_EVAL_INTERNAL_H
#define FACET_EVAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "artifact.h"
#include "evalfile.h"

struct node;

/* Variable names evalx_name remembers: a file's tests repeat a few. */
#define EVALX_NAMES 32

/* A summary being read out of an artifact. */
struct evalx {
  struct artifact *a;
  struct evalfile *f;
  bool row_names;      /* tests without a description are "Row #N" */
  const char *names[EVALX_NAMES];  /* in f's arena, by a hash of the name */
};

/* name in f's arena, shared with the tests before that set it (NULL stays
 * NULL): a thousand rows of a CSV keep each column's name once. */
const char *evalx_name(struct evalx *x, const char *name);

/* a's summary, made on first use; NULL out of memory. */
struct evalfile *evalx_begin(struct artifact *a);

/*
 * Adds a reference of kind to the path written in bytes [from, from +
 * len) of the scalar v (a ":function" suffix after a code file is left
 * out). Returns its index, or EVAL_NONE.
 */
uint32_t evalx_ref(struct evalx *x, enum evref_kind kind,
                   const struct node *v, size_t from, size_t len,
                   uint32_t owner);

/* Adds a variable read; NULL out of memory. */
struct evread *evalx_read(struct evalx *x, const char *name,
                          struct span span);

/* The first line of item, where a test's lens and findings go. */
struct span evalx_anchor(const struct artifact *a, const struct node *item);

/* "Row #N" for the 0-based row, in the summary's arena. */
const char *evalx_row_name(struct evalx *x, uint32_t row);

/* A tests entry that names a file or glob (v is the scalar). */
void evalx_test_file(struct evalx *x, const struct node *v);

/* An __expected cell of a CSV row: adds its assertion to t. */
void evalx_csv_expected(struct evalx *x, const struct node *v,
                        const char *metric, uint32_t test,
                        struct evtest *t);
/* Warns when a test variable's value is a "TODO" placeholder, such as
 * crystallise leaves where it found no value to give. */
void evalx_check_placeholder(struct evalx *x, const char *name,
                             const struct node *value);

/* The checks of one assertion, for an __expected cell v read as type
 * (its value the bytes [at, end); paren: where its "(threshold)" starts,
 * or 0). */
void evalx_check_expected(struct evalx *x, const struct node *v,
                          const char *type, size_t paren, size_t at,
                          size_t end, bool has_threshold);

/* [s, s + n) as a JSON string, in f's arena. */
const char *evalx_json_string(struct evalfile *f, const char *s, size_t n);

/* Whether an assertion of type may read the test's variables itself. */
bool evalx_reads_vars(const char *type);

/* Whether [s, s + n) ends with suffix, ignoring case. */
bool evalx_ends(const char *s, size_t n, const char *suffix);

/* The grade facts of a file of tests, from its summary. */
void evalx_tests_facts(struct artifact *a);

/* Parses a's text as JSON Lines into a->root: a sequence of the lines'
 * values (blank lines skipped), each line's errors reported. */
int evalx_jsonl(struct artifact *a);

/* Reads an OpenAI evals registry's references to its samples. */
void evalx_openai_registry(struct artifact *a);

/* Reads a GitHub Models prompt file's testData and evaluators. */
void evalx_github_models(struct artifact *a);

/* Reads a promptfoo config's summary (after promptfoo_check parsed it). */
void evalx_promptfoo_config(struct artifact *a);

#endif
