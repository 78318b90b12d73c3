/*
 * A document's text as the analyzers see it: valid UTF-8 (callers sanitize
 * on the way in) with an index of where each line starts. Every position an
 * analyzer reports is a byte offset into this text; converting to line and
 * column happens only where a person or a protocol needs it.
 */
#ifndef FACET_SOURCE_H
#define FACET_SOURCE_H

#include <stddef.h>
#include <stdint.h>

/* A half-open byte range [start, end) into a source's text. */
struct span {
  uint32_t start;
  uint32_t end;
};

static inline struct span
span_make(uint32_t start, uint32_t end)
{
  struct span s = { start, end };
  return s;
}

struct source {
  const char *text;      /* borrowed; outlives the source */
  uint32_t len;
  uint32_t bom;          /* 3 when text starts with a UTF-8 BOM, else 0 */
  uint32_t *line_starts; /* owned; line_starts[0] == 0 */
  uint32_t line_count;   /* at least 1 */
};

/*
 * Indexes the lines of text (len bytes, borrowed, must outlive self). Lines
 * end at "\n", "\r\n" or a lone "\r", as in LSP. Returns 0 or FACET_ENOMEM,
 * or FACET_ELIMIT when len does not fit in 32 bits.
 */
int source_init(struct source *self, const char *text, size_t len);

/* Frees the line index; the text is not the source's to free. */
void source_release(struct source *self);

/* The 0-based line that holds byte offset (clamped to the text). */
uint32_t source_line_of(const struct source *self, uint32_t offset);

/* Byte offset where line starts; line_count for a line past the end. */
uint32_t source_line_start(const struct source *self, uint32_t line);

/* Byte offset where line's text ends, before its terminator. */
uint32_t source_line_end(const struct source *self, uint32_t line);

/*
 * 1-based line and 1-based column in characters (a BOM on the first line
 * does not count), as a compiler prints them.
 */
void source_line_col(const struct source *self, uint32_t offset,
                     uint32_t *line, uint32_t *col);

/* Byte offset of the character column col (0-based) on line, clamped. */
uint32_t source_offset_at(const struct source *self, uint32_t line,
                          uint32_t col_chars);

#endif
