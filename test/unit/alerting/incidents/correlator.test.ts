import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Correlator } from '../../../../src/alerting/incidents/correlator.ts';
import {
  dependsOn,
  depthOf,
  related,
  upstreamFirst,
} from '../../../../src/alerting/incidents/dependencies.ts';
import { rankRootCauses } from '../../../../src/alerting/incidents/root-cause.ts';
import { T0, sig } from '../../../helpers/alerting-fixtures.ts';

function correlator(over: Partial<ConstructorParameters<typeof Correlator>[0]> = {}): Correlator {
  let n = 0;
  return new Correlator({ newId: () => `i${++n}`, ...over });
}
const at = (s: number) => T0 + s * 1000;

test('the DWCP dependency graph: system upstream of all, AMST upstream of ACP and ASS, ITP deepest', () => {
  assert.ok(
    dependsOn('ass', 'amst') &&
      dependsOn('ass', 'acp') &&
      dependsOn('itp', 'amst') &&
      dependsOn('hde', 'system'),
  );
  assert.ok(!dependsOn('amst', 'acp') && !dependsOn('hde', 'amst'));
  assert.ok(related('acp', 'ass') && !related('hde', 'acp'));
  assert.deepEqual(upstreamFirst(['itp', 'ass', 'system', 'amst']), ['system', 'amst', 'ass', 'itp']);
  assert.equal(depthOf('itp'), 3);
});

test('signals on one node in a burst form one incident; another node is another incident', () => {
  const c = correlator();
  const a = c.addSignal(sig('a', 'node-1', 'amst', 0), at(0));
  const b = c.addSignal(sig('b', 'node-1', 'ass', 2), at(2));
  const d = c.addSignal(sig('d', 'node-2', 'amst', 3), at(3));
  assert.equal(a, b);
  assert.notEqual(a, d);
  const i = c.get(a)!;
  assert.equal(i.signals.length, 2);
  assert.equal(i.node, 'node-1');
  assert.equal(i.labels.alertname, 'DWCPIncident');
  assert.equal(i.labels.incident, a);
});

test('an incident resolves reopenWindow after its last member; a later fault on the node opens a new one', () => {
  const c = correlator({ reopenWindowMs: 5000 });
  const a = c.addSignal(sig('a', 'node-1', 'amst', 0), at(0));
  c.resolveSignal('a', at(8), at(8));
  assert.deepEqual(c.tick(at(10)), [], 'within the reopen window');
  assert.equal(c.addSignal(sig('late', 'node-1', 'amst', 11), at(11)), a, 'joins: 3 s after the recovery');
  c.resolveSignal('late', at(12), at(12));
  assert.deepEqual(c.tick(at(17)), [a]);
  assert.equal(c.get(a)!.status, 'resolved');
  assert.equal(c.get(a)!.resolvedAtMs, at(12));
  const b = c.addSignal(sig('b', 'node-1', 'acp', 30), at(30));
  assert.notEqual(b, a);
});

test('after every member recovered, an upstream problem opens its own incident; an after-effect downstream joins', () => {
  const c = correlator({ reopenWindowMs: 5000 });
  const a = c.addSignal(sig('ratio', 'node-1', 'hde', 0), at(0));
  c.resolveSignal('ratio', at(15), at(15));
  assert.notEqual(
    c.addSignal(sig('memory', 'node-1', 'system', 19), at(19)),
    a,
    'system is upstream of hde: a problem that starts after hde recovered did not cause it',
  );
  const d = correlator({ reopenWindowMs: 5000 });
  const x = d.addSignal(sig('up', 'node-1', 'system', 0), at(0));
  d.resolveSignal('up', at(7), at(7));
  assert.equal(d.addSignal(sig('amst', 'node-1', 'amst', 9), at(9)), x, 'AMST depends on the node');
  assert.equal(d.addSignal(sig('up2', 'node-1', 'system', 10), at(10)), x, 'the same component again');
});

test('an unrelated signal on a node with an active incident joins only within the cascade window', () => {
  const c = correlator({ cascadeWindowMs: 5_000 });
  const a = c.addSignal(sig('a', 'node-1', 'hde', 0), at(0));
  assert.equal(c.addSignal(sig('b', 'node-1', 'hde', 90), at(90)), a, 'same component');
  assert.equal(
    c.addSignal(sig('e', 'node-1', 'acp', 4), at(90)),
    a,
    'unrelated, 4 s after the first: one cascade',
  );
  const d = correlator({ cascadeWindowMs: 5_000 });
  const x = d.addSignal(sig('x', 'node-1', 'hde', 0), at(0));
  const y = d.addSignal(sig('y', 'node-1', 'acp', 10), at(10));
  assert.notEqual(y, x, 'hde and acp are unrelated, 10 s apart, while hde still deviates: a second problem');
  assert.equal(
    d.addSignal(sig('z', 'node-1', 'ass', 12), at(12)),
    y,
    'ASS depends on ACP: joins the newer one',
  );
  assert.equal(
    d.addSignal(sig('w', 'node-1', 'system', 100), at(100)),
    y,
    'system is related to every component (the latest active incident on the node)',
  );
});

test('the same metric on two nodes of one region within regionWindow is one incident', () => {
  const c = correlator({ regionWindowMs: 5000 });
  const a = c.addSignal(sig('a', 'node-1', 'amst', 0, { region: 'eu-west', name: 'loss' }), at(0));
  assert.equal(c.addSignal(sig('b', 'node-4', 'amst', 3, { region: 'eu-west', name: 'loss' }), at(3)), a);
  assert.notEqual(
    c.addSignal(sig('c', 'node-5', 'amst', 9, { region: 'eu-west', name: 'loss' }), at(9)),
    a,
    'too late',
  );
  assert.notEqual(
    c.addSignal(sig('d', 'node-7', 'amst', 1, { region: 'us-east', name: 'loss' }), at(1)),
    a,
    'other region',
  );
  assert.equal(c.get(a)!.node, null, 'two nodes');
  assert.equal(c.get(a)!.region, 'eu-west');
});

test('severity is the highest member severity; the severity label follows', () => {
  const c = correlator();
  const a = c.addSignal(sig('a', 'node-1', 'amst', 0, { severity: 'warning' }), at(0));
  c.addSignal(sig('b', 'node-1', 'amst', 1, { severity: 'critical' }), at(1));
  assert.equal(c.get(a)!.severity, 'critical');
  assert.equal(c.get(a)!.labels.severity, 'critical');
  assert.equal(c.severitySince(a), at(1));
});

test('root cause: the earliest upstream signal ranks first; target down ranks above its effects', () => {
  const ranked = rankRootCauses([
    sig('ass', 'n', 'ass', 3),
    sig('amst', 'n', 'amst', 0),
    sig('acp', 'n', 'acp', 1),
  ]);
  assert.deepEqual(
    ranked.map((r) => r.component),
    ['amst', 'acp', 'ass'],
  );
  assert.ok(ranked[0]!.reasons.some((r) => /upstream of acp, ass/.test(r)));
  const down = rankRootCauses([
    sig('x', 'n', 'acp', 0),
    sig('up', 'n', 'system', 1, { name: 'up', severity: 'critical' }),
  ]);
  assert.equal(down[0]!.name, 'up');
});

test('bounds: open incidents (oldest evicted), members per incident, resolved kept', () => {
  const c = correlator({ maxOpen: 3, maxSignalsPerIncident: 2, maxResolved: 2 });
  for (let i = 0; i < 5; i++) c.addSignal(sig(`s${i}`, `node-${i}`, 'amst', i), at(i));
  assert.equal(c.openCount, 3);
  assert.equal(c.evictedCount, 2);
  assert.equal(c.list(100).length, 5 - 2 + 2, '3 open + 2 resolved kept');
  const id = c.addSignal(sig('m1', 'node-4', 'amst', 5), at(5));
  c.addSignal(sig('m2', 'node-4', 'amst', 5), at(5));
  assert.equal(c.get(id)!.signals.length, 2);
  assert.equal(c.get(id)!.droppedSignals, 1);
});

test('acknowledge and undo; restored incidents stay active for the grace, then resolve', () => {
  const c = correlator({ restoreGraceMs: 10_000, reopenWindowMs: 5000 });
  const a = c.addSignal(sig('a', 'node-1', 'amst', 0), at(0));
  assert.equal(c.acknowledge(a, { by: 'ops', atMs: at(1), comment: 'looking' }).acknowledgement?.by, 'ops');
  assert.equal(c.unacknowledge(a, at(2)).acknowledgement, null);
  assert.throws(() => c.acknowledge('nope', { by: 'x', atMs: 0, comment: '' }), /not found/);
  const saved = c.get(a)!;
  const d = correlator({ restoreGraceMs: 10_000, reopenWindowMs: 5000 });
  d.restore([saved], at(100));
  assert.equal(d.addSignal(sig('b', 'node-1', 'amst', 101), at(101)), a, 'joins the restored incident');
  d.resolveSignal('b', at(102), at(102));
  assert.deepEqual(d.tick(at(109)), [], 'restore grace');
  assert.deepEqual(d.tick(at(115)), [a]);
});

test('list keeps the incidents `keep` accepts before its limit, newest first', () => {
  const c = correlator();
  c.addSignal(sig('a', 'node-a', 'amst', 0), at(0));
  for (let k = 1; k <= 3; k++) c.addSignal(sig(`b${k}`, `node-b${k}`, 'amst', k), at(k));
  assert.deepEqual(
    c.list(1).map((i) => i.node),
    ['node-b3'],
  );
  assert.deepEqual(
    c.list(1, (i) => i.node === 'node-a').map((i) => i.node),
    ['node-a'],
  );
  assert.deepEqual(
    c.list(2, (i) => i.node !== 'node-b3').map((i) => i.node),
    ['node-b2', 'node-b1'],
  );
});
