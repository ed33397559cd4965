import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StreamingDetector, Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import {
  BAND_EDGE_SIGMA,
  edgeDeviation,
  EnsembleDetector,
} from '../../../../src/analysis/anomaly/ensemble.ts';

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

describe('ensemble deviation on one scale, from the band shown', () => {
  it('edgeDeviation: 0 at the expected value, ±BAND_EDGE_SIGMA on either edge, proportional beyond, per side', () => {
    const band = { expected: 10, lower: 6, upper: 18, deviation: 99 };
    assert.equal(edgeDeviation(10, band), 0);
    assert.equal(edgeDeviation(18, band), BAND_EDGE_SIGMA);
    assert.equal(edgeDeviation(6, band), -BAND_EDGE_SIGMA);
    assert.equal(edgeDeviation(26, band), 2 * BAND_EDGE_SIGMA);
    assert.equal(edgeDeviation(4, band), -1.5 * BAND_EDGE_SIGMA);
    // A side without width: the member's own z.
    assert.equal(edgeDeviation(12, { expected: 10, lower: 6, upper: 10, deviation: 7 }), 7);
  });

  it('property: monotone in the distance from the expected value on each side', () => {
    const band = { expected: 0.3, lower: 0, upper: 2.22, deviation: 0 };
    let prev = Number.NEGATIVE_INFINITY;
    for (let x = -1; x <= 10; x += 0.01) {
      const d = edgeDeviation(x, band);
      assert.ok(d >= prev, `${x}: ${d} < ${prev}`);
      prev = d;
    }
  });

  it('the deviation comes from the paging member whose band is shown, not from the largest member z', () => {
    // The soak case: a seasonal-like member (threshold 15) votes with z 21.5 and band [0, 2.22] around 0.3;
    // an EWMA-like member with a wider band does not vote but reports a larger z on its own scale.
    const seasonal = scripted('seasonal', {
      anomalous: true,
      score: 0.6,
      expected: 0.3,
      lower: 0,
      upper: 2.22,
      deviation: 21.5,
    });
    const ewma = scripted('ewma', { score: 0.3, expected: 0.5, lower: 0, upper: 4, deviation: 40 });
    const e = new EnsembleDetector(
      [
        { detector: seasonal, voteThreshold: 0.5, role: 'level' },
        { detector: ewma, voteThreshold: 0.5, role: 'level' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band' },
    );
    const v = e.update(3.17, 0);
    assert.equal(v.anomalous, true);
    assert.deepEqual([v.expected, v.lower, v.upper], [0.3, 0, 2.22]);
    const want = (BAND_EDGE_SIGMA * (3.17 - 0.3)) / (2.22 - 0.3);
    assert.ok(Math.abs(v.deviation - want) < 1e-12, `${v.deviation} vs ${want}`);
    assert.ok(v.deviation < 5, 'about 1.5 half-widths beyond the expected value is not 21.5 sigma');
  });

  it('a corroborated shape vote reports the deviation against the narrowed band it shows', () => {
    const level = scripted('level', { score: 0.2, expected: 10, lower: 4, upper: 16, deviation: 1 });
    const shape = scripted('shape', { anomalous: true, score: 1 });
    const e = new EnsembleDetector(
      [
        { detector: level, voteThreshold: 0.5, role: 'level' },
        { detector: shape, voteThreshold: 1, role: 'shape' },
      ],
      { combine: 'calibrated', threshold: 0.5, pageRule: 'band', corroborate: 0.5 },
    );
    const v = e.update(14, 0);
    assert.equal(v.anomalous, true);
    assert.deepEqual([v.lower, v.upper], [7, 13]);
    assert.ok(Math.abs(v.deviation - (BAND_EDGE_SIGMA * 4) / 3) < 1e-12, String(v.deviation));
  });
});
