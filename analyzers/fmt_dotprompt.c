/* Dotprompt (.prompt): YAML frontmatter and a Handlebars body. */
#include "formats.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

void
dotprompt_check(struct artifact *a)
{
  const struct node *input;
  const struct node *output;

  if (formats_frontmatter(a, FRONTMATTER_DOTPROMPT))
    return;
  template_scan(a, TEMPLATE_HANDLEBARS, a->body, NULL, 0);
  input = node_get(a->root, "input");
  output = node_get(a->root, "output");
  a->facts.inputs_declared = node_get(input, "schema") ||
                             node_get(input, "default");
  if (node_get(output, "schema")) {
    a->facts.output_schema = true;
    a->facts.output_schema_where = "output.schema";
  }
}
