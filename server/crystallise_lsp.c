#include "crystallise_lsp.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uriparser/Uri.h>

#include "artifact.h"
#include "buf.h"
#include "crystal.h"
#include "crystallise.h"
#include "error.h"
#include "fileio.h"
#include "jsonrpc.h"
#include "log.h"
#include "lspconv.h"
#include "pathglob.h"
#include "session_internal.h"
#include "wsindex.h"

/* applyEdit requests that may wait for an answer at once. */
#define CRYSTALLISE_PENDING_MAX 16

/* Links one prompt shows at most. */
#define CRYSTALLISE_LINKS_MAX 64

struct crystallise_pending {
  int64_t id;
  char *files[CRYSTAL_FILES_MAX];   /* absolute paths this edit created */
  size_t nfiles;
};

/* Runs of facet.crystallise remembered until the index reads what they
 * made. */
#define CRYSTALLISE_RUNS_MAX 8

/* What a run of facet.crystallise made: a run with the same fragment,
 * while the index has not read the file yet, is refused as the index
 * would refuse it once it has. */
struct crystallise_run {
  char *prompt;                     /* as the index names it */
  enum crystal_target target;
  uint64_t hash;
  char *file;                       /* the first file it created */
};

/* Actions a client resolved, waiting for their facet.crystallised. */
#define CRYSTALLISE_RESOLVED_MAX 4

/* An action the client resolved to apply it: what its command, which
 * comes without arguments then, has to show and read. */
struct crystallise_resolved {
  char *note;                       /* or NULL */
  char *files[CRYSTAL_FILES_MAX];   /* absolute paths the edit creates */
  size_t nfiles;
};

struct crystallise_state {
  bool resource_ops;
  bool resolve_edit;                /* codeAction/resolve fills "edit" */
  bool disabled_support;            /* a code action may be "disabled" */
  bool apply_edit;                  /* workspace/applyEdit */
  bool show_document;               /* window/showDocument */
  bool lens_refresh;                /* workspace/codeLens/refresh */
  char *language;                   /* "python", "typescript" or NULL */
  char *schema_folder;
  char *schema_name;
  char *code_folder;
  struct crystallise_pending pending[CRYSTALLISE_PENDING_MAX];
  size_t npending;
  struct crystallise_resolved resolved[CRYSTALLISE_RESOLVED_MAX];
  size_t nresolved;
  struct crystallise_run runs[CRYSTALLISE_RUNS_MAX];
  size_t nruns;
};

struct crystallise_state *
crystallise_state_new(void)
{
  return calloc(1, sizeof(struct crystallise_state));
}

static void
crystallise__pending_free(struct crystallise_pending *p)
{
  for (size_t i = 0; i < p->nfiles; i++)
    free(p->files[i]);
  p->nfiles = 0;
}

static void
crystallise__resolved_free(struct crystallise_resolved *r)
{
  for (size_t i = 0; i < r->nfiles; i++)
    free(r->files[i]);
  free(r->note);
  memset(r, 0, sizeof *r);
}

void
crystallise_state_free(struct crystallise_state *self)
{
  if (!self)
    return;
  for (size_t i = 0; i < self->npending; i++)
    crystallise__pending_free(&self->pending[i]);
  for (size_t i = 0; i < self->nresolved; i++)
    crystallise__resolved_free(&self->resolved[i]);
  for (size_t i = 0; i < self->nruns; i++) {
    free(self->runs[i].prompt);
    free(self->runs[i].file);
  }
  free(self->language);
  free(self->schema_folder);
  free(self->schema_name);
  free(self->code_folder);
  free(self);
}

static bool
crystallise__has(json_object *list, const char *value)
{
  for (size_t i = 0; json_object_is_type(list, json_type_array) &&
                     i < json_object_array_length(list); i++) {
    const char *s = json_object_get_string(json_object_array_get_idx(list,
                                                                     i));

    if (s && strcmp(s, value) == 0)
      return true;
  }
  return false;
}

void
crystallise_client(struct crystallise_state *self, json_object *caps)
{
  json_object *ws = session_get(caps, "workspace");
  json_object *edit = session_get(ws, "workspaceEdit");

  self->resource_ops = json_object_get_boolean(
                         session_get(edit, "documentChanges")) &&
                       crystallise__has(session_get(edit,
                                                    "resourceOperations"),
                                        "create");
  self->apply_edit = json_object_get_boolean(session_get(ws, "applyEdit"));
  self->disabled_support = json_object_get_boolean(session_get(session_get(
    session_get(caps, "textDocument"), "codeAction"), "disabledSupport"));
  self->resolve_edit = crystallise__has(session_get(session_get(session_get(
    session_get(caps, "textDocument"), "codeAction"), "resolveSupport"),
    "properties"), "edit");
  self->show_document = json_object_get_boolean(session_get(
    session_get(session_get(caps, "window"), "showDocument"), "support"));
  self->lens_refresh = json_object_get_boolean(session_get(
    session_get(ws, "codeLens"), "refreshSupport"));
}

/* An empty string, null or no value at all leaves the default: editors
 * send the declared default ("" in VS Code) for a setting left alone. */
static void
crystallise__setting(char **slot, json_object *v, const char *name)
{
  free(*slot);
  *slot = NULL;
  if (json_object_is_type(v, json_type_string) &&
      json_object_get_string_len(v) > 0)
    *slot = strdup(json_object_get_string(v));
  else if (v && !json_object_is_type(v, json_type_string))
    log_warn("ignoring setting facet.crystallise.%s: it should be a "
             "string", name);
}

void
crystallise_settings(struct crystallise_state *self, json_object *facet)
{
  json_object *c = session_get(facet, "crystallise");

  crystallise__setting(&self->language, session_get(c, "language"),
                       "language");
  /* "auto", VS Code's default, is what the workspace's files suggest. */
  if (self->language && strcmp(self->language, "python") != 0 &&
      strcmp(self->language, "typescript") != 0) {
    if (strcmp(self->language, "auto") != 0)
      log_warn("ignoring setting facet.crystallise.language: '%s' is not "
               "auto, python or typescript", self->language);
    free(self->language);
    self->language = NULL;
  }
  crystallise__setting(&self->schema_folder, session_get(c, "schemaFolder"),
                       "schemaFolder");
  crystallise__setting(&self->schema_name, session_get(c, "schemaName"),
                       "schemaName");
  crystallise__setting(&self->code_folder, session_get(c, "codeFolder"),
                       "codeFolder");
}

/* The open document at path (absolute), or NULL. */
struct crystallise_find {
  const char *path;
  struct document *doc;
};

static void
crystallise__find_in(struct document *doc, void *ctx)
{
  struct crystallise_find *f = ctx;

  if (!f->doc && doc->path && strcmp(doc->path, f->path) == 0)
    f->doc = doc;
}

static struct document *
crystallise__doc_at(struct session *s, const char *path)
{
  struct crystallise_find f = { path, NULL };

  docstore_each(&s->docs, crystallise__find_in, &f);
  return f.doc;
}

/* A file's text: the open document's (what the user sees), else the
 * disk's. */
static int
crystallise__read(void *ctx, const char *path, char **text, size_t *len)
{
  struct session *s = ctx;
  struct document *doc = crystallise__doc_at(s, path);
  size_t size;

  if (!doc)
    return fileio_read(path, CRYSTALLISE_READ_MAX, text, len, &size);
  *text = malloc(doc->text->len + 1);
  if (!*text)
    return FACET_ENOMEM;
  memcpy(*text, doc->text->data, doc->text->len + 1);
  *len = doc->text->len;
  return 0;
}

/* The folder doc's paths are relative to: the workspace root holding it,
 * else its own folder. New string, or NULL for a document not on disk. */
static char *
crystallise__root(struct session *s, const struct document *doc)
{
  char *rel;
  char *dir;
  char *slash;

  if (!doc->path)
    return NULL;
  rel = s->root ? crystallise_relative(s->root, doc->path) : NULL;
  if (rel) {
    free(rel);
    return strdup(s->root);
  }
  dir = strdup(doc->path);
  slash = dir ? strrchr(dir, '/') : NULL;
  if (slash == dir)
    dir[1] = '\0';   /* a file at "/" */
  else if (slash)
    *slash = '\0';
  return dir;
}

static char *
crystallise__join(const char *root, const char *rel)
{
  char *abs = malloc(strlen(root) + strlen(rel) + 2);

  if (abs)
    sprintf(abs, "%s%s%s", root, root[strlen(root) - 1] == '/' ? "" : "/",
            rel);
  return abs;
}

/* A file: URI for an absolute path. New string. */
static char *
crystallise__uri(const char *path)
{
  char *uri = malloc(strlen(path) * 3 + 8);

  if (uri && uriUnixFilenameToUriStringA(path, uri) != URI_SUCCESS) {
    free(uri);
    return NULL;
  }
  return uri;
}

/* What one request for crystallise actions knows of the workspace. */
struct crystallise_job {
  struct session *s;
  struct document *doc;
  char *root;
  char *prompt_rel;
  struct artifact *config;     /* the promptfoo config that runs it */
  char *config_rel;
  struct document *config_doc; /* when it is open */
  char *schema_dir;
  struct crystal_schema_link schemas[CRYSTALLISE_SCHEMAS_MAX];
  size_t nschemas;
  struct crystal_request req;
};

static bool
crystallise__exists(void *ctx, const char *rel)
{
  const struct crystallise_job *job = ctx;
  char *abs = crystallise__join(job->root, rel);
  struct stat st;
  bool yes;

  if (!abs)
    return true;   /* when in doubt, the name is taken */
  yes = lstat(abs, &st) == 0 || crystallise__doc_at(job->s, abs) != NULL;
  free(abs);
  return yes;
}

static void
crystallise__job_release(struct crystallise_job *job)
{
  artifact_free(job->config);
  free(job->config_rel);
  free(job->schema_dir);
  free(job->prompt_rel);
  free(job->root);
  crystallise_schema_links_free(job->schemas, job->nschemas);
}

/* The promptfoo config that the index says runs the prompt, analysed as
 * the user sees it. */
static void
crystallise__config(struct crystallise_job *job)
{
  char prompt[PATHGLOB_PATH_MAX];
  const char *config;
  char *text;
  size_t len;

  if (!wsindex_normal(job->doc->path, prompt) ||
      !(config = crystallise_config_of(job->s->index.graph, prompt)) ||
      !(job->config_rel = crystallise_relative(job->root, config)))
    return;
  if (crystallise__read(job->s, config, &text, &len) == 0) {
    job->config = artifact_analyze(config, text, len, NULL);
    free(text);
    job->config_doc = crystallise__doc_at(job->s, config);
  }
  if (!job->config) {
    free(job->config_rel);
    job->config_rel = NULL;
  }
}

static int
crystallise__job(struct session *s, struct document *doc,
                 struct crystallise_job *job)
{
  struct crystallise_state *st = s->crystal;
  struct crystal_request *r = &job->req;
  char prompt[PATHGLOB_PATH_MAX];

  memset(job, 0, sizeof *job);
  job->s = s;
  job->doc = doc;
  job->root = crystallise__root(s, doc);
  job->prompt_rel = job->root ? crystallise_relative(job->root, doc->path)
                              : NULL;
  if (!job->prompt_rel) {
    crystallise__job_release(job);
    return FACET_ENOENT;
  }
  crystallise__config(job);
  if (wsindex_normal(doc->path, prompt))
    job->nschemas = crystallise_schema_links(
      s->index.graph, prompt, &doc->artifact->src, job->root,
      crystallise__read, s, job->schemas, CRYSTALLISE_SCHEMAS_MAX);
  r->schemas = job->schemas;
  r->nschemas = job->nschemas;
  job->schema_dir = st->schema_folder ? strdup(st->schema_folder)
                    : crystallise_schema_dir(job->root, job->prompt_rel);
  r->prompt = doc->artifact;
  r->prompt_path = job->prompt_rel;
  r->eval = job->config;
  r->eval_path = job->config_rel;
  r->exists = crystallise__exists;
  r->exists_ctx = job;
  r->schema_dir = job->schema_dir;
  r->schema_name = st->schema_name;
  r->code_dir = st->code_folder;
  r->lang = st->language ? (strcmp(st->language, "typescript") == 0
                              ? CRYSTAL_TYPESCRIPT : CRYSTAL_PYTHON)
                         : crystallise_language(job->root);
  r->runner = crystallise_runner(job->root);
  return 0;
}

/* The source a change to path is made in: the prompt's or the config's
 * analysed text. */
static const struct source *
crystallise__source(const struct crystallise_job *job, const char *path)
{
  if (job->config && strcmp(path, job->config_rel) == 0)
    return &job->config->src;
  return &job->doc->artifact->src;
}

/* The TextEdits of the changes to one path. */
static json_object *
crystallise__text_edits(const struct crystallise_job *job,
                        const struct crystal_edit *e, const char *path)
{
  const struct source *src = crystallise__source(job, path);
  json_object *edits = json_object_new_array();

  for (size_t i = 0; i < e->nchanges; i++) {
    json_object *te;

    if (strcmp(e->changes[i].path, path) != 0)
      continue;
    te = json_object_new_object();
    json_object_object_add(te, "range", lspconv_range(
      src, e->changes[i].span, job->s->encoding));
    json_object_object_add(te, "newText",
                           json_object_new_string(e->changes[i].text));
    json_object_array_add(edits, te);
  }
  return edits;
}

/* The document version a change to path holds for: an open document's,
 * or null for a file on disk. */
static json_object *
crystallise__version(const struct crystallise_job *job, const char *path)
{
  if (strcmp(path, job->prompt_rel) == 0)
    return json_object_new_int(job->doc->version);
  if (job->config_doc && job->config_rel && strcmp(path, job->config_rel) == 0)
    return json_object_new_int(job->config_doc->version);
  return NULL;
}

static json_object *
crystallise__document_edit(const char *uri, json_object *version_take,
                           json_object *edits_take)
{
  json_object *tde = json_object_new_object();
  json_object *td = json_object_new_object();

  json_object_object_add(td, "uri", json_object_new_string(uri));
  json_object_object_add(td, "version", version_take);
  json_object_object_add(tde, "textDocument", td);
  json_object_object_add(tde, "edits", edits_take);
  return tde;
}

/* CreateFile that never overwrites, and the file's text. */
static void
crystallise__create(json_object *changes, const char *uri, const char *text)
{
  json_object *create = json_object_new_object();
  json_object *options = json_object_new_object();
  json_object *edits = json_object_new_array();
  json_object *insert = json_object_new_object();
  json_object *range = json_object_new_object();
  json_object *at;

  json_object_object_add(create, "kind", json_object_new_string("create"));
  json_object_object_add(create, "uri", json_object_new_string(uri));
  json_object_object_add(options, "overwrite", json_object_new_boolean(0));
  json_object_object_add(options, "ignoreIfExists",
                         json_object_new_boolean(0));
  json_object_object_add(create, "options", options);
  json_object_array_add(changes, create);
  at = json_object_new_object();
  json_object_object_add(at, "line", json_object_new_int(0));
  json_object_object_add(at, "character", json_object_new_int(0));
  json_object_object_add(range, "start", at);
  json_object_object_add(range, "end", json_object_get(at));
  json_object_object_add(insert, "range", range);
  json_object_object_add(insert, "newText", json_object_new_string(text));
  json_object_array_add(edits, insert);
  json_object_array_add(changes, crystallise__document_edit(uri, NULL,
                                                            edits));
}

/* The existing files e changes, each once, into out. */
static size_t
crystallise__changed(const struct crystal_edit *e, const char **out)
{
  size_t n = 0;

  for (size_t i = 0; i < e->nchanges; i++)
    if (n == 0 || strcmp(out[n - 1], e->changes[i].path) != 0)
      out[n++] = e->changes[i].path;
  return n;
}

/*
 * The WorkspaceEdit of e: with the new files' creation when create is
 * set (documentChanges), else only the text edits (changes).
 */
static json_object *
crystallise__workspace_edit(const struct crystallise_job *job,
                            const struct crystal_edit *e, bool create)
{
  json_object *edit = json_object_new_object();
  json_object *list = create ? json_object_new_array()
                             : json_object_new_object();
  const char *paths[CRYSTAL_CHANGES_MAX];
  size_t n = crystallise__changed(e, paths);

  for (size_t i = 0; create && i < e->nfiles; i++) {
    char *abs = crystallise__join(job->root, e->files[i].path);
    char *uri = abs ? crystallise__uri(abs) : NULL;

    if (uri)
      crystallise__create(list, uri, e->files[i].text);
    free(uri);
    free(abs);
  }
  for (size_t i = 0; i < n; i++) {
    char *abs = crystallise__join(job->root, paths[i]);
    char *uri = abs ? crystallise__uri(abs) : NULL;
    json_object *edits = crystallise__text_edits(job, e, paths[i]);

    if (!uri)
      json_object_put(edits);
    else if (create)
      json_object_array_add(list, crystallise__document_edit(
        uri, crystallise__version(job, paths[i]), edits));
    else
      json_object_object_add(list, uri, edits);
    free(uri);
    free(abs);
  }
  json_object_object_add(edit, create ? "documentChanges" : "changes", list);
  return edit;
}

static json_object *
crystallise__range_json(json_object *range)
{
  return json_object_get(range);
}

/* What names an action: the document and version it was made for, the
 * selection and the target; the facet.crystallise command's argument,
 * and the data a deferred action is resolved from. */
static json_object *
crystallise__argument(const struct crystal_edit *e, const char *uri,
                      int version, json_object *range)
{
  json_object *arg = json_object_new_object();

  json_object_object_add(arg, "uri", json_object_new_string(uri));
  json_object_object_add(arg, "version", json_object_new_int(version));
  json_object_object_add(arg, "range", crystallise__range_json(range));
  json_object_object_add(arg, "target", json_object_new_string(
    crystal_target_name(e->target)));
  return arg;
}

/* A command titled as e is: name, with args (taken over) unless NULL. */
static json_object *
crystallise__cmd(const struct crystal_edit *e, const char *name,
                 json_object *args)
{
  json_object *cmd = json_object_new_object();

  json_object_object_add(cmd, "title", json_object_new_string(e->title));
  json_object_object_add(cmd, "command", json_object_new_string(name));
  if (args)
    json_object_object_add(cmd, "arguments", args);
  return cmd;
}

/* The command that applies the action for a client that cannot create
 * files from an edit. */
static json_object *
crystallise__command(const struct crystal_edit *e, const char *uri,
                     int version, json_object *range)
{
  json_object *args = json_object_new_array();

  json_object_array_add(args, crystallise__argument(e, uri, version, range));
  return crystallise__cmd(e, "facet.crystallise", args);
}

/* What runs after a client applied an edit itself: facet looks at the
 * new files and says what the user should know. */
static json_object *
crystallise__applied(const struct crystallise_job *job,
                     const struct crystal_edit *e, const char *uri)
{
  json_object *args = json_object_new_array();
  json_object *arg = json_object_new_object();
  json_object *files = json_object_new_array();

  json_object_object_add(arg, "uri", json_object_new_string(uri));
  for (size_t i = 0; i < e->nfiles; i++) {
    char *abs = crystallise__join(job->root, e->files[i].path);
    char *file = abs ? crystallise__uri(abs) : NULL;

    if (file)
      json_object_array_add(files, json_object_new_string(file));
    free(file);
    free(abs);
  }
  json_object_object_add(arg, "files", files);
  if (e->note)
    json_object_object_add(arg, "note", json_object_new_string(e->note));
  json_object_array_add(args, arg);
  return crystallise__cmd(e, "facet.crystallised", args);
}

/*
 * The command of an action the client resolves: without arguments, as a
 * client may drop the arguments of an action's command once its menu is
 * gone (VS Code 1.100 does, while a new file is created); the server
 * keeps what it needs from the resolve.
 */
static json_object *
crystallise__after_resolve(const struct crystal_edit *e)
{
  return crystallise__cmd(e, "facet.crystallised", NULL);
}

/* An action a client that shows disabled actions shows greyed, with
 * why it cannot be taken (reason, a sentence without its capital). */
static void
crystallise__disabled(enum crystal_target t, const char *reason,
                      json_object *actions)
{
  static const char *const what[CRYSTAL__COUNT] = {
    "a JSON Schema", "an eval", "code",
  };
  json_object *action = json_object_new_object();
  json_object *disabled = json_object_new_object();
  char *text = strdup(reason);
  char title[64];

  if (text && text[0] >= 'a' && text[0] <= 'z')
    text[0] = (char)(text[0] - 'a' + 'A');
  snprintf(title, sizeof title, "Crystallise into %s", what[t]);
  json_object_object_add(action, "title", json_object_new_string(title));
  json_object_object_add(action, "kind",
                         json_object_new_string("refactor.extract"));
  json_object_object_add(disabled, "reason",
                         json_object_new_string(text ? text : reason));
  json_object_object_add(action, "disabled", disabled);
  json_object_array_add(actions, action);
  free(text);
}

/*
 * An action for what the fragment became already: a client that shows
 * disabled actions shows it greyed, saying where that is; any other gets
 * none. Offering it would make a second copy (funniness-2.schema.json, the
 * same tests twice).
 */
/* Why the fragment is not crystallised again: it was into file already
 * (the same sentence facet crystallise says). */
static void
crystallise__made_reason(const struct crystallise_job *job,
                         const char *prompt, const char *file, char *reason,
                         size_t size)
{
  char *rel = crystallise_relative(job->root, file);
  const char *where = strcmp(file, prompt) == 0 ? "this file"
                      : rel ? rel : file;

  snprintf(reason, size, "this fragment is already crystallised "
           "into %s, and has not changed since", where);
  free(rel);
}

/* The file doc's fragment of hash was crystallised into as target
 * already, and is unchanged since; NULL when it was not (or the index
 * does not know the document's file). */
static const char *
crystallise__made_into(struct session *s, const struct document *doc,
                       enum crystal_target target, uint64_t hash,
                       char *prompt)
{
  const char *made;

  if (!doc->path || !wsindex_normal(doc->path, prompt)) {
    prompt[0] = '\0';
    return NULL;
  }
  made = crystallise_made_already(s->index.graph, prompt, target, hash);
  /* A file a run made a moment ago, which the index has not read yet
   * (it reads new files off the event loop): the index would say the
   * same once it has. Once it has read the file, what it says counts. */
  for (size_t i = 0; !made && i < s->crystal->nruns; i++) {
    const struct crystallise_run *r = &s->crystal->runs[i];
    char norm[PATHGLOB_PATH_MAX];

    if (r->target == target && r->hash == hash &&
        strcmp(r->prompt, prompt) == 0 && access(r->file, F_OK) == 0 &&
        (!wsindex_normal(r->file, norm) ||
         !evalgraph_summary(s->index.graph, norm)))
      made = r->file;
  }
  return made;
}

/* Remembers what a run made, for crystallise__made_into. */
static void
crystallise__remember_run(struct crystallise_state *st, const char *prompt,
                          enum crystal_target target, uint64_t hash,
                          const char *file)
{
  struct crystallise_run *r;

  if (st->nruns == CRYSTALLISE_RUNS_MAX) {
    free(st->runs[0].prompt);
    free(st->runs[0].file);
    memmove(&st->runs[0], &st->runs[1], (--st->nruns) * sizeof st->runs[0]);
  }
  r = &st->runs[st->nruns];
  r->prompt = strdup(prompt);
  r->file = strdup(file);
  r->target = target;
  r->hash = hash;
  if (!r->prompt || !r->file) {
    free(r->prompt);
    free(r->file);
    return;
  }
  st->nruns++;
}

static void
crystallise__made_action(struct crystallise_job *job, enum crystal_target t,
                         const char *prompt, const char *file,
                         json_object *actions)
{
  char reason[PATHGLOB_PATH_MAX + 96];

  crystallise__made_reason(job, prompt, file, reason, sizeof reason);
  crystallise__disabled(t, reason, actions);
}

void
crystallise_code_actions(struct session *s, struct document *doc,
                         struct span span, json_object *actions)
{
  struct crystallise_job job;
  char prompt[PATHGLOB_PATH_MAX];
  bool indexed;
  json_object *range;

  if (!doc->artifact || doc->artifact->kind != ARTIFACT_PROMPT ||
      crystallise__job(s, doc, &job))
    return;
  indexed = wsindex_normal(doc->path, prompt);
  range = lspconv_range(&doc->artifact->src, span, s->encoding);
  for (int t = 0; t < CRYSTAL__COUNT; t++) {
    struct crystal_edit e;
    json_object *action;
    const char *made;

    job.req.target = (enum crystal_target)t;
    job.req.selection = span;
    crystal_edit_init(&e);
    if (crystal_make(&job.req, &e) == 0 && e.made &&
        (made = indexed ? crystallise_made_already(
                            s->index.graph, prompt, job.req.target, e.hash)
                        : NULL)) {
      if (s->crystal->disabled_support && s->action_literals)
        crystallise__made_action(&job, job.req.target, prompt, made,
                                 actions);
    } else if (e.made && !s->action_literals) {
      /* A client that takes only commands gets the command that makes
       * the files itself (LSP: Command[] without
       * codeActionLiteralSupport). */
      json_object_array_add(actions, crystallise__command(
        &e, doc->uri, doc->version, range));
    } else if (e.made) {
      action = json_object_new_object();
      json_object_object_add(action, "title",
                             json_object_new_string(e.title));
      json_object_object_add(action, "kind",
                             json_object_new_string("refactor.extract"));
      if (s->crystal->resource_ops && s->crystal->resolve_edit) {
        json_object_object_add(action, "data", crystallise__argument(
          &e, doc->uri, doc->version, range));
        json_object_object_add(action, "command",
                               crystallise__after_resolve(&e));
      } else if (s->crystal->resource_ops) {
        json_object_object_add(action, "edit",
                               crystallise__workspace_edit(&job, &e, true));
        json_object_object_add(action, "command",
                               crystallise__applied(&job, &e, doc->uri));
      } else
        json_object_object_add(action, "command", crystallise__command(
          &e, doc->uri, doc->version, range));
      json_object_array_add(actions, action);
    } else if (e.too_large && s->crystal->disabled_support &&
               s->action_literals) {
      /* Said, so that a selection too large is not taken for one with
       * nothing to crystallise. */
      crystallise__disabled(job.req.target, e.why, actions);
    }
    crystal_edit_release(&e);
  }
  json_object_put(range);
  crystallise__job_release(&job);
}

static void
crystallise__message(struct session *s, int type, const char *text)
{
  json_object *msg = json_object_new_object();

  json_object_object_add(msg, "type", json_object_new_int(type));
  json_object_object_add(msg, "message", json_object_new_string(text));
  session_notify(s, "window/showMessage", msg);
}

/* Files crystallise made or removed on disk: the index reads them again,
 * and shows the prompts whose links changed anew (their grades, lenses and
 * hints) as it does for any change. */
static void
crystallise__reindex(struct session *s, char *const *paths, size_t n,
                     bool deleted)
{
  for (size_t i = 0; i < n; i++)
    if (paths[i])
      session_index_file_changed(s, paths[i], deleted);
}

/* Creates the new file at abs with text, only where none is. */
static int
crystallise__write_new(const char *abs, const char *text)
{
  char *dir = strdup(abs);
  size_t len = strlen(text);
  int rc = 0;
  int fd;

  for (char *p = dir ? dir + 1 : NULL; p && *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
      rc = facet_error_from_errno(errno);
    *p = '/';
  }
  free(dir);
  fd = rc ? -1 : open(abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (rc == 0 && fd < 0)
    rc = facet_error_from_errno(errno);
  while (rc == 0 && len > 0) {
    ssize_t w = write(fd, text, len);

    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      rc = facet_error_from_errno(errno);
    else {
      text += w;
      len -= (size_t)w;
    }
  }
  if (fd >= 0 && close(fd) != 0 && rc == 0)
    rc = facet_error_from_errno(errno);
  if (rc && fd >= 0)
    unlink(abs);
  return rc;
}

/* The document and selection a facet.crystallise argument names, checked
 * against the document as it is now. */
static const char *
crystallise__target(struct session *s, json_object *arg,
                    struct document **doc, struct span *span, int *target)
{
  const char *uri = session_str(arg, "uri");
  json_object *range = session_get(arg, "range");
  json_object *version = session_get(arg, "version");
  const char *t = session_str(arg, "target");
  int64_t l0, c0, l1, c1;
  uint32_t start, end;

  *doc = uri ? docstore_get(&s->docs, uri) : NULL;
  *target = t ? crystal_target_by_name(t) : -1;
  if (!*doc || *target < 0 ||
      lspconv_read_position(session_get(range, "start"), &l0, &c0) ||
      lspconv_read_position(session_get(range, "end"), &l1, &c1))
    return "facet.crystallise wants {uri, version, range, target} of an "
           "open document";
  if (!json_object_is_type(version, json_type_int) ||
      json_object_get_int(version) != (*doc)->version ||
      (*doc)->artifact_version != (*doc)->version || !(*doc)->artifact)
    return "the document changed since the action was offered: ask for "
           "it again";
  lspconv_offset(&(*doc)->artifact->src, l0, c0, s->encoding, &start);
  lspconv_offset(&(*doc)->artifact->src, l1, c1, s->encoding, &end);
  *span = span_make(start, end < start ? start : end);
  return NULL;
}

/* Creates every new file of e, or none: those made are removed when one
 * cannot be. Their absolute paths go to out. */
static const char *
crystallise__create_all(const struct crystallise_job *job,
                        const struct crystal_edit *e, char **out)
{
  for (size_t i = 0; i < e->nfiles; i++)
    if (crystallise__exists((void *)job, e->files[i].path))
      return "a file the action would create exists now: ask for the "
             "action again";
  for (size_t i = 0; i < e->nfiles; i++) {
    int rc;

    out[i] = crystallise__join(job->root, e->files[i].path);
    rc = out[i] ? crystallise__write_new(out[i], e->files[i].text)
                : FACET_ENOMEM;
    if (rc) {
      log_error("crystallise: cannot create %s: %s", e->files[i].path,
                facet_strerror(rc));
      for (size_t k = 0; k <= i; k++) {
        if (k < i)
          unlink(out[k]);
        free(out[k]);
        out[k] = NULL;
      }
      return "facet could not create the new file (the log says why)";
    }
  }
  return NULL;
}

/* Sends the text edits through workspace/applyEdit, remembering the new
 * files to remove if the client refuses. */
static void
crystallise__apply(struct session *s, const struct crystallise_job *job,
                   const struct crystal_edit *e, char **files)
{
  struct crystallise_state *st = s->crystal;
  json_object *params = json_object_new_object();
  json_object *id = json_object_new_int64(++s->next_id);
  struct crystallise_pending *p;

  json_object_object_add(params, "label", json_object_new_string(e->title));
  json_object_object_add(params, "edit",
                         crystallise__workspace_edit(job, e, false));
  if (st->npending == CRYSTALLISE_PENDING_MAX) {
    crystallise__pending_free(&st->pending[0]);
    memmove(&st->pending[0], &st->pending[1],
            (--st->npending) * sizeof st->pending[0]);
  }
  p = &st->pending[st->npending++];
  p->id = s->next_id;
  p->nfiles = e->nfiles;
  for (size_t i = 0; i < e->nfiles; i++) {
    p->files[i] = files[i];
    files[i] = NULL;
  }
  session_send(s, jsonrpc_request_new(id, "workspace/applyEdit", params));
  json_object_put(id);
}

static void
crystallise__done(struct session *s, const struct crystal_edit *e)
{
  struct buf text;

  /* Room for every note: a message is not cut. */
  buf_init(&text, (size_t)1 << 20);
  buf_printf(&text, "facet: %s", e->title);
  for (size_t i = 0; i < e->nfiles; i++)
    buf_printf(&text, "%s %s", i ? "," : "; created", e->files[i].path);
  if (e->note)
    buf_printf(&text, ". Note: %s.", e->note);
  crystallise__message(s, 3, text.data ? text.data : "facet: done");
  buf_release(&text);
}

static void
crystallise__run(struct session *s, json_object *id, json_object *arg)
{
  struct document *doc;
  struct span span;
  int target;
  struct crystallise_job job;
  struct crystal_edit e;
  char *files[CRYSTAL_FILES_MAX] = { 0 };
  char prompt[PATHGLOB_PATH_MAX] = "";
  char reason[PATHGLOB_PATH_MAX + 96];
  const char *made;
  const char *why = crystallise__target(s, arg, &doc, &span, &target);

  if (why || crystallise__job(s, doc, &job)) {
    session_fail(s, id, JSONRPC_INVALID_PARAMS, why ? why
                 : "facet.crystallise works on a file in the workspace");
    return;
  }
  job.req.target = (enum crystal_target)target;
  job.req.selection = span;
  crystal_edit_init(&e);
  if (crystal_make(&job.req, &e) || !e.made)
    why = e.why ? e.why : "out of memory";
  else if ((made = crystallise__made_into(s, doc, job.req.target, e.hash,
                                          prompt))) {
    /* Run again (the command twice, or an action offered before the
     * first run): a second copy beside the first is not made. */
    crystallise__made_reason(&job, prompt, made, reason, sizeof reason);
    why = reason;
  } else if (e.nchanges > 0 && !s->crystal->apply_edit)
    why = "this editor cannot apply edits that facet sends "
          "(workspace/applyEdit): run facet crystallise on the command "
          "line with --write";
  if (!why)
    why = crystallise__create_all(&job, &e, files);
  if (why) {
    crystallise__message(s, 2, why);
    session_fail(s, id, JSONRPC_REQUEST_FAILED, why);
  } else {
    if (e.nfiles > 0 && files[0] && prompt[0])
      crystallise__remember_run(s->crystal, prompt, job.req.target, e.hash,
                                files[0]);
    crystallise__reindex(s, files, e.nfiles, false);
    if (e.nchanges > 0)
      crystallise__apply(s, &job, &e, files);
    crystallise__done(s, &e);
    session_reply(s, id, NULL);
  }
  for (size_t i = 0; i < CRYSTAL_FILES_MAX; i++)
    free(files[i]);
  crystal_edit_release(&e);
  crystallise__job_release(&job);
}

/* Keeps what the command of a resolved action shows and reads; the
 * oldest goes when the list is full. */
static void
crystallise__keep_resolved(struct crystallise_state *st,
                           const struct crystallise_job *job,
                           const struct crystal_edit *e)
{
  struct crystallise_resolved *r;

  if (st->nresolved == CRYSTALLISE_RESOLVED_MAX) {
    crystallise__resolved_free(&st->resolved[0]);
    memmove(&st->resolved[0], &st->resolved[1],
            (--st->nresolved) * sizeof st->resolved[0]);
  }
  r = &st->resolved[st->nresolved++];
  memset(r, 0, sizeof *r);
  r->note = e->note ? strdup(e->note) : NULL;
  for (size_t i = 0; i < e->nfiles; i++)
    if ((r->files[r->nfiles] = crystallise__join(job->root,
                                                 e->files[i].path)))
      r->nfiles++;
}

bool
crystallise_resolve(struct session *s, json_object *id, json_object *action)
{
  json_object *data = session_get(action, "data");
  json_object *resolved = NULL;
  struct document *doc;
  struct span span;
  int target;
  struct crystallise_job job;
  struct crystal_edit e;
  char prompt[PATHGLOB_PATH_MAX];
  char reason[PATHGLOB_PATH_MAX + 96];
  const char *made;
  const char *why;

  if (!json_object_is_type(data, json_type_object) ||
      !session_str(data, "target"))
    return false;
  why = crystallise__target(s, data, &doc, &span, &target);
  if (why || crystallise__job(s, doc, &job)) {
    session_fail(s, id, JSONRPC_REQUEST_FAILED, why ? why
                 : "crystallise works on a file in the workspace");
    return true;
  }
  job.req.target = (enum crystal_target)target;
  job.req.selection = span;
  crystal_edit_init(&e);
  if (crystal_make(&job.req, &e) || !e.made ||
      json_object_deep_copy(action, &resolved, NULL)) {
    session_fail(s, id, JSONRPC_REQUEST_FAILED,
                 e.why ? e.why : "out of memory");
  } else if ((made = crystallise__made_into(s, doc, job.req.target, e.hash,
                                            prompt))) {
    crystallise__made_reason(&job, prompt, made, reason, sizeof reason);
    crystallise__message(s, 2, reason);
    session_fail(s, id, JSONRPC_REQUEST_FAILED, reason);
    json_object_put(resolved);
  } else {
    json_object_object_add(resolved, "edit",
                           crystallise__workspace_edit(&job, &e, true));
    crystallise__keep_resolved(s->crystal, &job, &e);
    session_reply(s, id, resolved);
  }
  crystal_edit_release(&e);
  crystallise__job_release(&job);
  return true;
}

/* facet.crystallised without arguments: the last action resolved was
 * applied. Its note is shown and its new files read. */
static void
crystallise__resolved_applied(struct session *s)
{
  struct crystallise_state *st = s->crystal;
  struct crystallise_resolved *r;

  if (st->nresolved == 0)
    return;
  r = &st->resolved[--st->nresolved];
  if (r->note) {
    char *text = malloc(strlen(r->note) + 16);

    if (text) {
      sprintf(text, "facet: note: %s", r->note);
      crystallise__message(s, 3, text);
    }
    free(text);
  }
  crystallise__reindex(s, r->files, r->nfiles, false);
  crystallise__resolved_free(r);
}

/* facet.openArtifact [uri, line]: shows the file a fragment became. */
static void
crystallise__open(struct session *s, json_object *id, json_object *params)
{
  json_object *first = session_argument(params, 0);
  json_object *line = session_argument(params, 1);
  const char *uri = json_object_get_string(first);

  if (!uri || !json_object_is_type(first, json_type_string)) {
    session_fail(s, id, JSONRPC_INVALID_PARAMS,
                 "facet.openArtifact wants [uri, line]");
    return;
  }
  if (s->crystal->show_document) {
    json_object *params = json_object_new_object();
    json_object *req_id = json_object_new_int64(++s->next_id);
    json_object *pos = json_object_new_object();
    json_object *range = json_object_new_object();

    json_object_object_add(pos, "line", json_object_new_int(
      json_object_is_type(line, json_type_int) ? json_object_get_int(line)
                                               : 0));
    json_object_object_add(pos, "character", json_object_new_int(0));
    json_object_object_add(range, "start", pos);
    json_object_object_add(range, "end", json_object_get(pos));
    json_object_object_add(params, "uri", json_object_new_string(uri));
    json_object_object_add(params, "takeFocus", json_object_new_boolean(1));
    json_object_object_add(params, "selection", range);
    session_send(s, jsonrpc_request_new(req_id, "window/showDocument",
                                        params));
    json_object_put(req_id);
  } else {
    char *path = docstore_uri_to_path(uri);
    char text[4200];

    snprintf(text, sizeof text, "facet: this fragment was crystallised "
             "into %s", path ? path : uri);
    crystallise__message(s, 3, text);
    free(path);
  }
  session_reply(s, id, NULL);
}

/* The files a client created from an action's edit, as facet.crystallised
 * names them ("files": [uri, ...]): read again by the index, which may
 * have seen them empty before the client wrote their text. */
static void
crystallise__applied_files(struct session *s, json_object *files)
{
  for (size_t i = 0; json_object_is_type(files, json_type_array) &&
                     i < json_object_array_length(files); i++) {
    json_object *uri = json_object_array_get_idx(files, i);
    char *path = json_object_is_type(uri, json_type_string)
                   ? docstore_uri_to_path(json_object_get_string(uri))
                   : NULL;

    crystallise__reindex(s, &path, 1, false);
    free(path);
  }
}

bool
crystallise_execute(struct session *s, json_object *id, const char *command,
                    json_object *params)
{
  json_object *arg = session_argument(params, 0);

  if (strcmp(command, "facet.crystallise") == 0) {
    crystallise__run(s, id, arg);
  } else if (strcmp(command, "facet.crystallised") == 0 && !arg) {
    crystallise__resolved_applied(s);
    session_reply(s, id, NULL);
  } else if (strcmp(command, "facet.crystallised") == 0) {
    const char *note = session_str(arg, "note");

    if (note) {
      char *text = malloc(strlen(note) + 16);

      if (text) {
        sprintf(text, "facet: note: %s", note);
        crystallise__message(s, 3, text);
      }
      free(text);
    }
    crystallise__applied_files(s, session_get(arg, "files"));
    session_reply(s, id, NULL);
  } else if (strcmp(command, "facet.openArtifact") == 0) {
    crystallise__open(s, id, params);
  } else {
    return false;
  }
  return true;
}

bool
crystallise_response(struct session *s, struct jsonrpc_message *msg)
{
  struct crystallise_state *st = s->crystal;
  int64_t id;

  if (!msg->id || !json_object_is_type(msg->id, json_type_int))
    return false;
  id = json_object_get_int64(msg->id);
  for (size_t i = 0; i < st->npending; i++) {
    struct crystallise_pending *p = &st->pending[i];
    json_object *applied = session_get(msg->result, "applied");

    if (p->id != id)
      continue;
    if (!json_object_get_boolean(applied)) {
      /* The text edits were refused: the new files link to nothing. */
      for (size_t k = 0; k < p->nfiles; k++)
        unlink(p->files[k]);
      crystallise__reindex(s, p->files, p->nfiles, true);
      crystallise__message(s, 2, "facet: the editor did not apply the "
                           "changes, so the new files were removed again");
    }
    crystallise__pending_free(p);
    memmove(p, p + 1, (--st->npending - i) * sizeof *p);
    return true;
  }
  return false;
}

/* A link as the prompt shows it: what a fragment became, and where. */
struct crystallise_shown {
  enum provenance_kind kind;
  uint64_t hash;
  const char *file;           /* the artifact, as the index names it */
  char *where;                /* relative to the root; NULL: the prompt */
  char *uri;
  uint32_t record_line;       /* 0-based line of its record */
  unsigned records;           /* records of this fragment merged here */
  enum provenance_state state;
  uint32_t first;             /* the fragment's lines now, 0-based */
  uint32_t last;
  struct evsummary evals;     /* of its tests, against this prompt */
};

static void
crystallise__shown_release(struct crystallise_shown *shown, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    free(shown[i].where);
    free(shown[i].uri);
  }
}

static int
crystallise__compare(const void *a, const void *b)
{
  const struct crystallise_shown *x = a;
  const struct crystallise_shown *y = b;

  if (x->first != y->first)
    return x->first < y->first ? -1 : 1;
  if (x->kind != y->kind)
    return (int)x->kind - (int)y->kind;
  return strcmp(x->where ? x->where : "", y->where ? y->where : "");
}

struct crystallise_gather {
  struct session *s;
  struct document *doc;
  const char *root;
  const char *prompt;         /* as the index names it */
  struct crystallise_shown *out;
  size_t n;
  size_t max;
};

/*
 * Places a fragment by the lines it was last found at, followed through
 * the document's edits since: a fragment both edited and moved is no
 * longer found by its hash, and its recorded lines may now hold other
 * text. Only while the analysis is of the document's current text, whose
 * lines the anchors count.
 */
static void
crystallise__follow(struct document *doc, struct crystallise_shown *sh)
{
  const struct source *src = &doc->artifact->src;
  uint32_t first, last;

  if (src->text != doc->text->data)
    return;
  if (sh->state != PROVENANCE_CHANGED) {
    document_anchor_set(doc, sh->hash, sh->first, sh->last);
    return;
  }
  if (document_anchor_get(doc, sh->hash, &first, &last) &&
      first < src->line_count) {
    sh->first = first;
    sh->last = last < src->line_count ? last : src->line_count - 1;
  }
}

/* One record the index links to the prompt: a new link, or one more
 * test of a fragment already shown from the same file. */
static void
crystallise__record(const struct evrecord_ref *r, void *ctx)
{
  struct crystallise_gather *g = ctx;
  const struct evrecord *rec = r->rec;
  const struct artifact *a = g->doc->artifact;
  struct provenance p = { .kind = (enum provenance_kind)rec->kind,
                          .first_line = rec->first_line,
                          .last_line = rec->last_line, .hash = rec->hash };
  struct crystallise_shown *sh = NULL;
  bool own = strcmp(r->file, g->prompt) == 0;

  for (size_t k = 0; k < g->n && !sh; k++)
    if (g->out[k].hash == rec->hash && g->out[k].kind == p.kind &&
        strcmp(g->out[k].file, r->file) == 0)
      sh = &g->out[k];
  if (sh) {
    sh->records++;
    return;
  }
  if (g->n == g->max)
    return;
  sh = &g->out[g->n++];
  memset(sh, 0, sizeof *sh);
  sh->kind = p.kind;
  sh->hash = rec->hash;
  sh->file = r->file;
  sh->where = own ? NULL : crystallise_relative(g->root, r->file);
  if (!own && !sh->where)
    sh->where = strdup(r->file);   /* outside the root: its full path */
  sh->uri = own ? strdup(g->doc->uri) : crystallise__uri(r->file);
  sh->record_line = rec->line ? rec->line - 1 : 0;
  sh->records = 1;
  sh->state = provenance_locate(&a->src, &p, &sh->first, &sh->last);
  crystallise__follow(g->doc, sh);
}

/* Whether test t is one that shown's records were written on. */
static bool
crystallise__test_of(const struct evtest_ref *t, void *ctx)
{
  const struct crystallise_shown *sh = ctx;

  if (strcmp(t->file, sh->file) != 0 || !t->summary)
    return false;
  for (size_t i = 0; i < t->summary->nrecords; i++) {
    const struct evrecord *rec = &t->summary->records[i];

    if (rec->test == t->test && rec->hash == sh->hash &&
        rec->kind == PROVENANCE_TEST)
      return true;
  }
  return false;
}

/*
 * What doc's fragments became, as the workspace index links them: each
 * crystallised file whose provenance record names the prompt (and a
 * .prompt.yml's own records), located in its text now, and for tests
 * where they stand, as the index computes it for this prompt.
 */
static size_t
crystallise__gather(struct session *s, struct document *doc,
                    struct crystallise_shown *out, size_t max)
{
  char prompt[PATHGLOB_PATH_MAX];
  char *root = crystallise__root(s, doc);
  struct crystallise_gather g = { s, doc, root, prompt, out, 0, max };
  const struct evalgraph *graph = s->index.graph;

  if (!root || !wsindex_normal(doc->path, prompt)) {
    free(root);
    return 0;
  }
  evalgraph_records_of_prompt(graph, prompt, crystallise__record, &g);
  for (size_t i = 0; i < g.n; i++)
    if (out[i].kind == PROVENANCE_TEST)
      evalgraph_summarise_only(graph, prompt, session_now(s),
                               crystallise__test_of, &out[i],
                               &out[i].evals);
  free(root);
  /* By fragment; along the gradient (schema, tests, code) at each, and
   * by path within a rung. */
  qsort(out, g.n, sizeof *out, crystallise__compare);
  return g.n;
}

/* "schemas/a.schema.json", or "this file" for records in the prompt. */
static const char *
crystallise__where(const struct crystallise_shown *sh)
{
  return sh->where ? sh->where : "this file";
}

/* What the tests of a fragment came to: "3 ✓", "2 ✓ 1 ✗ · 1 stale",
 * "never run". */
static void
crystallise__status(const struct evsummary *e, char *out, size_t size)
{
  size_t n = 0;

  out[0] = '\0';
  if (e->passed)
    n += (size_t)snprintf(out + n, size - n, "%u \xE2\x9C\x93", e->passed);
  if (e->failed && n < size)
    n += (size_t)snprintf(out + n, size - n, "%s%u \xE2\x9C\x97",
                          n ? " " : "", e->failed);
  if (e->errored && n < size)
    n += (size_t)snprintf(out + n, size - n, "%s%u \xE2\x9A\xA0",
                          n ? " " : "", e->errored);
  if (e->stale && n < size)
    n += (size_t)snprintf(out + n, size - n, "%s%u stale",
                          n ? " \xC2\xB7 " : "", e->stale);
  if (e->never && n < size)
    snprintf(out + n, size - n, n ? " \xC2\xB7 %u never run" : "never run",
             e->never);
}

static void
crystallise__title(const struct crystallise_shown *sh, char *out,
                   size_t size)
{
  const char *where = crystallise__where(sh);
  char status[128];

  if (sh->state == PROVENANCE_CHANGED) {
    snprintf(out, size, "\xE2\x9A\xA0 changed since it was crystallised "
             "into %s", where);
    return;
  }
  switch (sh->kind) {
  case PROVENANCE_SCHEMA:
    snprintf(out, size, "\xE2\x86\x92 schema %s", where);
    break;
  case PROVENANCE_TEST:
    crystallise__status(&sh->evals, status, sizeof status);
    if (sh->evals.tests && status[0])
      snprintf(out, size, "\xE2\x86\x92 %u test%s \xC2\xB7 %s",
               sh->evals.tests, sh->evals.tests == 1 ? "" : "s", status);
    else if (sh->evals.tests)
      snprintf(out, size, "\xE2\x86\x92 %u test%s", sh->evals.tests,
               sh->evals.tests == 1 ? "" : "s");
    else
      /* The config holds them but no longer runs this prompt. */
      snprintf(out, size, "\xE2\x86\x92 %u test%s in %s, which does not "
               "run this prompt", sh->records, sh->records == 1 ? "" : "s",
               where);
    break;
  case PROVENANCE_EVALUATOR:
    snprintf(out, size, "\xE2\x86\x92 %u evaluator%s in %s", sh->records,
             sh->records == 1 ? "" : "s", where);
    break;
  case PROVENANCE_CODE:
    snprintf(out, size, "\xE2\x86\x92 code %s", where);
    break;
  }
}

void
crystallise_code_lenses(struct session *s, struct document *doc,
                        json_object *lenses)
{
  struct crystallise_shown shown[CRYSTALLISE_LINKS_MAX];
  size_t n;

  if (!doc->artifact || doc->artifact->kind != ARTIFACT_PROMPT)
    return;
  n = crystallise__gather(s, doc, shown, CRYSTALLISE_LINKS_MAX);
  for (size_t i = 0; i < n; i++) {
    const struct source *src = &doc->artifact->src;
    uint32_t at = source_line_start(src, shown[i].first);
    json_object *lens = json_object_new_object();
    json_object *cmd = json_object_new_object();
    json_object *args = json_object_new_array();
    char title[512];

    crystallise__title(&shown[i], title, sizeof title);
    json_object_array_add(args, json_object_new_string(
      shown[i].uri ? shown[i].uri : doc->uri));
    json_object_array_add(args, json_object_new_int64(shown[i].record_line));
    json_object_object_add(cmd, "title", json_object_new_string(title));
    json_object_object_add(cmd, "command",
                           json_object_new_string("facet.openArtifact"));
    json_object_object_add(cmd, "arguments", args);
    json_object_object_add(lens, "range", lspconv_range(
      src, span_make(at, at), s->encoding));
    json_object_object_add(lens, "command", cmd);
    json_object_array_add(lenses, lens);
  }
  crystallise__shown_release(shown, n);
}

void
crystallise_diagnostics(struct session *s, struct document *doc,
                        json_object *list)
{
  static const char *const what[] = {
    [PROVENANCE_SCHEMA] = "the schema may no longer match it",
    [PROVENANCE_TEST] = "its tests may no longer check what it says",
    [PROVENANCE_EVALUATOR] =
      "its evaluators may no longer check what it says",
    [PROVENANCE_CODE] = "the validator may no longer enforce it",
  };
  const struct diag_code_info *info =
    diag_code_info(DIAG_CRYSTALLISED_FRAGMENT_CHANGED);
  struct crystallise_shown shown[CRYSTALLISE_LINKS_MAX];
  size_t n;

  if (!doc->artifact || doc->artifact->kind != ARTIFACT_PROMPT)
    return;
  n = crystallise__gather(s, doc, shown, CRYSTALLISE_LINKS_MAX);
  for (size_t i = 0; i < n; i++) {
    const struct source *src = &doc->artifact->src;
    json_object *d;
    char message[1024];

    if (shown[i].state != PROVENANCE_CHANGED)
      continue;
    snprintf(message, sizeof message, "this text changed since it was "
             "crystallised into %s: %s", crystallise__where(&shown[i]),
             what[shown[i].kind]);
    d = json_object_new_object();
    json_object_object_add(d, "range", lspconv_range(
      src, span_make(source_line_start(src, shown[i].first),
                     source_line_end(src, shown[i].last)), s->encoding));
    json_object_object_add(d, "severity", json_object_new_int(info->severity));
    json_object_object_add(d, "code", json_object_new_string(info->name));
    json_object_object_add(d, "source", json_object_new_string("facet"));
    json_object_object_add(d, "message", json_object_new_string(message));
    json_object_array_add(list, d);
  }
  crystallise__shown_release(shown, n);
}
