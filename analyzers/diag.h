/*
 * Diagnostics: what every analyzer reports, in one shape. A diagnostic's
 * range is a byte span into the analysed source; its message is owned by the
 * arena of the list it was added to.
 */
#ifndef FACET_DIAG_H
#define FACET_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "source.h"

struct arena;

/* Numbered as in LSP, so the server passes them through unchanged. */
enum severity {
  SEVERITY_ERROR = 1,
  SEVERITY_WARNING = 2,
  SEVERITY_INFO = 3,
  SEVERITY_HINT = 4,
};

enum diag_code {
#define DIAG(id, name, severity, summary) DIAG_##id,
#include "diag_codes.def"
#undef DIAG
  DIAG__COUNT
};

struct diag_code_info {
  const char *name;
  enum severity severity;
  const char *summary;
};

struct diagnostic {
  struct span span;
  enum diag_code code;
  enum severity severity;
  const char *message;
  const char *replacement; /* a mechanical fix for span's text, or NULL */
};

/*
 * A pathological file can produce a diagnostic per line; past this many an
 * editor's problem list is useless and memory grows for nothing.
 */
#define DIAG_LIST_MAX 1000

struct diag_list {
  struct diagnostic *items;  /* owned, grown with realloc */
  size_t count;
  size_t cap;
  struct arena *arena;       /* borrowed; owns every message */
};

/* The row of the code table for code (never NULL for a valid code). */
const struct diag_code_info *diag_code_info(enum diag_code code);

/* The code whose stable name is name, or -1. */
int diag_code_by_name(const char *name);

/* Sets up an empty list whose messages live in arena. No allocation. */
void diag_list_init(struct diag_list *self, struct arena *arena);

/* Frees the items array (messages go with their arena). */
void diag_list_release(struct diag_list *self);

/*
 * Adds a diagnostic with the code's default severity and a formatted
 * message. Returns the new diagnostic (valid until the next add), or NULL
 * when out of memory or past the list's limit; analysis goes on either way.
 */
struct diagnostic *diag_add(struct diag_list *self, enum diag_code code,
                            struct span span, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

/* Sorts by start offset, then code, keeping the order of equal ones. */
void diag_list_sort(struct diag_list *self);

#endif
