#include "error.h"

#include <errno.h>

const char *
facet_strerror(int code)
{
  switch (code) {
  case FACET_OK: return "success";
  case FACET_ENOMEM: return "out of memory";
  case FACET_ELIMIT: return "size limit exceeded";
  case FACET_EINVAL: return "malformed input";
  case FACET_EIO: return "input/output error";
  case FACET_ENOENT: return "no such file or directory";
  case FACET_EACCES: return "permission denied";
  case FACET_EISDIR: return "is a directory";
  }
  return "unknown error";
}

int
facet_error_from_errno(int err)
{
  switch (err) {
  case 0: return FACET_OK;
  case ENOMEM: return FACET_ENOMEM;
  case ENOENT: case ENOTDIR: return FACET_ENOENT;
  case EACCES: case EPERM: return FACET_EACCES;
  case EISDIR: return FACET_EISDIR;
  case EFBIG: case EOVERFLOW: return FACET_ELIMIT;
  }
  return FACET_EIO;
}
