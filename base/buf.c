#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

void
buf_init(struct buf *self, size_t max)
{
  self->data = NULL;
  self->len = 0;
  self->cap = 0;
  self->max = max;
  self->err = 0;
}

void
buf_release(struct buf *self)
{
  free(self->data);
  buf_init(self, self->max);
}

static int
buf__fail(struct buf *self, int err)
{
  if (!self->err)
    self->err = err;
  return err;
}

int
buf_reserve(struct buf *self, size_t n)
{
  size_t need;
  size_t cap;
  char *data;

  if (n > self->max || self->len > self->max - n)
    return buf__fail(self, FACET_ELIMIT);
  need = self->len + n + 1;
  if (need <= self->cap)
    return 0;

  cap = self->cap ? self->cap : 64;
  while (cap < need)
    cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
  if (cap > self->max + 1)
    cap = self->max + 1;
  data = realloc(self->data, cap);
  if (!data)
    return buf__fail(self, FACET_ENOMEM);

  self->data = data;
  self->cap = cap;
  self->data[self->len] = '\0';
  return 0;
}

int
buf_append(struct buf *self, const void *p, size_t n)
{
  int rc = buf_reserve(self, n);

  if (rc)
    return rc;
  if (n)
    memcpy(self->data + self->len, p, n);
  self->len += n;
  self->data[self->len] = '\0';
  return 0;
}

int
buf_puts(struct buf *self, const char *s)
{
  return buf_append(self, s, strlen(s));
}

int
buf_vprintf(struct buf *self, const char *fmt, va_list ap)
{
  va_list again;
  int n;
  int rc;

  va_copy(again, ap);
  n = vsnprintf(NULL, 0, fmt, ap);
  if (n < 0) {
    va_end(again);
    return buf__fail(self, FACET_EINVAL);
  }
  rc = buf_reserve(self, (size_t)n);
  if (rc == 0) {
    vsnprintf(self->data + self->len, (size_t)n + 1, fmt, again);
    self->len += (size_t)n;
  }
  va_end(again);
  return rc;
}

int
buf_printf(struct buf *self, const char *fmt, ...)
{
  va_list ap;
  int rc;

  va_start(ap, fmt);
  rc = buf_vprintf(self, fmt, ap);
  va_end(ap);
  return rc;
}

void
buf_consume(struct buf *self, size_t n)
{
  if (n >= self->len) {
    buf_clear(self);
    return;
  }
  memmove(self->data, self->data + n, self->len - n);
  self->len -= n;
  self->data[self->len] = '\0';
}

void
buf_clear(struct buf *self)
{
  self->len = 0;
  self->err = 0;
  if (self->data)
    self->data[0] = '\0';
}

char *
buf_detach(struct buf *self)
{
  char *out = self->data;

  if (!out)
    out = calloc(1, 1);
  buf_init(self, self->max);
  return out;
}
