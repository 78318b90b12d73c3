/*
 * Schemas in the editor, through the session: hover on keywords,
 * properties, definitions and $refs; definition of local, anchored and
 * file $refs; references of a definition; completion of keywords and type
 * names; quick fixes that insert (additionalProperties, required) and one
 * that keeps a JSON string's quotes. Files $refs name are written to a
 * workspace folder of the test's own.
 */
#include <unistd.h>

#include "session_harness.h"

/* The workspace: a temporary folder with defs.json in it. */
static char ws[64];

static void
write_file(const char *name, const char *text)
{
  char path[256];
  FILE *f;

  snprintf(path, sizeof path, "%s/%s", ws, name);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static int
setup_ws(void **state)
{
  snprintf(ws, sizeof ws, "/tmp/facet-schema-nav-XXXXXX");
  assert_non_null(mkdtemp(ws));
  write_file("defs.json", "{\n  \"$defs\": {\n    \"line\": {\"type\": "
             "\"object\"}\n  }\n}\n");
  return setup(state);
}

static int
teardown_ws(void **state)
{
  char path[256];

  snprintf(path, sizeof path, "%s/defs.json", ws);
  unlink(path);
  rmdir(ws);
  return teardown(state);
}

/* Line 0..: the schema every test opens (as a JSON string literal). */
#define MAIN                                                                \
  "\"{\\n"                                                                  \
  "  \\\"type\\\": \\\"object\\\",\\n"                                      \
  "  \\\"properties\\\": {\\n"                                              \
  "    \\\"seller\\\": { \\\"$ref\\\": \\\"#/$defs/party\\\" },\\n"         \
  "    \\\"buyer\\\": { \\\"$ref\\\": \\\"#p\\\", \\\"description\\\": "    \
  "\\\"who pays\\\" },\\n"                                                  \
  "    \\\"lines\\\": { \\\"items\\\": { \\\"$ref\\\": "                    \
  "\\\"defs.json#/$defs/line\\\" } },\\n"                                   \
  "    \\\"note\\\": { \\\"type\\\": [\\\"string\\\", \\\"null\\\"], "      \
  "\\\"maxLength\\\": 200 }\\n"                                             \
  "  },\\n"                                                                 \
  "  \\\"required\\\": [\\\"seller\\\"],\\n"                                \
  "  \\\"$defs\\\": {\\n"                                                   \
  "    \\\"party\\\": { \\\"$anchor\\\": \\\"p\\\", \\\"type\\\": "         \
  "\\\"object\\\", \\\"properties\\\": { \\\"name\\\": { \\\"type\\\": "   \
  "\\\"strng\\\" } } }\\n"                                                  \
  "  }\\n"                                                                  \
  "}\\n\""

static char uri[128];

static void
start(struct harness *h)
{
  char msg[512];

  (void)initialize;  /* the harness's names a root this test has not got */
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
           "\"params\":{\"processId\":null,\"rootUri\":\"file://%s\","
           "\"capabilities\":{\"general\":{\"positionEncodings\":"
           "[\"utf-16\"]},\"textDocument\":{\"codeAction\":{"
           "\"codeActionLiteralSupport\":{\"codeActionKind\":{\"valueSet\":"
           "[\"quickfix\"]}}}}}}}", ws);
  feed(h, msg);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\",\"params\":{}}");
  snprintf(uri, sizeof uri, "file://%s/main.schema.json", ws);
  open_doc(h, uri, MAIN);
  settle(h);
}

/* The reply to a request about doc at (line, character); extra: more
 * params, with a leading comma, or "". */
static const char *
ask_in(struct harness *h, const char *doc, const char *method, int line,
       int character, const char *extra)
{
  char msg[1024];
  size_t before = h->nout;
  size_t i = before;

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"%s\",\"params\":{"
           "\"textDocument\":{\"uri\":\"%s\"},"
           "\"position\":{\"line\":%d,\"character\":%d}%s}}", method, doc,
           line, character, extra);
  feed(h, msg);
  assert_int_equal(h->nout, before + 1);
  return next(h, &i);
}

static const char *
ask(struct harness *h, const char *method, int line, int character,
    const char *extra)
{
  return ask_in(h, uri, method, line, character, extra);
}

/* The hover's Markdown, or "null". */
static const char *
hover(struct harness *h, int line, int character)
{
  static char text[4096];
  json_object *reply = json_tokener_parse(ask(h, "textDocument/hover", line,
                                              character, ""));
  json_object *contents = json_object_object_get(
    json_object_object_get(reply, "result"), "contents");

  snprintf(text, sizeof text, "%s", contents
           ? json_object_get_string(json_object_object_get(contents,
                                                           "value"))
           : "null");
  json_object_put(reply);
  return text;
}

#define RANGE(l0, c0, l1, c1)                                                \
  "{\"start\":{\"line\":" #l0 ",\"character\":" #c0 "},\"end\":{\"line\":"    \
  #l1 ",\"character\":" #c1 "}}"

/* A Location in uri, as the reply writes it. */
static const char *
loc(const char *in, const char *range)
{
  static char text[4][512];
  static int n;

  n = (n + 1) % 4;
  snprintf(text[n], sizeof text[n], "{\"uri\":\"file://%s/%s\",\"range\":%s}",
           ws, in, range);
  return text[n];
}

static void
hover_explains_keywords_properties_definitions_and_refs(void **state)
{
  struct harness *h = *state;

  start(h);

  assert_string_equal(hover(h, 6, 44),
    "**maxLength** \xC2\xB7 JSON Schema keyword \xC2\xB7 for strings\n\n"
    "The string must have at most this many characters (code points).");
  assert_string_equal(hover(h, 6, 6),
    "**note** \xC2\xB7 optional property \xC2\xB7 `string | null`\n\n"
    "Constraints:\n- `maxLength: 200`");
  assert_string_equal(hover(h, 4, 6),
    "**buyer** \xC2\xB7 optional property \xC2\xB7 `#p`\n\nwho pays");
  assert_string_equal(hover(h, 10, 6),
    "**party** \xC2\xB7 definition `#/$defs/party` \xC2\xB7 `object`\n\n"
    "Used by 2 `$ref`s: line 4, line 5");
  assert_string_equal(hover(h, 3, 30),
    "**$ref** `#/$defs/party` \xC2\xB7 `object`");
  assert_string_equal(hover(h, 10, 67),
    "**name** \xC2\xB7 optional property \xC2\xB7 `strng`\n\n"
    "Reached through 2 `$ref`s to a schema that holds it: line 4, line 5");
}

static void
definition_follows_refs_here_and_to_other_files(void **state)
{
  struct harness *h = *state;
  char want[1024];

  start(h);

  snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":%s}",
           loc("main.schema.json", RANGE(10, 4, 10, 11)));
  assert_string_equal(ask(h, "textDocument/definition", 3, 30, ""), want);
  /* #p is party's $anchor. */
  assert_string_equal(ask(h, "textDocument/definition", 4, 24, ""), want);
  snprintf(want, sizeof want, "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":%s}",
           loc("defs.json", RANGE(2, 4, 2, 10)));
  assert_string_equal(ask(h, "textDocument/definition", 5, 36, ""), want);
}

static void
references_of_a_definition_are_its_refs(void **state)
{
  struct harness *h = *state;
  char want[2048];

  start(h);

  snprintf(want, sizeof want,
           "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":[%s,%s,%s]}",
           loc("main.schema.json", RANGE(10, 4, 10, 11)),
           loc("main.schema.json", RANGE(3, 24, 3, 39)),
           loc("main.schema.json", RANGE(4, 23, 4, 27)));
  assert_string_equal(ask(h, "textDocument/references", 10, 6,
                          ",\"context\":{\"includeDeclaration\":true}"),
                      want);
}

/* The labels of a completion reply, comma-separated. */
static const char *
labels(const char *reply)
{
  static char out[4096];
  json_object *r = json_tokener_parse(reply);
  json_object *items = json_object_object_get(r, "result");
  size_t len = 0;

  out[0] = '\0';
  for (size_t i = 0; i < json_object_array_length(items); i++)
    len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
                            i ? "," : "", json_object_get_string(
                              json_object_object_get(
                                json_object_array_get_idx(items, i),
                                "label")));
  json_object_put(r);
  return out;
}

static void
completion_of_type_names_and_keywords(void **state)
{
  struct harness *h = *state;
  char msg[1024];
  const char *reply;

  start(h);
  /* Typing a key after maxLength: "maxLength": 200, "min| } */
  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didChange\","
           "\"params\":{\"textDocument\":{\"version\":2,\"uri\":\"%s\"},"
           "\"contentChanges\":[{\"range\":" RANGE(6, 58, 6, 58) ","
           "\"text\":\", \\\"min\"}]}}", uri);
  feed(h, msg);
  settle(h);

  reply = ask(h, "textDocument/completion", 6, 64, "");
  assert_non_null(strstr(labels(reply), ",minLength,"));
  assert_null(strstr(labels(reply), ",maxLength,"));
  assert_non_null(strstr(reply, "{\"label\":\"minLength\",\"kind\":10,"
                                "\"detail\":\"strings\",\"documentation\":"
                                "{\"kind\":\"markdown\",\"value\":\"The "
                                "string must have at least this many "
                                "characters (code points).\"},"
                                "\"insertText\":\"minLength\"}"));
  assert_string_equal(labels(ask(h, "textDocument/completion", 6, 24, "")),
                      "string,number,integer,boolean,object,array,null");
}

static void
completion_in_a_yaml_schema(void **state)
{
  struct harness *h = *state;
  char u[128];

  start(h);
  snprintf(u, sizeof u, "file://%s/y.schema.yaml", ws);
  open_doc(h, u, "\"type: object\\nproperties:\\n  a:\\n    type: s\\n"
                 "    min\\n\"");
  settle(h);

  assert_non_null(strstr(ask_in(h, u, "textDocument/completion", 4, 7, ""),
                         "{\"label\":\"minLength\",\"kind\":10,"
                         "\"detail\":\"strings\",\"documentation\":{\"kind\":"
                         "\"markdown\",\"value\":\"The string must have at "
                         "least this many characters (code points).\"},"
                         "\"insertText\":\"minLength: \"}"));
  assert_string_equal(labels(ask_in(h, u, "textDocument/completion", 3, 11,
                                    "")),
                      "string,number,integer,boolean,object,array,null");
}

/* The code actions for the range, as the reply writes them. */
static const char *
actions(struct harness *h, const char *doc, const char *range)
{
  char msg[1024];
  size_t before = h->nout;
  size_t i = before;

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"textDocument/"
           "codeAction\",\"params\":{\"textDocument\":{\"uri\":\"%s\"},"
           "\"range\":%s,\"context\":{\"diagnostics\":[]}}}", doc, range);
  feed(h, msg);
  assert_int_equal(h->nout, before + 1);
  return next(h, &i);
}

static void
quick_fixes_insert_and_keep_quotes(void **state)
{
  struct harness *h = *state;
  char u[128];
  const char *reply;

  start(h);

  /* The type name is replaced inside its quotes. */
  reply = actions(h, uri, RANGE(10, 77, 10, 77));
  assert_non_null(strstr(reply, "\"title\":\"Replace 'strng' with "
                                "'string'\""));
  assert_non_null(strstr(reply, "\"edit\":{\"changes\":{\""));
  assert_non_null(strstr(reply, "[{\"range\":" RANGE(10, 84, 10, 89)
                                ",\"newText\":\"string\"}]"));

  /* An OpenAI wrapper: additionalProperties inserted, a name added. */
  snprintf(u, sizeof u, "file://%s/w.json", ws);
  open_doc(h, u, "\"{\\\"name\\\": \\\"w\\\", \\\"strict\\\": true, "
                 "\\\"schema\\\": {\\\"type\\\": \\\"object\\\",\\n"
                 "  \\\"properties\\\": {\\\"a\\\": {\\\"type\\\": "
                 "\\\"string\\\"}},\\n  \\\"required\\\": []}}\\n\"");
  settle(h);
  reply = actions(h, u, RANGE(0, 43, 0, 43));
  assert_non_null(strstr(reply, "\"title\":\"Add additionalProperties: "
                                "false\""));
  assert_non_null(strstr(reply, "[{\"range\":" RANGE(2, 16, 2, 16)
                                ",\"newText\":\",\\n  \\\"additional"
                                "Properties\\\": false\"}]"));
  reply = actions(h, u, RANGE(1, 18, 1, 18));
  assert_non_null(strstr(reply, "\"title\":\"Add 'a' to required\""));
  assert_non_null(strstr(reply, "[{\"range\":" RANGE(2, 15, 2, 15)
                                ",\"newText\":\"\\\"a\\\"\"}]"));

  /* Any replacement of a JSON string keeps the string's quotes. */
  snprintf(u, sizeof u, "file://%s/request.json", ws);
  open_doc(h, u, "\"{\\\"response_format\\\": {\\\"type\\\": "
                 "\\\"json_schem\\\", \\\"json_schema\\\": {\\\"name\\\": "
                 "\\\"x\\\", \\\"schema\\\": {}}}}\"");
  settle(h);
  reply = actions(h, u, RANGE(0, 32, 0, 32));
  assert_non_null(strstr(reply, "\"title\":\"Replace 'json_schem' with "
                                "'json_schema'\""));
  assert_non_null(strstr(reply, "[{\"range\":" RANGE(0, 30, 0, 40)
                                ",\"newText\":\"json_schema\"}]"));
}

/* The diagnostics published last for doc, as their codes, comma-separated. */
static const char *
published_codes(struct harness *h, const char *doc)
{
  static char out[1024];

  out[0] = '\0';
  for (size_t i = h->nout; i > 0; i--) {
    json_object *msg = json_tokener_parse(h->out[i - 1]);
    json_object *params = json_object_object_get(msg, "params");
    const char *u = json_object_get_string(json_object_object_get(params,
                                                                  "uri"));
    json_object *list = json_object_object_get(params, "diagnostics");
    size_t len = 0;

    if (u && strcmp(u, doc) == 0 && list) {
      for (size_t k = 0; k < json_object_array_length(list); k++)
        len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
                                k ? "," : "", json_object_get_string(
                                  json_object_object_get(
                                    json_object_array_get_idx(list, k),
                                    "code")));
      json_object_put(msg);
      return out;
    }
    json_object_put(msg);
  }
  return "(none)";
}

static void
the_provider_setting_picks_rules_by_glob(void **state)
{
  struct harness *h = *state;
  char u[128];
  char v[128];

  start(h);
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":"
          "\"workspace/didChangeConfiguration\","
          "\"params\":{\"settings\":{\"facet\":{\"schemaProvider\":{"
          "\"strict/*.json\":\"openai\",\"bad/*\":\"gpt\"}}}}}");
  snprintf(u, sizeof u, "file://%s/strict/a.schema.json", ws);
  snprintf(v, sizeof v, "file://%s/loose/a.schema.json", ws);
  open_doc(h, u, "\"{\\\"type\\\": \\\"object\\\"}\"");
  open_doc(h, v, "\"{\\\"type\\\": \\\"object\\\"}\"");
  settle(h);

  assert_string_equal(published_codes(h, u),
                      "provider-additional-properties");
  assert_string_equal(published_codes(h, v), "");

  /* A name alone applies to every file. */
  feed(h, "{\"jsonrpc\":\"2.0\",\"method\":"
          "\"workspace/didChangeConfiguration\","
          "\"params\":{\"settings\":{\"facet\":{\"schemaProvider\":"
          "\"anthropic\"}}}}");
  settle(h);
  assert_string_equal(published_codes(h, v),
                      "provider-additional-properties");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(
      hover_explains_keywords_properties_definitions_and_refs, setup_ws,
      teardown_ws),
    cmocka_unit_test_setup_teardown(
      definition_follows_refs_here_and_to_other_files, setup_ws,
      teardown_ws),
    cmocka_unit_test_setup_teardown(references_of_a_definition_are_its_refs,
                                    setup_ws, teardown_ws),
    cmocka_unit_test_setup_teardown(completion_of_type_names_and_keywords,
                                    setup_ws, teardown_ws),
    cmocka_unit_test_setup_teardown(completion_in_a_yaml_schema, setup_ws,
                                    teardown_ws),
    cmocka_unit_test_setup_teardown(quick_fixes_insert_and_keep_quotes,
                                    setup_ws, teardown_ws),
    cmocka_unit_test_setup_teardown(the_provider_setting_picks_rules_by_glob,
                                    setup_ws, teardown_ws),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
