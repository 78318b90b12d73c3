#include "navigate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "artifact.h"
#include "evalfile.h"
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

/* A name is a Python 3 identifier, which every dialect reads whole. */
bool
navigate_valid_name(const char *name)
{
  return template_python_name(name);
}

/* The template language names in a are read by: a promptfoo config's
 * prompts are Nunjucks, read as Jinja. */
static enum template_dialect
navigate__dialect(const struct artifact *a)
{
  if (a->dialect != TEMPLATE_NONE)
    return (enum template_dialect)a->dialect;
  return a->format == FORMAT_PROMPTFOO ? TEMPLATE_JINJA : TEMPLATE_NONE;
}

/* Whether the test of a's eval file that sets old also sets name. */
static bool
navigate__test_sets_both(const struct artifact *a, const char *old,
                         const char *name)
{
  const struct evalfile *f = a->evals;

  for (size_t t = 0; f && t < f->ntests; t++) {
    bool has_old = false;
    bool has_new = false;

    for (uint32_t v = f->tests[t].var0;
         v < f->tests[t].var0 + f->tests[t].nvars && v < f->nvars; v++) {
      has_old |= strcmp(f->vars[v].name, old) == 0;
      has_new |= strcmp(f->vars[v].name, name) == 0;
    }
    if (has_old && has_new)
      return true;
  }
  return false;
}

bool
navigate_rename_refused(const struct artifact *a, const char *old,
                        const char *name, char *why, size_t size)
{
  const char *what = template_reserved(navigate__dialect(a), name);
  size_t len = strlen(name);

  if (strcmp(old, name) == 0)
    return false;
  if (what) {
    snprintf(why, size, "'%s' is %s, so no variable can be named so", name,
             what);
    return true;
  }
  if (template_var(a, name) || artifact_input(a, name) ||
      navigate__test_sets_both(a, old, name)) {
    snprintf(why, size, "'%s' is already a variable here: renaming '%s' to "
             "it would merge the two into one", name, old);
    return true;
  }
  for (size_t i = 0; i < a->nbinds; i++)
    if (a->binds[i].end - a->binds[i].start == len &&
        memcmp(a->src.text + a->binds[i].start, name, len) == 0) {
      snprintf(why, size, "'%s' is a name the template binds itself (a loop "
               "variable or a set): where both are seen, '%s' renamed to it "
               "would read that instead", name, old);
      return true;
    }
  return false;
}

const char *
navigate_reserved_at(const struct artifact *a, uint32_t off, char *word,
                     size_t size)
{
  const char *s = a->src.text;
  uint32_t start = off;
  uint32_t end = off;

  while (start > 0 && (isalnum((unsigned char)s[start - 1]) ||
                       s[start - 1] == '_'))
    start--;
  while (end < a->src.len && (isalnum((unsigned char)s[end]) ||
                              s[end] == '_'))
    end++;
  if (end == start || end - start >= size)
    return NULL;
  memcpy(word, s + start, end - start);
  word[end - start] = '\0';
  return template_reserved(navigate__dialect(a), word);
}
