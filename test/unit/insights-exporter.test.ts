import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { metricsOf } from '../../src/catalog/index.ts';
import { exportInsights } from '../../src/monitor/insights-exporter.ts';
import type { InsightsProvider, RegionsOverview, RolloutStatus, SloOverview } from '../../src/monitor/rollout-provider.ts';
import { createCatalogMetrics } from '../../src/sdk/registry.ts';

const window = { startMs: 0, endMs: 1 };

/** A provider returning fixed results (a fake of our own interface). */
function provider(decision: RolloutStatus['decision'], regions: [string, number | null][], slos: [string, number | null, number | null][]): InsightsProvider {
  return {
    rollout: async () => ({ decision, score: 0.8 } as unknown as RolloutStatus),
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
      ({ window, warnings: [], regions: regions.map(([region, score]) => ({ region, score, status: null, factors: null, inputs: {}, missing: [] })) }) as unknown as RegionsOverview,
  };
}

async function values(reg: Registry, name: string): Promise<{ labels: Record<string, string | number>; value: number }[]> {
  const json = await reg.getMetricsAsJSON();
  return (json.find((m) => m.name === name)?.values ?? []) as { labels: Record<string, string | number>; value: number }[];
}

test('decision, score, SLO compliance and budget, and region scores become gauges', async () => {
  const reg = new Registry();
  const metrics = createCatalogMetrics(reg, metricsOf('monitor'));
  await exportInsights(provider('CAUTION', [['us-east', 91.5], ['eu-west', null]], [['availability', 0.9995, 0.5], ['latency-p99', null, null]]), metrics, 1000);
  assert.equal((await values(reg, 'dwcp_monitor_rollout_decision'))[0]!.value, 1);
  assert.equal((await values(reg, 'dwcp_monitor_rollout_score'))[0]!.value, 0.8);
  assert.deepEqual(await values(reg, 'dwcp_monitor_slo_compliance_ratio'), [{ labels: { slo: 'availability' }, value: 0.9995 }]);
  assert.deepEqual(await values(reg, 'dwcp_monitor_slo_error_budget_remaining_ratio'), [{ labels: { slo: 'availability' }, value: 0.5 }]);
  assert.deepEqual(await values(reg, 'dwcp_monitor_region_health_score'), [{ labels: { region: 'us-east' }, value: 91.5 }]);

  // A region that disappears is removed, the decision follows the provider.
  await exportInsights(provider('NO-GO', [['ap-south', 40]], []), metrics, 2000);
  assert.equal((await values(reg, 'dwcp_monitor_rollout_decision'))[0]!.value, 0);
  assert.deepEqual(await values(reg, 'dwcp_monitor_region_health_score'), [{ labels: { region: 'ap-south' }, value: 40 }]);
  assert.deepEqual(await values(reg, 'dwcp_monitor_slo_compliance_ratio'), []);
});
