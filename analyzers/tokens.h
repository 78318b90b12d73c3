/*
 * An estimate of how many tokens a prompt costs, close to what modern BPE
 * tokenizers (OpenAI's cl100k_base and o200k_base) count, without their
 * vocabularies: one pass over the text, with no allocation.
 * docs/tokens.md says how it is computed and how far off it is.
 */
#ifndef FACET_TOKENS_H
#define FACET_TOKENS_H

#include <stddef.h>

struct artifact;

/* The estimated token count of len bytes of UTF-8 text (borrowed). */
size_t tokens_estimate(const char *text, size_t len);

/*
 * Calls fn with each text a's prompt sends, in order: the template body;
 * for a GitHub Models file the content of each message; for LangChain and
 * Semantic Kernel YAML the template strings. Template tags are part of
 * the text, as written. Texts are borrowed from a. Nothing is called for
 * an artifact that is not a prompt.
 */
void tokens_each_text(const struct artifact *a,
                      void (*fn)(const char *text, size_t len, void *ctx),
                      void *ctx);

/* The estimate for all of a's texts; what analysis stores in a->tokens. */
size_t tokens_prompt(const struct artifact *a);

#endif
