/*
 * Provenance: the record every crystallised artifact carries of the prompt
 * fragment it came from, written where the artifact's own tools ignore it
 * (docs/crystallise.md):
 *
 *   JSON Schema       "$comment": "facet: crystallised from P lines A-B, ..."
 *   promptfoo test    metadata: { facet: "crystallised from P lines A-B, ..." }
 *   .prompt.yml       a "# facet: crystallised from ..." comment line
 *   Python, TS code   a "# facet: ..." or "// facet: ..." comment line
 *
 * The record is "crystallised from PATH lines A-B, fragment xxh64:HASH"
 * ("line A" for one line): PATH is the prompt's path relative to the
 * artifact's folder, A-B the 1-based lines the fragment covered (every
 * line it touches), and HASH the XXH64 (seed 0) of those
 * lines with each line trimmed of surrounding blanks, joined by "\n", as
 * 16 lowercase hex digits. Reading the record back tells the prompt's
 * editor what the fragment became and whether its text changed since.
 */
#ifndef FACET_PROVENANCE_H
#define FACET_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct arena;
struct artifact;

#define PROVENANCE_MARK "crystallised from "

/* What the artifact holding a record is to the prompt. */
enum provenance_kind {
  PROVENANCE_SCHEMA,    /* a JSON Schema pins the fragment's output */
  PROVENANCE_TEST,      /* a test checks it (one record per test) */
  PROVENANCE_EVALUATOR, /* a .prompt.yml evaluator checks every item */
  PROVENANCE_CODE,      /* a validator enforces it */
};

struct provenance {
  enum provenance_kind kind;
  const char *prompt;        /* as recorded: relative to the artifact's
                                folder; in the artifact's arena */
  uint32_t first_line;       /* 1-based, as recorded */
  uint32_t last_line;
  uint64_t hash;
  struct span span;          /* where the record is written */
  const char *label;         /* a test's description, or NULL */
};

/*
 * The hash of lines first..last (0-based, inclusive) of src, normalised
 * as the header says.
 */
uint64_t provenance_hash_lines(const struct source *src, uint32_t first,
                               uint32_t last);

/*
 * The record text for a fragment of lines first..last (0-based) hashed to
 * hash, naming the prompt at prompt_path (relative to the artifact's
 * folder). In arena; NULL when it is exhausted.
 */
char *provenance_format(struct arena *arena, const char *prompt_path,
                        uint32_t first, uint32_t last, uint64_t hash);

/*
 * Reads a record from the len bytes at s ("facet: " may come first).
 * Returns false when they hold none; the path is copied into arena.
 */
bool provenance_parse(const char *s, size_t len, struct arena *arena,
                      struct provenance *out);

/* Lines at the top of a code file that may hold its record. */
#define PROVENANCE_CODE_LINES 40

/* Whether path names code (.py, .ts, .js, .mjs) that may hold a record in
 * a comment among its first PROVENANCE_CODE_LINES lines. */
bool provenance_code_file(const char *path);

/*
 * Collects the records a's format carries into a->records: called once by
 * artifact_analyze after the format's checker.
 */
void provenance_collect(struct artifact *a);

enum provenance_state {
  PROVENANCE_FRESH,     /* the recorded lines hold the same text */
  PROVENANCE_MOVED,     /* the same text, at other lines */
  PROVENANCE_CHANGED,   /* the text is not found: it changed */
};

/*
 * Finds the fragment p records in the prompt src: sets *first and *last
 * (0-based) to where it is now, or, when it changed, to the recorded
 * lines kept inside the text.
 */
enum provenance_state provenance_locate(const struct source *src,
                                        const struct provenance *p,
                                        uint32_t *first, uint32_t *last);

#endif
