/**
 * Search latency over a kept store (filled by bench/logs-fill.ts): the bench:logs search cases, p50/p99 ms.
 *
 * With `--ingest <n>` n Loki bodies of the bench's lines (1000 lines each, timestamps in the minute before `now`)
 * are stored before every query run, on the same connection as the monitor does, so the queries read a store whose
 * newest pages are in the WAL; the ingest's CPU is measured apart and not counted in the queries'.
 * `--wal-autocheckpoint <pages>` sets `pragma wal_autocheckpoint` on the store's connection (SQLite's default 1000);
 * `--mmap-size <bytes>` and `--cache-size <n>` set `pragma mmap_size` (the store opens with 2 GiB; 0 reads pages with
 * `pread` into SQLite's cache) and `pragma cache_size` (pages when positive, KiB when negative; the connection's
 * default is −65536, 64 MiB).
 *
 * Run: `npx tsx bench/logs-search.ts --store <file> --now <ms the store was filled with> [--runs 20] [--only <n>]
 * [--ingest 1] [--wal-autocheckpoint 4000] [--mmap-size 0] [--cache-size -1048576]` (`--only 5`: the fifth case, the LogQL line filter, alone).
 */
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { LogQueryService } from '../src/logs/query-service.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { bodies, DAY, lines, PER_BODY } from './logs-data.ts';
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
const ingest = Number(arg('ingest', '0'));
const walPages = arg('wal-autocheckpoint', '');
const mmapBytes = arg('mmap-size', '');
const cacheSize = arg('cache-size', '');
const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
const store = await openSqliteLogStore(STORE, { retentionMs, maxEntries: 100_000_000 });
try {
  if (walPages !== '') await sql.raw(`pragma wal_autocheckpoint = ${Number(walPages)}`).execute(store.db);
  if (mmapBytes !== '') await sql.raw(`pragma mmap_size = ${Number(mmapBytes)}`).execute(store.db);
  if (cacheSize !== '') await sql.raw(`pragma cache_size = ${Number(cacheSize)}`).execute(store.db);
  let before: (() => Promise<void>) | undefined;
  let ingestUs = 0;
  let ingested = 0;
  if (ingest > 0) {
    const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
    const rx = new LogReceiver(store, { registry: new Registry(), limits, now: () => now });
    // 200 bodies of lines over the minute before `now`, taken in turn
    const pending = bodies(lines(200 * PER_BODY, now, 4242, 60_000));
    let next = 0;
    before = async () => {
      const c = process.cpuUsage();
      for (let i = 0; i < ingest; i++)
        await rx.receiveLoki({
          body: pending[next++ % pending.length]!,
          contentType: 'application/json',
          contentEncoding: undefined,
        });
      const d = process.cpuUsage(c);
      ingestUs += d.user + d.system;
      ingested += ingest * PER_BODY;
    };
  }
  const cases = searchCases(new LogQueryService(store), now);
  await printSearchTable(
    only === '' ? cases : only.split(',').map((n) => cases[Number(n) - 1]!),
    runs,
    before,
  );
  if (ingested > 0)
    console.log(
      `ingest beside the queries: ${ingested} lines, ${(ingestUs / ingested).toFixed(2)} µs CPU per line`,
    );
} finally {
  await store.close();
}
