/*
 * facet's JSON Schema validator, timed: compiles SCHEMA once, then for
 * each INSTANCE (JSON, parsed once with json-c) validates it over and over
 * and prints one JSON line: bytes, validations per CPU second and MB/s,
 * and the same counting json-c's parse of the text each time. bench/schema/run
 * puts these beside ajv's (bench/schema/ajv_bench.mjs).
 *
 * usage: schema-bench [--seconds S] SCHEMA INSTANCE...
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonschema.h"

/* Timed rounds per figure; the median is printed. */
#define BENCH_ROUNDS 7

/* CPU time of the process: on a shared machine, wall time also counts
 * other programs' turns (ajv_bench.mjs counts CPU time too). */
static double
bench__now(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
bench__read(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *text = NULL;
  long n;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (text = malloc((size_t)n + 1)) &&
      fread(text, 1, (size_t)n, f) == (size_t)n) {
    text[n] = '\0';
    *len = (size_t)n;
  } else {
    free(text);
    text = NULL;
  }
  fclose(f);
  return text;
}

struct bench_job {
  const struct js_schema *schema;
  struct json_object *instance;   /* parsed once, for validation alone */
  const char *text;               /* for parse and validation together */
  size_t len;
  struct js_result *result;
  bool parse;
};

/* Runs the job n times; false when an instance is invalid. */
static bool
bench__run(const struct bench_job *j, long n)
{
  bool ok = true;

  for (long i = 0; i < n; i++) {
    struct json_object *inst = j->instance;

    if (j->parse)
      inst = json_tokener_parse(j->text);
    js_validate(j->schema, inst, j->result);
    ok = ok && j->result->count == 0;
    if (j->parse)
      json_object_put(inst);
  }
  return ok;
}

static int
bench__cmp(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Runs per second: batches grown to last `seconds`, median of rounds. */
static double
bench__rate(const struct bench_job *j, double seconds, bool *valid)
{
  double rates[BENCH_ROUNDS];
  long n = 1;
  double t;

  *valid = bench__run(j, 3);
  for (;;) {
    t = bench__now();
    bench__run(j, n);
    t = bench__now() - t;
    if (t >= seconds / BENCH_ROUNDS)
      break;
    n *= 2;
  }
  for (int r = 0; r < BENCH_ROUNDS; r++) {
    t = bench__now();
    bench__run(j, n);
    rates[r] = (double)n / (bench__now() - t);
  }
  qsort(rates, BENCH_ROUNDS, sizeof *rates, bench__cmp);
  return rates[BENCH_ROUNDS / 2];
}

static int
bench__instance(const struct js_schema *schema, const char *path,
                double seconds, double compile_ms)
{
  struct js_result result;
  struct bench_job j = { .schema = schema, .result = &result };
  char *text = bench__read(path, &j.len);
  double rate, with_parse;
  bool valid;

  if (!text || !(j.instance = json_tokener_parse(text))) {
    fprintf(stderr, "schema-bench: %s: cannot read or parse\n", path);
    free(text);
    return 1;
  }
  j.text = text;
  js_result_init(&result);
  rate = bench__rate(&j, seconds, &valid);
  j.parse = true;
  with_parse = bench__rate(&j, seconds, &valid);
  printf("{\"instance\": \"%s\", \"bytes\": %zu, \"valid\": %s, "
         "\"per_s\": %.1f, \"mb_per_s\": %.1f, \"parse_per_s\": %.1f, "
         "\"compile_ms\": %.3f}\n",
         path, j.len, valid ? "true" : "false", rate,
         rate * (double)j.len / 1e6, with_parse, compile_ms);
  js_result_release(&result);
  json_object_put(j.instance);
  free(text);
  return 0;
}

int
main(int argc, char **argv)
{
  double seconds = 2;
  struct json_object *json;
  struct js_schema *schema = NULL;
  double compile_ms;
  int first = 1;
  int rc = 0;

  if (argc > 2 && strcmp(argv[1], "--seconds") == 0) {
    seconds = atof(argv[2]);
    first = 3;
  }
  if (argc - first < 2) {
    fprintf(stderr, "usage: schema-bench [--seconds S] SCHEMA INSTANCE...\n");
    return 2;
  }
  json = json_object_from_file(argv[first]);
  compile_ms = bench__now();
  if (!json || js_schema_compile(json, NULL, &schema) != 0) {
    fprintf(stderr, "schema-bench: %s: cannot compile\n", argv[first]);
    return 2;
  }
  /* One compilation, as ajv's figure is one: the first is what a run
   * pays. */
  compile_ms = (bench__now() - compile_ms) * 1e3;
  for (int i = first + 1; i < argc; i++)
    rc |= bench__instance(schema, argv[i], seconds, compile_ms);
  js_schema_free(schema);
  json_object_put(json);
  return rc;
}
