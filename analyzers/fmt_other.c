/*
 * Formats facet recognises and grades but checks lightly: plain templates,
 * LangChain prompt files, Semantic Kernel prompts (skprompt.txt, its
 * config.json, and the YAML form), POML, OpenAI evals registries, and
 * results files (which are read, not checked).
 */
#include <ctype.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "eval_internal.h"
#include "formats.h"
#include "grade.h"
#include "shape.h"
#include "template.h"
#include "tree.h"

static const char *const langchain__types[] = {
  "prompt", "few_shot", "chat", NULL,
};

static const char *const langchain__formats[] = {
  "f-string", "mustache", "jinja2", NULL,
};

static const struct shape_field langchain__fields[] = {
  { "_type", SHAPE_TEXT, "prompt, few_shot or chat.", 0, 0, langchain__types,
    0 },
  { "input_variables", SHAPE_SEQ, "The variables the template reads.", 0, 0,
    0, 0 },
  { "optional_variables", SHAPE_SEQ, "Variables that may be left out.", 0,
    0, 0, 0 },
  { "partial_variables", SHAPE_MAP, "Variables given in advance.", 0, 0, 0,
    0 },
  { "input_types", SHAPE_MAP, "The type of each variable.", 0, 0, 0, 0 },
  { "template", SHAPE_STRING, "The template text.", 0, 0, 0, 0 },
  { "template_path", SHAPE_STRING, "A .txt file holding the template.", 0,
    0, 0, 0 },
  { "template_format", SHAPE_TEXT, "f-string (default), mustache or "
    "jinja2.", 0, 0, langchain__formats, 0 },
  { "validate_template", SHAPE_BOOL, "Check the variables against the "
    "template.", 0, 0, 0, 0 },
  { "output_parser", SHAPE_MAP, "How the output is parsed.", 0, 0, 0, 0 },
  { "name", SHAPE_STRING, "The prompt's name.", 0, 0, 0, 0 },
  { "metadata", SHAPE_MAP, "Arbitrary data for tracing.", 0, 0, 0, 0 },
  { "tags", SHAPE_SEQ, "Labels for tracing.", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape langchain__shape = {
  "LangChain prompt", langchain__fields, 0, 0, 0,
};

/* What LangChain's loader refuses outright. */
static void
langchain__check_load(struct artifact *a)
{
  const struct node *path_key = node_get_key(a->root, "template_path");
  const char *path = node_str(node_get(a->root, "template_path"));
  const struct node *format = node_get(a->root, "template_format");
  size_t n = path ? strlen(path) : 0;

  if (path_key && node_get_key(a->root, "template"))
    diag_add(&a->diags, DIAG_CONFLICTING_KEYS, path_key->span,
             "a LangChain prompt takes template or template_path, not "
             "both");
  if (path && (n < 4 || strcasecmp(path + n - 4, ".txt") != 0))
    diag_add(&a->diags, DIAG_INVALID_VALUE,
             node_get(a->root, "template_path")->span,
             "template_path must name a .txt file");
  if (node_is_str(format, "jinja2"))
    diag_add(&a->diags, DIAG_INVALID_VALUE, format->span,
             "LangChain refuses to load jinja2 templates from files (they "
             "can run arbitrary code)");
}

static void
langchain__check(struct artifact *a)
{
  const struct node *type = node_get(a->root, "_type");
  const struct node *format = node_get(a->root, "template_format");
  enum template_dialect dialect = TEMPLATE_FSTRING;
  static const char *const texts[] = { "template", "prefix", "suffix" };

  /* few_shot and chat prompts nest other prompts: only prompt is checked. */
  if (!type || node_is_str(type, "prompt"))
    shape_check(&langchain__shape, a->root, formats_top(a), &a->diags);
  else
    shape_check_value(&langchain__fields[0], type, &a->diags);
  langchain__check_load(a);
  if (node_is_str(format, "mustache"))
    dialect = TEMPLATE_MUSTACHE;
  else if (node_is_str(format, "jinja2"))
    dialect = TEMPLATE_JINJA;
  for (size_t i = 0; i < 3; i++) {
    const struct node *t = node_get(a->root, texts[i]);

    if (t && t->kind == NODE_SCALAR)
      template_parse(a, dialect, t->span, NULL);
  }
  a->facts.header = a->root && a->root->kind == NODE_MAP;
  a->facts.inputs_declared = node_is_set(node_get(a->root,
                                                 "input_variables"));
  formats_declare(a, node_get(a->root, "input_variables"), NULL, 0,
                  "input_variables");
  formats_declare(a, node_get(a->root, "partial_variables"), NULL,
                  DECLARE_VALUES, "partial_variables");
  if (a->facts.inputs_declared)
    formats_check_variables(a, VARIABLES_UNDECLARED | VARIABLES_UNUSED,
                            "input_variables");
  a->facts.inputs_hint = "list the template's variables in input_variables";
  a->facts.schema_hint = "pin the output: add an output_parser, or move the "
                         "prompt to a format with an output schema";
  a->facts.tests_hint = "add an eval: a promptfoo config that exercises "
                        "this prompt";
}

static const struct shape_field sk__variable_fields[] = {
  { "name", SHAPE_STRING, "The variable's name.", 0, 0, 0, SHAPE_REQUIRED },
  { "description", SHAPE_STRING, "What the variable is.", 0, 0, 0, 0 },
  { "default", SHAPE_ANY, "The value used when none is given.", 0, 0, 0, 0 },
  { "is_required", SHAPE_BOOL, "Whether a caller must give it.", 0, 0, 0,
    0 },
  { "json_schema", SHAPE_STRING | SHAPE_MAP, "The variable's JSON Schema.", 0,
    0, 0, 0 },
  { "allow_dangerously_set_content", SHAPE_BOOL, "Let the value hold prompt "
    "markup.", 0, 0, 0, 0 },
  { 0 },
};

static const struct shape sk__variable = {
  "a Semantic Kernel input variable", sk__variable_fields, 0, 0, 0,
};

static const struct shape_field sk__output_fields[] = {
  { "description", SHAPE_STRING, "What the output is.", 0, 0, 0, 0 },
  { "json_schema", SHAPE_STRING | SHAPE_MAP, "The output's JSON Schema.", 0,
    0, 0, 0 },
  { 0 },
};

static const struct shape sk__output = {
  "Semantic Kernel output_variable", sk__output_fields, 0, 0, 0,
};

static const char *const sk__formats[] = {
  "semantic-kernel", "handlebars", "liquid", "jinja2", NULL,
};

static const struct shape_field sk__fields[] = {
  { "schema", SHAPE_INT, "The config schema version (1).", 0, 0, 0, 0 },
  { "type", SHAPE_STRING, "completion (older files).", 0, 0, 0, 0 },
  { "name", SHAPE_STRING, "The function's name.", 0, 0, 0, 0 },
  { "description", SHAPE_STRING, "What the function does.", 0, 0, 0, 0 },
  { "template_format", SHAPE_TEXT, "semantic-kernel, handlebars, liquid or "
    "jinja2.", 0, 0, sk__formats, SHAPE_VALUES_OPEN | SHAPE_VALUES_NEAR },
  { "template", SHAPE_STRING, "The template text.", 0, 0, 0, 0 },
  { "input_variables", SHAPE_SEQ, "The variables the template reads.", 0,
    &sk__variable, 0, 0 },
  { "output_variable", SHAPE_MAP, "The output's description and schema.",
    &sk__output, 0, 0, 0 },
  { "execution_settings", SHAPE_MAP, "Settings per service id; default is "
    "the fallback.", 0, 0, 0, 0 },
  { "allow_dangerously_set_content", SHAPE_BOOL, "Let variables hold prompt "
    "markup.", 0, 0, 0, 0 },
  { "completion", SHAPE_MAP, "Completion settings (older files).", 0, 0, 0,
    0 },
  { "default_services", SHAPE_SEQ, "Services to try (older files).", 0, 0,
    0, 0 },
  { 0 },
};

static const struct shape sk__shape = {
  "Semantic Kernel prompt config", sk__fields, 0, 0, 0,
};

static enum template_dialect
sk__dialect(const struct node *root)
{
  const struct node *format = node_get(root, "template_format");

  if (node_is_str(format, "handlebars"))
    return TEMPLATE_HANDLEBARS;
  if (node_is_str(format, "liquid") || node_is_str(format, "jinja2"))
    return TEMPLATE_JINJA;
  return TEMPLATE_SK;
}

/* A response_format json_schema in any service's execution settings. */
static bool
sk__settings_schema(const struct node *root)
{
  const struct node *settings = node_get(root, "execution_settings");

  for (uint32_t i = 0; settings && settings->kind == NODE_MAP &&
                       i < settings->count; i++) {
    const struct node *rf = node_get(node_value(settings, i),
                                     "response_format");

    if (node_is_set(node_get(rf, "json_schema")))
      return true;
  }
  return false;
}

/* The companion's text as a JSON object (a new reference), or NULL. */
static struct json_object *
other__companion_json(const struct artifact *a)
{
  const char *s = a->companion;
  size_t n = a->companion_len;
  struct json_tokener *tok;
  struct json_object *obj;

  if (!s)
    return NULL;
  if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
    s += 3;
    n -= 3;
  }
  tok = json_tokener_new_ex(TREE_DEPTH_MAX);
  if (!tok)
    return NULL;
  obj = json_tokener_parse_ex(tok, s, (int)n);
  if (json_tokener_get_error(tok) != json_tokener_success ||
      !json_object_is_type(obj, json_type_object)) {
    json_object_put(obj);
    obj = NULL;
  }
  json_tokener_free(tok);
  return obj;
}

/* Declares the names of a list of {name, ...} (SK's input variables). */
static void
sk__declare_listed(struct artifact *a, struct json_object *list)
{
  for (size_t i = 0; json_object_is_type(list, json_type_array) &&
                     i < json_object_array_length(list); i++) {
    struct json_object *name = NULL;

    if (json_object_object_get_ex(json_object_array_get_idx(list, i),
                                  "name", &name) &&
        json_object_is_type(name, json_type_string))
      artifact_declare_elsewhere(a, json_object_get_string(name),
                                 (size_t)json_object_get_string_len(name),
                                 "config.json");
  }
}

/*
 * A skprompt.txt is read with its config.json: that is where the
 * function's inputs are declared (input_variables; input.parameters in
 * the first schema) and its template_format chosen. Returns the dialect.
 */
static enum template_dialect
sk__prompt_with_config(struct artifact *a, bool *found)
{
  struct json_object *cfg = other__companion_json(a);
  struct json_object *v = NULL;
  enum template_dialect dialect = TEMPLATE_SK;

  *found = cfg != NULL;
  if (!cfg)
    return dialect;
  if (json_object_object_get_ex(cfg, "input_variables", &v))
    sk__declare_listed(a, v);
  else if (json_object_object_get_ex(cfg, "input", &v) &&
           json_object_object_get_ex(v, "parameters", &v))
    sk__declare_listed(a, v);
  if (json_object_object_get_ex(cfg, "template_format", &v)) {
    const char *f = json_object_get_string(v);

    if (f && strcmp(f, "handlebars") == 0)
      dialect = TEMPLATE_HANDLEBARS;
    else if (f && (strcmp(f, "liquid") == 0 || strcmp(f, "jinja2") == 0))
      dialect = TEMPLATE_JINJA;
  }
  json_object_put(cfg);
  return dialect;
}

/* Whether t's template reads name, in any case, as Semantic Kernel's
 * arguments match. */
static bool
sk__reads(const struct artifact *t, const char *name)
{
  for (size_t i = 0; i < t->nvars; i++)
    if (strcasecmp(t->vars[i].name, name) == 0)
      return true;
  return false;
}

/* The first few names t reads that a does not declare, for the grade. */
static const char *
sk__undeclared(struct artifact *a, const struct artifact *t)
{
  char names[256];
  size_t len = 0;
  size_t count = 0;

  names[0] = '\0';
  for (size_t i = 0; i < t->nvars; i++)
    if (!artifact_input(a, t->vars[i].name))
      grade_names_add(names, sizeof names, &len, &count, t->vars[i].name);
  grade_names_end(names, sizeof names, len, count);
  return count ? arena_strndup(&a->arena, names, strlen(names)) : NULL;
}

/*
 * A config.json is read with its skprompt.txt, which holds the template
 * its inputs are for: inputs it never reads, names it reads undeclared.
 */
static void
sk__config_with_prompt(struct artifact *a)
{
  const struct analyze_options opts = {
    .format = FORMAT_SEMANTIC_KERNEL,
    .companion = a->text,
    .companion_len = a->src.len,
  };
  struct artifact *t = artifact_analyze("skprompt.txt", a->companion,
                                        a->companion_len, &opts);
  const struct node *key = node_get_key(a->root, "input_variables");
  struct span at = key ? key->span : formats_top(a);

  if (!t)
    return;
  a->companion_reads = (uint32_t)t->nvars;
  a->companion_undeclared = sk__undeclared(a, t);
  /* Without input_variables, any argument may be passed in: nothing to
   * hold the template to. */
  if (!key) {
    artifact_free(t);
    return;
  }
  for (size_t i = 0; i < a->ninputs; i++)
    if (!sk__reads(t, a->inputs[i].name) && !a->inputs[i].used_elsewhere)
      diag_add(&a->diags, DIAG_UNUSED_INPUT, a->inputs[i].span,
               "'%s' is declared in input_variables, but skprompt.txt "
               "never reads it", a->inputs[i].name);
  for (size_t i = 0; i < t->nvars; i++)
    if (!artifact_input(a, t->vars[i].name))
      diag_add(&a->diags, DIAG_UNDECLARED_VARIABLE, at,
               "skprompt.txt reads '%s', which input_variables does not "
               "declare", t->vars[i].name);
  artifact_free(t);
}

static void
sk__check(struct artifact *a)
{
  struct artifact_facts *f = &a->facts;
  const struct node *template;

  a->names_nocase = true;
  a->body = span_make(a->src.bom, a->src.len);
  if (!a->root) {
    bool config;
    enum template_dialect d = sk__prompt_with_config(a, &config);

    /* skprompt.txt: the template alone; config.json declares its inputs. */
    template_parse(a, d, a->body, &(struct template_options){
                     .any_helper = d == TEMPLATE_HANDLEBARS });
    f->header = config;
    f->inputs_declared = a->nelsewhere > 0;
    if (f->inputs_declared)
      formats_check_variables(a, VARIABLES_UNDECLARED,
                              "config.json's input_variables");
  } else {
    shape_check(&sk__shape, a->root, formats_top(a), &a->diags);
    template = node_get(a->root, "template");
    if (template && template->kind == NODE_SCALAR)
      template_parse(a, sk__dialect(a->root), template->span,
                     &(struct template_options){ .any_helper = true });
    f->header = a->root->kind == NODE_MAP;
    f->inputs_declared = node_is_set(node_get(a->root, "input_variables"));
    formats_declare(a, node_get(a->root, "input_variables"), "name", 0,
                    "input_variables");
    /* config.json's template is its sibling skprompt.txt: only a file
     * that holds its template can tell what the template reads. */
    if (f->inputs_declared && template)
      formats_check_variables(a, VARIABLES_UNDECLARED | VARIABLES_UNUSED,
                              "input_variables");
    else if (!template && a->companion)
      sk__config_with_prompt(a);
  }
  if (node_is_set(node_get(node_get(a->root, "output_variable"),
                          "json_schema"))) {
    f->output_schema = true;
    f->output_schema_where = "output_variable.json_schema";
  } else if (sk__settings_schema(a->root)) {
    f->output_schema = true;
    f->output_schema_where = "execution_settings response_format";
  }
  f->inputs_hint = a->root ? "declare the template's variables under "
                             "input_variables"
                           : "declare the template's variables under "
                             "input_variables in the function's "
                             "config.json";
  f->schema_hint = "pin the output: add output_variable.json_schema";
  f->tests_hint = "add an eval: a promptfoo config that exercises this "
                  "function";
}

/* Drops the variable named name (len bytes) from a->vars, if there. */
static void
poml__unuse(struct artifact *a, const char *name, size_t len)
{
  for (size_t i = 0; i < a->nvars; i++) {
    if (strlen(a->vars[i].name) != len ||
        memcmp(a->vars[i].name, name, len) != 0)
      continue;
    memmove(&a->vars[i], &a->vars[i + 1],
            (a->nvars - i - 1) * sizeof a->vars[0]);
    a->nvars--;
    return;
  }
}

/* Unuses the name that the attribute attr (e.g. for=") in [p, end) binds. */
static void
poml__unbind(struct artifact *a, const char *p, const char *end,
             const char *attr)
{
  size_t n = strlen(attr);
  size_t len = 0;

  p = memmem(p, (size_t)(end - p), attr, n);
  if (!p || (p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n'))
    return;
  p += n;
  while (p + len < end && (isalnum((unsigned char)p[len]) || p[len] == '_'))
    len++;
  if (len)
    poml__unuse(a, p, len);
}

/*
 * POML binds names itself, with <let name="x"> and for="x in xs"; those
 * are not inputs. The scan is textual: it can only remove names.
 * Limitation: {{ }} is scanned as Jinja, not as JavaScript, so a regex
 * literal's flags (/gm) read as a variable, and names used only in for=
 * or if= attributes are not seen.
 */
static void
poml__unbind_all(struct artifact *a)
{
  const char *p = a->text + a->body.start;
  const char *end = a->text + a->body.end;

  while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
    const char *close = memchr(p, '>', (size_t)(end - p));

    if (!close)
      return;
    if ((size_t)(close - p) > 4 && memcmp(p, "<let", 4) == 0 &&
        isspace((unsigned char)p[4])) {
      poml__unbind(a, p, close, "name=\"");
      /* <let src="data.json"/> without a name binds every key of a file
       * this analysis cannot see: take all names as declared. */
      if (memmem(p, (size_t)(close - p), "src=", 4) &&
          !memmem(p, (size_t)(close - p), "name=", 5))
        a->inputs_open = true;
    }
    poml__unbind(a, p, close, "for=\"");
    p = close;
  }
}

/*
 * The two markup mistakes every XML-like reader refuses, whatever it makes
 * of the rest: a tag that never ends, and a <poml> root never closed.
 * Limitation: nesting of other elements is not checked.
 */
static void
poml__check_markup(struct artifact *a)
{
  const char *s = a->text;
  const char *p = s + a->body.start;
  const char *end = s + a->body.end;
  const char *root = NULL;

  while ((p = memchr(p, '<', (size_t)(end - p))) != NULL) {
    size_t n = 1;

    while (p + n < end && (isalnum((unsigned char)p[n]) || p[n] == '-'))
      n++;
    if (n == 1 || !isalpha((unsigned char)p[1])) {
      p++;
      continue;
    }
    if (!memchr(p + n, '>', (size_t)(end - p - n))) {
      diag_add(&a->diags, DIAG_TEMPLATE_UNTERMINATED,
               span_make((uint32_t)(p - s), (uint32_t)(p - s + n)),
               "'%.*s' is never closed: add '>'", (int)n, p);
      return;
    }
    if (!root && n == 5 && memcmp(p, "<poml", 5) == 0)
      root = p;
    p += n;
  }
  if (root && !memmem(root, (size_t)(end - root), "</poml>", 7))
    diag_add(&a->diags, DIAG_TEMPLATE_UNCLOSED_BLOCK,
             span_make((uint32_t)(root - s), (uint32_t)(root - s + 5)),
             "'<poml>' is never closed: add '</poml>'");
}

/*
 * NAME.context.json beside NAME.poml gives the template its variables:
 * each of its top-level keys is one (the POML tools read it as context).
 */
static void
poml__context(struct artifact *a)
{
  struct json_object *ctx = other__companion_json(a);
  const char *base = a->path ? strrchr(a->path, '/') : NULL;
  const char *where;

  if (!ctx)
    return;
  base = base ? base + 1 : a->path ? a->path : "prompt.poml";
  where = arena_printf(&a->arena, "%.*s.context.json",
                       (int)(strlen(base) > 5 ? strlen(base) - 5 : 0), base);
  if (!where) {
    json_object_put(ctx);
    return;
  }
  json_object_object_foreach(ctx, key, value) {
    (void)value;
    artifact_declare_elsewhere(a, key, strlen(key), where);
  }
  json_object_put(ctx);
}

static void
poml__check(struct artifact *a)
{
  /* {{ }} holds a JavaScript expression; its free names are inputs. */
  template_parse(a, TEMPLATE_JINJA, a->body, NULL);
  poml__unbind_all(a);
  poml__check_markup(a);
  poml__context(a);
  if (memmem(a->text + a->body.start, a->body.end - a->body.start,
             "<output-schema", 14)) {
    a->facts.output_schema = true;
    a->facts.output_schema_where = "<output-schema>";
  }
  /* The <poml> markup is POML's machine-read structure. */
  a->facts.header = memmem(a->text + a->body.start,
                           a->body.end - a->body.start, "<poml", 5) != NULL;
  a->facts.inputs_hint = a->facts.header
                           ? "supply the variables from a context file, or "
                             "define them with <let>"
                           : "wrap the prompt in <poml> markup and define "
                             "its variables with <let>";
  a->facts.schema_hint = "pin the output: add an <output-schema>";
  a->facts.tests_hint = "add an eval: a promptfoo config that exercises "
                        "this prompt";
}

/* An eval entry's id names a concrete entry of the same registry. */
static bool
evals__aliased(const struct node *root, const char *name)
{
  for (uint32_t i = 0; i < root->count; i++)
    if (node_is_str(node_get(node_value(root, i), "id"), name))
      return true;
  return false;
}

/*
 * A concrete entry names its class as "module.path:ClassName"; args, when
 * given, is a mapping.
 */
static void
evals__check_entry(struct artifact *a, const struct node *entry)
{
  const struct node *cls = node_get(entry, "class");
  const struct node *args = node_get(entry, "args");
  const char *s = node_str(cls);

  if (cls && (!s || cls->type != SCALAR_STRING))
    diag_add(&a->diags, DIAG_WRONG_TYPE, cls->span,
             "'class' should be a string such as module.path:ClassName, "
             "not %s", node_type_name(cls));
  else if (s && !strchr(s, ':'))
    diag_add(&a->diags, DIAG_INVALID_VALUE, cls->span,
             "'%s' is not a class reference: write module.path:ClassName",
             s);
  if (args && args->kind != NODE_MAP &&
      !(args->kind == NODE_SCALAR && args->type == SCALAR_NULL))
    diag_add(&a->diags, DIAG_WRONG_TYPE, args->span,
             "'args' should be a mapping, not %s", node_type_name(args));
}

/*
 * Concrete evals are the entries with a class that an alias points to, or
 * that read samples; completion functions and solvers share the file
 * format but test nothing.
 */
static void
evals__check(struct artifact *a)
{
  const struct node *root = node_resolve(a->root);
  unsigned tests = 0;
  unsigned rubrics = 0;

  for (uint32_t i = 0; root && root->kind == NODE_MAP && i < root->count;
       i++) {
    const struct node *entry = node_resolve(node_value(root, i));
    const char *name = node_str(node_key(root, i));

    if (entry && entry->kind == NODE_MAP && node_get(entry, "prompt") &&
        node_get(entry, "choice_strings"))
      rubrics++;
    if (!entry || entry->kind != NODE_MAP || !node_get(entry, "class"))
      continue;
    evals__check_entry(a, entry);
    if ((name && evals__aliased(root, name)) ||
        node_get(node_get(entry, "args"), "samples_jsonl"))
      tests++;
  }
  a->facts.header = true;
  a->facts.tests = tests;
  a->facts.assertions = tests > 0;
  a->facts.tests_where = "registry entries";
  a->facts.tests_hint = "add an eval entry: an id alias and a concrete "
                        "entry with class and args.samples_jsonl";
  /* A modelgraded/ file holds the grader's rubric, not evals: the step up
   * is an eval that grades with it. */
  if (rubrics && !tests)
    a->facts.tests_hint = "grade an eval with this rubric: an entry with "
                          "class evals.elsuite.modelgraded.classify:"
                          "ModelBasedClassify and args.modelgraded_spec";
}

void
other_check(struct artifact *a)
{
  if (a->format != FORMAT_SEMANTIC_KERNEL)
    a->body = span_make(a->src.bom, a->src.len);
  switch (a->format) {
  case FORMAT_JINJA:
  case FORMAT_TEXT_PROMPT:
    template_parse(a, TEMPLATE_JINJA, a->body, NULL);
    a->facts.inputs_hint = "move it into a prompt file whose header "
                           "declares its variables (a .prompty with inputs)";
    break;
  case FORMAT_MUSTACHE:
    template_parse(a, TEMPLATE_HANDLEBARS, a->body,
                   &(struct template_options){ .any_helper = true });
    a->facts.inputs_hint = "move it into a prompt file whose header "
                           "declares its variables (Dotprompt input.schema)";
    break;
  case FORMAT_POML:
    poml__check(a);
    break;
  case FORMAT_SEMANTIC_KERNEL:
    sk__check(a);
    break;
  case FORMAT_LANGCHAIN:
    formats_parse_document(a, false);
    langchain__check(a);
    break;
  case FORMAT_OPENAI_EVALS:
    formats_parse_document(a, false);
    evals__check(a);
    evalx_openai_registry(a);
    break;
  default:
    break;
  }
}

const struct shape *
other_shape(enum artifact_format format)
{
  if (format == FORMAT_LANGCHAIN)
    return &langchain__shape;
  if (format == FORMAT_SEMANTIC_KERNEL)
    return &sk__shape;
  return NULL;
}
