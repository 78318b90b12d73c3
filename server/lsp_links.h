/*
 * Navigation across files, through the workspace index: from a prompt's
 * variable to the test vars that set it and back, from a file reference
 * in an eval config to the file, from a prompt's first line to every test
 * that exercises it, and a rename of a variable that reaches the tests
 * setting it. Locations in files that are not open are placed by reading
 * the file's text from disk.
 */
#ifndef FACET_LSP_LINKS_H
#define FACET_LSP_LINKS_H

#include <stdbool.h>
#include <stdint.h>

struct feature_request;
struct json_object;

/*
 * Each returns true after replying when the position is something the
 * index links (a variable a test sets, a test's variable, a file
 * reference, a prompt's first line), and false, without replying, when
 * it is not: the single-file answer then stands.
 */
bool links_definition(const struct feature_request *r, uint32_t off);
bool links_references(const struct feature_request *r, uint32_t off,
                      bool with_decl);
bool links_rename(const struct feature_request *r, uint32_t off,
                  const char *name);
bool links_prepare_rename(const struct feature_request *r, uint32_t off);

/* The name of the test variable whose key is at off, or NULL. */
const char *links_var_name_at(const struct feature_request *r, uint32_t off);

/* The code lenses the index adds for the document (appended to list). */
void links_code_lenses(const struct feature_request *r,
                       struct json_object *list);

/* The hover of a test at off, or NULL. New reference. */
struct json_object *links_test_hover(const struct feature_request *r,
                                     uint32_t off);

/* What the grade hover adds: the evals that exercise the prompt, with
 * links to them and to its schema; NULL when there are none. The caller
 * frees it. */
char *links_grade_evidence(const struct feature_request *r);

/* The path of the request's document as the index names it, into out
 * (PATHGLOB_PATH_MAX bytes); false when it has none or the index does not
 * hold its current analysis. */
bool links_path(const struct feature_request *r, char *out);

#endif
