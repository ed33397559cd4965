import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HealthBoard, componentStatus } from '../../../src/monitor/component-status.ts';

const h = (component: string, node: string, region: string, value: number, t = 1) => ({
  name: 'dwcp_system_component_health',
  labels: { cluster: region, node, component, region },
  value,
  timestampMs: t,
});

test('status per component and region is the worst node, with counts and open anomalies', () => {
  const b = new HealthBoard();
  b.observe([
    h('amst', 'n1', 'us-east', 2),
    h('amst', 'n2', 'us-east', 1),
    h('hde', 'n1', 'us-east', 2),
    h('amst', 'n3', 'eu-west', 0),
  ]);
  const st = componentStatus(b.snapshot(), [{ component: 'amst', labels: { region: 'us-east' } }]);
  const amstUs = st.find((s) => s.component === 'amst' && s.region === 'us-east')!;
  assert.equal(amstUs.state, 'degraded');
  assert.equal(amstUs.nodesHealthy, 1);
  assert.equal(amstUs.nodesDegraded, 1);
  assert.equal(amstUs.activeAnomalies, 1);
  assert.equal(st.find((s) => s.component === 'amst' && s.region === 'eu-west')!.state, 'down');
  assert.equal(st.find((s) => s.component === 'pba' && s.region === 'us-east')!.state, 'unknown');
  assert.equal(st.length, 12); // 6 components x 2 regions
});

test('a node marked down turns its components down; non-health and bad samples are ignored', () => {
  const b = new HealthBoard();
  b.observe([
    h('acp', 'n1', 'ap-south', 2),
    h('nonsense', 'n1', 'ap-south', 2),
    { ...h('itp', 'n1', 'ap-south', Number.NaN) },
    { ...h('acp', 'n1', 'ap-south', 2), name: 'other' },
  ]);
  assert.equal(b.size, 1);
  b.markNodeDown('ap-south', 'n1', 5);
  assert.equal(componentStatus(b.snapshot(), []).find((s) => s.component === 'acp')!.state, 'down');
});

test('the board is bounded', () => {
  const b = new HealthBoard(4);
  b.observe(Array.from({ length: 50 }, (_, i) => h('amst', `n${i}`, 'r', 2)));
  assert.equal(b.size, 4);
});
