/**
 * Inter-region probes of SimNode read back through the network provider (node registry → samples as the monitor
 * stores them → createNetworkProvider): plausible RTT per link class, RFC 3550 jitter well below the RTT, probe
 * counts, symmetric base RTT per region pair, determinism per seed, and a latency spike raising RTT and jitter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sample } from '../../../src/model/sample.ts';
import type { NetworkOverview } from '../../../src/contract/network.ts';
import { createNetworkProvider } from '../../../src/monitor/network-provider.ts';
import type { ScheduledFault } from '../../../src/sim/faults.ts';
import { interRegionBaseRttMs, type LinkClass } from '../../../src/sim/link-model.ts';
import { PROBES_PER_SECOND } from '../../../src/sim/probes.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';
import { SIM_T0, testSimNode } from '../../helpers/sim-node.ts';

const T0 = SIM_T0;
const SECONDS = 120;

interface Row {
  readonly labels: Record<string, string | number>;
  readonly value: number;
}

/** Ticks a node once per second and returns the provider's view over the last `windowS` seconds. */
async function run(
  linkClass: LinkClass,
  seed = 11,
  faults: ScheduledFault[] = [],
  windowS = SECONDS,
): Promise<NetworkOverview> {
  const node = testSimNode(linkClass, {
    seed,
    faults,
    peers: ['node-2'],
    remoteRegions: ['eu-west', 'ap-south'],
  });
  const store = new MemorySampleStore();
  for (let s = 0; s < SECONDS; s++) {
    const t = T0 + s * 1000;
    node.tick(t);
    const batch: Sample[] = [];
    for (const m of await node.registry.getMetricsAsJSON()) {
      if (!m.name.startsWith('dwcp_v3_network_')) continue;
      for (const r of m.values as Row[]) {
        const labels: Record<string, string> = { region: node.region, node: node.id };
        for (const [k, v] of Object.entries(r.labels)) labels[k] = String(v);
        batch.push({ name: m.name, labels, value: r.value, timestampMs: t });
      }
    }
    await store.append(batch);
  }
  const now = T0 + (SECONDS - 1) * 1000;
  return createNetworkProvider(store).network(windowS * 1000, now);
}

describe('SimNode inter-region probes', () => {
  it('base RTT of a region pair is symmetric and within 20-160 ms', () => {
    const a = interRegionBaseRttMs('us-east', 'eu-west');
    assert.equal(a, interRegionBaseRttMs('eu-west', 'us-east'));
    assert.ok(a >= 20 && a < 160, String(a));
  });

  for (const linkClass of ['datacenter', 'hybrid', 'internet'] as const) {
    it(`${linkClass}: one pair per remote region, plausible RTT, jitter, loss, bandwidth; tunnel up`, async () => {
      const d = await run(linkClass);
      assert.deepEqual(
        d.pairs.map((p) => [p.region, p.remoteRegion]),
        [
          ['us-east', 'ap-south'],
          ['us-east', 'eu-west'],
        ],
      );
      for (const p of d.pairs) {
        const what = `${linkClass} → ${p.remoteRegion}`;
        assert.ok(p.rtt, what);
        const base = interRegionBaseRttMs('us-east', p.remoteRegion);
        const access = linkClass === 'internet' ? 140 : linkClass === 'hybrid' ? 44 : 3;
        assert.ok(
          p.rtt.p50Ms > base && p.rtt.p50Ms < base * 1.2 + 2 * access + 100,
          `${what}: p50 ${p.rtt.p50Ms}`,
        );
        assert.ok(
          p.jitterMs !== null && p.jitterMs > 0 && p.jitterMs < 0.1 * p.rtt.p50Ms,
          `${what}: jitter ${p.jitterMs}`,
        );
        assert.equal(p.loss.probesSent, PROBES_PER_SECOND * (SECONDS - 1));
        assert.ok(p.loss.ratio !== null && p.loss.ratio < 0.05, `${what}: loss ${p.loss.ratio}`);
        assert.ok(p.bandwidth?.utilization, what);
        assert.ok(p.bandwidth.utilization.max > 0 && p.bandwidth.utilization.max < 1, `${what}: utilisation`);
        assert.equal(p.tunnel.state === 'down', false, `${what}: ${p.tunnel.reasons.join('; ')}`);
      }
    });
  }

  it('is deterministic per seed and differs across seeds', async () => {
    const a = await run('internet', 5);
    const b = await run('internet', 5);
    const c = await run('internet', 6);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a.pairs[0]!.rtt, c.pairs[0]!.rtt);
  });

  it('a latency spike of magnitude 5 raises RTT about 5x and jitter with it', async () => {
    const spike: ScheduledFault = {
      kind: 'latency_spike',
      node: 0,
      startMs: 60_000,
      durationMs: 60_000,
      magnitude: 5,
    };
    const clean = await run('datacenter', 11, [], 30);
    const faulted = await run('datacenter', 11, [spike], 30);
    for (let i = 0; i < clean.pairs.length; i++) {
      const c = clean.pairs[i]!;
      const f = faulted.pairs[i]!;
      const ratio = f.rtt!.p50Ms / c.rtt!.p50Ms;
      assert.ok(ratio > 4.5 && ratio < 5.5, `p50 ratio ${ratio}`);
      assert.ok(f.jitterMs! > 3 * c.jitterMs!, `jitter ${c.jitterMs} → ${f.jitterMs}`);
    }
  });
});
