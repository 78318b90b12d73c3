/*
 * facet's token estimate of each file named on the command line, for
 * bench/tokens/compare.mjs to hold against a real tokenizer: one JSON
 * object a line, {path, format, estimate, texts: [{estimate, text}]},
 * where the texts are what tokens_each_text hands out.
 *
 * estimate --raw FILE... estimates each file's whole text instead (for
 * text that is not a prompt file), and estimate --speed FILE times
 * tokens_estimate over FILE's bytes.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "artifact.h"
#include "tokens.h"

/* Reads path whole into a new buffer; NULL on failure. */
static char *
read_file(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  long n;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
      fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1)) &&
      fread(buf, 1, (size_t)n, f) == (size_t)n) {
    buf[n] = '\0';
    *len = (size_t)n;
  } else {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  return buf;
}

static void
add_text(const char *text, size_t len, void *ctx)
{
  struct json_object *texts = ctx;
  struct json_object *item = json_object_new_object();

  json_object_object_add(item, "estimate",
                         json_object_new_int64((int64_t)
                                               tokens_estimate(text, len)));
  json_object_object_add(item, "text",
                         json_object_new_string_len(text, (int)len));
  json_object_array_add(texts, item);
}

static void
print_line(const char *path, const char *format, size_t estimate,
           struct json_object *texts)
{
  struct json_object *out = json_object_new_object();

  json_object_object_add(out, "path", json_object_new_string(path));
  json_object_object_add(out, "format", json_object_new_string(format));
  json_object_object_add(out, "estimate",
                         json_object_new_int64((int64_t)estimate));
  json_object_object_add(out, "texts", texts);
  puts(json_object_to_json_string_ext(out, JSON_C_TO_STRING_PLAIN |
                                             JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put(out);
}

static int
report(const char *path, int raw)
{
  size_t len;
  char *text = read_file(path, &len);
  struct artifact *a = NULL;
  struct json_object *texts = json_object_new_array();

  if (text && raw) {
    add_text(text, len, texts);
    print_line(path, "raw", tokens_estimate(text, len), texts);
    free(text);
    return 0;
  }
  a = text ? artifact_analyze(path, text, len, NULL) : NULL;
  free(text);
  if (!a) {
    json_object_put(texts);
    fprintf(stderr, "estimate: cannot analyse %s\n", path);
    return 1;
  }
  tokens_each_text(a, add_text, texts);
  print_line(path, artifact_format_name(a->format), a->tokens, texts);
  artifact_free(a);
  return 0;
}

static int
speed(const char *path)
{
  size_t len;
  char *text = read_file(path, &len);
  struct timespec t0;
  struct timespec t1;
  size_t tokens = 0;
  int runs = 200;
  double ns;

  if (!text)
    return 1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < runs; i++)
    tokens += tokens_estimate(text, len);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
        (double)(t1.tv_nsec - t0.tv_nsec)) / runs;
  printf("%zu bytes, %zu tokens: %.3f ms a pass, %.2f ns a byte\n", len,
         tokens / (size_t)runs, ns / 1e6, ns / (double)len);
  free(text);
  return 0;
}

int
main(int argc, char **argv)
{
  int status = 0;
  int raw = argc > 1 && strcmp(argv[1], "--raw") == 0;

  if (argc == 3 && strcmp(argv[1], "--speed") == 0)
    return speed(argv[2]);
  for (int i = 1 + raw; i < argc; i++)
    status |= report(argv[i], raw);
  return status;
}
