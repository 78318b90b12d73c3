/*
 * Paths and globs as eval configs write them, resolved without touching
 * the disk: a reference joined to the folder of the file that makes it,
 * "." and ".." folded away, and globs matched against such paths. The
 * glob syntax is the one promptfoo's file lists use: "*" and "?" within a
 * folder, "[...]" classes, "**" for any depth of folders and "{a,b}"
 * alternatives. Names starting with "." match only a pattern that starts
 * with "." too, as in the shell.
 */
#ifndef FACET_PATHGLOB_H
#define FACET_PATHGLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Longest path facet resolves; longer references resolve nowhere. */
#define PATHGLOB_PATH_MAX 4096

/*
 * Writes into out (size bytes) the reference ref resolved against the
 * folder of the file at from (from's last component is dropped; an
 * absolute ref ignores from), with "." and ".." folded and repeated
 * slashes collapsed. A relative path that climbs above its start keeps
 * its leading "..". Returns false when the result does not fit.
 */
bool pathglob_resolve(const char *from, const char *ref, char *out,
                      size_t size);

/* The same for a path on its own: folds "." and "..". */
bool pathglob_normalize(const char *path, char *out, size_t size);

/* Whether s has glob syntax: *, ?, [ or {. */
bool pathglob_is_glob(const char *s);

/* Whether path (normalised) matches glob (normalised the same way). */
bool pathglob_match(const char *glob, const char *path);

/* The length of glob's text before its first glob character (or
 * backslash): every path glob matches starts with it. */
size_t pathglob_literal_prefix(const char *glob);
/* The folder part of glob before its first segment with glob syntax
 * ("evals/out/x*.json" gives "evals/out"), into out; "" when the first
 * segment already has it. Returns false when it does not fit. */
bool pathglob_literal_dir(const char *glob, char *out, size_t size);

#endif
