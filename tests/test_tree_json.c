/* The node tree as JSON values, and JSON pointers back to spans:
 * analyzers/tree_json.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "arena.h"
#include "diag.h"
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

/* The compact JSON of p's tree. */
static const char *
as_json(struct parsed *p)
{
  static char out[1024];
  size_t budget = NODE_JSON_BUDGET_DEFAULT;
  struct json_object *v = node_to_json(p->root, &budget);

  snprintf(out, sizeof out, "%s", json_object_to_json_string_ext(
             v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(v);
  return out;
}

/* "line:col text" of the node a pointer names (key: of the key). */
static const char *
at(struct parsed *p, const char *pointer, bool key)
{
  static char out[256];
  const struct node *n = node_at_pointer(p->root, pointer, &key);
  uint32_t line, col;

  if (!n)
    return "(none)";
  source_line_col(&p->src, n->span.start, &line, &col);
  snprintf(out, sizeof out, "%u:%u %.*s%s", line, col,
           (int)(n->span.end - n->span.start), p->src.text + n->span.start,
           key ? " (key)" : "");
  return out;
}

static void
yaml_scalars_become_typed_values(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "s: '1'\ni: 0x1F\nf: 2.50\nb: true\nn: ~\nbig: "
            "123456789012345678901234567890\nlist: [a, 1]\n", 0);

  assert_string_equal(as_json(&p), "{\"s\":\"1\",\"i\":31,\"f\":2.50,"
                      "\"b\":true,\"n\":null,\"big\":"
                      "123456789012345678901234567890,\"list\":[\"a\",1]}");
  release(&p);
}

static void
json_numbers_keep_their_text(void **state)
{
  struct parsed p;
  struct json_object *v;
  size_t budget = NODE_JSON_BUDGET_DEFAULT;

  (void)state;
  parse(&p, "[18446744073709551615, -9223372036854775808, 1.0, 1e400]", 1);
  v = node_to_json(p.root, &budget);

  assert_int_equal(json_object_get_type(json_object_array_get_idx(v, 0)),
                   json_type_int);
  assert_true(json_object_get_uint64(json_object_array_get_idx(v, 0)) ==
              UINT64_MAX);
  assert_true(json_object_get_int64(json_object_array_get_idx(v, 1)) ==
              INT64_MIN);
  assert_string_equal(json_object_get_userdata(
                        json_object_array_get_idx(v, 2)), "1.0");
  assert_string_equal(json_object_get_userdata(
                        json_object_array_get_idx(v, 3)), "1e400");
  json_object_put(v);
  release(&p);
}

static void
aliases_are_expanded(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "base: &b {x: 1}\nuse: *b\n", 0);

  assert_string_equal(as_json(&p), "{\"base\":{\"x\":1},\"use\":{\"x\":1}}");
  release(&p);
}

static void
alias_bombs_run_out_of_budget(void **state)
{
  const char *bomb =
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
    "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
  struct parsed p;
  size_t budget = 100000;

  (void)state;
  parse(&p, bomb, 0);

  assert_null(node_to_json(p.root, &budget));
  assert_int_equal(budget, 0);
  release(&p);
}

static void
a_budget_that_suffices_is_never_spent(void **state)
{
  struct parsed p;
  size_t budget = 4;
  struct json_object *v;

  (void)state;
  parse(&p, "[1, 2]", 1);
  v = node_to_json(p.root, &budget);

  assert_int_equal(budget, 1);
  assert_int_equal(json_object_array_length(v), 2);
  json_object_put(v);
  budget = 3;
  assert_null(node_to_json(p.root, &budget));
  assert_int_equal(budget, 0);
  release(&p);
}

static void
pointers_find_yaml_nodes_past_crlf_and_emoji(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "title: \"\xF0\x9F\x98\x80\"\r\nitems:\r\n  - name: a\r\n"
            "  - name: \xC3\xA9t\xC3\xA9\r\n", 0);

  assert_string_equal(at(&p, "/items/1/name", false), "4:11 \xC3\xA9t\xC3\xA9");
  assert_string_equal(at(&p, "/items/1/name", true), "4:5 name (key)");
  assert_string_equal(at(&p, "/title", false), "1:8 \"\xF0\x9F\x98\x80\"");
  assert_string_equal(at(&p, "/items/2", false), "(none)");
  assert_string_equal(at(&p, "/items/1/age", false), "(none)");
  release(&p);
}

static void
pointers_find_json_nodes_with_escapes(void **state)
{
  struct parsed p;

  (void)state;
  parse(&p, "{\"a/b\": {\"~x\": [10, \"\xF0\x9F\x98\x80\", 30]},\r\n"
            " \"\": 1}", 1);

  assert_string_equal(at(&p, "/a~1b/~0x/2", false), "1:26 30");
  assert_string_equal(at(&p, "/a~1b/~0x", true), "1:10 \"~x\" (key)");
  assert_string_equal(at(&p, "/a~1b/~0x/1", true), "1:21 \"\xF0\x9F\x98\x80\"");
  assert_string_equal(at(&p, "/", false), "2:6 1");
  assert_string_equal(at(&p, "", false), at(&p, "", true));
  assert_string_equal(at(&p, "/a~1b/~0x/01", false), "(none)");
  assert_string_equal(at(&p, "a", false), "(none)");
  release(&p);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(yaml_scalars_become_typed_values),
    cmocka_unit_test(json_numbers_keep_their_text),
    cmocka_unit_test(aliases_are_expanded),
    cmocka_unit_test(alias_bombs_run_out_of_budget),
    cmocka_unit_test(a_budget_that_suffices_is_never_spent),
    cmocka_unit_test(pointers_find_yaml_nodes_past_crlf_and_emoji),
    cmocka_unit_test(pointers_find_json_nodes_with_escapes),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
