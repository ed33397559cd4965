/**
 * Throughput, CPU, memory and bandwidth saved per protocol version from per-migration counters, with the same
 * evidence rules as the stage decision: node-stratified ratio of means (src/analysis/canary/ratio-effect.ts), a
 * minimum of migrations and scrape intervals per version, and "insufficient data" naming what is missing. Pure: no
 * clocks, no I/O.
 *
 * Each figure is a ratio per scrape interval and series (the labels of the migration duration histogram):
 * - **throughput**: Δ duration sum / ΔGiB of guest memory (time per GiB; its inverse is the throughput),
 *   `dwcp_migration_memory_bytes_total` / `dwcp_v3_migration_memory_bytes_total`;
 * - **cpu**: Δ`dwcp_migration_cpu_seconds_total` / `dwcp_v3_migration_cpu_seconds_total` per GiB (per migration,
 *   Δ duration count, when the memory counters are missing);
 * - **memory**: Δsum of `dwcp_migration_host_memory_peak_bytes` / `dwcp_v3_migration_host_memory_peak_bytes` per
 *   GiB (per migration without the memory counters): the peak host memory the migrations held;
 * - **bandwidth_saved**: Δ`dwcp_migration_sent_bytes_total` / `dwcp_v3_migration_sent_bytes_total` per byte of
 *   guest memory; saved = 1 − sent / memory per version, improvement = bytes sent per GiB v3 vs v1.
 * Per GiB because the guest memory is work that does not depend on the version (as the stage decision judges time
 * per GiB): the spread of VM sizes leaves the variance. The strata are the stage decision's
 * (`withStrata`/`nodeBaselines` of ./rollout-evidence.ts, the same code):
 * - a node running both versions is its own stratum;
 * - **node canary with baselines** (the stage start is in the data and `baselineStartMs` is given, as for the
 *   decision): a node running one version in the stage with at least `MIN_BASELINE_OBSERVATIONS` v1 intervals of
 *   the figure in (baselineStartMs, stageStartMs] joins the `baseline` stratum, each stage interval divided by its
 *   node's own v1 mean before the stage. The figure is then the v3 nodes' change against their own v1 baseline
 *   relative to the v1 nodes' change over the same period (difference in differences: node-to-node differences and
 *   whatever changed for every node at the stage start cancel; it assumes parallel trends, i.e. the nodes'
 *   conditions stay as before the stage apart from the version). The figure's period is then the stage's part of
 *   the window, (max(sinceMs, stageStartMs), untilMs], so a canary node's v1 intervals before the switch are its
 *   baseline, not a second version of the same node;
 * - other one-version nodes share a pooled stratum with the node as cluster, so differences between nodes widen
 *   the interval instead of posing as a version effect (and the minimum evidence counts nodes).
 * Interval: ℓ̂ ± z₀.₉₇₅·√V on the stratified log ratio ℓ̂ = ln(R₃/R₁), V its delta-method variance
 * (src/analysis/canary/ratio-effect.ts: cluster-robust per stratum and version, plus Σₖ (Cₖ/C)²·Var(Bₖ)/Bₖ² for the
 * baselines' own error), mapped to percent per figure. A fixed-window 95 % interval: descriptive, not valid under
 * repeated looks (the decision reads the always-valid evidence).
 * @see J. D. Angrist, J.-S. Pischke, Mostly Harmless Econometrics, Princeton 2009, ch. 5 (differences in
 *   differences).
 * @see A. Deng, U. Knoblich, J. Lu, "Applying the delta method in metric analytics", KDD 2018 (ratio metrics).
 */
import { ratioEffect, type RatioObservation } from '../analysis/canary/ratio-effect.ts';
import { SEQUENTIAL_DEFAULTS } from '../analysis/canary/sequential-judge.ts';
import { getMetric } from '../catalog/index.ts';
import type { VersionFigure } from '../contract/rollout.ts';
import type { SeriesPoints } from '../store/types.ts';
import {
  fromHistogram,
  GIB,
  MIN_BASELINE_OBSERVATIONS,
  nodeBaselines,
  perGib as observePerGib,
  withStrata,
  type EvidenceSeries,
  type Tagged,
} from './rollout-evidence.ts';
import type { HistogramSeries } from './rollout-inputs.ts';

/** Stored per-migration resource series (the reader applies `dwcp_enabled="true"` to the v1 ones). */
export interface ResourceSeries {
  /** `dwcp_migration_cpu_seconds_total{dwcp_enabled="true"}`; empty when not exported. */
  readonly v1Cpu: readonly SeriesPoints[];
  /** `dwcp_v3_migration_cpu_seconds_total`. */
  readonly v3Cpu: readonly SeriesPoints[];
  /** `dwcp_migration_host_memory_peak_bytes{dwcp_enabled="true"}` (`_sum`, `_count`). */
  readonly v1HostMemory: HistogramSeries;
  /** `dwcp_v3_migration_host_memory_peak_bytes`. */
  readonly v3HostMemory: HistogramSeries;
  /** `dwcp_migration_sent_bytes_total{dwcp_enabled="true"}`. */
  readonly v1Sent: readonly SeriesPoints[];
  /** `dwcp_v3_migration_sent_bytes_total`. */
  readonly v3Sent: readonly SeriesPoints[];
}

/** Confidence of the figures' intervals. */
export const FIGURE_CONFIDENCE = 0.95;
/** Two-sided standard normal quantile of {@link FIGURE_CONFIDENCE}. */
const Z = 1.959963984540054;

/** Minimum evidence per version (the stage decision's defaults) and the node canary's baseline period. */
export interface FigureOptions {
  readonly minEvents: number;
  readonly minObservations: number;
  /**
   * Observed start of the current stage, Unix ms; with {@link FigureOptions.baselineStartMs} < it, one-version
   * nodes are compared against their own v1 mean in (baselineStartMs, stageStartMs] (see the module comment).
   */
  readonly stageStartMs?: number;
  /** Start of the baseline period before the stage, Unix ms (the decision's `baselineStartMs`). */
  readonly baselineStartMs?: number;
}

const DEFAULTS: FigureOptions = {
  minEvents: SEQUENTIAL_DEFAULTS.minEvents,
  minObservations: SEQUENTIAL_DEFAULTS.minObservations,
};

type Side = 'v1' | 'v3';
/** Observations of one version, or what is missing for them. */
type SideObs = { readonly obs: Tagged[] } | { readonly missing: string };
/** Observations of one version and figure over (since, until], Unix ms. */
type Observe = (side: Side, since: number, until: number) => SideObs;

interface FigureSpec {
  readonly figure: VersionFigure['figure'];
  readonly quantity: string;
  readonly unit: string;
  /** Mean per version in display units from the pooled ratio. */
  readonly display: (mean: number) => number;
  /** Improvement of v3 in percent from a log ratio of v3 over v1 (+ = better). */
  readonly improvement: (logRatio: number) => number;
}

/** Lower is better: v3 needs exp(ℓ) times what v1 needs. */
const lowerIsBetter = (l: number): number => -100 * Math.expm1(l);
/** Higher is better for the inverse of the compared ratio (throughput from time per GiB). */
const inverseHigherIsBetter = (l: number): number => 100 * Math.expm1(-l);

const perEvent = (
  sum: readonly SeriesPoints[],
  count: readonly SeriesPoints[],
  since: number,
  until: number,
): Tagged[] => fromHistogram({ sum, count }, since, until);

/**
 * Strata of one figure's observations: the decision's (`withStrata`), with the node canary's baselines when the
 * stage start is observed and some one-version node of the stage has a baseline (see the module comment); else
 * over the whole (since, until].
 */
function strataOf(
  observe: Observe,
  v1: Tagged[],
  v3: Tagged[],
  since: number,
  until: number,
  o: FigureOptions,
): { v1: RatioObservation[]; v3: RatioObservation[]; baselineNodes: number } {
  const start = o.stageStartMs;
  const from = o.baselineStartMs;
  if (start !== undefined && from !== undefined && from < start && start < until) {
    const s1 = observe('v1', Math.max(since, start), until);
    const s3 = observe('v3', Math.max(since, start), until);
    const before = observe('v1', from, start);
    if ('obs' in s1 && 'obs' in s3 && 'obs' in before) {
      const baselines = nodeBaselines(before.obs);
      const x = withStrata(s1.obs, s3.obs, baselines);
      const nodes = new Set(
        [...x.v1, ...x.v3].flatMap((r) => (r.baseline === undefined ? [] : [r.baseline.key])),
      );
      if (nodes.size > 0) return { ...x, baselineNodes: nodes.size };
    }
  }
  return { ...withStrata(v1, v3), baselineNodes: 0 };
}

/** Judges one figure from both versions' observations (see the module comment). */
function judgeFigure(
  spec: FigureSpec,
  observe: Observe,
  since: number,
  until: number,
  o: FigureOptions,
): VersionFigure {
  const base = { figure: spec.figure, quantity: spec.quantity, unit: spec.unit };
  const none = {
    v1Events: 0,
    v3Events: 0,
    v1Observations: 0,
    v3Observations: 0,
    strata: 0,
    baselineNodes: 0,
  };
  const v1 = observe('v1', since, until);
  const v3 = observe('v3', since, until);
  if ('missing' in v1 || 'missing' in v3) {
    const missing = [v1, v3].flatMap((s) => ('missing' in s ? [s.missing] : [])).join('; ');
    return { ...base, ...none, state: 'insufficient-data', missing };
  }
  const x = strataOf(observe, v1.obs, v3.obs, since, until, o);
  const e = ratioEffect(x.v1, x.v3);
  const counts = {
    v1Events: e.v1.count,
    v3Events: e.v3.count,
    v1Observations: e.v1.observations,
    v3Observations: e.v3.observations,
    strata: e.strata,
    baselineNodes: x.baselineNodes,
  };
  const short: string[] = [];
  for (const side of ['v1', 'v3'] as const satisfies readonly Side[]) {
    const t = e[side];
    if (t.count < o.minEvents || t.observations < o.minObservations)
      short.push(
        `${side} has ${Math.round(t.count)} migrations in ${t.observations} intervals (at least ${o.minEvents} in ${o.minObservations} needed)`,
      );
  }
  if (short.length === 0 && !(Number.isFinite(e.logRatio) && Number.isFinite(e.variance) && e.variance >= 0))
    short.push('no node with both versions (or a pooled group of one-version nodes) has 2 intervals of each');
  const pooled = new Set([...x.v1, ...x.v3].flatMap((r) => (r.stratum === 'pooled' ? [r.cluster] : [])));
  if (short.length > 0 && pooled.size > 0)
    short.push(
      `${pooled.size} nodes run one version without a v1 baseline before the stage, so each counts as one interval (a baseline needs the stage start in the data and ${MIN_BASELINE_OBSERVATIONS} v1 intervals of the node before it)`,
    );
  if (short.length > 0) return { ...base, ...counts, state: 'insufficient-data', missing: short.join('; ') };
  const half = Z * Math.sqrt(e.variance);
  const a = spec.improvement(e.logRatio - half);
  const b = spec.improvement(e.logRatio + half);
  return {
    ...base,
    ...counts,
    state: 'measured',
    v1Mean: spec.display(e.v1.mean),
    v3Mean: spec.display(e.v3.mean),
    improvementPercent: spec.improvement(e.logRatio),
    lowerPercent: Math.min(a, b),
    upperPercent: Math.max(a, b),
    confidence: FIGURE_CONFIDENCE,
  };
}

const name = (n: Parameters<typeof getMetric>[0]): string => getMetric(n).name;

/**
 * The four figures per version over (sinceMs, untilMs], in the order of `VERSION_FIGURES` (see the module comment);
 * with `options.stageStartMs` and `options.baselineStartMs`, one-version nodes are compared against their own v1
 * baseline before the stage (difference in differences).
 * @throws InvalidInputError from the ratio estimator for non-finite or negative data.
 */
export function versionFiguresFromMigrations(
  rs: EvidenceSeries & ResourceSeries,
  sinceMs: number,
  untilMs: number,
  options: Partial<FigureOptions> = {},
): VersionFigure[] {
  const o = { ...DEFAULTS, ...options };
  const mem = { v1: rs.v1MigrationMemory, v3: rs.v3MigrationMemory };
  const memName = {
    v1: name('dwcp_migration_memory_bytes_total'),
    v3: name('dwcp_v3_migration_memory_bytes_total'),
  };
  const mig = { v1: rs.v1Migration, v3: rs.v3Migration };
  const hasMemory = mem.v1.length > 0 && mem.v3.length > 0;
  const noMemory = (side: Side): SideObs => ({ missing: `${side} agents export no ${memName[side]}` });
  /** Observations of a counter joined with the migrations (per GiB, else per migration). */
  const counter =
    (
      series: { readonly [k in Side]: readonly SeriesPoints[] },
      metric: { readonly [k in Side]: string },
      needGib: boolean,
    ): Observe =>
    (side, since, until) => {
      if (series[side].length === 0) return { missing: `${side} agents export no ${metric[side]}` };
      if (hasMemory)
        return { obs: observePerGib({ sum: series[side], count: mig[side].count }, mem[side], since, until) };
      if (needGib) return noMemory(side);
      return { obs: perEvent(series[side], mig[side].count, since, until) };
    };
  const histogram =
    (h: { readonly [k in Side]: HistogramSeries }, metric: { readonly [k in Side]: string }): Observe =>
    (side, since, until) => {
      if (h[side].sum.length === 0) return { missing: `${side} agents export no ${metric[side]}` };
      return {
        obs: hasMemory
          ? observePerGib(h[side], mem[side], since, until)
          : perEvent(h[side].sum, h[side].count, since, until),
      };
    };
  const per = hasMemory ? 'per GiB of guest memory migrated' : 'per migration';
  const perUnit = hasMemory ? '/GiB' : '/migration';
  const thr: Observe = (side, since, until) =>
    mem[side].length === 0 ? noMemory(side) : { obs: observePerGib(mig[side], mem[side], since, until) };
  const cpuName = {
    v1: name('dwcp_migration_cpu_seconds_total'),
    v3: name('dwcp_v3_migration_cpu_seconds_total'),
  };
  const memPeak = {
    v1: name('dwcp_migration_host_memory_peak_bytes'),
    v3: name('dwcp_v3_migration_host_memory_peak_bytes'),
  };
  const sent = {
    v1: name('dwcp_migration_sent_bytes_total'),
    v3: name('dwcp_v3_migration_sent_bytes_total'),
  };
  const judge = (spec: FigureSpec, observe: Observe): VersionFigure =>
    judgeFigure(spec, observe, sinceMs, untilMs, o);
  return [
    judge(
      {
        figure: 'throughput',
        quantity: 'guest memory migrated per second of migration',
        unit: 'Mbit/s',
        display: (sPerGib) => (GIB * 8) / 1e6 / sPerGib,
        improvement: inverseHigherIsBetter,
      },
      thr,
    ),
    judge(
      {
        figure: 'cpu',
        quantity: `CPU seconds ${per}`,
        unit: `s${perUnit}`,
        display: (x) => x,
        improvement: lowerIsBetter,
      },
      counter({ v1: rs.v1Cpu, v3: rs.v3Cpu }, cpuName, false),
    ),
    judge(
      {
        figure: 'memory',
        quantity: `peak host memory of the migrations ${per}`,
        unit: `MiB${perUnit}`,
        display: (bytes) => bytes / 2 ** 20,
        improvement: lowerIsBetter,
      },
      histogram({ v1: rs.v1HostMemory, v3: rs.v3HostMemory }, memPeak),
    ),
    judge(
      {
        figure: 'bandwidth_saved',
        quantity:
          'guest memory not sent (1 − bytes sent ÷ guest memory); improvement: fewer bytes sent per GiB',
        unit: '%',
        // sent bytes per GiB → percent of the guest memory saved
        display: (sentPerGib) => 100 * (1 - sentPerGib / GIB),
        improvement: lowerIsBetter,
      },
      counter({ v1: rs.v1Sent, v3: rs.v3Sent }, sent, true),
    ),
  ];
}
