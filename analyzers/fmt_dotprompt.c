/*
 * Dotprompt (.prompt, Google's format that Genkit loads): YAML frontmatter,
 * optionally after '#' comment lines, and a Handlebars body. The loader
 * keeps the reserved keys, files every key with a '.' under ext by
 * namespace, and leaves other keys in raw, where Genkit reads a few more.
 */
#include <json-c/json.h>
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "params.h"
#include "picoschema.h"
#include "schema.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

/* Common config keys; config is passed to the model plugin as is. */
static const struct shape_field dotprompt__config_fields[] = {
  { "version", SHAPE_STRING, "The model version to call.", 0, 0, 0, 0 },
  { "temperature", SHAPE_NUMBER, "Sampling temperature.", 0, 0, 0, 0 },
  { "maxOutputTokens", SHAPE_INT, "Most tokens to generate.", 0, 0, 0, 0 },
  { "topK", SHAPE_INT, "Top-k sampling.", 0, 0, 0, 0 },
  { "topP", SHAPE_NUMBER, "Nucleus sampling mass.", 0, 0, 0, 0 },
  { "stopSequences", SHAPE_SEQ, "Strings that stop generation.", 0, 0, 0,
    0 },
  { 0 },
};

/* Open: each model plugin takes its own settings (safetySettings, ...). */
static const struct shape dotprompt__config = {
  "Dotprompt config", dotprompt__config_fields, SHAPE_OPEN, 0, 0,
};

static const struct shape_field dotprompt__input_fields[] = {
  { "schema", SHAPE_STRING | SHAPE_MAP, "The input's schema: Picoschema, "
    "JSON Schema or a registered schema name.", 0, 0, 0, 0 },
  { "default", SHAPE_MAP, "Values merged under the caller's input.", 0, 0,
    0, 0 },
  { 0 },
};

static const struct shape dotprompt__input = {
  "Dotprompt input", dotprompt__input_fields, 0, 0, 0,
};

/* Genkit's built-in formats; plugins can define more. */
static const char *const dotprompt__formats[] = {
  "json", "text", "media", "array", "enum", "jsonl", NULL,
};

static const struct shape_field dotprompt__output_fields[] = {
  { "format", SHAPE_TEXT, "How the output is parsed: json, text, ...", 0, 0,
    dotprompt__formats, SHAPE_VALUES_OPEN | SHAPE_VALUES_NEAR },
  { "schema", SHAPE_STRING | SHAPE_MAP, "The output's schema: Picoschema, "
    "JSON Schema or a registered schema name.", 0, 0, 0, 0 },
  { "jsonSchema", SHAPE_MAP, "The output's schema as JSON Schema.", 0, 0, 0,
    0 },
  { 0 },
};

static const struct shape dotprompt__output = {
  "Dotprompt output", dotprompt__output_fields, 0, 0, 0,
};

static const struct shape_field dotprompt__tool_fields[] = {
  { "name", SHAPE_TEXT, "The tool's name.", 0, 0, 0, SHAPE_REQUIRED },
  { "description", SHAPE_STRING, "What the tool does.", 0, 0, 0, 0 },
  { "inputSchema", SHAPE_STRING | SHAPE_MAP, "The tool's input schema.", 0,
    0, 0, SHAPE_REQUIRED },
  { "outputSchema", SHAPE_STRING | SHAPE_MAP, "The tool's output schema.",
    0, 0, 0, 0 },
  { 0 },
};

static const struct shape dotprompt__tool = {
  "a Dotprompt toolDefs entry", dotprompt__tool_fields, 0, 0, 0,
};

static const char *const dotprompt__tool_choices[] = {
  "auto", "required", "none", NULL,
};

#define DOTPROMPT__IN_CONFIG "model settings go under config"

static const struct shape_field dotprompt__fields[] = {
  { "name", SHAPE_STRING, "The prompt's name (default: the file name).", 0,
    0, 0, 0 },
  { "variant", SHAPE_STRING, "The variant (default: from the file name).",
    0, 0, 0, 0 },
  { "version", SHAPE_STRING, "The prompt's version.", 0, 0, 0, 0 },
  { "description", SHAPE_STRING, "What the prompt does.", 0, 0, 0, 0 },
  { "model", SHAPE_STRING, "The model to call, e.g. googleai/gemini-2.5-"
    "flash.", 0, 0, 0, 0 },
  { "tools", SHAPE_SEQ, "Names of tools registered in code.", 0, 0, 0, 0 },
  { "toolDefs", SHAPE_SEQ, "Tools defined in the file.", 0,
    &dotprompt__tool, 0, 0 },
  { "config", SHAPE_MAP, "Settings passed to the model.", &dotprompt__config,
    0, 0, 0 },
  { "input", SHAPE_MAP, "The input's schema and defaults.", &dotprompt__input,
    0, 0, 0 },
  { "output", SHAPE_MAP, "The output's format and schema.",
    &dotprompt__output, 0, 0, 0 },
  { "metadata", SHAPE_MAP, "Arbitrary data for code and tools.", 0, 0, 0, 0 },
  { "maxTurns", SHAPE_INT, "Most tool-call rounds (Genkit).", 0, 0, 0, 0 },
  { "toolChoice", SHAPE_TEXT, "auto, required or none (Genkit).", 0, 0,
    dotprompt__tool_choices, 0 },
  { "returnToolRequests", SHAPE_BOOL, "Return tool requests instead of "
    "running them (Genkit).", 0, 0, 0, 0 },
  { "use", SHAPE_SEQ | SHAPE_MAP, "Middleware to apply (Genkit Go).", 0, 0,
    0, 0 },
  { "temperature", SHAPE_ANY, DOTPROMPT__IN_CONFIG, 0, 0, 0,
    SHAPE_MISPLACED },
  { "maxOutputTokens", SHAPE_ANY, DOTPROMPT__IN_CONFIG, 0, 0, 0,
    SHAPE_MISPLACED },
  { "topK", SHAPE_ANY, DOTPROMPT__IN_CONFIG, 0, 0, 0, SHAPE_MISPLACED },
  { "topP", SHAPE_ANY, DOTPROMPT__IN_CONFIG, 0, 0, 0, SHAPE_MISPLACED },
  { "stopSequences", SHAPE_ANY, DOTPROMPT__IN_CONFIG, 0, 0, 0,
    SHAPE_MISPLACED },
  { 0 },
};

const struct shape dotprompt_shape = {
  "Dotprompt frontmatter", dotprompt__fields, SHAPE_DOTTED, 0, 0,
};

/* The keys the loader keeps; a namespace of one of them is a mistake. */
static const char *const dotprompt__reserved[] = {
  "config", "description", "ext", "input", "metadata", "model", "name",
  "output", "raw", "toolDefs", "tools", "variant", "version", NULL,
};

/*
 * 'input.schema: ...' does not set input.schema: the loader files it as
 * the extension ext.input.schema, so the schema is silently ignored.
 */
static void
dotprompt__check_namespaces(struct artifact *a)
{
  const struct node *root = node_resolve(a->root);

  for (uint32_t i = 0; root && root->kind == NODE_MAP && i < root->count;
       i++) {
    const struct node *key = node_key(root, i);
    const char *name = node_str(key);
    const char *dot = name ? strchr(name, '.') : NULL;

    if (!dot)
      continue;
    for (const char *const *r = dotprompt__reserved; *r; r++)
      if (strlen(*r) == (size_t)(dot - name) &&
          strncmp(*r, name, (size_t)(dot - name)) == 0)
        diag_add(&a->diags, DIAG_UNKNOWN_KEY, key->span,
                 "'%s' is read as the extension ext.%s, not as %s; nest "
                 "it under '%s:'", name, name, name, *r);
  }
}

/* Partials (_name.prompt) take their variables from the including prompt. */
static bool
dotprompt__partial(const char *path)
{
  const char *base = path ? strrchr(path, '/') : NULL;

  base = base ? base + 1 : path;
  return base && base[0] == '_';
}

/*
 * input.schema is Picoschema or JSON Schema: declare its fields. A named
 * schema (a string) or a wildcard "(*)" field admits inputs facet cannot
 * list, so then every variable counts as declared.
 */
static void
dotprompt__declare(struct artifact *a, const struct node *schema)
{
  const struct node *props = node_get(schema, "properties");

  schema = node_resolve(schema);
  if (!schema)
    return;
  if (schema->kind == NODE_SCALAR || node_get_key(schema, "(*)") ||
      node_get(schema, "additionalProperties")) {
    a->inputs_open = true;
    return;
  }
  if (props && props->kind == NODE_MAP)
    formats_declare(a, props, NULL, 0, "input.schema");
  else
    formats_declare(a, schema, NULL, DECLARE_PICOSCHEMA, "input.schema");
}

static void
dotprompt__facts(struct artifact *a)
{
  struct artifact_facts *f = &a->facts;
  const struct node *input = node_get(a->root, "input");
  const struct node *output = node_get(a->root, "output");

  f->inputs_declared = node_is_set(node_get(input, "schema")) ||
                       node_is_set(node_get(input, "default"));
  dotprompt__declare(a, node_get(input, "schema"));
  formats_declare(a, node_get(input, "default"), NULL, DECLARE_VALUES,
                  "input.default");
  /* A partial reads its includer's inputs; what it declares is its own.
   * Defaults are validated against input.schema (dotprompt__schema). */
  if (f->inputs_declared)
    formats_check_variables(a, (dotprompt__partial(a->path)
                                  ? 0 : VARIABLES_UNDECLARED |
                                        VARIABLES_UNUSED) |
                               (node_is_set(node_get(input, "schema")) &&
                                node_is_nonempty_map(node_get(input,
                                                              "default"))
                                  ? VARIABLES_VALIDATED : 0),
                            "input.schema");
  if (node_is_set(node_get(output, "schema"))) {
    f->output_schema = true;
    f->output_schema_where = "output.schema";
  } else if (node_is_set(node_get(output, "jsonSchema"))) {
    f->output_schema = true;
    f->output_schema_where = "output.jsonSchema";
  }
  f->inputs_hint = dotprompt__partial(a->path)
                     ? "declare these variables in the input.schema of the "
                       "prompts that include this partial"
                     : "declare the template's variables under input.schema";
  f->schema_hint = "pin the output: add output.schema (with output.format: "
                   "json)";
  f->tests_hint = "add an eval: a promptfoo config or a Genkit eval dataset "
                  "that exercises this prompt";
}

static const char *const dotprompt__roles[] = {
  "user", "model", "tool", "system", NULL,
};

const struct shape_field dotprompt_role_field = {
  "role", SHAPE_TEXT, "The role of the messages that follow.", 0, 0,
  dotprompt__roles, 0,
};

/* What a role that Dotprompt does not take was probably meant to be. */
static const char *
dotprompt__near_role(const char *name)
{
  for (const char *const *r = dotprompt__roles; *r; r++)
    if (strcasecmp(name, *r) == 0)
      return *r;
  if (strcasecmp(name, "assistant") == 0)
    return "model";
  return shape_suggest(NULL, dotprompt__roles, name);
}

/*
 * The marker regex of Dotprompt's parser takes lower-case letters only, so
 * {{role "System"}} is left in the text, and other names are not roles.
 */
static void
dotprompt__bad_role(struct artifact *a, struct span at)
{
  const char *name = arena_strndup(&a->arena, a->text + at.start,
                                   at.end - at.start);
  const char *near = name ? dotprompt__near_role(name) : NULL;
  struct diagnostic *d;

  if (!name)
    return;
  if (!near) {
    diag_add(&a->diags, DIAG_INVALID_VALUE, at, "'%s' is not a Dotprompt "
             "role (one of: user, model, tool, system)", name);
    return;
  }
  d = diag_add(&a->diags, DIAG_INVALID_VALUE, at, "'%s' is not a Dotprompt "
               "role%s; did you mean '%s'? (one of: user, model, tool, "
               "system)", name, strcasecmp(name, near) == 0
                 ? ": roles are lower case" : "", near);
  if (d)
    d->replacement = near;
}

/*
 * Limitation: only the first DOTPROMPT__FENCES_MAX code fences of a body
 * are known; role tags in later ones are checked like any others.
 */
#define DOTPROMPT__FENCES_MAX 64

struct dotprompt__scan {
  struct artifact *a;
  struct span fences[DOTPROMPT__FENCES_MAX];  /* examples, not roles */
  size_t nfences;
  bool started;            /* a role other than system was seen */
  uint32_t conversation;   /* where the first one is */
};

static void
dotprompt__fence(struct span fence, void *ctx)
{
  struct dotprompt__scan *scan = ctx;

  if (scan->nfences < DOTPROMPT__FENCES_MAX)
    scan->fences[scan->nfences++] = fence;
}

static bool
dotprompt__in_fence(const struct dotprompt__scan *scan, uint32_t at)
{
  for (size_t i = 0; i < scan->nfences; i++)
    if (at >= scan->fences[i].start && at < scan->fences[i].end)
      return true;
  return false;
}

static bool
dotprompt__known_role(const char *name, size_t n)
{
  for (const char *const *r = dotprompt__roles; *r; r++)
    if (strlen(*r) == n && memcmp(name, *r, n) == 0)
      return true;
  return false;
}

static void
dotprompt__role(struct dotprompt__scan *scan, struct span at)
{
  struct artifact *a = scan->a;
  size_t n = at.end - at.start;
  bool system = n == 6 && memcmp(a->text + at.start, "system", 6) == 0;
  uint32_t line;
  uint32_t col;

  if (dotprompt__in_fence(scan, at.start))
    return;
  if (!dotprompt__known_role(a->text + at.start, n)) {
    dotprompt__bad_role(a, at);
    return;
  }
  if (!system && !scan->started) {
    scan->started = true;
    scan->conversation = at.start;
  }
  if (!system || !scan->started)
    return;
  source_line_col(&a->src, scan->conversation, &line, &col);
  diag_add(&a->diags, DIAG_ROLE_ORDER, at, "a system message after the "
           "conversation started (line %u); system messages come first, "
           "and Dotprompt keeps messages in the order written", line);
}

bool
dotprompt_role_tag(const char *t, uint32_t p, uint32_t end, struct span *name,
                   struct span *tag, uint32_t *next)
{
  uint32_t i = p + 2;
  char quote;
  const char *close;

  *next = i;
  *name = *tag = span_make(0, 0);
  if (i < end && t[i] == '!') {
    close = i + 3 <= end && memcmp(t + i, "!--", 3) == 0
              ? memmem(t + i, end - i, "--}}", 4) : memmem(t + i, end - i,
                                                         "}}", 2);
    *next = close ? (uint32_t)(close - t) + 2 : end;
    return false;
  }
  /* Handlebars allows blanks around the helper's name and '#':
   * "{{ role 'x' }}", "{{~#role "x"~}}". */
  i += i < end && t[i] == '~';
  while (i < end && (t[i] == ' ' || t[i] == '\t'))
    i++;
  i += i < end && t[i] == '#';
  while (i < end && (t[i] == ' ' || t[i] == '\t'))
    i++;
  if (end - i < 6 || memcmp(t + i, "role", 4) != 0 ||
      (t[i + 4] != ' ' && t[i + 4] != '\t'))
    return false;
  for (i += 4; i < end && (t[i] == ' ' || t[i] == '\t'); i++)
    ;
  if (i >= end || (t[i] != '"' && t[i] != '\''))
    return false;
  quote = t[i++];
  for (*next = i; *next < end && t[*next] != quote && t[*next] != '\n' &&
                  t[*next] != '}'; (*next)++)
    ;
  if (*next >= end || t[*next] != quote)
    return false;
  *name = span_make(i, *next);
  /* The tag runs to its "}}" when that closes it on the same line. */
  for (i = *next + 1; i < end && (t[i] == ' ' || t[i] == '\t' ||
                                  t[i] == '~'); i++)
    ;
  *tag = span_make(p, i + 1 < end && t[i] == '}' && t[i + 1] == '}'
                        ? i + 2 : *next + 1);
  return true;
}

/* {{role "x"}} and {{#role "x"}}: x must be a role, system comes first. */
static void
dotprompt__check_roles(struct artifact *a)
{
  struct dotprompt__scan scan = { .a = a };
  uint32_t i = a->body.start;

  template_fences(a->text, a->body, dotprompt__fence, &scan);
  while (i + 2 < a->body.end) {
    const char *open = memmem(a->text + i, a->body.end - i, "{{", 2);
    uint32_t at;
    struct span name;
    struct span tag;

    if (!open)
      break;
    at = (uint32_t)(open - a->text);
    if (dotprompt_role_tag(a->text, at, a->body.end, &name, &tag, &i) &&
        name.end > name.start && (at == 0 || a->text[at - 1] != '\\'))
      dotprompt__role(&scan, name);
  }
}

/* tools names tools registered in code; definitions go under toolDefs. */
static void
dotprompt__check_tools(struct artifact *a)
{
  const struct node *tools = node_resolve(node_get(a->root, "tools"));

  for (uint32_t i = 0; tools && tools->kind == NODE_SEQ && i < tools->count;
       i++) {
    const struct node *item = node_resolve(tools->u.items[i]);

    if (item && (item->kind != NODE_SCALAR || item->type != SCALAR_STRING))
      diag_add(&a->diags, DIAG_WRONG_TYPE, tools->u.items[i]->span,
               "each item of 'tools' should be the name of a tool, not %s%s",
               node_type_name(item), item->kind == NODE_MAP
                 ? "; tools defined in the file go under toolDefs" : "");
  }
}

static void
dotprompt__check_params(struct artifact *a)
{
  const char *model = node_str(node_get(a->root, "model"));

  params_check(node_get(a->root, "config"), &dotprompt__config,
               params_anthropic(model) ? PARAMS_ANTHROPIC : 0, &a->diags);
}

/*
 * A schema of the frontmatter as JSON Schema, for validating instances:
 * checked where it is written when it is JSON Schema (against provider's
 * rules, for what the model is given), made from Picoschema otherwise.
 * Without required when for_defaults: defaults may leave required fields
 * to the caller. NULL when it names a schema registered in code, which
 * facet cannot see.
 */
static const struct schema_site *
dotprompt__schema(struct artifact *a, const struct node *schema,
                  const char *where, enum schema_provider provider,
                  bool for_defaults)
{
  const struct schema_site *site = NULL;
  struct json_object *json;
  bool named;

  if (!node_is_set(schema))
    return NULL;
  if (picoschema_is_json_schema(schema) ||
      strcmp(where, "output.jsonSchema") == 0) {
    site = schema_add(a, schema, where, provider, SCHEMA_PICOSCHEMA);
    if (!for_defaults)
      return site;
  }
  json = picoschema_to_json(schema, &named);
  if (!json || (named && json_object_object_length(json) == 0)) {
    json_object_put(json);
    return NULL;
  }
  if (for_defaults)
    json_object_object_del(json, "required");
  if (!site || for_defaults)
    site = schema_add_json(a, json, where);
  json_object_put(json);
  return site;
}

/* The code of a fence whose info string is json, or an empty span. */
static struct span
dotprompt__json_fence(const struct artifact *a, struct span fence)
{
  const char *t = a->text;
  uint32_t i = fence.start;
  const char *nl = memchr(t + i, '\n', fence.end - i);
  uint32_t body = nl ? (uint32_t)(nl - t) + 1 : fence.end;
  uint32_t end = fence.end;

  while (i < body && (t[i] == '`' || t[i] == '~' || t[i] == ' '))
    i++;
  if (body - i < 4 || strncasecmp(t + i, "json", 4) != 0 ||
      (t[i + 4] != '\n' && t[i + 4] != '\r' && t[i + 4] != ' '))
    return span_make(0, 0);
  /* The closing line, when there is one. */
  while (end > body && t[end - 1] != '\n')
    end--;
  if (end > body)
    end--;
  while (end > body && t[end - 1] != '\n')
    end--;
  return end > body ? span_make(body, end) : span_make(0, 0);
}

struct dotprompt__examples {
  struct artifact *a;
  const struct schema_site *site;
};

static void
dotprompt__example(struct span fence, void *ctx)
{
  struct dotprompt__examples *ex = ctx;
  struct artifact *a = ex->a;
  struct span code = dotprompt__json_fence(a, fence);
  struct diag_list scratch;
  struct node *root = NULL;

  if (code.end <= code.start ||
      memmem(a->text + code.start, code.end - code.start, "{{", 2))
    return;
  diag_list_init(&scratch, &a->arena);
  json_parse(&a->arena, &a->src, code, &scratch, &root);
  if (scratch.count == 0 && root)
    schema_validate(a, ex->site, root, NULL, "example output");
  diag_list_release(&scratch);
}

/*
 * The schemas of the frontmatter (input, output, toolDefs), and the
 * instances the file holds, against them: input.default against
 * input.schema, and the body's ```json examples against output.schema.
 * Limitation: every ```json fence is taken for an example of the output;
 * one that shows an input instead is validated against the wrong schema.
 */
static void
dotprompt__check_schemas(struct artifact *a)
{
  const struct node *input = node_get(a->root, "input");
  const struct node *output = node_get(a->root, "output");
  const struct node *defaults = node_get(input, "default");
  const struct node *schema = node_get(output, "schema");
  const struct node *tools = node_get(a->root, "toolDefs");
  struct dotprompt__examples ex = { a, NULL };

  for (uint32_t i = 0; tools && tools->kind == NODE_SEQ && i < tools->count;
       i++) {
    dotprompt__schema(a, node_get(tools->u.items[i], "inputSchema"),
                      "toolDefs inputSchema", a->provider, false);
    dotprompt__schema(a, node_get(tools->u.items[i], "outputSchema"),
                      "toolDefs outputSchema", SCHEMA_PROVIDER_NONE, false);
  }
  /* The input schema is the template's, not the model's: plain rules. */
  if (defaults && defaults->kind == NODE_MAP)
    schema_validate(a, dotprompt__schema(a, node_get(input, "schema"),
                                         "input.schema",
                                         SCHEMA_PROVIDER_NONE, true),
                    defaults, node_get_key(input, "default"),
                    "input.default");
  else
    dotprompt__schema(a, node_get(input, "schema"), "input.schema",
                      SCHEMA_PROVIDER_NONE, false);
  if (!node_is_set(schema))
    schema = node_get(output, "jsonSchema");
  ex.site = dotprompt__schema(a, schema, node_is_set(node_get(output,
                              "schema")) ? "output.schema"
                                         : "output.jsonSchema", a->provider,
                              false);
  if (ex.site)
    template_fences(a->text, a->body, dotprompt__example, &ex);
}

void
dotprompt_check(struct artifact *a)
{
  if (formats_frontmatter(a, FRONTMATTER_DOTPROMPT))
    return;
  shape_check(&dotprompt_shape, a->root, formats_top(a), &a->diags);
  dotprompt__check_namespaces(a);
  dotprompt__check_tools(a);
  dotprompt__check_params(a);
  template_parse(a, TEMPLATE_HANDLEBARS, a->body,
                 &(struct template_options){ .markdown = true });
  dotprompt__check_roles(a);
  dotprompt__facts(a);
  if (!a->facts.header_broken)
    dotprompt__check_schemas(a);
}
