#include "navigate.h"

#include <ctype.h>
#include <string.h>

#include "artifact.h"
#include "template.h"

static bool
navigate__hit(struct span s, uint32_t off)
{
  return off >= s.start && off <= s.end;
}

bool
navigate_at(const struct artifact *a, uint32_t off, struct nav_target *out)
{
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < a->nuses; i++) {
    if (!navigate__hit(a->uses[i].span, off))
      continue;
    out->var = &a->vars[a->uses[i].var];
    out->name = out->var->name;
    out->span = a->uses[i].span;
    out->decl = artifact_input(a, out->name);
    return true;
  }
  for (size_t i = 0; i < a->nsites; i++) {
    if (!navigate__hit(a->sites[i].span, off))
      continue;
    out->decl = &a->inputs[a->sites[i].input];
    out->name = out->decl->name;
    out->span = a->sites[i].span;
    out->var = template_var(a, out->name);
    return true;
  }
  return false;
}

void
navigate_each(const struct artifact *a, const char *name, bool with_decl,
              void (*fn)(struct span span, bool decl, void *ctx), void *ctx)
{
  const struct input_decl *d = artifact_input(a, name);
  const struct template_var *v = template_var(a, name);

  for (size_t i = 0; with_decl && d && i < a->nsites; i++)
    if (&a->inputs[a->sites[i].input] == d)
      fn(a->sites[i].span, true, ctx);
  for (size_t i = 0; v && i < a->nuses; i++)
    if (&a->vars[a->uses[i].var] == v)
      fn(a->uses[i].span, false, ctx);
}

bool
navigate_valid_name(const char *name)
{
  if (!name || !(isalpha((unsigned char)name[0]) || name[0] == '_'))
    return false;
  for (const char *p = name; *p; p++)
    if (!(isalnum((unsigned char)*p) || *p == '_'))
      return false;
  return true;
}
