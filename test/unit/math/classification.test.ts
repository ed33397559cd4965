import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { InvalidInputError } from '../../../src/errors.ts';
import { detectionScores, f1Of, precisionOf, recallOf } from '../../../src/math/classification.ts';

describe('precision / recall / F1', () => {
  it('computes the textbook values', () => {
    // 8 of 10 detections matched, 6 of 12 faults detected: P = 0.8, R = 0.5, F1 = 2·0.4/1.3.
    const s = detectionScores({ matchedDetections: 8, detections: 10, detectedFaults: 6, faults: 12 });
    assert.equal(s.precision, 0.8);
    assert.equal(s.recall, 0.5);
    assert.equal(s.f1, (2 * 0.8 * 0.5) / 1.3);
    assert.equal(f1Of(1, 1), 1);
  });

  it('documents the zero-division cases', () => {
    assert.equal(precisionOf(0, 0), null); // nothing claimed
    assert.equal(recallOf(0, 0), null); // nothing to find
    assert.equal(f1Of(null, 0.5), null);
    assert.equal(f1Of(0.5, null), null);
    assert.equal(f1Of(0, 0), 0); // both zero: the limit of 2PR/(P + R)
    assert.deepEqual(detectionScores({ matchedDetections: 0, detections: 3, detectedFaults: 0, faults: 2 }), {
      precision: 0,
      recall: 0,
      f1: 0,
    });
    assert.deepEqual(detectionScores({ matchedDetections: 0, detections: 0, detectedFaults: 0, faults: 0 }), {
      precision: null,
      recall: null,
      f1: null,
    });
  });

  it('rejects counts that cannot be counts', () => {
    assert.throws(() => precisionOf(3, 2), InvalidInputError);
    assert.throws(() => precisionOf(-1, 2), InvalidInputError);
    assert.throws(() => recallOf(1.5, 2), InvalidInputError);
    assert.throws(() => recallOf(1, Number.NaN), InvalidInputError);
    assert.throws(() => f1Of(1.2, 0.5), InvalidInputError);
    assert.throws(() => f1Of(0.5, Number.NaN), InvalidInputError);
  });
});
