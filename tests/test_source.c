/* Line index and line:column math of analyzers/source.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "source.h"

static void
lines_end_at_lf_crlf_and_lone_cr(void **state)
{
  const char *text = "a\nbb\r\nccc\rd";
  struct source src;

  (void)state;
  assert_int_equal(source_init(&src, text, strlen(text)), 0);

  assert_int_equal(src.line_count, 4);
  assert_int_equal(source_line_start(&src, 1), 2);
  assert_int_equal(source_line_end(&src, 1), 4);
  assert_int_equal(source_line_start(&src, 2), 6);
  assert_int_equal(source_line_end(&src, 2), 9);
  assert_int_equal(source_line_start(&src, 3), 10);
  assert_int_equal(source_line_end(&src, 3), 11);
  source_release(&src);
}

static void
a_final_newline_opens_an_empty_last_line(void **state)
{
  struct source src;

  (void)state;
  assert_int_equal(source_init(&src, "x\n", 2), 0);

  assert_int_equal(src.line_count, 2);
  assert_int_equal(source_line_start(&src, 1), 2);
  assert_int_equal(source_line_end(&src, 1), 2);
  source_release(&src);
}

static void
columns_count_characters_not_bytes(void **state)
{
  /* "é" is 2 bytes, the emoji 4; the x after them is the 3rd character. */
  const char *text = "k: \xC3\xA9\xF0\x9F\x98\x80x\n";
  struct source src;
  uint32_t line;
  uint32_t col;

  (void)state;
  source_init(&src, text, strlen(text));

  source_line_col(&src, 9, &line, &col);

  assert_int_equal(line, 1);
  assert_int_equal(col, 6);
  assert_int_equal(source_offset_at(&src, 0, 5), 9);
  source_release(&src);
}

static void
a_bom_is_not_a_column(void **state)
{
  const char *text = "\xEF\xBB\xBFname: x\n";
  struct source src;
  uint32_t line;
  uint32_t col;

  (void)state;
  source_init(&src, text, strlen(text));

  source_line_col(&src, 3, &line, &col);

  assert_int_equal(src.bom, 3);
  assert_int_equal(col, 1);
  assert_int_equal(source_offset_at(&src, 0, 0), 3);
  source_release(&src);
}

static void
line_of_finds_the_line_holding_an_offset(void **state)
{
  const char *text = "one\r\ntwo\r\nthree";
  struct source src;

  (void)state;
  source_init(&src, text, strlen(text));

  assert_int_equal(source_line_of(&src, 0), 0);
  assert_int_equal(source_line_of(&src, 4), 0);
  assert_int_equal(source_line_of(&src, 5), 1);
  assert_int_equal(source_line_of(&src, 14), 2);
  assert_int_equal(source_line_of(&src, 99), 2);
  source_release(&src);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(lines_end_at_lf_crlf_and_lone_cr),
    cmocka_unit_test(a_final_newline_opens_an_empty_last_line),
    cmocka_unit_test(columns_count_characters_not_bytes),
    cmocka_unit_test(a_bom_is_not_a_column),
    cmocka_unit_test(line_of_finds_the_line_holding_an_offset),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
