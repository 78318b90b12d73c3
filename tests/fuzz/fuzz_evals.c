/*
 * libFuzzer target: the eval graph. The input holds three files split at
 * NUL bytes: a promptfoo config, a file of tests (the first byte picks
 * CSV, JSONL or YAML) and a results file (promptfoo JSON, gh models JSON
 * or JUnit XML, by the same byte). They are analysed as the index reads
 * them, linked with a prompt file, and every answer the graph gives is
 * asked for: findings (which must lie inside their file), lenses, test
 * hovers, grade links.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "artifact.h"
#include "diag.h"
#include "evalfile.h"
#include "evalgraph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const tests_names[] = {
  "/w/tests.csv", "/w/tests.jsonl", "/w/tests.yaml",
};
static const char *const results_names[] = {
  "/w/results.json", "/w/gh.json", "/w/junit.xml",
};
static const enum artifact_format results_formats[] = {
  FORMAT_PROMPTFOO_RESULTS, FORMAT_GITHUB_MODELS_RESULTS, FORMAT_JUNIT,
};

static const char prompt[] = "Reply to {{ message }} for a {{ plan }} user.";

static void
lens(struct span span, enum evlens_kind kind, const char *title,
     uint32_t test, const struct evresult *r, void *ctx)
{
  (void)kind;
  (void)test;
  (void)r;
  if (!title || span.end > *(const uint32_t *)ctx)
    __builtin_trap();
}

/* Analyses text as path (format may be NONE) into the graph. */
static struct artifact *
add(struct evalgraph *g, const char *path, const char *text, size_t len,
    enum artifact_format format)
{
  struct analyze_options opts = { 0 };
  struct artifact *a;

  opts.format = format;
  a = artifact_analyze(path, text, len, &opts);
  if (a && a->evals)
    evalgraph_set(g, path, a->evals);
  else
    evalgraph_add_path(g, path);
  return a;
}

static void
probe(struct evalgraph *g, const struct artifact *a)
{
  struct arena arena;
  struct diag_list diags;
  struct grade_links links;
  uint32_t len = a ? a->src.len : 0;

  if (!a)
    return;
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  evalgraph_diagnostics(g, a->path, 1767618000, &diags);
  for (size_t i = 0; i < diags.count; i++)
    if (diags.items[i].span.end > len || !diags.items[i].message)
      __builtin_trap();
  evalgraph_lenses(g, a->path, 1767618000, lens, &len);
  for (uint32_t off = 0; off < len; off += 97)
    free(evalgraph_test_hover(g, a->path, off, 1767618000, NULL, NULL));
  evalgraph_grade_links(g, a->path, 1767618000, &links);
  diag_list_release(&diags);
  arena_release(&arena);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *parts[3] = { "", "", "" };
  size_t lens[3] = { 0, 0, 0 };
  struct artifact *a[4] = { 0 };
  struct evalgraph *g;
  unsigned pick;
  size_t at = 1;

  if (size < 1)
    return 0;
  pick = data[0] % 3;
  for (int p = 0; p < 3 && at <= size; p++) {
    const uint8_t *end = memchr(data + at, 0, size - at);
    size_t n = end ? (size_t)(end - data) - at : size - at;

    parts[p] = (const char *)data + at;
    lens[p] = n;
    at += n + 1;
  }
  g = evalgraph_new();
  if (!g)
    return 0;
  a[0] = add(g, "/w/promptfooconfig.yaml", parts[0], lens[0],
             FORMAT_PROMPTFOO);
  a[1] = add(g, tests_names[pick], parts[1], lens[1],
             FORMAT_PROMPTFOO_TESTS);
  a[2] = add(g, results_names[pick], parts[2], lens[2],
             results_formats[pick]);
  a[3] = add(g, "/w/prompt.txt", prompt, sizeof prompt - 1,
             FORMAT_TEXT_PROMPT);
  evalgraph_resolve(g, NULL, NULL);
  for (int i = 0; i < 4; i++)
    probe(g, a[i]);
  evalgraph_free(g);
  for (int i = 0; i < 4; i++)
    artifact_free(a[i]);
  return 0;
}
