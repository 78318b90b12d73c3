/*
 * The structure of an artifact for an editor's outline and folds: the
 * header's keys, the prompt's role blocks or messages, Markdown headings
 * and template variables; and the line ranges that fold.
 */
#ifndef FACET_OUTLINE_H
#define FACET_OUTLINE_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct arena;
struct artifact;

enum outline_kind {
  OUTLINE_HEADER,     /* the frontmatter as a whole */
  OUTLINE_KEY,        /* a key of the header or document */
  OUTLINE_ROLE,       /* a role block: system:, {{role "user"}}, message */
  OUTLINE_HEADING,    /* a Markdown heading */
  OUTLINE_VARIABLE,   /* a variable the template reads */
};

struct outline_item {
  enum outline_kind kind;
  const char *name;   /* in the arena given to outline_build */
  struct span range;  /* all of it */
  struct span select; /* what to highlight: its name */
  int parent;         /* index of the enclosing item, or -1 */
};

struct outline_fold {
  uint32_t start_line;  /* 0-based, inclusive */
  uint32_t end_line;
};

struct outline {
  struct outline_item *items;  /* owned */
  size_t count;
  size_t cap;
  struct outline_fold *folds;  /* owned */
  size_t nfolds;
  size_t cap_folds;
};

/*
 * Builds the outline and folds of a; names live in arena (which must
 * outlive the outline). Returns 0 or FACET_ENOMEM.
 */
int outline_build(const struct artifact *a, struct arena *arena,
                  struct outline *out);

void outline_release(struct outline *self);

#endif
