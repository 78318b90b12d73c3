#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <string.h>

#include "position.h"
#include "utf8.h"

#define UTF8 POSITION_UTF8
#define UTF16 POSITION_UTF16
#define UTF32 POSITION_UTF32

/* The longest line the property test builds, in bytes. */
#define RANDOM_LINE_MAX 512

static enum position_encoding
negotiate(const char *capabilities)
{
  struct json_object *caps = json_tokener_parse(capabilities);
  enum position_encoding chosen = position_encoding_negotiate(caps);

  json_object_put(caps);
  return chosen;
}

/*
 * Checks both conversions over every column of line, one past its end
 * included: units[b] is the expected unit column of byte column b (len + 2
 * entries), bytes[u] the expected byte column of unit column u.
 */
static void
check_columns(const char *line, enum position_encoding enc,
              const size_t *units, size_t units_count,
              const size_t *bytes, size_t bytes_count)
{
  size_t len = strlen(line);

  assert_int_equal(units_count, len + 2);
  for (size_t b = 0; b < units_count; b++)
    assert_int_equal(position_units_from_bytes(line, len, b, enc),
                     units[b]);
  for (size_t u = 0; u < bytes_count; u++)
    assert_int_equal(position_bytes_from_units(line, len, u, enc),
                     bytes[u]);
}

#define CHECK(line, enc, units, bytes)                                      \
  check_columns(line, enc, units, sizeof units / sizeof units[0], bytes,    \
                sizeof bytes / sizeof bytes[0])

static void
test_negotiation_prefers_utf8_then_utf32(void **state)
{
  (void)state;

  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":"
                             "[\"utf-16\",\"utf-32\",\"utf-8\"]}}"), UTF8);
  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":"
                             "[\"utf-16\",\"utf-32\"]}}"), UTF32);
  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":"
                             "[\"utf-32\",\"utf-16\"]}}"), UTF32);
  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":"
                             "[\"utf-16\"]}}"), UTF16);
}

static void
test_negotiation_defaults_to_utf16(void **state)
{
  (void)state;

  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":[]}}"),
                   UTF16);
  assert_int_equal(negotiate("{\"general\":{}}"), UTF16);
  assert_int_equal(negotiate("{}"), UTF16);
  assert_int_equal(negotiate("null"), UTF16);
  assert_int_equal(negotiate("[1]"), UTF16);
  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":"
                             "\"utf-8\"}}"), UTF16);
  assert_int_equal(negotiate("{\"general\":{\"positionEncodings\":"
                             "[8,\"UTF-8\",\"latin1\",null]}}"), UTF16);
}

static void
test_encoding_names(void **state)
{
  (void)state;

  assert_string_equal(position_encoding_name(UTF8), "utf-8");
  assert_string_equal(position_encoding_name(UTF16), "utf-16");
  assert_string_equal(position_encoding_name(UTF32), "utf-32");
}

static void
test_ascii(void **state)
{
  static const size_t units[] = { 0, 1, 2, 3, 4, 5, 5 };
  static const size_t bytes[] = { 0, 1, 2, 3, 4, 5, 5, 5 };
  (void)state;

  CHECK("hello", UTF8, units, bytes);
  CHECK("hello", UTF16, units, bytes);
  CHECK("hello", UTF32, units, bytes);
}

static void
test_two_byte_character(void **state)
{
  /* "aéb": é is C3 A9. */
  static const char line[] = "a\xC3\xA9" "b";
  static const size_t utf8_units[] = { 0, 1, 1, 3, 4, 4 };
  static const size_t utf8_bytes[] = { 0, 1, 1, 3, 4, 4 };
  static const size_t utf16_units[] = { 0, 1, 1, 2, 3, 3 };
  static const size_t utf16_bytes[] = { 0, 1, 3, 4, 4 };
  (void)state;

  CHECK(line, UTF8, utf8_units, utf8_bytes);
  CHECK(line, UTF16, utf16_units, utf16_bytes);
  CHECK(line, UTF32, utf16_units, utf16_bytes);
}

static void
test_three_byte_character(void **state)
{
  /* "a€b": € is E2 82 AC. */
  static const char line[] = "a\xE2\x82\xAC" "b";
  static const size_t utf8_units[] = { 0, 1, 1, 1, 4, 5, 5 };
  static const size_t utf8_bytes[] = { 0, 1, 1, 1, 4, 5, 5 };
  static const size_t utf16_units[] = { 0, 1, 1, 1, 2, 3, 3 };
  static const size_t utf16_bytes[] = { 0, 1, 4, 5, 5 };
  (void)state;

  CHECK(line, UTF8, utf8_units, utf8_bytes);
  CHECK(line, UTF16, utf16_units, utf16_bytes);
  CHECK(line, UTF32, utf16_units, utf16_bytes);
}

static void
test_emoji_is_a_surrogate_pair_in_utf16(void **state)
{
  /* "a😀b": U+1F600 is F0 9F 98 80, and D83D DE00 in UTF-16. */
  static const char line[] = "a\xF0\x9F\x98\x80" "b";
  static const size_t utf8_units[] = { 0, 1, 1, 1, 1, 5, 6, 6 };
  static const size_t utf8_bytes[] = { 0, 1, 1, 1, 1, 5, 6, 6 };
  static const size_t utf16_units[] = { 0, 1, 1, 1, 1, 3, 4, 4 };
  static const size_t utf16_bytes[] = { 0, 1, 1, 5, 6, 6 };
  static const size_t utf32_units[] = { 0, 1, 1, 1, 1, 2, 3, 3 };
  static const size_t utf32_bytes[] = { 0, 1, 5, 6, 6 };
  (void)state;

  CHECK(line, UTF8, utf8_units, utf8_bytes);
  CHECK(line, UTF16, utf16_units, utf16_bytes);
  CHECK(line, UTF32, utf32_units, utf32_bytes);
}

static void
test_emoji_after_a_long_ascii_run(void **state)
{
  char line[128];
  size_t len;
  (void)state;
  memset(line, 'a', 100);
  memcpy(line + 100, "\xF0\x9F\x98\x80" "b", 6);
  len = 105;

  size_t inside = position_units_from_bytes(line, len, 102, UTF16);
  size_t after = position_units_from_bytes(line, len, 104, UTF16);
  size_t end = position_units_from_bytes(line, len, 105, UTF16);
  size_t half = position_bytes_from_units(line, len, 101, UTF16);
  size_t back = position_bytes_from_units(line, len, 102, UTF16);

  assert_int_equal(inside, 100);
  assert_int_equal(after, 102);
  assert_int_equal(end, 103);
  assert_int_equal(half, 100);
  assert_int_equal(back, 104);
}

static void
test_columns_past_the_end_clamp(void **state)
{
  static const char line[] = "h\xC3\xA9llo";
  (void)state;

  size_t units = position_units_from_bytes(line, 6, 1000, UTF16);
  size_t bytes = position_bytes_from_units(line, 6, 1000, UTF16);
  size_t utf8_bytes = position_bytes_from_units(line, 6, SIZE_MAX, UTF8);

  assert_int_equal(units, 5);
  assert_int_equal(bytes, 6);
  assert_int_equal(utf8_bytes, 6);
}

static void
test_empty_line(void **state)
{
  (void)state;

  size_t units = position_units_from_bytes(NULL, 0, 3, UTF16);
  size_t bytes = position_bytes_from_units("", 0, 3, UTF8);

  assert_int_equal(units, 0);
  assert_int_equal(bytes, 0);
}

static void
test_invalid_bytes_count_one_each(void **state)
{
  /* FF and a lone continuation byte can start no sequence. */
  static const char line[] = "a\xFF\x80" "b";
  static const size_t units[] = { 0, 1, 2, 3, 4, 4 };
  static const size_t bytes[] = { 0, 1, 2, 3, 4, 4 };
  (void)state;

  CHECK(line, UTF8, units, bytes);
  CHECK(line, UTF16, units, bytes);
  CHECK(line, UTF32, units, bytes);
}

static void
test_truncated_sequence_counts_as_one_character(void **state)
{
  /* E2 82 lacks its last byte: utf8_decode reads both as one U+FFFD. */
  static const char line[] = "\xE2\x82" "A";
  static const size_t utf8_units[] = { 0, 0, 2, 3, 3 };
  static const size_t utf8_bytes[] = { 0, 0, 2, 3, 3 };
  static const size_t utf16_units[] = { 0, 0, 1, 2, 2 };
  static const size_t utf16_bytes[] = { 0, 2, 3, 3 };
  (void)state;

  CHECK(line, UTF8, utf8_units, utf8_bytes);
  CHECK(line, UTF16, utf16_units, utf16_bytes);
  CHECK(line, UTF32, utf16_units, utf16_bytes);
}

/* A fixed-seed generator, so that a failure can be replayed. */
static uint64_t
next_random(uint64_t *seed)
{
  *seed ^= *seed << 13;
  *seed ^= *seed >> 7;
  *seed ^= *seed << 17;
  return *seed;
}

/* Fills line with random pieces, valid and not; returns its length. */
static size_t
random_line(char *line, uint64_t *seed)
{
  static const char *const pieces[] = {
    "a", " ", "Zq", "abcdefghijklmnopq", "\xC3\xA9", "\xE2\x82\xAC",
    "\xF0\x9F\x98\x80", "\xF0\x90\x8D\x88", "\xEF\xBF\xBD", "\xFF", "\x80",
    "\xE2\x82", "\xC0\xAF", "\xED\xA0\x80", "\xF0\x9F\x98", "\xF4\x90\x80",
  };
  size_t count = next_random(seed) % 40;
  size_t len = 0;

  for (size_t i = 0; i < count; i++) {
    const char *piece = pieces[next_random(seed) % 16];
    size_t n = strlen(piece);

    if (len + n > RANDOM_LINE_MAX)
      break;
    memcpy(line + len, piece, n);
    len += n;
  }
  return len;
}

/*
 * Checks one line against a plain character-by-character walk: at every
 * character boundary bytes -> units -> bytes is the identity, and a column
 * inside a character, in bytes or in units, means its start.
 */
static void
check_against_walk(const char *line, size_t len, enum position_encoding enc)
{
  size_t at = 0;
  size_t units = 0;

  while (at < len) {
    uint32_t cp;
    size_t n = (size_t)utf8_decode(line + at, len - at, &cp);
    size_t width = enc == UTF8 ? n : enc == UTF16 ? utf8_utf16_units(cp) : 1;

    assert_int_equal(position_units_from_bytes(line, len, at, enc), units);
    assert_int_equal(position_bytes_from_units(line, len, units, enc), at);
    for (size_t inside = 1; inside < n; inside++)
      assert_int_equal(position_units_from_bytes(line, len, at + inside,
                                                 enc), units);
    for (size_t inside = 1; inside < width; inside++)
      assert_int_equal(position_bytes_from_units(line, len, units + inside,
                                                 enc), at);
    at += n;
    units += width;
  }
  assert_int_equal(position_units_from_bytes(line, len, len + 1, enc), units);
  assert_int_equal(position_bytes_from_units(line, len, units + 1, enc), len);
}

static void
test_random_lines_round_trip(void **state)
{
  uint64_t seed = 0x9E3779B97F4A7C15u;
  char line[RANDOM_LINE_MAX];
  (void)state;

  for (int i = 0; i < 3000; i++) {
    size_t len = random_line(line, &seed);

    check_against_walk(line, len, UTF8);
    check_against_walk(line, len, UTF16);
    check_against_walk(line, len, UTF32);
  }
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_negotiation_prefers_utf8_then_utf32),
    cmocka_unit_test(test_negotiation_defaults_to_utf16),
    cmocka_unit_test(test_encoding_names),
    cmocka_unit_test(test_ascii),
    cmocka_unit_test(test_two_byte_character),
    cmocka_unit_test(test_three_byte_character),
    cmocka_unit_test(test_emoji_is_a_surrogate_pair_in_utf16),
    cmocka_unit_test(test_emoji_after_a_long_ascii_run),
    cmocka_unit_test(test_columns_past_the_end_clamp),
    cmocka_unit_test(test_empty_line),
    cmocka_unit_test(test_invalid_bytes_count_one_each),
    cmocka_unit_test(test_truncated_sequence_counts_as_one_character),
    cmocka_unit_test(test_random_lines_round_trip),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
