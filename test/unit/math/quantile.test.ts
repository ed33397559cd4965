import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InvalidInputError } from '../../../src/errors.ts';
import { nearestRank, quantileSorted } from '../../../src/math/quantile.ts';
import { rel } from '../../helpers/approx.ts';

describe('quantileSorted (Hyndman-Fan type 7)', () => {
  it('matches numpy.percentile (method="linear") and R quantile(type = 7)', () => {
    rel(quantileSorted([1, 2, 3, 4], 0.95), 3.8499999999999996, 1e-15);
    rel(quantileSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95), 9.549999999999999, 1e-15);
    rel(quantileSorted([0.1, 0.7, 2.5, 9.0, 11.25], 0.33), 1.2760000000000002, 1e-15);
    rel(quantileSorted(Float64Array.of(3, 5), 0.25), 3.5, 0);
  });
  it('returns the ends at q = 0 and q = 1, and the only value of a single sample', () => {
    assert.equal(quantileSorted([1, 2, 9], 0), 1);
    assert.equal(quantileSorted([1, 2, 9], 1), 9);
    assert.equal(quantileSorted([7], 0.99), 7);
  });
  it('gives NaN for an empty sample and rejects q outside [0, 1]', () => {
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
    for (const q of [-0.1, 1.1, Number.NaN])
      assert.throws(() => quantileSorted([1], q), InvalidInputError, String(q));
  });
});

describe('nearestRank', () => {
  it('is the ceil(p·n)-th smallest value, clamped to the sample', () => {
    assert.equal(nearestRank([7], 0.95), 7);
    assert.equal(nearestRank([1, 2, 3, 4], 0.5), 2);
    assert.equal(nearestRank([1, 2, 3, 4], 0.95), 4);
    assert.equal(nearestRank([1, 2, 3, 4], 0.25), 1);
    assert.equal(nearestRank([1, 2, 3, 4], 0.26), 2);
  });
  it('is null for an empty sample', () => {
    assert.equal(nearestRank([], 0.5), null);
  });
});
