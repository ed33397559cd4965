/**
 * Where the cold range query's rollup read spends its CPU, split by statement variant (used by
 * `bench/query-profile.ts` with `DWCP_PROFILE_SPLIT=1`, on SQLite or PostgreSQL): the query's own read of
 * 1-minute `last_data` blobs (series id, row start, blob), then the same rows with only the blob's first byte
 * (the database still reads every blob, the client makes one 1-byte buffer per row), with only the blob's length
 * (no blob bytes at all), and one row holding the sum of the blobs' lengths read through `substr` (the database
 * reads every blob, the client makes one row); last, the gap-free decode of the blobs into dense columns
 * (`denseRunRow`: XOR decode, float32 check, the kept copy) and the XOR decode alone. Differences between the
 * lines give the client's cost per row object, per blob byte and per decoded value. Client CPU only (on
 * PostgreSQL the server's is not counted). Nothing is asserted.
 */
import { sql } from 'kysely';
import type { TsdbDb } from '../src/store/tsdb/chunk-repo.ts';
import { denseRunRow } from '../src/store/tsdb/rollup-dense.ts';
import { readUvarint } from '../src/store/tsdb/codec/varint.ts';
import { decodeLastStream } from '../src/store/tsdb/codec/rollup-chunk.ts';

const MIN = 60_000;
const DAY = 86_400_000;

const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Median of `xs` (ms, one decimal). */
function median(xs: readonly number[]): string {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!.toFixed(1);
}

/**
 * The value stream of a `last_data` blob (codec/rollup-chunk.ts: XOR or packed integers) decoded into `col`;
 * returns the bucket count.
 */
function valuesInto(b: Uint8Array, col: Float64Array): number {
  const n = readUvarint(b, 1);
  const l = readUvarint(b, n.next);
  decodeLastStream(b[0]!, b.subarray(l.next + l.value), n.value, col);
  return n.value;
}

/** One line per variant: median CPU ms of `reps` alternating runs, each run's value in brackets. */
export async function printHandoverSplit(db: TsdbDb, endMs: number, reps = 7): Promise<void> {
  // The rows the 24 h query reads: every 1-minute row whose day overlaps [endMs − 24 h, endMs].
  const lo = endMs - 2 * DAY;
  const where = sql`from tsdb_rollups where resolution = ${MIN} and start_ts > ${lo} and start_ts <= ${endMs}`;
  const variants: [string, () => Promise<unknown>][] = [
    [
      'rows with blobs (the query read)',
      () => sql`select series_id, start_ts, last_data ${where}`.execute(db),
    ],
    [
      'rows with 1 byte of each blob',
      () => sql`select series_id, start_ts, substr(last_data, 1, 1) as b ${where}`.execute(db),
    ],
    [
      'rows with blob lengths only',
      () => sql`select series_id, start_ts, length(last_data) as n ${where}`.execute(db),
    ],
    [
      'one row: blobs read in the database',
      () => sql`select sum(length(substr(last_data, 2))) as n ${where}`.execute(db),
    ],
  ];
  const rows = (
    await sql<{
      start_ts: number | string;
      last_data: Uint8Array;
    }>`select start_ts, last_data ${where}`.execute(db)
  ).rows;
  let bytes = 0;
  let values = 0;
  for (const r of rows) {
    bytes += r.last_data.length;
    values += readUvarint(r.last_data, 1).value;
  }
  const col = new Float64Array(1 << 16);
  let sink = 0;
  const decodes: [string, () => void][] = [
    [
      'decode into dense columns (denseRunRow)',
      () => {
        for (const r of rows) denseRunRow(r.last_data, Number(r.start_ts), MIN);
      },
    ],
    [
      'value decode and the float32 check (no kept copy)',
      () => {
        for (const r of rows) {
          const n = valuesInto(r.last_data, col);
          let f32 = true;
          for (let k = 0; k < n; k++) {
            const v = col[k]!;
            if (v !== v) break;
            if (f32 && Math.fround(v) !== v) f32 = false;
          }
          sink += f32 ? 1 : 0;
        }
      },
    ],
    [
      'allocate a kept column per row (no decode)',
      () => {
        for (const r of rows) sink += new Float32Array(readUvarint(r.last_data, 1).value).length;
      },
    ],
    [
      'kept columns as views of 1 MiB buffers (no decode)',
      () => {
        let buf = new ArrayBuffer(1 << 20);
        let off = 0;
        for (const r of rows) {
          const n = readUvarint(r.last_data, 1).value;
          if (off + 4 * n > buf.byteLength) {
            buf = new ArrayBuffer(1 << 20);
            off = 0;
          }
          sink += new Float32Array(buf, off, n).length;
          off += 4 * n;
        }
      },
    ],
    [
      'value decode alone (XOR or packed integers)',
      () => {
        for (const r of rows) valuesInto(r.last_data, col);
      },
    ],
  ];
  const times = [...variants, ...decodes].map(() => [] as number[]);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < variants.length; i++) {
      const c0 = cpuMs();
      await variants[i]![1]();
      times[i]!.push(cpuMs() - c0);
    }
    for (let j = 0; j < decodes.length; j++) {
      const c0 = cpuMs();
      decodes[j]![1]();
      times[variants.length + j]!.push(cpuMs() - c0);
    }
  }
  if (sink < 0) process.stdout.write('\n');
  process.stdout.write(
    `hand-over split: ${rows.length} rows, ${bytes} blob bytes, ${values} buckets (median CPU ms of ${reps})\n`,
  );
  [...variants, ...decodes].forEach(([label], i) =>
    process.stdout.write(
      `  ${label}: ${median(times[i]!)} [${times[i]!.map((x) => x.toFixed(0)).join(' ')}]\n`,
    ),
  );
}
