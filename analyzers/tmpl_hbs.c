/*
 * Handlebars (Dotprompt) and Mustache templates. Dotprompt compiles with
 * knownHelpersOnly, so a helper that neither Handlebars nor Dotprompt
 * registers is a compile error, and is reported as one. Inside blocks that
 * change the context ({{#each}}, {{#with}}, any Mustache section) names
 * refer to the current item, not to the template's inputs.
 */
#include <string.h>

#include "arena.h"
#include "artifact.h"
#include "template_internal.h"
#include "utf8.h"

/* Names as Handlebars spells them. */
static inline bool
hbs__id_start(const char *s, uint32_t i, uint32_t end)
{
  return tmpl_ident_start(s, i, end, TMPL_NAMES_HBS);
}

static inline uint32_t
hbs__id_len(const char *s, uint32_t i, uint32_t end)
{
  return tmpl_ident_len(s, i, end, TMPL_NAMES_HBS);
}

/* Helpers Handlebars builds in and Dotprompt registers. */
static const char *const hbs__helpers[] = {
  "if", "unless", "each", "with", "log", "lookup", "role", "history",
  "media", "section", "json", "ifEquals", "unlessEquals", NULL,
};

/* Of those, the ones that take a block. */
static const char *const hbs__block_helpers[] = {
  "if", "unless", "each", "with", "role", "section", "ifEquals",
  "unlessEquals", NULL,
};

/* Literals, not names. */
static const char *const hbs__literals[] = {
  "true", "false", "null", "undefined", "this", NULL,
};

static bool
hbs__listed(const char *const *list, const char *s, uint32_t n)
{
  for (; *list; list++)
    if (strlen(*list) == n && memcmp(*list, s, n) == 0)
      return true;
  return false;
}

/* The length of the path character at s[i], or 0: past ASCII, any
 * character but white space is one (Handlebars' ID). */
static uint32_t
hbs__path_char(const char *s, uint32_t i, uint32_t end)
{
  char c = s[i];

  if ((unsigned char)c >= 0x80)
    return tmpl_uchar(s, i, end, TMPL_NAMES_HBS, false);
  return hbs__id_start(s, i, end) || (c >= '0' && c <= '9') ||
         c == '.' || c == '-' || c == '/' || c == '@';
}

/* A path's root as an input use: "a.b" reads a; "@root.a" reads a;
 * other "@data", "this" and literals read nothing. */
static void
hbs__path(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;
  int saved = t->context;

  if (end - i > 6 && memcmp(s + i, "@root.", 6) == 0) {
    t->context = 0;  /* @root reaches the inputs from any depth */
    tmpl_use(t, i + 6, hbs__id_len(s, i + 6, end), false);
    t->context = saved;
    return;
  }
  while (end - i >= 3 && memcmp(s + i, "../", 3) == 0)
    i += 3;
  if (!hbs__id_start(s, i, end) ||
      hbs__listed(hbs__literals, s + i, hbs__id_len(s, i, end)))
    return;
  tmpl_use(t, i, hbs__id_len(s, i, end), false);
}

/* The end of the token at i: a path, a string, or one character. */
static uint32_t
hbs__token_end(const char *s, uint32_t i, uint32_t end)
{
  if (s[i] == '"' || s[i] == '\'') {
    char q = s[i];

    for (i++; i < end && s[i] != q; i++)
      ;
    return i < end ? i + 1 : end;
  }
  if (!hbs__path_char(s, i, end)) {
    uint32_t cp;

    return i + (uint32_t)utf8_decode(s + i, end - i, &cp);
  }
  for (uint32_t n; i < end && (n = hbs__path_char(s, i, end)) > 0;)
    i += n;
  return i;
}

static void
hbs__unknown_helper(struct tmpl *t, uint32_t i, uint32_t n, bool block)
{
  if (t->any_helper)
    return;
  tmpl_report(t, DIAG_TEMPLATE_UNKNOWN_TAG, span_make(i, i + n),
              "'%.*s' is not a Dotprompt %shelper: unless your code "
              "registers it, Dotprompt refuses the template (it knows if, "
              "unless, each, with, role, history, media, section, json, "
              "ifEquals, unlessEquals, log, lookup)", (int)n, t->s + i,
              block ? "block " : "");
}

/* Arguments of a helper in [i, b): paths are uses; key=value keys, strings
 * and numbers are not; "(helper ...)" subexpressions name a helper. */
static void
hbs__args(struct tmpl *t, uint32_t i, uint32_t b, bool mustache)
{
  const char *s = t->s;
  bool helper_next = false;

  while (i < b) {
    uint32_t next;

    i = tmpl_skip_space(s, i, b);
    if (i >= b)
      break;
    next = hbs__token_end(s, i, b);
    if (s[i] == '(') {
      helper_next = true;
    } else if (helper_next && hbs__id_start(s, i, b)) {
      if (!mustache && !hbs__listed(hbs__helpers, s + i, next - i))
        hbs__unknown_helper(t, i, next - i, false);
      helper_next = false;
    } else if (next < b && s[next] == '=') {
      next++;  /* a hash argument's key */
    } else if (s[i] != '"' && s[i] != '\'' && !(s[i] >= '0' && s[i] <= '9')
               && s[i] != '-' && s[i] != ')') {
      hbs__path(t, i, next);
    }
    i = next;
  }
}

/* {{#each xs}}: xs is what the loop iterates over. */
static void
hbs__iterated(struct tmpl *t, uint32_t i, uint32_t b)
{
  const char *s = t->s;
  uint32_t end;

  i = tmpl_skip_space(s, i, b);
  end = i < b ? hbs__token_end(s, i, b) : i;
  if (i < b && s[i] == '(')
    hbs__args(t, i, b, false);  /* "(helper x)": x is read, not iterated */
  else if (hbs__id_start(s, i, b) &&
      !hbs__listed(hbs__literals, s + i, hbs__id_len(s, i, end)))
    tmpl_use(t, i, hbs__id_len(s, i, end), true);
  else if (i < b)
    hbs__path(t, i, end);
}

/* Whether a block named name (n bytes) is open anywhere. */
static bool
hbs__open_anywhere(const struct tmpl *t, const char *name, uint32_t n)
{
  for (int d = 0; d < t->depth; d++) {
    const char *open = t->a->blocks[t->open[d].block].name;

    if (strlen(open) == n && memcmp(open, name, n) == 0)
      return true;
  }
  return false;
}

/* {{/name}} ends the innermost block of that name. */
static void
hbs__close(struct tmpl *t, uint32_t i, uint32_t b, struct span tag)
{
  const char *s = t->s;
  uint32_t n;

  if (tmpl_block_close_beyond(t))
    return;
  i = tmpl_skip_space(t->s, i, b);
  n = hbs__token_end(s, i, b) - i;
  if (!hbs__open_anywhere(t, s + i, n)) {
    tmpl_report(t, DIAG_TEMPLATE_UNMATCHED_TAG, tag,
                "'{{/%.*s}}' has no open '{{#%.*s}}' to end", (int)n, s + i,
                (int)n, s + i);
    return;
  }
  while (strlen(tmpl_block_name(t)) != n ||
         memcmp(tmpl_block_name(t), s + i, n) != 0) {
    const struct template_block *open =
      &t->a->blocks[t->open[t->depth - 1].block];

    tmpl_report(t, DIAG_TEMPLATE_UNCLOSED_BLOCK, open->open,
                "'{{#%s}}' is never closed: add '{{/%s}}' before the "
                "'{{/%.*s}}' on line %u", open->name, open->name, (int)n,
                s + i, tmpl_line(t, tag.start));
    tmpl_block_close(t, span_make(tag.start, tag.start));
  }
  tmpl_block_close(t, tag);
}

static bool
hbs__space(char c)
{
  return tmpl_class[(unsigned char)c] & TMPL_SPACE;
}

/*
 * Block parameters ending a block tag's arguments [i, b): "as |a b|".
 * Returns where they start (the "as"), or b when there are none; sets
 * [*p, *pe) to what the pipes hold.
 */
static uint32_t
hbs__block_params(const char *s, uint32_t i, uint32_t b, uint32_t *p,
                  uint32_t *pe)
{
  uint32_t e = b;
  uint32_t open;
  uint32_t as;

  while (e > i && hbs__space(s[e - 1]))
    e--;
  if (e <= i || s[e - 1] != '|')
    return b;
  for (open = e - 1; open > i && s[open - 1] != '|'; open--)
    ;
  if (open == i)
    return b;
  open--;
  /* Handlebars lexes "as", white space, then "|" as their opening. */
  for (as = open; as > i && hbs__space(s[as - 1]); as--)
    ;
  if (as == open || as - i < 2 || memcmp(s + as - 2, "as", 2) != 0 ||
      (as - 2 > i && !hbs__space(s[as - 3])))
    return b;
  *p = open + 1;
  *pe = e - 1;
  return as - 2;
}

/* Binds each name of block parameters [i, b) in the block just opened. */
static void
hbs__bind_params(struct tmpl *t, uint32_t i, uint32_t b)
{
  while (i < b) {
    uint32_t n = hbs__id_len(t->s, i, b);

    if (n)
      tmpl_bind(t, i, n);
    i += n ? n : 1;
  }
}

/* {{#name args}} or {{^name}}: a block helper (Handlebars) or a section
 * (Mustache, where the name is read and becomes the context). */
static void
hbs__open(struct tmpl *t, uint32_t i, uint32_t b, struct span tag,
          bool mustache, bool inverse)
{
  const char *s = t->s;
  uint32_t n;
  const char *name;
  bool context;
  uint32_t params = 0;
  uint32_t params_end = 0;

  i = tmpl_skip_space(s, i, b);
  n = hbs__token_end(s, i, b) - i;
  name = arena_strndup(&t->a->arena, s + i, n);
  if (!name)
    return;
  if (!mustache)
    b = hbs__block_params(s, i + n, b, &params, &params_end);
  if (mustache) {
    hbs__path(t, i, i + n);
    context = !inverse;
  } else {
    if (!hbs__listed(hbs__block_helpers, s + i, n))
      hbs__unknown_helper(t, i, n, true);
    context = strcmp(name, "each") == 0 || strcmp(name, "with") == 0;
    if (strcmp(name, "each") == 0)
      hbs__iterated(t, i + n, b);
    else
      hbs__args(t, i + n, b, mustache);
  }
  tmpl_block_open(t, tag, name, context);
  hbs__bind_params(t, params, params_end);
}

/* {{else}}, {{else if x}} or {{^}}: the other branch of the open block. */
static void
hbs__else(struct tmpl *t, uint32_t i, uint32_t b, struct span tag,
          bool mustache)
{
  if (!tmpl_block_name(t)) {
    tmpl_report(t, DIAG_TEMPLATE_UNMATCHED_TAG, tag,
                "'{{else}}' is not inside a block");
    return;
  }
  i = tmpl_skip_space(t->s, i, b);
  if (b - i >= 2 && memcmp(t->s + i, "if", 2) == 0)
    i += 2;
  hbs__args(t, i, b, mustache);
}

/* The inside of one tag, [i, b). */
static void
hbs__tag(struct tmpl *t, uint32_t i, uint32_t b, struct span tag,
         bool mustache)
{
  const char *s = t->s;
  uint32_t n;

  i = tmpl_skip_space(s, i, b);
  if (i >= b || s[i] == '!' || s[i] == '>')
    return;  /* a comment; or a partial (Limitation: its file is not read) */
  if (s[i] == '#' || (s[i] == '^' && tmpl_skip_space(s, i + 1, b) < b)) {
    hbs__open(t, i + 1, b, tag, mustache, s[i] == '^');
    return;
  }
  if (s[i] == '/') {
    hbs__close(t, i + 1, b, tag);
    return;
  }
  if (s[i] == '^' || (b - i >= 4 && memcmp(s + i, "else", 4) == 0 &&
                      !hbs__id_start(s, i + 4, b))) {
    hbs__else(t, s[i] == '^' ? i + 1 : i + 4, b, tag, mustache);
    return;
  }
  if (s[i] == '&' || s[i] == '{')
    i = tmpl_skip_space(s, i + 1, b);
  n = hbs__token_end(s, i, b) - i;
  if (!mustache && tmpl_skip_space(s, i + n, b) < b) {
    /* Words after the first: the first is a helper, the rest arguments. */
    if (!hbs__listed(hbs__helpers, s + i, n))
      hbs__unknown_helper(t, i, n, false);
    hbs__args(t, i + n, b, mustache);
    return;
  }
  if (mustache || !hbs__listed(hbs__helpers, s + i, n))
    hbs__path(t, i, i + n);
}

/* Where a tag opened at i closes: past "}}" ("}}}" for a triple stash,
 * "--}}" for a long comment), or 0 when it never does. */
static uint32_t
hbs__close_at(const char *s, uint32_t i, uint32_t end, uint32_t *inner,
              uint32_t *inner_end)
{
  const char *close;
  const char *closer = "}}";
  uint32_t skip = 2;

  if (end - i >= 5 && memcmp(s + i, "{{!--", 5) == 0) {
    closer = "--}}";
    skip = 5;
  } else if (end - i >= 3 && s[i + 2] == '{') {
    closer = "}}}";
    skip = 3;
  }
  close = memmem(s + i + skip, end - i - skip, closer, strlen(closer));
  if (!close)
    return 0;
  *inner = i + skip;
  *inner_end = (uint32_t)(close - s);
  if (*inner < *inner_end && s[*inner] == '~')
    (*inner)++;
  if (*inner_end > *inner && s[*inner_end - 1] == '~')
    (*inner_end)--;
  return (uint32_t)(close - s) + (uint32_t)strlen(closer);
}

void
tmpl_handlebars(struct tmpl *t, uint32_t i, uint32_t end, bool mustache)
{
  const char *s = t->s;
  uint32_t text = i;  /* where the text since the last tag starts */

  while (i + 1 < end && t->rc == 0) {
    const char *p = memmem(s + i, end - i, "{{", 2);
    uint32_t a;
    uint32_t b;
    uint32_t next;

    if (!p)
      break;
    i = (uint32_t)(p - s);
    if (!mustache && i > 0 && s[i - 1] == '\\') {
      i += 2;  /* \{{ is a literal {{ in Handlebars */
      continue;
    }
    next = hbs__close_at(s, i, end, &a, &b);
    if (!next) {
      if (tmpl_in_fence(t, i)) {
        i += 2;
        continue;
      }
      bool triple = i + 2 < end && s[i + 2] == '{';

      tmpl_report(t, DIAG_TEMPLATE_UNTERMINATED,
                  span_make(i, i + (triple ? 3 : 2)),
                  triple ? "'{{{' is never closed: add '}}}'"
                         : "'{{' is never closed: add '}}'");
      return;
    }
    if (s[i + 2] != '!' && memmem(s + a, b - a, "{{", 2)) {
      /* Another tag opens before this one closes: the engine stops here,
       * and the words between are text, not arguments. */
      if (!tmpl_in_fence(t, i))
        tmpl_report(t, DIAG_TEMPLATE_UNTERMINATED, span_make(i, i + 2),
                    "'{{' is not closed before the next '{{' opens");
      i += 2;
      continue;
    }
    tmpl_text(t, text, i);
    if (s[i + 2] != '!')
      hbs__tag(t, a, b, span_make(i, next), mustache);
    else if (memcmp(s + i + 2, "!--", 3) != 0 &&
             memmem(s + a, b - a, "{{", 2))
      t->cut_comment = span_make(i, next);
    i = next;
    text = next;
  }
  tmpl_text(t, text, end);
}

const char *
tmpl_hbs_reserved(const char *name, bool mustache)
{
  uint32_t n = (uint32_t)strlen(name);

  if (hbs__listed(hbs__literals, name, n))
    return mustache ? NULL : "a Handlebars literal";
  if (!mustache && hbs__listed(hbs__helpers, name, n))
    return "a Handlebars helper (the tag would call it)";
  return NULL;
}
