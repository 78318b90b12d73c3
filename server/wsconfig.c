#include "wsconfig.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "error.h"
#include "fileio.h"
#include "pathglob.h"
#include "source.h"
#include "tree.h"

/* A configuration file larger than this is not one. */
#define WSCONFIG_BYTES_MAX ((size_t)1 << 16)

void
wsconfig_init(struct wsconfig *self)
{
  memset(self, 0, sizeof *self);
}

void
wsconfig_release(struct wsconfig *self)
{
  for (size_t i = 0; i < self->nresults; i++)
    free(self->results[i]);
  self->nresults = 0;
  self->nsettings = 0;
}

void
wsconfig_forget_file(struct wsconfig *self)
{
  for (size_t i = self->nsettings; i < self->nresults; i++)
    free(self->results[i]);
  self->nresults = self->nsettings;
}

int
wsconfig_add_results(struct wsconfig *self, const char *glob)
{
  char norm[PATHGLOB_PATH_MAX];

  if (!glob || !*glob || glob[0] == '/' ||
      !pathglob_normalize(glob, norm, sizeof norm) ||
      strncmp(norm, "..", 2) == 0)
    return FACET_EINVAL;
  if (self->nresults == WSCONFIG_GLOBS_MAX)
    return FACET_ELIMIT;
  self->results[self->nresults] = strdup(norm);
  if (!self->results[self->nresults])
    return FACET_ENOMEM;
  self->nresults++;
  return 0;
}

static int
wsconfig__results(struct wsconfig *self, const struct node *v, char *why,
                  size_t size)
{
  v = node_resolve(v);
  if (v && v->kind == NODE_SCALAR && v->type == SCALAR_STRING)
    return wsconfig_add_results(self, node_str(v));
  if (!v || v->kind != NODE_SEQ) {
    snprintf(why, size, "'results' should be a list of globs");
    return FACET_EINVAL;
  }
  for (uint32_t i = 0; i < v->count; i++) {
    const char *glob = node_str(v->u.items[i]);
    int rc = glob ? wsconfig_add_results(self, glob) : FACET_EINVAL;

    if (rc) {
      snprintf(why, size, "results[%u] is not a glob relative to the "
               "workspace root", i);
      return rc;
    }
  }
  return 0;
}

int
wsconfig_read(struct wsconfig *self, const char *root, char *why,
              size_t size)
{
  char path[PATHGLOB_PATH_MAX];
  struct arena arena;
  struct diag_list diags;
  struct source src;
  struct node *tree = NULL;
  char *text = NULL;
  size_t len = 0;
  size_t full = 0;
  int rc;

  snprintf(why, size, "%s", "");
  if ((size_t)snprintf(path, sizeof path, "%s/%s", root ? root : ".",
                       WSCONFIG_FILE) >= sizeof path)
    return 0;
  rc = fileio_read(path, WSCONFIG_BYTES_MAX, &text, &len, &full);
  if (rc == FACET_ENOENT || rc == FACET_ENOTDIR)
    return 0;
  if (rc) {
    snprintf(why, size, "could not read %s: %s", path, facet_strerror(rc));
    return rc;
  }
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  rc = source_init(&src, text, len);
  if (rc == 0)
    rc = yaml_parse(&arena, &src, span_make(0, (uint32_t)len), &diags,
                    &tree);
  if (rc == 0 && diags.count) {
    snprintf(why, size, "%s does not parse: %s", path,
             diags.items[0].message);
    rc = FACET_EINVAL;
  } else if (rc == 0 && node_get_key(tree, "results")) {
    rc = wsconfig__results(self, node_get(tree, "results"), why, size);
  }
  source_release(&src);
  diag_list_release(&diags);
  arena_release(&arena);
  free(text);
  return rc;
}
