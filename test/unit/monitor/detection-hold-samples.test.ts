/** `new level accepted` needs normal verdicts in samples as well as time (`acceptNewLevelAfterSamples`). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import {
  ACCEPT_NEW_LEVEL_MIN_SAMPLES,
  detectionEngineOptions,
} from '../../../src/monitor/detection-config.ts';
import { holdStep, NEW_LEVEL_ACCEPTED, type HoldSeriesState } from '../../../src/monitor/detection-hold.ts';

const THIRTY_MIN = 30 * 60_000;

/** The sample (1-based) at which a series held outside its band [0, 10] resolves, or null within `n` samples. */
function resolvesAt(
  stepMs: number,
  samples: number,
  n: number,
): { at: number; back: boolean; reason: string } | null {
  const st: HoldSeriesState = { calm: 0, hold: { lower: 0, upper: 10 }, normalSinceTs: Number.NaN };
  for (let i = 1; i <= n; i++) {
    // The detector re-anchored to the new level: every verdict normal, every value outside the frozen band.
    const out = holdStep(st, 50, i * stepMs, true, 3, THIRTY_MIN, 1, samples);
    if (out !== null) return { at: i, ...out };
  }
  return null;
}

test('at 5-minute samples the new level is accepted after 120 normal verdicts, not after the 7 that fill 30 min', () => {
  const fiveMin = 5 * 60_000;
  assert.deepEqual(
    resolvesAt(fiveMin, 0, 500),
    { at: 7, back: false, reason: NEW_LEVEL_ACCEPTED },
    'control: time alone',
  );
  assert.deepEqual(resolvesAt(fiveMin, 120, 500), { at: 120, back: false, reason: NEW_LEVEL_ACCEPTED });
});

test('at 15 s samples or faster the 30 min decide: 120 samples change nothing', () => {
  for (const step of [1000, 15_000]) assert.deepEqual(resolvesAt(step, 120, 5000), resolvesAt(step, 0, 5000));
  assert.equal(resolvesAt(1000, 120, 5000)?.at, 1801);
});

test('an anomalous verdict restarts the count', () => {
  const st: HoldSeriesState = { calm: 0, hold: { lower: 0, upper: 10 }, normalSinceTs: Number.NaN };
  const step = 5 * 60_000;
  let at = 0;
  for (let i = 1; i <= 300 && at === 0; i++) {
    const out = holdStep(st, 50, i * step, i !== 100, 3, THIRTY_MIN, 1, 120);
    if (out !== null) at = i;
  }
  assert.equal(at, 220);
});

test('the monitor builds its engine with the new level accepted after at least 120 samples', () => {
  assert.equal(ACCEPT_NEW_LEVEL_MIN_SAMPLES, 120);
  assert.equal(detectionEngineOptions(DEFAULT_DETECTION_SETTINGS).acceptNewLevelAfterSamples, 120);
});
