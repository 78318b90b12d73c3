/*
 * The extension's logic that needs no VS Code: where the server binary is
 * found, which files the document selector sends to facet, and the text
 * of the grade dialog. Run by unit (node's test runner, on the TypeScript
 * bundled by esbuild).
 *
 *   FACET_UNIT_BUNDLE  the bundle of src/server.ts, src/selector.ts and
 *                      src/gradetext.ts
 *   FACET_UNIT_BIN     the facet binary (for facet check)
 *   FACET_UNIT_ROOT    the repository
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync }
  from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const require = createRequire(import.meta.url);
const { findServer, documentSelector, gradeDialog } =
  require(process.env.FACET_UNIT_BUNDLE);
const { minimatch } = require(join(process.env.FACET_UNIT_ROOT,
                                   'editors/vscode/node_modules/minimatch'));

const dir = mkdtempSync(join(tmpdir(), 'facet-vscode-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function executable(path) {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, 0o755);
  return path;
}

/* Runs fn with PATH set to path. */
function withPath(path, fn) {
  const saved = process.env.PATH;
  process.env.PATH = path;
  try {
    return fn();
  } finally {
    process.env.PATH = saved;
  }
}

test('facet.path wins when it names an executable', () => {
  const mine = executable(join(dir, 'my-facet'));
  const ext = join(dir, 'ext1');
  mkdirSync(join(ext, 'server'), { recursive: true });
  executable(join(ext, 'server', 'facet'));

  assert.deepEqual(findServer(mine, ext), { path: mine, from: 'setting' });
});

test('a facet.path that is no executable is reported, not skipped', () => {
  const missing = join(dir, 'nowhere', 'facet');

  assert.deepEqual(findServer(missing, dir), {
    path: undefined,
    why: `facet.path is set to "${missing}", which is not an executable ` +
      'file. Correct the setting, or clear it to use the facet on PATH ' +
      '(this extension bundles none).',
  });
});

test('... and clearing it is said to use the bundled facet, if any', () => {
  const missing = join(dir, 'nowhere', 'facet');
  const ext = join(dir, 'ext5');
  mkdirSync(join(ext, 'server'), { recursive: true });
  executable(join(ext, 'server', 'facet'));

  assert.deepEqual(findServer(missing, ext), {
    path: undefined,
    why: `facet.path is set to "${missing}", which is not an executable ` +
      'file. Correct the setting, or clear it to use the facet bundled ' +
      'with this extension.',
  });
});

test('the bundled binary comes before PATH, and is made runnable', () => {
  const ext = join(dir, 'ext2');
  const bin = join(dir, 'bin2');
  mkdirSync(join(ext, 'server'), { recursive: true });
  mkdirSync(bin);
  executable(join(bin, 'facet'));
  writeFileSync(join(ext, 'server', 'facet'), '#!/bin/sh\n');
  chmodSync(join(ext, 'server', 'facet'), 0o644);

  assert.deepEqual(withPath(bin, () => findServer('', ext)),
                   { path: join(ext, 'server', 'facet'), from: 'bundled' });
});

test('then facet on PATH', () => {
  const bin = join(dir, 'bin3');
  mkdirSync(bin);
  executable(join(bin, 'facet'));

  assert.deepEqual(withPath(`${join(dir, 'empty')}:${bin}`,
                            () => findServer(undefined, join(dir, 'ext3'))),
                   { path: join(bin, 'facet'), from: 'PATH' });
});

test('with none of them, the message says what to do', () => {
  assert.deepEqual(withPath(join(dir, 'empty'),
                            () => findServer('  ', join(dir, 'ext4'))), {
    path: undefined,
    why: 'cannot find the facet language server: it is not in this ' +
      'extension and not on PATH. Build facet (scripts/setup) and put ' +
      'build/server/facet on PATH, or set facet.path to it.',
  });
});

/* Whether the selector sends a file of this path and language. */
function selected(path, language, formats) {
  return documentSelector(formats).some((f) =>
    (f.language === undefined || f.language === language) &&
    (f.pattern === undefined || minimatch(path, f.pattern, { dot: true })) &&
    (f.scheme === 'file'));
}

/* The language VS Code gives a file, as far as the selector cares. */
function languageOf(path) {
  if (/\.ya?ml$/.test(path))
    return 'yaml';
  if (/\.json$/.test(path))
    return 'json';
  if (/\.prompty$/.test(path))
    return 'prompty';
  if (/\.prompt$/.test(path))
    return 'dotprompt';
  if (/\.md$/.test(path))
    return 'markdown';
  return 'plaintext';
}

test('every artifact facet check finds in examples/ is sent to facet', () => {
  let report;
  try {
    report = execFileSync(process.env.FACET_UNIT_BIN,
                          ['check', '--format', 'json', 'examples'],
                          { cwd: process.env.FACET_UNIT_ROOT,
                            encoding: 'utf8' });
  } catch (err) {
    report = err.stdout;   /* exit status 1: the examples have errors */
  }
  const paths = JSON.parse(report).files.map((f) => '/ws/' + f.path);
  const missed = paths.filter((p) => !selected(p, languageOf(p)));

  assert.ok(paths.length >= 16, `only ${paths.length} artifacts found`);
  assert.deepEqual(missed, []);
});

test('names facet knows are sent whatever their language', () => {
  const names = ['/ws/a/AGENTS.md', '/ws/.github/agents/review.md',
    '/ws/.claude/commands/deep/fix.md', '/ws/.cursor/rules/style.mdc',
    '/ws/.cursorrules', '/ws/skills/x/skprompt.txt', '/ws/p.poml',
    '/ws/t.jinja2', '/ws/t.hbs', '/ws/evals/registry/evals/math.yaml'];

  assert.deepEqual(names.filter((p) => !selected(p, 'plaintext')), []);
});

test('other Markdown and text files are not sent', () => {
  const others = ['/ws/README.md', '/ws/docs/notes.txt',
                  '/ws/a.prompt.md.bak'];

  assert.deepEqual(others.filter((p) => selected(p, languageOf(p))), []);
});

test('only .prompty and .prompt get language ids of their own', () => {
  const manifest = require(join(process.env.FACET_UNIT_ROOT,
                                'editors/vscode/package.json'));

  assert.deepEqual(manifest.contributes.languages.map((l) =>
    [l.id, l.extensions, l.filenames, l.filenamePatterns]),
    [['prompty', ['.prompty'], undefined, undefined],
     ['dotprompt', ['.prompt'], undefined, undefined]]);
});

test('files facet.formats names are sent too', () => {
  const formats = { 'notes/*.txt': 'prompty', '/x.cfg': 'promptfoo' };

  assert.deepEqual(['/ws/notes/brief.txt', '/ws/x.cfg', '/ws/other.txt']
    .map((p) => selected(p, 'plaintext', formats)), [true, true, false]);
  assert.equal(selected('/ws/notes/brief.txt', 'plaintext'), false);
});

test('the grade dialog shows the whole hover, without Markdown marks', () => {
  const markdown = '**facet** \u00b7 Prompty \u00b7 grade **eval**\n\n' +
    'loose \u2192 structured \u2192 schema \u2192 **eval** \u2192 code\n\n' +
    'Why:\n- tests in `promptfooconfig.yaml` exercise it\n\n' +
    '**Evals** \u00b7 3 passed\n- 3 tests in ' +
    '[promptfooconfig.yaml](file:///ws/promptfooconfig.yaml#L23)\n' +
    '\n**Next step:** crystallise a stable rule into code\n';

  assert.deepEqual(gradeDialog({ grade: 'eval', title: 'Prompty',
                                 next: null, summary: '', markdown }), {
    message: 'facet \u00b7 Prompty \u00b7 grade eval',
    detail: 'loose \u2192 structured \u2192 schema \u2192 eval \u2192 code\n\n' +
      'Why:\n- tests in promptfooconfig.yaml exercise it\n\n' +
      'Evals \u00b7 3 passed\n- 3 tests in promptfooconfig.yaml\n\n' +
      'Next step: crystallise a stable rule into code',
  });
});

test('... and its fields when the server sent no Markdown', () => {
  assert.deepEqual(gradeDialog({
    grade: 'structured', title: 'Prompty', next: 'pin the output',
    summary: '', reasons: ['a', 'b'], markdown: null,
  }), {
    message: 'facet \u00b7 Prompty \u00b7 grade structured',
    detail: 'Why:\n- a\n- b\n\nNext step: pin the output',
  });
});
