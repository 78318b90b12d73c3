/*
 * libFuzzer target: the whole analysis of one file. The first byte picks
 * the file name, and so the format and its checker; the rest is the text.
 * Every diagnostic must lie inside the text and have a message, and the
 * edits of its fix must lie inside the text, in order, without overlap.
 */
#include <stddef.h>
#include <stdint.h>

#include "artifact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
  "a.prompty", "a.prompt", "a.prompt.yml", ".github/prompts/a.prompt.md",
  "a.instructions.md", "a.agent.md", "SKILL.md", "promptfooconfig.yaml",
  "promptfooconfig.json", "a.schema.json", "config.json", "a.yaml",
  "a.j2", "skprompt.txt", "a.poml", "evals/registry/evals/a.yaml",
  "results.xml", "a.json", ".cursor/rules/a.mdc", "a.hbs",
};

/* Formats only a reference decides: a file of tests, samples, results. */
static const struct {
  const char *name;
  enum artifact_format format;
} forced[] = {
  { "tests.csv", FORMAT_PROMPTFOO_TESTS },
  { "tests.jsonl", FORMAT_PROMPTFOO_TESTS },
  { "tests.yaml", FORMAT_PROMPTFOO_TESTS },
  { "data/a/samples.jsonl", FORMAT_OPENAI_EVALS_SAMPLES },
  { "prompts.txt", FORMAT_TEXT_PROMPT },
  { "out.json", FORMAT_PROMPTFOO_RESULTS },
  { "gh.json", FORMAT_GITHUB_MODELS_RESULTS },
  { "junit.xml", FORMAT_JUNIT },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const size_t nnames = sizeof names / sizeof names[0];
  const size_t nforced = sizeof forced / sizeof forced[0];
  struct analyze_options opts = { 0 };
  const char *name;
  struct artifact *a;
  size_t pick;

  if (size == 0)
    return 0;
  pick = data[0] % (nnames + nforced);
  name = pick < nnames ? names[pick] : forced[pick - nnames].name;
  if (pick >= nnames)
    opts.format = forced[pick - nnames].format;
  a = artifact_analyze(name, (const char *)data + 1, size - 1, &opts);
  if (!a)
    return 0;
  for (size_t i = 0; i < a->diags.count; i++) {
    const struct diagnostic *d = &a->diags.items[i];
    uint32_t at = 0;

    if (d->span.end > a->src.len || d->span.start > d->span.end ||
        !d->message)
      __builtin_trap();
    for (uint32_t k = 0; d->fix && k < d->fix->count; k++) {
      struct span e = d->fix->edits[k].span;

      if (e.start < at || e.end < e.start || e.end > a->src.len ||
          !d->fix->edits[k].text)
        __builtin_trap();
      at = e.end;
    }
  }
  artifact_free(a);
  return 0;
}
