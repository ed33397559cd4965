/**
 * Rollup blobs: time buckets of one series at one resolution (1 min or 1 h), each with min, max, sum, count
 * and last, in two parts stored in two columns, so that instant-value queries read and decode only the first:
 *
 * ```
 * last part:  byte 2, uvarint n, uvarint bytes of the ts stream,
 *             ts stream (bucket starts, delta-of-delta: 1 bit per regular bucket), last stream (XOR)
 *         or  byte 5, the same, last stream as packed integers (packed-ints.ts), when every last is an
 *             integer it holds (counters, integer gauges: decoded several times faster than XOR)
 * rest part:  byte 3, uvarint n, 3 × uvarint bytes of the count, min and max streams,
 *             count stream (one uvarint per bucket), min, max, sum streams (XOR)
 * ```
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';
import { MAX_CHUNK_SAMPLES } from './chunk.ts';
import { decodePackedInts, encodePackedInts, packableInts } from './packed-ints.ts';
import { decodeTimestampColumn, TimestampEncoder } from './timestamps.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';
import { decodeXorColumn, XorEncoder } from './xor.ts';

/** Format bytes of the two parts. */
export const ROLLUP_LAST_FORMAT = 2;
export const ROLLUP_REST_FORMAT = 3;
/** Format byte of a last part whose lasts are packed integers (packed-ints.ts) instead of XOR. */
export const ROLLUP_LAST_INT_FORMAT = 5;

/** Whether `format` is a last part's format byte. */
export function isRollupLastFormat(format: number | undefined): boolean {
  return format === ROLLUP_LAST_FORMAT || format === ROLLUP_LAST_INT_FORMAT;
}

/**
 * Decodes the last stream of a last part of format `format` (its bytes from the stream's start to the blob's
 * end) into `out[0..n)`. @throws StoreError when the stream is truncated or corrupt.
 */
export function decodeLastStream(format: number, stream: Uint8Array, n: number, out: Float64Array): void {
  if (format === ROLLUP_LAST_INT_FORMAT) decodePackedInts(stream, n, out);
  else decodeXorColumn(stream, n, out);
}

/** Time buckets as parallel arrays; `timestampsMs` are bucket starts, strictly increasing. */
export interface RollupColumns {
  readonly timestampsMs: ArrayLike<number>;
  readonly count: ArrayLike<number>;
  readonly min: ArrayLike<number>;
  readonly max: ArrayLike<number>;
  readonly sum: ArrayLike<number>;
  readonly last: ArrayLike<number>;
}

/** The two blobs of a rollup row. */
export interface RollupBlobs {
  readonly last: Uint8Array;
  readonly rest: Uint8Array;
}

/** Decoded bucket starts and last values. */
export interface DecodedRollupLast {
  readonly timestampsMs: Float64Array;
  readonly last: Float64Array;
}

/** Decoded count, min, max and sum. */
export interface DecodedRollupRest {
  readonly count: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly sum: Float64Array;
}

function xorStream(col: ArrayLike<number>, n: number): XorEncoder {
  const e = new XorEncoder(Math.max(16, n * 4));
  for (let i = 0; i < n; i++) e.write(col[i]!);
  return e;
}

/** A stream part of a blob. */
interface Part {
  copyTo(out: Uint8Array, off: number): void;
  readonly byteLength: number;
}

/** `bytes` as a part of a blob. */
function bytesPart(bytes: Uint8Array): Part {
  return { byteLength: bytes.byteLength, copyTo: (out, at) => out.set(bytes, at) };
}

/** Concatenates a header and streams into one blob. */
function assemble(format: number, n: number, lens: readonly number[], parts: readonly Part[]): Uint8Array {
  let size = 1 + uvarintLength(n);
  for (const l of lens) size += uvarintLength(l);
  for (const p of parts) size += p.byteLength;
  const out = new Uint8Array(size);
  out[0] = format;
  let off = writeUvarint(out, 1, n);
  for (const l of lens) off = writeUvarint(out, off, l);
  for (const p of parts) {
    p.copyTo(out, off);
    off += p.byteLength;
  }
  return out;
}

/**
 * Encodes buckets as the two rollup blobs.
 * @throws InvalidInputError when the columns differ in length, are empty, counts are not positive integers or
 *   bucket times are not strictly increasing integers.
 */
export function encodeRollup(c: RollupColumns): RollupBlobs {
  const n = c.timestampsMs.length;
  if (n === 0) throw new InvalidInputError('rollup: no buckets');
  for (const col of [c.count, c.min, c.max, c.sum, c.last]) {
    if (col.length !== n)
      throw new InvalidInputError(`rollup: columns differ in length (${col.length} vs ${n})`);
  }
  const tsW = new TimestampEncoder(Math.max(16, n));
  for (let i = 0; i < n; i++) tsW.write(c.timestampsMs[i]!);
  const lastPart = packableInts(c.last, n) ? bytesPart(encodePackedInts(c.last, n)) : xorStream(c.last, n);
  const lastFormat = lastPart instanceof XorEncoder ? ROLLUP_LAST_FORMAT : ROLLUP_LAST_INT_FORMAT;
  let countLen = 0;
  for (let i = 0; i < n; i++) {
    const k = c.count[i]!;
    if (!Number.isSafeInteger(k) || k < 1)
      throw new InvalidInputError(`rollup: bucket count ${k} is not a positive integer`);
    countLen += uvarintLength(k);
  }
  const counts = new Uint8Array(countLen);
  let off = 0;
  for (let i = 0; i < n; i++) off = writeUvarint(counts, off, c.count[i]!);
  const countPart = bytesPart(counts);
  const minW = xorStream(c.min, n);
  const maxW = xorStream(c.max, n);
  const sumW = xorStream(c.sum, n);
  return {
    last: assemble(lastFormat, n, [tsW.byteLength], [tsW, lastPart]),
    rest: assemble(
      ROLLUP_REST_FORMAT,
      n,
      [countLen, minW.byteLength, maxW.byteLength],
      [countPart, minW, maxW, sumW],
    ),
  };
}

function header(blob: Uint8Array, format: number, lenCount: number): { n: number; starts: number[] } {
  const ok = format === ROLLUP_LAST_FORMAT ? isRollupLastFormat(blob[0]) : blob[0] === format;
  if (blob.length < 3 || !ok)
    throw new StoreError(`corrupt rollup blob: format byte ${blob[0]} (want ${format})`);
  const nr = readUvarint(blob, 1);
  const n = nr.value;
  if (n < 1 || n > MAX_CHUNK_SAMPLES) throw new StoreError(`corrupt rollup blob: ${n} buckets`);
  let off = nr.next;
  const lens: number[] = [];
  for (let i = 0; i < lenCount; i++) {
    const r = readUvarint(blob, off);
    lens.push(r.value);
    off = r.next;
  }
  const starts = [off];
  for (const l of lens) starts.push((off += l));
  if (off > blob.length) throw new StoreError('corrupt rollup blob: streams longer than the blob');
  return { n, starts };
}

/** Decodes the last part (either format). @throws StoreError when the blob is truncated or corrupt. */
export function decodeRollupLast(blob: Uint8Array): DecodedRollupLast {
  const { n, starts } = header(blob, ROLLUP_LAST_FORMAT, 1);
  const timestampsMs = new Float64Array(n);
  const last = new Float64Array(n);
  decodeTimestampColumn(blob.subarray(starts[0]!, starts[1]!), n, timestampsMs);
  decodeLastStream(blob[0]!, blob.subarray(starts[1]!), n, last);
  return { timestampsMs, last };
}

/** Buckets in a last part (from its header). @throws StoreError when the header is corrupt. */
export function rollupLastBuckets(blob: Uint8Array): number {
  return header(blob, ROLLUP_LAST_FORMAT, 1).n;
}

/**
 * Decodes the last part into `timestampsMs` and `last` from index `offset` on (both must have room for the
 * blob's buckets: at most {@link MAX_CHUNK_SAMPLES}); returns the number of buckets written. The same values as
 * {@link decodeRollupLast}, without allocating columns.
 * @throws StoreError when the blob is truncated or corrupt, or the arrays are too short.
 */
export function decodeRollupLastInto(
  blob: Uint8Array,
  timestampsMs: Float64Array,
  last: Float64Array,
  offset: number,
): number {
  const { n, starts } = header(blob, ROLLUP_LAST_FORMAT, 1);
  if (offset + n > timestampsMs.length || offset + n > last.length)
    throw new StoreError(`rollup blob of ${n} buckets does not fit at ${offset}`);
  decodeTimestampColumn(blob.subarray(starts[0]!, starts[1]!), n, timestampsMs.subarray(offset, offset + n));
  decodeLastStream(blob[0]!, blob.subarray(starts[1]!), n, last.subarray(offset, offset + n));
  return n;
}

/** Decodes the rest part. @throws StoreError when the blob is truncated or corrupt. */
export function decodeRollupRest(blob: Uint8Array): DecodedRollupRest {
  const { n, starts } = header(blob, ROLLUP_REST_FORMAT, 3);
  const count = new Float64Array(n);
  let p = starts[0]!;
  for (let i = 0; i < n; i++) {
    const r = readUvarint(blob, p);
    count[i] = r.value;
    p = r.next;
  }
  if (p !== starts[1]) throw new StoreError('corrupt rollup blob: count stream length');
  const min = new Float64Array(n);
  const max = new Float64Array(n);
  const sum = new Float64Array(n);
  decodeXorColumn(blob.subarray(starts[1]!, starts[2]!), n, min);
  decodeXorColumn(blob.subarray(starts[2]!, starts[3]!), n, max);
  decodeXorColumn(blob.subarray(starts[3]!), n, sum);
  return { count, min, max, sum };
}
