import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  CORPUS_ANOMALY_KINDS,
  CORPUS_RANGES,
  generateCorpusSeries,
} from '../../../../src/eval/corpus/generate.ts';

describe('corpus generator', () => {
  it('is deterministic, labels non-overlapping windows after the warm-up, and keeps parameters in range', () => {
    for (let i = 0; i < 12; i++) {
      const s = generateCorpusSeries(1001, i);
      const again = generateCorpusSeries(1001, i);
      assert.deepEqual(Array.from(again.values.slice(0, 100)), Array.from(s.values.slice(0, 100)));
      assert.equal(s.values.length, s.timestampsMs.length);
      assert.ok(s.values.every(Number.isFinite));
      const end = s.timestampsMs[s.timestampsMs.length - 1]!;
      let prevEnd = s.evalStartMs;
      for (const a of s.anomalies) {
        assert.ok(CORPUS_ANOMALY_KINDS.includes(a.kind));
        assert.ok(a.startMs >= prevEnd && a.endMs >= a.startMs && a.endMs <= end, `${s.id} ${a.kind}`);
        prevEnd = a.endMs;
      }
      const [lo, hi] = s.cadence === 'minute' ? CORPUS_RANGES.anomaliesMinute : CORPUS_RANGES.anomaliesSecond;
      assert.ok(s.anomalies.length >= lo && s.anomalies.length <= hi);
      assert.ok(s.params.ar >= 0 && s.params.ar <= 0.6);
      assert.ok(
        s.params.dailyAmplitude === 0 || (s.params.dailyAmplitude >= 1 && s.params.dailyAmplitude <= 8),
      );
    }
    assert.notDeepEqual(
      Array.from(generateCorpusSeries(1001, 0).values.slice(0, 50)),
      Array.from(generateCorpusSeries(2002, 0).values.slice(0, 50)),
    );
  });
});
