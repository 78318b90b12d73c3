/*
 * Re-parsing a YAML document after an edit from the parse before it.
 *
 * In block context, the item of a block sequence that starts on its own
 * "- " line and runs to the line of the first token after it is read the
 * same way whether libyaml meets it inside the whole document or alone:
 * every line of it is indented past the dash or is the dash line, so the
 * enclosing collections' indentation never comes into play, and what
 * follows it begins afresh at a column no deeper than the dash. So when an
 * edit falls inside such an item, and leaves its dash line's indentation
 * and the line after it alone, the new text of the item is parsed on its
 * own (yaml_parse_item) and must come out as exactly one item with no
 * syntax error. The rest of the tree is copied, spans past the edit moved
 * by its length, and the parser's findings outside the item kept. One
 * place libyaml takes from past the item, the empty value of a "? key"
 * with no ":" at its end, is checked for.
 *
 * Limitation: anything else falls back to a full parse: an edit outside
 * every item, one that breaks the item's bounds or its syntax, an anchor
 * or alias in the item (a later alias may name it, or it names an anchor
 * outside), %directives in the document, and any edit after a parse that
 * found a syntax error (its tree is a repair, not a parse).
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "error.h"
#include "tree.h"
#include "yaml_doc.h"

/* An item the edit lies in, which may be parsed on its own. */
struct reparse_candidate {
  int depth;                 /* index of its sequence in the path */
  uint32_t start;            /* where its dash line starts */
  uint32_t old_end;          /* where the line of the first token after it
                                starts, in the old text; its end if none */
  bool to_end;               /* no token follows: it runs to the end */
};

struct reparse {
  struct arena *arena;
  const struct yaml_doc *prev;
  const struct source *old_src;
  const struct source *src;
  struct text_change change;
  const struct node *path[TREE_DEPTH_MAX];   /* root, ..., the sequence */
  uint32_t slot[TREE_DEPTH_MAX];             /* the child taken at each */
  int npath;
  struct reparse_candidate cands[TREE_DEPTH_MAX];
  int ncands;
  const struct node **anchor_keys;   /* open addressing: old node -> */
  uint32_t *anchor_index;            /* its index in prev->anchored */
  size_t anchor_mask;
  struct node **anchored;            /* the copies of prev->anchored */
  bool failed;                       /* an alias lost its anchor */
};

/* Where the line holding offset p starts. */
static uint32_t
reparse__line_start(const char *text, uint32_t p)
{
  while (p > 0 && text[p - 1] != '\n' && text[p - 1] != '\r')
    p--;
  return p;
}

/*
 * The dash of the block-sequence item that starts at p: the "-" before it,
 * past blanks and line ends (an item may start on the line after its
 * dash); UINT32_MAX when something else comes first (a comment).
 */
static uint32_t
reparse__dash(const char *text, uint32_t p)
{
  while (p > 0 && (text[p - 1] == ' ' || text[p - 1] == '\t' ||
                   text[p - 1] == '\r' || text[p - 1] == '\n'))
    p--;
  return p > 0 && text[p - 1] == '-' ? p - 1 : UINT32_MAX;
}

/* Where the dash line of the item that starts at p starts. */
static uint32_t
reparse__item_line(const char *text, uint32_t p)
{
  uint32_t dash = reparse__dash(text, p);

  return reparse__line_start(text, dash == UINT32_MAX ? p : dash);
}

/* The index of the item of seq whose dash line holds s, or -1. */
static int64_t
reparse__item_at(const struct reparse *r, const struct node *seq, uint32_t s)
{
  const char *text = r->old_src->text;
  uint32_t lo = 0;
  uint32_t hi = seq->count;

  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;

    if (seq->u.items[mid]->span.start <= s)
      lo = mid + 1;
    else
      hi = mid;
  }
  /* lo items start at or before s; the next may have its dash line there */
  if (lo < seq->count &&
      reparse__item_line(text, seq->u.items[lo]->span.start) <= s)
    return lo;
  return (int64_t)lo - 1;
}

/* The index of the pair of map whose key starts last at or before s. */
static int64_t
reparse__pair_at(const struct node *map, uint32_t s)
{
  uint32_t lo = 0;
  uint32_t hi = map->count;

  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;

    if (node_key(map, mid)->span.start <= s)
      lo = mid + 1;
    else
      hi = mid;
  }
  return (int64_t)lo - 1;
}

/*
 * Where the first token after offset end begins its line: past the rest
 * of end's line and any blank or comment-only lines after it. Returns the
 * text's length when there is none, UINT32_MAX when end's line goes on
 * with more than a comment.
 */
static uint32_t
reparse__next_line(const struct source *src, uint32_t end)
{
  const char *t = src->text;
  uint32_t p = end;

  if (p > 0 && t[p - 1] != '\n' && t[p - 1] != '\r') {
    while (p < src->len && (t[p] == ' ' || t[p] == '\t'))
      p++;
    if (p < src->len && t[p] != '#' && t[p] != '\n' && t[p] != '\r')
      return UINT32_MAX;
    while (p < src->len && t[p] != '\n' && t[p] != '\r')
      p++;
    p += p + 1 < src->len && t[p] == '\r' && t[p + 1] == '\n' ? 2 : 1;
  }
  while (p < src->len) {
    uint32_t q = p;

    while (q < src->len && (t[q] == ' ' || t[q] == '\t'))
      q++;
    if (q < src->len && t[q] != '\n' && t[q] != '\r' && t[q] != '#')
      return p;
    while (q < src->len && t[q] != '\n' && t[q] != '\r')
      q++;
    p = q + (q + 1 < src->len && t[q] == '\r' && t[q + 1] == '\n' ? 2 : 1);
  }
  return src->len;
}

/*
 * Records item (of the sequence at path index depth) as a candidate when
 * its dash starts a line (but for indentation), the edit lies past the
 * dash, and ends before the line of the first token after the item (the
 * next item's dash, a key of an enclosing mapping), a line indented no
 * deeper than the dash; or the item is the last thing in the text.
 */
static void
reparse__consider(struct reparse *r, int depth, const struct node *item)
{
  const char *text = r->old_src->text;
  struct reparse_candidate *c = &r->cands[r->ncands];
  uint32_t dash = reparse__dash(text, item->span.start);
  uint32_t line, indent, spaces;

  if (dash == UINT32_MAX)
    return;
  line = reparse__line_start(text, dash);
  for (uint32_t i = line; i < dash; i++)
    if (text[i] != ' ')
      return;
  if (r->change.start <= dash)
    return;
  indent = dash - line;
  c->depth = depth;
  c->start = line;
  c->old_end = reparse__next_line(r->old_src, item->span.end);
  if (c->old_end == UINT32_MAX)
    return;
  c->to_end = c->old_end >= r->old_src->len;
  if (!c->to_end) {
    for (spaces = 0; text[c->old_end + spaces] == ' '; spaces++)
      ;
    if (c->old_end <= dash || spaces > indent ||
        r->change.old_end >= c->old_end)
      return;
  }
  r->ncands++;
}

/*
 * Walks from the root down the block collections that hold the edit's
 * start, recording the path and every item on it that may be re-parsed.
 */
static void
reparse__descend(struct reparse *r)
{
  const struct node *n = r->prev->root;
  uint32_t s = r->change.start;
  uint32_t limit = UINT32_MAX;  /* where the node after n starts */

  while (n && (n->kind == NODE_MAP || n->kind == NODE_SEQ) &&
         !(n->flags & NODE_FLOW) && r->npath < TREE_DEPTH_MAX) {
    int64_t i;
    uint32_t next;

    if (n->kind == NODE_SEQ) {
      i = reparse__item_at(r, n, s);
      if (i < 0)
        return;
      next = (uint32_t)i + 1 < n->count ? n->u.items[i + 1]->span.start
                                        : limit;
      r->path[r->npath] = n;
      r->slot[r->npath++] = (uint32_t)i;
      reparse__consider(r, r->npath - 1, n->u.items[i]);
      n = n->u.items[i];
    } else {
      i = reparse__pair_at(n, s);
      if (i < 0)
        return;
      next = (uint32_t)i + 1 < n->count
               ? node_key(n, (uint32_t)i + 1)->span.start : limit;
      if (next != UINT32_MAX && s >= next)
        return;
      r->path[r->npath] = n;
      r->slot[r->npath++] = 2 * (uint32_t)i + 1;
      n = node_value(n, (uint32_t)i);
    }
    limit = next;
  }
}

static size_t
reparse__hash(const struct node *n, size_t mask)
{
  return (size_t)(((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ull) & mask;
}

/* Indexes prev's anchored nodes, so that copies can be found for aliases. */
static int
reparse__index_anchors(struct reparse *r)
{
  size_t n = r->prev->nanchored;
  size_t size = 16;

  if (n == 0)
    return 0;
  while (size < 2 * n)
    size *= 2;
  r->anchor_keys = arena_alloc(r->arena, size * sizeof *r->anchor_keys);
  r->anchor_index = arena_alloc(r->arena, size * sizeof *r->anchor_index);
  r->anchored = arena_alloc(r->arena, n * sizeof *r->anchored);
  if (!r->anchor_keys || !r->anchor_index || !r->anchored)
    return FACET_ENOMEM;
  r->anchor_mask = size - 1;
  for (size_t i = 0; i < n; i++) {
    size_t h = reparse__hash(r->prev->anchored[i], r->anchor_mask);

    while (r->anchor_keys[h])
      h = (h + 1) & r->anchor_mask;
    r->anchor_keys[h] = r->prev->anchored[i];
    r->anchor_index[h] = (uint32_t)i;
  }
  return 0;
}

/* The index of old in prev->anchored, or -1. */
static int64_t
reparse__anchor(const struct reparse *r, const struct node *old)
{
  size_t h;

  if (!r->anchor_keys)
    return -1;
  for (h = reparse__hash(old, r->anchor_mask); r->anchor_keys[h];
       h = (h + 1) & r->anchor_mask)
    if (r->anchor_keys[h] == old)
      return r->anchor_index[h];
  return -1;
}

static uint32_t
reparse__move(const struct reparse *r, uint32_t p)
{
  return p >= r->change.old_end ? p - r->change.old_end + r->change.new_end
                                : p;
}

/* A copy of old's own fields in the new arena, known as its anchor's. */
static struct node *
reparse__new_node(struct reparse *r, const struct node *old)
{
  struct node *n = arena_alloc(r->arena, sizeof *n);
  int64_t anchor = reparse__anchor(r, old);

  if (!n)
    return NULL;
  *n = *old;
  if (anchor >= 0)
    r->anchored[anchor] = n;
  return n;
}

/* Makes n (a copy of old's own fields) old's copy: moved, and known as
 * its anchor's. */
static void
reparse__place(struct reparse *r, const struct node *old, struct node *n)
{
  int64_t anchor = reparse__anchor(r, old);

  *n = *old;
  n->span.start = reparse__move(r, old->span.start);
  n->span.end = reparse__move(r, old->span.end);
  if (anchor >= 0)
    r->anchored[anchor] = n;
}

/*
 * Copies what the collection old holds under n, its copy, and so on down.
 * One block holds the child nodes, the items array and the text of the
 * scalar children: the copy is most of a re-analysis' work.
 */
static int
reparse__copy_children(struct reparse *r, const struct node *old,
                       struct node *n)
{
  uint32_t slots = old->kind == NODE_MAP ? 2 * old->count : old->count;
  size_t bytes = slots * (sizeof(struct node) + sizeof(struct node *));
  struct node *kids;
  char *text;
  int64_t anchor;
  int rc;

  if (slots == 0)
    return 0;
  for (uint32_t i = 0; i < slots; i++)
    if (old->u.items[i]->kind == NODE_SCALAR)
      bytes += old->u.items[i]->u.scalar.len + 1;
  kids = arena_alloc_raw(r->arena, bytes);
  if (!kids)
    return FACET_ENOMEM;
  n->u.items = (struct node **)(kids + slots);
  text = (char *)(n->u.items + slots);
  for (uint32_t i = 0; i < slots; i++) {
    const struct node *o = old->u.items[i];
    struct node *k = &kids[i];

    reparse__place(r, o, k);
    n->u.items[i] = k;
    switch ((enum node_kind)o->kind) {
    case NODE_SCALAR:
      memcpy(text, o->u.scalar.str, o->u.scalar.len + 1);
      k->u.scalar.str = text;
      text += o->u.scalar.len + 1;
      break;
    case NODE_ALIAS:
      /* Anchors come before their aliases: the copy is made already. */
      anchor = reparse__anchor(r, o->u.target);
      if (anchor < 0 || !r->anchored[anchor]) {
        r->failed = true;
        return 1;
      }
      k->u.target = r->anchored[anchor];
      break;
    case NODE_MAP:
    case NODE_SEQ:
      rc = reparse__copy_children(r, o, k);
      if (rc)
        return rc;
      break;
    }
  }
  return 0;
}

/* A copy of old and all under it, moved past the edit. */
static struct node *
reparse__copy(struct reparse *r, const struct node *old)
{
  struct node in = { .kind = NODE_SEQ, .count = 1 };
  struct node out;

  /* Copying children is what copies nodes: old is the one child of in. */
  in.u.items = (struct node **)&old;
  if (reparse__copy_children(r, &in, &out))
    return NULL;
  return out.u.items[0];
}

/*
 * A copy of the path from index depth down, with item in place of the
 * sequence's old item. A block collection ends where its last child does,
 * as the parser makes it.
 */
static struct node *
reparse__copy_path(struct reparse *r, int depth, int last, struct node *item)
{
  const struct node *old = r->path[depth];
  struct node *n = reparse__new_node(r, old);
  uint32_t slots = old->kind == NODE_MAP ? 2 * old->count : old->count;

  if (!n)
    return NULL;
  n->u.items = arena_alloc(r->arena, slots * sizeof *n->u.items);
  if (!n->u.items)
    return NULL;
  for (uint32_t i = 0; i < slots; i++) {
    if (i != r->slot[depth])
      n->u.items[i] = reparse__copy(r, old->u.items[i]);
    else if (depth == last)
      n->u.items[i] = item;
    else
      n->u.items[i] = reparse__copy_path(r, depth + 1, last, item);
    if (!n->u.items[i])
      return NULL;
  }
  n->span.end = n->u.items[slots - 1]->span.end;
  if (n->span.end < n->span.start)
    n->span.end = n->span.start;
  return n;
}

/* Whether one of prev's anchors lies in the old text of candidate c. */
static bool
reparse__anchor_inside(const struct reparse *r,
                       const struct reparse_candidate *c)
{
  for (size_t i = 0; i < r->prev->nanchored; i++) {
    uint32_t at = r->prev->anchored[i]->span.start;

    if (at >= c->start && (at < c->old_end || c->to_end))
      return true;
  }
  return false;
}

/*
 * The parser's findings for the new tree: prev's before the item, the
 * item's own (in fresh), prev's after it, moved; added to diags and kept
 * in doc.
 */
static int
reparse__findings(struct reparse *r, const struct reparse_candidate *c,
                  const struct diag_list *fresh, struct diag_list *diags,
                  struct yaml_doc *doc)
{
  const struct yaml_doc *prev = r->prev;
  size_t before = diags->count;
  size_t kept = 0;

  for (size_t i = 0; i < prev->ndiags; i++)
    if (prev->diags[i].span.start < c->start ||
        (!c->to_end && prev->diags[i].span.start >= c->old_end))
      kept++;
  if (before + kept + fresh->count >= DIAG_LIST_MAX)
    return 1;  /* a full parse would stop at the limit, in its own order */
  for (int pass = 0; pass < 3; pass++) {
    const struct diagnostic *from = pass == 1 ? fresh->items : prev->diags;
    size_t n = pass == 1 ? fresh->count : prev->ndiags;

    for (size_t i = 0; i < n; i++) {
      struct span at = from[i].span;
      bool early = at.start < c->start;
      bool late = !c->to_end && at.start >= c->old_end;

      if ((pass == 0 && !early) || (pass == 2 && !late))
        continue;
      if (pass == 2)
        at = span_make(reparse__move(r, at.start), reparse__move(r, at.end));
      if (!diag_add(diags, from[i].code, at, "%s", from[i].message))
        return FACET_ENOMEM;
    }
  }
  doc->ndiags = diags->count - before;
  if (doc->ndiags) {
    doc->diags = arena_alloc(r->arena, doc->ndiags * sizeof *doc->diags);
    if (!doc->diags)
      return FACET_ENOMEM;
    memcpy(doc->diags, diags->items + before,
           doc->ndiags * sizeof *doc->diags);
  }
  return 0;
}

/*
 * Whether n holds an empty scalar at offset end. libyaml places the empty
 * value of a "? key" with no ":" at the next token, which for the last
 * entry of the region is whatever follows the region in the document: its
 * place alone would differ from its place in the whole.
 */
static bool
reparse__empty_at(const struct node *n, uint32_t end)
{
  uint32_t slots;

  if (n->kind == NODE_SCALAR)
    return n->span.start == end && n->span.end == end;
  if (n->kind == NODE_ALIAS || n->span.end < end)
    return false;
  slots = n->kind == NODE_MAP ? 2 * n->count : n->count;
  return slots > 0 && reparse__empty_at(n->u.items[slots - 1], end);
}

/*
 * Tries candidate c: parses its new text alone and, if that is one clean
 * item, builds the new tree and findings. Returns 0, 1 (try another), or
 * FACET_ENOMEM.
 */
static int
reparse__try(struct reparse *r, const struct reparse_candidate *c,
             struct diag_list *diags, struct node **out,
             struct yaml_doc *doc)
{
  struct diag_list fresh;
  struct node *item = NULL;
  size_t before = diags->count;
  uint32_t end = c->to_end ? r->src->len
                           : reparse__move(r, c->old_end);
  int rc;

  if (reparse__anchor_inside(r, c))
    return 1;
  diag_list_init(&fresh, r->arena);
  rc = yaml_parse_item(r->arena, r->src, span_make(c->start, end), c->depth,
                       &fresh, &item);
  if (rc == 0 && !c->to_end && reparse__empty_at(item, end))
    rc = 1;
  if (rc == 1)
    fresh.count = 0;
  if (rc == 0) {
    if (r->anchored)
      memset(r->anchored, 0, r->prev->nanchored * sizeof *r->anchored);
    r->failed = false;
    *out = reparse__copy_path(r, 0, c->depth, item);
    rc = *out ? 0 : r->failed ? 1 : FACET_ENOMEM;
  }
  if (rc == 0)
    rc = reparse__findings(r, c, &fresh, diags, doc);
  diag_list_release(&fresh);
  if (rc) {
    diags->count = before;
    return rc;
  }
  doc->root = *out;
  doc->anchored = r->anchored;
  doc->nanchored = r->prev->nanchored;
  doc->reusable = true;
  doc->reused = true;
  return 0;
}

int
yaml_reparse(struct arena *a, const struct source *src,
             const struct yaml_doc *prev, const struct source *prev_src,
             struct text_change change, struct diag_list *diags,
             struct node **out, struct yaml_doc **doc)
{
  struct reparse r;
  int rc = 1;

  if (!prev || !prev->reusable || !prev->root ||
      text_change_is_none(change) || change.start > change.old_end ||
      change.start > change.new_end || change.old_end > prev_src->len ||
      change.new_end > src->len ||
      prev_src->len - change.old_end != src->len - change.new_end)
    return 1;
  memset(&r, 0, sizeof r);
  r.arena = a;
  r.prev = prev;
  r.old_src = prev_src;
  r.src = src;
  r.change = change;
  reparse__descend(&r);
  if (r.ncands == 0)
    return 1;
  *doc = arena_alloc(a, sizeof **doc);
  if (!*doc || reparse__index_anchors(&r))
    return FACET_ENOMEM;
  /* The innermost item first: the smallest text to parse again. */
  for (int i = r.ncands - 1; i >= 0 && rc == 1; i--)
    rc = reparse__try(&r, &r.cands[i], diags, out, *doc);
  if (rc)
    *doc = NULL;
  return rc;
}
