/*
 * What a GitHub Models prompt file says about evals: its messages are the
 * prompt, each testData item a test whose keys are the variables it sets,
 * and every evaluator an assertion on every test. Results of gh models
 * eval embed the testData item, which is how they are matched back.
 */
#include <stdio.h>
#include <string.h>

#include "eval_internal.h"
#include "tree.h"

/* The first of equals, contains, startsWith and endsWith that is set,
 * as the CLI picks it. */
static const char *
ghx__string_kind(const struct node *string, const struct node **value)
{
  static const char *const kinds[] = {
    "equals", "contains", "startsWith", "endsWith",
  };

  for (int i = 0; i < 4; i++) {
    const struct node *v = node_get(string, kinds[i]);

    if (node_str(v) && v->u.scalar.len > 0) {
      *value = v;
      return kinds[i];
    }
  }
  return NULL;
}

static void
ghx__evaluator(struct evalx *x, const struct node *ev)
{
  const struct node *string = node_get(ev, "string");
  const struct node *value = NULL;
  const char *kind = ghx__string_kind(string, &value);
  struct evassert *as;
  char type[32];

  if (kind)
    snprintf(type, sizeof type, "string.%s", kind);
  else if (node_get(ev, "llm"))
    snprintf(type, sizeof type, "llm");
  else if (node_get(ev, "uses"))
    snprintf(type, sizeof type, "uses");
  else
    return;
  as = evalfile_add_asserts(x->f);
  if (!as)
    return;
  if (!value && node_get(ev, "uses"))
    value = node_get(ev, "uses");
  if (!value && node_get(ev, "llm"))
    value = node_get(ev, "llm");
  as->type = evalfile_strdup(x->f, type);
  as->value = value ? evalfile_canon(x->f, value) : NULL;
  as->name = evalfile_strdup(x->f, node_str(node_get(ev, "name")));
  as->span = ev->span;
  as->type_span = node_get_key(ev, "name") ? node_get_key(ev, "name")->span
                                           : ev->span;
  as->ref = EVAL_NONE;
  as->flags = EVASSERT_DEFAULT;
  /* The built-in evaluators read {{input}} and {{expected}}. */
  if (node_get(ev, "uses"))
    as->flags |= EVASSERT_READS_VARS;
  as->hash = evalfile_assert_hash(as->type, as->value, false, 0);
}

static void
ghx__test(struct evalx *x, const struct node *item)
{
  struct evtest *t = evalfile_add_tests(x->f);
  uint32_t var0 = (uint32_t)x->f->nvars;

  if (!t)
    return;
  t->span = item->span;
  t->anchor = evalx_anchor(x->a, item);
  t->line = source_line_of(&x->a->src, t->anchor.start) + 1;
  t->var0 = var0;
  t->assert0 = (uint32_t)x->f->nasserts;
  for (uint32_t i = 0; i < item->count; i++) {
    const struct node *k = node_key(item, i);
    struct evvar *v;

    if (!node_str(k) || !(v = evalfile_add_vars(x->f)))
      continue;
    v->name = evalx_name(x, node_str(k));
    v->key = k->span;
    if ((k->flags & NODE_QUOTED) && k->span.end - k->span.start >= 2)
      v->key = span_make(k->span.start + 1, k->span.end - 1);
    v->value = node_value(item, i) ? node_value(item, i)->span : k->span;
    v->text = evalfile_text(x->f, node_value(item, i));
    evalx_check_placeholder(x, node_str(k), node_resolve(node_value(item, i)));
  }
  x->f->tests[x->f->ntests - 1].nvars = (uint32_t)x->f->nvars - var0;
}

void
evalx_github_models(struct artifact *a)
{
  struct evalx x = { .a = a };
  const struct node *data = node_get(a->root, "testData");
  const struct node *evaluators = node_get(a->root, "evaluators");
  const struct node *messages = node_get(a->root, "messages");
  struct evprompt *p;

  if (!a->root || !(x.f = evalx_begin(a)))
    return;
  x.f->suite = evalfile_strdup(x.f, node_str(node_get(a->root, "name")));
  p = evalfile_add_prompts(x.f);
  if (p) {
    p->self = true;
    p->ref = EVAL_NONE;
    p->label = x.f->suite;
    p->span = messages ? messages->span : a->root->span;
  }
  x.f->default_assert0 = (uint32_t)x.f->nasserts;
  for (uint32_t i = 0; evaluators && evaluators->kind == NODE_SEQ &&
                       i < evaluators->count; i++) {
    const struct node *ev = node_resolve(evaluators->u.items[i]);

    if (ev && ev->kind == NODE_MAP)
      ghx__evaluator(&x, ev);
  }
  x.f->ndefault_asserts = (uint32_t)x.f->nasserts - x.f->default_assert0;
  for (uint32_t i = 0; data && data->kind == NODE_SEQ && i < data->count;
       i++) {
    const struct node *item = node_resolve(data->u.items[i]);

    if (item && item->kind == NODE_MAP)
      ghx__test(&x, item);
  }
}
