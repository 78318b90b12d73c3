/*
 * A workspace's own configuration: .facet.yaml at its root. Today it
 * says where eval results are written, as globs relative to the root
 * (docs/evals.md):
 *
 *   results:
 *     - output/results-[0-9]*.json
 *     - reports/junit.xml
 *
 * The editor's facet.results setting adds globs the same way. Matching
 * files are read even where .gitignore would skip them, since results
 * folders are usually ignored.
 */
#ifndef FACET_WSCONFIG_H
#define FACET_WSCONFIG_H

#include <stddef.h>

/* Globs one configuration may list. */
#define WSCONFIG_GLOBS_MAX 32

/* The file's name, at the workspace root. */
#define WSCONFIG_FILE ".facet.yaml"

struct wsconfig {
  char *results[WSCONFIG_GLOBS_MAX];  /* owned, normalised, relative */
  size_t nresults;
  size_t nsettings;   /* the first nsettings came from the editor's
                         settings; the rest from .facet.yaml */
};

void wsconfig_init(struct wsconfig *self);
void wsconfig_release(struct wsconfig *self);

/* Forgets the globs .facet.yaml gave, keeping the settings' ones. */
void wsconfig_forget_file(struct wsconfig *self);

/* Adds a results glob (copied). Returns 0, FACET_ELIMIT or FACET_EINVAL
 * (empty, absolute or climbing out of the root). */
int wsconfig_add_results(struct wsconfig *self, const char *glob);

/*
 * Reads root/.facet.yaml into self, if there is one (none is no error).
 * Returns 0, or a facet_error after writing why (at most size bytes) for
 * a file that does not parse or says something facet does not read.
 */
int wsconfig_read(struct wsconfig *self, const char *root, char *why,
                  size_t size);

#endif
