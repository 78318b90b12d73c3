/* libFuzzer target: the Markdown outline of a prompt body. */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "ts_tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct source src;
  struct arena arena;
  struct md_outline outline;

  if (source_init(&src, (const char *)data, size))
    return 0;
  arena_init(&arena, 0);
  markdown_outline(&arena, &src, span_make(0, src.len), &outline);
  for (uint32_t i = 0; i < outline.nliterals; i++)
    if (outline.literals[i].end > src.len)
      __builtin_trap();
  arena_release(&arena);
  source_release(&src);
  return 0;
}
