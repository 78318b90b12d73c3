/*
 * Walking the files of a workspace or of the paths given to facet check:
 * folders in name order, skipping .git, node_modules and the untracked
 * files .gitignore ignores (through libgit2, inside a git work tree, as git
 * itself does: a tracked file is never ignored).
 */
#ifndef FACET_WALK_H
#define FACET_WALK_H

#include <stdbool.h>

/*
 * Called for each file found; path is borrowed for the call. explicit is
 * true for a file named by the caller rather than found in a folder.
 * Return nonzero to stop the walk.
 */
typedef int (*walk_fn)(const char *path, bool explicit, void *ctx);

/*
 * Called when a path cannot be read; err is a facet_error code
 * (FACET_EDANGLING for a symbolic link to nothing found in a folder).
 * Return nonzero to stop the walk.
 */
typedef int (*walk_error_fn)(const char *path, int err, void *ctx);

/*
 * Walks path (a file or a folder). Returns 0, the first nonzero value a
 * callback returned, or a facet_error when path itself cannot be read and
 * on_error is NULL.
 */
int walk_path(const char *path, walk_fn on_file, walk_error_fn on_error,
              void *ctx);

/* The same, without consulting .gitignore: for results folders a
 * configuration names, which git usually ignores. */
int walk_path_unignored(const char *path, walk_fn on_file,
                        walk_error_fn on_error, void *ctx);

/* Whether a folder of this name is never walked into. */
bool walk_skip_dir(const char *name);

/*
 * What a walk of a folder passes by, asked of one path at a time: for a
 * file that changes after the walk, so that it counts as the walk would
 * have counted it. Used from one thread.
 */
struct walk_filter;

/* A filter for walks of root, or NULL (out of memory, no such folder). */
struct walk_filter *walk_filter_new(const char *root);
void walk_filter_free(struct walk_filter *self);

/* Whether path (a file under root, which need not exist any more) lies
 * in a folder a walk never enters or is one git ignores. A path outside
 * root is not passed by. */
bool walk_filter_skips(struct walk_filter *self, const char *path);

#endif
