/*
 * What a promptfoo config and its test files say about evals, read into
 * the artifact's summary (evalfile.h): the prompts it runs (files, globs
 * and inline text), its tests with the variables each sets and the
 * assertions each makes, and every file it names. Test files (CSV, JSONL,
 * YAML, JSON) are read as promptfoo reads them: a CSV row's columns are
 * variables except the "__" ones (__expected holds an assertion), and a
 * test without a description is "Row #N", as results files name it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assertion.h"
#include "csv.h"
#include "error.h"
#include "eval_internal.h"
#include "formats.h"
#include "pathglob.h"
#include "template.h"
#include "tree.h"

/* Extensions promptfoo runs as code rather than reads as text. */
static const char *const pfx__code_ext[] = {
  ".py", ".js", ".ts", ".mjs", ".cjs", ".rb", ".sh", ".bash", ".exe",
  ".bat", ".cmd", ".ps1", ".pl", NULL,
};

bool
evalx_ends(const char *s, size_t n, const char *suffix)
{
  size_t m = strlen(suffix);

  return n >= m && strncasecmp(s + n - m, suffix, m) == 0;
}

/* Whether [s, s + n) ends in an extension promptfoo runs. */
static bool
pfx__code(const char *s, size_t n)
{
  for (const char *const *e = pfx__code_ext; *e; e++)
    if (evalx_ends(s, n, *e))
      return true;
  return false;
}

/* Extensions promptfoo takes for a file even after a ":function". */
static const char *const pfx__file_ext[] = {
  ".cjs", ".js", ".json", ".jsonl", ".mjs", ".py", ".txt", ".ts", ".md",
  ".j2", ".yaml", ".yml", ".csv", NULL,
};

/* Whether the last or the one but last ':' part of s ends in a file
 * extension ("prompts.py:fn"). */
static bool
pfx__file_token(const char *s, size_t n)
{
  const char *colon = memrchr(s, ':', n);
  size_t last = colon ? (size_t)(s + n - colon - 1) : n;

  for (const char *const *e = pfx__file_ext; *e; e++)
    if (evalx_ends(s + n - last, last, *e) ||
        (colon && evalx_ends(s, (size_t)(colon - s), *e)))
      return true;
  return false;
}

/* promptfoo's test for a string that may name a file (maybeFilePath). */
static bool
pfx__maybe_path(const char *s)
{
  size_t n = strlen(s);

  if (strchr(s, '\n') || strstr(s, "://"))
    return strncmp(s, "file://", 7) == 0;
  return strpbrk(s, "/\\*") || (n >= 3 && s[n - 3] == '.') ||
         (n >= 4 && s[n - 4] == '.') || pfx__file_token(s, n);
}

/* Whether s looks like nothing but a path: no spaces, an extension. */
static bool
pfx__clearly_path(const char *s, size_t n)
{
  const char *dot = NULL;

  for (size_t i = 0; i < n; i++) {
    if (s[i] == ' ' || s[i] == '\t' || s[i] == '{' || s[i] == '\n')
      return false;
    if (s[i] == '.')
      dot = s + i;
  }
  return dot && dot > s && (size_t)(s + n - dot) <= 6;
}

bool
evalx_reads_vars(const char *type)
{
  static const char *const readers[] = {
    "javascript", "python", "ruby", "webhook", "context-faithfulness",
    "context-recall", "context-relevance", "answer-relevance",
    "conversation-relevance", "g-eval", "select-best", "classifier", NULL,
  };

  if (!type)
    return false;
  if (strncmp(type, "not-", 4) == 0)
    type += 4;
  for (const char *const *r = readers; *r; r++)
    if (strcmp(type, *r) == 0)
      return true;
  return strncmp(type, "promptfoo:", 10) == 0;
}

uint32_t
evalx_ref(struct evalx *x, enum evref_kind kind, const struct node *v,
          size_t from, size_t len, uint32_t owner)
{
  const char *s = node_str(v);
  struct evref *r;
  uint32_t index;
  size_t n = len;
  const char *colon;

  if (!s || n == 0)
    return EVAL_NONE;
  /* "file.py:function" names the file; a colon elsewhere is the path's. */
  colon = memchr(s + from, ':', n);
  while (colon && !pfx__code(s + from, (size_t)(colon - s - from)))
    colon = memchr(colon + 1, ':', (size_t)(s + from + n - colon - 1));
  if (colon)
    n = (size_t)(colon - s - from);
  r = evalfile_add_refs(x->f);
  if (!r)
    return EVAL_NONE;
  index = (uint32_t)(x->f->nrefs - 1);
  r->kind = (uint8_t)kind;
  r->path = evalfile_strndup(x->f, s + from, n);
  r->owner = owner;
  r->code = pfx__code(s + from, n);
  r->glob = pathglob_is_glob(r->path);
  formats_scalar_span(x->a, v, from, from + n, &r->span);
  return index;
}

/* A scalar that is "file://path": its reference, or EVAL_NONE. */
static uint32_t
pfx__file_value(struct evalx *x, enum evref_kind kind, const struct node *v,
                uint32_t owner)
{
  const char *s = node_str(v);

  if (!s || v->type != SCALAR_STRING || strncmp(s, "file://", 7) != 0)
    return EVAL_NONE;
  return evalx_ref(x, kind, v, 7, v->u.scalar.len - 7, owner);
}

/* The variables the template in span reads, as evreads; returns the first
 * index and sets *count. */
static uint32_t
pfx__reads(struct evalx *x, struct span span, uint32_t *count)
{
  struct artifact *a = x->a;
  size_t before = a->nuses;
  uint32_t first = (uint32_t)x->f->nreads;

  *count = 0;
  template_parse(a, TEMPLATE_JINJA, span, NULL);
  for (size_t i = before; i < a->nuses; i++) {
    const struct template_var *var = &a->vars[a->uses[i].var];
    bool seen = false;

    for (uint32_t k = first; k < x->f->nreads && !seen; k++)
      seen = strcmp(x->f->reads[k].name, var->name) == 0;
    if (!seen && evalx_read(x, var->name, a->uses[i].span)) {
      x->f->reads[x->f->nreads - 1].optional = var->optional;
      (*count)++;
    }
  }
  return first;
}

struct evread *
evalx_read(struct evalx *x, const char *name, struct span span)
{
  struct evread *r = evalfile_add_reads(x->f);

  if (r) {
    r->name = evalfile_strdup(x->f, name);
    r->span = span;
  }
  return r;
}

/* One entry of prompts: text, a path, or {id, label, raw}. */
static void
pfx__prompt(struct evalx *x, const struct node *entry, const struct node *text,
            const char *label)
{
  struct evprompt *p;
  const char *s = node_str(text);
  uint32_t index = (uint32_t)x->f->nprompts;
  uint32_t ref = EVAL_NONE;

  if (!s || text->type != SCALAR_STRING)
    return;
  if (strncmp(s, "file://", 7) == 0)
    ref = evalx_ref(x, EVREF_PROMPT, text, 7, text->u.scalar.len - 7, index);
  else if (pfx__maybe_path(s))
    ref = evalx_ref(x, EVREF_PROMPT, text, 0, text->u.scalar.len, index);
  p = evalfile_add_prompts(x->f);
  if (!p)
    return;
  p->span = entry->span;
  p->line = source_line_of(&x->a->src, entry->span.start) + 1;
  p->ref = ref;
  p->label = evalfile_strdup(x->f, label ? label : s);
  if (ref != EVAL_NONE) {
    struct evref *r = &x->f->refs[ref];

    /* Without file://, a path that matches nothing is sent as text. */
    r->literal_ok = !r->code;
    r->quiet = strncmp(s, "file://", 7) != 0 && !r->code &&
               !pfx__clearly_path(r->path, strlen(r->path));
    if (strncmp(s, "file://", 7) == 0)
      return;
  }
  p->hash = evalfile_text_hash(s, text->u.scalar.len);
  p->read0 = pfx__reads(x, text->span, &p->nreads);
}

static void
pfx__prompts(struct evalx *x, const struct node *prompts)
{
  prompts = node_resolve(prompts);
  if (!prompts)
    return;
  if (prompts->kind == NODE_SCALAR) {
    pfx__prompt(x, prompts, prompts, NULL);
    return;
  }
  for (uint32_t i = 0; prompts->kind == NODE_MAP && i < prompts->count;
       i++)
    pfx__prompt(x, node_key(prompts, i), node_key(prompts, i),
                node_str(node_value(prompts, i)));
  for (uint32_t i = 0; prompts->kind == NODE_SEQ && i < prompts->count;
       i++) {
    const struct node *item = node_resolve(prompts->u.items[i]);
    const struct node *raw;

    if (!item)
      continue;
    if (item->kind == NODE_SCALAR) {
      pfx__prompt(x, item, item, NULL);
      continue;
    }
    raw = node_get(item, "raw") ? node_get(item, "raw")
                                : node_get(item, "id");
    if (raw)
      pfx__prompt(x, item, raw, node_str(node_get(item, "label"))
                                  ? node_str(node_get(item, "label"))
                                  : node_str(node_get(item, "id")));
  }
}

/* Adds one assertion (checked first) to the summary. */
static void
pfx__assert(struct evalx *x, const struct node *item, unsigned flags,
            uint32_t owner)
{
  const struct node *type = node_get(item, "type");
  const struct node *value = node_get(item, "value");
  const struct node *threshold = node_get(item, "threshold");
  struct evassert *as;

  assertion_check(&x->a->src, item, &x->a->diags);
  if (node_is_str(type, "assert-set"))
    value = node_get(item, "assert");
  for (uint32_t i = 0; node_is_str(type, "assert-set") && value &&
                       value->kind == NODE_SEQ && i < value->count; i++) {
    const struct node *inner = node_resolve(value->u.items[i]);

    if (inner && inner->kind == NODE_MAP)
      assertion_check(&x->a->src, inner, &x->a->diags);
  }
  if (!node_str(type))
    return;
  as = evalfile_add_asserts(x->f);
  if (!as)
    return;
  as->type = evalfile_strdup(x->f, node_str(type));
  as->value = value ? evalfile_canon(x->f, value) : NULL;
  as->name = evalfile_strdup(x->f, node_str(node_get(item, "metric")));
  as->span = item->span;
  as->type_span = type->span;
  as->flags = (uint8_t)flags;
  if (node_get(item, "transform"))
    as->flags |= EVASSERT_TRANSFORMED;
  if (evalx_reads_vars(node_str(type)) || node_get(item, "rubricPrompt") ||
      node_get(item, "contextTransform"))
    as->flags |= EVASSERT_READS_VARS;
  as->ref = pfx__file_value(x, EVREF_ASSERT, value, owner);
  if (as->ref != EVAL_NONE && (node_is_str(type, "is-json") ||
                               node_is_str(type, "contains-json") ||
                               node_is_str(type, "not-is-json") ||
                               node_is_str(type, "not-contains-json")))
    x->f->refs[as->ref].schema = true;
  if (threshold && (threshold->type == SCALAR_INT ||
                    threshold->type == SCALAR_FLOAT)) {
    x->f->asserts[x->f->nasserts - 1].has_threshold = true;
    x->f->asserts[x->f->nasserts - 1].threshold =
      strtod(node_str(threshold), NULL);
  }
  as = &x->f->asserts[x->f->nasserts - 1];
  as->hash = evalfile_assert_hash(as->type, as->value, as->has_threshold,
                                  as->threshold);
}

static uint32_t
pfx__asserts(struct evalx *x, const struct node *list, unsigned flags,
             uint32_t owner, uint32_t *count)
{
  uint32_t first = (uint32_t)x->f->nasserts;

  list = node_resolve(list);
  for (uint32_t i = 0; list && list->kind == NODE_SEQ && i < list->count;
       i++) {
    const struct node *item = node_resolve(list->u.items[i]);

    if (item && item->kind == NODE_MAP)
      pfx__assert(x, item, flags, owner);
  }
  *count = (uint32_t)x->f->nasserts - first;
  return first;
}

/* Adds one variable; a "file://" value is read from the file. */
static void
pfx__var(struct evalx *x, const struct node *key, const struct node *value,
         uint32_t owner)
{
  struct evvar *v = evalfile_add_vars(x->f);
  uint32_t index = (uint32_t)x->f->nvars - 1;
  uint32_t ref;

  if (!v)
    return;
  v->name = evalx_name(x, node_str(key));
  v->key = key->span;
  if (key->flags & NODE_QUOTED && key->span.end - key->span.start >= 2)
    v->key = span_make(key->span.start + 1, key->span.end - 1);
  value = node_resolve(value);
  v->value = value ? value->span : key->span;
  ref = pfx__file_value(x, EVREF_VARS, value, owner);
  x->f->vars[index].text = ref == EVAL_NONE ? evalfile_text(x->f, value)
                                            : NULL;
  if (ref == EVAL_NONE)
    evalx_check_placeholder(x, node_str(key), value);
}

static uint32_t
pfx__vars(struct evalx *x, const struct node *vars, uint32_t owner,
          uint32_t *count)
{
  uint32_t first = (uint32_t)x->f->nvars;

  vars = node_resolve(vars);
  for (uint32_t i = 0; vars && vars->kind == NODE_MAP && i < vars->count;
       i++)
    if (node_str(node_key(vars, i)))
      pfx__var(x, node_key(vars, i), node_value(vars, i), owner);
  *count = (uint32_t)x->f->nvars - first;
  return first;
}

/* A test's first line, where its lens and findings go. */
struct span
evalx_anchor(const struct artifact *a, const struct node *item)
{
  uint32_t line = source_line_of(&a->src, item->span.start);
  uint32_t end = source_line_end(&a->src, line);

  if (end > item->span.end || end < item->span.start)
    end = item->span.end;
  return span_make(item->span.start, end);
}

static uint32_t
pfx__filters(struct evalx *x, const struct node *list, uint32_t *count)
{
  uint32_t first = (uint32_t)x->f->nstrings;

  *count = 0;
  list = node_resolve(list);
  for (uint32_t i = 0; list && list->kind == NODE_SEQ && i < list->count;
       i++) {
    const char **s;

    if (!node_str(list->u.items[i]) || !(s = evalfile_add_strings(x->f)))
      continue;
    *s = evalfile_strdup(x->f, node_str(list->u.items[i]));
    (*count)++;
  }
  return first;
}

static const char *
pfx__output(struct evalx *x, const struct node *out)
{
  out = node_resolve(out);
  if (out && out->kind == NODE_MAP)
    out = node_get(out, "output");
  return out ? evalfile_text(x->f, out) : NULL;
}

/* One test written as a mapping (inline, YAML, JSON or a JSONL line). */
static void
pfx__test(struct evalx *x, const struct node *item, uint32_t row)
{
  uint32_t index = (uint32_t)x->f->ntests;
  const struct node *desc = node_get(item, "description");
  const struct node *vars = node_get(item, "vars");
  const struct node *options = node_get(item, "options");
  struct evtest t = { 0 };
  struct evtest *slot;

  t.span = item->span;
  t.anchor = evalx_anchor(x->a, item);
  t.line = source_line_of(&x->a->src, t.anchor.start) + 1;
  t.described = node_str(desc) != NULL;
  t.description = t.described
                    ? evalfile_strdup(x->f, node_str(desc))
                    : x->row_names ? evalx_row_name(x, row) : NULL;
  if (vars && vars->kind == NODE_SCALAR)
    pfx__file_value(x, EVREF_VARS, vars, index);
  for (uint32_t i = 0; vars && vars->kind == NODE_SEQ && i < vars->count;
       i++)
    pfx__file_value(x, EVREF_VARS, vars->u.items[i], index);
  t.vars_open = vars && vars->kind != NODE_MAP;
  t.var0 = pfx__vars(x, vars, index, &t.nvars);
  t.assert0 = pfx__asserts(x, node_get(item, "assert"), 0, index,
                           &t.nasserts);
  t.filter0 = pfx__filters(x, node_get(item, "prompts"), &t.nfilters);
  t.output = pfx__output(x, node_get(item, "providerOutput"));
  t.transformed = node_get(options, "transform") != NULL;
  if (node_get(item, "threshold"))
    assertion_check_fraction(node_get(item, "threshold"), &x->a->diags);
  slot = evalfile_add_tests(x->f);
  if (slot)
    *slot = t;
}

const char *
evalx_row_name(struct evalx *x, uint32_t row)
{
  char name[32];

  snprintf(name, sizeof name, "Row #%u", row + 1);
  return evalfile_strdup(x->f, name);
}

/* A list of tests: mappings are tests, strings files or globs of them. */
static void
pfx__tests(struct evalx *x, const struct node *tests)
{
  tests = node_resolve(tests);
  if (!tests)
    return;
  if (tests->kind == NODE_SCALAR && tests->type == SCALAR_STRING) {
    evalx_test_file(x, tests);
    return;
  }
  if (tests->kind == NODE_MAP && node_get(tests, "path")) {
    evalx_test_file(x, node_get(tests, "path"));
    return;
  }
  for (uint32_t i = 0; tests->kind == NODE_SEQ && i < tests->count; i++) {
    const struct node *item = node_resolve(tests->u.items[i]);

    if (!item)
      continue;
    if (item->kind == NODE_SCALAR)
      evalx_test_file(x, item);
    else if (node_get(item, "path") && !node_get(item, "vars"))
      evalx_test_file(x, node_get(item, "path"));
    else if (item->kind == NODE_MAP)
      pfx__test(x, item, i);
  }
}

void
evalx_test_file(struct evalx *x, const struct node *v)
{
  const char *s = node_str(v);
  size_t from;

  if (!s || v->type != SCALAR_STRING)
    return;
  /* Hub datasets and sheets are not files. */
  if (strstr(s, "://") && strncmp(s, "file://", 7) != 0)
    return;
  from = strncmp(s, "file://", 7) == 0 ? 7 : 0;
  evalx_ref(x, EVREF_TESTS, v, from, v->u.scalar.len - from, EVAL_NONE);
}

/* Scenarios run each of their tests once per config entry. */
static void
pfx__scenarios(struct evalx *x, const struct node *scenarios)
{
  for (uint32_t i = 0; scenarios && scenarios->kind == NODE_SEQ &&
                       i < scenarios->count; i++) {
    const struct node *s = node_resolve(scenarios->u.items[i]);
    const struct node *config = node_get(s, "config");
    size_t first = x->f->ntests;

    pfx__tests(x, node_get(s, "tests"));
    /* Variables set by any config entry count as set for its tests. */
    for (uint32_t k = 0; config && config->kind == NODE_SEQ &&
                         k < config->count; k++) {
      const struct node *vars = node_get(config->u.items[k], "vars");

      for (size_t t = first; t < x->f->ntests; t++) {
        uint32_t n;
        uint32_t v0 = pfx__vars(x, vars, (uint32_t)t, &n);

        if (x->f->tests[t].nvars == 0)
          x->f->tests[t].var0 = v0;
        if (x->f->tests[t].var0 + x->f->tests[t].nvars == v0)
          x->f->tests[t].nvars += n;
      }
      pfx__asserts(x, node_get(config->u.items[k], "assert"), 0, EVAL_NONE,
                   &(uint32_t){ 0 });
    }
  }
}

/* A provider that is code sees every variable of the test. */
static bool
pfx__script_provider(const struct node *providers)
{
  providers = node_resolve(providers);
  if (providers && providers->kind == NODE_SCALAR)
    return providers->type == SCALAR_STRING &&
           (strncmp(node_str(providers), "python:", 7) == 0 ||
            strncmp(node_str(providers), "file://", 7) == 0 ||
            strncmp(node_str(providers), "exec:", 5) == 0 ||
            strncmp(node_str(providers), "http", 4) == 0 ||
            strncmp(node_str(providers), "webhook:", 8) == 0);
  for (uint32_t i = 0; providers && providers->kind == NODE_SEQ &&
                       i < providers->count; i++) {
    const struct node *p = node_resolve(providers->u.items[i]);

    if (pfx__script_provider(p && p->kind == NODE_MAP ? node_get(p, "id")
                                                      : p))
      return true;
  }
  return false;
}

static void
pfx__defaults(struct evalx *x, const struct node *dt)
{
  struct evalfile *f = x->f;

  dt = node_resolve(dt);
  if (dt && dt->kind == NODE_SCALAR) {
    pfx__file_value(x, EVREF_DEFAULT_TEST, dt, EVAL_NONE);
    f->vars_transformed = true;  /* its variables cannot be seen */
    return;
  }
  f->default_var0 = pfx__vars(x, node_get(dt, "vars"), EVAL_NONE,
                              &f->ndefault_vars);
  f->default_assert0 = pfx__asserts(
    x, node_get(dt, "assert"),
    EVASSERT_DEFAULT | (node_get(node_get(dt, "options"), "transform")
                          ? EVASSERT_TRANSFORMED : 0),
    EVAL_NONE, &f->ndefault_asserts);
  if (node_get(node_get(dt, "options"), "transformVars"))
    f->vars_transformed = true;
}

static void
pfx__output_path(struct evalx *x, const struct node *out)
{
  out = node_resolve(out);
  if (out && out->kind == NODE_SCALAR && out->type == SCALAR_STRING) {
    uint32_t r = evalx_ref(x, EVREF_RESULTS, out, 0, out->u.scalar.len,
                           EVAL_NONE);

    if (r != EVAL_NONE)
      x->f->refs[r].quiet = true;
  }
  for (uint32_t i = 0; out && out->kind == NODE_SEQ && i < out->count; i++)
    pfx__output_path(x, out->u.items[i]);
}

void
evalx_promptfoo_config(struct artifact *a)
{
  struct evalx x = { .a = a };
  const struct node *root = node_resolve(a->root);

  if (!root || root->kind != NODE_MAP)
    return;
  x.f = evalx_begin(a);
  if (!x.f)
    return;
  x.f->suite = evalfile_strdup(x.f, node_str(node_get(root,
                                                       "description")));
  pfx__prompts(&x, node_get(root, "prompts"));
  pfx__defaults(&x, node_get(root, "defaultTest"));
  pfx__tests(&x, node_get(root, "tests"));
  pfx__scenarios(&x, node_get(root, "scenarios"));
  pfx__output_path(&x, node_get(root, "outputPath"));
  x.f->script_provider = pfx__script_provider(node_get(root, "providers")) ||
                         pfx__script_provider(node_get(root, "targets"));
}

/* One CSV row: columns are variables but for the "__" ones. */
static void
pfx__csv_row(struct evalx *x, const struct node *row, uint32_t index)
{
  uint32_t test = (uint32_t)x->f->ntests;
  struct evtest t = { 0 };
  const char *metric = NULL;
  struct evtest *slot;

  t.span = row->span;
  t.anchor = evalx_anchor(x->a, row);
  t.line = source_line_of(&x->a->src, t.anchor.start) + 1;
  t.var0 = (uint32_t)x->f->nvars;
  t.assert0 = EVAL_NONE;
  for (uint32_t i = 0; i < row->count; i++)
    if (node_is_str(node_key(row, i), "__metric"))
      metric = node_str(node_value(row, i));
  for (uint32_t i = 0; i < row->count; i++) {
    const struct node *k = node_key(row, i);
    const struct node *v = node_value(row, i);
    const char *name = node_str(k);

    if (strncmp(name, "__expected", 10) == 0) {
      evalx_csv_expected(x, v, metric, test, &t);
    } else if (strcmp(name, "__description") == 0 && v->u.scalar.len) {
      t.description = evalfile_strdup(x->f, node_str(v));
      t.described = true;
    } else if (strcmp(name, "__providerOutput") == 0) {
      t.output = evalfile_strdup(x->f, node_str(v));
    } else if (strcmp(name, "__threshold") == 0) {
      continue;
    } else if (strncmp(name, "__", 2) != 0) {
      pfx__var(x, k, v, test);
      t.nvars++;
    }
  }
  if (t.assert0 == EVAL_NONE)
    t.assert0 = (uint32_t)x->f->nasserts;
  if (!t.described)
    t.description = evalx_row_name(x, index);
  slot = evalfile_add_tests(x->f);
  if (slot)
    *slot = t;
}

/* Whether c is white space as JavaScript's String.prototype.trim sees it
 * (of ASCII). */
static bool
evalx__space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

/* An __expected cell: promptfoo's "[not-]type[(threshold)]:value". As
 * promptfoo reads it, the cell is trimmed, and so is the value after the
 * type, but for is-json and contains-json (whose value is a schema). */
void
evalx_csv_expected(struct evalx *x, const struct node *v, const char *metric,
                   uint32_t test, struct evtest *t)
{
  const char *s = node_str(v);
  const char *type;
  size_t type_len;
  size_t at;
  size_t b = 0;
  size_t e;
  double threshold = 0;
  bool has;
  bool typed;
  struct evassert *as;
  const char *base;
  char *name;

  if (!s)
    return;
  e = v->u.scalar.len;
  while (b < e && evalx__space(s[b]))
    b++;
  while (e > b && evalx__space(s[e - 1]))
    e--;
  if (b == e)
    return;
  has = assertion_from_string(s + b, e - b, &type, &type_len, &at,
                              &threshold);
  typed = type == s + b;
  at += b;
  name = strndup(type, type_len);
  if (!name)
    return;
  base = strncmp(name, "not-", 4) == 0 ? name + 4 : name;
  if (typed && strcmp(base, "is-json") != 0 &&
      strcmp(base, "contains-json") != 0) {
    while (at < e && evalx__space(s[at]))
      at++;
  }
  if (t->assert0 == EVAL_NONE)
    t->assert0 = (uint32_t)x->f->nasserts;
  as = evalfile_add_asserts(x->f);
  if (!as) {
    free(name);
    return;
  }
  as->type = evalfile_strdup(x->f, name);
  as->value = evalx_json_string(x->f, s + at, e - at);
  as->name = evalfile_strdup(x->f, metric);
  as->span = v->span;
  as->type_span = v->span;
  as->has_threshold = has;
  as->threshold = threshold;
  as->ref = EVAL_NONE;
  if (e - at > 7 && strncmp(s + at, "file://", 7) == 0)
    as->ref = evalx_ref(x, EVREF_ASSERT, v, at + 7, e - at - 7, test);
  as = &x->f->asserts[x->f->nasserts - 1];
  as->hash = evalfile_assert_hash(as->type, as->value, has, threshold);
  t->nasserts++;
  /* at 0: the whole cell is the value, compared with equals. */
  evalx_check_expected(x, v, name, typed ? b + type_len : 0,
                       typed || strcmp(name, "equals") != 0 ? at : 0, e,
                       has);
  free(name);
}

void
evalx_check_placeholder(struct evalx *x, const char *name,
                        const struct node *value)
{
  const char *s = node_str(value);

  if (!s || value->kind != NODE_SCALAR || value->type != SCALAR_STRING ||
      strncmp(s, "TODO", 4) != 0 || (s[4] != '\0' && s[4] != ':'))
    return;
  diag_add(&x->a->diags, DIAG_PLACEHOLDER_VALUE, value->span,
           "'%s' is still the placeholder '%s': the prompt would get that "
           "text as written; give it a real value", name, s);
}

/* The span of bytes [from, to) of cell v's text, or the cell's. */
static struct span
evalx__cell_span(const struct evalx *x, const struct node *v, size_t from,
                 size_t to)
{
  struct span out;

  formats_scalar_span(x->a, v, from, to, &out);
  return out;
}

/*
 * A cell that reads as equals but starts like a typo of a type ("contain:
 * refund"): promptfoo compares the output with the whole cell, which the
 * author hardly meant.
 */
static void
evalx__typo(struct evalx *x, const struct node *v)
{
  const char *s = node_str(v);
  size_t n = 0;
  char word[48];
  const char *near;
  struct diagnostic *d;

  while (n < v->u.scalar.len && n + 1 < sizeof word &&
         ((s[n] >= 'a' && s[n] <= 'z') || s[n] == '-'))
    n++;
  if (n < 3 || n >= v->u.scalar.len || (s[n] != ':' && s[n] != '('))
    return;
  memcpy(word, s, n);
  word[n] = '\0';
  if (assertion_lookup(word, NULL) || !(near = assertion_suggest(word)))
    return;
  d = diag_add(&x->a->diags, DIAG_UNKNOWN_ASSERTION,
               evalx__cell_span(x, v, 0, n),
               "unknown assertion type '%s', so promptfoo compares the "
               "output with the whole cell; did you mean '%s%s'?", word,
               strncmp(word, "not-", 4) == 0 ? "not-" : "", near);
  if (d && strncmp(word, "not-", 4) != 0)
    d->replacement = near;
}

/*
 * The checks assertion_check makes of an assertion in a YAML or JSON test,
 * for one written in a cell: a value missing, a regex that does not
 * compile, a threshold out of range (type_len, when not 0, is where the
 * threshold's parenthesis is), each at its part of the cell.
 */
void
evalx_check_expected(struct evalx *x, const struct node *v, const char *type,
                     size_t paren, size_t at, size_t end, bool has_threshold)
{
  const struct assertion_type *t = assertion_lookup(type, NULL);
  const char *s = node_str(v);

  if (strcmp(type, "equals") == 0 && at == 0) {
    evalx__typo(x, v);
    return;
  }
  if (!t)
    return;
  if (t->needs_value && at >= end)
    diag_add(&x->a->diags, DIAG_ASSERTION_VALUE, v->span,
             "%s %s assertion needs a value after the ':'",
             strchr("aeiou", type[0]) ? "an" : "a", type);
  if (strcmp(t->name, "regex") == 0 && at < end)
    assertion_check_pattern(s + at, end - at, evalx__cell_span(x, v, at, end),
                            &x->a->diags);
  if (has_threshold && paren && paren < end && s[paren] == '(') {
    const char *close = memchr(s + paren, ')', end - paren);

    if (close)
      assertion_check_threshold(
        type, s + paren + 1, (size_t)(close - s) - paren - 1,
        evalx__cell_span(x, v, paren + 1, (size_t)(close - s)),
        &x->a->diags);
  }
}

const char *
evalx_json_string(struct evalfile *f, const char *s, size_t n)
{
  char *buf = malloc(n * 6 + 3);
  size_t len = 0;
  const char *out;

  if (!buf)
    return NULL;
  buf[len++] = '"';
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];

    if (c == '"' || c == '\\') {
      buf[len++] = '\\';
      buf[len++] = (char)c;
    } else if (c < 0x20) {
      len += (size_t)sprintf(buf + len, "\\u%04x", c);
    } else {
      buf[len++] = (char)c;
    }
  }
  buf[len++] = '"';
  out = evalfile_strndup(f, buf, len);
  free(buf);
  return out;
}

int
evalx_jsonl(struct artifact *a)
{
  struct node **items = NULL;
  size_t n = 0;
  size_t cap = 0;
  int rc = 0;

  a->parsed = true;
  a->syntax = SYNTAX_JSON;
  for (uint32_t line = 0; line < a->src.line_count && rc == 0; line++) {
    uint32_t start = source_line_start(&a->src, line);
    uint32_t end = source_line_end(&a->src, line);
    struct node *v = NULL;

    while (start < end && (a->text[start] == ' ' || a->text[start] == '\t'))
      start++;
    if (start == end)
      continue;
    rc = json_parse(&a->arena, &a->src, span_make(start, end), &a->diags,
                    &v);
    if (rc == 0 && v) {
      if (n == cap) {
        struct node **grown = realloc(items, (cap = cap ? 2 * cap : 64) *
                                             sizeof *items);

        if (!grown) {
          rc = FACET_ENOMEM;
          break;
        }
        items = grown;
      }
      items[n++] = v;
    }
  }
  a->root = node_new_collection(&a->arena, NODE_SEQ,
                                span_make(0, a->src.len), items,
                                (uint32_t)n, 0);
  a->facts.header_broken = formats_syntax_errors(a, 0);
  free(items);
  return rc;
}

static bool
pfx__ends(const char *path, const char *suffix)
{
  return path && evalx_ends(path, strlen(path), suffix);
}

/* The test file's checker: read as promptfoo reads it, by extension. */
void
promptfoo_tests_check(struct artifact *a)
{
  struct evalx x = { .a = a, .row_names = true };
  const struct node *root;
  bool csv = pfx__ends(a->path, ".csv") || pfx__ends(a->path, ".tsv");

  if (csv) {
    a->parsed = true;
    a->syntax = SYNTAX_TEXT;
    csv_parse(&a->arena, &a->src, span_make(0, a->src.len),
              pfx__ends(a->path, ".tsv") ? '\t' : ',', &a->diags,
              &a->root);
  } else if (pfx__ends(a->path, ".jsonl")) {
    evalx_jsonl(a);
  } else {
    formats_parse_document(a, false);
  }
  x.f = evalx_begin(a);
  root = node_resolve(a->root);
  if (!x.f || !root)
    return;
  a->facts.header = true;
  for (uint32_t i = 0; root->kind == NODE_SEQ && i < root->count; i++) {
    const struct node *item = node_resolve(root->u.items[i]);

    if (item && item->kind == NODE_MAP && csv)
      pfx__csv_row(&x, item, i);
    else if (item && item->kind == NODE_MAP)
      pfx__test(&x, item, i);
  }
  if (root->kind == NODE_MAP)
    pfx__test(&x, root, 0);
  evalx_tests_facts(a);
}
