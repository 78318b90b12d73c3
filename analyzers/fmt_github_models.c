/*
 * GitHub Models prompt files (.prompt.yml, and any YAML that gh models
 * runs): plain YAML with messages, test data and evaluators. The CLI reads
 * the file into a Go struct, so unknown keys are silently dropped, and it
 * substitutes {{name}} by literal replacement from each testData item.
 */
#include <ctype.h>
#include <json-c/json.h>
#include <string.h>
#include <strings.h>

#include "eval_internal.h"
#include "formats.h"
#include "json_syntax.h"
#include "params.h"
#include "schema.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

static const struct shape_field ghm__parameter_fields[] = {
  { "maxTokens", SHAPE_INT, "Most tokens to generate.", 0, 0, 0, 0 },
  { "temperature", SHAPE_NUMBER, "Sampling temperature.", 0, 0, 0, 0 },
  { "topP", SHAPE_NUMBER, "Nucleus sampling mass.", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape ghm__parameters = {
  "GitHub Models modelParameters", ghm__parameter_fields, 0, 0, 0,
};

/* Compared without case by the CLI (ghm__check_roles): listed for
 * completion, not checked by the shape. */
static const char *const ghm__roles[] = {
  "system", "user", "assistant", NULL,
};

static const struct shape_field ghm__message_fields[] = {
  { "role", SHAPE_TEXT, "system, user or assistant.", 0, 0, ghm__roles,
    SHAPE_REQUIRED | SHAPE_VALUES_OPEN },
  { "content", SHAPE_STRING, "The message text; {{name}} is replaced from "
    "testData.", 0, 0, 0, SHAPE_REQUIRED },
  { 0 },
};

static const struct shape ghm__message = {
  "a GitHub Models message", ghm__message_fields, 0, 0, 0,
};

static const struct shape_field ghm__string_fields[] = {
  { "equals", SHAPE_STRING, "The exact output (case-sensitive).", 0, 0, 0,
    0 },
  { "contains", SHAPE_STRING, "Text the output contains (any case).", 0, 0,
    0, 0 },
  { "startsWith", SHAPE_STRING, "Text the output starts with (any case).",
    0, 0, 0, 0 },
  { "endsWith", SHAPE_STRING, "Text the output ends with (any case).", 0, 0,
    0, 0 },
  { 0 },
};

static const struct shape ghm__string = {
  "a string evaluator", ghm__string_fields, 0, 0, 0,
};

static const struct shape_field ghm__choice_fields[] = {
  { "choice", SHAPE_STRING, "Text looked for in the grader's answer.", 0, 0,
    0, SHAPE_REQUIRED },
  { "score", SHAPE_NUMBER, "The score when it is found; > 0 passes.", 0, 0,
    0, SHAPE_REQUIRED },
  { 0 },
};

static const struct shape ghm__choice = {
  "an llm evaluator choice", ghm__choice_fields, 0, 0, 0,
};

static const struct shape_field ghm__llm_fields[] = {
  { "modelId", SHAPE_STRING, "The grading model.", 0, 0, 0, SHAPE_REQUIRED },
  { "prompt", SHAPE_STRING, "The grading prompt; sees {{completion}}.", 0, 0,
    0, SHAPE_REQUIRED },
  { "choices", SHAPE_SEQ, "Answers and their scores.", 0, &ghm__choice, 0,
    SHAPE_REQUIRED },
  { "systemPrompt", SHAPE_STRING, "The grader's system message.", 0, 0, 0,
    0 },
  { 0 },
};

static const struct shape ghm__llm = {
  "an llm evaluator", ghm__llm_fields, 0, 0, 0,
};

static const char *const ghm__builtins[] = {
  "github/similarity", "github/coherence", "github/fluency",
  "github/relevance", "github/groundedness", NULL,
};

/* The testData keys each built-in evaluator's grading prompt reads, as
 * gh models defines them (every one also reads {{completion}}). */
static const struct {
  const char *uses;
  const char *reads[3];
} ghm__builtin_reads[] = {
  { "github/similarity", { "input", "expected", NULL } },
  { "github/coherence", { "input", NULL } },
  { "github/fluency", { NULL } },
  { "github/relevance", { "input", NULL } },
  { "github/groundedness", { "expected", "input", NULL } },
};

/* Evaluator prompts see the testData item and the model's output. */
static const char *const ghm__evaluator_builtins[] = { "completion", NULL };

static const struct shape_field ghm__evaluator_fields[] = {
  { "name", SHAPE_STRING, "The evaluator's name in results.", 0, 0, 0,
    SHAPE_REQUIRED },
  { "string", SHAPE_MAP, "Compare the output with text.", &ghm__string, 0,
    0, 0 },
  { "llm", SHAPE_MAP, "Ask a model to grade the output.", &ghm__llm, 0, 0,
    0 },
  { "uses", SHAPE_TEXT, "A built-in evaluator.", 0, 0, ghm__builtins, 0 },
  { 0 },
};

static const struct shape ghm__evaluator = {
  "a GitHub Models evaluator", ghm__evaluator_fields, 0, 0, 0,
};

static const char *const ghm__response_formats[] = {
  "text", "json_object", "json_schema", NULL,
};

static const char *const ghm__messages_key[] = { "messages", NULL };

static const struct shape_field ghm__fields[] = {
  { "name", SHAPE_STRING, "The prompt's name.", 0, 0, 0, 0 },
  { "description", SHAPE_STRING, "What the prompt does.", 0, 0, 0, 0 },
  { "model", SHAPE_STRING, "The model, e.g. openai/gpt-4o-mini.", 0, 0, 0,
    0 },
  { "modelParameters", SHAPE_MAP, "maxTokens, temperature and topP.",
    &ghm__parameters, 0, 0, 0 },
  { "responseFormat", SHAPE_TEXT, "text, json_object or json_schema.", 0, 0,
    ghm__response_formats, 0 },
  { "jsonSchema", SHAPE_ANY, "A JSON string: {name, schema, strict?}.", 0, 0,
    0, 0 },
  { "messages", SHAPE_SEQ, "The conversation: {role, content} items.", 0,
    &ghm__message, 0, 0 },
  { "testData", SHAPE_SEQ, "Test inputs: one mapping of variables each.", 0,
    0, 0, 0 },
  { "evaluators", SHAPE_SEQ, "Checks run on each test's output.", 0,
    &ghm__evaluator, 0, 0 },
  { "prompts", SHAPE_SEQ, "the conversation goes under 'messages'", 0,
    &ghm__message, ghm__messages_key, SHAPE_MISPLACED },
  { 0 },
};

const struct shape github_models_shape = {
  "GitHub Models prompt file", ghm__fields, 0, 0, 0,
};

/* Roles are compared without case; anything else fails the run. */
static void
ghm__check_roles(struct artifact *a, const struct node *messages)
{
  for (uint32_t i = 0; i < messages->count; i++) {
    const struct node *role = node_get(messages->u.items[i], "role");
    const char *s = node_str(role);

    if (!s || role->type != SCALAR_STRING || strcasecmp(s, "system") == 0 ||
        strcasecmp(s, "user") == 0 || strcasecmp(s, "assistant") == 0)
      continue;
    diag_add(&a->diags, DIAG_INVALID_VALUE, role->span,
             "'%s' is not a valid role (one of: system, user, assistant)",
             s);
  }
}

/* GitHub Models sends messages in the order written. */
static void
ghm__check_order(struct artifact *a, const struct node *messages)
{
  const struct node *first = NULL;

  for (uint32_t i = 0; i < messages->count; i++) {
    const struct node *role = node_get(messages->u.items[i], "role");
    const char *s = node_str(role);
    uint32_t line;
    uint32_t col;

    if (!s || role->type != SCALAR_STRING)
      continue;
    if (!first && (strcasecmp(s, "user") == 0 ||
                   strcasecmp(s, "assistant") == 0))
      first = role;
    if (!first || strcasecmp(s, "system") != 0)
      continue;
    source_line_col(&a->src, first->span.start, &line, &col);
    diag_add(&a->diags, DIAG_ROLE_ORDER, role->span, "a system message "
             "after the conversation started (line %u); system messages "
             "come first, and GitHub Models sends them in order", line);
  }
}

/* Whether the text between "{{" and "}}" is one padded name. */
static bool
ghm__padded_name(const char *s, size_t n, size_t *start, size_t *len)
{
  size_t a = 0;
  size_t b = n;

  while (a < n && (s[a] == ' ' || s[a] == '\t'))
    a++;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
    b--;
  if (b == a || (a == 0 && b == n))
    return false;
  for (size_t i = a; i < b; i++)
    if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i]))
      return false;
  *start = a;
  *len = b - a;
  return true;
}

/* {{ name }} stays in the text as is: only {{name}} is replaced. */
static void
ghm__check_padding(struct artifact *a, struct span span)
{
  const char *s = a->text;
  uint32_t i = span.start;

  while (i + 4 <= span.end) {
    const char *open = memmem(s + i, span.end - i, "{{", 2);
    const char *close;
    size_t start;
    size_t len;
    struct diagnostic *d;

    if (!open)
      return;
    close = memmem(open + 2, (size_t)(s + span.end - open - 2), "}}", 2);
    if (!close)
      return;
    i = (uint32_t)(close - s) + 2;
    if (!ghm__padded_name(open + 2, (size_t)(close - open - 2), &start,
                          &len))
      continue;
    d = diag_add(&a->diags, DIAG_UNSUBSTITUTED_VARIABLE,
                 span_make((uint32_t)(open - s), i),
                 "GitHub Models replaces only '{{%.*s}}'; this placeholder "
                 "has spaces and stays in the text as is", (int)len,
                 open + 2 + start);
    if (d)
      d->replacement = arena_printf(&a->arena, "{{%.*s}}", (int)len,
                                    open + 2 + start);
  }
}

/* A string gh models fills from each testData item, as a template. */
static void
ghm__scan_text(struct artifact *a, const struct node *text,
               const struct template_options *opts)
{
  text = node_resolve(text);
  if (!text || text->kind != NODE_SCALAR || text->type != SCALAR_STRING)
    return;
  template_parse(a, TEMPLATE_LITERAL, text->span, opts);
  ghm__check_padding(a, text->span);
}

static void
ghm__scan_messages(struct artifact *a, const struct node *messages)
{
  for (uint32_t i = 0; i < messages->count; i++)
    ghm__scan_text(a, node_get(messages->u.items[i], "content"), NULL);
}

/* String and llm evaluators are templated with the testData item too. */
static void
ghm__scan_evaluators(struct artifact *a, const struct node *evaluators)
{
  static const char *const strings[] = {
    "equals", "contains", "startsWith", "endsWith",
  };
  const struct template_options opts = {
    .builtins = ghm__evaluator_builtins,
  };

  for (uint32_t i = 0; i < evaluators->count; i++) {
    const struct node *ev = node_resolve(evaluators->u.items[i]);
    const struct node *string = node_get(ev, "string");
    const struct node *llm = node_get(ev, "llm");

    for (size_t k = 0; string && k < sizeof strings / sizeof *strings; k++)
      ghm__scan_text(a, node_get(string, strings[k]), &opts);
    ghm__scan_text(a, node_get(llm, "prompt"), &opts);
    ghm__scan_text(a, node_get(llm, "systemPrompt"), &opts);
  }
}

/*
 * A built-in evaluator reads {{input}} or {{expected}} from the testData
 * item; where no item sets the key, the placeholder reaches the grader as
 * text and the score means nothing.
 */
static void
ghm__check_builtin_reads(struct artifact *a, const struct node *evaluators)
{
  for (uint32_t i = 0; i < evaluators->count; i++) {
    const struct node *uses = node_get(node_resolve(evaluators->u.items[i]),
                                       "uses");
    const char *name = node_str(uses);

    for (size_t b = 0; name && b < sizeof ghm__builtin_reads /
                                     sizeof *ghm__builtin_reads; b++) {
      if (strcmp(name, ghm__builtin_reads[b].uses) != 0)
        continue;
      for (const char *const *r = ghm__builtin_reads[b].reads; *r; r++)
        if (!artifact_declares(a, *r))
          diag_add(&a->diags, DIAG_UNDECLARED_VARIABLE, uses->span,
                   "'%s' reads {{%s}} from each testData item, but no "
                   "item sets '%s': the grader sees the placeholder as "
                   "text", name, *r, *r);
    }
  }
}

/* Where in the decoded string byte off falls, as "line L, column C". */
static const char *
ghm__json_where(struct artifact *a, const char *s, size_t off)
{
  unsigned line = 1;
  unsigned col = 1;

  for (size_t i = 0; i < off && s[i]; i++) {
    col = s[i] == '\n' ? 1 : col + 1;
    line += s[i] == '\n';
  }
  return arena_printf(&a->arena, "line %u, column %u", line, col);
}

/*
 * Parses the JSON that jsonSchema holds as the CLI does: one JSON object
 * and nothing after it. Returns the object (the caller puts it), or NULL
 * after a diagnostic.
 */
static struct json_object *
ghm__parse_json(struct artifact *a, const struct node *value)
{
  const char *s = node_str(value);
  struct json_object *obj;
  struct json_syntax_error e;

  /* Go's encoding/json reads RFC 8259: no trailing commas, comments, NaN
   * or raw tabs in strings. */
  if (!json_text_parse(s, value->u.scalar.len, &obj, &e)) {
    diag_add(&a->diags, DIAG_JSON_SYNTAX, value->span,
             "jsonSchema is not valid JSON: %s at %s of the string",
             e.message, ghm__json_where(a, s, e.start));
    return NULL;
  }
  if (!json_object_is_type(obj, json_type_object)) {
    json_object_put(obj);
    diag_add(&a->diags, DIAG_WRONG_TYPE, value->span,
             "jsonSchema should hold a JSON object: {name, schema, "
             "strict?}");
    return NULL;
  }
  return obj;
}

/* Whether s (after white space) opens a JSON object or array. */
static bool
ghm__looks_json(const char *s)
{
  while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
    s++;
  return *s == '{' || *s == '[';
}

/*
 * The schema jsonSchema wraps, checked where the string writes it (with
 * OpenAI's strict rules when it says strict: true), and each testData
 * expected value that is JSON, validated against it.
 */
static void
ghm__check_schema(struct artifact *a, const struct node *value)
{
  const struct node *data = node_get(a->root, "testData");
  bool exact;
  const struct node *wrapper = schema_parse_embedded(a, value, &exact);
  const struct node *schema = node_get(wrapper, "schema");
  const struct schema_site *site;

  if (!schema || schema->kind != NODE_MAP)
    return;
  site = schema_add(a, schema, "jsonSchema",
                    node_is_bool(node_get(wrapper, "strict"), true)
                      ? SCHEMA_PROVIDER_OPENAI : a->provider,
                    SCHEMA_JSON | (exact ? 0 : SCHEMA_INEXACT));
  for (uint32_t i = 0; site && data && data->kind == NODE_SEQ &&
                       i < data->count; i++) {
    const struct node *expected = node_get(data->u.items[i], "expected");
    const char *s = node_str(expected);
    const struct node *tree;

    if (!s || expected->type != SCALAR_STRING || !ghm__looks_json(s))
      continue;
    tree = schema_parse_embedded(a, expected, &exact);
    if (tree)
      schema_validate(a, site, tree, NULL, "this expected output");
  }
}

/* Returns whether jsonSchema pins the output: it loads, with a schema. */
static bool
ghm__check_json_schema(struct artifact *a)
{
  const struct node *key = node_get_key(a->root, "jsonSchema");
  const struct node *value = node_get(a->root, "jsonSchema");
  const struct node *format = node_get(a->root, "responseFormat");
  bool wants = node_is_str(format, "json_schema");
  struct json_object *obj;
  bool pinned = true;

  if (!value || (value->kind == NODE_SCALAR && value->type == SCALAR_NULL)) {
    if (wants)
      diag_add(&a->diags, DIAG_MISSING_KEY, format->span,
               "responseFormat json_schema needs a jsonSchema");
    return false;
  }
  if (value->kind != NODE_SCALAR) {
    diag_add(&a->diags, DIAG_WRONG_TYPE, value->span,
             "jsonSchema must be a JSON string, not %s: the CLI rejects "
             "YAML here", node_type_name(value));
    return false;
  }
  obj = ghm__parse_json(a, value);
  if (!obj)
    return false;
  for (int i = 0; wants && i < 2; i++) {
    const char *field = i == 0 ? "name" : "schema";

    if (json_object_object_get_ex(obj, field, NULL))
      continue;
    diag_add(&a->diags, DIAG_MISSING_KEY, key ? key->span : value->span,
             "jsonSchema is missing '%s', which responseFormat json_schema "
             "requires", field);
    pinned = false;
  }
  json_object_put(obj);
  ghm__check_schema(a, value);
  return wants && pinned;
}

/* The CLI takes the first of string, llm and uses that is set. */
static void
ghm__check_evaluator(struct artifact *a, const struct node *ev)
{
  static const char *const kinds[] = { "string", "llm", "uses" };
  const struct node *first = NULL;
  const struct node *string = node_get(ev, "string");

  for (int i = 0; i < 3; i++) {
    const struct node *key = node_get_key(ev, kinds[i]);

    if (!key)
      continue;
    if (first)
      diag_add(&a->diags, DIAG_CONFLICTING_KEYS, key->span,
               "an evaluator takes one of string, llm and uses; '%s' is "
               "ignored after '%s'", kinds[i], node_str(first));
    else
      first = key;
  }
  if (!first)
    diag_add(&a->diags, DIAG_MISSING_KEY, ev->span,
             "an evaluator needs one of string, llm or uses");
  if (string && string->kind == NODE_MAP && string->count == 0)
    diag_add(&a->diags, DIAG_MISSING_KEY, string->span,
             "a string evaluator needs one of equals, contains, "
             "startsWith or endsWith");
}

static void
ghm__check_lists(struct artifact *a)
{
  const struct node *evaluators = node_get(a->root, "evaluators");
  const struct node *data = node_get(a->root, "testData");

  for (uint32_t i = 0; evaluators && evaluators->kind == NODE_SEQ &&
                       i < evaluators->count; i++) {
    const struct node *ev = node_resolve(evaluators->u.items[i]);

    if (ev && ev->kind == NODE_MAP)
      ghm__check_evaluator(a, ev);
  }
  for (uint32_t i = 0; data && data->kind == NODE_SEQ && i < data->count;
       i++) {
    const struct node *item = node_resolve(data->u.items[i]);

    if (item && item->kind != NODE_MAP)
      diag_add(&a->diags, DIAG_WRONG_TYPE, data->u.items[i]->span,
               "a testData item should be a mapping of variables, not %s",
               node_type_name(item));
  }
}

static void
ghm__facts(struct artifact *a, bool pinned)
{
  struct artifact_facts *f = &a->facts;
  const struct node *data = node_get(a->root, "testData");
  const struct node *evaluators = node_get(a->root, "evaluators");

  f->header = true;
  f->inputs_declared = data && data->kind == NODE_SEQ && data->count > 0;
  /* Only a mapping item declares (the others are reported as such). */
  for (uint32_t i = 0; f->inputs_declared && i < data->count; i++) {
    const struct node *item = node_resolve(data->u.items[i]);

    if (item && item->kind == NODE_MAP)
      formats_declare(a, item, NULL, DECLARE_VALUES, "testData");
  }
  /* testData keys also feed evaluators ({{expected}}): never "unused". */
  if (f->inputs_declared) {
    formats_check_variables(a, VARIABLES_UNDECLARED, "testData");
    if (evaluators && evaluators->kind == NODE_SEQ)
      ghm__check_builtin_reads(a, evaluators);
  }
  f->output_schema = pinned;
  f->output_schema_where = "jsonSchema";
  f->tests = data && data->kind == NODE_SEQ ? data->count : 0;
  f->assertions = evaluators && evaluators->kind == NODE_SEQ &&
                  evaluators->count > 0;
  f->tests_where = "testData and evaluators";
  f->inputs_hint = "add testData items that give every {{variable}} in the "
                   "messages a value";
  f->schema_hint = "pin the output: set responseFormat: json_schema and a "
                   "jsonSchema";
  f->tests_hint = "add evaluators that check the output for each testData "
                  "item";
}

void
github_models_check(struct artifact *a)
{
  const struct node *messages;
  const struct node *evaluators;
  bool pinned;

  if (formats_parse_document(a, false))
    return;
  a->syntax = SYNTAX_YAML;
  shape_check(&github_models_shape, a->root, formats_top(a), &a->diags);
  messages = node_get(a->root, "messages");
  if (!messages || messages->kind != NODE_SEQ)
    messages = node_get(a->root, "prompts");
  if (messages && messages->kind == NODE_SEQ) {
    ghm__check_roles(a, messages);
    ghm__check_order(a, messages);
    ghm__scan_messages(a, messages);
  }
  evaluators = node_get(a->root, "evaluators");
  if (evaluators && evaluators->kind == NODE_SEQ)
    ghm__scan_evaluators(a, evaluators);
  ghm__check_lists(a);
  params_check(node_get(a->root, "modelParameters"), &ghm__parameters,
               params_anthropic(node_str(node_get(a->root, "model")))
                 ? PARAMS_ANTHROPIC : 0, &a->diags);
  pinned = ghm__check_json_schema(a);
  ghm__facts(a, pinned);
  evalx_github_models(a);
}
