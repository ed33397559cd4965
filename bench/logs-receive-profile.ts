/**
 * A full receive alone (decode + validate + mask + store, the bench:logs lines as Loki JSON bodies into a fresh
 * SQLite store), for `node --cpu-prof`: nothing else runs in the process after the data is generated, so the
 * profile's samples between `receive start` and `receive end` are the receive path's.
 *
 * Run: `node --cpu-prof --cpu-prof-dir=<dir> --import tsx bench/logs-receive-profile.ts [--lines 200000]`, then
 * `npx tsx bench/logs-profile-summary.ts <dir>/<the larger .cpuprofile>`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { bodies, DAY, lines } from './logs-data.ts';

const i = process.argv.indexOf('--lines');
const LINES = i >= 0 ? Number(process.argv[i + 1]) : 200_000;
const now = Date.now();
const bs = bodies(lines(LINES, now, 7));
const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-logs-prof-'));
const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
const store = await openSqliteLogStore(join(dir, 'logs.db'), { retentionMs, maxEntries: 100_000_000 });
try {
  const rx = new LogReceiver(store, { registry: new Registry(), limits, now: () => now });
  const c0 = process.cpuUsage();
  console.log('receive start');
  for (const b of bs)
    await rx.receiveLoki({ body: b, contentType: 'application/json', contentEncoding: undefined });
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / LINES;
  console.log(
    `receive end: ${LINES} lines, ${us.toFixed(2)} µs CPU per line, ${Math.round(1e6 / us)} lines per CPU-second`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
