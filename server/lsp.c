/*
 * facet lsp: the transport. Reads frames from stdin on a libuv loop, hands
 * parsed messages to the session, and writes replies to stdout, which
 * carries nothing but the protocol. Logs go to stderr and, once a client
 * is connected, to its log through window/logMessage.
 */
#include "lsp.h"

#include <errno.h>
#include <json-c/json.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "buf.h"
#include "evalfile.h"
#include "frame.h"
#include "jsonrpc.h"
#include "log.h"
#include "session.h"
#include "trace.h"

/* How often to look for the client process named at initialize. */
#define LSP_PARENT_CHECK_MS 2000
/* How long the process waits at exit for analyses in flight. An analysis
 * on a worker thread cannot be stopped midway, and a client that said
 * exit (or went away) expects the process gone, not its CPU still busy. */
#define LSP_EXIT_GRACE_MS 500
/* Replies are written whole; none should come near this. */
#define LSP_OUTPUT_MAX ((size_t)256 << 20)

struct lsp {
  uv_loop_t *loop;
  union {
    uv_handle_t handle;
    uv_stream_t stream;
    uv_pipe_t pipe;
    uv_tty_t tty;
  } in;
  uv_timer_t parent_timer;
  uv_timer_t exit_timer;     /* armed by lsp__close */
  struct frame_reader reader;
  struct session session;
  struct buf out;
  pthread_t loop_thread;
  bool closing;
};

/* Writes all of data to stdout, waiting if it is non-blocking and full. */
static int
lsp__write_all(const char *data, size_t len)
{
  while (len > 0) {
    ssize_t n = write(STDOUT_FILENO, data, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd p = { STDOUT_FILENO, POLLOUT, 0 };

      poll(&p, 1, -1);
      continue;
    }
    if (n <= 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

static void
lsp__send(json_object *msg, void *ctx)
{
  struct lsp *self = ctx;
  const char *body = json_object_to_json_string_ext(
    msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
  size_t len = strlen(body);

  buf_clear(&self->out);
  if (frame_encode(body, len, &self->out) ||
      lsp__write_all(self->out.data, self->out.len))
    fprintf(stderr, "facet: could not write a reply to stdout\n");
}

/* Mirrors log lines into the client's log, from the loop thread only. */
static void
lsp__log_sink(enum log_level level, const char *msg, void *ctx)
{
  struct lsp *self = ctx;
  json_object *params;
  static const int types[] = { 4, 1, 2, 3, 4, 4 };

  if (!self->session.initialized || self->closing ||
      !pthread_equal(pthread_self(), self->loop_thread))
    return;
  params = json_object_new_object();
  json_object_object_add(params, "type", json_object_new_int(types[level]));
  json_object_object_add(params, "message", json_object_new_string(msg));
  session_notify(&self->session, "window/logMessage", params);
}

static void
lsp__on_body(const char *body, size_t len, void *ctx)
{
  struct lsp *self = ctx;
  struct jsonrpc_message msg;

  if (self->session.exit_requested)
    return;
  jsonrpc_message_parse(&msg, body, len);
  session_handle(&self->session, &msg);
  jsonrpc_message_release(&msg);
}

static void
lsp__on_frame_error(enum frame_error kind, const char *reason, void *ctx)
{
  struct lsp *self = ctx;
  int code = kind == FRAME_ERROR_TOO_LARGE ? JSONRPC_INVALID_REQUEST
                                           : JSONRPC_PARSE_ERROR;
  json_object *err;

  log_warn("bad frame from the client: %s", reason);
  /* The id is unknowable without the body, so the error names none. */
  err = jsonrpc_error_new(NULL, code, reason, NULL);
  lsp__send(err, self);
  json_object_put(err);
}

static void lsp__close(struct lsp *self);

static void
lsp__on_exit(struct session *session)
{
  lsp__close(session->send_ctx);
}

static void
lsp__feed(struct lsp *self, const char *data, size_t len)
{
  frame_reader_feed(&self->reader, data, len);
  session_flush(&self->session);
}

static void
lsp__alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
  static char space[64 * 1024];

  (void)handle;
  (void)suggested;
  buf->base = space;
  buf->len = sizeof space;
}

static void
lsp__on_read(uv_stream_t *stream, ssize_t n, const uv_buf_t *buf)
{
  struct lsp *self = stream->data;

  if (n > 0) {
    lsp__feed(self, buf->base, (size_t)n);
    return;
  }
  if (n == UV_EOF || n < 0) {
    if (n != UV_EOF)
      log_error("reading stdin failed: %s", uv_strerror((int)n));
    else if (!self->session.exit_requested)
      log_info("stdin closed: the client is gone, exiting");
    lsp__close(self);
  }
}

/* stdin is a regular file (tests, replays): read it in chunks. */
static uv_fs_t lsp__fs_req;
static char lsp__fs_space[64 * 1024];

static void
lsp__on_file_read(uv_fs_t *req)
{
  struct lsp *self = req->data;
  ssize_t n = req->result;
  uv_buf_t b = uv_buf_init(lsp__fs_space, sizeof lsp__fs_space);

  uv_fs_req_cleanup(req);
  if (n > 0)
    lsp__feed(self, lsp__fs_space, (size_t)n);
  if (n > 0 && !self->closing) {
    uv_fs_read(self->loop, req, STDIN_FILENO, &b, 1, -1, lsp__on_file_read);
    return;
  }
  if (n < 0)
    log_error("reading stdin failed: %s", uv_strerror((int)n));
  lsp__close(self);
}

/* The grace time is over: leave without the analyses still running (their
 * results would go nowhere) rather than wait for them. */
static void
lsp__exit_now(uv_timer_t *timer)
{
  struct lsp *self = timer->data;

  log_warn("exiting without waiting for %u analyses still running",
           self->session.jobs);
  _exit(self->session.exit_code);
}

/* Stops reading; the loop ends once running analyses have landed, or the
 * process ends LSP_EXIT_GRACE_MS later without them. */
static void
lsp__close(struct lsp *self)
{
  if (self->closing)
    return;
  self->closing = true;
  uv_timer_init(self->loop, &self->exit_timer);
  self->exit_timer.data = self;
  uv_timer_start(&self->exit_timer, lsp__exit_now, LSP_EXIT_GRACE_MS, 0);
  /* Only the analyses keep the loop alive, never this timer. */
  uv_unref((uv_handle_t *)&self->exit_timer);
  if (self->in.handle.type != UV_UNKNOWN_HANDLE &&
      !uv_is_closing(&self->in.handle))
    uv_close(&self->in.handle, NULL);
  if (uv_is_active((uv_handle_t *)&self->parent_timer) ||
      self->parent_timer.type == UV_TIMER)
    uv_close((uv_handle_t *)&self->parent_timer, NULL);
}

static void
lsp__check_parent(uv_timer_t *timer)
{
  struct lsp *self = timer->data;
  pid_t pid = (pid_t)self->session.client_pid;

  if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
    return;
  log_info("the client process %ld is gone, exiting", (long)pid);
  lsp__close(self);
}

static int
lsp__open_stdin(struct lsp *self)
{
  uv_handle_type type = uv_guess_handle(STDIN_FILENO);
  int rc;

  memset(&self->in, 0, sizeof self->in);
  if (type == UV_FILE) {
    uv_buf_t b = uv_buf_init(lsp__fs_space, sizeof lsp__fs_space);

    lsp__fs_req.data = self;
    return uv_fs_read(self->loop, &lsp__fs_req, STDIN_FILENO, &b, 1, -1,
                      lsp__on_file_read);
  }
  if (type == UV_TTY)
    rc = uv_tty_init(self->loop, &self->in.tty, STDIN_FILENO, 1);
  else if ((rc = uv_pipe_init(self->loop, &self->in.pipe, 0)) == 0)
    rc = uv_pipe_open(&self->in.pipe, STDIN_FILENO);
  if (rc)
    return rc;
  self->in.stream.data = self;
  return uv_read_start(&self->in.stream, lsp__alloc, lsp__on_read);
}

static int
lsp__options(int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    int level;

    if (strcmp(argv[i], "--stdio") == 0)
      continue;
    if (strcmp(argv[i], "--log-level") == 0) {
      level = i + 1 < argc ? log_level_parse(argv[++i]) : -1;
      if (level < 0) {
        fprintf(stderr, "facet lsp: --log-level wants error, warn, info, "
                "debug or trace\n");
        return -1;
      }
      log_set_level((enum log_level)level);
      continue;
    }
    if (strcmp(argv[i], "--help") == 0) {
      puts("usage: facet lsp [--stdio] [--log-level LEVEL]\n\n"
           "Serves the Language Server Protocol on stdin and stdout.\n"
           "Set FACET_TRACE=1 to copy every frame to stderr.");
      return 1;
    }
    fprintf(stderr, "facet lsp: unknown option '%s' (stdio is the only "
            "transport)\n", argv[i]);
    return -1;
  }
  return 0;
}

int
lsp_main(int argc, char **argv)
{
  struct lsp self;
  static const struct frame_handler handler_template = { 0 };
  struct frame_handler handler = handler_template;
  int rc = lsp__options(argc, argv);

  if (rc)
    return rc > 0 ? 0 : 2;
  memset(&self, 0, sizeof self);
  signal(SIGPIPE, SIG_IGN);
  /* glibc gives each analysis thread its own heap; with a thousand open
   * documents that spread costs more memory than the threads save. */
  mallopt(M_ARENA_MAX, 2);
  trace_init();
  self.loop = uv_default_loop();
  self.loop_thread = pthread_self();
  buf_init(&self.out, LSP_OUTPUT_MAX);
  handler.on_body = lsp__on_body;
  handler.on_error = lsp__on_frame_error;
  handler.ctx = &self;
  frame_reader_init(&self.reader, &handler, FRAME_BODY_MAX_DEFAULT);
  session_init(&self.session, self.loop, lsp__send, &self);
  self.session.on_exit = lsp__on_exit;
  /* FACET_NOW fixes the time "3 h ago" counts from: tests, demos. */
  if (getenv("FACET_NOW"))
    self.session.clock_fixed = evalfile_parse_time(getenv("FACET_NOW"));
  /* FACET_TEST_STALL_MS makes every analysis slow: tests of exit. */
  if (getenv("FACET_TEST_STALL_MS"))
    self.session.stall_ms = (unsigned)strtoul(getenv("FACET_TEST_STALL_MS"),
                                              NULL, 10);
  log_set_sink(lsp__log_sink, &self);

  uv_timer_init(self.loop, &self.parent_timer);
  self.parent_timer.data = &self;
  uv_timer_start(&self.parent_timer, lsp__check_parent, LSP_PARENT_CHECK_MS,
                 LSP_PARENT_CHECK_MS);
  uv_unref((uv_handle_t *)&self.parent_timer);
  rc = lsp__open_stdin(&self);
  if (rc) {
    log_error("cannot read stdin: %s", uv_strerror(rc));
    lsp__close(&self);
  }
  uv_run(self.loop, UV_RUN_DEFAULT);
  if (self.closing) {
    uv_close((uv_handle_t *)&self.exit_timer, NULL);
    uv_run(self.loop, UV_RUN_DEFAULT);
  }

  log_set_sink(NULL, NULL);
  rc = self.session.exit_code;
  session_release(&self.session);
  frame_reader_release(&self.reader);
  buf_release(&self.out);
  uv_loop_close(self.loop);
  return rc;
}
