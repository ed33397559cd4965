/**
 * CPU of the chunked SQLite store's append path alone, as `serve` drives it: the simulator's series (replicated
 * to `--series`), appended in scrape-sized batches (`--batch` samples, the keys handed over as the series
 * tracker does: the same string per series on every scrape), one step per second of virtual time. Prints the
 * process CPU µs per sample (user + system, this process only), the CPU ms of one append (p50 to max: a checkpoint's
 * stall shows in the largest) and what the file holds afterwards (bytes per sample by table and index, from
 * SQLite's `dbstat`).
 *
 * `npx tsx bench/store-append.ts [--series 6000] [--steps 960] [--batch 1700] [--reps 1] [--samples DIR] [--chunk-samples 480] [--chunk-bytes N] [--keep FILE] [--wrap] [--read]`
 * The simulator's values are a template of 900 steps that repeats; counters go on rising across its wraps unless
 * `--wrap` is given (then they fall back to their first value every 900 s, as if reset: the older behaviour).
 * `--chunk-bytes N` sets `maxChunkBytes` (default: the store's); the output counts the chunk rows above it.
 * `--read` reopens the store afterwards and reads every series' raw samples back (`readPoints` over the whole
 * range, 500 series per call, 3 rounds): CPU ns per sample read, the decode cost of the chunks as stored.
 * `--keep FILE` copies the database file (after the checkpoint) to FILE for inspection.
 * `--samples DIR` replays a real scrape instead: `DIR/samples.tsv` (series index, timestamp ms, value per line,
 * time-ordered per series) and `DIR/series.jsonl` (`{"name", "labels"}` per series index), e.g. converted from
 * `promtool tsdb dump` of the Prometheus that `bench:probe --keep DIR` ran; samples are appended in time order,
 * in batches of one timestamp's samples (at most `--batch`).
 * Run before/after trees one after the other, alternating, and compare CPU µs/sample (survives load better than
 * wall-clock time).
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import type { Sample } from '../src/model/sample.ts';
import { SeriesKeyBuilder } from '../src/store/series-key-builder.ts';
import { readUvarint } from '../src/store/tsdb/codec/varint.ts';
import { openChunkedSqliteStore } from '../src/store/tsdb/open.ts';
import { DEFAULT_MAX_CHUNK_BYTES } from '../src/store/tsdb/options.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';

const { values: args } = parseArgs({
  options: {
    series: { type: 'string', default: '6000' },
    steps: { type: 'string', default: '960' },
    batch: { type: 'string', default: '1700' },
    reps: { type: 'string', default: '1' },
    samples: { type: 'string' },
    'chunk-samples': { type: 'string', default: '480' },
    'chunk-bytes': { type: 'string' },
    keep: { type: 'string' },
    wrap: { type: 'boolean', default: false },
    read: { type: 'boolean', default: false },
  },
});
const SERIES = Number(args.series);
const STEPS = Number(args.steps);
const BATCH = Number(args.batch);
const REPS = Number(args.reps);
const CHUNK_BYTES = args['chunk-bytes'] === undefined ? DEFAULT_MAX_CHUNK_BYTES : Number(args['chunk-bytes']);

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

const keyOf = new SeriesKeyBuilder();

/** Reopens the store and reads every series' raw samples back, 500 series per `readPoints`, 3 rounds. */
async function readBack(path: string, walDir: string, load: ReplayLoad): Promise<string> {
  const store = await openChunkedSqliteStore({ path, walDir, retentionMs: 30 * 86_400_000, now: () => T0 });
  try {
    const names = [...new Set(Array.from({ length: SERIES }, (_, i) => load.name(i)))];
    const refs = (await Promise.all(names.map((n) => store.findSeries(n, {}, 1_000_000)))).flat();
    const rounds: string[] = [];
    for (let r = 0; r < 3; r++) {
      let n = 0;
      const c0 = cpuUs();
      for (let i = 0; i < refs.length; i += 500)
        for (const p of await store.readPoints(refs.slice(i, i + 500), T0, T0 + STEPS * 1000, 1_000_000))
          n += p.values.length;
      rounds.push(`${(((cpuUs() - c0) * 1000) / n).toFixed(0)}`);
    }
    return `  raw read of all ${refs.length} series: ${rounds.join(' / ')} CPU ns per sample read (3 rounds)\n`;
  } finally {
    await store.close();
  }
}
const T0 = 1_700_000_000_000;

type Batch = { nowMs: number; samples: Sample[]; keys: string[] };

function* syntheticBatches(load: ReplayLoad): Iterable<Batch[]> {
  const keys = Array.from({ length: SERIES }, (_, i) => keyOf.key(load.name(i), load.labelsOf(i)));
  for (let k = 0; k < STEPS; k++) {
    const all: Sample[] = load.batch(k, T0, 1000);
    const parts: Batch[] = [];
    for (let from = 0; from < SERIES; from += BATCH)
      parts.push({
        nowMs: T0 + k * 1000,
        samples: all.slice(from, from + BATCH),
        keys: keys.slice(from, from + BATCH),
      });
    yield parts;
  }
}

function replayBatches(dir: string): Batch[][] {
  const series = readFileSync(join(dir, 'series.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as { name: string; labels: Record<string, string> });
  const keys = series.map((s) => keyOf.key(s.name, s.labels));
  const rows: { i: number; t: number; v: number }[] = [];
  for (const line of readFileSync(join(dir, 'samples.tsv'), 'utf8').split('\n')) {
    if (line === '') continue;
    const [i, t, v] = line.split('\t');
    rows.push({ i: Number(i), t: Number(t), v: Number(v) });
  }
  rows.sort((a, b) => a.t - b.t || a.i - b.i);
  const steps: Batch[][] = [];
  let cur: Batch | undefined;
  for (const r of rows) {
    if (cur === undefined || cur.nowMs !== r.t || cur.samples.length >= BATCH) {
      cur = { nowMs: r.t, samples: [], keys: [] };
      steps.push([cur]);
    }
    const s = series[r.i]!;
    cur.samples.push({ name: s.name, labels: s.labels, value: r.v, timestampMs: r.t });
    cur.keys.push(keys[r.i]!);
  }
  return steps;
}

const load =
  args.samples === undefined ? new ReplayLoad(await loadTemplate(2, 900), SERIES, !args.wrap) : undefined;
const replay = args.samples === undefined ? undefined : replayBatches(args.samples);
const feed = (): Iterable<Batch[]> => replay ?? syntheticBatches(load!);

for (let rep = 0; rep < REPS; rep++) {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-append-'));
  const path = join(dir, 'chunks.db');
  let now = replay?.[0]?.[0]?.nowMs ?? T0;
  const store = await openChunkedSqliteStore({
    path,
    walDir: join(dir, 'wal'),
    retentionMs: 30 * 86_400_000,
    maxSamplesPerChunk: Number(args['chunk-samples']),
    maxChunkBytes: CHUNK_BYTES,
    now: () => now,
  });
  let samples = 0;
  let busyUs = 0;
  /** CPU µs of each append: the longest ones are the stalls a checkpoint or a chunk write adds to one append. */
  const perAppend: number[] = [];
  for (const step of feed()) {
    for (const part of step) {
      now = part.nowMs;
      const c0 = cpuUs();
      samples += (await store.append(part.samples, part.keys)).stored;
      const us = cpuUs() - c0;
      busyUs += us;
      perAppend.push(us);
    }
  }
  perAppend.sort((a, b) => a - b);
  const appendMs = (q: number) =>
    (perAppend[Math.min(perAppend.length - 1, Math.floor(q * perAppend.length))]! / 1000).toFixed(1);
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
  let over = 0;
  let largest = 0;
  for (const r of raw.prepare('select data from tsdb_chunks').iterate() as Iterable<{ data: Buffer }>) {
    if (r.data.length > CHUNK_BYTES) over++;
    largest = Math.max(largest, r.data.length);
    const c = readUvarint(r.data, 1);
    const t = readUvarint(r.data, c.next);
    tsBytes += t.value;
    valueBytes += r.data.length - t.next - t.value;
  }
  raw.close();
  const total = dirBytes(dir);
  process.stdout.write(
    `rep ${rep + 1}: ${samples} samples in batches of ${BATCH}; append CPU ${(busyUs / samples).toFixed(3)} µs/sample\n` +
      `  CPU ms per append: p50 ${appendMs(0.5)}, p99 ${appendMs(0.99)}, p99.9 ${appendMs(0.999)}, max ${appendMs(1)} (${perAppend.length} appends)\n` +
      `  on disk ${(total / samples).toFixed(3)} B/sample (${total} B: database file + WAL directory after close); chunk blobs ${(blob.b / samples).toFixed(3)} B/sample in ${blob.n} rows (timestamps ${(tsBytes / samples).toFixed(3)}, values ${(valueBytes / samples).toFixed(3)}); ${over} rows over maxChunkBytes ${CHUNK_BYTES}, largest ${largest} B\n` +
      pages
        .filter((p) => p.bytes / samples >= 0.005)
        .map(
          (p) =>
            `  ${p.name.padEnd(36)} ${(p.bytes / samples).toFixed(3)} B/sample (payload ${(p.payload / samples).toFixed(3)}, unused ${(p.unused / samples).toFixed(3)})`,
        )
        .join('\n') +
      '\n',
  );
  if (args.read && load !== undefined) process.stdout.write(await readBack(path, join(dir, 'wal'), load));
  if (args.keep !== undefined) copyFileSync(path, args.keep);
  rmSync(dir, { recursive: true, force: true });
}
