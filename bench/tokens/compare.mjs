#!/usr/bin/env node
// Holds facet's token estimate against OpenAI's tokenizers (cl100k_base and
// o200k_base, from the npm package gpt-tokenizer pinned in bench/package.json)
// on every prompt of the corpus, and prints the error as Markdown tables.
//
// usage: node bench/tokens/compare.mjs [--corpus DIR] [--build DIR]
//                                      [--pieces] [--worst N]
//
//   --corpus DIR  the real-file corpus (default: ../shared/corpus beside the
//                 repository); its files are laid out at their original
//                 paths under $TMPDIR/facet-tokens, so detection by name
//                 works as in a checkout
//   --build DIR   the build with bench/tokens-estimate (default: build-bench;
//                 ninja -C DIR bench/tokens-estimate builds it)
//   --pieces      also print what each kind of pre-token costs on average
//                 (how the estimate's tables were calibrated)
//
// The costs were calibrated on the corpus, so the script also measures
// text they were not fitted to: this repository's Markdown and C sources,
// and short samples of other scripts, emoji and base64 written below.
//
// Needs `npm ci --ignore-scripts` in bench/ first.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as cl100k from 'gpt-tokenizer/encoding/cl100k_base';
import * as o200k from 'gpt-tokenizer/encoding/o200k_base';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

function options(argv) {
  const opts = {
    corpus: path.resolve(root, '..', 'shared', 'corpus'),
    build: path.resolve(root, 'build-bench'),
    pieces: false,
    worst: 8,
  };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--corpus') opts.corpus = path.resolve(argv[++i]);
    else if (argv[i] === '--build') opts.build = path.resolve(argv[++i]);
    else if (argv[i] === '--pieces') opts.pieces = true;
    else if (argv[i] === '--worst') opts.worst = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return opts;
}

// Lays the corpus out at its original paths; returns the file paths.
function layOut(corpus) {
  const dest = path.join(os.tmpdir(), 'facet-tokens');
  const lines = fs.readFileSync(path.join(corpus, 'MANIFEST.tsv'), 'utf8')
    .split('\n').filter(Boolean);
  const header = lines.shift().split('\t');
  const files = [];
  fs.rmSync(dest, { recursive: true, force: true });
  for (const line of lines) {
    const row = Object.fromEntries(line.split('\t').map((v, i) => [header[i], v]));
    const out = path.join(dest, row.repo, row.path);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.copyFileSync(path.join(corpus, row.local_path), out);
    files.push(out);
  }
  return { dest, files };
}

const plain = { disallowedSpecial: new Set() };  // special tokens as text

function count(enc, texts) {
  return texts.reduce((sum, t) => sum + enc.countTokens(t.text, plain), 0);
}

const pct = (x) => `${(100 * x).toFixed(1)} %`;

function stats(errors) {
  const abs = errors.map(Math.abs).sort((a, b) => a - b);
  const at = (q) => abs[Math.min(abs.length - 1, Math.floor(q * abs.length))];
  return {
    mape: abs.reduce((s, x) => s + x, 0) / abs.length,
    median: at(0.5),
    p90: at(0.9),
    within10: abs.filter((x) => x <= 0.10).length / abs.length,
    within15: abs.filter((x) => x <= 0.15).length / abs.length,
    bias: errors.reduce((s, x) => s + x, 0) / errors.length,
  };
}

function summary(rows) {
  const out = ['| tokenizer | files | MAPE | median | p90 | within ±10 % | within ±15 % | mean signed error | total estimate / total real |',
    '|---|---|---|---|---|---|---|---|---|'];
  for (const name of ['cl100k', 'o200k']) {
    const s = stats(rows.map((r) => (r.estimate - r[name]) / r[name]));
    const total = rows.reduce((t, r) => t + r.estimate, 0) /
      rows.reduce((t, r) => t + r[name], 0);
    out.push(`| ${name}_base | ${rows.length} | ${pct(s.mape)} | ${pct(s.median)} | ${pct(s.p90)} | ${pct(s.within10)} | ${pct(s.within15)} | ${pct(s.bias)} | ${total.toFixed(3)} |`);
  }
  return out.join('\n');
}

function byFormat(rows) {
  const formats = [...new Set(rows.map((r) => r.format))].sort();
  const out = ['| format | files | real tokens (o200k) | MAPE cl100k | MAPE o200k |', '|---|---|---|---|---|'];
  for (const f of formats) {
    const rs = rows.filter((r) => r.format === f);
    const m = (name) => stats(rs.map((r) => (r.estimate - r[name]) / r[name])).mape;
    const real = rs.reduce((t, r) => t + r.o200k, 0);
    out.push(`| ${f} | ${rs.length} | ${real} | ${pct(m('cl100k'))} | ${pct(m('o200k'))} |`);
  }
  return out.join('\n');
}

function worst(rows, dest, n) {
  const mid = (r) => (r.cl100k + r.o200k) / 2;
  const sorted = [...rows].sort((a, b) =>
    Math.abs(b.estimate - mid(b)) / mid(b) - Math.abs(a.estimate - mid(a)) / mid(a));
  const out = ['| file | format | estimate | cl100k | o200k | error vs the mean |', '|---|---|---|---|---|---|'];
  for (const r of sorted.slice(0, n))
    out.push(`| ${path.relative(dest, r.path)} | ${r.format} | ${r.estimate} | ${r.cl100k} | ${r.o200k} | ${pct((r.estimate - mid(r)) / mid(r))} |`);
  return out.join('\n');
}

// The pre-token pattern of cl100k_base: what BPE never merges across.
const PRETOKEN = /'(?:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+/giu;

function kind(p) {
  const word = /^([^\r\n\p{L}\p{N}]?)(\p{L}+)$/u.exec(p);
  if (word && /^[A-Za-z]+$/.test(word[2])) {
    const lead = word[1] === '' ? 'bare' : word[1] === ' ' ? 'space' : 'punct';
    const shape = /^[A-Z]+$/.test(word[2]) && word[2].length > 1 ? 'CAPS'
      : /[a-z][A-Z]/.test(word[2]) ? 'camel' : 'word';
    return `${shape} ${lead} ${Math.min(word[2].length, 16)}`;
  }
  if (word) return 'letters, not ASCII';
  if (/^\p{N}+$/u.test(p)) return `digits ${p.length}`;
  if (/^\s+$/u.test(p)) return /[\r\n]/.test(p) ? `newlines ${Math.min(p.length, 4)}` : `spaces ${Math.min(p.length, 9)}`;
  return `symbols ${Math.min(p.replace(/^ /, '').replace(/[\r\n]+$/, '').length, 9)}`;
}

function pieces(texts) {
  const by = new Map();
  for (const t of texts)
    for (const m of t.matchAll(PRETOKEN)) {
      const k = kind(m[0]);
      const e = by.get(k) ?? { n: 0, cl: 0, o: 0 };
      e.n++;
      e.cl += cl100k.countTokens(m[0], plain);
      e.o += o200k.countTokens(m[0], plain);
      by.set(k, e);
    }
  const out = ['| pre-token | count | cl100k tokens each | o200k tokens each |', '|---|---|---|---|'];
  for (const [k, e] of [...by].sort((a, b) => a[0].localeCompare(b[0], 'en', { numeric: true })))
    out.push(`| ${k} | ${e.n} | ${(e.cl / e.n).toFixed(2)} | ${(e.o / e.n).toFixed(2)} |`);
  return out.join('\n');
}

// Text in other scripts and shapes, invented for this check.
const SAMPLES = {
  'Chinese': '你是一个乐于助人的助手。请用简洁的语言回答用户的问题，并在需要时提供示例。',
  'Japanese': 'あなたは親切なアシスタントです。ユーザーの質問に簡潔に答えてください。',
  'Korean': '당신은 친절한 도우미입니다. 사용자의 질문에 간결하게 답하세요.',
  'Russian': 'Вы полезный помощник. Отвечайте на вопросы пользователя кратко и по существу.',
  'Greek': 'Είστε ένας χρήσιμος βοηθός. Απαντήστε στις ερωτήσεις του χρήστη σύντομα.',
  'Arabic': 'أنت مساعد مفيد. أجب عن أسئلة المستخدم بإيجاز ووضوح.',
  'Hindi': 'आप एक सहायक सहायक हैं। उपयोगकर्ता के प्रश्नों का संक्षेप में उत्तर दें।',
  'French': 'Vous êtes un assistant serviable. Répondez brièvement aux questions de l’utilisateur, s’il vous plaît.',
  'German': 'Sie sind ein hilfreicher Assistent. Beantworten Sie die Fragen des Benutzers kurz und präzise.',
  'emoji': '✅ Done 🚀 Launch 🎉 Party 👍 ok ❌ no ➡️ next',
  'base64': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'JSON': '{"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "minimum": 1}}, "required": ["city"]}}',
};

function raw(estimate, files) {
  const out = execFileSync(estimate, ['--raw', ...files], { maxBuffer: 1 << 28 }).toString();
  return out.split('\n').filter(Boolean).map((line) => {
    const r = JSON.parse(line);
    r.cl100k = count(cl100k, r.texts);
    r.o200k = count(o200k, r.texts);
    return r;
  });
}

function heldOut(estimate, dest) {
  const md = ['README.md', 'bench/README.md', ...fs.readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
  const c = fs.readdirSync(path.join(root, 'analyzers')).filter((f) => f.endsWith('.c'))
    .map((f) => path.join('analyzers', f));
  const sets = [
    ['this repository\'s Markdown', raw(estimate, md.map((f) => path.join(root, f)))],
    ['this repository\'s C sources', raw(estimate, c.map((f) => path.join(root, f)))],
  ];
  const out = ['| text | files | MAPE cl100k | MAPE o200k | total estimate / cl100k | total estimate / o200k |', '|---|---|---|---|---|---|'];
  for (const [name, rows] of sets) {
    const m = (k) => stats(rows.map((r) => (r.estimate - r[k]) / r[k])).mape;
    const t = (k) => rows.reduce((a, r) => a + r.estimate, 0) / rows.reduce((a, r) => a + r[k], 0);
    out.push(`| ${name} | ${rows.length} | ${pct(m('cl100k'))} | ${pct(m('o200k'))} | ${t('cl100k').toFixed(3)} | ${t('o200k').toFixed(3)} |`);
  }
  const dir = path.join(dest, '..', 'facet-tokens-samples');
  fs.mkdirSync(dir, { recursive: true });
  const files = Object.entries(SAMPLES).map(([name, text]) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, text);
    return f;
  });
  out.push('', '| sample | characters | estimate | cl100k | o200k |', '|---|---|---|---|---|');
  for (const r of raw(estimate, files))
    out.push(`| ${path.basename(r.path)} | ${[...r.texts[0].text].length} | ${r.estimate} | ${r.cl100k} | ${r.o200k} |`);
  return out.join('\n');
}

function main() {
  const opts = options(process.argv.slice(2));
  const estimate = path.join(opts.build, 'bench', 'tokens-estimate');
  const { dest, files } = layOut(opts.corpus);
  const out = execFileSync(estimate, files, { maxBuffer: 1 << 28 }).toString();
  const rows = [];
  const all = [];
  for (const line of out.split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    if (r.texts.length === 0) continue;
    r.cl100k = count(cl100k, r.texts);
    r.o200k = count(o200k, r.texts);
    if (r.o200k === 0 || r.cl100k === 0) continue;
    all.push(...r.texts.map((t) => t.text));
    rows.push(r);
  }
  console.log(`## facet's token estimate on ${rows.length} prompts of the corpus\n`);
  console.log(summary(rows));
  console.log(`\nFiles of at least 100 tokens:\n`);
  console.log(summary(rows.filter((r) => r.o200k >= 100)));
  console.log('\nBy format:\n');
  console.log(byFormat(rows));
  console.log(`\nThe ${opts.worst} worst:\n`);
  console.log(worst(rows, dest, opts.worst));
  console.log('\nText the costs were not fitted to:\n');
  console.log(heldOut(estimate, dest));
  if (opts.pieces) {
    console.log('\nWhat pre-tokens cost:\n');
    console.log(pieces(all));
  }
}

main();
