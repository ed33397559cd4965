import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

import type { Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { createSeasonalDetector } from '../../../../src/analysis/anomaly/seasonal.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const DAY = 86_400_000;
const STEP = 300_000; // 5 minutes
const T0 = Date.UTC(2024, 0, 1); // a Monday, 00:00 UTC

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A daily sine (100 ± 50) with small noise. */
function daily(i: number, r: () => number): number {
  return 100 + 50 * Math.sin((2 * Math.PI * i * STEP) / DAY) + (r() - 0.5) * 4;
}

describe('createSeasonalDetector', () => {
  it('hand-computed case: global cold start, then the bin profile with the global scale floor', () => {
    const d = createSeasonalDetector({
      periodMs: 2000,
      bins: 2,
      weekly: false,
      minSamples: 1,
      minCycles: 1,
      alpha: 0.5,
      globalAlpha: 0.5,
      huber: Infinity,
    });
    assert.equal(d.update(10, 0).warmingUp, true); // learns: global 10 ± 0, bin 0 level 10
    // Bin 1 never seen → global: expected 10, scale floored at 1e-3·10 = 0.01 → z = 1000.
    const v1 = d.update(20, 1000);
    assert.equal(v1.expected, 10);
    assert.equal(v1.deviation, 1000);
    assert.equal(v1.score, 1000 / 1003);
    assert.equal(v1.anomalous, true);
    // Global now 15, mean |r| 5. Bin 0 (level 10, |r| 0): scale floor 0.1·√(π/2)·5 = 0.62666.
    const v2 = d.update(12, 2000);
    assert.equal(v2.expected, 10);
    const scale = 0.1 * 1.2533141373155003 * 5;
    assert.ok(Math.abs(v2.deviation - 2 / scale) < 1e-12);
    assert.ok(Math.abs(v2.upper - (10 + 3 * scale)) < 1e-12);
    const z = 2 / scale;
    assert.ok(Math.abs(v2.score - z / (z + 3)) < 1e-12);
    assert.equal(v2.anomalous, z >= 3);
  });

  it('learns a daily pattern: small scores at every phase, a spike scores high, expected follows the profile', () => {
    const r = lcg(1);
    const d = createSeasonalDetector();
    const perDay = DAY / STEP;
    for (let i = 0; i < 14 * perDay; i++) d.update(daily(i, r), T0 + i * STEP);
    let maxScore = 0;
    let maxErr = 0;
    for (let i = 14 * perDay; i < 15 * perDay; i++) {
      const x = daily(i, r);
      const v = d.update(x, T0 + i * STEP);
      maxScore = Math.max(maxScore, v.score);
      maxErr = Math.max(maxErr, Math.abs(v.expected - x));
      assert.equal(v.warmingUp, false);
    }
    assert.ok(maxScore < 0.5, `max score ${maxScore}`);
    assert.ok(maxErr < 15, `max |expected − x| ${maxErr}`); // 30-minute bins on a ±50 sine: ≤ ~6.5 + noise
    // 100 at the daily peak (expected ~150) is a big drop; 150 at the trough (expected ~50) a big rise.
    const i = 15 * perDay + perDay / 4;
    const drop = d.update(60, T0 + i * STEP);
    assert.ok(drop.score > 0.8 && drop.anomalous && drop.deviation < 0);
    assert.ok(drop.expected > 130 && drop.lower < drop.expected && drop.upper > drop.expected);
  });

  it('direction from the context: latency scores only rises, compression only drops', () => {
    const r = lcg(2);
    const up = createSeasonalDetector({ kind: 'latency' });
    const down = createSeasonalDetector({ kind: 'compression' });
    for (let i = 0; i < 3 * 288; i++) {
      up.update(daily(i, r), T0 + i * STEP);
      down.update(daily(i, r), T0 + i * STEP);
    }
    const t = T0 + 3 * 288 * STEP;
    const highUp = up.update(400, t);
    const highDown = down.update(400, t);
    assert.ok(highUp.anomalous && highUp.score > 0.8);
    assert.equal(highDown.score, 0);
    assert.equal(highDown.anomalous, false);
    assert.ok(highDown.deviation > 0);
    const lowUp = up.update(-300, t + STEP);
    const lowDown = down.update(-300, t + STEP);
    assert.equal(lowUp.score, 0);
    assert.ok(lowDown.anomalous);
  });

  it('the score is monotone in the directional z and ½ exactly at the threshold', () => {
    const d = createSeasonalDetector({
      minSamples: 1,
      weekly: false,
      absoluteScaleFloor: 1,
      relativeScaleFloor: 0,
      huber: Infinity,
    });
    d.update(0, 0);
    const snap = d.snapshot();
    let last = -1;
    for (const x of [0, 0.5, 1, 2, 3, 5, 10, 100, 1e6]) {
      d.restore(snap);
      const v = d.update(x, 1000);
      assert.equal(v.deviation, x); // scale = floor 1
      assert.ok(v.score > last || (x === 0 && v.score === 0));
      assert.ok(v.score < 1);
      assert.equal(v.anomalous, x >= 3);
      if (x === 3) assert.equal(v.score, 0.5);
      last = v.score;
    }
  });

  it('bad options throw', () => {
    const bad: Record<string, unknown>[] = [
      { bins: 0 },
      { bins: 65 },
      { periodMs: 10 },
      { periodMs: 1.5e3 + 0.5 },
      { alpha: 0 },
      { globalAlpha: 2 },
      { weeklyAlpha: -1 },
      { minCycles: 0 },
      { minSamples: 0 },
      { huber: 0 },
      { threshold: 0 },
      { direction: 'sideways' },
      { kind: 'weird' },
      { absoluteScaleFloor: 0 },
      { relativeScaleFloor: -1 },
      { globalScaleFloor: Number.NaN },
      { weekly: 1 },
      { nope: 1 },
    ];
    for (const o of bad) assert.throws(() => createSeasonalDetector(o), InvalidInputError, JSON.stringify(o));
  });

  it('non-finite values and timestamps are not judged and leave the state unchanged', () => {
    const r = lcg(3);
    const d = createSeasonalDetector();
    for (let i = 0; i < 500; i++) d.update(daily(i, r), T0 + i * STEP);
    const before = JSON.stringify(d.snapshot());
    assert.equal(d.update(Number.NaN, T0).warmingUp, true);
    assert.equal(d.update(Infinity, T0).warmingUp, true);
    assert.equal(d.update(1, Number.NaN).warmingUp, true);
    assert.equal(JSON.stringify(d.snapshot()), before);
  });

  it('state is bounded (≤ 2 KB at the defaults) and constant under a long stream', () => {
    const r = lcg(4);
    const d = createSeasonalDetector();
    const b0 = d.stateBytes();
    assert.ok(b0 <= 2048, `${b0} bytes`);
    for (let i = 0; i < 200_000; i++) d.update(daily(i, r) * (1 + (i % 997)), T0 + i * 37_000);
    assert.equal(d.stateBytes(), b0);
    assert.ok(JSON.stringify(d.snapshot()).length < 8192);
  });

  it('snapshot/restore round trip gives identical subsequent verdicts', () => {
    const r = lcg(5);
    const xs = Array.from({ length: 6000 }, (_, i) => daily(i, r) + (i > 4000 && i < 4050 ? 80 : 0));
    const a = createSeasonalDetector({ kind: 'latency' });
    for (let i = 0; i < 3000; i++) a.update(xs[i]!, T0 + i * STEP);
    const b = createSeasonalDetector({ kind: 'latency' });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    const va: Verdict[] = [];
    const vb: Verdict[] = [];
    for (let i = 3000; i < 6000; i++) {
      va.push(a.update(xs[i]!, T0 + i * STEP));
      vb.push(b.update(xs[i]!, T0 + i * STEP));
    }
    assert.deepEqual(vb, va);
    assert.ok(va.some((v) => v.anomalous));
  });

  it('restore of bad snapshots throws and leaves the state unchanged', () => {
    const r = lcg(6);
    const d = createSeasonalDetector();
    for (let i = 0; i < 1000; i++) d.update(daily(i, r), T0 + i * STEP);
    const good = d.snapshot();
    const before = JSON.stringify(good);
    const st = good.state as Record<string, unknown>;
    const bads = [
      { ...good, detector: 'relative-entropy' },
      { ...good, version: 9 },
      { ...good, state: 'x' },
      { ...good, state: { ...st, binLevel: [1, 2] } },
      { ...good, state: { ...st, binAbsDev: (st.binAbsDev as number[]).map(() => -1) } },
      { ...good, state: { ...st, gLevel: Number.NaN } },
      { ...good, state: { ...st, dayAdj: [0, 0, 0] } },
      { ...good, state: { ...st, binCycles: (st.binCycles as number[]).map(() => 1.5) } },
      { ...good, state: { ...st, lastAnomalous: 0 } },
    ];
    for (const b of bads) {
      assert.throws(() => d.restore(b), InvalidInputError);
      assert.equal(JSON.stringify(d.snapshot()), before);
    }
  });
});

describe('seasonal minBinSamples (a bin’s own scale only once it rests on enough samples)', () => {
  it('a benign stream-duration series over two compressed days (1–5 samples per bin): votes from bin scales of a few samples, none with the gate', () => {
    // Recorded from the simulator (the DWCP latency member's settings: threshold 15, period = the run's day of 150 s).
    const rows = readFileSync(
      new URL('../../../fixtures/series-stream-duration-two-days.csv', import.meta.url),
      'utf8',
    )
      .split('\n')
      .filter((l) => /^[0-9]/.test(l))
      .map((l) => l.split(',').map(Number) as [number, number]);
    assert.equal(rows.length, 181);
    const votes = (minBinSamples: number) => {
      const d = createSeasonalDetector({
        kind: 'latency',
        threshold: 15,
        periodMs: 150_000,
        minSamples: 30,
        minBinSamples,
      });
      return rows.filter(([t, x]) => d.update(x, T0 + t * 1000).anomalous).map(([t]) => t);
    };
    assert.deepEqual(
      votes(1),
      [153.5, 165.5, 167.5, 175.5],
      'z 19–28 against bin scales 5–10× below the global one',
    );
    assert.deepEqual(votes(10), []);
  });

  it('from minBinSamples on the bin’s own (narrower) scale judges: a seasonal series with little noise per bin', () => {
    const run = (minBinSamples: number, periods: number) => {
      const d = createSeasonalDetector({
        kind: 'generic',
        threshold: 5,
        periodMs: 48_000,
        bins: 48,
        minSamples: 30,
        minBinSamples,
        weekly: false,
      });
      const r = lcg(9);
      const shape = (i: number) => 100 + 50 * Math.sin((2 * Math.PI * (i % 48)) / 48);
      for (let i = 0; i < periods * 48; i++) d.update(shape(i) + (r() - 0.5) * 0.4, T0 + i * 1000);
      const i = periods * 48;
      return d.update(shape(i) + 30, T0 + i * 1000).anomalous;
    };
    assert.equal(
      run(10, 12),
      true,
      '12 samples per bin: the bin scale (floored at a tenth of the global one) judges +30',
    );
    assert.equal(run(1, 12), true);
    assert.equal(
      run(10, 4),
      false,
      '4 samples per bin: judged with the global scale, which holds the daily swing',
    );
  });

  it('refuses minBinSamples that is not an integer in [1, 1e6]', () => {
    for (const bad of [0, 1.5, 2e6])
      assert.throws(() => createSeasonalDetector({ minBinSamples: bad }), InvalidInputError, String(bad));
  });
});
