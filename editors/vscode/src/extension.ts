/*
 * facet for VS Code: starts "facet lsp --stdio" through
 * vscode-languageclient, shows the current file's grade in the status bar,
 * and adds the commands facet: Show Workspace Grades, facet: Restart
 * Server and facet: Show Output.
 *
 * The server logs each line twice, to its stderr and as window/logMessage
 * (server/lsp.c); the language client would put both in one channel. The
 * facet channel gets the log messages, and the server's stderr goes to a
 * channel of its own, "facet server stderr", which also holds what the
 * server writes before it is initialized or when it crashes.
 *
 * Code actions are left to the language client as they come: quick fixes
 * and the crystallise actions (refactor.extract) reach the light bulb and
 * the Refactor menu under the kinds the server declares.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as vscode from 'vscode';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  StreamInfo,
} from 'vscode-languageclient/node';

import { documentSelector } from './selector';
import { findServer } from './server';
import { showWorkspaceGrades, WorkspaceGrades } from './grades';
import { Grade, gradeDialog } from './gradetext';

const CONTENT_MODIFIED = -32801;

/* How long a server asked to stop may take before it is killed. */
const STOP_GRACE_MS = 2000;

let client: LanguageClient | undefined;
let serverProcess: ChildProcess | undefined;
let output: vscode.OutputChannel;
let serverStderr: vscode.OutputChannel;
let status: vscode.StatusBarItem;
let statusAsked = 0;          /* numbers status requests; stale ones lose */
let statusTimer: NodeJS.Timeout | undefined;
/* Why facet is not running, while it is not: the status bar says so on
 * every editor until the server runs, as a toast is easily missed. */
let failure: string | undefined;

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

/*
 * Opens the Settings editor on facet.path where its value comes from: the
 * workspace's settings when they set it, else the user's. In a remote
 * window (code-server, SSH, containers) the server runs on the remote
 * machine, and the local user settings do not show machine settings at
 * all: the remote ones are where a path on that machine goes.
 */
async function openPathSetting() {
  const where = vscode.workspace.getConfiguration('facet').inspect('path');
  const options = { query: '@id:facet.path' };
  let command = 'workbench.action.openSettings';

  if (where?.workspaceValue !== undefined)
    command = 'workbench.action.openWorkspaceSettings';
  else if (vscode.env.remoteName)
    command = 'workbench.action.openRemoteSettings';
  try {
    await vscode.commands.executeCommand(command, options);
  } catch (err) {
    log(`${command}: ${err}`);
    await vscode.commands.executeCommand('workbench.action.openSettings',
                                         options);
  }
}

/* The folder the server starts in, as the language client would choose. */
function serverFolder(): string | undefined {
  const folder = vscode.workspace.workspaceFolders
    ?.find((f) => f.uri.scheme === 'file');

  if (folder && fs.existsSync(folder.uri.fsPath))
    return folder.uri.fsPath;
  return undefined;
}

/*
 * Starts the server as the language client would, but with its stderr in
 * the channel of its own (see the top of this file). The client then sees
 * only the streams, so ending the process is left to stopClient.
 */
function serverStarter(command: string, args: string[]): ServerOptions {
  return () => new Promise<StreamInfo>((resolve, reject) => {
    const child = spawn(command, args, { cwd: serverFolder() });

    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (data: string) => serverStderr.append(data));
    child.once('error', reject);
    child.once('spawn', () => {
      serverProcess = child;
      resolve({ reader: child.stdout, writer: child.stdin });
    });
    child.once('exit', (code, signal) => {
      if (serverProcess === child)
        serverProcess = undefined;
      if (code !== 0)
        log(`the server exited with ${code === null ? `signal ${signal}`
                                                    : `status ${code}`}`);
    });
  });
}

async function startClient(context: vscode.ExtensionContext) {
  const config = vscode.workspace.getConfiguration('facet');
  const found = findServer(config.get<string>('path'),
                           context.extensionPath);

  if ('why' in found) {
    log(found.why);
    showFailure(found.why);
    /* Not awaited: activation, and every facet command with it, would
     * wait for the toast to be closed. */
    void vscode.window.showErrorMessage('facet: ' + found.why,
                                        'Open Settings')
      .then((choice) => choice === 'Open Settings'
            ? openPathSetting() : undefined);
    return;
  }
  log(`starting ${found.path} (from ${found.from})`);

  const args = ['--log-level', config.get<string>('logLevel', 'info'),
                'lsp', '--stdio'];
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
      /* The grade lens runs facet.showGrade, whose answer is a one-line
       * message a toast cuts short: shown in full here instead, as the
       * status bar item shows it. */
      executeCommand: async (command, args, next) => {
        if (command === 'facet.showGrade' && typeof args[0] === 'string' &&
            gradeRequestOffered())
          return showGrade(args[0]);
        return next(command, args);
      },
    },
  };

  const started = new LanguageClient('facet', 'facet',
                                     serverStarter(found.path, args),
                                     clientOptions);
  client = started;
  started.onDidChangeState((e) => {
    if (client !== started)
      return;
    if (e.newState === State.Running) {
      failure = undefined;
      scheduleStatus(0);
    } else if (e.newState === State.Stopped) {
      showFailure('the server stopped (facet: Show Output, and the ' +
                  '"facet server stderr" output, say why)');
    } else if (!failure) {
      status.hide();
    }
  });
  try {
    await started.start();
  } catch (err) {
    const hint = found.from === 'bundled'
      ? ' The bundled facet needs the shared libraries facet is built ' +
        'with (see the README; the "facet server stderr" output names a ' +
        'missing one); set facet.path to a facet built here.'
      : '';
    const why = `${found.path} did not start: ${err}.${hint}`;
    log(`the server did not start: ${err}`);
    showFailure(why);
    void vscode.window.showErrorMessage(`facet: ${why}`);
  }
}

/* Ends child if it has not ended STOP_GRACE_MS after it was asked to. */
async function reap(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null)
    return;
  const ended = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ended) {
    log('the server did not exit when asked: killing it');
    child.kill('SIGKILL');
  }
}

async function stopClient() {
  const old = client;
  const child = serverProcess;

  client = undefined;
  if (!failure)
    status.hide();
  if (old) {
    try {
      await old.stop();
    } catch (err) {
      log(`stopping the server: ${err}`);
    }
    await old.dispose();
  }
  if (child)
    await reap(child);
}

/* The status bar's failure state: an error icon, why in the tooltip, and
 * the output on a click. It stays until the server runs. */
function showFailure(why: string) {
  failure = 'facet: ' + why;
  showStatus('$(error) facet', failure, 'facet.showOutput');
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

  if (failure) {
    showStatus('$(error) facet', failure, 'facet.showOutput');
    return;
  }
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

/* Shows the grade of the document at uri (a protocol URI) in full, in a
 * dialog: a toast would keep only its first line. */
async function showGrade(uri: string) {
  let grade: Grade | null;

  try {
    grade = await client!.sendRequest<Grade | null>('facet/grade',
      { textDocument: { uri } });
  } catch (err) {
    log(`facet/grade: ${err}`);
    void vscode.window.showWarningMessage(`facet: no grade: ${err}`);
    return;
  }
  if (!grade) {
    void vscode.window.showInformationMessage(
      'facet: this file has no grade (the Problems panel says why when ' +
      'facet did not analyse it).');
    return;
  }
  const { message, detail } = gradeDialog(grade);
  await vscode.window.showInformationMessage(message,
                                             { modal: true, detail });
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
  serverStderr = vscode.window.createOutputChannel('facet server stderr');
  status = vscode.window.createStatusBarItem('facet.grade',
    vscode.StatusBarAlignment.Right, 100);
  status.name = 'facet grade';
  context.subscriptions.push(output, serverStderr, status);

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
