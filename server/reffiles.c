#include "reffiles.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docstore.h"
#include "error.h"
#include "fileio.h"

/* A referenced schema larger than this is not read. */
#define REFFILES_MAX ((size_t)4 << 20)

static bool
reffiles__inside(const char *root, const char *path)
{
  size_t n = strlen(root);

  return strncmp(path, root, n) == 0 &&
         (path[n] == '/' || path[n] == '\0' || (n == 1 && root[0] == '/'));
}

static int
reffiles__read(void *ctx, const char *uri, char **text, size_t *len,
               char *why, size_t size)
{
  const struct reffiles *self = ctx;
  char *path = docstore_uri_to_path(uri);
  char real[PATH_MAX];
  size_t whole = 0;
  int rc;

  if (!path) {
    snprintf(why, size, "it is not a local file");
    return FACET_EINVAL;
  }
  if (!realpath(path, real)) {
    free(path);
    snprintf(why, size, "no such file");
    return FACET_ENOENT;
  }
  free(path);
  if (self->root && !reffiles__inside(self->root, real)) {
    snprintf(why, size, "the file is outside the workspace");
    return FACET_EACCES;
  }
  rc = fileio_read(real, REFFILES_MAX + 1, text, len, &whole);
  if (rc == 0 && whole > REFFILES_MAX) {
    free(*text);
    *text = NULL;
    rc = FACET_ELIMIT;
  }
  if (rc)
    snprintf(why, size, "%s", facet_strerror(rc));
  return rc;
}

void
reffiles_init(struct reffiles *self, const char *root)
{
  char real[PATH_MAX];

  self->root = root && realpath(root, real) ? strdup(real) : NULL;
  self->files.read = reffiles__read;
  self->files.ctx = self;
}

void
reffiles_release(struct reffiles *self)
{
  free(self->root);
  self->root = NULL;
}
