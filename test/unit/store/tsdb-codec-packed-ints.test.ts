/**
 * Packed integer columns (src/store/tsdb/codec/packed-ints.ts) and the rollup last part that uses them
 * (codec/rollup-chunk.ts, format byte 5): any integer sequence the codec holds — counters with resets, the
 * extremes ±(2^51 − 1), constant runs (bit width 0), spreads up to 2^32 − 1 (width 32), every frame boundary —
 * round-trips exactly; values it does not hold (−0, NaN, fractions, beyond 2^51, a frame spread of 2^32) keep
 * the XOR codec, bit for bit as before; truncated, extended or random bytes are a StoreError, and a decode that
 * does not throw writes only integers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import { TimestampEncoder } from '../../../src/store/tsdb/codec/timestamps.ts';
import { uvarintLength, writeUvarint } from '../../../src/store/tsdb/codec/varint.ts';
import { XorEncoder } from '../../../src/store/tsdb/codec/xor.ts';
import { denseRunRow } from '../../../src/store/tsdb/rollup-dense.ts';
import {
  decodePackedInts,
  encodePackedInts,
  FRAME_VALUES,
  MAX_PACKED_MAGNITUDE,
  packableInts,
} from '../../../src/store/tsdb/codec/packed-ints.ts';
import {
  decodeRollupLast,
  decodeRollupLastInto,
  encodeRollup,
  ROLLUP_LAST_FORMAT,
  ROLLUP_LAST_INT_FORMAT,
} from '../../../src/store/tsdb/codec/rollup-chunk.ts';

const M = MAX_PACKED_MAGNITUDE;

/** Integer sequences the codec holds: counters (with resets), gauges, constants, extremes and wide steps. */
const intsArb = fc.oneof(
  // A counter adding 0..k per step, reset to 0 now and then.
  fc
    .record({
      start: fc.integer({ min: 0, max: 2 ** 31 }),
      steps: fc.array(fc.tuple(fc.nat({ max: 1_000_000 }), fc.boolean()), { minLength: 0, maxLength: 700 }),
      resetOdds: fc.integer({ min: 2, max: 200 }),
    })
    .map(({ start, steps, resetOdds }) => {
      const out = [start];
      let v = start;
      steps.forEach(([d, r], i) => {
        v = r && i % resetOdds === 0 ? 0 : v + d;
        out.push(v);
      });
      return out;
    }),
  // Any values whose steps spread by less than 2^32 (a gauge jumping anywhere in ±2^30).
  fc.array(fc.integer({ min: -(2 ** 30), max: 2 ** 30 }), { minLength: 1, maxLength: 600 }),
  // Constants and the extremes.
  fc
    .tuple(fc.constantFrom(0, 1, -1, M, -M, 2 ** 32, -(2 ** 31)), fc.integer({ min: 1, max: 1440 }))
    .map(([v, n]) => new Array<number>(n).fill(v)),
  fc
    .tuple(fc.constantFrom(1, -1), fc.array(fc.nat({ max: 2 ** 31 }), { minLength: 1, maxLength: 300 }))
    .map(([sign, offs]) => offs.map((o) => sign * (M - o))),
);

function roundTrip(vals: readonly number[]): void {
  assert.ok(packableInts(vals, vals.length));
  const bytes = encodePackedInts(vals, vals.length);
  const out = new Float64Array(vals.length + 3).fill(Number.NaN);
  decodePackedInts(bytes, vals.length, out);
  for (let i = 0; i < vals.length; i++)
    assert.ok(Object.is(out[i], vals[i]), `value ${i}: ${out[i]} ≠ ${vals[i]}`);
  assert.ok(Number.isNaN(out[vals.length]), 'nothing written past n');
}

describe('packed integer columns', () => {
  it('round-trip any integer sequence they hold (fast-check), at every frame boundary', () => {
    fc.assert(
      fc.property(intsArb, (vals) => roundTrip(vals)),
      { numRuns: 400 },
    );
    for (const n of [1, 2, FRAME_VALUES, FRAME_VALUES + 1, FRAME_VALUES + 2, 2 * FRAME_VALUES + 1, 1440])
      roundTrip(Array.from({ length: n }, (_, i) => (i * 7919) % 1000));
  });

  it('use every bit width from 0 to 32, word boundaries crossed', () => {
    for (let w = 0; w <= 32; w++) {
      const top = w === 0 ? 0 : 2 ** w - 1;
      // Offsets 0 and 2^w − 1 alternating: every offset needs all w bits.
      const vals = [5];
      for (let i = 1; i < 300; i++) vals.push(vals[i - 1]! + (i % 2 === 0 ? top : 0) - 3);
      roundTrip(vals);
      const bytes = encodePackedInts(vals, vals.length);
      // Header: v0, then 3 frames of base + width; words: ceil(count × w / 32) per frame.
      const words = [128, 128, 43].reduce((s, c) => s + Math.ceil((c * w) / 32), 0);
      assert.equal(bytes.length, 1 + 3 * (1 + 1) + 4 * words, `width ${w}`);
    }
  });

  it('refuse what they do not hold: −0, NaN, ±Inf, fractions, 2^51, a frame spread of 2^32', () => {
    for (const bad of [[-0], [1, -0], [Number.NaN], [Infinity], [0.5], [M + 1], [-M - 1], [2 ** 53]]) {
      assert.equal(packableInts(bad, bad.length), false, String(bad));
      assert.throws(() => encodePackedInts(bad, bad.length), { code: 'DWCP_INVALID_INPUT' });
    }
    assert.equal(packableInts([0, 2 ** 32, 2 ** 32], 3), false, 'spread of 2^32 within a frame');
    assert.equal(packableInts([0, 2 ** 32 - 1, 2 ** 32 - 1], 3), true, 'spread of 2^32 − 1');
    // A counter reset from 2^32 or more inside a frame of rising steps keeps XOR.
    assert.equal(packableInts([2 ** 32, 2 ** 32 + 5, 0, 3], 4), false);
    assert.equal(packableInts([], 0), false);
    // Steps of any size that do not spread: a constant step of 2^33 is bit width 0.
    const big = Array.from({ length: 300 }, (_, i) => -(2 ** 50) + i * 2 ** 33);
    roundTrip(big);
    // v0: zigzag 2^51 − 1, 8 varint bytes; each frame: base zigzag 2^34 (5 bytes) and width 0, no words.
    assert.equal(encodePackedInts(big, big.length).length, 8 + 3 * (5 + 1));
  });

  it('reject truncated, extended and corrupt streams with a StoreError; never write a non-integer', () => {
    fc.assert(
      fc.property(intsArb, fc.nat(), fc.uint8Array({ minLength: 0, maxLength: 64 }), (vals, cut, junk) => {
        const bytes = encodePackedInts(vals, vals.length);
        const out = new Float64Array(vals.length);
        const short = bytes.subarray(0, cut % bytes.length);
        assert.throws(() => decodePackedInts(short, vals.length, out), StoreError);
        const long = new Uint8Array(bytes.length + 1 + (junk.length % 4));
        long.set(bytes);
        assert.throws(() => decodePackedInts(long, vals.length, out), StoreError);
        // Random bytes: a StoreError, or integers only.
        for (const n of [1, vals.length]) {
          try {
            decodePackedInts(junk, n, out);
          } catch (e) {
            assert.ok(e instanceof StoreError, String(e));
            continue;
          }
          for (let i = 0; i < n; i++) assert.ok(Number.isInteger(out[i]), `value ${out[i]}`);
        }
      }),
      { numRuns: 300 },
    );
    const ok = encodePackedInts([1, 2, 3], 3);
    const wide = ok.slice();
    wide[2] = 33; // the frame's bit width
    assert.throws(() => decodePackedInts(wide, 3, new Float64Array(3)), /bit width 33/);
    assert.throws(() => decodePackedInts(ok, 3, new Float64Array(2)), StoreError);
  });
});

describe('rollup last part with packed integer lasts', () => {
  const colsArb = fc
    .record({
      n: fc.integer({ min: 1, max: 1440 }),
      start: fc.integer({ min: 0, max: 1e6 }).map((k) => k * 60_000),
      kind: fc.constantFrom('counter', 'extreme', 'gauge', 'float', 'negzero', 'stale'),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    })
    .map(({ n, start, kind, seed }) => {
      const ts: number[] = [];
      const last: number[] = [];
      let x = seed;
      let v = 0;
      for (let i = 0; i < n; i++) {
        x = (x * 48271) % 2147483647;
        ts.push(start + i * 60_000 + (x % 3 === 0 ? 0 : 0));
        if (kind === 'counter') v = x % 97 === 0 ? 0 : v + (x % 1000);
        else if (kind === 'extreme') v = x % 2 === 0 ? M : -M + (x % 5);
        else if (kind === 'gauge') v = Math.round(x % 10_000) / 100;
        else if (kind === 'float') v = x / 2147483647;
        else if (kind === 'negzero') v = i === n - 1 ? -0 : x % 10;
        else v = i === n >> 1 ? Number.NaN : x % 10;
        last.push(v);
      }
      const ones = last.map(() => 1);
      return { timestampsMs: ts, count: ones, min: last, max: last, sum: last, last };
    });

  it('is chosen exactly when every last is an integer it holds, and decodes to the same bits either way', () => {
    fc.assert(
      fc.property(colsArb, (cols) => {
        const blobs = encodeRollup(cols);
        const n = cols.last.length;
        const ints = packableInts(cols.last, n);
        assert.equal(blobs.last[0], ints ? ROLLUP_LAST_INT_FORMAT : ROLLUP_LAST_FORMAT);
        const d = decodeRollupLast(blobs.last);
        const ts = new Float64Array(n + 2);
        const last = new Float64Array(n + 2);
        assert.equal(decodeRollupLastInto(blobs.last, ts, last, 2), n);
        for (let i = 0; i < n; i++) {
          assert.ok(Object.is(d.last[i], cols.last[i]), `last ${i}`);
          assert.ok(Object.is(last[i + 2], cols.last[i]), `last into ${i}`);
          assert.equal(d.timestampsMs[i], cols.timestampsMs[i]);
        }
        // A truncated packed part is a StoreError, never a shorter or wrong column.
        if (ints)
          assert.throws(() => decodeRollupLast(blobs.last.subarray(0, blobs.last.length - 1)), StoreError);
      }),
      { numRuns: 300 },
    );
  });

  it('still reads integer lasts written as XOR by the tree before this format (format byte 2)', () => {
    // The last part as the tree before wrote every row: format 2, n, ts length, ts stream, XOR lasts.
    const n = 1440;
    const start = 1_700_000_000_000 - (1_700_000_000_000 % 86_400_000);
    const ts = Array.from({ length: n }, (_, i) => start + i * 60_000);
    const last = ts.map((_, i) => 1000 + i * 17 + (i % 7));
    const tsW = new TimestampEncoder(64);
    for (const t of ts) tsW.write(t);
    const vW = new XorEncoder(64);
    for (const v of last) vW.write(v);
    const blob = new Uint8Array(
      1 + uvarintLength(n) + uvarintLength(tsW.byteLength) + tsW.byteLength + vW.byteLength,
    );
    blob[0] = ROLLUP_LAST_FORMAT;
    let off = writeUvarint(blob, 1, n);
    off = writeUvarint(blob, off, tsW.byteLength);
    tsW.copyTo(blob, off);
    vW.copyTo(blob, off + tsW.byteLength);
    const d = decodeRollupLast(blob);
    assert.deepEqual([...d.last], last);
    assert.deepEqual([...denseRunRow(blob, start, 60_000)!], last);
    // The same buckets written now are packed and decode to the same values.
    const ones = last.map(() => 1);
    const now = encodeRollup({ timestampsMs: ts, count: ones, min: last, max: last, sum: last, last }).last;
    assert.equal(now[0], ROLLUP_LAST_INT_FORMAT);
    assert.ok(now.length < blob.length);
    assert.deepEqual([...decodeRollupLast(now).last], last);
    assert.deepEqual([...denseRunRow(now, start, 60_000)!], last);
  });
});
