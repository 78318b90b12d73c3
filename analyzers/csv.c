#include "csv.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "tree.h"
#include "vec.h"

struct csv {
  struct arena *arena;
  const char *s;
  uint32_t at;
  uint32_t end;
  char delim;
  struct diag_list *diags;
  struct buf value;          /* the decoded field being read */
  struct node **fields;      /* the record being read */
  size_t nfields;
  size_t cap_fields;
  bool bad_quote;            /* one finding per file is enough */
};

/* Reads one field at c->at; returns its node, or NULL out of memory. */
static struct node *
csv__field(struct csv *c)
{
  uint32_t start = c->at;
  unsigned flags = 0;
  struct node *n;

  buf_clear(&c->value);
  if (c->at < c->end && c->s[c->at] == '"') {
    flags = NODE_QUOTED;
    c->at++;
    for (;;) {
      if (c->at >= c->end) {
        if (!c->bad_quote)
          diag_add(c->diags, DIAG_CSV_SYNTAX, span_make(start, start + 1),
                   "the quoted field opened here is never closed");
        c->bad_quote = true;
        break;
      }
      if (c->s[c->at] == '"') {
        if (c->at + 1 < c->end && c->s[c->at + 1] == '"') {
          buf_putc(&c->value, '"');
          c->at += 2;
          continue;
        }
        c->at++;
        break;
      }
      buf_putc(&c->value, c->s[c->at++]);
    }
    if (c->at < c->end && c->s[c->at] != c->delim && c->s[c->at] != '\n' &&
        c->s[c->at] != '\r') {
      uint32_t junk = c->at;

      while (c->at < c->end && c->s[c->at] != c->delim &&
             c->s[c->at] != '\n' && c->s[c->at] != '\r')
        buf_putc(&c->value, c->s[c->at++]);
      diag_add(c->diags, DIAG_CSV_SYNTAX, span_make(junk, c->at),
               "text after the closing quote of a field; quote the whole "
               "field");
    }
  } else {
    while (c->at < c->end && c->s[c->at] != c->delim &&
           c->s[c->at] != '\n' && c->s[c->at] != '\r')
      buf_putc(&c->value, c->s[c->at++]);
  }
  n = node_new_scalar(c->arena, span_make(start, c->at),
                      c->value.data ? c->value.data : "",
                      (uint32_t)c->value.len, flags);
  if (n)
    n->type = SCALAR_STRING;
  return n;
}

/* Reads one record into c->fields; false at the end of the text. */
static int
csv__record(struct csv *c, bool *got)
{
  *got = false;
  c->nfields = 0;
  /* Blank lines hold no record. */
  while (c->at < c->end && (c->s[c->at] == '\n' || c->s[c->at] == '\r'))
    c->at++;
  if (c->at >= c->end)
    return 0;
  for (;;) {
    struct node *f = csv__field(c);

    if (!f || vec_reserve((void **)&c->fields, &c->cap_fields, c->nfields,
                          sizeof *c->fields, CSV_FIELDS_MAX) == FACET_ENOMEM)
      return FACET_ENOMEM;
    if (c->nfields < CSV_FIELDS_MAX)
      c->fields[c->nfields++] = f;
    if (c->at < c->end && c->s[c->at] == c->delim) {
      c->at++;
      continue;
    }
    break;
  }
  if (c->at < c->end && c->s[c->at] == '\r')
    c->at++;
  if (c->at < c->end && c->s[c->at] == '\n')
    c->at++;
  *got = true;
  return 0;
}

/* The mapping of one record: header cells to fields. */
static struct node *
csv__row(struct csv *c, struct node **header, size_t ncols)
{
  size_t n = c->nfields < ncols ? c->nfields : ncols;
  struct node **pairs = calloc(2 * (n ? n : 1), sizeof *pairs);
  struct span span;
  struct node *row;

  if (!pairs)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    pairs[2 * i] = header[i];
    pairs[2 * i + 1] = c->fields[i];
  }
  span = span_make(c->fields[0]->span.start,
                   c->fields[c->nfields - 1]->span.end);
  if (c->nfields != ncols)
    diag_add(c->diags, DIAG_CSV_SYNTAX, span,
             "this row has %zu field%s, but the header names %zu column%s",
             c->nfields, c->nfields == 1 ? "" : "s", ncols,
             ncols == 1 ? "" : "s");
  row = node_new_collection(c->arena, NODE_MAP, span, pairs, (uint32_t)n,
                            0);
  free(pairs);
  return row;
}

static int
csv__rows(struct csv *c, struct node ***rows, size_t *nrows)
{
  struct node **header = NULL;
  size_t ncols = 0;
  size_t cap = 0;
  bool got;
  int rc = csv__record(c, &got);

  if (rc || !got)
    return rc;
  header = malloc(c->nfields * sizeof *header);
  if (!header)
    return FACET_ENOMEM;
  memcpy(header, c->fields, c->nfields * sizeof *header);
  ncols = c->nfields;
  while ((rc = csv__record(c, &got)) == 0 && got) {
    struct node *row = csv__row(c, header, ncols);

    if (!row || vec_reserve((void **)rows, &cap, *nrows, sizeof **rows,
                            CSV_RECORDS_MAX)) {
      rc = row ? 0 : FACET_ENOMEM;
      break;
    }
    (*rows)[(*nrows)++] = row;
  }
  free(header);
  return rc;
}

int
csv_parse(struct arena *a, const struct source *src, struct span span,
          char delim, struct diag_list *diags, struct node **out)
{
  struct csv c = { a, src->text, span.start, span.end, delim, diags,
                   { 0 }, NULL, 0, 0, false };
  struct node **rows = NULL;
  size_t nrows = 0;
  int rc;

  *out = NULL;
  if (c.at < src->bom)
    c.at = src->bom;
  buf_init(&c.value, (size_t)span.end - span.start + 1);
  rc = csv__rows(&c, &rows, &nrows);
  if (rc == 0 && c.cap_fields)
    *out = node_new_collection(a, NODE_SEQ, span, rows, (uint32_t)nrows,
                               0);
  if (rc == 0 && c.cap_fields && !*out)
    rc = FACET_ENOMEM;
  free(rows);
  free(c.fields);
  buf_release(&c.value);
  return rc;
}
