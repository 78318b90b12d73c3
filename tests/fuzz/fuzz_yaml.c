/* libFuzzer target: YAML to node tree, libyaml and the tree-sitter rescue. */
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "tree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct source src;
  struct arena arena;
  struct diag_list diags;
  struct node *root = NULL;

  if (source_init(&src, (const char *)data, size))
    return 0;
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  yaml_parse(&arena, &src, span_make(0, src.len), &diags, &root);
  for (size_t i = 0; i < diags.count; i++)
    if (diags.items[i].span.end > src.len ||
        diags.items[i].span.start > diags.items[i].span.end)
      __builtin_trap();
  diag_list_release(&diags);
  arena_release(&arena);
  source_release(&src);
  return 0;
}
