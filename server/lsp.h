/* facet lsp: the Language Server Protocol over stdio. */
#ifndef FACET_LSP_H
#define FACET_LSP_H

/* Runs the server until the client says exit or goes away. Returns the
 * process exit code (0 after shutdown then exit, 1 otherwise). */
int lsp_main(int argc, char **argv);

#endif
