import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { cusumThreshold } from '../../../../src/analysis/anomaly/cusum-options.ts';
import {
  IncrementTail,
  MAX_H_RATIO,
  TAIL_BINS,
  type IncrementTailState,
} from '../../../../src/analysis/anomaly/cusum-tail.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const H = cusumThreshold(1, 1e7);
const SIEGMUND_OFFSET = 1.166;

function tail(): IncrementTail {
  return new IncrementTail(1, 4, H, 6000, 600);
}

/** Σ w_i·e^{θ(side·c_i − k)} / Σ w_i over the histogram of a state (bin centres ½ σ apart over [−4, 4], k = 1). */
function mgf(s: IncrementTailState, side: number, theta: number): number {
  const half = (TAIL_BINS - 1) / 2;
  const total = s.weights.reduce((a, w) => a + w, 0);
  return s.weights.reduce((a, w, i) => a + w * Math.exp(theta * (side * (i - half) * 0.5 - 1)), 0) / total;
}

function clip(x: number): number {
  return Math.max(-4, Math.min(4, x));
}

describe('CUSUM decision interval from the residuals’ own tails', () => {
  it('Gaussian residuals keep about the Gaussian interval (within 8 %) on both sides', () => {
    const rng = new CorpusRandom(11);
    const t = tail();
    let worst = 0;
    for (let i = 0; i < 20_000; i++) {
      t.add(7, clip(rng.normal()), true);
      if (i > 3000) worst = Math.max(worst, t.interval(1), t.interval(-1));
    }
    // Sampling noise of the tail bins only ever raises the interval: 5.5 % at most over 10⁵ samples.
    assert.ok(worst >= H && worst <= 1.08 * H, `largest interval ${worst} vs Gaussian ${H}`);
  });

  it('a heavy right tail raises the upper interval only, to where the run length’s dominant term is the stated one', () => {
    const rng = new CorpusRandom(12);
    const t = tail();
    for (let i = 0; i < 20_000; i++) {
      // Bursty count residuals: mostly Gaussian, 4 % of samples far up (clipped at 4 σ).
      t.add(3, clip(rng.chance(0.04) ? 4 + rng.uniform(0, 20) : rng.normal()), true);
    }
    const up = t.interval(1);
    assert.ok(up > 1.5 * H && up <= (H + SIEGMUND_OFFSET) * MAX_H_RATIO - SIEGMUND_OFFSET, `upper ${up}`);
    assert.ok(t.interval(-1) <= 1.08 * H, `lower ${t.interval(-1)}`);
    // θ* = θ_N·b/b' is the root of the histogram's moment generating function: Wald's identity holds there.
    const fresh = tail().state();
    let thetaN = 1;
    for (let lo = 0.5, hi = 4, j = 0; j < 60; j++) {
      thetaN = (lo + hi) / 2;
      if (mgf(fresh, 1, thetaN) > 1) hi = thetaN;
      else lo = thetaN;
    }
    const theta = (thetaN * (H + SIEGMUND_OFFSET)) / (up + SIEGMUND_OFFSET);
    assert.ok(Math.abs(mgf(t.state(), 1, theta) - 1) < 0.02, `M(θ*) = ${mgf(t.state(), 1, theta)}`);
  });

  it('a value that is not a non-negative integer ends the calibration for good: the Gaussian interval', () => {
    const t = tail();
    for (let i = 0; i < 5000; i++) t.add(5, i % 10 === 0 ? 4 : 0, true);
    assert.ok(t.interval(1) > 1.5 * H);
    t.add(2.5, 0, true);
    assert.equal(t.interval(1), H);
    for (let i = 0; i < 5000; i++) t.add(5, i % 10 === 0 ? 4 : 0, true);
    assert.equal(t.interval(1), H);
    assert.equal(t.state().counts, false);
    const u = tail();
    u.add(-1, 0, true);
    assert.equal(u.state().counts, false, 'negative values are no counts');
  });

  it('learns only in control: samples of an excursion leave the histogram as it was', () => {
    const t = tail();
    const before = t.state();
    for (let i = 0; i < 5000; i++) t.add(5, 4, false);
    assert.deepEqual(t.state().weights, before.weights);
    assert.equal(t.interval(1), H);
  });

  it('state round trip, and malformed states refused with a coded error and nothing changed', () => {
    const rng = new CorpusRandom(13);
    const t = tail();
    for (let i = 0; i < 3000; i++) t.add(4, clip(rng.chance(0.05) ? 6 : rng.normal()), true);
    const s = t.state();
    const u = tail();
    u.setState(JSON.parse(JSON.stringify(s)) as IncrementTailState, 'test');
    assert.deepEqual(u.state(), s);
    fc.assert(
      fc.property(
        fc.record({
          weights: fc.oneof(
            fc.array(fc.double(), { minLength: 0, maxLength: 20 }),
            fc.constant(s.weights.map((w, i) => (i === 3 ? -w - 1 : w))),
            fc.anything(),
          ),
          hUp: fc.oneof(fc.double(), fc.constant(H / 2), fc.constant(H * 10), fc.anything()),
          hDown: fc.oneof(fc.double(), fc.constant(s.hDown)),
          since: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.double(), fc.anything()),
          counts: fc.oneof(fc.boolean(), fc.constant(undefined), fc.anything()),
        }),
        (bad) => {
          const v = tail();
          v.setState(s, 'test');
          try {
            v.setState(bad as unknown as IncrementTailState, 'test');
            // Accepted: it must have been a valid state, and it is what the tail now holds.
            const got = v.state();
            assert.equal(got.weights.length, TAIL_BINS);
            assert.equal(typeof got.counts, 'boolean');
            assert.ok(Number.isSafeInteger(got.since) && got.hUp >= H && got.hDown >= H);
          } catch (e) {
            assert.ok(e instanceof InvalidInputError, String(e));
            assert.deepEqual(v.state(), s);
          }
        },
      ),
    );
    for (const bad of [
      null,
      7,
      { ...s, weights: s.weights.slice(1) },
      { ...s, hUp: H / 2 },
      { ...s, since: 100_000 },
      { ...s, counts: 'yes' },
    ])
      assert.throws(() => tail().setState(bad as unknown as IncrementTailState, 'test'), InvalidInputError);
  });

  it('keeps bounded state whatever it learns', () => {
    const t = tail();
    const bytes = t.bytes();
    for (let i = 0; i < 100_000; i++) t.add(i, (i % 17) - 8, true);
    assert.equal(t.bytes(), bytes);
    assert.equal(t.state().weights.length, TAIL_BINS);
    assert.ok(bytes <= 128);
  });
});
