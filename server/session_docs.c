/*
 * Documents in the session: keeping text in step with the client, running
 * analyses off the event loop, and publishing what they find.
 *
 * Scheduling: at most one analysis per document is in flight. Edits that
 * arrive while it runs mark the document dirty, and one more analysis of
 * the newest text follows when it ends: a burst of keystrokes costs two
 * analyses, whatever its length. Edits that arrive in the same read are
 * applied before any analysis starts (session_flush). A result is
 * published only if it is of the document's current version, so a stale
 * analysis never overwrites a newer one.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "artifact.h"
#include "crystallise_lsp.h"
#include "error.h"
#include "jsonrpc.h"
#include "log.h"
#include "lspconv.h"
#include "session_internal.h"

struct analysis {
  uv_work_t work;
  struct session *session;
  char *uri;
  char *path;
  uint64_t serial;
  int version;
  struct snapshot *text;     /* one reference, handed to the result */
  struct analyze_options opts;
  struct artifact *result;
  uint64_t nanoseconds;
};

static uint64_t
session__now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
analysis__free(struct analysis *job)
{
  artifact_free(job->result);
  free(job->uri);
  free(job->path);
  snapshot_unref(job->text);
  free(job);
}

/* Runs on a worker thread: touches nothing but the job. */
static void
analysis__work(uv_work_t *work)
{
  struct analysis *job = work->data;
  uint64_t start = session__now();

  /* The artifact borrows the snapshot and drops this reference when it is
   * freed; the job's own pointer is cleared on the loop thread. */
  job->result = artifact_analyze_shared(job->path, job->text->data,
                                        job->text->len, &job->opts,
                                        snapshot_unref, job->text);
  if (job->result)
    job->text = NULL;
  job->nanoseconds = session__now() - start;
}

void
session_publish(struct session *self, struct document *doc)
{
  json_object *params;
  json_object *list;

  if (self->shutdown)
    return;  /* the client is leaving: nothing will show these */
  params = json_object_new_object();
  list = lspconv_diagnostics(doc->artifact, self->encoding);
  if (self->crystal)
    crystallise_diagnostics(self, doc, list);
  json_object_object_add(params, "uri", json_object_new_string(doc->uri));
  json_object_object_add(params, "version",
                         json_object_new_int(doc->version));
  json_object_object_add(params, "diagnostics", list);
  session_notify(self, "textDocument/publishDiagnostics", params);
}

static void session__start(struct session *self, struct document *doc);

static void
analysis__done(uv_work_t *work, int status)
{
  struct analysis *job = work->data;
  struct session *self = job->session;
  struct document *doc = docstore_get(&self->docs, job->uri);

  self->jobs--;
  if (!doc || doc->serial != job->serial) {
    analysis__free(job);
    return;
  }
  doc->analysing = false;
  if (status == 0 && job->result && job->version == doc->version &&
      !doc->dirty) {
    artifact_free(doc->artifact);
    doc->artifact = job->result;
    doc->artifact_version = job->version;
    job->result = NULL;
    log_debug("analysed %s v%d in %.2f ms", doc->uri, doc->version,
              (double)job->nanoseconds / 1e6);
    if (self->crystal)
      crystallise_regrade(self, doc);
    session_publish(self, doc);
    session_answer_pending(self, doc);
  } else if (status == 0 && !job->result) {
    log_error("analysis of %s ran out of memory", doc->uri);
    session_answer_pending(self, doc);
  }
  analysis__free(job);
  if (doc->dirty)
    session__start(self, doc);
}

static void
session__start(struct session *self, struct document *doc)
{
  struct analysis *job = calloc(1, sizeof *job);

  doc->dirty = false;
  if (!job)
    goto fail;
  job->work.data = job;
  job->session = self;
  job->serial = doc->serial;
  job->version = doc->version;
  job->uri = strdup(doc->uri);
  job->path = doc->path ? strdup(doc->path) : NULL;
  job->text = snapshot_ref(doc->text);
  job->opts.valid_utf8 = doc->text->valid_utf8;
  job->opts.max_bytes = self->settings.max_file_bytes;
  job->opts.format = overrides_match(&self->settings.formats, self->root,
                                     doc->path ? doc->path : doc->uri);
  if (!job->uri || (doc->path && !job->path))
    goto fail;
  if (uv_queue_work(self->loop, &job->work, analysis__work, analysis__done))
    goto fail;
  doc->analysing = true;
  self->jobs++;
  return;
fail:
  log_error("could not start analysing %s: out of memory", doc->uri);
  if (job)
    analysis__free(job);
}

/* Queues doc for analysis at the next session_flush. */
static void
session__schedule(struct session *self, struct document *doc)
{
  if (doc->analysing) {
    doc->dirty = true;
    return;
  }
  for (size_t i = 0; i < self->nqueue; i++)
    if (self->queue[i] == doc)
      return;
  if (self->nqueue == self->cap_queue) {
    size_t cap = self->cap_queue ? self->cap_queue * 2 : 16;
    struct document **q = realloc(self->queue, cap * sizeof *q);

    if (!q) {
      session__start(self, doc);
      return;
    }
    self->queue = q;
    self->cap_queue = cap;
  }
  self->queue[self->nqueue++] = doc;
}

void
session_flush(struct session *self)
{
  size_t n = self->nqueue;

  self->nqueue = 0;
  for (size_t i = 0; i < n; i++)
    session__start(self, self->queue[i]);
}

static void
session__unqueue(struct session *self, struct document *doc)
{
  for (size_t i = 0; i < self->nqueue; i++)
    if (self->queue[i] == doc) {
      self->queue[i] = self->queue[--self->nqueue];
      return;
    }
}

static void
session__reanalyse(struct document *doc, void *self)
{
  session__schedule(self, doc);
}

void
session_reanalyse_all(struct session *self)
{
  docstore_each(&self->docs, session__reanalyse, self);
}

static void
session__did_open(struct session *self, json_object *params)
{
  json_object *td = session_get(params, "textDocument");
  const char *uri = session_str(td, "uri");
  json_object *text = session_get(td, "text");
  json_object *version = session_get(td, "version");
  struct document *doc;

  if (!uri || !json_object_is_type(text, json_type_string)) {
    log_warn("didOpen without textDocument.uri and text: ignored");
    return;
  }
  doc = docstore_open(&self->docs, uri, json_object_get_int(version),
                      json_object_get_string(text),
                      (size_t)json_object_get_string_len(text));
  if (!doc) {
    json_object *msg = json_object_new_object();

    log_error("could not open %s: out of memory or over %zu bytes", uri,
              (size_t)DOCUMENT_TEXT_MAX);
    json_object_object_add(msg, "type", json_object_new_int(2));
    json_object_object_add(msg, "message", json_object_new_string(
                             "facet does not analyse this file: it is over "
                             "its 64 MiB limit for an open document"));
    session_notify(self, "window/showMessage", msg);
    return;
  }
  if (self->crystal)
    crystallise_touched(self, doc);
  session__schedule(self, doc);
}

/* Applies one TextDocumentContentChangeEvent (borrowed) to doc. */
static int
session__change(struct session *self, struct document *doc, json_object *ch)
{
  json_object *text = session_get(ch, "text");
  json_object *range = session_get(ch, "range");
  int64_t l0, c0, l1, c1;
  uint32_t start, end;
  const char *s = json_object_get_string(text);
  size_t len = (size_t)json_object_get_string_len(text);

  if (!json_object_is_type(text, json_type_string))
    return FACET_EINVAL;
  if (!range)
    return document_set_text(doc, s, len);
  if (lspconv_read_position(session_get(range, "start"), &l0, &c0) ||
      lspconv_read_position(session_get(range, "end"), &l1, &c1) ||
      lspconv_offset(&doc->lines, l0, c0, self->encoding, &start) ||
      lspconv_offset(&doc->lines, l1, c1, self->encoding, &end))
    return FACET_EINVAL;
  if (end < start)
    return FACET_EINVAL;
  return document_edit(doc, start, end, s, len);
}

static void
session__did_change(struct session *self, json_object *params)
{
  json_object *td = session_get(params, "textDocument");
  const char *uri = session_str(td, "uri");
  json_object *changes = session_get(params, "contentChanges");
  struct document *doc = uri ? docstore_get(&self->docs, uri) : NULL;
  size_t n;

  if (!doc || !json_object_is_type(changes, json_type_array)) {
    log_warn("didChange for %s: %s", uri ? uri : "(no uri)",
             doc ? "no contentChanges" : "document is not open");
    return;
  }
  n = json_object_array_length(changes);
  for (size_t i = 0; i < n; i++) {
    int rc = session__change(self, doc, json_object_array_get_idx(changes, i));

    if (rc) {
      log_error("didChange for %s: change %zu not applied (%s); the "
                "document may be out of step until it is reopened", uri, i,
                facet_strerror(rc));
      break;
    }
  }
  if (json_object_is_type(session_get(td, "version"), json_type_int))
    doc->version = json_object_get_int(session_get(td, "version"));
  if (self->crystal)
    crystallise_touched(self, doc);
  session__schedule(self, doc);
}

static void
session__did_close(struct session *self, json_object *params)
{
  const char *uri = session_str(session_get(params, "textDocument"), "uri");
  struct document *doc = uri ? docstore_take(&self->docs, uri) : NULL;
  json_object *clear;

  if (!doc)
    return;
  session__unqueue(self, doc);
  session_drop_pending(doc, self);
  if (self->crystal)
    crystallise_touched(self, doc);
  document_free(doc);
  /* Findings of a closed file would linger in the problem list. */
  clear = json_object_new_object();
  json_object_object_add(clear, "uri", json_object_new_string(uri));
  json_object_object_add(clear, "diagnostics", json_object_new_array());
  session_notify(self, "textDocument/publishDiagnostics", clear);
}

bool
session_document_notification(struct session *self, const char *method,
                              json_object *params)
{
  if (strcmp(method, "textDocument/didOpen") == 0)
    session__did_open(self, params);
  else if (strcmp(method, "textDocument/didChange") == 0)
    session__did_change(self, params);
  else if (strcmp(method, "textDocument/didClose") == 0)
    session__did_close(self, params);
  else if (strcmp(method, "textDocument/didSave") != 0)
    return false;
  /* didSave: the text is already known from didChange; nothing to redo. */
  return true;
}
