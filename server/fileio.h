/* Reading a whole file, bounded. */
#ifndef FACET_FILEIO_H
#define FACET_FILEIO_H

#include <stddef.h>

/*
 * Reads at most max bytes of the file at path into a new buffer (freed by
 * the caller with free(), NUL-terminated) and sets *len to the bytes read
 * and *size to the file's full size. Returns 0 or a facet_error code.
 */
int fileio_read(const char *path, size_t max, char **out, size_t *len,
                size_t *size);

#endif
