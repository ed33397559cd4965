import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { inferredDetectorFactory, liveDetectorFactory } from '../../../src/monitor/live-detector.ts';
import { detectOffline } from '../../../src/monitor/offline-detection.ts';
import type { EnsembleDetector } from '../../../src/analysis/anomaly/ensemble.ts';
import { createCusumDetector } from '../../../src/analysis/anomaly/cusum.ts';
import { createHoltWintersLevelDetector } from '../../../src/analysis/anomaly/holt-winters-level.ts';
import { createSeasonalDetector } from '../../../src/analysis/anomaly/seasonal.ts';
import { Prng } from '../../../src/sim/prng.ts';

/** Indexes of the samples judged anomalous: 240 samples of a 3 % busy share with ±30 % noise, then `tail`. */
function anomalousAt(tail: readonly number[]): number[] {
  const d = inferredDetectorFactory('ensemble', 86_400_000)({ kind: 'utilization' });
  const rng = new Prng(11);
  const values = [
    ...Array.from({ length: 240 }, () => 0.03 * Math.max(0, 1 + 0.3 * rng.gaussian())),
    ...tail,
  ];
  return values.flatMap((v, i) => (d.update(v, 1e12 + i * 15_000).anomalous ? [i] : []));
}

test('series outside the catalog: a clear level break is judged anomalous on consecutive samples, the noise never', () => {
  const hits = anomalousAt([0.98, 0.97, 0.99, 0.98]);
  assert.ok(hits.length >= 2 && hits.every((i) => i >= 240), `anomalous at ${hits.join(',')}`);
  assert.equal(hits[1], hits[0]! + 1, 'two in a row, as the engine confirmation needs');
  assert.deepEqual(anomalousAt([0.04, 0.05, 0.03]), [], 'a busy share within its noise is normal');
});

test('the engine options take the detector and warm-up of series outside the catalog from the settings', () => {
  const o = detectionEngineOptions({
    ...DEFAULT_DETECTION_SETTINGS,
    inferredWarmup: 123_000,
    inferredMinDuration: 45_000,
  });
  assert.equal(o.inferredWarmupMs, 123_000);
  assert.equal(o.inferredMinDurationMs, 45_000);
  assert.ok(o.inferredFactory);
  assert.notEqual(o.inferredFactory, o.factory);
  const candidate = { name: 'c', factory: o.factory };
  assert.equal(
    detectionEngineOptions(DEFAULT_DETECTION_SETTINGS, candidate).inferredFactory,
    o.factory,
    'a candidate detector runs on every series',
  );
});

test('the default detector judges kind generic with the live members and DWCP kinds with their tuning', () => {
  const make = liveDetectorFactory(DEFAULT_DETECTION_SETTINGS.detector, 86_400_000);
  const generic = make({ kind: 'generic' }) as EnsembleDetector;
  assert.deepEqual(generic.memberNames(), [
    createHoltWintersLevelDetector({ kind: 'generic' }).name,
    createCusumDetector({ kind: 'generic' }).name,
  ]);
  const latency = make({ kind: 'latency' }) as EnsembleDetector;
  assert.deepEqual(
    latency.memberNames().sort(),
    ['ewma', createSeasonalDetector({ kind: 'latency' }).name].sort(),
  );
});

test('detect and the monitor default to the same detector from the same factory', () => {
  // A 5-minute series with a level break: the CLI's default run and the monitor factory's detector agree sample by sample.
  const points = Array.from({ length: 1200 }, (_, i) => ({
    timestampMs: 1e12 + i * 300_000,
    value: 50 + 5 * Math.sin(i / 7) + (i >= 1000 ? 60 : 0),
  }));
  const d = liveDetectorFactory(DEFAULT_DETECTION_SETTINGS.detector, 86_400_000)({ kind: 'generic' });
  const firstBad = points.findIndex((p) => d.update(p.value, p.timestampMs).anomalous);
  const rows = detectOffline(points, {
    kind: 'generic',
    detector: DEFAULT_DETECTION_SETTINGS.detector,
    settings: DEFAULT_DETECTION_SETTINGS,
  });
  assert.ok(firstBad >= 1000, `first anomalous sample ${firstBad}`);
  assert.equal(rows[0]?.timestamp, new Date(points[firstBad]!.timestampMs).toISOString());
});

test('the default detector has the CUSUM and ramp trend members on DWCP memory utilisation, within the 4 KB state budget', () => {
  const d = liveDetectorFactory(
    DEFAULT_DETECTION_SETTINGS.detector,
    300_000,
  )({ kind: 'utilization', labels: { resource_type: 'memory' } }) as EnsembleDetector;
  assert.deepEqual(d.memberNames(), ['ewma', createCusumDetector({ kind: 'utilization' }).name, 'ramp']);
  for (let i = 0; i < 2000; i++) d.update(40 + (i % 5), 1e12 + i * 1000);
  assert.ok(d.stateBytes() <= 4096, `${d.stateBytes()} bytes`);
});

test('series outside the catalog get the live members kind generic gets, with the inferred kind and direction, within 4 KB', () => {
  const make = inferredDetectorFactory(DEFAULT_DETECTION_SETTINGS.detector, 86_400_000);
  const generic = liveDetectorFactory(
    DEFAULT_DETECTION_SETTINGS.detector,
    86_400_000,
  )({ kind: 'generic' }) as EnsembleDetector;
  for (const kind of ['latency', 'utilization', 'bandwidth', 'error_rate'] as const) {
    const d = make({ kind }) as EnsembleDetector;
    assert.deepEqual(d.memberNames(), generic.memberNames(), kind);
    for (let i = 0; i < 3000; i++) d.update(0.4 + 0.01 * Math.sin(i / 5), 1e12 + i * 15_000);
    assert.ok(d.stateBytes() <= 4096, `${kind}: ${d.stateBytes()} bytes`);
  }
});

test('series outside the catalog: a slow leak on a used share (0.05 σ per sample) is found by the trend member', () => {
  const d = inferredDetectorFactory('ensemble', 86_400_000)({ kind: 'utilization', direction: 'up' });
  const rng = new Prng(5);
  let first = -1;
  for (let i = 0; i < 1200 && first < 0; i++) {
    const v = 0.4 + 0.004 * rng.gaussian() + (i >= 240 ? 0.0002 * (i - 240) : 0);
    const r = d.update(v, 1e12 + i * 15_000);
    if (r.anomalous && r.confidence >= DEFAULT_DETECTION_SETTINGS.minConfidence) first = i;
  }
  assert.ok(first >= 240 && first < 240 + 120, `leak found at sample ${first}`);
});
