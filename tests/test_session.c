/*
 * The editor session, driven message by message as a client would drive
 * it, asserting the exact JSON the client receives.
 */
#include "session_harness.h"

#include <unistd.h>

#include "artifact.h"
#include "yaml_doc.h"

#define PROMPTY_WITH_TYPO                                                   \
  "\"---\\nname: demo\\nmodle: gpt-4o\\ninputs:\\n  city:\\n    type: "    \
  "string\\n---\\nPlan a trip to {{ city }}.\\n\""

static void
requests_before_initialize_are_refused(void **state)
{
  struct harness *h = *state;
  size_t i = 0;

  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/hover\","
          "\"params\":{}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
          "\"params\":{}}");

  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":"
                      "{\"code\":-32002,"
                      "\"message\":\"the server is not initialized yet: send "
                      "initialize first\"}}");
  assert_int_equal(h->nout, 1);
}

static void
initialize_picks_utf8_when_offered_and_says_what_is_implemented(void **state)
{
  struct harness *h = *state;
  size_t i = 0;

  initialize(h, "[\"utf-16\",\"utf-8\"]");

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"capabilities\":{"
    "\"positionEncoding\":\"utf-8\",\"textDocumentSync\":{\"openClose\":true,"
    "\"change\":2,\"save\":{\"includeText\":false}},\"hoverProvider\":true,"
    "\"codeLensProvider\":{\"resolveProvider\":false},"
    "\"codeActionProvider\":{\"codeActionKinds\":[\"quickfix\","
    "\"refactor.extract\"],\"resolveProvider\":true},"
    "\"definitionProvider\":true,\"referencesProvider\":true,"
    "\"renameProvider\":{\"prepareProvider\":true},\"completionProvider\":"
    "{\"triggerCharacters\":[\"{\",\"$\",\":\"]},"
    "\"documentSymbolProvider\":true,\"foldingRangeProvider\":true,"
    "\"inlayHintProvider\":true,\"executeCommandProvider\":{\"commands\":[\"facet.showGrade\","
    "\"facet.showEvals\",\"facet.workspaceGrades\","
    "\"facet.crystallise\",\"facet.crystallised\","
    "\"facet.openArtifact\",\"facet.applyEdit\"]},"
    "\"experimental\":{\"gradeRequest\":true}},"
    "\"serverInfo\":{\"name\":\"facet\",\"version\":\"0.1.0\"}}}");
  assert_int_equal(h->nout, 1);
}

static void
unknown_methods_and_bad_params_get_their_errors(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/formatting\","
          "\"params\":{}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"custom/notice\",\"params\":{}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/hover\","
          "\"params\":{\"textDocument\":{}}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/hover\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/none.prompt\"},"
          "\"position\":{\"line\":0,\"character\":0}}}");

  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":"
                      "{\"code\":-32601,"
                      "\"message\":\"facet does not implement this method\"}}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":"
                      "{\"code\":-32602,"
                      "\"message\":\"params.textDocument.uri is missing\"}}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":4,\"error\":"
                      "{\"code\":-32602,"
                      "\"message\":\"the document is not open: send didOpen "
                      "first\"}}");
  assert_int_equal(h->nout, 4);
}

/* Every command facet advertises, sent with its arguments missing, not a
 * list, or an empty list: each gets its answer, and facet serves on. */
static void
commands_with_odd_arguments_are_answered(void **state)
{
  static const char *const commands[] = {
    "facet.showGrade", "facet.showEvals", "facet.workspaceGrades",
    "facet.crystallise", "facet.crystallised", "facet.openArtifact",
  };
  /* What follows "id":N, in each reply. */
  static const char *const answers[] = {
    "\"error\":{\"code\":-32602,\"message\":\"facet.showGrade wants the URI "
    "of an open, graded artifact\"}}",
    "\"error\":{\"code\":-32602,\"message\":\"facet.showEvals wants an open "
    "document's URI and a position\"}}",
    "\"error\":{\"code\":-32803,\"message\":\"facet.workspaceGrades could "
    "not read /ws: no such file or directory\"}}",
    "\"error\":{\"code\":-32602,\"message\":\"facet.crystallise wants {uri, "
    "version, range, target} of an open document\"}}",
    "\"result\":null}",
    "\"error\":{\"code\":-32602,\"message\":\"facet.openArtifact wants "
    "[uri, line]\"}}",
  };
  static const char *const args[] = { "", ",\"arguments\":7",
                                      ",\"arguments\":[]" };
  struct harness *h = *state;
  char msg[256];
  int id = 10;

  initialize(h, "[]");
  for (size_t c = 0; c < sizeof commands / sizeof *commands; c++)
    for (size_t a = 0; a < sizeof args / sizeof *args; a++) {
      size_t i = h->nout;
      char want[512];

      snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":"
               "\"workspace/executeCommand\",\"params\":{\"command\":\"%s\""
               "%s}}", id, commands[c], args[a]);
      feed(h, msg);
      settle(h);
      while (i < h->nout && !strstr(h->out[i], "\"id\":"))
        i++;
      assert_true(i < h->nout);
      snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":%d,%s", id,
               answers[c]);
      assert_string_equal(h->out[i], want);
      id++;
    }
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":99,\"method\":\"shutdown\"}");
  assert_string_equal(h->out[h->nout - 1],
                      "{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":null}");
}

static void
open_publishes_diagnostics_and_answers_hover_and_lens(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[\"utf-16\"]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/codeLens\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"}}}");
  settle(h);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":1,"
    "\"diagnostics\":[{\"range\":{\"start\":{\"line\":2,\"character\":0},"
    "\"end\":{\"line\":2,\"character\":5}},\"severity\":2,\"code\":"
    "\"unknown-key\",\"source\":\"facet\",\"message\":\"unknown key 'modle' "
    "in Prompty frontmatter; did you mean 'model'?\",\"data\":{"
    "\"replacement\":\"model\"}}]}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[{\"range\":{\"start\":{"
    "\"line\":0,\"character\":0},\"end\":{\"line\":0,\"character\":0}},"
    "\"command\":{\"title\":\"grade: structured \xC2\xB7 next: pin the "
    "output: add outputs (or a response_format json_schema)\",\"command\":"
    "\"facet.showGrade\",\"arguments\":[\"file:///ws/trip.prompty\"]}}]}");

  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/hover\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"},"
          "\"position\":{\"line\":0,\"character\":1}}}");

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"contents\":{\"kind\":"
    "\"markdown\",\"value\":\"**facet** \xC2\xB7 Prompty \xC2\xB7 grade "
    "**structured**\\n\\nloose \xE2\x86\x92 **structured** \xE2\x86\x92 "
    "schema \xE2\x86\x92 eval \xE2\x86\x92 code\\n\\nSize: about 7 tokens "
    "(estimated; usually within 10 % of OpenAI's tokenizers for English)"
    "\\n\\nWhy:\\n- its header declares the inputs its template uses\\n- nothing pins the shape of "
    "its output\\n\\n"
    "**Next step:** pin the output: add outputs (or a response_format "
    "json_schema)\\n\"},\"range\":{\"start\":{\"line\":0,\"character\":0},"
    "\"end\":{\"line\":6,\"character\":3}}}}");
}

#define INLAY_HINT_REQUEST(id)                                              \
  "{\"jsonrpc\":\"2.0\",\"id\":" #id ",\"method\":\"textDocument/"           \
  "inlayHint\",\"params\":{\"textDocument\":{\"uri\":\"file:///ws/"          \
  "trip.prompty\"},\"range\":{\"start\":{\"line\":0,\"character\":0},"      \
  "\"end\":{\"line\":9,\"character\":0}}}}"

/* A client that shows no code lenses gets their words as inlay hints. */
static void
inlay_hints_say_what_lenses_say_to_clients_without_lenses(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[\"utf-16\"]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  settle(h);
  i++;
  feed(h, INLAY_HINT_REQUEST(2));
  settle(h);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[{\"position\":{\"line\":0,"
    "\"character\":3},\"label\":\"grade: structured \xC2\xB7 next: pin the "
    "output: add outputs (or a response_format json_schema)\","
    "\"paddingLeft\":true}]}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"textDocument/"
          "inlayHint\",\"params\":{\"textDocument\":{\"uri\":\"file:///ws/"
          "trip.prompty\"}}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32602,\"message\":"
    "\"params.range needs a start and an end position\"}}");
}

/* One that shows both gets hints only when facet.inlayHints is "on". */
static void
inlay_hints_are_not_said_twice_to_clients_with_lenses(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
          "\"params\":{\"processId\":null,\"rootUri\":\"file:///ws\","
          "\"capabilities\":{\"textDocument\":{\"codeLens\":{},"
          "\"inlayHint\":{}}}}}");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  settle(h);
  i++;
  feed(h, INLAY_HINT_REQUEST(2));
  settle(h);
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"id\":2,"
                                   "\"result\":[]}");

  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"workspace/"
          "didChangeConfiguration\",\"params\":{\"settings\":{\"facet\":"
          "{\"inlayHints\":\"on\"}}}}");
  feed(h, INLAY_HINT_REQUEST(3));
  settle(h);
  while (i < h->nout && !strstr(h->out[i], "\"id\":3"))
    i++;
  assert_non_null(strstr(next(h, &i), "\"label\":\"grade: structured "));

  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"workspace/"
          "didChangeConfiguration\",\"params\":{\"settings\":{\"facet\":"
          "{\"inlayHints\":\"off\"}}}}");
  feed(h, INLAY_HINT_REQUEST(4));
  settle(h);
  while (i < h->nout && !strstr(h->out[i], "\"id\":4"))
    i++;
  assert_string_equal(next(h, &i), "{\"jsonrpc\":\"2.0\",\"id\":4,"
                                   "\"result\":[]}");
}

static void
a_finding_with_a_replacement_is_a_quick_fix(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  settle(h);
  i++;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/codeAction\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"},"
          "\"range\":{\"start\":{\"line\":2,\"character\":2},\"end\":"
          "{\"line\":2,\"character\":2}},\"context\":{\"diagnostics\":[]}}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"textDocument/codeAction\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"},"
          "\"range\":{\"start\":{\"line\":5,\"character\":0},\"end\":"
          "{\"line\":5,\"character\":1}},\"context\":{\"diagnostics\":[]}}}");

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":[{\"title\":\"Replace 'modle' "
    "with 'model'\",\"kind\":\"quickfix\",\"diagnostics\":[{\"range\":{"
    "\"start\":{\"line\":2,\"character\":0},\"end\":{\"line\":2,"
    "\"character\":5}},\"severity\":2,\"code\":\"unknown-key\",\"source\":"
    "\"facet\",\"message\":\"unknown key 'modle' in Prompty frontmatter; "
    "did you mean 'model'?\",\"data\":{\"replacement\":\"model\"}}],"
    "\"isPreferred\":true,\"edit\":{\"changes\":{\"file:///ws/trip.prompty\":"
    "[{\"range\":{\"start\":{\"line\":2,\"character\":0},\"end\":{"
    "\"line\":2,\"character\":5}},\"newText\":\"model\"}]}}}]}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":[]}");
}

/* A client that does not say it takes CodeAction objects (no
 * codeActionLiteralSupport) gets Command[], as LSP says: the quick fix is
 * a command whose run sends its edit back through workspace/applyEdit. */
static void
a_client_without_action_literals_gets_commands(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
          "\"params\":{\"processId\":null,\"rootUri\":\"file:///ws\","
          "\"capabilities\":{\"workspace\":{\"applyEdit\":true}}}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  settle(h);
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"textDocument/codeAction\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"},"
          "\"range\":{\"start\":{\"line\":2,\"character\":2},\"end\":"
          "{\"line\":2,\"character\":2}},\"context\":{\"diagnostics\":[],"
          "\"only\":[\"quickfix\"]}}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":[{\"title\":\"Replace 'modle' "
    "with 'model'\",\"command\":\"facet.applyEdit\",\"arguments\":[{"
    "\"changes\":{\"file:///ws/trip.prompty\":[{\"range\":{\"start\":{"
    "\"line\":2,\"character\":0},\"end\":{\"line\":2,\"character\":5}},"
    "\"newText\":\"model\"}]}}]}]}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"workspace/executeCommand\","
          "\"params\":{\"command\":\"facet.applyEdit\",\"arguments\":[{"
          "\"changes\":{\"file:///ws/trip.prompty\":[{\"range\":{\"start\":{"
          "\"line\":2,\"character\":0},\"end\":{\"line\":2,\"character\":5}},"
          "\"newText\":\"model\"}]}}]}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"workspace/applyEdit\","
    "\"params\":{\"edit\":{\"changes\":{\"file:///ws/trip.prompty\":[{"
    "\"range\":{\"start\":{\"line\":2,\"character\":0},\"end\":{\"line\":"
    "2,\"character\":5}},\"newText\":\"model\"}]}}}}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":null}");
}

/* A second initialize is refused, and what the first set stays (the
 * ASan build checks the refusal frees what it made). */
static void
a_second_initialize_is_refused(void **state)
{
  struct harness *h = *state;
  size_t i;

  initialize(h, "[]");
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"initialize\","
          "\"params\":{\"processId\":null,\"capabilities\":{}}}");
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32600,"
    "\"message\":\"initialize may be sent only once\"}}");
}

static void
edits_arriving_together_cost_one_analysis_of_the_newest_text(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  settle(h);
  i++;
  /* Fix "modle" in two keystrokes: delete the "l", then insert it. */
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
          "{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":2},"
          "\"contentChanges\":[{\"range\":{\"start\":{\"line\":2,\"character\":"
          "3},\"end\":{\"line\":2,\"character\":4}},\"text\":\"\"}]}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
          "{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":3},"
          "\"contentChanges\":[{\"range\":{\"start\":{\"line\":2,\"character\":"
          "4},\"end\":{\"line\":2,\"character\":4}},\"text\":\"l\"}]}}");
  settle(h);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":3,"
    "\"diagnostics\":[]}}");
  assert_int_equal(h->nout, 3);
}

static void
a_request_waiting_for_analysis_can_be_cancelled(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":\"h1\",\"method\":\"textDocument/hover\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"},"
          "\"position\":{\"line\":0,\"character\":0}}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":"
          "{\"id\":\"h1\"}}");
  settle(h);

  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":\"h1\",\"error\":{\"code\":"
                      "-32800,\"message\":\"the request was cancelled\"}}");
  assert_non_null(strstr(next(h, &i), "publishDiagnostics"));
  assert_int_equal(h->nout, 3);
}

static void
a_request_about_text_changed_while_waiting_is_content_modified(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"textDocument/codeLens\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"}}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\",\"params\":"
          "{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":2},"
          "\"contentChanges\":[{\"text\":\"plain\"}]}}");
  settle(h);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/trip.prompty\",\"version\":2,"
    "\"diagnostics\":[]}}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":5,\"error\":{\"code\":"
                      "-32801,\"message\":\"the document changed while the "
                      "request waited\"}}");
}

/* "name: \"😀\" 😀: x": the second emoji cannot start a key. */
#define EMOJI_FRONTMATTER                                                    \
  "\"---\\r\\nname: \\\"\xF0\x9F\x98\x80\\\" \xF0\x9F\x98\x80: x"           \
  "\\r\\n---\\r\\nhi\\r\\n\""

static const char *
emoji_diagnostic(struct harness *h, const char *encodings)
{
  size_t i = 1;

  initialize(h, encodings);
  open_doc(h, "file:///ws/e.prompty", EMOJI_FRONTMATTER);
  settle(h);
  return next(h, &i);
}

static void
ranges_count_emoji_as_two_utf16_units(void **state)
{
  assert_string_equal(emoji_diagnostic(*state, "[\"utf-16\"]"),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/e.prompty\",\"version\":1,"
    "\"diagnostics\":[{\"range\":{\"start\":{\"line\":1,\"character\":11},"
    "\"end\":{\"line\":1,\"character\":13}},\"severity\":1,\"code\":"
    "\"yaml-syntax\",\"source\":\"facet\",\"message\":\"did not find "
    "expected key (while parsing a block mapping at line 2): after the "
    "quote that ends a quoted value, only a comment may follow on the line "
    "(quote all of the value)\"}]}}");
}

static void
ranges_count_emoji_as_four_utf8_units(void **state)
{
  assert_non_null(strstr(emoji_diagnostic(*state, "[\"utf-8\"]"),
                         "\"range\":{\"start\":{\"line\":1,\"character\":13},"
                         "\"end\":{\"line\":1,\"character\":17}}"));
}

static void
ranges_count_emoji_as_one_utf32_unit(void **state)
{
  assert_non_null(strstr(emoji_diagnostic(*state, "[\"utf-32\"]"),
                         "\"range\":{\"start\":{\"line\":1,\"character\":10},"
                         "\"end\":{\"line\":1,\"character\":11}}"));
}

static void
closing_clears_the_problems_of_the_file(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, "file:///ws/trip.prompty", PROMPTY_WITH_TYPO);
  settle(h);
  i++;
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\",\"params\":"
          "{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"}}}");

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"file:///ws/trip.prompty\",\"diagnostics\":[]}}");
}

/* Writes text to dir/name. */
static void
write_file(const char *dir, const char *name, const char *text)
{
  char path[512];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", dir, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* A skprompt.txt is analysed with its config.json from disk, and again
 * when the config.json is saved. */
static void
a_saved_companion_is_read_again(void **state)
{
  struct harness *h = *state;
  char dir[] = "/tmp/facet-companion-XXXXXX";
  char uri[256];
  char config_uri[256];
  char msg[512];
  size_t i;

  assert_non_null(mkdtemp(dir));
  write_file(dir, "config.json", "{\"schema\": 1, \"execution_settings\": "
             "{}, \"input_variables\": [{\"name\": \"input\"}]}\n");
  snprintf(uri, sizeof uri, "file://%s/skprompt.txt", dir);
  snprintf(config_uri, sizeof config_uri, "file://%s/config.json", dir);
  initialize(h, "[]");
  open_doc(h, uri, "\"Say {{$input}} in {{$tone}}.\"");
  settle(h);
  i = h->nout - 1;
  assert_non_null(strstr(next(h, &i), "'tone' is not declared in "
                         "config.json's input_variables"));

  write_file(dir, "config.json", "{\"schema\": 1, \"execution_settings\": "
             "{}, \"input_variables\": [{\"name\": \"input\"}, "
             "{\"name\": \"tone\"}]}\n");
  open_doc(h, config_uri, "\"{}\"");
  settle(h);
  i = h->nout;
  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":"
           "\"textDocument/didSave\",\"params\":{\"textDocument\":"
           "{\"uri\":\"%s\"}}}", config_uri);
  feed(h, msg);
  settle(h);

  snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"method\":"
           "\"textDocument/publishDiagnostics\",\"params\":{\"uri\":\"%s\","
           "\"version\":1,\"diagnostics\":[]}}", uri);
  assert_string_equal(next(h, &i), msg);
  snprintf(msg, sizeof msg, "%s/config.json", dir);
  assert_int_equal(unlink(msg), 0);
  assert_int_equal(rmdir(dir), 0);
}

static void
settings_override_detection_by_glob(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"workspace/didChangeConfiguration\","
          "\"params\":{\"settings\":{\"facet\":{\"formats\":{\"prompts/*.txt\":"
          "\"prompty\"}}}}}");
  open_doc(h, "file:///ws/prompts/a.txt", "\"---\\nmodle: x\\n---\\nhi\\n\"");
  settle(h);

  assert_non_null(strstr(next(h, &i), "unknown key 'modle' in Prompty "
                                      "frontmatter"));
}

static void
initialization_options_may_hold_the_facet_section(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
          "{\"rootUri\":\"file:///ws\",\"capabilities\":{},"
          "\"initializationOptions\":{\"facet\":{\"formats\":"
          "{\"*.txt\":\"prompty\"},\"maxFileBytes\":4096}}}}");
  open_doc(h, "file:///ws/a.txt", "\"---\\nmodle: x\\n---\\nhi\\n\"");
  settle(h);

  assert_int_equal(h->session.settings.max_file_bytes, 4096);
  assert_non_null(strstr(next(h, &i), "unknown key 'modle' in Prompty "
                                      "frontmatter"));
}

/* A promptfoo config, as a JSON string: two tests, each with a check. */
#define PROMPTFOO_CONFIG                                                     \
  "\"description: demo\nprompts:\n  - \\\"Answer {{ question }}\\\"\n"    \
  "providers:\n  - openai:gpt-4o-mini\ntests:\n  - vars:\n      question: " \
  "one\n    assert:\n      - type: equals\n        value: one\n  - vars:\n"  \
  "      question: two\n    assert:\n      - type: contains\n        "      \
  "value: two\n\""
#define PROMPTFOO_URI "file:///ws/promptfooconfig.yaml"

/* didChange of PROMPTFOO_URI to version: text at line:col0-col1. */
static void
change_doc(struct harness *h, int version, int line, int col0, int col1,
           const char *text)
{
  char msg[1024];

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
           "\"params\":{\"textDocument\":{\"uri\":\"" PROMPTFOO_URI "\","
           "\"version\":%d},\"contentChanges\":[{\"range\":{\"start\":"
           "{\"line\":%d,\"character\":%d},\"end\":{\"line\":%d,"
           "\"character\":%d}},\"text\":\"%s\"}]}}",
           version, line, col0, line, col1, text);
  feed(h, msg);
}

/* Whether the document's latest analysis re-parsed one item only. */
static bool
reparsed(struct harness *h)
{
  struct document *doc = docstore_get(&h->session.docs, PROMPTFOO_URI);

  return doc && doc->artifact && doc->artifact->yaml &&
         doc->artifact->yaml->reused;
}

static void
an_edit_inside_a_test_reparses_it_and_publishes_its_findings(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, PROMPTFOO_URI, PROMPTFOO_CONFIG);
  settle(h);
  i++;
  /* "value: two" becomes "valeu: two", then back. */
  change_doc(h, 2, 15, 11, 13, "eu");
  settle(h);

  assert_true(reparsed(h));
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"" PROMPTFOO_URI "\",\"version\":2,"
    "\"diagnostics\":[{\"range\":{\"start\":{\"line\":14,\"character\":14},"
    "\"end\":{\"line\":14,\"character\":22}},\"severity\":1,\"code\":"
    "\"assertion-value\",\"source\":\"facet\",\"message\":\"a contains "
    "assertion needs a value to compare with\"},"
    "{\"range\":{\"start\":{\"line\":15,\"character\":8},"
    "\"end\":{\"line\":15,\"character\":13}},\"severity\":2,\"code\":"
    "\"unknown-key\",\"source\":\"facet\",\"message\":\"unknown key "
    "'valeu' in a promptfoo assertion; did you mean 'value'?\",\"data\":{"
    "\"replacement\":\"value\"}}]}}");

  change_doc(h, 3, 15, 11, 13, "ue");
  settle(h);

  assert_true(reparsed(h));
  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"" PROMPTFOO_URI "\",\"version\":3,"
    "\"diagnostics\":[]}}");
}

/* Work that holds a thread-pool thread until released: the analysis
 * queued after it cannot start before the test says so. */
static uv_sem_t gate;

static void
gate_work(uv_work_t *w)
{
  (void)w;
  uv_sem_wait(&gate);
}

static void
gate_done(uv_work_t *w, int status)
{
  (void)status;
  free(w);
}

#define GATES 8

static void
close_the_gate(uv_loop_t *loop)
{
  uv_sem_init(&gate, 0);
  for (int k = 0; k < GATES; k++)
    uv_queue_work(loop, calloc(1, sizeof(uv_work_t)), gate_work, gate_done);
}

static void
open_the_gate(void)
{
  for (int k = 0; k < GATES; k++)
    uv_sem_post(&gate);
}

static void
edits_while_an_analysis_runs_publish_only_the_newest(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, PROMPTFOO_URI, PROMPTFOO_CONFIG);
  settle(h);
  i++;
  close_the_gate(&h->loop);
  change_doc(h, 2, 15, 11, 13, "eu");
  session_flush(&h->session);
  /* While version 2 is analysed: "type: contains" -> "tpye: contains". */
  change_doc(h, 3, 14, 9, 11, "py");
  open_the_gate();
  settle(h);

  assert_true(reparsed(h));
  assert_non_null(strstr(next(h, &i), "\"version\":3,\"diagnostics\":[{\"range"
    "\":{\"start\":{\"line\":14,\"character\":8},\"end\":{\"line\":14,"
    "\"character\":12}},\"severity\":2,\"code\":\"unknown-key\",\"source\":"
    "\"facet\",\"message\":\"unknown key 'tpye' in a promptfoo assertion; "
    "did you mean 'type'?\""));
  assert_non_null(strstr(h->out[i - 1], "unknown key 'valeu' in a promptfoo "
                                        "assertion"));
  assert_int_equal(h->nout, 3);
}

static void
closing_while_an_analysis_runs_publishes_nothing_of_it(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, PROMPTFOO_URI, PROMPTFOO_CONFIG);
  settle(h);
  i++;
  close_the_gate(&h->loop);
  change_doc(h, 2, 15, 11, 13, "eu");
  session_flush(&h->session);
  /* The analysis has not started: it reads the document's artifact after
   * the document is closed. */
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didClose\","
          "\"params\":{\"textDocument\":{\"uri\":\"" PROMPTFOO_URI "\"}}}");
  open_the_gate();
  settle(h);

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\","
    "\"params\":{\"uri\":\"" PROMPTFOO_URI "\",\"diagnostics\":[]}}");
  assert_int_equal(h->nout, 3);
  assert_null(docstore_get(&h->session.docs, PROMPTFOO_URI));
}

static void
reopening_while_an_analysis_runs_analyses_the_new_text(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  open_doc(h, PROMPTFOO_URI, PROMPTFOO_CONFIG);
  session_flush(&h->session);
  open_doc(h, PROMPTFOO_URI, "\"prompts: [a]\\nprovidres: [b]\\n\"");
  settle(h);

  assert_non_null(strstr(next(h, &i), "unknown key 'providres' in promptfoo "
                                      "config; did you mean 'providers'?"));
  assert_int_equal(h->nout, 2);
}

static void
shutdown_then_exit_is_a_clean_exit(void **state)
{
  struct harness *h = *state;
  size_t i = 1;

  initialize(h, "[]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"shutdown\"}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":10,\"method\":\"textDocument/hover\","
          "\"params\":{}}");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");

  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":null}");
  assert_string_equal(next(h, &i),
                      "{\"jsonrpc\":\"2.0\",\"id\":10,\"error\":{\"code\":"
                      "-32600,\"message\":\"the server is shutting down: only "
                      "exit is accepted\"}}");
  assert_true(h->session.exit_requested);
  assert_int_equal(h->session.exit_code, 0);
}

static void
exit_without_shutdown_exits_with_1(void **state)
{
  struct harness *h = *state;

  initialize(h, "[]");
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");

  assert_true(h->session.exit_requested);
  assert_int_equal(h->session.exit_code, 1);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    T(requests_before_initialize_are_refused),
    T(initialize_picks_utf8_when_offered_and_says_what_is_implemented),
    T(unknown_methods_and_bad_params_get_their_errors),
    T(commands_with_odd_arguments_are_answered),
    T(open_publishes_diagnostics_and_answers_hover_and_lens),
    T(inlay_hints_say_what_lenses_say_to_clients_without_lenses),
    T(inlay_hints_are_not_said_twice_to_clients_with_lenses),
    T(a_finding_with_a_replacement_is_a_quick_fix),
    T(a_client_without_action_literals_gets_commands),
    T(a_second_initialize_is_refused),
    T(edits_arriving_together_cost_one_analysis_of_the_newest_text),
    T(a_request_waiting_for_analysis_can_be_cancelled),
    T(a_request_about_text_changed_while_waiting_is_content_modified),
    T(ranges_count_emoji_as_two_utf16_units),
    T(ranges_count_emoji_as_four_utf8_units),
    T(ranges_count_emoji_as_one_utf32_unit),
    T(closing_clears_the_problems_of_the_file),
    T(an_edit_inside_a_test_reparses_it_and_publishes_its_findings),
    T(edits_while_an_analysis_runs_publish_only_the_newest),
    T(closing_while_an_analysis_runs_publishes_nothing_of_it),
    T(reopening_while_an_analysis_runs_analyses_the_new_text),
    T(a_saved_companion_is_read_again),
    T(settings_override_detection_by_glob),
    T(initialization_options_may_hold_the_facet_section),
    T(shutdown_then_exit_is_a_clean_exit),
    T(exit_without_shutdown_exits_with_1),
#undef T
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
