/**
 * Head tails of range queries (src/store/tsdb/tail-buckets.ts): kept by in-order appends they equal the
 * rollup arithmetic's bucket lasts of the same samples; they are bounded (per series, and counted in the head's
 * bytes, dropped first when the head is over its bound); an out-of-order sample drops them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Head, type CutChunk } from '../../../src/store/tsdb/head.ts';
import { bucketize } from '../../../src/store/tsdb/rollup.ts';
import { MAX_TAIL_BUCKETS, TailBuckets } from '../../../src/store/tsdb/tail-buckets.ts';

const MIN = 60_000;
const limits = {
  maxSamplesPerChunk: 120,
  maxChunkSpanMs: 7_200_000,
  maxChunkBytes: 1 << 24,
  maxHeadSeries: 100,
  maxHeadBytes: 1 << 30,
};

describe('tsdb head tails', () => {
  it('kept by appends, equal the bucket lasts of bucketize over the same samples (NaN left out)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 1, max: 200_000 }),
            fc.oneof(fc.double({ noNaN: true }), fc.constant(Number.NaN)),
          ),
          { maxLength: 300 },
        ),
        (xs) => {
          const h = new Head(limits);
          const s = h.add(1, 'a', -Infinity);
          h.setTail(s, new TailBuckets(0, [], [], 0, 0));
          const cuts: CutChunk[] = [];
          const ts: number[] = [];
          const vs: number[] = [];
          let t = 0;
          for (const [gap, v] of xs) {
            t += gap;
            ts.push(t);
            vs.push(v);
            h.append(s, t, v, cuts);
          }
          const want = bucketize(ts, vs, MIN);
          if (want.timestampsMs.length > MAX_TAIL_BUCKETS) {
            assert.equal(s.tail, undefined);
            return;
          }
          const tail = s.tail!;
          assert.deepEqual([...tail.ts.subarray(0, tail.n)], want.timestampsMs);
          assert.deepEqual([...tail.last.subarray(0, tail.n)], want.last);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('holds at most MAX_TAIL_BUCKETS buckets, is counted in the head bytes and dropped first beyond the bound', () => {
    const h = new Head(limits);
    const s = h.add(1, 'a', -Infinity);
    const before = h.accountedBytes;
    h.setTail(s, new TailBuckets(0, [], [], 0, 0));
    assert.ok(h.accountedBytes > before);
    const cuts: CutChunk[] = [];
    for (let i = 0; i < MAX_TAIL_BUCKETS; i++) h.append(s, i * MIN, i, cuts);
    assert.equal(s.tail!.n, MAX_TAIL_BUCKETS);
    const full = h.accountedBytes;
    h.append(s, MAX_TAIL_BUCKETS * MIN, 1, cuts); // one more minute: the tail is dropped, not grown
    assert.equal(s.tail, undefined);
    assert.ok(h.accountedBytes < full);
    // Over the head's byte bound, tails go first.
    const small = new Head({ ...limits, maxHeadBytes: 2000 });
    const x = small.add(1, 'x', -Infinity);
    small.setTail(x, new TailBuckets(0, new Float64Array(100), new Float64Array(100), 0, 100));
    assert.ok(small.accountedBytes > 2000);
    small.enforceLimits([]);
    assert.equal(x.tail, undefined);
    assert.ok(small.accountedBytes <= 2000);
  });

  it('an out-of-order sample drops the tail and marks the series changed', () => {
    const h = new Head(limits);
    const s = h.add(1, 'a', -Infinity);
    h.setTail(s, new TailBuckets(0, [], [], 0, 0));
    const cuts: CutChunk[] = [];
    for (const t of [0, 2000, 4000]) h.append(s, t, t, cuts);
    const gen = s.gen;
    h.merge(s, [1000], [5]);
    assert.equal(s.tail, undefined);
    assert.ok(s.gen > gen);
  });
});
