import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StreamingDetector, Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { EnsembleDetector } from '../../../../src/analysis/anomaly/ensemble.ts';
import { createEnsemble } from '../../../../src/analysis/anomaly/presets.ts';
import { createRelativeEntropyDetector } from '../../../../src/analysis/anomaly/relative-entropy.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

/** A member that answers every sample with the given verdict fields. */
function scripted(name: string, v: Partial<Verdict>): StreamingDetector {
  const verdict: Verdict = {
    anomalous: false,
    score: 0,
    expected: Number.NaN,
    lower: Number.NaN,
    upper: Number.NaN,
    deviation: 0,
    confidence: 0,
    severity: 'low',
    warmingUp: false,
    resolved: false,
    ...v,
  };
  return { name, update: () => verdict, stateBytes: () => 0 };
}

const shapeVote = () => scripted('shape', { anomalous: true, score: 1 });
const quietLevel = () => scripted('level', { score: 0.2, expected: 10, lower: 4, upper: 16, deviation: 1 });

describe('ensemble band paging rule', () => {
  it('a shape member never pages alone; its vote does not lift the score to the alarm threshold', () => {
    const e = new EnsembleDetector(
      [
        { detector: quietLevel(), voteThreshold: 0.5, role: 'level' },
        { detector: shapeVote(), voteThreshold: 1, role: 'shape' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band' },
    );
    const v = e.update(12, 0);
    assert.equal(v.anomalous, false);
    assert.ok(v.score < 0.5, String(v.score));
    // The rule before roles: the same vote pages.
    const any = new EnsembleDetector(
      [
        { detector: quietLevel(), voteThreshold: 0.5, role: 'level' },
        { detector: shapeVote(), voteThreshold: 1, role: 'shape' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'any' },
    );
    assert.equal(any.update(12, 0).anomalous, true);
  });

  it('a level vote pages with its own band, and the sample lies outside it', () => {
    const level = scripted('level', {
      anomalous: true,
      score: 0.8,
      expected: 10,
      lower: 4,
      upper: 16,
      deviation: 4,
    });
    const e = new EnsembleDetector(
      [
        { detector: quietLevel(), voteThreshold: 0.5, role: 'level' },
        { detector: level, voteThreshold: 0.5, role: 'level' },
        { detector: shapeVote(), voteThreshold: 1, role: 'shape' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band' },
    );
    const v = e.update(20, 0);
    assert.equal(v.anomalous, true);
    assert.deepEqual([v.lower, v.upper], [4, 16]);
    assert.ok(20 > v.upper);
    assert.equal(v.score, 1, 'with a level vote the shape member counts again');
  });

  it('a member that votes with the sample inside the band it reports does not page', () => {
    const sloppy = scripted('sloppy', {
      anomalous: true,
      score: 0.9,
      expected: 10,
      lower: 0,
      upper: 30,
      deviation: 1,
    });
    const e = new EnsembleDetector([{ detector: sloppy, voteThreshold: 0.5, role: 'level' }], {
      combine: 'calibrated',
      threshold: 0.5,
      pageRule: 'band',
    });
    assert.equal(e.update(12, 0).anomalous, false);
  });

  it('a trend member may page alone (the sample outside its mean band)', () => {
    const trend = scripted('cusum', {
      anomalous: true,
      score: 0.6,
      expected: 10,
      lower: 8,
      upper: 12,
      deviation: 3,
    });
    const e = new EnsembleDetector(
      [
        { detector: quietLevel(), voteThreshold: 0.5, role: 'level' },
        { detector: trend, voteThreshold: 0.5, role: 'trend' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band' },
    );
    const v = e.update(13, 0);
    assert.equal(v.anomalous, true);
    assert.deepEqual([v.lower, v.upper], [8, 12]);
  });

  it('corroboration: a shape vote pages when a level member is beyond r of its band, reporting the band narrowed to r', () => {
    const mk = (r: number) =>
      new EnsembleDetector(
        [
          { detector: quietLevel(), voteThreshold: 0.5, role: 'level' },
          { detector: shapeVote(), voteThreshold: 1, role: 'shape' },
        ],
        { combine: 'calibrated', threshold: 0.5, pageRule: 'band', corroborate: r },
      );
    const v = mk(0.5).update(14, 0); // |14 − 10| / 6 = 0.67 ≥ 0.5
    assert.equal(v.anomalous, true);
    assert.deepEqual([v.lower, v.upper], [7, 13]);
    assert.ok(14 > v.upper);
    assert.equal(mk(0.8).update(14, 0).anomalous, false);
  });

  it('corroboration is directional: a level member beyond r on its good side (score 0) does not corroborate', () => {
    // A directional member scores 0 for a deviation in the good direction, however far.
    const goodSide = scripted('level', { score: 0, expected: 10, lower: 4, upper: 16, deviation: -3 });
    const e = new EnsembleDetector(
      [
        { detector: goodSide, voteThreshold: 0.5, role: 'level' },
        { detector: shapeVote(), voteThreshold: 1, role: 'shape' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band', corroborate: 0.5 },
    );
    assert.equal(e.update(1, 0).anomalous, false);
  });

  it('under the any rule too, the band shown is that of the voting level member, so the sample is outside it', () => {
    const wide = scripted('wide', { score: 0.1, expected: 10, lower: 0, upper: 40, deviation: 0.3 });
    const voter = scripted('voter', {
      anomalous: true,
      score: 0.8,
      expected: 10,
      lower: 6,
      upper: 14,
      deviation: 5,
    });
    const e = new EnsembleDetector(
      [
        { detector: wide, voteThreshold: 0.5, role: 'level' },
        { detector: voter, voteThreshold: 0.5, role: 'level' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'any' },
    );
    const v = e.update(20, 0);
    assert.equal(v.anomalous, true);
    assert.deepEqual([v.lower, v.upper], [6, 14]);
  });

  it('the default rule is any (older presets); a band rule without level or trend members and bad options are rejected', () => {
    assert.equal(
      new EnsembleDetector([{ detector: shapeVote(), voteThreshold: 1, role: 'shape' }], {
        combine: 'calibrated',
        threshold: 0.5,
      }).update(1, 0).anomalous,
      true,
    );
    assert.throws(
      () =>
        new EnsembleDetector([{ detector: shapeVote(), voteThreshold: 1, role: 'shape' }], {
          combine: 'calibrated',
          threshold: 0.5,
          pageRule: 'band',
        }),
      InvalidInputError,
    );
    assert.throws(
      () =>
        new EnsembleDetector([{ detector: quietLevel(), voteThreshold: 0.5, role: 'nope' as never }], {
          pageRule: 'band',
        }),
      InvalidInputError,
    );
    assert.throws(
      () => new EnsembleDetector([{ detector: quietLevel(), voteThreshold: 0.5 }], { corroborate: 2 }),
      InvalidInputError,
    );
  });

  it('minute-level series with slow drift and daily seasonality: relative entropy votes, the live ensemble stays silent', () => {
    // Four days at 1-minute resolution: daily cycle of 4σ, a drift of 1σ/day, Gaussian noise. No anomaly.
    const rng = new CorpusRandom(42);
    const withRe = createEnsemble(
      { kind: 'generic' },
      {
        preset: 'live',
        tuning: {
          hwSigma: 5,
          cusum: { k: 1, arl0: 1e6 },
          relativeEntropy: true,
          muteSamples: 0,
          pageRule: 'band',
        },
      },
    );
    const reAlone = createRelativeEntropyDetector({ maxHypotheses: 16 });
    let reVotes = 0;
    let alarms = 0;
    for (let i = 0; i < 4 * 1440; i++) {
      const t = Date.UTC(2026, 0, 5) + i * 60_000;
      const x = 100 + 4 * Math.sin((2 * Math.PI * i) / 1440) + i / 1440 + rng.normal();
      if (reAlone.update(x, t).anomalous) reVotes++;
      if (withRe.update(x, t).anomalous && i >= 1440) alarms++;
    }
    assert.ok(reVotes > 10, `relative entropy alone would page ${reVotes} times`);
    assert.equal(alarms, 0);
  });
});
