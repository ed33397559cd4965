/** The cooldown in samples as well as time (`cooldownSamples`): slow series do not page again on every excursion. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { COOLDOWN_MIN_SAMPLES, detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { SeriesTracker, type DetectionInput } from '../../../src/monitor/series-tracker.ts';
import { thresholdDetector } from './detection-engine-fixtures.ts';

const FIVE_MIN = 5 * 60_000;

/** Gauge inputs of one catalog series, one every `stepMs`. */
function series(values: readonly number[], stepMs: number, inferred = false): DetectionInput[][] {
  const tr = new SeriesTracker(10);
  return values.map((v, i) => {
    const out = tr.admit([
      {
        name: 'dwcp_v3_rdma_throughput_bytes_per_second',
        labels: { node_id: 'node-1', region: 'us-east' },
        value: v,
        timestampMs: (i + 1) * stepMs,
      },
    ]).inputs;
    return inferred ? out.map((x) => ({ ...x, inferred: 'test series' })) : out;
  });
}

function openedAt(
  values: readonly number[],
  stepMs: number,
  cooldownSamples: number,
  inferred = false,
): number[] {
  const e = new DetectionEngine({
    factory: thresholdDetector,
    detectorName: 'threshold',
    minConfidence: 0.8,
    confirmSamples: 2,
    cooldownMs: FIVE_MIN,
    cooldownSamples,
    resolveAfterSamples: 3,
    maxSeries: 10,
    kinds: new Set(['bandwidth']),
    inferredMinDurationMs: 0,
  });
  const opened: number[] = [];
  series(values, stepMs, inferred).forEach((batch, i) => {
    if (e.process(batch, (i + 1) * stepMs).opened.length > 0) opened.push(i);
  });
  return opened;
}

/** Two 2-sample excursions 6 samples apart, then a third 25 samples after the first. */
const FLAPPING = [
  ...[1, 1, 1, 20, 20, 1, 1, 1, 1, 20, 20],
  ...Array<number>(17).fill(1),
  ...[20, 20, 1, 1, 1],
];

test('at 5-minute samples the cooldown lasts 20 samples, not one: a series flapping around its band pages once per 20', () => {
  assert.deepEqual(openedAt(FLAPPING, FIVE_MIN, 0), [4, 10, 29], 'control: time alone, 5 min is one sample');
  assert.deepEqual(openedAt(FLAPPING, FIVE_MIN, 20), [4, 29]);
});

test('series judged by episodes (outside the catalog) wait for the same samples', () => {
  assert.deepEqual(openedAt(FLAPPING, FIVE_MIN, 0, true), [4, 10, 29]);
  assert.deepEqual(openedAt(FLAPPING, FIVE_MIN, 20, true), [4, 29]);
});

test('at 15 s samples or faster the cooldown is the configured time: 20 samples change nothing', () => {
  for (const step of [1000, 15_000]) {
    const values = [1, 1, 1, 20, 20, ...Array<number>(400).fill(1), 20, 20];
    const expected = openedAt(values, step, 0);
    assert.deepEqual(openedAt(values, step, 20), expected, `step ${step} ms`);
  }
  // 1 s samples: the second excursion, 20 samples later, is still inside the 5 min.
  assert.deepEqual(openedAt([1, 1, 1, 20, 20, ...Array<number>(20).fill(1), 20, 20], 1000, 20), [4]);
});

test('a sample standing for several scrapes (a histogram mean, spans) counts as that many towards the cooldown', () => {
  const run = (spans: number): number[] => {
    const e = new DetectionEngine({
      factory: thresholdDetector,
      detectorName: 'threshold',
      minConfidence: 0.8,
      confirmSamples: 2,
      cooldownMs: 0,
      cooldownSamples: 6,
      resolveAfterSamples: 1,
      maxSeries: 10,
      kinds: new Set(['bandwidth']),
    });
    const opened: number[] = [];
    series([20, 20, 1, 20, 20], 1000).forEach((batch, i) => {
      const withSpans = batch.map((x) => ({ ...x, spans }));
      if (e.process(withSpans, i).opened.length > 0) opened.push(i);
    });
    return opened;
  };
  // Opened at 1; three samples later they stand for 9 scrapes >= 6, so the run ending at 4 opens again.
  assert.deepEqual(run(3), [1, 4]);
  // One scrape each: 3 < 6, still cooling down.
  assert.deepEqual(run(1), [1]);
});

test('the monitor builds its engine with the cooldown of at least 20 samples', () => {
  assert.equal(COOLDOWN_MIN_SAMPLES, 20);
  assert.equal(detectionEngineOptions(DEFAULT_DETECTION_SETTINGS).cooldownSamples, 20);
});
