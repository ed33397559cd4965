/**
 * After an anomaly resolves because its series is back inside the band it opened against, a detector whose
 * baseline the excursion displaced judges the pre-fault normal anomalous for a while — often on the other side and
 * after some normal verdicts. Values inside that band open nothing for the new-level horizon
 * (`acceptNewLevelAfterMs` and `acceptNewLevelAfterSamples`); values outside it, and anything after the horizon,
 * are judged as usual.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamingDetector, Verdict } from '../../../src/analysis/anomaly/detector.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { DetectionEngineOptions } from '../../../src/monitor/detection-types.ts';
import { T0 } from '../../helpers/alerting-fixtures.ts';
import { catalogEngineOptions, utilizationInput as input } from './detection-engine-fixtures.ts';

const STEP = 15_000;

/**
 * Judges values outside [-10, 10] anomalous, except on the samples of `displaced` (0-based), where its band is
 * [20, 40]: a baseline the excursion pulled up, calling the old normal "too low".
 */
function displacedOn(displaced: ReadonlySet<number>): () => StreamingDetector {
  return () => {
    let i = -1;
    return {
      name: 'displaced',
      update(value: number): Verdict {
        i++;
        const [lower, upper] = displaced.has(i) ? [20, 40] : [-10, 10];
        const bad = value < lower || value > upper;
        return {
          anomalous: bad,
          score: bad ? 1 : 0,
          expected: (lower + upper) / 2,
          lower,
          upper,
          deviation: bad ? 4 : 0,
          confidence: bad ? 0.9 : 0,
          severity: bad ? 'high' : 'low',
          warmingUp: false,
          resolved: false,
        };
      },
      stateBytes: () => 0,
    };
  };
}

/** Indexes (one sample per 15 s) at which an anomaly opened. */
function openedAt(
  values: readonly number[],
  displaced: readonly number[],
  opts: Partial<DetectionEngineOptions> = {},
): number[] {
  const e = new DetectionEngine({ ...catalogEngineOptions(displacedOn(new Set(displaced))), ...opts });
  const out: number[] = [];
  values.forEach((v, i) => {
    if (e.process([input(v, i)], T0 + i * STEP).opened.length > 0) out.push(i);
  });
  return out;
}

const series = (...parts: [number, number][]): number[] =>
  parts.flatMap(([v, n]) => Array<number>(n).fill(v));

/** 10 min at 0, a 10-sample burst to 50 (opens at 41, back inside and resolved at 52), then 0 for an hour. */
const BURST = series([0, 40], [50, 10], [0, 240]);

describe('after a return, the displaced detector does not page on the old normal', () => {
  it('a "too low" run 20 samples after the return opens nothing (the series is inside its pre-fault band)', () => {
    assert.deepEqual(openedAt(BURST, [70, 71, 72]), [41]);
  });

  it('a value outside the pre-fault band within the horizon is judged as usual', () => {
    const values = [...BURST];
    values[80] = -30;
    values[81] = -30;
    assert.deepEqual(openedAt(values, [70, 71, 72]), [41, 81]);
  });

  it('after the horizon (30 min of sample time by default) the same verdicts open an anomaly', () => {
    // Resolved at 52; 30 min = 120 samples: a run at 200-202 is past it.
    assert.deepEqual(openedAt(BURST, [70, 71, 72, 200, 201, 202]), [41, 201]);
    // A 10-minute horizon ends at sample 92.
    assert.deepEqual(openedAt(BURST, [70, 71, 72, 100, 101], { acceptNewLevelAfterMs: 600_000 }), [41, 101]);
  });

  it('the horizon also lasts acceptNewLevelAfterSamples scrapes', () => {
    assert.deepEqual(
      openedAt(BURST, [70, 71, 72, 200, 201, 202], { acceptNewLevelAfterSamples: 200 }),
      [41],
      '200 scrapes after sample 52 end at 252',
    );
  });

  it('without the hold (holdBand false) no band is kept: the same run pages', () => {
    assert.deepEqual(openedAt(BURST, [70, 71, 72], { holdBand: false }), [41, 71]);
  });
});
