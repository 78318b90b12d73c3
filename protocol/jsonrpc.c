#include "jsonrpc.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

/* Marks self invalid, with the code and reason its reply will carry. */
static void jsonrpc_message__invalid(struct jsonrpc_message *self, int code,
                                     const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void
jsonrpc_message__invalid(struct jsonrpc_message *self, int code,
                         const char *fmt, ...)
{
  va_list ap;

  self->kind = JSONRPC_INVALID;
  self->error_code = code;
  va_start(ap, fmt);
  vsnprintf(self->reason, sizeof self->reason, fmt, ap);
  va_end(ap);
}

/* Whether the n bytes at s are all JSON whitespace. */
static bool
jsonrpc__blank(const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
      return false;
  return true;
}

/*
 * Parses body into self->root. Returns 0, FACET_EINVAL after marking self
 * invalid with a parse error, or FACET_ENOMEM.
 */
static int
jsonrpc_message__parse_json(struct jsonrpc_message *self, const char *body,
                            size_t len)
{
  struct json_tokener *tok;
  enum json_tokener_error err;
  size_t end;

  if (len > INT_MAX) {
    jsonrpc_message__invalid(self, JSONRPC_PARSE_ERROR,
                             "body of %zu bytes is too large to parse", len);
    return FACET_EINVAL;
  }
  tok = json_tokener_new_ex(JSONRPC_DEPTH_MAX);
  if (!tok)
    return FACET_ENOMEM;
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);

  self->root = json_tokener_parse_ex(tok, body, (int)len);
  err = json_tokener_get_error(tok);
  end = json_tokener_get_parse_end(tok);
  /* A value that may go on ("12", "tru") ends only at a NUL: send one. */
  if (err == json_tokener_continue) {
    self->root = json_tokener_parse_ex(tok, "", 1);
    err = json_tokener_get_error(tok);
  }
  json_tokener_free(tok);

  if (err != json_tokener_success) {
    jsonrpc_message__invalid(self, JSONRPC_PARSE_ERROR,
                             "invalid JSON at byte %zu: %s", end,
                             json_tokener_error_desc(err));
    return FACET_EINVAL;
  }
  if (!jsonrpc__blank(body + end, len - end)) {
    jsonrpc_message__invalid(self, JSONRPC_PARSE_ERROR,
                             "invalid JSON at byte %zu: %s", end,
                             "unexpected data after the value");
    return FACET_EINVAL;
  }
  return 0;
}

static bool
jsonrpc_message__check_version(struct jsonrpc_message *self)
{
  struct json_object *version;

  if (!json_object_object_get_ex(self->root, "jsonrpc", &version)) {
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "missing \"jsonrpc\": \"2.0\"");
    return false;
  }
  if (!json_object_is_type(version, json_type_string)
      || json_object_get_string_len(version) != 3
      || memcmp(json_object_get_string(version), "2.0", 3) != 0) {
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "\"jsonrpc\" must be \"2.0\"");
    return false;
  }
  return true;
}

/* Finishes classifying a message that has a "method" member. */
static void
jsonrpc_message__check_call(struct jsonrpc_message *self, bool has_id)
{
  struct json_object *params = NULL;

  if (!self->method) {
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "\"method\" must be a string");
    return;
  }
  if (has_id && !self->id) {
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "\"id\" must be a string or an integer");
    return;
  }
  json_object_object_get_ex(self->root, "params", &params);
  if (params && !json_object_is_type(params, json_type_object)
      && !json_object_is_type(params, json_type_array)) {
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "\"params\" must be an object or an array");
    return;
  }

  self->params = params;
  self->kind = has_id ? JSONRPC_REQUEST : JSONRPC_NOTIFICATION;
}

/* Finishes classifying a message that has no "method" member. */
static void
jsonrpc_message__check_response(struct jsonrpc_message *self,
                                struct json_object *id, bool has_id)
{
  struct json_object *result = NULL;
  struct json_object *error = NULL;
  bool has_result = json_object_object_get_ex(self->root, "result", &result);
  bool has_error = json_object_object_get_ex(self->root, "error", &error);
  const char *problem = NULL;

  if (!has_result && !has_error)
    problem = "message has no \"method\", \"result\" or \"error\"";
  else if (has_result && has_error)
    problem = "response has both \"result\" and \"error\"";
  else if (!has_id)
    problem = "response has no \"id\"";
  else if (id && !self->id)
    problem = "\"id\" must be a string or an integer";
  else if (has_error && !json_object_is_type(error, json_type_object))
    problem = "\"error\" must be an object";
  if (problem) {
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST, "%s", problem);
    return;
  }

  self->result = result;
  self->error = error;
  self->kind = JSONRPC_RESPONSE;
}

/* Classifies the JSON object in self->root. Returns 0 or FACET_ENOMEM. */
static int
jsonrpc_message__classify_object(struct jsonrpc_message *self)
{
  struct json_object *root = self->root;
  struct json_object *id = NULL;
  struct json_object *method = NULL;
  bool has_id = json_object_object_get_ex(root, "id", &id);
  bool has_method = json_object_object_get_ex(root, "method", &method);
  bool has_answer = json_object_object_get_ex(root, "result", NULL)
                    || json_object_object_get_ex(root, "error", NULL);

  /* Read what an error reply or a log needs before judging anything. */
  if ((json_object_is_type(id, json_type_string)
       || json_object_is_type(id, json_type_int))
      && json_object_deep_copy(id, &self->id, NULL))
    return FACET_ENOMEM;
  if (json_object_is_type(method, json_type_string))
    self->method = json_object_get_string(method);
  /* JSON-RPC never answers a notification or a response, broken or not. */
  self->reply_owed = has_method ? has_id : !has_answer;

  if (!jsonrpc_message__check_version(self))
    return 0;
  if (has_method)
    jsonrpc_message__check_call(self, has_id);
  else
    jsonrpc_message__check_response(self, id, has_id);
  return 0;
}

/* Classifies the parsed self->root. Returns 0 or FACET_ENOMEM. */
static int
jsonrpc_message__classify(struct jsonrpc_message *self)
{
  if (json_object_is_type(self->root, json_type_object))
    return jsonrpc_message__classify_object(self);

  self->reply_owed = true;
  if (json_object_is_type(self->root, json_type_array))
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "batches are not supported: "
                             "LSP sends one message per frame");
  else
    jsonrpc_message__invalid(self, JSONRPC_INVALID_REQUEST,
                             "message is not a JSON object");
  return 0;
}

int
jsonrpc_message_parse(struct jsonrpc_message *self, const char *body,
                      size_t len)
{
  int rc;

  *self = (struct jsonrpc_message){ .kind = JSONRPC_INVALID };
  rc = jsonrpc_message__parse_json(self, body, len);
  if (rc == FACET_EINVAL) {
    /* The id cannot be read, so the reply goes to id null. */
    self->reply_owed = true;
    return 0;
  }
  if (rc == 0)
    rc = jsonrpc_message__classify(self);
  if (rc) {
    self->reply_owed = false;
    jsonrpc_message__invalid(self, JSONRPC_INTERNAL_ERROR,
                             "out of memory reading a message");
  }
  return rc;
}

void
jsonrpc_message_release(struct jsonrpc_message *self)
{
  json_object_put(self->id);
  json_object_put(self->root);
  *self = (struct jsonrpc_message){ .kind = JSONRPC_INVALID };
}

bool
jsonrpc_message_reply_owed(const struct jsonrpc_message *self)
{
  return self->reply_owed;
}

struct json_object *
jsonrpc_message_error_reply(const struct jsonrpc_message *self)
{
  if (self->kind != JSONRPC_INVALID || !self->reply_owed)
    return NULL;
  return jsonrpc_error_new(self->id, self->error_code, self->reason, NULL);
}

/*
 * Adds value_take to *obj under key, a string literal. If that fails, or
 * *obj is already NULL from an earlier failure, releases both and leaves
 * *obj NULL: a builder chains its additions and checks once, at the end.
 */
static void
jsonrpc__add(struct json_object **obj, const char *key,
             struct json_object *value_take)
{
  unsigned flags = JSON_C_OBJECT_ADD_KEY_IS_NEW
                   | JSON_C_OBJECT_ADD_CONSTANT_KEY;

  if (*obj && json_object_object_add_ex(*obj, key, value_take, flags) == 0)
    return;
  json_object_put(value_take);
  json_object_put(*obj);
  *obj = NULL;
}

/* As jsonrpc__add, for a value just made, where NULL means no memory. */
static void
jsonrpc__add_made(struct json_object **obj, const char *key,
                  struct json_object *made_take)
{
  if (made_take) {
    jsonrpc__add(obj, key, made_take);
    return;
  }
  json_object_put(*obj);
  *obj = NULL;
}

/* Adds a copy of id, borrowed; NULL adds null. */
static void
jsonrpc__add_id(struct json_object **obj, struct json_object *id)
{
  struct json_object *copy = NULL;

  if (id && json_object_deep_copy(id, &copy, NULL)) {
    json_object_put(*obj);
    *obj = NULL;
    return;
  }
  jsonrpc__add(obj, "id", copy);
}

/* Returns a new {"jsonrpc":"2.0"}, or NULL. */
static struct json_object *
jsonrpc__message_new(void)
{
  struct json_object *msg = json_object_new_object();

  jsonrpc__add_made(&msg, "jsonrpc", json_object_new_string("2.0"));
  return msg;
}

struct json_object *
jsonrpc_response_new(struct json_object *id, struct json_object *result_take)
{
  struct json_object *msg = jsonrpc__message_new();

  jsonrpc__add_id(&msg, id);
  jsonrpc__add(&msg, "result", result_take);
  return msg;
}

struct json_object *
jsonrpc_error_new(struct json_object *id, int code, const char *message,
                  struct json_object *data_take)
{
  struct json_object *error = json_object_new_object();
  struct json_object *msg = jsonrpc__message_new();

  jsonrpc__add_made(&error, "code", json_object_new_int(code));
  jsonrpc__add_made(&error, "message", json_object_new_string(message));
  if (data_take)
    jsonrpc__add(&error, "data", data_take);
  jsonrpc__add_id(&msg, id);
  jsonrpc__add_made(&msg, "error", error);
  return msg;
}

struct json_object *
jsonrpc_notification_new(const char *method, struct json_object *params_take)
{
  struct json_object *msg = jsonrpc__message_new();

  jsonrpc__add_made(&msg, "method", json_object_new_string(method));
  if (params_take)
    jsonrpc__add(&msg, "params", params_take);
  return msg;
}

struct json_object *
jsonrpc_request_new(struct json_object *id, const char *method,
                    struct json_object *params_take)
{
  struct json_object *msg = jsonrpc__message_new();

  jsonrpc__add_id(&msg, id);
  jsonrpc__add_made(&msg, "method", json_object_new_string(method));
  if (params_take)
    jsonrpc__add(&msg, "params", params_take);
  return msg;
}
