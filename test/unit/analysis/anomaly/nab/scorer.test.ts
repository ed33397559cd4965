import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NAB_PROFILES, type NabFile } from '../../../../../src/analysis/anomaly/nab/rules.ts';
import {
  MAX_CORPUS_ROWS,
  NO_DETECTION_THRESHOLD,
  evaluateCorpus,
  normalizeScore,
  nullScore,
  optimizeThreshold,
  perfectScore,
  scoreCorpus,
  scoreFile,
} from '../../../../../src/analysis/anomaly/nab/scorer.ts';
import { InvalidInputError, LimitExceededError } from '../../../../../src/errors.ts';

const STD = NAB_PROFILES.standard;
const LOW_FN = NAB_PROFILES.reward_low_FN_rate;
/** Independent form of NAB's scaled sigmoid: 2σ(−5y) − 1 = tanh(−2.5y). */
const S = (y: number): number => Math.tanh(-2.5 * y);
const close = (a: number, b: number, eps = 1e-12): void => assert.ok(Math.abs(a - b) <= eps, `${a} != ${b}`);

// 20 rows, probation = floor(3) = 3; window A = rows 5..8 (width 4), window B = rows 14..15 (width 2).
const TINY: NabFile = {
  name: 'tiny.csv',
  rows: 20,
  windows: [
    [5, 8],
    [14, 15],
  ],
};

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
    assert.throws(
      () => scoreFile(TINY, s, 0.5, STD),
      (e: unknown) => e instanceof InvalidInputError && /row 12.*\[0, 1\]/.test(e.message),
    );
    s[12] = -0.1;
    assert.throws(() => scoreFile(TINY, s, 0.5, STD), InvalidInputError);
    s[12] = Number.NaN;
    assert.throws(() => scoreFile(TINY, s, 0.5, STD), InvalidInputError);
  });
  it('rejects a wrong score count, a bad threshold and a bad cost matrix', () => {
    assert.throws(() => scoreFile(TINY, [0, 0], 0.5, STD), /expected 20 anomaly scores/);
    const z = new Array<number>(20).fill(0);
    assert.throws(() => scoreFile(TINY, z, Number.NaN, STD), InvalidInputError);
    assert.throws(
      () => scoreFile(TINY, z, 0.5, { tpWeight: 1, fnWeight: -1, fpWeight: 0.1 }),
      InvalidInputError,
    );
    assert.throws(
      () => scoreFile(TINY, z, 0.5, { tpWeight: 1, fnWeight: 1, fpWeight: Number.NaN }),
      InvalidInputError,
    );
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
function bruteForce(
  files: readonly NabFile[],
  scores: readonly number[][],
): { threshold: number; raw: number } {
  const thetas = [...new Set(scores.flat())].sort((a, b) => b - a);
  let best = {
    threshold: NO_DETECTION_THRESHOLD,
    raw: scoreCorpus(files, scores, NO_DETECTION_THRESHOLD, STD).total.raw,
  };
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
        {
          name: 'r1',
          rows: 60,
          windows: [
            [12, 17],
            [40, 45],
          ],
        },
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
