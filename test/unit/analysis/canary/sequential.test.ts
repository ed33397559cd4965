import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alwaysValidPValue,
  confidenceSequence,
  logMixtureLikelihoodRatio,
  sequenceRadius,
  varianceForRadius,
} from '../../../../src/analysis/canary/sequential.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { Prng } from '../../../../src/sim/prng.ts';

const close = (a: number, b: number, tol: number, what = ''): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);

describe('normal-mixture boundary (mSPRT)', () => {
  it('radius matches a hand computation', () => {
    // V = 1, τ = 1, α = 0.05: r² = 2·1·(1+1)/1 · (ln 20 + ½ ln 2) = 4 · ln(√2 / 0.05) = 4 · 3.342357 = 13.369431
    close(sequenceRadius(1, { alpha: 0.05, tau: 1 }), 3.6563948713638483, 1e-12, 'r');
    // V = 0.25, τ = 0.5, α = 0.02: r² = 2·0.25·0.5/0.25 · (ln 50 + ½ ln 2) = 1 · (3.912023 + 0.346574) = 4.258597
    close(
      sequenceRadius(0.25, { alpha: 0.02, tau: 0.5 }),
      Math.sqrt(Math.log(50) + 0.5 * Math.log(2)),
      1e-12,
      'r',
    );
    assert.equal(sequenceRadius(0, { alpha: 0.05, tau: 1 }), 0);
  });

  it("is Robbins' boundary for a sum of unit-variance observations (Howard et al. 2021, two-sided normal mixture)", () => {
    // |S_n| < √((n + ρ)(ln(1 + n/ρ) + 2 ln(1/α))) with ρ = 1/τ²: n = 100, ρ = 25, α = 0.05 → 30.8238999...
    // Howard et al.'s form √((n + ρ) ln((n + ρ)/(ρα²))) is the same number: √(125 · ln 2000).
    const n = 100;
    const rho = 25;
    const r = n * sequenceRadius(1 / n, { alpha: 0.05, tau: Math.sqrt(1 / rho) });
    close(r, 30.823899938890932, 1e-9, 'boundary');
  });

  it("is Johari et al.'s two-sample mSPRT statistic with V = 2σ²/n", () => {
    // Johari, Koomen, Pekelis & Walsh (KDD 2017, eq. for Λ_n with a N(θ₀, τ²) mixture on the difference of means of
    // n pairs, known variance σ²): Λ_n = √(2σ²/(2σ² + nτ²)) · exp(n²τ²(Ȳ_n − X̄_n − θ₀)² / (4σ²(2σ² + nτ²))).
    // n = 100, σ² = 4, τ² = 0.25, Ȳ − X̄ = 0.6, θ₀ = 0: ln Λ = ½ ln(8/33) + 900/528 = ½ ln(8/33) + 75/44.
    const o = { alpha: 0.05, tau: 0.5 };
    const lnL = 0.5 * Math.log(8 / 33) + 75 / 44;
    close(lnL, 0.9960124446521325, 1e-15, 'hand value');
    close(logMixtureLikelihoodRatio(0.6, (2 * 4) / 100, 0, o), lnL, 1e-12, 'lnΛ');
    // Always-valid p-value 1/Λ = 0.3693...: far from rejecting at α = 0.05 (Λ would need to reach 1/α = 20).
    close(alwaysValidPValue(0.6, 0.08, 0, o), Math.exp(-lnL), 1e-12, 'p');
    close(alwaysValidPValue(0.6, 0.08, 0, o), 0.36934930944736, 1e-12, 'p');
    // The mSPRT rejects exactly when the difference leaves the confidence sequence: Λ = 1/α at θ̂ = θ₀ ± r(V).
    const r = sequenceRadius(0.08, o);
    close(logMixtureLikelihoodRatio(r, 0.08, 0, o), Math.log(20), 1e-9, 'lnΛ at the boundary');
  });

  it('likelihood ratio, p-value and interval agree: p < α exactly when θ₀ is outside the interval', () => {
    // ln Λ for θ̂ = 3, V = 1, θ₀ = 0, τ = 1: ½ ln ½ + 9/4 = 1.903426...
    close(logMixtureLikelihoodRatio(3, 1, 0, { alpha: 0.05, tau: 1 }), 1.9034264097200273, 1e-12, 'lnΛ');
    const o = { alpha: 0.05, tau: 0.3 };
    for (const [est, v] of [
      [0.1, 0.01],
      [0.5, 0.01],
      [-0.4, 0.02],
      [0.0, 0.5],
    ] as const) {
      const cs = confidenceSequence(est, v, o);
      const p = alwaysValidPValue(est, v, 0, o);
      assert.equal(
        p < o.alpha,
        cs.lower > 0 || cs.upper < 0,
        `est ${est} v ${v}: p ${p}, [${cs.lower}, ${cs.upper}]`,
      );
      // On the boundary the p-value is α.
      close(alwaysValidPValue(cs.upper, v, est, o), o.alpha, 1e-9, 'p at the bound');
    }
    assert.equal(alwaysValidPValue(0, 1, 0, o), 1);
    assert.equal(logMixtureLikelihoodRatio(1, 0, 0, o), Infinity);
    assert.equal(logMixtureLikelihoodRatio(0, 0, 0, o), 0);
  });

  it('varianceForRadius inverts the radius', () => {
    for (const o of [
      { alpha: 0.02, tau: Math.log(1.075) },
      { alpha: 0.05, tau: 1 },
    ]) {
      for (const v of [1e-8, 1e-5, 3e-3, 0.2, 5]) {
        const back = varianceForRadius(sequenceRadius(v, o), o);
        close(back / v, 1, 1e-8, `V ${v}`);
      }
    }
    assert.equal(varianceForRadius(0, { alpha: 0.05, tau: 1 }), 0);
  });

  it('stays valid under continuous monitoring: type-I error over 500 looks ≤ α (seeded Monte Carlo)', () => {
    // H₀ true: x_i ~ N(0, 1), θ̂_n = S_n / n, V_n = 1/n, looked at after every observation.
    const reps = 2000;
    const looks = 500;
    const alpha = 0.05;
    const o = { alpha, tau: 0.3 };
    const rng = new Prng(20240601);
    let mixtureRejects = 0;
    let naiveRejects = 0;
    for (let r = 0; r < reps; r++) {
      let s = 0;
      let mixture = false;
      let naive = false;
      for (let n = 1; n <= looks; n++) {
        s += rng.gaussian();
        const est = s / n;
        if (!mixture && Math.abs(est) >= sequenceRadius(1 / n, o)) mixture = true;
        if (!naive && Math.abs(est) * Math.sqrt(n) >= 1.959963984540054) naive = true;
      }
      if (mixture) mixtureRejects++;
      if (naive) naiveRejects++;
    }
    const mcTolerance = 3 * Math.sqrt((alpha * (1 - alpha)) / reps); // 3 Monte-Carlo standard errors = 0.0146
    assert.ok(mixtureRejects / reps <= alpha + mcTolerance, `mixture: ${mixtureRejects} of ${reps}`);
    // The fixed-sample 95 % test peeked at 500 times rejects a true null far more often than 5 % (Armitage,
    // McPherson & Rowe 1969): the problem the mixture boundary solves.
    assert.ok(naiveRejects / reps > 0.25, `naive: ${naiveRejects} of ${reps}`);
  });

  it('rejects bad inputs with InvalidInputError', () => {
    const o = { alpha: 0.05, tau: 1 };
    assert.throws(() => sequenceRadius(-1, o), InvalidInputError);
    assert.throws(() => sequenceRadius(Number.NaN, o), InvalidInputError);
    assert.throws(() => sequenceRadius(1, { alpha: 0, tau: 1 }), InvalidInputError);
    assert.throws(() => sequenceRadius(1, { alpha: 1, tau: 1 }), InvalidInputError);
    assert.throws(() => sequenceRadius(1, { alpha: 0.05, tau: 0 }), InvalidInputError);
    assert.throws(() => confidenceSequence(Number.POSITIVE_INFINITY, 1, o), InvalidInputError);
    assert.throws(() => logMixtureLikelihoodRatio(0, 1, Number.NaN, o), InvalidInputError);
    assert.throws(() => varianceForRadius(-0.1, o), InvalidInputError);
  });
});
