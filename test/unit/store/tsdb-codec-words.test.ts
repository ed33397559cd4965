/**
 * The word-at-a-time bit writer and 32-bit-window decoders give the stored format byte for byte: the bytes of a
 * fixed series as the bit-by-bit codec wrote them (golden, including NaN with a payload, ±Inf, −0, subnormals,
 * repeats and every delta-of-delta bucket), and random series against a reference encoder that spells the
 * format out as a string of '0'/'1' (fast-check); the decoders read both back bit-exactly, and reject truncated
 * or random bytes with a StoreError (never a RangeError from a window read past the stream).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import { BitWriter } from '../../../src/store/tsdb/codec/bits.ts';
import { decodeTimestampColumn, TimestampEncoder } from '../../../src/store/tsdb/codec/timestamps.ts';
import { decodeXorColumn, XorEncoder } from '../../../src/store/tsdb/codec/xor.ts';

import {
  bin,
  f64,
  u32,
  NAN_WITH_PAYLOAD,
  pack,
  referenceTimestamps,
  referenceXor,
  series,
  timestampSeries,
} from './chunk-stream-reference.ts';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

function encodeTimestamps(ts: readonly number[]): Uint8Array {
  const e = new TimestampEncoder(1);
  for (const t of ts) e.write(t);
  return e.bytes();
}

function encodeXor(values: readonly number[]): Uint8Array {
  const e = new XorEncoder(1);
  for (const v of values) e.write(v);
  return e.bytes();
}

/** Each value's 64 bits as two 32-bit halves (NaN payloads and −0 compare exactly). */
const halves = (vs: ArrayLike<number>): number[] =>
  Array.from(vs, (v) => {
    f64[0] = v;
    return [u32[0]!, u32[1]!];
  }).flat();

describe('chunk codec streams, word at a time: the stored bytes are unchanged', () => {
  // First in the file: the shared scratch buffer past the padding still holds zeros, so without the end checks
  // the decoders would walk past its 64 KiB (a RangeError) instead of stopping.
  it('a short stream claiming a chunk of 2^20 samples stops at its end with a StoreError', () => {
    const eight = Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 2);
    assert.throws(() => decodeXorColumn(eight, 1 << 20, new Float64Array(1 << 20)), StoreError);
    assert.throws(() => decodeTimestampColumn(eight, 1 << 20, new Float64Array(1 << 20)), StoreError);
  });

  it('a fixed series gives the bytes the bit-by-bit codec wrote (golden), and reads back', () => {
    const values = [
      0,
      -0,
      1,
      1,
      1.5,
      -2.25,
      Infinity,
      -Infinity,
      NaN,
      NAN_WITH_PAYLOAD,
      1e300,
      5e-324,
      -5e-324,
      42,
      42,
      43,
      1234.5678,
      0.1,
      0.2,
      0.30000000000000004,
      2 ** 53,
      -(2 ** 53),
      7,
      7,
      7,
      1e-10,
      3,
    ];
    const xor = encodeXor(values);
    assert.equal(
      hex(xor),
      '0000000000000000c00f0197fed80f01ffff6bff34000a0027f84000000039f9e7f21e44003acee1fff1bf21e44003acee007800' +
        'c04500000000000140001000000000001006b6522b6ae7d56cfe55a7b9e98ac66f00380000000000004003555555555555d3e4' +
        '999999999999a5000000000000000141ae00000000000013ee3be6fecebdeddcfba6f9bfb3af7b76',
    );
    const out = new Float64Array(values.length);
    decodeXorColumn(xor, values.length, out);
    assert.deepEqual(halves(out), halves(values));

    const ts = [
      1_700_000_000_000, 1_700_000_001_000, 1_700_000_002_000, 1_700_000_003_001, 1_700_000_003_999,
      1_700_000_005_063, 1_700_000_006_000, 1_700_000_007_300, 1_700_000_009_000, 1_700_000_019_000,
      1_700_000_019_001, 1_700_001_000_000, 1_700_001_001_000, 1_700_001_002_000,
    ];
    const tsBytes = encodeTimestamps(ts);
    assert.equal(
      hex(tsBytes),
      '000003179fcad000ebe750279a83901d2d5d31fe00000000000081b1e0000000000009c3be00000000003be019e00000000003bd07a0',
    );
    const tsOut = new Float64Array(ts.length);
    decodeTimestampColumn(tsBytes, ts.length, tsOut);
    assert.deepEqual([...tsOut], ts);
    const ts2 = [-5_000, -4_990, -4_980, 3, 4, 2 ** 50];
    assert.equal(
      hex(encodeTimestamps(ts2)),
      '000000000000270fa4bc0000000000009b6bc0000000000009bafc001fffffffffffd8',
    );
  });

  it('random values: the same bytes as the bit-by-bit reference, decoded bit-exactly', () => {
    fc.assert(
      fc.property(series, (vs) => {
        const bytes = encodeXor(vs);
        assert.equal(hex(bytes), hex(referenceXor(vs)));
        const out = new Float64Array(vs.length);
        decodeXorColumn(bytes, vs.length, out);
        assert.deepEqual(halves(out), halves(vs));
      }),
      { numRuns: 300 },
    );
  });

  it('random timestamps: the same bytes as the bit-by-bit reference, decoded exactly', () => {
    fc.assert(
      fc.property(timestampSeries, (ts) => {
        const bytes = encodeTimestamps(ts);
        assert.equal(hex(bytes), hex(referenceTimestamps(ts)));
        const out = new Float64Array(ts.length);
        decodeTimestampColumn(bytes, ts.length, out);
        assert.deepEqual([...out], ts);
      }),
      { numRuns: 300 },
    );
  });

  it('writes of any width at any bit offset, and copies taken midway, equal bit-by-bit packing', () => {
    const write = fc
      .integer({ min: 0, max: 32 })
      .chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n === 32 ? 0xffffffff : 2 ** n - 1 })));
    fc.assert(
      fc.property(fc.array(write, { maxLength: 100 }), (ws) => {
        const w = new BitWriter(1);
        let s = '';
        for (const [n, v] of ws) {
          if (n === 1 && v === 1) w.writeBit(1);
          else w.writeBits(v, n);
          s += bin(BigInt(v), n);
          assert.equal(hex(w.bytes()), hex(pack(s)));
        }
        const out = new Uint8Array(w.byteLength + 3).fill(0xff);
        w.copyTo(out, 2);
        assert.equal(hex(out.subarray(2, 2 + w.byteLength)), hex(pack(s)));
      }),
    );
  });

  it('truncated or random bytes are rejected with a StoreError, never a RangeError', () => {
    const storeErrorOrNothing = (f: () => void): void => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof StoreError, `unexpected ${String(e)}`);
      }
    };
    fc.assert(
      fc.property(series, timestampSeries, fc.nat(), (vs, ts, cut) => {
        const xor = encodeXor(vs);
        const tsBytes = encodeTimestamps(ts);
        const shortXor = xor.subarray(0, cut % xor.length);
        const shortTs = tsBytes.subarray(0, cut % tsBytes.length);
        assert.throws(() => decodeXorColumn(shortXor, vs.length, new Float64Array(vs.length)), StoreError);
        assert.throws(
          () => decodeTimestampColumn(shortTs, ts.length, new Float64Array(ts.length)),
          StoreError,
        );
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 2000 }), (bytes, n) => {
        storeErrorOrNothing(() => decodeXorColumn(bytes, n, new Float64Array(n)));
        storeErrorOrNothing(() => decodeTimestampColumn(bytes, n, new Float64Array(n)));
      }),
      { numRuns: 500 },
    );
  });
});
