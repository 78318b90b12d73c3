/*
 * Overrides by glob: "files matching this glob are that format" (the
 * editor's facet.formats, facet check --assume) or "... have schemas for
 * that provider" (facet.schemaProvider, --provider). Globs are
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
  int values[OVERRIDES_MAX];   /* an enum artifact_format, or another
                                  enum's value, as the owner decides */
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

/* Adds a rule of any value (glob copied). Returns 0, FACET_ELIMIT when
 * full, or FACET_ENOMEM. */
int overrides_add_value(struct overrides *self, const char *glob,
                        int value);

/* The value of the first rule that matches path, or fallback. */
int overrides_lookup(const struct overrides *self, const char *root,
                     const char *path, int fallback);

#endif
