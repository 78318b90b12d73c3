/*
 * Where a test stands: its recorded case matched and checked for
 * staleness, facet's own run of its deterministic assertions, the titles
 * lenses show, a prompt's summary, the findings that span files, and the
 * links a grade counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assert_eval.h"
#include "assertion.h"
#include "buf.h"
#include "diag.h"
#include "evalgraph_internal.h"
#include "pathglob.h"

/* Characters of a reason a lens title shows. */
#define EVRESULT_REASON_MAX 72

void
evinst_init(struct evinst *in, const struct evalgraph *g, uint32_t c,
             uint32_t file, uint32_t test)
{
  in->g = g;
  in->c = c;
  in->file = file;
  in->test = test;
  in->cf = g->nodes[c].f;
  in->tf = g->nodes[file].f;
  in->t = &in->tf->tests[test];
  in->keyed = false;
}

/* The test's value of name: its own, else the config's default. */
const struct evvar *
evinst_var(const struct evinst *in, const char *name)
{
  for (uint32_t i = 0; i < in->t->nvars; i++)
    if (strcmp(in->tf->vars[in->t->var0 + i].name, name) == 0)
      return &in->tf->vars[in->t->var0 + i];
  for (uint32_t i = 0; i < in->cf->ndefault_vars; i++)
    if (strcmp(in->cf->vars[in->cf->default_var0 + i].name, name) == 0)
      return &in->cf->vars[in->cf->default_var0 + i];
  return NULL;
}

/* Calls fn for every variable the test runs with, defaults included. */
bool
evinst_each_var(const struct evinst *in,
                 bool (*fn)(const struct evvar *v, void *ctx), void *ctx)
{
  for (uint32_t i = 0; i < in->t->nvars; i++)
    if (!fn(&in->tf->vars[in->t->var0 + i], ctx))
      return false;
  for (uint32_t i = 0; i < in->cf->ndefault_vars; i++) {
    const struct evvar *d = &in->cf->vars[in->cf->default_var0 + i];
    bool own = false;

    for (uint32_t k = 0; k < in->t->nvars && !own; k++)
      own = strcmp(in->tf->vars[in->t->var0 + k].name, d->name) == 0;
    if (!own && !fn(d, ctx))
      return false;
  }
  return true;
}

/* The i-th assertion of the test, its own first, then the defaults. */
const struct evassert *
evinst_assert(const struct evinst *in, uint32_t i, uint32_t *owner_node)
{
  if (i < in->t->nasserts) {
    *owner_node = in->file;
    return &in->tf->asserts[in->t->assert0 + i];
  }
  i -= in->t->nasserts;
  *owner_node = in->c;
  return i < in->cf->ndefault_asserts
           ? &in->cf->asserts[in->cf->default_assert0 + i] : NULL;
}

uint32_t
evinst_nasserts(const struct evinst *in)
{
  return in->t->nasserts + in->cf->ndefault_asserts;
}

bool
evgraph_assert_runs(const struct evalgraph *g, uint32_t node,
                    const struct evassert *as)
{
  const struct evnode *n = &g->nodes[node];

  if (!as || as->ref == EVAL_NONE || !n->res || as->ref >= n->f->nrefs)
    return true;
  return n->res[as->ref].count > 0 || n->f->refs[as->ref].quiet;
}

uint32_t
evinst_runnable(const struct evinst *in, const char **missing)
{
  uint32_t runs = 0;

  if (missing)
    *missing = NULL;
  for (uint32_t i = 0; i < evinst_nasserts(in); i++) {
    uint32_t owner;
    const struct evassert *as = evinst_assert(in, i, &owner);

    if (evgraph_assert_runs(in->g, owner, as))
      runs++;
    else if (missing && !*missing)
      *missing = in->g->nodes[owner].f->refs[as->ref].path;
  }
  return runs;
}

/* ---- matching a recorded case ------------------------------------------ */

struct evvars_key {
  uint64_t sum;
  size_t count;
  bool ok;                    /* no variable is read from a file */
};

static bool
evinst__sum_var(const struct evvar *v, void *ctx)
{
  struct evvars_key *k = ctx;

  if (!v->text)
    k->ok = false;
  else
    k->sum += evgraph_var_key(v->name, v->text);
  k->count++;
  return true;
}

struct evvars_check {
  const struct evalfile *rf;
  const struct evcase *rec;
  bool agree;
  size_t count;
};

static bool
evinst__check_var(const struct evvar *v, void *ctx)
{
  struct evvars_check *k = ctx;
  bool found = false;

  k->count++;
  for (uint32_t i = 0; i < k->rec->nvars && !found; i++) {
    const struct evvar *r = &k->rf->vars[k->rec->var0 + i];

    if (strcmp(r->name, v->name) != 0)
      continue;
    found = true;
    if (v->text && (!r->text || strcmp(r->text, v->text) != 0))
      k->agree = false;
  }
  if (!found)
    k->agree = false;
  return true;
}

/* Whether the case ran with the variables the test sets now. */
static bool
evinst__vars_agree(const struct evinst *in, const struct evalfile *rf,
                   const struct evcase *rec)
{
  struct evvars_check k = { rf, rec, true, 0 };

  if (rf->tool == EVTOOL_JUNIT)
    return true;  /* JUnit records no variables */
  evinst_each_var(in, evinst__check_var, &k);
  return k.agree && k.count == rec->nvars;
}

static uint64_t
evinst__asserts_hash(const struct evinst *in)
{
  uint64_t sum = 0;
  uint32_t owner;

  for (uint32_t i = 0; i < evinst_nasserts(in); i++)
    sum += evinst_assert(in, i, &owner)->hash;
  return sum ? sum : 1;
}

static bool
evgraph__tool_fits(const struct evalfile *cf, const struct evalfile *rf)
{
  if (rf->tool == EVTOOL_JUNIT)
    return true;
  if (cf->format == FORMAT_PROMPTFOO)
    return rf->tool == EVTOOL_PROMPTFOO;
  return cf->format == FORMAT_GITHUB_MODELS &&
         rf->tool == EVTOOL_GITHUB_MODELS;
}

/* Whether a piece of the prompt file node p has the template hash h. */
static bool
evgraph__file_has(const struct evalgraph *g, uint32_t p, uint64_t h)
{
  const struct evalfile *f = p == EVAL_NONE ? NULL : g->nodes[p].f;

  for (size_t i = 0; f && i < f->npieces; i++)
    if (f->pieces[i].hash == h)
      return true;
  return false;
}

enum evprompt_match {
  EVPROMPT_OTHER,   /* the case is of another prompt */
  EVPROMPT_CHANGED, /* of this prompt, whose text has changed since */
  EVPROMPT_SAME,    /* of this prompt as it is now (or cannot tell) */
};

static enum evprompt_match
evinst__prompt_match(const struct evinst *in, uint32_t p,
                     const struct evcase *rec)
{
  const struct evprompt *ep = &in->cf->prompts[p];
  uint32_t file = evgraph_prompt_file(in->g, in->c, p);
  const struct evref *ref = ep->ref != EVAL_NONE ? &in->cf->refs[ep->ref]
                                                 : NULL;

  if (rec->prompt_hash == 0 || ep->self)
    return EVPROMPT_SAME;
  if (file != EVAL_NONE ? evgraph__file_has(in->g, file, rec->prompt_hash)
                        : ep->hash == rec->prompt_hash)
    return EVPROMPT_SAME;
  if (rec->prompt_label && ep->label &&
      (strcmp(rec->prompt_label, ep->label) == 0 ||
       (ref && strstr(rec->prompt_label, ref->path))))
    return EVPROMPT_CHANGED;
  return in->cf->nprompts == 1 ? EVPROMPT_CHANGED : EVPROMPT_OTHER;
}

/* When the file at node n last changed, or 0. */
static int64_t
evgraph__mtime(const struct evalgraph *g, uint32_t n)
{
  return n == EVAL_NONE || !g->nodes[n].f ? 0 : g->nodes[n].f->file_time;
}

/* Whether a schema an assertion of the test names changed after t. */
static bool
evinst__schema_newer(const struct evinst *in, int64_t t)
{
  for (uint32_t i = 0; i < evinst_nasserts(in); i++) {
    uint32_t owner;
    const struct evassert *as = evinst_assert(in, i, &owner);
    const struct evnode *n = &in->g->nodes[owner];

    if (as->ref == EVAL_NONE || !n->f->refs[as->ref].schema || !n->res ||
        n->res[as->ref].count == 0)
      continue;
    if (evgraph__mtime(in->g, n->targets[n->res[as->ref].first]) > t)
      return true;
  }
  return false;
}

/* Whether the evaluators the case reports are the file's evaluators. */
static bool
evinst__evaluators_agree(const struct evinst *in, const struct evalfile *rf,
                         const struct evcase *rec)
{
  uint32_t n = 0;

  if (rf->tool != EVTOOL_GITHUB_MODELS)
    return true;
  for (uint32_t i = 0; i < in->cf->ndefault_asserts; i++) {
    const char *name = in->cf->asserts[in->cf->default_assert0 + i].name;
    bool found = false;

    for (uint32_t k = 0; k < rec->noutcomes && !found; k++) {
      const char *got = rf->outcomes[rec->outcome0 + k].type;

      found = name && got && strcmp(name, got) == 0;
    }
    n += found;
  }
  return n == in->cf->ndefault_asserts && n == rec->noutcomes;
}

struct evcandidate {
  const struct evalfile *rf;
  const struct evcase *rec;
  uint32_t node;
  int score;                  /* higher is a better match */
  unsigned stale;
  int64_t time;
  /* A case that would match but for the suite it records (the config's
   * description, the .prompt.yml's name, changed since the run). */
  const char *miss_suite;
  uint32_t miss_node;
};

/* Whether results node is the file config c names as its outputPath:
 * the config wrote it, whatever its description says now. */
static bool
evinst__output_of(const struct evinst *in, uint32_t node)
{
  const struct evnode *n = &in->g->nodes[in->c];

  for (uint32_t r = 0; n->res && r < in->cf->nrefs; r++)
    for (uint32_t k = 0; in->cf->refs[r].kind == EVREF_RESULTS &&
                         k < n->res[r].count; k++)
      if (n->targets[n->res[r].first + k] == node)
        return true;
  return false;
}

/* How bad a recorded status is: higher is worse, as lenses rank them. */
static int
evinst__status_rank(uint8_t status)
{
  switch (status) {
  case EVSTATUS_FAIL:
    return 3;
  case EVSTATUS_ERROR:
    return 2;
  case EVSTATUS_SKIP:
    return 1;
  default:
    return 0;
  }
}

static void
evinst__consider(const struct evinst *in, uint32_t p, uint32_t node,
                 uint32_t index, bool by_desc, struct evcandidate *best)
{
  const struct evalfile *rf = in->g->nodes[node].f;
  const struct evcase *rec = &rf->cases[index];
  bool same_desc = rec->description && in->t->description &&
                   evgraph_desc_same(rec->description, in->t->description);
  enum evprompt_match pm;
  struct evcandidate c = { rf, rec, node, 0, 0, rec->time, NULL, 0 };
  bool other_suite;
  bool vars;

  if (!evgraph__tool_fits(in->cf, rf))
    return;
  other_suite = rf->tool != EVTOOL_JUNIT && rf->suite && in->cf->suite &&
                strcmp(rf->suite, in->cf->suite) != 0;
  if (by_desc && !same_desc)
    return;
  if (rf->tool == EVTOOL_JUNIT && !in->t->described)
    return;
  pm = evinst__prompt_match(in, p, rec);
  if (pm == EVPROMPT_OTHER)
    return;
  vars = evinst__vars_agree(in, rf, rec);
  /* Neither its description nor its variables: another test's run. A
   * row of a test file whose variables changed since is still found by
   * its "Row #N", and its run is stale (below). */
  if (!vars && !same_desc)
    return;
  /* Another suite's run, unless the config names this file as its
   * outputPath; kept to say why the test shows no run. */
  if (other_suite && !evinst__output_of(in, node)) {
    if (!best->miss_suite) {
      best->miss_suite = rf->suite;
      best->miss_node = node;
    }
    return;
  }
  c.miss_suite = best->miss_suite;
  c.miss_node = best->miss_node;
  if (!c.time)
    c.time = rf->time ? rf->time : rf->file_time;
  /* The variables count for more than the description: a row that moved
   * (another "Row #N" now) is the run whose variables it has. */
  c.score = 1 + 2 * vars + same_desc;
  if (!vars || (rec->asserts_hash && rec->asserts_hash !=
                                     evinst__asserts_hash(in)) ||
      !evinst__evaluators_agree(in, rf, rec))
    c.stale |= EVSTALE_TEST;
  if (pm == EVPROMPT_CHANGED)
    c.stale |= EVSTALE_PROMPT;
  /* Without the template in the results, the prompt file's time tells. */
  if (rec->prompt_hash == 0 && c.time &&
      evgraph__mtime(in->g, evgraph_prompt_file(in->g, in->c, p)) > c.time)
    c.stale |= EVSTALE_PROMPT;
  if (c.time && evinst__schema_newer(in, c.time))
    c.stale |= EVSTALE_SCHEMA;
  /* Two cases alike (a JUnit file naming two test cases the same): the
   * worse one stands, so a failure is not hidden behind a pass. */
  if (!best->rec || c.score > best->score ||
      (c.score == best->score && c.time > best->time) ||
      (c.score == best->score && c.time == best->time &&
       evinst__status_rank(rec->status) >
         evinst__status_rank(best->rec->status)))
    *best = c;
}

void
evinst_keys(struct evinst *in)
{
  struct evvars_key vk = { 0, 0, true };

  in->desc_key = in->t->description ? evgraph_desc_key(in->t->description)
                                    : 0;
  evinst_each_var(in, evinst__sum_var, &vk);
  in->vars_key = vk.sum;
  in->vars_ok = vk.ok;
  in->keyed = true;
}

/* The recorded case that best matches the test run against prompt p. */
static void
evinst__match(const struct evinst *in, uint32_t p, struct evcandidate *best)
{
  const struct evalgraph *g = in->g;
  struct evvars_key vk = { 0, 0, true };

  memset(best, 0, sizeof *best);
  evgraph_keys(g);
  if (in->t->description) {
    uint64_t key = in->keyed ? in->desc_key
                             : evgraph_desc_key(in->t->description);

    for (size_t i = evgraph_lower(g->by_desc, g->nby_desc, key);
         i < g->nby_desc && g->by_desc[i].key == key; i++)
      evinst__consider(in, p, g->by_desc[i].node, g->by_desc[i].index, true,
                       best);
  }
  if (in->keyed) {
    vk.sum = in->vars_key;
    vk.ok = in->vars_ok;
  } else {
    evinst_each_var(in, evinst__sum_var, &vk);
  }
  if (!vk.ok)
    return;
  for (size_t i = evgraph_lower(g->by_vars, g->nby_vars, vk.sum);
       i < g->nby_vars && g->by_vars[i].key == vk.sum; i++)
    evinst__consider(in, p, g->by_vars[i].node, g->by_vars[i].index, false,
                     best);
}

/* ---- facet's own run of the assertions --------------------------------- */

struct evinst_env {
  const struct evinst *in;
  uint32_t owner;
};

static const char *
evinst__env_var(void *ctx, const char *name)
{
  const struct evinst_env *e = ctx;
  const struct evvar *v = evinst_var(e->in, name);

  return v ? v->text : NULL;
}

static char *
evinst__env_schema(void *ctx, const struct evassert *as, size_t *len,
                   char *why, size_t size)
{
  const struct evinst_env *e = ctx;
  const struct evalgraph *g = e->in->g;
  const struct evnode *n = &g->nodes[e->owner];

  if (as->ref == EVAL_NONE || !n->res || n->res[as->ref].count == 0) {
    bool inside = as->ref != EVAL_NONE &&
                  evgraph_ref_inside(g, e->owner, &n->f->refs[as->ref]);

    snprintf(why, size, "%s", inside ? "it does not exist"
                                     : "it is not in the workspace");
    return NULL;
  }
  if (!g->has_io) {
    snprintf(why, size, "files are not read here");
    return NULL;
  }
  return g->io.read(g->io.ctx, g->nodes[n->targets[n->res[as->ref].first]]
                                 .path, len, why, size);
}

void
evinst_check(const struct evinst *in, const char *output,
             void (*fn)(const struct evassert *as,
                        const struct assert_verdict *v, void *ctx),
             void *ctx)
{
  struct evinst_env e = { in, in->file };
  struct assert_env env = { evinst__env_var, evinst__env_schema, &e,
                            in->cf->format == FORMAT_GITHUB_MODELS };

  for (uint32_t i = 0; i < evinst_nasserts(in); i++) {
    const struct evassert *as = evinst_assert(in, i, &e.owner);
    struct evassert copy = *as;
    struct assert_verdict v;

    if (in->t->transformed)
      copy.flags |= EVASSERT_TRANSFORMED;
    assert_eval(&copy, output, output ? strlen(output) : 0, &env, &v);
    fn(as, &v, ctx);
  }
}

static void
evinst__tally(const struct evassert *as, const struct assert_verdict *v,
              void *ctx)
{
  struct evresult *out = ctx;

  (void)as;
  if (v->outcome == ASSERT_SKIP) {
    out->skipped++;
    return;
  }
  out->ran++;
  if (v->outcome == ASSERT_FAIL && out->local != EVLOCAL_FAIL) {
    out->local = EVLOCAL_FAIL;
    snprintf(out->local_reason, sizeof out->local_reason, "%s", v->reason);
  }
}

static void
evinst__local(const struct evinst *in, const char *output,
              struct evresult *out)
{
  out->local = EVLOCAL_NONE;
  out->ran = out->skipped = 0;
  /* With no output every check skips; a config of a thousand tests is
   * tallied on each edit, so say so without asking each one. */
  if (!output) {
    out->skipped = evinst_nasserts(in);
    return;
  }
  evinst_check(in, output, evinst__tally, out);
  if (out->ran && out->local != EVLOCAL_FAIL)
    out->local = EVLOCAL_PASS;
}

/* ---- results ----------------------------------------------------------- */

int
evresult_rank(const struct evresult *r)
{
  static const int rank[] = {
    [EVVERDICT_PASS] = 0, [EVVERDICT_LOCAL_PASS] = 1, [EVVERDICT_SKIP] = 2,
    [EVVERDICT_NEVER] = 3, [EVVERDICT_ERROR] = 4, [EVVERDICT_FAIL] = 5,
    [EVVERDICT_LOCAL_FAIL] = 6,
  };

  return rank[evresult_verdict(r)];
}

void
evinst_result(const struct evinst *in, uint32_t p, struct evresult *out)
{
  struct evcandidate best;
  const char *output = in->t->output;

  memset(out, 0, sizeof *out);
  evinst__match(in, p, &best);
  if (!best.rec && best.miss_suite) {
    out->other_suite = best.miss_suite;
    out->other_results = in->g->nodes[best.miss_node].path;
  }
  if (best.rec) {
    out->status = best.rec->status;
    out->stale = best.stale;
    out->time = best.time;
    out->results = in->g->nodes[best.node].path;
    out->rec = best.rec;
    if (!output)
      output = best.rec->output;
  }
  /* A fresh record is the tools' verdict; facet checks again only what
   * changed since, or what was never run. */
  if (!best.rec || (best.stale & EVSTALE_TEST))
    evinst__local(in, output, out);
  out->verdicts = 1u << evresult_verdict(out);
}

void
evresult_merge(struct evresult *worst, const struct evresult *r, bool first)
{
  unsigned stale = first ? r->stale : worst->stale | r->stale;
  unsigned verdicts = first ? r->verdicts : worst->verdicts | r->verdicts;

  if (first || evresult_rank(r) > evresult_rank(worst) ||
      (evresult_rank(r) == evresult_rank(worst) && r->time > worst->time))
    *worst = *r;
  worst->stale = stale;
  worst->verdicts = verdicts;
}

void
evalgraph_result(const struct evalgraph *self, const struct evtest_ref *test,
                 const struct evprompt_ref *prompt, struct evresult *out)
{
  uint32_t c = evgraph_find(self, test->config);
  uint32_t file = evgraph_find(self, test->file);
  struct evinst in;
  bool any = false;

  memset(out, 0, sizeof *out);
  if (c == EVAL_NONE || file == EVAL_NONE || !self->nodes[c].f ||
      !self->nodes[file].f || test->test >= self->nodes[file].f->ntests)
    return;
  evinst_init(&in, self, c, file, test->test);
  if (!prompt)
    evinst_keys(&in);
  for (uint32_t p = 0; p < in.cf->nprompts; p++) {
    struct evresult r;

    if ((prompt && prompt->prompt != p) ||
        !evgraph_test_runs(self, c, file, test->test, p))
      continue;
    evinst_result(&in, p, &r);
    evresult_merge(out, &r, !any);
    any = true;
  }
}

enum evverdict
evresult_verdict(const struct evresult *r)
{
  if (r->local == EVLOCAL_FAIL)
    return EVVERDICT_LOCAL_FAIL;
  switch (r->status) {
  case EVSTATUS_PASS:
    return EVVERDICT_PASS;
  case EVSTATUS_FAIL:
    return EVVERDICT_FAIL;
  case EVSTATUS_ERROR:
    return EVVERDICT_ERROR;
  case EVSTATUS_SKIP:
    return EVVERDICT_SKIP;
  default:
    break;
  }
  return r->local == EVLOCAL_PASS && r->skipped == 0 ? EVVERDICT_LOCAL_PASS
                                                     : EVVERDICT_NEVER;
}

void
evalgraph_ago(int64_t then, int64_t now, char *out, size_t size)
{
  int64_t d = now - then;

  if (d < 60)
    snprintf(out, size, "just now");
  else if (d < 3600)
    snprintf(out, size, "%lld min ago", (long long)(d / 60));
  else if (d < 86400)
    snprintf(out, size, "%lld h ago", (long long)(d / 3600));
  else if (d < 60 * 86400)
    snprintf(out, size, "%lld d ago", (long long)(d / 86400));
  else {
    time_t t = (time_t)then;
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, size, "on %Y-%m-%d", &tm);
  }
}

/* A reason cut to fit a title, on a character boundary, one line. */
static void
evresult__reason(const char *s, char *out, size_t size)
{
  size_t n = strcspn(s ? s : "", "\r\n");
  size_t cut = n;

  if (!s || !*s) {
    snprintf(out, size, "no reason recorded");
    return;
  }
  if (cut > EVRESULT_REASON_MAX) {
    cut = EVRESULT_REASON_MAX;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
      cut--;
  }
  snprintf(out, size, "%.*s%s", (int)cut, s, cut < n ? "\xE2\x80\xA6" : "");
}

void
evresult_title(const struct evresult *r, int64_t now, char *out, size_t size)
{
  char ago[32] = "";
  char reason[EVRESULT_REASON_MAX + 8];
  char stale[64];
  enum evverdict v = evresult_verdict(r);
  bool failed = v == EVVERDICT_FAIL || v == EVVERDICT_LOCAL_FAIL;

  /* The worst of several prompts' results is shown; a run that ended
   * otherwise badly against another is named, so neither hides. */
  snprintf(stale, sizeof stale, "%s%s%s",
           (r->verdicts & (1u << EVVERDICT_ERROR)) && v != EVVERDICT_ERROR
             ? " \xC2\xB7 also \xE2\x9A\xA0 errored" : "",
           (r->verdicts & ((1u << EVVERDICT_FAIL) |
                           (1u << EVVERDICT_LOCAL_FAIL))) && !failed
             ? " \xC2\xB7 also \xE2\x9C\x97 failed" : "",
           r->stale ? " \xC2\xB7 stale" : "");

  if (r->time)
    evalgraph_ago(r->time, now, ago, sizeof ago);
  switch (v) {
  case EVVERDICT_LOCAL_FAIL:
    evresult__reason(r->local_reason, reason, sizeof reason);
    snprintf(out, size, "\xE2\x9C\x97 failed: %s%s", reason, stale);
    return;
  case EVVERDICT_FAIL:
    evresult__reason(r->rec ? r->rec->reason : NULL, reason, sizeof reason);
    snprintf(out, size, "\xE2\x9C\x97 failed %s: %s%s", ago, reason, stale);
    return;
  case EVVERDICT_ERROR:
    evresult__reason(r->rec ? r->rec->reason : NULL, reason, sizeof reason);
    snprintf(out, size, "\xE2\x9A\xA0 errored %s: %s%s", ago, reason, stale);
    return;
  case EVVERDICT_PASS:
    snprintf(out, size, "\xE2\x9C\x93 passed %s%s", ago, stale);
    return;
  case EVVERDICT_SKIP:
    snprintf(out, size, "\xE2\x97\x8B skipped %s%s", ago, stale);
    return;
  case EVVERDICT_LOCAL_PASS:
    snprintf(out, size, "\xE2\x9C\x93 passes locally%s", stale);
    return;
  case EVVERDICT_NEVER:
    break;
  }
  if (r->other_suite) {
    evresult__reason(r->other_suite, reason, sizeof reason);
    snprintf(out, size, "\xE2\x97\x8B never run \xC2\xB7 its runs are "
             "recorded under '%s'%s", reason, stale);
    return;
  }
  snprintf(out, size, "\xE2\x97\x8B never run%s", stale);
}

/* ---- summaries --------------------------------------------------------- */

struct evsum_ctx {
  const struct evalgraph *g;
  int64_t now;
  struct evsummary *s;
  uint32_t prompt;           /* the prompt file node, or EVAL_NONE */
  bool (*keep)(const struct evtest_ref *t, void *ctx);
  void *keep_ctx;
};

static bool
evinst__deterministic(const struct evinst *in, bool *any)
{
  bool det = false;
  uint32_t owner;

  /* A check that cannot run (its file resolves nowhere) checks nothing. */
  *any = evinst_runnable(in, NULL) > 0;
  for (uint32_t i = 0; i < evinst_nasserts(in) && !det; i++) {
    const struct evassert *as = evinst_assert(in, i, &owner);

    det = assertion_deterministic(as->type) &&
          evgraph_assert_runs(in->g, owner, as);
  }
  /* A registry's samples are checked by its class, without a model. */
  return det;
}

static void
evsum__count(struct evsummary *s, const struct evresult *r,
             const struct evinst *in)
{
  bool any;

  s->tests++;
  if (evinst__deterministic(in, &any))
    s->deterministic++;
  s->with_checks += any;
  if (!any && evinst_nasserts(in) > 0) {
    const char *missing;

    evinst_runnable(in, &missing);
    if (!s->checks_missing++)
      s->check_missing = missing;
  }
  switch (evresult_verdict(r)) {
  case EVVERDICT_PASS:
  case EVVERDICT_LOCAL_PASS:
    s->passed++;
    break;
  case EVVERDICT_FAIL:
  case EVVERDICT_LOCAL_FAIL:
    s->failed++;
    break;
  case EVVERDICT_ERROR:
    s->errored++;
    break;
  case EVVERDICT_SKIP:
    s->skipped++;
    break;
  default:
    s->never += r->rec == NULL;
    break;
  }
  if (r->rec && r->stale)
    s->stale++;
  if (r->time > s->newest)
    s->newest = r->time;
}

static void
evsum__test(const struct evtest_ref *t, void *ctx)
{
  struct evsum_ctx *x = ctx;
  uint32_t c = evgraph_find(x->g, t->config);
  uint32_t file = evgraph_find(x->g, t->file);
  struct evresult best;
  struct evinst in;
  bool any = false;

  if (x->keep && !x->keep(t, x->keep_ctx))
    return;
  evinst_init(&in, x->g, c, file, t->test);
  evinst_keys(&in);
  /* Against the prompts of its config that are this file. */
  for (uint32_t p = 0; p < in.cf->nprompts; p++) {
    struct evresult r;

    if (evgraph_prompt_file(x->g, c, p) != x->prompt ||
        !evgraph_test_runs(x->g, c, file, t->test, p))
      continue;
    evinst_result(&in, p, &r);
    if (!any || evresult_rank(&r) > evresult_rank(&best)) {
      unsigned stale = any ? best.stale | r.stale : r.stale;

      best = r;
      best.stale = stale;
    } else {
      best.stale |= r.stale;
    }
    any = true;
  }
  if (any)
    evsum__count(x->s, &best, &in);
}

void
evalgraph_summarise_only(const struct evalgraph *self, const char *path,
                         int64_t now,
                         bool (*keep)(const struct evtest_ref *, void *),
                         void *ctx, struct evsummary *out)
{
  struct evsum_ctx x = { self, now, out, evgraph_find(self, path), keep,
                         ctx };

  memset(out, 0, sizeof *out);
  if (x.prompt != EVAL_NONE)
    evalgraph_tests_of_prompt(self, path, evsum__test, &x);
}

void
evalgraph_summarise(const struct evalgraph *self, const char *path,
                    int64_t now, struct evsummary *out)
{
  evalgraph_summarise_only(self, path, now, NULL, NULL, out);
}

void
evsummary_title(const struct evsummary *s, char *out, size_t size)
{
  size_t n;

  if (!s->tests) {
    out[0] = '\0';
    return;
  }
  n = (size_t)snprintf(out, size, "evals: %u \xE2\x9C\x93 %u \xE2\x9C\x97",
                       s->passed, s->failed);
  if (s->errored && n < size)
    n += (size_t)snprintf(out + n, size - n, " %u \xE2\x9A\xA0", s->errored);
  if (s->skipped && n < size)
    n += (size_t)snprintf(out + n, size - n, " \xC2\xB7 %u skipped",
                          s->skipped);
  if (s->stale && n < size)
    n += (size_t)snprintf(out + n, size - n, " \xC2\xB7 %u stale", s->stale);
  if (s->never && n < size)
    snprintf(out + n, size - n, " \xC2\xB7 %u never run", s->never);
}
