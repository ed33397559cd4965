import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { binomialUpperTail } from '../../../src/math/binomial.ts';
import { rel } from '../../helpers/approx.ts';

/** P(X >= k) by summing the probability mass function (small n). */
function direct(k: number, n: number, p: number): number {
  let logC = 0;
  let sum = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    if (i >= k) sum += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return sum;
}

describe('binomialUpperTail', () => {
  it('matches the summed probability mass for small n', () => {
    for (const [k, n, p] of [
      [1, 5, 0.0144],
      [2, 5, 0.0144],
      [3, 10, 0.2],
      [12, 6000, 0.001],
      [900, 60000, 0.0144],
    ] as const) {
      rel(binomialUpperTail(k, n, p), direct(k, n, p), 1e-9);
    }
    rel(binomialUpperTail(1, 5, 0.0144), 1 - (1 - 0.0144) ** 5, 1e-12);
  });

  it('edges: k <= 0 is certain, k > n impossible, p at 0 or 1', () => {
    assert.equal(binomialUpperTail(0, 10, 0.3), 1);
    assert.equal(binomialUpperTail(11, 10, 0.3), 0);
    assert.equal(binomialUpperTail(3, 10, 0), 0);
    assert.equal(binomialUpperTail(3, 10, 1), 1);
  });

  it('rejects bad arguments', () => {
    assert.throws(() => binomialUpperTail(1, -1, 0.5), InvalidInputError);
    assert.throws(() => binomialUpperTail(Number.NaN, 3, 0.5), InvalidInputError);
    assert.throws(() => binomialUpperTail(1, 3, 1.5), InvalidInputError);
  });
});
