import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector } from '../../../../src/analysis/anomaly/cusum.ts';
import type { StreamingDetector, Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { EnsembleDetector } from '../../../../src/analysis/anomaly/ensemble.ts';
import {
  aloneSigma,
  confirmedSigma,
  createEnsemble,
  cusumEvidenceSamples,
} from '../../../../src/analysis/anomaly/presets.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

/** A member that answers every sample with the given verdict fields. */
function scripted(name: string, v: Partial<Verdict>): StreamingDetector {
  const verdict: Verdict = {
    anomalous: false,
    score: 0,
    expected: 10,
    lower: 4,
    upper: 16,
    deviation: 0,
    confidence: 0,
    severity: 'low',
    warmingUp: false,
    resolved: false,
    ...v,
  };
  return { name, update: () => verdict, stateBytes: () => 0 };
}

const voting = (name: string) => scripted(name, { anomalous: true, score: 0.9, deviation: 5 });
const quiet = (name: string) => scripted(name, { score: 0.1 });

describe('ensemble evidence of a vote (evidenceSamples)', () => {
  it('an anomalous verdict carries the largest run of its voting level/trend members, and none otherwise', () => {
    const mk = (trend: StreamingDetector, level: StreamingDetector) =>
      new EnsembleDetector(
        [
          { detector: level, voteThreshold: 0.5, role: 'level' },
          { detector: trend, voteThreshold: 0.5, role: 'trend', evidenceSamples: 3 },
        ],
        { combine: 'calibrated', threshold: 0.5 },
      );
    assert.equal(
      mk(voting('trend'), quiet('level')).update(20, 0).evidenceSamples,
      3,
      'the trend member voted',
    );
    assert.equal(
      mk(voting('trend'), voting('level')).update(20, 0).evidenceSamples,
      3,
      'both voted: the larger run',
    );
    assert.equal(
      mk(quiet('trend'), voting('level')).update(20, 0).evidenceSamples,
      undefined,
      'only a point member voted: one sample',
    );
    const none = mk(quiet('trend'), quiet('level')).update(12, 0);
    assert.equal(none.anomalous, false);
    assert.equal(none.evidenceSamples, undefined);
  });

  it('a level member’s own verdict may carry a run (a record vote); a shape member’s never counts', () => {
    const record = (role: 'level' | 'shape') =>
      new EnsembleDetector(
        [
          { detector: voting('level'), voteThreshold: 0.5, role: 'level' },
          {
            detector: scripted(role, { anomalous: true, score: 0.9, deviation: 5, evidenceSamples: 2 }),
            voteThreshold: 0.5,
            role,
          },
        ],
        { combine: 'calibrated', threshold: 0.5, pageRule: 'band' },
      ).update(20, 0);
    assert.equal(record('level').evidenceSamples, 2);
    assert.equal(record('shape').evidenceSamples, undefined);
  });

  it('a shape member’s run never counts (it cannot page alone)', () => {
    const e = new EnsembleDetector(
      [
        { detector: voting('level'), voteThreshold: 0.5, role: 'level' },
        { detector: voting('shape'), voteThreshold: 0.5, role: 'shape', evidenceSamples: 4 },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band' },
    );
    const v = e.update(20, 0);
    assert.equal(v.anomalous, true);
    assert.equal(v.evidenceSamples, undefined);
  });

  it('refuses a run that is not an integer >= 1', () => {
    for (const bad of [0, 1.5, -1, Number.NaN])
      assert.throws(
        () => new EnsembleDetector([{ detector: quiet('x'), voteThreshold: 0.5, evidenceSamples: bad }]),
        InvalidInputError,
        String(bad),
      );
  });
});

describe('cusumEvidenceSamples', () => {
  it('is ⌈h/(clip − k)⌉: the fewest samples that can take the sum from 0 to h', () => {
    const o = createCusumDetector({ kind: 'utilization' }, { k: 1, arl0: 1e6 }).options;
    assert.ok(o.h > 6 && o.h < 6.2, String(o.h));
    assert.equal(cusumEvidenceSamples(o), 3, 'h ≈ 6.09 needs 3 samples of at most clip − k = 3 each');
    assert.equal(cusumEvidenceSamples({ h: 6, clip: 4, k: 1 }), 2, 'exactly 2 × 3');
    assert.equal(cusumEvidenceSamples({ h: 6.01, clip: 4, k: 1 }), 3);
    assert.equal(cusumEvidenceSamples({ h: 0.5, clip: 4, k: 1 }), 1);
  });

  it('a CUSUM signal never comes from fewer samples: a jump of any size reaches h ≈ 6.09 only on its third sample', () => {
    const d = createCusumDetector({ kind: 'generic', direction: 'up' }, { k: 1, arl0: 1e6 });
    let x = 1;
    const noise = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.2;
    for (let i = 0; i < 200; i++) d.update(10 + noise(), i * 1000);
    assert.equal(d.update(1e6, 200_000).anomalous, false, 'one huge sample adds at most clip − k');
    assert.equal(d.update(1e6, 201_000).anomalous, false, 'two add at most 2 (clip − k) = 6');
    assert.equal(d.update(1e6, 202_000).anomalous, true);
    assert.equal(cusumEvidenceSamples(d.options), 3);
  });

  it('the preset hands the run to the trend member only when the tuning says its signal confirms', () => {
    const run = (confirms: boolean) => {
      const e = createEnsemble(
        { kind: 'utilization', direction: 'up' },
        { preset: 'statistical', tuning: { cusum: { k: 1, arl0: 1e6, confirms }, muteSamples: 0 } },
      );
      let x = 7;
      const noise = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 0.2;
      for (let i = 0; i < 200; i++) e.update(10 + noise(), i * 1000);
      e.update(100, 200_000);
      e.update(100, 201_000);
      return e.update(100, 202_000);
    };
    assert.equal(run(true).anomalous, true);
    assert.equal(run(true).evidenceSamples, 3);
    assert.equal(run(false).anomalous, true);
    assert.equal(run(false).evidenceSamples, undefined);
  });
});

describe('a strong vote counts as a run (strongVote, presets.ts ewmaAloneRun)', () => {
  it('a member score at or beyond the strong bar carries its run; below it, one sample', () => {
    const mk = (score: number) =>
      new EnsembleDetector(
        [
          {
            detector: scripted('ewma', { anomalous: true, score, deviation: 5 }),
            voteThreshold: 0.5,
            role: 'level',
            strongVote: { score: 0.6, samples: 2 },
          },
        ],
        { combine: 'calibrated', threshold: 0.5 },
      );
    assert.equal(
      mk(0.55).update(20, 0).evidenceSamples,
      undefined,
      'a vote below the strong bar: one sample',
    );
    assert.equal(mk(0.6).update(20, 0).evidenceSamples, 2);
    assert.equal(mk(0.9).update(20, 0).evidenceSamples, 2);
  });

  it('refuses a strong bar outside (0, 1] or a run that is not an integer >= 1', () => {
    for (const sv of [
      { score: 0, samples: 2 },
      { score: 1.2, samples: 2 },
      { score: 0.6, samples: 0 },
      { score: 0.6, samples: 1.5 },
    ])
      assert.throws(
        () => new EnsembleDetector([{ detector: quiet('x'), voteThreshold: 0.5, strongVote: sv }]),
        InvalidInputError,
        JSON.stringify(sv),
      );
  });

  it('the preset gives the EWMA member a strong bar at aloneSigma only with ewmaAloneRun', () => {
    const run = (alone: boolean, jump: number) => {
      const e = createEnsemble(
        { kind: 'utilization', direction: 'up' },
        {
          preset: 'statistical',
          tuning: { ewmaSigma: 3.19, ...(alone ? { ewmaAloneRun: 2 } : {}), muteSamples: 0 },
        },
      );
      let x = 11;
      const noise = () =>
        ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 2 * Math.sqrt(3);
      for (let i = 0; i < 400; i++) e.update(10 + noise(), i * 1000);
      return e.update(10 + jump, 400_000);
    };
    // Uniform noise of unit σ: the EWMA member's z is ≈ the jump.
    assert.equal(run(true, 6).evidenceSamples, 2, '6 σ is beyond aloneSigma(3.19, 2) = 4.89');
    assert.equal(run(false, 6).evidenceSamples, undefined);
    const mid = run(true, 4);
    assert.equal(mid.anomalous, true);
    assert.equal(mid.evidenceSamples, undefined, '4 σ votes but is below the strong bar');
  });
});

describe('aloneSigma and confirmedSigma', () => {
  it('one sample beyond aloneSigma(c, n) is as improbable as n votes at c; confirmedSigma meets the ARL₀ over its routes', () => {
    assert.equal(aloneSigma(3.09, 1), 3.09);
    assert.equal(aloneSigma(3.0902, 2).toFixed(2), '4.75', 'Φ̄(3.09)² = 1e-6');
    assert.equal(confirmedSigma(1e6, 2, false).toFixed(2), '3.09', 'Φ̄(c)² = 1e-6');
    assert.equal(confirmedSigma(1e6, 2, true).toFixed(2), '3.19', '2 Φ̄(c)² = 1e-6');
    assert.equal(aloneSigma(confirmedSigma(1e6, 2, true), 2).toFixed(2), '4.89');
    assert.equal(confirmedSigma(1e3, 1, true).toFixed(2), '3.09', 'one route when the run is one sample');
    assert.throws(() => aloneSigma(0, 2), InvalidInputError);
    assert.throws(() => aloneSigma(3, 0), InvalidInputError);
    assert.throws(() => confirmedSigma(5, 2, true), InvalidInputError);
    assert.throws(() => confirmedSigma(1e6, 1.5, true), InvalidInputError);
  });
});
