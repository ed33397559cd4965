import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareVersions } from '../../../src/analysis/canary/comparison.ts';
import { nodeVersions, versionFigures, type FigureSeries } from '../../../src/monitor/rollout-figures.ts';
import { seriesPoints as sp } from '../../helpers/series-points.ts';

const T = 1_700_000_000_000;
const S = 5000;
const pts = (f: (i: number) => number, n = 4): [number, number][] =>
  Array.from({ length: n }, (_, i) => [T + i * S, f(i)]);

/** Node a runs v1 only, node b v3 only (flag from `dwcp_system_config_enabled{feature="v3_enabled"}`). */
function canary(): FigureSeries {
  return {
    v3Enabled: [
      sp(
        'f',
        { node: 'a', feature: 'v3_enabled' },
        pts(() => 0),
      ),
      sp(
        'f',
        { node: 'b', feature: 'v3_enabled' },
        pts(() => 1),
      ),
    ],
    utilization: [
      sp(
        'u',
        { node: 'a', resource_type: 'cpu' },
        pts(() => 50),
      ),
      sp(
        'u',
        { node: 'b', resource_type: 'cpu' },
        pts(() => 40),
      ),
      sp(
        'u',
        { node: 'a', resource_type: 'memory' },
        pts(() => 60),
      ),
      sp(
        'u',
        { node: 'b', resource_type: 'memory' },
        pts(() => 66),
      ),
      sp(
        'u',
        { node: 'b', resource_type: 'disk' },
        pts(() => 99),
      ),
    ],
    throughputTx: [
      // node a: 100 + 25 MB/s = 1000 Mbit/s; node b: 150 MB/s over two transports = 1200 Mbit/s
      sp(
        't',
        { node: 'a', direction: 'tx', transport: 'rdma' },
        pts(() => 100e6),
      ),
      sp(
        't',
        { node: 'a', direction: 'tx', transport: 'tcp' },
        pts(() => 25e6),
      ),
      sp(
        't',
        { node: 'b', direction: 'tx', transport: 'rdma' },
        pts(() => 100e6),
      ),
      sp(
        't',
        { node: 'b', direction: 'tx', transport: 'tcp' },
        pts(() => 50e6),
      ),
    ],
    // v1 node: 4e9 original, 2e9 compressed over the window; v3 node: 4e9 → 1e9 (with a counter reset).
    hdeOriginal: [
      sp(
        'o',
        { node: 'a', data_type: 'vm_memory' },
        pts((i) => 1e9 + i * (4e9 / 3)),
      ),
      sp('o', { node: 'b', data_type: 'vm_memory' }, [
        [T, 5e9],
        [T + S, 7e9],
        [T + 2 * S, 1e9],
        [T + 3 * S, 2e9],
      ]),
    ],
    hdeCompressed: [
      sp(
        'c',
        { node: 'a', data_type: 'vm_memory' },
        pts((i) => i * (2e9 / 3)),
      ),
      sp('c', { node: 'b', data_type: 'vm_memory' }, [
        [T, 0],
        [T + S, 0.5e9],
        [T + 2 * S, 0.25e9],
        [T + 3 * S, 0.5e9],
      ]),
    ],
  };
}

describe('versionFigures (node-level figures by the node v3_enabled flag)', () => {
  it('fills throughput, CPU, memory and bandwidth saved per version in a node-based canary', () => {
    const f = versionFigures(canary(), T - 1, T + 3 * S);
    assert.deepEqual(f.nodes, { v1: 1, v3: 1 });
    assert.deepEqual(f.notes, [
      '1 v1 and 1 v3 nodes: the node-level figures compare different nodes, so differences between the nodes (links, load) are part of them; descriptive, not judged',
    ]);
    assert.deepEqual(f.v1.cpuPercent, [50, 50, 50, 50]);
    assert.deepEqual(f.v3.memoryPercent, [66, 66, 66, 66]);
    assert.deepEqual(f.v1.throughputMbps, [1000, 1000, 1000, 1000]);
    assert.deepEqual(f.v3.throughputMbps, [1200, 1200, 1200, 1200]);
    assert.equal(f.v1.originalBytes, 4e9);
    assert.equal(f.v1.transferredBytes, 2e9);
    assert.equal(f.v3.originalBytes, 2e9 + 1e9 + 1e9); // 5→7, reset to 1, 1→2
    assert.equal(f.v3.transferredBytes, 0.5e9 + 0.25e9 + 0.25e9);
    const c = compareVersions(
      { latencySeconds: [], memoryMb: [], ...f.v1 },
      { latencySeconds: [], memoryMb: [], ...f.v3 },
    );
    assert.equal(c.throughputImprovementPercent, 20);
    assert.equal(c.cpuImprovementPercent, 20);
    assert.equal(c.memoryImprovementPercent, -10);
    assert.equal(c.v3.memoryMeanPercent, 66);
    assert.equal(c.bandwidthSavedPercent, 75);
    assert.equal(c.bandwidthSavedGb, 3);
  });

  it('with every node on v3 (a per-migration rollout) only bandwidth saved is filled, and a note says why', () => {
    const all = canary();
    const f = versionFigures(
      {
        ...all,
        v3Enabled: [
          sp(
            'f',
            { node: 'a', feature: 'v3_enabled' },
            pts(() => 1),
          ),
          sp(
            'f',
            { node: 'b', feature: 'v3_enabled' },
            pts(() => 1),
          ),
        ],
      },
      T - 1,
      T + 3 * S,
    );
    assert.deepEqual(f.nodes, { v1: 0, v3: 2 });
    assert.deepEqual([f.v1.cpuPercent, f.v3.cpuPercent, f.v3.throughputMbps], [[], [], []]);
    assert.equal(f.v3.originalBytes, 8e9);
    assert.equal(f.v1.originalBytes, undefined);
    assert.match(
      f.notes[0]!,
      /^all 2 nodes have v3 enabled: node-level throughput, CPU and memory are per node/,
    );
    const none = versionFigures({ ...all, v3Enabled: [] }, T - 1, T + 3 * S);
    assert.match(none.notes[0]!, /no v3_enabled feature flag/);
    assert.equal(none.v3.originalBytes, undefined);
  });

  it('takes the latest flag value of each node', () => {
    const v = nodeVersions([
      sp('f', { node: 'a' }, [
        [T, 1],
        [T + S, 0],
      ]),
      sp('f', { node: 'b' }, [
        [T, 0],
        [T + S, Number.NaN],
      ]),
    ]);
    assert.deepEqual(
      [...v],
      [
        ['a', 'v1'],
        ['b', 'v1'],
      ],
    );
  });
});
