/*
 * Picoschema, Dotprompt's compact schema notation, as the JSON Schema
 * Dotprompt makes of it (google/dotprompt js/src/picoschema.ts, whose rules
 * shared/docs/formats.md §2.4 lists), so that instances can be validated
 * against it.
 */
#ifndef FACET_PICOSCHEMA_H
#define FACET_PICOSCHEMA_H

#include <stdbool.h>

struct json_object;
struct node;

/*
 * Whether Dotprompt takes the schema at n as JSON Schema, as is: an
 * object whose type is a JSON Schema type (or any), or whose properties
 * is an object.
 */
bool picoschema_is_json_schema(const struct node *n);

/*
 * The JSON Schema of the Picoschema (or JSON Schema) at n: a new reference
 * the caller puts, or NULL when n is not a schema facet can read (a
 * parenthetical type Dotprompt refuses, say). A name of a schema that code
 * registers is unknown here and becomes {} (anything), and *named is set.
 */
struct json_object *picoschema_to_json(const struct node *n, bool *named);

#endif
