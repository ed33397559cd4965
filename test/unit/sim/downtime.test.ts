import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quantileSorted } from '../../../src/math/quantile.ts';
import { switchoverDowntime } from '../../../src/sim/downtime.ts';
import { MODE_PARAMS } from '../../../src/sim/mode-params.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { NO_FAULT } from '../../../src/sim/faults.ts';
import { SimNode } from '../../../src/sim/node.ts';
import { linkProfile, type LinkClass } from '../../../src/sim/link-model.ts';
import { valuesOf } from '../../helpers/metric-values.ts';

const T0 = Date.UTC(2026, 0, 1);

const quantile = (xs: readonly number[], q: number): number =>
  quantileSorted(
    [...xs].sort((a, b) => a - b),
    q,
  );

/** Healthy conditions of each mode near the middle of its link class. */
interface Conditions {
  readonly latencyMs: number;
  readonly throughput: number;
  readonly ratio: number;
}

const HEALTHY: Readonly<Record<'datacenter' | 'hybrid' | 'internet', Conditions>> = {
  datacenter: { latencyMs: 3, throughput: 2.4e9, ratio: 2.6 },
  hybrid: { latencyMs: 25, throughput: 1.6e8, ratio: 3.4 },
  internet: { latencyMs: 105, throughput: 2.8e7, ratio: 4.2 },
};

function draws(mode: keyof typeof HEALTHY, v3Factor = 1, over: Partial<Conditions> = {}): number[] {
  const prng = new Prng(9);
  return Array.from({ length: 4000 }, () =>
    switchoverDowntime(MODE_PARAMS[mode].downtime, { ...HEALTHY[mode], ...over, v3Factor }, prng),
  );
}

describe('switchover downtime', () => {
  it('is tens of ms in the datacenter, below 100 ms hybrid and a few hundred ms at most on the internet', () => {
    const dc = draws('datacenter');
    const hy = draws('hybrid');
    const net = draws('internet');
    assert.ok(quantile(dc, 0.5) > 0.01 && quantile(dc, 0.5) < 0.05, `datacenter median ${quantile(dc, 0.5)}`);
    assert.ok(quantile(hy, 0.5) > 0.03 && quantile(hy, 0.5) < 0.1, `hybrid median ${quantile(hy, 0.5)}`);
    assert.ok(quantile(net, 0.5) > 0.1 && quantile(net, 0.5) < 0.25, `internet median ${quantile(net, 0.5)}`);
    for (const [mode, xs] of [
      ['datacenter', dc],
      ['hybrid', hy],
      ['internet', net],
    ] as const) {
      assert.ok(
        quantile(xs, 0.99) < 0.5,
        `${mode} healthy P99 ${quantile(xs, 0.99)} must meet the 500 ms SLO`,
      );
      assert.ok(
        quantile(xs, 0.95) < 0.3,
        `${mode} healthy P95 ${quantile(xs, 0.95)} must stay under the 300 ms warning`,
      );
    }
  });

  it('grows with the link latency, a throughput drop, a compression loss and a v3 regression', () => {
    const median = (xs: number[]) => quantile(xs, 0.5);
    const base = median(draws('internet'));
    assert.ok(
      median(draws('internet', 1, { latencyMs: 5 * HEALTHY.internet.latencyMs })) > 3 * base,
      'latency spike',
    );
    assert.ok(
      median(draws('internet', 1, { throughput: 0.3 * HEALTHY.internet.throughput })) > 1.3 * base,
      'throughput drop',
    );
    assert.ok(median(draws('internet', 1, { ratio: 1.2 })) > 1.2 * base, 'compression degradation');
    assert.ok(Math.abs(median(draws('internet', 3)) / base - 3) < 0.05, 'v3 regression x3');
  });

  it('a simulated node records it in dwcp_v3_migration_latency_seconds, apart from the whole-migration duration', async () => {
    for (const linkClass of ['datacenter', 'internet'] as LinkClass[]) {
      const n = new SimNode({
        id: 'node-1',
        region: 'r',
        profile: linkProfile(linkClass, new Prng(3)),
        seed: 11,
        rolloutPercent: 100,
        daySeconds: 86_400,
        startMs: T0,
        faults: [],
        peers: ['node-2'],
        remoteRegions: [],
        warn: () => {},
      });
      for (let i = 0; i < 30; i++) n.tick(T0 + i * 1000);
      assert.deepEqual(n.currentEffects, NO_FAULT);
      // Sum of a histogram's `_sum` or `_count` rows over every label set.
      const total = async (name: string, suffix: '_sum' | '_count') =>
        (await valuesOf(n.registry, name))
          .filter((r) => r.metricName === name + suffix)
          .reduce((a, r) => a + r.value, 0);
      const mean = async (name: string) => (await total(name, '_sum')) / (await total(name, '_count'));
      const downtime = await mean('dwcp_v3_migration_latency_seconds');
      const duration = await mean('dwcp_v3_migration_duration_seconds');
      assert.ok(downtime > 0.005 && downtime < 0.3, `${linkClass} mean downtime ${downtime} s`);
      assert.ok(
        duration > 10 * downtime,
        `${linkClass}: a whole migration (${duration} s) lasts far longer than its switchover (${downtime} s)`,
      );
    }
  });
});
