import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NOT_JUDGED } from '../../../../src/analysis/anomaly/detector.ts';
import {
  MAD_TO_SIGMA,
  MEAN_AD_TO_SIGMA,
  createRobustDetector,
} from '../../../../src/analysis/anomaly/robust.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { assertIgnoresNonFinite, assertRejectsOptions } from '../../../helpers/detector-checks.ts';

const close = (a: number, b: number, eps = 1e-12): void =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** Deterministic pseudo-random uniform [0, 1) (LCG). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

function bruteMedianMad(w: readonly number[]): [number, number] {
  const med = (a: number[]): number => {
    const s = [...a].sort((x, y) => x - y);
    const n = s.length;
    return n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  };
  const m = med([...w]);
  return [m, med(w.map((x) => Math.abs(x - m)))];
}

describe('robust detector: known answers', () => {
  it('scores against the median and 1.4826·MAD of the previous samples', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 5, minSamples: 5, meanAdFloor: 0 });
    for (const x of [3, 1, 100, 4, 2]) assert.equal(d.update(x, 0), NOT_JUDGED);
    // sorted 1 2 3 4 100: median 3, |dev| 2 1 0 1 97 → MAD 1.
    assert.equal(d.median(), 3);
    assert.equal(d.mad(), 1);
    const v = d.update(10, 0);
    close(v.expected, 3);
    close(v.deviation, 7 / MAD_TO_SIGMA);
    close(v.upper, 3 + 3 * MAD_TO_SIGMA);
    close(v.lower, 3 - 3 * MAD_TO_SIGMA);
    const z = 7 / MAD_TO_SIGMA;
    close(v.score, z / (z + 3));
    assert.equal(v.anomalous, true);
    // 3 (the oldest) was replaced by 10: window 1 100 4 2 10 → median 4, |dev| 3 96 0 2 6 → MAD 3.
    assert.equal(d.median(), 4);
    assert.equal(d.mad(), 3);
  });

  it('even window: medians of two middle values', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 4, minSamples: 4 });
    for (const x of [1, 2, 4, 10]) d.update(x, 0);
    // median 3, |dev| 2 1 1 7 → MAD (1 + 2) / 2 = 1.5.
    assert.equal(d.median(), 3);
    assert.equal(d.mad(), 1.5);
  });

  it('median and MAD match a brute-force recomputation on a quantised random stream', () => {
    const u = uniform(5);
    for (const w of [3, 8, 129, 300]) {
      const d = createRobustDetector({ kind: 'generic' }, { windowSize: w, minSamples: 3 });
      const xs: number[] = [];
      for (let i = 0; i < 1500; i++) {
        const x = Math.floor(u() * 12) / 2;
        xs.push(x);
        d.update(x, i);
        const [m, mad] = bruteMedianMad(xs.slice(-w));
        assert.equal(d.median(), m);
        assert.equal(d.mad(), mad);
      }
    }
  });

  it('MAD = 0 falls back to √(π/2)·mean absolute deviation, then to the relative floor', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 8, minSamples: 8, meanAdFloor: 0 });
    for (const x of [5, 5, 5, 5, 5, 5, 5, 13]) d.update(x, 0);
    assert.equal(d.mad(), 0);
    const v = d.update(6, 0); // mean |dev| = 8/8 = 1 → spread √(π/2)
    close(v.deviation, 1 / MEAN_AD_TO_SIGMA);
    const flat = createRobustDetector({ kind: 'generic' }, { windowSize: 8, minSamples: 8 });
    for (let i = 0; i < 8; i++) flat.update(100, i);
    close(flat.update(101, 8).deviation, 10); // spread = 1e-3·100
  });

  it('meanAdFloor bounds the spread below by a fraction of √(π/2)·mean absolute deviation', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 5, minSamples: 5, meanAdFloor: 0.5 });
    for (const x of [3, 1, 100, 4, 2]) d.update(x, 0);
    // MAD 1 → 1.4826; mean |dev| = (0 + 2 + 97 + 1 + 1) / 5 = 20.2 → floor 0.5·1.2533·20.2.
    const v = d.update(10, 0);
    close(v.deviation, 7 / (0.5 * MEAN_AD_TO_SIGMA * 20.2));
  });

  it('a spike in the window moves median and MAD no more than a mildly high value', () => {
    const mk = () => {
      const d = createRobustDetector({ kind: 'generic' }, { windowSize: 9, minSamples: 9, meanAdFloor: 0 });
      for (const x of [1, 2, 1, 2, 1, 2, 1, 2, 1]) d.update(x, 0);
      return d;
    };
    const a = mk();
    const b = mk();
    a.update(1e9, 0);
    b.update(3, 0);
    assert.equal(a.median(), b.median());
    assert.equal(a.mad(), b.mad());
  });
});

describe('robust detector: direction', () => {
  const feed = (kind: 'latency' | 'compression' | 'bandwidth', x: number) => {
    const d = createRobustDetector({ kind }, { windowSize: 8, minSamples: 8 });
    for (const v of [9, 11, 9, 11, 10, 9, 11, 10]) d.update(v, 0);
    return d.update(x, 0);
  };
  it('latency alarms only upwards, compression only downwards, bandwidth both', () => {
    assert.equal(feed('latency', 30).anomalous, true);
    assert.equal(feed('latency', -10).anomalous, false);
    assert.equal(feed('latency', -10).score, 0);
    assert.equal(feed('compression', -10).anomalous, true);
    assert.equal(feed('compression', 30).anomalous, false);
    assert.equal(feed('bandwidth', 30).anomalous, true);
    assert.equal(feed('bandwidth', -10).anomalous, true);
  });
  it('ctx.direction overrides the kind', () => {
    const d = createRobustDetector({ kind: 'latency', direction: 'down' }, { windowSize: 8, minSamples: 8 });
    for (const v of [9, 11, 9, 11, 10, 9, 11, 10]) d.update(v, 0);
    assert.equal(d.update(30, 0).anomalous, false);
    assert.equal(d.update(-10, 0).anomalous, true);
  });
});

describe('robust detector: input handling, options, cap', () => {
  it('ignores non-finite values without changing state', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 8, minSamples: 3 });
    for (let i = 0; i < 5; i++) d.update(i, i);
    assertIgnoresNonFinite(d);
  });

  it('bad options throw InvalidInputError', () => {
    const bad: Record<string, unknown>[] = [
      { windowSize: 2 },
      { windowSize: 4097 },
      { windowSize: 10.5 },
      { windowSize: 16, minSamples: 17 },
      { minSamples: 2 },
      { threshold: 0 },
      { threshold: Number.NaN },
      { direction: 'left' },
      { madEvery: 0 },
      { meanAdFloor: 2 },
      { relativeScaleFloor: -1 },
      { absoluteScaleFloor: 0 },
      { scoreScale: Number.POSITIVE_INFINITY },
      { nope: true },
    ];
    assertRejectsOptions((o) => createRobustDetector({ kind: 'generic' }, o), bad);
    assert.throws(() => createRobustDetector({ kind: 'nope' as never }), InvalidInputError);
  });

  it('the window is capped and stateBytes is constant over a long stream', () => {
    for (const w of [128, 1000]) {
      const d = createRobustDetector({ kind: 'generic' }, { windowSize: w });
      const u = uniform(2);
      const b0 = d.stateBytes();
      for (let i = 0; i < 100_000; i++) d.update(u() * 1000, i);
      assert.equal(d.size(), w);
      assert.equal(d.stateBytes(), b0);
      assert.equal((d.snapshot().state as { values: number[] }).values.length, w);
    }
    assert.ok(createRobustDetector().stateBytes() <= 2048);
  });

  it('madEvery > 1 reuses the spread between refreshes', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 8, minSamples: 8, madEvery: 3 });
    for (const v of [1, 2, 3, 4, 5, 6, 7, 8]) d.update(v, 0);
    const a = d.update(4.5, 0); // spread from window 1..8: MAD 2 → 2.9652
    const b = d.update(100, 0);
    close((a.upper - a.expected) / 3, 2 * MAD_TO_SIGMA);
    close((b.upper - b.expected) / 3, 2 * MAD_TO_SIGMA);
  });
});

describe('robust detector: snapshot/restore', () => {
  it('round trip (through JSON) gives identical subsequent verdicts, also mid-refresh', () => {
    for (const madEvery of [1, 7]) {
      const u = uniform(9);
      const xs = Array.from({ length: 800 }, (_, i) => (i % 97 === 0 ? 50 : u()));
      const a = createRobustDetector({ kind: 'generic' }, { madEvery });
      for (let i = 0; i < 300; i++) a.update(xs[i]!, i);
      const b = createRobustDetector({ kind: 'generic' }, { madEvery });
      b.restore(JSON.parse(JSON.stringify(a.snapshot())));
      for (let i = 300; i < 800; i++) assert.deepEqual(b.update(xs[i]!, i), a.update(xs[i]!, i));
    }
  });

  it('restores a partly filled window', () => {
    const a = createRobustDetector({ kind: 'generic' }, { windowSize: 16, minSamples: 4 });
    for (const x of [4, 1, 3]) a.update(x, 0);
    const b = createRobustDetector({ kind: 'generic' }, { windowSize: 16, minSamples: 4 });
    b.restore(a.snapshot());
    for (const x of [2, 9, 5, 7, 1, 1, 3, 8, 2, 6, 4, 4, 0, 9, 2, 3, 5])
      assert.deepEqual(b.update(x, 0), a.update(x, 0));
  });

  it('bad snapshots throw and leave the state unchanged', () => {
    const d = createRobustDetector({ kind: 'generic' }, { windowSize: 8, minSamples: 3 });
    for (let i = 0; i < 12; i++) d.update(i % 5, i);
    const before = d.snapshot();
    const good = before.state as Record<string, unknown>;
    const bad: unknown[] = [
      null,
      { detector: 'ewma', version: 1, state: good },
      { detector: 'robust', version: 9, state: good },
      { detector: 'robust', version: 1, state: 'x' },
      { detector: 'robust', version: 1, state: { ...good, values: 'x' } },
      { detector: 'robust', version: 1, state: { ...good, values: [1, Number.NaN] } },
      { detector: 'robust', version: 1, state: { ...good, values: [1, '2'] } },
      { detector: 'robust', version: 1, state: { ...good, values: Array.from({ length: 9 }, () => 1) } },
      { detector: 'robust', version: 1, state: { ...good, lastAnomalous: 'no' } },
      { detector: 'robust', version: 1, state: { ...good, spread: -1 } },
      { detector: 'robust', version: 1, state: { ...good, sinceSpread: 0.5 } },
    ];
    for (const s of bad) {
      assert.throws(() => d.restore(s as never), InvalidInputError, JSON.stringify(s));
      assert.deepEqual(d.snapshot(), before);
    }
  });
});
