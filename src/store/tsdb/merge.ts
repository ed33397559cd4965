/**
 * Merging the pieces of one series (decoded database chunks, the head's open chunk, chunks waiting to be
 * written) into one time-ordered run (pure). Pieces normally follow each other without overlap and are simply
 * concatenated; overlapping pieces (a checkpoint copy next to the open chunk, out-of-order chunks) are merged
 * by timestamp, keeping the first piece's sample at an equal timestamp.
 */
import { firstIndexAtLeast } from '../../math/sorted.ts';
import type { DecodedSamples } from './codec/chunk.ts';

/** Samples in [fromMs, toMs] of the pieces, time-ordered, one per timestamp, at most the latest `maxPoints`. */
export function mergePieces(
  pieces: readonly DecodedSamples[],
  fromMs: number,
  toMs: number,
  maxPoints: number,
): { timestampsMs: number[]; values: number[] } {
  const m = mergePiecesTyped(pieces, fromMs, toMs, maxPoints);
  const n = m.timestampsMs.length;
  const timestampsMs = new Array<number>(n);
  const values = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    timestampsMs[i] = m.timestampsMs[i]!;
    values[i] = m.values[i]!;
  }
  return { timestampsMs, values };
}

/** {@link mergePieces} as typed arrays (views; no copy into number arrays). */
export function mergePiecesTyped(
  pieces: readonly DecodedSamples[],
  fromMs: number,
  toMs: number,
  maxPoints: number,
): DecodedSamples {
  if (pieces.length === 1)
    return rangeOf(pieces[0]!.timestampsMs, pieces[0]!.values, fromMs, toMs, maxPoints);
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
  } else if (pieces.every((p) => nonDecreasing(p.timestampsMs))) {
    // Overlapping time-ordered pieces: merge them one after the other, the earlier pieces winning ties, and keep
    // the first sample of each timestamp — the same samples as the stable sort below, without an object per sample.
    ts = new Float64Array(0);
    vs = new Float64Array(0);
    for (const p of pieces) [ts, vs] = mergeTwo(ts, vs, p.timestampsMs, p.values);
  } else {
    const idx: { t: number; v: number; order: number }[] = [];
    let order = 0;
    for (const p of pieces)
      for (let i = 0; i < p.timestampsMs.length; i++)
        idx.push({ t: p.timestampsMs[i]!, v: p.values[i]!, order: order++ });
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
  return rangeOf(ts, vs, fromMs, toMs, maxPoints);
}

/** Range [fromMs, toMs] by binary search, then the latest maxPoints (views of the arrays). */
function rangeOf(
  ts: Float64Array,
  vs: Float64Array,
  fromMs: number,
  toMs: number,
  maxPoints: number,
): DecodedSamples {
  let lo = firstIndexAtLeast(ts, fromMs);
  const hi = firstIndexAtLeast(ts, Math.floor(toMs) + 1);
  if (hi - lo > maxPoints) lo = hi - maxPoints;
  const n = Math.max(0, hi - lo);
  return { timestampsMs: ts.subarray(lo, lo + n), values: vs.subarray(lo, lo + n) };
}

function nonDecreasing(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) return false;
  return true;
}

/** Time-ordered merge of (at, av) and (bt, bv): at equal timestamps the first sample emitted wins (a before b). */
function mergeTwo(
  at: Float64Array,
  av: Float64Array,
  bt: Float64Array,
  bv: Float64Array,
): [Float64Array, Float64Array] {
  const ts = new Float64Array(at.length + bt.length);
  const vs = new Float64Array(at.length + bt.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < at.length || j < bt.length) {
    let t: number;
    let v: number;
    if (j >= bt.length || (i < at.length && at[i]! <= bt[j]!)) {
      t = at[i]!;
      v = av[i++]!;
    } else {
      t = bt[j]!;
      v = bv[j++]!;
    }
    if (k > 0 && ts[k - 1] === t) continue;
    ts[k] = t;
    vs[k++] = v;
  }
  return [ts.subarray(0, k), vs.subarray(0, k)];
}
