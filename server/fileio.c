#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect.h"
#include "error.h"

/* A pipe, a terminal or a device has no size to trust: read it to its end
 * in growing steps, keeping at most max bytes; *size is what it gave, up
 * to max + 1, which is enough for the caller to call it too large. */
static int
fileio__read_stream(int fd, size_t max, char **out, size_t *len,
                    size_t *size)
{
  size_t cap = 0, got = 0;
  char *data = NULL;

  for (;;) {
    ssize_t n;

    if (got == cap) {
      size_t grown = cap ? cap * 2 : 65536;
      char *more;

      if (grown > max + 1)
        grown = max + 1;
      if (grown <= got)
        break;  /* max + 1 bytes read: over the limit, stop there */
      more = realloc(data, grown + 1);
      if (!more) {
        free(data);
        return FACET_ENOMEM;
      }
      data = more;
      cap = grown;
    }
    n = read(fd, data + got, cap - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      int rc = facet_error_from_errno(errno);

      free(data);
      return rc;
    }
    if (n == 0)
      break;
    got += (size_t)n;
  }
  if (!data && !(data = malloc(1)))
    return FACET_ENOMEM;
  *size = got;
  if (got > max)
    got = max;
  data[got] = '\0';
  *out = data;
  *len = got;
  return 0;
}

int
fileio_read(const char *path, size_t max, char **out, size_t *len,
            size_t *size)
{
  struct stat st;
  size_t want;
  size_t got = 0;
  char *data;
  /* O_NONBLOCK so a named pipe nobody writes to cannot hang the open;
   * reads block again below, where the file is not a regular one. */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  int rc = 0;

  *out = NULL;
  if (fd < 0)
    return facet_error_from_errno(errno);
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    rc = S_ISDIR(st.st_mode) ? FACET_EISDIR : facet_error_from_errno(errno);
    goto out;
  }
  if (!S_ISREG(st.st_mode)) {
    int flags = fcntl(fd, F_GETFL);

    if (flags >= 0)
      (void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    rc = fileio__read_stream(fd, max, out, len, size);
    goto out;
  }
  *size = (size_t)st.st_size;
  want = *size < max ? *size : max;
  data = malloc(want + 1);
  if (!data) {
    rc = FACET_ENOMEM;
    goto out;
  }
  while (got < want) {
    ssize_t n = read(fd, data + got, want - got);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      free(data);
      rc = facet_error_from_errno(errno);
      goto out;
    }
    if (n == 0)
      break;  /* the file shrank while we read it: keep what is there */
    got += (size_t)n;
  }
  data[got] = '\0';
  *out = data;
  *len = got;
out:
  close(fd);
  return rc;
}

bool
fileio_read_companion(const char *path, char **out, size_t *len)
{
  char companion[DETECT_COMPANION_MAX];
  size_t size = 0;

  *out = NULL;
  *len = 0;
  if (!path || !detect_companion(path, companion, sizeof companion))
    return false;
  if (fileio_read(companion, FILEIO_COMPANION_MAX, out, len, &size) != 0)
    return false;
  if (size > FILEIO_COMPANION_MAX) {
    free(*out);
    *out = NULL;
    *len = 0;
    return false;
  }
  return true;
}
