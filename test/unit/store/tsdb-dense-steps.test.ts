/**
 * The dense step alignment of range queries (src/store/tsdb/dense-steps.ts with `RangeAggregator.addColumn`):
 * a series given as one column of bucket lasts over the bucket grid (NaN: no bucket) must aggregate exactly as
 * its bucket points (bucket start + resolution − 1) do through `RangeAggregator.add`, for every aggregation
 * (`rate` through `addRateColumn`, counter resets included), any grid phase, step, resolution and lookback,
 * holes and series per group.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MIN_LOOKBACK_MS, RangeAggregator, type QueryAggregation } from '../../../src/store/query.ts';
import { StepAlignment } from '../../../src/store/tsdb/dense-steps.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const BASE = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);

const caseArb = fc.record({
  res: fc.constantFrom(MIN, HOUR),
  buckets: fc.integer({ min: 1, max: 200 }),
  columns: fc.array(
    fc.record({
      node: fc.constantFrom('a', 'b'),
      // Per bucket: a value, or NaN (no bucket) with the given weight.
      values: fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
          { weight: 2, arbitrary: fc.constant(Number.NaN) },
        ),
        { minLength: 1, maxLength: 200 },
      ),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  // Where the grid starts against the bucket grid: on a bucket, its last millisecond, 1 ms before it, anywhere.
  phase: fc.oneof(fc.constantFrom(0, -1, 1), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })),
  stepMul: fc.constantFrom(1, 2, 3, 7),
  stepOffMs: fc.constantFrom(0, 1, 1000),
  lenFrac: fc.double({ min: 0, max: 1.3, noNaN: true }),
  agg: fc.constantFrom<QueryAggregation>('avg', 'sum', 'min', 'max', 'p50', 'p95', 'p99'),
  byNode: fc.boolean(),
});

describe('dense step alignment', () => {
  it('aggregates a column of bucket lasts exactly as the bucket points through add', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { res } = c;
        const from = BASE;
        const n = c.buckets;
        const stepMs = c.stepMul * res + c.stepOffMs;
        const startMs = from + c.phase;
        const endMs = startMs + Math.floor(c.lenFrac * n * res);
        const opts = { startMs, endMs, stepMs, agg: c.agg, ...(c.byNode ? { by: ['node'] } : {}) };
        const steps = Math.floor((endMs - startMs) / stepMs) + 1;
        const lookback = Math.max(2 * stepMs, MIN_LOOKBACK_MS);
        const align = new StepAlignment(from, res, n, startMs, stepMs, steps, lookback);
        const dense = new RangeAggregator(opts, c.columns.length);
        const points = new RangeAggregator(opts, c.columns.length);
        for (const col of c.columns) {
          const labels = { node: col.node };
          const lasts = new Float64Array(n);
          const ts: number[] = [];
          const vs: number[] = [];
          for (let k = 0; k < n; k++) {
            const v = col.values[k % col.values.length]!;
            lasts[k] = v;
            if (Number.isNaN(v)) continue;
            ts.push(from + k * res + res - 1);
            vs.push(v);
          }
          dense.addColumn(labels, lasts, align.lo, align.hi);
          points.add(labels, ts, vs, 0, ts.length);
        }
        assert.deepEqual(dense.finish(), points.finish());
      }),
      { numRuns: 500 },
    );
  });

  it('takes rate over a column of bucket lasts exactly as over the bucket points through add (counter resets)', () => {
    // Counters: per bucket an increase, a reset to a smaller value, or no bucket.
    const counterArb = fc.array(
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc.record({ kind: fc.constant('inc'), x: fc.double({ min: 0, max: 1e4, noNaN: true }) }),
        },
        {
          weight: 1,
          arbitrary: fc.record({
            kind: fc.constant('reset'),
            x: fc.double({ min: 0, max: 50, noNaN: true }),
          }),
        },
        { weight: 2, arbitrary: fc.record({ kind: fc.constant('gap'), x: fc.constant(0) }) },
      ),
      { minLength: 1, maxLength: 200 },
    );
    fc.assert(
      fc.property(caseArb, fc.array(counterArb, { minLength: 1, maxLength: 4 }), (c, counters) => {
        const { res } = c;
        const from = BASE;
        const n = c.buckets;
        const stepMs = c.stepMul * res + c.stepOffMs;
        const startMs = from + c.phase;
        const endMs = startMs + Math.floor(c.lenFrac * n * res);
        const opts = { startMs, endMs, stepMs, agg: 'rate' as const, ...(c.byNode ? { by: ['node'] } : {}) };
        const steps = Math.floor((endMs - startMs) / stepMs) + 1;
        const lookback = Math.max(2 * stepMs, MIN_LOOKBACK_MS);
        const align = new StepAlignment(from, res, n, startMs, stepMs, steps, lookback);
        const dense = new RangeAggregator(opts, counters.length);
        const points = new RangeAggregator(opts, counters.length);
        counters.forEach((col, ci) => {
          const labels = { node: ci % 2 === 0 ? 'a' : 'b' };
          const lasts = new Float64Array(n);
          const ts: number[] = [];
          const vs: number[] = [];
          let v = 0;
          for (let k = 0; k < n; k++) {
            const e = col[k % col.length]!;
            if (e.kind === 'gap') {
              lasts[k] = Number.NaN;
              continue;
            }
            v = e.kind === 'inc' ? v + e.x : e.x;
            lasts[k] = v;
            ts.push(from + k * res + res - 1);
            vs.push(v);
          }
          dense.addRateColumn(labels, lasts, n, align.lo, align.hi, res);
          points.add(labels, ts, vs, 0, ts.length);
        });
        assert.deepEqual(dense.finish(), points.finish());
      }),
      { numRuns: 500 },
    );
  });

  it('rejects rate and bucket ranges that do not cover the grid', () => {
    const opts = { startMs: BASE, endMs: BASE + 10 * MIN, stepMs: MIN, agg: 'rate' as const };
    const align = new StepAlignment(BASE, MIN, 11, BASE, MIN, 11, 2 * MIN);
    assert.throws(
      () => new RangeAggregator(opts, 1).addColumn({}, new Float64Array(11), align.lo, align.hi),
      /rate/,
    );
    const short = new StepAlignment(BASE, MIN, 11, BASE, MIN, 5, 2 * MIN);
    assert.throws(
      () =>
        new RangeAggregator({ ...opts, agg: 'avg' }, 1).addColumn(
          {},
          new Float64Array(11),
          short.lo,
          short.hi,
        ),
      /5 steps for 11/,
    );
  });
});
