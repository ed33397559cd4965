/**
 * Float steps in segments (raw chunk format 2, value mode 4): the integer steps of float-delta.ts split at the
 * values kept whole, each segment in its own integer column (int-column.ts: its own order, centre and Rice
 * parameter). A counter reset is kept whole, and after it the counter restarts binades lower, where the same
 * increment is many more units of its spacing of doubles: a single column's Rice parameter, fitted to the
 * chunk's median step, then codes each post-reset step as an escape (22 bits more than its length). Starting a
 * new column at every whole value lets each stretch between resets get its own parameter.
 *
 * ```
 * per segment   (segment s covers the steps after whole value s up to the next whole value; one without steps
 *               is skipped)
 *   uvarint     bytes of its column
 *   bytes       integer column (int-column.ts) of its steps
 * ```
 *
 * The whole values and the guard are written as in value mode 2 (before these segments).
 */
import { StoreError } from '../../../errors.ts';
import type { FloatSteps } from './float-delta.ts';
import { decodeIntColumn, planIntColumn, writeIntColumn, type IntColumnPlan } from './int-column.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';

/** The columns of one chunk's segments, planned. */
export interface SegmentPlan {
  /** Per segment with steps: its first step index, its end (exclusive) and the column plan. */
  readonly segments: readonly { readonly from: number; readonly to: number; readonly plan: IntColumnPlan }[];
  /** Bytes the segments take (length prefixes and columns). */
  readonly bytes: number;
}

/**
 * Plans the columns of `fs`'s segments (split at its whole values); undefined when it has one whole value only
 * (nothing to split) or a segment cannot be a column.
 */
export function planStepSegments(fs: FloatSteps): SegmentPlan | undefined {
  const at = fs.wholeAt;
  if (at.length < 2) return undefined;
  const n = fs.steps.length;
  const segments: { from: number; to: number; plan: IntColumnPlan }[] = [];
  let bytes = 0;
  for (let s = 0; s < at.length; s++) {
    const from = at[s]! + 1;
    const to = s + 1 < at.length ? at[s + 1]! : n;
    if (to <= from) continue;
    const plan = planIntColumn(fs.steps.subarray(from, to));
    if (plan === undefined) return undefined;
    const len = Math.ceil(plan.bits / 8);
    bytes += uvarintLength(len) + len;
    segments.push({ from, to, plan });
  }
  return { segments, bytes };
}

/**
 * Writes the planned segments of `fs` into `out` at `off`; returns the offset after them.
 * @throws StoreError when a column is not the size its plan said (int-column.ts `writeIntColumn`).
 */
export function writeStepSegments(out: Uint8Array, off: number, fs: FloatSteps, p: SegmentPlan): number {
  for (const seg of p.segments) {
    const len = Math.ceil(seg.plan.bits / 8);
    off = writeUvarint(out, off, len);
    writeIntColumn(out, off * 8, fs.steps.subarray(seg.from, seg.to), seg.plan);
    off += len;
  }
  return off;
}

/**
 * Decodes the segments of a chunk of `n` values from `blob[off .. end)` into `steps` (the slots of whole values
 * are left as they are: the whole values replace them).
 * @throws StoreError when a segment is truncated or bytes are left over.
 */
export function decodeStepSegments(
  blob: Uint8Array,
  off: number,
  end: number,
  wholeAt: readonly number[],
  steps: Float64Array,
): void {
  const n = steps.length;
  for (let s = 0; s < wholeAt.length; s++) {
    const from = wholeAt[s]! + 1;
    const to = s + 1 < wholeAt.length ? wholeAt[s + 1]! : n;
    if (to <= from) continue;
    if (off >= end) throw new StoreError('corrupt chunk: float step segment missing');
    const len = readUvarint(blob, off);
    if (len.next + len.value > end) throw new StoreError('corrupt chunk: float step segment truncated');
    decodeIntColumn(blob.subarray(len.next, len.next + len.value), to - from, steps.subarray(from, to));
    off = len.next + len.value;
  }
  if (off !== end) throw new StoreError('corrupt chunk: bytes after the float step segments');
}
