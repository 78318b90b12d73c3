/*
 * Ownership of json-c values, one rule for all of facet: a json_object *
 * parameter whose name ends in _take is taken over by the callee, which
 * releases it even when the call fails; every other json_object *
 * parameter is borrowed for the duration of the call; every json_object *
 * a function returns is a new reference the caller releases with
 * json_object_put, unless its declaration says it is borrowed; and each
 * json_object * field of a struct says whether the struct owns it or
 * borrows it.
 *
 * (json-c writes JSON null as a NULL pointer, so NULL is a valid value
 * wherever a JSON value is expected.)
 *
 * Below: JSON-RPC 2.0 as LSP uses it. One frame body is one message; LSP
 * has no batches.
 */
#ifndef FACET_PROTOCOL_JSONRPC_H
#define FACET_PROTOCOL_JSONRPC_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/* Error codes of JSON-RPC 2.0 and of LSP. */
enum jsonrpc_code {
  JSONRPC_PARSE_ERROR = -32700,
  JSONRPC_INVALID_REQUEST = -32600,
  JSONRPC_METHOD_NOT_FOUND = -32601,
  JSONRPC_INVALID_PARAMS = -32602,
  JSONRPC_INTERNAL_ERROR = -32603,
  JSONRPC_SERVER_NOT_INITIALIZED = -32002,
  JSONRPC_REQUEST_CANCELLED = -32800,
  JSONRPC_CONTENT_MODIFIED = -32801,
  JSONRPC_REQUEST_FAILED = -32803,
};

enum jsonrpc_kind {
  JSONRPC_REQUEST,      /* a method and an id: a reply is owed */
  JSONRPC_NOTIFICATION, /* a method and no id: never replied to */
  JSONRPC_RESPONSE,     /* an id and a result or an error */
  JSONRPC_INVALID,      /* anything else: error_code says why */
};

/* Deepest nesting of arrays and objects a message may have. */
#define JSONRPC_DEPTH_MAX 64

/* Room for an invalid message's reason, terminating NUL included. */
#define JSONRPC_REASON_MAX 160

/* One parsed frame body. */
struct jsonrpc_message {
  enum jsonrpc_kind kind;

  /* Owned: the whole body; NULL if it was not JSON (or was null). */
  struct json_object *root;

  /*
   * Owned: a copy of the id, independent of root so that it may outlive
   * it; NULL when there is no id, it is null, or it is neither a string
   * nor an integer.
   */
  struct json_object *id;

  /*
   * Borrowed from root: the method when it is a string, even in an
   * invalid message, so that a log can name it.
   */
  const char *method;

  /* Borrowed from root; NULL when absent or null. */
  struct json_object *params;

  /* Borrowed from root: a response's result and error members. */
  struct json_object *result;
  struct json_object *error;

  /* Whether an answer must be sent: see jsonrpc_message_reply_owed. */
  bool reply_owed;

  /* For JSONRPC_INVALID: the code and message to answer with. */
  int error_code;
  char reason[JSONRPC_REASON_MAX];
};

/*
 * Parses the len bytes of body, borrowed, into self, which need not be set
 * up. A body that is not a valid message is not a failure: it is
 * classified JSONRPC_INVALID with the JSON-RPC error to reply with, id
 * kept when it was readable. Returns 0, or FACET_ENOMEM with self
 * classified JSONRPC_INVALID and owed no reply. Either way the caller
 * releases self with jsonrpc_message_release.
 */
int jsonrpc_message_parse(struct jsonrpc_message *self, const char *body,
                          size_t len);

/* Releases what self owns; borrowed pointers into root become invalid. */
void jsonrpc_message_release(struct jsonrpc_message *self);

/*
 * Whether the peer must get an answer. Requests are owed one. So is an
 * invalid message, unless it can be told to be a notification (it has a
 * "method" and no "id") or a response (no "method", but a "result" or an
 * "error"): JSON-RPC never answers those, even to report an error.
 */
bool jsonrpc_message_reply_owed(const struct jsonrpc_message *self);

/*
 * Returns the error response owed to an invalid message, with its id or
 * null. Returns NULL when the message is valid or owed no reply, or when
 * memory runs out.
 */
struct json_object *
jsonrpc_message_error_reply(const struct jsonrpc_message *self);

/*
 * The builders below return a new message, or NULL when memory runs out.
 * An id is borrowed and copied; NULL stands for null. The _take values are
 * taken over even on failure; a NULL params_take or data_take leaves the
 * member out, a NULL result_take writes "result": null.
 */

/* {"jsonrpc":"2.0","id":id,"result":result_take} */
struct json_object *jsonrpc_response_new(struct json_object *id,
                                         struct json_object *result_take);

/*
 * {"jsonrpc":"2.0","id":id,"error":{"code":..,"message":..,"data":..}};
 * message, borrowed and copied, must not be NULL.
 */
struct json_object *jsonrpc_error_new(struct json_object *id, int code,
                                      const char *message,
                                      struct json_object *data_take);

/*
 * {"jsonrpc":"2.0","method":method,"params":params_take}; method is
 * borrowed and copied.
 */
struct json_object *
jsonrpc_notification_new(const char *method,
                         struct json_object *params_take);

/*
 * {"jsonrpc":"2.0","id":id,"method":method,"params":params_take}; method
 * is borrowed and copied.
 */
struct json_object *jsonrpc_request_new(struct json_object *id,
                                        const char *method,
                                        struct json_object *params_take);

#endif
