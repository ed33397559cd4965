import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { createContextOseDetector } from '../../../../src/analysis/anomaly/context-ose.ts';
import type { DetectorSnapshot } from '../../../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { assertIgnoresNonFinite, assertRejectsOptions } from '../../../helpers/detector-checks.ts';

/** Deterministic pseudo-random values (LCG) with a few levels and occasional spikes. */
function series(n: number, seed = 1): number[] {
  let s = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const r = s / 2 ** 31;
    out.push(10 + 5 * Math.sin(i / 7) + 3 * r + (r > 0.98 ? 20 : 0));
  }
  return out;
}

describe('createContextOseDetector', () => {
  // Hand-computed on range [0, 7]: 0 → level 0 → facts {0,2,4}; 7 → level 7 → facts {1,3,5}.
  // s1: no left group → 0.5. s2, s3: new zero-level contexts, nothing selected → (1 − 0 + 1/1)/2 = 1.
  // s4: the zero-level context exists; the only selected one is context 0, which the reference skips → 0.5.
  // s5: context 1 selected and active → (1 − 1 + 0)/2 = 0. s6, s7: active 1/1 and a new zero-level context
  // (with the neuron fact) → 0.5. s8: active, nothing new → 0. s9: active 1/1, new zero-level context plus one
  // (already known) intersection context → (1 − 1 + 1/2)/2 = 0.25.
  const alternating = [0, 7, 0, 7, 0, 7, 0, 7, 0];
  it('matches hand-computed raw scores (restPeriod 0)', () => {
    const d = createContextOseDetector({ inputRange: { min: 0, max: 7 }, restPeriod: 0 });
    const got = alternating.map((x, i) => d.update(x, i).score);
    assert.deepEqual(got, [0.5, 1, 1, 0.5, 0, 0.5, 0.5, 0, 0.25]);
  });

  it('applies the refractory period (history starts with 1.0; a raw score ≥ 0.75 silences restPeriod samples)', () => {
    const d = createContextOseDetector({ inputRange: { min: 0, max: 7 }, restPeriod: 2 });
    const got = alternating.map((x, i) => d.update(x, i).score);
    assert.deepEqual(got, [0, 0, 0, 0, 0, 0.5, 0.5, 0, 0.25]);
  });

  it('flags anomalous at alertThreshold and leaves value-baseline fields empty', () => {
    const d = createContextOseDetector({
      inputRange: { min: 0, max: 7 },
      restPeriod: 0,
      alertThreshold: 0.9,
    });
    const v = alternating.map((x, i) => d.update(x, i));
    assert.deepEqual(
      v.map((x) => x.anomalous),
      [false, true, true, false, false, false, false, false, false],
    );
    assert.ok(Number.isNaN(v[1]!.expected) && Number.isNaN(v[1]!.lower) && Number.isNaN(v[1]!.upper));
    assert.equal(v[1]!.deviation, 0);
    assert.equal(v[3]!.resolved, true);
    assert.equal(v[2]!.warmingUp, false);
  });

  it('treats a constant range (min = max) like the reference (level 0) without dividing by zero', () => {
    const d = createContextOseDetector({ inputRange: { min: 5, max: 5 }, restPeriod: 0 });
    for (let i = 0; i < 20; i++) assert.ok(Number.isFinite(d.update(5, i).score));
  });

  it('learns the live range from the first rangeSamples values (not judged), then judges', () => {
    const d = createContextOseDetector({ rangeSamples: 10, restPeriod: 0 });
    const xs = series(30);
    for (let i = 0; i < 10; i++) assert.equal(d.update(xs[i]!, i).warmingUp, true);
    for (let i = 10; i < 30; i++) assert.equal(d.update(xs[i]!, i).warmingUp, false);
    const snap = d.snapshot().state as { min: number; max: number };
    assert.ok(snap.min < Math.min(...xs.slice(0, 10)) && snap.max > Math.max(...xs.slice(0, 10)));
  });

  it('expanding strategy re-learns when a value leaves the range', () => {
    const d = createContextOseDetector({ rangeSamples: 10, rangeStrategy: 'expanding', rangeMargin: 0 });
    for (let i = 0; i < 20; i++) d.update(i % 3, i);
    d.update(100, 20);
    const st = d.snapshot().state as { max: number };
    assert.equal(st.max, 100);
  });

  it('rejects bad options', () => {
    const bad = [
      { inputRange: { min: 2, max: 1 } },
      { inputRange: { min: Number.NaN, max: 1 } },
      { restPeriod: -1 },
      { restPeriod: 1.5 },
      { baseThreshold: 0 },
      { alertThreshold: 2 },
      { valueBits: 0 },
      { maxLeftSemiContextLength: 0 },
      { maxActiveNeurons: -1 },
      { maxContexts: 0 },
      { maxSemiContexts: 2 ** 30 },
      { rangeSamples: 1 },
      { rangeMargin: -0.1 },
      { rangeStrategy: 'global' as 'first-n' },
      { tieBreak: 'python' as 'cpython2' },
    ];
    assertRejectsOptions((o) => createContextOseDetector(o), bad);
  });

  it('ignores non-finite values without changing state', () => {
    const d = createContextOseDetector({ inputRange: { min: 0, max: 30 } });
    for (const [i, x] of series(50).entries()) d.update(x, i);
    assertIgnoresNonFinite(d, false);
  });

  it('keeps contexts and semi-contexts under their caps on a long stream', () => {
    const d = createContextOseDetector({
      inputRange: { min: 0, max: 40 },
      maxContexts: 300,
      maxSemiContexts: 200,
    });
    const xs = series(20_000, 7);
    let bytesAt5k = 0;
    for (const [i, x] of xs.entries()) {
      const v = d.update(x, i);
      assert.ok(v.score >= 0 && v.score <= 1);
      if (i === 5000) bytesAt5k = d.stateBytes();
    }
    const st = d.snapshot().state as { contexts: unknown[]; leftFacts: unknown[]; rightFacts: unknown[] };
    assert.ok(st.contexts.length <= 300, `contexts ${st.contexts.length}`);
    assert.ok(st.leftFacts.length <= 200 && st.rightFacts.length <= 200);
    assert.ok(d.stateBytes() <= bytesAt5k * 1.05 + 1024, `${d.stateBytes()} vs ${bytesAt5k}`);
  });

  it('snapshot/restore round trip (through JSON) gives identical subsequent verdicts', () => {
    const xs = series(1500, 3);
    for (const opts of [
      { inputRange: { min: 0, max: 40 }, restPeriod: 30 },
      { rangeSamples: 100 },
      { rangeSamples: 100, rangeStrategy: 'expanding' as const },
    ]) {
      const a = createContextOseDetector(opts);
      for (let i = 0; i < 800; i++) a.update(xs[i]!, i);
      const b = createContextOseDetector(opts);
      b.restore(JSON.parse(JSON.stringify(a.snapshot())) as DetectorSnapshot);
      for (let i = 800; i < 1500; i++) assert.deepEqual(b.update(xs[i]!, i), a.update(xs[i]!, i));
      assert.equal(JSON.stringify(b.snapshot()), JSON.stringify(a.snapshot()));
    }
  });

  it('rejects bad snapshots and leaves state unchanged', () => {
    const d = createContextOseDetector({ inputRange: { min: 0, max: 40 } });
    for (const [i, x] of series(300).entries()) d.update(x, i);
    const good = d.snapshot();
    const state = good.state as Record<string, unknown>;
    const before = JSON.stringify(good);
    const bads: DetectorSnapshot[] = [
      { ...good, detector: 'windowed-gaussian' },
      { ...good, version: 2 },
      { ...good, state: null },
      { ...good, state: { ...state, min: 1, max: 2 } },
      { ...good, state: { ...state, sinceHigh: -1 } },
      { ...good, state: { ...state, leftFacts: [[3, 1]] } },
      { ...good, state: { ...state, contexts: [[0, 0, 1]] } },
      { ...good, state: { ...state, contexts: [[99999, 0, 1, 0]] } },
      { ...good, state: { ...state, leftGroup: [2 ** 31 + 1e6] } },
      { ...good, state: { ...state, buffer: 'x' } },
    ];
    for (const s of bads) {
      assert.throws(() => d.restore(s), InvalidInputError);
      assert.equal(JSON.stringify(d.snapshot()), before);
    }
  });
});
