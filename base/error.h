/*
 * Error codes shared by every layer of facet.
 *
 * Functions that can fail return 0 or one of these negative codes. errno
 * values are converted in exactly one place (facet_error_from_errno); libuv
 * codes are converted in server/ where libuv is used.
 */
#ifndef FACET_BASE_ERROR_H
#define FACET_BASE_ERROR_H

enum facet_error {
  FACET_OK = 0,
  FACET_ENOMEM = -1,  /* an allocation failed */
  FACET_ELIMIT = -2,  /* a named limit was exceeded */
  FACET_EINVAL = -3,  /* malformed input from outside */
  FACET_EIO = -4,     /* reading or writing failed */
  FACET_ENOENT = -5,  /* no such file or directory */
  FACET_EACCES = -6,  /* permission denied */
  FACET_EISDIR = -7,  /* a directory where a file was expected */
  FACET_EROFS = -8,   /* the file system is read-only */
  FACET_ENOSPC = -9,  /* no space (or quota) left on the device */
  FACET_EEXIST = -10, /* a file is there already */
  FACET_EPERM = -11,  /* the operation is not permitted (an immutable
                         file, whoever asks) */
  FACET_ENOTDIR = -12, /* a file where a directory was expected */
  FACET_ENAMETOOLONG = -13, /* a file name too long */
  FACET_EMFILE = -14, /* too many open files */
  FACET_EDANGLING = -15, /* a symbolic link whose target does not exist */
};

/* Returns a static, lower-case description of code. */
const char *facet_strerror(int code);

/* Converts an errno value to a facet_error code. */
int facet_error_from_errno(int err);

#endif
