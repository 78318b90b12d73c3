#include "template.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "artifact.h"
#include "error.h"

/* Distinct variables one template may declare; more is not a prompt. */
#define TEMPLATE_VARS_MAX 4096

/* Names a Jinja expression reads that are not the caller's inputs. */
static const char *const template__jinja_reserved[] = {
  "and", "or", "not", "in", "is", "if", "else", "true", "false", "none",
  "True", "False", "None", "loop", "self", "range", "dict", "lipsum",
  "cycler", "joiner", "namespace", "caller", "varargs", "kwargs", NULL,
};

/* Dotprompt's helpers and Handlebars' built-ins. */
static const char *const template__hbs_reserved[] = {
  "if", "unless", "each", "with", "else", "this", "log", "lookup", "role",
  "history", "media", "section", "json", "ifEquals", "unlessEquals", NULL,
};

struct template_scan {
  struct artifact *a;
  const char *text;
  const struct span *skip;
  size_t nskip;
  char **locals;       /* Jinja names bound by for, set and macro */
  size_t nlocals;
  uint64_t blocks;     /* Handlebars: which open blocks change the context */
  int nblocks;
  int scope;           /* open blocks that changed it: names are fields */
  int rc;
};

/* Deeper block nesting is not tracked; names there count as inputs. */
#define TEMPLATE_BLOCKS_MAX 64

static bool
template__listed(const char *const *list, const char *s, size_t n)
{
  for (; *list; list++)
    if (strlen(*list) == n && memcmp(*list, s, n) == 0)
      return true;
  return false;
}

static bool
template__local(const struct template_scan *t, const char *s, size_t n)
{
  for (size_t i = 0; i < t->nlocals; i++)
    if (strlen(t->locals[i]) == n && memcmp(t->locals[i], s, n) == 0)
      return true;
  return false;
}

static void
template__bind(struct template_scan *t, const char *s, size_t n)
{
  char **v;

  if (t->nlocals % 16 == 0) {
    v = realloc(t->locals, (t->nlocals + 16) * sizeof *v);
    if (!v) {
      t->rc = FACET_ENOMEM;
      return;
    }
    t->locals = v;
  }
  t->locals[t->nlocals] = arena_strndup(&t->a->arena, s, n);
  if (t->locals[t->nlocals])
    t->nlocals++;
}

static void
template__use(struct template_scan *t, uint32_t at, size_t n)
{
  struct artifact *a = t->a;
  const char *s = t->text + at;
  struct template_var *v;

  if (template__local(t, s, n) || t->scope > 0)
    return;
  for (size_t i = 0; i < a->nvars; i++)
    if (strlen(a->vars[i].name) == n && memcmp(a->vars[i].name, s, n) == 0)
      return;
  if (a->nvars == TEMPLATE_VARS_MAX)
    return;
  if (a->nvars % 32 == 0) {
    v = arena_alloc(&a->arena, (a->nvars + 32) * sizeof *v);
    if (!v) {
      t->rc = FACET_ENOMEM;
      return;
    }
    if (a->nvars)
      memcpy(v, a->vars, a->nvars * sizeof *v);
    a->vars = v;
  }
  a->vars[a->nvars].name = arena_strndup(&a->arena, s, n);
  a->vars[a->nvars].span = span_make(at, at + (uint32_t)n);
  if (a->vars[a->nvars].name)
    a->nvars++;
}

static bool
template__ident_start(char c)
{
  return isalpha((unsigned char)c) || c == '_';
}

static size_t
template__ident_len(const char *s, size_t max, bool dashes)
{
  size_t n = 0;

  while (n < max && (isalnum((unsigned char)s[n]) || s[n] == '_' ||
                     (dashes && s[n] == '-')))
    n++;
  return n;
}

/* The skip range that holds offset, if any. */
static const struct span *
template__skipped(const struct template_scan *t, uint32_t at)
{
  for (size_t i = 0; i < t->nskip; i++)
    if (at >= t->skip[i].start && at < t->skip[i].end)
      return &t->skip[i];
  return NULL;
}

static uint32_t
template__skip_space(const char *s, uint32_t i, uint32_t end)
{
  while (i < end && isspace((unsigned char)s[i]))
    i++;
  return i;
}

/* The previous non-blank character before i, or '\0'. */
static char
template__before(const char *s, uint32_t start, uint32_t i)
{
  while (i > start && isspace((unsigned char)s[i - 1]))
    i--;
  return i > start ? s[i - 1] : '\0';
}

/* Reads the variables of a Jinja expression in [i, end). */
static void
template__jinja_expr(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;
  uint32_t start = i;
  bool after_is = false;

  while (i < end && t->rc == 0) {
    char c = s[i];
    char before;
    size_t n;

    if (c == '"' || c == '\'') {
      for (i++; i < end && s[i] != c; i++)
        if (s[i] == '\\')
          i++;
      i++;
      continue;
    }
    if (!template__ident_start(c) ||
        (i > start && (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_'))) {
      i++;
      continue;
    }
    n = template__ident_len(s + i, end - i, false);
    before = template__before(s, start, i);
    /* strchr finds the terminating NUL too: test it apart. */
    if (!after_is && (before == '\0' || !strchr(".|", before)) &&
        s[template__skip_space(s, i + (uint32_t)n, end)] != '(' &&
        !template__listed(template__jinja_reserved, s + i, n))
      template__use(t, i, n);
    after_is = (n == 2 && memcmp(s + i, "is", 2) == 0) ||
               (after_is && n == 3 && memcmp(s + i, "not", 3) == 0);
    i += (uint32_t)n;
  }
}

/* Binds the comma-separated names in [i, end) as template locals. */
static void
template__jinja_bind(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;

  while (i < end) {
    size_t n;

    if (!template__ident_start(s[i])) {
      i++;
      continue;
    }
    n = template__ident_len(s + i, end - i, false);
    template__bind(t, s + i, n);
    i += (uint32_t)n;
  }
}

/* Finds word (a whole identifier) in [i, end); end if absent. */
static uint32_t
template__find_word(const char *s, uint32_t i, uint32_t end, const char *word)
{
  size_t n = strlen(word);

  for (; i + n <= end; i++)
    if (memcmp(s + i, word, n) == 0 &&
        (i == 0 || !isalnum((unsigned char)s[i - 1])) &&
        (i + n == end || !isalnum((unsigned char)s[i + n])))
      return i;
  return end;
}

/* A {% statement %}: binds what it defines and reads what it uses. */
static void
template__jinja_stmt(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;
  size_t n = template__ident_len(s + i, end - i, false);
  const char *tag = s + i;
  uint32_t at;

  i += (uint32_t)n;
  if ((n == 2 && memcmp(tag, "if", 2) == 0) ||
      (n == 4 && memcmp(tag, "elif", 4) == 0)) {
    template__jinja_expr(t, i, end);
  } else if (n == 3 && memcmp(tag, "for", 3) == 0) {
    at = template__find_word(s, i, end, "in");
    template__jinja_bind(t, i, at);
    if (at < end)
      template__jinja_expr(t, at + 2, template__find_word(s, at, end, "if"));
  } else if ((n == 3 && memcmp(tag, "set", 3) == 0) ||
             (n == 4 && memcmp(tag, "with", 4) == 0)) {
    at = i;
    while (at < end && s[at] != '=')
      at++;
    template__jinja_bind(t, i, at);
    if (at < end)
      template__jinja_expr(t, at + 1, end);
  } else if (n == 5 && memcmp(tag, "macro", 5) == 0) {
    template__jinja_bind(t, i, end);
  }
}

/* The end of a Jinja raw block that starts after i, or end. */
static uint32_t
template__raw_end(const char *s, uint32_t i, uint32_t end)
{
  while ((i = template__find_word(s, i, end, "endraw")) < end) {
    const char *close = memmem(s + i, end - i, "%}", 2);

    if (close)
      return (uint32_t)(close - s) + 2;
    i += 6;
  }
  return end;
}

/* The next "{" at or after i outside skipped ranges, or end. */
static uint32_t
template__next_brace(const struct template_scan *t, uint32_t i, uint32_t end)
{
  for (;;) {
    const struct span *sk;
    const char *p;

    if (i >= end)
      return end;  /* a tag's close can end past the scanned text */
    p = memchr(t->text + i, '{', end - i);
    if (!p)
      return end;
    i = (uint32_t)(p - t->text);
    sk = template__skipped(t, i);
    if (!sk)
      return i;
    i = sk->end;
    if (i >= end)
      return end;
  }
}

static void
template__jinja(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;

  while ((i = template__next_brace(t, i, end)) + 1 < end && t->rc == 0) {
    char kind = s[i + 1];
    const char *close;
    uint32_t a;
    uint32_t b;

    if (kind != '{' && kind != '%' && kind != '#') {
      i++;
      continue;
    }
    close = memmem(s + i + 2, end - i - 2, kind == '{' ? "}}" :
                   kind == '%' ? "%}" : "#}", 2);
    if (!close)
      return;
    a = i + 2;
    b = (uint32_t)(close - s);
    if (a < b && (s[a] == '-' || s[a] == '+'))
      a++;
    if (b > a && (s[b - 1] == '-' || s[b - 1] == '+'))
      b--;
    a = template__skip_space(s, a, b);
    i = b + 2;
    if (kind == '{')
      template__jinja_expr(t, a, b);
    else if (kind == '%' && b - a >= 3 && memcmp(s + a, "raw", 3) == 0 &&
             template__ident_len(s + a, b - a, false) == 3)
      i = template__raw_end(s, i, end);
    else if (kind == '%')
      template__jinja_stmt(t, a, b);
  }
}

/* Reads a dotted path's root name at i, unless it is data or a literal. */
static void
template__hbs_path(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;
  size_t n;

  while (i + 3 <= end && memcmp(s + i, "../", 3) == 0)
    i += 3;
  if (i >= end || !template__ident_start(s[i]))
    return;
  n = template__ident_len(s + i, end - i, true);
  if (!template__listed(template__hbs_reserved, s + i, n))
    template__use(t, i, n);
}

/*
 * Inside {{#each xs}} or {{#with x}} (any section, in Mustache) names are
 * fields of the current item, not the template's inputs: track which open
 * blocks change the context. The block's own argument is read outside it.
 */
static void
template__block_open(struct template_scan *t, bool changes_context)
{
  if (t->nblocks < TEMPLATE_BLOCKS_MAX && changes_context)
    t->blocks |= (uint64_t)1 << t->nblocks;
  else if (t->nblocks < TEMPLATE_BLOCKS_MAX)
    t->blocks &= ~((uint64_t)1 << t->nblocks);
  t->nblocks++;
  t->scope += changes_context;
}

static void
template__block_close(struct template_scan *t)
{
  if (t->nblocks == 0)
    return;
  t->nblocks--;
  if (t->nblocks < TEMPLATE_BLOCKS_MAX &&
      (t->blocks & ((uint64_t)1 << t->nblocks)))
    t->scope--;
}

static bool
template__changes_context(const char *s, uint32_t a, uint32_t b,
                          bool mustache, char sigil)
{
  size_t n = template__ident_len(s + a, b - a, true);

  if (mustache)
    return sigil == '#';
  return (n == 4 && memcmp(s + a, "each", 4) == 0) ||
         (n == 4 && memcmp(s + a, "with", 4) == 0);
}

/*
 * Reads a tag's sigils: "~" whitespace control, "/" closing a block, "!"
 * a comment, ">" a partial, "#" or "^" opening one, "&" unescaped. Returns
 * where the tag's words start, or b when there is nothing to read.
 */
static uint32_t
template__hbs_sigils(struct template_scan *t, uint32_t a, uint32_t b,
                     bool mustache, bool *opens, bool *changes)
{
  const char *s = t->text;

  a = template__skip_space(s, a, b);
  if (a < b && s[a] == '~')
    a = template__skip_space(s, a + 1, b);
  if (a < b && s[a] == '/')
    template__block_close(t);
  if (a < b && strchr("!>/", s[a]))
    return b;
  if (a < b && (s[a] == '#' || s[a] == '^')) {
    *opens = true;
    *changes = template__changes_context(
      s, template__skip_space(s, a + 1, b), b, mustache, s[a]);
  }
  if (a < b && strchr("#^&", s[a]))
    a = template__skip_space(s, a + 1, b);
  return a;
}

/* The inside of a Handlebars or Mustache tag, between the braces. */
static void
template__hbs_tag(struct template_scan *t, uint32_t a, uint32_t b,
                  bool mustache)
{
  const char *s = t->text;
  bool first = true;
  bool helper = false;
  bool opens = false;
  bool changes = false;

  a = template__hbs_sigils(t, a, b, mustache, &opens, &changes);
  while (a < b && t->rc == 0) {
    size_t n;

    if (s[a] == '"' || s[a] == '\'') {
      char q = s[a];

      for (a++; a < b && s[a] != q; a++)
        ;
      a++;
      continue;
    }
    if (s[a] == '@') {
      /* @root, @index, @state...: data variables, not inputs. */
      a++;
      while (a < b && (s[a] == '.' || s[a] == '_' || s[a] == '-' ||
                       isalnum((unsigned char)s[a])))
        a++;
      first = false;
      continue;
    }
    if (!template__ident_start(s[a]) && s[a] != '.') {
      a++;
      continue;
    }
    n = template__ident_len(s + a, b - a, true);
    if (first) {
      helper = !mustache && template__listed(template__hbs_reserved, s + a, n);
      if (!helper)
        template__hbs_path(t, a, b);
    } else if (helper &&
               s[template__skip_space(s, a + (uint32_t)n, b)] != '=') {
      template__hbs_path(t, a, b);  /* a helper's argument, not key=value */
    }
    first = false;
    a += (uint32_t)(n ? n : 1);
    while (a < b && (s[a] == '.' || isalnum((unsigned char)s[a]) ||
                     s[a] == '_' || s[a] == '-'))
      a++;
  }
  if (opens)
    template__block_open(t, changes);
}

static void
template__handlebars(struct template_scan *t, uint32_t i, uint32_t end,
                     bool mustache)
{
  const char *s = t->text;

  while ((i = template__next_brace(t, i, end)) + 1 < end && t->rc == 0) {
    bool triple;
    const char *close;

    if (s[i + 1] != '{' || (!mustache && i > 0 && s[i - 1] == '\\')) {
      i += 2;
      continue;
    }
    triple = i + 2 < end && s[i + 2] == '{';
    close = memmem(s + i + 2, end - i - 2, "}}", 2);
    if (!close)
      return;
    template__hbs_tag(t, i + (triple ? 3 : 2), (uint32_t)(close - s),
                      mustache);
    i = (uint32_t)(close - s) + (triple ? 3 : 2);
  }
}

/* ${input:name} and ${input:name:placeholder}; built-ins are not inputs. */
static void
template__vscode(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;

  while (i + 8 < end && t->rc == 0) {
    const char *p = memmem(s + i, end - i, "${input:", 8);
    uint32_t at;

    if (!p)
      return;
    at = (uint32_t)(p - s) + 8;
    i = at;
    if (template__skipped(t, at))
      continue;
    template__use(t, at, template__ident_len(s + at, end - at, true));
  }
}

/* Python str.format fields {name}; doubled braces are literal. */
static void
template__fstring(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;

  while ((i = template__next_brace(t, i, end)) + 1 < end && t->rc == 0) {
    if (s[i + 1] == '{') {
      i += 2;
      continue;
    }
    i++;
    if (template__ident_start(s[i]))
      template__use(t, i, template__ident_len(s + i, end - i, false));
  }
}

/* Semantic Kernel: {{$name}}, also as function arguments. */
static void
template__sk(struct template_scan *t, uint32_t i, uint32_t end)
{
  const char *s = t->text;

  while ((i = template__next_brace(t, i, end)) + 1 < end && t->rc == 0) {
    const char *close;

    if (s[i + 1] != '{') {
      i++;
      continue;
    }
    close = memmem(s + i + 2, end - i - 2, "}}", 2);
    if (!close)
      return;
    for (uint32_t a = i + 2; a < (uint32_t)(close - s); a++)
      if (s[a] == '$' && template__ident_start(s[a + 1]))
        template__use(t, a + 1, template__ident_len(s + a + 1,
                                                    (uint32_t)(close - s) -
                                                      a - 1, false));
    i = (uint32_t)(close - s) + 2;
  }
}

int
template_scan(struct artifact *a, enum template_dialect dialect,
              struct span span, const struct span *skip, size_t nskip)
{
  struct template_scan t = { .a = a, .text = a->src.text, .skip = skip,
                            .nskip = nskip };

  switch (dialect) {
  case TEMPLATE_JINJA:
    template__jinja(&t, span.start, span.end);
    break;
  case TEMPLATE_HANDLEBARS:
  case TEMPLATE_MUSTACHE:
    template__handlebars(&t, span.start, span.end,
                         dialect == TEMPLATE_MUSTACHE);
    break;
  case TEMPLATE_VSCODE:
    template__vscode(&t, span.start, span.end);
    break;
  case TEMPLATE_FSTRING:
    template__fstring(&t, span.start, span.end);
    break;
  case TEMPLATE_SK:
    template__sk(&t, span.start, span.end);
    break;
  case TEMPLATE_NONE:
    break;
  }
  free(t.locals);
  return t.rc;
}

int
template_uses(const struct artifact *a, const char *name)
{
  for (size_t i = 0; i < a->nvars; i++)
    if (strcmp(a->vars[i].name, name) == 0)
      return 1;
  return 0;
}
