#include "ts_tree.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <tree_sitter/api.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "json_syntax.h"
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
 * The first syntax error by RFC 8259 (json_syntax.c), at its exact bytes.
 * Returns whether there was one.
 */
static bool
ts__json_first_error(struct ts_builder *b, const char *p, uint32_t len)
{
  struct json_syntax_error e;

  /* Twice the tree's depth: deeper than the tree keeps is reported by the
   * builder at the level it stops; past this the text gets no tree. */
  if (json_syntax_check(p, len, TREE_DEPTH_MAX * 2, &e))
    return false;
  if (e.too_deep) {
    uint32_t at = b->base + ts__json_too_deep_at(p, len);

    diag_add(b->diags, DIAG_TOO_DEEP, span_make(at, at),
             "nesting deeper than %d levels is not analysed",
             TREE_DEPTH_MAX);
    b->reported_depth = true;
    return true;
  }
  diag_add(b->diags, DIAG_JSON_SYNTAX,
           span_make(b->base + e.start, b->base + e.end), "%s", e.message);
  return true;
}

/*
 * The tree of JSON text that json_syntax_check accepted, built directly:
 * tree-sitter-json's grammar misreads valid numbers (`1e+2`), so it
 * builds only the trees of broken text.
 */
struct ts_jsonb {
  struct ts_builder *b;
  const char *p;          /* the text; offsets are relative to b->base */
  uint32_t len;
  uint32_t i;
};

static void
ts__jsonb_ws(struct ts_jsonb *j)
{
  while (j->i < j->len && strchr(" \t\r\n", j->p[j->i]) && j->p[j->i])
    j->i++;
}

static struct node *
ts__jsonb_string(struct ts_jsonb *j)
{
  uint32_t start = j->i;
  struct buf text;
  struct node *out;

  buf_init(&text, j->len);
  j->i++;
  while (j->p[j->i] != '"') {
    if (j->p[j->i] == '\\')
      j->i += ts__json_escape(&text, j->p + j->i, j->len - j->i);
    else
      buf_putc(&text, j->p[j->i++]);
  }
  j->i++;
  out = node_new_scalar(j->b->arena, span_make(j->b->base + start,
                                               j->b->base + j->i),
                        text.data ? text.data : "", (uint32_t)text.len,
                        NODE_QUOTED);
  buf_release(&text);
  return out;
}

/* Skips the valid value at j->i without building it (past the depth). */
static void
ts__jsonb_skip(struct ts_jsonb *j)
{
  uint32_t depth = 0;

  do {
    char c = j->p[j->i];

    if (c == '"') {
      for (j->i++; j->p[j->i] != '"'; j->i++)
        if (j->p[j->i] == '\\')
          j->i++;
      j->i++;
    } else {
      if (c == '[' || c == '{')
        depth++;
      else if (c == ']' || c == '}')
        depth--;
      j->i++;
      while (j->i < j->len && depth == 0 && !strchr(",]} \t\r\n",
                                                     j->p[j->i]))
        j->i++;
    }
  } while (depth && j->i < j->len);
}

static struct node *
ts__jsonb_value(struct ts_jsonb *j, int depth)
{
  uint32_t start = j->i;
  char c = j->p[start];
  struct node *out;

  if (c == '{' || c == '[') {
    struct ts_items items = { 0 };
    char close = c == '{' ? '}' : ']';

    if (depth >= TREE_DEPTH_MAX) {
      struct node *n;

      ts__jsonb_skip(j);
      if (!j->b->reported_depth) {
        diag_add(j->b->diags, DIAG_TOO_DEEP,
                 span_make(j->b->base + start, j->b->base + start),
                 "nesting deeper than %d levels is not analysed",
                 TREE_DEPTH_MAX);
        j->b->reported_depth = true;
      }
      n = node_new_scalar(j->b->arena, span_make(j->b->base + start,
                                                 j->b->base + j->i),
                          "", 0, NODE_PARTIAL);
      if (!n)
        j->b->rc = FACET_ENOMEM;
      return n;
    }
    j->i++;
    ts__jsonb_ws(j);
    while (j->p[j->i] != close && j->b->rc == 0) {
      if (c == '{') {
        if (ts__items_push(&items, ts__jsonb_string(j)))
          j->b->rc = FACET_ENOMEM;
        ts__jsonb_ws(j);
        j->i++;    /* ':' */
        ts__jsonb_ws(j);
      }
      if (ts__items_push(&items, ts__jsonb_value(j, depth + 1)))
        j->b->rc = FACET_ENOMEM;
      ts__jsonb_ws(j);
      if (j->p[j->i] == ',') {
        j->i++;
        ts__jsonb_ws(j);
      }
    }
    j->i++;
    out = NULL;
    for (uint32_t k = 0; k < items.n; k++)
      if (!items.v[k])
        j->b->rc = FACET_ENOMEM;
    if (j->b->rc == 0)
      out = node_new_collection(j->b->arena, c == '{' ? NODE_MAP : NODE_SEQ,
                                span_make(j->b->base + start,
                                          j->b->base + j->i),
                                items.v, c == '{' ? items.n / 2 : items.n,
                                0);
    free(items.v);
    if (!out)
      j->b->rc = FACET_ENOMEM;
    return out;
  }
  if (c == '"')
    return ts__jsonb_string(j);
  while (j->i < j->len && !strchr(",]} \t\r\n", j->p[j->i]))
    j->i++;
  out = node_new_scalar(j->b->arena, span_make(j->b->base + start,
                                               j->b->base + j->i),
                        j->p + start, j->i - start, 0);
  if (out && (c == '-' || (c >= '0' && c <= '9')))
    out->type = memchr(j->p + start, '.', j->i - start) ||
                    memchr(j->p + start, 'e', j->i - start) ||
                    memchr(j->p + start, 'E', j->i - start)
                  ? SCALAR_FLOAT : SCALAR_INT;
  return out;
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

  *out = NULL;
  if (span.start < src->bom)
    span.start = src->bom;
  b.base = span.start;
  if (!ts__json_first_error(&b, src->text + span.start,
                            span.end - span.start)) {
    struct ts_jsonb j = { &b, src->text + span.start,
                          span.end - span.start, 0 };

    ts__jsonb_ws(&j);
    *out = ts__jsonb_value(&j, 0);
    return b.rc;
  }
  /* Past twice the tree's depth, tree-sitter's JSON parser corrupts its
   * heap (from about 65,000 levels); a text this deep gets no tree. */
  if (b.reported_depth)
    return 0;
  tree = ts__parse(TS_GRAMMAR_JSON, src, span);
  if (!tree)
    return 0;  /* the syntax is reported; there is just no tree */
  root = ts_tree_root_node(tree);

  count = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < count && b.rc == 0 && !*out; i++) {
    TSNode c = ts_node_named_child(root, i);

    if (!ts__is(c, "ERROR") && !ts__is(c, "comment"))
      *out = ts__json_value(&b, c, 0);
  }
  if (count && !*out && b.rc == 0 && diags->count == before)
    b.rc = FACET_ENOMEM;
  /* One syntax error is reported: later ones are mostly its echoes. */
  if (diags->count > before + 1)
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
