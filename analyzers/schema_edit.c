/*
 * Edits that add a member to a mapping or an item to a list, written the
 * way the text around them is: a JSON object or array, a YAML flow
 * collection, or a YAML block one. Quick fixes are made of these.
 */
#include <string.h>
#include <strings.h>

#include "artifact.h"
#include "buf.h"
#include "error.h"
#include "schema_internal.h"
#include "tree.h"

int
schema_json_string(struct buf *out, const char *s)
{
  int rc = buf_putc(out, '"');

  for (; *s && rc == 0; s++) {
    unsigned char c = (unsigned char)*s;

    if (c == '"' || c == '\\')
      rc = buf_printf(out, "\\%c", c);
    else if (c < 0x20)
      rc = buf_printf(out, "\\u%04x", c);
    else
      rc = buf_putc(out, (char)c);
  }
  return rc ? rc : buf_putc(out, '"');
}

/* Whether YAML reads s, unquoted, as this very string. */
static bool
schema__plain_yaml(const char *s)
{
  static const char *const words[] = {
    "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", NULL,
  };

  if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
    return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' || *p == '.'))
      return false;
  for (const char *const *w = words; *w; w++)
    if (strcasecmp(s, *w) == 0)
      return false;
  return true;
}

const char *
schema_quote_name(struct artifact *a, const char *name, bool json)
{
  struct buf b;
  const char *out;

  if (!json && schema__plain_yaml(name))
    return name;
  buf_init(&b, (size_t)1 << 16);
  out = schema_json_string(&b, name) == 0
          ? arena_strndup(&a->arena, b.data, b.len) : NULL;
  buf_release(&b);
  return out;
}

/* The column of offset off: bytes since its line began. */
static uint32_t
schema__column(const struct artifact *a, uint32_t off)
{
  return off - source_line_start(&a->src, source_line_of(&a->src, off));
}

/* Whether a and b are on the same line. */
static bool
schema__same_line(const struct artifact *a, uint32_t x, uint32_t y)
{
  return source_line_of(&a->src, x) == source_line_of(&a->src, y);
}

/*
 * What separates a new member or item from the last one in a flow (or
 * JSON) collection: a comma and a newline with the last one's indentation
 * when the collection is laid out one per line, else a comma and a space.
 */
static int
schema__flow_separator(const struct artifact *a, const struct node *coll,
                       const struct node *last, struct buf *out)
{
  uint32_t col = schema__column(a, last->span.start);

  if (schema__same_line(a, coll->span.start, last->span.start))
    return buf_puts(out, ", ");
  return buf_printf(out, ",\n%*s", (int)col, "");
}

static int
schema__finish(struct artifact *a, struct buf *b, const char **text)
{
  *text = b->data ? arena_strndup(&a->arena, b->data, b->len) : NULL;
  buf_release(b);
  return *text ? 0 : FACET_ENOMEM;
}

int
schema_edit_add_member(struct artifact *a, const struct node *map, bool json,
                       const char *key, const char *value, struct span *at,
                       const char **text)
{
  const struct node *m = node_resolve(map);
  const char *qkey;
  struct buf b;

  buf_init(&b, (size_t)1 << 20);
  if (!m || m->kind != NODE_MAP)
    return FACET_EINVAL;
  if (!json && m->count && !(m->flags & NODE_FLOW)) {
    /* A block mapping: a line of its own before the first key. */
    const struct node *first = node_key(m, 0);

    qkey = schema_quote_name(a, key, false);
    *at = span_make(first->span.start, first->span.start);
    buf_printf(&b, "%s: %s\n%*s", qkey, value,
               (int)schema__column(a, first->span.start), "");
    return schema__finish(a, &b, text);
  }
  /* A flow mapping quotes its keys as its first key does. */
  json = json || (m->count && a->text[node_key(m, 0)->span.start] == '"');
  qkey = schema_quote_name(a, key, json);
  if (!qkey)
    return FACET_ENOMEM;
  if (m->count) {
    const struct node *last = node_value(m, m->count - 1);

    *at = span_make(last->span.end, last->span.end);
    schema__flow_separator(a, m, node_key(m, m->count - 1), &b);
  } else {
    *at = span_make(m->span.start + 1, m->span.start + 1);
  }
  buf_printf(&b, "%s: %s", qkey, value);
  return schema__finish(a, &b, text);
}

int
schema_edit_add_item(struct artifact *a, const struct node *seq, bool json,
                     const char *value, struct span *at, const char **text)
{
  const struct node *s = node_resolve(seq);
  struct buf b;

  buf_init(&b, (size_t)1 << 20);
  if (!s || s->kind != NODE_SEQ)
    return FACET_EINVAL;
  if (!json && s->count && !(s->flags & NODE_FLOW)) {
    /* A block list: a "- " line of its own before the first item. */
    uint32_t dash = s->u.items[0]->span.start;

    while (dash > 0 && a->text[dash - 1] == ' ')
      dash--;
    if (dash > 0 && a->text[dash - 1] == '-')
      dash--;
    *at = span_make(dash, dash);
    buf_printf(&b, "- %s\n%*s", value, (int)schema__column(a, dash), "");
    return schema__finish(a, &b, text);
  }
  if (s->count) {
    const struct node *last = s->u.items[s->count - 1];

    *at = span_make(last->span.end, last->span.end);
    schema__flow_separator(a, s, last, &b);
  } else {
    *at = span_make(s->span.start + 1, s->span.start + 1);
  }
  buf_puts(&b, value);
  return schema__finish(a, &b, text);
}
