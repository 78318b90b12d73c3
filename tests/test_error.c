/*
 * Error codes: each errno a file operation reports reads as what it is
 * ("read-only file system", not "input/output error"), since users see
 * these words when facet cannot write a file.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "error.h"

static void
errno_values_read_as_what_they_are(void **state)
{
  static const struct {
    int err;
    const char *says;
  } cases[] = {
    { EROFS, "read-only file system" },
    { EACCES, "permission denied" },
    { EPERM, "operation not permitted" },
    { ENOSPC, "no space left on device" },
    { EDQUOT, "no space left on device" },
    { EEXIST, "file exists" },
    { ENOENT, "no such file or directory" },
    { ENOTDIR, "not a directory" },
    { EISDIR, "is a directory" },
    { ENAMETOOLONG, "file name too long" },
    { EMFILE, "too many open files" },
    { ENOMEM, "out of memory" },
    { EFBIG, "size limit exceeded" },
    { EIO, "input/output error" },
  };

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_string_equal(facet_strerror(facet_error_from_errno(
                          cases[i].err)), cases[i].says);
  assert_int_equal(facet_error_from_errno(0), FACET_OK);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(errno_values_read_as_what_they_are),
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
