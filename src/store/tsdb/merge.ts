/**
 * Merging the pieces of one series (decoded database chunks, the head's open chunk, chunks waiting to be
 * written) into one time-ordered run (pure). Pieces normally follow each other without overlap and are simply
 * concatenated; overlapping pieces (a checkpoint copy next to the open chunk, out-of-order chunks) are merged
 * by timestamp, keeping the first piece's sample at an equal timestamp.
 */
import { firstIndexAtLeast } from '../../math/sorted.ts';
import type { DecodedSamples } from './codec/chunk.ts';

/** Samples in [fromMs, toMs] of the pieces, time-ordered, one per timestamp, at most the latest `maxPoints`. */
export function mergePieces(pieces: readonly DecodedSamples[], fromMs: number, toMs: number, maxPoints: number): { timestampsMs: number[]; values: number[] } {
  let ordered = true;
  let total = 0;
  let prevLast = -Infinity;
  for (const p of pieces) {
    const n = p.timestampsMs.length;
    if (n === 0) continue;
    if (p.timestampsMs[0]! <= prevLast) ordered = false;
    prevLast = p.timestampsMs[n - 1]!;
    total += n;
  }
  let ts: Float64Array;
  let vs: Float64Array;
  if (ordered) {
    ts = new Float64Array(total);
    vs = new Float64Array(total);
    let k = 0;
    for (const p of pieces) {
      ts.set(p.timestampsMs, k);
      vs.set(p.values, k);
      k += p.timestampsMs.length;
    }
  } else {
    const idx: { t: number; v: number; order: number }[] = [];
    let order = 0;
    for (const p of pieces) for (let i = 0; i < p.timestampsMs.length; i++) idx.push({ t: p.timestampsMs[i]!, v: p.values[i]!, order: order++ });
    idx.sort((a, b) => a.t - b.t || a.order - b.order);
    ts = new Float64Array(idx.length);
    vs = new Float64Array(idx.length);
    let k = 0;
    for (const e of idx) {
      if (k > 0 && ts[k - 1] === e.t) continue;
      ts[k] = e.t;
      vs[k] = e.v;
      k++;
    }
    ts = ts.subarray(0, k);
    vs = vs.subarray(0, k);
  }
  // Range [fromMs, toMs] by binary search, then the latest maxPoints.
  let lo = firstIndexAtLeast(ts, fromMs);
  const hi = firstIndexAtLeast(ts, Math.floor(toMs) + 1);
  if (hi - lo > maxPoints) lo = hi - maxPoints;
  const n = Math.max(0, hi - lo);
  const timestampsMs = new Array<number>(n);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    timestampsMs[i] = ts[lo + i]!;
    values[i] = vs[lo + i]!;
  }
  return { timestampsMs, values };
}
