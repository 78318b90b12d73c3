/*
 * libFuzzer target: the JSON Schema validator. The input is a schema, a
 * blank line, and an instance, both JSON (no blank line: the schema
 * validates itself). Compiling must not crash; the quick walk's verdict,
 * when it gives one, js_valid's and js_validate's must all be the walk
 * that says why's; and every error must carry its paths and message.
 */
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jsonschema.h"
#include "jsonschema_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The JSON value of the len bytes at text into *out (NULL: JSON null);
 * false when they are not JSON. */
static bool
fuzz__parse(const char *text, size_t len, struct json_object **out)
{
  struct json_tokener *tok = json_tokener_new_ex(64);
  bool ok;

  *out = NULL;
  if (!tok)
    return false;
  *out = json_tokener_parse_ex(tok, text, (int)len);
  ok = json_tokener_get_error(tok) == json_tokener_success;
  if (!ok) {
    json_object_put(*out);
    *out = NULL;
  }
  json_tokener_free(tok);
  return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  const char *blank = memmem(text, size, "\n\n", 2);
  size_t schema_len = blank ? (size_t)(blank - text) : size;
  struct js_options opts = { .format_assert = size % 2 == 0 };
  struct json_object *schema = NULL, *inst = NULL;
  struct js_schema *s = NULL;
  struct jsv_scratch scratch = { 0 };
  struct js_result result;
  enum jsq_verdict quick;
  bool valid;

  if (size > 1 << 16)
    return 0;
  if (!fuzz__parse(text, schema_len, &schema))
    goto out;
  if (!blank)
    inst = json_object_get(schema);
  else if (!fuzz__parse(blank + 2, size - schema_len - 2, &inst))
    goto out;
  if (js_schema_compile(schema, &opts, &s) != 0 || !s)
    goto out;
  valid = jsv_walk_valid(s, inst);
  quick = jsq_valid(s, inst, &scratch);
  if (quick != JSQ_UNKNOWN && (quick == JSQ_VALID) != valid)
    __builtin_trap();
  if (js_valid(s, inst) != valid)
    __builtin_trap();
  js_result_init(&result);
  if (js_validate(s, inst, &result) == 0) {
    if ((result.count == 0) != valid)
      __builtin_trap();
    for (size_t i = 0; i < result.count; i++)
      if (!result.errors[i].instance_path ||
          !result.errors[i].schema_path || !result.errors[i].message)
        __builtin_trap();
  }
  js_result_release(&result);
out:
  jsv_scratch_release(&scratch);
  js_schema_free(s);
  json_object_put(schema);
  json_object_put(inst);
  return 0;
}
