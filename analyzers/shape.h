/*
 * Declarative descriptions of what a format's YAML or JSON may hold, and one
 * checker for all of them: unknown keys (with the nearest known key as a
 * suggestion), values of the wrong type, values outside a fixed set, and
 * missing required keys. The same tables document each key, so hover and
 * completion can read them too.
 */
#ifndef FACET_SHAPE_H
#define FACET_SHAPE_H

#include <stdbool.h>

#include "source.h"

struct diag_list;
struct node;

/* The node types a field accepts, as a bit set. */
enum shape_type {
  SHAPE_STRING = 1 << 0,  /* any scalar but null: loaders stringify them */
  SHAPE_INT = 1 << 1,
  SHAPE_NUMBER = 1 << 2,  /* an integer or a float */
  SHAPE_BOOL = 1 << 3,
  SHAPE_MAP = 1 << 4,
  SHAPE_SEQ = 1 << 5,
  SHAPE_TEXT = 1 << 6,    /* a scalar that must be a string, not 3 or true */
  SHAPE_ANY = 0x7f,
};

enum shape_field_flag {
  SHAPE_REQUIRED = 1 << 0,
  SHAPE_VALUES_OPEN = 1 << 1,  /* values lists common choices, not all */
  /*
   * Not a key of this mapping but a common mistake for one elsewhere: it is
   * reported as an unknown key whose message ends with doc (which says
   * where the key belongs), with values[0], if set, as the key to rename it
   * to. Its value is still checked against map and items.
   */
  SHAPE_MISPLACED = 1 << 2,
  /* With SHAPE_VALUES_OPEN: others may exist (a plugin's), but a value
   * near a listed one is more likely its typo, and gets a warning. */
  SHAPE_VALUES_NEAR = 1 << 3,
};

struct shape;

struct shape_field {
  const char *name;
  unsigned types;                 /* enum shape_type bits */
  const char *doc;                /* one sentence for hover and completion */
  const struct shape *map;        /* what a mapping value holds */
  const struct shape *items;      /* what each mapping item of a list holds */
  const char *const *values;      /* allowed strings, NULL-terminated */
  unsigned flags;                 /* enum shape_field_flag bits */
};

enum shape_flag {
  SHAPE_OPEN = 1 << 0,     /* unknown keys are allowed and not reported */
  SHAPE_DOTTED = 1 << 1,   /* keys with a '.' are namespaced extensions */
};

struct shape {
  const char *what;                 /* "Prompty frontmatter", for messages */
  const struct shape_field *fields; /* ends with a field whose name is NULL */
  unsigned flags;                   /* enum shape_flag bits */
  /* For mappings keyed by user names (such as inputs): each value's shape. */
  const struct shape *entries;
  unsigned entry_types;
};

/*
 * Checks map against shape and adds diagnostics. at is where to report a
 * missing required key when the map itself has no span worth showing (the
 * key that holds the map, or the frontmatter's opening delimiter).
 */
void shape_check(const struct shape *shape, const struct node *map,
                 struct span at, struct diag_list *diags);

/* Checks one value against a field's description. */
void shape_check_value(const struct shape_field *field,
                       const struct node *value, struct diag_list *diags);

/* The field of shape named name, or NULL. */
const struct shape_field *shape_field(const struct shape *shape,
                                      const char *name);

/*
 * The known name closest to name among the fields of shape (or the
 * NULL-terminated list names when shape is NULL), if close enough to be a
 * likely typo; else NULL.
 */
const char *shape_suggest(const struct shape *shape,
                          const char *const *names, const char *name);

/*
 * The optimal string alignment distance between a and b, ignoring case and
 * '-' versus '_'; names longer than 64 bytes are 64 apart from anything.
 */
int shape_distance(const char *a, const char *b);

/* Describes a type set for messages: "a string or a list". */
const char *shape_type_text(unsigned types);

#endif
