/**
 * The CUSUM's decision interval from the residuals' own tails on count series (cusum.ts `calibrateH`,
 * cusum-tail.ts): bursty, overdispersed counts per interval page less; the same values shifted off the integers
 * (no count series) keep the Gaussian interval, and a doubling of the level is still found.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector, type CusumOptions } from '../../../../src/analysis/anomaly/cusum.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';
import { poisson } from '../../../helpers/poisson.ts';

const DAY_MS = 86_400_000;
const STEP_MS = 300_000;
const DAY = DAY_MS / STEP_MS;
const T0 = Date.UTC(2026, 2, 2);
/** The live tuning's chart (live-tuning.ts). */
const LIVE: Partial<CusumOptions> = {
  k: 1,
  arl0: 1e7,
  periodMs: DAY_MS,
  restartInside: true,
  drift: true,
  weeklySteps: true,
  calibrateH: true,
};

/**
 * Counts per 5 minutes: negative binomial (shape 5) around 30·(1 + ½ sin) over the day, times `level(i)`, with
 * bursts (probability `burst` per sample) that multiply the rate by 4 for 30 minutes — tweets or requests.
 */
function counts(seed: number, n: number, burst: number, level: (i: number) => number = () => 1): number[] {
  const rng = new CorpusRandom(seed);
  const out: number[] = [];
  let left = 0;
  for (let i = 0; i < n; i++) {
    const mu = 30 * (1 + 0.5 * Math.sin((2 * Math.PI * i) / DAY)) * level(i);
    if (left === 0 && rng.chance(burst)) left = 6;
    const m = left > 0 ? 4 : 1;
    if (left > 0) left--;
    out.push(poisson(rng, (mu * m * rng.gamma(5)) / 5));
  }
  return out;
}

/** Indices of the second of two consecutive votes (what the monitor confirms) at or after `from`. */
function confirmed(values: readonly number[], offset: number, from: number): number[] {
  const c = createCusumDetector({ kind: 'generic' }, LIVE);
  const out: number[] = [];
  let prev = false;
  values.forEach((v, i) => {
    const a = c.update(v + offset, T0 + i * STEP_MS).anomalous;
    if (a && prev && i >= from) out.push(i);
    prev = a;
  });
  return out;
}

describe('CUSUM on count series: the interval from their own tails', () => {
  it('bursty counts page at most ¾ as often as the same residuals off the integers', () => {
    let asCounts = 0;
    let asGauge = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const v = counts(seed, 20 * DAY, 1 / 300);
      asCounts += confirmed(v, 0, 3 * DAY).length;
      asGauge += confirmed(v, 0.5, 3 * DAY).length;
    }
    assert.ok(asGauge > 20, `the bursts page the Gaussian chart (${asGauge})`);
    assert.ok(
      asCounts <= 0.75 * asGauge,
      `${asCounts} confirmed votes as counts, ${asGauge} off the integers`,
    );
  });

  it('a doubling of the level is still found within a day, as often as with the Gaussian interval', () => {
    let found = 0;
    let foundGauge = 0;
    const at = 15 * DAY;
    for (let seed = 1; seed <= 6; seed++) {
      const v = counts(seed, at + DAY, 1 / 300, (i) => (i >= at ? 2 : 1));
      if (confirmed(v, 0, at).length > 0) found++;
      if (confirmed(v, 0.5, at).length > 0) foundGauge++;
    }
    assert.ok(found >= 5 && found >= foundGauge, `found ${found} of 6 (Gaussian interval ${foundGauge})`);
  });

  it('a snapshot taken mid-stream restores to the same verdicts; one written without the interval state restores', () => {
    const v = counts(4, 12 * DAY, 1 / 300);
    const a = createCusumDetector({ kind: 'generic' }, LIVE);
    const b = createCusumDetector({ kind: 'generic' }, LIVE);
    const cut = 8 * DAY + 37;
    for (let i = 0; i < cut; i++) a.update(v[i]!, T0 + i * STEP_MS);
    const snap = JSON.parse(JSON.stringify(a.snapshot())) as ReturnType<typeof a.snapshot>;
    assert.ok((snap.state as { tail?: unknown }).tail !== undefined, 'the interval state is written');
    b.restore(snap);
    for (let i = cut; i < v.length; i++) {
      const t = T0 + i * STEP_MS;
      assert.deepEqual(b.update(v[i]!, t), a.update(v[i]!, t), `sample ${i}`);
    }
    const older = { ...snap, state: { ...(snap.state as object), tail: undefined } };
    createCusumDetector({ kind: 'generic' }, LIVE).restore(older);
  });

  it('without bursts (plain overdispersed counts) nothing pages either way', () => {
    for (let seed = 1; seed <= 3; seed++) {
      const v = counts(seed, 20 * DAY, 0);
      assert.deepEqual(confirmed(v, 0, 3 * DAY), []);
    }
  });
});
