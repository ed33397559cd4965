import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  histogramQuantile,
  parseLe,
  quantileSteps,
  type BucketSeries,
} from '../../../../src/analysis/slo/quantile.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

const INF = Infinity;
const b = (pairs: [number, number][]) => pairs.map(([upperBound, count]) => ({ upperBound, count }));
const near = (actual: number | null | undefined, expected: number) => {
  assert.ok(
    actual !== null && actual !== undefined && Math.abs(actual - expected) < 1e-12,
    `${actual} != ${expected}`,
  );
};

describe('histogramQuantile (Prometheus histogram_quantile semantics)', () => {
  // Buckets ≤0.1: 10, ≤0.5: 60, ≤1: 90, +Inf: 100 (cumulative).
  const h = b([
    [0.1, 10],
    [0.5, 60],
    [1, 90],
    [INF, 100],
  ]);

  it('interpolates linearly inside the bucket holding the rank', () => {
    // q=0.5: rank 50 lies in (0.1, 0.5] holding 50 observations, 40 of them below the rank → 0.1 + 0.4·40/50.
    near(histogramQuantile(0.5, h).value, 0.42);
    // q=0.05: rank 5 in the lowest bucket; its lower bound is 0 (upper bound > 0) → 0.1·5/10.
    near(histogramQuantile(0.05, h).value, 0.05);
    // q=0.9: rank 90 = the count of le=1 → its upper bound.
    near(histogramQuantile(0.9, h).value, 1);
    // q=0.75: rank 75 in (0.5, 1] holding 30, 15 below the rank → 0.5 + 0.5·15/30.
    near(histogramQuantile(0.75, h).value, 0.75);
    assert.equal(histogramQuantile(0.5, h).forcedMonotonic, false);
  });

  it('returns the second-highest upper bound for a rank in the +Inf bucket', () => {
    // q=0.99: rank 99 > 90 → +Inf bucket → 1 (not +Inf).
    assert.equal(histogramQuantile(0.99, h).value, 1);
    assert.equal(histogramQuantile(1, h).value, 1);
  });

  it('returns the upper bound of a lowest bucket with bound <= 0', () => {
    // ≤0: 6, ≤0.5: 11, ≤1: 14, +Inf: 19. q=0.5: rank 9.5 in (0, 0.5] holding 5, 3.5 below → 0.35.
    const z = b([
      [0, 6],
      [0.5, 11],
      [1, 14],
      [INF, 19],
    ]);
    near(histogramQuantile(0.5, z).value, 0.35);
    // q=0.2: rank 3.8 in the lowest bucket (bound 0) → 0, no interpolation.
    assert.equal(histogramQuantile(0.2, z).value, 0);
  });

  it('accepts buckets in any order and adds buckets with the same bound', () => {
    const shuffled = b([
      [INF, 60],
      [0.5, 40],
      [0.1, 5],
      [0.1, 5],
      [1, 50],
      [INF, 40],
      [0.5, 20],
      [1, 40],
    ]);
    near(histogramQuantile(0.5, shuffled).value, 0.42);
  });

  it('raises non-monotonic counts to the running maximum and says so', () => {
    // ≤0.1: 10, ≤0.5: 8 (<10!), ≤1: 20, +Inf: 20 → treated as 10, 10, 20, 20.
    const nm = b([
      [0.1, 10],
      [0.5, 8],
      [1, 20],
      [INF, 20],
    ]);
    const r = histogramQuantile(0.75, nm);
    assert.equal(r.forcedMonotonic, true);
    // rank 15 in (0.5, 1] holding 10, 5 below → 0.75.
    near(r.value, 0.75);
    near(histogramQuantile(0.5, nm).value, 0.1);
  });

  it('is undefined without +Inf bucket, with one bucket or without observations', () => {
    assert.deepEqual(
      histogramQuantile(
        0.5,
        b([
          [0.1, 1],
          [0.5, 2],
        ]),
      ),
      { value: null, forcedMonotonic: false, reason: 'no-inf-bucket' },
    );
    assert.deepEqual(histogramQuantile(0.5, []), {
      value: null,
      forcedMonotonic: false,
      reason: 'no-inf-bucket',
    });
    assert.equal(histogramQuantile(0.5, b([[INF, 5]])).reason, 'too-few-buckets');
    assert.equal(
      histogramQuantile(
        0.5,
        b([
          [0.1, 0],
          [INF, 0],
        ]),
      ).reason,
      'no-observations',
    );
  });

  it('ignores NaN bounds and bad counts and rejects q outside [0, 1]', () => {
    const r = histogramQuantile(0.5, [
      ...h,
      { upperBound: NaN, count: 1000 },
      { upperBound: 0.2, count: -5 },
      { upperBound: 0.3, count: NaN },
    ]);
    near(r.value, 0.42);
    for (const q of [-0.1, 1.1, NaN]) assert.throws(() => histogramQuantile(q, h), InvalidInputError);
  });

  it('parses le labels', () => {
    assert.equal(parseLe('+Inf'), INF);
    assert.equal(parseLe('0.5'), 0.5);
    assert.equal(parseLe('1e-3'), 0.001);
    assert.equal(parseLe('10'), 10);
    assert.ok(Number.isNaN(parseLe('')));
    assert.ok(Number.isNaN(parseLe('abc')));
    assert.ok(Number.isNaN(parseLe('0x10')));
  });
});

describe('quantileSteps: histogram_quantile(φ, sum by (le) (increase(bucket[step])))', () => {
  const series = (upperBound: number, values: number[], t0 = 0, dt = 5000): BucketSeries => ({
    upperBound,
    timestampsMs: values.map((_, i) => t0 + i * dt),
    values,
  });

  it('sums bucket increases of all series per step and takes the quantile per step', () => {
    // Scrapes at 0, 5, 10, 15, 20 s; steps of 10 s. An increase belongs to the step of its later point.
    const a = [
      series(0.1, [0, 5, 10, 10, 10]),
      series(0.5, [0, 8, 16, 18, 20]),
      series(INF, [0, 10, 20, 25, 30]),
    ];
    const bNode = [series(0.1, [0, 0, 0, 0, 0]), series(0.5, [0, 0, 0, 0, 0]), series(INF, [0, 0, 0, 0, 10])];
    const r = quantileSteps(0.5, [...a, ...bNode], 10_000, 0, 30_000);
    // step 0 (point at 5 s): {0.1: 5, 0.5: 8, +Inf: 10} → rank 5 = count of le=0.1 → 0.1.
    // step 10 s (points at 10 s and 15 s): {0.1: 5, 0.5: 10, +Inf: 15} → rank 7.5 in (0.1, 0.5]: 0.1 + 0.4·2.5/5 = 0.3.
    // step 20 s: {0.1: 0, 0.5: 2, +Inf: 15} → rank 7.5 in the +Inf bucket → 0.5.
    assert.equal(r.values.length, 3);
    assert.deepEqual(
      r.values.map((v) => v.tMs),
      [0, 10_000, 20_000],
    );
    near(r.values[0]!.value, 0.1);
    near(r.values[1]!.value, 0.3);
    near(r.values[2]!.value, 0.5);
    assert.deepEqual(
      [r.undefinedSteps, r.emptySteps, r.forcedMonotonicSteps, r.resets, r.skippedPoints],
      [0, 0, 0, 0, 0],
    );
    // Only steps starting in [startMs, endMs) are returned.
    assert.deepEqual(
      quantileSteps(0.5, [...a, ...bNode], 10_000, 10_000, 20_000).values.map((v) => v.tMs),
      [10_000],
    );
  });

  it('treats a counter decrease as a reset (the new value is the increase)', () => {
    // A node restarts between 5 s and 10 s: every bucket starts again from 0.
    const s = [series(0.1, [100, 110, 2, 4]), series(1, [200, 220, 4, 8]), series(INF, [300, 330, 4, 8])];
    const r = quantileSteps(0.5, s, 5000, 0, 20_000);
    assert.equal(r.resets, 3);
    // step 10 s after the reset: {0.1: 2, 1: 4, +Inf: 4} → rank 2 = count of le=0.1 → 0.1.
    // step 5 s: {0.1: 10, 1: 20, +Inf: 30} → rank 15 in (0.1, 1] holding 10, 5 below → 0.1 + 0.9·0.5 = 0.55.
    assert.deepEqual(
      r.values.map((v) => v.tMs),
      [5000, 10_000, 15_000],
    );
    near(r.values[0]!.value, 0.55);
    near(r.values[1]!.value, 0.1);
    // step 15 s: {0.1: 2, 1: 4, +Inf: 4} → 0.1.
    near(r.values[2]!.value, 0.1);
  });

  it('repairs non-monotonic step increases (a reset seen by one bucket only)', () => {
    // le=1 resets alone (e.g. a client bug); its increase (3) is below le=0.1's (5): raised to 5.
    const s = [series(0.1, [0, 5]), series(1, [50, 3]), series(INF, [50, 60])];
    const r = quantileSteps(0.9, s, 5000, 0, 10_000);
    assert.equal(r.forcedMonotonicSteps, 1);
    assert.equal(r.resets, 1);
    // {0.1: 5, 1: 5, +Inf: 10}: rank 9 in the +Inf bucket → 1.
    assert.equal(r.values[0]!.value, 1);
  });

  it('leaves steps without +Inf bucket (bad data) or without observations (idle) out and counts them apart', () => {
    const noInf = quantileSteps(0.99, [series(0.1, [0, 1, 2]), series(1, [0, 2, 4])], 5000, 0, 20_000);
    assert.deepEqual(noInf.values, []);
    assert.equal(noInf.undefinedSteps, 2);
    const idle = quantileSteps(0.99, [series(0.1, [3, 3]), series(INF, [7, 7])], 5000, 0, 20_000);
    assert.deepEqual(idle.values, []);
    assert.deepEqual([idle.undefinedSteps, idle.emptySteps], [0, 1]);
  });

  it('skips NaN, infinite and negative points and series with a bad le', () => {
    const s = [series(0.1, [0, NaN, 5]), series(INF, [0, -1, Infinity, 10]), series(NaN, [0, 100])];
    const r = quantileSteps(0.5, s, 5000, 0, 20_000);
    assert.equal(r.skippedPoints, 1 + 2 + 2);
    // le=0.1: 0 → 5 at 10 s; +Inf: 0 → 10 at 15 s: different steps. Step 10 s has no +Inf increase, step 15 s
    // has only the +Inf bucket (too few buckets): both undefined.
    assert.equal(r.undefinedSteps, 2);
    assert.equal(r.values.length, 0);
  });

  it('rejects a bad quantile or step', () => {
    assert.throws(() => quantileSteps(2, [], 1000, 0, 1), InvalidInputError);
    assert.throws(() => quantileSteps(0.5, [], 0, 0, 1), InvalidInputError);
    assert.throws(() => quantileSteps(0.5, [], 1.5, 0, 1), InvalidInputError);
  });
});
