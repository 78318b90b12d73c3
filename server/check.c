#include "check.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <xxhash.h>

#include "arena.h"
#include "buf.h"
#include "artifact.h"
#include "detect.h"
#include "error.h"
#include "fileio.h"
#include "evalgraph.h"
#include "overrides.h"
#include "pathglob.h"
#include "reffiles.h"
#include "schema.h"
#include "utf8.h"
#include "wsindex.h"

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

/* One line of eval status: a prompt's summary or a test's result. */
struct check_eval {
  uint32_t line;
  bool test;
  const char *title;
  const char *description;
  enum evverdict verdict;
  unsigned verdicts;          /* 1 << each prompt's verdict */
  bool stale;
};

/*
 * What the report needs of one file. Artifacts are freed as soon as this
 * is copied out of them, so a run over thousands of files holds only the
 * report in memory.
 */
struct check_entry {
  const char *path;
  const char *norm;           /* the path as the index names it */
  enum artifact_kind kind;
  enum artifact_format format;
  struct grade grade;         /* strings in the check's arena */
  struct check_finding *findings;
  size_t nfindings;
  struct check_eval *evals;   /* its eval lenses, in order */
  size_t nevals;
};

/* What --fail-on can gate on. */
enum check_gate {
  CHECK_FAIL_FAILED = 1 << 0,
  CHECK_FAIL_ERRORED = 1 << 1,
  CHECK_FAIL_STALE = 1 << 2,
  CHECK_FAIL_NEVER = 1 << 3,
};

struct check {
  struct arena arena;         /* every string and array of the report */
  uint32_t *slots;            /* entries by path hash: index + 1, or 0 */
  size_t nslots;
  bool json;
  size_t max_bytes;
  struct overrides assume;
  struct wsindex index;
  int64_t now;                /* for "3 h ago" */
  unsigned fail_on;           /* enum check_gate */
  unsigned gated;             /* eval results that --fail-on caught */
  struct overrides providers; /* --provider GLOB=NAME */
  int provider;               /* --provider NAME */
  struct reffiles refs;       /* reads the files $refs name */
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
        "                   [--assume GLOB=FORMAT]... [--fail-on LIST]\n"
        "                   [--provider [GLOB=]NAME]... [--now TIME]\n"
        "                   [PATH...]\n"
        "\n"
        "Checks prompt, schema and eval files (folders are walked, skipping\n"
        ".git, node_modules and untracked files .gitignore ignores),\n"
        "follows the files they name, prints findings as\n"
        "path:line:column: severity: message [code], each artifact's\n"
        "verifiability grade, then the eval status\n"
        "of each prompt and test from the results files found. Exit status:\n"
        "0 when there are no errors, 1 when there are (or --fail-on\n"
        "matched), 2 for a usage error.\n"
        "\n"
        "  --format json      print the same report as JSON\n"
        "  --max-bytes N      skip analysis of files over N bytes\n"
        "  --assume G=F       treat files matching glob G as format F\n"
        "                     (see facet --list-formats)\n"
        "  --fail-on LIST     also exit 1 for tests that are failed,\n"
        "                     errored, stale or never-run (comma-separated)\n"
        "  --now TIME         the time relative times count from (ISO 8601\n"
        "                     or Unix seconds), for reproducible reports\n"
        "  --provider [G=]P   check the schemas of files matching glob G\n"
        "                     (of all files, without G) against provider\n"
        "                     P's rules: openai, gemini, anthropic or none\n",
        to);
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
  /* A link to nothing in a folder walked holds no artifact to fail on:
   * a warning, so that it is seen without failing the check. */
  if (err == FACET_EDANGLING)
    f->severity = SEVERITY_WARNING;
  f->message = err == FACET_EDANGLING
                 ? arena_printf(&c->arena, "a symbolic link whose target "
                                "does not exist; it was skipped")
                 : arena_printf(&c->arena, "could not read the file: %s",
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
  {
    char norm[PATHGLOB_PATH_MAX];

    /* One spelling for every file, walked or followed: "a/b", not
     * "./a/b". */
    e->norm = wsindex_normal(path, norm) ? check__keep(c, norm) : NULL;
    e->path = e->norm ? e->norm : check__keep(c, path);
  }
  if (!e->path || (a ? check__copy(c, e, a) : check__unreadable(c, e, err)))
    return FACET_ENOMEM;
  c->count++;
  return 0;
}

/* The slot of path in the table: its entry's, or the empty one where it
 * would go. */
static size_t
check__slot(const struct check *c, const char *path)
{
  size_t k = (size_t)XXH3_64bits(path, strlen(path)) & (c->nslots - 1);

  while (c->slots[k] &&
         strcmp(c->entries[c->slots[k] - 1].path, path) != 0)
    k = (k + 1) & (c->nslots - 1);
  return k;
}

/* Keeps the table at most half full (entries only ever get added). */
static int
check__index(struct check *c)
{
  size_t n = c->nslots ? c->nslots : 256;
  uint32_t *old = c->slots;
  size_t old_n = c->nslots;

  if (c->count * 2 < c->nslots)
    return 0;
  while (c->count * 2 >= n)
    n *= 2;
  c->slots = calloc(n, sizeof *c->slots);
  if (!c->slots) {
    c->slots = old;
    return FACET_ENOMEM;
  }
  c->nslots = n;
  for (size_t i = 0; i < old_n; i++)
    if (old[i])
      c->slots[check__slot(c, c->entries[old[i] - 1].path)] = old[i];
  free(old);
  return 0;
}

/* The entry of path already in the report, or NULL. */
static struct check_entry *
check__find(struct check *c, const char *path)
{
  char norm[PATHGLOB_PATH_MAX];
  size_t k;

  if (wsindex_normal(path, norm))
    path = norm;
  if (!c->nslots)
    return NULL;
  k = check__slot(c, path);
  return c->slots[k] ? &c->entries[c->slots[k] - 1] : NULL;
}

/* A file the index analysed (or could not read): into the report. A file
 * read again as another format (a CSV named as tests) replaces its
 * entry. */
static void
check__file(void *ctx, const char *path, bool explicit,
            const struct artifact *a, int err)
{
  struct check *c = ctx;
  struct check_entry *e;

  if (a && !explicit && a->format == FORMAT_NONE)
    return;
  e = check__find(c, path);
  /* Read again as another format: the new analysis takes its place. */
  if (e) {
    struct check_entry fresh;
    size_t at = (size_t)(e - c->entries);
    size_t count = c->count;

    if (check__add(c, path, a, err)) {
      c->rc = FACET_ENOMEM;
      return;
    }
    fresh = c->entries[count];
    c->entries[at] = fresh;
    c->count = count;
    return;
  }
  if (check__add(c, path, a, err) || check__index(c)) {
    c->rc = FACET_ENOMEM;
    return;
  }
  c->slots[check__slot(c, c->entries[c->count - 1].path)] =
    (uint32_t)c->count;
}

static int
check__path_order(const void *x, const void *y)
{
  return strcmp(((const struct check_entry *)x)->path,
                ((const struct check_entry *)y)->path);
}

/*
 * Puts the report in path order: the walk gives its files in order, but
 * files reached through references (a config's tests.csv) are added as
 * they are found. The slots index entries by position, so they are
 * dropped: nothing looks a path up once the report is built.
 */
static void
check__sort(struct check *c)
{
  /* An empty report has no array at all: qsort must not see NULL. */
  if (c->count > 1)
    qsort(c->entries, c->count, sizeof *c->entries, check__path_order);
  free(c->slots);
  c->slots = NULL;
  c->nslots = 0;
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

static const char *
check__verdict_name(enum evverdict v)
{
  static const char *const names[] = {
    [EVVERDICT_NEVER] = "never-run", [EVVERDICT_PASS] = "passed",
    [EVVERDICT_LOCAL_PASS] = "passes-locally",
    [EVVERDICT_FAIL] = "failed", [EVVERDICT_LOCAL_FAIL] = "fails-locally",
    [EVVERDICT_ERROR] = "errored", [EVVERDICT_SKIP] = "skipped",
  };

  return names[v];
}

/* Each prompt's summary and each test's result, as the lenses show. */
/* Prints s on the line it is part of: a line break or another control
 * character in it (a description written over two lines) as an escape,
 * \n, \r, \t or \xHH, so that each entry stays one line. */
static void
check__print_line_part(const char *s)
{
  for (; *s; s++) {
    unsigned char ch = (unsigned char)*s;

    if (ch == '\n')
      fputs("\\n", stdout);
    else if (ch == '\r')
      fputs("\\r", stdout);
    else if (ch == '\t')
      fputs("\\t", stdout);
    else if (ch < 0x20 || ch == 0x7f)
      printf("\\x%02x", ch);
    else
      putchar(ch);
  }
}

static void
check__print_evals(const struct check *c)
{
  bool any = false;

  for (size_t i = 0; i < c->count; i++)
    any |= c->entries[i].nevals > 0;
  if (!any)
    return;
  printf("\neval status\n");
  for (size_t i = 0; i < c->count; i++) {
    const struct check_entry *e = &c->entries[i];

    for (size_t k = 0; k < e->nevals; k++) {
      const struct check_eval *v = &e->evals[k];

      if (v->line > 1 || v->test)
        printf("%s:%u: ", e->path, v->line);
      else
        printf("%s: ", e->path);
      check__print_line_part(v->title);
      if (v->description) {
        fputs(" (", stdout);
        check__print_line_part(v->description);
        putchar(')');
      }
      putchar('\n');
    }
  }
}

static void
check__print_text(struct check *c)
{
  for (size_t i = 0; i < c->count; i++)
    check__print_findings(&c->entries[i]);
  if (c->graded)
    check__print_grades(c);
  check__print_evals(c);
  printf("\n%zu file%s checked: %u error%s, %u warning%s\n", c->count,
         c->count == 1 ? "" : "s", c->severities[SEVERITY_ERROR],
         c->severities[SEVERITY_ERROR] == 1 ? "" : "s",
         c->severities[SEVERITY_WARNING],
         c->severities[SEVERITY_WARNING] == 1 ? "" : "s");
  printf("grades:");
  for (int g = 0; g < GRADE__COUNT; g++)
    printf(" %s %u%s", grade_name((enum grade_level)g), c->grades[g],
           g + 1 < GRADE__COUNT ? "," : "");
  /* So that the grades add up to the files checked. */
  if (c->count > c->graded)
    printf("; %zu file%s ha%s none (eval results, unreadable, or not an "
           "artifact)", c->count - c->graded,
           c->count - c->graded == 1 ? "" : "s",
           c->count - c->graded == 1 ? "s" : "ve");
  putchar('\n');
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
  if (e->nevals) {
    json_object *evals = json_object_new_array();

    for (size_t i = 0; i < e->nevals; i++) {
      const struct check_eval *v = &e->evals[i];
      json_object *x = json_object_new_object();

      json_object_object_add(x, "line", json_object_new_int((int)v->line));
      json_object_object_add(x, "kind", json_object_new_string(
                               v->test ? "test" : "summary"));
      json_object_object_add(x, "title", json_object_new_string(v->title));
      if (v->test) {
        json_object_object_add(x, "description", v->description
                               ? json_object_new_string(v->description)
                               : NULL);
        json_object_object_add(x, "status", json_object_new_string(
                                 check__verdict_name(v->verdict)));
        json_object_object_add(x, "stale",
                               json_object_new_boolean(v->stale));
      }
      json_object_array_add(evals, x);
    }
    json_object_object_add(o, "evals", evals);
  }
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

static int
check__parse_gates(struct check *c, const char *arg)
{
  static const struct { const char *name; unsigned gate; } gates[] = {
    { "failed", CHECK_FAIL_FAILED }, { "errored", CHECK_FAIL_ERRORED },
    { "stale", CHECK_FAIL_STALE }, { "never-run", CHECK_FAIL_NEVER },
  };
  const char *p = arg;

  while (*p) {
    size_t n = strcspn(p, ",");
    bool known = false;

    for (size_t i = 0; i < sizeof gates / sizeof *gates && !known; i++)
      if (strlen(gates[i].name) == n && strncmp(gates[i].name, p, n) == 0) {
        c->fail_on |= gates[i].gate;
        known = true;
      }
    if (!known) {
      fprintf(stderr, "facet check: --fail-on takes failed, errored, stale "
              "and never-run, not '%.*s'\n", (int)n, p);
      return -1;
    }
    p += n + (p[n] == ',');
  }
  return 0;
}

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
check__parse_now(struct check *c, const char *arg)
{
  char *end;
  long long v = strtoll(arg, &end, 10);

  c->now = *end == '\0' && end != arg ? (int64_t)v
                                     : evalfile_parse_time(arg);
  if (c->now <= 0) {
    fprintf(stderr, "facet check: --now wants an ISO 8601 time or Unix "
            "seconds, not '%s'\n", arg);
    return -1;
  }
  return 0;
}

static int
check__options(struct check *c, int argc, char **argv)
{
  static const struct option longopts[] = {
    { "format", required_argument, NULL, 'f' },
    { "max-bytes", required_argument, NULL, 'm' },
    { "assume", required_argument, NULL, 'a' },
    { "fail-on", required_argument, NULL, 'F' },
    { "now", required_argument, NULL, 'n' },
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
      /* strtoul would take "-5" as a number that wrapped round. */
      errno = 0;
      c->max_bytes = strtoul(optarg, &end, 10);
      if (optarg[0] < '0' || optarg[0] > '9' || *end || errno ||
          c->max_bytes == 0) {
        fprintf(stderr, "facet check: --max-bytes wants a positive number\n");
        return -1;
      }
      break;
    case 'a':
      if (check__parse_assume(c, optarg))
        return -1;
      break;
    case 'F':
      if (check__parse_gates(c, optarg))
        return -1;
      break;
    case 'p':
      if (check__parse_provider(c, optarg))
        return -1;
      break;
    case 'n':
      if (check__parse_now(c, optarg))
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

/* ---- what the index adds ---------------------------------------------- */

static int
check__finding_order(const void *a, const void *b)
{
  const struct check_finding *x = a;
  const struct check_finding *y = b;

  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  return x->column < y->column ? -1 : x->column > y->column;
}

/* Adds the findings that need other files, placed in e's text. */
static void
check__cross_findings(struct check *c, struct check_entry *e)
{
  struct arena scratch;
  struct diag_list list;
  struct check_finding *all;
  struct source src;
  char *text = NULL;
  size_t len = 0;
  size_t size = 0;

  arena_init(&scratch, 0);
  diag_list_init(&list, &scratch);
  evalgraph_diagnostics(c->index.graph, e->norm, c->now, &list);
  if (list.count == 0 ||
      fileio_read(e->path, c->max_bytes + 1, &text, &len, &size) ||
      source_init(&src, text, len))
    goto out;
  all = arena_alloc(&c->arena, (e->nfindings + list.count) * sizeof *all);
  if (all) {
    memcpy(all, e->findings, e->nfindings * sizeof *all);
    for (size_t i = 0; i < list.count; i++) {
      const struct diagnostic *d = &list.items[i];
      struct check_finding *f = &all[e->nfindings + i];

      source_line_col(&src, d->span.start, &f->line, &f->column);
      source_line_col(&src, d->span.end, &f->end_line, &f->end_column);
      f->severity = d->severity;
      f->code = d->code;
      f->message = check__keep(c, d->message);
    }
    e->findings = all;
    e->nfindings += list.count;
    qsort(e->findings, e->nfindings, sizeof *e->findings,
          check__finding_order);
  }
  source_release(&src);
out:
  free(text);
  diag_list_release(&list);
  arena_release(&scratch);
}

/* A prompt that other files test or pin is graded again with them. */
static void
check__regrade(struct check *c, struct check_entry *e)
{
  struct grade_links links;
  struct artifact *a;
  int err = 0;

  evalgraph_grade_links(c->index.graph, e->norm, c->now, &links);
  if (!grade_links_any(&links))
    return;
  a = wsindex_read(e->path, e->format, c->max_bytes, &c->index.analysis,
                   &err);
  if (!a)
    return;
  grade_compute(a, &links);
  e->grade = a->grade;
  e->grade.next = check__keep(c, a->grade.next);
  for (size_t i = 0; i < a->grade.nreasons; i++)
    e->grade.reasons[i] = check__keep(c, a->grade.reasons[i]);
  artifact_free(a);
}

struct check_lenses {
  struct check *c;
  struct check_entry *e;
  const struct evalfile *f;
  size_t cap;
};

static void
check__lens(struct span span, enum evlens_kind kind, const char *title,
            uint32_t test, const struct evresult *r, void *ctx)
{
  struct check_lenses *l = ctx;
  struct check_entry *e = l->e;
  struct check_eval *v;

  if (e->nevals == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 8;
    struct check_eval *grown = arena_alloc(&l->c->arena, cap * sizeof *grown);

    if (!grown)
      return;
    if (e->nevals)
      memcpy(grown, e->evals, e->nevals * sizeof *grown);
    e->evals = grown;
    l->cap = cap;
  }
  v = &e->evals[e->nevals++];
  memset(v, 0, sizeof *v);
  v->test = kind == EVLENS_TEST;
  v->title = check__keep(l->c, title);
  if (v->test) {
    v->line = l->f->tests[test].line;
    v->description = check__keep(l->c, l->f->tests[test].description);
    v->verdict = evresult_verdict(r);
    v->verdicts = r->verdicts | (1u << v->verdict);
    v->stale = r->rec && r->stale;
  } else {
    v->line = 1;
    for (size_t p = 0; span.start && p < l->f->nprompts; p++)
      if (l->f->prompts[p].span.start == span.start)
        v->line = l->f->prompts[p].line;
  }
}

/* A test is caught by a state any of its prompts' results is in: one
 * that failed against one prompt and errored against another is both. */
static void
check__gate(struct check *c, const struct check_eval *v)
{
  unsigned has = v->verdicts;

  if (!v->test)
    return;
  if (((c->fail_on & CHECK_FAIL_FAILED) &&
       (has & ((1u << EVVERDICT_FAIL) | (1u << EVVERDICT_LOCAL_FAIL)))) ||
      ((c->fail_on & CHECK_FAIL_ERRORED) &&
       (has & (1u << EVVERDICT_ERROR))) ||
      ((c->fail_on & CHECK_FAIL_STALE) && v->stale) ||
      ((c->fail_on & CHECK_FAIL_NEVER) && (has & (1u << EVVERDICT_NEVER))))
    c->gated++;
}

static void
check__link(struct check *c)
{
  for (size_t i = 0; i < c->count; i++) {
    struct check_entry *e = &c->entries[i];
    struct check_lenses l = { c, e, NULL, 0 };

    if (!e->norm || !(l.f = evalgraph_summary(c->index.graph, e->norm)))
      continue;
    check__cross_findings(c, e);
    if (e->kind == ARTIFACT_PROMPT || e->kind == ARTIFACT_SCHEMA ||
        e->kind == ARTIFACT_EVAL)
      check__regrade(c, e);
    evalgraph_lenses(c->index.graph, e->norm, c->now, check__lens, &l);
    for (size_t k = 0; k < e->nevals; k++)
      check__gate(c, &e->evals[k]);
  }
}

static void
check__release(struct check *c)
{
  arena_release(&c->arena);
  free(c->entries);
  free(c->slots);
  overrides_release(&c->assume);
  overrides_release(&c->providers);
  reffiles_release(&c->refs);
  wsindex_release(&c->index);
}

static int
check__load(struct check *c, int argc, char **argv)
{
  char *here[] = { "." };
  const char *root = optind < argc ? argv[optind] : ".";
  struct stat st;
  char why[256];
  int rc;

  if (wsindex_init(&c->index))
    return FACET_ENOMEM;
  /* The workspace, whose files the graph may read (an is-json schema):
   * the paths given, or the current folder. */
  for (int i = optind; i < argc; i++)
    if (wsindex_add_root(&c->index, argv[i]))
      return FACET_ENOMEM;
  if (optind == argc && wsindex_add_root(&c->index, "."))
    return FACET_ENOMEM;
  c->index.formats = &c->assume;
  c->index.max_bytes = c->max_bytes;
  c->index.analysis.providers = &c->providers;
  c->index.analysis.provider = c->provider;
  c->index.analysis.schema_files = &c->refs.files;
  /* The first folder named is the workspace whose .facet.yaml counts. */
  if (stat(root, &st) == 0 && S_ISDIR(st.st_mode) &&
      wsconfig_read(&c->index.config, root, why, sizeof why) && why[0])
    fprintf(stderr, "facet check: %s\n", why);
  if (optind == argc)
    rc = wsindex_load(&c->index, here, 1, check__file, c);
  else
    rc = wsindex_load(&c->index, argv + optind, (size_t)(argc - optind),
                      check__file, c);
  return rc ? rc : c->rc;
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
  if (!c.now)
    c.now = (int64_t)time(NULL);
  rc = check__load(&c, argc, argv);
  if (rc) {
    fprintf(stderr, "facet check: %s\n", facet_strerror(rc));
    check__release(&c);
    return 2;
  }
  check__link(&c);
  check__sort(&c);
  check__tally(&c);
  if (c.json)
    check__print_json(&c);
  else
    check__print_text(&c);
  rc = c.severities[SEVERITY_ERROR] || c.gated ? 1 : 0;
  check__release(&c);
  return rc;
}
