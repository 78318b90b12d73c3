#include "grade.h"

#include <stdio.h>

#include "arena.h"
#include "artifact.h"

static const char *const grade__names[GRADE__COUNT] = {
  "loose", "structured", "schema", "eval", "code",
};

const char *
grade_name(enum grade_level level)
{
  return grade__names[level];
}

static void
grade__reason(struct artifact *a, const char *reason)
{
  struct grade *g = &a->grade;

  if (reason && g->nreasons < GRADE_REASONS_MAX)
    g->reasons[g->nreasons++] = reason;
}

static const char *
grade__or(const char *hint, const char *fallback)
{
  return hint ? hint : fallback;
}

/*
 * How many of the template's variables the header does not declare, with
 * the first few named as "{{a}}, {{b}}" in out.
 */
static size_t
grade__undeclared(const struct artifact *a, char *out, size_t size)
{
  size_t count = 0;
  size_t len = 0;

  out[0] = '\0';
  if (a->inputs_open || a->facts.inputs_by_use)
    return 0;
  for (size_t i = 0; i < a->nvars; i++) {
    if (artifact_declares(a, a->vars[i].name))
      continue;
    if (count < 3 && len < size)
      len += (size_t)snprintf(out + len, size - len, "%s{{%s}}",
                              count ? ", " : "", a->vars[i].name);
    count++;
  }
  if (count > 3 && len < size)
    snprintf(out + len, size - len, " and %zu more", count - 3);
  return count;
}

static void
grade__structured(struct artifact *a)
{
  const struct artifact_facts *f = &a->facts;

  a->grade.level = GRADE_STRUCTURED;
  grade__reason(a, f->inputs_by_use
                     ? "it has a header, and its inputs are declared where "
                       "they are used"
                   : a->nvars
                     ? "its header declares the inputs its template uses"
                     : "it has a header and uses no template variables");
  grade__reason(a, "nothing pins the shape of its output");
}

/* An eval file is an eval when it has tests that check something. */
static void
grade__eval_file(struct artifact *a)
{
  const struct artifact_facts *f = &a->facts;
  struct grade *g = &a->grade;

  g->graded = true;
  if (f->tests && f->assertions) {
    unsigned inline_tests = f->tests - f->test_files;

    g->level = GRADE_EVAL;
    if (f->test_files == 0)
      grade__reason(a, arena_printf(&a->arena, "it defines %u test%s that "
                                    "check%s the output", f->tests,
                                    f->tests == 1 ? "" : "s",
                                    f->tests == 1 ? "s" : ""));
    else if (inline_tests == 0)
      grade__reason(a, arena_printf(&a->arena, "its tests come from %u test "
                                    "file%s", f->test_files,
                                    f->test_files == 1 ? "" : "s"));
    else
      grade__reason(a, arena_printf(&a->arena, "it defines %u test%s and "
                                    "reads more from %u test file%s",
                                    inline_tests, inline_tests == 1 ? "" : "s",
                                    f->test_files,
                                    f->test_files == 1 ? "" : "s"));
    g->next = "crystallise a stable rule into code";
    return;
  }
  g->level = GRADE_STRUCTURED;
  grade__reason(a, f->tests ? "its tests give inputs but check nothing"
                            : "it defines no tests yet");
  g->next = f->tests ? "add assertions that check each test's output"
                     : grade__or(f->tests_hint, "add tests with assertions");
}

/*
 * A file with errors is one its tools refuse or misread, so nothing it
 * declares can be counted on: it grades loose until they are fixed.
 */
static bool
grade__broken(struct artifact *a)
{
  struct grade *g = &a->grade;
  size_t errors = 0;

  for (size_t i = 0; i < a->diags.count; i++)
    errors += a->diags.items[i].severity == SEVERITY_ERROR;
  if (!a->facts.header_broken && errors == 0)
    return false;
  g->graded = true;
  g->level = GRADE_LOOSE;
  if (a->facts.header_broken && a->syntax == SYNTAX_FRONTMATTER) {
    grade__reason(a, "its header has errors, so nothing it declares counts");
    g->next = "fix the errors in its header";
  } else if (a->facts.header_broken) {
    grade__reason(a, "it does not parse, so nothing in it counts");
    g->next = "fix its syntax errors";
  } else {
    grade__reason(a, arena_printf(&a->arena, "it has %zu error%s that its "
                                  "tools would reject or misread", errors,
                                  errors == 1 ? "" : "s"));
    g->next = "fix the errors facet reports";
  }
  return true;
}

/* The rungs of a prompt, checked from the top down. */
static void
grade__prompt(struct artifact *a, const struct grade_links *links)
{
  const struct artifact_facts *f = &a->facts;
  struct grade *g = &a->grade;
  struct arena *m = &a->arena;
  unsigned elsewhere = links ? links->tests_elsewhere : 0;
  char names[256];

  if (links && links->enforced_in_code) {
    g->level = GRADE_CODE;
    grade__reason(a, "deterministic code enforces its rules");
  } else if ((f->tests && f->assertions) || elsewhere) {
    g->level = GRADE_EVAL;
    if (f->tests && f->assertions)
      grade__reason(a, arena_printf(m, "%u test%s in %s check its output",
                                    f->tests, f->tests == 1 ? "" : "s",
                                    grade__or(f->tests_where, "this file")));
    if (elsewhere)
      grade__reason(a, arena_printf(m, "%u test%s in other files exercise it",
                                    elsewhere, elsewhere == 1 ? "" : "s"));
  } else if (f->output_schema || (links && links->schema_elsewhere)) {
    g->level = GRADE_SCHEMA;
    grade__reason(a, arena_printf(m, "its output is pinned by a schema (%s)",
                                  f->output_schema
                                    ? grade__or(f->output_schema_where,
                                                "in this file")
                                    : links->schema_elsewhere));
    if (f->tests && !f->assertions)
      grade__reason(a, "it has test inputs, but nothing checks the output");
  } else if (f->header && grade__undeclared(a, names, sizeof names) == 0) {
    grade__structured(a);
  } else {
    g->level = GRADE_LOOSE;
    grade__reason(a, !f->header && a->fm.present && a->fm.closed
                       ? "its frontmatter header is empty"
                       : !f->header
                       ? "it is text with no machine-read header"
                       : arena_printf(m, "its template uses %s, which its "
                                      "header does not declare", names));
  }
}

static const char *
grade__next(struct artifact *a)
{
  const struct artifact_facts *f = &a->facts;

  switch (a->grade.level) {
  case GRADE_LOOSE:
    return f->header
             ? grade__or(f->inputs_hint, "declare the template's inputs")
             : grade__or(f->inputs_hint, "move it into a prompt file with a "
                                         "header that declares its inputs");
  case GRADE_STRUCTURED:
    return grade__or(f->schema_hint, "pin the output with a schema");
  case GRADE_SCHEMA:
    return grade__or(f->tests_hint, "add an eval");
  case GRADE_EVAL:
    return "crystallise a stable rule into code";
  case GRADE_CODE:
  case GRADE__COUNT:
    break;
  }
  return NULL;
}

void
grade_compute(struct artifact *a, const struct grade_links *links)
{
  struct grade *g = &a->grade;

  *g = (struct grade){ 0 };
  if (a->kind != ARTIFACT_RESULTS && a->kind != ARTIFACT_NONE &&
      grade__broken(a))
    return;
  switch (a->kind) {
  case ARTIFACT_PROMPT:
    grade__prompt(a, links);
    break;
  case ARTIFACT_SCHEMA:
    g->level = GRADE_SCHEMA;
    grade__reason(a, "it is a schema: it pins the shape of an output");
    g->graded = true;
    g->next = "add an eval that checks outputs against it";
    return;
  case ARTIFACT_EVAL:
    grade__eval_file(a);
    return;
  case ARTIFACT_RESULTS:
  case ARTIFACT_NONE:
    return;
  }
  g->graded = true;
  g->next = grade__next(a);
}
