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

  if (snap && --snap->refs == 0) {
    source_release(&snap->lines);
    free(snap);
  }
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
  memset(&snap->lines, 0, sizeof snap->lines);
  return snap;
}

/*
 * Indexes the lines of snap, from the document's current index when the
 * change from its text is known, and makes snap the document's text.
 */
static int
document__take(struct document *doc, struct snapshot *snap,
               struct text_change change)
{
  int rc = doc->text ? source_init_edited(&snap->lines, snap->data,
                                          snap->len, &doc->text->lines,
                                          change)
                     : source_init(&snap->lines, snap->data, snap->len);

  if (rc) {
    snapshot_unref(snap);
    return rc;
  }
  snapshot_unref(doc->text);
  doc->text = snap;
  doc->lines = snap->lines;
  return 0;
}

/* Adds an edit of the current text to doc->change; no-ops are none. */
static void
document__changed(struct document *doc, uint32_t start, uint32_t end,
                  uint32_t len)
{
  if (start != end || len != 0)
    text_change_add(&doc->change, start, end, len);
}

/*
 * Moves doc's anchors through the edit that replaces bytes [start, end) of
 * its current text with the len bytes at text: called before the edit
 * is taken, while doc->lines still index the old text. The edit is first
 * trimmed to what it changes (a client may resend a whole line, or all).
 */
static void
document__follow(struct document *doc, uint32_t start, uint32_t end,
                 const char *text, size_t len)
{
  const char *old = doc->text->data;
  uint32_t sl, el, added = 0, gone;
  int64_t delta;

  if (!doc->nanchors)
    return;
  while (start < end && len && old[start] == text[0]) {
    start++;
    text++;
    len--;
  }
  while (start < end && len && old[end - 1] == text[len - 1]) {
    end--;
    len--;
  }
  if (start == end && len == 0)
    return;
  sl = source_line_of(&doc->lines, start);
  el = source_line_of(&doc->lines, end);
  for (size_t i = 0; i < len; i++)
    added += text[i] == '\n';
  gone = el - sl;
  delta = (int64_t)added - gone;
  for (unsigned i = 0; i < doc->nanchors; i++) {
    struct line_anchor *a = &doc->anchors[i];
    int64_t first = a->first, last = a->last;

    if (end <= source_line_start(&doc->lines, a->first)) {
      first += delta;          /* wholly above: it moves */
      last += delta;
    } else if (start >= source_line_end(&doc->lines, a->last)) {
      continue;                /* wholly below, or after its last line */
    } else {
      /* Inside or across it: it takes in what replaced its lines. */
      if (sl < a->first)
        first = sl;
      last = el > a->last ? (int64_t)sl + added : last + delta;
    }
    if (last < first)
      last = first;
    a->first = first < 0 ? 0 : (uint32_t)first;
    a->last = last < 0 ? 0 : (uint32_t)last;
  }
}

void
document_anchor_set(struct document *doc, uint64_t key, uint32_t first,
                    uint32_t last)
{
  unsigned i = 0;

  /* Most documents never get one: the array is made at the first. */
  if (!doc->anchors &&
      !(doc->anchors = calloc(DOCUMENT_ANCHORS_MAX, sizeof *doc->anchors)))
    return;
  while (i < doc->nanchors && doc->anchors[i].key != key)
    i++;
  if (i == DOCUMENT_ANCHORS_MAX) {
    memmove(doc->anchors, doc->anchors + 1,
            (DOCUMENT_ANCHORS_MAX - 1) * sizeof doc->anchors[0]);
    i = DOCUMENT_ANCHORS_MAX - 1;
  } else if (i == doc->nanchors) {
    doc->nanchors++;
  }
  doc->anchors[i].key = key;
  doc->anchors[i].first = first;
  doc->anchors[i].last = last;
}

bool
document_anchor_get(const struct document *doc, uint64_t key,
                    uint32_t *first, uint32_t *last)
{
  for (unsigned i = 0; i < doc->nanchors; i++)
    if (doc->anchors[i].key == key) {
      *first = doc->anchors[i].first;
      *last = doc->anchors[i].last;
      return true;
    }
  return false;
}

/* The change from old to new: what lies between their common ends. */
static struct text_change
document__diff(const struct snapshot *old, const char *text, size_t len)
{
  size_t min = old->len < len ? old->len : len;
  size_t head = 0;
  size_t tail = 0;
  struct text_change c;

  while (head < min && old->data[head] == text[head])
    head++;
  while (tail < min - head &&
         old->data[old->len - 1 - tail] == text[len - 1 - tail])
    tail++;
  c.start = (uint32_t)head;
  c.old_end = (uint32_t)(old->len - tail);
  c.new_end = (uint32_t)(len - tail);
  return c;
}

void
document_free(struct document *doc)
{
  if (!doc)
    return;
  artifact_free(doc->artifact);
  snapshot_unref(doc->text);
  free(doc->anchors);
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
  struct text_change c = text_change_none();
  int rc;

  if (!snap)
    return len > DOCUMENT_TEXT_MAX ? FACET_ELIMIT : FACET_ENOMEM;
  memcpy(snap->data, text, len);
  snap->valid_utf8 = utf8_valid(text, len);
  /* A client that sends whole texts still changes little per keystroke:
   * what differs is the change, as if it had been sent as an edit. */
  if (doc->text) {
    c = document__diff(doc->text, text, len);
    document__follow(doc, c.start, c.old_end, text + c.start,
                     c.new_end - c.start);
  }
  rc = document__take(doc, snap, c);
  if (rc == 0 && !text_change_is_none(c))
    document__changed(doc, c.start, c.old_end, c.new_end - c.start);
  return rc;
}

int
document_edit(struct document *doc, uint32_t start, uint32_t end,
              const char *text, size_t len)
{
  const struct snapshot *old = doc->text;
  size_t removed = end - start;
  struct snapshot *snap;
  struct text_change c;
  int rc;

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
  c.start = start;
  c.old_end = end;
  c.new_end = start + (uint32_t)len;
  document__follow(doc, start, end, text, len);
  rc = document__take(doc, snap, c);
  if (rc == 0)
    document__changed(doc, start, end, (uint32_t)len);
  return rc;
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
  d->change = text_change_none();
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
