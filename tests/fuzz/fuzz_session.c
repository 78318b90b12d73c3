/*
 * libFuzzer target: a whole editor session. Each line of the input is one
 * JSON-RPC message handed to an initialized session, as the transport
 * would, with the analyses it starts run to completion. Edits with odd
 * ranges, requests about closed files and cancellations all go through.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <json-c/json.h>

#include "jsonrpc.h"
#include "session.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz__send(json_object *msg, void *ctx)
{
  (void)ctx;
  json_object_to_json_string(msg);
}

static void
fuzz__handle(struct session *s, const char *body, size_t len)
{
  struct jsonrpc_message msg;

  jsonrpc_message_parse(&msg, body, len);
  session_handle(s, &msg);
  jsonrpc_message_release(&msg);
  session_flush(s);
  uv_run(s->loop, UV_RUN_DEFAULT);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char init[] =
    "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":"
    "{\"capabilities\":{\"general\":{\"positionEncodings\":[\"utf-16\"]}}}}";
  const char *p = (const char *)data;
  const char *end = p + size;
  struct session s;
  uv_loop_t loop;

  uv_loop_init(&loop);
  session_init(&s, &loop, fuzz__send, NULL);
  fuzz__handle(&s, init, sizeof init - 1);
  while (p < end && !s.exit_requested) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t len = (size_t)((nl ? nl : end) - p);

    fuzz__handle(&s, p, len);
    p += len + 1;
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  session_release(&s);
  uv_loop_close(&loop);
  return 0;
}
