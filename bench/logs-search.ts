/**
 * Search latency over a kept store (filled by bench/logs-fill.ts): the bench:logs search cases, p50/p99 ms.
 *
 * Run: `npx tsx bench/logs-search.ts --store <file> --now <ms the store was filled with> [--runs 20] [--only <n>]`
 * (`--only 5`: the fifth case, the LogQL line filter, alone).
 */
import { LogQueryService } from '../src/logs/query-service.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { DAY } from './logs-data.ts';
import { printSearchTable, searchCases } from './logs-queries.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const STORE = arg('store', '');
if (STORE === '') throw new Error('--store <file> is required');
const now = Number(arg('now', '0'));
const runs = Number(arg('runs', '20'));
const only = arg('only', '');
const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
const store = await openSqliteLogStore(STORE, { retentionMs, maxEntries: 100_000_000 });
try {
  const cases = searchCases(new LogQueryService(store), now);
  await printSearchTable(only === '' ? cases : only.split(',').map((n) => cases[Number(n) - 1]!), runs);
} finally {
  await store.close();
}
