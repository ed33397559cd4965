import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WarnGate } from '../../../src/model/warn-gate.ts';

test('one warning per key per interval, with the count held back', () => {
  const g = new WarnGate(1000);
  assert.equal(g.pass('a', 0), 0);
  assert.equal(g.pass('a', 10), undefined);
  assert.equal(g.pass('a', 999), undefined);
  assert.equal(g.pass('b', 500), 0);
  assert.equal(g.pass('a', 1000), 2);
  assert.equal(g.pass('a', 1500), undefined);
  assert.equal(g.pass('a', 2000), 1);
});

test('the number of remembered keys is bounded', () => {
  const g = new WarnGate(1000, 3);
  for (let i = 0; i < 100; i++) g.pass(`k${i}`, 0);
  assert.equal(g.size, 3);
  assert.equal(g.pass('k99', 1), undefined);
  assert.equal(g.pass('k0', 1), 0);
});
