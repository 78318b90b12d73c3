/*
 * The official JSON Schema Test Suite, as Debian packages it
 * (json-schema-test-suite; scripts/deps installs it): every required test
 * of draft4, draft6 and draft7, then the optional groups facet supports,
 * as TAP, one line per test case, with the counts per draft at the end
 * ("# summary:" lines, which scripts/test prints).
 * Remote references (http://localhost:1234/...) are served from the
 * suite's remotes folder through the resolver; nothing touches the
 * network. Each case is checked twice: js_valid's answer, and
 * js_validate's errors (none exactly when valid).
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

struct tally {
  unsigned passed;
  unsigned failed;
  unsigned skipped;
};

struct suite {
  const char *root;
  char remotes[4096];
  unsigned n;            /* TAP test number */
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

/* Whether js_valid and js_validate both give the suite's answer. */
static bool
suite__case(const struct js_schema *schema, struct json_object *test,
            struct js_result *result, char *why, size_t size)
{
  struct json_object *data = json_object_object_get(test, "data");
  bool want = json_object_get_boolean(json_object_object_get(test,
                                                             "valid"));
  bool valid = js_valid(schema, data);

  if (js_validate(schema, data, result) != 0) {
    snprintf(why, size, "js_validate failed");
    return false;
  }
  if (valid != want || (result->count == 0) != want) {
    snprintf(why, size, "js_valid says %s, js_validate gives %zu error%s%s%s",
             valid ? "valid" : "invalid", result->count,
             result->count == 1 ? "" : "s", result->count ? ": " : "",
             result->count ? result->errors[0].message : "");
    return false;
  }
  return true;
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
  js_schema_compile(json_object_object_get(group, "schema"), &opts, &schema);
  for (size_t i = 0; i < json_object_array_length(tests); i++) {
    struct json_object *test = json_object_array_get_idx(tests, i);
    const char *what = json_object_get_string(
      json_object_object_get(test, "description"));
    char why[512] = "out of memory";
    bool ok = schema && suite__case(schema, test, &result, why, sizeof why);

    printf("%s %u - %s: %s: %s\n", ok ? "ok" : "not ok", ++s->n, name, desc,
           what);
    if (!ok)
      printf("# %s\n", why);
    ok ? t->passed++ : t->failed++;
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
  for (int d = 0; d < 3; d++) {
    char dir[4096];

    snprintf(dir, sizeof dir, "%s/tests/%s", s.root, drafts[d].dir);
    suite__folder(&s, dir, "", drafts[d].draft, &required[d]);
    suite__folder(&s, dir, "optional", drafts[d].draft, &optional[d]);
    suite__folder(&s, dir, "optional/format", drafts[d].draft, &optional[d]);
  }
  printf("1..%u\n", s.n);
  for (int d = 0; d < 3; d++) {
    /* "# summary:" lines are shown by scripts/test, so CI logs carry the
     * counts. */
    printf("# summary: JSON Schema Test Suite %s required: %u/%u passed; "
           "optional: %u/%u passed, %u skipped\n", drafts[d].dir, required[d].passed,
           required[d].passed + required[d].failed, optional[d].passed,
           optional[d].passed + optional[d].failed, optional[d].skipped);
    failed += required[d].failed + optional[d].failed;
  }
  return failed ? 1 : 0;
}
