/**
 * Count noise through the detection engine (detection-counts.ts): on a count series, a sample within the Poisson
 * counting noise of its expected value is no anomalous evidence, however many σ the detector calls it; a
 * measurement rounded to whole units is no count series; the live engine still finds a tenfold rate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StreamingDetector, Verdict } from '../../../src/analysis/anomaly/detector.ts';
import { CorpusRandom } from '../../../src/eval/corpus/random.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { COUNT_NOISE_ALPHA } from '../../../src/monitor/detection-counts.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { DetectionInput } from '../../../src/monitor/detection-input.ts';
import type { DetectionEngineOptions } from '../../../src/monitor/detection-types.ts';
import { poisson } from '../../helpers/poisson.ts';

const MINUTE = 60_000;
const DAY_ROWS = 288;

/**
 * A detector (a fake of our own interface) that expects `expected` with a narrow band and calls every value
 * more than `over` above it anomalous at 8 σ — a scale learned on a quiet stretch.
 */
function narrowDetector(expected: number, over: number): () => StreamingDetector {
  return () => ({
    name: 'narrow',
    update(value: number): Verdict {
      const bad = value > expected + over;
      return {
        anomalous: bad,
        score: bad ? 1 : 0,
        expected,
        lower: expected - over,
        upper: expected + over,
        deviation: bad ? 8 : 0,
        confidence: 1,
        severity: bad ? 'high' : 'low',
        warmingUp: false,
        resolved: false,
      };
    },
    stateBytes: () => 0,
  });
}

function options(factory: () => StreamingDetector, countNoiseAlpha: number): DetectionEngineOptions {
  return {
    factory,
    detectorName: 'narrow',
    minConfidence: 0.5,
    confirmSamples: 2,
    cooldownMs: 0,
    resolveAfterSamples: 1,
    maxSeries: 1,
    kinds: new Set(['generic'] as const),
    analyse: () => true,
    countNoiseAlpha,
  };
}

function input(value: number, i: number): DetectionInput {
  return {
    key: 's',
    metric: 's',
    labels: {},
    value,
    timestampMs: 1_700_000_000_000 + i * 5 * MINUTE,
    kind: 'generic',
    transform: 'value',
    def: undefined,
  };
}

/** Rows where an anomaly opened: `history` first, then pairs of `burst` events 20 rows apart. */
function openedOn(opts: DetectionEngineOptions, history: readonly number[], burst: number): number[] {
  const engine = new DetectionEngine(opts);
  const rows = [...history];
  for (let b = 0; b < 5; b++)
    rows.push(burst, burst, ...new Array<number>(18).fill(history[b % history.length]!));
  const out: number[] = [];
  rows.forEach((v, i) => {
    if (engine.process([input(v, i)], input(v, i).timestampMs).opened.length > 0) out.push(i);
  });
  return out.filter((i) => i >= history.length);
}

describe('count noise through the engine', () => {
  const rng = new CorpusRandom(11);
  // A quiet mention count, ~0.3 events per 5 minutes (index of dispersion ~1): 500 samples.
  const quiet = Array.from({ length: 500 }, () => poisson(rng, 0.3));

  it('2 or 3 events against an expected 0.3 open nothing, however narrow the band', () => {
    const opts = options(narrowDetector(0.3, 1), COUNT_NOISE_ALPHA);
    assert.deepEqual(openedOn(opts, quiet, 2), []);
    assert.deepEqual(openedOn(opts, quiet, 3), []);
    // The same verdicts without the floor page on every pair.
    assert.equal(openedOn(options(narrowDetector(0.3, 1), 0), quiet, 3).length, 5);
  });

  it('6 events against 0.3 (Poisson probability 7.8e-7) open as before', () => {
    const opts = options(narrowDetector(0.3, 1), COUNT_NOISE_ALPHA);
    assert.equal(openedOn(opts, quiet, 6).length, 5);
  });

  it('a speed rounded to whole units is no count series: a 20-unit drop the detector calls anomalous opens', () => {
    const speeds = Array.from({ length: 1500 }, () => Math.round(80 + 2 * rng.normal()));
    // Drops of 20 under 80: Poisson(80) would call 60 ordinary (probability 0.012), the series' own noise not.
    const below: () => StreamingDetector = () => {
      const up = narrowDetector(80, 8)();
      return { ...up, update: (v: number) => ({ ...up.update(160 - v, 0), expected: 80 }) };
    };
    assert.equal(openedOn(options(below, COUNT_NOISE_ALPHA), speeds, 60).length, 5);
  });

  it('before 100 samples nothing is judged a count series: the floor applies from then on', () => {
    const opts = options(narrowDetector(0.3, 1), COUNT_NOISE_ALPHA);
    // Pairs of 3 events at rows 50, 70, 90 (under 100 samples) open; those at rows 110 and 130 do not.
    assert.deepEqual(openedOn(opts, quiet.slice(0, 50), 3), [51, 71, 91]);
  });

  it('the live engine still finds a tenfold rate for an hour on a quiet count series (5 of 6 seeds)', () => {
    let found = 0;
    for (let seed = 1; seed <= 6; seed++) {
      const r = new CorpusRandom(seed);
      const engine = new DetectionEngine({
        ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
        maxSeries: 1,
        analyse: () => true,
      });
      const at = 10 * DAY_ROWS + 100;
      let hit = false;
      for (let i = 0; i < at + 12; i++) {
        const v = poisson(r, i >= at ? 6 : 0.6);
        const opened = engine.process([input(v, i)], input(v, i).timestampMs).opened.length > 0;
        if (opened && i >= at) hit = true;
        if (opened && i < at) assert.fail(`seed ${seed}: an anomaly at row ${i}, before the rate changed`);
      }
      if (hit) found++;
    }
    assert.ok(found >= 5, `found on ${found} of 6 seeds`);
  });
});
