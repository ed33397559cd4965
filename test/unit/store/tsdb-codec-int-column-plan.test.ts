/**
 * The integer-column planner gives the plan the format defines (int-column-plan-reference.ts: every order's
 * median by a full sort, every code's bits summed) on columns of every shape: constant, small ranges (counted
 * medians), wide ranges (bucketed medians), outliers up to the ±2^51 limit and past it, order-1 and order-2 trends,
 * non-integers, and columns longer than the planner's scratch arrays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { planIntColumn } from '../../../src/store/tsdb/codec/int-column.ts';
import { referencePlan } from './int-column-plan-reference.ts';

/** The plan with −0 read as 0 (the centre's sign of zero is not part of the format: zigzag(−0) writes 0). */
const plain = (xs: readonly number[]): unknown => {
  const p = planIntColumn(xs);
  return p === undefined ? undefined : { ...p, centre: p.centre + 0 };
};
const reference = (xs: readonly number[]): unknown => {
  const p = referencePlan(xs);
  return p === undefined ? undefined : { ...p, centre: p.centre + 0 };
};

const column = fc.oneof(
  fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 600, size: 'max' }),
  fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 1, maxLength: 600, size: 'max' }),
  fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 }), { minLength: 1, maxLength: 300, size: 'max' }),
  fc.array(fc.constantFrom(0, 1, 2 ** 50, -(2 ** 50), 2 ** 51, -(2 ** 51), 2 ** 51 + 2, 2 ** 52), {
    minLength: 1,
    size: 'max',
    maxLength: 80,
  }),
  fc.array(fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(2 ** 45)), {
    minLength: 1,
    maxLength: 500,
    size: 'max',
  }),
  // Mostly one value with rare outliers inside a counted range (escaped codes at k = 0).
  fc.array(
    fc.oneof(
      { weight: 40, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.integer({ min: 16, max: 1000 }) },
    ),
    { minLength: 1, maxLength: 600, size: 'max' },
  ),
  fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 100, size: 'max' }),
  fc.array(fc.constantFrom(NaN, Infinity, 0.5, -0, 7), { minLength: 1, maxLength: 20, size: 'max' }),
  // Trends: a counter (order 1) and an accelerating series (order 2), with jitter and resets.
  fc
    .tuple(
      fc.integer({ min: 1, max: 600 }),
      fc.integer({ min: 0, max: 2 ** 20 }),
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 0, max: 9 }),
    )
    .map(([n, step, order, jitter]) =>
      Array.from(
        { length: n },
        (_, i) => (order === 2 ? i * i * step : i * step) + ((i * 7919) % (jitter + 1)),
      ),
    ),
);

describe('tsdb integer-column planner', () => {
  it('gives the plan of the format definition on columns of every shape', () => {
    fc.assert(
      fc.property(column, (xs) => {
        assert.deepEqual(plain(xs), reference(xs));
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the same plan on columns longer than its scratch arrays, and after them on short ones', () => {
    const long = Array.from({ length: 3000 }, (_, i) => 1_700_000_000_000 + i * 1000 + ((i * 31) % 4));
    assert.deepEqual(plain(long), reference(long));
    const wide = Array.from({ length: 2500 }, (_, i) => Math.round(Math.sin(i) * 2 ** 40));
    assert.deepEqual(plain(wide), reference(wide));
    assert.deepEqual(plain([5, 5, 6]), reference([5, 5, 6]));
  });
});
