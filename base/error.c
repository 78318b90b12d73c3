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
  case FACET_EROFS: return "read-only file system";
  case FACET_ENOSPC: return "no space left on device";
  case FACET_EEXIST: return "file exists";
  case FACET_EPERM: return "operation not permitted";
  case FACET_ENOTDIR: return "not a directory";
  case FACET_ENAMETOOLONG: return "file name too long";
  case FACET_EMFILE: return "too many open files";
  case FACET_EDANGLING: return "a symbolic link whose target does not exist";
  }
  return "unknown error";
}

int
facet_error_from_errno(int err)
{
  switch (err) {
  case 0: return FACET_OK;
  case ENOMEM: return FACET_ENOMEM;
  case ENOENT: return FACET_ENOENT;
  case ENOTDIR: return FACET_ENOTDIR;
  case EACCES: return FACET_EACCES;
  case EPERM: return FACET_EPERM;
  case EISDIR: return FACET_EISDIR;
  case EFBIG: case EOVERFLOW: return FACET_ELIMIT;
  case EROFS: return FACET_EROFS;
  case ENOSPC: case EDQUOT: return FACET_ENOSPC;
  case EEXIST: return FACET_EEXIST;
  case ENAMETOOLONG: return FACET_ENAMETOOLONG;
  case EMFILE: case ENFILE: return FACET_EMFILE;
  }
  return FACET_EIO;
}
