import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MODES } from '../../../src/model/dwcp.ts';
import { MODE_PARAMS } from '../../../src/sim/mode-params.ts';

describe('per-mode parameter table', () => {
  it('has one well-formed row per mode', () => {
    assert.deepEqual(Object.keys(MODE_PARAMS).sort(), [...MODES].sort());
    for (const m of MODES) {
      const p = MODE_PARAMS[m];
      for (const [lo, hi] of [p.opLatencyFactor, p.syncLatencySeconds, p.consensus.latencySeconds])
        assert.ok(lo > 0 && lo < hi, `${m} [${lo}, ${hi})`);
      assert.ok(p.streams.min >= 1 && p.streams.min < p.streams.max, m);
      assert.ok(
        p.rdmaShare >= 0 &&
          p.rdmaShare <= 1 &&
          p.predictionAccuracy > 0 &&
          p.predictionAccuracy <= 1 &&
          p.geoOptimizedShare >= 0 &&
          p.geoOptimizedShare <= 1,
        m,
      );
      assert.ok(
        p.compression.baseRatio > 1 && p.sla.throughputBytesPerSecond > 0 && p.sla.latencySeconds > 0,
        m,
      );
    }
  });

  it('follows the protocol facts: RDMA and Raft in the datacenter, TCP and PBFT on the internet, both in hybrid', () => {
    assert.equal(MODE_PARAMS.datacenter.transfer.model, 'rdma');
    assert.equal(MODE_PARAMS.internet.transfer.model, 'tcp');
    assert.equal(MODE_PARAMS.hybrid.transfer.model, 'mixed');
    assert.deepEqual([MODE_PARAMS.datacenter.rdmaShare, MODE_PARAMS.internet.rdmaShare], [1, 0]);
    assert.deepEqual(
      MODES.map((m) => MODE_PARAMS[m].consensus.protocol),
      MODES.map((m) => (m === 'internet' ? 'pbft' : 'raft')),
    );
    assert.equal(
      MODE_PARAMS.datacenter.syncConflictsPerSecond,
      null,
      'Raft state sync resolves no conflicts',
    );
    assert.deepEqual([MODE_PARAMS.datacenter.streams.min, MODE_PARAMS.datacenter.streams.max], [32, 512]);
    assert.deepEqual([MODE_PARAMS.internet.streams.min, MODE_PARAMS.internet.streams.max], [4, 16]);
    assert.ok(
      MODE_PARAMS.datacenter.consensus.latencySeconds[1] <= 0.1 &&
        MODE_PARAMS.internet.consensus.latencySeconds[0] >= 1,
    );
    assert.equal(MODE_PARAMS.datacenter.compression.algorithm, 'lz4');
    assert.equal(MODE_PARAMS.internet.compression.algorithm, 'zstd-max');
    assert.equal(MODE_PARAMS.internet.sla.throughputBytesPerSecond * 8, 100e6, 'internet SLA: 100 Mbit/s');
  });
});
