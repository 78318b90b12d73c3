/*
 * JSON text as RFC 8259 defines it, checked byte by byte: the first
 * syntax error with the exact bytes at fault and a message a person can
 * act on. json-c and tree-sitter-json each accept things RFC 8259 does
 * not (`1.`, raw tabs in strings, NaN) and refuse things it allows
 * (`1e+2`, a bare number at the end of the text), so neither decides.
 */
#ifndef FACET_JSON_SYNTAX_H
#define FACET_JSON_SYNTAX_H

#include <stdbool.h>
#include <stdint.h>

struct json_syntax_error {
  uint32_t start;          /* the bytes at fault, offsets into the text */
  uint32_t end;
  bool too_deep;           /* nesting passed max_depth; no message */
  char message[200];
};

/*
 * Whether the len bytes at p (not NUL-terminated) are exactly one JSON
 * value with optional whitespace around it. On false, *e says where and
 * why. Arrays and objects nested deeper than max_depth stop the check
 * with e->too_deep set at the bracket that passes it.
 */
bool json_syntax_check(const char *p, uint32_t len, uint32_t max_depth,
                       struct json_syntax_error *e);

/*
 * Parses the len bytes at p into a json-c value (a new reference; *out is
 * NULL for JSON null too). Returns false, with *e filled when e is not
 * NULL, when the text is not RFC 8259 JSON. A bare scalar (`42`, `true`)
 * parses like any other value, with or without a newline after it.
 * Nesting past TREE_DEPTH_MAX is refused; numbers past 64 bits keep
 * their text (as node_to_json makes them).
 */
struct json_object;
bool json_text_parse(const char *p, uint32_t len, struct json_object **out,
                     struct json_syntax_error *e);

#endif
