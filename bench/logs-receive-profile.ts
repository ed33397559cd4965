/**
 * A full receive alone (decode + validate + mask + store, the bench:logs lines as Loki JSON bodies into a fresh
 * SQLite store), for `node --cpu-prof`: nothing else runs in the process after the data is generated, so the
 * profile's samples between `receive start` and `receive end` are the receive path's.
 *
 * Run: `node --cpu-prof --cpu-prof-dir=<dir> --import tsx bench/logs-receive-profile.ts [--lines 200000]`, then
 * `npx tsx bench/logs-profile-summary.ts <dir>/<the larger .cpuprofile>`. `--concurrent N` receives N bodies at
 * once (as N agents pushing during one commit); `--shape agent [--lines-per-second 5000]` pushes one node's lines of
 * each second per body (bench/logs-data.ts agentBodies) instead of the bench's 1000-line bodies of every node.
 * `--wait-ms T` prints `ready <pid>` once the data is generated and the store open, then waits T ms before the
 * receive, so a native profiler can attach for the receive alone (`perf record -p <pid>`; bench/logs-perf-summary.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { agentBodies, bodies, DAY, lines } from './logs-data.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const LINES = Number(arg('lines', '200000'));
const CONCURRENT = Number(arg('concurrent', '1'));
const AGENT = arg('shape', 'bench') === 'agent';
const RATE = Number(arg('lines-per-second', '5000'));
const WAIT_MS = Number(arg('wait-ms', '0'));
const now = Date.now();
const bs = AGENT
  ? agentBodies(lines(LINES, now, 7, (LINES / RATE) * 1000), 1000)
  : bodies(lines(LINES, now, 7));
const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-logs-prof-'));
const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
const store = await openSqliteLogStore(join(dir, 'logs.db'), { retentionMs, maxEntries: 100_000_000 });
try {
  const rx = new LogReceiver(store, { registry: new Registry(), limits, now: () => now });
  if (WAIT_MS > 0) {
    console.log(`ready ${process.pid}`);
    await new Promise((r) => setTimeout(r, WAIT_MS));
  }
  const c0 = process.cpuUsage();
  console.log('receive start');
  // --concurrent N: N pushes received at once (N agents whose pushes arrive during one commit); the first body
  // alone, so a store that races on its first entry ids (the writer before group commit) can be measured too
  const receive = (b: Buffer) =>
    rx.receiveLoki({ body: b, contentType: 'application/json', contentEncoding: undefined });
  await receive(bs[0]!);
  for (let k = 1; k < bs.length; k += CONCURRENT) await Promise.all(bs.slice(k, k + CONCURRENT).map(receive));
  const c = process.cpuUsage(c0);
  const us = (c.user + c.system) / LINES;
  console.log(
    `receive end: ${LINES} lines in ${bs.length} bodies, ${CONCURRENT} at once, ${us.toFixed(2)} µs CPU per line, ${Math.round(1e6 / us)} lines per CPU-second`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
