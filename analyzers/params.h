/*
 * Model settings that prompt headers pass to a model API: temperature,
 * top-p and top-k, token limits, penalties and stop sequences, under the
 * names each format uses (maxTokens, max_tokens, maxOutputTokens, ...).
 * The APIs refuse values outside their ranges, so a wrong one fails the
 * call at run time; this finds it in the file instead.
 */
#ifndef FACET_PARAMS_H
#define FACET_PARAMS_H

#include <stdbool.h>

struct diag_list;
struct node;
struct shape;

enum params_flag {
  PARAMS_ANTHROPIC = 1 << 0,  /* Anthropic's API: temperature 0 to 1 */
};

/*
 * Checks the settings in map (borrowed; anything but a mapping is
 * ignored). typed is the key table that already checked the types of
 * map's values, or NULL; keys it lists are range-checked only, others
 * are type-checked too. Unknown keys are left alone.
 */
void params_check(const struct node *map, const struct shape *typed,
                  unsigned flags, struct diag_list *diags);

/* Whether a model or provider name (may be NULL) means Anthropic's API. */
bool params_anthropic(const char *name);

#endif
