/**
 * Prototype measurement of a rollup layout of per-series blocks (`npx tsx bench/query-blocks.ts [series]`):
 * what the cold 24 h / 60 s query would cost to hand over and decode its 1-minute bucket lasts into one dense
 * column per series, in the stored layout (one row per series and day, `last_data` = bucket starts
 * delta-of-delta + lasts XOR, decoded with timestamps and placed by `denseRow`) against blocks of N hours per
 * series whose last column is a run of present buckets (first index, count; a bitmap when there are holes) and
 * the XOR stream of their values, decoded straight into the dense column (no timestamps, no placement pass).
 * Also the stored layout with gap-free rows decoded straight into the column (tsdb/rollup-dense.ts).
 * SQLite (better-sqlite3) only; values: 2-decimal random walks (gauges), a fifth full-precision floats, one
 * series in 20 missing an hour. Prints CPU ms per query (handover + decode; no cache, no aggregation), rows,
 * bytes; checks that both layouts give the same columns. Nothing is asserted beyond that check.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  decodeRollupLastInto,
  encodeRollup,
  rollupLastBuckets,
} from '../src/store/tsdb/codec/rollup-chunk.ts';
import { readUvarint, uvarintLength, writeUvarint } from '../src/store/tsdb/codec/varint.ts';
import { decodeXorColumn, XorEncoder } from '../src/store/tsdb/codec/xor.ts';
import { denseRunRow } from '../src/store/tsdb/rollup-dense.ts';
import { denseRow } from '../src/store/tsdb/row-cache.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** A block's last column: format 4, uvarint slots, first, count, mode (0 run, 1 bitmap), [bitmap], XOR values. */
function encodeBlock(slots: number, present: Uint8Array, values: Float64Array): Uint8Array {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let j = 0; j < slots; j++) {
    if (!present[j]) continue;
    if (first < 0) first = j;
    last = j;
    count++;
  }
  const run = count === last - first + 1;
  const span = last - first + 1;
  const bitmap = run ? 0 : (span + 7) >>> 3;
  const w = new XorEncoder(Math.max(16, count * 4));
  for (let j = first; j <= last; j++) if (present[j]) w.write(values[j]!);
  const out = new Uint8Array(
    1 + uvarintLength(slots) + uvarintLength(first) + uvarintLength(count) + 1 + bitmap + w.byteLength,
  );
  out[0] = 4;
  let off = writeUvarint(out, 1, slots);
  off = writeUvarint(out, off, first);
  off = writeUvarint(out, off, count);
  out[off++] = run ? 0 : 1;
  if (!run) {
    for (let j = first; j <= last; j++)
      if (present[j]) out[off + ((j - first) >>> 3)]! |= 0x80 >>> ((j - first) & 7);
    off += bitmap;
  }
  w.copyTo(out, off);
  return out;
}

const scratch = new Float64Array(1 << 16);

/** Decodes a block starting at grid index g0 (may be < 0) into `lasts` (NaN-filled, length nb). */
function decodeBlockInto(blob: Uint8Array, g0: number, lasts: Float64Array, nb: number): void {
  let r = readUvarint(blob, 1);
  r = readUvarint(blob, r.next);
  const first = r.value;
  r = readUvarint(blob, r.next);
  const count = r.value;
  let off = r.next;
  const mode = blob[off++]!;
  if (mode === 0) {
    const lo = g0 + first;
    const stream = blob.subarray(off);
    if (lo >= 0 && lo + count <= nb) {
      decodeXorColumn(stream, count, lasts.subarray(lo, lo + count));
      return;
    }
    // Decode only up to the grid's end; copy the part inside the grid.
    const need = Math.min(count, nb - lo);
    if (need <= 0) return;
    decodeXorColumn(stream, need, scratch);
    for (let j = Math.max(0, -lo); j < need; j++) lasts[lo + j] = scratch[j]!;
    return;
  }
  // Bitmap: values of present buckets in order.
  let span = 0;
  const bytes = blob.length - off;
  void bytes;
  // The span is the last set bit + 1; count set bits as we go.
  const bm = off;
  let seen = 0;
  let j = 0;
  const idx = new Int32Array(count);
  while (seen < count) {
    if ((blob[bm + (j >>> 3)]! & (0x80 >>> (j & 7))) !== 0) idx[seen++] = j;
    j++;
  }
  span = j;
  off = bm + ((span + 7) >>> 3);
  decodeXorColumn(blob.subarray(off), count, scratch);
  for (let q = 0; q < count; q++) {
    const g = g0 + first + idx[q]!;
    if (g >= 0 && g < nb) lasts[g] = scratch[q]!;
  }
}

async function main(): Promise<void> {
  const S = Number(process.argv[2] ?? 10_000);
  const root = mkdtempSync(join(tmpdir(), 'dwcp-query-blocks-'));
  try {
    const end = Math.floor(Date.now() / DAY) * DAY + 13 * HOUR + 17 * MIN; // "now", mid-day
    const day0 = Math.floor((end - DAY) / DAY) * DAY - DAY; // three days of buckets
    const total = 3 * 1440;
    const db = new BetterSqlite3(join(root, 'b.db'));
    db.pragma('journal_mode = WAL');
    db.exec(
      'create table day_rows (series_id integer, start_ts integer, last_data blob, primary key (series_id, start_ts)) without rowid',
    );
    const blockHours = [24, 48];
    for (const h of blockHours)
      db.exec(
        `create table blocks_${h} (series_id integer, start_ts integer, data blob, primary key (series_id, start_ts)) without rowid`,
      );
    const insA = db.prepare('insert into day_rows values (?, ?, ?)');
    const insB = blockHours.map((h) => db.prepare(`insert into blocks_${h} values (?, ?, ?)`));
    let rnd = 12345;
    const rand = (): number => {
      rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
      return rnd / 0x7fffffff;
    };
    const vals = new Float64Array(total);
    const present = new Uint8Array(total);
    db.transaction(() => {
      for (let s = 1; s <= S; s++) {
        let v = 100 * rand();
        const full = s % 5 === 0;
        const hole = s % 20 === 0 ? Math.floor(rand() * (total - 60)) : -1;
        for (let k = 0; k < total; k++) {
          v += rand() - 0.5;
          vals[k] = full ? v : Math.round(v * 100) / 100;
          present[k] = hole >= 0 && k >= hole && k < hole + 60 ? 0 : 1;
        }
        for (let d = 0; d < 3; d++) {
          const ts: number[] = [];
          const last: number[] = [];
          for (let k = d * 1440; k < (d + 1) * 1440; k++) {
            if (!present[k]) continue;
            ts.push(day0 + k * MIN);
            last.push(vals[k]!);
          }
          if (ts.length === 0) continue;
          const ones = ts.map(() => 1);
          insA.run(
            s,
            day0 + d * DAY,
            encodeRollup({ timestampsMs: ts, count: ones, min: last, max: last, sum: last, last }).last,
          );
        }
        blockHours.forEach((h, bi) => {
          const slots = (h * HOUR) / MIN;
          for (let b0 = 0; b0 < total; b0 += slots) {
            const sl = Math.min(slots, total - b0);
            insB[bi]!.run(
              s,
              day0 + b0 * MIN,
              encodeBlock(sl, present.subarray(b0, b0 + sl), vals.subarray(b0, b0 + sl)),
            );
          }
        });
      }
    })();
    const bytes = (t: string, c: string): number =>
      (db.prepare(`select sum(length(${c})) as b from ${t}`).get() as { b: number }).b;
    process.stdout.write(
      `blob bytes per series per day: day rows ${(bytes('day_rows', 'last_data') / S / 3).toFixed(0)}, ` +
        blockHours
          .map((h) => `${h} h blocks ${(bytes(`blocks_${h}`, 'data') / S / 3).toFixed(0)}`)
          .join(', ') +
        '\n',
    );
    // The 24 h query at 60 s: buckets from bucketStart(end − DAY) to end, one dense column per series.
    const from = end - DAY;
    const nb = Math.floor((end - from) / MIN) + 1;
    const tmpTs = new Float64Array(1440);
    const tmpLast = new Float64Array(1440);
    const lastsA = new Float64Array(nb);
    const lastsB = new Float64Array(nb);
    let checksum = 0;
    const qA = db.prepare(
      'select series_id, start_ts, last_data from day_rows where series_id between ? and ? and start_ts between ? and ? order by series_id, start_ts',
    );
    const readA = (check: Float64Array[] | undefined, direct = false): number => {
      const rows = qA.all(1, S, Math.floor(from / DAY) * DAY, end) as {
        series_id: number;
        start_ts: number;
        last_data: Uint8Array;
      }[];
      let i = 0;
      let cur = -1;
      const flush = (): void => {
        if (cur < 0) return;
        if (check) check[cur - 1] = Float64Array.from(lastsA);
        checksum += lastsA[nb - 1]!;
      };
      for (const r of rows) {
        if (r.series_id !== cur) {
          flush();
          cur = r.series_id;
          lastsA.fill(Number.NaN);
        }
        let row = direct ? denseRunRow(r.last_data, r.start_ts, MIN) : undefined;
        if (row === undefined) {
          const m = rollupLastBuckets(r.last_data);
          decodeRollupLastInto(r.last_data, tmpTs, tmpLast, 0);
          row = denseRow(r.start_ts, MIN, tmpTs, tmpLast, m)!;
        }
        const off = (r.start_ts - from) / MIN;
        for (let k = Math.max(0, -off); k < row.length && off + k < nb; k++) lastsA[off + k] = row[k]!;
        i++;
      }
      flush();
      return i;
    };
    const readB = (h: number, check: Float64Array[] | undefined): number => {
      const span = h * HOUR;
      const rows = db
        .prepare(
          `select series_id, start_ts, data from blocks_${h} where series_id between ? and ? and start_ts between ? and ? order by series_id, start_ts`,
        )
        .all(1, S, day0 + Math.floor((from - day0) / span) * span, end) as {
        series_id: number;
        start_ts: number;
        data: Uint8Array;
      }[];
      let cur = -1;
      const flush = (): void => {
        if (cur < 0) return;
        if (check) {
          const a = check[cur - 1]!;
          for (let k = 0; k < nb; k++)
            if (!Object.is(a[k], lastsB[k]))
              throw new Error(`series ${cur} bucket ${k}: ${a[k]} vs ${lastsB[k]}`);
        }
        checksum += lastsB[nb - 1]!;
      };
      for (const r of rows) {
        if (r.series_id !== cur) {
          flush();
          cur = r.series_id;
          lastsB.fill(Number.NaN);
        }
        decodeBlockInto(r.data, (r.start_ts - from) / MIN, lastsB, nb);
      }
      flush();
      return rows.length;
    };
    const ref: Float64Array[] = new Array(S);
    const rowsA = readA(ref);
    for (const h of blockHours) readB(h, ref);
    process.stdout.write(`check: every column equal in both layouts (${S} series)\n`);
    const reps = 5;
    const times: Record<string, number[]> = { day: [], direct: [] };
    for (const h of blockHours) times[`${h}h`] = [];
    let rowsB: Record<string, number> = {};
    for (let r = 0; r < reps; r++) {
      let c0 = cpuMs();
      readA(undefined);
      times.day!.push(cpuMs() - c0);
      c0 = cpuMs();
      readA(undefined, true);
      times.direct!.push(cpuMs() - c0);
      for (const h of blockHours) {
        c0 = cpuMs();
        rowsB = { ...rowsB, [`${h}h`]: readB(h, undefined) };
        times[`${h}h`]!.push(cpuMs() - c0);
      }
    }
    const med = (a: number[]): string => [...a].sort((x, y) => x - y)[a.length >> 1]!.toFixed(1);
    process.stdout.write(
      `day rows (stored layout): ${rowsA} rows, CPU ms/query median ${med(times.day!)} [${times.day!.map((x) => x.toFixed(0)).join(' ')}]\n`,
    );
    process.stdout.write(
      `day rows, gap-free rows decoded straight into the column (denseRunRow): CPU ms/query median ${med(times.direct!)} [${times.direct!.map((x) => x.toFixed(0)).join(' ')}]\n`,
    );
    for (const h of blockHours)
      process.stdout.write(
        `${h} h blocks: ${rowsB[`${h}h`]} rows, CPU ms/query median ${med(times[`${h}h`]!)} [${times[`${h}h`]!.map((x) => x.toFixed(0)).join(' ')}]\n`,
      );
    process.stdout.write(`(checksum ${checksum.toFixed(3)})\n`);
    db.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
