/*
 * libFuzzer target: the JSON Schema validator. The input is a schema and
 * an instance, both JSON, split at the first NUL byte (no NUL: the input
 * is a schema that validates itself). Compilation must never fail but for
 * memory, and every error must carry its paths and message; the boolean
 * path (js_valid) must agree with the full one.
 */
#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jsonschema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct json_object *
fuzz__parse(const char *s, size_t n)
{
  struct json_tokener *tok = json_tokener_new_ex(64);
  struct json_object *obj;

  if (!tok)
    return NULL;
  obj = json_tokener_parse_ex(tok, s, (int)n);
  if (json_tokener_get_error(tok) != json_tokener_success) {
    json_object_put(obj);
    obj = NULL;
  }
  json_tokener_free(tok);
  return obj;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *s = (const char *)data;
  const char *nul = memchr(s, '\0', size);
  size_t schema_len = nul ? (size_t)(nul - s) : size;
  struct json_object *schema = fuzz__parse(s, schema_len);
  struct json_object *instance;
  struct js_schema *compiled = NULL;
  struct js_result result;

  if (!schema)
    return 0;
  instance = nul ? fuzz__parse(nul + 1, size - schema_len - 1)
                 : json_object_get(schema);
  if (js_schema_compile(schema, NULL, &compiled) == 0 && compiled) {
    js_result_init(&result);
    if (js_validate(compiled, instance, &result) == 0) {
      for (size_t i = 0; i < result.count; i++)
        if (!result.errors[i].instance_path ||
            !result.errors[i].schema_path || !result.errors[i].message)
          __builtin_trap();
      if ((result.count == 0) != js_valid(compiled, instance))
        __builtin_trap();
    }
    js_result_release(&result);
    js_schema_free(compiled);
  }
  json_object_put(instance);
  json_object_put(schema);
  return 0;
}
