import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import {
  blockShift,
  SHIFT_MIN_SIDE,
  shiftSplits,
  shiftThreshold,
} from '../../../../src/analysis/anomaly/block-shift.ts';
import { createCusumDetector } from '../../../../src/analysis/anomaly/cusum.ts';
import { blockMeanAutocorrelation, blockMeanVariance } from '../../../../src/analysis/anomaly/drift-trend.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { normalQuantile, normalUpperTail } from '../../../../src/math/normal.ts';

const close = (a: number, b: number, tol = 1e-9): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} ≉ ${b}`);

describe('blockShift: the likelihood-ratio statistic of one mean shift', () => {
  it('white block noise: a unit step between two halves of 6 gives 1/√(1/6 + 1/6) = √3 at split 6', () => {
    const x = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const r = blockShift(x, 12, 3, 1, 0, 0);
    assert.equal(r.split, 6);
    close(r.z, Math.sqrt(3));
    close(
      blockShift(
        x.map((v) => -v),
        12,
        3,
        1,
        0,
        0,
      ).z,
      -Math.sqrt(3),
    );
  });

  it('correlated block noise: two blocks with lag-1 correlation ρ give Var(M₁ − M₀) = 2σ_B²(1 − ρ)', () => {
    // ρ = 0.5, σ_B² = 1: Var = 1, so a difference of 1 has Z = 1.
    close(blockShift([0, 1], 2, 1, 1, 0.5, 0).z, 1);
    close(blockShift([0, 1], 2, 1, 1, 0, 0).z, 1 / Math.SQRT2);
  });

  it("the walk's share: Σ_j (Σ_{i≥j} c_i)² = (Σ_{j≤6} j² + Σ_{j≤5} j²)/36 = 146/36 at split 6 of 12", () => {
    const x = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    close(blockShift(x, 12, 6, 0, 0, 1).z, 1 / Math.sqrt(146 / 36));
  });

  it('no variance, or no split allowed, gives no shift', () => {
    assert.deepEqual(blockShift([0, 5, 0, 5], 4, 1, 0, 0, 0), { z: 0, split: 0 });
    assert.deepEqual(blockShift([0, 0, 1, 1], 4, 3, 1, 0, 0), { z: 0, split: 0 });
    assert.equal(shiftSplits(12, SHIFT_MIN_SIDE), 7);
    assert.equal(shiftSplits(4, 3), 0);
  });

  it('property: invariant under an offset, odd under negation, invariant under a change of units', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 0.01, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, offset, scale, varB, rho, q) => {
          const base = blockShift(x, 12, 3, varB, rho, q);
          const shifted = blockShift(
            x.map((v) => v + offset),
            12,
            3,
            varB,
            rho,
            q,
          );
          const neg = blockShift(
            x.map((v) => -v),
            12,
            3,
            varB,
            rho,
            q,
          );
          const scaled = blockShift(
            x.map((v) => v * scale),
            12,
            3,
            varB * scale * scale,
            rho,
            q * scale * scale,
          );
          const tol = 1e-6 * (1 + Math.abs(offset) / Math.sqrt(varB));
          // The largest |Z| (two splits may tie to rounding, so the split and sign are compared only under negation).
          return (
            Math.abs(Math.abs(shifted.z) - Math.abs(base.z)) <= tol &&
            Math.abs(neg.z + base.z) <= 1e-9 * (1 + Math.abs(base.z)) &&
            Math.abs(Math.abs(scaled.z) - Math.abs(base.z)) <= 1e-6 * (1 + Math.abs(base.z))
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('shiftThreshold: z* from the in-control run length', () => {
  it('ARL₀ 10⁷, blocks of 16, 7 splits: 2·7·P(Z > z*) = 16/10⁷', () => {
    const z = shiftThreshold(1e7, 16, 7);
    close(2 * 7 * normalUpperTail(z), 16 / 1e7, 1e-9);
    assert.ok(z > 5.1 && z < 5.3, `z* ${z}`);
  });
  it('refuses arguments that give no probability', () => {
    assert.throws(() => shiftThreshold(10, 16, 1), InvalidInputError);
    assert.throws(() => shiftThreshold(1e7, 16, 0), InvalidInputError);
  });
});

/** Block means of `blocks` × 16 samples of unit AR(φ) noise. */
function arBlockMeans(rng: CorpusRandom, phi: number, blocks: number, state: { e: number }): number[] {
  const inn = Math.sqrt(1 - phi * phi);
  const out: number[] = [];
  for (let b = 0; b < blocks; b++) {
    let s = 0;
    for (let i = 0; i < 16; i++) {
      state.e = phi * state.e + inn * rng.normal();
      s += state.e;
    }
    out.push(s / 16);
  }
  return out;
}

describe('blockShift on AR(1) noise: the false-alarm chance the threshold states', () => {
  for (const phi of [0, 0.5, 0.8]) {
    it(`φ ${phi}: max over 7 splits exceeds the Bonferroni z* for α = 0.05 at most α of the time, and not far less`, () => {
      const rng = new CorpusRandom(20261205 + Math.round(phi * 10));
      const varB = blockMeanVariance(1, phi, 16);
      const rho = blockMeanAutocorrelation(phi, 16);
      const alpha = 0.05;
      const z = normalQuantile(1 - alpha / (2 * shiftSplits(12, 3)));
      const state = { e: 0 };
      let over = 0;
      const trials = 4000;
      for (let t = 0; t < trials; t++) {
        const x = arBlockMeans(rng, phi, 12, state);
        if (Math.abs(blockShift(x, 12, 3, varB, rho, 0).z) >= z) over++;
      }
      const rate = over / trials;
      // Bonferroni bounds the rate by α (Monte-Carlo sd ≈ 0.003); the splits are correlated, so it is below α but
      // of its order. With the block noise's autocorrelation ignored (ρ_B = 0, σ_B² of white noise) the rate at
      // φ 0.8 is ~0.5.
      assert.ok(rate <= alpha + 0.01, `rate ${rate}`);
      assert.ok(rate >= alpha / 5, `rate ${rate}`);
    });
  }
});

const SHIFT_OPTIONS = {
  k: 1,
  arl0: 1e7,
  restartInside: true,
  drift: true,
  calibrateH: false,
  walkDiffusion: true,
} as const;

/** Indices of the CUSUM's votes on unit AR(φ) noise with a step of `step` σ (marginal) from sample `at`. */
function votes(shiftTest: boolean, phi: number, step: number, at: number, n: number, seed: number): number[] {
  const c = createCusumDetector({ kind: 'generic' }, { ...SHIFT_OPTIONS, shiftTest });
  const rng = new CorpusRandom(seed);
  const inn = Math.sqrt(1 - phi * phi);
  let e = 0;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    e = phi * e + inn * rng.normal();
    const v = c.update(100 + e + (i >= at ? step : 0), i * 60_000);
    if (v.anomalous) out.push(i);
  }
  return out;
}

describe('CUSUM option shiftTest', () => {
  it('a +5 σ step on AR(0.9) noise (whitened by √(0.1/1.9): 1.15 σ, the chart’s k ≈ 1) is voted on within 5 blocks', () => {
    for (const seed of [1, 2, 3]) {
      const on = votes(true, 0.9, 5, 3000, 3300, seed).filter((i) => i >= 3000);
      const off = votes(false, 0.9, 5, 3000, 3300, seed).filter((i) => i >= 3000);
      assert.ok(on.length > 0 && on[0]! < 3000 + 5 * 16, `seed ${seed}: on ${on.slice(0, 3).join(',')}`);
      assert.ok(
        on.some((i, k) => on[k + 1] === i + 1),
        `seed ${seed}: two votes in a row`,
      );
      assert.deepEqual(off, [], `seed ${seed}: the chart without the test`);
    }
  });

  it('adds no vote on 30,000 samples of AR(0.9) noise without a step', () => {
    for (const seed of [11, 12])
      assert.deepEqual(votes(true, 0.9, 0, 1e9, 30_000, seed), votes(false, 0.9, 0, 1e9, 30_000, seed));
  });

  it('a reported shift is not voted on again while it lies in the window', () => {
    const on = votes(true, 0.9, 5, 3000, 3400, 1).filter((i) => i >= 3000);
    assert.ok(on.length >= 2, `votes ${on.join(',')}`);
    // One run of votes: none after the run ends until the step has left the 12-block window.
    const firstGap = on.findIndex((i, k) => k > 0 && i !== on[k - 1]! + 1);
    assert.ok(firstGap === -1 || on[firstGap]! >= on[0]! + 12 * 16, `votes ${on.join(',')}`);
  });

  it('the shift latch survives a snapshot; an out-of-range latch is refused', () => {
    const a = createCusumDetector({ kind: 'generic' }, { ...SHIFT_OPTIONS, shiftTest: true });
    for (let i = 0; i < 400; i++) a.update(100 + Math.sin(i), i * 60_000);
    const snap = a.snapshot();
    const st = snap.state as { drift: { shiftLatch?: number } };
    assert.equal(st.drift.shiftLatch, 0);
    const b = createCusumDetector({ kind: 'generic' }, { ...SHIFT_OPTIONS, shiftTest: true });
    b.restore(snap);
    assert.deepEqual(b.snapshot(), snap);
    const bad = { ...snap, state: { ...(snap.state as object), drift: { ...st.drift, shiftLatch: 99 } } };
    assert.throws(() => b.restore(bad), InvalidInputError);
  });

  it('needs drift; refused when not a boolean', () => {
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { shiftTest: true }), InvalidInputError);
    assert.throws(
      () => createCusumDetector({ kind: 'generic' }, { drift: true, shiftTest: 1 as unknown as boolean }),
      InvalidInputError,
    );
  });
});
