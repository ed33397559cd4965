import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromQueryError } from '../../../src/query/promql/errors.ts';
import { bucketQuantile } from '../../../src/query/promql/histogram.ts';
import { at, counter, vec } from '../../helpers/promql.ts';

const b = (pairs: readonly (readonly [number, number])[]) =>
  pairs.map(([upperBound, count]) => ({ upperBound, count }));

describe('PromQL functions', () => {
  it('bucketQuantile interpolates inside the bucket holding the rank (hand-computed)', () => {
    const h = b([
      [0.1, 10],
      [0.5, 30],
      [1, 40],
      [Infinity, 40],
    ]);
    // q 0.5: rank 20 of 40 falls in (0.1, 0.5] holding 20 (10 → 30): 0.1 + 0.4 × (20 − 10) / 20 = 0.3
    assert.ok(Math.abs(bucketQuantile(0.5, h) - 0.3) < 1e-12);
    // q 0.99: rank 39.6 in (0.5, 1] holding 10 (30 → 40): 0.5 + 0.5 × 9.6 / 10 = 0.98
    assert.ok(Math.abs(bucketQuantile(0.99, h) - 0.98) < 1e-12);
    // rank in the first bucket: lower bound 0: q 0.25 → rank 10 → 0 + 0.1 × 10 / 10 = 0.1
    assert.ok(Math.abs(bucketQuantile(0.25, h) - 0.1) < 1e-12);
    // input order does not matter
    assert.equal(bucketQuantile(0.5, [...h].reverse()), bucketQuantile(0.5, h));
  });

  it('bucketQuantile edge cases as Prometheus (quantile.go)', () => {
    const h = b([
      [0.1, 10],
      [0.5, 30],
      [Infinity, 40],
    ]);
    // rank 36 lies in the +Inf bucket: the largest finite bound
    assert.equal(bucketQuantile(0.9, h), 0.5);
    assert.equal(bucketQuantile(-0.1, h), -Infinity);
    assert.equal(bucketQuantile(1.1, h), Infinity);
    assert.ok(Number.isNaN(bucketQuantile(NaN, h)));
    // no +Inf bucket, a single bucket, no observations: NaN
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[1, 3]]))));
    assert.ok(Number.isNaN(bucketQuantile(0.5, b([[Infinity, 3]]))));
    assert.ok(
      Number.isNaN(
        bucketQuantile(
          0.5,
          b([
            [1, 0],
            [Infinity, 0],
          ]),
        ),
      ),
    );
    // first bucket with a bound ≤ 0 holding the rank: that bound
    assert.equal(
      bucketQuantile(
        0.2,
        b([
          [-1, 5],
          [0, 10],
          [Infinity, 10],
        ]),
      ),
      -1,
    );
    // equal bounds are summed: 1: 2 + 2, 2: 6, +Inf: 6 → rank 3 at q 0.5 in the first bucket: 0 + 1 × 3 / 4
    // (unmerged, the rank would land in (1, 2]: 1 + 1 × (3 − 2) / 4 = 1.25)
    const dup = b([
      [1, 2],
      [1, 2],
      [2, 6],
      [Infinity, 6],
    ]);
    assert.equal(bucketQuantile(0.5, dup), 0.75);
  });

  it('bucketQuantile raises a count below an earlier bucket (monotonicity fix)', () => {
    // counts 5, 12, 10, 20, 20 read as 5, 12, 12, 20, 20: q 0.8 → rank 16 in (1, 2] holding 8 (12 → 20):
    // 1 + 1 × (16 − 12) / 8 = 1.5 (without the fix: 1 + (16 − 10) / 10 = 1.6)
    const h = b([
      [0.1, 5],
      [0.5, 12],
      [1, 10],
      [2, 20],
      [Infinity, 20],
    ]);
    assert.equal(bucketQuantile(0.8, h), 1.5);
  });

  it('histogram_quantile groups buckets by their labels without le and the name', async () => {
    const bucket = (node: string, le: string, v: number) =>
      counter({ __name__: 'd_bucket', node, le }, [[100, v]]);
    const s = [
      bucket('a', '0.1', 10),
      bucket('a', '0.5', 30),
      bucket('a', '1', 40),
      bucket('a', '+Inf', 40),
      bucket('b', '1', 0),
      bucket('b', '+Inf', 4),
      counter({ __name__: 'd_bucket', node: 'c' }, [[100, 1]]), // no le: skipped
    ];
    // node a: 0.1 + (0.5 − 0.1) × 10 / 20 in float64 (Go's bucketQuantile computes the same expression);
    // node b: 4 observations all above 1: rank 2 in +Inf → the largest finite bound 1
    assert.deepEqual(vec(await at('histogram_quantile(0.5, d_bucket)', s, 100)), [
      [{ node: 'a' }, 0.1 + (0.5 - 0.1) * (10 / 20)],
      [{ node: 'b' }, 1],
    ]);
    assert.deepEqual(vec(await at('histogram_quantile(0.5, sum by (le) (d_bucket))', s, 100)), [
      // summed: 0.1: 10, 0.5: 30, 1: 40, +Inf: 44 → rank 22 in (0.1, 0.5]: 0.1 + 0.4 × 12 / 20 = 0.34
      [{}, 0.1 + (0.5 - 0.1) * (12 / 20)],
    ]);
    // the metric name identifies a histogram: two names with the same other labels give one label set twice
    const other = [...s, counter({ __name__: 'e_bucket', node: 'a', le: '+Inf' }, [[100, 1]])];
    await assert.rejects(
      () => at('histogram_quantile(0.5, {__name__=~"d_bucket|e_bucket"})', other, 100),
      (e: unknown) => e instanceof PromQueryError && /same labelset/.test(e.message),
    );
  });

  it('changes and resets count transitions in the window', async () => {
    const s = [
      counter({ __name__: 'g', job: 'j' }, [
        [10, 1],
        [20, 1],
        [30, 2],
        [40, 2],
        [50, 3],
        [60, NaN],
        [70, NaN],
        [80, 3],
      ]),
      counter({ __name__: 'c', job: 'j' }, [
        [10, 5],
        [20, 3],
        [30, 4],
        [40, 1],
        [50, 1],
      ]),
    ];
    // 1→2, 2→3, 3→NaN, NaN→3 (NaN→NaN is no change)
    assert.deepEqual(vec(await at('changes(g[100s])', s, 80)), [[{ job: 'j' }, 4]]);
    // 5→3, 4→1
    assert.deepEqual(vec(await at('resets(c[100s])', s, 80)), [[{ job: 'j' }, 2]]);
    // one sample in the window: no change
    assert.deepEqual(vec(await at('changes(c[5s])', s, 50)), [[{ job: 'j' }, 0]]);
  });

  it('delta extrapolates like increase without counter corrections', async () => {
    const s = [
      counter({ __name__: 'g', job: 'j' }, [
        [10, 10],
        [20, 5],
        [30, 20],
        [40, 30],
        [50, 50],
      ]),
      counter({ __name__: 'f', job: 'j' }, [
        [10, 50],
        [20, 40],
        [30, 30],
        [40, 20],
        [50, 10],
      ]),
    ];
    // 50 − 10 = 40 sampled over 40 s, both edges 10 s away (< 1.1 × 10 s): × 60 / 40 = 60
    assert.deepEqual(vec(await at('delta(g[60s])', s, 60)), [[{ job: 'j' }, 60]]);
    // increase: the drop 10 → 5 adds 10 (50), the start edge cut to zero's 40 × 10 / 50 = 8 s: 50 × 58 / 40
    assert.deepEqual(vec(await at('increase(g[60s])', s, 60)), [[{ job: 'j' }, (50 * 58) / 40]]);
    // a falling gauge: −40 × 60 / 40
    assert.deepEqual(vec(await at('delta(f[60s])', s, 60)), [[{ job: 'j' }, -60]]);
  });

  it('abs, clamp_min and clamp_max work element-wise and drop the name', async () => {
    const s = [counter({ __name__: 'g', n: '1' }, [[10, -3]]), counter({ __name__: 'g', n: '2' }, [[10, 7]])];
    assert.deepEqual(vec(await at('abs(g)', s, 10)), [
      [{ n: '1' }, 3],
      [{ n: '2' }, 7],
    ]);
    assert.deepEqual(vec(await at('clamp_min(g, 0)', s, 10)), [
      [{ n: '1' }, 0],
      [{ n: '2' }, 7],
    ]);
    assert.deepEqual(vec(await at('clamp_max(g, 5)', s, 10)), [
      [{ n: '1' }, -3],
      [{ n: '2' }, 5],
    ]);
  });

  it('offset shifts instant and range selectors back in time', async () => {
    const points: [number, number][] = [];
    for (let t = 0; t <= 600; t += 10) points.push([t, t]);
    const s = [counter({ __name__: 'c_total', job: 'j' }, points)];
    assert.deepEqual(vec(await at('c_total offset 1m', s, 600)), [[{ __name__: 'c_total', job: 'j' }, 540]]);
    // at 600 − 60 the window [480, 540] holds 480…540: increase 60 over 60 s → 1 /s
    assert.deepEqual(vec(await at('rate(c_total[1m] offset 1m)', s, 600)), [[{ job: 'j' }, 1]]);
    // a negative offset looks ahead
    assert.deepEqual(vec(await at('c_total offset -30s', s, 500)), [
      [{ __name__: 'c_total', job: 'j' }, 530],
    ]);
  });

  it('a selector without a metric name selects across metrics and keeps their names', async () => {
    const s = [
      counter({ __name__: 'a', job: 'x' }, [[10, 1]]),
      counter({ __name__: 'b', job: 'x' }, [[10, 2]]),
      counter({ __name__: 'b', job: 'y' }, [[10, 3]]),
    ];
    assert.deepEqual(vec(await at('{job="x"}', s, 10)), [
      [{ __name__: 'a', job: 'x' }, 1],
      [{ __name__: 'b', job: 'x' }, 2],
    ]);
    assert.deepEqual(vec(await at('{__name__=~"b|c"}', s, 10)), [
      [{ __name__: 'b', job: 'x' }, 2],
      [{ __name__: 'b', job: 'y' }, 3],
    ]);
  });
});
