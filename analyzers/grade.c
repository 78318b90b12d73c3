#include "grade.h"

#include <stdio.h>
#include <string.h>

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

void
grade_names_add(char *out, size_t size, size_t *len, size_t *count,
                const char *name)
{
  if (*count < 3 && *len < size)
    *len += (size_t)snprintf(out + *len, size - *len, "%s'%s'",
                             *count ? ", " : "", name);
  (*count)++;
}

void
grade_names_end(char *out, size_t size, size_t len, size_t count)
{
  if (count > 3 && len < size)
    snprintf(out + len, size - len, " and %zu more", count - 3);
}

/*
 * How many of the template's variables the header does not declare, with
 * the first few named as "'a', 'b'" in out (as the diagnostics name them).
 */
static size_t
grade__undeclared(const struct artifact *a, char *out, size_t size)
{
  size_t count = 0;
  size_t len = 0;

  out[0] = '\0';
  if (a->inputs_open || a->facts.inputs_by_use)
    return 0;
  for (size_t i = 0; i < a->nvars; i++)
    if (!a->vars[i].fenced_only && !artifact_declares(a, a->vars[i].name))
      grade_names_add(out, size, &len, &count, a->vars[i].name);
  grade_names_end(out, size, len, count);
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
                   : a->nvars && a->nelsewhere && !a->ninputs
                     ? arena_printf(&a->arena, "%s declares the inputs its "
                                    "template uses", a->elsewhere_where)
                   : a->nvars
                     ? "its header declares the inputs its template uses"
                   : a->companion_reads
                     ? "its header declares the inputs its template file "
                       "uses"
                     : "it has a header and uses no template variables");
  grade__reason(a, "nothing pins the shape of its output");
}

/*
 * At eval, the step that matters next: failing evals first, then runs
 * that are missing or stale, then checks that need no model, then code.
 */
static const char *
grade__eval_next(struct artifact *a, const struct grade_links *l)
{
  unsigned ran = l ? l->passed + l->failed : 0;

  if (!l || ran + l->never == 0)
    return "crystallise a stable rule into code";
  if (l->failed)
    return arena_printf(&a->arena, "make the %u failing eval%s pass",
                        l->failed, l->failed == 1 ? "" : "s");
  if (ran == 0)
    return "run the evals and keep their results (promptfoo eval -o "
           "results.json, gh models eval --json) so facet can show whether "
           "they pass";
  if (l->stale)
    return arena_printf(&a->arena, "run the evals again: %u result%s %s "
                        "stale", l->stale, l->stale == 1 ? "" : "s",
                        l->stale == 1 ? "is" : "are");
  if (!l->deterministic)
    return "add a check that needs no model (contains, equals, regex, "
           "is-json) so the evals can decide without one";
  return "crystallise a stable rule into code";
}

/* What the last runs of the linked tests came to, as a reason. */
static const char *
grade__runs(struct arena *m, const struct grade_links *l)
{
  if (!l || l->passed + l->failed + l->never == 0)
    return NULL;
  if (l->passed + l->failed == 0)
    return "none of them has a recorded run yet";
  return arena_printf(m, "their last runs: %u passed, %u failed%s%s",
                      l->passed, l->failed,
                      l->stale ? arena_printf(m, ", %u stale", l->stale)
                               : "",
                      l->never ? arena_printf(m, ", %u never run",
                                              l->never) : "");
}

/* The reason the references to cases that resolve nowhere give. */
static const char *
grade__missing(struct arena *m, const struct grade_links *l)
{
  const char *noun = l->samples_missing ? "samples file" : "test file";

  if (!l->test_refs_missing)
    return arena_printf(m, "the spec it grades with, '%s', is in no file of "
                        "the registry's modelgraded folder, so %s",
                        l->spec_name, l->spec_missing == 1
                          ? "its eval cannot grade"
                          : "those evals cannot grade");

  if (l->test_refs_missing == 1)
    return arena_printf(m, "the %s it names, '%s', resolves nowhere, so %s",
                        noun, l->test_ref_missing,
                        l->samples_missing ? "its eval has no samples to run"
                                           : "no tests come from it");
  return arena_printf(m, "the %u %ss it names resolve nowhere ('%s' and %u "
                      "more), so %s", l->test_refs_missing, noun,
                      l->test_ref_missing, l->test_refs_missing - 1,
                      l->samples_missing ? "those evals have no samples to run"
                                         : "no tests come from them");
}

/* The step that mends them: the references first, tests or not. */
static const char *
grade__missing_next(struct arena *m, const struct grade_links *l,
                    bool tests)
{
  unsigned n = l->test_refs_missing;

  if (!n)
    return "fix the modelgraded_spec name, or add that spec to a file of "
           "the registry's modelgraded folder";
  if (l->samples_missing)
    return n == 1 ? tests ? "fix the samples_jsonl path that resolves "
                            "nowhere, so that eval has samples to run"
                          : "fix the samples_jsonl path, or add that samples "
                            "file to the registry's data folder"
           : tests ? "fix the samples_jsonl paths that resolve nowhere, so "
                     "those evals have samples to run"
                   : "fix the samples_jsonl paths, or add those samples "
                     "files to the registry's data folder";
  if (n == 1)
    return tests ? "fix the reference to its missing test file, so its tests "
                   "run too"
                 : "fix the reference to its missing test file, or add "
                   "tests with assertions";
  return arena_printf(m, tests ? "fix the references to its %u missing test "
                                 "files, so their tests run too"
                               : "fix the references to its %u missing test "
                                 "files, or add tests with assertions", n);
}

/* The reason checks whose files resolve nowhere give. */
static const char *
grade__checks_missing(struct arena *m, const struct grade_links *l)
{
  unsigned n = l->check_refs_missing;
  unsigned lost = l->checks_lost;
  const char *so = lost ? arena_printf(m, "%u test%s check%s nothing", lost,
                                       lost == 1 ? "" : "s",
                                       lost == 1 ? "s" : "")
                 : n == 1 ? "that check cannot run"
                 : "those checks cannot run";

  if (n == 1)
    return arena_printf(m, "the check file its assertion names, '%s', "
                        "resolves nowhere, so %s", l->check_ref_missing, so);
  if (n > 1)
    return arena_printf(m, "the %u check files its assertions name resolve "
                        "nowhere ('%s' and %u more), so %s", n,
                        l->check_ref_missing, n - 1, so);
  return arena_printf(m, "%u test%s from the test files it reads check%s "
                      "only with files that resolve nowhere ('%s')", lost,
                      lost == 1 ? "" : "s", lost == 1 ? "s" : "",
                      l->check_ref_missing);
}

/* The step that mends them, with the test files that are missing too. */
static const char *
grade__checks_next(struct arena *m, const struct grade_links *l,
                   bool tests)
{
  unsigned n = l->check_refs_missing;
  unsigned t = l->test_refs_read && !l->samples_missing
                 ? l->test_refs_missing : 0;

  if (t && n)
    return arena_printf(m, "fix the references to its %s and %s",
                        t == 1 ? "missing test file"
                               : arena_printf(m, "%u missing test files", t),
                        n == 1 ? "missing check file"
                               : arena_printf(m, "%u missing check files",
                                              n));
  if (n == 0)
    return tests ? "fix the check files its test files name that resolve "
                   "nowhere, so those tests check the output too"
                 : "fix the check files its test files name that resolve "
                   "nowhere, so its tests check the output";
  if (n == 1)
    return tests ? "fix the reference to its missing check file, so that "
                   "check runs too"
                 : "fix the reference to its missing check file, so its "
                   "tests check the output";
  return arena_printf(m, tests ? "fix the references to its %u missing "
                                 "check files, so those checks run too"
                               : "fix the references to its %u missing "
                                 "check files, so its tests check the "
                                 "output", n);
}

/*
 * A model-graded spec (OpenAI evals) is a grader's rubric: it is at eval
 * when an eval that runs grades with it, named by modelgraded_spec.
 */
static const char *grade__base(const char *path);

static void
grade__rubric(struct artifact *a, const struct grade_links *l)
{
  struct grade *g = &a->grade;
  const char *where = grade__base(l->graded_by_where);
  const char *more = l->graded_by > 1
                       ? arena_printf(&a->arena, " (and %u more eval%s)",
                                      l->graded_by - 1,
                                      l->graded_by == 2 ? "" : "s")
                       : "";

  if (l->graded_by_runnable) {
    g->level = GRADE_EVAL;
    grade__reason(a, arena_printf(&a->arena, "an eval in %s grades with its "
                                  "spec '%s'%s", where, l->graded_spec,
                                  more));
    g->next = "crystallise a stable rule into code";
    return;
  }
  g->level = GRADE_STRUCTURED;
  grade__reason(a, arena_printf(&a->arena, "an eval in %s grades with its "
                                "spec '%s'%s, but %s no samples to run",
                                where, l->graded_spec, more,
                                l->graded_by > 1 ? "none has" : "it has"));
  g->next = arena_printf(&a->arena, "fix the samples_jsonl path in %s, so "
                         "the eval that grades with it runs", where);
}

/*
 * An eval file is an eval when it has tests that check something. With
 * the index, the tests of the files it reads are counted as they are,
 * and a file it names that resolves nowhere holds none.
 */
static void
grade__eval_file(struct artifact *a, const struct grade_links *l)
{
  const struct artifact_facts *f = &a->facts;
  struct grade *g = &a->grade;
  unsigned inline_tests = f->tests - f->test_files;
  unsigned tests = f->tests;
  bool checks = f->assertions;
  bool read = l && l->test_refs_read;
  unsigned missing = read ? l->test_refs_missing + l->spec_missing : 0;
  unsigned lost = l ? l->checks_lost : 0;
  bool bad_checks = l && (l->check_refs_missing || l->checks_lost);

  g->graded = true;
  if (tests == 0 && l && l->graded_by) {
    grade__rubric(a, l);
    return;
  }
  if (read && f->test_files) {
    tests = inline_tests + l->tests_elsewhere + l->test_refs_opaque;
    checks = f->assertions_inline || l->checked > 0 ||
             l->test_refs_opaque > 0;
  } else if (read) {
    /* An OpenAI evals entry is a test only with samples to run. */
    tests -= l->samples_missing < tests ? l->samples_missing : tests;
    checks = checks && tests > 0;
  }
  /* A test whose every check names a file that resolves nowhere checks
   * nothing: only the tests the graph saw a check that runs in count.
   * Limitation: a scenario's config checks are tied to no test there, so
   * they are not counted then. */
  if (lost)
    checks = l->checked_own + l->checked +
             (read ? l->test_refs_opaque : 0) > 0;
  /* A test file's rows are checked by its configs' defaultTest too. */
  else if (l && a->format == FORMAT_PROMPTFOO_TESTS && l->checked_own)
    checks = true;
  if (tests && checks) {
    g->level = GRADE_EVAL;
    if (lost && (f->test_files == 0 ||
                 (read && l->tests_elsewhere + l->test_refs_opaque == 0)))
      grade__reason(a, arena_printf(&a->arena, "it defines %u test%s; %u of "
                                    "them check%s the output", tests,
                                    tests == 1 ? "" : "s",
                                    l->checked_own + l->checked,
                                    l->checked_own + l->checked == 1
                                      ? "s" : ""));
    else if (f->test_files == 0 ||
        (read && l->tests_elsewhere + l->test_refs_opaque == 0))
      grade__reason(a, arena_printf(&a->arena, "it defines %u test%s that "
                                    "check%s the output", tests,
                                    tests == 1 ? "" : "s",
                                    tests == 1 ? "s" : ""));
    else if (read && l->tests_elsewhere)
      grade__reason(a, arena_printf(&a->arena, "it runs %u test%s, %u of "
                                    "them from the test files it reads",
                                    tests, tests == 1 ? "" : "s",
                                    l->tests_elsewhere));
    else if (read)
      grade__reason(a, arena_printf(&a->arena, "its tests come from %u "
                                    "file%s facet reads no tests from (code "
                                    "that makes them)", l->test_refs_opaque,
                                    l->test_refs_opaque == 1 ? "" : "s"));
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
    grade__reason(a, grade__runs(&a->arena, l));
    if (missing)
      grade__reason(a, grade__missing(&a->arena, l));
    if (bad_checks)
      grade__reason(a, grade__checks_missing(&a->arena, l));
    g->next = bad_checks ? grade__checks_next(&a->arena, l, true)
            : missing ? grade__missing_next(&a->arena, l, true)
            : grade__eval_next(a, l);
    return;
  }
  g->level = GRADE_STRUCTURED;
  if (missing)
    grade__reason(a, grade__missing(&a->arena, l));
  if (bad_checks)
    grade__reason(a, grade__checks_missing(&a->arena, l));
  grade__reason(a, lost ? NULL
                : tests ? "its tests give inputs but check nothing"
                : missing ? NULL
                : "it defines no tests yet");
  g->next = bad_checks ? grade__checks_next(&a->arena, l, false)
          : missing ? grade__missing_next(&a->arena, l, false)
          : tests ? "add assertions that check each test's output"
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

/* A linked file as a reason names it: by its name, which reads the same
 * in the editor (absolute paths) and in facet check (the user's). */
static const char *
grade__base(const char *path)
{
  const char *slash = path ? strrchr(path, '/') : NULL;

  return slash ? slash + 1 : path;
}

/* The reason the tests in other files give, naming the first file. */
static const char *
grade__elsewhere(struct arena *m, const struct grade_links *l)
{
  const char *where = grade__base(l->tests_where);

  /* "3 tests in 2 files (a.yaml and 1 more)": the count is of all the
   * files, as the hover's list of them counts each. */
  if (where && l->files > 1)
    return arena_printf(m, "%u tests in %u files (%s and %u more) exercise "
                        "it, %u with a check no model grades",
                        l->tests_elsewhere, l->files, where, l->files - 1,
                        l->deterministic);
  return arena_printf(m, "%u test%s in %s exercise%s it, %u with a check "
                      "no model grades", l->tests_elsewhere,
                      l->tests_elsewhere == 1 ? "" : "s",
                      where ? where : "other files",
                      l->tests_elsewhere == 1 ? "s" : "",
                      l->deterministic);
}

/* The rungs of a prompt, checked from the top down. */
static void
grade__prompt(struct artifact *a, const struct grade_links *links)
{
  const struct artifact_facts *f = &a->facts;
  struct grade *g = &a->grade;
  struct arena *m = &a->arena;
  unsigned elsewhere = links ? links->tests_elsewhere : 0;
  bool checked = links && links->checked > 0;
  char names[256];

  if (links && links->enforced_in_code) {
    g->level = GRADE_CODE;
    grade__reason(a, links->code_where
                       ? arena_printf(m, "deterministic code enforces its "
                                      "rules (%s)",
                                      grade__base(links->code_where))
                       : "deterministic code enforces its rules");
  } else if ((f->tests && f->assertions) || (elsewhere && checked)) {
    g->level = GRADE_EVAL;
    if (f->tests && f->assertions)
      grade__reason(a, arena_printf(m, "%u test%s in %s check its output",
                                    f->tests, f->tests == 1 ? "" : "s",
                                    grade__or(f->tests_where, "this file")));
    if (elsewhere)
      grade__reason(a, grade__elsewhere(m, links));
    /* The runs of its own tests (gh models eval --json), or of those
     * elsewhere. */
    grade__reason(a, grade__runs(m, links));
  } else if (f->output_schema || (links && links->schema_elsewhere)) {
    g->level = GRADE_SCHEMA;
    grade__reason(a, arena_printf(m, "its output is pinned by a schema (%s)",
                                  f->output_schema
                                    ? grade__or(f->output_schema_where,
                                                "in this file")
                                    : grade__base(links->schema_elsewhere)));
    if (f->tests && !f->assertions)
      grade__reason(a, "it has test inputs, but nothing checks the output");
  } else if (f->header && grade__undeclared(a, names, sizeof names) == 0 &&
             !a->companion_undeclared) {
    grade__structured(a);
  } else if (a->companion_undeclared) {
    g->level = GRADE_LOOSE;
    grade__reason(a, arena_printf(m, "its template file uses %s, which its "
                                  "header does not declare",
                                  a->companion_undeclared));
  } else {
    g->level = GRADE_LOOSE;
    grade__reason(a, !f->header && a->fm.present && a->fm.closed
                       ? "its frontmatter header is empty"
                       : !f->header
                       ? "it is text with no machine-read header"
                       : arena_printf(m, "its template uses %s, which its "
                                      "header does not declare", names));
  }
  if (elsewhere && !checked && g->level < GRADE_EVAL)
    grade__reason(a, arena_printf(m, "%u test%s in other files exercise%s "
                                  "it, but none checks the output",
                                  elsewhere, elsewhere == 1 ? "" : "s",
                                  elsewhere == 1 ? "s" : ""));
  if (elsewhere && links->checks_lost)
    grade__reason(a, arena_printf(m, "%u of the tests that exercise it "
                                  "check%s only with files that resolve "
                                  "nowhere ('%s')", links->checks_lost,
                                  links->checks_lost == 1 ? "s" : "",
                                  links->check_ref_missing));
}

static const char *
grade__next(struct artifact *a, const struct grade_links *links)
{
  const struct artifact_facts *f = &a->facts;

  /* Checks that cannot run are mended before anything above them. */
  if (links && links->tests_elsewhere && links->checks_lost &&
      a->grade.level <= GRADE_EVAL)
    return links->checked || a->grade.level == GRADE_EVAL
             ? "fix the check files that resolve nowhere, so every test "
               "that exercises it checks its output"
             : "fix the check files that resolve nowhere, so the tests "
               "that exercise it check its output";
  if (links && links->tests_elsewhere && !links->checked &&
      a->grade.level < GRADE_EVAL)
    return "add assertions to the tests that exercise it, so they check "
           "its output";

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
    return grade__eval_next(a, links);
  case GRADE_CODE:
  case GRADE__COUNT:
    break;
  }
  return NULL;
}

bool
grade_links_any(const struct grade_links *l)
{
  return l && (l->tests_where || l->schema_elsewhere || l->checked_in ||
               l->enforced_in_code || l->test_refs_read || l->graded_by ||
               l->check_refs_missing || l->checks_lost ||
               l->passed + l->failed + l->never > 0);
}

void
grade_compute(struct artifact *a, const struct grade_links *links)
{
  struct grade *g = &a->grade;

  *g = (struct grade){ 0 };
  /* Its name gives it a kind, but nothing of it was read: any grade would
   * describe an empty text, whatever links other files have to it. */
  if (a->refused)
    return;
  /* Blank: nothing in it counts, whatever its name promises. */
  if (a->facts.empty) {
    g->graded = true;
    g->level = GRADE_LOOSE;
    grade__reason(a, "it is empty");
    g->next = a->kind == ARTIFACT_PROMPT ? "write the prompt: the file is "
                                           "empty"
              : a->kind == ARTIFACT_SCHEMA ? "write the schema: the file is "
                                             "empty"
                                           : "write the tests: the file is "
                                             "empty";
    return;
  }
  if (a->kind != ARTIFACT_RESULTS && a->kind != ARTIFACT_NONE &&
      grade__broken(a))
    return;
  switch (a->kind) {
  case ARTIFACT_PROMPT:
    grade__prompt(a, links);
    break;
  case ARTIFACT_SCHEMA:
    g->level = GRADE_SCHEMA;
    grade__reason(a, a->format == FORMAT_TOOL_DEFINITIONS
                       ? "it defines tools: their schemas pin the shape of "
                         "the model's tool calls"
                       : "it is a schema: it pins the shape of an output");
    g->graded = true;
    if (links && links->checked_in) {
      grade__reason(a, arena_printf(&a->arena, "the tests of %s check "
                                    "outputs against it",
                                    grade__base(links->checked_in)));
      return;
    }
    g->next = grade__or(a->facts.tests_hint,
                        "add an eval that checks outputs against it");
    return;
  case ARTIFACT_EVAL:
    grade__eval_file(a, links);
    return;
  case ARTIFACT_RESULTS:
  case ARTIFACT_NONE:
    return;
  }
  g->graded = true;
  g->next = grade__next(a, links);
}
