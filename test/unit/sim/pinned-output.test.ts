/**
 * Pins the simulator's output for fixed seeds: the full /metrics exposition (sha256) and a few values of one
 * node per link class after 60 one-second ticks with a latency spike. The simulator promises the same output
 * for the same seed (every draw in a fixed order), which the detection benchmarks and golden scenarios rely
 * on. A change here means every seeded result changes: only update the pins for an intended change of the
 * dynamics, and re-measure the benchmarks (bench:detect, bench:rollout) with it. (The per-migration resource
 * series, CPU seconds, peak host memory and bytes sent, only added series: without them the exposition hashes
 * to the earlier pins, bd5d6301…, 90ba61be…, 38f6f24d….)
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
    sha256: '8fe7aa3f81e7bdc029b6dda34f05382ad16c769b4ed2a4166578bce7b1d663aa',
    throughput: 2373736394.901675,
    v3Migrations: 59,
    v3MemoryBytes: 848256040960,
    rttSeconds: 0.152388944209108,
    memoryPercent: 41.951968089388046,
    activeStreams: 146,
    consensusSecondsSum: 3.3372454518267456,
  },
  internet: {
    sha256: '265baaff58bc12380dea55888639b592d2739880a61ca573af8fc27d2783cc1f',
    throughput: 27803257.24585191,
    v3Migrations: 60,
    v3MemoryBytes: 760209211392,
    rttSeconds: 0.4152129854656064,
    memoryPercent: 42.63961868138434,
    activeStreams: 12,
    consensusSecondsSum: 279.9589748618925,
  },
  hybrid: {
    sha256: '2cc3a0e81543b48845c53f2bd0f48369b77c29617d27ee84b720af0cae3274d2',
    throughput: 159134112.98694772,
    v3Migrations: 45,
    v3MemoryBytes: 612032839680,
    rttSeconds: 0.22391626932994385,
    memoryPercent: 42.63961868138434,
    activeStreams: 64,
    consensusSecondsSum: 2.4751140415927457,
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
      assert.equal(
        await valueOf(
          r,
          'dwcp_v3_migration_duration_seconds',
          { mode },
          'dwcp_v3_migration_duration_seconds_count',
        ),
        pin.v3Migrations,
      );
      assert.equal(await valueOf(r, 'dwcp_v3_migration_memory_bytes_total', { mode }), pin.v3MemoryBytes);
      assert.equal(
        await valueOf(r, 'dwcp_v3_network_rtt_seconds', { remote_region: 'eu-west' }),
        pin.rttSeconds,
      );
      assert.equal(
        await valueOf(r, 'dwcp_v3_resource_utilization_percent', { resource_type: 'memory' }),
        pin.memoryPercent,
      );
      assert.equal(await valueOf(r, 'dwcp_v3_active_streams', { mode }), pin.activeStreams);
      const protocol = linkClass === 'internet' ? 'pbft' : 'raft';
      assert.equal(
        await valueOf(
          r,
          'dwcp_v3_consensus_latency_seconds',
          { protocol },
          'dwcp_v3_consensus_latency_seconds_sum',
        ),
        pin.consensusSecondsSum,
      );
      assert.equal(
        createHash('sha256')
          .update(await r.metrics())
          .digest('hex'),
        pin.sha256,
      );
    });
  }
});
