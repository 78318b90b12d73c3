/*
 * Incremental edits: random edit sequences applied through LSP positions
 * (as a client sends them, in each encoding) must give the same text as
 * the edits applied directly to a reference copy - a full re-sync - with
 * the line index a fresh scan gives, and a change since the last analysis
 * that accounts for every byte that differs.
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

/* The document's line index is the one a scan of its text gives. */
static void
assert_lines_fresh(const struct document *doc)
{
  struct source fresh;

  assert_int_equal(source_init(&fresh, doc->text->data, doc->text->len), 0);
  assert_int_equal(doc->lines.line_count, fresh.line_count);
  assert_memory_equal(doc->lines.line_starts, fresh.line_starts,
                      fresh.line_count * sizeof *fresh.line_starts);
  assert_int_equal(doc->lines.len, fresh.len);
  assert_int_equal(doc->lines.bom, fresh.bom);
  source_release(&fresh);
}

/* doc->change says how its text differs from base: outside the change,
 * the two are the same. */
static void
assert_change_covers(const struct document *doc, const char *base,
                     size_t base_len)
{
  struct text_change c = doc->change;
  const char *text = doc->text->data;

  if (text_change_is_none(c)) {
    assert_int_equal(doc->text->len, base_len);
    assert_memory_equal(text, base, base_len);
    return;
  }
  assert_true(c.start <= c.old_end && c.old_end <= base_len);
  assert_true(c.start <= c.new_end && c.new_end <= doc->text->len);
  assert_int_equal(base_len - c.old_end, doc->text->len - c.new_end);
  assert_memory_equal(text, base, c.start);
  assert_memory_equal(text + c.new_end, base + c.old_end,
                      base_len - c.old_end);
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
  static char base[1 << 16];
  size_t base_len = 0;
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
    assert_lines_fresh(doc);
    assert_change_covers(doc, base, base_len);
    /* An analysis lands now and then: later changes count from its text. */
    if (rnd(5) == 0) {
      doc->change = text_change_none();
      memcpy(base, reference, len);
      base_len = len;
    }
  }
  docstore_release(&store);
}

/* A client that sends the whole text each time: the change is what lies
 * between the parts that stayed. */
static void
a_whole_text_change_records_what_differs(void **state)
{
  struct docstore store;
  struct document *doc;

  (void)state;
  docstore_init(&store);
  doc = docstore_open(&store, "file:///t.yaml", 1, "a: 1\nb: 2\n", 10);

  assert_true(text_change_is_none(doc->change));
  assert_int_equal(document_set_text(doc, "a: 1\nb: 23\n", 11), 0);
  assert_int_equal(doc->change.start, 9);
  assert_int_equal(doc->change.old_end, 9);
  assert_int_equal(doc->change.new_end, 10);
  assert_int_equal(document_set_text(doc, "a: 1\nb: 23\n", 11), 0);
  assert_int_equal(doc->change.start, 9);
  assert_int_equal(doc->change.new_end, 10);
  assert_int_equal(document_set_text(doc, "x\n", 2), 0);
  assert_int_equal(doc->change.start, 0);
  assert_int_equal(doc->change.old_end, 9);
  assert_int_equal(doc->change.new_end, 1);
  assert_lines_fresh(doc);
  docstore_release(&store);
}

/* Line ends made and unmade at an edit's two ends: "\r" + "\n" is one. */
static void
edits_that_join_or_split_crlf_reindex_lines(void **state)
{
  static const struct {
    const char *text;
    uint32_t start, end;
    const char *insert;
  } cases[] = {
    { "a\rb", 2, 2, "\n" },      /* \r then \n: one line end */
    { "a\r\nb", 2, 2, "x" },     /* splits \r\n into two */
    { "a\rxb", 2, 3, "" },        /* \r meets b */
    { "a\r\nb", 1, 2, "" },      /* deletes the \r */
    { "ab\nc", 2, 2, "\r" },     /* \r before \n */
    { "a\n\nb", 0, 4, "" },
    { "", 0, 0, "\r\n\r" },
    { "a\r", 2, 2, "\n" },       /* at the very end */
  };
  struct docstore store;

  (void)state;
  docstore_init(&store);
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct document *doc = docstore_open(&store, "file:///t.prompt", 1,
                                         cases[i].text,
                                         strlen(cases[i].text));

    assert_int_equal(document_edit(doc, cases[i].start, cases[i].end,
                                   cases[i].insert, strlen(cases[i].insert)),
                     0);
    assert_lines_fresh(doc);
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
    cmocka_unit_test(a_whole_text_change_records_what_differs),
    cmocka_unit_test(edits_that_join_or_split_crlf_reindex_lines),
    cmocka_unit_test(file_uris_become_decoded_paths),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
