import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { fitLinear } from '../../../../src/analysis/forecast/linear.ts';
import { levelFit, trendSignificance } from '../../../../src/analysis/forecast/trend-test.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { studentTQuantile } from '../../../../src/math/student-t.ts';

const MIN = 60_000;

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

/** `n` one-minute samples of AR(1) noise with coefficient `phi` plus `slopePerDay` × days. */
function series(seed: number, n: number, phi: number, slopePerDay: number): { ts: number[]; vs: number[] } {
  const rnd = lcg(seed);
  const ts = Array.from({ length: n }, (_, i) => i * MIN);
  let x = 0;
  const vs = ts.map((t) => (x = phi * x + rnd()) + (slopePerDay * t) / 86_400_000);
  return { ts, vs };
}

describe('trendSignificance (Santer et al. 2000 effective sample size)', () => {
  it('no trend in AR(1) noise (phi 0.95): the naive OLS interval excludes 0 most of the time, the corrected one about alpha of the time', () => {
    let naive = 0;
    let corrected = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const { ts, vs } = series(seed, 1000, 0.95, 0);
      const fit = fitLinear(ts, vs);
      const half = (studentTQuantile(0.975, fit.dof) * fit.residualStdError) / Math.sqrt(fit.sxxDays2);
      if (Math.abs(fit.slopePerDay) > half) naive++;
      if (trendSignificance(fit, ts, vs, 0.95).significant) corrected++;
    }
    assert.ok(naive / runs > 0.5, `naive false-trend rate ${naive / runs}`);
    assert.ok(corrected / runs <= 0.1, `corrected false-trend rate ${corrected / runs}`);
  });

  it('a real trend in independent noise is significant and its interval holds the true slope', () => {
    const { ts, vs } = series(3, 2000, 0, 2); // 2 units/day over 1.4 days, noise sd ~0.29
    const t = trendSignificance(fitLinear(ts, vs), ts, vs, 0.95);
    assert.ok(t.significant);
    assert.ok(t.lowerPerDay < 2 && t.upperPerDay > 2, JSON.stringify(t));
    assert.ok(Math.abs(t.lag1Autocorrelation) < 0.1);
    assert.ok(t.effectiveSamples > 1800);
  });

  it('too few effective samples → not significant with an unbounded interval', () => {
    // A smooth wave: residuals of the line are almost perfectly autocorrelated (r1 ≈ 1, n_e ≈ 0).
    const ts = Array.from({ length: 30 }, (_, i) => i * MIN);
    const vs = ts.map((_, i) => Math.sin(i / 3));
    const t = trendSignificance(fitLinear(ts, vs), ts, vs, 0.95);
    assert.ok(t.effectiveSamples <= 3, String(t.effectiveSamples));
    assert.equal(t.significant, false);
    assert.equal(t.lowerPerDay, Number.NEGATIVE_INFINITY);
  });

  it('rejects a level outside (0, 1)', () => {
    const { ts, vs } = series(1, 10, 0, 0);
    assert.throws(() => trendSignificance(fitLinear(ts, vs), ts, vs, 1), InvalidInputError);
  });

  it('levelFit: slope 0 at the mean, the whole variance as residual, no slope uncertainty', () => {
    const ts = [0, MIN, 2 * MIN, 3 * MIN];
    const vs = [1, 3, 2, 6];
    const lvl = levelFit(fitLinear(ts, vs), vs);
    assert.equal(lvl.slopePerDay, 0);
    assert.equal(lvl.meanValue, 3);
    assert.equal(lvl.residualStdError, Math.sqrt((4 + 0 + 1 + 9) / 3));
    assert.equal(lvl.sxxDays2, Number.POSITIVE_INFINITY);
    assert.equal(lvl.dof, 3);
  });
});
