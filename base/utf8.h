/*
 * UTF-8 helpers over libunistring. facet keeps every text as valid UTF-8:
 * invalid bytes are replaced with U+FFFD when text enters the program, so
 * later code can count characters without re-validating.
 */
#ifndef FACET_BASE_UTF8_H
#define FACET_BASE_UTF8_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define UTF8_REPLACEMENT 0xFFFDu

/*
 * Decodes the character at s (n > 0 bytes available) into *cp and returns
 * its length in bytes (1 to 4). An invalid or truncated sequence yields
 * U+FFFD and a length of at least 1, so a loop always advances.
 */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Returns 1 if the n bytes at s are valid UTF-8, 0 otherwise. */
int utf8_valid(const char *s, size_t n);

/* Offset of the first byte of s that is not valid UTF-8, or n if none. */
size_t utf8_first_invalid(const char *s, size_t n);

/*
 * Appends the n bytes at s to out with each invalid sequence replaced by
 * U+FFFD. Returns the number of replacements, or a negative facet_error.
 */
long utf8_sanitize(const char *s, size_t n, struct buf *out);

/* Number of UTF-16 code units that encode the character cp. */
static inline unsigned
utf8_utf16_units(uint32_t cp)
{
  return cp >= 0x10000u ? 2 : 1;
}

/* Encodes cp into out (at least 4 bytes); returns the byte count. */
int utf8_encode(uint32_t cp, char *out);

#endif
