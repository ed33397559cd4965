/**
 * Composition of the rollout, SLO and regional-health provider for `startMonitor` from the configuration's `slo`
 * and `health` sections. Wiring only.
 */
import type { Slo } from '../analysis/slo/definition.ts';
import type { MonitorConfig } from '../config.ts';
import { RegionTrendTracker } from '../monitor/region-trend-tracker.ts';
import { createInsightsProvider, type InsightsProvider } from '../monitor/rollout-provider.ts';
import { RolloutStageTracker } from '../monitor/rollout-stage-tracker.ts';
import type { SampleStore } from '../store/types.ts';
import type { InsightsTrackers } from '../monitor/insights-exporter.ts';

/** The insights provider and its trackers. */
export interface ComposedInsights {
  readonly insights: InsightsProvider;
  /** The bounded in-memory trackers the provider and the insights export share. */
  readonly trackers: Required<InsightsTrackers>;
}

/** One mode's latency profile (configuration: ms) as the region score takes it. */
function latencyProfile(m: { latencyBaseline: number; latencyZeroScore: number }): {
  baselineMs: number;
  zeroScoreMs: number;
} {
  return { baselineMs: m.latencyBaseline, zeroScoreMs: m.latencyZeroScore };
}

/** Builds the insights provider reading `store`, evaluating `slos` with the evidence gates of the configuration. */
export function buildInsights(
  config: MonitorConfig,
  store: SampleStore,
  slos: readonly Slo[],
): ComposedInsights {
  const trackers: Required<InsightsTrackers> = {
    rolloutStages: new RolloutStageTracker(),
    regionTrends: new RegionTrendTracker(),
  };
  const modes = config.health.modes;
  const insights = createInsightsProvider(store, {
    ...trackers,
    slos,
    sloStepMs: config.slo.step,
    sloEvidence: {
      minObservedMs: config.slo.minObserved,
      minWindowCoverage: config.slo.minWindowCoverage,
      alpha: config.slo.alpha,
    },
    regionHealth: {
      warmupMs: config.health.warmup,
      minLatencyObservations: config.health.minLatencyObservations,
      score: {
        modeLatency: {
          datacenter: latencyProfile(modes.datacenter),
          internet: latencyProfile(modes.internet),
          hybrid: latencyProfile(modes.hybrid),
        },
      },
    },
  });
  return { insights, trackers };
}
