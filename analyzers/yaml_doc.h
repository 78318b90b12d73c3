/*
 * A whole YAML document as parsed, kept with the artifact made from it so
 * that the next analysis of the same document, after an edit, can re-parse
 * only what the edit touched: the smallest block-sequence item around it
 * (a test of a promptfoo config, an evaluator, a message). The rest of the
 * tree is copied with its spans moved, and the result is the tree a full
 * parse of the new text gives, node for node and finding for finding.
 */
#ifndef FACET_YAML_DOC_H
#define FACET_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "source.h"

struct arena;
struct node;

struct yaml_doc {
  struct node *root;          /* the document's tree (NULL when empty) */
  struct diagnostic *diags;   /* the parser's own findings (repeated keys),
                                 in the arena with the tree */
  size_t ndiags;
  struct node **anchored;     /* nodes that carry an &anchor */
  size_t nanchored;
  bool reusable;              /* no syntax error, no %directive: a later
                                 parse may start from this one */
  bool reused;                /* made by yaml_reparse from an earlier one */
};

/*
 * Parses the whole of src (its BOM excluded) as yaml_parse does, into
 * *out, adding the parser's findings to diags, and sets *doc to what a
 * later yaml_reparse needs (in arena a; NULL when memory ran out). Returns
 * 0 or FACET_ENOMEM.
 */
int yaml_parse_doc(struct arena *a, const struct source *src,
                   struct diag_list *diags, struct node **out,
                   struct yaml_doc **doc);

/*
 * Parses src, which differs from prev_src (the text prev was parsed from;
 * both borrowed) by change, starting from prev: when the change lies
 * inside one block-sequence item, only that item is parsed again. On
 * success sets *out and *doc as yaml_parse_doc does, adds the parser's
 * findings to diags, and returns 0. Returns 1, having added nothing to
 * diags (the arena may hold an abandoned attempt), when the change cannot
 * be handled so: a full parse is needed. FACET_ENOMEM when memory ran
 * out.
 */
int yaml_reparse(struct arena *a, const struct source *src,
                 const struct yaml_doc *prev, const struct source *prev_src,
                 struct text_change change, struct diag_list *diags,
                 struct node **out, struct yaml_doc **doc);

/*
 * For yaml_reparse: parses region of src, which must be exactly one item
 * of a block sequence (the "- " at the region's start and all it holds)
 * with no anchor, alias or %directive, nested under depth collections.
 * Sets *item and adds its repeated-key findings to diags. Returns 0, 1
 * when the region is anything else or has a syntax error (diags then
 * holds nothing new), or FACET_ENOMEM.
 */
int yaml_parse_item(struct arena *a, const struct source *src,
                    struct span region, int depth, struct diag_list *diags,
                    struct node **item);

#endif
