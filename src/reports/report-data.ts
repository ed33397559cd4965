/**
 * The content of a report, gathered for a period from the monitor's providers (SLO budgets, rollout decision
 * and v1-vs-v3 comparison, regional health, capacity plans), the anomaly store, and the stored series (top
 * changes against the previous period of the same length). Every read is bounded; what could not be computed
 * is said in `warnings` or in a section's reason, never invented.
 */
import { metricsOf, type CatalogMetric } from '../catalog/index.ts';
import type { CapacityProvider } from '../monitor/capacity-provider.ts';
import type { InsightsProvider } from '../monitor/rollout-provider.ts';
import type { AnomalyStore, SampleStore, SeriesPoints } from '../store/types.ts';
import { breakdownAnomalies, type AnomalyBreakdown } from './anomaly-breakdown.ts';
import type { ReportKind, ReportRange } from './range.ts';
import { topChanges, type MetricChange, type MetricSeries } from './top-changes.ts';

/** What the report reads. */
export interface ReportSources {
  readonly insights: InsightsProvider;
  readonly capacity: CapacityProvider;
  readonly anomalies: AnomalyStore;
  readonly samples: SampleStore;
}

/** One SLO row. Ratios 0..1; null without a verdict (`insufficient-data`, `no-data`) or data. */
export interface SloRow {
  readonly name: string;
  readonly objective: number;
  readonly status: 'met' | 'violated' | 'insufficient-data' | 'no-data' | 'not-evaluated';
  readonly compliance: number | null;
  readonly budgetRemaining: number | null;
  readonly violations: number;
  readonly reason: string | null;
}

/** One v1-vs-v3 improvement (percent, + = v3 better). */
export interface Improvement {
  readonly name: string;
  readonly percent: number | null;
}

/** The rollout section. */
export interface RolloutSection {
  readonly decision: string;
  readonly score: number;
  readonly summary: string;
  readonly rolloutPercent: number | null;
  readonly v1Migrations: number;
  readonly v3Migrations: number;
  readonly improvements: readonly Improvement[];
  readonly migrationSpeedup: number | null;
  readonly costSavingsUsd: number;
  readonly drivers: readonly string[];
}

/** One capacity row (only nodes with a plan). */
export interface CapacityRow {
  readonly node: string;
  readonly region: string;
  readonly resource: string;
  readonly currentPct: number;
  readonly growthPctPerDay: number;
  /** Expected days until the warning threshold; null when not within the horizon. */
  readonly daysToWarning: number | null;
  readonly action: string;
}

/** The report content. */
export interface ReportData {
  readonly title: string;
  readonly kind: ReportKind;
  readonly range: ReportRange;
  readonly generatedAtMs: number;
  readonly slos: readonly SloRow[];
  readonly anomalies: AnomalyBreakdown;
  readonly rollout: RolloutSection | { readonly unavailable: string };
  readonly regions: readonly {
    readonly region: string;
    readonly score: number | null;
    readonly status: string | null;
  }[];
  readonly capacity: readonly CapacityRow[];
  readonly capacityNotes: readonly string[];
  readonly topChanges: readonly MetricChange[];
  readonly warnings: readonly string[];
}

/** Bounds of {@link gatherReportData}. */
export interface GatherOptions {
  /** Anomalies read at most (default 5000). */
  readonly maxAnomalies?: number;
  /** Series read per metric for top changes (default 50) and points per series (default 5000). */
  readonly maxSeriesPerMetric?: number;
  readonly maxPointsPerSeries?: number;
  /** Metrics compared for top changes (default: the DWCP performance metrics of v1, v3 and production). */
  readonly changeMetrics?: readonly CatalogMetric[];
  readonly topChanges?: number;
}

const KIND_TITLE: Readonly<Record<ReportKind, string>> = {
  hourly: 'Hourly DWCP report',
  daily: 'Daily DWCP report',
  weekly: 'Weekly DWCP report',
  custom: 'DWCP report',
};

/** Default metrics of the top changes: catalog metrics the detector analyses (not `generic`). */
export function defaultChangeMetrics(): CatalogMetric[] {
  return [...metricsOf('v1'), ...metricsOf('v3'), ...metricsOf('production')].filter(
    (m) => m.anomalyKind !== 'generic',
  );
}

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Gathers the report for `range`.
 * @throws StoreError when the store fails on the anomaly read (the other sections degrade to warnings).
 */
export async function gatherReportData(
  src: ReportSources,
  range: ReportRange,
  kind: ReportKind,
  nowMs: number,
  opts: GatherOptions = {},
): Promise<ReportData> {
  const { fromMs, toMs } = range;
  const windowMs = toMs - fromMs;
  const warnings: string[] = [];
  const maxAnomalies = opts.maxAnomalies ?? 5000;

  const anomalies = await src.anomalies.list({
    startMs: fromMs - 7 * 86_400_000,
    endMs: toMs,
    limit: maxAnomalies,
  });
  const breakdown = breakdownAnomalies(anomalies, fromMs, toMs, {
    truncated: anomalies.length >= maxAnomalies,
  });
  if (breakdown.truncated)
    warnings.push(`more than ${maxAnomalies} anomalies: the counts cover the newest ${maxAnomalies}`);

  let slos: SloRow[] = [];
  try {
    const o = await src.insights.slo(windowMs, toMs);
    warnings.push(...o.warnings);
    slos = o.slos.map((s) => ({
      name: s.name,
      objective: s.objective,
      status: s.report ? s.report.status : 'not-evaluated',
      compliance: s.report?.compliance ?? null,
      budgetRemaining: s.report?.budget?.remainingFraction ?? null,
      violations: s.report?.violations.length ?? 0,
      // Not evaluated: why; no verdict: what is missing.
      reason: s.reason ?? (s.report && s.report.missing.length > 0 ? s.report.missing.join('; ') : null),
    }));
  } catch (e) {
    warnings.push(`SLO budgets unavailable: ${errText(e)}`);
  }

  let rollout: ReportData['rollout'];
  try {
    const r = await src.insights.rollout(windowMs, toMs);
    warnings.push(...r.warnings);
    const c = r.comparison;
    rollout = {
      decision: r.decision,
      score: r.score,
      summary: r.summary,
      rolloutPercent: r.rolloutPercent,
      v1Migrations: r.samples.v1Migrations,
      v3Migrations: r.samples.v3Migrations,
      improvements: [
        { name: 'throughput', percent: c.throughputImprovementPercent },
        { name: 'p95 latency', percent: c.latencyP95ImprovementPercent },
        { name: 'CPU', percent: c.cpuImprovementPercent },
        { name: 'memory', percent: c.memoryImprovementPercent },
        { name: 'compression', percent: c.compressionImprovementPercent },
        { name: 'bandwidth saved', percent: c.bandwidthSavedPercent },
      ],
      migrationSpeedup: c.migrationSpeedup,
      costSavingsUsd: c.costSavingsUsd,
      drivers: r.drivers.map((d) => d.text),
    };
  } catch (e) {
    rollout = { unavailable: errText(e) };
  }

  let regions: ReportData['regions'] = [];
  try {
    const o = await src.insights.regions(windowMs, toMs);
    warnings.push(...o.warnings);
    regions = o.regions.map((r) => ({ region: r.region, score: r.score, status: r.status }));
  } catch (e) {
    warnings.push(`regional health unavailable: ${errText(e)}`);
  }

  const capacity: CapacityRow[] = [];
  const capacityNotes: string[] = [];
  try {
    // Capacity trends need history: at least a day, whatever the report length.
    const o = await src.capacity.capacity(Math.max(windowMs, 86_400_000), ['cpu', 'memory'], toMs);
    warnings.push(...o.warnings);
    for (const n of o.nodes) {
      if (n.plan.status !== 'ok') {
        capacityNotes.push(`${n.node} ${n.resource}: ${n.plan.reason}`);
        continue;
      }
      capacity.push({
        node: n.node,
        region: n.region,
        resource: n.resource,
        currentPct: n.plan.currentPct,
        growthPctPerDay: n.plan.growthPctPerDay,
        daysToWarning: n.plan.warning.expected,
        action: n.plan.recommendation.action,
      });
    }
  } catch (e) {
    warnings.push(`capacity outlook unavailable: ${errText(e)}`);
  }

  let changes: MetricChange[] = [];
  try {
    changes = topChanges(
      await readChangeSeries(src.samples, range, opts),
      fromMs,
      toMs,
      opts.topChanges ?? 10,
    );
  } catch (e) {
    warnings.push(`top changes unavailable: ${errText(e)}`);
  }

  return {
    title: KIND_TITLE[kind],
    kind,
    range,
    generatedAtMs: nowMs,
    slos,
    anomalies: breakdown,
    rollout,
    regions,
    capacity: capacity.slice(0, 50),
    capacityNotes: capacityNotes.slice(0, 20),
    topChanges: changes,
    warnings: [...new Set(warnings)].slice(0, 50),
  };
}

async function readChangeSeries(
  store: SampleStore,
  range: ReportRange,
  opts: GatherOptions,
): Promise<Map<string, MetricSeries>> {
  const maxSeries = opts.maxSeriesPerMetric ?? 50;
  const maxPoints = opts.maxPointsPerSeries ?? 5000;
  const from = range.fromMs - (range.toMs - range.fromMs);
  const read = async (name: string): Promise<SeriesPoints[]> => {
    const series = await store.findSeries(name, {}, maxSeries);
    return series.length === 0 ? [] : store.readPoints(series, from, range.toMs, maxPoints);
  };
  const out = new Map<string, MetricSeries>();
  for (const m of opts.changeMetrics ?? defaultChangeMetrics()) {
    if (m.type === 'histogram') {
      const [sums, counts] = await Promise.all([read(`${m.name}_sum`), read(`${m.name}_count`)]);
      if (sums.length > 0) out.set(m.name, { type: 'histogram', sums, counts });
    } else {
      const series = await read(m.name);
      if (series.length > 0) out.set(m.name, { type: m.type, series });
    }
  }
  return out;
}
