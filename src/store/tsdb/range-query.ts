/**
 * Range queries of the chunks layout at rollup resolutions, aggregated while the buckets are decoded
 * (last-buckets.ts) and served in part from the result cache (result-cache.ts).
 *
 * The value of a series at step t is its latest bucket point (bucket start + resolution − 1) in (t − L, t]
 * (query.ts), so it reads only buckets starting at or after t − L − res + 2 and at or before t − res + 1. Hence a
 * step's aggregate depends only on rollup rows below the watermark w when t ≤ w + res − 2, does not depend on
 * where the range starts when t ≥ from + L + res (from: the first bucket the range reads), and is not touched by
 * retention deleting rows that end before c when t ≥ c + L + res. Those steps are cached; a query takes the
 * cached steps inside its range and computes the rest in at most two narrower reads (before and after them),
 * each with the aggregation of the full query restricted to its steps, and merges them per group.
 */
import { MIN_LOOKBACK_MS, RangeAggregator, type AggregateOptions, type AggregateResult } from '../query.ts';
import type { RangeQueryResult } from '../stepped-types.ts';
import type { SeriesRef } from '../types.ts';
import { StepAlignment } from './dense-steps.ts';
import type { DenseBucketVisitor, LastBucketVisitor } from './last-buckets.ts';
import { bucketStart } from './rollup.ts';
import type { CachedGroup, CachedResult, QueryResultCache } from './result-cache.ts';

/** What the query reads from: the buckets visitor and the state the cache validity depends on. */
export interface RangeQuerySource {
  /** Visits the bucket lasts of `series` at `res` with start in [bucketStart(fromMs), toMs] (last-buckets.ts). */
  visit(
    series: readonly SeriesRef[],
    res: number,
    fromMs: number,
    toMs: number,
    visit: LastBucketVisitor,
  ): Promise<void>;
  /**
   * The same buckets as one dense column per series over the grid bucketStart(fromMs), + res, … up to toMs
   * (last-buckets.ts `visitDenseBuckets`); false when a bucket lies off the grid (then use `visit`).
   */
  visitDense?(
    series: readonly SeriesRef[],
    res: number,
    fromMs: number,
    toMs: number,
    visit: DenseBucketVisitor,
  ): Promise<boolean>;
  /** The rollup watermark now (undefined: nothing rolled up). */
  watermark(): number | undefined;
  /** The rollup rows' write epoch now (row-cache.ts `writeEpoch`). */
  epoch(): number;
  /** Rows of `res` ending before this may have been deleted by retention. */
  deletedBefore(res: number): number;
  /**
   * Whether no rollup write since write epoch `since` touched a bucket starting in [fromMs, toMs] of a series
   * in `ids` (row-cache.ts `unchangedSince`; false when that cannot be told).
   */
  unchangedSince(since: number, ids: readonly number[], fromMs: number, toMs: number): boolean;
}

/**
 * The uncached query over [startMs, endMs] at rollup resolution `res` (exactly `readForStep` + `aggregateSeries`),
 * reading buckets from `readFromMs` on (default `startMs`; a later start serves a part of a query whose
 * steps need no earlier bucket).
 * @throws InvalidInputError from the aggregation's checks. @throws StoreError on backend failure.
 */
export async function aggregateRange(
  src: RangeQuerySource,
  series: readonly SeriesRef[],
  opts: AggregateOptions,
  res: number,
  maxPointsPerSeries: number,
  readFromMs: number = opts.startMs,
): Promise<RangeQueryResult> {
  // Dense: when no series can reach maxPointsPerSeries (so none is truncated), each series' buckets come as
  // one column over the bucket grid and its step values are picked (or, for `rate`, its windows' increases
  // taken) by an alignment computed once for every series.
  const from = bucketStart(readFromMs, res);
  const nb = Math.floor((opts.endMs - from) / res) + 1;
  if (src.visitDense !== undefined && nb < maxPointsPerSeries) {
    const acc = new RangeAggregator(opts, series.length);
    const { startMs, endMs, stepMs } = opts;
    const steps = Math.floor((endMs - startMs) / stepMs) + 1;
    const lookback = Math.max(2 * stepMs, MIN_LOOKBACK_MS);
    const align = new StepAlignment(from, res, nb, startMs, stepMs, steps, lookback);
    const dense = await src.visitDense(
      series,
      res,
      readFromMs,
      endMs,
      opts.agg === 'rate'
        ? (i, lasts, n) => acc.addRateColumn(series[i]!.labels, lasts, n, align.lo, align.hi, res)
        : (i, lasts) => acc.addColumn(series[i]!.labels, lasts, align.lo, align.hi),
    );
    if (dense) return { ...acc.finish(), truncated: false };
  }
  const acc = new RangeAggregator(opts, series.length);
  let truncated = false;
  await src.visit(series, res, readFromMs, opts.endMs, (i, ts, last, n) => {
    if (n >= maxPointsPerSeries) truncated = true;
    const from = Math.max(0, n - maxPointsPerSeries);
    for (let k = from; k < n; k++) ts[k] = ts[k]! + res - 1;
    acc.add(series[i]!.labels, ts, last, from, n);
  });
  return { ...acc.finish(), truncated };
}

/** Group key of output labels (as `RangeAggregator` keys its groups). */
function groupKey(labels: Readonly<Record<string, string>>, by: readonly string[]): string {
  let k = '';
  for (const l of by) k += (labels[l] ?? '') + '\u0000';
  return k;
}

/** Cache key of a query shape (the steps' absolute times are in the entry). */
function shapeKey(series: readonly SeriesRef[], opts: AggregateOptions, res: number): string {
  // `rate` sums increases from the first bucket read, so its rounding depends on where the range starts: its
  // steps are reused only by queries with the same start (and read from it).
  const phase =
    opts.agg === 'rate' ? `@${opts.startMs}` : ((opts.startMs % opts.stepMs) + opts.stepMs) % opts.stepMs;
  let ids = '';
  for (const s of series) ids += s.id + ',';
  return `${opts.agg}|${(opts.by ?? []).join('\u0000')}|${opts.stepMs}|${phase}|${res}|${ids}`;
}

/** Smallest grid time (startMs + i × step) at or after `t`, as a step index (may be < 0 or ≥ steps). */
function stepAtOrAfter(t: number, startMs: number, stepMs: number): number {
  return Math.ceil((t - startMs) / stepMs);
}

/** Smallest grid time at or before `t`, as a step index. */
function stepAtOrBefore(t: number, startMs: number, stepMs: number): number {
  return Math.floor((t - startMs) / stepMs);
}

/**
 * The query with the result cache (see the file header); the same answer as {@link aggregateRange}. Falls back
 * to it when the cache is off or a series could be truncated (`maxPointsPerSeries` reached).
 * @throws InvalidInputError from the aggregation's checks. @throws StoreError on backend failure.
 */
export async function cachedAggregateRange(
  src: RangeQuerySource,
  cache: QueryResultCache,
  series: readonly SeriesRef[],
  opts: AggregateOptions,
  res: number,
  maxPointsPerSeries: number,
): Promise<RangeQueryResult> {
  const { startMs, endMs, stepMs } = opts;
  const from = bucketStart(startMs, res);
  const w = src.watermark();
  // Checks the options (throws like the uncached path) before anything is read.
  new RangeAggregator(opts, series.length);
  if (cache.maxBytes <= 0 || w === undefined || Math.floor((endMs - from) / res) + 1 >= maxPointsPerSeries)
    return aggregateRange(src, series, opts, res, maxPointsPerSeries);
  const steps = Math.floor((endMs - startMs) / stepMs) + 1;
  const by = opts.by ?? [];
  const lookback = Math.max(2 * stepMs, MIN_LOOKBACK_MS);
  const epoch = src.epoch();
  const cut = src.deletedBefore(res);
  const key = shapeKey(series, opts, res);
  // Steps of this query that the cache may serve or keep: [lo, hi] (indices).
  const lo = Math.max(
    0,
    stepAtOrAfter(from + lookback + res, startMs, stepMs),
    stepAtOrAfter(cut + lookback + res, startMs, stepMs),
  );
  const hi = Math.min(steps - 1, stepAtOrBefore(w + res - 2, startMs, stepMs));
  const entry = cache.get(key);
  let a = 0;
  let b = -1; // cached steps used: [a, b]
  // An entry computed under an older watermark keeps its steps (they read only buckets below it, which a pass
  // moving the watermark does not write) unless a rollup write since touched the buckets they read.
  if (
    entry !== undefined &&
    entry.watermark <= w &&
    lo <= hi &&
    src.unchangedSince(
      entry.epoch,
      series.map((s) => s.id),
      entry.readFromMs,
      entry.t1 - res + 1,
    )
  ) {
    a = Math.max(lo, stepAtOrAfter(entry.t0, startMs, stepMs));
    b = Math.min(hi, stepAtOrBefore(entry.t1, startMs, stepMs));
  }
  const parts: { first: number; r: AggregateResult }[] = [];
  let truncated = false;
  // A part [s0, s1] reads from the first bucket its first step's lookback reaches (never before the range's own).
  const run = async (s0: number, s1: number): Promise<void> => {
    const t0 = startMs + s0 * stepMs;
    const t1 = startMs + s1 * stepMs;
    const readFrom = opts.agg === 'rate' ? startMs : Math.max(startMs, t0 - lookback - res + 2);
    const r = await aggregateRange(
      src,
      series,
      { ...opts, startMs: t0, endMs: t1 },
      res,
      maxPointsPerSeries,
      readFrom,
    );
    truncated ||= r.truncated;
    parts.push({ first: s0, r });
  };
  if (b < a) await run(0, steps - 1);
  else {
    if (a > 0) await run(0, a - 1);
    if (b < steps - 1) await run(b + 1, steps - 1);
  }
  // Merge: per group (every group of the series, as the uncached answer lists them), the values of every step from the part or the cache that has it.
  const values = new Map<string, CachedGroup>();
  const groupOf = (k: string, labels: Record<string, string>): CachedGroup => {
    let g = values.get(k);
    if (g === undefined) {
      g = { labels, values: new Float64Array(steps), present: new Uint8Array(steps) };
      values.set(k, g);
    }
    return g;
  };
  for (const { first, r } of parts) {
    for (const s of r.series) {
      const g = groupOf(groupKey(s.labels, by), s.labels);
      for (let j = 0; j < s.timestampsMs.length; j++) {
        const i = first + Math.round((s.timestampsMs[j]! - (startMs + first * stepMs)) / stepMs);
        g.values[i] = s.values[j]!;
        g.present[i] = 1;
      }
    }
  }
  if (b >= a) {
    const off = Math.round((startMs - entry!.t0) / stepMs);
    for (const [k, cg] of entry!.groups) {
      const g = groupOf(k, cg.labels);
      for (let i = a; i <= b; i++) {
        if (cg.present[i + off] !== 1) continue;
        g.values[i] = cg.values[i + off]!;
        g.present[i] = 1;
      }
    }
  }
  cache.count(b >= a ? b - a + 1 : 0, steps - (b >= a ? b - a + 1 : 0));
  // Keep the cacheable steps of this answer, when nothing the steps depend on changed while it was computed.
  if (lo <= hi && src.watermark() === w && src.epoch() === epoch && src.deletedBefore(res) === cut) {
    const groups = new Map<string, CachedGroup>();
    for (const [k, g] of values) {
      groups.set(k, {
        labels: g.labels,
        values: g.values.slice(lo, hi + 1),
        present: g.present.slice(lo, hi + 1),
      });
    }
    const t0 = startMs + lo * stepMs;
    const kept: CachedResult = {
      t0,
      t1: startMs + hi * stepMs,
      // `rate` sums increases from the first bucket the query reads; other steps read only their window.
      readFromMs: opts.agg === 'rate' ? from : t0 - lookback - res + 2,
      stepMs,
      watermark: w,
      epoch,
      groups,
    };
    cache.put(key, kept);
  }
  const out: AggregateResult['series'] = [];
  for (const k of [...values.keys()].sort()) {
    const g = values.get(k)!;
    const timestampsMs: number[] = [];
    const vs: number[] = [];
    for (let i = 0; i < steps; i++) {
      if (g.present[i] !== 1) continue;
      timestampsMs.push(startMs + i * stepMs);
      vs.push(g.values[i]!);
    }
    out.push({ labels: g.labels, timestampsMs, values: vs });
  }
  return { series: out, truncated };
}
