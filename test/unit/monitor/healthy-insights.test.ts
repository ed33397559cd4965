/**
 * The insight surfaces (SLO, regional health, capacity) on a healthy simulated cluster (no faults, 3 nodes in 3
 * regions: datacenter, internet and hybrid mode), read from the stored samples as the API reads them: from a cold
 * start nothing is raised, every surface says what it is missing, and once the gates are passed the verdicts are
 * healthy. Each gate is also switched off to show the false signal it prevents: the SLO gates on the same cluster
 * with a labelled 20-s burst of failed migrations after the cold start (a healthy cluster fails too few to show it).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { RegionsOverview } from '../../../src/contract/regions.ts';
import type { SloOverview } from '../../../src/contract/slo.ts';
import { DEFAULT_MODE_LATENCY } from '../../../src/model/insight-settings.ts';
import { createCapacityProvider } from '../../../src/monitor/capacity-provider.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import type { ScheduledFault } from '../../../src/sim/faults.ts';
import { healthyCluster } from '../../helpers/healthy-cluster.ts';

const HOUR = 3_600_000;
const REGIONS_WINDOW = 5 * 60_000;
const NO_SLO_GATES = { minObservedMs: 0, minWindowCoverage: 0, alpha: 1 };

function firingPairs(o: SloOverview): string[] {
  return o.slos.flatMap((s) =>
    (s.report?.burnRates ?? []).filter((b) => b.firing).map((b) => `${s.name}/${b.severity}`),
  );
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
        assert.ok(
          s.report.missing.some((m) => /measured/.test(m) && /30m/.test(m)),
          `${s.name}: ${s.report.missing.join('; ')}`,
        );
        assert.deepEqual(s.report.alerts, { page: false, ticket: false });
        for (const b of s.report.burnRates)
          assert.equal(b.state, 'insufficient-data', `${s.name} ${b.severity}`);
      }
    });

    it('no region is scored yet; each lists the factors short of the warm-up', async () => {
      const o = await insights.regions(REGIONS_WINDOW, now);
      assert.deepEqual(regionStatus(o), {
        'ap-south': 'insufficient-data',
        'eu-west': 'insufficient-data',
        'us-east': 'insufficient-data',
      });
      for (const r of o.regions) {
        assert.equal(r.score, null);
        assert.ok(r.missing.length > 0);
        assert.ok(
          r.reasons.some((x) => /of data, 2m needed/.test(x)),
          r.reasons.join('; '),
        );
      }
    });

    it('no capacity plan: every node resource says how much history it has and needs', async () => {
      const o = await createCapacityProvider(store).capacity(7 * 24 * HOUR, ['cpu', 'memory'], now);
      assert.equal(o.nodes.length, 6);
      for (const n of o.nodes) {
        assert.equal(n.plan.status, 'insufficient-data', `${n.node}/${n.resource}`);
        if (n.plan.status !== 'insufficient-data') continue;
        // A week is read as 1-minute means (long-window-read.ts): 30 s of samples are one bucket so far.
        assert.match(n.plan.reason, /^1 samples; at least 100 needed; 0ms of history; at least 1d needed$/);
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
      assert.deepEqual(regionStatus(o), {
        'ap-south': 'healthy',
        'eu-west': 'healthy',
        'us-east': 'healthy',
      });
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
      const o = await createInsightsProvider(store, { sloEvidence: { minObservedMs: 2 * 60_000 } }).slo(
        HOUR,
        now,
      );
      const v = verdicts(o);
      for (const name of [
        'migration-time',
        'error-rate',
        'availability',
        'throughput-internet',
        'throughput-hybrid',
      ])
        assert.equal(v[name], 'met', JSON.stringify(v));
      assert.deepEqual(firingPairs(o), []);
    });

    it('capacity with the history gate lowered to 2 min: forecasts stay inside the physical range [0, 100] %', async () => {
      const o = await createCapacityProvider(store, { plan: { minHistoryMs: 2 * 60_000 } }).capacity(
        HOUR,
        ['cpu', 'memory'],
        now,
      );
      const planned = o.nodes.flatMap((n) => (n.plan.status === 'ok' ? [n.plan] : []));
      assert.equal(planned.length, 6);
      for (const p of planned)
        for (const f of p.forecasts) assert.ok(f.lower >= 0 && f.upper <= 100, JSON.stringify(f));
    });
  });

  describe('a short burst of failed migrations after a cold start (v3 regression on node-1 for its first 20 s)', () => {
    const burstStore = new MemorySampleStore();
    const burst: ScheduledFault = {
      kind: 'v3_regression',
      node: 0,
      startMs: 0,
      durationMs: 20_000,
      magnitude: 3,
    };
    const burstCluster = healthyCluster(burstStore, { maxSeconds: 200, faults: [burst] });

    it('at 30 s the gates give no availability verdict and no pair fires; without them 2 failures give violated and a page', async () => {
      const now = await burstCluster.advanceTo(30);
      const gated = await createInsightsProvider(burstStore).slo(HOUR, now);
      const availability = gated.slos.find((s) => s.name === 'availability')?.report;
      assert.ok(availability);
      assert.deepEqual([availability.bad, availability.valid], [2, 87]);
      assert.equal(availability.status, 'insufficient-data');
      assert.deepEqual(firingPairs(gated), []);
      const ungated = await createInsightsProvider(burstStore, { sloEvidence: NO_SLO_GATES }).slo(HOUR, now);
      assert.equal(verdicts(ungated)['availability'], 'violated');
      assert.deepEqual(firingPairs(ungated), ['availability/page']);
    });

    it('at 200 s with 2 min measured: 2 failed among ~600 are no evidence against 99.9 %, so no verdict and no pair', async () => {
      const now = await burstCluster.advanceTo(200);
      const o = await createInsightsProvider(burstStore, { sloEvidence: { minObservedMs: 2 * 60_000 } }).slo(
        HOUR,
        now,
      );
      const availability = o.slos.find((s) => s.name === 'availability')?.report;
      assert.ok(availability);
      assert.equal(availability.bad, 2);
      assert.equal(availability.status, 'insufficient-data', JSON.stringify(verdicts(o)));
      assert.deepEqual(firingPairs(o), []);
    });
  });
});
