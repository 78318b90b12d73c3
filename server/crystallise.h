/*
 * What crystallise needs to know of a workspace, found by walking it:
 * which promptfoo config runs a prompt, which files carry provenance
 * records pointing at a prompt (so the prompt's editor can show what each
 * fragment became and whether it drifted), which language the workspace's
 * code is in, and whether a file exists.
 *
 * Limitation: this is a walk of the whole workspace root, cached by the
 * session until a file changes. The workspace index (a graph of artifacts
 * and their links, kept up to date from file events) will replace it;
 * until then a large workspace pays for one walk per change of an open
 * schema, eval or code file.
 */
#ifndef FACET_CRYSTALLISE_H
#define FACET_CRYSTALLISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crystal.h"
#include "provenance.h"

struct artifact;

/* Files a walk reads at most, and bytes of each. */
#define CRYSTALLISE_FILES_MAX 20000
#define CRYSTALLISE_READ_MAX ((size_t)1 << 20)

/*
 * Reads the file at path (absolute) into a new buffer the caller frees;
 * returns 0 or a facet_error. The session reads an open document's text,
 * the CLI the disk.
 */
struct crystallise_files {
  int (*read)(void *ctx, const char *path, char **text, size_t *len);
  void *ctx;
};

/* A provenance record found in the workspace, resolved. */
struct crystallise_link {
  char *path;                /* the file holding it, relative to the root */
  char *prompt;              /* the prompt it names, relative to the root */
  struct provenance record;  /* strings point into prompt and label */
  char *label;               /* a test's description, or NULL */
  unsigned tests;            /* records of the same fragment merged here */
};

/* A promptfoo config and the prompt files it runs. */
struct crystallise_config {
  char *path;                /* relative to the root */
  char **prompts;            /* file paths (globs kept), relative to the
                                root */
  size_t nprompts;
};

struct crystallise_scan {
  char *root;
  struct crystallise_link *links;
  size_t nlinks;
  struct crystallise_config *configs;
  size_t nconfigs;
  size_t files;              /* files read */
};

/*
 * Walks root (absolute) as facet check walks a folder and fills out (set
 * up with _init). Returns 0, or FACET_ENOMEM.
 */
void crystallise_scan_init(struct crystallise_scan *self);
int crystallise_scan(const char *root, const struct crystallise_files *files,
                     struct crystallise_scan *out);
void crystallise_scan_release(struct crystallise_scan *self);

/*
 * The promptfoo config of scan that runs prompt (relative to the root):
 * the nearest to it when several do. NULL when none does.
 */
const struct crystallise_config *crystallise_config_for(
  const struct crystallise_scan *scan, const char *prompt);

/* Whether the promptfoo config at path runs prompt. */
bool crystallise_config_runs(const struct crystallise_config *cfg,
                             const char *prompt);

/*
 * The links of scan that point at prompt, into out (at most max): one per
 * artifact and fragment, tests of one config merged. Returns the count.
 */
size_t crystallise_links_for(const struct crystallise_scan *scan,
                             const char *prompt,
                             const struct crystallise_link **out,
                             size_t max);

/* The workspace's language for code, from its files: tsconfig.json, then
 * Python's project files, then package.json; Python otherwise. */
enum crystal_lang crystallise_language(const char *root);

/* The TypeScript test runner package.json names. */
enum crystal_runner crystallise_runner(const char *root);

/*
 * The schema folder nearest the prompt: a schemas/ (or schema/) folder in
 * the prompt's folder or one above it, up to the root; relative to the
 * root, a new string. NULL when there is none: schemas then go next to
 * their prompt.
 */
char *crystallise_schema_dir(const char *root, const char *prompt);

/* Whether the file at path may hold records or be a promptfoo config. */
bool crystallise_candidate(const char *path);

/* path relative to root (both absolute, cleaned), or NULL when path is
 * not under root. New string. */
char *crystallise_relative(const char *root, const char *path);

/* Runs "facet crystallise" (argv[0] is its name); returns the exit code:
 * 0 made, 1 nothing to make or a write failed, 2 a usage error. */
int crystallise_main(int argc, char **argv);

#endif
