/**
 * Values kept whole inside a value section of raw chunk format 2: a list of (index, 64 bits) that the decoder
 * writes over the column it decoded. Float steps (float-delta.ts) keep the first value, counter resets and
 * the like whole; the decimal column with exceptions keeps NaNs (Prometheus' stale marker, failed scrapes),
 * ±Inf and −0 whole so that the rest of the chunk keeps its decimal mantissas.
 *
 * ```
 * uvarint       W (>= 1)
 * W ×           uvarint index gap (the first: the index itself; then >= 1), 8 bytes IEEE 754 little-endian
 * ```
 */
import { StoreError } from '../../../errors.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';

/** Bytes {@link writeWholeValues} takes for these indexes (ascending). */
export function wholeValuesBytes(at: readonly number[]): number {
  let b = uvarintLength(at.length) + 8 * at.length;
  let prev = 0;
  for (const i of at) {
    b += uvarintLength(i - prev);
    prev = i;
  }
  return b;
}

/** Writes the values of `values` at the ascending indexes `at` (at least one); returns the offset after them. */
export function writeWholeValues(
  out: Uint8Array,
  off: number,
  at: readonly number[],
  values: ArrayLike<number>,
): number {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  off = writeUvarint(out, off, at.length);
  let prev = 0;
  for (const i of at) {
    off = writeUvarint(out, off, i - prev);
    prev = i;
    view.setFloat64(off, values[i]!, true);
    off += 8;
  }
  return off;
}

/** Whole values as read. */
export interface WholeValues {
  readonly at: number[];
  readonly values: number[];
  /** Offset after them. */
  readonly next: number;
}

/**
 * Reads whole values of a chunk of `n` samples at `off`.
 * @throws StoreError when the list is empty, longer than the chunk, out of order or truncated.
 */
export function readWholeValues(blob: Uint8Array, off: number, n: number): WholeValues {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const w = readUvarint(blob, off);
  if (w.value < 1 || w.value > n) throw new StoreError(`corrupt chunk: ${w.value} whole values`);
  const at: number[] = [];
  const values: number[] = [];
  let next = w.next;
  let i = 0;
  for (let k = 0; k < w.value; k++) {
    const gap = readUvarint(blob, next);
    i += gap.value;
    if ((k > 0 && gap.value === 0) || i >= n || gap.next + 8 > blob.length)
      throw new StoreError('corrupt chunk: whole value out of place');
    at.push(i);
    values.push(view.getFloat64(gap.next, true));
    next = gap.next + 8;
  }
  return { at, values, next };
}
