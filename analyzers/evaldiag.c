/*
 * What the graph shows about one file: findings that need other files,
 * its eval lenses, a test's hover, and the links its grade counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert_eval.h"
#include "assertion.h"
#include "buf.h"
#include "diag.h"
#include "evalgraph_internal.h"

/* Names templates see without a test setting them. */
static bool
evdiag__builtin(const char *name)
{
  return strcmp(name, "_conversation") == 0 || strcmp(name, "env") == 0;
}

/* Prompt formats whose variables another engine than promptfoo's fills. */
static bool
evdiag__foreign_template(enum artifact_format f)
{
  return f == FORMAT_VSCODE_PROMPT || f == FORMAT_VSCODE_INSTRUCTIONS ||
         f == FORMAT_VSCODE_AGENT || f == FORMAT_AGENT_SKILL ||
         f == FORMAT_CLAUDE_COMMAND || f == FORMAT_SEMANTIC_KERNEL;
}

/* The variables prompt p of the test's config reads. Returns false when
 * facet cannot know them (code, a file it did not read). *open says the
 * prompt may read more than those (includes). */
static bool
evdiag__reads(const struct evinst *in, uint32_t p, const struct evread **r,
              uint32_t *n, bool *open, const char **name)
{
  const struct evprompt *ep = &in->cf->prompts[p];
  uint32_t file = evgraph_prompt_file(in->g, in->c, p);
  const struct evalfile *pf;

  *open = false;
  *name = ep->label;
  /* No reads may mean no array at all: no pointer arithmetic on it. */
  *r = NULL;
  *n = 0;
  if (ep->self) {
    *n = in->cf->nfile_reads;
    *r = *n ? in->cf->reads + in->cf->file_read0 : NULL;
    *open = in->cf->reads_open;
    return true;
  }
  if (file != EVAL_NONE) {
    pf = in->g->nodes[file].f;
    if (!pf || pf->kind != ARTIFACT_PROMPT)
      return false;
    /* promptfoo renders a prompt file with Nunjucks: names another engine
     * fills (${input:x} in VS Code prompt files, Semantic Kernel's {{$x}})
     * are text to it, so no test has to set them. */
    if (evdiag__foreign_template(pf->format)) {
      *name = in->cf->refs[ep->ref].path;
      return true;
    }
    *n = pf->nfile_reads;
    *r = *n ? pf->reads + pf->file_read0 : NULL;
    *open = pf->reads_open;
    *name = in->cf->refs[ep->ref].path;
    return true;
  }
  /* A prompt file that is missing reads what facet cannot see; only text
   * that merely looked like a path is the prompt itself. */
  if (ep->ref != EVAL_NONE && !in->cf->refs[ep->ref].quiet)
    return false;
  *n = ep->nreads;
  *r = *n ? in->cf->reads + ep->read0 : NULL;
  return true;
}

/* Whether an assertion of the test names {{name}} in a template, or may
 * read variables itself. */
static bool
evdiag__asserts_read(const struct evinst *in, const char *name)
{
  /* "{{name" or "{{ name" anywhere, the name cut as a 160-byte pattern
   * would cut it. */
  size_t len = strlen(name);
  size_t tight = len < 157 ? len : 157;
  size_t spaced = len < 156 ? len : 156;

  for (uint32_t i = 0; i < evinst_nasserts(in); i++) {
    uint32_t owner;
    const struct evassert *as = evinst_assert(in, i, &owner);
    const char *v = as->value;

    if (as->flags & EVASSERT_READS_VARS)
      return true;
    for (const char *p = v ? strstr(v, "{{") : NULL; p;
         p = strstr(p + 1, "{{"))
      if (strncmp(p + 2, name, tight) == 0 ||
          (p[2] == ' ' && strncmp(p + 3, name, spaced) == 0))
        return true;
  }
  return false;
}

struct evdiag {
  const struct evalgraph *g;
  uint32_t node;
  const struct evalfile *f;
  int64_t now;
  struct diag_list *out;
  bool *used;            /* per variable of f: some prompt reads it */
  bool *unknowable;      /* per variable of f: facet cannot tell */
  bool *failed;          /* per test of f: already reported failing */
};

/* Whether some test of the file sets name (GitHub Models' undeclared
 * variables are reported where they are used instead). */
static bool
evdiag__anyone_sets(const struct evalfile *f, const char *name)
{
  for (size_t i = 0; i < f->nvars; i++)
    if (strcmp(f->vars[i].name, name) == 0)
      return true;
  return false;
}

static void
evdiag__missing(struct evdiag *d, const struct evinst *in, uint32_t p)
{
  const struct evread *reads;
  uint32_t n;
  bool open;
  const char *name;

  if (in->t->vars_open || in->cf->vars_transformed ||
      !evdiag__reads(in, p, &reads, &n, &open, &name))
    return;
  for (uint32_t i = 0; i < n; i++) {
    const char *var = reads[i].name;
    bool dup = false;

    if (reads[i].optional || evinst_var(in, var) || evdiag__builtin(var))
      continue;
    if (in->cf->format == FORMAT_GITHUB_MODELS &&
        !evdiag__anyone_sets(in->cf, var))
      continue;
    for (size_t k = 0; k < d->out->count && !dup; k++)
      dup = d->out->items[k].code == DIAG_MISSING_TEST_VARIABLE &&
            d->out->items[k].span.start == in->t->anchor.start &&
            strstr(d->out->items[k].message, var);
    if (dup)
      continue;
    if (in->cf->format == FORMAT_GITHUB_MODELS)
      diag_add(d->out, DIAG_MISSING_TEST_VARIABLE, in->t->anchor,
               "this testData item does not set '%s', so {{%s}} stays in "
               "the messages as written", var, var);
    else
      diag_add(d->out, DIAG_MISSING_TEST_VARIABLE, in->t->anchor,
               "this test does not set '%s', which %s%.60s%s reads", var,
               in->cf->prompts[p].ref == EVAL_NONE ? "the prompt '" : "",
               name ? name : "its prompt",
               in->cf->prompts[p].ref == EVAL_NONE ? "'" : "");
  }
}

/* Marks the test's variables that prompt p reads, or that facet cannot
 * judge. */
static void
evdiag__mark(struct evdiag *d, const struct evinst *in, uint32_t p)
{
  const struct evread *reads;
  uint32_t n;
  bool open;
  const char *name;
  bool known = evdiag__reads(in, p, &reads, &n, &open, &name);

  for (uint32_t v = 0; v < in->t->nvars; v++) {
    uint32_t index = in->t->var0 + v;
    const char *var = in->tf->vars[index].name;

    /* "expected" is GitHub Models' conventional reference answer. */
    if (!known || open || in->cf->script_provider ||
        in->cf->vars_transformed || evdiag__asserts_read(in, var) ||
        (in->cf->format == FORMAT_GITHUB_MODELS &&
         strcmp(var, "expected") == 0)) {
      d->unknowable[index] = true;
      continue;
    }
    for (uint32_t i = 0; i < n && !d->used[index]; i++)
      d->used[index] = strcmp(reads[i].name, var) == 0;
  }
}

static void
evdiag__failing(struct evdiag *d, const struct evtest_ref *t)
{
  struct evresult r;
  const char *note;

  if (d->failed[t->test])
    return;
  evalgraph_result(d->g, t, NULL, &r);
  note = !r.stale ? ""
       : (r.stale & EVSTALE_PROMPT) ? " (stale: the prompt changed since)"
       : (r.stale & EVSTALE_SCHEMA) ? " (stale: its schema changed since)"
       : " (stale: the test changed since)";
  switch (evresult_verdict(&r)) {
  case EVVERDICT_LOCAL_FAIL:
    diag_add(d->out, DIAG_TEST_FAILED, t->t->anchor,
             "this test fails facet's check of its %s output: %s",
             t->t->output ? "fixed" : "recorded", r.local_reason);
    break;
  case EVVERDICT_FAIL:
    diag_add(d->out, DIAG_TEST_FAILED, t->t->anchor,
             "the last run of this test failed: %s%s",
             r.rec && r.rec->reason ? r.rec->reason : "no reason recorded",
             note);
    break;
  case EVVERDICT_ERROR:
    diag_add(d->out, DIAG_TEST_FAILED, t->t->anchor,
             "the last run of this test ended in an error: %s%s",
             r.rec && r.rec->reason ? r.rec->reason : "no reason recorded",
             note);
    break;
  default:
    return;
  }
  d->failed[t->test] = true;
}

static void
evdiag__test(const struct evtest_ref *t, void *ctx)
{
  struct evdiag *d = ctx;
  uint32_t c = evgraph_find(d->g, t->config);
  struct evinst in;

  evinst_init(&in, d->g, c, d->node, t->test);
  for (uint32_t p = 0; p < in.cf->nprompts; p++) {
    if (!evgraph_test_runs(d->g, c, d->node, t->test, p))
      continue;
    evdiag__missing(d, &in, p);
    evdiag__mark(d, &in, p);
  }
  if (in.cf->nprompts == 0)
    for (uint32_t v = 0; v < t->t->nvars; v++)
      d->unknowable[t->t->var0 + v] = true;
  evdiag__failing(d, t);
}

static void
evdiag__unused(struct evdiag *d, const bool *seen)
{
  /* Keys already reported (start + 1; 0 is empty), open addressing: a
   * config of thousands of tests is not compared pair by pair. */
  size_t nslots = 16;
  uint32_t *reported;

  while (nslots < 2 * d->f->nvars)
    nslots *= 2;
  reported = calloc(nslots, sizeof *reported);
  if (!reported)
    return;
  for (size_t i = 0; i < d->f->nvars; i++) {
    uint32_t key = d->f->vars[i].key.start + 1;
    size_t k = (key * 2654435761u) & (nslots - 1);

    if (!seen[i] || d->used[i] || d->unknowable[i])
      continue;
    /* A CSV column is one key for every row: one finding. */
    while (reported[k] && reported[k] != key)
      k = (k + 1) & (nslots - 1);
    if (reported[k])
      continue;
    reported[k] = key;
    diag_add(d->out, DIAG_UNUSED_TEST_VARIABLE, d->f->vars[i].key,
             "'%s' is set here, but no prompt this test runs reads it",
             d->f->vars[i].name);
  }
  free(reported);
}

static const char *
evdiag__missing_what(const struct evref *r)
{
  switch (r->kind) {
  case EVREF_PROMPT:
    return "promptfoo cannot load this prompt";
  case EVREF_TESTS:
    return "promptfoo cannot read these tests";
  case EVREF_DEFAULT_TEST:
    return "promptfoo cannot read the default test";
  case EVREF_VARS:
    return "promptfoo cannot read this value";
  case EVREF_ASSERT:
    return "this check cannot run";
  case EVREF_SAMPLES:
    return "the eval has no samples to run";
  case EVREF_SCHEMA:
    return "this $ref resolves nowhere";
  default:
    return "nothing is read from it";
  }
}

/* to's path relative to the folder of n, when it is under it. */
static const char *
evdiag__rel(const struct evnode *n, const struct evnode *to)
{
  const char *slash = strrchr(n->path, '/');
  size_t dir = slash ? (size_t)(slash - n->path) + 1 : 0;

  return strncmp(to->path, n->path, dir) == 0 ? to->path + dir : to->path;
}

static const char *
evdiag__large_what(const struct evref *r)
{
  switch (r->kind) {
  case EVREF_RESULTS:
    return "the runs it records are not shown";
  case EVREF_TESTS:
  case EVREF_SAMPLES:
    return "its tests are not counted";
  case EVREF_PROMPT:
    return "its variables are not checked against the tests";
  case EVREF_ASSERT:
    return "this check is not run";
  default:
    return "nothing is read from it";
  }
}

/*
 * A file a reference names that was not read for being over the size
 * limit: said at the reference, where the user looks for why its results
 * or tests do not show (the file itself may never be opened). Each such
 * file once.
 */
static void
evdiag__too_large(struct evdiag *d)
{
  const struct evnode *n = &d->g->nodes[d->node];

  for (uint32_t r = 0; n->res && r < d->f->nrefs; r++) {
    const struct evref *ref = &d->f->refs[r];

    for (uint32_t k = 0; k < n->res[r].count; k++) {
      uint32_t t = n->targets[n->res[r].first + k];
      const struct evnode *to = &d->g->nodes[t];
      bool dup = false;

      if (!to->too_large)
        continue;
      for (uint32_t j = 0; j < n->res[r].first + k && !dup; j++)
        dup = n->targets[j] == t;
      if (dup)
        continue;
      diag_add(d->out, DIAG_FILE_TOO_LARGE, ref->span,
               "'%s' is %zu bytes, over the %zu-byte limit, so facet did "
               "not read it: %s", ref->glob ? evdiag__rel(n, to) : ref->path,
               to->too_large, to->limit, evdiag__large_what(ref));
    }
  }
}

/* Why the file ref names is not read: a path inside the workspace names
 * a file that does not exist; elsewhere, one facet does not read. */
static const char *
evdiag__absent(const struct evdiag *d, const struct evref *ref)
{
  return evgraph_ref_inside(d->g, d->node, ref) ? "does not exist"
                                                : "is not in the workspace";
}

static void
evdiag__refs(struct evdiag *d)
{
  const struct evnode *n = &d->g->nodes[d->node];

  evdiag__too_large(d);
  for (uint32_t r = 0; n->res && r < d->f->nrefs; r++) {
    const struct evref *ref = &d->f->refs[r];
    struct diagnostic *x;
    bool dup = false;

    if (n->res[r].count || ref->quiet)
      continue;
    /* A path named on every row of a test file is missing once. */
    for (uint32_t k = 0; k < r && !dup; k++)
      dup = !n->res[k].count && !d->f->refs[k].quiet &&
            d->f->refs[k].kind == ref->kind &&
            strcmp(d->f->refs[k].path, ref->path) == 0;
    if (dup)
      continue;
    if (ref->kind == EVREF_SPEC)
      x = diag_add(d->out, DIAG_UNRESOLVED_REFERENCE, ref->span,
                   "no spec '%s' in the registry's modelgraded/*.yaml: "
                   "the eval has no rubric to grade with", ref->path);
    else if (ref->glob)
      x = diag_add(d->out, DIAG_UNRESOLVED_REFERENCE, ref->span,
                   "no file matches '%s': %s", ref->path,
                   ref->kind == EVREF_TESTS ? "no tests are read from it"
                   : ref->kind == EVREF_PROMPT
                     ? "promptfoo would send the text itself as the prompt"
                     : "nothing is read from it");
    else if (ref->literal_ok)
      x = diag_add(d->out, DIAG_UNRESOLVED_REFERENCE, ref->span,
                   "'%s' %s, so promptfoo would send the text itself as "
                   "the prompt", ref->path, evdiag__absent(d, ref));
    else if (ref->data_dir)
      x = diag_add(d->out, DIAG_UNRESOLVED_REFERENCE, ref->span,
                   "'%s' is not in the registry's data folder: %s",
                   ref->path, evdiag__missing_what(ref));
    else
      x = diag_add(d->out, DIAG_UNRESOLVED_REFERENCE, ref->span,
                   "'%s' %s: %s", ref->path, evdiag__absent(d, ref),
                   evdiag__missing_what(ref));
    if (x && (ref->glob || ref->literal_ok))
      x->severity = SEVERITY_WARNING;
  }
}

void
evalgraph_diagnostics(const struct evalgraph *self, const char *path,
                      int64_t now, struct diag_list *out)
{
  struct evdiag d = { self, evgraph_find(self, path), NULL, now, out,
                      NULL, NULL, NULL };
  bool *seen;

  if (d.node == EVAL_NONE || !(d.f = self->nodes[d.node].f))
    return;
  evdiag__refs(&d);
  if (!d.f->ntests) {
    diag_list_sort(out);
    return;
  }
  d.used = calloc(d.f->nvars + 1, sizeof *d.used);
  d.unknowable = calloc(d.f->nvars + 1, sizeof *d.unknowable);
  d.failed = calloc(d.f->ntests, sizeof *d.failed);
  seen = calloc(d.f->nvars + 1, sizeof *seen);
  if (d.used && d.unknowable && d.failed && seen) {
    evalgraph_tests_in(self, path, evdiag__test, &d);
    for (size_t t = 0; t < d.f->ntests; t++)
      for (uint32_t v = 0; v < d.f->tests[t].nvars; v++)
        seen[d.f->tests[t].var0 + v] = true;
    /* Tests no config runs have no prompt to judge them by. */
    if (evalgraph_tests_in(self, path, NULL, NULL) > 0)
      evdiag__unused(&d, seen);
  }
  free(d.used);
  free(d.unknowable);
  free(d.failed);
  free(seen);
  diag_list_sort(out);
}

/* ---- lenses ------------------------------------------------------------ */

struct evlens {
  const struct evalgraph *g;
  uint32_t node;
  int64_t now;
  struct evresult *worst;    /* per test of the file */
  bool *have;
};

static void
evlens__test(const struct evtest_ref *t, void *ctx)
{
  struct evlens *l = ctx;
  struct evresult r;

  evalgraph_result(l->g, t, NULL, &r);
  evresult_merge(&l->worst[t->test], &r, !l->have[t->test]);
  l->have[t->test] = true;
}

/* The summary of the tests of config c that run its inline prompt p. */
struct evlens_inline {
  const struct evalgraph *g;
  uint32_t c;
  uint32_t p;
  struct evsummary s;
};

static void
evlens__inline_test(const struct evalgraph *g, uint32_t c, uint32_t file,
                    uint32_t test, void *ctx)
{
  struct evlens_inline *x = ctx;
  struct evinst in;
  struct evresult r;
  bool any = false;

  if (!evgraph_test_runs(g, c, file, test, x->p))
    return;
  evinst_init(&in, g, c, file, test);
  evinst_result(&in, x->p, &r);
  x->s.tests++;
  for (uint32_t i = 0; i < evinst_nasserts(&in); i++) {
    uint32_t owner;
    const struct evassert *as = evinst_assert(&in, i, &owner);

    if (!evgraph_assert_runs(g, owner, as))
      continue;
    any = true;
    if (assertion_deterministic(as->type)) {
      x->s.deterministic++;
      break;
    }
  }
  x->s.with_checks += any;
  switch (evresult_verdict(&r)) {
  case EVVERDICT_PASS:
  case EVVERDICT_LOCAL_PASS:
    x->s.passed++;
    break;
  case EVVERDICT_FAIL:
  case EVVERDICT_LOCAL_FAIL:
    x->s.failed++;
    break;
  case EVVERDICT_ERROR:
    x->s.errored++;
    break;
  case EVVERDICT_SKIP:
    x->s.skipped++;
    break;
  default:
    x->s.never += r.rec == NULL;
    break;
  }
  x->s.stale += r.rec && r.stale;
}

static void
evlens__inline_prompts(const struct evalgraph *g, uint32_t c,
                       void (*fn)(struct span, enum evlens_kind, const char *,
                                  uint32_t, const struct evresult *, void *),
                       void *ctx)
{
  const struct evalfile *f = g->nodes[c].f;
  char title[160];

  for (uint32_t p = 0; f->format == FORMAT_PROMPTFOO && p < f->nprompts;
       p++) {
    struct evlens_inline x = { g, c, p, { 0 } };

    if (evgraph_prompt_file(g, c, p) != EVAL_NONE)
      continue;
    evgraph_config_tests(g, c, evlens__inline_test, &x);
    evsummary_title(&x.s, title, sizeof title);
    if (title[0])
      fn(f->prompts[p].span, EVLENS_SUMMARY, title, EVAL_NONE, NULL, ctx);
  }
}

void
evalgraph_lenses(const struct evalgraph *self, const char *path, int64_t now,
                 void (*fn)(struct span, enum evlens_kind, const char *,
                            uint32_t, const struct evresult *, void *),
                 void *ctx)
{
  struct evlens l = { self, evgraph_find(self, path), now, NULL, NULL };
  const struct evalfile *f;
  struct evsummary s;
  char title[200];

  if (l.node == EVAL_NONE || !(f = self->nodes[l.node].f))
    return;
  if (f->kind == ARTIFACT_PROMPT) {
    evalgraph_summarise(self, path, now, &s);
    evsummary_title(&s, title, sizeof title);
    if (title[0])
      fn(span_make(0, 0), EVLENS_SUMMARY, title, EVAL_NONE, NULL, ctx);
  } else if (f->format == FORMAT_PROMPTFOO) {
    evlens__inline_prompts(self, l.node, fn, ctx);
  }
  if (!f->ntests)
    return;
  l.worst = calloc(f->ntests, sizeof *l.worst);
  l.have = calloc(f->ntests, sizeof *l.have);
  if (l.worst && l.have) {
    evalgraph_tests_in(self, path, evlens__test, &l);
    for (uint32_t t = 0; t < f->ntests; t++) {
      if (!l.have[t])
        continue;
      evresult_title(&l.worst[t], now, title, sizeof title);
      fn(f->tests[t].anchor, EVLENS_TEST, title, t, &l.worst[t], ctx);
    }
  }
  free(l.worst);
  free(l.have);
}

/* ---- a test's hover ---------------------------------------------------- */

struct evhover {
  const struct evalgraph *g;
  uint32_t node;
  uint32_t test;
  int64_t now;
  struct buf *out;
  char *(*uri_of)(const char *, void *);
  void *ctx;
  unsigned shown;
};

static void
evhover__link(struct evhover *h, const char *path, uint32_t line)
{
  char *uri = h->uri_of ? h->uri_of(path, h->ctx) : NULL;
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;

  if (uri && line)
    buf_printf(h->out, "[%s](%s#L%u)", base, uri, line);
  else if (uri)
    buf_printf(h->out, "[%s](%s)", base, uri);
  else
    buf_printf(h->out, "`%s`", path);
  free(uri);
}

static void
evhover__outcomes(struct evhover *h, const struct evalfile *rf,
                  const struct evcase *rec)
{
  for (uint32_t i = 0; i < rec->noutcomes; i++) {
    const struct evoutcome *o = &rf->outcomes[rec->outcome0 + i];

    buf_printf(h->out, "\n  - %s %s", o->pass ? "\xE2\x9C\x93" : "\xE2\x9C\x97",
               o->type ? o->type : "check");
    if (!o->pass && o->reason)
      buf_printf(h->out, ": %.200s", o->reason);
  }
}

struct evhover_check {
  struct buf *out;
};

static void
evhover__check(const struct evassert *as, const struct assert_verdict *v,
               void *ctx)
{
  struct evhover_check *c = ctx;

  if (v->outcome == ASSERT_SKIP)
    buf_printf(c->out, "\n- not run: `%s` (%s)", as->type, v->reason);
  else if (v->outcome == ASSERT_PASS)
    buf_printf(c->out, "\n- \xE2\x9C\x93 `%s`", as->type);
  else
    buf_printf(c->out, "\n- \xE2\x9C\x97 `%s`: %s", as->type, v->reason);
}

/* facet's own run of each assertion, on the output there is. */
static void
evhover__local(struct evhover *h, const struct evinst *in, const char *out)
{
  struct evhover_check c = { h->out };

  if (!out)
    out = in->t->output;
  if (!evinst_nasserts(in))
    return;
  buf_printf(h->out, "\n\n**facet's checks** (on the %s output):",
             in->t->output ? "fixed" : out ? "recorded" : "missing");
  evinst_check(in, out, evhover__check, &c);
}

static void
evhover__prompt(const struct evprompt_ref *p, void *ctx)
{
  struct evhover *h = ctx;
  struct evtest_ref t;
  struct evresult r;
  struct evprompt_ref one = *p;
  char title[200];
  char ago[32] = "";
  uint32_t c = evgraph_find(h->g, p->config);
  struct evinst in;

  evgraph_test_ref(h->g, c, h->node, h->test, &t);
  evalgraph_result(h->g, &t, &one, &r);
  evinst_init(&in, h->g, c, h->node, h->test);
  evresult_title(&r, h->now, title, sizeof title);
  buf_printf(h->out, "%s**%s** \xC2\xB7 prompt ", h->shown++ ? "\n\n" : "",
             title);
  if (p->file)
    evhover__link(h, p->file, 0);
  else
    buf_printf(h->out, "'%.60s'", in.cf->prompts[p->prompt].label
                                    ? in.cf->prompts[p->prompt].label : "");
  if (r.rec) {
    evalgraph_ago(r.time, h->now, ago, sizeof ago);
    buf_printf(h->out, "\n\nLast run %s", ago);
    if (r.rec->provider)
      buf_printf(h->out, " with `%s`", r.rec->provider);
    buf_puts(h->out, ", recorded in ");
    evhover__link(h, r.results, 0);
    if (r.rec->reason && r.rec->status != EVSTATUS_PASS)
      buf_printf(h->out, "\n\nReason: %.400s", r.rec->reason);
    evhover__outcomes(h, h->g->nodes[evgraph_find(h->g, r.results)].f,
                      r.rec);
    if (r.stale)
      buf_printf(h->out, "\n\nStale:%s%s%s%s",
                 r.stale & EVSTALE_PROMPT ? " the prompt changed since." : "",
                 r.stale & EVSTALE_TEST ? " the test changed since." : "",
                 r.stale & EVSTALE_SCHEMA ? " its schema changed since." : "",
                 r.stale & EVSTALE_EVALUATORS ? " the evaluators changed."
                                              : "");
  } else if (r.other_suite) {
    buf_puts(h->out, "\n\nNo recorded run of this test was found for "
             "this config: ");
    evhover__link(h, r.other_results, 0);
    if (in.cf->format == FORMAT_GITHUB_MODELS)
      buf_printf(h->out, " holds one under the name '%.200s', and this "
                 "file's name is '%.200s' now. Results are matched to a "
                 "prompt file by its name: run the evals again.",
                 r.other_suite, in.cf->suite);
    else
      buf_printf(h->out, " holds one under the description '%.200s', and "
                 "this config's is '%.200s' now. Results are matched to a "
                 "config by its description, or by its `outputPath`: run "
                 "the evals again, or name that file in `outputPath`.",
                 r.other_suite, in.cf->suite);
  } else {
    buf_puts(h->out, "\n\nNo recorded run of this test was found.");
  }
  evhover__local(h, &in, r.rec ? r.rec->output : NULL);
}

static void
evhover__config(const struct evtest_ref *t, void *ctx)
{
  struct evhover *h = ctx;

  if (t->test == h->test)
    evalgraph_prompts_of_test(h->g, t, evhover__prompt, h);
}

char *
evalgraph_test_hover(const struct evalgraph *self, const char *path,
                     uint32_t off, int64_t now,
                     char *(*uri_of)(const char *, void *), void *ctx)
{
  struct evhover h = { self, evgraph_find(self, path), EVAL_NONE, now, NULL,
                       uri_of, ctx, 0 };
  const struct evalfile *f;
  struct buf out;

  if (h.node == EVAL_NONE || !(f = self->nodes[h.node].f))
    return NULL;
  for (uint32_t t = 0; t < f->ntests && h.test == EVAL_NONE; t++)
    if (off >= f->tests[t].anchor.start && off <= f->tests[t].anchor.end)
      h.test = t;
  if (h.test == EVAL_NONE)
    return NULL;
  buf_init(&out, 1 << 16);
  h.out = &out;
  evalgraph_tests_in(self, path, evhover__config, &h);
  if (!h.shown) {
    buf_release(&out);
    return NULL;
  }
  return buf_detach(&out);
}

/* ---- grade links ------------------------------------------------------- */

struct evgrade {
  const struct evalgraph *g;
  const char *self;
  int64_t now;
  struct grade_links *out;
  const char *files[16];
  size_t nfiles;
};

static void
evgrade__file(struct evgrade *x, const char *file)
{
  for (size_t i = 0; i < x->nfiles; i++)
    if (strcmp(x->files[i], file) == 0)
      return;
  if (x->nfiles < 16)
    x->files[x->nfiles++] = file;
  x->out->files++;
}

static void
evgrade__test(const struct evtest_ref *t, void *ctx)
{
  struct evgrade *x = ctx;

  if (!t->config || strcmp(t->config, x->self) == 0)
    return;
  if (!x->out->tests_where)
    x->out->tests_where = t->file;
  evgrade__file(x, t->file);
}

/* Counts a test's last run into the grade's passed, failed and never run. */
static void
evgrade__tally(struct grade_links *out, const struct evresult *r)
{
  switch (evresult_verdict(r)) {
  case EVVERDICT_PASS:
  case EVVERDICT_LOCAL_PASS:
    out->passed++;
    break;
  case EVVERDICT_FAIL:
  case EVVERDICT_LOCAL_FAIL:
  case EVVERDICT_ERROR:
    out->failed++;
    break;
  default:
    out->never += r->rec == NULL;
    break;
  }
}

/* Counts one test of an eval file: what it checks and how it ran. */
static void
evgrade__config_test(const struct evtest_ref *t, void *ctx)
{
  struct evgrade *x = ctx;
  uint32_t c = evgraph_find(x->g, t->config);
  uint32_t file = evgraph_find(x->g, t->file);
  struct grade_links *out = x->out;
  struct evresult r;
  struct evinst in;
  bool det = false;
  const char *missing;
  uint32_t runs;

  if (strcmp(t->config, x->self) != 0)
    return;
  /* A check whose file resolves nowhere checks nothing. */
  evinst_init(&in, x->g, c, file, t->test);
  runs = evinst_runnable(&in, &missing);
  if (runs == 0 && evinst_nasserts(&in) > 0 && !out->checks_lost++ &&
      !out->check_ref_missing)
    out->check_ref_missing = missing;
  evalgraph_result(x->g, t, NULL, &r);
  evgrade__tally(out, &r);
  out->stale += r.rec && r.stale;
  /* Its own tests count too: the next step asks for a check no model
   * grades only where no test has one. */
  for (uint32_t i = 0; i < evinst_nasserts(&in) && !det; i++) {
    uint32_t owner;
    const struct evassert *as = evinst_assert(&in, i, &owner);

    det = assertion_deterministic(as->type) &&
          evgraph_assert_runs(x->g, owner, as);
  }
  out->deterministic += det;
  if (strcmp(t->file, x->self) == 0) {
    out->checked_own += runs > 0;
    return;
  }
  /* From a test file it reads: what single-file facts could not see. */
  out->tests_elsewhere++;
  out->checked += runs > 0;
  if (!out->tests_where)
    out->tests_where = t->file;
  evgrade__file(x, t->file);
}

static void
evgrade__config_each(const struct evalgraph *g, uint32_t c, uint32_t file,
                     uint32_t test, void *ctx)
{
  struct evtest_ref ref;

  evgraph_test_ref(g, c, file, test, &ref);
  evgrade__config_test(&ref, ctx);
}

static void
evgrade__schema(const char *schema, void *ctx)
{
  struct evgrade *x = ctx;

  if (!x->out->schema_elsewhere)
    x->out->schema_elsewhere = schema;
}

/* What crystallise made of the prompt: a schema file that records one of
 * its fragments pins its output, a validator that records one enforces
 * it in code. Tests that record a fragment count as tests, where the
 * config that holds them runs the prompt. */
static void
evgrade__record(const struct evrecord_ref *r, void *ctx)
{
  struct grade_links *out = ctx;

  if (r->rec->kind == PROVENANCE_SCHEMA && !out->schema_elsewhere)
    out->schema_elsewhere = r->file;
  else if (r->rec->kind == PROVENANCE_CODE && !out->enforced_in_code) {
    out->enforced_in_code = true;
    out->code_where = r->file;
  }
}

/* The tests of other files that exercise the prompt, and the schemas
 * they check its output against. */
static void
evgrade__elsewhere(const struct evalgraph *self, const char *path,
                   int64_t now, const struct evalfile *own,
                   struct evgrade *x)
{
  struct grade_links *out = x->out;
  struct evsummary s;

  evalgraph_summarise(self, path, now, &s);
  if (own->ntests) {
    /* Count only what other files contribute. */
    s.tests = s.tests > own->ntests ? s.tests - (unsigned)own->ntests : 0;
  }
  out->tests_elsewhere = s.tests;
  out->checked = s.with_checks;
  out->deterministic = s.deterministic;
  out->passed = s.passed;
  out->failed = s.failed + s.errored;
  out->stale = s.stale;
  out->never = s.never;
  out->checks_lost = s.checks_missing;
  out->check_ref_missing = s.check_missing;
  evalgraph_schemas_of_prompt(self, path, evgrade__schema, x);
}

/* A check file that resolves nowhere, counted once however often it is
 * named, as its finding is reported. */
static void
evgrade__check_ref(const struct evnode *n, uint32_t r,
                   struct grade_links *out)
{
  const struct evref *ref = &n->f->refs[r];

  for (uint32_t k = 0; k < r; k++)
    if (!n->res[k].count && n->f->refs[k].kind == EVREF_ASSERT &&
        !n->f->refs[k].quiet && strcmp(n->f->refs[k].path, ref->path) == 0)
      return;
  if (!out->check_refs_missing++)
    out->check_ref_missing = ref->path;
}

/*
 * The own tests of an eval file no config reads them as (a promptfoo
 * tests file alone): which still check something, by their own checks.
 */
static void
evgrade__own_checks(const struct evalgraph *g, uint32_t i,
                    struct grade_links *out)
{
  const struct evalfile *f = g->nodes[i].f;

  for (uint32_t t = 0; t < f->ntests; t++) {
    const struct evtest *test = &f->tests[t];
    uint32_t runs = 0;

    for (uint32_t k = 0; k < test->nasserts; k++)
      runs += evgraph_assert_runs(g, i, &f->asserts[test->assert0 + k]);
    out->checked_own += runs > 0;
    out->checks_lost += runs == 0 && test->nasserts > 0;
  }
}

/* A promptfoo test file's tests, each as every config that reads it
 * runs it. */
struct evgrade_rows {
  const struct evalgraph *g;
  struct grade_links *out;
  uint8_t *checked;          /* per test: 1 no check runs, 2 one runs */
  bool *det;
  struct evresult *worst;
  bool *have;
};

static void
evgrade__row(const struct evtest_ref *t, void *ctx)
{
  struct evgrade_rows *x = ctx;
  uint32_t c = evgraph_find(x->g, t->config);
  uint32_t file = evgraph_find(x->g, t->file);
  const char *missing = NULL;
  struct evinst in;
  struct evresult r;

  evinst_init(&in, x->g, c, file, t->test);
  /* Its config's defaultTest checks count: they run on every row. */
  if (evinst_runnable(&in, &missing) > 0) {
    x->checked[t->test] = 2;
  } else if (evinst_nasserts(&in) > 0 && x->checked[t->test] < 2) {
    x->checked[t->test] = 1;
    if (!x->out->check_ref_missing)
      x->out->check_ref_missing = missing;
  }
  for (uint32_t i = 0; i < evinst_nasserts(&in) && !x->det[t->test]; i++) {
    uint32_t owner;
    const struct evassert *as = evinst_assert(&in, i, &owner);

    x->det[t->test] = assertion_deterministic(as->type) &&
                      evgraph_assert_runs(x->g, owner, as);
  }
  evalgraph_result(x->g, t, NULL, &r);
  evresult_merge(&x->worst[t->test], &r, !x->have[t->test]);
  x->have[t->test] = true;
}

/*
 * A test file's grade counts what its configs add: a test checked by a
 * defaultTest assertion is checked (its rows may have no __expected), and
 * the last runs of its tests decide the next step, as for a config.
 */
static void
evgrade__test_file(const struct evalgraph *g, const char *path,
                   const struct evalfile *f, struct grade_links *out)
{
  struct evgrade_rows x = { g, out, NULL, NULL, NULL, NULL };

  if (!f->ntests)
    return;
  x.checked = calloc(f->ntests, sizeof *x.checked);
  x.det = calloc(f->ntests, sizeof *x.det);
  x.worst = calloc(f->ntests, sizeof *x.worst);
  x.have = calloc(f->ntests, sizeof *x.have);
  if (x.checked && x.det && x.worst && x.have &&
      evalgraph_tests_in(g, path, evgrade__row, &x) > 0)
    for (uint32_t t = 0; t < f->ntests; t++) {
      if (!x.have[t])
        continue;
      out->checked_own += x.checked[t] == 2;
      out->checks_lost += x.checked[t] == 1;
      out->deterministic += x.det[t];
      evgrade__tally(out, &x.worst[t]);
      out->stale += x.worst[t].rec && x.worst[t].stale;
    }
  free(x.checked);
  free(x.det);
  free(x.worst);
  free(x.have);
}

/*
 * The eval file's references to its cases: a test file or samples file
 * that resolves nowhere holds no tests (its finding says so, and the
 * grade must agree); one that resolves to a file facet reads no tests
 * from (code that generates them) still counts as one test, as alone.
 */
static void
evgrade__test_refs(const struct evalgraph *g, uint32_t i,
                   struct grade_links *out)
{
  const struct evnode *n = &g->nodes[i];
  const struct evalfile *f = n->f;
  uint32_t last_entry = EVAL_NONE;

  for (uint32_t r = 0; n->res && r < f->nrefs; r++) {
    const struct evref *ref = &f->refs[r];
    bool dup = false;

    /* An entry whose rubric is missing cannot grade, so it runs nothing;
     * its entry is counted once with its samples. */
    if (ref->kind == EVREF_SPEC && !n->res[r].count) {
      out->test_refs_read = true;
      if (!out->spec_missing++)
        out->spec_name = ref->path;
      if (ref->owner != last_entry)
        out->samples_missing++;
      last_entry = ref->owner;
      continue;
    }
    if (ref->kind == EVREF_ASSERT && !n->res[r].count && !ref->quiet) {
      evgrade__check_ref(n, r, out);
      continue;
    }
    if ((ref->kind != EVREF_TESTS && ref->kind != EVREF_SAMPLES) ||
        ref->quiet)
      continue;
    out->test_refs_read = true;
    for (uint32_t k = 0; ref->kind == EVREF_TESTS && k < n->res[r].count;
         k++) {
      const struct evalfile *tf = g->nodes[n->targets[n->res[r].first + k]].f;

      out->test_refs_opaque += !tf ||
                               tf->format != FORMAT_PROMPTFOO_TESTS;
    }
    if (n->res[r].count)
      continue;
    if (ref->kind == EVREF_SAMPLES && ref->owner != last_entry)
      out->samples_missing++;
    if (ref->kind == EVREF_SAMPLES)
      last_entry = ref->owner;
    /* Named twice, missing once: as its finding is reported. */
    for (uint32_t k = 0; k < r && !dup; k++)
      dup = !n->res[k].count && f->refs[k].kind == ref->kind &&
            !f->refs[k].quiet && strcmp(f->refs[k].path, ref->path) == 0;
    if (dup)
      continue;
    if (!out->test_refs_missing++)
      out->test_ref_missing = ref->path;
  }
}

/* Whether the registry entry owner of node i has samples that resolve. */
static bool
evgrade__entry_runs(const struct evalgraph *g, uint32_t i, uint32_t owner)
{
  const struct evnode *n = &g->nodes[i];

  for (uint32_t r = 0; n->res && r < n->f->nrefs; r++)
    if (n->f->refs[r].kind == EVREF_SAMPLES &&
        n->f->refs[r].owner == owner && n->res[r].count)
      return true;
  return false;
}

/* The evals that grade with the specs node i defines. */
static void
evgrade__graders(const struct evalgraph *g, uint32_t i,
                 struct grade_links *out)
{
  const struct evnode *n = &g->nodes[i];

  for (size_t k = 0; k < n->nin; k++) {
    const struct evref *ref = evgraph_in_ref(g, &n->in[k]);

    if (!ref || ref->kind != EVREF_SPEC)
      continue;
    out->graded_by++;
    out->graded_by_runnable += evgrade__entry_runs(g, n->in[k].node,
                                                   ref->owner);
    if (!out->graded_by_where) {
      out->graded_by_where = g->nodes[n->in[k].node].path;
      out->graded_spec = ref->path;
    }
  }
}

void
evalgraph_grade_links(const struct evalgraph *self, const char *path,
                      int64_t now, struct grade_links *out)
{
  struct evgrade x = { self, path, now, out, { 0 }, 0 };
  uint32_t i = evgraph_find(self, path);
  const struct evalfile *own = i == EVAL_NONE ? NULL : self->nodes[i].f;

  memset(out, 0, sizeof *out);
  if (!own)
    return;
  if (own->kind == ARTIFACT_EVAL)
    evgrade__test_refs(self, i, out);
  if (own->nnames)
    evgrade__graders(self, i, out);
  if (own->format == FORMAT_PROMPTFOO) {
    evgraph_config_tests(self, i, evgrade__config_each, &x);
    return;
  }
  if (own->format == FORMAT_PROMPTFOO_TESTS)
    evgrade__test_file(self, path, own, out);
  else if (own->kind == ARTIFACT_EVAL && self->nodes[i].res)
    evgrade__own_checks(self, i, out);
  evalgraph_tests_of_prompt(self, path, evgrade__test, &x);
  /* Its own tests (a .prompt.yml's testData) are its facts already, but
   * what their last runs came to is not: counted with the others'. */
  if (x.out->tests_where || (own->kind == ARTIFACT_PROMPT && own->ntests))
    evgrade__elsewhere(self, path, now, own, &x);
  if (own->kind == ARTIFACT_PROMPT)
    evalgraph_records_of_prompt(self, path, evgrade__record, out);
  /* A schema that tests check outputs against is part of an eval. */
  for (size_t k = 0; own->kind == ARTIFACT_SCHEMA && !out->checked_in &&
                     k < self->nodes[i].nin; k++) {
    const struct evin *in = &self->nodes[i].in[k];
    const struct evref *ref = evgraph_in_ref(self, in);

    if (ref && ref->schema && self->nodes[in->node].alive)
      out->checked_in = self->nodes[in->node].path;
  }
}
