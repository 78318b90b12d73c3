/*
 * A switch that dumps every frame body to stderr, "<<< " before incoming
 * ones and ">>> " before outgoing ones, one frame per line. It is off until
 * trace_init finds FACET_TRACE=1 or the server turns it on. It never writes
 * to stdout, which carries the protocol.
 */
#ifndef FACET_PROTOCOL_TRACE_H
#define FACET_PROTOCOL_TRACE_H

#include <stdbool.h>
#include <stddef.h>

/* Longer bodies are cut here and the number of dropped bytes is shown. */
#define TRACE_BODY_MAX 4096

enum trace_direction {
  TRACE_INCOMING,
  TRACE_OUTGOING,
};

/* Turns tracing on if the environment has FACET_TRACE=1, off otherwise. */
void trace_init(void);

void trace_set_enabled(bool on);
bool trace_enabled(void);

/*
 * Writes one body, borrowed for the call, to stderr when tracing is on. The
 * bytes are written as they are; a body holding a newline spans lines.
 */
void trace_frame(enum trace_direction dir, const char *body, size_t len);

#endif
