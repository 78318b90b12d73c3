/*
 * facet: a language server and checker for the files AI systems are made
 * of. This file only dispatches to the commands.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "buf.h"
#include "check.h"
#include "crystallise.h"
#include "log.h"
#include "version.h"
#include "lsp.h"
#include "ts_tree.h"
#include "validate.h"


static void
main__usage(FILE *to)
{
  fputs("usage: facet <command> [options]\n"
        "\n"
        "commands:\n"
        "  check [PATH...]   check prompt, schema and eval files and print\n"
        "                    findings and verifiability grades\n"
        "  crystallise --to schema|eval|code FILE:LINE[-LINE]\n"
        "                    turn a prompt fragment into a schema, an eval\n"
        "                    or a validator; prints a diff (--write applies\n"
        "                    it)\n"
        "  lsp [--stdio]     serve the Language Server Protocol on stdio\n"
        "  validate SCHEMA FILE...\n"
        "                    check JSON and YAML files against a JSON Schema\n"
        "\n"
        "options:\n"
        "  --log-level L     error, warn, info, debug or trace (stderr;\n"
        "                    in lsp mode also the client's log)\n"
        "  --list-formats    list the artifact formats facet recognises\n"
        "  --list-codes      list the diagnostic codes\n"
        "  --version         print the version\n"
        "  --help            print this help\n"
        "\n"
        "facet check --help and docs/ say more.\n", to);
}

static void
main__list_formats(void)
{
  for (int f = 1; f < FORMAT__COUNT; f++)
    printf("%-24s %-8s %s\n", artifact_format_name((enum artifact_format)f),
           artifact_kind_name(artifact_format_kind((enum artifact_format)f)),
           artifact_format_title((enum artifact_format)f));
}

static void
main__list_codes(void)
{
  static const char *const sev[] = { "", "error", "warning", "info", "hint" };

  for (int c = 0; c < DIAG__COUNT; c++) {
    const struct diag_code_info *info = diag_code_info((enum diag_code)c);

    printf("%-24s %-8s %s\n", info->name, sev[info->severity], info->summary);
  }
}

/* Refuses to run with grammars the tree-sitter library cannot load. */
static int
main__check_grammars(void)
{
  struct buf why;
  int rc;

  buf_init(&why, 4096);
  rc = ts_grammars_check(&why);
  if (rc)
    fprintf(stderr, "facet: cannot start: %s", why.data);
  buf_release(&why);
  return rc;
}

/* Consumes leading global options; returns the index of the command. */
static int
main__globals(int argc, char **argv, int *exit_code)
{
  int i = 1;

  for (; i < argc && argv[i][0] == '-'; i++) {
    if (strcmp(argv[i], "--log-level") == 0 && i + 1 < argc) {
      int level = log_level_parse(argv[++i]);

      if (level < 0) {
        fprintf(stderr, "facet: unknown log level '%s'\n", argv[i]);
        *exit_code = 2;
        return -1;
      }
      log_set_level((enum log_level)level);
    } else if (strncmp(argv[i], "--log-level=", 12) == 0) {
      int level = log_level_parse(argv[i] + 12);

      if (level < 0) {
        fprintf(stderr, "facet: unknown log level '%s'\n", argv[i] + 12);
        *exit_code = 2;
        return -1;
      }
      log_set_level((enum log_level)level);
    } else {
      break;
    }
  }
  return i;
}

int
main(int argc, char **argv)
{
  int code = 0;
  int cmd = main__globals(argc, argv, &code);
  const char *c;

  if (cmd < 0)
    return code;
  if (cmd >= argc) {
    main__usage(stderr);
    return 2;
  }
  c = argv[cmd];
  if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0) {
    printf("facet %s\n", FACET_VERSION);
    return 0;
  }
  if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0 ||
      strcmp(c, "help") == 0) {
    main__usage(stdout);
    return 0;
  }
  if (strcmp(c, "--list-formats") == 0) {
    main__list_formats();
    return 0;
  }
  if (strcmp(c, "--list-codes") == 0) {
    main__list_codes();
    return 0;
  }
  if (main__check_grammars())
    return 1;
  /* getopt names the program by argv[0] in its messages: "facet check:
   * unrecognized option", like the commands' own messages. */
  if (strcmp(c, "check") == 0) {
    argv[cmd] = (char *)"facet check";
    return check_main(argc - cmd, argv + cmd);
  }
  if (strcmp(c, "crystallise") == 0 || strcmp(c, "crystallize") == 0) {
    argv[cmd] = (char *)"facet crystallise";
    return crystallise_main(argc - cmd, argv + cmd);
  }
  if (strcmp(c, "validate") == 0) {
    argv[cmd] = (char *)"facet validate";
    return validate_main(argc - cmd, argv + cmd);
  }
  if (strcmp(c, "lsp") == 0 || strcmp(c, "--stdio") == 0) {
    argv[cmd] = (char *)"facet lsp";
    return lsp_main(argc - cmd, argv + cmd);
  }
  fprintf(stderr, "facet: unknown command '%s'\n\n", c);
  main__usage(stderr);
  return 2;
}
