/*
 * yaml-parse: the floor for facet's YAML work. Reads a file into memory
 * once, then times libyaml's event parser over the whole of it, RUNS
 * times, and prints the median. Nothing is built from the events: this is
 * the cost of tokenising and parsing alone.
 *
 * usage: yaml-parse [-n RUNS] FILE
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

#define YAML_PARSE_RUNS_MAX 1000

static double
yaml_parse__now_ms(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads the whole of path into a new buffer the caller frees. */
static unsigned char *
yaml_parse__slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  unsigned char *data = NULL;
  long size;

  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0)
    goto out;
  data = malloc((size_t)size + 1);
  if (data && fread(data, 1, (size_t)size, f) != (size_t)size) {
    free(data);
    data = NULL;
  }
  *len = (size_t)size;
out:
  fclose(f);
  return data;
}

/* Parses every event of text; returns the count, or -1 on a YAML error. */
static long
yaml_parse__once(const unsigned char *text, size_t len)
{
  yaml_parser_t parser;
  yaml_event_t event;
  long events = 0;
  int done = 0;

  if (!yaml_parser_initialize(&parser))
    return -1;
  yaml_parser_set_input_string(&parser, text, len);
  while (!done) {
    if (!yaml_parser_parse(&parser, &event)) {
      fprintf(stderr, "yaml-parse: %s at line %zu\n",
              parser.problem ? parser.problem : "parse error",
              parser.problem_mark.line + 1);
      events = -1;
      break;
    }
    done = event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&event);
    events++;
  }
  yaml_parser_delete(&parser);
  return events;
}

static int
yaml_parse__cmp(const void *a, const void *b)
{
  double x = *(const double *)a;
  double y = *(const double *)b;

  return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
  int runs = 21;
  const char *path;
  unsigned char *text;
  size_t len = 0;
  double ms[YAML_PARSE_RUNS_MAX];
  long events = 0;

  if (argc == 4 && strcmp(argv[1], "-n") == 0) {
    runs = atoi(argv[2]);
    path = argv[3];
  } else if (argc == 2) {
    path = argv[1];
  } else {
    fputs("usage: yaml-parse [-n RUNS] FILE\n", stderr);
    return 2;
  }
  if (runs < 1 || runs > YAML_PARSE_RUNS_MAX) {
    fprintf(stderr, "yaml-parse: RUNS must be 1 to %d\n",
            YAML_PARSE_RUNS_MAX);
    return 2;
  }
  text = yaml_parse__slurp(path, &len);
  if (!text) {
    fprintf(stderr, "yaml-parse: cannot read %s\n", path);
    return 1;
  }

  for (int i = 0; i < runs; i++) {
    double t0 = yaml_parse__now_ms();

    events = yaml_parse__once(text, len);
    ms[i] = yaml_parse__now_ms() - t0;
    if (events < 0) {
      free(text);
      return 1;
    }
  }
  qsort(ms, (size_t)runs, sizeof ms[0], yaml_parse__cmp);
  printf("bytes %zu events %ld runs %d median_ms %.3f min_ms %.3f "
         "max_ms %.3f\n", len, events, runs, ms[runs / 2], ms[0],
         ms[runs - 1]);
  free(text);
  return 0;
}
