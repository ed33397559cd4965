/** The series tracker's change records (src/monitor/series-changes.ts): recorded, sealed, reused within bounds. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ChangeRecords,
  MAX_KEPT_CHANGES,
  recordChange,
  sealChanges,
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
  assert.notEqual(records.take(4), c, 'too small for 4 changes');
  assert.equal(records.take(2), c, 'reused for a batch it holds');
  assert.equal(records.spareCount, 0);
});

test('keeps at most SPARE_CHANGE_RECORDS spare records, none larger than MAX_KEPT_CHANGES', () => {
  const records = new ChangeRecords<St>();
  const taken = Array.from({ length: SPARE_CHANGE_RECORDS + 2 }, () => records.take(8));
  for (const t of taken) records.give(t);
  assert.equal(records.spareCount, SPARE_CHANGE_RECORDS);
  const fresh = new ChangeRecords<St>();
  fresh.give(fresh.take(MAX_KEPT_CHANGES + 1));
  assert.equal(fresh.spareCount, 0);
  fresh.give(fresh.take(MAX_KEPT_CHANGES));
  assert.equal(fresh.spareCount, 1);
});
