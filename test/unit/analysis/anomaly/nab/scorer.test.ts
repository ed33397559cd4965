import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  MAX_CORPUS_ROWS,
  NAB_PROFILES,
  NO_DETECTION_THRESHOLD,
  evaluateCorpus,
  normalizeScore,
  nullScore,
  optimizeThreshold,
  perfectScore,
  probationLength,
  rowWeights,
  scaledSigmoid,
  scoreCorpus,
  scoreFile,
  validateFile,
} from '../../../../../src/analysis/anomaly/nab/scorer.ts';
import type { NabFile } from '../../../../../src/analysis/anomaly/nab/scorer.ts';
import { InvalidInputError, LimitExceededError } from '../../../../../src/errors.ts';

const STD = NAB_PROFILES.standard;
const LOW_FN = NAB_PROFILES.reward_low_FN_rate;
/** Independent form of NAB's scaled sigmoid: 2σ(−5y) − 1 = tanh(−2.5y). */
const S = (y: number): number => Math.tanh(-2.5 * y);
const close = (a: number, b: number, eps = 1e-12): void => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

describe('scaledSigmoid', () => {
  it('matches the published anchor values', () => {
    close(scaledSigmoid(-1), 0.9866142981514303, 1e-15);
    assert.equal(scaledSigmoid(0), 0);
    close(scaledSigmoid(1), -0.9866142981514303, 1e-15);
    close(scaledSigmoid(-0.5), 0.8482836399575129, 1e-15);
  });
  it('is exactly -1 from y = 3 on (sweeper.py uses >=)', () => {
    assert.equal(scaledSigmoid(3), -1);
    assert.equal(scaledSigmoid(1e9), -1);
    assert.equal(scaledSigmoid(Number.POSITIVE_INFINITY), -1);
    assert.ok(scaledSigmoid(2.999) > -1);
  });
  it('rejects NaN', () => {
    assert.throws(() => scaledSigmoid(Number.NaN), InvalidInputError);
  });
});

describe('probationLength', () => {
  it('is min(floor(15 % of rows), 750)', () => {
    assert.equal(probationLength(100), 15);
    assert.equal(probationLength(4032), 604);
    assert.equal(probationLength(10_000), 750);
    assert.equal(probationLength(0), 0);
    assert.equal(probationLength(19), 2);
  });
  it('rejects bad input', () => {
    assert.throws(() => probationLength(-1), InvalidInputError);
    assert.throws(() => probationLength(1.5), InvalidInputError);
    assert.throws(() => probationLength(10, 1.5), InvalidInputError);
    assert.throws(() => probationLength(10, Number.NaN), InvalidInputError);
  });
});

// 20 rows, probation = floor(3) = 3; window A = rows 5..8 (width 4), window B = rows 14..15 (width 2).
const TINY: NabFile = { name: 'tiny.csv', rows: 20, windows: [[5, 8], [14, 15]] };

describe('rowWeights', () => {
  const w = rowWeights(TINY, STD);
  it('charges -fpWeight before the first window', () => {
    for (let i = 0; i < 5; i++) close(w[i]!, -0.11);
  });
  it('gives tpWeight at a window start, falling to ~0 at its end', () => {
    close(w[5]!, 1);
    close(w[6]!, S(-0.75) / S(-1));
    close(w[7]!, S(-0.5) / S(-1));
    close(w[8]!, S(-0.25) / S(-1));
    close(w[14]!, 1);
    close(w[15]!, S(-0.5) / S(-1));
  });
  it('weights false positives by distance past the last window (width - 1 denominator)', () => {
    close(w[9]!, 0.11 * S(1 / 3));
    close(w[11]!, 0.11 * S(1));
    close(w[13]!, 0.11 * S(5 / 3));
    close(w[16]!, 0.11 * S(1));
    close(w[17]!, 0.11 * S(2));
    assert.equal(w[18]!, -0.11); // y = 3 -> exactly -1
    assert.equal(w[19]!, -0.11);
  });
  it('scales with tpWeight and fpWeight', () => {
    const w2 = rowWeights(TINY, { tpWeight: 2, fnWeight: 1, fpWeight: 0.5 });
    close(w2[5]!, 2);
    close(w2[0]!, -0.5);
  });
  it('treats a width-1 window as infinitely far for later false positives', () => {
    const w1 = rowWeights({ name: 'w1', rows: 6, windows: [[2, 2]] }, STD);
    close(w1[2]!, 1);
    assert.equal(w1[3]!, -0.11);
  });
});

describe('scoreFile', () => {
  it('scores a tiny 2-window file by hand', () => {
    const scores = new Array<number>(20).fill(0);
    scores[1] = 1; // probationary: ignored
    scores[7] = 1; // window A, y = -0.5
    scores[8] = 1; // later in window A: costs nothing, earns nothing
    scores[11] = 1; // FP, y = 3/3 = 1
    scores[19] = 1; // FP, far
    const r = scoreFile(TINY, scores, 0.5, STD);
    const expected = S(-0.5) / S(-1) + 0.11 * S(1) - 0.11 - 1; // window B missed
    close(r.raw, expected);
    assert.equal(r.detections, 4);
    assert.equal(r.tpRows, 2);
    assert.equal(r.fpRows, 2);
    assert.equal(r.windowsDetected, 1);
    assert.equal(r.windowsScored, 2);
  });
  it('uses >= threshold and the earliest detection in a window', () => {
    const scores = new Array<number>(20).fill(0);
    scores[6] = 0.7;
    scores[5] = 0.6;
    scores[14] = 0.6;
    close(scoreFile(TINY, scores, 0.7, STD).raw, S(-0.75) / S(-1) - 1);
    close(scoreFile(TINY, scores, 0.6, STD).raw, 2);
    close(scoreFile(TINY, scores, 0.60000001, STD).raw, S(-0.75) / S(-1) - 1);
  });
  it('scores the null detector as -fnWeight per window', () => {
    const zeros = new Array<number>(20).fill(0);
    assert.equal(scoreFile(TINY, zeros, NO_DETECTION_THRESHOLD, STD).raw, -2);
    assert.equal(scoreFile(TINY, zeros, NO_DETECTION_THRESHOLD, LOW_FN).raw, -4);
  });
  it('ignores detections in the probationary period', () => {
    const f: NabFile = { name: 'p.csv', rows: 100, windows: [[20, 29]] }; // probation = 15
    const s = new Array<number>(100).fill(0);
    s[14] = 1;
    const r = scoreFile(f, s, 1, STD);
    assert.equal(r.raw, -1);
    assert.equal(r.detections, 0);
    s[15] = 1; // first non-probationary row: a false positive before any window
    close(scoreFile(f, s, 1, STD).raw, -1.11);
  });
  it('does not score a window lying wholly in probation (as NAB)', () => {
    const f: NabFile = { name: 'p.csv', rows: 100, windows: [[2, 5]] };
    const r = scoreFile(f, new Array<number>(100).fill(0), 0.5, STD);
    assert.equal(r.raw, 0);
    assert.equal(r.windowsScored, 0);
  });
  it('rejects scores outside [0, 1] with the row in the message', () => {
    const s = new Array<number>(20).fill(0);
    s[12] = 1.5;
    assert.throws(() => scoreFile(TINY, s, 0.5, STD), (e: unknown) => e instanceof InvalidInputError && /row 12.*\[0, 1\]/.test(e.message));
    s[12] = -0.1;
    assert.throws(() => scoreFile(TINY, s, 0.5, STD), InvalidInputError);
    s[12] = Number.NaN;
    assert.throws(() => scoreFile(TINY, s, 0.5, STD), InvalidInputError);
  });
  it('rejects a wrong score count, a bad threshold and a bad cost matrix', () => {
    assert.throws(() => scoreFile(TINY, [0, 0], 0.5, STD), /expected 20 anomaly scores/);
    const z = new Array<number>(20).fill(0);
    assert.throws(() => scoreFile(TINY, z, Number.NaN, STD), InvalidInputError);
    assert.throws(() => scoreFile(TINY, z, 0.5, { tpWeight: 1, fnWeight: -1, fpWeight: 0.1 }), InvalidInputError);
    assert.throws(() => scoreFile(TINY, z, 0.5, { tpWeight: 1, fnWeight: 1, fpWeight: Number.NaN }), InvalidInputError);
  });
});

describe('validateFile', () => {
  it('rejects bad windows and row counts', () => {
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[5, 10]] }), /not inside rows/);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[5, 4]] }), InvalidInputError);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[-1, 2]] }), InvalidInputError);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[1.5, 2]] }), InvalidInputError);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[1, 4], [4, 6]] }), /overlaps/);
    assert.throws(() => validateFile({ name: 'x', rows: 10, windows: [[5, 6], [1, 2]] }), /overlaps or precedes/);
    assert.throws(() => validateFile({ name: 'x', rows: -1, windows: [] }), InvalidInputError);
    validateFile({ name: 'x', rows: 10, windows: [[0, 0], [1, 9]] });
  });
});

describe('normalisation', () => {
  it('maps null to 0 and perfect to 100', () => {
    assert.equal(nullScore(STD, 116), -116);
    assert.equal(perfectScore(STD, 116), 116);
    assert.equal(normalizeScore(-116, STD, 116), 0);
    assert.equal(normalizeScore(116, STD, 116), 100);
    assert.equal(normalizeScore(0, STD, 116), 50);
    assert.equal(nullScore(LOW_FN, 116), -232);
    close(normalizeScore(0, LOW_FN, 116), (100 * 232) / 348);
    close(normalizeScore(-24.0131054891, STD, 116), 39.6495, 1e-4); // windowedGaussian's published raw total
    assert.ok(normalizeScore(-500, STD, 116) < 0);
  });
  it('rejects no windows and non-finite raw scores', () => {
    assert.throws(() => normalizeScore(0, STD, 0), /no windows/);
    assert.throws(() => normalizeScore(Number.NaN, STD, 10), InvalidInputError);
    assert.throws(() => nullScore(STD, 1.5), InvalidInputError);
  });
});

/** Brute force: raw corpus score at every distinct threshold, NAB tie-break (highest θ wins). */
function bruteForce(files: readonly NabFile[], scores: readonly number[][]): { threshold: number; raw: number } {
  const thetas = [...new Set(scores.flat())].sort((a, b) => b - a);
  let best = { threshold: NO_DETECTION_THRESHOLD, raw: scoreCorpus(files, scores, NO_DETECTION_THRESHOLD, STD).total.raw };
  for (const t of thetas) {
    const raw = scoreCorpus(files, scores, t, STD).total.raw;
    if (raw > best.raw + 1e-9) best = { threshold: t, raw };
  }
  return best;
}

describe('optimizeThreshold', () => {
  const A: NabFile = { name: 'a.csv', rows: 20, windows: [[5, 8]] };
  const B: NabFile = { name: 'b.csv', rows: 20, windows: [] };
  it('picks the threshold that keeps the early true positive and drops the noise', () => {
    const a = new Array<number>(20).fill(0.1);
    a[5] = 0.9;
    a[12] = 0.95; // FP, y = 4/3
    const b = new Array<number>(20).fill(0.1);
    const r = optimizeThreshold([A, B], [a, b], STD);
    assert.equal(r.threshold, 0.9);
    close(r.raw, 1 + 0.11 * S(4 / 3));
    assert.equal(r.candidates, 4); // 1.1, 0.95, 0.9, 0.1
    const e = evaluateCorpus([A, B], [a, b], STD);
    assert.equal(e.threshold, 0.9);
    close(e.raw, r.raw);
    close(e.normalized, (100 * (e.raw + 1)) / 2);
    assert.equal(e.windowRecall, 1);
    assert.equal(e.detections, 2);
    assert.equal(e.fpRows, 1);
  });
  it('breaks ties towards the higher threshold', () => {
    const a = new Array<number>(20).fill(0);
    a[5] = 0.9;
    a[7] = 0.8; // later in the same window: same raw score at 0.8
    const r = optimizeThreshold([A], [a], STD);
    assert.equal(r.threshold, 0.9);
    assert.equal(r.raw, 1);
  });
  it('returns the no-detection threshold when every detection costs', () => {
    const b = new Array<number>(20).fill(0.5);
    const r = optimizeThreshold([B], [b], STD);
    assert.equal(r.threshold, NO_DETECTION_THRESHOLD);
    assert.equal(r.raw, 0);
  });
  it('agrees with a brute-force sweep on random corpora', () => {
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 30; trial++) {
      const files: NabFile[] = [
        { name: 'r1', rows: 60, windows: [[12, 17], [40, 45]] },
        { name: 'r2', rows: 40, windows: [[20, 23]] },
        { name: 'r3', rows: 30, windows: [] },
      ];
      const scores = files.map((f) => Array.from({ length: f.rows }, () => Math.round(rand() * 12) / 12));
      const opt = optimizeThreshold(files, scores, STD);
      const bf = bruteForce(files, scores);
      close(opt.raw, bf.raw, 1e-9);
      assert.equal(opt.threshold, bf.threshold);
      close(scoreCorpus(files, scores, opt.threshold, STD).total.raw, opt.raw, 1e-9);
    }
  });
  it('rejects mismatched inputs and bounds its memory', () => {
    assert.throws(() => optimizeThreshold([A], [], STD), /1 files but 0 score arrays/);
    const bad = new Array<number>(20).fill(0);
    bad[3] = 2;
    assert.throws(() => optimizeThreshold([A], [bad], STD), InvalidInputError);
    assert.throws(
      () => optimizeThreshold([{ name: 'huge', rows: MAX_CORPUS_ROWS + 1, windows: [] }], [[]], STD),
      LimitExceededError,
    );
  });
});
