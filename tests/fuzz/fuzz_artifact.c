/*
 * libFuzzer target: the whole analysis of one file. The first byte picks
 * the file name, and so the format and its checker; the rest is the text.
 * Every diagnostic must lie inside the text and have a message.
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
  for (size_t i = 0; i < a->diags.count; i++)
    if (a->diags.items[i].span.end > a->src.len ||
        a->diags.items[i].span.start > a->diags.items[i].span.end ||
        !a->diags.items[i].message)
      __builtin_trap();
  artifact_free(a);
  return 0;
}
