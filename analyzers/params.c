#include "params.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "shape.h"
#include "tree.h"

enum params__kind {
  PARAMS__TEMPERATURE,
  PARAMS__PROBABILITY,  /* a probability mass: 0 to 1 */
  PARAMS__COUNT,        /* a positive integer */
  PARAMS__PENALTY,      /* OpenAI-style penalties: -2 to 2 */
  PARAMS__STOP,         /* a string or a list of strings */
};

/* Each name a format uses for a setting; one table for all formats, since
 * the ranges belong to the model APIs, not to the file formats. */
static const struct {
  const char *name;
  enum params__kind kind;
} params__names[] = {
  { "temperature", PARAMS__TEMPERATURE },
  { "topP", PARAMS__PROBABILITY },
  { "top_p", PARAMS__PROBABILITY },
  { "topK", PARAMS__COUNT },
  { "top_k", PARAMS__COUNT },
  { "maxTokens", PARAMS__COUNT },
  { "max_tokens", PARAMS__COUNT },
  { "maxOutputTokens", PARAMS__COUNT },
  { "max_output_tokens", PARAMS__COUNT },
  { "max_completion_tokens", PARAMS__COUNT },
  { "presencePenalty", PARAMS__PENALTY },
  { "presence_penalty", PARAMS__PENALTY },
  { "frequencyPenalty", PARAMS__PENALTY },
  { "frequency_penalty", PARAMS__PENALTY },
  { "stop", PARAMS__STOP },
  { "stopSequences", PARAMS__STOP },
  { "stop_sequences", PARAMS__STOP },
};

bool
params_anthropic(const char *name)
{
  return name && (strcasestr(name, "anthropic") || strcasestr(name, "claude"));
}

/* The value of a number scalar, as YAML 1.2's core schema reads it. */
static bool
params__number(const struct node *v, double *out)
{
  const char *s = node_str(v);
  char *end;

  if (!s || v->kind != NODE_SCALAR ||
      (v->type != SCALAR_INT && v->type != SCALAR_FLOAT))
    return false;
  if (strstr(s, ".inf") || strstr(s, ".Inf") || strstr(s, ".INF")) {
    *out = s[0] == '-' ? -INFINITY : INFINITY;
    return true;
  }
  if (s[0] == '0' && s[1] == 'o') {
    *out = (double)strtoll(s + 2, &end, 8);
    return *end == '\0';
  }
  *out = strtod(s, &end);
  return *end == '\0';
}

/* Whether v is a value the loader replaces before the API sees it. */
static bool
params__reference(const struct node *v)
{
  const char *s = node_str(v);

  return s && v->type == SCALAR_STRING && strncmp(s, "${", 2) == 0;
}

/* Untyped keys: the type each kind needs, as shape_check would report. */
static bool
params__check_type(const char *key, enum params__kind kind,
                   const struct node *value, struct diag_list *diags)
{
  const struct node *v = node_resolve(value);
  bool number = v->kind == NODE_SCALAR &&
                (v->type == SCALAR_FLOAT || v->type == SCALAR_INT);
  bool ok = kind == PARAMS__COUNT
              ? v->kind == NODE_SCALAR && v->type == SCALAR_INT
              : number;

  if (kind == PARAMS__STOP)
    ok = v->kind == NODE_SEQ ||
         (v->kind == NODE_SCALAR && v->type == SCALAR_STRING);
  if (ok || params__reference(v) ||
      (v->kind == NODE_SCALAR && v->type == SCALAR_NULL))
    return ok;
  diag_add(diags, DIAG_WRONG_TYPE, value->span, "'%s' should be %s, not %s",
           key, kind == PARAMS__STOP ? "a string or a list of strings"
                : kind == PARAMS__COUNT ? "an integer" : "a number",
           node_type_name(v));
  return false;
}

static void
params__check_stop(const struct node *v, struct diag_list *diags)
{
  for (uint32_t i = 0; v->kind == NODE_SEQ && i < v->count; i++) {
    const struct node *item = node_resolve(v->u.items[i]);

    if (item && (item->kind != NODE_SCALAR || item->type != SCALAR_STRING))
      diag_add(diags, DIAG_WRONG_TYPE, v->u.items[i]->span,
               "each stop sequence should be a string, not %s",
               node_type_name(item));
  }
}

static void
params__check_range(const char *key, enum params__kind kind,
                    const struct node *v, unsigned flags,
                    struct diag_list *diags)
{
  const char *text = node_str(v);
  double x;

  if (!params__number(v, &x))
    return;
  if (kind == PARAMS__TEMPERATURE && (flags & PARAMS_ANTHROPIC) &&
      !(x >= 0 && x <= 1))
    diag_add(diags, DIAG_OUT_OF_RANGE, v->span, "%s %s is out of range: "
             "Anthropic's API takes 0 to 1", key, text);
  else if (kind == PARAMS__TEMPERATURE && !(x >= 0 && x <= 2))
    diag_add(diags, DIAG_OUT_OF_RANGE, v->span, "%s %s is out of range: "
             "model APIs take 0 to 2", key, text);
  else if (kind == PARAMS__PROBABILITY && !(x >= 0 && x <= 1))
    diag_add(diags, DIAG_OUT_OF_RANGE, v->span, "%s %s is out of range: "
             "it is a probability, 0 to 1", key, text);
  else if (kind == PARAMS__PENALTY && !(x >= -2 && x <= 2))
    diag_add(diags, DIAG_OUT_OF_RANGE, v->span, "%s %s is out of range: "
             "penalties go from -2 to 2", key, text);
  else if (kind == PARAMS__COUNT && !(x >= 1))
    diag_add(diags, DIAG_OUT_OF_RANGE, v->span, "%s should be a positive "
             "integer, not %s", key, text);
}

static void
params__check_one(const char *key, const struct node *value,
                  const struct shape *typed, unsigned flags,
                  struct diag_list *diags)
{
  const struct node *v = node_resolve(value);

  if (!v || (v->flags & NODE_PARTIAL))
    return;
  for (size_t i = 0; i < sizeof params__names / sizeof params__names[0];
       i++) {
    enum params__kind kind = params__names[i].kind;

    if (strcmp(params__names[i].name, key) != 0)
      continue;
    if (!(typed && shape_field(typed, key)) &&
        !params__check_type(key, kind, value, diags))
      return;
    if (kind == PARAMS__STOP)
      params__check_stop(v, diags);
    else
      params__check_range(key, kind, v, flags, diags);
    return;
  }
}

void
params_check(const struct node *map, const struct shape *typed,
             unsigned flags, struct diag_list *diags)
{
  map = node_resolve(map);
  if (!map || map->kind != NODE_MAP)
    return;
  for (uint32_t i = 0; i < map->count; i++) {
    const char *key = node_str(node_key(map, i));

    if (key)
      params__check_one(key, node_value(map, i), typed, flags, diags);
  }
}
