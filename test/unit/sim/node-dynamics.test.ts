import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Mode } from '../../../src/model/dwcp.ts';
import { NO_FAULT, type FaultEffects } from '../../../src/sim/faults.ts';
import { linkProfile, type LinkConditions, type LinkProfile } from '../../../src/sim/link-model.ts';
import { MODE_PARAMS } from '../../../src/sim/mode-params.ts';
import {
  connectFailureChance,
  streamAbortRate,
  recordConsensus,
  recordSync,
  streamCount,
  StreamSlots,
  transferOf,
  type Tick,
} from '../../../src/sim/node-dynamics.ts';
import { Prng } from '../../../src/sim/prng.ts';
import { NodeTelemetry } from '../../../src/sim/telemetry.ts';
import { valueOf, valuesOf } from '../../helpers/metric-values.ts';

function tick(mode: Mode, link: Partial<LinkConditions> = {}, eff: FaultEffects = NO_FAULT, seed = 1): Tick {
  const profile: LinkProfile = linkProfile(mode, new Prng(5));
  return {
    tel: new NodeTelemetry({ id: 'node-1', region: 'r', clock: () => 0, warn: () => {} }),
    prng: new Prng(seed),
    profile,
    eff,
    dt: 1,
    season: 0,
    mode,
    params: MODE_PARAMS[mode],
    link: {
      loss: profile.loss,
      baseLatencyMs: profile.latencyMs,
      latencyMs: profile.latencyMs,
      bandwidthBps: profile.bandwidthBps,
      ...link,
    },
  };
}

describe('transfer', () => {
  it('TCP throughput falls with the RTT (Mathis), RDMA barely', () => {
    const tcp = transferOf(tick('internet'));
    const tcpSlow = transferOf(
      tick('internet', { latencyMs: linkProfile('internet', new Prng(5)).latencyMs * 4 }),
    );
    assert.ok(
      Math.abs(tcpSlow.throughput / tcp.throughput - 0.25) < 1e-9,
      `TCP at 4x RTT: ${tcpSlow.throughput / tcp.throughput}`,
    );
    const rdma = transferOf(tick('datacenter'));
    const rdmaSlow = transferOf(
      tick('datacenter', { latencyMs: linkProfile('datacenter', new Prng(5)).latencyMs * 4 }),
    );
    assert.ok(
      Math.abs(rdmaSlow.throughput / rdma.throughput - 1 / 1.3) < 1e-9,
      'RDMA at 4x RTT loses 1 - 1/1.3',
    );
    assert.equal(rdma.rdmaShare, 1);
    assert.equal(tcp.rdmaShare, 0);
    assert.equal(tcp.bytes, tcp.throughput);
  });

  it('no mode moves more than its link carries: RDMA on a hybrid link is bounded by bandwidth / 8', () => {
    const k = tick('datacenter');
    const hybridLink = linkProfile('hybrid', new Prng(5));
    const onHybrid: Tick = {
      ...k,
      profile: hybridLink,
      link: {
        ...k.link,
        bandwidthBps: hybridLink.bandwidthBps,
        latencyMs: hybridLink.latencyMs,
        baseLatencyMs: hybridLink.latencyMs,
      },
    };
    assert.ok(
      hybridLink.rdmaBytesPerSecond > hybridLink.bandwidthBps / 8,
      'the RDMA engine is faster than the hybrid path',
    );
    const x = transferOf(onHybrid);
    assert.ok(
      x.throughput <= (hybridLink.bandwidthBps / 8) * 1.1,
      `${x.throughput} B/s on a ${hybridLink.bandwidthBps / 8} B/s link`,
    );
    const dc = transferOf(tick('datacenter'));
    assert.ok(dc.throughput > 2e9, `a datacenter link keeps its RDMA rate: ${dc.throughput}`);
  });

  it('the fault throughput factor scales throughput; the operation latency follows the mode range', () => {
    const base = transferOf(tick('hybrid'));
    const dropped = transferOf(tick('hybrid', {}, { ...NO_FAULT, throughputFactor: 0.3 }));
    assert.ok(Math.abs(dropped.throughput / base.throughput - 0.3) < 1e-9);
    for (const mode of ['datacenter', 'internet', 'hybrid'] as const) {
      const k = tick(mode);
      const x = transferOf(k);
      const [lo, hi] = MODE_PARAMS[mode].opLatencyFactor;
      const oneWay = k.link.latencyMs / 1000;
      assert.ok(x.opLatency >= oneWay * lo && x.opLatency < oneWay * hi, mode);
    }
  });
});

describe('AMST streams', () => {
  it('stream counts follow the bandwidth-delay rule within the mode bounds; the datacenter count is seasonal', () => {
    assert.equal(streamCount(tick('internet', { bandwidthBps: 500e6, latencyMs: 10 })), 16, 'clamped to 16');
    assert.equal(streamCount(tick('internet', { bandwidthBps: 500e6, latencyMs: 500 })), 5);
    assert.equal(streamCount(tick('hybrid', { bandwidthBps: 500e6, latencyMs: 500 })), 16, 'hybrid minimum');
    const dc = streamCount(tick('datacenter'));
    assert.ok(dc >= 32 && dc <= 512 && Math.abs(dc - 128) < 20, `datacenter ${dc}`);
  });

  it('keeps the target open and moves the v3 active-stream gauge to the current mode', async () => {
    const slots = new StreamSlots();
    const k1 = tick('internet');
    slots.update(k1, 12, 1e6);
    const k2 = { ...k1, mode: 'hybrid' as const, params: MODE_PARAMS.hybrid };
    slots.update(k2, 20, 1e6);
    const r = k1.tel.registry;
    assert.equal(await valueOf(r, 'dwcp_amst_streams_active', {}), 20);
    assert.equal(await valueOf(r, 'dwcp_v3_active_streams', { mode: 'hybrid' }), 20);
    assert.equal(await valueOf(r, 'dwcp_v3_active_streams', { mode: 'internet' }), 0);
  });
});

describe('state sync and consensus', () => {
  it('sync latency comes from the mode range times the fault factor; Raft sync resolves no conflicts', async () => {
    const k = tick('datacenter', {}, { ...NO_FAULT, latencyFactor: 3 });
    const s = recordSync(k);
    assert.ok(s >= 0.002 * 3 && s < 0.02 * 3, `sync ${s}`);
    const conflicts = (await valuesOf(k.tel.registry, 'dwcp_v3_sync_conflicts_resolved_total')).reduce(
      (a, x) => a + x.value,
      0,
    );
    assert.equal(conflicts, 0);
    const net = recordSync(tick('internet'));
    assert.ok(net >= 5 && net < 12);
  });

  it('every round times out when the fault says so; PBFT rounds on the internet', async () => {
    const k = tick('internet', {}, { ...NO_FAULT, consensusTimeoutShare: 1 });
    assert.deepEqual(recordConsensus(k), { rounds: 2, errors: 2 });
    assert.equal(
      await valueOf(k.tel.registry, 'dwcp_v3_consensus_operations_total', {
        protocol: 'pbft',
        result: 'timeout',
      }),
      2,
    );
    assert.deepEqual(recordConsensus(tick('datacenter')), { rounds: 2, errors: 0 });
  });
});

describe('AMST stream failures from packet loss', () => {
  it('healthy WAN loss (up to 1.5 %) leaves opens and streams practically error-free', () => {
    // 1.5 %: the top of the internet link class (1.2 %) with its +20 % seasonality.
    assert.ok(connectFailureChance(0.015) < 1e-9, `open failure ${connectFailureChance(0.015)}`);
    // 16 streams for a whole day at 1.5 % loss: expected aborts well under one.
    assert.ok(
      streamAbortRate(0.015) * 16 * 86_400 < 0.01,
      `aborts per day ${streamAbortRate(0.015) * 16 * 86_400}`,
    );
  });

  it('a badly lossy path fails opens and aborts streams, more with more loss, opens capped at one in two', () => {
    assert.ok(connectFailureChance(0.3) > 1e-3 && connectFailureChance(0.3) < connectFailureChance(0.5));
    assert.ok(streamAbortRate(0.3) > 0.1, `aborts per stream-second ${streamAbortRate(0.3)}`);
    assert.ok(streamAbortRate(0.3) < streamAbortRate(0.5));
    assert.equal(connectFailureChance(1), 0.5);
    assert.equal(connectFailureChance(0), 0);
    assert.equal(streamAbortRate(0), 0);
  });
});
