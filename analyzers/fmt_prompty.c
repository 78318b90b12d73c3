/*
 * Prompty (.prompty): YAML frontmatter and a Jinja2 (or Mustache) body with
 * role markers. Two generations exist in real repositories and the current
 * runtimes load both, so the key tables hold the union of v1 and v2 keys.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "params.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

static const char *const prompty__kinds[] = {
  "string", "integer", "float", "number", "boolean", "array", "object",
  "thread", "image", "file", "audio", NULL,
};

/* v1 types; promptflow's loader also takes "list", and real files use it. */
static const char *const prompty__v1_types[] = {
  "string", "number", "integer", "float", "boolean", "array", "list",
  "object", NULL,
};

static const struct shape_field prompty__property_fields[] = {
  { "name", SHAPE_STRING, "The input's name (list form).", 0, 0, 0, 0 },
  { "kind", SHAPE_STRING, "The input's type (v2).", 0, 0, prompty__kinds, 0 },
  { "type", SHAPE_STRING, "The input's type (v1).", 0, 0, prompty__v1_types,
    0 },
  { "description", SHAPE_STRING, "What the input is for.", 0, 0, 0, 0 },
  { "required", SHAPE_BOOL, "Whether a caller must supply it.", 0, 0, 0, 0 },
  { "default", SHAPE_ANY, "The value used when none is given.", 0, 0, 0, 0 },
  { "example", SHAPE_ANY, "An example value.", 0, 0, 0, 0 },
  { "sample", SHAPE_ANY, "A sample value (v1).", 0, 0, 0, 0 },
  { "enumValues", SHAPE_SEQ, "The values allowed.", 0, 0, 0, 0 },
  { "items", SHAPE_MAP, "The shape of each item of an array.", 0, 0, 0, 0 },
  { "properties", SHAPE_MAP | SHAPE_SEQ, "The fields of an object.", 0, 0, 0,
    0 },
  { "strict", SHAPE_BOOL, "Whether the schema is enforced strictly.", 0, 0, 0,
    0 },
  { 0 },
};

static const struct shape prompty__property = {
  "a Prompty input or output", prompty__property_fields, 0, 0, 0,
};

/* Map form: name -> property, or a bare default value. */
static const struct shape prompty__properties = {
  "Prompty inputs", NULL, 0, &prompty__property, SHAPE_ANY,
};

static const char *const prompty__api_types[] = {
  "chat", "embedding", "image", "responses", NULL,
};
static const char *const prompty__apis[] = { "chat", "completion", NULL };
static const char *const prompty__responses[] = { "first", "all", NULL };

static const struct shape_field prompty__options_fields[] = {
  { "temperature", SHAPE_NUMBER, "Sampling temperature.", 0, 0, 0, 0 },
  { "maxOutputTokens", SHAPE_INT, "Most tokens to generate.", 0, 0, 0, 0 },
  { "topP", SHAPE_NUMBER, "Nucleus sampling mass.", 0, 0, 0, 0 },
  { "topK", SHAPE_INT, "Top-k sampling.", 0, 0, 0, 0 },
  { "frequencyPenalty", SHAPE_NUMBER, "Frequency penalty.", 0, 0, 0, 0 },
  { "presencePenalty", SHAPE_NUMBER, "Presence penalty.", 0, 0, 0, 0 },
  { "seed", SHAPE_INT, "Seed for repeatable sampling.", 0, 0, 0, 0 },
  { "stopSequences", SHAPE_SEQ, "Strings that stop generation.", 0, 0, 0, 0 },
  { "allowMultipleToolCalls", SHAPE_BOOL, "Allow parallel tool calls.", 0, 0,
    0, 0 },
  { "additionalProperties", SHAPE_MAP, "Provider-specific options.", 0, 0, 0,
    0 },
  { 0 },
};

static const struct shape prompty__options = {
  "Prompty model.options", prompty__options_fields, 0, 0, 0,
};

static const struct shape_field prompty__model_fields[] = {
  { "id", SHAPE_STRING, "The model or deployment name.", 0, 0, 0, 0 },
  { "provider", SHAPE_STRING, "openai, azure, anthropic, foundry, ...", 0, 0,
    0, 0 },
  { "apiType", SHAPE_STRING, "Which API to call (v2).", 0, 0,
    prompty__api_types, 0 },
  { "connection", SHAPE_MAP, "How to reach the model (v2).", 0, 0, 0, 0 },
  { "options", SHAPE_MAP, "Generation options (v2).", &prompty__options, 0,
    0, 0 },
  { "api", SHAPE_STRING, "Which API to call (v1).", 0, 0, prompty__apis, 0 },
  { "configuration", SHAPE_MAP, "How to reach the model (v1).", 0, 0, 0, 0 },
  { "parameters", SHAPE_MAP, "Generation parameters (v1).", 0, 0, 0, 0 },
  { "response", SHAPE_STRING, "first or all choices (v1).", 0, 0,
    prompty__responses, 0 },
  { 0 },
};

static const struct shape prompty__model = {
  "Prompty model", prompty__model_fields, 0, 0, 0,
};

static const char *const prompty__tool_modes[] = { "single", "agentic", NULL };

static const struct shape_field prompty__tool_fields[] = {
  { "name", SHAPE_STRING, "The tool's name.", 0, 0, 0, 0 },
  { "kind", SHAPE_STRING, "function, mcp, openapi or a custom kind.", 0, 0,
    0, 0 },
  { "description", SHAPE_STRING, "What the tool does.", 0, 0, 0, 0 },
  { "bindings", SHAPE_MAP, "Parameters bound to inputs.", 0, 0, 0, 0 },
  { "parameters", SHAPE_SEQ | SHAPE_MAP, "The tool's parameters.", 0,
    &prompty__property, 0, 0 },
  { "strict", SHAPE_BOOL, "Enforce the parameter schema.", 0, 0, 0, 0 },
  { "connection", SHAPE_MAP | SHAPE_STRING, "How to reach the tool.", 0, 0,
    0, 0 },
  { "serverName", SHAPE_STRING, "MCP server name.", 0, 0, 0, 0 },
  { "serverDescription", SHAPE_STRING, "What the MCP server offers.", 0, 0,
    0, 0 },
  { "approvalMode", SHAPE_ANY, "MCP approval mode.", 0, 0, 0, 0 },
  { "allowedTools", SHAPE_SEQ, "MCP tools allowed.", 0, 0, 0, 0 },
  { "specification", SHAPE_STRING, "OpenAPI document path or URL.", 0, 0, 0,
    0 },
  { "options", SHAPE_MAP, "Options of a custom tool.", 0, 0, 0, 0 },
  { "path", SHAPE_STRING, "The .prompty file a prompty tool runs.", 0, 0, 0,
    0 },
  { "mode", SHAPE_STRING, "single (one call) or agentic (a tool loop).", 0,
    0, prompty__tool_modes, 0 },
  { 0 },
};

static const struct shape prompty__tool = {
  "a Prompty tool", prompty__tool_fields, 0, 0, 0,
};

static const struct shape_field prompty__fields[] = {
  { "name", SHAPE_STRING, "The prompt's name.", 0, 0, 0, 0 },
  { "displayName", SHAPE_STRING, "A human-readable name (v2).", 0, 0, 0, 0 },
  { "description", SHAPE_STRING, "What the prompt does.", 0, 0, 0, 0 },
  { "metadata", SHAPE_MAP, "Authors, tags, version (v2).", 0, 0, 0, 0 },
  { "model", SHAPE_STRING | SHAPE_MAP, "The model to call: an id or a "
    "mapping.", &prompty__model, 0, 0, 0 },
  { "inputs", SHAPE_MAP | SHAPE_SEQ, "The inputs the template reads.",
    &prompty__properties, &prompty__property, 0, 0 },
  { "outputs", SHAPE_MAP | SHAPE_SEQ | SHAPE_STRING, "The output's fields, "
    "used to build a response schema.", &prompty__properties,
    &prompty__property, 0, 0 },
  { "tools", SHAPE_SEQ, "Tools the model may call.", 0, &prompty__tool, 0,
    0 },
  { "template", SHAPE_STRING | SHAPE_MAP, "Template engine and parser.", 0, 0,
    0, 0 },
  { "sample", SHAPE_MAP | SHAPE_STRING, "Sample inputs or a file of them "
    "(v1).", 0, 0, 0, 0 },
  { "$schema", SHAPE_STRING, "Schema of the frontmatter (v1).", 0, 0, 0, 0 },
  { "version", SHAPE_STRING, "The prompt's version (v1).", 0, 0, 0, 0 },
  { "authors", SHAPE_SEQ | SHAPE_STRING, "Who wrote it (v1).", 0, 0, 0, 0 },
  { "tags", SHAPE_SEQ | SHAPE_STRING, "Labels (v1).", 0, 0, 0, 0 },
  { "base", SHAPE_STRING, "A parent .prompty to extend (v1).", 0, 0, 0, 0 },
  { 0 },
};

const struct shape prompty_shape = {
  "Prompty frontmatter", prompty__fields, 0, 0, 0,
};

/* v1 put a JSON-schema response_format under model.parameters. */
static bool
prompty__v1_schema(const struct node *root)
{
  const struct node *rf = node_get(node_get(node_get(root, "model"),
                                            "parameters"), "response_format");

  return node_get(rf, "json_schema") ||
         node_is_str(node_get(rf, "type"), "json_schema");
}

static enum template_dialect
prompty__dialect(const struct node *root)
{
  const struct node *t = node_get(root, "template");
  const struct node *kind = node_get(node_get(t, "format"), "kind");

  if (node_is_str(t, "mustache") || node_is_str(kind, "mustache") ||
      node_is_str(node_get(t, "format"), "mustache") ||
      node_is_str(node_get(t, "type"), "mustache"))
    return TEMPLATE_MUSTACHE;
  return TEMPLATE_JINJA;
}

/* Tools bind their parameters to inputs (bindings: {p: {input: name}}):
 * those inputs are read, even when the template does not read them. */
static void
prompty__bindings(struct artifact *a)
{
  const struct node *tools = node_get(a->root, "tools");

  for (uint32_t i = 0; tools && tools->kind == NODE_SEQ && i < tools->count;
       i++) {
    const struct node *b = node_get(tools->u.items[i], "bindings");

    for (uint32_t k = 0; b && b->kind == NODE_MAP && k < b->count; k++) {
      const struct node *v = node_resolve(node_value(b, k));
      const char *name = node_str(node_get(v, "input"));

      if (!name)
        name = node_str(v);
      for (size_t d = 0; name && d < a->ninputs; d++)
        if (strcmp(a->inputs[d].name, name) == 0)
          a->inputs[d].used_elsewhere = true;
    }
  }
}

/* What a tool of each kind needs to be usable. */
static void
prompty__check_tool_kind(struct artifact *a, const struct node *tool,
                         const char *kind)
{
  if (strcasecmp(kind, "function") == 0 && !node_get(tool, "name"))
    diag_add(&a->diags, DIAG_MISSING_KEY, tool->span, "a function tool "
             "needs a name: the function the model calls");
  else if (strcasecmp(kind, "mcp") == 0 && !node_get(tool, "serverName") &&
           !node_get(tool, "connection"))
    diag_add(&a->diags, DIAG_MISSING_KEY, tool->span, "an mcp tool needs "
             "serverName or connection: the server to call");
  else if (strcasecmp(kind, "openapi") == 0 &&
           !node_get(tool, "specification"))
    diag_add(&a->diags, DIAG_MISSING_KEY, tool->span, "an openapi tool "
             "needs a specification: the OpenAPI document's path or URL");
  else if (strcasecmp(kind, "prompty") == 0 && !node_get(tool, "path"))
    diag_add(&a->diags, DIAG_MISSING_KEY, tool->span, "a prompty tool "
             "needs a path: the .prompty file it runs");
}

/* Parameters in list form are Property mappings, each with its name. */
static void
prompty__check_parameters(struct artifact *a, const struct node *params)
{
  for (uint32_t i = 0; params && params->kind == NODE_SEQ &&
                       i < params->count; i++) {
    const struct node *p = node_resolve(params->u.items[i]);

    if (p && p->kind != NODE_MAP)
      diag_add(&a->diags, DIAG_WRONG_TYPE, params->u.items[i]->span,
               "a parameter in list form should be a mapping with name "
               "and kind, not %s", node_type_name(p));
    else if (p && !node_get(p, "name"))
      diag_add(&a->diags, DIAG_MISSING_KEY, p->span, "a parameter in list "
               "form needs a name");
  }
}

/* The loader picks a tool's class by kind and refuses a tool without. */
static void
prompty__check_tools(struct artifact *a)
{
  const struct node *tools = node_get(a->root, "tools");

  for (uint32_t i = 0; tools && tools->kind == NODE_SEQ && i < tools->count;
       i++) {
    const struct node *tool = node_resolve(tools->u.items[i]);
    const char *kind = node_str(node_get(tool, "kind"));

    if (!tool || tool->kind != NODE_MAP || (tool->flags & NODE_PARTIAL))
      continue;
    if (!kind) {
      diag_add(&a->diags, DIAG_MISSING_KEY, tool->span, "a Prompty tool "
               "needs a kind: function, mcp, openapi, prompty or a custom "
               "one");
      continue;
    }
    prompty__check_tool_kind(a, tool, kind);
    if (strcasecmp(kind, "function") == 0)
      prompty__check_parameters(a, node_resolve(node_get(tool,
                                                         "parameters")));
  }
}

/* Model settings: v2 options (typed by the key table) and v1 parameters. */
static void
prompty__check_params(struct artifact *a)
{
  const struct node *model = node_get(a->root, "model");
  unsigned flags = 0;

  if (params_anthropic(node_str(node_get(model, "provider"))) ||
      params_anthropic(node_str(node_get(model, "id"))))
    flags |= PARAMS_ANTHROPIC;
  params_check(node_get(model, "options"), &prompty__options, flags,
               &a->diags);
  params_check(node_get(model, "parameters"), NULL, flags, &a->diags);
}

/* The roles Prompty's parser splits on; v1 also takes function. */
static const char *const prompty__roles[] = {
  "system", "user", "assistant", "function",
};

/* The roles a near miss is matched with, and how many edits away it may
 * be; and words that are only near. */
static const struct {
  const char *role;
  int edits;
} prompty__hints[] = { { "system", 1 }, { "user", 1 }, { "assistant", 2 } };
static const char *const prompty__words[] = {
  "use", "users", "systems", "assistants",
};

/*
 * Whether line [s, e) has the shape of a role marker: an optional '#', a
 * name, optional [attributes], then ':' alone. Sets *name to the name.
 */
static bool
prompty__marker(const char *t, uint32_t s, uint32_t e, struct span *name)
{
  uint32_t k;

  while (s < e && (t[s] == ' ' || t[s] == '\t'))
    s++;
  s += s < e && t[s] == '#';
  while (s < e && (t[s] == ' ' || t[s] == '\t'))
    s++;
  for (k = s; k < e && isalpha((unsigned char)t[k]); k++)
    ;
  *name = span_make(s, k);
  if (k == s || k - s > 16)
    return false;
  if (k < e && t[k] == '[') {
    while (k < e && t[k] != ']')
      k++;
    if (k++ == e)
      return false;
  }
  while (k < e && (t[k] == ' ' || t[k] == '\t'))
    k++;
  if (k >= e || t[k] != ':')
    return false;
  for (k++; k < e && (t[k] == ' ' || t[k] == '\t' || t[k] == '\r'); k++)
    ;
  return k == e;
}

/* The role a marker's name is (an index into prompty__roles), or -1. */
static int
prompty__role(const char *t, struct span name)
{
  size_t n = name.end - name.start;

  for (size_t r = 0; r < sizeof prompty__roles / sizeof *prompty__roles;
       r++)
    if (strlen(prompty__roles[r]) == n &&
        strncasecmp(t + name.start, prompty__roles[r], n) == 0)
      return (int)r;
  return -1;
}

/* The role a name is a likely typo of: one edit away (two for assistant),
 * and not an ordinary word such as "Use:" or "Users:". */
static const char *
prompty__near_role(const char *t, struct span name)
{
  char word[17];
  size_t n = name.end - name.start;

  memcpy(word, t + name.start, n);
  word[n] = '\0';
  for (size_t i = 0; i < sizeof prompty__words / sizeof *prompty__words; i++)
    if (strcasecmp(word, prompty__words[i]) == 0)
      return NULL;
  for (size_t i = 0; i < sizeof prompty__hints / sizeof *prompty__hints; i++)
    if (shape_distance(word, prompty__hints[i].role) <=
        prompty__hints[i].edits)
      return prompty__hints[i].role;
  return NULL;
}

/*
 * Limitation: only the first PROMPTY__FENCES_MAX code fences of a body are
 * known; near misses in later ones are reported like any others.
 */
#define PROMPTY__FENCES_MAX 64

struct prompty__roles_scan {
  struct artifact *a;
  struct span fences[PROMPTY__FENCES_MAX];  /* examples, not typos */
  size_t nfences;
  bool started;           /* a user or assistant message was seen */
  uint32_t conversation;  /* where the first one is */
};

static void
prompty__fence(struct span fence, void *ctx)
{
  struct prompty__roles_scan *scan = ctx;

  if (scan->nfences < PROMPTY__FENCES_MAX)
    scan->fences[scan->nfences++] = fence;
}

static bool
prompty__in_fence(const struct prompty__roles_scan *scan, uint32_t at)
{
  for (size_t i = 0; i < scan->nfences; i++)
    if (at >= scan->fences[i].start && at < scan->fences[i].end)
      return true;
  return false;
}

/* A near miss of a marker: text to Prompty, with the role it meant. */
static void
prompty__typo(struct prompty__roles_scan *scan, struct span name)
{
  struct artifact *a = scan->a;
  const char *near = prompty__near_role(a->text, name);
  struct diagnostic *d;
  char *fix;

  if (!near || prompty__in_fence(scan, name.start))
    return;
  d = diag_add(&a->diags, DIAG_UNKNOWN_ROLE, name, "'%.*s:' is not a role "
               "marker, so Prompty keeps this line as text; did you mean "
               "'%s:'?", (int)(name.end - name.start), a->text + name.start,
               near);
  fix = d ? arena_strndup(&a->arena, near, strlen(near)) : NULL;
  if (fix && isupper((unsigned char)a->text[name.start]))
    fix[0] = (char)toupper((unsigned char)fix[0]);
  if (d)
    d->replacement = fix;
}

/* A system message once user or assistant messages have started. */
static void
prompty__order(struct prompty__roles_scan *scan, int role, struct span name)
{
  struct artifact *a = scan->a;
  uint32_t line;
  uint32_t col;

  if (role != 0 && !scan->started) {
    scan->started = true;
    scan->conversation = name.start;
  }
  if (role != 0 || !scan->started)
    return;
  source_line_col(&a->src, scan->conversation, &line, &col);
  diag_add(&a->diags, DIAG_ROLE_ORDER, name, "a system message after the "
           "conversation started (line %u); system messages come first, "
           "and Prompty sends messages in the order written", line);
}

/* Role markers in the body: near misses, and system after the start. */
static void
prompty__check_roles(struct artifact *a)
{
  struct prompty__roles_scan scan = { .a = a };
  uint32_t line = source_line_of(&a->src, a->body.start);

  if (a->body.end <= a->body.start)
    return;
  template_fences(a->text, a->body, prompty__fence, &scan);
  for (; line < a->src.line_count; line++) {
    uint32_t s = source_line_start(&a->src, line);
    uint32_t e = source_line_end(&a->src, line);
    struct span name;
    int role;

    if (s >= a->body.end)
      break;
    if (s < a->body.start || !prompty__marker(a->text, s, e, &name))
      continue;
    role = prompty__role(a->text, name);
    if (role < 0)
      prompty__typo(&scan, name);
    else
      prompty__order(&scan, role, name);
  }
}

void
prompty_check(struct artifact *a)
{
  struct artifact_facts *f = &a->facts;

  if (formats_frontmatter(a, FRONTMATTER_PROMPTY))
    return;
  shape_check(&prompty_shape, a->root, formats_top(a), &a->diags);
  prompty__check_tools(a);
  prompty__check_params(a);
  template_parse(a, prompty__dialect(a->root), a->body,
                 &(struct template_options){ .markdown = true });
  prompty__check_roles(a);

  f->inputs_declared = node_is_set(node_get(a->root, "inputs")) ||
                       node_is_set(node_get(a->root, "sample"));
  formats_declare(a, node_get(a->root, "inputs"), "name", 0, "inputs");
  formats_declare(a, node_get(a->root, "sample"), NULL, DECLARE_VALUES,
                  "sample");
  prompty__bindings(a);
  /* Name where this file declares its inputs: v1 files may use sample
   * alone. */
  if (f->inputs_declared)
    formats_check_variables(a, VARIABLES_UNDECLARED | VARIABLES_UNUSED,
                            node_is_set(node_get(a->root, "inputs"))
                              ? "inputs" : "sample");
  if (node_is_set(node_get(a->root, "outputs"))) {
    f->output_schema = true;
    f->output_schema_where = "outputs";
  } else if (prompty__v1_schema(a->root)) {
    f->output_schema = true;
    f->output_schema_where = "model.parameters.response_format";
  }
  f->inputs_hint = f->header ? "declare the template's variables under "
                               "inputs"
                  : a->fm.present ? "fill in the frontmatter header: the "
                                    "model, and inputs that declare the "
                                    "template's variables"
                  : "add a frontmatter header (between --- lines) whose "
                    "inputs declare the variables";
  f->schema_hint = "pin the output: add outputs (or a response_format "
                   "json_schema)";
  f->tests_hint = "add an eval: a promptfoo config or .prompt.yml testData "
                  "that exercises this prompt";
}
