#include "utf8.h"

#include <unistr.h>

#include "buf.h"
#include "error.h"

int
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
  ucs4_t uc;
  int len;

  if ((unsigned char)s[0] < 0x80) {
    *cp = (unsigned char)s[0];
    return 1;
  }
  len = u8_mbtouc(&uc, (const uint8_t *)s, n);
  *cp = uc;
  return len > 0 ? len : 1;
}

int
utf8_valid(const char *s, size_t n)
{
  return u8_check((const uint8_t *)s, n) == NULL;
}

size_t
utf8_first_invalid(const char *s, size_t n)
{
  const uint8_t *bad = u8_check((const uint8_t *)s, n);

  return bad ? (size_t)(bad - (const uint8_t *)s) : n;
}

long
utf8_sanitize(const char *s, size_t n, struct buf *out)
{
  static const char replacement[] = "\xEF\xBF\xBD";
  const uint8_t *p = (const uint8_t *)s;
  const uint8_t *end = p + n;
  long replaced = 0;
  int rc;

  while (p < end) {
    const uint8_t *bad = u8_check(p, (size_t)(end - p));
    ucs4_t uc;
    int len;

    if (!bad)
      return (rc = buf_append(out, p, (size_t)(end - p))) ? rc : replaced;
    if ((rc = buf_append(out, p, (size_t)(bad - p))))
      return rc;
    len = u8_mbtouc(&uc, bad, (size_t)(end - bad));
    if ((rc = buf_append(out, replacement, 3)))
      return rc;
    replaced++;
    p = bad + (len > 0 ? len : 1);
  }
  return replaced;
}

int
utf8_encode(uint32_t cp, char *out)
{
  int len = u8_uctomb((uint8_t *)out, cp, 4);

  if (len > 0)
    return len;
  return u8_uctomb((uint8_t *)out, UTF8_REPLACEMENT, 4);
}
