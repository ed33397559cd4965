#!/usr/bin/env node
// Runs node:test over real test file paths (tsx as the TypeScript loader), with fast-check's seed fixed
// (test/setup/fast-check.ts: DWCP_FC_SEED, default a fixed seed, `random` for a new seed per property).
// Usage: node scripts/run-tests.mjs [--fuzz] [suite...]   suites: unit golden integration (default: all)
//   --fuzz: only the files with property tests (fast-check), with random seeds unless DWCP_FC_SEED is set.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const fuzz = process.argv.includes('--fuzz');
const suites = process.argv.slice(2).filter((a) => a !== '--fuzz');
const wanted = suites.length > 0 ? suites : ['unit', 'golden', 'integration'];

function collect(dir) {
  let out = [];
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries.sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out = out.concat(collect(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const all = wanted.flatMap((s) => collect(join('test', s)));
const files = fuzz ? all.filter((f) => readFileSync(f, 'utf8').includes("from 'fast-check'")) : all;
if (files.length === 0) {
  console.error(`no test files found for suites: ${wanted.join(', ')}`);
  process.exit(1);
}
// TAP for the whole run, then every failure again at the end (a kept log tail still names them).
const reporters = [
  '--test-reporter=tap',
  '--test-reporter-destination=stdout',
  '--test-reporter=./scripts/failures-reporter.mjs',
  '--test-reporter-destination=stdout',
];
// A hang guard, not a speed check: node applies --test-timeout to every test file as a whole as well as to each
// test, and the slowest integration file (test/integration/store/slo-kept-steps.test.ts, SQLite + PostgreSQL) took
// 196-223 s at load ~25 on 2 cores, within reach of the former 300 s on a loaded or slower machine.
const FILE_TIMEOUT_MS = 900_000;
const args = [
  '--import',
  'tsx',
  '--import',
  new URL('../test/setup/fast-check.ts', import.meta.url).href,
  '--test',
  '--test-concurrency=2',
  `--test-timeout=${FILE_TIMEOUT_MS}`,
  ...reporters,
  ...files,
];
const env = fuzz ? { ...process.env, DWCP_FC_SEED: process.env.DWCP_FC_SEED || 'random' } : process.env;
if (fuzz) console.log(`# fast-check seed: ${env.DWCP_FC_SEED} (${files.length} files with property tests)`);
const res = spawnSync(process.execPath, args, { stdio: 'inherit', env });
process.exit(res.status ?? 1);
