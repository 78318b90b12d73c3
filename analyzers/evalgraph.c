/*
 * The graph itself: files by path, their summaries, and their references
 * resolved to files. Resolution is incremental: a file is resolved again
 * when its summary changes, and when a file comes or goes whose path one
 * of its references names or one of its globs matches.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <xxhash.h>

#include "detect.h"
#include "error.h"
#include "evalgraph_internal.h"
#include "pathglob.h"
#include "vec.h"

/* Files one graph holds: far above any workspace facet indexes. */
#define EVALGRAPH_FILES_MAX ((size_t)1 << 24)

struct evalgraph *
evalgraph_new(void)
{
  return calloc(1, sizeof(struct evalgraph));
}

static void
evgraph__release_node(struct evnode *n)
{
  evalfile_unref(n->f);
  free(n->res);
  free(n->targets);
  free(n->in);
  free(n->path);
}

void
evalgraph_free(struct evalgraph *self)
{
  if (!self)
    return;
  for (size_t i = 0; i < self->nnodes; i++)
    evgraph__release_node(&self->nodes[i]);
  free(self->nodes);
  free(self->buckets);
  free(self->by_desc);
  free(self->by_vars);
  free(self->watches);
  free(self);
}

void
evalgraph_set_io(struct evalgraph *self, const struct evalgraph_io *io)
{
  self->has_io = io != NULL;
  if (io)
    self->io = *io;
}

static uint64_t
evgraph__hash(const char *path)
{
  return XXH3_64bits(path, strlen(path));
}

uint32_t
evgraph_find(const struct evalgraph *g, const char *path)
{
  uint64_t h;
  uint32_t i;

  if (!g->nbuckets || !path)
    return EVAL_NONE;
  h = evgraph__hash(path);
  for (i = g->buckets[h % g->nbuckets]; i != EVAL_NONE;
       i = g->nodes[i].next)
    if (g->nodes[i].hash == h && strcmp(g->nodes[i].path, path) == 0)
      return g->nodes[i].alive ? i : EVAL_NONE;
  return EVAL_NONE;
}

/* The node of path, alive or not, or EVAL_NONE. */
static uint32_t
evgraph__slot(const struct evalgraph *g, const char *path, uint64_t h)
{
  for (uint32_t i = g->nbuckets ? g->buckets[h % g->nbuckets] : EVAL_NONE;
       i != EVAL_NONE; i = g->nodes[i].next)
    if (g->nodes[i].hash == h && strcmp(g->nodes[i].path, path) == 0)
      return i;
  return EVAL_NONE;
}

static int
evgraph__rehash(struct evalgraph *g)
{
  size_t n = g->nbuckets ? g->nbuckets * 2 : 1024;
  uint32_t *b = malloc(n * sizeof *b);

  if (!b)
    return FACET_ENOMEM;
  memset(b, 0xff, n * sizeof *b);
  for (size_t i = 0; i < g->nnodes; i++) {
    size_t k = g->nodes[i].hash % n;

    g->nodes[i].next = b[k];
    b[k] = (uint32_t)i;
  }
  free(g->buckets);
  g->buckets = b;
  g->nbuckets = n;
  return 0;
}

static bool evgraph__resolve_path(const struct evalgraph *g, uint32_t i,
                                  const struct evref *r, char *out,
                                  size_t size);

/*
 * Marks dirty every file whose references may name path: those that
 * found it missing, and those with a glob that matches it. (A file that
 * goes away marks the files linked to it through its incoming links.)
 */
static void
evgraph__touch(struct evalgraph *g, const char *path)
{
  uint64_t h = evgraph__hash(path);
  size_t live = 0;

  for (size_t k = 0; k < g->nwatches; k++) {
    struct evwatch *w = &g->watches[k];
    struct evnode *n = &g->nodes[w->node];
    char glob[PATHGLOB_PATH_MAX];

    if (w->gen != n->gen || !n->alive || !n->f)
      continue;
    g->watches[live++] = *w;
    if (n->dirty)
      continue;
    if (w->hash)
      n->dirty = w->hash == h;
    else
      n->dirty = evgraph__resolve_path(g, w->node, &n->f->refs[w->ref], glob,
                                       sizeof glob) &&
                 pathglob_match(glob, path);
  }
  g->nwatches = live;
}

static void
evgraph__watch(struct evalgraph *g, uint32_t i, uint32_t r, uint64_t hash)
{
  if (vec_reserve((void **)&g->watches, &g->cap_watches, g->nwatches,
                  sizeof *g->watches, EVALGRAPH_FILES_MAX * 4))
    return;
  g->watches[g->nwatches].hash = hash;
  g->watches[g->nwatches].node = i;
  g->watches[g->nwatches].ref = r;
  g->watches[g->nwatches].gen = g->nodes[i].gen;
  g->nwatches++;
}

static int
evgraph__add(struct evalgraph *g, const char *path, uint32_t *out)
{
  uint64_t h = evgraph__hash(path);
  uint32_t i = evgraph__slot(g, path, h);
  struct evnode *n;

  if (i != EVAL_NONE) {
    if (!g->nodes[i].alive) {
      g->nodes[i].alive = true;
      evgraph__touch(g, path);
    }
    *out = i;
    return 0;
  }
  if ((g->nnodes + 1) * 2 > g->nbuckets && evgraph__rehash(g))
    return FACET_ENOMEM;
  if (vec_reserve((void **)&g->nodes, &g->cap_nodes, g->nnodes,
                  sizeof *g->nodes, EVALGRAPH_FILES_MAX))
    return FACET_ENOMEM;
  n = &g->nodes[g->nnodes];
  memset(n, 0, sizeof *n);
  n->path = strdup(path);
  if (!n->path)
    return FACET_ENOMEM;
  n->hash = h;
  n->alive = true;
  n->next = g->buckets[h % g->nbuckets];
  g->buckets[h % g->nbuckets] = (uint32_t)g->nnodes;
  *out = (uint32_t)g->nnodes++;
  evgraph__touch(g, path);
  return 0;
}

int
evalgraph_add_path(struct evalgraph *self, const char *path)
{
  uint32_t i;

  return evgraph__add(self, path, &i);
}

const struct evref *
evgraph_in_ref(const struct evalgraph *g, const struct evin *in)
{
  const struct evalfile *f = g->nodes[in->node].f;

  return f && in->ref < f->nrefs ? &f->refs[in->ref] : NULL;
}

/* Drops the references node i makes from the files they point at. */
static void
evgraph__unlink(struct evalgraph *g, uint32_t i)
{
  struct evnode *n = &g->nodes[i];

  for (size_t t = 0; t < n->ntargets; t++) {
    struct evnode *to = &g->nodes[n->targets[t]];

    for (size_t k = 0; k < to->nin;)
      if (to->in[k].node == i)
        to->in[k] = to->in[--to->nin];
      else
        k++;
  }
  n->ntargets = 0;
  free(n->res);
  n->res = NULL;
}

/*
 * Replaces node i's summary. Everything the graph derived from the old
 * one goes with it at once: its links (indexes into its references), its
 * watches, and the results keys (indexes into its cases). A query made
 * before the next resolve (a regrade, a lens, a diagnostic published from
 * a resolve's callback) then meets no link rather than one into a summary
 * that is gone.
 */
static void
evgraph__set_summary(struct evalgraph *g, uint32_t i, struct evalfile *f)
{
  struct evnode *n = &g->nodes[i];
  bool results = (n->f && n->f->tool != EVTOOL_NONE) ||
                 (f && f->tool != EVTOOL_NONE);
  bool names = (n->f && n->f->nnames) || (f && f->nnames);

  if (n->f && n->f->kind != ARTIFACT_NONE)
    g->nartifacts--;
  n->too_large = 0;
  /* The files it named lose a view of it: shown again at the resolve. */
  for (size_t t = 0; t < n->ntargets; t++)
    g->nodes[n->targets[t]].unlinked = true;
  evgraph__unlink(g, i);
  n->gen++;
  evalfile_unref(n->f);
  n->f = f ? evalfile_ref(f) : NULL;
  /* References by name resolve by what a file says, not by its path: the
   * files whose globs match it look again. */
  if (names)
    evgraph__touch(g, n->path);
  if (n->f && n->f->kind != ARTIFACT_NONE)
    g->nartifacts++;
  n->dirty = true;
  if (results) {
    free(g->by_desc);
    free(g->by_vars);
    g->by_desc = g->by_vars = NULL;
    g->nby_desc = g->nby_vars = 0;
    g->results_dirty = true;
    g->results_changed = true;
  }
}

void
evalgraph_remove_path(struct evalgraph *self, const char *path)
{
  uint32_t i = evgraph_find(self, path);

  if (i == EVAL_NONE)
    return;
  /* The files that named it resolve again, to nothing or to another; the
   * files it named lose a link into them, so they are shown again too. */
  for (size_t k = 0; k < self->nodes[i].nin; k++)
    self->nodes[self->nodes[i].in[k].node].dirty = true;
  for (size_t t = 0; t < self->nodes[i].ntargets; t++)
    self->nodes[self->nodes[i].targets[t]].dirty = true;
  evgraph__unlink(self, i);
  evgraph__set_summary(self, i, NULL);
  self->nodes[i].alive = false;
  self->nodes[i].dirty = false;
}

int
evalgraph_set(struct evalgraph *self, const char *path,
              struct evalfile *summary)
{
  uint32_t i;
  int rc = evgraph__add(self, path, &i);

  if (rc)
    return rc;
  evgraph__set_summary(self, i, summary);
  return 0;
}

int
evalgraph_set_too_large(struct evalgraph *self, const char *path,
                        size_t size, size_t limit)
{
  uint32_t i;
  int rc = evgraph__add(self, path, &i);

  if (rc)
    return rc;
  evgraph__set_summary(self, i, NULL);
  self->nodes[i].too_large = size;
  self->nodes[i].limit = limit;
  return 0;
}

const struct evalfile *
evalgraph_summary(const struct evalgraph *self, const char *path)
{
  uint32_t i = evgraph_find(self, path);

  return i == EVAL_NONE ? NULL : self->nodes[i].f;
}

bool
evalgraph_has(const struct evalgraph *self, const char *path)
{
  return evgraph_find(self, path) != EVAL_NONE;
}

size_t
evalgraph_count(const struct evalgraph *self, size_t *artifacts)
{
  size_t alive = 0;

  for (size_t i = 0; i < self->nnodes; i++)
    alive += self->nodes[i].alive;
  if (artifacts)
    *artifacts = self->nartifacts;
  return alive;
}

/* The first config that names test file node i, or i itself. */
static uint32_t
evgraph__base(const struct evalgraph *g, uint32_t i)
{
  const struct evnode *n = &g->nodes[i];

  if (!n->f || n->f->format != FORMAT_PROMPTFOO_TESTS)
    return i;
  for (size_t k = 0; k < n->nin; k++)
    if (g->nodes[n->in[k].node].f &&
        g->nodes[n->in[k].node].f->format == FORMAT_PROMPTFOO)
      return n->in[k].node;
  return i;
}

/*
 * The path reference r of node i names, resolved: against the folder of
 * the file (or, for a test file, of the config that reads it), or for
 * OpenAI samples against the registry's data folder.
 */
static bool
evgraph__resolve_path(const struct evalgraph *g, uint32_t i,
                      const struct evref *r, char *out, size_t size)
{
  const char *from = r->kind == EVREF_CRYSTALLISED
                       ? g->nodes[i].path
                       : g->nodes[evgraph__base(g, i)].path;
  char base[PATHGLOB_PATH_MAX];

  if (r->kind == EVREF_SPEC)
    /* Limitation: a modelgraded.yaml file, other registry paths and
     * aliases among specs are not looked at.
     * The registry loads every spec of the .yaml files in modelgraded/
     * (its top-level keys), as it loads evals from evals/ beside it. */
    return pathglob_resolve(g->nodes[i].path, "../modelgraded/*.yaml", out,
                            size);
  if (r->data_dir) {
    /* evals/registry/evals/x.yaml reads evals/registry/data/<path>. */
    if (!pathglob_resolve(from, "../data/_", base, sizeof base))
      return false;
    from = base;
  }
  return pathglob_resolve(from, r->path, out, size);
}

bool
evgraph_ref_path(const struct evalgraph *g, uint32_t i,
                 const struct evref *r, char *out, size_t size)
{
  return evgraph__resolve_path(g, i, r, out, size);
}

bool
evgraph_ref_inside(const struct evalgraph *g, uint32_t i,
                   const struct evref *r)
{
  char path[PATHGLOB_PATH_MAX];

  return g->has_io && g->io.inside &&
         evgraph__resolve_path(g, i, r, path, sizeof path) &&
         g->io.inside(g->io.ctx, path);
}

static int
evgraph__add_target(struct evalgraph *g, uint32_t i, uint32_t r, uint32_t t)
{
  struct evnode *n = &g->nodes[i];
  struct evnode *to;

  if (vec_reserve((void **)&n->targets, &n->cap_targets, n->ntargets,
                  sizeof *n->targets, EVALGRAPH_FILES_MAX))
    return FACET_ENOMEM;
  n->targets[n->ntargets++] = t;
  n->res[r].count++;
  to = &g->nodes[t];
  if (vec_reserve((void **)&to->in, &to->cap_in, to->nin, sizeof *to->in,
                  EVALGRAPH_FILES_MAX))
    return FACET_ENOMEM;
  /* A test file's references are relative to the config that reads it. */
  if (to->f && to->f->format == FORMAT_PROMPTFOO_TESTS && to->f->nrefs &&
      g->nodes[i].f->refs[r].kind == EVREF_TESTS)
    to->dirty = true;
  to->in[to->nin].node = i;
  to->in[to->nin].ref = r;
  to->nin++;
  return 0;
}

/* Whether summary f defines name (a model-graded spec). */
static bool
evgraph__defines(const struct evalfile *f, const char *name)
{
  for (size_t k = 0; f && k < f->nnames; k++)
    if (strcmp(f->names[k].name, name) == 0)
      return true;
  return false;
}

static void
evgraph__resolve_ref(struct evalgraph *g, uint32_t i, uint32_t r)
{
  const struct evref *ref = &g->nodes[i].f->refs[r];
  char path[PATHGLOB_PATH_MAX];
  size_t lit;

  /* A name resolves by glob and then by what the files define. */
  if (ref->kind == EVREF_SPEC) {
    g->nodes[i].res[r].first = (uint32_t)g->nodes[i].ntargets;
    g->nodes[i].res[r].count = 0;
    if (!evgraph__resolve_path(g, i, ref, path, sizeof path))
      return;
    evgraph__watch(g, i, r, 0);
    lit = pathglob_literal_prefix(path);
    for (size_t t = 0; t < g->nnodes; t++)
      if (g->nodes[t].alive && t != i &&
          strncmp(path, g->nodes[t].path, lit) == 0 &&
          pathglob_match(path, g->nodes[t].path) &&
          evgraph__defines(g->nodes[t].f, ref->path))
        evgraph__add_target(g, i, r, (uint32_t)t);
    return;
  }

  g->nodes[i].res[r].first = (uint32_t)g->nodes[i].ntargets;
  g->nodes[i].res[r].count = 0;
  if (!evgraph__resolve_path(g, i, ref, path, sizeof path))
    return;
  if (!ref->glob) {
    uint32_t t = evgraph_find(g, path);

    if (t != EVAL_NONE && t != i)
      evgraph__add_target(g, i, r, t);
    else
      evgraph__watch(g, i, r, evgraph__hash(path));
    return;
  }
  evgraph__watch(g, i, r, 0);
  /* Only paths under the glob's literal start can match: a memcmp rules
   * out the rest of the workspace. */
  lit = pathglob_literal_prefix(path);
  for (size_t t = 0; t < g->nnodes; t++)
    if (g->nodes[t].alive && t != i &&
        strncmp(path, g->nodes[t].path, lit) == 0 &&
        pathglob_match(path, g->nodes[t].path))
      evgraph__add_target(g, i, r, (uint32_t)t);
}

static void
evgraph__resolve_node(struct evalgraph *g, uint32_t i)
{
  struct evnode *n = &g->nodes[i];

  evgraph__unlink(g, i);
  n->dirty = false;
  n->gen++;
  if (!n->alive || !n->f || n->f->nrefs == 0)
    return;
  n->res = calloc(n->f->nrefs, sizeof *n->res);
  if (!n->res)
    return;
  for (uint32_t r = 0; r < n->f->nrefs; r++)
    evgraph__resolve_ref(g, i, r);
}

/* Calls changed for node i once per resolve pass. */
static void
evgraph__notify(struct evalgraph *g, uint32_t i,
                void (*changed)(const char *, void *), void *ctx)
{
  if (g->nodes[i].stamp == g->stamp || !g->nodes[i].alive)
    return;
  g->nodes[i].stamp = g->stamp;
  if (changed)
    changed(g->nodes[i].path, ctx);
}

/* A changed file, the files it links and the files linked with those. */
static void
evgraph__notify_around(struct evalgraph *g, uint32_t i,
                       void (*changed)(const char *, void *), void *ctx)
{
  const struct evnode *n = &g->nodes[i];

  evgraph__notify(g, i, changed, ctx);
  for (size_t t = 0; t < n->ntargets; t++)
    evgraph__notify(g, n->targets[t], changed, ctx);
  for (size_t k = 0; k < n->nin; k++) {
    const struct evnode *src = &g->nodes[n->in[k].node];

    evgraph__notify(g, n->in[k].node, changed, ctx);
    for (size_t t = 0; t < src->ntargets; t++)
      evgraph__notify(g, src->targets[t], changed, ctx);
  }
}

void
evalgraph_resolve(struct evalgraph *self,
                  void (*changed)(const char *path, void *ctx), void *ctx)
{
  bool *was = calloc(self->nnodes ? self->nnodes : 1, sizeof *was);
  bool results = self->results_changed;

  self->stamp++;
  self->results_changed = false;
  /* The keys first: the callbacks below look results up. */
  if (self->results_dirty)
    evgraph_index_results(self);
  /* Test files resolve against their config: configs go first. */
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < self->nnodes; i++) {
      struct evnode *n = &self->nodes[i];
      bool tests = n->f && n->f->format == FORMAT_PROMPTFOO_TESTS;

      if (!n->dirty || tests != (pass == 1))
        continue;
      if (was)
        was[i] = true;
      /* Old targets may lose a view of this file. */
      for (size_t t = 0; t < n->ntargets; t++)
        evgraph__notify(self, n->targets[t], changed, ctx);
      evgraph__resolve_node(self, (uint32_t)i);
    }
  for (size_t i = 0; i < self->nnodes; i++)
    if (self->nodes[i].unlinked) {
      self->nodes[i].unlinked = false;
      evgraph__notify(self, (uint32_t)i, changed, ctx);
    }
  for (size_t i = 0; was && i < self->nnodes; i++)
    if (was[i])
      evgraph__notify_around(self, (uint32_t)i, changed, ctx);
  free(was);
  if (results)
    /* Results concern every test and prompt: show them all again. */
    for (size_t i = 0; i < self->nnodes; i++)
      if (self->nodes[i].f && (self->nodes[i].f->ntests ||
                               self->nodes[i].f->kind == ARTIFACT_PROMPT))
        evgraph__notify(self, (uint32_t)i, changed, ctx);
}

static bool
evgraph__ends(const char *path, const char *suffix)
{
  size_t n = strlen(path);
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

/* What the reference of kind into path asks it to be read as. */
static enum artifact_format
evgraph__wants(const struct evref *r, const char *path)
{
  static const char *const test_ext[] = {
    ".csv", ".tsv", ".json", ".jsonl", ".yaml", ".yml", NULL,
  };
  static const char *const text_ext[] = {
    ".txt", ".md", ".json", ".jsonl", ".yaml", ".yml", ".markdown", NULL,
  };

  switch (r->kind) {
  case EVREF_TESTS:
    for (const char *const *e = test_ext; *e; e++)
      if (evgraph__ends(path, *e))
        return FORMAT_PROMPTFOO_TESTS;
    return FORMAT_NONE;
  case EVREF_PROMPT:
    for (const char *const *e = text_ext; *e; e++)
      if (evgraph__ends(path, *e))
        return FORMAT_TEXT_PROMPT;
    return FORMAT_NONE;
  case EVREF_SAMPLES:
    return FORMAT_OPENAI_EVALS_SAMPLES;
  case EVREF_SCHEMA:
    return FORMAT_JSON_SCHEMA;
  case EVREF_ASSERT:
    return r->schema && (evgraph__ends(path, ".json") ||
                         evgraph__ends(path, ".yaml") ||
                         evgraph__ends(path, ".yml"))
             ? FORMAT_JSON_SCHEMA : FORMAT_NONE;
  default:
    return FORMAT_NONE;
  }
}

enum artifact_format
evalgraph_wanted_format(const struct evalgraph *self, const char *path)
{
  uint32_t i = evgraph_find(self, path);
  enum artifact_syntax syntax;
  const struct evnode *n;

  if (i == EVAL_NONE)
    return FORMAT_NONE;
  n = &self->nodes[i];
  for (size_t k = 0; k < n->nin; k++) {
    const struct evref *ref = evgraph_in_ref(self, &n->in[k]);
    enum artifact_format f;

    if (!ref)
      continue;
    f = evgraph__wants(ref, path);
    /* A format the file's own name gives wins a prompt reference's. */
    if (f == FORMAT_TEXT_PROMPT &&
        artifact_format_kind(detect_by_name(path, &syntax)) ==
          ARTIFACT_PROMPT)
      continue;
    if (f != FORMAT_NONE)
      return f;
  }
  return FORMAT_NONE;
}

void
evalgraph_each_wanted(const struct evalgraph *self,
                      void (*fn)(const char *path, enum artifact_format f,
                                 void *ctx),
                      void *ctx)
{
  for (size_t i = 0; i < self->nnodes; i++) {
    const struct evnode *n = &self->nodes[i];
    enum artifact_format f;

    if (!n->alive || !n->nin)
      continue;
    f = evalgraph_wanted_format(self, n->path);
    if (f != FORMAT_NONE && (!n->f || n->f->format != f))
      fn(n->path, f, ctx);
  }
}

size_t
evalgraph_targets(const struct evalgraph *self, const char *path,
                  uint32_t ref, void (*fn)(const char *, void *), void *ctx)
{
  uint32_t i = evgraph_find(self, path);
  const struct evnode *n;

  if (i == EVAL_NONE)
    return 0;
  n = &self->nodes[i];
  if (!n->f || ref >= n->f->nrefs || !n->res)
    return 0;
  for (uint32_t k = 0; fn && k < n->res[ref].count; k++)
    fn(self->nodes[n->targets[n->res[ref].first + k]].path, ctx);
  return n->res[ref].count;
}

static void
evgraph__unresolved_of(const struct evalgraph *g, uint32_t i,
                       enum evref_kind kind,
                       void (*fn)(const char *, bool, void *), void *ctx)
{
  const struct evnode *n = &g->nodes[i];
  char path[PATHGLOB_PATH_MAX];

  for (uint32_t r = 0; n->alive && n->f && n->res && r < n->f->nrefs; r++) {
    const struct evref *ref = &n->f->refs[r];

    /* The prompt a provenance record names is not a file to go and
     * read: the record is shown in the prompt's editor, if it is open. */
    if ((kind == EVREF__COUNT ? ref->kind != EVREF_CRYSTALLISED
                              : ref->kind == kind) &&
        n->res[r].count == 0 &&
        evgraph__resolve_path(g, i, ref, path, sizeof path))
      fn(path, ref->glob, ctx);
  }
}

void
evalgraph_each_unresolved(const struct evalgraph *self, enum evref_kind kind,
                          void (*fn)(const char *path, bool glob, void *ctx),
                          void *ctx)
{
  for (size_t i = 0; i < self->nnodes; i++)
    evgraph__unresolved_of(self, (uint32_t)i, kind, fn, ctx);
}

void
evalgraph_each_unresolved_by(const struct evalgraph *self, const char *path,
                             void (*fn)(const char *, bool, void *),
                             void *ctx)
{
  uint32_t i = evgraph_find(self, path);

  if (i != EVAL_NONE)
    evgraph__unresolved_of(self, i, EVREF__COUNT, fn, ctx);
}

void
evalgraph_each_wanted_by(const struct evalgraph *self, const char *path,
                         void (*fn)(const char *, enum artifact_format,
                                    void *),
                         void *ctx)
{
  uint32_t i = evgraph_find(self, path);
  const struct evnode *n;

  if (i == EVAL_NONE)
    return;
  n = &self->nodes[i];
  for (size_t t = 0; t < n->ntargets; t++) {
    const struct evnode *to = &self->nodes[n->targets[t]];
    enum artifact_format f = evalgraph_wanted_format(self, to->path);

    if (f != FORMAT_NONE && (!to->f || to->f->format != f))
      fn(to->path, f, ctx);
  }
}

void
evalgraph_each_file(const struct evalgraph *self,
                    void (*fn)(const char *, const struct evalfile *, void *),
                    void *ctx)
{
  for (size_t i = 0; i < self->nnodes; i++)
    if (self->nodes[i].alive && self->nodes[i].f)
      fn(self->nodes[i].path, self->nodes[i].f, ctx);
}
