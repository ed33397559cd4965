/**
 * Pins the simulator's output for fixed seeds: the full /metrics exposition (sha256) and a few values of one
 * node per link class after 60 one-second ticks with a latency spike. The simulator promises the same output
 * for the same seed (every draw in a fixed order), which the detection benchmarks and golden scenarios rely
 * on. A change here means every seeded result changes: only update the pins for an intended change of the
 * dynamics, and re-measure the benchmarks (bench:detect, bench:rollout) with it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LinkClass } from '../../../src/sim/link-model.ts';
import { valueOf } from '../../helpers/metric-values.ts';
import { SIM_T0, testSimNode } from '../../helpers/sim-node.ts';

const T0 = SIM_T0;

interface Pin {
  readonly sha256: string;
  readonly throughput: number;
  readonly v3Migrations: number;
  /** Guest memory of those migrations (2, 8 or 32 GiB each), bytes. */
  readonly v3MemoryBytes: number;
  readonly rttSeconds: number;
  readonly memoryPercent: number;
  readonly activeStreams: number;
  readonly consensusSecondsSum: number;
}

const PINS: Readonly<Record<LinkClass, Pin>> = {
  datacenter: {
    sha256: '80b729e00e4689725f06c5a784b6db57bb556d2cd41cfead086d792df1746183',
    throughput: 2373736394.901675,
    v3Migrations: 59,
    v3MemoryBytes: 848256040960,
    rttSeconds: 0.152388944209108,
    memoryPercent: 41.951968089388046,
    activeStreams: 146,
    consensusSecondsSum: 3.3372454518267456,
  },
  internet: {
    sha256: '22a798e3801ece506feb6d33e19db0d6b81485bf3d9e13c673224b1e4b6a9007',
    throughput: 27803257.24585191,
    v3Migrations: 60,
    v3MemoryBytes: 760209211392,
    rttSeconds: 0.4152129854656064,
    memoryPercent: 42.63961868138434,
    activeStreams: 12,
    consensusSecondsSum: 279.9589748618925,
  },
  hybrid: {
    sha256: '2012715ca40628675513de77f1179908fdf61fc210c38ce3ebdeaed8819e7b55',
    throughput: 159134112.98694772,
    v3Migrations: 42,
    v3MemoryBytes: 566935683072,
    rttSeconds: 0.24505431073026993,
    memoryPercent: 42.63961868138434,
    activeStreams: 64,
    consensusSecondsSum: 2.339335190796524,
  },
};

describe('simulator output is fixed per seed', () => {
  for (const linkClass of ['datacenter', 'internet', 'hybrid'] as const) {
    it(`${linkClass}: exposition and values after 60 ticks`, async () => {
      const node = testSimNode(linkClass, {
        daySeconds: 600,
        faults: [{ kind: 'latency_spike', node: 0, startMs: 20_000, durationMs: 10_000, magnitude: 3 }],
      });
      for (let s = 0; s < 60; s++) node.tick(T0 + s * 1000);
      const mode = node.currentMode;
      assert.equal(mode, linkClass);
      const pin = PINS[linkClass];
      const r = node.registry;
      assert.equal(await valueOf(r, 'dwcp_v3_mode_throughput_bytes_per_second', { mode }), pin.throughput);
      assert.equal(await valueOf(r, 'dwcp_v3_migration_duration_seconds', { mode }, 'dwcp_v3_migration_duration_seconds_count'), pin.v3Migrations);
      assert.equal(await valueOf(r, 'dwcp_v3_migration_memory_bytes_total', { mode }), pin.v3MemoryBytes);
      assert.equal(await valueOf(r, 'dwcp_v3_network_rtt_seconds', { remote_region: 'eu-west' }), pin.rttSeconds);
      assert.equal(await valueOf(r, 'dwcp_v3_resource_utilization_percent', { resource_type: 'memory' }), pin.memoryPercent);
      assert.equal(await valueOf(r, 'dwcp_v3_active_streams', { mode }), pin.activeStreams);
      const protocol = linkClass === 'internet' ? 'pbft' : 'raft';
      assert.equal(await valueOf(r, 'dwcp_v3_consensus_latency_seconds', { protocol }, 'dwcp_v3_consensus_latency_seconds_sum'), pin.consensusSecondsSum);
      assert.equal(createHash('sha256').update(await r.metrics()).digest('hex'), pin.sha256);
    });
  }
});
