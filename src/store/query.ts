/**
 * Range-query aggregation behind GET /api/metrics/query (pure: data and options in, series out; no I/O).
 *
 * Semantics (Prometheus-like, simplified; sources: Prometheus query_range and staleness docs,
 * https://prometheus.io/docs/prometheus/latest/querying/basics/#staleness):
 * - Grid: steps t = startMs, startMs + stepMs, ... while t <= endMs (at most {@link MAX_STEPS} steps).
 * - Lookback: L = max(2 × stepMs, 5000 ms). A series' value at step t is its latest sample with timestamp in
 *   (t − L, t]; a series with no sample in that window is absent at t (staleness). NaN samples count as absent.
 * - `rate`: per series, the samples in (t − L, t] (at least two) give increase = Σ max-aware deltas, where a
 *   drop (counter reset) counts the new value as the increase since the reset; rate = increase / (last ts −
 *   first ts) in per-second units (no extrapolation to the window edges, unlike PromQL). Series rates are then
 *   summed per group.
 * - `avg` / `sum` / `min` / `max`: over the series of a group present at t.
 * - `p50` / `p95` / `p99`: across the series of a group present at t, linear interpolation between the closest
 *   ranks: sort the n values, h = q × (n − 1), value = v[⌊h⌋] + (h − ⌊h⌋) × (v[⌊h⌋+1] − v[⌊h⌋])
 *   (Hyndman & Fan type 7, NumPy's default).
 * - Groups: the values of the `by` labels (a missing label groups as empty and is left out of the output
 *   labels); without `by` all series form one group with labels {}. Output series are sorted by group labels;
 *   a step where no series of the group is present is omitted from that group's arrays.
 */
import { InvalidInputError } from '../errors.ts';
import { quantileSorted } from '../math/quantile.ts';
import { foldUniformMinMax, foldUniformSum, uniformWindows, type UniformWindows } from './column-steps.ts';
import { instantSteps, rateSteps } from './point-steps.ts';
import type { SeriesPoints } from './types.ts';

/** Aggregations of a range query. */
export type QueryAggregation = 'avg' | 'sum' | 'min' | 'max' | 'p50' | 'p95' | 'p99' | 'rate';

/** Options of {@link aggregateSeries}. Times in Unix ms. */
export interface AggregateOptions {
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
  readonly agg: QueryAggregation;
  /** Group-by label names; absent or empty = one group. */
  readonly by?: readonly string[];
}

/** One output series: group labels and parallel arrays of step timestamps (ms) and values. */
export interface AggregatedSeries {
  readonly labels: Record<string, string>;
  readonly timestampsMs: number[];
  readonly values: number[];
}

/** Result of {@link aggregateSeries}. */
export interface AggregateResult {
  readonly series: AggregatedSeries[];
}

/** Most steps per query (as Prometheus' 11,000 points per series). */
export const MAX_STEPS = 11_000;
/** Most input series per query. */
export const MAX_INPUT_SERIES = 10_000;
/** Most series × steps cells held for percentile aggregations (8 bytes each: 40 MB). */
export const MAX_PERCENTILE_CELLS = 5_000_000;
/** Minimum lookback window in ms. */
export const MIN_LOOKBACK_MS = 5_000;

const QUANTILE: Partial<Record<QueryAggregation, number>> = { p50: 0.5, p95: 0.95, p99: 0.99 };
const AGGS: ReadonlySet<string> = new Set(['avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99', 'rate']);

/**
 * Aligns series to the step grid and aggregates them per group (semantics in the file header).
 * @param points input series, each time-ordered (as `SampleStore.readPoints` returns them).
 * @returns one output series per group that has at least one value, sorted by group labels.
 * @throws InvalidInputError when the range or step is not finite/positive, start > end, the grid has more
 *   than {@link MAX_STEPS} steps, there are more than {@link MAX_INPUT_SERIES} input series, a percentile
 *   query would hold more than {@link MAX_PERCENTILE_CELLS} cells, the aggregation is unknown, or a series'
 *   timestamps and values differ in length.
 */
export function aggregateSeries(points: readonly SeriesPoints[], opts: AggregateOptions): AggregateResult {
  const acc = new RangeAggregator(opts, points.length);
  for (const p of points) {
    if (p.timestampsMs.length !== p.values.length)
      throw new InvalidInputError(
        `series ${p.series.key}: ${p.timestampsMs.length} timestamps but ${p.values.length} values`,
      );
    acc.add(p.series.labels, p.timestampsMs, p.values, 0, p.timestampsMs.length);
  }
  return acc.finish();
}

interface Group {
  labels: Record<string, string>;
  sum: Float64Array;
  count: Uint32Array;
  min: Float64Array;
  max: Float64Array;
  cells: Float64Array[] | undefined;
  /** Series with a value at every step of [fullFrom, fullTo) not yet in `count` (column-steps.ts). */
  full: number;
  fullFrom: number;
  fullTo: number;
}

/**
 * The step alignment and per-group aggregation of {@link aggregateSeries}, fed one series at a time, so a
 * reader can decode a series into scratch buffers, add it, and reuse the buffers for the next one (no point
 * arrays per series). Adding the same series in the same order gives exactly {@link aggregateSeries}' result.
 */
export class RangeAggregator {
  private readonly startMs: number;
  private readonly stepMs: number;
  private readonly agg: QueryAggregation;
  private readonly q: number | undefined;
  private readonly steps: number;
  private readonly lookback: number;
  private readonly by: readonly string[];
  private readonly groups = new Map<string, Group>();
  private readonly stepValues: Float64Array;
  /** Scratch columns of {@link addRateColumn} (grown to the longest column seen). */
  private rateScratch: { cum: Float64Array; prev: Int32Array; next: Int32Array } | undefined;
  /** The equal-width run of the last bucket windows {@link addColumn} saw (the same arrays for every series). */
  private uniform: { lo: Int32Array; hi: Int32Array; u: UniformWindows } | undefined;

  /**
   * Checks the options for `seriesCount` input series.
   * @throws InvalidInputError as {@link aggregateSeries} does (range, step, steps, series, percentile cells, aggregation).
   */
  constructor(opts: AggregateOptions, seriesCount: number) {
    const { startMs, endMs, stepMs, agg } = opts;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs))
      throw new InvalidInputError('startMs and endMs must be finite');
    if (startMs > endMs) throw new InvalidInputError(`startMs (${startMs}) is after endMs (${endMs})`);
    if (!Number.isFinite(stepMs) || stepMs <= 0)
      throw new InvalidInputError(`stepMs must be > 0, got ${stepMs}`);
    if (!AGGS.has(agg)) throw new InvalidInputError(`unknown aggregation ${JSON.stringify(agg)}`);
    const steps = Math.floor((endMs - startMs) / stepMs) + 1;
    if (steps > MAX_STEPS)
      throw new InvalidInputError(`${steps} steps exceed the maximum of ${MAX_STEPS}; use a larger step`);
    if (seriesCount > MAX_INPUT_SERIES)
      throw new InvalidInputError(`${seriesCount} series exceed the maximum of ${MAX_INPUT_SERIES}`);
    const q = QUANTILE[agg];
    if (q !== undefined && seriesCount * steps > MAX_PERCENTILE_CELLS) {
      throw new InvalidInputError(
        `percentile over ${seriesCount} series × ${steps} steps exceeds ${MAX_PERCENTILE_CELLS} cells; use a larger step or fewer series`,
      );
    }
    this.startMs = startMs;
    this.stepMs = stepMs;
    this.agg = agg;
    this.q = q;
    this.steps = steps;
    this.lookback = Math.max(2 * stepMs, MIN_LOOKBACK_MS);
    this.by = opts.by ?? [];
    this.stepValues = new Float64Array(steps);
  }

  /**
   * Adds one series: its labels (for the group) and its time-ordered points `ts[from..to)`, `vs[from..to)`.
   * Series must be added in the order {@link aggregateSeries} would see them for an identical result.
   */
  add(
    labels: Readonly<Record<string, string>>,
    ts: ArrayLike<number>,
    vs: ArrayLike<number>,
    from: number,
    to: number,
  ): void {
    const { steps, q } = this;
    const g = this.group(labels);
    const { sum, count, min, max } = g;
    if (q === undefined && this.agg !== 'rate') {
      // avg/sum/min/max: the latest non-NaN sample in (t − lookback, t] folded straight into the group's arrays
      // (the arithmetic of instantSteps and the loop below, in one pass without per-step values).
      // Only the column `finish` reads for this aggregation is updated (sum for avg/sum, else min or max).
      const { startMs, stepMs, lookback } = this;
      const mode = this.agg === 'min' ? 1 : this.agg === 'max' ? 2 : 0;
      let j = from - 1;
      let lastValid = -1;
      for (let i = 0; i < steps; i++) {
        const t = startMs + i * stepMs;
        while (j + 1 < to && ts[j + 1]! <= t) {
          j++;
          if (!Number.isNaN(vs[j]!)) lastValid = j;
        }
        if (lastValid < 0 || ts[lastValid]! <= t - lookback) continue;
        const v = vs[lastValid]!;
        count[i]!++;
        if (mode === 0) sum[i]! += v;
        else if (mode === 1) {
          if (v < min[i]!) min[i] = v;
        } else if (v > max[i]!) max[i] = v;
      }
      return;
    }
    // per-step values of this series (NaN = absent)
    const stepValues = this.stepValues;
    stepValues.fill(Number.NaN);
    if (this.agg === 'rate')
      rateSteps(ts, vs, from, to, this.startMs, this.stepMs, steps, this.lookback, stepValues);
    else instantSteps(ts, vs, from, to, this.startMs, this.stepMs, steps, this.lookback, stepValues);
    for (let i = 0; i < steps; i++) {
      const v = stepValues[i]!;
      if (Number.isNaN(v)) continue;
      sum[i]! += v;
      count[i]!++;
      if (v < min[i]!) min[i] = v;
      if (v > max[i]!) max[i] = v;
    }
    if (g.cells) g.cells.push(Float64Array.from(stepValues));
  }

  /**
   * Adds one series given as a dense column of bucket values, `lasts[k]` (NaN: no bucket), and per step i the
   * range of buckets [lo[i], hi[i]] whose points lie in its lookback window (computed once per query for every
   * series, tsdb/dense-steps.ts): the series' value at step i is its last non-NaN bucket in that range. The
   * same result as {@link add} over the buckets' points. Not for `rate` (which reads every point of a window).
   * @throws InvalidInputError for `rate` or when `lo`/`hi` do not cover the grid.
   */
  addColumn(
    labels: Readonly<Record<string, string>>,
    lasts: Float64Array,
    lo: Int32Array,
    hi: Int32Array,
  ): void {
    const { steps, q } = this;
    if (this.agg === 'rate') throw new InvalidInputError('addColumn: rate needs the points of each window');
    if (lo.length < steps || hi.length < steps)
      throw new InvalidInputError(
        `addColumn: bucket ranges of ${Math.min(lo.length, hi.length)} steps for ${steps}`,
      );
    const g = this.group(labels);
    const { sum, count, min, max } = g;
    // Only the column `finish` reads for this aggregation is updated, as in add; one loop per aggregation. Steps
    // from the equal-width run on take the fast loop (column-steps.ts), the steps before it the general one.
    if (q === undefined) {
      const u = this.uniformOf(lo, hi);
      const isSum = this.agg !== 'min' && this.agg !== 'max';
      const isMin = this.agg === 'min';
      const col = isMin ? min : max;
      for (let i = 0; i < steps; i++) {
        if (i === u.from) i = u.to;
        if (i >= steps) break;
        const l = lo[i]!;
        for (let k = hi[i]!; k >= l; k--) {
          const v = lasts[k]!;
          if (v === v) {
            count[i]!++;
            if (isSum) sum[i]! += v;
            else if (isMin ? v < col[i]! : v > col[i]!) col[i] = v;
            break;
          }
        }
      }
      if (u.from >= u.to) return;
      const full = isSum
        ? foldUniformSum(lasts, u, sum, count)
        : foldUniformMinMax(lasts, u, isMin, col, count);
      if (!full) return;
      if (g.full > 0 && (g.fullFrom !== u.from || g.fullTo !== u.to)) flushFull(g);
      g.fullFrom = u.from;
      g.fullTo = u.to;
      g.full++;
      return;
    }
    const stepValues = this.stepValues;
    stepValues.fill(Number.NaN);
    for (let i = 0; i < steps; i++) {
      const l = lo[i]!;
      for (let k = hi[i]!; k >= l; k--) {
        const v = lasts[k]!;
        if (v === v) {
          stepValues[i] = v;
          sum[i]! += v;
          count[i]!++;
          if (v < min[i]!) min[i] = v;
          if (v > max[i]!) max[i] = v;
          break;
        }
      }
    }
    g.cells!.push(Float64Array.from(stepValues));
  }

  /**
   * Adds one series for `rate` given as a dense column of bucket values, `lasts[k]` (NaN: no bucket) for k < `n`,
   * whose points lie at bucket start + resolution − 1 (so point k and point j are (k − j) × `resolutionMs`
   * apart), and per step i the bucket range [lo[i], hi[i]] of its lookback window (tsdb/dense-steps.ts). The
   * same result, bit for bit, as {@link add} over the buckets' points: the same running sum of max-aware
   * increases from the first bucket (a drop counts the new value) and the same time differences.
   * @throws InvalidInputError when the aggregation is not `rate` or `lo`/`hi` do not cover the grid.
   */
  addRateColumn(
    labels: Readonly<Record<string, string>>,
    lasts: Float64Array,
    n: number,
    lo: Int32Array,
    hi: Int32Array,
    resolutionMs: number,
  ): void {
    const steps = this.steps;
    if (this.agg !== 'rate') throw new InvalidInputError(`addRateColumn: aggregation is ${this.agg}`);
    if (lo.length < steps || hi.length < steps)
      throw new InvalidInputError(
        `addRateColumn: bucket ranges of ${Math.min(lo.length, hi.length)} steps for ${steps}`,
      );
    if (this.rateScratch === undefined || this.rateScratch.cum.length < n) {
      const m = Math.max(n, 16);
      this.rateScratch = { cum: new Float64Array(m), prev: new Int32Array(m), next: new Int32Array(m + 1) };
    }
    const { cum, prev: prevValid, next: nextValid } = this.rateScratch;
    // cum[k]: increase from the first bucket up to bucket k; prevValid/nextValid: last/first bucket <= / >= k.
    let prev = Number.NaN;
    let acc = 0;
    let pv = -1;
    for (let k = 0; k < n; k++) {
      const v = lasts[k]!;
      if (v === v) {
        if (prev === prev) acc += v >= prev ? v - prev : v;
        prev = v;
        pv = k;
      }
      cum[k] = acc;
      prevValid[k] = pv;
    }
    nextValid[n] = -1;
    for (let k = n - 1; k >= 0; k--) nextValid[k] = lasts[k] === lasts[k] ? k : nextValid[k + 1]!;
    const g = this.group(labels);
    const { sum, count, min, max } = g;
    for (let i = 0; i < steps; i++) {
      const l = lo[i]!;
      const h = Math.min(hi[i]!, n - 1);
      if (h < l) continue;
      const first = nextValid[l]!;
      const last = prevValid[h]!;
      if (first < 0 || last <= first) continue;
      const dt = ((last - first) * resolutionMs) / 1000;
      if (!(dt > 0)) continue;
      const v = (cum[last]! - cum[first]!) / dt;
      if (Number.isNaN(v)) continue;
      sum[i]! += v;
      count[i]!++;
      if (v < min[i]!) min[i] = v;
      if (v > max[i]!) max[i] = v;
    }
  }

  /** The equal-width run of windows `lo`/`hi` (computed once per pair of arrays). */
  private uniformOf(lo: Int32Array, hi: Int32Array): UniformWindows {
    const c = this.uniform;
    if (c !== undefined && c.lo === lo && c.hi === hi) return c.u;
    const u = uniformWindows(lo, hi, this.steps);
    this.uniform = { lo, hi, u };
    return u;
  }

  /** The group of a series' labels (created on first use). */
  private group(labels: Readonly<Record<string, string>>): Group {
    let gkey = '';
    const by = this.by;
    for (let i = 0; i < by.length; i++) gkey += (labels[by[i]!] ?? '') + '\u0000';
    let g = this.groups.get(gkey);
    if (!g) {
      const steps = this.steps;
      const glabels: Record<string, string> = {};
      for (const l of by) {
        const v = labels[l];
        if (v !== undefined) glabels[l] = v;
      }
      g = {
        labels: glabels,
        sum: new Float64Array(steps),
        count: new Uint32Array(steps),
        min: new Float64Array(steps).fill(Infinity),
        max: new Float64Array(steps).fill(-Infinity),
        cells: this.q !== undefined ? [] : undefined,
        full: 0,
        fullFrom: 0,
        fullTo: 0,
      };
      this.groups.set(gkey, g);
    }
    return g;
  }

  /** One output series per group with at least one value, sorted by group labels. */
  finish(): AggregateResult {
    const { steps, agg, q, startMs, stepMs, groups } = this;
    const out: AggregatedSeries[] = [];
    const keys = [...groups.keys()].sort();
    const scratch: number[] = [];
    for (const k of keys) {
      const g = groups.get(k)!;
      flushFull(g);
      const timestampsMs: number[] = [];
      const values: number[] = [];
      for (let i = 0; i < steps; i++) {
        const n = g.count[i]!;
        if (n === 0) continue;
        let v: number;
        switch (agg) {
          case 'avg':
            v = g.sum[i]! / n;
            break;
          case 'sum':
          case 'rate':
            v = g.sum[i]!;
            break;
          case 'min':
            v = g.min[i]!;
            break;
          case 'max':
            v = g.max[i]!;
            break;
          default: {
            scratch.length = 0;
            for (const c of g.cells!) {
              const x = c[i]!;
              if (!Number.isNaN(x)) scratch.push(x);
            }
            scratch.sort((a, b) => a - b);
            v = quantileSorted(scratch, q!);
          }
        }
        timestampsMs.push(startMs + i * stepMs);
        values.push(v);
      }
      out.push({ labels: g.labels, timestampsMs, values });
    }
    return { series: out };
  }
}

/** Adds the group's series counted whole (`full`) into its per-step counts. */
function flushFull(g: Group): void {
  for (let i = g.fullFrom; i < g.fullTo; i++) g.count[i]! += g.full;
  g.full = 0;
}
