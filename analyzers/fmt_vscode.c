/*
 * VS Code / Copilot customisation files (prompt, instructions, agent,
 * skill) and their cousins (Claude Code commands, Cursor rules): optional
 * YAML frontmatter on the first line and a Markdown body. Each kind takes
 * its own keys; VS Code warns about the others and ignores them, and so
 * does facet.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "formats.h"
#include "globs.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

#define VSCODE__NAME(what)                                                  \
  { "name", SHAPE_TEXT, "The " what "'s name (default: the file name).", 0, \
    0, 0, 0 }
#define VSCODE__DESCRIPTION(what)                                           \
  { "description", SHAPE_TEXT, "What the " what " is for.", 0, 0, 0, 0 }
#define VSCODE__ARGUMENT_HINT                                               \
  { "argument-hint", SHAPE_TEXT, "Hint shown for the arguments.", 0, 0, 0, \
    0 }
#define VSCODE__MODEL                                                       \
  { "model", SHAPE_TEXT | SHAPE_SEQ, "A model, or models tried in order.", \
    0, 0, 0, 0 }
#define VSCODE__TOOLS                                                       \
  { "tools", SHAPE_TEXT | SHAPE_SEQ, "Tools it may use: a list or a "      \
    "comma-separated string.", 0, 0, 0, 0 }
#define VSCODE__BOOL(key, doc) { key, SHAPE_BOOL, doc, 0, 0, 0, 0 }

static const char *const vscode__agents[] = { "ask", "edit", "agent", NULL };

static const struct shape_field vscode__prompt_fields[] = {
  VSCODE__NAME("prompt"),
  VSCODE__DESCRIPTION("prompt"),
  { "agent", SHAPE_TEXT, "ask, edit, agent or a custom agent's name.", 0, 0,
    vscode__agents, SHAPE_VALUES_OPEN },
  { "mode", SHAPE_TEXT, "The older name of agent.", 0, 0, vscode__agents,
    SHAPE_VALUES_OPEN },
  VSCODE__MODEL,
  VSCODE__TOOLS,
  VSCODE__ARGUMENT_HINT,
  { 0 },
};

static const struct shape_field vscode__instructions_fields[] = {
  VSCODE__NAME("instructions"),
  VSCODE__DESCRIPTION("instructions"),
  { "applyTo", SHAPE_TEXT, "Globs (comma-separated) of the files they apply "
    "to; ** for all.", 0, 0, 0, 0 },
  { "excludeAgent", SHAPE_TEXT | SHAPE_SEQ, "Agents that skip them.", 0, 0,
    0, 0 },
  { "paths", SHAPE_TEXT | SHAPE_SEQ, "Globs of the files they apply to "
    "(.claude/rules).", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape_field vscode__handoff_fields[] = {
  { "label", SHAPE_TEXT, "The button's text.", 0, 0, 0, SHAPE_REQUIRED },
  { "agent", SHAPE_TEXT, "The agent to hand off to.", 0, 0, 0,
    SHAPE_REQUIRED },
  { "prompt", SHAPE_TEXT, "The prompt sent to it.", 0, 0, 0, SHAPE_REQUIRED },
  VSCODE__BOOL("send", "Send the prompt at once."),
  VSCODE__BOOL("showContinueOn", "Show a continue button."),
  { "model", SHAPE_TEXT, "The model for the next agent.", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape vscode__handoff = {
  "a handoff", vscode__handoff_fields, 0, 0, 0,
};

static const char *const vscode__targets[] = {
  "vscode", "github-copilot", NULL,
};

static const struct shape_field vscode__agent_fields[] = {
  VSCODE__NAME("agent"),
  VSCODE__DESCRIPTION("agent"),
  VSCODE__MODEL,
  VSCODE__TOOLS,
  VSCODE__ARGUMENT_HINT,
  { "handoffs", SHAPE_SEQ, "Next steps offered when it is done.", 0,
    &vscode__handoff, 0, 0 },
  { "agents", SHAPE_SEQ, "Subagents it may use; '*' for all.", 0, 0, 0, 0 },
  { "target", SHAPE_TEXT, "vscode or github-copilot.", 0, 0, vscode__targets,
    0 },
  { "advancedOptions", SHAPE_ANY, "Advanced options.", 0, 0, 0, 0 },
  { "mcp-servers", SHAPE_ANY, "MCP servers (github-copilot target).", 0, 0,
    0, 0 },
  VSCODE__BOOL("infer", "Whether it may be picked as a subagent (older)."),
  VSCODE__BOOL("user-invokable", "Whether users can pick it."),
  VSCODE__BOOL("user-invocable", "Whether users can pick it."),
  VSCODE__BOOL("disable-model-invocation", "Keep it from running as a "
               "subagent."),
  { 0 },
};

static const struct shape_field vscode__skill_fields[] = {
  { "name", SHAPE_TEXT, "The skill's name: lower-case letters, digits and "
    "'-'.", 0, 0, 0, SHAPE_REQUIRED },
  { "description", SHAPE_TEXT, "What the skill does and when to load it.", 0,
    0, 0, SHAPE_REQUIRED },
  { "license", SHAPE_TEXT, "The skill's licence.", 0, 0, 0, 0 },
  { "compatibility", SHAPE_TEXT, "What the skill needs to run.", 0, 0, 0,
    0 },
  { "metadata", SHAPE_MAP, "Arbitrary data.", 0, 0, 0, 0 },
  { "allowed-tools", SHAPE_TEXT | SHAPE_SEQ, "Tools it may use.", 0, 0, 0,
    0 },
  VSCODE__MODEL,
  VSCODE__ARGUMENT_HINT,
  VSCODE__BOOL("user-invokable", "Whether users can run it from /."),
  VSCODE__BOOL("user-invocable", "Whether users can run it from /."),
  VSCODE__BOOL("disable-model-invocation", "Load it only when asked for."),
  { 0 },
};

static const struct shape_field vscode__claude_fields[] = {
  VSCODE__DESCRIPTION("command"),
  { "allowed-tools", SHAPE_TEXT | SHAPE_SEQ, "Tools it may use, e.g. "
    "Bash(git:*).", 0, 0, 0, 0 },
  { "argument-hint", SHAPE_TEXT | SHAPE_SEQ, "Hint shown for the arguments, "
    "e.g. [message].", 0, 0, 0, 0 },
  { "model", SHAPE_TEXT, "The model to run it with.", 0, 0, 0, 0 },
  VSCODE__BOOL("disable-model-invocation", "Keep the model from running "
               "it."),
  { 0 },
};

static const struct shape_field vscode__cursor_fields[] = {
  VSCODE__DESCRIPTION("rule"),
  { "globs", SHAPE_TEXT | SHAPE_SEQ, "Files it attaches to: comma-separated "
    "globs.", 0, 0, 0, 0 },
  VSCODE__BOOL("alwaysApply", "Apply it to every request."),
  { 0 },
};

static const struct shape vscode__shapes[] = {
  { "prompt file frontmatter", vscode__prompt_fields, 0, 0, 0 },
  { "instructions frontmatter", vscode__instructions_fields, 0, 0, 0 },
  { "custom agent frontmatter", vscode__agent_fields, 0, 0, 0 },
  { "skill frontmatter", vscode__skill_fields, 0, 0, 0 },
  { "Claude Code command frontmatter", vscode__claude_fields, 0, 0, 0 },
  { "Cursor rule frontmatter", vscode__cursor_fields, 0, 0, 0 },
};

static const struct shape *
vscode__shape(enum artifact_format format)
{
  switch (format) {
  case FORMAT_VSCODE_PROMPT: return &vscode__shapes[0];
  case FORMAT_VSCODE_INSTRUCTIONS: return &vscode__shapes[1];
  case FORMAT_VSCODE_AGENT: return &vscode__shapes[2];
  case FORMAT_AGENT_SKILL: return &vscode__shapes[3];
  case FORMAT_CLAUDE_COMMAND: return &vscode__shapes[4];
  case FORMAT_CURSOR_RULE: return &vscode__shapes[5];
  default: return NULL;
  }
}

/* VS Code's header parser takes only the literal true and false. */
static void
vscode__check_bool(struct artifact *a, const char *key,
                   const struct node *value)
{
  const struct node *v = node_resolve(value);

  if (!v || v->kind != NODE_SCALAR || v->type != SCALAR_BOOL ||
      strcmp(v->u.scalar.str, "true") == 0 ||
      strcmp(v->u.scalar.str, "false") == 0)
    return;
  diag_add(&a->diags, DIAG_WRONG_TYPE, value->span,
           "'%s' should be true or false: VS Code reads '%s' as a string",
           key, v->u.scalar.str);
}

/* Lists of names (tools, models, globs) hold strings only. */
static void
vscode__check_names(struct artifact *a, const char *key,
                    const struct node *seq)
{
  for (uint32_t i = 0; i < seq->count; i++) {
    const struct node *item = node_resolve(seq->u.items[i]);

    if (item && (item->kind != NODE_SCALAR || item->type != SCALAR_STRING))
      diag_add(&a->diags, DIAG_WRONG_TYPE, seq->u.items[i]->span,
               "each item of '%s' should be a string, not %s", key,
               node_type_name(item));
  }
}

static void
vscode__check_handoffs(struct artifact *a, const struct node *seq)
{
  for (uint32_t i = 0; i < seq->count; i++) {
    const struct node *item = node_resolve(seq->u.items[i]);

    if (item && item->kind != NODE_MAP)
      diag_add(&a->diags, DIAG_WRONG_TYPE, seq->u.items[i]->span,
               "a handoff should be a mapping with label, agent and "
               "prompt, not %s", node_type_name(item));
    else if (item)
      for (uint32_t k = 0; k < item->count; k++)
        if (node_is_str(node_key(item, k), "send") ||
            node_is_str(node_key(item, k), "showContinueOn"))
          vscode__check_bool(a, node_str(node_key(item, k)),
                             node_value(item, k));
  }
}

/* Agent skill names: lower-case letters, digits and hyphens. */
static void
vscode__check_skill_name(struct artifact *a, const struct node *name)
{
  const char *s = node_str(name);

  if (!s || name->type == SCALAR_NULL || name->type == SCALAR_BOOL)
    return;
  for (const char *p = s; *p; p++)
    if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789-", *p)) {
      diag_add(&a->diags, DIAG_INVALID_VALUE, name->span,
               "'%s' is not a valid skill name: use lower-case letters, "
               "digits and '-' only", s);
      return;
    }
}

/*
 * One tools entry, bytes [from, to) of v's text, trimmed. VS Code looks a
 * tool up by its exact name (a tool set's name may hold spaces), so only
 * what can name no tool is reported: the body's '#' syntax, and a
 * wildcard other than a server's name and "/" and "*" (every tool of an
 * MCP server), or "*" alone (GitHub's "all tools").
 */
static void
vscode__tool_name(struct artifact *a, const struct node *v, size_t from,
                  size_t to)
{
  const char *name = node_str(v) + from;
  size_t n = to - from;
  size_t skip = n > 6 && memcmp(name, "#tool:", 6) == 0 ? 6 : 1;
  const char *star = memchr(name, '*', n);
  struct span span;
  bool exact = formats_scalar_span(a, v, from, to, &span);
  struct diagnostic *d;

  if (name[0] == '#' && n > skip) {
    d = diag_add(&a->diags, DIAG_INVALID_TOOL, span, "'%.*s' in tools: "
                 "'#' is how the body refers to a tool; the header takes "
                 "its name, '%.*s'", (int)n, name, (int)(n - skip),
                 name + skip);
    if (d && exact)
      d->replacement = arena_strndup(&a->arena, name + skip, n - skip);
  } else if (star && !(n == 1 || (star == name + n - 1 && n > 2 &&
                                  name[n - 2] == '/')) &&
             !memchr(name, '(', (size_t)(star - name))) {
    diag_add(&a->diags, DIAG_INVALID_TOOL, span, "'%.*s' in tools: a "
             "wildcard works only as '<server>/*', every tool of an MCP "
             "server", (int)n, name);
  }
}

/* A list item: one name, written without padding. */
static void
vscode__tool_item(struct artifact *a, const struct node *item)
{
  const char *s = node_str(item);
  size_t n = item->u.scalar.len;
  size_t b = 0;
  size_t e = n;
  struct diagnostic *d;
  struct span span;

  while (b < e && s[b] == ' ')
    b++;
  while (e > b && s[e - 1] == ' ')
    e--;
  if (b == e) {
    diag_add(&a->diags, DIAG_INVALID_TOOL, item->span, "an empty name in "
             "tools names no tool");
  } else if (b > 0 || e < n) {
    d = diag_add(&a->diags, DIAG_INVALID_TOOL, item->span, "'%s' in tools "
                 "has spaces around the name; VS Code looks tools up by "
                 "their exact name", s);
    if (d && formats_scalar_span(a, item, 0, n, &span)) {
      d->span = span;
      d->replacement = arena_strndup(&a->arena, s + b, e - b);
    }
  } else if (memchr(s, ',', n)) {
    diag_add(&a->diags, DIAG_INVALID_TOOL, item->span, "'%s' in tools is "
             "one name with commas in it; list each tool as an item", s);
  } else {
    vscode__tool_name(a, item, 0, n);
  }
}

/* tools: a list of names, or one string of comma-separated names. */
static void
vscode__check_tools(struct artifact *a, const struct node *value)
{
  const struct node *v = node_resolve(value);
  size_t start = 0;

  for (uint32_t i = 0; v->kind == NODE_SEQ && i < v->count; i++) {
    const struct node *item = node_resolve(v->u.items[i]);

    if (item && item->kind == NODE_SCALAR && item->type == SCALAR_STRING)
      vscode__tool_item(a, item);
  }
  if (v->kind != NODE_SCALAR || v->type != SCALAR_STRING)
    return;
  for (size_t i = 0; i <= v->u.scalar.len; i++) {
    const char *s = node_str(v);
    size_t b = start;
    size_t e = i;

    if (i < v->u.scalar.len && s[i] != ',')
      continue;
    start = i + 1;
    while (b < e && s[b] == ' ')
      b++;
    while (e > b && s[e - 1] == ' ')
      e--;
    if (b < e)
      vscode__tool_name(a, v, b, e);
  }
}

/* What the key table cannot say: strict booleans, lists of strings. */
static void
vscode__check_values(struct artifact *a, const struct shape *shape)
{
  const struct node *root = node_resolve(a->root);
  bool vscode = a->format != FORMAT_CLAUDE_COMMAND &&
                a->format != FORMAT_CURSOR_RULE;

  for (uint32_t i = 0; root && root->kind == NODE_MAP && i < root->count;
       i++) {
    const char *key = node_str(node_key(root, i));
    const struct node *value = node_value(root, i);
    const struct node *v = node_resolve(value);
    const struct shape_field *f = key ? shape_field(shape, key) : NULL;

    if (!f || !v)
      continue;
    if (f->types == SHAPE_BOOL && vscode)
      vscode__check_bool(a, key, value);
    else if (strcmp(key, "handoffs") == 0 && v->kind == NODE_SEQ)
      vscode__check_handoffs(a, v);
    else if (v->kind == NODE_SEQ &&
             ((f->types & SHAPE_TEXT) || strcmp(key, "agents") == 0))
      vscode__check_names(a, key, v);
    if (a->format == FORMAT_AGENT_SKILL && strcmp(key, "name") == 0)
      vscode__check_skill_name(a, v);
    if (strcmp(key, "applyTo") == 0 || strcmp(key, "paths") == 0 ||
        strcmp(key, "globs") == 0)
      globs_check(a, key, value);
    else if (strcmp(key, "tools") == 0)
      vscode__check_tools(a, value);
  }
}

struct vscode_hints {
  enum artifact_format format;
  const char *inputs;
  const char *schema;
  const char *tests;
};

static const struct vscode_hints vscode__hints[] = {
  { FORMAT_VSCODE_PROMPT,
    "add a frontmatter header (description, agent, tools) and take inputs "
    "as ${input:name}",
    "pin the output: prompt files have no schema; move the task to a "
    ".prompt.yml with responseFormat json_schema",
    "add an eval: a .prompt.yml or promptfoo config that checks its output" },
  { FORMAT_VSCODE_INSTRUCTIONS,
    "add a frontmatter header with description and applyTo",
    "instructions have no output of their own; check their effect with an "
    "eval",
    "add an eval that checks outputs produced under these instructions" },
  { FORMAT_VSCODE_AGENT,
    "add a frontmatter header with description and tools",
    "agents have no output schema; check their results with an eval",
    "add an eval that checks the agent's results" },
  { FORMAT_AGENT_SKILL,
    "add a frontmatter header with name and description",
    "skills have no output schema; check their results with an eval",
    "add an eval that checks the skill's results" },
  { FORMAT_CLAUDE_COMMAND,
    "add a frontmatter header with description and argument-hint",
    "commands have no output schema; check their results with an eval",
    "add an eval that checks the command's results" },
  { FORMAT_CURSOR_RULE,
    "add a frontmatter header with description, globs and alwaysApply",
    "rules have no output of their own; check their effect with an eval",
    "add an eval that checks outputs produced under this rule" },
};

/*
 * Files the tools load by their name alone: a header is not read there,
 * so the step up is to move rules for some files where a glob can scope
 * them, not to add one.
 */
static const struct {
  const char *name;
  const char *hint;
} vscode__always_on[] = {
  { "copilot-instructions.md",
    "always-on instructions take no header: move rules for some files "
    "only into .github/instructions/NAME.instructions.md with applyTo" },
  { "AGENTS.md",
    "always-on instructions take no header: move rules for one folder "
    "into an AGENTS.md inside it" },
  { "CLAUDE.md",
    "always-on memory takes no header: move rules for some files only "
    "into .claude/rules/NAME.md with paths" },
  { "CLAUDE.local.md",
    "always-on memory takes no header: move rules for some files only "
    "into .claude/rules/NAME.md with paths" },
  { ".cursorrules",
    "legacy always-on rules take no header: move them into "
    ".cursor/rules/NAME.mdc with description, globs and alwaysApply" },
};

static const char *
vscode__always_on_hint(const struct artifact *a)
{
  const char *base = a->path ? strrchr(a->path, '/') : NULL;

  base = base ? base + 1 : a->path;
  for (size_t i = 0; base && i < sizeof vscode__always_on /
                                  sizeof *vscode__always_on; i++)
    if (strcasecmp(base, vscode__always_on[i].name) == 0)
      return vscode__always_on[i].hint;
  return NULL;
}

static void
vscode__facts(struct artifact *a)
{
  struct artifact_facts *f = &a->facts;

  /* Prompt files take ${input:name} values from the chat: declared by use. */
  f->inputs_by_use = a->format == FORMAT_VSCODE_PROMPT;
  for (size_t i = 0; i < sizeof vscode__hints / sizeof vscode__hints[0];
       i++) {
    if (vscode__hints[i].format != a->format)
      continue;
    f->inputs_hint = vscode__hints[i].inputs;
    f->schema_hint = vscode__hints[i].schema;
    f->tests_hint = vscode__hints[i].tests;
  }
  if (!a->fm.present && vscode__always_on_hint(a))
    f->inputs_hint = vscode__always_on_hint(a);
}

/*
 * Keys whose values their tools read as raw text, and the characters that
 * make YAML read such a value as something else: Cursor's 'globs: *.ts'
 * (an alias to YAML), Claude's 'argument-hint: [pr] [priority]'.
 */
static const char *
vscode__lenient_key(enum artifact_format format, const char **starts)
{
  *starts = format == FORMAT_CURSOR_RULE ? "*" : "[";
  return format == FORMAT_CURSOR_RULE ? "globs:"
       : format == FORMAT_CLAUDE_COMMAND ? "argument-hint:"
       : NULL;
}

/* The offset of a raw-text value on the line that starts at at, or 0. */
static uint32_t
vscode__lenient_value(const struct artifact *a, uint32_t at)
{
  uint32_t end = source_line_end(&a->src, source_line_of(&a->src, at));
  const char *starts;
  const char *key = vscode__lenient_key(a->format, &starts);
  size_t n = key ? strlen(key) : 0;

  if (!key || end - at < n || memcmp(a->text + at, key, n) != 0)
    return 0;
  for (at += (uint32_t)n; at < end && a->text[at] == ' '; at++)
    ;
  return at < end && a->text[at] == *starts ? at : 0;
}

/* Puts back the first character that the lenient parse replaced. */
static void
vscode__restore(struct artifact *a)
{
  struct node *root = a->root;
  const char *starts;
  const char *key = vscode__lenient_key(a->format, &starts);
  size_t n = strlen(key) - 1;

  for (uint32_t i = 0; root && root->kind == NODE_MAP && i < root->count;
       i++) {
    struct node *v = root->u.items[2 * i + 1];
    const char *name = node_str(node_key(root, i));
    char *str;

    if (!name || strlen(name) != n || strncmp(name, key, n) != 0 || !v ||
        v->kind != NODE_SCALAR || v->u.scalar.len == 0 ||
        a->text[v->span.start] != *starts)
      continue;
    str = arena_strndup(&a->arena, v->u.scalar.str, v->u.scalar.len);
    if (!str)
      return;
    str[0] = *starts;
    v = node_new_scalar(&a->arena, v->span, str, v->u.scalar.len, 0);
    if (v)
      root->u.items[2 * i + 1] = v;
  }
}

/*
 * Cursor and Claude Code read their headers loosely, so a value YAML
 * cannot parse may be fine to them. When such a line is what failed, the
 * header is parsed again with the value's first character read as a
 * letter, and the value is then put back as written.
 */
static int
vscode__lenient(struct artifact *a, size_t first)
{
  struct source patched;
  char *copy;
  bool lenient = false;
  int rc;

  for (size_t i = first; i < a->diags.count; i++)
    lenient |= a->diags.items[i].code == DIAG_YAML_SYNTAX &&
               vscode__lenient_value(a, source_line_start(&a->src,
                 source_line_of(&a->src, a->diags.items[i].span.start)));
  if (!lenient)
    return 0;
  copy = malloc(a->src.len + 1);
  if (!copy)
    return FACET_ENOMEM;
  memcpy(copy, a->text, a->src.len + 1);
  for (uint32_t line = source_line_of(&a->src, a->fm.yaml.start);
       line <= source_line_of(&a->src, a->fm.yaml.end); line++) {
    uint32_t at = vscode__lenient_value(a, source_line_start(&a->src,
                                                             line));

    if (at)
      copy[at] = 'x';
  }
  a->diags.count = first;
  a->root = NULL;
  rc = source_init(&patched, copy, a->src.len);
  if (!rc)
    rc = yaml_parse(&a->arena, &patched, a->fm.yaml, &a->diags, &a->root);
  source_release(&patched);
  free(copy);
  vscode__restore(a);
  a->facts.header = a->root && a->root->kind == NODE_MAP;
  a->facts.header_broken = formats_syntax_errors(a, first) ||
                           (a->fm.present && !a->fm.closed);
  return rc;
}

void
vscode_check(struct artifact *a)
{
  const struct shape *shape = vscode__shape(a->format);
  size_t before = a->diags.count;

  if (formats_frontmatter(a, FRONTMATTER_MARKDOWN))
    return;
  /* Past the unclosed-frontmatter error, the diagnostics are YAML's. */
  if ((a->format == FORMAT_CURSOR_RULE ||
       a->format == FORMAT_CLAUDE_COMMAND) &&
      vscode__lenient(a, before + (a->fm.present && !a->fm.closed)))
    return;
  if (shape && a->root) {
    shape_check(shape, a->root, formats_top(a), &a->diags);
    vscode__check_values(a, shape);
  } else if (a->format == FORMAT_AGENT_SKILL && a->diags.count == 0) {
    diag_add(&a->diags, DIAG_MISSING_KEY, formats_top(a),
             "a skill needs a frontmatter header with name and "
             "description");
  }
  template_parse(a, TEMPLATE_VSCODE, a->body,
                 &(struct template_options){ .markdown = true });
  vscode__facts(a);
}

bool
vscode_format(enum artifact_format f)
{
  switch (f) {
  case FORMAT_VSCODE_PROMPT:
  case FORMAT_VSCODE_INSTRUCTIONS:
  case FORMAT_VSCODE_AGENT:
  case FORMAT_AGENT_SKILL:
  case FORMAT_CLAUDE_COMMAND:
  case FORMAT_CURSOR_RULE:
    return true;
  default:
    return false;
  }
}

const struct shape *
vscode_shape(enum artifact_format format)
{
  return vscode__shape(format);
}
