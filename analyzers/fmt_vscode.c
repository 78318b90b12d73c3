/*
 * VS Code / Copilot customisation files (prompt, instructions, agent,
 * skill) and their cousins (Claude Code commands, Cursor rules): optional
 * YAML frontmatter on the first line and a Markdown body.
 */
#include "formats.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

void
vscode_check(struct artifact *a)
{
  if (formats_frontmatter(a, FRONTMATTER_MARKDOWN))
    return;
  formats_scan_markdown(a, TEMPLATE_VSCODE);
  a->facts.inputs_by_use = true;
}
