/*
 * libFuzzer target: crystallise on any prompt text. The first byte picks
 * the prompt's format (by its file name) and the target, the second where
 * the selection starts (or the paragraph at it); the rest is the prompt.
 * Whatever the text, an action either makes files and edits that lie in
 * the prompt (each change's span inside the text it edits) or says why
 * not; the same request made twice gives the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "artifact.h"
#include "crystal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {
  "prompts/a.prompty", "prompts/a.prompt", "prompts/a.prompt.yml",
  ".github/prompts/a.prompt.md", "prompts/a.j2", "prompts/a.txt",
  "skprompt.txt", "prompts/a.poml",
};

static void
fuzz__check(const struct crystal_edit *e, const struct artifact *a)
{
  if (!e->made) {
    if (!e->why)
      __builtin_trap();
    return;
  }
  if (!e->title || e->fragment.end > a->src.len ||
      e->fragment.start > e->fragment.end)
    __builtin_trap();
  for (size_t i = 0; i < e->nfiles; i++)
    if (!e->files[i].path || !e->files[i].text)
      __builtin_trap();
  for (size_t i = 0; i < e->nchanges; i++)
    if (!e->changes[i].path || !e->changes[i].text ||
        e->changes[i].span.start > e->changes[i].span.end ||
        (strcmp(e->changes[i].path, a->path) == 0 &&
         e->changes[i].span.end > a->src.len))
      __builtin_trap();
}

static bool
fuzz__same(const struct crystal_edit *x, const struct crystal_edit *y)
{
  if (x->made != y->made || x->nfiles != y->nfiles ||
      x->nchanges != y->nchanges)
    return false;
  for (size_t i = 0; i < x->nfiles; i++)
    if (strcmp(x->files[i].text, y->files[i].text) != 0)
      return false;
  for (size_t i = 0; i < x->nchanges; i++)
    if (strcmp(x->changes[i].text, y->changes[i].text) != 0)
      return false;
  return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct crystal_request req = { 0 };
  struct crystal_edit one;
  struct crystal_edit two;
  struct artifact *a;
  const char *path;
  uint32_t at;

  if (size < 2)
    return 0;
  path = names[data[0] % (sizeof names / sizeof *names)];
  a = artifact_analyze(path, (const char *)data + 2, size - 2, NULL);
  if (!a)
    return 0;
  at = a->src.len ? data[1] % (a->src.len + 1) : 0;
  req.prompt = a;
  req.prompt_path = path;
  req.selection = (data[1] & 1) ? span_make(at, a->src.len)
                                : span_make(at, at);
  req.target = (enum crystal_target)((data[0] / 8) % CRYSTAL__COUNT);
  req.lang = (data[0] & 0x80) ? CRYSTAL_TYPESCRIPT : CRYSTAL_PYTHON;
  crystal_edit_init(&one);
  crystal_edit_init(&two);
  if (crystal_make(&req, &one) == 0 && crystal_make(&req, &two) == 0) {
    fuzz__check(&one, a);
    if (!fuzz__same(&one, &two))
      __builtin_trap();
  }
  crystal_edit_release(&one);
  crystal_edit_release(&two);
  artifact_free(a);
  return 0;
}
