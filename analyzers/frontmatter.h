/*
 * Splitting a prompt file into its YAML frontmatter and its body. Each
 * format draws the line a little differently (see docs/formats.md), so the
 * caller names the rules to follow.
 */
#ifndef FACET_FRONTMATTER_H
#define FACET_FRONTMATTER_H

#include <stdbool.h>

#include "source.h"

enum frontmatter_rules {
  /* "---" on the first line, closed by the next "---" line. */
  FRONTMATTER_MARKDOWN,
  /* Prompty: leading blank lines allowed, and blanks before the opening
   * delimiter; "---" or "+++" delimiters. */
  FRONTMATTER_PROMPTY,
  /* Dotprompt: blank and "#" comment lines may come before "---". */
  FRONTMATTER_DOTPROMPT,
};

struct frontmatter {
  bool present;       /* an opening delimiter was found */
  bool closed;        /* and a closing one */
  struct span open;   /* the opening delimiter */
  struct span yaml;   /* the text between the delimiters */
  struct span close;  /* the closing delimiter (empty when not closed) */
  struct span body;   /* everything after it: the template */
};

/* Finds the frontmatter of src under rules. Never fails. */
void frontmatter_split(const struct source *src, enum frontmatter_rules rules,
                       struct frontmatter *out);

#endif
