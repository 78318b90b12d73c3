/*
 * The deterministic assertions facet runs itself on a test's output (a
 * fixed providerOutput, or the output a results file recorded): equals,
 * contains and icontains with their -any and -all forms, starts-with,
 * regex (ECMA-262, as JavaScript's RegExp reads it), is-json and
 * contains-json (with a JSON Schema, through facet's validator),
 * levenshtein, every one of them negated by "not-", and GitHub Models'
 * string evaluators. For the rest it says why it could not run them.
 * Values are rendered the way the tools render them first: promptfoo's
 * {{ name }} and GitHub Models' {{name}} from the test's variables.
 */
#ifndef FACET_ASSERT_EVAL_H
#define FACET_ASSERT_EVAL_H

#include <stdbool.h>
#include <stddef.h>

struct evassert;

enum assert_outcome {
  ASSERT_PASS,
  ASSERT_FAIL,
  ASSERT_SKIP,       /* facet could not run it: reason says why */
};

struct assert_verdict {
  enum assert_outcome outcome;
  char reason[160];  /* why it failed, or why it was not run */
};

/* What an assertion's evaluation may need beyond the output. */
struct assert_env {
  /* The text of the test's variable name, or NULL when it sets none (or
   * reads it from a file). */
  const char *(*var)(void *ctx, const char *name);
  /* The text of the schema file an is-json value names, or NULL with why
   * (size bytes) saying why not, or left empty; a new buffer the
   * evaluator frees. */
  char *(*schema)(void *ctx, const struct evassert *as, size_t *len,
                  char *why, size_t size);
  void *ctx;
  bool literal_vars;   /* GitHub Models: only {{name}} is replaced */
};

/* Evaluates as on output (len bytes, UTF-8) into out. */
void assert_eval(const struct evassert *as, const char *output, size_t len,
                 const struct assert_env *env, struct assert_verdict *out);

#endif
