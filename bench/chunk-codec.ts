/**
 * The raw chunk codec alone: bytes per sample and CPU per sample of format 1 (delta-of-delta timestamps, XOR
 * values, as the head's open chunk encodes them) and format 2 (compactChunk at cut: per-chunk choice of a
 * Rice-coded timestamp column around the interval grid and decimal value mantissas), on chunks of 480 samples.
 *
 * `npx tsx bench/chunk-codec.ts [--source ingest|FILE.db|DIR] [--reps 3]`
 * - `ingest` (default): bench:ingest's data (the simulator's values, 1476 series × 960 s at 1 s with 0-3 ms of
 *   jitter);
 * - `FILE.db`: every chunk of a chunks-layout SQLite file (e.g. the monitor's file that `bench:probe --keep`
 *   keeps);
 * - `DIR`: a scrape replayed from `DIR/samples.tsv` (series index, timestamp ms, value), as bench/store-append.ts
 *   reads it, cut into chunks of 480 samples per series.
 * CPU is this process' user + system time (survives load better than wall-clock time). The `streams` line times
 * the two bit streams of format 1 alone (each chunk's timestamps and values encoded into one writer, then decoded
 * into one reused column, 5 passes; the least CPU of them): the codec's own cost without allocation and GC.
 * The `rollup rows` line times the cold range query's decode of a gap-free 1-minute rollup row (`denseRunRow`:
 * each chunk's values as the lasts of consecutive 1-minute buckets, 5 passes, the least CPU).
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { ChunkAppender, compactChunk, decodeChunk } from '../src/store/tsdb/codec/chunk.ts';
import { encodeRollup } from '../src/store/tsdb/codec/rollup-chunk.ts';
import { decodeTimestampColumn, TimestampEncoder } from '../src/store/tsdb/codec/timestamps.ts';
import { decodeXorColumn, XorEncoder } from '../src/store/tsdb/codec/xor.ts';
import { readUvarint } from '../src/store/tsdb/codec/varint.ts';
import { denseRunRow } from '../src/store/tsdb/rollup-dense.ts';
import { loadTemplate, ReplayLoad } from './ingest-data.ts';

const { values: args } = parseArgs({
  options: { source: { type: 'string', default: 'ingest' }, reps: { type: 'string', default: '3' } },
});
const REPS = Number(args.reps);
const CHUNK = 480;

interface Chunk {
  readonly ts: Float64Array;
  readonly vs: Float64Array;
}

function cut(ts: number[], vs: number[], out: Chunk[]): void {
  for (let i = 0; i < ts.length; i += CHUNK)
    out.push({
      ts: Float64Array.from(ts.slice(i, i + CHUNK)),
      vs: Float64Array.from(vs.slice(i, i + CHUNK)),
    });
}

async function load(source: string): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  if (source === 'ingest') {
    const t = await loadTemplate(2, 900);
    const l = new ReplayLoad(t, t.names.length);
    for (let i = 0; i < l.series; i++) {
      const ts: number[] = [];
      const vs: number[] = [];
      for (let k = 0; k < 960; k++) {
        ts.push(l.timestamp(i, k, 1_700_000_000_000, 1000));
        vs.push(l.value(i, k));
      }
      cut(ts, vs, chunks);
    }
  } else if (statSync(source).isDirectory()) {
    const by = new Map<number, { ts: number[]; vs: number[] }>();
    for (const line of readFileSync(join(source, 'samples.tsv'), 'utf8').split('\n')) {
      if (line === '') continue;
      const [i, t, v] = line.split('\t');
      let s = by.get(Number(i));
      if (s === undefined) by.set(Number(i), (s = { ts: [], vs: [] }));
      s.ts.push(Number(t));
      s.vs.push(Number(v));
    }
    for (const s of by.values()) cut(s.ts, s.vs, chunks);
  } else {
    const db = new BetterSqlite3(source, { readonly: true });
    for (const r of db.prepare('select data from tsdb_chunks').iterate() as Iterable<{ data: Buffer }>) {
      const d = decodeChunk(r.data);
      chunks.push({ ts: d.timestampsMs, vs: d.values });
    }
    db.close();
  }
  return chunks;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/** Bytes of the timestamp and value parts of a blob (either format: the uvarint length splits them). */
function parts(blob: Uint8Array): [number, number] {
  const c = readUvarint(blob, 1);
  const t = readUvarint(blob, c.next);
  return [t.value, blob.length - t.next - t.value];
}

const chunks = await load(args.source);
const samples = chunks.reduce((s, c) => s + c.ts.length, 0);
const rows: string[] = [];
for (let rep = 0; rep < REPS; rep++) {
  let c0 = cpuNs();
  const v1: Uint8Array[] = [];
  for (const c of chunks) {
    const a = new ChunkAppender();
    for (let i = 0; i < c.ts.length; i++) a.append(c.ts[i]!, c.vs[i]!);
    v1.push(a.bytes());
  }
  const enc1 = cpuNs() - c0;
  c0 = cpuNs();
  const v2 = v1.map(compactChunk);
  const compact = cpuNs() - c0;
  c0 = cpuNs();
  for (const b of v1) decodeChunk(b);
  const dec1 = cpuNs() - c0;
  c0 = cpuNs();
  for (const b of v2) decodeChunk(b);
  const dec2 = cpuNs() - c0;
  const size = (bs: Uint8Array[]) => {
    let all = 0;
    let ts = 0;
    let vs = 0;
    for (const b of bs) {
      const [t, v] = parts(b);
      all += b.length;
      ts += t;
      vs += v;
    }
    return `${(all / samples).toFixed(3)} (timestamps ${(ts / samples).toFixed(3)}, values ${(vs / samples).toFixed(3)})`;
  };
  if (rep === 0) {
    rows.push(`${chunks.length} chunks, ${samples} samples (${args.source})`);
    rows.push(`format 1: ${size(v1)} B/sample`);
    rows.push(`format 2: ${size(v2)} B/sample; ${v2.filter((b) => b[0] === 2).length} chunks in format 2`);
  }
  const ns = (x: number) => (x / samples).toFixed(1);
  rows.push(
    `rep ${rep + 1}: CPU ns/sample: append (format 1) ${ns(enc1)}, compaction at cut ${ns(compact)}; decode format 1 ${ns(dec1)}, format 2 ${ns(dec2)}`,
  );
}

/** Least CPU ns per sample of `passes` runs of `f` over every chunk. */
function leastNs(passes: number, f: (c: Chunk, i: number) => void): number {
  let best = Infinity;
  for (let p = 0; p < passes; p++) {
    const c0 = cpuNs();
    for (let i = 0; i < chunks.length; i++) f(chunks[i]!, i);
    best = Math.min(best, cpuNs() - c0);
  }
  return best / samples;
}
const tsBlobs: Uint8Array[] = [];
const vBlobs: Uint8Array[] = [];
for (const c of chunks) {
  const te = new TimestampEncoder(c.ts.length * 10);
  const ve = new XorEncoder(c.ts.length * 10);
  for (let i = 0; i < c.ts.length; i++) {
    te.write(c.ts[i]!);
    ve.write(c.vs[i]!);
  }
  tsBlobs.push(te.bytes());
  vBlobs.push(ve.bytes());
}
const col = new Float64Array(CHUNK);
const encTs = leastNs(5, (c) => {
  const e = new TimestampEncoder(c.ts.length * 10);
  for (let i = 0; i < c.ts.length; i++) e.write(c.ts[i]!);
});
const encV = leastNs(5, (c) => {
  const e = new XorEncoder(c.ts.length * 10);
  for (let i = 0; i < c.vs.length; i++) e.write(c.vs[i]!);
});
const decTs = leastNs(5, (c, i) => decodeTimestampColumn(tsBlobs[i]!, c.ts.length, col));
const decV = leastNs(5, (c, i) => decodeXorColumn(vBlobs[i]!, c.vs.length, col));
rows.push(
  `streams: CPU ns/sample: encode timestamps ${encTs.toFixed(1)}, values ${encV.toFixed(1)}; decode timestamps ${decTs.toFixed(1)}, values ${decV.toFixed(1)}`,
);
const MINUTE = 60_000;
const rowStart = 1_700_000_000_000 - (1_700_000_000_000 % 86_400_000);
const rollupRows = chunks.map((c) => {
  const ts = Array.from(c.vs, (_, i) => rowStart + i * MINUTE);
  const ones = new Float64Array(c.vs.length).fill(1);
  return encodeRollup({ timestampsMs: ts, count: ones, min: c.vs, max: c.vs, sum: c.vs, last: c.vs }).last;
});
const decRow = leastNs(5, (_c, i) => denseRunRow(rollupRows[i]!, rowStart, MINUTE));
rows.push(`rollup rows: CPU ns/bucket: gap-free row decode ${decRow.toFixed(1)}`);
process.stdout.write(rows.join('\n') + '\n');
