/*
 * Requests about a prompt's variables and structure, through the session:
 * hover, definition, references, rename, completion, symbols and folds,
 * on a file with CRLF line ends and emoji before the names.
 */
#include "session_harness.h"

#include "buf.h"
#include "lspconv.h"
#include "source.h"

/* Line 9 reads: "🌍 Plan {{ city }} — {{city|upper}}." */
#define TRIP                                                                 \
  "\"---\\r\\nname: \xF0\x9F\x98\x80 trip\\r\\ninputs:\\r\\n  city:\\r\\n"         \
  "    type: string\\r\\n    description: Where to go\\r\\nsample:\\r\\n"        \
  "  city: Rome\\r\\n---\\r\\nsystem:\\r\\n\xF0\x9F\x8C\x8D Plan {{ city }} "      \
  "\xE2\x80\x94 {{city|upper}}.\\r\\n{% for d in days %}{{ d }}{% endfor %}"    \
  "\\r\\nuser:\\r\\n{{ \\r\\n\""

static void
start(struct harness *h)
{
  initialize(h, "[\"utf-16\"]");
  open_doc(h, "file:///ws/trip.prompty", TRIP);
  settle(h);
}

/* Sends a request about trip.prompty at (line, character); extra is more
 * params (with a leading comma) or "". Returns the reply. */
static const char *
ask_in(struct harness *h, const char *uri, const char *method, int line,
       int character, const char *extra)
{
  char msg[1024];
  size_t before = h->nout;
  size_t i = before;

  snprintf(msg, sizeof msg,
           "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"%s\",\"params\":{"
           "\"textDocument\":{\"uri\":\"%s\"},"
           "\"position\":{\"line\":%d,\"character\":%d}%s}}", method, uri,
           line, character, extra);
  feed(h, msg);
  assert_int_equal(h->nout, before + 1);
  return next(h, &i);
}

static const char *
ask(struct harness *h, const char *method, int line, int character,
    const char *extra)
{
  return ask_in(h, "file:///ws/trip.prompty", method, line, character, extra);
}

#define RANGE(l0, c0, l1, c1)                                                \
  "{\"start\":{\"line\":" #l0 ",\"character\":" #c0 "},\"end\":{\"line\":"    \
  #l1 ",\"character\":" #c1 "}}"
#define LOC(l0, c0, l1, c1)                                                  \
  "{\"uri\":\"file:///ws/trip.prompty\",\"range\":" RANGE(l0, c0, l1, c1) "}"

static void
hover_on_a_variable_shows_its_declaration(void **state)
{
  struct harness *h = *state;

  start(h);

  assert_string_equal(ask(h, "textDocument/hover", 10, 12, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"contents\":{\"kind\":"
    "\"markdown\",\"value\":\"**city** \xC2\xB7 input \xC2\xB7 `string`\\n\\n"
    "Where to go\\n\\nDefault or sample: `Rome`\\n\\nDeclared in `inputs` "
    "\xC2\xB7 read 2 times by the template\"},\"range\":"
    RANGE(10, 11, 10, 15) "}}");
}

static void
definition_goes_to_the_input(void **state)
{
  struct harness *h = *state;

  start(h);

  assert_string_equal(ask(h, "textDocument/definition", 10, 25, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":" LOC(3, 2, 3, 6) "}");
  assert_string_equal(ask(h, "textDocument/definition", 11, 15, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":null}");
}

static void
references_find_every_read_and_declaration(void **state)
{
  struct harness *h = *state;

  start(h);

  assert_string_equal(ask(h, "textDocument/references", 3, 3,
                          ",\"context\":{\"includeDeclaration\":true}"),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":[" LOC(3, 2, 3, 6) ","
    LOC(7, 2, 7, 6) "," LOC(10, 11, 10, 15) "," LOC(10, 23, 10, 27) "]}");
  assert_string_equal(ask(h, "textDocument/references", 10, 11,
                          ",\"context\":{\"includeDeclaration\":false}"),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":[" LOC(10, 11, 10, 15) ","
    LOC(10, 23, 10, 27) "]}");
}

#define EDIT(l0, c0, l1, c1)                                                 \
  "{\"range\":" RANGE(l0, c0, l1, c1) ",\"newText\":\"town\"}"

static void
rename_changes_the_body_and_the_header(void **state)
{
  struct harness *h = *state;

  start(h);

  assert_string_equal(ask(h, "textDocument/prepareRename", 10, 24, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"range\":" RANGE(10, 23, 10, 27)
    ",\"placeholder\":\"city\"}}");
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"town\""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"changes\":{"
    "\"file:///ws/trip.prompty\":[" EDIT(3, 2, 3, 6) "," EDIT(7, 2, 7, 6) ","
    EDIT(10, 11, 10, 15) "," EDIT(10, 23, 10, 27) "]}}}");
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"two words\""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32602,\"message\":"
    "\"a template variable's name is letters, digits and '_', not starting "
    "with a digit\"}}");
  /* Letters past ASCII are letters: the engines read such names whole. */
  assert_non_null(strstr(ask(h, "textDocument/rename", 10, 24,
                             ",\"newName\":\"ciudad_\xC3\xB1\""),
                         "{\"range\":" RANGE(10, 23, 10, 27) ",\"newText\":"
                         "\"ciudad_\xC3\xB1\"}"));
  assert_non_null(strstr(ask(h, "textDocument/rename", 10, 24,
                             ",\"newName\":\"\xC3\xB1\xE2\x80\x94\""),
                         "not starting with a digit"));
}

static void
completion_offers_variables_inside_a_tag(void **state)
{
  struct harness *h = *state;

  start(h);

  assert_string_equal(ask(h, "textDocument/completion", 13, 3, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":[{\"label\":\"city\",\"kind\":6,"
    "\"detail\":\"string\",\"documentation\":{\"kind\":\"markdown\","
    "\"value\":\"Where to go\"},\"textEdit\":{\"range\":" RANGE(13, 3, 13, 3)
    ",\"newText\":\"city\"}},{\"label\":\"days\",\"kind\":6,\"detail\":"
    "\"template variable\",\"textEdit\":{\"range\":" RANGE(13, 3, 13, 3)
    ",\"newText\":\"days\"}}]}");
}

/* The labels of a completion reply, comma-separated. */
static const char *
labels(const char *reply)
{
  static char out[1024];
  json_object *root = json_tokener_parse(reply);
  json_object *items = json_object_object_get(root, "result");
  size_t len = 0;

  out[0] = '\0';
  for (size_t i = 0; i < json_object_array_length(items); i++)
    len += (size_t)snprintf(out + len, sizeof out - len, "%s%s",
                            i ? "," : "", json_object_get_string(
                              json_object_object_get(
                                json_object_array_get_idx(items, i),
                                "label")));
  json_object_put(root);
  return out;
}

static void
completion_offers_keys_and_values_of_the_header(void **state)
{
  struct harness *h = *state;
  const char *keys;

  start(h);
  keys = ask(h, "textDocument/completion", 4, 4, "");

  /* city has a description already (line 5): it is not offered again;
   * type, on the cursor's line, is the key being written. */
  assert_string_equal(labels(keys), "name,kind,type,required,"
                      "default,example,sample,enumValues,items,properties,"
                      "strict");
  assert_non_null(strstr(keys, "{\"label\":\"required\",\"kind\":10,"
                               "\"detail\":\"a boolean\",\"documentation\":{"
                               "\"kind\":\"markdown\",\"value\":\"Whether a "
                               "caller must supply it.\"},\"textEdit\":{"
                               "\"range\":" RANGE(4, 4, 4, 4) ",\"newText\":"
                               "\"required: \"}}"));
  assert_string_equal(labels(ask(h, "textDocument/completion", 4, 10, "")),
                      "string,number,integer,float,boolean,array,list,"
                      "object");
  /* name and sample are there already; inputs is the key being typed. */
  assert_string_equal(labels(ask(h, "textDocument/completion", 2, 2, "")),
                      "displayName,description,metadata,model,inputs,"
                      "outputs,tools,template,$schema,version,"
                      "authors,tags,base");
}

/* What is already written is not offered: a key its mapping has (above or
 * below the line being typed), a name read only where it is being typed. */
static void
completion_leaves_out_what_is_already_there(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/half.prompty";

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, "\"---\\nname: x\\ninputs:\\n  city:\\n"
                   "    type: string\\nin\\n---\\n"
                   "{{ city }} {{ ci }} {{ days }}\\n\"");
  settle(h);

  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 5, 2,
                                    "")),
                      "displayName,description,metadata,model,outputs,tools,"
                      "template,sample,$schema,version,authors,tags,base");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 7, 16,
                                    "")), "city,days");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 7, 15,
                                    "")), "city,days");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 7, 27,
                                    "")), "city,ci");
}

/* A name with letters past ASCII is replaced whole: the edit's range
 * starts before the "a" of "año", in UTF-16 units. */
static void
completion_replaces_a_whole_name_past_ascii(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/ano.prompty";

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, "\"---\\nname: x\\ninputs:\\n  a\xC3\xB1o:\\n"
                   "    type: string\\n---\\n\xF0\x9F\x98\x80 {{ a\xC3\xB1\\n\"");
  settle(h);

  assert_non_null(strstr(ask_in(h, uri, "textDocument/completion", 6, 8, ""),
                         "\"textEdit\":{\"range\":" RANGE(6, 6, 6, 8)
                         ",\"newText\":\"a\xC3\xB1o\"}"));
}

/* "name/kind[children]" for each symbol of a documentSymbol reply. */
static void
symbols_text(json_object *list, char *out, size_t size, size_t *len)
{
  for (size_t i = 0; i < json_object_array_length(list); i++) {
    json_object *s = json_object_array_get_idx(list, i);
    json_object *children = json_object_object_get(s, "children");

    *len += (size_t)snprintf(out + *len, size - *len, "%s%s/%d", i ? " " : "",
                             json_object_get_string(
                               json_object_object_get(s, "name")),
                             json_object_get_int(
                               json_object_object_get(s, "kind")));
    if (json_object_array_length(children)) {
      *len += (size_t)snprintf(out + *len, size - *len, "[");
      symbols_text(children, out, size, len);
      *len += (size_t)snprintf(out + *len, size - *len, "]");
    }
  }
}

static void
symbols_show_header_roles_and_variables(void **state)
{
  struct harness *h = *state;
  char text[1024];
  size_t len = 0;
  json_object *root;
  size_t i;

  start(h);
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"textDocument/documentSymbol\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"}}}");
  root = json_tokener_parse(next(h, &i));
  symbols_text(json_object_object_get(root, "result"), text, sizeof text,
               &len);

  assert_string_equal(text, "frontmatter/3[name/7 inputs/7[city/7] "
                      "sample/7[city/7]] system/19 user/19 city/13 "
                      "days/13");
  json_object_put(root);
}

static void
folds_cover_the_header_roles_and_blocks(void **state)
{
  struct harness *h = *state;
  size_t i;

  start(h);
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"textDocument/foldingRange\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompty\"}}}");

  assert_string_equal(next(h, &i),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":[{\"startLine\":0,\"endLine\":8},"
    "{\"startLine\":2,\"endLine\":5},{\"startLine\":3,\"endLine\":5},"
    "{\"startLine\":6,\"endLine\":7},{\"startLine\":9,\"endLine\":11},"
    "{\"startLine\":12,\"endLine\":13}]}");
}

/* Line 5 reads "Review ${input:" and line 1 "mode: ". */
#define REVIEW                                                               \
  "\"---\\nmode: \\ndescription: Review a diff\\n---\\nUse ${input:focus:"     \
  "area} and ${input:tone}.\\nReview ${input:\\n\""

static void
completion_in_a_vscode_prompt_file(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/.github/prompts/review.prompt.md";

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, REVIEW);
  settle(h);

  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 5, 15,
                                    "")), "focus,tone");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 1, 6,
                                    "")), "ask,edit,agent");
}

/* Line 5 reads "  format: " and line 8 "{{role \"user\"}}". */
#define SUMMARY                                                              \
  "\"---\\ninput:\\n  schema:\\n    text: string\\noutput:\\n  format: \\n---\\n"   \
  "{{role \\\"system\\\"}}\\nSummarise.\\n{{role \\\"user\\\"}}\\n{{text}}\\n\""

static void
dotprompt_output_formats_and_role_symbols(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/prompts/summary.prompt";
  char text[1024];
  size_t len = 0;
  json_object *root;
  size_t i;

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, SUMMARY);
  settle(h);

  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 5, 10,
                                    "")), "json,text,media,array,enum,jsonl");
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"textDocument/documentSymbol\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/prompts/"
          "summary.prompt\"}}}");
  root = json_tokener_parse(next(h, &i));
  symbols_text(json_object_object_get(root, "result"), text, sizeof text,
               &len);
  assert_string_equal(text, "frontmatter/3[input/7[schema/7] "
                      "output/7[format/7]] system/19 user/19 text/13");
  json_object_put(root);
}

/* Line 2 reads "    string: hello", line 6 "  - role: " and line 10
 * "      contains: '{{string}}'": evaluators read testData too. */
#define EVALUATED                                                            \
  "\"testData:\\n  - input: 'hi `there`'\\n    string: hello\\nmessages:\\n  - role: "  \
  "user\\n    content: 'Say {{input}}'\\n  - role: \\nevaluators:\\n  - name:" \
  " greets\\n    string:\\n      contains: '{{string}}'\\n\""

static void
github_models_evaluators_read_test_data(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/greet.prompt.yml";

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, EVALUATED);
  settle(h);

  assert_string_equal(ask_in(h, uri, "textDocument/rename", 2, 5,
                             ",\"newName\":\"word\""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"changes\":{"
    "\"file:///ws/greet.prompt.yml\":["
    "{\"range\":" RANGE(2, 4, 2, 10) ",\"newText\":\"word\"},"
    "{\"range\":" RANGE(10, 19, 10, 25) ",\"newText\":\"word\"}]}}}");
  assert_string_equal(ask_in(h, uri, "textDocument/definition", 10, 20, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"uri\":"
    "\"file:///ws/greet.prompt.yml\",\"range\":" RANGE(2, 4, 2, 10) "}}");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 6, 10,
                                    "")), "system,user,assistant");
  assert_string_equal(ask_in(h, uri, "textDocument/hover", 5, 21, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"contents\":{\"kind\":"
    "\"markdown\",\"value\":\"**input** \xC2\xB7 input\\n\\nDefault or "
    "sample: `hi 'there'`\\n\\nDeclared in `testData` \xC2\xB7 read 1 time "
    "by the template\"},\"range\":" RANGE(5, 20, 5, 25) "}}");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 0, 0,
                                    "")), "name,description,model,"
                      "modelParameters,responseFormat,jsonSchema,testData");
}

static void
dotprompt_role_helper_completes_roles(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/prompts/summary.prompt";

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, SUMMARY);
  settle(h);

  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 7, 8,
                                    "")), "user,model,tool,system");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 9, 10,
                                    "")), "user,model,tool,system");
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 10, 3,
                                    "")), "text");
}

/* Line 3 reads "Use ${input:focus:area}." and line 4 "Again ${input:focus}." */
#define FOCUS                                                                \
  "\"---\\ndescription: Review\\n---\\nUse ${input:focus:area}.\\nAgain "    \
  "${input:focus}.\\n\""

static void
definition_of_a_prompt_file_input_is_its_first_use(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/.github/prompts/focus.prompt.md";

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, FOCUS);
  settle(h);

  assert_string_equal(ask_in(h, uri, "textDocument/definition", 4, 16, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"uri\":"
    "\"file:///ws/.github/prompts/focus.prompt.md\",\"range\":"
    RANGE(3, 12, 3, 17) "}}");
}

/* The text a publish writes of a diagnostic is what json-c writes of
 * lspconv_diagnostic's object: every byte of a message, a replacement,
 * positions past non-ASCII text in both encodings. */
static void
diagnostic_text_is_the_json_of_its_object(void **state)
{
  static const char text[] = "a\xC3\xA9\xF0\x9F\x98\x80 b\r\nsecond line\n";
  char message[300];
  struct source src;
  struct diagnostic d = { span_make(3, 13), DIAG_MISSING_KEY,
                          SEVERITY_WARNING, message, NULL, NULL };
  size_t n = 0;

  (void)state;
  for (int c = 1; c < 256; c++)
    message[n++] = (char)c;
  strcpy(message + n, " \"/\\ end");
  assert_int_equal(source_init(&src, text, sizeof text - 1), 0);
  for (int round = 0; round < 4; round++) {
    enum position_encoding enc = round % 2 ? POSITION_UTF8 : POSITION_UTF16;
    json_object *o;
    struct buf b;

    d.replacement = round >= 2 ? "new \"value\"\t/" : NULL;
    o = lspconv_diagnostic(&src, &d, enc);
    buf_init(&b, 1 << 20);
    lspconv_diagnostic_text(&b, &src, &d, enc);
    assert_string_equal(b.data, json_object_to_json_string_ext(
                                  o, JSON_C_TO_STRING_PLAIN |
                                       JSON_C_TO_STRING_NOSLASHESCAPE));
    buf_release(&b);
    json_object_put(o);
  }
  source_release(&src);
}

/* Completion in a schema file: after "type": the type names, on the
 * line of the key; $schema only at the root; keywords of the schema's
 * draft only. Lines of D7 (draft-07):
 * 0 {"$schema": "http://json-schema.org/draft-07/schema#",
 * 1  "type": "object",
 * 2  "properties": {"a": {"type": },
 * 3   "b": {
 * 4     }}}
 */
#define D7                                                                   \
  "\"{\\\"$schema\\\": \\\"http://json-schema.org/draft-07/schema#\\\",\\n"     \
  " \\\"type\\\": \\\"object\\\",\\n"                                         \
  " \\\"properties\\\": {\\\"a\\\": {\\\"type\\\": },\\n"                   \
  "  \\\"b\\\": {\\n"                                                       \
  "    }}}\\n\""

static void
schema_completion_follows_position_and_draft(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/d7.schema.json";
  const char *keys;

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, D7);
  settle(h);

  /* After "type": on its line, with nothing typed yet. */
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 2,
                                    30, "")),
                      "string,number,integer,boolean,object,array,null");
  /* A file whose text does not parse into a schema yet. */
  open_doc(h, "file:///ws/new.schema.json", "\"{\\\"type\\\": \"");
  settle(h);
  assert_string_equal(labels(ask_in(h, "file:///ws/new.schema.json",
                                    "textDocument/completion", 0, 9, "")),
                      "string,number,integer,boolean,object,array,null");
  keys = labels(ask_in(h, uri, "textDocument/completion", 4, 4, ""));
  assert_null(strstr(keys, "$schema"));
  assert_null(strstr(keys, "$defs"));
  assert_null(strstr(keys, "prefixItems"));
  assert_null(strstr(keys, "unevaluatedProperties"));
  assert_null(strstr(keys, "dependentRequired"));
  assert_non_null(strstr(keys, "definitions"));
  assert_non_null(strstr(keys, "additionalItems"));
  assert_non_null(strstr(keys, "if"));
  assert_non_null(strstr(keys, "minLength"));
}

/* A BOM (U+FEFF, one UTF-16 unit) before the '---' of line 0. */
#define BOMMED                                                               \
  "\"\\uFEFF---\\nmodel: googleai/gemini-2.5-flash\\ninput:\\n  schema:\\n"  \
  "    city: string\\n---\\nPlan {{city}}.\\n\""

static void
a_bom_before_the_header_keeps_it_a_header(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/trip.prompt";
  json_object *root;
  json_object *first;
  size_t i;

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, BOMMED);
  settle(h);

  assert_string_equal(ask_in(h, uri, "textDocument/hover", 6, 8, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"contents\":{\"kind\":"
    "\"markdown\",\"value\":\"**city** \xC2\xB7 input \xC2\xB7 `string`\\n\\n"
    "Declared in `input.schema` \xC2\xB7 read 1 time by the template\"},"
    "\"range\":" RANGE(6, 7, 6, 11) "}}");
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"textDocument/documentSymbol\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/trip.prompt\"}}}");
  root = json_tokener_parse(next(h, &i));
  first = json_object_array_get_idx(json_object_object_get(root, "result"),
                                    0);

  /* The header starts after the BOM: character 1 of line 0. */
  assert_string_equal(json_object_get_string(
                        json_object_object_get(first, "name")), "frontmatter");
  assert_string_equal(json_object_to_json_string_ext(
                        json_object_object_get(first, "range"),
                        JSON_C_TO_STRING_PLAIN), RANGE(0, 1, 5, 3));
  assert_string_equal(json_object_to_json_string_ext(
                        json_object_object_get(first, "selectionRange"),
                        JSON_C_TO_STRING_PLAIN), RANGE(0, 1, 0, 4));
  json_object_put(root);
}

#define REFUSED(code, msg)                                                   \
  "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":" #code ",\"message\":" \
  "\"" msg "\"}}"

static void
rename_refuses_keywords_and_names_in_use(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/prompts/summary.prompt";

  start(h);

  /* Line 10 reads "🌍 Plan {{ city }} — {{city|upper}}." and line 11
   * "{% for d in days %}{{ d }}{% endfor %}". */
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"not\""),
    REFUSED(-32803, "'not' is a Jinja keyword, so no variable can be named "
            "so"));
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"None\""),
    REFUSED(-32803, "'None' is a Jinja keyword, so no variable can be named "
            "so"));
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"loop\""),
    REFUSED(-32803, "'loop' is a name Jinja gives a value itself, so no "
            "variable can be named so"));
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"days\""),
    REFUSED(-32803, "'days' is already a variable here: renaming 'city' to "
            "it would merge the two into one"));
  assert_string_equal(ask(h, "textDocument/rename", 11, 14,
                          ",\"newName\":\"city\""),
    REFUSED(-32803, "'city' is already a variable here: renaming 'days' to "
            "it would merge the two into one"));
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"d\""),
    REFUSED(-32803, "'d' is a name the template binds itself (a loop "
            "variable or a set): where both are seen, 'city' renamed to it "
            "would read that instead"));
  assert_string_equal(ask(h, "textDocument/prepareRename", 11, 10, ""),
    REFUSED(-32803, "'in' is a Jinja keyword, not a variable: there is "
            "nothing to rename"));
  /* Renaming to its own name changes nothing, and is no merge. */
  assert_string_equal(ask(h, "textDocument/rename", 10, 24,
                          ",\"newName\":\"city\""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"changes\":{"
    "\"file:///ws/trip.prompty\":[{\"range\":" RANGE(3, 2, 3, 6)
    ",\"newText\":\"city\"},{\"range\":" RANGE(7, 2, 7, 6) ",\"newText\":"
    "\"city\"},{\"range\":" RANGE(10, 11, 10, 15) ",\"newText\":\"city\"},"
    "{\"range\":" RANGE(10, 23, 10, 27) ",\"newText\":\"city\"}]}}}");

  /* Dotprompt: a helper's name would call the helper. */
  open_doc(h, uri, SUMMARY);
  settle(h);
  assert_string_equal(ask_in(h, uri, "textDocument/rename", 10, 3,
                             ",\"newName\":\"json\""),
    REFUSED(-32803, "'json' is a Handlebars helper (the tag would call it), "
            "so no variable can be named so"));
  assert_string_equal(ask_in(h, uri, "textDocument/rename", 10, 3,
                             ",\"newName\":\"this\""),
    REFUSED(-32803, "'this' is a Handlebars literal, so no variable can be "
            "named so"));

  /* A test's variable renamed to another of the same test. */
  open_doc(h, "file:///ws/promptfooconfig.yaml",
           "\"prompts:\\n  - file://p.txt\\nproviders:\\n  - echo\\n"
           "tests:\\n  - vars:\\n      a: 1\\n      b: 2\\n\"");
  settle(h);
  assert_string_equal(ask_in(h, "file:///ws/promptfooconfig.yaml",
                             "textDocument/rename", 6, 6,
                             ",\"newName\":\"b\""),
    REFUSED(-32803, "'b' is already a variable here: renaming 'a' to it "
            "would merge the two into one"));
}

/* Line 6 reads '{{ role "system" }}', 8 '{{#role "user"}}', 9
 * '{{text}} {{ na' and 10 '{{/role}}'. */
#define SPACED                                                               \
  "\"---\\ninput:\\n  schema:\\n    text: string\\n    name: string\\n---\\n"  \
  "{{ role \\\"system\\\" }}\\nSummarise.\\n{{#role \\\"user\\\"}}\\n{{text}} " \
  "{{ na\\n{{/role}}\\n\""

static void
dotprompt_role_tags_with_blanks_and_half_typed_names(void **state)
{
  struct harness *h = *state;
  const char *uri = "file:///ws/spaced.prompt";
  json_object *root;
  json_object *list;
  char text[512];
  size_t len = 0;
  size_t i;

  initialize(h, "[\"utf-16\"]");
  open_doc(h, uri, SPACED);
  settle(h);
  i = h->nout;
  feed(h, "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"textDocument/documentSymbol\","
          "\"params\":{\"textDocument\":{\"uri\":\"file:///ws/spaced.prompt\"}}}");
  root = json_tokener_parse(next(h, &i));
  list = json_object_object_get(root, "result");
  symbols_text(list, text, sizeof text, &len);

  assert_string_equal(text, "frontmatter/3[input/7[schema/7]] system/19 "
                      "user/19 text/13");
  /* Each role block starts at its tag's first '{'. */
  for (size_t k = 1; k <= 2; k++) {
    json_object *sym = json_object_array_get_idx(list, k);
    char both[256];

    snprintf(both, sizeof both, "%s %s",
             json_object_to_json_string_ext(json_object_object_get(sym,
                                            "range"), JSON_C_TO_STRING_PLAIN),
             json_object_to_json_string_ext(json_object_object_get(sym,
                                            "selectionRange"),
                                            JSON_C_TO_STRING_PLAIN));
    assert_string_equal(both, k == 1
                        ? RANGE(6, 0, 7, 10) " " RANGE(6, 9, 6, 15)
                        : RANGE(8, 0, 10, 9) " " RANGE(8, 9, 8, 13));
  }
  json_object_put(root);
  /* The textEdit replaces the "na" typed so far. */
  assert_string_equal(ask_in(h, uri, "textDocument/completion", 9, 14, ""),
    "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":[{\"label\":\"text\",\"kind\":6,"
    "\"detail\":\"string\",\"textEdit\":{\"range\":" RANGE(9, 12, 9, 14)
    ",\"newText\":\"text\"}},{\"label\":\"name\",\"kind\":6,\"detail\":"
    "\"string\",\"textEdit\":{\"range\":" RANGE(9, 12, 9, 14) ",\"newText\":"
    "\"name\"}}]}");
  /* Inside '{{#role "us' the role names complete, over "us". */
  assert_string_equal(labels(ask_in(h, uri, "textDocument/completion", 8, 11,
                                    "")), "user,model,tool,system");
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    T(hover_on_a_variable_shows_its_declaration),
    T(definition_goes_to_the_input),
    T(references_find_every_read_and_declaration),
    T(rename_changes_the_body_and_the_header),
    T(completion_offers_variables_inside_a_tag),
    T(completion_offers_keys_and_values_of_the_header),
    T(completion_leaves_out_what_is_already_there),
    T(completion_replaces_a_whole_name_past_ascii),
    T(symbols_show_header_roles_and_variables),
    T(folds_cover_the_header_roles_and_blocks),
    T(completion_in_a_vscode_prompt_file),
    T(dotprompt_output_formats_and_role_symbols),
    T(github_models_evaluators_read_test_data),
    T(dotprompt_role_helper_completes_roles),
    T(definition_of_a_prompt_file_input_is_its_first_use),
    T(schema_completion_follows_position_and_draft),
    T(a_bom_before_the_header_keeps_it_a_header),
    T(rename_refuses_keywords_and_names_in_use),
    T(dotprompt_role_tags_with_blanks_and_half_typed_names),
#undef T
    cmocka_unit_test(diagnostic_text_is_the_json_of_its_object),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
