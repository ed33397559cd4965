import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { gcd } from '../../../src/math/gcd.ts';

describe('gcd', () => {
  it('is the greatest common divisor', () => {
    assert.equal(gcd(60_000_000, 60_000_000), 60_000_000);
    assert.equal(gcd(60_000_000, 15_000_000), 15_000_000);
    assert.equal(gcd(1000, 60_000_000), 1000);
    assert.equal(gcd(7, 13), 1);
    assert.equal(gcd(12, 0), 12);
    assert.equal(gcd(0, 12), 12);
  });
  it('refuses non-integers and negatives', () => {
    assert.throws(() => gcd(1.5, 3), InvalidInputError);
    assert.throws(() => gcd(-4, 2), InvalidInputError);
  });
});
