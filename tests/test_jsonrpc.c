#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <string.h>

#include "error.h"
#include "jsonrpc.h"

/* Parses text as a whole frame body; parsing itself must not fail. */
static void
parse(struct jsonrpc_message *msg, const char *text)
{
  assert_int_equal(jsonrpc_message_parse(msg, text, strlen(text)), 0);
}

/* The compact JSON of value, valid until value changes or is released. */
static const char *
json(struct json_object *value)
{
  return json_object_to_json_string_ext(value,
                                        JSON_C_TO_STRING_PLAIN
                                        | JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*
 * Checks that the len bytes of body are an invalid message with code and
 * reason, and that its error reply is reply, or that it is owed none when
 * reply is NULL.
 */
static void
check_invalid_n(const char *body, size_t len, int code, const char *reason,
                const char *reply)
{
  struct jsonrpc_message msg;
  struct json_object *answer;

  assert_int_equal(jsonrpc_message_parse(&msg, body, len), 0);
  answer = jsonrpc_message_error_reply(&msg);

  assert_int_equal(msg.kind, JSONRPC_INVALID);
  assert_int_equal(msg.error_code, code);
  assert_string_equal(msg.reason, reason);
  assert_int_equal(jsonrpc_message_reply_owed(&msg), reply != NULL);
  if (reply)
    assert_string_equal(json(answer), reply);
  else
    assert_null(answer);
  json_object_put(answer);
  jsonrpc_message_release(&msg);
}

static void
check_invalid(const char *body, int code, const char *reason,
              const char *reply)
{
  check_invalid_n(body, strlen(body), code, reason, reply);
}

static void
test_request_with_integer_id(void **state)
{
  struct jsonrpc_message msg;
  (void)state;

  parse(&msg, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
              "\"params\":{\"processId\":null}}");

  assert_int_equal(msg.kind, JSONRPC_REQUEST);
  assert_string_equal(msg.method, "initialize");
  assert_string_equal(json(msg.id), "1");
  assert_string_equal(json(msg.params), "{\"processId\":null}");
  assert_true(jsonrpc_message_reply_owed(&msg));
  assert_null(jsonrpc_message_error_reply(&msg));
  jsonrpc_message_release(&msg);
}

static void
test_request_with_string_id_and_array_params(void **state)
{
  struct jsonrpc_message msg;
  (void)state;

  parse(&msg, " {\"method\":\"x/y\",\"params\":[1,2],\"id\":\"a-1\","
              "\"jsonrpc\":\"2.0\"}\r\n");

  assert_int_equal(msg.kind, JSONRPC_REQUEST);
  assert_string_equal(msg.method, "x/y");
  assert_string_equal(json(msg.id), "\"a-1\"");
  assert_string_equal(json(msg.params), "[1,2]");
  jsonrpc_message_release(&msg);
}

static void
test_request_without_params(void **state)
{
  struct jsonrpc_message msg;
  struct jsonrpc_message null_params;
  (void)state;

  parse(&msg, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
  parse(&null_params, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\","
                      "\"params\":null}");

  assert_int_equal(msg.kind, JSONRPC_REQUEST);
  assert_null(msg.params);
  assert_int_equal(null_params.kind, JSONRPC_REQUEST);
  assert_null(null_params.params);
  jsonrpc_message_release(&msg);
  jsonrpc_message_release(&null_params);
}

static void
test_notification(void **state)
{
  struct jsonrpc_message msg;
  (void)state;

  parse(&msg, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\","
              "\"params\":{}}");

  assert_int_equal(msg.kind, JSONRPC_NOTIFICATION);
  assert_string_equal(msg.method, "initialized");
  assert_null(msg.id);
  assert_string_equal(json(msg.params), "{}");
  assert_false(jsonrpc_message_reply_owed(&msg));
  jsonrpc_message_release(&msg);
}

static void
test_responses(void **state)
{
  struct jsonrpc_message result;
  struct jsonrpc_message null_result;
  struct jsonrpc_message error;
  (void)state;

  parse(&result, "{\"jsonrpc\":\"2.0\",\"id\":\"s1\",\"result\":[true]}");
  parse(&null_result, "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":null}");
  parse(&error, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                "{\"code\":-32601,\"message\":\"no\"}}");

  assert_int_equal(result.kind, JSONRPC_RESPONSE);
  assert_string_equal(json(result.id), "\"s1\"");
  assert_string_equal(json(result.result), "[true]");
  assert_null(result.error);
  assert_false(jsonrpc_message_reply_owed(&result));
  assert_int_equal(null_result.kind, JSONRPC_RESPONSE);
  assert_null(null_result.result);
  assert_null(null_result.error);
  assert_int_equal(error.kind, JSONRPC_RESPONSE);
  assert_null(error.id);
  assert_string_equal(json(error.error),
                      "{\"code\":-32601,\"message\":\"no\"}");
  assert_null(error.method);
  jsonrpc_message_release(&result);
  jsonrpc_message_release(&null_result);
  jsonrpc_message_release(&error);
}

static void
test_id_is_an_independent_copy(void **state)
{
  struct jsonrpc_message msg;
  struct json_object *kept;
  struct json_object *inside;
  (void)state;
  parse(&msg, "{\"jsonrpc\":\"2.0\",\"id\":9007199254740993,"
              "\"method\":\"m\"}");
  json_object_object_get_ex(msg.root, "id", &inside);

  kept = json_object_get(msg.id);
  jsonrpc_message_release(&msg);

  assert_ptr_not_equal(kept, inside);
  assert_string_equal(json(kept), "9007199254740993");
  json_object_put(kept);
}

static void
test_invalid_json_is_a_parse_error(void **state)
{
  (void)state;

  check_invalid("{\"jsonrpc\":\"2.0\",", JSONRPC_PARSE_ERROR,
                "invalid JSON at byte 17: unexpected end of data",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                "\"message\":\"invalid JSON at byte 17: unexpected end of "
                "data\"}}");
  check_invalid("", JSONRPC_PARSE_ERROR,
                "invalid JSON at byte 0: unexpected end of data",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                "\"message\":\"invalid JSON at byte 0: unexpected end of "
                "data\"}}");
  check_invalid("{\"id\":1,}", JSONRPC_PARSE_ERROR,
                "invalid JSON at byte 8: unexpected character",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                "\"message\":\"invalid JSON at byte 8: unexpected "
                "character\"}}");
  check_invalid("hello", JSONRPC_PARSE_ERROR,
                "invalid JSON at byte 0: unexpected character",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                "\"message\":\"invalid JSON at byte 0: unexpected "
                "character\"}}");
}

static void
test_data_after_the_value_is_a_parse_error(void **state)
{
  static const char nul_inside[] = "{\"id\":1}\0{}";
  (void)state;

  check_invalid("{} {}", JSONRPC_PARSE_ERROR,
                "invalid JSON at byte 3: unexpected character",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                "\"message\":\"invalid JSON at byte 3: unexpected "
                "character\"}}");
  check_invalid_n(nul_inside, sizeof nul_inside - 1, JSONRPC_PARSE_ERROR,
                  "invalid JSON at byte 8: unexpected data after the value",
                  "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":"
                  "-32700,\"message\":\"invalid JSON at byte 8: unexpected "
                  "data after the value\"}}");
}

static void
test_nesting_over_the_limit_is_a_parse_error(void **state)
{
  char deep[2 * JSONRPC_DEPTH_MAX + 3];
  (void)state;
  memset(deep, '[', JSONRPC_DEPTH_MAX + 1);
  memset(deep + JSONRPC_DEPTH_MAX + 1, ']', JSONRPC_DEPTH_MAX + 1);
  deep[2 * JSONRPC_DEPTH_MAX + 2] = '\0';

  check_invalid(deep, JSONRPC_PARSE_ERROR,
                "invalid JSON at byte 64: nesting too deep",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
                "\"message\":\"invalid JSON at byte 64: nesting too "
                "deep\"}}");
}

static void
test_batch_is_rejected(void **state)
{
  (void)state;

  check_invalid("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"a\"}]",
                JSONRPC_INVALID_REQUEST,
                "batches are not supported: LSP sends one message per frame",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
                "\"message\":\"batches are not supported: LSP sends one "
                "message per frame\"}}");
}

static void
test_non_object_is_rejected(void **state)
{
  static const char reply[] =
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
    "\"message\":\"message is not a JSON object\"}}";
  (void)state;

  check_invalid("42", JSONRPC_INVALID_REQUEST,
                "message is not a JSON object", reply);
  check_invalid("\"text\"", JSONRPC_INVALID_REQUEST,
                "message is not a JSON object", reply);
  check_invalid("null", JSONRPC_INVALID_REQUEST,
                "message is not a JSON object", reply);
  check_invalid(" true ", JSONRPC_INVALID_REQUEST,
                "message is not a JSON object", reply);
}

static void
test_version_is_required(void **state)
{
  (void)state;

  check_invalid("{\"id\":7,\"method\":\"a\"}", JSONRPC_INVALID_REQUEST,
                "missing \"jsonrpc\": \"2.0\"",
                "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32600,"
                "\"message\":\"missing \\\"jsonrpc\\\": \\\"2.0\\\"\"}}");
  check_invalid("{\"jsonrpc\":\"1.0\",\"id\":\"r\",\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"",
                "{\"jsonrpc\":\"2.0\",\"id\":\"r\",\"error\":{\"code\":-32600,"
                "\"message\":\"\\\"jsonrpc\\\" must be \\\"2.0\\\"\"}}");
  check_invalid("{\"jsonrpc\":2.0,\"id\":8,\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\"",
                "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32600,"
                "\"message\":\"\\\"jsonrpc\\\" must be \\\"2.0\\\"\"}}");
}

static void
test_method_must_be_a_string(void **state)
{
  (void)state;

  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":42}",
                JSONRPC_INVALID_REQUEST, "\"method\" must be a string",
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,"
                "\"message\":\"\\\"method\\\" must be a string\"}}");
}

static void
test_id_must_be_a_string_or_an_integer(void **state)
{
  static const char reply[] =
    "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,"
    "\"message\":\"\\\"id\\\" must be a string or an integer\"}}";
  static const char reason[] = "\"id\" must be a string or an integer";
  (void)state;

  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, reason, reply);
  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, reason, reply);
  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, reason, reply);
  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, reason, reply);
  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"a\"}",
                JSONRPC_INVALID_REQUEST, reason, reply);
}

static void
test_params_must_be_structured(void **state)
{
  (void)state;

  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"a\","
                "\"params\":3}",
                JSONRPC_INVALID_REQUEST,
                "\"params\" must be an object or an array",
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32600,"
                "\"message\":\"\\\"params\\\" must be an object or an "
                "array\"}}");
}

static void
test_invalid_notification_gets_no_reply(void **state)
{
  struct jsonrpc_message msg;
  (void)state;

  parse(&msg, "{\"jsonrpc\":\"1.0\",\"method\":\"textDocument/didOpen\"}");

  assert_int_equal(msg.kind, JSONRPC_INVALID);
  assert_string_equal(msg.method, "textDocument/didOpen");
  assert_false(jsonrpc_message_reply_owed(&msg));
  assert_null(jsonrpc_message_error_reply(&msg));
  jsonrpc_message_release(&msg);

  check_invalid("{\"jsonrpc\":\"2.0\",\"method\":[]}",
                JSONRPC_INVALID_REQUEST, "\"method\" must be a string",
                NULL);
  check_invalid("{\"jsonrpc\":\"2.0\",\"method\":\"a\",\"params\":\"p\"}",
                JSONRPC_INVALID_REQUEST,
                "\"params\" must be an object or an array", NULL);
}

static void
test_invalid_response_gets_no_reply(void **state)
{
  (void)state;

  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":1,\"error\":{}}",
                JSONRPC_INVALID_REQUEST,
                "response has both \"result\" and \"error\"", NULL);
  check_invalid("{\"jsonrpc\":\"2.0\",\"result\":1}",
                JSONRPC_INVALID_REQUEST, "response has no \"id\"", NULL);
  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":false,\"result\":1}",
                JSONRPC_INVALID_REQUEST,
                "\"id\" must be a string or an integer", NULL);
  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":\"bad\"}",
                JSONRPC_INVALID_REQUEST, "\"error\" must be an object",
                NULL);
}

static void
test_object_that_is_no_message_gets_a_reply(void **state)
{
  (void)state;

  check_invalid("{\"jsonrpc\":\"2.0\",\"id\":12}", JSONRPC_INVALID_REQUEST,
                "message has no \"method\", \"result\" or \"error\"",
                "{\"jsonrpc\":\"2.0\",\"id\":12,\"error\":{\"code\":-32600,"
                "\"message\":\"message has no \\\"method\\\", \\\"result\\\" "
                "or \\\"error\\\"\"}}");
}

static void
test_error_codes(void **state)
{
  (void)state;

  assert_int_equal(JSONRPC_PARSE_ERROR, -32700);
  assert_int_equal(JSONRPC_INVALID_REQUEST, -32600);
  assert_int_equal(JSONRPC_METHOD_NOT_FOUND, -32601);
  assert_int_equal(JSONRPC_INVALID_PARAMS, -32602);
  assert_int_equal(JSONRPC_INTERNAL_ERROR, -32603);
  assert_int_equal(JSONRPC_SERVER_NOT_INITIALIZED, -32002);
  assert_int_equal(JSONRPC_REQUEST_CANCELLED, -32800);
  assert_int_equal(JSONRPC_CONTENT_MODIFIED, -32801);
  assert_int_equal(JSONRPC_REQUEST_FAILED, -32803);
}

static void
test_build_response(void **state)
{
  struct json_object *id = json_object_new_int(4);
  struct json_object *result = json_object_new_array();
  (void)state;
  json_object_array_add(result, json_object_new_string("a/b"));

  struct json_object *msg = jsonrpc_response_new(id, result);
  struct json_object *null_msg = jsonrpc_response_new(id, NULL);

  assert_string_equal(json(msg),
                      "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":[\"a/b\"]}");
  assert_string_equal(json(null_msg),
                      "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":null}");
  json_object_put(msg);
  json_object_put(null_msg);
  json_object_put(id);
}

static void
test_build_error(void **state)
{
  struct json_object *id = json_object_new_string("q");
  struct json_object *data = json_object_new_object();
  (void)state;
  json_object_object_add(data, "retry", json_object_new_boolean(1));

  struct json_object *with_data = jsonrpc_error_new(
    id, JSONRPC_REQUEST_FAILED, "could not read \"x\"", data);
  struct json_object *bare = jsonrpc_error_new(
    NULL, JSONRPC_SERVER_NOT_INITIALIZED, "not initialized", NULL);

  assert_string_equal(json(with_data),
                      "{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"error\":"
                      "{\"code\":-32803,\"message\":\"could not read "
                      "\\\"x\\\"\",\"data\":{\"retry\":true}}}");
  assert_string_equal(json(bare),
                      "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
                      "{\"code\":-32002,\"message\":\"not initialized\"}}");
  json_object_put(with_data);
  json_object_put(bare);
  json_object_put(id);
}

static void
test_build_notification(void **state)
{
  struct json_object *params = json_object_new_object();
  (void)state;
  json_object_object_add(params, "type", json_object_new_int(3));

  struct json_object *with_params =
    jsonrpc_notification_new("window/logMessage", params);
  struct json_object *bare = jsonrpc_notification_new("exit", NULL);

  assert_string_equal(json(with_params),
                      "{\"jsonrpc\":\"2.0\",\"method\":\"window/logMessage\","
                      "\"params\":{\"type\":3}}");
  assert_string_equal(json(bare), "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  json_object_put(with_params);
  json_object_put(bare);
}

static void
test_build_request(void **state)
{
  struct json_object *id = json_object_new_string("facet-1");
  struct json_object *params = json_object_new_array();
  (void)state;

  struct json_object *msg =
    jsonrpc_request_new(id, "client/registerCapability", params);

  assert_string_equal(json(msg),
                      "{\"jsonrpc\":\"2.0\",\"id\":\"facet-1\",\"method\":"
                      "\"client/registerCapability\",\"params\":[]}");
  json_object_put(msg);
  json_object_put(id);
}

static void
test_reply_to_a_parsed_request_round_trips(void **state)
{
  struct jsonrpc_message request;
  struct jsonrpc_message response;
  (void)state;
  parse(&request, "{\"jsonrpc\":\"2.0\",\"id\":\"x7\",\"method\":\"m\"}");

  struct json_object *reply = jsonrpc_response_new(request.id, NULL);
  parse(&response, json(reply));

  assert_int_equal(response.kind, JSONRPC_RESPONSE);
  assert_string_equal(json(response.id), "\"x7\"");
  jsonrpc_message_release(&request);
  jsonrpc_message_release(&response);
  json_object_put(reply);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_request_with_integer_id),
    cmocka_unit_test(test_request_with_string_id_and_array_params),
    cmocka_unit_test(test_request_without_params),
    cmocka_unit_test(test_notification),
    cmocka_unit_test(test_responses),
    cmocka_unit_test(test_id_is_an_independent_copy),
    cmocka_unit_test(test_invalid_json_is_a_parse_error),
    cmocka_unit_test(test_data_after_the_value_is_a_parse_error),
    cmocka_unit_test(test_nesting_over_the_limit_is_a_parse_error),
    cmocka_unit_test(test_batch_is_rejected),
    cmocka_unit_test(test_non_object_is_rejected),
    cmocka_unit_test(test_version_is_required),
    cmocka_unit_test(test_method_must_be_a_string),
    cmocka_unit_test(test_id_must_be_a_string_or_an_integer),
    cmocka_unit_test(test_params_must_be_structured),
    cmocka_unit_test(test_invalid_notification_gets_no_reply),
    cmocka_unit_test(test_invalid_response_gets_no_reply),
    cmocka_unit_test(test_object_that_is_no_message_gets_a_reply),
    cmocka_unit_test(test_error_codes),
    cmocka_unit_test(test_build_response),
    cmocka_unit_test(test_build_error),
    cmocka_unit_test(test_build_notification),
    cmocka_unit_test(test_build_request),
    cmocka_unit_test(test_reply_to_a_parsed_request_round_trips),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
