/**
 * What one log store commit writes: WAL frames (pages) and bytes per stored line, checkpoints per million lines,
 * and which B-trees the frames belong to (entries table, (stream id, time) index, time index, trace-id index,
 * FTS5 segments, streams). The bench's lines (bench/logs-data.ts), decoded and masked once, are stored through the
 * shipped writer into a fresh SQLite store whose connection checkpoints by hand exactly where the shipped
 * `wal_autocheckpoint` would (after a commit that leaves at least that many frames), with `TRUNCATE`, so the WAL
 * file's size always tells the frames written since. After every commit the new frames' page numbers are read
 * from the WAL file and mapped to their B-tree with the `dbstat` table.
 *
 * Shapes (`--shape`): `bench` — the bench:logs bodies, 1000 lines of random nodes (~530 streams per body);
 * `agent` — what a Promtail / Alloy agent pushes: one node's lines of a time window (`--window-ms`, default
 * 1000, as Promtail's `batchwait`), its ≤ 20 streams per body, all nodes pushing in turn. `--group K` stores K
 * consecutive bodies in one transaction (as the writer's group commit does when K pushes wait for one commit).
 *
 * Run: `npx tsx bench/logs-wal.ts [--lines 200000] [--shape bench|agent] [--window-ms 1000] [--group 1]
 * [--lines-per-second 5000] [--bench-lines-per-second R] [--variant <name>]` (the agent shape's lines span
 * `lines / lines-per-second` seconds; the bench shape's an hour, or `lines / R` seconds; `--variant`: a schema
 * variant of bench/logs-store-variants.ts, default `shipped`).
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeLokiPush } from '../src/logs/loki/decode.ts';
import type { LogRecord } from '../src/logs/record.ts';
import { LOG_STORE_WAL_AUTOCHECKPOINT_PAGES } from '../src/logs/store/open.ts';
import { agentBodies, bodies, DAY, lines, maskingReceiver } from './logs-data.ts';
import { openVariantStore, VARIANTS } from './logs-store-variants.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : dflt;
};
const LINES = Number(arg('lines', '200000'));
const SHAPE = arg('shape', 'bench');
const WINDOW_MS = Number(arg('window-ms', '1000'));
const GROUP = Number(arg('group', '1'));
const RATE = Number(arg('lines-per-second', '5000'));
const found = VARIANTS.find((v) => v.name === arg('variant', 'shipped'));
if (found === undefined)
  throw new Error(`unknown --variant; one of ${VARIANTS.map((v) => v.name).join(', ')}`);
const VARIANT = found;
/** Bench shape: spread the lines over an hour (0, as bench:logs) or at this many lines per second. */
const BENCH_RATE = Number(arg('bench-lines-per-second', '0'));

/** Page number of every WAL frame in `[from, to)` frames of the file. */
function framePages(walPath: string, pageSize: number, from: number, to: number): number[] {
  const fd = openSync(walPath, 'r');
  try {
    const head = Buffer.alloc(4);
    const out: number[] = [];
    for (let f = from; f < to; f++) {
      readSync(fd, head, 0, 4, 32 + f * (24 + pageSize));
      out.push(head.readUInt32BE(0));
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

async function main(): Promise<void> {
  const now = Date.now();
  const { limits, rx } = maskingReceiver(now);
  const ls =
    SHAPE === 'agent'
      ? lines(LINES, now, 7, (LINES / RATE) * 1000)
      : BENCH_RATE > 0
        ? lines(LINES, now, 7, (LINES / BENCH_RATE) * 1000)
        : lines(LINES, now, 7);
  const bs = SHAPE === 'agent' ? agentBodies(ls, WINDOW_MS) : bodies(ls);
  const batches: LogRecord[][] = bs.map((b) =>
    decodeLokiPush(b, 'json', limits, now).records.map((r) => rx.mask(r)),
  );
  const groups: LogRecord[][] = [];
  for (let i = 0; i < batches.length; i += GROUP) groups.push(batches.slice(i, i + GROUP).flat());
  const streamsPerBody = batches.map(
    (b) => new Set(b.map((r) => `${r.nodeId}|${r.level}|${r.component}`)).size,
  );
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-logs-wal-'));
  const path = join(dir, 'logs.db');
  const retentionMs = { debug: 2 * DAY, info: 2 * DAY, warn: 2 * DAY, error: 2 * DAY, fatal: 2 * DAY };
  const store = await openVariantStore(path, VARIANT, { retentionMs, maxEntries: 100_000_000 });
  const raw = new (await import('better-sqlite3')).default(path);
  try {
    const pageSize = Number(raw.pragma('page_size', { simple: true }));
    // the store's own connection checkpoints by hand (below) where wal_autocheckpoint would
    const { sql } = await import('kysely');
    await sql`pragma wal_autocheckpoint = 0`.execute(store.db);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    const walPath = `${path}-wal`;
    const frames = (): number => {
      const size = statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;
      return size < 32 ? 0 : (size - 32) / (24 + pageSize);
    };
    // dbstat has no index by page: one scan of it maps every page, on ~50 commits spread over the run
    const sampleEvery = Math.max(1, Math.floor(groups.length / 50));
    const owners = raw.prepare('select pageno, name from dbstat');
    let sampledCommits = 0;
    const byTree = new Map<string, number>();
    let totalFrames = 0;
    let checkpoints = 0;
    let distinct = 0;
    let ckptPages = 0;
    const c0 = process.cpuUsage();
    for (const g of groups) {
      const before = frames();
      await store.insertLogs(g);
      const after = frames();
      totalFrames += after - before;
      const pages = framePages(walPath, pageSize, before, after);
      distinct += new Set(pages).size;
      if (groups.indexOf(g) % sampleEvery === 0) {
        sampledCommits++;
        const owner = new Map<number, string>();
        for (const r of owners.all() as { pageno: number; name: string }[]) owner.set(r.pageno, r.name);
        for (const p of pages) {
          const name = owner.get(p) ?? '(free list)';
          byTree.set(name, (byTree.get(name) ?? 0) + 1);
        }
      }
      if (after >= LOG_STORE_WAL_AUTOCHECKPOINT_PAGES) {
        const r = (await sql<{ checkpointed: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(store.db))
          .rows[0];
        void r;
        ckptPages += after;
        checkpoints++;
      }
    }
    const c = process.cpuUsage(c0);
    const sorted = [...streamsPerBody].sort((a, b) => a - b);
    console.log(
      `variant ${VARIANT.name}, shape ${SHAPE}${SHAPE === 'agent' ? ` (window ${WINDOW_MS} ms, ${RATE} lines/s)` : ''}: ${LINES} lines in ${batches.length} bodies, ${(LINES / batches.length).toFixed(0)} lines and median ${sorted[sorted.length >> 1]} streams per body; ${GROUP} bodies per transaction (${groups.length} commits)`,
    );
    console.log(
      `WAL: ${(totalFrames / groups.length).toFixed(1)} frames per commit (${(distinct / groups.length).toFixed(1)} distinct pages), ${((totalFrames * (24 + pageSize)) / LINES).toFixed(0)} WAL bytes per line, ${((checkpoints * 1e6) / LINES).toFixed(1)} checkpoints per million lines (${ckptPages} frames in the WAL at checkpoints)`,
    );
    console.log(`(CPU incl. the frame accounting: ${((c.user + c.system) / LINES).toFixed(2)} µs per line)`);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
    console.log(`stored ${(statSync(path).size / LINES).toFixed(1)} bytes per line`);
    console.log(
      `\nby B-tree (${sampledCommits} of ${groups.length}):\n| B-tree | WAL frames per commit | WAL bytes per line |\n|---|---|---|`,
    );
    for (const [name, n] of [...byTree].sort((a, b) => b[1] - a[1]))
      console.log(
        `| ${name} | ${(n / sampledCommits).toFixed(1)} | ${((n * (24 + pageSize) * groups.length) / sampledCommits / LINES).toFixed(0)} |`,
      );
  } finally {
    raw.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
