/* YAML and JSON trees with exact spans: analyzers/yaml.c and ts_tree.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "arena.h"
#include "diag.h"
#include "json_syntax.h"
#include "tree.h"

struct parsed {
  struct source src;
  struct arena arena;
  struct diag_list diags;
  struct node *root;
};

static void
parse(struct parsed *p, const char *text, int json)
{
  source_init(&p->src, text, strlen(text));
  arena_init(&p->arena, 0);
  diag_list_init(&p->diags, &p->arena);
  if (json)
    json_parse(&p->arena, &p->src, span_make(0, p->src.len), &p->diags,
               &p->root);
  else
    yaml_parse(&p->arena, &p->src, span_make(0, p->src.len), &p->diags,
               &p->root);
}

static void
release(struct parsed *p)
{
  diag_list_release(&p->diags);
  arena_release(&p->arena);
  source_release(&p->src);
}

/* "line:col-line:col code: message" of diagnostic i, 1-based columns. */
static const char *
describe(struct parsed *p, size_t i)
{
  static char out[512];
  const struct diagnostic *d = &p->diags.items[i];
  uint32_t l0, c0, l1, c1;

  source_line_col(&p->src, d->span.start, &l0, &c0);
  source_line_col(&p->src, d->span.end, &l1, &c1);
  snprintf(out, sizeof out, "%u:%u-%u:%u %s: %s", l0, c0, l1, c1,
           diag_code_info(d->code)->name, d->message);
  return out;
}

static void
yaml_values_carry_byte_spans_past_multibyte_text(void **state)
{
  const char *text = "title: \"\xC3\xA9\xF0\x9F\x98\x80\"\r\nmodel: gpt-4o\r\n";
  struct parsed p;
  const struct node *model;

  (void)state;
  parse(&p, text, 0);
  model = node_get(p.root, "model");

  assert_non_null(model);
  assert_string_equal(node_str(model), "gpt-4o");
  assert_int_equal(model->span.start, 24);
  assert_int_equal(model->span.end, 30);
  assert_int_equal(node_get_key(p.root, "model")->span.start, 17);
  assert_int_equal(p.diags.count, 0);
  release(&p);
}

static void
yaml_scalars_resolve_by_the_core_schema(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "a: 1\nb: 2.5\nc: true\nd: ~\ne: '3'\nf: 0x1F\ng: yes\n", 0);

  assert_int_equal(node_get(p.root, "a")->type, SCALAR_INT);
  assert_int_equal(node_get(p.root, "b")->type, SCALAR_FLOAT);
  assert_int_equal(node_get(p.root, "c")->type, SCALAR_BOOL);
  assert_int_equal(node_get(p.root, "d")->type, SCALAR_NULL);
  assert_int_equal(node_get(p.root, "e")->type, SCALAR_STRING);
  assert_int_equal(node_get(p.root, "f")->type, SCALAR_INT);
  assert_int_equal(node_get(p.root, "g")->type, SCALAR_STRING);
  release(&p);
}

static void
yaml_repeated_keys_are_reported_at_the_repeat(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "name: a\nmodel: x\nname: b\n", 0);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "3:1-3:5 duplicate-key: key 'name' "
                      "is repeated; only its last value is used");
  assert_string_equal(node_str(node_get(p.root, "name")), "b");
  release(&p);
}

static void
yaml_syntax_error_is_exact_and_the_rest_still_parses(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "a: 1\nb: [x\nc: 3\nd:\n  e: true\n", 0);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0),
                      "3:2-3:3 yaml-syntax: did not find expected ',' or "
                      "']' (while parsing a flow sequence at line 2)");
  assert_string_equal(node_str(node_get(p.root, "c")), "3");
  assert_int_equal(node_get(node_get(p.root, "d"), "e")->type, SCALAR_BOOL);
  assert_true(p.root->flags & NODE_PARTIAL);
  release(&p);
}

/* Text after a flow collection or a quoted value: libyaml's words, and
 * what is wrong. The first is google/dotprompt's
 * packages/codemirror/samples/10-kitchen-sink.prompt (Apache-2.0), line 33. */
static void
yaml_text_after_a_closed_value_says_so(void **state)
{
  static const struct {
    const char *text;
    const char *want;
  } cases[] = {
    { "input:\n  schema:\n    teamMembers: { name: string, role: string }[]"
      "\n", "3:48-3:49 yaml-syntax: did not find expected key (while parsing "
      "a block mapping at line 3): after the '}' that ends a flow mapping, "
      "only a comment may follow on the line (quote the value if it is "
      "text)" },
    { "tags: [a, b] and c\n", "1:14-1:15 yaml-syntax: did not find expected "
      "key (while parsing a block mapping at line 1): after the ']' that "
      "ends a flow sequence, only a comment may follow on the line (quote "
      "the value if it is text)" },
    { "description: \"Hi\" there\n", "1:19-1:20 yaml-syntax: did not find "
      "expected key (while parsing a block mapping at line 1): after the "
      "quote that ends a quoted value, only a comment may follow on the "
      "line (quote all of the value)" },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct parsed p;

    parse(&p, cases[i].text, 0);
    assert_int_equal(p.diags.count, 1);
    assert_string_equal(describe(&p, 0), cases[i].want);
    release(&p);
  }
}

static void
yaml_aliases_point_at_their_anchor_without_copying(void **state)
{
  struct parsed p;
  const struct node *b;

  (void)state;
  parse(&p, "a: &x {k: v}\nb: *x\nc: *nope\n", 0);
  b = node_get(p.root, "b");

  assert_ptr_equal(b, node_get(p.root, "a"));
  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "3:4-3:9 yaml-syntax: alias '*nope' "
                      "names no anchor defined before it");
  release(&p);
}

static void
yaml_billion_laughs_costs_one_node_per_alias(void **state)
{
  char text[4096];
  size_t n = 0;
  struct parsed p;

  (void)state;
  n += (size_t)snprintf(text + n, sizeof text - n, "a0: &a0 [x, x]\n");
  for (int i = 1; i < 30; i++)
    n += (size_t)snprintf(text + n, sizeof text - n,
                          "a%d: &a%d [*a%d, *a%d, *a%d, *a%d]\n", i, i,
                          i - 1, i - 1, i - 1, i - 1);
  parse(&p, text, 0);

  /* a7 expands to 54613 values: its fourth use in a8 passes 2^18. */
  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0),
                      "9:25-9:28 alias-expansion: alias '*a7' would expand "
                      "the document past 262144 values (aliases nested in "
                      "aliases multiply); it is read as empty, as is every "
                      "later alias past the limit");
  assert_int_equal(p.root->count, 30);
  assert_true(p.arena.used < 64 * 1024);
  release(&p);
}

/* What a walk that follows aliases visits, capped at limit. */
static uint64_t
expanded(const struct node *n, uint64_t limit)
{
  uint64_t total = 1;

  n = node_resolve(n);
  if (!n || n->kind == NODE_SCALAR)
    return 1;
  for (uint32_t i = 0; i < (n->kind == NODE_MAP ? 2 * n->count : n->count) &&
                       total < limit; i++)
    total += expanded(n->u.items[i], limit - total);
  return total;
}

static void
yaml_alias_past_the_expansion_limit_reads_as_empty(void **state)
{
  const char *bomb =
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
    "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
    "j: *a\n";
  struct parsed p;
  const struct node *f;

  (void)state;
  parse(&p, bomb, 0);
  f = node_get(p.root, "f");

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0),
                      "6:16-6:18 alias-expansion: alias '*e' would expand "
                      "the document past 262144 values (aliases nested in "
                      "aliases multiply); it is read as empty, as is every "
                      "later alias past the limit");
  /* The first two uses of e fit; the third is cut. */
  assert_int_equal(f->u.items[1]->kind, NODE_ALIAS);
  assert_int_equal(f->u.items[2]->kind, NODE_SCALAR);
  assert_int_equal(f->u.items[2]->type, SCALAR_NULL);
  assert_true(f->u.items[2]->flags & NODE_PARTIAL);
  /* An alias small enough still resolves after the cut. */
  assert_string_equal(node_str(node_get(p.root, "j")->u.items[0]), "x");
  assert_true(expanded(p.root, UINT64_MAX) <= yaml_expansion_limit(
                                               (uint32_t)strlen(bomb)));
  release(&p);
}

static void
yaml_long_text_counts_towards_the_expansion_limit(void **state)
{
  static char text[16384];
  char word[1025];
  struct parsed p;
  size_t n = 0;

  (void)state;
  memset(word, 'w', sizeof word - 1);
  word[sizeof word - 1] = '\0';
  /* 1 KiB of text is 33 values: d (72,991 values) fits twice in e, not
   * three times. */
  n += (size_t)snprintf(text + n, sizeof text - n, "a: &a [%s, %s, %s]\n",
                        word, word, word);
  n += (size_t)snprintf(text + n, sizeof text - n,
                        "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                        "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n");
  parse(&p, text, 0);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0),
                      "5:16-5:18 alias-expansion: alias '*d' would expand "
                      "the document past 262144 values (aliases nested in "
                      "aliases multiply); it is read as empty, as is every "
                      "later alias past the limit");
  release(&p);
}

static void
yaml_aliases_of_a_real_config_are_not_cut(void **state)
{
  static char text[1 << 20];
  struct parsed p;
  size_t n = 0;

  (void)state;
  /* 2,000 tests, each taking the same 40 values by alias (80,000 values
   * in all): heavy use, but not a bomb. */
  n += (size_t)snprintf(text + n, sizeof text - n, "defaults: &d\n");
  for (int i = 0; i < 20; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, "  k%d: v\n", i);
  n += (size_t)snprintf(text + n, sizeof text - n, "tests:\n");
  for (int i = 0; i < 2000; i++)
    n += (size_t)snprintf(text + n, sizeof text - n, "  - vars: *d\n");
  parse(&p, text, 0);

  assert_int_equal(p.diags.count, 0);
  assert_int_equal(node_get(p.root, "tests")->u.items[1999]->u.items[1]->kind,
                   NODE_ALIAS);
  release(&p);
}

static void
nesting_past_the_limit_is_one_diagnostic(void **state)
{
  char text[2 * TREE_DEPTH_MAX + 64];
  struct parsed p;
  size_t n = 0;

  (void)state;
  for (int i = 0; i < TREE_DEPTH_MAX + 10; i++)
    text[n++] = '[';
  for (int i = 0; i < TREE_DEPTH_MAX + 10; i++)
    text[n++] = ']';
  text[n] = '\0';
  parse(&p, text, 0);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "1:129-1:129 too-deep: nesting deeper "
                      "than 128 levels is not analysed");
  release(&p);
}

static void
deep_flow_nesting_stops_at_the_limit_quickly(void **state)
{
  size_t n = 200000;
  char *text = malloc(2 * n + 8);
  struct parsed p;

  (void)state;
  memcpy(text, "a: ", 3);
  memset(text + 3, '[', n);
  memset(text + 3 + n, ']', n);
  strcpy(text + 3 + 2 * n, "\n");
  parse(&p, text, 0);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "1:131-1:131 too-deep: nesting "
                      "deeper than 128 levels is not analysed");
  assert_true(node_get(p.root, "a")->flags & NODE_PARTIAL);
  release(&p);
  free(text);
}

/* tree-sitter's JSON parser corrupted its heap on 70,000 open brackets
 * (and crashed at 65,535): JSON past json-c's depth is one finding, no
 * tree, whether or not it is closed, strings not counted. */
static void
deep_json_is_one_finding_without_a_parse(void **state)
{
  static const size_t depths[] = { 300, 65535, 70000 };

  (void)state;
  for (size_t k = 0; k < sizeof depths / sizeof *depths; k++) {
    size_t n = depths[k];
    char *text = malloc(2 * n + 16);
    struct parsed p;

    memcpy(text, "[\"[[\",", 6);
    memset(text + 6, '[', n);
    memset(text + 6 + n, ']', k == 0 ? n : 0);
    text[6 + n + (k == 0 ? n : 0)] = '\0';
    parse(&p, text, 1);
    assert_int_equal(p.diags.count, 1);
    assert_string_equal(describe(&p, 0), "1:134-1:134 too-deep: nesting "
                        "deeper than 128 levels is not analysed");
    assert_null(p.root);
    release(&p);
    free(text);
  }
}

static void
blank_json_in_a_buffer_without_a_nul_is_empty(void **state)
{
  char *text = malloc(3);
  struct parsed p;

  (void)state;
  memcpy(text, "  \n", 3);
  source_init(&p.src, text, 3);
  arena_init(&p.arena, 0);
  diag_list_init(&p.diags, &p.arena);

  json_parse(&p.arena, &p.src, span_make(0, 3), &p.diags, &p.root);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "1:1-1:1 json-syntax: the file is "
                      "empty: a JSON document needs a value");
  release(&p);
  free(text);
}

static void
json_strings_decode_escapes_and_surrogate_pairs(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"a\": \"x\\ud83d\\ude00\\n\\u00e9\\/\\ud800z\"}", 1);

  assert_int_equal(p.diags.count, 0);
  assert_string_equal(node_str(node_get(p.root, "a")),
                      "x\xF0\x9F\x98\x80\n\xC3\xA9/\xEF\xBF\xBDz");
  release(&p);
}

static void
json_numbers_and_literals_are_typed(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"i\": -3, \"f\": 2e5, \"t\": true, \"n\": null, \"s\": \"1\"}",
        1);

  assert_int_equal(node_get(p.root, "i")->type, SCALAR_INT);
  assert_int_equal(node_get(p.root, "f")->type, SCALAR_FLOAT);
  assert_int_equal(node_get(p.root, "t")->type, SCALAR_BOOL);
  assert_int_equal(node_get(p.root, "n")->type, SCALAR_NULL);
  assert_int_equal(node_get(p.root, "s")->type, SCALAR_STRING);
  release(&p);
}

static void
json_first_syntax_error_is_reported_once(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\n  \"a\": 1,\n  // note\n  \"b\": [1, 2,],\n}", 1);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "3:3-3:5 json-syntax: comments are "
                      "not allowed in JSON");
  assert_string_equal(node_str(node_get(p.root, "a")), "1");
  release(&p);
}

static void
json_trailing_comma_points_at_the_comma(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"tags\": [\"a\", \"b\",]}", 1);

  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "1:19-1:20 json-syntax: trailing "
                      "comma before ']'");
  release(&p);
}

static void
json_missing_comma_points_at_the_next_key(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"a\": 1\n \"b\": 2}", 1);

  assert_string_equal(describe(&p, 0), "2:2-2:3 json-syntax: expected ',' "
                      "or '}' after the value before this");
  release(&p);
}

/* Cut short, the message says what is left open, at the end. */
static void
json_cut_short_is_reported_at_the_end(void **state)
{
  static const struct {
    const char *text;
    const char *want;
  } cases[] = {
    { "{\"a\": [1, 2", "1:12-1:12 json-syntax: the JSON ends too early: "
      "an array is not closed with ']'" },
    { "[{\"a\": 1}, {\"b\": [2]", "1:21-1:21 json-syntax: the JSON ends "
      "too early: an object is not closed with '}'" },
    { "{\"reasoning\": ", "1:15-1:15 json-syntax: the JSON ends after ':' "
      "where the key's value belongs" },
    { "[1,\n", "2:1-2:1 json-syntax: the JSON ends after ',' where another "
      "value belongs" },
    { "{\"type\": \"object\",", "1:19-1:19 json-syntax: the JSON ends after "
      "',' where the next key belongs" },
    { "{\"a\": \"x\\\"y ]}", "1:15-1:15 json-syntax: the JSON ends inside "
      "a string: its closing '\"' is missing" },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct parsed p;

    parse(&p, cases[i].text, 1);
    assert_int_equal(p.diags.count, 1);
    assert_string_equal(describe(&p, 0), cases[i].want);
    release(&p);
  }
}

static void
json_bad_literal_is_named_whole(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"strict\": tru}", 1);

  assert_string_equal(describe(&p, 0), "1:12-1:15 json-syntax: 'tru' is not "
                      "a JSON value (a string, number, object, array, true, "
                      "false or null)");
  release(&p);
}

/* RFC 8259's numbers: a signed exponent is one (tree-sitter-json read
 * "1e+2" as 1 and an error). */
static void
json_numbers_take_every_form_rfc_8259_allows(void **state)
{
  static const struct {
    const char *text;
    int type;
  } cases[] = {
    { "1e+2", SCALAR_FLOAT }, { "1E+2", SCALAR_FLOAT },
    { "2.5e-3", SCALAR_FLOAT }, { "-0", SCALAR_INT },
    { "0.5E-10", SCALAR_FLOAT }, { "1e2", SCALAR_FLOAT },
    { "-1.25e+300", SCALAR_FLOAT }, { "0", SCALAR_INT },
    { "18446744073709551617", SCALAR_INT },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    char text[64];
    struct parsed p;

    snprintf(text, sizeof text, "{\"n\": [%s]}", cases[i].text);
    parse(&p, text, 1);
    assert_int_equal(p.diags.count, 0);
    assert_int_equal(node_get(p.root, "n")->count, 1);
    assert_string_equal(node_str(node_get(p.root, "n")->u.items[0]),
                        cases[i].text);
    assert_int_equal(node_get(p.root, "n")->u.items[0]->type, cases[i].type);
    release(&p);
  }
}

/* A document that is one scalar, with no newline after it. */
static void
json_bare_scalars_parse_without_a_newline(void **state)
{
  static const struct {
    const char *text;
    const char *value;
    int type;
  } cases[] = {
    { "42", "42", SCALAR_INT }, { "true", "true", SCALAR_BOOL },
    { "null", "null", SCALAR_NULL }, { "\"x\"", "x", SCALAR_STRING },
    { "1e+2", "1e+2", SCALAR_FLOAT }, { " -7 ", "-7", SCALAR_INT },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct parsed p;
    struct json_object *v = NULL;

    parse(&p, cases[i].text, 1);
    assert_int_equal(p.diags.count, 0);
    assert_non_null(p.root);
    assert_string_equal(node_str(p.root), cases[i].value);
    assert_int_equal(p.root->type, cases[i].type);
    release(&p);
    assert_true(json_text_parse(cases[i].text,
                                (uint32_t)strlen(cases[i].text), &v, NULL));
    json_object_put(v);
  }
}

/* What RFC 8259 refuses is a syntax error on exactly the bytes at fault,
 * whatever json-c or tree-sitter would have taken. */
static void
json_invalid_text_is_an_error_at_its_bytes(void **state)
{
  static const struct {
    const char *text;
    const char *want;
  } cases[] = {
    { "[1.]", "1:2-1:4 json-syntax: '1.' is not a JSON number: a JSON "
      "number needs a digit after '.' (write 1.0 or 1, not 1.)" },
    { "[1.e5]", "1:2-1:6 json-syntax: '1.e5' is not a JSON number: a JSON "
      "number needs a digit after '.' (write 1.0 or 1, not 1.)" },
    { "[01]", "1:2-1:4 json-syntax: '01' is not a JSON number: a JSON "
      "number has no leading zeros" },
    { "[-01]", "1:2-1:5 json-syntax: '-01' is not a JSON number: a JSON "
      "number has no leading zeros" },
    { "[.5]", "1:2-1:4 json-syntax: '.5' is not a JSON number: a JSON "
      "number needs a digit before '.' (write 0.5, not .5)" },
    { "[+1]", "1:2-1:4 json-syntax: '+1' is not a JSON number: a JSON "
      "number has no '+' sign" },
    { "[1e+]", "1:2-1:5 json-syntax: '1e+' is not a JSON number: the "
      "exponent of a JSON number needs a digit (1e5, 1e+5, 1e-5)" },
    { "[-]", "1:2-1:3 json-syntax: '-' is not a JSON number: '-' must be "
      "followed by a digit" },
    { "[0x10]", "1:2-1:6 json-syntax: '0x10' is not a JSON value (a string, "
      "number, object, array, true, false or null)" },
    { "{\"a\": NaN}", "1:7-1:10 json-syntax: 'NaN' is not a JSON value: "
      "JSON has no NaN or Infinity (write null, or the value as a string)" },
    { "[1, -Infinity]", "1:5-1:14 json-syntax: '-Infinity' is not a JSON "
      "value: JSON has no NaN or Infinity (write null, or the value as a "
      "string)" },
    { "{\"a\": \"x\ty\"}", "1:9-1:10 json-syntax: a tab inside a JSON "
      "string must be escaped: write it as \\t" },
    { "[\"a\x01\"]", "1:4-1:5 json-syntax: a control character inside a "
      "JSON string must be escaped: write it as \\u0001" },
    { "[\"ab\ncd\"]", "1:2-1:5 json-syntax: the string is not closed on its "
      "line: a JSON string cannot hold a line break (write it as \\n), so "
      "its closing '\"' is missing" },
    { "[\"\\q\"]", "1:3-1:5 json-syntax: invalid escape '\\q' in a string: "
      "JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX (write '\\\\' "
      "for a backslash)" },
    { "[\"\\u12G4\"]", "1:3-1:7 json-syntax: invalid escape '\\u12' in a "
      "string: \\u takes four hex digits" },
    { "{a: 1}", "1:2-1:3 json-syntax: 'a' is not a JSON key: keys are "
      "strings in double quotes" },
    { "{'a': 1}", "1:2-1:5 json-syntax: JSON strings are written in double "
      "quotes, not single" },
    { "[1 @]", "1:4-1:5 json-syntax: expected ',' or ']' after the value "
      "before this" },
    { "[@]", "1:2-1:3 json-syntax: unexpected '@': a JSON value is a "
      "string, number, object, array, true, false or null" },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    struct parsed p;

    parse(&p, cases[i].text, 1);
    assert_int_equal(p.diags.count, 1);
    assert_string_equal(describe(&p, 0), cases[i].want);
    release(&p);
  }
}

/* Bytes that are not UTF-8 inside a string: RFC 8259 requires UTF-8,
 * and facet validate reads files as they are. The range is the bad bytes
 * (0xFF 0xFE; a UTF-8-encoded surrogate, which counts as one column). */
static void
json_bytes_that_are_not_utf8_are_an_error(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"a\": \"\xC3\xA9x\xFF\xFEy\"}", 1);
  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "1:10-1:12 json-syntax: bytes that "
                      "are not UTF-8 in a string: JSON text is UTF-8");
  release(&p);
  parse(&p, "[\"\xED\xA0\x80\"]", 1);
  assert_int_equal(p.diags.count, 1);
  assert_string_equal(describe(&p, 0), "1:3-1:4 json-syntax: bytes that "
                      "are not UTF-8 in a string: JSON text is UTF-8");
  release(&p);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(yaml_values_carry_byte_spans_past_multibyte_text),
    cmocka_unit_test(yaml_scalars_resolve_by_the_core_schema),
    cmocka_unit_test(yaml_repeated_keys_are_reported_at_the_repeat),
    cmocka_unit_test(yaml_syntax_error_is_exact_and_the_rest_still_parses),
    cmocka_unit_test(yaml_text_after_a_closed_value_says_so),
    cmocka_unit_test(yaml_aliases_point_at_their_anchor_without_copying),
    cmocka_unit_test(yaml_billion_laughs_costs_one_node_per_alias),
    cmocka_unit_test(yaml_alias_past_the_expansion_limit_reads_as_empty),
    cmocka_unit_test(yaml_long_text_counts_towards_the_expansion_limit),
    cmocka_unit_test(yaml_aliases_of_a_real_config_are_not_cut),
    cmocka_unit_test(nesting_past_the_limit_is_one_diagnostic),
    cmocka_unit_test(deep_flow_nesting_stops_at_the_limit_quickly),
    cmocka_unit_test(deep_json_is_one_finding_without_a_parse),
    cmocka_unit_test(blank_json_in_a_buffer_without_a_nul_is_empty),
    cmocka_unit_test(json_strings_decode_escapes_and_surrogate_pairs),
    cmocka_unit_test(json_numbers_and_literals_are_typed),
    cmocka_unit_test(json_first_syntax_error_is_reported_once),
    cmocka_unit_test(json_trailing_comma_points_at_the_comma),
    cmocka_unit_test(json_missing_comma_points_at_the_next_key),
    cmocka_unit_test(json_cut_short_is_reported_at_the_end),
    cmocka_unit_test(json_bad_literal_is_named_whole),
    cmocka_unit_test(json_numbers_take_every_form_rfc_8259_allows),
    cmocka_unit_test(json_bare_scalars_parse_without_a_newline),
    cmocka_unit_test(json_invalid_text_is_an_error_at_its_bytes),
    cmocka_unit_test(json_bytes_that_are_not_utf8_are_an_error),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
