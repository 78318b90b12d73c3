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
 *
 * Each analysis starts from the document's latest one and the change
 * since (docstore.h), so a YAML document re-parses only what an edit
 * touched (analyzers/yaml_doc.h). The worker reads that artifact while
 * the loop may still answer requests from it; it stays the document's
 * until the analysis lands, and a document closed meanwhile is freed then.
 */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

#include "arena.h"
#include "artifact.h"
#include "buf.h"
#include "evalgraph.h"
#include "pathglob.h"
#include "detect.h"
#include "crystallise_lsp.h"
#include "error.h"
#include "fileio.h"
#include "jsonrpc.h"
#include "log.h"
#include "lspconv.h"
#include "session_internal.h"
#include "yaml_doc.h"

struct analysis {
  uv_work_t work;
  struct session *session;
  struct document *doc;      /* stays valid while the job runs: see above */
  char *path;
  char *companion;           /* the companion file's text, or NULL */
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
  free(job->path);
  free(job->companion);
  snapshot_unref(job->text);
  free(job);
}

/* Runs on a worker thread: touches nothing but the job. */
static void
analysis__work(uv_work_t *work)
{
  struct analysis *job = work->data;
  uint64_t start = session__now();

  if (job->session->stall_ms)
    uv_sleep(job->session->stall_ms);
  /* Limitation: the companion (a skprompt.txt's config.json, ...) is read
   * from disk, so its unsaved edits are seen once it is saved. */
  if (fileio_read_companion(job->path, &job->companion,
                            &job->opts.companion_len))
    job->opts.companion = job->companion;
  /* The artifact borrows the snapshot and drops this reference when it is
   * freed; the job's own pointer is cleared on the loop thread. */
  job->result = artifact_analyze_shared(job->path, job->text->data,
                                        job->text->len, &job->opts,
                                        snapshot_unref, job->text);
  if (job->result)
    job->text = NULL;
  job->nanoseconds = session__now() - start;
}

/* Appends the text of one Diagnostic to the array being written. */
static void
session__diagnostic_text(struct buf *out, const struct source *src,
                         const struct diagnostic *d,
                         enum position_encoding enc)
{
  if (out->len > 1)
    buf_putc(out, ',');
  lspconv_diagnostic_text(out, src, d, enc);
}

/* The findings the index adds about doc, when the index holds doc's own
 * analysis (so their spans are into doc's text). */
static void
session__graph_diagnostics(struct session *self, struct document *doc,
                           struct buf *out)
{
  char path[PATHGLOB_PATH_MAX];
  struct arena arena;
  struct diag_list diags;

  if (!doc->artifact || !doc->artifact->evals || !doc->path ||
      !wsindex_normal(doc->path, path) ||
      evalgraph_summary(self->index.graph, path) != doc->artifact->evals)
    return;
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  evalgraph_diagnostics(self->index.graph, path, session_now(self), &diags);
  for (size_t i = 0; i < diags.count; i++)
    session__diagnostic_text(out, &doc->artifact->src, &diags.items[i],
                             self->encoding);
  diag_list_release(&diags);
  arena_release(&arena);
}

/* Writes an array of diagnostics as the text already made of it (the
 * serializer's userdata, freed with the array). */
static int
session__written(json_object *list, struct printbuf *pb, int level,
                 int flags)
{
  const char *text = json_object_get_userdata(list);

  (void)level;
  (void)flags;
  return printbuf_memappend(pb, text, (int)strlen(text));
}

static void
session__free_text(json_object *list, void *text)
{
  (void)list;
  free(text);
}

/*
 * Publishes doc's findings. A large config has hundreds on every edit, so
 * they are written straight to JSON text (lspconv_diagnostic_text, the
 * same bytes json-c would write) rather than built as objects, written
 * and freed; the array in the message carries that text.
 */
void
session_publish(struct session *self, struct document *doc)
{
  json_object *params;
  json_object *list;
  json_object *extra;
  struct buf text;
  uint64_t hash;

  if (self->shutdown)
    return;  /* the client is leaving: nothing will show these */
  /* Only findings of the current text; its own analysis will publish. */
  if (doc->artifact_version != doc->version || doc->analysing || doc->dirty)
    return;
  buf_init(&text, SIZE_MAX / 2);
  buf_putc(&text, '[');
  for (size_t i = 0; doc->artifact && i < doc->artifact->diags.count; i++)
    session__diagnostic_text(&text, &doc->artifact->src,
                             &doc->artifact->diags.items[i], self->encoding);
  session__graph_diagnostics(self, doc, &text);
  extra = json_object_new_array();
  if (self->crystal)
    crystallise_diagnostics(self, doc, extra);
  for (size_t i = 0; i < json_object_array_length(extra); i++) {
    if (text.len > 1)
      buf_putc(&text, ',');
    buf_puts(&text, json_object_to_json_string_ext(
                      json_object_array_get_idx(extra, i),
                      JSON_C_TO_STRING_PLAIN |
                        JSON_C_TO_STRING_NOSLASHESCAPE));
  }
  json_object_put(extra);
  if (buf_putc(&text, ']') != 0) {
    buf_release(&text);
    return;  /* out of memory: nothing sensible to send */
  }
  /* Showing the index's view again sends nothing when nothing changed. */
  hash = XXH3_64bits(text.data, text.len) | 1;
  if (doc->published == hash && doc->published_version == doc->version) {
    buf_release(&text);
    return;
  }
  doc->published = hash;
  doc->published_version = doc->version;
  list = json_object_new_array();
  /* The array takes the text over and frees it with itself. */
  json_object_set_serializer(list, session__written, text.data,
                             session__free_text);
  params = json_object_new_object();
  json_object_object_add(params, "uri", json_object_new_string(doc->uri));
  json_object_object_add(params, "version",
                         json_object_new_int(doc->version));
  json_object_object_add(params, "diagnostics", list);
  session_notify(self, "textDocument/publishDiagnostics", params);
}

static void session__start(struct session *self, struct document *doc);

/* Whether job's result describes doc's text as it is now. */
static bool
analysis__fresh(const struct analysis *job, const struct document *doc)
{
  return job->result && job->serial == doc->serial &&
         job->version == doc->version && !doc->dirty &&
         job->result->owner == doc->text;
}

/*
 * A config analysed while this document was (both open, their analyses
 * running side by side) may have named it as a file of its own format, a
 * promptfoo tests file say, after this analysis had started as another:
 * the document is analysed again, as the format now asked for (true), and
 * the requests waiting on it wait for that analysis.
 */
static bool
analysis__recheck_format(struct session *self, struct document *doc,
                         enum artifact_format analysed_as)
{
  enum artifact_format want;

  if (overrides_match(&self->settings.formats, self->root,
                      doc->path ? doc->path : doc->uri) != FORMAT_NONE)
    return false;
  want = session_index_format(self, doc->path);
  if (want == FORMAT_NONE || want == analysed_as)
    return false;
  session_schedule(self, doc);
  return true;
}

static void
analysis__done(uv_work_t *work, int status)
{
  struct analysis *job = work->data;
  struct session *self = job->session;
  struct document *doc = job->doc;

  self->jobs--;
  doc->analysing = false;
  if (doc->closed) {
    analysis__free(job);
    document_free(doc);
    return;
  }
  if (status == 0 && analysis__fresh(job, doc)) {
    artifact_free(doc->artifact);
    doc->artifact = job->result;
    doc->artifact_version = job->version;
    doc->change = text_change_none();
    job->result = NULL;
    log_debug("analysed %s v%d in %.2f ms%s", doc->uri, doc->version,
              (double)job->nanoseconds / 1e6,
              doc->artifact->yaml && doc->artifact->yaml->reused
                ? " (one item parsed again)" : "");
    session_index_document(self, doc);
    session_publish(self, doc);
    if (!analysis__recheck_format(self, doc, job->opts.format))
      session_answer_pending(self, doc);
  } else if (status == 0 && !job->result && job->serial == doc->serial) {
    log_error("analysis of %s ran out of memory", doc->uri);
    session_answer_pending(self, doc);
  }
  analysis__free(job);
  if (doc->dirty)
    session__start(self, doc);
  /* What this analysis changed for other open documents (a config that
   * now names them) is analysed now, not at the client's next message. */
  session_flush(self);
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
  job->doc = doc;
  job->serial = doc->serial;
  job->version = doc->version;
  job->path = doc->path ? strdup(doc->path) : NULL;
  job->text = snapshot_ref(doc->text);
  job->opts.valid_utf8 = doc->text->valid_utf8;
  job->opts.lines = &doc->text->lines;
  job->opts.previous = doc->artifact;
  job->opts.change = doc->change;
  job->opts.max_bytes = self->settings.max_file_bytes;
  job->opts.format = overrides_match(&self->settings.formats, self->root,
                                     doc->path ? doc->path : doc->uri);
  if (job->opts.format == FORMAT_NONE)
    job->opts.format = session_index_format(self, doc->path);
  job->opts.provider = overrides_lookup(&self->settings.providers,
                                        self->root,
                                        doc->path ? doc->path : doc->uri,
                                        self->settings.provider);
  job->opts.uri = doc->uri;
  job->opts.schema_files = &self->refs.files;
  if (doc->path && !job->path)
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

void
session_schedule(struct session *self, struct document *doc)
{
  if (doc->analysing) {
    doc->dirty = true;
    return;
  }
  if (session_queued(self, doc))
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

bool
session_queued(const struct session *self, const struct document *doc)
{
  for (size_t i = 0; i < self->nqueue; i++)
    if (self->queue[i] == doc)
      return true;
  return false;
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
  session_schedule(self, doc);
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
  session_schedule(self, doc);
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
  doc->unsaved = true;
  session_schedule(self, doc);
}

static void
session__did_close(struct session *self, json_object *params)
{
  const char *uri = session_str(session_get(params, "textDocument"), "uri");
  struct document *doc = uri ? docstore_take(&self->docs, uri) : NULL;
  json_object *clear;
  char *path;

  if (!doc)
    return;
  session__unqueue(self, doc);
  session_drop_pending(doc, self);
  path = doc->path ? strdup(doc->path) : NULL;
  /* Its analysis reads the document's artifact: it frees the document. */
  if (doc->analysing)
    doc->closed = true;
  else
    document_free(doc);
  session_index_closed(self, path);
  free(path);
  /* Findings of a closed file would linger in the problem list. */
  clear = json_object_new_object();
  json_object_object_add(clear, "uri", json_object_new_string(uri));
  json_object_object_add(clear, "diagnostics", json_object_new_array());
  session_notify(self, "textDocument/publishDiagnostics", clear);
}

void
session_companion_changed(struct session *self, const char *path)
{
  char companion[DETECT_COMPANION_MAX];
  struct document *other;

  if (!path || !detect_companion(path, companion, sizeof companion))
    return;
  other = docstore_find_path(&self->docs, companion);
  if (other)
    session_schedule(self, other);
}

/* The text is already known from didChange; what a save changes is what
 * other documents read from disk. */
static void
session__did_save(struct session *self, json_object *params)
{
  const char *uri = session_str(session_get(params, "textDocument"), "uri");
  struct document *doc = uri ? docstore_get(&self->docs, uri) : NULL;

  if (!doc)
    return;
  session_companion_changed(self, doc->path);
  /* Its time is the file's again, which the save made later: analysed
   * anew, the summary says so (session_index_document). */
  doc->unsaved = false;
  session_schedule(self, doc);
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
  else if (strcmp(method, "textDocument/didSave") == 0)
    session__did_save(self, params);
  else
    return false;
  return true;
}
