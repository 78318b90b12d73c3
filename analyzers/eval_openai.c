/*
 * OpenAI evals: a registry entry names its samples (samples_jsonl, under
 * the registry's data folder), and a samples file holds one JSON object a
 * line, {"input": ..., "ideal": ...}. openai/evals keeps its samples in
 * Git LFS, so a checkout without "git lfs pull" holds pointer files:
 * those are recognised and not read as samples.
 */
#include <string.h>

#include "eval_internal.h"
#include "formats.h"
#include "tree.h"

void
evalx_openai_registry(struct artifact *a)
{
  struct evalx x = { .a = a };
  const struct node *root = node_resolve(a->root);

  if (!root || root->kind != NODE_MAP || !(x.f = evalx_begin(a)))
    return;
  for (uint32_t i = 0; i < root->count; i++) {
    const struct node *entry = node_resolve(node_value(root, i));
    const struct node *args = node_get(entry, "args");
    const struct node *samples = node_get(args, "samples_jsonl");
    const struct node *spec = node_get(args, "modelgraded_spec");
    uint32_t r;

    /* A spec of the modelgraded folder: the grader's prompt and choices. */
    if (entry && entry->kind == NODE_MAP && node_get(entry, "prompt") &&
        node_get(entry, "choice_strings") && node_str(node_key(root, i))) {
      struct evname *n = evalfile_add_names(x.f);

      if (n) {
        n->name = evalfile_strdup(x.f, node_str(node_key(root, i)));
        n->span = node_key(root, i)->span;
      }
    }
    if (node_str(spec) && spec->type == SCALAR_STRING &&
        spec->u.scalar.len &&
        (r = evalx_ref(&x, EVREF_SPEC, spec, 0, spec->u.scalar.len, i)) !=
          EVAL_NONE) {
      /* A name, not a path: nothing of it is a glob or a function. */
      x.f->refs[r].path = evalfile_strndup(x.f, node_str(spec),
                                           spec->u.scalar.len);
      x.f->refs[r].glob = false;
      x.f->refs[r].code = false;
    }
    if (!node_str(samples) || samples->type != SCALAR_STRING)
      continue;
    r = evalx_ref(&x, EVREF_SAMPLES, samples, 0, samples->u.scalar.len, i);
    if (r != EVAL_NONE)
      x.f->refs[r].data_dir = true;
  }
}

/* Whether the file is a Git LFS pointer rather than its content. */
static bool
evalx__lfs_pointer(const struct artifact *a)
{
  static const char mark[] = "version https://git-lfs.github.com/spec/";

  return a->src.len < 1024 && a->src.len >= sizeof mark - 1 &&
         memcmp(a->text, mark, sizeof mark - 1) == 0;
}

void
openai_samples_check(struct artifact *a)
{
  struct evalx x = { .a = a };
  const struct node *root;

  a->facts.header = true;
  a->facts.tests_where = "samples";
  a->facts.tests_hint = "add samples: one {\"input\", \"ideal\"} object a line";
  if (evalx__lfs_pointer(a)) {
    a->facts.tests_hint = "fetch the samples: they are in Git LFS "
                          "(git lfs pull)";
    evalx_begin(a);
    return;
  }
  evalx_jsonl(a);
  root = node_resolve(a->root);
  if (!(x.f = evalx_begin(a)) || !root)
    return;
  for (uint32_t i = 0; i < root->count; i++) {
    const struct node *s = node_resolve(root->u.items[i]);
    struct evtest *t;

    if (!s || s->kind != NODE_MAP) {
      diag_add(&a->diags, DIAG_WRONG_TYPE, root->u.items[i]->span,
               "a sample should be a JSON object with input and ideal, not "
               "%s", node_type_name(s));
      continue;
    }
    if (!node_get_key(s, "input"))
      diag_add(&a->diags, DIAG_MISSING_KEY, s->span,
               "this sample has no 'input': the eval has nothing to send");
    if (!(t = evalfile_add_tests(x.f)))
      return;
    t->span = s->span;
    t->anchor = evalx_anchor(a, s);
    t->line = source_line_of(&a->src, t->anchor.start) + 1;
    t->var0 = (uint32_t)x.f->nvars;
    t->assert0 = (uint32_t)x.f->nasserts;
  }
  a->facts.tests = (unsigned)x.f->ntests;
  a->facts.assertions = x.f->ntests > 0;
}
