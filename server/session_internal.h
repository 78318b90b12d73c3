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

/* Answers the waiting request with this id (borrowed) as cancelled. */
void session_cancel(struct session *self, struct json_object *id);

/* Re-analyses every open document (settings changed). */
void session_reanalyse_all(struct session *self);

/* Publishes doc's diagnostics (its latest analysis). */
void session_publish(struct session *self, struct document *doc);

/* Answers the requests waiting for doc's analysis, which has landed. */
void session_answer_pending(struct session *self, struct document *doc);

/* Fails and frees every request waiting on doc (for docstore_each). */
void session_drop_pending(struct document *doc, void *self);

#endif
