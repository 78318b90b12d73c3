/*
 * The tree-sitter grammars facet compiles in (JSON, YAML, Markdown), and the
 * builders that turn their error-tolerant syntax trees into facet's node
 * tree or outline.
 */
#ifndef FACET_TS_TREE_H
#define FACET_TS_TREE_H

#include <stdint.h>

#include "source.h"

struct arena;
struct buf;
struct diag_list;
struct node;

enum ts_grammar {
  TS_GRAMMAR_JSON,
  TS_GRAMMAR_YAML,
  TS_GRAMMAR_MARKDOWN,
  TS_GRAMMAR__COUNT,
};

/* The grammar's name, e.g. "tree-sitter-yaml". */
const char *ts_grammar_name(enum ts_grammar g);

/* The grammar's ABI version. */
uint32_t ts_grammar_abi(enum ts_grammar g);

/*
 * Checks that the linked tree-sitter library loads every grammar. Appends
 * one line per grammar it cannot load to why. Returns 0 when all load, else
 * FACET_EINVAL.
 */
int ts_grammars_check(struct buf *why);

/* The same check for one grammar's ABI version; exposed for tests. */
int ts_abi_check(const char *name, uint32_t abi, struct buf *why);

/*
 * Rebuilds the tree of the YAML in span from tree-sitter-yaml, after libyaml
 * reported a syntax error there. Parts that tree-sitter could not make sense
 * of are left out; nodes are marked NODE_PARTIAL. Returns 0 or FACET_ENOMEM.
 */
int ts_yaml_recover(struct arena *a, const struct source *src,
                    struct span span, struct diag_list *diags,
                    struct node **out);

struct md_heading {
  struct span span;   /* the whole heading line(s) */
  struct span text;   /* the heading's text, markers excluded */
  uint8_t level;      /* 1 to 6 */
};

/* Where a Markdown body keeps literal text and where its sections begin. */
struct md_outline {
  struct span *literals;      /* fenced and indented code blocks, HTML blocks */
  uint32_t nliterals;
  struct md_heading *headings;
  uint32_t nheadings;
};

/* Outlines the Markdown in span; arrays live in the arena. */
int markdown_outline(struct arena *a, const struct source *src,
                     struct span span, struct md_outline *out);

#endif
