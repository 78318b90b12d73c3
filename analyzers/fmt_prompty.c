/*
 * Prompty (.prompty): YAML frontmatter and a Jinja2 (or Mustache) body with
 * role markers. Two generations exist in real repositories and the current
 * runtimes load both, so the key tables hold the union of v1 and v2 keys.
 */
#include <string.h>

#include "formats.h"
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

void
prompty_check(struct artifact *a)
{
  struct artifact_facts *f = &a->facts;

  if (formats_frontmatter(a, FRONTMATTER_PROMPTY))
    return;
  shape_check(&prompty_shape, a->root, formats_top(a), &a->diags);
  template_parse(a, prompty__dialect(a->root), a->body,
                 &(struct template_options){ .markdown = true });

  f->inputs_declared = node_is_set(node_get(a->root, "inputs")) ||
                       node_is_set(node_get(a->root, "sample"));
  formats_declare(a, node_get(a->root, "inputs"), "name", 0, "inputs");
  formats_declare(a, node_get(a->root, "sample"), NULL, DECLARE_VALUES,
                  "sample");
  prompty__bindings(a);
  if (f->inputs_declared)
    formats_check_variables(a, VARIABLES_UNDECLARED | VARIABLES_UNUSED,
                            "inputs");
  if (node_is_set(node_get(a->root, "outputs"))) {
    f->output_schema = true;
    f->output_schema_where = "outputs";
  } else if (prompty__v1_schema(a->root)) {
    f->output_schema = true;
    f->output_schema_where = "model.parameters.response_format";
  }
  f->inputs_hint = f->header ? "declare the template's variables under "
                               "inputs"
                             : "add a frontmatter header (between --- "
                               "lines) whose inputs declare the variables";
  f->schema_hint = "pin the output: add outputs (or a response_format "
                   "json_schema)";
  f->tests_hint = "add an eval: a promptfoo config or .prompt.yml testData "
                  "that exercises this prompt";
}
