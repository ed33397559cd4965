/** Pooled numbers over scenario runs (src/eval/dwcp/aggregate.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateRuns } from '../../../../src/eval/dwcp/aggregate.ts';

describe('aggregateRuns', () => {
  it('aggregateRuns pools counts and delays (nearest rank)', () => {
    const run = (faults: (number | null)[], detections: number, matched: number) =>
      ({
        anomalies: new Array(detections).fill({}),
        warmupAnomalies: 1,
        evaluation: {
          faults: faults.map((d) => ({ detected: d !== null, firstDetectionDelayMs: d })),
          totals: {
            faults: faults.length,
            detectedFaults: faults.filter((d) => d !== null).length,
            detections,
            matchedDetections: matched,
          },
        },
      }) as unknown as Parameters<typeof aggregateRuns>[0][number];
    const a = aggregateRuns([run([1000, null], 4, 3), run([3000], 2, 1), run([], 2, 0)]);
    assert.equal(a.faults, 3);
    assert.equal(a.detectedFaults, 2);
    assert.equal(a.detections, 8);
    assert.equal(a.matchedDetections, 4);
    assert.equal(a.precision, 0.5);
    assert.equal(a.recall, 2 / 3);
    assert.equal(a.f1, (2 * 0.5 * (2 / 3)) / (0.5 + 2 / 3));
    assert.equal(a.delayP50Ms, 1000);
    assert.equal(a.delayP95Ms, 3000);
    assert.equal(a.anomaliesPerRun, 8 / 3);
    assert.equal(a.warmupAnomaliesPerRun, 1);
    const none = aggregateRuns([]);
    assert.equal(none.precision, null);
    assert.equal(none.f1, null);
  });
});
