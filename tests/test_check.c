/*
 * facet check as a user runs it, on folders made for each test: the exact
 * lines it prints and its exit status. check_main runs in a child process
 * (it prints to stdout and keeps process-wide state), in the folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static char root[64];

static int
make_root(void **state)
{
  (void)state;
  snprintf(root, sizeof root, "/tmp/facet-check-XXXXXX");
  return mkdtemp(root) ? 0 : -1;
}

static int
remove_root(void **state)
{
  char cmd[128];

  (void)state;
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to root/name, making its folder. */
static void
put(const char *name, const char *text)
{
  char path[256];
  FILE *f;
  char *slash;

  snprintf(path, sizeof path, "%s/%s", root, name);
  slash = strrchr(path, '/');
  *slash = '\0';
  mkdir(path, 0755);
  *slash = '/';
  f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Runs a shell command in root. */
static void
sh(const char *cmd)
{
  char full[1024];

  snprintf(full, sizeof full, "cd '%s' && %s >/dev/null 2>&1", root, cmd);
  assert_int_equal(system(full), 0);
}

/* Runs "facet check" with args (NULL-terminated) in root; returns what it
 * printed on stdout (static) and sets *status to its exit status. */
static const char *
check(int *status, ...)
{
  static char out[8192];
  char outpath[128];
  char *argv[16] = { "facet check" };
  int argc = 1;
  va_list ap;
  pid_t pid;
  FILE *f;
  size_t n;

  va_start(ap, status);
  while (argc < 15 && (argv[argc] = va_arg(ap, char *)) != NULL)
    argc++;
  va_end(ap);
  argv[argc] = NULL;
  snprintf(outpath, sizeof outpath, "%s.out", root);
  pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fd = open(outpath, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (fd < 0 || chdir(root) != 0)
      _exit(99);
    dup2(fd, STDOUT_FILENO);
    fflush(stdout);
    fd = check_main(argc, argv);
    fflush(stdout);
    _exit(fd);
  }
  assert_int_equal(waitpid(pid, status, 0), pid);
  *status = WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
  f = fopen(outpath, "r");
  assert_non_null(f);
  n = fread(out, 1, sizeof out - 1, f);
  out[n] = '\0';
  fclose(f);
  unlink(outpath);
  return out;
}

#define PROMPTY                                                              \
  "---\nname: x\nmodel:\n  api: chat\ninputs:\n  city:\n    type: string\n" \
  "---\nuser:\nPlan {{city}}.\n"

static void
a_dangling_symlink_in_a_folder_is_a_warning(void **state)
{
  int status;
  const char *out;

  (void)state;
  put("prompts/a.prompty", PROMPTY);
  sh("ln -s gone.prompty prompts/b.prompty");
  out = check(&status, "prompts", (char *)NULL);

  assert_string_equal(out,
    "prompts/b.prompty:1:1: warning: a symbolic link whose target does not "
    "exist; it was skipped [unreadable-file]\n"
    "\n"
    "grade       file               next step\n"
    "structured  prompts/a.prompty  pin the output: add outputs (or a "
    "response_format json_schema)\n"
    "\n"
    "2 files checked: 0 errors, 1 warning\n"
    "grades: loose 0, structured 1, schema 0, eval 0, code 0; 1 file has "
    "none (eval results, unreadable, or not an artifact)\n");
  assert_int_equal(status, 0);
}

static void
gitignore_rules_skip_untracked_files_only(void **state)
{
  int status;
  const char *out;

  (void)state;
  put(".gitignore", "*.prompty\ngen/\n");
  put("kept.prompty", PROMPTY);
  put("scratch.prompty", PROMPTY);
  put("gen/tracked.prompty", PROMPTY);
  put("gen/untracked.prompty", PROMPTY);
  /* Tracked despite the rules (git add -f), as git itself keeps them. */
  sh("git init -q . && git add -f kept.prompty gen/tracked.prompty");
  out = check(&status, ".", (char *)NULL);

  assert_string_equal(out,
    "\n"
    "grade       file                 next step\n"
    "structured  gen/tracked.prompty  pin the output: add outputs (or a "
    "response_format json_schema)\n"
    "structured  kept.prompty         pin the output: add outputs (or a "
    "response_format json_schema)\n"
    "\n"
    "2 files checked: 0 errors, 0 warnings\n"
    "grades: loose 0, structured 2, schema 0, eval 0, code 0\n");
  assert_int_equal(status, 0);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, make_root, remove_root)
    T(a_dangling_symlink_in_a_folder_is_a_warning),
    T(gitignore_rules_skip_untracked_files_only),
#undef T
  };

  return cmocka_run_group_tests(tests, NULL, NULL);
}
