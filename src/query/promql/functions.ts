/**
 * Functions of instant vectors, step by step: `abs`, `clamp_min`, `clamp_max` (element-wise, the metric name
 * dropped; a NaN bound gives NaN, as Go's math.Max/Min) and `histogram_quantile` over classic `le` buckets (histogram.ts).
 * @see https://github.com/prometheus/prometheus/blob/v2.42.0/promql/functions.go (funcAbs, funcClampMin,
 *   funcClampMax, funcHistogramQuantile)
 */
import type { InstantFunction } from './ast.ts';
import type { EvalSeries } from './evaluate.ts';
import { PromQueryError } from './errors.ts';
import { bucketQuantile, type Bucket } from './histogram.ts';
import { dropName, labelsKey, type PromLabels } from './labels.ts';

/** Prometheus' bucket label. */
const BUCKET_LABEL = 'le';

/**
 * `histogram_quantile(q, v)`: per step, the series of `v` grouped by their labels without `le` (the metric name
 * included, as Prometheus identifies a histogram), each group's buckets read by `le` (a series without a parsable
 * `le` is skipped, as Prometheus does), and the group's quantile, labelled without `le` and the name; `q` is per
 * step.
 * @throws PromQueryError `execution` when two histograms of different names give one label set at one step
 */
function histogramQuantile(q: readonly number[], v: readonly EvalSeries[], steps: number): EvalSeries[] {
  const groups = new Map<string, { labels: PromLabels; members: { le: number; s: EvalSeries }[] }>();
  for (const s of v) {
    const leText = s.labels[BUCKET_LABEL];
    const le = leText === undefined ? NaN : parseGoFloat(leText);
    if (Number.isNaN(le)) continue;
    const labels: Record<string, string> = { ...s.labels };
    delete labels[BUCKET_LABEL];
    const key = labelsKey(labels);
    const g = groups.get(key) ?? { labels: dropName(labels), members: [] };
    g.members.push({ le, s });
    groups.set(key, g);
  }
  const out = new Map<string, { labels: PromLabels; values: (number | undefined)[] }>();
  for (const g of groups.values()) {
    const key = labelsKey(g.labels);
    const series = out.get(key) ?? {
      labels: g.labels,
      values: new Array<number | undefined>(steps).fill(undefined),
    };
    out.set(key, series);
    for (let k = 0; k < steps; k++) {
      const buckets: Bucket[] = [];
      for (const m of g.members) {
        const c = m.s.values[k];
        if (c !== undefined) buckets.push({ upperBound: m.le, count: c });
      }
      if (buckets.length === 0) continue;
      if (series.values[k] !== undefined)
        throw new PromQueryError('execution', 'vector cannot contain metrics with the same labelset');
      series.values[k] = bucketQuantile(q[k]!, buckets);
    }
  }
  return [...out.values()];
}

/** A float as Go's strconv.ParseFloat reads an `le` value (`+Inf`, `Inf`, `1e3`, `0.5`); NaN when not one. */
function parseGoFloat(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '+inf' || t === 'inf') return Infinity;
  if (t === '-inf') return -Infinity;
  if (t === '' || !/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}

function elementwise(v: readonly EvalSeries[], f: (x: number, k: number) => number): EvalSeries[] {
  return v.map((s) => ({
    labels: dropName(s.labels),
    values: s.values.map((x, k) => (x === undefined ? undefined : f(x, k))),
  }));
}

/**
 * One instant-vector function at each of `steps` steps: `scalars` are its scalar arguments in order (per step),
 * `vector` its vector argument.
 */
export function applyInstantFunction(
  fn: InstantFunction,
  scalars: readonly (readonly number[])[],
  vector: readonly EvalSeries[],
  steps: number,
): EvalSeries[] {
  switch (fn) {
    case 'abs':
      return elementwise(vector, (x) => Math.abs(x));
    case 'clamp_min':
      return elementwise(vector, (x, k) => Math.max(x, scalars[0]![k]!));
    case 'clamp_max':
      return elementwise(vector, (x, k) => Math.min(x, scalars[0]![k]!));
    case 'histogram_quantile':
      return histogramQuantile(scalars[0]!, vector, steps);
  }
}
