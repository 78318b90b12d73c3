#include "template.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unictype.h>
#include <xxhash.h>

#include "arena.h"
#include "artifact.h"
#include "error.h"
#include "template_internal.h"
#include "utf8.h"
#include "vec.h"

/* Distinct variables, uses and blocks one template may hold. */
#define TEMPLATE_VARS_MAX 4096
#define TEMPLATE_USES_MAX (1u << 20)
#define TEMPLATE_BLOCKS_MAX 65536
#define TEMPLATE_LOCALS_MAX 4096

#define A TMPL_ALPHA
#define D TMPL_DIGIT
#define S TMPL_SPACE

/* ASCII; characters past it are classed by tmpl_uchar. */
const unsigned char tmpl_class[256] = {
  ['\t'] = S, ['\n'] = S, ['\v'] = S, ['\f'] = S, ['\r'] = S, [' '] = S,
  ['0'] = D, ['1'] = D, ['2'] = D, ['3'] = D, ['4'] = D, ['5'] = D,
  ['6'] = D, ['7'] = D, ['8'] = D, ['9'] = D, ['-'] = TMPL_DASH,
  ['$'] = TMPL_HBS, [':'] = TMPL_HBS, ['?'] = TMPL_HBS,
  ['_'] = A, ['a'] = A, ['b'] = A, ['c'] = A, ['d'] = A, ['e'] = A,
  ['f'] = A, ['g'] = A, ['h'] = A, ['i'] = A, ['j'] = A, ['k'] = A,
  ['l'] = A, ['m'] = A, ['n'] = A, ['o'] = A, ['p'] = A, ['q'] = A,
  ['r'] = A, ['s'] = A, ['t'] = A, ['u'] = A, ['v'] = A, ['w'] = A,
  ['x'] = A, ['y'] = A, ['z'] = A, ['A'] = A, ['B'] = A, ['C'] = A,
  ['D'] = A, ['E'] = A, ['F'] = A, ['G'] = A, ['H'] = A, ['I'] = A,
  ['J'] = A, ['K'] = A, ['L'] = A, ['M'] = A, ['N'] = A, ['O'] = A,
  ['P'] = A, ['Q'] = A, ['R'] = A, ['S'] = A, ['T'] = A, ['U'] = A,
  ['V'] = A, ['W'] = A, ['X'] = A, ['Y'] = A, ['Z'] = A,
};

#undef A
#undef D
#undef S

uint32_t
tmpl_uchar(const char *s, uint32_t i, uint32_t end, enum tmpl_names names,
           bool start)
{
  uint32_t cp;
  int n;
  bool ok;

  /* A byte inside a character (a scan stepping by bytes) starts none. */
  if (i >= end || ((unsigned char)s[i] & 0xC0) == 0x80)
    return 0;
  n = utf8_decode(s + i, end - i, &cp);
  if (names != TMPL_NAMES_PYTHON)
    ok = !uc_is_property_white_space(cp) && cp != 0xFEFF;
  else
    ok = start ? uc_is_property_xid_start(cp)
               : uc_is_property_xid_continue(cp);
  return ok ? (uint32_t)n : 0;
}

uint32_t
tmpl_line(const struct tmpl *t, uint32_t offset)
{
  uint32_t line;
  uint32_t col;

  source_line_col(&t->a->src, offset, &line, &col);
  return line;
}

bool
tmpl_in_fence(const struct tmpl *t, uint32_t at)
{
  for (size_t i = 0; i < t->nfences; i++)
    if (at >= t->fences[i].start && at < t->fences[i].end)
      return true;
  return false;
}

void
tmpl_report(struct tmpl *t, enum diag_code code, struct span span,
            const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  if (tmpl_in_fence(t, span.start))
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_add(&t->a->diags, code, span, "%s", msg);
}

/* Open addressing over the artifact's vars; slots hold index + 1. */
static int
tmpl__index_grow(struct tmpl *t)
{
  struct artifact *a = t->a;
  size_t cap = t->index_cap ? t->index_cap * 2 : 64;
  uint32_t *index = calloc(cap, sizeof *index);

  if (!index)
    return FACET_ENOMEM;
  for (size_t v = 0; v < a->nvars; v++) {
    const char *name = a->vars[v].name;
    size_t h = XXH3_64bits(name, strlen(name)) & (cap - 1);

    while (index[h])
      h = (h + 1) & (cap - 1);
    index[h] = (uint32_t)v + 1;
  }
  free(t->index);
  t->index = index;
  t->index_cap = cap;
  return 0;
}

/* The var named s (n bytes), created on first use; UINT32_MAX if full. */
static uint32_t
tmpl__var(struct tmpl *t, const char *s, uint32_t n, uint32_t at)
{
  struct artifact *a = t->a;
  size_t h;
  struct template_var *v;

  if (a->nvars * 2 >= t->index_cap && tmpl__index_grow(t))
    return UINT32_MAX;
  h = XXH3_64bits(s, n) & (t->index_cap - 1);
  for (; t->index[h]; h = (h + 1) & (t->index_cap - 1)) {
    v = &a->vars[t->index[h] - 1];
    if (v->len == n && memcmp(v->name, s, n) == 0)
      return t->index[h] - 1;
  }
  if (vec_reserve((void **)&a->vars, &a->cap_vars, a->nvars, sizeof *a->vars,
                  TEMPLATE_VARS_MAX))
    return UINT32_MAX;
  v = &a->vars[a->nvars];
  memset(v, 0, sizeof *v);
  v->name = arena_strndup(&a->arena, s, n);
  v->len = n;
  v->span = span_make(at, at + n);
  if (!v->name)
    return UINT32_MAX;
  t->index[h] = (uint32_t)++a->nvars;
  return (uint32_t)(a->nvars - 1);
}

static bool
tmpl__builtin(const struct tmpl *t, uint32_t at, uint32_t len)
{
  for (const char *const *b = t->builtins; b && *b; b++)
    if (strlen(*b) == len && memcmp(*b, t->s + at, len) == 0)
      return true;
  return false;
}

void
tmpl_use(struct tmpl *t, uint32_t at, uint32_t len, bool iterated)
{
  struct artifact *a = t->a;
  uint32_t v;
  bool fenced;

  if (len == 0 || t->context > 0 || tmpl_bound(t, at, len) ||
      tmpl__builtin(t, at, len))
    return;
  v = tmpl__var(t, t->s + at, len, at);
  if (v == UINT32_MAX || vec_reserve((void **)&a->uses, &a->cap_uses,
                                     a->nuses, sizeof *a->uses,
                                     TEMPLATE_USES_MAX))
    return;
  fenced = tmpl_in_fence(t, at);
  a->uses[a->nuses].span = span_make(at, at + len);
  a->uses[a->nuses].var = v;
  a->uses[a->nuses].fenced = fenced;
  a->nuses++;
  a->vars[v].fenced_only = a->vars[v].uses == 0 ? fenced
                                                : a->vars[v].fenced_only &&
                                                    fenced;
  a->vars[v].uses++;
  if (iterated && !a->vars[v].iterated)
    a->vars[v].iterated_at = span_make(at, at + len);
  a->vars[v].iterated |= iterated;
}

void
tmpl_text(struct tmpl *t, uint32_t from, uint32_t to)
{
  const char *s = t->s;

  while (from < to) {
    const char *close = memchr(s + from, '}', to - from);
    const char *stop = close ? close : s + to;

    for (const char *o = s + from;
         (o = memchr(o, '{', (size_t)(stop - o))) != NULL; o++)
      t->braces++;
    if (!close)
      return;
    from = (uint32_t)(close - s) + 1;
    if (t->braces > 0) {
      t->braces--;
      continue;
    }
    if (from < to && s[from] == '}') {
      if (t->cut_comment.end)
        tmpl_report(t, DIAG_TEMPLATE_STRAY_CLOSE,
                    span_make(from - 1, from + 1),
                    "'}}' closes no tag: the comment on line %u ended at "
                    "the first '}}' inside it, and the engine prints the "
                    "rest as text; write {{!-- --}} for a comment that "
                    "holds tags", tmpl_line(t, t->cut_comment.start));
      else
        tmpl_report(t, DIAG_TEMPLATE_STRAY_CLOSE,
                    span_make(from - 1, from + 1),
                    "'}}' closes no tag: the template engine prints it "
                    "as text");
      from++;
    }
  }
}

void
tmpl_bind(struct tmpl *t, uint32_t at, uint32_t len)
{
  if (len == 0 || vec_reserve((void **)&t->locals, &t->cap_locals,
                              t->nlocals, sizeof *t->locals,
                              TEMPLATE_LOCALS_MAX))
    return;
  t->locals[t->nlocals].name = t->s + at;
  t->locals[t->nlocals].len = len;
  t->nlocals++;
  /* Kept for rename, which must not make a variable one of these. */
  if (vec_reserve((void **)&t->a->binds, &t->a->cap_binds, t->a->nbinds,
                  sizeof *t->a->binds, TEMPLATE_LOCALS_MAX) == 0)
    t->a->binds[t->a->nbinds++] = span_make(at, at + len);
}

bool
tmpl_bound(const struct tmpl *t, uint32_t at, uint32_t len)
{
  for (size_t i = t->nlocals; i > 0; i--)
    if (t->locals[i - 1].len == len &&
        memcmp(t->locals[i - 1].name, t->s + at, len) == 0)
      return true;
  return false;
}

void
tmpl_block_open(struct tmpl *t, struct span open, const char *name,
                bool context)
{
  struct artifact *a = t->a;
  struct template_block *b;

  if (t->depth == TMPL_DEPTH_MAX) {
    /* Once: every deeper block is the same finding. */
    if (t->beyond++ == 0)
      tmpl_report(t, DIAG_TOO_DEEP, open, "blocks nested deeper than %d "
                  "levels are not analysed", TMPL_DEPTH_MAX);
    return;
  }
  if (vec_reserve((void **)&a->blocks, &a->cap_blocks, a->nblocks,
                  sizeof *a->blocks, TEMPLATE_BLOCKS_MAX))
    return;
  b = &a->blocks[a->nblocks];
  b->open = open;
  b->close = span_make(open.end, open.end);
  b->name = name;
  t->open[t->depth].block = (uint32_t)a->nblocks++;
  t->open[t->depth].locals = (uint32_t)t->nlocals;
  t->open[t->depth].context = context;
  t->depth++;
  t->context += context;
}

bool
tmpl_block_close_beyond(struct tmpl *t)
{
  if (t->beyond == 0)
    return false;
  t->beyond--;
  return true;
}

const char *
tmpl_block_name(const struct tmpl *t)
{
  return t->depth ? t->a->blocks[t->open[t->depth - 1].block].name : NULL;
}

void
tmpl_block_close(struct tmpl *t, struct span close)
{
  struct tmpl_open *o;

  if (t->depth == 0)
    return;
  o = &t->open[--t->depth];
  t->a->blocks[o->block].close = close;
  t->nlocals = o->locals;
  t->context -= o->context;
}

void
tmpl_finish(struct tmpl *t)
{
  while (t->depth > 0) {
    const struct template_block *b = &t->a->blocks[t->open[t->depth - 1].block];

    if (t->dialect == TEMPLATE_JINJA)
      tmpl_report(t, DIAG_TEMPLATE_UNCLOSED_BLOCK, b->open,
                  "'{%% %s %%}' is never closed: add '{%% end%s %%}'",
                  b->name, b->name);
    else
      tmpl_report(t, DIAG_TEMPLATE_UNCLOSED_BLOCK, b->open,
                  "'{{#%s}}' is never closed: add '{{/%s}}'", b->name,
                  b->name);
    tmpl_block_close(t, span_make(t->end, t->end));
  }
}

/* The run of ` or ~ that opens or closes a fence at i, or 0. */
static uint32_t
tmpl__fence_run(const char *s, uint32_t i, uint32_t end, char *c)
{
  uint32_t indent = 0;
  uint32_t n = 0;

  while (i < end && s[i] == ' ' && indent < 4)
    i++, indent++;
  if (indent > 3 || i >= end || (s[i] != '`' && s[i] != '~'))
    return 0;
  *c = s[i];
  while (i + n < end && s[i + n] == *c)
    n++;
  return n >= 3 ? n : 0;
}

void
template_fences(const char *text, struct span span,
                void (*fn)(struct span fence, void *ctx), void *ctx)
{
  uint32_t i = span.start;
  uint32_t open = 0;
  uint32_t len = 0;
  char c = 0;

  while (i < span.end) {
    const char *nl = memchr(text + i, '\n', span.end - i);
    uint32_t next = nl ? (uint32_t)(nl - text) + 1 : span.end;
    char here = 0;
    uint32_t n = tmpl__fence_run(text, i, next, &here);

    if (len == 0 && n) {
      open = i;
      len = n;
      c = here;
    } else if (len && n >= len && here == c) {
      fn(span_make(open, next), ctx);
      len = 0;
    }
    i = next;
  }
  if (len)
    fn(span_make(open, span.end), ctx);
}

static void
tmpl__add_fence(struct span fence, void *ctx)
{
  struct tmpl *t = ctx;

  if (vec_reserve((void **)&t->fences, &t->cap_fences, t->nfences,
                  sizeof *t->fences, TEMPLATE_BLOCKS_MAX) == 0)
    t->fences[t->nfences++] = fence;
}

/* ${input:name} and ${input:name:placeholder}; built-ins are not inputs. */
static void
tmpl__vscode(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;

  while (i + 8 < end) {
    const char *p = memmem(s + i, end - i, "${input:", 8);
    uint32_t at;

    if (!p)
      return;
    at = (uint32_t)(p - s) + 8;
    i = at;
    if (!tmpl_in_fence(t, at))
      tmpl_use(t, at, tmpl_ident_len(s, at, end, TMPL_NAMES_DASHED), false);
  }
}

/* Semantic Kernel: {{$name}}, also as a function's argument. */
static void
tmpl__sk(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;

  while (i + 1 < end) {
    const char *p = memmem(s + i, end - i, "{{", 2);
    const char *close;

    if (!p)
      return;
    i = (uint32_t)(p - s);
    close = memmem(s + i + 2, end - i - 2, "}}", 2);
    if (!close)
      return;
    for (uint32_t a = i + 2; a < (uint32_t)(close - s); a++)
      if (s[a] == '$' && tmpl_ident_start(s, a + 1, end, TMPL_NAMES_PYTHON))
        tmpl_use(t, a + 1,
                 tmpl_ident_len(s, a + 1, end, TMPL_NAMES_PYTHON), false);
    i = (uint32_t)(close - s) + 2;
  }
}

/* Python str.format fields {name}; doubled braces are literal. */
static void
tmpl__fstring(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;

  for (; i < end; i++) {
    uint32_t close;

    if (s[i] == '}') {
      if (i + 1 < end && s[i + 1] == '}')
        i++;
      else
        tmpl_report(t, DIAG_TEMPLATE_UNMATCHED_TAG, span_make(i, i + 1),
                    "a single '}' in an f-string template: write '}}' for "
                    "a literal brace");
      continue;
    }
    if (s[i] != '{')
      continue;
    if (i + 1 < end && s[i + 1] == '{') {
      i++;
      continue;
    }
    for (close = i + 1; close < end && s[close] != '}' && s[close] != '{';
         close++)
      ;
    if (close >= end || s[close] != '}') {
      tmpl_report(t, DIAG_TEMPLATE_UNTERMINATED, span_make(i, i + 1),
                  "'{' is never closed: write '{{' for a literal brace");
      continue;
    }
    tmpl_use(t, i + 1, tmpl_ident_len(s, i + 1, close, TMPL_NAMES_PYTHON),
             false);
    i = close;
  }
}

/* GitHub Models: {{name}} is replaced as text, nothing else is syntax. */
static void
tmpl__literal(struct tmpl *t, uint32_t i, uint32_t end)
{
  const char *s = t->s;

  while (i + 1 < end) {
    const char *p = memmem(s + i, end - i, "{{", 2);
    const char *close;
    uint32_t a;
    uint32_t b;

    if (!p)
      return;
    i = (uint32_t)(p - s) + 2;
    close = memmem(s + i, end - i, "}}", 2);
    if (!close)
      return;
    /* Only the exact text {{name}} is replaced: padded is just text. */
    a = i;
    b = a + tmpl_ident_len(s, a, (uint32_t)(close - s), TMPL_NAMES_DASHED);
    if (b > a && b == (uint32_t)(close - s))
      tmpl_use(t, a, b - a, false);
    i = (uint32_t)(close - s) + 2;
  }
}

int
template_parse(struct artifact *a, enum template_dialect dialect,
               struct span span, const struct template_options *opts)
{
  struct tmpl t = { .a = a, .s = a->src.text, .end = span.end,
                    .dialect = dialect };

  if (span.end <= span.start)
    return 0;
  if (a->dialect == TEMPLATE_NONE)
    a->dialect = (uint8_t)dialect;
  t.any_helper = opts && opts->any_helper;
  t.builtins = opts ? opts->builtins : NULL;
  if (opts && opts->markdown)
    template_fences(t.s, span, tmpl__add_fence, &t);
  switch (dialect) {
  case TEMPLATE_JINJA:
    tmpl_jinja(&t, span.start, span.end);
    break;
  case TEMPLATE_HANDLEBARS:
  case TEMPLATE_MUSTACHE:
    tmpl_handlebars(&t, span.start, span.end,
                    dialect == TEMPLATE_MUSTACHE);
    break;
  case TEMPLATE_LITERAL:
    tmpl__literal(&t, span.start, span.end);
    break;
  case TEMPLATE_VSCODE:
    tmpl__vscode(&t, span.start, span.end);
    break;
  case TEMPLATE_FSTRING:
    tmpl__fstring(&t, span.start, span.end);
    break;
  case TEMPLATE_SK:
    tmpl__sk(&t, span.start, span.end);
    break;
  case TEMPLATE_NONE:
    break;
  }
  tmpl_finish(&t);
  free(t.fences);
  free(t.locals);
  free(t.index);
  return t.rc;
}

const struct template_var *
template_var(const struct artifact *a, const char *name)
{
  for (size_t i = 0; i < a->nvars; i++)
    if (strcmp(a->vars[i].name, name) == 0)
      return &a->vars[i];
  return NULL;
}

bool
template_python_name(const char *name)
{
  uint32_t n = name ? (uint32_t)strlen(name) : 0;

  return tmpl_ident_start(name, 0, n, TMPL_NAMES_PYTHON) &&
         tmpl_ident_len(name, 0, n, TMPL_NAMES_PYTHON) == n;
}

bool
template_uses(const struct artifact *a, const char *name)
{
  return template_var(a, name) != NULL;
}

const char *
template_reserved(enum template_dialect dialect, const char *name)
{
  switch (dialect) {
  case TEMPLATE_JINJA:
    return tmpl_jinja_reserved(name);
  case TEMPLATE_HANDLEBARS:
  case TEMPLATE_MUSTACHE:
    return tmpl_hbs_reserved(name, dialect == TEMPLATE_MUSTACHE);
  default:
    return NULL;
  }
}
