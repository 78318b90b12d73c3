/*
 * Evals across files: real multi-file workspaces (tests/workspaces, see
 * its README for sources and licences) loaded into the index as facet
 * check loads them, and what the graph says about them: the links, the
 * lens titles, the findings that span files, staleness after an edit, and
 * facet's own run of deterministic assertions. Each workspace is copied
 * to a temporary folder first, so edits and file times are the test's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <cmocka.h>

#include "arena.h"
#include "artifact.h"
#include "assert_eval.h"
#include "assertion.h"
#include "buf.h"
#include "csv.h"
#include "diag.h"
#include "evalfile.h"
#include "evalgraph.h"
#include "fileio.h"
#include "grade.h"
#include "pathglob.h"
#include "reffiles.h"
#include "tree.h"
#include "wsindex.h"

#ifndef WORKSPACES
#error "WORKSPACES names the folder of test workspaces"
#endif

/* 2026-01-05T13:00:00Z: three hours after the support run. */
#define NOW ((int64_t)1767618000)
#define HOUR ((int64_t)3600)

struct ws {
  struct wsindex index;
  char root[512];
  char out[8192];
};

static void
ws_path(const struct ws *w, const char *rel, char *out, size_t size)
{
  snprintf(out, size, "%s/%s", w->root, rel);
}

/* Copies workspace name to a fresh folder and loads it as check does. */
static struct ws *
ws_open(const char *name)
{
  struct ws *w = calloc(1, sizeof *w);
  char cmd[1200];

  snprintf(w->root, sizeof w->root, "/tmp/facet-evals-XXXXXX");
  assert_non_null(mkdtemp(w->root));
  snprintf(cmd, sizeof cmd, "cp -R '%s/%s/.' '%s'", WORKSPACES, name,
           w->root);
  assert_int_equal(system(cmd), 0);
  return w;
}

static void
ws_load(struct ws *w)
{
  char *paths[] = { w->root };

  assert_int_equal(wsindex_init(&w->index), 0);
  assert_int_equal(wsindex_add_root(&w->index, w->root), 0);
  wsconfig_read(&w->index.config, w->root, w->out, sizeof w->out);
  assert_int_equal(wsindex_load(&w->index, paths, 1, NULL, NULL), 0);
}

/* The hover of the test on line (1-based) of rel. */
static const char *
ws_hover(struct ws *w, const char *rel, unsigned line)
{
  char path[700];
  char *text;
  char *hover;
  size_t len;
  size_t size;
  uint32_t off = 0;

  ws_path(w, rel, path, sizeof path);
  assert_int_equal(fileio_read(path, 1 << 20, &text, &len, &size), 0);
  for (unsigned l = 1; l < line && off < len; off++)
    l += text[off] == '\n';
  free(text);
  hover = evalgraph_test_hover(w->index.graph, path, off + 4, NOW, NULL,
                               NULL);
  snprintf(w->out, sizeof w->out, "%s", hover ? hover : "(none)");
  free(hover);
  return w->out;
}

static void
ws_close(struct ws *w)
{
  char cmd[600];

  wsindex_release(&w->index);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->root);
  assert_int_equal(system(cmd), 0);
  free(w);
}

/* Sets a file's modification time. */
static void
ws_time(struct ws *w, const char *rel, int64_t t)
{
  char path[700];
  struct utimbuf times = { (time_t)t, (time_t)t };

  ws_path(w, rel, path, sizeof path);
  assert_int_equal(utime(path, &times), 0);
}

/* Reads rel again into the index, as a watched file change would. */
static void
ws_reindex(struct ws *w, const char *rel)
{
  char path[700];
  struct artifact *a;
  enum artifact_format f;
  int err;

  ws_path(w, rel, path, sizeof path);
  f = evalgraph_summary(w->index.graph, path)->format;
  a = wsindex_read(path, f, 0, NULL, &err);
  assert_non_null(a);
  evalgraph_set(w->index.graph, path, a->evals);
  artifact_free(a);
  evalgraph_resolve(w->index.graph, NULL, NULL);
}

/* Writes text into rel, with time t, and reads it again. */
static void
ws_write(struct ws *w, const char *rel, const char *text, int64_t t)
{
  char path[700];
  FILE *out;

  ws_path(w, rel, path, sizeof path);
  out = fopen(path, "w");
  assert_non_null(out);
  fputs(text, out);
  fclose(out);
  ws_time(w, rel, t);
  ws_reindex(w, rel);
}

/* Replaces the first from in rel with to, as an editor's save would. */
static void
ws_edit(struct ws *w, const char *rel, const char *from, const char *to,
        int64_t t)
{
  char path[700];
  struct buf b;
  char *text;
  size_t len;
  size_t size;
  char *at;

  ws_path(w, rel, path, sizeof path);
  assert_int_equal(fileio_read(path, 1 << 20, &text, &len, &size), 0);
  at = strstr(text, from);
  assert_non_null(at);
  buf_init(&b, 1 << 20);
  buf_append(&b, text, (size_t)(at - text));
  buf_puts(&b, to);
  buf_puts(&b, at + strlen(from));
  ws_write(w, rel, b.data, t);
  buf_release(&b);
  free(text);
}

struct ws_lines {
  struct buf *out;
  const struct evalfile *f;
  const char *text;
};

/* The line of byte offset off in text, 1-based. */
static unsigned
ws_line(const char *text, uint32_t off)
{
  unsigned line = 1;

  for (uint32_t i = 0; i < off && text[i]; i++)
    line += text[i] == '\n';
  return line;
}

static void
ws_lens(struct span span, enum evlens_kind kind, const char *title,
        uint32_t test, const struct evresult *r, void *ctx)
{
  struct ws_lines *l = ctx;

  (void)kind;
  (void)test;
  (void)r;
  buf_printf(l->out, "%u: %s\n", ws_line(l->text, span.start), title);
}

/* "line: title" for each eval lens of rel, one a line. */
static const char *
ws_lenses(struct ws *w, const char *rel, int64_t now)
{
  char path[700];
  struct buf out;
  size_t len;
  size_t size;
  char *text;
  struct ws_lines l;

  ws_path(w, rel, path, sizeof path);
  assert_int_equal(fileio_read(path, 1 << 20, &text, &len, &size), 0);
  buf_init(&out, sizeof w->out);
  l = (struct ws_lines){ &out, evalgraph_summary(w->index.graph, path),
                         text };
  evalgraph_lenses(w->index.graph, path, now, ws_lens, &l);
  snprintf(w->out, sizeof w->out, "%s", out.data ? out.data : "");
  buf_release(&out);
  free(text);
  return w->out;
}

/* "line:column: code: message" for each finding the graph adds. */
static const char *
ws_findings(struct ws *w, const char *rel, int64_t now)
{
  char path[700];
  struct arena arena;
  struct diag_list diags;
  struct source src;
  struct buf out;
  size_t len;
  size_t size;
  char *text;

  ws_path(w, rel, path, sizeof path);
  assert_int_equal(fileio_read(path, 1 << 20, &text, &len, &size), 0);
  source_init(&src, text, len);
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  evalgraph_diagnostics(w->index.graph, path, now, &diags);
  buf_init(&out, sizeof w->out);
  for (size_t i = 0; i < diags.count; i++) {
    uint32_t line;
    uint32_t col;

    source_line_col(&src, diags.items[i].span.start, &line, &col);
    buf_printf(&out, "%u:%u: %s: %s\n", line, col,
               diag_code_info(diags.items[i].code)->name,
               diags.items[i].message);
  }
  snprintf(w->out, sizeof w->out, "%s", out.data ? out.data : "");
  buf_release(&out);
  diag_list_release(&diags);
  arena_release(&arena);
  source_release(&src);
  free(text);
  return w->out;
}

static size_t
ws_targets(struct ws *w, const char *rel, uint32_t ref)
{
  char path[700];

  ws_path(w, rel, path, sizeof path);
  return evalgraph_targets(w->index.graph, path, ref, NULL, NULL);
}

/* The grade of rel as facet check and the editor give it, with what the
 * graph links to it: "level: reason; reason -> next". */
static const char *
ws_grade(struct ws *w, const char *rel)
{
  char path[700];
  struct grade_links links;
  struct artifact *a;
  struct buf out;
  int err = 0;

  ws_path(w, rel, path, sizeof path);
  a = wsindex_read(path, evalgraph_summary(w->index.graph, path)->format, 0,
                   &w->index.analysis, &err);
  assert_non_null(a);
  evalgraph_grade_links(w->index.graph, path, NOW, &links);
  grade_compute(a, &links);
  buf_init(&out, sizeof w->out);
  buf_printf(&out, "%s:", grade_name(a->grade.level));
  for (size_t i = 0; i < a->grade.nreasons; i++)
    buf_printf(&out, "%s %s", i ? ";" : "", a->grade.reasons[i]);
  buf_printf(&out, " -> %s", a->grade.next ? a->grade.next : "(none)");
  snprintf(w->out, sizeof w->out, "%s", out.data ? out.data : "");
  buf_release(&out);
  artifact_free(a);
  return w->out;
}

static size_t
ws_tests_of(struct ws *w, const char *rel)
{
  char path[700];

  ws_path(w, rel, path, sizeof path);
  return evalgraph_tests_of_prompt(w->index.graph, path, NULL, NULL);
}

/* ---- promptfoo: FullFact's config, prompt file and CSV tests -------- */

static void
fullfact_links_config_prompt_and_csv(void **state)
{
  struct ws *w = ws_open("fullfact");

  (void)state;
  ws_load(w);

  assert_int_equal(ws_targets(w, "promptfooconfig.yaml", 0), 1);
  assert_int_equal(ws_targets(w, "promptfooconfig.yaml", 1), 1);
  assert_int_equal(ws_tests_of(w, "prompts.txt"), 2);
  assert_string_equal(ws_lenses(w, "prompts.txt", NOW),
                      "1: evals: 2 \xE2\x9C\x93 0 \xE2\x9C\x97\n");
  assert_string_equal(ws_lenses(w, "tests.csv", NOW),
                      "2: \xE2\x9C\x93 passed 4 h ago\n"
                      "3: \xE2\x9C\x93 passed 4 h ago\n");
  assert_string_equal(ws_findings(w, "promptfooconfig.yaml", NOW), "");
  assert_string_equal(ws_findings(w, "tests.csv", NOW), "");
  ws_close(w);
}

static void
fullfact_an_edited_prompt_makes_its_results_stale(void **state)
{
  struct ws *w = ws_open("fullfact");

  (void)state;
  ws_load(w);

  ws_edit(w, "prompts.txt", "health claims", "medical claims", NOW);

  assert_string_equal(ws_lenses(w, "prompts.txt", NOW),
                      "1: evals: 2 \xE2\x9C\x93 0 \xE2\x9C\x97 "
                      "\xC2\xB7 2 stale\n");
  assert_string_equal(ws_lenses(w, "tests.csv", NOW),
                      "2: \xE2\x9C\x93 passed 4 h ago \xC2\xB7 stale\n"
                      "3: \xE2\x9C\x93 passed 4 h ago \xC2\xB7 stale\n");
  ws_close(w);
}

/* Results are matched to a config by its description; renamed since the
 * run, the tests say where their runs are and why they do not count
 * (they showed "never run" with no word, before). */
static void
fullfact_a_renamed_description_says_where_the_runs_are(void **state)
{
  struct ws *w = ws_open("fullfact");

  (void)state;
  ws_load(w);
  ws_edit(w, "promptfooconfig.yaml", "'Health Prompt Eval v1'",
          "'Health Prompt Eval v2'", NOW);

  assert_string_equal(ws_lenses(w, "tests.csv", NOW),
    "2: \xE2\x97\x8B never run \xC2\xB7 its runs are recorded under "
    "'Health Prompt Eval v1'\n"
    "3: \xE2\x97\x8B never run \xC2\xB7 its runs are recorded under "
    "'Health Prompt Eval v1'\n");
  assert_non_null(strstr(ws_hover(w, "tests.csv", 2),
    "No recorded run of this test was found for this config: `"));
  assert_non_null(strstr(ws_hover(w, "tests.csv", 2),
    "results/promptfoo-results.json` holds one under the description "
    "'Health Prompt Eval v1', and this config's is 'Health Prompt Eval v2' "
    "now. Results are matched to a config by its description, or by its "
    "`outputPath`: run the evals again, or name that file in "
    "`outputPath`."));
  ws_close(w);
}

/* A row of a CSV whose variable changed is found by its "Row #N" and its
 * run is stale (before: never run); a row that moved is found by its
 * variables, its run as fresh as before. */
static void
a_csv_row_with_a_changed_variable_keeps_its_run_stale(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);
  ws_edit(w, "tests/cases.csv", "Where is my order?,Basic",
          "Where is my order now?,Basic", NOW);
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x9C\x93 passed 3 h ago \xC2\xB7 stale\n"
    "3: \xE2\x9A\xA0 errored 3 h ago: API error: 429 Too Many Requests\n");
  assert_non_null(strstr(ws_hover(w, "tests/cases.csv", 2),
                         "the test changed since"));

  ws_write(w, "tests/cases.csv", "message,plan,__expected\n"
           "Cancel my plan,Pro,icontains:cancel\n"
           "Where is my order?,Basic,contains:order\n", NOW);
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x9A\xA0 errored 3 h ago: API error: 429 Too Many Requests\n"
    "3: \xE2\x9C\x93 passed 3 h ago\n");
  ws_close(w);
}

/* The results file a config names as its outputPath is its own, whatever
 * its description says now. */
static void
support_output_path_results_match_whatever_the_description(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);
  ws_edit(w, "promptfooconfig.yaml", "description: Support reply drafts",
          "description: Support replies", NOW);

  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x9C\x93 passed 3 h ago\n"
    "3: \xE2\x9A\xA0 errored 3 h ago: API error: 429 Too Many Requests\n");
  ws_close(w);
}

static void
fullfact_a_new_column_the_prompt_does_not_read_is_reported(void **state)
{
  struct ws *w = ws_open("fullfact");

  (void)state;
  ws_load(w);

  /* The provider is a Python script: it may read any variable. */
  ws_edit(w, "promptfooconfig.yaml", "id: 'python:ed_promptfoo_tests.py'",
          "id: 'openai:gpt-4o-mini'", NOW);
  ws_write(w, "tests.csv", "persona,text,tone\ndoctor,valves,calm\n", NOW);

  assert_string_equal(ws_findings(w, "tests.csv", NOW),
                      "1:14: unused-test-variable: 'tone' is set here, but "
                      "no prompt this test runs reads it\n");
  ws_close(w);
}

/* An __expected cell reads as promptfoo reads it: the cell trimmed, and
 * the value after "type:" too (but is-json's and contains-json's). A
 * run recorded with "valve" is the run of "contains: valve" (before, it
 * was stale, and facet's own check wanted ' hearts', space and all). */
static void
csv_expected_values_are_trimmed_as_promptfoo_trims_them(void **state)
{
  static const char results[] =
    "{\"evalId\":\"e1\",\"config\":{\"description\":\"Health Prompt Eval "
    "v1\"},\"results\":{\"version\":3,\"timestamp\":"
    "\"2026-01-05T12:00:00Z\",\"prompts\":[{\"raw\":\"You are a "
    "{{persona}}. Give me a raw json encoded list of health claims in the "
    "following text: {{text}}\"}],\"results\":["
    "{\"promptIdx\":0,\"testIdx\":0,\"testCase\":{\"description\":"
    "\"Row #1\",\"vars\":{\"persona\":\"doctor\",\"text\":\"valves\"},"
    "\"assert\":[{\"type\":\"contains\",\"value\":\"valve\"}]},"
    "\"vars\":{\"persona\":\"doctor\",\"text\":\"valves\"},"
    "\"response\":{\"output\":\"valves\"},\"success\":true},"
    "{\"promptIdx\":0,\"testIdx\":1,\"testCase\":{\"description\":"
    "\"Row #2\",\"vars\":{\"persona\":\"caveman\",\"text\":\"heart\"},"
    "\"assert\":[{\"type\":\"icontains\",\"value\":\"heart\"}]},"
    "\"vars\":{\"persona\":\"caveman\",\"text\":\"heart\"},"
    "\"response\":{\"output\":\"A heart beats.\"},\"success\":true}]}}";
  struct ws *w = ws_open("fullfact");

  (void)state;
  ws_load(w);
  ws_write(w, "tests.csv",
           "persona,text,__expected\n"
           "doctor,valves,  contains:  valve \n"
           "caveman,heart,icontains: hearts\n", NOW - 4 * HOUR);
  ws_write(w, "prompts.txt", "You are a {{persona}}. Give me a raw json "
           "encoded list of health claims in the following text: {{text}}",
           NOW - 4 * HOUR);
  ws_write(w, "results/promptfoo-results.json", results, NOW - HOUR);

  assert_string_equal(ws_lenses(w, "tests.csv", NOW),
    "2: \xE2\x9C\x93 passed 1 h ago\n"
    "3: \xE2\x9C\x97 failed: expected to contain 'hearts' (any case) "
    "\xC2\xB7 stale\n");
  ws_close(w);
}

/* ---- promptfoo: the support workspace, every status a lens shows ---- */

static void
support_lenses_show_each_tests_last_run(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);

  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "4: evals: 2 \xE2\x9C\x93 2 \xE2\x9C\x97 1 \xE2\x9A\xA0\n"
    "15: \xE2\x9C\x97 failed 3 h ago: Expected output to contain "
    "\"refund\"\n"
    "25: \xE2\x9C\x93 passed 3 h ago\n"
    "31: \xE2\x9C\x97 failed: expected valid JSON\n");
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x9C\x93 passed 3 h ago\n"
    "3: \xE2\x9A\xA0 errored 3 h ago: API error: 429 Too Many Requests\n");
  assert_string_equal(ws_lenses(w, "prompts/reply.txt", NOW),
    "1: evals: 4 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 4 never run\n");
  ws_close(w);
}

/*
 * A config whose summary goes (read again over the size limit) keeps its
 * edges into the prompt until the graph resolves, and the session regrades
 * prompts while it resolves: those edges must read as no test, not as a
 * reference of a summary that is gone (a crash, before).
 */
static void
a_config_cleared_before_resolving_is_no_test(void **state)
{
  struct ws *w = ws_open("support");
  struct grade_links stale;
  struct grade_links links;
  char config[700];
  char prompt[700];

  (void)state;
  ws_load(w);
  ws_path(w, "promptfooconfig.yaml", config, sizeof config);
  ws_path(w, "prompts/reply.txt", prompt, sizeof prompt);

  /* What index__changed does: regrade while the graph is stale. The
   * config's edges are skipped, and the count agrees with the graph once
   * resolved. */
  evalgraph_set(w->index.graph, config, NULL);
  evalgraph_grade_links(w->index.graph, prompt, NOW, &stale);
  evalgraph_resolve(w->index.graph, NULL, NULL);
  evalgraph_grade_links(w->index.graph, prompt, NOW, &links);

  assert_int_equal(stale.tests_elsewhere, links.tests_elsewhere);
  ws_close(w);
}

/* What the session does for each file a resolve says changed: its
 * findings and lenses, computed while the graph resolves. */
static void
ws_show_lens(struct span span, enum evlens_kind kind, const char *title,
             uint32_t test, const struct evresult *r, void *ctx)
{
  (void)span;
  (void)kind;
  (void)test;
  (void)r;
  *(size_t *)ctx += strlen(title);
}

static void
ws_show(const char *path, void *ctx)
{
  struct ws *w = ctx;
  struct arena arena;
  struct diag_list diags;
  size_t n = 0;

  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  evalgraph_diagnostics(w->index.graph, path, NOW, &diags);
  evalgraph_lenses(w->index.graph, path, NOW, ws_show_lens, &n);
  diag_list_release(&diags);
  arena_release(&arena);
}

/* Writes text into rel (NULL: deletes it) and reads it again as the
 * session does for a watched change: as what its content says, or gone. */
static void
ws_changed_on_disk(struct ws *w, const char *rel, const char *text)
{
  char path[700];
  struct artifact *a;
  FILE *out;
  int err = 0;

  ws_path(w, rel, path, sizeof path);
  if (!text) {
    assert_int_equal(unlink(path), 0);
    evalgraph_remove_path(w->index.graph, path);
  } else {
    out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
    a = wsindex_read(path, FORMAT_NONE, 0, NULL, &err);
    evalgraph_set(w->index.graph, path, wsindex_summary(a));
    artifact_free(a);
  }
  evalgraph_resolve(w->index.graph, ws_show, w);
}

/*
 * The results file outputPath names is emptied, rewritten as other JSON,
 * cut to fewer cases, or deleted, while promptfoo writes it. The lookup
 * keys of recorded cases pointed into the old summary until the end of
 * the resolve, whose callbacks look results up: a crash, before (a NULL
 * summary, or a case past the new file's end).
 */
static void
a_results_file_rewritten_leaves_no_result_behind(void **state)
{
  static const char one_case[] =
    "{\"evalId\":\"e1\",\"results\":{\"version\":3,"
    "\"timestamp\":\"2026-01-05T12:00:00Z\",\"prompts\":[],"
    "\"results\":[{\"testCase\":{\"description\":\"Row #1\","
    "\"vars\":{\"message\":\"Where is my order?\",\"plan\":"
    "\"Basic\"},\"assert\":[{\"type\":\"contains\",\"value\":"
    "\"order\"},{\"type\":\"not-icontains\",\"value\":"
    "\"as an AI\"}]},\"success\":true}]}}";
  struct ws *w = ws_open("support");
  static const char never[] =
    "2: \xE2\x97\x8B never run\n3: \xE2\x97\x8B never run\n";

  (void)state;
  /* The case keeps no template: the prompt file's time tells. */
  ws_time(w, "prompts/reply.txt", NOW - 4 * HOUR);
  ws_load(w);

  ws_changed_on_disk(w, "output/results.json", "");
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW), never);
  ws_changed_on_disk(w, "output/results.json", "{\"hello\":1}");
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW), never);
  ws_changed_on_disk(w, "output/results.json", one_case);
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
                      "2: \xE2\x9C\x93 passed 1 h ago\n"
                      "3: \xE2\x97\x8B never run\n");
  ws_changed_on_disk(w, "output/results.json", NULL);
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW), never);
  ws_close(w);
}

/* A promptfoo result without success: its gradingResult's pass tells
 * (before, "failed: All assertions passed"). */
static void
a_result_without_success_takes_its_grading_pass(void **state)
{
  static const char cases[] =
    "{\"evalId\":\"e1\",\"results\":{\"version\":3,"
    "\"timestamp\":\"2026-01-05T12:00:00Z\",\"prompts\":[],"
    "\"results\":[{\"testCase\":{\"description\":\"Row #1\","
    "\"vars\":{\"message\":\"Where is my order?\",\"plan\":"
    "\"Basic\"},\"assert\":[{\"type\":\"contains\",\"value\":"
    "\"order\"},{\"type\":\"not-icontains\",\"value\":"
    "\"as an AI\"}]},\"gradingResult\":{\"pass\":true,\"score\":1,"
    "\"reason\":\"All assertions passed\"}},"
    "{\"testCase\":{\"description\":\"Row #2\","
    "\"vars\":{\"message\":\"Cancel my plan\",\"plan\":\"Pro\"},"
    "\"assert\":[{\"type\":\"icontains\",\"value\":\"cancel\"},"
    "{\"type\":\"not-icontains\",\"value\":\"as an AI\"}]},"
    "\"gradingResult\":{\"pass\":false,\"score\":0,"
    "\"reason\":\"Expected output to contain \\\"cancel\\\"\"}}]}}";
  struct ws *w = ws_open("support");

  (void)state;
  ws_time(w, "prompts/reply.txt", NOW - 4 * HOUR);
  ws_load(w);
  ws_changed_on_disk(w, "output/results.json", cases);
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x9C\x93 passed 1 h ago\n"
    "3: \xE2\x9C\x97 failed 1 h ago: Expected output to contain "
    "\"cancel\"\n");
  ws_close(w);
}

/* A results file cut short (promptfoo still writing it) gives no
 * verdicts: its tests show never run, and the file its syntax error
 * (before, the cases error recovery salvaged gave verdicts). */
static void
a_results_file_that_does_not_parse_gives_no_verdicts(void **state)
{
  struct ws *w = ws_open("support");
  char path[700];
  char *text;
  size_t len;
  size_t size;

  (void)state;
  ws_time(w, "prompts/reply.txt", NOW - 4 * HOUR);
  ws_load(w);
  ws_path(w, "output/results.json", path, sizeof path);
  assert_int_equal(fileio_read(path, 1 << 20, &text, &len, &size), 0);
  /* Past every case but the last: the first four are whole. */
  text[strstr(text, "\"id\": \"r8\"") - text] = '\0';
  ws_changed_on_disk(w, "output/results.json", text);
  free(text);
  {
    int err = 0;
    struct artifact *a = wsindex_read(path, FORMAT_NONE, 0, NULL, &err);

    assert_non_null(a);
    assert_int_equal(a->format, FORMAT_PROMPTFOO_RESULTS);
    assert_true(a->diags.count > 0);
    assert_int_equal(a->diags.items[0].code, DIAG_JSON_SYNTAX);
    artifact_free(a);
  }

  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x97\x8B never run\n3: \xE2\x97\x8B never run\n");
  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "4: evals: 0 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 4 never run\n"
    "15: \xE2\x97\x8B never run\n"
    "25: \xE2\x97\x8B never run\n"
    "31: \xE2\x9C\x97 failed: expected valid JSON\n");
  ws_close(w);

  /* JUnit alike. */
  w = ws_open("junit");
  ws_load(w);
  ws_path(w, "reports/junit.xml", path, sizeof path);
  assert_int_equal(fileio_read(path, 1 << 20, &text, &len, &size), 0);
  text[strstr(text, "</testcase>") - text] = '\0';
  ws_changed_on_disk(w, "reports/junit.xml", text);
  free(text);
  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "6: \xE2\x97\x8B never run\n12: \xE2\x97\x8B never run\n");
  ws_close(w);
}

/* A summary replaced with other references: a query before the resolve
 * meets no link of the old one (its indexes name other references, or
 * none). */
static void
a_summary_replaced_drops_its_links_at_once(void **state)
{
  struct ws *w = ws_open("support");
  struct grade_links links;
  char config[700];
  char prompt[700];
  struct artifact *a;

  (void)state;
  ws_load(w);
  ws_path(w, "promptfooconfig.yaml", config, sizeof config);
  ws_path(w, "prompts/reply.txt", prompt, sizeof prompt);
  a = artifact_analyze(config, "prompts: [file://prompts/other.txt]\n", 36,
                       NULL);
  evalgraph_set(w->index.graph, config, a->evals);
  artifact_free(a);

  /* Its one reference is not the old first one (prompts/reply.txt). */
  assert_int_equal(ws_targets(w, "promptfooconfig.yaml", 0), 0);
  evalgraph_grade_links(w->index.graph, prompt, NOW, &links);
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW), "");
  evalgraph_resolve(w->index.graph, ws_show, w);
  assert_string_equal(ws_lenses(w, "prompts/reply.txt", NOW),
                      "1: evals: 0 \xE2\x9C\x93 0 \xE2\x9C\x97 \xC2\xB7 "
                      "4 never run\n");
  ws_close(w);
}

/* A test run against two prompts that failed against one and errored
 * against the other shows the failure and names the error (only the
 * failure showed, before). */
static void
a_test_that_failed_and_errored_shows_both(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);
  ws_edit(w, "output/results.json", "\"success\": true,",
          "\"success\": false, \"failureReason\": 2, \"error\": "
          "\"API error: 500\",", NOW - 4 * HOUR);

  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "4: evals: 2 \xE2\x9C\x93 2 \xE2\x9C\x97 1 \xE2\x9A\xA0\n"
    "15: \xE2\x9C\x97 failed 3 h ago: Expected output to contain "
    "\"refund\" \xC2\xB7 also \xE2\x9A\xA0 errored\n"
    "25: \xE2\x9C\x93 passed 3 h ago\n"
    "31: \xE2\x9C\x97 failed: expected valid JSON\n");
  ws_close(w);
}

static void
support_findings_span_config_prompt_and_results(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);

  assert_string_equal(ws_findings(w, "promptfooconfig.yaml", NOW),
    "15:5: test-failed: the last run of this test failed: Expected output "
    "to contain \"refund\"\n"
    "19:7: unused-test-variable: 'tone' is set here, but no prompt this "
    "test runs reads it\n"
    "25:5: missing-test-variable: this test does not set 'plan', which "
    "prompts/reply.txt reads\n"
    "31:5: test-failed: this test fails facet's check of its fixed output: "
    "expected valid JSON\n");
  assert_string_equal(ws_findings(w, "checks/promptfooconfig.yaml", NOW),
    "4:12: unresolved-reference: '../prompts/nothere.txt' does not exist, "
    "so promptfoo would send the text itself as the prompt\n"
    "27:12: unresolved-reference: 'cases/none.csv' does not exist: "
    "promptfoo cannot read these tests\n");
  assert_string_equal(ws_findings(w, "tests/cases.csv", NOW),
    "3:1: test-failed: the last run of this test ended in an error: API "
    "error: 429 Too Many Requests\n");
  ws_close(w);
}

static void
support_an_edited_assertion_is_checked_again_on_the_recorded_output(
  void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);

  ws_edit(w, "promptfooconfig.yaml", "value: refund\n", "value: refunds\n",
          NOW);

  /* "Refunds take 5 to 7 working days" holds "refunds"; "We will look
   * into it shortly." does not: the worst of the two prompts shows. */
  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "4: evals: 2 \xE2\x9C\x93 2 \xE2\x9C\x97 1 \xE2\x9A\xA0 \xC2\xB7 "
    "1 stale\n"
    "15: \xE2\x9C\x97 failed: expected to contain 'refunds' (any case) "
    "\xC2\xB7 stale\n"
    "25: \xE2\x9C\x93 passed 3 h ago\n"
    "31: \xE2\x9C\x97 failed: expected valid JSON\n");
  ws_close(w);
}

static void
support_a_fixed_output_is_checked_as_it_is_typed(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);

  ws_edit(w, "promptfooconfig.yaml",
          "\"Hello! Your Pro plan includes refunds within 14 days.\"",
          "'{\"refund_days\": 14}'", NOW);

  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW) +
                        strlen("4: evals: 2 \xE2\x9C\x93 2 \xE2\x9C\x97 1 "
                               "\xE2\x9A\xA0\n15: \xE2\x9C\x97 failed 3 h "
                               "ago: Expected output to contain "
                               "\"refund\"\n25: \xE2\x9C\x93 passed 3 h "
                               "ago\n"),
    "31: \xE2\x9C\x97 failed: expected to match '\\d+ days'\n");
  ws_close(w);
}

static void
support_an_edited_prompt_file_makes_every_run_of_it_stale(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);

  ws_edit(w, "prompts/reply.txt", "support agent", "helpful agent", NOW);

  assert_string_equal(ws_lenses(w, "prompts/reply.txt", NOW),
    "1: evals: 4 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 4 stale \xC2\xB7 "
    "4 never run\n");
  assert_string_equal(ws_lenses(w, "tests/cases.csv", NOW),
    "2: \xE2\x9C\x93 passed 3 h ago \xC2\xB7 stale\n"
    "3: \xE2\x9A\xA0 errored 3 h ago: API error: 429 Too Many Requests "
    "\xC2\xB7 stale\n");
  ws_close(w);
}

static void
support_grade_counts_the_tests_in_other_files(void **state)
{
  struct ws *w = ws_open("support");
  struct grade_links links;
  char path[700];

  (void)state;
  ws_load(w);
  ws_path(w, "prompts/reply.txt", path, sizeof path);

  evalgraph_grade_links(w->index.graph, path, NOW, &links);

  /* The files counted as the hover lists them: 9 tests in 3 files (the
   * reason said "9 tests in promptfooconfig.yaml and 2 more files"). */
  assert_string_equal(ws_grade(w, "prompts/reply.txt"),
    "eval: 9 tests in 3 files (promptfooconfig.yaml and 2 more) exercise "
    "it, 7 with a check no model grades; their last runs: 4 passed, 1 "
    "failed, 4 never run -> make the 1 failing eval pass");
  assert_int_equal(links.tests_elsewhere, 9);
  assert_int_equal(links.checked, 9);
  assert_int_equal(links.deterministic, 7);
  assert_int_equal(links.passed, 4);
  assert_int_equal(links.failed, 1);
  assert_int_equal(links.never, 4);
  assert_int_equal(links.stale, 0);
  ws_close(w);
}

/* A CSV with no __expected column, whose config's defaultTest checks
 * every row: the CSV is an eval (it was "structured: its tests give
 * inputs but check nothing"), and its rows' runs decide the next step. */
static void
a_test_file_checked_by_default_test_is_an_eval(void **state)
{
  struct ws *w = ws_open("support");

  (void)state;
  ws_load(w);
  ws_write(w, "tests/cases.csv",
           "message,plan\nWhere is my order?,Basic\nCancel my plan,Pro\n",
           NOW);

  assert_string_equal(ws_grade(w, "tests/cases.csv"),
    "eval: it defines 2 tests that check the output; their last runs: 1 "
    "passed, 1 failed, 2 stale -> make the 1 failing eval pass");
  ws_close(w);
}

/* A schema file that tests check outputs against (is-json's file://
 * value) is graded as part of that eval: no "add an eval" left to do. */
static void
a_schema_tests_check_against_is_graded_so(void **state)
{
  struct ws *w = ws_open("crystallised");
  struct grade_links links;
  char schema[700], config[700];

  (void)state;
  ws_load(w);
  ws_path(w, "schemas/parcel.schema.json", schema, sizeof schema);
  ws_path(w, "prompts/promptfooconfig.yaml", config, sizeof config);
  evalgraph_grade_links(w->index.graph, schema, NOW, &links);
  assert_null(links.checked_in);
  ws_edit(w, "prompts/promptfooconfig.yaml",
          "      - type: is-json\n        value:\n",
          "      - type: is-json\n        value: "
          "file://../schemas/parcel.schema.json\n"
          "      - type: javascript\n        value:\n", NOW);
  evalgraph_grade_links(w->index.graph, schema, NOW, &links);
  assert_non_null(links.checked_in);
  assert_string_equal(links.checked_in, config);
  ws_close(w);
}

/* is-json and contains-json with a file:// schema (JSON, or YAML as
 * promptfoo reads a .yaml value): the graph reads the file through the
 * index, inside the workspace and within the size limit (never, before:
 * "its schema file could not be read as JSON"). */
static void
schema_files_are_read_for_the_checks_facet_runs(void **state)
{
  struct ws *w = ws_open("schema-checks");

  (void)state;
  ws_load(w);
  /* contains-json gives the validator's first error, as is-json does
   * (before, only "expected to contain JSON that fits its schema"). */
  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "7: \xE2\x9C\x93 passes locally\n"
    "14: \xE2\x9C\x97 failed: expected to contain JSON that fits its "
    "schema (/days: must be <= 10, got\xE2\x80\xA6\n"
    "21: \xE2\x9C\x97 failed: expected JSON that fits its schema (missing "
    "required property 'answer')\n");
  ws_close(w);

  /* Over the size limit: not read, and the hover says why. */
  w = ws_open("schema-checks");
  assert_int_equal(wsindex_init(&w->index), 0);
  assert_int_equal(wsindex_add_root(&w->index, w->root), 0);
  w->index.max_bytes = 625;
  {
    char *paths[] = { w->root };

    assert_int_equal(wsindex_load(&w->index, paths, 1, NULL, NULL), 0);
  }
  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "7: \xE2\x97\x8B never run\n14: \xE2\x97\x8B never run\n"
    "21: \xE2\x9C\x97 failed: expected JSON that fits its schema (missing "
    "required property 'answer')\n");
  assert_non_null(strstr(ws_hover(w, "promptfooconfig.yaml", 14),
    "- not run: `contains-json` (its schema file was not read: it is 632 "
    "bytes, over the 625-byte limit)"));
  ws_close(w);

  /* A link that leads out of the workspace is not followed. */
  w = ws_open("schema-checks");
  {
    char outside[64] = "/tmp/facet-outside-XXXXXX";
    char cmd[1600];

    assert_non_null(mkdtemp(outside));
    snprintf(cmd, sizeof cmd, "mv '%s/schemas/days.json' '%s/' && "
             "ln -s '%s/days.json' '%s/schemas/days.json'", w->root, outside,
             outside, w->root);
    assert_int_equal(system(cmd), 0);
    ws_load(w);
    assert_non_null(strstr(ws_hover(w, "promptfooconfig.yaml", 14),
      "- not run: `contains-json` (its schema file was not read: it is "
      "outside the workspace)"));
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", outside);
    assert_int_equal(system(cmd), 0);
  }
  ws_close(w);
}

/* A file:// schema that resolves nowhere: inside the workspace, the file
 * does not exist; outside it, it is not in the workspace (before, both
 * read "is not in the workspace"). */
static void
a_missing_schema_file_is_said_not_to_exist(void **state)
{
  struct ws *w = ws_open("schema-checks");

  (void)state;
  ws_load(w);
  ws_edit(w, "promptfooconfig.yaml", "value: file://schemas/days.json\n",
          "value: file://schemas/nope.json\n", NOW);
  ws_edit(w, "promptfooconfig.yaml", "value: file://schemas/answer.yaml",
          "value: file://../../nope.yaml", NOW);
  assert_string_equal(ws_findings(w, "promptfooconfig.yaml", NOW),
    "13:23: unresolved-reference: 'schemas/nope.json' does not exist: this "
    "check cannot run\n"
    "14:5: test-failed: this test fails facet's check of its fixed output: "
    "expected to contain JSON that fits its schema (/days: must be <= 10, "
    "got 14)\n"
    "27:23: unresolved-reference: '../../nope.yaml' is not in the "
    "workspace: this check cannot run\n");
  assert_non_null(strstr(ws_hover(w, "promptfooconfig.yaml", 7),
    "- not run: `is-json` (its schema file was not read: it does not "
    "exist)"));
  assert_non_null(strstr(ws_hover(w, "promptfooconfig.yaml", 21),
    "- not run: `is-json` (its schema file was not read: it is not in the "
    "workspace)"));
  ws_close(w);
}

/* ---- GitHub Models: testData, evaluators and gh models eval --json --- */

static void
gh_models_results_match_test_data_items(void **state)
{
  struct ws *w = ws_open("gh-models");

  (void)state;
  ws_time(w, "failing_test_prompt.yml", NOW - 3 * HOUR);
  ws_time(w, "results/failing_test_prompt.json", NOW - 2 * HOUR);
  ws_load(w);

  assert_string_equal(ws_lenses(w, "failing_test_prompt.yml", NOW),
    "1: evals: 0 \xE2\x9C\x93 2 \xE2\x9C\x97\n"
    "8: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did not "
    "pass\n"
    "10: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did not "
    "pass\n");
  ws_close(w);
}

/* A .prompt.yml's grade counts the recorded runs of its own testData, as
 * a prompt's counts those of tests elsewhere (before: "crystallise a
 * stable rule into code" over two failing evals). */
static void
gh_models_grade_counts_its_own_recorded_runs(void **state)
{
  struct ws *w = ws_open("gh-models");

  (void)state;
  ws_time(w, "failing_test_prompt.yml", NOW - 3 * HOUR);
  ws_time(w, "results/failing_test_prompt.json", NOW - 2 * HOUR);
  ws_load(w);

  assert_string_equal(ws_grade(w, "failing_test_prompt.yml"),
    "eval: 2 tests in testData and evaluators check its output; their last "
    "runs: 0 passed, 2 failed -> make the 2 failing evals pass");
  /* Without results: run them first. */
  ws_changed_on_disk(w, "results/failing_test_prompt.json", NULL);
  assert_string_equal(ws_grade(w, "failing_test_prompt.yml"),
    "eval: 2 tests in testData and evaluators check its output; none of "
    "them has a recorded run yet -> run the evals and keep their results "
    "(promptfoo eval -o results.json, gh models eval --json) so facet can "
    "show whether they pass");
  ws_close(w);
}

static void
gh_models_an_edited_message_makes_results_stale(void **state)
{
  struct ws *w = ws_open("gh-models");

  (void)state;
  ws_time(w, "failing_test_prompt.yml", NOW - 3 * HOUR);
  ws_time(w, "results/failing_test_prompt.json", NOW - 2 * HOUR);
  ws_load(w);

  /* gh models keeps no prompt text: the file's time tells. */
  ws_edit(w, "failing_test_prompt.yml", "You are a helpful assistant.",
          "You are a terse assistant.", NOW - HOUR);
  ws_edit(w, "failing_test_prompt.yml", "What is 2 + 2?", "What is 3 + 3?",
          NOW - HOUR);

  assert_string_equal(ws_lenses(w, "failing_test_prompt.yml", NOW),
    "1: evals: 0 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 1 stale \xC2\xB7 "
    "1 never run\n"
    "8: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did not "
    "pass \xC2\xB7 stale\n"
    "10: \xE2\x97\x8B never run\n");
  ws_close(w);
}

/* ---- OpenAI evals: registry entries and their samples --------------- */

static void
openai_registry_entries_name_their_samples(void **state)
{
  struct ws *w = ws_open("openai-evals");
  char path[700];

  (void)state;
  ws_load(w);

  assert_int_equal(ws_targets(w, "evals/registry/evals/chinese_homonym.yaml",
                              0), 1);
  ws_path(w, "evals/registry/data/chinese_homonym/samples.jsonl", path,
          sizeof path);
  assert_int_equal(evalgraph_summary(w->index.graph, path)->ntests, 2);
  /* A Git LFS pointer is not read as samples. */
  ws_path(w, "evals/registry/data/ab/samples.jsonl", path, sizeof path);
  assert_int_equal(evalgraph_summary(w->index.graph, path)->ntests, 0);
  assert_string_equal(ws_findings(w, "evals/registry/evals/ab.yaml", NOW),
                      "");
  assert_string_equal(
    ws_findings(w, "evals/registry/evals/aba-mrpc-true-false.yaml", NOW),
    "8:20: unresolved-reference: 'aba_mrpc_true_false/samples.jsonl' is not "
    "in the registry's data folder: the eval has no samples to run\n");
  ws_close(w);
}

/* A registry entry whose samples resolve nowhere runs nothing: its grade
 * says so, as its finding does; one whose samples are there (a Git LFS
 * pointer still names them) stays an eval. */
static void
openai_entries_without_samples_are_not_tests(void **state)
{
  struct ws *w = ws_open("openai-evals");

  (void)state;
  ws_load(w);

  assert_string_equal(
    ws_grade(w, "evals/registry/evals/aba-mrpc-true-false.yaml"),
    "structured: the samples file it names, "
    "'aba_mrpc_true_false/samples.jsonl', resolves nowhere, so its eval has "
    "no samples to run -> fix the samples_jsonl path, or add that samples "
    "file to the registry's data folder");
  assert_string_equal(ws_grade(w, "evals/registry/evals/chinese_homonym.yaml"),
    "eval: it defines 1 test that checks the output -> crystallise a stable "
    "rule into code");
  ws_close(w);
}

/* An entry's modelgraded_spec names a spec of the registry's modelgraded
 * folder (its top-level keys): the link gives the spec its eval, and a
 * name no file defines is a finding at the value, and no test. */
static void
openai_modelgraded_specs_link_to_their_evals(void **state)
{
  struct ws *w = ws_open("openai-evals");
  char path[700];
  char spec[700];
  const struct evalfile *f;

  (void)state;
  ws_load(w);

  ws_path(w, "evals/registry/evals/ab.yaml", path, sizeof path);
  ws_path(w, "evals/registry/modelgraded/fact.yaml", spec, sizeof spec);
  f = evalgraph_summary(w->index.graph, path);
  assert_int_equal(f->refs[0].kind, EVREF_SPEC);
  assert_string_equal(f->refs[0].path, "fact");
  assert_int_equal(ws_targets(w, "evals/registry/evals/ab.yaml", 0), 1);
  assert_int_equal(evalgraph_summary(w->index.graph, spec)->nnames, 1);
  assert_string_equal(ws_grade(w, "evals/registry/modelgraded/fact.yaml"),
    "eval: an eval in ab.yaml grades with its spec 'fact' -> crystallise a "
    "stable rule into code");
  assert_string_equal(
    ws_findings(w, "evals/registry/evals/unknown-spec.yaml", NOW),
    "9:23: unresolved-reference: no spec 'facts' in the registry's "
    "modelgraded/*.yaml: the eval has no rubric to grade with\n");
  assert_string_equal(ws_grade(w, "evals/registry/evals/unknown-spec.yaml"),
    "structured: the spec it grades with, 'facts', is in no file of the "
    "registry's modelgraded folder, so its eval cannot grade -> fix the "
    "modelgraded_spec name, or add that spec to a file of the registry's "
    "modelgraded folder");

  /* Without the samples of ab.yaml, its spec has no eval that runs. */
  ws_path(w, "evals/registry/data/ab/samples.jsonl", path, sizeof path);
  assert_int_equal(unlink(path), 0);
  evalgraph_remove_path(w->index.graph, path);
  evalgraph_resolve(w->index.graph, NULL, NULL);
  assert_string_equal(ws_grade(w, "evals/registry/modelgraded/fact.yaml"),
    "structured: an eval in ab.yaml grades with its spec 'fact', but it has "
    "no samples to run -> fix the samples_jsonl path in ab.yaml, so the "
    "eval that grades with it runs");

  /* A spec renamed in its file is looked up again. */
  ws_edit(w, "evals/registry/modelgraded/fact.yaml", "fact:", "factual:",
          NOW);
  assert_int_equal(ws_targets(w, "evals/registry/evals/ab.yaml", 0), 0);
  ws_close(w);
}

/* ---- promptfoo: test files that are there, missing, or code --------- */

static void
promptfoo_missing_test_files_hold_no_tests(void **state)
{
  struct ws *w = ws_open("test-files");

  (void)state;
  ws_load(w);

  assert_string_equal(ws_findings(w, "none/promptfooconfig.yaml", NOW),
    "7:12: unresolved-reference: 'tests/overview.yaml' does not exist: "
    "promptfoo cannot read these tests\n"
    "8:12: unresolved-reference: 'tests/billing.yaml' does not exist: "
    "promptfoo cannot read these tests\n"
    "9:12: unresolved-reference: no file matches 'cases/*.yaml': no tests "
    "are read from it\n");
  assert_string_equal(ws_grade(w, "none/promptfooconfig.yaml"),
    "structured: the 3 test files it names resolve nowhere "
    "('tests/overview.yaml' and 2 more), so no tests come from them -> fix "
    "the references to its 3 missing test files, or add tests with "
    "assertions");
  assert_string_equal(ws_grade(w, "partial/promptfooconfig.yaml"),
    "eval: it runs 2 tests, 2 of them from the test files it reads; none of "
    "them has a recorded run yet; the test file it names, "
    "'tests/missing.yaml', resolves nowhere, so no tests come from it -> "
    "fix the reference to its missing test file, so its tests run too");
  /* Tests that code makes are there, though facet cannot count them. */
  assert_string_equal(ws_grade(w, "generated/promptfooconfig.yaml"),
    "eval: its tests come from 1 file facet reads no tests from (code that "
    "makes them) -> crystallise a stable rule into code");
  ws_close(w);
}

/* ---- promptfoo: checks whose code or value file is missing ---------- */

/* A check whose file resolves nowhere cannot run: a test counts as
 * checked only by its other checks, in every grade the index feeds (the
 * config's, its test files', the prompt's), and the next step is to mend
 * the references. Checks facet cannot run but that are there (code that
 * exists, a remote file) count as before. */
static void
promptfoo_missing_check_files_check_nothing(void **state)
{
  struct ws *w = ws_open("check-files");

  (void)state;
  ws_load(w);

  assert_string_equal(ws_findings(w, "sql/promptfooconfig.yaml", NOW),
    "14:23: unresolved-reference: 'tests/test_simple_query.py' does not "
    "exist: this check cannot run\n"
    "20:23: unresolved-reference: 'tests/test_average_salary.py' does not "
    "exist: this check cannot run\n");
  assert_string_equal(ws_grade(w, "sql/promptfooconfig.yaml"),
    "eval: it defines 2 tests; 1 of them checks the output; none of them "
    "has a recorded run yet; the 2 check files its assertions name resolve "
    "nowhere ('tests/test_simple_query.py' and 1 more), so 1 test checks "
    "nothing -> fix the references to its 2 missing check files, so those "
    "checks run too");

  /* defaultTest's only check, for tests read from a file. */
  assert_string_equal(ws_grade(w, "polite/promptfooconfig.yaml"),
    "structured: the check file its assertion names, 'checks/is_polite.js', "
    "resolves nowhere, so 2 tests check nothing -> fix the reference to its "
    "missing check file, so its tests check the output");
  assert_string_equal(ws_grade(w, "polite/prompt.txt"),
    "loose: it is text with no machine-read header; 2 tests in other files "
    "exercise it, but none checks the output; 2 of the tests that exercise "
    "it check only with files that resolve nowhere ('checks/is_polite.js') "
    "-> fix the check files that resolve nowhere, so the tests that "
    "exercise it check its output");

  /* A CSV's __expected column naming a script that is missing. */
  assert_string_equal(ws_grade(w, "dataset/rows.csv"),
    "structured: the check file its assertion names, 'eval_retrieval.py', "
    "resolves nowhere, so 2 tests check nothing -> fix the reference to its "
    "missing check file, so its tests check the output");
  assert_string_equal(ws_grade(w, "dataset/promptfooconfig.yaml"),
    "structured: 2 tests from the test files it reads check only with files "
    "that resolve nowhere ('eval_retrieval.py') -> fix the check files its "
    "test files name that resolve nowhere, so its tests check the output");

  assert_string_equal(ws_findings(w, "kept/promptfooconfig.yaml", NOW), "");
  assert_string_equal(ws_grade(w, "kept/promptfooconfig.yaml"),
    "eval: it defines 2 tests that check the output; none of them has a "
    "recorded run yet -> run the evals and keep their results (promptfoo "
    "eval -o results.json, gh models eval --json) so facet can show whether "
    "they pass");
  ws_close(w);
}

/* A config whose test files and checks are both missing mends both. */
static void
promptfoo_missing_tests_and_checks_are_mended_together(void **state)
{
  struct ws *w = ws_open("check-files");

  (void)state;
  ws_load(w);
  assert_string_equal(ws_grade(w, "hsds/promptfooconfig.yaml"),
    "structured: the test file it names, 'cases/*.yaml', resolves nowhere, "
    "so no tests come from it; the 2 check files its assertions name "
    "resolve nowhere ('assertions/componentCoverage.js' and 1 more), so "
    "those checks cannot run -> fix the references to its missing test "
    "file and 2 missing check files");
  ws_close(w);
}

/* ---- JUnit XML, found by .facet.yaml where git ignores it ----------- */

static void
junit_results_are_matched_by_description(void **state)
{
  struct ws *w = ws_open("junit");
  char cmd[700];

  (void)state;
  snprintf(cmd, sizeof cmd, "git init -q '%s'", w->root);
  assert_int_equal(system(cmd), 0);
  ws_time(w, "promptfooconfig.yaml", NOW - 4 * HOUR);
  ws_time(w, "prompts/faq.txt", NOW - 4 * HOUR);
  ws_load(w);

  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "6: \xE2\x9C\x93 passed 3 h ago\n"
    "12: \xE2\x9C\x97 failed 3 h ago: Expected output to contain 'zones'\n");
  assert_string_equal(ws_lenses(w, "prompts/faq.txt", NOW),
    "1: evals: 1 \xE2\x9C\x93 1 \xE2\x9C\x97\n");
  ws_close(w);
}

/* JUnit oddities: a skipped case counts in the prompt's summary, two
 * cases of one name (one passed, one failed) show the failure, and a
 * description written with spaces around it matches the name a reporter
 * trimmed (before: not counted, passed, never run). */
static void
junit_skipped_duplicates_and_padded_names(void **state)
{
  struct ws *w = ws_open("junit");
  char path[700];
  FILE *out;

  (void)state;
  ws_path(w, "promptfooconfig.yaml", path, sizeof path);
  out = fopen(path, "w");
  assert_non_null(out);
  fputs("description: FAQ bot regression\n"
        "prompts:\n  - file://prompts/faq.txt\n"
        "providers: [openai:gpt-4o-mini]\n"
        "tests:\n"
        "  - description: skipped one\n"
        "    vars: {question: a}\n"
        "  - description: duplicate\n"
        "    vars: {question: b}\n"
        "  - description: \"  padded  \"\n"
        "    vars: {question: c}\n", out);
  fclose(out);
  ws_path(w, "reports/junit.xml", path, sizeof path);
  out = fopen(path, "w");
  assert_non_null(out);
  fputs("<?xml version=\"1.0\"?>\n<testsuites>\n"
        "<testsuite name=\"faq\" timestamp=\"2026-01-05T10:00:00Z\">\n"
        "<testcase name=\"skipped one\"><skipped/></testcase>\n"
        "<testcase name=\"duplicate\"/>\n"
        "<testcase name=\"duplicate\"><failure message=\"second duplicate "
        "failed\"/></testcase>\n"
        "<testcase name=\"padded\"/>\n"
        "</testsuite>\n</testsuites>\n", out);
  fclose(out);
  ws_time(w, "promptfooconfig.yaml", NOW - 4 * HOUR);
  ws_time(w, "prompts/faq.txt", NOW - 4 * HOUR);
  ws_load(w);

  assert_string_equal(ws_lenses(w, "promptfooconfig.yaml", NOW),
    "6: \xE2\x97\x8B skipped 3 h ago\n"
    "8: \xE2\x9C\x97 failed 3 h ago: second duplicate failed\n"
    "10: \xE2\x9C\x93 passed 3 h ago\n");
  assert_string_equal(ws_lenses(w, "prompts/faq.txt", NOW),
    "1: evals: 1 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 1 skipped\n");
  ws_close(w);
}

/* ---- JSON Schema $refs into other files ------------------------------- */

/* "line:column: code: message" for each finding of rel's own analysis
 * with its $refs read, as facet check analyses it. */
static const char *
schema_own_findings(struct ws *w, const char *rel)
{
  char path[700];
  struct reffiles refs;
  struct wsindex_analysis an = { 0 };
  struct artifact *a;
  struct buf out;
  int err = 0;

  ws_path(w, rel, path, sizeof path);
  reffiles_init(&refs, w->root);
  an.schema_files = &refs.files;
  a = wsindex_read(path, FORMAT_NONE, 0, &an, &err);
  assert_non_null(a);
  buf_init(&out, sizeof w->out);
  for (size_t i = 0; i < a->diags.count; i++) {
    uint32_t line;
    uint32_t col;

    source_line_col(&a->src, a->diags.items[i].span.start, &line, &col);
    buf_printf(&out, "%u:%u: %s: %s\n", line, col,
               diag_code_info(a->diags.items[i].code)->name,
               a->diags.items[i].message);
  }
  snprintf(w->out, sizeof w->out, "%s", out.data ? out.data : "");
  buf_release(&out);
  artifact_free(a);
  reffiles_release(&refs);
  return w->out;
}

static void
schema_refs_resolve_to_files(void **state)
{
  struct ws *w = ws_open("schemas");
  char path[700];
  FILE *out;

  (void)state;
  ws_path(w, "data.schema.json", path, sizeof path);
  out = fopen(path, "w");
  assert_non_null(out);
  fputs("{\"type\": \"object\", \"default\": {\"$ref\": \"a.json\"}, "
        "\"examples\": [{\"$ref\": \"b.json\"}], \"properties\": "
        "{\"e\": {\"enum\": [{\"$ref\": \"c.json\"}]}, \"c\": "
        "{\"const\": {\"$ref\": \"d.json\"}}, \"x\": {\"x-tool\": "
        "{\"$ref\": \"e.json\"}}}}\n", out);
  fclose(out);
  ws_load(w);

  assert_int_equal(ws_targets(w, "main.schema.json", 0), 1);
  /* The missing file is one finding, the schema's own (which says why);
   * the index keeps the link without repeating it. */
  assert_string_equal(ws_findings(w, "main.schema.json", NOW), "");
  assert_string_equal(schema_own_findings(w, "main.schema.json"),
    "1:162: unresolved-ref: cannot resolve $ref 'missing.schema.json': no "
    "such file\n");
  /* Under an absolute $id, a relative $ref names a URI, not a file. */
  assert_string_equal(ws_findings(w, "remote/order.schema.json", NOW), "");
  /* A "$ref" key in data (default, examples, enum, const, an x- key) is
   * no reference: only schema positions hold them. */
  assert_string_equal(ws_findings(w, "data.schema.json", NOW), "");
  assert_string_equal(schema_own_findings(w, "data.schema.json"), "");
  ws_close(w);
}

/* ---- provenance records: what crystallise made of a prompt ------------ */

struct records_seen {
  const struct ws *w;
  char text[2048];
  size_t n;
};

static const char *const record_kinds[] = { "schema", "test", "evaluator",
                                            "code" };

/* One line per record: the file (relative), kind, lines, test. */
static void
record_seen(const struct evrecord_ref *r, void *ctx)
{
  struct records_seen *x = ctx;
  const char *rel = r->file + strlen(x->w->root) + 1;

  x->n += (size_t)snprintf(x->text + x->n, sizeof x->text - x->n,
                           "%s %s lines %u-%u at line %u test %d\n", rel,
                           record_kinds[r->rec->kind], r->rec->first_line,
                           r->rec->last_line, r->rec->line,
                           r->rec->test == EVAL_NONE ? -1
                                                     : (int)r->rec->test);
}

static void
config_seen(const char *config, void *ctx)
{
  struct records_seen *x = ctx;

  x->n += (size_t)snprintf(x->text + x->n, sizeof x->text - x->n, "%s\n",
                           config + strlen(x->w->root) + 1);
}

static void
crystallised_records_link_files_to_their_prompt(void **state)
{
  struct ws *w = ws_open("crystallised");
  struct records_seen x = { w, "", 0 };
  char path[700];

  (void)state;
  ws_load(w);
  ws_path(w, "prompts/parcel.j2", path, sizeof path);

  assert_int_equal(evalgraph_records_of_prompt(w->index.graph, path,
                                               record_seen, &x), 5);
  /* In the order the index read them (folders in name order). A
   * validator is no artifact: its record alone gives it a summary. */
  assert_string_equal(x.text,
    "prompts/promptfooconfig.yaml test lines 1-2 at line 19 test 0\n"
    "prompts/promptfooconfig.yaml test lines 4-6 at line 28 test 1\n"
    "prompts/promptfooconfig.yaml test lines 4-6 at line 48 test 2\n"
    "schemas/parcel.schema.json schema lines 4-6 at line 3 test -1\n"
    "validators/parcel.py code lines 4-6 at line 1 test -1\n");
  x.n = 0;
  x.text[0] = '\0';
  assert_int_equal(evalgraph_configs_of_prompt(w->index.graph, path,
                                               config_seen, &x), 1);
  assert_string_equal(x.text, "prompts/promptfooconfig.yaml\n");
  ws_close(w);
}

static void
crystallised_grade_links_count_what_crystallise_made(void **state)
{
  struct ws *w = ws_open("crystallised");
  struct grade_links links;
  char path[700];
  char validator[700];

  (void)state;
  ws_load(w);
  ws_path(w, "prompts/parcel.j2", path, sizeof path);
  ws_path(w, "validators/parcel.py", validator, sizeof validator);

  evalgraph_grade_links(w->index.graph, path, NOW, &links);
  assert_true(links.enforced_in_code);
  assert_string_equal(links.code_where, validator);
  assert_non_null(links.schema_elsewhere);
  assert_string_equal(strstr(links.schema_elsewhere, "schemas/"),
                      "schemas/parcel.schema.json");
  /* The tests crystallise wrote count once, as the tests of the config
   * that runs the prompt. */
  assert_int_equal(links.tests_elsewhere, 3);
  assert_int_equal(links.passed, 2);
  assert_int_equal(links.failed, 1);
  /* The validator goes: the prompt is no longer enforced in code. */
  evalgraph_remove_path(w->index.graph, validator);
  evalgraph_resolve(w->index.graph, NULL, NULL);
  evalgraph_grade_links(w->index.graph, path, NOW, &links);
  assert_false(links.enforced_in_code);
  assert_null(links.code_where);
  ws_close(w);
}

/* A record's prompt is not a file the index goes and reads (facet check
 * of schemas/ alone checks schemas), and a record whose prompt is gone is
 * no finding. */
static void
crystallised_a_record_is_no_reference_to_follow(void **state)
{
  struct ws *w = ws_open("crystallised");
  char schemas[700];
  char prompt[700];
  char *paths[] = { schemas };

  (void)state;
  ws_path(w, "schemas", schemas, sizeof schemas);
  ws_path(w, "prompts/parcel.j2", prompt, sizeof prompt);
  assert_int_equal(wsindex_init(&w->index), 0);
  assert_int_equal(wsindex_load(&w->index, paths, 1, NULL, NULL), 0);

  assert_false(evalgraph_has(w->index.graph, prompt));
  assert_string_equal(ws_findings(w, "schemas/parcel.schema.json", NOW), "");
  ws_close(w);
}

static void
changed_seen(const char *path, void *ctx)
{
  struct records_seen *x = ctx;

  x->n += (size_t)snprintf(x->text + x->n, sizeof x->text - x->n, "%s\n",
                           path + strlen(x->w->root) + 1);
}

/* A file that goes away takes its links with it: the files it named are
 * shown again (a prompt whose validator or config was deleted). */
static void
a_removed_file_shows_the_files_it_named_again(void **state)
{
  struct ws *w = ws_open("crystallised");
  struct records_seen x = { w, "", 0 };
  char path[700];

  (void)state;
  ws_load(w);
  ws_path(w, "validators/parcel.py", path, sizeof path);

  evalgraph_remove_path(w->index.graph, path);
  evalgraph_resolve(w->index.graph, changed_seen, &x);

  /* The prompt, and as for any change of it the files linked with it. */
  assert_string_equal(x.text, "prompts/parcel.j2\n"
                              "prompts/promptfooconfig.yaml\n"
                              "schemas/parcel.schema.json\n");
  ws_close(w);
}

/* ---- the assertions facet runs ---------------------------------------- */

static const char *
run_assert(const char *type, const char *value, const char *output)
{
  static struct assert_verdict v;
  struct evassert as = { 0 };
  struct assert_env env = { 0 };

  as.type = type;
  as.value = value;
  as.ref = EVAL_NONE;
  assert_eval(&as, output, strlen(output), &env, &v);
  if (v.outcome == ASSERT_PASS)
    return "pass";
  if (v.outcome == ASSERT_SKIP)
    snprintf(v.reason + strlen(v.reason), 12, " [skip]");
  return v.reason;
}

static const char *
city(void *ctx, const char *name)
{
  (void)ctx;
  return strcmp(name, "city") == 0 ? "Rome" : NULL;
}

static void
assertions_facet_runs_itself(void **state)
{
  (void)state;

  assert_string_equal(run_assert("equals", "\"Paris\"", "Paris"), "pass");
  assert_string_equal(run_assert("equals", "\"Paris\"", "paris"),
                      "expected to equal 'Paris'");
  assert_string_equal(run_assert("equals", "{\"a\":[1,2]}", " {\"a\": [1, 2]}"),
                      "pass");
  assert_string_equal(run_assert("contains", "\"refund\"", "no luck"),
                      "expected to contain 'refund'");
  assert_string_equal(run_assert("not-contains", "\"As an AI\"",
                                 "As an AI, I cannot"),
                      "expected not to contain 'As an AI'");
  assert_string_equal(run_assert("icontains", "\"ÉTÉ\"", "un été chaud"),
                      "pass");
  assert_string_equal(run_assert("contains-any", "[\"outage\",\"engineers\"]",
                                 "all fine"),
                      "expected to contain one of 2 values");
  assert_string_equal(run_assert("icontains-all", "\"a, B\"", "only A here"),
                      "expected to contain 'B' (any case)");
  /* Each value of the list trimmed at both ends (before, 'B ' stayed). */
  assert_string_equal(run_assert("contains-all", "\"A , B \"", "A and B"),
                      "pass");
  assert_string_equal(run_assert("starts-with", "\"Hello\"", "Hi there"),
                      "expected to start with 'Hello'");
  assert_string_equal(run_assert("regex", "\"^\\\\d+ days$\"", "14 days"),
                      "pass");
  assert_string_equal(run_assert("not-regex", "\"\\\\d\"", "in 3 days"),
                      "expected not to match '\\d'");
  assert_string_equal(run_assert("is-json", NULL, "{\"a\": 1"),
                      "expected valid JSON");
  assert_string_equal(run_assert("is-json", NULL, " {\"a\": 1}\n"), "pass");
  assert_string_equal(run_assert("is-json", NULL, "{'a': 1}"),
                      "expected valid JSON");
  /* JSON.parse takes a bare value, and RFC 8259's numbers. */
  assert_string_equal(run_assert("is-json", NULL, "42"), "pass");
  assert_string_equal(run_assert("is-json", NULL, "null"), "pass");
  assert_string_equal(run_assert("is-json", NULL, "{\"a\": 1e+2}"),
                      "pass");
  assert_string_equal(run_assert("is-json", NULL, "[1.]"),
                      "expected valid JSON");
  assert_string_equal(run_assert("is-json", NULL, "[\"a\tb\"]"),
                      "expected valid JSON");
  assert_string_equal(run_assert("is-json",
                                 "{\"type\":\"object\",\"required\":[\"age\"]}",
                                 "{\"name\": \"x\"}"),
                      "expected JSON that fits its schema (missing "
                      "required property 'age')");
  assert_string_equal(run_assert("contains-json", NULL,
                                 "Here you are: {\"a\": 1} and more"),
                      "pass");
  assert_string_equal(run_assert("levenshtein", "\"kitten\"", "sitting"),
                      "pass");
  assert_string_equal(run_assert("string.contains", "\"PARIS\"",
                                 "It is Paris."), "pass");
  assert_string_equal(run_assert("string.endsWith", "\"done\"", "not yet"),
                      "expected to end with 'done' (any case)");
  assert_string_equal(run_assert("llm-rubric", "\"is polite\"", "hi"),
                      "a model grades it [skip]");
  assert_string_equal(run_assert("javascript", "\"output.length < 5\"", "hi"),
                      "it runs code facet does not run [skip]");
  assert_string_equal(run_assert("latency", NULL, "hi"),
                      "it measures the run itself [skip]");
}

static void
assertion_values_are_rendered_from_the_test(void **state)
{
  struct evassert as = { 0 };
  struct assert_env env = { city, NULL, NULL, false };
  struct assert_verdict v;

  (void)state;
  as.type = "contains";
  as.value = "\"{{ city }}\"";
  as.ref = EVAL_NONE;

  assert_eval(&as, "Welcome to Rome", 15, &env, &v);
  assert_int_equal(v.outcome, ASSERT_PASS);
  as.value = "\"{{ city | upper }}\"";
  assert_eval(&as, "Welcome to Rome", 15, &env, &v);
  assert_int_equal(v.outcome, ASSERT_SKIP);
  assert_string_equal(v.reason, "its value is a template facet does not "
                                "render");
  as.value = "\"Rome\"";
  as.flags = EVASSERT_TRANSFORMED;
  assert_eval(&as, "Welcome to Rome", 15, &env, &v);
  assert_string_equal(v.reason, "code transforms the output first");
}

/* ---- the readers beneath ---------------------------------------------- */

static void
csv_fields_keep_their_spans(void **state)
{
  static const char text[] = "q,__expected\r\n\"a, b\",\"say \"\"hi\"\"\"\r\n"
                             "\r\nplain,x,extra\r\n";
  struct arena arena;
  struct diag_list diags;
  struct source src;
  struct node *root;
  const struct node *row;

  (void)state;
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  source_init(&src, text, sizeof text - 1);

  assert_int_equal(csv_parse(&arena, &src, span_make(0, src.len), ',',
                             &diags, &root), 0);

  assert_int_equal(root->count, 2);
  row = root->u.items[0];
  assert_string_equal(node_str(node_get(row, "q")), "a, b");
  assert_string_equal(node_str(node_get(row, "__expected")), "say \"hi\"");
  assert_int_equal(node_get(row, "q")->span.start, 14);
  assert_int_equal(node_get(row, "q")->span.end, 20);
  assert_int_equal(node_get_key(row, "q")->span.start, 0);
  assert_int_equal(diags.count, 1);
  assert_string_equal(diags.items[0].message,
                      "this row has 3 fields, but the header names 2 "
                      "columns");
  source_release(&src);
  diag_list_release(&diags);
  arena_release(&arena);
}

static void
expected_cells_read_as_promptfoo_reads_them(void **state)
{
  static const struct { const char *text, *type, *value; double t; } cases[] = {
    { "contains:Billing Inquiries", "contains", "Billing Inquiries", -1 },
    { "not-icontains:sorry", "not-icontains", "sorry", -1 },
    { "similar(0.9):hello", "similar", "hello", 0.9 },
    { "python:file://eval_retrieval.py", "python", "file://eval_retrieval.py",
      -1 },
    { "file://check.js", "javascript", "file://check.js", -1 },
    { "grade:is polite", "llm-rubric", "is polite", -1 },
    { "Just the answer", "equals", "Just the answer", -1 },
    { "contain:typo", "equals", "contain:typo", -1 },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    const char *type;
    size_t type_len;
    size_t at;
    double t = -1;
    bool has = assertion_from_string(cases[i].text, strlen(cases[i].text),
                                     &type, &type_len, &at, &t);

    assert_int_equal((int)type_len, (int)strlen(cases[i].type));
    assert_memory_equal(type, cases[i].type, type_len);
    assert_string_equal(cases[i].text + at, cases[i].value);
    assert_int_equal(has, cases[i].t >= 0);
    if (has)
      assert_true(t == cases[i].t);
  }
}

static void
paths_resolve_and_globs_match_as_promptfoo_means(void **state)
{
  char out[PATHGLOB_PATH_MAX];

  (void)state;
  assert_true(pathglob_resolve("a/b/config.yaml", "../d.txt", out,
                               sizeof out));
  assert_string_equal(out, "a/d.txt");
  assert_true(pathglob_resolve("/x/y/z.yaml", "../../w/./v.csv", out,
                               sizeof out));
  assert_string_equal(out, "/w/v.csv");
  assert_true(pathglob_resolve("c.yaml", "../up.txt", out, sizeof out));
  assert_string_equal(out, "../up.txt");
  assert_true(pathglob_match("tests/*.csv", "tests/a.csv"));
  assert_false(pathglob_match("tests/*.csv", "tests/sub/a.csv"));
  assert_true(pathglob_match("**/*.csv", "a/b/c.csv"));
  assert_true(pathglob_match("**/*.csv", "c.csv"));
  assert_true(pathglob_match("data/{a,b}.json", "data/b.json"));
  assert_false(pathglob_match("**/*.json", ".git/x.json"));
  assert_true(pathglob_match("/w/tests/**", "/w/tests/x/y.yaml"));
  assert_true(pathglob_literal_dir("out/run-*/r.json", out, sizeof out));
  assert_string_equal(out, "out");
}

/* Found by fuzzing: an error at the very end of the text lay past it. */
static void
junit_a_file_cut_short_is_a_finding_inside_it(void **state)
{
  static const char text[] = "<testsuites><testsuite name=\"a\">";
  struct analyze_options opts = { .format = FORMAT_JUNIT };
  struct artifact *a = artifact_analyze("r.xml", text, sizeof text - 1,
                                        &opts);

  (void)state;
  assert_int_equal(a->diags.count, 1);
  assert_string_equal(a->diags.items[0].message,
                      "the XML does not parse: no element found");
  assert_true(a->diags.items[0].span.end <= a->src.len);
  artifact_free(a);
}

/* Found by fuzzing: an empty mapping, and a prompt that reads nothing,
 * have no arrays behind them. */
static void
empty_values_and_prompts_without_variables(void **state)
{
  static const char text[] =
    "prompts: [\"Say hello.\"]\nproviders: [echo]\ntests:\n"
    "  - vars: {name: Ada}\n    assert:\n      - type: equals\n"
    "        value: {}\n";
  struct artifact *a = artifact_analyze("promptfooconfig.yaml", text,
                                        sizeof text - 1, NULL);
  struct evalgraph *g = evalgraph_new();
  struct arena arena;
  struct diag_list diags;

  (void)state;
  assert_string_equal(a->evals->asserts[0].value, "{}");
  evalgraph_set(g, "/w/promptfooconfig.yaml", a->evals);
  evalgraph_resolve(g, NULL, NULL);
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  evalgraph_diagnostics(g, "/w/promptfooconfig.yaml", NOW, &diags);
  assert_int_equal(diags.count, 1);
  assert_string_equal(diags.items[0].message,
                      "'name' is set here, but no prompt this test runs "
                      "reads it");
  diag_list_release(&diags);
  arena_release(&arena);
  evalgraph_free(g);
  artifact_free(a);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(fullfact_links_config_prompt_and_csv),
    cmocka_unit_test(fullfact_an_edited_prompt_makes_its_results_stale),
    cmocka_unit_test(
      fullfact_a_new_column_the_prompt_does_not_read_is_reported),
    cmocka_unit_test(csv_expected_values_are_trimmed_as_promptfoo_trims_them),
    cmocka_unit_test(fullfact_a_renamed_description_says_where_the_runs_are),
    cmocka_unit_test(
      support_output_path_results_match_whatever_the_description),
    cmocka_unit_test(a_csv_row_with_a_changed_variable_keeps_its_run_stale),
    cmocka_unit_test(support_lenses_show_each_tests_last_run),
    cmocka_unit_test(support_findings_span_config_prompt_and_results),
    cmocka_unit_test(
      support_an_edited_assertion_is_checked_again_on_the_recorded_output),
    cmocka_unit_test(support_a_fixed_output_is_checked_as_it_is_typed),
    cmocka_unit_test(support_an_edited_prompt_file_makes_every_run_of_it_stale),
    cmocka_unit_test(support_grade_counts_the_tests_in_other_files),
    cmocka_unit_test(a_schema_tests_check_against_is_graded_so),
    cmocka_unit_test(a_test_file_checked_by_default_test_is_an_eval),
    cmocka_unit_test(schema_files_are_read_for_the_checks_facet_runs),
    cmocka_unit_test(a_missing_schema_file_is_said_not_to_exist),
    cmocka_unit_test(gh_models_results_match_test_data_items),
    cmocka_unit_test(gh_models_an_edited_message_makes_results_stale),
    cmocka_unit_test(gh_models_grade_counts_its_own_recorded_runs),
    cmocka_unit_test(openai_registry_entries_name_their_samples),
    cmocka_unit_test(openai_entries_without_samples_are_not_tests),
    cmocka_unit_test(openai_modelgraded_specs_link_to_their_evals),
    cmocka_unit_test(promptfoo_missing_test_files_hold_no_tests),
    cmocka_unit_test(promptfoo_missing_check_files_check_nothing),
    cmocka_unit_test(promptfoo_missing_tests_and_checks_are_mended_together),
    cmocka_unit_test(junit_results_are_matched_by_description),
    cmocka_unit_test(junit_skipped_duplicates_and_padded_names),
    cmocka_unit_test(schema_refs_resolve_to_files),
    cmocka_unit_test(assertions_facet_runs_itself),
    cmocka_unit_test(assertion_values_are_rendered_from_the_test),
    cmocka_unit_test(a_config_cleared_before_resolving_is_no_test),
    cmocka_unit_test(a_results_file_rewritten_leaves_no_result_behind),
    cmocka_unit_test(a_result_without_success_takes_its_grading_pass),
    cmocka_unit_test(a_test_that_failed_and_errored_shows_both),
    cmocka_unit_test(a_results_file_that_does_not_parse_gives_no_verdicts),
    cmocka_unit_test(a_summary_replaced_drops_its_links_at_once),
    cmocka_unit_test(csv_fields_keep_their_spans),
    cmocka_unit_test(expected_cells_read_as_promptfoo_reads_them),
    cmocka_unit_test(paths_resolve_and_globs_match_as_promptfoo_means),
    cmocka_unit_test(junit_a_file_cut_short_is_a_finding_inside_it),
    cmocka_unit_test(empty_values_and_prompts_without_variables),
    cmocka_unit_test(crystallised_records_link_files_to_their_prompt),
    cmocka_unit_test(crystallised_grade_links_count_what_crystallise_made),
    cmocka_unit_test(crystallised_a_record_is_no_reference_to_follow),
    cmocka_unit_test(a_removed_file_shows_the_files_it_named_again),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
