import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';

import { createCusumDetector } from '../../../../src/analysis/anomaly/cusum.ts';
import { BlockTrend, blockMeanAutocorrelation } from '../../../../src/analysis/anomaly/drift-trend.ts';
import { LIVE_TUNING } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { WalkVariogram, walkSlopeVariance } from '../../../../src/analysis/anomaly/walk-variogram.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const BLOCK = 16;
const BLOCKS = 12;
const HALF_LIFE = 150;
/**
 * Half-life (blocks) and length (blocks) of the recovery tests: long, so that the estimator's consistency is tested
 * with a tight tolerance. At the drift chart's half-life (150 blocks) one series' estimate spreads far more (150
 * seeds: q̂/q 0.26–2.1, σ̂_η up to 0.037 on stationary noise; docs/anomaly-detection.md).
 */
const LONG_HALF_LIFE = 2000;
const LONG_BLOCKS = 8000;

/**
 * The walk diffusion per sample a block trend with a walk model reads from a local-level series: AR(φ) noise of
 * unit variance on a random walk of diffusion q per sample, {@link LONG_BLOCKS} blocks of 16 samples.
 */
function diffusionRead(seed: number, q: number, phi: number): number {
  const rng = new CorpusRandom(seed);
  const t = new BlockTrend(BLOCK, BLOCKS, LONG_HALF_LIFE);
  const inn = Math.sqrt(1 - phi * phi);
  let e = 0;
  let w = 0;
  for (let i = 0; i < BLOCK * LONG_BLOCKS; i++) {
    e = phi * e + inn * rng.normal();
    w += Math.sqrt(q) * rng.normal();
    t.add(100 + w + e, phi, true);
  }
  const v = new WalkVariogram(BLOCKS - 1, LONG_HALF_LIFE);
  v.setState(t.state().walk);
  // The block means' noise autocorrelation from φ, as the drift chart gives it.
  return v.diffusion(blockMeanAutocorrelation(phi, BLOCK)) / BLOCK;
}

describe('walk variogram: the level random walk diffusion', () => {
  it('gives the least-squares slope variance of a unit walk (6(n² + 1)/(5n(n² − 1)))', () => {
    for (const n of [2, 3, 6, 12, 32]) {
      const closed = (6 * (n * n + 1)) / (5 * n * (n * n - 1));
      assert.ok(Math.abs(walkSlopeVariance(n) - closed) < 1e-12, `n ${n}`);
    }
    assert.equal(walkSlopeVariance(1), 0);
  });

  it('recovers a known diffusion on a simulated local-level series within a factor 1.5', () => {
    // Tolerance: measured q̂/q 0.81–1.23 over 40 seeds at q 0.002 and 0.03, φ 0 and 0.5 (≈ 4 sd inside 1.5).
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0.002, max: 0.03, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (seed, q, phi) => {
          const got = diffusionRead(seed, q, phi);
          assert.ok(got > q / 1.5 && got < q * 1.5, `q ${q} φ ${phi}: read ${got}`);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('reads σ_η ≈ 0 on stationary noise (no walk)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        (seed, phi) => {
          const got = diffusionRead(seed, 0, phi);
          // σ_η ≤ 0.03 σ per sample (measured ≤ 0.015 over 40 seeds); a walk of 1 σ²/day at minute samples is 0.026 σ.
          assert.ok(got >= 0 && Math.sqrt(got) <= 0.03, `φ ${phi}: σ_η ${Math.sqrt(got)}`);
        },
      ),
      { numRuns: 8 },
    );
  });

  it('subtracts the noise share of strongly correlated noise (φ 0.9) from the long lag', () => {
    // Without the ρ_B term σ̂_η reads 0.051–0.059 here; with it ≤ 0.028 (16 seeds).
    for (const seed of [1, 2, 3]) {
      const got = Math.sqrt(diffusionRead(seed, 0, 0.9));
      assert.ok(got <= 0.04, `seed ${seed}: σ_η ${got}`);
    }
  });

  it('is not used before a half-life of blocks is learned and restores only a valid state', () => {
    const v = new WalkVariogram(11, HALF_LIFE);
    assert.ok(Number.isNaN(v.diffusion(0)));
    assert.ok(Number.isNaN(v.slopeZ(1, 12, 0)));
    for (let i = 0; i < HALF_LIFE; i++) v.learn(1, 4);
    assert.ok(v.ready);
    // ln d² = 0 at lag 1 and ln 16 at lag 11, read as Gaussian differences (V = e^{mean + γ + ln 2}):
    // q_B = (16 − 1)·e^{γ + ln 2}/10.
    const expected = (15 * Math.exp(0.5772156649015329 + Math.LN2)) / 10;
    assert.ok(Math.abs(v.diffusion(0) / expected - 1) < 1e-5, `${v.diffusion(0)} against ${expected}`);
    assert.throws(() => v.setState({ lag1: 0, lagL: Number.NaN, learned: 0 }), InvalidInputError);
    assert.throws(() => v.setState({ lag1: 0, lagL: 0, learned: HALF_LIFE + 1 }), InvalidInputError);
    assert.throws(() => new WalkVariogram(1, HALF_LIFE), InvalidInputError);
    assert.ok(v.ready, 'a refused state changes nothing');
  });
});

describe('block trend: block means kept in float32 from the newest', () => {
  it('gives the same trend wherever the level lies (an offset of up to 1e9)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.constantFrom(0, 1e3, 1e6, 1e9),
        (seed, offset) => {
          const rng = new CorpusRandom(seed);
          const a = new BlockTrend(BLOCK, BLOCKS);
          const b = new BlockTrend(BLOCK, BLOCKS);
          for (let i = 0; i < BLOCK * 40; i++) {
            const x = 0.01 * i + rng.normal();
            a.add(x, 0.2);
            b.add(offset + x, 0.2);
          }
          assert.equal(b.current.z, a.current.z);
          assert.ok(Math.abs(b.current.slope - a.current.slope) < 1e-3, `offset ${offset}`);
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('cusum walkDiffusion: the drift chart judged beyond the level random walk', () => {
  const LIVE = { ...LIVE_TUNING.cusum!, periodMs: 86_400_000 };
  const votesOn = (seed: number, diffusionPerDay: number, walk: boolean, leak = 0): number => {
    const rng = new CorpusRandom(seed);
    const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, walkDiffusion: walk });
    const step = Math.sqrt(diffusionPerDay / 1440);
    let w = 0;
    let votes = 0;
    const n = 20 * 1440;
    for (let i = 0; i < n; i++) {
      w += step * rng.normal();
      // A leak: +leak σ over 4 h from day 16.
      const ramp = leak === 0 ? 0 : Math.min(1, Math.max(0, (i - 16 * 1440) / 240)) * leak;
      const v = d.update(100 + w + ramp + rng.normal(), 1_700_000_000_000 + i * 60_000);
      if (v.anomalous && (leak === 0 || i < 16 * 1440 + 300) && (leak === 0 || i >= 16 * 1440)) votes++;
    }
    return votes;
  };

  it('is validated and needs the drift chart', () => {
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { walkDiffusion: true }), InvalidInputError);
    assert.doesNotThrow(() => createCusumDetector({ kind: 'generic' }, { drift: true, walkDiffusion: true }));
    assert.equal(LIVE_TUNING.cusum?.walkDiffusion, true);
  });

  it('votes less on a benign random walk of 4 σ²/day and still finds a 6 σ leak on it', () => {
    let without = 0;
    let withModel = 0;
    for (const seed of [1, 2, 3]) {
      without += votesOn(seed, 4, false);
      withModel += votesOn(seed, 4, true);
    }
    assert.ok(
      withModel < 0.8 * without,
      `votes on the walk: ${withModel} with the model, ${without} without`,
    );
    for (const seed of [1, 2, 3]) assert.ok(votesOn(seed, 1, true, 6) >= 2, `leak on seed ${seed} found`);
  });

  it('keeps the walk model in its snapshot and restores an older snapshot without it', () => {
    const a = createCusumDetector({ kind: 'generic' }, LIVE);
    const rng = new CorpusRandom(9);
    let w = 0;
    for (let i = 0; i < 4 * 1440; i++) {
      w += 0.05 * rng.normal();
      a.update(100 + w + rng.normal(), 1_700_000_000_000 + i * 60_000);
    }
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<typeof a.snapshot>;
    const st = snap.state as { drift: { trend: { walk?: { learned: number } } } };
    assert.ok((st.drift.trend.walk?.learned ?? 0) > 0, 'the walk model learned');
    const b = createCusumDetector({ kind: 'generic' }, LIVE);
    b.restore(snap);
    assert.deepEqual(b.snapshot(), a.snapshot());
    const older = JSON.parse(JSON.stringify(snap)) as typeof snap;
    delete (older.state as { drift: { trend: { walk?: unknown } } }).drift.trend.walk;
    assert.doesNotThrow(() => createCusumDetector({ kind: 'generic' }, LIVE).restore(older));
    const bad = JSON.parse(JSON.stringify(snap)) as typeof snap;
    (bad.state as { drift: { trend: { walk: { lagL: unknown } } } }).drift.trend.walk.lagL = 'x';
    assert.throws(() => createCusumDetector({ kind: 'generic' }, LIVE).restore(bad), /walk/);
  });
});
