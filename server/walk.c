#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <git2.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "error.h"
#include "log.h"

/* A folder tree deeper than this is a symlink loop or not a workspace. */
#define WALK_DEPTH_MAX 64

struct walk {
  walk_fn on_file;
  walk_error_fn on_error;
  void *ctx;
  git_repository *repo;   /* the work tree that holds the walk, or NULL */
  git_index *index;       /* its index (what git tracks), or NULL */
  const char *workdir;    /* its root, ending in '/' */
  size_t workdir_len;
  struct buf abs;         /* the real path of the current entry */
};

bool
walk_skip_dir(const char *name)
{
  return strcmp(name, ".git") == 0 || strcmp(name, "node_modules") == 0;
}

static int
walk__error(struct walk *w, const char *path, int err)
{
  if (w->on_error)
    return w->on_error(path, err, w->ctx);
  return err;
}

/* Whether git tracks rel (relative to the work tree): the file itself, or
 * for a folder (dir true) a file under it. */
static bool
walk__tracked(struct walk *w, const char *rel, bool dir)
{
  char prefix[PATH_MAX];
  size_t pos;

  if (!w->index)
    return false;
  if (!dir)
    return git_index_get_bypath(w->index, rel, 0) != NULL;
  if (snprintf(prefix, sizeof prefix, "%s/", rel) >= (int)sizeof prefix)
    return false;
  return git_index_find_prefix(&pos, w->index, prefix) == 0;
}

/* Whether git ignores path (absolute); false outside a work tree. As git
 * does, .gitignore applies to untracked files only: a tracked file (or a
 * folder holding one) is walked whatever the rules say. */
static bool
walk__ignored(struct walk *w, const char *abs, bool dir)
{
  int ignored = 0;
  const char *rel = abs + w->workdir_len;

  if (!w->repo || strncmp(abs, w->workdir, w->workdir_len) != 0)
    return false;
  if (git_ignore_path_is_ignored(&ignored, w->repo, rel))
    return false;
  return ignored == 1 && !walk__tracked(w, rel, dir);
}

static int
walk__compare(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder, sorted, without "." and "..". */
static char **
walk__list(const char *dir, size_t *count, int *err)
{
  DIR *d = opendir(dir);
  char **names = NULL;
  size_t n = 0;
  struct dirent *e;

  *count = 0;
  if (!d) {
    *err = facet_error_from_errno(errno);
    return NULL;
  }
  while ((e = readdir(d)) != NULL) {
    char **grown;

    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    grown = realloc(names, (n + 1) * sizeof *names);
    if (!grown || !(grown[n] = strdup(e->d_name))) {
      names = grown ? grown : names;
      *err = FACET_ENOMEM;
      break;
    }
    names = grown;
    n++;
  }
  closedir(d);
  if (n > 1)   /* an empty folder has no list to sort (names is NULL) */
    qsort(names, n, sizeof *names, walk__compare);
  *count = n;
  return names;
}

static int walk__dir(struct walk *w, struct buf *path, int depth);

/* Whether path is a folder itself (links are not followed into folders). */
static bool
walk__is_dir(const char *path)
{
  struct stat st;

  return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Visits the entry whose path is in path (w->abs holds its real form). */
static int
walk__entry(struct walk *w, struct buf *path, int depth)
{
  struct stat st;

  if (lstat(path->data, &st) != 0)
    return walk__error(w, path->data, facet_error_from_errno(errno));
  if (S_ISLNK(st.st_mode)) {
    /* Follow links to files; never links to folders, which can loop. A
     * link to nothing is said, not skipped: it is usually a file that
     * moved. */
    if (stat(path->data, &st) != 0)
      return walk__error(w, path->data, errno == ENOENT
                                          ? FACET_EDANGLING
                                          : facet_error_from_errno(errno));
    if (S_ISDIR(st.st_mode))
      return 0;
  }
  if (S_ISDIR(st.st_mode)) {
    const char *name = strrchr(path->data, '/');

    if (walk_skip_dir(name ? name + 1 : path->data))
      return 0;
    return walk__dir(w, path, depth + 1);
  }
  if (!S_ISREG(st.st_mode))
    return 0;
  return w->on_file(path->data, false, w->ctx);
}

/* Appends "/name" to b; returns 0 or FACET_ELIMIT. */
static int
walk__join(struct buf *b, const char *name)
{
  int rc = buf_putc(b, '/');

  return rc ? rc : buf_puts(b, name);
}

static int
walk__dir(struct walk *w, struct buf *path, int depth)
{
  size_t count = 0;
  int err = 0;
  char **names;
  size_t len = path->len;
  size_t abs_len = w->abs.len;
  int rc = 0;

  if (depth > WALK_DEPTH_MAX)
    return walk__error(w, path->data, FACET_ELIMIT);
  names = walk__list(path->data, &count, &err);
  if (err)
    rc = walk__error(w, path->data, err);
  for (size_t i = 0; i < count && rc == 0; i++) {
    path->len = len;
    w->abs.len = abs_len;
    if (walk__join(path, names[i]) || walk__join(&w->abs, names[i])) {
      rc = walk__error(w, path->data, FACET_ELIMIT);
      break;
    }
    if (!walk__ignored(w, w->abs.data, walk__is_dir(path->data)))
      rc = walk__entry(w, path, depth);
  }
  for (size_t i = 0; i < count; i++)
    free(names[i]);
  free(names);
  path->len = len;
  path->data[len] = '\0';
  w->abs.len = abs_len;
  w->abs.data[abs_len] = '\0';
  return rc;
}

/*
 * libgit2 is set up once and never shut down: walks run on several threads
 * at once (the session's index, workspace grades), and a shutdown on one
 * thread, when the count of inits reaches zero, frees only that thread's
 * state and leaves the others' (an error message each) behind.
 */
static void
walk__init_libgit2(void)
{
  git_libgit2_init();
}

/*
 * Whether path (absolute) or a folder above it holds a .git (a folder, or
 * a file as in a worktree): where none does, libgit2 would find no work
 * tree, and setting it up costs 3 to 4 MB for good (its SSH and TLS
 * libraries initialise themselves and read the system's certificates).
 */
static bool
walk__in_git_tree(const char *path)
{
  char dir[PATH_MAX];
  char probe[PATH_MAX + 8];
  struct stat st;

  if (path[0] != '/' || strlen(path) >= sizeof dir)
    return true;  /* let libgit2 decide */
  strcpy(dir, path);
  for (;;) {
    char *slash;

    snprintf(probe, sizeof probe, "%s/.git", strcmp(dir, "/") ? dir : "");
    if (lstat(probe, &st) == 0)
      return true;
    if (strcmp(dir, "/") == 0)
      return false;
    slash = strrchr(dir, '/');
    if (slash == dir)
      dir[1] = '\0';
    else
      *slash = '\0';
  }
}

static void
walk__open_repo(struct walk *w, const char *path)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  git_buf root = { 0 };

  if (!walk__in_git_tree(path))
    return;
  pthread_once(&once, walk__init_libgit2);
  if (git_repository_discover(&root, path, 0, NULL) != 0)
    return;
  if (git_repository_open(&w->repo, root.ptr) == 0 &&
      !git_repository_is_bare(w->repo)) {
    w->workdir = git_repository_workdir(w->repo);
    w->workdir_len = strlen(w->workdir);
    if (git_repository_index(&w->index, w->repo) != 0)
      w->index = NULL;
  } else if (w->repo) {
    git_repository_free(w->repo);
    w->repo = NULL;
  }
  git_buf_dispose(&root);
}

/* Sets up path and w->abs for the folder at root. */
static int
walk__start(struct walk *w, struct buf *path, const char *root)
{
  char *real = realpath(root, NULL);
  int rc;

  if (!real)
    return facet_error_from_errno(errno);
  rc = buf_puts(&w->abs, real);
  free(real);
  if (rc == 0)
    rc = buf_puts(path, root);
  while (rc == 0 && path->len > 1 && path->data[path->len - 1] == '/')
    path->data[--path->len] = '\0';
  while (rc == 0 && w->abs.len > 1 && w->abs.data[w->abs.len - 1] == '/')
    w->abs.data[--w->abs.len] = '\0';
  return rc;
}

struct walk_filter {
  struct walk w;
  char *root;             /* real path, without a trailing '/' */
};

struct walk_filter *
walk_filter_new(const char *root)
{
  struct walk_filter *self = calloc(1, sizeof *self);

  if (!self)
    return NULL;
  self->root = realpath(root, NULL);
  if (!self->root) {
    free(self);
    return NULL;
  }
  walk__open_repo(&self->w, self->root);
  return self;
}

void
walk_filter_free(struct walk_filter *self)
{
  if (!self)
    return;
  git_index_free(self->w.index);
  git_repository_free(self->w.repo);
  free(self->root);
  free(self);
}

bool
walk_filter_skips(struct walk_filter *self, const char *path)
{
  char dir[PATH_MAX];
  char real[PATH_MAX];
  char abs[2 * PATH_MAX];
  const char *slash = strrchr(path, '/');
  size_t n = strlen(self->root);
  const char *rel;

  /* The file may be gone (a deletion): its folder is resolved. */
  if (!slash || (size_t)(slash - path) >= sizeof dir)
    return false;
  memcpy(dir, path, (size_t)(slash - path));
  dir[slash - path] = '\0';
  if (!realpath(dir[0] ? dir : "/", real))
    return false;
  snprintf(abs, sizeof abs, "%s/%s", strcmp(real, "/") ? real : "",
           slash + 1);
  if (strncmp(abs, self->root, n) != 0 || abs[n] != '/')
    return false;
  for (rel = abs + n + 1; (slash = strchr(rel, '/')) != NULL;
       rel = slash + 1) {
    char name[NAME_MAX + 1];
    size_t len = (size_t)(slash - rel);

    if (len > NAME_MAX)
      return false;
    memcpy(name, rel, len);
    name[len] = '\0';
    if (walk_skip_dir(name))
      return true;
  }
  return walk__ignored(&self->w, abs, false);
}

static int walk__path(const char *path, walk_fn on_file,
                      walk_error_fn on_error, void *ctx, bool gitignore);

int
walk_path(const char *path, walk_fn on_file, walk_error_fn on_error,
          void *ctx)
{
  return walk__path(path, on_file, on_error, ctx, true);
}

int
walk_path_unignored(const char *path, walk_fn on_file,
                    walk_error_fn on_error, void *ctx)
{
  return walk__path(path, on_file, on_error, ctx, false);
}

static int
walk__path(const char *path, walk_fn on_file, walk_error_fn on_error,
           void *ctx, bool gitignore)
{
  struct walk w = { on_file, on_error, ctx, NULL, NULL, NULL, 0, { 0 } };
  struct buf p;
  struct stat st;
  int rc;

  if (stat(path, &st) != 0)
    return walk__error(&w, path, facet_error_from_errno(errno));
  if (!S_ISDIR(st.st_mode))
    return on_file(path, true, ctx);

  buf_init(&p, PATH_MAX);
  buf_init(&w.abs, PATH_MAX);
  rc = walk__start(&w, &p, path);
  if (rc == 0) {
    if (gitignore)
      walk__open_repo(&w, w.abs.data);
    rc = walk__dir(&w, &p, 0);
    git_index_free(w.index);
    git_repository_free(w.repo);
  } else {
    rc = walk__error(&w, path, rc);
  }
  buf_release(&p);
  buf_release(&w.abs);
  return rc;
}
