/*
 * Navigation over the schemas of an artifact. Everything works on the
 * node tree the schema is written in, through the walk of schema_walk, so
 * a property that happens to be called "type" is never taken for the
 * keyword.
 *
 * Limitation: local $refs are resolved against the schema's root and its
 * $anchors; a nested $id that starts a resource of its own is not
 * followed here (the validator does follow it).
 */
#include "schema_nav.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>

#include "artifact.h"
#include "buf.h"
#include "schema_internal.h"
#include "tree.h"

/* A hover is prose; past this it is a dump. */
#define SCHEMA_HOVER_MAX 8192

/* Referring $refs a hover lists by line before it only counts them. */
#define SCHEMA_HOVER_REFS 8

/* Longest value text a hover quotes. */
#define SCHEMA_HOVER_VALUE 60

static bool
nav__hit(struct span s, uint32_t off)
{
  return off >= s.start && off <= s.end;
}

static void
nav__pointer(char *out, const char *base, const char *keyword,
             const char *name)
{
  struct buf b;

  buf_init(&b, SCHEMA_NAV_POINTER_MAX - 1);
  buf_printf(&b, "%s/%s/", base, keyword);
  for (; *name; name++) {
    if (*name == '~')
      buf_puts(&b, "~0");
    else if (*name == '/')
      buf_puts(&b, "~1");
    else
      buf_putc(&b, *name);
  }
  snprintf(out, SCHEMA_NAV_POINTER_MAX, "%s", b.data ? b.data : "");
  buf_release(&b);
}

struct nav_find {
  uint32_t off;
  struct schema_nav *out;
};

/* Names under properties or $defs of the schema v is on. */
static bool
nav__names(struct nav_find *f, const struct schema_visit *v,
           const char *keyword, enum schema_nav_kind kind)
{
  const struct node *map = node_get(v->schema, keyword);

  for (uint32_t i = 0; map && map->kind == NODE_MAP && i < map->count; i++) {
    const struct node *key = node_key(map, i);

    if (!node_str(key) || !nav__hit(key->span, f->off))
      continue;
    f->out->kind = kind;
    f->out->span = key->span;
    f->out->name = node_str(key);
    f->out->schema = node_resolve(node_value(map, i));
    f->out->parent = v->schema;
    nav__pointer(f->out->pointer, v->pointer, keyword, f->out->name);
    return true;
  }
  return false;
}

static bool
nav__find(const struct schema_visit *v, void *ctx)
{
  struct nav_find *f = ctx;
  const struct node *n = v->schema;

  if (f->out->kind != SCHEMA_NAV_NONE || n->kind != NODE_MAP ||
      !nav__hit(n->span, f->off))
    return f->out->kind == SCHEMA_NAV_NONE;
  for (uint32_t i = 0; i < n->count; i++) {
    const struct node *key = node_key(n, i);
    const struct node *value = node_value(n, i);
    const char *name = node_str(key);

    if (!name)
      continue;
    if (nav__hit(key->span, f->off) && schema_keyword(name)) {
      f->out->kind = SCHEMA_NAV_KEYWORD;
      f->out->span = key->span;
      f->out->name = name;
      f->out->schema = n;
      return false;
    }
    if (strcmp(name, "$ref") == 0 && node_str(value) &&
        nav__hit(value->span, f->off)) {
      f->out->kind = SCHEMA_NAV_REF;
      f->out->span = value->span;
      f->out->name = node_str(value);
      f->out->schema = n;
      return false;
    }
  }
  if (nav__names(f, v, "properties", SCHEMA_NAV_PROPERTY) ||
      nav__names(f, v, "$defs", SCHEMA_NAV_DEFINITION) ||
      nav__names(f, v, "definitions", SCHEMA_NAV_DEFINITION))
    return false;
  return true;
}

bool
schema_nav_at(const struct artifact *a, uint32_t off, struct schema_nav *out)
{
  memset(out, 0, sizeof *out);
  for (size_t i = 0; i < a->nschemas; i++) {
    const struct schema_site *site = &a->schemas[i];
    struct nav_find f = { off, out };

    if (!site->root || !nav__hit(site->root->span, off))
      continue;
    out->site = site;
    schema_walk(site->root, nav__find, &f);
    if (out->kind != SCHEMA_NAV_NONE)
      return true;
  }
  memset(out, 0, sizeof *out);
  return false;
}

/* Decodes %XX in place. */
static void
nav__percent_decode(char *s)
{
  char *out = s;

  for (; *s; s++) {
    unsigned v;

    if (s[0] == '%' && sscanf(s + 1, "%2x", &v) == 1 && s[1] && s[2]) {
      *out++ = (char)v;
      s += 2;
    } else {
      *out++ = *s;
    }
  }
  *out = '\0';
}

struct nav_anchor {
  const char *name;
  const struct node *found;
  char pointer[SCHEMA_NAV_POINTER_MAX];
};

/* $anchor: name, or draft-07's $id: "#name". */
static bool
nav__anchor(const struct schema_visit *v, void *ctx)
{
  struct nav_anchor *f = ctx;
  const char *anchor = node_str(node_get(v->schema, "$anchor"));
  const char *id = node_str(node_get(v->schema, "$id"));

  if (f->found)
    return false;
  if ((anchor && strcmp(anchor, f->name) == 0) ||
      (id && id[0] == '#' && strcmp(id + 1, f->name) == 0)) {
    f->found = v->schema;
    snprintf(f->pointer, sizeof f->pointer, "%s", v->pointer);
    return false;
  }
  return true;
}

/*
 * The pointer a local fragment (without '#') names under root, into out;
 * false when it names nothing there.
 */
static bool
nav__fragment_pointer(const struct node *root, const char *fragment,
                      char *out)
{
  char decoded[SCHEMA_NAV_POINTER_MAX];
  struct nav_anchor f = { decoded, NULL, "" };

  snprintf(decoded, sizeof decoded, "%s", fragment);
  nav__percent_decode(decoded);
  if (!decoded[0] || decoded[0] == '/') {
    snprintf(out, SCHEMA_NAV_POINTER_MAX, "%s", decoded);
    return node_at_pointer(root, decoded, NULL) != NULL;
  }
  schema_walk(root, nav__anchor, &f);
  snprintf(out, SCHEMA_NAV_POINTER_MAX, "%s", f.pointer);
  return f.found != NULL;
}

/* The span that names the schema at pointer: its key, else itself. */
static struct span
nav__span_of(const struct node *root, const char *pointer)
{
  bool key = true;
  const struct node *n = node_at_pointer(root, pointer, &key);

  return n ? n->span : span_make(root->span.start, root->span.start);
}

bool
schema_locate(const struct artifact *a, const char *fragment,
              struct span *out)
{
  char pointer[SCHEMA_NAV_POINTER_MAX];

  if (!a->root || !nav__fragment_pointer(a->root, fragment, pointer))
    return false;
  *out = nav__span_of(a->root, pointer);
  return true;
}

/* Resolves the file part of ref against a's own URI, into *uri. */
static bool
nav__resolve_uri(const struct artifact *a, const char *ref, char **uri)
{
  UriUriA base, rel, out;
  const char *err;
  int chars = 0;
  bool ok = false;

  *uri = NULL;
  if (!a->uri || uriParseSingleUriA(&base, a->uri, &err) != URI_SUCCESS)
    return false;
  if (uriParseSingleUriA(&rel, ref, &err) == URI_SUCCESS) {
    if (uriAddBaseUriExA(&out, &rel, &base, URI_RESOLVE_STRICTLY) ==
        URI_SUCCESS) {
      out.fragment.first = out.fragment.afterLast = NULL;
      if (uriNormalizeSyntaxA(&out) == URI_SUCCESS &&
          uriToStringCharsRequiredA(&out, &chars) == URI_SUCCESS &&
          (*uri = malloc((size_t)chars + 1)))
        ok = uriToStringA(*uri, &out, chars + 1, NULL) == URI_SUCCESS;
      uriFreeUriMembersA(&out);
    }
    uriFreeUriMembersA(&rel);
  }
  uriFreeUriMembersA(&base);
  if (!ok) {
    free(*uri);
    *uri = NULL;
  }
  return ok;
}

enum schema_target
schema_nav_target(const struct artifact *a, const struct schema_nav *n,
                  struct span *span, char **uri, char **fragment)
{
  const char *hash;
  char pointer[SCHEMA_NAV_POINTER_MAX];

  *uri = *fragment = NULL;
  if (n->kind != SCHEMA_NAV_REF)
    return SCHEMA_TARGET_NONE;
  if (n->name[0] == '#') {
    if (!nav__fragment_pointer(n->site->root, n->name + 1, pointer))
      return SCHEMA_TARGET_NONE;
    *span = nav__span_of(n->site->root, pointer);
    return SCHEMA_TARGET_LOCAL;
  }
  hash = strchr(n->name, '#');
  if (!nav__resolve_uri(a, n->name, uri))
    return SCHEMA_TARGET_NONE;
  *fragment = strdup(hash ? hash + 1 : "");
  if (!*fragment) {
    free(*uri);
    *uri = NULL;
    return SCHEMA_TARGET_NONE;
  }
  return SCHEMA_TARGET_FILE;
}

/* The pointer n is about: a property's or definition's, a $ref's
 * target's; false for a keyword or a $ref that leads elsewhere. */
static bool
nav__subject(const struct schema_nav *n, char *pointer)
{
  if (n->kind == SCHEMA_NAV_PROPERTY || n->kind == SCHEMA_NAV_DEFINITION) {
    snprintf(pointer, SCHEMA_NAV_POINTER_MAX, "%s", n->pointer);
    return true;
  }
  return n->kind == SCHEMA_NAV_REF && n->name[0] == '#' &&
         nav__fragment_pointer(n->site->root, n->name + 1, pointer);
}

struct nav_refs {
  const struct node *root;
  const char *pointer;
  bool above;                 /* $refs to schemas that hold it, instead */
  void (*fn)(struct span span, void *ctx);
  void *ctx;
};

static bool
nav__ref(const struct schema_visit *v, void *ctx)
{
  struct nav_refs *r = ctx;
  const struct node *ref = node_get(v->schema, "$ref");
  const char *s = node_str(ref);
  char pointer[SCHEMA_NAV_POINTER_MAX];
  size_t n;

  if (!s || s[0] != '#' || !nav__fragment_pointer(r->root, s + 1, pointer))
    return true;
  n = strlen(pointer);
  if (r->above ? n && strncmp(r->pointer, pointer, n) == 0 &&
                   r->pointer[n] == '/'
                : strcmp(pointer, r->pointer) == 0)
    r->fn(ref->span, r->ctx);
  return true;
}

void
schema_nav_references(const struct artifact *a, const struct schema_nav *n,
                      bool with_decl, void (*fn)(struct span span, void *ctx),
                      void *ctx)
{
  char pointer[SCHEMA_NAV_POINTER_MAX];
  struct nav_refs r = { n->site ? n->site->root : NULL, pointer, false, fn,
                        ctx };


  (void)a;
  if (!r.root || !nav__subject(n, pointer))
    return;
  if (with_decl && pointer[0])
    fn(nav__span_of(r.root, pointer), ctx);
  schema_walk(r.root, nav__ref, &r);
}

/* Hover text. */

/* Appends the text of value as written, cut at SCHEMA_HOVER_VALUE. */
static void
nav__value_text(struct buf *out, const struct artifact *a,
                const struct node *value)
{
  uint32_t n = value->span.end - value->span.start;
  const char *s = a->text + value->span.start;
  const char *nl = memchr(s, '\n', n);

  if (nl)
    n = (uint32_t)(nl - s);
  if (n > SCHEMA_HOVER_VALUE)
    buf_printf(out, "%.*s…", SCHEMA_HOVER_VALUE, s);
  else
    buf_printf(out, "%.*s", (int)n, s);
}

/* "string", "string | null", "→ #/$defs/x", "one of 3 schemas", ... */
static void
nav__type_text(struct buf *out, const struct node *schema)
{
  const struct node *type = node_resolve(node_get(schema, "type"));
  const struct node *any = node_resolve(node_get(schema, "anyOf"));
  const struct node *one = node_resolve(node_get(schema, "oneOf"));
  const char *ref = node_str(node_get(schema, "$ref"));

  if (type && type->kind == NODE_SCALAR) {
    buf_printf(out, "`%s`", type->u.scalar.str);
  } else if (type && type->kind == NODE_SEQ) {
    buf_putc(out, '`');
    for (uint32_t i = 0; i < type->count; i++)
      buf_printf(out, "%s%s", i ? " | " : "", node_str(type->u.items[i])
                                                ? node_str(type->u.items[i])
                                                : "?");
    buf_putc(out, '`');
  } else if (ref) {
    buf_printf(out, "`%s`", ref);
  } else if (node_get(schema, "enum")) {
    buf_puts(out, "an enum");
  } else if (any && any->kind == NODE_SEQ) {
    buf_printf(out, "any of %u schemas", any->count);
  } else if (one && one->kind == NODE_SEQ) {
    buf_printf(out, "one of %u schemas", one->count);
  } else if (node_is_bool(schema, false)) {
    buf_puts(out, "nothing (false)");
  } else {
    buf_puts(out, "any value");
  }
}

/* The constraints of schema, one "- `key: value`" line each. */
static void
nav__constraints(struct buf *out, const struct artifact *a,
                 const struct node *schema)
{
  bool first = true;

  for (uint32_t i = 0; schema->kind == NODE_MAP && i < schema->count; i++) {
    const char *name = node_str(node_key(schema, i));
    const struct schema_keyword *kw = name ? schema_keyword(name) : NULL;

    if (!kw || kw->annotation || kw->value != SCHEMA_VALUE_PLAIN ||
        strcmp(name, "type") == 0 || strcmp(name, "$ref") == 0)
      continue;
    buf_puts(out, first ? "\n\nConstraints:" : "");
    first = false;
    buf_printf(out, "\n- `%s: ", name);
    nav__value_text(out, a, node_value(schema, i));
    buf_puts(out, "`");
  }
}

static bool
nav__required(const struct node *parent, const char *name)
{
  const struct node *req = node_resolve(node_get(parent, "required"));

  for (uint32_t i = 0; req && req->kind == NODE_SEQ && i < req->count; i++)
    if (node_is_str(req->u.items[i], name))
      return true;
  return false;
}

struct nav_uses {
  const struct artifact *a;
  struct buf *out;
  unsigned count;
};

static void
nav__use(struct span span, void *ctx)
{
  struct nav_uses *u = ctx;
  uint32_t line;
  uint32_t col;

  if (u->count++ >= SCHEMA_HOVER_REFS)
    return;
  source_line_col(&u->a->src, span.start, &line, &col);
  buf_printf(u->out, "%sline %u", u->count > 1 ? ", " : "", line);
}

/* "Used by 2 `$ref`s: line 12, line 30" for what n is about, then the
 * same for $refs to the schemas that hold it. */
static void
nav__uses(struct buf *out, const struct artifact *a,
          const struct schema_nav *n)
{
  for (int above = 0; above < 2; above++) {
    struct buf lines;
    struct nav_uses u = { a, &lines, 0 };
    struct nav_refs r = { n->site->root, n->pointer, above, nav__use, &u };

    buf_init(&lines, SCHEMA_HOVER_MAX);
    schema_walk(r.root, nav__ref, &r);
    if (u.count)
      buf_printf(out, "\n\n%s %u `$ref`%s%s: %s%s",
                 above ? "Reached through" : "Used by", u.count,
                 u.count == 1 ? "" : "s",
                 above ? " to a schema that holds it" : "", lines.data,
                 u.count > SCHEMA_HOVER_REFS ? ", …" : "");
    else if (!above && n->kind == SCHEMA_NAV_DEFINITION)
      buf_puts(out, "\n\nNo `$ref` in this file uses it.");
    buf_release(&lines);
  }
}

static void
nav__subject_hover(struct buf *out, const struct artifact *a,
                   const struct schema_nav *n)
{
  const char *desc = node_str(node_get(n->schema, "description"));
  const char *title = node_str(node_get(n->schema, "title"));

  buf_printf(out, "**%s** \xC2\xB7 ", n->name);
  if (n->kind == SCHEMA_NAV_PROPERTY)
    buf_printf(out, "%s property \xC2\xB7 ",
               nav__required(n->parent, n->name) ? "required" : "optional");
  else
    buf_printf(out, "definition `#%s` \xC2\xB7 ", n->pointer);
  nav__type_text(out, n->schema);
  if (title)
    buf_printf(out, "\n\n%s", title);
  if (desc)
    buf_printf(out, "\n\n%s", desc);
  nav__constraints(out, a, n->schema);
  nav__uses(out, a, n);
}

static void
nav__keyword_hover(struct buf *out, const struct schema_nav *n)
{
  const struct schema_keyword *kw = schema_keyword(n->name);
  enum schema_provider p = n->site->provider;

  buf_printf(out, "**%s** \xC2\xB7 JSON Schema keyword \xC2\xB7 for %s\n\n%s",
             kw->name, kw->applies, kw->doc);
  if (p != SCHEMA_PROVIDER_NONE && !kw->annotation)
    buf_printf(out, "\n\n%s: %s", schema_provider_title(p),
               kw->support[p] == SCHEMA_TAKES ? "supported"
               : kw->support[p] == SCHEMA_REJECTS ? "not supported"
               : "not documented as supported");
}

static void
nav__ref_hover(struct buf *out, const struct artifact *a,
               const struct schema_nav *n)
{
  char pointer[SCHEMA_NAV_POINTER_MAX];
  const struct node *target;
  const char *desc;

  buf_printf(out, "**$ref** `%s`", n->name);
  if (n->name[0] != '#') {
    buf_puts(out, " \xC2\xB7 in another document (go to definition opens "
             "it)");
    return;
  }
  if (!nav__fragment_pointer(n->site->root, n->name + 1, pointer) ||
      !(target = node_resolve(node_at_pointer(n->site->root, pointer,
                                              NULL)))) {
    buf_puts(out, " \xC2\xB7 leads nowhere in this file");
    return;
  }
  buf_puts(out, " \xC2\xB7 ");
  nav__type_text(out, target);
  desc = node_str(node_get(target, "description"));
  if (desc)
    buf_printf(out, "\n\n%s", desc);
  nav__constraints(out, a, target);
}

char *
schema_nav_hover(const struct artifact *a, const struct schema_nav *n)
{
  struct buf out;

  buf_init(&out, SCHEMA_HOVER_MAX);
  switch (n->kind) {
  case SCHEMA_NAV_KEYWORD:
    nav__keyword_hover(&out, n);
    break;
  case SCHEMA_NAV_PROPERTY:
  case SCHEMA_NAV_DEFINITION:
    nav__subject_hover(&out, a, n);
    break;
  case SCHEMA_NAV_REF:
    nav__ref_hover(&out, a, n);
    break;
  case SCHEMA_NAV_NONE:
    buf_release(&out);
    return NULL;
  }
  return buf_detach(&out);
}

/* Completion. */

static bool
nav__word(char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c == '$' || c == '-';
}

struct nav_enclosing {
  uint32_t off;
  bool json;
  uint32_t column;            /* YAML: where the cursor's word starts */
  uint32_t line;
  const struct artifact *a;
  const struct node *best;
};

/* JSON: the smallest schema object whose braces hold the cursor. YAML:
 * the deepest block schema object whose keys sit at the cursor's column
 * and which runs up to the cursor's line. */
static bool
nav__enclosing(const struct schema_visit *v, void *ctx)
{
  struct nav_enclosing *e = ctx;
  const struct node *n = v->schema;
  const struct source *src = &e->a->src;
  uint32_t first;

  if (n->kind != NODE_MAP)
    return true;
  if (e->json || (n->flags & NODE_FLOW)) {
    if (e->off > n->span.start && e->off < n->span.end &&
        (!e->best || n->span.end - n->span.start <
                       e->best->span.end - e->best->span.start))
      e->best = n;
    return true;
  }
  if (!n->count)
    return true;
  first = node_key(n, 0)->span.start;
  if (first - source_line_start(src, source_line_of(src, first)) ==
        e->column && source_line_of(src, first) <= e->line &&
      source_line_of(src, n->span.end) + 1 >= e->line)
    e->best = n;
  return true;
}

/* The smallest mapping of any kind under n whose span holds off. */
static const struct node *
nav__innermost_map(const struct node *n, uint32_t off, int depth)
{
  const struct node *best = NULL;

  n = node_resolve(n);
  if (!n || depth > TREE_DEPTH_MAX || !(off > n->span.start &&
                                        off < n->span.end))
    return NULL;
  if (n->kind == NODE_MAP)
    best = n;
  for (uint32_t i = 0; (n->kind == NODE_MAP || n->kind == NODE_SEQ) &&
                       i < n->count; i++) {
    const struct node *c = n->kind == NODE_MAP ? node_value(n, i)
                                               : n->u.items[i];
    const struct node *inner = nav__innermost_map(c, off, depth + 1);

    if (inner)
      best = inner;
  }
  return best;
}

/* Whether the text before the word at start says a key comes there. */
static bool
nav__key_position(const struct artifact *a, uint32_t start, bool json)
{
  uint32_t ls = source_line_start(&a->src, source_line_of(&a->src, start));
  uint32_t i = start;

  if (!json) {
    while (i > ls && a->text[i - 1] == ' ')
      i--;
    if (i >= ls + 2 && a->text[i - 1] == '-' && a->text[i - 2] == ' ')
      i -= 2;
    else if (i == ls + 1 && a->text[ls] == '-')
      i--;
    while (i > ls && a->text[i - 1] == ' ')
      i--;
    return i == ls;
  }
  while (i > 0 && strchr(" \t\r\n", a->text[i - 1]))
    i--;
  return i > 0 && (a->text[i - 1] == '{' || a->text[i - 1] == ',');
}

/* Whether the word at start is a name in `type`'s value on its line. */
static bool
nav__type_position(const struct artifact *a, uint32_t start)
{
  uint32_t ls = source_line_start(&a->src, source_line_of(&a->src, start));
  uint32_t colon = start;
  uint32_t k;

  while (colon > ls && a->text[colon - 1] != ':')
    colon--;
  if (colon == ls)
    return false;
  for (k = colon; k < start; k++)
    if (!strchr(" \t\"'[,", a->text[k]) && !nav__word(a->text[k]))
      return false;
  k = colon - 1;
  while (k > ls && strchr(" \t\"'", a->text[k - 1]))
    k--;
  return k >= ls + 4 && memcmp(a->text + k - 4, "type", 4) == 0 &&
         (k == ls + 4 || !nav__word(a->text[k - 5]));
}

/* YAML: whether off is on the lines of n, or on the line after them. */
static bool
nav__near(const struct artifact *a, const struct node *n, uint32_t off)
{
  uint32_t line = source_line_of(&a->src, off);

  return line >= source_line_of(&a->src, n->span.start) &&
         line <= source_line_of(&a->src, n->span.end) + 1;
}

bool
schema_complete_at(const struct artifact *a, uint32_t off,
                   struct schema_complete *out)
{
  uint32_t start = off;
  int draft;

  memset(out, 0, sizeof *out);
  while (start > 0 && nav__word(a->text[start - 1]))
    start--;
  out->quoted = start > 0 && (a->text[start - 1] == '"' ||
                              a->text[start - 1] == '\'');
  out->prefix = span_make(start, off);
  for (size_t i = 0; i < a->nschemas; i++) {
    const struct schema_site *site = &a->schemas[i];
    struct nav_enclosing e = { off, site->flags & SCHEMA_JSON, 0, 0, a,
                               NULL };
    uint32_t word = start - out->quoted;

    if (!site->root || (e.json && !nav__hit(site->root->span, off)) ||
        (!e.json && !nav__near(a, site->root, off)))
      continue;
    out->json = e.json;
    draft = js_draft_of(node_str(node_get(site->root, "$schema")));
    out->draft = draft < 0 ? JS_DRAFT_DEFAULT : (enum js_draft)draft;
    if (nav__type_position(a, word)) {
      out->kind = SCHEMA_COMPLETE_TYPE;
      return true;
    }
    if (!nav__key_position(a, word, e.json))
      continue;
    e.line = source_line_of(&a->src, start);
    e.column = word - source_line_start(&a->src, e.line);
    schema_walk(site->root, nav__enclosing, &e);
    if (!e.best || (e.json && nav__innermost_map(site->root, off, 0) !=
                                e.best))
      continue;
    out->kind = SCHEMA_COMPLETE_KEYWORD;
    out->schema = e.best;
    out->root = e.best == node_resolve(site->root);
    return true;
  }
  /* A schema file being written ({"type": at its end) may not parse into
   * a schema yet; the type's place is plain from the text. */
  if (a->format == FORMAT_JSON_SCHEMA &&
      nav__type_position(a, start - out->quoted)) {
    out->kind = SCHEMA_COMPLETE_TYPE;
    return true;
  }
  out->kind = SCHEMA_COMPLETE_NONE;
  return false;
}
