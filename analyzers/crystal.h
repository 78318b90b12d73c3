/*
 * Crystallise: turning a fragment of a prompt (a sentence, a list, an
 * example) into a more verifiable artifact linked back to it: a JSON
 * Schema, an eval (promptfoo tests or .prompt.yml testData and
 * evaluators), or a validator in code with its unit test.
 *
 * This is pure: the caller hands over what it knows of the workspace (the
 * eval file that already runs the prompt, which files exist, the language
 * of the code) and gets back an edit description, files to create and
 * text changes to existing files, which the server turns into a
 * WorkspaceEdit and the CLI into a diff. Nothing here reads or writes a
 * file, and nothing calls a model: the same fragment always gives the
 * same bytes. docs/crystallise.md describes each action.
 *
 * Paths are relative to one folder the caller chooses (the workspace
 * root), with '/' separators and no "." or ".." parts.
 */
#ifndef FACET_CRYSTAL_H
#define FACET_CRYSTAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "source.h"

struct artifact;

enum crystal_target {
  CRYSTAL_SCHEMA,
  CRYSTAL_EVAL,
  CRYSTAL_CODE,
  CRYSTAL__COUNT
};

enum crystal_lang {
  CRYSTAL_PYTHON,
  CRYSTAL_TYPESCRIPT,
};

/* How the TypeScript unit test is written (Python's is always pytest). */
enum crystal_runner {
  CRYSTAL_RUNNER_NODE,    /* node:test and node:assert */
  CRYSTAL_RUNNER_VITEST,
  CRYSTAL_RUNNER_JEST,
};

/* Files a crystallise edit creates at most, and changes it makes. */
#define CRYSTAL_FILES_MAX 2
#define CRYSTAL_CHANGES_MAX 8

/* A schema crystallised from the prompt before: evals of the JSON its
 * fragment shows check answers against the file, not a copy of it. */
struct crystal_schema_link {
  const char *path;         /* the schema file */
  const char *text;         /* its JSON text */
  uint32_t first_line;      /* its fragment's lines in the prompt now, */
  uint32_t last_line;       /* 0-based */
};

struct crystal_request {
  const struct artifact *prompt;  /* borrowed: the analysed prompt */
  const char *prompt_path;        /* its path */
  struct span selection;          /* bytes of prompt's text; when empty,
                                     the paragraph at selection.start */
  enum crystal_target target;
  /* A promptfoo config that runs this prompt (its prompts name the file),
   * or NULL: tests go there, and a schema becomes an is-json check. */
  const struct artifact *eval;    /* borrowed */
  const char *eval_path;
  /* Whether a file exists at path; a new file never takes such a name.
   * NULL: no file exists. */
  bool (*exists)(void *ctx, const char *path);
  void *exists_ctx;
  const char *schema_dir;   /* folder for new schemas; NULL: the prompt's */
  const char *schema_name;  /* file name pattern, "{name}" the prompt's
                               name; NULL: "{name}.schema.json" */
  const char *code_dir;     /* folder for validators; NULL: "validators" */
  enum crystal_lang lang;
  enum crystal_runner runner;
  const struct crystal_schema_link *schemas;  /* borrowed; may be NULL */
  size_t nschemas;
};

/* A file the edit creates. */
struct crystal_file {
  const char *path;
  const char *text;
};

/* A change to an existing file: span of its text becomes text. */
struct crystal_change {
  const char *path;         /* the prompt's or the eval file's path */
  struct span span;         /* an empty span inserts */
  const char *text;
};

struct crystal_edit {
  struct arena arena;       /* owns every string below */
  enum crystal_target target;
  bool made;                /* false: nothing to do, see why */
  const char *why;          /* why nothing was made, for the user */
  bool too_large;           /* why: the fragment, or a file it makes, is
                               over a limit (docs/crystallise.md) */
  const char *title;        /* what an editor offers, e.g. "Crystallise
                               into a JSON Schema (schemas/a.schema.json)" */
  const char *note;         /* what the user should know or finish, or
                               NULL */
  struct span fragment;     /* the fragment, in the prompt's text */
  uint32_t first_line;      /* the lines it covers, 0-based */
  uint32_t last_line;
  uint64_t hash;            /* provenance_hash_lines of those lines */
  struct crystal_file files[CRYSTAL_FILES_MAX];
  size_t nfiles;
  struct crystal_change changes[CRYSTAL_CHANGES_MAX];  /* by path, then in
                                                          text order */
  size_t nchanges;
};

/* Sets up an empty edit. No allocation. */
void crystal_edit_init(struct crystal_edit *self);

/* Frees everything the edit holds. */
void crystal_edit_release(struct crystal_edit *self);

/*
 * Makes the edit that crystallises req's fragment into req->target, into
 * out (set up with crystal_edit_init). When the fragment is not in the
 * prompt's template text, or the target does not fit it (code needs a
 * mechanical rule), out->made is false and out->why says so. Returns 0,
 * or FACET_ENOMEM.
 */
int crystal_make(const struct crystal_request *req, struct crystal_edit *out);

/*
 * Path helpers for the paths crystallise deals in; results in arena.
 * _dir gives the folder ("" at the root), _join puts name in dir,
 * _relative the path from folder from_dir to the file to, and _clean
 * resolves "." and ".." parts (a ".." above the root stays).
 */
char *crystal_path_dir(struct arena *a, const char *path);
char *crystal_path_join(struct arena *a, const char *dir, const char *name);
char *crystal_path_relative(struct arena *a, const char *from_dir,
                            const char *to);
char *crystal_path_clean(struct arena *a, const char *path);

/* "schema", "eval" or "code". */
const char *crystal_target_name(enum crystal_target t);

/* The target named name, or -1. */
int crystal_target_by_name(const char *name);

#endif
