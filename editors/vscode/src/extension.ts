/*
 * facet for VS Code: starts "facet lsp --stdio" through
 * vscode-languageclient, shows the current file's grade in the status bar,
 * and adds the commands facet: Show Workspace Grades, facet: Restart
 * Server and facet: Show Output.
 *
 * Code actions are left to the language client as they come: quick fixes
 * and the crystallise actions (refactor.extract) reach the light bulb and
 * the Refactor menu under the kinds the server declares.
 */
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';

import { documentSelector } from './selector';
import { findServer } from './server';
import { showWorkspaceGrades, WorkspaceGrades } from './grades';

/* What facet/grade answers for an artifact (server/session_grades.c). */
interface Grade {
  grade: string;
  title: string;
  next: string | null;
  summary: string;
  markdown: string | null;
}

const CONTENT_MODIFIED = -32801;

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let statusAsked = 0;          /* numbers status requests; stale ones lose */
let statusTimer: NodeJS.Timeout | undefined;

function settings() {
  const config = vscode.workspace.getConfiguration('facet');
  return {
    formats: config.get<Record<string, string>>('formats', {}),
    maxFileBytes: config.get<number | null>('maxFileBytes', null),
    results: config.get<string[]>('results', []),
    schemaProvider: config.get<string | Record<string, string>>(
      'schemaProvider', 'none'),
    inlayHints: config.get<string>('inlayHints', 'auto'),
    crystallise: config.get<Record<string, string | null>>('crystallise', {}),
  };
}

function log(message: string) {
  output.appendLine(`[extension] ${message}`);
}

async function startClient(context: vscode.ExtensionContext) {
  const config = vscode.workspace.getConfiguration('facet');
  const found = findServer(config.get<string>('path'),
                           context.extensionPath);

  if ('why' in found) {
    log(found.why);
    showStatus('$(error) facet', 'facet: ' + found.why, 'facet.showOutput');
    const choice = await vscode.window.showErrorMessage('facet: ' + found.why,
                                                        'Open Settings');
    if (choice === 'Open Settings')
      await vscode.commands.executeCommand('workbench.action.openSettings',
                                           'facet.path');
    return;
  }
  log(`starting ${found.path} (from ${found.from})`);

  const args = ['--log-level', config.get<string>('logLevel', 'info'),
                'lsp', '--stdio'];
  const serverOptions: ServerOptions = {
    run: { command: found.path, args },
    debug: { command: found.path, args },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(settings().formats),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationOptions: { facet: settings() },
    /* Sends didChangeConfiguration with the facet section when it changes;
     * workspace/configuration pulls are answered by the client itself. */
    synchronize: { configurationSection: 'facet' },
    middleware: {
      /* Lenses are asked for again when facet says what other files tell
       * of a file changed (workspace/codeLens/refresh): a grade may have
       * moved without a new diagnostic, so the status bar asks too. */
      provideCodeLenses: (document, token, next) => {
        const active = vscode.window.activeTextEditor?.document.uri;
        if (active && active.toString() === document.uri.toString())
          scheduleStatus();
        return next(document, token);
      },
    },
  };

  client = new LanguageClient('facet', 'facet', serverOptions, clientOptions);
  client.onDidChangeState((e) => {
    if (e.newState === State.Running)
      scheduleStatus(0);
    else
      status.hide();
  });
  try {
    await client.start();
  } catch (err) {
    const hint = found.from === 'bundled'
      ? ' The bundled facet needs the shared libraries facet is built ' +
        'with (see the README); set facet.path to a facet built here.'
      : '';
    log(`the server did not start: ${err}`);
    vscode.window.showErrorMessage(
      `facet: ${found.path} did not start: ${err}.${hint}`);
  }
}

async function stopClient() {
  const old = client;

  client = undefined;
  status.hide();
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      log(`stopping the server: ${err}`);
    }
    await old.dispose();
  }
}

function showStatus(text: string, tooltip: string | vscode.MarkdownString,
                    command?: string | vscode.Command) {
  status.text = text;
  status.tooltip = tooltip;
  status.command = command;
  status.show();
}

function gradeRequestOffered(): boolean {
  const caps = client?.initializeResult?.capabilities;
  return Boolean(caps?.experimental &&
                 (caps.experimental as { gradeRequest?: boolean })
                   .gradeRequest);
}

/* Asks facet for the active file's grade and shows it. */
async function updateStatus() {
  const editor = vscode.window.activeTextEditor;
  const asked = ++statusAsked;

  if (!editor || !client || client.state !== State.Running ||
      !gradeRequestOffered() ||
      vscode.languages.match(client.clientOptions.documentSelector!,
                             editor.document) === 0) {
    status.hide();
    return;
  }
  const uri = client.code2ProtocolConverter.asUri(editor.document.uri);
  let grade: Grade | null;
  try {
    grade = await client.sendRequest<Grade | null>('facet/grade',
      { textDocument: { uri } });
  } catch (err) {
    /* The text changed while facet analysed it: the diagnostics of the
     * new text bring another update. */
    if ((err as { code?: number }).code !== CONTENT_MODIFIED)
      log(`facet/grade: ${err}`);
    return;
  }
  if (asked !== statusAsked)
    return;
  if (!grade) {
    status.hide();
    return;
  }
  const tooltip = new vscode.MarkdownString(grade.markdown ?? grade.summary);
  showStatus(`$(beaker) ${grade.grade}`, tooltip,
             { title: 'Show the grade', command: 'facet.showGrade',
               arguments: [uri] });
}

function scheduleStatus(delay = 100) {
  if (statusTimer)
    clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void updateStatus(), delay);
}

async function workspaceGrades() {
  if (!client || client.state !== State.Running) {
    vscode.window.showWarningMessage('facet: the server is not running.');
    return;
  }
  const folders = (vscode.workspace.workspaceFolders ?? [])
    .filter((f) => f.uri.scheme === 'file');
  if (folders.length === 0) {
    vscode.window.showWarningMessage(
      'facet: open a folder to see the grades of its artifacts.');
    return;
  }
  const answers: WorkspaceGrades[] = [];
  await vscode.window.withProgress({
    location: vscode.ProgressLocation.Window,
    title: 'facet: grading the workspace',
  }, async () => {
    for (const folder of folders) {
      answers.push(await client!.sendRequest(ExecuteCommandRequest.type, {
        command: 'facet.workspaceGrades',
        arguments: [client!.code2ProtocolConverter.asUri(folder.uri)],
      }));
    }
  });
  await showWorkspaceGrades(answers, folders.length > 1);
}

export async function activate(context: vscode.ExtensionContext) {
  output = vscode.window.createOutputChannel('facet');
  status = vscode.window.createStatusBarItem('facet.grade',
    vscode.StatusBarAlignment.Right, 100);
  status.name = 'facet grade';
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand('facet.showWorkspaceGrades',
                                    workspaceGrades),
    vscode.commands.registerCommand('facet.restartServer', async () => {
      await stopClient();
      await startClient(context);
    }),
    vscode.commands.registerCommand('facet.showOutput',
                                    () => output.show(true)),
    vscode.window.onDidChangeActiveTextEditor(() => scheduleStatus(0)),
    vscode.languages.onDidChangeDiagnostics((e) => {
      const active = vscode.window.activeTextEditor?.document.uri;
      if (active && e.uris.some((u) => u.toString() === active.toString()))
        scheduleStatus();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      /* Settings facet reads reach it through the client; these change
       * the process itself, or which files it is sent. */
      if (e.affectsConfiguration('facet.path') ||
          e.affectsConfiguration('facet.logLevel') ||
          e.affectsConfiguration('facet.formats')) {
        await stopClient();
        await startClient(context);
      }
    }),
  );
  await startClient(context);
}

export async function deactivate() {
  await stopClient();
}
