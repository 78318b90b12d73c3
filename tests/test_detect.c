/*
 * Detection: which format a file is, by its name and, where the name is
 * not enough, by its content; and the settings' per-glob overrides.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "artifact.h"
#include "buf.h"
#include "detect.h"
#include "overrides.h"
#include "ts_tree.h"

static const char *
format_of(const char *path, const char *text)
{
  static char name[64];
  struct artifact *a = artifact_analyze(path, text, strlen(text), NULL);

  assert_non_null(a);
  strcpy(name, artifact_format_name(a->format));
  artifact_free(a);
  return name;
}

static void
names_decide_where_they_can(void **state)
{
  (void)state;
  assert_string_equal(format_of("p/a.prompty", ""), "prompty");
  assert_string_equal(format_of("p/a.prompt.yml", ""), "github-models");
  assert_string_equal(format_of("p/a.PROMPT.YAML", ""), "github-models");
  assert_string_equal(format_of(".github/prompts/a.prompt.md", ""),
                      "vscode-prompt");
  assert_string_equal(format_of("a.instructions.md", ""),
                      "vscode-instructions");
  assert_string_equal(format_of(".github/copilot-instructions.md", ""),
                      "vscode-instructions");
  assert_string_equal(format_of("AGENTS.md", ""), "vscode-instructions");
  assert_string_equal(format_of("x/a.agent.md", ""), "vscode-agent");
  assert_string_equal(format_of("x/a.chatmode.md", ""), "vscode-agent");
  assert_string_equal(format_of("repo/.github/agents/helper.md", ""),
                      "vscode-agent");
  assert_string_equal(format_of(".claude/skills/x/SKILL.md", ""),
                      "agent-skill");
  assert_string_equal(format_of(".claude/commands/git/commit.md", ""),
                      "claude-command");
  assert_string_equal(format_of(".cursor/rules/style.mdc", ""),
                      "cursor-rule");
  assert_string_equal(format_of("promptfooconfig.yaml", "prompts: [a]\n"),
                      "promptfoo");
  assert_string_equal(format_of("t/a.j2", ""), "jinja");
  assert_string_equal(format_of("Fun/Joke/skprompt.txt", ""),
                      "semantic-kernel");
  assert_string_equal(format_of("a.poml", ""), "poml");
  assert_string_equal(format_of("s/a.schema.json", "{}"), "json-schema");
}

static void
plain_markdown_and_text_are_not_artifacts(void **state)
{
  (void)state;
  assert_string_equal(format_of("README.md", "# hi\n"), "none");
  assert_string_equal(format_of("notes.txt", "{{ x }}\n"), "none");
  assert_string_equal(format_of("docs/a.md", "---\nname: x\n---\n"), "none");
}

static void
dotprompt_needs_its_frontmatter_or_helpers(void **state)
{
  (void)state;
  assert_string_equal(format_of("a.prompt", "# licence\n---\nmodel: m\n---\n"),
                      "dotprompt");
  assert_string_equal(format_of("a.prompt", "{{role \"system\"}} hi\n"),
                      "dotprompt");
  assert_string_equal(format_of("a.prompt", "model: x\nprompts:\n  user: hi\n"),
                      "text-prompt");
}

static void
plain_yaml_and_json_are_sniffed_by_content(void **state)
{
  (void)state;
  assert_string_equal(format_of("eval.yaml", "prompts: [a]\nproviders: [b]\n"),
                      "promptfoo");
  assert_string_equal(format_of("s.json",
                                "{\"$schema\": \"http://json-schema.org/"
                                "draft-07/schema#\", \"type\": \"object\"}"),
                      "json-schema");
  assert_string_equal(format_of("tsconfig.json",
                                "{\"$schema\": \"https://json.schemastore.org"
                                "/tsconfig\"}"),
                      "none");
  assert_string_equal(format_of("out.json",
                                "{\"evalId\": \"e\", \"results\": "
                                "{\"version\": 3}}"),
                      "promptfoo-results");
  assert_string_equal(format_of("r.json",
                                "{\"testResults\": [], \"summary\": {}}"),
                      "github-models-results");
  assert_string_equal(format_of("p.yaml",
                                "_type: prompt\ninput_variables: [q]\n"
                                "template: \"{q}\"\n"),
                      "langchain");
  assert_string_equal(format_of("w.json",
                                "{\"name\": \"x\", \"strict\": true, "
                                "\"schema\": {\"type\": \"object\"}}"),
                      "openai-schema");
  assert_string_equal(format_of("reg.yaml",
                                "my-eval:\n  id: my-eval.dev.v0\n  metrics: "
                                "[accuracy]\nmy-eval.dev.v0:\n  class: "
                                "evals.elsuite.basic.match:Match\n"),
                      "openai-evals");
  assert_string_equal(format_of("TEST-a.xml",
                                "<?xml version=\"1.0\"?>\n<testsuites>"
                                "</testsuites>\n"),
                      "junit");
  assert_string_equal(format_of("docker-compose.yaml", "services: {}\n"),
                      "none");
}

static void
overrides_match_globs_by_path_or_name(void **state)
{
  struct overrides o;

  (void)state;
  overrides_init(&o);
  assert_int_equal(overrides_add(&o, "prompts/*.txt", "prompty"), 0);
  assert_int_equal(overrides_add(&o, "**/*.tmpl", "jinja"), 0);
  assert_int_equal(overrides_add(&o, "*.hb", "dotprompt"), 0);
  assert_int_equal(overrides_add(&o, "*.x", "no-such-format"), -3);

  assert_int_equal(overrides_match(&o, "/ws", "/ws/prompts/a.txt"),
                   FORMAT_PROMPTY);
  assert_int_equal(overrides_match(&o, "/ws", "/ws/other/a.txt"),
                   FORMAT_NONE);
  assert_int_equal(overrides_match(&o, "/ws", "/ws/a.tmpl"), FORMAT_JINJA);
  assert_int_equal(overrides_match(&o, "/ws", "/ws/d/e/a.tmpl"),
                   FORMAT_JINJA);
  assert_int_equal(overrides_match(&o, NULL, "./deep/x/y.hb"),
                   FORMAT_DOTPROMPT);
  overrides_release(&o);
}

static void
the_grammars_compiled_in_load(void **state)
{
  struct buf why;

  (void)state;
  buf_init(&why, 4096);

  assert_int_equal(ts_grammars_check(&why), 0);
  assert_int_equal(why.len, 0);
  assert_int_equal(ts_grammar_abi(TS_GRAMMAR_YAML), 14);
  buf_release(&why);
}

static void
a_grammar_of_another_abi_is_refused_with_the_reason(void **state)
{
  struct buf why;

  (void)state;
  buf_init(&why, 4096);

  assert_int_equal(ts_abi_check("tree-sitter-yaml", 15, &why), -3);
  assert_string_equal(why.data, "tree-sitter-yaml was generated for "
                      "tree-sitter ABI 15, but the linked tree-sitter library "
                      "loads ABI 13 to 14; install a grammar version built "
                      "for this ABI (see package.json)\n");
  buf_release(&why);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(names_decide_where_they_can),
    cmocka_unit_test(plain_markdown_and_text_are_not_artifacts),
    cmocka_unit_test(dotprompt_needs_its_frontmatter_or_helpers),
    cmocka_unit_test(plain_yaml_and_json_are_sniffed_by_content),
    cmocka_unit_test(overrides_match_globs_by_path_or_name),
    cmocka_unit_test(the_grammars_compiled_in_load),
    cmocka_unit_test(a_grammar_of_another_abi_is_refused_with_the_reason),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
