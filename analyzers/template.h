/*
 * Template variables in a prompt body: which names the template reads from
 * its inputs. This is a scanner, not a parser: it finds the variables that
 * grades and declared-input checks need, and skips text that only looks
 * like a tag (Markdown code, Jinja raw blocks, comments).
 */
#ifndef FACET_TEMPLATE_H
#define FACET_TEMPLATE_H

#include "source.h"

struct artifact;

enum template_dialect {
  TEMPLATE_NONE,
  TEMPLATE_JINJA,       /* Prompty, promptfoo (Nunjucks), *.j2 */
  TEMPLATE_HANDLEBARS,  /* Dotprompt */
  TEMPLATE_MUSTACHE,    /* GitHub Models, Prompty mustache, LangChain */
  TEMPLATE_VSCODE,      /* ${input:name} in VS Code prompt files */
  TEMPLATE_FSTRING,     /* LangChain's default {name} */
  TEMPLATE_SK,          /* Semantic Kernel {{$name}} */
};

/*
 * Adds to a->vars each distinct variable that the text in span reads, at
 * its first use, skipping the byte ranges in skip (sorted, may be NULL).
 * Returns 0 or FACET_ENOMEM.
 */
int template_scan(struct artifact *a, enum template_dialect dialect,
                  struct span span, const struct span *skip, size_t nskip);

/* Whether the artifact's template reads name. */
int template_uses(const struct artifact *a, const char *name);

#endif
