/*
 * The text of generated values, written the way a person would: JSON with
 * two-space indents and short lists on one line, YAML in block style with
 * plain scalars wherever a reader takes them as the same string. Keys keep
 * the order they were added in, so the output is the same every time.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crystal_internal.h"
#include "error.h"
#include "tree.h"

/* Lists of scalars go on one line while they fit this many columns. */
#define EMIT_WIDTH 76

static bool
emit__scalar(struct json_object *v)
{
  return !json_object_is_type(v, json_type_object) &&
         !json_object_is_type(v, json_type_array);
}

static void
emit__number(struct buf *out, struct json_object *v)
{
  double d = json_object_get_double(v);
  char tmp[40];

  if (json_object_is_type(v, json_type_int)) {
    buf_printf(out, "%lld", (long long)json_object_get_int64(v));
    return;
  }
  if (!isfinite(d))
    d = 0;
  snprintf(tmp, sizeof tmp, "%.15g", d);
  buf_puts(out, tmp);
  if (!strpbrk(tmp, ".eE"))
    buf_puts(out, ".0");
}

void
crystal_emit_json_string(struct buf *out, const char *s, size_t n)
{
  buf_putc(out, '"');
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];

    if (ch == '"' || ch == '\\')
      buf_printf(out, "\\%c", ch);
    else if (ch == '\n')
      buf_puts(out, "\\n");
    else if (ch == '\t')
      buf_puts(out, "\\t");
    else if (ch == '\r')
      buf_puts(out, "\\r");
    else if (ch < 0x20)
      buf_printf(out, "\\u%04x", ch);
    else
      buf_putc(out, (char)ch);
  }
  buf_putc(out, '"');
}

static void
emit__json_scalar(struct buf *out, struct json_object *v)
{
  switch (json_object_get_type(v)) {
  case json_type_null:
    buf_puts(out, "null");
    break;
  case json_type_boolean:
    buf_puts(out, json_object_get_boolean(v) ? "true" : "false");
    break;
  case json_type_int:
  case json_type_double:
    emit__number(out, v);
    break;
  case json_type_string:
    crystal_emit_json_string(out, json_object_get_string(v),
                             (size_t)json_object_get_string_len(v));
    break;
  default:
    break;
  }
}

/* The one-line form of a list of scalars, when it fits at col. */
static bool
emit__inline(struct buf *out, struct json_object *arr, size_t col,
             void (*scalar)(struct buf *, struct json_object *))
{
  size_t n = json_object_array_length(arr);
  size_t start = out->len;

  /* Ids and paths ("openai:gpt-4o", "file://a.j2") read better one a
   * line, as configs write them. */
  for (size_t i = 0; i < n; i++) {
    struct json_object *v = json_object_array_get_idx(arr, i);
    const char *s = json_object_get_string(v);

    if (!emit__scalar(v) || (json_object_is_type(v, json_type_string) &&
                             strpbrk(s, ":/")))
      return false;
  }
  buf_putc(out, '[');
  for (size_t i = 0; i < n; i++) {
    if (i)
      buf_puts(out, ", ");
    scalar(out, json_object_array_get_idx(arr, i));
  }
  buf_putc(out, ']');
  if (col + out->len - start <= EMIT_WIDTH && !memchr(out->data + start,
                                                      '\n', out->len - start))
    return true;
  out->len = start;
  out->data[start] = '\0';
  return false;
}

static size_t
emit__column(const struct buf *out)
{
  size_t i = out->len;

  while (i > 0 && out->data[i - 1] != '\n')
    i--;
  return out->len - i;
}

void
crystal_emit_json(struct buf *out, struct json_object *v, int indent)
{
  bool first = true;

  if (json_object_is_type(v, json_type_array)) {
    size_t n = json_object_array_length(v);

    if (n == 0 || emit__inline(out, v, emit__column(out),
                               emit__json_scalar)) {
      if (n == 0)
        buf_puts(out, "[]");
      return;
    }
    buf_puts(out, "[\n");
    for (size_t i = 0; i < n; i++) {
      buf_printf(out, "%s%*s", i ? ",\n" : "", indent + 2, "");
      crystal_emit_json(out, json_object_array_get_idx(v, i), indent + 2);
    }
    buf_printf(out, "\n%*s]", indent, "");
    return;
  }
  if (!json_object_is_type(v, json_type_object)) {
    emit__json_scalar(out, v);
    return;
  }
  if (json_object_object_length(v) == 0) {
    buf_puts(out, "{}");
    return;
  }
  buf_puts(out, "{\n");
  json_object_object_foreach(v, key, val) {
    buf_printf(out, "%s%*s", first ? "" : ",\n", indent + 2, "");
    crystal_emit_json_string(out, key, strlen(key));
    buf_puts(out, ": ");
    crystal_emit_json(out, val, indent + 2);
    first = false;
  }
  buf_printf(out, "\n%*s}", indent, "");
}

/* Whether s can be written as a plain YAML scalar and read back as the
 * same string, by YAML 1.1 and 1.2 readers alike. */
static bool
emit__plain(const char *s, size_t n, bool flow)
{
  static const char *const words[] = {
    "yes", "no", "on", "off", "y", "n", "true", "false", "null", "~",
  };

  if (n == 0 || strchr("-?:,[]{}#&*!|>'\"%@`", s[0]) || s[0] == ' ' ||
      s[n - 1] == ' ' || s[n - 1] == ':')
    return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)s[i];

    if (ch < 0x20 || (flow && strchr(",[]{}", ch)))
      return false;
    if ((ch == ':' && (i + 1 == n || s[i + 1] == ' ')) ||
        (ch == '#' && s[i - 1] == ' '))
      return false;
  }
  for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
    if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0)
      return false;
  return scalar_resolve(s, (uint32_t)n) == SCALAR_STRING;
}

static void
emit__yaml_quoted(struct buf *out, const char *s, size_t n)
{
  bool single = !memchr(s, '\'', n);

  for (size_t i = 0; single && i < n; i++)
    single = (unsigned char)s[i] >= 0x20;
  if (!single) {
    crystal_emit_json_string(out, s, n);
    return;
  }
  buf_putc(out, '\'');
  buf_append(out, s, n);
  buf_putc(out, '\'');
}

static void
emit__yaml_scalar_in(struct buf *out, struct json_object *v, bool flow)
{
  const char *s;
  size_t n;

  if (!json_object_is_type(v, json_type_string)) {
    emit__json_scalar(out, v);
    return;
  }
  s = json_object_get_string(v);
  n = (size_t)json_object_get_string_len(v);
  if (emit__plain(s, n, flow))
    buf_append(out, s, n);
  else
    emit__yaml_quoted(out, s, n);
}

static void
emit__yaml_flow_scalar(struct buf *out, struct json_object *v)
{
  emit__yaml_scalar_in(out, v, true);
}

void
crystal_emit_yaml_string(struct buf *out, const char *s, size_t n)
{
  if (emit__plain(s, n, false))
    buf_append(out, s, n);
  else
    emit__yaml_quoted(out, s, n);
}

/* A string of several lines as a literal block under a key. */
static bool
emit__yaml_block(struct buf *out, struct json_object *v, int indent)
{
  const char *s = json_object_get_string(v);
  size_t n = (size_t)json_object_get_string_len(v);
  size_t i = 0;

  if (!json_object_is_type(v, json_type_string) || !memchr(s, '\n', n) ||
      s[0] == ' ' || s[0] == '\n')
    return false;
  for (size_t k = 0; k < n; k++)
    if (((unsigned char)s[k] < 0x20 && s[k] != '\n') ||
        (s[k] == ' ' && (k + 1 == n || s[k + 1] == '\n')))
      return false;
  buf_puts(out, s[n - 1] == '\n' ? "|" : "|-");
  while (i < n) {
    const char *nl = memchr(s + i, '\n', n - i);
    size_t end = nl ? (size_t)(nl - s) : n;

    buf_putc(out, '\n');
    if (end > i)
      buf_printf(out, "%*s%.*s", indent, "", (int)(end - i), s + i);
    i = end + 1;
    if (nl && i == n)
      break;
  }
  return true;
}

static void emit__yaml_value(struct buf *out, struct json_object *v,
                             int indent);

void
crystal_emit_yaml_item(struct buf *out, struct json_object *v, int indent)
{
  buf_printf(out, "%*s-", indent, "");
  if (json_object_is_type(v, json_type_object) &&
      json_object_object_length(v) > 0) {
    bool first = true;

    buf_putc(out, ' ');
    json_object_object_foreach(v, key, val) {
      if (!first)
        buf_printf(out, "%*s", indent + 2, "");
      crystal_emit_yaml_string(out, key, strlen(key));
      buf_putc(out, ':');
      emit__yaml_value(out, val, indent + 2);
      first = false;
    }
    return;
  }
  if (json_object_is_type(v, json_type_array) &&
      json_object_array_length(v) > 0) {
    buf_putc(out, '\n');
    for (size_t i = 0; i < json_object_array_length(v); i++)
      crystal_emit_yaml_item(out, json_object_array_get_idx(v, i),
                             indent + 2);
    return;
  }
  emit__yaml_value(out, v, indent);
}

/* What follows "key:" (and the line's end): " scalar", or the block. */
static void
emit__yaml_value(struct buf *out, struct json_object *v, int indent)
{
  if (json_object_is_type(v, json_type_object) &&
      json_object_object_length(v) > 0) {
    buf_putc(out, '\n');
    crystal_emit_yaml(out, v, indent + 2);
    return;
  }
  if (json_object_is_type(v, json_type_array) &&
      json_object_array_length(v) > 0) {
    buf_putc(out, ' ');
    if (emit__inline(out, v, emit__column(out), emit__yaml_flow_scalar)) {
      buf_putc(out, '\n');
      return;
    }
    out->data[--out->len] = '\0';
    buf_putc(out, '\n');
    for (size_t i = 0; i < json_object_array_length(v); i++)
      crystal_emit_yaml_item(out, json_object_array_get_idx(v, i),
                             indent + 2);
    return;
  }
  buf_putc(out, ' ');
  if (json_object_is_type(v, json_type_object))
    buf_puts(out, "{}");
  else if (json_object_is_type(v, json_type_array))
    buf_puts(out, "[]");
  else if (!emit__yaml_block(out, v, indent + 2))
    emit__yaml_scalar_in(out, v, false);
  buf_putc(out, '\n');
}

void
crystal_emit_yaml(struct buf *out, struct json_object *v, int indent)
{
  if (json_object_is_type(v, json_type_array)) {
    for (size_t i = 0; i < json_object_array_length(v); i++)
      crystal_emit_yaml_item(out, json_object_array_get_idx(v, i), indent);
    return;
  }
  if (!json_object_is_type(v, json_type_object))
    return;
  json_object_object_foreach(v, key, val) {
    buf_printf(out, "%*s", indent, "");
    crystal_emit_yaml_string(out, key, strlen(key));
    buf_putc(out, ':');
    emit__yaml_value(out, val, indent);
  }
}

void
crystal_buf_check(struct crystal *c, const struct buf *b)
{
  if (b->err && !c->text_err)
    c->text_err = b->err;
}

char *
crystal_buf_keep(struct crystal *c, struct buf *b)
{
  char *s = arena_strndup(c->arena, b->data ? b->data : "", b->len);

  crystal_buf_check(c, b);
  if (!s && !c->text_err)
    c->text_err = FACET_ENOMEM;

  buf_release(b);
  return s;
}
