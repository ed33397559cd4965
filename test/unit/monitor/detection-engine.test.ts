/** The detection engine's core: confirmation, resolution, cooldown, target health, skipped kinds, the series limit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NOT_JUDGED, type StreamingDetector, type Verdict } from '../../../src/analysis/anomaly/detector.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';
import { engine, inputs, thresholdDetector } from './detection-engine-fixtures.ts';

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

test('a verdict resting on a run of samples (evidenceSamples, a CUSUM signal) counts as that run towards confirmation', () => {
  // Anomalous above 10; a value above 100 stands for a sequential-test signal that rests on `evidence` samples.
  const run = (evidence: number | undefined, confirm: number): number[] => {
    const factory = (): StreamingDetector => ({
      name: 'trend',
      update(value: number): Verdict {
        const v = thresholdDetector().update(value, 0);
        return value > 100 && evidence !== undefined ? { ...v, evidenceSamples: evidence } : v;
      },
      stateBytes: () => 0,
    });
    const e = new DetectionEngine({
      factory,
      detectorName: 'trend',
      minConfidence: 0.8,
      confirmSamples: confirm,
      cooldownMs: 0,
      resolveAfterSamples: 2,
      maxSeries: 10,
      kinds: new Set(['bandwidth']),
    });
    const opened: number[] = [];
    inputs([1, 1, 200, 200, 200, 1, 1, 20, 20, 20]).forEach((batch, i) => {
      if (e.process(batch, i).opened.length > 0) opened.push(i);
    });
    return opened;
  };
  assert.deepEqual(run(undefined, 2), [3, 8], 'control: every verdict counts as one sample');
  assert.deepEqual(run(1, 2), [3, 8], 'a run of one is one sample');
  assert.deepEqual(
    run(2, 2),
    [2, 8],
    'a signal resting on 2 samples opens at once; a point verdict still needs 2',
  );
  assert.deepEqual(
    run(2, 3),
    [4, 9],
    'confirmSamples 3: a run of 2 is not enough, the third anomalous sample opens',
  );
  assert.deepEqual(run(3, 3), [2, 9], 'confirmSamples 3: a signal resting on 3 samples opens at once');
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
  const a = found as unknown as {
    startedAtMs: number;
    detectedAtMs: number;
    observed: number;
    upper: number;
    component: string;
    detector: string;
  };
  assert.equal(a.startedAtMs, 2000);
  assert.equal(a.detectedAtMs, 99_002);
  assert.equal(a.observed, 20);
  assert.equal(a.upper, 10);
  assert.equal(a.component, 'system');
  assert.equal(a.detector, 'threshold');
});

test('a verdict without a finite band or score never opens an anomaly (nothing is shown as [NaN, NaN])', () => {
  // A member with no value baseline (relative entropy) deciding alone: anomalous, band and expected unknown.
  const bandless = (over: Partial<Verdict>) => (): StreamingDetector => ({
    name: 'bandless',
    update: (value: number): Verdict => ({
      ...NOT_JUDGED,
      warmingUp: false,
      anomalous: value > 10,
      score: 1,
      confidence: 1,
      expected: 5,
      lower: 0,
      upper: 10,
      ...over,
    }),
    stateBytes: () => 0,
  });
  const run = (over: Partial<Verdict>) => {
    const e = new DetectionEngine({
      factory: bandless(over),
      detectorName: 'bandless',
      minConfidence: 0.8,
      confirmSamples: 1,
      cooldownMs: 0,
      resolveAfterSamples: 2,
      maxSeries: 10,
      kinds: new Set(['bandwidth']),
    });
    return inputs([1, 20, 20, 20]).flatMap((batch, i) => e.process(batch, i).opened);
  };
  assert.equal(run({}).length, 1, 'control: the same detector with a band opens one anomaly');
  for (const over of [
    { expected: Number.NaN, lower: Number.NaN, upper: Number.NaN },
    { lower: Number.NaN },
    { upper: Number.POSITIVE_INFINITY },
    { score: Number.NaN },
  ]) {
    assert.deepEqual(run(over), [], JSON.stringify(over));
  }
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

test('target health: confirmSamples failed scrapes in a row open a critical anomaly naming the target; up == 1 resolves it', () => {
  const e = engine(3);
  const tr = new SeriesTracker(10);
  const L = { instance: '127.0.0.1:9100', node: 'node-2', region: 'eu-west' };
  const up = (value: number, t: number) =>
    e.process(tr.admit([{ name: 'up', labels: L, value, timestampMs: t }]).inputs, t + 1, {
      targetId: 'node-2',
    });
  // A single failed scrape (then success) is not an outage.
  assert.equal(up(0, 1000).opened.length, 0);
  assert.equal(up(1, 2000).resolved.length, 0);
  assert.equal(up(0, 3000).opened.length, 0);
  assert.equal(up(0, 4000).opened.length, 0);
  const o = up(0, 5000);
  assert.equal(o.opened.length, 1);
  const a = o.opened[0]!.anomaly;
  assert.equal(a.severity, 'critical');
  assert.equal(a.metric, 'up');
  assert.equal(a.startedAtMs, 3000, 'from the first failed scrape of the run');
  assert.deepEqual(a.labels, { ...L, target: 'node-2' });
  assert.ok(Number.isNaN(a.deviation));
  assert.equal(up(0, 6000).opened.length, 0, 'one anomaly per outage');
  assert.equal(up(1, 7000).resolved.length, 1);
});

test('metrics of kinds not analysed and monitor self-metrics are skipped', () => {
  const e = engine(1);
  const tr = new SeriesTracker(10);
  const out = e.process(
    tr.admit([
      { name: 'dwcp_v3_tcp_streams', labels: { node_id: 'a' }, value: 99, timestampMs: 1 },
      { name: 'dwcp_monitor_series', labels: {}, value: 99, timestampMs: 1 },
    ]).inputs,
    2,
  );
  assert.equal(out.processed, 0);
});

test('the series limit holds', () => {
  const e = engine(1, 0, 5);
  const tr = new SeriesTracker(100);
  const batch = tr.admit(
    Array.from({ length: 20 }, (_, i) => ({
      name: 'dwcp_v3_rdma_throughput_bytes_per_second',
      labels: { node_id: `n${i}` },
      value: 1,
      timestampMs: 1,
    })),
  ).inputs;
  const out = e.process(batch, 2);
  assert.equal(e.size, 5);
  assert.equal(out.overLimit, 15);
});
