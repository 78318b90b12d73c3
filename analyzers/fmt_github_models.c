/* GitHub Models prompt files (.prompt.yml): plain YAML. */
#include "formats.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

void
github_models_check(struct artifact *a)
{
  const struct node *messages;

  if (formats_parse_yaml(a))
    return;
  a->facts.header = a->root && a->root->kind == NODE_MAP;
  messages = node_get(a->root, "messages");
  for (uint32_t i = 0; messages && messages->kind == NODE_SEQ &&
                       i < messages->count; i++) {
    const struct node *content = node_get(messages->u.items[i], "content");

    if (content && content->kind == NODE_SCALAR)
      template_scan(a, TEMPLATE_MUSTACHE, content->span, NULL, 0);
  }
}
