import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SlidingPoints } from '../../../src/monitor/sliding-points.ts';

/** One call of a sliding window: drop before `drop` ms past the first kept point, then append `add` new points. */
const step = fc.record({
  drop: fc.integer({ min: 0, max: 400 }),
  add: fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.double({ noNaN: false })), { maxLength: 60 }),
});

test('sliding points equal the plain arrays sliced and appended, call after call', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 1, max: 30 }), fc.double()), { maxLength: 80 }),
      fc.array(step, { maxLength: 40 }),
      (first, steps) => {
        let t = 1_700_000_000_000;
        let ts: number[] = [];
        let vs: number[] = [];
        for (const [dt, v] of first) {
          t += dt;
          ts.push(t);
          vs.push(v);
        }
        const kept = new SlidingPoints(ts, vs);
        assert.deepEqual(kept.toArrays(), { timestampsMs: ts, values: vs });
        for (const { drop, add } of steps) {
          const startMs = (ts[0] ?? t) + drop;
          kept.dropBefore(startMs);
          const from = ts.findIndex((x) => x >= startMs);
          ts = from < 0 ? [] : ts.slice(from);
          vs = from < 0 ? [] : vs.slice(from);
          // The store's answer from the latest kept point on: it may repeat that point, which is not appended.
          const gotTs = ts.length > 0 ? [ts[ts.length - 1]!] : [];
          const gotVs = vs.length > 0 ? [vs[vs.length - 1]!] : [];
          for (const [dt, v] of add) {
            t += dt;
            gotTs.push(t);
            gotVs.push(v);
          }
          kept.append(gotTs, gotVs, ts.length > 0 ? 1 : 0);
          ts.push(...gotTs.slice(ts.length > 0 ? 1 : 0));
          vs.push(...gotVs.slice(vs.length > 0 ? 1 : 0));
          const out = kept.toArrays();
          // Bit for bit: -0, NaN and every double as stored.
          assert.deepEqual(out, { timestampsMs: ts, values: vs });
          assert.ok(Object.is(out.values.at(-1), vs.at(-1)));
          assert.equal(kept.length, ts.length);
          assert.equal(kept.lastMs, ts.length > 0 ? ts[ts.length - 1] : -Infinity);
        }
      },
    ),
    { numRuns: 300, seed: 20261207 },
  );
});

test('the buffers hold at most about twice the live points while the window slides', () => {
  // A 900-point window sliding by 15 points per call for 2,000 calls, then shrunk to 100 points.
  let t = 0;
  const ts: number[] = [];
  for (let i = 0; i < 900; i++) ts.push(++t);
  const kept = new SlidingPoints(ts, ts);
  let most = 0;
  for (let call = 0; call < 2000; call++) {
    kept.dropBefore(t + 15 - 899);
    const add: number[] = [];
    for (let i = 0; i < 15; i++) add.push(++t);
    kept.append(add, add, 0);
    assert.equal(kept.length, 900);
    most = Math.max(most, kept.capacity);
  }
  assert.ok(most <= 2 * 900 + 16, `capacity ${most} for 900 live points`);
  kept.dropBefore(t - 99);
  assert.equal(kept.length, 100);
  assert.ok(kept.capacity <= 2 * 100 + 16, `capacity ${kept.capacity} after the window shrank to 100 points`);
  assert.deepEqual(
    kept.toArrays().timestampsMs,
    Array.from({ length: 100 }, (_, i) => t - 99 + i),
  );
});
