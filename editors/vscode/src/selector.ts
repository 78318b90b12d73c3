/*
 * Which documents facet is sent. Files whose names facet knows are chosen
 * by pattern, whatever language another extension gave them: a
 * .prompt.yml stays YAML and a *.schema.json stays JSON, so the YAML and
 * JSON extensions keep working on them, and a .prompt.md keeps the
 * language VS Code's chat support gives it. Only .prompty and .prompt,
 * which no built-in language claims, get language ids of their own (the
 * ids the Prompty and Dotprompt extensions use, so either can be
 * installed beside this one). Every other YAML and JSON file is sent too:
 * facet recognises promptfoo configs, schemas and evals by content and
 * stays quiet on files that are none of these.
 */
import type { DocumentFilter } from 'vscode-languageclient/node';

/* facet's names (analyzers/detect.c), as glob patterns. */
export const FILE_PATTERNS = [
  '**/*.prompty',
  '**/*.prompt',
  '**/*.prompt.{yml,yaml}',
  '**/*.{prompt,instructions,agent,chatmode}.md',
  '**/{copilot-instructions,AGENTS,CLAUDE,CLAUDE.local,SKILL}.md',
  '**/.github/agents/*.md',
  '**/.claude/rules/*.md',
  '**/.claude/commands/**/*.md',
  '**/.cursor/rules/*.mdc',
  '**/.cursorrules',
  '**/skprompt.txt',
  '**/*.poml',
  '**/*.{j2,jinja,jinja2}',
  '**/*.{mustache,hbs,handlebars}',
  '**/*.schema.json',
  '**/promptfooconfig.{yaml,yml,json}',
  '**/evals/registry/{evals,modelgraded}/*.{yaml,yml}',
];

/* Languages whose files facet reads whatever their name. */
export const LANGUAGES = ['prompty', 'dotprompt', 'yaml', 'json'];

/*
 * formats is the facet.formats setting: the files its globs match are sent
 * too, or facet would never see them. A glob is matched below any folder,
 * which may send a few files more than facet takes as that format; facet
 * matches the glob itself.
 */
export function documentSelector(formats: Record<string, string> = {})
  : DocumentFilter[] {
  const filters: DocumentFilter[] = [];

  for (const scheme of ['file', 'untitled']) {
    for (const language of LANGUAGES)
      filters.push({ scheme, language });
  }
  for (const pattern of FILE_PATTERNS)
    filters.push({ scheme: 'file', pattern });
  for (const glob of Object.keys(formats))
    filters.push({ scheme: 'file', pattern: '**/' + glob.replace(/^\/+/, '') });
  return filters;
}
