/*
 * The workspace index in an editor session, driven as a client drives
 * it: indexing with $/progress and a watcher registered, eval lenses with
 * their exact titles (the clock fixed at 2026-01-05T13:00Z), a prompt
 * edited into staleness, a results file changing on disk (reported by
 * the client, or seen by facet's own watch), and navigation across
 * files. The support workspace (tests/workspaces/support) is copied to a
 * temporary folder for each test.
 */
#define OUT_MAX 512
#include "session_harness.h"


#include <sys/stat.h>
#include <utime.h>

#include "evalgraph.h"

#ifndef WORKSPACES
#error "WORKSPACES names the folder of test workspaces"
#endif

#define NOW ((int64_t)1767618000)

struct ws {
  char root[256];
  char uri[300];
};

static struct ws ws;

static void
ws_copy_of(const char *name)
{
  char cmd[700];

  snprintf(ws.root, sizeof ws.root, "/tmp/facet-index-XXXXXX");
  assert_non_null(mkdtemp(ws.root));
  snprintf(ws.uri, sizeof ws.uri, "file://%s", ws.root);
  snprintf(cmd, sizeof cmd, "cp -R '%s/%s/.' '%s'", WORKSPACES, name,
           ws.root);
  assert_int_equal(system(cmd), 0);
}

static void
ws_copy(void)
{
  ws_copy_of("support");
}

static void
ws_remove(void)
{
  char cmd[300];

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", ws.root);
  assert_int_equal(system(cmd), 0);
}

/* A string with every @ replaced by the workspace's URI. */
static const char *
at_ws(const char *s)
{
  static char out[2][16384];
  static int k;
  char *o = out[k ^= 1];
  size_t n = 0;

  for (; *s && n + sizeof ws.uri < sizeof out[0]; s++) {
    if (*s == '@') {
      n += (size_t)snprintf(o + n, sizeof out[0] - n, "%s", ws.uri);
      continue;
    }
    o[n++] = *s;
  }
  o[n] = '\0';
  return o;
}

/* Initializes with capabilities (JSON) in a copy of workspace name, lets
 * the index run to its end. */
static void
begin(struct harness *h, const char *caps)
{
  char msg[1024];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"%s\","
           "\"capabilities\":%s}}", ws.uri, caps);
  feed(h, msg);
  h->session.clock_fixed = NOW;
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  settle(h);
}

static void
start_in(struct harness *h, const char *name, const char *caps)
{
  ws_copy_of(name);
  begin(h, caps);
}

static void
start(struct harness *h, const char *caps)
{
  start_in(h, "support", caps);
}

/* The first message from index from on whose text holds needle, or "". */
static const char *
find(struct harness *h, size_t from, const char *needle)
{
  for (size_t i = from; i < h->nout; i++)
    if (strstr(h->out[i], needle))
      return h->out[i];
  return "";
}

static size_t
count(struct harness *h, size_t from, const char *needle)
{
  size_t n = 0;

  for (size_t i = from; i < h->nout; i++)
    n += strstr(h->out[i], needle) != NULL;
  return n;
}

static void
open_file(struct harness *h, const char *rel)
{
  char path[600];
  char msg[16384];
  FILE *f;
  size_t n;
  char text[8192];
  json_object *s;

  snprintf(path, sizeof path, "%s/%s", ws.root, rel);
  f = fopen(path, "r");
  assert_non_null(f);
  n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  s = json_object_new_string(text);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
           "\"params\":{\"textDocument\":{\"uri\":\"%s/%s\",\"languageId\":"
           "\"x\",\"version\":1,\"text\":%s}}}", ws.uri, rel,
           json_object_to_json_string(s));
  json_object_put(s);
  feed(h, msg);
  settle(h);
}

/* The reply to a request about rel (params after textDocument). */
static const char *
ask(struct harness *h, const char *method, const char *rel,
    const char *extra)
{
  char msg[2048];
  size_t before = h->nout;

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":77,\"method\":\"%s\",\"params\":{"
           "\"textDocument\":{\"uri\":\"%s/%s\"}%s}}", method, ws.uri, rel,
           extra);
  feed(h, msg);
  settle(h);
  return find(h, before, "\"id\":77");
}

/* The titles of the code lenses of rel, "|"-separated, with their lines. */
static const char *
lenses(struct harness *h, const char *rel)
{
  static char out[4096];
  json_object *reply = json_tokener_parse(ask(h, "textDocument/codeLens",
                                              rel, ""));
  json_object *list = json_object_object_get(reply, "result");
  size_t n = 0;

  out[0] = '\0';
  for (size_t i = 0; i < json_object_array_length(list); i++) {
    json_object *lens = json_object_array_get_idx(list, i);
    json_object *range = json_object_object_get(lens, "range");
    json_object *cmd = json_object_object_get(lens, "command");

    n += (size_t)snprintf(out + n, sizeof out - n, "%s%d: %s",
                          i ? " | " : "",
                          json_object_get_int(json_object_object_get(
                            json_object_object_get(range, "start"), "line")),
                          json_object_get_string(json_object_object_get(
                            cmd, "title")));
  }
  json_object_put(reply);
  return out;
}

static void
rewrite(const char *rel, const char *from, const char *to)
{
  char path[600];
  char text[65536];
  FILE *f;
  size_t n;
  char *at;

  snprintf(path, sizeof path, "%s/%s", ws.root, rel);
  f = fopen(path, "r");
  n = fread(text, 1, sizeof text - 1, f);
  fclose(f);
  text[n] = '\0';
  at = strstr(text, from);
  assert_non_null(at);
  f = fopen(path, "w");
  fwrite(text, 1, (size_t)(at - text), f);
  fputs(to, f);
  fputs(at + strlen(from), f);
  fclose(f);
}

#define CAPS_ALL                                                             \
  "{\"window\":{\"workDoneProgress\":true},\"workspace\":{"                  \
  "\"didChangeWatchedFiles\":{\"dynamicRegistration\":true},"               \
  "\"codeLens\":{\"refreshSupport\":true},"                                \
  "\"inlayHint\":{\"refreshSupport\":true}}}"

static void
indexing_reports_progress_and_registers_the_watcher(void **state)
{
  struct harness *h = *state;
  size_t before;

  start(h, CAPS_ALL);
  before = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");

  assert_string_equal(find(h, 0, "client/registerCapability"),
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"client/registerCapability\","
    "\"params\":{\"registrations\":[{\"id\":\"facet/watch\",\"method\":"
    "\"workspace/didChangeWatchedFiles\",\"registerOptions\":{\"watchers\":"
    "[{\"globPattern\":\"**/*\"}]}}]}}");
  assert_string_equal(find(h, 0, "window/workDoneProgress/create"),
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
    "\"window/workDoneProgress/create\",\"params\":{\"token\":"
    "\"facet/index\"}}");
  assert_string_equal(h->out[before],
    "{\"jsonrpc\":\"2.0\",\"method\":\"$/progress\",\"params\":{\"token\":"
    "\"facet/index\",\"value\":{\"kind\":\"begin\",\"title\":"
    "\"facet: indexing evals\",\"cancellable\":false,\"percentage\":100}}}");
  assert_string_equal(h->out[before + 1],
    "{\"jsonrpc\":\"2.0\",\"method\":\"$/progress\",\"params\":{\"token\":"
    "\"facet/index\",\"value\":{\"kind\":\"end\",\"message\":"
    "\"5 artifacts indexed\"}}}");
  ws_remove();
}

static void
a_prompt_shows_its_summary_and_the_config_each_tests_run(void **state)
{
  struct harness *h = *state;

  start(h, CAPS_ALL);
  open_file(h, "prompts/reply.txt");
  open_file(h, "promptfooconfig.yaml");

  assert_string_equal(lenses(h, "prompts/reply.txt"),
    "0: grade: eval \xC2\xB7 next: make the 1 failing eval pass | "
    "0: evals: 4 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 4 never run");
  assert_string_equal(lenses(h, "promptfooconfig.yaml"),
    "0: grade: eval \xC2\xB7 next: make the 3 failing evals pass | "
    "3: evals: 2 \xE2\x9C\x93 2 \xE2\x9C\x97 1 \xE2\x9A\xA0 | "
    "14: \xE2\x9C\x97 failed 3 h ago: Expected output to contain "
    "\"refund\" | "
    "24: \xE2\x9C\x93 passed 3 h ago | "
    "30: \xE2\x9C\x97 failed: expected valid JSON");
  ws_remove();
}

/* An open config grades as facet check does: test files that resolve
 * nowhere hold no tests, and the lens says to mend them. */
static void
a_config_whose_test_files_are_missing_has_no_tests(void **state)
{
  struct harness *h = *state;

  start_in(h, "test-files", CAPS_ALL);
  open_file(h, "none/promptfooconfig.yaml");
  open_file(h, "partial/promptfooconfig.yaml");

  assert_string_equal(lenses(h, "none/promptfooconfig.yaml"),
    "0: grade: structured \xC2\xB7 next: fix the references to its 3 "
    "missing test files, or add tests with assertions");
  assert_string_equal(lenses(h, "partial/promptfooconfig.yaml"),
    "0: grade: eval \xC2\xB7 next: fix the reference to its missing test "
    "file, so its tests run too");
  ws_remove();
}

static void
an_edit_to_a_prompt_makes_its_runs_stale(void **state)
{
  struct harness *h = *state;
  size_t before;

  start(h, CAPS_ALL);
  open_file(h, "prompts/reply.txt");
  open_file(h, "promptfooconfig.yaml");
  before = h->nout;

  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "reply.txt\",\"version\":2},\"contentChanges\":[{\"range\":"
                "{\"start\":{\"line\":0,\"character\":8},\"end\":{\"line\":0,"
                "\"character\":8}},\"text\":\"friendly \"}]}}"));
  settle(h);

  assert_string_equal(lenses(h, "prompts/reply.txt"),
    "0: grade: eval \xC2\xB7 next: make the 1 failing eval pass | "
    "0: evals: 4 \xE2\x9C\x93 1 \xE2\x9C\x97 \xC2\xB7 4 stale \xC2\xB7 "
    "4 never run");
  /* The open config is shown again: its failing test is stale now. */
  assert_true(strstr(find(h, before, at_ws("\"uri\":\"@/promptfooconfig"
                                           ".yaml\"")),
                     "Expected output to contain \\\"refund\\\" (stale: "
                     "the prompt changed since)") != NULL);
  assert_true(count(h, before, "workspace/codeLens/refresh") >= 1);
  /* No textDocument.codeLens: the hints repeat the lenses, and follow. */
  assert_true(count(h, before, "workspace/inlayHint/refresh") >= 1);
  ws_remove();
}

static void
a_results_file_the_client_reports_changed_is_read_again(void **state)
{
  struct harness *h = *state;

  start(h, CAPS_ALL);
  open_file(h, "promptfooconfig.yaml");
  rewrite("output/results.json", "\"We will look into it shortly.\"",
          "\"Refunds take a week.\"");
  rewrite("output/results.json", "\"success\": false,",
          "\"success\": true,");

  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":"
                "\"workspace/didChangeWatchedFiles\",\"params\":{\"changes\":"
                "[{\"uri\":\"@/output/results.json\",\"type\":2}]}}"));
  settle(h);

  assert_string_equal(lenses(h, "promptfooconfig.yaml"),
    "0: grade: eval \xC2\xB7 next: make the 2 failing evals pass | "
    "3: evals: 3 \xE2\x9C\x93 1 \xE2\x9C\x97 1 \xE2\x9A\xA0 | "
    "14: \xE2\x9C\x93 passed 3 h ago | "
    "24: \xE2\x9C\x93 passed 3 h ago | "
    "30: \xE2\x9C\x97 failed: expected valid JSON");
  ws_remove();
}

/* Sends a didChangeWatchedFiles of type for rel. */
static void
watched(struct harness *h, const char *rel, int type)
{
  char msg[1024];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"workspace/didChangeWatchedFiles\","
           "\"params\":{\"changes\":[{\"uri\":\"%s/%s\",\"type\":%d}]}}",
           ws.uri, rel, type);
  feed(h, msg);
  settle(h);
}

static void
overwrite(const char *rel, const char *text)
{
  char path[600];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", ws.root, rel);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/*
 * promptfoo rewrites its outputPath file while a tests file is open: the
 * file is emptied, holds other JSON, is deleted. Each change is shown at
 * once; the server crashed (a recorded case looked up in a summary that
 * was gone) before.
 */
static void
a_results_file_emptied_or_deleted_under_an_open_tests_file(void **state)
{
  struct harness *h = *state;
  static const char never[] =
    "0: grade: eval \xC2\xB7 next: run the evals and keep their results "
    "(promptfoo eval -o results.json, gh models eval --json) so facet can "
    "show whether they pass | "
    "1: \xE2\x97\x8B never run | 2: \xE2\x97\x8B never run";

  start(h, CAPS_ALL);
  open_file(h, "tests/cases.csv");

  overwrite("output/results.json", "");
  watched(h, "output/results.json", 2);
  assert_string_equal(lenses(h, "tests/cases.csv"), never);
  overwrite("output/results.json", "{\"hello\":1}");
  watched(h, "output/results.json", 2);
  assert_string_equal(lenses(h, "tests/cases.csv"), never);
  assert_int_equal(unlink(at_ws("@/output/results.json") + 7), 0);
  watched(h, "output/results.json", 3);
  assert_string_equal(lenses(h, "tests/cases.csv"), never);
  ws_remove();
}

/* is-json and contains-json run with the schema file they name, read
 * from the workspace ("its schema file could not be read as JSON" for
 * every one, before). */
static void
schema_files_of_checks_are_read_in_the_editor(void **state)
{
  struct harness *h = *state;

  start_in(h, "schema-checks", CAPS_ALL);
  open_file(h, "promptfooconfig.yaml");

  assert_string_equal(lenses(h, "promptfooconfig.yaml"),
    "0: grade: eval \xC2\xB7 next: make the 2 failing evals pass | "
    "6: \xE2\x9C\x93 passes locally | "
    "13: \xE2\x9C\x97 failed: expected to contain JSON that fits its "
    "schema (/days: must be <= 10, got\xE2\x80\xA6 | "
    "20: \xE2\x9C\x97 failed: expected JSON that fits its schema "
    "(missing required property 'answer')");
  ws_remove();
}

/*
 * A results file in a folder git ignores, which nothing names, is left
 * out on a change as the walk at the start left it out (it was read on
 * the change, before, and its runs shown); one outputPath names is read
 * wherever it is.
 */
static void
a_results_file_git_ignores_counts_as_the_walk_counts_it(void **state)
{
  struct harness *h = *state;
  char cmd[1200];
  static const char failed[] =
    "0: grade: eval \xC2\xB7 next: make the 3 failing evals pass | "
    "3: evals: 2 \xE2\x9C\x93 2 \xE2\x9C\x97 1 \xE2\x9A\xA0 | "
    "14: \xE2\x9C\x97 failed 3 h ago: Expected output to contain "
    "\"refund\" | "
    "24: \xE2\x9C\x93 passed 3 h ago | "
    "30: \xE2\x9C\x97 failed: expected valid JSON";

  ws_copy();
  snprintf(cmd, sizeof cmd,
           "cd '%s' && git init -q . && printf 'scratch/\\noutput/\\n' > .gitignore "
           "&& mkdir scratch && sed -e 's/\"success\": false,/\"success\": "
           "true,/' -e 's/2026-01-05T10:00/2026-01-05T11:00/' "
           "output/results.json > scratch/rerun.json", ws.root);
  assert_int_equal(system(cmd), 0);
  begin(h, CAPS_ALL);
  open_file(h, "promptfooconfig.yaml");
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), failed);

  watched(h, "scratch/rerun.json", 1);
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), failed);
  watched(h, "scratch/rerun.json", 2);
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), failed);

  /* outputPath's file, ignored too, is read when it comes back. */
  snprintf(cmd, sizeof cmd, "rm '%s/output/results.json'", ws.root);
  assert_int_equal(system(cmd), 0);
  watched(h, "output/results.json", 3);
  snprintf(cmd, sizeof cmd, "mv '%s/scratch/rerun.json' '%s/output/"
           "results.json'", ws.root, ws.root);
  assert_int_equal(system(cmd), 0);
  watched(h, "output/results.json", 1);
  assert_string_equal(lenses(h, "promptfooconfig.yaml"),
    "0: grade: eval \xC2\xB7 next: make the 1 failing eval pass | "
    "3: evals: 4 \xE2\x9C\x93 1 \xE2\x9C\x97 | "
    "14: \xE2\x9C\x93 passed 2 h ago | "
    "24: \xE2\x9C\x93 passed 2 h ago | "
    "30: \xE2\x9C\x97 failed: expected valid JSON");
  ws_remove();
}

/*
 * A results file over maxFileBytes is not read: the config that names it
 * in outputPath says so there, where one looks for why no run shows
 * (before, it was dropped without a word).
 */
static void
a_results_file_over_the_limit_is_reported_at_output_path(void **state)
{
  struct harness *h = *state;
  char msg[1024];
  size_t before;

  ws_copy();
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"%s\","
           "\"initializationOptions\":{\"maxFileBytes\":4000},"
           "\"capabilities\":" CAPS_ALL "}}", ws.uri);
  feed(h, msg);
  h->session.clock_fixed = NOW;
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  settle(h);
  before = h->nout;
  open_file(h, "promptfooconfig.yaml");

  assert_non_null(strstr(find(h, before, "textDocument/publishDiagnostics"),
    "{\"range\":{\"start\":{\"line\":8,\"character\":12},\"end\":"
    "{\"line\":8,\"character\":31}},\"severity\":2,\"code\":"
    "\"file-too-large\",\"source\":\"facet\",\"message\":"
    "\"'output/results.json' is 12470 bytes, over the 4000-byte limit, "
    "so facet did not read it: the runs it records are not shown\"}"));
  ws_remove();
}

static void
tick(uv_timer_t *t)
{
  (void)t;
}

/* Runs the loop until the lens of rel reads want, for up to 5 s. facet's
 * watch does not keep the loop alive (stdin does, in a server), so a
 * timer keeps it polling here. */
static bool
wait_lens(struct harness *h, const char *rel, const char *want)
{
  uv_timer_t timer;
  bool ok = false;

  uv_timer_init(&h->loop, &timer);
  for (int i = 0; i < 100 && !ok; i++) {
    ok = strcmp(lenses(h, rel), want) == 0;
    uv_timer_start(&timer, tick, 50, 0);
    uv_run(&h->loop, UV_RUN_ONCE);
    settle(h);
  }
  uv_close((uv_handle_t *)&timer, NULL);
  uv_run(&h->loop, UV_RUN_NOWAIT);
  return ok;
}

/* Without a client watcher, facet watches the folder of an outputPath
 * file it holds no results of (here over the size limit): it shows the
 * runs once the file is rewritten within the limit (before, that folder
 * was not watched). */
static void
an_output_path_over_the_limit_is_watched_too(void **state)
{
  struct harness *h = *state;
  char msg[1024];

  ws_copy();
  snprintf(msg, sizeof msg, "touch -d 2026-01-05T09:00:00Z "
           "'%s/prompts/reply.txt'", ws.root);
  assert_int_equal(system(msg), 0);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"%s\","
           "\"initializationOptions\":{\"maxFileBytes\":4000},"
           "\"capabilities\":{}}}", ws.uri);
  feed(h, msg);
  h->session.clock_fixed = NOW;
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  settle(h);
  open_file(h, "tests/cases.csv");

  overwrite("output/results.json",
    "{\"evalId\":\"e1\",\"results\":{\"version\":3,"
    "\"timestamp\":\"2026-01-05T12:00:00Z\",\"prompts\":[],"
    "\"results\":[{\"testCase\":{\"description\":\"Row #1\","
    "\"vars\":{\"message\":\"Where is my order?\",\"plan\":"
    "\"Basic\"},\"assert\":[{\"type\":\"contains\",\"value\":"
    "\"order\"},{\"type\":\"not-icontains\",\"value\":"
    "\"as an AI\"}]},\"success\":true}]}}");
  assert_true(wait_lens(h, "tests/cases.csv",
    "0: grade: eval \xC2\xB7 next: crystallise a stable rule into code | "
    "1: \xE2\x9C\x93 passed 1 h ago | 2: \xE2\x97\x8B never run"));
  ws_remove();
}

static void
without_a_client_watcher_facet_watches_results_itself(void **state)
{
  struct harness *h = *state;

  start(h, "{}");
  open_file(h, "promptfooconfig.yaml");

  rewrite("output/results.json", "\"success\": false,",
          "\"success\": true,");

  assert_true(wait_lens(h, "promptfooconfig.yaml",
    "0: grade: eval \xC2\xB7 next: make the 2 failing evals pass | "
    "3: evals: 3 \xE2\x9C\x93 1 \xE2\x9C\x97 1 \xE2\x9A\xA0 | "
    "14: \xE2\x9C\x93 passed 3 h ago | "
    "24: \xE2\x9C\x93 passed 3 h ago | "
    "30: \xE2\x9C\x97 failed: expected valid JSON"));
  ws_remove();
}

#define POS(l, c) ",\"position\":{\"line\":" #l ",\"character\":" #c "}"
#define LOC(rel, l0, c0, l1, c1)                                             \
  "{\"uri\":\"@/" rel "\",\"range\":{\"start\":{\"line\":" #l0              \
  ",\"character\":" #c0 "},\"end\":{\"line\":" #l1 ",\"character\":" #c1    \
  "}}}"

static void
references_on_a_prompts_first_line_are_its_tests(void **state)
{
  struct harness *h = *state;

  start(h, CAPS_ALL);
  open_file(h, "prompts/reply.txt");

  assert_string_equal(ask(h, "textDocument/references", "prompts/reply.txt",
                          POS(0, 0) ",\"context\":{\"includeDeclaration\":"
                          "false}"),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("checks/promptfooconfig.yaml", 6, 4, 6, 30) ","
          LOC("checks/promptfooconfig.yaml", 11, 4, 11, 25) ","
          LOC("checks/promptfooconfig.yaml", 15, 4, 15, 28) ","
          LOC("checks/promptfooconfig.yaml", 20, 4, 20, 33) ","
          LOC("promptfooconfig.yaml", 14, 4, 14, 30) ","
          LOC("promptfooconfig.yaml", 24, 4, 24, 23) ","
          LOC("promptfooconfig.yaml", 30, 4, 30, 29) ","
          LOC("tests/cases.csv", 1, 0, 1, 39) ","
          LOC("tests/cases.csv", 2, 0, 2, 35) "]}"));
  ws_remove();
}

static void
definition_goes_from_a_variable_to_the_tests_and_back(void **state)
{
  struct harness *h = *state;

  start(h, CAPS_ALL);
  open_file(h, "prompts/reply.txt");
  open_file(h, "tests/cases.csv");

  /* {{ plan }} in the prompt: the keys that set it. */
  assert_string_equal(ask(h, "textDocument/definition", "prompts/reply.txt",
                          POS(0, 33)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("checks/promptfooconfig.yaml", 7, 24, 7, 28) ","
          LOC("checks/promptfooconfig.yaml", 12, 24, 12, 28) ","
          LOC("checks/promptfooconfig.yaml", 16, 24, 16, 28) ","
          LOC("checks/promptfooconfig.yaml", 21, 24, 21, 28) ","
          LOC("promptfooconfig.yaml", 17, 6, 17, 10) ","
          LOC("promptfooconfig.yaml", 33, 6, 33, 10) ","
          LOC("tests/cases.csv", 0, 8, 0, 12) "]}"));
  /* The plan column of the CSV: where the prompt reads it. */
  assert_string_equal(ask(h, "textDocument/definition", "tests/cases.csv",
                          POS(0, 9)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("prompts/reply.txt", 0, 31, 0, 35) "]}"));
  ws_remove();
}

/* From a test's variable, definition goes to where each prompt the test
 * runs reads it: each piece of a file split on `---`, each prompt a
 * config lists inline (before, only the first). */
static void
definition_from_a_variable_reaches_every_prompt_of_a_file(void **state)
{
  struct harness *h = *state;

  ws_copy_of("fullfact");
  overwrite("prompts.txt", "You are {{persona}}. Explain: {{text}}\n---\n"
                           "As {{persona}}, {{persona}} sums up: {{text}}\n");
  overwrite("inline.yaml", "prompts:\n  - 'A {{x}}'\n  - 'B {{x}} {{x}}'\n"
                           "providers: [echo]\ndefaultTest:\n  vars:\n"
                           "    x: 1\ntests:\n  - vars: {x: 2}\n");
  begin(h, CAPS_ALL);
  open_file(h, "tests.csv");
  open_file(h, "inline.yaml");

  assert_string_equal(ask(h, "textDocument/definition", "tests.csv",
                          POS(0, 1)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("prompts.txt", 0, 10, 0, 17) ","
          LOC("prompts.txt", 2, 5, 2, 12) "]}"));
  /* A defaultTest.vars key, and a test's. */
  assert_string_equal(ask(h, "textDocument/definition", "inline.yaml",
                          POS(6, 4)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("inline.yaml", 1, 9, 1, 10) ","
          LOC("inline.yaml", 2, 9, 2, 10) "]}"));
  assert_string_equal(ask(h, "textDocument/definition", "inline.yaml",
                          POS(8, 11)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("inline.yaml", 1, 9, 1, 10) ","
          LOC("inline.yaml", 2, 9, 2, 10) "]}"));
  ws_remove();
}

static void
rename_reaches_the_tests_that_set_the_variable(void **state)
{
  struct harness *h = *state;
  const char *reply;

  start(h, CAPS_ALL);
  open_file(h, "tests/cases.csv");

  reply = ask(h, "textDocument/rename", "tests/cases.csv",
              POS(0, 9) ",\"newName\":\"tier\"");

  assert_string_equal(reply,
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":{\"changes\":{"
          "\"@/prompts/reply.txt\":[{\"range\":{\"start\":{\"line\":0,"
          "\"character\":31},\"end\":{\"line\":0,\"character\":35}},"
          "\"newText\":\"tier\"}],"
          "\"@/checks/promptfooconfig.yaml\":["
          "{\"range\":{\"start\":{\"line\":7,\"character\":24},\"end\":"
          "{\"line\":7,\"character\":28}},\"newText\":\"tier\"},"
          "{\"range\":{\"start\":{\"line\":12,\"character\":24},\"end\":"
          "{\"line\":12,\"character\":28}},\"newText\":\"tier\"},"
          "{\"range\":{\"start\":{\"line\":16,\"character\":24},\"end\":"
          "{\"line\":16,\"character\":28}},\"newText\":\"tier\"},"
          "{\"range\":{\"start\":{\"line\":21,\"character\":24},\"end\":"
          "{\"line\":21,\"character\":28}},\"newText\":\"tier\"}],"
          "\"@/promptfooconfig.yaml\":["
          "{\"range\":{\"start\":{\"line\":17,\"character\":6},\"end\":"
          "{\"line\":17,\"character\":10}},\"newText\":\"tier\"},"
          "{\"range\":{\"start\":{\"line\":33,\"character\":6},\"end\":"
          "{\"line\":33,\"character\":10}},\"newText\":\"tier\"}],"
          "\"@/tests/cases.csv\":[{\"range\":{\"start\":{\"line\":0,"
          "\"character\":8},\"end\":{\"line\":0,\"character\":12}},"
          "\"newText\":\"tier\"}]}}}"));
  ws_remove();
}

static void
a_test_hover_tells_its_last_run_and_what_facet_checked(void **state)
{
  struct harness *h = *state;
  const char *reply;

  start(h, CAPS_ALL);
  open_file(h, "tests/cases.csv");

  reply = ask(h, "textDocument/hover", "tests/cases.csv", POS(2, 3));

  assert_true(strstr(reply, "**\xE2\x9A\xA0 errored 3 h ago: API error: 429 "
                            "Too Many Requests** \xC2\xB7 prompt 'terse "
                            "reply'") != NULL);
  assert_true(strstr(reply, "Reason: API error: 429 Too Many Requests")
              != NULL);
  assert_true(strstr(reply, "not run: `icontains` (there is no output to "
                            "check)") != NULL);
  ws_remove();
}

static void
closing_an_edited_prompt_reads_the_file_again(void **state)
{
  struct harness *h = *state;
  struct evsummary s;
  char path[600];

  start(h, CAPS_ALL);
  open_file(h, "prompts/reply.txt");
  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "reply.txt\",\"version\":2},\"contentChanges\":[{\"text\":"
                "\"Reply.\"}]}}"));
  settle(h);
  snprintf(path, sizeof path, "%s/prompts/reply.txt", ws.root);
  evalgraph_summarise(h->session.index.graph, path, NOW, &s);
  assert_int_equal(s.stale, 4);

  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "reply.txt\"}}}"));
  settle(h);

  evalgraph_summarise(h->session.index.graph, path, NOW, &s);
  assert_int_equal(s.stale, 0);
  assert_int_equal(s.passed, 4);
  ws_remove();
}

/* The harness's helpers for one-file sessions are not used here. */
/* ---- what crystallise made of a prompt, as the index links it --------- */

#define ARROW "\xE2\x86\x92 "
#define PASS "\xE2\x9C\x93"
#define FAIL "\xE2\x9C\x97"
#define DOT " \xC2\xB7 "

static void
crystallised_fragments_show_what_they_became_and_how_it_runs(void **state)
{
  struct harness *h = *state;

  start_in(h, "crystallised", CAPS_ALL);
  open_file(h, "prompts/parcel.j2");

  /* Lines 1-2 became one test, lines 4-6 a schema, two tests and a
   * validator; the tests' lenses say what their last runs came to. */
  assert_string_equal(lenses(h, "prompts/parcel.j2"),
    "0: grade: code | "
    "0: evals: 2 " PASS " 1 " FAIL " | "
    "0: " ARROW "1 test" DOT "1 " PASS " | "
    "3: " ARROW "schema schemas/parcel.schema.json | "
    "3: " ARROW "2 tests" DOT "1 " PASS " 1 " FAIL " | "
    "3: " ARROW "code validators/parcel.py");
  assert_true(strstr(ask(h, "textDocument/hover", "prompts/parcel.j2",
                         ",\"position\":{\"line\":0,\"character\":2}"),
                     "deterministic code enforces its rules (parcel.py)")
              != NULL);
  ws_remove();
}

static void
crystallised_an_edit_makes_runs_stale_and_a_changed_fragment_drifts(
  void **state)
{
  struct harness *h = *state;
  size_t before;

  start_in(h, "crystallised", CAPS_ALL);
  open_file(h, "prompts/parcel.j2");

  /* Outside the fragments: every recorded run is of an older prompt. */
  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "parcel.j2\",\"version\":2},\"contentChanges\":[{\"range\":"
                "{\"start\":{\"line\":7,\"character\":9},\"end\":{\"line\":7,"
                "\"character\":15}},\"text\":\"code\"}]}}"));
  settle(h);
  assert_string_equal(lenses(h, "prompts/parcel.j2"),
    "0: grade: code | "
    "0: evals: 2 " PASS " 1 " FAIL DOT "3 stale | "
    "0: " ARROW "1 test" DOT "1 " PASS DOT "1 stale | "
    "3: " ARROW "schema schemas/parcel.schema.json | "
    "3: " ARROW "2 tests" DOT "1 " PASS " 1 " FAIL DOT "2 stale | "
    "3: " ARROW "code validators/parcel.py");

  /* Inside one: what it became may no longer match it. */
  before = h->nout;
  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "parcel.j2\",\"version\":3},\"contentChanges\":[{\"range\":"
                "{\"start\":{\"line\":5,\"character\":51},\"end\":{\"line\":"
                "5,\"character\":55}},\"text\":\"returned\"}]}}"));
  settle(h);
  assert_string_equal(lenses(h, "prompts/parcel.j2"),
    "0: grade: code | "
    "0: evals: 2 " PASS " 1 " FAIL DOT "3 stale | "
    "0: " ARROW "1 test" DOT "1 " PASS DOT "1 stale | "
    "3: \xE2\x9A\xA0 changed since it was crystallised into "
    "schemas/parcel.schema.json | "
    "3: \xE2\x9A\xA0 changed since it was crystallised into "
    "prompts/promptfooconfig.yaml | "
    "3: \xE2\x9A\xA0 changed since it was crystallised into "
    "validators/parcel.py");
  assert_int_equal(count(h, before, "crystallised-fragment-changed"), 1);
  assert_true(strstr(find(h, before, "crystallised-fragment-changed"),
                     "this text changed since it was crystallised into "
                     "validators/parcel.py: the validator may no longer "
                     "enforce it") != NULL);
  ws_remove();
}

/* The validator goes on disk: the prompt loses the code rung. */
static void
crystallised_a_deleted_validator_takes_its_rung(void **state)
{
  struct harness *h = *state;
  char path[600];

  start_in(h, "crystallised", CAPS_ALL);
  open_file(h, "prompts/parcel.j2");
  snprintf(path, sizeof path, "%s/validators/parcel.py", ws.root);
  assert_int_equal(unlink(path), 0);

  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":"
                "\"workspace/didChangeWatchedFiles\",\"params\":{\"changes\":"
                "[{\"uri\":\"@/validators/parcel.py\",\"type\":3}]}}"));
  settle(h);

  assert_string_equal(lenses(h, "prompts/parcel.j2"),
    "0: grade: eval \xC2\xB7 next: make the 1 failing eval pass | "
    "0: evals: 2 " PASS " 1 " FAIL " | "
    "0: " ARROW "1 test" DOT "1 " PASS " | "
    "3: " ARROW "schema schemas/parcel.schema.json | "
    "3: " ARROW "2 tests" DOT "1 " PASS " 1 " FAIL);
  ws_remove();
}

/* Writes text to dir/name. */
static void
write_file(const char *dir, const char *name, const char *text)
{
  char path[600];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

/*
 * Navigation is symmetric: from a variable of an inline prompt (raw:) to
 * the keys that set it, and from a defaultTest.vars key to the prompts
 * that read it, and rename from either (before: [] or null from both).
 */
static void
inline_prompts_and_default_vars_navigate_both_ways(void **state)
{
  struct harness *h = *state;
  char dir[600];
  const char *reply;

  ws_copy();
  snprintf(dir, sizeof dir, "%s/defaults", ws.root);
  assert_int_equal(mkdir(dir, 0777), 0);
  write_file(dir, "promptfooconfig.yaml",
             "prompts:\n"
             "  - file://../prompts/reply.txt\n"
             "  - id: short\n"
             "    raw: \"Answer {{ message }} for {{ plan }} users\"\n"
             "providers: [echo]\n"
             "defaultTest:\n"
             "  vars:\n"
             "    plan: Basic\n"
             "tests:\n"
             "  - vars:\n"
             "      message: hi\n");
  begin(h, CAPS_ALL);
  open_file(h, "defaults/promptfooconfig.yaml");

  /* {{ plan }} in the inline prompt: defaultTest's key sets it. */
  assert_string_equal(ask(h, "textDocument/definition",
                          "defaults/promptfooconfig.yaml", POS(3, 39)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("defaults/promptfooconfig.yaml", 7, 4, 7, 8) "]}"));
  /* The defaultTest key: where each prompt it reaches reads it. */
  assert_string_equal(ask(h, "textDocument/definition",
                          "defaults/promptfooconfig.yaml", POS(7, 5)),
    at_ws("{\"jsonrpc\":\"2.0\",\"id\":77,\"result\":["
          LOC("prompts/reply.txt", 0, 31, 0, 35) ","
          LOC("defaults/promptfooconfig.yaml", 3, 38, 3, 42) "]}"));
  /* Rename from the key reaches both prompts. */
  reply = ask(h, "textDocument/rename", "defaults/promptfooconfig.yaml",
              POS(7, 5) ",\"newName\":\"tier\"");
  assert_non_null(strstr(reply, at_ws("\"@/prompts/reply.txt\":[{\"range\":"
    "{\"start\":{\"line\":0,\"character\":31},\"end\":{\"line\":0,"
    "\"character\":35}},\"newText\":\"tier\"}]")));
  assert_non_null(strstr(reply, "{\"range\":{\"start\":{\"line\":3,"
    "\"character\":38},\"end\":{\"line\":3,\"character\":42}},\"newText\":"
    "\"tier\"}"));
  assert_non_null(strstr(reply, "{\"range\":{\"start\":{\"line\":7,"
    "\"character\":4},\"end\":{\"line\":7,\"character\":8}},\"newText\":"
    "\"tier\"}"));
  /* ... and from the inline prompt, the key too. */
  reply = ask(h, "textDocument/rename", "defaults/promptfooconfig.yaml",
              POS(3, 39) ",\"newName\":\"tier\"");
  assert_non_null(strstr(reply, "{\"range\":{\"start\":{\"line\":7,"
    "\"character\":4},\"end\":{\"line\":7,\"character\":8}},\"newText\":"
    "\"tier\"}"));
  ws_remove();
}

/*
 * A tests file opened before the config that names it was read as plain
 * YAML. The config then asks for it as a promptfoo test file: the open
 * document is analysed again as one, and its file on disk is not read in
 * its place, round after round, for ever (the server spun at full CPU).
 */
static void
an_open_file_a_config_names_is_not_read_again_and_again(void **state)
{
  struct harness *h = *state;
  char other[256];
  char msg[1024];
  char cmd[300];
  int rounds = 0;

  start(h, CAPS_ALL);
  snprintf(other, sizeof other, "/tmp/facet-outside-XXXXXX");
  assert_non_null(mkdtemp(other));
  write_file(other, "tests.yaml", "- vars:\n    text: hello\n");
  write_file(other, "promptfooconfig.yaml",
             "prompts:\n  - 'Summarise {{text}}'\ntests: file://tests.yaml\n");
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
           "\"params\":{\"textDocument\":{\"uri\":\"file://%s/tests.yaml\","
           "\"languageId\":\"yaml\",\"version\":1,\"text\":"
           "\"- vars:\\n    text: hello\\n\"}}}", other);
  feed(h, msg);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
           "\"params\":{\"textDocument\":{\"uri\":"
           "\"file://%s/promptfooconfig.yaml\",\"languageId\":\"yaml\","
           "\"version\":1,\"text\":\"prompts:\\n  - 'Summarise {{text}}'\\n"
           "tests: file://tests.yaml\\n\"}}}", other);
  feed(h, msg);

  /* As the transport does: analyses start after a read, and the loop
   * runs until the client's next message, here until nothing is left to
   * do; each turn finishes one piece of work, so a bounded number must
   * leave nothing. */
  session_flush(&h->session);
  while (uv_run(&h->loop, UV_RUN_ONCE) && rounds < 200)
    rounds++;

  assert_true(rounds < 200);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":78,\"method\":\"facet/grade\","
           "\"params\":{\"textDocument\":{\"uri\":"
           "\"file://%s/tests.yaml\"}}}", other);
  feed(h, msg);
  settle(h);
  assert_non_null(strstr(find(h, 0, "\"id\":78"),
                         "\"format\":\"promptfoo-tests\""));
  ws_remove();
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", other);
  assert_int_equal(system(cmd), 0);
}

/*
 * The same, when the config's analysis ends while the tests file's first
 * one still runs (its 10,000 tests take longer than the config's three
 * lines): that analysis, begun as plain YAML, is followed by one as a
 * promptfoo tests file. Before, the config's link was missed while the
 * tests file had no analysis yet, and the file stayed plain YAML.
 */
static void
a_file_a_config_names_while_it_is_analysed_is_analysed_again(void **state)
{
  struct harness *h = *state;
  const char *test = "- vars:\\n    text: hello\\n";
  size_t ntests = 10000, cap = ntests * strlen(test) + 1024;
  char other[256];
  char *msg = malloc(cap);
  char cmd[300];
  int n;

  if (!msg)
    abort();   /* the compiler cannot see through assert_non_null */
  start(h, CAPS_ALL);
  snprintf(other, sizeof other, "/tmp/facet-outside-XXXXXX");
  assert_non_null(mkdtemp(other));
  write_file(other, "tests.yaml", "- vars:\n    text: hello\n");
  write_file(other, "promptfooconfig.yaml",
             "prompts:\n  - 'Summarise {{text}}'\ntests: file://tests.yaml\n");
  n = snprintf(msg, cap,
               "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
               "\"params\":{\"textDocument\":{\"uri\":\"file://%s/tests.yaml\","
               "\"languageId\":\"yaml\",\"version\":1,\"text\":\"", other);
  for (size_t i = 0; i < ntests; i++)
    n += snprintf(msg + n, cap - (size_t)n, "%s", test);
  snprintf(msg + n, cap - (size_t)n, "\"}}}");
  feed(h, msg);
  snprintf(msg, cap,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
           "\"params\":{\"textDocument\":{\"uri\":"
           "\"file://%s/promptfooconfig.yaml\",\"languageId\":\"yaml\","
           "\"version\":1,\"text\":\"prompts:\\n  - 'Summarise {{text}}'\\n"
           "tests: file://tests.yaml\\n\"}}}", other);
  feed(h, msg);
  settle(h);
  snprintf(msg, cap,
           "{\"jsonrpc\":\"2.0\",\"id\":79,\"method\":\"facet/grade\","
           "\"params\":{\"textDocument\":{\"uri\":"
           "\"file://%s/tests.yaml\"}}}", other);
  feed(h, msg);
  settle(h);
  assert_non_null(strstr(find(h, 0, "\"id\":79"),
                         "\"format\":\"promptfoo-tests\""));
  free(msg);
  ws_remove();
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", other);
  assert_int_equal(system(cmd), 0);
}

/* Sets the modification time of rel in the workspace. */
static void
touch_at(const char *rel, int64_t t)
{
  char path[600];
  struct utimbuf times = { (time_t)t, (time_t)t };

  snprintf(path, sizeof path, "%s/%s", ws.root, rel);
  assert_int_equal(utime(path, &times), 0);
}

#define JUNIT_RUN ((int64_t)1767607200) /* 2026-01-05T10:00, the report */

/* JUnit keeps no prompt text: the prompt's time against the run's tells.
 * Opening the prompt keeps what its file's time says, and an unsaved
 * edit, or a save, makes the runs stale. */
static void
a_prompt_opened_or_edited_keeps_junit_runs_stale(void **state)
{
  struct harness *h = *state;
  const char *stale =
    "0: grade: eval \xC2\xB7 next: make the 1 failing eval pass | "
    "5: \xE2\x9C\x93 passed 3 h ago \xC2\xB7 stale | "
    "11: \xE2\x9C\x97 failed 3 h ago: Expected output to contain 'zones' "
    "\xC2\xB7 stale";
  const char *fresh =
    "0: grade: eval \xC2\xB7 next: make the 1 failing eval pass | "
    "5: \xE2\x9C\x93 passed 3 h ago | "
    "11: \xE2\x9C\x97 failed 3 h ago: Expected output to contain 'zones'";

  /* Changed on disk after the run, then opened without an edit. */
  ws_copy_of("junit");
  touch_at("prompts/faq.txt", JUNIT_RUN + 60);
  begin(h, CAPS_ALL);
  open_file(h, "promptfooconfig.yaml");
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), stale);
  open_file(h, "prompts/faq.txt");
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), stale);

  /* Unchanged since the run: an unsaved edit makes it stale. */
  touch_at("prompts/faq.txt", JUNIT_RUN - 60);
  watched(h, "prompts/faq.txt", 2);
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), fresh);
  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "faq.txt\",\"version\":2},\"contentChanges\":[{\"range\":"
                "{\"start\":{\"line\":0,\"character\":0},\"end\":{\"line\":0,"
                "\"character\":0}},\"text\":\"Kindly. \"}]}}"));
  settle(h);
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), stale);

  /* Saved: the file's time, later than the run, says so still. */
  touch_at("prompts/faq.txt", JUNIT_RUN + 120);
  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didSave\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/prompts/"
                "faq.txt\"}}}"));
  settle(h);
  watched(h, "prompts/faq.txt", 2);
  assert_string_equal(lenses(h, "promptfooconfig.yaml"), stale);
  ws_remove();
}

/* gh models results keep no prompt text either: the .prompt.yml is its
 * own prompt, and an unsaved edit of its messages makes its runs stale. */
static void
an_unsaved_edit_makes_gh_models_runs_stale(void **state)
{
  struct harness *h = *state;

  ws_copy_of("gh-models");
  touch_at("failing_test_prompt.yml", NOW - 3 * 3600);
  touch_at("results/failing_test_prompt.json", NOW - 2 * 3600);
  begin(h, CAPS_ALL);
  open_file(h, "failing_test_prompt.yml");
  assert_string_equal(lenses(h, "failing_test_prompt.yml"),
    "0: grade: eval \xC2\xB7 next: make the 2 failing evals pass | "
    "0: evals: 0 \xE2\x9C\x93 2 \xE2\x9C\x97 | "
    "7: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did "
    "not pass | "
    "9: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did "
    "not pass");
  feed(h, at_ws("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
                "\"params\":{\"textDocument\":{\"uri\":\"@/failing_test_"
                "prompt.yml\",\"version\":2},\"contentChanges\":[{\"range\":"
                "{\"start\":{\"line\":13,\"character\":13},\"end\":{\"line\":"
                "13,\"character\":13}},\"text\":\"very \"}]}}"));
  settle(h);
  assert_string_equal(lenses(h, "failing_test_prompt.yml"),
    "0: grade: eval \xC2\xB7 next: make the 2 failing evals pass | "
    "0: evals: 0 \xE2\x9C\x93 2 \xE2\x9C\x97 \xC2\xB7 2 stale | "
    "7: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did "
    "not pass \xC2\xB7 stale | "
    "9: \xE2\x9C\x97 failed 2 h ago: evaluator contains-impossible did "
    "not pass \xC2\xB7 stale");
  ws_remove();
}

static void
unused_helpers(void)
{
  (void)open_doc;
  (void)initialize;
  (void)next;
}

static void
every_workspace_folder_is_indexed(void **state)
{
  struct harness *h = *state;
  char other[256];
  char cmd[700];
  char msg[2048];
  size_t before;

  ws_copy();
  snprintf(other, sizeof other, "/tmp/facet-index-XXXXXX");
  assert_non_null(mkdtemp(other));
  snprintf(cmd, sizeof cmd, "cp -R '%s/fullfact/.' '%s'", WORKSPACES, other);
  assert_int_equal(system(cmd), 0);
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"%s\","
           "\"workspaceFolders\":[{\"uri\":\"%s\",\"name\":\"a\"},"
           "{\"uri\":\"file://%s\",\"name\":\"b\"}],\"capabilities\":"
           CAPS_ALL "}}", ws.uri, ws.uri, other);
  feed(h, msg);
  h->session.clock_fixed = NOW;
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\","
          "\"params\":{}}");
  settle(h);
  before = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");

  assert_string_equal(h->out[before + 1],
    "{\"jsonrpc\":\"2.0\",\"method\":\"$/progress\",\"params\":{\"token\":"
    "\"facet/index\",\"value\":{\"kind\":\"end\",\"message\":"
    "\"9 artifacts indexed\"}}}");
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", other);
  assert_int_equal(system(cmd), 0);
  ws_remove();
}

int
main(void)
{
  unused_helpers();
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
      indexing_reports_progress_and_registers_the_watcher, setup, teardown),
    cmocka_unit_test_setup_teardown(
      crystallised_fragments_show_what_they_became_and_how_it_runs, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      crystallised_an_edit_makes_runs_stale_and_a_changed_fragment_drifts,
      setup, teardown),
    cmocka_unit_test_setup_teardown(
      crystallised_a_deleted_validator_takes_its_rung, setup, teardown),
    cmocka_unit_test_setup_teardown(
      a_prompt_shows_its_summary_and_the_config_each_tests_run, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      a_config_whose_test_files_are_missing_has_no_tests, setup, teardown),
    cmocka_unit_test_setup_teardown(an_edit_to_a_prompt_makes_its_runs_stale,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(
      definition_from_a_variable_reaches_every_prompt_of_a_file, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      a_prompt_opened_or_edited_keeps_junit_runs_stale, setup, teardown),
    cmocka_unit_test_setup_teardown(
      an_unsaved_edit_makes_gh_models_runs_stale, setup, teardown),
    cmocka_unit_test_setup_teardown(
      a_results_file_the_client_reports_changed_is_read_again, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      without_a_client_watcher_facet_watches_results_itself, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      an_output_path_over_the_limit_is_watched_too, setup, teardown),
    cmocka_unit_test_setup_teardown(
      a_results_file_emptied_or_deleted_under_an_open_tests_file, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      schema_files_of_checks_are_read_in_the_editor, setup, teardown),
    cmocka_unit_test_setup_teardown(
      a_results_file_over_the_limit_is_reported_at_output_path, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      a_results_file_git_ignores_counts_as_the_walk_counts_it, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      references_on_a_prompts_first_line_are_its_tests, setup, teardown),
    cmocka_unit_test_setup_teardown(
      definition_goes_from_a_variable_to_the_tests_and_back, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      rename_reaches_the_tests_that_set_the_variable, setup, teardown),
    cmocka_unit_test_setup_teardown(
      inline_prompts_and_default_vars_navigate_both_ways, setup, teardown),
    cmocka_unit_test_setup_teardown(
      a_test_hover_tells_its_last_run_and_what_facet_checked, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      closing_an_edited_prompt_reads_the_file_again, setup, teardown),
    cmocka_unit_test_setup_teardown(every_workspace_folder_is_indexed,
                                    setup, teardown),
    cmocka_unit_test_setup_teardown(
      an_open_file_a_config_names_is_not_read_again_and_again, setup,
      teardown),
    cmocka_unit_test_setup_teardown(
      a_file_a_config_names_while_it_is_analysed_is_analysed_again, setup,
      teardown),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
