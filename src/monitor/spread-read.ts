/**
 * Reads a long window of dense series as an evenly spread sample: the window is cut into `buckets` equal
 * sub-windows and at most `perBucket` of the latest points of each are read (the store returns the latest points
 * of a range). A plain read of the latest N points of a week of 1 s scrapes would hold only the last hours; this
 * read keeps the whole span at a bounded cost (`buckets` queries, at most `buckets × perBucket` points per
 * series).
 */
import { InvalidInputError } from '../errors.ts';
import type { AnalysisWindow } from '../contract/common.ts';
import type { SampleStore, SeriesPoints, SeriesRef } from '../store/types.ts';

/**
 * Reads `refs` over `window` (both ends included) in `buckets` sub-windows of at most `perBucket` points each.
 * Series without any point are left out; points are in time order.
 * @throws InvalidInputError for buckets or perBucket that are not positive integers; StoreError from the store.
 */
export async function readSpread(
  store: Pick<SampleStore, 'readPoints'>,
  refs: readonly SeriesRef[],
  window: AnalysisWindow,
  buckets: number,
  perBucket: number,
): Promise<SeriesPoints[]> {
  if (!(Number.isInteger(buckets) && buckets >= 1 && buckets <= 10_000))
    throw new InvalidInputError(`buckets must be an integer in [1, 10000], got ${buckets}`);
  if (!(Number.isInteger(perBucket) && perBucket >= 1))
    throw new InvalidInputError(`perBucket must be a positive integer, got ${perBucket}`);
  const acc = new Map<number, { series: SeriesRef; t: number[]; v: number[] }>();
  const span = window.endMs - window.startMs;
  for (let b = 0; b < buckets; b++) {
    const from = window.startMs + Math.floor((b * span) / buckets);
    const to = b === buckets - 1 ? window.endMs : window.startMs + Math.floor(((b + 1) * span) / buckets) - 1;
    if (to < from) continue;
    for (const p of await store.readPoints(refs, from, to, perBucket)) {
      const a = acc.get(p.series.id) ?? { series: p.series, t: [], v: [] };
      for (let i = 0; i < p.timestampsMs.length; i++) {
        a.t.push(p.timestampsMs[i]!);
        a.v.push(p.values[i]!);
      }
      acc.set(p.series.id, a);
    }
  }
  const series: SeriesPoints[] = [];
  for (const ref of refs) {
    const a = acc.get(ref.id);
    if (a !== undefined && a.t.length > 0) series.push({ series: a.series, timestampsMs: a.t, values: a.v });
  }
  return series;
}
