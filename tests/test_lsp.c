/*
 * The LSP transport as a client meets it: facet lsp in a child process,
 * spoken to through pipes. Checks what only the real process shows (when
 * it ends), which the in-process session tests cannot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lsp.h"

struct child {
  pid_t pid;
  int in;    /* what the client writes */
};

/* Starts lsp_main in a child whose analyses each take stall_ms. */
static struct child
start_server(const char *stall_ms)
{
  int to[2];
  struct child c;
  int devnull;

  assert_int_equal(pipe(to), 0);
  c.pid = fork();
  assert_true(c.pid >= 0);
  if (c.pid == 0) {
    char *argv[] = { "lsp", "--stdio", NULL };

    setenv("FACET_TEST_STALL_MS", stall_ms, 1);
    dup2(to[0], STDIN_FILENO);
    close(to[0]);
    close(to[1]);
    /* Replies and logs are not read here. */
    devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    _exit(lsp_main(2, argv));
  }
  close(to[0]);
  c.in = to[1];
  return c;
}

static void
send_msg(struct child *c, const char *body)
{
  char head[64];
  int n = snprintf(head, sizeof head, "Content-Length: %zu\r\n\r\n",
                   strlen(body));

  assert_int_equal(write(c->in, head, (size_t)n), n);
  assert_int_equal(write(c->in, body, strlen(body)), (ssize_t)strlen(body));
}

/* Waits up to limit seconds for the child: its exit status, or -1 if it
 * was still running (it is killed then). *took is the time waited. */
static int
wait_exit(struct child *c, double limit, double *took)
{
  struct timespec t0, t;
  int status;

  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    pid_t r = waitpid(c->pid, &status, WNOHANG);

    clock_gettime(CLOCK_MONOTONIC, &t);
    *took = (double)(t.tv_sec - t0.tv_sec) +
            (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
    if (r == c->pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    if (*took > limit) {
      kill(c->pid, SIGKILL);
      waitpid(c->pid, &status, 0);
      return -1;
    }
    usleep(10000);
  }
}

static void
open_and_wait(struct child *c)
{
  send_msg(c, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
              "\"params\":{\"processId\":null,\"rootUri\":null,"
              "\"capabilities\":{}}}");
  send_msg(c, "{\"jsonrpc\":\"2.0\",\"method\":\"initialized\","
              "\"params\":{}}");
  send_msg(c, "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\","
              "\"params\":{\"textDocument\":{\"uri\":\"file:///tmp/x.prompty\","
              "\"languageId\":\"prompty\",\"version\":1,\"text\":"
              "\"---\\nname: x\\n---\\nuser:\\nHi\\n\"}}}");
  /* Let the analysis start on its worker thread. */
  usleep(200000);
}

static void
exit_does_not_wait_for_a_running_analysis(void **state)
{
  struct child c = start_server("60000");
  double took;
  int rc;

  (void)state;
  open_and_wait(&c);
  send_msg(&c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
  send_msg(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  rc = wait_exit(&c, 10.0, &took);
  close(c.in);

  /* It used to stay until the analysis (here a minute) ended. */
  assert_int_equal(rc, 0);
  assert_true(took < 3.0);
}

static void
a_closed_stdin_does_not_wait_for_a_running_analysis(void **state)
{
  struct child c = start_server("60000");
  double took;
  int rc;

  (void)state;
  open_and_wait(&c);
  close(c.in);
  rc = wait_exit(&c, 10.0, &took);

  /* No exit notification: the client is gone, an error exit. */
  assert_int_equal(rc, 1);
  assert_true(took < 3.0);
}

static void
exit_with_no_analysis_running_is_immediate(void **state)
{
  struct child c = start_server("0");
  double took;
  int rc;

  (void)state;
  open_and_wait(&c);
  send_msg(&c, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"shutdown\"}");
  send_msg(&c, "{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}");
  rc = wait_exit(&c, 10.0, &took);
  close(c.in);

  assert_int_equal(rc, 0);
  assert_true(took < 3.0);
}

int
main(void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(exit_does_not_wait_for_a_running_analysis),
    cmocka_unit_test(a_closed_stdin_does_not_wait_for_a_running_analysis),
    cmocka_unit_test(exit_with_no_analysis_running_is_immediate),
  };

  signal(SIGPIPE, SIG_IGN);
  return cmocka_run_group_tests(tests, NULL, NULL);
}
