import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { LIVE_TUNING } from '../../../../src/analysis/anomaly/live-tuning.ts';
import { ScaleChart } from '../../../../src/analysis/anomaly/scale-chart.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { generateCorpusSeries } from '../../../../src/eval/corpus/generate.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const DAY_MS = 86_400_000;
const LIVE: Partial<CusumOptions> = { ...LIVE_TUNING.cusum, periodMs: DAY_MS };

/** Feeds a scale chart AR(1) noise of σ `sigma` plus `level(i)` (sample units) as residuals in σ-units of 1. */
function chartOn(
  seed: number,
  phi: number,
  sigma: number,
  level: (i: number) => number,
  n = 20_000,
): ScaleChart {
  const rng = new CorpusRandom(seed);
  const c = new ScaleChart(1e7, 600, 4, 1);
  let e = rng.normal();
  for (let i = 0; i < n; i++) {
    e = phi * e + Math.sqrt(1 - phi * phi) * rng.normal();
    const r = sigma * e + level(i);
    if (i % 2 === 0) c.pairStart(r);
    else c.update(r, 1, true);
  }
  return c;
}

describe('scale chart noiseSigma: the noise σ a level error cannot inflate', () => {
  it('recovers σ on Gaussian AR(1) noise, corrected by the lag-1 autocorrelation', () => {
    for (const phi of [0, 0.5]) {
      for (const seed of [1, 2, 3]) {
        const got = chartOn(seed, phi, 2.5, () => 0).noiseSigma(phi);
        assert.ok(Math.abs(got / 2.5 - 1) < 0.1, `φ ${phi} seed ${seed}: σ ${got} for a true 2.5`);
      }
    }
  });

  it('does not move with a level error of hours (a weekend-like ±4 σ square wave) or a slow ramp', () => {
    for (const seed of [4, 5]) {
      const clean = chartOn(seed, 0.3, 1, () => 0).noiseSigma(0.3);
      const square = chartOn(seed, 0.3, 1, (i) => (Math.floor(i / 1440) % 2 === 0 ? 4 : -4)).noiseSigma(0.3);
      const ramp = chartOn(seed, 0.3, 1, (i) => i / 1000).noiseSigma(0.3);
      assert.ok(Math.abs(square / clean - 1) < 0.02, `square wave: ${square} vs ${clean}`);
      assert.ok(Math.abs(ramp / clean - 1) < 0.02, `ramp: ${ramp} vs ${clean}`);
    }
  });

  it('is NaN while the chart learns and while it signals (its mean is frozen then)', () => {
    assert.ok(Number.isNaN(chartOn(6, 0, 1, () => 0, 1000).noiseSigma(0)), 'fewer than a half-life of pairs');
    const rng = new CorpusRandom(7);
    const c = chartOn(7, 0, 1, () => 0);
    let signalled = false;
    for (let i = 0; i < 4000 && !signalled; i++) {
      const r = 6 * rng.normal();
      if (i % 2 === 0) c.pairStart(r);
      else signalled = c.update(r, 1, true);
    }
    assert.ok(signalled, 'a sixfold spread signals');
    assert.ok(Number.isNaN(c.noiseSigma(0)));
  });
});

describe('cusum scaleSigma: the drift chart judged against the scale chart σ', () => {
  it('needs the scale and drift charts', () => {
    assert.throws(() => createCusumDetector({ kind: 'generic' }, { scaleSigma: true }), InvalidInputError);
    assert.throws(
      () => createCusumDetector({ kind: 'generic' }, { scale: true, scaleSigma: true }),
      InvalidInputError,
    );
    assert.doesNotThrow(() => createCusumDetector({ kind: 'generic' }, { ...LIVE, scaleSigma: true }));
  });

  it('finds a slow leak on a weekly series whose baseline σ learned the weekend as noise', () => {
    // Corpus generator seed 5005, series 8 (minute, weekly, Student-t ν 3.3, φ 0.44): its 7.9 σ leak over 262
    // samples; the baseline's σ is ~2× the noise's there (bench/leak-scale.ts).
    const s = generateCorpusSeries(5005, 8);
    const leak = s.anomalies.find((a) => a.kind === 'leak' && a.magnitude > 7.5)!;
    assert.ok(leak !== undefined);
    const votes = (scaleSigma: boolean): number => {
      const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, scaleSigma });
      let n = 0;
      for (let i = 0; i < s.values.length; i++) {
        const t = s.timestampsMs[i]!;
        const v = d.update(s.values[i]!, t);
        if (v.anomalous && t >= leak.startMs && t <= leak.endMs + 20 * s.stepMs) {
          n++;
          // The sample a vote stands on is outside the band it reports.
          const x = s.values[i]!;
          assert.ok(x > v.upper || x < v.lower, `vote inside its band at ${i}`);
        }
      }
      return n;
    };
    assert.equal(votes(false), 0, 'the baseline σ finds nothing (what the option changes)');
    assert.ok(votes(true) >= 2, 'the scale chart σ finds the leak');
  });

  it('adds no vote on in-control Gaussian, Laplace and Student-t₃ noise', () => {
    for (const noise of ['gaussian', 'laplace', 't3'] as const) {
      const run = (scaleSigma: boolean): number => {
        const rng = new CorpusRandom(11);
        const d = createCusumDetector({ kind: 'generic' }, { ...LIVE, scaleSigma });
        let e = 0;
        let votes = 0;
        for (let i = 0; i < 60_000; i++) {
          const x =
            noise === 'gaussian'
              ? rng.normal()
              : noise === 'laplace'
                ? rng.laplace(Math.SQRT1_2)
                : Math.sqrt(1 / 3) * rng.studentT(3);
          e = 0.5 * e + Math.sqrt(0.75) * x;
          if (d.update(100 + e, Date.UTC(2026, 2, 2) + i * 60_000).anomalous) votes++;
        }
        return votes;
      };
      assert.ok(run(true) <= run(false), `${noise}: ${run(true)} votes against ${run(false)}`);
    }
  });
});
