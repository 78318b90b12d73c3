#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detect.h"
#include "error.h"

int
fileio_read(const char *path, size_t max, char **out, size_t *len,
            size_t *size)
{
  struct stat st;
  size_t want;
  size_t got = 0;
  char *data;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  int rc = 0;

  *out = NULL;
  if (fd < 0)
    return facet_error_from_errno(errno);
  if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    rc = S_ISDIR(st.st_mode) ? FACET_EISDIR : facet_error_from_errno(errno);
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
