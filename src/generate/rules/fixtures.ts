/**
 * Input-series builders for the generated promtool unit tests (`tests.ts`): each returns a function from the
 * measured value (the quantity the alert compares with its threshold) to input series that produce exactly that
 * value. Series are 1-minute samples; counters start at 0 and grow linearly, so `rate()` over a fully covered
 * window is exactly the slope, and ratios of rates are exact from the second sample on.
 */
import { getMetric, type MetricName } from '../../catalog/index.ts';
import type { MetricDef } from '../../catalog/types.ts';
import { InvalidInputError } from '../../errors.ts';
import { eq } from '../promql/build.ts';
import { bucketRef, countRef, metricRef, sumRef } from '../promql/metric.ts';
import type { InputSeries } from './types.ts';

/** Target labels every fixture series carries (as the generated scrape config sets them). */
export const FIXTURE_TARGET: Readonly<Record<string, string>> = {
  job: 'dwcp',
  instance: 'node-1:9400',
  region: 'us-east-1',
};

type LabelSet = Readonly<Record<string, string>>;

function matchers(labels: LabelSet, withTarget = true) {
  const all = withTarget ? { ...FIXTURE_TARGET, ...labels } : labels;
  return Object.entries(all).map(([k, v]) => eq(k, v));
}

/** A gauge whose value is v. */
export function gaugeIs(
  name: MetricName,
  labels: LabelSet = {},
  withTarget = true,
): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => [{ series: metricRef(m, ...matchers(labels, withTarget)), shape: 'gauge', value: v }];
}

/** A gauge that grows linearly by v per `per` minutes (e.g. memory percent per 30 minutes). */
export function gaugeGrowth(
  name: MetricName,
  labels: LabelSet,
  perMinutes: number,
): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => [{ series: metricRef(m, ...matchers(labels)), shape: 'counter', value: v / perMinutes }];
}

/** A counter whose per-second rate is v. */
export function counterRate(name: MetricName, labels: LabelSet = {}): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => [{ series: metricRef(m, ...matchers(labels)), shape: 'counter', value: v * 60 }];
}

/** A counter whose increase over `windowMinutes` is v. */
export function counterIncrease(
  name: MetricName,
  labels: LabelSet,
  windowMinutes: number,
): (v: number) => InputSeries[] {
  const perSecond = counterRate(name, labels);
  return (v) => perSecond(v / (windowMinutes * 60));
}

/**
 * Two counters whose rate ratio is v: `num` grows at v x `denomPerSecond`, `den` at `denomPerSecond`.
 * When `den` is undefined the denominator is `num` + the `other` counter (for failures / (success + failures)).
 */
export function counterRatio(
  num: { name: MetricName; labels: LabelSet },
  den: { name: MetricName; labels: LabelSet },
  opts: { denomIsSum?: boolean; denomPerSecond?: number } = {},
): (v: number) => InputSeries[] {
  const perSec = opts.denomPerSecond ?? 10;
  const nm = getMetric(num.name);
  const dm = getMetric(den.name);
  return (v) => {
    const numPerMin = v * perSec * 60;
    const denPerMin = opts.denomIsSum ? perSec * 60 - numPerMin : perSec * 60;
    return [
      { series: metricRef(nm, ...matchers(num.labels)), shape: 'counter', value: numPerMin },
      { series: metricRef(dm, ...matchers(den.labels)), shape: 'counter', value: denPerMin },
    ];
  };
}

/** Histogram `_sum` / `_count` whose mean observation is v (one observation per second). */
export function histogramMean(name: MetricName, labels: LabelSet): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => [
    { series: sumRef(m, ...matchers(labels)), shape: 'counter', value: v * 60 },
    { series: countRef(m, ...matchers(labels)), shape: 'counter', value: 60 },
  ];
}

/**
 * Histogram buckets whose q-quantile, as `histogram_quantile` interpolates it (linearly inside the bucket, the
 * first bucket starting at 0), is exactly v. Observations go to the bucket holding v plus, to place the rank, to
 * the bucket below or to +Inf.
 * @throws InvalidInputError when v is not inside the finite buckets.
 */
export function histogramQuantileAt(
  name: MetricName,
  labels: LabelSet,
  q: number,
): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => histogramBuckets(m, labels, q, v);
}

/** Bucket series for `histogramQuantileAt` (exported for tests). */
export function histogramBuckets(m: MetricDef, labels: LabelSet, q: number, v: number): InputSeries[] {
  const bounds = m.buckets ?? [];
  const k = bounds.findIndex((b) => v <= b);
  if (k < 0 || v <= 0) throw new InvalidInputError(`${v} is outside the finite buckets of ${m.name}`);
  const lo = k === 0 ? 0 : bounds[k - 1]!;
  const hi = bounds[k]!;
  const f = (v - lo) / (hi - lo);
  const total = 6000; // observations per minute
  let below: number;
  let inside: number;
  if (f >= q) {
    below = 0;
    inside = (q * total) / f;
  } else {
    below = (total * (q - f)) / (1 - f);
    inside = total - below;
  }
  if (below > 0 && k === 0)
    throw new InvalidInputError(`cannot place quantile ${q} at ${v} in the first bucket of ${m.name}`);
  const out: InputSeries[] = [];
  const le = (b: number | string) => bucketRef(m, ...matchers({ ...labels, le: String(b) }));
  bounds.forEach((b, i) => {
    const cumulative = i < k - 1 ? 0 : i === k - 1 ? below : i === k ? below + inside : total;
    out.push({ series: le(b), shape: 'counter', value: cumulative });
  });
  out.push({ series: le('+Inf'), shape: 'counter', value: total });
  return out;
}

/** n of `count` gauges are `good`, the rest `bad`; v is the good share (rounded to whole series). */
export function gaugeShare(
  name: MetricName,
  count: number,
  labelsFor: (i: number) => LabelSet,
  good: number,
  bad: number,
): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => {
    const nGood = Math.round(v * count);
    return Array.from({ length: count }, (_, i) => ({
      series: metricRef(m, ...matchers(labelsFor(i))),
      shape: 'gauge' as const,
      value: i < nGood ? good : bad,
    }));
  };
}

/** v counters (v a whole number) that each grow by one per minute, labelled by `labelsFor(i)`. */
export function activeCounters(
  name: MetricName,
  labelsFor: (i: number) => LabelSet,
): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) =>
    Array.from({ length: Math.round(v) }, (_, i) => ({
      series: metricRef(m, ...matchers(labelsFor(i))),
      shape: 'counter' as const,
      value: 1,
    }));
}

/**
 * Two histograms of the same metric (labels `num` and `den`) whose q-quantiles have the ratio v: the `den`
 * quantile sits at `base`, the `num` quantile at v x base.
 */
export function quantileRatio(
  name: MetricName,
  q: number,
  num: LabelSet,
  den: LabelSet,
  base: number,
): (v: number) => InputSeries[] {
  const m = getMetric(name);
  return (v) => [...histogramBuckets(m, num, q, v * base), ...histogramBuckets(m, den, q, base)];
}
