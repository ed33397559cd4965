/**
 * Count noise (detection-counts.ts): the Poisson tail of a count against its expected value, and which integer
 * series are counts (at least as noisy as a Poisson count) rather than measurements rounded to a unit.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  COUNT_DISPERSION_MIN_SAMPLES,
  countNoiseProbability,
  isCountingNoise,
  newCountNoiseState,
  observeCount,
  withinCountNoise,
} from '../../../src/monitor/detection-counts.ts';
import { CorpusRandom } from '../../../src/eval/corpus/random.ts';
import { poisson } from '../../helpers/poisson.ts';

/** P(X = i) for X ~ Poisson(λ), summed directly (the reference). */
function pmf(i: number, lambda: number): number {
  let p = Math.exp(-lambda);
  for (let j = 1; j <= i; j++) p *= lambda / j;
  return p;
}

describe('countNoiseProbability', () => {
  it('is the one-sided Poisson tail on the observed side (against a direct sum)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0.01, max: 40, noNaN: true }),
        (k, lambda) => {
          let below = 0;
          for (let i = 0; i <= k; i++) below += pmf(i, lambda);
          const expected = k > lambda ? 1 - below + pmf(k, lambda) : k < lambda ? below : 1;
          const got = countNoiseProbability(k, lambda);
          assert.ok(
            Math.abs(got - expected) <= 1e-9 + 1e-7 * expected,
            `k ${k} λ ${lambda}: ${got} vs ${expected}`,
          );
        },
      ),
    );
  });

  it('examples: 2 events against 0.2 expected is ordinary, 8 is not; a silent stretch of 0 against 3', () => {
    assert.ok(Math.abs(countNoiseProbability(2, 0.2) - 0.017523) < 1e-6);
    assert.ok(countNoiseProbability(8, 0.2) < 1e-8);
    assert.ok(Math.abs(countNoiseProbability(0, 3) - Math.exp(-3)) < 1e-12);
    assert.equal(withinCountNoise(2, 0.2, 1e-3), true);
    assert.equal(withinCountNoise(8, 0.2, 1e-3), false);
  });

  it('a negative expected value counts as 0 (any event is then beyond noise); bad input is no evidence', () => {
    assert.equal(countNoiseProbability(1, -5), 0);
    assert.equal(countNoiseProbability(0, -5), 1);
    assert.equal(countNoiseProbability(Number.NaN, 1), 1);
    assert.equal(countNoiseProbability(3, Number.POSITIVE_INFINITY), 1);
    assert.equal(countNoiseProbability(-1, 2), 1);
  });

  it('is a probability for any input (fast-check), large counts included', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), fc.double({ noNaN: false }), (x, e) => {
        const p = countNoiseProbability(x, e);
        assert.ok(p >= 0 && p <= 1, `${x}, ${e}: ${p}`);
      }),
    );
    assert.ok(countNoiseProbability(1e6, 1e3) === 0 || countNoiseProbability(1e6, 1e3) < 1e-300);
  });
});

describe('which integer series are counts', () => {
  it('Poisson counts are, from 100 samples on; not before', () => {
    const rng = new CorpusRandom(5);
    const st = newCountNoiseState();
    for (let i = 0; i < COUNT_DISPERSION_MIN_SAMPLES - 1; i++) observeCount(st, poisson(rng, 2));
    assert.equal(isCountingNoise(st), false, 'too few samples to judge the dispersion');
    for (let i = 0; i < 900; i++) observeCount(st, poisson(rng, 2));
    assert.equal(isCountingNoise(st), true);
  });

  it('an all-zero history is not (no event counted: its dispersion is 0 / 0); one event makes it judgeable', () => {
    const st = newCountNoiseState();
    for (let i = 0; i < 2000; i++) observeCount(st, 0);
    assert.equal(st.counts, true, 'every value a non-negative integer');
    assert.equal(isCountingNoise(st), false);
    observeCount(st, 1);
    observeCount(st, 0);
    assert.equal(isCountingNoise(st), true, 'one event in 2002 samples: index ≈ 1');
  });

  it('bursty overdispersed counts with a daily cycle are', () => {
    const rng = new CorpusRandom(6);
    const st = newCountNoiseState();
    for (let i = 0; i < 3000; i++) {
      const daily = 1 + 0.9 * Math.sin((2 * Math.PI * i) / 288);
      observeCount(st, poisson(rng, 0.8 * daily * rng.gamma(1)));
    }
    assert.equal(isCountingNoise(st), true);
  });

  it('a speed rounded to whole units is not (less short-term variance than its mean), nor a slow ramp of them', () => {
    const rng = new CorpusRandom(7);
    const st = newCountNoiseState();
    for (let i = 0; i < 3000; i++)
      observeCount(st, Math.round(60 + 10 * Math.sin(i / 500) + 3 * rng.normal()));
    assert.equal(st.counts, true, 'every value a non-negative integer');
    assert.equal(isCountingNoise(st), false);
  });

  it('one value that is not a non-negative integer ends it for good', () => {
    for (const odd of [0.5, -1, Number.NaN]) {
      const rng = new CorpusRandom(8);
      const st = newCountNoiseState();
      for (let i = 0; i < 500; i++) observeCount(st, poisson(rng, 2));
      observeCount(st, odd);
      for (let i = 0; i < 500; i++) observeCount(st, poisson(rng, 2));
      assert.equal(isCountingNoise(st), false, String(odd));
    }
  });
});
