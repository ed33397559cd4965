import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { Verdict } from '../../../../src/analysis/anomaly/detector.ts';
import { createRelativeEntropyDetector } from '../../../../src/analysis/anomaly/relative-entropy.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

/** Deterministic pseudo-random numbers in [0, 1) (LCG). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('createRelativeEntropyDetector', () => {
  it('hand-computed case: 3 bins, W = 4, range [0, 1] (T = χ²₀.₉₉(2) = 9.21)', () => {
    // Bins: x = 0 → 0; (0, 1/3] → 1; (1/3, 1] → 2.
    const d = createRelativeEntropyDetector({ bins: 3, windowSize: 4, inputRange: { min: 0, max: 1 } });
    for (let i = 0; i < 3; i++) assert.equal(d.update(0.3, i).warmingUp, true);
    const first = d.update(0.3, 3); // hypothesis 1 = [0, 1, 0]
    assert.equal(first.score, 0);
    assert.equal(first.warmingUp, true);
    // [0, .75, .25]: KL vs [0, 1, 0] is ∞ → new hypothesis, score 1.
    const v = d.update(1, 4);
    assert.equal(v.score, 1);
    assert.equal(v.anomalous, true);
    // [0, .5, .5] vs [0, .75, .25]: 2·4·(.5 ln(2/3) + .5 ln 2) = 1.151 < 9.21 → accepted, score 0.
    assert.equal(d.update(1, 5).score, 0);
    assert.equal(d.update(0.3, 6).score, 0);
    // [.25, .25, .5]: both hypotheses have 0 in bin 0 → new hypothesis.
    assert.equal(d.update(0, 7).score, 1);
    const st = d.snapshot().state as { hypotheses: { p: number[]; count: number }[] };
    assert.deepEqual(
      st.hypotheses.map((h) => [h.p, h.count]),
      [
        [[0, 1, 0], 1],
        [[0, 0.75, 0.25], 3],
        [[0.25, 0.25, 0.5], 1],
      ],
    );
  });

  it('a flat series scores 0 everywhere', () => {
    const d = createRelativeEntropyDetector({ inputRange: { min: 5, max: 5 } });
    for (let i = 0; i < 200; i++) assert.equal(d.update(5, i).score, 0);
    const live = createRelativeEntropyDetector();
    for (let i = 0; i < 200; i++) assert.equal(live.update(5, i).score, 0);
  });

  it('prefix mode judges nothing before prefixSamples', () => {
    const r = lcg(1);
    const d = createRelativeEntropyDetector({ liveRange: 'prefix', prefixSamples: 100, windowSize: 10 });
    for (let i = 0; i < 99; i++) assert.equal(d.update(r(), i).warmingUp, true);
    d.update(r(), 99);
    assert.equal(d.update(r(), 100).warmingUp, false);
  });

  it('bad options throw', () => {
    const bad: Record<string, unknown>[] = [
      { bins: 1 },
      { bins: 2.5 },
      { windowSize: 1 },
      { confidence: 1 },
      { confidence: 0 },
      { maxHypotheses: 0 },
      { minAgreement: -1 },
      { liveRange: 'global' },
      { prefixSamples: 1 },
      { alertThreshold: 0 },
      { inputRange: { min: 2, max: 1 } },
      { inputRange: { min: Number.NaN, max: 1 } },
      { nope: 1 },
    ];
    for (const o of bad)
      assert.throws(() => createRelativeEntropyDetector(o), InvalidInputError, JSON.stringify(o));
  });

  it('non-finite values are not judged and leave the state unchanged', () => {
    const r = lcg(2);
    const d = createRelativeEntropyDetector();
    for (let i = 0; i < 300; i++) d.update(r() * 10, i);
    const before = JSON.stringify(d.snapshot());
    for (const x of [Number.NaN, Infinity, -Infinity]) assert.equal(d.update(x, 1).warmingUp, true);
    assert.equal(JSON.stringify(d.snapshot()), before);
  });

  it('hypotheses stay within maxHypotheses on a long changing stream (the cap)', () => {
    const r = lcg(3);
    const d = createRelativeEntropyDetector({ maxHypotheses: 8, windowSize: 20 });
    let bytes = 0;
    for (let i = 0; i < 100_000; i++) {
      // Regime changes every 500 samples make new histograms appear all the time.
      const regime = Math.floor(i / 500) % 13;
      d.update((regime / 13) * 100 + r() * 10 * (1 + (regime % 3)), i);
      if (i === 50_000) bytes = d.stateBytes();
    }
    const st = d.snapshot().state as { hypotheses: unknown[] };
    assert.ok(st.hypotheses.length <= 8);
    assert.equal(d.stateBytes(), bytes);
    assert.ok(d.stateBytes() < 2048);
  });

  it('evicts the least-used hypothesis when full', () => {
    const d = createRelativeEntropyDetector({
      bins: 3,
      windowSize: 4,
      maxHypotheses: 2,
      inputRange: { min: 0, max: 1 },
    });
    for (const x of [0.3, 0.3, 0.3, 0.3, 1, 1, 0.3]) d.update(x, 0); // hyp1 count 1, hyp2 count 3
    d.update(0, 0); // new [.25,.25,.5] replaces hyp1 (least used)
    const st = d.snapshot().state as { hypotheses: { p: number[]; count: number }[] };
    assert.deepEqual(
      st.hypotheses.map((h) => h.p),
      [
        [0.25, 0.25, 0.5],
        [0, 0.75, 0.25],
      ],
    );
  });

  it('snapshot/restore round trip gives identical subsequent verdicts (both range modes)', () => {
    for (const liveRange of ['running', 'prefix'] as const) {
      const r = lcg(4);
      const xs = Array.from(
        { length: 2000 },
        (_, i) => (i > 1200 && i < 1300 ? 50 : 0) + r() * 10 + (i % 50),
      );
      const a = createRelativeEntropyDetector({ liveRange, prefixSamples: 100 });
      for (let i = 0; i < 1000; i++) a.update(xs[i]!, i);
      const snap = JSON.parse(JSON.stringify(a.snapshot()));
      const b = createRelativeEntropyDetector({ liveRange, prefixSamples: 100 });
      b.restore(snap);
      const va: Verdict[] = [];
      const vb: Verdict[] = [];
      for (let i = 1000; i < 2000; i++) {
        va.push(a.update(xs[i]!, i));
        vb.push(b.update(xs[i]!, i));
      }
      assert.deepEqual(vb, va);
      assert.ok(va.some((v) => v.score === 1));
    }
  });

  it('restore of bad snapshots throws and leaves the state unchanged', () => {
    const r = lcg(5);
    const d = createRelativeEntropyDetector();
    for (let i = 0; i < 300; i++) d.update(r(), i);
    const good = d.snapshot();
    const before = JSON.stringify(good);
    const st = good.state as Record<string, unknown>;
    const bads = [
      { ...good, detector: 'seasonal' },
      { ...good, version: 2 },
      { ...good, state: null },
      { ...good, state: { ...st, window: [1, 2, 3] } },
      { ...good, state: { ...st, window: (st.window as number[]).map(() => Number.NaN) } },
      { ...good, state: { ...st, hypotheses: [{ p: [1], count: 1, lastUsed: 0 }] } },
      {
        ...good,
        state: {
          ...st,
          hypotheses: Array.from({ length: 65 }, () => ({ p: [1, 0, 0, 0, 0], count: 1, lastUsed: 0 })),
        },
      },
      { ...good, state: { ...st, seen: -1 } },
      { ...good, state: { ...st, lastAnomalous: 'no' } },
    ];
    for (const b of bads) {
      assert.throws(() => d.restore(b), InvalidInputError);
      assert.equal(JSON.stringify(d.snapshot()), before);
    }
  });
});
