/* facet validate as a user runs it: server/validate.c, its output read
 * back line for line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "validate.h"

static char dir[64];
static char out[16384];
static int status;

static void
write_file(const char *name, const char *text)
{
  char path[256];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Runs facet validate with args (NULL-terminated) in dir; its standard
 * output and error, together, into out; the exit status into status. */
static const char *
run(const char *first, ...)
{
  char *argv[32] = { "validate" };
  int argc = 1;
  char cwd[512];
  char path[256];
  va_list ap;
  FILE *f;
  size_t n;
  int saved_out = dup(1);
  int saved_err = dup(2);

  va_start(ap, first);
  for (const char *a = first; a && argc < 31; a = va_arg(ap, const char *))
    argv[argc++] = (char *)a;
  va_end(ap);
  argv[argc] = NULL;
  assert_non_null(getcwd(cwd, sizeof cwd));
  assert_int_equal(chdir(dir), 0);
  snprintf(path, sizeof path, "%s/.out", dir);
  fflush(stdout);
  fflush(stderr);
  f = fopen(path, "w");
  assert_non_null(f);
  dup2(fileno(f), 1);
  dup2(fileno(f), 2);
  status = validate_main(argc, argv);
  fflush(stdout);
  fflush(stderr);
  dup2(saved_out, 1);
  dup2(saved_err, 2);
  close(saved_out);
  close(saved_err);
  fclose(f);
  assert_int_equal(chdir(cwd), 0);
  f = fopen(path, "r");
  n = fread(out, 1, sizeof out - 1, f);
  out[n] = '\0';
  fclose(f);
  return out;
}

static int
setup(void **state)
{
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/facet-validate-XXXXXX");
  if (!mkdtemp(dir))
    return -1;
  write_file("person.schema.json",
             "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": "
             "\"string\", \"minLength\": 2}, \"tags\": {\"type\": \"array\", "
             "\"items\": {\"type\": \"integer\"}}}, \"required\": "
             "[\"name\"]}\n");
  write_file("number.schema.json", "{\"type\": \"number\", \"maximum\": 50}");
  return 0;
}

static int
teardown(void **state)
{
  char cmd[128];

  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  return system(cmd);
}

/* Each error line: file:line:col, the instance's JSON pointer, the
 * message, the schema path. */
static void
error_lines_carry_the_instance_pointer(void **state)
{
  (void)state;
  write_file("p.json", "{\"name\": \"A\",\n \"tags\": [1, \"x\"]}\n");

  assert_string_equal(run("person.schema.json", "p.json", NULL),
    "p.json invalid\n"
    "p.json:1:10: error: #/name: must be at least 2 characters, got 1 "
    "[/properties/name/minLength]\n"
    "p.json:2:14: error: #/tags/1: expected integer, got string \"x\" "
    "[/properties/tags/items/type]\n");
  assert_int_equal(status, 1);

  write_file("empty.json", "{}");
  assert_string_equal(run("person.schema.json", "empty.json", NULL),
    "empty.json invalid\n"
    "empty.json:1:1: error: #: missing required property 'name' "
    "[/required]\n");
}

/* A bare scalar, without a newline, with RFC 8259's exponent forms. */
static void
bare_scalar_instances_validate(void **state)
{
  (void)state;
  write_file("n.json", "42");
  write_file("e.json", "1e+2");
  write_file("s.json", "\"x\"");

  assert_string_equal(run("number.schema.json", "n.json", "e.json", "s.json",
                          NULL),
    "n.json valid\n"
    "e.json invalid\n"
    "e.json:1:1: error: #: must be <= 50, got 1e+2 [/maximum]\n"
    "s.json invalid\n"
    "s.json:1:1: error: #: expected number, got string \"x\" [/type]\n");
}

/* Every document of a YAML stream is validated and named. */
static void
each_yaml_document_is_validated(void **state)
{
  (void)state;
  write_file("m.yaml", "name: ok\ntags: [1, \"x\"]\n---\nname: ab\n---\n"
             "tags: []\n");

  assert_string_equal(run("person.schema.json", "m.yaml", NULL),
    "m.yaml (document 1 of 3) invalid\n"
    "m.yaml:2:11: error: #/tags/1: expected integer, got string \"x\" "
    "[/properties/tags/items/type]\n"
    "m.yaml (document 2 of 3) valid\n"
    "m.yaml (document 3 of 3) invalid\n"
    "m.yaml:6:1: error: #: missing required property 'name' [/required]\n");
  assert_int_equal(status, 1);

  write_file("one.yaml", "---\nname: ok\n...\n");
  assert_string_equal(run("person.schema.json", "one.yaml", NULL),
                      "one.yaml valid\n");
  assert_int_equal(status, 0);
}

/* YAML forbids a repeated key: which value a parser keeps differs. */
static void
a_repeated_yaml_key_is_an_error(void **state)
{
  (void)state;
  write_file("dup.yaml", "name: ok\ntags: []\nname: again\n");

  assert_string_equal(run("person.schema.json", "dup.yaml", NULL),
    "dup.yaml invalid\n"
    "dup.yaml:3:1: error: key 'name' is repeated; only its last value is "
    "used [duplicate-key]\n");
  assert_int_equal(status, 1);
}

/* --max-bytes as facet check has it: default, message and refusal. */
static void
files_over_max_bytes_are_not_read(void **state)
{
  (void)state;
  write_file("small.json", "7");
  write_file("big.json", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]");

  assert_string_equal(run("--max-bytes", "40", "number.schema.json",
                          "small.json", "big.json", NULL),
    "small.json valid\n"
    "big.json invalid\n"
    "big.json:1:1: error: file is 47 bytes, over the 40-byte limit; it was "
    "not analysed [file-too-large]\n");
  assert_int_equal(status, 1);
  assert_string_equal(run("--max-bytes=40", "person.schema.json",
                          "small.json", NULL),
    "facet validate: person.schema.json: file is 158 bytes, over the "
    "40-byte limit; it was not analysed\n");
  assert_int_equal(status, 2);
  assert_string_equal(run("--max-bytes", "-5", "number.schema.json",
                          "small.json", NULL),
    "facet validate: --max-bytes wants a positive number\n");
  assert_int_equal(status, 2);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(error_lines_carry_the_instance_pointer),
    cmocka_unit_test(bare_scalar_instances_validate),
    cmocka_unit_test(each_yaml_document_is_validated),
    cmocka_unit_test(a_repeated_yaml_key_is_an_error),
    cmocka_unit_test(files_over_max_bytes_are_not_read),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
