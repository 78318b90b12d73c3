#include "frontmatter.h"

#include <string.h>

/* Where line l of src starts, after the BOM, and after leading blanks
 * too when indent is true. */
static uint32_t
frontmatter__text_start(const struct source *src, uint32_t l, bool indent)
{
  uint32_t s = source_line_start(src, l);
  uint32_t e = source_line_end(src, l);

  if (l == 0)
    s = s < src->bom ? src->bom : s;
  while (indent && s < e && (src->text[s] == ' ' || src->text[s] == '\t'))
    s++;
  return s;
}

/* Whether line l of src, trailing blanks (and leading ones when indent is
 * true) aside, is exactly delim. */
static bool
frontmatter__is_delim(const struct source *src, uint32_t l, const char *delim,
                      bool indent)
{
  uint32_t s = frontmatter__text_start(src, l, indent);
  uint32_t e = source_line_end(src, l);

  while (e > s && (src->text[e - 1] == ' ' || src->text[e - 1] == '\t'))
    e--;
  return e - s == 3 && memcmp(src->text + s, delim, 3) == 0;
}

/* Prompty's loaders find the header with "^\s*---": the opening line may
 * be indented. The others want "---" at the start of its line. */
static bool
frontmatter__opens(const struct source *src, uint32_t l,
                   enum frontmatter_rules rules)
{
  bool indent = rules == FRONTMATTER_PROMPTY;

  return frontmatter__is_delim(src, l, "---", indent) ||
         (rules == FRONTMATTER_PROMPTY &&
          frontmatter__is_delim(src, l, "+++", indent));
}

static bool
frontmatter__closes(const struct source *src, uint32_t l,
                    enum frontmatter_rules rules)
{
  return frontmatter__is_delim(src, l, "---", false) ||
         (rules == FRONTMATTER_PROMPTY &&
          frontmatter__is_delim(src, l, "+++", false));
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
  out->open = span_make(frontmatter__text_start(
                          src, l, rules == FRONTMATTER_PROMPTY),
                        source_line_end(src, l));
  for (c = l + 1; c < src->line_count; c++)
    if (frontmatter__closes(src, c, rules))
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
