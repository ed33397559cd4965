/**
 * A rollup chunk: time buckets of one series at one resolution (1 min or 1 h), each with min, max, sum, count
 * and last, stored column by column so a reader decodes only the columns a query needs:
 *
 * ```
 * byte 0        format (2)
 * uvarint       bucket count (>= 1)
 * 5 × uvarint   bytes of the ts, count, min, max and sum streams
 * bytes         ts stream: bucket start times, delta-of-delta (timestamps.ts; 1 bit per regular bucket)
 * bytes         count stream: one uvarint per bucket
 * bytes         min, max, sum streams: XOR (xor.ts)
 * bytes         last stream: XOR, to the end of the blob
 * ```
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';
import { BitReader, BitWriter } from './bits.ts';
import { MAX_CHUNK_SAMPLES } from './chunk.ts';
import { TimestampDecoder, TimestampEncoder } from './timestamps.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';
import { XorDecoder, XorEncoder } from './xor.ts';

/** Format byte of a rollup chunk. */
export const ROLLUP_CHUNK_FORMAT = 2;

/** Time buckets as parallel arrays; `timestampsMs` are bucket starts, strictly increasing. */
export interface RollupColumns {
  readonly timestampsMs: ArrayLike<number>;
  readonly count: ArrayLike<number>;
  readonly min: ArrayLike<number>;
  readonly max: ArrayLike<number>;
  readonly sum: ArrayLike<number>;
  readonly last: ArrayLike<number>;
}

/** Decoded buckets; columns not asked for are absent. */
export interface DecodedRollup {
  readonly timestampsMs: Float64Array;
  readonly count?: Float64Array;
  readonly min?: Float64Array;
  readonly max?: Float64Array;
  readonly sum?: Float64Array;
  readonly last?: Float64Array;
}

/** Value columns of a rollup, in blob order. */
export type RollupValueColumn = 'min' | 'max' | 'sum' | 'last';
const VALUE_COLUMNS: readonly RollupValueColumn[] = ['min', 'max', 'sum', 'last'];

/**
 * Encodes buckets as one rollup blob.
 * @throws InvalidInputError when the columns differ in length, are empty, counts are not positive integers or
 *   bucket times are not strictly increasing safe integers.
 */
export function encodeRollup(c: RollupColumns): Uint8Array {
  const n = c.timestampsMs.length;
  if (n === 0) throw new InvalidInputError('rollup: no buckets');
  for (const col of [c.count, c.min, c.max, c.sum, c.last]) {
    if (col.length !== n) throw new InvalidInputError(`rollup: columns differ in length (${col.length} vs ${n})`);
  }
  const tsW = new BitWriter(Math.max(16, n));
  const tsE = new TimestampEncoder();
  for (let i = 0; i < n; i++) tsE.write(tsW, c.timestampsMs[i]!);
  let countLen = 0;
  for (let i = 0; i < n; i++) {
    const k = c.count[i]!;
    if (!Number.isSafeInteger(k) || k < 1) throw new InvalidInputError(`rollup: bucket count ${k} is not a positive integer`);
    countLen += uvarintLength(k);
  }
  const streams = VALUE_COLUMNS.map((name) => {
    const w = new BitWriter(Math.max(16, n * 4));
    const e = new XorEncoder();
    const col = c[name];
    for (let i = 0; i < n; i++) e.write(w, col[i]!);
    return w;
  });
  const lens = [tsW.byteLength, countLen, streams[0]!.byteLength, streams[1]!.byteLength, streams[2]!.byteLength];
  let size = 1 + uvarintLength(n) + tsW.byteLength + countLen;
  for (const l of lens) size += uvarintLength(l);
  for (const s of streams) size += s.byteLength;
  const out = new Uint8Array(size);
  out[0] = ROLLUP_CHUNK_FORMAT;
  let off = writeUvarint(out, 1, n);
  for (const l of lens) off = writeUvarint(out, off, l);
  tsW.copyTo(out, off);
  off += tsW.byteLength;
  for (let i = 0; i < n; i++) off = writeUvarint(out, off, c.count[i]!);
  for (const s of streams) {
    s.copyTo(out, off);
    off += s.byteLength;
  }
  return out;
}

/**
 * Decodes bucket times and the asked-for columns of a rollup blob.
 * @param columns value columns to decode (default all); `count` is decoded when `withCount` is true.
 * @throws StoreError when the blob is truncated or corrupt.
 */
export function decodeRollup(blob: Uint8Array, columns: readonly RollupValueColumn[] = VALUE_COLUMNS, withCount = true): DecodedRollup {
  if (blob.length < 8 || blob[0] !== ROLLUP_CHUNK_FORMAT) throw new StoreError(`corrupt rollup chunk: format byte ${blob[0]} (want ${ROLLUP_CHUNK_FORMAT})`);
  const nr = readUvarint(blob, 1);
  const n = nr.value;
  if (n < 1 || n > MAX_CHUNK_SAMPLES) throw new StoreError(`corrupt rollup chunk: ${n} buckets`);
  let off = nr.next;
  const lens: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = readUvarint(blob, off);
    lens.push(r.value);
    off = r.next;
  }
  const starts: number[] = [];
  for (const l of lens) {
    starts.push(off);
    off += l;
  }
  starts.push(off); // last stream
  if (off > blob.length) throw new StoreError('corrupt rollup chunk: streams longer than the blob');
  const timestampsMs = new Float64Array(n);
  const tsR = new BitReader(blob.subarray(starts[0]!, starts[1]!));
  const tsD = new TimestampDecoder();
  for (let i = 0; i < n; i++) timestampsMs[i] = tsD.read(tsR);
  const out: { -readonly [K in keyof DecodedRollup]: DecodedRollup[K] } = { timestampsMs };
  if (withCount) {
    const count = new Float64Array(n);
    let p = starts[1]!;
    const end = starts[2]!;
    for (let i = 0; i < n; i++) {
      const r = readUvarint(blob, p);
      count[i] = r.value;
      p = r.next;
      if (p > end) throw new StoreError('corrupt rollup chunk: count stream overruns');
    }
    out.count = count;
  }
  for (const name of columns) {
    const idx = VALUE_COLUMNS.indexOf(name);
    const end = idx === 3 ? blob.length : starts[idx + 3]!;
    const r = new BitReader(blob.subarray(starts[idx + 2]!, end));
    const d = new XorDecoder();
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) col[i] = d.read(r);
    out[name] = col;
  }
  return out;
}
