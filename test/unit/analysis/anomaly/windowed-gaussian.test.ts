import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  createWindowedGaussianDetector,
  normalTailProbability,
  windowedGaussianScore,
  windowedGaussianZForScore,
} from '../../../../src/analysis/anomaly/windowed-gaussian.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { erfc } from '../../../../src/math/erfc.ts';

const rel = (a: number, b: number, eps: number): void =>
  assert.ok(Math.abs(a - b) <= eps * Math.abs(b), `${a} vs ${b} (rel ${Math.abs(a - b) / Math.abs(b)})`);

describe('normalTailProbability / windowedGaussianScore', () => {
  it('folds values below the mean to the upper tail', () => {
    assert.equal(normalTailProbability(2, 2, 1), 0.5);
    rel(normalTailProbability(3, 2, 1), normalTailProbability(1, 2, 1), 1e-15);
    rel(normalTailProbability(5, 2, 1), 0.5 * 2.6997960632601913e-3, 1e-13); // P(|Z|>3)/2
  });
  it('rejects bad input', () => {
    assert.throws(() => normalTailProbability(1, 0, 0), InvalidInputError);
    assert.throws(() => normalTailProbability(Number.NaN, 0, 1), InvalidInputError);
    assert.throws(() => windowedGaussianScore(Number.NaN), InvalidInputError);
    assert.throws(() => windowedGaussianScore(1, 0), InvalidInputError);
    assert.throws(() => windowedGaussianZForScore(Number.NaN), InvalidInputError);
  });
  it('saturates to exactly 1.0 at |z| ~ 7.13 with 12 digits (NAB results files) and ~ 8.29 in float64', () => {
    const z12 = windowedGaussianZForScore(1, 12);
    const z64 = windowedGaussianZForScore(1, null);
    assert.ok(z12 > 7.12 && z12 < 7.14, `z12 = ${z12}`);
    assert.ok(z64 > 8.28 && z64 < 8.3, `z64 = ${z64}`);
    assert.equal(windowedGaussianScore(7.2, 12), 1);
    assert.ok(windowedGaussianScore(7.2, null) < 1);
    assert.equal(windowedGaussianScore(8.3, null), 1);
    // 1 - q rounds to 1.0 in float64 exactly when q <= 2^-54.
    assert.ok(0.5 * erfc(z64 / Math.SQRT2) <= 2 ** -54);
    assert.equal(windowedGaussianZForScore(0.5), 0);
  });
});

describe('createWindowedGaussianDetector', () => {
  it('scores against the statistics of earlier values only (hand-computed)', () => {
    const d = createWindowedGaussianDetector({ scoreSignificantDigits: null });
    const first = d.update(1, 0);
    assert.equal(first.score, 0);
    assert.equal(first.warmingUp, true);
    const second = d.update(2, 1); // window [1]: std 0 -> 1e-6, z = 1e6
    assert.equal(second.score, 1);
    assert.equal(second.anomalous, true);
    d.update(3, 2); // window [1, 2, 3] after this
    const v = d.update(3, 3); // mean 2, population std sqrt(2/3)
    assert.equal(v.expected, 2);
    rel(v.deviation, 1 / Math.sqrt(2 / 3), 1e-15);
    rel(v.score, 0.8896643190400766, 1e-14); // CPython: 1 - 0.5*erfc(z/sqrt(2))
    assert.equal(v.anomalous, false);
    assert.equal(v.resolved, false);
  });
  it('marks resolution after an anomalous verdict and gives a band at the alert |z|', () => {
    const d = createWindowedGaussianDetector();
    for (let i = 0; i < 200; i++) d.update(i % 2 === 0 ? 10 : 12, i); // mean 11, std 1
    const spike = d.update(30, 200);
    assert.equal(spike.anomalous, true);
    assert.equal(spike.severity, 'critical'); // z ~ 19 > 2 * 7.13
    const calm = d.update(11, 201);
    assert.equal(calm.anomalous, false);
    assert.equal(calm.resolved, true);
    const z = windowedGaussianZForScore(1);
    assert.equal(spike.expected, 11);
    assert.ok(Math.abs(spike.upper - 11 - z) < 1e-9 && Math.abs(11 - spike.lower - z) < 1e-9);
    assert.ok(Math.abs(spike.deviation - 19) < 1e-9);
  });
  it('refreshes statistics only every stepSize values once the window is full, and stays bounded', () => {
    const d = createWindowedGaussianDetector({ windowSize: 10, stepSize: 5 });
    for (let i = 0; i < 10; i++) d.update(i, i);
    const bytes = d.stateBytes();
    const expected = [d.update(100, 10).expected];
    for (let i = 0; i < 4; i++) expected.push(d.update(100, 11 + i).expected);
    assert.deepEqual(new Set(expected).size, 1); // 4.5 for 5 verdicts
    assert.equal(expected[0], 4.5);
    assert.equal(d.update(100, 15).expected, (5 + 6 + 7 + 8 + 9 + 500) / 10); // oldest 5 dropped
    for (let i = 0; i < 10_000; i++) d.update(Math.sin(i), 20 + i);
    assert.equal(d.stateBytes(), bytes);
  });
  it('ignores non-finite values without changing state', () => {
    const a = createWindowedGaussianDetector();
    const b = createWindowedGaussianDetector();
    for (const x of [1, 4, 2, 8]) {
      a.update(x, 0);
      b.update(x, 0);
    }
    const nan = a.update(Number.NaN, 0);
    assert.equal(nan.anomalous, false);
    assert.equal(nan.warmingUp, true);
    a.update(Number.POSITIVE_INFINITY, 0);
    assert.deepEqual(a.update(5, 0), b.update(5, 0));
  });
  it('rejects invalid options', () => {
    assert.throws(() => createWindowedGaussianDetector({ windowSize: 1 }), InvalidInputError);
    assert.throws(() => createWindowedGaussianDetector({ windowSize: 10.5 }), InvalidInputError);
    assert.throws(() => createWindowedGaussianDetector({ windowSize: 10, stepSize: 11 }), InvalidInputError);
    assert.throws(() => createWindowedGaussianDetector({ stepSize: 0 }), InvalidInputError);
    assert.throws(() => createWindowedGaussianDetector({ alertThreshold: Number.NaN }), InvalidInputError);
    assert.throws(() => createWindowedGaussianDetector({ scoreSignificantDigits: 18 }), InvalidInputError);
  });
});
