import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InvalidInputError } from '../../../src/errors.ts';
import { chiSquareQuantile } from '../../../src/math/chi-square.ts';
import { regularizedGamma } from '../../../src/math/gamma.ts';
import { close } from '../../helpers/approx.ts';

describe('chiSquareQuantile', () => {
  it('known answers: χ²₀.₉₉(4) = 13.2767, χ²₀.₉₅(1) = 3.8415, median of χ²₂ = 2 ln 2', () => {
    // scipy.stats.chi2.ppf; 4-digit values in NIST/SEMATECH e-Handbook §1.3.6.7.4.
    close(chiSquareQuantile(0.99, 4), 13.276704135987622, 1e-10);
    assert.equal(Number(chiSquareQuantile(0.99, 4).toFixed(4)), 13.2767);
    close(chiSquareQuantile(0.95, 1), 3.841458820694124, 1e-10);
    close(chiSquareQuantile(0.99, 10), 23.209251158954356, 1e-10);
    close(chiSquareQuantile(0.999, 63), 103.44237731987324, 1e-10);
    close(chiSquareQuantile(0.5, 7), 6.345811195521515, 1e-10);
    // χ²₂ is exponential with mean 2: quantile −2 ln(1 − p).
    close(chiSquareQuantile(0.5, 2), 2 * Math.LN2, 1e-12);
    close(chiSquareQuantile(0.999999, 2), -2 * Math.log(1e-6), 1e-9);
    // χ²₄: P = 1 − (1 + x/2)e^(−x/2); solved in closed form to 0.01 at x = 0.29710948050653…
    close(chiSquareQuantile(0.01, 4), 0.2971094805065319, 1e-10);
  });

  it('inverts the χ² CDF P(k/2, x/2)', () => {
    for (const k of [1, 2, 4, 9, 30]) {
      for (const p of [0.001, 0.1, 0.5, 0.9, 0.99]) {
        close(regularizedGamma(k / 2, chiSquareQuantile(p, k) / 2).p, p, 1e-12);
      }
    }
  });

  it('rejects bad arguments', () => {
    assert.throws(() => chiSquareQuantile(1, 4), InvalidInputError);
    assert.throws(() => chiSquareQuantile(0, 4), InvalidInputError);
    assert.throws(() => chiSquareQuantile(0.5, 0), InvalidInputError);
    assert.throws(() => chiSquareQuantile(0.5, Number.POSITIVE_INFINITY), InvalidInputError);
  });
});
