#include "provenance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* For XXH64_state_t on the stack rather than on the heap. */
#define XXH_STATIC_LINKING_ONLY
#include <xxhash.h>

#include "arena.h"
#include "artifact.h"
#include "tree.h"
#include "vec.h"

/* Records one file may carry; more is generated data, not crystallised
 * artifacts. */
#define PROVENANCE_RECORDS_MAX 4096

/* Line-windows provenance_locate hashes at most when the fragment moved. */
#define PROVENANCE_SEARCH_MAX ((uint64_t)1 << 22)

static bool
provenance__blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Line i of src without the blanks around it. */
static void
provenance__line(const struct source *src, uint32_t i, const char **s,
                 size_t *n)
{
  uint32_t start = source_line_start(src, i);
  uint32_t end = source_line_end(src, i);

  if (i == 0 && start < src->bom)
    start = src->bom;
  while (start < end && provenance__blank(src->text[start]))
    start++;
  while (end > start && provenance__blank(src->text[end - 1]))
    end--;
  *s = src->text + start;
  *n = end - start;
}

uint64_t
provenance_hash_lines(const struct source *src, uint32_t first, uint32_t last)
{
  XXH64_state_t state;

  XXH64_reset(&state, 0);
  for (uint32_t i = first; i <= last && i < src->line_count; i++) {
    const char *s;
    size_t n;

    if (i > first)
      XXH64_update(&state, "\n", 1);
    provenance__line(src, i, &s, &n);
    XXH64_update(&state, s, n);
  }
  return XXH64_digest(&state);
}

char *
provenance_format(struct arena *arena, const char *prompt_path,
                  uint32_t first, uint32_t last, uint64_t hash)
{
  if (first == last)
    return arena_printf(arena, PROVENANCE_MARK "%s line %u, fragment "
                        "xxh64:%016llx", prompt_path, first + 1,
                        (unsigned long long)hash);
  return arena_printf(arena, PROVENANCE_MARK "%s lines %u-%u, fragment "
                      "xxh64:%016llx", prompt_path, first + 1, last + 1,
                      (unsigned long long)hash);
}

/* The last occurrence of needle in the n bytes at s, or NULL. */
static const char *
provenance__last(const char *s, size_t n, const char *needle)
{
  size_t m = strlen(needle);
  const char *found = NULL;

  for (size_t i = 0; m <= n && i <= n - m; i++)
    if (memcmp(s + i, needle, m) == 0)
      found = s + i;
  return found;
}

static bool
provenance__hex(const char *s, size_t n, uint64_t *out)
{
  uint64_t v = 0;

  if (n < 16)
    return false;
  for (size_t i = 0; i < 16; i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0'
          : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

    if (d < 0)
      return false;
    v = v << 4 | (uint64_t)d;
  }
  *out = v;
  return true;
}

/* "A-B" (or "A" alone) at s, up to end, into 1-based lines. */
static bool
provenance__range(const char *s, const char *end, uint32_t *a, uint32_t *b)
{
  char tmp[32];
  size_t n = (size_t)(end - s);
  unsigned long x;
  unsigned long y;
  int used = 0;

  if (n == 0 || n >= sizeof tmp)
    return false;
  memcpy(tmp, s, n);
  tmp[n] = '\0';
  if (sscanf(tmp, "%lu-%lu%n", &x, &y, &used) != 2) {
    used = 0;
    if (sscanf(tmp, "%lu%n", &x, &used) != 1)
      return false;
    y = x;
  }
  if ((size_t)used != n || x == 0 || y < x || y > UINT32_MAX ||
      !strchr("0123456789", tmp[0]))
    return false;
  *a = (uint32_t)x;
  *b = (uint32_t)y;
  return true;
}

bool
provenance_parse(const char *s, size_t len, struct arena *arena,
                 struct provenance *out)
{
  static const char lines_word[] = " lines ";
  static const char line_word[] = " line ";
  static const char hash_word[] = ", fragment xxh64:";
  const char *word;
  const char *mark = memmem(s, len, PROVENANCE_MARK, strlen(PROVENANCE_MARK));
  const char *end = s + len;
  const char *path;
  const char *hash;
  const char *lines;

  if (!mark)
    return false;
  path = mark + strlen(PROVENANCE_MARK);
  hash = provenance__last(path, (size_t)(end - path), hash_word);
  if (!hash || !provenance__hex(hash + strlen(hash_word),
                                (size_t)(end - hash) - strlen(hash_word),
                                &out->hash))
    return false;
  lines = provenance__last(path, (size_t)(hash - path), lines_word);
  word = lines_word;
  if (!lines) {
    lines = provenance__last(path, (size_t)(hash - path), line_word);
    word = line_word;
  }
  if (!lines || lines == path ||
      !provenance__range(lines + strlen(word), hash, &out->first_line,
                         &out->last_line))
    return false;
  out->prompt = arena_strndup(arena, path, (size_t)(lines - path));
  out->label = NULL;
  return out->prompt != NULL;
}

static void
provenance__add(struct artifact *a, const struct provenance *p)
{
  if (vec_reserve((void **)&a->records, &a->cap_records, a->nrecords,
                  sizeof *a->records, PROVENANCE_RECORDS_MAX) == 0)
    a->records[a->nrecords++] = *p;
}

/* A record written as the string value n (a $comment, a metadata key). */
static void
provenance__from_node(struct artifact *a, const struct node *n,
                      enum provenance_kind kind, const char *label)
{
  struct provenance p = { .kind = kind };

  n = node_resolve(n);
  if (!n || n->kind != NODE_SCALAR ||
      !provenance_parse(n->u.scalar.str, n->u.scalar.len, &a->arena, &p))
    return;
  p.span = n->span;
  p.label = label;
  provenance__add(a, &p);
}

static void
provenance__promptfoo_tests(struct artifact *a, const struct node *tests)
{
  tests = node_resolve(tests);
  for (uint32_t i = 0; tests && tests->kind == NODE_SEQ && i < tests->count;
       i++) {
    const struct node *test = node_resolve(tests->u.items[i]);
    const struct node *meta = node_get(test, "metadata");

    if (meta)
      provenance__from_node(a, node_get(meta, "facet"), PROVENANCE_TEST,
                            node_str(node_get(test, "description")));
  }
}

/* Whether the line after the comment at line i is an item of testData. */
static enum provenance_kind
provenance__ghm_kind(const struct artifact *a, uint32_t line)
{
  const struct node *data = node_resolve(node_get(a->root, "testData"));
  uint32_t next = source_line_start(&a->src, line + 1);

  for (uint32_t i = 0; data && data->kind == NODE_SEQ && i < data->count;
       i++) {
    uint32_t at = data->u.items[i]->span.start;

    if (source_line_of(&a->src, at) == source_line_of(&a->src, next))
      return PROVENANCE_TEST;
  }
  return PROVENANCE_EVALUATOR;
}

/*
 * Comment lines holding a record: "# facet: ..." in YAML, "# " or "// " in
 * code. Only the first PROVENANCE_CODE_LINES lines of code are read.
 */
static void
provenance__comments(struct artifact *a, const char *lead, bool code)
{
  uint32_t lines = a->src.line_count;

  if (code && lines > PROVENANCE_CODE_LINES)
    lines = PROVENANCE_CODE_LINES;
  for (uint32_t i = 0; i < lines; i++) {
    struct provenance p = { .kind = PROVENANCE_CODE };
    const char *s;
    size_t n;

    provenance__line(&a->src, i, &s, &n);
    if (n < strlen(lead) || memcmp(s, lead, strlen(lead)) != 0 ||
        !memmem(s, n, "facet:", 6) ||
        !provenance_parse(s, n, &a->arena, &p))
      continue;
    p.span = span_make((uint32_t)(s - a->text), (uint32_t)(s - a->text + n));
    if (!code)
      p.kind = provenance__ghm_kind(a, i);
    provenance__add(a, &p);
    if (code)
      return;  /* a validator has one record; its test names it, not the
                  prompt */
  }
}

static bool
provenance__ends(const char *path, const char *suffix)
{
  size_t n = path ? strlen(path) : 0;
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

bool
provenance_code_file(const char *path)
{
  return provenance__ends(path, ".py") || provenance__ends(path, ".ts") ||
         provenance__ends(path, ".js") || provenance__ends(path, ".mjs");
}

void
provenance_collect(struct artifact *a)
{
  switch (a->format) {
  case FORMAT_JSON_SCHEMA:
    provenance__from_node(a, node_get(a->root, "$comment"),
                          PROVENANCE_SCHEMA, NULL);
    break;
  case FORMAT_PROMPTFOO:
    provenance__promptfoo_tests(a, node_get(a->root, "tests"));
    break;
  case FORMAT_GITHUB_MODELS:
    provenance__comments(a, "#", false);
    break;
  case FORMAT_NONE:
    if (provenance__ends(a->path, ".py"))
      provenance__comments(a, "#", true);
    else if (provenance__ends(a->path, ".ts") ||
             provenance__ends(a->path, ".js") ||
             provenance__ends(a->path, ".mjs"))
      provenance__comments(a, "//", true);
    break;
  default:
    break;
  }
}

/* Whether lines first.. (n lines) hash to h. */
static bool
provenance__at(const struct source *src, uint32_t first, uint32_t n,
               uint64_t h)
{
  return first + n <= src->line_count &&
         provenance_hash_lines(src, first, first + n - 1) == h;
}

enum provenance_state
provenance_locate(const struct source *src, const struct provenance *p,
                  uint32_t *first, uint32_t *last)
{
  uint32_t n = p->last_line - p->first_line + 1;
  uint32_t at = p->first_line - 1;
  uint64_t windows = src->line_count >= n ? src->line_count - n + 1 : 0;

  if (provenance__at(src, at, n, p->hash)) {
    *first = at;
    *last = at + n - 1;
    return PROVENANCE_FRESH;
  }
  /* Nearest first: a fragment usually moves by the lines added above. */
  for (uint32_t d = 1; windows * n <= PROVENANCE_SEARCH_MAX &&
                       (d <= at || at + d < windows); d++) {
    for (int side = 0; side < 2; side++) {
      uint32_t try = side ? at + d : at - d;

      if ((side ? at + d < windows : d <= at) &&
          provenance__at(src, try, n, p->hash)) {
        *first = try;
        *last = try + n - 1;
        return PROVENANCE_MOVED;
      }
    }
  }
  *first = at < src->line_count ? at : src->line_count - 1;
  *last = at + n - 1 < src->line_count ? at + n - 1 : src->line_count - 1;
  return PROVENANCE_CHANGED;
}
