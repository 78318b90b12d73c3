/*
 * Incremental re-analysis of YAML documents. After random edits (inserts,
 * deletes and replacements; ones that break the syntax and the undo that
 * mends it; new indentation, dashes, anchors, aliases, document markers),
 * an analysis that starts from the previous one must equal a full
 * analysis of the same text: node for node (kind, type, flags, span,
 * value) and finding for finding, with the same grade, inputs and
 * template variables. The inputs are real configs in tests/reparse/ (see
 * its README), each also with CRLF line ends; the program takes that
 * folder as its argument.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "artifact.h"
#include "tree.h"
#include "yaml_doc.h"

/* Edits per input and line-end style: thousands in all. */
#define STEPS_DEFAULT 400
static int steps = STEPS_DEFAULT;
#define TEXT_MAX (1 << 16)

static const char *dir;

static const struct {
  const char *file;
  const char *path;   /* the name it is analysed under */
  enum artifact_format format;  /* as a facet.formats setting gives it */
} inputs[] = {
  { "promptfooconfig.yaml", "sql/promptfooconfig.yaml", FORMAT_NONE },
  { "generated.promptfooconfig.yaml", "gen/promptfooconfig.yaml",
    FORMAT_NONE },
  { "tricky.yaml", "tricky/promptfooconfig.yaml", FORMAT_NONE },
  /* A list at the top: a file of promptfoo tests, analysed as a config. */
  { "tests.yaml", "summarization/tests.yaml", FORMAT_PROMPTFOO },
  { "promptfooconfig.nova.tool.yaml", "nova/promptfooconfig.nova.tool.yaml",
    FORMAT_NONE },
  { "json_schema.prompt.yml", "gh/json_schema.prompt.yml", FORMAT_NONE },
  { "humor.yaml", "evals/registry/modelgraded/humor.yaml", FORMAT_NONE },
};

/* What edits insert: structure, indentation, markers, broken syntax. */
static const char *const pieces[] = {
  "x", " ", "  ", "    ", "\n", "\n  ", "\n    ", "- ", "-", ":", ": ", "#",
  "# note\n", "'", "\"", "{", "}", "[", "]", ",", "|\n", ">-\n", "|+\n",
  "\t", "&a ", "*a", "*shared", "*defaults", "!!str ", "!!int ", "---\n",
  "...\n", "%YAML 1.2\n---\n", "key: value\n", "description: again\n",
  "  - description: a new test\n    vars:\n      question: why\n",
  "      - type: equals\n        value: 1\n", "\xC3\xA9", "\xF0\x9F\x98\x80",
  "\\", "? ", "\n\n", "true", "1.5", "~", "null",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static uint32_t seed = 2024;

static uint32_t
rnd(uint32_t n)
{
  seed ^= seed << 13;
  seed ^= seed >> 17;
  seed ^= seed << 5;
  return seed % n;
}

struct text {
  char data[TEXT_MAX];
  size_t len;
};

/* An offset on a character boundary and never inside "\r\n", as an LSP
 * position always is; now and then at a line's start or end. */
static size_t
random_offset(const struct text *t)
{
  size_t off = rnd((uint32_t)t->len + 1);
  uint32_t where = rnd(4);

  while (where == 0 && off > 0 && t->data[off - 1] != '\n')
    off--;
  while (where == 1 && off < t->len && t->data[off] != '\n' &&
         t->data[off] != '\r')
    off++;
  while (off > 0 && off < t->len &&
         (((unsigned char)t->data[off] & 0xC0) == 0x80 ||
          (t->data[off] == '\n' && t->data[off - 1] == '\r')))
    off--;
  return off;
}

struct edit {
  size_t start;
  size_t removed_len;
  char removed[64];
  size_t inserted_len;
};

/* Replaces [start, end) of t with len bytes of s; records it in change. */
static bool
apply(struct text *t, size_t start, size_t end, const char *s, size_t len,
      struct text_change *change)
{
  if (t->len - (end - start) + len >= TEXT_MAX)
    return false;
  memmove(t->data + start + len, t->data + end, t->len - end);
  memcpy(t->data + start, s, len);
  t->len = t->len - (end - start) + len;
  t->data[t->len] = '\0';
  text_change_add(change, (uint32_t)start, (uint32_t)end, (uint32_t)len);
  return true;
}

/* The edits since the text last parsed cleanly, for undoing them. */
struct history {
  struct edit edits[64];
  int count;
};

/*
 * One random edit, near near (a keystroke after another) unless it is
 * SIZE_MAX; or the undo of the latest one: usually, after an edit broke
 * the syntax, so that it is mended in the end.
 */
static size_t
random_edit(struct text *t, struct history *h, bool broken, size_t near,
            struct text_change *change)
{
  uint32_t kind = rnd(10);
  const char *piece = rnd(3) ? pieces[rnd(NPIECES)] : pieces[rnd(4)];
  size_t start = random_offset(t);
  size_t end;
  struct edit e;

  if (h->count > 0 && (broken ? rnd(5) != 0 : rnd(3) == 0)) {
    struct edit *last = &h->edits[--h->count];

    apply(t, last->start, last->start + last->inserted_len, last->removed,
          last->removed_len, change);
    return last->start;
  }
  if (near != SIZE_MAX && near <= t->len) {
    start = near > 20 ? near - 20 + rnd(40) : rnd(40);
    start = start > t->len ? t->len : start;
    while (start > 0 && start < t->len &&
           (((unsigned char)t->data[start] & 0xC0) == 0x80 ||
            (t->data[start] == '\n' && t->data[start - 1] == '\r')))
      start--;
  }
  end = start;
  if (kind >= 5) {
    end = start + 1 + rnd(kind >= 8 ? 40 : 8);
    if (end > t->len)
      end = t->len;
    while (end < t->len && (((unsigned char)t->data[end] & 0xC0) == 0x80 ||
                            (t->data[end] == '\n' && t->data[end - 1] == '\r')))
      end++;
    if (end - start > sizeof e.removed)
      end = start;
  }
  if (kind >= 5 && kind < 8)
    piece = "";
  e.start = start;
  e.removed_len = end - start;
  memcpy(e.removed, t->data + start, end - start);
  e.inserted_len = strlen(piece);
  if (!apply(t, start, end, piece, strlen(piece), change))
    return start;
  if (h->count == (int)(sizeof h->edits / sizeof h->edits[0]))
    h->count = 0;  /* too far gone: the reset below will bring it back */
  h->edits[h->count++] = e;
  return start;
}

static bool
same_str(const char *x, const char *y)
{
  return x == y || (x && y && strcmp(x, y) == 0);
}

static bool
same_span(struct span x, struct span y)
{
  return x.start == y.start && x.end == y.end;
}

/* Reports the first difference found, for a readable failure. */
static bool
differ(const char *what, uint32_t at)
{
  fprintf(stderr, "# incremental and full analyses differ: %s at %u\n", what,
          at);
  return false;
}

static bool
same_tree(const struct node *x, const struct node *y)
{
  uint32_t slots;

  if (!x || !y)
    return x == y || differ("node presence", x ? x->span.start : 0);
  if (x->kind != y->kind || x->type != y->type || x->flags != y->flags ||
      x->count != y->count || !same_span(x->span, y->span))
    return differ("node", y->span.start);
  switch ((enum node_kind)x->kind) {
  case NODE_SCALAR:
    return (x->u.scalar.len == y->u.scalar.len &&
            memcmp(x->u.scalar.str, y->u.scalar.str, x->u.scalar.len + 1) ==
              0) || differ("scalar value", y->span.start);
  case NODE_ALIAS:
    return (x->u.target->kind == y->u.target->kind &&
            same_span(x->u.target->span, y->u.target->span)) ||
           differ("alias target", y->span.start);
  case NODE_MAP:
  case NODE_SEQ:
    break;
  }
  slots = x->kind == NODE_MAP ? 2 * x->count : x->count;
  for (uint32_t i = 0; i < slots; i++)
    if (!same_tree(x->u.items[i], y->u.items[i]))
      return false;
  return true;
}

static bool
same_diags(const struct diag_list *x, const struct diag_list *y)
{
  if (x->count != y->count)
    return differ("number of findings", (uint32_t)y->count);
  for (size_t i = 0; i < x->count; i++) {
    const struct diagnostic *a = &x->items[i];
    const struct diagnostic *b = &y->items[i];

    if (a->code != b->code || a->severity != b->severity ||
        !same_span(a->span, b->span) || !same_str(a->message, b->message) ||
        !same_str(a->replacement, b->replacement))
      return differ(b->message, b->span.start);
  }
  return true;
}

static int
by_start(const void *a, const void *b)
{
  const struct diagnostic *x = a;
  const struct diagnostic *y = b;

  return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

/* The kept parses: the same parser findings (in any order) and anchors. */
static bool
same_yaml_doc(const struct yaml_doc *x, const struct yaml_doc *y)
{
  struct diagnostic dx[DIAG_LIST_MAX];
  struct diagnostic dy[DIAG_LIST_MAX];

  if (!x || !y)
    return x == y || differ("kept parse", 0);
  if (x->reusable != y->reusable || x->ndiags != y->ndiags ||
      x->nanchored != y->nanchored)
    return differ("kept parse's counts", (uint32_t)y->ndiags);
  if (!x->reusable)
    return true;
  for (size_t i = 0; i < x->nanchored; i++)
    if (!same_span(x->anchored[i]->span, y->anchored[i]->span))
      return differ("anchored node", y->anchored[i]->span.start);
  if (x->ndiags == 0)
    return true;
  memcpy(dx, x->diags, x->ndiags * sizeof *dx);
  memcpy(dy, y->diags, y->ndiags * sizeof *dy);
  qsort(dx, x->ndiags, sizeof *dx, by_start);
  qsort(dy, y->ndiags, sizeof *dy, by_start);
  for (size_t i = 0; i < x->ndiags; i++)
    if (!same_span(dx[i].span, dy[i].span) ||
        !same_str(dx[i].message, dy[i].message))
      return differ("kept finding", dy[i].span.start);
  return true;
}

static bool
same_facts(const struct artifact_facts *x, const struct artifact_facts *y)
{
  return (x->header == y->header && x->header_broken == y->header_broken &&
          x->inputs_declared == y->inputs_declared &&
          x->inputs_by_use == y->inputs_by_use &&
          x->output_schema == y->output_schema &&
          same_str(x->output_schema_where, y->output_schema_where) &&
          x->tests == y->tests && x->test_files == y->test_files &&
          x->assertions == y->assertions &&
          same_str(x->tests_where, y->tests_where) &&
          same_str(x->inputs_hint, y->inputs_hint) &&
          same_str(x->schema_hint, y->schema_hint) &&
          same_str(x->tests_hint, y->tests_hint)) || differ("facts", 0);
}

static bool
same_grade(const struct grade *x, const struct grade *y)
{
  if (x->graded != y->graded || x->level != y->level ||
      x->nreasons != y->nreasons || !same_str(x->next, y->next))
    return differ("grade", x->level);
  for (size_t i = 0; i < x->nreasons; i++)
    if (!same_str(x->reasons[i], y->reasons[i]))
      return differ(y->reasons[i], 0);
  return true;
}

static bool
same_template(const struct artifact *x, const struct artifact *y)
{
  if (x->nvars != y->nvars || x->nuses != y->nuses ||
      x->nblocks != y->nblocks || x->ninputs != y->ninputs ||
      x->nsites != y->nsites || x->inputs_open != y->inputs_open ||
      x->tokens != y->tokens || !same_span(x->body, y->body))
    return differ("template counts", (uint32_t)y->nvars);
  for (size_t i = 0; i < x->nvars; i++)
    if (!same_str(x->vars[i].name, y->vars[i].name) ||
        !same_span(x->vars[i].span, y->vars[i].span) ||
        x->vars[i].uses != y->vars[i].uses ||
        x->vars[i].iterated != y->vars[i].iterated)
      return differ("variable", y->vars[i].span.start);
  for (size_t i = 0; i < x->nuses; i++)
    if (!same_span(x->uses[i].span, y->uses[i].span) ||
        x->uses[i].var != y->uses[i].var)
      return differ("use", y->uses[i].span.start);
  for (size_t i = 0; i < x->ninputs; i++) {
    const struct input_decl *a = &x->inputs[i];
    const struct input_decl *b = &y->inputs[i];

    if (!same_str(a->name, b->name) || !same_span(a->span, b->span) ||
        !same_str(a->type, b->type) ||
        !same_str(a->description, b->description) ||
        !same_str(a->where, b->where) ||
        a->used_elsewhere != b->used_elsewhere ||
        !a->value != !b->value ||
        (a->value && !same_span(a->value->span, b->value->span)))
      return differ("input", b->span.start);
  }
  for (size_t i = 0; i < x->nsites; i++)
    if (!same_span(x->sites[i].span, y->sites[i].span) ||
        x->sites[i].input != y->sites[i].input)
      return differ("input site", y->sites[i].span.start);
  return true;
}

static bool
same_artifact(const struct artifact *inc, const struct artifact *full)
{
  return (inc->format == full->format && inc->kind == full->kind &&
          inc->syntax == full->syntax && inc->parsed == full->parsed &&
          inc->src.len == full->src.len) &&
         same_tree(inc->root, full->root) &&
         same_diags(&inc->diags, &full->diags) &&
         same_facts(&inc->facts, &full->facts) &&
         same_grade(&inc->grade, &full->grade) &&
         same_template(inc, full) && same_yaml_doc(inc->yaml, full->yaml);
}

static bool
load(const char *file, struct text *t, bool crlf)
{
  char path[4096];
  char raw[TEXT_MAX / 2];
  FILE *f;
  size_t n;

  snprintf(path, sizeof path, "%s/%s", dir, file);
  f = fopen(path, "rb");
  if (!f)
    return false;
  n = fread(raw, 1, sizeof raw, f);
  fclose(f);
  t->len = 0;
  for (size_t i = 0; i < n; i++) {
    if (crlf && raw[i] == '\n')
      t->data[t->len++] = '\r';
    t->data[t->len++] = raw[i];
  }
  t->data[t->len] = '\0';
  return true;
}

/* FACET_REPARSE_DUMP=DIR keeps a failure's texts, before and after, as
 * DIR/before.yaml and DIR/after.yaml. */
static void
dump_texts(const struct artifact *prev, const struct text *t)
{
  const char *dump = getenv("FACET_REPARSE_DUMP");
  char path[4096];
  FILE *f;

  if (!dump)
    return;
  snprintf(path, sizeof path, "%s/before.yaml", dump);
  if ((f = fopen(path, "wb"))) {
    fwrite(prev->text, 1, prev->src.len, f);
    fclose(f);
  }
  snprintf(path, sizeof path, "%s/after.yaml", dump);
  if ((f = fopen(path, "wb"))) {
    fwrite(t->data, 1, t->len, f);
    fclose(f);
  }
}

struct tally {
  unsigned steps;
  unsigned reused;   /* analyses that re-parsed one item */
};

/* steps rounds of edits on one input, each analysed both ways. */
static void
run_input(const char *file, const char *path, enum artifact_format format,
          bool crlf, struct tally *tally)
{
  struct analyze_options plain = { .format = format };
  static struct text original;
  static struct text t;
  struct history history = { .count = 0 };
  struct artifact *prev;
  bool broken = false;

  assert_true(load(file, &original, crlf));
  t = original;
  prev = artifact_analyze(path, t.data, t.len, &plain);
  assert_non_null(prev);
  for (int step = 0; step < steps; step++) {
    struct text_change change = text_change_none();
    struct analyze_options opts = { .format = format };
    struct artifact *inc;
    struct artifact *full;
    uint32_t burst = rnd(6) == 0 ? 2 + rnd(3) : 1;
    size_t near = SIZE_MAX;

    /* Drifted far from a real file: start over from it (one change). */
    if (t.len > original.len * 2 || t.len < original.len / 2 ||
        rnd(50) == 0) {
      apply(&t, 0, t.len, original.data, original.len, &change);
      history.count = 0;
      broken = false;
    }
    for (uint32_t i = 0; i < burst; i++)
      near = random_edit(&t, &history, broken, near, &change);
    opts.previous = prev;
    opts.change = change;

    inc = artifact_analyze(path, t.data, t.len, &opts);
    full = artifact_analyze(path, t.data, t.len, &plain);

    assert_non_null(inc);
    assert_non_null(full);
    if (!same_artifact(inc, full)) {
      dump_texts(prev, &t);
      fprintf(stderr, "# %s%s, step %d, change [%u, %u) -> [%u, %u):\n%s\n",
              file, crlf ? " (CRLF)" : "", step, change.start,
              change.old_end, change.start, change.new_end, t.data);
      fail();
    }
    /* A document marker or directive ends what is parsed: undo it too. */
    broken = !inc->yaml || !inc->yaml->reusable ||
             strstr(t.data, "\n---") || strstr(t.data, "\n...") ||
             strstr(t.data, "\n%");
    tally->steps++;
    tally->reused += inc->yaml && inc->yaml->reused;
    artifact_free(full);
    artifact_free(prev);
    prev = inc;
  }
  artifact_free(prev);
}

static void
random_edits_reanalyse_as_a_full_analysis_does(void **state)
{
  struct tally tally = { 0, 0 };

  (void)state;
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
    for (int crlf = 0; crlf < 2; crlf++)
      run_input(inputs[i].file, inputs[i].path, inputs[i].format, crlf,
                &tally);

  fprintf(stderr, "# %u edits, %u re-parsed one item\n", tally.steps,
          tally.reused);
  /* Most random edits break the syntax or cross an item's bounds; a good
   * share must still take the short way, or this tests nothing. */
  assert_true(tally.reused * 8 > tally.steps);
}

/* Analyses text as path after the one-byte edit at at (inserting c). */
static struct artifact *
edited(const char *path, char *text, size_t *len, size_t at, char c,
       const struct artifact *prev)
{
  struct analyze_options opts = { 0 };

  memmove(text + at + 1, text + at, *len - at + 1);
  text[at] = c;
  (*len)++;
  opts.previous = prev;
  opts.change.start = (uint32_t)at;
  opts.change.old_end = (uint32_t)at;
  opts.change.new_end = (uint32_t)at + 1;
  return artifact_analyze(path, text, *len, &opts);
}

static void
an_alias_past_the_item_names_the_new_tree(void **state)
{
  char text[256] = "defaults: &d {language: en}\ntests:\n"
                   "  - vars: {question: one}\n  - vars: *d\n";
  size_t len = strlen(text);
  struct artifact *prev = artifact_analyze("promptfooconfig.yaml", text,
                                           len, NULL);
  struct artifact *next;
  const struct node *tests;

  (void)state;
  next = edited("promptfooconfig.yaml", text, &len,
                strstr(text, "one") - text, 'x', prev);
  artifact_free(prev);
  tests = node_get(next->root, "tests");

  assert_true(next->yaml->reused);
  assert_string_equal(node_str(node_get(tests->u.items[0], "vars")
                                 ->u.items[1]), "xone");
  assert_int_equal(node_get(tests->u.items[1], "vars")->kind, NODE_MAP);
  assert_ptr_equal(node_get(tests->u.items[1], "vars"),
                   node_get(next->root, "defaults"));
  artifact_free(next);
}

static void
a_small_file_that_is_no_artifact_keeps_no_tree(void **state)
{
  const char *text = "kind: List\nitems:\n  - name: a\n  - name: b\n";
  struct artifact *a = artifact_analyze("k8s/list.yaml", text, strlen(text),
                                        NULL);

  (void)state;
  assert_int_equal(a->format, FORMAT_NONE);
  assert_null(a->root);
  assert_null(a->yaml);
  /* The arena holds its copy of the text, and nothing else. */
  assert_int_equal(a->arena.used, strlen(text) + 1);
  assert_string_equal(a->text, text);
  artifact_free(a);
}

static void
a_large_file_that_is_no_artifact_keeps_its_tree_for_the_next_edit(
  void **state)
{
  static char text[200000];
  size_t len = 0;
  struct artifact *prev;
  struct artifact *next;

  (void)state;
  len += (size_t)sprintf(text, "kind: List\nitems:\n");
  for (int i = 0; len < 100000; i++)
    len += (size_t)sprintf(text + len, "  - name: item %d\n    value: %d\n",
                           i, i);
  prev = artifact_analyze("k8s/list.yaml", text, len, NULL);
  next = edited("k8s/list.yaml", text, &len, strstr(text, "item 7") - text,
                'x', prev);

  assert_int_equal(next->format, FORMAT_NONE);
  assert_null(next->root);
  assert_int_equal(next->diags.count, 0);
  assert_true(next->yaml->reused);
  assert_string_equal(node_str(node_get(next->yaml->root->u.items[3]
                                          ->u.items[7], "name")),
                      "xitem 7");
  artifact_free(prev);
  artifact_free(next);
}

int
main(int argc, char **argv)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(random_edits_reanalyse_as_a_full_analysis_does),
    cmocka_unit_test(an_alias_past_the_item_names_the_new_tree),
    cmocka_unit_test(a_small_file_that_is_no_artifact_keeps_no_tree),
    cmocka_unit_test(
      a_large_file_that_is_no_artifact_keeps_its_tree_for_the_next_edit),
  };

  if (argc < 2) {
    fprintf(stderr, "usage: %s tests/reparse\n", argv[0]);
    return 2;
  }
  dir = argv[1];
  /* A longer soak with another seed:
   * FACET_REPARSE_SEED=7 FACET_REPARSE_STEPS=5000 test_reparse DIR */
  if (getenv("FACET_REPARSE_SEED"))
    seed = (uint32_t)strtoul(getenv("FACET_REPARSE_SEED"), NULL, 10) + 1;
  if (getenv("FACET_REPARSE_STEPS"))
    steps = atoi(getenv("FACET_REPARSE_STEPS"));
  return cmocka_run_group_tests(tests, NULL, NULL);
}
