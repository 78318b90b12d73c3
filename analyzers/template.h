/*
 * Prompt templates, parsed with exact ranges: every tag, every block with
 * its opening and closing tags, and every place a variable is read, for
 * each template language prompt files use. Tag mistakes an engine would
 * refuse (an unterminated tag, a block closed by the wrong tag or never
 * closed, an unknown tag or helper) are diagnostics at the exact tag;
 * text in Markdown code fences and raw blocks is not held to it.
 */
#ifndef FACET_TEMPLATE_H
#define FACET_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"

struct artifact;

enum template_dialect {
  TEMPLATE_NONE,
  TEMPLATE_JINJA,       /* Prompty, promptfoo (Nunjucks), *.j2 */
  TEMPLATE_HANDLEBARS,  /* Dotprompt: known helpers only */
  TEMPLATE_MUSTACHE,    /* Prompty mustache, LangChain mustache, *.hbs */
  TEMPLATE_LITERAL,     /* GitHub Models: {{name}} replaced as text */
  TEMPLATE_VSCODE,      /* ${input:name} in VS Code prompt files */
  TEMPLATE_FSTRING,     /* LangChain's default {name} */
  TEMPLATE_SK,          /* Semantic Kernel {{$name}} */
};

struct template_options {
  bool markdown;        /* the text is Markdown: fences hold examples */
  bool any_helper;      /* Handlebars with helpers registered in code */
  /* Names the engine fills in itself (NULL-terminated, or NULL): read,
   * but not variables the header has to declare. */
  const char *const *builtins;
};

/*
 * Parses the template text in span of a's source. Records a's vars, uses
 * and blocks, and adds diagnostics for tag mistakes. May be called for
 * several spans of one artifact (each message of a .prompt.yml); names
 * accumulate. Returns 0 or FACET_ENOMEM.
 */
int template_parse(struct artifact *a, enum template_dialect dialect,
                   struct span span, const struct template_options *opts);

/* The distinct variable name, or NULL. */
const struct template_var *template_var(const struct artifact *a,
                                        const char *name);

/* What name is in dialect's templates when no variable can have it (a
 * keyword, a helper, a literal: "a Jinja keyword"), or NULL. */
const char *template_reserved(enum template_dialect dialect,
                              const char *name);

/* Whether name is one name as Jinja (Python 3) spells it, which every
 * dialect reads whole. */
bool template_python_name(const char *name);

/* Whether the artifact's template reads name. */
bool template_uses(const struct artifact *a, const char *name);

/*
 * Finds fenced code blocks (``` or ~~~) in the Markdown text in span;
 * calls back with each block's span. A line scanner for CommonMark's
 * fences, cheap enough to run on every keystroke of a large prompt.
 */
void template_fences(const char *text, struct span span,
                     void (*fn)(struct span fence, void *ctx), void *ctx);

#endif
