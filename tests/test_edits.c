/*
 * Incremental edits: random edit sequences applied through LSP positions
 * (as a client sends them, in each encoding) must give the same text as
 * the edits applied directly to a reference copy - a full re-sync.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "docstore.h"
#include "lspconv.h"

/* Pieces the random text is made of: ASCII, 2- and 4-byte characters,
 * every kind of line end. */
static const char *const pieces[] = {
  "a", "b", " ", "\xC3\xA9", "\xF0\x9F\x98\x80", "\n", "\r\n", "\r", "{{x}}",
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static uint32_t seed = 12345;

static uint32_t
rnd(uint32_t n)
{
  seed = seed * 1103515245u + 12345u;
  return (seed >> 8) % n;
}

static size_t
random_text(char *out, size_t max)
{
  size_t len = 0;
  uint32_t count = rnd(12);

  for (uint32_t i = 0; i < count; i++) {
    const char *p = pieces[rnd(NPIECES)];

    if (len + strlen(p) >= max)
      break;
    memcpy(out + len, p, strlen(p));
    len += strlen(p);
  }
  out[len] = '\0';
  return len;
}

/* The client's view, computed independently: line and column in units. */
static void
client_position(const char *text, size_t off, enum position_encoding enc,
                int64_t *line, int64_t *col)
{
  size_t i = 0;

  *line = 0;
  *col = 0;
  while (i < off) {
    unsigned char c = (unsigned char)text[i];
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;

    if (c == '\r' && text[i + 1] == '\n' && i + 1 < off) {
      i += 2;
      (*line)++;
      *col = 0;
      continue;
    }
    if (c == '\n' || c == '\r') {
      (*line)++;
      *col = 0;
    } else {
      *col += enc == POSITION_UTF8 ? (int64_t)n
              : enc == POSITION_UTF16 ? (n == 4 ? 2 : 1) : 1;
    }
    i += n;
  }
}

/* A random offset on a character boundary, never inside "\r\n". */
static size_t
random_offset(const char *text, size_t len)
{
  size_t off = rnd((uint32_t)len + 1);

  while (off > 0 && off < len &&
         (((unsigned char)text[off] & 0xC0) == 0x80 ||
          (text[off] == '\n' && text[off - 1] == '\r')))
    off--;
  return off;
}

static void
run_edits(enum position_encoding enc)
{
  struct docstore store;
  struct document *doc;
  char reference[1 << 16];
  char insert[64];
  size_t len = 0;

  docstore_init(&store);
  doc = docstore_open(&store, "file:///t.prompt", 1, "", 0);
  reference[0] = '\0';
  for (int step = 0; step < 2000; step++) {
    size_t a = random_offset(reference, len);
    size_t b = random_offset(reference, len);
    size_t n = random_text(insert, sizeof insert);
    int64_t l0, c0, l1, c1;
    uint32_t start, end;

    if (a > b) {
      size_t t = a;
      a = b;
      b = t;
    }
    if (len - (b - a) + n >= sizeof reference - 1)
      b = len;
    client_position(reference, a, enc, &l0, &c0);
    client_position(reference, b, enc, &l1, &c1);

    assert_int_equal(lspconv_offset(&doc->lines, l0, c0, enc, &start), 0);
    assert_int_equal(lspconv_offset(&doc->lines, l1, c1, enc, &end), 0);
    assert_int_equal(document_edit(doc, start, end, insert, n), 0);
    memmove(reference + a + n, reference + b, len - b);
    memcpy(reference + a, insert, n);
    len = len - (b - a) + n;
    reference[len] = '\0';

    assert_int_equal(doc->text->len, len);
    assert_memory_equal(doc->text->data, reference, len);
  }
  docstore_release(&store);
}

static void
random_edits_in_utf16_match_a_full_resync(void **state)
{
  (void)state;
  run_edits(POSITION_UTF16);
}

static void
random_edits_in_utf8_match_a_full_resync(void **state)
{
  (void)state;
  run_edits(POSITION_UTF8);
}

static void
random_edits_in_utf32_match_a_full_resync(void **state)
{
  (void)state;
  run_edits(POSITION_UTF32);
}

static void
positions_past_the_end_clamp_to_it(void **state)
{
  struct docstore store;
  struct document *doc;
  uint32_t off;

  (void)state;
  docstore_init(&store);
  doc = docstore_open(&store, "file:///t.prompt", 1, "ab\r\ncd", 6);

  assert_int_equal(lspconv_offset(&doc->lines, 0, 99, POSITION_UTF16, &off),
                   0);
  assert_int_equal(off, 2);
  assert_int_equal(lspconv_offset(&doc->lines, 9, 0, POSITION_UTF16, &off),
                   0);
  assert_int_equal(off, 6);
  assert_int_equal(lspconv_offset(&doc->lines, -1, 0, POSITION_UTF16, &off),
                   -3);
  docstore_release(&store);
}

static void
file_uris_become_decoded_paths(void **state)
{
  char *path =
    docstore_uri_to_path("file:///home/me/My%20Prompts/a%2Bb.prompt");

  (void)state;
  assert_string_equal(path, "/home/me/My Prompts/a+b.prompt");
  free(path);
  assert_null(docstore_uri_to_path("untitled:Untitled-1"));
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(random_edits_in_utf16_match_a_full_resync),
    cmocka_unit_test(random_edits_in_utf8_match_a_full_resync),
    cmocka_unit_test(random_edits_in_utf32_match_a_full_resync),
    cmocka_unit_test(positions_past_the_end_clamp_to_it),
    cmocka_unit_test(file_uris_become_decoded_paths),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
