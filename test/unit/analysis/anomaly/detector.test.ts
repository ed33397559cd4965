import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alarmSeverity,
  judgedVerdict,
  NOT_JUDGED,
  readingOf,
  scoreOnlyVerdict,
  severityOfRatio,
  votesOf,
  type Verdict,
} from '../../../../src/analysis/anomaly/detector.ts';

describe('verdict helpers', () => {
  it('judgedVerdict: band around the expected value, confidence = score, judged', () => {
    assert.deepEqual(judgedVerdict(true, 0.9, 10, 3, 4.5, 'high', false), {
      anomalous: true,
      score: 0.9,
      expected: 10,
      lower: 7,
      upper: 13,
      deviation: 4.5,
      confidence: 0.9,
      severity: 'high',
      warmingUp: false,
      resolved: false,
    });
  });

  it('scoreOnlyVerdict: no band, no deviation', () => {
    const v = scoreOnlyVerdict(0.4, false, 'low', true);
    assert.ok(Number.isNaN(v.expected) && Number.isNaN(v.lower) && Number.isNaN(v.upper));
    assert.equal(v.deviation, 0);
    assert.equal(v.confidence, 0.4);
    assert.equal(v.resolved, true);
    assert.equal(v.warmingUp, false);
  });

  it('severityOfRatio: steps at θ, 1.5θ and 2θ', () => {
    assert.deepEqual(
      [2.9, 3, 4.49, 4.5, 5.99, 6].map((z) => severityOfRatio(z, 3)),
      ['low', 'medium', 'medium', 'high', 'high', 'critical'],
    );
  });

  it('alarmSeverity: low unless anomalous, then at least medium', () => {
    assert.equal(alarmSeverity(false, 10, 3), 'low');
    assert.equal(alarmSeverity(true, 1, 3), 'medium');
    assert.equal(alarmSeverity(true, 4.5, 3), 'high');
    assert.equal(alarmSeverity(true, 6, 3), 'critical');
  });

  it('readingOf copies the value fields of a verdict', () => {
    const v = judgedVerdict(true, 0.9, 10, 3, 4.5, 'high', false);
    assert.deepEqual(readingOf(v), {
      expected: 10,
      lower: 7,
      upper: 13,
      deviation: 4.5,
      confidence: 0.9,
      severity: 'high',
    });
    assert.deepEqual(Object.keys(readingOf(v)), [
      'expected',
      'lower',
      'upper',
      'deviation',
      'confidence',
      'severity',
    ]);
  });

  it('votesOf: an ensemble verdict carries votes, a single detector none', () => {
    const votes = [{ detector: 'ewma', score: 0.9, voted: true }];
    const ensemble = { ...judgedVerdict(true, 0.9, 1, 1, 1, 'high', false), votes, muted: false } as Verdict;
    assert.equal(votesOf(ensemble), votes);
    assert.deepEqual(votesOf(NOT_JUDGED), []);
    assert.deepEqual(votesOf({ ...NOT_JUDGED, votes: 'x' } as unknown as Verdict), []);
  });
});
