import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const DAY_MS = 86_400_000;
const T0 = 1_700_000_000_000;
/** The live tuning's chart (live-tuning.ts): k = 1, ARL₀ 10⁷, daily baseline, restart inside the excursion. */
const LIVE: Partial<CusumOptions> = { k: 1, arl0: 1e7, periodMs: DAY_MS, restartInside: true };

/** Unit-variance AR(1) noise with coefficient `phi`; Student-t with `nu` degrees of freedom when given. */
function noise(rng: CorpusRandom, phi: number, nu?: number): () => number {
  let e = 0;
  return () => {
    let x = rng.normal();
    if (nu !== undefined) x = (x / Math.sqrt((2 * rng.gamma(nu / 2)) / nu)) * Math.sqrt((nu - 2) / nu);
    e = phi * e + Math.sqrt(1 - phi * phi) * x;
    return e;
  };
}

/**
 * A memory-like series at 1 s samples: level 50 %, noise σ 2 %, AR(0.3); after two hours a slow leak of
 * +0.01 %/s (0.005 σ per sample) for 30 minutes (+9 σ). Returns the ramp sample of the first two consecutive votes
 * (the monitor's confirmation), −1 when none, and the votes before the ramp.
 */
function leak(seed: number, centred: boolean): { found: number; before: number } {
  const rng = new CorpusRandom(seed);
  const e = noise(rng, 0.3);
  const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, centred });
  const n0 = 7200;
  let run = 0;
  let before = 0;
  for (let i = 0; i < n0 + 1800; i++) {
    const v = d.update(50 + 2 * (e() + (i >= n0 ? 0.005 * (i - n0) : 0)), T0 + i * 1000);
    if (!v.anomalous) run = 0;
    else if (i < n0) before++;
    else if (++run >= 2) return { found: i - n0, before };
  }
  return { found: -1, before };
}

describe('cusum: whitening around the residual mean (centred)', () => {
  it('a slow leak on correlated noise is confirmed within its ramp on every seed (around 0: missed on 3 of 5)', () => {
    const centred = [1, 2, 3, 4, 5].map((s) => leak(s, true));
    for (const r of centred) {
      assert.equal(r.before, 0, 'no vote before the leak');
      // Found before the leak reached 3.5 σ (700 samples at 0.005 σ each).
      assert.ok(r.found >= 0 && r.found <= 700, JSON.stringify(centred));
    }
    // The estimate around 0 reads the leak's excursion as autocorrelation and whitens it away.
    const around0 = [1, 2, 3, 4, 5].map((s) => leak(s, false));
    assert.ok(around0.filter((r) => r.found < 0).length >= 3, JSON.stringify(around0));
  });

  it('a stationary heavy-tailed (Student-t, ν = 5, AR 0.5) day at 1 s samples gets no trend vote', () => {
    for (const seed of [1, 2, 3]) {
      const e = noise(new CorpusRandom(seed), 0.5, 5);
      const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, centred: true });
      let votes = 0;
      for (let i = 0; i < 86_400; i++) if (d.update(50 + 2 * e(), T0 + i * 1000).anomalous) votes++;
      assert.equal(votes, 0, `seed ${seed}`);
    }
  });

  it('keeps the residual mean in its snapshot and restores snapshots taken before the option existed', () => {
    const e = noise(new CorpusRandom(7), 0.3);
    const a = createCusumDetector({ kind: 'generic' }, { ...LIVE, centred: true });
    for (let i = 0; i < 3000; i++) a.update(50 + 2 * e() + (i > 2500 ? 4 : 0), T0 + i * 1000);
    const snap = a.snapshot();
    const state = snap.state as { zMean: number };
    assert.ok(Number.isFinite(state.zMean) && state.zMean !== 0);
    const b = createCusumDetector({ kind: 'generic' }, { ...LIVE, centred: true });
    b.restore(snap);
    const t = T0 + 3000 * 1000;
    assert.deepEqual(b.update(60, t), a.update(60, t));
    const older: Record<string, unknown> = { ...(snap.state as Record<string, unknown>) };
    delete older.zMean;
    const c = createCusumDetector({ kind: 'generic' }, { ...LIVE, centred: true });
    c.restore({ ...snap, state: older });
    assert.equal((c.snapshot().state as { zMean: number }).zMean, 0);
    assert.throws(() => c.restore({ ...snap, state: { ...older, zMean: Number.NaN } }), /zMean/);
    assert.throws(
      () => createCusumDetector({ kind: 'generic' }, { centred: 1 as unknown as boolean }),
      /centred/,
    );
  });
});
