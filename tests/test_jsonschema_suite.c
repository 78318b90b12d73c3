/*
 * The official JSON Schema Test Suite, as Debian packages it
 * (json-schema-test-suite; scripts/deps installs it): every required test
 * of draft4, draft6 and draft7, then the optional groups facet supports,
 * as TAP, one line per test case, with the counts per draft at the end
 * ("# summary:" lines, which scripts/test prints).
 * Remote references (http://localhost:1234/...) are served from the
 * suite's remotes folder through the resolver; nothing touches the
 * network. Each case is checked on both of the validator's walks: the
 * quick walk that only decides (when it decides) and the walk that says
 * why, as a verdict and as errors (none exactly when valid); and on what
 * callers see, js_valid's answer and js_validate's errors. The quick walk
 * must decide nearly every case (QUICK_DECIDES_MIN), or it would be
 * checked on little. Each group's schema is also an instance of the
 * built-in meta-schemas of every draft (2019-09's and 2020-12's use the
 * dynamic scope): there the two walks must agree, whatever the answer.
 *
 * Optional groups left out, and why (docs/jsonschema.md lists them too):
 *   draft7 optional/content.json         contentMediaType and
 *                                         contentEncoding are annotations
 *   draft7 optional/format/idn-email.json, idn-hostname.json, iri.json,
 *          iri-reference.json             internationalized formats are
 *                                         annotations only
 *
 * usage: test_jsonschema_suite SUITE_DIR
 */
#include <dirent.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "jsonschema.h"
#include "jsonschema_internal.h"

#define REMOTE_PREFIX "http://localhost:1234/"

struct skip {
  const char *file;     /* under tests/draftN/, e.g. "optional/content.json" */
  const char *why;
};

static const struct skip suite__skips[] = {
  { "optional/content.json",
    "contentMediaType and contentEncoding are annotations" },
  { "optional/format/idn-email.json", "idn-email is an annotation" },
  { "optional/format/idn-hostname.json", "idn-hostname is an annotation" },
  { "optional/format/iri.json", "iri is an annotation" },
  { "optional/format/iri-reference.json", "iri-reference is an annotation" },
};

/* Per cent of a draft's cases the quick walk must decide itself. */
#define QUICK_DECIDES_MIN 95

struct tally {
  unsigned passed;
  unsigned failed;
  unsigned skipped;
  unsigned quick;        /* cases the quick walk decided */
};

/* The meta-schemas every group's schema is checked against. */
static const char *const suite__metas[] = {
  "http://json-schema.org/draft-04/schema",
  "http://json-schema.org/draft-06/schema",
  "http://json-schema.org/draft-07/schema",
  "https://json-schema.org/draft/2019-09/schema",
  "https://json-schema.org/draft/2020-12/schema",
};
#define SUITE_METAS (sizeof suite__metas / sizeof *suite__metas)

struct suite {
  const char *root;
  char remotes[4096];
  unsigned n;            /* TAP test number */
  struct js_schema *metas[SUITE_METAS];
  unsigned meta_checks;  /* schemas checked against a meta-schema */
  unsigned meta_decided; /* ... that the quick walk decided */
  unsigned meta_failed;  /* ... where the walks disagreed */
};

static int
suite__load(void *ctx, const char *uri, struct json_object **out, char *why,
            size_t size)
{
  struct suite *s = ctx;
  const char *rest = uri + strlen(REMOTE_PREFIX);
  char path[8192];

  if (strncmp(uri, REMOTE_PREFIX, strlen(REMOTE_PREFIX)) != 0 ||
      strstr(rest, "..")) {
    snprintf(why, size, "the suite serves only %s", REMOTE_PREFIX);
    return FACET_ENOENT;
  }
  snprintf(path, sizeof path, "%s/%s", s->remotes, rest);
  *out = json_object_from_file(path);
  if (!*out) {
    snprintf(why, size, "no such remote: %s", rest);
    return FACET_ENOENT;
  }
  return 0;
}

static const char *
suite__skip_reason(const char *file)
{
  for (size_t i = 0; i < sizeof suite__skips / sizeof *suite__skips; i++)
    if (strcmp(suite__skips[i].file, file) == 0)
      return suite__skips[i].why;
  return NULL;
}

/* Says in why how a case went: a walk's verdict or errors. */
static void
suite__say(char *why, size_t size, const char *who, bool valid,
           const struct js_result *result)
{
  if (!result) {
    snprintf(why, size, "%s says %s", who, valid ? "valid" : "invalid");
    return;
  }
  snprintf(why, size, "%s gives %zu error%s%s%s", who, result->count,
           result->count == 1 ? "" : "s", result->count ? ": " : "",
           result->count ? result->errors[0].message : "");
}

/* Whether each walk, and js_valid and js_validate, give the suite's
 * answer; *decided says whether the quick walk gave one. */
static bool
suite__case(const struct js_schema *schema, struct json_object *test,
            struct js_result *result, char *why, size_t size, bool *decided)
{
  struct json_object *data = json_object_object_get(test, "data");
  bool want = json_object_get_boolean(json_object_object_get(test,
                                                             "valid"));
  struct jsv_scratch scratch = { 0 };
  enum jsq_verdict quick = jsq_valid(schema, data, &scratch);

  jsv_scratch_release(&scratch);
  *decided = quick != JSQ_UNKNOWN;
  if (*decided && (quick == JSQ_VALID) != want) {
    suite__say(why, size, "the quick walk", quick == JSQ_VALID, NULL);
    return false;
  }
  if (jsv_walk_valid(schema, data) != want) {
    suite__say(why, size, "the walk that says why", !want, NULL);
    return false;
  }
  if (jsv_walk_validate(schema, data, result) != 0 ||
      (result->count == 0) != want) {
    suite__say(why, size, "the walk that says why", false, result);
    return false;
  }
  if (js_valid(schema, data) != want) {
    suite__say(why, size, "js_valid", !want, NULL);
    return false;
  }
  if (js_validate(schema, data, result) != 0 ||
      (result->count == 0) != want) {
    suite__say(why, size, "js_validate", false, result);
    return false;
  }
  return true;
}

/* The group's schema against every meta-schema, by both walks. */
static void
suite__metas_check(struct suite *s, const char *name,
                   struct json_object *schema)
{
  for (size_t m = 0; m < SUITE_METAS; m++) {
    struct jsv_scratch scratch = { 0 };
    enum jsq_verdict quick = jsq_valid(s->metas[m], schema, &scratch);
    bool valid = jsv_walk_valid(s->metas[m], schema);

    jsv_scratch_release(&scratch);
    s->meta_checks++;
    s->meta_decided += quick != JSQ_UNKNOWN;
    if (quick != JSQ_UNKNOWN && (quick == JSQ_VALID) != valid) {
      printf("# %s: against %s, the quick walk says %s, the walk that says "
             "why %s\n", name, suite__metas[m], valid ? "invalid" : "valid",
             valid ? "valid" : "invalid");
      s->meta_failed++;
    }
  }
}

static void
suite__group(struct suite *s, const char *name, struct json_object *group,
             enum js_draft draft, bool formats, struct tally *t)
{
  struct js_resolver resolver = { suite__load, s };
  struct js_options opts = { .draft = draft, .format_assert = formats,
                             .resolver = &resolver };
  struct json_object *tests = json_object_object_get(group, "tests");
  const char *desc = json_object_get_string(
    json_object_object_get(group, "description"));
  struct js_schema *schema = NULL;
  struct js_result result;

  js_result_init(&result);
  suite__metas_check(s, name, json_object_object_get(group, "schema"));
  js_schema_compile(json_object_object_get(group, "schema"), &opts, &schema);
  for (size_t i = 0; i < json_object_array_length(tests); i++) {
    struct json_object *test = json_object_array_get_idx(tests, i);
    const char *what = json_object_get_string(
      json_object_object_get(test, "description"));
    char why[512] = "out of memory";
    bool decided = false;
    bool ok = schema && suite__case(schema, test, &result, why, sizeof why,
                                    &decided);

    printf("%s %u - %s: %s: %s\n", ok ? "ok" : "not ok", ++s->n, name, desc,
           what);
    if (!ok)
      printf("# %s\n", why);
    ok ? t->passed++ : t->failed++;
    t->quick += decided;
  }
  js_result_release(&result);
  js_schema_free(schema);
}

static void
suite__skip_file(struct suite *s, const char *name, struct json_object *doc,
                 const char *why, struct tally *t)
{
  for (size_t g = 0; g < json_object_array_length(doc); g++) {
    struct json_object *group = json_object_array_get_idx(doc, g);
    struct json_object *tests = json_object_object_get(group, "tests");

    for (size_t i = 0; i < json_object_array_length(tests); i++) {
      printf("ok %u - %s: %s # SKIP %s\n", ++s->n, name,
             json_object_get_string(json_object_object_get(group,
                                                           "description")),
             why);
      t->skipped++;
    }
  }
}

/* Runs tests/draftN/<file>, file relative to the draft's folder. */
static void
suite__file(struct suite *s, const char *draft_dir, const char *file,
            enum js_draft draft, struct tally *t)
{
  char path[8192], name[2048];
  struct json_object *doc;
  const char *skip = suite__skip_reason(file);
  bool optional = strncmp(file, "optional/", 9) == 0;

  snprintf(path, sizeof path, "%s/%s", draft_dir, file);
  snprintf(name, sizeof name, "%s/%s", strrchr(draft_dir, '/') + 1, file);
  doc = json_object_from_file(path);
  if (!doc) {
    printf("not ok %u - %s does not parse\n", ++s->n, name);
    t->failed++;
    return;
  }
  if (skip)
    suite__skip_file(s, name, doc, skip, t);
  for (size_t g = 0; !skip && g < json_object_array_length(doc); g++)
    suite__group(s, name, json_object_array_get_idx(doc, g), draft,
                 optional, t);
  json_object_put(doc);
}

static int
suite__is_json(const struct dirent *e)
{
  size_t len = strlen(e->d_name);

  return len > 5 && strcmp(e->d_name + len - 5, ".json") == 0;
}

/* Every .json file of draft_dir/sub, in name order. */
static void
suite__folder(struct suite *s, const char *draft_dir, const char *sub,
              enum js_draft draft, struct tally *t)
{
  char path[8192], file[1024];
  struct dirent **names;
  int n;

  snprintf(path, sizeof path, "%s/%s", draft_dir, sub);
  n = scandir(path, &names, suite__is_json, alphasort);
  for (int i = 0; i < n; i++) {
    snprintf(file, sizeof file, "%s%s%s", sub, *sub ? "/" : "",
             names[i]->d_name);
    suite__file(s, draft_dir, file, draft, t);
    free(names[i]);
  }
  if (n >= 0)
    free(names);
}

int
main(int argc, char **argv)
{
  static const struct {
    const char *dir;
    enum js_draft draft;
  } drafts[] = {
    { "draft4", JS_DRAFT_4 }, { "draft6", JS_DRAFT_6 },
    { "draft7", JS_DRAFT_7 },
  };
  struct tally required[3] = { { 0 } }, optional[3] = { { 0 } };
  struct suite s = { 0 };
  unsigned failed = 0;
  DIR *probe;

  if (argc != 2) {
    fprintf(stderr, "usage: test_jsonschema_suite SUITE_DIR\n");
    return 2;
  }
  s.root = argv[1];
  snprintf(s.remotes, sizeof s.remotes, "%s/remotes", s.root);
  probe = opendir(s.remotes);
  if (!probe) {
    printf("Bail out! no JSON Schema Test Suite at %s "
           "(scripts/deps installs json-schema-test-suite)\n", s.root);
    return 1;
  }
  closedir(probe);
  for (size_t m = 0; m < SUITE_METAS; m++) {
    char ref[256];
    struct json_object *json;

    snprintf(ref, sizeof ref, "{\"$ref\": \"%s\"}", suite__metas[m]);
    json = json_tokener_parse(ref);
    if (js_schema_compile(json, NULL, &s.metas[m]) != 0) {
      printf("Bail out! the meta-schema %s does not compile\n",
             suite__metas[m]);
      return 1;
    }
    json_object_put(json);
  }
  for (int d = 0; d < 3; d++) {
    char dir[4096];

    snprintf(dir, sizeof dir, "%s/tests/%s", s.root, drafts[d].dir);
    suite__folder(&s, dir, "", drafts[d].draft, &required[d]);
    suite__folder(&s, dir, "optional", drafts[d].draft, &optional[d]);
    suite__folder(&s, dir, "optional/format", drafts[d].draft, &optional[d]);
  }
  /* Whether the quick walk was checked on enough, as TAP lines of their
   * own, before the plan. */
  for (int d = 0; d < 3; d++) {
    unsigned cases = required[d].passed + required[d].failed +
                     optional[d].passed + optional[d].failed;
    unsigned quick = required[d].quick + optional[d].quick;
    bool enough = quick * 100 >= cases * QUICK_DECIDES_MIN;

    printf("%s %u - %s: the quick walk decided %u of %u cases\n",
           enough ? "ok" : "not ok", ++s.n, drafts[d].dir, quick, cases);
    failed += !enough;
  }
  printf("%s %u - the walks agree on the suite's schemas against the "
         "meta-schemas: %u checks, %u decided by the quick walk, %u "
         "disagreements\n", s.meta_failed || !s.meta_decided ? "not ok"
                                                             : "ok",
         ++s.n, s.meta_checks, s.meta_decided, s.meta_failed);
  failed += s.meta_failed || !s.meta_decided;
  for (size_t m = 0; m < SUITE_METAS; m++)
    js_schema_free(s.metas[m]);
  printf("1..%u\n", s.n);
  for (int d = 0; d < 3; d++) {
    /* "# summary:" lines are shown by scripts/test, so CI logs carry the
     * counts. */
    printf("# summary: JSON Schema Test Suite %s required: %u/%u passed; "
           "optional: %u/%u passed, %u skipped\n", drafts[d].dir,
           required[d].passed, required[d].passed + required[d].failed,
           optional[d].passed,
           optional[d].passed + optional[d].failed, optional[d].skipped);
    failed += required[d].failed + optional[d].failed;
  }
  return failed ? 1 : 0;
}
