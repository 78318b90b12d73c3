/*
 * YAML to node tree through libyaml's event parser, which is ten times
 * faster than tree-sitter-yaml on a full parse. libyaml stops at the first
 * syntax error; the tree is then rebuilt from tree-sitter (ts_tree.c).
 *
 * Aliases are never expanded: an alias node points at its anchor's node, so
 * a "billion laughs" document costs one node per alias here. Whoever walks
 * the tree with aliases followed (JSON conversion, hashing, variable
 * lists) still pays for the expansion, so the builder counts the values a
 * full expansion makes and cuts the alias that would pass the budget.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "arena.h"
#include "diag.h"
#include "error.h"
#include "tree.h"
#include "ts_tree.h"
#include "utf8.h"
#include "yaml_doc.h"

/* Anchors a document may define; far above any real prompt or config. */
#define YAML_ANCHORS_MAX 4096

/* Passes with a faulty line blanked out before tree-sitter takes over. */
#define YAML_RETRIES_MAX 8

struct yaml_frame {
  uint8_t kind;          /* NODE_MAP or NODE_SEQ */
  uint8_t flags;
  uint32_t start;
  size_t base;           /* index in the child stack of the first child */
  char *anchor;          /* owned by the event we copied it from: strdup'd */
};

struct yaml_anchor {
  char *name;
  struct node *node;
  uint64_t weight;       /* values the node expands to, aliases followed */
};

struct yaml_builder {
  struct arena *arena;
  const struct source *src;
  struct diag_list *diags;
  const char *input;     /* src->text + base */
  uint32_t base;
  uint32_t input_len;
  size_t cur_chr;        /* libyaml marks count characters, not bytes */
  uint32_t cur_byte;
  bool ascii;            /* no byte above 0x7F: characters are bytes */
  struct node **stack;   /* children of the open collections */
  uint64_t *weights;     /* what each of them expands to */
  size_t top;
  size_t cap;
  struct yaml_frame frames[TREE_DEPTH_MAX];
  int depth;
  int depth_max;         /* TREE_DEPTH_MAX, less the collections a parsed
                            region is nested under */
  bool too_deep;         /* the depth limit ended the parse */
  bool directives;       /* the document has %YAML or %TAG lines */
  bool report;           /* this pass reports libyaml's syntax error */
  uint32_t problem;      /* where libyaml stopped, when it failed */
  uint32_t context;      /* where the construct it was in began */
  uint32_t blanks[2 * YAML_RETRIES_MAX];  /* lines blanked for a retry */
  int nblanks;
  uint32_t last_event;   /* offset of the previous event */
  struct yaml_anchor *anchors;
  size_t nanchors;
  uint64_t expanded;     /* values the document expands to so far */
  uint64_t budget;       /* YAML_EXPANSION_LIMIT for this input */
  bool cut;              /* an alias was cut for passing the budget */
  struct node *root;
  bool have_root;
  int rc;
};

/* Byte offset (absolute) of libyaml's character index chr. */
static uint32_t
yaml__offset(struct yaml_builder *b, size_t chr)
{
  const char *s = b->input;

  if (b->ascii)
    return b->base + (uint32_t)(chr < b->input_len ? chr : b->input_len);
  while (b->cur_chr < chr && b->cur_byte < b->input_len) {
    unsigned char c = (unsigned char)s[b->cur_byte++];

    if (c >= 0xC0)
      while (b->cur_byte < b->input_len &&
             ((unsigned char)s[b->cur_byte] & 0xC0) == 0x80)
        b->cur_byte++;
    b->cur_chr++;
  }
  while (b->cur_chr > chr && b->cur_byte > 0) {
    b->cur_byte--;
    while (b->cur_byte > 0 && ((unsigned char)s[b->cur_byte] & 0xC0) == 0x80)
      b->cur_byte--;
    b->cur_chr--;
  }
  return b->base + b->cur_byte;
}

/* Whether n bytes at s are all ASCII, a word at a time. */
static bool
yaml__is_ascii(const char *s, size_t n)
{
  uint64_t acc = 0;
  size_t i = 0;

  for (; i + 8 <= n; i += 8) {
    uint64_t w;

    memcpy(&w, s + i, 8);
    acc |= w;
  }
  for (; i < n; i++)
    acc |= (unsigned char)s[i];
  return (acc & 0x8080808080808080ull) == 0;
}

static struct span
yaml__span(struct yaml_builder *b, const yaml_mark_t *start,
           const yaml_mark_t *end)
{
  uint32_t s = yaml__offset(b, start->index);

  return span_make(s, yaml__offset(b, end->index));
}

/* Pushes n, which expands to weight values, as a child of the open
 * collection (or as the root). */
static int
yaml__push(struct yaml_builder *b, struct node *n, uint64_t weight)
{
  if (b->depth == 0) {
    if (!b->have_root) {
      b->root = n;
      b->have_root = true;
    }
    return 0;
  }
  if (b->top == b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 256;
    struct node **s = realloc(b->stack, cap * sizeof *s);
    uint64_t *w;

    if (!s)
      return FACET_ENOMEM;
    b->stack = s;
    w = realloc(b->weights, cap * sizeof *w);
    if (!w)
      return FACET_ENOMEM;
    b->weights = w;
    b->cap = cap;
  }
  b->weights[b->top] = weight;
  b->stack[b->top++] = n;
  return 0;
}

static void
yaml__anchor(struct yaml_builder *b, const char *name, struct node *n,
             uint64_t weight)
{
  struct yaml_anchor *a;

  if (!name || b->nanchors == YAML_ANCHORS_MAX)
    return;
  if (b->nanchors % 64 == 0) {
    a = realloc(b->anchors, (b->nanchors + 64) * sizeof *a);
    if (!a)
      return;
    b->anchors = a;
  }
  a = &b->anchors[b->nanchors];
  a->name = strdup(name);
  a->node = n;
  a->weight = weight;
  if (a->name)
    b->nanchors++;
}

static const struct yaml_anchor *
yaml__find_anchor(struct yaml_builder *b, const char *name)
{
  /* The latest definition wins, as YAML says. */
  for (size_t i = b->nanchors; i > 0; i--)
    if (strcmp(b->anchors[i - 1].name, name) == 0)
      return &b->anchors[i - 1];
  return NULL;
}

static int
yaml__scalar(struct yaml_builder *b, const yaml_event_t *e)
{
  unsigned flags = 0;
  uint64_t weight;
  struct node *n;

  switch (e->data.scalar.style) {
  case YAML_SINGLE_QUOTED_SCALAR_STYLE:
  case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
    flags = NODE_QUOTED;
    break;
  case YAML_LITERAL_SCALAR_STYLE:
  case YAML_FOLDED_SCALAR_STYLE:
    flags = NODE_BLOCK;
    break;
  default:
    break;
  }
  if (e->data.scalar.tag &&
      strcmp((const char *)e->data.scalar.tag, YAML_STR_TAG) == 0)
    flags |= NODE_QUOTED;
  n = node_new_scalar(b->arena, yaml__span(b, &e->start_mark, &e->end_mark),
                      (const char *)e->data.scalar.value,
                      (uint32_t)e->data.scalar.length, flags);
  if (!n)
    return FACET_ENOMEM;
  /* Long text counts for more: walks copy it (JSON, hashes) each time. */
  weight = 1 + e->data.scalar.length / YAML_EXPANSION_BYTES_PER_VALUE;
  b->expanded += weight;
  yaml__anchor(b, (const char *)e->data.scalar.anchor, n, weight);
  return yaml__push(b, n, weight);
}

static int
yaml__alias(struct yaml_builder *b, const yaml_event_t *e)
{
  const char *name = (const char *)e->data.alias.anchor;
  struct span span = yaml__span(b, &e->start_mark, &e->end_mark);
  const struct yaml_anchor *anchor = yaml__find_anchor(b, name);
  struct node *target = anchor ? anchor->node : NULL;
  struct node *n = node_new_scalar(b->arena, span, "", 0, 0);

  if (!n)
    return FACET_ENOMEM;
  if (!target) {
    diag_add(b->diags, DIAG_YAML_SYNTAX, span,
             "alias '*%s' names no anchor defined before it", name);
  } else if (b->expanded >= b->budget ||
             anchor->weight > b->budget - b->expanded) {
    /* Read as an empty value that may lack parts, so that nothing reports
     * what the expansion would have held as missing. */
    n->type = SCALAR_NULL;
    n->flags |= NODE_PARTIAL;
    if (!b->cut)
      diag_add(b->diags, DIAG_ALIAS_EXPANSION, span,
               "alias '*%s' would expand the document past %llu values "
               "(aliases nested in aliases multiply); it is read as empty, "
               "as is every later alias past the limit",
               name, (unsigned long long)b->budget);
    b->cut = true;
    b->expanded++;
    return yaml__push(b, n, 1);
  } else if (target->kind != NODE_ALIAS) {
    n->kind = NODE_ALIAS;
    n->u.target = target;
    b->expanded += anchor->weight;
    return yaml__push(b, n, anchor->weight);
  }
  b->expanded++;
  return yaml__push(b, n, 1);
}

static int
yaml__start(struct yaml_builder *b, const yaml_event_t *e, enum node_kind k)
{
  struct yaml_frame *f;
  const yaml_char_t *anchor;
  bool flow;

  if (b->depth == b->depth_max) {
    uint32_t at = yaml__offset(b, e->start_mark.index);

    /* Stop here: libyaml's scanner slows with every open flow level, and
     * nothing real nests this deep. */
    diag_add(b->diags, DIAG_TOO_DEEP, span_make(at, at),
             "nesting deeper than %d levels is not analysed",
             TREE_DEPTH_MAX);
    b->too_deep = true;
    return 0;
  }
  if (k == NODE_MAP) {
    anchor = e->data.mapping_start.anchor;
    flow = e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
  } else {
    anchor = e->data.sequence_start.anchor;
    flow = e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
  }
  f = &b->frames[b->depth++];
  f->kind = (uint8_t)k;
  f->flags = flow ? NODE_FLOW : 0;
  f->start = yaml__offset(b, e->start_mark.index);
  f->base = b->top;
  f->anchor = anchor ? strdup((const char *)anchor) : NULL;
  return 0;
}

static int
yaml__key_compare(const void *a, const void *b)
{
  const struct node *x = *(struct node *const *)a;
  const struct node *y = *(struct node *const *)b;
  int c = strcmp(x->u.scalar.str, y->u.scalar.str);

  if (c)
    return c;
  return x->span.start < y->span.start ? -1 : x->span.start > y->span.start;
}

static void
yaml__repeated(struct yaml_builder *b, const struct node *key)
{
  diag_add(b->diags, DIAG_DUPLICATE_KEY, key->span,
           "key '%s' is repeated; only its last value is used",
           key->u.scalar.str);
}

/* Small maps, the usual case: compare pairs, no allocation. */
static void
yaml__duplicates_small(struct yaml_builder *b, struct node *map)
{
  for (uint32_t i = 1; i < map->count; i++) {
    const struct node *k = map->u.items[2 * i];

    if (k->kind != NODE_SCALAR)
      continue;
    for (uint32_t j = 0; j < i; j++) {
      const struct node *o = map->u.items[2 * j];

      if (o->kind == NODE_SCALAR && o->u.scalar.len == k->u.scalar.len &&
          memcmp(o->u.scalar.str, k->u.scalar.str, k->u.scalar.len) == 0) {
        yaml__repeated(b, k);
        break;
      }
    }
  }
}

/* Reports each repeated scalar key at its later occurrence. */
static void
yaml__duplicates(struct yaml_builder *b, struct node *map)
{
  struct node **keys;
  uint32_t n = 0;

  if (map->count < 2)
    return;
  if (map->count <= 16) {
    yaml__duplicates_small(b, map);
    return;
  }
  keys = malloc(map->count * sizeof *keys);
  if (!keys)
    return;
  for (uint32_t i = 0; i < map->count; i++)
    if (map->u.items[2 * i]->kind == NODE_SCALAR)
      keys[n++] = map->u.items[2 * i];
  qsort(keys, n, sizeof *keys, yaml__key_compare);
  for (uint32_t i = 1; i < n; i++)
    if (strcmp(keys[i - 1]->u.scalar.str, keys[i]->u.scalar.str) == 0)
      yaml__repeated(b, keys[i]);
  free(keys);
}

static int
yaml__end(struct yaml_builder *b, const yaml_event_t *e)
{
  struct yaml_frame *f;
  struct node *n;
  size_t nchildren;
  uint64_t weight = 1;
  uint32_t end = e ? yaml__offset(b, e->end_mark.index) : 0;

  f = &b->frames[--b->depth];
  nchildren = b->top - f->base;
  if (f->kind == NODE_MAP && nchildren % 2)
    nchildren--;  /* cannot happen with libyaml; keep pairs whole anyway */
  /* A block collection's end mark lies past the blank lines after it;
   * its last child's end is where a reader sees it end. */
  if ((!(f->flags & NODE_FLOW) || !e) && nchildren)
    end = b->stack[f->base + nchildren - 1]->span.end;
  if (end < f->start)
    end = f->start;
  n = node_new_collection(b->arena, f->kind, span_make(f->start, end),
                          nchildren ? b->stack + f->base : NULL,
                          (uint32_t)(f->kind == NODE_MAP ? nchildren / 2
                                                         : nchildren),
                          f->flags | (e ? 0 : NODE_PARTIAL));
  for (size_t i = f->base; i < b->top; i++)
    weight += b->weights[i];
  b->top = f->base;
  b->expanded++;
  if (n && f->kind == NODE_MAP)
    yaml__duplicates(b, n);
  if (n)
    yaml__anchor(b, f->anchor, n, weight);
  free(f->anchor);
  return n ? yaml__push(b, n, weight) : FACET_ENOMEM;
}

/*
 * Collections still open when the parse passes a blanked line may have
 * lost keys there: mark them partial so that nobody reports the keys as
 * missing, an echo of the syntax error.
 */
static void
yaml__passing(struct yaml_builder *b, const yaml_event_t *e)
{
  uint32_t at;

  if (b->nblanks == 0)
    return;
  at = yaml__offset(b, e->start_mark.index);
  for (int i = 0; i < b->nblanks; i++) {
    if (b->blanks[i] < b->last_event || b->blanks[i] > at)
      continue;
    for (int f = 0; f < b->depth; f++)
      b->frames[f].flags |= NODE_PARTIAL;
    /* The value just read may have lost what the blanked line held. */
    if (b->top > 0)
      b->stack[b->top - 1]->flags |= NODE_PARTIAL;
  }
  b->last_event = at;
}

static int
yaml__event(struct yaml_builder *b, const yaml_event_t *e, bool *done)
{
  yaml__passing(b, e);
  switch (e->type) {
  case YAML_SCALAR_EVENT:
    return yaml__scalar(b, e);
  case YAML_ALIAS_EVENT:
    return yaml__alias(b, e);
  case YAML_MAPPING_START_EVENT:
    return yaml__start(b, e, NODE_MAP);
  case YAML_SEQUENCE_START_EVENT:
    return yaml__start(b, e, NODE_SEQ);
  case YAML_MAPPING_END_EVENT:
  case YAML_SEQUENCE_END_EVENT:
    return yaml__end(b, e);
  case YAML_DOCUMENT_START_EVENT:
    if (e->data.document_start.version_directive ||
        e->data.document_start.tag_directives.start !=
          e->data.document_start.tag_directives.end)
      b->directives = true;
    return 0;
  case YAML_DOCUMENT_END_EVENT:
  case YAML_STREAM_END_EVENT:
    /* Only the first document matters for the formats facet reads. */
    *done = true;
    return 0;
  default:
    return 0;
  }
}

/*
 * libyaml's words for text after a flow collection or a quoted value on
 * its line ("{a: 1}[]", "[x] more", "\"Hi\" there") do not say that this
 * is the fault; this does, or "".
 */
static const char *
yaml__after_flow(const struct yaml_builder *b, uint32_t at)
{
  const char *text = b->src->text;
  uint32_t i = at;

  if (at >= b->base + b->input_len || text[at] == '#' ||
      strchr("\r\n", text[at]))
    return "";
  while (i > b->base && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    i--;
  if (i == b->base)
    return "";
  switch (text[i - 1]) {
  case '}':
    return ": after the '}' that ends a flow mapping, only a comment may "
           "follow on the line (quote the value if it is text)";
  case ']':
    return ": after the ']' that ends a flow sequence, only a comment may "
           "follow on the line (quote the value if it is text)";
  case '"':
  case '\'':
    return ": after the quote that ends a quoted value, only a comment may "
           "follow on the line (quote all of the value)";
  default:
    return "";
  }
}

/*
 * Notes where libyaml stopped and, on the pass that reports, says so:
 * libyaml's messages read well; add where the construct began if known.
 */
static void
yaml__report(struct yaml_builder *b, const yaml_parser_t *p)
{
  uint32_t at = yaml__offset(b, p->problem_mark.index);
  uint32_t end = at;
  const char *problem = p->problem ? p->problem : "invalid YAML";
  const char *after;
  uint32_t line;
  uint32_t col;

  /* The reader (bytes that are not UTF-8) sets a byte offset, no mark. */
  if (p->error == YAML_READER_ERROR) {
    at = b->base + (uint32_t)(p->problem_offset < b->input_len
                                ? p->problem_offset : b->input_len);
    b->problem = b->context = at;
    if (b->report)
      diag_add(b->diags, DIAG_YAML_SYNTAX,
               span_make(at, at < b->base + b->input_len ? at + 1 : at),
               "%s: YAML text is UTF-8", problem);
    return;
  }

  b->problem = at;
  b->context = p->context ? yaml__offset(b, p->context_mark.index) : at;
  if (!b->report)
    return;
  if (at < b->base + b->input_len) {
    uint32_t cp;

    end = at + (uint32_t)utf8_decode(b->src->text + at,
                                     b->base + b->input_len - at, &cp);
    if (b->src->text[at] == '\n' || b->src->text[at] == '\r')
      end = at;
  }
  if (!p->context) {
    diag_add(b->diags, DIAG_YAML_SYNTAX, span_make(at, end), "%s%s", problem,
             yaml__after_flow(b, at));
    return;
  }
  after = yaml__after_flow(b, at);
  if (end == at && b->context < at) {
    /* libyaml gave up at a line's end or the text's (in a header, the
     * closing '---'): the fault is the construct it was reading, so the
     * range is that, to the end of its line. */
    const char *text = b->src->text;
    uint32_t stop = b->base + b->input_len;

    at = b->context;
    for (end = at; end < stop && text[end] != '\n' && text[end] != '\r';
         end++)
      ;
    while (end > at && (text[end - 1] == ' ' || text[end - 1] == '\t'))
      end--;
  }
  source_line_col(b->src, b->context, &line, &col);
  diag_add(b->diags, DIAG_YAML_SYNTAX, span_make(at, end),
           "%s (%s at line %u)%s", problem, p->context, line, after);
}

/* Frees what one pass holds outside the arena, and readies another. */
static void
yaml__reset(struct yaml_builder *b)
{
  for (int i = 0; i < b->depth; i++)
    free(b->frames[i].anchor);
  for (size_t i = 0; i < b->nanchors; i++)
    free(b->anchors[i].name);
  b->depth = 0;
  b->nanchors = 0;
  b->top = 0;
  b->root = NULL;
  b->have_root = false;
  b->too_deep = false;
  b->expanded = 0;
  b->cut = false;
  b->cur_chr = 0;
  b->cur_byte = 0;
  b->last_event = b->base;
}

static void
yaml__release(struct yaml_builder *b)
{
  yaml__reset(b);
  free(b->anchors);
  free(b->stack);
  free(b->weights);
}

/* Closes the collections a pass left open into partial nodes. */
static int
yaml__close_all(struct yaml_builder *b)
{
  int rc = 0;

  while (b->depth > 0 && rc == 0)
    rc = yaml__end(b, NULL);
  return rc;
}

/*
 * One libyaml pass over the builder's input. Returns 0, 1 when libyaml
 * stopped at a syntax error (b->problem says where), or FACET_ENOMEM.
 */
static int
yaml__pass(struct yaml_builder *b)
{
  yaml_parser_t parser;
  yaml_event_t event;
  bool done = false;
  int rc = 0;

  b->ascii = yaml__is_ascii(b->input, b->input_len);
  yaml_parser_initialize(&parser);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  yaml_parser_set_input_string(&parser, (const unsigned char *)b->input,
                               b->input_len);
  while (!done && rc == 0 && !b->too_deep) {
    if (!yaml_parser_parse(&parser, &event)) {
      yaml__report(b, &parser);
      rc = 1;
      break;
    }
    rc = yaml__event(b, &event, &done);
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (rc == 0 && b->too_deep)
    rc = yaml__close_all(b);
  return rc;
}

/* Turns the line of copy (an image of the input) that holds the absolute
 * offset at into spaces, so a new pass reads past it. */
static void
yaml__blank_line(struct yaml_builder *b, char *copy, uint32_t at)
{
  uint32_t i = at - b->base;
  uint32_t start = i;
  uint32_t end = i;

  while (start > 0 && copy[start - 1] != '\n' && copy[start - 1] != '\r')
    start--;
  while (end < b->input_len && copy[end] != '\n' && copy[end] != '\r')
    end++;
  memset(copy + start, ' ', end - start);
  if (b->nblanks < (int)(sizeof b->blanks / sizeof b->blanks[0]))
    b->blanks[b->nblanks++] = b->base + start;
}

/*
 * After a syntax error, parses again with the faulty line (and the line
 * where its construct began) blanked out, a few times, so that the rest
 * of the file still gets a tree with true offsets. Returns 0 when a pass
 * succeeded, 1 when none did, or FACET_ENOMEM.
 */
static int
yaml__retry(struct yaml_builder *b, size_t keep)
{
  char *copy = malloc(b->input_len + 1);
  const char *original = b->input;
  int rc = 1;

  if (!copy)
    return FACET_ENOMEM;
  memcpy(copy, original, b->input_len);
  b->input = copy;
  b->report = false;
  for (int attempt = 0; attempt < YAML_RETRIES_MAX && rc == 1; attempt++) {
    /* An unclosed construct is at fault where it began, not where libyaml
     * gave up: try that line alone first. */
    if (attempt > 0 || b->context == b->problem)
      yaml__blank_line(b, copy, b->problem);
    yaml__blank_line(b, copy, b->context);
    yaml__reset(b);
    b->diags->count = keep;
    rc = yaml__pass(b);
  }
  b->input = original;
  free(copy);
  if (rc == 1)
    b->diags->count = keep;
  return rc;
}

static void
yaml__setup(struct yaml_builder *b, struct arena *a, const struct source *src,
            struct span span, struct diag_list *diags)
{
  memset(b, 0, sizeof *b);
  if (span.start < src->bom)
    span.start = src->bom;
  b->arena = a;
  b->src = src;
  b->diags = diags;
  b->base = span.start;
  b->input = src->text + span.start;
  b->input_len = span.end > span.start ? span.end - span.start : 0;
  b->report = true;
  b->depth_max = TREE_DEPTH_MAX;
  b->budget = yaml_expansion_limit(b->input_len);
}

/* Whether diags from index from on hold a finding that marks the text as
 * not parsed cleanly. */
static bool
yaml__broken(const struct diag_list *diags, size_t from)
{
  for (size_t i = from; i < diags->count; i++)
    if (diags->items[i].code == DIAG_YAML_SYNTAX ||
        diags->items[i].code == DIAG_TOO_DEEP)
      return true;
  return false;
}

/* What a later yaml_reparse needs of a clean parse: its findings and the
 * nodes aliases may point at. */
static int
yaml__keep(struct yaml_builder *b, size_t first_diag, struct yaml_doc *doc)
{
  struct diag_list *diags = b->diags;

  doc->root = b->root;
  doc->ndiags = diags->count - first_diag;
  doc->reusable = !b->too_deep && !b->directives && !b->cut &&
                  b->nanchors < YAML_ANCHORS_MAX &&
                  diags->count < DIAG_LIST_MAX &&
                  !yaml__broken(diags, first_diag);
  if (!doc->reusable)
    return 0;
  if (doc->ndiags) {
    doc->diags = arena_alloc(b->arena, doc->ndiags * sizeof *doc->diags);
    if (!doc->diags)
      return FACET_ENOMEM;
    memcpy(doc->diags, diags->items + first_diag,
           doc->ndiags * sizeof *doc->diags);
  }
  doc->nanchored = b->nanchors;
  if (b->nanchors) {
    doc->anchored = arena_alloc(b->arena, b->nanchors * sizeof(struct node *));
    if (!doc->anchored)
      return FACET_ENOMEM;
    for (size_t i = 0; i < b->nanchors; i++)
      doc->anchored[i] = b->anchors[i].node;
  }
  return 0;
}

static int
yaml__parse(struct arena *a, const struct source *src, struct span span,
            struct diag_list *diags, struct node **out, struct yaml_doc *doc)
{
  struct yaml_builder b;
  size_t before = diags->count;
  int rc;

  yaml__setup(&b, a, src, span, diags);
  rc = yaml__pass(&b);
  if (rc == 0 && doc)
    rc = yaml__keep(&b, before, doc);
  if (rc == 1 && diags->count > before) {
    /* Keep the syntax error, reported last; later passes find the rest. */
    diags->items[before] = diags->items[diags->count - 1];
    diags->count = before + 1;
    rc = yaml__retry(&b, before + 1);
    if (rc == 0 && b.root)
      b.root->flags |= NODE_PARTIAL;
  }
  *out = b.root;
  yaml__release(&b);
  if (rc == 1)
    rc = ts_yaml_recover(a, src, span, diags, out);
  if (doc)
    doc->root = *out;
  return rc;
}

size_t
yaml_document_spans(const struct source *src, struct span span,
                    struct span *out, size_t max)
{
  struct yaml_builder b;
  yaml_parser_t parser;
  yaml_event_t event;
  size_t n = 0;
  uint32_t start = 0;
  bool open = false;

  yaml__setup(&b, NULL, src, span, NULL);
  b.ascii = yaml__is_ascii(b.input, b.input_len);
  yaml_parser_initialize(&parser);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  yaml_parser_set_input_string(&parser, (const unsigned char *)b.input,
                               b.input_len);
  for (;;) {
    if (!yaml_parser_parse(&parser, &event)) {
      /* The rest is one more span, whose parse reports the error. */
      uint32_t from = open ? start : n ? out[n - 1].end : b.base;

      if (n < max)
        out[n++] = span_make(from, b.base + b.input_len);
      else if (n)
        out[n - 1].end = b.base + b.input_len;
      break;
    }
    if (event.type == YAML_DOCUMENT_START_EVENT) {
      start = yaml__offset(&b, event.start_mark.index);
      open = true;
    } else if (event.type == YAML_DOCUMENT_END_EVENT && open) {
      uint32_t end = yaml__offset(&b, event.end_mark.index);

      open = false;
      /* Past max documents, the last span takes the rest. */
      if (n < max)
        out[n++] = span_make(start, end);
      else
        out[n - 1].end = end;
    } else if (event.type == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&event);
      break;
    }
    yaml_event_delete(&event);
  }
  yaml_parser_delete(&parser);
  if (n == 0 && max)
    out[n++] = span_make(b.base, b.base + b.input_len);
  return n;
}

int
yaml_parse(struct arena *a, const struct source *src, struct span span,
           struct diag_list *diags, struct node **out)
{
  return yaml__parse(a, src, span, diags, out, NULL);
}

int
yaml_parse_doc(struct arena *a, const struct source *src,
               struct diag_list *diags, struct node **out,
               struct yaml_doc **doc)
{
  *doc = arena_alloc(a, sizeof **doc);
  if (!*doc)
    return yaml_parse(a, src, span_make(0, src->len), diags, out);
  return yaml__parse(a, src, span_make(0, src->len), diags, out, *doc);
}

/*
 * One event of a region that must be exactly one block-sequence item:
 * returns 1 at anything else (a second document or item, an explicit
 * document marker, a directive, an anchor or alias).
 */
static int
yaml__item_event(struct yaml_builder *b, const yaml_event_t *e, int *docs,
                 bool *done)
{
  bool top = b->depth == 0;
  bool ignored;

  switch (e->type) {
  case YAML_STREAM_START_EVENT:
    return 0;
  case YAML_DOCUMENT_START_EVENT:
    if (!e->data.document_start.implicit || ++*docs > 1)
      return 1;
    break;
  case YAML_DOCUMENT_END_EVENT:
    return e->data.document_end.implicit ? 0 : 1;
  case YAML_STREAM_END_EVENT:
    *done = true;
    return 0;
  case YAML_ALIAS_EVENT:
    return 1;
  case YAML_SCALAR_EVENT:
    if (top || e->data.scalar.anchor)
      return 1;
    break;
  case YAML_MAPPING_START_EVENT:
    if (top || e->data.mapping_start.anchor)
      return 1;
    break;
  case YAML_SEQUENCE_START_EVENT:
    if (e->data.sequence_start.anchor ||
        (top && (b->have_root || e->data.sequence_start.tag ||
                 e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE)))
      return 1;
    break;
  default:
    break;
  }
  return yaml__event(b, e, &ignored);
}

int
yaml_parse_item(struct arena *a, const struct source *src,
                struct span region, int depth, struct diag_list *diags,
                struct node **item)
{
  struct yaml_builder b;
  yaml_parser_t parser;
  yaml_event_t event;
  size_t before = diags->count;
  bool done = false;
  int docs = 0;
  int rc = 0;

  if (depth >= TREE_DEPTH_MAX)
    return 1;
  yaml__setup(&b, a, src, region, diags);
  b.depth_max = TREE_DEPTH_MAX - depth;
  b.ascii = yaml__is_ascii(b.input, b.input_len);
  yaml_parser_initialize(&parser);
  yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
  yaml_parser_set_input_string(&parser, (const unsigned char *)b.input,
                               b.input_len);
  while (!done && rc == 0) {
    if (!yaml_parser_parse(&parser, &event)) {
      rc = 1;
      break;
    }
    rc = yaml__item_event(&b, &event, &docs, &done);
    yaml_event_delete(&event);
    if (rc == 0 && (b.too_deep || b.directives))
      rc = 1;
  }
  yaml_parser_delete(&parser);
  if (rc == 0 && (!b.root || b.root->kind != NODE_SEQ || b.root->count != 1 ||
                  yaml__broken(diags, before)))
    rc = 1;
  if (rc == 0)
    *item = b.root->u.items[0];
  else if (rc == 1)
    diags->count = before;
  yaml__release(&b);
  return rc;
}
