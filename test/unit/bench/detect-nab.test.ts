/**
 * The held-out NAB scores of the benchmarks (bench/detect-nab.ts `heldOutScore`, used by `locoScore` and by
 * bench/nab.ts with two folds by file parity) equal the per-fold loops they replace, on a small generated corpus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { heldOutScore, locoScore } from '../../../bench/detect-nab.ts';
import { NAB_PROFILES, type NabProfileName } from '../../../src/analysis/anomaly/nab/rules.ts';
import { normalizeScore, optimizeThreshold, scoreCorpus } from '../../../src/analysis/anomaly/nab/scorer.ts';
import type { NabCorpus, NabDataFile } from '../../../src/eval/nab-data.ts';

/** `n` files of 400 rows in three categories, one window each; scores rise near the window in some files. */
function corpus(n: number): { corpus: NabCorpus; scores: Float64Array[] } {
  const files: NabDataFile[] = [];
  const scores: Float64Array[] = [];
  for (let j = 0; j < n; j++) {
    const rows = 400;
    const start = 150 + ((j * 37) % 180);
    files.push({
      name: `cat${j % 3}/f${j}.csv`,
      category: `cat${j % 3}`,
      rows,
      windows: [[start, start + 39]],
      timestamps: [],
      timestampsMs: new Float64Array(rows),
      values: new Float64Array(rows),
    });
    const s = new Float64Array(rows);
    for (let i = 0; i < rows; i++)
      s[i] =
        ((i * 7919 + j * 104729) % 1000) / 2000 +
        (i >= start + (j % 5) * 10 && i < start + 40 && j % 4 !== 0 ? 0.5 : 0);
    scores.push(s);
  }
  return { corpus: { dir: '', files, windowCount: n, rowCount: n * 400 }, scores };
}

/** The loop the helper replaced: θ from `train`, scored on `test`, for each split; raw totals summed. */
function reference(
  c: NabCorpus,
  scores: readonly Float64Array[],
  profile: NabProfileName,
  splits: [number[], number[]][],
): number {
  const cost = NAB_PROFILES[profile];
  let raw = 0;
  for (const [train, test] of splits) {
    const θ = optimizeThreshold(
      train.map((j) => c.files[j]!),
      train.map((j) => scores[j]!),
      cost,
    ).threshold;
    raw += scoreCorpus(
      test.map((j) => c.files[j]!),
      test.map((j) => scores[j]!),
      θ,
      cost,
    ).total.raw;
  }
  return normalizeScore(raw, cost, c.windowCount);
}

describe('held-out NAB scores of the benchmarks', () => {
  const { corpus: c, scores } = corpus(9);
  const idx = c.files.map((_, j) => j);

  it('leave-one-category-out equals θ from the other categories scoring each category', () => {
    for (const p of ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const) {
      const cats = [...new Set(c.files.map((f) => f.category))];
      const splits = cats.map((k): [number[], number[]] => [
        idx.filter((j) => c.files[j]!.category !== k),
        idx.filter((j) => c.files[j]!.category === k),
      ]);
      assert.equal(locoScore(c, scores, p), reference(c, scores, p, splits), p);
    }
  });

  it('two folds by parity equal θ from the even files scoring the odd ones and the other way round', () => {
    const splits = [0, 1].map((parity): [number[], number[]] => [
      idx.filter((j) => j % 2 === parity),
      idx.filter((j) => j % 2 !== parity),
    ]);
    const got = heldOutScore(c, scores, 'standard', (_, j) => j % 2);
    assert.equal(got, reference(c, scores, 'standard', splits));
    assert.ok(Number.isFinite(got));
  });
});
