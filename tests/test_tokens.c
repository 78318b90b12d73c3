/*
 * The token estimate: exact values on small texts whose real counts are
 * known (cl100k_base and o200k_base agree on them unless said), texts
 * that cross the 64-byte blocks the estimate reads, and which text of an
 * artifact it counts. bench/tokens measures it on the corpus.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "tokens.h"

static size_t
estimate(const char *text)
{
  return tokens_estimate(text, strlen(text));
}

static void
test_short_texts_count_as_the_tokenizers_do(void **state)
{
  (void)state;

  assert_int_equal(estimate(""), 0);
  assert_int_equal(estimate("Hello world"), 2);
  assert_int_equal(estimate("You are a helpful assistant."), 6);
  assert_int_equal(estimate("12345"), 2);
  /* 17 for both tokenizers. */
  assert_int_equal(estimate("system:\nYou help {{name}} with {{task}}.\n\n"
                            "user:\n{{question}}\n"), 17);
  /* cl100k_base 2, o200k_base 1. */
  assert_int_equal(estimate("你好"), 2);
  /* cl100k_base 5, o200k_base 4. */
  assert_int_equal(estimate("Vous êtes prêt."), 5);
}

static void
test_words_across_blocks_are_counted_once(void **state)
{
  char text[501];
  size_t n;

  (void)state;
  for (size_t i = 0; i < 100; i++)
    memcpy(text + 5 * i, "word ", 5);
  text[500] = '\0';

  n = estimate(text);

  /* 101 for both tokenizers: 100 words and the trailing space. */
  assert_in_range(n, 100, 101);
}

static void
test_a_character_split_across_blocks_stays_one(void **state)
{
  char text[130];
  size_t split;
  size_t whole;

  (void)state;
  memset(text, ' ', sizeof text);
  memcpy(text, "abc", 3);
  /* 'é' at bytes 63 and 64: the two halves of it in two blocks. */
  memcpy(text + 60, "caf\xc3\xa9s", 6);
  memcpy(text + 66, "\n", 1);
  text[67] = '\0';
  split = estimate(text);
  memmove(text + 59, text + 60, 8);

  whole = estimate(text);

  assert_int_equal(split, whole);
}

static void
test_any_bytes_are_read_safely(void **state)
{
  unsigned char bytes[1000];
  uint32_t x = 2463534242u;

  (void)state;
  for (size_t i = 0; i < sizeof bytes; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    bytes[i] = (unsigned char)x;
  }

  for (size_t n = 0; n <= sizeof bytes; n += 37)
    assert_true(tokens_estimate((const char *)bytes, n) <= 2 * n + 1);
}

static struct artifact *
analyze(const char *path, const char *text)
{
  struct artifact *a = artifact_analyze(path, text, strlen(text), NULL);

  assert_non_null(a);
  return a;
}

static void
test_a_prompt_counts_its_body_not_its_header(void **state)
{
  const char *text =
    "---\n"
    "name: a long header that is not sent to the model at all\n"
    "---\n"
    "You are a helpful assistant.";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  assert_int_equal(a->tokens, 6);
  assert_int_equal(tokens_prompt(a), 6);
  artifact_free(a);
}

static void
test_github_models_counts_message_contents(void **state)
{
  const char *text =
    "name: a header that is not sent\n"
    "messages:\n"
    "  - role: system\n"
    "    content: You are a helpful assistant.\n"
    "  - role: user\n"
    "    content: \"Hello world\"\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt.yml", text);

  assert_int_equal(a->tokens, 8);
  artifact_free(a);
}

static void
test_files_that_are_not_prompts_count_nothing(void **state)
{
  const char *text =
    "prompts: [\"Hello {{name}}\"]\n"
    "providers: [openai:gpt-4o-mini]\n"
    "tests:\n"
    "  - vars: { name: Ada }\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.yaml", text);

  assert_int_equal(a->tokens, 0);
  artifact_free(a);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_short_texts_count_as_the_tokenizers_do),
    cmocka_unit_test(test_words_across_blocks_are_counted_once),
    cmocka_unit_test(test_a_character_split_across_blocks_stays_one),
    cmocka_unit_test(test_any_bytes_are_read_safely),
    cmocka_unit_test(test_a_prompt_counts_its_body_not_its_header),
    cmocka_unit_test(test_github_models_counts_message_contents),
    cmocka_unit_test(test_files_that_are_not_prompts_count_nothing),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
