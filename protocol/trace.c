#include "trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room after the body for the truncation note and the newline. */
#define TRACE__TAIL_MAX 64

static bool trace__on;

void
trace_init(void)
{
  const char *value = getenv("FACET_TRACE");

  trace__on = value && strcmp(value, "1") == 0;
}

void
trace_set_enabled(bool on)
{
  trace__on = on;
}

bool
trace_enabled(void)
{
  return trace__on;
}

void
trace_frame(enum trace_direction dir, const char *body, size_t len)
{
  char line[4 + TRACE_BODY_MAX + TRACE__TAIL_MAX];
  size_t shown = len < TRACE_BODY_MAX ? len : TRACE_BODY_MAX;
  size_t n;

  if (!trace__on)
    return;

  /* One fwrite per frame, so that concurrent log lines cannot split it. */
  memcpy(line, dir == TRACE_INCOMING ? "<<< " : ">>> ", 4);
  if (shown)
    memcpy(line + 4, body, shown);
  n = 4 + shown;
  if (shown < len)
    n += (size_t)snprintf(line + n, TRACE__TAIL_MAX, " ... (%zu more bytes)",
                          len - shown);
  line[n++] = '\n';
  fwrite(line, 1, n, stderr);
}
