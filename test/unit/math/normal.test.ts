import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InvalidInputError } from '../../../src/errors.ts';
import { normalCdf, normalQuantile, normalUpperTail } from '../../../src/math/normal.ts';
import { rel } from '../../helpers/approx.ts';

describe('normalCdf / normalUpperTail', () => {
  it('match published values in the centre and far in both tails', () => {
    rel(normalCdf(1.96), 0.9750021048517795, 1e-15); // scipy.stats.norm.cdf(1.96)
    // mpmath 1.3 ncdf at 40 digits (scipy.stats.norm.cdf agrees to the digits shown there).
    rel(normalCdf(-1), 0.15865525393145705, 1e-15);
    rel(normalCdf(-5), 2.866515718791939e-7, 1e-14);
    rel(normalCdf(-20), 2.7536241186062337e-89, 1e-13);
    rel(normalUpperTail(8), 6.220960574271784e-16, 1e-14);
    rel(normalUpperTail(1.96), 0.024997895148220435, 1e-14);
    assert.equal(normalCdf(0), 0.5);
    assert.equal(normalUpperTail(0), 0.5);
    assert.ok(Number.isNaN(normalCdf(Number.NaN)));
  });
});

describe('normalQuantile (Wichura AS 241)', () => {
  it('matches published values', () => {
    rel(normalQuantile(0.975), 1.959963984540054, 1e-15); // scipy.stats.norm.ppf(0.975); R qnorm(0.975)
    rel(normalQuantile(0.99), 2.3263478740408408, 1e-15); // scipy.stats.norm.ppf(0.99)
    rel(normalQuantile(0.9), 1.2815515655446004, 1e-15); // R qnorm(0.9)
    rel(normalQuantile(0.025), -1.959963984540054, 1e-15);
    // mpmath 1.3, root of ncdf(x) = p at 40 digits.
    const ref: [number, number][] = [
      [1e-300, -37.0470962993612],
      [1e-20, -9.262340089798407],
      [1e-10, -6.361340902404057],
      [0.001, -3.0902323061678136],
      [0.3, -0.5244005127080408],
      [0.6, 0.2533471031357997],
      [0.999, 3.090232306167813],
      [1 - 1e-10, 6.361340889697422],
    ];
    for (const [p, z] of ref) rel(normalQuantile(p), z, 4e-16);
    assert.equal(normalQuantile(0.5), 0);
  });

  it('is the inverse of normalCdf and antisymmetric', () => {
    for (let p = 0.0005; p < 1; p += 0.0173) {
      rel(normalCdf(normalQuantile(p)), p, 1e-14); // Cody's erfc: a few ulp
      rel(normalQuantile(1 - p), -normalQuantile(p), 1e-12); // 1 − p is rounded
    }
  });

  it('is strictly increasing on a fine grid, tails included', () => {
    let prev = normalQuantile(1e-300);
    for (const p of [1e-200, 1e-100, 1e-50, 1e-20, 1e-12]) {
      const z = normalQuantile(p);
      assert.ok(z > prev, `p=${p}`);
      prev = z;
    }
    for (let i = 1; i < 10_000; i++) {
      const z = normalQuantile(i / 10_000);
      assert.ok(z > prev, `p=${i / 10_000}`);
      prev = z;
    }
  });

  it('rejects p outside (0, 1)', () => {
    for (const p of [0, 1, -0.1, 1.5, Number.NaN])
      assert.throws(() => normalQuantile(p), InvalidInputError, String(p));
  });
});
