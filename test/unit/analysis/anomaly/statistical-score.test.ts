import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  confidenceOf,
  scoreOfDeviation,
  severityOf,
} from '../../../../src/analysis/anomaly/statistical-score.ts';

describe('statistical detector: confidence, severity, score of a deviation', () => {
  it('confidence and severity follow the formulas of the original detector', () => {
    assert.equal(confidenceOf(2.99, 3), 0);
    assert.equal(confidenceOf(3, 3), 0.8);
    assert.ok(Math.abs(confidenceOf(4.5, 3) - 0.9) < 1e-12);
    assert.equal(confidenceOf(6, 3), 1);
    assert.equal(confidenceOf(9, 3), 1);
    assert.ok(Math.abs(confidenceOf(3.75, 2.5) - 0.9) < 1e-12);
    assert.equal(severityOf(3), 'low');
    assert.equal(severityOf(3.01), 'medium');
    assert.equal(severityOf(4.01), 'high');
    assert.equal(severityOf(5.01), 'critical');
  });

  it('score is in [0, 1] and monotone in z along the bad direction', () => {
    let prev = -1;
    for (let z = 0; z <= 12; z += 0.05) {
      const s = scoreOfDeviation(z);
      assert.ok(s >= 0 && s <= 1);
      assert.ok(s >= prev, `monotone at ${z}`);
      prev = s;
    }
    assert.ok(Math.abs(scoreOfDeviation(3) - 0.9973) < 1e-4);
    assert.equal(scoreOfDeviation(-2), 0);
    assert.equal(scoreOfDeviation(Number.NaN), 0);
  });
});
