#include "artifact.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "detect.h"
#include "error.h"
#include "formats.h"
#include "tree.h"
#include "utf8.h"
#include "vec.h"

/* Inputs one header may declare; more is generated data, not a prompt. */
#define ARTIFACT_INPUTS_MAX 4096

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
    if (strcmp(a->inputs[i].name, name) == 0)
      return &a->inputs[i];
  return NULL;
}

bool
artifact_declares(const struct artifact *a, const char *name)
{
  return artifact_input(a, name) != NULL;
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

/* Copies text into a, replacing bytes that are not UTF-8. */
static int
artifact__take_text(struct artifact *a, const char *text, size_t len,
                    bool borrow, bool valid)
{
  size_t bad = valid ? len : utf8_first_invalid(text, len);
  struct buf clean;
  long replaced;
  char *copy;

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
  if (a->format == FORMAT_NONE) {
    /* Not an artifact: its syntax errors are not facet's business. */
    a->diags.count = 0;
    a->root = NULL;
  }
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

/* Files too big or not text get one diagnostic and no analysis. */
static bool
artifact__refuse(struct artifact *a, const char *text, size_t len,
                 size_t max, size_t size)
{
  enum diag_code code;

  if (size > max)
    code = DIAG_FILE_TOO_LARGE;
  else if (artifact__binary(text, len))
    code = DIAG_BINARY_FILE;
  else
    return false;
  a->text = "";
  source_init(&a->src, a->text, 0);
  artifact__detect(a, NULL);
  if (code == DIAG_FILE_TOO_LARGE)
    diag_add(&a->diags, code, span_make(0, 0),
             "file is %zu bytes, over the %zu-byte limit; it was not "
             "analysed", size, max);
  else
    diag_add(&a->diags, code, span_make(0, 0),
             "file holds binary data (a NUL byte); it was not analysed");
  return true;
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
                       opts && opts->file_size > len ? opts->file_size : len))
    return a;
  if (artifact__take_text(a, text, len, borrow,
                          opts && opts->valid_utf8)) {
    artifact_free(a);
    return NULL;
  }
  artifact__detect(a, opts);
  if (a->format == FORMAT_NONE)
    artifact__sniff(a);
  if (a->format != FORMAT_NONE)
    formats_check(a);
  provenance_collect(a);
  grade_compute(a, NULL);
  diag_list_sort(&a->diags);
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
  diag_list_release(&self->diags);
  source_release(&self->src);
  free(self->vars);
  free(self->uses);
  free(self->blocks);
  free(self->inputs);
  free(self->sites);
  free(self->records);
  arena_release(&self->arena);
  free(self->path);
  free(self);
}
