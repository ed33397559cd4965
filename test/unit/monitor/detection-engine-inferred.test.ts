/** Series outside the catalog in the detection engine: analysed by inferred kind, warm-up, own factory, episodes. */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { type StreamingDetector } from '../../../src/analysis/anomaly/detector.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { type DetectionInput } from '../../../src/monitor/series-tracker.ts';
import {
  adaptingAfter,
  catalogEngineOptions,
  inputs,
  thresholdDetector,
} from './detection-engine-fixtures.ts';

test('series outside the catalog are analysed when their inferred kind is, and open nothing during their warm-up', () => {
  const e = new DetectionEngine({
    factory: thresholdDetector,
    detectorName: 'threshold',
    minConfidence: 0.8,
    confirmSamples: 1,
    cooldownMs: 0,
    resolveAfterSamples: 1,
    maxSeries: 10,
    kinds: new Set(['utilization']),
    inferredWarmupMs: 5000,
  });
  const input = (value: number, t: number, kind: DetectionInput['kind'] = 'utilization'): DetectionInput => ({
    key: `k-${kind}`,
    metric: 'myapp_busy_ratio',
    labels: {},
    value,
    timestampMs: t,
    kind,
    transform: 'value',
    def: undefined,
    inferred: '_ratio/_percent',
  });
  assert.equal(e.analyses(input(1, 0)), true);
  assert.equal(e.analyses(input(1, 0, 'generic')), false, 'generic is not an analysed kind');
  assert.equal(
    e.analyses({ ...input(1, 0), inferred: undefined }),
    false,
    'outside the catalog and not inferred: not analysed',
  );
  const opened: number[] = [];
  for (const [t, v] of [
    [1000, 20],
    [3000, 20],
    [5000, 1],
    [6000, 20],
    [7000, 1],
  ] as const)
    if (e.process([input(v, t)], t).opened.length) opened.push(t);
  // The first sample at 1000 ms starts the warm-up: nothing opens before 6000 ms.
  assert.deepEqual(opened, [6000]);
});

test('series outside the catalog get the detectors of inferredFactory, catalog series those of factory', () => {
  const made: string[] = [];
  const named = (name: string) => () => (made.push(name), { ...thresholdDetector(), name });
  const e = new DetectionEngine({
    factory: named('catalog'),
    inferredFactory: named('inferred'),
    detectorName: 'x',
    minConfidence: 0.8,
    confirmSamples: 1,
    cooldownMs: 0,
    resolveAfterSamples: 1,
    maxSeries: 10,
    kinds: new Set(['utilization', 'bandwidth']),
  });
  const catalog = inputs([1])[0]!;
  const inferred: DetectionInput = {
    key: 'rate(node_cpu_seconds_total{cpu="0",mode="user"})',
    metric: 'node_cpu_seconds_total',
    labels: { cpu: '0', mode: 'user' },
    value: 0.1,
    timestampMs: 1000,
    kind: 'utilization',
    transform: 'rate',
    def: undefined,
    inferred: '_seconds_total: busy share (rate)',
  };
  e.process([...catalog, inferred], 1001);
  assert.deepEqual(made, ['catalog', 'inferred']);
});

describe('series outside the catalog are judged by episodes (minimum duration, one anomaly per lasting fault)', () => {
  const STEP = 15_000;
  /** Anomalous for the first 3 samples of a new level, then that level is normal (re-anchors as the live members do). */
  const adapting = (): StreamingDetector => adaptingAfter(3);
  const make = (factory: () => StreamingDetector, minDurationMs: number) =>
    new DetectionEngine({
      factory,
      detectorName: 'x',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 10,
      kinds: new Set(['utilization']),
      inferredMinDurationMs: minDurationMs,
    });
  const inferredInput = (value: number, t: number): DetectionInput => ({
    key: 'k',
    metric: 'myapp_busy_ratio',
    labels: {},
    value,
    timestampMs: t,
    kind: 'utilization',
    transform: 'value',
    def: undefined,
    inferred: '_ratio/_percent',
  });
  /** Runs `values` (one per 15 s) and returns the sample indexes that opened and resolved an anomaly. */
  function run(e: DetectionEngine, values: readonly number[], input = inferredInput) {
    const opened: number[] = [];
    const resolved: number[] = [];
    values.forEach((v, i) => {
      const out = e.process([input(v, 1e12 + i * STEP)], 1e12 + i * STEP);
      if (out.opened.length > 0) opened.push(i);
      if (out.resolved.length > 0) resolved.push(i);
    });
    return { opened, resolved };
  }
  const series = (...parts: [number, number][]): number[] =>
    parts.flatMap(([v, n]) => Array<number>(n).fill(v));

  it('an excursion shorter than the minimum duration opens nothing; one that lasts opens once it lasted that long', () => {
    // 30 s at 20 (a job), then 5 minutes at 20 (a fault), with a fixed-threshold detector.
    const values = series([1, 20], [20, 2], [1, 20], [20, 20], [1, 10]);
    const r = run(make(thresholdDetector, 180_000), values);
    assert.deepEqual(r.opened, [42 + 12], 'opened 180 s after the fault began, not at the job');
    assert.deepEqual(r.resolved, [62 + 2], 'resolved at the third normal sample');
    // Without a minimum (0), the job opens as well: confirmation alone.
    assert.deepEqual(run(make(thresholdDetector, 0), values).opened, [21, 43]);
  });

  it('a lasting fault stays one anomaly while the detector re-anchors to it, and resolves when the series is back', () => {
    // 10 minutes at 50 after 10 minutes at 0: the detector judges the fault anomalous for 3 samples, then learns it.
    const values = series([0, 40], [50, 40], [0, 20]);
    const inferred = run(make(adapting, 30_000), values);
    assert.deepEqual(inferred.opened, [42], 'opened once the episode lasted 30 s');
    assert.deepEqual(
      inferred.resolved,
      [82],
      'open for the whole fault; resolved at the third sample back (the return is no new episode)',
    );
    // A catalog series with the same detector: held open while the series stays outside the band its anomaly
    // opened against ([-10, 10]), though the detector learned the fault; resolved at the third sample back inside
    // it, and the return (judged anomalous by the re-anchored detector) opens nothing. The rule before the hold
    // resolved at the detector's fourth sample of the fault and opened again on the return: [41, 81].
    const catalogInput = (value: number, t: number): DetectionInput => ({
      ...inferredInput(value, t),
      inferred: undefined,
      key: 'c',
      def: undefined,
    });
    const catalog = new DetectionEngine(catalogEngineOptions(adapting));
    const c = run(catalog, values, catalogInput);
    assert.deepEqual(c.opened, [41]);
    assert.deepEqual(c.resolved, [82]);
  });

  it('the episodic option leaves chosen inferred series to the catalog rule', () => {
    const values = series([1, 20], [20, 2], [1, 5]);
    const e = new DetectionEngine({
      factory: thresholdDetector,
      detectorName: 'x',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 300_000,
      resolveAfterSamples: 3,
      maxSeries: 10,
      kinds: new Set(['utilization']),
      inferredMinDurationMs: 180_000,
      episodic: () => false,
    });
    assert.deepEqual(run(e, values).opened, [21]);
  });
});
