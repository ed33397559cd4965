/**
 * CPU of the chunked SQLite store's append path alone, as `serve` drives it: the simulator's series (replicated
 * to `--series`), appended in scrape-sized batches (`--batch` samples, the keys handed over as the series
 * tracker does: the same string per series on every scrape), one step per second of virtual time. Prints the
 * process CPU µs per sample (user + system, this process only) and what the file holds afterwards (bytes per
 * sample by table and index, from SQLite's `dbstat`).
 *
 * `npx tsx bench/store-append.ts [--series 6000] [--steps 960] [--batch 1700] [--reps 1]`
 * Run before/after trees one after the other, alternating, and compare CPU µs/sample (survives load better than
 * wall-clock time).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { Sample } from '../src/model/sample.ts';
import { SeriesKeyBuilder } from '../src/store/series-key-builder.ts';
import { readUvarint } from '../src/store/tsdb/codec/varint.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '6000' },
    steps: { type: 'string', default: '960' },
    batch: { type: 'string', default: '1700' },
    reps: { type: 'string', default: '1' },
  },
});
const SERIES = Number(args.series);
const STEPS = Number(args.steps);
const BATCH = Number(args.batch);
const REPS = Number(args.reps);

function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    n += f.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

const template = await loadTemplate(2, 900);
const load = new ReplayLoad(template, SERIES);
const keyOf = new SeriesKeyBuilder();
const keys = Array.from({ length: SERIES }, (_, i) => keyOf.key(load.name(i), load.labelsOf(i)));
const T0 = 1_700_000_000_000;

for (let rep = 0; rep < REPS; rep++) {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-append-'));
  const path = join(dir, 'chunks.db');
  let now = T0;
  const store = await openChunkedSqliteStore({
    path,
    walDir: join(dir, 'wal'),
    retentionMs: 30 * 86_400_000,
    now: () => now,
  });
  let samples = 0;
  let busyUs = 0;
  for (let k = 0; k < STEPS; k++) {
    now = T0 + k * 1000;
    const all: Sample[] = load.batch(k, T0, 1000);
    for (let from = 0; from < SERIES; from += BATCH) {
      const part = all.slice(from, from + BATCH);
      const partKeys = keys.slice(from, from + BATCH);
      const c0 = cpuUs();
      samples += (await store.append(part, partKeys)).stored;
      busyUs += cpuUs() - c0;
    }
  }
  await store.close();
  const raw = new BetterSqlite3(path);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  const pages = raw
    .prepare(
      'select name, sum(pgsize) as bytes, sum(unused) as unused, sum(payload) as payload from dbstat group by name order by 2 desc',
    )
    .all() as { name: string; bytes: number; unused: number; payload: number }[];
  const blob = raw.prepare('select sum(length(data)) as b, count(*) as n from tsdb_chunks').get() as {
    b: number;
    n: number;
  };
  // Timestamp and value streams of the chunk blobs (format byte, uvarint count, uvarint timestamp-stream length).
  let tsBytes = 0;
  let valueBytes = 0;
  for (const r of raw.prepare('select data from tsdb_chunks').iterate() as Iterable<{ data: Buffer }>) {
    const c = readUvarint(r.data, 1);
    const t = readUvarint(r.data, c.next);
    tsBytes += t.value;
    valueBytes += r.data.length - t.next - t.value;
  }
  raw.close();
  const total = dirBytes(dir);
  process.stdout.write(
    `rep ${rep + 1}: ${samples} samples in batches of ${BATCH}; append CPU ${(busyUs / samples).toFixed(3)} µs/sample\n` +
      `  on disk ${(total / samples).toFixed(3)} B/sample (${total} B: database file + WAL directory after close); chunk blobs ${(blob.b / samples).toFixed(3)} B/sample in ${blob.n} rows (timestamps ${(tsBytes / samples).toFixed(3)}, values ${(valueBytes / samples).toFixed(3)})\n` +
      pages
        .filter((p) => p.bytes / samples >= 0.005)
        .map(
          (p) =>
            `  ${p.name.padEnd(36)} ${(p.bytes / samples).toFixed(3)} B/sample (payload ${(p.payload / samples).toFixed(3)}, unused ${(p.unused / samples).toFixed(3)})`,
        )
        .join('\n') +
      '\n',
  );
  rmSync(dir, { recursive: true, force: true });
}
