/*
 * Grades for an editor's status bar and workspace view. The facet/grade
 * request answers one open document's grade from its latest analysis; the
 * facet.workspaceGrades command loads a folder into an index of its own,
 * off the event loop, exactly as facet check does (name order, skipping
 * .git, node_modules and what .gitignore ignores, following references),
 * and grades every artifact in it with what other files say of it.
 *
 * Files the editor has open are graded from the editor's text, as the
 * user sees them, not from the disk.
 *
 * Limitation: each facet.workspaceGrades call reads and analyses every
 * file again rather than asking the session's index, which lives on the
 * event loop's thread, and a call in progress cannot be cancelled; its
 * answer stops at GRADES_WORKSPACE_MAX artifacts.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uriparser/Uri.h>

#include "artifact.h"
#include "error.h"
#include "evalgraph.h"
#include "jsonrpc.h"
#include "log.h"
#include "lsp_links.h"
#include "lspconv.h"
#include "lsp_features.h"
#include "pathglob.h"
#include "session_internal.h"
#include "wsconfig.h"
#include "wsindex.h"

/* More artifacts than this in one answer is not a view anyone reads. */
#define GRADES_WORKSPACE_MAX 10000

/* An open document's entry, made on the loop thread before the walk. */
struct grades_open {
  char *path;                 /* absolute, as the document's URI decodes */
  json_object *entry;         /* without "path": the walk adds it */
};

/* One facet.workspaceGrades call; the worker touches nothing else. */
struct grades_job {
  uv_work_t work;
  struct session *session;
  json_object *id;            /* owned copy of the request's id */
  char *root;                 /* the folder walked, absolute */
  struct overrides formats;   /* copies of the settings' overrides */
  struct overrides providers;
  int provider;               /* facet.schemaProvider */
  size_t max_bytes;
  int64_t now;                /* the session's clock when asked */
  struct grades_open *open;
  size_t nopen;
  json_object *artifacts;     /* the answer's list, built by the worker */
  json_object *by_path;       /* path -> its entry in artifacts */
  unsigned counts[GRADE__COUNT];
  bool truncated;
  bool not_folder;            /* root is a file, not a folder */
  int rc;                     /* the walk's result */
};

/* "file:///..." for an absolute path; NULL when out of memory. */
static char *
grades__file_uri(const char *path)
{
  char *uri = malloc(strlen(path) * 3 + 8);

  if (uri && uriUnixFilenameToUriStringA(path, uri) != URI_SUCCESS) {
    free(uri);
    uri = NULL;
  }
  return uri;
}

static unsigned
grades__count(const struct artifact *a, enum severity severity)
{
  unsigned n = 0;

  for (size_t i = 0; i < a->diags.count; i++)
    n += a->diags.items[i].severity == severity;
  return n;
}

/* What the answers say of one artifact. New reference. */
static json_object *
grades__describe(const struct artifact *a)
{
  json_object *o = json_object_new_object();
  const struct grade *g = &a->grade;

  json_object_object_add(o, "format", json_object_new_string(
                           artifact_format_name(a->format)));
  json_object_object_add(o, "title", json_object_new_string(
                           artifact_format_title(a->format)));
  json_object_object_add(o, "kind", json_object_new_string(
                           artifact_kind_name(a->kind)));
  json_object_object_add(o, "grade", g->graded
                           ? json_object_new_string(grade_name(g->level))
                           : NULL);
  json_object_object_add(o, "next", g->graded && g->next
                           ? json_object_new_string(g->next) : NULL);
  json_object_object_add(o, "errors", json_object_new_int(
                           (int)grades__count(a, SEVERITY_ERROR)));
  json_object_object_add(o, "warnings", json_object_new_int(
                           (int)grades__count(a, SEVERITY_WARNING)));
  return o;
}

void
feature_grade(const struct feature_request *r)
{
  const struct artifact *a = r->artifact;
  json_object *o;
  json_object *reasons;
  char line[512];
  char *evidence;
  char *text;

  if (!a || !a->grade.graded) {
    session_reply(r->session, r->id, NULL);
    return;
  }
  o = grades__describe(a);
  reasons = json_object_new_array();
  for (size_t i = 0; i < a->grade.nreasons; i++)
    json_object_array_add(reasons,
                          json_object_new_string(a->grade.reasons[i]));
  json_object_object_add(o, "reasons", reasons);
  lspconv_grade_line(a, line, sizeof line);
  json_object_object_add(o, "summary", json_object_new_string(line));
  /* The hover's text: what other files say of the grade included. */
  evidence = links_grade_evidence(r);
  text = lspconv_grade_text(a, 1, evidence);
  free(evidence);
  json_object_object_add(o, "markdown", text ? json_object_new_string(text)
                                             : NULL);
  free(text);
  session_reply(r->session, r->id, o);
}

/* The open document's entry for path, or NULL. */
static json_object *
grades__open_entry(const struct grades_job *job, const char *path)
{
  for (size_t i = 0; i < job->nopen; i++)
    if (strcmp(job->open[i].path, path) == 0)
      return job->open[i].entry;
  return NULL;
}

/* Puts the fields of fresh (taken) into entry: a file read again as
 * another format (a CSV named as tests) takes its new place. */
static void
grades__replace(json_object *entry, json_object *fresh)
{
  json_object_object_foreach(fresh, key, value)
    json_object_object_add(entry, key, json_object_get(value));
  json_object_put(fresh);
}

/* Records one analysis of the load; on the worker thread. */
static void
grades__loaded(void *ctx, const char *path, bool explicit,
               const struct artifact *a, int err)
{
  struct grades_job *job = ctx;
  size_t n = strlen(job->root);
  const char *relative = path;
  json_object *entry;
  json_object *known;
  char *uri;

  (void)explicit;
  if (!a) {
    log_debug("workspace grades: skipping %s: %s", path,
              facet_strerror(err));
    return;
  }
  if (a->format == FORMAT_NONE)
    return;
  entry = grades__open_entry(job, path);
  entry = entry ? json_object_get(entry) : grades__describe(a);
  if (json_object_object_get_ex(job->by_path, path, &known)) {
    grades__replace(known, entry);
    return;
  }
  if (json_object_array_length(job->artifacts) >= GRADES_WORKSPACE_MAX) {
    job->truncated = true;
    json_object_put(entry);
    return;
  }
  if (strncmp(path, job->root, n) == 0 && path[n] == '/')
    relative = path + n + 1;
  uri = grades__file_uri(path);
  json_object_object_add(entry, "path", json_object_new_string(relative));
  json_object_object_add(entry, "uri", uri ? json_object_new_string(uri)
                                           : NULL);
  free(uri);
  json_object_array_add(job->artifacts, entry);
  json_object_object_add(job->by_path, path, json_object_get(entry));
}

/* Adds to entry's counts the findings that need other files (a test file
 * or samples file that resolves nowhere), which facet check counts too. */
static void
grades__cross_counts(const struct grades_job *job, const struct wsindex *idx,
                     const char *norm, json_object *entry)
{
  struct arena scratch;
  struct diag_list list;
  int64_t errors = 0;
  int64_t warnings = 0;

  arena_init(&scratch, 0);
  diag_list_init(&list, &scratch);
  evalgraph_diagnostics(idx->graph, norm, job->now, &list);
  for (size_t i = 0; i < list.count; i++) {
    errors += list.items[i].severity == SEVERITY_ERROR;
    warnings += list.items[i].severity == SEVERITY_WARNING;
  }
  if (errors)
    json_object_object_add(entry, "errors", json_object_new_int64(
      json_object_get_int64(session_get(entry, "errors")) + errors));
  if (warnings)
    json_object_object_add(entry, "warnings", json_object_new_int64(
      json_object_get_int64(session_get(entry, "warnings")) + warnings));
  diag_list_release(&list);
  arena_release(&scratch);
}

/* Grades the artifact at path again with what the other files of idx say
 * of it, as facet check does; open files were graded so already. */
static void
grades__regrade(struct grades_job *job, const struct wsindex *idx,
                const char *path, json_object *entry)
{
  char norm[PATHGLOB_PATH_MAX];
  struct grade_links links;
  struct artifact *a;
  int format = artifact_format_by_name(session_str(entry, "format"));
  int err = 0;

  if (grades__open_entry(job, path) || format < 0 ||
      !wsindex_normal(path, norm) || !evalgraph_summary(idx->graph, norm))
    return;
  evalgraph_grade_links(idx->graph, norm, job->now, &links);
  if (grade_links_any(&links) &&
      (a = wsindex_read(path, (enum artifact_format)format, job->max_bytes,
                        &idx->analysis, &err)) != NULL) {
    grade_compute(a, &links);
    if (a->kind == ARTIFACT_PROMPT || a->kind == ARTIFACT_SCHEMA ||
        a->kind == ARTIFACT_EVAL)
      grades__replace(entry, grades__describe(a));
    artifact_free(a);
  }
  grades__cross_counts(job, idx, norm, entry);
}

static void
grades__tally(struct grades_job *job)
{
  for (size_t i = 0; i < json_object_array_length(job->artifacts); i++) {
    json_object *grade = session_get(
      json_object_array_get_idx(job->artifacts, i), "grade");

    for (int g = 0; grade && g < GRADE__COUNT; g++)
      if (strcmp(json_object_get_string(grade),
                 grade_name((enum grade_level)g)) == 0)
        job->counts[g]++;
  }
}

static void
grades__work(uv_work_t *work)
{
  struct grades_job *job = work->data;
  struct wsindex idx;
  char why[256];
  struct stat st;

  /* Below the root, unreadable entries are skipped; the root itself must
   * be a folder that can be read. */
  if (stat(job->root, &st) != 0) {
    job->rc = facet_error_from_errno(errno);
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    job->not_folder = true;
    return;
  }
  if (wsindex_init(&idx)) {
    job->rc = FACET_ENOMEM;
    return;
  }
  idx.formats = &job->formats;
  idx.root = job->root;
  idx.max_bytes = job->max_bytes;
  wsindex_add_root(&idx, job->root);
  /* Provider rules as the session applies them; $ref'd files are not
   * read (the session's reader belongs to the event loop's thread). */
  idx.analysis.providers = &job->providers;
  idx.analysis.root = job->root;
  idx.analysis.provider = (enum schema_provider)job->provider;
  if (wsconfig_read(&idx.config, job->root, why, sizeof why) && why[0])
    log_warn("workspace grades: %s", why);
  job->rc = wsindex_load(&idx, &job->root, 1, grades__loaded, job);
  if (job->rc == 0) {
    json_object_object_foreach(job->by_path, path, entry)
      grades__regrade(job, &idx, path, entry);
    grades__tally(job);
  }
  wsindex_release(&idx);
}

static void
grades__job_free(struct grades_job *job)
{
  for (size_t i = 0; i < job->nopen; i++) {
    free(job->open[i].path);
    json_object_put(job->open[i].entry);
  }
  free(job->open);
  json_object_put(job->id);
  json_object_put(job->artifacts);
  json_object_put(job->by_path);
  overrides_release(&job->formats);
  overrides_release(&job->providers);
  free(job->root);
  free(job);
}

static json_object *
grades__answer(struct grades_job *job)
{
  json_object *o = json_object_new_object();
  json_object *counts = json_object_new_object();

  for (int g = 0; g < GRADE__COUNT; g++)
    json_object_object_add(counts, grade_name((enum grade_level)g),
                           json_object_new_int((int)job->counts[g]));
  json_object_object_add(o, "root", json_object_new_string(job->root));
  json_object_object_add(o, "artifacts", job->artifacts);
  job->artifacts = NULL;
  json_object_object_add(o, "grades", counts);
  json_object_object_add(o, "truncated",
                         json_object_new_boolean(job->truncated));
  return o;
}

static void
grades__done(uv_work_t *work, int status)
{
  struct grades_job *job = work->data;
  struct session *self = job->session;
  char why[512];

  self->jobs--;
  if (self->exit_requested) {
    grades__job_free(job);
    return;
  }
  if (status != 0 || job->rc != 0 || job->not_folder) {
    if (job->not_folder)
      snprintf(why, sizeof why, "facet.workspaceGrades wants a folder; "
               "%.300s is a file", job->root);
    else
      snprintf(why, sizeof why, "facet.workspaceGrades could not read "
               "%.300s: %s", job->root,
               status ? uv_strerror(status) : facet_strerror(job->rc));
    log_warn("%s", why);
    session_fail(self, job->id, JSONRPC_REQUEST_FAILED, why);
  } else {
    session_reply(self, job->id, grades__answer(job));
  }
  grades__job_free(job);
}

/* Copies overrides of the settings for the worker. */
static int
grades__copy_overrides(struct overrides *to, const struct overrides *from)
{
  for (size_t i = 0; i < from->count; i++) {
    to->globs[i] = strdup(from->globs[i]);
    if (!to->globs[i])
      return FACET_ENOMEM;
    to->values[i] = from->values[i];
    to->count = i + 1;
  }
  return 0;
}

struct grades_collect {
  struct grades_job *job;
  int rc;
};

/* Records an open document's entry, from the editor's text. */
static void
grades__collect_open(struct document *doc, void *ctx)
{
  struct grades_collect *c = ctx;
  struct grades_job *job = c->job;
  struct grades_open *grown;

  if (c->rc || !doc->path || !doc->artifact ||
      doc->artifact->format == FORMAT_NONE)
    return;
  grown = realloc(job->open, (job->nopen + 1) * sizeof *grown);
  if (!grown) {
    c->rc = FACET_ENOMEM;
    return;
  }
  job->open = grown;
  grown[job->nopen].path = strdup(doc->path);
  grown[job->nopen].entry = grades__describe(doc->artifact);
  job->nopen++;
  if (!grown[job->nopen - 1].path)
    c->rc = FACET_ENOMEM;
}

/* The folder to walk: the argument's file: URI, else the workspace root.
 * A new string, or NULL after answering the request with an error. */
static char *
grades__root(struct session *self, json_object *id, json_object *params)
{
  json_object *first = session_argument(params, 0);
  char *root;

  if (first && !json_object_is_type(first, json_type_string)) {
    session_fail(self, id, JSONRPC_INVALID_PARAMS,
                 "facet.workspaceGrades takes a folder's file: URI, or "
                 "nothing for the workspace root");
    return NULL;
  }
  if (first)
    root = docstore_uri_to_path(json_object_get_string(first));
  else
    root = self->root ? strdup(self->root) : NULL;
  if (!root)
    session_fail(self, id, JSONRPC_INVALID_PARAMS, first
                 ? "facet.workspaceGrades wants a file: URI"
                 : "there is no workspace folder to grade: the client "
                   "sent no rootUri or workspaceFolders");
  return root;
}

void
session_workspace_grades(struct session *self, json_object *id,
                         json_object *params)
{
  struct grades_job *job;
  struct grades_collect collect = { NULL, 0 };
  char *root = grades__root(self, id, params);

  if (!root)
    return;
  job = calloc(1, sizeof *job);
  if (!job) {
    free(root);
    goto fail;
  }
  job->work.data = job;
  job->session = self;
  job->root = root;
  job->id = json_object_get(id);
  job->max_bytes = self->settings.max_file_bytes;
  job->now = session_now(self);
  job->artifacts = json_object_new_array();
  job->by_path = json_object_new_object();
  /* Trailing slashes would keep the relative paths from matching. */
  for (size_t n = strlen(root); n > 1 && root[n - 1] == '/'; n--)
    root[n - 1] = '\0';
  collect.job = job;
  overrides_init(&job->formats);
  overrides_init(&job->providers);
  job->provider = self->settings.provider;
  collect.rc = grades__copy_overrides(&job->formats, &self->settings.formats);
  if (!collect.rc)
    collect.rc = grades__copy_overrides(&job->providers,
                                        &self->settings.providers);
  if (!collect.rc)
    docstore_each(&self->docs, grades__collect_open, &collect);
  if (collect.rc || !job->artifacts || !job->by_path ||
      uv_queue_work(self->loop, &job->work, grades__work, grades__done)) {
    grades__job_free(job);
    goto fail;
  }
  self->jobs++;
  return;
fail:
  session_fail(self, id, JSONRPC_REQUEST_FAILED,
               "facet.workspaceGrades could not start: out of memory");
}
