/*
 * A document's text as the analyzers see it: valid UTF-8 (callers sanitize
 * on the way in) with an index of where each line starts. Every position an
 * analyzer reports is a byte offset into this text; converting to line and
 * column happens only where a person or a protocol needs it.
 */
#ifndef FACET_SOURCE_H
#define FACET_SOURCE_H

#include <stdbool.h>
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

/*
 * How a text differs from an earlier one: bytes [start, old_end) of the
 * earlier text became bytes [start, new_end) of this one; the bytes before
 * start and after the two ends are the same. start == UINT32_MAX means no
 * change (text_change_none).
 */
struct text_change {
  uint32_t start;
  uint32_t old_end;
  uint32_t new_end;
};

static inline struct text_change
text_change_none(void)
{
  struct text_change c = { UINT32_MAX, 0, 0 };
  return c;
}

static inline bool
text_change_is_none(struct text_change c)
{
  return c.start == UINT32_MAX;
}

/*
 * Composes into *self (the change from an earlier text to the current one)
 * the edit that replaces bytes [start, end) of the current text with len
 * bytes, so that *self becomes the change from the earlier text to the
 * edited one.
 */
void text_change_add(struct text_change *self, uint32_t start, uint32_t end,
                     uint32_t len);

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

/*
 * The same for text that old (the index of the text before change) no
 * longer describes: lines away from the change are taken from old, so an
 * edit costs a copy of the index rather than a scan of the text.
 */
int source_init_edited(struct source *self, const char *text, size_t len,
                       const struct source *old, struct text_change change);

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
