/*
 * Leveled logging to stderr and, once the server installs a sink, to the
 * client's log. Nothing here ever writes to stdout: in server mode stdout
 * carries the protocol and nothing else.
 */
#ifndef FACET_BASE_LOG_H
#define FACET_BASE_LOG_H

#include <stdbool.h>

enum log_level {
  LOG_LEVEL_OFF = 0,
  LOG_LEVEL_ERROR = 1,
  LOG_LEVEL_WARN = 2,
  LOG_LEVEL_INFO = 3,
  LOG_LEVEL_DEBUG = 4,
  LOG_LEVEL_TRACE = 5,
};

/*
 * Receives each message that passed the level check. msg is borrowed for
 * the duration of the call.
 */
typedef void (*log_sink_fn)(enum log_level level, const char *msg,
                            void *ctx);

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* Parses "error", "warn", "info", "debug", "trace" or "off"; -1 if none. */
int log_level_parse(const char *name);

/* Installs (or, with NULL, removes) the second destination for messages. */
void log_set_sink(log_sink_fn sink, void *ctx);

/* Whether a message at level would be written: check before formatting. */
bool log_enabled(enum log_level level);

/* Writes one message; callers normally use the macros below. */
void log_write(enum log_level level, const char *fmt, ...)
  __attribute__((format(printf, 2, 3)));

#define log_error(...)                                   \
  do {                                                    \
    if (log_enabled(LOG_LEVEL_ERROR))                       \
      log_write(LOG_LEVEL_ERROR, __VA_ARGS__);              \
  } while (0)
#define log_warn(...)                                   \
  do {                                                    \
    if (log_enabled(LOG_LEVEL_WARN))                       \
      log_write(LOG_LEVEL_WARN, __VA_ARGS__);              \
  } while (0)
#define log_info(...)                                   \
  do {                                                    \
    if (log_enabled(LOG_LEVEL_INFO))                       \
      log_write(LOG_LEVEL_INFO, __VA_ARGS__);              \
  } while (0)
#define log_debug(...)                                   \
  do {                                                    \
    if (log_enabled(LOG_LEVEL_DEBUG))                       \
      log_write(LOG_LEVEL_DEBUG, __VA_ARGS__);              \
  } while (0)
#define log_trace(...)                                   \
  do {                                                    \
    if (log_enabled(LOG_LEVEL_TRACE))                       \
      log_write(LOG_LEVEL_TRACE, __VA_ARGS__);              \
  } while (0)

#endif
