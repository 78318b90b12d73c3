/* Scalar resolution by YAML 1.2's core schema, which JSON also satisfies. */
#include <string.h>

#include "tree.h"

static bool
scalar__is(const char *s, uint32_t len, const char *a, const char *b,
           const char *c)
{
  size_t n = strlen(a);

  return len == n && (memcmp(s, a, n) == 0 || memcmp(s, b, n) == 0 ||
                      memcmp(s, c, n) == 0);
}

static bool
scalar__digits(const char *s, uint32_t len, const char *set)
{
  if (len == 0)
    return false;
  for (uint32_t i = 0; i < len; i++)
    if (!strchr(set, s[i]) || s[i] == '\0')
      return false;
  return true;
}

static bool
scalar__is_int(const char *s, uint32_t len)
{
  if (len > 2 && s[0] == '0' && s[1] == 'o')
    return scalar__digits(s + 2, len - 2, "01234567");
  if (len > 2 && s[0] == '0' && s[1] == 'x')
    return scalar__digits(s + 2, len - 2, "0123456789abcdefABCDEF");
  if (len > 0 && (s[0] == '-' || s[0] == '+'))
    s++, len--;
  return scalar__digits(s, len, "0123456789");
}

/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static bool
scalar__is_float(const char *s, uint32_t len)
{
  uint32_t i = 0;
  uint32_t digits = 0;

  if (i < len && (s[i] == '-' || s[i] == '+'))
    i++;
  if (scalar__is(s + i, len - i, ".inf", ".Inf", ".INF"))
    return true;
  while (i < len && s[i] >= '0' && s[i] <= '9')
    i++, digits++;
  if (i < len && s[i] == '.') {
    i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
      i++, digits++;
  }
  if (digits == 0)
    return false;
  if (i < len && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < len && (s[i] == '-' || s[i] == '+'))
      i++;
    if (!scalar__digits(s + i, len - i, "0123456789"))
      return false;
    return true;
  }
  return i == len;
}

enum scalar_type
scalar_resolve(const char *s, uint32_t len)
{
  /* Most scalars are words: decide by the first character before any
   * comparison. */
  if (len == 0)
    return SCALAR_NULL;
  switch (s[0]) {
  case '~':
    return len == 1 ? SCALAR_NULL : SCALAR_STRING;
  case 'n': case 'N':
    return scalar__is(s, len, "null", "Null", "NULL") ? SCALAR_NULL
                                                      : SCALAR_STRING;
  case 't': case 'T':
    return scalar__is(s, len, "true", "True", "TRUE") ? SCALAR_BOOL
                                                      : SCALAR_STRING;
  case 'f': case 'F':
    return scalar__is(s, len, "false", "False", "FALSE") ? SCALAR_BOOL
                                                         : SCALAR_STRING;
  case '0': case '1': case '2': case '3': case '4': case '5': case '6':
  case '7': case '8': case '9': case '-': case '+': case '.':
    break;
  default:
    return SCALAR_STRING;
  }
  if (scalar__is_int(s, len))
    return SCALAR_INT;
  if (scalar__is_float(s, len) || scalar__is(s, len, ".nan", ".NaN", ".NAN"))
    return SCALAR_FLOAT;
  return SCALAR_STRING;
}
