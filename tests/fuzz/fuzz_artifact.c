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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct artifact *a;

  if (size == 0)
    return 0;
  a = artifact_analyze(names[data[0] % (sizeof names / sizeof names[0])],
                       (const char *)data + 1, size - 1, NULL);
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
