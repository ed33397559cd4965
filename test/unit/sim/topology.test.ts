/** One node derivation for the cluster and the scenario evaluator (src/sim/topology.ts). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { scenarioNodeSpecs } from '../../../src/eval/dwcp/nodes.ts';
import type { DwcpScenario } from '../../../src/eval/dwcp/scenario.ts';
import { startCluster } from '../../../src/sim/cluster.ts';
import { deriveNodes, processSeed } from '../../../src/sim/topology.ts';

it('derives ids, regions round-robin, link classes per region slot, ports, peers and seeds deterministically', () => {
  const a = deriveNodes(4, ['us-east', 'eu-west', 'ap-south'], 7, 9100);
  assert.deepEqual(
    a.map((n) => [n.id, n.region, n.profile.linkClass, n.port]),
    [
      ['node-1', 'us-east', 'datacenter', 9100],
      ['node-2', 'eu-west', 'internet', 9101],
      ['node-3', 'ap-south', 'hybrid', 9102],
      ['node-4', 'us-east', 'datacenter', 9103],
    ],
  );
  assert.deepEqual(a[1]!.peers, ['node-1', 'node-3', 'node-4']);
  assert.deepEqual(a[1]!.remoteRegions, ['us-east', 'ap-south']);
  assert.deepEqual(deriveNodes(4, ['us-east', 'eu-west', 'ap-south'], 7, 9100), a, 'deterministic');
  assert.notDeepEqual(
    deriveNodes(4, ['us-east', 'eu-west', 'ap-south'], 8, 9100).map((n) => n.seed),
    a.map((n) => n.seed),
  );
  assert.ok(a.every((n) => Number.isInteger(n.seed) && n.seed >= 0 && n.seed < 2 ** 32));
  assert.deepEqual(
    deriveNodes(2, ['x'], 1).map((n) => n.port),
    [0, 0],
    'port base 0: ephemeral',
  );
  assert.equal(processSeed(a[0]!.seed, 0), a[0]!.seed);
  assert.notEqual(processSeed(a[0]!.seed, 1), a[0]!.seed);
});

it('the cluster and the scenario evaluator get the same nodes for the same seed', async () => {
  const cluster = await startCluster({
    nodes: 3,
    regions: ['us-east', 'eu-west', 'ap-south'],
    portBase: 0,
    seed: 5,
    autoTick: false,
    clock: () => 0,
  });
  try {
    const scenario: DwcpScenario = {
      name: 'x',
      description: 'x',
      nodes: 3,
      durationSeconds: 10,
      warmupSeconds: 1,
      daySeconds: 86400,
      faults: [],
      levelShifts: [],
      restarts: [],
    };
    const specs = scenarioNodeSpecs(scenario, 5);
    assert.deepEqual(
      cluster.sim.map((n) => [n.id, n.region, n.profile]),
      specs.map((s) => [s.id, s.region, s.profile]),
    );
  } finally {
    await cluster.stop();
  }
});
