/*
 * What the crystallise files share; not for other modules. The work of
 * one crystal_make is held in a struct crystal: the request, the edit
 * being made, the fragment and what was read from it.
 */
#ifndef FACET_CRYSTAL_INTERNAL_H
#define FACET_CRYSTAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "crystal.h"

struct json_object;
struct node;

/* Limits on what one fragment is read into. A fragment over
 * CRYSTAL_FRAGMENT_MAX is refused, and so is one that makes a text over
 * CRYSTAL_TEXT_MAX: an edit is whole or not made (docs/crystallise.md). */
#define CRYSTAL_FRAGMENT_MAX ((size_t)256 << 10)
#define CRYSTAL_TEXT_MAX ((size_t)1 << 20)   /* bytes of any text made */
#define CRYSTAL_RULES_MAX 32
#define CRYSTAL_SHOTS_MAX 32
#define CRYSTAL_VALUES_MAX 64                /* values of one list */

/* A piece of text: bytes owned by someone else. */
struct crystal_str {
  const char *s;
  size_t n;
};

enum crystal_rule_kind {
  RULE_AVOID,        /* never mention X */
  RULE_INCLUDE,      /* always include "X" */
  RULE_STARTS,       /* start with "X" */
  RULE_ENDS,         /* end with "X" */
  RULE_LENGTH,       /* at most N sentences, words, characters, ... */
  RULE_SINGLE_WORD,  /* answer with one word */
  RULE_ONE_OF,       /* one of: a, b, c */
  RULE_JSON,         /* answer in JSON */
  RULE_XML,          /* answer in well-formed XML */
  RULE_LANGUAGE,     /* answer in French */
  RULE_DATE,         /* dates as YYYY-MM-DD */
  RULE_RANGE,        /* a number from 1 to 5 */
  RULE_DECIMALS,     /* two decimal places */
  RULE_OTHER,        /* a rule no check fits: a rubric quotes it */
};

/* What RULE_LENGTH counts. */
enum crystal_unit {
  UNIT_SENTENCES,
  UNIT_WORDS,
  UNIT_CHARACTERS,
  UNIT_LINES,
  UNIT_PARAGRAPHS,
  UNIT_ITEMS,
};

struct crystal_rule {
  enum crystal_rule_kind kind;
  const char *sentence;       /* the rule as written, one line */
  const char *values[CRYSTAL_VALUES_MAX];  /* literals or allowed values */
  size_t nvalues;
  bool literal;               /* RULE_AVOID: the values are quoted text,
                                 not topics */
  bool whole;                 /* RULE_ONE_OF: the whole answer is one */
  bool boolean;               /* RULE_ONE_OF of a field: 'true' and
                                 'false', which JSON says as a boolean */
  const char *field;          /* the JSON field it constrains, or NULL */
  enum crystal_unit unit;     /* RULE_LENGTH */
  long limit;                 /* RULE_LENGTH, RULE_DECIMALS */
  const char *limit_var;      /* a template variable holding the limit */
  const char *format;         /* RULE_DATE: "YYYY-MM-DD", ... */
  const char *language;       /* RULE_LANGUAGE */
  double min;                 /* RULE_RANGE */
  double max;
  bool integer;               /* RULE_RANGE: whole numbers only */
  bool nullable;              /* the field may be null or left out ("if
                                 any", "optional"): checks let it be */
};

/* Labelled inputs one example may give. */
#define CRYSTAL_SHOT_INPUTS 4

/* A few-shot example: its inputs and the output they should give. */
struct crystal_shot {
  const char *labels[CRYSTAL_SHOT_INPUTS];  /* as written ("Ticket"), or
                                                NULL (an arrow's input) */
  const char *inputs[CRYSTAL_SHOT_INPUTS];
  size_t ninputs;
  const char *output;
};

/* A JSON example read leniently: placeholders are marked strings. */
struct crystal_example {
  struct json_object *value;  /* owned; NULL when there is none */
  bool strict;                /* it is plain JSON, no placeholders */
  struct span span;           /* where it is in the prompt's text */
};

struct crystal {
  const struct crystal_request *req;
  const struct artifact *prompt;
  struct crystal_edit *edit;
  struct arena *arena;        /* the edit's */
  const char *text;           /* the fragment's text, dedented */
  struct span region;         /* the template text holding the fragment */
  const char *name;           /* the prompt's name: "triage" */
  const char *dir;            /* the prompt's folder ("" at the root) */
  struct crystal_example example;
  struct crystal_rule rules[CRYSTAL_RULES_MAX];
  size_t nrules;
  struct crystal_shot shots[CRYSTAL_SHOTS_MAX];
  size_t nshots;
  struct crystal_shot all_shots[CRYSTAL_SHOTS_MAX];  /* the whole prompt's */
  size_t nall_shots;
  struct json_object *fields; /* a schema read from a field list, or NULL */
  const char *declared;       /* where the header declared the fields the
                                 schema starts from ("outputs"), or NULL */
  const char *created[CRYSTAL_FILES_MAX];  /* paths taken in this edit */
  size_t ncreated;
  /* Lines the edit's own changes to the prompt add above the fragment
   * (fewer when negative): records name the lines it will be at. */
  int32_t line_shift;
  const char *tests_dir;      /* the folder of the file tests go in */
  /* The first failure of a text being made (FACET_ELIMIT: it outgrew
   * CRYSTAL_TEXT_MAX), or 0: then the edit is not made. */
  int text_err;
};

/* crystal.c: "line 4" or "lines 4-6", the fragment's, as a person
 * writes them. */
const char *crystal_lines(struct crystal *c);
/* The fragment's text without code fence lines (```xml), for quoting. */
const char *crystal_prose(struct crystal *c);

/* crystal_fragment.c: where the fragment is and what it holds. Finding
 * it returns 0, -1 when there is none, or FACET_ELIMIT when it is over
 * CRYSTAL_FRAGMENT_MAX. */
int crystal_fragment_find(struct crystal *c);
void crystal_fragment_read(struct crystal *c);
/* The template text of the whole prompt: the body, or each .prompt.yml
 * message's content, into out. */
size_t crystal_prompt_texts(struct crystal *c, const char **out, size_t max);
size_t crystal_prompt_rules(struct crystal *c, struct crystal_rule *out,
                            size_t max);
size_t crystal_prompt_shots(struct crystal *c, struct crystal_shot *out,
                            size_t max);
const char *crystal_prompt_example(struct crystal *c);

/* crystal_declared.c: the output schema the prompt's header declares
 * (Prompty outputs, Dotprompt output.schema, .prompt.yml jsonSchema) as
 * JSON Schema, or NULL when it declares none facet can read. *where says
 * where. New reference. */
struct json_object *crystal_declared_output(struct crystal *c,
                                            const char **where);

/* crystal_json.c: JSON examples, read leniently. */
/* Whether a and b are JSON objects with the same keys (values aside):
 * examples of one shape. */
bool crystal_json_same_keys(struct json_object *a, struct json_object *b);

bool crystal_example_find(const char *text, size_t len,
                          struct crystal_example *out);
bool crystal_is_placeholder(struct json_object *v);
void crystal_example_release(struct crystal_example *ex);

/* crystal_fields.c: field lists and what a description says of a type. */
struct json_object *crystal_fields_parse(const char *text, size_t len);
/* Completes an object schema of properties: every one required, no other
 * keys, "x-optional" ones nullable; recurses into objects and lists. */
void crystal_fields_close(struct json_object *obj);
void crystal_describe(struct json_object *schema, const char *spec,
                      size_t n);
/* Reads c->fields into c->rules as the schema reads it: each field's
 * range, values and date format become the rule of that field (a line
 * "score: integer 1-5" no sentence pattern reads), and rules of a field
 * that may be null say so. Code and evals then check what the schema
 * does. */
void crystal_fields_rules(struct crystal *c);

/* crystal_rules.c: rules and few-shot examples in text. */
size_t crystal_rules_parse(struct crystal *c, const char *text, size_t len,
                           struct crystal_rule *out, size_t max);
size_t crystal_shots_parse(struct crystal *c, const char *text, size_t len,
                           struct crystal_shot *out, size_t max);
bool crystal_list_values(const char *s, size_t n, char **out, size_t *count,
                         size_t max);
bool crystal_mentions(const char *text, size_t len, const char *word);

/* crystal_emit.c: JSON and YAML text of json-c values. */
void crystal_emit_json(struct buf *out, struct json_object *v, int indent);
void crystal_emit_yaml(struct buf *out, struct json_object *v, int indent);
void crystal_emit_yaml_item(struct buf *out, struct json_object *v,
                            int indent);
void crystal_emit_yaml_string(struct buf *out, const char *s, size_t n);
void crystal_emit_json_string(struct buf *out, const char *s, size_t n);
/* b's text, kept in the edit's arena; b is released. A text that lost an
 * append (b->err) fails the whole edit (c->text_err). */
char *crystal_buf_keep(struct crystal *c, struct buf *b);
/* Notes b's failure, if any, for a text used without crystal_buf_keep. */
void crystal_buf_check(struct crystal *c, const struct buf *b);

/* crystal_paths.c: paths, names and free file names. */
char *crystal_prompt_name(struct arena *a, const char *path);
char *crystal_ident(struct arena *a, const char *name, bool camel);
const char *crystal_free_path(struct crystal *c, const char *dir,
                              const char *base, const char *ext);
const char *crystal_record(struct crystal *c, const char *from_file);

/* crystal_yaml.c: edits to YAML and JSON documents. */
uint32_t crystal_line_after(const struct artifact *a, uint32_t off);
int crystal_change(struct crystal *c, const char *path, struct span span,
                   const char *text);
int crystal_yaml_append(struct crystal *c, const struct artifact *a,
                        const char *path, const struct node *seq,
                        struct json_object *item, const char *comment);
int crystal_yaml_set(struct crystal *c, const struct artifact *a,
                     const char *path, const struct node *map,
                     const char *key, struct json_object *value,
                     const char *comment);
char *crystal_yaml_entry(struct crystal *c, const char *key,
                         struct json_object *value, int col,
                         const char *comment, bool bare);
int crystal_header_add(struct crystal *c, const char *key,
                       struct json_object *value, const char *before,
                       const char *comment);
int crystal_header_list(struct crystal *c, const char *key,
                        struct json_object *items, const char *comment,
                        const char *before);

/* The actions. */
int crystal_schema(struct crystal *c);
int crystal_eval(struct crystal *c);
int crystal_code(struct crystal *c);

/* crystal_schema.c: the schema a fragment describes, for every action. */
struct json_object *crystal_schema_infer(struct crystal *c, bool *from_text);
struct json_object *crystal_schema_of_example(struct crystal *c,
                                              struct json_object *ex);

#endif
