/*
 * facet: Show Workspace Grades: every artifact of the workspace in a quick
 * pick, lowest grade first (what most needs work), grouped by grade with
 * the next step of each; picking one opens it.
 */
import * as vscode from 'vscode';

/* What facet.workspaceGrades answers (server/session_grades.c). */
export interface WorkspaceGrades {
  root: string;
  artifacts: {
    path: string;
    uri: string;
    title: string;
    grade: string | null;
    next: string | null;
    errors: number;
    warnings: number;
  }[];
  grades: Record<string, number>;
  truncated: boolean;
}

export const LADDER = ['loose', 'structured', 'schema', 'eval', 'code'];

interface Item extends vscode.QuickPickItem {
  uri?: string;
}

function problems(errors: number, warnings: number): string {
  const parts = [];
  if (errors)
    parts.push(`${errors} error${errors === 1 ? '' : 's'}`);
  if (warnings)
    parts.push(`${warnings} warning${warnings === 1 ? '' : 's'}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/* The quick pick's items; folder names prefix paths in multi-root
 * workspaces. Exported for the tests. */
export function gradeItems(answers: WorkspaceGrades[],
                           multiRoot: boolean): Item[] {
  const items: Item[] = [];

  for (const grade of LADDER) {
    const rows = answers.flatMap((a) => a.artifacts
      .filter((f) => f.grade === grade)
      .map((f) => ({ f, folder: a.root.split('/').pop() ?? a.root })));
    if (rows.length === 0)
      continue;
    items.push({ label: `${grade} (${rows.length})`,
                 kind: vscode.QuickPickItemKind.Separator });
    for (const { f, folder } of rows) {
      items.push({
        label: multiRoot ? `${folder}/${f.path}` : f.path,
        description: f.title + problems(f.errors, f.warnings),
        detail: f.next ? `next: ${f.next}` : 'at the top of the ladder',
        uri: f.uri,
      });
    }
  }
  return items;
}

export async function showWorkspaceGrades(answers: WorkspaceGrades[],
                                          multiRoot: boolean) {
  const totals = LADDER.map((g) =>
    `${g} ${answers.reduce((n, a) => n + (a.grades[g] ?? 0), 0)}`);
  const items = gradeItems(answers, multiRoot);
  const truncated = answers.some((a) => a.truncated)
    ? ' (the list stops at its limit)' : '';

  if (items.length === 0) {
    vscode.window.showInformationMessage(
      'facet: no artifact in the workspace is graded.');
    return;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: `facet: workspace grades: ${totals.join(', ')}${truncated}`,
    placeHolder: 'Open an artifact',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (picked?.uri)
    await vscode.window.showTextDocument(vscode.Uri.parse(picked.uri));
}
