import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { metricsOf } from '../../../src/catalog/index.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import type { FaultKind } from '../../../src/model/anomaly.ts';
import { DEFAULT_MAGNITUDE, type ScheduledFault } from '../../../src/sim/faults.ts';
import { linkProfile, type LinkClass, type LinkProfile } from '../../../src/sim/link-model.ts';
import { SimNode } from '../../../src/sim/node.ts';
import { rolloutStage } from '../../../src/sim/rollout-stage.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { valueOf } from '../../helpers/metric-values.ts';
import { SIM_T0, testSimNode } from '../../helpers/sim-node.ts';

const T0 = SIM_T0;

function makeNode(
  linkClass: LinkClass,
  faults: ScheduledFault[] = [],
  extra: Partial<ConstructorParameters<typeof SimNode>[0]> = {},
  profile?: LinkProfile,
): SimNode {
  return testSimNode(linkClass, { faults, ...(profile ? { profile } : {}), ...extra });
}

/** Ticks once per second from second `from` (inclusive) to `to` (exclusive). */
function run(node: SimNode, from: number, to: number): void {
  for (let s = from; s < to; s++) node.tick(T0 + s * 1000);
}

const fault = (
  kind: FaultKind,
  startS: number,
  durS: number,
  magnitude = DEFAULT_MAGNITUDE[kind],
): ScheduledFault => ({ kind, node: 0, startMs: startS * 1000, durationMs: durS * 1000, magnitude });

/** Mean over `ticks` one-second ticks of a gauge. */
async function gaugeMean(
  node: SimNode,
  from: number,
  ticks: number,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  let sum = 0;
  for (let s = from; s < from + ticks; s++) {
    node.tick(T0 + s * 1000);
    sum += (await valueOf(node.registry, name, labels)) ?? Number.NaN;
  }
  return sum / ticks;
}

/** Mean of the histogram observations made during [from, from + ticks) seconds. */
async function histMean(
  node: SimNode,
  from: number,
  ticks: number,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const read = async (): Promise<[number, number]> => [
    (await valueOf(node.registry, name, labels, `${name}_sum`)) ?? 0,
    (await valueOf(node.registry, name, labels, `${name}_count`)) ?? 0,
  ];
  const [s0, c0] = await read();
  run(node, from, from + ticks);
  const [s1, c1] = await read();
  assert.ok(c1 > c0, `${name} observed during the interval`);
  return (s1 - s0) / (c1 - c0);
}

const near = (actual: number, expected: number, rel: number, what: string): void =>
  assert.ok(
    Math.abs(actual - expected) <= rel * Math.abs(expected),
    `${what}: ${actual} not within ${rel * 100}% of ${expected}`,
  );

describe('SimNode telemetry', () => {
  for (const linkClass of ['datacenter', 'internet', 'hybrid'] as const) {
    it(`${linkClass}: every v1, v3 and production catalog metric is exported with samples and its type`, async () => {
      const node = makeNode(linkClass);
      run(node, 0, 5);
      const text = await node.registry.metrics();
      for (const def of [...metricsOf('v1'), ...metricsOf('v3'), ...metricsOf('production')]) {
        assert.match(text, new RegExp(`^# TYPE ${def.name} ${def.type}$`, 'm'), def.name);
        assert.match(
          text,
          new RegExp(`^${def.name}(_bucket|_sum|_count)?\\{`, 'm'),
          `${def.name} has samples on a ${linkClass} node`,
        );
      }
    });
  }

  it('modes follow the link class: datacenter RDMA 32-512 streams ~2.4-3 GB/s, internet TCP 4-16 streams 100-900 Mbit/s', async () => {
    const dc = makeNode('datacenter');
    run(dc, 0, 15);
    assert.equal(dc.currentMode, 'datacenter');
    const dcStreams = (await valueOf(dc.registry, 'dwcp_v3_active_streams', { mode: 'datacenter' }))!;
    assert.ok(dcStreams >= 32 && dcStreams <= 512, `streams ${dcStreams}`);
    const rdma = (await valueOf(dc.registry, 'dwcp_v3_rdma_throughput_bytes_per_second', {}))!;
    assert.ok(rdma > 2.2e9 && rdma < 3.1e9, `rdma ${rdma}`);
    const dcLatency = await histMean(dc, 15, 10, 'dwcp_v3_mode_latency_seconds', { mode: 'datacenter' });
    assert.ok(dcLatency < 0.1, `datacenter transfer latency ${dcLatency}`);
    const raft = await histMean(dc, 25, 5, 'dwcp_v3_consensus_latency_seconds', { protocol: 'raft' });
    assert.ok(raft < 0.1, `raft ${raft}`);

    const net = makeNode('internet');
    run(net, 0, 15);
    assert.equal(net.currentMode, 'internet');
    const tcp = (await valueOf(net.registry, 'dwcp_v3_tcp_streams', {}))!;
    assert.ok(tcp >= 4 && tcp <= 16, `tcp streams ${tcp}`);
    const thr =
      (await valueOf(net.registry, 'dwcp_v3_mode_throughput_bytes_per_second', { mode: 'internet' }))! * 8;
    assert.ok(thr >= 100e6 && thr <= 900e6, `internet throughput ${thr} bit/s`);
    const ratio = (await valueOf(net.registry, 'dwcp_v3_compression_ratio', { algorithm: 'zstd-max' }))!;
    assert.ok(ratio >= 3 && ratio <= 5, `compression ${ratio}`);
    const loss = (await valueOf(net.registry, 'dwcp_v3_packet_loss_ratio', { mode: 'internet' }))!;
    assert.ok(loss >= 0.001 && loss <= 0.02, `loss ${loss}`);
    const pbft = await histMean(net, 15, 5, 'dwcp_v3_consensus_latency_seconds', { protocol: 'pbft' });
    assert.ok(pbft >= 1 && pbft <= 5, `pbft ${pbft}`);
  });

  it('a healthy hybrid node stays hybrid through its latency swing; a latency spike switches it to internet and back', async () => {
    const healthy = makeNode('hybrid', [], { hybridPeriodSeconds: 60 });
    for (let s = 0; s < 120; s++) {
      healthy.tick(T0 + s * 1000);
      assert.equal(healthy.currentMode, 'hybrid', `second ${s}`);
    }
    const node = makeNode('hybrid', [fault('latency_spike', 30, 30, 5)], { hybridPeriodSeconds: 60 });
    const seen = new Set<string>();
    for (let s = 0; s < 120; s++) {
      node.tick(T0 + s * 1000);
      seen.add(node.currentMode);
    }
    assert.deepEqual([...seen].sort(), ['hybrid', 'internet']);
    assert.equal(node.currentMode, 'hybrid');
    const text = await node.registry.metrics();
    const switches = [...text.matchAll(/^dwcp_v3_mode_switches_total\{[^}]*\} (\d+)/gm)].reduce(
      (s, m) => s + Number(m[1]),
      0,
    );
    assert.ok(switches >= 2, `switches ${switches}`);
  });

  it('daily seasonality follows daySeconds', async () => {
    const node = makeNode('datacenter', [], { daySeconds: 40 });
    run(node, 0, 8);
    const peak = await gaugeMean(node, 8, 4, 'dwcp_v3_resource_utilization_percent', {
      resource_type: 'cpu',
    }); // sin ~ 1 around t=10
    run(node, 12, 28);
    const trough = await gaugeMean(node, 28, 4, 'dwcp_v3_resource_utilization_percent', {
      resource_type: 'cpu',
    }); // sin ~ -1 around t=30
    assert.ok(peak > trough * 1.1, `peak ${peak} trough ${trough}`);
  });

  it('loss up -> throughput down and latency up (correlated effects)', async () => {
    const base = linkProfile('internet', new Prng(3));
    const clean = makeNode('internet', [], {}, { ...base, loss: 0.001 });
    const lossy = makeNode('internet', [], {}, { ...base, loss: 0.02 });
    run(clean, 0, 12);
    run(lossy, 0, 12);
    const t1 = await gaugeMean(clean, 12, 5, 'dwcp_v3_mode_throughput_bytes_per_second', {
      mode: 'internet',
    });
    const t2 = await gaugeMean(lossy, 12, 5, 'dwcp_v3_mode_throughput_bytes_per_second', {
      mode: 'internet',
    });
    assert.ok(t2 < t1 * 0.8, `throughput clean ${t1} lossy ${t2}`);
    const l1 = await histMean(clean, 17, 5, 'dwcp_v3_mode_latency_seconds', { mode: 'internet' });
    const l2 = await histMean(lossy, 17, 5, 'dwcp_v3_mode_latency_seconds', { mode: 'internet' });
    assert.ok(l2 > l1 * 1.2, `latency clean ${l1} lossy ${l2}`);
  });

  it('v3 share of migrations follows the rollout percent; rollout progress is exported', async () => {
    const node = makeNode('datacenter', [], { rolloutPercent: 50 });
    run(node, 0, 20);
    const v3 =
      (await valueOf(node.registry, 'dwcp_v3_migration_success_total', { mode: 'datacenter' }))! +
      (await valueOf(node.registry, 'dwcp_v3_migration_failures_total', { mode: 'datacenter' }))!;
    assert.equal(v3, 40, '4 migrations/s x 20 s x 50 %');
    assert.equal(
      await valueOf(node.registry, 'dwcp_v3_rollout_progress_percent', { stage: 'half', region: 'us-east' }),
      50,
    );
    assert.equal(rolloutStage(0), 'disabled');
    assert.equal(rolloutStage(30), 'early_adopters');
    assert.equal(rolloutStage(100), 'complete');
  });

  it('rejects bad options and tick times', () => {
    assert.throws(() => makeNode('datacenter', [], { rolloutPercent: 120 }), InvalidInputError);
    assert.throws(() => makeNode('datacenter', [], { daySeconds: 0 }), InvalidInputError);
    assert.throws(() => makeNode('datacenter').tick(Number.NaN), InvalidInputError);
  });
});

describe('fault effects (stepping the clock)', () => {
  it('throughput_drop: throughput gauge drops by the magnitude during the fault and returns after; the SLA judges the window', async () => {
    const node = makeNode('datacenter', [
      fault('throughput_drop', 300, 10, 0.7),
      fault('throughput_drop', 400, 200, 0.7),
    ]);
    run(node, 0, 292);
    const l = { mode: 'datacenter' };
    const sla = () => valueOf(node.registry, 'dwcp_v3_sla_compliance', { sla_type: 'throughput' });
    const before = await gaugeMean(node, 292, 8, 'dwcp_v3_mode_throughput_bytes_per_second', l);
    const during = await gaugeMean(node, 300, 10, 'dwcp_v3_mode_throughput_bytes_per_second', l);
    assert.equal(await sla(), 1, 'a 10 s drop does not break the 5-min mean');
    const after = await gaugeMean(node, 310, 8, 'dwcp_v3_mode_throughput_bytes_per_second', l);
    near(during, before * 0.3, 0.1, 'during');
    near(after, before, 0.05, 'after');
    run(node, 318, 600);
    assert.equal(await sla(), 0, 'a 200 s drop does');
  });

  it('latency_spike: transfer latency x magnitude, TCP streams and throughput fall (internet)', async () => {
    const node = makeNode('internet', [fault('latency_spike', 20, 8, 5)]);
    run(node, 0, 12);
    const lBefore = await histMean(node, 12, 8, 'dwcp_v3_mode_latency_seconds', { mode: 'internet' });
    const streamsBefore = (await valueOf(node.registry, 'dwcp_v3_tcp_streams', {}))!;
    const lDuring = await histMean(node, 20, 8, 'dwcp_v3_mode_latency_seconds', { mode: 'internet' });
    const streamsDuring = (await valueOf(node.registry, 'dwcp_v3_tcp_streams', {}))!;
    near(lDuring / lBefore, 5, 0.3, 'latency factor');
    assert.ok(streamsDuring <= streamsBefore / 2, `streams ${streamsBefore} -> ${streamsDuring}`);
    const lAfter = await histMean(node, 28, 8, 'dwcp_v3_mode_latency_seconds', { mode: 'internet' });
    near(lAfter, lBefore, 0.3, 'after');
  });

  it('compression_degradation: ratio falls to ~1.2x, dictionary efficiency drops', async () => {
    const node = makeNode('datacenter', [fault('compression_degradation', 15, 5)]);
    run(node, 0, 15);
    const before = (await valueOf(node.registry, 'dwcp_v3_compression_ratio', { algorithm: 'lz4' }))!;
    assert.ok(before > 2.2, `before ${before}`);
    const during = await gaugeMean(node, 15, 5, 'dwcp_v3_compression_ratio', { algorithm: 'lz4' });
    near(during, 1.2, 0.1, 'during');
    assert.ok((await valueOf(node.registry, 'dwcp_hde_dictionary_efficiency_percent', {}))! < 50);
    const after = await gaugeMean(node, 20, 3, 'dwcp_v3_compression_ratio', { algorithm: 'lz4' });
    near(after, before, 0.1, 'after');
  });

  it('consensus_timeouts: consensus latency up, timeouts counted, ACP degraded', async () => {
    const node = makeNode('internet', [fault('consensus_timeouts', 15, 8, 5)]);
    run(node, 0, 10);
    const before = await histMean(node, 10, 5, 'dwcp_v3_consensus_latency_seconds', { protocol: 'pbft' });
    assert.equal(
      await valueOf(node.registry, 'dwcp_v3_consensus_operations_total', {
        protocol: 'pbft',
        result: 'timeout',
      }),
      0,
    );
    const during = await histMean(node, 15, 8, 'dwcp_v3_consensus_latency_seconds', { protocol: 'pbft' });
    assert.ok(during > before * 3, `consensus ${before} -> ${during}`);
    assert.ok(
      (await valueOf(node.registry, 'dwcp_v3_consensus_operations_total', {
        protocol: 'pbft',
        result: 'timeout',
      }))! >= 3,
    );
    assert.equal(
      await valueOf(node.registry, 'dwcp_v3_component_health', { component: 'acp', version: 'v3' }),
      1,
    );
    assert.equal(await valueOf(node.registry, 'dwcp_system_component_health', { component: 'acp' }), 1);
    run(node, 23, 25);
    assert.equal(
      await valueOf(node.registry, 'dwcp_v3_component_health', { component: 'acp', version: 'v3' }),
      2,
    );
  });

  it('byzantine_events: detections and failovers only while active', async () => {
    const node = makeNode('datacenter', [fault('byzantine_events', 10, 6, 3)]);
    run(node, 0, 10);
    assert.equal(await valueOf(node.registry, 'dwcp_v3_byzantine_detections_total', {}), 0);
    run(node, 10, 16);
    const during = (await valueOf(node.registry, 'dwcp_v3_byzantine_detections_total', {}))!;
    assert.ok(during >= 6, `detections ${during}`);
    assert.ok((await valueOf(node.registry, 'dwcp_v3_failover_events_total', { mode: 'datacenter' }))! >= 6);
    run(node, 16, 25);
    assert.equal(await valueOf(node.registry, 'dwcp_v3_byzantine_detections_total', {}), during);
  });

  it('memory_leak: memory utilisation rises by magnitude %/s and recovers', async () => {
    const node = makeNode('datacenter', [fault('memory_leak', 10, 10, 2)]);
    run(node, 0, 10);
    const m = { resource_type: 'memory' };
    const before = (await valueOf(node.registry, 'dwcp_v3_resource_utilization_percent', m))!;
    run(node, 10, 20);
    const late = (await valueOf(node.registry, 'dwcp_v3_resource_utilization_percent', m))!;
    near(late - before, 18, 0.15, 'leak after 9 s at 2 %/s');
    run(node, 20, 21);
    near((await valueOf(node.registry, 'dwcp_v3_resource_utilization_percent', m))!, before, 0.05, 'after');
  });

  it('v3_regression: v3 migrations slower by the factor, v3 health degraded, v1 unaffected', async () => {
    const node = makeNode('datacenter', [fault('v3_regression', 20, 10, 3)], { rolloutPercent: 50 });
    run(node, 0, 10);
    const l = { mode: 'datacenter' };
    const before = await histMean(node, 10, 10, 'dwcp_v3_migration_duration_seconds', l);
    const during = await histMean(node, 20, 10, 'dwcp_v3_migration_duration_seconds', l);
    near(during / before, 3, 0.35, 'slow-down');
    assert.equal(
      await valueOf(node.registry, 'dwcp_v3_component_health', { component: 'pba', version: 'v3' }),
      1,
    );
    assert.equal(await valueOf(node.registry, 'dwcp_system_component_health', { component: 'pba' }), 2);
    assert.equal(await valueOf(node.registry, 'dwcp_v3_sla_compliance', { sla_type: 'latency' }), 0);
  });

  it('node_down: no telemetry while down, ticks resume after', () => {
    const node = makeNode('datacenter', [fault('node_down', 5, 3)]);
    run(node, 0, 5);
    assert.equal(node.tickCount, 5);
    run(node, 5, 8);
    assert.equal(node.tickCount, 5);
    assert.equal(node.ready, false);
    run(node, 8, 10);
    assert.equal(node.tickCount, 7);
    assert.equal(node.ready, true);
  });
});

describe('SimNode.setRolloutPercent (a stage change)', () => {
  it('moves the share of v3 migrations and the v3_enabled flag from the next tick on; rejects percentages outside 0..100', async () => {
    const node = testSimNode('internet', { rolloutPercent: 0 });
    const v3Count = async (): Promise<number> => {
      const m = node.registry.getSingleMetric('dwcp_v3_migration_duration_seconds');
      let n = 0;
      for (const row of (await m!.get()).values)
        if ((row as { metricName?: string }).metricName?.endsWith('_count')) n += row.value;
      return n;
    };
    const flag = async (): Promise<number | undefined> =>
      valueOf(node.registry, 'dwcp_system_config_enabled', { feature: 'v3_enabled' });
    for (let s = 0; s <= 10; s++) node.tick(SIM_T0 + s * 1000);
    assert.equal(await v3Count(), 0);
    assert.equal(await flag(), 0);
    node.setRolloutPercent(100);
    for (let s = 11; s <= 20; s++) node.tick(SIM_T0 + s * 1000);
    assert.ok((await v3Count()) >= 30, `${await v3Count()} v3 migrations in 10 s at 100 %`);
    assert.equal(await flag(), 1);
    assert.throws(() => node.setRolloutPercent(101), InvalidInputError);
  });
});
