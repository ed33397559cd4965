import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { createHoltWintersLevelDetector } from '../../../../src/analysis/anomaly/holt-winters-level.ts';
import {
  TAIL_SCALE_CONFIDENCE,
  TailFit,
  exponentialMeanUpperBound,
  exponentialTailThreshold,
} from '../../../../src/analysis/anomaly/tail-fit.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { chiSquareQuantile } from '../../../../src/math/chi-square.ts';

describe('tail fit', () => {
  it('the threshold of rate α above the p-quantile: q + β·ln((1 − p)/α) (worked example)', () => {
    // Gaussian |z| above its 0.99-quantile 2.576 has a mean excess of about 0.35: at α = 10⁻³ the threshold is
    // 2.576 + 0.35·ln 10 = 3.38 (the exact Gaussian 10⁻³ two-sided quantile is 3.29: the exponential tail is
    // conservative for a lighter one).
    assert.ok(
      Math.abs(exponentialTailThreshold(2.576, 0.35, 0.99, 1e-3) - (2.576 + 0.35 * Math.LN10)) < 1e-12,
    );
    // Exactly exponential |z| of scale 1: the 0.99-quantile is ln 100, and P(|z| > t) = e^−t, so the 10⁻⁶ threshold
    // is ln 10⁶.
    assert.ok(Math.abs(exponentialTailThreshold(Math.log(100), 1, 0.99, 1e-6) - Math.log(1e6)) < 1e-12);
    assert.throws(() => exponentialTailThreshold(2, 1, 0.99, 0.02), InvalidInputError);
    assert.throws(() => exponentialTailThreshold(2, -1, 0.99, 1e-3), InvalidInputError);
    assert.throws(() => exponentialTailThreshold(2, 1, 1, 1e-3), InvalidInputError);
  });

  it('the upper bound of an exponential mean is 2k·mean/χ²₂ₖ(0.05): 19.5× from one excess, → 1 with many', () => {
    // k = 1: χ²₂(0.05) = −2 ln 0.95 = 0.1026, so the bound is 2/0.1026 = 19.5 times the single excess.
    assert.ok(Math.abs(exponentialMeanUpperBound(1, 1, 0.95) - 2 / (-2 * Math.log(0.95))) < 1e-6);
    const b99 = exponentialMeanUpperBound(1, 99, 0.95);
    assert.ok(b99 > 1.1 && b99 < 1.3, `${b99}`);
    assert.throws(() => exponentialMeanUpperBound(1, 0, 0.95), InvalidInputError);
    assert.throws(() => exponentialMeanUpperBound(1, 5, 1), InvalidInputError);
  });

  it('the bound covers the true scale about 95 % of the time (Monte Carlo, 4,000 histories of 5 excesses)', () => {
    const rng = new CorpusRandom(20261206);
    let covered = 0;
    const trials = 4000;
    for (let i = 0; i < trials; i++) {
      const f = new TailFit(0.02);
      for (let j = 0; j < 5; j++) f.observe(Math.abs(rng.laplace(1)));
      // The fitted threshold at α = (1 − p)·e^−1 is q + bound: covered when the bound is ≥ the true scale 1.
      if (f.threshold(0, 0.99, 0.01 * Math.exp(-1))! >= 1) covered++;
    }
    const share = covered / trials;
    assert.ok(share > TAIL_SCALE_CONFIDENCE - 0.015 && share < TAIL_SCALE_CONFIDENCE + 0.015, `${share}`);
  });

  it('few exceedances give a wider threshold than many of the same mean (the small-sample inflation)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        (x, k) => {
          const few = new TailFit(0.02);
          const many = new TailFit(0.02);
          for (let i = 0; i < k; i++) few.observe(x);
          for (let i = 0; i < k + 30; i++) many.observe(x);
          const tFew = few.threshold(3, 0.99, 1e-3)!;
          const tMany = many.threshold(3, 0.99, 1e-3)!;
          assert.ok(tFew > tMany, `${tFew} vs ${tMany}`);
          // And never below the plain fit q + mean·ln(0.01/α).
          assert.ok(tMany >= 3 + x * Math.log(10) - 1e-9);
        },
      ),
    );
  });

  it('keeps at most (2 − rate)/rate exceedances of memory; no exceedance, no threshold; state round trip', () => {
    const f = new TailFit(0.02);
    assert.equal(f.threshold(3, 0.99, 1e-3), null);
    f.observe(0);
    f.observe(Number.NaN);
    assert.equal(f.exceedances, 0);
    for (let i = 0; i < 1000; i++) f.observe(1 + (i % 3));
    assert.equal(f.exceedances, 99);
    const g = new TailFit(0.02);
    g.setState(JSON.parse(JSON.stringify(f.state())), 'test');
    assert.equal(g.threshold(3, 0.99, 1e-3), f.threshold(3, 0.99, 1e-3));
    assert.throws(() => g.setState({ mean: -1, count: 3 }, 'test'), InvalidInputError);
    assert.throws(() => g.setState({ mean: 1, count: 200 }, 'test'), InvalidInputError);
    assert.throws(() => g.setState(null, 'test'), InvalidInputError);
    g.setState(undefined, 'test');
    assert.equal(g.threshold(3, 0.99, 1e-3), null);
    assert.throws(() => new TailFit(0), InvalidInputError);
  });
});

describe('Holt-Winters level member with the tail fit (tailAlpha)', () => {
  /** Votes of a member on `n` samples of Laplace noise (exponential |z| tail: the fit's model holds). */
  function laplaceVotes(tailAlpha: number, n: number, seed: number): number {
    const rng = new CorpusRandom(seed);
    // threshold 0.5: the floor never binds, so the votes are the tail rule's.
    const d = createHoltWintersLevelDetector(
      { kind: 'generic' },
      { threshold: 0.5, tailAlpha, warmupSamples: 60 },
    );
    let votes = 0;
    for (let i = 0; i < n; i++) if (d.update(100 + rng.laplace(1), i * 60_000).anomalous && i > 2000) votes++;
    return votes;
  }

  it('votes at about its stated rate on exponential-tailed noise, at most α (the bound is conservative)', () => {
    const n = 200_000;
    const alpha = 1e-3;
    const votes = laplaceVotes(alpha, n, 11);
    const rate = votes / (n - 2000);
    assert.ok(rate <= alpha && rate >= alpha / 10, `vote rate ${rate}`);
    // The factor rule (2·q̂₀.₉₉) votes at another rate: the option changes the threshold.
    assert.notEqual(laplaceVotes(0, 20_000, 11), laplaceVotes(alpha, 20_000, 11));
  });

  it('restores the fit from its snapshot; a bad one is refused without change; the option is checked', () => {
    const rng = new CorpusRandom(3);
    const a = createHoltWintersLevelDetector({ kind: 'generic' }, { tailAlpha: 1e-3 });
    for (let i = 0; i < 3000; i++) a.update(rng.laplace(1), i * 1000);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as { state: { tailFit?: unknown } };
    assert.ok(snap.state.tailFit !== undefined);
    const b = createHoltWintersLevelDetector({ kind: 'generic' }, { tailAlpha: 1e-3 });
    b.restore(snap as never);
    for (let i = 3000; i < 3200; i++) {
      const x = i % 50 === 0 ? 12 : rng.laplace(1);
      assert.deepEqual(b.update(x, i * 1000), a.update(x, i * 1000));
    }
    const before = JSON.stringify(b.snapshot());
    const bad = { ...snap, state: { ...snap.state, tailFit: { mean: 'x', count: 1 } } };
    assert.throws(() => b.restore(bad as never), InvalidInputError);
    assert.equal(JSON.stringify(b.snapshot()), before);
    const off = createHoltWintersLevelDetector({ kind: 'generic' });
    off.update(1, 0);
    assert.equal((off.snapshot().state as { tailFit?: unknown }).tailFit, undefined, 'off: nothing written');
    assert.throws(
      () => createHoltWintersLevelDetector({ kind: 'generic' }, { tailAlpha: 0.02 }),
      InvalidInputError,
    );
    assert.ok(
      createHoltWintersLevelDetector({ kind: 'generic' }, { tailAlpha: 1e-3 }).stateBytes() >
        createHoltWintersLevelDetector({ kind: 'generic' }).stateBytes(),
    );
    // χ² from the library, as the module uses it.
    assert.ok(chiSquareQuantile(0.05, 2) > 0.1 && chiSquareQuantile(0.05, 2) < 0.11);
  });
});
