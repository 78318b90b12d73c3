/*
 * facet validate: loads a schema (JSON or YAML), compiles it once, and
 * validates each file against it, printing errors at the line and column
 * of the value at fault (node_at_pointer over the file's node tree).
 */
#include "validate.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uriparser/Uri.h>

#include "arena.h"
#include "artifact.h"
#include "buf.h"
#include "diag.h"
#include "error.h"
#include "fileio.h"
#include "jsonschema.h"
#include "source.h"
#include "tree.h"
#include "utf8.h"

/* A file read and parsed: its text, its tree and the tree's JSON. */
struct validate_doc {
  char *path;                  /* as the user sees it */
  char *uri;                   /* its file: URI, or NULL */
  char *text;                  /* owned, valid UTF-8 */
  struct source src;
  struct arena arena;          /* the tree and the diagnostics */
  struct diag_list diags;
  struct node *root;
  struct json_object *json;    /* owned */
  size_t size;                 /* of the file, for the size limit */
  size_t max;                  /* the limit it was read with */
};

/* Documents of one YAML stream validated one by one, at most. */
#define VALIDATE_DOCUMENTS_MAX 4096

struct validate {
  bool format_assert;
  size_t max_bytes;            /* files over this are not read */
  enum js_draft draft;
  struct validate_doc *docs[JS_DOCUMENTS_MAX + 1];  /* [0]: the schema */
  size_t ndocs;
  char cwd[PATH_MAX];
  int rc;
  bool schema_broken;          /* the schema has problems: nothing validated */
};

/* Why a file could not be used, for messages. */
enum validate_fault {
  VALIDATE_OK,
  VALIDATE_UNREADABLE,         /* err says why */
  VALIDATE_SYNTAX,             /* diags say where */
  VALIDATE_EXPANDS,            /* YAML aliases expand too far */
};

static void
validate__usage(FILE *to)
{
  fputs("usage: facet validate [--format-assert] [--draft D] [--ref FILE]..."
        "\n                      [--max-bytes N] SCHEMA FILE...\n"
        "\n"
        "Validates JSON and YAML files (told apart by extension; - is\n"
        "standard input, as JSON) against the JSON Schema in SCHEMA and\n"
        "prints \"FILE valid\" or \"FILE invalid\" for each (each document\n"
        "of a YAML stream of several: \"FILE (document 2 of 3) valid\"),\n"
        "then each error as path:line:column: error: #/instance/pointer:\n"
        "message [schema path]. When the schema\n"
        "itself has errors, it prints them and \"FILE not validated\" for\n"
        "each file. $refs to other files resolve against the schema's\n"
        "folder; facet never fetches anything from the network. Exit status:"
        "\n0 when every file is valid, 1 when one is not or the schema has\n"
        "problems, 2 for a usage error or a schema that cannot be read.\n"
        "\n"
        "  --format-assert   check formats (date, email, uri, ...); by\n"
        "                    default format is an annotation only\n"
        "  --draft D         the draft of a schema without $schema: 4, 6, 7,"
        "\n                    2019-09 or 2020-12 (default: 2020-12, also\n"
        "                    reading draft-07's forms)\n"
        "  --ref FILE        load FILE too, for $refs to its $id\n"
        "  --max-bytes N     skip files over N bytes (default 16 MiB)\n", to);
}

static bool
validate__ends(const char *path, const char *suffix)
{
  size_t n = strlen(path);
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

static void
validate__doc_free(struct validate_doc *d)
{
  if (!d)
    return;
  json_object_put(d->json);
  diag_list_release(&d->diags);
  arena_release(&d->arena);
  source_release(&d->src);
  free(d->text);
  free(d->path);
  free(d->uri);
  free(d);
}

/* Reads path into d->text as it is: bytes that are not UTF-8 are the
 * parser's syntax errors (RFC 8259 and YAML both require UTF-8), not
 * something to replace silently and validate. */
static int
validate__read(struct validate_doc *d, const char *path, size_t max)
{
  char *raw;
  size_t len = 0, size = 0;
  int rc = fileio_read(path, max + 1, &raw, &len, &size);

  if (rc)
    return rc;
  d->size = size;
  d->max = max;
  if (size > max) {
    free(raw);
    return FACET_ELIMIT;
  }
  d->text = raw;
  return source_init(&d->src, d->text, len);
}

/* A finding that makes a document unusable: a syntax error, and a
 * repeated key, which YAML forbids (parsers differ on which value wins,
 * so validating one of them would be a guess). */
static bool
validate__fatal(const struct diagnostic *g)
{
  return g->severity == SEVERITY_ERROR || g->code == DIAG_DUPLICATE_KEY;
}

static bool
validate__syntax_errors(const struct validate_doc *d, size_t from)
{
  for (size_t i = from; i < d->diags.count; i++)
    if (validate__fatal(&d->diags.items[i]))
      return true;
  return false;
}

static bool
validate__yaml(const struct validate_doc *d)
{
  return validate__ends(d->path, ".yaml") || validate__ends(d->path, ".yml");
}

/* Parses the document in span of d (YAML for .yaml and .yml, JSON
 * otherwise) into d->root and d->json, its findings added to d->diags. */
static enum validate_fault
validate__parse(struct validate_doc *d, struct span span, int *err)
{
  size_t budget = NODE_JSON_BUDGET_DEFAULT;
  size_t before = d->diags.count;

  json_object_put(d->json);
  d->json = NULL;
  d->root = NULL;
  if (validate__yaml(d))
    *err = yaml_parse(&d->arena, &d->src, span, &d->diags, &d->root);
  else
    *err = json_parse(&d->arena, &d->src, span, &d->diags, &d->root);
  if (*err)
    return VALIDATE_UNREADABLE;
  if (validate__syntax_errors(d, before))
    return VALIDATE_SYNTAX;
  d->json = node_to_json(d->root, &budget);
  return budget ? VALIDATE_OK : VALIDATE_EXPANDS;
}

/* Reads the file at path, shown as shown (both copied), into *out,
 * without parsing it. */
static enum validate_fault
validate__read_doc(const char *path, const char *shown, size_t max,
                   struct validate_doc **out, int *err)
{
  struct validate_doc *d = calloc(1, sizeof *d);

  *out = d;
  *err = FACET_ENOMEM;
  if (!d || !(d->path = strdup(shown)))
    return VALIDATE_UNREADABLE;
  arena_init(&d->arena, 0);
  diag_list_init(&d->diags, &d->arena);
  *err = validate__read(d, path, max);
  return *err ? VALIDATE_UNREADABLE : VALIDATE_OK;
}

/* Reads and parses the file at path (its first YAML document). */
static enum validate_fault
validate__load_doc(const char *path, const char *shown, size_t max,
                   struct validate_doc **out, int *err)
{
  enum validate_fault f = validate__read_doc(path, shown, max, out, err);

  if (f != VALIDATE_OK)
    return f;
  return validate__parse(*out, span_make(0, (*out)->src.len), err);
}

/* The 1-based line and column of the node a pointer names in d, or of
 * the nearest node above it when it names nothing (a missing member). */
static void
validate__position(const struct validate_doc *d, const char *pointer,
                   bool at_key, uint32_t *line, uint32_t *col)
{
  char *p = strdup(pointer ? pointer : "");
  const struct node *n = NULL;
  bool key = at_key;

  *line = *col = 1;
  while (p && d->root && !(n = node_at_pointer(d->root, p, &key))) {
    char *slash = strrchr(p, '/');

    if (!slash)
      break;
    *slash = '\0';
    key = false;
  }
  if (n)
    source_line_col(&d->src, n->span.start, line, col);
  free(p);
}

/* The file a file: URI names, or NULL. */
static char *
validate__uri_path(const char *uri)
{
  char *path;

  if (strncmp(uri, "file:", 5) != 0)
    return NULL;
  path = malloc(strlen(uri) + 1);
  if (path && uriUriStringToUnixFilenameA(uri, path) != URI_SUCCESS) {
    free(path);
    return NULL;
  }
  return path;
}

/* A file's name as the user sees it: relative to the current folder
 * when it is under it. */
static const char *
validate__shown(const struct validate *v, const char *path)
{
  size_t n = strlen(v->cwd);

  if (n > 1 && strncmp(path, v->cwd, n) == 0 && path[n] == '/')
    return path + n + 1;
  return path;
}

static struct validate_doc *
validate__doc_by_uri(const struct validate *v, const char *uri)
{
  for (size_t i = 0; i < v->ndocs; i++)
    if (v->docs[i]->uri && strcmp(v->docs[i]->uri, uri) == 0)
      return v->docs[i];
  return NULL;
}

static struct validate_doc *
validate__doc_by_id(const struct validate *v, const char *uri)
{
  size_t n = strlen(uri);

  for (size_t i = 1; i < v->ndocs; i++) {
    struct json_object *id;
    const char *s;

    if (!json_object_object_get_ex(v->docs[i]->json, "$id", &id) &&
        !json_object_object_get_ex(v->docs[i]->json, "id", &id))
      continue;
    s = json_object_get_string(id);
    if (s && strncmp(s, uri, n) == 0 && (!s[n] || !strcmp(s + n, "#")))
      return v->docs[i];
  }
  return NULL;
}

/* The file: URI of path (made absolute), or NULL. */
static char *
validate__file_uri(const char *path)
{
  char *abs = realpath(path, NULL);
  char *uri = abs ? malloc(strlen(abs) * 3 + 8) : NULL;

  if (uri && uriUnixFilenameToUriStringA(abs, uri) != URI_SUCCESS) {
    free(uri);
    uri = NULL;
  }
  free(abs);
  return uri;
}

/* Why a file could not be read, with the size limit as facet check
 * words it. */
static const char *
validate__why(const struct validate_doc *d, int err)
{
  static char why[160];

  if (err != FACET_ELIMIT || !d)
    return facet_strerror(err);
  snprintf(why, sizeof why, "file is %zu bytes, over the %zu-byte limit; "
           "it was not analysed", d->size, d->max);
  return why;
}

/* Loads a schema document for the resolver; *why on failure. */
static struct validate_doc *
validate__load_ref(struct validate *v, const char *uri, char *why,
                   size_t size)
{
  char *path = validate__uri_path(uri);
  struct validate_doc *d = NULL;
  int err = 0;
  enum validate_fault f;

  if (!path || v->ndocs > JS_DOCUMENTS_MAX) {
    snprintf(why, size, "%s", path ? "too many files" : "not a file name");
    free(path);
    return NULL;
  }
  f = validate__load_doc(path, validate__shown(v, path), v->max_bytes, &d,
                         &err);
  free(path);
  if (f == VALIDATE_OK && !(d->uri = strdup(uri))) {
    f = VALIDATE_UNREADABLE;
    err = FACET_ENOMEM;
  }
  if (f != VALIDATE_OK) {
    snprintf(why, size, "%s", f == VALIDATE_UNREADABLE ? validate__why(d, err)
                            : f == VALIDATE_SYNTAX ? "the file does not parse"
                            : "YAML aliases expand too far");
    validate__doc_free(d);
    return NULL;
  }
  v->docs[v->ndocs++] = d;
  return d;
}

/* The resolver: files, and the --ref files by $id; never the network. */
static int
validate__resolve(void *ctx, const char *uri, struct json_object **out,
                  char *why, size_t size)
{
  struct validate *v = ctx;
  struct validate_doc *d = validate__doc_by_uri(v, uri);

  if (!d)
    d = validate__doc_by_id(v, uri);
  if (!d && strncmp(uri, "file:", 5) != 0) {
    snprintf(why, size, "%s", strncmp(uri, "http", 4) == 0
             ? "facet does not fetch schemas from the network (give a local "
               "copy with --ref FILE)"
             : "facet loads only files");
    return FACET_EACCES;
  }
  if (!d)
    d = validate__load_ref(v, uri, why, size);
  if (!d)
    return FACET_ENOENT;
  *out = json_object_get(d->json);
  return 0;
}

/* The schema path with a file: URI shown as the file's name. */
static const char *
validate__schema_path(const struct validate *v, const char *sp,
                      struct buf *out)
{
  const char *hash = strchr(sp, '#');
  char *uri = hash ? strndup(sp, (size_t)(hash - sp)) : NULL;
  char *path = uri ? validate__uri_path(uri) : NULL;

  buf_clear(out);
  if (path)
    buf_printf(out, "%s%s", validate__shown(v, path), hash);
  free(path);
  free(uri);
  return out->data && out->len ? out->data : sp;
}

/* The findings of d from index from that make it unusable. */
static void
validate__print_diags(const struct validate_doc *d, size_t from)
{
  for (size_t i = from; i < d->diags.count; i++) {
    const struct diagnostic *g = &d->diags.items[i];
    uint32_t line, col;

    if (!validate__fatal(g))
      continue;
    source_line_col(&d->src, g->span.start, &line, &col);
    printf("%s:%u:%u: error: %s [%s]\n", d->path, line, col, g->message,
           diag_code_info(g->code)->name);
  }
}

/* Says why a file could not be validated; its findings from index from. */
static void
validate__print_fault(const struct validate_doc *d, const char *path,
                      enum validate_fault f, int err, size_t from)
{
  if (f == VALIDATE_SYNTAX)
    validate__print_diags(d, from);
  else if (f == VALIDATE_UNREADABLE && err == FACET_ELIMIT && d)
    /* As facet check words it. */
    printf("%s:1:1: error: file is %zu bytes, over the %zu-byte limit; it "
           "was not analysed [file-too-large]\n", d->path, d->size,
           d->max);
  else if (f == VALIDATE_EXPANDS)
    printf("%s:1:1: error: YAML aliases expand past %zu values; the file "
           "was not validated\n", d->path, (size_t)NODE_JSON_BUDGET_DEFAULT);
  else
    printf("%s: error: could not read the file: %s\n", path,
           facet_strerror(err));
}

static void
validate__print_problems(struct validate *v, const struct js_schema *s)
{
  size_t n;
  const struct js_problem *p = js_schema_problems(s, &n);

  for (size_t i = 0; i < n; i++) {
    struct validate_doc *d = p[i].uri ? validate__doc_by_uri(v, p[i].uri)
                                      : v->docs[0];
    uint32_t line, col;

    if (!d) {
      printf("%s: error: %s [%s]\n", p[i].uri, p[i].message, p[i].pointer);
      continue;
    }
    validate__position(d, p[i].pointer, true, &line, &col);
    printf("%s:%u:%u: error: %s [%s]\n", d->path, line, col, p[i].message,
           p[i].pointer);
  }
  if (n) {
    v->rc = 1;
    v->schema_broken = true;
  }
}

/* An error with its position, for printing in file order. */
struct validate_line {
  uint32_t line;
  uint32_t col;
  size_t index;
  const struct js_error *e;
};

static int
validate__line_cmp(const void *a, const void *b)
{
  const struct validate_line *x = a, *y = b;

  if (x->line != y->line)
    return x->line < y->line ? -1 : 1;
  if (x->col != y->col)
    return x->col < y->col ? -1 : 1;
  return x->index < y->index ? -1 : x->index > y->index;
}

static int
validate__print_errors(const struct validate *v, const struct validate_doc *d,
                       const struct js_result *r)
{
  struct validate_line *lines = calloc(r->count + 1, sizeof *lines);
  struct buf shown;

  if (!lines)
    return FACET_ENOMEM;
  buf_init(&shown, 8192);
  for (size_t i = 0; i < r->count; i++) {
    lines[i].index = i;
    lines[i].e = &r->errors[i];
    validate__position(d, r->errors[i].instance_path, r->errors[i].at_key,
                       &lines[i].line, &lines[i].col);
  }
  qsort(lines, r->count, sizeof *lines, validate__line_cmp);
  /* The instance's pointer as a URI fragment names the value at fault
   * even where the line and column are shared (a flow collection). */
  for (size_t i = 0; i < r->count; i++)
    printf("%s:%u:%u: error: #%s: %s [%s]\n", d->path, lines[i].line,
           lines[i].col, lines[i].e->instance_path, lines[i].e->message,
           validate__schema_path(v, lines[i].e->schema_path, &shown));
  if (r->truncated)
    printf("%s: error: stopped after %zu errors\n", d->path, r->count);
  buf_release(&shown);
  free(lines);
  return 0;
}

/* Validates the document of d in span, named name in the verdict. */
static int
validate__document(struct validate *v, const struct js_schema *s,
                   struct validate_doc *d, const char *name, struct span span,
                   struct js_result *r)
{
  size_t from = d->diags.count;
  int err = 0;
  enum validate_fault f = validate__parse(d, span, &err);

  if (f == VALIDATE_OK)
    err = js_validate(s, d->json, r);
  if (err == FACET_ENOMEM)
    return err;
  printf("%s %s\n", name, f == VALIDATE_OK && r->count == 0 ? "valid"
                                                           : "invalid");
  if (f != VALIDATE_OK)
    validate__print_fault(d, d->path, f, err, from);
  else
    err = validate__print_errors(v, d, r);
  if (f != VALIDATE_OK || r->count)
    v->rc = 1;
  return err == FACET_ENOMEM ? err : 0;
}

/* Validates one instance file, each document of a YAML stream, and
 * prints the verdicts. */
static int
validate__instance(struct validate *v, const struct js_schema *s,
                   const char *path, struct js_result *r)
{
  struct validate_doc *d = NULL;
  struct span *spans = NULL;
  size_t n = 1;
  int err = 0;
  enum validate_fault f;

  /* A verdict against a schema with errors would be a guess (a type it
   * cannot read checks nothing), so there is none, as ajv refuses too. */
  if (v->schema_broken) {
    printf("%s not validated: the schema has errors\n", path);
    return 0;
  }
  /* "-" is standard input, as for most tools that read files, read as
   * JSON (it has no extension to say YAML). */
  f = validate__read_doc(strcmp(path, "-") == 0 ? "/dev/stdin" : path, path,
                         v->max_bytes, &d, &err);
  if (err == FACET_ENOMEM) {
    validate__doc_free(d);
    return err;
  }
  if (f != VALIDATE_OK) {
    printf("%s invalid\n", path);
    validate__print_fault(d, path, f, err, 0);
    v->rc = 1;
    validate__doc_free(d);
    return 0;
  }
  if (validate__yaml(d)) {
    spans = malloc(VALIDATE_DOCUMENTS_MAX * sizeof *spans);
    if (!spans) {
      validate__doc_free(d);
      return FACET_ENOMEM;
    }
    n = yaml_document_spans(&d->src, span_make(0, d->src.len), spans,
                            VALIDATE_DOCUMENTS_MAX);
  }
  for (size_t i = 0; i < n && err == 0; i++) {
    char name[PATH_MAX + 64];

    if (n > 1)
      snprintf(name, sizeof name, "%s (document %zu of %zu)", path, i + 1, n);
    else
      snprintf(name, sizeof name, "%s", path);
    err = validate__document(v, s, d, name,
                             spans ? spans[i] : span_make(0, d->src.len), r);
  }
  free(spans);
  validate__doc_free(d);
  return err;
}

static int
validate__draft(const char *arg, enum js_draft *out)
{
  static const struct {
    const char *name;
    enum js_draft draft;
  } names[] = {
    { "4", JS_DRAFT_4 }, { "draft-04", JS_DRAFT_4 },
    { "6", JS_DRAFT_6 }, { "draft-06", JS_DRAFT_6 },
    { "7", JS_DRAFT_7 }, { "draft-07", JS_DRAFT_7 },
    { "2019-09", JS_DRAFT_2019_09 }, { "2020-12", JS_DRAFT_2020_12 },
  };

  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    if (strcmp(arg, names[i].name) == 0) {
      *out = names[i].draft;
      return 0;
    }
  fprintf(stderr, "facet validate: --draft is 4, 6, 7, 2019-09 or "
          "2020-12\n");
  return -1;
}

/* Loads a --ref file; the schema is docs[0], so refs come after it. */
static int
validate__ref_file(struct validate *v, const char *path)
{
  struct validate_doc *d = NULL;
  int err = 0;
  enum validate_fault f = validate__load_doc(path, path, v->max_bytes, &d,
                                            &err);

  if (f == VALIDATE_OK && v->ndocs < JS_DOCUMENTS_MAX) {
    d->uri = validate__file_uri(path);
    v->docs[v->ndocs++] = d;
    return 0;
  }
  if (f == VALIDATE_OK)
    fprintf(stderr, "facet validate: too many --ref files\n");
  else if (f == VALIDATE_SYNTAX)
    validate__print_diags(d, 0);
  else
    fprintf(stderr, "facet validate: %s: %s\n", path,
            f == VALIDATE_EXPANDS ? "YAML aliases expand too far"
                                  : validate__why(d, err));
  validate__doc_free(d);
  return -1;
}

static int
validate__options(struct validate *v, int argc, char **argv)
{
  static const struct option longopts[] = {
    { "format-assert", no_argument, NULL, 'f' },
    { "draft", required_argument, NULL, 'd' },
    { "ref", required_argument, NULL, 'r' },
    { "max-bytes", required_argument, NULL, 'm' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int opt;
  char *end;

  optind = 1;
  v->ndocs = 1;   /* docs[0] is the schema, loaded after the options */
  /* --ref files are read as the options come: --max-bytes goes first. */
  for (int i = 1; i < argc; i++)
    if (strncmp(argv[i], "--max-bytes", 11) == 0 &&
        (argv[i][11] == '=' || (!argv[i][11] && i + 1 < argc))) {
      const char *arg = argv[i][11] == '=' ? argv[i] + 12 : argv[i + 1];

      /* strtoul would take "-5" as a number that wrapped round. */
      errno = 0;
      v->max_bytes = strtoul(arg, &end, 10);
      if (arg[0] < '0' || arg[0] > '9' || *end || errno ||
          v->max_bytes == 0) {
        fprintf(stderr, "facet validate: --max-bytes wants a positive "
                "number\n");
        return -1;
      }
    } else if (strcmp(argv[i], "--") == 0) {
      break;
    }
  while ((opt = getopt_long(argc, argv, "hr:", longopts, NULL)) != -1) {
    if (opt == 'f')
      v->format_assert = true;
    else if (opt == 'm')
      ;   /* read above */
    else if (opt == 'd' && validate__draft(optarg, &v->draft))
      return -1;
    else if (opt == 'r' && validate__ref_file(v, optarg))
      return -1;
    else if (opt == 'h' || (opt != 'd' && opt != 'r')) {
      validate__usage(opt == 'h' ? stdout : stderr);
      return opt == 'h' ? 1 : -1;
    }
  }
  if (argc - optind < 2) {
    validate__usage(stderr);
    return -1;
  }
  return 0;
}

/* Loads and compiles the schema; 2 when it cannot be read. */
static int
validate__schema(struct validate *v, const char *path, struct js_schema **out)
{
  struct js_resolver resolver = { validate__resolve, v };
  struct js_options opts = { .draft = v->draft,
                             .format_assert = v->format_assert,
                             .resolver = &resolver };
  struct validate_doc *d = NULL;
  int err = 0;
  enum validate_fault f = validate__load_doc(path, path, v->max_bytes, &d,
                                            &err);

  v->docs[0] = d;
  if (f != VALIDATE_OK) {
    if (d && f == VALIDATE_SYNTAX)
      validate__print_diags(d, 0);
    else
      fprintf(stderr, "facet validate: %s: %s\n", path,
              f == VALIDATE_EXPANDS ? "YAML aliases expand too far"
                                    : validate__why(d, err));
    return 2;
  }
  d->uri = validate__file_uri(path);
  opts.base_uri = d->uri;
  if (js_schema_compile(d->json, &opts, out)) {
    fprintf(stderr, "facet validate: %s\n", facet_strerror(FACET_ENOMEM));
    return 2;
  }
  validate__print_problems(v, *out);
  return 0;
}

int
validate_main(int argc, char **argv)
{
  struct validate v = { .rc = 0, .max_bytes = ANALYZE_MAX_BYTES_DEFAULT };
  struct js_schema *schema = NULL;
  struct js_result result;
  int rc = validate__options(&v, argc, argv);

  js_result_init(&result);
  if (!getcwd(v.cwd, sizeof v.cwd))
    v.cwd[0] = '\0';
  if (rc == 0)
    rc = validate__schema(&v, argv[optind], &schema) ? 2 : 0;
  else
    rc = rc > 0 ? 0 : 2;
  for (int i = optind + 1; schema && rc == 0 && i < argc; i++)
    if (validate__instance(&v, schema, argv[i], &result)) {
      fprintf(stderr, "facet validate: %s\n", facet_strerror(FACET_ENOMEM));
      rc = 2;
    }
  js_result_release(&result);
  js_schema_free(schema);
  for (size_t i = 0; i < v.ndocs; i++)
    validate__doc_free(v.docs[i]);
  return rc ? rc : v.rc;
}
