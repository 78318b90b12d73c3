/*
 * Queries on the eval graph: the tests of a prompt and the prompts of a
 * test, and where a test stands. A recorded case is matched to a test by
 * what the results file keeps of it: its description ("Row #N" for rows
 * of a test file), its variables and its assertions (promptfoo), or the
 * testData item itself (GitHub Models), or its name (JUnit). A match whose
 * variables or assertions differ from the test as written now, or whose
 * template differs from the prompt's text now, is stale.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "assert_eval.h"
#include "assertion.h"
#include "evalgraph_internal.h"
#include "pathglob.h"

/* The description without the white space around it: a JUnit reporter
 * may trim a name a test writes with spaces ("  padded  "). */
static const char *
evgraph__trim(const char *s, size_t *len)
{
  size_t n;

  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
               s[n - 1] == '\r'))
    n--;
  *len = n;
  return s;
}

uint64_t
evgraph_desc_key(const char *description)
{
  size_t n;
  const char *s = evgraph__trim(description, &n);

  return XXH3_64bits_withSeed(s, n, 1);
}

bool
evgraph_desc_same(const char *a, const char *b)
{
  size_t na;
  size_t nb;

  a = evgraph__trim(a, &na);
  b = evgraph__trim(b, &nb);
  return na == nb && memcmp(a, b, na) == 0;
}

uint64_t
evgraph_var_key(const char *name, const char *text)
{
  uint64_t seed = XXH3_64bits_withSeed(name, strlen(name), 2);

  return XXH3_64bits_withSeed(text, strlen(text), seed);
}

static int
evgraph__key_order(const void *a, const void *b)
{
  const struct evkey *x = a;
  const struct evkey *y = b;

  return x->key < y->key ? -1 : x->key > y->key;
}

static uint64_t
evgraph__case_vars_key(const struct evalfile *f, const struct evcase *c)
{
  uint64_t sum = 0;

  for (uint32_t v = 0; v < c->nvars; v++) {
    const struct evvar *var = &f->vars[c->var0 + v];

    sum += evgraph_var_key(var->name, var->text ? var->text : "");
  }
  return sum;
}

void
evgraph_index_results(struct evalgraph *g)
{
  size_t total = 0;

  free(g->by_desc);
  free(g->by_vars);
  g->by_desc = g->by_vars = NULL;
  g->nby_desc = g->nby_vars = 0;
  g->results_dirty = false;
  for (size_t i = 0; i < g->nnodes; i++)
    if (g->nodes[i].alive && g->nodes[i].f &&
        g->nodes[i].f->tool != EVTOOL_NONE)
      total += g->nodes[i].f->ncases;
  if (!total)
    return;
  g->by_desc = malloc(total * sizeof *g->by_desc);
  g->by_vars = malloc(total * sizeof *g->by_vars);
  if (!g->by_desc || !g->by_vars)
    return;
  for (size_t i = 0; i < g->nnodes; i++) {
    const struct evalfile *f = g->nodes[i].f;

    for (size_t c = 0; g->nodes[i].alive && f && f->tool != EVTOOL_NONE &&
                       c < f->ncases; c++) {
      const struct evcase *k = &f->cases[c];
      struct evkey key = { 0, (uint32_t)i, (uint32_t)c };

      if (k->description) {
        key.key = evgraph_desc_key(k->description);
        g->by_desc[g->nby_desc++] = key;
      }
      if (f->tool != EVTOOL_JUNIT) {
        key.key = evgraph__case_vars_key(f, k);
        g->by_vars[g->nby_vars++] = key;
      }
    }
  }
  qsort(g->by_desc, g->nby_desc, sizeof *g->by_desc, evgraph__key_order);
  qsort(g->by_vars, g->nby_vars, sizeof *g->by_vars, evgraph__key_order);
}

void
evgraph_keys(const struct evalgraph *g)
{
  /* The keys are a cache of the summaries, rebuilt in place; the graph
   * is used from one thread. */
  if (g->results_dirty)
    evgraph_index_results((struct evalgraph *)g);
}

size_t
evgraph_lower(const struct evkey *keys, size_t n, uint64_t key)
{
  size_t lo = 0;
  size_t hi = n;

  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;

    if (keys[mid].key < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* ---- configs and their tests ------------------------------------------- */

static bool
evgraph__is_config(const struct evalfile *f)
{
  return f && (f->format == FORMAT_PROMPTFOO ||
               f->format == FORMAT_GITHUB_MODELS);
}

void
evgraph_config_tests(const struct evalgraph *g, uint32_t c,
                     void (*fn)(const struct evalgraph *, uint32_t, uint32_t,
                                uint32_t, void *),
                     void *ctx)
{
  const struct evnode *n = &g->nodes[c];

  if (!evgraph__is_config(n->f))
    return;
  for (uint32_t t = 0; t < n->f->ntests; t++)
    fn(g, c, c, t, ctx);
  for (uint32_t r = 0; n->res && r < n->f->nrefs; r++) {
    if (n->f->refs[r].kind != EVREF_TESTS)
      continue;
    for (uint32_t k = 0; k < n->res[r].count; k++) {
      uint32_t file = n->targets[n->res[r].first + k];
      const struct evalfile *tf = g->nodes[file].f;

      for (uint32_t t = 0; tf && tf->format == FORMAT_PROMPTFOO_TESTS &&
                           t < tf->ntests; t++)
        fn(g, c, file, t, ctx);
    }
  }
}

bool
evgraph_test_runs(const struct evalgraph *g, uint32_t c, uint32_t file,
                  uint32_t test, uint32_t p)
{
  const struct evalfile *tf = g->nodes[file].f;
  const struct evtest *t = &tf->tests[test];
  const struct evprompt *ep = &g->nodes[c].f->prompts[p];

  if (t->nfilters == 0)
    return true;
  for (uint32_t i = 0; i < t->nfilters; i++) {
    const char *want = tf->strings[t->filter0 + i];

    if (ep->label && (strcmp(want, ep->label) == 0 ||
                      fnmatch(want, ep->label, 0) == 0))
      return true;
  }
  return false;
}

uint32_t
evgraph_prompt_file(const struct evalgraph *g, uint32_t c, uint32_t p)
{
  const struct evnode *n = &g->nodes[c];
  const struct evprompt *ep = &n->f->prompts[p];

  if (ep->self)
    return c;
  if (ep->ref == EVAL_NONE || !n->res || n->res[ep->ref].count == 0)
    return EVAL_NONE;
  return n->targets[n->res[ep->ref].first];
}

void
evgraph_test_ref(const struct evalgraph *g, uint32_t c, uint32_t file,
                 uint32_t test, struct evtest_ref *out)
{
  out->file = g->nodes[file].path;
  out->config = c == EVAL_NONE ? NULL : g->nodes[c].path;
  out->test = test;
  out->summary = g->nodes[file].f;
  out->t = &out->summary->tests[test];
}

/* ---- tests of a prompt ------------------------------------------------- */

struct evgraph_visit {
  const struct evalgraph *g;
  uint32_t prompt;          /* the prompt file node */
  uint32_t config;
  bool *runs;               /* per prompt of config: it is this file */
  void (*fn)(const struct evtest_ref *, void *);
  void *ctx;
  size_t count;
};

static void
evgraph__visit_test(const struct evalgraph *g, uint32_t c, uint32_t file,
                    uint32_t test, void *ctx)
{
  struct evgraph_visit *v = ctx;
  struct evtest_ref ref;
  bool runs = false;

  for (uint32_t p = 0; p < g->nodes[c].f->nprompts && !runs; p++)
    runs = v->runs[p] && evgraph_test_runs(g, c, file, test, p);
  if (!runs)
    return;
  v->count++;
  if (v->fn) {
    evgraph_test_ref(g, c, file, test, &ref);
    v->fn(&ref, v->ctx);
  }
}

/* Visits the tests of config c that run prompt file node p. */
static void
evgraph__config_of_prompt(struct evgraph_visit *v, uint32_t c)
{
  const struct evalfile *f = v->g->nodes[c].f;

  v->runs = calloc(f->nprompts ? f->nprompts : 1, sizeof *v->runs);
  if (!v->runs)
    return;
  for (uint32_t p = 0; p < f->nprompts; p++) {
    const struct evnode *n = &v->g->nodes[c];
    const struct evprompt *ep = &f->prompts[p];

    /* The config's own template (GitHub Models messages), or a promptfoo
     * prompt written inline: the prompt in the config's own path. */
    if (ep->self || ep->ref == EVAL_NONE)
      v->runs[p] = c == v->prompt;
    for (uint32_t k = 0; !ep->self && ep->ref != EVAL_NONE && n->res &&
                         k < n->res[ep->ref].count; k++)
      v->runs[p] |= n->targets[n->res[ep->ref].first + k] == v->prompt;
  }
  v->config = c;
  evgraph_config_tests(v->g, c, evgraph__visit_test, v);
  free(v->runs);
  v->runs = NULL;
}

size_t
evalgraph_tests_of_prompt(const struct evalgraph *self, const char *path,
                          void (*fn)(const struct evtest_ref *, void *),
                          void *ctx)
{
  uint32_t p = evgraph_find(self, path);
  struct evgraph_visit v = { self, p, EVAL_NONE, NULL, fn, ctx, 0 };
  const struct evnode *n;
  uint32_t *seen;
  size_t nseen = 0;

  if (p == EVAL_NONE)
    return 0;
  n = &self->nodes[p];
  seen = malloc((n->nin + 1) * sizeof *seen);
  if (!seen)
    return 0;
  if (evgraph__is_config(n->f))
    seen[nseen++] = p;
  for (size_t k = 0; k < n->nin; k++) {
    uint32_t c = n->in[k].node;
    const struct evref *ref = evgraph_in_ref(self, &n->in[k]);
    bool dup = false;

    if (!ref || ref->kind != EVREF_PROMPT)
      continue;
    for (size_t s = 0; s < nseen && !dup; s++)
      dup = seen[s] == c;
    if (!dup)
      seen[nseen++] = c;
  }
  for (size_t s = 0; s < nseen; s++)
    evgraph__config_of_prompt(&v, seen[s]);
  free(seen);
  return v.count;
}

size_t
evalgraph_prompts_of_test(const struct evalgraph *self,
                          const struct evtest_ref *test,
                          void (*fn)(const struct evprompt_ref *, void *),
                          void *ctx)
{
  uint32_t c = evgraph_find(self, test->config);
  uint32_t file = evgraph_find(self, test->file);
  size_t count = 0;

  if (c == EVAL_NONE || file == EVAL_NONE || !self->nodes[c].f)
    return 0;
  for (uint32_t p = 0; p < self->nodes[c].f->nprompts; p++) {
    struct evprompt_ref ref = { NULL, self->nodes[c].path, p };
    uint32_t pf = evgraph_prompt_file(self, c, p);

    if (!evgraph_test_runs(self, c, file, test->test, p))
      continue;
    ref.file = pf == EVAL_NONE ? NULL : self->nodes[pf].path;
    count++;
    if (fn)
      fn(&ref, ctx);
  }
  return count;
}

struct evgraph_in {
  const struct evalgraph *g;
  uint32_t file;
  void (*fn)(const struct evtest_ref *, void *);
  void *ctx;
  size_t count;
};

static void
evgraph__in_test(const struct evalgraph *g, uint32_t c, uint32_t file,
                 uint32_t test, void *ctx)
{
  struct evgraph_in *v = ctx;
  struct evtest_ref ref;

  if (file != v->file)
    return;
  v->count++;
  if (v->fn) {
    evgraph_test_ref(g, c, file, test, &ref);
    v->fn(&ref, v->ctx);
  }
}

size_t
evalgraph_tests_in(const struct evalgraph *self, const char *path,
                   void (*fn)(const struct evtest_ref *, void *), void *ctx)
{
  uint32_t i = evgraph_find(self, path);
  struct evgraph_in v = { self, i, fn, ctx, 0 };
  const struct evnode *n;

  if (i == EVAL_NONE || !self->nodes[i].f)
    return 0;
  n = &self->nodes[i];
  if (evgraph__is_config(n->f))
    evgraph_config_tests(self, i, evgraph__in_test, &v);
  for (size_t k = 0; n->f->format == FORMAT_PROMPTFOO_TESTS && k < n->nin;
       k++) {
    uint32_t c = n->in[k].node;
    const struct evref *ref = evgraph_in_ref(self, &n->in[k]);
    bool dup = false;

    for (size_t j = 0; j < k && !dup; j++)
      dup = n->in[j].node == c;
    if (!dup && ref && ref->kind == EVREF_TESTS)
      evgraph_config_tests(self, c, evgraph__in_test, &v);
  }
  return v.count;
}

size_t
evalgraph_configs_of_prompt(const struct evalgraph *self, const char *path,
                            void (*fn)(const char *, void *), void *ctx)
{
  uint32_t p = evgraph_find(self, path);
  const struct evnode *n;
  size_t count = 0;

  if (p == EVAL_NONE)
    return 0;
  n = &self->nodes[p];
  for (size_t k = 0; k < n->nin; k++) {
    uint32_t c = n->in[k].node;
    const struct evref *ref = evgraph_in_ref(self, &n->in[k]);
    bool dup = false;

    if (!ref || ref->kind != EVREF_PROMPT || !self->nodes[c].f ||
        self->nodes[c].f->format != FORMAT_PROMPTFOO)
      continue;
    for (size_t j = 0; j < k && !dup; j++)
      dup = n->in[j].node == c &&
            evgraph_in_ref(self, &n->in[j]) &&
            evgraph_in_ref(self, &n->in[j])->kind == EVREF_PROMPT;
    if (dup)
      continue;
    count++;
    if (fn)
      fn(self->nodes[c].path, ctx);
  }
  return count;
}

size_t
evalgraph_records_of_prompt(const struct evalgraph *self, const char *path,
                            void (*fn)(const struct evrecord_ref *, void *),
                            void *ctx)
{
  uint32_t p = evgraph_find(self, path);
  const struct evnode *n;
  const struct evalfile *own;
  size_t count = 0;

  if (p == EVAL_NONE)
    return 0;
  n = &self->nodes[p];
  for (size_t k = 0; k < n->nin; k++) {
    const struct evnode *from = &self->nodes[n->in[k].node];
    const struct evref *ref = evgraph_in_ref(self, &n->in[k]);
    struct evrecord_ref r;

    if (!ref || ref->kind != EVREF_CRYSTALLISED ||
        ref->owner >= from->f->nrecords)
      continue;
    r.file = from->path;
    r.summary = from->f;
    r.rec = &from->f->records[ref->owner];
    count++;
    if (fn)
      fn(&r, ctx);
  }
  /* A file's references to itself make no edge: its own records are
   * those whose path resolves back to it. */
  own = n->f;
  for (size_t i = 0; own && i < own->nrecords; i++) {
    char target[PATHGLOB_PATH_MAX];
    struct evrecord_ref r = { n->path, own, &own->records[i] };

    if (!evgraph_ref_path(self, p, &own->refs[own->records[i].ref], target,
                          sizeof target) || strcmp(target, n->path) != 0)
      continue;
    count++;
    if (fn)
      fn(&r, ctx);
  }
  return count;
}

struct evgraph_schemas {
  const struct evalgraph *g;
  void (*fn)(const char *, void *);
  void *ctx;
  uint32_t *found;
  size_t nfound;
};

static void
evgraph__schema_of(const struct evtest_ref *t, void *ctx)
{
  struct evgraph_schemas *s = ctx;
  uint32_t file = evgraph_find(s->g, t->file);
  const struct evnode *n = &s->g->nodes[file];

  for (uint32_t a = 0; a < t->t->nasserts; a++) {
    const struct evassert *as = &n->f->asserts[t->t->assert0 + a];

    if (as->ref == EVAL_NONE || !n->f->refs[as->ref].schema || !n->res ||
        n->res[as->ref].count == 0)
      continue;
    {
      uint32_t target = n->targets[n->res[as->ref].first];
      bool dup = false;
      uint32_t *grown;

      for (size_t k = 0; k < s->nfound && !dup; k++)
        dup = s->found[k] == target;
      if (dup || !(grown = realloc(s->found, (s->nfound + 1) *
                                             sizeof *grown)))
        continue;
      s->found = grown;
      s->found[s->nfound++] = target;
      if (s->fn)
        s->fn(s->g->nodes[target].path, s->ctx);
    }
  }
}

size_t
evalgraph_schemas_of_prompt(const struct evalgraph *self, const char *path,
                            void (*fn)(const char *, void *), void *ctx)
{
  struct evgraph_schemas s = { self, fn, ctx, NULL, 0 };

  evalgraph_tests_of_prompt(self, path, evgraph__schema_of, &s);
  free(s.found);
  return s.nfound;
}
