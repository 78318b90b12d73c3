/*
 * The documents the client has open: their text as the client sees it,
 * kept in step with didOpen, didChange (full and incremental) and
 * didClose, and the latest analysis of each.
 */
#ifndef FACET_DOCSTORE_H
#define FACET_DOCSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct artifact;
struct pending;

/* An open document can grow to the protocol's frame limit, no further. */
#define DOCUMENT_TEXT_MAX ((size_t)64 << 20)

/*
 * An immutable copy of a document's text and its line index, shared by the
 * document and the analyses made of it: an edit makes a new snapshot, so an
 * analysis never sees text change under it, and a document and its latest
 * analysis hold one copy of each between them. Reference counts change on
 * the event loop's thread only.
 */
struct snapshot {
  unsigned refs;
  bool valid_utf8;   /* known to be valid UTF-8, so analysis need not check */
  size_t len;
  struct source lines;  /* line index of data; owned */
  char data[];   /* len bytes and a NUL */
};

/* Adds a reference; returns snap. */
struct snapshot *snapshot_ref(struct snapshot *snap);

/* Drops a reference, freeing the snapshot with the last one. Takes void *
 * so it can be handed to an artifact as its release function. */
void snapshot_unref(void *snap);

/*
 * Lines the server found something at (a crystallised fragment, keyed by
 * its hash), followed through every edit of the document since: lines
 * added or removed above move them, an edit inside grows or shrinks them.
 * So what was found where it was can still be placed once its own text
 * has changed, when it can no longer be found by its text.
 */
struct line_anchor {
  uint64_t key;
  uint32_t first, last;       /* 0-based, inclusive, in the current text */
};

#define DOCUMENT_ANCHORS_MAX 32

struct document {
  struct document *next;      /* hash chain */
  char *uri;
  char *path;                 /* local path of a file: URI, or NULL */
  uint64_t serial;            /* unique per open, so a reopen is new */
  int version;
  struct snapshot *text;      /* the current text; one reference owned */
  struct source lines;        /* text->lines (a copy of the struct; the
                                 snapshot owns the index) */
  struct artifact *artifact;  /* latest analysis, or NULL; owned */
  int artifact_version;       /* the version artifact was made from */
  struct text_change change;  /* how text differs from the text artifact
                                 was made from, over all edits since */
  bool analysing;             /* an analysis is running */
  bool dirty;                 /* text changed since that analysis began */
  bool unsaved;               /* edited since it was opened or saved */
  bool closed;                /* closed while analysing: out of the store,
                                 freed when that analysis lands */
  struct pending *pending;    /* requests waiting for the analysis */
  uint64_t published;         /* hash of the diagnostics last published
                                 for this version, or 0 */
  int published_version;
  struct line_anchor *anchors; /* DOCUMENT_ANCHORS_MAX of them, allocated
                                 at the first; owned */
  unsigned nanchors;
};

struct docstore {
  struct document **buckets;
  size_t nbuckets;
  size_t count;
  uint64_t next_serial;
};

void docstore_init(struct docstore *self);

/* Frees every document (their artifacts too). */
void docstore_release(struct docstore *self);

/* The open document with this URI, or NULL. */
struct document *docstore_get(struct docstore *self, const char *uri);

/*
 * Opens (or, if open, replaces) the document at uri with len bytes of text
 * (copied). Returns it, or NULL when out of memory or over the size limit.
 */
struct document *docstore_open(struct docstore *self, const char *uri,
                               int version, const char *text, size_t len);

/* Removes the document from the store and hands it to the caller, who
 * frees it with document_free. NULL if it was not open. */
struct document *docstore_take(struct docstore *self, const char *uri);

void document_free(struct document *doc);

/*
 * Replaces the whole text (the change recorded is what differs between
 * the old text and the new). Returns 0, FACET_ENOMEM or FACET_ELIMIT.
 */
int document_set_text(struct document *doc, const char *text, size_t len);

/*
 * Replaces bytes [start, end) with len bytes of text, re-indexes lines and
 * adds the edit to doc->change. start and end must be within the text,
 * start <= end.
 */
int document_edit(struct document *doc, uint32_t start, uint32_t end,
                  const char *text, size_t len);

/* Remembers that key was found at lines first..last of the current text
 * (replacing what key had; the oldest anchor goes when all are taken).
 * Out of memory, nothing is remembered. */
void document_anchor_set(struct document *doc, uint64_t key, uint32_t first,
                         uint32_t last);

/* Where key's lines are now, followed through the edits since it was set:
 * false when it was never set (or was dropped). */
bool document_anchor_get(const struct document *doc, uint64_t key,
                         uint32_t *first, uint32_t *last);

/* Calls fn for every open document. */
void docstore_each(struct docstore *self,
                   void (*fn)(struct document *doc, void *ctx), void *ctx);

/* The open document whose local path is path (normalised), or NULL. */
struct document *docstore_find_path(struct docstore *self, const char *path);

/* The file: URI of an absolute path (new string the caller frees), or
 * NULL out of memory. */
char *docstore_path_to_uri(const char *path);

/*
 * The local path of a file: URI (percent-decoded, new string the caller
 * frees), or NULL for other schemes.
 */
char *docstore_uri_to_path(const char *uri);

#endif
