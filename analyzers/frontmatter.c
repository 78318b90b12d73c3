#include "frontmatter.h"

#include <string.h>

/* Whether line l of src, trailing blanks aside, is exactly delim. */
static bool
frontmatter__is_delim(const struct source *src, uint32_t l, const char *delim)
{
  uint32_t s = source_line_start(src, l);
  uint32_t e = source_line_end(src, l);

  if (l == 0)
    s = s < src->bom ? src->bom : s;
  while (e > s && (src->text[e - 1] == ' ' || src->text[e - 1] == '\t'))
    e--;
  return e - s == 3 && memcmp(src->text + s, delim, 3) == 0;
}

static bool
frontmatter__opens(const struct source *src, uint32_t l,
                   enum frontmatter_rules rules)
{
  return frontmatter__is_delim(src, l, "---") ||
         (rules == FRONTMATTER_PROMPTY && frontmatter__is_delim(src, l, "+++"));
}

/* Whether line l may precede the opening delimiter under rules. */
static bool
frontmatter__skippable(const struct source *src, uint32_t l,
                       enum frontmatter_rules rules)
{
  uint32_t s = source_line_start(src, l);
  uint32_t e = source_line_end(src, l);

  if (rules == FRONTMATTER_MARKDOWN)
    return false;
  if (l == 0)
    s = s < src->bom ? src->bom : s;
  while (s < e && (src->text[s] == ' ' || src->text[s] == '\t'))
    s++;
  return s == e || (rules == FRONTMATTER_DOTPROMPT && src->text[s] == '#');
}

void
frontmatter_split(const struct source *src, enum frontmatter_rules rules,
                  struct frontmatter *out)
{
  uint32_t l = 0;
  uint32_t c;

  memset(out, 0, sizeof *out);
  out->body = span_make(src->bom, src->len);
  while (l < src->line_count && frontmatter__skippable(src, l, rules) &&
         source_line_end(src, l) < src->len)
    l++;
  if (l >= src->line_count || !frontmatter__opens(src, l, rules))
    return;

  out->present = true;
  out->open = span_make(source_line_start(src, l) + (l == 0 ? src->bom : 0),
                        source_line_end(src, l));
  for (c = l + 1; c < src->line_count; c++)
    if (frontmatter__opens(src, c, rules))
      break;
  out->yaml = span_make(source_line_start(src, l + 1),
                        source_line_start(src, c));
  if (c >= src->line_count) {
    /* Unclosed: the tools read the rest as header, so do we. */
    out->yaml.end = src->len;
    out->body = span_make(src->len, src->len);
    return;
  }
  out->closed = true;
  out->close = span_make(source_line_start(src, c), source_line_end(src, c));
  out->body = span_make(source_line_start(src, c + 1), src->len);
}
