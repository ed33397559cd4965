/**
 * `npm run bench`: every benchmark table (SDK recording and render, ingest, detector), each with ratios
 * against an anchor measured in the same run. Results also go to bench/results/bench.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { benchDetector } from './detector.ts';
import { benchIngest } from './ingest.ts';
import { benchSdk } from './sdk.ts';
import { renderTable, type BenchTable } from './table.ts';

const suites: [string, () => Promise<BenchTable[]>][] = [
  ['sdk', benchSdk],
  ['ingest', benchIngest],
  ['detector', benchDetector],
];

const all: Record<string, BenchTable[]> = {};
for (const [name, run] of suites) {
  process.stderr.write(`running ${name} benchmarks...\n`);
  const tables = await run();
  all[name] = tables;
  for (const t of tables) process.stdout.write(renderTable(t) + '\n');
}
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  'bench/results/bench.json',
  JSON.stringify({ when: new Date().toISOString(), node: process.version, tables: all }, null, 2),
);
process.stderr.write('wrote bench/results/bench.json\n');
