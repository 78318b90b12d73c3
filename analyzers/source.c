#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

static int
source__push(uint32_t **starts, uint32_t *count, uint32_t *cap,
             uint32_t offset)
{
  if (*count == *cap) {
    uint32_t ncap = *cap ? *cap * 2 : 64;
    uint32_t *n = realloc(*starts, ncap * sizeof *n);

    if (!n)
      return FACET_ENOMEM;
    *starts = n;
    *cap = ncap;
  }
  (*starts)[(*count)++] = offset;
  return 0;
}

int
source_init(struct source *self, const char *text, size_t len)
{
  uint32_t cap = 0;
  const char *p = text;
  const char *end = text + len;

  memset(self, 0, sizeof *self);
  if (len > UINT32_MAX - 1)
    return FACET_ELIMIT;
  self->text = text;
  self->len = (uint32_t)len;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    self->bom = 3;
  if (source__push(&self->line_starts, &self->line_count, &cap, 0))
    return FACET_ENOMEM;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *cr = memchr(p, '\r', (size_t)((nl ? nl : end) - p));
    const char *eol = cr ? cr : nl;

    if (!eol)
      break;
    p = eol + 1;
    if (eol == cr && p < end && *p == '\n')
      p++;
    if (source__push(&self->line_starts, &self->line_count, &cap,
                     (uint32_t)(p - text)))
      return FACET_ENOMEM;
  }
  return 0;
}

void
source_release(struct source *self)
{
  free(self->line_starts);
  self->line_starts = NULL;
  self->line_count = 0;
}

uint32_t
source_line_of(const struct source *self, uint32_t offset)
{
  uint32_t lo = 0;
  uint32_t hi = self->line_count;

  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;

    if (self->line_starts[mid] <= offset)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

uint32_t
source_line_start(const struct source *self, uint32_t line)
{
  if (line >= self->line_count)
    return self->len;
  return self->line_starts[line];
}

uint32_t
source_line_end(const struct source *self, uint32_t line)
{
  uint32_t end;

  if (line >= self->line_count)
    return self->len;
  end = line + 1 < self->line_count ? self->line_starts[line + 1] : self->len;
  if (end > self->line_starts[line] && self->text[end - 1] == '\n')
    end--;
  if (end > self->line_starts[line] && self->text[end - 1] == '\r')
    end--;
  return end;
}

void
source_line_col(const struct source *self, uint32_t offset, uint32_t *line,
                uint32_t *col)
{
  uint32_t l;
  uint32_t p;
  uint32_t n = 0;

  if (offset > self->len)
    offset = self->len;
  l = source_line_of(self, offset);
  p = source_line_start(self, l);
  if (l == 0 && p < self->bom)
    p = offset < self->bom ? offset : self->bom;
  while (p < offset) {
    uint32_t cp;

    p += (uint32_t)utf8_decode(self->text + p, self->len - p, &cp);
    n++;
  }
  *line = l + 1;
  *col = n + 1;
}

uint32_t
source_offset_at(const struct source *self, uint32_t line, uint32_t col_chars)
{
  uint32_t p = source_line_start(self, line);
  uint32_t end = source_line_end(self, line);

  if (line == 0 && p < self->bom)
    p = self->bom;
  while (col_chars > 0 && p < end) {
    uint32_t cp;

    p += (uint32_t)utf8_decode(self->text + p, end - p, &cp);
    col_chars--;
  }
  return p > end ? end : p;
}
