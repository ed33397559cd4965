import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstIndexAbove, firstIndexAtLeast } from '../../../src/math/sorted.ts';

describe('binary searches over sorted arrays', () => {
  it('agree with a linear scan on every position, duplicates and empty arrays', () => {
    const arrays = [[], [5], [1, 3, 3, 3, 7, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]];
    for (const a of arrays) {
      for (let x = -1; x <= 11; x += 0.5) {
        const atLeast = a.findIndex((v) => v >= x);
        const above = a.findIndex((v) => v > x);
        assert.equal(firstIndexAtLeast(a, x), atLeast === -1 ? a.length : atLeast, `>= ${x} in [${a}]`);
        assert.equal(firstIndexAbove(a, x), above === -1 ? a.length : above, `> ${x} in [${a}]`);
      }
    }
  });
});
