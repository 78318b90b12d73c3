/*
 * The grade in full as plain text, for the dialog the status bar item and
 * the grade lens open: VS Code's messages show no Markdown, and a toast
 * keeps only its first line, cut at "…". Kept apart from the extension
 * so that the unit tests can run it without VS Code.
 */

/* What facet/grade answers for an artifact (server/session_grades.c). */
export interface Grade {
  grade: string;
  title: string;
  next: string | null;
  summary: string;
  reasons?: string[];
  markdown: string | null;
}

/* The Markdown facet writes in a grade (server/lspconv.c, lsp_links.c)
 * as it reads without its marks: bold and code spans lose their marks,
 * a link keeps its text (a file's name). */
function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*([^*]*)\*\*/g, '$1')
    .replace(/`([^`]*)`/g, '$1');
}

/*
 * The dialog's message (the hover's first line: "facet · Prompty · grade
 * structured") and its detail (the ladder, the size, why, what other
 * files say, the next step), from the hover's Markdown; from the other
 * fields when the server sent none.
 */
export function gradeDialog(grade: Grade): { message: string;
                                               detail: string } {
  if (grade.markdown) {
    const text = plain(grade.markdown).trim();
    const end = text.indexOf('\n');

    if (end < 0)
      return { message: text, detail: '' };
    return { message: text.slice(0, end).trim(),
             detail: text.slice(end + 1).trim() };
  }
  const why = (grade.reasons ?? []).map((r) => `- ${r}`).join('\n');
  return {
    message: `facet \u00b7 ${grade.title} \u00b7 grade ${grade.grade}`,
    detail: [why && `Why:\n${why}`, grade.next && `Next step: ${grade.next}`]
      .filter(Boolean).join('\n\n'),
  };
}
