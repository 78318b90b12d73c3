/*
 * The workspace index in the editor session. At "initialized" the
 * workspace folder is walked and its artifacts read and analysed off the
 * event loop, a slice of files at a time with at most two slices in
 * flight, so the analysis of a document being typed into never queues
 * behind the whole workspace and requests on open documents are answered
 * throughout (with what the index knows so far). $/progress reports the
 * run when the client supports it. Then references are followed (test
 * files, prompt text files, results files git ignores) the same way.
 *
 * Afterwards the index is kept current: an open document's latest
 * analysis replaces the file's summary from disk; a closed one is read
 * from disk again; files that change on disk arrive through
 * didChangeWatchedFiles (registered with the client when it supports
 * dynamic registration) or, when it does not, through facet's own watch
 * of the folders its results files are in. Each change resolves the
 * graph again and shows the open documents it concerns anew: their
 * diagnostics are published, their grades recomputed, and the client is
 * asked to refresh its code lenses when it supports that.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "artifact.h"
#include "error.h"
#include "evalfile.h"
#include "jsonrpc.h"
#include "log.h"
#include "pathglob.h"
#include "session_internal.h"
#include "walk.h"
#include "wsindex.h"

/* Files one slice reads; a slice is one job on the thread pool. */
#define INDEX_SLICE_FILES 64
/* Slices in flight at once: the pool's other threads stay free for the
 * analyses of open documents. */
#define INDEX_SLICES_IN_FLIGHT 2
/* Folders facet watches itself when the client does not watch files. */
#define INDEX_WATCHES_MAX 64

struct index_item {
  char *path;                  /* normalised */
  enum artifact_format format;
  struct evalfile *summary;    /* one reference, once read */
  bool exists;                 /* the file could be read */
  size_t too_large;            /* over the limit: its size, else 0 */
  size_t limit;
};

struct index_job {
  uv_work_t work;
  struct session *session;
  unsigned generation;
  char *root;                  /* a scan: walk it for paths */
  struct index_item *items;
  size_t n;
  size_t cap;
  size_t max_bytes;
};

enum index_progress {
  PROGRESS_NONE,       /* not reported */
  PROGRESS_CREATING,   /* window/workDoneProgress/create is out */
  PROGRESS_BEGUN,
  PROGRESS_ENDED,
};

struct index_watch {
  uv_fs_event_t handle;
  struct session *session;
  char *dir;
};

struct session_index {
  unsigned generation;
  unsigned scanning;           /* folder scans still walking */
  bool done;                   /* the first full run ended */
  int round;
  struct index_item *queue;    /* files waiting to be read */
  size_t nqueue;
  size_t cap_queue;
  size_t next;                 /* queue[next] is read next */
  unsigned in_flight;
  size_t total;                /* for progress: files to read this run */
  size_t finished;
  enum index_progress progress;
  int64_t progress_request;    /* id of the create request */
  unsigned last_percent;
  struct index_watch *watches[INDEX_WATCHES_MAX];
  size_t nwatches;
  struct walk_filter **filters;  /* what the walk of each folder passed
                                    by, for files that change later */
  size_t nfilters;
};

static const char index__token[] = "facet/index";

int64_t
session_now(const struct session *self)
{
  return self->clock_fixed ? self->clock_fixed : (int64_t)time(NULL);
}

/* ---- progress ---------------------------------------------------------- */

static void
index__progress(struct session *self, const char *kind, const char *message,
                int percent)
{
  json_object *params = json_object_new_object();
  json_object *value = json_object_new_object();

  json_object_object_add(value, "kind", json_object_new_string(kind));
  if (strcmp(kind, "begin") == 0) {
    json_object_object_add(value, "title",
                           json_object_new_string("facet: indexing evals"));
    json_object_object_add(value, "cancellable",
                           json_object_new_boolean(0));
  }
  if (message)
    json_object_object_add(value, "message", json_object_new_string(message));
  if (percent >= 0 && strcmp(kind, "end") != 0)
    json_object_object_add(value, "percentage", json_object_new_int(percent));
  json_object_object_add(params, "token",
                         json_object_new_string(index__token));
  json_object_object_add(params, "value", value);
  session_notify(self, "$/progress", params);
}

static int
index__percent(const struct session_index *x)
{
  return x->total ? (int)(x->finished * 100 / x->total) : 0;
}

static void
index__report(struct session *self)
{
  struct session_index *x = self->indexing;
  char msg[64];
  int percent = index__percent(x);

  if (x->progress != PROGRESS_BEGUN || (unsigned)percent == x->last_percent)
    return;
  x->last_percent = (unsigned)percent;
  snprintf(msg, sizeof msg, "%zu of %zu files", x->finished, x->total);
  index__progress(self, "report", msg, percent);
}

static void
index__progress_end(struct session *self)
{
  struct session_index *x = self->indexing;
  size_t artifacts = 0;
  char msg[96];

  if (x->progress != PROGRESS_BEGUN)
    return;
  evalgraph_count(self->index.graph, &artifacts);
  snprintf(msg, sizeof msg, "%zu artifacts indexed", artifacts);
  index__progress(self, "end", msg, -1);
  x->progress = PROGRESS_ENDED;
}

void
session_index_response(struct session *self, int64_t id)
{
  struct session_index *x = self->indexing;

  if (!x || x->progress != PROGRESS_CREATING || id != x->progress_request)
    return;
  x->progress = PROGRESS_BEGUN;
  x->last_percent = 101;
  index__progress(self, "begin", NULL, index__percent(x));
  if (x->done)
    index__progress_end(self);
}

bool
session_index_owns(const struct session *self, int64_t id)
{
  return self->indexing && self->indexing->progress == PROGRESS_CREATING &&
         self->indexing->progress_request == id;
}

static void
index__progress_create(struct session *self)
{
  json_object *params = json_object_new_object();
  json_object *id;

  json_object_object_add(params, "token",
                         json_object_new_string(index__token));
  self->indexing->progress_request = ++self->next_id;
  self->indexing->progress = PROGRESS_CREATING;
  id = json_object_new_int64(self->indexing->progress_request);
  session_send(self, jsonrpc_request_new(id, "window/workDoneProgress/create",
                                         params));
  json_object_put(id);
}

/* ---- showing what changed ---------------------------------------------- */

static void
index__refresh(struct session *self, const char *method)
{
  json_object *id = json_object_new_int64(++self->next_id);

  session_send(self, jsonrpc_request_new(id, method, NULL));
  json_object_put(id);
}

/* Lenses, and the inlay hints that repeat them, say what the index knew. */
static void
index__lens_refresh(struct session *self)
{
  if (self->shutdown)
    return;
  if (self->lens_refresh_support)
    index__refresh(self, "workspace/codeLens/refresh");
  if (self->inlay_refresh_support &&
      self->settings.inlay_hints != SESSION_INLAY_OFF &&
      (self->settings.inlay_hints == SESSION_INLAY_ON || !self->client_lenses))
    index__refresh(self, "workspace/inlayHint/refresh");
}

/* Recomputes an open document's grade with what other files say. */
void
session_index_regrade(struct session *self, struct document *doc)
{
  char path[PATHGLOB_PATH_MAX];
  struct grade_links links = { 0 };
  bool indexed;

  if (!doc->artifact || doc->artifact->kind == ARTIFACT_NONE ||
      doc->artifact->kind == ARTIFACT_RESULTS)
    return;
  indexed = doc->path && wsindex_normal(doc->path, path) &&
            evalgraph_summary(self->index.graph, path) ==
              doc->artifact->evals;
  if (!indexed)
    return;
  /* The links facet check counts too: tests, schemas, and what crystallise
   * made of the prompt. */
  evalgraph_grade_links(self->index.graph, path, session_now(self), &links);
  grade_compute(doc->artifact, &links);
}

struct index_changed {
  struct session *session;
  struct document *except;
};

static void
index__changed(const char *path, void *ctx)
{
  struct index_changed *c = ctx;
  struct document *doc = docstore_find_path(&c->session->docs, path);
  enum artifact_format want;

  if (!doc || doc == c->except || !doc->artifact)
    return;
  want = evalgraph_wanted_format(c->session->index.graph, path);
  /* A file some reference now asks to be read as another format (a CSV
   * a config just named) is analysed again, as that format. */
  if (want != FORMAT_NONE && want != doc->artifact->format &&
      overrides_match(&c->session->settings.formats, c->session->root,
                      doc->path) == FORMAT_NONE) {
    session_schedule(c->session, doc);
    return;
  }
  session_index_regrade(c->session, doc);
  session_publish(c->session, doc);
}

static void index__queue(struct session *self, const char *path,
                         enum artifact_format format);
static void index__pump(struct session *self);

static void
index__want(const char *path, enum artifact_format format, void *ctx)
{
  struct session *self = ctx;
  struct session_index *x = self->indexing;
  struct document *doc = docstore_find_path(&self->docs, path);

  /* An open document is analysed again as the format asked for
   * (index__changed, or when its running analysis ends: analysis__done);
   * what the disk holds would not count for it, and
   * reading it would only ask for it again, round after round. */
  if (doc)
    return;
  for (size_t i = x->next; i < x->nqueue; i++)
    if (x->queue[i].path && strcmp(x->queue[i].path, path) == 0 &&
        x->queue[i].format == format)
      return;
  index__queue(self, path, format);
}

/*
 * Resolves the graph and shows the open documents that changed. Then
 * reads what references now ask for: those of the document edited
 * (except), or of every file after a change on disk.
 */
static void
index__settle(struct session *self, struct document *except)
{
  struct index_changed c = { self, except };
  char path[PATHGLOB_PATH_MAX];

  evalgraph_resolve(self->index.graph, index__changed, &c);
  if (self->indexing && self->indexing->done) {
    if (!except)
      wsindex_each_wanted(&self->index, self->root, false, index__want,
                          self);
    else if (except->path && wsindex_normal(except->path, path))
      wsindex_each_wanted_by(&self->index, path, index__want, self);
    index__pump(self);
  }
  index__lens_refresh(self);
}

/* ---- reading files off the loop ---------------------------------------- */

static void
index__item_release(struct index_item *it)
{
  free(it->path);
  evalfile_unref(it->summary);
}

static void
index__job_free(struct index_job *job)
{
  for (size_t i = 0; i < job->n; i++)
    index__item_release(&job->items[i]);
  free(job->items);
  free(job->root);
  free(job);
}

static int
index__scan_file(const char *path, bool explicit, void *ctx)
{
  struct index_job *job = ctx;
  char norm[PATHGLOB_PATH_MAX];

  (void)explicit;
  if (!wsindex_normal(path, norm))
    return 0;
  if (job->n == job->cap) {
    size_t cap = job->cap ? 2 * job->cap : 256;
    struct index_item *grown = realloc(job->items, cap * sizeof *grown);

    if (!grown)
      return FACET_ENOMEM;
    job->items = grown;
    job->cap = cap;
  }
  memset(&job->items[job->n], 0, sizeof *job->items);
  job->items[job->n].path = strdup(norm);
  if (!job->items[job->n].path)
    return FACET_ENOMEM;
  job->n++;
  return 0;
}

static int
index__scan_error(const char *path, int err, void *ctx)
{
  (void)ctx;
  log_debug("indexing skipped %s: %s", path, facet_strerror(err));
  return 0;
}

/* Runs on a worker thread: touches nothing but the job. */
static void
index__work(uv_work_t *work)
{
  struct index_job *job = work->data;

  if (job->root) {
    walk_path(job->root, index__scan_file, index__scan_error, job);
    return;
  }
  for (size_t i = 0; i < job->n; i++) {
    struct index_item *it = &job->items[i];
    int err = 0;
    /* Summaries for the graph only: provider rules and $ref'd files,
     * which settings on the loop's thread own, are left to the analyses
     * of open documents. */
    struct artifact *a = wsindex_read(it->path, it->format, job->max_bytes,
                                      NULL, &err);

    it->exists = a != NULL || err == FACET_ELIMIT;
    if (a && a->refused_size) {
      it->too_large = a->refused_size;
      it->limit = a->refused_limit;
    }
    if (wsindex_summary(a))
      it->summary = evalfile_ref(wsindex_summary(a));
    artifact_free(a);
  }
}

static void
index__after_scan(struct session *self, struct index_job *job)
{
  for (size_t i = 0; i < job->n; i++) {
    const char *path = job->items[i].path;

    if (evalgraph_add_path(self->index.graph, path))
      break;
    if (wsindex_candidate(&self->index, path))
      index__queue(self, path, wsindex_assumed(&self->index, path));
  }
  self->indexing->scanning--;
  log_info("indexing %zu files of %s (%zu artifacts to read)", job->n,
           job->root, self->indexing->nqueue - self->indexing->next);
}

static void
index__after_read(struct session *self, struct index_job *job)
{
  for (size_t i = 0; i < job->n; i++) {
    struct index_item *it = &job->items[i];
    struct document *doc = docstore_find_path(&self->docs, it->path);

    self->indexing->finished++;
    /* An open document's own analysis is what counts for it. */
    if (doc && doc->artifact)
      continue;
    if (!it->exists)
      evalgraph_remove_path(self->index.graph, it->path);
    else if (it->too_large)
      evalgraph_set_too_large(self->index.graph, it->path, it->too_large,
                              it->limit);
    else
      evalgraph_set(self->index.graph, it->path, it->summary);
  }
}

static void index__finish_round(struct session *self);

static void
index__done(uv_work_t *work, int status)
{
  struct index_job *job = work->data;
  struct session *self = job->session;
  struct session_index *x = self->indexing;

  self->jobs--;
  if (!x || job->generation != x->generation || status) {
    index__job_free(job);
    return;
  }
  x->in_flight--;
  if (job->root)
    index__after_scan(self, job);
  else
    index__after_read(self, job);
  index__job_free(job);
  index__report(self);
  if (x->in_flight == 0 && x->next == x->nqueue && !x->scanning)
    index__finish_round(self);
  else
    index__pump(self);
  /* Open documents the index asked to analyse again start now, not at the
   * client's next message. */
  session_flush(self);
}

static int
index__submit(struct session *self, struct index_job *job)
{
  job->work.data = job;
  job->session = self;
  job->generation = self->indexing->generation;
  job->max_bytes = self->settings.max_file_bytes;
  if (uv_queue_work(self->loop, &job->work, index__work, index__done)) {
    index__job_free(job);
    return FACET_ENOMEM;
  }
  self->jobs++;
  self->indexing->in_flight++;
  return 0;
}

static void
index__queue(struct session *self, const char *path,
             enum artifact_format format)
{
  struct session_index *x = self->indexing;
  struct index_item *it;

  if (x->nqueue == x->cap_queue) {
    size_t cap = x->cap_queue ? 2 * x->cap_queue : 256;
    struct index_item *grown = realloc(x->queue, cap * sizeof *grown);

    if (!grown)
      return;
    x->queue = grown;
    x->cap_queue = cap;
  }
  it = &x->queue[x->nqueue];
  memset(it, 0, sizeof *it);
  it->path = strdup(path);
  it->format = format;
  if (!it->path)
    return;
  x->nqueue++;
  x->total++;
}

/* Forgets the queue once it is all read, so that it does not grow. */
static void
index__trim(struct session_index *x)
{
  if (x->next != x->nqueue || x->in_flight != 0)
    return;
  for (size_t i = 0; i < x->nqueue; i++)
    free(x->queue[i].path);
  x->nqueue = x->next = 0;
}

static void
index__pump(struct session *self)
{
  struct session_index *x = self->indexing;

  while (x->in_flight < INDEX_SLICES_IN_FLIGHT && x->next < x->nqueue &&
         !self->shutdown) {
    struct index_job *job = calloc(1, sizeof *job);
    size_t n = x->nqueue - x->next;

    if (n > INDEX_SLICE_FILES)
      n = INDEX_SLICE_FILES;
    if (!job || !(job->items = calloc(n, sizeof *job->items))) {
      free(job);
      return;
    }
    for (size_t i = 0; i < n; i++) {
      job->items[i] = x->queue[x->next + i];
      x->queue[x->next + i].path = NULL;
    }
    job->n = job->cap = n;
    x->next += n;
    if (index__submit(self, job))
      return;
  }
  index__trim(x);
}

static void index__watch_results(struct session *self);

static void
index__show_doc(struct document *doc, void *ctx)
{
  struct index_changed c = { ctx, NULL };
  char path[PATHGLOB_PATH_MAX];

  if (doc->path && wsindex_normal(doc->path, path))
    index__changed(path, &c);
}

static void
index__finish_round(struct session *self)
{
  struct session_index *x = self->indexing;
  size_t artifacts = 0;

  index__trim(x);
  /* After the first run, every change is shown where it lands. */
  if (x->done) {
    index__settle(self, NULL);
    return;
  }
  evalgraph_resolve(self->index.graph, NULL, NULL);
  if (x->round < WSINDEX_ROUNDS_MAX) {
    x->round++;
    wsindex_each_wanted(&self->index, self->root, x->round == 1,
                        index__want, self);
    if (x->nqueue > x->next) {
      index__pump(self);
      return;
    }
  }
  x->done = true;
  evalgraph_count(self->index.graph, &artifacts);
  log_info("index complete: %zu files, %zu artifacts",
           evalgraph_count(self->index.graph, NULL), artifacts);
  index__progress_end(self);
  if (!self->watch_support)
    index__watch_results(self);
  /* Every open document sees the whole workspace now. Those the index
   * has analysed again (a .txt a config runs) answer the requests that
   * waited for it when that lands; the others answer now. */
  docstore_each(&self->docs, index__show_doc, self);
  session_flush(self);
  docstore_each(&self->docs, session_answer_ready, self);
  index__lens_refresh(self);
}

/* ---- the client's file watcher, or facet's own ------------------------- */

static void
index__register_watcher(struct session *self)
{
  json_object *params = json_object_new_object();
  json_object *regs = json_object_new_array();
  json_object *reg = json_object_new_object();
  json_object *opts = json_object_new_object();
  json_object *watchers = json_object_new_array();
  json_object *watcher = json_object_new_object();
  json_object *id;

  json_object_object_add(watcher, "globPattern",
                         json_object_new_string("**/*"));
  json_object_array_add(watchers, watcher);
  json_object_object_add(opts, "watchers", watchers);
  json_object_object_add(reg, "id", json_object_new_string("facet/watch"));
  json_object_object_add(reg, "method", json_object_new_string(
                           "workspace/didChangeWatchedFiles"));
  json_object_object_add(reg, "registerOptions", opts);
  json_object_array_add(regs, reg);
  json_object_object_add(params, "registrations", regs);
  id = json_object_new_int64(++self->next_id);
  session_send(self, jsonrpc_request_new(id, "client/registerCapability",
                                         params));
  json_object_put(id);
}

/* Whether path is the workspace's .facet.yaml. */
static bool
index__is_config(const struct session *self, const char *path)
{
  char want[PATHGLOB_PATH_MAX];
  char full[2 * PATHGLOB_PATH_MAX];

  if (!self->root)
    return false;
  snprintf(full, sizeof full, "%s/%s", self->root, WSCONFIG_FILE);
  return wsindex_normal(full, want) && strcmp(want, path) == 0;
}

/* .facet.yaml changed: its results globs are read again, and followed. */
static void
index__reload_config(struct session *self)
{
  char why[256];

  wsconfig_forget_file(&self->index.config);
  if (wsconfig_read(&self->index.config, self->root, why, sizeof why) &&
      why[0])
    log_warn("%s", why);
  wsindex_each_wanted(&self->index, self->root, true, index__want, self);
  index__pump(self);
  index__settle(self, NULL);
}

struct index_named {
  const char *path;
  bool named;
};

static void
index__names(const char *path, bool glob, void *ctx)
{
  struct index_named *n = ctx;

  /* A glob's folder is walked as the workspace is: not this file. */
  if (!glob && strcmp(path, n->path) == 0)
    n->named = true;
}

/*
 * Whether the index leaves path out, as the walk at the start did: a
 * file git ignores (or under node_modules) is read only when a reference
 * names it (outputPath's results, a config's tests file) or a results
 * glob of .facet.yaml matches it. Results files found by their content
 * follow .gitignore, at the start, on a change and in facet check alike.
 */
static bool
index__left_out(struct session *self, const char *path)
{
  struct session_index *x = self->indexing;
  struct index_named named = { path, false };
  bool skipped = false;

  for (size_t i = 0; i < x->nfilters && !skipped; i++)
    skipped = walk_filter_skips(x->filters[i], path);
  if (!skipped)
    return false;
  evalgraph_each_unresolved(self->index.graph, EVREF__COUNT, index__names,
                            &named);
  if (named.named)
    return false;
  if (self->root) {
    size_t n = strlen(self->root);

    for (size_t i = 0; i < self->index.config.nresults; i++)
      if (strncmp(path, self->root, n) == 0 && path[n] == '/' &&
          pathglob_match(self->index.config.results[i], path + n + 1))
        return false;
  }
  return true;
}

/* A file changed on disk: read it again (or forget it). */
void
session_index_file_changed(struct session *self, const char *path,
                           bool deleted)
{
  char norm[PATHGLOB_PATH_MAX];
  struct document *doc;
  const struct evalfile *known;

  session_companion_changed(self, path);
  if (!self->indexing || !wsindex_normal(path, norm))
    return;
  if (index__is_config(self, norm)) {
    index__reload_config(self);
    return;
  }
  doc = docstore_find_path(&self->docs, norm);
  if (deleted) {
    if (!doc)
      evalgraph_remove_path(self->index.graph, norm);
    index__settle(self, NULL);
    return;
  }
  if (doc) {
    /* The editor's text is what counts while it is open; but for its
     * time, a buffer without unsaved edits is the file on disk. */
    if (!doc->unsaved)
      session_schedule(self, doc);
    return;
  }
  if (!evalgraph_has(self->index.graph, norm) && index__left_out(self, norm))
    return;
  evalgraph_add_path(self->index.graph, norm);
  known = evalgraph_summary(self->index.graph, norm);
  if (known || wsindex_candidate(&self->index, norm) ||
      evalgraph_wanted_format(self->index.graph, norm) != FORMAT_NONE) {
    enum artifact_format f = wsindex_assumed(&self->index, norm);

    if (f == FORMAT_NONE)
      f = evalgraph_wanted_format(self->index.graph, norm);
    index__queue(self, norm, f);
    index__pump(self);
  } else {
    index__settle(self, NULL);
  }
}

void
session_index_watched(struct session *self, json_object *params)
{
  json_object *changes = session_get(params, "changes");

  for (size_t i = 0; json_object_is_type(changes, json_type_array) &&
                     i < json_object_array_length(changes); i++) {
    json_object *ch = json_object_array_get_idx(changes, i);
    const char *uri = session_str(ch, "uri");
    json_object *type = session_get(ch, "type");
    char *path = uri ? docstore_uri_to_path(uri) : NULL;

    if (path)
      session_index_file_changed(self, path,
                                 json_object_get_int(type) == 3);
    free(path);
  }
}

static void
index__on_fs_event(uv_fs_event_t *handle, const char *name, int events,
                   int status)
{
  struct index_watch *w = handle->data;
  char path[2 * PATHGLOB_PATH_MAX];
  FILE *probe;

  (void)events;
  if (status || !name)
    return;
  snprintf(path, sizeof path, "%s/%s", w->dir, name);
  probe = fopen(path, "r");
  if (probe)
    fclose(probe);
  session_index_file_changed(w->session, path, probe == NULL);
  session_flush(w->session);
}

static void
index__watch_dir(struct session *self, const char *dir)
{
  struct session_index *x = self->indexing;
  struct index_watch *w;

  for (size_t i = 0; i < x->nwatches; i++)
    if (strcmp(x->watches[i]->dir, dir) == 0)
      return;
  if (x->nwatches == INDEX_WATCHES_MAX || !(w = calloc(1, sizeof *w)))
    return;
  w->session = self;
  w->dir = strdup(dir);
  w->handle.data = w;
  if (!w->dir || uv_fs_event_init(self->loop, &w->handle) ||
      uv_fs_event_start(&w->handle, index__on_fs_event, dir, 0)) {
    free(w->dir);
    free(w);
    return;
  }
  /* A watch alone does not keep the loop running: stdin does. */
  uv_unref((uv_handle_t *)&w->handle);
  x->watches[x->nwatches++] = w;
  log_debug("watching %s for results", dir);
}

static void
index__watch_parent(struct session *self, const char *path)
{
  char dir[PATHGLOB_PATH_MAX];
  const char *slash = strrchr(path, '/');

  if (!slash || (size_t)(slash - path) >= sizeof dir)
    return;
  memcpy(dir, path, (size_t)(slash - path));
  dir[slash - path] = '\0';
  index__watch_dir(self, dir[0] ? dir : "/");
}

static void
index__output_target(const char *target, void *ctx)
{
  index__watch_parent(ctx, target);
}

static void
index__results_file(const char *path, const struct evalfile *f, void *ctx)
{
  struct session *self = ctx;

  if (f->tool != EVTOOL_NONE)
    index__watch_parent(self, path);
  /* An outputPath file the index holds no results of (over the size
   * limit, not parsing yet) changes too. */
  for (uint32_t r = 0; r < f->nrefs; r++)
    if (f->refs[r].kind == EVREF_RESULTS)
      evalgraph_targets(self->index.graph, path, r, index__output_target,
                        self);
}

static void
index__results_ref(const char *path, bool glob, void *ctx)
{
  if (!glob)
    index__watch_parent(ctx, path);
}

/* The folders of results files, of outputPath files not written yet, and
 * of results globs. */
static void
index__watch_results(struct session *self)
{
  for (size_t i = 0; i < self->index.config.nresults; i++) {
    char dir[PATHGLOB_PATH_MAX];
    char full[2 * PATHGLOB_PATH_MAX];

    if (pathglob_literal_dir(self->index.config.results[i], dir,
                             sizeof dir)) {
      snprintf(full, sizeof full, "%s%s%s", self->root, *dir ? "/" : "",
               dir);
      index__watch_dir(self, full);
    }
  }
  evalgraph_each_file(self->index.graph, index__results_file, self);
  evalgraph_each_unresolved(self->index.graph, EVREF_RESULTS,
                            index__results_ref, self);
}

/* ---- lifecycle --------------------------------------------------------- */

void
session_index_start(struct session *self)
{
  struct session_index *x;
  struct index_job *job;
  char why[256];

  if (self->indexing)
    return;
  x = calloc(1, sizeof *x);
  if (!x)
    return;
  self->indexing = x;
  x->generation = 1;
  self->index.formats = &self->settings.formats;
  self->index.root = self->root;
  self->index.max_bytes = self->settings.max_file_bytes;
  /* The graph reads schema files inside the workspace folders only. */
  wsindex_add_root(&self->index, self->root);
  for (size_t i = 0; i < self->nfolders; i++)
    wsindex_add_root(&self->index, self->folders[i]);
  if (!self->root) {
    x->done = true;
    return;
  }
  x->filters = calloc(self->nfolders + 1, sizeof *x->filters);
  for (size_t i = 0; x->filters && i <= self->nfolders; i++)
    if ((x->filters[x->nfilters] =
           walk_filter_new(i == 0 ? self->root : self->folders[i - 1])))
      x->nfilters++;
  if (wsconfig_read(&self->index.config, self->root, why, sizeof why) &&
      why[0])
    log_warn("%s", why);
  if (self->watch_support)
    index__register_watcher(self);
  if (self->progress_support)
    index__progress_create(self);
  /* One scan per workspace folder; the root's .facet.yaml counts. */
  for (size_t i = 0; i <= self->nfolders; i++) {
    const char *folder = i == 0 ? self->root : self->folders[i - 1];

    job = calloc(1, sizeof *job);
    if (!job || !(job->root = strdup(folder))) {
      free(job);
      continue;
    }
    if (index__submit(self, job) == 0)
      x->scanning++;
  }
  if (!x->scanning)
    x->done = true;
}

static void
index__close_watch(uv_handle_t *handle)
{
  struct index_watch *w = handle->data;

  free(w->dir);
  free(w);
}

void
session_index_stop(struct session *self)
{
  struct session_index *x = self->indexing;

  if (!x)
    return;
  for (size_t i = 0; i < x->nwatches; i++) {
    uv_fs_event_stop(&x->watches[i]->handle);
    uv_close((uv_handle_t *)&x->watches[i]->handle, index__close_watch);
  }
  x->nwatches = 0;
}

void
session_index_release(struct session *self)
{
  struct session_index *x = self->indexing;

  if (!x)
    return;
  if (x->nwatches) {
    session_index_stop(self);
    uv_run(self->loop, UV_RUN_NOWAIT);  /* their close callbacks */
  }
  for (size_t i = 0; i < x->nqueue; i++)
    free(x->queue[i].path);
  free(x->queue);
  for (size_t i = 0; i < x->nfilters; i++)
    walk_filter_free(x->filters[i]);
  free(x->filters);
  free(x);
  self->indexing = NULL;
}

bool
session_index_done(const struct session *self)
{
  return !self->indexing || self->indexing->done;
}

/* ---- open documents ---------------------------------------------------- */

void
session_index_document(struct session *self, struct document *doc)
{
  char path[PATHGLOB_PATH_MAX];

  if (!doc->path || !wsindex_normal(doc->path, path))
    return;
  /* What results that keep no prompt text are compared with: the file's
   * modification time, or now while the buffer holds unsaved edits (an
   * open document is never less changed than the file under it). The
   * artifact is the analysis just made, not yet shared. */
  if (doc->artifact && doc->artifact->evals) {
    struct stat st;

    doc->artifact->evals->file_time =
      doc->unsaved ? session_now(self)
                   : stat(path, &st) == 0 ? (int64_t)st.st_mtime : 0;
  }
  if (doc->artifact && doc->artifact->refused_size
        ? evalgraph_set_too_large(self->index.graph, path,
                                  doc->artifact->refused_size,
                                  doc->artifact->refused_limit)
        : evalgraph_set(self->index.graph, path,
                        doc->artifact ? doc->artifact->evals : NULL))
    return;
  index__settle(self, doc);
  session_index_regrade(self, doc);
}

void
session_index_closed(struct session *self, const char *doc_path)
{
  /* The file on disk may differ from the buffer that closed. */
  if (doc_path)
    session_index_file_changed(self, doc_path, false);
}

enum artifact_format
session_index_format(const struct session *self, const char *doc_path)
{
  char path[PATHGLOB_PATH_MAX];

  if (!doc_path || !wsindex_normal(doc_path, path))
    return FORMAT_NONE;
  return evalgraph_wanted_format(self->index.graph, path);
}
