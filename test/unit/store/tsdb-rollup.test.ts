/**
 * Rollup arithmetic against a direct computation per bucket, range replacement, and the resolution a query
 * step picks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bucketize, bucketStart, replaceRange, sliceBuckets } from '../../../src/store/tsdb/rollup.ts';
import { bucketPoints, chooseResolution } from '../../../src/store/tsdb/stepped-read.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

describe('tsdb rollups', () => {
  it('bucketize equals min/max/sum/count/last computed directly per bucket (NaN left out)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 40_000 }),
            fc.oneof(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), fc.constant(Number.NaN)),
          ),
          { maxLength: 300 },
        ),
        fc.constantFrom(MIN, HOUR),
        (rows, res) => {
          const ts: number[] = [];
          let t = -5 * HOUR;
          for (const [gap] of rows) ts.push((t += gap));
          const vs = rows.map((r) => r[1]);
          const b = bucketize(ts, vs, res);
          const expect = new Map<number, number[]>();
          ts.forEach((x, i) => {
            if (Number.isNaN(vs[i])) return;
            const k = Math.floor(x / res) * res;
            expect.set(k, [...(expect.get(k) ?? []), vs[i]!]);
          });
          assert.deepEqual(b.timestampsMs, [...expect.keys()]);
          [...expect.values()].forEach((v, i) => {
            assert.equal(b.count[i], v.length);
            // Compared with === (not Object.is): which of −0 and 0 a bucket of both keeps as its min/max is not
            // part of the contract (a case fast-check draws now and then: [−0, 0] in one bucket).
            assert.ok(b.min[i] === Math.min(...v), `min ${b.min[i]} vs ${Math.min(...v)}`);
            assert.ok(b.max[i] === Math.max(...v), `max ${b.max[i]} vs ${Math.max(...v)}`);
            assert.equal(
              b.sum[i],
              v.slice(1).reduce((a, x) => a + x, v[0]!),
            );
            assert.equal(b.last[i], v[v.length - 1]);
          });
        },
      ),
    );
  });

  it('bucketize keeps only [from, to) and buckets negative times by floor', () => {
    const b = bucketize([-61_000, -1, 0, 59_999, 60_000, 120_000], [1, 2, 3, 4, 5, 6], MIN, -60_000, 120_000);
    assert.deepEqual(b.timestampsMs, [-60_000, 0, 60_000]);
    assert.deepEqual(b.count, [1, 2, 1]);
    assert.deepEqual(b.last, [2, 4, 5]);
    assert.equal(bucketStart(-1, MIN), -MIN);
    assert.throws(() => bucketize([1], [1], 0), /positive integer/);
  });

  it('replaceRange swaps exactly the buckets of the range, so recomputing an hour is idempotent', () => {
    const day = bucketize(
      Array.from({ length: 180 }, (_, i) => i * MIN),
      Array.from({ length: 180 }, (_, i) => i),
      MIN,
    );
    const fresh = bucketize([HOUR + 5, HOUR + 30 * MIN], [-1, -2], MIN, HOUR, 2 * HOUR);
    const once = replaceRange(day, fresh, HOUR, 2 * HOUR);
    assert.equal(once.timestampsMs.length, 60 + 2 + 60);
    assert.deepEqual(sliceBuckets(once, HOUR, 2 * HOUR).last, [-1, -2]);
    assert.deepEqual(sliceBuckets(once, 0, HOUR), sliceBuckets(day, 0, HOUR));
    assert.deepEqual(replaceRange(once, fresh, HOUR, 2 * HOUR), once);
    assert.throws(() => replaceRange(day, fresh, 0, HOUR), /outside/);
  });

  it('picks the resolution by step and falls back to a coarser one the finer data no longer covers', () => {
    const now = 100 * DAY;
    const r = { rawRetentionMs: 2 * DAY, rollup1mRetentionMs: 30 * DAY };
    assert.equal(chooseResolution(15_000, now - HOUR, now, r), 0);
    assert.equal(chooseResolution(MIN, now - DAY, now, r), MIN);
    assert.equal(chooseResolution(5 * MIN, now - DAY, now, r), MIN);
    assert.equal(chooseResolution(HOUR, now - DAY, now, r), HOUR);
    assert.equal(chooseResolution(15_000, now - 3 * DAY, now, r), MIN, 'raw is gone: 1-minute rollups');
    assert.equal(chooseResolution(MIN, now - 31 * DAY, now, r), HOUR, '1-minute rollups are gone: 1-hour');
  });

  it('bucket points sit at the last millisecond of their bucket and keep the latest ones', () => {
    assert.deepEqual(bucketPoints([0, MIN, 2 * MIN], [1, 2, 3], MIN, 2), {
      timestampsMs: [2 * MIN - 1, 3 * MIN - 1],
      values: [2, 3],
    });
  });
});
