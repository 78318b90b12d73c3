/*
 * The workspace index: the eval graph (analyzers/evalgraph.h) of the
 * files under the workspace, fed from disk. This part is what facet check
 * and the editor session share: reading and analysing one file for the
 * graph, which files a walk analyses, and following references to files
 * a walk does not read (test files and prompts named by configs, results
 * files that git ignores, the results globs of .facet.yaml) until nothing
 * new turns up. The session keeps the index current as files change
 * (session_index.c).
 */
#ifndef FACET_WSINDEX_H
#define FACET_WSINDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "artifact.h"
#include "evalgraph.h"
#include "overrides.h"
#include "schema.h"
#include "wsconfig.h"

/* Bytes of a code file the index reads: its record is in its first
 * lines (provenance.h). */
#define WSINDEX_CODE_HEAD ((size_t)16 << 10)

/* Rounds of following references; each round reads what the last one
 * found named. Three suffice (config, test file, its schema). */
#define WSINDEX_ROUNDS_MAX 4

/* What else the analysis of a file read from disk takes; zeroed means
 * nothing: no provider rules, no $ref'd files read. */
struct wsindex_analysis {
  const struct overrides *providers;  /* borrowed: a provider by glob */
  const char *root;                   /* what those globs are relative to */
  enum schema_provider provider;      /* for files no glob names */
  const struct schema_files *schema_files;  /* borrowed: reads $ref'd
                                               files; NULL: none */
};

struct wsindex {
  struct evalgraph *graph;
  struct wsconfig config;
  const struct overrides *formats;   /* borrowed, may be NULL */
  const char *root;                  /* for format overrides; borrowed */
  size_t max_bytes;                  /* 0: the default */
  struct wsindex_analysis analysis;  /* for the files wsindex_load reads */
  char **roots;                      /* folders whose files the graph may
                                        read (resolved): the workspace */
  size_t nroots;
};

/* One file analysed for the index: a is NULL when err says why not. */
typedef void (*wsindex_file_fn)(void *ctx, const char *path, bool explicit,
                                const struct artifact *a, int err);

/* Sets up an empty index. Returns 0 or FACET_ENOMEM. The graph reads
 * the files it needs the text of (a schema an is-json assertion names)
 * through the index: only inside its roots, and not over max_bytes. */
int wsindex_init(struct wsindex *self);
void wsindex_release(struct wsindex *self);

/* Adds a folder (a file: its folder) whose files the graph may read.
 * Returns 0, or FACET_ENOMEM; a path that does not resolve is skipped. */
int wsindex_add_root(struct wsindex *self, const char *path);

/*
 * Reads the file at path and analyses it as format (FORMAT_NONE: as its
 * name and content say) with what an says (borrowed, may be NULL), with
 * the file's modification time in the summary; of code that no format
 * claims, only the first WSINDEX_CODE_HEAD bytes. Returns the artifact
 * (freed with artifact_free), or NULL with *err set.
 */
struct artifact *wsindex_read(const char *path, enum artifact_format format,
                              size_t max_bytes,
                              const struct wsindex_analysis *an, int *err);

/* The format overrides give path, or FORMAT_NONE. */
enum artifact_format wsindex_assumed(const struct wsindex *self,
                                     const char *path);

/* Whether a file a walk finds is worth analysing. */
bool wsindex_candidate(const struct wsindex *self, const char *path);

/* The summary of a the index keeps (borrowed), or NULL: an artifact's,
 * or the provenance records of a file that is none (a validator). */
struct evalfile *wsindex_summary(const struct artifact *a);

/* Records path (normalised) and its analysis (may be NULL: the file only
 * exists) in the graph. Returns 0 or FACET_ENOMEM. */
int wsindex_put(struct wsindex *self, const char *path,
                const struct artifact *a);

/*
 * Calls fn with each file the index should read next: files references
 * ask to be read as another format, results files outputPath names, and
 * (when globs) files the results globs match, relative to root: that
 * walks their folders.
 */
void wsindex_each_wanted(const struct wsindex *self, const char *root,
                         bool globs,
                         void (*fn)(const char *path,
                                    enum artifact_format format, void *ctx),
                         void *ctx);

/* The same, for the references of the one file at path (normalised):
 * what an edit of it may have asked for. */
void wsindex_each_wanted_by(const struct wsindex *self, const char *path,
                            void (*fn)(const char *path,
                                       enum artifact_format format,
                                       void *ctx),
                            void *ctx);

/*
 * Synchronously loads paths (files and folders) into the index: walks
 * them, analyses the candidates, then follows references for at most
 * WSINDEX_ROUNDS_MAX rounds. on_file (may be NULL) sees every analysis.
 * Returns 0, or the first error a walk could not report through on_file.
 */
int wsindex_load(struct wsindex *self, char *const *paths, size_t n,
                 wsindex_file_fn on_file, void *ctx);

/* path normalised into out (PATHGLOB_PATH_MAX bytes). */
bool wsindex_normal(const char *path, char *out);

#endif
