/**
 * SLI series of one SLO from the stored series, for the live SLO evaluation of GET /api/slo and the insights
 * exporter (`rollout-provider.ts`). The caller passes a bounded reader over the analysed window; the mappings
 * are those of `rollout-inputs.ts` ({@link sliSeriesFor}) plus:
 * - **Gates** (`sli.when`, gauge SLIs): a sample of the SLI metric is kept only when a gate series of the same
 *   node (`nodeOf`: label `node`, else `node_id`, else `instance`) has a non-zero finite value at the same
 *   timestamp — the two come from the same scrape. PromQL: `metric and on(node) (gate != 0)`. The throughput
 *   templates use `dwcp_v3_current_mode{mode="…"}` so that each node counts only under the SLO of the mode it
 *   is in at that scrape.
 * - **Histogram quantiles** (p50..p999): `histogram_quantile(φ, sum by (le) (increase(metric_bucket[step])))`
 *   per step over the `_bucket` series selected by the SLI's matchers ({@link quantileSteps}). The bucket read
 *   allows `maxSeries × (catalog buckets + 1)` series, so that `maxSeries` histograms are read whole.
 */
import { STATISTIC_QUANTILE, type Slo, type ThresholdSli } from '../analysis/slo/definition.ts';
import { quantileSteps, parseLe, type BucketSeries, type QuantileSteps } from '../analysis/slo/quantile.ts';
import { thresholdSteps, type SliSeries } from '../analysis/slo/series.ts';
import { requireMetric } from '../catalog/index.ts';
import type { Labels } from '../model/sample.ts';
import type { SeriesPoints } from '../store/types.ts';
import { nodeOf } from './component-status.ts';
import { sliSeriesFor, type HistogramSeries, type SliData } from './rollout-inputs.ts';

/** Reads series of `name` matching `match` over the analysed window, at most `limit` series (default: the reader's). */
export type SeriesReader = (name: string, match: Labels, limit?: number) => Promise<SeriesPoints[]>;

/** The SLI series of an SLO, or why there is none; `warnings` name repaired or dropped data. */
export type SloSeriesResult =
  | { readonly series: SliSeries; readonly reason: null; readonly warnings: readonly string[] }
  | { readonly series: null; readonly reason: string; readonly warnings: readonly string[] };

/**
 * Keeps the points of `series` whose node has a non-zero gate value at the same timestamp (see the module
 * comment). Series without any kept point are dropped.
 */
export function gateByNode(series: readonly SeriesPoints[], gate: readonly SeriesPoints[]): SeriesPoints[] {
  const open = new Map<string, Set<number>>();
  for (const g of gate) {
    const node = nodeOf(g.series.labels);
    const times = open.get(node) ?? new Set<number>();
    for (let i = 0; i < g.values.length; i++) {
      const v = g.values[i]!;
      if (Number.isFinite(v) && v !== 0) times.add(g.timestampsMs[i]!);
    }
    open.set(node, times);
  }
  const out: SeriesPoints[] = [];
  for (const s of series) {
    const times = open.get(nodeOf(s.series.labels));
    if (times === undefined) continue;
    const timestampsMs: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < s.values.length; i++) {
      if (times.has(s.timestampsMs[i]!)) {
        timestampsMs.push(s.timestampsMs[i]!);
        values.push(s.values[i]!);
      }
    }
    if (values.length > 0) out.push({ series: s.series, timestampsMs, values });
  }
  return out;
}

/** Bucket series with their parsed `le` (NaN when the label is missing or not a number). */
export function bucketSeriesOf(points: readonly SeriesPoints[]): BucketSeries[] {
  return points.map((p) => ({
    upperBound: parseLe(p.series.labels['le'] ?? ''),
    timestampsMs: p.timestampsMs,
    values: p.values,
  }));
}

/** What the SLI of an SLO was read from: the stored series, or a histogram's bucket series for a quantile. */
export type SloData =
  | { readonly kind: 'sli'; readonly data: SliData }
  | { readonly kind: 'buckets'; readonly q: number; readonly buckets: readonly SeriesPoints[] };

/**
 * Reads what the SLI of `slo` needs with `read` (see the module comment).
 * @param maxSeries the reader's series limit (the bucket read asks for `maxSeries × (buckets + 1)`)
 * @throws StoreError from the reader.
 */
export async function readSloData(slo: Slo, read: SeriesReader, maxSeries: number): Promise<SloData> {
  const sli = slo.sli;
  if (sli.type === 'ratio') {
    const sel = (s: { metric: string; matchers: Labels } | undefined) =>
      s === undefined ? undefined : read(s.metric, s.matchers);
    const [good, bad, total] = await Promise.all([sel(sli.good), sel(sli.bad), sel(sli.total)]);
    return {
      kind: 'sli',
      data: {
        kind: 'ratio',
        ...(good ? { good } : {}),
        ...(bad ? { bad } : {}),
        ...(total ? { total } : {}),
      },
    };
  }
  const def = requireMetric(sli.metric);
  if (def.type === 'histogram') {
    const q = STATISTIC_QUANTILE[sli.statistic];
    if (q !== undefined) {
      const limit = maxSeries * ((def.buckets?.length ?? 0) + 1);
      return { kind: 'buckets', q, buckets: await read(`${sli.metric}_bucket`, sli.matchers, limit) };
    }
    const [sum, count] = await Promise.all([
      read(`${sli.metric}_sum`, sli.matchers),
      read(`${sli.metric}_count`, sli.matchers),
    ]);
    const histogram: HistogramSeries = { sum, count };
    return { kind: 'sli', data: { kind: 'histogram', histogram } };
  }
  // A node's throughput is the sum of its transports in one direction: transmit unless the SLI says otherwise.
  const match =
    def.labels.includes('direction') && sli.matchers['direction'] === undefined
      ? { ...sli.matchers, direction: 'tx' }
      : sli.matchers;
  const [series, gate] = await Promise.all([
    read(sli.metric, match),
    sli.when === undefined ? undefined : read(sli.when.metric, sli.when.matchers),
  ]);
  return {
    kind: 'sli',
    data: { kind: 'gauge', series: gate === undefined ? series : gateByNode(series, gate) },
  };
}

/** The SLI steps derived from read data, with the bucket counts of a quantile SLI. */
export interface SloSteps {
  /** Null when the statistic is not derived from stored series. */
  readonly series: SliSeries | null;
  readonly quantile: QuantileSteps | null;
}

/**
 * The SLI series of `slo` from `data`: steps of `stepMs` starting in `[startMs, nowMs)`.
 * @throws InvalidInputError from the pure code for impossible data.
 */
export function deriveSloSteps(
  slo: Slo,
  data: SloData,
  stepMs: number,
  startMs: number,
  nowMs: number,
): SloSteps {
  if (data.kind === 'buckets') {
    const sli = slo.sli as ThresholdSli;
    const r = quantileSteps(data.q, bucketSeriesOf(data.buckets), stepMs, startMs, nowMs);
    return { series: { kind: 'steps', stepMs, steps: thresholdSteps(sli, r.values) }, quantile: r };
  }
  return { series: sliSeriesFor(slo, data.data, stepMs, startMs, nowMs), quantile: null };
}

/** The warnings of a quantile SLI's bucket counts (in this order, each only when its count is > 0). */
export function quantileWarnings(
  name: string,
  c: Pick<QuantileSteps, 'forcedMonotonicSteps' | 'undefinedSteps' | 'skippedPoints' | 'resets'>,
): string[] {
  const warnings: string[] = [];
  if (c.forcedMonotonicSteps > 0)
    warnings.push(
      `${name}: ${c.forcedMonotonicSteps} steps had bucket counts decreasing with le (raised to the running maximum, as PromQL)`,
    );
  if (c.undefinedSteps > 0)
    warnings.push(
      `${name}: ${c.undefinedSteps} steps without a +Inf bucket or with fewer than two buckets (no data)`,
    );
  if (c.skippedPoints > 0)
    warnings.push(`${name}: ${c.skippedPoints} bucket points skipped (bad le, non-finite or negative count)`);
  if (c.resets > 0)
    warnings.push(`${name}: ${c.resets} bucket counter resets (new value taken as the increase)`);
  return warnings;
}

/** The series result of derived steps: the reason when there is no series. */
export function sloSeriesResult(slo: Slo, steps: SliSeries | null, warnings: string[]): SloSeriesResult {
  if (steps === null) {
    const sli = slo.sli;
    const stat = sli.type === 'threshold' ? sli.statistic : sli.type;
    return { series: null, reason: `statistic ${stat} is not derived from stored series`, warnings };
  }
  return { series: steps, reason: null, warnings };
}

/**
 * Reads what the SLI of `slo` needs with `read` and builds its series of `stepMs` steps starting in
 * `[startMs, nowMs)`.
 * @param maxSeries the reader's series limit (the bucket read asks for `maxSeries × (buckets + 1)`)
 * @throws StoreError from the reader; InvalidInputError from the pure code for impossible data.
 */
export async function sloSeries(
  slo: Slo,
  read: SeriesReader,
  maxSeries: number,
  stepMs: number,
  startMs: number,
  nowMs: number,
): Promise<SloSeriesResult> {
  const data = await readSloData(slo, read, maxSeries);
  const r = deriveSloSteps(slo, data, stepMs, startMs, nowMs);
  return sloSeriesResult(slo, r.series, r.quantile === null ? [] : quantileWarnings(slo.name, r.quantile));
}
