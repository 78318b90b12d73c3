/*
 * The parts of a summary every format shares: the variables a prompt's
 * template reads, the pieces promptfoo would split it into, and the hash
 * of the text the summary was made from.
 */
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "error.h"
#include "eval_internal.h"
#include "evalfile.h"
#include "schema.h"
#include "schema_internal.h"
#include "tree.h"

struct evalfile *
evalx_begin(struct artifact *a)
{
  if (!a->evals && (a->evals = evalfile_new(a->kind, a->format)) != NULL)
    /* A summary stays for as long as its file is in the index: its first
     * chunk is sized by the file, not the arena's 4 KiB, which is most
     * of a small prompt's summary left empty. */
    arena_expect(&a->evals->arena, 256 + a->src.len / 4);
  return a->evals;
}

const char *
evalx_name(struct evalx *x, const char *name)
{
  size_t n = name ? strlen(name) : 0;
  const char **slot;

  if (!name)
    return NULL;
  slot = &x->names[XXH3_64bits(name, n) % EVALX_NAMES];
  if (!*slot || strcmp(*slot, name) != 0)
    *slot = evalfile_strndup(x->f, name, n);
  return *slot;
}

void
evalx_tests_facts(struct artifact *a)
{
  const struct evalfile *f = a->evals;
  bool checks = false;

  for (size_t i = 0; f && i < f->ntests && !checks; i++)
    checks = f->tests[i].nasserts > 0;
  a->facts.tests = f ? (unsigned)f->ntests : 0;
  a->facts.assertions = checks;
  a->facts.tests_where = "this test file";
  a->facts.tests_hint = "add checks: an __expected column, or assert items";
}

/* Whether the template may read names from other files. */
static bool
evalfile__includes(const struct artifact *a)
{
  static const char *const marks[] = {
    "{% include", "{%- include", "{% extends", "{%- extends", "{% import",
    "{%- import", "{% from", "{%- from", "{{>", "{{ >",
  };
  const char *body = a->text + a->body.start;
  size_t n = a->body.end > a->body.start ? a->body.end - a->body.start : 0;
  const char *end = body + n;

  /* Every mark starts with "{%" or "{{": one pass over the braces, not
   * one scan of the whole body per mark; most braces are plain {{ x }}. */
  for (const char *p = n ? memchr(body, '{', n) : NULL; p;
       p = p + 1 < end ? memchr(p + 1, '{', (size_t)(end - p - 1)) : NULL) {
    const char *q = p + 2;

    if (end - p < 3 || (p[1] != '%' && p[1] != '{'))
      continue;
    q += *q == '-';
    while (q < end && *q == ' ')
      q++;
    if (q == end || !strchr("ief>", *q))
      continue;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
      size_t len = strlen(marks[i]);

      if ((size_t)(end - p) >= len && memcmp(p, marks[i], len) == 0)
        return true;
    }
  }
  return false;
}

/* promptfoo's pieces of a text prompt: split on lines that are "---". */
static int
evalfile__pieces(struct artifact *a, struct evalfile *f)
{
  bool split = a->format == FORMAT_TEXT_PROMPT;
  uint32_t start = a->src.bom;

  for (uint32_t line = 0; split && line < a->src.line_count; line++) {
    uint32_t ls = source_line_start(&a->src, line);
    uint32_t le = source_line_end(&a->src, line);
    uint32_t i = ls;
    uint32_t j = le;
    struct evpiece *p;

    while (i < j && (a->text[i] == ' ' || a->text[i] == '\t'))
      i++;
    while (j > i && (a->text[j - 1] == ' ' || a->text[j - 1] == '\t'))
      j--;
    if (j - i != 3 || memcmp(a->text + i, "---", 3) != 0)
      continue;
    if (!(p = evalfile_add_pieces(f)))
      return FACET_ENOMEM;
    p->span = span_make(start, ls);
    p->hash = evalfile_text_hash(a->text + start, ls - start);
    start = source_line_start(&a->src, line + 1);
  }
  if (f->npieces == 0)
    start = a->src.bom;
  {
    struct evpiece *p = evalfile_add_pieces(f);

    if (!p)
      return FACET_ENOMEM;
    p->span = span_make(start, a->src.len);
    p->hash = evalfile_text_hash(a->text + start, a->src.len - start);
  }
  /* Pieces with nothing in them are dropped, as promptfoo drops them. */
  for (size_t i = 0; i < f->npieces;) {
    /* A piece's hash is of its span's text, already computed. */
    if (f->pieces[i].hash == evalfile_text_hash("", 0) && f->npieces > 1) {
      memmove(&f->pieces[i], &f->pieces[i + 1],
              (f->npieces - i - 1) * sizeof *f->pieces);
      f->npieces--;
    } else {
      i++;
    }
  }
  return 0;
}

/* A $ref of a schema object that points into another file. Only the
 * walk's schema objects count: a "$ref" key in default, examples, enum,
 * const or an x- extension is data, not a reference. */
static bool
evalfile__ref(const struct schema_visit *v, void *ctx)
{
  struct evalx *x = ctx;
  const struct node *ref = node_resolve(node_get(v->schema, "$ref"));
  const char *s = node_str(ref);

  if (s && ref->type == SCALAR_STRING) {
    size_t len = strcspn(s, "#");

    uint32_t r;

    /* "#/$defs/x" is in the file; a URI is for a resolver, not a path. */
    if (len > 0 && !strstr(s, "://") && strncmp(s, "urn:", 4) != 0 &&
        (r = evalx_ref(x, EVREF_SCHEMA, ref, 0, len, EVAL_NONE)) !=
          EVAL_NONE)
      /* The schema's own check says the file is missing (unresolved-ref,
       * schema.c), with why; the link is kept for navigation only. */
      x->f->refs[r].quiet = true;
  }
  return true;
}

int
evalfile_prompt_side(struct artifact *a)
{
  struct evalfile *f;
  struct evalx x;

  if (a->kind != ARTIFACT_PROMPT && a->kind != ARTIFACT_SCHEMA && !a->evals)
    return 0;
  f = evalx_begin(a);
  if (!f)
    return FACET_ENOMEM;
  f->text_hash = XXH3_64bits(a->text, a->src.len);
  x = (struct evalx){ .a = a, .f = f };
  /* A schema names the other schema files its $refs point into, unless
   * an absolute $id makes them relative to a URI rather than a folder. */
  for (size_t i = 0; a->kind == ARTIFACT_SCHEMA && i < a->nschemas; i++) {
    const struct node *root = a->schemas[i].root;
    const char *id = node_str(node_get(root, "$id"));

    if (root && !(id && strstr(id, "://")))
      schema_walk(root, evalfile__ref, &x);
  }
  if (a->kind != ARTIFACT_PROMPT)
    return 0;
  f->file_read0 = (uint32_t)f->nreads;
  for (size_t i = 0; i < a->nvars; i++) {
    struct evread *r = evalx_read(&x, a->vars[i].name, a->vars[i].span);

    if (!r)
      return FACET_ENOMEM;
    r->optional = a->vars[i].optional;
  }
  f->nfile_reads = (uint32_t)(f->nreads - f->file_read0);
  f->reads_open = evalfile__includes(a) || a->format == FORMAT_POML;
  return evalfile__pieces(a, f);
}

/* The test of f that record p is written on, or EVAL_NONE: a promptfoo
 * test holds its record in its metadata; a .prompt.yml's comment stands on
 * the line above its testData item. */
static uint32_t
evalfile__record_test(const struct artifact *a, const struct evalfile *f,
                      const struct provenance *p)
{
  uint32_t line = source_line_of(&a->src, p->span.start);

  if (p->kind != PROVENANCE_TEST)
    return EVAL_NONE;
  for (uint32_t t = 0; t < f->ntests; t++) {
    struct span s = f->tests[t].span;

    if (a->format == FORMAT_PROMPTFOO && p->span.start >= s.start &&
        p->span.end <= s.end)
      return t;
    if (a->format == FORMAT_GITHUB_MODELS &&
        source_line_of(&a->src, s.start) == line + 1)
      return t;
  }
  return EVAL_NONE;
}

int
evalfile_records(struct artifact *a)
{
  struct evalfile *f;

  if (a->nrecords == 0)
    return 0;
  if (!evalx_begin(a))
    return FACET_ENOMEM;
  f = a->evals;
  f->text_hash = XXH3_64bits(a->text, a->src.len);
  for (size_t i = 0; i < a->nrecords; i++) {
    const struct provenance *p = &a->records[i];
    struct evref *ref;
    struct evrecord *rec;
    uint32_t r = (uint32_t)f->nrefs;

    if (!(ref = evalfile_add_refs(f)))
      return FACET_ENOMEM;
    ref->kind = EVREF_CRYSTALLISED;
    ref->path = evalfile_strdup(f, p->prompt);
    ref->span = p->span;
    ref->owner = (uint32_t)f->nrecords;
    /* A record whose prompt is gone says nothing false: the prompt's
     * editor is where a record is shown. */
    ref->quiet = true;
    if (!ref->path || !(rec = evalfile_add_records(f)))
      return FACET_ENOMEM;
    rec->label = evalfile_strdup(f, p->label);
    rec->span = p->span;
    rec->line = source_line_of(&a->src, p->span.start) + 1;
    rec->first_line = p->first_line;
    rec->last_line = p->last_line;
    rec->hash = p->hash;
    rec->ref = r;
    rec->test = evalfile__record_test(a, f, p);
    rec->kind = (uint8_t)p->kind;
    if (p->label && !rec->label)
      return FACET_ENOMEM;
  }
  return 0;
}
