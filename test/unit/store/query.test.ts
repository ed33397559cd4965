import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { seriesKey } from '../../../src/model/sample.ts';
import { quantileSorted } from '../../../src/math/quantile.ts';
import {
  aggregateSeries,
  MAX_INPUT_SERIES,
  MAX_STEPS,
  type QueryAggregation,
} from '../../../src/store/query.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';

let nextId = 1;
function sp(labels: Record<string, string>, pts: [number, number][]): SeriesPoints {
  return {
    series: { id: nextId++, key: seriesKey('m', labels), name: 'm', labels },
    timestampsMs: pts.map((p) => p[0]),
    values: pts.map((p) => p[1]),
  };
}

// step 10 s over [0, 30 s] → steps 0, 10k, 20k, 30k; lookback = max(2 × 10 s, 5 s) = 20 s
const A = sp({ region: 'us', node: 'a' }, [
  [0, 1],
  [10_000, 3],
  [20_000, 5],
  [30_000, 7],
]);
const B = sp({ region: 'us', node: 'b' }, [
  [0, 2],
  [10_000, 6],
]); // stale at 30 s (last sample 20 s old)
const C = sp({ region: 'eu', node: 'c' }, [
  [0, 10],
  [10_000, 10],
  [20_000, 10],
  [30_000, 10],
]);
const opts = (agg: QueryAggregation, by?: string[]) => ({
  startMs: 0,
  endMs: 30_000,
  stepMs: 10_000,
  agg,
  ...(by ? { by } : {}),
});

function close(actual: readonly number[], expected: readonly number[]): void {
  assert.equal(actual.length, expected.length, `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`);
  actual.forEach((v, i) =>
    assert.ok(Math.abs(v - expected[i]!) < 1e-9, `index ${i}: ${v} != ${expected[i]}`),
  );
}

describe('aggregateSeries', () => {
  it('computes avg, sum, min, max across series with staleness', () => {
    const one = (agg: QueryAggregation) => {
      const r = aggregateSeries([A, B, C], opts(agg));
      assert.equal(r.series.length, 1);
      assert.deepEqual(r.series[0]!.labels, {});
      assert.deepEqual(r.series[0]!.timestampsMs, [0, 10_000, 20_000, 30_000]);
      return r.series[0]!.values;
    };
    close(one('avg'), [13 / 3, 19 / 3, 7, 8.5]);
    close(one('sum'), [13, 19, 21, 17]);
    close(one('min'), [1, 3, 5, 7]);
    close(one('max'), [10, 10, 10, 10]);
  });

  it('computes percentiles by linear interpolation between closest ranks', () => {
    close(aggregateSeries([A, B, C], opts('p50')).series[0]!.values, [2, 6, 6, 8.5]);
    close(aggregateSeries([A, B, C], opts('p95')).series[0]!.values, [
      2 + 0.9 * 8,
      6 + 0.9 * 4,
      6 + 0.9 * 4,
      7 + 0.95 * 3,
    ]);
    close(aggregateSeries([A, B, C], opts('p99')).series[0]!.values, [
      2 + 0.98 * 8,
      6 + 0.98 * 4,
      6 + 0.98 * 4,
      7 + 0.99 * 3,
    ]);
    assert.equal(quantileSorted([5], 0.99), 5);
    assert.ok(Number.isNaN(quantileSorted([], 0.5)));
  });

  it('groups by labels, sorted, leaving out missing labels', () => {
    const r = aggregateSeries([A, B, C], opts('avg', ['region']));
    assert.deepEqual(
      r.series.map((s) => s.labels),
      [{ region: 'eu' }, { region: 'us' }],
    );
    close(r.series[0]!.values, [10, 10, 10, 10]);
    close(r.series[1]!.values, [1.5, 4.5, 5.5, 7]);
    const D = sp({ node: 'd' }, [[0, 4]]);
    const r2 = aggregateSeries([A, D], opts('max', ['region']));
    assert.deepEqual(
      r2.series.map((s) => s.labels),
      [{}, { region: 'us' }],
    );
    assert.deepEqual(r2.series[0]!.timestampsMs, [0, 10_000], 'steps without a value are omitted');
  });

  it('computes rate per series with a counter reset, then sums per group', () => {
    const R = sp({ node: 'a' }, [
      [0, 0],
      [5_000, 10],
      [10_000, 20],
      [15_000, 5],
      [20_000, 15],
      [25_000, 25],
    ]);
    const flat = sp({ node: 'b' }, [
      [0, 100],
      [10_000, 100],
      [20_000, 100],
      [30_000, 100],
    ]);
    const r = aggregateSeries([R, flat], opts('rate'));
    // t=0: one sample per series → absent. t=10s: R +20 over 10 s = 2. t=20s: window (0, 20s]:
    // 10→20 (+10), reset to 5 (+5), 5→15 (+10) = 25 over 15 s. t=30s: (10s, 30s]: 5→15→25 = 20 over 10 s.
    assert.deepEqual(r.series[0]!.timestampsMs, [10_000, 20_000, 30_000]);
    close(r.series[0]!.values, [2, 25 / 15, 2]);
  });

  it('treats NaN samples as absent and uses an earlier sample inside the lookback', () => {
    const N = sp({}, [
      [0, 4],
      [10_000, Number.NaN],
    ]);
    const r = aggregateSeries([N], opts('avg'));
    assert.deepEqual(r.series[0]!.timestampsMs, [0, 10_000]);
    close(r.series[0]!.values, [4, 4]);
  });

  it('uses a lookback of at least 5 s for small steps', () => {
    const S = sp({}, [[1_000, 1]]);
    const r = aggregateSeries([S], { startMs: 0, endMs: 7_000, stepMs: 1_000, agg: 'sum' });
    assert.deepEqual(r.series[0]!.timestampsMs, [1_000, 2_000, 3_000, 4_000, 5_000]);
  });

  it('returns no series for no input', () => {
    assert.deepEqual(aggregateSeries([], opts('avg')), { series: [] });
  });

  it('enforces limits and rejects bad options', () => {
    const bad = (o: Parameters<typeof aggregateSeries>[1], re: RegExp, pts: SeriesPoints[] = [A]) =>
      assert.throws(
        () => aggregateSeries(pts, o),
        (e: unknown) => e instanceof InvalidInputError && re.test(e.message),
      );
    assert.equal(
      aggregateSeries([A], { startMs: 0, endMs: (MAX_STEPS - 1) * 1000, stepMs: 1000, agg: 'avg' }).series
        .length,
      1,
    );
    bad(
      { startMs: 0, endMs: MAX_STEPS * 1000, stepMs: 1000, agg: 'avg' },
      /11001 steps exceed the maximum of 11000/,
    );
    bad({ startMs: 10, endMs: 0, stepMs: 1, agg: 'avg' }, /after endMs/);
    bad({ startMs: 0, endMs: 10, stepMs: 0, agg: 'avg' }, /stepMs must be > 0/);
    bad({ startMs: Number.NaN, endMs: 10, stepMs: 1, agg: 'avg' }, /finite/);
    bad({ startMs: 0, endMs: 10, stepMs: 1, agg: 'median' as QueryAggregation }, /unknown aggregation/);
    const many = Array.from({ length: MAX_INPUT_SERIES + 1 }, () => A);
    bad(opts('avg'), /10001 series exceed the maximum of 10000/, many);
    bad(
      { startMs: 0, endMs: 10_000_000, stepMs: 1000, agg: 'p99' },
      /exceeds 5000000 cells/,
      Array.from({ length: 1000 }, () => A),
    );
    const broken: SeriesPoints = { series: A.series, timestampsMs: [1, 2], values: [1] };
    bad(opts('avg'), /2 timestamps but 1 values/, [broken]);
  });
});

describe('aggregateSeries against a direct per-step computation', () => {
  it('avg, sum, min and max equal the latest non-NaN sample in (t − lookback, t] per series, folded per step', async () => {
    const fc = (await import('fast-check')).default;
    const seriesArb = fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 90_000 }),
        fc.oneof(
          { weight: 6, arbitrary: fc.double({ noNaN: true, min: -1e9, max: 1e9 }) },
          { weight: 1, arbitrary: fc.constant(Number.NaN) },
        ),
      ),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(
        fc.array(seriesArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: -50_000, max: 400_000 }),
        fc.integer({ min: 0, max: 2_000_000 }),
        fc.integer({ min: 1000, max: 200_000 }),
        fc.constantFrom<QueryAggregation>('avg', 'sum', 'min', 'max'),
        (raw, startMs, len, stepMs, agg) => {
          const points: SeriesPoints[] = raw.map((xs, i) => {
            let t = 0;
            const timestampsMs = xs.map(([g]) => (t += g));
            return {
              series: { id: i, key: seriesKey('m', { i: String(i) }), name: 'm', labels: { i: String(i) } },
              timestampsMs,
              values: xs.map((x) => x[1]),
            };
          });
          const endMs = startMs + len;
          const got = aggregateSeries(points, { startMs, endMs, stepMs, agg }).series;
          const lookback = Math.max(2 * stepMs, 5000);
          const ts: number[] = [];
          const vs: number[] = [];
          for (let t = startMs; t <= endMs; t += stepMs) {
            const present: number[] = [];
            for (const p of points) {
              let v: number | undefined;
              for (let k = 0; k < p.timestampsMs.length; k++)
                if (
                  p.timestampsMs[k]! <= t &&
                  p.timestampsMs[k]! > t - lookback &&
                  !Number.isNaN(p.values[k]!)
                )
                  v = p.values[k]!;
              if (v !== undefined) present.push(v);
            }
            if (present.length === 0) continue;
            ts.push(t);
            const s = present.reduce((a, b) => a + b, 0);
            vs.push(
              agg === 'avg'
                ? s / present.length
                : agg === 'sum'
                  ? s
                  : agg === 'min'
                    ? Math.min(...present)
                    : Math.max(...present),
            );
          }
          assert.deepEqual(got, [{ labels: {}, timestampsMs: ts, values: vs }]);
        },
      ),
      { numRuns: 400 },
    );
  });
});
