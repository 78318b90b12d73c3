/*
 * Each format's own rules, run through artifact_analyze on small inline
 * files: role names and their order, applyTo/paths/globs globs, tools
 * entries, and model settings' types and ranges. Each test states the
 * exact diagnostics a user sees (code, range and message) and the fix a
 * finding carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "artifact.h"
#include "tokens.h"

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

/* The fix diagnostic i carries, or "(none)". */
static const char *
fix(const struct artifact *a, size_t i)
{
  assert_true(i < a->diags.count);
  return a->diags.items[i].replacement ? a->diags.items[i].replacement
                                       : "(none)";
}

/* Role names and order */

static void
test_prompty_near_miss_markers_are_reported_with_the_role(void **state)
{
  const char *text =
    "---\n"
    "name: t\n"
    "---\n"
    "Sytem:\n"
    "You help.\n"
    "user[name=\"x\"]:\n"
    "Hi\n"
    "  # assistent :\n"
    "Hello\n"
    "usr[nonce=1]:\n"
    "Bye\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "unknown-role 4:1-4:6 'Sytem:' is not a role marker, so Prompty keeps "
    "this line as text; did you mean 'system:'?",
    "unknown-role 8:5-8:14 'assistent:' is not a role marker, so Prompty "
    "keeps this line as text; did you mean 'assistant:'?",
    "unknown-role 10:1-10:4 'usr:' is not a role marker, so Prompty keeps "
    "this line as text; did you mean 'user:'?");
  assert_string_equal(fix(a, 0), "System");
  assert_string_equal(fix(a, 1), "assistant");
  assert_string_equal(fix(a, 2), "user");
  artifact_free(a);
}

static void
test_prompty_prose_lines_ending_in_a_colon_are_text(void **state)
{
  const char *text =
    "---\n"
    "name: t\n"
    "---\n"
    "system:\n"
    "Rate it.\n"
    "Examples:\n"
    "Use:\n"
    "Users:\n"
    "stars:\n"
    "result:\n"
    "```\n"
    "sytem:\n"
    "```\n"
    "user:\n"
    "{{question}}\n"
    "function:\n"
    "{{result}}\n"
    "system: not alone on the line\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

static void
test_prompty_system_after_the_conversation_started(void **state)
{
  const char *text =
    "# system:\n"
    "You help.\n"
    "\n"
    "user:\n"
    "Hi\n"
    "SYSTEM:\n"
    "Be brief.\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "role-order 6:1-6:7 a system message after the conversation started "
    "(line 4); system messages come first, and Prompty sends messages in "
    "the order written");
  artifact_free(a);
}

static void
test_dotprompt_roles_are_lower_case_and_known(void **state)
{
  const char *text =
    "---\n"
    "model: googleai/gemini-2.5-flash\n"
    "---\n"
    "{{!-- {{role \"narrator\"}} --}}\n"
    "{{role \"user\"}}Hi{{role \"assistant\"}}Hello\n"
    "{{#role \"System\"}}x{{/role}}\n"
    "{{role 'narrator'}}\n"
    "```\n"
    "{{role \"bot\"}}\n"
    "```\n"
    "\\{{role \"bot\"}}\n"
    "{{~ role \"tool\"}}{{role \"model\"}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt", text);

  EXPECT_DIAGS(a,
    "invalid-value 5:26-5:35 'assistant' is not a Dotprompt role; did you "
    "mean 'model'? (one of: user, model, tool, system)",
    "invalid-value 6:10-6:16 'System' is not a Dotprompt role: roles are "
    "lower case; did you mean 'system'? (one of: user, model, tool, "
    "system)",
    "invalid-value 7:9-7:17 'narrator' is not a Dotprompt role (one of: "
    "user, model, tool, system)");
  assert_string_equal(fix(a, 0), "model");
  assert_string_equal(fix(a, 1), "system");
  assert_string_equal(fix(a, 2), "(none)");
  artifact_free(a);
}

static void
test_dotprompt_system_after_another_role(void **state)
{
  const char *text =
    "---\n"
    "model: googleai/gemini-2.5-flash\n"
    "---\n"
    "{{role \"system\"}}You help.\n"
    "{{role \"user\"}}Hi\n"
    "{{ role \"system\" }}Be brief.\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt", text);

  EXPECT_DIAGS(a,
    "role-order 6:10-6:16 a system message after the conversation started "
    "(line 5); system messages come first, and Dotprompt keeps messages "
    "in the order written");
  artifact_free(a);
}

static void
test_github_models_system_after_a_user_message(void **state)
{
  const char *text =
    "messages:\n"
    "  - role: system\n"
    "    content: a\n"
    "  - role: user\n"
    "    content: b\n"
    "  - role: assistant\n"
    "    content: c\n"
    "  - role: System\n"
    "    content: d\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt.yml", text);

  EXPECT_DIAGS(a,
    "role-order 8:11-8:17 a system message after the conversation started "
    "(line 4); system messages come first, and GitHub Models sends them "
    "in order");
  artifact_free(a);
}

/* Globs */

static void
test_apply_to_globs_are_checked_one_by_one(void **state)
{
  const char *text =
    "---\n"
    "applyTo: \"**/*.{ts,tsx},,src/**, ,/abs/**,./rel/**,../up/**\"\n"
    "---\n"
    "Use strict types.\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/instructions/ts.instructions.md", text);

  EXPECT_DIAGS(a,
    "invalid-glob 2:24-2:26 empty glob in applyTo: remove the extra comma",
    "invalid-glob 2:32-2:35 empty glob in applyTo: remove the extra comma",
    "invalid-glob 2:35-2:42 '/abs/**' in applyTo is an absolute path; "
    "globs are relative to the workspace root: write 'abs/**'",
    "invalid-glob 2:43-2:51 './rel/**' in applyTo starts with './'; globs "
    "are relative to the workspace root: write 'rel/**'",
    "invalid-glob 2:52-2:60 '../up/**' in applyTo points outside the "
    "workspace; globs are relative to the workspace root");
  assert_string_equal(fix(a, 0), ",");
  assert_string_equal(fix(a, 1), ",");
  assert_string_equal(fix(a, 2), "abs/**");
  assert_string_equal(fix(a, 3), "rel/**");
  assert_string_equal(fix(a, 4), "(none)");
  artifact_free(a);
}

static void
test_apply_to_brackets_backslashes_and_drives(void **state)
{
  const char *text =
    "---\n"
    "applyTo: 'src\\**\\*.ts, a}, C:/x/**, **/*.{ts, src/[ab'\n"
    "---\n"
    "x\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/instructions/b.instructions.md", text);

  EXPECT_DIAGS(a,
    "invalid-glob 2:11-2:22 'src\\**\\*.ts' in applyTo separates folders "
    "with '\\'; globs use '/'",
    "invalid-glob 2:24-2:26 'a}' in applyTo has a '}' that closes nothing",
    "invalid-glob 2:28-2:35 'C:/x/**' in applyTo is an absolute path; "
    "globs are relative to the workspace root",
    "invalid-glob 2:37-2:54 '**/*.{ts, src/[ab' in applyTo opens '{' and "
    "never closes it");
  assert_string_equal(fix(a, 0), "src/**/*.ts");
  artifact_free(a);
}

static void
test_globs_that_are_fine(void **state)
{
  const char *text =
    "---\n"
    "applyTo: '**, **/*.{ts,tsx}, src/[ab]/*.py, *,'\n"
    "---\n"
    "x\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/instructions/c.instructions.md", text);

  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

static void
test_escaped_glob_is_reported_on_the_whole_value(void **state)
{
  const char *text =
    "---\n"
    "applyTo: \"src\\\\**\"\n"
    "---\n"
    "x\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/instructions/d.instructions.md", text);

  EXPECT_DIAGS(a,
    "invalid-glob 2:10-2:19 'src\\**' in applyTo separates folders with "
    "'\\'; globs use '/'");
  artifact_free(a);
}

static void
test_claude_paths_and_cursor_globs(void **state)
{
  const char *rules =
    "---\n"
    "paths:\n"
    "  - ./src/**\n"
    "  - \"\"\n"
    "  - \"**/*.md\"\n"
    "---\n"
    "x\n";
  const char *cursor =
    "---\n"
    "globs: /src/**,*.ts\n"
    "alwaysApply: false\n"
    "---\n"
    "x\n";
  struct artifact *a;
  struct artifact *b;

  (void)state;

  a = analyze(".claude/rules/style.md", rules);
  b = analyze(".cursor/rules/ts.mdc", cursor);

  EXPECT_DIAGS(a,
    "invalid-glob 3:5-3:13 './src/**' in paths starts with './'; globs are "
    "relative to the workspace root: write 'src/**'",
    "invalid-glob 4:5-4:7 empty glob in paths matches nothing");
  EXPECT_DIAGS(b,
    "invalid-glob 2:8-2:15 '/src/**' in globs is an absolute path; globs "
    "are relative to the workspace root: write 'src/**'");
  artifact_free(a);
  artifact_free(b);
}

/* Tools */

static void
test_vscode_tools_entries_that_name_no_tool(void **state)
{
  const char *text =
    "---\n"
    "tools: ['#codebase', ' edit', '', 'a, b', 'git*', 'playwright/*', "
    "'*', 'GitKraken (bundled with GitLens)', '#tool:web/fetch']\n"
    "---\n"
    "x\n";
  struct artifact *a;

  (void)state;

  a = analyze(".github/prompts/a.prompt.md", text);

  EXPECT_DIAGS(a,
    "invalid-tool 2:10-2:19 '#codebase' in tools: '#' is how the body "
    "refers to a tool; the header takes its name, 'codebase'",
    "invalid-tool 2:23-2:28 ' edit' in tools has spaces around the name; "
    "VS Code looks tools up by their exact name",
    "invalid-tool 2:31-2:33 an empty name in tools names no tool",
    "invalid-tool 2:35-2:41 'a, b' in tools is one name with commas in it; "
    "list each tool as an item",
    "invalid-tool 2:44-2:48 'git*' in tools: a wildcard works only as "
    "'<server>/*', every tool of an MCP server",
    "invalid-tool 2:109-2:124 '#tool:web/fetch' in tools: '#' is how the "
    "body refers to a tool; the header takes its name, 'web/fetch'");
  assert_string_equal(fix(a, 0), "codebase");
  assert_string_equal(fix(a, 1), "edit");
  assert_string_equal(fix(a, 5), "web/fetch");
  artifact_free(a);
}

static void
test_vscode_tools_as_one_string(void **state)
{
  const char *text =
    "---\n"
    "tools: 'search, #fetch, , git*'\n"
    "---\n"
    "x\n";
  struct artifact *a;

  (void)state;

  a = analyze("review.agent.md", text);

  EXPECT_DIAGS(a,
    "invalid-tool 2:17-2:23 '#fetch' in tools: '#' is how the body refers "
    "to a tool; the header takes its name, 'fetch'",
    "invalid-tool 2:27-2:31 'git*' in tools: a wildcard works only as "
    "'<server>/*', every tool of an MCP server");
  assert_string_equal(fix(a, 0), "fetch");
  artifact_free(a);
}

static void
test_prompty_tools_need_what_their_kind_uses(void **state)
{
  const char *text =
    "---\n"
    "tools:\n"
    "  - name: a\n"
    "  - kind: function\n"
    "    parameters:\n"
    "      - city\n"
    "      - kind: string\n"
    "  - name: m\n"
    "    kind: mcp\n"
    "  - name: o\n"
    "    kind: OpenAPI\n"
    "  - name: p\n"
    "    kind: prompty\n"
    "    mode: agentic\n"
    "---\n"
    "user:\n"
    "hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "missing-key 3:5-3:12 a Prompty tool needs a kind: function, mcp, "
    "openapi, prompty or a custom one",
    "missing-key 4:5-7:21 a function tool needs a name: the function the "
    "model calls",
    "wrong-type 6:9-6:13 a parameter in list form should be a mapping "
    "with name and kind, not a string",
    "missing-key 7:9-7:21 a parameter in list form needs a name",
    "missing-key 8:5-9:14 an mcp tool needs serverName or connection: the "
    "server to call",
    "missing-key 10:5-11:18 an openapi tool needs a specification: the "
    "OpenAPI document's path or URL",
    "missing-key 12:5-14:18 a prompty tool needs a path: the .prompty file "
    "it runs");
  artifact_free(a);
}

static void
test_prompty_tools_that_are_complete(void **state)
{
  const char *text =
    "---\n"
    "inputs:\n"
    "  - name: city\n"
    "    kind: string\n"
    "tools:\n"
    "  - name: weather\n"
    "    kind: function\n"
    "    parameters:\n"
    "      - name: city\n"
    "        kind: string\n"
    "    bindings:\n"
    "      city: { input: city }\n"
    "  - name: fs\n"
    "    kind: mcp\n"
    "    connection: { kind: reference, name: fs }\n"
    "  - name: api\n"
    "    kind: openapi\n"
    "    specification: ./api.json\n"
    "  - name: helper\n"
    "    kind: prompty\n"
    "    path: ./helper.prompty\n"
    "  - name: search\n"
    "    kind: bing_search\n"
    "---\n"
    "user:\n"
    "hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

static void
test_dotprompt_tools_are_names(void **state)
{
  const char *text =
    "---\n"
    "tools:\n"
    "  - getWeather\n"
    "  - name: x\n"
    "  - 3\n"
    "---\n"
    "hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt", text);

  EXPECT_DIAGS(a,
    "wrong-type 4:5-4:12 each item of 'tools' should be the name of a "
    "tool, not a mapping; tools defined in the file go under toolDefs",
    "wrong-type 5:5-5:6 each item of 'tools' should be the name of a "
    "tool, not an integer");
  artifact_free(a);
}

/* Model settings */

static void
test_prompty_v2_options_out_of_range(void **state)
{
  const char *text =
    "---\n"
    "model:\n"
    "  id: gpt-4o\n"
    "  options:\n"
    "    temperature: 2.5\n"
    "    topP: 1.2\n"
    "    maxOutputTokens: 0\n"
    "    topK: 0\n"
    "    frequencyPenalty: -3\n"
    "    presencePenalty: 2\n"
    "    stopSequences: [END, 3]\n"
    "---\n"
    "user:\n"
    "hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "out-of-range 5:18-5:21 temperature 2.5 is out of range: model APIs "
    "take 0 to 2",
    "out-of-range 6:11-6:14 topP 1.2 is out of range: it is a "
    "probability, 0 to 1",
    "out-of-range 7:22-7:23 maxOutputTokens should be a positive "
    "integer, not 0",
    "out-of-range 8:11-8:12 topK should be a positive integer, not 0",
    "out-of-range 9:23-9:25 frequencyPenalty -3 is out of range: "
    "penalties go from -2 to 2",
    "wrong-type 11:26-11:27 each stop sequence should be a string, not an "
    "integer");
  artifact_free(a);
}

static void
test_prompty_v1_parameters_types_and_ranges(void **state)
{
  const char *text =
    "---\n"
    "model:\n"
    "  api: chat\n"
    "  parameters:\n"
    "    temperature: hot\n"
    "    max_tokens: 1.5\n"
    "    top_p: 2\n"
    "    stop: [1, \"x\"]\n"
    "    seed: 1\n"
    "    presence_penalty: \"${env:PP}\"\n"
    "    frequency_penalty: .inf\n"
    "---\n"
    "user:\n"
    "hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "wrong-type 5:18-5:21 'temperature' should be a number, not a string",
    "wrong-type 6:17-6:20 'max_tokens' should be an integer, not a number",
    "out-of-range 7:12-7:13 top_p 2 is out of range: it is a "
    "probability, 0 to 1",
    "wrong-type 8:12-8:13 each stop sequence should be a string, not an "
    "integer",
    "out-of-range 11:24-11:28 frequency_penalty .inf is out of range: "
    "penalties go from -2 to 2");
  artifact_free(a);
}

static void
test_settings_at_the_ends_of_their_ranges_are_fine(void **state)
{
  const char *text =
    "---\n"
    "model:\n"
    "  parameters:\n"
    "    temperature: 0\n"
    "    top_p: 1.0\n"
    "    max_tokens: 1\n"
    "    presence_penalty: -2\n"
    "    frequency_penalty: 2.0\n"
    "    stop: END\n"
    "  options:\n"
    "    temperature: 2\n"
    "    topP: 0\n"
    "    topK: 1\n"
    "    stopSequences: []\n"
    "---\n"
    "user:\n"
    "hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

static void
test_anthropic_temperature_goes_to_one(void **state)
{
  const char *prompty =
    "---\n"
    "model:\n"
    "  provider: anthropic\n"
    "  id: claude-sonnet-4\n"
    "  options:\n"
    "    temperature: 1.5\n"
    "---\n"
    "user:\n"
    "hi\n";
  const char *dotprompt =
    "---\n"
    "model: vertexai/claude-3-5-sonnet\n"
    "config:\n"
    "  temperature: 1.2\n"
    "  presencePenalty: 3\n"
    "  maxOutputTokens: -5\n"
    "---\n"
    "hi\n";
  struct artifact *a;
  struct artifact *b;

  (void)state;

  a = analyze("a.prompty", prompty);
  b = analyze("b.prompt", dotprompt);

  EXPECT_DIAGS(a,
    "out-of-range 6:18-6:21 temperature 1.5 is out of range: Anthropic's "
    "API takes 0 to 1");
  EXPECT_DIAGS(b,
    "out-of-range 4:16-4:19 temperature 1.2 is out of range: Anthropic's "
    "API takes 0 to 1",
    "out-of-range 5:20-5:21 presencePenalty 3 is out of range: penalties "
    "go from -2 to 2",
    "out-of-range 6:20-6:22 maxOutputTokens should be a positive "
    "integer, not -5");
  artifact_free(a);
  artifact_free(b);
}

static void
test_github_models_parameters(void **state)
{
  const char *text =
    "model: openai/gpt-4o\n"
    "modelParameters:\n"
    "  maxTokens: -1\n"
    "  temperature: 0\n"
    "  topP: 1.0\n"
    "messages:\n"
    "  - role: user\n"
    "    content: hi\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt.yml", text);

  EXPECT_DIAGS(a,
    "out-of-range 3:14-3:16 maxTokens should be a positive integer, not "
    "-1");
  artifact_free(a);
}

/* Variables declared versus used */

static void
test_prompty_inputs_unused_looped_over_and_mistyped(void **state)
{
  const char *text =
    "---\n"
    "name: t\n"
    "inputs:\n"
    "  city:\n"
    "    type: string\n"
    "    sample: Paris\n"
    "  days:\n"
    "    type: integer\n"
    "    sample: three\n"
    "  notes:\n"
    "    type: string\n"
    "---\n"
    "user:\n"
    "Plan {{ days }} days.\n"
    "{% for c in city %}{{ c }}{% endfor %}\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "sample-type-mismatch 9:13-9:18 this value of 'days' is a string, but "
    "'days' is declared as an integer",
    "unused-input 10:3-10:8 'notes' is declared in inputs, but the template "
    "never reads it",
    "input-type-mismatch 15:13-15:17 'city' is declared as a string, but "
    "the template loops over it");
  artifact_free(a);
}

/* Only the loop's iterable itself is held to its type: the names in a
 * call, an attribute or an operation the loop reads are not looped over. */
static void
test_loops_over_a_call_are_not_type_mismatches(void **state)
{
  const char *text =
    "---\n"
    "name: t\n"
    "inputs:\n"
    "  days:\n"
    "    type: integer\n"
    "  n:\n"
    "    type: integer\n"
    "  csv:\n"
    "    type: string\n"
    "  tag:\n"
    "    type: string\n"
    "---\n"
    "{% for d in range(days) %}{{ d }}{% endfor %}\n"
    "{% for i in range(1, n + 1) %}{{ i }}{% endfor %}\n"
    "{% for c in csv.split(',') %}{{ c }}{% endfor %}\n"
    "{% for x in tag %}{{ x }}{% endfor %}\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompty", text);

  EXPECT_DIAGS(a,
    "input-type-mismatch 16:13-16:16 'tag' is declared as a string, but "
    "the template loops over it");
  artifact_free(a);

  a = analyze("a.prompt", "---\ninput:\n  schema:\n    n: integer\n---\n"
                          "{{#each (lookup n 'x')}}{{this}}{{/each}}\n");
  EXPECT_NO_DIAGS(a);
  artifact_free(a);
}

static void
test_dotprompt_picoschema_default_and_unused(void **state)
{
  const char *text =
    "---\n"
    "input:\n"
    "  schema:\n"
    "    topic: string\n"
    "    count?: integer, how many ideas\n"
    "    tags(array): string\n"
    "  default:\n"
    "    count: many\n"
    "---\n"
    "Give ideas about {{topic}}.\n"
    "{{#each topic}}{{this}}{{/each}}\n";
  struct artifact *a;

  (void)state;

  a = analyze("a.prompt", text);

  EXPECT_DIAGS(a,
    "unused-input 5:5-5:10 'count' is declared in input.schema, but the "
    "template never reads it",
    "unused-input 6:5-6:9 'tags' is declared in input.schema, but the "
    "template never reads it",
    "schema-violation 8:12-8:16 input.default: expected integer or null, "
    "got string \"many\"",
    "input-type-mismatch 11:9-11:14 'topic' is declared as a string, but "
    "the template loops over it");
  artifact_free(a);
}

static void
test_langchain_input_variables_unused_and_undeclared(void **state)
{
  const char *text =
    "_type: prompt\n"
    "input_variables:\n"
    "  - question\n"
    "  - context\n"
    "template: \"Answer {question} using {documents}.\"\n";
  struct artifact *a;

  (void)state;

  a = analyze("qa.yaml", text);

  EXPECT_DIAGS(a,
    "unused-input 4:5-4:12 'context' is declared in input_variables, but "
    "the template never reads it",
    "undeclared-variable 5:37-5:46 'documents' is not declared in "
    "input_variables");
  artifact_free(a);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(
      test_prompty_near_miss_markers_are_reported_with_the_role),
    cmocka_unit_test(test_prompty_prose_lines_ending_in_a_colon_are_text),
    cmocka_unit_test(test_prompty_system_after_the_conversation_started),
    cmocka_unit_test(test_dotprompt_roles_are_lower_case_and_known),
    cmocka_unit_test(test_dotprompt_system_after_another_role),
    cmocka_unit_test(test_github_models_system_after_a_user_message),
    cmocka_unit_test(test_apply_to_globs_are_checked_one_by_one),
    cmocka_unit_test(test_apply_to_brackets_backslashes_and_drives),
    cmocka_unit_test(test_globs_that_are_fine),
    cmocka_unit_test(test_escaped_glob_is_reported_on_the_whole_value),
    cmocka_unit_test(test_claude_paths_and_cursor_globs),
    cmocka_unit_test(test_vscode_tools_entries_that_name_no_tool),
    cmocka_unit_test(test_vscode_tools_as_one_string),
    cmocka_unit_test(test_prompty_tools_need_what_their_kind_uses),
    cmocka_unit_test(test_prompty_tools_that_are_complete),
    cmocka_unit_test(test_dotprompt_tools_are_names),
    cmocka_unit_test(test_prompty_v2_options_out_of_range),
    cmocka_unit_test(test_prompty_v1_parameters_types_and_ranges),
    cmocka_unit_test(test_settings_at_the_ends_of_their_ranges_are_fine),
    cmocka_unit_test(test_anthropic_temperature_goes_to_one),
    cmocka_unit_test(test_github_models_parameters),
    cmocka_unit_test(test_prompty_inputs_unused_looped_over_and_mistyped),
    cmocka_unit_test(test_dotprompt_picoschema_default_and_unused),
    cmocka_unit_test(test_loops_over_a_call_are_not_type_mismatches),
    cmocka_unit_test(
      test_langchain_input_variables_unused_and_undeclared),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
