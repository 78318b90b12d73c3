/*
 * Template parsing: which names a template reads (with the exact span of
 * each read), its blocks, and the tag mistakes each engine refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "artifact.h"
#include "buf.h"
#include "template.h"

/* Parses text whole as a template of dialect; markdown marks fences. */
static struct artifact *
parse(const char *text, enum template_dialect dialect, bool markdown)
{
  struct template_options opts = { .markdown = markdown };
  struct artifact *a = artifact_analyze(NULL, text, strlen(text), NULL);

  assert_non_null(a);
  template_parse(a, dialect, span_make(0, a->src.len), &opts);
  diag_list_sort(&a->diags);
  return a;
}

/* "name@L:C" for every use, in order, space-separated. */
static const char *
uses(const struct artifact *a)
{
  static char out[1024];
  size_t len = 0;

  out[0] = '\0';
  for (size_t i = 0; i < a->nuses && len < sizeof out; i++) {
    uint32_t line;
    uint32_t col;

    source_line_col(&a->src, a->uses[i].span.start, &line, &col);
    len += (size_t)snprintf(out + len, sizeof out - len, "%s%s@%u:%u",
                            i ? " " : "", a->vars[a->uses[i].var].name,
                            line, col);
  }
  return out;
}

/* "code L:C-L:C message" of every diagnostic, joined by " | ". */
static const char *
diags(const struct artifact *a)
{
  static char out[2048];
  size_t len = 0;

  out[0] = '\0';
  for (size_t i = 0; i < a->diags.count && len < sizeof out; i++) {
    const struct diagnostic *d = &a->diags.items[i];
    uint32_t l0, c0, l1, c1;

    source_line_col(&a->src, d->span.start, &l0, &c0);
    source_line_col(&a->src, d->span.end, &l1, &c1);
    len += (size_t)snprintf(out + len, sizeof out - len, "%s%s %u:%u-%u:%u %s",
                            i ? " | " : "", diag_code_info(d->code)->name,
                            l0, c0, l1, c1, d->message);
  }
  return out;
}

static void
jinja_reads_names_not_attributes_filters_tests_or_calls(void **state)
{
  struct artifact *a = parse("{{ user.name | upper }} {{ x if y else z }}\n"
                             "{{ f(a, k=b) }} {{ c is defined }} {{ 'd' }}"
                             " {{ loop.index }}", TEMPLATE_JINJA, false);

  (void)state;
  assert_string_equal(uses(a), "user@1:4 x@1:28 y@1:33 z@1:40 a@2:6 b@2:11 "
                               "c@2:20");
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

/* Jinja's global functions are not inputs, called or read as values. */
static void
jinja_globals_are_not_inputs(void **state)
{
  struct artifact *a = parse("{{ xs | map(dict) }}{% set r = range %}"
                             "{{ lipsum }}{{ cycler }}{{ joiner }}"
                             "{{ namespace }}{{ dicts }}{{ range(n) }}",
                             TEMPLATE_JINJA, false);

  (void)state;
  assert_string_equal(uses(a), "xs@1:4 dicts@1:94 n@1:111");
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

static void
jinja_names_a_template_binds_are_not_inputs(void **state)
{
  struct artifact *a = parse(
    "{% for k, v in items|dictsort %}{{ k }}={{ v }}{% endfor %}\n"
    "{% set total = n + m %}{{ total }}\n"
    "{% macro row(p, q=r) %}{{ p }}{{ s }}{% endmacro %}\n"
    "{% raw %}{{ hidden }}{% endraw %}{{ k }}", TEMPLATE_JINJA, false);

  (void)state;
  assert_string_equal(uses(a), "items@1:16 n@2:16 m@2:20 r@3:19 s@3:34 "
                               "k@4:37");
  assert_true(a->vars[0].iterated);
  assert_int_equal(a->nblocks, 2);
  assert_string_equal(a->blocks[0].name, "for");
  assert_int_equal(a->blocks[0].close.start, 47);
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

static void
jinja_tag_mistakes_are_reported_at_the_tag(void **state)
{
  struct artifact *a = parse("{% if a %}\n{% for x in xs %}{{ x }}\n"
                             "{% endif %}\n{% endfor %}\n{% elif b %}\n"
                             "{% frobnicate %}\n{# note\n", TEMPLATE_JINJA,
                             false);

  (void)state;
  assert_string_equal(diags(a),
    "template-unclosed-block 2:1-2:18 '{% for %}' is never closed: add "
    "'{% endfor %}' before the '{% endif %}' on line 3 | "
    "template-unmatched-tag 4:1-4:13 '{% endfor %}' has no open "
    "'{% for %}' to end | "
    "template-unmatched-tag 5:1-5:13 '{% elif %}' is not inside an "
    "'{% if %}' | "
    "template-unknown-tag 6:1-6:17 unknown tag '{% frobnicate %}': Jinja "
    "refuses it unless an extension defines it | "
    "template-unterminated 7:1-7:3 '{#' is never closed: add '#}'");
  artifact_free(a);
}

/* Past the depth limit: one finding, and the closers of the blocks not
 * tracked close them, instead of each being a finding of its own. */
static void
blocks_past_the_depth_limit_are_one_finding(void **state)
{
  struct buf jinja, hbs;
  struct artifact *a, *h;

  (void)state;
  buf_init(&jinja, 4096);
  buf_init(&hbs, 4096);
  /* Six past the limit, which docs/diagnostics.md states (too-deep). */
  for (int i = 0; i < 134; i++) {
    buf_puts(&jinja, "{% if a %}");
    buf_puts(&hbs, "{{#if a}}");
  }
  for (int i = 0; i < 134; i++) {
    buf_puts(&jinja, "{% endif %}");
    buf_puts(&hbs, "{{/if}}");
  }
  buf_puts(&jinja, "{% endif %}");
  a = parse(jinja.data, TEMPLATE_JINJA, false);
  h = parse(hbs.data, TEMPLATE_HANDLEBARS, false);
  assert_string_equal(diags(a),
    "too-deep 1:1281-1:1291 blocks nested deeper than 128 levels are not "
    "analysed | template-unmatched-tag 1:2815-1:2826 '{% endif %}' has no "
    "open '{% if %}' to end");
  assert_string_equal(diags(h),
    "too-deep 1:1153-1:1162 blocks nested deeper than 128 levels are not "
    "analysed");
  artifact_free(a);
  artifact_free(h);
  buf_release(&jinja);
  buf_release(&hbs);
}

static void
jinja_unclosed_tags_and_blocks_at_the_end(void **state)
{
  struct artifact *a = parse("{% if a %}{{ b\n", TEMPLATE_JINJA, false);
  struct artifact *n = parse("{{ a {{ b }}", TEMPLATE_JINJA, false);

  (void)state;
  assert_string_equal(diags(a),
    "template-unclosed-block 1:1-1:11 '{% if %}' is never closed: add "
    "'{% endif %}' | "
    "template-unterminated 1:11-1:13 '{{' is never closed: add '}}'");
  assert_string_equal(diags(n), "template-unterminated 1:1-1:3 '{{' is not "
                      "closed before the next tag opens");
  assert_string_equal(uses(n), "b@1:9");
  artifact_free(a);
  artifact_free(n);
}

static void
tags_in_markdown_fences_are_examples(void **state)
{
  struct artifact *a = parse("Use it like this:\n```yaml\nrun: ${{ env.X\n"
                             "```\nThen {{ name }}.\n", TEMPLATE_JINJA, true);

  (void)state;
  assert_string_equal(diags(a), "");
  assert_string_equal(uses(a), "name@5:9");
  artifact_free(a);
}

static void
handlebars_reads_roots_and_skips_item_fields(void **state)
{
  struct artifact *a = parse(
    "{{#role \"system\"}}Hi {{user.name}}{{/role}}\n"
    "{{#each items}}- {{title}} {{@index}} {{@root.lang}}{{/each}}\n"
    "{{#if vip}}{{{raw}}}{{else}}{{json data indent=2}}{{/if}}\n"
    "{{!-- {{ignored}} --}}\\{{literal}} {{media url=photo}}",
    TEMPLATE_HANDLEBARS, false);

  (void)state;
  assert_string_equal(uses(a), "user@1:24 items@2:9 lang@2:47 vip@3:7 "
                               "raw@3:15 data@3:36 photo@4:48");
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

/* Handlebars names are any characters but white space and its
 * punctuation: "$", ":", "?" and letters past ASCII are part of them. */
static void
handlebars_names_as_handlebars_reads_them(void **state)
{
  struct artifact *a = parse("{{$price}} {{a:b}} {{ready?}} {{agé.x}} "
                             "{{#each días as |d|}}{{d}}{{/each}}",
                             TEMPLATE_HANDLEBARS, false);

  (void)state;
  assert_string_equal(uses(a), "$price@1:3 a:b@1:14 ready?@1:22 agé@1:33 "
                               "días@1:49");
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

static void
handlebars_tag_mistakes(void **state)
{
  struct artifact *a = parse("{{#if a}}\n{{#each xs}}\n{{/if}}\n{{/each}}\n"
                             "{{else}}\n{{shout a}}\n{{#loop b}}{{/loop}}\n"
                             "{{{x}}\n", TEMPLATE_HANDLEBARS, false);

  (void)state;
  assert_string_equal(diags(a),
    "template-unclosed-block 2:1-2:13 '{{#each}}' is never closed: add "
    "'{{/each}}' before the '{{/if}}' on line 3 | "
    "template-unmatched-tag 4:1-4:10 '{{/each}}' has no open '{{#each}}' to "
    "end | "
    "template-unmatched-tag 5:1-5:9 '{{else}}' is not inside a block | "
    "template-unknown-tag 6:3-6:8 'shout' is not a Dotprompt helper: unless "
    "your code registers it, Dotprompt refuses the template (it knows if, "
    "unless, each, with, role, history, media, section, json, ifEquals, "
    "unlessEquals, log, lookup) | "
    "template-unknown-tag 7:4-7:8 'loop' is not a Dotprompt block helper: "
    "unless your code registers it, Dotprompt refuses the template (it "
    "knows if, unless, each, with, role, history, media, section, json, "
    "ifEquals, unlessEquals, log, lookup) | "
    "template-unterminated 8:1-8:4 '{{{' is never closed: add '}}}'");
  artifact_free(a);
}

static void
mustache_sections_change_the_context(void **state)
{
  struct artifact *a = parse("{{#items}}{{name}}{{/items}}{{^items}}"
                             "{{empty}}{{/items}}{{& html}}",
                             TEMPLATE_MUSTACHE, false);

  (void)state;
  assert_string_equal(uses(a), "items@1:4 items@1:32 empty@1:41 html@1:62");
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

static void
literal_placeholders_are_exact(void **state)
{
  struct artifact *a = parse("{{input}} and {{ padded }} and {{a-b}}",
                             TEMPLATE_LITERAL, false);

  (void)state;
  assert_string_equal(uses(a), "input@1:3 a-b@1:34");
  artifact_free(a);
}

static void
fstring_fields_and_stray_braces(void **state)
{
  struct artifact *a = parse("{question} {{literal}} {obj.attr} } {open",
                             TEMPLATE_FSTRING, false);

  (void)state;
  assert_string_equal(uses(a), "question@1:2 obj@1:25");
  assert_string_equal(diags(a),
    "template-unmatched-tag 1:35-1:36 a single '}' in an f-string template: "
    "write '}}' for a literal brace | "
    "template-unterminated 1:37-1:38 '{' is never closed: write '{{' for a "
    "literal brace");
  artifact_free(a);
}

static void
vscode_inputs_outside_fences(void **state)
{
  struct artifact *a = parse("Table ${input:table:orders}, ${file}\n"
                             "```\n${input:example}\n```\n${input:db}\n",
                             TEMPLATE_VSCODE, true);

  (void)state;
  assert_string_equal(uses(a), "table@1:15 db@5:9");
  artifact_free(a);
}

static void
semantic_kernel_dollar_names(void **state)
{
  struct artifact *a = parse("{{$input}} {{Plugin.Fn $topic}} {{ $x }}",
                             TEMPLATE_SK, false);

  (void)state;
  assert_string_equal(uses(a), "input@1:4 topic@1:25 x@1:37");
  artifact_free(a);
}

/* The second case after google/dotprompt examples/partials.prompt
 * (Apache-2.0): a short comment that shows a tag ends inside it. */
static void
stray_tag_ends_are_text(void **state)
{
  struct artifact *a = parse("Hi {{ name }}! {\"a\": {\"b\": \"{{ x }}\"}}\n"
                             "Extra: }}\n```\n}}\n```\n"
                             "{% raw %}}}{% endraw %}", TEMPLATE_JINJA, true);

  (void)state;
  assert_string_equal(diags(a),
    "template-stray-close 2:8-2:10 '}}' closes no tag: the template engine "
    "prints it as text");
  artifact_free(a);

  a = parse("{{!\n  The `{{> partial }}` syntax.\n}}\n{{!-- {{> p}} --}}\n"
            "{{ name }}", TEMPLATE_HANDLEBARS, false);
  assert_string_equal(diags(a),
    "template-stray-close 3:1-3:3 '}}' closes no tag: the comment on line 1 "
    "ended at the first '}}' inside it, and the engine prints the rest as "
    "text; write {{!-- --}} for a comment that holds tags");
  artifact_free(a);

  a = parse("{{!-- {{> p}} --}}{\"k\": {{ v }}}", TEMPLATE_MUSTACHE, false);
  assert_string_equal(diags(a), "");
  artifact_free(a);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(jinja_reads_names_not_attributes_filters_tests_or_calls),
    cmocka_unit_test(jinja_names_a_template_binds_are_not_inputs),
    cmocka_unit_test(jinja_globals_are_not_inputs),
    cmocka_unit_test(jinja_tag_mistakes_are_reported_at_the_tag),
    cmocka_unit_test(blocks_past_the_depth_limit_are_one_finding),
    cmocka_unit_test(jinja_unclosed_tags_and_blocks_at_the_end),
    cmocka_unit_test(tags_in_markdown_fences_are_examples),
    cmocka_unit_test(handlebars_reads_roots_and_skips_item_fields),
    cmocka_unit_test(handlebars_tag_mistakes),
    cmocka_unit_test(handlebars_names_as_handlebars_reads_them),
    cmocka_unit_test(mustache_sections_change_the_context),
    cmocka_unit_test(literal_placeholders_are_exact),
    cmocka_unit_test(fstring_fields_and_stray_braces),
    cmocka_unit_test(vscode_inputs_outside_fences),
    cmocka_unit_test(semantic_kernel_dollar_names),
    cmocka_unit_test(stray_tag_ends_are_text),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
