#include "lsp_features.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "artifact.h"
#include "complete.h"
#include "crystallise_lsp.h"
#include "jsonrpc.h"
#include "lsp_links.h"
#include "lspconv.h"
#include "navigate.h"
#include "outline.h"
#include "schema.h"
#include "schema_nav.h"
#include "shape.h"
#include "source.h"
#include "session_internal.h"
#include "tree.h"

/* The byte offset of params.position in the artifact, or -1 after
 * answering the request with an error. */
static int64_t
feature__offset(const struct feature_request *r)
{
  int64_t line;
  int64_t character;
  uint32_t off;

  if (lspconv_read_position(session_get(r->params, "position"), &line,
                            &character)) {
    session_fail(r->session, r->id, JSONRPC_INVALID_PARAMS,
                 "params.position needs a line and a character, both >= 0");
    return -1;
  }
  if (!r->artifact) {
    session_reply(r->session, r->id, NULL);
    return -1;
  }
  lspconv_offset(&r->artifact->src, line, character,
                 r->session->encoding, &off);
  return off;
}

void
feature_hover(const struct feature_request *r)
{
  int64_t off;
  struct nav_target t;
  json_object *hover;
  char *evidence;

  off = feature__offset(r);

  if (off < 0)
    return;
  if (!navigate_at(r->artifact, (uint32_t)off, &t) &&
      (hover = links_test_hover(r, (uint32_t)off)) != NULL) {
    session_reply(r->session, r->id, hover);
    return;
  }
  evidence = links_grade_evidence(r);
  session_reply(r->session, r->id,
                lspconv_hover(r->artifact, (uint32_t)off,
                              r->session->encoding, evidence));
  free(evidence);
}

static json_object *
feature__lenses(const struct feature_request *r)
{
  json_object *lenses = lspconv_code_lenses(r->artifact, r->doc->uri,
                                            r->session->encoding);

  links_code_lenses(r, lenses);
  if (r->artifact && r->session->crystal)
    crystallise_code_lenses(r->session, r->doc, lenses);
  return lenses;
}

void
feature_code_lens(const struct feature_request *r)
{
  session_reply(r->session, r->id, feature__lenses(r));
}

/*
 * The lenses' titles at the end of their lines, those on one line joined:
 * editors that show inlay hints but no code lenses (Helix, Zed) then see
 * the grade and the eval status too. A client that shows both gets them
 * only when facet.inlayHints is "on", as saying it twice is noise.
 */
void
feature_inlay_hints(const struct feature_request *r)
{
  const struct session *s = r->session;
  json_object *range = session_get(r->params, "range");
  json_object *hints = json_object_new_array();
  json_object *lenses;
  struct buf label;
  int64_t from, to, unused;
  int64_t last = -1;

  if (lspconv_read_position(session_get(range, "start"), &from, &unused) ||
      lspconv_read_position(session_get(range, "end"), &to, &unused)) {
    json_object_put(hints);
    session_fail(r->session, r->id, JSONRPC_INVALID_PARAMS,
                 "params.range needs a start and an end position");
    return;
  }
  if (!r->artifact || s->settings.inlay_hints == SESSION_INLAY_OFF ||
      (s->settings.inlay_hints == SESSION_INLAY_AUTO && s->client_lenses)) {
    session_reply(r->session, r->id, hints);
    return;
  }
  lenses = feature__lenses(r);
  buf_init(&label, 256);
  for (size_t i = 0; i <= json_object_array_length(lenses); i++) {
    json_object *lens = json_object_array_get_idx(lenses, i);
    json_object *start = session_get(session_get(lens, "range"), "start");
    const char *title = session_str(session_get(lens, "command"), "title");
    int64_t line = -1, col;

    if (lens && (lspconv_read_position(start, &line, &col) || !title ||
                 line < from || line > to))
      continue;
    if (line != last && last >= 0 && label.len) {
      const struct source *src = &r->artifact->src;
      json_object *hint = json_object_new_object();
      uint32_t end = source_line_end(src, (uint32_t)last);

      json_object_object_add(hint, "position",
                             lspconv_position(src, end, s->encoding));
      json_object_object_add(hint, "label",
                             json_object_new_string_len(label.data,
                                                        (int)label.len));
      json_object_object_add(hint, "paddingLeft",
                             json_object_new_boolean(1));
      json_object_array_add(hints, hint);
      label.len = 0;
    }
    if (!lens)
      break;
    buf_printf(&label, "%s%s", label.len ? " · " : "", title);
    last = line;
  }
  buf_release(&label);
  json_object_put(lenses);
  session_reply(r->session, r->id, hints);
}

/*
 * Whether the code action request wants actions of kind (context.only
 * lists kinds or their parents: "refactor" asks for "refactor.extract").
 */
static bool
feature__wants(json_object *params, const char *kind)
{
  json_object *only = session_get(session_get(params, "context"), "only");

  if (!json_object_is_type(only, json_type_array))
    return true;
  for (size_t i = 0; i < json_object_array_length(only); i++) {
    const char *k = json_object_get_string(
      json_object_array_get_idx(only, i));
    size_t n = k ? strlen(k) : 0;

    if (k && (n == 0 || (strncmp(kind, k, n) == 0 &&
                         (kind[n] == '\0' || kind[n] == '.'))))
      return true;
  }
  return false;
}

/*
 * Quick fixes for a client that takes no CodeAction objects (no
 * codeActionLiteralSupport, as LSP 3.8 says): each a Command, whose run
 * has facet send its edit back through workspace/applyEdit; none when
 * the client cannot apply edits that way either. Takes actions.
 */
static json_object *
feature__as_commands(struct session *s, json_object *actions)
{
  json_object *out = json_object_new_array();

  for (size_t i = 0; s->apply_edit_support &&
                     i < json_object_array_length(actions); i++) {
    json_object *a = json_object_array_get_idx(actions, i);
    json_object *edit = session_get(a, "edit");
    json_object *cmd;
    json_object *args;

    if (!edit)
      continue;
    cmd = json_object_new_object();
    args = json_object_new_array();
    json_object_object_add(cmd, "title",
                           json_object_get(session_get(a, "title")));
    json_object_object_add(cmd, "command",
                           json_object_new_string("facet.applyEdit"));
    json_object_array_add(args, json_object_get(edit));
    json_object_object_add(cmd, "arguments", args);
    json_object_array_add(out, cmd);
  }
  json_object_put(actions);
  return out;
}

void
feature_code_action(const struct feature_request *r)
{
  json_object *range = session_get(r->params, "range");
  json_object *actions;
  int64_t l0, c0, l1, c1;
  uint32_t start;
  uint32_t end;

  if (lspconv_read_position(session_get(range, "start"), &l0, &c0) ||
      lspconv_read_position(session_get(range, "end"), &l1, &c1)) {
    session_fail(r->session, r->id, JSONRPC_INVALID_PARAMS,
                 "params.range needs a start and an end position");
    return;
  }
  if (!r->artifact) {
    session_reply(r->session, r->id, json_object_new_array());
    return;
  }
  lspconv_offset(&r->artifact->src, l0, c0, r->session->encoding, &start);
  lspconv_offset(&r->artifact->src, l1, c1, r->session->encoding, &end);
  if (end < start)
    end = start;
  actions = feature__wants(r->params, "quickfix")
              ? lspconv_quick_fixes(r->artifact, r->doc->uri,
                                    span_make(start, end),
                                    r->session->encoding)
              : json_object_new_array();
  if (!r->session->action_literals)
    actions = feature__as_commands(r->session, actions);
  if (r->session->crystal && feature__wants(r->params, "refactor.extract"))
    crystallise_code_actions(r->session, r->doc, span_make(start, end),
                             actions);
  session_reply(r->session, r->id, actions);
}

/* The variable at params.position, or false after replying null. */
static bool
feature__target(const struct feature_request *r, struct nav_target *t)
{
  int64_t off = feature__offset(r);

  if (off < 0)
    return false;
  if (!navigate_at(r->artifact, (uint32_t)off, t)) {
    session_reply(r->session, r->id, NULL);
    return false;
  }
  return true;
}

static json_object *
feature__location(const struct feature_request *r, struct span span)
{
  json_object *loc = json_object_new_object();

  json_object_object_add(loc, "uri", json_object_new_string(r->doc->uri));
  json_object_object_add(loc, "range",
                         lspconv_range(&r->artifact->src, span,
                                       r->session->encoding));
  return loc;
}

/*
 * The artifact of the document at uri: the open one's latest analysis, or
 * the file read through the session's $ref reader and analysed as a JSON
 * Schema (*owned, freed by the caller). NULL when it cannot be read.
 */
static const struct artifact *
feature__document(const struct feature_request *r, const char *uri,
                  struct artifact **owned)
{
  struct document *doc = docstore_get(&r->session->docs, uri);
  const struct schema_files *files = &r->session->refs.files;
  struct analyze_options opts = { .format = FORMAT_JSON_SCHEMA, .uri = uri };
  char why[256];
  char *text;
  size_t len;

  *owned = NULL;
  if (doc && doc->artifact)
    return doc->artifact;
  if (files->read(files->ctx, uri, &text, &len, why, sizeof why))
    return NULL;
  *owned = artifact_analyze_shared(uri, text, len, &opts, free, text);
  if (!*owned)
    free(text);
  return *owned;
}

/* Where a schema's $ref leads: a place in this file or in another. */
static json_object *
feature__ref_location(const struct feature_request *r,
                      const struct schema_nav *n)
{
  struct span span;
  char *uri;
  char *fragment;
  enum schema_target t = schema_nav_target(r->artifact, n, &span, &uri,
                                           &fragment);
  struct artifact *owned;
  const struct artifact *other;
  json_object *loc = NULL;

  if (t == SCHEMA_TARGET_LOCAL)
    return feature__location(r, span);
  if (t != SCHEMA_TARGET_FILE)
    return NULL;
  other = feature__document(r, uri, &owned);
  if (other && schema_locate(other, fragment, &span)) {
    loc = json_object_new_object();
    json_object_object_add(loc, "uri", json_object_new_string(uri));
    json_object_object_add(loc, "range",
                           lspconv_range(&other->src, span,
                                         r->session->encoding));
  }
  artifact_free(owned);
  free(uri);
  free(fragment);
  return loc;
}

void
feature_definition(const struct feature_request *r)
{
  int64_t off = feature__offset(r);
  struct nav_target t;
  struct schema_nav n;

  if (off < 0)
    return;
  /* A $ref's own resolution names the exact schema it points at; the
   * index's link only knows the file. */
  if (schema_nav_at(r->artifact, (uint32_t)off, &n)) {
    json_object *loc = feature__ref_location(r, &n);

    if (loc) {
      session_reply(r->session, r->id, loc);
      return;
    }
  }
  if (links_definition(r, (uint32_t)off))
    return;
  if (navigate_at(r->artifact, (uint32_t)off, &t)) {
    /* Where inputs are declared by use (${input:name} in a prompt file),
     * the first use is the declaration. */
    if (t.decl)
      session_reply(r->session, r->id, feature__location(r, t.decl->span));
    else if (t.var && r->artifact->facts.inputs_by_use)
      session_reply(r->session, r->id, feature__location(r, t.var->span));
    else
      session_reply(r->session, r->id, NULL);
  } else {
    session_reply(r->session, r->id, NULL);
  }
}

struct feature_spans {
  const struct feature_request *r;
  json_object *list;
  bool edits;
  const char *text;   /* the replacement, for edits */
};

static void feature__collect(struct span span, bool decl, void *ctx);

static void
feature__collect_ref(struct span span, void *ctx)
{
  feature__collect(span, false, ctx);
}

static void
feature__collect(struct span span, bool decl, void *ctx)
{
  struct feature_spans *c = ctx;
  json_object *item;

  (void)decl;
  if (!c->edits) {
    json_object_array_add(c->list, feature__location(c->r, span));
    return;
  }
  item = json_object_new_object();
  json_object_object_add(item, "range",
                         lspconv_range(&c->r->artifact->src, span,
                                       c->r->session->encoding));
  json_object_object_add(item, "newText", json_object_new_string(c->text));
  json_object_array_add(c->list, item);
}

void
feature_references(const struct feature_request *r)
{
  json_object *context = session_get(r->params, "context");
  bool with_decl = json_object_get_boolean(session_get(context,
                                                       "includeDeclaration"));
  struct feature_spans c = { r, NULL, false, NULL };
  int64_t off = feature__offset(r);
  struct nav_target t;
  struct schema_nav n;

  if (off < 0 || links_references(r, (uint32_t)off, with_decl))
    return;
  c.list = json_object_new_array();
  if (navigate_at(r->artifact, (uint32_t)off, &t))
    navigate_each(r->artifact, t.name, with_decl, feature__collect, &c);
  else if (schema_nav_at(r->artifact, (uint32_t)off, &n))
    schema_nav_references(r->artifact, &n, with_decl, feature__collect_ref,
                          &c);
  session_reply(r->session, r->id, c.list);
}

void
feature_prepare_rename(const struct feature_request *r)
{
  struct nav_target t;
  json_object *result;
  int64_t off = feature__offset(r);
  char word[64];
  const char *what;

  if (off < 0 || links_prepare_rename(r, (uint32_t)off))
    return;
  if (!navigate_at(r->artifact, (uint32_t)off, &t)) {
    /* Say why a keyword cannot be renamed, rather than nothing. */
    what = navigate_reserved_at(r->artifact, (uint32_t)off, word,
                                sizeof word);
    if (what) {
      char why[160];

      snprintf(why, sizeof why, "'%s' is %s, not a variable: there is "
               "nothing to rename", word, what);
      session_fail(r->session, r->id, JSONRPC_REQUEST_FAILED, why);
      return;
    }
    session_reply(r->session, r->id, NULL);
    return;
  }
  result = json_object_new_object();
  json_object_object_add(result, "range",
                         lspconv_range(&r->artifact->src, t.span,
                                       r->session->encoding));
  json_object_object_add(result, "placeholder",
                         json_object_new_string(t.name));
  session_reply(r->session, r->id, result);
}

void
feature_rename(const struct feature_request *r)
{
  const char *name = session_str(r->params, "newName");
  struct feature_spans c = { r, NULL, true, name };
  json_object *edit;
  json_object *changes;
  struct nav_target t;
  int64_t off = feature__offset(r);
  const char *old;
  char why[256];

  if (!navigate_valid_name(name)) {
    session_fail(r->session, r->id, JSONRPC_INVALID_PARAMS,
                 "a template variable's name is letters, digits and '_', "
                 "not starting with a digit");
    return;
  }
  if (off < 0)
    return;
  old = navigate_at(r->artifact, (uint32_t)off, &t)
          ? t.name : links_var_name_at(r, (uint32_t)off);
  if (old && navigate_rename_refused(r->artifact, old, name, why,
                                     sizeof why)) {
    session_fail(r->session, r->id, JSONRPC_REQUEST_FAILED, why);
    return;
  }
  if (links_rename(r, (uint32_t)off, name))
    return;
  if (!feature__target(r, &t))
    return;
  c.list = json_object_new_array();
  navigate_each(r->artifact, t.name, true, feature__collect, &c);
  changes = json_object_new_object();
  json_object_object_add(changes, r->doc->uri, c.list);
  edit = json_object_new_object();
  json_object_object_add(edit, "changes", changes);
  session_reply(r->session, r->id, edit);
}

/* LSP CompletionItemKind and SymbolKind numbers used here. */
enum {
  LSP_COMPLETION_PROPERTY = 10,
  LSP_COMPLETION_VALUE = 12,
  LSP_COMPLETION_VARIABLE = 6,
  LSP_SYMBOL_NAMESPACE = 3,
  LSP_SYMBOL_PROPERTY = 7,
  LSP_SYMBOL_VARIABLE = 13,
  LSP_SYMBOL_STRING = 15,
  LSP_SYMBOL_OBJECT = 19,
};

static json_object *
feature__item(const char *label, int kind, const char *detail,
              const char *doc, const char *insert)
{
  json_object *item = json_object_new_object();

  json_object_object_add(item, "label", json_object_new_string(label));
  json_object_object_add(item, "kind", json_object_new_int(kind));
  if (detail)
    json_object_object_add(item, "detail", json_object_new_string(detail));
  if (doc) {
    json_object *md = json_object_new_object();

    json_object_object_add(md, "kind", json_object_new_string("markdown"));
    json_object_object_add(md, "value", json_object_new_string(doc));
    json_object_object_add(item, "documentation", md);
  }
  if (insert)
    json_object_object_add(item, "insertText",
                           json_object_new_string(insert));
  return item;
}

/* Declared inputs first (with their types), then other names read, but
 * not the one being typed where it is read nowhere else. */
static void
feature__complete_variables(const struct artifact *a,
                            const struct complete_ctx *c, json_object *items)
{
  for (size_t i = 0; i < a->ninputs; i++)
    json_object_array_add(items, feature__item(
      a->inputs[i].name, LSP_COMPLETION_VARIABLE, a->inputs[i].type,
      a->inputs[i].description, NULL));
  for (size_t i = 0; i < a->nvars; i++)
    if (!artifact_declares(a, a->vars[i].name) &&
        !complete_typed_only(a, c, i))
      json_object_array_add(items, feature__item(
        a->vars[i].name, LSP_COMPLETION_VARIABLE, "template variable",
        NULL, NULL));
}

/* The keys of the mapping's shape that it does not have yet. */
static void
feature__complete_keys(const struct artifact *a, const struct complete_ctx *c,
                       json_object *items)
{
  for (const struct shape_field *f = c->shape->fields; f && f->name; f++) {
    char insert[96];

    /* A misplaced key is listed only so that its mistake is explained. */
    if ((f->flags & SHAPE_MISPLACED) || complete_has_key(a, c, f->name))
      continue;
    snprintf(insert, sizeof insert, "%s: ", f->name);
    json_object_array_add(items, feature__item(
      f->name, LSP_COMPLETION_PROPERTY, shape_type_text(f->types), f->doc,
      insert));
  }
}

/* Keywords a schema object does not have yet, with their documentation;
 * the insert writes the key as the schema is written. */
static void
feature__complete_schema_keys(const struct schema_complete *sc,
                              json_object *items)
{
  size_t count;
  const struct schema_keyword *kw = schema_keywords(&count);

  for (size_t i = 0; i < count; i++) {
    char insert[96];

    /* $schema names the dialect of a whole document: the root only; and
     * a draft's schema is offered that draft's keywords. */
    if (node_get_key(sc->schema, kw[i].name) ||
        (!sc->root && strcmp(kw[i].name, "$schema") == 0) ||
        !schema_keyword_in_draft(kw[i].name, sc->draft))
      continue;
    if (!sc->json)
      snprintf(insert, sizeof insert, "%s: ", kw[i].name);
    else
      snprintf(insert, sizeof insert, sc->quoted ? "%s" : "\"%s\": ",
               kw[i].name);
    json_object_array_add(items, feature__item(
      kw[i].name, LSP_COMPLETION_PROPERTY, kw[i].applies, kw[i].doc,
      insert));
  }
}

static void
feature__complete_types(json_object *items)
{
  static const char *const types[] = {
    "string", "number", "integer", "boolean", "object", "array", "null",
  };

  for (size_t i = 0; i < sizeof types / sizeof *types; i++)
    json_object_array_add(items, feature__item(types[i], LSP_COMPLETION_VALUE,
                                               "JSON Schema type", NULL,
                                               NULL));
}

/*
 * Gives each item a textEdit over what is typed of the word, so that the
 * client replaces it whatever its own idea of a word is ("{{ na" becomes
 * "{{ name", not "{{ nana" or "{{ name" with "na" left before it).
 */
static void
feature__edits(const struct feature_request *r, struct span prefix,
               json_object *items)
{
  for (size_t i = 0; i < json_object_array_length(items); i++) {
    json_object *item = json_object_array_get_idx(items, i);
    json_object *text = json_object_object_get(item, "insertText");
    json_object *edit = json_object_new_object();

    if (!text)
      text = json_object_object_get(item, "label");
    json_object_object_add(edit, "range",
                           lspconv_range(&r->artifact->src, prefix,
                                         r->session->encoding));
    json_object_object_add(edit, "newText", json_object_get(text));
    json_object_object_add(item, "textEdit", edit);
    json_object_object_del(item, "insertText");
  }
}

void
feature_completion(const struct feature_request *r)
{
  int64_t off = feature__offset(r);
  struct complete_ctx c;
  struct schema_complete sc;
  json_object *items;

  if (off < 0)
    return;
  complete_at(r->artifact, (uint32_t)off, &c);
  items = json_object_new_array();
  if (c.kind == COMPLETE_NONE &&
      schema_complete_at(r->artifact, (uint32_t)off, &sc)) {
    if (sc.kind == SCHEMA_COMPLETE_KEYWORD)
      feature__complete_schema_keys(&sc, items);
    else
      feature__complete_types(items);
    session_reply(r->session, r->id, items);
    return;
  }
  if (c.kind == COMPLETE_VARIABLE)
    feature__complete_variables(r->artifact, &c, items);
  else if (c.kind == COMPLETE_KEY)
    feature__complete_keys(r->artifact, &c, items);
  for (const char *const *v = c.kind == COMPLETE_VALUE ? c.field->values
                                                       : NULL; v && *v; v++)
    json_object_array_add(items, feature__item(*v, LSP_COMPLETION_VALUE,
                                               c.field->name, NULL, NULL));
  feature__edits(r, c.prefix, items);
  session_reply(r->session, r->id, items);
}

static int
feature__symbol_kind(enum outline_kind kind)
{
  switch (kind) {
  case OUTLINE_HEADER: return LSP_SYMBOL_NAMESPACE;
  case OUTLINE_KEY: return LSP_SYMBOL_PROPERTY;
  case OUTLINE_ROLE: return LSP_SYMBOL_OBJECT;
  case OUTLINE_HEADING: return LSP_SYMBOL_STRING;
  case OUTLINE_VARIABLE: return LSP_SYMBOL_VARIABLE;
  }
  return LSP_SYMBOL_OBJECT;
}

/* DocumentSymbol for item i and, as its children, the items under it. */
static json_object *
feature__symbol(const struct feature_request *r, const struct outline *o,
                size_t i)
{
  const struct outline_item *it = &o->items[i];
  const struct source *src = &r->artifact->src;
  json_object *sym = json_object_new_object();
  json_object *children = json_object_new_array();

  json_object_object_add(sym, "name", json_object_new_string(
                           it->name[0] ? it->name : "(untitled)"));
  json_object_object_add(sym, "kind",
                         json_object_new_int(feature__symbol_kind(it->kind)));
  json_object_object_add(sym, "range",
                         lspconv_range(src, it->range, r->session->encoding));
  json_object_object_add(sym, "selectionRange",
                         lspconv_range(src, it->select,
                                       r->session->encoding));
  for (size_t k = i + 1; k < o->count; k++)
    if (o->items[k].parent == (int)i)
      json_object_array_add(children, feature__symbol(r, o, k));
  json_object_object_add(sym, "children", children);
  return sym;
}

void
feature_document_symbols(const struct feature_request *r)
{
  struct arena names;
  struct outline o;
  json_object *list = json_object_new_array();

  arena_init(&names, 0);
  if (r->artifact && outline_build(r->artifact, &names, &o) == 0) {
    for (size_t i = 0; i < o.count; i++)
      if (o.items[i].parent < 0)
        json_object_array_add(list, feature__symbol(r, &o, i));
    outline_release(&o);
  }
  arena_release(&names);
  session_reply(r->session, r->id, list);
}

void
feature_folding_ranges(const struct feature_request *r)
{
  struct arena names;
  struct outline o;
  json_object *list = json_object_new_array();

  arena_init(&names, 0);
  if (r->artifact && outline_build(r->artifact, &names, &o) == 0) {
    for (size_t i = 0; i < o.nfolds; i++) {
      json_object *fold = json_object_new_object();

      json_object_object_add(fold, "startLine",
                             json_object_new_int64(o.folds[i].start_line));
      json_object_object_add(fold, "endLine",
                             json_object_new_int64(o.folds[i].end_line));
      json_object_array_add(list, fold);
    }
    outline_release(&o);
  }
  arena_release(&names);
  session_reply(r->session, r->id, list);
}
