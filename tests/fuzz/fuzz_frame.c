/*
 * libFuzzer target for the frame reader and the JSON-RPC parser behind it.
 *
 * The first two bytes of the input seed the sizes of the chunks the rest
 * is cut into; the rest is the byte stream. Each body is parsed as JSON-RPC
 * and any error reply it is owed is built and framed. The same stream is
 * also fed whole to a second reader: both must report exactly the same
 * events, because chunking must never change what a reader sees. Each body
 * must also survive frame_encode and a fresh reader unchanged.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "frame.h"
#include "jsonrpc.h"

/* A small cap, so that short inputs reach the over-the-cap path too. */
#define FUZZ_BODY_MAX 4096

/* Room for the events of one input; far above what one input can make. */
#define FUZZ_EVENTS_MAX ((size_t)64 * 1024 * 1024)

/* Stops the run with a crash libFuzzer reports, keeping the input. */
static void
fuzz__check(int ok)
{
  if (!ok)
    abort();
}

/* Receives the single body of a re-encoded frame. */
static void
fuzz__on_copy(const char *body, size_t len, void *ctx)
{
  struct buf *copy = ctx;

  fuzz__check(copy->len == 0);
  fuzz__check(buf_append(copy, body, len) == 0);
}

/* Frames body again and reads it back through a fresh reader. */
static void
fuzz__round_trip(const char *body, size_t len)
{
  struct frame_handler handler = { .on_body = fuzz__on_copy };
  struct frame_reader reader;
  struct buf framed;
  struct buf copy;

  buf_init(&framed, FUZZ_BODY_MAX + 64);
  buf_init(&copy, FUZZ_BODY_MAX);
  handler.ctx = &copy;
  frame_reader_init(&reader, &handler, FUZZ_BODY_MAX);

  fuzz__check(frame_encode(body, len, &framed) == 0);
  frame_reader_feed(&reader, framed.data, framed.len);
  fuzz__check(copy.len == len && memcmp(copy.data, body, len) == 0);

  frame_reader_release(&reader);
  buf_release(&framed);
  buf_release(&copy);
}

/* Parses a body and answers it as a server would. */
static void
fuzz__on_body(const char *body, size_t len, void *ctx)
{
  struct buf *events = ctx;
  struct jsonrpc_message msg;
  struct json_object *reply;
  struct buf out;

  fuzz__check(body[len] == '\0');
  fuzz__round_trip(body, len);
  fuzz__check(jsonrpc_message_parse(&msg, body, len) == 0);
  reply = jsonrpc_message_error_reply(&msg);
  fuzz__check((reply != NULL) == (msg.kind == JSONRPC_INVALID
                                  && jsonrpc_message_reply_owed(&msg)));
  buf_init(&out, FUZZ_EVENTS_MAX);
  if (reply)
    fuzz__check(frame_encode_json(reply, &out) == 0);

  buf_printf(events, "body %zu %d %d ", len, (int)msg.kind, msg.error_code);
  buf_append(events, body, len);
  buf_putc(events, '\n');

  buf_release(&out);
  json_object_put(reply);
  jsonrpc_message_release(&msg);
}

static void
fuzz__on_error(enum frame_error kind, const char *reason, void *ctx)
{
  struct buf *events = ctx;

  buf_printf(events, "error %d %s\n", (int)kind, reason);
}

/* Feeds the stream to a reader in one piece, or in pieces when seed != 0. */
static void
fuzz__read(const uint8_t *data, size_t len, uint32_t seed,
           struct buf *events)
{
  struct frame_handler handler = {
    .on_body = fuzz__on_body,
    .on_error = fuzz__on_error,
    .ctx = events,
  };
  struct frame_reader reader;
  size_t at = 0;

  frame_reader_init(&reader, &handler, FUZZ_BODY_MAX);
  while (at < len) {
    size_t chunk = len - at;

    if (seed) {
      /* A small linear congruential generator is random enough here. */
      seed = seed * 1103515245u + 12345u;
      chunk = 1 + (seed >> 16) % (chunk < 64 ? chunk : 64);
    }
    frame_reader_feed(&reader, (const char *)data + at, chunk);
    at += chunk;
  }
  frame_reader_release(&reader);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct buf whole;
  struct buf pieces;
  uint32_t seed;

  if (size < 2)
    return 0;
  seed = ((uint32_t)data[0] << 8 | data[1]) + 1;
  buf_init(&whole, FUZZ_EVENTS_MAX);
  buf_init(&pieces, FUZZ_EVENTS_MAX);

  fuzz__read(data + 2, size - 2, 0, &whole);
  fuzz__read(data + 2, size - 2, seed, &pieces);
  fuzz__check(whole.len == pieces.len
              && (whole.len == 0
                  || memcmp(whole.data, pieces.data, whole.len) == 0));

  buf_release(&whole);
  buf_release(&pieces);
  return 0;
}
