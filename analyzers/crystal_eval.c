/*
 * Crystallise into an eval.
 *
 * A rule becomes a test whose assertions are the closest deterministic
 * checks (not-icontains for a banned word, a regex for "one word from
 * this list", code that counts sentences), with a model-graded rubric
 * quoting the rule where no check says all of it. Few-shot examples
 * become one test each: the input in the variable it fills, the output as
 * the expected answer. A JSON example becomes a test that the answer is
 * JSON of its shape.
 *
 * Tests go where the prompt's evals live: the promptfoo config that runs
 * it (the caller finds it), a .prompt.yml's own testData and evaluators,
 * or else a new promptfoo config next to the prompt.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "artifact.h"
#include "crystal_internal.h"
#include "error.h"
#include "formats.h"
#include "jsonschema.h"
#include "tree.h"

/* Characters of a test's description taken from the prompt. */
#define EVAL_DESCRIPTION_MAX 72

/* Variables facet leaves for the user to fill, named in the note. */
#define EVAL_TODO_MAX 16

struct eval {
  struct crystal *c;
  struct json_object *tests;      /* what is added, in order */
  const char *todo[EVAL_TODO_MAX];
  size_t ntodo;
  const char *skipped;            /* why examples were not made tests */
  const char *also;               /* more for the note, or NULL */
};

/* text on one line, cut at a word with an ellipsis past max bytes. */
static const char *
eval__short(struct crystal *c, const char *text, size_t max)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (const char *p = text; *p; p++) {
    if (isspace((unsigned char)*p)) {
      if (out.len && out.data[out.len - 1] != ' ')
        buf_putc(&out, ' ');
      continue;
    }
    buf_putc(&out, *p);
  }
  while (out.len && out.data[out.len - 1] == ' ')
    out.data[--out.len] = '\0';
  if (out.len > max) {
    size_t cut = max;

    while (cut > max / 2 && out.data[cut] != ' ')
      cut--;
    while (cut > 0 && ((unsigned char)out.data[cut] & 0xC0) == 0x80)
      cut--;
    out.len = cut;
    out.data[cut] = '\0';
    buf_puts(&out, "\xE2\x80\xA6");
  }
  return crystal_buf_keep(c, &out);
}

static struct json_object *
eval__check(const char *type, struct json_object *value_take)
{
  struct json_object *a = json_object_new_object();

  json_object_object_add(a, "type", json_object_new_string(type));
  if (value_take)
    json_object_object_add(a, "value", value_take);
  return a;
}

static struct json_object *
eval__str(const char *s)
{
  return json_object_new_string(s);
}

/* s with the characters a JavaScript regex treats as syntax escaped. */
static void
eval__regex_escape(struct buf *out, const char *s)
{
  for (; *s; s++) {
    if (strchr("\\^$.|?*+()[]{}/", *s))
      buf_putc(out, '\\');
    buf_putc(out, *s);
  }
}

/* The limit as JavaScript: a number, or the variable that holds it. */
static const char *
eval__limit(struct crystal *c, const struct crystal_rule *r)
{
  if (!r->limit_var)
    return arena_printf(c->arena, "%ld", r->limit);
  if (r->limit > 0)
    return arena_printf(c->arena, "Number(context.vars.%s ?? %ld)",
                        r->limit_var, r->limit);
  return arena_printf(c->arena, "Number(context.vars.%s)", r->limit_var);
}

static const char *eval__field(struct crystal *c, const char *field);
static const char *eval__count_all(enum crystal_unit unit);

/* JavaScript that counts the rule's unit in the answer, or in a field of
 * it when the rule is a field's. */
static const char *
eval__count(struct crystal *c, const struct crystal_rule *r)
{
  const char *all = eval__count_all(r->unit);
  struct buf out;

  if (!r->field)
    return all;
  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (const char *p = all; *p;) {
    if (strncmp(p, "output", 6) == 0) {
      buf_printf(&out, "String(%s)", eval__field(c, r->field));
      p += 6;
    } else {
      buf_putc(&out, *p++);
    }
  }
  return crystal_buf_keep(c, &out);
}

static const char *
eval__count_all(enum crystal_unit unit)
{
  switch (unit) {
  case UNIT_SENTENCES:
    return "output.split(/[.!?]+(?:\\s|$)/).filter((s) => s.trim()).length";
  case UNIT_WORDS:
    return "output.trim().split(/\\s+/).length";
  case UNIT_CHARACTERS:
    return "output.trim().length";
  case UNIT_LINES:
    return "output.trim().split('\\n').length";
  case UNIT_PARAGRAPHS:
    return "output.trim().split(/\\n\\s*\\n/).length";
  case UNIT_ITEMS:
    break;
  }
  return "(output.match(/^\\s*(?:[-*]|\\d+[.)])\\s/gm) || []).length";
}

/* JavaScript that reads the field from the answer as JSON. */
static const char *
eval__field(struct crystal *c, const char *field)
{
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  buf_puts(&out, "JSON.parse(output)[");
  crystal_emit_json_string(&out, field, strlen(field));
  buf_putc(&out, ']');
  return crystal_buf_keep(c, &out);
}

/*
 * eval__short's text for a rubric to quote in double quotes: a rule that
 * quotes text itself ('Answer "escalate" or "keep".') has its quotes (and
 * backslashes) escaped, so the quote it is read as ends where it does.
 */
static const char *
eval__quoted(struct crystal *c, const char *text, size_t max)
{
  const char *s = eval__short(c, text, max);
  struct buf out;

  if (!strchr(s, '"'))
    return s;
  buf_init(&out, CRYSTAL_TEXT_MAX);
  for (const char *p = s; *p; p++) {
    if (*p == '"' || *p == '\\')
      buf_putc(&out, '\\');
    buf_putc(&out, *p);
  }
  return crystal_buf_keep(c, &out);
}

static const char *
eval__rubric(struct crystal *c, const char *sentence)
{
  return arena_printf(c->arena, "The answer follows this rule from the "
                      "prompt: \"%s\"", eval__quoted(c, sentence, 400));
}

static struct json_object *
eval__values(const struct crystal_rule *r)
{
  struct json_object *list = json_object_new_array();

  for (size_t i = 0; i < r->nvalues; i++)
    json_object_array_add(list, json_object_new_string(r->values[i]));
  return list;
}

/* A word of a topic as a check looks for it: "competitors" is banned as
 * "competitor", which catches both. */
static const char *
eval__stem(struct crystal *c, const char *v)
{
  size_t n = strlen(v);

  if (n > 4 && v[n - 1] == 's' && v[n - 2] != 's' && !strchr(v, ' ') &&
      islower((unsigned char)v[0]))
    return arena_strndup(c->arena, v, n - (n > 5 && v[n - 2] == 'e' &&
                                           v[n - 3] == 'i' ? 3 : 1));
  return v;
}

static void
eval__avoid(struct crystal *c, const struct crystal_rule *r,
            struct json_object *out)
{
  struct json_object *list;

  if (r->nvalues > 0) {
    list = json_object_new_array();
    for (size_t i = 0; i < r->nvalues; i++)
      json_object_array_add(list, eval__str(r->literal ? r->values[i]
                                            : eval__stem(c, r->values[i])));
    if (json_object_array_length(list) == 1) {
      struct json_object *one = json_object_get(
        json_object_array_get_idx(list, 0));

      json_object_put(list);
      json_object_array_add(out, eval__check("not-icontains", one));
    } else {
      json_object_array_add(out, eval__check("not-icontains-any", list));
    }
  }
  /* A word check alone misses "a rival firm": a topic needs a rubric. */
  if (!r->literal || r->nvalues == 0)
    json_object_array_add(out, eval__check("llm-rubric", eval__str(
      eval__rubric(c, r->sentence))));
}

static void
eval__one_of(struct crystal *c, const struct crystal_rule *r,
             struct json_object *out)
{
  struct buf re;
  struct json_object *values;
  struct buf js;

  if (r->boolean) {
    json_object_array_add(out, eval__check("javascript", eval__str(
      arena_printf(c->arena, r->nullable
                   ? "((v) => v == null || typeof v === \"boolean\")(%s)"
                   : "typeof %s === \"boolean\"", eval__field(c, r->field)))));
    return;
  }
  if (r->field) {
    buf_init(&js, CRYSTAL_TEXT_MAX);
    /* A field that may be null passes as null, as the schema lets it. */
    if (r->nullable)
      buf_puts(&js, "((v) => v == null || ");
    values = eval__values(r);
    crystal_emit_json(&js, values, 0);
    json_object_put(values);
    if (r->nullable)
      buf_printf(&js, ".includes(v))(%s)", eval__field(c, r->field));
    else
      buf_printf(&js, ".includes(%s)", eval__field(c, r->field));
    json_object_array_add(out, eval__check("javascript", eval__str(
      crystal_buf_keep(c, &js))));
    return;
  }
  if (!r->whole) {
    json_object_array_add(out, eval__check("llm-rubric", eval__str(
      eval__rubric(c, r->sentence))));
    return;
  }
  buf_init(&re, CRYSTAL_TEXT_MAX);
  buf_puts(&re, "^\\s*(?:");
  for (size_t i = 0; i < r->nvalues; i++) {
    if (i)
      buf_putc(&re, '|');
    eval__regex_escape(&re, r->values[i]);
  }
  buf_puts(&re, ")[.!]?\\s*$");
  json_object_array_add(out, eval__check("regex", eval__str(
    crystal_buf_keep(c, &re))));
}

static void
eval__date(struct crystal *c, const struct crystal_rule *r,
           struct json_object *out)
{
  bool iso = strncasecmp(r->format, "YYYY-MM-DD", 10) == 0 ||
             strncasecmp(r->format, "ISO", 3) == 0;

  if (iso && r->field)
    json_object_array_add(out, eval__check("javascript", eval__str(
      arena_printf(c->arena, "((v) => %stypeof v === \"string\" && "
                   "/^\\d{4}-\\d{2}-\\d{2}/.test(v))(%s)",
                   r->nullable ? "v == null || " : "",
                   eval__field(c, r->field)))));
  else if (iso)
    json_object_array_add(out, eval__check("javascript", eval__str(
      "!/\\b\\d{1,2}[\\/.]\\d{1,2}[\\/.]\\d{2,4}\\b/.test(output)")));
  json_object_array_add(out, eval__check("llm-rubric", eval__str(
    eval__rubric(c, r->sentence))));
}

static void
eval__number(struct crystal *c, const struct crystal_rule *r,
             struct json_object *out)
{
  /* A field is a JSON number (Number(null) would be 0); an answer is
   * its text as a number, and empty text none. */
  const char *value = r->field ? eval__field(c, r->field)
    : "output.trim() === \"\" ? NaN : Number(output.trim())";

  if (r->kind == RULE_RANGE) {
    json_object_array_add(out, eval__check("javascript", eval__str(
      arena_printf(c->arena, "((v) => %s%s && v >= %g && v <= %g)(%s)",
                   r->nullable ? "v == null || " : "",
                   r->integer ? "Number.isInteger(v)"
                   : r->field ? "typeof v === \"number\"" : "!isNaN(v)",
                   r->min, r->max, value))));
    return;
  }
  json_object_array_add(out, eval__check("javascript", eval__str(
    arena_printf(c->arena, "(output.match(/\\d+\\.\\d+/g) || []).every((n) "
                 "=> n.split('.')[1].length === %ld)", r->limit))));
}

/* The assertions that check rule r, added to out. */
static void
eval__rule(struct crystal *c, const struct crystal_rule *r,
           struct json_object *out)
{
  switch (r->kind) {
  case RULE_AVOID:
    eval__avoid(c, r, out);
    return;
  case RULE_INCLUDE:
    if (r->nvalues > 1)
      json_object_array_add(out, eval__check("contains-all",
                                             eval__values(r)));
    else
      json_object_array_add(out, eval__check("icontains",
                                             eval__str(r->values[0])));
    return;
  case RULE_STARTS:
    json_object_array_add(out, eval__check("starts-with",
                                           eval__str(r->values[0])));
    return;
  case RULE_ENDS: {
    struct buf re;

    buf_init(&re, CRYSTAL_TEXT_MAX);
    eval__regex_escape(&re, r->values[0]);
    buf_puts(&re, "\\s*$");
    json_object_array_add(out, eval__check("regex", eval__str(
      crystal_buf_keep(c, &re))));
    return;
  }
  case RULE_LENGTH:
    json_object_array_add(out, eval__check("javascript", eval__str(
      arena_printf(c->arena, "%s <= %s", eval__count(c, r),
                   eval__limit(c, r)))));
    return;
  case RULE_SINGLE_WORD:
    json_object_array_add(out, eval__check("regex",
                                           eval__str("^\\s*\\S+\\s*$")));
    return;
  case RULE_ONE_OF:
    eval__one_of(c, r, out);
    return;
  case RULE_JSON:
    json_object_array_add(out, eval__check("is-json", NULL));
    return;
  case RULE_XML:
    json_object_array_add(out, eval__check("is-xml", NULL));
    return;
  case RULE_DATE:
    eval__date(c, r, out);
    return;
  case RULE_RANGE:
  case RULE_DECIMALS:
    eval__number(c, r, out);
    return;
  case RULE_LANGUAGE:
    json_object_array_add(out, eval__check("llm-rubric", eval__str(
      arena_printf(c->arena, "The answer is written in %s.",
                   r->language))));
    return;
  case RULE_OTHER:
    break;
  }
  json_object_array_add(out, eval__check("llm-rubric", eval__str(
    eval__rubric(c, r->sentence))));
}

/* The declared default or sample of variable name, as a JSON value. */
static struct json_object *
eval__default(const struct crystal *c, const char *name)
{
  const struct input_decl *d = artifact_input(c->prompt, name);
  size_t budget = 1 << 16;

  if (!d || !d->value)
    return NULL;
  return node_to_json(d->value, &budget);
}

/* What the config's first test gives variable name, as a JSON value. */
static struct json_object *
eval__existing(const struct crystal *c, const char *name)
{
  const struct artifact *cfg = c->req->eval;
  const struct node *tests = cfg ? node_resolve(node_get(cfg->root, "tests"))
                                 : NULL;
  size_t budget = 1 << 16;

  if (c->prompt->format == FORMAT_GITHUB_MODELS)
    tests = node_resolve(node_get(c->prompt->root, "testData"));
  for (uint32_t i = 0; tests && tests->kind == NODE_SEQ && i < tests->count;
       i++) {
    const struct node *t = node_resolve(tests->u.items[i]);
    const struct node *v = c->prompt->format == FORMAT_GITHUB_MODELS
                             ? node_get(t, name)
                             : node_get(node_get(t, "vars"), name);

    if (v)
      return node_to_json(v, &budget);
  }
  return NULL;
}

/* An input the prompt's own examples give variable name. */
static struct json_object *
eval__shown(const struct crystal *c, const char *name)
{
  for (size_t i = 0; i < c->nall_shots; i++)
    for (size_t k = 0; k < c->all_shots[i].ninputs; k++) {
      const char *label = c->all_shots[i].labels[k];

      if (label && strcasecmp(crystal_ident(c->arena, label, false),
                              name) == 0)
        return json_object_new_string(c->all_shots[i].inputs[k]);
    }
  return NULL;
}

static void
eval__todo(struct eval *x, const char *name)
{
  for (size_t i = 0; i < x->ntodo; i++)
    if (strcmp(x->todo[i], name) == 0)
      return;
  if (x->ntodo < EVAL_TODO_MAX)
    x->todo[x->ntodo++] = name;
}

/* A value for every variable the template reads: the example's input for
 * the variables given, else a declared default, a value another test
 * gives, an input the prompt's examples show, or a placeholder the note
 * asks to fill. */
static struct json_object *
eval__vars(struct eval *x, const char *const *names,
           const char *const *values, size_t n)
{
  const struct artifact *a = x->c->prompt;
  struct json_object *vars = json_object_new_object();

  /* promptfoo fills {{ }} variables only: VS Code's ${input:name} stays as
   * written, whatever a test gives it. */
  if (vscode_format(a->format) && x->c->prompt->format != FORMAT_GITHUB_MODELS)
    return vars;
  for (size_t i = 0; i < a->nvars; i++) {
    const char *name = a->vars[i].name;
    struct json_object *v = NULL;

    for (size_t k = 0; k < n && !v; k++)
      if (names[k] && strcmp(names[k], name) == 0)
        v = json_object_new_string(values[k]);
    if (!v)
      v = eval__default(x->c, name);
    if (!v)
      v = eval__existing(x->c, name);
    if (!v)
      v = eval__shown(x->c, name);
    if (!v) {
      v = json_object_new_string(arena_printf(x->c->arena, "TODO: %s",
                                              name));
      eval__todo(x, name);
    }
    json_object_object_add(vars, name, v);
  }
  return vars;
}

static bool
eval__taken(const char *const *names, size_t n, const char *name)
{
  for (size_t i = 0; i < n; i++)
    if (names[i] && strcmp(names[i], name) == 0)
      return true;
  return false;
}

/* Whether a variable's name is the label's, or its plural
 * ("statements" for a run of "statement:" lines). */
static bool
eval__plural(const char *name, const char *label)
{
  size_t n = strlen(name);
  size_t m = strlen(label);

  return strcasecmp(name, label) == 0 ||
         (n == m + 1 && name[m] == 's' && strncasecmp(name, label, m) == 0);
}

/*
 * The variable the prompt's own slot for an input under label reads:
 * "user: {{question}}" for the label user, "Review: {{review}}". NULL
 * when no line of the template is the label and one variable alone.
 */
static const char *
eval__slot(const struct crystal *c, const char *label)
{
  const struct artifact *a = c->prompt;
  size_t nlabel = strlen(label);

  for (size_t i = 0; i < a->nuses; i++) {
    struct span u = a->uses[i].span;
    uint32_t line = source_line_of(&a->src, u.start);
    uint32_t ls = source_line_start(&a->src, line);
    uint32_t le = source_line_end(&a->src, line);
    uint32_t e = u.start;
    uint32_t b = ls;
    uint32_t after = u.end;

    while (e > ls && strchr(" \t{$-", a->text[e - 1]))
      e--;
    if (e == ls || a->text[e - 1] != ':')
      continue;
    e--;
    while (e > ls && isspace((unsigned char)a->text[e - 1]))
      e--;
    while (b < e && (isspace((unsigned char)a->text[b]) ||
                     a->text[b] == '*' || a->text[b] == '-'))
      b++;
    while (e > b && a->text[e - 1] == '*')
      e--;
    while (after < le && strchr(" \t}-", a->text[after]))
      after++;
    if (after == le && e - b == nlabel &&
        strncasecmp(a->text + b, label, nlabel) == 0)
      return a->vars[a->uses[i].var].name;
  }
  return NULL;
}

/*
 * The variables an example's inputs fill, into names: the one each label
 * names, or the one the prompt's own slot under that label reads; else,
 * for an example of one input, the variables left with no default, in
 * order. Returns false when an input has no variable to go in.
 */
static bool
eval__targets(const struct crystal *c, const struct crystal_shot *shot,
              const char **names)
{
  const struct artifact *a = c->prompt;

  for (size_t i = 0; i < shot->ninputs; i++) {
    const char *ident = shot->labels[i]
      ? crystal_ident(c->arena, shot->labels[i], false) : NULL;

    names[i] = NULL;
    for (size_t k = 0; ident && k < a->nvars && !names[i]; k++)
      if (eval__plural(a->vars[k].name, ident))
        names[i] = a->vars[k].name;
    if (!names[i] && shot->labels[i])
      names[i] = eval__slot(c, shot->labels[i]);
    if (names[i] && eval__taken(names, i, names[i]))
      names[i] = NULL;
  }
  for (size_t i = 0; i < shot->ninputs; i++) {
    /* Several inputs under labels no variable answers to ("user:",
     * "assistant:") are a conversation, not the prompt's inputs. */
    if (!names[i] && shot->ninputs > 1)
      return false;
    for (int pass = 0; pass < 2 && !names[i]; pass++)
      for (size_t k = 0; k < a->nvars && !names[i]; k++) {
        const struct input_decl *d = artifact_input(a, a->vars[k].name);

        if ((pass == 1 || !d || !d->value) &&
            !eval__taken(names, shot->ninputs, a->vars[k].name))
          names[i] = a->vars[k].name;
      }
    if (!names[i])
      return false;
  }
  return true;
}

/* Inputs one example can fill at most: a JSON input's members. */
#define EVAL_FILL_MAX 8

/*
 * An example whose input is a JSON object with a member per variable
 * ({"CONTEXT": "...", "ANSWER": "..."} for {{context}} and {{answer}}):
 * each member fills its variable. Members with an empty value may name
 * none. Returns how many were filled, 0 when the input is no such object.
 */
static size_t
eval__json_input(struct crystal *c, const struct crystal_shot *shot,
                 const char **names, const char **values)
{
  const struct artifact *a = c->prompt;
  struct json_object *obj;
  size_t n = 0;
  bool ok = true;

  if (shot->ninputs != 1 || shot->inputs[0][0] != '{')
    return 0;
  obj = json_tokener_parse(shot->inputs[0]);
  if (!json_object_is_type(obj, json_type_object)) {
    json_object_put(obj);
    return 0;
  }
  json_object_object_foreach(obj, key, val) {
    const char *ident = crystal_ident(c->arena, key, false);
    const char *name = NULL;

    for (size_t k = 0; ident && k < a->nvars && !name; k++)
      if (eval__plural(a->vars[k].name, ident))
        name = a->vars[k].name;
    if (!name) {
      ok &= json_object_is_type(val, json_type_string) &&
            json_object_get_string_len(val) == 0;
      continue;
    }
    if (n == EVAL_FILL_MAX || eval__taken(names, n, name)) {
      ok = false;
      break;
    }
    names[n] = name;
    values[n++] = arena_printf(c->arena, "%s", json_object_is_type(
                                 val, json_type_string)
                                 ? json_object_get_string(val)
                                 : json_object_to_json_string_ext(
                                     val, JSON_C_TO_STRING_PLAIN));
  }
  json_object_put(obj);
  return ok ? n : 0;
}

/* The variables an example fills and their values; false when some input
 * has no variable to go in. */
static bool
eval__fill(struct crystal *c, const struct crystal_shot *shot,
           const char **names, const char **values, size_t *n)
{
  if ((*n = eval__json_input(c, shot, names, values)) > 0)
    return true;
  if (!eval__targets(c, shot, names))
    return false;
  for (size_t i = 0; i < shot->ninputs; i++)
    values[i] = shot->inputs[i];
  *n = shot->ninputs;
  return true;
}

/* Whether an expected output is a label: short, one line, few words. */
static bool
eval__label(const char *s)
{
  size_t words = 1;

  if (strlen(s) > 40 || strchr(s, '\n'))
    return false;
  for (const char *p = s; *p; p++)
    words += *p == ' ';
  return words <= 4;
}

/* A JSON field's value that an answer must repeat exactly: a label,
 * a number or a flag; free text in an example only illustrates. */
static bool
eval__exact(struct json_object *v)
{
  const char *s = json_object_get_string(v);

  if (json_object_is_type(v, json_type_string))
    return eval__label(s) && !strchr(s, ' ');
  return json_object_is_type(v, json_type_int) ||
         json_object_is_type(v, json_type_boolean) ||
         json_object_is_type(v, json_type_double);
}

/* A JavaScript check that the answer's key, a list of objects, has the
 * same values of field as the example's: verdicts in order, say. */
static void
eval__expect_list(struct crystal *c, const char *key,
                  struct json_object *list, struct json_object *out)
{
  struct json_object *first = json_object_array_get_idx(list, 0);

  if (!json_object_is_type(first, json_type_object))
    return;
  json_object_object_foreach(first, field, v0) {
    struct json_object *values = json_object_new_array();
    bool exact = eval__exact(v0);
    struct buf js;

    for (size_t i = 0; exact && i < json_object_array_length(list); i++) {
      struct json_object *v = json_object_object_get(
        json_object_array_get_idx(list, i), field);

      exact = eval__exact(v);
      if (exact)
        json_object_array_add(values, json_object_get(v));
    }
    if (exact) {
      buf_init(&js, CRYSTAL_TEXT_MAX);
      buf_printf(&js, "JSON.stringify(%s.map((item) => item[", eval__field(
        c, key));
      crystal_emit_json_string(&js, field, strlen(field));
      buf_puts(&js, "])) === ");
      buf_printf(&js, "'%s'", json_object_to_json_string_ext(
        values, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
      json_object_array_add(out, eval__check("javascript", eval__str(
        crystal_buf_keep(c, &js))));
    }
    json_object_put(values);
  }
}

/*
 * The is-json value for JSON shown in lines first..last of the prompt: a
 * reference to the schema crystallised from a fragment over those lines
 * that accepts the JSON (json NULL: a JSON example with placeholders,
 * taken as it is), else the example's own schema. promptfoo reads
 * "file://" relative to the config, and the schema file then counts as
 * checked by an eval.
 */
static struct json_object *
eval__json_schema(struct crystal *c, struct json_object *example,
                  struct json_object *json, uint32_t first, uint32_t last)
{
  const struct crystal_request *r = c->req;

  for (size_t i = 0; c->tests_dir && i < r->nschemas; i++) {
    const struct crystal_schema_link *l = &r->schemas[i];
    struct json_object *doc;
    struct js_schema *s = NULL;
    bool fits;

    if (l->last_line < first || l->first_line > last || !l->text)
      continue;
    doc = json_tokener_parse(l->text);
    fits = doc && js_schema_compile(doc, NULL, &s) == 0 &&
           (!json || js_valid(s, json));
    js_schema_free(s);
    json_object_put(doc);
    if (fits)
      return eval__str(arena_printf(c->arena, "file://%s",
                                    crystal_path_relative(c->arena,
                                                          c->tests_dir,
                                                          l->path)));
  }
  return crystal_schema_of_example(c, example);
}

/* Checks that an answer matches a JSON example output: JSON of its shape,
 * and the same labels, numbers and flags (in lists of objects too). */
static void
eval__expect_json(struct crystal *c, struct json_object *json,
                  struct json_object *out)
{
  json_object_array_add(out, eval__check("is-json", eval__json_schema(
    c, json, json, c->edit->first_line, c->edit->last_line)));
  if (!json_object_is_type(json, json_type_object))
    return;
  json_object_object_foreach(json, key, val) {
    struct buf js;

    if (json_object_is_type(val, json_type_array)) {
      eval__expect_list(c, key, val, out);
      continue;
    }
    if (!eval__exact(val))
      continue;
    buf_init(&js, CRYSTAL_TEXT_MAX);
    buf_printf(&js, "%s === ", eval__field(c, key));
    crystal_emit_json(&js, val, 0);
    json_object_array_add(out, eval__check("javascript", eval__str(
      crystal_buf_keep(c, &js))));
  }
}

/* The checks that an answer matches an example's output, into out. */
static void
eval__expect(struct crystal *c, const char *output, struct json_object *out)
{
  struct json_object *json = json_tokener_parse(output);
  struct json_object *a;

  if (json_object_is_type(json, json_type_object) ||
      json_object_is_type(json, json_type_array)) {
    eval__expect_json(c, json, out);
    json_object_put(json);
    return;
  }
  json_object_put(json);
  if (eval__label(output)) {
    json_object_array_add(out, eval__check("equals", eval__str(output)));
    return;
  }
  a = eval__check("similar", eval__str(output));
  json_object_object_add(a, "threshold", json_object_new_double(0.8));
  json_object_array_add(out, a);
}

/* Drops the assertions of list that say what an earlier one says: two
 * rules may come to one check. */
static void
eval__unique(struct json_object *list)
{
  for (size_t i = 1; i < json_object_array_length(list);) {
    bool seen = false;

    for (size_t k = 0; k < i && !seen; k++)
      seen = json_object_equal(json_object_array_get_idx(list, k),
                               json_object_array_get_idx(list, i));
    if (seen)
      json_object_array_del_idx(list, i, 1);
    else
      i++;
  }
}

static struct json_object *
eval__test(struct eval *x, const char *description, struct json_object *vars,
           struct json_object *asserts, const char *record)
{
  struct json_object *t = json_object_new_object();
  struct json_object *meta = json_object_new_object();

  eval__unique(asserts);

  json_object_object_add(t, "description", eval__str(description));
  if (json_object_object_length(vars) > 0)
    json_object_object_add(t, "vars", vars);
  else
    json_object_put(vars);
  json_object_object_add(t, "assert", asserts);
  json_object_object_add(meta, "facet", eval__str(record));
  json_object_object_add(t, "metadata", meta);
  /* A test the prompt shows twice (the same example) is run once. */
  for (size_t i = 0; i < json_object_array_length(x->tests); i++)
    if (json_object_equal(json_object_array_get_idx(x->tests, i), t)) {
      json_object_put(t);
      return json_object_array_get_idx(x->tests, i);
    }
  json_object_array_add(x->tests, t);
  return t;
}

/* "rules: Write at most 3 sentences. Never mention competitors." */
static const char *
eval__rules_title(struct crystal *c)
{
  struct buf all;
  const char *title;

  buf_init(&all, CRYSTAL_TEXT_MAX);
  for (size_t i = 0; i < c->nrules; i++)
    if (i == 0 || c->rules[i].sentence != c->rules[i - 1].sentence)
      buf_printf(&all, "%s%s", all.len ? " " : "", c->rules[i].sentence);
  crystal_buf_check(c, &all);
  title = arena_printf(c->arena, "%s: %s", c->nrules == 1 ? "rule"
                                                         : "rules",
                       eval__short(c, all.data ? all.data : "",
                                   EVAL_DESCRIPTION_MAX));
  buf_release(&all);
  return title;
}

/* The promptfoo tests the fragment gives, into x->tests. */
static void
eval__promptfoo_tests(struct eval *x, const char *record)
{
  struct crystal *c = x->c;
  struct json_object *asserts;

  if (c->nrules > 0) {
    asserts = json_object_new_array();
    for (size_t i = 0; i < c->nrules; i++)
      eval__rule(c, &c->rules[i], asserts);
    eval__test(x, eval__rules_title(c), eval__vars(x, NULL, NULL, 0), asserts,
               record);
  }
  for (size_t i = 0; i < c->nshots; i++) {
    const struct crystal_shot *shot = &c->shots[i];
    const char *names[EVAL_FILL_MAX];
    const char *values[EVAL_FILL_MAX];
    size_t n;

    if (!eval__fill(c, shot, names, values, &n)) {
      x->skipped = "the prompt reads fewer variables than its examples "
                   "give inputs, so they cannot be run as tests";
      break;
    }
    asserts = json_object_new_array();
    eval__expect(c, shot->output, asserts);
    eval__test(x, arena_printf(c->arena, "example: %s",
                               eval__short(c, shot->inputs[0],
                                           EVAL_DESCRIPTION_MAX)),
               eval__vars(x, names, values, n), asserts, record);
  }
  if (c->nshots == 0 && c->example.value) {
    asserts = json_object_new_array();
    /* The example's span is into the fragment's dedented text, not the
     * prompt's: the fragment's lines say where a schema of it was made. */
    json_object_array_add(asserts, eval__check("is-json", eval__json_schema(
      c, c->example.value, NULL, c->edit->first_line, c->edit->last_line)));
    eval__test(x, "answers with JSON shaped like the example",
               eval__vars(x, NULL, NULL, 0), asserts, record);
  }
  /* Examples that cannot run are no instructions to quote. */
  if (json_object_array_length(x->tests) == 0 && !x->skipped) {
    asserts = json_object_new_array();
    json_object_array_add(asserts, eval__check("llm-rubric", eval__str(
      arena_printf(c->arena, "The answer follows these instructions from "
                   "the prompt: \"%s\"", eval__quoted(c, crystal_prose(c), 600)))));
    eval__test(x, arena_printf(c->arena, "follows %s of %s",
                               crystal_lines(c), c->name),
               eval__vars(x, NULL, NULL, 0), asserts, record);
  }
}

/* The promptfoo provider id of the prompt's model, or NULL. */
static const char *
eval__provider(struct crystal *c)
{
  static const char *const prefixes[][2] = {
    { "openai", "openai:" }, { "azure", "azure:chat:" },
    { "foundry", "azure:chat:" }, { "azure_openai", "azure:chat:" },
    { "anthropic", "anthropic:messages:" }, { "googleai", "google:" },
    { "google", "google:" }, { "vertexai", "vertex:" },
  };
  const struct node *model = node_get(c->prompt->root, "model");
  const char *id = node_str(model);
  const char *provider = NULL;
  const char *slash;

  if (!id) {
    id = node_str(node_get(model, "id"));
    provider = node_str(node_get(model, "provider"));
    if (!id)
      id = node_str(node_get(node_get(model, "configuration"),
                             "azure_deployment"));
    if (!provider)
      provider = node_str(node_get(node_get(model, "configuration"),
                                   "type"));
  }
  if (!id || strchr(id, ' ') || strchr(id, '$'))
    return NULL;
  slash = strchr(id, '/');
  if (slash && !provider) {
    provider = arena_strndup(c->arena, id, (size_t)(slash - id));
    id = slash + 1;
  }
  if (!provider)
    provider = strncmp(id, "claude", 6) == 0 ? "anthropic"
             : strncmp(id, "gemini", 6) == 0 ? "google" : "openai";
  for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
    if (strcasecmp(provider, prefixes[i][0]) == 0)
      return arena_printf(c->arena, "%s%s", prefixes[i][1], id);
  return NULL;
}

/* A new promptfoo config next to the prompt, running it on the tests. */
static int
eval__new_config(struct eval *x)
{
  struct crystal *c = x->c;
  const char *path = c->req->exists &&
                     c->req->exists(c->req->exists_ctx, crystal_path_join(
                       c->arena, c->dir, "promptfooconfig.yaml"))
                       ? crystal_free_path(c, c->dir, arena_printf(
                           c->arena, "promptfooconfig.%s", c->name), ".yaml")
                       : crystal_free_path(c, c->dir, "promptfooconfig",
                                           ".yaml");
  const char *provider = eval__provider(c);
  const char *base = strrchr(c->req->prompt_path, '/');
  struct json_object *cfg = json_object_new_object();
  struct json_object *prompts = json_object_new_array();
  struct json_object *providers = json_object_new_array();
  struct buf text;

  if (!path) {
    json_object_put(cfg);
    json_object_put(prompts);
    json_object_put(providers);
    c->edit->why = "no free name for a new promptfoo config";
    return 1;
  }
  c->tests_dir = crystal_path_dir(c->arena, path);
  eval__promptfoo_tests(x, crystal_record(c, path));
  if (json_object_array_length(x->tests) == 0) {
    json_object_put(cfg);
    json_object_put(prompts);
    json_object_put(providers);
    c->edit->why = x->skipped;
    return 1;
  }
  json_object_array_add(prompts, eval__str(arena_printf(
    c->arena, "file://%s", base ? base + 1 : c->req->prompt_path)));
  json_object_array_add(providers, eval__str(provider ? provider
                                             : "openai:gpt-4o-mini"));
  json_object_object_add(cfg, "description", eval__str(arena_printf(
    c->arena, "Tests crystallised from %s", base ? base + 1
                                                 : c->req->prompt_path)));
  json_object_object_add(cfg, "prompts", prompts);
  json_object_object_add(cfg, "providers", providers);
  json_object_object_add(cfg, "tests", json_object_get(x->tests));
  buf_init(&text, CRYSTAL_TEXT_MAX);
  if (!provider)
    buf_puts(&text, "# facet: the prompt names no model promptfoo knows; "
                    "set the provider that runs it.\n");
  crystal_emit_yaml(&text, cfg, 0);
  json_object_put(cfg);
  c->edit->files[c->edit->nfiles++] = (struct crystal_file){
    path, crystal_buf_keep(c, &text) };
  return 0;
}

/* Adds the tests to the promptfoo config that runs the prompt. */
static int
eval__into_config(struct eval *x)
{
  struct crystal *c = x->c;
  const struct artifact *cfg = c->req->eval;
  const char *path = c->req->eval_path;
  const struct node *key = node_get_key(cfg->root, "tests");
  const struct node *tests = node_resolve(node_get(cfg->root, "tests"));
  int rc = 0;

  c->tests_dir = crystal_path_dir(c->arena, path);
  eval__promptfoo_tests(x, crystal_record(c, path));
  if (json_object_array_length(x->tests) == 0) {
    c->edit->why = x->skipped;
    return 1;
  }
  if (tests && tests->kind == NODE_SEQ && tests->count > 0) {
    for (size_t i = 0; rc == 0 && i < json_object_array_length(x->tests);
         i++)
      rc = crystal_yaml_append(c, cfg, path, tests, json_object_array_get_idx(
                                 x->tests, i), NULL);
    return rc;
  }
  if (tests && tests->kind == NODE_SCALAR && tests->type == SCALAR_STRING) {
    struct json_object *list = json_object_new_array();

    json_object_array_add(list, json_object_new_string(tests->u.scalar.str));
    for (size_t i = 0; i < json_object_array_length(x->tests); i++)
      json_object_array_add(list, json_object_get(json_object_array_get_idx(
                              x->tests, i)));
    rc = (cfg->root->flags & NODE_FLOW)
           ? FACET_ELIMIT
           : crystal_change(c, path, span_make(key->span.start,
                                               tests->span.end),
                            crystal_yaml_entry(c, "tests", list, 0, NULL,
                                               true));
    json_object_put(list);
    return rc;
  }
  if (key) {
    /* tests: with nothing, or an empty list: the list replaces it. */
    return crystal_change(c, path, span_make(key->span.start,
                                             tests ? tests->span.end
                                                   : key->span.end + 1),
                          crystal_yaml_entry(c, "tests", x->tests, 0, NULL,
                                             true));
  }
  return crystal_yaml_set(c, cfg, path, cfg->root, "tests", x->tests, NULL);
}

static const char *
eval__note(struct eval *x, const char *where)
{
  struct crystal *c = x->c;
  struct buf out;

  buf_init(&out, CRYSTAL_TEXT_MAX);
  if (x->ntodo) {
    buf_puts(&out, "give ");
    for (size_t i = 0; i < x->ntodo; i++)
      buf_printf(&out, "%s%s", i ? (i + 1 == x->ntodo ? " and " : ", ") : "",
                 x->todo[i]);
    buf_printf(&out, " a real value in %s (the TODO placeholders)", where);
  }
  if (x->skipped)
    buf_printf(&out, "%s%s", out.len ? "; " : "", x->skipped);
  if (x->also)
    buf_printf(&out, "%s%s", out.len ? "; " : "", x->also);
  if (c->prompt->format == FORMAT_DOTPROMPT && !c->req->eval)
    buf_printf(&out, "%spromptfoo reads a .prompt file as plain text and "
               "does not run Dotprompt's helpers", out.len ? "; " : "");
  if (c->prompt->format == FORMAT_SEMANTIC_KERNEL && !c->req->eval)
    buf_printf(&out, "%spromptfoo fills {{ name }} only, not Semantic "
               "Kernel's {{$name}}", out.len ? "; " : "");
  if (vscode_format(c->prompt->format) && c->prompt->nvars)
    buf_printf(&out, "%spromptfoo sends ${input:...} variables as written: "
               "VS Code fills them, promptfoo does not", out.len ? "; " : "");
  if (!out.len) {
    buf_release(&out);
    return NULL;
  }
  return crystal_buf_keep(c, &out);
}

static int
eval__promptfoo(struct crystal *c)
{
  struct eval x = { .c = c, .tests = json_object_new_array() };
  int rc = c->req->eval ? eval__into_config(&x) : eval__new_config(&x);
  size_t n = json_object_array_length(x.tests);
  const char *where = c->req->eval ? c->req->eval_path
                    : c->edit->nfiles ? c->edit->files[0].path : "";

  if (rc == 0) {
    c->edit->made = true;
    c->edit->note = eval__note(&x, where);
    c->edit->title = arena_printf(c->arena, "Crystallise into an eval (%zu "
                                  "test%s in %s)", n, n == 1 ? "" : "s",
                                  where);
  } else if (rc == 1) {
    rc = 0;
  }
  json_object_put(x.tests);
  return rc;
}

/* .prompt.yml evaluators: GitHub Models runs every one on every testData
 * item, so a rule is an evaluator and an example an item. */
static struct json_object *
eval__evaluator(const char *name, const char *kind,
                struct json_object *value_take)
{
  struct json_object *e = json_object_new_object();

  json_object_object_add(e, "name", eval__str(name));
  json_object_object_add(e, kind, value_take);
  return e;
}

static struct json_object *
eval__string_check(const char *how, const char *text)
{
  struct json_object *m = json_object_new_object();

  json_object_object_add(m, how, eval__str(text));
  return m;
}

/* An llm evaluator that asks question of the answer, yes passing. */
static struct json_object *
eval__llm(struct crystal *c, const char *name, const char *question)
{
  const char *model = node_str(node_get(c->prompt->root, "model"));
  struct json_object *llm = json_object_new_object();
  struct json_object *choices = json_object_new_array();
  static const char *const answers[] = { "yes", "no" };

  json_object_object_add(llm, "modelId", eval__str(
    model && strchr(model, '/') ? model : "openai/gpt-4o-mini"));
  json_object_object_add(llm, "prompt", eval__str(arena_printf(
    c->arena, "Here is an answer to check:\n{{completion}}\n\n%s Reply with "
    "yes or no.", question)));
  for (int i = 0; i < 2; i++) {
    struct json_object *ch = json_object_new_object();

    json_object_object_add(ch, "choice", eval__str(answers[i]));
    json_object_object_add(ch, "score", json_object_new_int(i == 0));
    json_object_array_add(choices, ch);
  }
  json_object_object_add(llm, "choices", choices);
  return eval__evaluator(name, "llm", llm);
}

static void
eval__ghm_rule(struct crystal *c, const struct crystal_rule *r,
               struct json_object *out)
{
  const char *name = arena_printf(c->arena, "rule: %s",
                                  eval__short(c, r->sentence,
                                              EVAL_DESCRIPTION_MAX));
  static const char *const how[] = { "contains", "startsWith", "endsWith" };

  if (r->kind == RULE_INCLUDE || r->kind == RULE_STARTS ||
      r->kind == RULE_ENDS) {
    /* A string evaluator checks one text: one each. */
    for (size_t i = 0; i < r->nvalues; i++)
      json_object_array_add(out, eval__evaluator(
        r->nvalues > 1 ? arena_printf(c->arena, "%s (%s)", name,
                                      r->values[i]) : name,
        "string", eval__string_check(how[r->kind - RULE_INCLUDE],
                                     r->values[i])));
    return;
  }
  json_object_array_add(out, eval__llm(c, name, arena_printf(
    c->arena, "The prompt sets this rule: \"%s\" Does the answer follow "
    "it?", eval__quoted(c, r->sentence, 400))));
}

/* Whether an evaluator already compares with {{expected}}, and whether
 * every item has an expected value for one to read. */
static void
eval__ghm_expected(const struct artifact *a, bool *checked, bool *all)
{
  const struct node *evs = node_resolve(node_get(a->root, "evaluators"));
  const struct node *data = node_resolve(node_get(a->root, "testData"));

  *checked = false;
  *all = true;
  for (uint32_t i = 0; evs && evs->kind == NODE_SEQ && i < evs->count; i++) {
    const struct node *e = evs->u.items[i];

    *checked |= memmem(a->text + e->span.start, e->span.end - e->span.start,
                       "{{expected}}", 12) != NULL;
  }
  for (uint32_t i = 0; data && data->kind == NODE_SEQ && i < data->count;
       i++)
    *all &= node_get(data->u.items[i], "expected") != NULL;
}

static void
eval__ghm_items(struct eval *x, struct json_object *items,
                struct json_object *evaluators)
{
  struct crystal *c = x->c;
  bool checked;
  bool all;
  bool labels = true;

  for (size_t i = 0; i < c->nshots; i++) {
    const struct crystal_shot *shot = &c->shots[i];
    const char *names[EVAL_FILL_MAX];
    const char *values[EVAL_FILL_MAX];
    size_t n;
    struct json_object *item;

    if (!eval__fill(c, shot, names, values, &n)) {
      x->skipped = "the prompt reads fewer variables than its examples "
                   "give inputs, so they cannot be run as tests";
      return;
    }
    item = eval__vars(x, names, values, n);
    json_object_object_add(item, "expected", eval__str(shot->output));
    json_object_array_add(items, item);
    labels &= eval__label(shot->output);
  }
  eval__ghm_expected(c->prompt, &checked, &all);
  if (!c->nshots || checked)
    return;
  if (!all) {
    x->skipped = "no evaluator compares with the expected values: some "
                 "testData items have none, and an evaluator runs on every "
                 "item";
    return;
  }
  if (labels)
    json_object_array_add(evaluators, eval__evaluator(
      "matches the expected answer", "string",
      eval__string_check("equals", "{{expected}}")));
  else
    json_object_array_add(evaluators, eval__llm(c, "says what the expected "
      "answer says", "Here is the expected answer:\n{{expected}}\n\nDoes "
      "the answer to check say the same?"));
}

/* Inserts items into the top-level list key of the prompt, after a
 * comment line holding record each. */
static int
eval__ghm_add(struct crystal *c, const char *key, struct json_object *items,
              const char *comment, const char *before)
{
  const struct node *list = node_resolve(node_get(c->prompt->root, key));
  int rc = 0;

  if (json_object_array_length(items) == 0)
    return 0;
  if (!list || list->kind != NODE_SEQ || list->count == 0 ||
      (list->flags & NODE_FLOW))
    return node_get_key(c->prompt->root, key)
             ? FACET_ELIMIT
             : crystal_header_list(c, key, items, comment, before);
  for (size_t i = 0; rc == 0 && i < json_object_array_length(items); i++)
    rc = crystal_yaml_append(c, c->prompt, c->req->prompt_path, list,
                             json_object_array_get_idx(items, i), comment);
  return rc;
}

/* Keys of a JSON example checked at most, one evaluator each. */
#define EVAL_KEYS_MAX 6

/*
 * A JSON example alone: GitHub Models has no JSON evaluator, so the
 * closest deterministic check is that the answer names each key of the
 * example ("\"clarity\""), and the schema action pins the shape.
 */
static void
eval__ghm_keys(struct eval *x, struct json_object *evaluators)
{
  struct crystal *c = x->c;
  struct json_object *ex = c->example.value;
  size_t n = 0;

  if (c->nshots || !json_object_is_type(ex, json_type_object))
    return;
  json_object_object_foreach(ex, key, val) {
    (void)val;
    if (n++ == EVAL_KEYS_MAX)
      break;
    json_object_array_add(evaluators, eval__evaluator(
      arena_printf(c->arena, "json key: %s", key), "string",
      eval__string_check("contains", arena_printf(c->arena, "\"%s\"",
                                                  key))));
  }
  if (n)
    x->also = c->prompt->facts.output_schema
      ? "GitHub Models has no JSON evaluator, so these check that the "
        "answer names the example's keys"
      : "GitHub Models has no JSON evaluator, so these check that the "
        "answer names the example's keys; crystallise into a schema to pin "
        "its shape (responseFormat: json_schema)";
}

static int
eval__github_models(struct crystal *c)
{
  struct eval x = { .c = c, .tests = json_object_new_array() };
  struct json_object *evaluators = json_object_new_array();
  const struct node *data = node_resolve(node_get(c->prompt->root,
                                                  "testData"));
  const char *comment = arena_printf(c->arena, "facet: %s", crystal_record(
                                       c, c->req->prompt_path));
  size_t nitems;
  size_t nevals;
  int rc;

  eval__ghm_items(&x, x.tests, evaluators);
  for (size_t i = 0; i < c->nrules; i++)
    eval__ghm_rule(c, &c->rules[i], evaluators);
  eval__ghm_keys(&x, evaluators);
  if (json_object_array_length(x.tests) == 0 &&
      json_object_array_length(evaluators) == 0 && !x.skipped)
    json_object_array_add(evaluators, eval__llm(c, arena_printf(
      c->arena, "follows: %s", eval__short(c, crystal_prose(c), 48)),
      arena_printf(c->arena, "The prompt says: \"%s\" Does the answer do "
                   "what it says?", eval__quoted(c, crystal_prose(c), 600))));
  if (json_object_array_length(x.tests) == 0 &&
      json_object_array_length(evaluators) == 0) {
    c->edit->why = x.skipped;
    json_object_put(x.tests);
    json_object_put(evaluators);
    return 0;
  }
  /* Evaluators need an item to run on. */
  if (json_object_array_length(x.tests) == 0 &&
      (!data || data->kind != NODE_SEQ || data->count == 0))
    json_object_array_add(x.tests, eval__vars(&x, NULL, NULL, 0));
  nitems = json_object_array_length(x.tests);
  nevals = json_object_array_length(evaluators);
  rc = eval__ghm_add(c, "testData", x.tests, comment, "evaluators");
  if (rc == 0)
    rc = eval__ghm_add(c, "evaluators", evaluators, comment, NULL);
  if (rc == 0) {
    /* Only what is added is named: "0 testData items" reads as if
     * something were taken away. */
    const char *items = arena_printf(c->arena, "%zu testData item%s",
                                     nitems, nitems == 1 ? "" : "s");
    const char *evals = arena_printf(c->arena, "%zu evaluator%s", nevals,
                                     nevals == 1 ? "" : "s");

    c->edit->made = true;
    c->edit->note = eval__note(&x, "testData");
    c->edit->title = arena_printf(c->arena, "Crystallise into an eval (%s%s"
                                  "%s)", nitems ? items : "",
                                  nitems && nevals ? ", " : "",
                                  nevals ? evals : "");
  }
  json_object_put(x.tests);
  json_object_put(evaluators);
  return rc;
}

int
crystal_eval(struct crystal *c)
{
  if (c->prompt->format == FORMAT_GITHUB_MODELS)
    return eval__github_models(c);
  return eval__promptfoo(c);
}
