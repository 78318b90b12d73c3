/*
 * CSV files of test cases (promptfoo reads them with csv-parse and
 * columns: true), read into the same node tree YAML and JSON give, so that
 * a row is checked and linked like a test written in YAML: a sequence with
 * one mapping per record after the header, whose keys are the header's
 * cells and whose values are the record's fields, each with its exact
 * span. Fields are always strings, as csv-parse returns them.
 *
 * facet reads CSV itself rather than through a library because every cell
 * needs its byte span (findings point at a cell, a rename edits a header
 * cell), which the CSV libraries Debian packages do not report.
 */
#ifndef FACET_CSV_H
#define FACET_CSV_H

#include "source.h"

struct arena;
struct diag_list;
struct node;

/* Records one file may hold; a larger CSV is data, not tests. */
#define CSV_RECORDS_MAX ((uint32_t)1 << 20)
/* Columns one record may hold. */
#define CSV_FIELDS_MAX 4096

/*
 * Parses the CSV in span of src (RFC 4180: fields separated by delim,
 * double quotes around fields that hold it, a quote or a line break, ""
 * for a quote inside them; LF or CRLF line ends; a UTF-8 BOM skipped;
 * blank lines skipped). The header row's cells are the keys of every
 * record's mapping (shared nodes). A record whose field count differs
 * from the header's, an unterminated quote and text after a closing quote
 * are csv-syntax diagnostics; the record is still read. *out is NULL for
 * a file without a header. Returns 0 or FACET_ENOMEM.
 */
int csv_parse(struct arena *a, const struct source *src, struct span span,
              char delim, struct diag_list *diags, struct node **out);

#endif
