#include "artifact.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "detect.h"
#include "error.h"
#include "evalfile.h"
#include "formats.h"
#include "tree.h"
#include "utf8.h"
#include "vec.h"

/* Inputs one header may declare; more is generated data, not a prompt. */
#define ARTIFACT_INPUTS_MAX 4096

/*
 * The first chunk of an analysis' arena, which lives as long as its
 * document is open. A YAML or JSON tree takes one and a half to five
 * times its text; a prompt's analysis (frontmatter, or none, and a
 * template) a tenth to four times, a third at the median: measured on the
 * corpus. The estimate is at the low end, since the arena grows by a
 * quarter of what it holds, while what a first chunk holds unused is lost
 * for as long as the document is open. A new analysis of an edited
 * document takes what the last one used.
 */
#define ARTIFACT_ARENA_PER_BYTE_TREE 1.5
#define ARTIFACT_ARENA_PER_BYTE_TEXT 0.25
#define ARTIFACT_ARENA_BASE 256

/* Whether path names a file that is all YAML or JSON: a tree, not text. */
static bool
artifact__tree_named(const char *path)
{
  const char *dot = path ? strrchr(path, '.') : NULL;

  return dot && (strcasecmp(dot, ".yaml") == 0 ||
                 strcasecmp(dot, ".yml") == 0 ||
                 strcasecmp(dot, ".json") == 0);
}

static size_t
artifact__expect(const char *path, size_t len, bool borrow,
                 const struct analyze_options *opts)
{
  const struct artifact *prev = opts ? opts->previous : NULL;
  double per_byte = artifact__tree_named(path) ? ARTIFACT_ARENA_PER_BYTE_TREE
                                               : ARTIFACT_ARENA_PER_BYTE_TEXT;
  size_t bytes = ARTIFACT_ARENA_BASE + (size_t)((double)len * per_byte);

  if (prev && prev->arena.used > 0) {
    bytes = prev->arena.used + prev->arena.used / 16;
    if (len > prev->src.len)
      bytes += 4 * (len - prev->src.len);
  }
  return bytes + (borrow ? 0 : len);
}

/* A file that is no artifact keeps its tree from this size on: parsing it
 * again after each edit would cost more than the memory. */
#define ARTIFACT_KEEP_TREE_MIN ((size_t)64 << 10)

static const struct {
  const char *name;
  const char *title;
  enum artifact_kind kind;
} artifact__formats[FORMAT__COUNT] = {
#define X(id, name, title, kind) { name, title, ARTIFACT_##kind },
  ARTIFACT_FORMATS(X)
#undef X
};

const char *
artifact_format_name(enum artifact_format f)
{
  return artifact__formats[f].name;
}

const char *
artifact_format_title(enum artifact_format f)
{
  return artifact__formats[f].title;
}

enum artifact_kind
artifact_format_kind(enum artifact_format f)
{
  return artifact__formats[f].kind;
}

const char *
artifact_kind_name(enum artifact_kind k)
{
  static const char *const names[] = {
    "none", "prompt", "schema", "eval", "results",
  };

  return names[k];
}

const struct input_decl *
artifact_input(const struct artifact *a, const char *name)
{
  for (size_t i = 0; i < a->ninputs; i++)
    if ((a->names_nocase ? strcasecmp : strcmp)(a->inputs[i].name, name) == 0)
      return &a->inputs[i];
  return NULL;
}

bool
artifact_declared_elsewhere(const struct artifact *a, const char *name)
{
  for (size_t i = 0; i < a->nelsewhere; i++)
    if ((a->names_nocase ? strcasecmp : strcmp)(a->elsewhere[i], name) == 0)
      return true;
  return false;
}

bool
artifact_declares(const struct artifact *a, const char *name)
{
  return artifact_input(a, name) != NULL ||
         artifact_declared_elsewhere(a, name);
}

int
artifact_declare_elsewhere(struct artifact *a, const char *name, size_t len,
                           const char *where)
{
  char *copy = arena_strndup(&a->arena, name, len);
  int rc;

  if (!copy)
    return FACET_ENOMEM;
  if (artifact_declared_elsewhere(a, copy))
    return 0;
  rc = vec_reserve((void **)&a->elsewhere, &a->cap_elsewhere, a->nelsewhere,
                   sizeof *a->elsewhere, ARTIFACT_INPUTS_MAX);
  if (rc)
    return rc;
  a->elsewhere[a->nelsewhere++] = copy;
  a->elsewhere_where = where;
  return 0;
}

struct input_decl *
artifact_declare_input(struct artifact *a, const char *name, size_t len,
                       struct span span)
{
  struct input_decl *d;
  char *copy = arena_strndup(&a->arena, name, len);
  size_t i;

  if (!copy)
    return NULL;
  /* Indexes, not pointer bounds: inputs is NULL before the first one. */
  for (i = 0; i < a->ninputs; i++)
    if (strcmp(a->inputs[i].name, copy) == 0)
      break;
  if (i == a->ninputs) {
    if (vec_reserve((void **)&a->inputs, &a->cap_inputs, a->ninputs,
                    sizeof *a->inputs, ARTIFACT_INPUTS_MAX))
      return NULL;
    i = a->ninputs++;
    memset(&a->inputs[i], 0, sizeof a->inputs[i]);
    a->inputs[i].name = copy;
    a->inputs[i].span = span;
  }
  d = &a->inputs[i];
  /* Every site, so that a rename reaches sample and default keys too. */
  if (vec_reserve((void **)&a->sites, &a->cap_sites, a->nsites,
                  sizeof *a->sites, ARTIFACT_INPUTS_MAX * 4) == 0) {
    a->sites[a->nsites].span = span;
    a->sites[a->nsites].input = (uint32_t)(d - a->inputs);
    a->nsites++;
  }
  return d;
}

int
artifact_format_by_name(const char *name)
{
  for (int f = 0; f < FORMAT__COUNT; f++)
    if (strcmp(artifact__formats[f].name, name) == 0)
      return f;
  return -1;
}

/* Binary files have NUL bytes early on; text never does. */
static bool
artifact__binary(const char *text, size_t len)
{
  return memchr(text, '\0', len < 8192 ? len : 8192) != NULL;
}

/* Copies text into a, replacing bytes that are not UTF-8; or borrows it
 * (and the caller's line index of it, if given). */
static int
artifact__take_text(struct artifact *a, const char *text, size_t len,
                    bool borrow, const struct analyze_options *opts)
{
  size_t bad = opts && opts->valid_utf8 ? len : utf8_first_invalid(text, len);
  const struct source *lines = opts ? opts->lines : NULL;
  struct buf clean;
  long replaced;
  char *copy;

  if (bad == len && borrow && lines && lines->text == text &&
      lines->len == len) {
    a->text = text;
    a->src = *lines;
    a->src_borrowed = true;
    return 0;
  }
  if (bad == len) {
    a->text = borrow ? text : arena_strndup(&a->arena, text, len);
    return a->text ? source_init(&a->src, a->text, len) : FACET_ENOMEM;
  }
  buf_init(&clean, len * 3 + 1);
  replaced = utf8_sanitize(text, len, &clean);
  if (replaced < 0) {
    buf_release(&clean);
    return (int)replaced;
  }
  copy = arena_strndup(&a->arena, clean.data, clean.len);
  len = clean.len;
  buf_release(&clean);
  if (!copy || source_init(&a->src, copy, len))
    return FACET_ENOMEM;
  a->text = copy;
  a->text_replaced = true;
  /* Text before the first bad byte is unchanged, so its offset holds. */
  diag_add(&a->diags, DIAG_INVALID_UTF8,
           span_make((uint32_t)bad, (uint32_t)bad + 3),
           "%ld invalid UTF-8 byte sequence%s replaced with U+FFFD",
           replaced, replaced == 1 ? " was" : "s were");
  return 0;
}

/* Before any analysis: the format the name or the options decide. */
static void
artifact__detect(struct artifact *a, const struct analyze_options *opts)
{
  enum artifact_format f = opts ? opts->format : FORMAT_NONE;

  a->syntax = SYNTAX_TEXT;
  if (f == FORMAT_NONE)
    f = detect_by_name(a->path, &a->syntax);
  if (f == FORMAT_DOTPROMPT && !detect_dotprompt(a->text, a->src.len))
    f = FORMAT_TEXT_PROMPT;
  a->format = f;
  a->kind = artifact_format_kind(f);
}

/* A plain .yaml, .json or .xml file: its content decides. */
static void
artifact__sniff(struct artifact *a)
{
  if (a->syntax == SYNTAX_XML) {
    const char *t = a->text;
    size_t n = a->src.len < 4096 ? a->src.len : 4096;

    if (memmem(t, n, "<testsuites", 11) || memmem(t, n, "<testsuite", 10)) {
      a->format = FORMAT_JUNIT;
      a->kind = ARTIFACT_RESULTS;
    }
    return;
  }
  if (a->syntax == SYNTAX_YAML)
    formats_parse_yaml(a);
  else if (a->syntax == SYNTAX_JSON)
    formats_parse_json(a);
  else
    return;
  a->format = detect_by_content(a->path, a->root);
  a->kind = artifact_format_kind(a->format);
}

/*
 * Not an artifact: nothing of its analysis is kept, so its tree goes too
 * (a document stays open for long), unless it is large enough that the
 * next analysis should start from it rather than parse it all again.
 * in_arena says whether the text was copied into the arena.
 */
static void
artifact__forget(struct artifact *a, bool in_arena)
{
  struct arena fresh;

  a->diags.count = 0;
  a->root = NULL;
  if (a->src.len >= ARTIFACT_KEEP_TREE_MIN)
    return;
  a->yaml = NULL;
  arena_init(&fresh, a->arena.max);
  if (in_arena) {
    char *copy = arena_strndup(&fresh, a->text, a->src.len);

    if (!copy) {
      arena_release(&fresh);
      return;
    }
    a->text = copy;
    a->src.text = copy;
  }
  arena_release(&a->arena);
  a->arena = fresh;
}

/* Shrinks an array grown by vec_reserve to the count it holds. */
static void
artifact__fit(void **items, size_t *cap, size_t count, size_t size)
{
  void *fit;

  if (*cap == count)
    return;
  if (count == 0) {
    free(*items);
    *items = NULL;
    *cap = 0;
    return;
  }
  fit = realloc(*items, count * size);
  if (fit) {
    *items = fit;
    *cap = count;
  }
}

/* The analysis is done: its arrays keep what they hold and no more. */
static void
artifact__fit_all(struct artifact *a)
{
  artifact__fit((void **)&a->vars, &a->cap_vars, a->nvars, sizeof *a->vars);
  artifact__fit((void **)&a->uses, &a->cap_uses, a->nuses, sizeof *a->uses);
  artifact__fit((void **)&a->blocks, &a->cap_blocks, a->nblocks,
                sizeof *a->blocks);
  artifact__fit((void **)&a->binds, &a->cap_binds, a->nbinds,
                sizeof *a->binds);
  artifact__fit((void **)&a->inputs, &a->cap_inputs, a->ninputs,
                sizeof *a->inputs);
  artifact__fit((void **)&a->sites, &a->cap_sites, a->nsites,
                sizeof *a->sites);
  artifact__fit((void **)&a->diags.items, &a->diags.cap, a->diags.count,
                sizeof *a->diags.items);
}

static struct artifact *
artifact__new(const char *path)
{
  struct artifact *a = calloc(1, sizeof *a);

  if (!a)
    return NULL;
  arena_init(&a->arena, 0);
  diag_list_init(&a->diags, &a->arena);
  a->path = path ? strdup(path) : NULL;
  if (path && !a->path) {
    free(a);
    return NULL;
  }
  return a;
}

/* Bytes of a refused file's start sniffed for a results file's marks. */
#define ARTIFACT_SNIFF_HEAD 4096

/*
 * The format of a file too large to analyse: the one asked for, else the
 * one its name gives, else, for a plain .json or .xml, a results file's
 * when its first keys or elements show one (promptfoo's evalId and
 * results, gh models' testResults, JUnit's testsuite). Results are found
 * by content and grow past the limit, and a file of a known format is
 * reported rather than dropped.
 */
static void
artifact__refused_format(struct artifact *a, const char *text, size_t len,
                         const struct analyze_options *opts)
{
  size_t n = len < ARTIFACT_SNIFF_HEAD ? len : ARTIFACT_SNIFF_HEAD;

  artifact__detect(a, opts);
  if (a->format != FORMAT_NONE || !text)
    return;
  if (a->syntax == SYNTAX_XML && (memmem(text, n, "<testsuites", 11) ||
                                  memmem(text, n, "<testsuite", 10)))
    a->format = FORMAT_JUNIT;
  else if (a->syntax == SYNTAX_JSON && memmem(text, n, "\"evalId\"", 8) &&
           memmem(text, n, "\"results\"", 9))
    a->format = FORMAT_PROMPTFOO_RESULTS;
  else if (a->syntax == SYNTAX_JSON &&
           memmem(text, n, "\"testResults\"", 13))
    a->format = FORMAT_GITHUB_MODELS_RESULTS;
  a->kind = artifact_format_kind(a->format);
}

/* Files too big or not text get one diagnostic and no analysis. */
static bool
artifact__refuse(struct artifact *a, const char *text, size_t len,
                 size_t max, size_t size, const struct analyze_options *opts)
{
  enum diag_code code;

  if (size > max)
    code = DIAG_FILE_TOO_LARGE;
  else if (artifact__binary(text, len))
    code = DIAG_BINARY_FILE;
  else
    return false;
  a->refused = true;
  a->text = "";
  source_init(&a->src, a->text, 0);
  if (code == DIAG_FILE_TOO_LARGE) {
    artifact__refused_format(a, text, len, opts);
    a->refused_size = size;
    a->refused_limit = max;
  } else {
    artifact__detect(a, opts);
  }
  if (code == DIAG_FILE_TOO_LARGE)
    diag_add(&a->diags, code, span_make(0, 0),
             "file is %zu bytes, over the %zu-byte limit; it was not "
             "analysed", size, max);
  else
    diag_add(&a->diags, code, span_make(0, 0),
             "file holds binary data (a NUL byte); it was not analysed");
  return true;
}

/* Whether the text holds nothing but a BOM and blank space. */
static bool
artifact__blank(const struct artifact *a)
{
  for (uint32_t i = a->src.bom; i < a->src.len; i++)
    if (!strchr(" \t\r\n\f\v", a->text[i]))
      return false;
  return true;
}

/*
 * A blank artifact is said once: by its format's own finding when it has
 * one (an empty JSON document, a config without prompts), else here. Its
 * grade is the lowest (grade.c).
 */
static void
artifact__empty(struct artifact *a, size_t before)
{
  static const char *const holds[] = {
    [ARTIFACT_PROMPT] = "prompt", [ARTIFACT_SCHEMA] = "schema",
    [ARTIFACT_EVAL] = "tests",
  };

  if (a->kind == ARTIFACT_RESULTS || a->kind == ARTIFACT_NONE ||
      !artifact__blank(a))
    return;
  a->facts.empty = true;
  if (a->diags.count == before)
    diag_add(&a->diags, DIAG_EMPTY_FILE, span_make(a->src.bom, a->src.bom),
             "the file is empty: it holds no %s", holds[a->kind]);
}

static struct artifact *
artifact__analyze(const char *path, const char *text, size_t len,
                  const struct analyze_options *opts, bool borrow)
{
  size_t max = opts && opts->max_bytes ? opts->max_bytes
                                       : ANALYZE_MAX_BYTES_DEFAULT;
  struct artifact *a = artifact__new(path);

  if (!a)
    return NULL;
  if (artifact__refuse(a, text, len, max,
                       opts && opts->file_size > len ? opts->file_size : len,
                       opts))
    return a;
  arena_expect(&a->arena, artifact__expect(path, len, borrow, opts));
  if (artifact__take_text(a, text, len, borrow, opts)) {
    artifact_free(a);
    return NULL;
  }
  if (opts && opts->previous && !a->text_replaced) {
    a->previous = opts->previous;
    a->change = opts->change;
  }
  artifact__detect(a, opts);
  if (opts && opts->uri)
    a->uri = arena_strndup(&a->arena, opts->uri, strlen(opts->uri));
  a->provider = opts ? opts->provider : SCHEMA_PROVIDER_NONE;
  a->schema_files = opts ? opts->schema_files : NULL;
  if (opts && opts->companion) {
    a->companion = opts->companion;
    a->companion_len = opts->companion_len;
  }
  if (a->format == FORMAT_NONE) {
    artifact__sniff(a);
    /* Not an artifact: its syntax errors are not facet's business. */
    if (a->format == FORMAT_NONE)
      artifact__forget(a, !borrow || a->text_replaced);
  }
  if (a->format != FORMAT_NONE) {
    size_t before = a->diags.count;

    formats_check(a);
    artifact__empty(a, before);
  }
  provenance_collect(a);
  if (evalfile_records(a) ||
      (a->format != FORMAT_NONE && evalfile_prompt_side(a))) {
    artifact_free(a);
    return NULL;
  }
  /* Borrowed for the analysis only. */
  a->schema_files = NULL;
  a->companion = NULL;
  grade_compute(a, NULL);
  diag_list_sort(&a->diags);
  schema_sites_compact(a);
  artifact__fit_all(a);
  evalfile_fit(a->evals);
  a->previous = NULL;
  return a;
}

struct artifact *
artifact_analyze(const char *path, const char *text, size_t len,
                 const struct analyze_options *opts)
{
  return artifact__analyze(path, text, len, opts, false);
}

struct artifact *
artifact_analyze_shared(const char *path, const char *text, size_t len,
                        const struct analyze_options *opts,
                        void (*release)(void *), void *owner)
{
  struct artifact *a = artifact__analyze(path, text, len, opts, true);

  if (a) {
    a->release = release;
    a->owner = owner;
  }
  return a;
}

void
artifact_free(struct artifact *self)
{
  if (!self)
    return;
  if (self->release)
    self->release(self->owner);
  evalfile_unref(self->evals);
  diag_list_release(&self->diags);
  if (!self->src_borrowed)
    source_release(&self->src);
  free(self->vars);
  free(self->uses);
  free(self->blocks);
  free(self->binds);
  free(self->inputs);
  free(self->sites);
  free(self->elsewhere);
  schema_sites_release(self);
  free(self->records);
  arena_release(&self->arena);
  free(self->path);
  free(self);
}
