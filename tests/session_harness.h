/*
 * A session driven message by message, as a client would drive it, with
 * every message the client receives kept as JSON text. Shared by the
 * session tests; each test program includes it once.
 */
#ifndef FACET_TESTS_SESSION_HARNESS_H
#define FACET_TESTS_SESSION_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "jsonrpc.h"
#include "session.h"

#ifndef OUT_MAX
#define OUT_MAX 64
#endif

struct harness {
  uv_loop_t loop;
  struct session session;
  char *out[OUT_MAX];
  size_t nout;
};

static void
capture(json_object *msg, void *ctx)
{
  struct harness *h = ctx;

  assert_true(h->nout < OUT_MAX);
  h->out[h->nout++] = strdup(json_object_to_json_string_ext(
    msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int
setup(void **state)
{
  struct harness *h = calloc(1, sizeof *h);

  uv_loop_init(&h->loop);
  session_init(&h->session, &h->loop, capture, h);
  *state = h;
  return 0;
}

static int
teardown(void **state)
{
  struct harness *h = *state;

  uv_run(&h->loop, UV_RUN_DEFAULT);
  session_release(&h->session);
  uv_loop_close(&h->loop);
  for (size_t i = 0; i < h->nout; i++)
    free(h->out[i]);
  free(h);
  return 0;
}

static void
feed(struct harness *h, const char *json)
{
  struct jsonrpc_message msg;

  jsonrpc_message_parse(&msg, json, strlen(json));
  session_handle(&h->session, &msg);
  jsonrpc_message_release(&msg);
}

/* Starts queued analyses and runs the loop until they have landed. */
static void
settle(struct harness *h)
{
  session_flush(&h->session);
  uv_run(&h->loop, UV_RUN_DEFAULT);
}

/* The next message the client received, or "" if none. */
static const char *
next(struct harness *h, size_t *i)
{
  return *i < h->nout ? h->out[(*i)++] : "";
}

static void
initialize(struct harness *h, const char *encodings)
{
  char msg[512];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"file:///ws\","
           "\"capabilities\":{\"general\":{\"positionEncodings\":%s},"
           "\"textDocument\":{\"codeAction\":{\"codeActionLiteralSupport\":"
           "{\"codeActionKind\":{\"valueSet\":[\"quickfix\",\"refactor\"]}}}}}}}",
           encodings);
  feed(h, msg);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
}

/* didOpen of uri with text, a JSON string literal (quoted, escaped). */
static void
open_doc(struct harness *h, const char *uri, const char *text_json)
{
  char msg[4096];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
           "\"params\":{\"textDocument\":{\"uri\":\"%s\",\"languageId\":"
           "\"prompty\",\"version\":1,\"text\":%s}}}", uri, text_json);
  feed(h, msg);
}

#endif
