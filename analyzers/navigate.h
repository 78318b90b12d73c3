/*
 * What is under the cursor, and everywhere else it is: the variables a
 * prompt's template reads and the inputs its header declares, for hover,
 * go to definition, find references and rename.
 */
#ifndef FACET_NAVIGATE_H
#define FACET_NAVIGATE_H

#include <stdbool.h>
#include <stddef.h>

#include "source.h"

struct artifact;
struct input_decl;
struct template_var;

struct nav_target {
  const char *name;               /* the variable or input's name */
  struct span span;               /* the name under the cursor */
  const struct input_decl *decl;  /* its declaration, or NULL */
  const struct template_var *var; /* what the template reads, or NULL */
};

/*
 * Finds the variable or input named at byte offset off of a (a cursor
 * just past a name's end counts). Returns false when there is none.
 */
bool navigate_at(const struct artifact *a, uint32_t off,
                 struct nav_target *out);

/*
 * Calls fn with every span that names name: the header's declaration
 * sites (when with_decl), then the template's reads. In text order within
 * each group.
 */
void navigate_each(const struct artifact *a, const char *name, bool with_decl,
                   void (*fn)(struct span span, bool decl, void *ctx),
                   void *ctx);

/* Whether name is a valid name for an input (a template identifier). */
bool navigate_valid_name(const char *name);

/*
 * Whether renaming the variable old of a to name must be refused although
 * name is valid: name is a keyword or helper of a's template language, a
 * name its template binds itself, or a variable or input a already has
 * (the rename would merge two variables into one). Writes why into why.
 */
bool navigate_rename_refused(const struct artifact *a, const char *old,
                             const char *name, char *why, size_t size);

/* What the word at off of a is when it is a keyword or helper of a's
 * template language ("a Jinja keyword"), or NULL. Sets *word to it. */
const char *navigate_reserved_at(const struct artifact *a, uint32_t off,
                                 char *word, size_t size);

#endif
