/* JSON Schema files and OpenAI structured-output wrappers. */
#include <string.h>
#include <strings.h>

#include "formats.h"
#include "shape.h"
#include "tree.h"

static void
schema__parse(struct artifact *a)
{
  size_t n = a->path ? strlen(a->path) : 0;

  if (a->root)
    return;
  if (n >= 5 && (strcasecmp(a->path + n - 5, ".yaml") == 0 ||
                 strcasecmp(a->path + n - 4, ".yml") == 0))
    formats_parse_yaml(a);
  else
    formats_parse_json(a);
}

void
json_schema_check(struct artifact *a)
{
  schema__parse(a);
}

void
openai_schema_check(struct artifact *a)
{
  schema__parse(a);
}
