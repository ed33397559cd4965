/** TargetWatch (src/monitor/target-watch.ts): health changes, component health, bounds. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { TargetStatus } from '../../../src/model/status.ts';
import { TargetWatch } from '../../../src/monitor/target-watch.ts';

function target(id: string, region: string, health: TargetStatus['health']): TargetStatus {
  return {
    id,
    url: `http://x/${id}`,
    labels: { region, node: id },
    health,
    lastScrapeMs: 1,
    lastScrapeDurationMs: 1,
    lastError: null,
    samplesLastScrape: 0,
  };
}

const health = (node: string, value: number, ts: number) => ({
  name: 'dwcp_v3_component_health',
  labels: { region: 'us-east', node, component: 'amst' },
  value,
  timestampMs: ts,
});

it('notifies on every health change only, and marks the components of a down target down', () => {
  const changes: string[] = [];
  const w = new TargetWatch({ onHealthChange: (t) => void changes.push(`${t.id} ${t.health}`) });
  w.admitted([health('node-1', 2, 1), health('node-2', 2, 1)]);
  w.scraped(target('node-1', 'us-east', 'up'), 1);
  w.scraped(target('node-1', 'us-east', 'up'), 2);
  w.scraped(target('node-1', 'us-east', 'down'), 3);
  w.scraped(target('node-1', 'us-east', 'down'), 4);
  w.scraped(target('node-1', 'us-east', 'up'), 5);
  assert.deepEqual(changes, ['node-1 up', 'node-1 down', 'node-1 up']);
  const amst = w.componentStatus([]).find((c) => c.component === 'amst' && c.region === 'us-east')!;
  assert.deepEqual([amst.state, amst.nodesDown, amst.nodesHealthy], ['down', 1, 1]);
});

it('knows regions from target labels even before any health gauge', () => {
  const w = new TargetWatch({ onHealthChange: () => undefined });
  w.scraped(target('node-9', 'ap-south', 'up'), 1);
  const regions = new Set(w.componentStatus([]).map((c) => c.region));
  assert.deepEqual([...regions], ['ap-south']);
});

it('remembers at most maxTargets targets and regions', () => {
  const changes: string[] = [];
  const w = new TargetWatch({ onHealthChange: (t) => void changes.push(t.id), maxTargets: 2 });
  for (let i = 0; i < 5; i++) w.scraped(target(`n${i}`, `r${i}`, 'up'), 1);
  assert.deepEqual(changes, ['n0', 'n1']);
  assert.equal(new Set(w.componentStatus([]).map((c) => c.region)).size, 2);
  w.scraped(target('n0', 'r0', 'down'), 2);
  assert.deepEqual(changes, ['n0', 'n1', 'n0'], 'known targets keep being watched');
  assert.throws(() => new TargetWatch({ onHealthChange: () => undefined, maxTargets: 0 }), RangeError);
});
