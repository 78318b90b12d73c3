/*
 * facet check: the analysis of the editor, for terminals and CI. It walks
 * files and folders, prints findings like a compiler, then each artifact's
 * grade and the totals.
 */
#ifndef FACET_CHECK_H
#define FACET_CHECK_H

/* Runs "facet check" with its arguments (argv[0] is "check"). Returns the
 * process exit code: 0 clean, 1 errors found, 2 usage error. */
int check_main(int argc, char **argv);

#endif
