// ajv on the same work as bench/schema_bench.c: compiles SCHEMA once
// (ajv's code generation is not timed), then for each INSTANCE validates
// it over and over and prints one JSON line in the same shape: bytes,
// validations per CPU second, MB/s, and the same counting JSON.parse each
// time. The draft follows $schema: Ajv2020 for 2020-12, Ajv for draft-07.
// multipleOfPrecision: without it ajv divides in binary floating point and
// calls 0.47 no multiple of 0.0025; facet's decimal check agrees with the
// precision-tolerant answer on these instances.
//
// usage: node ajv_bench.mjs [--seconds S] SCHEMA INSTANCE...
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv2020 = require("ajv/dist/2020").default;
const Ajv = require("ajv").default;

const ROUNDS = 7;
let args = process.argv.slice(2);
let seconds = 2;
if (args[0] === "--seconds") {
  seconds = Number(args[1]);
  args = args.slice(2);
}
if (args.length < 2) {
  console.error("usage: node ajv_bench.mjs [--seconds S] SCHEMA INSTANCE...");
  process.exit(2);
}

const schema = JSON.parse(readFileSync(args[0], "utf8"));
const Validator = String(schema.$schema).includes("2020-12") ? Ajv2020 : Ajv;
const compileStart = now();
const validate = new Validator({ strict: false, multipleOfPrecision: 9 })
  .compile(schema);
const compileMs = (now() - compileStart) * 1e3;

function run(job, n) {
  let ok = true;
  for (let i = 0; i < n; i++) {
    const data = job.parse ? JSON.parse(job.text) : job.instance;
    ok = validate(data) && ok;
  }
  return ok;
}

// CPU time of the process, all threads (the garbage collector's too), as
// schema_bench.c counts it. (A declaration: hoisted above its first use.)
function now() {
  const t = process.cpuUsage();
  return (t.user + t.system) / 1e6;
}

// Runs per second: batches grown to last `seconds`, median of rounds.
function rate(job) {
  const valid = run(job, 3);
  let n = 1;
  for (;;) {
    const t = now();
    run(job, n);
    if (now() - t >= seconds / ROUNDS) break;
    n *= 2;
  }
  const rates = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = now();
    run(job, n);
    rates.push(n / (now() - t));
  }
  rates.sort((a, b) => a - b);
  return { valid, perS: rates[Math.floor(ROUNDS / 2)] };
}

for (const path of args.slice(1)) {
  const text = readFileSync(path, "utf8");
  const bytes = Buffer.byteLength(text);
  const plain = rate({ instance: JSON.parse(text), parse: false });
  const parsed = rate({ text, parse: true });
  console.log(JSON.stringify({
    instance: path, bytes, valid: plain.valid && parsed.valid,
    per_s: Number(plain.perS.toFixed(1)),
    mb_per_s: Number((plain.perS * bytes / 1e6).toFixed(1)),
    parse_per_s: Number(parsed.perS.toFixed(1)),
    compile_ms: Number(compileMs.toFixed(3)),
  }));
}
