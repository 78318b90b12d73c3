/*
 * promptfoo configs: YAML or JSON with prompts, providers and tests.
 * promptfoo validates the config with zod, which drops keys it does not
 * know, so a misspelt key is silently ignored: facet warns about it.
 * Assertion types are not checked here, only that each has one.
 */
#include <string.h>

#include "eval_internal.h"
#include "formats.h"
#include "schema.h"
#include "shape.h"
#include "tree.h"

static const struct shape pf__assertion;

static const struct shape_field pf__assertion_fields[] = {
  { "type", SHAPE_TEXT, "The check: contains, llm-rubric, javascript, "
    "assert-set, ...", 0, 0, 0, SHAPE_REQUIRED },
  { "value", SHAPE_ANY, "What the check compares with, or its code.", 0, 0,
    0, 0 },
  { "config", SHAPE_MAP, "Settings passed to the check.", 0, 0, 0, 0 },
  { "threshold", SHAPE_NUMBER, "The score needed to pass.", 0, 0, 0, 0 },
  { "weight", SHAPE_NUMBER, "Its weight among the test's checks.", 0, 0, 0,
    0 },
  { "provider", SHAPE_ANY, "The grading provider.", 0, 0, 0, 0 },
  { "rubricPrompt", SHAPE_ANY, "A grading prompt of its own.", 0, 0, 0, 0 },
  { "metric", SHAPE_STRING, "A named score it adds to.", 0, 0, 0, 0 },
  { "transform", SHAPE_STRING, "Code applied to the output first.", 0, 0, 0,
    0 },
  { "contextTransform", SHAPE_STRING, "Code that extracts the context.", 0,
    0, 0, 0 },
  { "assert", SHAPE_SEQ, "The checks of an assert-set.", 0, &pf__assertion,
    0, 0 },
  { 0 },
};

static const struct shape pf__assertion = {
  "a promptfoo assertion", pf__assertion_fields, 0, 0, 0,
};

/* Options are open: providers take their own (response_format, ...). */
static const struct shape pf__options = {
  "promptfoo test options", NULL, SHAPE_OPEN, 0, 0,
};

#define PF__TEST_FIELDS                                                      \
  { "vars", SHAPE_MAP | SHAPE_STRING | SHAPE_SEQ, "Values of the prompt's "  \
    "variables, or files of them.", 0, 0, 0, 0 },                           \
  { "provider", SHAPE_STRING | SHAPE_MAP, "A provider for this test only.",  \
    0, 0, 0, 0 },                                                            \
  { "providers", SHAPE_SEQ, "Providers it runs against (labels or ids).",   \
    0, 0, 0, 0 },                                                            \
  { "prompts", SHAPE_SEQ, "Prompts it runs against (labels or ids).", 0, 0,  \
    0, 0 },                                                                  \
  { "providerOutput", SHAPE_STRING | SHAPE_MAP, "A fixed output to check; "  \
    "the provider is not called.", 0, 0, 0, 0 },                            \
  { "assert", SHAPE_SEQ, "Checks on the output.", 0, &pf__assertion, 0, 0 }, \
  { "assertScoringFunction", SHAPE_STRING, "file://code that scores the "    \
    "checks.", 0, 0, 0, 0 },                                                 \
  { "options", SHAPE_MAP, "Prefix, suffix, transform, grading options.",    \
    &pf__options, 0, 0, 0 },                                                 \
  { "threshold", SHAPE_NUMBER, "The score needed to pass.", 0, 0, 0, 0 },    \
  { "metadata", SHAPE_MAP, "Arbitrary data for filters and reports.", 0, 0, \
    0, 0 }

static const struct shape_field pf__test_fields[] = {
  { "description", SHAPE_STRING, "What the test checks.", 0, 0, 0, 0 },
  PF__TEST_FIELDS,
  { "path", SHAPE_STRING, "A test generator: file://code.py:function.", 0,
    0, 0, 0 },
  { "config", SHAPE_MAP, "Settings passed to the test generator.", 0, 0, 0,
    0 },
  { 0 },
};

static const struct shape pf__test = {
  "a promptfoo test", pf__test_fields, 0, 0, 0,
};

static const struct shape_field pf__default_test_fields[] = {
  PF__TEST_FIELDS,
  { 0 },
};

static const struct shape pf__default_test = {
  "promptfoo defaultTest", pf__default_test_fields, 0, 0, 0,
};

static const struct shape_field pf__scenario_fields[] = {
  { "description", SHAPE_STRING, "What the scenario covers.", 0, 0, 0, 0 },
  { "config", SHAPE_SEQ, "Settings each test is run with.", 0, &pf__test, 0,
    SHAPE_REQUIRED },
  { "tests", SHAPE_SEQ, "The tests run with each setting.", 0, &pf__test, 0,
    SHAPE_REQUIRED },
  { 0 },
};

static const struct shape pf__scenario = {
  "a promptfoo scenario", pf__scenario_fields, 0, 0, 0,
};

static const struct shape_field pf__fields[] = {
  { "description", SHAPE_STRING, "What the suite tests.", 0, 0, 0, 0 },
  { "tags", SHAPE_MAP, "Labels: name to value.", 0, 0, 0, 0 },
  { "providers", SHAPE_STRING | SHAPE_SEQ, "The models to run: ids or "
    "{id, config} items.", 0, 0, 0, 0 },
  { "targets", SHAPE_STRING | SHAPE_SEQ, "Another name for providers.", 0,
    0, 0, 0 },
  { "prompts", SHAPE_STRING | SHAPE_SEQ | SHAPE_MAP, "The prompts: text, "
    "file:// paths or {id, label, raw} items.", 0, 0, 0, SHAPE_REQUIRED },
  { "tests", SHAPE_STRING | SHAPE_SEQ | SHAPE_MAP, "Test cases, or files "
    "and globs of them.", &pf__test, &pf__test, 0, 0 },
  { "scenarios", SHAPE_SEQ, "Groups of settings and tests.", 0,
    &pf__scenario, 0, 0 },
  { "defaultTest", SHAPE_STRING | SHAPE_MAP, "What every test inherits, "
    "or a file:// path to it.", &pf__default_test, 0, 0, 0 },
  { "outputPath", SHAPE_STRING | SHAPE_SEQ, "Where results are written.", 0,
    0, 0, 0 },
  { "sharing", SHAPE_BOOL | SHAPE_MAP, "Whether and where to share "
    "results.", 0, 0, 0, 0 },
  { "nunjucksFilters", SHAPE_MAP, "Template filters: name to file.", 0, 0,
    0, 0 },
  { "env", SHAPE_MAP, "Environment overrides.", 0, 0, 0, 0 },
  { "derivedMetrics", SHAPE_SEQ, "Scores computed from named scores.", 0, 0,
    0, 0 },
  { "extensions", SHAPE_SEQ, "Hooks: file://code.py:function.", 0, 0, 0,
    0 },
  { "metadata", SHAPE_MAP, "Arbitrary data.", 0, 0, 0, 0 },
  { "redteam", SHAPE_MAP, "Red-team generation settings.", 0, 0, 0, 0 },
  { "writeLatestResults", SHAPE_BOOL, "Keep results for the web viewer.", 0,
    0, 0, 0 },
  { "tracing", SHAPE_MAP, "OpenTelemetry tracing settings.", 0, 0, 0, 0 },
  { "evaluateOptions", SHAPE_MAP, "maxConcurrency, repeat, delay, ...", 0,
    0, 0, 0 },
  { "commandLineOptions", SHAPE_MAP, "Defaults for command-line flags.", 0,
    0, 0, 0 },
  { "assert", SHAPE_SEQ, "assertions for every test go under "
    "defaultTest.assert", 0, &pf__assertion, 0, SHAPE_MISPLACED },
  { "vars", SHAPE_ANY, "variables go under each test's vars (or "
    "defaultTest.vars)", 0, 0, 0, SHAPE_MISPLACED },
  { 0 },
};

const struct shape promptfoo_shape = {
  "promptfoo config", pf__fields, 0, 0, 0,
};

/* promptfoo refuses a config with both providers and targets, or neither. */
static void
pf__check_providers(struct artifact *a)
{
  const struct node *providers = node_get_key(a->root, "providers");
  const struct node *targets = node_get_key(a->root, "targets");
  const struct node *root = node_resolve(a->root);

  if (providers && targets)
    diag_add(&a->diags, DIAG_CONFLICTING_KEYS, targets->span,
             "a promptfoo config takes providers or targets, not both");
  else if (!providers && !targets && root && root->kind == NODE_MAP &&
           !(root->flags & NODE_PARTIAL))
    diag_add(&a->diags, DIAG_MISSING_KEY, formats_top(a),
             "promptfoo config is missing 'providers' (or 'targets')");
}

/* A defaultTest given as a string is a file of it: only file:// works. */
static void
pf__check_default_test(struct artifact *a)
{
  const struct node *dt = node_get(a->root, "defaultTest");
  const char *s = node_str(dt);

  if (s && dt->type == SCALAR_STRING && strncmp(s, "file://", 7) != 0)
    diag_add(&a->diags, DIAG_INVALID_VALUE, dt->span,
             "defaultTest as a string must be a file:// path, not '%s'", s);
}

static bool
pf__has_asserts(const struct node *test)
{
  const struct node *asserts = node_get(test, "assert");

  return asserts && asserts->kind == NODE_SEQ && asserts->count > 0;
}

struct pf_count {
  unsigned inline_tests;
  unsigned files;
  bool assertions;
};

/* A list of tests: mappings are tests, strings are files or globs. */
static void
pf__count_list(const struct node *list, struct pf_count *c)
{
  for (uint32_t i = 0; i < list->count; i++) {
    const struct node *item = node_resolve(list->u.items[i]);

    if (!item)
      continue;
    if (item->kind == NODE_SCALAR || node_get(item, "path")) {
      c->files++;
    } else if (item->kind == NODE_MAP) {
      c->inline_tests++;
      c->assertions |= pf__has_asserts(item);
    }
  }
}

static void
pf__count(const struct artifact *a, struct pf_count *c)
{
  const struct node *tests = node_get(a->root, "tests");
  const struct node *scenarios = node_get(a->root, "scenarios");

  if (tests && tests->kind == NODE_SEQ)
    pf__count_list(tests, c);
  else if (tests && (tests->kind == NODE_MAP ||
                     (tests->kind == NODE_SCALAR &&
                      tests->type != SCALAR_NULL)))
    c->files++;
  for (uint32_t i = 0; scenarios && scenarios->kind == NODE_SEQ &&
                       i < scenarios->count; i++) {
    const struct node *s = node_resolve(scenarios->u.items[i]);
    const struct node *list = node_get(s, "tests");
    const struct node *config = node_get(s, "config");

    if (list && list->kind == NODE_SEQ)
      pf__count_list(list, c);
    for (uint32_t k = 0; config && config->kind == NODE_SEQ &&
                         k < config->count; k++)
      c->assertions |= pf__has_asserts(config->u.items[k]);
  }
  c->assertions |= pf__has_asserts(node_get(a->root, "defaultTest"));
}

static void
pf__facts(struct artifact *a)
{
  struct artifact_facts *f = &a->facts;
  struct pf_count c = { 0, 0, false };

  pf__count(a, &c);
  f->header = true;
  /*
   * Limitation: alone, a file or glob of tests counts as one test and is
   * taken to check something (CSV __expected columns, asserts in YAML);
   * with the workspace index (facet check, the editor) the grade counts
   * the tests those files hold instead (grade_links).
   */
  f->tests = c.inline_tests + c.files;
  f->test_files = c.files;
  f->assertions = c.assertions || c.files > 0;
  f->assertions_inline = c.assertions;
  f->tests_where = c.files == 0 ? "tests"
                 : c.inline_tests == 0 ? "test files"
                 : "tests and test files";
  f->tests_hint = "add tests: items with vars and assert checks";
}

/* Schemas of a list of assertions, one assert-set deep. */
#define PF__SCHEMAS_MAX 16

struct pf_schemas {
  const struct schema_site *sites[PF__SCHEMAS_MAX];
  bool contains[PF__SCHEMAS_MAX];  /* contains-json: JSON inside text */
  size_t count;
};

/*
 * The schema of an is-json or contains-json assertion, checked where it is
 * written. Limitation: a schema given as a file:// path or as a string of
 * YAML is not read.
 */
static void
pf__assertion_schema(struct artifact *a, const struct node *assertion,
                     struct pf_schemas *out)
{
  const char *type = node_str(node_get(assertion, "type"));
  const struct node *value = node_get(assertion, "value");
  const struct schema_site *site;
  bool contains;

  if (!type || !value || value->kind != NODE_MAP ||
      out->count == PF__SCHEMAS_MAX)
    return;
  contains = strcmp(type, "contains-json") == 0;
  if (!contains && strcmp(type, "is-json") != 0)
    return;
  /* A check of the output, not sent to the model: plain JSON Schema. */
  site = schema_add(a, value, type, SCHEMA_PROVIDER_NONE,
                    a->syntax == SYNTAX_JSON ? SCHEMA_JSON : 0);
  if (site) {
    out->contains[out->count] = contains;
    out->sites[out->count++] = site;
  }
}

static void
pf__assertion_schemas(struct artifact *a, const struct node *test,
                      struct pf_schemas *out)
{
  const struct node *asserts = node_get(test, "assert");

  for (uint32_t i = 0; asserts && asserts->kind == NODE_SEQ &&
                       i < asserts->count; i++) {
    const struct node *as = node_resolve(asserts->u.items[i]);
    const struct node *inner = node_get(as, "assert");

    pf__assertion_schema(a, as, out);
    for (uint32_t k = 0; inner && inner->kind == NODE_SEQ &&
                         k < inner->count; k++)
      pf__assertion_schema(a, node_resolve(inner->u.items[k]), out);
  }
}

/* A fixed providerOutput, against the JSON schemas its checks name. */
static void
pf__check_output(struct artifact *a, const struct node *test,
                 const struct pf_schemas *schemas)
{
  const struct node *output = node_get(test, "providerOutput");
  const struct node *tree = output;
  bool exact;

  if (!output || !schemas->count)
    return;
  if (output->kind == NODE_SCALAR)
    tree = schema_parse_embedded(a, output, &exact);
  for (size_t i = 0; tree && i < schemas->count; i++)
    schema_validate(a, schemas->sites[i], tree,
                    node_get_key(test, "providerOutput"), "providerOutput");
}

/* Each test's own schemas, and defaultTest's, which every test has. */
static void
pf__check_schemas(struct artifact *a)
{
  const struct node *tests = node_get(a->root, "tests");
  struct pf_schemas common = { .count = 0 };

  pf__assertion_schemas(a, node_get(a->root, "defaultTest"), &common);
  for (uint32_t i = 0; tests && tests->kind == NODE_SEQ && i < tests->count;
       i++) {
    const struct node *test = node_resolve(tests->u.items[i]);
    struct pf_schemas own = common;

    if (!test || test->kind != NODE_MAP)
      continue;
    pf__assertion_schemas(a, test, &own);
    pf__check_output(a, test, &own);
  }
}

void
promptfoo_check(struct artifact *a)
{
  formats_parse_document(a, false);
  if (a->root) {
    shape_check(&promptfoo_shape, a->root, formats_top(a), &a->diags);
    pf__check_providers(a);
    pf__check_default_test(a);
    if (!a->facts.header_broken)
      pf__check_schemas(a);
  } else if (!a->facts.header_broken) {
    diag_add(&a->diags, DIAG_MISSING_KEY, formats_top(a),
             "the promptfoo config is empty: it needs prompts and providers");
  }
  pf__facts(a);
  evalx_promptfoo_config(a);
}
