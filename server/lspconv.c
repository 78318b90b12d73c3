#include "lspconv.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "buf.h"
#include "error.h"
#include "navigate.h"
#include "schema_nav.h"
#include "tree.h"
#include "utf8.h"

/* A hover is prose; past this it is a dump. */
#define LSPCONV_HOVER_MAX 8192

/* Adds value under a literal key to a fresh object: the key is neither
 * copied nor looked up first (diagnostics are built by the hundred on each
 * edit of a large file). */
static void
lspconv__put(json_object *o, const char *literal_key, json_object *value)
{
  json_object_object_add_ex(o, literal_key, value,
                            JSON_C_OBJECT_ADD_KEY_IS_NEW |
                              JSON_C_OBJECT_KEY_IS_CONSTANT);
}

/* The line and character of byte offset off, as LSP counts them. */
static void
lspconv__where(const struct source *src, uint32_t off,
               enum position_encoding enc, uint32_t *line, size_t *character)
{
  uint32_t start;
  uint32_t end;

  if (off > src->len)
    off = src->len;
  *line = source_line_of(src, off);
  start = source_line_start(src, *line);
  end = source_line_end(src, *line);
  if (off > end)
    off = end;
  *character = position_units_from_bytes(src->text + start, end - start,
                                         off - start, enc);
}

json_object *
lspconv_position(const struct source *src, uint32_t off,
                 enum position_encoding enc)
{
  json_object *pos = json_object_new_object();
  uint32_t line;
  size_t character;

  lspconv__where(src, off, enc, &line, &character);
  lspconv__put(pos, "line", json_object_new_int64(line));
  lspconv__put(pos, "character",
               json_object_new_int64((int64_t)character));
  return pos;
}

json_object *
lspconv_range(const struct source *src, struct span span,
              enum position_encoding enc)
{
  json_object *range = json_object_new_object();

  lspconv__put(range, "start",
                         lspconv_position(src, span.start, enc));
  lspconv__put(range, "end", lspconv_position(src, span.end, enc));
  return range;
}

int
lspconv_offset(const struct source *src, int64_t line, int64_t character,
               enum position_encoding enc, uint32_t *off)
{
  uint32_t start;
  uint32_t end;

  if (line < 0 || character < 0)
    return FACET_EINVAL;
  if (line >= src->line_count) {
    *off = src->len;
    return 0;
  }
  start = source_line_start(src, (uint32_t)line);
  end = source_line_end(src, (uint32_t)line);
  *off = start + (uint32_t)position_bytes_from_units(src->text + start,
                                                     end - start,
                                                     (size_t)character, enc);
  return 0;
}

int
lspconv_read_position(json_object *pos, int64_t *line, int64_t *character)
{
  json_object *l;
  json_object *c;

  if (!json_object_is_type(pos, json_type_object) ||
      !json_object_object_get_ex(pos, "line", &l) ||
      !json_object_object_get_ex(pos, "character", &c) ||
      !json_object_is_type(l, json_type_int) ||
      !json_object_is_type(c, json_type_int))
    return FACET_EINVAL;
  *line = json_object_get_int64(l);
  *character = json_object_get_int64(c);
  return *line < 0 || *character < 0 ? FACET_EINVAL : 0;
}

json_object *
lspconv_diagnostic(const struct source *src, const struct diagnostic *d,
                   enum position_encoding enc)
{
  json_object *o = json_object_new_object();

  lspconv__put(o, "range", lspconv_range(src, d->span, enc));
  lspconv__put(o, "severity", json_object_new_int(d->severity));
  lspconv__put(o, "code", json_object_new_string(
                           diag_code_info(d->code)->name));
  lspconv__put(o, "source", json_object_new_string("facet"));
  lspconv__put(o, "message", json_object_new_string(d->message));
  if (d->replacement) {
    json_object *data = json_object_new_object();

    lspconv__put(data, "replacement",
                           json_object_new_string(d->replacement));
    lspconv__put(o, "data", data);
  }
  return o;
}

/* s as a JSON string, escaped as json-c escapes it with
 * JSON_C_TO_STRING_NOSLASHESCAPE, so that the text is the same either
 * way. */
static void
lspconv__json_string(struct buf *out, const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const char *run = s;

  buf_putc(out, '"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    char esc[7] = { '\\', 0, 0, 0, 0, 0, 0 };
    size_t n = 2;

    switch (c) {
    case '\b': esc[1] = 'b'; break;
    case '\n': esc[1] = 'n'; break;
    case '\r': esc[1] = 'r'; break;
    case '\t': esc[1] = 't'; break;
    case '\f': esc[1] = 'f'; break;
    case '"': esc[1] = '"'; break;
    case '\\': esc[1] = '\\'; break;
    default:
      if (c >= 0x20)
        continue;
      memcpy(esc + 1, "u00", 3);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 0xf];
      n = 6;
    }
    buf_append(out, run, (size_t)(s - run));
    buf_append(out, esc, n);
    run = s + 1;
  }
  buf_append(out, run, (size_t)(s - run));
  buf_putc(out, '"');
}

/* A number in decimal, without printf's parsing of a format each time. */
static void
lspconv__number(struct buf *out, uint64_t v)
{
  char digits[24];
  size_t n = sizeof digits;

  do {
    digits[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  buf_append(out, digits + n, sizeof digits - n);
}

static void
lspconv__position_text(struct buf *out, const char *key,
                       const struct source *src, uint32_t off,
                       enum position_encoding enc)
{
  uint32_t line;
  size_t character;

  lspconv__where(src, off, enc, &line, &character);
  buf_putc(out, '"');
  buf_puts(out, key);
  buf_puts(out, "\":{\"line\":");
  lspconv__number(out, line);
  buf_puts(out, ",\"character\":");
  lspconv__number(out, character);
  buf_putc(out, '}');
}

void
lspconv_diagnostic_text(struct buf *out, const struct source *src,
                        const struct diagnostic *d,
                        enum position_encoding enc)
{
  buf_puts(out, "{\"range\":{");
  lspconv__position_text(out, "start", src, d->span.start, enc);
  buf_putc(out, ',');
  lspconv__position_text(out, "end", src, d->span.end, enc);
  buf_puts(out, "},\"severity\":");
  lspconv__number(out, (uint64_t)d->severity);
  buf_puts(out, ",\"code\":");
  lspconv__json_string(out, diag_code_info(d->code)->name);
  buf_puts(out, ",\"source\":\"facet\",\"message\":");
  lspconv__json_string(out, d->message);
  if (d->replacement) {
    buf_puts(out, ",\"data\":{\"replacement\":");
    lspconv__json_string(out, d->replacement);
    buf_putc(out, '}');
  }
  buf_putc(out, '}');
}

json_object *
lspconv_diagnostics(const struct artifact *a, enum position_encoding enc)
{
  json_object *list = json_object_new_array();

  for (size_t i = 0; a && i < a->diags.count; i++)
    json_object_array_add(list, lspconv_diagnostic(&a->src,
                                                   &a->diags.items[i], enc));
  return list;
}

/*
 * The span a replacement edits: d's span, without the quotes around it when
 * it holds a quoted scalar, since a replacement is of the scalar's text.
 */
static struct span
lspconv__replaced(const struct artifact *a, const struct diagnostic *d)
{
  struct span s = d->span;
  char q = s.end - s.start >= 2 ? a->text[s.start] : 0;

  if ((q == '"' || q == '\'') && a->text[s.end - 1] == q &&
      d->replacement[0] != q) {
    s.start++;
    s.end--;
  }
  return s;
}

static json_object *
lspconv__text_edit(const struct artifact *a, struct span span,
                   const char *text, enum position_encoding enc)
{
  json_object *edit = json_object_new_object();

  json_object_object_add(edit, "range", lspconv_range(&a->src, span, enc));
  json_object_object_add(edit, "newText", json_object_new_string(text));
  return edit;
}

/* One quick fix: d's fix, or its replacement of d's text. */
static json_object *
lspconv__quick_fix(const struct artifact *a, const struct diagnostic *d,
                   const char *uri, enum position_encoding enc)
{
  json_object *action = json_object_new_object();
  json_object *diags = json_object_new_array();
  json_object *edit = json_object_new_object();
  json_object *changes = json_object_new_object();
  json_object *edits = json_object_new_array();
  char title[256];

  if (d->fix) {
    snprintf(title, sizeof title, "%s", d->fix->title);
    for (uint32_t i = 0; i < d->fix->count; i++)
      json_object_array_add(edits, lspconv__text_edit(
        a, d->fix->edits[i].span, d->fix->edits[i].text, enc));
  } else {
    struct span s = lspconv__replaced(a, d);

    snprintf(title, sizeof title, "Replace '%.*s' with '%s'",
             (int)(s.end - s.start), a->text + s.start, d->replacement);
    json_object_array_add(edits, lspconv__text_edit(a, s, d->replacement,
                                                    enc));
  }
  json_object_object_add(changes, uri, edits);
  json_object_object_add(edit, "changes", changes);
  json_object_array_add(diags, lspconv_diagnostic(&a->src, d, enc));
  json_object_object_add(action, "title", json_object_new_string(title));
  json_object_object_add(action, "kind", json_object_new_string("quickfix"));
  json_object_object_add(action, "diagnostics", diags);
  json_object_object_add(action, "isPreferred", json_object_new_boolean(1));
  json_object_object_add(action, "edit", edit);
  return action;
}

json_object *
lspconv_quick_fixes(const struct artifact *a, const char *uri,
                    struct span span, enum position_encoding enc)
{
  json_object *actions = json_object_new_array();

  for (size_t i = 0; i < a->diags.count; i++) {
    const struct diagnostic *d = &a->diags.items[i];

    if ((d->replacement || d->fix) && d->span.start <= span.end &&
        span.start <= d->span.end)
      json_object_array_add(actions, lspconv__quick_fix(a, d, uri, enc));
  }
  return actions;
}

void
lspconv_grade_line(const struct artifact *a, char *out, size_t size)
{
  if (a->grade.next)
    snprintf(out, size, "grade: %s \xC2\xB7 next: %s",
             grade_name(a->grade.level), a->grade.next);
  else
    snprintf(out, size, "grade: %s", grade_name(a->grade.level));
}

/* "loose > structured > [schema] > eval > code", with the grade marked. */
static void
lspconv__ladder(struct buf *out, enum grade_level level, int markdown)
{
  for (int g = 0; g < GRADE__COUNT; g++) {
    const char *name = grade_name((enum grade_level)g);

    if (g)
      buf_puts(out, " \xE2\x86\x92 ");  /* a right arrow */
    if (g == (int)level)
      buf_printf(out, markdown ? "**%s**" : "[%s]", name);
    else
      buf_puts(out, name);
  }
}

char *
lspconv_grade_text(const struct artifact *a, int markdown, const char *extra)
{
  const struct grade *g = &a->grade;
  struct buf out;

  buf_init(&out, LSPCONV_HOVER_MAX);
  if (markdown)
    buf_printf(&out, "**facet** \xC2\xB7 %s \xC2\xB7 grade **%s**\n\n",
               artifact_format_title(a->format), grade_name(g->level));
  else
    buf_printf(&out, "%s: grade %s. ", artifact_format_title(a->format),
               grade_name(g->level));
  lspconv__ladder(&out, g->level, markdown);
  /* What the prompt costs to send, so size creep shows where it is
   * written; an estimate without the tokenizer (docs/tokens.md). */
  if (a->tokens)
    buf_printf(&out, markdown ? "\n\nSize: about %u token%s (estimated; "
               "usually within 10 %% of OpenAI's tokenizers for English)"
               : ". Size: about %u token%s", a->tokens,
               a->tokens == 1 ? "" : "s");
  buf_puts(&out, markdown ? "\n\nWhy:\n" : ". Why: ");
  for (size_t i = 0; i < g->nreasons; i++)
    buf_printf(&out, markdown ? "- %s\n" : "%s%s", g->reasons[i],
               markdown ? "" : (i + 1 < g->nreasons ? "; " : "."));
  if (extra)
    buf_puts(&out, extra);
  if (g->next)
    buf_printf(&out, markdown ? "\n**Next step:** %s\n" : " Next: %s.",
               g->next);
  return buf_detach(&out);
}

/* Where the grade hover answers: the first line and the frontmatter. */
static struct span
lspconv__grade_area(const struct artifact *a)
{
  struct span area = span_make(0, source_line_end(&a->src, 0));

  if (a->fm.present)
    area.end = a->fm.closed ? a->fm.close.end : a->src.len;
  return area;
}

/* Characters of a default or sample value a hover shows. */
#define LSPCONV_VALUE_SHOWN 80

/*
 * A default or sample value as a hover shows it: a scalar's value as the
 * loader reads it (no YAML quotes), a collection as written; on one line,
 * cut at a character boundary with an ellipsis when long.
 */
static void
lspconv__value_text(const struct artifact *a, const struct node *value,
                    struct buf *out)
{
  const struct node *v = node_resolve(value);
  const char *s = v->kind == NODE_SCALAR ? v->u.scalar.str
                                         : a->text + value->span.start;
  size_t n = v->kind == NODE_SCALAR ? v->u.scalar.len
                                    : value->span.end - value->span.start;
  size_t shown = 0;
  size_t i = 0;

  while (i < n && shown < LSPCONV_VALUE_SHOWN) {
    uint32_t cp;
    int len = utf8_decode(s + i, n - i, &cp);

    if (cp == '\n' || cp == '\r' || cp == '\t' || cp == '`')
      buf_append(out, cp == '`' ? "'" : " ", 1);
    else
      buf_append(out, s + i, (size_t)len);
    i += (size_t)len;
    shown++;
  }
  if (i < n)
    buf_append(out, "\xE2\x80\xA6", 3);
}

/* What a variable's hover says: its declaration and how it is read. */
static char *
lspconv__variable_text(const struct artifact *a, const struct nav_target *t)
{
  const struct input_decl *d = t->decl;
  unsigned reads = t->var ? t->var->uses : 0;
  struct buf out;

  buf_init(&out, LSPCONV_HOVER_MAX);
  buf_printf(&out, "**%s** \xC2\xB7 %s", t->name,
             d ? "input" : "template variable");
  if (d && d->type)
    buf_printf(&out, " \xC2\xB7 `%s`", d->type);
  if (d && d->description)
    buf_printf(&out, "\n\n%s", d->description);
  if (d && d->value) {
    buf_printf(&out, "\n\nDefault or sample: `");
    lspconv__value_text(a, d->value, &out);
    buf_printf(&out, "`");
  }
  buf_printf(&out, "\n\n%s%s%s \xC2\xB7 read %u time%s by the template",
             d ? "Declared in `" : "Not declared in the header",
             d && d->where ? d->where : "", d ? "`" : "", reads,
             reads == 1 ? "" : "s");
  return buf_detach(&out);
}

static json_object *
lspconv__markdown_hover(const struct artifact *a, char *text,
                        struct span range, enum position_encoding enc)
{
  json_object *hover;
  json_object *contents;

  if (!text)
    return NULL;
  hover = json_object_new_object();
  contents = json_object_new_object();
  json_object_object_add(contents, "kind", json_object_new_string("markdown"));
  json_object_object_add(contents, "value", json_object_new_string(text));
  json_object_object_add(hover, "contents", contents);
  json_object_object_add(hover, "range", lspconv_range(&a->src, range, enc));
  free(text);
  return hover;
}

json_object *
lspconv_hover(const struct artifact *a, uint32_t off,
              enum position_encoding enc, const char *extra)
{
  struct nav_target t;
  struct schema_nav n;
  struct span area;

  if (!a)
    return NULL;
  if (navigate_at(a, off, &t))
    return lspconv__markdown_hover(a, lspconv__variable_text(a, &t), t.span,
                                   enc);
  if (schema_nav_at(a, off, &n))
    return lspconv__markdown_hover(a, schema_nav_hover(a, &n), n.span, enc);
  if (!a->grade.graded)
    return NULL;
  area = lspconv__grade_area(a);
  if (off < area.start || off > area.end)
    return NULL;
  return lspconv__markdown_hover(a, lspconv_grade_text(a, 1, extra), area,
                                 enc);
}

json_object *
lspconv_code_lenses(const struct artifact *a, const char *uri,
                    enum position_encoding enc)
{
  json_object *lenses = json_object_new_array();
  json_object *lens;
  json_object *command;
  json_object *args;
  char title[512];
  uint32_t at;

  if (!a || !a->grade.graded)
    return lenses;
  at = a->fm.present ? a->fm.open.start : 0;
  lspconv_grade_line(a, title, sizeof title);
  lens = json_object_new_object();
  command = json_object_new_object();
  args = json_object_new_array();
  json_object_array_add(args, json_object_new_string(uri));
  json_object_object_add(command, "title", json_object_new_string(title));
  json_object_object_add(command, "command",
                         json_object_new_string("facet.showGrade"));
  json_object_object_add(command, "arguments", args);
  json_object_object_add(lens, "range",
                         lspconv_range(&a->src, span_make(at, at), enc));
  json_object_object_add(lens, "command", command);
  json_object_array_add(lenses, lens);
  return lenses;
}
