import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { erfc } from '../../../src/math/erfc.ts';
import { rel } from '../../helpers/approx.ts';

describe('erfc (Cody)', () => {
  // Reference values: CPython 3.11 math.erfc.
  const ref: [number, number][] = [
    [0.1, 0.8875370839817152],
    [0.3, 0.6713732405408726],
    [0.46875, 0.507386526782062],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [3, 2.2090496998585438e-5],
    [4, 1.541725790028002e-8],
    [4.5, 1.9661604415428873e-10],
    [5, 1.5374597944280351e-12],
    [5.87, 1.0286252677309087e-16],
    [8, 1.1224297172982928e-29],
    [10, 2.088487583762545e-45],
    [20, 5.3958656116079005e-176],
    [26, 5.663192408856143e-296],
    [-0.2, 1.2227025892104786],
    [-1, 1.842700792949715],
    [-3, 1.9999779095030015],
  ];
  it('matches reference values to ~1e-14 relative across all three intervals and the tail', () => {
    for (const [x, v] of ref) rel(erfc(x), v, 2e-14);
  });
  it('handles the edges', () => {
    assert.equal(erfc(0), 1);
    assert.equal(erfc(27), 0);
    assert.equal(erfc(Number.POSITIVE_INFINITY), 0);
    assert.equal(erfc(Number.NEGATIVE_INFINITY), 2);
    assert.ok(Number.isNaN(erfc(Number.NaN)));
  });
  it('is monotone decreasing on a fine grid', () => {
    let prev = erfc(-6);
    for (let x = -6; x <= 26; x += 0.01) {
      const v = erfc(x);
      assert.ok(v <= prev, `not decreasing at ${x}`);
      prev = v;
    }
  });
  it('satisfies erfc(−x) = 2 − erfc(x)', () => {
    for (let x = 0; x <= 6; x += 0.37) rel(erfc(-x), 2 - erfc(x), 1e-15);
  });
});
