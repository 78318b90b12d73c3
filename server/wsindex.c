#include "wsindex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <json-c/json.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uriparser/Uri.h>

#include "detect.h"
#include "error.h"
#include "evalfile.h"
#include "fileio.h"
#include "pathglob.h"
#include "provenance.h"
#include "tree.h"
#include "walk.h"

static bool
wsindex__inside(const char *root, const char *path)
{
  size_t n = strlen(root);

  return strncmp(path, root, n) == 0 &&
         (path[n] == '/' || path[n] == '\0' || (n == 1 && root[0] == '/'));
}

/* A YAML file's value as JSON text (promptfoo reads a file:// value by
 * its extension), or NULL when it does not parse. */
static char *
wsindex__yaml_as_json(const char *text, size_t len)
{
  struct arena arena;
  struct diag_list diags;
  struct source src;
  struct node *root = NULL;
  struct json_object *json = NULL;
  size_t budget = NODE_JSON_BUDGET_DEFAULT;
  char *out = NULL;
  bool broken = false;

  if (source_init(&src, text, len))
    return NULL;
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  if (yaml_parse(&arena, &src, span_make(0, (uint32_t)src.len), &diags,
                 &root) == 0) {
    for (size_t i = 0; i < diags.count && !broken; i++)
      broken = diags.items[i].severity == SEVERITY_ERROR;
    if (!broken && (json = node_to_json(root, &budget)) != NULL)
      out = strdup(json_object_to_json_string_ext(json,
                                                  JSON_C_TO_STRING_PLAIN));
    else if (!broken && budget)
      out = strdup("null");
  }
  json_object_put(json);
  diag_list_release(&diags);
  arena_release(&arena);
  source_release(&src);
  return out;
}

static bool
wsindex__yaml_name(const char *path)
{
  size_t n = strlen(path);

  return (n > 5 && strcasecmp(path + n - 5, ".yaml") == 0) ||
         (n > 4 && strcasecmp(path + n - 4, ".yml") == 0);
}

/* Whether path (which may not exist) is inside a root: the nearest
 * folder above it that exists, links resolved, is. */
static bool
wsindex__inside_graph(void *ctx, const char *path)
{
  const struct wsindex *self = ctx;
  char at[PATH_MAX];
  char real[PATH_MAX];
  char *slash;

  if (strlen(path) >= sizeof at)
    return false;
  strcpy(at, path);
  while (!realpath(at, real)) {
    slash = strrchr(at, '/');
    if (slash == at)
      return false;
    if (!slash)
      strcpy(at, ".");  /* relative: the current folder */
    else
      *slash = '\0';
  }
  for (size_t i = 0; i < self->nroots; i++)
    if (wsindex__inside(self->roots[i], real))
      return true;
  return false;
}

/* The graph's reader: a file of the workspace (links resolved, so none
 * leads out of it), within the size limit files are analysed under. */
static char *
wsindex__read_for_graph(void *ctx, const char *path, size_t *len, char *why,
                        size_t size)
{
  const struct wsindex *self = ctx;
  size_t max = self->max_bytes ? self->max_bytes : ANALYZE_MAX_BYTES_DEFAULT;
  char real[PATH_MAX];
  char *text = NULL;
  size_t whole = 0;
  bool inside = false;
  int rc;

  if (!realpath(path, real)) {
    snprintf(why, size, "%s", wsindex__inside_graph(ctx, path)
                                ? "it does not exist"
                                : "it is outside the workspace");
    return NULL;
  }
  for (size_t i = 0; i < self->nroots && !inside; i++)
    inside = wsindex__inside(self->roots[i], real);
  if (!inside) {
    snprintf(why, size, "it is outside the workspace");
    return NULL;
  }
  rc = fileio_read(real, max + 1, &text, len, &whole);
  if (rc == 0 && whole > max) {
    free(text);
    snprintf(why, size, "it is %zu bytes, over the %zu-byte limit", whole,
             max);
    return NULL;
  }
  if (rc) {
    snprintf(why, size, "%s", facet_strerror(rc));
    return NULL;
  }
  if (wsindex__yaml_name(real)) {
    char *json = wsindex__yaml_as_json(text, *len);

    free(text);
    if (!json) {
      snprintf(why, size, "it does not parse as YAML");
      return NULL;
    }
    *len = strlen(json);
    return json;
  }
  return text;
}

int
wsindex_init(struct wsindex *self)
{
  struct evalgraph_io io;

  memset(self, 0, sizeof *self);
  wsconfig_init(&self->config);
  self->graph = evalgraph_new();
  if (!self->graph)
    return FACET_ENOMEM;
  io.read = wsindex__read_for_graph;
  io.ctx = self;
  io.inside = wsindex__inside_graph;
  evalgraph_set_io(self->graph, &io);
  return 0;
}

int
wsindex_add_root(struct wsindex *self, const char *path)
{
  char real[PATH_MAX];
  struct stat st;
  char **grown;
  char *slash;

  if (!path || !realpath(path, real) || stat(real, &st) != 0)
    return 0;
  if (!S_ISDIR(st.st_mode) && (slash = strrchr(real, '/')) != NULL)
    *(slash == real ? slash + 1 : slash) = '\0';
  for (size_t i = 0; i < self->nroots; i++)
    if (strcmp(self->roots[i], real) == 0)
      return 0;
  grown = realloc(self->roots, (self->nroots + 1) * sizeof *grown);
  if (!grown)
    return FACET_ENOMEM;
  self->roots = grown;
  if (!(self->roots[self->nroots] = strdup(real)))
    return FACET_ENOMEM;
  self->nroots++;
  return 0;
}

void
wsindex_release(struct wsindex *self)
{
  evalgraph_free(self->graph);
  wsconfig_release(&self->config);
  self->graph = NULL;
  for (size_t i = 0; i < self->nroots; i++)
    free(self->roots[i]);
  free(self->roots);
  self->roots = NULL;
  self->nroots = 0;
}

bool
wsindex_normal(const char *path, char *out)
{
  return pathglob_normalize(path, out, PATHGLOB_PATH_MAX);
}

/*
 * The file: URI of path, which its relative $refs resolve against, or
 * NULL; freed by the caller. Relative paths are taken from the current
 * folder, without resolving links: facet check's paths are the user's.
 */
static char *
wsindex__uri(const char *path)
{
  static char cwd[PATH_MAX];
  char *abs;
  char *uri;

  if (path[0] != '/' && !cwd[0] && !getcwd(cwd, sizeof cwd))
    return NULL;
  if (asprintf(&abs, "%s%s%s", path[0] == '/' ? "" : cwd,
               path[0] == '/' ? "" : "/", path) < 0)
    return NULL;
  uri = malloc(strlen(abs) * 3 + 8);
  if (uri && uriUnixFilenameToUriStringA(abs, uri) != URI_SUCCESS) {
    free(uri);
    uri = NULL;
  }
  free(abs);
  return uri;
}

/* Whether path is code the index reads only for a provenance record. */
static bool
wsindex__code(const char *path, enum artifact_format format)
{
  enum artifact_syntax syntax;

  return format == FORMAT_NONE && provenance_code_file(path) &&
         detect_by_name(path, &syntax) == FORMAT_NONE;
}

struct artifact *
wsindex_read(const char *path, enum artifact_format format, size_t max_bytes,
             const struct wsindex_analysis *an, int *err)
{
  struct analyze_options opts = { 0 };
  struct artifact *a;
  struct stat st;
  char *text = NULL;
  char *uri = NULL;
  char *companion = NULL;
  size_t len = 0;
  size_t size = 0;

  if (!max_bytes)
    max_bytes = ANALYZE_MAX_BYTES_DEFAULT;
  if (wsindex__code(path, format)) {
    /* Only the top of code is read: where a validator's record is. */
    *err = fileio_read(path, WSINDEX_CODE_HEAD, &text, &len, &size);
    if (*err)
      return NULL;
    if (size > len)
      while (len > 0 && text[len - 1] != '\n')
        text[--len] = '\0';
    size = len;
  } else {
    *err = fileio_read(path, max_bytes + 1, &text, &len, &size);
    if (*err)
      return NULL;
  }
  opts.max_bytes = max_bytes;
  opts.file_size = size;
  opts.format = format;
  if (an) {
    opts.provider = an->provider;
    if (an->providers)
      opts.provider = (enum schema_provider)overrides_lookup(
        an->providers, an->root, path, (int)an->provider);
    opts.schema_files = an->schema_files;
    if (an->schema_files)
      opts.uri = uri = wsindex__uri(path);
  }
  if (fileio_read_companion(path, &companion, &opts.companion_len))
    opts.companion = companion;
  /* The artifact takes the buffer over and frees it when it is freed. */
  a = artifact_analyze_shared(path, text, len, &opts, free, text);
  free(uri);
  free(companion);
  if (!a) {
    free(text);
    *err = FACET_ENOMEM;
    return NULL;
  }
  if (a->evals && stat(path, &st) == 0)
    a->evals->file_time = (int64_t)st.st_mtime;
  return a;
}

enum artifact_format
wsindex_assumed(const struct wsindex *self, const char *path)
{
  return self->formats ? overrides_match(self->formats, self->root, path)
                       : FORMAT_NONE;
}

bool
wsindex_candidate(const struct wsindex *self, const char *path)
{
  enum artifact_syntax syntax;

  if (wsindex_assumed(self, path) != FORMAT_NONE)
    return true;
  /* Code is read for the record a validator crystallise made keeps. */
  return detect_by_name(path, &syntax) != FORMAT_NONE ||
         syntax != SYNTAX_TEXT || provenance_code_file(path);
}

struct evalfile *
wsindex_summary(const struct artifact *a)
{
  /* A file that is no artifact has a summary only for its records. */
  return a && a->evals && (a->format != FORMAT_NONE || a->evals->nrecords)
           ? a->evals : NULL;
}

int
wsindex_put(struct wsindex *self, const char *path, const struct artifact *a)
{
  char norm[PATHGLOB_PATH_MAX];

  if (!wsindex_normal(path, norm))
    return 0;  /* a path too long to resolve is left out */
  if (a && a->refused_size)
    return evalgraph_set_too_large(self->graph, norm, a->refused_size,
                                   a->refused_limit);
  if (wsindex_summary(a))
    return evalgraph_set(self->graph, norm, a->evals);
  return evalgraph_add_path(self->graph, norm);
}

struct wsindex_globs {
  const struct wsindex *self;
  const char *root;
  void (*fn)(const char *, enum artifact_format, void *);
  void *ctx;
  size_t root_len;
};

static int
wsindex__glob_file(const char *path, bool explicit, void *ctx)
{
  struct wsindex_globs *g = ctx;
  char norm[PATHGLOB_PATH_MAX];
  const char *rel;

  (void)explicit;
  if (!wsindex_normal(path, norm))
    return 0;
  rel = norm;
  if (g->root_len && strncmp(norm, g->root, g->root_len) == 0 &&
      norm[g->root_len] == '/')
    rel = norm + g->root_len + 1;
  for (size_t i = 0; i < g->self->config.nresults; i++)
    if (pathglob_match(g->self->config.results[i], rel)) {
      if (!evalgraph_summary(g->self->graph, norm))
        g->fn(norm, FORMAT_NONE, g->ctx);
      break;
    }
  return 0;
}

static int
wsindex__glob_error(const char *path, int err, void *ctx)
{
  (void)path;
  (void)err;
  (void)ctx;
  return 0;  /* a results folder that is not there yet is no error */
}

/* Walks the literal folder of each results glob, ignored files too. */
static void
wsindex__results_globs(struct wsindex_globs *g)
{
  char norm_root[PATHGLOB_PATH_MAX];

  if (!wsindex_normal(g->root ? g->root : ".", norm_root))
    return;
  g->root = norm_root;
  g->root_len = strcmp(norm_root, ".") == 0 ? 0 : strlen(norm_root);
  for (size_t i = 0; i < g->self->config.nresults; i++) {
    char dir[PATHGLOB_PATH_MAX];
    char full[2 * PATHGLOB_PATH_MAX + 2];
    bool dup = false;

    if (!pathglob_literal_dir(g->self->config.results[i], dir, sizeof dir))
      continue;
    /* Globs under one folder share a walk. */
    for (size_t k = 0; k < i && !dup; k++) {
      char other[PATHGLOB_PATH_MAX];

      dup = pathglob_literal_dir(g->self->config.results[k], other,
                                 sizeof other) && strcmp(other, dir) == 0;
    }
    if (dup)
      continue;
    if (g->root_len)
      snprintf(full, sizeof full, "%s%s%s", norm_root, *dir ? "/" : "", dir);
    else
      snprintf(full, sizeof full, "%s", *dir ? dir : ".");
    walk_path_unignored(full, wsindex__glob_file, wsindex__glob_error, g);
  }
}

struct wsindex_results {
  const struct wsindex *self;
  void (*fn)(const char *, enum artifact_format, void *);
  void *ctx;
  bool globs;
};

static int
wsindex__found(const char *path, bool explicit, void *ctx)
{
  struct wsindex_results *r = ctx;
  char norm[PATHGLOB_PATH_MAX];

  (void)explicit;
  if (wsindex_normal(path, norm) &&
      !evalgraph_has(r->self->graph, norm))
    r->fn(norm, FORMAT_NONE, r->ctx);
  return 0;
}

/*
 * A reference that resolves to no file the index knows may name one it
 * was not given: outputPath's results where git ignores them, a sibling
 * of the one file facet check was given, a file outside the workspace.
 * The disk decides; a glob's folder is walked (in the first round only).
 */
static void
wsindex__unresolved(const char *path, bool glob, void *ctx)
{
  struct wsindex_results *r = ctx;
  struct stat st;
  char dir[PATHGLOB_PATH_MAX];

  if (!glob) {
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
      r->fn(path, FORMAT_NONE, r->ctx);
    return;
  }
  if (r->globs && pathglob_literal_dir(path, dir, sizeof dir) && dir[0] &&
      stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
    walk_path(dir, wsindex__found, wsindex__glob_error, r);
}

void
wsindex_each_wanted(const struct wsindex *self, const char *root, bool globs,
                    void (*fn)(const char *, enum artifact_format, void *),
                    void *ctx)
{
  struct wsindex_results r = { self, fn, ctx, globs };
  struct wsindex_globs g = { self, root, fn, ctx, 0 };

  evalgraph_each_wanted(self->graph, fn, ctx);
  evalgraph_each_unresolved(self->graph, EVREF__COUNT, wsindex__unresolved,
                            &r);
  if (globs && self->config.nresults)
    wsindex__results_globs(&g);
}

void
wsindex_each_wanted_by(const struct wsindex *self, const char *path,
                       void (*fn)(const char *, enum artifact_format, void *),
                       void *ctx)
{
  struct wsindex_results r = { self, fn, ctx, false };

  evalgraph_each_wanted_by(self->graph, path, fn, ctx);
  evalgraph_each_unresolved_by(self->graph, path, wsindex__unresolved, &r);
}

struct wsindex_load {
  struct wsindex *self;
  wsindex_file_fn on_file;
  void *ctx;
  int rc;
  char **wanted;
  enum artifact_format *formats;
  size_t nwanted;
  size_t cap;
};

static void
wsindex__analyse(struct wsindex_load *l, const char *path, bool explicit,
                 enum artifact_format format)
{
  int err = 0;
  struct artifact *a = wsindex_read(path, format, l->self->max_bytes,
                                    &l->self->analysis, &err);

  if (wsindex_put(l->self, path, a))
    l->rc = FACET_ENOMEM;
  if (l->on_file && (a || err))
    l->on_file(l->ctx, path, explicit, a, err);
  artifact_free(a);
}

static int
wsindex__walk_file(const char *path, bool explicit, void *ctx)
{
  struct wsindex_load *l = ctx;

  if (explicit || wsindex_candidate(l->self, path))
    wsindex__analyse(l, path, explicit, wsindex_assumed(l->self, path));
  else if (wsindex_put(l->self, path, NULL))
    l->rc = FACET_ENOMEM;
  return l->rc;
}

static int
wsindex__walk_error(const char *path, int err, void *ctx)
{
  struct wsindex_load *l = ctx;

  if (l->on_file)
    l->on_file(l->ctx, path, true, NULL, err);
  return 0;
}

static void
wsindex__want(const char *path, enum artifact_format format, void *ctx)
{
  struct wsindex_load *l = ctx;

  for (size_t i = 0; i < l->nwanted; i++)
    if (strcmp(l->wanted[i], path) == 0)
      return;
  if (l->nwanted == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 16;
    char **w = realloc(l->wanted, cap * sizeof *w);
    enum artifact_format *f = w ? realloc(l->formats, cap * sizeof *f)
                                : NULL;

    if (w)
      l->wanted = w;
    if (!w || !f) {
      l->rc = FACET_ENOMEM;
      return;
    }
    l->formats = f;
    l->cap = cap;
  }
  if (!(l->wanted[l->nwanted] = strdup(path))) {
    l->rc = FACET_ENOMEM;
    return;
  }
  l->formats[l->nwanted++] = format;
}

int
wsindex_load(struct wsindex *self, char *const *paths, size_t n,
             wsindex_file_fn on_file, void *ctx)
{
  struct wsindex_load l = { self, on_file, ctx, 0, NULL, NULL, 0, 0 };

  for (size_t i = 0; i < n && l.rc == 0; i++) {
    int rc = walk_path(paths[i], wsindex__walk_file, wsindex__walk_error,
                       &l);

    if (rc && !l.rc)
      l.rc = rc;
  }
  for (int round = 0; round < WSINDEX_ROUNDS_MAX && l.rc == 0; round++) {
    evalgraph_resolve(self->graph, NULL, NULL);
    l.nwanted = 0;
    wsindex_each_wanted(self, n ? paths[0] : ".", round == 0, wsindex__want,
                        &l);
    for (size_t i = 0; i < l.nwanted; i++) {
      wsindex__analyse(&l, l.wanted[i], false, l.formats[i]);
      free(l.wanted[i]);
    }
    if (l.nwanted == 0)
      break;
  }
  evalgraph_resolve(self->graph, NULL, NULL);
  free(l.wanted);
  free(l.formats);
  return l.rc;
}
