/* promptfoo configs: YAML or JSON with prompts, providers and tests. */
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "shape.h"
#include "tree.h"

void
promptfoo_check(struct artifact *a)
{
  const struct node *tests;
  size_t n = a->path ? strlen(a->path) : 0;

  if (!a->root) {
    if (n >= 5 && strcasecmp(a->path + n - 5, ".json") == 0)
      formats_parse_json(a);
    else
      formats_parse_yaml(a);
  }
  a->facts.header = true;
  tests = node_get(a->root, "tests");
  if (tests && tests->kind == NODE_SEQ)
    a->facts.tests = tests->count;
  else if (tests)
    a->facts.tests = 1;
  a->facts.assertions = a->facts.tests > 0;
}
