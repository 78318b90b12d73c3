/*
 * LSP base-protocol framing: each message is a header block, a blank line,
 * then Content-Length bytes of body.
 *
 *   Content-Length: 44\r\n
 *   \r\n
 *   {"jsonrpc":"2.0","id":1,"method":"shutdown"}
 *
 * A frame_reader is fed the byte stream in chunks of any size and calls back
 * once per complete body, or once per bad frame with the reason. Header
 * names are matched in any case; a Content-Type header is accepted when its
 * charset is utf-8 (or utf8, or absent); other headers are ignored. Header
 * lines may end in "\r\n" or a bare "\n".
 *
 * After a bad frame the reader resynchronizes and keeps going, because one
 * broken message must not cost the whole session. When the bad frame's body
 * length is known and within the cap (an unsupported charset, a malformed
 * header line next to a valid length), exactly that many bytes are
 * discarded unread. When it is not known (no Content-Length, an unreadable
 * one, a header block with no end) or is over the cap (a client claiming
 * 99999999999999 bytes sends far fewer, and counting them would swallow
 * every later message), bytes are discarded up to the next
 * "Content-Length:" in any case, where a new header block starts. The
 * search does not wait for a line start: a frame's header follows the
 * previous body directly, with no line break between.
 *
 * Limitation: that search cannot tell a real header from the same word
 * inside a discarded body, nor keeps the headers of a block before its
 * Content-Length line. A false match is reported as one more bad frame
 * and may take the frame after it down too; the stream then recovers.
 */
#ifndef FACET_PROTOCOL_FRAME_H
#define FACET_PROTOCOL_FRAME_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct json_object;

/* The body cap a server normally passes to frame_reader_init: 64 MiB. */
#define FRAME_BODY_MAX_DEFAULT ((size_t)64 * 1024 * 1024)

/* A header block longer than this, blank line included, is a bad frame. */
#define FRAME_HEADER_MAX 8192

/* Room for a bad frame's reason, terminating NUL included. */
#define FRAME_REASON_MAX 160

enum frame_error {
  FRAME_ERROR_NO_LENGTH = 1,   /* the header block has no Content-Length */
  FRAME_ERROR_BAD_LENGTH,      /* Content-Length is not a decimal number */
  FRAME_ERROR_TOO_LARGE,       /* Content-Length is over the reader's cap */
  FRAME_ERROR_HEADER_TOO_LONG, /* no blank line within FRAME_HEADER_MAX */
  FRAME_ERROR_BAD_CHARSET,     /* Content-Type names another charset */
  FRAME_ERROR_BAD_HEADER,      /* a header line has no colon */
  FRAME_ERROR_NO_MEMORY,       /* the body could not be buffered */
};

/*
 * Receives one complete body. body is borrowed for the duration of the call
 * and is followed by a NUL byte that len does not count.
 */
typedef void (*frame_body_fn)(const char *body, size_t len, void *ctx);

/*
 * Receives one bad frame: what went wrong and a human-readable reason,
 * borrowed for the duration of the call.
 */
typedef void (*frame_error_fn)(enum frame_error kind, const char *reason,
                               void *ctx);

/* Where a reader delivers its results. ctx is passed back unchanged. */
struct frame_handler {
  frame_body_fn on_body;
  frame_error_fn on_error;
  void *ctx;
};

enum frame_reader_state {
  FRAME_READER_HEADER,  /* reading header lines */
  FRAME_READER_BODY,    /* buffering a body of known length */
  FRAME_READER_DISCARD, /* dropping a bad frame's body of known length */
  FRAME_READER_RESYNC,  /* dropping bytes up to the next Content-Length */
};

/* Every field is private to frame.c. */
struct frame_reader {
  struct frame_handler handler;
  size_t body_max;
  enum frame_reader_state state;
  struct buf line;         /* the header line being read */
  struct buf body;         /* the body being read */
  size_t header_len;       /* bytes of the current header block so far */
  bool in_block;           /* a header line of this block was seen */
  bool have_length;        /* length holds a valid Content-Length */
  bool length_bad;         /* a Content-Length was unreadable or clashed */
  size_t length;           /* the frame's Content-Length */
  size_t remaining;        /* body bytes still to read or discard */
  size_t matched;          /* bytes of "content-length" matched in RESYNC */
  enum frame_error error;  /* first problem of this frame, or 0 */
  char reason[FRAME_REASON_MAX];
};

/*
 * Sets up a reader that accepts bodies of at most body_max bytes
 * (normally FRAME_BODY_MAX_DEFAULT). handler is copied. No allocation.
 */
void frame_reader_init(struct frame_reader *self,
                       const struct frame_handler *handler, size_t body_max);

/* Frees the reader's buffers; a partly read frame is dropped. */
void frame_reader_release(struct frame_reader *self);

/*
 * Consumes len bytes of the stream, borrowed for the call, calling the
 * handler for each frame they complete. Every byte is consumed: bad input
 * and even a failed allocation become bad frames, never a failure of the
 * stream. The callbacks must not call back into this reader.
 */
void frame_reader_feed(struct frame_reader *self, const char *data,
                       size_t len);

/*
 * Appends "Content-Length: <len>\r\n\r\n" and the len bytes of body,
 * borrowed, to out, and traces the body as outgoing. Returns 0,
 * FACET_ENOMEM or FACET_ELIMIT; on failure out is unchanged.
 */
int frame_encode(const char *body, size_t len, struct buf *out);

/*
 * Serializes msg, borrowed, as compact JSON and frames it as frame_encode
 * does. Returns 0, FACET_ENOMEM or FACET_ELIMIT; on failure out is
 * unchanged.
 */
int frame_encode_json(struct json_object *msg, struct buf *out);

#endif
