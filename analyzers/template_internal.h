/* What the template parsers of each dialect share; not for other modules. */
#ifndef FACET_TEMPLATE_INTERNAL_H
#define FACET_TEMPLATE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "template.h"
#include "tree.h"

struct artifact;

/* A name a template binds itself (a loop variable, a {% set %}). */
struct tmpl_local {
  const char *name;   /* into the text */
  uint32_t len;
};

/* An open block, while its closing tag is awaited. */
struct tmpl_open {
  uint32_t block;     /* index into the artifact's blocks */
  uint32_t locals;    /* how many locals were bound when it opened */
  bool context;       /* Handlebars: it changes what names refer to */
};

/* Deeper template nesting than this is reported, not followed: the limit
 * every too-deep finding states (docs/diagnostics.md). */
#define TMPL_DEPTH_MAX TREE_DEPTH_MAX

struct tmpl {
  struct artifact *a;
  const char *s;               /* the whole text */
  uint32_t end;                /* where the template's span ends */
  enum template_dialect dialect;
  bool any_helper;             /* Handlebars helpers registered in code */
  const char *const *builtins; /* names the engine provides, or NULL */
  struct span *fences;         /* where tag mistakes are not reported */
  size_t nfences;
  size_t cap_fences;
  struct tmpl_local *locals;
  size_t nlocals;
  size_t cap_locals;
  struct tmpl_open open[TMPL_DEPTH_MAX];
  int depth;
  uint32_t beyond;             /* blocks open past TMPL_DEPTH_MAX: not
                                  tracked, but their closers are theirs */
  int context;                 /* open blocks that changed the context */
  uint32_t braces;             /* '{' of the text not yet closed by '}' */
  struct span cut_comment;     /* the last {{! }} comment that held a '{{'
                                  and so ended at an inner '}}' */
  bool guard;                  /* reading an {% if %} test: names read
                                  may be unset */
  uint32_t *index;             /* hash of var names to index + 1 */
  size_t index_cap;
  int rc;
};

/* Records a read of the variable written at [at, at + len). */
void tmpl_use(struct tmpl *t, uint32_t at, uint32_t len, bool iterated);

/* Binds a local name written at [at, at + len) until its block ends. */
void tmpl_bind(struct tmpl *t, uint32_t at, uint32_t len);

/* Whether [at, at + len) names a bound local. */
bool tmpl_bound(const struct tmpl *t, uint32_t at, uint32_t len);

/* Opens a block named name (static) at span. */
void tmpl_block_open(struct tmpl *t, struct span open, const char *name,
                     bool context);

/* The innermost open block's name, or NULL. */
/* A closer while blocks past the depth limit are open: it ends the
 * innermost of those (whose names were not kept); true if so. */
bool tmpl_block_close_beyond(struct tmpl *t);
const char *tmpl_block_name(const struct tmpl *t);

/* Closes the innermost open block at span. */
void tmpl_block_close(struct tmpl *t, struct span close);

/*
 * Reads the text between tags, [from, to): a '}}' there that no '{' of
 * the text opened (as JSON in a prompt does) is a stray tag end.
 */
void tmpl_text(struct tmpl *t, uint32_t from, uint32_t to);

/* Reports unclosed blocks left at the end of the text. */
void tmpl_finish(struct tmpl *t);

/* Whether at lies in a Markdown code fence. */
bool tmpl_in_fence(const struct tmpl *t, uint32_t at);

/* Adds a diagnostic, unless span lies in a Markdown code fence. */
void tmpl_report(struct tmpl *t, enum diag_code code, struct span span,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Line (1-based) of offset, for messages that point elsewhere. */
uint32_t tmpl_line(const struct tmpl *t, uint32_t offset);

/* Character classes, looked up on every character of a large template. */
enum tmpl_class {
  TMPL_ALPHA = 1,   /* a letter or '_': starts a name */
  TMPL_DIGIT = 2,
  TMPL_DASH = 4,
  TMPL_SPACE = 8,
  TMPL_HBS = 16,    /* '$', ':', '?': in Handlebars names too */
};

/* How a dialect spells names. */
enum tmpl_names {
  TMPL_NAMES_PYTHON,  /* Jinja, Python: XID_Start, then XID_Continue */
  TMPL_NAMES_HBS,     /* Handlebars, Mustache: any character but white
                         space and !"#%&'()*+,./;<=>@[\]^`{|}~ */
  TMPL_NAMES_DASHED,  /* VS Code inputs, GitHub Models: letters, digits,
                         '_' and '-', any character past ASCII but space */
};
extern const unsigned char tmpl_class[256];

/*
 * The length in bytes of the character at s[i] (i < end), not ASCII, when
 * a name may start with it (start) or go on with it; 0 when it may not.
 * Python names follow Python 3 (XID_Start, then XID_Continue); the others
 * take any character but white space. The Unicode classes are
 * libunistring's.
 */
uint32_t tmpl_uchar(const char *s, uint32_t i, uint32_t end,
                    enum tmpl_names names, bool start);

/* Whether a name starts at s[i] (false when i >= end). */
static inline bool
tmpl_ident_start(const char *s, uint32_t i, uint32_t end,
                 enum tmpl_names names)
{
  unsigned char c;

  if (i >= end)
    return false;
  c = (unsigned char)s[i];
  if (c < 0x80)
    return tmpl_class[c] &
           (TMPL_ALPHA | (names == TMPL_NAMES_HBS ? TMPL_HBS : 0));
  return tmpl_uchar(s, i, end, names, true) > 0;
}

/* Whether byte c may be part of a word: for finding keywords as whole
 * words, any byte of a character past ASCII counts. */
static inline bool
tmpl_word_byte(char c)
{
  return (unsigned char)c >= 0x80 ||
         (tmpl_class[(unsigned char)c] & (TMPL_ALPHA | TMPL_DIGIT));
}

/* The length in bytes of the name at i: letters, digits, '_', and what
 * else names spells names with. */
static inline uint32_t
tmpl_ident_len(const char *s, uint32_t i, uint32_t end,
               enum tmpl_names names)
{
  unsigned mask = TMPL_ALPHA | TMPL_DIGIT |
                  (names != TMPL_NAMES_PYTHON ? TMPL_DASH : 0) |
                  (names == TMPL_NAMES_HBS ? TMPL_HBS : 0);
  uint32_t n = 0;

  while (i + n < end) {
    unsigned char c = (unsigned char)s[i + n];
    uint32_t k;

    if (c < 0x80) {
      if (!(tmpl_class[c] & mask))
        break;
      n++;
      continue;
    }
    k = tmpl_uchar(s, i + n, end, names, false);
    if (!k)
      break;
    n += k;
  }
  return n;
}

static inline uint32_t
tmpl_skip_space(const char *s, uint32_t i, uint32_t end)
{
  while (i < end && (tmpl_class[(unsigned char)s[i]] & TMPL_SPACE))
    i++;
  return i;
}

void tmpl_jinja(struct tmpl *t, uint32_t i, uint32_t end);
void tmpl_handlebars(struct tmpl *t, uint32_t i, uint32_t end,
                     bool mustache);

/* template_reserved for each dialect. */
const char *tmpl_jinja_reserved(const char *name);
const char *tmpl_hbs_reserved(const char *name, bool mustache);

#endif
