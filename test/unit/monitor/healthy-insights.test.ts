/**
 * The insight surfaces (SLO, regional health, capacity) on a healthy simulated cluster (no faults, 3 nodes in 3
 * regions: datacenter, internet and hybrid mode), read from the stored samples as the API reads them: from a cold
 * start nothing is raised, every surface says what it is missing, and once the gates are passed the verdicts are
 * healthy. Each gate is also switched off on the same data to show the false signal it prevents.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { RegionsOverview } from '../../../src/contract/regions.ts';
import type { SloOverview } from '../../../src/contract/slo.ts';
import { DEFAULT_MODE_LATENCY } from '../../../src/model/insight-settings.ts';
import { createCapacityProvider } from '../../../src/monitor/capacity-provider.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import { healthyCluster } from '../../helpers/healthy-cluster.ts';

const HOUR = 3_600_000;
const REGIONS_WINDOW = 5 * 60_000;
const NO_SLO_GATES = { minObservedMs: 0, minWindowCoverage: 0, alpha: 1 };

function firingPairs(o: SloOverview): string[] {
  return o.slos.flatMap((s) => (s.report?.burnRates ?? []).filter((b) => b.firing).map((b) => `${s.name}/${b.severity}`));
}

function verdicts(o: SloOverview): Record<string, string> {
  return Object.fromEntries(o.slos.map((s) => [s.name, s.report?.status ?? `not evaluated: ${s.reason}`]));
}

function regionStatus(o: RegionsOverview): Record<string, string> {
  return Object.fromEntries(o.regions.map((r) => [r.region, r.status]));
}

describe('insights on a healthy simulated cluster', () => {
  const store = new MemorySampleStore();
  const cluster = healthyCluster(store, { maxSeconds: 200 });
  const insights = createInsightsProvider(store);

  describe('30 s after a cold start', () => {
    let now = 0;
    before(async () => {
      now = await cluster.advanceTo(30);
    });

    it('no SLO has a verdict or a firing burn-rate pair, and each says what is missing', async () => {
      const o = await insights.slo(HOUR, now);
      assert.ok(o.slos.length >= 5);
      for (const s of o.slos) {
        assert.ok(s.report, `${s.name}: ${s.reason}`);
        assert.equal(s.report.status, 'insufficient-data', s.name);
        assert.equal(s.report.compliance, null);
        assert.equal(s.report.budget, null);
        assert.ok(s.report.missing.some((m) => /measured/.test(m) && /30m/.test(m)), `${s.name}: ${s.report.missing.join('; ')}`);
        assert.deepEqual(s.report.alerts, { page: false, ticket: false });
        for (const b of s.report.burnRates) assert.equal(b.state, 'insufficient-data', `${s.name} ${b.severity}`);
      }
    });

    it('without the evidence gates the same 30 s give false verdicts and firing pairs', async () => {
      const ungated = await createInsightsProvider(store, { sloEvidence: NO_SLO_GATES }).slo(HOUR, now);
      const v = verdicts(ungated);
      assert.ok(Object.values(v).includes('violated'), JSON.stringify(v));
      assert.ok(firingPairs(ungated).length > 0);
    });

    it('no region is scored yet; each lists the factors short of the warm-up', async () => {
      const o = await insights.regions(REGIONS_WINDOW, now);
      assert.deepEqual(regionStatus(o), { 'ap-south': 'insufficient-data', 'eu-west': 'insufficient-data', 'us-east': 'insufficient-data' });
      for (const r of o.regions) {
        assert.equal(r.score, null);
        assert.ok(r.missing.length > 0);
        assert.ok(r.reasons.some((x) => /of data, 2m needed/.test(x)), r.reasons.join('; '));
      }
    });

    it('no capacity plan: every node resource says how much history it has and needs', async () => {
      const o = await createCapacityProvider(store).capacity(7 * 24 * HOUR, ['cpu', 'memory'], now);
      assert.equal(o.nodes.length, 6);
      for (const n of o.nodes) {
        assert.equal(n.plan.status, 'insufficient-data', `${n.node}/${n.resource}`);
        if (n.plan.status !== 'insufficient-data') continue;
        assert.match(n.plan.reason, /\b29s of history; at least 1d needed$/);
      }
    });
  });

  describe('200 s after a cold start, gates shortened so that verdicts are reached', () => {
    let now = 0;
    before(async () => {
      now = await cluster.advanceTo(200);
    });

    it('every region is scored against its own mode and is healthy', async () => {
      const o = await insights.regions(REGIONS_WINDOW, now);
      assert.deepEqual(regionStatus(o), { 'ap-south': 'healthy', 'eu-west': 'healthy', 'us-east': 'healthy' });
    });

    it('on the datacenter latency scale for every mode, the internet region would not be healthy', async () => {
      const dc = DEFAULT_MODE_LATENCY.datacenter;
      const oneScale = createInsightsProvider(store, {
        regionHealth: { score: { modeLatency: { datacenter: dc, hybrid: dc, internet: dc } } },
      });
      const o = await oneScale.regions(REGIONS_WINDOW, now);
      assert.notEqual(regionStatus(o)['eu-west'], 'healthy');
    });

    it('with 2 min of measured time needed, the SLOs the simulator meets are met and no burn-rate pair fires', async () => {
      const o = await createInsightsProvider(store, { sloEvidence: { minObservedMs: 2 * 60_000 } }).slo(HOUR, now);
      const v = verdicts(o);
      for (const name of ['migration-time', 'error-rate', 'throughput-internet', 'throughput-hybrid']) assert.equal(v[name], 'met', JSON.stringify(v));
      // A failed migration or two among ~600 is no evidence against 99.9 %: the binomial test withholds "violated".
      assert.equal(v['availability'], 'insufficient-data', JSON.stringify(v));
      assert.deepEqual(firingPairs(o), []);
    });

    it('capacity with the history gate lowered to 2 min: forecasts stay inside the physical range [0, 100] %', async () => {
      const o = await createCapacityProvider(store, { plan: { minHistoryMs: 2 * 60_000 } }).capacity(HOUR, ['cpu', 'memory'], now);
      const planned = o.nodes.flatMap((n) => (n.plan.status === 'ok' ? [n.plan] : []));
      assert.equal(planned.length, 6);
      for (const p of planned) for (const f of p.forecasts) assert.ok(f.lower >= 0 && f.upper <= 100, JSON.stringify(f));
    });
  });
});
