/*
 * Which artifact a file is: by its name first, and by its content where the
 * name is not enough (docs/formats.md, section 9, has the table this
 * follows; docs/detection.md says what facet does with it).
 */
#ifndef FACET_DETECT_H
#define FACET_DETECT_H

#include "artifact.h"

struct node;

/*
 * The format that path's name decides, or FORMAT_NONE. When the name only
 * says which syntax the file is in (a plain .yaml, .json, .md), *syntax is
 * set and the caller sniffs the parsed content with detect_by_content.
 * *syntax is SYNTAX_TEXT when the name says nothing at all.
 */
enum artifact_format detect_by_name(const char *path,
                                    enum artifact_syntax *syntax);

/* The format a parsed YAML or JSON document's content shows, or NONE. */
enum artifact_format detect_by_content(const char *path,
                                       const struct node *root);

/* Longest path detect_companion writes, with its NUL. */
#define DETECT_COMPANION_MAX 4096

/*
 * The path of the file that path is half of, by the tools' naming: a
 * skprompt.txt's config.json and back (Semantic Kernel keeps a function's
 * template and its settings apart), a POML file's NAME.context.json.
 * Writes it to out (size bytes) and returns true; false when path has no
 * such file by name (whether it exists is the caller's to find out).
 */
bool detect_companion(const char *path, char *out, size_t size);

/* Whether the body of a .prompt file reads as Dotprompt. */
int detect_dotprompt(const char *text, size_t len);

#endif
