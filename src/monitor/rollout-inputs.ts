/**
 * Inputs of the rollout and SLO engines built from stored series (`SeriesPoints` read from
 * the `SampleStore`). Pure: no clocks, no I/O; the caller reads the store (`rollout-provider.ts`).
 *
 * Mappings (every one documented here and in docs/rollout-analysis.md terms):
 * - **Histogram per-interval means**: for each histogram series, the `_sum` and `_count` points with the same
 *   timestamp are paired; between consecutive pairs Δsum/Δcount is one observation mean (as the series tracker
 *   and docs/architecture.md "Detection inputs" do). A decrease of either is a counter reset: the new value is
 *   the increase (Prometheus `rate` convention). Intervals with Δcount = 0 give no sample.
 * - **Sized intervals** ({@link intervalSized}): the same intervals joined with the increase of a counter of the same
 *   label set (the guest memory of the migrations, for migration time per GiB in ./rollout-evidence.ts).
 * - **v1 vs v3 samples** ({@link buildVersionSamples}): migration durations = per-interval means of
 *   `dwcp_migration_duration_seconds{dwcp_enabled="true"}` (v1) and `dwcp_v3_migration_duration_seconds` (v3),
 *   used both as `migrationSeconds` (speedup) and `latencySeconds` (p95 and the statistical latency verdict);
 *   compression = per-interval means of the v1 histogram `dwcp_hde_compression_ratio` and the values of the v3
 *   gauge `dwcp_v3_compression_ratio`. Throughput, CPU, memory and bandwidth saved are node-level series, put on
 *   a version by the node's v3_enabled flag in ./rollout-figures.ts.
 * - **SLA checks** ({@link buildSlaChecks}): `dwcp_v3_sla_compliance` (1 compliant, 0 violated) grouped by
 *   `sla_type`; compliance = mean of the stored values in the window (share of compliant scrapes), target
 *   {@link SLA_TARGET}.
 * - **Rollout percent and stage start**: ./rollout-evidence.ts.
 * - **SLO steps** ({@link sliSeriesFor}): ratio SLIs → counter increases per step (total = good + bad when
 *   `total` is absent, good = total − bad when `good` is absent); threshold SLIs on a histogram `mean` → ΣΔsum /
 *   ΣΔcount of the intervals ending in the step; threshold SLIs on a gauge → per node (`nodeOf`) the sum of its
 *   series' means in the step, averaged over nodes (a node's throughput is the sum of its transports).
 *   Histogram quantile statistics (p50..p999) are not derived here (null: "not evaluated").
 * - **Region inputs**: see `region-inputs.ts`.
 */
import type { VersionSamples } from '../analysis/canary/comparison.ts';
import type { SlaCheck } from '../analysis/canary/decision.ts';
import type { MetricSpec } from '../analysis/canary/judge.ts';
import type { Slo } from '../analysis/slo/definition.ts';
import { thresholdSteps, type EventStep, type SliSeries } from '../analysis/slo/series.ts';
import { seriesKey } from '../model/sample.ts';
import type { SeriesPoints } from '../store/types.ts';
import { nodeOf } from './component-status.ts';
import { IntervalMemo } from './interval-memo.ts';
import { joinOrdered, orderedForJoin, type IntervalMean, type JoinedMean } from './interval-join.ts';

/** The `_sum` and `_count` series of one histogram metric (any number of label sets). */
export interface HistogramSeries {
  readonly sum: readonly SeriesPoints[];
  readonly count: readonly SeriesPoints[];
}

export type { IntervalMean };

/** Compliance an SLA check needs to count as met (share of compliant scrapes in the window). */
export const SLA_TARGET = 0.99;

/** Metrics judged for the rollout decision (names as shown in verdicts and drivers). */
export const ROLLOUT_METRIC_SPECS: readonly MetricSpec[] = [
  { name: 'migration_duration', badDirection: 'increase', unit: 's', critical: true },
  { name: 'compression', badDirection: 'decrease', unit: 'x' },
];

const increase = (prev: number, cur: number): number => (cur >= prev ? cur - prev : cur);

/**
 * Per-interval means of a histogram (see the module comment). Sum and count series are paired by their label
 * set; points whose timestamp is missing on the other side or that are non-finite are skipped. With `sizeOf`,
 * only points where the size counter of the same label set also has a value are paired, and each mean carries
 * the counter's increase (`sizeDelta`; see {@link intervalSized}). Without `sizeOf`, the join of the same series
 * lists is done once and remembered (./interval-memo.ts).
 * @returns means ordered by series, then time (a new array)
 */
export function intervalMeans(
  h: HistogramSeries,
  sizeOf?: (labelsKey: string) => ReadonlyMap<number, number> | undefined,
): (IntervalMean & { readonly sizeDelta?: number })[] {
  return sizeOf === undefined ? meansMemo.get(h.sum, h.count) : joinMeans(h, sizeOf);
}

/** {@link intervalMeans} without the memo (the reference of its tests). */
export function joinMeans(
  h: HistogramSeries,
  sizeOf?: (labelsKey: string) => ReadonlyMap<number, number> | undefined,
): (IntervalMean & { readonly sizeDelta?: number })[] {
  const counts = new Map<string, SeriesPoints>();
  for (const c of h.count) counts.set(seriesKey('', c.series.labels), c);
  const out: (IntervalMean & { sizeDelta?: number })[] = [];
  for (const s of h.sum) {
    const key = seriesKey('', s.series.labels);
    const c = counts.get(key);
    if (!c) continue;
    const sizeAt = sizeOf?.(key);
    if (sizeOf && !sizeAt) continue;
    // Stored series are in time order: merged without a map (interval-join.ts), same results.
    if (!sizeOf && orderedForJoin(s, c)) {
      joinOrdered(s, c, key, undefined, out);
      continue;
    }
    const countAt = new Map<number, number>();
    c.timestampsMs.forEach((t, i) => countAt.set(t, c.values[i]!));
    let prev: { sum: number; count: number; size: number } | null = null;
    for (let i = 0; i < s.timestampsMs.length; i++) {
      const t = s.timestampsMs[i]!;
      const sum = s.values[i]!;
      const count = countAt.get(t);
      const size = sizeAt ? sizeAt.get(t) : 0;
      if (count === undefined || size === undefined || !Number.isFinite(sum) || !Number.isFinite(count))
        continue;
      if (prev !== null) {
        const ds = count >= prev.count && sum >= prev.sum ? sum - prev.sum : sum;
        const dc = increase(prev.count, count);
        const m = {
          tMs: t,
          mean: ds / dc,
          sumDelta: ds,
          countDelta: dc,
          labelsKey: key,
          labels: s.series.labels,
        };
        if (dc > 0) out.push(sizeAt ? { ...m, sizeDelta: increase(prev.size, size) } : m);
      }
      prev = { sum, count, size };
    }
  }
  return out;
}

/** A per-interval observation with a size: {@link IntervalMean} plus the increase of a per-event size counter. */
export interface IntervalSized extends IntervalMean {
  /** Increase of the size counter over the same interval (e.g. bytes of guest memory migrated), > 0. */
  readonly sizeDelta: number;
}

/**
 * Per-interval means of a histogram joined with a counter of a size of the same events, recorded with the same
 * label set (e.g. `dwcp_migration_duration_seconds` with `dwcp_migration_memory_bytes_total`): the interval
 * between two scrapes at which `_sum`, `_count` and the counter all have points gives Δsum, Δcount and Δsize
 * (counter resets as in {@link intervalMeans}). Intervals with Δcount = 0 or Δsize ≤ 0 give nothing. The join of
 * the same series lists is done once and remembered (./interval-memo.ts).
 * @returns observations ordered by series, then time (a new array)
 */
export function intervalSized(h: HistogramSeries, size: readonly SeriesPoints[]): IntervalSized[] {
  return sizedMemo.get(h.sum, h.count, size);
}

/** {@link intervalSized} without the memo (the reference of its tests). */
export function joinSized(h: HistogramSeries, size: readonly SeriesPoints[]): IntervalSized[] {
  const bySeries = new Map<string, SeriesPoints>();
  for (const c of size) bySeries.set(seriesKey('', c.series.labels), c);
  const counts = new Map<string, SeriesPoints>();
  for (const c of h.count) counts.set(seriesKey('', c.series.labels), c);
  // Ordered pairs are merged (interval-join.ts); the others go through the map join, per series, in the same order.
  const out: JoinedMean[] = [];
  for (const s of h.sum) {
    const key = seriesKey('', s.series.labels);
    const c = counts.get(key);
    const z = bySeries.get(key);
    if (!c || !z) continue;
    if (orderedForJoin(s, c, z)) {
      joinOrdered(s, c, key, z, out);
      continue;
    }
    const at = new Map<number, number>();
    z.timestampsMs.forEach((t, i) => Number.isFinite(z.values[i]!) && at.set(t, z.values[i]!));
    for (const m of joinMeans({ sum: [s], count: [c] }, () => at))
      if (m.sizeDelta !== undefined && m.sizeDelta > 0) out.push({ ...m, sizeDelta: m.sizeDelta });
  }
  return out as IntervalSized[];
}

const meansMemo = new IntervalMemo((sum, count) => joinMeans({ sum: sum!, count: count! }));
const sizedMemo = new IntervalMemo((sum, count, size) => joinSized({ sum: sum!, count: count! }, size!));

/** Finite values of gauge series, flattened. */
export function gaugeValues(series: readonly SeriesPoints[]): number[] {
  const out: number[] = [];
  for (const s of series) for (const v of s.values) if (Number.isFinite(v)) out.push(v);
  return out;
}

/** Counter increases between consecutive finite points (resets handled), each at the later point's time. */
export function counterIncreases(series: readonly SeriesPoints[]): { tMs: number; inc: number }[] {
  const out: { tMs: number; inc: number }[] = [];
  for (const s of series) {
    let prev: number | null = null;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      if (!Number.isFinite(v)) continue;
      if (prev !== null) out.push({ tMs: s.timestampsMs[i]!, inc: increase(prev, v) });
      prev = v;
    }
  }
  return out;
}

/** Stored series the v1/v3 comparison is built from (already filtered by the reader, e.g. `dwcp_enabled="true"`). */
export interface RolloutSeries {
  readonly v1Migration: HistogramSeries;
  readonly v3Migration: HistogramSeries;
  readonly v1Compression: HistogramSeries;
  readonly v3Compression: readonly SeriesPoints[];
  readonly slaCompliance: readonly SeriesPoints[];
  readonly rolloutProgress: readonly SeriesPoints[];
}

/**
 * v1 (baseline) and v3 (canary) migration and compression samples for `compareVersions` and `judgeCanary`, from
 * intervals ending after `sinceMs` (and gauge values at or after it). Throughput, CPU and memory are node-level
 * figures (./rollout-figures.ts) and are left empty here.
 */
export function buildVersionSamples(
  rs: RolloutSeries,
  sinceMs = -Infinity,
): { v1: VersionSamples; v3: VersionSamples } {
  const means = (h: HistogramSeries): number[] =>
    intervalMeans(h)
      .filter((m) => m.tMs > sinceMs)
      .map((m) => m.mean);
  const v1Mig = means(rs.v1Migration);
  const v3Mig = means(rs.v3Migration);
  const v3Comp: number[] = [];
  for (const s of rs.v3Compression)
    s.values.forEach((v, i) => Number.isFinite(v) && s.timestampsMs[i]! >= sinceMs && v3Comp.push(v));
  const empty: readonly number[] = [];
  return {
    v1: {
      throughputMbps: empty,
      latencySeconds: v1Mig,
      cpuPercent: empty,
      memoryMb: empty,
      migrationSeconds: v1Mig,
      compressionRatio: means(rs.v1Compression),
    },
    v3: {
      throughputMbps: empty,
      latencySeconds: v3Mig,
      cpuPercent: empty,
      memoryMb: empty,
      migrationSeconds: v3Mig,
      compressionRatio: v3Comp,
    },
  };
}

/** SLA checks from `dwcp_v3_sla_compliance`, one per `sla_type`, sorted by name; values clamped to [0, 1]. */
export function buildSlaChecks(series: readonly SeriesPoints[]): SlaCheck[] {
  const by = new Map<string, { ok: number; n: number }>();
  for (const s of series) {
    const type = s.series.labels['sla_type'] ?? 'unknown';
    const acc = by.get(type) ?? { ok: 0, n: 0 };
    for (const v of s.values) {
      if (!Number.isFinite(v)) continue;
      acc.ok += Math.min(1, Math.max(0, v));
      acc.n++;
    }
    by.set(type, acc);
  }
  return [...by.entries()]
    .filter(([, a]) => a.n > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, a]) => ({
      name,
      compliance: a.ok / a.n,
      target: SLA_TARGET,
      detail: `${a.ok} of ${a.n} scrapes compliant`,
    }));
}

/** Stored series of one SLI: counters per ratio selector, or a histogram / gauge for a threshold SLI. */
export type SliData =
  | {
      readonly kind: 'ratio';
      readonly good?: readonly SeriesPoints[];
      readonly bad?: readonly SeriesPoints[];
      readonly total?: readonly SeriesPoints[];
    }
  | { readonly kind: 'histogram'; readonly histogram: HistogramSeries }
  | { readonly kind: 'gauge'; readonly series: readonly SeriesPoints[] };

const stepOf = (t: number, stepMs: number): number => Math.floor(t / stepMs) * stepMs;

function sumByStep(points: readonly { tMs: number; inc: number }[], stepMs: number): Map<number, number> {
  const m = new Map<number, number>();
  for (const p of points) m.set(stepOf(p.tMs, stepMs), (m.get(stepOf(p.tMs, stepMs)) ?? 0) + p.inc);
  return m;
}

/**
 * The SLI series of `slo` from stored data (see the module comment), steps of `stepMs` starting in
 * [startMs, nowMs). Returns null when the SLI cannot be derived from this data (histogram quantiles, or data
 * of the wrong kind for the SLI).
 */
export function sliSeriesFor(
  slo: Slo,
  data: SliData,
  stepMs: number,
  startMs: number,
  nowMs: number,
): SliSeries | null {
  const keep = (t: number): boolean => t >= startMs && t < nowMs;
  const sli = slo.sli;
  if (sli.type === 'ratio') {
    if (data.kind !== 'ratio') return null;
    const g = data.good ? sumByStep(counterIncreases(data.good), stepMs) : null;
    const b = data.bad ? sumByStep(counterIncreases(data.bad), stepMs) : null;
    const tot = data.total ? sumByStep(counterIncreases(data.total), stepMs) : null;
    const times = new Set<number>([...(g?.keys() ?? []), ...(b?.keys() ?? []), ...(tot?.keys() ?? [])]);
    const steps: EventStep[] = [];
    for (const t of [...times].sort((x, y) => x - y)) {
      if (!keep(t)) continue;
      const total = tot ? (tot.get(t) ?? 0) : (g?.get(t) ?? 0) + (b?.get(t) ?? 0);
      const good = g ? (g.get(t) ?? 0) : total - (b?.get(t) ?? 0);
      steps.push({ tMs: t, total, good: Math.min(total, Math.max(0, good)) });
    }
    return { kind: 'events', stepMs, steps };
  }
  let values: { tMs: number; value: number }[];
  if (data.kind === 'histogram' && sli.statistic === 'mean') {
    const acc = new Map<number, { s: number; c: number }>();
    for (const m of intervalMeans(data.histogram)) {
      const t = stepOf(m.tMs, stepMs);
      const a = acc.get(t) ?? { s: 0, c: 0 };
      a.s += m.sumDelta;
      a.c += m.countDelta;
      acc.set(t, a);
    }
    values = [...acc.entries()].map(([tMs, a]) => ({ tMs, value: a.s / a.c }));
  } else if (data.kind === 'gauge' && sli.statistic === 'value') {
    // step → node → series key → {sum, n}
    const acc = new Map<number, Map<string, Map<string, { s: number; n: number }>>>();
    for (const s of data.series) {
      const node = nodeOf(s.series.labels);
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i]!;
        if (!Number.isFinite(v)) continue;
        const t = stepOf(s.timestampsMs[i]!, stepMs);
        const byNode = acc.get(t) ?? new Map<string, Map<string, { s: number; n: number }>>();
        const bySeries = byNode.get(node) ?? new Map<string, { s: number; n: number }>();
        const a = bySeries.get(s.series.key) ?? { s: 0, n: 0 };
        a.s += v;
        a.n++;
        bySeries.set(s.series.key, a);
        byNode.set(node, bySeries);
        acc.set(t, byNode);
      }
    }
    values = [...acc.entries()].map(([tMs, byNode]) => {
      let total = 0;
      for (const bySeries of byNode.values()) for (const a of bySeries.values()) total += a.s / a.n;
      return { tMs, value: total / byNode.size };
    });
  } else {
    return null;
  }
  values = values.filter((v) => keep(v.tMs) && Number.isFinite(v.value)).sort((a, b) => a.tMs - b.tMs);
  return { kind: 'steps', stepMs, steps: thresholdSteps(sli, values) };
}
