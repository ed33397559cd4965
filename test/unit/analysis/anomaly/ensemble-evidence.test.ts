import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createCusumDetector } from '../../../../src/analysis/anomaly/cusum.ts';
import type { StreamingDetector, Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { EnsembleDetector } from '../../../../src/analysis/anomaly/ensemble.ts';
import { createEnsemble, cusumEvidenceSamples } from '../../../../src/analysis/anomaly/presets.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

/** A member that answers every sample with the given verdict fields. */
function scripted(name: string, v: Partial<Verdict>): StreamingDetector {
  const verdict: Verdict = { anomalous: false, score: 0, expected: 10, lower: 4, upper: 16, deviation: 0, confidence: 0, severity: 'low', warmingUp: false, resolved: false, ...v };
  return { name, update: () => verdict, stateBytes: () => 0 };
}

const voting = (name: string) => scripted(name, { anomalous: true, score: 0.9, deviation: 5 });
const quiet = (name: string) => scripted(name, { score: 0.1 });

describe('ensemble evidence of a vote (evidenceSamples)', () => {
  it('an anomalous verdict carries the largest run of its voting level/trend members, and none otherwise', () => {
    const mk = (trend: StreamingDetector, level: StreamingDetector) =>
      new EnsembleDetector([{ detector: level, voteThreshold: 0.5, role: 'level' }, { detector: trend, voteThreshold: 0.5, role: 'trend', evidenceSamples: 3 }], { combine: 'calibrated', threshold: 0.5 });
    assert.equal(mk(voting('trend'), quiet('level')).update(20, 0).evidenceSamples, 3, 'the trend member voted');
    assert.equal(mk(voting('trend'), voting('level')).update(20, 0).evidenceSamples, 3, 'both voted: the larger run');
    assert.equal(mk(quiet('trend'), voting('level')).update(20, 0).evidenceSamples, undefined, 'only a point member voted: one sample');
    const none = mk(quiet('trend'), quiet('level')).update(12, 0);
    assert.equal(none.anomalous, false);
    assert.equal(none.evidenceSamples, undefined);
  });

  it('a shape member’s run never counts (it cannot page alone)', () => {
    const e = new EnsembleDetector([{ detector: voting('level'), voteThreshold: 0.5, role: 'level' }, { detector: voting('shape'), voteThreshold: 0.5, role: 'shape', evidenceSamples: 4 }], { combine: 'calibrated', threshold: 0.5, pageRule: 'band' });
    const v = e.update(20, 0);
    assert.equal(v.anomalous, true);
    assert.equal(v.evidenceSamples, undefined);
  });

  it('refuses a run that is not an integer >= 1', () => {
    for (const bad of [0, 1.5, -1, Number.NaN])
      assert.throws(() => new EnsembleDetector([{ detector: quiet('x'), voteThreshold: 0.5, evidenceSamples: bad }]), InvalidInputError, String(bad));
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
      const e = createEnsemble({ kind: 'utilization', direction: 'up' }, { preset: 'statistical', tuning: { cusum: { k: 1, arl0: 1e6, confirms }, muteSamples: 0 } });
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
