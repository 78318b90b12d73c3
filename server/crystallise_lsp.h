/*
 * Crystallise in the editor: the refactor.extract code actions, the
 * facet.crystallise command that applies one for clients without file
 * creation in edits, and what a prompt shows of its crystallised
 * fragments: a code lens at each fragment, with the eval status of its
 * tests, and a hint where one changed. What crystallised files record of
 * a prompt comes from the workspace index (evalgraph_records_of_prompt),
 * which also counts it in the prompt's grade (evalgraph_grade_links).
 *
 * How an action reaches the files (docs/crystallise.md):
 * - a client that advertises workspace.workspaceEdit.documentChanges and
 *   "create" in resourceOperations gets one WorkspaceEdit: CreateFile
 *   (never overwriting) and the text edits; when it also resolves "edit"
 *   (codeAction/resolve), the edit is made only for the action chosen;
 * - any other client gets the command. When the user runs it, the server
 *   creates the new files itself (only where no file is: O_EXCL), then
 *   asks the client to apply the text edits through workspace/applyEdit,
 *   and deletes the files it created if the client refuses. A client
 *   without applyEdit is told, in a message, to run facet crystallise.
 */
#ifndef FACET_CRYSTALLISE_LSP_H
#define FACET_CRYSTALLISE_LSP_H

#include <stdbool.h>

#include "source.h"

struct document;
struct json_object;
struct jsonrpc_message;
struct session;

struct crystallise_state;

/* A new state, or NULL when out of memory; freed with _free. */
struct crystallise_state *crystallise_state_new(void);
void crystallise_state_free(struct crystallise_state *self);

/* Reads what the client can do from initialize's capabilities. */
void crystallise_client(struct crystallise_state *self,
                        struct json_object *caps);

/* Applies the facet.crystallise settings (language, schemaFolder,
 * schemaName, codeFolder); facet is the "facet" section. */
void crystallise_settings(struct crystallise_state *self,
                          struct json_object *facet);

/* The crystallise actions for span of doc's latest analysis, appended
 * to actions (a CodeAction[]). */
void crystallise_code_actions(struct session *s, struct document *doc,
                              struct span span, struct json_object *actions);

/*
 * codeAction/resolve of a crystallise action offered without its edit
 * (to a client that resolves "edit" and creates files): replies with the
 * action and its WorkspaceEdit, made again for the document as it is
 * (an error when it changed since), and keeps what the action's
 * argument-free facet.crystallised command then shows and reads. False,
 * with nothing replied, when action is none of facet's.
 */
bool crystallise_resolve(struct session *s, struct json_object *id,
                         struct json_object *action);

/* workspace/executeCommand for facet.crystallise, facet.crystallised and
 * facet.openArtifact; false when command is none of them. */
bool crystallise_execute(struct session *s, struct json_object *id,
                         const char *command, struct json_object *params);

/* A response to a request the crystallise code sent (applyEdit); false
 * when msg answers something else. */
bool crystallise_response(struct session *s, struct jsonrpc_message *msg);

/* The hint diagnostics of doc's changed fragments, appended to list. */
void crystallise_diagnostics(struct session *s, struct document *doc,
                             struct json_object *list);

/* The code lenses of doc's crystallised fragments, appended to lenses. */
void crystallise_code_lenses(struct session *s, struct document *doc,
                             struct json_object *lenses);

#endif
