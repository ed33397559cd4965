#!/usr/bin/env node
// Runs node:test over real test file paths (tsx as the TypeScript loader).
// Usage: node scripts/run-tests.mjs [suite...]   suites: unit golden integration (default: all)
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const suites = process.argv.slice(2);
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

const files = wanted.flatMap((s) => collect(join('test', s)));
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
const args = [
  '--import',
  'tsx',
  '--test',
  '--test-concurrency=2',
  '--test-timeout=300000',
  ...reporters,
  ...files,
];
const res = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(res.status ?? 1);
