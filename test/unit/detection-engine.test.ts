import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamingDetector, Verdict } from '../../src/analysis/anomaly/detector.ts';
import { DetectionEngine } from '../../src/monitor/detection-engine.ts';
import { SeriesTracker, type DetectionInput } from '../../src/monitor/series-tracker.ts';

/** A fixed-threshold detector (a fake of our own interface): anomalous when value > 10. */
function thresholdDetector(): StreamingDetector {
  return {
    name: 'threshold',
    update(value: number): Verdict {
      const bad = value > 10;
      return { anomalous: bad, score: bad ? 1 : 0, expected: 5, lower: 0, upper: 10, deviation: bad ? 4 : 0, confidence: bad ? 0.9 : 0, severity: bad ? 'high' : 'low', warmingUp: false, resolved: false };
    },
    stateBytes: () => 0,
  };
}

function engine(confirm: number, cooldownMs = 300_000, maxSeries = 100) {
  return new DetectionEngine({ factory: thresholdDetector, detectorName: 'threshold', minConfidence: 0.8, confirmSamples: confirm, cooldownMs, resolveAfterSamples: 2, maxSeries, kinds: new Set(['latency', 'bandwidth']) });
}

function inputs(values: number[], metric = 'dwcp_v3_rdma_throughput_bytes_per_second', node = 'node-1'): DetectionInput[][] {
  const tr = new SeriesTracker(100);
  return values.map((v, i) => tr.admit([{ name: metric, labels: { node_id: node, region: 'us-east' }, value: v, timestampMs: (i + 1) * 1000 }]).inputs);
}

test('an anomaly opens after the confirmation count and resolves after calm samples', () => {
  const e = engine(2);
  const steps = inputs([1, 1, 20, 20, 20, 1, 1, 1]);
  const opened: number[] = [];
  const resolved: number[] = [];
  steps.forEach((batch, i) => {
    const out = e.process(batch, (i + 1) * 1000 + 50);
    if (out.opened.length) opened.push(i);
    if (out.resolved.length) resolved.push(i);
  });
  assert.deepEqual(opened, [3]);
  assert.deepEqual(resolved, [6]);
});

test('the anomaly records where it started, when it was detected, and explains itself', () => {
  const e = engine(2);
  const steps = inputs([1, 20, 20]);
  let found;
  steps.forEach((batch, i) => {
    const out = e.process(batch, 99_000 + i);
    if (out.opened[0]) found = out.opened[0].anomaly;
  });
  assert.ok(found);
  const a = found as unknown as { startedAtMs: number; detectedAtMs: number; observed: number; upper: number; component: string; detector: string };
  assert.equal(a.startedAtMs, 2000);
  assert.equal(a.detectedAtMs, 99_002);
  assert.equal(a.observed, 20);
  assert.equal(a.upper, 10);
  assert.equal(a.component, 'system');
  assert.equal(a.detector, 'threshold');
});

test('cooldown: a second episode within the cooldown does not open a new anomaly', () => {
  const e = engine(1, 10_000);
  const steps = inputs([20, 1, 1, 20, 1, 1, 1, 1, 1, 1, 1, 1, 1, 20]);
  const opened: number[] = [];
  steps.forEach((batch, i) => {
    if (e.process(batch, i).opened.length) opened.push(i);
  });
  assert.deepEqual(opened, [0, 13]);
});

test('target health: up == 0 opens a critical anomaly at once, up == 1 resolves it', () => {
  const e = engine(3);
  const tr = new SeriesTracker(10);
  const L = { instance: '127.0.0.1:9100', node: 'node-2', region: 'eu-west' };
  const o1 = e.process(tr.admit([{ name: 'up', labels: L, value: 0, timestampMs: 1000 }]).inputs, 1001);
  assert.equal(o1.opened.length, 1);
  assert.equal(o1.opened[0]!.anomaly.severity, 'critical');
  assert.equal(o1.opened[0]!.anomaly.metric, 'up');
  assert.equal(e.process(tr.admit([{ name: 'up', labels: L, value: 0, timestampMs: 2000 }]).inputs, 2001).opened.length, 0);
  assert.equal(e.process(tr.admit([{ name: 'up', labels: L, value: 1, timestampMs: 3000 }]).inputs, 3001).resolved.length, 1);
});

test('metrics of kinds not analysed and monitor self-metrics are skipped', () => {
  const e = engine(1);
  const tr = new SeriesTracker(10);
  const out = e.process(tr.admit([
    { name: 'dwcp_v3_tcp_streams', labels: { node_id: 'a' }, value: 99, timestampMs: 1 },
    { name: 'dwcp_monitor_series', labels: {}, value: 99, timestampMs: 1 },
  ]).inputs, 2);
  assert.equal(out.processed, 0);
});

test('the series limit holds', () => {
  const e = engine(1, 0, 5);
  const tr = new SeriesTracker(100);
  const batch = tr.admit(Array.from({ length: 20 }, (_, i) => ({ name: 'dwcp_v3_rdma_throughput_bytes_per_second', labels: { node_id: `n${i}` }, value: 1, timestampMs: 1 }))).inputs;
  const out = e.process(batch, 2);
  assert.equal(e.size, 5);
  assert.equal(out.overLimit, 15);
});
