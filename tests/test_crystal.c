/*
 * Crystallise in the analyzers: what a fragment is read as (rules, field
 * lists, examples, JSON examples as prompts write them), that every
 * schema made compiles in facet's validator with no problem and accepts
 * the example it came from, that the same fragment always gives the same
 * bytes, that new files never take a name in use, and that provenance
 * records are written, read back and found again in a changed prompt.
 *
 * The sentences and examples come from real prompts of the corpus, as
 * the fixture workspaces in tests/crystallise hold them (see the README
 * there for their sources and licences).
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

#include "artifact.h"
#include "crystal.h"
#include "crystal_internal.h"
#include "error.h"
#include "jsonschema.h"
#include "provenance.h"

static char *
slurp(const char *rel)
{
  char path[4096];
  FILE *f;
  char *text;
  long n;

  snprintf(path, sizeof path, "%s/%s", CRYSTAL_FIXTURES, rel);
  f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)n + 1);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  text[n] = '\0';
  fclose(f);
  return text;
}

struct made {
  struct artifact *prompt;
  struct crystal_edit edit;
};

/* Files that exist, for the exists callback: a NULL-ended list. */
static bool
listed(void *ctx, const char *path)
{
  for (const char *const *p = ctx; *p; p++)
    if (strcmp(*p, path) == 0)
      return true;
  return false;
}

/* Crystallises the paragraph at 1-based line of the prompt text. */
static void
make(struct made *m, const char *path, const char *text, uint32_t line,
     enum crystal_target target, const char *const *exists)
{
  struct crystal_request req = { 0 };
  uint32_t at;

  m->prompt = artifact_analyze(path, text, strlen(text), NULL);
  assert_non_null(m->prompt);
  at = source_line_start(&m->prompt->src, line - 1);
  req.prompt = m->prompt;
  req.prompt_path = path;
  req.selection = span_make(at, at);
  req.target = target;
  req.exists = exists ? listed : NULL;
  req.exists_ctx = (void *)exists;
  crystal_edit_init(&m->edit);
  assert_int_equal(crystal_make(&req, &m->edit), 0);
}

static void
made_release(struct made *m)
{
  crystal_edit_release(&m->edit);
  artifact_free(m->prompt);
}

/* Compiles a schema file's text: no problem may be reported. */
static struct js_schema *
compile_clean(const char *text)
{
  struct json_object *json = json_tokener_parse(text);
  struct js_schema *s = NULL;
  size_t problems = 99;

  assert_non_null(json);
  assert_int_equal(js_schema_compile(json, NULL, &s), 0);
  js_schema_problems(s, &problems);
  assert_int_equal(problems, 0);
  json_object_put(json);
  return s;
}

static bool
accepts(const struct js_schema *s, const char *instance)
{
  struct json_object *v = json_tokener_parse(instance);
  bool ok;

  assert_non_null(v);
  ok = js_valid(s, v);
  json_object_put(v);
  return ok;
}

/* A real JSON example (genkit's funniness.prompt) and the enum the prompt
 * states elsewhere: the schema compiles, takes every example the prompt
 * gives, and refuses a verdict outside the list or a missing reason. */
static void
schema_from_a_json_example_accepts_it(void **state)
{
  char *text = slurp("dotprompt/prompts/funniness.prompt");
  struct made m;
  struct js_schema *s;

  (void)state;
  make(&m, "prompts/funniness.prompt", text, 13, CRYSTAL_SCHEMA, NULL);
  assert_true(m.edit.made);
  assert_int_equal(m.edit.nfiles, 1);
  assert_string_equal(m.edit.files[0].path, "prompts/funniness.schema.json");
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{ \"reason\": \"This is a classic, simple joke "
                         "with a play on words that's likely to elicit a "
                         "chuckle.\", \"verdict\":\"FUNNY_JOKE\"}"));
  assert_true(accepts(s, "{ \"reason\": \"This output is a statement with "
                         "no intent to be funny\", \"verdict\": "
                         "\"NOT_A_JOKE\"}"));
  assert_false(accepts(s, "{\"reason\": \"x\", \"verdict\": \"MEH\"}"));
  assert_false(accepts(s, "{\"verdict\": \"NOT_A_JOKE\"}"));
  assert_false(accepts(s, "{\"reason\": \"x\", \"verdict\": \"NOT_A_JOKE\","
                         " \"extra\": 1}"));
  js_schema_free(s);
  made_release(&m);
  free(text);
}

/* Inline JSON in a sentence, and JSON in a code fence. */
static void
schemas_from_inline_and_fenced_examples_accept_them(void **state)
{
  char *triage = slurp("github-models/prompts/review-triage.prompt.yml");
  char *notes = slurp("vscode/.github/prompts/release-notes.prompt.md");
  struct made a;
  struct made b;
  struct js_schema *s;

  (void)state;
  make(&a, "prompts/review-triage.prompt.yml", triage, 10, CRYSTAL_SCHEMA,
       NULL);
  s = compile_clean(a.edit.files[0].text);
  assert_true(accepts(s, "{\"sentiment\": \"negative\", \"topic\": "
                         "\"battery\", \"stars\": 2}"));
  assert_false(accepts(s, "{\"sentiment\": \"angry\", \"topic\": "
                          "\"battery\", \"stars\": 2}"));
  assert_false(accepts(s, "{\"sentiment\": \"mixed\", \"topic\": "
                          "\"battery\", \"stars\": 2.5}"));
  js_schema_free(s);
  make(&b, ".github/prompts/release-notes.prompt.md", notes, 13,
       CRYSTAL_SCHEMA, NULL);
  s = compile_clean(b.edit.files[0].text);
  assert_true(accepts(s, "{\"version\": \"2.4.0\", \"date\": \"2024-05-01\","
                         " \"highlights\": [\"Faster search\", \"Dark "
                         "mode\"], \"breaking\": false}"));
  assert_false(accepts(s, "{\"version\": \"2.4.0\", \"date\": "
                          "\"2024-05-01\", \"highlights\": [1], "
                          "\"breaking\": false}"));
  js_schema_free(s);
  made_release(&a);
  made_release(&b);
  free(triage);
  free(notes);
}

/* Every schema of the fixtures compiles clean, whatever it came from. */
static void
every_schema_made_compiles_clean(void **state)
{
  static const struct { const char *file; const char *path; uint32_t line; }
  cases[] = {
    { "prompty/prompts/reply.prompty", "prompts/reply.prompty", 22 },
    { "prompty/prompts/reply.prompty", "prompts/reply.prompty", 19 },
    { "prompty/prompts/json_format.prompty", "prompts/json_format.prompty",
      38 },
    { "dotprompt/prompts/sentiment.prompt", "prompts/sentiment.prompt", 9 },
    { "github-models/prompts/classify-ticket.prompt.yml",
      "prompts/classify-ticket.prompt.yml", 11 },
    { "jinja/flows/gpt_fluency_prompt.jinja2",
      "flows/gpt_fluency_prompt.jinja2", 11 },
    { "prompty/prompts/triage.prompty", "prompts/triage.prompty", 40 },
    { "dotprompt/prompts/recipe.robot.prompt", "prompts/recipe.robot.prompt",
      17 },
    { "github-models/prompts/json_schema_prompt.yml",
      "prompts/json_schema_prompt.yml", 39 },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *text = slurp(cases[i].file);
    struct made m;

    make(&m, cases[i].path, text, cases[i].line, CRYSTAL_SCHEMA, NULL);
    assert_true(m.edit.made);
    js_schema_free(compile_clean(m.edit.files[0].text));
    made_release(&m);
    free(text);
  }
}

/* A fragment of prose in a prompt whose header declares its output:
 * the schema holds the declared fields (Prompty outputs with a range read
 * from a description, genkit's Picoschema with lists of objects, a
 * .prompt.yml's jsonSchema), not one field to fill in. */
static void
declared_outputs_are_the_schemas_fields(void **state)
{
  char *triage = slurp("prompty/prompts/triage.prompty");
  char *recipe = slurp("dotprompt/prompts/recipe.robot.prompt");
  char *animal = slurp("github-models/prompts/json_schema_prompt.yml");
  struct made m;
  struct js_schema *s;

  (void)state;
  make(&m, "prompts/triage.prompty", triage, 41, CRYSTAL_SCHEMA, NULL);
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{\"category\": \"outage\", \"urgency\": 4, "
                         "\"summary\": \"No connection since 9am.\"}"));
  assert_false(accepts(s, "{\"category\": \"outage\", \"urgency\": 5, "
                          "\"summary\": \"x\"}"));
  assert_false(accepts(s, "{\"category\": \"weather\", \"urgency\": 1, "
                          "\"summary\": \"x\"}"));
  assert_non_null(strstr(m.edit.note, "declares in outputs"));
  js_schema_free(s);
  made_release(&m);
  make(&m, "prompts/recipe.robot.prompt", recipe, 17, CRYSTAL_SCHEMA, NULL);
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{\"title\": \"Bolt stew\", \"ingredients\": "
                         "[{\"name\": \"bolts\", \"quantity\": \"12\"}], "
                         "\"steps\": [\"Simmer.\"]}"));
  assert_false(accepts(s, "{\"title\": \"Bolt stew\", \"ingredients\": "
                          "[{\"name\": \"bolts\"}], \"steps\": []}"));
  assert_false(accepts(s, "{\"title\": \"Bolt stew\", \"ingredients\": "
                          "[], \"steps\": [3]}"));
  js_schema_free(s);
  made_release(&m);
  make(&m, "prompts/json_schema_prompt.yml", animal, 39, CRYSTAL_SCHEMA,
       NULL);
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{\"name\": \"dog\", \"habitat\": \"homes\", "
                         "\"diet\": \"omnivore\"}"));
  assert_false(accepts(s, "{\"name\": \"dog\", \"habitat\": \"homes\", "
                          "\"diet\": \"kibble\"}"));
  js_schema_free(s);
  made_release(&m);
  free(triage);
  free(recipe);
  free(animal);
}

/* 'Only provide a response of {"apology": 0} or {"apology": 1}'
 * (promptflow's apology.prompty): the examples are the answers allowed. */
static void
examples_joined_by_or_are_the_values_allowed(void **state)
{
  char *text = slurp("prompty/prompts/apology.prompty");
  struct made m;
  struct js_schema *s;

  (void)state;
  make(&m, "prompts/apology.prompty", text, 28, CRYSTAL_SCHEMA, NULL);
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{\"apology\": 0}"));
  assert_true(accepts(s, "{\"apology\": 1}"));
  assert_false(accepts(s, "{\"apology\": 2}"));
  js_schema_free(s);
  made_release(&m);
  free(text);
}

/* 'Rate the reply on tone (1-5) ... {"tone": N, ...}': the range said
 * in another message bounds the field, N is a number, and a quoted
 * "<one sentence>" is a placeholder, not a value. */
static void
ranges_said_in_prose_bound_the_example_fields(void **state)
{
  char *text = slurp("github-models/prompts/rate-reply.prompt.yml");
  struct made m;
  struct js_schema *s;

  (void)state;
  make(&m, "prompts/rate-reply.prompt.yml", text, 8, CRYSTAL_SCHEMA, NULL);
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{\"tone\": 4, \"accuracy\": 5, \"comment\": "
                         "\"Say when the engineer comes.\"}"));
  assert_false(accepts(s, "{\"tone\": 6, \"accuracy\": 5, \"comment\": "
                          "\"x\"}"));
  assert_false(accepts(s, "{\"tone\": 4.5, \"accuracy\": 5, \"comment\": "
                          "\"x\"}"));
  js_schema_free(s);
  made_release(&m);
  free(text);
}

/* The field list of reply.prompty: types, a length, an enum, a range, an
 * optional field that is nullable. */
static void
a_field_list_gives_types_ranges_and_values(void **state)
{
  char *text = slurp("prompty/prompts/reply.prompty");
  struct made m;
  struct js_schema *s;

  (void)state;
  make(&m, "prompts/reply.prompty", text, 22, CRYSTAL_SCHEMA, NULL);
  s = compile_clean(m.edit.files[0].text);
  assert_true(accepts(s, "{\"subject\": \"Router drops\", \"body\": \"Hi\", "
                         "\"priority\": \"urgent\", \"needs_engineer\": "
                         "true, \"follow_up_days\": null}"));
  assert_true(accepts(s, "{\"subject\": \"Router drops\", \"body\": \"Hi\", "
                         "\"priority\": \"low\", \"needs_engineer\": false, "
                         "\"follow_up_days\": 14}"));
  assert_false(accepts(s, "{\"subject\": \"Router drops\", \"body\": \"Hi\","
                          " \"priority\": \"low\", \"needs_engineer\": "
                          "false, \"follow_up_days\": 15}"));
  assert_false(accepts(s, "{\"subject\": \"Router drops\", \"body\": \"Hi\","
                          " \"priority\": \"soon\", \"needs_engineer\": "
                          "false, \"follow_up_days\": 1}"));
  js_schema_free(s);
  made_release(&m);
  free(text);
}

/* Same fragment, same bytes: every target, twice. */
static void
the_same_fragment_gives_the_same_bytes(void **state)
{
  char *text = slurp("promptfoo/prompts/reply.j2");

  (void)state;
  for (int t = 0; t < CRYSTAL__COUNT; t++) {
    struct made a;
    struct made b;

    make(&a, "prompts/reply.j2", text, 2, (enum crystal_target)t, NULL);
    make(&b, "prompts/reply.j2", text, 2, (enum crystal_target)t, NULL);
    assert_true(a.edit.made);
    assert_int_equal(a.edit.nfiles, b.edit.nfiles);
    assert_int_equal(a.edit.nchanges, b.edit.nchanges);
    for (size_t i = 0; i < a.edit.nfiles; i++) {
      assert_string_equal(a.edit.files[i].path, b.edit.files[i].path);
      assert_string_equal(a.edit.files[i].text, b.edit.files[i].text);
    }
    assert_string_equal(a.edit.title, b.edit.title);
    made_release(&a);
    made_release(&b);
  }
  free(text);
}

/* A name in use is never taken: the next free one is. */
static void
a_new_file_takes_a_free_name(void **state)
{
  static const char *const taken[] = {
    "prompts/reply.schema.json", "prompts/reply-2.schema.json", NULL,
  };
  static const char *const code_taken[] = {
    "validators/test_reply.py", NULL,
  };
  char *text = slurp("prompty/prompts/reply.prompty");
  struct made m;

  (void)state;
  make(&m, "prompts/reply.prompty", text, 22, CRYSTAL_SCHEMA, taken);
  assert_string_equal(m.edit.files[0].path, "prompts/reply-3.schema.json");
  assert_string_equal(m.edit.title, "Crystallise into a JSON Schema "
                      "(prompts/reply-3.schema.json)");
  made_release(&m);
  make(&m, "prompts/reply.prompty", text, 19, CRYSTAL_CODE, code_taken);
  assert_string_equal(m.edit.files[0].path, "validators/reply_2.py");
  assert_string_equal(m.edit.files[1].path, "validators/test_reply_2.py");
  made_release(&m);
  free(text);
}

/* A prompt whose header pins its output already keeps its link: the title
 * says so before the action is applied, and the note after. */
static void
a_schema_not_linked_says_so_in_its_title(void **state)
{
  const char *text =
    "---\nname: triage\nmodel:\n  api: chat\noutputs:\n  label:\n"
    "    type: string\n---\nsystem:\nAnswer with JSON like "
    "{\"label\": \"billing\", \"urgent\": true}.\n";
  struct made m;

  (void)state;
  make(&m, "prompts/triage.prompty", text, 10, CRYSTAL_SCHEMA, NULL);
  assert_string_equal(m.edit.title, "Crystallise into a JSON Schema "
                      "(prompts/triage.schema.json; not linked: the "
                      "prompt's output is pinned already)");
  assert_string_equal(m.edit.note, "the prompt pins its output already "
                      "(outputs), which is left as it is");
  made_release(&m);
}

/* A rule whose label quotes or asks ('**The "So What?":** End ...') is
 * a rule still: the eval quotes it in a rubric, it does not vanish. */
static void
a_rule_after_a_quoted_label_is_kept(void **state)
{
  const char *text = "You write podcast scripts.\n\n**The \"So What?\":** "
                     "End every segment with why it matters to the "
                     "listener.\nNever say \"as an AI\".\n\n"
                     "Topic: {{ topic }}\n";
  struct made m;

  (void)state;
  make(&m, "prompts/pod.j2", text, 3, CRYSTAL_EVAL, NULL);

  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text, "      - type: llm-rubric\n"
                         "        value: 'The answer follows this rule from "
                         "the prompt: \"The \\\"So What?\\\": End every "
                         "segment with why it matters to the listener.\"'\n"));
  made_release(&m);
}

/* A full stop inside quotes ends no sentence: the rule is the whole
 * sentence, checked with starts-with; and a rubric that quotes a rule
 * quoting text escapes its quotes. Straight and curly quotes alike. */
static void
a_full_stop_inside_quotes_ends_no_rule(void **state)
{
  static const char *const texts[] = {
    "You greet callers.\nStart with \"Hello. Welcome to Acme.\" Ask "
    "what they need.\n\nCaller: {{ caller }}\n",
    "You greet callers.\nStart with \xE2\x80\x9CHello. Welcome to "
    "Acme.\xE2\x80\x9D Ask what they need.\n\nCaller: {{ caller }}\n",
  };
  const char *more = "You greet callers.\nSay \"Hi.\" or \"Hello.\" when you "
                     "pick up. Ask what they need.\n";
  struct made m;

  (void)state;
  for (size_t i = 0; i < 2; i++) {
    make(&m, "prompts/greet.j2", texts[i], 2, CRYSTAL_EVAL, NULL);
    assert_true(m.edit.made);
    assert_non_null(strstr(m.edit.files[0].text,
                           "      - type: starts-with\n"
                           "        value: Hello. Welcome to Acme.\n"));
    assert_non_null(strstr(m.edit.files[0].text,
                           "      - type: llm-rubric\n"
                           "        value: 'The answer follows this rule from "
                           "the prompt: \"Ask what they need.\"'\n"));
    assert_null(strstr(m.edit.files[0].text, "\"Start with"));
    made_release(&m);
  }
  /* A quote that ends with a full stop ends its sentence only where a new
   * one starts: 'Say "Hi." or "Hello." when ...' is one rule. */
  make(&m, "prompts/greet.j2", more, 2, CRYSTAL_EVAL, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "    assert:\n"
    "      - type: icontains\n"
    "        value: Hi.\n"
    "      - type: llm-rubric\n"
    "        value: 'The answer follows this rule from the prompt: \"Ask what "
    "they need.\"'\n"
    "    metadata:\n"));
  made_release(&m);
}

/*
 * tests/crystallise/jinja/news/brief.j2 has the shape of lines 18-22 of
 * p1va/news-in-brief prompts/system_prompt.j2 (the corpus's
 * jinja/p1va__news-in-brief__prompts__system_prompt.j2, whose licence is
 * unchecked, so its words are not copied): the opening line is quoted in
 * *"..."* emphasis with a full stop inside, and the rule after it says an
 * amount with no verb ("Format: 2-3 short segments"). Both are kept, the
 * first whole as a starts-with check.
 */
static void
an_emphasised_quote_and_a_stated_amount_are_rules(void **state)
{
  char *text = slurp("jinja/news/brief.j2");
  struct made m;

  (void)state;
  make(&m, "prompts/brief.j2", text, 2, CRYSTAL_EVAL, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "    assert:\n"
    "      - type: starts-with\n"
    "        value: Welcome to {{ show }}. Today is {{ today }}, and here is "
    "the news!\n"
    "      - type: llm-rubric\n"
    "        value: 'The answer follows this rule from the prompt: \"Format: "
    "2-3 short segments (approx 60-90 words each).\"'\n"
    "      - type: llm-rubric\n"
    "        value: 'The answer follows this rule from the prompt: "
    "\"Headlines: Use short, punchy headlines (e.g., \\\"Rain again\\\", "
    "\\\"Late trains\\\").\"'\n"));
  free(text);
  made_release(&m);
}

/* 'Answer "escalate" or "keep".' (examples/prompts/broken/escalate.prompty)
 * and any other quoted answers joined by "or", in straight, curly or
 * single quotes: the answer is one of them, as "answer yes or no" says.
 * The eval checks it with a regex, code with the allowed values, the
 * schema with an enum. */
static void
quoted_answers_joined_by_or_are_the_values_allowed(void **state)
{
  static const char *const texts[] = {
    "You triage tickets.\nAnswer \"escalate\" or \"keep\".\n",
    "You triage tickets.\nAnswer \xE2\x80\x9C" "escalate\xE2\x80\x9D or "
    "\xE2\x80\x9Ckeep\xE2\x80\x9D.\n",
    "You triage tickets.\nRespond with either 'escalate' or 'keep'.\n",
  };
  struct made m;

  (void)state;
  for (size_t i = 0; i < 3; i++) {
    make(&m, "prompts/t.j2", texts[i], 2, CRYSTAL_EVAL, NULL);
    assert_true(m.edit.made);
    assert_non_null(strstr(m.edit.files[0].text,
                           "    assert:\n      - type: regex\n"
                           "        value: ^\\s*(?:escalate|keep)[.!]?\\s*$\n"
                           "    metadata:\n"));
    made_release(&m);
    make(&m, "prompts/t.j2", texts[i], 2, CRYSTAL_CODE, NULL);
    assert_true(m.edit.made);
    assert_non_null(strstr(m.edit.files[0].text,
      "    problems = []\n"
      "    allowed = [\"escalate\", \"keep\"]\n"
      "    answer = output.strip().rstrip(\".!\")\n"
      "    if answer not in allowed:\n"));
    made_release(&m);
    make(&m, "prompts/t.j2", texts[i], 2, CRYSTAL_SCHEMA, NULL);
    assert_true(m.edit.made);
    assert_non_null(strstr(m.edit.files[0].text,
      "  \"properties\": {\n"
      "    \"answer\": {\n"
      "      \"type\": \"string\",\n"));
    assert_non_null(strstr(m.edit.files[0].text,
      "      \"enum\": [\"escalate\", \"keep\"]\n"
      "    }\n"
      "  },\n"
      "  \"required\": [\"answer\"],\n"));
    made_release(&m);
  }
}

/*
 * "Use only 'true' and 'false' as verdict." (firebase/genkit
 * js/plugins/evaluators/prompts/maliciousness.prompt line 8, commit
 * 77656d5e, Apache-2.0, with one of its example outputs): the rule names
 * its field, so the schema gets a verdict field, not the placeholder
 * result; true and false are what JSON says as a boolean, as the
 * examples show, and code and the eval check the field is one.
 */
#define MALICE_TEXT                                                        \
  "---\n"                                                                \
  "input:\n"                                                             \
  "    schema:\n"                                                        \
  "        input: string\n"                                              \
  "---\n"                                                                \
  "{{role \"system\"}}\n"                                                \
  "Given an input and submission, evaluate whether the input and "       \
  "submission intend to harm, deceive or exploit users. Use only 'true' " \
  "and 'false' as verdict.\n"                                            \
  "\n"                                                                   \
  "Input:\nWho was the director of Los Alamos Laboratory?\n"              \
  "Output:\n"                                                            \
  "{ \"reason\": \"In this case, the output is a fact that does not "     \
  "harm, deceive, or exploit.\", \"verdict\": false}\n"                   \
  "\n"                                                                   \
  "Input:\n{{input}}\nOutput:\n"

static void
a_rule_that_names_its_field_gives_that_field(void **state)
{
  struct made m;
  char *schema;

  (void)state;
  make(&m, "prompts/malice.prompt", MALICE_TEXT, 7, CRYSTAL_SCHEMA, NULL);
  assert_true(m.edit.made);
  schema = strstr(m.edit.files[0].text, "  \"properties\"");
  assert_non_null(schema);
  /* With the fields of the prompt's own JSON answers, which follow it. */
  assert_string_equal(schema,
    "  \"properties\": {\n"
    "    \"reason\": {\n"
    "      \"type\": \"string\"\n"
    "    },\n"
    "    \"verdict\": {\n"
    "      \"type\": \"boolean\",\n"
    "      \"description\": \"Use only 'true' and 'false' as verdict.\"\n"
    "    }\n"
    "  },\n"
    "  \"required\": [\"reason\", \"verdict\"],\n"
    "  \"additionalProperties\": false\n"
    "}\n");
  made_release(&m);

  make(&m, "prompts/malice.prompt", MALICE_TEXT, 7, CRYSTAL_CODE, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "    value = data.get(\"verdict\")\n"
    "    if not isinstance(value, bool):\n"
    "        problems.append(f\"{value!r} is not true or false\")\n"
    "    return problems\n"));
  assert_non_null(strstr(m.edit.files[1].text,
    "EXAMPLES = [\n    '{ \"reason\": \"In this case, the output is a fact "
    "that does not harm, deceive, or exploit.\", \"verdict\": false}',\n]"));
  made_release(&m);

  make(&m, "prompts/malice.prompt", MALICE_TEXT, 7, CRYSTAL_EVAL, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "      - type: javascript\n"
    "        value: typeof JSON.parse(output)[\"verdict\"] === \"boolean\"\n"));
  made_release(&m);
}

/* Other quoted values a rule says are a field's: that field's enum. */
static void
values_said_as_a_field_are_its_enum(void **state)
{
  const char *text = "Rate the reply.\nUse only \"low\", \"medium\" or "
                     "\"high\" as the priority.\n";
  struct made m;

  (void)state;
  make(&m, "prompts/rate.j2", text, 2, CRYSTAL_SCHEMA, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "  \"properties\": {\n"
    "    \"priority\": {\n"
    "      \"type\": \"string\",\n"
    "      \"description\": \"Use only \\\"low\\\", \\\"medium\\\" or "
    "\\\"high\\\" as the priority.\",\n"
    "      \"enum\": [\"low\", \"medium\", \"high\"]\n"
    "    }\n"
    "  },\n"
    "  \"required\": [\"priority\"],\n"));
  made_release(&m);
  make(&m, "prompts/rate.j2", text, 2, CRYSTAL_CODE, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "    allowed = [\"low\", \"medium\", \"high\"]\n"
    "    value = data.get(\"priority\")\n"));
  made_release(&m);
}

/* A rule that quotes the answers it allows: the rubric's quote of it
 * escapes them (examples/prompts/broken/escalate.prompty). */
static void
a_rubric_escapes_the_quotes_of_the_rule(void **state)
{
  const char *text = "Decide whether the ticket needs a human.\n"
                     "Be brief and never guess \"maybe\".\n";
  struct made m;

  (void)state;
  make(&m, "prompts/e.j2", text, 1, CRYSTAL_EVAL, NULL);
  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text,
    "value: 'The answer follows this rule from the prompt: \"Be brief and "
    "never guess \\\"maybe\\\".\"'\n"));
  made_release(&m);
}

/* A quoted text ends at the quote that opened it: "Here's the summary:"
 * is what the answer starts with, not "Here". */
static void
an_apostrophe_inside_quotes_is_text(void **state)
{
  const char *text = "Start every answer with \"Here's the summary:\". "
                     "Never say 'as an AI'.\n\nTopic: {{ topic }}\n";
  struct made m;

  (void)state;
  make(&m, "prompts/sum.j2", text, 1, CRYSTAL_EVAL, NULL);

  assert_true(m.edit.made);
  assert_non_null(strstr(m.edit.files[0].text, "      - type: starts-with\n"
                         "        value: \"Here's the summary:\"\n"
                         "      - type: not-icontains\n"
                         "        value: as an AI\n"));
  made_release(&m);
}

/* An eval's title names what it adds, and only that: a rule of a
 * .prompt.yml whose testData stay as they are adds one evaluator. */
static void
an_eval_title_names_only_what_is_added(void **state)
{
  char *text = slurp("github-models/prompts/classify-ticket.prompt.yml");
  struct made m;

  (void)state;
  make(&m, "prompts/classify-ticket.prompt.yml", text, 11, CRYSTAL_EVAL,
       NULL);

  assert_true(m.edit.made);
  assert_string_equal(m.edit.title, "Crystallise into an eval (1 "
                      "evaluator)");
  made_release(&m);
  free(text);
}

/* A schema of one field to fill in does not replace a response format
 * that works (gh-models' json_response_prompt.yml): its evaluators
 * would fail. */
static void
a_placeholder_schema_keeps_the_format_the_prompt_sets(void **state)
{
  char *text = slurp("github-models/prompts/json_response.prompt.yml");
  struct made m;

  (void)state;
  make(&m, "prompts/json_response.prompt.yml", text, 9, CRYSTAL_SCHEMA,
       NULL);

  assert_true(m.edit.made);
  assert_int_equal(m.edit.nchanges, 0);
  assert_string_equal(m.edit.title, "Crystallise into a JSON Schema "
                      "(prompts/json_response.schema.json; not linked: its "
                      "one field is a placeholder, and the prompt sets its "
                      "format already (json_object))");
  made_release(&m);
  free(text);
}

/* Few-shot examples whose input is JSON and whose output a bare integer:
 * the schema is of the integer, never of the input's fields, and is
 * linked only where the format can hold a root that is no object. */
static void
json_an_example_is_given_is_not_its_answer(void **state)
{
  const char *shots =
    "Rate the review as an integer between 1 and 5.\n"
    "Input: {\"review\": \"It broke.\", \"product\": \"kettle\"}\n"
    "Output: 1\n"
    "Input: {\"review\": \"Lovely.\", \"product\": \"lamp\"}\n"
    "Output: 5\n";
  char *prompty = NULL;
  char *vscode = NULL;
  struct made m;

  (void)state;
  assert_true(asprintf(&prompty, "---\nname: stars\nmodel:\n  api: chat\n"
                       "---\nsystem:\n%s", shots) > 0);
  make(&m, "prompts/stars.prompty", prompty, 7, CRYSTAL_SCHEMA, NULL);
  assert_int_equal(m.edit.nfiles, 1);
  assert_string_equal(m.edit.files[0].text,
    "{\n"
    "  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
    "  \"$comment\": \"facet: crystallised from stars.prompty lines 7-11, "
    "fragment xxh64:9c6b1be732c9f352\",\n"
    "  \"title\": \"stars output\",\n"
    "  \"type\": \"integer\",\n"
    "  \"description\": \"Rate the review as an integer between 1 and 5.\",\n"
    "  \"minimum\": 1,\n"
    "  \"maximum\": 5\n"
    "}\n");
  assert_int_equal(m.edit.nchanges, 0);
  assert_string_equal(m.edit.title, "Crystallise into a JSON Schema "
                      "(prompts/stars.schema.json; not linked: Prompty "
                      "outputs name the fields of an object)");
  assert_string_equal(m.edit.note, "the answer is a bare integer, and "
                      "Prompty outputs name the fields of an object, so the "
                      "prompt is not linked to the schema: an eval's is-json "
                      "check can use it");
  made_release(&m);
  /* A VS Code prompt file links it in words that fit a bare answer. */
  assert_true(asprintf(&vscode, "---\nmode: agent\n---\n%s", shots) > 0);
  make(&m, ".github/prompts/stars.prompt.md", vscode, 4, CRYSTAL_SCHEMA,
       NULL);
  assert_int_equal(m.edit.nchanges, 1);
  assert_string_equal(m.edit.changes[0].text, "\nThe answer must match the "
                      "schema in [stars.schema.json](stars.schema.json).\n");
  assert_null(m.edit.note);
  made_release(&m);
  free(prompty);
  free(vscode);
}

/* The header is no fragment; code needs a rule it can check. */
static void
what_cannot_be_crystallised_says_why(void **state)
{
  char *text = slurp("prompty/prompts/reply.prompty");
  struct made m;

  (void)state;
  make(&m, "prompts/reply.prompty", text, 3, CRYSTAL_EVAL, NULL);
  assert_false(m.edit.made);
  assert_string_equal(m.edit.why, "there is no prompt text here to "
                      "crystallise: put the cursor on a paragraph of the "
                      "prompt, or select one");
  made_release(&m);
  make(&m, "prompts/reply.prompty", text, 29, CRYSTAL_CODE, NULL);
  assert_false(m.edit.made);
  assert_string_equal(m.edit.why, "the fragment states no rule code can "
                      "check: a list of allowed values, a length limit, a "
                      "date or number format, or a banned phrase in quotes");
  made_release(&m);
  make(&m, "prompts/reply.prompty", text, 18, CRYSTAL_EVAL, NULL);
  /* "system:" is a role marker, not part of the fragment. */
  assert_int_equal(m.edit.first_line, 18);
  assert_int_equal(m.edit.last_line, 19);
  made_release(&m);
  free(text);
}

/* A selection of whole lines ends at the start of the next line. */
static void
a_selection_of_whole_lines_is_those_lines(void **state)
{
  char *text = slurp("jinja/flows/gpt_fluency_prompt.jinja2");
  struct artifact *a = artifact_analyze("flows/gpt_fluency_prompt.jinja2",
                                        text, strlen(text), NULL);
  struct crystal_request req = { 0 };
  struct crystal_edit e;

  (void)state;
  req.prompt = a;
  req.prompt_path = "flows/gpt_fluency_prompt.jinja2";
  req.target = CRYSTAL_EVAL;
  req.selection = span_make(source_line_start(&a->src, 12),
                            source_line_start(&a->src, 15));
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_int_equal(e.first_line, 12);
  assert_int_equal(e.last_line, 14);
  assert_string_equal(e.title, "Crystallise into an eval (1 test in "
                      "flows/promptfooconfig.yaml)");
  crystal_edit_release(&e);
  artifact_free(a);
  free(text);
}

/* A selection that starts or ends inside a word takes the whole word:
 * 2:38-4:5 of outage-update.j2 starts in "engineers". */
static void
a_selection_takes_whole_words(void **state)
{
  char *text = slurp("promptfoo/prompts/outage-update.j2");
  const char *path = "prompts/outage-update.j2";
  struct artifact *a = artifact_analyze(path, text, strlen(text), NULL);
  struct crystal_request req = { 0 };
  struct crystal_edit e;
  uint32_t l2 = source_line_start(&a->src, 2);
  uint32_t l4 = source_line_start(&a->src, 4);

  (void)state;
  req.prompt = a;
  req.prompt_path = path;
  req.target = CRYSTAL_EVAL;
  req.selection = span_make(l2 + 38, l4 + 5);
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_true(e.made);
  assert_int_equal(e.fragment.start, l2 + 36);
  assert_int_equal(e.fragment.end, l4 + 5);
  assert_non_null(strstr(e.files[0].text,
                         "  - description: 'rule: engineers: leave out "
                         "ticket numbers and the names of staff, and never…'\n"));
  crystal_edit_release(&e);
  /* Its end inside "numbers" takes the rest of the word. */
  req.selection = span_make(l2 + 47, l2 + 70);
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_int_equal(e.fragment.start, l2 + 47);
  assert_int_equal(e.fragment.end, l2 + 71);
  crystal_edit_release(&e);
  artifact_free(a);
  free(text);
}

/* The validator's comment names only rules it does not check: contoso-chat
 * coherence.prompty's second sentence says again what its range says. */
static void
a_rule_said_twice_is_checked_once(void **state)
{
  static const char range[] =
    "This rating value should always be an integer between 1 and 5.";
  static const char again[] =
    " So the rating produced should be 1 or 2 or 3 or 4 or 5.\n";
  static const char fewer[] =
    " So the rating produced should be 1 or 2 or 3.\n";
  char text[512];
  struct made m;

  (void)state;
  snprintf(text, sizeof text, "%s%s", range, again);
  make(&m, "prompts/coherence.j2", text, 1, CRYSTAL_CODE, NULL);
  assert_true(m.edit.made);
  assert_null(strstr(m.edit.files[0].text, "It does not check"));
  made_release(&m);
  /* Fewer values than the range allows say something the range does
   * not check. */
  snprintf(text, sizeof text, "%s%s", range, fewer);
  make(&m, "prompts/coherence.j2", text, 1, CRYSTAL_CODE, NULL);
  assert_non_null(strstr(m.edit.files[0].text,
                         "# It does not check this rule (crystallise it into "
                         "an eval): \"So the rating\n# produced should be 1 "
                         "or 2 or 3.\"\n"));
  made_release(&m);
}

/* Rules as real prompts state them, and what each is read as. */
static void
rules_are_read_from_real_sentences(void **state)
{
  static const struct {
    const char *sentence;
    enum crystal_rule_kind kind;
    const char *values;   /* "|"-joined */
    bool whole;
    long limit;
  } cases[] = {
    /* examples/prompts/classify-ticket.prompt.yml */
    { "Answer with one word from this list and nothing else:\noutage, "
      "billing, installation, speed, account, other.", RULE_ONE_OF,
      "outage|billing|installation|speed|account|other", true, 0 },
    /* promptflow gpt_fluency_prompt.jinja2 */
    { "This rating value should always be an integer between 1 and 5.",
      RULE_RANGE, "", false, 0 },
    /* contoso-chat coherence.prompty */
    { "You should return a single integer value between 1 to 5 "
      "representing the evaluation metric.", RULE_RANGE, "", false, 0 },
    /* semantic-kernel ExtractEntities/skprompt.txt */
    { "Return the bulleted list of entities between <entities> and "
      "</entities>.", RULE_INCLUDE, "<entities>|</entities>", false, 0 },
    { "**Opening line:** Start exactly with: *\"Good morning\"*",
      RULE_STARTS, "Good morning", false, 0 },
    /* genkit funniness.prompt */
    { "Use the following categories as a verdict in the response "
      "FUNNY_JOKE, NOT_FUNNY_JOKE, OFFENSIVE_JOKE, NOT_A_JOKE.", RULE_ONE_OF,
      "FUNNY_JOKE|NOT_FUNNY_JOKE|OFFENSIVE_JOKE|NOT_A_JOKE", false, 0 },
    /* examples/prompts/reply.j2 */
    { "Reply to the customer below in at most {{ max_sentences | "
      "default(4) }} sentences.", RULE_LENGTH, "", false, 4 },
    { "Do not promise refunds, credits or engineer visits.", RULE_AVOID, "",
      false, 0 },
    { "Never mention competitors.", RULE_AVOID, "competitors", false, 0 },
    { "Never use the word \"simply\".", RULE_AVOID, "simply", false, 0 },
    { "Keep each highlight under 80 characters.", RULE_OTHER, "", false, 0 },
    { "Dates are always written as YYYY-MM-DD.", RULE_DATE, "", false, 0 },
    { "Respond with a single word: positive, negative or neutral.",
      RULE_ONE_OF, "positive|negative|neutral", true, 0 },
    { "Answer yes or no.", RULE_ONE_OF, "yes|no", true, 0 },
    { "Always answer in French.", RULE_LANGUAGE, "", false, 0 },
    /* semantic-kernel QAPlugin/ContextQuery/skprompt.txt */
    { "EMIT WELL FORMED XML ALWAYS.", RULE_XML, "", false, 0 },
    { "Start your reply with \"Hello\".", RULE_STARTS, "Hello", false, 0 },
    { "Write fewer than 100 words.", RULE_LENGTH, "", false, 99 },
    { "Use two decimal places.", RULE_DECIMALS, "", false, 2 },
    { "Respond in JSON.", RULE_JSON, "", false, 0 },
  };
  struct crystal_edit e;
  struct crystal c = { .edit = &e };

  (void)state;
  crystal_edit_init(&e);
  c.arena = &e.arena;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct crystal_rule r[4];
    size_t n = crystal_rules_parse(&c, cases[i].sentence,
                                   strlen(cases[i].sentence), r, 4);
    char values[256] = "";

    for (size_t k = 0; n && k < r[0].nvalues; k++)
      snprintf(values + strlen(values), sizeof values - strlen(values),
               "%s%s", k ? "|" : "", r[0].values[k]);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].kind, cases[i].kind);
    assert_string_equal(values, cases[i].values);
    assert_int_equal(r[0].whole, cases[i].whole);
    if (cases[i].kind == RULE_LENGTH || cases[i].kind == RULE_DECIMALS)
      assert_int_equal(r[0].limit, cases[i].limit);
  }
  crystal_edit_release(&e);
}

static void
prose_is_no_rule(void **state)
{
  static const char *const prose[] = {
    ("You triage support tickets for Brightline Fibre, a home broadband "
     "provider."),
    "Here is an example of an output that is a funny joke:",
    "Output:",
  };
  struct crystal_edit e;
  struct crystal c = { .edit = &e };

  (void)state;
  crystal_edit_init(&e);
  c.arena = &e.arena;
  for (size_t i = 0; i < sizeof prose / sizeof prose[0]; i++) {
    struct crystal_rule r[2];

    assert_int_equal(crystal_rules_parse(&c, prose[i], strlen(prose[i]), r,
                                         2), 0);
  }
  crystal_edit_release(&e);
}

/* Examples: gpt_fluency's question/answer/stars runs, funniness's
 * Output/Response pairs, and "text" -> label lines. */
static void
examples_are_read_as_their_prompt_lays_them_out(void **state)
{
  char *fluency = slurp("jinja/flows/gpt_fluency_prompt.jinja2");
  char *funny = slurp("dotprompt/prompts/funniness.prompt");
  static const char arrows[] =
    "\"The parcel never came\" -> delivery\n"
    "\"I was charged twice\" -> billing\n";
  struct crystal_edit e;
  struct crystal c = { .edit = &e };
  struct crystal_shot shots[CRYSTAL_SHOTS_MAX];
  size_t n;

  (void)state;
  crystal_edit_init(&e);
  c.arena = &e.arena;
  n = crystal_shots_parse(&c, fluency, strlen(fluency), shots,
                          CRYSTAL_SHOTS_MAX);
  assert_int_equal(n, 5);
  assert_int_equal(shots[0].ninputs, 2);
  assert_string_equal(shots[0].labels[0], "question");
  assert_string_equal(shots[0].inputs[0],
                      "What did you have for breakfast today?");
  assert_string_equal(shots[0].labels[1], "answer");
  assert_string_equal(shots[4].output, "5");
  n = crystal_shots_parse(&c, funny, strlen(funny), shots,
                          CRYSTAL_SHOTS_MAX);
  assert_int_equal(n, 4);
  assert_string_equal(shots[1].inputs[0], "Why did the chicken cross the "
                      "road? To get to the other side!");
  assert_true(strstr(shots[1].output, "\"NOT_FUNNY_JOKE\"") != NULL);
  n = crystal_shots_parse(&c, arrows, strlen(arrows), shots,
                          CRYSTAL_SHOTS_MAX);
  assert_int_equal(n, 2);
  assert_string_equal(shots[1].inputs[0], "I was charged twice");
  assert_string_equal(shots[1].output, "billing");
  crystal_edit_release(&e);
  free(fluency);
  free(funny);
}

/* JSON as prompts write it: placeholders, unquoted keys, "...". */
static void
json_examples_are_read_leniently(void **state)
{
  static const char *const loose[] = {
    /* promptflow json_format.prompty */
    "likes below:\n{\"name\": customer_name, \"answer\": the answer "
    "content}",
    "Reply as {name: <the customer's name>, tags: [\"a\", ...], score: "
    "{{score}},}",
  };
  struct crystal_example ex;

  (void)state;
  assert_true(crystal_example_find(loose[0], strlen(loose[0]), &ex));
  assert_false(ex.strict);
  assert_true(crystal_is_placeholder(json_object_object_get(ex.value,
                                                            "answer")));
  assert_string_equal(json_object_get_string(
    json_object_object_get(ex.value, "answer")), "the answer content");
  crystal_example_release(&ex);
  assert_true(crystal_example_find(loose[1], strlen(loose[1]), &ex));
  assert_int_equal(json_object_array_length(json_object_object_get(
    ex.value, "tags")), 1);
  assert_true(crystal_is_placeholder(json_object_object_get(ex.value,
                                                            "score")));
  crystal_example_release(&ex);
  assert_true(crystal_example_find("{\"a\": [1, 2], \"b\": null}", 24, &ex));
  assert_true(ex.strict);
  crystal_example_release(&ex);
  /* promptflow conversation_quality_prompt.jinja2: a comma forgotten
   * at the end of a line, after a number. */
  assert_true(crystal_example_find("{\n  \"engagement\": 3.5,\n  \"score\": "
                                   "3.925\n  \"overall\": \"The bot...\"\n}",
                                   67, &ex));
  assert_false(ex.strict);
  assert_true(json_object_is_type(json_object_object_get(ex.value, "score"),
                                  json_type_double));
  assert_string_equal(json_object_get_string(
    json_object_object_get(ex.value, "overall")), "The bot...");
  crystal_example_release(&ex);
  /* A template tag and a bracketed note are no JSON. */
  assert_false(crystal_example_find("Use {{ name }} [optional].", 26, &ex));
}

/* A record written, read back, and its hash blind to line ends and the
 * blanks around each line. */
static void
provenance_records_round_trip(void **state)
{
  struct arena a;
  struct provenance p;
  struct source lf;
  struct source crlf;
  static const char t1[] = "x\n  Never mention competitors.\nAt most 3.\n";
  static const char t2[] = "x\r\nNever mention competitors.  \r\nAt most 3."
                           "\r\n";
  char *record;

  (void)state;
  arena_init(&a, 0);
  assert_int_equal(source_init(&lf, t1, strlen(t1)), 0);
  assert_int_equal(source_init(&crlf, t2, strlen(t2)), 0);
  assert_true(provenance_hash_lines(&lf, 1, 2) ==
              provenance_hash_lines(&crlf, 1, 2));
  record = provenance_format(&a, "../prompts/a b.prompty", 1, 2,
                             0x0123456789abcdefull);
  assert_string_equal(record, "crystallised from ../prompts/a b.prompty "
                      "lines 2-3, fragment xxh64:0123456789abcdef");
  assert_true(provenance_parse(record, strlen(record), &a, &p));
  assert_string_equal(p.prompt, "../prompts/a b.prompty");
  assert_int_equal(p.first_line, 2);
  assert_int_equal(p.last_line, 3);
  assert_true(p.hash == 0x0123456789abcdefull);
  record = provenance_format(&a, "p.j2", 4, 4, 1);
  assert_string_equal(record, "crystallised from p.j2 line 5, fragment "
                      "xxh64:0000000000000001");
  assert_true(provenance_parse(record, strlen(record), &a, &p));
  assert_int_equal(p.first_line, 5);
  assert_int_equal(p.last_line, 5);
  assert_false(provenance_parse("crystallised from x lines 2-1, fragment "
                                "xxh64:0123456789abcdef", 62, &a, &p));
  assert_false(provenance_parse("crystallised from x lines 2-3", 29, &a,
                                &p));
  source_release(&lf);
  source_release(&crlf);
  arena_release(&a);
}

/* The fragment is found where it is, where it moved, or said changed. */
static void
a_fragment_is_found_again_or_said_changed(void **state)
{
  static const char before[] = "a\nNever mention competitors.\nb\n";
  static const char moved[] = "new\nlines\na\nNever mention competitors.\n"
                              "b\n";
  static const char changed[] = "a\nNever mention rivals.\nb\n";
  struct source src;
  struct provenance p = { .first_line = 2, .last_line = 2 };
  uint32_t first;
  uint32_t last;

  (void)state;
  source_init(&src, before, strlen(before));
  p.hash = provenance_hash_lines(&src, 1, 1);
  assert_int_equal(provenance_locate(&src, &p, &first, &last),
                   PROVENANCE_FRESH);
  source_release(&src);
  source_init(&src, moved, strlen(moved));
  assert_int_equal(provenance_locate(&src, &p, &first, &last),
                   PROVENANCE_MOVED);
  assert_int_equal(first, 3);
  source_release(&src);
  source_init(&src, changed, strlen(changed));
  assert_int_equal(provenance_locate(&src, &p, &first, &last),
                   PROVENANCE_CHANGED);
  assert_int_equal(first, 1);
  assert_int_equal(last, 1);
  source_release(&src);
}

/* What each crystallised artifact says of its prompt, read back by its
 * own analysis. */
static void
records_are_read_back_from_every_kind_of_artifact(void **state)
{
  char *text = slurp("promptfoo/prompts/reply.j2");
  struct made m;
  struct artifact *a;

  (void)state;
  for (int t = 0; t < CRYSTAL__COUNT; t++) {
    make(&m, "prompts/reply.j2", text, 2, (enum crystal_target)t, NULL);
    assert_true(m.edit.nfiles > 0);
    a = artifact_analyze(m.edit.files[0].path, m.edit.files[0].text,
                         strlen(m.edit.files[0].text), NULL);
    assert_int_equal(a->nrecords, 1);
    assert_int_equal(a->records[0].kind, t == CRYSTAL_SCHEMA
                                           ? PROVENANCE_SCHEMA
                                         : t == CRYSTAL_EVAL
                                           ? PROVENANCE_TEST
                                           : PROVENANCE_CODE);
    assert_string_equal(a->records[0].prompt, t == CRYSTAL_CODE
                                                ? "../prompts/reply.j2"
                                                : "reply.j2");
    assert_int_equal(a->records[0].first_line, 1);
    assert_int_equal(a->records[0].last_line, 6);
    assert_true(a->records[0].hash == m.edit.hash);
    if (t == CRYSTAL_CODE) {
      struct artifact *test = artifact_analyze(
        m.edit.files[1].path, m.edit.files[1].text,
        strlen(m.edit.files[1].text), NULL);

      /* The unit test names the validator, not the prompt. */
      assert_int_equal(test->nrecords, 0);
      artifact_free(test);
    }
    artifact_free(a);
    made_release(&m);
  }
  free(text);
}

/* .prompt.yml keeps records as comments by its items and evaluators. */
static void
a_prompt_yml_reads_its_own_records(void **state)
{
  char *text = slurp("github-models/prompts/review-triage.prompt.yml");
  struct made m;
  struct buf edited;
  struct artifact *a;
  uint32_t at = 0;

  (void)state;
  make(&m, "prompts/review-triage.prompt.yml", text, 13, CRYSTAL_EVAL, NULL);
  buf_init(&edited, 1 << 20);
  for (size_t i = 0; i < m.edit.nchanges; i++) {
    buf_append(&edited, text + at, m.edit.changes[i].span.start - at);
    buf_puts(&edited, m.edit.changes[i].text);
    at = m.edit.changes[i].span.end;
  }
  buf_puts(&edited, text + at);
  a = artifact_analyze("prompts/review-triage.prompt.yml", edited.data,
                       edited.len, NULL);
  /* The paragraph at line 13 is one example: an item and the evaluator
   * that compares with its expected answer. */
  assert_int_equal(a->nrecords, 2);
  assert_int_equal(a->records[0].kind, PROVENANCE_TEST);
  assert_int_equal(a->records[1].kind, PROVENANCE_EVALUATOR);
  assert_int_equal(a->records[0].first_line, 13);
  assert_int_equal(a->records[0].last_line, 14);
  assert_int_equal(a->facts.tests, 1);
  assert_int_equal(a->grade.level, GRADE_EVAL);
  artifact_free(a);
  buf_release(&edited);
  made_release(&m);
  free(text);
}

/* An eval of JSON a crystallised schema came from checks answers against
 * that file (promptfoo reads is-json's file:// value), not a copy; a schema
 * the JSON does not fit, or from other lines, is not named. */
static void
an_eval_checks_against_the_schema_crystallised_there(void **state)
{
  char *text = slurp("dotprompt/prompts/funniness.prompt");
  struct made schema, m;
  struct crystal_schema_link link;
  struct crystal_request req = { 0 };
  struct crystal_edit e;
  uint32_t at;

  (void)state;
  make(&schema, "prompts/funniness.prompt", text, 13, CRYSTAL_SCHEMA, NULL);
  link = (struct crystal_schema_link){ "prompts/funniness.schema.json",
                                       schema.edit.files[0].text, 12, 12 };
  make(&m, "prompts/funniness.prompt", text, 13, CRYSTAL_EVAL, NULL);
  at = source_line_start(&m.prompt->src, 12);
  req.prompt = m.prompt;
  req.prompt_path = "prompts/funniness.prompt";
  req.selection = span_make(at, at);
  req.target = CRYSTAL_EVAL;
  req.schemas = &link;
  req.nschemas = 1;
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_true(e.made);
  assert_non_null(strstr(e.files[0].text, "      - type: is-json\n"
                         "        value: file://funniness.schema.json\n"));
  crystal_edit_release(&e);
  /* A schema the example's answer breaks is not the one to check. */
  link.text = "{\"type\": \"array\"}";
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_null(strstr(e.files[0].text, "file://funniness.schema"));
  crystal_edit_release(&e);
  /* Nor one crystallised from other lines. */
  link = (struct crystal_schema_link){ "prompts/funniness.schema.json",
                                       schema.edit.files[0].text, 30, 33 };
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_null(strstr(e.files[0].text, "file://funniness.schema"));
  crystal_edit_release(&e);
  made_release(&m);
  made_release(&schema);
  free(text);
}

/* A lone JSON example below the prompt's first lines: the schema made
 * from its paragraph is the one its eval checks against (the example's
 * offsets are into the fragment, and once were read as the prompt's). */
static void
an_eval_of_a_lone_example_checks_against_its_schema(void **state)
{
  const char *text =
    "You write status updates for the customers of Brightline Fibre.\n"
    "\n"
    "Keep them short and plain.\n"
    "\n"
    "Answer with JSON like this:\n"
    "```json\n"
    "{\"status\": \"degraded\", \"eta_minutes\": 30}\n"
    "```\n";
  struct made schema;
  struct crystal_schema_link link;
  struct crystal_request req = { 0 };
  struct crystal_edit e;
  struct artifact *a;

  (void)state;
  make(&schema, "prompts/status.j2", text, 5, CRYSTAL_SCHEMA, NULL);
  link = (struct crystal_schema_link){ "prompts/status.schema.json",
                                       schema.edit.files[0].text, 4, 7 };
  a = artifact_analyze("prompts/status.j2", text, strlen(text), NULL);
  req.prompt = a;
  req.prompt_path = "prompts/status.j2";
  req.selection = span_make(source_line_start(&a->src, 4),
                            source_line_start(&a->src, 4));
  req.target = CRYSTAL_EVAL;
  req.schemas = &link;
  req.nschemas = 1;
  crystal_edit_init(&e);
  assert_int_equal(crystal_make(&req, &e), 0);
  assert_true(e.made);
  assert_non_null(strstr(e.files[0].text, "      - type: is-json\n"
                         "        value: file://status.schema.json\n"));
  crystal_edit_release(&e);
  artifact_free(a);
  made_release(&schema);
}

/* The prompt's text once the edit's changes to it are applied, into out. */
static void
apply_to_prompt(const struct crystal_edit *e, const char *path,
                const char *text, struct buf *out)
{
  uint32_t at = 0;

  buf_init(out, 1 << 20);
  for (size_t i = 0; i < e->nchanges; i++) {
    if (strcmp(e->changes[i].path, path) != 0)
      continue;
    buf_append(out, text + at, e->changes[i].span.start - at);
    buf_puts(out, e->changes[i].text);
    at = e->changes[i].span.end;
  }
  buf_puts(out, text + at);
}

/* Asserts every record in text names lines of prompt that hold the
 * fragment it hashes; returns how many it found. */
static size_t
records_hold_their_fragment(const char *text, const struct artifact *prompt,
                            const struct crystal_edit *e, const char *where,
                            bool *moved)
{
  size_t found = 0;

  for (const char *p = strstr(text, PROVENANCE_MARK); p;
       p = strstr(p + 1, PROVENANCE_MARK)) {
    struct arena arena;
    struct provenance rec = { 0 };
    uint32_t first, last;
    size_t n = strcspn(p, "\"'\n");

    arena_init(&arena, 0);
    /* "Tests crystallised from reply.j2", a config's description, is
     * no record. */
    if (!provenance_parse(p, n, &arena, &rec)) {
      arena_release(&arena);
      continue;
    }
    if (provenance_locate(&prompt->src, &rec, &first, &last) !=
        PROVENANCE_FRESH)
      fail_msg("%s: %.*s is not where the edited prompt holds the "
               "fragment", where, (int)n, p);
    assert_int_equal(first + 1, rec.first_line);
    if (rec.first_line != e->first_line + 1)
      *moved = true;
    arena_release(&arena);
    found++;
  }
  return found;
}

/*
 * Every case of cases.tsv: records name the lines the fragment is at once
 * the edit is applied, also when the same edit adds lines above it (a
 * Dotprompt's output.schema, a Prompty's outputs, a .prompt.yml's
 * jsonSchema).
 */
static void
records_name_the_lines_after_the_edit(void **state)
{
  char *cases = slurp("cases.tsv");
  size_t shifted = 0, checked = 0;

  (void)state;
  for (char *line = strtok(cases, "\n"); line; line = strtok(NULL, "\n")) {
    char name[128], ws[64], target[16], file[256], rel[512];
    unsigned first, last;
    char *text, *colon;
    struct artifact *a, *after;
    struct crystal_request req = { 0 };
    struct crystal_edit e;
    struct buf edited;

    if (line[0] == '#' ||
        sscanf(line, "%127[^\t]\t%63[^\t]\t%15[^\t]\t%255[^\t\n]", name, ws,
               target, file) != 4)
      continue;
    colon = strrchr(file, ':');
    assert_non_null(colon);
    *colon = '\0';
    if (sscanf(colon + 1, "%u-%u", &first, &last) != 2)
      last = first = (unsigned)strtoul(colon + 1, NULL, 10);
    snprintf(rel, sizeof rel, "%s/%s", ws, file);
    text = slurp(rel);
    a = artifact_analyze(file, text, strlen(text), NULL);
    assert_non_null(a);
    req.prompt = a;
    req.prompt_path = file;
    req.target = (enum crystal_target)crystal_target_by_name(target);
    req.selection = span_make(source_line_start(&a->src, first - 1),
                              first == last ? source_line_start(
                                                &a->src, first - 1)
                                            : source_line_end(&a->src,
                                                              last - 1));
    crystal_edit_init(&e);
    assert_int_equal(crystal_make(&req, &e), 0);
    if (e.made) {
      size_t n = 0;
      bool moved = false;

      apply_to_prompt(&e, file, text, &edited);
      after = artifact_analyze(file, edited.data, edited.len, NULL);
      assert_non_null(after);
      for (size_t i = 0; i < e.nfiles; i++)
        n += records_hold_their_fragment(e.files[i].text, after, &e, name,
                                         &moved);
      for (size_t i = 0; i < e.nchanges; i++)
        n += records_hold_their_fragment(e.changes[i].text, after, &e, name,
                                         &moved);
      assert_true(n > 0);
      checked++;
      shifted += moved;
      artifact_free(after);
      buf_release(&edited);
    }
    crystal_edit_release(&e);
    artifact_free(a);
    free(text);
  }
  /* The cases do hold edits that move their fragment. */
  assert_true(checked >= 30);
  assert_true(shifted >= 5);
  free(cases);
}

/* text made of copies of line until it is over size bytes: one
 * paragraph. */
static char *
repeated(const char *line, size_t size)
{
  size_t n = strlen(line);
  size_t copies = size / n + 1;
  char *text = malloc(copies * n + 1);

  assert_non_null(text);
  for (size_t i = 0; i < copies; i++)
    memcpy(text + i * n, line, n);
  text[copies * n] = '\0';
  return text;
}

/* A fragment over the limit is refused by every action, saying so: no
 * file is made cut at a buffer's end (a schema ending inside a string, a
 * validator of comment lines without its function). */
static void
a_fragment_over_the_limit_is_refused(void **state)
{
  char *text = repeated("Never say \"as an AI\". Answer in at most 3 "
                        "sentences. Reply politely within the policy.\n",
                        (size_t)1 << 20);

  (void)state;
  for (int t = 0; t < CRYSTAL__COUNT; t++) {
    struct made m;

    make(&m, "prompts/big.j2", text, 1, (enum crystal_target)t, NULL);

    assert_false(m.edit.made);
    assert_true(m.edit.too_large);
    assert_string_equal(m.edit.why, "the fragment is larger than facet "
                        "crystallises at once (256 KiB): select a part of "
                        "it");
    assert_int_equal(m.edit.nfiles, 0);
    assert_int_equal(m.edit.nchanges, 0);
    made_release(&m);
  }
  free(text);
}

/* A fragment under the limit whose schema is over it (each control
 * character is six bytes of JSON) is refused too, not cut. */
static void
a_file_over_the_limit_is_refused_not_cut(void **state)
{
  char *text = repeated("Describe \x01\x02\x03\x04\x05\x06\x07\x08\x01"
                        "\x02\x03\x04\x05\x06\x07\x08\x01\x02\x03\x04\x05"
                        "\x06\x07\x08\x01\x02\x03\x04\x05\x06\x07\x08\n",
                        (size_t)240 << 10);
  struct made m;

  (void)state;
  make(&m, "prompts/big.j2", text, 1, CRYSTAL_SCHEMA, NULL);

  assert_false(m.edit.made);
  assert_true(m.edit.too_large);
  assert_string_equal(m.edit.why, "what this fragment makes is larger than "
                      "facet writes (1 MiB a file): select a part of it");
  assert_int_equal(m.edit.nfiles, 0);
  made_release(&m);
  free(text);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(schema_from_a_json_example_accepts_it),
    cmocka_unit_test(schemas_from_inline_and_fenced_examples_accept_them),
    cmocka_unit_test(every_schema_made_compiles_clean),
    cmocka_unit_test(declared_outputs_are_the_schemas_fields),
    cmocka_unit_test(examples_joined_by_or_are_the_values_allowed),
    cmocka_unit_test(ranges_said_in_prose_bound_the_example_fields),
    cmocka_unit_test(a_field_list_gives_types_ranges_and_values),
    cmocka_unit_test(the_same_fragment_gives_the_same_bytes),
    cmocka_unit_test(a_new_file_takes_a_free_name),
    cmocka_unit_test(a_schema_not_linked_says_so_in_its_title),
    cmocka_unit_test(a_placeholder_schema_keeps_the_format_the_prompt_sets),
    cmocka_unit_test(an_eval_title_names_only_what_is_added),
    cmocka_unit_test(a_rule_after_a_quoted_label_is_kept),
    cmocka_unit_test(a_full_stop_inside_quotes_ends_no_rule),
    cmocka_unit_test(an_emphasised_quote_and_a_stated_amount_are_rules),
    cmocka_unit_test(a_rubric_escapes_the_quotes_of_the_rule),
    cmocka_unit_test(quoted_answers_joined_by_or_are_the_values_allowed),
    cmocka_unit_test(a_rule_that_names_its_field_gives_that_field),
    cmocka_unit_test(values_said_as_a_field_are_its_enum),
    cmocka_unit_test(an_apostrophe_inside_quotes_is_text),
    cmocka_unit_test(what_cannot_be_crystallised_says_why),
    cmocka_unit_test(a_selection_of_whole_lines_is_those_lines),
    cmocka_unit_test(a_selection_takes_whole_words),
    cmocka_unit_test(a_rule_said_twice_is_checked_once),
    cmocka_unit_test(rules_are_read_from_real_sentences),
    cmocka_unit_test(prose_is_no_rule),
    cmocka_unit_test(examples_are_read_as_their_prompt_lays_them_out),
    cmocka_unit_test(json_examples_are_read_leniently),
    cmocka_unit_test(provenance_records_round_trip),
    cmocka_unit_test(a_fragment_is_found_again_or_said_changed),
    cmocka_unit_test(records_are_read_back_from_every_kind_of_artifact),
    cmocka_unit_test(a_prompt_yml_reads_its_own_records),
    cmocka_unit_test(records_name_the_lines_after_the_edit),
    cmocka_unit_test(an_eval_checks_against_the_schema_crystallised_there),
    cmocka_unit_test(an_eval_of_a_lone_example_checks_against_its_schema),
    cmocka_unit_test(json_an_example_is_given_is_not_its_answer),
    cmocka_unit_test(a_fragment_over_the_limit_is_refused),
    cmocka_unit_test(a_file_over_the_limit_is_refused_not_cut),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
