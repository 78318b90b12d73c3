/*
 * The grades an editor shows outside the text: facet/grade for one open
 * document (a status bar) and the facet.workspaceGrades command for every
 * artifact of a folder, asserting the exact JSON the client receives.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "session_harness.h"

#define PROMPTY_WITH_TYPO                                                   \
  "\"---\\nname: demo\\nmodle: gpt-4o\\ninputs:\\n  city:\\n    type: "    \
  "string\\n---\\nPlan a trip to {{ city }}.\\n\""

/* The same prompt with the key spelled right. */
#define PROMPTY_FIXED                                                       \
  "\"---\\nname: demo\\nmodel: gpt-4o\\ninputs:\\n  city:\\n    type: "    \
  "string\\n---\\nPlan a trip to {{ city }}.\\n\""

/* The folder the workspace tests walk, made once for them all. */
static char workspace[64];

static void
put_file(const char *relative, const char *text)
{
  char path[256];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", workspace, relative);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int
make_workspace(void **state)
{
  char dir[256];
  const char *tmp = getenv("TMPDIR");

  (void)state;
  snprintf(workspace, sizeof workspace, "%s/facet-grades.XXXXXX",
           tmp && strlen(tmp) < 40 ? tmp : "/tmp");
  if (!mkdtemp(workspace))
    return -1;
  snprintf(dir, sizeof dir, "%s/schemas", workspace);
  mkdir(dir, 0700);
  snprintf(dir, sizeof dir, "%s/node_modules", workspace);
  mkdir(dir, 0700);
  put_file("trip.prompty", "---\nname: demo\nmodle: gpt-4o\ninputs:\n"
           "  city:\n    type: string\n---\nPlan a trip to {{ city }}.\n");
  put_file("schemas/answer.schema.json",
           "{\"type\": \"object\", \"properties\": "
           "{\"city\": {\"type\": \"string\"}}}\n");
  /* A prompt and the promptfoo config that tests it, in a folder apart:
   * node_modules/, which the walks of the other tests skip. */
  snprintf(dir, sizeof dir, "%s/node_modules/linked", workspace);
  mkdir(dir, 0700);
  put_file("node_modules/linked/trip.prompty",
           "---\nname: demo\nmodel: gpt-4o\ninputs:\n  city:\n"
           "    type: string\n---\nPlan a trip to {{ city }}.\n");
  put_file("node_modules/linked/promptfooconfig.yaml",
           "prompts:\n  - file://trip.prompty\nproviders:\n"
           "  - openai:gpt-4o-mini\ntests:\n  - vars:\n      city: Paris\n"
           "    assert:\n      - type: contains\n        value: Paris\n");
  /* An OpenAI evals entry whose samples are not in the registry's data
   * folder (after openai/evals aba-mrpc-true-false.yaml, MIT). */
  snprintf(dir, sizeof dir, "%s/node_modules/evals", workspace);
  mkdir(dir, 0700);
  snprintf(dir, sizeof dir, "%s/node_modules/evals/registry", workspace);
  mkdir(dir, 0700);
  snprintf(dir, sizeof dir, "%s/node_modules/evals/registry/evals",
           workspace);
  mkdir(dir, 0700);
  put_file("node_modules/evals/registry/evals/aba.yaml",
           "aba:\n  id: aba.dev.v0\n  metrics: [accuracy]\n"
           "aba.dev.v0:\n  class: evals.elsuite.basic.match:Match\n"
           "  args:\n    samples_jsonl: aba/samples.jsonl\n");
  /* Neither is listed: a folder facet check skips, a file of no format. */
  put_file("node_modules/dep.prompty", "---\nname: dep\n---\nhi\n");
  put_file("settings.yaml", "indent: 2\n");
  put_file("notes.txt", "remember the milk\n");
  return 0;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static int
remove_workspace(void **state)
{
  (void)state;
  return nftw(workspace, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void
initialize_at(struct harness *h, const char *root_uri)
{
  char msg[512];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null%s%s%s,\"capabilities\":{}}}",
           root_uri ? ",\"rootUri\":\"" : "", root_uri ? root_uri : "",
           root_uri ? "\"" : "");
  feed(h, msg);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
}

static void
workspace_grades(struct harness *h, int id, const char *arguments)
{
  char msg[512];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":"
           "\"workspace/executeCommand\",\"params\":{\"command\":"
           "\"facet.workspaceGrades\"%s%s}}", id,
           arguments ? ",\"arguments\":" : "", arguments ? arguments : "");
  feed(h, msg);
}

/* The answer for the workspace, with trip.prompty's warnings given. */
static char *
expected_workspace(int id, int trip_warnings)
{
  char *s = malloc(4096);

  snprintf(s, 4096,
    "{\"jsonrpc\":\"2.0\",\"id\":%d,\"result\":{\"root\":\"%s\","
    "\"artifacts\":[{\"format\":\"json-schema\",\"title\":\"JSON Schema\","
    "\"kind\":\"schema\",\"grade\":\"schema\",\"next\":\"add an eval that "
    "checks outputs against it\",\"errors\":0,"
    "\"warnings\":0,\"path\":\"schemas/answer.schema.json\",\"uri\":"
    "\"file://%s/schemas/answer.schema.json\"},{\"format\":\"prompty\","
    "\"title\":\"Prompty\",\"kind\":\"prompt\",\"grade\":\"structured\","
    "\"next\":\"pin the output: add outputs (or a response_format "
    "json_schema)\",\"errors\":0,\"warnings\":%d,\"path\":\"trip.prompty\","
    "\"uri\":\"file://%s/trip.prompty\"}],\"grades\":{\"loose\":0,"
    "\"structured\":1,\"schema\":1,\"eval\":0,\"code\":0},"
    "\"truncated\":false}}",
    id, workspace, workspace, trip_warnings, workspace);
  return s;
}

static void
facet_grade_waits_for_the_analysis_and_answers_the_grade(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"facet/grade\","
          "\"params\":{\"textDocument\":"
          "{\"uri\":\"file:///ws/trip.prompty\"}}}");
  settle(h);

  assert_non_null(strstr(next(h, &i), "publishDiagnostics"));
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"format\":\"prompty\","
    "\"title\":\"Prompty\",\"kind\":\"prompt\",\"grade\":\"structured\","
    "\"next\":\"pin the output: add outputs (or a response_format "
    "json_schema)\",\"errors\":0,\"warnings\":1,\"reasons\":[\"its header "
    "declares the inputs its template uses\",\"nothing pins the shape of "
    "its output\"],\"summary\":\"grade: structured \xC2\xB7 next: pin the "
    "output: add outputs (or a response_format json_schema)\",\"markdown\":"
    "\"**facet** \xC2\xB7 Prompty \xC2\xB7 grade **structured**\\n\\nloose "
    "\xE2\x86\x92 **structured** \xE2\x86\x92 schema \xE2\x86\x92 eval "
    "\xE2\x86\x92 code\\n\\nSize: about 7 tokens (estimated; usually within "
    "10 % of OpenAI's tokenizers for English)\\n\\nWhy:\\n- its header "
    "declares the inputs its template uses\\n- nothing pins the shape of "
    "its output\\n\\n**Next step:** pin the output: add outputs (or a "
    "response_format json_schema)\\n\"}}");
  assert_int_equal(h->nout, 3);
}

static void
facet_grade_is_null_for_a_file_that_is_no_artifact(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/notes.txt\","
          "\"languageId\":\"plaintext\",\"version\":1,\"text\":\"milk\"}}}");
  settle(h);
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"facet/grade\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/notes.txt\"}}}");

  assert_non_null(strstr(next(h, &i), "publishDiagnostics"));
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");
}

/* Opens uri with text (a JSON string literal) in a session whose
 * facet.maxFileBytes is max_bytes, and asks for what shows its grade:
 * facet/grade (id 2), the code lenses (id 3), the hover on line 1 (id 4)
 * and facet.showGrade (id 5). */
static void
ask_grade_of_unanalysed(struct harness *h, const char *uri,
                        const char *text_json, int max_bytes)
{
  char msg[1024];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"file:///ws\","
           "\"capabilities\":{},\"initializationOptions\":{\"facet\":"
           "{\"maxFileBytes\":%d}}}}", max_bytes);
  feed(h, msg);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  open_doc(h, uri, text_json);
  settle(h);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"facet/grade\","
           "\"params\":{\"textDocument\":{\"uri\":\"%s\"}}}", uri);
  feed(h, msg);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
           "\"textDocument/codeLens\",\"params\":{\"textDocument\":"
           "{\"uri\":\"%s\"}}}", uri);
  feed(h, msg);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":"
           "\"textDocument/hover\",\"params\":{\"textDocument\":"
           "{\"uri\":\"%s\"},\"position\":{\"line\":0,\"character\":1}}}",
           uri);
  feed(h, msg);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":"
           "\"workspace/executeCommand\",\"params\":{\"command\":"
           "\"facet.showGrade\",\"arguments\":[\"%s\"]}}", uri);
  feed(h, msg);
  settle(h);
}

/* The answers ask_grade_of_unanalysed gets for a file that was not
 * analysed: no grade anywhere, as facet check reports none. */
static void
assert_no_grade_shown(struct harness *h, size_t i)
{
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":[]}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":null}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32602,"
    "\"message\":\"facet.showGrade wants the URI of an open, graded "
    "artifact\"}}");
}

/* A file over facet.maxFileBytes gets one finding and no analysis: the
 * editor shows no grade for it (it was graded loose, as text with no
 * header, while facet check --max-bytes showed none). */
static void
a_file_too_large_to_analyse_has_no_grade(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  ask_grade_of_unanalysed(h, "file:///ws/trip.prompty", PROMPTY_FIXED, 20);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":1,"
    "\"diagnostics\":[{\"range\":{\"start\":{\"line\":0,\"character\":0},"
    "\"end\":{\"line\":0,\"character\":0}},\"severity\":2,\"code\":"
    "\"file-too-large\",\"source\":\"facet\",\"message\":\"file is 93 "
    "bytes, over the 20-byte limit; it was not analysed\"}]}}");
  assert_no_grade_shown(h, i);
}

/* The same for a file of binary data, the other file not analysed. */
static void
a_binary_file_has_no_grade(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  ask_grade_of_unanalysed(h, "file:///ws/logo.prompty",
                          "\"PNG\\u0000\\u0001 data\"", 1000);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/logo.prompty\",\"version\":1,"
    "\"diagnostics\":[{\"range\":{\"start\":{\"line\":0,\"character\":0},"
    "\"end\":{\"line\":0,\"character\":0}},\"severity\":2,\"code\":"
    "\"binary-file\",\"source\":\"facet\",\"message\":\"file holds "
    "binary data (a NUL byte); it was not analysed\"}]}}");
  assert_no_grade_shown(h, i);
}

static void
workspace_grades_walk_the_root_as_facet_check_does(void **state)
{
  struct harness *h = *state;
  char root_uri[128];
  char *want = expected_workspace(2, 1);
  size_t i = 1;

  snprintf(root_uri, sizeof root_uri, "file://%s", workspace);
  initialize_at(h, root_uri);
  workspace_grades(h, 2, NULL);
  settle(h);

  assert_string_equal(next(h, &i), want);
  assert_int_equal(h->nout, 2);
  free(want);
}

static void
open_documents_are_graded_from_the_editors_text(void **state)
{
  struct harness *h = *state;
  char root_uri[128];
  char uri[160];
  char *want = expected_workspace(2, 0);
  size_t i = 1;

  snprintf(root_uri, sizeof root_uri, "file://%s", workspace);
  snprintf(uri, sizeof uri, "%s/trip.prompty", root_uri);
  initialize_at(h, root_uri);
  open_doc(h, uri, PROMPTY_FIXED);
  settle(h);
  i++;
  workspace_grades(h, 2, NULL);
  settle(h);

  assert_string_equal(next(h, &i), want);
  free(want);
}

static void
workspace_grades_walk_the_folder_given(void **state)
{
  struct harness *h = *state;
  char args[160];
  char want[1024];
  size_t i = 1;

  snprintf(args, sizeof args, "[\"file://%s/schemas\"]", workspace);
  initialize_at(h, NULL);
  workspace_grades(h, 2, args);
  settle(h);

  snprintf(want, sizeof want,
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"root\":\"%s/schemas\","
    "\"artifacts\":[{\"format\":\"json-schema\",\"title\":\"JSON Schema\","
    "\"kind\":\"schema\",\"grade\":\"schema\",\"next\":\"add an eval that "
    "checks outputs against it\",\"errors\":0,"
    "\"warnings\":0,\"path\":\"answer.schema.json\",\"uri\":"
    "\"file://%s/schemas/answer.schema.json\"}],\"grades\":{\"loose\":0,"
    "\"structured\":0,\"schema\":1,\"eval\":0,\"code\":0},"
    "\"truncated\":false}}", workspace, workspace);
  assert_string_equal(next(h, &i), want);
}

/* A prompt that a config in the folder tests is at eval, as facet check
 * grades it, not at structured as it stands alone. */
static void
workspace_grades_see_the_tests_in_other_files(void **state)
{
  struct harness *h = *state;
  char args[160];
  char want[2048];
  const char *step = "run the evals and keep their results (promptfoo eval "
    "-o results.json, gh models eval --json) so facet can show whether "
    "they pass";
  size_t i = 1;

  snprintf(args, sizeof args, "[\"file://%s/node_modules/linked\"]",
           workspace);
  initialize_at(h, NULL);
  workspace_grades(h, 2, args);
  settle(h);

  snprintf(want, sizeof want,
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"root\":"
    "\"%s/node_modules/linked\",\"artifacts\":[{\"format\":\"promptfoo\","
    "\"title\":\"promptfoo config\",\"kind\":\"eval\",\"grade\":\"eval\","
    "\"next\":\"%s\",\"errors\":0,\"warnings\":0,\"path\":"
    "\"promptfooconfig.yaml\",\"uri\":"
    "\"file://%s/node_modules/linked/promptfooconfig.yaml\"},"
    "{\"format\":\"prompty\",\"title\":\"Prompty\",\"kind\":\"prompt\","
    "\"grade\":\"eval\",\"next\":\"%s\",\"errors\":0,\"warnings\":0,"
    "\"path\":\"trip.prompty\",\"uri\":"
    "\"file://%s/node_modules/linked/trip.prompty\"}],"
    "\"grades\":{\"loose\":0,\"structured\":0,\"schema\":0,\"eval\":2,"
    "\"code\":0},\"truncated\":false}}",
    workspace, step, workspace, step, workspace);
  assert_string_equal(next(h, &i), want);
}

/* An eval whose samples resolve nowhere has nothing to run: the folder's
 * grades say so, as facet check does. */
static void
workspace_grades_count_no_samples_that_are_missing(void **state)
{
  struct harness *h = *state;
  char args[160];
  char want[2048];
  size_t i = 1;

  snprintf(args, sizeof args, "[\"file://%s/node_modules/evals\"]",
           workspace);
  initialize_at(h, NULL);
  workspace_grades(h, 2, args);
  settle(h);

  snprintf(want, sizeof want,
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"root\":"
    "\"%s/node_modules/evals\",\"artifacts\":[{\"format\":"
    "\"openai-evals\",\"title\":\"OpenAI evals registry\",\"kind\":"
    "\"eval\",\"grade\":\"structured\",\"next\":\"fix the "
    "samples_jsonl path, or add that samples file to the registry's data "
    "folder\",\"errors\":1,\"warnings\":0,\"path\":"
    "\"registry/evals/aba.yaml\",\"uri\":"
    "\"file://%s/node_modules/evals/registry/evals/aba.yaml\"}],"
    "\"grades\":{\"loose\":0,\"structured\":1,\"schema\":0,"
    "\"eval\":0,\"code\":0},\"truncated\":false}}",
    workspace, workspace);
  assert_string_equal(next(h, &i), want);
}

static void
workspace_grades_say_what_is_wrong_with_the_request(void **state)
{
  struct harness *h = *state;
  char args[160];
  char want[512];
  size_t i = 1;

  initialize_at(h, NULL);
  workspace_grades(h, 2, NULL);
  workspace_grades(h, 3, "[42]");
  workspace_grades(h, 4, "[\"https://example.invalid/ws\"]");
  workspace_grades(h, 5, "[\"file:///no/such/folder\"]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":"
          "\"workspace/executeCommand\",\"params\":{\"command\":"
          "\"facet.frobnicate\"}}");
  settle(h);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32602,\"message\":"
    "\"there is no workspace folder to grade: the client sent no rootUri "
    "or workspaceFolders\"}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32602,\"message\":"
    "\"facet.workspaceGrades takes a folder's file: URI, or nothing for "
    "the workspace root\"}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":{\"code\":-32602,\"message\":"
    "\"facet.workspaceGrades wants a file: URI\"}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":6,\"error\":{\"code\":-32602,\"message\":"
    "\"unknown command: facet runs facet.showGrade, facet.showEvals, "
    "facet.workspaceGrades, facet.crystallise, facet.crystallised, "
    "facet.openArtifact and facet.applyEdit\"}}");
  /* Folders are looked at on the worker, so this comes after the rest. */
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":-32803,\"message\":"
    "\"facet.workspaceGrades could not read /no/such/folder: no such file "
    "or directory\"}}");
  snprintf(args, sizeof args, "[\"file://%s/notes.txt\"]", workspace);
  workspace_grades(h, 7, args);
  settle(h);
  snprintf(want, sizeof want,
    "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32803,\"message\":"
    "\"facet.workspaceGrades wants a folder; %s/notes.txt is a file\"}}",
    workspace);
  assert_string_equal(next(h, &i), want);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    T(facet_grade_waits_for_the_analysis_and_answers_the_grade),
    T(facet_grade_is_null_for_a_file_that_is_no_artifact),
    T(a_file_too_large_to_analyse_has_no_grade),
    T(a_binary_file_has_no_grade),
    T(workspace_grades_walk_the_root_as_facet_check_does),
    T(open_documents_are_graded_from_the_editors_text),
    T(workspace_grades_walk_the_folder_given),
    T(workspace_grades_see_the_tests_in_other_files),
    T(workspace_grades_count_no_samples_that_are_missing),
    T(workspace_grades_say_what_is_wrong_with_the_request),
#undef T
  };

  return cmocka_run_group_tests(tests, make_workspace, remove_workspace);
}
