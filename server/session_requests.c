/*
 * Requests about a document. They read the latest analysis and never parse
 * anything themselves. When the analysis of the document's current text is
 * still running, the request waits for it (and can be cancelled while it
 * waits), so an answer never describes text the user has already changed.
 * Code actions and code lenses also wait for the workspace index's first
 * run: what they offer depends on other files (the config that runs a
 * prompt, what was crystallised from it, which format a .txt is read
 * as), and a client asks for them again only when the user moves.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "crystallise_lsp.h"
#include "error.h"
#include "jsonrpc.h"
#include "log.h"
#include "lsp_links.h"
#include "lspconv.h"
#include "lsp_features.h"
#include "session_internal.h"

struct pending {
  struct pending *next;
  struct json_object *id;      /* owned copy */
  struct json_object *params;  /* a reference of our own */
  feature_fn answer;
  int version;                 /* the document's version when asked */
  bool index;                  /* it waits for the index's first run too */
};

/* Requests that may wait on one document; more means a runaway client. */
#define PENDING_PER_DOCUMENT_MAX 256

/* The requests about one document, and who answers each. */
static const struct {
  const char *method;
  feature_fn answer;
  bool index;                  /* waits for the index's first run */
} session__features[] = {
  { "textDocument/hover", feature_hover, false },
  { "textDocument/codeLens", feature_code_lens, true },
  { "textDocument/codeAction", feature_code_action, true },
  { "textDocument/definition", feature_definition, false },
  { "textDocument/references", feature_references, false },
  { "textDocument/prepareRename", feature_prepare_rename, false },
  { "textDocument/rename", feature_rename, false },
  { "textDocument/completion", feature_completion, false },
  { "textDocument/documentSymbol", feature_document_symbols, false },
  { "textDocument/foldingRange", feature_folding_ranges, false },
  { "textDocument/inlayHint", feature_inlay_hints, false },
  { "facet/grade", feature_grade, false },
};

static void
session__answer(struct session *self, struct document *doc,
                struct pending *p)
{
  struct feature_request r = { self, doc, doc->artifact, p->id, p->params };

  p->answer(&r);
}

static void
session__pending_free(struct pending *p)
{
  json_object_put(p->id);
  json_object_put(p->params);
  free(p);
}

void
session_answer_pending(struct session *self, struct document *doc)
{
  struct pending *p = doc->pending;
  struct pending **keep = &doc->pending;

  doc->pending = NULL;
  while (p) {
    struct pending *next = p->next;

    if (p->version == doc->version && p->index &&
        !session_index_done(self)) {
      /* Still waiting, for the index now. */
      p->next = NULL;
      *keep = p;
      keep = &p->next;
      p = next;
      continue;
    }
    if (p->version != doc->version)
      session_fail(self, p->id, JSONRPC_CONTENT_MODIFIED,
                   "the document changed while the request waited");
    else
      session__answer(self, doc, p);
    session__pending_free(p);
    p = next;
  }
}

void
session_answer_ready(struct document *doc, void *ctx)
{
  if (doc->pending && doc->artifact_version == doc->version &&
      !doc->dirty && !doc->analysing && !session_queued(ctx, doc))
    session_answer_pending(ctx, doc);
}

void
session_drop_pending(struct document *doc, void *ctx)
{
  struct session *self = ctx;
  struct pending *p = doc->pending;

  doc->pending = NULL;
  while (p) {
    struct pending *next = p->next;

    session_fail(self, p->id, JSONRPC_REQUEST_FAILED,
                 "the document was closed before its analysis ended");
    session__pending_free(p);
    p = next;
  }
}

static struct document *
session__doc(struct session *self, json_object *id, json_object *params)
{
  const char *uri = session_str(session_get(params, "textDocument"), "uri");
  struct document *doc;

  if (!uri) {
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "params.textDocument.uri is missing");
    return NULL;
  }
  doc = docstore_get(&self->docs, uri);
  if (!doc)
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "the document is not open: send didOpen first");
  return doc;
}

static void
session__request_doc(struct session *self, json_object *id,
                     json_object *params, feature_fn answer, bool index)
{
  struct pending p = { .id = id, .params = params, .answer = answer,
                       .index = index };
  struct document *doc = session__doc(self, id, params);
  struct pending *waiting;
  size_t queued = 0;

  if (!doc)
    return;
  p.version = doc->version;
  if (doc->artifact_version == doc->version && !doc->dirty &&
      !doc->analysing && (!index || session_index_done(self))) {
    session__answer(self, doc, &p);
    return;
  }
  for (waiting = doc->pending; waiting; waiting = waiting->next)
    queued++;
  waiting = queued < PENDING_PER_DOCUMENT_MAX ? malloc(sizeof *waiting)
                                              : NULL;
  if (!waiting) {
    session_fail(self, id, JSONRPC_REQUEST_FAILED,
                 "too many requests are waiting for this document");
    return;
  }
  *waiting = p;
  waiting->id = json_object_get(id);
  waiting->params = json_object_get(params);
  waiting->next = doc->pending;
  doc->pending = waiting;
}

static void
session__show_grade(struct session *self, json_object *id,
                    json_object *params)
{
  json_object *first = session_argument(params, 0);
  const char *uri = json_object_get_string(first);
  struct document *doc = NULL;
  json_object *msg;
  char *text;

  if (uri && json_object_is_type(first, json_type_string))
    doc = docstore_get(&self->docs, uri);
  if (!doc || !doc->artifact || !doc->artifact->grade.graded) {
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "facet.showGrade wants the URI of an open, graded artifact");
    return;
  }
  text = lspconv_grade_text(doc->artifact, 0, NULL);
  msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_int(3));
  json_object_object_add(msg, "message", json_object_new_string(
                           text ? text : "out of memory"));
  free(text);
  session_notify(self, "window/showMessage", msg);
  session_reply(self, id, NULL);
}

/* facet.showEvals [uri, position]: the last run of the test there. */
static void
session__show_evals(struct session *self, json_object *id,
                    json_object *params)
{
  json_object *first = session_argument(params, 0);
  const char *uri = json_object_get_string(first);
  struct document *doc = NULL;
  struct feature_request r = { self, NULL, NULL, id, NULL };
  int64_t line;
  int64_t character;
  uint32_t off;
  json_object *hover;
  json_object *msg;

  if (json_object_is_type(first, json_type_string))
    doc = docstore_get(&self->docs, uri);
  if (!doc || !doc->artifact ||
      lspconv_read_position(session_argument(params, 1), &line,
                            &character)) {
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "facet.showEvals wants an open document's URI and a "
                 "position");
    return;
  }
  r.doc = doc;
  r.artifact = doc->artifact;
  lspconv_offset(&doc->artifact->src, line, character, self->encoding, &off);
  hover = links_test_hover(&r, off);
  msg = json_object_new_object();
  json_object_object_add(msg, "type", json_object_new_int(3));
  json_object_object_add(msg, "message", json_object_new_string(
    hover ? json_object_get_string(session_get(session_get(hover, "contents"),
                                               "value"))
          : "no test is there"));
  json_object_put(hover);
  session_notify(self, "window/showMessage", msg);
  session_reply(self, id, NULL);
}

/* The command of a quick fix sent as a Command: its edit goes back to the
 * client to apply (workspace/applyEdit). */
static void
session__apply_edit(struct session *self, json_object *id,
                    json_object *params)
{
  json_object *edit = session_argument(params, 0);
  json_object *msg;
  json_object *rid;

  if (!json_object_is_type(edit, json_type_object)) {
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "facet.applyEdit wants a WorkspaceEdit");
    return;
  }
  if (!self->apply_edit_support) {
    session_fail(self, id, JSONRPC_REQUEST_FAILED,
                 "this editor cannot apply edits that facet sends "
                 "(workspace/applyEdit)");
    return;
  }
  msg = json_object_new_object();
  rid = json_object_new_int64(++self->next_id);
  json_object_object_add(msg, "edit", json_object_get(edit));
  session_send(self, jsonrpc_request_new(rid, "workspace/applyEdit", msg));
  json_object_put(rid);
  session_reply(self, id, NULL);
}

static void
session__execute(struct session *self, json_object *id, json_object *params)
{
  const char *command = session_str(params, "command");

  if (command && strcmp(command, "facet.showGrade") == 0)
    session__show_grade(self, id, params);
  else if (command && strcmp(command, "facet.showEvals") == 0)
    session__show_evals(self, id, params);
  else if (command && strcmp(command, "facet.workspaceGrades") == 0)
    session_workspace_grades(self, id, params);
  else if (command && strcmp(command, "facet.applyEdit") == 0)
    session__apply_edit(self, id, params);
  else if (!command || !self->crystal ||
           !crystallise_execute(self, id, command, params))
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "unknown command: facet runs facet.showGrade, "
                 "facet.showEvals, facet.workspaceGrades, "
                 "facet.crystallise, facet.crystallised, "
                 "facet.openArtifact and facet.applyEdit");
}

bool
session_document_request(struct session *self, json_object *id,
                         const char *method, json_object *params)
{
  for (size_t i = 0; i < sizeof session__features /
                           sizeof session__features[0]; i++) {
    if (strcmp(method, session__features[i].method) == 0) {
      session__request_doc(self, id, params, session__features[i].answer,
                           session__features[i].index);
      return true;
    }
  }
  if (strcmp(method, "codeAction/resolve") == 0) {
    /* An action facet does not defer is complete as it is. */
    if (!self->crystal || !crystallise_resolve(self, id, params))
      session_reply(self, id, json_object_get(params));
    return true;
  }
  if (strcmp(method, "workspace/executeCommand") != 0)
    return false;
  session__execute(self, id, params);
  return true;
}

static bool
session__same_id(json_object *a, json_object *b)
{
  if (json_object_get_type(a) != json_object_get_type(b))
    return false;
  if (json_object_is_type(a, json_type_int))
    return json_object_get_int64(a) == json_object_get_int64(b);
  return json_object_is_type(a, json_type_string) &&
         strcmp(json_object_get_string(a), json_object_get_string(b)) == 0;
}

struct session_cancel {
  struct session *session;
  json_object *id;
  bool found;
};

static void
session__cancel_in(struct document *doc, void *ctx)
{
  struct session_cancel *c = ctx;

  for (struct pending **p = &doc->pending; *p && !c->found;
       p = &(*p)->next) {
    struct pending *hit = *p;

    if (!session__same_id(hit->id, c->id))
      continue;
    *p = hit->next;
    session_fail(c->session, hit->id, JSONRPC_REQUEST_CANCELLED,
                 "the request was cancelled");
    session__pending_free(hit);
    c->found = true;
    return;
  }
}

void
session_cancel(struct session *self, json_object *id)
{
  struct session_cancel c = { self, id, false };

  /* Requests answered already are past cancelling: nothing to do. */
  if (id)
    docstore_each(&self->docs, session__cancel_in, &c);
}
