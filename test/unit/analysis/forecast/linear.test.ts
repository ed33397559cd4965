import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DAY_MS, fitLinear, predictLinear } from '../../../../src/analysis/forecast/linear.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const close = (a: number, b: number, tol: number): void =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b} (tol ${tol})`);

describe('fitLinear', () => {
  // Hand computation: x = 0..4 days, y = [1, 3, 2, 5, 4]; x̄ = 2, ȳ = 3, Sxx = 10, Sxy = 8 → slope 0.8/day,
  // ŷ(0) = 1.4; residuals −0.4, 0.8, −1.0, 1.2, −0.6 → SSE = 3.6, s² = 3.6/3 = 1.2.
  const base = Date.UTC(2024, 0, 1);
  const ts = [0, 1, 2, 3, 4].map((d) => base + d * DAY_MS);
  const ys = [1, 3, 2, 5, 4];

  it('gets slope, intercept and residual standard error of a hand-computed example', () => {
    const fit = fitLinear(ts, ys);
    close(fit.slopePerDay, 0.8, 1e-12);
    close(fit.meanValue, 3, 1e-12);
    close(fit.meanTimeMs, base + 2 * DAY_MS, 1e-3);
    close(predictLinear(fit, base).mean, 1.4, 1e-12);
    close(fit.residualStdError, Math.sqrt(1.2), 1e-12);
    assert.equal(fit.dof, 3);
    close(fit.r2, 1 - 3.6 / 10, 1e-12);
  });

  it('gives the textbook prediction interval for a new observation', () => {
    // At x0 = 5: ŷ = 5.4, se = s·√(1 + 1/5 + 9/10) = √(1.2·2.1), half width = t(0.975, 3)·se.
    const p = predictLinear(fitLinear(ts, ys), base + 5 * DAY_MS, 0.95);
    const half = 3.182446305284263 * Math.sqrt(1.2 * 2.1);
    close(p.mean, 5.4, 1e-12);
    close(p.upper - p.mean, half, 1e-9);
    close(p.mean - p.lower, half, 1e-9);
  });

  it('widens the interval with the horizon and with the level', () => {
    const fit = fitLinear(ts, ys);
    const widths = [5, 10, 30, 90].map((d) => {
      const p = predictLinear(fit, base + d * DAY_MS);
      return p.upper - p.lower;
    });
    for (let i = 1; i < widths.length; i++) assert.ok(widths[i]! > widths[i - 1]!, `${widths.join(', ')}`);
    const p80 = predictLinear(fit, base + 10 * DAY_MS, 0.8);
    const p95 = predictLinear(fit, base + 10 * DAY_MS, 0.95);
    assert.ok(p95.upper - p95.lower > p80.upper - p80.lower);
  });

  it('uses real timestamps, not the sample index (irregular spacing)', () => {
    const t = [0, 1, 5, 6].map((d) => base + d * DAY_MS);
    const fit = fitLinear(t, [10, 12, 20, 22]);
    close(fit.slopePerDay, 2, 1e-12);
  });

  it('rejects NaN, unsorted timestamps, too few points and unequal lengths', () => {
    assert.throws(() => fitLinear(ts, [1, Number.NaN, 2, 3, 4]), InvalidInputError);
    assert.throws(() => fitLinear([ts[1]!, ts[0]!, ts[2]!], [1, 2, 3]), InvalidInputError);
    assert.throws(() => fitLinear(ts.slice(0, 2), [1, 2]), InvalidInputError);
    assert.throws(() => fitLinear(ts, [1, 2]), InvalidInputError);
    assert.throws(() => fitLinear([base, base, base], [1, 2, 3]), InvalidInputError);
    assert.throws(() => predictLinear(fitLinear(ts, ys), base, 1), InvalidInputError);
  });
});
