/*
 * Workspace lookups for crystallise: a walk of the root that finds the
 * promptfoo configs and what prompts they run, and the provenance records
 * files carry.
 *
 * Limitation: the workspace index will replace this walk (see
 * crystallise.h); keep it self-contained so that it can be swapped out.
 */
#include "crystallise.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "arena.h"
#include "artifact.h"
#include "error.h"
#include "fileio.h"
#include "log.h"
#include "tree.h"
#include "vec.h"
#include "walk.h"

struct scan_ctx {
  struct crystallise_scan *out;
  const struct crystallise_files *files;
  int rc;
};

void
crystallise_scan_init(struct crystallise_scan *self)
{
  memset(self, 0, sizeof *self);
}

void
crystallise_scan_release(struct crystallise_scan *self)
{
  for (size_t i = 0; i < self->nlinks; i++) {
    free(self->links[i].path);
    free(self->links[i].prompt);
    free(self->links[i].label);
  }
  for (size_t i = 0; i < self->nconfigs; i++) {
    for (size_t k = 0; k < self->configs[i].nprompts; k++)
      free(self->configs[i].prompts[k]);
    free(self->configs[i].prompts);
    free(self->configs[i].path);
  }
  free(self->links);
  free(self->configs);
  free(self->root);
  memset(self, 0, sizeof *self);
}

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

/* dir/rel cleaned, relative to the root; new string. */
static char *
scan__resolve(const char *dir, const char *rel)
{
  struct arena a;
  char *joined;
  char *clean;
  char *out;

  arena_init(&a, 0);
  joined = rel[0] == '/' ? (char *)rel : crystal_path_join(&a, dir, rel);
  clean = joined ? crystal_path_clean(&a, joined) : NULL;
  out = clean ? strdup(clean) : NULL;
  arena_release(&a);
  return out;
}

/* Extensions of files that may hold a record or be a promptfoo config;
 * a .prompt.yml holds its own records, read with its analysis. */
bool
crystallise_candidate(const char *path)
{
  static const char *const exts[] = {
    ".json", ".yaml", ".yml", ".py", ".ts", ".js", ".mjs",
  };
  size_t n = strlen(path);

  if ((n > 11 && strcasecmp(path + n - 11, ".prompt.yml") == 0) ||
      (n > 12 && strcasecmp(path + n - 12, ".prompt.yaml") == 0))
    return false;
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    size_t m = strlen(exts[i]);

    if (n > m && strcasecmp(path + n - m, exts[i]) == 0)
      return true;
  }
  return false;
}

/* The link that already holds this fragment's records from rel. */
static struct crystallise_link *
scan__same(struct crystallise_scan *s, const char *rel, const char *prompt,
           const struct provenance *p)
{
  for (size_t i = 0; prompt && i < s->nlinks; i++) {
    struct crystallise_link *l = &s->links[i];

    if (l->record.hash == p->hash && l->record.kind == p->kind &&
        strcmp(l->path, rel) == 0 && l->prompt &&
        strcmp(l->prompt, prompt) == 0)
      return l;
  }
  return NULL;
}

/* Records one link; the tests of one fragment in one file merge. */
static void
scan__link(struct scan_ctx *x, const char *rel, const struct provenance *p)
{
  struct crystallise_scan *s = x->out;
  char *dir = strdup(rel);
  char *slash = dir ? strrchr(dir, '/') : NULL;
  char *prompt;
  struct crystallise_link *l;
  size_t cap = s->nlinks;

  if (!dir)
    return;
  if (slash)
    *slash = '\0';
  else
    dir[0] = '\0';
  prompt = scan__resolve(dir, p->prompt);
  free(dir);
  if ((l = scan__same(s, rel, prompt, p)) != NULL) {
    l->tests += p->kind == PROVENANCE_TEST;
    free(prompt);
    return;
  }
  if (!prompt || vec_reserve((void **)&s->links, &cap, s->nlinks,
                             sizeof *s->links, SIZE_MAX / sizeof *s->links)) {
    free(prompt);
    return;
  }
  l = &s->links[s->nlinks++];
  memset(l, 0, sizeof *l);
  l->path = strdup(rel);
  l->prompt = prompt;
  l->label = p->label ? strdup(p->label) : NULL;
  l->record = *p;
  l->record.prompt = l->prompt;
  l->record.label = l->label;
  l->tests = p->kind == PROVENANCE_TEST;
}

/* A prompts entry as a path: "file://x.j2", "x.txt", {id: ...}; NULL for
 * inline text and for prompt functions. */
static const char *
scan__prompt_path(const struct node *entry)
{
  const char *s = node_str(entry);

  if (!s) {
    s = node_str(node_get(entry, "id"));
    if (!s)
      s = node_str(node_get(entry, "path"));
  }
  if (!s || strchr(s, '\n') || strchr(s, '{'))
    return NULL;
  if (strncmp(s, "file://", 7) == 0)
    return s + 7;
  /* A bare path runs when the file exists; text with spaces is inline. */
  return strchr(s, ' ') || !strchr(s, '.') ? NULL : s;
}

static void
scan__config(struct scan_ctx *x, const char *rel, const struct artifact *a)
{
  struct crystallise_scan *s = x->out;
  const struct node *prompts = node_resolve(node_get(a->root, "prompts"));
  char *dir = strdup(rel);
  char *slash = dir ? strrchr(dir, '/') : NULL;
  struct crystallise_config *cfg;
  size_t cap = s->nconfigs;
  uint32_t n;

  if (!dir || vec_reserve((void **)&s->configs, &cap, s->nconfigs,
                          sizeof *s->configs, SIZE_MAX / sizeof *s->configs))
    goto out;
  if (slash)
    *slash = '\0';
  else
    dir[0] = '\0';
  cfg = &s->configs[s->nconfigs++];
  memset(cfg, 0, sizeof *cfg);
  cfg->path = strdup(rel);
  n = prompts && prompts->kind == NODE_SEQ ? prompts->count : 1;
  cfg->prompts = calloc(n, sizeof *cfg->prompts);
  for (uint32_t i = 0; cfg->prompts && i < n; i++) {
    const char *p = scan__prompt_path(prompts && prompts->kind == NODE_SEQ
                                        ? prompts->u.items[i] : prompts);
    char *path = p ? strndup(p, strcspn(p, ":")) : NULL;

    /* "prompts.py:fn" names a function in a file. */
    if (path && (strstr(path, ".py") || strstr(path, ".js")))
      continue;
    if (path)
      cfg->prompts[cfg->nprompts++] = scan__resolve(dir, path);
    free(path);
  }
out:
  free(dir);
}

static int
scan__file(const char *path, bool explicit, void *ctx)
{
  struct scan_ctx *x = ctx;
  char *rel = crystallise_relative(x->out->root, path);
  char *text = NULL;
  size_t len = 0;
  struct artifact *a;
  bool mark;

  (void)explicit;
  if (!rel || !crystallise_candidate(path) ||
      x->out->files >= CRYSTALLISE_FILES_MAX ||
      x->files->read(x->files->ctx, path, &text, &len)) {
    free(rel);
    return 0;
  }
  x->out->files++;
  mark = memmem(text, len, PROVENANCE_MARK, strlen(PROVENANCE_MARK));
  if (!mark && !memmem(text, len, "prompts", 7)) {
    free(text);
    free(rel);
    return 0;
  }
  a = artifact_analyze(path, text, len, NULL);
  for (size_t i = 0; a && i < a->nrecords; i++)
    scan__link(x, rel, &a->records[i]);
  if (a && a->format == FORMAT_PROMPTFOO && a->root)
    scan__config(x, rel, a);
  artifact_free(a);
  free(text);
  free(rel);
  return 0;
}

static int
scan__error(const char *path, int err, void *ctx)
{
  (void)ctx;
  log_debug("crystallise: skipping %s while looking for links: %s", path,
            facet_strerror(err));
  return 0;
}

int
crystallise_scan(const char *root, const struct crystallise_files *files,
                 struct crystallise_scan *out)
{
  struct scan_ctx x = { out, files, 0 };

  out->root = strdup(root);
  if (!out->root)
    return FACET_ENOMEM;
  walk_path(root, scan__file, scan__error, &x);
  return x.rc;
}

bool
crystallise_config_runs(const struct crystallise_config *cfg,
                        const char *prompt)
{
  for (size_t i = 0; i < cfg->nprompts; i++) {
    const char *p = cfg->prompts[i];

    if (!p)
      continue;
    if (strcmp(p, prompt) == 0 ||
        (strpbrk(p, "*?[") && fnmatch(p, prompt, 0) == 0))
      return true;
  }
  return false;
}

/* How many leading folders a and b share. */
static size_t
scan__shared(const char *a, const char *b)
{
  size_t n = 0;

  for (size_t i = 0; a[i] && a[i] == b[i]; i++)
    n += a[i] == '/';
  return n;
}

const struct crystallise_config *
crystallise_config_for(const struct crystallise_scan *scan,
                       const char *prompt)
{
  const struct crystallise_config *best = NULL;
  size_t best_shared = 0;

  for (size_t i = 0; i < scan->nconfigs; i++) {
    const struct crystallise_config *cfg = &scan->configs[i];
    size_t shared = scan__shared(cfg->path, prompt);

    if (!crystallise_config_runs(cfg, prompt))
      continue;
    if (!best || shared > best_shared) {
      best = cfg;
      best_shared = shared;
    }
  }
  return best;
}

size_t
crystallise_links_for(const struct crystallise_scan *scan, const char *prompt,
                      const struct crystallise_link **out, size_t max)
{
  size_t n = 0;

  for (size_t i = 0; i < scan->nlinks && n < max; i++)
    if (scan->links[i].path && strcmp(scan->links[i].prompt, prompt) == 0)
      out[n++] = &scan->links[i];
  return n;
}

static bool
scan__exists(const char *root, const char *name)
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
  if (scan__exists(root, "tsconfig.json"))
    return CRYSTAL_TYPESCRIPT;
  for (size_t i = 0; i < sizeof python / sizeof python[0]; i++)
    if (scan__exists(root, python[i]))
      return CRYSTAL_PYTHON;
  return scan__exists(root, "package.json") ? CRYSTAL_TYPESCRIPT
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
scan__is_dir(const char *root, const char *dir, const char *name)
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
      if (scan__is_dir(root, dir, names[i]) &&
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
