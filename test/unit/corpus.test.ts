import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { StreamingDetector, Verdict } from '../../src/analysis/anomaly/detector.ts';
import { NOT_JUDGED } from '../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../src/errors.ts';
import { evaluateCorpusDetector, runCorpusSeries } from '../../src/eval/corpus/evaluate.ts';
import { CORPUS_ANOMALY_KINDS, CORPUS_GRACE_SAMPLES, CORPUS_RANGES, generateCorpusSeries, type CorpusSeries } from '../../src/eval/corpus/generate.ts';
import { CorpusRandom } from '../../src/eval/corpus/random.ts';

describe('corpus random numbers', () => {
  it('are deterministic per seed and have the right first two moments', () => {
    const a = new CorpusRandom(1);
    const b = new CorpusRandom(1);
    for (let i = 0; i < 10; i++) assert.equal(a.next(), b.next());
    const r = new CorpusRandom(99);
    const moments = (f: () => number): [number, number] => {
      let s = 0;
      let s2 = 0;
      const n = 200_000;
      for (let i = 0; i < n; i++) {
        const x = f();
        s += x;
        s2 += x * x;
      }
      return [s / n, s2 / n - (s / n) ** 2];
    };
    const [mn, vn] = moments(() => r.normal());
    assert.ok(Math.abs(mn) < 0.01 && Math.abs(vn - 1) < 0.02, `normal ${mn} ${vn}`);
    const [ml, vl] = moments(() => r.laplace(1));
    assert.ok(Math.abs(ml) < 0.02 && Math.abs(vl - 2) < 0.05, `laplace ${ml} ${vl}`); // Var = 2b²
    const [mt, vt] = moments(() => r.studentT(8));
    assert.ok(Math.abs(mt) < 0.02 && Math.abs(vt - 8 / 6) < 0.05, `t8 ${mt} ${vt}`); // Var = ν/(ν − 2)
    const [mg] = moments(() => r.gamma(3));
    assert.ok(Math.abs(mg - 3) < 0.02, `gamma ${mg}`);
    assert.throws(() => new CorpusRandom(1.5), InvalidInputError);
  });
});

describe('corpus generator', () => {
  it('is deterministic, labels non-overlapping windows after the warm-up, and keeps parameters in range', () => {
    for (let i = 0; i < 12; i++) {
      const s = generateCorpusSeries(1001, i);
      const again = generateCorpusSeries(1001, i);
      assert.deepEqual(Array.from(again.values.slice(0, 100)), Array.from(s.values.slice(0, 100)));
      assert.equal(s.values.length, s.timestampsMs.length);
      assert.ok(s.values.every(Number.isFinite));
      const end = s.timestampsMs[s.timestampsMs.length - 1]!;
      let prevEnd = s.evalStartMs;
      for (const a of s.anomalies) {
        assert.ok(CORPUS_ANOMALY_KINDS.includes(a.kind));
        assert.ok(a.startMs >= prevEnd && a.endMs >= a.startMs && a.endMs <= end, `${s.id} ${a.kind}`);
        prevEnd = a.endMs;
      }
      const [lo, hi] = s.cadence === 'minute' ? CORPUS_RANGES.anomaliesMinute : CORPUS_RANGES.anomaliesSecond;
      assert.ok(s.anomalies.length >= lo && s.anomalies.length <= hi);
      assert.ok(s.params.ar >= 0 && s.params.ar <= 0.6);
      assert.ok(s.params.dailyAmplitude === 0 || (s.params.dailyAmplitude >= 1 && s.params.dailyAmplitude <= 8));
    }
    assert.notDeepEqual(Array.from(generateCorpusSeries(1001, 0).values.slice(0, 50)), Array.from(generateCorpusSeries(2002, 0).values.slice(0, 50)));
  });
});

/** A detector that flags the samples at the given times. */
function flagging(times: ReadonlySet<number>): StreamingDetector {
  const yes: Verdict = { ...NOT_JUDGED, anomalous: true, score: 1, confidence: 1, expected: 0, lower: -1, upper: 1, warmingUp: false };
  const no: Verdict = { ...NOT_JUDGED, warmingUp: false };
  return { name: 'flag', update: (_v, t) => (times.has(t) ? yes : no), stateBytes: () => 0 };
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
    params: { noise: 'gaussian', nu: null, ar: 0, level: 1, sigma: 1, dailyAmplitude: 0, weekly: false, trendPerDay: 0, diffusionPerDay: 0, blipRatePerDay: 1 },
  };
  const at = (...idx: number[]): Set<number> => new Set(idx.map((i) => t0 + i * step));

  it('counts a detection inside a window (or its grace) once per window, others as false alarms, blips separately', () => {
    // Engine: two consecutive anomalous samples open an anomaly (at the first one); cooldown 5 min.
    const flags = at(50, 51, 503, 504, 1110, 1111, 1500, 1501, 1800, 1801);
    const o = runCorpusSeries(series, () => flagging(flags));
    assert.equal(o.coldStart, 1); // samples 50–51, before the evaluation start
    assert.equal(o.opened, 4);
    assert.deepEqual(o.detectedFlags, [true, true]); // 1110 is within the leak's end + 10 samples
    assert.equal(o.matched, 2);
    assert.equal(o.blipsPaged, 1);
    assert.deepEqual(o.delaysSamples, [4, 111]); // detected at the confirming sample
    assert.equal(CORPUS_GRACE_SAMPLES, 10);
    const e = evaluateCorpusDetector([series], () => flagging(flags));
    assert.equal(e.total.precision, 0.5);
    assert.equal(e.total.recall, 1);
    assert.equal(e.total.falseAlarms, 2);
    const days = (n * step - 100 * step) / 86_400_000;
    assert.ok(Math.abs(e.total.falseAlarmsPerSeriesDay - 2 / days) < 1e-9);
    assert.equal(e.misses.length, 0);
  });

  it('a single anomalous sample never opens an anomaly (two are needed); a miss is listed', () => {
    const e = evaluateCorpusDetector([series], () => flagging(at(502, 1050)));
    assert.equal(e.total.opened, 0);
    assert.equal(e.total.recall, 0);
    assert.equal(e.total.precision, null);
    assert.deepEqual(e.misses.map((m) => m.kind), ['spike', 'leak']);
    assert.throws(() => evaluateCorpusDetector([], () => flagging(new Set())), InvalidInputError);
  });
});
