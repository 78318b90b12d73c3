/*
 * LSP position encodings (LSP 3.17 positionEncoding) and column math.
 *
 * facet keeps text as UTF-8 and thinks in byte columns; the client counts
 * a line's characters in UTF-8 bytes, UTF-16 code units or code points, as
 * negotiated at initialize. A character outside the BMP (an emoji, say) is
 * 4 UTF-8 units, 2 UTF-16 units and 1 UTF-32 unit.
 *
 * The functions below convert one column within one line. The caller finds
 * the line; its text excludes the line terminator. A column past the end
 * of the line means the end of the line, as LSP says. A column inside a
 * character (inside a UTF-8 sequence, between the two halves of a
 * surrogate pair) means the start of that character.
 *
 * Invalid UTF-8 never stops the count: each invalid sequence, as
 * utf8_decode delimits it, is one character, taken as U+FFFD (1 UTF-16 or
 * UTF-32 unit) but still as many UTF-8 units as it has bytes. utf8_sanitize
 * replaces the same sequences, so code points and UTF-16 units agree
 * between raw and sanitized text.
 */
#ifndef FACET_PROTOCOL_POSITION_H
#define FACET_PROTOCOL_POSITION_H

#include <stddef.h>

struct json_object;

enum position_encoding {
  POSITION_UTF8,
  POSITION_UTF16,
  POSITION_UTF32,
};

/*
 * Picks the encoding for a session from the client's capabilities,
 * borrowed (the "capabilities" member of initialize's params; NULL is
 * allowed): "utf-8" if capabilities.general.positionEncodings lists it,
 * else "utf-32" if listed, else "utf-16", which every client supports.
 */
enum position_encoding
position_encoding_negotiate(struct json_object *capabilities);

/* Returns the static LSP name: "utf-8", "utf-16" or "utf-32". */
const char *position_encoding_name(enum position_encoding encoding);

/*
 * Returns the column, in encoding's units, of byte column byte_col of the
 * line_len bytes at line, borrowed.
 */
size_t position_units_from_bytes(const char *line, size_t line_len,
                                 size_t byte_col,
                                 enum position_encoding encoding);

/*
 * Returns the byte column of column units, in encoding's units, of the
 * line_len bytes at line, borrowed.
 */
size_t position_bytes_from_units(const char *line, size_t line_len,
                                 size_t units,
                                 enum position_encoding encoding);

#endif
