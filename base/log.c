#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Longer messages are cut: a log line is for people, not for payloads. */
#define LOG_MESSAGE_MAX 2048

static enum log_level log__level = LOG_LEVEL_WARN;
static log_sink_fn log__sink;
static void *log__sink_ctx;

static const char *const log__names[] = {
  "off", "error", "warn", "info", "debug", "trace",
};

void
log_set_level(enum log_level level)
{
  log__level = level;
}

enum log_level
log_get_level(void)
{
  return log__level;
}

int
log_level_parse(const char *name)
{
  for (int i = 0; i < (int)(sizeof log__names / sizeof log__names[0]); i++)
    if (strcmp(name, log__names[i]) == 0)
      return i;
  if (strcmp(name, "warning") == 0)
    return LOG_LEVEL_WARN;
  return -1;
}

void
log_set_sink(log_sink_fn sink, void *ctx)
{
  log__sink = sink;
  log__sink_ctx = ctx;
}

bool
log_enabled(enum log_level level)
{
  return level != LOG_LEVEL_OFF && level <= log__level;
}

void
log_write(enum log_level level, const char *fmt, ...)
{
  char msg[LOG_MESSAGE_MAX];
  va_list ap;

  if (!log_enabled(level))
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);

  fprintf(stderr, "facet: %s: %s\n", log__names[level], msg);
  if (log__sink)
    log__sink(level, msg, log__sink_ctx);
}
