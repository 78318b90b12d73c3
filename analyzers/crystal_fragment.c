/*
 * The fragment: the part of a prompt's template text that is
 * crystallised, either the selection (cut to the template text that holds
 * it) or, when nothing is selected, the paragraph under the cursor: the
 * lines around it up to blank lines, with a code fence kept whole. Role
 * markers at its top ("system:", {{role "user"}}) are not part of it.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <string.h>
#include <strings.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "error.h"
#include "provenance.h"
#include "template.h"
#include "tree.h"

/* Template regions of one prompt (messages of a .prompt.yml). */
#define FRAGMENT_REGIONS_MAX 256
#define FRAGMENT_FENCES_MAX 256

struct fragment_fences {
  struct span items[FRAGMENT_FENCES_MAX];
  size_t count;
};

static void
fragment__fence(struct span fence, void *ctx)
{
  struct fragment_fences *f = ctx;

  if (f->count < FRAGMENT_FENCES_MAX)
    f->items[f->count++] = fence;
}

/* The text of a .prompt.yml message: a block scalar's lines, or the
 * scalar. */
static struct span
fragment__content(const struct artifact *a, const struct node *n)
{
  struct span s = n->span;

  if (n->flags & NODE_BLOCK) {
    uint32_t line = source_line_of(&a->src, s.start);

    s.start = source_line_start(&a->src, line + 1);
    if (s.start > s.end)
      s.start = s.end;
  }
  return s;
}

static size_t
fragment__regions(const struct artifact *a, struct span *out)
{
  const struct node *messages;
  size_t n = 0;

  if (a->format != FORMAT_GITHUB_MODELS) {
    if (a->body.end > a->body.start)
      out[n++] = a->body;
    return n;
  }
  messages = node_resolve(node_get(a->root, "messages"));
  for (uint32_t i = 0; messages && messages->kind == NODE_SEQ &&
                       i < messages->count && n < FRAGMENT_REGIONS_MAX; i++) {
    const struct node *content = node_resolve(
      node_get(messages->u.items[i], "content"));

    if (content && content->kind == NODE_SCALAR)
      out[n++] = fragment__content(a, content);
  }
  return n;
}

static bool
fragment__blank_line(const struct source *src, uint32_t line,
                     const struct fragment_fences *f)
{
  uint32_t s = source_line_start(src, line);
  uint32_t e = source_line_end(src, line);

  for (size_t i = 0; i < f->count; i++)
    if (s >= f->items[i].start && s < f->items[i].end)
      return false;
  while (s < e && isspace((unsigned char)src->text[s]))
    s++;
  return s == e;
}

static bool fragment__role_line(const struct artifact *a, const char *s,
                                size_t n);

/* Whether the line ends a paragraph: blank, or a role marker ("user:"
 * right under the system prompt's last line). */
static bool
fragment__edge(const struct artifact *a, uint32_t line,
               const struct fragment_fences *f)
{
  uint32_t s = source_line_start(&a->src, line);

  return fragment__blank_line(&a->src, line, f) ||
         fragment__role_line(a, a->text + s,
                             source_line_end(&a->src, line) - s);
}

/* The paragraph around offset at, inside region. */
static bool
fragment__paragraph(const struct artifact *a, struct span region,
                    uint32_t at, struct span *out)
{
  const struct source *src = &a->src;
  struct fragment_fences fences = { .count = 0 };
  uint32_t first = source_line_of(src, region.start);
  uint32_t last = source_line_of(src, region.end > region.start
                                        ? region.end - 1 : region.start);
  uint32_t top = source_line_of(src, at);
  uint32_t bottom = top;

  template_fences(a->text, region, fragment__fence, &fences);
  if (fragment__blank_line(src, top, &fences))
    return false;
  /* A role marker under the cursor starts the paragraph below it. */
  if (!fragment__edge(a, top, &fences))
    while (top > first && !fragment__edge(a, top - 1, &fences))
      top--;
  while (bottom < last && !fragment__edge(a, bottom + 1, &fences))
    bottom++;
  out->start = source_line_start(src, top);
  out->end = source_line_end(src, bottom);
  if (out->start < region.start)
    out->start = region.start;
  if (out->end > region.end)
    out->end = region.end;
  return out->end > out->start;
}

/* Whether the line at s is a role marker alone: "system:", "# user:" (in
 * Prompty and Jinja), {{role "user"}} (in Dotprompt). */
static bool
fragment__role_line(const struct artifact *a, const char *s, size_t n)
{
  static const char *const roles[] = { "system", "user", "assistant",
                                       "function", "developer" };

  while (n > 0 && isspace((unsigned char)s[n - 1]))
    n--;
  while (n > 0 && (isspace((unsigned char)*s) || *s == '#')) {
    s++;
    n--;
  }
  if (a->format == FORMAT_DOTPROMPT)
    return n > 8 && memcmp(s, "{{role", 6) == 0 && s[n - 1] == '}' &&
           memmem(s, n, "}}", 2) == s + n - 2;
  /* Promptflow's Jinja prompts mark roles as Prompty does, often as
   * "# system:". */
  if ((a->format != FORMAT_PROMPTY && a->format != FORMAT_JINJA) || n < 2 ||
      s[n - 1] != ':')
    return false;
  for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
    if (strlen(roles[k]) == n - 1 && strncasecmp(s, roles[k], n - 1) == 0)
      return true;
  return false;
}

/* Cuts blank space, and role markers at the top, off span. */
static struct span
fragment__trim(const struct artifact *a, struct span s)
{
  const char *t = a->text;

  for (;;) {
    uint32_t end;

    while (s.start < s.end && isspace((unsigned char)t[s.start]))
      s.start++;
    if (s.start >= s.end)
      break;
    end = source_line_end(&a->src, source_line_of(&a->src, s.start));
    if (end > s.end)
      end = s.end;
    if (!fragment__role_line(a, t + s.start, end - s.start))
      break;
    s.start = end;
  }
  while (s.end > s.start && isspace((unsigned char)t[s.end - 1]))
    s.end--;
  return s;
}

/* A letter, digit or byte of a UTF-8 sequence: part of a word. */
static bool
fragment__word_byte(char ch)
{
  return isalnum((unsigned char)ch) || ch == '_' || (unsigned char)ch >= 0x80;
}

/* Widens s to whole words inside region: a selection dragged from the
 * middle of "engineers" starts at its "e", not at "gineers". */
static void
fragment__whole_words(const char *t, struct span region, struct span *s)
{
  while (s->start > region.start && s->start < s->end &&
         fragment__word_byte(t[s->start - 1]) &&
         fragment__word_byte(t[s->start]))
    s->start--;
  while (s->end < region.end && s->end > s->start &&
         fragment__word_byte(t[s->end - 1]) && fragment__word_byte(t[s->end]))
    s->end++;
}

/* The selection as the fragment's span; empty when it holds nothing. */
static bool
fragment__span(const struct crystal *c, const struct span *regions,
               size_t n, struct span *out, struct span *region)
{
  const struct artifact *a = c->prompt;
  struct span sel = c->req->selection;

  if (sel.end > a->src.len)
    sel.end = a->src.len;
  if (sel.start > sel.end)
    sel.start = sel.end;
  /* A selection of whole lines ends at the start of the next one. */
  if (sel.end > sel.start &&
      source_line_start(&a->src, source_line_of(&a->src, sel.end)) ==
      sel.end)
    sel.end = source_line_end(&a->src, source_line_of(&a->src, sel.end - 1));
  for (size_t i = 0; i < n; i++) {
    struct span r = regions[i];

    /* A cursor on a line the region starts or ends on, left of a
     * .prompt.yml's "content: text" or right of its end, is in it. */
    if (sel.end == sel.start && r.end > r.start) {
      uint32_t line = source_line_of(&a->src, sel.start);

      if (sel.start < r.start && line == source_line_of(&a->src, r.start))
        sel.start = sel.end = r.start;
      else if (sel.start > r.end &&
               line == source_line_of(&a->src, r.end - 1))
        sel.start = sel.end = r.end - 1;
    }
    if (sel.start > r.end || sel.end < r.start ||
        (sel.end == r.start && sel.end > sel.start))
      continue;
    *region = r;
    if (sel.end == sel.start)
      return fragment__paragraph(a, r, sel.start, out);
    out->start = sel.start > r.start ? sel.start : r.start;
    out->end = sel.end < r.end ? sel.end : r.end;
    fragment__whole_words(a->text, r, out);
    return true;
  }
  return false;
}

/* The .prompt.yml message content that holds offset at, or NULL. */
static const struct node *
fragment__message(const struct artifact *a, uint32_t at)
{
  const struct node *messages = node_resolve(node_get(a->root, "messages"));

  for (uint32_t i = 0; messages && messages->kind == NODE_SEQ &&
                       i < messages->count; i++) {
    const struct node *content = node_resolve(
      node_get(messages->u.items[i], "content"));

    if (content && content->kind == NODE_SCALAR &&
        at >= content->span.start && at <= content->span.end)
      return content;
  }
  return NULL;
}

/* The fragment's text: as written, dedented inside a YAML block, or the
 * value of a quoted YAML string. */
static const char *
fragment__text(struct crystal *c, struct span s)
{
  const struct artifact *a = c->prompt;
  const struct node *msg = a->format == FORMAT_GITHUB_MODELS
                             ? fragment__message(a, s.start) : NULL;
  uint32_t first = source_line_of(&a->src, s.start);
  uint32_t last = source_line_of(&a->src, s.end);
  size_t indent = (size_t)-1;
  struct buf out;

  if (msg && !(msg->flags & NODE_BLOCK))
    return arena_strndup(c->arena, msg->u.scalar.str, msg->u.scalar.len);
  if (!msg || first == last)
    return arena_strndup(c->arena, a->text + s.start, s.end - s.start);
  for (uint32_t i = first; i <= last; i++) {
    uint32_t ls = source_line_start(&a->src, i);
    uint32_t le = source_line_end(&a->src, i);
    size_t k = 0;

    while (ls + k < le && a->text[ls + k] == ' ')
      k++;
    if (ls + k < le && k < indent)
      indent = k;
  }
  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (uint32_t i = first; i <= last; i++) {
    uint32_t ls = i == first ? s.start : source_line_start(&a->src, i);
    uint32_t le = i == last ? s.end : source_line_end(&a->src, i);
    size_t skip = i == first ? 0 : indent;

    if (i > first)
      buf_putc(&out, '\n');
    if (ls + skip <= le)
      buf_append(&out, a->text + ls + skip, le - ls - skip);
  }
  return crystal_buf_keep(c, &out);
}

int
crystal_fragment_find(struct crystal *c)
{
  struct span regions[FRAGMENT_REGIONS_MAX];
  size_t n = fragment__regions(c->prompt, regions);
  struct crystal_edit *e = c->edit;
  struct span s;

  if (c->prompt->kind != ARTIFACT_PROMPT)
    return -1;
  if (!fragment__span(c, regions, n, &s, &c->region))
    return -1;
  s = fragment__trim(c->prompt, s);
  if (s.end <= s.start)
    return -1;
  if (s.end - s.start > CRYSTAL_FRAGMENT_MAX)
    return FACET_ELIMIT;
  e->fragment = s;
  e->first_line = source_line_of(&c->prompt->src, s.start);
  e->last_line = source_line_of(&c->prompt->src, s.end - 1);
  e->hash = provenance_hash_lines(&c->prompt->src, e->first_line,
                                  e->last_line);
  c->text = fragment__text(c, s);
  if (!c->text)
    return -1;
  /* What is quoted or read from the fragment has "\n" line breaks
   * whatever the file's: a validator's comment, a rubric. */
  for (char *from = (char *)c->text, *to = from;; from++) {
    if (*from == '\r' && from[1] == '\n')
      continue;
    if (!(*to++ = *from))
      break;
  }
  return 0;
}

size_t
crystal_prompt_texts(struct crystal *c, const char **out, size_t max)
{
  struct span regions[FRAGMENT_REGIONS_MAX];
  size_t n = fragment__regions(c->prompt, regions);
  size_t count = 0;

  for (size_t i = 0; i < n && count < max; i++) {
    const char *text = fragment__text(c, regions[i]);

    if (text)
      out[count++] = text;
  }
  return count;
}

size_t
crystal_prompt_rules(struct crystal *c, struct crystal_rule *out, size_t max)
{
  struct span regions[FRAGMENT_REGIONS_MAX];
  size_t n = fragment__regions(c->prompt, regions);
  size_t count = 0;

  for (size_t i = 0; i < n && count < max; i++) {
    const char *text = fragment__text(c, regions[i]);

    if (text)
      count += crystal_rules_parse(c, text, strlen(text), out + count,
                                   max - count);
  }
  return count;
}

size_t
crystal_prompt_shots(struct crystal *c, struct crystal_shot *out, size_t max)
{
  struct span regions[FRAGMENT_REGIONS_MAX];
  size_t n = fragment__regions(c->prompt, regions);
  size_t count = 0;

  for (size_t i = 0; i < n && count < max; i++) {
    const char *text = fragment__text(c, regions[i]);

    if (text)
      count += crystal_shots_parse(c, text, strlen(text), out + count,
                                   max - count);
  }
  return count;
}

/* The first strict JSON example anywhere in the prompt, as compact text;
 * NULL when there is none. */
const char *
crystal_prompt_example(struct crystal *c)
{
  struct span regions[FRAGMENT_REGIONS_MAX];
  size_t n = fragment__regions(c->prompt, regions);

  for (size_t i = 0; i < n; i++) {
    const char *text = fragment__text(c, regions[i]);
    struct crystal_example ex;
    const char *json = NULL;

    if (!text || !crystal_example_find(text, strlen(text), &ex))
      continue;
    if (ex.strict)
      json = arena_strndup(c->arena, json_object_to_json_string_ext(
        ex.value, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
        strlen(json_object_to_json_string_ext(
          ex.value, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)));
    crystal_example_release(&ex);
    if (json)
      return json;
  }
  return NULL;
}

/*
 * The examples of the whole prompt that lie in the fragment: the prompt
 * as a whole shows how its examples are laid out (question, answer, then
 * stars), which one example alone cannot. They replace what the fragment
 * read on its own when there are any.
 */
static void
fragment__own_shots(struct crystal *c)
{
  size_t n = 0;

  for (size_t i = 0; i < c->nall_shots && n < CRYSTAL_SHOTS_MAX; i++) {
    const struct crystal_shot *shot = &c->all_shots[i];
    bool inside = strstr(c->text, shot->output) != NULL;

    for (size_t k = 0; inside && k < shot->ninputs; k++)
      inside = strstr(c->text, shot->inputs[k]) != NULL;
    if (inside)
      c->shots[n++] = *shot;
  }
  if (n > 0)
    c->nshots = n;
}

/* Whether shot holds the text [s, s + n) in one of its inputs. */
static bool
fragment__in_inputs(const struct crystal_shot *shots, size_t nshots,
                    const char *s, size_t n)
{
  for (size_t i = 0; i < nshots; i++)
    for (size_t k = 0; k < shots[i].ninputs; k++)
      if (shots[i].inputs[k] &&
          memmem(shots[i].inputs[k], strlen(shots[i].inputs[k]), s, n))
        return true;
  return false;
}

/*
 * JSON an example gives as its input is what the prompt is handed, never
 * what it answers ("## Example Task #1 Input: {"CONTEXT": ...}" then
 * "Output: 1"): the fragment's JSON example is the first that lies in no
 * example's input and has not the inputs' shape (the slot for the real
 * input repeats it, "{"CONTEXT": {{context}}, ...}"). None is left when
 * all the JSON is input.
 */
static void
fragment__answer_example(struct crystal *c)
{
  const char *t = c->text;
  size_t n = strlen(t);
  struct json_object *input = NULL;   /* the first input's JSON */

  while (c->example.value) {
    struct crystal_example *ex = &c->example;
    const char *s = t + ex->span.start;
    size_t len = ex->span.end - ex->span.start;
    size_t at = ex->span.end;

    /* The span may take the blank after the JSON in. */
    while (len > 0 && isspace((unsigned char)s[len - 1]))
      len--;
    if (!fragment__in_inputs(c->shots, c->nshots, s, len) &&
        !fragment__in_inputs(c->all_shots, c->nall_shots, s, len) &&
        !(input && crystal_json_same_keys(input, ex->value)))
      break;
    if (!input)
      input = json_object_get(ex->value);
    crystal_example_release(ex);
    if (at >= n || !crystal_example_find(t + at, n - at, ex))
      break;
    ex->span.start += (uint32_t)at;
    ex->span.end += (uint32_t)at;
  }
  json_object_put(input);
}

/*
 * Whether the JSON answer ex names key (at its top, or in the objects of
 * its top list) with no value outside r's: *shown then says it did.
 */
static bool
fragment__key_fits(struct json_object *ex, const char *key,
                   const struct crystal_rule *r, bool *shown)
{
  struct json_object *v;
  const char *s;
  bool in = false;

  if (json_object_is_type(ex, json_type_array))
    ex = json_object_array_get_idx(ex, 0);
  if (!json_object_object_get_ex(ex, key, &v))
    return true;
  *shown = true;
  if (!json_object_is_type(v, json_type_string))
    return true;   /* a placeholder or a number: nothing to disagree */
  s = json_object_get_string(v);
  for (size_t i = 0; i < r->nvalues && !in; i++)
    in = strcmp(r->values[i], s) == 0;
  return in;
}

/*
 * A list of allowed values said of no field and not of the whole answer
 * ("Use the following categories as a verdict in the response FUNNY_JOKE,
 * ...") is the field of the prompt's JSON answers its sentence names, when
 * they show no value outside the list: the schema reads it so, and code
 * and evals must check the same field.
 */
static void
fragment__rule_fields(struct crystal *c)
{
  struct json_object *answers[CRYSTAL_SHOTS_MAX + 1];
  size_t nanswers = 0;
  struct crystal_example owned[CRYSTAL_SHOTS_MAX];
  size_t nowned = 0;

  if (c->example.value)
    answers[nanswers++] = c->example.value;
  for (size_t i = 0; i < c->nall_shots && nowned < CRYSTAL_SHOTS_MAX; i++) {
    const char *out = c->all_shots[i].output;

    if (out && crystal_example_find(out, strlen(out), &owned[nowned]))
      answers[nanswers++] = owned[nowned++].value;
  }
  for (size_t i = 0; i < c->nrules; i++) {
    struct crystal_rule *r = &c->rules[i];
    struct json_object *top;
    const char *field = NULL;
    size_t named = 0;

    if (r->kind != RULE_ONE_OF || r->whole || r->field || !nanswers)
      continue;
    top = json_object_is_type(answers[0], json_type_array)
            ? json_object_array_get_idx(answers[0], 0) : answers[0];
    if (!json_object_is_type(top, json_type_object))
      continue;
    json_object_object_foreach(top, key, val) {
      bool shown = false;
      bool fits = true;

      (void)val;
      if (!crystal_mentions(r->sentence, strlen(r->sentence), key))
        continue;
      for (size_t k = 0; k < nanswers && fits; k++)
        fits = fragment__key_fits(answers[k], key, r, &shown);
      if (fits && shown) {
        field = key;
        named++;
      }
    }
    if (named == 1)
      r->field = arena_strndup(c->arena, field, strlen(field));
  }
  for (size_t i = 0; i < nowned; i++)
    crystal_example_release(&owned[i]);
}

void
crystal_fragment_read(struct crystal *c)
{
  size_t n = strlen(c->text);

  crystal_example_find(c->text, n, &c->example);
  c->fields = crystal_fields_parse(c->text, n);
  c->nrules = crystal_rules_parse(c, c->text, n, c->rules,
                                  CRYSTAL_RULES_MAX);
  c->nshots = crystal_shots_parse(c, c->text, n, c->shots,
                                  CRYSTAL_SHOTS_MAX);
  c->nall_shots = crystal_prompt_shots(c, c->all_shots, CRYSTAL_SHOTS_MAX);
  fragment__own_shots(c);
  fragment__answer_example(c);
  fragment__rule_fields(c);
  crystal_fields_rules(c);
  /* Beside examples, a sentence no check fits is more likely a line of
   * an example than a rule; and "answer in JSON" beside a JSON example is
   * what the example's own check says. */
  for (size_t i = 0; i < c->nrules;)
    if ((c->nshots && c->rules[i].kind == RULE_OTHER) ||
        (c->example.value && c->rules[i].kind == RULE_JSON))
      memmove(&c->rules[i], &c->rules[i + 1],
              (--c->nrules - i) * sizeof c->rules[i]);
    else
      i++;
}
