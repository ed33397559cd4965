import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateDetections,
  evaluationTotals,
  type EvalDetection,
} from '../../../../src/analysis/anomaly/evaluate.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import type { FaultLabel } from '../../../../src/model/anomaly.ts';

const LAT = 'dwcp_v3_mode_latency_seconds';
const TPUT = 'dwcp_v3_throughput_bytes_per_second';

function fault(node: string, startMs: number, endMs: number, metrics: string[] = [LAT]): FaultLabel {
  return {
    kind: 'latency_spike',
    node,
    region: 'eu',
    selector: `${metrics[0]}{node_id="${node}"}`,
    metrics,
    startMs,
    endMs,
  };
}
function det(
  metric: string,
  labels: Record<string, string>,
  startedAtMs: number,
  detectedAtMs = startedAtMs + 500,
): EvalDetection {
  return { metric, labels, startedAtMs, detectedAtMs };
}

describe('evaluateDetections', () => {
  it('computes precision, recall, F1 and delays on a hand-made case', () => {
    const faults = [
      fault('node-1', 100_000, 160_000), // detected twice; first detection emitted at 105_000
      fault('node-2', 200_000, 260_000, [LAT, TPUT]), // detected via throughput inside the grace window
      fault('node-3', 300_000, 360_000), // missed: only a wrong-node and a too-late detection
      fault('node-4', 400_000, 460_000), // detected via a `node` label (instance is host:port)
    ];
    const detections = [
      det(LAT, { node_id: 'node-1' }, 104_000, 105_000), // match f0, delay 5000
      det(LAT, { node_id: 'node-1' }, 120_000, 121_000), // match f0 (second)
      det(TPUT, { node_id: 'node-2' }, 265_000, 268_000), // match f1 (in grace: end 260_000 + 10_000), delay 68_000
      det(LAT, { node_id: 'node-9' }, 310_000), // FP: wrong node
      det(LAT, { node_id: 'node-3' }, 370_001), // FP: after end + grace
      det(LAT, { instance: '10.0.0.4:9100', node: 'node-4' }, 401_000, 402_000), // match f3, delay 2000
      det('dwcp_other_metric', { node_id: 'node-1' }, 110_000), // FP: metric not moved by the fault
      det(LAT, { node_id: 'node-1' }, 99_999), // FP: before the fault started
    ];
    const e = evaluateDetections(faults, detections);
    assert.deepEqual(
      e.faults.map((f) => [f.detected, f.firstDetectionDelayMs, f.matchingDetections]),
      [
        [true, 5000, 2],
        [true, 68_000, 1],
        [false, null, 0],
        [true, 2000, 1],
      ],
    );
    const t = e.totals;
    assert.equal(t.faults, 4);
    assert.equal(t.detectedFaults, 3);
    assert.equal(t.detections, 8);
    assert.equal(t.matchedDetections, 4);
    assert.equal(t.falsePositiveDetections, 4);
    assert.equal(t.precision, 0.5);
    assert.equal(t.recall, 0.75);
    assert.ok(Math.abs(t.f1! - 0.6) < 1e-12);
    assert.equal(t.delayP50Ms, 5000); // sorted delays 2000, 5000, 68000: ceil(1.5) = 2nd
    assert.equal(t.delayP95Ms, 68_000);
  });

  it('grace is configurable; the window bounds are inclusive', () => {
    const faults = [fault('n', 1000, 2000)];
    const atEnd = [det(LAT, { node_id: 'n' }, 2000)];
    assert.equal(evaluateDetections(faults, atEnd, { graceMs: 0 }).totals.detectedFaults, 1);
    const late = [det(LAT, { node_id: 'n' }, 2001)];
    assert.equal(evaluateDetections(faults, late, { graceMs: 0 }).totals.detectedFaults, 0);
    assert.equal(evaluateDetections(faults, late, { graceMs: 1 }).totals.detectedFaults, 1);
    const atStart = [det(LAT, { node_id: 'n' }, 1000)];
    assert.equal(evaluateDetections(faults, atStart).totals.recall, 1);
  });

  it('custom node label names; a detection matching two overlapping faults counts once', () => {
    const faults = [fault('a', 0, 10_000), fault('a', 5000, 20_000)];
    const d = [det(LAT, { host: 'a' }, 6000)];
    assert.equal(
      evaluateDetections(faults, d).totals.matchedDetections,
      0,
      'host is not a node label by default',
    );
    const e = evaluateDetections(faults, d, { nodeLabelNames: ['host'] });
    assert.equal(e.totals.detectedFaults, 2);
    assert.equal(e.totals.matchedDetections, 1);
    assert.equal(e.totals.precision, 1);
  });

  it('empty inputs: precision/recall/F1/delays are null, not NaN', () => {
    const none = evaluateDetections([], []);
    assert.deepEqual(none.totals, {
      faults: 0,
      detectedFaults: 0,
      detections: 0,
      matchedDetections: 0,
      falsePositiveDetections: 0,
      precision: null,
      recall: null,
      f1: null,
      delayP50Ms: null,
      delayP95Ms: null,
    });
    const missed = evaluateDetections([fault('n', 0, 1)], []);
    assert.equal(missed.totals.recall, 0);
    assert.equal(missed.totals.precision, null);
    assert.equal(missed.totals.f1, null);
    const onlyFp = evaluateDetections([fault('n', 0, 1)], [det(LAT, { node_id: 'x' }, 0)]);
    assert.equal(onlyFp.totals.precision, 0);
    assert.equal(onlyFp.totals.f1, 0);
  });

  it('rejects bad input with InvalidInputError', () => {
    assert.throws(() => evaluateDetections([fault('n', 10, 5)], []), InvalidInputError);
    assert.throws(() => evaluateDetections([fault('n', Number.NaN, 5)], []), InvalidInputError);
    assert.throws(() => evaluateDetections([], [det(LAT, {}, Number.POSITIVE_INFINITY)]), InvalidInputError);
    assert.throws(() => evaluateDetections([], [det(LAT, {}, 0, Number.NaN)]), InvalidInputError);
    assert.throws(() => evaluateDetections([], [], { graceMs: -1 }), InvalidInputError);
    assert.throws(() => evaluateDetections([], [], { graceMs: Number.NaN }), InvalidInputError);
    assert.throws(
      () =>
        evaluateDetections(
          [],
          [{ metric: LAT, labels: null, startedAtMs: 0, detectedAtMs: 0 } as unknown as EvalDetection],
        ),
      InvalidInputError,
    );
  });

  it('evaluationTotals: scores, false positives and nearest-rank delays of unsorted delays (input kept)', () => {
    const delays = [3000, 1000, 2000];
    const t = evaluationTotals({ matchedDetections: 3, detections: 4, detectedFaults: 3, faults: 4 }, delays);
    assert.deepEqual(t, {
      faults: 4,
      detectedFaults: 3,
      detections: 4,
      matchedDetections: 3,
      falsePositiveDetections: 1,
      precision: 0.75,
      recall: 0.75,
      f1: 0.75,
      delayP50Ms: 2000,
      delayP95Ms: 3000,
    });
    assert.deepEqual(delays, [3000, 1000, 2000]);
    const none = evaluationTotals({ matchedDetections: 0, detections: 0, detectedFaults: 0, faults: 0 }, []);
    assert.equal(none.precision, null);
    assert.equal(none.delayP50Ms, null);
    assert.throws(
      () => evaluationTotals({ matchedDetections: 2, detections: 1, detectedFaults: 0, faults: 0 }, []),
      InvalidInputError,
    );
  });

  it('scales: 2000 faults x 20000 detections evaluated via the per-metric index', () => {
    const faults = Array.from({ length: 2000 }, (_, i) =>
      fault(`n${i % 50}`, i * 60_000, i * 60_000 + 30_000),
    );
    const dets = Array.from({ length: 20_000 }, (_, i) =>
      det(LAT, { node_id: `n${Math.floor(i / 10) % 50}` }, Math.floor(i / 10) * 60_000 + (i % 10) * 5000),
    );
    const e = evaluateDetections(faults, dets);
    assert.equal(e.totals.detectedFaults, 2000);
    // Per fault: offsets 0..45_000 step 5000; in [0, 30_000 + 10_000] -> 9 of 10 match.
    assert.equal(e.totals.matchedDetections, 18_000);
  });
});
