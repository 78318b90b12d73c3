/*
 * Format overrides: "files matching this glob are that format", from the
 * editor's settings (facet.formats) or facet check --assume. Globs are
 * fnmatch(3) patterns matched against the path relative to the workspace
 * root, or against the file name when the glob has no '/'; '*' matches
 * across '/' too.
 */
#ifndef FACET_OVERRIDES_H
#define FACET_OVERRIDES_H

#include <stddef.h>

#include "artifact.h"

/* More rules than this is a configuration gone wrong. */
#define OVERRIDES_MAX 64

struct overrides {
  char *globs[OVERRIDES_MAX];
  enum artifact_format formats[OVERRIDES_MAX];
  size_t count;
};

void overrides_init(struct overrides *self);
void overrides_release(struct overrides *self);

/*
 * Adds a rule (glob copied). Returns 0, FACET_ELIMIT when full, or
 * FACET_EINVAL when format names no format.
 */
int overrides_add(struct overrides *self, const char *glob,
                  const char *format);

/* The format for path (root may be NULL), or FORMAT_NONE. */
enum artifact_format overrides_match(const struct overrides *self,
                                     const char *root, const char *path);

#endif
