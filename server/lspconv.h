/*
 * Between analyzers' byte offsets and the client's positions: the one place
 * where spans become LSP ranges in the negotiated encoding, and where
 * artifacts become diagnostics, hovers and code lenses.
 */
#ifndef FACET_LSPCONV_H
#define FACET_LSPCONV_H

#include <stdint.h>

#include "position.h"
#include "diag.h"
#include "source.h"

struct artifact;
struct json_object;

/* {line, character} for byte offset off of src. New reference. */
struct json_object *lspconv_position(const struct source *src, uint32_t off,
                                     enum position_encoding enc);

/* {start, end} for span of src. New reference. */
struct json_object *lspconv_range(const struct source *src, struct span span,
                                  enum position_encoding enc);

/*
 * The byte offset of the LSP position (line, character) in src, clamped to
 * the text as LSP asks. Returns 0 or FACET_EINVAL for negative numbers.
 */
int lspconv_offset(const struct source *src, int64_t line, int64_t character,
                   enum position_encoding enc, uint32_t *off);

/* Reads {line, character} from a borrowed JSON position. */
int lspconv_read_position(struct json_object *pos, int64_t *line,
                          int64_t *character);

/* One Diagnostic for d, a finding in src. New reference. */
struct json_object *lspconv_diagnostic(const struct source *src,
                                       const struct diagnostic *d,
                                       enum position_encoding enc);

struct buf;

/* The same Diagnostic as JSON text, appended to out: byte for byte what
 * json-c writes of lspconv_diagnostic's object (JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE), without the objects. */
void lspconv_diagnostic_text(struct buf *out, const struct source *src,
                             const struct diagnostic *d,
                             enum position_encoding enc);

/* The Diagnostic[] for a's findings. New reference. */
struct json_object *lspconv_diagnostics(const struct artifact *a,
                                        enum position_encoding enc);

/* The Hover for byte offset off in a, or NULL when there is nothing to
 * show there. extra (may be NULL) is Markdown the grade's hover adds
 * before its next step. New reference. */
struct json_object *lspconv_hover(const struct artifact *a, uint32_t off,
                                  enum position_encoding enc,
                                  const char *extra);

/* The CodeLens[] for a. uri is borrowed. New reference. */
struct json_object *lspconv_code_lenses(const struct artifact *a,
                                        const char *uri,
                                        enum position_encoding enc);

/*
 * The CodeAction[] quick fixes for a's findings that carry a fix and
 * overlap span: each makes the finding's edits, or replaces its text with
 * its replacement. New reference.
 */
struct json_object *lspconv_quick_fixes(const struct artifact *a,
                                        const char *uri, struct span span,
                                        enum position_encoding enc);

/* The grade as one line, "grade: schema · next: add an eval", into out. */
void lspconv_grade_line(const struct artifact *a, char *out, size_t size);

/* The grade in full, for a message: kind, grade, reasons, next step;
 * extra (may be NULL) comes before the next step. */
char *lspconv_grade_text(const struct artifact *a, int markdown,
                         const char *extra);

#endif
