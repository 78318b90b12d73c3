/*
 * facet validate: JSON Schema validation of JSON and YAML files, for
 * terminals and CI, with every error at its line and column.
 */
#ifndef FACET_VALIDATE_H
#define FACET_VALIDATE_H

/* Runs "facet validate" with its arguments (argv[0] is "validate").
 * Returns the process exit code: 0 all valid, 1 something invalid (or a
 * problem in the schema), 2 usage error or unreadable schema. */
int validate_main(int argc, char **argv);

#endif
