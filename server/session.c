#include "session.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "crystallise_lsp.h"
#include "error.h"
#include "jsonrpc.h"
#include "log.h"
#include "schema.h"
#include "version.h"
#include "session_internal.h"


void
session_init(struct session *self, uv_loop_t *loop, session_send_fn send,
             void *ctx)
{
  memset(self, 0, sizeof *self);
  self->loop = loop;
  self->send = send;
  self->send_ctx = ctx;
  self->encoding = POSITION_UTF16;
  self->exit_code = 1;
  self->config_request = -1;
  docstore_init(&self->docs);
  overrides_init(&self->settings.formats);
  wsindex_init(&self->index);
  overrides_init(&self->settings.providers);
  reffiles_init(&self->refs, NULL);
  self->crystal = crystallise_state_new();
}

void
session_release(struct session *self)
{
  docstore_each(&self->docs, session_drop_pending, self);
  docstore_release(&self->docs);
  session_index_release(self);
  wsindex_release(&self->index);
  overrides_release(&self->settings.formats);
  overrides_release(&self->settings.providers);
  reffiles_release(&self->refs);
  crystallise_state_free(self->crystal);
  free(self->queue);
  free(self->root);
  for (size_t i = 0; i < self->nfolders; i++)
    free(self->folders[i]);
  free(self->folders);
}

void
session_send(struct session *self, json_object *msg)
{
  if (!msg)
    return;
  self->send(msg, self->send_ctx);
  json_object_put(msg);
}

void
session_notify(struct session *self, const char *method,
               json_object *params_take)
{
  session_send(self, jsonrpc_notification_new(method, params_take));
}

void
session_reply(struct session *self, json_object *id, json_object *result_take)
{
  session_send(self, jsonrpc_response_new(id, result_take));
}

void
session_fail(struct session *self, json_object *id, int code,
             const char *message)
{
  session_send(self, jsonrpc_error_new(id, code, message, NULL));
}

/* Reads a string member of a borrowed object; NULL when absent. */
json_object *
session_argument(json_object *params, size_t i)
{
  json_object *args = session_get(params, "arguments");

  if (!json_object_is_type(args, json_type_array) ||
      i >= json_object_array_length(args))
    return NULL;
  return json_object_array_get_idx(args, i);
}

const char *
session_str(json_object *obj, const char *key)
{
  json_object *v;

  if (!json_object_object_get_ex(obj, key, &v) ||
      !json_object_is_type(v, json_type_string))
    return NULL;
  return json_object_get_string(v);
}

/* A member of a borrowed object (borrowed), or NULL. */
json_object *
session_get(json_object *obj, const char *key)
{
  json_object *v = NULL;

  if (!json_object_is_type(obj, json_type_object) ||
      !json_object_object_get_ex(obj, key, &v))
    return NULL;
  return v;
}

/* facet.results: globs of results files, added to .facet.yaml's. */
static void
session__results_setting(struct session *self, json_object *globs)
{
  char why[256];

  if (!globs)
    return;
  if (!json_object_is_type(globs, json_type_array)) {
    log_warn("ignoring setting facet.results: it should be a list of globs");
    return;
  }
  /* The settings replace the settings' globs; .facet.yaml's follow. */
  wsconfig_release(&self->index.config);
  for (size_t i = 0; i < json_object_array_length(globs); i++) {
    json_object *g = json_object_array_get_idx(globs, i);

    if (!json_object_is_type(g, json_type_string) ||
        wsconfig_add_results(&self->index.config, json_object_get_string(g)))
      log_warn("ignoring setting facet.results[%zu]: not a glob relative "
               "to the workspace root", i);
  }
  self->index.config.nsettings = self->index.config.nresults;
  if (self->indexing && self->root &&
      wsconfig_read(&self->index.config, self->root, why, sizeof why) &&
      why[0])
    log_warn("%s", why);
}

/*
 * facet.schemaProvider: a provider's name for every file, or globs to
 * names (docs/jsonschema.md). Unknown names are logged and skipped.
 */
static void
session__apply_providers(struct session *self, json_object *setting)
{
  overrides_release(&self->settings.providers);
  self->settings.provider = SCHEMA_PROVIDER_NONE;
  if (!setting)
    return;
  if (json_object_is_type(setting, json_type_string)) {
    int p = schema_provider_by_name(json_object_get_string(setting));

    if (p < 0)
      log_warn("ignoring setting facet.schemaProvider: '%s' is not one of "
               "none, openai, gemini, anthropic",
               json_object_get_string(setting));
    else
      self->settings.provider = p;
    return;
  }
  if (!json_object_is_type(setting, json_type_object)) {
    log_warn("ignoring setting facet.schemaProvider: it should be a "
             "provider's name or map globs to names");
    return;
  }
  json_object_object_foreach(setting, glob, name) {
    int p = schema_provider_by_name(json_object_get_string(name));

    if (!json_object_is_type(name, json_type_string) || p < 0 ||
        overrides_add_value(&self->settings.providers, glob, p))
      log_warn("ignoring setting facet.schemaProvider[\"%s\"]: not one of "
               "none, openai, gemini, anthropic", glob);
  }
}

/* facet.inlayHints: "auto" (the default), "on" or "off". */
static void
session__inlay_setting(struct session *self, json_object *value)
{
  const char *v = json_object_is_type(value, json_type_string)
                    ? json_object_get_string(value) : NULL;

  self->settings.inlay_hints = SESSION_INLAY_AUTO;
  if (v && strcmp(v, "on") == 0)
    self->settings.inlay_hints = SESSION_INLAY_ON;
  else if (v && strcmp(v, "off") == 0)
    self->settings.inlay_hints = SESSION_INLAY_OFF;
  else if (value && (!v || strcmp(v, "auto") != 0))
    log_warn("ignoring setting facet.inlayHints: it should be \"auto\", "
             "\"on\" or \"off\"");
}

/*
 * Applies facet's settings (borrowed): the "facet" section's members, or
 * an object that holds that section, as editors send it either way.
 */
void
session_apply_settings(struct session *self, json_object *facet)
{
  json_object *formats;
  json_object *max;

  if (json_object_is_type(session_get(facet, "facet"), json_type_object))
    facet = session_get(facet, "facet");
  if (!json_object_is_type(facet, json_type_object))
    return;
  formats = session_get(facet, "formats");
  max = session_get(facet, "maxFileBytes");
  session__results_setting(self, session_get(facet, "results"));
  overrides_release(&self->settings.formats);
  if (formats && !json_object_is_type(formats, json_type_object))
    log_warn("ignoring setting facet.formats: it should map globs to "
             "format names");
  if (json_object_is_type(formats, json_type_object)) {
    json_object_object_foreach(formats, glob, fmt) {
      int rc = json_object_is_type(fmt, json_type_string)
                 ? overrides_add(&self->settings.formats, glob,
                                 json_object_get_string(fmt))
                 : FACET_EINVAL;

      if (rc)
        log_warn("ignoring setting facet.formats[\"%s\"]: not a format "
                 "facet knows (facet --list-formats lists them)", glob);
    }
  }
  if (self->crystal)
    crystallise_settings(self->crystal, facet);
  self->settings.max_file_bytes = 0;
  if (json_object_is_type(max, json_type_int) &&
      json_object_get_int64(max) > 0)
    self->settings.max_file_bytes = (size_t)json_object_get_int64(max);
  else if (max)
    log_warn("ignoring setting facet.maxFileBytes: it should be a positive "
             "number of bytes");
  session__apply_providers(self, session_get(facet, "schemaProvider"));
  session__inlay_setting(self, session_get(facet, "inlayHints"));
}

static json_object *
session__capabilities(struct session *self)
{
  json_object *caps = json_object_new_object();
  json_object *sync = json_object_new_object();
  json_object *save = json_object_new_object();
  json_object *lens = json_object_new_object();
  json_object *exec = json_object_new_object();
  json_object *actions = json_object_new_object();
  json_object *kinds = json_object_new_array();
  json_object *rename = json_object_new_object();
  json_object *completion = json_object_new_object();
  json_object *triggers = json_object_new_array();
  json_object *commands = json_object_new_array();
  json_object *experimental = json_object_new_object();

  json_object_object_add(caps, "positionEncoding", json_object_new_string(
                           position_encoding_name(self->encoding)));
  json_object_object_add(sync, "openClose", json_object_new_boolean(1));
  json_object_object_add(sync, "change", json_object_new_int(2));
  json_object_object_add(save, "includeText", json_object_new_boolean(0));
  json_object_object_add(sync, "save", save);
  json_object_object_add(caps, "textDocumentSync", sync);
  json_object_object_add(caps, "hoverProvider", json_object_new_boolean(1));
  json_object_object_add(lens, "resolveProvider", json_object_new_boolean(0));
  json_object_object_add(caps, "codeLensProvider", lens);
  json_object_array_add(kinds, json_object_new_string("quickfix"));
  json_object_array_add(kinds, json_object_new_string("refactor.extract"));
  json_object_object_add(actions, "codeActionKinds", kinds);
  json_object_object_add(actions, "resolveProvider",
                         json_object_new_boolean(1));
  json_object_object_add(caps, "codeActionProvider", actions);
  json_object_object_add(caps, "definitionProvider",
                         json_object_new_boolean(1));
  json_object_object_add(caps, "referencesProvider",
                         json_object_new_boolean(1));
  json_object_object_add(rename, "prepareProvider",
                         json_object_new_boolean(1));
  json_object_object_add(caps, "renameProvider", rename);
  json_object_array_add(triggers, json_object_new_string("{"));
  json_object_array_add(triggers, json_object_new_string("$"));
  json_object_array_add(triggers, json_object_new_string(":"));
  json_object_object_add(completion, "triggerCharacters", triggers);
  json_object_object_add(caps, "completionProvider", completion);
  json_object_object_add(caps, "documentSymbolProvider",
                         json_object_new_boolean(1));
  json_object_object_add(caps, "foldingRangeProvider",
                         json_object_new_boolean(1));
  json_object_object_add(caps, "inlayHintProvider",
                         json_object_new_boolean(1));
  json_object_array_add(commands, json_object_new_string("facet.showGrade"));
  json_object_array_add(commands, json_object_new_string("facet.showEvals"));
  json_object_array_add(commands,
                        json_object_new_string("facet.workspaceGrades"));
  json_object_array_add(commands,
                        json_object_new_string("facet.crystallise"));
  json_object_array_add(commands,
                        json_object_new_string("facet.crystallised"));
  json_object_array_add(commands,
                        json_object_new_string("facet.openArtifact"));
  json_object_array_add(commands,
                        json_object_new_string("facet.applyEdit"));
  json_object_object_add(exec, "commands", commands);
  json_object_object_add(caps, "executeCommandProvider", exec);
  /* The facet/grade request, for a status bar (session_grades.c). */
  json_object_object_add(experimental, "gradeRequest",
                         json_object_new_boolean(1));
  json_object_object_add(caps, "experimental", experimental);
  return caps;
}

/* The workspace root from rootUri, or the first workspace folder. */
static void
session__root(struct session *self, json_object *params)
{
  const char *uri = session_str(params, "rootUri");
  json_object *folders = session_get(params, "workspaceFolders");

  if (!uri && json_object_is_type(folders, json_type_array) &&
      json_object_array_length(folders) > 0)
    uri = session_str(json_object_array_get_idx(folders, 0), "uri");
  free(self->root);
  self->root = uri ? docstore_uri_to_path(uri) : NULL;
  /* Other folders of a multi-root workspace are indexed too. */
  for (size_t i = 0; json_object_is_type(folders, json_type_array) &&
                     i < json_object_array_length(folders); i++) {
    const char *f = session_str(json_object_array_get_idx(folders, i),
                                "uri");
    char *path = f ? docstore_uri_to_path(f) : NULL;
    char **grown;

    if (!path || (self->root && strcmp(path, self->root) == 0) ||
        !(grown = realloc(self->folders, (self->nfolders + 1) *
                                         sizeof *grown))) {
      free(path);
      continue;
    }
    self->folders = grown;
    self->folders[self->nfolders++] = path;
  }
  reffiles_release(&self->refs);
  reffiles_init(&self->refs, self->root);
}

static void
session__initialize(struct session *self, json_object *id,
                    json_object *params)
{
  json_object *caps = session_get(params, "capabilities");
  json_object *pid = session_get(params, "processId");
  json_object *result;
  json_object *info;

  if (self->initialized) {
    session_fail(self, id, JSONRPC_INVALID_REQUEST,
                 "initialize may be sent only once");
    return;
  }
  result = json_object_new_object();
  info = json_object_new_object();
  self->encoding = position_encoding_negotiate(caps);
  if (json_object_is_type(pid, json_type_int))
    self->client_pid = json_object_get_int64(pid);
  self->config_pull = json_object_get_boolean(
    session_get(session_get(caps, "workspace"), "configuration"));
  self->progress_support = json_object_get_boolean(
    session_get(session_get(caps, "window"), "workDoneProgress"));
  self->watch_support = json_object_get_boolean(session_get(
    session_get(session_get(caps, "workspace"), "didChangeWatchedFiles"),
    "dynamicRegistration"));
  self->lens_refresh_support = json_object_get_boolean(session_get(
    session_get(session_get(caps, "workspace"), "codeLens"),
    "refreshSupport"));
  self->inlay_refresh_support = json_object_get_boolean(session_get(
    session_get(session_get(caps, "workspace"), "inlayHint"),
    "refreshSupport"));
  self->client_lenses = session_get(session_get(caps, "textDocument"),
                                    "codeLens") != NULL;
  self->action_literals = session_get(session_get(session_get(
    caps, "textDocument"), "codeAction"), "codeActionLiteralSupport") != NULL;
  self->apply_edit_support = json_object_get_boolean(
    session_get(session_get(caps, "workspace"), "applyEdit"));
  if (self->crystal)
    crystallise_client(self->crystal, caps);
  session__root(self, params);
  session_apply_settings(self, session_get(params, "initializationOptions"));

  json_object_object_add(result, "capabilities",
                         session__capabilities(self));
  json_object_object_add(info, "name", json_object_new_string("facet"));
  json_object_object_add(info, "version",
                         json_object_new_string(FACET_VERSION));
  json_object_object_add(result, "serverInfo", info);
  self->initialized = true;
  session_reply(self, id, result);
  log_info("initialized: position encoding %s, workspace %s",
           position_encoding_name(self->encoding),
           self->root ? self->root : "(none)");
}

/* Asks the client for the "facet" settings section. */
static void
session__pull_config(struct session *self)
{
  json_object *params = json_object_new_object();
  json_object *items = json_object_new_array();
  json_object *item = json_object_new_object();
  json_object *id;

  json_object_object_add(item, "section", json_object_new_string("facet"));
  json_object_array_add(items, item);
  json_object_object_add(params, "items", items);
  self->config_request = ++self->next_id;
  id = json_object_new_int64(self->config_request);
  session_send(self, jsonrpc_request_new(id, "workspace/configuration",
                                         params));
  json_object_put(id);
}

static void
session__response(struct session *self, struct jsonrpc_message *msg)
{
  if (msg->id && json_object_is_type(msg->id, json_type_int) &&
      session_index_owns(self, json_object_get_int64(msg->id))) {
    session_index_response(self, json_object_get_int64(msg->id));
    return;
  }
  if (self->crystal && crystallise_response(self, msg))
    return;
  if (!msg->id || !json_object_is_type(msg->id, json_type_int) ||
      json_object_get_int64(msg->id) != self->config_request)
    return;
  self->config_request = -1;
  if (json_object_is_type(msg->result, json_type_array) &&
      json_object_array_length(msg->result) > 0) {
    session_apply_settings(self, json_object_array_get_idx(msg->result, 0));
    session_reanalyse_all(self);
  }
}

static void
session__notification(struct session *self, const char *method,
                      json_object *params)
{
  if (strcmp(method, "exit") == 0) {
    session_index_stop(self);
    self->exit_requested = true;
    self->exit_code = self->shutdown ? 0 : 1;
    if (self->on_exit)
      self->on_exit(self);
    return;
  }
  if (!self->initialized || self->shutdown) {
    log_debug("dropping notification %s: %s", method,
              self->shutdown ? "shutting down" : "not initialized yet");
    return;
  }
  if (strcmp(method, "initialized") == 0) {
    if (self->config_pull)
      session__pull_config(self);
    session_index_start(self);
  } else if (strcmp(method, "workspace/didChangeWatchedFiles") == 0) {
    session_index_watched(self, params);
  } else if (strcmp(method, "workspace/didChangeConfiguration") == 0) {
    session_apply_settings(self, session_get(session_get(params, "settings"),
                                             "facet"));
    session_reanalyse_all(self);
  } else if (strcmp(method, "$/cancelRequest") == 0) {
    session_cancel(self, session_get(params, "id"));
  } else if (!session_document_notification(self, method, params)) {
    log_debug("ignoring notification %s", method);
  }
}

static void
session__request(struct session *self, json_object *id, const char *method,
                 json_object *params)
{
  if (strcmp(method, "initialize") == 0) {
    session__initialize(self, id, params);
    return;
  }
  if (!self->initialized) {
    session_fail(self, id, JSONRPC_SERVER_NOT_INITIALIZED,
                 "the server is not initialized yet: send initialize first");
    return;
  }
  if (self->shutdown) {
    session_fail(self, id, JSONRPC_INVALID_REQUEST,
                 "the server is shutting down: only exit is accepted");
    return;
  }
  if (strcmp(method, "shutdown") == 0) {
    self->shutdown = true;
    session_index_stop(self);
    session_reply(self, id, NULL);
    return;
  }
  if (!session_document_request(self, id, method, params))
    session_fail(self, id, JSONRPC_METHOD_NOT_FOUND,
                 "facet does not implement this method");
}

void
session_handle(struct session *self, struct jsonrpc_message *msg)
{
  switch (msg->kind) {
  case JSONRPC_INVALID:
    log_warn("invalid message%s%s: %s", msg->method ? " " : "",
             msg->method ? msg->method : "", msg->reason);
    if (jsonrpc_message_reply_owed(msg))
      session_send(self, jsonrpc_message_error_reply(msg));
    return;
  case JSONRPC_RESPONSE:
    session__response(self, msg);
    return;
  case JSONRPC_NOTIFICATION:
    session__notification(self, msg->method, msg->params);
    return;
  case JSONRPC_REQUEST:
    session__request(self, msg->id, msg->method, msg->params);
    return;
  }
}
