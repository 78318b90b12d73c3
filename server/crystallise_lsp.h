/*
 * Crystallise in the editor: the refactor.extract code actions, the
 * facet.crystallise command that applies one for clients without file
 * creation in edits, and what a prompt shows of its crystallised
 * fragments (code lenses at each fragment, a hint where one changed, and
 * the links in its grade).
 *
 * How an action reaches the files (docs/crystallise.md):
 * - a client that advertises workspace.workspaceEdit.documentChanges and
 *   "create" in resourceOperations gets one WorkspaceEdit: CreateFile
 *   (never overwriting) and the text edits;
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
struct grade_links;
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

/* workspace/executeCommand for facet.crystallise and facet.openArtifact;
 * false when command is neither. */
bool crystallise_execute(struct session *s, struct json_object *id,
                         const char *command, struct json_object *params);

/* A response to a request the crystallise code sent (applyEdit); false
 * when msg answers something else. */
bool crystallise_response(struct session *s, struct jsonrpc_message *msg);

/* Regrades doc's fresh analysis with the links other files make to it. */
void crystallise_regrade(struct session *s, struct document *doc);

/*
 * Adds to links what crystallised files record of doc's prompt: a schema,
 * tests (unless links already counts tests from the index), code. Returns
 * whether doc is a prompt such links count for.
 */
bool crystallise_add_links(struct session *s, struct document *doc,
                           struct grade_links *links);

/* The hint diagnostics of doc's changed fragments, appended to list. */
void crystallise_diagnostics(struct session *s, struct document *doc,
                             struct json_object *list);

/* The code lenses of doc's crystallised fragments, appended to lenses. */
void crystallise_code_lenses(struct session *s, struct document *doc,
                             struct json_object *lenses);

/* Notes that doc opened, changed or closed: a schema, eval or code file
 * may have gained or lost a record, so links are looked up again. */
void crystallise_touched(struct session *s, struct document *doc);

/* Grades the open prompts again if a linked file changed since they were
 * graded; called before a code lens or hover shows a grade. */
void crystallise_settle(struct session *s);

/* Files on disk changed (workspace/didChangeWatchedFiles). */
void crystallise_files_changed(struct session *s);

#endif
