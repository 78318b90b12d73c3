/*
 * JSON Schemas inside artifacts: a schema file, an OpenAI wrapper's schema,
 * and the schemas Dotprompt, GitHub Models and promptfoo files carry. Each
 * is checked where it is written (the validator's problems with it, at the
 * keyword at fault, and the rules of the model provider it is meant for)
 * and kept as a site of its artifact: instances the artifact holds are
 * validated against it, and hover, definition, references and completion
 * read it (schema_nav.c).
 */
#ifndef FACET_SCHEMA_H
#define FACET_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "jsonschema.h"
#include "source.h"

struct artifact;
struct js_schema;
struct json_object;
struct node;

/* The model provider whose documented schema subset a schema must keep
 * to (docs/jsonschema.md cites each). */
enum schema_provider {
  SCHEMA_PROVIDER_NONE,       /* plain JSON Schema */
  SCHEMA_PROVIDER_OPENAI,     /* OpenAI structured outputs, strict */
  SCHEMA_PROVIDER_GEMINI,     /* Gemini response schemas */
  SCHEMA_PROVIDER_ANTHROPIC,  /* Claude strict tool use and JSON outputs */
  SCHEMA_PROVIDER__COUNT
};

/* "none", "openai", "gemini", "anthropic"; and the other way, or -1. */
const char *schema_provider_name(enum schema_provider p);
int schema_provider_by_name(const char *name);

/* Its name as users read it: "OpenAI strict mode", ... */
const char *schema_provider_title(enum schema_provider p);

/* The JSON Schema keywords facet knows (schema_keywords.c). */

/* What a keyword's value holds, for the walk. */
enum schema_value {
  SCHEMA_VALUE_PLAIN,       /* a value, not a schema */
  SCHEMA_VALUE_ONE,         /* one schema */
  SCHEMA_VALUE_LIST,        /* an array of schemas */
  SCHEMA_VALUE_MAP,         /* an object of names to schemas */
  SCHEMA_VALUE_ITEMS,       /* one schema, or (before 2020-12) an array */
  SCHEMA_VALUE_DEPENDENCIES,/* names to a schema or to an array of names */
};

/* Whether a provider takes a keyword. */
enum schema_support {
  SCHEMA_TAKES,             /* documented as supported, or an annotation */
  SCHEMA_UNLISTED,          /* not among what the provider documents */
  SCHEMA_REJECTS,           /* documented (or seen) to be refused */
};

struct schema_keyword {
  const char *name;
  uint8_t value;            /* enum schema_value */
  bool annotation;          /* says, does not constrain */
  uint8_t support[SCHEMA_PROVIDER__COUNT];  /* enum schema_support */
  const char *applies;      /* "strings", "any instance", ... */
  const char *doc;          /* what it means, for hover and completion */
};

/* The keyword named name (of any draft), or NULL. */
const struct schema_keyword *schema_keyword(const char *name);

/* Whether the keyword name is one of draft's (every keyword is one of
 * JS_DRAFT_DEFAULT's). */
bool schema_keyword_in_draft(const char *name, enum js_draft draft);

/* Every keyword, in the table's order. */
const struct schema_keyword *schema_keywords(size_t *count);

/*
 * Reads the files $refs name; the caller (server/) supplies it, so that
 * analysis does no I/O of its own. It may run on any thread.
 */
struct schema_files {
  /*
   * Reads the file the file: URI uri names into *text (malloc'd, freed by
   * the caller) and *len. Returns 0, or a negative facet_error code after
   * writing why (a lower-case phrase, at most size bytes with its NUL).
   */
  int (*read)(void *ctx, const char *uri, char **text, size_t *len,
              char *why, size_t size);
  void *ctx;
};

enum schema_flag {
  SCHEMA_JSON = 1 << 0,         /* written as JSON: edits quote keys */
  SCHEMA_INEXACT = 1 << 1,      /* read from a decoded string, so every
                                   span is the string's: no edits */
  SCHEMA_UNCHECKED = 1 << 2,    /* the text does not parse: kept for
                                   navigation and completion only */
  SCHEMA_PICOSCHEMA = 1 << 3,   /* a Dotprompt schema in JSON Schema form,
                                   where Picoschema's "string" shorthand
                                   is a likely slip */
};

/* A schema an artifact holds. */
struct schema_site {
  const struct node *root;      /* where it is written; NULL when it was
                                   made from another notation (Picoschema) */
  const char *where;            /* for messages: "jsonSchema", ... */
  enum schema_provider provider;
  unsigned flags;               /* enum schema_flag */
  struct js_schema *compiled;   /* owned by the artifact, for analysis
                                   only: NULL once it is done
                                   (schema_sites_compact), or when
                                   compilation failed (out of memory) */
};

/*
 * Checks the schema written at root (a node of a's tree, or of a tree in
 * a's arena): the validator's problems with it, keywords that look
 * misspelt, and provider's rules, each at the key or value at fault. Then
 * records it as a site. where names it for messages. Returns the site
 * (valid until the next is added) or NULL when out of memory.
 */
const struct schema_site *schema_add(struct artifact *a,
                                     const struct node *root,
                                     const char *where,
                                     enum schema_provider provider,
                                     unsigned flags);

/*
 * Records a schema that has no text of its own in a (json borrowed: made
 * from Picoschema, say), for validating instances only. Its problems are
 * not reported: they belong to the notation it was made from.
 */
const struct schema_site *schema_add_json(struct artifact *a,
                                          struct json_object *json,
                                          const char *where);

/*
 * Validates instance (a node of a's tree, or of a tree in a's arena)
 * against site; each error becomes a schema-violation at the value at
 * fault, "<what>: <the validator's message>" when what is set. Errors
 * about the instance as a whole go on key, the key that names it, when
 * it is not NULL. Returns whether the instance is valid.
 */
bool schema_validate(struct artifact *a, const struct schema_site *site,
                     const struct node *instance, const struct node *key,
                     const char *what);

/* Frees what the sites of a own (called by artifact_free). */
void schema_sites_release(struct artifact *a);

/*
 * Frees the sites' compiled schemas once analysis no longer validates with
 * them; the sites stay, for navigation. A document stays open for long,
 * and a compiled schema holds its JSON, many times the size of its text.
 */
void schema_sites_compact(struct artifact *a);

/*
 * Parses the JSON that a scalar's value holds (a jsonSchema string, an
 * expected output) into a tree in a's arena with spans in a's text. A
 * literal block scalar is read in place, so spans are exact; any other
 * scalar is read from its decoded value, and then every span is the
 * scalar's own. Syntax errors are not reported (the caller has its own
 * words for them). Returns the root, or NULL.
 */
const struct node *schema_parse_embedded(struct artifact *a,
                                         const struct node *scalar,
                                         bool *exact);

#endif
