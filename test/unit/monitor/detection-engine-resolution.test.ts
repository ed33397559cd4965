/** Every way an anomaly of the detection engine ends carries its reason (`ResolvedAnomaly.reason`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamingDetector, Verdict } from '../../../src/analysis/anomaly/detector.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { DetectionEngineOptions, ResolvedAnomaly } from '../../../src/monitor/detection-types.ts';
import { SeriesTracker, type DetectionInput } from '../../../src/monitor/series-tracker.ts';
import { THRESHOLD_ENGINE_OPTIONS, thresholdDetector } from './detection-engine-fixtures.ts';

const BASE = THRESHOLD_ENGINE_OPTIONS;

/** Runs `values` (one a second) of one catalog series through an engine; returns every resolution. */
function resolutions(
  values: readonly number[],
  opts: Partial<DetectionEngineOptions> = {},
  inferred = false,
) {
  const e = new DetectionEngine({ ...BASE, ...opts });
  const tr = new SeriesTracker(10);
  const out: (ResolvedAnomaly & { i: number })[] = [];
  values.forEach((v, i) => {
    const t = (i + 1) * 1000;
    const batch: DetectionInput[] = tr
      .admit([
        {
          name: 'dwcp_v3_rdma_throughput_bytes_per_second',
          labels: { node_id: 'n' },
          value: v,
          timestampMs: t,
        },
      ])
      .inputs.map((x) => (inferred ? { ...x, inferred: 'test series' } : x));
    for (const r of e.process(batch, t).resolved) out.push({ ...r, i });
  });
  return out;
}

test('a catalog series back inside its band: "back inside the band for 3 samples"', () => {
  const r = resolutions([1, 1, 20, 20, 20, 1, 1, 1, 1]);
  assert.deepEqual(
    r.map((x) => [x.i, x.reason]),
    [[7, 'back inside the band for 3 samples']],
  );
});

test('an anomaly not held against a band (hold off): "judged normal for 3 samples"', () => {
  const r = resolutions([1, 1, 20, 20, 20, 1, 1, 1, 1], { holdBand: false });
  assert.deepEqual(
    r.map((x) => [x.i, x.reason]),
    [[7, 'judged normal for 3 samples']],
  );
});

test('the detector declaring its episode over ends the anomaly with the normal samples seen so far', () => {
  let n = 0;
  const resolving = (): StreamingDetector => {
    const d = thresholdDetector();
    return {
      name: 'resolving',
      update: (v: number, t: number): Verdict => {
        const x = d.update(v, t);
        n = x.anomalous ? 0 : n + 1;
        return { ...x, resolved: !x.anomalous && n === 1 };
      },
      stateBytes: () => 0,
    };
  };
  const r = resolutions([1, 1, 20, 20, 1, 1, 1], { factory: resolving, holdBand: false });
  assert.deepEqual(
    r.map((x) => [x.i, x.reason]),
    [[4, 'judged normal for 1 sample']],
  );
});

test('a series judged by episodes (outside the catalog): "condition cleared for 3 samples"', () => {
  const r = resolutions([1, 1, 20, 20, 20, 1, 1, 1, 1], { inferredMinDurationMs: 0 }, true);
  assert.deepEqual(
    r.map((x) => [x.i, x.reason]),
    [[7, 'condition cleared for 3 samples']],
  );
});

test('a target answering again after an outage: "target answering again"', () => {
  const e = new DetectionEngine(BASE);
  const tr = new SeriesTracker(10);
  const up = (value: number, t: number) =>
    e.process(tr.admit([{ name: 'up', labels: { instance: 'a' }, value, timestampMs: t }]).inputs, t);
  up(0, 1000);
  assert.equal(up(0, 2000).opened.length, 1);
  assert.deepEqual(up(1, 3000).resolved, [
    { key: 'up{instance="a"}', resolvedAtMs: 3000, reason: 'target answering again' },
  ]);
});
