/*
 * What can be typed at the cursor: a variable inside a template tag, a key
 * of the header (with the documentation of each), or one of the values a
 * key allows. Decided from the text around the cursor, so that it works
 * while the line being typed does not parse yet.
 */
#ifndef FACET_COMPLETE_H
#define FACET_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>
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

/* Keys of the cursor's mapping kept to leave out of COMPLETE_KEY. */
#define COMPLETE_KEYS_MAX 64

struct complete_ctx {
  enum complete_kind kind;
  struct span prefix;               /* what is typed of the word so far */
  const struct shape *shape;        /* COMPLETE_KEY */
  const struct shape_field *field;  /* COMPLETE_VALUE */
  struct span keys[COMPLETE_KEYS_MAX]; /* COMPLETE_KEY: the keys its */
  uint32_t nkeys;                   /* mapping has on other lines */
};

/* Decides what may be typed at byte offset off of a. */
void complete_at(const struct artifact *a, uint32_t off,
                 struct complete_ctx *out);

/* Whether the mapping a key is typed in has key name already (on
 * another line than the cursor's): it is not offered again. */
bool complete_has_key(const struct artifact *a, const struct complete_ctx *c,
                      const char *name);

/* Whether the template's variable var is read only by the word being
 * typed (a half-typed name): it is not offered as its own completion. */
bool complete_typed_only(const struct artifact *a,
                         const struct complete_ctx *c, size_t var);

#endif
