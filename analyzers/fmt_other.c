/*
 * Formats facet recognises and grades but checks only lightly: plain
 * templates, LangChain, Semantic Kernel, POML, OpenAI evals registries and
 * results files.
 */
#include "formats.h"
#include "template.h"
#include "tree.h"

void
other_check(struct artifact *a)
{
  a->body = span_make(a->src.bom, a->src.len);
  switch (a->format) {
  case FORMAT_JINJA:
  case FORMAT_TEXT_PROMPT:
    template_scan(a, TEMPLATE_JINJA, a->body, NULL, 0);
    break;
  case FORMAT_MUSTACHE:
    template_scan(a, TEMPLATE_HANDLEBARS, a->body, NULL, 0);
    break;
  case FORMAT_SEMANTIC_KERNEL:
    if (!a->root)
      template_scan(a, TEMPLATE_SK, a->body, NULL, 0);
    break;
  default:
    break;
  }
}
