/**
 * Reproduces NAB's published scores (final_results.json) from NAB's stored per-row outputs with our scorer, and
 * checks that our Windowed Gaussian port scores 39.6 ± 0.5 (standard) on the real corpus.
 * Needs the NAB directory (default ../shared/datasets/nab, or DWCP_NAB_DIR); fails with a ConfigError if absent.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';

import { NAB_PROFILES, NAB_PROFILE_NAMES } from '../../src/analysis/anomaly/nab/rules.ts';
import { evaluateCorpus } from '../../src/analysis/anomaly/nab/scorer.ts';
import { createWindowedGaussianDetector } from '../../src/analysis/anomaly/windowed-gaussian.ts';
import { loadNabCorpus, loadPublishedResults, loadReferenceScores } from '../../src/eval/nab-data.ts';
import type { NabCorpus, PublishedResults } from '../../src/eval/nab-data.ts';

let corpus: NabCorpus;
let published: PublishedResults;

before(async () => {
  corpus = await loadNabCorpus();
  published = await loadPublishedResults(corpus.dir);
});

describe('NAB corpus', () => {
  it('has the documented shape', () => {
    assert.equal(corpus.files.length, 58);
    assert.equal(corpus.windowCount, 116);
    assert.equal(corpus.rowCount, 365_558);
  });
});

describe('reproduces final_results.json from stored outputs (±0.01)', () => {
  for (const detector of ['windowedGaussian', 'relativeEntropy', 'knncad']) {
    it(detector, async () => {
      const scores = await loadReferenceScores(corpus, detector);
      for (const p of NAB_PROFILE_NAMES) {
        const e = evaluateCorpus(corpus.files, scores, NAB_PROFILES[p]);
        const want = published[detector]![p];
        assert.ok(
          Math.abs(e.normalized - want) <= 0.01,
          `${detector} ${p}: ours ${e.normalized}, published ${want}`,
        );
      }
    });
  }
});

describe('Windowed Gaussian port', () => {
  it('scores 39.6 ± 0.5 on NAB standard with a corpus-optimised threshold', () => {
    const scores = corpus.files.map((f) => {
      const d = createWindowedGaussianDetector();
      const out = new Float64Array(f.rows);
      for (let i = 0; i < f.rows; i++) out[i] = d.update(f.values[i]!, f.timestampsMs[i]!).score;
      return out;
    });
    const e = evaluateCorpus(corpus.files, scores, NAB_PROFILES.standard);
    assert.ok(Math.abs(e.normalized - 39.6) <= 0.5, `standard ${e.normalized}`);
    assert.equal(e.threshold, 1);
  });
});
