/* Reading a whole file, bounded. */
#ifndef FACET_FILEIO_H
#define FACET_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Reads at most max bytes of the file at path into a new buffer (freed by
 * the caller with free(), NUL-terminated) and sets *len to the bytes read
 * and *size to the file's full size. Returns 0 or a facet_error code.
 */
int fileio_read(const char *path, size_t max, char **out, size_t *len,
                size_t *size);

/* The most of a companion file (detect_companion) that is read. */
#define FILEIO_COMPANION_MAX ((size_t)1 << 20)

/*
 * Reads the companion of the file at path (detect_companion), if it has
 * one on disk and it is not over FILEIO_COMPANION_MAX, into *out (freed by
 * the caller) and *len. Returns whether it did; any failure is "none".
 */
bool fileio_read_companion(const char *path, char **out, size_t *len);

#endif
