/*
 * The file globs of instruction headers: VS Code's applyTo, Claude's paths
 * and Cursor's globs. Each is a string of comma-separated globs (a comma
 * inside {...} or [...] does not separate) or a list of globs, matched
 * against paths relative to the workspace root. A glob that can never
 * match silently turns the instructions off, so each mistake is reported
 * at the glob itself.
 */
#ifndef FACET_GLOBS_H
#define FACET_GLOBS_H

struct artifact;
struct node;

/*
 * Checks value (borrowed), the value of the header key key: empty entries,
 * unbalanced '[' and '{', absolute or './' paths, and backslashes. Values
 * of other types are left to the key table.
 */
void globs_check(struct artifact *a, const char *key,
                 const struct node *value);

#endif
