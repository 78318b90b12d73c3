#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

void
text_change_add(struct text_change *self, uint32_t start, uint32_t end,
                uint32_t len)
{
  uint32_t cur_end;

  if (text_change_is_none(*self)) {
    self->start = start;
    self->old_end = end;
    self->new_end = start + len;
    return;
  }
  /* The union of both, in the current text; past new_end the current text
   * is the earlier one moved by new_end - old_end. */
  cur_end = self->new_end > end ? self->new_end : end;
  self->old_end = cur_end - self->new_end + self->old_end;
  self->new_end = cur_end - (end - start) + len;
  if (start < self->start)
    self->start = start;
}

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

/* An index holds what it needs and no more: documents stay open for long. */
static void
source__fit(struct source *self, uint32_t cap)
{
  uint32_t *fit;

  if (cap == self->line_count)
    return;
  fit = realloc(self->line_starts, self->line_count * sizeof *fit);
  if (fit)
    self->line_starts = fit;
}

/* Pushes the line starts of text in [from, to), scanning for line ends. */
static int
source__scan(struct source *self, uint32_t *cap, uint32_t from, uint32_t to)
{
  const char *text = self->text;
  const char *p = text + from;
  const char *end = text + to;

  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *cr = memchr(p, '\r', (size_t)((nl ? nl : end) - p));
    const char *eol = cr ? cr : nl;

    if (!eol)
      break;
    p = eol + 1;
    if (eol == cr && p < text + self->len && *p == '\n')
      p++;
    if (source__push(&self->line_starts, &self->line_count, cap,
                     (uint32_t)(p - text)))
      return FACET_ENOMEM;
  }
  return 0;
}

static int
source__begin(struct source *self, const char *text, size_t len)
{
  memset(self, 0, sizeof *self);
  if (len > UINT32_MAX - 1)
    return FACET_ELIMIT;
  self->text = text;
  self->len = (uint32_t)len;
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
    self->bom = 3;
  return 0;
}

int
source_init(struct source *self, const char *text, size_t len)
{
  uint32_t cap = 0;
  int rc = source__begin(self, text, len);

  if (rc)
    return rc;
  if (source__push(&self->line_starts, &self->line_count, &cap, 0) ||
      source__scan(self, &cap, 0, self->len))
    return FACET_ENOMEM;
  source__fit(self, cap);
  return 0;
}

/* The number of line starts of self below offset. */
static uint32_t
source__count_below(const struct source *self, uint32_t offset)
{
  uint32_t lo = 0;
  uint32_t hi = self->line_count;

  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;

    if (self->line_starts[mid] < offset)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

int
source_init_edited(struct source *self, const char *text, size_t len,
                   const struct source *old, struct text_change change)
{
  uint32_t before, after, cap, from, to, last;
  int rc;

  if (text_change_is_none(change) || change.old_end > old->len ||
      change.start > change.old_end || change.start > change.new_end ||
      (uint64_t)old->len - change.old_end + change.new_end != len)
    return source_init(self, text, len);
  rc = source__begin(self, text, len);
  if (rc)
    return rc;
  /*
   * Whether offset p starts a line depends on the bytes at p - 1 and p
   * ("\r\n" is one line end). So the starts up to the last one before
   * change.start are the old ones, the starts past new_end are the old
   * ones past old_end, moved, and only what lies between is scanned.
   */
  before = source__count_below(old, change.start > 0 ? change.start : 1);
  from = old->line_starts[before - 1];
  after = old->line_count - source__count_below(old, change.old_end + 1);
  to = change.new_end + 1 < len ? change.new_end + 1 : (uint32_t)len;
  cap = before + after + 16;
  self->line_starts = malloc(cap * sizeof *self->line_starts);
  if (!self->line_starts)
    return FACET_ENOMEM;
  memcpy(self->line_starts, old->line_starts, before * sizeof(uint32_t));
  self->line_count = before;
  if (source__scan(self, &cap, from, to))
    return FACET_ENOMEM;
  last = self->line_starts[self->line_count - 1];
  for (uint32_t i = old->line_count - after; i < old->line_count; i++) {
    uint32_t moved = old->line_starts[i] - change.old_end + change.new_end;

    /* The scan may have found the first of these already. */
    if (moved > last &&
        source__push(&self->line_starts, &self->line_count, &cap, moved))
      return FACET_ENOMEM;
  }
  source__fit(self, cap);
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
