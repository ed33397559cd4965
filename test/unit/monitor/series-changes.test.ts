/** The series tracker's change records (src/monitor/series-changes.ts): recorded, sealed, reused within bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChangeRecords,
  MAX_KEPT_CHANGES,
  recordChange,
  sealChanges,
  recordCapacity,
  SPARE_CHANGE_RECORDS,
} from '../../../src/monitor/series-changes.ts';

interface St {
  lastTs: number;
  lastValue: number;
}

test('records a change before and after the admission, reuses settled records and keeps none of their series', () => {
  const records = new ChangeRecords<St>();
  const c = records.take(3);
  const a: St = { lastTs: 1000, lastValue: 5 };
  const b: St = { lastTs: Number.NEGATIVE_INFINITY, lastValue: Number.NaN };
  recordChange(c, a, 0);
  recordChange(c, b, 1);
  a.lastTs = 2000;
  b.lastTs = 2000;
  sealChanges(c);
  assert.equal(c.count, 2);
  assert.deepEqual([...c.created.subarray(0, 2)], [0, 1]);
  assert.deepEqual(
    [...c.numbers.subarray(0, 6)],
    [1000, 5, 2000, Number.NEGATIVE_INFINITY, Number.NaN, 2000],
  );
  records.give(c);
  assert.equal(records.spareCount, 1);
  assert.equal(c.count, 0);
  assert.deepEqual(c.states.slice(0, 2), [undefined, undefined], 'no series kept alive by a spare record');
  assert.notEqual(records.take(recordCapacity(3) + 1), c, 'too small');
  assert.equal(records.take(recordCapacity(3)), c, 'reused for a batch it holds');
  assert.equal(records.spareCount, 0);
});

test('keeps at most SPARE_CHANGE_RECORDS spares, the largest ones, none for more than MAX_KEPT_CHANGES', () => {
  const records = new ChangeRecords<St>();
  const sizes = [8, 40, 16, 24, 4, 32, 12];
  const taken = sizes.map((n) => records.take(n));
  assert.deepEqual(
    taken.map((t) => t.created.length),
    sizes.map(recordCapacity),
  );
  for (const t of taken) records.give(t);
  assert.equal(records.spareCount, SPARE_CHANGE_RECORDS);
  assert.deepEqual(
    records.spareSizes().sort((a, b) => a - b),
    [20, 30, 40, 50],
    'the four largest records kept',
  );
  // the smallest spare that holds the batch
  assert.equal(records.take(35).created.length, 40);
  assert.equal(records.take(25).created.length, 30);
  assert.equal(records.take(41).created.length, 50);
  assert.equal(records.take(60).created.length, recordCapacity(60), 'none holds it: a new record');
  const fresh = new ChangeRecords<St>();
  fresh.give(fresh.take(MAX_KEPT_CHANGES));
  assert.equal(fresh.spareCount, 0, 'a record with room beyond MAX_KEPT_CHANGES is not kept');
  fresh.give(fresh.take(Math.floor(MAX_KEPT_CHANGES / 2)));
  assert.equal(fresh.spareCount, 1);
});
