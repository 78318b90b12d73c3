/*
 * Workspace lookups for crystallise: the promptfoo config the index says
 * runs a prompt, and what the files at the root say of the workspace (its
 * language for code, its test runner, its schema folder).
 */
#include "crystallise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

char *
crystallise_relative(const char *root, const char *path)
{
  size_t n = strlen(root);

  while (n > 1 && root[n - 1] == '/')
    n--;
  if (n == 1 && root[0] == '/')
    return path[0] == '/' ? strdup(path + 1) : NULL;
  if (strncmp(path, root, n) != 0 || (path[n] != '/' && path[n] != '\0'))
    return NULL;
  return strdup(path[n] == '/' ? path + n + 1 : path + n);
}

/* How many leading folders a and b share. */
static size_t
crystallise__shared(const char *a, const char *b)
{
  size_t n = 0;

  for (size_t i = 0; a[i] && a[i] == b[i]; i++)
    n += a[i] == '/';
  return n;
}

struct crystallise_made {
  enum crystal_target target;
  uint64_t hash;
  const char *file;
};

static void
crystallise__made(const struct evrecord_ref *r, void *ctx)
{
  struct crystallise_made *m = ctx;
  enum provenance_kind kind = (enum provenance_kind)r->rec->kind;
  bool same;

  switch (m->target) {
  case CRYSTAL_SCHEMA:
    same = kind == PROVENANCE_SCHEMA;
    break;
  case CRYSTAL_EVAL:
    same = kind == PROVENANCE_TEST || kind == PROVENANCE_EVALUATOR;
    break;
  default:
    same = kind == PROVENANCE_CODE;
    break;
  }
  if (same && r->rec->hash == m->hash && !m->file)
    m->file = r->file;
}

const char *
crystallise_made_already(const struct evalgraph *graph, const char *prompt,
                         enum crystal_target target, uint64_t hash)
{
  struct crystallise_made m = { target, hash, NULL };

  evalgraph_records_of_prompt(graph, prompt, crystallise__made, &m);
  return m.file;
}

struct crystallise_links {
  const struct source *src;
  const char *root;
  int (*read)(void *ctx, const char *path, char **text, size_t *len);
  void *ctx;
  struct crystal_schema_link *out;
  size_t n;
  size_t max;
};

static void
crystallise__link(const struct evrecord_ref *r, void *ctx)
{
  struct crystallise_links *g = ctx;
  struct provenance p = { .kind = PROVENANCE_SCHEMA,
                          .first_line = r->rec->first_line,
                          .last_line = r->rec->last_line,
                          .hash = r->rec->hash };
  struct crystal_schema_link *l;
  char *text = NULL;
  size_t len;
  uint32_t first, last;

  if (r->rec->kind != PROVENANCE_SCHEMA || g->n == g->max ||
      p.first_line == 0 || p.last_line < p.first_line ||
      provenance_locate(g->src, &p, &first, &last) == PROVENANCE_CHANGED)
    return;
  for (size_t i = 0; i < g->n; i++)
    if (g->out[i].first_line == first && g->out[i].last_line == last)
      return;
  l = &g->out[g->n];
  l->path = crystallise_relative(g->root, r->file);
  if (!l->path || g->read(g->ctx, r->file, &text, &len) != 0) {
    free((char *)l->path);
    free(text);
    return;
  }
  l->text = text;
  l->first_line = first;
  l->last_line = last;
  g->n++;
}

size_t
crystallise_schema_links(const struct evalgraph *graph, const char *prompt,
                         const struct source *src, const char *root,
                         int (*read)(void *ctx, const char *path,
                                     char **text, size_t *len),
                         void *ctx, struct crystal_schema_link *out,
                         size_t max)
{
  struct crystallise_links g = { src, root, read, ctx, out, 0, max };

  evalgraph_records_of_prompt(graph, prompt, crystallise__link, &g);
  return g.n;
}

void
crystallise_schema_links_free(struct crystal_schema_link *links, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free((char *)links[i].path);
    free((char *)links[i].text);
  }
}

struct crystallise_nearest {
  const char *prompt;
  const char *best;
  size_t shared;
};

static void
crystallise__nearest(const char *config, void *ctx)
{
  struct crystallise_nearest *n = ctx;
  size_t shared = crystallise__shared(config, n->prompt);

  if (!n->best || shared > n->shared) {
    n->best = config;
    n->shared = shared;
  }
}

const char *
crystallise_config_of(const struct evalgraph *graph, const char *prompt)
{
  struct crystallise_nearest n = { prompt, NULL, 0 };

  evalgraph_configs_of_prompt(graph, prompt, crystallise__nearest, &n);
  return n.best;
}

static bool
crystallise__exists(const char *root, const char *name)
{
  struct stat st;
  char *path = malloc(strlen(root) + strlen(name) + 2);
  bool yes;

  if (!path)
    return false;
  strcpy(path, root);
  strcat(path, "/");
  strcat(path, name);
  yes = stat(path, &st) == 0;
  free(path);
  return yes;
}

enum crystal_lang
crystallise_language(const char *root)
{
  static const char *const python[] = {
    "pyproject.toml", "requirements.txt", "setup.py", "setup.cfg",
    "Pipfile",
  };

  if (!root)
    return CRYSTAL_PYTHON;
  if (crystallise__exists(root, "tsconfig.json"))
    return CRYSTAL_TYPESCRIPT;
  for (size_t i = 0; i < sizeof python / sizeof python[0]; i++)
    if (crystallise__exists(root, python[i]))
      return CRYSTAL_PYTHON;
  return crystallise__exists(root, "package.json") ? CRYSTAL_TYPESCRIPT
                                            : CRYSTAL_PYTHON;
}

enum crystal_runner
crystallise_runner(const char *root)
{
  char *path = root ? malloc(strlen(root) + sizeof "/package.json") : NULL;
  char *text = NULL;
  size_t len = 0;
  size_t size = 0;
  enum crystal_runner r = CRYSTAL_RUNNER_NODE;

  if (!path)
    return r;
  strcpy(path, root);
  strcat(path, "/package.json");
  if (fileio_read(path, CRYSTALLISE_READ_MAX, &text, &len, &size) == 0) {
    if (memmem(text, len, "\"vitest\"", 8))
      r = CRYSTAL_RUNNER_VITEST;
    else if (memmem(text, len, "\"jest\"", 6))
      r = CRYSTAL_RUNNER_JEST;
  }
  free(text);
  free(path);
  return r;
}

/* Whether root/dir/name is a folder. */
static bool
crystallise__is_dir(const char *root, const char *dir, const char *name)
{
  char *path = malloc(strlen(root) + strlen(dir) + strlen(name) + 3);
  struct stat st;
  bool yes;

  if (!path)
    return false;
  sprintf(path, "%s/%s%s%s", root, dir, dir[0] ? "/" : "", name);
  yes = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
  free(path);
  return yes;
}

char *
crystallise_schema_dir(const char *root, const char *prompt)
{
  static const char *const names[] = { "schemas", "schema" };
  char *dir = root && prompt ? strdup(prompt) : NULL;
  char *slash = dir ? strrchr(dir, '/') : NULL;
  char *found = NULL;

  if (!dir)
    return NULL;
  if (slash)
    *slash = '\0';
  else
    dir[0] = '\0';
  for (;;) {
    for (size_t i = 0; !found && i < sizeof names / sizeof names[0]; i++)
      if (crystallise__is_dir(root, dir, names[i]) &&
          (found = malloc(strlen(dir) + strlen(names[i]) + 2)) != NULL)
        sprintf(found, "%s%s%s", dir, dir[0] ? "/" : "", names[i]);
    if (found || !dir[0])
      break;
    slash = strrchr(dir, '/');
    if (slash)
      *slash = '\0';
    else
      dir[0] = '\0';
  }
  free(dir);
  return found;
}
