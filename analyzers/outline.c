#include "outline.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "artifact.h"
#include "error.h"
#include "formats.h"
#include "tree.h"
#include "ts_tree.h"
#include "vec.h"

/* Limitation: outlining Markdown with tree-sitter costs about 3 ms per
 * 10 KB, so past this size a body's headings are left out rather than
 * stall a request. */
#define OUTLINE_MARKDOWN_MAX ((uint32_t)256 << 10)
#define OUTLINE_ITEMS_MAX 100000

struct outline_build {
  const struct artifact *a;
  struct arena *arena;
  struct outline *out;
  int rc;
};

static int
outline__add(struct outline_build *b, enum outline_kind kind,
             const char *name, struct span range, struct span select,
             int parent)
{
  struct outline *o = b->out;
  struct outline_item *it;

  if (!name || vec_reserve((void **)&o->items, &o->cap, o->count,
                           sizeof *o->items, OUTLINE_ITEMS_MAX)) {
    b->rc = name ? FACET_ELIMIT : FACET_ENOMEM;
    return -1;
  }
  it = &o->items[o->count];
  it->kind = kind;
  it->name = name;
  it->range = range;
  it->select = select;
  it->parent = parent;
  return (int)o->count++;
}

/* A fold from the line of start to the line of end, if they differ. */
static void
outline__fold(struct outline_build *b, uint32_t start, uint32_t end)
{
  struct outline *o = b->out;
  uint32_t l0 = source_line_of(&b->a->src, start);
  uint32_t l1 = source_line_of(&b->a->src, end);

  if (l1 <= l0 || vec_reserve((void **)&o->folds, &o->cap_folds, o->nfolds,
                              sizeof *o->folds, OUTLINE_ITEMS_MAX))
    return;
  o->folds[o->nfolds].start_line = l0;
  o->folds[o->nfolds].end_line = l1;
  o->nfolds++;
}

/* A block's end offset without its trailing blank lines. */
static uint32_t
outline__trim(const struct artifact *a, uint32_t start, uint32_t end)
{
  while (end > start && isspace((unsigned char)a->text[end - 1]))
    end--;
  return end;
}

static char *
outline__name(struct outline_build *b, const char *s, size_t n)
{
  while (n > 0 && isspace((unsigned char)*s))
    s++, n--;
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  return arena_strndup(b->arena, s, n > 80 ? 80 : n);
}

/* The keys of map, and one level of keys under each. */
static void
outline__keys(struct outline_build *b, const struct node *map, int parent,
              int depth)
{
  map = node_resolve(map);
  for (uint32_t i = 0; map && map->kind == NODE_MAP && i < map->count; i++) {
    const struct node *k = node_key(map, i);
    const struct node *v = node_value(map, i);
    struct span range = span_make(k->span.start,
                                  v && v->span.end > k->span.end
                                    ? v->span.end : k->span.end);
    int item;

    if (!node_str(k))
      continue;
    item = outline__add(b, OUTLINE_KEY, node_str(k), range, k->span, parent);
    outline__fold(b, range.start, range.end);
    if (item >= 0 && depth == 0)
      outline__keys(b, v, item, 1);
  }
}

static void
outline__header(struct outline_build *b)
{
  const struct artifact *a = b->a;
  int parent = -1;

  if (a->syntax == SYNTAX_FRONTMATTER && a->fm.present) {
    struct span all = span_make(a->fm.open.start,
                                a->fm.closed ? a->fm.close.end : a->src.len);

    parent = outline__add(b, OUTLINE_HEADER, "frontmatter", all, a->fm.open,
                          -1);
    outline__fold(b, all.start, all.end);
  }
  if (a->syntax != SYNTAX_TEXT)
    outline__keys(b, a->root, parent, 0);
}

/* Whether [i, e) holds nothing but blanks. */
static bool
outline__trim_blank(const char *s, uint32_t i, uint32_t e)
{
  while (i < e && isspace((unsigned char)s[i]))
    i++;
  return i == e;
}

/* The role a Prompty marker line names ("# system:", "user[n=1]:"), or
 * 0 when [s, e) is not one; *name gets where the role's name starts. */
static uint32_t
outline__marker(const char *s, uint32_t i, uint32_t e, uint32_t *name)
{
  static const char *const roles[] = {
    "system", "user", "assistant", "function",
  };
  uint32_t n;

  while (i < e && (s[i] == ' ' || s[i] == '\t'))
    i++;
  if (i < e && s[i] == '#')
    i++;
  while (i < e && s[i] == ' ')
    i++;
  for (n = 0; i + n < e && isalpha((unsigned char)s[i + n]); n++)
    ;
  *name = i;
  for (size_t r = 0; r < 4; r++) {
    uint32_t k = i + n;

    if (strlen(roles[r]) != n || strncasecmp(s + i, roles[r], n) != 0)
      continue;
    if (k < e && s[k] == '[')
      while (k < e && s[k] != ']')
        k++;
    k += k < e && s[k] == ']';
    while (k < e && s[k] == ' ')
      k++;
    if (k < e && s[k] == ':' &&
        outline__trim_blank(s, k + 1, e))
      return n;
  }
  return 0;
}

/* Ends the role block open at index item where the next one starts. */
static void
outline__end_role(struct outline_build *b, int item, uint32_t end)
{
  struct outline_item *it;

  if (item < 0)
    return;
  it = &b->out->items[item];
  it->range.end = outline__trim(b->a, it->range.start, end);
  outline__fold(b, it->range.start, it->range.end);
}

/* Prompty's role markers, each a line of its own. */
static void
outline__prompty_roles(struct outline_build *b)
{
  const struct artifact *a = b->a;
  uint32_t line = source_line_of(&a->src, a->body.start);
  int open = -1;

  for (; line < a->src.line_count; line++) {
    uint32_t s = source_line_start(&a->src, line);
    uint32_t e = source_line_end(&a->src, line);
    uint32_t name;
    uint32_t n;

    if (s < a->body.start || s >= a->body.end)
      continue;
    n = outline__marker(a->text, s, e, &name);
    if (!n)
      continue;
    outline__end_role(b, open, s);
    open = outline__add(b, OUTLINE_ROLE, outline__name(b, a->text + name, n),
                        span_make(s, e), span_make(name, name + n), -1);
  }
  outline__end_role(b, open, a->body.end);
}

/* Dotprompt's {{role "x"}} and {{#role "x"}} tags: each opens a block
 * from its first '{' to the next one. */
static void
outline__dotprompt_roles(struct outline_build *b)
{
  const struct artifact *a = b->a;
  uint32_t i = a->body.start;
  int open = -1;

  while (i + 2 < a->body.end) {
    const char *p = memmem(a->text + i, a->body.end - i, "{{", 2);
    uint32_t at;
    struct span name;
    struct span tag;

    if (!p)
      break;
    at = (uint32_t)(p - a->text);
    if (!dotprompt_role_tag(a->text, at, a->body.end, &name, &tag, &i) ||
        (at > 0 && a->text[at - 1] == '\\'))
      continue;
    outline__end_role(b, open, at);
    open = outline__add(b, OUTLINE_ROLE,
                        outline__name(b, a->text + name.start,
                                      name.end - name.start),
                        tag, name, -1);
  }
  outline__end_role(b, open, a->body.end);
}

/* GitHub Models: each message is a role block. */
static void
outline__messages(struct outline_build *b)
{
  const struct node *messages = node_get(b->a->root, "messages");

  for (uint32_t i = 0; messages && messages->kind == NODE_SEQ &&
                       i < messages->count; i++) {
    const struct node *m = node_resolve(messages->u.items[i]);
    const struct node *role = node_get(m, "role");

    if (!m)
      continue;
    outline__add(b, OUTLINE_ROLE, node_str(role) ? node_str(role)
                                                 : "message",
                 m->span, role ? role->span : m->span, -1);
  }
}

/* The innermost role block holding offset, or -1. */
static int
outline__role_at(const struct outline *o, uint32_t at)
{
  for (size_t i = o->count; i > 0; i--)
    if (o->items[i - 1].kind == OUTLINE_ROLE &&
        at >= o->items[i - 1].range.start && at < o->items[i - 1].range.end)
      return (int)(i - 1);
  return -1;
}

static void
outline__headings(struct outline_build *b)
{
  const struct artifact *a = b->a;
  struct md_outline md;

  if (a->body.end <= a->body.start ||
      a->body.end - a->body.start > OUTLINE_MARKDOWN_MAX ||
      markdown_outline(b->arena, &a->src, a->body, &md))
    return;
  for (uint32_t i = 0; i < md.nheadings; i++) {
    const struct md_heading *h = &md.headings[i];

    outline__add(b, OUTLINE_HEADING,
                 outline__name(b, a->text + h->text.start,
                               h->text.end - h->text.start),
                 h->span, h->text, outline__role_at(b->out, h->span.start));
  }
}

static bool
outline__markdown(enum artifact_format f)
{
  return f == FORMAT_PROMPTY || f == FORMAT_DOTPROMPT || vscode_format(f);
}

int
outline_build(const struct artifact *a, struct arena *arena,
              struct outline *out)
{
  struct outline_build b = { a, arena, out, 0 };

  memset(out, 0, sizeof *out);
  outline__header(&b);
  if (a->format == FORMAT_PROMPTY)
    outline__prompty_roles(&b);
  else if (a->format == FORMAT_DOTPROMPT)
    outline__dotprompt_roles(&b);
  else if (a->format == FORMAT_GITHUB_MODELS)
    outline__messages(&b);
  if (outline__markdown(a->format))
    outline__headings(&b);
  for (size_t i = 0; i < a->nvars; i++)
    outline__add(&b, OUTLINE_VARIABLE, a->vars[i].name, a->vars[i].span,
                 a->vars[i].span, -1);
  for (size_t i = 0; i < a->nblocks; i++)
    if (a->blocks[i].close.start > a->blocks[i].open.end)
      outline__fold(&b, a->blocks[i].open.start,
                    a->blocks[i].close.start > 0
                      ? a->blocks[i].close.start - 1 : 0);
  return b.rc == FACET_ELIMIT ? 0 : b.rc;
}

void
outline_release(struct outline *self)
{
  free(self->items);
  free(self->folds);
  memset(self, 0, sizeof *self);
}
