/*
 * What the schema files share (schema*.c) and nothing else: the table of
 * JSON Schema keywords, the walk over a schema written as a node tree, the
 * edits that insert into YAML and JSON, and the provider rules.
 */
#ifndef FACET_SCHEMA_INTERNAL_H
#define FACET_SCHEMA_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "schema.h"
#include "source.h"

struct artifact;
struct buf;
struct diag_list;
struct node;

/* One schema object met by the walk. */
struct schema_visit {
  const struct node *schema;    /* the schema (a map, or a boolean) */
  const struct node *key;       /* the key that names it in its parent, or
                                   NULL (the root, an array item) */
  const struct node *parent;    /* the schema object holding it, or NULL */
  const char *keyword;          /* the parent's keyword it is under */
  const char *pointer;          /* JSON pointer from the root; valid during
                                   the callback only */
  uint32_t depth;               /* schemas above it */
};

/* Return false to skip what is under v. */
typedef bool (*schema_visit_fn)(const struct schema_visit *v, void *ctx);

/*
 * Visits root and every subschema under it, parents first, following
 * keywords only (a property named "items" is not a keyword), up to
 * TREE_DEPTH_MAX deep.
 */
void schema_walk(const struct node *root, schema_visit_fn fn, void *ctx);

/* Whether the schema object n says it is an object schema: type object
 * (alone or among others), or properties without a type. */
bool schema_is_object(const struct node *n);

/* The span of n's text, without its quotes when it is a quoted scalar. */
struct span schema_inner_span(const struct artifact *a, const struct node *n);

/*
 * Edits that add to a map or a list as the text is written: a JSON object,
 * a YAML flow or block mapping. The new text follows the neighbours'
 * indentation and quoting. value is the value's text as written (JSON,
 * which YAML reads too). Each fills *at and *text (in a's arena) and
 * returns 0, or FACET_ENOMEM.
 */
int schema_edit_add_member(struct artifact *a, const struct node *map,
                           bool json, const char *key, const char *value,
                           struct span *at, const char **text);
int schema_edit_add_item(struct artifact *a, const struct node *seq,
                         bool json, const char *value, struct span *at,
                         const char **text);

/* Appends s as a JSON string (quoted, escaped) to out. */
int schema_json_string(struct buf *out, const char *s);

/* A name as YAML or JSON writes it: JSON always quotes, YAML only when it
 * has to. In a's arena. */
const char *schema_quote_name(struct artifact *a, const char *name,
                              bool json);

/* The provider's rules over the schema at root (schema_provider.c). */
void schema_provider_check(struct artifact *a, const struct node *root,
                           enum schema_provider provider, unsigned flags);

#endif
