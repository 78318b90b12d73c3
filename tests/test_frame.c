#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "frame.h"
#include "trace.h"

/* Limit on what one test may record; far above what any test produces. */
#define RECORDER_LOG_MAX (8 * 1024 * 1024)

/* A reader whose every callback is written down, one line per event. */
struct recorder {
  struct frame_reader reader;
  struct buf log;
  bool nul_terminated; /* every body so far was followed by a NUL */
};

static const char *const kind_names[] = {
  [FRAME_ERROR_NO_LENGTH] = "NO_LENGTH",
  [FRAME_ERROR_BAD_LENGTH] = "BAD_LENGTH",
  [FRAME_ERROR_TOO_LARGE] = "TOO_LARGE",
  [FRAME_ERROR_HEADER_TOO_LONG] = "HEADER_TOO_LONG",
  [FRAME_ERROR_BAD_CHARSET] = "BAD_CHARSET",
  [FRAME_ERROR_BAD_HEADER] = "BAD_HEADER",
  [FRAME_ERROR_NO_MEMORY] = "NO_MEMORY",
};

static void
recorder_on_body(const char *body, size_t len, void *ctx)
{
  struct recorder *rec = ctx;

  rec->nul_terminated = rec->nul_terminated && body[len] == '\0';
  assert_int_equal(buf_puts(&rec->log, "body \""), 0);
  assert_int_equal(buf_append(&rec->log, body, len), 0);
  assert_int_equal(buf_puts(&rec->log, "\"\n"), 0);
}

static void
recorder_on_error(enum frame_error kind, const char *reason, void *ctx)
{
  struct recorder *rec = ctx;

  assert_int_equal(buf_printf(&rec->log, "error %s: %s\n", kind_names[kind],
                              reason), 0);
}

static void
recorder_init(struct recorder *rec, size_t body_max)
{
  struct frame_handler handler = {
    .on_body = recorder_on_body,
    .on_error = recorder_on_error,
    .ctx = rec,
  };

  frame_reader_init(&rec->reader, &handler, body_max);
  buf_init(&rec->log, RECORDER_LOG_MAX);
  rec->nul_terminated = true;
}

static void
recorder_release(struct recorder *rec)
{
  frame_reader_release(&rec->reader);
  buf_release(&rec->log);
}

/* Feeds len bytes of s in chunks of at most chunk bytes. */
static void
feed_chunks(struct recorder *rec, const char *s, size_t len, size_t chunk)
{
  for (size_t at = 0; at < len; at += chunk)
    frame_reader_feed(&rec->reader, s + at,
                      len - at < chunk ? len - at : chunk);
}

static void
feed(struct recorder *rec, const char *s)
{
  frame_reader_feed(&rec->reader, s, strlen(s));
}

/* What rec logged; an empty string when nothing happened. */
static const char *
logged(const struct recorder *rec)
{
  return rec->log.data ? rec->log.data : "";
}

/* Returns a copy of the n bytes at s followed by text, to free(). */
static char *
concat(const char *s, size_t n, const char *text)
{
  size_t len = strlen(text);
  char *out = malloc(n + len + 1);

  assert_non_null(out);
  memcpy(out, s, n);
  memcpy(out + n, text, len + 1);
  return out;
}

/* Returns n copies of c followed by text, to free(). */
static char *
repeat(char c, size_t n, const char *text)
{
  char *fill = malloc(n ? n : 1);
  char *out;

  assert_non_null(fill);
  memset(fill, c, n);
  out = concat(fill, n, text);
  free(fill);
  return out;
}

static void
test_one_frame(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 5\r\n\r\nhello");

  assert_string_equal(logged(&rec), "body \"hello\"\n");
  assert_true(rec.nul_terminated);
  recorder_release(&rec);
}

static void
test_several_frames_in_one_chunk(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 2\r\n\r\n{}"
             "Content-Length: 3\r\n\r\n[1]"
             "Content-Length: 4\r\n\r\nnull");

  assert_string_equal(logged(&rec),
                      "body \"{}\"\n"
                      "body \"[1]\"\n"
                      "body \"null\"\n");
  recorder_release(&rec);
}

static void
test_header_split_across_reads(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Le");
  feed(&rec, "ngth: 1");
  feed(&rec, "1\r");
  feed(&rec, "\n\r");
  feed(&rec, "\nhello");

  assert_string_equal(logged(&rec), "");

  feed(&rec, " world");

  assert_string_equal(logged(&rec), "body \"hello world\"\n");
  recorder_release(&rec);
}

static void
test_header_names_in_any_case(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "content-length: 1\r\n\r\na"
             "CONTENT-LENGTH: 1\r\n\r\nb"
             "CoNtEnT-LeNgTh: 1\r\n\r\nc"
             "content-type: application/vscode-jsonrpc; CHARSET=UTF-8\r\n"
             "Content-length: 1\r\n\r\nd");

  assert_string_equal(logged(&rec),
                      "body \"a\"\nbody \"b\"\nbody \"c\"\nbody \"d\"\n");
  recorder_release(&rec);
}

static void
test_bare_newlines_accepted(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 2\n\nok"
             "Content-Type: application/vscode-jsonrpc\n"
             "Content-Length: 2\r\n\nno");

  assert_string_equal(logged(&rec), "body \"ok\"\nbody \"no\"\n");
  recorder_release(&rec);
}

static void
test_content_type_utf8_accepted(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 1\r\n"
             "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
             "\r\n1"
             "Content-Type: application/vscode-jsonrpc; charset=utf8\r\n"
             "Content-Length: 1\r\n\r\n2"
             "Content-Type: application/json;charset=\"UTF-8\"\r\n"
             "Content-Length: 1\r\n\r\n3"
             "Content-Type: application/vscode-jsonrpc\r\n"
             "Content-Length: 1\r\n\r\n4"
             "Content-Type: text/plain; format=flowed ; charset = utf-8\r\n"
             "Content-Length: 1\r\n\r\n5");

  assert_string_equal(logged(&rec),
                      "body \"1\"\nbody \"2\"\nbody \"3\"\nbody \"4\"\n"
                      "body \"5\"\n");
  recorder_release(&rec);
}

static void
test_content_type_other_charset_rejected(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 5\r\n"
             "Content-Type: application/vscode-jsonrpc; charset=latin1\r\n"
             "\r\nhello"
             "Content-Type: text/plain; charset=\"utf-16\"\r\n"
             "Content-Length: 2\r\n\r\nhi"
             "Content-Length: 2\r\n\r\nok");

  assert_string_equal(logged(&rec),
                      "error BAD_CHARSET: unsupported charset \"latin1\" "
                      "in Content-Type\n"
                      "error BAD_CHARSET: unsupported charset \"utf-16\" "
                      "in Content-Type\n"
                      "body \"ok\"\n");
  recorder_release(&rec);
}

static void
test_unknown_headers_ignored(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "X-Request-Tag: 17\r\n"
             "Content-Length: 2\r\n"
             "Accept:\r\n"
             "\r\nok");

  assert_string_equal(logged(&rec), "body \"ok\"\n");
  recorder_release(&rec);
}

static void
test_zero_length_body(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 0\r\n\r\nContent-Length: 1\r\n\r\nx");

  assert_string_equal(logged(&rec), "body \"\"\nbody \"x\"\n");
  assert_true(rec.nul_terminated);
  recorder_release(&rec);
}

static void
test_blank_lines_between_frames_ignored(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "\r\n\nContent-Length: 1\r\n\r\na\r\n\r\n"
             "Content-Length: 1\r\n\r\nb");

  assert_string_equal(logged(&rec), "body \"a\"\nbody \"b\"\n");
  recorder_release(&rec);
}

static void
test_missing_length(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Type: application/vscode-jsonrpc\r\n\r\n"
             "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}"
             "Content-Length: 2\r\n\r\nok");

  assert_string_equal(logged(&rec),
                      "error NO_LENGTH: header block has no Content-Length\n"
                      "body \"ok\"\n");
  recorder_release(&rec);
}

/* One bad Content-Length value, then a good frame that must still come. */
static void
check_bad_length(const char *value, const char *expected)
{
  struct recorder rec;
  char stream[256];
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);
  snprintf(stream, sizeof stream,
           "Content-Length: %s\r\n\r\n{}Content-Length: 2\r\n\r\nok", value);

  feed(&rec, stream);

  assert_string_equal(logged(&rec), expected);
  recorder_release(&rec);
}

static void
test_length_not_a_number(void **state)
{
  (void)state;

  check_bad_length("12abc", "error BAD_LENGTH: invalid Content-Length "
                   "\"12abc\": not a decimal number\nbody \"ok\"\n");
  check_bad_length("-1", "error BAD_LENGTH: invalid Content-Length "
                   "\"-1\": not a decimal number\nbody \"ok\"\n");
  check_bad_length("+2", "error BAD_LENGTH: invalid Content-Length "
                   "\"+2\": not a decimal number\nbody \"ok\"\n");
  check_bad_length("0x10", "error BAD_LENGTH: invalid Content-Length "
                   "\"0x10\": not a decimal number\nbody \"ok\"\n");
  check_bad_length("1 2", "error BAD_LENGTH: invalid Content-Length "
                   "\"1 2\": not a decimal number\nbody \"ok\"\n");
  check_bad_length("", "error BAD_LENGTH: invalid Content-Length "
                   "\"\": not a decimal number\nbody \"ok\"\n");
  check_bad_length("2\"\x01", "error BAD_LENGTH: invalid Content-Length "
                   "\"2??\": not a decimal number\nbody \"ok\"\n");
}

static void
test_length_overflow(void **state)
{
  (void)state;

  check_bad_length("99999999999999999999999",
                   "error BAD_LENGTH: invalid Content-Length "
                   "\"99999999999999999999999\": too large\nbody \"ok\"\n");
  check_bad_length("18446744073709551616",
                   "error BAD_LENGTH: invalid Content-Length "
                   "\"18446744073709551616\": too large\nbody \"ok\"\n");
  check_bad_length("999999999999999999999999999999999999999",
                   "error BAD_LENGTH: invalid Content-Length "
                   "\"99999999999999999999999999999999...\": too large\n"
                   "body \"ok\"\n");
}

static void
test_length_spaces_trimmed(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length:   12  \r\n\r\nhello world!"
             "Content-Length:\t2\t\r\n\r\nok"
             "Content-Length :2\r\n\r\nno");

  assert_string_equal(logged(&rec),
                      "body \"hello world!\"\nbody \"ok\"\nbody \"no\"\n");
  recorder_release(&rec);
}

static void
test_conflicting_lengths(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 2\r\nContent-Length: 2\r\n\r\nok"
             "Content-Length: 5\r\nContent-Length: 7\r\n\r\nhello"
             "Content-Length: 2\r\n\r\nhi");

  assert_string_equal(logged(&rec),
                      "body \"ok\"\n"
                      "error BAD_LENGTH: conflicting Content-Length "
                      "headers: 5 and 7\n"
                      "body \"hi\"\n");
  recorder_release(&rec);
}

/* A length over the cap is not counted off: the client seldom sends that
 * much, so the reader looks for the next header block, and the messages
 * after it are read (before, all of them were swallowed as its body). */
static void
test_length_over_cap_resynchronizes(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 99999999999999\r\n\r\n"
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"shutdown\"}");
  feed(&rec, "content-length: 2\r\n\r\nok");
  feed(&rec, "Content-Length: 3\r\n\r\nyes");

  assert_string_equal(logged(&rec),
                      "error TOO_LARGE: body of 99999999999999 bytes "
                      "exceeds the limit of 67108864 bytes\n"
                      "body \"ok\"\n"
                      "body \"yes\"\n");
  recorder_release(&rec);
}

/* The word without its colon, in a discarded body, is not a header. */
static void
test_resync_needs_the_colon(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, 16);

  feed(&rec, "Content-Length: 24\r\n\r\n{\"content-length\" 1}\r\n\r\nX"
             "Content-Length: 2\r\n\r\nok");

  assert_string_equal(logged(&rec),
                      "error TOO_LARGE: body of 24 bytes exceeds the limit "
                      "of 16 bytes\n"
                      "body \"ok\"\n");
  recorder_release(&rec);
}

static void
test_large_body_memory_is_freed_after_use(void **state)
{
  size_t len = 2 * 1024 * 1024;
  char *body = repeat('x', len, "");
  struct recorder rec;
  char header[64];
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);
  snprintf(header, sizeof header, "Content-Length: %zu\r\n\r\n", len);

  feed(&rec, header);
  feed(&rec, body);

  assert_int_equal(rec.log.len, len + strlen("body \"\"\n"));
  assert_null(rec.reader.body.data);
  free(body);
  recorder_release(&rec);
}

static void
test_header_line_without_colon(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 2\r\nhello there\r\n\r\nhi"
             "Content-Length: 2\r\n\r\nok");

  assert_string_equal(logged(&rec),
                      "error BAD_HEADER: malformed header line "
                      "\"hello there\": no colon\n"
                      "body \"ok\"\n");
  recorder_release(&rec);
}

static void
test_header_too_long_without_newline(void **state)
{
  struct recorder rec;
  char *stream = repeat('a', 9000, "Content-Length: 2\r\n\r\nok");
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, stream);

  assert_string_equal(logged(&rec),
                      "error HEADER_TOO_LONG: header block exceeds 8192 "
                      "bytes without a blank line\n"
                      "body \"ok\"\n");
  free(stream);
  recorder_release(&rec);
}

static void
test_header_too_long_in_many_lines(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: 2\r\n");
  for (int i = 0; i < 1000; i++)
    feed(&rec, "X-Pad: 12\r\n");
  feed(&rec, "\r\nhiContent-Length: 2\r\n\r\nok");

  assert_string_equal(logged(&rec),
                      "error HEADER_TOO_LONG: header block exceeds 8192 "
                      "bytes without a blank line\n"
                      "body \"ok\"\n");
  recorder_release(&rec);
}

static void
test_header_at_limit_accepted(void **state)
{
  static const char head[] = "Content-Length: 2\r\nX-Pad: ";
  static const char tail[] = "\r\n\r\n";
  size_t pad = FRAME_HEADER_MAX - (sizeof head - 1) - (sizeof tail - 1);
  char *fill = repeat('p', pad, "\r\n\r\nok");
  char *stream = concat(head, sizeof head - 1, fill);
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, stream);

  assert_int_equal(strlen(stream), FRAME_HEADER_MAX + 2);
  assert_string_equal(logged(&rec), "body \"ok\"\n");
  free(fill);
  free(stream);
  recorder_release(&rec);
}

static void
test_resync_marker_split_across_reads(void **state)
{
  struct recorder rec;
  (void)state;
  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);

  feed(&rec, "Content-Length: x\r\n\r\n{\"a\":1}Content-Le");
  feed(&rec, "nGTH: 2\r\n\r\nok");

  assert_string_equal(logged(&rec),
                      "error BAD_LENGTH: invalid Content-Length \"x\": not "
                      "a decimal number\n"
                      "body \"ok\"\n");
  recorder_release(&rec);
}

/* Every kind of good and bad frame, back to back. */
static const char mixed_stream[] =
  "Content-Length: 5\r\n\r\nfirst"
  "garbage\r\nContent-Length: 3\r\n\r\nbad"
  "\r\n"
  "content-length: 6\n\nsecond"
  "Content-Type: a/b; charset=ebcdic\r\nContent-Length: 2\r\n\r\nno"
  "X-Only: header\r\n\r\n{\"lost\":true}"
  "Content-Length: 12abc\r\n\r\n{}"
  "Content-Length: 40\r\n\r\n0123456789012345678901234567890123456789"
  "CONTENT-LENGTH: 0\r\n\r\n"
  "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n"
  "Content-Length: 5\r\n\r\nthird";

static const char mixed_expected[] =
  "body \"first\"\n"
  "error BAD_HEADER: malformed header line \"garbage\": no colon\n"
  "body \"second\"\n"
  "error BAD_CHARSET: unsupported charset \"ebcdic\" in Content-Type\n"
  "error NO_LENGTH: header block has no Content-Length\n"
  "error BAD_LENGTH: invalid Content-Length \"12abc\": not a decimal "
  "number\n"
  "error TOO_LARGE: body of 40 bytes exceeds the limit of 32 bytes\n"
  "body \"\"\n"
  "body \"third\"\n";

static void
test_any_chunking_gives_the_same_frames(void **state)
{
  size_t len = sizeof mixed_stream - 1;
  (void)state;

  for (size_t chunk = 1; chunk <= len; chunk++) {
    struct recorder rec;
    recorder_init(&rec, 32);

    feed_chunks(&rec, mixed_stream, len, chunk);

    assert_string_equal(logged(&rec), mixed_expected);
    assert_true(rec.nul_terminated);
    recorder_release(&rec);
  }
}

static void
test_encode_body(void **state)
{
  struct buf out;
  (void)state;
  buf_init(&out, 1024);
  buf_puts(&out, "before|");

  int rc = frame_encode("{\"a\":1}", 7, &out);

  assert_int_equal(rc, 0);
  assert_string_equal(out.data, "before|Content-Length: 7\r\n\r\n{\"a\":1}");
  buf_release(&out);
}

static void
test_encode_json(void **state)
{
  struct json_object *msg = json_object_new_object();
  struct buf out;
  (void)state;
  json_object_object_add(msg, "path", json_object_new_string("a/b é"));
  buf_init(&out, 1024);

  int rc = frame_encode_json(msg, &out);

  assert_int_equal(rc, 0);
  assert_string_equal(out.data,
                      "Content-Length: 17\r\n\r\n{\"path\":\"a/b é\"}");
  json_object_put(msg);
  buf_release(&out);
}

static void
test_encode_over_limit_leaves_buffer_unchanged(void **state)
{
  struct buf out;
  (void)state;
  buf_init(&out, 24);
  buf_puts(&out, "kept");

  int rc = frame_encode("0123456789", 10, &out);

  assert_int_equal(rc, FACET_ELIMIT);
  assert_string_equal(out.data, "kept");
  buf_release(&out);
}

/* Runs fn with stderr sent to a file; returns what was written, to free. */
static char *
capture_stderr(void (*fn)(void))
{
  FILE *file = tmpfile();
  int saved = dup(STDERR_FILENO);
  char *text = calloc(1, 8192);

  assert_non_null(file);
  assert_non_null(text);
  fflush(stderr);
  dup2(fileno(file), STDERR_FILENO);
  fn();
  fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);

  rewind(file);
  assert_true(fread(text, 1, 8191, file) < 8191);
  fclose(file);
  return text;
}

static void
trace_two_frames(void)
{
  struct recorder rec;
  struct buf out;

  recorder_init(&rec, FRAME_BODY_MAX_DEFAULT);
  buf_init(&out, 1024);
  trace_set_enabled(true);
  feed(&rec, "Content-Length: 2\r\n\r\n{}");
  frame_encode("[1]", 3, &out);
  trace_set_enabled(false);
  feed(&rec, "Content-Length: 2\r\n\r\nno");
  buf_release(&out);
  recorder_release(&rec);
}

static void
test_trace_writes_both_directions(void **state)
{
  (void)state;

  char *text = capture_stderr(trace_two_frames);

  assert_string_equal(text, "<<< {}\n>>> [1]\n");
  free(text);
}

static void
trace_long_frame(void)
{
  char *body = repeat('x', TRACE_BODY_MAX + 904, "");

  trace_set_enabled(true);
  trace_frame(TRACE_OUTGOING, body, strlen(body));
  trace_set_enabled(false);
  free(body);
}

static void
test_trace_truncates_long_frames(void **state)
{
  char *expected = repeat('x', TRACE_BODY_MAX, " ... (904 more bytes)\n");
  char *line = concat(">>> ", 4, expected);
  (void)state;

  char *text = capture_stderr(trace_long_frame);

  assert_string_equal(text, line);
  free(text);
  free(line);
  free(expected);
}

static void
test_trace_switch_from_environment(void **state)
{
  (void)state;

  setenv("FACET_TRACE", "1", 1);
  trace_init();
  assert_true(trace_enabled());

  setenv("FACET_TRACE", "0", 1);
  trace_init();
  assert_false(trace_enabled());

  unsetenv("FACET_TRACE");
  trace_init();
  assert_false(trace_enabled());
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_one_frame),
    cmocka_unit_test(test_several_frames_in_one_chunk),
    cmocka_unit_test(test_header_split_across_reads),
    cmocka_unit_test(test_header_names_in_any_case),
    cmocka_unit_test(test_bare_newlines_accepted),
    cmocka_unit_test(test_content_type_utf8_accepted),
    cmocka_unit_test(test_content_type_other_charset_rejected),
    cmocka_unit_test(test_unknown_headers_ignored),
    cmocka_unit_test(test_zero_length_body),
    cmocka_unit_test(test_blank_lines_between_frames_ignored),
    cmocka_unit_test(test_missing_length),
    cmocka_unit_test(test_length_not_a_number),
    cmocka_unit_test(test_length_overflow),
    cmocka_unit_test(test_length_spaces_trimmed),
    cmocka_unit_test(test_conflicting_lengths),
    cmocka_unit_test(test_length_over_cap_resynchronizes),
    cmocka_unit_test(test_resync_needs_the_colon),
    cmocka_unit_test(test_large_body_memory_is_freed_after_use),
    cmocka_unit_test(test_header_line_without_colon),
    cmocka_unit_test(test_header_too_long_without_newline),
    cmocka_unit_test(test_header_too_long_in_many_lines),
    cmocka_unit_test(test_header_at_limit_accepted),
    cmocka_unit_test(test_resync_marker_split_across_reads),
    cmocka_unit_test(test_any_chunking_gives_the_same_frames),
    cmocka_unit_test(test_encode_body),
    cmocka_unit_test(test_encode_json),
    cmocka_unit_test(test_encode_over_limit_leaves_buffer_unchanged),
    cmocka_unit_test(test_trace_writes_both_directions),
    cmocka_unit_test(test_trace_truncates_long_frames),
    cmocka_unit_test(test_trace_switch_from_environment),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
