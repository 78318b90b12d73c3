#include "ts_tree.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <json-c/json.h>
#include <tree_sitter/api.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "tree.h"
#include "utf8.h"

const TSLanguage *tree_sitter_json(void);
const TSLanguage *tree_sitter_yaml(void);
const TSLanguage *tree_sitter_markdown(void);

static const struct {
  const char *name;
  const TSLanguage *(*language)(void);
} ts__grammars[TS_GRAMMAR__COUNT] = {
  [TS_GRAMMAR_JSON] = { "tree-sitter-json", tree_sitter_json },
  [TS_GRAMMAR_YAML] = { "tree-sitter-yaml", tree_sitter_yaml },
  [TS_GRAMMAR_MARKDOWN] = { "tree-sitter-markdown", tree_sitter_markdown },
};

const char *
ts_grammar_name(enum ts_grammar g)
{
  return ts__grammars[g].name;
}

uint32_t
ts_grammar_abi(enum ts_grammar g)
{
  return ts_language_version(ts__grammars[g].language());
}

int
ts_abi_check(const char *name, uint32_t abi, struct buf *why)
{
  if (abi >= TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION &&
      abi <= TREE_SITTER_LANGUAGE_VERSION)
    return 0;
  buf_printf(why,
             "%s was generated for tree-sitter ABI %u, but the linked "
             "tree-sitter library loads ABI %u to %u; install a grammar "
             "version built for this ABI (see package.json)\n",
             name, abi, TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION,
             TREE_SITTER_LANGUAGE_VERSION);
  return FACET_EINVAL;
}

int
ts_grammars_check(struct buf *why)
{
  int rc = 0;

  for (int g = 0; g < TS_GRAMMAR__COUNT; g++)
    if (ts_abi_check(ts__grammars[g].name, ts_grammar_abi((enum ts_grammar)g),
                     why))
      rc = FACET_EINVAL;
  return rc;
}

/* The longest one tree-sitter parse may take. */
#define TS_PARSE_TIMEOUT_US (5u * 1000 * 1000)

/* Parses text in span with grammar g; NULL if the language will not load,
 * memory ran out or the parse took too long. */
static TSTree *
ts__parse(enum ts_grammar g, const struct source *src, struct span span)
{
  TSParser *parser = ts_parser_new();
  TSTree *tree = NULL;

  if (!parser)
    return NULL;
  /* Error recovery on hostile input can take long; a file gets this much
   * and then goes without a tree rather than stall the server. */
  ts_parser_set_timeout_micros(parser, TS_PARSE_TIMEOUT_US);
  if (ts_parser_set_language(parser, ts__grammars[g].language()))
    tree = ts_parser_parse_string(parser, NULL, src->text + span.start,
                                  span.end - span.start);
  ts_parser_delete(parser);
  return tree;
}

/* State shared by the recursive builders below. */
struct ts_builder {
  struct arena *arena;
  const struct source *src;
  struct diag_list *diags;
  uint32_t base;
  bool reported_depth;
  int rc;
};

static struct span
ts__span(const struct ts_builder *b, TSNode n)
{
  return span_make(b->base + ts_node_start_byte(n),
                   b->base + ts_node_end_byte(n));
}

static bool
ts__is(TSNode n, const char *type)
{
  return strcmp(ts_node_type(n), type) == 0;
}

static struct node *
ts__too_deep(struct ts_builder *b, TSNode n)
{
  struct span s = ts__span(b, n);

  if (!b->reported_depth) {
    diag_add(b->diags, DIAG_TOO_DEEP, span_make(s.start, s.start),
             "nesting deeper than %d levels is not analysed",
             TREE_DEPTH_MAX);
    b->reported_depth = true;
  }
  return node_new_scalar(b->arena, s, "", 0, NODE_PARTIAL);
}

/* A growable array of child pointers used while a collection is built. */
struct ts_items {
  struct node **v;
  uint32_t n;
  uint32_t cap;
};

static int
ts__items_push(struct ts_items *it, struct node *node)
{
  if (it->n == it->cap) {
    uint32_t cap = it->cap ? it->cap * 2 : 16;
    struct node **v = realloc(it->v, cap * sizeof *v);

    if (!v)
      return FACET_ENOMEM;
    it->v = v;
    it->cap = cap;
  }
  it->v[it->n++] = node;
  return 0;
}

static uint32_t
ts__hex4(const char *s)
{
  char digits[5] = { s[0], s[1], s[2], s[3], 0 };

  return (uint32_t)strtoul(digits, NULL, 16);
}

/*
 * Appends the UTF-8 of the escape at s (len bytes available), joining a
 * surrogate pair; returns how many bytes it consumed.
 */
static uint32_t
ts__json_escape(struct buf *out, const char *s, uint32_t len)
{
  char enc[4];
  uint32_t cp;
  uint32_t used = 6;

  if (len < 2)
    return len;
  switch (s[1]) {
  case 'b': buf_putc(out, '\b'); return 2;
  case 'f': buf_putc(out, '\f'); return 2;
  case 'n': buf_putc(out, '\n'); return 2;
  case 'r': buf_putc(out, '\r'); return 2;
  case 't': buf_putc(out, '\t'); return 2;
  case 'u': break;
  default: buf_putc(out, s[1]); return 2;
  }
  if (len < 6)
    return len;
  cp = ts__hex4(s + 2);
  if (cp >= 0xD800 && cp < 0xDC00 && len >= 12 && s[6] == '\\' &&
      s[7] == 'u' && ts__hex4(s + 8) >= 0xDC00 && ts__hex4(s + 8) < 0xE000) {
    cp = 0x10000 + ((cp - 0xD800) << 10) + (ts__hex4(s + 8) - 0xDC00);
    used = 12;
  } else if (cp >= 0xD800 && cp < 0xE000) {
    cp = UTF8_REPLACEMENT;
  }
  buf_append(out, enc, (size_t)utf8_encode(cp, enc));
  return used;
}

/* Decodes the text between a JSON string's quotes, escapes included. */
static struct node *
ts__json_string(struct ts_builder *b, TSNode n)
{
  struct span s = ts__span(b, n);
  const char *p = b->src->text + s.start + 1;
  uint32_t len = s.end - s.start >= 2 ? s.end - s.start - 2 : 0;
  struct buf text;
  struct node *out;

  buf_init(&text, b->src->len);
  for (uint32_t i = 0; i < len;) {
    if (p[i] == '\\')
      i += ts__json_escape(&text, p + i, len - i);
    else
      buf_putc(&text, p[i++]);
  }
  out = node_new_scalar(b->arena, s, text.data ? text.data : "",
                        (uint32_t)text.len, NODE_QUOTED);
  buf_release(&text);
  return out;
}

static struct node *ts__json_value(struct ts_builder *b, TSNode n, int depth);

/* Comments and ERROR nodes hold no values; syntax is reported apart. */
static bool
ts__json_skip(struct ts_builder *b, TSNode n)
{
  (void)b;
  return ts__is(n, "comment") || ts__is(n, "ERROR");
}

static struct node *
ts__json_collection(struct ts_builder *b, TSNode n, int depth, bool object)
{
  struct ts_items items = { 0 };
  struct node *out = NULL;
  uint32_t count = ts_node_named_child_count(n);

  for (uint32_t i = 0; i < count && b->rc == 0; i++) {
    TSNode c = ts_node_named_child(n, i);

    if (ts__json_skip(b, c))
      continue;
    if (object) {
      TSNode k = ts_node_child_by_field_name(c, "key", 3);
      TSNode v = ts_node_child_by_field_name(c, "value", 5);

      if (!ts__is(c, "pair") || ts_node_is_null(k) || ts_node_is_missing(k))
        continue;
      ts__items_push(&items, ts__json_value(b, k, depth + 1));
      ts__items_push(&items, ts_node_is_null(v) || ts_node_is_missing(v)
                               ? node_new_scalar(b->arena, ts__span(b, c),
                                                 "", 0, NODE_PARTIAL)
                               : ts__json_value(b, v, depth + 1));
    } else {
      ts__items_push(&items, ts__json_value(b, c, depth + 1));
    }
  }
  for (uint32_t i = 0; i < items.n; i++)
    if (!items.v[i])
      b->rc = FACET_ENOMEM;
  if (b->rc == 0)
    out = node_new_collection(b->arena, object ? NODE_MAP : NODE_SEQ,
                              ts__span(b, n), items.v,
                              object ? items.n / 2 : items.n,
                              ts_node_has_error(n) ? NODE_PARTIAL : 0);
  free(items.v);
  return out;
}

static struct node *
ts__json_value(struct ts_builder *b, TSNode n, int depth)
{
  struct span s = ts__span(b, n);
  const char *p = b->src->text + s.start;
  struct node *out;

  if (depth >= TREE_DEPTH_MAX)
    return ts__too_deep(b, n);
  if (ts__is(n, "object") || ts__is(n, "array"))
    return ts__json_collection(b, n, depth, ts__is(n, "object"));
  if (ts__is(n, "string"))
    return ts__json_string(b, n);
  out = node_new_scalar(b->arena, s, p, s.end - s.start, 0);
  if (out && ts__is(n, "number"))
    out->type = memchr(p, '.', s.end - s.start) ||
                    memchr(p, 'e', s.end - s.start) ||
                    memchr(p, 'E', s.end - s.start)
                  ? SCALAR_FLOAT : SCALAR_INT;
  else if (out && !ts__is(n, "true") && !ts__is(n, "false") &&
           !ts__is(n, "null"))
    out->type = SCALAR_STRING;
  return out;
}

/* Past this many, more syntax errors in one file only add noise. */
#define TS_SYNTAX_REPORTS_MAX 50

/* Describes the text at the start of an ERROR node for its message. */
static void
ts__report_error(struct ts_builder *b, TSNode n, enum diag_code code)
{
  struct span s = ts__span(b, n);
  const char *p = b->src->text + s.start;
  uint32_t len = 0;
  uint32_t cp;

  while (s.start + len < s.end && (p[len] == ' ' || p[len] == '\t' ||
                                   p[len] == '\n' || p[len] == '\r'))
    len++;
  s.start += len;
  p += len;
  if (s.start >= s.end) {
    diag_add(b->diags, code, span_make(s.start, s.start), "syntax error");
    return;
  }
  len = (uint32_t)utf8_decode(p, s.end - s.start, &cp);
  if (cp == '"' || cp == '\'') {
    diag_add(b->diags, code, span_make(s.start, s.end),
             "unexpected string here");
    return;
  }
  diag_add(b->diags, code, span_make(s.start, s.start + len),
           "unexpected '%.*s'", (int)len, p);
}

static void
ts__report_missing(struct ts_builder *b, TSNode n, enum diag_code code)
{
  struct span s = ts__span(b, n);
  const char *what = ts_node_type(n);

  if (strlen(what) <= 2)
    diag_add(b->diags, code, s, "expected '%s'", what);
  else
    diag_add(b->diags, code, s, "expected a %s", what);
}

/* Reports every ERROR and MISSING node, descending only where they are. */
static void
ts__report_syntax(struct ts_builder *b, TSTree *tree, enum diag_code code)
{
  TSTreeCursor cur = ts_tree_cursor_new(ts_tree_root_node(tree));
  int reports = 0;

  while (reports < TS_SYNTAX_REPORTS_MAX) {
    TSNode n = ts_tree_cursor_current_node(&cur);
    bool descend = false;

    if (ts__is(n, "ERROR")) {
      ts__report_error(b, n, code);
      reports++;
    } else if (ts_node_is_missing(n)) {
      ts__report_missing(b, n, code);
      reports++;
    } else {
      descend = ts_node_has_error(n);
    }
    if (descend && ts_tree_cursor_goto_first_child(&cur))
      continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur))
        goto out;
  }
out:
  ts_tree_cursor_delete(&cur);
}

/* Whether the len bytes at p (not NUL-terminated) are all blank. */
static bool
ts__blank(const char *p, uint32_t len)
{
  for (uint32_t i = 0; i < len; i++)
    if (!strchr(" \t\r\n", p[i]) || p[i] == '\0')
      return false;
  return true;
}

/* The offset of the last non-blank byte before at, or at itself. */
static uint32_t
ts__before_blank(const char *s, uint32_t at)
{
  uint32_t i = at;

  while (i > 0 && strchr(" \t\r\n", s[i - 1]))
    i--;
  return i > 0 ? i - 1 : at;
}

/*
 * A bad literal (tru, 01, NaN) or a stray character at at: name the whole
 * word, which json-c's position ends or starts.
 */
static void
ts__json_bad_token(struct ts_builder *b, const char *p, uint32_t len,
                   uint32_t at)
{
  uint32_t start = at;
  uint32_t end = at;
  uint32_t cp;

  while (start > 0 && (isalnum((unsigned char)p[start - 1]) ||
                       strchr("+-.", p[start - 1])))
    start--;
  if (start == at)
    while (end < len && (isalnum((unsigned char)p[end]) ||
                         strchr("+-.", p[end])))
      end++;
  if (start < end) {
    diag_add(b->diags, DIAG_JSON_SYNTAX,
             span_make(b->base + start, b->base + end),
             "'%.*s' is not a JSON value (a string, number, object, array, "
             "true, false or null)", (int)(end - start), p + start);
    return;
  }
  end = at + (uint32_t)utf8_decode(p + at, len - at, &cp);
  diag_add(b->diags, DIAG_JSON_SYNTAX,
           span_make(b->base + at, b->base + end), "unexpected '%.*s'",
           (int)(end - at), p + at);
}

/*
 * What is left open at the end of a JSON text that stops too early: a
 * string, a value after ':' or ',', or the innermost array or object.
 */
static const char *
ts__json_eof_why(const char *p, uint32_t len)
{
  char open[64];         /* the innermost brackets; deeper is rare */
  size_t depth = 0;
  bool in_string = false;
  char last = '\0';       /* the last byte that is not blank */

  for (uint32_t i = 0; i < len; i++) {
    char c = p[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = false;
      last = '"';
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[') {
      if (depth < sizeof open)
        open[depth] = c;
      depth++;
    } else if ((c == '}' || c == ']') && depth)
      depth--;
    if (!strchr(" \t\r\n", c))
      last = c;
  }
  if (in_string)
    return "the JSON ends inside a string: its closing '\"' is missing";
  if (last == ':')
    return "the JSON ends after ':' where the key's value belongs";
  if (last == ',')
    return depth && depth <= sizeof open && open[depth - 1] == '{'
             ? "the JSON ends after ',' where the next key belongs"
             : "the JSON ends after ',' where another value belongs";
  if (depth && depth <= sizeof open)
    return open[depth - 1] == '{' ? "the JSON ends too early: an object is "
                                    "not closed with '}'"
                                  : "the JSON ends too early: an array is "
                                    "not closed with ']'";
  return "the JSON ends too early: a string, ']' or '}' is not closed";
}

/*
 * Words json-c's error as a person would, at the byte where it applies.
 * p is the whole JSON text, at the offset where json-c stopped.
 */
static void
ts__json_c_error(struct ts_builder *b, enum json_tokener_error e,
                 const char *p, uint32_t len, uint32_t at)
{
  uint32_t abs = b->base + at;
  uint32_t prev = ts__before_blank(p, at);
  char c = at < len ? p[at] : '\0';

  if (ts__blank(p, len))
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(b->base, b->base),
             "the file is empty: a JSON document needs a value");
  else if (e == json_tokener_error_parse_eof || at >= len)
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(b->base + len,
                                                   b->base + len),
             "%s", ts__json_eof_why(p, len));
  else if (c == '/' && at + 1 < len && (p[at + 1] == '/' || p[at + 1] == '*'))
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(abs, abs + 2),
             "comments are not allowed in JSON");
  else if ((c == '}' || c == ']') && p[prev] == ',')
    diag_add(b->diags, DIAG_JSON_SYNTAX,
             span_make(b->base + prev, b->base + prev + 1),
             "trailing comma before '%c'", c);
  else if (e == json_tokener_error_parse_object_value_sep)
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(abs, abs + 1),
             "expected ',' or '}' after the value before this");
  else if (e == json_tokener_error_parse_array)
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(abs, abs + 1),
             "expected ',' or ']' after the value before this");
  else if (e == json_tokener_error_parse_object_key_sep)
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(abs, abs + 1),
             "expected ':' after the key before this");
  else if (e == json_tokener_error_parse_string)
    diag_add(b->diags, DIAG_JSON_SYNTAX, span_make(abs, abs + 1),
             "invalid escape in a string");
  else
    ts__json_bad_token(b, p, len, at);
}

/*
 * The offset of the bracket that opens level TREE_DEPTH_MAX + 1 of the
 * JSON text p, outside strings, or len when there is none.
 */
static uint32_t
ts__json_too_deep_at(const char *p, uint32_t len)
{
  uint32_t depth = 0;
  bool in_string = false;

  for (uint32_t i = 0; i < len; i++) {
    if (in_string) {
      if (p[i] == '\\')
        i++;
      else if (p[i] == '"')
        in_string = false;
    } else if (p[i] == '"') {
      in_string = true;
    } else if (p[i] == '[' || p[i] == '{') {
      if (++depth > TREE_DEPTH_MAX)
        return i;
    } else if ((p[i] == ']' || p[i] == '}') && depth) {
      depth--;
    }
  }
  return len;
}

/*
 * json-c in strict mode finds the first syntax error and says what was
 * expected; tree-sitter's recovery says it less clearly, so it only speaks
 * for what json-c accepts (single quotes, NaN). Returns whether json-c
 * found an error.
 */
static bool
ts__json_first_error(struct ts_builder *b, const char *p, uint32_t len)
{
  struct json_tokener *tok = json_tokener_new_ex(TREE_DEPTH_MAX * 2);
  enum json_tokener_error e;
  json_object *value;
  uint32_t end;

  if (!tok)
    return false;
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  value = json_tokener_parse_ex(tok, p, (int)len);
  e = json_tokener_get_error(tok);
  end = (uint32_t)json_tokener_get_parse_end(tok);
  json_object_put(value);
  json_tokener_free(tok);
  if (e == json_tokener_continue)
    e = json_tokener_error_parse_eof;
  if (e == json_tokener_error_depth) {
    uint32_t at = b->base + ts__json_too_deep_at(p, len);

    diag_add(b->diags, DIAG_TOO_DEEP, span_make(at, at),
             "nesting deeper than %d levels is not analysed",
             TREE_DEPTH_MAX);
    b->reported_depth = true;
    return true;
  }
  if (e == json_tokener_success) {
    while (end < len && strchr(" \t\r\n", p[end]))
      end++;
    if (end >= len)
      return false;
    diag_add(b->diags, DIAG_JSON_SYNTAX,
             span_make(b->base + end, b->base + len),
             "unexpected text after the end of the JSON value");
    return true;
  }
  ts__json_c_error(b, e, p, len, end);
  return true;
}

int
json_parse(struct arena *a, const struct source *src, struct span span,
           struct diag_list *diags, struct node **out)
{
  struct ts_builder b = { a, src, diags, 0, false, 0 };
  TSTree *tree;
  TSNode root;
  uint32_t count;
  size_t before = diags->count;
  bool json_c_failed;

  *out = NULL;
  if (span.start < src->bom)
    span.start = src->bom;
  b.base = span.start;
  json_c_failed = ts__json_first_error(&b, src->text + span.start,
                                       span.end - span.start);
  /* Past json-c's depth, tree-sitter's JSON parser corrupts its heap
   * (from about 65,000 levels); a text this deep gets no tree. */
  if (b.reported_depth)
    return 0;
  tree = ts__parse(TS_GRAMMAR_JSON, src, span);
  if (!tree)
    return 0;  /* json-c has spoken about syntax; there is just no tree */
  root = ts_tree_root_node(tree);
  if (!json_c_failed)
    ts__report_syntax(&b, tree, DIAG_JSON_SYNTAX);

  count = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < count && b.rc == 0 && !*out; i++) {
    TSNode c = ts_node_named_child(root, i);

    if (!ts__is(c, "ERROR") && !ts__is(c, "comment"))
      *out = ts__json_value(&b, c, 0);
  }
  if (count && !*out && b.rc == 0 && diags->count == before)
    b.rc = FACET_ENOMEM;
  /* One syntax error is reported: later ones are mostly its echoes. */
  if (json_c_failed && diags->count > before + 1)
    diags->count = before + 1;
  ts_tree_delete(tree);
  return b.rc;
}

static struct node *ts__yaml_node(struct ts_builder *b, TSNode n, int depth);

static struct node *
ts__partial(struct ts_builder *b, TSNode n)
{
  return node_new_scalar(b->arena, ts__span(b, n), "", 0, NODE_PARTIAL);
}

/* Plain and quoted scalars that span lines fold each break to a space. */
static void
ts__fold(struct buf *out, const char *p, uint32_t len, bool double_quoted)
{
  for (uint32_t i = 0; i < len; i++) {
    if (p[i] == '\n' || p[i] == '\r') {
      while (out->len && (out->data[out->len - 1] == ' ' ||
                          out->data[out->len - 1] == '\t'))
        out->len--;
      while (i + 1 < len && (p[i + 1] == ' ' || p[i + 1] == '\t' ||
                             p[i + 1] == '\n' || p[i + 1] == '\r'))
        i++;
      buf_putc(out, ' ');
    } else if (double_quoted && p[i] == '\\' && i + 1 < len) {
      i += ts__json_escape(out, p + i, len - i) - 1;
    } else if (!double_quoted && p[i] == '\'' && i + 1 < len &&
               p[i + 1] == '\'') {
      buf_putc(out, '\'');
      i++;
    } else {
      buf_putc(out, p[i]);
    }
  }
}

/* Block scalars: drop the header line and the common indentation. */
static void
ts__block(struct buf *out, const char *p, uint32_t len)
{
  uint32_t i = 0;
  uint32_t indent = UINT32_MAX;

  while (i < len && p[i] != '\n')
    i++;
  for (uint32_t j = i + 1, k; j < len; j = k + 1) {
    uint32_t sp = 0;

    for (k = j; k < len && p[k] != '\n'; k++)
      ;
    while (j + sp < k && p[j + sp] == ' ')
      sp++;
    if (j + sp < k && sp < indent)
      indent = sp;
  }
  for (uint32_t j = i + 1, k; j < len; j = k + 1) {
    for (k = j; k < len && p[k] != '\n'; k++)
      ;
    if (k - j > indent)
      buf_append(out, p + j + indent, k - j - indent);
    buf_putc(out, '\n');
  }
}

static struct node *
ts__yaml_scalar(struct ts_builder *b, TSNode n)
{
  struct span s = ts__span(b, n);
  const char *p = b->src->text + s.start;
  uint32_t len = s.end - s.start;
  struct buf text;
  unsigned flags = NODE_PARTIAL;
  struct node *out;

  buf_init(&text, b->src->len);
  if (ts__is(n, "double_quote_scalar") || ts__is(n, "single_quote_scalar")) {
    flags |= NODE_QUOTED;
    if (len >= 2)
      ts__fold(&text, p + 1, len - 2, ts__is(n, "double_quote_scalar"));
  } else if (ts__is(n, "block_scalar")) {
    flags |= NODE_BLOCK;
    ts__block(&text, p, len);
  } else {
    ts__fold(&text, p, len, false);
  }
  out = node_new_scalar(b->arena, s, text.data ? text.data : "",
                        (uint32_t)text.len, flags);
  buf_release(&text);
  return out;
}

/* Adds key and value of a mapping pair (or a lone key) to items. */
static void
ts__yaml_pair(struct ts_builder *b, TSNode pair, struct ts_items *items,
              int depth)
{
  TSNode k = ts_node_child_by_field_name(pair, "key", 3);
  TSNode v = ts_node_child_by_field_name(pair, "value", 5);
  struct node *key;
  struct node *value;

  if (ts_node_is_null(k)) {
    if (!ts__is(pair, "flow_node"))
      return;
    k = pair;
  }
  key = ts__yaml_node(b, k, depth + 1);
  value = ts_node_is_null(v)
            ? node_new_scalar(b->arena,
                              span_make(ts__span(b, pair).end,
                                        ts__span(b, pair).end),
                              "", 0, NODE_PARTIAL)
            : ts__yaml_node(b, v, depth + 1);
  if (!key || !value || ts__items_push(items, key) ||
      ts__items_push(items, value))
    b->rc = FACET_ENOMEM;
}

static struct node *
ts__yaml_collection(struct ts_builder *b, TSNode n, int depth, bool map)
{
  struct ts_items items = { 0 };
  struct node *out = NULL;
  uint32_t count = ts_node_named_child_count(n);

  for (uint32_t i = 0; i < count && b->rc == 0; i++) {
    TSNode c = ts_node_named_child(n, i);
    struct node *item;

    if (ts__is(c, "comment") || ts__is(c, "ERROR"))
      continue;
    if (map) {
      ts__yaml_pair(b, c, &items, depth);
      continue;
    }
    if (ts__is(c, "block_sequence_item"))
      c = ts_node_named_child(c, ts_node_named_child_count(c) - 1);
    item = ts_node_is_null(c) ? NULL : ts__yaml_node(b, c, depth + 1);
    if (!item || ts__items_push(&items, item))
      b->rc = FACET_ENOMEM;
  }
  if (b->rc == 0)
    out = node_new_collection(b->arena, map ? NODE_MAP : NODE_SEQ,
                              ts__span(b, n), items.v,
                              map ? items.n / 2 : items.n,
                              NODE_PARTIAL | (ts__is(n, "flow_mapping") ||
                                              ts__is(n, "flow_sequence")
                                                ? NODE_FLOW : 0));
  free(items.v);
  return out;
}

static struct node *
ts__yaml_node(struct ts_builder *b, TSNode n, int depth)
{
  if (depth >= TREE_DEPTH_MAX)
    return ts__too_deep(b, n);
  if (ts__is(n, "block_node") || ts__is(n, "flow_node")) {
    uint32_t count = ts_node_named_child_count(n);

    for (uint32_t i = 0; i < count; i++) {
      TSNode c = ts_node_named_child(n, i);

      if (!ts__is(c, "anchor") && !ts__is(c, "tag") &&
          !ts__is(c, "comment"))
        return ts__yaml_node(b, c, depth);
    }
    return node_new_scalar(b->arena, ts__span(b, n), "", 0, NODE_PARTIAL);
  }
  if (ts__is(n, "block_mapping") || ts__is(n, "flow_mapping"))
    return ts__yaml_collection(b, n, depth, true);
  if (ts__is(n, "block_sequence") || ts__is(n, "flow_sequence"))
    return ts__yaml_collection(b, n, depth, false);
  if (ts__is(n, "plain_scalar") || ts__is(n, "double_quote_scalar") ||
      ts__is(n, "single_quote_scalar") || ts__is(n, "block_scalar"))
    return ts__yaml_scalar(b, n);
  return ts__partial(b, n);
}

int
ts_yaml_recover(struct arena *a, const struct source *src, struct span span,
                struct diag_list *diags, struct node **out)
{
  struct ts_builder b = { a, src, diags, span.start, false, 0 };
  TSTree *tree = ts__parse(TS_GRAMMAR_YAML, src, span);
  TSNode root;
  TSNode doc;

  *out = NULL;
  if (!tree)
    return 0;  /* libyaml has reported the error; there is just no tree */
  root = ts_tree_root_node(tree);
  doc = ts_node_named_child(root, 0);
  while (!ts_node_is_null(doc) && !ts__is(doc, "block_node") &&
         !ts__is(doc, "flow_node") && ts_node_named_child_count(doc) > 0)
    doc = ts_node_named_child(doc, 0);
  if (!ts_node_is_null(doc) &&
      (ts__is(doc, "block_node") || ts__is(doc, "flow_node")))
    *out = ts__yaml_node(&b, doc, 0);
  ts_tree_delete(tree);
  return b.rc;
}

/* Growable arrays of outline entries, moved into the arena at the end. */
struct ts_outline {
  struct span *literals;
  uint32_t nliterals;
  uint32_t cap_literals;
  struct md_heading *headings;
  uint32_t nheadings;
  uint32_t cap_headings;
};

static int
ts__grow(void **v, uint32_t n, uint32_t *cap, size_t size)
{
  void *nv;

  if (n < *cap)
    return 0;
  nv = realloc(*v, (*cap ? *cap * 2 : 16) * size);
  if (!nv)
    return FACET_ENOMEM;
  *v = nv;
  *cap = *cap ? *cap * 2 : 16;
  return 0;
}

static int
ts__heading(struct ts_builder *b, TSNode n, struct ts_outline *o)
{
  TSNode content = ts_node_child_by_field_name(n, "heading_content", 15);
  TSNode marker = ts_node_child(n, 0);
  struct md_heading *h;
  const char *type = ts_node_type(marker);

  if (ts__grow((void **)&o->headings, o->nheadings, &o->cap_headings,
               sizeof *o->headings))
    return FACET_ENOMEM;
  h = &o->headings[o->nheadings++];
  h->span = ts__span(b, n);
  h->text = ts_node_is_null(content) ? h->span : ts__span(b, content);
  if (strncmp(type, "atx_h", 5) == 0)
    h->level = (uint8_t)(type[5] - '0');
  else
    h->level = ts__is(ts_node_child(n, ts_node_child_count(n) - 1),
                      "setext_h1_underline") ? 1 : 2;
  return 0;
}

static int
ts__outline_visit(struct ts_builder *b, TSNode n, struct ts_outline *o,
                  bool *descend)
{
  *descend = false;
  if (ts__is(n, "atx_heading") || ts__is(n, "setext_heading"))
    return ts__heading(b, n, o);
  if (ts__is(n, "fenced_code_block") || ts__is(n, "indented_code_block") ||
      ts__is(n, "html_block")) {
    if (ts__grow((void **)&o->literals, o->nliterals, &o->cap_literals,
                 sizeof *o->literals))
      return FACET_ENOMEM;
    o->literals[o->nliterals++] = ts__span(b, n);
    return 0;
  }
  *descend = ts__is(n, "document") || ts__is(n, "section") ||
             ts__is(n, "list") || ts__is(n, "list_item") ||
             ts__is(n, "block_quote");
  return 0;
}

int
markdown_outline(struct arena *a, const struct source *src, struct span span,
                 struct md_outline *out)
{
  struct ts_builder b = { a, src, NULL, span.start, false, 0 };
  struct ts_outline o = { 0 };
  TSTree *tree = ts__parse(TS_GRAMMAR_MARKDOWN, src, span);
  TSTreeCursor cur;
  int rc = 0;

  memset(out, 0, sizeof *out);
  if (!tree)
    return 0;
  cur = ts_tree_cursor_new(ts_tree_root_node(tree));
  for (;;) {
    bool descend;

    rc = ts__outline_visit(&b, ts_tree_cursor_current_node(&cur), &o,
                           &descend);
    if (rc)
      break;
    if (descend && ts_tree_cursor_goto_first_child(&cur))
      continue;
    while (!ts_tree_cursor_goto_next_sibling(&cur))
      if (!ts_tree_cursor_goto_parent(&cur))
        goto done;
  }
done:
  ts_tree_cursor_delete(&cur);
  ts_tree_delete(tree);
  if (rc == 0 && o.nliterals) {
    out->literals = arena_alloc(a, o.nliterals * sizeof *o.literals);
    if (out->literals)
      memcpy(out->literals, o.literals, o.nliterals * sizeof *o.literals);
    out->nliterals = out->literals ? o.nliterals : 0;
  }
  if (rc == 0 && o.nheadings) {
    out->headings = arena_alloc(a, o.nheadings * sizeof *o.headings);
    if (out->headings)
      memcpy(out->headings, o.headings, o.nheadings * sizeof *o.headings);
    out->nheadings = out->headings ? o.nheadings : 0;
  }
  free(o.literals);
  free(o.headings);
  return rc;
}
