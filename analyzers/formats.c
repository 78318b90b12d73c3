#include "formats.h"

#include <string.h>
#include <strings.h>

#include "error.h"
#include "template.h"
#include "tree.h"
#include "ts_tree.h"

void
formats_check(struct artifact *a)
{
  switch (a->format) {
  case FORMAT_PROMPTY:
    prompty_check(a);
    break;
  case FORMAT_DOTPROMPT:
    dotprompt_check(a);
    break;
  case FORMAT_GITHUB_MODELS:
    github_models_check(a);
    break;
  case FORMAT_VSCODE_PROMPT:
  case FORMAT_VSCODE_INSTRUCTIONS:
  case FORMAT_VSCODE_AGENT:
  case FORMAT_AGENT_SKILL:
  case FORMAT_CLAUDE_COMMAND:
  case FORMAT_CURSOR_RULE:
    vscode_check(a);
    break;
  case FORMAT_PROMPTFOO:
    promptfoo_check(a);
    break;
  case FORMAT_JSON_SCHEMA:
    json_schema_check(a);
    break;
  case FORMAT_OPENAI_SCHEMA:
    openai_schema_check(a);
    break;
  default:
    other_check(a);
    break;
  }
}

struct span
formats_top(const struct artifact *a)
{
  if (a->fm.present)
    return a->fm.open;
  if (a->root)
    return span_make(a->root->span.start, a->root->span.start);
  return span_make(a->src.bom, a->src.bom);
}

bool
formats_syntax_errors(const struct artifact *a, size_t from)
{
  for (size_t i = from; i < a->diags.count; i++)
    if (a->diags.items[i].code == DIAG_YAML_SYNTAX ||
        a->diags.items[i].code == DIAG_JSON_SYNTAX ||
        a->diags.items[i].code == DIAG_TOO_DEEP)
      return true;
  return false;
}

int
formats_frontmatter(struct artifact *a, enum frontmatter_rules rules)
{
  const struct node *root;
  size_t before = a->diags.count;
  bool broken;
  int rc;

  frontmatter_split(&a->src, rules, &a->fm);
  a->body = a->fm.body;
  a->syntax = SYNTAX_FRONTMATTER;
  if (!a->fm.present)
    return 0;
  rc = yaml_parse(&a->arena, &a->src, a->fm.yaml, &a->diags, &a->root);
  broken = formats_syntax_errors(a, before);
  if (!a->fm.closed) {
    /* The rest of the file is prose read as YAML: its errors and keys
     * would only echo this one. */
    a->diags.count = before;
    a->root = NULL;
    diag_add(&a->diags, DIAG_FRONTMATTER_UNCLOSED, a->fm.open,
             "frontmatter opened here is never closed; add a '%.3s' line "
             "after it", a->text + a->fm.open.start);
    broken = true;
  }
  root = node_resolve(a->root);
  if (root && root->kind != NODE_MAP && !broken &&
      !(root->kind == NODE_SCALAR && root->type == SCALAR_NULL)) {
    diag_add(&a->diags, DIAG_FRONTMATTER_NOT_MAPPING, root->span,
             "frontmatter should be 'key: value' lines, not %s",
             node_type_name(root));
    broken = true;
  }
  if (root && root->kind != NODE_MAP)
    a->root = NULL;
  a->facts.header = a->root != NULL;
  a->facts.header_broken = broken;
  return rc;
}

int
formats_parse_yaml(struct artifact *a)
{
  size_t before = a->diags.count;
  int rc;

  a->syntax = SYNTAX_YAML;
  a->parsed = true;
  rc = yaml_parse(&a->arena, &a->src, span_make(0, a->src.len), &a->diags,
                  &a->root);
  a->facts.header_broken = formats_syntax_errors(a, before);
  return rc;
}

int
formats_parse_json(struct artifact *a)
{
  size_t before = a->diags.count;
  int rc;

  a->syntax = SYNTAX_JSON;
  a->parsed = true;
  rc = json_parse(&a->arena, &a->src, span_make(0, a->src.len), &a->diags,
                  &a->root);
  a->facts.header_broken = formats_syntax_errors(a, before);
  return rc;
}

static bool
formats__ends(const char *path, const char *suffix)
{
  size_t n = path ? strlen(path) : 0;
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

int
formats_parse_document(struct artifact *a, bool json_otherwise)
{
  if (a->parsed)
    return 0;
  if (formats__ends(a->path, ".json"))
    return formats_parse_json(a);
  if (formats__ends(a->path, ".yaml") || formats__ends(a->path, ".yml"))
    return formats_parse_yaml(a);
  return json_otherwise ? formats_parse_json(a) : formats_parse_yaml(a);
}

static void
formats__declare_name(struct artifact *a, const char *name)
{
  size_t len = strcspn(name, "?(");

  while (len > 0 && name[len - 1] == ' ')
    len--;
  if (len)
    artifact_declare_input(a, name, len);
}

void
formats_declare(struct artifact *a, const struct node *n,
                const char *name_key)
{
  n = node_resolve(n);
  if (!n)
    return;
  for (uint32_t i = 0; n->kind == NODE_MAP && i < n->count; i++)
    if (node_str(node_key(n, i)))
      formats__declare_name(a, node_str(node_key(n, i)));
  for (uint32_t i = 0; n->kind == NODE_SEQ && i < n->count; i++) {
    const struct node *item = node_resolve(n->u.items[i]);
    const char *name = node_str(item);

    if (!name && name_key)
      name = node_str(node_get(item, name_key));
    if (name)
      formats__declare_name(a, name);
  }
}

int
formats_scan_markdown(struct artifact *a, int dialect)
{
  struct md_outline outline;
  int rc;

  if (a->body.end <= a->body.start)
    return 0;
  /* Outlining Markdown costs more than the rest of the analysis: only do
   * it when the body holds something the outline would decide about. */
  if (dialect == TEMPLATE_VSCODE &&
      !memmem(a->text + a->body.start, a->body.end - a->body.start,
              "${input:", 8))
    return 0;
  rc = markdown_outline(&a->arena, &a->src, a->body, &outline);
  if (rc)
    return rc;
  return template_scan(a, (enum template_dialect)dialect, a->body,
                       outline.literals, outline.nliterals);
}
