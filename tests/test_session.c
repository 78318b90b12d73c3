/*
 * The editor session, driven message by message as a client would drive
 * it, asserting the exact JSON the client receives.
 */
#include "session_harness.h"

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
    "\"refactor.extract\"]},"
    "\"definitionProvider\":true,\"referencesProvider\":true,"
    "\"renameProvider\":{\"prepareProvider\":true},\"completionProvider\":"
    "{\"triggerCharacters\":[\"{\",\"$\",\":\"]},"
    "\"documentSymbolProvider\":true,\"foldingRangeProvider\":true,"
    "\"executeCommandProvider\":{\"commands\":[\"facet.showGrade\","
    "\"facet.crystallise\",\"facet.crystallised\","
    "\"facet.openArtifact\"]}},"
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
    "expected key (while parsing a block mapping at line 2)\"}]}}");
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
    T(open_publishes_diagnostics_and_answers_hover_and_lens),
    T(a_finding_with_a_replacement_is_a_quick_fix),
    T(edits_arriving_together_cost_one_analysis_of_the_newest_text),
    T(a_request_waiting_for_analysis_can_be_cancelled),
    T(a_request_about_text_changed_while_waiting_is_content_modified),
    T(ranges_count_emoji_as_two_utf16_units),
    T(ranges_count_emoji_as_four_utf8_units),
    T(ranges_count_emoji_as_one_utf32_unit),
    T(closing_clears_the_problems_of_the_file),
    T(settings_override_detection_by_glob),
    T(initialization_options_may_hold_the_facet_section),
    T(shutdown_then_exit_is_a_clean_exit),
    T(exit_without_shutdown_exits_with_1),
#undef T
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
