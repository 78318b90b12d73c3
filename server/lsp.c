#include "lsp.h"

#include <stdio.h>

int
lsp_main(int argc, char **argv)
{
  (void)argc;
  (void)argv;
  fputs("facet lsp: not yet\n", stderr);
  return 1;
}
