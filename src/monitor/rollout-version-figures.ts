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
 * per GiB): the spread of VM sizes leaves the variance. A node running both versions is its own stratum; nodes
 * running one version (a node canary) share a pooled stratum with the node as cluster, so differences between
 * nodes widen the interval instead of posing as a version effect. The interval is a fixed-window normal interval of
 * the stratified log ratio (delta method): descriptive, not valid under repeated looks (the decision reads the
 * always-valid evidence).
 */
import { ratioEffect } from '../analysis/canary/ratio-effect.ts';
import { SEQUENTIAL_DEFAULTS } from '../analysis/canary/sequential-judge.ts';
import { getMetric } from '../catalog/index.ts';
import type { VersionFigure } from '../contract/rollout.ts';
import type { SeriesPoints } from '../store/types.ts';
import { nodeOf } from './component-status.ts';
import {
  GIB,
  perGib as observePerGib,
  withStrata,
  type EvidenceSeries,
  type Tagged,
} from './rollout-evidence.ts';
import { intervalMeans, type HistogramSeries } from './rollout-inputs.ts';

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

/** Minimum evidence per version (the stage decision's defaults). */
export interface FigureOptions {
  readonly minEvents: number;
  readonly minObservations: number;
}

const DEFAULTS: FigureOptions = {
  minEvents: SEQUENTIAL_DEFAULTS.minEvents,
  minObservations: SEQUENTIAL_DEFAULTS.minObservations,
};

type Side = 'v1' | 'v3';
/** Observations of one version, or what is missing for them. */
type SideObs = { readonly obs: Tagged[] } | { readonly missing: string };

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
): Tagged[] =>
  intervalMeans({ sum, count })
    .filter((m) => m.tMs > since && m.tMs <= until && Number.isFinite(m.sumDelta))
    .map((m) => ({ tMs: m.tMs, stratum: '', node: nodeOf(m.labels), sum: m.sumDelta, count: m.countDelta }));

/** Judges one figure from both versions' observations (see the module comment). */
function judgeFigure(spec: FigureSpec, v1: SideObs, v3: SideObs, o: FigureOptions): VersionFigure {
  const base = { figure: spec.figure, quantity: spec.quantity, unit: spec.unit };
  const none = { v1Events: 0, v3Events: 0, v1Observations: 0, v3Observations: 0, strata: 0 };
  if ('missing' in v1 || 'missing' in v3) {
    const missing = [v1, v3].flatMap((s) => ('missing' in s ? [s.missing] : [])).join('; ');
    return { ...base, ...none, state: 'insufficient-data', missing };
  }
  const x = withStrata(v1.obs, v3.obs);
  const e = ratioEffect(x.v1, x.v3);
  const counts = {
    v1Events: e.v1.count,
    v3Events: e.v3.count,
    v1Observations: e.v1.observations,
    v3Observations: e.v3.observations,
    strata: e.strata,
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
 * The four figures per version over (sinceMs, untilMs], in the order of `VERSION_FIGURES` (see the module comment).
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
  const counter = (
    side: Side,
    series: readonly SeriesPoints[],
    metric: string,
    needGib: boolean,
  ): SideObs => {
    if (series.length === 0) return { missing: `${side} agents export no ${metric}` };
    if (hasMemory)
      return { obs: observePerGib({ sum: series, count: mig[side].count }, mem[side], sinceMs, untilMs) };
    if (needGib) return noMemory(side);
    return { obs: perEvent(series, mig[side].count, sinceMs, untilMs) };
  };
  const histogram = (side: Side, h: HistogramSeries, metric: string): SideObs => {
    if (h.sum.length === 0) return { missing: `${side} agents export no ${metric}` };
    return {
      obs: hasMemory
        ? observePerGib(h, mem[side], sinceMs, untilMs)
        : perEvent(h.sum, h.count, sinceMs, untilMs),
    };
  };
  const per = hasMemory ? 'per GiB of guest memory migrated' : 'per migration';
  const perUnit = hasMemory ? '/GiB' : '/migration';
  const thr = (side: Side): SideObs =>
    mem[side].length === 0 ? noMemory(side) : { obs: observePerGib(mig[side], mem[side], sinceMs, untilMs) };
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
  return [
    judgeFigure(
      {
        figure: 'throughput',
        quantity: 'guest memory migrated per second of migration',
        unit: 'Mbit/s',
        display: (sPerGib) => (GIB * 8) / 1e6 / sPerGib,
        improvement: inverseHigherIsBetter,
      },
      thr('v1'),
      thr('v3'),
      o,
    ),
    judgeFigure(
      {
        figure: 'cpu',
        quantity: `CPU seconds ${per}`,
        unit: `s${perUnit}`,
        display: (x) => x,
        improvement: lowerIsBetter,
      },
      counter('v1', rs.v1Cpu, cpuName.v1, false),
      counter('v3', rs.v3Cpu, cpuName.v3, false),
      o,
    ),
    judgeFigure(
      {
        figure: 'memory',
        quantity: `peak host memory of the migrations ${per}`,
        unit: `MiB${perUnit}`,
        display: (bytes) => bytes / 2 ** 20,
        improvement: lowerIsBetter,
      },
      histogram('v1', rs.v1HostMemory, memPeak.v1),
      histogram('v3', rs.v3HostMemory, memPeak.v3),
      o,
    ),
    judgeFigure(
      {
        figure: 'bandwidth_saved',
        quantity:
          'guest memory not sent (1 − bytes sent ÷ guest memory); improvement: fewer bytes sent per GiB',
        unit: '%',
        // sent bytes per GiB → percent of the guest memory saved
        display: (sentPerGib) => 100 * (1 - sentPerGib / GIB),
        improvement: lowerIsBetter,
      },
      counter('v1', rs.v1Sent, sent.v1, true),
      counter('v3', rs.v3Sent, sent.v3, true),
      o,
    ),
  ];
}
