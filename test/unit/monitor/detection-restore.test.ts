/**
 * DetectorRestore's released keys: restored snapshots with a held band that go unused (malformed, over the limit,
 * refused, dropped) are handed out once, bounded by the series limit; snapshots without a band are not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DetectorRestore } from '../../../src/monitor/detection-restore.ts';
import { Adapting } from './detection-engine-fixtures.ts';

const hold = { lower: 0, upper: 1, openedAtMs: 0 };
const entry = (key: string, held = true) => ({
  key,
  snapshot: { detector: 'adapting', version: 1, state: { level: 0, away: 0 } },
  ...(held ? { hold } : {}),
});

test('unused held snapshots are released once; the list holds at most maxSeries keys', () => {
  const r = new DetectorRestore(3);
  const kept = r.seed(
    [entry('a'), entry('b', false), entry('c'), entry('d'), entry('e'), entry('f'), entry('g', false)],
    () => false,
  );
  assert.equal(kept, 3);
  assert.deepEqual(r.takeReleased(), ['d', 'e', 'f'], 'over the limit, with a band');
  assert.deepEqual(r.takeReleased(), [], 'handed out once');
  r.dropFor('a');
  r.dropFor('b');
  assert.deepEqual(r.takeReleased(), ['a']);
  assert.equal(r.dropRestored(), 1);
  assert.deepEqual(r.takeReleased(), ['c']);
  // More unused held snapshots than the limit between two calls: at most maxSeries are kept.
  r.seed(
    ['p', 'q', 'r', 's', 't'].map((k) => entry(k)),
    () => false,
  );
  r.seed(
    ['u', 'v', 'w'].map((k) => entry(k)),
    () => false,
  );
  assert.equal(r.dropRestored(), 3);
  assert.equal(r.takeReleased().length, 3, 'bounded by maxSeries');
});

test('a held snapshot the detector refuses is released; an accepted one hands its band over', () => {
  const r = new DetectorRestore(10);
  r.seed([entry('ok'), entry('bad')], () => false);
  const bands: unknown[] = [];
  r.create(
    'ok',
    () => new Adapting(),
    (b) => bands.push(b),
  );
  r.create(
    'bad',
    () =>
      Object.assign(new Adapting(), {
        restore: () => {
          throw new Error('another release');
        },
      }),
    (b) => bands.push(b),
  );
  assert.deepEqual(bands, [hold]);
  assert.deepEqual(r.takeReleased(), ['bad']);
});

test('the checkpoint hands out changed series as the set of changed keys did: order, limit, pending count, one entry per series', () => {
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
  const action = fc.oneof(
    { weight: 4, arbitrary: fc.record({ update: fc.constantFrom(...keys) }) },
    { weight: 1, arbitrary: fc.record({ snapshots: fc.integer({ min: 1, max: 4 }) }) },
  );
  fc.assert(
    fc.property(fc.array(action, { maxLength: 200 }), (actions) => {
      const r = new DetectorRestore(10);
      const marks = new Map(keys.map((k) => [k, { key: k, dirty: false }]));
      const detectors = new Map(keys.map((k) => [k, new Adapting()]));
      const previous = new Set<string>(); // the previous bookkeeping: a set of keys in order of first change
      for (const a of actions) {
        if ('update' in a) {
          const m = marks.get(a.update)!;
          if (!m.dirty) r.markDirty(m); // as the engine calls it
          previous.add(a.update);
        } else {
          const got = r.snapshots(a.snapshots, (k) => detectors.get(k)).map((s) => s.key);
          const want: string[] = [];
          for (const k of previous) {
            if (want.length >= a.snapshots) break;
            previous.delete(k);
            want.push(k);
          }
          assert.deepEqual(got, want);
        }
        assert.equal(r.stats().pendingCheckpoint, previous.size);
        for (const [k, m] of marks) assert.equal(m.dirty, previous.has(k));
      }
    }),
    { numRuns: 300 },
  );
});
