#include "formats.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "error.h"
#include "template.h"
#include "tokens.h"
#include "tree.h"
#include "ts_tree.h"
#include "yaml_doc.h"

void
formats_check(struct artifact *a)
{
  switch (a->format) {
  case FORMAT_PROMPTY:
    prompty_check(a);
    break;
  case FORMAT_DOTPROMPT:
    dotprompt_check(a);
    break;
  case FORMAT_GITHUB_MODELS:
    github_models_check(a);
    break;
  case FORMAT_VSCODE_PROMPT:
  case FORMAT_VSCODE_INSTRUCTIONS:
  case FORMAT_VSCODE_AGENT:
  case FORMAT_AGENT_SKILL:
  case FORMAT_CLAUDE_COMMAND:
  case FORMAT_CURSOR_RULE:
    vscode_check(a);
    break;
  case FORMAT_PROMPTFOO:
    promptfoo_check(a);
    break;
  case FORMAT_PROMPTFOO_TESTS:
    promptfoo_tests_check(a);
    break;
  case FORMAT_OPENAI_EVALS_SAMPLES:
    openai_samples_check(a);
    break;
  case FORMAT_PROMPTFOO_RESULTS:
  case FORMAT_GITHUB_MODELS_RESULTS:
    results_check(a);
    break;
  case FORMAT_JUNIT:
    junit_check(a);
    break;
  case FORMAT_JSON_SCHEMA:
    json_schema_check(a);
    break;
  case FORMAT_OPENAI_SCHEMA:
    openai_schema_check(a);
    break;
  case FORMAT_TOOL_DEFINITIONS:
    tool_definitions_check(a);
    break;
  default:
    other_check(a);
    break;
  }
  a->tokens = (uint32_t)tokens_prompt(a);
}

const struct shape *
formats_shape(enum artifact_format f)
{
  switch (f) {
  case FORMAT_PROMPTY:
    return &prompty_shape;
  case FORMAT_DOTPROMPT:
    return &dotprompt_shape;
  case FORMAT_GITHUB_MODELS:
    return &github_models_shape;
  case FORMAT_PROMPTFOO:
    return &promptfoo_shape;
  case FORMAT_OPENAI_SCHEMA:
    return openai_schema_shape();
  case FORMAT_LANGCHAIN:
  case FORMAT_SEMANTIC_KERNEL:
    return other_shape(f);
  default:
    return vscode_shape(f);
  }
}

struct span
formats_top(const struct artifact *a)
{
  if (a->fm.present)
    return a->fm.open;
  if (a->root)
    return span_make(a->root->span.start, a->root->span.start);
  return span_make(a->src.bom, a->src.bom);
}

bool
formats_syntax_errors(const struct artifact *a, size_t from)
{
  for (size_t i = from; i < a->diags.count; i++)
    if (a->diags.items[i].code == DIAG_YAML_SYNTAX ||
        a->diags.items[i].code == DIAG_JSON_SYNTAX ||
        a->diags.items[i].code == DIAG_TOO_DEEP)
      return true;
  return false;
}

int
formats_frontmatter(struct artifact *a, enum frontmatter_rules rules)
{
  const struct node *root;
  size_t before = a->diags.count;
  bool broken;
  int rc;

  frontmatter_split(&a->src, rules, &a->fm);
  a->body = a->fm.body;
  a->syntax = SYNTAX_FRONTMATTER;
  if (!a->fm.present)
    return 0;
  rc = yaml_parse(&a->arena, &a->src, a->fm.yaml, &a->diags, &a->root);
  broken = formats_syntax_errors(a, before);
  if (!a->fm.closed) {
    /* The rest of the file is prose read as YAML: its errors and keys
     * would only echo this one. */
    a->diags.count = before;
    a->root = NULL;
    diag_add(&a->diags, DIAG_FRONTMATTER_UNCLOSED, a->fm.open,
             "frontmatter opened here is never closed; add a '%.3s' line "
             "after it", a->text + a->fm.open.start);
    broken = true;
  }
  root = node_resolve(a->root);
  if (root && root->kind != NODE_MAP && !broken &&
      !(root->kind == NODE_SCALAR && root->type == SCALAR_NULL)) {
    diag_add(&a->diags, DIAG_FRONTMATTER_NOT_MAPPING, root->span,
             "frontmatter should be 'key: value' lines, not %s",
             node_type_name(root));
    broken = true;
  }
  if (root && root->kind != NODE_MAP)
    a->root = NULL;
  a->facts.header = a->root != NULL;
  a->facts.header_broken = broken;
  return rc;
}

int
formats_parse_yaml(struct artifact *a)
{
  const struct artifact *prev = a->previous;
  size_t before = a->diags.count;
  int rc = 1;

  a->syntax = SYNTAX_YAML;
  a->parsed = true;
  /* After an edit, only the part of the tree it touched is parsed again
   * when that is possible (yaml_doc.h); the result is the same. */
  if (prev && prev->yaml && !prev->text_replaced)
    rc = yaml_reparse(&a->arena, &a->src, prev->yaml, &prev->src, a->change,
                      &a->diags, &a->root, &a->yaml);
  if (rc == 1)
    rc = yaml_parse_doc(&a->arena, &a->src, &a->diags, &a->root, &a->yaml);
  a->facts.header_broken = formats_syntax_errors(a, before);
  return rc;
}

int
formats_parse_json(struct artifact *a)
{
  size_t before = a->diags.count;
  int rc;

  a->syntax = SYNTAX_JSON;
  a->parsed = true;
  rc = json_parse(&a->arena, &a->src, span_make(0, a->src.len), &a->diags,
                  &a->root);
  a->facts.header_broken = formats_syntax_errors(a, before);
  return rc;
}

static bool
formats__ends(const char *path, const char *suffix)
{
  size_t n = path ? strlen(path) : 0;
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(path + n - m, suffix) == 0;
}

int
formats_parse_document(struct artifact *a, bool json_otherwise)
{
  if (a->parsed)
    return 0;
  if (formats__ends(a->path, ".json"))
    return formats_parse_json(a);
  if (formats__ends(a->path, ".yaml") || formats__ends(a->path, ".yml"))
    return formats_parse_yaml(a);
  return json_otherwise ? formats_parse_json(a) : formats_parse_yaml(a);
}

/* The details a declaration's mapping gives: type, description, value. */
static void
formats__details(struct input_decl *d, const struct node *map)
{
  static const char *const types[] = { "type", "kind" };
  static const char *const values[] = { "default", "sample", "example" };

  for (size_t i = 0; i < 2 && !d->type; i++)
    d->type = node_str(node_get(map, types[i]));
  d->description = node_str(node_get(map, "description"));
  for (size_t i = 0; i < 3 && !d->value; i++)
    d->value = node_get(map, values[i]);
}

/* Picoschema's "type, description" (and "name?(type, description)"). */
static void
formats__picoschema(struct artifact *a, struct input_decl *d,
                    const char *key, const struct node *value)
{
  const char *paren = strchr(key, '(');
  const char *text = node_str(value);
  const char *comma;

  if (paren) {
    size_t n = strcspn(paren + 1, ",)");

    d->type = arena_strndup(&a->arena, paren + 1, n);
  } else if (text) {
    comma = strchr(text, ',');
    d->type = comma ? arena_strndup(&a->arena, text, (size_t)(comma - text))
                    : text;
    d->description = comma ? comma + 1 + strspn(comma + 1, " ") : NULL;
  }
}

/* Declares the input the scalar node n names (a key or a name value),
 * stripping Picoschema's "?" and "(...)", and quotes from the span. */
static struct input_decl *
formats__declare_name(struct artifact *a, const struct node *n)
{
  const char *name = node_str(n);
  size_t len = name ? strcspn(name, "?(") : 0;
  uint32_t at = n ? n->span.start : 0;

  while (len > 0 && name[len - 1] == ' ')
    len--;
  if (len == 0)
    return NULL;
  if (n->flags & NODE_QUOTED)
    at++;
  return artifact_declare_input(a, name, len,
                                span_make(at, at + (uint32_t)len));
}

static void
formats__declare_entry(struct artifact *a, const struct node *key,
                       const struct node *value, unsigned flags,
                       const char *where)
{
  struct input_decl *d = formats__declare_name(a, key);

  value = node_resolve(value);
  if (!d)
    return;
  d->where = d->where ? d->where : where;
  if (flags & DECLARE_VALUES) {
    d->value = d->value ? d->value : value;  /* a default wins a sample */
  } else if (value && value->kind == NODE_MAP) {
    formats__details(d, value);
  } else if (flags & DECLARE_PICOSCHEMA) {
    formats__picoschema(a, d, node_str(key), value);
  } else if (value && value->kind == NODE_SCALAR &&
             value->type != SCALAR_NULL) {
    d->value = value;  /* a scalar is shorthand for a default */
  }
}

void
formats_declare(struct artifact *a, const struct node *n,
                const char *name_key, unsigned flags, const char *where)
{
  n = node_resolve(n);
  if (!n)
    return;
  for (uint32_t i = 0; n->kind == NODE_MAP && i < n->count; i++)
    if (node_str(node_key(n, i)))
      formats__declare_entry(a, node_key(n, i), node_value(n, i), flags,
                             where);
  for (uint32_t i = 0; n->kind == NODE_SEQ && i < n->count; i++) {
    const struct node *item = node_resolve(n->u.items[i]);
    const struct node *name = item && item->kind == NODE_SCALAR ? item
                            : name_key ? node_get(item, name_key) : NULL;
    struct input_decl *d;

    if (!node_str(name))
      continue;
    d = formats__declare_name(a, name);
    if (d && item->kind == NODE_MAP) {
      d->where = d->where ? d->where : where;
      formats__details(d, item);
    } else if (d) {
      d->where = d->where ? d->where : where;
    }
  }
}


/* The declared type's family, by the names formats use for it. */
enum formats_type {
  FTYPE_UNKNOWN,
  FTYPE_STRING,
  FTYPE_INTEGER,
  FTYPE_NUMBER,
  FTYPE_BOOLEAN,
  FTYPE_ARRAY,
  FTYPE_OBJECT,
};

static enum formats_type
formats__type(const char *t)
{
  static const struct { const char *name; enum formats_type type; } map[] = {
    { "string", FTYPE_STRING }, { "str", FTYPE_STRING },
    { "integer", FTYPE_INTEGER }, { "int", FTYPE_INTEGER },
    { "number", FTYPE_NUMBER }, { "float", FTYPE_NUMBER },
    { "boolean", FTYPE_BOOLEAN }, { "bool", FTYPE_BOOLEAN },
    { "array", FTYPE_ARRAY }, { "list", FTYPE_ARRAY },
    { "object", FTYPE_OBJECT },
  };
  size_t n = t ? strcspn(t, " ,") : 0;

  for (size_t i = 0; t && i < sizeof map / sizeof map[0]; i++)
    if (strlen(map[i].name) == n && strncmp(map[i].name, t, n) == 0)
      return map[i].type;
  return FTYPE_UNKNOWN;
}

/* Whether value fits the declared type; unknown types fit anything. */
static bool
formats__fits(enum formats_type type, const struct node *v)
{
  v = node_resolve(v);
  if (!v || type == FTYPE_UNKNOWN ||
      (v->kind == NODE_SCALAR && v->type == SCALAR_NULL))
    return true;
  switch (type) {
  case FTYPE_STRING:
    return v->kind == NODE_SCALAR && v->type == SCALAR_STRING;
  case FTYPE_INTEGER:
    return v->kind == NODE_SCALAR && v->type == SCALAR_INT;
  case FTYPE_NUMBER:
    return v->kind == NODE_SCALAR &&
           (v->type == SCALAR_INT || v->type == SCALAR_FLOAT);
  case FTYPE_BOOLEAN:
    return v->kind == NODE_SCALAR && v->type == SCALAR_BOOL;
  case FTYPE_ARRAY:
    return v->kind == NODE_SEQ;
  case FTYPE_OBJECT:
    return v->kind == NODE_MAP;
  case FTYPE_UNKNOWN:
    break;
  }
  return true;
}

static const char *
formats__article(const char *word)
{
  return word && strchr("aeiouAEIOU", word[0]) && word[0] ? "an" : "a";
}

static void
formats__check_input(struct artifact *a, const struct input_decl *d,
                     unsigned flags)
{
  const struct template_var *v = template_var(a, d->name);
  enum formats_type type = formats__type(d->type);

  if (!v && (flags & VARIABLES_UNUSED) && !d->used_elsewhere)
    diag_add(&a->diags, DIAG_UNUSED_INPUT, d->span,
             "'%s' is declared in %s, but the template never reads it",
             d->name, d->where ? d->where : "the header");
  if (v && v->iterated && type != FTYPE_UNKNOWN && type != FTYPE_ARRAY &&
      type != FTYPE_OBJECT)
    diag_add(&a->diags, DIAG_INPUT_TYPE_MISMATCH, v->iterated_at,
             "'%s' is declared as %s %s, but the template loops over it",
             d->name, formats__article(d->type), d->type);
  if (d->value && !(flags & VARIABLES_VALIDATED) &&
      !formats__fits(type, d->value))
    diag_add(&a->diags, DIAG_SAMPLE_TYPE_MISMATCH, d->value->span,
             "this value of '%s' is %s, but '%s' is declared as %s %s",
             d->name, node_type_name(d->value), d->name,
             formats__article(d->type), d->type);
}

void
formats_check_variables(struct artifact *a, unsigned flags,
                        const char *where)
{
  bool *undeclared;

  for (size_t i = 0; i < a->ninputs; i++)
    formats__check_input(a, &a->inputs[i], flags);
  if (!(flags & VARIABLES_UNDECLARED) || a->inputs_open)
    return;
  undeclared = calloc(a->nvars ? a->nvars : 1, sizeof *undeclared);
  if (!undeclared)
    return;
  for (size_t v = 0; v < a->nvars; v++)
    undeclared[v] = !artifact_declares(a, a->vars[v].name);
  /* A name in a Markdown code fence is taken as part of an example, as
   * tag mistakes there are (docs/diagnostics.md, undeclared-variable). */
  for (size_t i = 0; i < a->nuses; i++)
    if (undeclared[a->uses[i].var] && !a->uses[i].fenced)
      diag_add(&a->diags, DIAG_UNDECLARED_VARIABLE, a->uses[i].span,
               "'%s' is not declared in %s", a->vars[a->uses[i].var].name,
               where);
  free(undeclared);
}

bool
formats_scalar_span(const struct artifact *a, const struct node *v,
                    size_t from, size_t to, struct span *out)
{
  uint32_t start = v->span.start;
  uint32_t end = v->span.end;
  size_t len = v->u.scalar.len;

  *out = v->span;
  if (start < end && (a->text[start] == '"' || a->text[start] == '\'')) {
    start++;
    end--;
  }
  if (end < start || end - start != len || from > to || to > len ||
      memcmp(a->text + start, v->u.scalar.str, len) != 0)
    return false;
  *out = span_make(start + (uint32_t)from, start + (uint32_t)to);
  return true;
}
