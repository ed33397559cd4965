/**
 * The evidence of the current rollout stage from stored series: when the stage started, the observation clusters
 * of each judged metric since then, the looks, and the sequential verdicts (src/analysis/canary/sequential-judge.ts).
 * Pure: no clocks, no I/O (the caller reads the store).
 *
 * - **Stage start**: the latest time at which a `dwcp_v3_rollout_progress_percent` series changed value, or a new
 *   series appeared (a new `stage` label); a series whose read hit the point limit does not count its first point
 *   (it is the limit, not a start). Without a change in the data read, the stage started before it: the evidence
 *   starts at the first point read (`startObserved` false).
 * - **Observations**: migration time per GiB of guest memory = per interval the Δsum of
 *   `dwcp_migration_duration_seconds{dwcp_enabled="true"}` (v1) or `dwcp_v3_migration_duration_seconds` (v3) over
 *   the increase of `dwcp_migration_memory_bytes_total` / `dwcp_v3_migration_memory_bytes_total` of the same label
 *   set (a ratio metric: Σ seconds / Σ GiB, Δcount migrations as its events). The memory of the migrated VMs is
 *   work that does not depend on the version, so a v3 that is x % slower on equal VMs is x % slower per GiB, while
 *   the spread of VM sizes (2-32 GiB) no longer enters the variance. Without those counters for either version
 *   (agents that do not export them), migration durations per migration (Δsum, Δcount) are judged instead, as
 *   `migration_duration`. Compression = per-interval
 *   (Δsum, Δcount) of the v1 histogram `dwcp_hde_compression_ratio` and the values of the v3 gauge
 *   `dwcp_v3_compression_ratio`, counting a value only when it differs from the series' previous one (a gauge
 *   nobody updates repeats its last value at every scrape; those repeats are not new observations).
 * - **Strata**: the node (`node`, else `node_id`, else `instance`) when the node has both versions. A node with
 *   only one version (a node-based canary) and a v1 baseline before the stage (`baselineStartMs`: at least
 *   {@link MIN_BASELINE_OBSERVATIONS} v1 intervals in (baselineStartMs, startMs]) joins the `baseline` stratum, its
 *   observations relative to its own v1 mean before the stage: the v3 nodes' change against their past is compared
 *   with the v1 nodes' change (difference in differences), the node-to-node differences cancel, and the baselines'
 *   error is added to the variance (src/analysis/canary/ratio-effect.ts). The other one-version nodes share one
 *   pooled stratum in which each node is one cluster: the version is assigned per node there, so the node-to-node
 *   differences are part of the variance and the minimum evidence counts nodes (at least `minObservations` per
 *   version before such a comparison may decide).
 *   @see J. D. Angrist, J.-S. Pischke, Mostly Harmless Econometrics, Princeton 2009, ch. 5 (differences in
 *   differences); A. Deng, Y. Xu, R. Kohavi, T. Walker, "Improving the sensitivity of online controlled experiments
 *   by utilizing pre-experiment data", WSDM 2013 (pre-period data of the same unit).
 * - **Looks**: every `lookEveryMs` (default 15 s, the monitor's recomputation period) after the evidence start,
 *   and now; the sequential verdicts are valid however many looks there are.
 */
import {
  ratioEffect,
  ratioEffectPath,
  ratioMean,
  type RatioEffect,
  type RatioMean,
  type RatioObservation,
} from '../analysis/canary/ratio-effect.ts';
import { RatioEffectPathMemo } from '../analysis/canary/ratio-effect-memo.ts';
import {
  judgeSequential,
  type SequentialOptions,
  type SequentialSpec,
  type SequentialVerdict,
} from '../analysis/canary/sequential-judge.ts';
import { InvalidInputError } from '../errors.ts';
import type { SeriesPoints } from '../store/types.ts';
import { nodeOf } from './component-status.ts';
import { intervalMeans, intervalSized, type HistogramSeries } from './rollout-inputs.ts';

/** Default spacing of the looks: the monitor's insights recomputation period. */
export const DEFAULT_LOOK_EVERY_MS = 15_000;
/** Most looks evaluated per request (older looks are thinned to keep the work bounded). */
export const MAX_LOOKS = 2000;

/** Metrics judged sequentially, in the order of the verdicts. */
export const SEQUENTIAL_SPECS = {
  migrationPerGib: {
    name: 'migration_time_per_gib',
    unit: 's/GiB',
    badDirection: 'increase',
    critical: true,
    events: 'migrations',
  },
  migration: {
    name: 'migration_duration',
    unit: 's',
    badDirection: 'increase',
    critical: true,
    events: 'migrations',
  },
  compression: { name: 'compression', unit: 'x', badDirection: 'decrease', events: 'compressions' },
} as const satisfies Readonly<Record<string, SequentialSpec>>;

/** Where the current stage's evidence starts. */
export interface StageStart {
  /** Evidence start, Unix ms. */
  readonly startMs: number;
  /** True when the change into the stage is in the data read; false when the stage started earlier. */
  readonly startObserved: boolean;
}

/**
 * The start of the current stage (see the module comment); null without rollout data.
 * @param maxPoints the point limit of the read (series at the limit do not count their first point)
 */
export function stageStart(progress: readonly SeriesPoints[], maxPoints: number): StageStart | null {
  let first = Infinity;
  let latestChange = -Infinity;
  for (const s of progress) {
    const t = s.timestampsMs;
    if (t.length === 0) continue;
    first = Math.min(first, t[0]!);
    if (t.length < maxPoints) latestChange = Math.max(latestChange, t[0]!);
    for (let i = 1; i < t.length; i++)
      if (s.values[i] !== s.values[i - 1]) latestChange = Math.max(latestChange, t[i]!);
  }
  if (first === Infinity) return null;
  // The earliest first point is the start of the data, not a change.
  return latestChange > first
    ? { startMs: latestChange, startObserved: true }
    : { startMs: first, startObserved: false };
}

/** Mean of the latest values of the progress series that are still updated at or after `sinceMs`; null without any. */
export function currentRolloutPercent(progress: readonly SeriesPoints[], sinceMs: number): number | null {
  const last: number[] = [];
  for (const s of progress) {
    const n = s.timestampsMs.length;
    if (n > 0 && s.timestampsMs[n - 1]! >= sinceMs && Number.isFinite(s.values[n - 1]!))
      last.push(s.values[n - 1]!);
  }
  return last.length === 0 ? null : last.reduce((a, b) => a + b, 0) / last.length;
}

/** An observation with the node it came from (strata are assigned from the nodes by {@link withStrata}). */
export type Tagged = RatioObservation & { readonly node: string };

/** Fewest v1 observations (intervals) of a node before the stage for its baseline. */
export const MIN_BASELINE_OBSERVATIONS = 10;

/**
 * Per node, the v1 mean before the stage (observations in the baseline period) with its relative variance; only
 * nodes with at least {@link MIN_BASELINE_OBSERVATIONS} observations and a usable variance.
 */
export function nodeBaselines(before: readonly Tagged[]): Map<string, RatioMean> {
  const byNode = new Map<string, Tagged[]>();
  for (const o of before) {
    const l = byNode.get(o.node);
    if (l) l.push(o);
    else byNode.set(o.node, [o]);
  }
  const out = new Map<string, RatioMean>();
  for (const [node, obs] of byNode) {
    const m = ratioMean(obs);
    if (m.observations >= MIN_BASELINE_OBSERVATIONS && m.mean > 0 && Number.isFinite(m.relVariance))
      out.set(node, m);
  }
  return out;
}

/**
 * Strata of the stage's observations (see the module comment): a node with both versions is its own stratum; a
 * node with one version and a v1 baseline before the stage joins the `baseline` stratum, each observation relative
 * to its node's baseline (difference in differences); the other one-version nodes share the `pooled` stratum with
 * the node as cluster.
 */
export function withStrata(
  v1: readonly Tagged[],
  v3: readonly Tagged[],
  baselines: ReadonlyMap<string, RatioMean> = new Map(),
): { v1: RatioObservation[]; v3: RatioObservation[] } {
  const n1 = new Set<string>();
  const n3 = new Set<string>();
  for (const o of v1) n1.add(o.node);
  for (const o of v3) n3.add(o.node);
  // One stratum (and baseline) object per node, one observation object per observation (no copies in between).
  const byNode = new Map<string, Pick<RatioObservation, 'stratum' | 'baseline' | 'cluster'>>();
  const strataOf = (node: string): Pick<RatioObservation, 'stratum' | 'baseline' | 'cluster'> => {
    let x = byNode.get(node);
    if (x !== undefined) return x;
    const b = baselines.get(node);
    x =
      n1.has(node) && n3.has(node)
        ? { stratum: `node:${node}` }
        : b
          ? { stratum: 'baseline', baseline: { key: node, mean: b.mean, relVariance: b.relVariance } }
          : { stratum: 'pooled', cluster: node };
    byNode.set(node, x);
    return x;
  };
  const strip = (list: readonly Tagged[]): RatioObservation[] => {
    const out: RatioObservation[] = new Array<RatioObservation>(list.length);
    for (let i = 0; i < list.length; i++) {
      const o = list[i]!;
      const x = strataOf(o.node);
      const r: { -readonly [K in keyof RatioObservation]: RatioObservation[K] } = {
        tMs: o.tMs,
        stratum: x.stratum,
        sum: o.sum,
        count: o.count,
      };
      if (o.events !== undefined) r.events = o.events;
      if (x.baseline !== undefined) r.baseline = x.baseline;
      if (x.cluster !== undefined) r.cluster = x.cluster;
      out[i] = r;
    }
    return out;
  };
  return { v1: strip(v1), v3: strip(v3) };
}

/** Per-interval observations (Δsum, Δcount) of a histogram in (sinceMs, untilMs], Unix ms. */
export function fromHistogram(h: HistogramSeries, sinceMs: number, untilMs: number): Tagged[] {
  const out: Tagged[] = [];
  for (const m of intervalMeans(h))
    if (m.tMs > sinceMs && m.tMs <= untilMs && Number.isFinite(m.sumDelta))
      out.push({ tMs: m.tMs, stratum: '', node: nodeOf(m.labels), sum: m.sumDelta, count: m.countDelta });
  return out;
}

/** Bytes in a GiB (2³⁰). */
export const GIB = 2 ** 30;

/**
 * Per-interval observations of a histogram per GiB of guest memory migrated (sum = the histogram's sum delta,
 * count = GiB migrated, events = migrations) between `sinceMs` (exclusive) and `untilMs` (inclusive), Unix ms.
 */
export function perGib(
  h: HistogramSeries,
  memory: readonly SeriesPoints[],
  sinceMs: number,
  untilMs: number,
): Tagged[] {
  const out: Tagged[] = [];
  for (const m of intervalSized(h, memory))
    if (m.tMs > sinceMs && m.tMs <= untilMs && Number.isFinite(m.sumDelta))
      out.push({
        tMs: m.tMs,
        stratum: '',
        node: nodeOf(m.labels),
        sum: m.sumDelta,
        count: m.sizeDelta / GIB,
        events: m.countDelta,
      });
  return out;
}

/** True when both versions export the guest-memory counters, so migration time per GiB can be judged. */
export function hasMigrationMemory(series: EvidenceSeries): boolean {
  return series.v1MigrationMemory.length > 0 && series.v3MigrationMemory.length > 0;
}

function fromGauge(series: readonly SeriesPoints[], sinceMs: number, untilMs: number): Tagged[] {
  const out: Tagged[] = [];
  for (const s of series) {
    const node = nodeOf(s.series.labels);
    let prev = Number.NaN;
    for (let i = 0; i < s.values.length; i++) {
      const v = s.values[i]!;
      const t = s.timestampsMs[i]!;
      if (!Number.isFinite(v) || v === prev) continue;
      prev = v;
      if (t > sinceMs && t <= untilMs) out.push({ tMs: t, stratum: '', node, sum: v, count: 1 });
    }
  }
  return out;
}

/**
 * The stratified migration-duration effect over (sinceMs, untilMs] (one look): `exp(−logRatio)` is the v1 ÷ v3
 * ratio of mean migration times, node by node.
 */
export function migrationEffect(series: EvidenceSeries, sinceMs: number, untilMs: number): RatioEffect {
  const x = withStrata(
    fromHistogram(series.v1Migration, sinceMs, untilMs),
    fromHistogram(series.v3Migration, sinceMs, untilMs),
  );
  return ratioEffect(x.v1, x.v3);
}

/**
 * The stratified migration-time-per-GiB effect over (sinceMs, untilMs]: `exp(−logRatio)` is the v3 ÷ v1 ratio of
 * guest memory migrated per second of migration, node by node; NaN effect without the memory counters.
 */
export function migrationPerGibEffect(series: EvidenceSeries, sinceMs: number, untilMs: number): RatioEffect {
  const x = withStrata(
    perGib(series.v1Migration, series.v1MigrationMemory, sinceMs, untilMs),
    perGib(series.v3Migration, series.v3MigrationMemory, sinceMs, untilMs),
  );
  return ratioEffect(x.v1, x.v3);
}

/** Look times: every `everyMs` after `startMs` and `endMs` itself; thinned to at most {@link MAX_LOOKS}. */
export function lookTimes(startMs: number, endMs: number, everyMs: number = DEFAULT_LOOK_EVERY_MS): number[] {
  if (!(everyMs > 0) || !Number.isFinite(startMs) || !Number.isFinite(endMs)) {
    throw new InvalidInputError(
      `look spacing must be > 0 and times finite, got ${everyMs}, ${startMs}, ${endMs}`,
    );
  }
  if (!(endMs > startMs)) return [Math.max(startMs, endMs)];
  const step = Math.max(everyMs, (endMs - startMs) / MAX_LOOKS);
  const out: number[] = [];
  for (let t = startMs + step; t < endMs; t += step) out.push(t);
  out.push(endMs);
  return out;
}

/** Stored series the stage evidence is built from (the reader applies `dwcp_enabled="true"` to v1 migrations). */
export interface EvidenceSeries {
  readonly v1Migration: HistogramSeries;
  readonly v3Migration: HistogramSeries;
  /** `dwcp_migration_memory_bytes_total{dwcp_enabled="true"}`; empty when not exported. */
  readonly v1MigrationMemory: readonly SeriesPoints[];
  /** `dwcp_v3_migration_memory_bytes_total`; empty when not exported. */
  readonly v3MigrationMemory: readonly SeriesPoints[];
  readonly v1Compression: HistogramSeries;
  readonly v3Compression: readonly SeriesPoints[];
}

/**
 * Per judged metric (by name, at most the {@link SEQUENTIAL_SPECS}), the effect path kept between calls
 * (src/analysis/canary/ratio-effect-memo.ts); the caller owns it and passes the same map to every call.
 */
export type EvidencePaths = Map<string, RatioEffectPathMemo>;

/** The stage evidence: looks and one verdict per judged metric. */
export interface StageEvidence {
  readonly startMs: number;
  readonly endMs: number;
  readonly looksMs: readonly number[];
  readonly verdicts: readonly SequentialVerdict[];
}

/**
 * Judges migration time per GiB (or, without the memory counters, migration duration; see the module comment)
 * and compression on the data in (startMs, endMs]; with `baselineStartMs` < startMs, one-version nodes with a v1
 * baseline in (baselineStartMs, startMs] are judged against it. With `paths`, each metric's effect path continues
 * from the previous call's settled looks (identical verdicts).
 * @throws InvalidInputError for bad options or times.
 */
export function stageEvidence(
  series: EvidenceSeries,
  startMs: number,
  endMs: number,
  options: Partial<SequentialOptions> & {
    readonly lookEveryMs?: number;
    readonly baselineStartMs?: number;
    /** Effect paths kept between calls (same verdicts, only the looks not settled before are computed). */
    readonly paths?: EvidencePaths;
  } = {},
): StageEvidence {
  const looksMs = lookTimes(startMs, endMs, options.lookEveryMs);
  const from = options.baselineStartMs;
  if (from !== undefined && !Number.isFinite(from))
    throw new InvalidInputError(`baseline start must be finite, got ${from}`);
  const judge = (
    spec: SequentialSpec,
    v1: Tagged[],
    v3: Tagged[],
    before: () => Tagged[],
  ): SequentialVerdict => {
    const x = withStrata(v1, v3, from !== undefined && from < startMs ? nodeBaselines(before()) : undefined);
    const paths = options.paths;
    let memo = paths?.get(spec.name);
    if (paths !== undefined && memo === undefined) paths.set(spec.name, (memo = new RatioEffectPathMemo()));
    const path = memo === undefined ? ratioEffectPath(x.v1, x.v3, looksMs) : memo.path(x.v1, x.v3, looksMs);
    return judgeSequential(spec, looksMs, path, startMs, options);
  };
  const b = from ?? startMs;
  return {
    startMs,
    endMs,
    looksMs,
    verdicts: [
      hasMigrationMemory(series)
        ? judge(
            SEQUENTIAL_SPECS.migrationPerGib,
            perGib(series.v1Migration, series.v1MigrationMemory, startMs, endMs),
            perGib(series.v3Migration, series.v3MigrationMemory, startMs, endMs),
            () => perGib(series.v1Migration, series.v1MigrationMemory, b, startMs),
          )
        : judge(
            SEQUENTIAL_SPECS.migration,
            fromHistogram(series.v1Migration, startMs, endMs),
            fromHistogram(series.v3Migration, startMs, endMs),
            () => fromHistogram(series.v1Migration, b, startMs),
          ),
      judge(
        SEQUENTIAL_SPECS.compression,
        fromHistogram(series.v1Compression, startMs, endMs),
        fromGauge(series.v3Compression, startMs, endMs),
        () => fromHistogram(series.v1Compression, b, startMs),
      ),
    ],
  };
}
