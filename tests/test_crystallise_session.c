/*
 * Crystallise through the session, as editors drive it: the actions a
 * client that creates files from edits gets (CreateFile in
 * documentChanges), and the command a client without that gets, which
 * the server runs itself (new files only where none is, the prompt's
 * edits through workspace/applyEdit, undone when the client refuses). Then
 * what the prompt shows of its crystallised fragments: a lens at each, the
 * grade the links give it, and a hint when a fragment changed.
 *
 * Each test works in a workspace folder of its own under $TMPDIR.
 */
#include "session_harness.h"
#include "log.h"

#include <ctype.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

/* A plain Jinja prompt whose first paragraph states a rule code checks. */
#define ASK_TEXT                                                             \
  "You answer questions about the opening hours of the shop.\n"            \
  "Answer with one word: yes or no.\n"                                     \
  "\n"                                                                     \
  "Question: {{ question }}\n"

#define LITERALS                                                            \
  "\"codeActionLiteralSupport\":{\"codeActionKind\":{\"valueSet\":"        \
  "[\"quickfix\",\"refactor\"]}}"

/* A Prompty prompt with a field list: its schema edits the header too. */
#define REPLY_TEXT                                                           \
  "---\n"                                                                  \
  "name: reply\n"                                                          \
  "inputs:\n"                                                              \
  "  ticket:\n"                                                            \
  "    type: string\n"                                                     \
  "---\n"                                                                  \
  "Return JSON with these fields:\n"                                       \
  "- `subject`: the subject line\n"                                        \
  "- `urgent` (boolean): whether it cannot wait\n"                         \
  "\n"                                                                     \
  "{{ticket}}\n"

struct ws {
  char root[256];
};

static int
ws__remove(const char *path, const struct stat *st, int flag,
           struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void
ws_write(const struct ws *w, const char *rel, const char *text)
{
  char path[600];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", w->root, rel);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static char *
ws_read(const struct ws *w, const char *rel)
{
  char path[600];
  FILE *f;
  char *text;
  long n;

  snprintf(path, sizeof path, "%s/%s", w->root, rel);
  f = fopen(path, "rb");
  if (!f)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  text = malloc((size_t)n + 1);
  assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
  text[n] = '\0';
  fclose(f);
  return text;
}

static bool
ws_has(const struct ws *w, const char *rel)
{
  char *text = ws_read(w, rel);

  free(text);
  return text != NULL;
}

/* "file:///tmp/facet-crystal-XXXXXX/rel", into out. */
static const char *
ws_uri(const struct ws *w, const char *rel, char *out, size_t size)
{
  snprintf(out, size, "file://%s/%s", w->root, rel);
  return out;
}

static void
open_file(struct harness *h, const struct ws *w, const char *rel,
          const char *text)
{
  json_object *t = json_object_new_string(text);
  char uri[512];

  ws_write(w, rel, text);
  open_doc(h, ws_uri(w, rel, uri, sizeof uri),
           json_object_to_json_string_ext(t, JSON_C_TO_STRING_PLAIN |
                                             JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(t);
}

/* initialize with these workspace capabilities; ask.j2 and reply.prompty
 * written and opened. */
static void
start_as(struct harness *h, struct ws *w, const char *caps, bool literals)
{
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  const char *action = strstr(caps, "\"codeAction\":{");
  char all[1024];
  char msg[2048];

  /* Editors that show code actions say they take CodeAction objects
   * (VS Code and Neovim do); start_as without literals is one that does
   * not. */
  if (!literals)
    snprintf(all, sizeof all, "%s", caps);
  else if (action)
    snprintf(all, sizeof all, "%.*s%s,%s", (int)(action - caps) + 14, caps,
             LITERALS, action + 14);
  else
    snprintf(all, sizeof all, "%s,\"textDocument\":{\"codeAction\":{%s}}",
             caps, LITERALS);
  caps = all;

  snprintf(w->root, sizeof w->root, "%s/facet-crystal-XXXXXX", tmp);
  assert_non_null(mkdtemp(w->root));
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"file://%s\","
           "\"capabilities\":{\"general\":{\"positionEncodings\":"
           "[\"utf-16\"]},%s}}}", w->root, caps);
  feed(h, msg);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  open_file(h, w, "ask.j2", ASK_TEXT);
  open_file(h, w, "reply.prompty", REPLY_TEXT);
  settle(h);
}

static void
start(struct harness *h, struct ws *w, const char *caps)
{
  start_as(h, w, caps, true);
}

static void
ws_remove(struct ws *w)
{
  nftw(w->root, ws__remove, 16, FTW_DEPTH | FTW_PHYS);
}

#define RESOURCE_OPS                                                         \
  "\"workspace\":{\"applyEdit\":true,\"workspaceEdit\":{"                   \
  "\"documentChanges\":true,\"resourceOperations\":[\"create\"]}}"
#define RESOLVES                                                             \
  RESOURCE_OPS ",\"textDocument\":{\"codeAction\":{\"resolveSupport\":{"   \
  "\"properties\":[\"edit\"]}}}"
#define APPLY_ONLY "\"workspace\":{\"applyEdit\":true}"
#define NOTHING "\"workspace\":{}"

/* A member of o by a dotted path ("0.edit.documentChanges.1"), as JSON
 * text; "(absent)" when there is none. */
static const char *
field(json_object *o, const char *path)
{
  char key[128];
  const char *end;

  for (;;) {
    end = strchr(path, '.');
    snprintf(key, sizeof key, "%.*s", (int)(end ? end - path
                                                : (long)strlen(path)), path);
    if (isdigit((unsigned char)key[0]))
      o = json_object_is_type(o, json_type_array)
            ? json_object_array_get_idx(o, (size_t)atoi(key)) : NULL;
    else if (!json_object_object_get_ex(o, key, &o))
      return "(absent)";
    if (!end)
      break;
    path = end + 1;
  }
  return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                        JSON_C_TO_STRING_NOSLASHESCAPE);
}

/* The reply to a request about rel, parsed. */
static json_object *
ask_about(struct harness *h, const struct ws *w, const char *method,
          const char *rel, const char *params)
{
  char msg[4096];
  char uri[512];
  size_t i = h->nout;
  json_object *reply;

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"%s\",\"params\":{"
           "\"textDocument\":{\"uri\":\"%s\"}%s}}", method,
           ws_uri(w, rel, uri, sizeof uri), params);
  feed(h, msg);
  /* Notifications sent on the way (a prompt graded again publishes its
   * diagnostics) come before the reply. */
  for (;;) {
    reply = json_tokener_parse(next(h, &i));
    assert_non_null(reply);
    if (!json_object_object_get_ex(reply, "method", NULL))
      return reply;
    json_object_put(reply);
  }
}

/* The code actions on line of rel (the paragraph there). */
static json_object *
actions_at(struct harness *h, const struct ws *w, const char *rel, int line,
           const char *only)
{
  char params[512];
  json_object *reply;
  json_object *result;

  snprintf(params, sizeof params,
           ",\"range\":{\"start\":{\"line\":%d,\"character\":4},\"end\":{"
           "\"line\":%d,\"character\":4}},\"context\":{\"diagnostics\":[],"
           "\"only\":%s}", line, line, only);
  reply = ask_about(h, w, "textDocument/codeAction", rel, params);
  result = json_object_get(json_object_object_get(reply, "result"));
  json_object_put(reply);
  return result;
}

/* Runs the command of action n on line of rel; the index of the first
 * message the run sent goes to *from. */
static void
run_action(struct harness *h, const struct ws *w, const char *rel, int line,
           size_t n, size_t *from)
{
  json_object *actions = actions_at(h, w, rel, line, "[\"refactor\"]");
  json_object *action = json_object_array_get_idx(actions, n);
  char msg[4096];

  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
           "\"workspace/executeCommand\",\"params\":{\"command\":%s,"
           "\"arguments\":%s}}", field(action, "command.command"),
           field(action, "command.arguments"));
  json_object_put(actions);
  *from = h->nout;
  feed(h, msg);
}

static void
a_client_that_creates_files_gets_one_workspace_edit(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;
  char want[2048];
  char uri[512];

  start(h, &w, RESOURCE_OPS);
  actions = actions_at(h, &w, "reply.prompty", 7, "[\"refactor.extract\"]");

  assert_int_equal(json_object_array_length(actions), 2);
  assert_string_equal(field(actions, "0.title"), "\"Crystallise into a "
                      "JSON Schema (reply.schema.json)\"");
  assert_string_equal(field(actions, "0.kind"), "\"refactor.extract\"");
  snprintf(want, sizeof want, "{\"kind\":\"create\",\"uri\":\"%s\","
           "\"options\":{\"overwrite\":false,\"ignoreIfExists\":false}}",
           ws_uri(&w, "reply.schema.json", uri, sizeof uri));
  assert_string_equal(field(actions, "0.edit.documentChanges.0"), want);
  assert_string_equal(field(actions, "0.edit.documentChanges.1.textDocument."
                            "version"), "null");
  assert_string_equal(field(actions, "0.edit.documentChanges.1.edits.0."
                            "range"), "{\"start\":{\"line\":0,\"character\":"
                      "0},\"end\":{\"line\":0,\"character\":0}}");
  /* The prompt's edit holds for the version the client has. */
  snprintf(want, sizeof want, "{\"uri\":\"%s\",\"version\":1}",
           ws_uri(&w, "reply.prompty", uri, sizeof uri));
  assert_string_equal(field(actions, "0.edit.documentChanges.2."
                            "textDocument"), want);
  assert_string_equal(field(actions, "0.edit.documentChanges.2.edits.0"),
    "{\"range\":{\"start\":{\"line\":5,\"character\":0},\"end\":{\"line\":5,"
    "\"character\":0}},\"newText\":\"# facet: the fields of "
    "reply.schema.json\\noutputs:\\n  subject:\\n    type: string\\n    "
    "description: the subject line\\n  urgent:\\n    type: boolean\\n    "
    "description: whether it cannot wait\\n\"}");
  assert_string_equal(field(actions, "0.command.command"),
                      "\"facet.crystallised\"");
  snprintf(want, sizeof want, "[\"%s\"]",
           ws_uri(&w, "reply.schema.json", uri, sizeof uri));
  assert_string_equal(field(actions, "0.command.arguments.0.files"), want);
  assert_string_equal(field(actions, "1.title"), "\"Crystallise into an "
                      "eval (1 test in promptfooconfig.yaml)\"");
  json_object_put(actions);
  ws_remove(&w);
}

/* The client applied the edit itself (and reports no file events): the
 * action's command has the index read the files it made. */
static void
the_command_after_a_client_edit_reads_the_new_files(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;
  json_object *text;
  char msg[4096];
  json_object *lenses;

  start(h, &w, RESOURCE_OPS);
  actions = actions_at(h, &w, "reply.prompty", 7, "[\"refactor.extract\"]");
  text = json_tokener_parse(field(actions, "0.edit.documentChanges.1.edits."
                                  "0.newText"));
  ws_write(&w, "reply.schema.json", json_object_get_string(text));
  json_object_put(text);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
           "\"workspace/executeCommand\",\"params\":{\"command\":%s,"
           "\"arguments\":%s}}", field(actions, "0.command.command"),
           field(actions, "0.command.arguments"));
  json_object_put(actions);
  feed(h, msg);
  settle(h);

  lenses = ask_about(h, &w, "textDocument/codeLens", "reply.prompty", "");
  assert_string_equal(field(lenses, "result.1.command.title"),
                      "\"\xE2\x86\x92 schema reply.schema.json\"");
  json_object_put(lenses);
  ws_remove(&w);
}

/* A client that resolves edits gets each action without one, and the
 * edit of the action it chose from codeAction/resolve; the action's
 * command comes without arguments (a client may lose them while it
 * applies the edit), and reads the files the resolved edit made. */
static void
a_client_that_resolves_gets_the_edit_of_the_action_it_chose(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;
  json_object *reply;
  json_object *text;
  json_object *lenses;
  char msg[8192];
  char want[2048];
  char uri[512];

  start(h, &w, RESOLVES);
  actions = actions_at(h, &w, "reply.prompty", 7, "[\"refactor.extract\"]");

  assert_string_equal(field(actions, "0.edit"), "(absent)");
  snprintf(want, sizeof want, "{\"uri\":\"%s\",\"version\":1,\"range\":{"
           "\"start\":{\"line\":7,\"character\":4},\"end\":{\"line\":7,"
           "\"character\":4}},\"target\":\"schema\"}",
           ws_uri(&w, "reply.prompty", uri, sizeof uri));
  assert_string_equal(field(actions, "0.data"), want);
  assert_string_equal(field(actions, "0.command"), "{\"title\":\"Crystallise "
                      "into a JSON Schema (reply.schema.json)\",\"command\":"
                      "\"facet.crystallised\"}");
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":"
           "\"codeAction/resolve\",\"params\":%s}", field(actions, "0"));
  json_object_put(actions);
  feed(h, msg);
  reply = json_tokener_parse(h->out[h->nout - 1]);
  snprintf(want, sizeof want, "{\"kind\":\"create\",\"uri\":\"%s\","
           "\"options\":{\"overwrite\":false,\"ignoreIfExists\":false}}",
           ws_uri(&w, "reply.schema.json", uri, sizeof uri));
  assert_string_equal(field(reply, "result.edit.documentChanges.0"), want);
  assert_string_equal(field(reply, "result.edit.documentChanges.2.edits.0."
                            "range"), "{\"start\":{\"line\":5,\"character\":"
                      "0},\"end\":{\"line\":5,\"character\":0}}");
  assert_string_equal(field(reply, "result.command.command"),
                      "\"facet.crystallised\"");
  /* The client applies it, then runs the command. */
  text = json_tokener_parse(field(reply, "result.edit.documentChanges.1."
                                  "edits.0.newText"));
  ws_write(&w, "reply.schema.json", json_object_get_string(text));
  json_object_put(text);
  json_object_put(reply);
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":"
          "\"workspace/executeCommand\",\"params\":{\"command\":"
          "\"facet.crystallised\"}}");
  settle(h);

  lenses = ask_about(h, &w, "textDocument/codeLens", "reply.prompty", "");
  assert_string_equal(field(lenses, "result.1.command.title"),
                      "\"\xE2\x86\x92 schema reply.schema.json\"");
  json_object_put(lenses);
  /* An action facet did not defer resolves to itself. */
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":"
          "\"codeAction/resolve\",\"params\":{\"title\":\"x\"}}");
  assert_string_equal(h->out[h->nout - 1], "{\"jsonrpc\":\"2.0\",\"id\":11,"
                      "\"result\":{\"title\":\"x\"}}");
  ws_remove(&w);
}

static void
actions_are_offered_for_the_kinds_asked(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;

  start(h, &w, RESOURCE_OPS);

  actions = actions_at(h, &w, "ask.j2", 1, "[\"quickfix\"]");
  assert_int_equal(json_object_array_length(actions), 0);
  json_object_put(actions);
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  assert_int_equal(json_object_array_length(actions), 3);
  assert_string_equal(field(actions, "2.title"), "\"Crystallise into code "
                      "(validators/ask.py)\"");
  json_object_put(actions);
  /* A blank line holds no paragraph. */
  actions = actions_at(h, &w, "ask.j2", 2, "[\"refactor\"]");
  assert_int_equal(json_object_array_length(actions), 0);
  json_object_put(actions);
  ws_remove(&w);
}

static void
the_command_writes_new_files_and_the_prompt_shows_the_link(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  char *code;
  json_object *lenses;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "ask.j2", 1, 2, &i);
  code = ws_read(&w, "validators/ask.py");

  assert_non_null(code);
  assert_memory_equal(code, "# facet: crystallised from ../ask.j2 lines 1-2,"
                      " fragment xxh64:", 63);
  assert_true(ws_has(&w, "validators/test_ask.py"));
  /* Files only, so nothing for the client to apply: a message, the
   * reply, and the prompt republished with its new grade. */
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"method\":"
                      "\"window/showMessage\",\"params\":{\"type\":3,"
                      "\"message\":\"facet: Crystallise into code "
                      "(validators/ask.py); created validators/ask.py, "
                      "validators/test_ask.py\"}}");
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"id\":8,"
                      "\"result\":null}");
  /* The index reads the new files off the loop, then grades the prompt
   * again. */
  settle(h);
  lenses = ask_about(h, &w, "textDocument/codeLens", "ask.j2", "");
  assert_string_equal(field(lenses, "result.0.command.title"),
                      "\"grade: code\"");
  assert_string_equal(field(lenses, "result.1.command.title"),
                      "\"\xE2\x86\x92 code validators/ask.py\"");
  assert_string_equal(field(lenses, "result.1.range"), "{\"start\":{"
                      "\"line\":0,\"character\":0},\"end\":{\"line\":0,"
                      "\"character\":0}}");
  assert_string_equal(field(lenses, "result.1.command.command"),
                      "\"facet.openArtifact\"");
  json_object_put(lenses);
  free(code);
  ws_remove(&w);
}

/* A client that takes no CodeAction objects (no codeActionLiteralSupport)
 * gets Command[]: the command that makes the files itself, even when it
 * could create files from an edit, and nothing greyed. */
static void
a_client_without_action_literals_gets_commands(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;
  char want[2048];
  char uri[512];

  start_as(h, &w, RESOURCE_OPS, false);
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  assert_int_equal(json_object_array_length(actions), 3);
  snprintf(want, sizeof want, "{\"title\":\"Crystallise into code "
           "(validators/ask.py)\",\"command\":\"facet.crystallise\","
           "\"arguments\":[{\"uri\":\"%s\",\"version\":1,\"range\":{"
           "\"start\":{\"line\":1,\"character\":4},\"end\":{\"line\":1,"
           "\"character\":4}},\"target\":\"code\"}]}",
           ws_uri(&w, "ask.j2", uri, sizeof uri));
  assert_string_equal(field(actions, "2"), want);
  assert_string_equal(field(actions, "0.kind"), "(absent)");
  assert_string_equal(field(actions, "1.edit"), "(absent)");
  json_object_put(actions);
  ws_remove(&w);
}

/* The command run again with the same arguments (a second click, or an
 * action the client kept from before the first run): the fragment is
 * crystallised already, unchanged, so nothing is made twice, neither
 * validators/ask_2.py nor the same test again in a new config, and the
 * message is the one facet crystallise gives. */
static void
the_command_run_twice_makes_no_second_copy(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;
  char cmd[4096];
  char *config;
  size_t i;

  start(h, &w, APPLY_ONLY);
  /* Code first: an action made already is left out of the list. */
  for (int target = 2; target >= 1; target--) {
    actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
    snprintf(cmd, sizeof cmd, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
             "\"workspace/executeCommand\",\"params\":{\"command\":%s,"
             "\"arguments\":%s}}", field(actions,
             target == 2 ? "2.command.command" : "1.command.command"),
             field(actions, target == 2 ? "2.command.arguments"
                                        : "1.command.arguments"));
    json_object_put(actions);
    feed(h, cmd);
    settle(h);
    i = h->nout;
    feed(h, cmd);
    assert_string_equal(next(h, &i), target == 2
      ? "{\"jsonrpc\":\"2.0\",\"method\":\"window/showMessage\",\"params\":"
        "{\"type\":2,\"message\":\"this fragment is already crystallised "
        "into validators/ask.py, and has not changed since\"}}"
      : "{\"jsonrpc\":\"2.0\",\"method\":\"window/showMessage\",\"params\":"
        "{\"type\":2,\"message\":\"this fragment is already crystallised "
        "into promptfooconfig.yaml, and has not changed since\"}}");
    assert_string_equal(next(h, &i), target == 2
      ? "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32803,"
        "\"message\":\"this fragment is already crystallised into "
        "validators/ask.py, and has not changed since\"}}"
      : "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":{\"code\":-32803,"
        "\"message\":\"this fragment is already crystallised into "
        "promptfooconfig.yaml, and has not changed since\"}}");
    settle(h);
  }
  assert_false(ws_has(&w, "validators/ask_2.py"));
  assert_false(ws_has(&w, "validators/test_ask_2.py"));
  assert_false(ws_has(&w, "promptfooconfig.ask.yaml"));
  config = ws_read(&w, "promptfooconfig.yaml");
  assert_non_null(config);
  /* One test, not two. */
  assert_non_null(strstr(config, "facet: crystallised from ask.j2"));
  assert_null(strstr(strstr(config, "facet: crystallised from ask.j2") + 1,
                     "facet: crystallised from ask.j2"));
  free(config);
  ws_remove(&w);
}

/* The command twice at once: the index has not read the first run's files
 * when the second comes (it reads them off the loop), and still no copy;
 * once the file is gone, the fragment is crystallised anew. */
static void
the_command_twice_at_once_makes_no_second_copy(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;
  char cmd[4096];
  char gone[600];
  size_t i;

  start(h, &w, APPLY_ONLY);
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  snprintf(cmd, sizeof cmd, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
           "\"workspace/executeCommand\",\"params\":{\"command\":%s,"
           "\"arguments\":%s}}", field(actions, "2.command.command"),
           field(actions, "2.command.arguments"));
  json_object_put(actions);
  feed(h, cmd);
  i = h->nout;
  feed(h, cmd);
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"window/showMessage\",\"params\":"
    "{\"type\":2,\"message\":\"this fragment is already crystallised "
    "into validators/ask.py, and has not changed since\"}}");
  settle(h);
  assert_true(ws_has(&w, "validators/ask.py"));
  assert_false(ws_has(&w, "validators/ask_2.py"));
  /* Once the file is gone (and the editor says so), the fragment is
   * crystallised anew. */
  snprintf(gone, sizeof gone, "%s/validators/ask.py", w.root);
  assert_int_equal(remove(gone), 0);
  snprintf(cmd, sizeof cmd, "{\"jsonrpc\":\"2.0\",\"method\":"
           "\"workspace/didChangeWatchedFiles\",\"params\":{\"changes\":[{"
           "\"uri\":\"file://%s\",\"type\":3}]}}", gone);
  feed(h, cmd);
  settle(h);
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  /* (test_ask.py is still there: the pair takes the next free name.) */
  assert_string_equal(field(actions, "2.title"), "\"Crystallise into code "
                      "(validators/ask_2.py)\"");
  json_object_put(actions);
  ws_remove(&w);
}

static void
a_prompt_edit_goes_through_apply_edit_and_a_refusal_undoes(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  char uri[512];
  char want[2048];
  json_object *apply;
  json_object *edits;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "reply.prompty", 7, 0, &i);

  assert_true(ws_has(&w, "reply.schema.json"));
  apply = json_tokener_parse(next(h, &i));
  assert_string_equal(field(apply, "method"), "\"workspace/applyEdit\"");
  assert_string_equal(field(apply, "params.label"), "\"Crystallise into a "
                      "JSON Schema (reply.schema.json)\"");
  /* A URI has dots of its own: the change is looked up by hand. */
  edits = json_object_object_get(json_object_object_get(
    json_object_object_get(json_object_object_get(apply, "params"), "edit"),
    "changes"), ws_uri(&w, "reply.prompty", uri, sizeof uri));
  assert_string_equal(field(edits, "0"),
    "{\"range\":{\"start\":{\"line\":5,\"character\":0},\"end\":{\"line\":5,"
    "\"character\":0}},\"newText\":\"# facet: the fields of "
    "reply.schema.json\\noutputs:\\n  subject:\\n    type: string\\n    "
    "description: the subject line\\n  urgent:\\n    type: boolean\\n    "
    "description: whether it cannot wait\\n\"}");
  /* The client refuses: the schema linked from nowhere is removed. */
  snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{"
           "\"applied\":false}}", field(apply, "id"));
  i = h->nout;
  feed(h, want);
  assert_false(ws_has(&w, "reply.schema.json"));
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"method\":"
                      "\"window/showMessage\",\"params\":{\"type\":2,"
                      "\"message\":\"facet: the editor did not apply the "
                      "changes, so the new files were removed again\"}}");
  json_object_put(apply);
  ws_remove(&w);
}

static void
without_apply_edit_the_command_says_what_to_do(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;

  start(h, &w, NOTHING);
  run_action(h, &w, "reply.prompty", 7, 0, &i);

  assert_false(ws_has(&w, "reply.schema.json"));
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"method\":"
                      "\"window/showMessage\",\"params\":{\"type\":2,"
                      "\"message\":\"this editor cannot apply edits that "
                      "facet sends (workspace/applyEdit): run facet "
                      "crystallise on the command line with --write\"}}");
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":"
                      "{\"code\":-32803,\"message\":\"this editor cannot "
                      "apply edits that facet sends (workspace/applyEdit): "
                      "run facet crystallise on the command line with "
                      "--write\"}}");
  ws_remove(&w);
}

static void
a_command_for_an_older_version_is_refused(void **state)
{
  struct harness *h = *state;
  struct ws w;
  char msg[2048];
  char uri[512];
  size_t i;

  start(h, &w, APPLY_ONLY);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":"
           "\"workspace/executeCommand\",\"params\":{\"command\":"
           "\"facet.crystallise\",\"arguments\":[{\"uri\":\"%s\","
           "\"version\":0,\"range\":{\"start\":{\"line\":1,\"character\":0},"
           "\"end\":{\"line\":1,\"character\":0}},\"target\":\"code\"}]}}",
           ws_uri(&w, "ask.j2", uri, sizeof uri));
  i = h->nout;
  feed(h, msg);

  assert_false(ws_has(&w, "validators/ask.py"));
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"id\":8,\"error\":"
                      "{\"code\":-32602,\"message\":\"the document changed "
                      "since the action was offered: ask for it again\"}}");
  ws_remove(&w);
}

/* The fragment's text changes: the lens says so, and so does a hint. */
static void
a_changed_fragment_gets_a_hint(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  char msg[2048];
  char uri[512];
  json_object *lenses;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "ask.j2", 1, 2, &i);
  /* The index has read the validator before the fragment changes. */
  settle(h);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "didChange\",\"params\":{\"textDocument\":{\"uri\":\"%s\","
           "\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{"
           "\"line\":1,\"character\":22},\"end\":{\"line\":1,\"character\":"
           "31}},\"text\":\"yes, no or maybe\"}]}}",
           ws_uri(&w, "ask.j2", uri, sizeof uri));
  feed(h, msg);
  i = h->nout;
  settle(h);

  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "publishDiagnostics\",\"params\":{\"uri\":\"%s\",\"version\":2,"
           "\"diagnostics\":[{\"range\":{\"start\":{\"line\":0,"
           "\"character\":0},\"end\":{\"line\":1,\"character\":39}},"
           "\"severity\":4,\"code\":\"crystallised-fragment-changed\","
           "\"source\":\"facet\",\"message\":\"this text changed since it "
           "was crystallised into validators/ask.py: the validator may no "
           "longer enforce it\"}]}}", uri);
  assert_string_equal(next(h, &i), msg);
  lenses = ask_about(h, &w, "textDocument/codeLens", "ask.j2", "");
  assert_string_equal(field(lenses, "result.1.command.title"),
                      "\"\xE2\x9A\xA0 changed since it was crystallised into "
                      "validators/ask.py\"");
  json_object_put(lenses);
  ws_remove(&w);
}

/* The fragment is edited and lines are added above it, in one change and
 * then in another: no longer found by its text, it is followed through the
 * edits, and the hint and the lens sit on its lines, not the recorded ones
 * (which now hold the lines added). */
static void
an_edited_and_moved_fragment_keeps_its_hint(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  char msg[2048];
  char uri[512];
  json_object *lenses;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "ask.j2", 1, 2, &i);
  settle(h);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "didChange\",\"params\":{\"textDocument\":{\"uri\":\"%s\","
           "\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{"
           "\"line\":1,\"character\":22},\"end\":{\"line\":1,\"character\":"
           "31}},\"text\":\"yes, no or maybe\"},{\"range\":{\"start\":{"
           "\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":"
           "0}},\"text\":\"{# hours #}\\n\\n\"}]}}",
           ws_uri(&w, "ask.j2", uri, sizeof uri));
  feed(h, msg);
  i = h->nout;
  settle(h);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "publishDiagnostics\",\"params\":{\"uri\":\"%s\",\"version\":2,"
           "\"diagnostics\":[{\"range\":{\"start\":{\"line\":2,"
           "\"character\":0},\"end\":{\"line\":3,\"character\":39}},"
           "\"severity\":4,\"code\":\"crystallised-fragment-changed\","
           "\"source\":\"facet\",\"message\":\"this text changed since it "
           "was crystallised into validators/ask.py: the validator may no "
           "longer enforce it\"}]}}", uri);
  assert_string_equal(next(h, &i), msg);

  /* A whole-text change (no range) is followed by what it changes. */
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "didChange\",\"params\":{\"textDocument\":{\"uri\":\"%s\","
           "\"version\":3},\"contentChanges\":[{\"text\":\"{# hours #}\\n"
           "{# shop #}\\n\\nYou answer questions about the opening hours of "
           "the shop.\\nAnswer with one word: yes, no or maybe.\\n\\n"
           "Question: {{ question }}\\n\"}]}}", uri);
  feed(h, msg);
  i = h->nout;
  settle(h);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "publishDiagnostics\",\"params\":{\"uri\":\"%s\",\"version\":3,"
           "\"diagnostics\":[{\"range\":{\"start\":{\"line\":3,"
           "\"character\":0},\"end\":{\"line\":4,\"character\":39}},"
           "\"severity\":4,\"code\":\"crystallised-fragment-changed\","
           "\"source\":\"facet\",\"message\":\"this text changed since it "
           "was crystallised into validators/ask.py: the validator may no "
           "longer enforce it\"}]}}", uri);
  assert_string_equal(next(h, &i), msg);
  lenses = ask_about(h, &w, "textDocument/codeLens", "ask.j2", "");
  assert_string_equal(field(lenses, "result.1.command.title"),
                      "\"\xE2\x9A\xA0 changed since it was crystallised into "
                      "validators/ask.py\"");
  assert_string_equal(field(lenses, "result.1.range.start.line"), "3");
  json_object_put(lenses);
  ws_remove(&w);
}

/* What a fragment became is not offered again while it is unchanged: a
 * client that shows disabled actions sees why, any other sees none. */
static void
what_a_fragment_became_is_not_offered_again(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  json_object *actions;

  start(h, &w, APPLY_ONLY ",\"textDocument\":{\"codeAction\":{"
        "\"disabledSupport\":true}}");
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  assert_string_equal(field(actions, "0.title"), "\"Crystallise into a "
                      "JSON Schema (ask.schema.json)\"");
  json_object_put(actions);
  run_action(h, &w, "ask.j2", 1, 0, &i);
  settle(h);
  assert_true(ws_has(&w, "ask.schema.json"));
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  assert_int_equal(json_object_array_length(actions), 3);
  assert_string_equal(field(actions, "0"), "{\"title\":\"Crystallise into "
                      "a JSON Schema\",\"kind\":\"refactor.extract\","
                      "\"disabled\":{\"reason\":\"This fragment is already "
                      "crystallised into ask.schema.json, and has not "
                      "changed since\"}}");
  assert_string_equal(field(actions, "1.title"), "\"Crystallise into an "
                      "eval (1 test in promptfooconfig.yaml)\"");
  json_object_put(actions);
  ws_remove(&w);
}

/* A client that shows no disabled actions gets none for what is made. */
static void
without_disabled_support_what_is_made_is_left_out(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  json_object *actions;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "ask.j2", 1, 0, &i);
  settle(h);
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor\"]");
  assert_int_equal(json_object_array_length(actions), 2);
  assert_string_equal(field(actions, "0.title"), "\"Crystallise into an "
                      "eval (1 test in promptfooconfig.yaml)\"");
  json_object_put(actions);
  ws_remove(&w);
}

/* Lines added above a fragment move it: the link follows, no hint. */
static void
a_moved_fragment_keeps_its_link(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  char msg[2048];
  char uri[512];
  json_object *lenses;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "ask.j2", 1, 0, &i);
  settle(h);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "didChange\",\"params\":{\"textDocument\":{\"uri\":\"%s\","
           "\"version\":2},\"contentChanges\":[{\"range\":{\"start\":{"
           "\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":"
           "0}},\"text\":\"{# hours #}\\n\\n\"}]}}",
           ws_uri(&w, "ask.j2", uri, sizeof uri));
  feed(h, msg);
  i = h->nout;
  settle(h);

  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "publishDiagnostics\",\"params\":{\"uri\":\"%s\",\"version\":2,"
           "\"diagnostics\":[]}}", uri);
  assert_string_equal(next(h, &i), msg);
  lenses = ask_about(h, &w, "textDocument/codeLens", "ask.j2", "");
  assert_string_equal(field(lenses, "result.0.command.title"),
                      "\"grade: schema \xC2\xB7 next: add an eval\"");
  assert_string_equal(field(lenses, "result.1.command.title"),
                      "\"\xE2\x86\x92 schema ask.schema.json\"");
  assert_string_equal(field(lenses, "result.1.range.start"),
                      "{\"line\":2,\"character\":0}");
  json_object_put(lenses);
  ws_remove(&w);
}

/* A .prompt.yml keeps its tests' records in itself, but a validator is a
 * file of its own: it counts for the .prompt.yml as for any prompt. */
static void
a_prompt_yml_enforced_in_code_shows_its_validator(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  json_object *lenses;

  start(h, &w, APPLY_ONLY);
  open_file(h, &w, "classify.prompt.yml",
            "name: Ticket category classifier\n"
            "model: openai/gpt-4o-mini\n"
            "messages:\n"
            "  - role: system\n"
            "    content: |\n"
            "      Answer with one word from this list and nothing else:\n"
            "      outage, billing, installation, speed, account, other.\n"
            "  - role: user\n"
            "    content: \"{{ticket}}\"\n"
            "testData:\n"
            "  - ticket: \"Internet has been down since 7am.\"\n"
            "    expected: outage\n"
            "evaluators:\n"
            "  - name: names the outage\n"
            "    string:\n"
            "      contains: outage\n");
  settle(h);
  run_action(h, &w, "classify.prompt.yml", 5, 2, &i);
  settle(h);

  assert_true(ws_has(&w, "validators/classify.py"));
  lenses = ask_about(h, &w, "textDocument/codeLens", "classify.prompt.yml",
                     "");
  assert_string_equal(field(lenses, "result.0.command.title"),
                      "\"grade: code\"");
  /* After the evals summary and the lens of its test. */
  assert_string_equal(field(lenses, "result.3.command.title"),
                      "\"\xE2\x86\x92 code validators/classify.py\"");
  assert_string_equal(field(lenses, "result.3.range.start"),
                      "{\"line\":5,\"character\":0}");
  json_object_put(lenses);
  ws_remove(&w);
}

/* A linked file edited in the editor, unsaved: the prompt's lens and
 * grade follow it at once, and a record taken out takes its rung. */
static void
an_edit_to_a_linked_file_regrades_the_prompt(void **state)
{
  struct harness *h = *state;
  struct ws w;
  size_t i;
  char msg[2048];
  char uri[512];
  json_object *lenses;
  char *schema;
  json_object *text;

  start(h, &w, APPLY_ONLY);
  run_action(h, &w, "ask.j2", 1, 0, &i);
  settle(h);
  schema = ws_read(&w, "ask.schema.json");
  assert_non_null(schema);
  open_file(h, &w, "ask.schema.json", schema);
  settle(h);
  lenses = ask_about(h, &w, "textDocument/codeLens", "ask.j2", "");
  assert_string_equal(field(lenses, "result.0.command.title"),
                      "\"grade: schema \xC2\xB7 next: add an eval\"");
  json_object_put(lenses);
  /* The record goes: "$comment" becomes a key no one reads. */
  memcpy(strstr(schema, "\"$comment\""), "\"$remark\"", 10);
  text = json_object_new_string(schema);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "didChange\",\"params\":{\"textDocument\":{\"uri\":\"%s\","
           "\"version\":2},\"contentChanges\":[{\"text\":%s}]}}",
           ws_uri(&w, "ask.schema.json", uri, sizeof uri),
           json_object_to_json_string_ext(text, JSON_C_TO_STRING_PLAIN |
                                          JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(text);
  feed(h, msg);
  settle(h);
  lenses = ask_about(h, &w, "textDocument/codeLens", "ask.j2", "");
  assert_string_equal(field(lenses, "result.0.command.title"),
                      "\"grade: loose \xC2\xB7 next: move it into a prompt "
                      "file whose header declares its variables (a "
                      ".prompty with inputs)\"");
  assert_string_equal(field(lenses, "result.1"), "null");
  json_object_put(lenses);
  free(schema);
  ws_remove(&w);
}

/* A selection over the limit gets no action that would write a file cut
 * at a buffer's end: a client that shows disabled actions sees why. */
static void
a_fragment_over_the_limit_is_not_offered(void **state)
{
  static const char line[] = "Never say \\\"as an AI\\\". Answer in at "
                             "most 3 sentences.\\n";
  struct harness *h = *state;
  struct ws w;
  size_t copies = ((size_t)300 << 10) / (sizeof line - 1) + 1;
  char *msg = malloc(copies * (sizeof line - 1) + 1024);
  char uri[512];
  size_t n;
  json_object *actions;

  start(h, &w, APPLY_ONLY ",\"textDocument\":{\"codeAction\":{"
        "\"disabledSupport\":true}}");
  n = (size_t)sprintf(msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
                      "didOpen\",\"params\":{\"textDocument\":{\"uri\":"
                      "\"%s\",\"languageId\":\"jinja\",\"version\":1,"
                      "\"text\":\"", ws_uri(&w, "big.j2", uri, sizeof uri));
  for (size_t i = 0; i < copies; i++, n += sizeof line - 1)
    memcpy(msg + n, line, sizeof line - 1);
  strcpy(msg + n, "\"}}}");
  feed(h, msg);
  settle(h);

  actions = actions_at(h, &w, "big.j2", 0, "[\"refactor\"]");
  assert_int_equal(json_object_array_length(actions), 3);
  assert_string_equal(field(actions, "0"), "{\"title\":\"Crystallise into "
                      "a JSON Schema\",\"kind\":\"refactor.extract\","
                      "\"disabled\":{\"reason\":\"The fragment is larger "
                      "than facet crystallises at once (256 KiB): select a "
                      "part of it\"}}");
  assert_string_equal(field(actions, "2.title"), "\"Crystallise into code\"");
  json_object_put(actions);
  free(msg);
  ws_remove(&w);
}

/* A .txt prompt a promptfoo config runs, asked for actions and lenses at
 * once after it opens, before the index has read the config: the answers
 * wait for the index, and offer what it knows (the eval goes to that
 * config), not the nothing a plain .txt gets. */
static void
requests_wait_for_the_index(struct harness *h, unsigned stall_ms)
{
  struct ws w;
  const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
  char msg[4096];
  char uri[512];
  size_t from;
  json_object *reply = NULL;
  json_object *lenses = NULL;

  snprintf(w.root, sizeof w.root, "%s/facet-crystal-XXXXXX", tmp);
  assert_non_null(mkdtemp(w.root));
  snprintf(msg, sizeof msg, "%s/prompts", w.root);
  assert_int_equal(mkdir(msg, 0777), 0);
  ws_write(&w, "promptfooconfig.yaml", "prompts:\n"
           "  - file://prompts/support.txt\n"
           "providers:\n  - openai:gpt-4o-mini\n"
           "tests:\n  - vars:\n      question: Where is my order?\n");
  ws_write(&w, "prompts/support.txt", "Answer in at most 3 sentences.\n"
           "\nQuestion: {{question}}\n");
  h->session.stall_ms = stall_ms;
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"file://%s\","
           "\"capabilities\":{%s,\"textDocument\":{\"codeAction\":{%s}}}}}",
           w.root, RESOURCE_OPS, LITERALS);
  feed(h, msg);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/"
           "didOpen\",\"params\":{\"textDocument\":{\"uri\":\"%s\","
           "\"languageId\":\"plaintext\",\"version\":1,\"text\":\"Answer in "
           "at most 3 sentences.\\n\\nQuestion: {{question}}\\n\"}}}",
           ws_uri(&w, "prompts/support.txt", uri, sizeof uri));
  feed(h, msg);
  from = h->nout;
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":"
           "\"textDocument/codeAction\",\"params\":{\"textDocument\":{"
           "\"uri\":\"%s\"},\"range\":{\"start\":{\"line\":0,\"character\":"
           "0},\"end\":{\"line\":0,\"character\":0}},\"context\":{"
           "\"diagnostics\":[],\"only\":[\"refactor.extract\"]}}}", uri);
  feed(h, msg);
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":"
           "\"textDocument/codeLens\",\"params\":{\"textDocument\":{"
           "\"uri\":\"%s\"}}}", uri);
  feed(h, msg);
  settle(h);

  for (size_t i = from; i < h->nout; i++) {
    json_object *m = json_tokener_parse(h->out[i]);

    if (strcmp(field(m, "id"), "7") == 0 && !reply)
      reply = m;
    else if (strcmp(field(m, "id"), "9") == 0 && !lenses)
      lenses = m;
    else
      json_object_put(m);
  }
  assert_non_null(reply);
  assert_string_equal(field(reply, "result.1.title"), "\"Crystallise into "
                      "an eval (1 test in promptfooconfig.yaml)\"");
  assert_non_null(lenses);
  assert_string_equal(field(lenses, "result.0.command.title"),
                      "\"grade: loose \xC2\xB7 next: add assertions to the "
                      "tests that exercise it, so they check its output\"");
  json_object_put(reply);
  json_object_put(lenses);
  ws_remove(&w);
}

static void
requests_before_the_index_wait_for_it(void **state)
{
  requests_wait_for_the_index(*state, 0);
}

/* The same when the .txt's first analysis (as plain text) ends after the
 * index's first run has asked for it as the config's prompt: the answers
 * wait for the analysis as that prompt. Before, they were given from the
 * plain-text one (no eval action), as happened now and then in CI. */
static void
requests_wait_for_the_prompts_analysis_as_the_index_asks(void **state)
{
  requests_wait_for_the_index(*state, 300);
}

/* The warnings logged while a test runs, one a line. */
static char warnings[1024];

static void
keep_warning(enum log_level level, const char *msg, void *ctx)
{
  size_t n = strlen(warnings);

  (void)ctx;
  if (level == LOG_LEVEL_WARN)
    snprintf(warnings + n, sizeof warnings - n, "%s\n", msg);
}

/* VS Code's Settings editor shows the defaults as they are declared:
 * "auto" for the language and "" for the folders and the name, which is
 * what it sends for settings left alone. They mean the defaults, with no
 * warning in the log (there was one for each "" and "auto"). */
static void
crystallise_settings_left_alone_mean_the_defaults(void **state)
{
  struct harness *h = *state;
  struct ws w;
  json_object *actions;

  start(h, &w, APPLY_ONLY);
  warnings[0] = '\0';
  log_set_sink(keep_warning, NULL);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":"
          "\"workspace/didChangeConfiguration\",\"params\":{\"settings\":"
          "{\"facet\":{\"crystallise\":{\"language\":\"auto\","
          "\"schemaFolder\":\"\",\"schemaName\":\"\",\"codeFolder\":\"\"}}}}}");
  settle(h);
  actions = actions_at(h, &w, "ask.j2", 1, "[\"refactor.extract\"]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":"
          "\"workspace/didChangeConfiguration\",\"params\":{\"settings\":"
          "{\"facet\":{\"crystallise\":{\"language\":\"rust\"}}}}}");
  settle(h);
  log_set_sink(NULL, NULL);

  assert_string_equal(field(actions, "0.title"),
                      "\"Crystallise into a JSON Schema (ask.schema.json)\"");
  assert_string_equal(field(actions, "2.title"),
                      "\"Crystallise into code (validators/ask.py)\"");
  assert_string_equal(warnings,
                      "ignoring setting facet.crystallise.language: 'rust' "
                      "is not auto, python or typescript\n");
  json_object_put(actions);
  ws_remove(&w);
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
  const struct CMUnitTest tests[] = {
    T(a_client_that_creates_files_gets_one_workspace_edit),
    T(the_command_after_a_client_edit_reads_the_new_files),
    T(a_client_that_resolves_gets_the_edit_of_the_action_it_chose),
    T(actions_are_offered_for_the_kinds_asked),
    T(the_command_writes_new_files_and_the_prompt_shows_the_link),
    T(a_prompt_edit_goes_through_apply_edit_and_a_refusal_undoes),
    T(the_command_run_twice_makes_no_second_copy),
    T(the_command_twice_at_once_makes_no_second_copy),
    T(a_client_without_action_literals_gets_commands),
    T(without_apply_edit_the_command_says_what_to_do),
    T(a_command_for_an_older_version_is_refused),
    T(a_changed_fragment_gets_a_hint),
    T(an_edited_and_moved_fragment_keeps_its_hint),
    T(a_moved_fragment_keeps_its_link),
    T(what_a_fragment_became_is_not_offered_again),
    T(without_disabled_support_what_is_made_is_left_out),
    T(an_edit_to_a_linked_file_regrades_the_prompt),
    T(a_prompt_yml_enforced_in_code_shows_its_validator),
    T(a_fragment_over_the_limit_is_not_offered),
    T(requests_before_the_index_wait_for_it),
    T(requests_wait_for_the_prompts_analysis_as_the_index_asks),
    T(crystallise_settings_left_alone_mean_the_defaults),
  };
#undef T

  (void)initialize;   /* the harness's: these tests need their own */
  return cmocka_run_group_tests(tests, NULL, NULL);
}
