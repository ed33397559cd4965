/**
 * A gap-free rollup row decoded straight into its dense column (src/store/tsdb/rollup-dense.ts): for random rows
 * (gap-free runs anywhere on the row's grid, rows with holes, float32-exact and full-precision lasts, NaN lasts,
 * 1-minute and 1-hour rows) the column must be exactly `denseRow` over the decoded blob (same type, same bits),
 * it must be taken for every gap-free run of non-NaN lasts, and refused (undefined) for every other row; a
 * truncated blob never yields a column, and a blob that is a view into a larger buffer reads as the blob alone. The same rows written straight into a query's column (`denseRunInto`,
 * any window of the query's grid before, across or inside the row) equal `scatterDense` over the decoded blob.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import { decodeRollupLast, encodeRollup } from '../../../src/store/tsdb/codec/rollup-chunk.ts';
import { ROLLUP_ROW_SPAN_MS } from '../../../src/store/tsdb/options.ts';
import { scatterDense } from '../../../src/store/tsdb/bucket-columns.ts';
import { denseRunInto, denseRunRow } from '../../../src/store/tsdb/rollup-dense.ts';
import { denseRow } from '../../../src/store/tsdb/row-cache.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const START = 1_700_000_000_000 - (1_700_000_000_000 % DAY);

const valueArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -1e6, max: 1e6 }) },
  { weight: 3, arbitrary: fc.double({ min: -1e9, max: 1e9, noNaN: true }) },
  { weight: 2, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Math.fround(x)) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, Infinity, -Infinity) },
);

const rowArb = fc
  .record({
    res: fc.constantFrom(MIN, HOUR),
    k0: fc.nat({ max: 1439 }),
    n: fc.integer({ min: 1, max: 1440 }),
    holes: fc.oneof(
      { weight: 3, arbitrary: fc.constant<number[]>([]) },
      { weight: 1, arbitrary: fc.array(fc.nat({ max: 1439 }), { minLength: 1, maxLength: 4 }) },
    ),
    nanAt: fc.oneof(
      { weight: 5, arbitrary: fc.constant(-1) },
      { weight: 1, arbitrary: fc.nat({ max: 1439 }) },
    ),
    f32: fc.boolean(),
    values: fc.array(valueArb, { minLength: 1, maxLength: 64 }),
  })
  .map((r) => {
    const slots = ROLLUP_ROW_SPAN_MS[r.res]! / r.res;
    const k0 = r.k0 % slots;
    const n = Math.min(r.n, slots - k0);
    const ts: number[] = [];
    const last: number[] = [];
    for (let j = 0; j < n; j++) {
      if (r.holes.includes(j) && j > 0 && j < n - 1) continue;
      ts.push(START + (k0 + j) * r.res);
      const v = r.values[j % r.values.length]!;
      last.push(j === r.nanAt ? Number.NaN : r.f32 ? Math.fround(v) : v);
    }
    return { res: r.res, ts, last };
  });

function encode(ts: number[], last: number[]): Uint8Array {
  const ones = ts.map(() => 1);
  return encodeRollup({ timestampsMs: ts, count: ones, min: last, max: last, sum: last, last }).last;
}

/** Same type and the same bits (NaN payloads included). */
function sameColumn(a: Float32Array | Float64Array, b: Float32Array | Float64Array): void {
  assert.equal(a.constructor, b.constructor);
  assert.equal(a.length, b.length);
  assert.deepEqual(
    new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('gap-free rollup rows decoded straight into their column', () => {
  it('equals denseRow over the decoded blob, and is taken exactly for gap-free runs', () => {
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(rowArb, ({ res, ts, last }) => {
        const blob = encode(ts, last);
        const d = decodeRollupLast(blob);
        const ref = denseRow(START, res, d.timestampsMs, d.last, ts.length);
        const got = denseRunRow(blob, START, res);
        const gapFree = ts.every((t, j) => j === 0 || t - ts[j - 1]! === res);
        const noNaN = last.every((v) => !Number.isNaN(v));
        if (gapFree && noNaN) {
          assert.ok(got !== undefined, 'a gap-free run of non-NaN lasts takes the direct path');
          assert.ok(ref !== undefined);
          sameColumn(got, ref);
          taken++;
        } else {
          assert.equal(got, undefined);
          refused++;
        }
      }),
      { numRuns: 600 },
    );
    assert.ok(taken > 100 && refused > 50, `taken ${taken}, refused ${refused}`);
  });

  it('refuses a row off its grid or of another resolution', () => {
    const ts = [START + 5 * MIN, START + 6 * MIN, START + 7 * MIN];
    const blob = encode(ts, [1, 2, 3]);
    assert.ok(denseRunRow(blob, START, MIN) !== undefined);
    assert.equal(denseRunRow(blob, START + 1, MIN), undefined); // off the grid
    assert.equal(denseRunRow(blob, START + 6 * MIN, MIN), undefined); // before the row's start
    assert.equal(denseRunRow(blob, START, HOUR), undefined); // deltas are not the resolution
    const late = [START + DAY - MIN, START + DAY];
    assert.equal(denseRunRow(encode(late, [1, 2]), START, MIN), undefined); // past the row's end
  });

  it('reads a blob that is a view into a larger buffer (a pooled driver buffer) as the blob alone', () => {
    fc.assert(
      fc.property(rowArb, fc.nat({ max: 64 }), fc.nat({ max: 64 }), ({ res, ts, last }, before, after) => {
        const blob = encode(ts, last);
        // Random bytes around the blob: a decode reading outside its view would see them.
        const pool = Buffer.alloc(before + blob.length + after, 0xa5);
        pool.set(blob, before);
        const view = pool.subarray(before, before + blob.length);
        const ref = denseRunRow(blob, START, res);
        const got = denseRunRow(view, START, res);
        if (ref === undefined) assert.equal(got, undefined);
        else sameColumn(got!, ref);
      }),
      { numRuns: 300 },
    );
  });

  it('never yields a column from a truncated blob', () => {
    fc.assert(
      fc.property(rowArb, fc.nat(), ({ res, ts, last }, cut) => {
        const blob = encode(ts, last);
        const short = blob.subarray(0, cut % blob.length);
        try {
          assert.equal(denseRunRow(short, START, res), undefined);
        } catch (e) {
          assert.ok(e instanceof StoreError, String(e));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("writes a gap-free row straight into a query's column as scatterDense of the decoded blob would", () => {
    let taken = 0;
    let partial = 0;
    fc.assert(
      fc.property(
        rowArb,
        fc.integer({ min: -1500, max: 1500 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.nat({ max: 3 }),
        ({ res, ts, last }, fromK, len, slack) => {
          const blob = encode(ts, last);
          const d = decodeRollupLast(blob);
          // The query's grid starts fromK buckets after the row's start (before it when negative); it reads
          // buckets up to hi; its column may reach a few buckets past hi (the raw part's end).
          const from = START + fromK * res;
          const hi = from + len * res;
          const nb = len + 1 + slack;
          const ref = new Float64Array(nb).fill(Number.NaN);
          assert.ok(
            scatterDense(
              new Float64Array(d.timestampsMs),
              new Float64Array(d.last),
              0,
              ts.length,
              from,
              hi,
              res,
              ref,
            ),
          );
          const got = new Float64Array(nb).fill(Number.NaN);
          const lastBucket = denseRunInto(blob, START, res, from, hi, got);
          const gapFree = ts.every((t, j) => j === 0 || t - ts[j - 1]! === res);
          if (!gapFree) {
            assert.equal(lastBucket, undefined);
            assert.ok(
              got.every((v) => Number.isNaN(v)),
              'nothing written for a row it refuses',
            );
            return;
          }
          assert.equal(lastBucket, ts[ts.length - 1]);
          assert.deepEqual(new Uint8Array(got.buffer), new Uint8Array(ref.buffer));
          taken++;
          if (ts[0]! < from || ts[ts.length - 1]! > hi) partial++;
        },
      ),
      { numRuns: 600 },
    );
    assert.ok(taken > 100 && partial > 30, `taken ${taken}, partial ${partial}`);
  });
});
