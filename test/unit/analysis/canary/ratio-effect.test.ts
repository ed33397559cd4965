import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ratioEffect,
  ratioEffectPath,
  ratioMean,
  type RatioObservation,
} from '../../../../src/analysis/canary/ratio-effect.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const close = (a: number, b: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
const o = (stratum: string, tMs: number, sum: number, count: number): RatioObservation => ({
  stratum,
  tMs,
  sum,
  count,
});

// Stratum A: v1 (10, 2), (12, 3) → R₁ = 4.4, residuals ±1.2, Var = 2·2.88/25 = 0.2304, relative 0.2304/4.4² = 0.011900826
//            v3 (6, 2), (9, 2)   → R₃ = 3.75, residuals ∓1.5, Var = 2·4.5/16 = 0.5625, relative 0.04; weight 1/(1/5 + 1/4)
// Stratum C: v1 (20, 1), (22, 1) → R₁ = 21, Var = 2·2/4 = 1, relative 1/441
//            v3 (30, 1), (33, 1), (36, 1) → R₃ = 33, Var = 1.5·18/9 = 3, relative 3/1089; weight 1/(1/2 + 1/3)
// Stratum B: v1 only → left out.
const V1 = [
  o('A', 1, 10, 2),
  o('A', 2, 12, 3),
  o('B', 1, 5, 1),
  o('B', 2, 5, 1),
  o('C', 1, 20, 1),
  o('C', 3, 22, 1),
];
const V3 = [o('A', 1, 6, 2), o('A', 2, 9, 2), o('C', 1, 30, 1), o('C', 2, 33, 1), o('C', 3, 36, 1)];

describe('ratioEffect (stratified ratio of means, delta-method variance)', () => {
  it('matches a hand computation', () => {
    const e = ratioEffect(V1, V3);
    const wA = 1 / (1 / 5 + 1 / 4);
    const wC = 1 / (1 / 2 + 1 / 3);
    const lA = Math.log(3.75 / 4.4);
    const lC = Math.log(33 / 21);
    const vA = 0.2304 / 4.4 ** 2 + 0.04;
    const vC = 1 / 441 + 3 / 1089;
    close(e.logRatio, (wA * lA + wC * lC) / (wA + wC), 1e-12, 'log ratio');
    close(e.variance, (wA ** 2 * vA + wC ** 2 * vC) / (wA + wC) ** 2, 1e-12, 'variance');
    assert.equal(e.strata, 2);
    assert.equal(e.strataSeen, 3);
    assert.deepEqual([e.v1.observations, e.v1.count, e.v3.observations, e.v3.count], [6, 9, 5, 7]);
    close(e.v1.mean, 74 / 9, 1e-12, 'v1 mean');
    close(e.v3.mean, 114 / 7, 1e-12, 'v3 mean');
  });

  it('one stratum with equal means gives a log ratio of 0; without a usable stratum the effect is NaN', () => {
    const same = ratioEffect([o('x', 1, 4, 2), o('x', 2, 6, 3)], [o('x', 1, 2, 1), o('x', 2, 8, 4)]);
    close(same.logRatio, 0, 1e-15);
    const none = ratioEffect([o('x', 1, 4, 2)], [o('x', 1, 2, 1)]); // one observation per version: no variance
    assert.ok(Number.isNaN(none.logRatio) && Number.isNaN(none.variance));
    assert.equal(none.strata, 0);
    assert.equal(ratioEffect([], []).v1.observations, 0);
    assert.ok(Number.isNaN(ratioEffect([], []).v1.mean));
  });

  it('the path is cumulative: each look equals the effect of the observations up to it', () => {
    const looks = [1, 2, 3, 10];
    const path = ratioEffectPath(V1, V3, looks);
    assert.equal(path.length, 4);
    looks.forEach((t, i) => {
      const direct = ratioEffect(
        V1.filter((x) => x.tMs <= t),
        V3.filter((x) => x.tMs <= t),
      );
      assert.deepEqual(path[i], direct, `look ${t}`);
    });
    assert.equal(path[0]!.strata, 0); // one observation per version at t = 1
  });

  it('observations with one cluster key count as one cluster: the variance is between clusters (node-based canary)', () => {
    // v1 nodes p, q: p = (4, 2) + (6, 2) → (10, 4); q = (9, 3); r = (12, 4) → R₁ = 31/11; v3 nodes s, t: (8, 4), (15, 5) → R₃ = 23/9.
    const c = (cluster: string, tMs: number, sum: number, count: number): RatioObservation => ({
      stratum: 'pooled',
      tMs,
      sum,
      count,
      cluster,
    });
    const v1 = [c('p', 1, 4, 2), c('q', 1, 9, 3), c('p', 2, 6, 2), c('r', 2, 12, 4)];
    const v3 = [c('s', 1, 8, 4), c('t', 2, 15, 5)];
    const e = ratioEffect(v1, v3);
    const r1 = 31 / 11;
    const r3 = 23 / 9;
    const var1 = ((3 / 2) * ((10 - r1 * 4) ** 2 + (9 - r1 * 3) ** 2 + (12 - r1 * 4) ** 2)) / 11 ** 2;
    const var3 = (2 * ((8 - r3 * 4) ** 2 + (15 - r3 * 5) ** 2)) / 9 ** 2;
    close(e.logRatio, Math.log(r3 / r1), 1e-12, 'log ratio');
    close(e.variance, var1 / r1 ** 2 + var3 / r3 ** 2, 1e-12, 'variance');
    assert.deepEqual([e.v1.observations, e.v3.observations], [3, 2]); // clusters, not observations
    // The path adds to open clusters look by look and agrees with the direct computation.
    const path = ratioEffectPath(v1, v3, [1, 2]);
    assert.deepEqual(path[1], e);
    assert.equal(path[0]!.v1.observations, 2);
  });

  it('observations relative to a baseline: scaled by its mean, its error added, totals unscaled (difference in differences)', () => {
    // v1 node p on baseline 2 (rv 0.01): (4, 1), (5, 1) → scaled (2, 1), (2.5, 1), R̃₁ = 2.25;
    // v3 node s on baseline 4 (rv 0.04) and t on baseline 1 (rv 0): (8, 1), (10, 1) / 4 and (3, 2) / 1 → R̃₃ = 7.5 / 4.
    const b = (key: string, mean: number, relVariance: number) => ({ key, mean, relVariance });
    const x = (tMs: number, sum: number, count: number, base: ReturnType<typeof b>): RatioObservation => ({
      stratum: 'baseline',
      tMs,
      sum,
      count,
      baseline: base,
    });
    const p = b('p', 2, 0.01);
    const sb = b('s', 4, 0.04);
    const t = b('t', 1, 0);
    const e = ratioEffect([x(1, 4, 1, p), x(2, 5, 1, p)], [x(1, 8, 1, sb), x(2, 10, 1, sb), x(2, 3, 2, t)]);
    const r1 = 2.25;
    const r3 = 7.5 / 4;
    const var1 = (2 * ((2 - r1) ** 2 + (2.5 - r1) ** 2)) / 2 ** 2 / r1 ** 2 + 0.01; // one baseline: weight 1
    const var3 =
      ((3 / 2) * ((2 - r3) ** 2 + (2.5 - r3) ** 2 + (3 - 2 * r3) ** 2)) / 4 ** 2 / r3 ** 2 +
      (2 / 4) ** 2 * 0.04 +
      (2 / 4) ** 2 * 0;
    close(e.logRatio, Math.log(r3 / r1), 1e-12, 'log ratio');
    close(e.variance, var1 + var3, 1e-12, 'variance');
    // The totals are the raw means (seconds per unit), not the scaled ones.
    close(e.v1.mean, 4.5, 1e-12, 'v1 mean');
    close(e.v3.mean, 21 / 4, 1e-12, 'v3 mean');
    assert.throws(() => ratioEffect([x(1, 4, 1, b('p', 0, 0))], []), InvalidInputError);
    assert.throws(() => ratioEffect([x(1, 4, 1, b('p', 2, Number.NaN))], []), InvalidInputError);
    // ratioMean: the same estimator on one set of observations.
    const m = ratioMean([o('A', 1, 10, 2), o('A', 2, 12, 3)]);
    close(m.mean, 4.4, 1e-12, 'mean');
    close(m.relVariance, 0.2304 / 4.4 ** 2, 1e-12, 'relative variance');
    assert.equal(m.observations, 2);
    assert.ok(Number.isNaN(ratioMean([o('A', 1, 10, 2)]).relVariance));
  });

  it('rejects non-finite values, counts ≤ 0 and looks out of order', () => {
    assert.throws(() => ratioEffect([o('a', 1, Number.NaN, 1)], []), InvalidInputError);
    assert.throws(() => ratioEffect([], [o('a', 1, 1, 0)]), InvalidInputError);
    assert.throws(() => ratioEffectPath([], [], [2, 1]), InvalidInputError);
    assert.throws(() => ratioEffectPath([], [], [1, 1]), InvalidInputError);
  });
});
