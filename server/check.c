#include "check.h"

#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uriparser/Uri.h>

#include "arena.h"
#include "buf.h"
#include "artifact.h"
#include "detect.h"
#include "error.h"
#include "fileio.h"
#include "overrides.h"
#include "reffiles.h"
#include "schema.h"
#include "utf8.h"
#include "walk.h"

/* One finding, as the report prints it; message in the check's arena. */
struct check_finding {
  uint32_t line;
  uint32_t column;
  uint32_t end_line;
  uint32_t end_column;
  enum severity severity;
  enum diag_code code;
  const char *message;
};

/*
 * What the report needs of one file. Artifacts are freed as soon as this
 * is copied out of them, so a run over thousands of files holds only the
 * report in memory.
 */
struct check_entry {
  const char *path;
  enum artifact_kind kind;
  enum artifact_format format;
  struct grade grade;         /* strings in the check's arena */
  struct check_finding *findings;
  size_t nfindings;
};

struct check {
  struct arena arena;         /* every string and array of the report */
  bool json;
  size_t max_bytes;
  struct overrides assume;
  struct overrides providers;    /* --provider GLOB=NAME */
  int provider;                  /* --provider NAME */
  struct reffiles refs;          /* the files $refs name */
  struct check_entry *entries;
  size_t count;
  size_t cap;
  unsigned severities[5];        /* by enum severity */
  unsigned grades[GRADE__COUNT];
  unsigned graded;
  int rc;
};

static const char *const check__severity[] = {
  "", "error", "warning", "info", "hint",
};

static void
check__usage(FILE *to)
{
  fputs("usage: facet check [--format text|json] [--max-bytes N]\n"
        "                   [--assume GLOB=FORMAT]...\n"
        "                   [--provider [GLOB=]NAME]... [PATH...]\n"
        "\n"
        "Checks prompt, schema and eval files (folders are walked, skipping\n"
        ".git, node_modules and what .gitignore ignores), prints findings\n"
        "as path:line:column: severity: message [code], then each\n"
        "artifact's verifiability grade. Exit status: 0 when there are no\n"
        "errors, 1 when there are, 2 for a usage error.\n"
        "\n"
        "  --format json      print the same report as JSON\n"
        "  --max-bytes N      skip analysis of files over N bytes\n"
        "  --assume G=F       treat files matching glob G as format F\n"
        "                     (see facet --list-formats)\n"
        "  --provider [G=]P   check the schemas of files matching glob G\n"
        "                     (of all files, without G) against provider\n"
        "                     P's rules: openai, gemini, anthropic or none\n",
        to);
}

static enum artifact_format
check__assumed(const struct check *c, const char *path)
{
  return overrides_match(&c->assume, NULL, path);
}

static const char *
check__keep(struct check *c, const char *s)
{
  return s ? arena_strndup(&c->arena, s, strlen(s)) : NULL;
}

/* Copies what the report needs out of a (which may be NULL). */
static int
check__copy(struct check *c, struct check_entry *e, const struct artifact *a)
{
  e->kind = a->kind;
  e->format = a->format;
  e->grade = a->grade;
  e->grade.next = check__keep(c, a->grade.next);
  for (size_t i = 0; i < a->grade.nreasons; i++)
    e->grade.reasons[i] = check__keep(c, a->grade.reasons[i]);
  e->nfindings = a->diags.count;
  e->findings = arena_alloc(&c->arena, (a->diags.count + 1) *
                                         sizeof *e->findings);
  if (!e->findings)
    return FACET_ENOMEM;
  for (size_t i = 0; i < a->diags.count; i++) {
    const struct diagnostic *d = &a->diags.items[i];
    struct check_finding *f = &e->findings[i];

    source_line_col(&a->src, d->span.start, &f->line, &f->column);
    source_line_col(&a->src, d->span.end, &f->end_line, &f->end_column);
    f->severity = d->severity;
    f->code = d->code;
    f->message = check__keep(c, d->message);
  }
  return 0;
}

/* A file that could not be read is one unreadable-file finding. */
static int
check__unreadable(struct check *c, struct check_entry *e, int err)
{
  struct check_finding *f = arena_alloc(&c->arena, sizeof *f);

  if (!f)
    return FACET_ENOMEM;
  f->line = f->column = f->end_line = f->end_column = 1;
  f->code = DIAG_UNREADABLE_FILE;
  f->severity = diag_code_info(f->code)->severity;
  f->message = arena_printf(&c->arena, "could not read the file: %s",
                            facet_strerror(err));
  e->findings = f;
  e->nfindings = 1;
  return f->message ? 0 : FACET_ENOMEM;
}

static int
check__add(struct check *c, const char *path, const struct artifact *a,
           int err)
{
  struct check_entry *e;

  if (c->count == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    struct check_entry *n = realloc(c->entries, cap * sizeof *n);

    if (!n)
      return FACET_ENOMEM;
    c->entries = n;
    c->cap = cap;
  }
  e = &c->entries[c->count];
  memset(e, 0, sizeof *e);
  e->path = check__keep(c, path);
  if (!e->path || (a ? check__copy(c, e, a) : check__unreadable(c, e, err)))
    return FACET_ENOMEM;
  c->count++;
  return 0;
}

/* Whether a file found in a folder is worth opening. */
static bool
check__candidate(const struct check *c, const char *path)
{
  enum artifact_syntax syntax;

  if (check__assumed(c, path) != FORMAT_NONE)
    return true;
  return detect_by_name(path, &syntax) != FORMAT_NONE ||
         syntax != SYNTAX_TEXT;
}

/* The file: URI of path, which relative $refs resolve against, or NULL.
 * Freed by the caller. */
static char *
check__uri(const char *path)
{
  char real[PATH_MAX];
  char *uri;

  if (!realpath(path, real))
    return NULL;
  uri = malloc(strlen(real) * 3 + 8);
  if (uri && uriUnixFilenameToUriStringA(real, uri) != URI_SUCCESS) {
    free(uri);
    uri = NULL;
  }
  return uri;
}

static int
check__file(const char *path, bool explicit, void *ctx)
{
  struct check *c = ctx;
  struct analyze_options opts = { 0 };
  struct artifact *a;
  char *uri;
  char *text;
  size_t len = 0;
  size_t size = 0;
  int err;

  if (!explicit && !check__candidate(c, path))
    return 0;
  opts.max_bytes = c->max_bytes;
  opts.format = check__assumed(c, path);
  opts.provider = overrides_lookup(&c->providers, NULL, path, c->provider);
  opts.schema_files = &c->refs.files;
  opts.uri = uri = check__uri(path);
  err = fileio_read(path, c->max_bytes + 1, &text, &len, &size);
  if (err)
    free(uri);
  if (err)
    return check__add(c, path, NULL, err);
  opts.file_size = size;
  /* The artifact takes the buffer over and frees it when it is freed. */
  a = artifact_analyze_shared(path, text, len, &opts, free, text);
  free(uri);
  if (!a) {
    free(text);
    return FACET_ENOMEM;
  }
  err = explicit || a->format != FORMAT_NONE ? check__add(c, path, a, 0)
                                             : 0;
  artifact_free(a);
  return err;
}

static int
check__walk_error(const char *path, int err, void *ctx)
{
  return check__add(ctx, path, NULL, err);
}

static void
check__tally(struct check *c)
{
  for (size_t i = 0; i < c->count; i++) {
    const struct check_entry *e = &c->entries[i];

    for (size_t f = 0; f < e->nfindings; f++)
      c->severities[e->findings[f].severity]++;
    if (e->grade.graded) {
      c->grades[e->grade.level]++;
      c->graded++;
    }
  }
}

/* Said of a file named on the command line that is no artifact, so that
 * "1 file checked" with no row is not mistaken for a clean bill. */
#define CHECK_UNRECOGNISED_NOTE                                              \
  "not a prompt, schema or eval file that facet recognises; --assume "      \
  "GLOB=FORMAT checks it as one (facet --list-formats)"

static bool
check__unrecognised(const struct check_entry *e)
{
  return e->format == FORMAT_NONE && e->nfindings == 0;
}

static void
check__print_findings(const struct check_entry *e)
{
  if (check__unrecognised(e))
    printf("%s: note: %s\n", e->path, CHECK_UNRECOGNISED_NOTE);
  for (size_t i = 0; i < e->nfindings; i++) {
    const struct check_finding *f = &e->findings[i];

    printf("%s:%u:%u: %s: %s [%s]\n", e->path, f->line, f->column,
           check__severity[f->severity], f->message,
           diag_code_info(f->code)->name);
  }
}

/* Paths longer than this put their next step on a line of its own,
 * under the path, instead of widening the whole table. */
#define CHECK_PATH_COLUMN_MAX 64

static void
check__print_grades(const struct check *c)
{
  size_t width = 4;

  for (size_t i = 0; i < c->count; i++)
    if (c->entries[i].grade.graded && strlen(c->entries[i].path) > width)
      width = strlen(c->entries[i].path);
  if (width > CHECK_PATH_COLUMN_MAX)
    width = CHECK_PATH_COLUMN_MAX;
  printf("%sgrade       %-*s  next step\n", c->count ? "\n" : "",
         (int)width, "file");
  for (size_t i = 0; i < c->count; i++) {
    const struct check_entry *e = &c->entries[i];

    if (!e->grade.graded)
      continue;
    if (strlen(e->path) > width)
      printf("%-10s  %s\n%12s", grade_name(e->grade.level), e->path, "");
    else
      printf("%-10s  %-*s  ", grade_name(e->grade.level), (int)width,
             e->path);
    printf("%s\n", e->grade.next ? e->grade.next : "-");
  }
}

static void
check__print_text(struct check *c)
{
  for (size_t i = 0; i < c->count; i++)
    check__print_findings(&c->entries[i]);
  if (c->graded)
    check__print_grades(c);
  printf("\n%zu file%s checked: %u error%s, %u warning%s\n", c->count,
         c->count == 1 ? "" : "s", c->severities[SEVERITY_ERROR],
         c->severities[SEVERITY_ERROR] == 1 ? "" : "s",
         c->severities[SEVERITY_WARNING],
         c->severities[SEVERITY_WARNING] == 1 ? "" : "s");
  printf("grades:");
  for (int g = 0; g < GRADE__COUNT; g++)
    printf(" %s %u%s", grade_name((enum grade_level)g), c->grades[g],
           g + 1 < GRADE__COUNT ? "," : "\n");
}

static json_object *
check__json_finding(const struct check_finding *f)
{
  json_object *o = json_object_new_object();

  json_object_object_add(o, "line", json_object_new_int((int)f->line));
  json_object_object_add(o, "column", json_object_new_int((int)f->column));
  json_object_object_add(o, "endLine", json_object_new_int((int)f->end_line));
  json_object_object_add(o, "endColumn",
                         json_object_new_int((int)f->end_column));
  json_object_object_add(o, "severity",
                         json_object_new_string(check__severity[f->severity]));
  json_object_object_add(o, "code",
                         json_object_new_string(diag_code_info(f->code)->name));
  json_object_object_add(o, "message", json_object_new_string(f->message));
  return o;
}

static json_object *
check__json_grade(const struct grade *g)
{
  json_object *o;
  json_object *reasons;

  if (!g->graded)
    return NULL;
  o = json_object_new_object();
  reasons = json_object_new_array();
  json_object_object_add(o, "level",
                         json_object_new_string(grade_name(g->level)));
  for (size_t i = 0; i < g->nreasons; i++)
    json_object_array_add(reasons, json_object_new_string(g->reasons[i]));
  json_object_object_add(o, "reasons", reasons);
  json_object_object_add(o, "next",
                         g->next ? json_object_new_string(g->next) : NULL);
  return o;
}

/* A JSON string of a file name, which need not be UTF-8: JSON must be. */
static json_object *
check__json_path(const char *path)
{
  struct buf clean;
  json_object *s;

  if (utf8_valid(path, strlen(path)))
    return json_object_new_string(path);
  buf_init(&clean, strlen(path) * 3 + 1);
  utf8_sanitize(path, strlen(path), &clean);
  s = json_object_new_string(clean.data ? clean.data : "");
  buf_release(&clean);
  return s;
}

static json_object *
check__json_entry(const struct check_entry *e)
{
  json_object *o = json_object_new_object();
  json_object *findings = json_object_new_array();

  json_object_object_add(o, "path", check__json_path(e->path));
  json_object_object_add(o, "kind",
                         json_object_new_string(artifact_kind_name(e->kind)));
  json_object_object_add(o, "format", json_object_new_string(
                           artifact_format_name(e->format)));
  json_object_object_add(o, "grade", check__json_grade(&e->grade));
  if (check__unrecognised(e))
    json_object_object_add(o, "note",
                           json_object_new_string(CHECK_UNRECOGNISED_NOTE));
  for (size_t i = 0; i < e->nfindings; i++)
    json_object_array_add(findings, check__json_finding(&e->findings[i]));
  json_object_object_add(o, "diagnostics", findings);
  return o;
}

static void
check__print_json(struct check *c)
{
  json_object *root = json_object_new_object();
  json_object *files = json_object_new_array();
  json_object *grades = json_object_new_object();
  json_object *totals = json_object_new_object();

  for (size_t i = 0; i < c->count; i++)
    json_object_array_add(files, check__json_entry(&c->entries[i]));
  for (int g = 0; g < GRADE__COUNT; g++)
    json_object_object_add(grades, grade_name((enum grade_level)g),
                           json_object_new_int((int)c->grades[g]));
  json_object_object_add(totals, "files", json_object_new_int((int)c->count));
  for (int s = SEVERITY_ERROR; s <= SEVERITY_HINT; s++) {
    char key[16];

    snprintf(key, sizeof key, "%ss", check__severity[s]);
    json_object_object_add(totals, key,
                           json_object_new_int((int)c->severities[s]));
  }
  json_object_object_add(root, "files", files);
  json_object_object_add(root, "grades", grades);
  json_object_object_add(root, "totals", totals);
  puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                              JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(root);
}

static int
check__parse_assume(struct check *c, const char *arg)
{
  const char *eq = strrchr(arg, '=');
  char *glob;
  int rc;

  if (!eq || eq == arg) {
    fprintf(stderr, "facet check: --assume wants GLOB=FORMAT, got '%s'\n",
            arg);
    return -1;
  }
  glob = strndup(arg, (size_t)(eq - arg));
  rc = glob ? overrides_add(&c->assume, glob, eq + 1) : FACET_ENOMEM;
  free(glob);
  if (rc == FACET_EINVAL)
    fprintf(stderr, "facet check: unknown format '%s' "
            "(facet --list-formats lists them)\n", eq + 1);
  else if (rc)
    fprintf(stderr, "facet check: --assume: %s\n", facet_strerror(rc));
  return rc ? -1 : 0;
}

/* --provider NAME, or --provider GLOB=NAME. */
static int
check__parse_provider(struct check *c, const char *arg)
{
  const char *eq = strrchr(arg, '=');
  const char *name = eq ? eq + 1 : arg;
  int p = schema_provider_by_name(name);
  char *glob;
  int rc;

  if (p < 0 || eq == arg) {
    fprintf(stderr, "facet check: --provider wants [GLOB=]NAME with NAME "
            "one of none, openai, gemini, anthropic; got '%s'\n", arg);
    return -1;
  }
  if (!eq) {
    c->provider = p;
    return 0;
  }
  glob = strndup(arg, (size_t)(eq - arg));
  rc = glob ? overrides_add_value(&c->providers, glob, p) : FACET_ENOMEM;
  free(glob);
  if (rc)
    fprintf(stderr, "facet check: --provider: %s\n", facet_strerror(rc));
  return rc ? -1 : 0;
}

static int
check__options(struct check *c, int argc, char **argv)
{
  static const struct option longopts[] = {
    { "format", required_argument, NULL, 'f' },
    { "max-bytes", required_argument, NULL, 'm' },
    { "assume", required_argument, NULL, 'a' },
    { "provider", required_argument, NULL, 'p' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int opt;

  optind = 1;
  while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
    char *end;

    switch (opt) {
    case 'f':
      if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
        fprintf(stderr, "facet check: --format is text or json\n");
        return -1;
      }
      c->json = strcmp(optarg, "json") == 0;
      break;
    case 'm':
      c->max_bytes = strtoul(optarg, &end, 10);
      if (*end || c->max_bytes == 0) {
        fprintf(stderr, "facet check: --max-bytes wants a positive number\n");
        return -1;
      }
      break;
    case 'a':
      if (check__parse_assume(c, optarg))
        return -1;
      break;
    case 'p':
      if (check__parse_provider(c, optarg))
        return -1;
      break;
    case 'h':
      check__usage(stdout);
      return 1;
    default:
      check__usage(stderr);
      return -1;
    }
  }
  return 0;
}

static void
check__release(struct check *c)
{
  arena_release(&c->arena);
  free(c->entries);
  overrides_release(&c->assume);
  overrides_release(&c->providers);
  reffiles_release(&c->refs);
}

int
check_main(int argc, char **argv)
{
  struct check c = { .max_bytes = ANALYZE_MAX_BYTES_DEFAULT };
  int rc;

  reffiles_init(&c.refs, NULL);
  rc = check__options(&c, argc, argv);

  if (rc) {
    check__release(&c);
    return rc > 0 ? 0 : 2;
  }
  if (optind == argc)
    rc = walk_path(".", check__file, check__walk_error, &c);
  for (int i = optind; i < argc && rc == 0; i++)
    rc = walk_path(argv[i], check__file, check__walk_error, &c);
  if (rc) {
    fprintf(stderr, "facet check: %s\n", facet_strerror(rc));
    check__release(&c);
    return 2;
  }
  check__tally(&c);
  if (c.json)
    check__print_json(&c);
  else
    check__print_text(&c);
  rc = c.severities[SEVERITY_ERROR] ? 1 : 0;
  check__release(&c);
  return rc;
}
