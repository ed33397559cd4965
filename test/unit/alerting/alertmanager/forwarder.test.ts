import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertmanagerForwarder } from '../../../../src/alerting/alertmanager/forwarder.ts';
import { T0, incident } from '../../../helpers/alerting-fixtures.ts';

test('Alertmanager resends: new, every resendDelay with endsAt = now + 4 x resendDelay, label change ends the old set, resolved for 15 min', () => {
  const f = new AlertmanagerForwarder({
    resendDelayMs: 60_000,
    intervalMs: 1000,
    externalUrl: 'http://mon:9500',
  });
  const i = incident('a', 'warning');
  let due = f.due([i], T0);
  assert.equal(due.length, 1);
  assert.equal(due[0]!.endsAt, new Date(T0 + 240_000).toISOString());
  assert.equal(due[0]!.startsAt, new Date(i.startedAtMs).toISOString());
  assert.equal(due[0]!.generatorURL, 'http://mon:9500/?incident=a');
  assert.equal(due[0]!.labels.incident, 'a');
  assert.equal(f.due([i], T0 + 1000).length, 1, 'not marked sent yet (the post failed): sent again');
  f.markSent();
  assert.equal(f.due([i], T0 + 30_000).length, 0);
  due = f.due([i], T0 + 61_000);
  assert.equal(due.length, 1, 'resent after resendDelay');
  f.markSent();
  const crit = incident('a', 'critical');
  due = f.due([crit], T0 + 62_000);
  assert.deepEqual(
    due.map((a) => [a.labels.severity, a.endsAt]),
    [
      ['warning', new Date(T0 + 62_000).toISOString()],
      ['critical', new Date(T0 + 62_000 + 240_000).toISOString()],
    ],
  );
  f.markSent();
  const resolved = { ...crit, status: 'resolved' as const, resolvedAtMs: T0 + 70_000 };
  due = f.due([resolved], T0 + 71_000);
  assert.deepEqual(
    due.map((a) => a.endsAt),
    [new Date(T0 + 70_000).toISOString()],
  );
  f.markSent();
  assert.equal(f.due([resolved], T0 + 100_000).length, 0);
  assert.equal(f.due([resolved], T0 + 140_000).length, 1, 'resolved alerts are resent too');
  f.markSent();
  assert.equal(f.due([resolved], T0 + 70_000 + 16 * 60_000).length, 0, 'not after 15 min');
  f.due([], T0 + 2 * 3600_000);
  assert.equal(f.size, 0, 'forgets incidents no longer passed in');
});
