/*
 * JSON Schema validation over json-c values: drafts 4, 6 and 7, 2019-09
 * and 2020-12 (docs/jsonschema.md lists what each keyword does and what
 * is left out).
 *
 * A schema is compiled once: references are resolved, patterns compiled,
 * keywords decoded into flags and fields. The compiled schema then
 * validates any number of instances, from any number of threads at once,
 * since validation never changes it.
 *
 * JSON values follow facet's one rule (stated in protocol/jsonrpc.h): a
 * json_object * parameter whose name ends in _take is taken over by the
 * callee; every other one is borrowed for the duration of the call; a
 * returned one is a new reference. NULL is JSON null.
 */
#ifndef FACET_JSONSCHEMA_H
#define FACET_JSONSCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"

struct json_object;

enum js_draft {
  /* No $schema and no choice made: 2020-12, also reading draft-07's forms
   * (items as an array with additionalItems, dependencies, definitions),
   * which schemas written for AI tools use without saying so. */
  JS_DRAFT_DEFAULT = 0,
  JS_DRAFT_4,
  JS_DRAFT_6,
  JS_DRAFT_7,
  JS_DRAFT_2019_09,
  JS_DRAFT_2020_12,
};

/* Errors one validation collects unless the options say otherwise. */
#define JS_ERRORS_MAX_DEFAULT 100

/* Nested evaluations (a subschema applied within another) one validation
 * follows; deeper instances get one error instead of a stack overflow. */
#define JS_DEPTH_MAX 512

/* Documents one compilation loads through its resolver. */
#define JS_DOCUMENTS_MAX 256

/*
 * Loads the document a $ref names. The caller decides what is allowed
 * (facet itself never touches the network).
 */
struct js_resolver {
  /*
   * Loads uri (absolute, without its fragment) into *out, a new reference
   * the compiler takes over. Returns 0, or a negative facet_error code
   * after writing why (a lower-case phrase, at most size bytes with its
   * NUL) for the schema problem the $ref becomes.
   */
  int (*load)(void *ctx, const char *uri, struct json_object **out,
              char *why, size_t size);
  void *ctx;
};

/* Settings of a compilation; zeroed means defaults. */
struct js_options {
  enum js_draft draft;       /* for a schema without $schema */
  bool format_assert;        /* format failures make an instance invalid */
  const char *base_uri;      /* borrowed, copied: the root schema's URI */
  const struct js_resolver *resolver;  /* borrowed; NULL: no loading */
  size_t max_errors;         /* per validation; 0: JS_ERRORS_MAX_DEFAULT */
};

/* Something wrong with the schema itself, found while compiling it. */
struct js_problem {
  const char *uri;      /* the document, or NULL for the root schema */
  const char *pointer;  /* JSON pointer to the keyword within it */
  const char *message;  /* lower case, no final period */
  const char *suggestion;  /* a string value that would mend it (the type
                              name meant, say), or NULL */
  const char *document;    /* for a $ref whose document did not load: that
                              document's URI, without fragment; else NULL */
};

/* One reason an instance is invalid. Strings belong to the result. */
struct js_error {
  const char *instance_path;  /* JSON pointer into the instance */
  const char *schema_path;    /* JSON pointer to the failing keyword,
                                 after "URI#" outside the root schema */
  const char *keyword;        /* e.g. "required"; static */
  const char *message;        /* lower case, no final period */
  bool at_key;                /* the error is about the property name at
                                 instance_path, not its value */
};

/* The errors of one validation; reused from one validation to the next. */
struct js_result {
  struct js_error *errors;    /* owned */
  size_t count;
  bool truncated;             /* more errors than the limit were found */
  size_t cap;
  struct arena arena;         /* owns every string of errors */
  void *scratch;              /* owned: matching state kept for reuse */
};

struct js_schema;

/*
 * Compiles schema (borrowed; the compiled schema keeps its own reference)
 * into *out, freed with js_schema_free. Problems with the schema do not
 * stop compilation: the keyword at fault is left out and the problem is
 * listed (js_schema_problems). Returns 0, or FACET_ENOMEM (then *out is
 * NULL).
 */
int js_schema_compile(struct json_object *schema,
                      const struct js_options *opts, struct js_schema **out);

void js_schema_free(struct js_schema *self);

/* The problems compilation found, in document order; owned by self. */
const struct js_problem *js_schema_problems(const struct js_schema *self,
                                            size_t *count);

/* The draft the root schema was read as (never JS_DRAFT_DEFAULT). */
enum js_draft js_schema_draft(const struct js_schema *self);

/* Sets up an empty result. No allocation. */
void js_result_init(struct js_result *self);

/* Frees the errors, their strings and the scratch state. */
void js_result_release(struct js_result *self);

/*
 * Validates instance (borrowed) against self, replacing what result held
 * with this validation's errors: the instance is valid when result->count
 * is 0. Returns 0, or FACET_ENOMEM (the errors may then be incomplete).
 */
int js_validate(const struct js_schema *self, struct json_object *instance,
                struct js_result *result);

/* Whether instance (borrowed) is valid; stops at the first failure. */
bool js_valid(const struct js_schema *self, struct json_object *instance);

/* The draft a $schema URI names, or -1 for one facet does not know. */
int js_draft_of(const char *uri);

/* The name of a draft as $schema would give it, e.g. "draft-07". */
const char *js_draft_name(enum js_draft draft);

#endif
