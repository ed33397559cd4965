import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { sortedByTime } from '../../../../src/analysis/canary/time-order.ts';

describe('sortedByTime (stable merge of time-ordered runs)', () => {
  it('is the stable sort’s order (ties in input order), for runs, ties, ±0 and any input order', () => {
    const time = fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constantFrom(0, -0, 1.5, 1e12));
    fc.assert(
      fc.property(
        fc.array(
          fc.array(time, { maxLength: 30 }).map((r) => r.sort((x, y) => x - y)),
          { maxLength: 9 },
        ),
        fc.array(time, { maxLength: 40 }),
        (runs, loose) => {
          for (const times of [runs.flat(), loose, [...runs.flat(), ...loose]]) {
            const obs = times.map((tMs, i) => ({ tMs, i }));
            const got = sortedByTime(obs);
            assert.deepStrictEqual(
              got,
              [...obs].sort((x, y) => x.tMs - y.tMs),
            );
            assert.notEqual(got, obs);
          }
        },
      ),
      { numRuns: 500, seed: 20_261_206 },
    );
  });
});
