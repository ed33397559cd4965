/**
 * The uncached reference answer the chunked store's query tests compare with: the downsampler's bucket read at one
 * resolution, one point per bucket (`bucketPoints`), and `aggregateSeries` — no row cache, no result cache.
 */
import { aggregateSeries, type AggregateOptions } from '../../../src/store/query.ts';
import type { SeriesRef } from '../../../src/store/types.ts';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { bucketPoints } from '../../../src/store/tsdb/stepped-read.ts';

/**
 * Aggregates `refs` over `opts`' window from the rollup rows at `resolutionMs` (ms), at most `maxPoints` points per
 * series (default 20,000).
 */
export async function rollupReference(
  st: OpenedChunkedStore,
  refs: readonly SeriesRef[],
  opts: AggregateOptions,
  resolutionMs: number,
  maxPoints = 20_000,
): Promise<ReturnType<typeof aggregateSeries>> {
  const buckets = await st.samples.rollups.read(
    refs.map((r) => r.id),
    resolutionMs,
    opts.startMs,
    opts.endMs,
    false,
  );
  const points = refs.map((r) => {
    const b = buckets.get(r.id)!;
    return { series: r, ...bucketPoints(b.timestampsMs, b.last, resolutionMs, maxPoints) };
  });
  return aggregateSeries(points, opts);
}
