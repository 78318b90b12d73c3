/*
 * The value tree of a YAML or JSON document (or of a frontmatter block),
 * with the byte span of every node, so that checks can point at the exact
 * key or value at fault. Nodes live in the arena of the analysis that built
 * them and are never freed one by one.
 */
#ifndef FACET_TREE_H
#define FACET_TREE_H

#include <stdbool.h>
#include <stdint.h>

#include "source.h"

struct arena;
struct diag_list;
struct json_object;

enum node_kind {
  NODE_SCALAR,
  NODE_MAP,
  NODE_SEQ,
  NODE_ALIAS,   /* a YAML alias: target is the anchored node, not a copy */
};

/* Scalars are resolved as YAML 1.2's core schema (and JSON) resolve them. */
enum scalar_type {
  SCALAR_STRING,
  SCALAR_INT,
  SCALAR_FLOAT,
  SCALAR_BOOL,
  SCALAR_NULL,
};

enum node_flag {
  NODE_QUOTED = 1 << 0,   /* a quoted scalar: never a number or boolean */
  NODE_BLOCK = 1 << 1,    /* a literal or folded block scalar */
  NODE_FLOW = 1 << 2,     /* a flow ({...} or [...]) collection */
  NODE_PARTIAL = 1 << 3,  /* rebuilt around a syntax error: may lack parts */
};

struct node {
  uint8_t kind;           /* enum node_kind */
  uint8_t type;           /* enum scalar_type, for scalars */
  uint8_t flags;          /* enum node_flag */
  uint32_t count;         /* pairs of a map, items of a sequence */
  struct span span;       /* the whole node, key excluded */
  union {
    struct {
      const char *str;    /* decoded value, NUL-terminated */
      uint32_t len;
    } scalar;
    struct node **items;  /* seq: count items; map: key, value, key, ... */
    struct node *target;  /* alias */
  } u;
};

/* Limits every tree builder enforces; past them a diagnostic, not a crash. */
#define TREE_DEPTH_MAX 128

/*
 * Values a YAML document may expand to with its aliases followed: at least
 * YAML_EXPANSION_MIN, more for a larger document (YAML_EXPANSION_PER_BYTE
 * per byte). Real files stay far below it; a "billion laughs" (anchors
 * aliased nine times over, nine levels deep) would take every walk of the
 * tree past 10^8 values. A scalar counts one value more for each
 * YAML_EXPANSION_BYTES_PER_VALUE bytes of its text, since walks copy text.
 * An alias past the limit is cut (alias-expansion) and read as an empty
 * value.
 */
#define YAML_EXPANSION_MIN ((uint64_t)1 << 18)
#define YAML_EXPANSION_PER_BYTE 4
#define YAML_EXPANSION_BYTES_PER_VALUE 32

static inline uint64_t
yaml_expansion_limit(uint32_t bytes)
{
  uint64_t scaled = (uint64_t)bytes * YAML_EXPANSION_PER_BYTE;

  return scaled > YAML_EXPANSION_MIN ? scaled : YAML_EXPANSION_MIN;
}

/* Follows an alias to the node it names (NULL stays NULL). Builders never
 * make an alias of an alias, so one step is enough. */
static inline const struct node *
node_resolve(const struct node *n)
{
  return n && n->kind == NODE_ALIAS ? n->u.target : n;
}

/* The i-th key and value of a map. */
static inline const struct node *
node_key(const struct node *map, uint32_t i)
{
  return map->u.items[2 * i];
}

static inline const struct node *
node_value(const struct node *map, uint32_t i)
{
  return map->u.items[2 * i + 1];
}

/* The value of key in map (the last one if repeated), or NULL. */
const struct node *node_get(const struct node *map, const char *key);

/* The key node of key in map, or NULL. */
const struct node *node_get_key(const struct node *map, const char *key);

/* True if n is a scalar string (quoted or plain) equal to s. */
bool node_is_str(const struct node *n, const char *s);

/* True if n is the boolean value (true or false, in any YAML spelling). */
bool node_is_bool(const struct node *n, bool value);

/* The scalar text of n (resolved), or NULL when n is not a scalar. */
const char *node_str(const struct node *n);

/* True if n is a map with at least one key. */
bool node_is_nonempty_map(const struct node *n);

/* True if n holds something: not absent, null, "", {} or []. */
bool node_is_set(const struct node *n);

/* A short name for n's type as users see it: "string", "mapping", ... */
const char *node_type_name(const struct node *n);

/* Node constructors for tree builders; NULL when the arena is exhausted. */
struct node *node_new_scalar(struct arena *a, struct span span,
                             const char *str, uint32_t len, unsigned flags);
struct node *node_new_collection(struct arena *a, enum node_kind kind,
                                 struct span span, struct node **items,
                                 uint32_t count, unsigned flags);

/* Resolves the type of a plain (unquoted) scalar by the core schema. */
enum scalar_type scalar_resolve(const char *s, uint32_t len);

/*
 * Parses the YAML in span of src into *out (NULL for an empty document).
 * Syntax errors become diagnostics at their exact position; when libyaml
 * stops at an error, the tree is rebuilt from tree-sitter's error-tolerant
 * parse so that the rest of the file can still be checked (nodes marked
 * NODE_PARTIAL). Only the first document of a stream is used. Returns 0, or
 * FACET_ENOMEM.
 */
int yaml_parse(struct arena *a, const struct source *src, struct span span,
               struct diag_list *diags, struct node **out);

/*
 * The spans of the documents of the YAML stream in span of src, at most
 * max (the last takes the rest past that), each fit for yaml_parse; text
 * from a syntax error on is one last span. An empty stream is one span.
 * Returns how many were written (at least 1 when max is).
 */
size_t yaml_document_spans(const struct source *src, struct span span,
                           struct span *out, size_t max);

/* The same for JSON, through tree-sitter-json. */
int json_parse(struct arena *a, const struct source *src, struct span span,
               struct diag_list *diags, struct node **out);

/* Values node_to_json makes at most by default: plenty for a real
 * document, far too few for a YAML "billion laughs". */
#define NODE_JSON_BUDGET_DEFAULT ((size_t)1 << 22)

/* Nesting node_to_json follows, aliases expanded. */
#define NODE_JSON_DEPTH_MAX 256

/*
 * The value of n (borrowed) as a json-c value: a new reference the caller
 * releases with json_object_put, NULL for a JSON null. Aliases are
 * expanded; scalars take their resolved type (integers past 64 bits
 * become doubles that keep their text). Keys that are not scalars are
 * left out. Every value made spends one unit of *budget, and a conversion
 * that succeeds never spends the last one: on failure (the budget spent,
 * nesting past NODE_JSON_DEPTH_MAX, memory out) it returns NULL and sets
 * *budget to 0.
 */
struct json_object *node_to_json(const struct node *n, size_t *budget);

/*
 * The node a JSON pointer (as JSON Schema errors give them: "/a/0/b~1c")
 * names under root (borrowed), or NULL when it names nothing. For a
 * missing member, callers put their finding on the parent's span. On
 * input, *key (key may be NULL) asks for the key node of the last step
 * rather than its value; on output it says whether a key node was
 * returned (an array item or the root has none).
 */
const struct node *node_at_pointer(const struct node *root,
                                   const char *pointer, bool *key);

#endif
