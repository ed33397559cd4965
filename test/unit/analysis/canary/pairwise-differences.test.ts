import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { mannWhitneyU } from '../../../../src/analysis/canary/mann-whitney.ts';
import { pairwiseDifferenceOrderStatistic } from '../../../../src/analysis/canary/pairwise-differences.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

/** Every computed difference x_i − y_j, ascending (Float64Array order: −Infinity first, +Infinity last). */
function allDifferences(x: Float64Array, y: Float64Array): Float64Array {
  const d = new Float64Array(x.length * y.length);
  let o = 0;
  for (const a of x) for (const b of y) d[o++] = a - b;
  return d.sort();
}

/** Values with ties (a few repeated values), of any magnitude (differences may overflow to ±Infinity). */
const sample = fc
  .array(
    fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e3, max: 1e3 }),
      fc.constantFrom(-2, -0.5, 0, 1, 1.5, 7),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
    { minLength: 1, maxLength: 14 },
  )
  .map((a) => Float64Array.from(a).sort());

describe('pairwise-difference order statistics', () => {
  it('every order statistic is the full sort’s, whatever the bracket size at which the rest is sorted', () => {
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: 1, max: 40 }), (x, y, enumerateAtMost) => {
        const d = allDifferences(x, y);
        for (let k = 1; k <= d.length; k++)
          assert.ok(
            Object.is(pairwiseDifferenceOrderStatistic(x, y, k, enumerateAtMost), d[k - 1]),
            `k=${k}: ${pairwiseDifferenceOrderStatistic(x, y, k, enumerateAtMost)} != ${d[k - 1]}`,
          );
      }),
      { numRuns: 300 },
    );
  });

  it('large samples: the middle and the interval bounds are the full sort’s', () => {
    const rng = new Prng(5);
    const x = Float64Array.from({ length: 300 }, () => rng.gaussian(10, 3)).sort();
    // Rounded values: many tied differences.
    const y = Float64Array.from({ length: 200 }, () => Math.round(rng.gaussian(9, 4) * 4) / 4).sort();
    const d = allDifferences(x, y);
    for (const k of [1, 2, 1000, 29_999, 30_000, 30_001, 59_000, 60_000])
      assert.equal(pairwiseDifferenceOrderStatistic(x, y, k, 16), d[k - 1], `k=${k}`);
  });

  it('the Hodges-Lehmann shift with tied middle differences is the mean of the two middle ones', () => {
    // 2 × 2 differences: 0, 0, 1, 1 → the two middle are 0 and 1; and 0, 0, 0, 1 → both 0.
    assert.equal(mannWhitneyU([1, 2], [1, 1]).shift, 0.5);
    assert.equal(mannWhitneyU([1, 1], [1, 0]).shift, 0.5);
    assert.equal(mannWhitneyU([0, 1], [0, 0]).shift, 0.5);
    assert.equal(mannWhitneyU([0, 0], [0, -1]).shift, 0.5);
    assert.equal(mannWhitneyU([0, 0, 1], [0, 0]).shift, 0);
  });

  it('bad k or bracket size throws InvalidInputError', () => {
    const x = Float64Array.of(1, 2);
    assert.throws(() => pairwiseDifferenceOrderStatistic(x, x, 0), InvalidInputError);
    assert.throws(() => pairwiseDifferenceOrderStatistic(x, x, 5), InvalidInputError);
    assert.throws(() => pairwiseDifferenceOrderStatistic(x, x, 1, 0), { message: /enumerateAtMost/ });
  });
});
