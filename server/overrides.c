#include "overrides.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

void
overrides_init(struct overrides *self)
{
  self->count = 0;
}

void
overrides_release(struct overrides *self)
{
  for (size_t i = 0; i < self->count; i++)
    free(self->globs[i]);
  self->count = 0;
}

int
overrides_add_value(struct overrides *self, const char *glob, int value)
{
  if (self->count == OVERRIDES_MAX)
    return FACET_ELIMIT;
  self->globs[self->count] = strdup(glob);
  if (!self->globs[self->count])
    return FACET_ENOMEM;
  self->values[self->count++] = value;
  return 0;
}

int
overrides_add(struct overrides *self, const char *glob, const char *format)
{
  int f = artifact_format_by_name(format);

  return f < 0 ? FACET_EINVAL : overrides_add_value(self, glob, f);
}

/* path relative to root when under it; "./" prefixes dropped. */
static const char *
overrides__relative(const char *root, const char *path)
{
  size_t n = root ? strlen(root) : 0;

  if (n && strncmp(path, root, n) == 0 && path[n] == '/')
    path += n + 1;
  while (strncmp(path, "./", 2) == 0)
    path += 2;
  return path;
}

enum artifact_format
overrides_match(const struct overrides *self, const char *root,
                const char *path)
{
  return (enum artifact_format)overrides_lookup(self, root, path,
                                                FORMAT_NONE);
}

int
overrides_lookup(const struct overrides *self, const char *root,
                 const char *path, int fallback)
{
  const char *rel;
  const char *base;

  if (!path)
    return fallback;
  rel = overrides__relative(root, path);
  base = strrchr(rel, '/');
  base = base ? base + 1 : rel;
  for (size_t i = 0; i < self->count; i++) {
    const char *subject = strchr(self->globs[i], '/') ? rel : base;

    if (fnmatch(self->globs[i], subject, 0) == 0)
      return self->values[i];
    /* A leading "**" and slash also matches no folder, as editors do. */
    if (strncmp(self->globs[i], "**/", 3) == 0 &&
        fnmatch(self->globs[i] + 3, rel, 0) == 0)
      return self->values[i];
  }
  return fallback;
}
