/**
 * The SQLite query plans of the log store's read paths: runs every kind of read the query service and retention
 * make (searches by word, label, level, trace id and none; LogQL log queries on a few streams and on most of them;
 * `rate` and `count_over_time`; labels, label values, series; the entry count; retention) against a store file,
 * records each SQL statement the store runs, and prints its `EXPLAIN QUERY PLAN` with the indexes it uses — to see
 * which reads an index serves before the index is changed (docs/logs-store.md "Which reads use the time index").
 *
 * Run: `npx tsx bench/logs-plans.ts --store <file> --now <ms the store was filled with>` (bench/logs-fill.ts makes
 * one; retention runs with limits that delete nothing).
 */
import BetterSqlite3 from 'better-sqlite3';
import { LogQueryService } from '../src/logs/query-service.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { DAY } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const STORE = arg('store', '');
if (STORE === '') throw new Error('--store <file> is required');
const now = Number(arg('now', String(Date.now())));

/** Statements the store ran, with their parameters, in the order first seen. */
const seen = new Map<string, unknown[]>();
type Prepare = (this: BetterSqlite3.Database, source: string) => BetterSqlite3.Statement;
const proto = BetterSqlite3.prototype as unknown as { prepare: Prepare };
const prepare = proto.prepare;
proto.prepare = function (this: BetterSqlite3.Database, source: string) {
  const stmt = prepare.call(this, source);
  for (const m of ['all', 'get', 'run', 'iterate'] as const) {
    const f = (stmt as unknown as Record<string, (...a: unknown[]) => unknown>)[m]!.bind(stmt);
    (stmt as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => {
      if (/log_entries|log_fts/.test(source) && !/^\s*(insert|delete|create|drop)/i.test(source))
        if (!seen.has(source)) seen.set(source, a);
      return f(...a);
    };
  }
  return stmt;
};

const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
const store = await openSqliteLogStore(STORE, { retentionMs, maxEntries: 100_000_000 });
const qs = new LogQueryService(store);
const startUs = (now - 3_600_000) * 1000;
const endUs = (now + 1) * 1000;
const range = (query: string) =>
  qs.queryRange({ query, startUs, endUs, limit: 100, stepMs: 60_000, direction: 'backward' });
const reads: [string, () => Promise<unknown>][] = [
  ['search: nothing (newest 100)', () => qs.search({ startUs, endUs, limit: 100, words: [], labels: {} })],
  ['search: word', () => qs.search({ startUs, endUs, limit: 100, words: ['quorum'], labels: {} })],
  ['search: node', () => qs.search({ startUs, endUs, limit: 100, words: [], labels: { node_id: 'node-3' } })],
  [
    'search: level + node',
    () =>
      qs.search({ startUs, endUs, limit: 100, words: [], levels: ['error'], labels: { node_id: 'node-3' } }),
  ],
  [
    'search: trace id',
    () => qs.search({ startUs, endUs, limit: 100, words: [], labels: {}, traceId: 'ab'.repeat(16) }),
  ],
  ['LogQL: all streams of a service', () => range('{service="dwcp-node"}')],
  ['LogQL: level=info (a third of the streams)', () => range('{level="info"}')],
  ['LogQL: node line filter', () => range('{node_id="node-3"} |= " timed out "')],
  ['LogQL: service line filter', () => range('{service="dwcp-node"} |= "quorum lost"')],
  ['LogQL: rate on node + level', () => range('rate({node_id="node-3", level="error"}[1m])')],
  ['LogQL: count_over_time on a service', () => range('count_over_time({service="dwcp-node"}[5m])')],
  ['labels', () => qs.labels(startUs, endUs)],
  ['label values', () => qs.labelValues('node_id', startUs, endUs)],
  ['series', () => qs.series(['{node_id="node-3"}'], startUs, endUs)],
  ['entry count', () => store.count()],
  ['retention (deletes nothing)', () => store.applyRetention(now)],
];
const explain = new BetterSqlite3(STORE, { readonly: true });
try {
  for (const [name, run] of reads) {
    seen.clear();
    await run();
    console.log(`\n## ${name}`);
    for (const [source, params] of seen) {
      const plan = prepare.call(explain, `explain query plan ${source}`).all(...(params as unknown[])) as {
        detail: string;
      }[];
      console.log(`- ${source.replace(/\s+/g, ' ').slice(0, 160)}`);
      for (const p of plan) console.log(`    ${p.detail}`);
    }
  }
} finally {
  explain.close();
  await store.close();
}
