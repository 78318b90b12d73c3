/*
 * The files a schema's $refs name, read for analysis (analyzers do no I/O
 * of their own): local files only, never the network, and only inside the
 * workspace when there is one. Reads run on analysis threads; the struct
 * is read-only once set up.
 *
 * Limitation: files are read from disk, not from the editor's buffers
 * (which belong to the event loop's thread), so an unsaved edit of a
 * referenced file is not seen until it is saved.
 */
#ifndef FACET_REFFILES_H
#define FACET_REFFILES_H

#include "schema.h"

struct reffiles {
  char *root;                  /* the workspace, resolved; NULL: any file */
  struct schema_files files;   /* what analyze_options.schema_files takes */
};

/* Sets up reading under root (copied and resolved; NULL for anywhere). */
void reffiles_init(struct reffiles *self, const char *root);

void reffiles_release(struct reffiles *self);

#endif
