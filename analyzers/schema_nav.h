/*
 * Navigating the schemas an artifact holds (its schema sites): what the
 * cursor is on (a keyword, a property, a definition, a $ref), its hover,
 * where a $ref leads, which $refs lead to a schema, and what may be typed
 * at the cursor (keywords in a schema object, names in `type`).
 */
#ifndef FACET_SCHEMA_NAV_H
#define FACET_SCHEMA_NAV_H

#include <stdbool.h>
#include <stddef.h>

#include "jsonschema.h"
#include "source.h"

struct artifact;
struct node;
struct schema_site;

/* JSON pointers navigation builds are at most this long. */
#define SCHEMA_NAV_POINTER_MAX 1024

enum schema_nav_kind {
  SCHEMA_NAV_NONE,
  SCHEMA_NAV_KEYWORD,     /* a keyword of a schema object */
  SCHEMA_NAV_PROPERTY,    /* a name under properties */
  SCHEMA_NAV_DEFINITION,  /* a name under $defs or definitions */
  SCHEMA_NAV_REF,         /* the value of a $ref */
};

struct schema_nav {
  enum schema_nav_kind kind;
  const struct schema_site *site;
  struct span span;             /* what the cursor is on */
  const char *name;             /* the keyword, name, or $ref's text */
  const struct node *schema;    /* a property's or definition's schema;
                                   for a keyword or $ref, the schema that
                                   holds it */
  const struct node *parent;    /* a property's object schema */
  char pointer[SCHEMA_NAV_POINTER_MAX];  /* a property's or definition's
                                   place from the site's root */
};

/* Finds what is at byte offset off of a (a cursor just past a word
 * counts). Returns false when it is on nothing of a schema. */
bool schema_nav_at(const struct artifact *a, uint32_t off,
                   struct schema_nav *out);

/* The hover for n, as Markdown (freed with free()), or NULL. */
char *schema_nav_hover(const struct artifact *a, const struct schema_nav *n);

enum schema_target {
  SCHEMA_TARGET_NONE,     /* it leads nowhere facet can find */
  SCHEMA_TARGET_LOCAL,    /* to *span in a */
  SCHEMA_TARGET_FILE,     /* to *fragment of the document *uri */
};

/*
 * Where a $ref (n is SCHEMA_NAV_REF) leads. A local target's span is the
 * key that names it, or its schema when nothing names it. A file target's
 * uri (absolute, without fragment) and fragment (without '#', maybe
 * empty) are new strings the caller frees.
 */
enum schema_target schema_nav_target(const struct artifact *a,
                                     const struct schema_nav *n,
                                     struct span *span, char **uri,
                                     char **fragment);

/*
 * The span the fragment (a JSON pointer or an $anchor, without '#')
 * names in a, a schema document the caller has read: its key, else the
 * schema. Returns false when it names nothing.
 */
bool schema_locate(const struct artifact *a, const char *fragment,
                   struct span *out);

/*
 * Calls fn with the span of every $ref value in a's schemas that leads to
 * the schema n is about (a property or definition, or a $ref's target),
 * in text order; first, when with_decl, with the key that names it.
 */
void schema_nav_references(const struct artifact *a,
                           const struct schema_nav *n, bool with_decl,
                           void (*fn)(struct span span, void *ctx),
                           void *ctx);

enum schema_complete_kind {
  SCHEMA_COMPLETE_NONE,
  SCHEMA_COMPLETE_KEYWORD,  /* a key of a schema object */
  SCHEMA_COMPLETE_TYPE,     /* a name in `type` */
};

struct schema_complete {
  enum schema_complete_kind kind;
  struct span prefix;           /* what is typed of the word so far */
  bool json;                    /* the schema is written as JSON */
  bool quoted;                  /* a quote opens the word */
  const struct node *schema;    /* the schema object (its keys are
                                   there already), or NULL */
  bool root;                    /* schema is the root: $schema goes here */
  enum js_draft draft;          /* as the root's $schema says; DEFAULT
                                   without one */
};

/* Decides whether a keyword or a type name may be typed at off. */
bool schema_complete_at(const struct artifact *a, uint32_t off,
                        struct schema_complete *out);

#endif
