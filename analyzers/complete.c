#include "complete.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "artifact.h"
#include "formats.h"
#include "shape.h"
#include "tree.h"

/* How far back a template tag's opening is looked for. */
#define COMPLETE_TAG_REACH 4096

/* Parent keys walked up from a line: deeper nesting is not completed. */
#define COMPLETE_DEPTH_MAX 16

/* Whether c may be part of a name: letters past ASCII are (their bytes
 * all are at least 0x80). */
static bool
complete__name(char c)
{
  return isalnum((unsigned char)c) || c == '_' || (unsigned char)c >= 0x80;
}

static bool
complete__word(char c)
{
  return complete__name(c) || c == '-' || c == '$' || c == '.';
}

/* Whether off lies inside an open template tag ("{{ na|", "{% if x|"). */
static bool
complete__in_tag(const struct artifact *a, uint32_t start, uint32_t off)
{
  const char *s = a->text;
  uint32_t floor = off > start + COMPLETE_TAG_REACH
                     ? off - COMPLETE_TAG_REACH : start;

  if (off - start >= 8 && memcmp(s + off - 8, "${input:", 8) == 0)
    return true;
  for (uint32_t i = off; i > floor + 1; i--) {
    if (s[i - 2] != '{' || (s[i - 1] != '{' && s[i - 1] != '%'))
      continue;
    for (uint32_t k = i; k + 1 < off; k++)
      if ((s[k] == '}' || s[k] == '%') && s[k + 1] == '}')
        return false;
    return true;
  }
  return false;
}

/* Where templates are, for the cursor: the body, or a .prompt.yml
 * message's content. */
static bool
complete__in_template(const struct artifact *a, uint32_t off)
{
  const struct node *messages = node_get(a->root, "messages");

  if (off >= a->body.start && off <= a->body.end && a->body.end)
    return true;
  for (uint32_t i = 0; messages && messages->kind == NODE_SEQ &&
                       i < messages->count; i++) {
    const struct node *c = node_get(messages->u.items[i], "content");

    if (c && off >= c->span.start && off <= c->span.end)
      return true;
  }
  return false;
}

/* Where the header is: the frontmatter, or a YAML/JSON document. */
static bool
complete__in_header(const struct artifact *a, uint32_t off)
{
  if (a->syntax == SYNTAX_FRONTMATTER)
    return a->fm.present && off >= a->fm.yaml.start &&
           off <= a->fm.yaml.end;
  return a->syntax == SYNTAX_YAML || a->syntax == SYNTAX_JSON;
}

/* One line of YAML as the walk up sees it. */
struct complete_line {
  uint32_t indent;   /* where its content starts, after any "- " */
  uint32_t dash;     /* where its "- " is, if it has one */
  bool item;         /* it starts a list item */
  struct span key;   /* a "key:" with nothing after it, or empty */
  bool blank;        /* blank or a comment */
};

static void
complete__line(const struct artifact *a, uint32_t line,
               struct complete_line *l)
{
  const char *s = a->text;
  uint32_t ls = source_line_start(&a->src, line);
  uint32_t le = source_line_end(&a->src, line);
  uint32_t i = ls;
  uint32_t k;

  memset(l, 0, sizeof *l);
  while (i < le && s[i] == ' ')
    i++;
  l->dash = i - ls;
  if (i + 1 < le && s[i] == '-' && s[i + 1] == ' ') {
    l->item = true;
    for (i += 2; i < le && s[i] == ' '; i++)
      ;
  }
  l->indent = i - ls;
  l->blank = i >= le || s[i] == '#';
  for (k = i; k < le && s[k] != ':' && s[k] != '#'; k++)
    ;
  if (k < le && s[k] == ':') {
    uint32_t after = k + 1;

    while (after < le && s[after] == ' ')
      after++;
    if (after >= le || s[after] == '#')
      l->key = span_make(i, k);
  }
}

struct complete_parent {
  struct span key;
  bool item;   /* the cursor's mapping is an item of this key's list */
};

/* The shape of the mapping whose keys sit at indent on line, walking up
 * to the keys that hold it. */
static const struct shape *
complete__shape(const struct artifact *a, uint32_t line, uint32_t indent,
                bool item)
{
  struct complete_parent parents[COMPLETE_DEPTH_MAX];
  const struct shape *shape = formats_shape(a->format);
  int n = 0;
  uint32_t first = a->syntax == SYNTAX_FRONTMATTER
                     ? source_line_of(&a->src, a->fm.yaml.start) : 0;

  while (line-- > first && indent > 0 && n < COMPLETE_DEPTH_MAX) {
    struct complete_line l;

    complete__line(a, line, &l);
    if (l.blank)
      continue;
    if (l.item && l.indent == indent && !item) {
      item = true;            /* a sibling key of this list item */
      indent = l.dash;
    } else if (l.indent < indent && l.key.end) {
      parents[n].key = l.key;
      parents[n++].item = item;
      item = l.item;
      indent = l.item ? l.dash : l.indent;
    }
  }
  while (shape && n-- > 0) {
    const struct shape_field *f;
    char key[64];
    size_t len = parents[n].key.end - parents[n].key.start;

    snprintf(key, sizeof key, "%.*s", (int)len,
             a->text + parents[n].key.start);
    f = shape_field(shape, key);
    if (!f) {
      shape = shape->entries;
      continue;
    }
    shape = parents[n].item ? f->items : f->map;
  }
  return shape;
}

/* The key of a line whose content starts at content, or an empty span. */
static struct span
complete__key_of(const struct artifact *a, uint32_t line, uint32_t content)
{
  const char *s = a->text;
  uint32_t le = source_line_end(&a->src, line);
  uint32_t k;

  for (k = content; k < le && s[k] != ':' && s[k] != '#'; k++)
    ;
  if (k >= le || s[k] != ':' || (k + 1 < le && s[k + 1] != ' ' &&
                                 s[k + 1] != '\t'))
    return span_make(content, content);
  while (k > content && (s[k - 1] == ' ' || s[k - 1] == '\t'))
    k--;
  return span_make(content, k);
}

/* Notes a key of the cursor's mapping, found on line. */
static void
complete__add_key(const struct artifact *a, uint32_t line,
                  const struct complete_line *l, struct complete_ctx *out)
{
  struct span key = complete__key_of(a, line,
                                     source_line_start(&a->src, line) +
                                       l->indent);

  if (key.end > key.start && out->nkeys < COMPLETE_KEYS_MAX)
    out->keys[out->nkeys++] = key;
}

/*
 * The keys of the mapping whose keys sit at indent on line, on its other
 * lines: up to the line that holds it (or its list item's "- " line),
 * down to the next list item or a line less indented.
 */
static void
complete__siblings(const struct artifact *a, uint32_t line, uint32_t indent,
                   bool item, struct complete_ctx *out)
{
  uint32_t first = a->syntax == SYNTAX_FRONTMATTER
                     ? source_line_of(&a->src, a->fm.yaml.start) : 0;
  uint32_t last = a->syntax == SYNTAX_FRONTMATTER
                    ? source_line_of(&a->src, a->fm.yaml.end)
                    : a->src.line_count - 1;
  struct complete_line l;

  for (uint32_t up = line; !item && up-- > first;) {
    complete__line(a, up, &l);
    if (l.blank || l.indent > indent)
      continue;
    if (l.indent < indent)
      break;
    complete__add_key(a, up, &l, out);
    if (l.item)
      break;
  }
  for (uint32_t down = line + 1; down <= last && down < a->src.line_count;
       down++) {
    complete__line(a, down, &l);
    if (l.blank || l.indent > indent)
      continue;
    if (l.indent < indent || l.item)
      break;
    complete__add_key(a, down, &l, out);
  }
}

bool
complete_has_key(const struct artifact *a, const struct complete_ctx *c,
                 const char *name)
{
  size_t n = strlen(name);

  for (uint32_t i = 0; i < c->nkeys; i++)
    if (c->keys[i].end - c->keys[i].start == n &&
        memcmp(a->text + c->keys[i].start, name, n) == 0)
      return true;
  return false;
}

bool
complete_typed_only(const struct artifact *a, const struct complete_ctx *c,
                    size_t var)
{
  if (a->vars[var].uses != 1)
    return false;
  for (size_t i = 0; i < a->nuses; i++)
    if (a->uses[i].var == var)
      return a->uses[i].span.start <= c->prefix.start &&
             a->uses[i].span.end >= c->prefix.end;
  return false;
}

/* A key being typed, or a value after "key: ", in the header. */
static void
complete__header(const struct artifact *a, uint32_t off,
                 struct complete_ctx *out)
{
  uint32_t line = source_line_of(&a->src, off);
  uint32_t ls = source_line_start(&a->src, line);
  struct complete_line l;
  const struct shape *shape;
  uint32_t content;
  uint32_t colon;

  complete__line(a, line, &l);
  content = ls + l.indent;
  if (off < content)
    return;
  shape = complete__shape(a, line, l.indent, l.item);
  if (!shape)
    return;
  if (out->prefix.start == content) {
    out->kind = COMPLETE_KEY;
    out->shape = shape;
    complete__siblings(a, line, l.indent, l.item, out);
    return;
  }
  for (colon = content; colon < off && a->text[colon] != ':'; colon++)
    ;
  if (colon < off) {
    char key[64];

    snprintf(key, sizeof key, "%.*s", (int)(colon - content),
             a->text + content);
    out->field = shape_field(shape, key);
    if (out->field && out->field->values)
      out->kind = COMPLETE_VALUE;
  }
}

/* Whether the word at start is the quoted argument of {{role "...}} (or
 * {{#role, with the blanks Handlebars allows). */
static bool
complete__role_argument(const struct artifact *a, uint32_t start)
{
  const char *s = a->text;
  uint32_t i = start;

  if (a->format != FORMAT_DOTPROMPT || i == 0 ||
      (s[i - 1] != '"' && s[i - 1] != '\''))
    return false;
  for (i--; i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'); i--)
    ;
  if (i < 4 || memcmp(s + i - 4, "role", 4) != 0)
    return false;
  for (i -= 4; i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'); i--)
    ;
  if (i > 0 && s[i - 1] == '#')
    for (i--; i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'); i--)
      ;
  if (i > 0 && s[i - 1] == '~')
    i--;
  return i >= 2 && s[i - 1] == '{' && s[i - 2] == '{';
}

void
complete_at(const struct artifact *a, uint32_t off, struct complete_ctx *out)
{
  uint32_t start = off;

  memset(out, 0, sizeof *out);
  if (off > a->src.len)
    return;
  while (start > 0 && complete__word(a->text[start - 1]))
    start--;
  out->prefix = span_make(start, off);
  if (complete__in_template(a, off)) {
    if (!complete__in_tag(a, a->body.end ? a->body.start : 0, start))
      return;
    out->kind = COMPLETE_VARIABLE;
    /* A variable's word is a name: "user.na" completes "na" alone, and
     * "$na" (Semantic Kernel) keeps its '$'. */
    while (start < off && !complete__name(a->text[start]))
      start++;
    for (uint32_t k = start; k < off; k++)
      if (!complete__name(a->text[k]))
        start = k + 1;
    out->prefix = span_make(start, off);
    if (complete__role_argument(a, start)) {
      out->kind = COMPLETE_VALUE;
      out->field = &dotprompt_role_field;
    }
    return;
  }
  if (complete__in_header(a, off))
    complete__header(a, off, out);
}
