/*
 * The editor session: what one client connection knows (its capabilities,
 * the negotiated position encoding, the open documents, settings) and the
 * handlers that turn its messages into analyzer calls and back. The
 * session never touches stdin or stdout: it is handed parsed messages and
 * sends through a callback, so tests drive it directly.
 */
#ifndef FACET_SESSION_H
#define FACET_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "docstore.h"
#include "overrides.h"
#include "position.h"
#include "wsindex.h"
#include "reffiles.h"

struct crystallise_state;
struct json_object;
struct jsonrpc_message;
struct session_index;

/*
 * Sends one message to the client; msg is borrowed (the session puts it
 * after the call).
 */
typedef void (*session_send_fn)(struct json_object *msg, void *ctx);

struct session_settings {
  struct overrides formats;   /* glob -> format, from facet.formats */
  size_t max_file_bytes;      /* facet.maxFileBytes; 0 for the default */
  struct overrides providers; /* glob -> enum schema_provider, and */
  int provider;               /* for other files, from facet.schemaProvider */
  int inlay_hints;            /* facet.inlayHints: SESSION_INLAY_* */
};

/* When the code lenses' words are inlay hints too (facet.inlayHints). */
enum {
  SESSION_INLAY_AUTO,         /* for clients that show no code lenses */
  SESSION_INLAY_ON,
  SESSION_INLAY_OFF,
};

struct session {
  uv_loop_t *loop;
  session_send_fn send;
  void *send_ctx;
  struct docstore docs;
  enum position_encoding encoding;
  bool initialized;          /* the initialize request was answered */
  bool shutdown;             /* shutdown was requested */
  bool exit_requested;
  int exit_code;
  int64_t client_pid;        /* initialize's processId, or 0 */
  bool config_pull;          /* client answers workspace/configuration */
  char *root;                /* workspace root path, or NULL */
  char **folders;            /* every workspace folder's path (root
                                first), owned; indexed alike */
  size_t nfolders;
  struct reffiles refs;      /* reads the files $refs name, in root */
  struct session_settings settings;
  struct document **queue;   /* documents to analyse once input is read */
  size_t nqueue;
  size_t cap_queue;
  unsigned jobs;             /* analyses in flight */
  int64_t next_id;           /* ids of requests facet sends */
  int64_t config_request;    /* id of the pending configuration pull */
  void (*on_exit)(struct session *self);  /* called when exit arrives */
  struct wsindex index;      /* the workspace's eval graph */
  struct session_index *indexing;  /* its upkeep (session_index.c) */
  bool progress_support;     /* window.workDoneProgress */
  bool watch_support;        /* didChangeWatchedFiles dynamic registration */
  bool lens_refresh_support; /* workspace.codeLens.refreshSupport */
  bool client_lenses;        /* textDocument.codeLens: it shows lenses */
  bool inlay_refresh_support; /* workspace.inlayHint.refreshSupport */
  bool action_literals;      /* textDocument.codeAction.
                                codeActionLiteralSupport: it takes
                                CodeAction objects; else Command[] only */
  bool apply_edit_support;   /* workspace.applyEdit */
  int64_t clock_fixed;       /* the time "3 h ago" counts from, for tests;
                                0: the clock's */
  unsigned stall_ms;         /* for tests: each analysis first waits this
                                long, as a slow one would */
  struct crystallise_state *crystal;      /* crystallise_lsp.h */
};

/* Sets up a session on loop; sends through send. No messages yet. */
void session_init(struct session *self, uv_loop_t *loop,
                  session_send_fn send, void *ctx);

/* Frees everything; call once no analysis is in flight (jobs == 0). */
void session_release(struct session *self);

/* Handles one message from the client (borrowed). */
void session_handle(struct session *self, struct jsonrpc_message *msg);

/*
 * Starts the analyses that messages handled since the last call asked for.
 * The transport calls it after each read, so a burst of edits that arrived
 * together costs one analysis.
 */
void session_flush(struct session *self);

/* Sends a notification; params_take is taken over. */
void session_notify(struct session *self, const char *method,
                    struct json_object *params_take);

#endif
