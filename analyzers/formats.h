/*
 * The checker of each format, and the parsing steps they share. A checker
 * parses what its format holds, reports what is wrong with it, scans the
 * template, and fills in the facts the grade rests on.
 */
#ifndef FACET_FORMATS_H
#define FACET_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

#include "artifact.h"
#include "frontmatter.h"

struct shape;

/* Runs the checker for a->format. */
void formats_check(struct artifact *a);

/*
 * Splits a's frontmatter under rules and parses it into a->root, reporting
 * an unclosed block or one that is not a mapping. Sets a->body and
 * a->facts.header. Returns 0 or FACET_ENOMEM.
 */
int formats_frontmatter(struct artifact *a, enum frontmatter_rules rules);

/* Parses the whole text of a as YAML (or JSON) into a->root. */
int formats_parse_yaml(struct artifact *a);
int formats_parse_json(struct artifact *a);

/*
 * Parses the whole text of a once, whichever way its name says (.json as
 * JSON, .yaml and .yml as YAML, anything else as json_otherwise says); a
 * second call, or one after detection parsed it, does nothing.
 */
int formats_parse_document(struct artifact *a, bool json_otherwise);

/* Whether a->diags from index from on hold a YAML or JSON syntax error. */
bool formats_syntax_errors(const struct artifact *a, size_t from);

/*
 * Where a missing top-level key is reported: the frontmatter's opening
 * delimiter, else the start of the document.
 */
struct span formats_top(const struct artifact *a);

/*
 * Sets *out to where bytes [from, to) of the scalar v's decoded text are
 * written. Returns false, with *out v's whole span, when the text is not
 * written byte for byte (escapes, folded lines), so no finer span exists.
 */
bool formats_scalar_span(const struct artifact *a, const struct node *v,
                         size_t from, size_t to, struct span *out);

enum formats_declare_flag {
  DECLARE_PICOSCHEMA = 1 << 0,  /* scalar values are "type, description" */
  DECLARE_VALUES = 1 << 1,      /* values are the inputs' default values */
};

/*
 * Declares as inputs the keys of a mapping, or the items of a list (a
 * scalar item is a name; a mapping item gives its name under name_key, or
 * none when name_key is NULL),
 * with the type, description and default each gives. Picoschema's "?" and
 * "(type, description)" are stripped from keys. where says where they are
 * declared, for hovers ("inputs", "input.schema").
 */
void formats_declare(struct artifact *a, const struct node *n,
                     const char *name_key, unsigned flags,
                     const char *where);


enum formats_variables_flag {
  VARIABLES_UNDECLARED = 1 << 0,  /* report reads of undeclared names */
  VARIABLES_UNUSED = 1 << 1,      /* report declared inputs never read */
  VARIABLES_VALIDATED = 1 << 2,   /* a schema validates the defaults and
                                     samples: leave their types to it */
};

/*
 * Compares what the header declares with what the template reads, once
 * both are recorded: undeclared variables and unused inputs (as flags
 * ask), a loop over an input declared as a scalar, and defaults or
 * samples not of their input's declared type.
 */
void formats_check_variables(struct artifact *a, unsigned flags,
                             const char *where);

/* The key table of format f's header or document, or NULL if it has none
 * (for hover and completion of keys). */
const struct shape *formats_shape(enum artifact_format f);

/* The argument of Dotprompt's {{role "..."}} helper, for completion. */
extern const struct shape_field dotprompt_role_field;

/*
 * Whether the tag that starts at p of t ("{{") is Dotprompt's role helper,
 * {{role "x"}} or {{#role 'x'}}, with any blanks Handlebars allows. Sets
 * *name to the quoted name and *tag to the whole tag (through its "}}"),
 * and *next to where a scan for tags goes on (past a comment's end).
 */
bool dotprompt_role_tag(const char *t, uint32_t p, uint32_t end,
                        struct span *name, struct span *tag, uint32_t *next);

/* Each checker's tables, for formats_shape. */
extern const struct shape prompty_shape;
extern const struct shape dotprompt_shape;
extern const struct shape github_models_shape;
extern const struct shape promptfoo_shape;
const struct shape *vscode_shape(enum artifact_format format);
const struct shape *other_shape(enum artifact_format format);
const struct shape *openai_schema_shape(void);

void prompty_check(struct artifact *a);
void dotprompt_check(struct artifact *a);
void github_models_check(struct artifact *a);
void vscode_check(struct artifact *a);

/* Whether f is a Markdown file an agent reads, with a frontmatter header
 * (VS Code prompt, instructions and agent files, skills, Claude commands,
 * Cursor rules): the formats vscode_check reads. */
bool vscode_format(enum artifact_format f);
void promptfoo_check(struct artifact *a);
void promptfoo_tests_check(struct artifact *a);
void openai_samples_check(struct artifact *a);
void results_check(struct artifact *a);
void junit_check(struct artifact *a);
void json_schema_check(struct artifact *a);
void openai_schema_check(struct artifact *a);
void tool_definitions_check(struct artifact *a);
void other_check(struct artifact *a);

#endif
