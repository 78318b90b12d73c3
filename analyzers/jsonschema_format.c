/*
 * The formats facet can assert (when asked to: format is an annotation by
 * default). Dates and times follow RFC 3339, email addresses RFC 5321's
 * mailbox (without comments or folding), host names RFC 1123, URIs RFC
 * 3986 through uriparser, IP addresses inet_pton(3), durations RFC 3339's
 * appendix A, URI templates RFC 6570's syntax. Other formats (idn-email,
 * iri, ...) are annotations only.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>

#include "jsonschema_internal.h"

/* Longest text a format check reads; longer is invalid. */
#define JSF_TEXT_MAX 4096

static const char *const jsf__names[] = {
  [JSF_DATE] = "date",
  [JSF_DATE_TIME] = "date-time",
  [JSF_TIME] = "time",
  [JSF_EMAIL] = "email",
  [JSF_HOSTNAME] = "hostname",
  [JSF_URI] = "uri",
  [JSF_URI_REFERENCE] = "uri-reference",
  [JSF_UUID] = "uuid",
  [JSF_IPV4] = "ipv4",
  [JSF_IPV6] = "ipv6",
  [JSF_JSON_POINTER] = "json-pointer",
  [JSF_RELATIVE_JSON_POINTER] = "relative-json-pointer",
  [JSF_REGEX] = "regex",
  [JSF_DURATION] = "duration",
  [JSF_URI_TEMPLATE] = "uri-template",
};

enum jsf_format
jsf_lookup(const char *name)
{
  for (int f = JSF_DATE; f <= JSF_URI_TEMPLATE; f++)
    if (strcmp(jsf__names[f], name) == 0)
      return (enum jsf_format)f;
  return JSF_NONE;
}

const char *
jsf_name(enum jsf_format f)
{
  return f > JSF_NONE && f <= JSF_URI_TEMPLATE ? jsf__names[f] : "format";
}

static bool
jsf__digit(char ch)
{
  return ch >= '0' && ch <= '9';
}

/* n (at most 4) digits at s as a number, or -1. */
static int
jsf__number(const char *s, size_t n)
{
  int v = 0;

  for (size_t i = 0; i < n; i++) {
    if (!jsf__digit(s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

static bool
jsf__leap(int year)
{
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* full-date: YYYY-MM-DD. */
static bool
jsf__date(const char *s, size_t len)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
                              31 };
  int y, m, d;

  if (len != 10 || s[4] != '-' || s[7] != '-')
    return false;
  y = jsf__number(s, 4);
  m = jsf__number(s + 5, 2);
  d = jsf__number(s + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1)
    return false;
  return d <= days[m - 1] + (m == 2 && jsf__leap(y));
}

/* time-numoffset or Z; *minutes east of UTC. */
static bool
jsf__offset(const char *s, size_t len, int *minutes)
{
  int h, m;

  *minutes = 0;
  if (len == 1 && (s[0] == 'Z' || s[0] == 'z'))
    return true;
  if (len != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
    return false;
  h = jsf__number(s + 1, 2);
  m = jsf__number(s + 4, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59)
    return false;
  *minutes = (s[0] == '-' ? -1 : 1) * (h * 60 + m);
  return true;
}

/* full-time: HH:MM:SS[.frac](Z|+HH:MM); a leap second only at 23:59:60
 * UTC. */
static bool
jsf__time(const char *s, size_t len)
{
  size_t i = 8;
  int h, m, sec, off, utc;

  if (len < 9 || s[2] != ':' || s[5] != ':')
    return false;
  h = jsf__number(s, 2);
  m = jsf__number(s + 3, 2);
  sec = jsf__number(s + 6, 2);
  if (h < 0 || h > 23 || m < 0 || m > 59 || sec < 0 || sec > 60)
    return false;
  if (s[i] == '.') {
    size_t start = ++i;

    while (i < len && jsf__digit(s[i]))
      i++;
    if (i == start)
      return false;
  }
  if (!jsf__offset(s + i, len - i, &off))
    return false;
  utc = ((h * 60 + m - off) % 1440 + 1440) % 1440;
  return sec < 60 || utc == 23 * 60 + 59;
}

static bool
jsf__date_time(const char *s, size_t len)
{
  return len > 11 && (s[10] == 'T' || s[10] == 't') &&
         jsf__date(s, 10) && jsf__time(s + 11, len - 11);
}

/* RFC 1123 host name: dot-separated labels of letters, digits and
 * hyphens, 1 to 63 long, not starting or ending with a hyphen. */
static bool
jsf__hostname(const char *s, size_t len)
{
  size_t label = 0;

  if (len > 0 && s[len - 1] == '.')
    len--;
  if (len == 0 || len > 253)
    return false;
  for (size_t i = 0; i <= len; i++) {
    char ch = i < len ? s[i] : '.';

    if (ch == '.') {
      if (label == 0 || s[i - 1] == '-')
        return false;
      label = 0;
    } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
               jsf__digit(ch) || (ch == '-' && label > 0)) {
      if (++label > 63)
        return false;
    } else {
      return false;
    }
  }
  return true;
}

static bool
jsf__ip(const char *s, size_t len, int family)
{
  char text[64];
  unsigned char addr[16];

  if (len == 0 || len >= sizeof text || memchr(s, '\0', len))
    return false;
  memcpy(text, s, len);
  text[len] = '\0';
  return inet_pton(family, text, addr) == 1;
}

static bool
jsf__atext(char ch)
{
  return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
         jsf__digit(ch) || (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

/* The local part of an address: a dot-atom or a quoted string. */
static bool
jsf__local_part(const char *s, size_t len)
{
  if (len == 0 || len > 64)
    return false;
  if (s[0] == '"') {
    if (len < 2 || s[len - 1] != '"')
      return false;
    for (size_t i = 1; i + 1 < len; i++) {
      if (s[i] == '\\' && i + 2 < len)
        i++;
      else if (s[i] == '"' || s[i] == '\\' || (unsigned char)s[i] < 0x20)
        return false;
    }
    return true;
  }
  if (s[0] == '.' || s[len - 1] == '.')
    return false;
  for (size_t i = 0; i < len; i++)
    if (!(jsf__atext(s[i]) || (s[i] == '.' && s[i + 1] != '.')))
      return false;
  return true;
}

static bool
jsf__email(const char *s, size_t len)
{
  const char *at = NULL;
  const char *domain;
  size_t dlen;

  /* The last '@': a quoted local part may hold one. */
  for (size_t i = 0; i < len; i++)
    if (s[i] == '@')
      at = s + i;
  if (!at || len > 254 || !jsf__local_part(s, (size_t)(at - s)))
    return false;
  domain = at + 1;
  dlen = len - (size_t)(domain - s);
  if (dlen > 2 && domain[0] == '[' && domain[dlen - 1] == ']') {
    if (dlen > 7 && strncmp(domain + 1, "IPv6:", 5) == 0)
      return jsf__ip(domain + 6, dlen - 7, AF_INET6);
    return jsf__ip(domain + 1, dlen - 2, AF_INET);
  }
  return jsf__hostname(domain, dlen);
}

/* RFC 3986 through uriparser: a URI (absolute) or a URI reference. */
static bool
jsf__uri(const char *s, size_t len, bool absolute)
{
  UriUriA uri;
  const char *err;
  bool ok;

  if (uriParseSingleUriExA(&uri, s, s + len, &err) != URI_SUCCESS)
    return false;
  ok = !absolute || uri.scheme.first != NULL;
  uriFreeUriMembersA(&uri);
  return ok;
}

static bool
jsf__uuid(const char *s, size_t len)
{
  if (len != 36)
    return false;
  for (size_t i = 0; i < len; i++) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    char ch = s[i];

    if (dash ? ch != '-'
             : !(jsf__digit(ch) || (ch >= 'a' && ch <= 'f') ||
                 (ch >= 'A' && ch <= 'F')))
      return false;
  }
  return true;
}

static bool
jsf__json_pointer(const char *s, size_t len)
{
  if (len > 0 && s[0] != '/')
    return false;
  for (size_t i = 0; i < len; i++)
    if (s[i] == '~' && (i + 1 == len || (s[i + 1] != '0' && s[i + 1] != '1')))
      return false;
  return true;
}

/* A non-negative integer, then "#" or a JSON pointer. */
static bool
jsf__relative_json_pointer(const char *s, size_t len)
{
  size_t i = 0;

  while (i < len && jsf__digit(s[i]))
    i++;
  if (i == 0 || (s[0] == '0' && i > 1))
    return false;
  if (i < len && s[i] == '#')
    return i + 1 == len;
  return jsf__json_pointer(s + i, len - i);
}

/* One run of "nX" units in order; *any is set when one was there. */
static size_t
jsf__duration_units(const char *s, size_t len, const char *units, bool *any)
{
  size_t i = 0;

  *any = false;
  while (i < len && *units) {
    size_t start = i;

    while (i < len && jsf__digit(s[i]))
      i++;
    if (i == start)
      return start;
    while (*units && *units != s[i])
      units++;
    if (i >= len || !*units)
      return (size_t)-1;
    units++;
    i++;
    *any = true;
  }
  return i;
}

/* RFC 3339 appendix A: P(nY)(nM)(nD)(T(nH)(nM)(nS)), or PnW alone. */
static bool
jsf__duration(const char *s, size_t len)
{
  size_t i;
  bool date, time = false;

  if (len < 3 || s[0] != 'P')
    return false;
  if (s[len - 1] == 'W') {
    for (i = 1; i + 1 < len; i++)
      if (!jsf__digit(s[i]))
        return false;
    return true;
  }
  i = 1 + jsf__duration_units(s + 1, len - 1, "YMD", &date);
  if (i == 0 || i > len)
    return false;
  if (i < len) {
    size_t t;

    if (s[i] != 'T')
      return false;
    t = jsf__duration_units(s + i + 1, len - i - 1, "HMS", &time);
    if (t == (size_t)-1 || i + 1 + t != len || !time)
      return false;
  }
  return date || time;
}

/* One expression of a URI template, between the braces: an optional
 * operator, then variables with an optional :N prefix or * explode. */
static bool
jsf__template_expression(const char *s, size_t len)
{
  size_t i = s[0] && strchr("+#./;?&=,!@|", s[0]) ? 1 : 0;

  for (;;) {
    size_t start = i;

    while (i < len && (s[i] == '_' || s[i] == '.' || s[i] == '%' ||
                       jsf__digit(s[i]) || (s[i] >= 'a' && s[i] <= 'z') ||
                       (s[i] >= 'A' && s[i] <= 'Z')))
      i++;
    if (i == start)
      return false;
    if (i < len && s[i] == '*') {
      i++;
    } else if (i < len && s[i] == ':') {
      size_t digits = ++i;

      while (i < len && jsf__digit(s[i]))
        i++;
      if (i == digits || i - digits > 4 || s[digits] == '0')
        return false;
    }
    if (i == len)
      return true;
    if (s[i++] != ',')
      return false;
  }
}

/* RFC 6570: literals, and expressions in braces that do not nest. */
static bool
jsf__uri_template(const char *s, size_t len)
{
  for (size_t i = 0; i < len; i++) {
    const char *close;

    if (s[i] == '}' || strchr(" \"'<>\\^`|", s[i]) ||
        (unsigned char)s[i] < 0x20)
      return false;
    if (s[i] != '{')
      continue;
    close = memchr(s + i + 1, '}', len - i - 1);
    if (!close || memchr(s + i + 1, '{', (size_t)(close - s) - i - 1) ||
        !jsf__template_expression(s + i + 1, (size_t)(close - s) - i - 1))
      return false;
    i = (size_t)(close - s);
  }
  return true;
}

bool
jsf_check(enum jsf_format f, const char *s, size_t len)
{
  pcre2_code *code;
  char why[128];
  size_t at;

  if (len > JSF_TEXT_MAX)
    return false;
  switch (f) {
  case JSF_DATE: return jsf__date(s, len);
  case JSF_DATE_TIME: return jsf__date_time(s, len);
  case JSF_TIME: return jsf__time(s, len);
  case JSF_EMAIL: return jsf__email(s, len);
  case JSF_HOSTNAME: return jsf__hostname(s, len);
  case JSF_URI: return jsf__uri(s, len, true);
  case JSF_URI_REFERENCE: return jsf__uri(s, len, false);
  case JSF_UUID: return jsf__uuid(s, len);
  case JSF_IPV4: return jsf__ip(s, len, AF_INET);
  case JSF_IPV6: return jsf__ip(s, len, AF_INET6);
  case JSF_JSON_POINTER: return jsf__json_pointer(s, len);
  case JSF_RELATIVE_JSON_POINTER: return jsf__relative_json_pointer(s, len);
  case JSF_DURATION: return jsf__duration(s, len);
  case JSF_URI_TEMPLATE: return jsf__uri_template(s, len);
  case JSF_REGEX:
    if (jsre_compile(s, len, &code, why, sizeof why, &at))
      return false;
    pcre2_code_free(code);
    return true;
  case JSF_NONE: break;
  }
  return true;
}
