/*
 * Results files, read into cases (evalfile.h): what each test's last run
 * came to, with enough of the test (its description, variables and
 * assertions) and of the prompt (the template it ran) to match the case
 * back to the test and to tell whether either has changed since.
 *
 *   promptfoo eval -o results.json   results.results[]: success, error,
 *                                    gradingResult, testCase, vars,
 *                                    promptIdx into results.prompts[]
 *   gh models eval --json            testResults[]: testCase (the
 *                                    testData item), evaluationResults
 *   JUnit XML                        testcase elements, read with expat;
 *                                    a name is a test's description
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "eval_internal.h"
#include "formats.h"
#include "tree.h"

/* XML nesting facet follows in a JUnit file. */
#define RESULTS_XML_DEPTH_MAX TREE_DEPTH_MAX

int64_t
evalfile_parse_time(const char *s)
{
  struct tm tm = { 0 };
  int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
  int64_t t;
  const char *p;

  if (!s)
    return 0;
  if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3)
    return 0;
  p = s + n;
  if ((*p == 'T' || *p == ' ') &&
      sscanf(p + 1, "%2d:%2d:%2d%n", &h, &mi, &sec, &n) == 3)
    p += 1 + n;
  while (*p == '.' || (*p >= '0' && *p <= '9'))
    p++;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  t = (int64_t)timegm(&tm);
  if (*p == '+' || *p == '-') {
    int zh = 0, zm = 0;

    if (sscanf(p + 1, "%2d:%2d", &zh, &zm) >= 1 ||
        sscanf(p + 1, "%2d%2d", &zh, &zm) >= 1)
      t += (*p == '+' ? -1 : 1) * (int64_t)(zh * 3600 + zm * 60);
  }
  return t;
}

/* A time given as an ISO string or as milliseconds since 1970. */
static int64_t
results__time(const struct node *v)
{
  const char *s = node_str(v);

  if (!s)
    return 0;
  if (v->type == SCALAR_INT || v->type == SCALAR_FLOAT) {
    double x = strtod(s, NULL);

    return (int64_t)(x > 1e11 ? x / 1000 : x);
  }
  return evalfile_parse_time(s);
}

/* Adds the variables of a mapping to the case being read. */
static void
results__vars(struct evalfile *f, struct evcase *c, const struct node *vars)
{
  c->var0 = (uint32_t)f->nvars;
  vars = node_resolve(vars);
  for (uint32_t i = 0; vars && vars->kind == NODE_MAP && i < vars->count;
       i++) {
    struct evvar *v;

    if (!node_str(node_key(vars, i)) || !(v = evalfile_add_vars(f)))
      continue;
    v->name = evalfile_strdup(f, node_str(node_key(vars, i)));
    v->text = evalfile_text(f, node_value(vars, i));
    v->key = node_key(vars, i)->span;
  }
  c->nvars = (uint32_t)f->nvars - c->var0;
}

static uint64_t
results__asserts_hash(struct evalfile *f, const struct node *list)
{
  uint64_t sum = 0;

  list = node_resolve(list);
  for (uint32_t i = 0; list && list->kind == NODE_SEQ && i < list->count;
       i++) {
    const struct node *as = node_resolve(list->u.items[i]);
    const struct node *type = node_get(as, "type");
    const struct node *value = node_is_str(type, "assert-set")
                                 ? node_get(as, "assert")
                                 : node_get(as, "value");
    const struct node *th = node_get(as, "threshold");
    const char *canon;

    if (!node_str(type))
      continue;
    canon = value ? evalfile_canon(f, value) : NULL;
    sum += evalfile_assert_hash(node_str(type), canon,
                                th && (th->type == SCALAR_INT ||
                                       th->type == SCALAR_FLOAT),
                                node_str(th) ? strtod(node_str(th), NULL)
                                             : 0);
  }
  /* 0 means "not recorded"; a recorded empty list must differ from it. */
  return sum ? sum : 1;
}

/* The assertions' outcomes, and the first failing one's reason. */
static void
results__outcomes(struct evalfile *f, struct evcase *c,
                  const struct node *grading)
{
  const struct node *parts = node_get(grading, "componentResults");

  c->outcome0 = (uint32_t)f->noutcomes;
  for (uint32_t i = 0; parts && parts->kind == NODE_SEQ && i < parts->count;
       i++) {
    const struct node *p = node_resolve(parts->u.items[i]);
    struct evoutcome *o;

    if (!p || p->kind != NODE_MAP || !(o = evalfile_add_outcomes(f)))
      continue;
    o->type = evalfile_strdup(f, node_str(node_get(node_get(p, "assertion"),
                                                    "type")));
    o->reason = evalfile_strdup(f, node_str(node_get(p, "reason")));
    o->pass = node_is_str(node_get(p, "pass"), "true");
    if (!o->pass && !c->reason && o->reason)
      c->reason = o->reason;
  }
  c->noutcomes = (uint32_t)f->noutcomes - c->outcome0;
  if (!c->reason)
    c->reason = evalfile_strdup(f, node_str(node_get(grading, "reason")));
}

/* The template results.prompts[i] ran, and its label. */
static void
results__prompt(struct evalfile *f, struct evcase *c, const struct node *r,
                const struct node *prompts)
{
  const struct node *idx = node_get(r, "promptIdx");
  const struct node *p = NULL;

  if (node_str(idx) && idx->type == SCALAR_INT && prompts &&
      prompts->kind == NODE_SEQ) {
    long i = strtol(node_str(idx), NULL, 10);

    if (i >= 0 && (uint32_t)i < prompts->count)
      p = node_resolve(prompts->u.items[i]);
  }
  if (p && node_str(node_get(p, "raw")))
    c->prompt_hash = evalfile_text_hash(node_str(node_get(p, "raw")),
                                        node_get(p, "raw")->u.scalar.len);
  c->prompt_label = evalfile_strdup(
    f, node_str(node_get(p, "label")) ? node_str(node_get(p, "label"))
                                      : node_str(node_get(node_get(r,
                                                          "prompt"),
                                                          "label")));
}

static void
results__promptfoo_case(struct evalfile *f, const struct node *r,
                        const struct node *prompts, int64_t time)
{
  const struct node *test = node_get(r, "testCase");
  const struct node *error = node_get(r, "error");
  const struct node *response = node_get(r, "response");
  const struct node *reason = node_get(r, "failureReason");
  struct evcase *c = evalfile_add_cases(f);
  const char *desc;

  if (!c)
    return;
  c->span = r->span;
  c->time = time;
  c->test_index = EVAL_NONE;
  if (node_str(node_get(r, "testIdx")))
    c->test_index = (uint32_t)strtoul(node_str(node_get(r, "testIdx")),
                                      NULL, 10);
  /* Without success (a result cut down, an older writer), the grading's
   * pass tells, unless the run ended in an error. */
  c->status = (node_get(r, "success")
                 ? node_is_str(node_get(r, "success"), "true")
                 : node_is_str(node_get(node_get(r, "gradingResult"), "pass"),
                               "true") &&
                   !node_is_str(reason, "2") && !node_str(error))
                ? EVSTATUS_PASS
              : node_is_str(reason, "2") || node_str(error) ? EVSTATUS_ERROR
              : EVSTATUS_FAIL;
  desc = node_str(node_get(test, "description"));
  c->description = evalfile_strdup(f, desc ? desc
                                           : node_str(node_get(r,
                                                      "description")));
  c->provider = evalfile_strdup(f, node_str(node_get(node_get(r, "provider"),
                                                      "id")));
  if (node_get(response, "output"))
    c->output = evalfile_text(f, node_get(response, "output"));
  results__vars(f, c, node_get(test, "vars") ? node_get(test, "vars")
                                             : node_get(r, "vars"));
  c = &f->cases[f->ncases - 1];
  c->asserts_hash = results__asserts_hash(f, node_get(test, "assert"));
  results__outcomes(f, c, node_get(r, "gradingResult"));
  c = &f->cases[f->ncases - 1];
  if (c->status == EVSTATUS_ERROR && node_str(error))
    c->reason = evalfile_strdup(f, node_str(error));
  results__prompt(f, c, r, prompts);
}

static void
results__promptfoo(struct artifact *a, struct evalfile *f)
{
  const struct node *summary = node_get(a->root, "results");
  const struct node *list = node_get(summary, "results");
  const struct node *prompts = node_get(summary, "prompts");
  int64_t time = results__time(node_get(summary, "timestamp"));

  if (!time)
    time = results__time(node_get(node_get(a->root, "metadata"),
                                  "evaluationCreatedAt"));
  f->tool = EVTOOL_PROMPTFOO;
  f->time = time;
  f->suite = evalfile_strdup(f, node_str(node_get(node_get(a->root, "config"),
                                                  "description")));
  for (uint32_t i = 0; list && list->kind == NODE_SEQ && i < list->count;
       i++) {
    const struct node *r = node_resolve(list->u.items[i]);

    if (r && r->kind == NODE_MAP)
      results__promptfoo_case(f, r, prompts, time);
  }
}

static void
results__github_case(struct evalfile *f, const struct node *r,
                     const char *model)
{
  const struct node *evals = node_get(r, "evaluationResults");
  struct evcase *c = evalfile_add_cases(f);
  bool pass = true;

  if (!c)
    return;
  c->span = r->span;
  c->test_index = EVAL_NONE;
  c->provider = evalfile_strdup(f, model);
  c->output = evalfile_strdup(f, node_str(node_get(r, "modelResponse")));
  results__vars(f, c, node_get(r, "testCase"));
  c = &f->cases[f->ncases - 1];
  c->outcome0 = (uint32_t)f->noutcomes;
  for (uint32_t i = 0; evals && evals->kind == NODE_SEQ && i < evals->count;
       i++) {
    const struct node *e = node_resolve(evals->u.items[i]);
    struct evoutcome *o = evalfile_add_outcomes(f);

    if (!o)
      break;
    o->type = evalfile_strdup(f, node_str(node_get(e, "evaluatorName")));
    o->pass = node_is_str(node_get(e, "passed"), "true");
    if (node_str(node_get(e, "details")) && *node_str(node_get(e, "details")))
      o->reason = evalfile_strdup(f, node_str(node_get(e, "details")));
    if (!o->pass && pass) {
      pass = false;
      f->cases[f->ncases - 1].reason =
        o->reason ? o->reason
                  : arena_printf(&f->arena, "evaluator %s did not pass",
                                 o->type ? o->type : "(unnamed)");
    }
  }
  c = &f->cases[f->ncases - 1];
  c->noutcomes = (uint32_t)f->noutcomes - c->outcome0;
  c->status = pass ? EVSTATUS_PASS : EVSTATUS_FAIL;
}

static void
results__github(struct artifact *a, struct evalfile *f)
{
  const struct node *list = node_get(a->root, "testResults");
  const char *model = node_str(node_get(a->root, "model"));

  f->tool = EVTOOL_GITHUB_MODELS;
  f->suite = evalfile_strdup(f, node_str(node_get(a->root, "name")));
  for (uint32_t i = 0; list && list->kind == NODE_SEQ && i < list->count;
       i++) {
    const struct node *r = node_resolve(list->u.items[i]);

    if (r && r->kind == NODE_MAP)
      results__github_case(f, r, model);
  }
}

void
results_check(struct artifact *a)
{
  struct evalfile *f;

  formats_parse_document(a, true);
  if (!a->root || !(f = evalx_begin(a)))
    return;
  /* A file that does not parse (a run still writing it, a copy cut
   * short) gives no verdicts: what error recovery makes of its end is no
   * record of a run. Its syntax error says why. */
  if (a->facts.header_broken) {
    f->tool = a->format == FORMAT_PROMPTFOO_RESULTS ? EVTOOL_PROMPTFOO
                                                    : EVTOOL_GITHUB_MODELS;
    return;
  }
  if (a->format == FORMAT_PROMPTFOO_RESULTS)
    results__promptfoo(a, f);
  else
    results__github(a, f);
}

/* JUnit through expat: testsuite, testcase and what a case holds. */
struct junit {
  struct artifact *a;
  struct evalfile *f;
  XML_Parser parser;
  int depth;
  int64_t suite_time;
  const char *suite;
  bool in_case;
  bool in_result;        /* inside failure or error: keep its text */
  struct buf text;
};

static const char *
junit__attr(const XML_Char **attrs, const char *name)
{
  for (int i = 0; attrs[i]; i += 2)
    if (strcmp(attrs[i], name) == 0)
      return attrs[i + 1];
  return NULL;
}

static void
junit__case(struct junit *j, const XML_Char **attrs)
{
  struct evcase *c = evalfile_add_cases(j->f);
  uint32_t at = (uint32_t)XML_GetCurrentByteIndex(j->parser);

  if (!c)
    return;
  c->span = span_make(at, at);
  c->status = EVSTATUS_PASS;
  c->test_index = EVAL_NONE;
  c->time = j->suite_time;
  c->description = evalfile_strdup(j->f, junit__attr(attrs, "name"));
  c->prompt_label = evalfile_strdup(j->f, junit__attr(attrs, "classname"));
  c->provider = j->suite;
  c->var0 = (uint32_t)j->f->nvars;
  c->outcome0 = (uint32_t)j->f->noutcomes;
  j->in_case = true;
}

static void
junit__result(struct junit *j, const char *name, const XML_Char **attrs)
{
  struct evcase *c = &j->f->cases[j->f->ncases - 1];
  const char *message = junit__attr(attrs, "message");

  if (strcmp(name, "skipped") == 0) {
    c->status = EVSTATUS_SKIP;
    return;
  }
  c->status = strcmp(name, "error") == 0 ? EVSTATUS_ERROR : EVSTATUS_FAIL;
  if (!c->reason && message && *message)
    c->reason = evalfile_strdup(j->f, message);
  j->in_result = !c->reason;
  buf_clear(&j->text);
}

static void XMLCALL
junit__start(void *ctx, const XML_Char *name, const XML_Char **attrs)
{
  struct junit *j = ctx;

  if (++j->depth > RESULTS_XML_DEPTH_MAX) {
    XML_StopParser(j->parser, XML_FALSE);
    return;
  }
  if (strcmp(name, "testsuite") == 0) {
    j->suite_time = evalfile_parse_time(junit__attr(attrs, "timestamp"));
    j->suite = evalfile_strdup(j->f, junit__attr(attrs, "name"));
    if (!j->f->time || j->suite_time > j->f->time)
      j->f->time = j->suite_time;
  } else if (strcmp(name, "testcase") == 0) {
    junit__case(j, attrs);
  } else if (j->in_case && (strcmp(name, "failure") == 0 ||
                            strcmp(name, "error") == 0 ||
                            strcmp(name, "skipped") == 0)) {
    junit__result(j, name, attrs);
  }
}

static void XMLCALL
junit__end(void *ctx, const XML_Char *name)
{
  struct junit *j = ctx;

  j->depth--;
  if (j->in_result && (strcmp(name, "failure") == 0 ||
                       strcmp(name, "error") == 0)) {
    struct evcase *c = &j->f->cases[j->f->ncases - 1];
    size_t n = j->text.len;
    const char *s = j->text.data ? j->text.data : "";

    /* The first line of the text is the reason; the rest is detail. */
    while (n && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
      s++;
      n--;
    }
    if (memchr(s, '\n', n))
      n = (size_t)((const char *)memchr(s, '\n', n) - s);
    if (n)
      c->reason = evalfile_strndup(j->f, s, n);
    j->in_result = false;
  }
  if (j->in_case && strcmp(name, "testcase") == 0) {
    struct evcase *c = &j->f->cases[j->f->ncases - 1];

    c->span.end = (uint32_t)XML_GetCurrentByteIndex(j->parser);
    j->in_case = false;
  }
}

static void XMLCALL
junit__chars(void *ctx, const XML_Char *s, int len)
{
  struct junit *j = ctx;

  if (j->in_result && len > 0)
    buf_append(&j->text, s, (size_t)len);
}

/* The end of a case's closing tag, which expat reports at its start. */
static void
junit__spans(struct junit *j)
{
  const char *t = j->a->text;

  for (size_t i = 0; i < j->f->ncases; i++) {
    struct span *s = &j->f->cases[i].span;
    const char *gt = s->end < j->a->src.len
                       ? memchr(t + s->end, '>', j->a->src.len - s->end)
                       : NULL;

    if (s->end <= s->start) {
      s->end = s->start;
      gt = s->end < j->a->src.len
             ? memchr(t + s->end, '>', j->a->src.len - s->end) : NULL;
    }
    if (gt)
      s->end = (uint32_t)(gt - t) + 1;
  }
}

void
junit_check(struct artifact *a)
{
  struct junit j = { a, evalx_begin(a), NULL, 0, 0, NULL, false, false,
                     { 0 } };

  a->parsed = true;
  if (!j.f || !(j.parser = XML_ParserCreate("UTF-8")))
    return;
  j.f->tool = EVTOOL_JUNIT;
  buf_init(&j.text, 1 << 16);
  XML_SetUserData(j.parser, &j);
  XML_SetElementHandler(j.parser, junit__start, junit__end);
  XML_SetCharacterDataHandler(j.parser, junit__chars);
  if (XML_Parse(j.parser, a->text, (int)a->src.len, XML_TRUE) ==
      XML_STATUS_ERROR && j.depth <= RESULTS_XML_DEPTH_MAX) {
    XML_Index index = XML_GetCurrentByteIndex(j.parser);
    uint32_t at = index < 0 ? 0 : (uint32_t)index;

    /* As for JSON: a file that does not parse records no verdicts. */
    j.f->ncases = j.f->nvars = j.f->noutcomes = 0;
    if (at > a->src.len)
      at = a->src.len;
    diag_add(&a->diags, DIAG_XML_SYNTAX,
             span_make(at, at < a->src.len ? at + 1 : at),
             "the XML does not parse: %s",
             XML_ErrorString(XML_GetErrorCode(j.parser)));
    a->facts.header_broken = true;
  } else if (j.depth > RESULTS_XML_DEPTH_MAX) {
    j.f->ncases = j.f->nvars = j.f->noutcomes = 0;
    diag_add(&a->diags, DIAG_TOO_DEEP, span_make(0, 0),
             "the XML nests deeper than %d elements; facet stopped reading "
             "it", RESULTS_XML_DEPTH_MAX);
  }
  junit__spans(&j);
  XML_ParserFree(j.parser);
  buf_release(&j.text);
}
