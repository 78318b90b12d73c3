/*
 * What crystallise needs to know of a workspace beyond the workspace
 * index: which promptfoo config the index says runs a prompt (its evals
 * go there), which language the workspace's code is in, where its schemas
 * live, and paths relative to its root. What crystallised files record of
 * a prompt is in the index too (evalgraph_records_of_prompt).
 */
#ifndef FACET_CRYSTALLISE_H
#define FACET_CRYSTALLISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crystal.h"
#include "evalgraph.h"
#include "provenance.h"

/* Bytes of a file crystallise reads at most (package.json). */
#define CRYSTALLISE_READ_MAX ((size_t)1 << 20)

/*
 * The promptfoo config of graph that runs the prompt at path (as the
 * graph names it): the nearest to it when several do. NULL when none
 * does; borrowed from the graph.
 */
const char *crystallise_config_of(const struct evalgraph *graph,
                                  const char *prompt);

/*
 * The file (as graph names it) that already holds what target makes of
 * the fragment hashed to hash in the prompt at path: a schema, tests or
 * an evaluator, or a validator whose record names that fragment. NULL
 * when none does; borrowed from the graph. Crystallising it again would
 * make the same again beside it (reply-2.schema.json, the same tests
 * twice), so facet does not offer it.
 */
const char *crystallise_made_already(const struct evalgraph *graph,
                                     const char *prompt,
                                     enum crystal_target target,
                                     uint64_t hash);

/* Schemas crystallise links the prompt to, at most. */
#define CRYSTALLISE_SCHEMAS_MAX 16

/*
 * The schemas crystallised from the prompt at path (as graph names it)
 * whose fragment is still in src, the prompt's text: where it is now, the
 * file relative to root, its text as read(ctx, ...) gives it. Into out (at
 * most max); returns how many. Free with crystallise_schema_links_free.
 */
size_t crystallise_schema_links(const struct evalgraph *graph,
                                const char *prompt, const struct source *src,
                                const char *root,
                                int (*read)(void *ctx, const char *path,
                                            char **text, size_t *len),
                                void *ctx, struct crystal_schema_link *out,
                                size_t max);
void crystallise_schema_links_free(struct crystal_schema_link *links,
                                   size_t n);

/* The workspace's language for code, from its files: tsconfig.json, then
 * Python's project files, then package.json; Python otherwise. */
enum crystal_lang crystallise_language(const char *root);

/* The TypeScript test runner package.json names. */
enum crystal_runner crystallise_runner(const char *root);

/*
 * The schema folder nearest the prompt: a schemas/ (or schema/) folder in
 * the prompt's folder or one above it, up to the root; relative to the
 * root, a new string. NULL when there is none: schemas then go next to
 * their prompt.
 */
char *crystallise_schema_dir(const char *root, const char *prompt);

/* path relative to root (both absolute, cleaned), or NULL when path is
 * not under root. New string. */
char *crystallise_relative(const char *root, const char *path);

/* Runs "facet crystallise" (argv[0] is its name); returns the exit code:
 * 0 made, 1 nothing to make or a write failed, 2 a usage error. */
int crystallise_main(int argc, char **argv);

#endif
