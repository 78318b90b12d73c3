/*
 * An artifact: one prompt, schema, eval or results file, analysed. This is
 * what every analyzer produces and what the server and the CLI read: kind
 * and format, the parsed tree with source ranges, the template variables
 * the body uses, the facts the grade rests on, and the diagnostics.
 */
#ifndef FACET_ARTIFACT_H
#define FACET_ARTIFACT_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "frontmatter.h"
#include "grade.h"
#include "schema.h"
#include "provenance.h"
#include "source.h"

struct evalfile;
struct node;
struct yaml_doc;

enum artifact_kind {
  ARTIFACT_NONE,      /* not an AI artifact facet recognises */
  ARTIFACT_PROMPT,
  ARTIFACT_SCHEMA,
  ARTIFACT_EVAL,
  ARTIFACT_RESULTS,
};

#define ARTIFACT_FORMATS(X)                                                  \
  X(NONE, "none", "not an artifact", NONE)                                   \
  X(PROMPTY, "prompty", "Prompty", PROMPT)                                   \
  X(DOTPROMPT, "dotprompt", "Dotprompt", PROMPT)                             \
  X(GITHUB_MODELS, "github-models", "GitHub Models prompt", PROMPT)          \
  X(VSCODE_PROMPT, "vscode-prompt", "VS Code prompt file", PROMPT)           \
  X(VSCODE_INSTRUCTIONS, "vscode-instructions", "instructions file", PROMPT) \
  X(VSCODE_AGENT, "vscode-agent", "custom agent file", PROMPT)               \
  X(AGENT_SKILL, "agent-skill", "agent skill", PROMPT)                       \
  X(CLAUDE_COMMAND, "claude-command", "Claude Code command", PROMPT)         \
  X(CURSOR_RULE, "cursor-rule", "Cursor rule", PROMPT)                       \
  X(JINJA, "jinja", "Jinja prompt template", PROMPT)                         \
  X(MUSTACHE, "mustache", "Mustache/Handlebars template", PROMPT)            \
  X(LANGCHAIN, "langchain", "LangChain prompt", PROMPT)                      \
  X(SEMANTIC_KERNEL, "semantic-kernel", "Semantic Kernel prompt", PROMPT)    \
  X(POML, "poml", "POML prompt", PROMPT)                                     \
  X(TEXT_PROMPT, "text-prompt", "plain prompt text", PROMPT)                 \
  X(PROMPTFOO, "promptfoo", "promptfoo config", EVAL)                        \
  X(PROMPTFOO_TESTS, "promptfoo-tests", "promptfoo test file", EVAL)         \
  X(OPENAI_EVALS, "openai-evals", "OpenAI evals registry", EVAL)             \
  X(OPENAI_EVALS_SAMPLES, "openai-evals-samples", "OpenAI evals samples",    \
    EVAL)                                                                    \
  X(JSON_SCHEMA, "json-schema", "JSON Schema", SCHEMA)                       \
  X(OPENAI_SCHEMA, "openai-schema", "OpenAI structured-output schema",       \
    SCHEMA)                                                                  \
  X(TOOL_DEFINITIONS, "tool-definitions", "tool definitions (function "      \
    "calling)", SCHEMA)                                                      \
  X(PROMPTFOO_RESULTS, "promptfoo-results", "promptfoo results", RESULTS)    \
  X(GITHUB_MODELS_RESULTS, "github-models-results",                          \
    "gh models eval results", RESULTS)                                       \
  X(JUNIT, "junit", "JUnit XML results", RESULTS)

enum artifact_format {
#define X(id, name, title, kind) FORMAT_##id,
  ARTIFACT_FORMATS(X)
#undef X
  FORMAT__COUNT
};

/* The syntax a file is written in, which decides how it is parsed. */
enum artifact_syntax {
  SYNTAX_TEXT,          /* a template with no structure of its own */
  SYNTAX_FRONTMATTER,   /* YAML frontmatter and a template body */
  SYNTAX_YAML,
  SYNTAX_JSON,
  SYNTAX_XML,
};

/* A variable the template reads from its inputs, e.g. {{ city }}. */
struct template_var {
  const char *name;   /* in the artifact's arena */
  uint32_t len;       /* strlen(name) */
  struct span span;   /* its first use */
  uint32_t uses;      /* how many times the template reads it */
  bool iterated;      /* a loop iterates over it ({% for %}, {{#each}}) */
  bool optional;      /* some use lets it be unset: an {% if %} tests it,
                         or a default filter gives it a value */
  bool fenced_only;   /* every use is inside a Markdown code fence: an
                         example, not an input the header must declare */
  struct span iterated_at;  /* the first place a loop does */
};

/* One place the template reads a variable. */
struct template_use {
  struct span span;   /* the name */
  uint32_t var;       /* index into the artifact's vars */
  bool fenced;        /* inside a Markdown code fence of the body */
};

/* A block of the template, {% if %} ... {% endif %} or {{#each}} ... */
struct template_block {
  struct span open;   /* the opening tag */
  struct span close;  /* the closing tag; empty when it is missing */
  const char *name;   /* "if", "for", "each", ... (static or arena) */
};

/* A place in the header where an input's name is written. */
struct input_site {
  struct span span;   /* the name alone, without quotes */
  uint32_t input;     /* index into the artifact's inputs */
};

/* An input the header declares: a Prompty input, a Dotprompt field, ... */
struct input_decl {
  const char *name;          /* in the arena */
  struct span span;          /* where the name is written */
  const char *type;          /* the declared type, or NULL */
  const char *description;   /* or NULL */
  const struct node *value;  /* a default, sample or example, or NULL */
  const char *where;         /* where it is declared: "inputs", ... */
  bool used_elsewhere;       /* read outside the template (a binding) */
};

/* What the artifact's grade rests on; filled in by its format's checker. */
struct artifact_facts {
  bool empty;             /* the text is blank (a BOM, spaces, lines) */
  bool header;            /* machine-read configuration: frontmatter or YAML */
  bool header_broken;     /* a header is there but does not parse */
  bool inputs_declared;   /* the header declares the template's inputs */
  bool inputs_by_use;     /* the format declares inputs where they are used */
  bool output_schema;     /* the output is pinned by a schema */
  const char *output_schema_where;  /* e.g. "output.schema" */
  unsigned tests;         /* test cases in this file */
  unsigned test_files;    /* files of test cases it names (not read yet) */
  bool assertions;        /* the tests check something */
  bool assertions_inline; /* ... the tests written in this file do */
  const char *tests_where;          /* e.g. "testData and evaluators" */
  const char *inputs_hint;  /* how this format declares inputs */
  const char *schema_hint;  /* how this format pins its output */
  const char *tests_hint;   /* where this format's tests go */
};

/* Settings that change what analysis reports; zeroed means defaults. */
struct analyze_options {
  size_t max_bytes;               /* 0: ANALYZE_MAX_BYTES_DEFAULT */
  size_t file_size;               /* the whole file's size when only part
                                     of it was read; 0: the text's length */
  enum artifact_format format;    /* FORMAT_NONE: detect it */
  bool valid_utf8;                /* the caller vouches for the encoding */
  const char *uri;                /* the file's URI, which relative $refs
                                     resolve against; NULL: from path when
                                     it is absolute */
  enum schema_provider provider;  /* the provider a schema is meant for,
                                     when the file does not say */
  const struct schema_files *schema_files;  /* reads the files $refs name;
                                     NULL: none are read */
  const struct artifact *previous;  /* an analysis of the same document's
                                       earlier text, borrowed for the call,
                                       whose parse may be reused; or NULL */
  struct text_change change;      /* how text differs from previous->text */
  const struct source *lines;     /* for artifact_analyze_shared: the line
                                     index of text, borrowed as text is;
                                     NULL to make one */
  /* The file this one is half of (detect_companion: Semantic Kernel's
   * config.json for its skprompt.txt and back, a POML file's
   * NAME.context.json), borrowed for the call; NULL when there is none. */
  const char *companion;
  size_t companion_len;
};

/* Files larger than this get one diagnostic instead of analysis. */
#define ANALYZE_MAX_BYTES_DEFAULT ((size_t)16 << 20)

struct artifact {
  struct arena arena;        /* owns everything below */
  char *path;                /* as given, for messages */
  const char *text;          /* the analysed text: valid UTF-8 */
  void (*release)(void *);   /* frees borrowed text: see _shared below */
  void *owner;
  struct source src;         /* its line index borrowed when src_borrowed */
  bool src_borrowed;
  enum artifact_kind kind;
  enum artifact_format format;
  enum artifact_syntax syntax;
  bool parsed;               /* the text was parsed into root (maybe NULL) */
  struct frontmatter fm;
  struct node *root;         /* frontmatter or document tree, or NULL */
  struct span body;          /* the template text, if any */
  uint32_t tokens;           /* estimated tokens of what the prompt sends
                                (tokens.h); 0 when it is not a prompt */
  struct template_var *vars;     /* owned arrays, grown with realloc */
  size_t nvars;
  size_t cap_vars;
  struct template_use *uses;
  size_t nuses;
  size_t cap_uses;
  struct template_block *blocks;
  size_t nblocks;
  size_t cap_blocks;
  struct span *binds;            /* names the template binds itself (loop
                                    variables, {% set %}), where written */
  size_t nbinds;
  size_t cap_binds;
  uint8_t dialect;               /* enum template_dialect of its template
                                    (the first parsed), or TEMPLATE_NONE */
  struct input_decl *inputs;     /* what the header declares */
  size_t ninputs;
  size_t cap_inputs;
  struct input_site *sites;      /* every place an input's name is written */
  size_t nsites;                 /* in the header (inputs, sample, ...) */
  size_t cap_sites;
  bool inputs_open;          /* declared where facet cannot list them (a
                                schema named in code): take all as declared */
  const char **elsewhere;    /* inputs another file declares (its
                                companion); owned array of arena names */
  size_t nelsewhere;
  size_t cap_elsewhere;
  const char *elsewhere_where;   /* that file, for messages: "config.json" */
  bool names_nocase;         /* input names match in any case (Semantic
                                Kernel's arguments are case-insensitive) */
  uint32_t companion_reads;  /* names the companion's template reads, for
                                a header whose template is there */
  const char *companion_undeclared;  /* the first of those it does not
                                declare, "{{a}}, {{b}}", or NULL */
  const char *companion;     /* during analysis only: opts's */
  size_t companion_len;
  struct schema_site *schemas;   /* the schemas it holds (schema.h) */
  size_t nschemas;
  size_t cap_schemas;
  char *uri;                 /* what $refs resolve against, or NULL */
  enum schema_provider provider;  /* from the options */
  const struct schema_files *schema_files;  /* borrowed, during analysis
                                               only; then NULL */
  struct provenance *records;    /* what this file records of the prompt
                                    fragments it was crystallised from */
  size_t nrecords;
  size_t cap_records;
  struct artifact_facts facts;
  struct grade grade;
  struct diag_list diags;
  struct evalfile *evals;    /* what it says about evals (evalfile.h): one
                                reference owned, or NULL */
  bool text_replaced;        /* bytes that were not UTF-8 were replaced */
  bool refused;              /* too large or binary: not analysed, so it
                                has no grade (facet check shows none) */
  size_t refused_size;       /* too large: the file's size, else 0 */
  size_t refused_limit;      /* the limit it is over */
  struct yaml_doc *yaml;     /* the whole-document YAML parse, kept for the
                                next analysis to start from, or NULL */
  const struct artifact *previous;  /* during analysis only: opts's */
  struct text_change change;
};

/*
 * Analyses len bytes of text as the file at path (path may be NULL for an
 * unsaved buffer; it only guides detection). The text is copied, and bytes
 * that are not UTF-8 are replaced. Returns a new artifact the caller frees
 * with artifact_free, or NULL when out of memory.
 */
struct artifact *artifact_analyze(const char *path, const char *text,
                                  size_t len,
                                  const struct analyze_options *opts);

/*
 * The same, without copying text when it is valid UTF-8: the artifact
 * borrows it, and artifact_free calls release(owner) once the artifact is
 * done with it. When this returns NULL, release is not called and the
 * text stays the caller's.
 */
struct artifact *artifact_analyze_shared(const char *path, const char *text,
                                         size_t len,
                                         const struct analyze_options *opts,
                                         void (*release)(void *),
                                         void *owner);

void artifact_free(struct artifact *self);

/*
 * Records that a's header declares the input name (len bytes, copied),
 * written at span. Returns the declaration (valid until the next one is
 * added; a repeated name returns the first), or NULL when out of memory.
 */
struct input_decl *artifact_declare_input(struct artifact *a,
                                          const char *name, size_t len,
                                          struct span span);

/* The declaration of the input name, or NULL. */
const struct input_decl *artifact_input(const struct artifact *a,
                                        const char *name);

/* Whether a's header, or its companion's, declares the input name. */
bool artifact_declares(const struct artifact *a, const char *name);

/* Whether the input name is declared in a's companion rather than here. */
bool artifact_declared_elsewhere(const struct artifact *a, const char *name);

/*
 * Records that a's companion file (where, static) declares the input name
 * (len bytes, copied). Returns 0 or FACET_ENOMEM.
 */
int artifact_declare_elsewhere(struct artifact *a, const char *name,
                               size_t len, const char *where);

/* Names and titles of formats and kinds, e.g. "prompty" and "Prompty". */
const char *artifact_format_name(enum artifact_format f);
const char *artifact_format_title(enum artifact_format f);
enum artifact_kind artifact_format_kind(enum artifact_format f);
const char *artifact_kind_name(enum artifact_kind k);

/* The format named name (as artifact_format_name prints it), or -1. */
int artifact_format_by_name(const char *name);

#endif
