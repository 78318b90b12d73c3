/*
 * Paths and names for what crystallise creates. Paths are relative to the
 * caller's root, '/'-separated; these are string operations only.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "crystal_internal.h"
#include "provenance.h"

/* Names tried for a new file before giving up: name, name-2, ... */
#define CRYSTAL_NAME_TRIES 99

char *
crystal_path_dir(struct arena *a, const char *path)
{
  const char *slash = strrchr(path, '/');

  return arena_strndup(a, path, slash ? (size_t)(slash - path) : 0);
}

char *
crystal_path_join(struct arena *a, const char *dir, const char *name)
{
  if (!dir || !dir[0])
    return arena_strndup(a, name, strlen(name));
  return arena_printf(a, "%s/%s", dir, name);
}

/* Resolves "." and ".." parts and doubled slashes; a ".." above the root
 * is kept, so the path still says where it points. */
char *
crystal_path_clean(struct arena *a, const char *path)
{
  size_t n = strlen(path);
  char *out = arena_alloc(a, n + 1);
  size_t len = 0;
  size_t kept = 0;   /* parts in out that a ".." may remove */

  if (!out)
    return NULL;
  for (size_t i = 0; i < n;) {
    size_t j = i;

    while (j < n && path[j] != '/')
      j++;
    if (j - i == 2 && memcmp(path + i, "..", 2) == 0 && kept > 0) {
      while (len > 0 && out[len - 1] != '/')
        len--;
      len = len > 0 ? len - 1 : 0;
      kept--;
    } else if (j > i && !(j - i == 1 && path[i] == '.')) {
      if (len)
        out[len++] = '/';
      memcpy(out + len, path + i, j - i);
      len += j - i;
      kept += !(j - i == 2 && memcmp(path + i, "..", 2) == 0);
    }
    i = j + 1;
  }
  out[len] = '\0';
  return out;
}

/* How many leading parts dir and path share. */
static size_t
paths__common(const char *dir, const char *path, size_t *at_dir,
              size_t *at_path)
{
  size_t parts = 0;
  size_t i = 0;

  *at_dir = *at_path = 0;
  while (dir[i] && path[i] && dir[i] == path[i]) {
    i++;
    if ((dir[i] == '/' || !dir[i]) && path[i] == '/') {
      parts++;
      *at_dir = dir[i] ? i + 1 : i;
      *at_path = i + 1;
    }
  }
  return parts;
}

char *
crystal_path_relative(struct arena *a, const char *from_dir, const char *to)
{
  struct buf out;
  size_t at_dir;
  size_t at_path;
  const char *rest;

  /* "../" for each folder left, then the rest: never more. */
  buf_init(&out, 3 * strlen(from_dir) + strlen(to) + 1);
  paths__common(from_dir, to, &at_dir, &at_path);
  rest = from_dir + at_dir;
  while (*rest) {
    const char *slash = strchr(rest, '/');

    buf_puts(&out, "../");
    rest = slash ? slash + 1 : rest + strlen(rest);
  }
  buf_puts(&out, to + at_path);
  rest = out.err ? NULL : arena_strndup(a, out.data ? out.data : "",
                                        out.len);
  buf_release(&out);
  return (char *)rest;
}

/* Extensions a prompt's file name ends with, longest first. */
static const char *const paths__prompt_exts[] = {
  ".prompt.yaml", ".prompt.yml", ".prompt.md", ".instructions.md",
  ".agent.md", ".chatmode.md", ".prompty", ".prompt", ".jinja2", ".jinja",
  ".j2", ".mustache", ".handlebars", ".hbs", ".poml", ".txt", ".md",
  ".yaml", ".yml", ".json", NULL,
};

char *
crystal_prompt_name(struct arena *a, const char *path)
{
  const char *base = strrchr(path, '/');
  size_t n;

  /* A Semantic Kernel function is its folder: Plugin/Function/skprompt.txt.
   */
  if (base && strcasecmp(base + 1, "skprompt.txt") == 0 && base > path) {
    const char *dir = base;

    while (dir > path && dir[-1] != '/')
      dir--;
    return arena_strndup(a, dir, (size_t)(base - dir));
  }
  base = base ? base + 1 : path;
  n = strlen(base);
  for (const char *const *e = paths__prompt_exts; *e; e++) {
    size_t m = strlen(*e);

    if (n > m && strcasecmp(base + n - m, *e) == 0) {
      n -= m;
      break;
    }
  }
  if (base[0] == '_' && n > 1) {  /* a Dotprompt partial */
    base++;
    n--;
  }
  return arena_strndup(a, base, n);
}

/* name as an identifier: snake_case, or camelCase when camel is set. */
char *
crystal_ident(struct arena *a, const char *name, bool camel)
{
  size_t n = strlen(name);
  char *out = arena_alloc(a, 2 * n + 2);
  size_t len = 0;
  bool gap = false;

  if (!out)
    return NULL;
  if (n == 0 || isdigit((unsigned char)name[0]))
    out[len++] = '_';
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = (unsigned char)name[i];

    if (!isalnum(ch)) {
      gap = len > 0;
      continue;
    }
    /* ExtractEntities is extract_entities in snake case. */
    if (!camel && isupper(ch) && i > 0 && islower((unsigned char)name[i - 1]))
      gap = true;
    if (gap && !camel)
      out[len++] = '_';
    out[len++] = (char)(gap && camel ? toupper(ch)
                        : camel ? ch : tolower(ch));
    gap = false;
  }
  out[len] = '\0';
  return out;
}

static bool
paths__taken(struct crystal *c, const char *path)
{
  const struct crystal_request *r = c->req;

  for (size_t i = 0; i < c->ncreated; i++)
    if (strcmp(c->created[i], path) == 0)
      return true;
  return r->exists && r->exists(r->exists_ctx, path);
}

/*
 * The first of dir/base.ext, dir/base-2.ext, ... that no file has, taken
 * for this edit; NULL when all are taken (or memory runs out).
 */
const char *
crystal_free_path(struct crystal *c, const char *dir, const char *base,
                  const char *ext)
{
  for (int i = 1; i <= CRYSTAL_NAME_TRIES; i++) {
    char *name = i == 1 ? arena_printf(c->arena, "%s%s", base, ext)
                        : arena_printf(c->arena, "%s-%d%s", base, i, ext);
    char *path = name ? crystal_path_join(c->arena, dir, name) : NULL;

    if (!path)
      return NULL;
    if (paths__taken(c, path))
      continue;
    if (c->ncreated < CRYSTAL_FILES_MAX)
      c->created[c->ncreated++] = path;
    return path;
  }
  return NULL;
}

/* The provenance record a file at from_file carries of the fragment. */
const char *
crystal_record(struct crystal *c, const char *from_file)
{
  char *dir = crystal_path_dir(c->arena, from_file);
  char *rel = dir ? crystal_path_relative(c->arena, dir,
                                          c->req->prompt_path) : NULL;

  if (!rel)
    return NULL;
  return provenance_format(c->arena, rel,
                           (uint32_t)((int64_t)c->edit->first_line +
                                      c->line_shift),
                           (uint32_t)((int64_t)c->edit->last_line +
                                      c->line_shift),
                           c->edit->hash);
}
