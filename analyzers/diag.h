/*
 * Diagnostics: what every analyzer reports, in one shape. A diagnostic's
 * range is a byte span into the analysed source; its message is owned by the
 * arena of the list it was added to.
 */
#ifndef FACET_DIAG_H
#define FACET_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

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

/* One change a fix makes: span's text becomes text; an empty span is an
 * insertion at its offset. */
struct diag_edit {
  struct span span;
  const char *text;
};

/*
 * A mechanical fix that changes other text than the diagnostic's own span
 * (adding a missing key, say). Edits are in text order and never overlap;
 * everything lives in the arena of the diagnostic's list.
 */
struct diag_fix {
  const char *title;         /* what the editor offers, e.g. "Add ..." */
  struct diag_edit *edits;
  uint32_t count;
};

struct diagnostic {
  struct span span;
  enum diag_code code;
  enum severity severity;
  const char *message;
  /* A mechanical fix for span's text, or NULL. When span holds a quoted
   * scalar, the replacement is of the text inside the quotes. */
  const char *replacement;
  const struct diag_fix *fix; /* any other fix, or NULL */
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

/*
 * Gives d (just added to self) a fix titled by fmt, with one edit: span's
 * text becomes text (copied). Returns the fix, for diag_fix_add, or NULL
 * when out of memory (d then has no fix).
 */
struct diag_fix *diag_set_fix(struct diag_list *self, struct diagnostic *d,
                              struct span span, const char *text,
                              const char *fmt, ...)
  __attribute__((format(printf, 5, 6)));

/* Adds one more edit (text copied) to fix, after its others. Returns 0 or
 * FACET_ENOMEM. */
int diag_fix_add(struct diag_list *self, struct diag_fix *fix,
                 struct span span, const char *text);

/* Sorts by start offset, then code, keeping the order of equal ones. */
void diag_list_sort(struct diag_list *self);

#endif
