/*
 * Schemas in artifacts (analyzers/schema*.c, picoschema.c): the
 * validator's problems at the keyword at fault, misspelt keywords, the
 * providers' rules and their fixes (applied, and the result analysed
 * again), instances validated against the schemas artifacts hold, and
 * Picoschema against the conversions Dotprompt's own spec lists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "artifact.h"
#include "error.h"
#include "picoschema.h"
#include "schema.h"
#include "tree.h"

static struct artifact *
analyze_as(const char *path, const char *text, enum schema_provider p,
           const struct schema_files *files)
{
  struct analyze_options opts = { .provider = p, .schema_files = files };
  struct artifact *a = artifact_analyze(path, text, strlen(text), &opts);

  assert_non_null(a);
  return a;
}

static struct artifact *
analyze(const char *path, const char *text)
{
  return analyze_as(path, text, SCHEMA_PROVIDER_NONE, NULL);
}

/* "code L:C-L:C message", with 1-based lines and columns. */
static const char *
diag_text(const struct artifact *a, size_t i)
{
  static char text[1024];
  const struct diagnostic *d = &a->diags.items[i];
  uint32_t l1, c1, l2, c2;

  source_line_col(&a->src, d->span.start, &l1, &c1);
  source_line_col(&a->src, d->span.end, &l2, &c2);
  snprintf(text, sizeof text, "%s%s %u:%u-%u:%u %s",
           diag_code_info(d->code)->name,
           d->severity == diag_code_info(d->code)->severity ? ""
           : d->severity == SEVERITY_WARNING ? "(warning)" : "(other)",
           l1, c1, l2, c2, d->message);
  return text;
}

static void
print_diags(const struct artifact *a)
{
  for (size_t i = 0; i < a->diags.count; i++)
    print_message("  got: %s\n", diag_text(a, i));
}

/* want ends with NULL; every diagnostic must be listed, in order. */
static void
expect_diags(const struct artifact *a, const char *const *want)
{
  size_t n = 0;

  for (; want[n]; n++) {
    if (n >= a->diags.count || strcmp(diag_text(a, n), want[n]) != 0)
      print_diags(a);
    assert_true(n < a->diags.count);
    assert_string_equal(diag_text(a, n), want[n]);
  }
  if (a->diags.count > n) {
    print_diags(a);
    fail_msg("unexpected diagnostic: %s", diag_text(a, n));
  }
}

#define EXPECT_DIAGS(a, ...) \
  expect_diags(a, (const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT_NO_DIAGS(a) expect_diags(a, (const char *const[]){ NULL })

/* The text after diagnostic i's fix (its edits, or its replacement of
 * the text inside any quotes), in a static buffer. */
static const char *
fixed(const struct artifact *a, size_t i)
{
  static char out[8192];
  const struct diagnostic *d = &a->diags.items[i];
  struct diag_edit one;
  const struct diag_edit *edits = &one;
  uint32_t count = 1;
  size_t len = 0;
  uint32_t at = 0;

  assert_true(i < a->diags.count);
  assert_true(d->fix || d->replacement);
  if (d->fix) {
    edits = d->fix->edits;
    count = d->fix->count;
  } else {
    one.span = d->span;
    one.text = d->replacement;
    if (strchr("\"'", a->text[d->span.start])) {
      one.span.start++;
      one.span.end--;
    }
  }
  for (uint32_t k = 0; k < count; k++) {
    len += (size_t)snprintf(out + len, sizeof out - len, "%.*s%s",
                            (int)(edits[k].span.start - at), a->text + at,
                            edits[k].text);
    at = edits[k].span.end;
  }
  snprintf(out + len, sizeof out - len, "%s", a->text + at);
  return out;
}

static const char *
fix_title(const struct artifact *a, size_t i)
{
  assert_non_null(a->diags.items[i].fix);
  return a->diags.items[i].fix->title;
}

/* Schema files: the validator's problems */

static void
problems_sit_on_the_keyword_at_fault(void **state)
{
  const char *text =
    "{\n"
    "  \"type\": \"object\",\n"
    "  \"properties\": {\n"
    "    \"p\": { \"pattern\": \"a(b\", \"minLength\": -1 },\n"
    "    \"q\": { \"enum\": 3, \"items\": [true] },\n"
    "    \"r\": { \"$ref\": \"#/$defs/nope\" },\n"
    "    \"s\": { \"$ref\": \"#nowhere\" },\n"
    "    \"t\": { \"$ref\": \"#/$defs/here\" }\n"
    "  },\n"
    "  \"$defs\": { \"here\": { \"type\": [\"string\", \"nul\"] } }\n"
    "}\n";
  struct artifact *a;

  (void)state;

  a = analyze("out.schema.json", text);

  EXPECT_DIAGS(a,
    "invalid-schema 4:12-4:21 the pattern a(b does not compile: missing "
    "closing parenthesis (at offset 3)",
    "invalid-schema 4:30-4:41 minLength must be a non-negative integer, got "
    "integer -1",
    "invalid-schema 5:12-5:18 enum must be an array, got integer 3",
    "unresolved-ref 6:12-6:18 cannot resolve $ref '#/$defs/nope': no such "
    "location",
    "unresolved-ref 7:12-7:18 cannot resolve $ref '#nowhere': no such "
    "anchor",
    "invalid-schema 10:43-10:48 unknown type 'nul' (did you mean 'null'?)");
  assert_string_equal(a->diags.items[5].replacement, "null");
  artifact_free(a);
}

static void
a_misspelt_type_is_fixed_inside_its_quotes(void **state)
{
  const char *text = "{ \"type\": \"strng\" }";
  struct artifact *a;

  (void)state;

  a = analyze("a.schema.json", text);

  EXPECT_DIAGS(a,
    "invalid-schema 1:3-1:9 unknown type 'strng' (did you mean 'string'?)");
  assert_string_equal(fix_title(a, 0), "Replace 'strng' with 'string'");
  assert_string_equal(fixed(a, 0), "{ \"type\": \"string\" }");
  artifact_free(a);
}

static void
misspelt_keywords_are_reported_with_the_keyword_meant(void **state)
{
  const char *text =
    "type: object\n"
    "properties:\n"
    "  name: {type: string, minLenght: 1, x-ui: wide, widget: text}\n"
    "  tags:\n"
    "    type: array\n"
    "    item: {type: string}\n"
    "requried: [name]\n";
  struct artifact *a;

  (void)state;

  a = analyze("b.schema.yaml", text);

  EXPECT_DIAGS(a,
    "unknown-key 3:24-3:33 'minLenght' is not a JSON Schema keyword, so it "
    "checks nothing; did you mean 'minLength'?",
    "unknown-key 6:5-6:9 'item' is not a JSON Schema keyword, so it checks "
    "nothing; did you mean 'items'?",
    "unknown-key 7:1-7:9 'requried' is not a JSON Schema keyword, so it "
    "checks nothing; did you mean 'required'?");
  assert_string_equal(a->diags.items[2].replacement, "required");
  artifact_free(a);
}

/* A reader of files for $refs, from a fixed table. */
static int
files_read(void *ctx, const char *uri, char **text, size_t *len, char *why,
           size_t size)
{
  const char *const *table = ctx;

  for (; table[0]; table += 2)
    if (strcmp(table[0], uri) == 0) {
      *text = strdup(table[1]);
      *len = strlen(table[1]);
      return *text ? 0 : FACET_ENOMEM;
    }
  snprintf(why, size, "no such file");
  return FACET_ENOENT;
}

static void
refs_to_files_are_read_through_the_reader(void **state)
{
  static const char *const table[] = {
    "file:///ws/defs.json", "{\"$defs\": {\"line\": {\"type\": \"object\"}}}",
    "file:///ws/bad.yaml", "a: [",
    NULL,
  };
  const struct schema_files files = { files_read, (void *)table };
  const char *text =
    "{\"properties\": {\n"
    " \"a\": {\"$ref\": \"defs.json#/$defs/line\"},\n"
    " \"b\": {\"$ref\": \"defs.json#/$defs/none\"},\n"
    " \"c\": {\"$ref\": \"gone.json\"},\n"
    " \"d\": {\"$ref\": \"bad.yaml\"},\n"
    " \"e\": {\"$ref\": \"https://example.com/s.json\"}}}\n";
  struct artifact *a;

  (void)state;

  a = analyze_as("/ws/main.schema.json", text, SCHEMA_PROVIDER_NONE, &files);

  EXPECT_DIAGS(a,
    "unresolved-ref 3:8-3:14 cannot resolve $ref 'defs.json#/$defs/none': "
    "no such location",
    "unresolved-ref 4:8-4:14 cannot resolve $ref 'gone.json': no such file",
    "unresolved-ref 5:8-5:14 cannot resolve $ref 'bad.yaml': it is neither "
    "JSON nor YAML that parses");
  artifact_free(a);

  /* Without a reader, no file can be known missing. */
  a = analyze("/ws/main.schema.json", text);
  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

/* Providers */

/* Applies the first fix, analyses the result, and again, until no
 * finding has one; returns the final text (static). */
static const char *
fix_all(const char *path, const char *text, enum schema_provider p)
{
  static char buf[8192];
  struct artifact *a;

  snprintf(buf, sizeof buf, "%s", text);
  for (int round = 0; round < 50; round++) {
    size_t i;

    a = analyze_as(path, buf, p, NULL);
    for (i = 0; i < a->diags.count; i++)
      if (a->diags.items[i].fix || a->diags.items[i].replacement)
        break;
    if (i == a->diags.count) {
      artifact_free(a);
      return buf;
    }
    snprintf(buf, sizeof buf, "%s", fixed(a, i));
    artifact_free(a);
  }
  fail_msg("fixes did not converge: %s", buf);
  return NULL;
}

static void
openai_rules_on_a_yaml_schema(void **state)
{
  const char *text =
    "type: object\n"
    "properties:\n"
    "  name:\n"
    "    type: string\n"
    "  address:\n"
    "    type: object\n"
    "    properties: {city: {type: string}, zip: {type: string}}\n"
    "    required: [city]\n"
    "    additionalProperties: true\n"
    "  tags:\n"
    "    type: array\n"
    "    items: {type: object, properties: {k: {type: string}}}\n"
    "  pick: {oneOf: [{type: string}, {type: integer}]}\n"
    "required:\n"
    "  - name\n";
  struct artifact *a;

  (void)state;

  a = analyze_as("o.schema.yaml", text, SCHEMA_PROVIDER_OPENAI, NULL);

  EXPECT_DIAGS(a,
    "provider-additional-properties 1:1-1:5 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object",
    "provider-required 5:3-5:10 'address' is not listed in required; "
    "OpenAI strict mode requires every property to be (to make it "
    "optional, allow null in its type)",
    "provider-required 7:40-7:43 'zip' is not listed in required; OpenAI "
    "strict mode requires every property to be (to make it optional, allow "
    "null in its type)",
    "provider-additional-properties 9:27-9:31 additionalProperties must be "
    "false for OpenAI strict mode, not true",
    "provider-required 10:3-10:7 'tags' is not listed in required; OpenAI "
    "strict mode requires every property to be (to make it optional, allow "
    "null in its type)",
    "provider-additional-properties 12:5-12:10 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object",
    "provider-required 12:27-12:37 this object schema has no required; "
    "OpenAI strict mode requires every property to be listed there",
    "provider-required 13:3-13:7 'pick' is not listed in required; OpenAI "
    "strict mode requires every property to be (to make it optional, allow "
    "null in its type)",
    "provider-keyword 13:10-13:15 'oneOf' is not supported by OpenAI strict "
    "mode; anyOf is");
  assert_string_equal(fix_title(a, 0), "Add additionalProperties: false");
  assert_string_equal(fix_title(a, 1), "Add 'address' to required");
  assert_string_equal(fix_title(a, 6), "Add required: [k]");
  artifact_free(a);

  assert_string_equal(fix_all("o.schema.yaml", text, SCHEMA_PROVIDER_OPENAI),
    "additionalProperties: false\n"
    "type: object\n"
    "properties:\n"
    "  name:\n"
    "    type: string\n"
    "  address:\n"
    "    type: object\n"
    "    properties: {city: {type: string}, zip: {type: string}}\n"
    "    required: [city, zip]\n"
    "    additionalProperties: false\n"
    "  tags:\n"
    "    type: array\n"
    "    items: {type: object, properties: {k: {type: string}}, "
    "additionalProperties: false, required: [k]}\n"
    "  pick: {anyOf: [{type: string}, {type: integer}]}\n"
    "required:\n"
    "  - pick\n"
    "  - tags\n"
    "  - address\n"
    "  - name\n");
}

static void
openai_rules_on_a_json_wrapper(void **state)
{
  const char *text =
    "{\n"
    "  \"name\": \"invoice\",\n"
    "  \"strict\": true,\n"
    "  \"schema\": {\n"
    "    \"type\": \"object\",\n"
    "    \"properties\": {\n"
    "      \"id\": { \"type\": \"string\", \"minLength\": 1 },\n"
    "      \"lines\": { \"type\": \"array\", \"items\": "
    "{ \"type\": \"object\", \"properties\": {} } },\n"
    "      \"meta\": { \"allOf\": [true] }\n"
    "    },\n"
    "    \"required\": [\"id\", \"lines\", \"meta\"]\n"
    "  }\n"
    "}\n";
  struct artifact *a;

  (void)state;

  a = analyze("invoice.json", text);

  EXPECT_DIAGS(a,
    "provider-additional-properties 5:5-5:11 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object",
    "provider-keyword(warning) 7:33-7:44 'minLength' is not among the "
    "keywords OpenAI strict mode documents as supported: it may be refused "
    "or not enforced",
    "provider-additional-properties 8:35-8:42 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object",
    "provider-keyword 9:17-9:24 'allOf' is not supported by OpenAI strict "
    "mode");
  assert_string_equal(fixed(a, 0),
    "{\n"
    "  \"name\": \"invoice\",\n"
    "  \"strict\": true,\n"
    "  \"schema\": {\n"
    "    \"type\": \"object\",\n"
    "    \"properties\": {\n"
    "      \"id\": { \"type\": \"string\", \"minLength\": 1 },\n"
    "      \"lines\": { \"type\": \"array\", \"items\": "
    "{ \"type\": \"object\", \"properties\": {} } },\n"
    "      \"meta\": { \"allOf\": [true] }\n"
    "    },\n"
    "    \"required\": [\"id\", \"lines\", \"meta\"],\n"
    "    \"additionalProperties\": false\n"
    "  }\n"
    "}\n");
  assert_string_equal(strstr(fixed(a, 2), "{ \"type\": \"object\", "
                             "\"properties\": {}"),
    "{ \"type\": \"object\", \"properties\": {}, "
    "\"additionalProperties\": false } },\n"
    "      \"meta\": { \"allOf\": [true] }\n"
    "    },\n"
    "    \"required\": [\"id\", \"lines\", \"meta\"]\n"
    "  }\n"
    "}\n");
  artifact_free(a);

  /* Without strict, the wrapper is plain JSON Schema: no OpenAI rules. */
  a = analyze("invoice.json", "{\"name\": \"x\", \"strict\": false, "
              "\"schema\": {\"type\": \"object\", \"properties\": "
              "{\"a\": {\"allOf\": []}}}}");
  EXPECT_DIAGS(a,
    "invalid-schema 1:82-1:89 allOf must hold at least one schema, not an "
    "empty array");
  artifact_free(a);
}

static void
openai_refuses_what_is_not_an_object_at_the_root(void **state)
{
  struct artifact *a;

  (void)state;

  a = analyze_as("r.schema.json", "{\"anyOf\": [{\"type\": \"object\"}]}",
                 SCHEMA_PROVIDER_OPENAI, NULL);
  EXPECT_DIAGS(a,
    "provider-root 1:2-1:9 OpenAI strict mode takes an object at the root, "
    "not anyOf: put the choices under a property",
    "provider-additional-properties 1:13-1:19 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object");
  artifact_free(a);

  a = analyze_as("r.schema.json", "{\"type\": \"string\"}",
                 SCHEMA_PROVIDER_OPENAI, NULL);
  EXPECT_DIAGS(a,
    "provider-root 1:2-1:8 OpenAI strict mode takes an object at the root "
    "(type: object)");
  artifact_free(a);
}

static void
gemini_and_anthropic_subsets(void **state)
{
  const char *text =
    "{\"type\": \"object\",\n"
    " \"properties\": {\n"
    "  \"n\": {\"type\": \"integer\", \"minimum\": 0, \"multipleOf\": 2},\n"
    "  \"s\": {\"type\": \"string\", \"pattern\": \"^a\", \"maxLength\": 9},\n"
    "  \"l\": {\"type\": \"array\", \"minItems\": 2, \"items\": "
    "{\"$ref\": \"#\"}},\n"
    "  \"o\": {\"$ref\": \"other.json\"}},\n"
    " \"additionalProperties\": false}\n";
  struct artifact *a;

  (void)state;

  a = analyze_as("g.schema.json", text, SCHEMA_PROVIDER_GEMINI, NULL);
  EXPECT_DIAGS(a,
    "provider-keyword(warning) 3:42-3:54 'multipleOf' is not among the "
    "keywords Gemini documents as supported: it may be refused or not "
    "enforced",
    "provider-keyword(warning) 4:27-4:36 'pattern' is not among the "
    "keywords Gemini documents as supported: it may be refused or not "
    "enforced",
    "provider-keyword(warning) 4:44-4:55 'maxLength' is not among the "
    "keywords Gemini documents as supported: it may be refused or not "
    "enforced");
  artifact_free(a);

  a = analyze_as("g.schema.json", text, SCHEMA_PROVIDER_ANTHROPIC, NULL);
  EXPECT_DIAGS(a,
    "provider-keyword 3:28-3:37 'minimum' is not supported by Anthropic "
    "strict mode",
    "provider-keyword 3:42-3:54 'multipleOf' is not supported by Anthropic "
    "strict mode",
    "provider-keyword 4:44-4:55 'maxLength' is not supported by Anthropic "
    "strict mode",
    "provider-keyword 5:38-5:39 Anthropic strict mode takes minItems of 0 "
    "or 1 only, not 2",
    "provider-keyword 5:59-5:62 Anthropic strict mode does not support "
    "recursive schemas: this $ref leads back to a schema that holds it",
    "provider-keyword 6:17-6:29 Anthropic strict mode takes $refs within "
    "the schema only, not to other documents");
  artifact_free(a);
}

static void
openai_limits(void **state)
{
  char text[8192];
  size_t len = 0;
  struct artifact *a;

  (void)state;

  /* Eleven objects, each the only property of the one above. */
  for (int i = 0; i < 11; i++)
    len += (size_t)snprintf(text + len, sizeof text - len,
                            "{\"type\": \"object\", \"additionalProperties\":"
                            " false, \"required\": [\"p\"], \"properties\":"
                            " {\"p\": ");
  len += (size_t)snprintf(text + len, sizeof text - len, "{\"enum\": [");
  for (int i = 0; i < 1001; i++)
    len += (size_t)snprintf(text + len, sizeof text - len, "%s%d",
                            i ? "," : "", i);
  len += (size_t)snprintf(text + len, sizeof text - len, "]}");
  for (int i = 0; i < 11; i++)
    len += (size_t)snprintf(text + len, sizeof text - len, "}}");

  a = analyze_as("deep.schema.json", text, SCHEMA_PROVIDER_OPENAI, NULL);

  assert_int_equal(a->diags.count, 2);
  assert_string_equal(strstr(diag_text(a, 0), " this"),
                      " this object is nested 11 levels deep; OpenAI strict "
                      "mode allows 10");
  assert_string_equal(strstr(diag_text(a, 1), " the"),
                      " the schema's enums have 1001 values up to here; "
                      "OpenAI strict mode allows 1000 in all");
  artifact_free(a);
}

/* Appends printf output to a growing buffer (for generated schemas). */
static void
grow(char **buf, size_t *len, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  *buf = realloc(*buf, *len + (size_t)n + 1);
  assert_non_null(*buf);
  va_start(ap, fmt);
  vsnprintf(*buf + *len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  *len += (size_t)n;
}

static void
openai_and_anthropic_counts(void **state)
{
  char *text = NULL;
  size_t len = 0;
  struct artifact *a;

  (void)state;

  /* 5,001 properties whose names come to over 120,000 characters, and an
   * enum of 251 strings of 61 characters (15,311 in all). */
  grow(&text, &len, "{\"type\": \"object\", \"additionalProperties\": "
       "false, \"properties\": {\"e\": {\"enum\": [");
  for (int i = 0; i < 251; i++)
    grow(&text, &len, "%s\"%061d\"", i ? ", " : "", i);
  grow(&text, &len, "]}");
  for (int i = 0; i < 5000; i++)
    grow(&text, &len, ", \"p%023d\": {}", i);
  grow(&text, &len, "}, \"required\": [\"e\"");
  for (int i = 0; i < 5000; i++)
    grow(&text, &len, ", \"p%023d\"", i);
  grow(&text, &len, "]}");

  a = analyze_as("big.schema.json", text, SCHEMA_PROVIDER_OPENAI, NULL);
  assert_int_equal(a->diags.count, 3);
  assert_string_equal(strstr(diag_text(a, 0), " the"),
                      " the schema has 5001 object properties; OpenAI strict "
                      "mode allows 5000 in all");
  assert_string_equal(strstr(diag_text(a, 1), " property"),
                      " property names, definition names, enum and const "
                      "values come to 135312 characters; OpenAI strict mode "
                      "allows 120000");
  assert_string_equal(strstr(diag_text(a, 2), " this"),
                      " this enum has 251 strings of 15311 characters in all; "
                      "OpenAI strict mode allows 15000 characters in an enum "
                      "of more than 250 strings");
  artifact_free(a);
  free(text);

  /* 25 optional properties, 17 of them unions. */
  text = NULL;
  len = 0;
  grow(&text, &len, "{\"type\": \"object\", \"additionalProperties\": "
       "false, \"properties\": {");
  for (int i = 0; i < 25; i++)
    grow(&text, &len, "%s\"p%d\": {\"type\": %s}", i ? ", " : "", i,
         i < 17 ? "[\"string\", \"null\"]" : "\"string\"");
  grow(&text, &len, "}}");
  a = analyze_as("tool.schema.json", text, SCHEMA_PROVIDER_ANTHROPIC, NULL);
  EXPECT_DIAGS(a,
    "provider-limit 1:2-1:8 the schema has 25 optional properties; "
    "Anthropic strict mode allows 24 in a request",
    "provider-limit 1:2-1:8 17 properties use anyOf or a list of types; "
    "Anthropic strict mode allows 16 in a request");
  artifact_free(a);
  free(text);
}

/* Schemas inside other artifacts */

static void
github_models_json_schema_and_its_expected_outputs(void **state)
{
  const char *text =
    "responseFormat: json_schema\n"
    "jsonSchema: |-\n"
    "  {\"name\": \"animal\", \"strict\": true,\n"
    "   \"schema\": {\"type\": \"object\",\n"
    "     \"properties\": {\"name\": {\"type\": \"string\"},\n"
    "                    \"legs\": {\"type\": \"integr\"}},\n"
    "     \"required\": [\"name\"], \"additionalProperties\": false}}\n"
    "messages:\n"
    "  - role: user\n"
    "    content: Describe a {{animal}}.\n"
    "testData:\n"
    "  - animal: cat\n"
    "    expected: '{\"name\": 4, \"tail\": true}'\n"
    "  - animal: dog\n"
    "    expected: a friendly dog\n";
  struct artifact *a;

  (void)state;

  a = analyze("animal.prompt.yml", text);

  EXPECT_DIAGS(a,
    "provider-required 6:21-6:27 'legs' is not listed in required; OpenAI "
    "strict mode requires every property to be (to make it optional, allow "
    "null in its type)",
    "invalid-schema 6:30-6:36 unknown type 'integr' (did you mean "
    "'integer'?)",
    "schema-violation 13:25-13:26 this expected output: expected string, "
    "got integer 4",
    "schema-violation 13:28-13:34 this expected output: 'tail' is not "
    "allowed (additionalProperties is false)");
  assert_string_equal(strstr(fixed(a, 0), "\"required\""),
    "\"required\": [\"name\", \"legs\"], \"additionalProperties\": false}}\n"
    "messages:\n"
    "  - role: user\n"
    "    content: Describe a {{animal}}.\n"
    "testData:\n"
    "  - animal: cat\n"
    "    expected: '{\"name\": 4, \"tail\": true}'\n"
    "  - animal: dog\n"
    "    expected: a friendly dog\n");
  artifact_free(a);
}

static void
a_schema_in_an_escaped_string_has_no_edits(void **state)
{
  const char *text =
    "responseFormat: json_schema\n"
    "jsonSchema: \"{\\\"name\\\": \\\"x\\\", \\\"strict\\\": true, "
    "\\\"schema\\\": {\\\"type\\\": \\\"object\\\"}}\"\n"
    "messages: []\n";
  struct artifact *a;

  (void)state;

  a = analyze("e.prompt.yml", text);

  /* The schema is read from the decoded string: every finding is on the
   * whole string, and none carries an edit. */
  EXPECT_DIAGS(a,
    "provider-additional-properties 2:13-2:86 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object");
  assert_null(a->diags.items[0].fix);
  artifact_free(a);
}

static void
dotprompt_defaults_and_example_output(void **state)
{
  const char *text =
    "---\n"
    "input:\n"
    "  schema:\n"
    "    city: string, destination city\n"
    "    days?: integer, trip length\n"
    "    style(enum): [calm, busy]\n"
    "  default:\n"
    "    days: two\n"
    "    style: lazy\n"
    "    budget: 10\n"
    "output:\n"
    "  format: json\n"
    "  schema:\n"
    "    plan(array):\n"
    "      day: integer\n"
    "    notes?: string\n"
    "---\n"
    "Plan {{days}} {{style}} days in {{city}} for {{budget}}.\n"
    "```json\n"
    "{\"plan\": [{\"day\": \"one\"}], \"note\": \"x\"}\n"
    "```\n"
    "```json\n"
    "{\"plan\": [{{plan}}]}\n"
    "```\n";
  struct artifact *a;

  (void)state;

  a = analyze("trip.prompt", text);

  /* city is required but left to the caller: not reported. The second
   * example is a template, not JSON: not validated, and the name it reads
   * inside its fence is an example's (docs: undeclared-variable). */
  EXPECT_DIAGS(a,
    "schema-violation 8:11-8:14 input.default: expected integer or null, "
    "got string \"two\"",
    "schema-violation 9:12-9:16 input.default: \"lazy\" is not one of "
    "\"calm\", \"busy\"",
    "schema-violation 10:5-10:11 input.default: 'budget' is not allowed "
    "(additionalProperties is false)",
    "schema-violation 20:19-20:24 example output: expected integer, got "
    "string \"one\"",
    "schema-violation 20:28-20:34 example output: 'note' is not allowed "
    "(additionalProperties is false)");
  artifact_free(a);
}

static void
dotprompt_json_schema_is_checked_where_it_is_written(void **state)
{
  const char *text =
    "---\n"
    "input:\n"
    "  schema:\n"
    "    type: object\n"
    "    properties:\n"
    "      n: {type: integer, minimum: x}\n"
    "  default: {n: -1}\n"
    "---\n"
    "{{n}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("n.prompt", text);

  EXPECT_DIAGS(a,
    "invalid-schema 6:26-6:33 minimum must be a number, got string \"x\"");
  artifact_free(a);
}

static void
promptfoo_json_assertions(void **state)
{
  const char *text =
    "prompts: [\"Answer {{q}} as JSON\"]\n"
    "providers: [openai:gpt-4o-mini]\n"
    "defaultTest:\n"
    "  assert:\n"
    "    - type: is-json\n"
    "      value:\n"
    "        type: object\n"
    "        required: [answer]\n"
    "        properties:\n"
    "          answer: {type: string}\n"
    "          score: {type: integr}\n"
    "tests:\n"
    "  - vars: {q: hi}\n"
    "    providerOutput: '{\"answer\": 3}'\n"
    "  - vars: {q: there}\n"
    "    providerOutput:\n"
    "      answer: ok\n"
    "    assert:\n"
    "      - type: contains-json\n"
    "        value: {required: [confidence]}\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.yaml", text);

  EXPECT_DIAGS(a,
    "invalid-schema 11:19-11:23 unknown type 'integr' (did you mean "
    "'integer'?)",
    "schema-violation 14:33-14:34 providerOutput: expected string, got "
    "integer 3",
    "schema-violation 16:5-16:19 providerOutput: missing required property "
    "'confidence'");
  artifact_free(a);
}

/* Dotprompt's own examples write Picoschema inside JSON Schema. */
static void
dotprompt_picoschema_inside_json_schema(void **state)
{
  const char *text =
    "---\n"
    "input:\n"
    "  schema:\n"
    "    type: object\n"
    "    properties:\n"
    "      name: string\n"
    "      age: integer, in years\n"
    "      tags: {type: array, items: string}\n"
    "toolDefs:\n"
    "  - name: look\n"
    "    inputSchema: {type: object, properties: {q: {type: strng}}}\n"
    "---\n"
    "{{name}} {{age}} {{tags}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("p.prompt", text);

  EXPECT_DIAGS(a,
    "invalid-schema(warning) 6:13-6:19 'string' is Picoschema, but this "
    "schema has a JSON Schema type, so Dotprompt passes it on as JSON "
    "Schema, where 'string' is no schema: write {type: string}",
    "invalid-schema(warning) 7:12-7:29 'integer, in years' is Picoschema, "
    "but this schema has a JSON Schema type, so Dotprompt passes it on as "
    "JSON Schema, where 'integer, in years' is no schema: write {type: "
    "integer, description: \"in years\"}",
    "invalid-schema(warning) 8:34-8:40 'string' is Picoschema, but this "
    "schema has a JSON Schema type, so Dotprompt passes it on as JSON "
    "Schema, where 'string' is no schema: write {type: string}",
    "invalid-schema 11:50-11:54 unknown type 'strng' (did you mean "
    "'string'?)");
  assert_string_equal(a->diags.items[0].replacement, "{type: string}");
  assert_string_equal(a->diags.items[1].replacement,
                      "{type: integer, description: \"in years\"}");
  artifact_free(a);
}

/* Picoschema, against the conversions of Dotprompt's spec/picoschema.yaml
 * (tests/data; Apache-2.0, see tests/data/README.md): each case's template
 * and the schemas it expects, for input and output. */
static size_t
picoschema_case(const struct node *c, const char *which, size_t *checked)
{
  const char *template = node_str(node_get(c, "template"));
  const struct node *tests = node_get(c, "tests");
  const struct node *expect = tests && tests->count
                                ? node_get(node_get(tests->u.items[0],
                                                    "expect"), which)
                                : NULL;
  size_t budget = NODE_JSON_BUDGET_DEFAULT;
  struct json_object *want;
  struct json_object *got;
  struct artifact *a;
  bool named = false;

  if (!template || !node_get(expect, "schema"))
    return 0;
  a = analyze("spec.prompt", template);
  got = picoschema_to_json(node_get(node_get(a->root, which), "schema"),
                           &named);
  want = node_to_json(node_get(expect, "schema"), &budget);
  if (!named && !json_object_equal(got, want))
    fail_msg("%s %s: got %s, want %s", node_str(node_get(c, "name")), which,
             json_object_to_json_string(got),
             json_object_to_json_string(want));
  *checked += !named;
  json_object_put(got);
  json_object_put(want);
  artifact_free(a);
  return 1;
}

static void
picoschema_matches_dotprompts_spec(void **state)
{
  FILE *f = fopen(FACET_TEST_DATA "/picoschema.yaml", "rb");
  char text[32768];
  size_t len;
  struct source src;
  struct arena arena;
  struct diag_list diags;
  struct node *root = NULL;
  size_t checked = 0;

  (void)state;
  assert_non_null(f);
  len = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[len] = '\0';
  source_init(&src, text, len);
  arena_init(&arena, 0);
  diag_list_init(&diags, &arena);
  assert_int_equal(yaml_parse(&arena, &src, span_make(0, (uint32_t)len),
                              &diags, &root), 0);
  assert_non_null(root);
  for (uint32_t i = 0; i < root->count; i++) {
    picoschema_case(root->u.items[i], "input", &checked);
    picoschema_case(root->u.items[i], "output", &checked);
  }
  /* Every case but the two that name schemas registered in code. */
  assert_int_equal(checked, 19);
  diag_list_release(&diags);
  arena_release(&arena);
  source_release(&src);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(problems_sit_on_the_keyword_at_fault),
    cmocka_unit_test(a_misspelt_type_is_fixed_inside_its_quotes),
    cmocka_unit_test(misspelt_keywords_are_reported_with_the_keyword_meant),
    cmocka_unit_test(refs_to_files_are_read_through_the_reader),
    cmocka_unit_test(openai_rules_on_a_yaml_schema),
    cmocka_unit_test(openai_rules_on_a_json_wrapper),
    cmocka_unit_test(openai_refuses_what_is_not_an_object_at_the_root),
    cmocka_unit_test(gemini_and_anthropic_subsets),
    cmocka_unit_test(openai_limits),
    cmocka_unit_test(openai_and_anthropic_counts),
    cmocka_unit_test(github_models_json_schema_and_its_expected_outputs),
    cmocka_unit_test(a_schema_in_an_escaped_string_has_no_edits),
    cmocka_unit_test(dotprompt_defaults_and_example_output),
    cmocka_unit_test(dotprompt_json_schema_is_checked_where_it_is_written),
    cmocka_unit_test(dotprompt_picoschema_inside_json_schema),
    cmocka_unit_test(promptfoo_json_assertions),
    cmocka_unit_test(picoschema_matches_dotprompts_spec),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
