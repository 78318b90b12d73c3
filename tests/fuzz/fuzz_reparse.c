/*
 * libFuzzer target: YAML re-parse after an edit (yaml_reparse) against a
 * full parse of the edited text; any difference in the tree or the
 * parser's findings traps. Input: two bytes of edit offset, one of bytes
 * deleted, one of bytes inserted (taken from the input's end), then the
 * text.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "tree.h"
#include "yaml_doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz__same_tree(const struct node *x, const struct node *y)
{
  uint32_t slots;

  if (!x || !y) {
    if (x != y)
      __builtin_trap();
    return;
  }
  if (x->kind != y->kind || x->type != y->type || x->flags != y->flags ||
      x->count != y->count || x->span.start != y->span.start ||
      x->span.end != y->span.end)
    __builtin_trap();
  if (x->kind == NODE_SCALAR) {
    if (x->u.scalar.len != y->u.scalar.len ||
        memcmp(x->u.scalar.str, y->u.scalar.str, x->u.scalar.len) != 0)
      __builtin_trap();
    return;
  }
  if (x->kind == NODE_ALIAS) {
    if (x->u.target->span.start != y->u.target->span.start)
      __builtin_trap();
    return;
  }
  slots = x->kind == NODE_MAP ? 2 * x->count : x->count;
  for (uint32_t i = 0; i < slots; i++)
    fuzz__same_tree(x->u.items[i], y->u.items[i]);
}

/* The same findings, in any order: each of x's is among y's. */
static void
fuzz__same_diags(const struct diag_list *x, const struct diag_list *y)
{
  if (x->count != y->count)
    __builtin_trap();
  for (size_t i = 0; i < x->count; i++) {
    size_t j = 0;

    while (j < y->count &&
           (x->items[i].span.start != y->items[j].span.start ||
            x->items[i].span.end != y->items[j].span.end ||
            x->items[i].code != y->items[j].code ||
            strcmp(x->items[i].message, y->items[j].message) != 0))
      j++;
    if (j == y->count)
      __builtin_trap();
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct arena arena;
  struct source old_src, new_src;
  struct diag_list old_diags, inc_diags, full_diags;
  struct node *old_root, *inc_root, *full_root;
  struct yaml_doc *old_doc, *inc_doc, *full_doc;
  struct text_change change;
  size_t ins, del, at, len;
  char *old_text, *new_text;

  if (size < 4)
    return 0;
  ins = data[3] % 32 < size - 4 ? data[3] % 32 : 0;
  len = size - 4 - ins;
  at = ((size_t)data[0] | (size_t)data[1] << 8) % (len + 1);
  del = data[2] % 32 < len - at ? data[2] % 32 : len - at;
  old_text = malloc(len + 1);
  new_text = malloc(len - del + ins + 1);
  memcpy(old_text, data + 4, len);
  old_text[len] = '\0';
  memcpy(new_text, old_text, at);
  memcpy(new_text + at, data + size - ins, ins);
  memcpy(new_text + at + ins, old_text + at + del, len - at - del);
  new_text[len - del + ins] = '\0';
  change.start = (uint32_t)at;
  change.old_end = (uint32_t)(at + del);
  change.new_end = (uint32_t)(at + ins);

  arena_init(&arena, 0);
  diag_list_init(&old_diags, &arena);
  diag_list_init(&inc_diags, &arena);
  diag_list_init(&full_diags, &arena);
  source_init(&old_src, old_text, len);
  source_init(&new_src, new_text, len - del + ins);
  yaml_parse_doc(&arena, &old_src, &old_diags, &old_root, &old_doc);
  if (old_doc && yaml_reparse(&arena, &new_src, old_doc, &old_src, change,
                              &inc_diags, &inc_root, &inc_doc) == 0) {
    yaml_parse_doc(&arena, &new_src, &full_diags, &full_root, &full_doc);
    fuzz__same_tree(inc_root, full_root);
    fuzz__same_diags(&inc_diags, &full_diags);
    if (!full_doc || !full_doc->reusable)
      __builtin_trap();
  }
  diag_list_release(&old_diags);
  diag_list_release(&inc_diags);
  diag_list_release(&full_diags);
  source_release(&old_src);
  source_release(&new_src);
  arena_release(&arena);
  free(old_text);
  free(new_text);
  return 0;
}
