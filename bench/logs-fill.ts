/**
 * Fills a SQLite log store file with the bench's lines (bench/logs-data.ts: passes of `--pass` lines, each over the
 * hour before now, received as Loki JSON bodies as bench:logs stores them) and keeps it, so search can be measured
 * again and again on one store (`bench/logs-search.ts`).
 *
 * Run: `npx tsx bench/logs-fill.ts --out <file> [--lines 1000000] [--pass 200000] [--concurrent N]` (`--concurrent N`:
 * N bodies received at once, so the store's group commit writes them in one transaction).
 */
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { bodies, DAY, lines } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const OUT = arg('out', '');
if (OUT === '') throw new Error('--out <file> is required');
const LINES = Number(arg('lines', '1000000'));
const PASS = Number(arg('pass', '200000'));
const now = Number(arg('now', String(Date.now())));
const CONCURRENT = Number(arg('concurrent', '1'));
const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
const store = await openSqliteLogStore(OUT, { retentionMs, maxEntries: 100_000_000 });
try {
  const rx = new LogReceiver(store, { registry: new Registry(), limits, now: () => now });
  const receive = (b: Buffer) =>
    rx.receiveLoki({ body: b, contentType: 'application/json', contentEncoding: undefined });
  for (let done = 0, seed = 7; done < LINES; done += PASS, seed++) {
    const bs = bodies(lines(Math.min(PASS, LINES - done), now, seed));
    for (let k = 0; k < bs.length; k += CONCURRENT)
      await Promise.all(bs.slice(k, k + CONCURRENT).map(receive));
  }
  console.log(`${await store.count()} lines stored in ${OUT}; now=${now}`);
} finally {
  await store.close();
}
