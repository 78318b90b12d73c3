/*
 * What can be typed at the cursor: a variable inside a template tag, a key
 * of the header (with the documentation of each), or one of the values a
 * key allows. Decided from the text around the cursor, so that it works
 * while the line being typed does not parse yet.
 */
#ifndef FACET_COMPLETE_H
#define FACET_COMPLETE_H

#include <stdint.h>

#include "source.h"

struct artifact;
struct node;
struct shape;
struct shape_field;

enum complete_kind {
  COMPLETE_NONE,
  COMPLETE_VARIABLE,  /* inside {{ }}, {% %}, ${input:}, {...} */
  COMPLETE_KEY,       /* a key of the mapping shape describes */
  COMPLETE_VALUE,     /* a value of field */
};

struct complete_ctx {
  enum complete_kind kind;
  struct span prefix;               /* what is typed of the word so far */
  const struct shape *shape;        /* COMPLETE_KEY */
  const struct shape_field *field;  /* COMPLETE_VALUE */
  const struct node *map;           /* keys already there, or NULL */
};

/* Decides what may be typed at byte offset off of a. */
void complete_at(const struct artifact *a, uint32_t off,
                 struct complete_ctx *out);

#endif
