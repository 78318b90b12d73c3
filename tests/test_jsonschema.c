/*
 * The JSON Schema validator: the exact message, instance path and schema
 * path of each keyword family's errors, the 2019-09 and 2020-12 features
 * the official suite (drafts 4 to 7 in Debian) does not cover, and each
 * problem compilation reports about a schema itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "error.h"
#include "jsonschema.h"
#include "json_syntax.h"
#include "jsonschema_internal.h"

/* Room for the errors of one validation, one per line. */
#define TEXT_MAX 8192

static char text[TEXT_MAX];

/* Whether JSON is read as facet reads files (numbers past 64 bits keep
 * their text) rather than by json-c, which clamps them. */
static bool as_facet;

static struct json_object *
parse_json(const char *s)
{
  struct json_object *v = NULL;

  if (!as_facet)
    return json_tokener_parse(s);
  assert_true(json_text_parse(s, (uint32_t)strlen(s), &v, NULL));
  return v;
}

static struct js_schema *
compile(const char *schema, const struct js_options *opts)
{
  struct json_object *json = parse_json(schema);
  struct js_schema *s = NULL;

  assert_true(json != NULL || strcmp(schema, "null") == 0);
  assert_int_equal(js_schema_compile(json, opts, &s), 0);
  json_object_put(json);
  return s;
}

/* "instance path | schema path | keyword | message" per error, with a
 * "key" mark for errors about a property name. */
static const char *
describe(const struct js_result *r)
{
  size_t used = 0;

  text[0] = '\0';
  for (size_t i = 0; i < r->count; i++) {
    const struct js_error *e = &r->errors[i];

    used += (size_t)snprintf(text + used, sizeof text - used,
                             "%s | %s | %s | %s%s\n", e->instance_path,
                             e->schema_path, e->keyword, e->message,
                             e->at_key ? " (key)" : "");
  }
  if (r->truncated)
    snprintf(text + used, sizeof text - used, "(truncated)\n");
  return text;
}

/* The errors of instance against schema, compiled with opts. */
static const char *
errors_with(const char *schema, const char *instance,
            const struct js_options *opts)
{
  struct js_schema *s = compile(schema, opts);
  struct json_object *inst = parse_json(instance);
  struct jsv_scratch scratch = { 0 };
  enum jsq_verdict quick = jsq_valid(s, inst, &scratch);
  static char alone[TEXT_MAX];
  struct js_result r;

  js_result_init(&r);
  /* The walk that says why, alone, then as callers get it. */
  assert_int_equal(jsv_walk_validate(s, inst, &r), 0);
  snprintf(alone, sizeof alone, "%s", describe(&r));
  assert_int_equal(js_validate(s, inst, &r), 0);
  assert_string_equal(describe(&r), alone);
  /* The verdicts must all agree with the errors. */
  assert_int_equal(js_valid(s, inst), r.count == 0);
  assert_int_equal(jsv_walk_valid(s, inst), r.count == 0);
  if (quick != JSQ_UNKNOWN)
    assert_int_equal(quick == JSQ_VALID, r.count == 0);
  jsv_scratch_release(&scratch);
  js_result_release(&r);
  json_object_put(inst);
  js_schema_free(s);
  return text;
}

static const char *
errors(const char *schema, const char *instance)
{
  return errors_with(schema, instance, NULL);
}

/* "pointer: message" per problem of schema. */
static const char *
problems_with(const char *schema, const struct js_options *opts)
{
  struct js_schema *s = compile(schema, opts);
  const struct js_problem *p;
  size_t n, used = 0;

  p = js_schema_problems(s, &n);
  text[0] = '\0';
  for (size_t i = 0; i < n; i++)
    used += (size_t)snprintf(text + used, sizeof text - used, "%s%s%s: %s\n",
                             p[i].uri ? p[i].uri : "", p[i].uri ? "#" : "",
                             p[i].pointer, p[i].message);
  js_schema_free(s);
  return text;
}

static const char *
problems(const char *schema)
{
  return problems_with(schema, NULL);
}

/* ---- types, enum, const ---- */

static void
type_errors_name_both_types(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"type\": \"integer\"}", "\"42\""),
                      " | /type | type | expected integer, got string "
                      "\"42\"\n");
  assert_string_equal(errors("{\"type\": [\"string\", \"null\"]}", "5"),
                      " | /type | type | expected string or null, got "
                      "integer 5\n");
  assert_string_equal(errors("{\"type\": \"object\"}", "[1, 2]"),
                      " | /type | type | expected object, got array\n");
}

static void
integers_include_whole_floats_except_in_draft_04(void **state)
{
  struct js_options d4 = { .draft = JS_DRAFT_4 };

  (void)state;

  assert_string_equal(errors("{\"type\": \"integer\"}", "1.0"), "");
  assert_string_equal(errors("{\"type\": \"integer\"}", "1.5"),
                      " | /type | type | expected integer, got number "
                      "1.5\n");
  assert_string_equal(errors_with("{\"type\": \"integer\"}", "1.0", &d4),
                      " | /type | type | expected integer, got number "
                      "1.0\n");
}

static void
enum_and_const_show_the_allowed_values(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"enum\": [\"a\", \"b\", 3]}", "\"c\""),
                      " | /enum | enum | \"c\" is not one of \"a\", \"b\", "
                      "3\n");
  assert_string_equal(errors("{\"enum\": [1, 2, 3, 4, 5, 6, 7]}", "9"),
                      " | /enum | enum | 9 is not one of 1, 2, 3, 4, 5, "
                      "... (7 values)\n");
  assert_string_equal(errors("{\"const\": {\"a\": [1]}}", "{\"a\": [2]}"),
                      " | /const | const | expected {\"a\":[1]}, got "
                      "{\"a\":[2]}\n");
  assert_string_equal(errors("{\"enum\": [1, [1.0, {\"x\": 2}]]}",
                             "[1, {\"x\": 2.0}]"), "");
}

/* ---- numbers ---- */

static void
bounds_say_the_limit_and_the_value(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"minimum\": 5, \"maximum\": 10}", "3"),
                      " | /minimum | minimum | must be >= 5, got 3\n");
  assert_string_equal(errors("{\"exclusiveMaximum\": 10}", "10"),
                      " | /exclusiveMaximum | exclusiveMaximum | must be "
                      "< 10, got 10\n");
  assert_string_equal(errors("{\"exclusiveMinimum\": 0.5}", "0.5"),
                      " | /exclusiveMinimum | exclusiveMinimum | must be "
                      "> 0.5, got 0.5\n");
}

static void
draft_04_exclusive_bounds_are_booleans(void **state)
{
  struct js_options d4 = { .draft = JS_DRAFT_4 };

  (void)state;

  assert_string_equal(errors_with("{\"maximum\": 10, \"exclusiveMaximum\": "
                                  "true}", "10", &d4),
                      " | /maximum | maximum | must be < 10, got 10\n");
  assert_string_equal(errors_with("{\"maximum\": 10, \"exclusiveMaximum\": "
                                  "false}", "10", &d4), "");
}

static void
multiple_of_is_exact_for_decimals(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"multipleOf\": 0.0075}", "0.0225"), "");
  assert_string_equal(errors("{\"multipleOf\": 0.1}", "0.3"), "");
  assert_string_equal(errors("{\"multipleOf\": 0.01}", "0.333"),
                      " | /multipleOf | multipleOf | must be a multiple of "
                      "0.01, got 0.333\n");
  /* 2^53 + 3, which a double would round to a multiple of 3. */
  assert_string_equal(errors("{\"multipleOf\": 3}", "9007199254740995"),
                      " | /multipleOf | multipleOf | must be a multiple of "
                      "3, got 9007199254740995\n");
  assert_string_equal(errors("{\"multipleOf\": 1e-8}", "12391239123"), "");
  /* Exponents, zero, and the scale on either side. */
  assert_string_equal(errors("{\"multipleOf\": 0.0025}", "2.5e-3"), "");
  assert_string_equal(errors("{\"multipleOf\": 0.0025}", "-0.0"), "");
  assert_string_equal(errors("{\"multipleOf\": 0.0025}", "0.00001"),
                      " | /multipleOf | multipleOf | must be a multiple of "
                      "0.0025, got 0.00001\n");
  assert_string_equal(errors("{\"multipleOf\": 1.5}", "4.50"), "");
  /* Mantissas past 64 bits, and integers past int64_t. */
  assert_string_equal(errors("{\"multipleOf\": 0.3}",
                             "1234567890123456789012.3"), "");
  assert_string_equal(errors("{\"multipleOf\": 0.3}",
                             "1234567890123456789012.5"),
                      " | /multipleOf | multipleOf | must be a multiple of "
                      "0.3, got 1234567890123456789012.5\n");
  assert_string_equal(errors("{\"multipleOf\": 5}", "18446744073709551615"),
                      "");
  assert_string_equal(errors("{\"multipleOf\": 2}", "9223372036854775807"),
                      " | /multipleOf | multipleOf | must be a multiple of "
                      "2, got 9223372036854775807\n");
  assert_string_equal(errors("{\"multipleOf\": 7}", "-9223372036854775807"),
                      "");
}

/* ---- strings ---- */

static void
lengths_count_code_points(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"minLength\": 3}", "\"\\u00e9\\ud83d\\ude00\""),
                      " | /minLength | minLength | must be at least 3 "
                      "characters, got 2\n");
  assert_string_equal(errors("{\"maxLength\": 1}", "\"\\ud83d\\ude00\""), "");
  assert_string_equal(errors("{\"maxLength\": 1}", "\"ab\""),
                      " | /maxLength | maxLength | must be at most 1 "
                      "character, got 2\n");
}

/* Integers past 64 bits compare exactly, by their decimal texts: a double
 * rounds 2^64 + 1 onto 2^64. */
static void
big_integers_compare_exactly(void **state)
{
  (void)state;
  as_facet = true;

  assert_string_equal(errors("{\"enum\": [18446744073709551616]}",
                             "18446744073709551617"),
                      " | /enum | enum | 18446744073709551617 is not one of "
                      "18446744073709551616\n");
  assert_string_equal(errors("{\"const\": 18446744073709551617}",
                             "18446744073709551617"), "");
  assert_string_equal(errors("{\"const\": 18446744073709551617}",
                             "1.8446744073709551617e19"), "");
  assert_string_not_equal(errors("{\"const\": 18446744073709551617}",
                                 "18446744073709551616"), "");
  assert_string_equal(errors("{\"minimum\": 18446744073709551617}",
                             "18446744073709551616"),
                      " | /minimum | minimum | must be >= "
                      "18446744073709551617, got 18446744073709551616\n");
  assert_string_equal(errors("{\"exclusiveMaximum\": "
                             "100000000000000000000000000000}",
                             "100000000000000000000000000000.0"),
                      " | /exclusiveMaximum | exclusiveMaximum | must be < "
                      "100000000000000000000000000000, got "
                      "100000000000000000000000000000.0\n");
  assert_string_equal(errors("{\"maximum\": -18446744073709551617}",
                             "-18446744073709551616"),
                      " | /maximum | maximum | must be <= "
                      "-18446744073709551617, got -18446744073709551616\n");
  assert_string_equal(errors("{\"uniqueItems\": true}",
                             "[18446744073709551617, 18446744073709551616]"),
                      "");
  assert_string_equal(errors("{\"enum\": [100]}", "1e2"), "");
  as_facet = false;
}

static void
patterns_are_ecma_262(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"pattern\": \"^[0-9]+$\"}", "\"abc\""),
                      " | /pattern | pattern | \"abc\" does not match the "
                      "pattern ^[0-9]+$\n");
  /* \d is ASCII only, and $ does not match before a final newline. */
  assert_string_not_equal(errors("{\"pattern\": \"^\\\\d+$\"}",
                                 "\"\\u0661\\u0662\""), "");
  assert_string_not_equal(errors("{\"pattern\": \"^a$\"}", "\"a\\n\""), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\w+\\\\s\\\\u00e9$\"}",
                             "\"ab\\u00a0\\u00e9\""), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{Lu}\"}", "\"\\u00c9t\""),
                      "");
  assert_string_equal(errors("{\"pattern\": \"^[^]$\"}", "\"\\n\""), "");
  assert_string_equal(errors("{\"pattern\": \"\\\\ud83d\\\\ude00\"}",
                             "\"x\\ud83d\\ude00\""), "");
  assert_string_not_equal(errors("{\"pattern\": \"^.$\"}", "\"\\u2028\""),
                          "");
}

/* ECMA-262's unicode property escapes by their long names, which PCRE2
 * 10.42 does not know; Script= is the script alone (U+0342 is Inherited,
 * Greek only among its Script_Extensions). */
static void
unicode_property_escapes_take_long_names(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"pattern\": \"^\\\\p{Letter}+$\"}"), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{Letter}+$\"}",
                             "\"\u03b1\u03b2\""), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{Letter}+$\"}", "\"a1\""),
                      " | /pattern | pattern | \"a1\" does not match the "
                      "pattern ^\\p{Letter}+$\n");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{General_Category="
                             "Letter}\\\\P{Uppercase_Letter}$\"}",
                             "\"Ab\""), "");
  assert_string_equal(errors("{\"pattern\": \"^[\\\\p{Decimal_Number}"
                             "\\\\p{Cased_Letter}]+$\"}", "\"x9\""), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{Script=Greek}+$\"}",
                             "\"\u03b1\u03c9\""), "");
  assert_string_not_equal(errors("{\"pattern\": \"^\\\\p{Script=Greek}$\"}",
                                 "\"\u0342\""), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{Script_Extensions="
                             "Greek}$\"}", "\"\u0342\""), "");
  assert_string_equal(errors("{\"pattern\": \"^\\\\p{Assigned}$\"}",
                             "\"a\""), "");
}

static void
formats_are_annotations_unless_asserted(void **state)
{
  struct js_options assert_formats = { .format_assert = true };

  (void)state;

  assert_string_equal(errors("{\"format\": \"date\"}", "\"2021-13-01\""), "");
  assert_string_equal(errors_with("{\"format\": \"date\"}", "\"2021-13-01\"",
                                  &assert_formats),
                      " | /format | format | \"2021-13-01\" is not a valid "
                      "date\n");
  assert_string_equal(errors_with("{\"format\": \"date\"}", "\"2024-02-29\"",
                                  &assert_formats), "");
  assert_string_not_equal(errors_with("{\"format\": \"date\"}",
                                      "\"2023-02-29\"", &assert_formats), "");
}

static void
asserted_formats_accept_and_refuse(void **state)
{
  static const struct {
    const char *format;
    const char *good;
    const char *bad;
  } cases[] = {
    { "date-time", "\"2024-01-02T03:04:05.6+01:00\"", "\"2024-01-02 03:04\"" },
    { "date-time", "\"1998-12-31T23:59:60Z\"", "\"1998-12-31T22:59:60Z\"" },
    { "time", "\"08:30:06Z\"", "\"08:30:06\"" },
    { "email", "\"joe.bloggs@example.com\"", "\"joe..bloggs@example.com\"" },
    { "email", "\"\\\"joe bloggs\\\"@[127.0.0.1]\"", "\"@example.com\"" },
    { "uri", "\"https://example.com/a?b#c\"", "\"//example.com/a\"" },
    { "uri-reference", "\"../a/b?c\"", "\"../a b\"" },
    { "uuid", "\"2eb8aa08-AA98-11ea-b4aa-73b441d16380\"", "\"2eb8aa08\"" },
    { "ipv4", "\"192.168.0.1\"", "\"192.168.0.01\"" },
    { "ipv6", "\"::ffff:192.168.0.1\"", "\"fe80::1%eth0\"" },
    { "hostname", "\"a-b.example.com\"", "\"-a.example.com\"" },
    { "duration", "\"P1DT2H\"", "\"P1DT\"" },
    { "json-pointer", "\"/a~1b/0\"", "\"a/b\"" },
    { "regex", "\"^[a-z]+$\"", "\"^(a\"" },
  };
  struct js_options assert_formats = { .format_assert = true };
  char schema[128];

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    snprintf(schema, sizeof schema, "{\"format\": \"%s\"}", cases[i].format);

    assert_string_equal(errors_with(schema, cases[i].good, &assert_formats),
                        "");
    assert_string_not_equal(errors_with(schema, cases[i].bad,
                                        &assert_formats), "");
  }
}

/* ---- arrays ---- */

static void
array_sizes_and_duplicates(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"minItems\": 2}", "[1]"),
                      " | /minItems | minItems | must have at least 2 items, "
                      "got 1\n");
  assert_string_equal(errors("{\"maxItems\": 1}", "[1, 2]"),
                      " | /maxItems | maxItems | must have at most 1 item, "
                      "got 2\n");
  assert_string_equal(errors("{\"uniqueItems\": true}", "[1, 2, 1.0]"),
                      " | /uniqueItems | uniqueItems | items 0 and 2 are "
                      "equal (uniqueItems is true)\n");
  assert_string_equal(errors("{\"uniqueItems\": true}",
                             "[{\"a\": 1, \"b\": 2}, {\"b\": 2, \"a\": 1}]"),
                      " | /uniqueItems | uniqueItems | items 0 and 1 are "
                      "equal (uniqueItems is true)\n");
}

static void
long_arrays_find_duplicates_by_hash(void **state)
{
  char instance[1024] = "[";

  (void)state;
  for (int i = 0; i < 100; i++)
    snprintf(instance + strlen(instance), sizeof instance - strlen(instance),
             "%s%d", i ? ", " : "", i == 77 ? 12 : i);
  strcat(instance, "]");

  assert_string_equal(errors("{\"uniqueItems\": true}", instance),
                      " | /uniqueItems | uniqueItems | items 12 and 77 are "
                      "equal (uniqueItems is true)\n");
}

static void
items_check_each_item_at_its_index(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"items\": {\"type\": \"string\"}}",
                             "[\"a\", 2]"),
                      "/1 | /items/type | type | expected string, got "
                      "integer 2\n");
  assert_string_equal(errors("{\"$schema\": \"http://json-schema.org/"
                             "draft-07/schema#\", \"items\": [{\"type\": "
                             "\"string\"}], \"additionalItems\": false}",
                             "[\"a\", 2]"),
                      " | /additionalItems | additionalItems | must have at "
                      "most 1 item (additionalItems is false), got 2\n");
}

static void
prefix_items_then_items_in_2020_12(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"prefixItems\": [{\"type\": \"integer\"}, "
                             "{\"type\": \"string\"}], \"items\": false}",
                             "[1, 2, 3]"),
                      "/1 | /prefixItems/1/type | type | expected string, "
                      "got integer 2\n"
                      " | /items | items | must have at most 2 items (items "
                      "is false), got 3\n");
}

static void
draft_07_tuples_work_without_schema(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"items\": [{\"type\": \"integer\"}], "
                             "\"additionalItems\": {\"type\": \"string\"}}",
                             "[1, \"a\", 2]"),
                      "/2 | /additionalItems/type | type | expected string, "
                      "got integer 2\n");
}

static void
contains_counts_matches(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"contains\": {\"const\": 1}}", "[2, 3]"),
                      " | /contains | contains | no item matches the contains "
                      "schema\n");
  assert_string_equal(errors("{\"contains\": {\"const\": 1}, \"minContains\": "
                             "2}", "[1, 3]"),
                      " | /minContains | minContains | must have at least 2 "
                      "items that match contains, got 1\n");
  assert_string_equal(errors("{\"contains\": {\"const\": 1}, \"maxContains\": "
                             "1}", "[1, 1]"),
                      " | /maxContains | maxContains | must have at most 1 "
                      "item that matches contains, got 2\n");
  assert_string_equal(errors("{\"contains\": {\"const\": 1}, \"minContains\": "
                             "0}", "[]"), "");
}

/* ---- objects ---- */

static void
object_keywords_point_at_the_member(void **state)
{
  (void)state;

  assert_string_equal(
    errors("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": "
           "\"string\"}, \"age\": {\"type\": \"integer\", \"minimum\": 0}}, "
           "\"required\": [\"name\"], \"additionalProperties\": false}",
           "{\"age\": -1, \"extra\": true}"),
    "/age | /properties/age/minimum | minimum | must be >= 0, got -1\n"
    "/extra | /additionalProperties | additionalProperties | 'extra' is not "
    "allowed (additionalProperties is false) (key)\n"
    " | /required | required | missing required property 'name'\n");
}

static void
pattern_properties_and_property_names(void **state)
{
  (void)state;

  assert_string_equal(
    errors("{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, "
           "\"additionalProperties\": {\"type\": \"integer\"}}",
           "{\"x-a\": 1, \"b\": \"c\"}"),
    "/x-a | /patternProperties/^x-/type | type | expected string, got "
    "integer 1\n"
    "/b | /additionalProperties/type | type | expected integer, got string "
    "\"c\"\n");
  assert_string_equal(
    errors("{\"propertyNames\": {\"pattern\": \"^[a-z]+$\"}}",
           "{\"ok\": 1, \"Bad\": 2}"),
    "/Bad | /propertyNames/pattern | pattern | property name: \"Bad\" does "
    "not match the pattern ^[a-z]+$ (key)\n");
  /* An empty name after a long one: json-c loses the long one's buffer
   * when a string is set to "" (the sanitizer build sees the leak). */
  assert_string_equal(
    errors("{\"propertyNames\": {\"maxLength\": 20}}",
           "{\"a name longer than the first\": 1, \"\": 2, \"b\": 3}"),
    "/a name longer than the first | /propertyNames/maxLength | maxLength | "
    "property name: must be at most 20 characters, got 28 (key)\n");
  assert_string_equal(
    errors("{\"propertyNames\": {\"maxLength\": 40}}",
           "{\"a name longer than the first\": 1, \"\": 2, \"b\": 3}"),
    "");
}

static void
property_counts(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"minProperties\": 1}", "{}"),
                      " | /minProperties | minProperties | must have at least "
                      "1 property, got 0\n");
  assert_string_equal(errors("{\"maxProperties\": 1}", "{\"a\": 1, \"b\": 2}"),
                      " | /maxProperties | maxProperties | must have at most 1 "
                      "property, got 2\n");
}

static void
dependencies_in_every_form(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"dependentRequired\": {\"a\": [\"b\"]}}",
                             "{\"a\": 1}"),
                      " | /dependentRequired | dependentRequired | missing "
                      "property 'b' (required when 'a' is present)\n");
  assert_string_equal(errors("{\"dependentSchemas\": {\"a\": {\"required\": "
                             "[\"c\"]}}}", "{\"a\": 1}"),
                      " | /dependentSchemas/a/required | required | missing "
                      "required property 'c'\n");
  assert_string_equal(errors("{\"$schema\": \"http://json-schema.org/"
                             "draft-07/schema#\", \"dependencies\": {\"a\": "
                             "[\"b\"], \"c\": {\"maxProperties\": 1}}}",
                             "{\"a\": 1, \"c\": 2}"),
                      " | /dependencies | dependencies | missing property 'b' "
                      "(required when 'a' is present)\n"
                      " | /dependencies/c/maxProperties | maxProperties | "
                      "must have at most 1 property, got 2\n");
}

static void
escaped_names_make_escaped_paths(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"properties\": {\"a/b~c\": {\"type\": "
                             "\"string\"}}}", "{\"a/b~c\": 1}"),
                      "/a~1b~0c | /properties/a~1b~0c/type | type | expected "
                      "string, got integer 1\n");
}

/* ---- combinations ---- */

static void
any_of_by_type_is_one_error(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"anyOf\": [{\"type\": \"string\"}, "
                             "{\"type\": \"null\"}]}", "5"),
                      " | /anyOf | anyOf | expected string or null, got "
                      "integer 5\n");
}

static void
any_of_with_one_branch_of_the_type_reports_that_branch(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"anyOf\": [{\"type\": \"string\", "
                             "\"maxLength\": 2}, {\"type\": \"null\"}]}",
                             "\"abc\""),
                      " | /anyOf/0/maxLength | maxLength | must be at most 2 "
                      "characters, got 3\n");
}

static void
any_of_reports_the_closest_branch(void **state)
{
  const char *schema =
    "{\"$defs\": {"
    "\"cat\": {\"properties\": {\"kind\": {\"const\": \"cat\"}, "
    "\"lives\": {\"type\": \"integer\"}}, \"required\": [\"kind\", \"lives\"]},"
    " \"dog\": {\"properties\": {\"kind\": {\"const\": \"dog\"}, "
    "\"bark\": {\"type\": \"string\"}}, \"required\": [\"kind\", \"bark\"]}},"
    " \"oneOf\": [{\"$ref\": \"#/$defs/cat\"}, {\"$ref\": \"#/$defs/dog\"}]}";

  (void)state;

  assert_string_equal(errors(schema, "{\"kind\": \"dog\", \"bark\": 1}"),
                      " | /oneOf | oneOf | matches none of the 2 schemas in "
                      "oneOf\n"
                      "/bark | /$defs/dog/properties/bark/type | type | "
                      "expected string, got integer 1\n");
}

static void
one_of_refuses_two_matches(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"oneOf\": [{\"type\": \"integer\"}, "
                             "{\"minimum\": 0}]}", "1"),
                      " | /oneOf | oneOf | matches more than one schema in "
                      "oneOf (0 and 1); it must match exactly one\n");
}

static void
not_and_if_then_else(void **state)
{
  const char *schema = "{\"if\": {\"properties\": {\"kind\": {\"const\": "
                       "\"a\"}}}, \"then\": {\"required\": [\"x\"]}, "
                       "\"else\": {\"required\": [\"y\"]}}";

  (void)state;

  assert_string_equal(errors("{\"not\": {\"type\": \"null\"}}", "null"),
                      " | /not | not | must not match the schema in not\n");
  assert_string_equal(errors(schema, "{\"kind\": \"a\"}"),
                      " | /then/required | required | missing required "
                      "property 'x'\n");
  assert_string_equal(errors(schema, "{\"kind\": \"b\"}"),
                      " | /else/required | required | missing required "
                      "property 'y'\n");
}

static void
false_schemas_allow_nothing(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"properties\": {\"a\": false}}",
                             "{\"a\": 1}"),
                      "/a | /properties/a | false | no value is allowed here "
                      "(the schema is false)\n");
}

/* ---- references ---- */

static void
refs_follow_pointers_with_escapes(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"$defs\": {\"a/b\": {\"type\": \"integer\"}, "
                             "\"c d%\": {\"type\": \"string\"}}, \"items\": "
                             "[{\"$ref\": \"#/$defs/a~1b\"}, {\"$ref\": "
                             "\"#/$defs/c%20d%25\"}]}", "[\"x\", 1]"),
                      "/0 | /$defs/a~1b/type | type | expected integer, got "
                      "string \"x\"\n"
                      "/1 | /$defs/c d%/type | type | expected string, got "
                      "integer 1\n");
}

static void
ref_siblings_apply_from_2019_09_only(void **state)
{
  const char *schema = "{\"definitions\": {\"n\": {\"type\": \"integer\"}}, "
                       "\"$ref\": \"#/definitions/n\", \"maximum\": 5}";
  struct js_options d7 = { .draft = JS_DRAFT_7 };

  (void)state;

  assert_string_equal(errors(schema, "9"),
                      " | /maximum | maximum | must be <= 5, got 9\n");
  assert_string_equal(errors_with(schema, "9", &d7), "");
}

static void
ids_anchors_and_base_uris(void **state)
{
  const char *schema =
    "{\"$id\": \"https://example.com/root.json\", \"$defs\": {"
    "\"a\": {\"$id\": \"other/a.json\", \"$defs\": {\"n\": {\"$anchor\": "
    "\"num\", \"type\": \"number\"}}},"
    "\"b\": {\"$ref\": \"other/a.json#num\"}},"
    "\"properties\": {\"x\": {\"$ref\": \"#/$defs/b\"}, "
    "\"y\": {\"$ref\": \"https://example.com/other/a.json#/$defs/n\"}}}";

  (void)state;

  assert_string_equal(errors(schema, "{\"x\": \"1\", \"y\": \"2\"}"),
                      "/x | /$defs/a/$defs/n/type | type | expected number, "
                      "got string \"1\"\n"
                      "/y | /$defs/a/$defs/n/type | type | expected number, "
                      "got string \"2\"\n");
}

static int
load_remote(void *ctx, const char *uri, struct json_object **out, char *why,
            size_t size)
{
  (void)ctx;
  if (strcmp(uri, "https://example.com/name.json") != 0) {
    snprintf(why, size, "not served here");
    return FACET_ENOENT;
  }
  *out = json_tokener_parse("{\"$defs\": {\"name\": {\"type\": \"string\", "
                            "\"minLength\": 1}}}");
  return 0;
}

static void
remote_refs_go_through_the_resolver(void **state)
{
  struct js_resolver resolver = { load_remote, NULL };
  struct js_options opts = { .resolver = &resolver };

  (void)state;

  assert_string_equal(errors_with("{\"$ref\": \"https://example.com/name."
                                  "json#/$defs/name\"}", "\"\"", &opts),
                      " | https://example.com/name.json#/$defs/name/"
                      "minLength | minLength | must be at least 1 "
                      "character, got 0\n");
  assert_string_equal(problems_with("{\"$ref\": \"https://example.com/"
                                    "other.json\"}", &opts),
                      "/$ref: cannot resolve $ref 'https://example.com/"
                      "other.json': not served here\n");
}

static void
meta_schemas_are_built_in(void **state)
{
  const char *meta = "{\"$ref\": \"https://json-schema.org/draft/2020-12/"
                     "schema\"}";

  (void)state;

  assert_string_equal(errors(meta, "{\"type\": \"string\", \"properties\": "
                                   "{\"a\": {\"minimum\": 1}}}"), "");
  assert_string_not_equal(errors(meta, "{\"properties\": {\"a\": "
                                       "{\"minimum\": \"1\"}}}"), "");
  assert_string_not_equal(errors("{\"$ref\": \"http://json-schema.org/"
                                 "draft-07/schema#\"}", "{\"type\": 5}"), "");
}

/* What the meta-schemas refuse and validation would pass over silently:
 * each a problem at the exact member at fault. */
static void
meta_schema_slips_are_problems(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"required\": [\"a\", \"b\", \"a\"]}"),
                      "/required/2: required lists 'a' twice\n");
  assert_string_equal(problems("{\"type\": []}"),
                      "/type: type must list at least one type: an empty "
                      "list allows nothing\n");
  assert_string_equal(problems("{\"type\": [\"string\", \"null\", "
                               "\"string\"]}"),
                      "/type/2: type lists 'string' twice\n");
  assert_string_equal(problems("{\"$defs\": {\"a\": {\"$anchor\": "
                               "\"1 bad\"}, \"b\": {\"$anchor\": "
                               "\"_fine-1.x\"}}}"),
                      "/$defs/a/$anchor: $anchor '1 bad' is not a valid "
                      "name: a letter or '_' first, then letters, digits, "
                      "'-', '_' and '.'\n");
  assert_string_equal(problems("{\"$schema\": \"https://json-schema.org/"
                               "draft/2019-09/schema\", \"$anchor\": "
                               "\"_x\"}"),
                      "/$anchor: $anchor '_x' is not a valid name: a letter "
                      "first, then letters, digits, '-', '_' and '.' or "
                      "':'\n");
  assert_string_equal(problems("{\"title\": 5, \"properties\": {\"a\": "
                               "{\"description\": [\"x\"]}, \"title\": "
                               "{\"type\": \"string\"}}}"),
                      "/title: title must be a string, got integer 5\n"
                      "/properties/a/description: description must be a "
                      "string, got array\n");
  /* A repeat in required still requires the name. */
  assert_string_equal(errors("{\"required\": [\"a\", \"a\"]}", "{}"),
                      " | /required | required | missing required property "
                      "'a'\n");
}

/* ---- 2019-09 and 2020-12 ---- */

static void
unevaluated_properties_see_through_applicators(void **state)
{
  const char *schema =
    "{\"allOf\": [{\"properties\": {\"a\": true}}], "
    "\"anyOf\": [{\"properties\": {\"b\": true}, \"required\": [\"b\"]}, "
    "{\"properties\": {\"c\": true}, \"required\": [\"c\"]}], "
    "\"unevaluatedProperties\": false}";

  (void)state;

  assert_string_equal(errors(schema, "{\"a\": 1, \"b\": 2}"), "");
  assert_string_equal(errors(schema, "{\"a\": 1, \"b\": 2, \"c\": 3}"), "");
  assert_string_equal(errors(schema, "{\"b\": 2, \"d\": 4}"),
                      "/d | /unevaluatedProperties | unevaluatedProperties | "
                      "'d' is not allowed (unevaluatedProperties is false) "
                      "(key)\n");
}

static void
unevaluated_properties_drop_failed_branches(void **state)
{
  const char *schema =
    "{\"if\": {\"properties\": {\"kind\": {\"const\": \"a\"}}, "
    "\"required\": [\"kind\"]}, \"then\": {\"properties\": {\"x\": true}}, "
    "\"properties\": {\"kind\": true}, \"unevaluatedProperties\": false}";

  (void)state;

  assert_string_equal(errors(schema, "{\"kind\": \"a\", \"x\": 1}"), "");
  assert_string_equal(errors(schema, "{\"kind\": \"b\", \"x\": 1}"),
                      "/x | /unevaluatedProperties | unevaluatedProperties | "
                      "'x' is not allowed (unevaluatedProperties is false) "
                      "(key)\n");
}

/* if without then or else still evaluates what it matched (2020-12's
 * annotation collection), and a failed if evaluates nothing. */
static void
unevaluated_sees_an_if_without_then_or_else(void **state)
{
  const char *props =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", "
    "\"if\": {\"properties\": {\"foo\": {\"type\": \"string\"}}}, "
    "\"unevaluatedProperties\": false}";
  const char *items =
    "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\", "
    "\"if\": {\"prefixItems\": [{\"const\": 1}]}, "
    "\"unevaluatedItems\": false}";

  (void)state;

  assert_string_equal(errors(props, "{\"foo\": \"a\"}"), "");
  assert_string_equal(errors(props, "{\"foo\": 1}"),
                      "/foo | /unevaluatedProperties | unevaluatedProperties "
                      "| 'foo' is not allowed (unevaluatedProperties is "
                      "false) (key)\n");
  assert_string_equal(errors(items, "[1]"), "");
  assert_string_equal(errors(items, "[2]"),
                      "/0 | /unevaluatedItems | unevaluatedItems | item 0 is "
                      "not allowed (unevaluatedItems is false)\n");
}

static void
unevaluated_items_after_prefix_and_contains(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"allOf\": [{\"prefixItems\": [true]}], "
                             "\"unevaluatedItems\": false}", "[1, 2]"),
                      "/1 | /unevaluatedItems | unevaluatedItems | item 1 is "
                      "not allowed (unevaluatedItems is false)\n");
  assert_string_equal(errors("{\"prefixItems\": [true], \"contains\": "
                             "{\"type\": \"string\"}, \"unevaluatedItems\": "
                             "{\"type\": \"integer\"}}",
                             "[null, \"s\", 3, true]"),
                      "/3 | /unevaluatedItems/type | type | expected integer, "
                      "got boolean true\n");
}

static void
dynamic_refs_extend_a_recursive_schema(void **state)
{
  /* The tree of the 2020-12 specification, made strict by extension. */
  const char *schema =
    "{\"$id\": \"https://example.com/strict-tree\", \"$dynamicAnchor\": "
    "\"node\", \"$ref\": \"tree\", \"unevaluatedProperties\": false, "
    "\"$defs\": {\"tree\": {\"$id\": \"https://example.com/tree\", "
    "\"$dynamicAnchor\": \"node\", \"type\": \"object\", \"properties\": "
    "{\"data\": true, \"children\": {\"type\": \"array\", \"items\": "
    "{\"$dynamicRef\": \"#node\"}}}}}}";

  (void)state;

  assert_string_equal(errors(schema, "{\"children\": [{\"data\": 1}]}"), "");
  assert_string_equal(errors(schema, "{\"children\": [{\"daat\": 1}]}"),
                      "/children/0/daat | /unevaluatedProperties | "
                      "unevaluatedProperties | 'daat' is not allowed "
                      "(unevaluatedProperties is false) (key)\n");
}

static void
recursive_refs_extend_in_2019_09(void **state)
{
  const char *schema =
    "{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", "
    "\"$id\": \"https://example.com/strict\", \"$recursiveAnchor\": true, "
    "\"$ref\": \"tree\", \"unevaluatedProperties\": false, "
    "\"$defs\": {\"tree\": {\"$id\": \"https://example.com/tree\", "
    "\"$recursiveAnchor\": true, \"type\": \"object\", \"properties\": "
    "{\"data\": true, \"children\": {\"type\": \"array\", \"items\": "
    "{\"$recursiveRef\": \"#\"}}}}}}";

  (void)state;

  assert_string_equal(errors(schema, "{\"children\": [{\"data\": 1}]}"), "");
  assert_string_equal(errors(schema, "{\"children\": [{\"daat\": 1}]}"),
                      "/children/0/daat | /unevaluatedProperties | "
                      "unevaluatedProperties | 'daat' is not allowed "
                      "(unevaluatedProperties is false) (key)\n");
}

/* ---- limits ---- */

static void
refs_that_loop_are_errors_not_hangs(void **state)
{
  (void)state;

  assert_string_equal(errors("{\"$ref\": \"#\"}", "1"),
                      " | /$ref | $ref | the schema loops: # leads back here "
                      "without going deeper into the instance\n");
  assert_string_equal(errors("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, "
                             "\"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": "
                             "\"#/$defs/a\"}", "1"),
                      " | /$defs/b/$ref | $ref | the schema loops: "
                      "#/$defs/a leads back here without going deeper into "
                      "the instance\n");
}

static void
deep_instances_stop_at_the_depth_limit(void **state)
{
  const char *schema = "{\"items\": {\"$ref\": \"#\"}}";
  struct json_object *inst = json_object_new_array();
  struct json_object *inner = inst;
  struct js_schema *s = compile(schema, NULL);
  struct js_result r;

  (void)state;
  for (int i = 0; i < 2 * JS_DEPTH_MAX; i++) {
    struct json_object *next = json_object_new_array();

    json_object_array_add(inner, next);
    inner = next;
  }
  js_result_init(&r);

  assert_int_equal(js_validate(s, inst, &r), 0);
  assert_int_equal(r.count, 1);
  assert_string_equal(r.errors[0].message, "nesting is deeper than the "
                      "validator follows (512 levels)");
  assert_false(js_valid(s, inst));
  /* The quick walk leaves the limit to the walk that reports it. */
  assert_int_equal(jsq_valid(s, inst, &(struct jsv_scratch){ 0 }),
                   JSQ_UNKNOWN);
  js_result_release(&r);
  js_schema_free(s);
  json_object_put(inst);
}

/* The quick walk decides what it can, and leaves the rest to the walk
 * that says why: each case says which, and the verdict. */
#define NAMES "{\"properties\": {\"abcdefg\": {\"type\": \"integer\"}, " \
              "\"abcdefgh\": {\"type\": \"string\"}, \"a\": {\"type\": " \
              "\"null\"}}, \"additionalProperties\": false}"

#define ENUM "{\"enum\": [\"\", \"a\", \"abc\", \"abcdefg\", \"abcdefgh\", " \
             "\"abcdefghijklmnopq\"]}"
#define STRICT_TREE                                                        \
  "{\"$id\": \"https://example.com/strict-tree\", \"$dynamicAnchor\": "     \
  "\"node\", \"$ref\": \"tree\", \"required\": [\"data\"], \"$defs\": "    \
  "{\"tree\": {\"$id\": \"https://example.com/tree\", \"$dynamicAnchor\": " \
  "\"node\", \"type\": \"object\", \"properties\": {\"data\": true, "      \
  "\"children\": {\"type\": \"array\", \"items\": {\"$dynamicRef\": "      \
  "\"#node\"}}}}}}"
#define RECURSIVE_TREE                                                     \
  "{\"$schema\": \"https://json-schema.org/draft/2019-09/schema\", "        \
  "\"$id\": \"https://example.com/strict\", \"$recursiveAnchor\": true, "   \
  "\"$ref\": \"tree\", \"required\": [\"data\"], \"$defs\": {\"tree\": "   \
  "{\"$id\": \"https://example.com/tree\", \"$recursiveAnchor\": true, "    \
  "\"type\": \"object\", \"properties\": {\"data\": true, \"children\": "   \
  "{\"type\": \"array\", \"items\": {\"$recursiveRef\": \"#\"}}}}}}"

static void
quick_walk_decides_or_leaves_it(void **state)
{
  static const struct {
    const char *schema;
    const char *instance;
    bool valid;
    enum jsq_verdict quick;
  } cases[] = {
    { "{\"type\": \"integer\"}", "1.0", true, JSQ_VALID },
    { "{\"$schema\": \"http://json-schema.org/draft-04/schema#\", "
      "\"type\": \"integer\"}", "1.0", false, JSQ_INVALID },
    /* Bounds and numbers doubles do not hold exactly. */
    { "{\"minimum\": 9007199254740993}", "9007199254740992", false,
      JSQ_INVALID },
    { "{\"minimum\": 9007199254740993}", "9007199254740993", true,
      JSQ_VALID },
    { "{\"maximum\": 9223372036854775807}", "9223372036854775808", false,
      JSQ_INVALID },
    { "{\"maximum\": 18446744073709551615}", "18446744073709551615", true,
      JSQ_VALID },
    { "{\"exclusiveMaximum\": 0.1}", "0.1", false, JSQ_INVALID },
    { "{\"exclusiveMinimum\": -1}", "-0.5", true, JSQ_VALID },
    { "{\"multipleOf\": 0.01}", "0.07", true, JSQ_VALID },
    { "{\"multipleOf\": 3}", "9007199254740993", true, JSQ_VALID },
    { "{\"multipleOf\": 3}", "9007199254740994", false, JSQ_INVALID },
    /* Strings. */
    { "{\"minLength\": 2, \"maxLength\": 3}", "\"\\u00e9\\u00e9\\u00e9\"",
      true, JSQ_VALID },
    { "{\"maxLength\": 2}", "\"\\u00e9\\u00e9\\u00e9\"", false, JSQ_INVALID },
    { "{\"pattern\": \"^\\\\S+$\"}", "\"caf\\u00e9\"", true, JSQ_VALID },
    { "{\"pattern\": \"^\\\\S+$\"}", "\"caf\\u3000\"", false, JSQ_INVALID },
    { "{\"enum\": [\"a\", 1, [2]]}", "[2.0]", true, JSQ_VALID },
    /* Strings compared a word at a time: every length around a word's,
     * a difference at the first, a middle and the last byte. */
    { ENUM, "\"\"", true, JSQ_VALID },
    { ENUM, "\"abc\"", true, JSQ_VALID },
    { ENUM, "\"abd\"", false, JSQ_INVALID },
    { ENUM, "\"abcdefg\"", true, JSQ_VALID },
    { ENUM, "\"abcxefg\"", false, JSQ_INVALID },
    { ENUM, "\"abcdefgh\"", true, JSQ_VALID },
    { ENUM, "\"xbcdefgh\"", false, JSQ_INVALID },
    { ENUM, "\"abcdefghijklmnopq\"", true, JSQ_VALID },
    { ENUM, "\"abcdefghijklmnopx\"", false, JSQ_INVALID },
    { ENUM, "\"abcdefghijxlmnopq\"", false, JSQ_INVALID },
    { ENUM, "\"abcdefghijklmnop\"", false, JSQ_INVALID },
    { "{\"const\": \"abcdefghijkl\"}", "\"abcdefghijkl\"", true, JSQ_VALID },
    { "{\"const\": \"abcdefghijkl\"}", "\"abcdefghijkL\"", false,
      JSQ_INVALID },
    { "{\"const\": {\"a\": [1]}}", "{\"a\": [1, 2]}", false, JSQ_INVALID },
    /* Objects. */
    { "{\"propertyNames\": {\"pattern\": \"^[a-z]+$\"}}",
      "{\"ab\": 1, \"cD\": 2}", false, JSQ_INVALID },
    { "{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, "
      "\"additionalProperties\": false}", "{\"x-a\": \"s\"}", true,
      JSQ_VALID },
    { "{\"patternProperties\": {\"^x-\": {\"type\": \"string\"}}, "
      "\"additionalProperties\": false}", "{\"y\": \"s\"}", false,
      JSQ_INVALID },
    { "{\"properties\": {\"a\": true, \"b\": true}, \"required\": [\"b\", "
      "\"c\"]}", "{\"b\": 1, \"a\": 2, \"c\": 3}", true, JSQ_VALID },
    { "{\"properties\": {\"a\": true, \"b\": true}, \"required\": [\"b\", "
      "\"c\"]}", "{\"b\": 1, \"a\": 2}", false, JSQ_INVALID },
    { "{\"dependentRequired\": {\"a\": [\"b\"]}, \"dependentSchemas\": "
      "{\"b\": {\"maxProperties\": 2}}}", "{\"a\": 1, \"b\": 2}", true,
      JSQ_VALID },
    { "{\"dependentRequired\": {\"a\": [\"b\"]}, \"dependentSchemas\": "
      "{\"b\": {\"maxProperties\": 2}}}", "{\"a\": 1, \"b\": 2, \"c\": 3}",
      false, JSQ_INVALID },
    /* Names around the length where comparing them changes method, in
     * the schema's order and out of it. */
    { NAMES, "{\"abcdefg\": 1, \"abcdefgh\": \"x\", \"a\": null}", true,
      JSQ_VALID },
    { NAMES, "{\"a\": null, \"abcdefgh\": \"x\", \"abcdefg\": 1}", true,
      JSQ_VALID },
    { NAMES, "{\"abcdef\": 1}", false, JSQ_INVALID },
    { NAMES, "{\"abcdefgh\": 1}", false, JSQ_INVALID },
    { NAMES, "{\"abcdefghi\": 1}", false, JSQ_INVALID },
    { NAMES, "{\"abcdefgx\": \"x\"}", false, JSQ_INVALID },
    { NAMES, "{\"\": 1}", false, JSQ_INVALID },
    { NAMES, "{\"ab\": null}", false, JSQ_INVALID },
    /* Arrays and in-place applicators. */
    { "{\"contains\": {\"const\": 1}, \"minContains\": 2, \"maxContains\": "
      "3}", "[1, 1, 2, 1, 1]", false, JSQ_INVALID },
    { "{\"uniqueItems\": true}", "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, "
      "14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 1.0]", false,
      JSQ_INVALID },
    { "{\"prefixItems\": [{\"type\": \"string\"}], \"items\": false}",
      "[\"a\", 2]", false, JSQ_INVALID },
    { "{\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 2}]}", "3", false,
      JSQ_INVALID },
    { "{\"if\": {\"type\": \"string\"}, \"then\": {\"minLength\": 2}, "
      "\"else\": {\"type\": \"null\"}}", "null", true, JSQ_VALID },
    { "{\"not\": {\"anyOf\": [{\"type\": \"string\"}, {\"type\": "
      "\"null\"}]}}", "true", true, JSQ_VALID },
    { "{\"$defs\": {\"n\": {\"type\": \"integer\"}}, \"items\": {\"$ref\": "
      "\"#/$defs/n\"}}", "[1, \"2\"]", false, JSQ_INVALID },
    /* Left to the walk that says why. */
    { "{\"unevaluatedProperties\": false}", "{}", true, JSQ_UNKNOWN },
    { "{\"items\": {\"unevaluatedItems\": false}}", "[1, [2]]", false,
      JSQ_UNKNOWN },
    { "{\"$ref\": \"#\"}", "1", false, JSQ_UNKNOWN },
    /* The dynamic scope: each child must have data, as the extension
     * (not the tree it extends) says. */
    { STRICT_TREE, "{\"data\": 1, \"children\": [{\"data\": 2}]}", true,
      JSQ_VALID },
    { STRICT_TREE, "{\"data\": 1, \"children\": [{\"x\": 2}]}", false,
      JSQ_INVALID },
    { RECURSIVE_TREE, "{\"data\": 1, \"children\": [{\"data\": 2}]}", true,
      JSQ_VALID },
    { RECURSIVE_TREE, "{\"data\": 1, \"children\": [{\"x\": 2}]}", false,
      JSQ_INVALID },
    /* A pattern PCRE2 gives up on (JSV_MATCH_LIMIT steps). */
    { "{\"pattern\": \"^(a+)+$\"}",
      "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\"", false, JSQ_UNKNOWN },
    /* Text that is not UTF-8 matches no pattern PCRE2 runs. */
    { "{\"pattern\": \"^(?:a|b)$\"}", "\"a\xff\"", false, JSQ_INVALID },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct js_schema *s = compile(cases[i].schema, NULL);
    struct json_object *inst = json_tokener_parse(cases[i].instance);
    struct jsv_scratch scratch = { 0 };
    enum jsq_verdict quick = jsq_valid(s, inst, &scratch);

    if (quick != cases[i].quick || jsv_walk_valid(s, inst) != cases[i].valid)
      fail_msg("%s on %s: the quick walk says %d, the other %d",
               cases[i].schema, cases[i].instance, quick,
               jsv_walk_valid(s, inst));
    assert_int_equal(js_valid(s, inst), cases[i].valid);
    jsv_scratch_release(&scratch);
    json_object_put(inst);
    js_schema_free(s);
  }
}

static void
errors_stop_at_the_limit(void **state)
{
  struct js_options opts = { .max_errors = 2 };

  (void)state;

  assert_string_equal(errors_with("{\"required\": [\"a\", \"b\", \"c\"]}",
                                  "{}", &opts),
                      " | /required | required | missing required property "
                      "'a'\n"
                      " | /required | required | missing required property "
                      "'b'\n"
                      "(truncated)\n");
}

/* ---- problems with schemas ---- */

static void
unknown_types_suggest_the_nearest(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"properties\": {\"a\": {\"type\": "
                               "\"strng\"}, \"b\": {\"type\": [\"int\", "
                               "\"null\"]}}}"),
                      "/properties/a/type: unknown type 'strng' (did you "
                      "mean 'string'?)\n"
                      "/properties/b/type/0: unknown type 'int' (did you "
                      "mean 'integer'?)\n");
  /* The rest of the schema still validates. */
  assert_string_equal(errors("{\"type\": \"strng\", \"minLength\": 2}",
                             "\"a\""),
                      " | /minLength | minLength | must be at least 2 "
                      "characters, got 1\n");
}

static void
keywords_of_the_wrong_type_are_left_out(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"required\": \"a\", \"minimum\": \"5\", "
                               "\"minLength\": -1, \"properties\": [], "
                               "\"allOf\": []}"),
                      "/required: required must be an array of property "
                      "names, got string \"a\"\n"
                      "/minimum: minimum must be a number, got string "
                      "\"5\"\n"
                      "/minLength: minLength must be a non-negative integer, "
                      "got integer -1\n"
                      "/properties: properties must be an object, got "
                      "array\n"
                      "/allOf: allOf must hold at least one schema, not an "
                      "empty array\n");
  assert_string_equal(problems("{\"required\": [\"a\", 2]}"),
                      "/required/1: required must be a property name, got "
                      "integer 2\n");
}

static void
refs_that_resolve_nowhere_are_problems(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"properties\": {\"a\": {\"$ref\": "
                               "\"#/$defs/missing\"}, \"b\": {\"$ref\": "
                               "\"#nowhere\"}, \"c\": {\"$ref\": "
                               "\"https://example.com/x.json\"}}}"),
                      "/properties/a/$ref: cannot resolve $ref "
                      "'#/$defs/missing': no such location\n"
                      "/properties/b/$ref: cannot resolve $ref '#nowhere': "
                      "no such anchor\n"
                      "/properties/c/$ref: cannot resolve $ref "
                      "'https://example.com/x.json': no resolver was given "
                      "to load it\n");
}

static void
patterns_that_do_not_compile_are_problems(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"pattern\": \"^(a\", \"patternProperties\":"
                               " {\"\\\\Z\": true}}"),
                      "/pattern: the pattern ^(a does not compile: missing "
                      "closing parenthesis (at offset 3)\n"
                      "/patternProperties/\\Z: the pattern \\Z does not "
                      "compile: \\Z is not an ECMA-262 escape (at offset "
                      "0)\n");
}

static void
draft_forms_out_of_their_draft_are_problems(void **state)
{
  (void)state;

  assert_string_equal(problems("{\"$schema\": \"https://json-schema.org/"
                               "draft/2020-12/schema\", \"items\": [true], "
                               "\"exclusiveMinimum\": true}"),
                      "/exclusiveMinimum: exclusiveMinimum must be a number "
                      "(a boolean only in draft-04), got boolean true\n"
                      "/items: in 2020-12, items takes one schema; a list of "
                      "schemas is prefixItems\n");
}

static bool
test__ascii(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80)
      return false;
  return true;
}

/* Simple patterns are matched without PCRE2: the two must always agree,
 * on ASCII text (which a DFA reads) and on text that is not (which the
 * backtracking matcher reads: each subject is tried again after and
 * before an "é"). */
static void
simple_patterns_agree_with_pcre2(void **state)
{
  static const char *const patterns[] = {
    "^[A-Z]{2}$", "^INV-[0-9]{6}$", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    "^[A-Z0-9][A-Z0-9 -]{2,9}$", "^[a-z]+", "[0-9]$", "ab*c", "^$", "",
    "^.+@.+\\.[a-z]{2,}$", "^[^@]+@[^@]+$", "^\\d+(?:x)?$", "a.c",
    "^[\\w-]{3,}$", "x{0}y", "^a?b??c*?$", "[^a-z]", "^\\$\\.\\*$",
    "^[]$", "^[^]$", "^.$", "colou?r", "\\\\$", "^a{2,}$",
    /* \s and the negated sets, in classes and out */
    "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", "^\\s*$", "^\\S+$", "\\s", "^\\s$",
    "^[\\s\\S]$", "^[^\\s]$", "^\\D+$", "^\\W$", "^[\\w\\s]+$",
    "^[^\\d\\s]+$", "\\S\\s\\S", "^[^\\S]+$", "^[\\D]$", "[\\W\\d]",
    /* atoms that must give characters back, and ones that need not */
    "^a*ab$", "^[a-z]*[0-9]+$", "^a+a$", "^x*$", "^[a-c]{1,3}[c-e]{1,3}$",
    "^a{2,4}a{1,2}$", "b+$", "^a?a?a?aaa$", "a{3}", "[ab]{2,}b{2}",
    "^[0-9]*\\.?[0-9]+$", "^.*x.*$", "^a{0,2}$", "^.*ab$", "^.+b{2}$",
    "^[^@]+@[^@]+\\.[a-z]+$", "^\\S*\\S\\S$", "^(?:a)$",
  };
  static const char *const subjects[] = {
    "", "AB", "ab", "ABC", "INV-123456", "INV-12345", "2024-03-11",
    "2024-3-11", "X9 -A", "x", "abc", "ac", "abbbbc", "a@b.io", "a@@b.io",
    "caf\xC3\xA9", "\xF0\x9F\x98\x80", ("a\xE2\x80\xA8" "c"), "a\xE2\x80\xA9",
    "\xE2\x80\xA8", "aXc", "a-b_c", "y", "abc123", "$.*", "color", "colour",
    "\\", "aa", "a", "\xC3", "ab\xFF", "\xED\xA0\x80",
    "a b", "a\tb", " ", "\t\n", "a\xC2\xA0" "b", "\xC2\xA0", "\xE3\x80\x80",
    "\xEF\xBB\xBF", "\xE2\x80\x8A", "\xE2\x80\x8B", "\xE1\x9A\x80",
    "agacaf@example.com", "a@b.c.de", "a b@c.de", "x@y.z", "aab", "aaab",
    "aaaa", "aaaaa", "abbb", "abcde", "cc", "1.5", ".5", "5.", "xax", "bb",
    "abb", "ab12", "12",
  };
  size_t simple = 0;

  (void)state;
  for (size_t i = 0; i < sizeof patterns / sizeof *patterns; i++) {
    pcre2_code *code;
    pcre2_match_data *md;
    char why[256];
    size_t at;
    struct arena arena;
    const struct jsre_simple *prog;

    assert_int_equal(jsre_compile(patterns[i], strlen(patterns[i]), &code,
                                  why, sizeof why, &at), 0);
    arena_init(&arena, 0);
    prog = jsre_simple_compile(&arena, patterns[i], strlen(patterns[i]));
    md = pcre2_match_data_create(1, NULL);
    simple += prog != NULL;
    for (size_t k = 0; prog && k < 3 * sizeof subjects / sizeof *subjects;
         k++) {
      const char *base = subjects[k / 3];
      char subject[64];
      int want, got;

      snprintf(subject, sizeof subject, "%s%s%s", k % 3 == 2 ? "\xC3\xA9" : "",
               base, k % 3 == 1 ? "\xC3\xA9" : "");
      want = pcre2_match(code, (PCRE2_SPTR)subject, strlen(subject), 0, 0,
                         md, NULL) >= 0;
      got = jsre_simple_match(prog, subject, strlen(subject));
      if (got < 0 && test__ascii(subject))
        fail_msg("/%s/ on \"%s\": simple gives up on ASCII", patterns[i],
                 subject);
      if (got >= 0 && got != want)
        fail_msg("/%s/ on \"%s\": simple says %d, PCRE2 %d", patterns[i],
                 subject, got, want);
    }
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    arena_release(&arena);
  }
  /* All but the two with a group. */
  assert_int_equal(simple, sizeof patterns / sizeof *patterns - 2);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(type_errors_name_both_types),
    cmocka_unit_test(integers_include_whole_floats_except_in_draft_04),
    cmocka_unit_test(enum_and_const_show_the_allowed_values),
    cmocka_unit_test(bounds_say_the_limit_and_the_value),
    cmocka_unit_test(draft_04_exclusive_bounds_are_booleans),
    cmocka_unit_test(multiple_of_is_exact_for_decimals),
    cmocka_unit_test(lengths_count_code_points),
    cmocka_unit_test(patterns_are_ecma_262),
    cmocka_unit_test(formats_are_annotations_unless_asserted),
    cmocka_unit_test(asserted_formats_accept_and_refuse),
    cmocka_unit_test(array_sizes_and_duplicates),
    cmocka_unit_test(long_arrays_find_duplicates_by_hash),
    cmocka_unit_test(items_check_each_item_at_its_index),
    cmocka_unit_test(prefix_items_then_items_in_2020_12),
    cmocka_unit_test(draft_07_tuples_work_without_schema),
    cmocka_unit_test(contains_counts_matches),
    cmocka_unit_test(object_keywords_point_at_the_member),
    cmocka_unit_test(pattern_properties_and_property_names),
    cmocka_unit_test(property_counts),
    cmocka_unit_test(dependencies_in_every_form),
    cmocka_unit_test(escaped_names_make_escaped_paths),
    cmocka_unit_test(any_of_by_type_is_one_error),
    cmocka_unit_test(any_of_with_one_branch_of_the_type_reports_that_branch),
    cmocka_unit_test(any_of_reports_the_closest_branch),
    cmocka_unit_test(one_of_refuses_two_matches),
    cmocka_unit_test(not_and_if_then_else),
    cmocka_unit_test(false_schemas_allow_nothing),
    cmocka_unit_test(refs_follow_pointers_with_escapes),
    cmocka_unit_test(ref_siblings_apply_from_2019_09_only),
    cmocka_unit_test(ids_anchors_and_base_uris),
    cmocka_unit_test(remote_refs_go_through_the_resolver),
    cmocka_unit_test(meta_schemas_are_built_in),
    cmocka_unit_test(unevaluated_properties_see_through_applicators),
    cmocka_unit_test(unevaluated_properties_drop_failed_branches),
    cmocka_unit_test(unevaluated_items_after_prefix_and_contains),
    cmocka_unit_test(unevaluated_sees_an_if_without_then_or_else),
    cmocka_unit_test(meta_schema_slips_are_problems),
    cmocka_unit_test(unicode_property_escapes_take_long_names),
    cmocka_unit_test(big_integers_compare_exactly),
    cmocka_unit_test(dynamic_refs_extend_a_recursive_schema),
    cmocka_unit_test(recursive_refs_extend_in_2019_09),
    cmocka_unit_test(refs_that_loop_are_errors_not_hangs),
    cmocka_unit_test(deep_instances_stop_at_the_depth_limit),
    cmocka_unit_test(quick_walk_decides_or_leaves_it),
    cmocka_unit_test(errors_stop_at_the_limit),
    cmocka_unit_test(unknown_types_suggest_the_nearest),
    cmocka_unit_test(keywords_of_the_wrong_type_are_left_out),
    cmocka_unit_test(refs_that_resolve_nowhere_are_problems),
    cmocka_unit_test(patterns_that_do_not_compile_are_problems),
    cmocka_unit_test(draft_forms_out_of_their_draft_are_problems),
    cmocka_unit_test(simple_patterns_agree_with_pcre2),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
