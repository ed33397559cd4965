/**
 * The per-interval means of a histogram's `_sum`/`_count` pair (./rollout-inputs.ts `intervalMeans`,
 * `intervalSized`) by a merge of the two timestamp columns instead of a map of one of them: stored series come
 * back in time order, so the pairing needs no per-point map entry and no per-point object beyond the results.
 * Used only where the columns are ordered ({@link orderedForJoin}); the results are the map join's, field for field.
 */
import type { Labels } from '../model/sample.ts';
import type { SeriesPoints } from '../store/types.ts';

const increase = (prev: number, cur: number): number => (cur >= prev ? cur - prev : cur);

/** True when every timestamp is a number above the one before (each timestamp once, in order; no NaN). */
export function strictlyIncreasing(ts: readonly number[]): boolean {
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (!(t > prev)) return false;
    prev = t;
  }
  return true;
}

/** True when every timestamp is a number at or above the one before (no NaN). */
function nonDecreasing(ts: readonly number[]): boolean {
  let prev = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (!(t >= prev)) return false;
    prev = t;
  }
  return true;
}

/**
 * Whether a sum/count pair (and the size counter, when given) can be merged: sum timestamps in order, count and
 * size timestamps strictly increasing (a map of them would hold each once).
 */
export function orderedForJoin(sum: SeriesPoints, count: SeriesPoints, size?: SeriesPoints): boolean {
  return (
    nonDecreasing(sum.timestampsMs) &&
    strictlyIncreasing(count.timestampsMs) &&
    (size === undefined || strictlyIncreasing(size.timestampsMs))
  );
}

/** One per-interval observation mean: interval end `tMs`, Δsum/Δcount, Δcount, series labels (and their key). */
export interface IntervalMean {
  readonly tMs: number;
  readonly mean: number;
  readonly sumDelta: number;
  readonly countDelta: number;
  readonly labelsKey: string;
  readonly labels: Labels;
}

/** One interval mean as `intervalMeans` gives it (`sizeDelta` only with a size counter). */
export interface JoinedMean extends IntervalMean {
  readonly sizeDelta?: number;
}

/**
 * Appends to `out` the interval means of one ordered pair ({@link orderedForJoin}), labelled `key`: what the map
 * join of `intervalMeans` gives (points without a count, or without a finite size, at their time are skipped; a
 * decrease is a reset). With `size`, only intervals whose size increase is > 0 are kept, with `sizeDelta` (as
 * `intervalSized` keeps them).
 */
export function joinOrdered(
  s: SeriesPoints,
  c: SeriesPoints,
  key: string,
  size: SeriesPoints | undefined,
  out: JoinedMean[],
): void {
  const sts = s.timestampsMs;
  const svs = s.values;
  const cts = c.timestampsMs;
  const cvs = c.values;
  const cn = cts.length;
  const zts = size?.timestampsMs;
  const zvs = size?.values;
  const zn = zts?.length ?? 0;
  const labels = s.series.labels;
  let j = 0;
  let k = 0;
  let havePrev = false;
  let prevSum = 0;
  let prevCount = 0;
  let prevSize = 0;
  for (let i = 0; i < sts.length; i++) {
    const t = sts[i]!;
    const sum = svs[i]!;
    while (j < cn && cts[j]! < t) j++;
    if (j === cn || cts[j] !== t) continue;
    const count = cvs[j]!;
    let sz = 0;
    if (zts !== undefined) {
      while (k < zn && zts[k]! < t) k++;
      if (k === zn || zts[k] !== t) continue;
      sz = zvs![k]!;
      if (!Number.isFinite(sz)) continue;
    }
    if (!Number.isFinite(sum) || !Number.isFinite(count)) continue;
    if (havePrev) {
      const ds = count >= prevCount && sum >= prevSum ? sum - prevSum : sum;
      const dc = increase(prevCount, count);
      if (dc > 0) {
        if (zts === undefined)
          out.push({ tMs: t, mean: ds / dc, sumDelta: ds, countDelta: dc, labelsKey: key, labels });
        else {
          const sizeDelta = increase(prevSize, sz);
          if (sizeDelta > 0)
            out.push({
              tMs: t,
              mean: ds / dc,
              sumDelta: ds,
              countDelta: dc,
              labelsKey: key,
              labels,
              sizeDelta,
            });
        }
      }
    }
    havePrev = true;
    prevSum = sum;
    prevCount = count;
    prevSize = sz;
  }
}
