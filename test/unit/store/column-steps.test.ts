/**
 * The fast loop of dense step alignment (src/store/column-steps.ts through `RangeAggregator.addColumn`): for steps
 * that are a multiple of the bucket width (and some that are not), random grid offsets, random gaps (single
 * holes, long runs, empty columns) and every aggregation it takes, the answer must equal the general path's
 * (`RangeAggregator.add` over the bucket points) bit for bit; the equal-width run must describe exactly the
 * windows of the alignment; and groups mixing series with and without gaps count each step right.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { uniformWindows } from '../../../src/store/column-steps.ts';
import { MIN_LOOKBACK_MS, RangeAggregator, type QueryAggregation } from '../../../src/store/query.ts';
import { StepAlignment } from '../../../src/store/tsdb/dense-steps.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const BASE = 1_700_000_000_000 - (1_700_000_000_000 % HOUR);

/** A column of n buckets: values, with holes placed by `holes` (single, runs, or every bucket). */
const columnArb = fc.record({
  node: fc.constantFrom('a', 'b', 'c'),
  seed: fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
  holes: fc.oneof(
    { weight: 3, arbitrary: fc.constant<number[]>([]) },
    { weight: 3, arbitrary: fc.array(fc.nat({ max: 400 }), { maxLength: 5 }) },
    { weight: 2, arbitrary: fc.array(fc.nat({ max: 400 }), { maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constant<number[]>([-1]) },
  ),
  holeRun: fc.integer({ min: 1, max: 12 }),
});

const caseArb = fc.record({
  res: fc.constantFrom(MIN, HOUR),
  buckets: fc.integer({ min: 1, max: 400 }),
  columns: fc.array(columnArb, { minLength: 1, maxLength: 6 }),
  // Grid start against the bucket grid: on a bucket, its last millisecond, 1 ms before or after, anywhere.
  phase: fc.oneof(fc.constantFrom(0, -1, 1, MIN - 1), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })),
  // Mostly a multiple of the bucket width (the fast loop's case), sometimes not.
  stepMul: fc.integer({ min: 1, max: 6 }),
  stepOffMs: fc.oneof(
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom(1, 999) },
  ),
  lenFrac: fc.integer({ min: 0, max: 130 }).map((x) => x / 100),
  agg: fc.constantFrom<QueryAggregation>('avg', 'sum', 'min', 'max'),
  byNode: fc.boolean(),
});

function column(c: ColumnCase, n: number): Float64Array {
  const lasts = new Float64Array(n);
  for (let k = 0; k < n; k++) lasts[k] = c.seed[k % c.seed.length]!;
  if (c.holes.length === 1 && c.holes[0] === -1) lasts.fill(Number.NaN);
  else for (const h of c.holes) for (let k = h; k < h + c.holeRun && k < n; k++) lasts[k] = Number.NaN;
  return lasts;
}

interface ColumnCase {
  readonly seed: readonly number[];
  readonly holes: readonly number[];
  readonly holeRun: number;
}

describe('fast loop of dense step alignment', () => {
  it('answers as the general path over the bucket points (random steps, offsets, gaps)', () => {
    let fastRuns = 0;
    let cases = 0;
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
        cases++;
        {
          const u = uniformWindows(align.lo, align.hi, steps);
          if (u.from < u.to) fastRuns++;
        }
        const dense = new RangeAggregator(opts, c.columns.length);
        const points = new RangeAggregator(opts, c.columns.length);
        for (const col of c.columns) {
          const labels = { node: col.node };
          const lasts = column(col, n);
          const ts: number[] = [];
          const vs: number[] = [];
          for (let k = 0; k < n; k++) {
            if (Number.isNaN(lasts[k]!)) continue;
            ts.push(from + k * res + res - 1);
            vs.push(lasts[k]!);
          }
          dense.addColumn(labels, lasts, align.lo, align.hi);
          points.add(labels, ts, vs, 0, ts.length);
        }
        assert.deepEqual(dense.finish(), points.finish());
      }),
      { numRuns: 800 },
    );
    // The property must exercise the fast loop, not only the general one.
    assert.ok(fastRuns > cases / 2, `fast loop taken in ${fastRuns} of ${cases} cases`);
  });

  it('describes exactly the windows of the alignment from its first step on', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { res } = c;
        const n = c.buckets;
        const stepMs = c.stepMul * res + c.stepOffMs;
        const startMs = BASE + c.phase;
        const steps = Math.floor(Math.floor(c.lenFrac * n * res) / stepMs) + 1;
        const align = new StepAlignment(
          BASE,
          res,
          n,
          startMs,
          stepMs,
          steps,
          Math.max(2 * stepMs, MIN_LOOKBACK_MS),
        );
        const u = uniformWindows(align.lo, align.hi, steps);
        assert.ok(u.stride >= 1 && u.width >= 1 && u.from <= u.to && u.to <= steps);
        for (let i = u.from; i < u.to; i++) {
          assert.equal(align.hi[i], u.base + i * u.stride);
          assert.equal(align.lo[i], align.hi[i]! - u.width + 1);
          assert.ok(align.lo[i]! >= 0 && align.hi[i]! < n);
        }
        // No longer run of equal-width windows exists anywhere in the alignment.
        let longest = 0;
        for (let i = 0; i < steps; i++) {
          for (let j = i + 1; j < steps; j++) {
            const stride = align.hi[i + 1]! - align.hi[i]!;
            const ok =
              stride >= 1 &&
              align.hi[j] === align.hi[j - 1]! + stride &&
              align.lo[j] === align.lo[j - 1]! + stride &&
              align.lo[j - 1]! >= 0 &&
              align.hi[j - 1]! >= align.lo[j - 1]!;
            if (!ok) break;
            longest = Math.max(longest, j - i + 1);
          }
        }
        assert.equal(u.to - u.from, longest);
        // A step that is a multiple of the bucket width moves the windows by that multiple. A run of two may be a
        // window cut at the first bucket followed by one cut at the last (any stride); in a run of three or more the
        // first two windows end inside the grid, so their ends differ by exactly the step.
        if (c.stepOffMs === 0 && u.to - u.from >= 3) assert.equal(u.stride, c.stepMul);
      }),
      { numRuns: 500 },
    );
  });

  it('counts every step right when gap-free series and series with gaps share a group', () => {
    const n = 30;
    const opts = { startMs: BASE, endMs: BASE + 29 * MIN, stepMs: MIN, agg: 'avg' as const };
    const align = new StepAlignment(BASE, MIN, n, BASE, MIN, 30, 2 * MIN);
    const acc = new RangeAggregator(opts, 3);
    const full = new Float64Array(n).fill(2);
    const holed = new Float64Array(n).fill(4);
    holed.fill(Number.NaN, 10, 20);
    acc.addColumn({}, full, align.lo, align.hi);
    acc.addColumn({}, holed, align.lo, align.hi);
    acc.addColumn({}, full, align.lo, align.hi);
    const [s] = acc.finish().series;
    // Step i reads buckets up to i − 1 within 2 minutes: the holed series is absent at steps 12..20.
    const byTs = new Map(s!.timestampsMs.map((t, i) => [t, s!.values[i]!]));
    assert.equal(byTs.get(BASE), undefined);
    assert.equal(byTs.get(BASE + 5 * MIN), 8 / 3);
    assert.equal(byTs.get(BASE + 11 * MIN), 8 / 3); // bucket 9 still in the window
    assert.equal(byTs.get(BASE + 15 * MIN), 2);
    assert.equal(byTs.get(BASE + 21 * MIN), 8 / 3);
    assert.equal(s!.timestampsMs.length, 29);
  });

  it('answers as the general path when series come with bucket grids of their own', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            col: columnArb,
            shift: fc.integer({ min: -40, max: 40 }),
            n: fc.integer({ min: 1, max: 120 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.constantFrom<QueryAggregation>('avg', 'sum', 'min', 'max'),
        fc.integer({ min: 1, max: 3 }),
        (cols, agg, stepMul) => {
          const stepMs = stepMul * MIN;
          const opts = { startMs: BASE, endMs: BASE + 100 * MIN, stepMs, agg };
          const steps = Math.floor(100 / stepMul) + 1;
          const lookback = Math.max(2 * stepMs, MIN_LOOKBACK_MS);
          const dense = new RangeAggregator(opts, cols.length);
          const points = new RangeAggregator(opts, cols.length);
          for (const { col, shift, n } of cols) {
            const from = BASE + shift * MIN;
            const align = new StepAlignment(from, MIN, n, BASE, stepMs, steps, lookback);
            const lasts = column(col, n);
            const ts: number[] = [];
            const vs: number[] = [];
            for (let k = 0; k < n; k++) {
              if (Number.isNaN(lasts[k]!)) continue;
              ts.push(from + k * MIN + MIN - 1);
              vs.push(lasts[k]!);
            }
            dense.addColumn({}, lasts, align.lo, align.hi);
            points.add({}, ts, vs, 0, ts.length);
          }
          assert.deepEqual(dense.finish(), points.finish());
        },
      ),
      { numRuns: 400 },
    );
  });
});
