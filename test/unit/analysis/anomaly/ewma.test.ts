import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NOT_JUDGED } from '../../../../src/analysis/anomaly/detector.ts';
import {
  createEwmaDetector,
  deviationScore,
  resolveEwmaOptions,
} from '../../../../src/analysis/anomaly/ewma.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { assertIgnoresNonFinite, assertRejectsOptions } from '../../../helpers/detector-checks.ts';

const close = (a: number, b: number, eps = 1e-12): void =>
  assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

/** Deterministic pseudo-random N(0, 1) (LCG + Box–Muller). */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

describe('ewma detector: known answers', () => {
  it('warm-up gives the plain mean and population variance (α_n = 1/n), then scores against them', () => {
    const d = createEwmaDetector({ kind: 'generic' }, { alpha: 0.1, warmupSamples: 4, clipSigma: Infinity });
    for (const x of [2, 4, 4, 6]) assert.equal(d.update(x, 0), NOT_JUDGED);
    // mean 4, population variance (4 + 0 + 0 + 4) / 4 = 2, σ = √2.
    const v = d.update(8, 0);
    close(v.expected, 4);
    close(v.deviation, 4 / Math.SQRT2);
    close(v.upper, 4 + 3 * Math.SQRT2);
    close(v.lower, 4 - 3 * Math.SQRT2);
    const z = 4 / Math.SQRT2;
    close(v.score, z / (z + 3));
    assert.equal(v.anomalous, false); // 2.83 σ < 3
    assert.equal(v.warmingUp, false);
    // n = 5: α_5 = max(0.1, 1/5) = 0.2 → mean 4 + 0.2·4 = 4.8, var 0.8·(2 + 4·0.8) = 4.16.
    const s = d.snapshot().state as { mean: number; variance: number; count: number };
    assert.equal(s.count, 5);
    close(s.mean, 4.8);
    close(s.variance, 4.16);
  });

  it('after 1/α samples uses Finch’s EW recurrence with the fixed α', () => {
    const d = createEwmaDetector({ kind: 'generic' }, { alpha: 0.5, warmupSamples: 2, clipSigma: Infinity });
    d.update(0, 0);
    d.update(2, 0); // α_2 = 0.5: mean 1, var 0.5·(0 + 2·1) = 1
    d.update(3, 0); // α = 0.5: d = 2, mean 2, var 0.5·(1 + 2·1) = 1.5
    const s = d.snapshot().state as { mean: number; variance: number };
    close(s.mean, 2);
    close(s.variance, 1.5);
  });

  it('halfLifeSamples sets α = 1 − 2^(−1/h)', () => {
    close(resolveEwmaOptions({ kind: 'generic' }, { halfLifeSamples: 1 }).alpha, 0.5);
    close(resolveEwmaOptions({ kind: 'generic' }, { halfLifeSamples: 10 }).alpha, 1 - Math.pow(2, -0.1));
  });

  it('score map z/(z + c) is monotone, 0.5 at z = c, non-saturating', () => {
    assert.equal(deviationScore(0, 3), 0);
    assert.equal(deviationScore(-2, 3), 0);
    assert.equal(deviationScore(3, 3), 0.5);
    assert.ok(deviationScore(1e6, 3) < deviationScore(1e7, 3));
    assert.ok(deviationScore(1e7, 3) < 1);
  });

  it('a flat series then a jump is scored via the relative σ floor', () => {
    const d = createEwmaDetector({ kind: 'generic' }, { warmupSamples: 5 });
    for (let i = 0; i < 10; i++) d.update(100, i);
    const v = d.update(101, 10); // σ floor = 1e-3·100 = 0.1 → z = 10
    close(v.deviation, 10);
    assert.equal(v.anomalous, true);
    assert.equal(v.severity, 'critical');
  });
});

describe('ewma detector: direction', () => {
  const feed = (kind: 'latency' | 'compression' | 'bandwidth', x: number) => {
    const d = createEwmaDetector({ kind }, { warmupSamples: 4 });
    for (const v of [9, 11, 9, 11, 9, 11]) d.update(v, 0);
    return d.update(x, 0);
  };
  it('latency alarms only upwards', () => {
    assert.equal(feed('latency', 30).anomalous, true);
    const low = feed('latency', -10);
    assert.equal(low.anomalous, false);
    assert.equal(low.score, 0);
    assert.ok(low.deviation < -3);
  });
  it('compression alarms only downwards', () => {
    assert.equal(feed('compression', -10).anomalous, true);
    assert.equal(feed('compression', 30).anomalous, false);
    assert.equal(feed('compression', 30).score, 0);
  });
  it('bandwidth alarms both ways; ctx.direction overrides the kind', () => {
    assert.equal(feed('bandwidth', 30).anomalous, true);
    assert.equal(feed('bandwidth', -10).anomalous, true);
    const d = createEwmaDetector({ kind: 'latency', direction: 'down' }, { warmupSamples: 4 });
    for (const v of [9, 11, 9, 11, 9, 11]) d.update(v, 0);
    assert.equal(d.update(30, 0).anomalous, false);
    assert.equal(d.update(-10, 0).anomalous, true);
  });
});

describe('ewma detector: robustness to spikes', () => {
  it('one huge spike barely moves σ with clipping, inflates it without', () => {
    const run = (clipSigma: number): number => {
      const g = gaussian(7);
      const d = createEwmaDetector({ kind: 'generic' }, { alpha: 0.02, clipSigma });
      for (let i = 0; i < 2000; i++) d.update(g(), i);
      const before = (d.snapshot().state as { variance: number }).variance;
      d.update(100, 2000);
      return (d.snapshot().state as { variance: number }).variance / before;
    };
    assert.ok(run(4) < 1.4, `clipped inflation ${run(4)}`);
    assert.ok(run(Infinity) > 100, `unclipped inflation ${run(Infinity)}`);
  });

  it('still adapts to a level shift with clipping', () => {
    const g = gaussian(3);
    const d = createEwmaDetector({ kind: 'generic' }, { alpha: 0.02 });
    for (let i = 0; i < 1000; i++) d.update(g(), i);
    let alarms = 0;
    for (let i = 0; i < 1000; i++) if (d.update(20 + g(), 1000 + i).anomalous) alarms++;
    assert.ok(alarms > 0 && alarms < 100, `alarms after shift ${alarms}`);
  });
});

describe('ewma detector: input handling and options', () => {
  it('ignores non-finite values without changing state', () => {
    const d = createEwmaDetector({ kind: 'generic' }, { warmupSamples: 2 });
    d.update(1, 0);
    d.update(2, 0);
    assertIgnoresNonFinite(d);
  });

  it('bad options throw InvalidInputError', () => {
    const bad: Record<string, unknown>[] = [
      { alpha: 0 },
      { alpha: 1 },
      { alpha: Number.NaN },
      { alpha: 0.1, halfLifeSamples: 5 },
      { halfLifeSamples: 0 },
      { halfLifeSamples: Number.POSITIVE_INFINITY },
      { warmupSamples: 1 },
      { warmupSamples: 2.5 },
      { threshold: 0 },
      { threshold: Number.POSITIVE_INFINITY },
      { direction: 'sideways' },
      { relativeSigmaFloor: -1 },
      { absoluteSigmaFloor: 0 },
      { clipSigma: 0 },
      { scoreScale: 0 },
      { nope: 1 },
    ];
    assertRejectsOptions((o) => createEwmaDetector({ kind: 'generic' }, o), bad);
    assert.throws(() => createEwmaDetector({ kind: 'nope' as never }), InvalidInputError);
  });

  it('uses the kind’s default threshold and direction', () => {
    const o = createEwmaDetector({ kind: 'compression' }).options;
    assert.equal(o.threshold, 2.5);
    assert.equal(o.direction, 'down');
  });

  it('state stays bounded over a long stream (cap)', () => {
    const d = createEwmaDetector();
    const g = gaussian(1);
    const b0 = d.stateBytes();
    for (let i = 0; i < 200_000; i++) d.update(g() * 1e6, i);
    assert.equal(d.stateBytes(), b0);
    assert.ok(b0 <= 1024);
    assert.equal(Object.keys(d.snapshot().state as object).length, 4);
  });
});

describe('ewma detector: snapshot/restore', () => {
  it('round trip (through JSON) gives identical subsequent verdicts', () => {
    const g = gaussian(11);
    const xs = Array.from({ length: 600 }, (_, i) => (i === 450 ? 40 : g()));
    const a = createEwmaDetector();
    for (let i = 0; i < 300; i++) a.update(xs[i]!, i);
    const b = createEwmaDetector();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    for (let i = 300; i < 600; i++) assert.deepEqual(b.update(xs[i]!, i), a.update(xs[i]!, i));
  });

  it('bad snapshots throw and leave the state unchanged', () => {
    const d = createEwmaDetector();
    for (let i = 0; i < 50; i++) d.update(i % 3, i);
    const before = d.snapshot();
    const good = before.state as Record<string, unknown>;
    const bad: unknown[] = [
      null,
      { detector: 'robust', version: 1, state: good },
      { detector: 'ewma', version: 2, state: good },
      { detector: 'ewma', version: 1, state: null },
      { detector: 'ewma', version: 1, state: { ...good, count: -1 } },
      { detector: 'ewma', version: 1, state: { ...good, count: 1.5 } },
      { detector: 'ewma', version: 1, state: { ...good, mean: Number.NaN } },
      { detector: 'ewma', version: 1, state: { ...good, mean: '1' } },
      { detector: 'ewma', version: 1, state: { ...good, variance: -1 } },
      { detector: 'ewma', version: 1, state: { ...good, lastAnomalous: 1 } },
    ];
    for (const s of bad) {
      assert.throws(() => d.restore(s as never), InvalidInputError, JSON.stringify(s));
      assert.deepEqual(d.snapshot(), before);
    }
  });
});
