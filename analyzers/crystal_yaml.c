/*
 * Changes to YAML (and JSON) documents that keep them as their author
 * wrote them: a new list item goes after the last one at the same column,
 * a new key after the last key of its mapping, a new header key at the
 * end of the frontmatter. Flow collections and JSON get the item before
 * their closing bracket, written as JSON (which YAML reads too).
 */
#include <json-c/json.h>
#include <string.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "error.h"
#include "tree.h"

/* Whether the file a change is to (the prompt, or the config that runs
 * it) ends its first line with "\r\n". */
static bool
yaml__crlf(const struct crystal *c, const char *path)
{
  const struct artifact *a = c->req->eval && c->req->eval_path &&
                             strcmp(path, c->req->eval_path) == 0
                               ? c->req->eval : c->prompt;
  const char *nl = memchr(a->text, '\n', a->src.len);

  return nl && nl > a->text && nl[-1] == '\r';
}

/* text with each line break written "\r\n". */
static const char *
yaml__to_crlf(struct crystal *c, const char *text)
{
  struct buf out;

  buf_init(&out, 2 * strlen(text) + 1);
  for (const char *p = text; *p; p++) {
    if (*p == '\n' && (p == text || p[-1] != '\r'))
      buf_putc(&out, '\r');
    buf_putc(&out, *p);
  }
  return crystal_buf_keep(c, &out);
}

/* Every change to a file goes through here: each is written with the
 * file's own line breaks, so that no file is left with both. */
int
crystal_change(struct crystal *c, const char *path, struct span span,
               const char *text)
{
  struct crystal_edit *e = c->edit;
  size_t i = e->nchanges;

  if (text && yaml__crlf(c, path))
    text = yaml__to_crlf(c, text);
  if (!text)
    return FACET_ENOMEM;
  if (e->nchanges >= CRYSTAL_CHANGES_MAX)
    return FACET_ELIMIT;
  /* Kept by path, then in text order, as a diff prints them. */
  while (i > 0 && strcmp(e->changes[i - 1].path, path) == 0 &&
         e->changes[i - 1].span.start > span.start)
    i--;
  memmove(&e->changes[i + 1], &e->changes[i],
          (e->nchanges - i) * sizeof e->changes[0]);
  e->changes[i] = (struct crystal_change){ path, span, text };
  e->nchanges++;
  return 0;
}

/* The offset where the line after the one holding off starts. */
uint32_t
crystal_line_after(const struct artifact *a, uint32_t off)
{
  uint32_t line = source_line_of(&a->src, off);

  return source_line_start(&a->src, line + 1);
}

static uint32_t
yaml__column(const struct artifact *a, uint32_t off)
{
  return off - source_line_start(&a->src, source_line_of(&a->src, off));
}

/* Where text inserted after the node ending at end goes, and whether the
 * file's last line needs its newline first. */
static uint32_t
yaml__after(const struct artifact *a, uint32_t end, bool *newline)
{
  uint32_t at = end > 0 ? crystal_line_after(a, end - 1) : 0;

  *newline = at >= a->src.len && a->src.len > 0 &&
             a->text[a->src.len - 1] != '\n';
  return at > a->src.len ? a->src.len : at;
}

/* The JSON text of v, indented to sit at column col of a JSON file. */
static void
yaml__json_at(struct buf *out, struct json_object *v, int col)
{
  crystal_emit_json(out, v, col);
}

static int
yaml__flow_append(struct crystal *c, const struct artifact *a,
                  const char *path, const struct node *seq,
                  struct json_object *item)
{
  uint32_t close = seq->span.end - 1;
  struct buf out;
  bool lines = false;
  int col = 0;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (seq->count > 0) {
    const struct node *last = seq->u.items[seq->count - 1];

    lines = source_line_of(&a->src, last->span.start) !=
            source_line_of(&a->src, seq->span.start);
    col = (int)yaml__column(a, last->span.start);
    buf_puts(&out, ",");
    close = last->span.end;
  }
  if (lines)
    buf_printf(&out, "\n%*s", col, "");
  else if (seq->count > 0)
    buf_putc(&out, ' ');
  yaml__json_at(&out, item, lines ? col : 0);
  return crystal_change(c, path, span_make(close, close),
                        crystal_buf_keep(c, &out));
}

int
crystal_yaml_append(struct crystal *c, const struct artifact *a,
                    const char *path, const struct node *seq,
                    struct json_object *item, const char *comment)
{
  const struct node *last;
  struct buf out;
  uint32_t at;
  bool newline;
  int col;

  seq = node_resolve(seq);
  if ((seq->flags & NODE_FLOW) || a->syntax == SYNTAX_JSON)
    return yaml__flow_append(c, a, path, seq, item);
  last = seq->u.items[seq->count - 1];
  /* An item's node starts after its "- "; the dash is two columns left. */
  col = (int)yaml__column(a, seq->u.items[0]->span.start) - 2;
  if (col < 0)
    col = 0;
  at = yaml__after(a, last->span.end, &newline);
  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (newline)
    buf_putc(&out, '\n');
  if (comment)
    buf_printf(&out, "%*s# %s\n", col, "", comment);
  crystal_emit_yaml_item(&out, item, col);
  return crystal_change(c, path, span_make(at, at),
                        crystal_buf_keep(c, &out));
}

static int
yaml__flow_set(struct crystal *c, const struct artifact *a, const char *path,
               const struct node *map, const char *key,
               struct json_object *value)
{
  uint32_t at = map->span.end - 1;
  struct buf out;
  int col = 0;
  bool lines = false;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (map->count > 0) {
    const struct node *k = node_key(map, 0);
    const struct node *v = node_value(map, map->count - 1);

    lines = source_line_of(&a->src, k->span.start) !=
            source_line_of(&a->src, map->span.start);
    col = (int)yaml__column(a, k->span.start);
    at = v->span.end;
    buf_putc(&out, ',');
    buf_printf(&out, lines ? "\n%*s" : " ", lines ? col : 0, "");
  }
  crystal_emit_json_string(&out, key, strlen(key));
  buf_puts(&out, ": ");
  yaml__json_at(&out, value, lines ? col : 0);
  return crystal_change(c, path, span_make(at, at),
                        crystal_buf_keep(c, &out));
}

/* "key: value" as block YAML at col, with a comment line first. */
static void
yaml__entry(struct buf *out, const char *key, struct json_object *value,
            int col, const char *comment)
{
  struct json_object *one = json_object_new_object();

  if (comment)
    buf_printf(out, "%*s# %s\n", col, "", comment);
  json_object_object_add(one, key, json_object_get(value));
  crystal_emit_yaml(out, one, col);
  json_object_put(one);
}

/* "key: value" as block YAML at col (with a comment line first), ending
 * without its newline when bare, to replace text in a line. */
char *
crystal_yaml_entry(struct crystal *c, const char *key,
                   struct json_object *value, int col, const char *comment,
                   bool bare)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  yaml__entry(&out, key, value, col, comment);
  if (bare && out.len && out.data[out.len - 1] == '\n')
    out.data[--out.len] = '\0';
  return crystal_buf_keep(c, &out);
}

int
crystal_yaml_set(struct crystal *c, const struct artifact *a,
                 const char *path, const struct node *map, const char *key,
                 struct json_object *value, const char *comment)
{
  struct buf out;
  uint32_t at;
  bool newline;
  int col;

  map = node_resolve(map);
  if ((map->flags & NODE_FLOW) || a->syntax == SYNTAX_JSON || map->count == 0)
    return yaml__flow_set(c, a, path, map, key, value);
  col = (int)yaml__column(a, node_key(map, 0)->span.start);
  at = yaml__after(a, node_value(map, map->count - 1)->span.end, &newline);
  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (newline)
    buf_putc(&out, '\n');
  yaml__entry(&out, key, value, col, comment);
  return crystal_change(c, path, span_make(at, at),
                        crystal_buf_keep(c, &out));
}

/*
 * Adds a top-level key to the prompt's header: at the end of the
 * frontmatter, or before the key named before in a YAML document (at its
 * end without one). A prompt with no frontmatter gets one.
 */
int
crystal_header_add(struct crystal *c, const char *key,
                   struct json_object *value, const char *before,
                   const char *comment)
{
  const struct artifact *a = c->prompt;
  const char *path = c->req->prompt_path;
  const struct node *next = before ? node_get_key(a->root, before) : NULL;
  struct buf out;
  uint32_t at;
  bool newline = false;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (a->syntax == SYNTAX_FRONTMATTER && !a->fm.present)
    buf_puts(&out, "---\n");
  if (a->syntax == SYNTAX_FRONTMATTER)
    at = a->fm.present ? a->fm.close.start : a->src.bom;
  else if (next)
    at = source_line_start(&a->src, source_line_of(&a->src,
                                                   next->span.start));
  else
    at = yaml__after(a, a->root ? a->root->span.end : a->src.len, &newline);
  if (newline)
    buf_putc(&out, '\n');
  yaml__entry(&out, key, value, 0, comment);
  if (a->syntax == SYNTAX_FRONTMATTER && !a->fm.present)
    buf_puts(&out, "---\n");
  return crystal_change(c, path, span_make(at, at),
                        crystal_buf_keep(c, &out));
}

/*
 * Adds a top-level list to the prompt's YAML, each item after a comment
 * line (its provenance record): before the key named before, or at the
 * end.
 */
int
crystal_header_list(struct crystal *c, const char *key,
                    struct json_object *items, const char *comment,
                    const char *before)
{
  const struct artifact *a = c->prompt;
  const struct node *next = before ? node_get_key(a->root, before) : NULL;
  struct buf out;
  bool newline = false;
  uint32_t at;

  if (next)
    at = source_line_start(&a->src, source_line_of(&a->src,
                                                   next->span.start));
  else
    at = yaml__after(a, a->root ? a->root->span.end : a->src.len, &newline);
  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (newline)
    buf_putc(&out, '\n');
  buf_printf(&out, "%s:\n", key);
  for (size_t i = 0; i < json_object_array_length(items); i++) {
    if (comment)
      buf_printf(&out, "  # %s\n", comment);
    crystal_emit_yaml_item(&out, json_object_array_get_idx(items, i), 2);
  }
  return crystal_change(c, c->req->prompt_path, span_make(at, at),
                        crystal_buf_keep(c, &out));
}
