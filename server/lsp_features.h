/*
 * The answers to requests about one document: each reads the document's
 * latest analysis (current by the time it runs) and replies. A feature
 * validates its own params and answers errors itself.
 */
#ifndef FACET_LSP_FEATURES_H
#define FACET_LSP_FEATURES_H

struct artifact;
struct document;
struct json_object;
struct session;

struct feature_request {
  struct session *session;
  struct document *doc;
  const struct artifact *artifact;  /* NULL if analysis failed */
  struct json_object *id;           /* borrowed */
  struct json_object *params;       /* borrowed */
};

typedef void (*feature_fn)(const struct feature_request *r);

void feature_hover(const struct feature_request *r);
void feature_code_lens(const struct feature_request *r);
void feature_code_action(const struct feature_request *r);
void feature_definition(const struct feature_request *r);
void feature_references(const struct feature_request *r);
void feature_prepare_rename(const struct feature_request *r);
void feature_rename(const struct feature_request *r);
void feature_completion(const struct feature_request *r);
void feature_document_symbols(const struct feature_request *r);
void feature_folding_ranges(const struct feature_request *r);
/* What the code lenses say, as hints at the end of their lines. */
void feature_inlay_hints(const struct feature_request *r);
/* facet/grade: the document's grade, or null (session_grades.c). */
void feature_grade(const struct feature_request *r);

#endif
