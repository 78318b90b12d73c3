#include "position.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

enum position_encoding
position_encoding_negotiate(struct json_object *capabilities)
{
  struct json_object *general = NULL;
  struct json_object *offered = NULL;
  bool utf32 = false;
  size_t count;

  json_object_object_get_ex(capabilities, "general", &general);
  json_object_object_get_ex(general, "positionEncodings", &offered);
  if (!json_object_is_type(offered, json_type_array))
    return POSITION_UTF16;

  count = json_object_array_length(offered);
  for (size_t i = 0; i < count; i++) {
    struct json_object *name = json_object_array_get_idx(offered, i);

    if (!json_object_is_type(name, json_type_string))
      continue;
    if (strcmp(json_object_get_string(name), "utf-8") == 0)
      return POSITION_UTF8;
    if (strcmp(json_object_get_string(name), "utf-32") == 0)
      utf32 = true;
  }
  return utf32 ? POSITION_UTF32 : POSITION_UTF16;
}

const char *
position_encoding_name(enum position_encoding encoding)
{
  switch (encoding) {
  case POSITION_UTF8: return "utf-8";
  case POSITION_UTF16: return "utf-16";
  case POSITION_UTF32: return "utf-32";
  }
  return "utf-16";
}

/* Returns how many of the n bytes at s, from the start, are ASCII. */
static size_t
position__ascii_run(const char *s, size_t n)
{
  const uint64_t high_bits = 0x8080808080808080u;
  uint64_t word;
  size_t i = 0;

  /* Eight bytes at a time, while none has its high bit set. */
  while (n - i >= 8) {
    memcpy(&word, s + i, 8);
    if (word & high_bits)
      break;
    i += 8;
  }
  while (i < n && (unsigned char)s[i] < 0x80)
    i++;
  return i;
}

/* Returns the units of encoding that cp, read from len bytes, takes. */
static size_t
position__width(uint32_t cp, int len, enum position_encoding encoding)
{
  if (encoding == POSITION_UTF8)
    return (size_t)len;
  if (encoding == POSITION_UTF16)
    return utf8_utf16_units(cp);
  return 1;
}

/*
 * Whether byte col (at most line_len) surely starts a character: no
 * sequence utf8_decode reads continues into a byte outside 0x80..0xBF.
 */
static bool
position__starts_char(const char *line, size_t line_len, size_t col)
{
  return col == line_len || ((unsigned char)line[col] & 0xC0) != 0x80;
}

size_t
position_units_from_bytes(const char *line, size_t line_len,
                          size_t byte_col, enum position_encoding encoding)
{
  size_t at = 0;
  size_t units = 0;

  if (byte_col > line_len)
    byte_col = line_len;
  if (encoding == POSITION_UTF8
      && position__starts_char(line, line_len, byte_col))
    return byte_col;

  while (at < byte_col) {
    size_t run = position__ascii_run(line + at, byte_col - at);
    uint32_t cp;
    int len;

    at += run;
    units += run;
    if (at == byte_col)
      break;
    len = utf8_decode(line + at, line_len - at, &cp);
    if ((size_t)len > byte_col - at)
      break; /* byte_col is inside this character */
    at += (size_t)len;
    units += position__width(cp, len, encoding);
  }
  return units;
}

size_t
position_bytes_from_units(const char *line, size_t line_len, size_t units,
                          enum position_encoding encoding)
{
  size_t at = 0;

  if (encoding == POSITION_UTF8) {
    size_t col = units < line_len ? units : line_len;

    if (position__starts_char(line, line_len, col))
      return col;
  }

  while (units > 0 && at < line_len) {
    size_t span = units < line_len - at ? units : line_len - at;
    size_t run = position__ascii_run(line + at, span);
    uint32_t cp;
    int len;
    size_t width;

    at += run;
    units -= run;
    if (run == span)
      continue; /* out of units or out of line */
    len = utf8_decode(line + at, line_len - at, &cp);
    width = position__width(cp, len, encoding);
    if (width > units)
      break; /* units ends inside this character */
    at += (size_t)len;
    units -= width;
  }
  return at;
}
