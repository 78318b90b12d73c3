/*
 * facet crystallise: the crystallise actions on the command line. The
 * edit prints as a unified diff (new files against /dev/null), or is
 * applied with --write. --write creates new files only where no file is
 * (it checks them all before writing any), and rewrites the prompt or the
 * promptfoo config through a temporary file renamed over it, so a reader
 * never sees half an edit.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "artifact.h"
#include "buf.h"
#include "crystal.h"
#include "crystallise.h"
#include "error.h"
#include "fileio.h"
#include "pathglob.h"
#include "source.h"
#include "wsindex.h"

/* Lines of context around each change in the diff. */
#define DIFF_CONTEXT 3

struct cli {
  char *root;                 /* absolute */
  char *prompt_abs;
  char *prompt_rel;
  uint32_t first;             /* 1-based lines; last 0 for the paragraph */
  uint32_t last;
  enum crystal_target target;
  bool write;
  const char *lang;
  const char *schema_dir;
  const char *code_dir;
  struct artifact *prompt;
  struct artifact *config;
  char *config_rel;
  struct wsindex idx;         /* the workspace, once read */
  bool indexed;
  struct crystal_schema_link schemas[CRYSTALLISE_SCHEMAS_MAX];
  size_t nschemas;
  char indexed_as[PATHGLOB_PATH_MAX];  /* the prompt, as the index names
                                          it; "" when it does not */
};

static void
cli__usage(FILE *to)
{
  fputs("usage: facet crystallise --to schema|eval|code [--write]\n"
        "                         [--root DIR] [--lang python|typescript]\n"
        "                         [--schema-dir DIR] [--code-dir DIR]\n"
        "                         FILE:LINE[-LINE]\n"
        "\n"
        "Crystallises the paragraph at LINE of the prompt FILE (or lines\n"
        "LINE-LINE) into a JSON Schema, an eval or a validator in code,\n"
        "and prints the edit as a unified diff; --write applies it. New\n"
        "files never replace existing ones. The workspace root is --root,\n"
        "else the git work tree holding FILE, else the current folder when\n"
        "it holds FILE, else FILE's folder; the diff's paths and the\n"
        "note's are relative to it, and the files written, printed, to\n"
        "the current folder. Exit status: 0 when the edit was made,\n"
        "1 when there is nothing to make or writing failed, 2 for a usage\n"
        "error.\n", to);
}

/* FILE:LINE or FILE:LINE-LINE, split at the last colon. */
static bool
cli__target(const char *arg, char **file, uint32_t *first, uint32_t *last)
{
  const char *colon = strrchr(arg, ':');
  unsigned long a;
  unsigned long b = 0;
  char *end;

  if (!colon || colon == arg)
    return false;
  errno = 0;
  a = strtoul(colon + 1, &end, 10);
  if (end == colon + 1 || a == 0 || a > UINT32_MAX || errno)
    return false;
  if (*end == '-') {
    const char *at = end + 1;

    b = strtoul(at, &end, 10);
    if (end == at || b < a || b > UINT32_MAX)
      return false;
  }
  if (*end)
    return false;
  *file = strndup(arg, (size_t)(colon - arg));
  *first = (uint32_t)a;
  *last = (uint32_t)b;
  return *file != NULL;
}

/* The top of the git work tree that holds dir, or NULL. */
static char *
cli__git_top(const char *dir)
{
  char *path = strdup(dir);

  while (path && path[0]) {
    char *git = malloc(strlen(path) + 6);
    struct stat st;
    char *slash;
    bool found;

    if (!git)
      break;
    sprintf(git, "%s/.git", path);
    found = stat(git, &st) == 0;
    free(git);
    if (found)
      return path;
    slash = strrchr(path, '/');
    if (!slash || slash == path)
      break;
    *slash = '\0';
  }
  free(path);
  return NULL;
}

static bool
cli__exists(void *ctx, const char *path)
{
  const struct cli *c = ctx;
  char *abs = malloc(strlen(c->root) + strlen(path) + 2);
  struct stat st;
  bool yes;

  if (!abs)
    return true;   /* when in doubt, a name is taken */
  sprintf(abs, "%s/%s", c->root, path);
  yes = lstat(abs, &st) == 0;
  free(abs);
  return yes;
}

static int
cli__options(struct cli *c, int argc, char **argv)
{
  static const struct option longs[] = {
    { "to", required_argument, 0, 't' },
    { "write", no_argument, 0, 'w' },
    { "root", required_argument, 0, 'r' },
    { "lang", required_argument, 0, 'l' },
    { "schema-dir", required_argument, 0, 's' },
    { "code-dir", required_argument, 0, 'c' },
    { "help", no_argument, 0, 'h' },
    { 0, 0, 0, 0 },
  };
  const char *target = NULL;
  int opt;

  c->target = CRYSTAL__COUNT;
  while ((opt = getopt_long(argc, argv, "t:wr:l:s:c:h", longs, NULL)) != -1) {
    switch (opt) {
    case 't': target = optarg; break;
    case 'w': c->write = true; break;
    case 'r': c->root = realpath(optarg, NULL); break;
    case 'l': c->lang = optarg; break;
    case 's': c->schema_dir = optarg; break;
    case 'c': c->code_dir = optarg; break;
    case 'h': cli__usage(stdout); return 0;
    default: cli__usage(stderr); return 2;
    }
  }
  if (!target || crystal_target_by_name(target) < 0 || optind + 1 != argc ||
      (c->lang && strcmp(c->lang, "python") != 0 &&
       strcmp(c->lang, "typescript") != 0)) {
    fprintf(stderr, "facet crystallise: %s\n", !target
            ? "--to schema, eval or code is required"
            : crystal_target_by_name(target) < 0
            ? "--to takes schema, eval or code"
            : optind + 1 != argc ? "give one FILE:LINE[-LINE]"
            : "--lang takes python or typescript");
    cli__usage(stderr);
    return 2;
  }
  c->target = (enum crystal_target)crystal_target_by_name(target);
  return -1;
}

/* Finds the root and the prompt's path under it. */
static int
cli__locate(struct cli *c, const char *file)
{
  char *dir;
  char *slash;

  c->prompt_abs = realpath(file, NULL);
  if (!c->prompt_abs) {
    fprintf(stderr, "facet crystallise: cannot read %s: %s\n", file,
            strerror(errno));
    return 1;
  }
  dir = strdup(c->prompt_abs);
  slash = dir ? strrchr(dir, '/') : NULL;
  if (slash)
    *slash = '\0';
  if (!c->root)
    c->root = dir ? cli__git_top(dir) : NULL;
  if (!c->root) {
    char *cwd = getcwd(NULL, 0);

    c->root = cwd && crystallise_relative(cwd, c->prompt_abs)
                ? cwd : strdup(dir ? dir : "/");
    if (c->root != cwd)
      free(cwd);
  }
  c->prompt_rel = crystallise_relative(c->root, c->prompt_abs);
  if (!c->prompt_rel) {
    free(c->root);
    c->root = dir;
    c->prompt_rel = crystallise_relative(c->root, c->prompt_abs);
    dir = NULL;
  }
  free(dir);
  return c->prompt_rel ? -1 : 1;
}

static struct artifact *
cli__analyze(const char *abs, const char *rel, enum artifact_format format)
{
  struct analyze_options opts = { .format = format };
  char *text;
  size_t len;
  size_t size;
  struct artifact *a;

  if (fileio_read(abs, ANALYZE_MAX_BYTES_DEFAULT, &text, &len, &size)) {
    fprintf(stderr, "facet crystallise: cannot read %s\n", rel);
    return NULL;
  }
  a = artifact_analyze(rel, text, len, &opts);
  free(text);
  return a;
}

static uint32_t cli__lines_in(const struct source *src);

/* The selection: the paragraph at a line, or whole lines. */
static struct span
cli__selection(const struct cli *c)
{
  const struct source *src = &c->prompt->src;
  uint32_t first = c->first - 1;
  uint32_t start = source_line_start(src, first);

  if (!c->last)
    return span_make(start, start);
  return span_make(start, source_line_end(src, c->last - 1));
}

/* The promptfoo config that runs the prompt: the workspace index of the
 * root, loaded from disk as facet check loads it, says which. */
/* A linked file's text, from disk. */
static int
cli__read(void *ctx, const char *path, char **text, size_t *len)
{
  size_t size;

  (void)ctx;
  return fileio_read(path, CRYSTALLISE_READ_MAX, text, len, &size);
}

static void
cli__config(struct cli *c)
{
  const char *config;
  int rc;

  if (wsindex_init(&c->idx)) {
    wsindex_release(&c->idx);
    return;
  }
  c->indexed = true;
  wsindex_add_root(&c->idx, c->root);
  rc = wsindex_load(&c->idx, &c->root, 1, NULL, NULL);
  if (rc)
    fprintf(stderr, "facet crystallise: reading %s: %s\n", c->root,
            facet_strerror(rc));
  if (!wsindex_normal(c->prompt_abs, c->indexed_as))
    c->indexed_as[0] = '\0';
  config = c->indexed_as[0]
             ? crystallise_config_of(c->idx.graph, c->indexed_as) : NULL;
  if (c->indexed_as[0] && c->prompt)
    c->nschemas = crystallise_schema_links(
      c->idx.graph, c->indexed_as, &c->prompt->src, c->root, cli__read, NULL,
      c->schemas, CRYSTALLISE_SCHEMAS_MAX);
  if (config && (c->config_rel = crystallise_relative(c->root, config))) {
    c->config = cli__analyze(config, c->config_rel, FORMAT_NONE);
    if (!c->config) {
      free(c->config_rel);
      c->config_rel = NULL;
    }
  }
}

/* The text of the existing file a change is to. */
static const struct artifact *
cli__file_of(const struct cli *c, const char *path)
{
  if (c->config && strcmp(path, c->config_rel) == 0)
    return c->config;
  return c->prompt;
}

/* The new text of a, with the changes to path applied, into *text.
 * Returns 0, FACET_ENOMEM or FACET_ELIMIT. */
static int
cli__apply(const struct crystal_edit *e, const char *path,
           const struct artifact *a, char **text, size_t *len)
{
  struct buf out;
  uint32_t at = 0;

  buf_init(&out, (size_t)a->src.len * 2 + ((size_t)1 << 24));
  for (size_t i = 0; i < e->nchanges; i++) {
    const struct crystal_change *ch = &e->changes[i];

    if (strcmp(ch->path, path) != 0)
      continue;
    buf_append(&out, a->text + at, ch->span.start - at);
    buf_puts(&out, ch->text);
    at = ch->span.end;
  }
  buf_append(&out, a->text + at, a->src.len - at);
  if (out.err) {
    int rc = out.err;

    buf_release(&out);
    return rc;
  }
  *len = out.len;
  *text = buf_detach(&out);
  return *text ? 0 : FACET_ENOMEM;
}

/* The lines of src, not counting the empty one after a final newline. */
static uint32_t
cli__lines_in(const struct source *src)
{
  uint32_t n = src->line_count;

  return n > 0 && source_line_start(src, n - 1) == src->len ? n - 1 : n;
}

/* Prints the lines of the n bytes at s, each after mark; a last line
 * without its newline is said to be so. */
static uint32_t
cli__text_lines(const char *s, size_t n, char mark)
{
  uint32_t count = 0;

  while (n > 0) {
    const char *nl = memchr(s, '\n', n);
    size_t len = nl ? (size_t)(nl - s) : n;

    printf("%c%.*s\n", mark, (int)len, s);
    if (!nl)
      printf("\\ No newline at end of file\n");
    count++;
    s += len + (nl != NULL);
    n -= len + (nl != NULL);
  }
  return count;
}

static uint32_t
cli__count_lines(const char *s, size_t n)
{
  uint32_t count = 0;

  for (size_t i = 0; i < n; i++)
    count += s[i] == '\n';
  return count + (n > 0 && s[n - 1] != '\n');
}

/* Where line i starts, or the text's end past the last line. */
static uint32_t
cli__line_at(const struct source *src, uint32_t i)
{
  return i < src->line_count ? source_line_start(src, i) : src->len;
}

/* The old lines [*l0, *l1) that change ch rewrites. */
static void
cli__old_lines(const struct source *src, const struct crystal_change *ch,
               uint32_t *l0, uint32_t *l1)
{
  uint32_t first = source_line_of(src, ch->span.start);

  *l0 = first;
  if (ch->span.end == ch->span.start &&
      cli__line_at(src, first) == ch->span.start)
    *l1 = first;  /* an insertion before a line changes none */
  else
    *l1 = source_line_of(src, ch->span.end > ch->span.start
                                ? ch->span.end - 1 : ch->span.end) + 1;
}

/* The region's new text: its old lines with the changes applied. */
static void
cli__region(const struct source *src, const struct crystal_change *ch,
            size_t n, uint32_t l0, uint32_t l1, struct buf *out)
{
  uint32_t at = cli__line_at(src, l0);

  for (size_t i = 0; i < n; i++) {
    buf_append(out, src->text + at, ch[i].span.start - at);
    buf_puts(out, ch[i].text);
    at = ch[i].span.end;
  }
  if (cli__line_at(src, l1) > at)
    buf_append(out, src->text + at, cli__line_at(src, l1) - at);
}

/*
 * A unified diff of the changes to one file: changes that touch the same
 * lines make one region, and regions within twice the context make one
 * hunk.
 */
static void
cli__diff(const char *path, const struct source *src,
          const struct crystal_change *ch, size_t n)
{
  int32_t shift = 0;

  printf("--- a/%s\n+++ b/%s\n", path, path);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    uint32_t l0, l1, from, to, at;
    uint32_t e0, e1;
    uint32_t added = 0;
    struct buf body;

    cli__old_lines(src, &ch[i], &l0, &l1);
    /* Grow the hunk while the next change is near. */
    while (j + 1 < n) {
      cli__old_lines(src, &ch[j + 1], &e0, &e1);
      if (e0 > l1 + 2 * DIFF_CONTEXT)
        break;
      j++;
      l1 = e1 > l1 ? e1 : l1;
    }
    from = l0 > DIFF_CONTEXT ? l0 - DIFF_CONTEXT : 0;
    to = l1 + DIFF_CONTEXT < cli__lines_in(src) ? l1 + DIFF_CONTEXT
                                                 : cli__lines_in(src);
    buf_init(&body, (size_t)1 << 26);
    cli__region(src, &ch[i], j - i + 1, l0, l1, &body);
    added = cli__count_lines(body.data ? body.data : "", body.len);
    printf("@@ -%u,%u +%u,%u @@\n", from + (to > from), to - from,
           (uint32_t)((int32_t)from + shift) + (to - from - (l1 - l0) + added
                                                > 0),
           to - from - (l1 - l0) + added);
    at = cli__line_at(src, from);
    cli__text_lines(src->text + at, cli__line_at(src, l0) - at, ' ');
    at = cli__line_at(src, l0);
    cli__text_lines(src->text + at, cli__line_at(src, l1) - at, '-');
    cli__text_lines(body.data ? body.data : "", body.len, '+');
    at = cli__line_at(src, l1);
    cli__text_lines(src->text + at, cli__line_at(src, to) - at, ' ');
    buf_release(&body);
    shift += (int32_t)added - (int32_t)(l1 - l0);
    i = j + 1;
  }
}

static void
cli__diff_new(const struct crystal_file *f)
{
  struct source src;

  if (source_init(&src, f->text, strlen(f->text)))
    return;
  printf("--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%u @@\n", f->path,
         cli__lines_in(&src));
  cli__text_lines(f->text, strlen(f->text), '+');
  source_release(&src);
}

/* The paths of existing files the edit changes, each once. */
static size_t
cli__changed(const struct crystal_edit *e, const char **out)
{
  size_t n = 0;

  for (size_t i = 0; i < e->nchanges; i++)
    if (n == 0 || strcmp(out[n - 1], e->changes[i].path) != 0)
      out[n++] = e->changes[i].path;
  return n;
}

static void
cli__print(const struct cli *c, const struct crystal_edit *e)
{
  const char *paths[CRYSTAL_CHANGES_MAX];
  size_t n = cli__changed(e, paths);

  for (size_t i = 0; i < e->nfiles; i++)
    cli__diff_new(&e->files[i]);
  for (size_t i = 0, k = 0; i < n; i++) {
    size_t first = k;

    while (k < e->nchanges && strcmp(e->changes[k].path, paths[i]) == 0)
      k++;
    cli__diff(paths[i], &cli__file_of(c, paths[i])->src, &e->changes[first],
              k - first);
  }
}

/* What one --write made, to undo when a later step fails: the edit is
 * all or nothing (a schema left without its link would only be said to
 * be "already crystallised" by the next run). */
#define CLI_MADE_DIRS_MAX 16

struct cli_undo {
  char *files[CRYSTAL_FILES_MAX];     /* absolute paths created */
  size_t nfiles;
  char *dirs[CLI_MADE_DIRS_MAX];      /* folders created, outer first */
  size_t ndirs;
  const char *rewritten[CRYSTAL_CHANGES_MAX];  /* existing files replaced */
  size_t nrewritten;
};

/* Creates the folders above path (absolute), as mkdir -p does, noting
 * those it made. */
static int
cli__mkdirs(char *path, struct cli_undo *u)
{
  for (char *p = path + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(path, 0777) == 0) {
      if (u->ndirs < CLI_MADE_DIRS_MAX)
        u->dirs[u->ndirs++] = strdup(path);
    } else if (errno != EEXIST) {
      *p = '/';
      return facet_error_from_errno(errno);
    }
    *p = '/';
  }
  return 0;
}

static char *
cli__abs(const struct cli *c, const char *rel)
{
  char *abs = malloc(strlen(c->root) + strlen(rel) + 2);

  if (abs)
    sprintf(abs, "%s/%s", c->root, rel);
  return abs;
}

/*
 * rel (a path under the root) as the user reaches it from the current
 * folder: "validators/x.py" when the root is the current folder,
 * "../elsewhere/validators/x.py" when it is ../elsewhere. The root's own
 * path when the current folder cannot be read. A new string.
 */
static char *
cli__shown(const struct cli *c, const char *rel)
{
  char *cwd = getcwd(NULL, 0);
  char *real = cwd ? realpath(cwd, NULL) : NULL;
  const char *a = c->root;
  const char *b = real;
  size_t common = 0;
  struct buf out;

  free(cwd);
  if (!real)
    return cli__abs(c, rel);
  /* The longest leading run of whole components the two share. */
  for (size_t i = 0;; i++) {
    bool ea = a[i] == '\0' || a[i] == '/';
    bool eb = b[i] == '\0' || b[i] == '/';

    if (ea && eb)
      common = i;
    if (a[i] != b[i] || a[i] == '\0')
      break;
  }
  buf_init(&out, (size_t)1 << 16);
  /* One ".." per component of the current folder past the shared part. */
  for (const char *p = b + common; *p; p++)
    if (*p == '/' && p[1] != '\0')
      buf_puts(&out, "../");
  if (a[common] == '/' && a[common + 1])
    buf_printf(&out, "%s/", a + common + 1);
  buf_puts(&out, rel);
  free(real);
  return buf_detach(&out);
}

/* cli__shown into out, for a message. */
static const char *
cli__say(const struct cli *c, const char *rel, char *out, size_t size)
{
  char *shown = cli__shown(c, rel);

  snprintf(out, size, "%s", shown ? shown : rel);
  free(shown);
  return out;
}

/* Writes all of text to fd. */
static int
cli__write_all(int fd, const char *text, size_t len)
{
  while (len > 0) {
    ssize_t n = write(fd, text, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return facet_error_from_errno(errno);
    text += n;
    len -= (size_t)n;
  }
  return 0;
}

/* A new file, created only where none is (O_EXCL). */
static int
cli__create(const struct cli *c, const struct crystal_file *f,
            struct cli_undo *u)
{
  char say[PATHGLOB_PATH_MAX + 64];
  char *abs = cli__abs(c, f->path);
  int rc = abs ? cli__mkdirs(abs, u) : FACET_ENOMEM;
  int fd = -1;

  if (rc == 0) {
    fd = open(abs, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    rc = fd < 0 ? facet_error_from_errno(errno)
                : cli__write_all(fd, f->text, strlen(f->text));
    if (fd >= 0 && close(fd) != 0 && rc == 0)
      rc = facet_error_from_errno(errno);
  }
  if (fd >= 0) {
    u->files[u->nfiles++] = abs;   /* undone with the rest, even half
                                      written */
    abs = NULL;
  }
  if (rc)
    fprintf(stderr, "facet crystallise: cannot create %s: %s\n",
            cli__say(c, f->path, say, sizeof say), facet_strerror(rc));
  free(abs);
  return rc;
}

/* An existing file rewritten: a temporary file, then a rename over it. */
static int
cli__rewrite(const struct cli *c, const char *rel, const char *text,
             size_t len)
{
  char *abs = cli__abs(c, rel);
  char *tmp = abs ? malloc(strlen(abs) + 16) : NULL;
  struct stat st;
  int rc = 0;
  int fd;

  if (!tmp) {
    free(abs);
    return FACET_ENOMEM;
  }
  sprintf(tmp, "%s.facet-XXXXXX", abs);
  fd = mkstemp(tmp);
  if (fd < 0)
    rc = facet_error_from_errno(errno);
  if (rc == 0 && stat(abs, &st) == 0)
    fchmod(fd, st.st_mode & 07777);
  if (rc == 0)
    rc = cli__write_all(fd, text, len);
  if (fd >= 0 && close(fd) != 0 && rc == 0)
    rc = facet_error_from_errno(errno);
  if (rc == 0 && rename(tmp, abs) != 0)
    rc = facet_error_from_errno(errno);
  if (rc && fd >= 0)
    unlink(tmp);
  free(tmp);
  free(abs);
  return rc;
}

/* Undoes what u holds: existing files get their text back, new files and
 * the folders made for them go. */
static void
cli__undo(const struct cli *c, struct cli_undo *u)
{
  for (size_t i = 0; i < u->nrewritten; i++) {
    const struct artifact *a = cli__file_of(c, u->rewritten[i]);

    if (cli__rewrite(c, u->rewritten[i], a->text, a->src.len))
      fprintf(stderr, "facet crystallise: could not put back %s\n",
              u->rewritten[i]);
  }
  for (size_t i = 0; i < u->nfiles; i++)
    unlink(u->files[i]);
  for (size_t i = u->ndirs; i-- > 0;)
    rmdir(u->dirs[i]);
}

static void
cli__undo_release(struct cli_undo *u)
{
  for (size_t i = 0; i < u->nfiles; i++)
    free(u->files[i]);
  for (size_t i = 0; i < u->ndirs; i++)
    free(u->dirs[i]);
}

/* Applies e: every new file, then every change, or nothing at all. */
static int
cli__write(const struct cli *c, const struct crystal_edit *e)
{
  char say[PATHGLOB_PATH_MAX + 64];
  const char *paths[CRYSTAL_CHANGES_MAX];
  size_t n = cli__changed(e, paths);
  struct cli_undo u = { 0 };
  int rc = 0;

  /* Every new name is checked before anything is written. */
  for (size_t i = 0; i < e->nfiles; i++)
    if (cli__exists((void *)c, e->files[i].path)) {
      fprintf(stderr, "facet crystallise: %s exists; nothing was written\n",
              cli__say(c, e->files[i].path, say, sizeof say));
      return 1;
    }
  for (size_t i = 0; rc == 0 && i < e->nfiles; i++)
    rc = cli__create(c, &e->files[i], &u);
  for (size_t i = 0; rc == 0 && i < n; i++) {
    size_t len;
    char *text = NULL;

    rc = cli__apply(e, paths[i], cli__file_of(c, paths[i]), &text, &len);
    if (rc == 0)
      rc = cli__rewrite(c, paths[i], text, len);
    if (rc)
      fprintf(stderr, "facet crystallise: cannot write %s: %s\n",
              cli__say(c, paths[i], say, sizeof say), facet_strerror(rc));
    else
      u.rewritten[u.nrewritten++] = paths[i];
    free(text);
  }
  if (rc) {
    cli__undo(c, &u);
    fprintf(stderr, "facet crystallise: nothing was written: what this run "
            "made is undone\n");
  } else {
    for (size_t i = 0; i < e->nfiles + n; i++) {
      const char *rel = i < e->nfiles ? e->files[i].path
                                      : paths[i - e->nfiles];
      char *shown = cli__shown(c, rel);

      printf("%s %s\n", i < e->nfiles ? "created" : "changed",
             shown ? shown : rel);
      free(shown);
    }
  }
  cli__undo_release(&u);
  return rc ? 1 : 0;
}

static void
cli__release(struct cli *c)
{
  artifact_free(c->prompt);
  artifact_free(c->config);
  free(c->config_rel);
  if (c->indexed)
    wsindex_release(&c->idx);
  crystallise_schema_links_free(c->schemas, c->nschemas);
  free(c->prompt_abs);
  free(c->prompt_rel);
  free(c->root);
}

static int
cli__run(struct cli *c, const char *file)
{
  char say[PATHGLOB_PATH_MAX + 64];
  struct crystal_request req = { 0 };
  struct crystal_edit edit;
  char *schema_dir;
  const char *made;
  int rc = cli__locate(c, file);

  if (rc >= 0)
    return rc;
  c->prompt = cli__analyze(c->prompt_abs, c->prompt_rel, FORMAT_NONE);
  /* A file no format claims (a .txt a promptfoo config runs) is asked to
   * be crystallised: it is prompt text. */
  if (c->prompt && c->prompt->kind == ARTIFACT_NONE &&
      c->prompt->syntax == SYNTAX_TEXT) {
    artifact_free(c->prompt);
    c->prompt = cli__analyze(c->prompt_abs, c->prompt_rel,
                             FORMAT_TEXT_PROMPT);
  }
  if (!c->prompt)
    return 1;
  if (c->first > cli__lines_in(&c->prompt->src) ||
      c->last > cli__lines_in(&c->prompt->src)) {
    fprintf(stderr, "facet crystallise: %s has %u lines\n",
            cli__say(c, c->prompt_rel, say, sizeof say),
            cli__lines_in(&c->prompt->src));
    return 2;
  }
  cli__config(c);
  req.prompt = c->prompt;
  req.prompt_path = c->prompt_rel;
  req.selection = cli__selection(c);
  req.target = c->target;
  req.eval = c->config;
  req.eval_path = c->config_rel;
  req.exists = cli__exists;
  req.exists_ctx = c;
  schema_dir = c->schema_dir ? NULL : crystallise_schema_dir(
    c->root, c->prompt_rel);
  req.schema_dir = c->schema_dir ? c->schema_dir : schema_dir;
  req.code_dir = c->code_dir;
  req.lang = c->lang ? (strcmp(c->lang, "typescript") == 0
                          ? CRYSTAL_TYPESCRIPT : CRYSTAL_PYTHON)
                     : crystallise_language(c->root);
  req.runner = crystallise_runner(c->root);
  req.schemas = c->schemas;
  req.nschemas = c->nschemas;
  crystal_edit_init(&edit);
  if (crystal_make(&req, &edit) || !edit.made) {
    fprintf(stderr, "facet crystallise: %s:%u: %s\n",
            cli__say(c, c->prompt_rel, say, sizeof say), c->first, edit.made ? "out of memory"
                      : edit.why ? edit.why : "nothing to crystallise");
    crystal_edit_release(&edit);
    free(schema_dir);
    return 1;
  }
  made = c->indexed && c->indexed_as[0]
           ? crystallise_made_already(c->idx.graph, c->indexed_as,
                                      c->target, edit.hash)
           : NULL;
  if (made) {
    char *rel = crystallise_relative(c->root, made);
    char into[PATHGLOB_PATH_MAX + 64];

    fprintf(stderr, "facet crystallise: %s:%u: this fragment is already "
            "crystallised into %s, and has not changed since\n",
            cli__say(c, c->prompt_rel, say, sizeof say), c->first,
            strcmp(made, c->indexed_as) == 0 ? "this file"
            : rel ? cli__say(c, rel, into, sizeof into) : made);
    free(rel);
    crystal_edit_release(&edit);
    free(schema_dir);
    return 1;
  }
  rc = c->write ? cli__write(c, &edit) : 0;
  if (!c->write)
    cli__print(c, &edit);
  cli__say(c, "", say, sizeof say);
  if (say[0] && (!c->write || edit.note))
    /* "../elsewhere/": the diff's paths and the note's are the root's. */
    fprintf(stderr, "facet crystallise: paths in the %s are relative to "
            "the workspace root, %.*s\n", c->write ? "note" : "diff and note",
            (int)strlen(say) - 1, say);
  if (edit.note)
    fprintf(stderr, "facet crystallise: note: %s\n", edit.note);
  crystal_edit_release(&edit);
  free(schema_dir);
  return rc;
}

int
crystallise_main(int argc, char **argv)
{
  struct cli c = { 0 };
  char *file = NULL;
  int rc = cli__options(&c, argc, argv);

  if (rc >= 0) {
    free(c.root);
    return rc;
  }
  if (!cli__target(argv[optind], &file, &c.first, &c.last)) {
    fprintf(stderr, "facet crystallise: '%s' is not FILE:LINE or "
            "FILE:LINE-LINE\n", argv[optind]);
    free(c.root);
    return 2;
  }
  rc = cli__run(&c, file);
  free(file);
  cli__release(&c);
  return rc;
}
