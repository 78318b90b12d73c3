#include "docstore.h"

#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>
#include <xxhash.h>

#include "artifact.h"
#include "error.h"
#include "pathglob.h"
#include "utf8.h"

/* Rehash past this many documents per bucket on average. */
#define DOCSTORE_LOAD_MAX 2

void
docstore_init(struct docstore *self)
{
  memset(self, 0, sizeof *self);
}

struct snapshot *
snapshot_ref(struct snapshot *snap)
{
  snap->refs++;
  return snap;
}

void
snapshot_unref(void *p)
{
  struct snapshot *snap = p;

  if (snap && --snap->refs == 0)
    free(snap);
}

/* A new snapshot of len bytes (uninitialised but for the NUL), or NULL. */
static struct snapshot *
snapshot__new(size_t len)
{
  struct snapshot *snap;

  if (len > DOCUMENT_TEXT_MAX)
    return NULL;
  snap = malloc(sizeof *snap + len + 1);
  if (!snap)
    return NULL;
  snap->refs = 1;
  snap->len = len;
  snap->data[len] = '\0';
  return snap;
}

/* Makes snap the document's text and indexes its lines. */
static int
document__take(struct document *doc, struct snapshot *snap)
{
  snapshot_unref(doc->text);
  doc->text = snap;
  source_release(&doc->lines);
  return source_init(&doc->lines, snap->data, snap->len);
}

void
document_free(struct document *doc)
{
  if (!doc)
    return;
  artifact_free(doc->artifact);
  source_release(&doc->lines);
  snapshot_unref(doc->text);
  free(doc->path);
  free(doc->uri);
  free(doc);
}

void
docstore_release(struct docstore *self)
{
  for (size_t i = 0; i < self->nbuckets; i++) {
    struct document *d = self->buckets[i];

    while (d) {
      struct document *next = d->next;

      document_free(d);
      d = next;
    }
  }
  free(self->buckets);
  docstore_init(self);
}

static size_t
docstore__bucket(const struct docstore *self, const char *uri)
{
  return (size_t)(XXH3_64bits(uri, strlen(uri)) % self->nbuckets);
}

struct document *
docstore_get(struct docstore *self, const char *uri)
{
  struct document *d;

  if (!self->nbuckets)
    return NULL;
  for (d = self->buckets[docstore__bucket(self, uri)]; d; d = d->next)
    if (strcmp(d->uri, uri) == 0)
      return d;
  return NULL;
}

static int
docstore__grow(struct docstore *self)
{
  size_t n = self->nbuckets ? self->nbuckets * 2 : 64;
  struct document **b = calloc(n, sizeof *b);
  struct docstore old = *self;

  if (!b)
    return FACET_ENOMEM;
  self->buckets = b;
  self->nbuckets = n;
  for (size_t i = 0; i < old.nbuckets; i++) {
    struct document *d = old.buckets[i];

    while (d) {
      struct document *next = d->next;
      size_t k = docstore__bucket(self, d->uri);

      d->next = b[k];
      b[k] = d;
      d = next;
    }
  }
  free(old.buckets);
  return 0;
}

char *
docstore_uri_to_path(const char *uri)
{
  char *path;

  if (strncmp(uri, "file://", 7) != 0)
    return NULL;
  path = malloc(strlen(uri) + 1);
  if (path && uriUriStringToUnixFilenameA(uri, path) != URI_SUCCESS) {
    free(path);
    return NULL;
  }
  return path;
}

char *
docstore_path_to_uri(const char *path)
{
  char *uri = malloc(3 * strlen(path) + 8);

  if (uri && uriUnixFilenameToUriStringA(path, uri) != URI_SUCCESS) {
    free(uri);
    return NULL;
  }
  return uri;
}

struct document *
docstore_find_path(struct docstore *self, const char *path)
{
  char norm[PATHGLOB_PATH_MAX];

  for (size_t b = 0; b < self->nbuckets; b++)
    for (struct document *d = self->buckets[b]; d; d = d->next)
      if (d->path && pathglob_normalize(d->path, norm, sizeof norm) &&
          strcmp(norm, path) == 0)
        return d;
  return NULL;
}

int
document_set_text(struct document *doc, const char *text, size_t len)
{
  struct snapshot *snap = snapshot__new(len);

  if (!snap)
    return len > DOCUMENT_TEXT_MAX ? FACET_ELIMIT : FACET_ENOMEM;
  memcpy(snap->data, text, len);
  snap->valid_utf8 = utf8_valid(text, len);
  return document__take(doc, snap);
}

int
document_edit(struct document *doc, uint32_t start, uint32_t end,
              const char *text, size_t len)
{
  const struct snapshot *old = doc->text;
  size_t removed = end - start;
  struct snapshot *snap;

  if (old->len - removed > DOCUMENT_TEXT_MAX - len)
    return FACET_ELIMIT;
  snap = snapshot__new(old->len - removed + len);
  if (!snap)
    return FACET_ENOMEM;
  memcpy(snap->data, old->data, start);
  memcpy(snap->data + start, text, len);
  memcpy(snap->data + start + len, old->data + end, old->len - end);
  /* Edits fall on character boundaries, so only the new text can break
   * validity: checking it keeps a keystroke from re-reading the file. */
  snap->valid_utf8 = old->valid_utf8 && utf8_valid(text, len);
  return document__take(doc, snap);
}

struct document *
docstore_open(struct docstore *self, const char *uri, int version,
              const char *text, size_t len)
{
  struct document *d = docstore_get(self, uri);
  size_t k;

  if (d) {
    /* A second didOpen replaces the first; pending work sees the serial. */
    d->serial = ++self->next_serial;
    d->version = version;
    return document_set_text(d, text, len) ? NULL : d;
  }
  if (self->count >= self->nbuckets * DOCSTORE_LOAD_MAX &&
      docstore__grow(self))
    return NULL;
  d = calloc(1, sizeof *d);
  if (!d)
    return NULL;
  d->uri = strdup(uri);
  d->path = docstore_uri_to_path(uri);
  d->serial = ++self->next_serial;
  d->version = version;
  d->artifact_version = -1;
  if (!d->uri || document_set_text(d, text, len)) {
    document_free(d);
    return NULL;
  }
  k = docstore__bucket(self, uri);
  d->next = self->buckets[k];
  self->buckets[k] = d;
  self->count++;
  return d;
}

struct document *
docstore_take(struct docstore *self, const char *uri)
{
  struct document **p;

  if (!self->nbuckets)
    return NULL;
  for (p = &self->buckets[docstore__bucket(self, uri)]; *p; p = &(*p)->next) {
    struct document *d = *p;

    if (strcmp(d->uri, uri) == 0) {
      *p = d->next;
      d->next = NULL;
      self->count--;
      return d;
    }
  }
  return NULL;
}

void
docstore_each(struct docstore *self,
              void (*fn)(struct document *doc, void *ctx), void *ctx)
{
  for (size_t i = 0; i < self->nbuckets; i++)
    for (struct document *d = self->buckets[i]; d; d = d->next)
      fn(d, ctx);
}
