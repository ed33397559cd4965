/**
 * Exports the rollout decision, SLO budgets and regional health scores as the monitor's own metrics, so the
 * Phase 6 dashboard and alert rules can use them. Runs the insights provider on a timer; series of SLOs and
 * regions that disappear are removed (bounded by the SLO and region counts). Each recomputation also feeds the
 * optional in-memory trackers: the region score histories (trend) and the rollout-stage snapshots.
 */
import { getMetric } from '../catalog/index.ts';
import type { CatalogMetrics } from '../catalog/registry.ts';
import { DECISION_VALUE } from '../contract/rollout.ts';
import type { RegionTrendTracker } from './region-trend-tracker.ts';
import type { InsightsProvider } from './rollout-provider.ts';
import type { RolloutStageTracker } from './rollout-stage-tracker.ts';

/** Windows the exported values are computed over. */
export interface InsightsExportOptions {
  readonly rolloutWindowMs: number;
  readonly sloWindowMs: number;
  readonly regionWindowMs: number;
}

export const DEFAULT_INSIGHTS_EXPORT: InsightsExportOptions = {
  rolloutWindowMs: 10 * 60_000,
  sloWindowMs: 3600_000,
  regionWindowMs: 5 * 60_000,
};

/** Trackers fed with each recomputation (the provider serves them as `stages` and `trend`). */
export interface InsightsTrackers {
  readonly rolloutStages?: RolloutStageTracker;
  readonly regionTrends?: RegionTrendTracker;
}

/**
 * Computes the insights once, sets the gauges and records the rollout status and region scores in `trackers`.
 * @throws whatever the provider throws (StoreError); the caller logs it and tries again on the next tick.
 */
export async function exportInsights(
  provider: InsightsProvider,
  metrics: CatalogMetrics,
  nowMs: number,
  opts: InsightsExportOptions = DEFAULT_INSIGHTS_EXPORT,
  trackers: InsightsTrackers = {},
): Promise<void> {
  const decision = metrics.gauge(getMetric('dwcp_monitor_rollout_decision').name);
  const score = metrics.gauge(getMetric('dwcp_monitor_rollout_score').name);
  const compliance = metrics.gauge(getMetric('dwcp_monitor_slo_compliance_ratio').name);
  const budget = metrics.gauge(getMetric('dwcp_monitor_slo_error_budget_remaining_ratio').name);
  const region = metrics.gauge(getMetric('dwcp_monitor_region_health_score').name);

  const [r, s, g] = await Promise.all([
    provider.rollout(opts.rolloutWindowMs, nowMs),
    provider.slo(opts.sloWindowMs, nowMs),
    provider.regions(opts.regionWindowMs, nowMs),
  ]);
  decision.set(DECISION_VALUE[r.decision]);
  if (Number.isFinite(r.score)) score.set(r.score);
  compliance.reset();
  budget.reset();
  // Only verdicts are exported: an SLO without enough measured time has no compliance or budget yet.
  for (const slo of s.slos) {
    const rep = slo.report;
    if (rep === null || rep.budget === null) continue;
    compliance.set({ slo: slo.name }, rep.compliance);
    budget.set({ slo: slo.name }, rep.budget.remainingFraction);
  }
  region.reset();
  for (const x of g.regions) if (x.score !== null) region.set({ region: x.region }, x.score);
  trackers.rolloutStages?.record(r, nowMs);
  trackers.regionTrends?.record(g.regions, nowMs);
}
