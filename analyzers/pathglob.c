#include "pathglob.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Alternatives one glob may expand to; past this the rest never match. */
#define PATHGLOB_ALTERNATIVES_MAX 64

/* Appends the segment [s, s + n) to out at *len, handling "." and "..". */
static bool
pathglob__push(char *out, size_t size, size_t *len, size_t floor,
               const char *s, size_t n)
{
  if (n == 0 || (n == 1 && s[0] == '.'))
    return true;
  if (n == 2 && s[0] == '.' && s[1] == '.') {
    size_t at = *len;

    /* Climb only over a real segment, never over a kept "..". */
    while (at > floor && out[at - 1] != '/')
      at--;
    if (*len > floor && !(*len - at == 2 && out[at] == '.' &&
                          out[at + 1] == '.')) {
      *len = at > floor ? at - 1 : floor;
      out[*len] = '\0';
      return true;
    }
    if (floor == 1)
      return true;   /* "/.." is "/" */
  }
  if (*len + (*len > floor) + n + 1 > size)
    return false;
  if (*len > floor)
    out[(*len)++] = '/';
  memcpy(out + *len, s, n);
  *len += n;
  out[*len] = '\0';
  return true;
}

static bool
pathglob__fold(const char *path, char *out, size_t size, size_t *len,
               size_t floor)
{
  const char *p = path;

  while (*p) {
    const char *slash = strchr(p, '/');
    size_t n = slash ? (size_t)(slash - p) : strlen(p);

    if (!pathglob__push(out, size, len, floor, p, n))
      return false;
    p += n;
    while (*p == '/')
      p++;
  }
  return true;
}

bool
pathglob_normalize(const char *path, char *out, size_t size)
{
  size_t len = 0;
  size_t floor = 0;

  if (size < 2)
    return false;
  out[0] = '\0';
  if (path[0] == '/') {
    out[len++] = '/';
    out[len] = '\0';
    floor = 1;
  }
  if (!pathglob__fold(path, out, size, &len, floor))
    return false;
  if (len == 0) {
    out[len++] = '.';
    out[len] = '\0';
  }
  return true;
}

bool
pathglob_resolve(const char *from, const char *ref, char *out, size_t size)
{
  const char *slash = from ? strrchr(from, '/') : NULL;
  char joined[2 * PATHGLOB_PATH_MAX];
  int n;

  if (ref[0] == '/' || !slash)
    return pathglob_normalize(ref, out, size);
  n = snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - from), from,
               ref);
  if (n < 0 || (size_t)n >= sizeof joined)
    return false;
  return pathglob_normalize(joined, out, size);
}

bool
pathglob_is_glob(const char *s)
{
  return strpbrk(s, "*?[{") != NULL;
}

/* Whether some segment of p starts with ".": hidden from "**". */
static bool
pathglob__hidden(const char *p)
{
  for (const char *q = p; *q; q++)
    if (*q == '.' && (q == p || q[-1] == '/'))
      return true;
  return false;
}

/* After "**" matched at p: zero or more whole segments, then rest. */
static bool pathglob__match(const char *g, const char *p);

static bool
pathglob__stars(const char *rest, const char *q)
{
  for (;;) {
    const char *slash;

    if (!*rest)
      return !pathglob__hidden(q);
    if (pathglob__match(rest, q))
      return true;
    if (*q == '.' || !(slash = strchr(q, '/')))
      return false;
    q = slash + 1;
  }
}

/* Matches with "**" taking any number of whole folders. */
static bool
pathglob__match(const char *g, const char *p)
{
  const char *stars = strstr(g, "**");
  char buf[PATHGLOB_PATH_MAX];
  size_t n;

  if (!stars)
    return fnmatch(g, p, FNM_PATHNAME | FNM_PERIOD) == 0;
  n = (size_t)(stars - g);
  if (strlen(g) >= sizeof buf || strlen(p) >= sizeof buf)
    return false;
  /* "**" that is not a whole segment is an ordinary "*". */
  if ((n > 0 && g[n - 1] != '/') || (stars[2] && stars[2] != '/')) {
    strcpy(buf, g);
    memmove(buf + n, buf + n + 1, strlen(buf + n + 1) + 1);
    return pathglob__match(buf, p);
  }
  for (const char *at = p;; at++) {
    if (at == p || at[-1] == '/') {
      char head[PATHGLOB_PATH_MAX];
      size_t k = (size_t)(at - p);

      memcpy(head, g, n);
      head[n] = '\0';
      memcpy(buf, p, k);
      buf[k] = '\0';
      if (fnmatch(head, buf, FNM_PATHNAME | FNM_PERIOD) == 0 &&
          pathglob__stars(stars[2] ? stars + 3 : "", at))
        return true;
    }
    if (!*at)
      return false;
  }
}

/* Expands the first {a,b} of g into *count patterns of out. */
static void
pathglob__expand(const char *g, char out[][PATHGLOB_PATH_MAX], size_t *count)
{
  const char *open = strchr(g, '{');
  const char *close = NULL;
  int depth = 0;

  if (*count >= PATHGLOB_ALTERNATIVES_MAX)
    return;
  for (const char *p = open; p && *p; p++) {
    depth += *p == '{';
    depth -= *p == '}';
    if (depth == 0) {
      close = p;
      break;
    }
  }
  if (!open || !close || strlen(g) >= PATHGLOB_PATH_MAX) {
    if (strlen(g) < PATHGLOB_PATH_MAX)
      strcpy(out[(*count)++], g);
    return;
  }
  for (const char *alt = open + 1; alt <= close;) {
    const char *end = alt;
    char next[PATHGLOB_PATH_MAX];
    size_t pre = (size_t)(open - g);
    size_t n;

    depth = 0;
    while (end < close && !(depth == 0 && *end == ',')) {
      depth += *end == '{';
      depth -= *end == '}';
      end++;
    }
    n = (size_t)(end - alt);
    if (pre + n + strlen(close + 1) < sizeof next) {
      memcpy(next, g, pre);
      memcpy(next + pre, alt, n);
      strcpy(next + pre + n, close + 1);
      pathglob__expand(next, out, count);
    }
    alt = end + 1;
  }
}

size_t
pathglob_literal_prefix(const char *glob)
{
  return strcspn(glob, "*?[{\\");
}

bool
pathglob_match(const char *glob, const char *path)
{
  char (*alts)[PATHGLOB_PATH_MAX];
  size_t count = 0;
  bool hit = false;
  size_t lit = pathglob_literal_prefix(glob);

  /* Text before the first glob character matches only itself: most paths
   * are ruled out here, without fnmatch. */
  if (strncmp(glob, path, lit) != 0)
    return false;
  if (!glob[lit])
    return path[lit] == '\0';
  if (!strchr(glob, '{'))
    return pathglob__match(glob, path);
  alts = malloc(PATHGLOB_ALTERNATIVES_MAX * sizeof *alts);
  if (!alts)
    return false;
  pathglob__expand(glob, alts, &count);
  for (size_t i = 0; i < count && !hit; i++)
    hit = pathglob__match(alts[i], path);
  free(alts);
  return hit;
}

bool
pathglob_literal_dir(const char *glob, char *out, size_t size)
{
  size_t keep = 0;

  for (const char *p = glob; *p; p++) {
    if (strchr("*?[{", *p))
      break;
    if (*p == '/')
      keep = (size_t)(p - glob);
  }
  if (!pathglob_is_glob(glob))
    keep = strlen(glob);
  if (keep >= size)
    return false;
  memcpy(out, glob, keep);
  out[keep] = '\0';
  return true;
}
