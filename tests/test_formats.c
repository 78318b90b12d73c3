/*
 * The format checkers, run through artifact_analyze on small inline files:
 * each test states the exact diagnostics a user sees (code, range and
 * message) and the grade with its next step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "artifact.h"
#include "grade.h"
#include "template.h"
#include "tree.h"

static struct artifact *
analyze(const char *path, const char *text)
{
  struct artifact *a = artifact_analyze(path, text, strlen(text), NULL);

  assert_non_null(a);
  return a;
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
  snprintf(text, sizeof text, "%s %u:%u-%u:%u %s",
           diag_code_info(d->code)->name, l1, c1, l2, c2, d->message);
  return text;
}

/* On a mismatch, all of a's diagnostics: the list is what went wrong. */
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

static void
expect_grade_at(const struct artifact *a, const char *level,
                const char *next, const char *file, int line)
{
  _assert_true(a->grade.graded, "graded", file, line);
  _assert_string_equal(grade_name(a->grade.level), level, file, line);
  _assert_string_equal(a->grade.next, next, file, line);
}

/* Reports a mismatch at the test's line, not this helper's. */
#define expect_grade(a, level, next) \
  expect_grade_at(a, level, next, __FILE__, __LINE__)

static void
expect_format(const struct artifact *a, const char *format)
{
  assert_string_equal(artifact_format_name(a->format), format);
}

/* Dotprompt */

static void
test_dotprompt_valid_declares_inputs(void **state)
{
  const char *text =
    "# Licence header\n"
    "---\n"
    "model: googleai/gemini-2.5-flash\n"
    "config:\n"
    "  temperature: 0.4\n"
    "  safetySettings: []\n"
    "input:\n"
    "  schema:\n"
    "    city: string\n"
    "output:\n"
    "  format: csv\n"
    "acme.owner: travel-team\n"
    "---\n"
    "{{role \"system\"}}Plan a day in {{city}}.{{#if @state.vip}}!{{/if}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("trip.prompt", text);

  expect_format(a, "dotprompt");
  EXPECT_NO_DIAGS(a);
  assert_int_equal(a->nvars, 1);
  assert_string_equal(a->vars[0].name, "city");
  expect_grade(a, "structured",
               "pin the output: add output.schema (with output.format: "
               "json)");
  artifact_free(a);
}

static void
test_dotprompt_output_schema(void **state)
{
  const char *text =
    "---\n"
    "input:\n"
    "  default: { city: Paris }\n"
    "output:\n"
    "  format: json\n"
    "  schema:\n"
    "    plan: string\n"
    "---\n"
    "Plan {{city}}.\n";
  struct artifact *a;

  (void)state;

  a = analyze("trip.prompt", text);

  EXPECT_NO_DIAGS(a);
  assert_string_equal(a->facts.output_schema_where, "output.schema");
  expect_grade(a, "schema",
               "add an eval: a promptfoo config or a Genkit eval dataset "
               "that exercises this prompt");
  artifact_free(a);
}

static void
test_dotprompt_misplaced_and_unknown_keys(void **state)
{
  const char *text =
    "---\n"
    "descripton: typo\n"
    "temperature: 0.7\n"
    "input.schema:\n"
    "  name: string\n"
    "output:\n"
    "  animal: string\n"
    "---\n"
    "Hello {{name}}!\n";
  struct artifact *a;

  (void)state;

  a = analyze("greet.prompt", text);

  EXPECT_DIAGS(a,
    "unknown-key 2:1-2:11 unknown key 'descripton' in Dotprompt "
    "frontmatter; did you mean 'description'?",
    "unknown-key 3:1-3:12 unknown key 'temperature' in Dotprompt "
    "frontmatter; model settings go under config",
    "unknown-key 4:1-4:13 'input.schema' is read as the extension "
    "ext.input.schema, not as input.schema; nest it under 'input:'",
    "unknown-key 7:3-7:9 unknown key 'animal' in Dotprompt output");
  assert_string_equal(a->diags.items[0].replacement, "description");
  assert_null(a->diags.items[1].replacement);
  expect_grade(a, "loose",
               "declare the template's variables under input.schema");
  artifact_free(a);
}

static void
test_dotprompt_wrong_values(void **state)
{
  const char *text =
    "---\n"
    "config:\n"
    "  maxOutputTokens: many\n"
    "toolChoice: requird\n"
    "toolDefs:\n"
    "  - name: weather\n"
    "tools: getWeather\n"
    "---\n"
    "Hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("t.prompt", text);

  EXPECT_DIAGS(a,
    "wrong-type 3:20-3:24 'maxOutputTokens' should be an integer, not a "
    "string",
    "invalid-value 4:13-4:20 'requird' is not a valid toolChoice; did you "
    "mean 'required'? (one of: auto, required, none)",
    "missing-key 6:5-6:18 a Dotprompt toolDefs entry is missing "
    "'inputSchema'",
    "wrong-type 7:8-7:18 'tools' should be a list, not a string");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

/* Formats are open (a plugin can register one) but a near miss of a
 * built-in one is a typo: a warning with the fix, and a name far from all
 * of them is taken as a plugin's. */
static void
test_dotprompt_output_format_typo(void **state)
{
  struct artifact *a;

  (void)state;
  a = analyze("t.prompt", "---\noutput:\n  format: jsn\n---\nHi\n");
  EXPECT_DIAGS(a,
    "invalid-value 3:11-3:14 'jsn' is not a known format; did you mean "
    "'json'? (known: json, text, media, array, enum, jsonl; a plugin may "
    "add others)");
  assert_int_equal(a->diags.items[0].severity, SEVERITY_WARNING);
  assert_string_equal(a->diags.items[0].replacement, "json");
  artifact_free(a);
  a = analyze("t.prompt",
              "---\noutput:\n  format: markdown-table\n---\nHi\n");
  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

/* A list where a mapping of inputs belongs: reported, and read safely
 * (its mapping items have no name key; a fuzzer found this crashing). */
static void
test_dotprompt_schema_as_a_list(void **state)
{
  const char *text =
    "---\n"
    "input:\n"
    "  schema:\n"
    "    - {name: x}\n"
    "---\n"
    "{{x}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("l.prompt", text);

  EXPECT_DIAGS(a,
    "wrong-type 4:5-4:16 'schema' should be a string or a mapping, not a "
    "list",
    "undeclared-variable 6:3-6:4 'x' is not declared in input.schema");
  artifact_free(a);
}

/* Names with letters past ASCII are read whole, in every dialect: a name
 * declared as written is used, and an undeclared one is reported with its
 * whole name and range (columns count characters). */
static void
test_template_names_past_ascii(void **state)
{
  struct artifact *a;

  (void)state;
  a = analyze("u.prompt", "---\ninput:\n  schema:\n    agé: string\n---\n"
                          "{{agé}} {{#each días as |día|}}{{día}}{{/each}}"
                          " {{tést}}\n");
  EXPECT_DIAGS(a,
    "undeclared-variable 6:17-6:21 'días' is not declared in input.schema",
    "undeclared-variable 6:51-6:55 'tést' is not declared in input.schema");
  artifact_free(a);

  a = analyze("u.prompty", "---\nname: x\ninputs:\n  nombre_ñ:\n"
                           "    type: string\n---\n"
                           "{{ nombre_ñ }} {% for é in ítems %}{{ é }}"
                           "{% endfor %} {{ año }} {{ 𝔁 }}\n");
  EXPECT_DIAGS(a,
    "undeclared-variable 7:28-7:33 'ítems' is not declared in inputs",
    "undeclared-variable 7:59-7:62 'año' is not declared in inputs",
    "undeclared-variable 7:69-7:70 '𝔁' is not declared in inputs");
  artifact_free(a);
}

/* Block parameters ("as |a b|") name locals of any block, as for each:
 * neither "as" nor the parameters are inputs, and the parameters are
 * bound inside the block only. */
static void
test_handlebars_block_params(void **state)
{
  struct artifact *a;

  (void)state;
  a = analyze("w.prompt", "---\ninput:\n  schema:\n    owner: string\n"
                          "    ok: boolean\n---\n"
                          "{{#with owner as |o|}}{{o}}{{/with}}\n"
                          "{{#if ok as | v w |}}{{v}} {{w}} {{x}}{{/if}}"
                          " {{v}}\n");
  EXPECT_DIAGS(a,
    "undeclared-variable 8:36-8:37 'x' is not declared in input.schema",
    "undeclared-variable 8:49-8:50 'v' is not declared in input.schema");
  artifact_free(a);
}

static void
test_dotprompt_partial_hint(void **state)
{
  struct artifact *a;

  (void)state;

  a = analyze("prompts/_style.prompt",
              "{{#if formal}}Sir, {{/if}}speak like {{persona}}.\n");

  expect_format(a, "dotprompt");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "loose",
               "declare these variables in the input.schema of the prompts "
               "that include this partial");
  artifact_free(a);
}

/* GitHub Models */

static void
test_github_models_valid_eval(void **state)
{
  const char *text =
    "name: Polisher\n"
    "model: openai/gpt-4o-mini\n"
    "modelParameters: { temperature: 0.2, maxTokens: 120 }\n"
    "messages:\n"
    "  - role: System\n"
    "    content: Rewrite change lines.\n"
    "  - role: user\n"
    "    content: \"Change: {{input}}\"\n"
    "testData:\n"
    "  - input: fix NPE\n"
    "    expected: Fixed a crash.\n"
    "evaluators:\n"
    "  - name: mentions\n"
    "    string: { contains: crash }\n"
    "  - name: similar\n"
    "    uses: github/similarity\n";
  struct artifact *a;

  (void)state;

  a = analyze("polish.prompt.yml", text);

  expect_format(a, "github-models");
  EXPECT_NO_DIAGS(a);
  assert_int_equal(a->facts.tests, 1);
  assert_true(a->facts.assertions);
  assert_true(a->facts.inputs_declared);
  assert_string_equal(a->grade.reasons[0],
                      "1 test in testData and evaluators check its output");
  expect_grade(a, "eval", "crystallise a stable rule into code");
  artifact_free(a);
}

static void
test_github_models_padded_placeholder(void **state)
{
  const char *text =
    "messages:\n"
    "  - role: user\n"
    "    content: |\n"
    "      Summarise {{ topic }} for {{audience}}.\n"
    "testData:\n"
    "  - topic: tides\n";
  struct artifact *a;

  (void)state;

  a = analyze("s.prompt.yml", text);

  EXPECT_DIAGS(a,
    "unsubstituted-variable 4:17-4:28 GitHub Models replaces only "
    "'{{topic}}'; this placeholder has spaces and stays in the text as is",
    "undeclared-variable 4:35-4:43 'audience' is not declared in testData");
  assert_string_equal(a->diags.items[0].replacement, "{{topic}}");
  expect_grade(a, "loose",
               "add testData items that give every {{variable}} in the "
               "messages a value");
  artifact_free(a);
}

static void
test_github_models_bad_values(void **state)
{
  const char *text =
    "modelParameters:\n"
    "  maxTokens: 1.5\n"
    "  top_p: 0.9\n"
    "responseFormat: json_scheme\n"
    "messages:\n"
    "  - role: bot\n"
    "    content: hi\n"
    "  - content: { a: 1 }\n"
    "testData:\n"
    "  - plain\n";
  struct artifact *a;

  (void)state;

  a = analyze("b.prompt.yml", text);

  EXPECT_DIAGS(a,
    "wrong-type 2:14-2:17 'maxTokens' should be an integer, not a number",
    "unknown-key 3:3-3:8 unknown key 'top_p' in GitHub Models "
    "modelParameters; did you mean 'topP'?",
    "invalid-value 4:17-4:28 'json_scheme' is not a valid responseFormat; "
    "did you mean 'json_schema'? (one of: text, json_object, json_schema)",
    "invalid-value 6:11-6:14 'bot' is not a valid role (one of: system, "
    "user, assistant)",
    "missing-key 8:5-8:22 a GitHub Models message is missing 'role'",
    "wrong-type 8:14-8:22 'content' should be a string, not a mapping",
    "wrong-type 10:5-10:10 a testData item should be a mapping of "
    "variables, not a string");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

/* A list inside testData declares nothing (it crashed facet: a list item
 * was looked up by a key name it did not have). */
static void
test_github_models_list_in_test_data(void **state)
{
  const char *text =
    "messages:\n"
    "  - role: user\n"
    "    content: \"Describe a {{animal}}.\"\n"
    "testData:\n"
    "  - - animal: dog\n";
  struct artifact *a;

  (void)state;

  a = analyze("c.prompt.yml", text);

  EXPECT_DIAGS(a,
    "undeclared-variable 3:28-3:34 'animal' is not declared in testData",
    "wrong-type 5:5-5:18 a testData item should be a mapping of "
    "variables, not a list");
  assert_int_equal(a->ninputs, 0);
  artifact_free(a);
}

/* The same fault through Prompty's sample: a list of mappings. */
static void
test_prompty_sample_list(void **state)
{
  const char *text =
    "---\n"
    "name: x\n"
    "inputs:\n"
    "  city:\n"
    "    type: string\n"
    "sample:\n"
    "  - city: Paris\n"
    "---\n"
    "Plan a trip to {{ city }}.\n";
  struct artifact *a;

  (void)state;

  a = analyze("s.prompty", text);

  EXPECT_DIAGS(a,
    "wrong-type 7:3-7:16 'sample' should be a string or a mapping, not a "
    "list");
  artifact_free(a);
}

static void
test_github_models_json_schema_pins_output(void **state)
{
  const char *text =
    "responseFormat: json_schema\n"
    "jsonSchema: |-\n"
    "  {\"name\": \"animal\", \"strict\": true,\n"
    "   \"schema\": {\"type\": \"object\", \"properties\": {},\n"
    "              \"additionalProperties\": false}}\n"
    "messages:\n"
    "  - role: user\n"
    "    content: Describe a cat.\n";
  struct artifact *a;

  (void)state;

  a = analyze("j.prompt.yml", text);

  EXPECT_NO_DIAGS(a);
  expect_grade(a, "schema",
               "add evaluators that check the output for each testData "
               "item");
  artifact_free(a);
}

static void
test_github_models_json_schema_faults(void **state)
{
  const char *mapping =
    "jsonSchema:\n"
    "  name: animal\n"
    "messages: []\n";
  const char *broken =
    "jsonSchema: '{\"name\": \"animal\",}'\n"
    "messages: []\n";
  const char *incomplete =
    "responseFormat: json_schema\n"
    "jsonSchema: '{\"name\": \"animal\"}'\n";
  const char *absent = "responseFormat: json_schema\n";
  const char *array = "jsonSchema: '[1]'\n";
  struct artifact *a;

  (void)state;

  a = analyze("m.prompt.yml", mapping);
  EXPECT_DIAGS(a,
    "wrong-type 2:3-2:15 jsonSchema must be a JSON string, not a mapping: "
    "the CLI rejects YAML here");
  artifact_free(a);

  a = analyze("m.prompt.yml", broken);
  EXPECT_DIAGS(a,
    "json-syntax 1:13-1:34 jsonSchema is not valid JSON: trailing comma "
    "before '}' at line 1, column 18 of the string");
  artifact_free(a);

  a = analyze("m.prompt.yml", incomplete);
  EXPECT_DIAGS(a,
    "missing-key 2:1-2:11 jsonSchema is missing 'schema', which "
    "responseFormat json_schema requires");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);

  a = analyze("m.prompt.yml", absent);
  EXPECT_DIAGS(a,
    "missing-key 1:17-1:28 responseFormat json_schema needs a jsonSchema");
  artifact_free(a);

  a = analyze("m.prompt.yml", array);
  EXPECT_DIAGS(a,
    "wrong-type 1:13-1:18 jsonSchema should hold a JSON object: {name, "
    "schema, strict?}");
  artifact_free(a);
}

static void
test_github_models_evaluators(void **state)
{
  const char *text =
    "messages:\n"
    "  - role: user\n"
    "    content: hi\n"
    "evaluators:\n"
    "  - name: both\n"
    "    string: { equals: hi }\n"
    "    uses: github/fluency\n"
    "  - name: none\n"
    "  - name: empty\n"
    "    string: {}\n"
    "  - name: plugin\n"
    "    uses: github/similar\n"
    "  - name: judge\n"
    "    llm:\n"
    "      modelId: openai/gpt-4o\n"
    "      prompt: Rate {{completion}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("e.prompt.yml", text);

  EXPECT_DIAGS(a,
    "conflicting-keys 7:5-7:9 an evaluator takes one of string, llm and "
    "uses; 'uses' is ignored after 'string'",
    "missing-key 8:5-8:15 an evaluator needs one of string, llm or uses",
    "missing-key 10:13-10:15 a string evaluator needs one of equals, "
    "contains, startsWith or endsWith",
    "invalid-value 12:11-12:25 'github/similar' is not a valid uses; did "
    "you mean 'github/similarity'? (one of: github/similarity, "
    "github/coherence, github/fluency, github/relevance, "
    "github/groundedness)",
    "missing-key 15:7-16:34 an llm evaluator is missing 'choices'");
  artifact_free(a);
}

/* After github/gh-models examples/sample_prompt.yml (MIT), with its
 * testData key 'expected' misspelt and the evaluator's key too. */
/* After microsoft/prompty's shorthand_empty_frontmatter.prompty and its
 * docs' hello.prompty (MIT): an empty header, and one declaring by sample
 * alone. */
static void
test_prompty_empty_header_and_sample_only(void **state)
{
  const char *empty = "---\n---\nSay hello.\n";
  const char *sampled =
    "---\n"
    "name: Basic Prompt\n"
    "sample:\n"
    "  firstName: Jane\n"
    "---\n"
    "user:\n"
    "{{firstName}} asks: {{input}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("empty.prompty", empty);
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "loose", "fill in the frontmatter header: the model, and "
               "inputs that declare the template's variables");
  assert_string_equal(a->grade.reasons[0], "its frontmatter header is empty");
  artifact_free(a);

  a = analyze("hello.prompty", sampled);
  EXPECT_DIAGS(a,
    "undeclared-variable 7:23-7:28 'input' is not declared in sample");
  artifact_free(a);
}

static void
test_github_models_evaluators_read_test_data(void **state)
{
  const char *text =
    "testData:\n"
    "  - input: 'hello world'\n"
    "    string: hello\n"
    "    expectd: 'greeting response'\n"
    "messages:\n"
    "  - role: user\n"
    "    content: 'Respond to: {{input}}'\n"
    "evaluators:\n"
    "  - name: string evaluator\n"
    "    string:\n"
    "      contains: '{{strin}}'\n"
    "  - name: judge\n"
    "    llm:\n"
    "      modelId: openai/gpt-4o\n"
    "      prompt: 'Is {{completion}} a reply to {{input}}?'\n"
    "      choices: [{ choice: 'yes', score: 1 }]\n"
    "  - name: similarity check\n"
    "    uses: github/similarity\n"
    "  - name: fluent\n"
    "    uses: github/fluency\n";
  struct artifact *a;

  (void)state;

  a = analyze("sample.prompt.yml", text);

  EXPECT_DIAGS(a,
    "undeclared-variable 11:20-11:25 'strin' is not declared in testData",
    "undeclared-variable 18:11-18:28 'github/similarity' reads {{expected}} "
    "from each testData item, but no item sets 'expected': the grader sees "
    "the placeholder as text");
  assert_int_equal(template_var(a, "input")->uses, 2);
  assert_null(template_var(a, "completion"));
  artifact_free(a);
}

static void
test_github_models_misplaced_messages(void **state)
{
  const char *text =
    "name: summarize\n"
    "prompts:\n"
    "  - role: user\n"
    "    content: \"{{input}}\"\n"
    "    tests:\n"
    "      - input: a\n";
  struct artifact *a;

  (void)state;

  a = analyze("summarize.prompt.yml", text);

  EXPECT_DIAGS(a,
    "unknown-key 2:1-2:8 unknown key 'prompts' in GitHub Models prompt "
    "file; the conversation goes under 'messages'",
    "unknown-key 5:5-5:10 unknown key 'tests' in a GitHub Models message");
  assert_string_equal(a->diags.items[0].replacement, "messages");
  expect_grade(a, "loose",
               "add testData items that give every {{variable}} in the "
               "messages a value");
  artifact_free(a);
}

static void
test_github_models_detected_by_content(void **state)
{
  const char *text =
    "model: openai/gpt-4o\n"
    "messages:\n"
    "  - role: user\n"
    "    content: Hello\n";
  struct artifact *a;

  (void)state;

  a = analyze("examples/sample_prompt.yml", text);

  expect_format(a, "github-models");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured",
               "pin the output: set responseFormat: json_schema and a "
               "jsonSchema");
  artifact_free(a);
}

/* VS Code, Claude Code and Cursor */

static void
test_vscode_prompt_valid(void **state)
{
  const char *text =
    "---\n"
    "description: 'Draft a migration'\n"
    "agent: agent\n"
    "model: ['GPT-5 (copilot)', 'Claude Sonnet 4.5 (copilot)']\n"
    "tools: 'search/codebase, editFiles'\n"
    "argument-hint: 'table=<name>'\n"
    "---\n"
    "Create a migration for ${input:table:orders}.\n"
    "```\n${input:ignored}\n```\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/prompts/migrate.prompt.md", text);

  expect_format(a, "vscode-prompt");
  EXPECT_NO_DIAGS(a);
  assert_int_equal(a->nvars, 1);
  assert_string_equal(a->vars[0].name, "table");
  expect_grade(a, "structured",
               "pin the output: prompt files have no schema; move the task "
               "to a .prompt.yml with responseFormat json_schema");
  artifact_free(a);
}

static void
test_vscode_prompt_unknown_keys(void **state)
{
  const char *text =
    "---\n"
    "title: 'Refactor'\n"
    "descripton: 'Extract a method'\n"
    "mode: 'agent'\n"
    "tools: ['search', {name: x}]\n"
    "---\n"
    "Refactor it.\n";
  struct artifact *a;

  (void)state;

  a = analyze("refactor.prompt.md", text);

  EXPECT_DIAGS(a,
    "unknown-key 2:1-2:6 unknown key 'title' in prompt file frontmatter",
    "unknown-key 3:1-3:11 unknown key 'descripton' in prompt file "
    "frontmatter; did you mean 'description'?",
    "wrong-type 5:19-5:28 each item of 'tools' should be a string, not a "
    "mapping");
  artifact_free(a);
}

static void
test_vscode_agent_handoffs_and_booleans(void **state)
{
  const char *text =
    "---\n"
    "name: Planner\n"
    "target: vs-code\n"
    "user-invokable: True\n"
    "disable-model-invocation: 'false'\n"
    "handoffs:\n"
    "  - label: Implement\n"
    "    agent: agent\n"
    "    send: TRUE\n"
    "  - Review\n"
    "---\n"
    "Plan first.\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/agents/planner.md", text);

  expect_format(a, "vscode-agent");
  EXPECT_DIAGS(a,
    "invalid-value 3:9-3:16 'vs-code' is not a valid target; did you mean "
    "'vscode'? (one of: vscode, github-copilot)",
    "wrong-type 4:17-4:21 'user-invokable' should be true or false: VS "
    "Code reads 'True' as a string",
    "wrong-type 5:27-5:34 'disable-model-invocation' should be a boolean, "
    "not a string",
    "missing-key 7:5-9:15 a handoff is missing 'prompt'",
    "wrong-type 9:11-9:15 'send' should be true or false: VS Code reads "
    "'TRUE' as a string",
    "wrong-type 10:5-10:11 a handoff should be a mapping with label, agent "
    "and prompt, not a string");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

static void
test_vscode_instructions(void **state)
{
  const char *with =
    "---\n"
    "applyTo: ['**/*.ts']\n"
    "---\n"
    "Use strict mode.\n";
  struct artifact *a;

  (void)state;

  a = analyze("ts.instructions.md", with);
  EXPECT_DIAGS(a,
    "wrong-type 2:10-2:21 'applyTo' should be a string, not a list");
  artifact_free(a);

  a = analyze(".github/copilot-instructions.md", "Be brief.\n");
  expect_format(a, "vscode-instructions");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "loose",
               "always-on instructions take no header: move rules for some "
               "files only into .github/instructions/NAME.instructions.md "
               "with applyTo");
  artifact_free(a);

  a = analyze("CLAUDE.md", "Run the tests.\n");
  expect_grade(a, "loose",
               "always-on memory takes no header: move rules for some files "
               "only into .claude/rules/NAME.md with paths");
  artifact_free(a);

  a = analyze("docs/style.instructions.md", "Be brief.\n");
  expect_grade(a, "loose",
               "add a frontmatter header with description and applyTo");
  artifact_free(a);
}

static void
test_vscode_skill(void **state)
{
  const char *bad =
    "---\n"
    "name: Agent_Customization\n"
    "---\n"
    "Steps.\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/skills/x/SKILL.md", bad);
  expect_format(a, "agent-skill");
  EXPECT_DIAGS(a,
    "missing-key 1:1-1:4 skill frontmatter is missing 'description'",
    "invalid-value 2:7-2:26 'Agent_Customization' is not a valid skill "
    "name: use lower-case letters, digits and '-' only");
  artifact_free(a);

  a = analyze(".github/skills/x/SKILL.md", "Steps only.\n");
  EXPECT_DIAGS(a,
    "missing-key 1:1-1:1 a skill needs a frontmatter header with name and "
    "description");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

static void
test_claude_command(void **state)
{
  const char *text =
    "---\n"
    "description: Review a pull request\n"
    "allowed-tools: Bash(git:*)\n"
    "argument-hint: [pr-number] [priority]\n"
    "agent: ask\n"
    "---\n"
    "Review PR $1 at priority $2.\n";
  struct artifact *a;
  const struct node *hint;

  (void)state;

  a = analyze(".claude/commands/review/pr.md", text);

  expect_format(a, "claude-command");
  EXPECT_DIAGS(a,
    "unknown-key 5:1-5:6 unknown key 'agent' in Claude Code command "
    "frontmatter");
  hint = node_get(a->root, "argument-hint");
  assert_non_null(hint);
  assert_string_equal(hint->u.scalar.str, "[pr-number] [priority]");
  expect_grade(a, "structured",
               "commands have no output schema; check their results with an "
               "eval");
  artifact_free(a);
}

static void
test_cursor_rule_globs(void **state)
{
  const char *lenient =
    "---\n"
    "description: TypeScript rules\n"
    "globs: *.ts,*.tsx\n"
    "alwaysApply: false\n"
    "---\n"
    "Use strict mode.\n";
  const char *quoted =
    "---\n"
    "globs: src/**/*.ts\n"
    "alwaysApply: \"true\"\n"
    "---\n"
    "Use strict mode.\n";
  struct artifact *a;
  const struct node *globs;

  (void)state;

  a = analyze(".cursor/rules/ts.mdc", lenient);
  expect_format(a, "cursor-rule");
  EXPECT_NO_DIAGS(a);
  globs = node_get(a->root, "globs");
  assert_non_null(globs);
  assert_string_equal(globs->u.scalar.str, "*.ts,*.tsx");
  expect_grade(a, "structured",
               "rules have no output of their own; check their effect with "
               "an eval");
  artifact_free(a);

  a = analyze(".cursor/rules/ts.mdc", quoted);
  EXPECT_DIAGS(a,
    "wrong-type 3:14-3:20 'alwaysApply' should be a boolean, not a string");
  artifact_free(a);
}

/* promptfoo */

static void
test_promptfoo_valid(void **state)
{
  const char *text =
    "# yaml-language-server: $schema=https://promptfoo.dev/config-schema.json\n"
    "description: FAQ bot\n"
    "prompts:\n"
    "  - file://prompts/faq.json\n"
    "  - id: terse\n"
    "    raw: 'Answer: {{ question }}'\n"
    "providers: [openai:gpt-4o-mini]\n"
    "defaultTest:\n"
    "  assert:\n"
    "    - { type: latency, threshold: 3000 }\n"
    "tests:\n"
    "  - description: refunds\n"
    "    vars: { question: How long? }\n"
    "    assert:\n"
    "      - type: assert-set\n"
    "        assert:\n"
    "          - { type: icontains, value: days }\n"
    "  - file://tests/faq.csv\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.yaml", text);

  expect_format(a, "promptfoo");
  EXPECT_NO_DIAGS(a);
  assert_int_equal(a->facts.tests, 2);
  assert_true(a->facts.assertions);
  assert_string_equal(a->facts.tests_where, "tests and test files");
  assert_string_equal(a->grade.reasons[0],
                      "it defines 1 test and reads more from 1 test file");
  expect_grade(a, "eval", "crystallise a stable rule into code");
  artifact_free(a);
}

static void
test_promptfoo_providers_and_prompts(void **state)
{
  const char *both =
    "prompts: ['{{q}}']\n"
    "providers: [openai:gpt-4o]\n"
    "targets: [openai:gpt-4o]\n";
  const char *neither = "description: nothing to run\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.yaml", both);
  EXPECT_DIAGS(a,
    "conflicting-keys 3:1-3:8 a promptfoo config takes providers or "
    "targets, not both");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);

  a = analyze("promptfooconfig.yaml", neither);
  EXPECT_DIAGS(a,
    "missing-key 1:1-1:1 promptfoo config is missing 'prompts'",
    "missing-key 1:1-1:1 promptfoo config is missing 'providers' (or "
    "'targets')");
  artifact_free(a);
}

/* What crystallise writes where it has no value for a variable: still a
 * test, but one that checks less than it seems until it is filled in. */
static void
test_placeholder_values_are_flagged(void **state)
{
  const char *config =
    "prompts: [file://reply.j2]\n"
    "providers: [echo]\n"
    "tests:\n"
    "  - vars:\n"
    "      customer: Ada\n"
    "      notes: 'TODO: notes'\n"
    "      plan: TODO\n"
    "      memo: TODOs are listed below\n"
    "    assert:\n"
    "      - type: icontains\n"
    "        value: refund\n";
  const char *github =
    "messages:\n"
    "  - role: user\n"
    "    content: 'Summarise {{text}}'\n"
    "testData:\n"
    "  - text: 'TODO: text'\n";
  struct artifact *a;

  (void)state;
  a = analyze("promptfooconfig.yaml", config);
  EXPECT_DIAGS(a,
    "placeholder-value 6:14-6:27 'notes' is still the placeholder 'TODO: "
    "notes': the prompt would get that text as written; give it a real "
    "value",
    "placeholder-value 7:13-7:17 'plan' is still the placeholder 'TODO': "
    "the prompt would get that text as written; give it a real value");
  artifact_free(a);
  a = analyze("summarise.prompt.yml", github);
  EXPECT_DIAGS(a,
    "placeholder-value 5:11-5:23 'text' is still the placeholder 'TODO: "
    "text': the prompt would get that text as written; give it a real "
    "value");
  artifact_free(a);
}

static void
test_promptfoo_assertions(void **state)
{
  const char *text =
    "prompts: prompts.txt\n"
    "providers: [echo]\n"
    "assert:\n"
    "  - value: x\n"
    "tests:\n"
    "  - vars: { q: hi }\n"
    "    expected: hello\n"
    "    assert:\n"
    "      - type: 3\n"
    "      - type: assert-set\n"
    "        assert:\n"
    "          - value: y\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.yaml", text);

  EXPECT_DIAGS(a,
    "unknown-key 3:1-3:7 unknown key 'assert' in promptfoo config; "
    "assertions for every test go under defaultTest.assert",
    "missing-key 4:5-4:13 a promptfoo assertion is missing 'type'",
    "unknown-key 7:5-7:13 unknown key 'expected' in a promptfoo test",
    "wrong-type 9:15-9:16 'type' should be a string, not an integer",
    "missing-key 12:13-12:21 a promptfoo assertion is missing 'type'");
  artifact_free(a);
}

static void
test_promptfoo_tests_that_check_nothing_are_not_an_eval(void **state)
{
  struct artifact *a = analyze("promptfooconfig.yaml",
                               "prompts: ['Say {{x}}']\n"
                               "providers: [echo]\n"
                               "tests:\n"
                               "  - vars: {x: hi}\n");

  (void)state;
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured", "add assertions that check each test's "
                                "output");
  assert_string_equal(a->grade.reasons[0],
                      "its tests give inputs but check nothing");
  artifact_free(a);
}

static void
test_promptfoo_tests_file_json(void **state)
{
  const char *text =
    "{\n"
    "  \"prompts\": \"prompts.txt\",\n"
    "  \"providers\": [\"openai:gpt-4o\"],\n"
    "  \"tests\": \"tests.csv\",\n"
    "  \"evaluateOptions.showProgressBar\": true\n"
    "}\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.json", text);

  EXPECT_DIAGS(a,
    "unknown-key 5:3-5:36 unknown key 'evaluateOptions.showProgressBar' in "
    "promptfoo config");
  assert_int_equal(a->facts.tests, 1);
  assert_true(a->facts.assertions);
  assert_string_equal(a->facts.tests_where, "test files");
  assert_string_equal(a->grade.reasons[0], "its tests come from 1 test file");
  expect_grade(a, "eval", "crystallise a stable rule into code");
  artifact_free(a);
}

static void
test_promptfoo_default_test_file(void **state)
{
  const char *text =
    "prompts: [prompt.txt]\n"
    "providers: [echo]\n"
    "defaultTest: tests/default.yaml\n"
    "vars: { q: hi }\n";
  struct artifact *a;

  (void)state;

  a = analyze("promptfooconfig.yaml", text);

  EXPECT_DIAGS(a,
    "invalid-value 3:14-3:32 defaultTest as a string must be a file:// "
    "path, not 'tests/default.yaml'",
    "unknown-key 4:1-4:5 unknown key 'vars' in promptfoo config; variables "
    "go under each test's vars (or defaultTest.vars)");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

/* JSON Schema and OpenAI wrappers */

static void
test_json_schema_structure(void **state)
{
  const char *text =
    "{\n"
    "  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
    "  \"type\": \"object\",\n"
    "  \"required\": \"name\",\n"
    "  \"properties\": {\n"
    "    \"type\": { \"type\": \"str\" },\n"
    "    \"required\": { \"type\": [\"string\", \"nul\"] },\n"
    "    \"tags\": { \"type\": \"array\", \"items\": { \"type\": \"Object\","
    " \"properties\": [] } },\n"
    "    \"any\": { \"anyOf\": [ { \"type\": \"integr\" } ] }\n"
    "  }\n"
    "}\n";
  struct artifact *a;

  (void)state;

  a = analyze("out.schema.json", text);

  expect_format(a, "json-schema");
  EXPECT_DIAGS(a,
    "invalid-schema 4:3-4:13 required must be an array of property names, "
    "got string \"name\"",
    "invalid-schema 6:15-6:21 unknown type 'str' (did you mean 'string'?)",
    "invalid-schema 7:38-7:43 unknown type 'nul' (did you mean 'null'?)",
    "invalid-schema 8:43-8:49 unknown type 'Object' (did you mean "
    "'object'?)",
    "invalid-schema 8:61-8:73 properties must be an object, got array",
    "invalid-schema 9:27-9:33 unknown type 'integr' (did you mean "
    "'integer'?)");
  /* The finding is at the key; its fix edits the value inside quotes. */
  assert_non_null(a->diags.items[1].fix);
  assert_string_equal(a->diags.items[1].fix->title,
                      "Replace 'str' with 'string'");
  assert_int_equal(a->diags.items[1].fix->count, 1);
  assert_string_equal(a->diags.items[1].fix->edits[0].text, "string");
  assert_int_equal(a->diags.items[1].fix->edits[0].span.start,
                   strstr(text, "\"str\"") - text + 1);
  assert_int_equal(a->diags.items[1].fix->edits[0].span.end,
                   strstr(text, "\"str\"") - text + 4);
  /* An item of a type list is its own finding: a plain replacement. */
  assert_string_equal(a->diags.items[2].replacement, "null");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

static void
test_json_schema_unknown_type(void **state)
{
  const char *text =
    "$schema: http://json-schema.org/draft-07/schema#\n"
    "type: banana\n"
    "items:\n"
    "  type: { name: string }\n";
  struct artifact *a;

  (void)state;

  a = analyze("fruit.schema.yaml", text);

  expect_format(a, "json-schema");
  EXPECT_DIAGS(a,
    "invalid-schema 2:1-2:5 unknown type 'banana' (the types are null, "
    "boolean, object, array, number, string and integer)",
    "invalid-schema 4:3-4:7 type must be a type name, got object");
  artifact_free(a);
}

static void
test_json_schema_detected_by_content(void **state)
{
  const char *text =
    "{ \"type\": \"object\", \"properties\": "
    "{ \"a\": { \"type\": \"strin\" } } }";
  struct artifact *a;

  (void)state;

  a = analyze("response_schema.json", text);

  expect_format(a, "json-schema");
  EXPECT_DIAGS(a,
    "invalid-schema 1:44-1:50 unknown type 'strin' (did you mean "
    "'string'?)");
  artifact_free(a);
}

static void
test_openai_schema_wrapper(void **state)
{
  const char *text =
    "{\n"
    "  \"name\": \"invoice fields\",\n"
    "  \"strict\": \"yes\",\n"
    "  \"schema\": { \"type\": \"object\", \"properties\": {} }\n"
    "}\n";
  const char *response =
    "{\n"
    "  \"model\": \"gpt-4o\",\n"
    "  \"response_format\": {\n"
    "    \"type\": \"json\",\n"
    "    \"json_schema\": { \"name\": \"x\", "
    "\"schema\": { \"type\": \"obj\" } }\n"
    "  }\n"
    "}\n";
  const char *nameless =
    "{\"response_format\": {\"json_schema\": {\"name\": \"x\"},"
    " \"type\": \"json_schema\"}}";
  struct artifact *a;

  (void)state;

  a = analyze("invoice.json", text);
  expect_format(a, "openai-schema");
  EXPECT_DIAGS(a,
    "invalid-value 2:11-2:27 'invoice fields' is not a valid schema name: "
    "use 1 to 64 letters, digits, '_' and '-'",
    "wrong-type 3:13-3:18 'strict' should be a boolean, not a string");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);

  a = analyze("request.json", nameless);
  expect_format(a, "openai-schema");
  EXPECT_DIAGS(a,
    "missing-key 1:37-1:50 OpenAI json_schema is missing 'schema'");
  artifact_free(a);

  a = analyze("request.json", response);
  expect_format(a, "openai-schema");
  EXPECT_DIAGS(a,
    "invalid-value 4:13-4:19 'json' is not a valid type (one of: "
    "json_schema, json_object, text)",
    "invalid-schema 5:47-5:53 unknown type 'obj' (did you mean 'object'?)");
  artifact_free(a);
}

/* The first tool is microsoft/promptflow's
 * examples/flex-flows/chat-with-functions/tools.json (MIT), cut short; the
 * others are each form facet reads, with a mistake in each. */
/* A strict wrapper is OpenAI's whatever its schema's root holds: anyOf,
 * $ref and a bare type are exactly what the root rule is there to catch,
 * in each form the API takes the wrapper. */
static void
test_openai_strict_wrapper_with_any_root(void **state)
{
  static const struct {
    const char *text;
    const char *want;
  } cases[] = {
    { "{\"name\": \"a\", \"strict\": true, \"schema\": {\"anyOf\": "
      "[{\"type\": \"string\"}]}}",
      "provider-root 1:42-1:49 OpenAI strict mode takes an object at the "
      "root, not anyOf: put the choices under a property" },
    { "{\"name\": \"a\", \"strict\": true, \"schema\": {\"$ref\": "
      "\"#/$defs/o\", \"$defs\": {\"o\": {\"type\": \"object\", "
      "\"properties\": {}, \"required\": [], \"additionalProperties\": "
      "false}}}}",
      "provider-root 1:42-1:48 OpenAI strict mode takes an object at the "
      "root (type: object), not a $ref: write the object there" },
    { "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"a\", "
      "\"strict\": true, \"schema\": {\"anyOf\": [{\"type\": \"string\"}]}}}",
      "provider-root 1:81-1:88 OpenAI strict mode takes an object at the "
      "root, not anyOf: put the choices under a property" },
    { "{\"type\": \"json_schema\", \"name\": \"a\", \"strict\": true, "
      "\"schema\": {\"type\": \"string\"}}",
      "provider-root 1:65-1:71 OpenAI strict mode takes an object at the "
      "root (type: object)" },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct artifact *a = analyze("wrapper.json", cases[i].text);

    expect_format(a, "openai-schema");
    EXPECT_DIAGS(a, cases[i].want);
    artifact_free(a);
  }
}

static void
test_tool_definitions(void **state)
{
  const char *promptflow =
    "[\n"
    "    {\n"
    "        \"type\": \"function\",\n"
    "        \"function\": {\n"
    "            \"name\": \"get_current_weather\",\n"
    "            \"description\": \"Get the current weather\",\n"
    "            \"parameters\": {\n"
    "                \"type\": \"object\",\n"
    "                \"properties\": {\n"
    "                    \"location\": {\n"
    "                        \"type\": \"string\",\n"
    "                        \"description\": \"The city and state, e.g. "
    "San Francisco, CA\"\n"
    "                    },\n"
    "                    \"format\": {\n"
    "                        \"type\": \"string\",\n"
    "                        \"enum\": [\"celsius\", \"fahrenheit\"]\n"
    "                    }\n"
    "                },\n"
    "                \"required\": [\"location\", \"format\"]\n"
    "            }\n"
    "        }\n"
    "    }\n"
    "]\n";
  const char *mistakes =
    "[\n"
    "  {\"type\": \"function\", \"function\": {\"name\": \"get weather\", "
    "\"strict\": true,\n"
    "    \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": "
    "{\"type\": \"string\"}}}}},\n"
    "  {\"type\": \"function\", \"function\": {\"name\": \"ok\", "
    "\"paramters\": {}}},\n"
    "  {\"type\": \"web_search\"},\n"
    "  {\"name\": \"lookup\", \"parameters\": {\"type\": \"strng\"}},\n"
    "  {\"name\": \"find\", \"input_schema\": {\"type\": \"object\", "
    "\"properties\": {\"id\": {\"minimum\": \"1\"}}}}\n"
    "]\n";
  struct artifact *a;

  (void)state;

  a = analyze("tools.json", promptflow);
  expect_format(a, "tool-definitions");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "schema", "add an eval that checks the model's tool calls "
               "against these definitions (promptfoo's "
               "is-valid-openai-tools-call)");
  assert_string_equal(a->grade.reasons[0], "it defines tools: their schemas "
                      "pin the shape of the model's tool calls");
  artifact_free(a);

  a = analyze("functions.json", mistakes);
  expect_format(a, "tool-definitions");
  EXPECT_DIAGS(a,
    "invalid-value 2:45-2:58 'get weather' is not a valid tool name: use 1 "
    "to 64 letters, digits, '_' and '-'",
    "provider-additional-properties 3:20-3:26 this object schema does not "
    "set additionalProperties: false, which OpenAI strict mode requires of "
    "every object",
    "provider-required 3:38-3:50 this object schema has no required; OpenAI "
    "strict mode requires every property to be listed there",
    "unknown-key 4:51-4:62 unknown key 'paramters' in OpenAI function; did "
    "you mean 'parameters'?",
    "invalid-schema 6:37-6:43 unknown type 'strng' (did you mean "
    "'string'?)",
    "invalid-schema 7:77-7:86 minimum must be a number, got string \"1\"");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

/* LangChain, Semantic Kernel, POML, OpenAI evals, results */

static void
test_langchain(void **state)
{
  const char *valid =
    "{\"_type\": \"prompt\", \"input_variables\": [\"name\"],"
    " \"template\": \"Hola {name}, {{literal}}.\"}";
  const char *faulty =
    "_type: prompt\n"
    "input_variable: [context]\n"
    "template: 'Context: {{ context }}'\n"
    "template_path: prompt.md\n"
    "template_format: jinja2\n";
  struct artifact *a;

  (void)state;

  a = analyze("files/simple_prompt.json", valid);
  expect_format(a, "langchain");
  EXPECT_NO_DIAGS(a);
  assert_int_equal(a->nvars, 1);
  assert_string_equal(a->vars[0].name, "name");
  expect_grade(a, "structured",
               "pin the output: add an output_parser, or move the prompt to "
               "a format with an output schema");
  artifact_free(a);

  a = analyze("prompt_template.yaml", faulty);
  EXPECT_DIAGS(a,
    "unknown-key 2:1-2:15 unknown key 'input_variable' in LangChain prompt; "
    "did you mean 'input_variables'?",
    "conflicting-keys 4:1-4:14 a LangChain prompt takes template or "
    "template_path, not both",
    "invalid-value 4:16-4:25 template_path must name a .txt file",
    "invalid-value 5:18-5:24 LangChain refuses to load jinja2 templates "
    "from files (they can run arbitrary code)");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

static void
test_semantic_kernel_yaml(void **state)
{
  const char *text =
    "name: GenerateStory\n"
    "template: |\n"
    "  Tell a story about {{topic}}.\n"
    "template_format: handlebars\n"
    "input_variables:\n"
    "  - name: topic\n"
    "    is_requred: true\n"
    "  - description: no name\n"
    "output_variable:\n"
    "  json_schema: '{\"type\": \"string\"}'\n"
    "execution_settings:\n"
    "  default: { temperature: 0.5 }\n";
  struct artifact *a;

  (void)state;

  a = analyze("GenerateStory.yaml", text);

  expect_format(a, "semantic-kernel");
  EXPECT_DIAGS(a,
    "unknown-key 7:5-7:15 unknown key 'is_requred' in a Semantic Kernel "
    "input variable; did you mean 'is_required'?",
    "missing-key 8:5-8:25 a Semantic Kernel input variable is missing "
    "'name'");
  assert_string_equal(a->vars[0].name, "topic");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);
}

static void
test_semantic_kernel_folder(void **state)
{
  const char *config =
    "{ \"schema\": 1, \"description\": \"Joke\",\n"
    "  \"execution_settings\": { \"default\": { \"max_tokens\": 100 } },\n"
    "  \"input_variables\": [ { \"name\": \"input\", \"default\": \"\" } ] }\n";
  struct artifact *a;

  (void)state;

  a = analyze("FunPlugin/Joke/config.json", config);
  expect_format(a, "semantic-kernel");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured",
               "pin the output: add output_variable.json_schema");
  artifact_free(a);

  a = analyze("FunPlugin/Joke/skprompt.txt", "A joke about {{$input}}.\n");
  EXPECT_NO_DIAGS(a);
  assert_string_equal(a->vars[0].name, "input");
  expect_grade(a, "loose",
               "declare the template's variables under input_variables in "
               "the function's config.json");
  artifact_free(a);
}

static struct artifact *
analyze_with(const char *path, const char *text, const char *companion)
{
  const struct analyze_options opts = {
    .companion = companion,
    .companion_len = strlen(companion),
  };
  struct artifact *a = artifact_analyze(path, text, strlen(text), &opts);

  assert_non_null(a);
  return a;
}

/*
 * A function's two files read together. The templates after
 * microsoft/semantic-kernel prompt_template_samples (MIT): FunPlugin/Joke
 * (input, style) and MiscPlugin/Continue ({{$INPUT}} for 'input').
 */
static void
test_semantic_kernel_function_read_whole(void **state)
{
  const char *config =
    "{ \"schema\": 1, \"execution_settings\": {},\n"
    "  \"input_variables\": [ { \"name\": \"input\" },\n"
    "    { \"name\": \"style\" }, { \"name\": \"tone\" } ] }\n";
  const char *v1 =
    "{ \"schema\": 1, \"input\": { \"parameters\": [\n"
    "  { \"name\": \"input\" } ] } }\n";
  const char *bare = "{ \"schema\": 1, \"execution_settings\": {} }\n";
  const char *joke = "A joke: {{$style}}\n+++++\n{{$INPUT}} {{$topic}}\n";
  struct artifact *a;

  (void)state;

  a = analyze_with("Joke/skprompt.txt", joke, config);
  EXPECT_DIAGS(a,
    "undeclared-variable 3:15-3:20 'topic' is not declared in config.json's "
    "input_variables");
  expect_grade(a, "loose", "declare the template's variables under "
               "input_variables in the function's config.json");
  artifact_free(a);

  a = analyze_with("Joke/skprompt.txt", "Continue: {{$INPUT}}\n", v1);
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured",
               "pin the output: add output_variable.json_schema");
  assert_string_equal(a->grade.reasons[0], "config.json declares the inputs "
                      "its template uses");
  artifact_free(a);

  a = analyze_with("Joke/config.json", config, joke);
  EXPECT_DIAGS(a,
    "undeclared-variable 2:3-2:20 skprompt.txt reads 'topic', which "
    "input_variables does not declare",
    "unused-input 3:37-3:41 'tone' is declared in input_variables, but "
    "skprompt.txt never reads it");
  expect_grade(a, "loose", "declare the template's variables under "
               "input_variables");
  assert_string_equal(a->grade.reasons[0], "its template file uses "
                      "'topic', which its header does not declare");
  artifact_free(a);

  /* Without input_variables any argument may be passed: no findings. */
  a = analyze_with("Ask/config.json", bare, joke);
  EXPECT_NO_DIAGS(a);
  artifact_free(a);
  a = analyze_with("Ask/skprompt.txt", joke, bare);
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "loose", "declare the template's variables under "
               "input_variables in the function's config.json");
  artifact_free(a);
}

/* After microsoft/poml examples/108_math_calculator (MIT): the context
 * file beside the prompt gives its variables. */
static void
test_poml_context_file(void **state)
{
  const char *text = "<poml>\n<task>{{ question }}</task>\n</poml>\n";
  struct artifact *a;

  (void)state;

  a = analyze_with("108_math_calculator.poml", text,
                   "{\n    \"question\": \"What is 15% of 200?\"\n}\n");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured", "pin the output: add an <output-schema>");
  assert_string_equal(a->grade.reasons[0],
                      "108_math_calculator.context.json declares the inputs "
                      "its template uses");
  artifact_free(a);

  a = analyze("108_math_calculator.poml", text);
  expect_grade(a, "loose", "supply the variables from a context file, or "
               "define them with <let>");
  artifact_free(a);
}

static void
test_poml(void **state)
{
  const char *text =
    "<poml>\n"
    "<let name=\"lang\" value=\"'Go'\" />\n"
    "<task>Review this {{ lang }} diff for {{ reviewer }}.</task>\n"
    "<item for=\"f in files\">{{ f.name }}</item>\n"
    "<output-schema>{ \"type\": \"object\" }</output-schema>\n"
    "</poml>\n";
  struct artifact *a;

  (void)state;

  a = analyze("review.poml", text);

  expect_format(a, "poml");
  EXPECT_NO_DIAGS(a);
  assert_int_equal(a->nvars, 1);
  assert_string_equal(a->vars[0].name, "reviewer");
  expect_grade(a, "schema",
               "add an eval: a promptfoo config that exercises this prompt");
  artifact_free(a);

  /* microsoft/poml's test fixture badSyntax.poml (MIT) is these 5 bytes. */
  a = analyze("badSyntax.poml", "<poml");
  EXPECT_DIAGS(a,
    "template-unterminated 1:1-1:6 '<poml' is never closed: add '>'");
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);

  a = analyze("open.poml", "<poml>\n<task>{{ a < b }}</task>\n");
  EXPECT_DIAGS(a,
    "template-unclosed-block 1:1-1:6 '<poml>' is never closed: add "
    "'</poml>'");
  artifact_free(a);

  /* As in microsoft/poml examples/202_arc_agi.poml: every key of the
   * file becomes a variable. */
  a = analyze("arc.poml", "<poml>\n<let src=\"data.json\"/>\n"
                          "<task>{{ train }}</task>\n</poml>\n");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured", "pin the output: add an <output-schema>");
  artifact_free(a);
}

static void
test_openai_evals(void **state)
{
  const char *text =
    "ab:\n"
    "  id: ab.dev.v0\n"
    "  metrics: [accuracy]\n"
    "ab.dev.v0:\n"
    "  class: evals.elsuite.basic.match.Match\n"
    "  args: [samples.jsonl]\n"
    "odd.dev.v0:\n"
    "  class: [evals.Match]\n"
    "extra.dev.v0:\n"
    "  class: evals.elsuite.basic.includes:Includes\n"
    "  args:\n"
    "    samples_jsonl: extra/samples.jsonl\n";
  const char *solvers =
    "human_cli:\n"
    "  class: evals.solvers.human_cli_solver:HumanCliSolver\n";
  /* After openai/evals evals/registry/modelgraded/fact.yaml (MIT). */
  const char *rubric =
    "fact:\n"
    "  prompt: |-\n"
    "    Compare [Submission]: {completion} with [Expert]: {ideal}.\n"
    "  choice_strings: ABCDE\n"
    "  input_outputs:\n"
    "    input: completion\n";
  struct artifact *a;

  (void)state;

  a = analyze("evals/registry/evals/ab.yaml", text);
  expect_format(a, "openai-evals");
  EXPECT_DIAGS(a,
    "invalid-value 5:10-5:41 'evals.elsuite.basic.match.Match' is not a "
    "class reference: write module.path:ClassName",
    "wrong-type 6:9-6:24 'args' should be a mapping, not a list",
    "wrong-type 8:10-8:23 'class' should be a string such as "
    "module.path:ClassName, not a list");
  assert_int_equal(a->facts.tests, 2);
  expect_grade(a, "loose", "fix the errors facet reports");
  artifact_free(a);

  /* Solvers and completion functions configure runs; they are no evals,
   * in their folder or out of it. */
  a = analyze("evals/registry/solvers/defaults.yaml", solvers);
  expect_format(a, "none");
  artifact_free(a);
  a = analyze("defaults.yaml", solvers);
  expect_format(a, "none");
  artifact_free(a);

  a = analyze("evals/registry/modelgraded/fact.yaml", rubric);
  expect_format(a, "openai-evals");
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "structured",
               "grade an eval with this rubric: an entry with class "
               "evals.elsuite.modelgraded.classify:ModelBasedClassify and "
               "args.modelgraded_spec");
  artifact_free(a);
}

static void
test_results_not_checked(void **state)
{
  const char *text =
    "{ \"evalId\": \"e1\", \"results\": { \"version\": 3, \"results\": [] },"
    " \"config\": { \"prompts\": 3 } }";
  struct artifact *a;

  (void)state;

  a = analyze("promptfoo-results.json", text);

  expect_format(a, "promptfoo-results");
  EXPECT_NO_DIAGS(a);
  assert_false(a->grade.graded);
  artifact_free(a);
}

static void
test_prompty_typo_type_and_value(void **state)
{
  struct artifact *a = analyze("trip.prompty",
                               "---\n"
                               "name: trip\n"
                               "modle: gpt-4o\n"
                               "model:\n"
                               "  options:\n"
                               "    temperature: \"0.2\"\n"
                               "  apiType: chats\n"
                               "inputs:\n"
                               "  - name: city\n"
                               "    kind: strng\n"
                               "---\n"
                               "Plan {{ city }}.\n");

  (void)state;
  EXPECT_DIAGS(a,
    "unknown-key 3:1-3:6 unknown key 'modle' in Prompty frontmatter; did "
    "you mean 'model'?",
    "wrong-type 6:18-6:23 'temperature' should be a number, not a string",
    "invalid-value 7:12-7:17 'chats' is not a valid apiType; did you mean "
    "'chat'? (one of: chat, embedding, image, responses)",
    "invalid-value 10:11-10:16 'strng' is not a valid kind; did you mean "
    "'string'? (one of: string, integer, float, number, boolean, array, "
    "object, thread, image, file, audio)");
  assert_string_equal(a->diags.items[0].replacement, "model");
  expect_grade(a, "loose", "fix the errors facet reports");
  assert_string_equal(a->grade.reasons[0], "it has 3 errors that its tools "
                      "would reject or misread");
  artifact_free(a);
}

static void
test_prompty_v1_and_v2_keys_both_load(void **state)
{
  struct artifact *a = analyze("v1.prompty",
                               "---\n"
                               "name: v1\n"
                               "authors: [me]\n"
                               "model:\n"
                               "  api: chat\n"
                               "  configuration:\n"
                               "    type: azure_openai\n"
                               "  parameters:\n"
                               "    max_tokens: 100\n"
                               "    response_format:\n"
                               "      type: json_schema\n"
                               "sample:\n"
                               "  q: [hello]\n"
                               "inputs:\n"
                               "  q:\n"
                               "    type: list\n"
                               "---\n"
                               "user:\n{{q}}\n");

  (void)state;
  EXPECT_NO_DIAGS(a);
  expect_grade(a, "schema", "add an eval: a promptfoo config or .prompt.yml "
                            "testData that exercises this prompt");
  assert_string_equal(a->grade.reasons[0], "its output is pinned by a "
                      "schema (model.parameters.response_format)");
  artifact_free(a);
}

static void
test_unclosed_frontmatter_is_one_error_and_broken(void **state)
{
  struct artifact *a = analyze("trip.prompty",
                               "---\n"
                               "name: trip\n"
                               "inputs:\n"
                               "  city: {type: string}\n"
                               "system:\n"
                               "Plan a trip to {{ city }}: be brief.\n");

  (void)state;
  EXPECT_DIAGS(a, "frontmatter-unclosed 1:1-1:4 frontmatter opened here is "
               "never closed; add a '---' line after it");
  expect_grade(a, "loose", "fix the errors in its header");
  assert_string_equal(a->grade.reasons[0],
                      "its header has errors, so nothing it declares counts");
  artifact_free(a);
}

static void
test_a_header_with_a_syntax_error_grades_loose(void **state)
{
  struct artifact *a = analyze("q.prompt.yml",
                               "messages:\n"
                               "  - role: user\n"
                               "    content: [unclosed\n"
                               "testData:\n"
                               "  - q: x\n"
                               "evaluators:\n"
                               "  - name: e\n"
                               "    string: {contains: x}\n");

  (void)state;
  assert_int_equal(a->diags.items[0].code, DIAG_YAML_SYNTAX);
  expect_grade(a, "loose", "fix its syntax errors");
  assert_string_equal(a->grade.reasons[0],
                      "it does not parse, so nothing in it counts");
  artifact_free(a);
}

static void
test_findings_after_a_syntax_error_are_still_reported(void **state)
{
  struct artifact *a = analyze("t.prompty",
                               "---\n"
                               "name: x\n"
                               "modle: x\n"
                               "description: a: y\n"
                               "inputs:\n"
                               "  - name: q\n"
                               "    kind: strng\n"
                               "---\n"
                               "{{q}}\n");

  (void)state;
  EXPECT_DIAGS(a,
    "unknown-key 3:1-3:6 unknown key 'modle' in Prompty frontmatter; did "
    "you mean 'model'?",
    "yaml-syntax 4:15-4:16 mapping values are not allowed in this context",
    "invalid-value 7:11-7:16 'strng' is not a valid kind; did you mean "
    "'string'? (one of: string, integer, float, number, boolean, array, "
    "object, thread, image, file, audio)");
  artifact_free(a);
}

/* The yaml-syntax finding of a header, or of a YAML file, whose line
 * lacks its ':' is on that line, not zero-width at where libyaml gave up
 * (a header's closing '---', the end of the file). */
static void
test_yaml_syntax_errors_point_at_the_bad_line(void **state)
{
  static const char *const paths[] = {
    "a.prompty", "a.prompt", "a.prompt.md", "a.chatmode.md",
  };
  const char *header = "---\nname: x\ndescription: d\nmodel:\n  id: m\n"
                       "mod\n---\nHi\n";
  const char *want = "yaml-syntax 6:1-6:4 could not find expected ':' "
                     "(while scanning a simple key at line 6)";

  (void)state;
  for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
    struct artifact *a = analyze(paths[i], header);
    bool found = false;

    for (size_t d = 0; d < a->diags.count && !found; d++)
      if (a->diags.items[d].code == DIAG_YAML_SYNTAX) {
        if (strcmp(diag_text(a, d), want) != 0)
          print_message("in %s\n", paths[i]);
        assert_string_equal(diag_text(a, d), want);
        found = true;
      }
    if (!found)
      print_diags(a);
    assert_true(found);
    artifact_free(a);
  }
}

static void
test_keys_lost_to_a_syntax_error_are_not_reported_missing(void **state)
{
  struct artifact *a = analyze("q.prompt.yml",
                               "messages:\n"
                               "  - role: user\n"
                               "    content: [unclosed\n"
                               "testData:\n"
                               "  - q: x\n");

  (void)state;
  EXPECT_DIAGS(a, "yaml-syntax 4:9-4:10 did not find expected ',' or ']' "
               "(while parsing a flow sequence at line 3)");
  artifact_free(a);
}

static void
test_variables_the_header_does_not_declare_make_it_loose(void **state)
{
  struct artifact *a = analyze("greet.prompt",
                               "---\n"
                               "input:\n"
                               "  schema:\n"
                               "    name: string\n"
                               "    nick?: string, what friends say\n"
                               "---\n"
                               "Hi {{name}} ({{nick}}), {{email}}!\n"
                               "{{#each items}}- {{title}}{{/each}}\n"
                               "{{#if @root.vip}}{{vip_note}}{{/if}}\n");

  (void)state;
  EXPECT_DIAGS(a,
    "undeclared-variable 7:27-7:32 'email' is not declared in input.schema",
    "undeclared-variable 8:9-8:14 'items' is not declared in input.schema",
    "undeclared-variable 9:13-9:16 'vip' is not declared in input.schema",
    "undeclared-variable 9:20-9:28 'vip_note' is not declared in "
    "input.schema");
  expect_grade(a, "loose", "declare the template's variables under "
                           "input.schema");
  assert_string_equal(a->grade.reasons[0],
                      "its template uses 'email', 'items', 'vip' "
                      "and 1 more, which its header does not declare");
  artifact_free(a);
}

static void
test_a_raw_tag_closing_the_text_ends_the_scan(void **state)
{
  /* A triple-brace tag closed by two braces at the very end; exactly
   * sized with no NUL, so reading past the close is caught by ASan. */
  const char body[] = { 'h', 'i', ' ', '{', '{', '{', 'x', '}', '}' };
  struct artifact *a = artifact_analyze_shared("a.hbs", body, sizeof body,
                                               NULL, NULL, NULL);

  (void)state;
  assert_non_null(a);
  assert_int_equal(a->nvars, 0);
  EXPECT_DIAGS(a, "template-unterminated 1:4-1:7 '{{{' is never closed: "
               "add '}}}'");
  artifact_free(a);
}

static void
test_frontmatter_that_is_a_list_is_not_a_header(void **state)
{
  struct artifact *a = analyze("l.prompty", "---\n- a\n- b\n---\nbody\n");

  (void)state;
  EXPECT_DIAGS(a, "frontmatter-not-mapping 2:1-3:4 frontmatter should be "
               "'key: value' lines, not a list");
  expect_grade(a, "loose", "fix the errors in its header");
  artifact_free(a);
}

static void
test_files_that_are_not_text_or_too_big_get_one_finding(void **state)
{
  struct analyze_options small = { .max_bytes = 8 };
  struct artifact *big = artifact_analyze("a.prompty", "---\nname: x\n---\n",
                                          17, &small);
  struct artifact *bin = artifact_analyze("a.prompty", "\0\1\2", 3, NULL);
  struct artifact *bad = analyze("a.prompty", "---\nname: caf\xE9\n---\n");

  (void)state;
  EXPECT_DIAGS(big, "file-too-large 1:1-1:1 file is 17 bytes, over the "
               "8-byte limit; it was not analysed");
  EXPECT_DIAGS(bin, "binary-file 1:1-1:1 file holds binary data (a NUL "
               "byte); it was not analysed");
  EXPECT_DIAGS(bad, "invalid-utf8 2:10-2:11 1 invalid UTF-8 byte sequence "
               "was replaced with U+FFFD");
  assert_string_equal(node_str(node_get(bad->root, "name")),
                      "caf\xEF\xBF\xBD");
  artifact_free(big);
  artifact_free(bin);
  artifact_free(bad);
}

/* Nine anchors, each a list of nine uses of the one before: 9^9 values
 * with aliases followed ("billion laughs"), each line at indent. */
static void
alias_bomb(char *out, size_t size, const char *head, const char *indent,
           const char *tail)
{
  size_t n = (size_t)snprintf(out, size, "%s%sa: &a [x, x, x, x, x, x, x, "
                              "x, x]\n", head, indent);

  for (char c = 'b'; c <= 'i'; c++)
    n += (size_t)snprintf(out + n, size - n, "%s%c: &%c [*%c, *%c, *%c, "
                          "*%c, *%c, *%c, *%c, *%c, *%c]\n", indent, c, c,
                          c - 1, c - 1, c - 1, c - 1, c - 1, c - 1, c - 1,
                          c - 1, c - 1);
  snprintf(out + n, size - n, "%s", tail);
}

static double
seconds_since(const struct timespec *t0)
{
  struct timespec t1;

  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) +
         (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
test_alias_bombs_are_cut_at_the_alias(void **state)
{
  static const struct {
    const char *path, *head, *indent, *tail, *want;
  } cases[] = {
    { "bomb.prompt.yml",
      "name: bomb\nmodel: openai/gpt-4o\nmessages:\n  - role: user\n"
      "    content: 'Summarise {{doc}}'\ntestData:\n  - doc:\n",
      "      ", "",
      "alias-expansion 13:22-13:24 alias '*e' would expand the document "
      "past 262144 values (aliases nested in aliases multiply); it is read "
      "as empty, as is every later alias past the limit" },
    { "promptfooconfig.yaml",
      "prompts:\n  - 'Summarise {{doc}}'\nproviders:\n  - openai:gpt-4o\n"
      "tests:\n  - vars:\n      doc:\n",
      "        ", "",
      "alias-expansion 13:24-13:26 alias '*e' would expand the document "
      "past 262144 values (aliases nested in aliases multiply); it is read "
      "as empty, as is every later alias past the limit" },
    { "bomb.prompt",
      "---\nmodel: googleai/gemini-2.5-flash\ninput:\n  schema:\n"
      "    doc: any\n  default:\n    doc:\n",
      "      ", "---\nSummarise {{doc}}\n",
      "alias-expansion 13:22-13:24 alias '*e' would expand the document "
      "past 262144 values (aliases nested in aliases multiply); it is read "
      "as empty, as is every later alias past the limit" },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[2048];
    struct timespec t0;
    struct artifact *a;

    alias_bomb(text, sizeof text, cases[i].head, cases[i].indent,
               cases[i].tail);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    a = analyze(cases[i].path, text);

    /* Followed in full, these took minutes (or 400 MB) to analyse. */
    assert_true(seconds_since(&t0) < 10.0);
    EXPECT_DIAGS(a, cases[i].want);
    expect_grade(a, "loose", "fix the errors facet reports");
    artifact_free(a);
  }
}

static void
test_a_bom_before_frontmatter_keeps_the_header(void **state)
{
  /* Windows editors save "\xEF\xBB\xBF" first; the header must still be
   * one, and columns on line 1 count from after the BOM. */
  struct artifact *dp = analyze("trip.prompt",
    "\xEF\xBB\xBF---\nmodel: googleai/gemini-2.5-flash\ninput:\n  schema:\n"
    "    city: string\nbogus: 1\n---\nPlan {{city}}.\n");
  struct artifact *dp_open = analyze("open.prompt",
    "\xEF\xBB\xBF---\nmodel: googleai/gemini-2.5-flash\n");
  struct artifact *blank = analyze("blank.prompt",
    "\xEF\xBB\xBF  \n# notes\n---\nmodel: googleai/gemini-2.5-flash\n---\n"
    "Hi.\n");
  struct artifact *py = analyze("trip.prompty",
    "\xEF\xBB\xBF---\nname: x\nmodel:\n  api: chat\nbogus: 1\n---\nuser:\nHi\n");
  struct artifact *md = analyze("trip.prompt.md",
    "\xEF\xBB\xBF---\ndescription: x\nbogus: 1\n---\nHi\n");

  (void)state;
  expect_format(dp, "dotprompt");
  EXPECT_DIAGS(dp, "unknown-key 6:1-6:6 unknown key 'bogus' in Dotprompt "
               "frontmatter");
  expect_format(dp_open, "dotprompt");
  EXPECT_DIAGS(dp_open, "frontmatter-unclosed 1:1-1:4 frontmatter opened "
               "here is never closed; add a '---' line after it");
  expect_format(blank, "dotprompt");
  EXPECT_NO_DIAGS(blank);
  expect_format(py, "prompty");
  assert_int_equal(py->fm.open.start, 3);
  expect_format(md, "vscode-prompt");
  assert_int_equal(md->fm.open.start, 3);
  artifact_free(dp);
  artifact_free(dp_open);
  artifact_free(blank);
  artifact_free(py);
  artifact_free(md);
}

static void
test_prompty_header_may_follow_blank_lines_and_spaces(void **state)
{
  /* Prompty's Python loader matches "^\s*---": blank lines and an
   * indented opening delimiter still start the header. */
  struct artifact *a = analyze("trip.prompty",
    "\n  \n  ---\nname: x\nmodel:\n  api: chat\nbogus: 1\ninputs:\n  city:\n"
    "    type: string\n---\nuser:\nPlan {{city}}.\n");
  struct artifact *crlf = analyze("crlf.prompty",
    "\r\n \t\r\n\t+++\r\nname: x\r\ninputs:\r\n  city:\r\n    type: string"
    "\r\n+++\r\nuser:\r\nPlan {{city}}.\r\n");
  /* VS Code reads no header unless "---" starts the file. */
  struct artifact *md = analyze("trip.prompt.md",
    "  ---\ndescription: x\n---\nHi\n");

  (void)state;
  EXPECT_DIAGS(a, "unknown-key 7:1-7:6 unknown key 'bogus' in Prompty "
               "frontmatter");
  assert_int_equal(a->fm.open.start, 6);
  assert_int_equal(a->fm.open.end, 9);
  expect_grade(a, "structured", "pin the output: add outputs (or a "
               "response_format json_schema)");
  EXPECT_NO_DIAGS(crlf);
  assert_true(crlf->fm.closed);
  assert_int_equal(crlf->fm.open.start, 7);
  expect_grade(crlf, "structured", "pin the output: add outputs (or a "
               "response_format json_schema)");
  assert_false(md->fm.present);
  artifact_free(a);
  artifact_free(crlf);
  artifact_free(md);
}

static void
test_names_in_code_fences_of_a_markdown_body_are_examples(void **state)
{
  struct artifact *py = analyze("reply.prompty",
    "---\nname: x\ninputs:\n  city:\n    type: string\n  tone:\n"
    "    type: string\n---\nsystem:\nPlan {{city}}. Reply like this:\n"
    "```jinja\nDear {{ name }}, in {{ tone }}.\n```\n{{ guest }}\n");
  struct artifact *dp = analyze("reply.prompt",
    "---\ninput:\n  schema:\n    city: string\n---\nPlan {{city}}.\n"
    "~~~\n{{ name }}\n~~~\n");
  /* A .j2 file is no Markdown: a fence is text like any other. */
  struct artifact *j2 = analyze("reply.j2", "Hi {{ name }}\n```\nx }}\n```\n");

  (void)state;
  /* 'name' (fenced only) is an example; 'tone' counts as read there. */
  EXPECT_DIAGS(py, "undeclared-variable 14:4-14:9 'guest' is not declared "
               "in inputs");
  expect_grade(py, "loose", "declare the template's variables under inputs");
  assert_true(template_var(py, "name")->fenced_only);
  assert_false(template_var(py, "city")->fenced_only);
  EXPECT_NO_DIAGS(dp);
  expect_grade(dp, "structured", "pin the output: add output.schema (with "
               "output.format: json)");
  EXPECT_DIAGS(j2, "template-stray-close 3:3-3:5 '}}' closes no tag: the "
               "template engine prints it as text");
  artifact_free(py);
  artifact_free(dp);
  artifact_free(j2);
}

static void
test_dotprompt_role_tags_may_have_blanks(void **state)
{
  /* No frontmatter: the role tag alone makes it Dotprompt. */
  struct artifact *a = analyze("chat.prompt",
    "{{ #role \"user\" }}Hi{{/role}}\n{{~ role 'Model' ~}}\n");

  (void)state;
  expect_format(a, "dotprompt");
  EXPECT_DIAGS(a, "invalid-value 2:11-2:16 'Model' is not a Dotprompt role: "
               "roles are lower case; did you mean 'model'? (one of: user, "
               "model, tool, system)");
  artifact_free(a);
}

static void
test_nesting_limit_is_the_documented_128(void **state)
{
  static char deep[4096];
  static char limit[4096];
  size_t n = 0;
  size_t m = 0;
  struct artifact *a;
  struct artifact *b;

  (void)state;
  /* The testsuites element and 128 inside it are read; 129 are not. */
  n += (size_t)snprintf(deep + n, sizeof deep - n, "<testsuites>");
  m += (size_t)snprintf(limit + m, sizeof limit - m, "<testsuites>");
  for (int i = 0; i < 128; i++)
    n += (size_t)snprintf(deep + n, sizeof deep - n, "<a>");
  for (int i = 0; i < 127; i++)
    m += (size_t)snprintf(limit + m, sizeof limit - m, "<a>");
  for (int i = 0; i < 128; i++)
    n += (size_t)snprintf(deep + n, sizeof deep - n, "</a>");
  for (int i = 0; i < 127; i++)
    m += (size_t)snprintf(limit + m, sizeof limit - m, "</a>");
  snprintf(deep + n, sizeof deep - n, "</testsuites>\n");
  snprintf(limit + m, sizeof limit - m, "</testsuites>\n");
  a = analyze("junit.xml", deep);
  b = analyze("junit.xml", limit);

  EXPECT_DIAGS(a, "too-deep 1:1-1:1 the XML nests deeper than 128 "
               "elements; facet stopped reading it");
  EXPECT_NO_DIAGS(b);
  artifact_free(a);
  artifact_free(b);
}

static void
test_empty_artifacts_get_a_finding_and_the_lowest_grade(void **state)
{
  struct artifact *yml = analyze("chat.prompt.yml", "");
  struct artifact *blank = analyze("chat.prompty", "\xEF\xBB\xBF  \r\n\n\t\n");
  struct artifact *pf = analyze("promptfooconfig.yaml", "\n");

  (void)state;
  EXPECT_DIAGS(yml, "empty-file 1:1-1:1 the file is empty: it holds no "
               "prompt");
  expect_grade(yml, "loose", "write the prompt: the file is empty");
  EXPECT_DIAGS(blank, "empty-file 1:1-1:1 the file is empty: it holds no "
               "prompt");
  expect_grade(blank, "loose", "write the prompt: the file is empty");
  /* The format's own finding says it already: no second one. */
  EXPECT_DIAGS(pf, "missing-key 1:1-1:1 the promptfoo config is empty: it "
               "needs prompts and providers");
  expect_grade(pf, "loose", "write the tests: the file is empty");
  artifact_free(yml);
  artifact_free(blank);
  artifact_free(pf);
}

/*
 * A CSV __expected cell gets the checks of an assertion written in YAML,
 * each at its part of the cell: a regex that does not compile (on the
 * pattern), a threshold out of range (on the number), a value missing,
 * and a type one typo away, which promptfoo would read as equals the
 * whole cell. Before, only the missing value was reported.
 */
static void
test_csv_expected_cells_are_checked_as_assertions(void **state)
{
  static const char text[] =
    "q,__expected\n"
    "a,regex:(a\n"
    "b,similar(80):hello\n"
    "c,\"regex:caf\xC3\xA9((\"\n"
    "d,contain:refund\n"
    "e,latency(-5):\n"
    "f,icontains:\n"
    "g,answer: yes\n"
    "h,similar(0.8):hello\n";
  struct analyze_options opts = { .format = FORMAT_PROMPTFOO_TESTS };
  struct artifact *a = artifact_analyze("tests.csv", text, sizeof text - 1,
                                        &opts);

  (void)state;
  EXPECT_DIAGS(a,
    "invalid-regex 2:9-2:11 this regex does not compile: missing closing "
    "parenthesis (2 characters into the pattern)",
    "threshold-range 3:11-3:13 similar scores from 0 to 1, so a threshold "
    "of 80 can never be met",
    "invalid-regex 4:10-4:16 this regex does not compile: missing closing "
    "parenthesis (6 characters into the pattern)",
    "unknown-assertion 5:3-5:10 unknown assertion type 'contain', so "
    "promptfoo compares the output with the whole cell; did you mean "
    "'contains'?",
    "threshold-range 6:11-6:13 a latency threshold below 0 can never be met",
    "assertion-value 7:3-7:13 an icontains assertion needs a value after "
    "the ':'");
  artifact_free(a);
}

/* promptfoo trims the cell and the value after the type: a pattern
 * written after "regex: " is reported on the pattern, not the space. */
static void
test_csv_expected_values_are_trimmed(void **state)
{
  static const char text[] =
    "q,__expected\n"
    "a,regex: ([a-z\n"
    "b,\"  regex:  (x  \"\n"
    "c,icontains:   \n";
  struct analyze_options opts = { .format = FORMAT_PROMPTFOO_TESTS };
  struct artifact *a = artifact_analyze("tests.csv", text, sizeof text - 1,
                                        &opts);

  (void)state;
  EXPECT_DIAGS(a,
    "invalid-regex 2:10-2:15 this regex does not compile: missing "
    "terminating ] for character class (5 characters into the pattern)",
    "invalid-regex 3:14-3:16 this regex does not compile: missing closing "
    "parenthesis (2 characters into the pattern)",
    "assertion-value 4:3-4:16 an icontains assertion needs a value after "
    "the ':'");
  artifact_free(a);
}

/* The same checks in YAML: the position in a pattern counts characters. */
static void
test_regex_positions_count_characters(void **state)
{
  static const char text[] =
    "prompts: ['Say {{ x }}']\n"
    "providers: [echo]\n"
    "tests:\n"
    "  - vars: {x: a}\n"
    "    assert:\n"
    "      - type: regex\n"
    "        value: '\xC3\xA9t\xC3\xA9 (('\n";
  struct artifact *a = analyze("promptfooconfig.yaml", text);

  (void)state;
  EXPECT_DIAGS(a,
    "invalid-regex 7:16-7:24 this regex does not compile: missing closing "
    "parenthesis (6 characters into the pattern)");
  artifact_free(a);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_dotprompt_valid_declares_inputs),
    cmocka_unit_test(test_dotprompt_output_schema),
    cmocka_unit_test(test_dotprompt_misplaced_and_unknown_keys),
    cmocka_unit_test(test_dotprompt_schema_as_a_list),
    cmocka_unit_test(test_template_names_past_ascii),
    cmocka_unit_test(test_handlebars_block_params),
    cmocka_unit_test(test_yaml_syntax_errors_point_at_the_bad_line),
    cmocka_unit_test(test_dotprompt_wrong_values),
    cmocka_unit_test(test_dotprompt_output_format_typo),
    cmocka_unit_test(test_dotprompt_partial_hint),
    cmocka_unit_test(test_github_models_valid_eval),
    cmocka_unit_test(test_github_models_padded_placeholder),
    cmocka_unit_test(test_github_models_bad_values),
    cmocka_unit_test(test_github_models_list_in_test_data),
    cmocka_unit_test(test_prompty_sample_list),
    cmocka_unit_test(test_github_models_json_schema_pins_output),
    cmocka_unit_test(test_github_models_json_schema_faults),
    cmocka_unit_test(test_github_models_evaluators),
    cmocka_unit_test(test_prompty_empty_header_and_sample_only),
    cmocka_unit_test(test_github_models_evaluators_read_test_data),
    cmocka_unit_test(test_github_models_misplaced_messages),
    cmocka_unit_test(test_github_models_detected_by_content),
    cmocka_unit_test(test_vscode_prompt_valid),
    cmocka_unit_test(test_vscode_prompt_unknown_keys),
    cmocka_unit_test(test_vscode_agent_handoffs_and_booleans),
    cmocka_unit_test(test_vscode_instructions),
    cmocka_unit_test(test_vscode_skill),
    cmocka_unit_test(test_claude_command),
    cmocka_unit_test(test_cursor_rule_globs),
    cmocka_unit_test(test_promptfoo_valid),
    cmocka_unit_test(test_promptfoo_providers_and_prompts),
    cmocka_unit_test(test_promptfoo_assertions),
    cmocka_unit_test(test_placeholder_values_are_flagged),
    cmocka_unit_test(test_promptfoo_tests_that_check_nothing_are_not_an_eval),
    cmocka_unit_test(test_promptfoo_tests_file_json),
    cmocka_unit_test(test_promptfoo_default_test_file),
    cmocka_unit_test(test_json_schema_structure),
    cmocka_unit_test(test_json_schema_unknown_type),
    cmocka_unit_test(test_json_schema_detected_by_content),
    cmocka_unit_test(test_openai_schema_wrapper),
    cmocka_unit_test(test_openai_strict_wrapper_with_any_root),
    cmocka_unit_test(test_tool_definitions),
    cmocka_unit_test(test_langchain),
    cmocka_unit_test(test_semantic_kernel_yaml),
    cmocka_unit_test(test_semantic_kernel_folder),
    cmocka_unit_test(test_poml),
    cmocka_unit_test(test_semantic_kernel_function_read_whole),
    cmocka_unit_test(test_poml_context_file),
    cmocka_unit_test(test_openai_evals),
    cmocka_unit_test(test_results_not_checked),
    cmocka_unit_test(test_prompty_typo_type_and_value),
    cmocka_unit_test(test_prompty_v1_and_v2_keys_both_load),
    cmocka_unit_test(test_unclosed_frontmatter_is_one_error_and_broken),
    cmocka_unit_test(test_a_header_with_a_syntax_error_grades_loose),
    cmocka_unit_test(test_findings_after_a_syntax_error_are_still_reported),
    cmocka_unit_test(test_keys_lost_to_a_syntax_error_are_not_reported_missing),
    cmocka_unit_test(test_variables_the_header_does_not_declare_make_it_loose),
    cmocka_unit_test(test_a_raw_tag_closing_the_text_ends_the_scan),
    cmocka_unit_test(test_frontmatter_that_is_a_list_is_not_a_header),
    cmocka_unit_test(test_files_that_are_not_text_or_too_big_get_one_finding),
    cmocka_unit_test(test_alias_bombs_are_cut_at_the_alias),
    cmocka_unit_test(test_a_bom_before_frontmatter_keeps_the_header),
    cmocka_unit_test(test_prompty_header_may_follow_blank_lines_and_spaces),
    cmocka_unit_test(test_names_in_code_fences_of_a_markdown_body_are_examples),
    cmocka_unit_test(test_dotprompt_role_tags_may_have_blanks),
    cmocka_unit_test(test_nesting_limit_is_the_documented_128),
    cmocka_unit_test(test_empty_artifacts_get_a_finding_and_the_lowest_grade),
    cmocka_unit_test(test_csv_expected_cells_are_checked_as_assertions),
    cmocka_unit_test(test_csv_expected_values_are_trimmed),
    cmocka_unit_test(test_regex_positions_count_characters),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
