/**
 * Log ingest and search benchmark. Lines are pino-style JSON (level, time, node_id, region, component, trace
 * ids, msg, a few fields) from a seeded generator, about a fifth with PII from the labelled corpus
 * (test/fixtures/logs/pii-corpus.ts), pushed as Loki JSON bodies of 1000 entries (what Promtail sends with
 * `batchsize` ~1 MiB). Measured on one core, in one process:
 * 1. anchor: plain JSON.parse of every body (and of every line in it);
 * 2. decode + validate (src/logs/loki);
 * 3. decode + validate + PII masking;
 * 4. full receive: decode + validate + mask + store in a SQLite log store on disk (FTS5), one transaction per body;
 * 5. store only: the same bodies' decoded, masked records inserted into a second store (SQL rows, stream index
 *    and FTS5: the store's share of 4);
 * then bytes per stored line (database file after a WAL checkpoint and with the FTS index, divided by lines)
 * against the raw JSON line; then search latency over everything stored: full-text term queries, label
 * queries (node and level), a LogQL line-filter query, and LogQL `rate` over one hour — p50/p99 of repeated
 * runs. Also masking recall/precision on the labelled corpus.
 *
 * Rates are given per wall second and per CPU-second of the process (user + system; on a shared machine the
 * CPU figure is the per-core rate).
 *
 * Run: `npm run bench:logs -- [--lines 200000] [--store-lines 1000000] [--runs 40]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import { DEFAULT_LOG_LIMITS } from '../src/logs/limits.ts';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import { PiiMasker } from '../src/logs/pii/masker.ts';
import { LogQueryService } from '../src/logs/query-service.ts';
import { LogReceiver } from '../src/logs/receiver.ts';
import { openSqliteLogStore } from '../src/logs/store/open.ts';
import { generatePiiCorpus, scoreMasking } from '../test/fixtures/logs/pii-corpus.ts';
import { bodies, DAY, lines, PER_BODY } from './logs-data.ts';
import { printSearchTable, searchCases } from './logs-queries.ts';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(`Usage: npm run bench:logs -- [--lines N] [--store-lines N] [--runs N]

Log ingest and search benchmark (one process, one core; rates per wall second and per CPU-second).
  --lines N        lines of the ingest stages (default 200000)
  --store-lines N  lines stored before the search latencies are measured (default 1000000, at least --lines)
  --runs N         runs of each search query for p50/p99 (default 40)`);
  process.exit(0);
}

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const LINES = arg('lines', 200_000);
const STORE_LINES = Math.max(LINES, arg('store-lines', 1_000_000));
const RUNS = arg('runs', 40);
/** CPU seconds (user + system) of this process so far: lines per CPU-second is the per-core rate on a busy machine. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Wall and CPU seconds of `fn`. */
function timed(fn: () => void): { wall: number; cpu: number } {
  const t = process.hrtime.bigint();
  const c = cpuSeconds();
  fn();
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: cpuSeconds() - c };
}

/** Wall and CPU seconds of `fn` (CPU includes the store's native work: better-sqlite3 runs on this thread). */
async function timedCpuAsync(fn: () => Promise<unknown>): Promise<{ wall: number; cpu: number }> {
  const t = process.hrtime.bigint();
  const c = cpuSeconds();
  await fn();
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: cpuSeconds() - c };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

async function main(): Promise<void> {
  const now = Date.now();
  const masker = new PiiMasker();
  const corpus = generatePiiCorpus(2026, 20_000);
  const s = scoreMasking(masker, corpus);
  console.log(
    `PII corpus (seed 2026, ${corpus.length} lines): recall ${s.maskedSecrets}/${s.secrets} = ${(s.maskedSecrets / s.secrets).toFixed(4)}, precision ${s.truePositives}/${s.findings} = ${(s.truePositives / s.findings).toFixed(4)}, look-alikes kept ${s.keptNegatives}/${s.negatives}`,
  );
  console.log(
    `  by kind (masked/total): ${Object.entries(s.byKind)
      .map(([k, [m, t]]) => `${k} ${m}/${t}`)
      .join(', ')}`,
  );
  if (s.falsePositives.length > 0)
    console.log(`  false positives: ${s.falsePositives.map((x) => JSON.stringify(x)).join(', ')}`);

  const ls = lines(LINES, now, 7);
  const bs = bodies(ls);
  const limits = { ...DEFAULT_LOG_LIMITS, maxAgeMs: 2 * DAY };
  const rawBytes = ls.reduce((a, l) => a + Buffer.byteLength(l.line) + 1, 0);
  console.log(
    `\ningest: ${fmt(LINES)} lines in ${bs.length} Loki JSON bodies of ${PER_BODY}; raw JSON ${(rawBytes / LINES).toFixed(1)} bytes/line`,
  );
  // warm-up
  for (const b of bs.slice(0, 5)) decodeLokiPush(b, 'json', limits, now);
  const anchor = timed(() => {
    for (const b of bs) {
      const m = JSON.parse(b.toString('utf8')) as { streams: { values: [string, string][] }[] };
      for (const st of m.streams) for (const v of st.values) JSON.parse(v[1]);
    }
  });
  const decode = timed(() => {
    for (const b of bs) decodeLokiPush(b, 'json', limits, now);
  });
  const mask = timed(() => {
    for (const b of bs) for (const r of decodeLokiPush(b, 'json', limits, now).records) masker.mask(r.body);
  });
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-logs-'));
  const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
  const store = await openSqliteLogStore(join(dir, 'logs.db'), { retentionMs, maxEntries: 100_000_000 });
  try {
    const rx = new LogReceiver(store, { registry: new Registry(), limits, now: () => now });
    const full = await timedCpuAsync(async () => {
      for (const b of bs)
        await rx.receiveLoki({ body: b, contentType: 'application/json', contentEncoding: undefined });
    });
    const records = bs.map((b) => decodeLokiPush(b, 'json', limits, now).records.map((r) => rx.mask(r)));
    const second = await openSqliteLogStore(join(dir, 'logs-store-only.db'), {
      retentionMs,
      maxEntries: 100_000_000,
    });
    let storeOnly: { wall: number; cpu: number };
    try {
      storeOnly = await timedCpuAsync(async () => {
        for (const rs of records) await second.insertLogs(rs);
      });
    } finally {
      await second.close();
    }
    console.log('| stage | wall s | CPU s | lines/s (wall) | lines per CPU-second |');
    console.log('|---|---|---|---|---|');
    for (const [name, t] of [
      ['anchor: JSON.parse of bodies and lines', anchor],
      ['decode + validate', decode],
      ['decode + validate + mask', mask],
      ['decode + validate + mask + store (SQLite FTS5)', full],
      ['store only (rows, stream index, FTS5)', storeOnly],
    ] as const)
      console.log(
        `| ${name} | ${t.wall.toFixed(2)} | ${t.cpu.toFixed(2)} | ${fmt(LINES / t.wall)} | ${fmt(LINES / t.cpu)} |`,
      );
    console.log(
      `full receive / anchor: ${(full.cpu / anchor.cpu).toFixed(1)}x the CPU time of JSON.parse (${(full.wall / anchor.wall).toFixed(1)}x wall)`,
    );

    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    const perLine = statSync(join(dir, 'logs.db')).size / LINES;
    console.log(
      `stored: ${perLine.toFixed(1)} bytes/line (database file incl. streams, indexes and FTS5) vs ${(rawBytes / LINES).toFixed(1)} raw JSON = ${(perLine / (rawBytes / LINES)).toFixed(2)}x`,
    );

    // more lines for search (stored directly; same generator)
    for (let done = LINES, seed = 8; done < STORE_LINES; done += LINES, seed++) {
      for (const b of bodies(lines(Math.min(LINES, STORE_LINES - done), now, seed)))
        await rx.receiveLoki({ body: b, contentType: 'application/json', contentEncoding: undefined });
    }
    const stored = await store.count();
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    const storedBytes = statSync(join(dir, 'logs.db')).size;
    console.log(
      `\nstored ${fmt(stored)} lines: ${fmt(storedBytes)} bytes, ${(storedBytes / stored).toFixed(1)} bytes/line (database file after a checkpoint)`,
    );
    console.log(`\nsearch over ${fmt(stored)} stored lines (one hour), ${RUNS} runs each:`);
    await printSearchTable(searchCases(new LogQueryService(store), now), RUNS);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
