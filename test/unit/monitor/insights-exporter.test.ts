import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { metricsOf } from '../../../src/catalog/index.ts';
import { compareVersions } from '../../../src/analysis/canary/comparison.ts';
import { DEFAULT_INSIGHTS_EXPORT, exportInsights } from '../../../src/monitor/insights-exporter.ts';
import { RegionTrendTracker } from '../../../src/monitor/region-trend-tracker.ts';
import type { RegionsOverview } from '../../../src/contract/regions.ts';
import type { SloOverview } from '../../../src/contract/slo.ts';
import type {
  InsightsProvider,
  RolloutResult as RolloutStatus,
} from '../../../src/monitor/rollout-provider.ts';
import { RolloutStageTracker } from '../../../src/monitor/rollout-stage-tracker.ts';
import { createCatalogMetrics } from '../../../src/catalog/registry.ts';

const window = { startMs: 0, endMs: 1 };

/** A provider returning fixed results (a fake of our own interface). */
function provider(
  decision: RolloutStatus['decision'],
  regions: [string, number | null][],
  slos: [string, number | null, number | null][],
): InsightsProvider {
  return {
    rollout: async () => ({ decision, score: 0.8 }) as unknown as RolloutStatus,
    slo: async () =>
      ({
        stepMs: 10_000,
        window,
        warnings: [],
        slos: slos.map(([name, compliance, remaining]) => ({
          name,
          description: null,
          objective: 0.99,
          windowMs: 1,
          evaluated: compliance !== null,
          reason: null,
          report: compliance === null ? null : { compliance, budget: { remainingFraction: remaining } },
        })),
      }) as unknown as SloOverview,
    regions: async () =>
      ({
        window,
        warnings: [],
        regions: regions.map(([region, score]) => ({
          region,
          score,
          status: null,
          factors: null,
          inputs: {},
          missing: [],
        })),
      }) as unknown as RegionsOverview,
  };
}

async function values(
  reg: Registry,
  name: string,
): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const json = await reg.getMetricsAsJSON();
  return (json.find((m) => m.name === name)?.values ?? []) as {
    labels: Record<string, string | number>;
    value: number;
  }[];
}

test('decision, score, SLO compliance and budget, and region scores become gauges', async () => {
  const reg = new Registry();
  const metrics = createCatalogMetrics(reg, metricsOf('monitor'));
  await exportInsights(
    provider(
      'CAUTION',
      [
        ['us-east', 91.5],
        ['eu-west', null],
      ],
      [
        ['availability', 0.9995, 0.5],
        ['latency-p99', null, null],
      ],
    ),
    metrics,
    1000,
  );
  assert.equal((await values(reg, 'dwcp_monitor_rollout_decision'))[0]!.value, 1);
  assert.equal((await values(reg, 'dwcp_monitor_rollout_score'))[0]!.value, 0.8);
  assert.deepEqual(await values(reg, 'dwcp_monitor_slo_compliance_ratio'), [
    { labels: { slo: 'availability' }, value: 0.9995 },
  ]);
  assert.deepEqual(await values(reg, 'dwcp_monitor_slo_error_budget_remaining_ratio'), [
    { labels: { slo: 'availability' }, value: 0.5 },
  ]);
  assert.deepEqual(await values(reg, 'dwcp_monitor_region_health_score'), [
    { labels: { region: 'us-east' }, value: 91.5 },
  ]);

  // A region that disappears is removed, the decision follows the provider.
  await exportInsights(provider('NO-GO', [['ap-south', 40]], []), metrics, 2000);
  assert.equal((await values(reg, 'dwcp_monitor_rollout_decision'))[0]!.value, 0);
  assert.deepEqual(await values(reg, 'dwcp_monitor_region_health_score'), [
    { labels: { region: 'ap-south' }, value: 40 },
  ]);
  assert.deepEqual(await values(reg, 'dwcp_monitor_slo_compliance_ratio'), []);
});

test('each recomputation feeds the rollout-stage and region-trend trackers', async () => {
  const metrics = createCatalogMetrics(new Registry(), metricsOf('monitor'));
  const trackers = { rolloutStages: new RolloutStageTracker(), regionTrends: new RegionTrendTracker() };
  const comparison = compareVersions(
    { throughputMbps: [], latencySeconds: [10], cpuPercent: [], memoryMb: [], migrationSeconds: [10] },
    { throughputMbps: [], latencySeconds: [5], cpuPercent: [], memoryMb: [], migrationSeconds: [5] },
  );
  const steps: [number | null, RolloutStatus['decision'], number | null][] = [
    [null, 'NO-GO', 90], // no rollout data yet: nothing recorded for the rollout
    [0, 'CAUTION', 85],
    [10, 'GO', null], // region without a score this time: not recorded
    [10, 'GO', 80],
  ];
  for (const [i, [percent, decision, score]] of steps.entries()) {
    const p = provider(decision, [['eu-west', score]], []);
    p.rollout = async () =>
      ({ decision, score: 0.5, rolloutPercent: percent, comparison }) as unknown as RolloutStatus;
    await exportInsights(p, metrics, 600_000 * (i + 1), DEFAULT_INSIGHTS_EXPORT, trackers);
  }
  assert.deepEqual(
    trackers.rolloutStages.stages().map((s) => [s.stage, s.reachedAtMs, s.decision, s.migrationSpeedup]),
    [
      [0, 1_200_000, 'CAUTION', 2],
      [10, 1_800_000, 'GO', 2],
    ],
  );
  assert.deepEqual(trackers.regionTrends.history('eu-west'), [
    { tMs: 600_000, score: 90 },
    { tMs: 1_200_000, score: 85 },
    { tMs: 2_400_000, score: 80 },
  ]);
  // 90, 85, 80 at 10, 20, 40 min: least-squares slope −150·9/4200 points/min = −135/7 ≈ −19.3 points/h → degrading.
  const tr = trackers.regionTrends.trend('eu-west', 2_400_000);
  assert.equal(tr.direction, 'degrading');
  assert.equal(tr.points, 3);
  assert.ok(Math.abs(tr.slopePerHour! + 135 / 7) < 1e-9);
});
