/**
 * The by-node reads of the search bench (bench/logs-queries.ts: `rate` of a node's error streams, the live tail's
 * history, label by node, label by node and level) on a kept store, each over the bench's 50 nodes twice: the first
 * pass reads every node's data for the first time in the process (what bench/logs-search.ts mostly measures: its
 * 20 runs draw nodes at random), the second reads it again. Prints the mean CPU ms per query of each pass, and the
 * CPU of opening the store.
 *
 * Run: `npx tsx bench/logs-reads-cold.ts --store <file> --now <ms the store was filled with> [--only rate,tail]`
 */
import { LogQueryService } from '../src/logs/query-service.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { DAY, NODES } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const STORE = arg('store', '');
if (STORE === '') throw new Error('--store <file> is required');
const now = Number(arg('now', '0'));
const only = arg('only', 'rate,tail,label,label-error').split(',');
const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };

const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
const opened = process.cpuUsage();
const store = await openSqliteLogStore(STORE, { retentionMs, maxEntries: 100_000_000 });
console.log(`open: ${cpuMs(process.cpuUsage(opened)).toFixed(0)} ms CPU`);
try {
  const qs = new LogQueryService(store);
  const startUs = (now - 3_600_000) * 1000;
  const endUs = (now + 1) * 1000;
  const range = { startUs, endUs, limit: 100, stepMs: 60_000, direction: 'backward' as const };
  const reads: Record<string, (node: string) => Promise<unknown>> = {
    rate: (n) => qs.queryRange({ ...range, query: `rate({node_id="${n}", level="error"}[1m])` }),
    tail: (n) => qs.queryRange({ ...range, query: `{node_id="${n}"}` }),
    label: (n) => qs.search({ startUs, endUs, limit: 100, words: [], labels: { node_id: n } }),
    'label-error': (n) =>
      qs.search({ startUs, endUs, limit: 100, words: [], levels: ['error'], labels: { node_id: n } }),
  };
  console.log('| read | first pass, CPU ms per query | second pass |');
  console.log('|---|---|---|');
  for (const name of only) {
    const read = reads[name];
    if (read === undefined) throw new Error(`unknown read ${name}: ${Object.keys(reads).join(', ')}`);
    const passes: string[] = [];
    for (let pass = 0; pass < 2; pass++) {
      const c = process.cpuUsage();
      for (let k = 1; k <= NODES; k++) await read(`node-${k}`);
      passes.push((cpuMs(process.cpuUsage(c)) / NODES).toFixed(2));
    }
    console.log(`| ${name} | ${passes[0]} | ${passes[1]} |`);
  }
} finally {
  await store.close();
}
