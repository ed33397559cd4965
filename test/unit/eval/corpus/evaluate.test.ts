import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StreamingDetector, Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { NOT_JUDGED } from '../../../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import {
  evaluateCorpusDetector,
  runCorpusSeries,
  type CorpusDetector,
} from '../../../../src/eval/corpus/evaluate.ts';
import { CORPUS_GRACE_SAMPLES, type CorpusSeries } from '../../../../src/eval/corpus/generate.ts';

/** A detector that flags the samples at the given times. */
function flagging(times: ReadonlySet<number>): StreamingDetector {
  const yes: Verdict = {
    ...NOT_JUDGED,
    anomalous: true,
    score: 1,
    confidence: 1,
    expected: 0,
    lower: -1,
    upper: 1,
    warmingUp: false,
  };
  const no: Verdict = { ...NOT_JUDGED, warmingUp: false };
  return { name: 'flag', update: (_v, t) => (times.has(t) ? yes : no), stateBytes: () => 0 };
}

/** The flagging detector as a candidate of the corpus evaluation. */
function flag(times: ReadonlySet<number>): CorpusDetector {
  return { candidate: { factory: () => flagging(times), name: 'flag' } };
}

describe('corpus evaluation (windowed matching through the engine)', () => {
  const step = 60_000;
  const n = 2000;
  const t0 = Date.UTC(2026, 2, 2);
  const series: CorpusSeries = {
    id: 'minute-000',
    seed: 0,
    cadence: 'minute',
    stepMs: step,
    timestampsMs: Float64Array.from({ length: n }, (_, i) => t0 + i * step),
    values: new Float64Array(n),
    evalStartMs: t0 + 100 * step,
    anomalies: [
      { kind: 'spike', startMs: t0 + 500 * step, endMs: t0 + 505 * step, magnitude: 8 },
      { kind: 'leak', startMs: t0 + 1000 * step, endMs: t0 + 1100 * step, magnitude: 6 },
    ],
    blipsMs: [t0 + 1500 * step],
    params: {
      noise: 'gaussian',
      nu: null,
      ar: 0,
      level: 1,
      sigma: 1,
      dailyAmplitude: 0,
      weekly: false,
      trendPerDay: 0,
      diffusionPerDay: 0,
      blipRatePerDay: 1,
    },
  };
  const at = (...idx: number[]): Set<number> => new Set(idx.map((i) => t0 + i * step));

  it('counts a detection inside a window (or its grace) once per window, others as false alarms, blips separately', () => {
    // Engine: two consecutive anomalous samples open an anomaly (at the first one); cooldown 5 min.
    const flags = at(50, 51, 503, 504, 1110, 1111, 1500, 1501, 1800, 1801);
    const o = runCorpusSeries(series, flag(flags));
    assert.equal(o.coldStart, 1); // samples 50–51, before the evaluation start
    assert.equal(o.opened, 4);
    assert.deepEqual(o.detectedFlags, [true, true]); // 1110 is within the leak's end + 10 samples
    assert.equal(o.matched, 2);
    assert.equal(o.blipsPaged, 1);
    assert.deepEqual(o.delaysSamples, [4, 111]); // detected at the confirming sample
    assert.equal(CORPUS_GRACE_SAMPLES, 10);
    const e = evaluateCorpusDetector([series], flag(flags));
    assert.equal(e.total.precision, 0.5);
    assert.equal(e.total.recall, 1);
    assert.equal(e.total.falseAlarms, 2);
    const days = (n * step - 100 * step) / 86_400_000;
    assert.ok(Math.abs(e.total.falseAlarmsPerSeriesDay - 2 / days) < 1e-9);
    assert.equal(e.misses.length, 0);
  });

  it('a single anomalous sample never opens an anomaly (two are needed); a miss is listed', () => {
    const e = evaluateCorpusDetector([series], flag(at(502, 1050)));
    assert.equal(e.total.opened, 0);
    assert.equal(e.total.recall, 0);
    assert.equal(e.total.precision, null);
    assert.deepEqual(
      e.misses.map((m) => m.kind),
      ['spike', 'leak'],
    );
    assert.throws(() => evaluateCorpusDetector([], flag(new Set())), InvalidInputError);
  });

  it('builds the engine from the detection settings: confirmSamples 1 opens on a single sample, the cooldown holds', () => {
    const one = evaluateCorpusDetector([series], {
      ...flag(at(502, 1050)),
      detection: { confirmSamples: 1 },
    });
    assert.equal(one.total.opened, 2);
    assert.equal(one.total.recall, 1);
    // 650: past the engine's recovery horizon after the first anomaly resolved (505 + 120 samples), within 3 h.
    const twice = at(502, 650);
    assert.equal(
      evaluateCorpusDetector([series], { ...flag(twice), detection: { confirmSamples: 1 } }).total.opened,
      2,
    );
    const muted = evaluateCorpusDetector([series], {
      ...flag(twice),
      detection: { confirmSamples: 1, cooldown: 3 * 3_600_000 },
    });
    assert.equal(muted.total.opened, 1); // 650 falls within 3 h after 502 opened
  });

  it('runs the shipped detectors by their settings choice without a candidate', () => {
    for (const detector of ['ensemble', 'ensemble-live'] as const) {
      const e = evaluateCorpusDetector([series], { detection: { detector } });
      assert.equal(e.total.anomalies, 2, detector);
      assert.equal(e.total.opened, 0, detector); // a flat series: nothing to page
    }
  });
});
