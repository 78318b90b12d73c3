/* What the parts of the session share; not for other modules. */
#ifndef FACET_SESSION_INTERNAL_H
#define FACET_SESSION_INTERNAL_H

#include <stdbool.h>

#include "session.h"

struct json_object;

/* Sends msg_take (taken over, may be NULL) to the client. */
void session_send(struct session *self, struct json_object *msg_take);

/* Replies to request id (borrowed) with result_take (taken over). */
void session_reply(struct session *self, struct json_object *id,
                   struct json_object *result_take);

/* Replies to request id (borrowed) with an error. */
void session_fail(struct session *self, struct json_object *id, int code,
                  const char *message);

/*
 * The i-th of an executeCommand's arguments (borrowed), or NULL when there
 * is no such argument or arguments is not a list. json-c asserts when
 * asked for an item of anything but an array: every command reads its
 * arguments through this.
 */
struct json_object *session_argument(struct json_object *params, size_t i);

/* Borrowed members of a borrowed object; NULL when absent or mistyped. */
const char *session_str(struct json_object *obj, const char *key);
struct json_object *session_get(struct json_object *obj, const char *key);

void session_apply_settings(struct session *self, struct json_object *facet);

/* Handles a textDocument/ notification; false if method is not one. */
bool session_document_notification(struct session *self, const char *method,
                                   struct json_object *params);

/* Handles a request about a document; false if method is not one. */
bool session_document_request(struct session *self, struct json_object *id,
                              const char *method, struct json_object *params);

/* Runs the facet.workspaceGrades command: answers request id (borrowed)
 * once the folder is walked (session_grades.c). */
void session_workspace_grades(struct session *self, struct json_object *id,
                              struct json_object *params);

/* Answers the waiting request with this id (borrowed) as cancelled. */
void session_cancel(struct session *self, struct json_object *id);

/* Re-analyses every open document (settings changed). */
void session_reanalyse_all(struct session *self);

/* Publishes doc's diagnostics (its latest analysis). */
void session_publish(struct session *self, struct document *doc);

/* Answers the requests waiting for doc's analysis, which has landed
 * (those waiting for the index's first run too wait on). */
void session_answer_pending(struct session *self, struct document *doc);

/* Answers doc's waiting requests when its analysis is current (for
 * docstore_each, once the index's first run ended). */
void session_answer_ready(struct document *doc, void *self);

/* Fails and frees every request waiting on doc (for docstore_each). */
void session_drop_pending(struct document *doc, void *self);

/* Queues doc for analysis at the next session_flush. */
void session_schedule(struct session *self, struct document *doc);

/* Whether doc waits in the queue for an analysis to start. */
bool session_queued(const struct session *self, const struct document *doc);

/* Publishes doc's diagnostics: its own and those the index adds. */
void session_publish(struct session *self, struct document *doc);

/* The time relative times count from (Unix seconds). */
int64_t session_now(const struct session *self);

/* The workspace index (session_index.c). */
void session_index_start(struct session *self);
void session_index_stop(struct session *self);
void session_index_release(struct session *self);
bool session_index_done(const struct session *self);
/* doc's analysis landed: its summary replaces the file's. */
void session_index_document(struct session *self, struct document *doc);
/* doc_path (the document's, not normalised) closed: read it from disk. */
void session_index_closed(struct session *self, const char *doc_path);
void session_index_file_changed(struct session *self, const char *path,
                                bool deleted);
/* workspace/didChangeWatchedFiles params (borrowed). */
void session_index_watched(struct session *self, struct json_object *params);
/* The format the index asks a document to be read as, or FORMAT_NONE. */
enum artifact_format session_index_format(const struct session *self,
                                          const char *doc_path);
/* The grade of doc again, with the links other files give it. */
void session_index_regrade(struct session *self, struct document *doc);
/* Whether id is the progress request the index sent; its answer. */
bool session_index_owns(const struct session *self, int64_t id);
void session_index_response(struct session *self, int64_t id);

/*
 * The file at path changed on disk: an open document that reads it as its
 * companion (detect_companion) is analysed again.
 */
void session_companion_changed(struct session *self, const char *path);

#endif
