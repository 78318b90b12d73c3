#include "detect.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "schema.h"
#include "tree.h"

static const char *
detect__basename(const char *path)
{
  const char *slash = strrchr(path, '/');

  return slash ? slash + 1 : path;
}

static bool
detect__ends(const char *s, const char *suffix)
{
  size_t n = strlen(s);
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* Whether path's directory ends with dir ("a/.github/agents/x.md"). */
static bool
detect__in_dir(const char *path, const char *dir)
{
  const char *base = detect__basename(path);
  size_t m = strlen(dir);
  size_t n = (size_t)(base - path);

  if (n < m + 1 || strncmp(base - m - 1, dir, m) != 0)
    return false;
  return n == m + 1 || base[-m - 2] == '/';
}

/* Whether path has the directory sequence dir anywhere above the file. */
static bool
detect__under(const char *path, const char *dir)
{
  size_t m = strlen(dir);
  const char *p = path;

  while ((p = strstr(p, dir)) != NULL) {
    if ((p == path || p[-1] == '/') && p[m] == '/')
      return true;
    p++;
  }
  return false;
}

static const struct {
  const char *suffix;
  enum artifact_format format;
} detect__suffixes[] = {
  { ".prompty", FORMAT_PROMPTY },
  { ".prompt.yml", FORMAT_GITHUB_MODELS },
  { ".prompt.yaml", FORMAT_GITHUB_MODELS },
  { ".prompt.md", FORMAT_VSCODE_PROMPT },
  { ".instructions.md", FORMAT_VSCODE_INSTRUCTIONS },
  { ".agent.md", FORMAT_VSCODE_AGENT },
  { ".chatmode.md", FORMAT_VSCODE_AGENT },
  { ".poml", FORMAT_POML },
  { ".j2", FORMAT_JINJA },
  { ".jinja", FORMAT_JINJA },
  { ".jinja2", FORMAT_JINJA },
  { ".mustache", FORMAT_MUSTACHE },
  { ".hbs", FORMAT_MUSTACHE },
  { ".handlebars", FORMAT_MUSTACHE },
  { ".schema.json", FORMAT_JSON_SCHEMA },
  { ".schema.yaml", FORMAT_JSON_SCHEMA },
  { ".schema.yml", FORMAT_JSON_SCHEMA },
};

static const struct {
  const char *name;
  enum artifact_format format;
} detect__names[] = {
  { "copilot-instructions.md", FORMAT_VSCODE_INSTRUCTIONS },
  { "AGENTS.md", FORMAT_VSCODE_INSTRUCTIONS },
  { "CLAUDE.md", FORMAT_VSCODE_INSTRUCTIONS },
  { "CLAUDE.local.md", FORMAT_VSCODE_INSTRUCTIONS },
  { "SKILL.md", FORMAT_AGENT_SKILL },
  { "skprompt.txt", FORMAT_SEMANTIC_KERNEL },
  { "promptfooconfig.yaml", FORMAT_PROMPTFOO },
  { "promptfooconfig.yml", FORMAT_PROMPTFOO },
  { "promptfooconfig.json", FORMAT_PROMPTFOO },
  { ".cursorrules", FORMAT_CURSOR_RULE },
};

/* Rules that need the folder, not just the name. */
static enum artifact_format
detect__by_folder(const char *path, const char *base)
{
  if (detect__ends(base, ".md") && detect__in_dir(path, ".github/agents"))
    return FORMAT_VSCODE_AGENT;
  if (detect__ends(base, ".md") && detect__in_dir(path, ".claude/rules"))
    return FORMAT_VSCODE_INSTRUCTIONS;
  if (detect__ends(base, ".md") && detect__under(path, ".claude/commands"))
    return FORMAT_CLAUDE_COMMAND;
  if (detect__ends(base, ".mdc") && detect__in_dir(path, ".cursor/rules"))
    return FORMAT_CURSOR_RULE;
  if ((detect__ends(base, ".yaml") || detect__ends(base, ".yml")) &&
      (detect__in_dir(path, "evals/registry/evals") ||
       detect__in_dir(path, "evals/registry/modelgraded")))
    return FORMAT_OPENAI_EVALS;
  return FORMAT_NONE;
}

enum artifact_format
detect_by_name(const char *path, enum artifact_syntax *syntax)
{
  const char *base = detect__basename(path ? path : "");
  enum artifact_format f;

  *syntax = SYNTAX_TEXT;
  if (!path)
    return FORMAT_NONE;
  for (size_t i = 0; i < sizeof detect__names / sizeof detect__names[0]; i++)
    if (strcasecmp(base, detect__names[i].name) == 0)
      return detect__names[i].format;
  for (size_t i = 0; i < sizeof detect__suffixes / sizeof *detect__suffixes;
       i++)
    if (detect__ends(base, detect__suffixes[i].suffix))
      return detect__suffixes[i].format;
  if ((f = detect__by_folder(path, base)) != FORMAT_NONE)
    return f;
  if (detect__ends(base, ".prompt"))
    return FORMAT_DOTPROMPT;
  if (detect__ends(base, ".yaml") || detect__ends(base, ".yml"))
    *syntax = SYNTAX_YAML;
  else if (detect__ends(base, ".json"))
    *syntax = SYNTAX_JSON;
  else if (detect__ends(base, ".xml"))
    *syntax = SYNTAX_XML;
  return FORMAT_NONE;
}

static bool
detect__has(const struct node *root, const char *key)
{
  return node_get_key(root, key) != NULL;
}

static bool
detect__langchain(const struct node *root)
{
  const char *type = node_str(node_get(root, "_type"));

  if (type)
    return strcmp(type, "prompt") == 0 || strcmp(type, "few_shot") == 0 ||
           strcmp(type, "chat") == 0;
  return detect__has(root, "input_variables") &&
         (detect__has(root, "template") || detect__has(root, "template_path"));
}

static bool
detect__semantic_kernel(const struct node *root)
{
  const char *fmt = node_str(node_get(root, "template_format"));

  if (fmt && (strcmp(fmt, "semantic-kernel") == 0 ||
              strcmp(fmt, "handlebars") == 0 || strcmp(fmt, "liquid") == 0))
    return true;
  return (detect__has(root, "execution_settings") ||
          detect__has(root, "completion")) &&
         (detect__has(root, "input_variables") || detect__has(root, "schema") ||
          detect__has(root, "template"));
}

/*
 * The registry's other folders (completion_fns, solvers, eval_sets, ...)
 * hold {class, args} entries too, but they configure how evals run, not
 * evals: only evals/ and modelgraded/ hold artifacts.
 */
static bool
detect__openai_registry_other(const char *path)
{
  const char *r = path ? strstr(path, "evals/registry/") : NULL;

  if (!r)
    return false;
  r += strlen("evals/registry/");
  return strncmp(r, "evals/", 6) != 0 && strncmp(r, "modelgraded/", 12) != 0;
}

/* Classes that are completion functions or solvers, wherever they sit. */
static bool
detect__openai_runner_class(const struct node *spec)
{
  const char *class = node_str(node_get(spec, "class"));

  return class && (strncmp(class, "evals.completion_fns.", 21) == 0 ||
                   strncmp(class, "evals.solvers.", 14) == 0);
}

/* Registry files map eval names to {id} aliases or {class, args} specs. */
static bool
detect__openai_evals(const char *path, const struct node *root)
{
  uint32_t specs = 0;

  if (detect__openai_registry_other(path))
    return false;
  for (uint32_t i = 0; i < root->count; i++) {
    const struct node *v = node_resolve(node_value(root, i));

    if (!v || v->kind != NODE_MAP || detect__openai_runner_class(v))
      return false;
    if (detect__has(v, "class") || (detect__has(v, "id") &&
                                    detect__has(v, "metrics")) ||
        (detect__has(v, "prompt") && detect__has(v, "choice_strings")))
      specs++;
  }
  return specs > 0;
}

/*
 * GitHub Models runs any YAML file (gh models eval file.yml), and real
 * repositories name them *_prompt.yml too: messages with roles, plus one
 * of the keys only a prompt file has.
 */
static bool
detect__github_models(const struct node *root)
{
  const struct node *messages = node_get(root, "messages");
  const struct node *first;

  if (!messages || messages->kind != NODE_SEQ || messages->count == 0)
    return false;
  first = node_resolve(messages->u.items[0]);
  if (!node_get(first, "role"))
    return false;
  return detect__has(root, "model") || detect__has(root, "modelParameters") ||
         detect__has(root, "testData") || detect__has(root, "evaluators");
}

/* A JSON document whose root is an object schema, without a $schema. */
static bool
detect__json_schema(const char *path, const struct node *root)
{
  const struct node *props = node_get(root, "properties");
  size_t n = path ? strlen(path) : 0;

  if (n < 5 || strcasecmp(path + n - 5, ".json") != 0)
    return false;
  return node_is_str(node_get(root, "type"), "object") && props &&
         props->kind == NODE_MAP;
}

/* Whether the map n has a key that is a JSON Schema keyword. */
static bool
detect__has_schema_keyword(const struct node *n)
{
  n = node_resolve(n);
  for (uint32_t i = 0; n && n->kind == NODE_MAP && i < n->count; i++) {
    const char *k = node_str(node_key(n, i));
    const struct schema_keyword *kw = k ? schema_keyword(k) : NULL;

    if (kw && !kw->annotation)
      return true;
  }
  return false;
}

/*
 * OpenAI's structured-output wrapper in each form the API takes:
 * {response_format: {json_schema: ...}}, the response_format object itself
 * ({type: json_schema, json_schema: ...}), and {name, schema, strict} (with
 * type: json_schema in the Responses API). Its schema may be anything a
 * schema starts with (anyOf, $ref, ...): the provider rules say what
 * OpenAI refuses at the root, so detection must not.
 */
static bool
detect__openai_schema(const struct node *root)
{
  const struct node *schema = node_resolve(node_get(root, "schema"));
  const struct node *rf = node_get(root, "response_format");
  const struct node *strict = node_resolve(node_get(root, "strict"));

  if (rf && node_get(rf, "json_schema"))
    return true;
  if (node_is_str(node_get(root, "type"), "json_schema") &&
      node_resolve(node_get(root, "json_schema")) &&
      node_resolve(node_get(root, "json_schema"))->kind == NODE_MAP)
    return true;
  if (!node_get(root, "name") || !schema || schema->kind != NODE_MAP)
    return false;
  return (strict && strict->type == SCALAR_BOOL &&
          strict->kind == NODE_SCALAR) ||
         node_is_str(node_get(root, "type"), "json_schema") ||
         detect__has_schema_keyword(schema);
}

/*
 * A list of tools as a model API takes them: OpenAI's {type: function,
 * function: {name, parameters}} or its flat {name, parameters} (Responses,
 * and the older functions list), Anthropic's {name, input_schema}.
 */
static bool
detect__tool_definitions(const struct node *root)
{
  const struct node *first;
  const struct node *fn;

  if (root->kind != NODE_SEQ || root->count == 0)
    return false;
  first = node_resolve(root->u.items[0]);
  if (!first || first->kind != NODE_MAP)
    return false;
  fn = node_resolve(node_get(first, "function"));
  if (fn && fn->kind == NODE_MAP && node_get(fn, "name"))
    return true;
  return node_get(first, "name") &&
         (node_get(first, "parameters") || node_get(first, "input_schema"));
}

enum artifact_format
detect_by_content(const char *path, const struct node *root)
{
  const char *schema;

  root = node_resolve(root);
  if (root && detect__tool_definitions(root))
    return FORMAT_TOOL_DEFINITIONS;
  if (!root || root->kind != NODE_MAP)
    return FORMAT_NONE;
  schema = node_str(node_get(root, "$schema"));
  if (schema && strstr(schema, "json-schema.org"))
    return FORMAT_JSON_SCHEMA;
  if (detect__has(root, "prompts") &&
      (detect__has(root, "providers") || detect__has(root, "targets") ||
       detect__has(root, "tests")))
    return FORMAT_PROMPTFOO;
  if (detect__has(root, "evalId") && node_get(root, "results"))
    return FORMAT_PROMPTFOO_RESULTS;
  if (detect__has(root, "testResults") && detect__has(root, "summary"))
    return FORMAT_GITHUB_MODELS_RESULTS;
  /* Before LangChain: SK YAML also has input_variables and template. */
  if (detect__semantic_kernel(root))
    return FORMAT_SEMANTIC_KERNEL;
  if (detect__langchain(root))
    return FORMAT_LANGCHAIN;
  if (detect__github_models(root))
    return FORMAT_GITHUB_MODELS;
  if (detect__openai_schema(root))
    return FORMAT_OPENAI_SCHEMA;
  if (detect__openai_evals(path, root))
    return FORMAT_OPENAI_EVALS;
  if (detect__json_schema(path, root))
    return FORMAT_JSON_SCHEMA;
  return FORMAT_NONE;
}

int
detect_dotprompt(const char *text, size_t len)
{
  static const char *const marks[] = {
    "{{role", "{{history", "{{media", "{{>", "{{#if", "{{#each",
    "{{ role", "{{json", "{{section",
  };
  size_t i = 0;

  /* A BOM is no text: editors on Windows save one before the '---'. */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    i = 3;
  /* Frontmatter, possibly after blank or "#" comment lines, as
   * frontmatter_split reads it. */
  while (i < len) {
    const char *nl = memchr(text + i, '\n', len - i);
    size_t end = nl ? (size_t)(nl - text) : len;
    size_t s = i;

    while (s < end && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
      s++;
    if (end - i >= 3 && memcmp(text + i, "---", 3) == 0)
      return 1;
    if (s < end && text[s] != '#')
      break;
    i = end + 1;
  }
  for (size_t m = 0; m < sizeof marks / sizeof marks[0]; m++)
    if (memmem(text, len, marks[m], strlen(marks[m])))
      return 1;
  /* A role tag written with the blanks Handlebars allows: "{{ #role". */
  for (i = 0; i + 2 < len && len <= UINT32_MAX;) {
    const char *open = memmem(text + i, len - i, "{{", 2);
    uint32_t next;
    struct span name;
    struct span tag;

    if (!open)
      break;
    if (dotprompt_role_tag(text, (uint32_t)(open - text), (uint32_t)len,
                           &name, &tag, &next))
      return 1;
    i = next;
  }
  return 0;
}

bool
detect_companion(const char *path, char *out, size_t size)
{
  const char *base = path ? detect__basename(path) : NULL;
  size_t dir = base ? (size_t)(base - path) : 0;
  size_t n = base ? strlen(base) : 0;
  int len;

  if (!base)
    return false;
  if (strcasecmp(base, "skprompt.txt") == 0)
    len = snprintf(out, size, "%.*sconfig.json", (int)dir, path);
  else if (strcasecmp(base, "config.json") == 0)
    len = snprintf(out, size, "%.*sskprompt.txt", (int)dir, path);
  else if (detect__ends(base, ".poml") && n > 5)
    len = snprintf(out, size, "%.*s.context.json", (int)(dir + n - 5), path);
  else
    return false;
  return len > 0 && (size_t)len < size;
}
