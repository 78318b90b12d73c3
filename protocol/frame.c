#include "frame.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "trace.h"

/* The header that starts every frame, with its colon (no white space may
 * come before it): RESYNC looks for it in any case. */
static const char frame__marker[] = "content-length:";
#define FRAME__MARKER_LEN (sizeof frame__marker - 1)

/* A body buffer grown past this is freed after use rather than kept. */
#define FRAME__BODY_KEEP_MAX ((size_t)1024 * 1024)

/* Longest piece of a bad header quoted in a reason, before "...". */
#define FRAME__QUOTE_MAX 32

static char
frame__lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether the n bytes at s spell the lower-case word, in any case. */
static bool
frame__is(const char *s, size_t n, const char *word)
{
  size_t i;

  for (i = 0; i < n && word[i]; i++)
    if (frame__lower(s[i]) != word[i])
      return false;
  return i == n && word[i] == '\0';
}

/* Narrows *s, *n to drop leading and trailing spaces and tabs. */
static void
frame__trim(const char **s, size_t *n)
{
  while (*n > 0 && (**s == ' ' || **s == '\t')) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
    (*n)--;
}

/*
 * Copies a short, printable sample of untrusted bytes into out, which has
 * room for FRAME__QUOTE_MAX + 4 bytes, so a reason can quote bad input
 * without passing control bytes or quotes on to a log.
 */
static void
frame__quote(char *out, const char *s, size_t n)
{
  size_t shown = n < FRAME__QUOTE_MAX ? n : FRAME__QUOTE_MAX;
  size_t i;

  for (i = 0; i < shown; i++) {
    unsigned char c = (unsigned char)s[i];

    out[i] = c < 0x20 || c > 0x7e || c == '"' || c == '\\' ? '?' : (char)c;
  }
  if (shown < n) {
    memcpy(out + i, "...", 3);
    i += 3;
  }
  out[i] = '\0';
}

/*
 * Reads the n bytes at s as a decimal number. Returns 0, FACET_EINVAL if a
 * byte is not a digit (or there are none), or FACET_ELIMIT if the number
 * does not fit in a size_t.
 */
static int
frame__parse_size(const char *s, size_t n, size_t *out)
{
  size_t value = 0;
  bool overflow = false;

  if (n == 0)
    return FACET_EINVAL;
  for (size_t i = 0; i < n; i++) {
    unsigned digit = (unsigned char)s[i] - '0';

    if (digit > 9)
      return FACET_EINVAL;
    if (value > (SIZE_MAX - digit) / 10)
      overflow = true;
    value = value * 10 + digit;
  }
  if (overflow)
    return FACET_ELIMIT;
  *out = value;
  return 0;
}

/* Forgets everything about the current frame and enters state. */
static void
frame_reader__enter(struct frame_reader *self, enum frame_reader_state state)
{
  self->state = state;
  buf_clear(&self->line);
  self->header_len = 0;
  self->in_block = false;
  self->have_length = false;
  self->length_bad = false;
  self->length = 0;
  self->remaining = 0;
  self->matched = 0;
  self->error = 0;
  self->reason[0] = '\0';
}

void
frame_reader_init(struct frame_reader *self,
                  const struct frame_handler *handler, size_t body_max)
{
  self->handler = *handler;
  self->body_max = body_max;
  buf_init(&self->line, FRAME_HEADER_MAX);
  buf_init(&self->body, body_max);
  frame_reader__enter(self, FRAME_READER_HEADER);
}

void
frame_reader_release(struct frame_reader *self)
{
  buf_release(&self->line);
  buf_release(&self->body);
  frame_reader__enter(self, FRAME_READER_HEADER);
}

/* Records the frame's problem; only the first one of a frame is kept. */
static void frame_reader__fail(struct frame_reader *self,
                               enum frame_error kind, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void
frame_reader__fail(struct frame_reader *self, enum frame_error kind,
                   const char *fmt, ...)
{
  va_list ap;

  if (self->error)
    return;
  self->error = kind;
  va_start(ap, fmt);
  vsnprintf(self->reason, sizeof self->reason, fmt, ap);
  va_end(ap);
}

/*
 * Reports the frame's problem and moves past the frame: over its body when
 * a body follows and its length is known, else to the next Content-Length.
 * A length over the cap is not trusted to count by: a client that claims
 * one seldom sends that much, and counting would drop every later message.
 */
static void
frame_reader__reject(struct frame_reader *self, bool body_follows)
{
  bool skip_body = body_follows && self->have_length && !self->length_bad &&
                   self->length <= self->body_max;
  size_t length = self->length;

  if (self->handler.on_error)
    self->handler.on_error(self->error, self->reason, self->handler.ctx);

  if (!skip_body) {
    frame_reader__enter(self, FRAME_READER_RESYNC);
    return;
  }
  frame_reader__enter(self, length ? FRAME_READER_DISCARD
                                   : FRAME_READER_HEADER);
  self->remaining = length;
}

static void
frame_reader__deliver(struct frame_reader *self)
{
  trace_frame(TRACE_INCOMING, self->body.data, self->body.len);
  if (self->handler.on_body)
    self->handler.on_body(self->body.data, self->body.len,
                          self->handler.ctx);

  /* One huge message should not pin its memory for the whole session. */
  if (self->body.cap > FRAME__BODY_KEEP_MAX)
    buf_release(&self->body);
  else
    buf_clear(&self->body);
  frame_reader__enter(self, FRAME_READER_HEADER);
}

static void
frame_reader__length(struct frame_reader *self, const char *s, size_t n)
{
  char sample[FRAME__QUOTE_MAX + 4];
  size_t value;
  int rc = frame__parse_size(s, n, &value);

  if (rc) {
    frame__quote(sample, s, n);
    frame_reader__fail(self, FRAME_ERROR_BAD_LENGTH,
                       "invalid Content-Length \"%s\": %s", sample,
                       rc == FACET_ELIMIT ? "too large"
                                          : "not a decimal number");
    self->length_bad = true;
    return;
  }
  if (self->have_length && value != self->length) {
    frame_reader__fail(self, FRAME_ERROR_BAD_LENGTH,
                       "conflicting Content-Length headers: %zu and %zu",
                       self->length, value);
    self->length_bad = true;
    return;
  }

  self->have_length = true;
  self->length = value;
  if (value > self->body_max)
    frame_reader__fail(self, FRAME_ERROR_TOO_LARGE,
                       "body of %zu bytes exceeds the limit of %zu bytes",
                       value, self->body_max);
}

/* Checks one "name=value" parameter of a Content-Type header. */
static void
frame_reader__type_param(struct frame_reader *self, const char *s, size_t n)
{
  char sample[FRAME__QUOTE_MAX + 4];
  const char *eq = memchr(s, '=', n);
  const char *name = s;
  const char *value;
  size_t name_len;
  size_t value_len;

  if (!eq)
    return;
  name_len = (size_t)(eq - s);
  frame__trim(&name, &name_len);
  if (!frame__is(name, name_len, "charset"))
    return;

  value = eq + 1;
  value_len = n - (size_t)(value - s);
  frame__trim(&value, &value_len);
  if (value_len >= 2 && value[0] == '"' && value[value_len - 1] == '"') {
    value++;
    value_len -= 2;
  }
  if (frame__is(value, value_len, "utf-8")
      || frame__is(value, value_len, "utf8"))
    return;

  frame__quote(sample, value, value_len);
  frame_reader__fail(self, FRAME_ERROR_BAD_CHARSET,
                     "unsupported charset \"%s\" in Content-Type", sample);
}

/* Checks the parameters that follow the media type, each after a ';'. */
static void
frame_reader__type(struct frame_reader *self, const char *s, size_t n)
{
  const char *end = s + n;
  const char *semi = memchr(s, ';', n);

  while (semi) {
    const char *param = semi + 1;
    const char *next = memchr(param, ';', (size_t)(end - param));

    frame_reader__type_param(self, param,
                             (size_t)((next ? next : end) - param));
    semi = next;
  }
}

/* Handles one non-blank header line, without its line terminator. */
static void
frame_reader__field(struct frame_reader *self, const char *s, size_t n)
{
  char sample[FRAME__QUOTE_MAX + 4];
  const char *colon = memchr(s, ':', n);
  const char *name = s;
  const char *value;
  size_t name_len;
  size_t value_len;

  if (!colon) {
    frame__quote(sample, s, n);
    frame_reader__fail(self, FRAME_ERROR_BAD_HEADER,
                       "malformed header line \"%s\": no colon", sample);
    return;
  }
  name_len = (size_t)(colon - s);
  value = colon + 1;
  value_len = n - name_len - 1;
  frame__trim(&name, &name_len);
  frame__trim(&value, &value_len);

  if (frame__is(name, name_len, "content-length"))
    frame_reader__length(self, value, value_len);
  else if (frame__is(name, name_len, "content-type"))
    frame_reader__type(self, value, value_len);
}

/* The blank line ended the header block: start on the body. */
static void
frame_reader__end_block(struct frame_reader *self)
{
  if (!self->have_length && !self->length_bad)
    frame_reader__fail(self, FRAME_ERROR_NO_LENGTH,
                       "header block has no Content-Length");
  if (!self->error && buf_reserve(&self->body, self->length))
    frame_reader__fail(self, FRAME_ERROR_NO_MEMORY,
                       "out of memory for a body of %zu bytes",
                       self->length);
  if (self->error) {
    frame_reader__reject(self, true);
    return;
  }

  self->state = FRAME_READER_BODY;
  self->remaining = self->length;
  if (self->remaining == 0)
    frame_reader__deliver(self);
}

/* Handles the header line now complete in self->line. */
static void
frame_reader__line(struct frame_reader *self)
{
  const char *s = self->line.data;
  size_t n = self->line.len;

  if (n > 0 && s[n - 1] == '\r')
    n--;
  if (n > 0) {
    self->in_block = true;
    frame_reader__field(self, s, n);
    buf_clear(&self->line);
    return;
  }

  buf_clear(&self->line);
  if (self->in_block)
    frame_reader__end_block(self);
  else
    self->header_len = 0; /* a blank line between frames: skip it */
}

static size_t
frame_reader__header(struct frame_reader *self, const char *data, size_t len)
{
  const char *nl = memchr(data, '\n', len);
  size_t piece = nl ? (size_t)(nl - data) + 1 : len;
  size_t room = FRAME_HEADER_MAX - self->header_len;

  if (piece > room) {
    frame_reader__fail(self, FRAME_ERROR_HEADER_TOO_LONG,
                       "header block exceeds %d bytes without a blank line",
                       FRAME_HEADER_MAX);
    frame_reader__reject(self, false);
    return room;
  }

  self->header_len += piece;
  if (buf_append(&self->line, data, nl ? piece - 1 : piece)) {
    frame_reader__fail(self, FRAME_ERROR_NO_MEMORY,
                       "out of memory reading a header line");
    frame_reader__reject(self, false);
  } else if (nl) {
    frame_reader__line(self);
  }
  return piece;
}

static size_t
frame_reader__body(struct frame_reader *self, const char *data, size_t len)
{
  size_t n = len < self->remaining ? len : self->remaining;

  /* Cannot fail: end_block reserved room for the whole body. */
  (void)buf_append(&self->body, data, n);
  self->remaining -= n;
  if (self->remaining == 0)
    frame_reader__deliver(self);
  return n;
}

static size_t
frame_reader__discard(struct frame_reader *self, size_t len)
{
  size_t n = len < self->remaining ? len : self->remaining;

  self->remaining -= n;
  if (self->remaining == 0)
    frame_reader__enter(self, FRAME_READER_HEADER);
  return n;
}

static size_t
frame_reader__resync(struct frame_reader *self, const char *data, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    char c = frame__lower(data[i]);

    /* The marker's first letter occurs nowhere else in it. */
    if (c == frame__marker[self->matched])
      self->matched++;
    else
      self->matched = c == frame__marker[0];
    if (self->matched < FRAME__MARKER_LEN)
      continue;

    /* The marker found is the first line of a new header block. */
    frame_reader__enter(self, FRAME_READER_HEADER);
    self->header_len = FRAME__MARKER_LEN;
    if (buf_append(&self->line, frame__marker, FRAME__MARKER_LEN)) {
      frame_reader__fail(self, FRAME_ERROR_NO_MEMORY,
                         "out of memory reading a header line");
      frame_reader__reject(self, false);
    }
    return i + 1;
  }
  return len;
}

/* Consumes bytes for the current state; returns how many it took. */
static size_t
frame_reader__step(struct frame_reader *self, const char *data, size_t len)
{
  switch (self->state) {
  case FRAME_READER_HEADER:
    return frame_reader__header(self, data, len);
  case FRAME_READER_BODY:
    return frame_reader__body(self, data, len);
  case FRAME_READER_DISCARD:
    return frame_reader__discard(self, len);
  case FRAME_READER_RESYNC:
    return frame_reader__resync(self, data, len);
  }
  fprintf(stderr, "%s:%d: impossible frame reader state %d\n", __FILE__,
          __LINE__, (int)self->state);
  abort();
}

void
frame_reader_feed(struct frame_reader *self, const char *data, size_t len)
{
  /* A step may take no bytes, but then it has changed state. */
  while (len > 0) {
    size_t used = frame_reader__step(self, data, len);

    data += used;
    len -= used;
  }
}

int
frame_encode(const char *body, size_t len, struct buf *out)
{
  char header[48];
  int n = snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n",
                   len);
  int rc;

  /* Reserving for both parts first means no append can fail halfway. */
  rc = buf_reserve(out, (size_t)n + len);
  if (rc)
    return rc;
  (void)buf_append(out, header, (size_t)n);
  (void)buf_append(out, body, len);
  trace_frame(TRACE_OUTGOING, body, len);
  return 0;
}

int
frame_encode_json(struct json_object *msg, struct buf *out)
{
  int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;
  size_t len;
  const char *text = json_object_to_json_string_length(msg, flags, &len);

  if (!text)
    return FACET_ENOMEM;
  return frame_encode(text, len, out);
}
