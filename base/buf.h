/*
 * A growable byte buffer with a hard maximum.
 *
 * Invariants: data is NULL or points to cap bytes; len < cap whenever data
 * is not NULL, and data[len] is always '\0', so the contents can be used as
 * a C string. Growing past max fails with FACET_ELIMIT and leaves the buffer
 * unchanged: a limit is an error, never a crash. err keeps the first
 * failure until the buffer is emptied, so a writer that makes text in many
 * appends can check once, at the end, that none was lost.
 */
#ifndef FACET_BASE_BUF_H
#define FACET_BASE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
  char *data;
  size_t len;
  size_t cap;
  size_t max;
  int err;      /* the first append that failed since the buffer was
                   last empty: FACET_ELIMIT or FACET_ENOMEM; 0 if none */
};

/* Sets up an empty buffer that may hold at most max bytes. No allocation. */
void buf_init(struct buf *self, size_t max);

/* Frees the contents; the buffer may be used again after buf_init. */
void buf_release(struct buf *self);

/* Makes room for n more bytes. Returns 0, FACET_ENOMEM or FACET_ELIMIT. */
int buf_reserve(struct buf *self, size_t n);

/* Appends n bytes copied from p. */
int buf_append(struct buf *self, const void *p, size_t n);

/* Appends a NUL-terminated string. */
int buf_puts(struct buf *self, const char *s);

/* Appends one byte. Inline: parsers call it for every byte they keep,
 * and the common case (room already there) is two stores. */
static inline int
buf_putc(struct buf *self, char c)
{
  if (self->data && self->len + 1 < self->cap && self->len < self->max) {
    self->data[self->len++] = c;
    self->data[self->len] = '\0';
    return 0;
  }
  return buf_append(self, &c, 1);
}

/* Appends formatted text. */
int buf_printf(struct buf *self, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *self, const char *fmt, va_list ap);

/* Drops the first n bytes (n <= len), keeping the rest. */
void buf_consume(struct buf *self, size_t n);

/* Empties the buffer, keeping its memory (and forgets err). */
void buf_clear(struct buf *self);

/*
 * Hands the contents to the caller, who frees them with free(); the buffer
 * is left empty. Returns a valid empty string if nothing was appended, or
 * NULL if that allocation fails.
 */
char *buf_detach(struct buf *self);

#endif
