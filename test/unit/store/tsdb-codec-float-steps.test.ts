/**
 * Float steps (raw chunk format 2, value mode 2): every double sequence either comes back bit-exactly or is
 * refused (fast-check: NaN payloads, −0, ±Inf, subnormals, full-precision counters), powers of two are built
 * exactly, full-precision float counters shrink against XOR, format-2 blobs written before this mode still
 * decode, and corrupt blobs of this mode raise StoreError. Decimal values with a few NaNs (stale markers), ±Inf or
 * −0 keep their decimal column, those values kept whole (mode 3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import {
  compactChunk,
  decodeChunk,
  encodeChunk,
  readChunkHeader,
} from '../../../src/store/tsdb/codec/chunk.ts';
import {
  fromFloatSteps,
  MAX_STEP_EXPONENT,
  MIN_STEP_EXPONENT,
  pow2,
  toFloatSteps,
  ulpExponent,
} from '../../../src/store/tsdb/codec/float-delta.ts';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const fromBits = (hi: number, lo: number): number => {
  u32[1] = hi >>> 0;
  u32[0] = lo >>> 0;
  return f64[0]!;
};
const bitsOf = (v: number): string => {
  f64[0] = v;
  return `${u32[1]!.toString(16)}:${u32[0]!.toString(16)}`;
};
const STALE = fromBits(0x7ff00000, 2);

const anyDouble = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
    .map(([h, l]) => fromBits(h, l)),
  fc.constantFrom(0, -0, Infinity, -Infinity, NaN, STALE, Number.MIN_VALUE, -Number.MIN_VALUE),
  fc.double(),
);
/** A float counter as the simulator exposes it: a full-precision start plus full-precision increments. */
const floatCounter = (n: number): fc.Arbitrary<number[]> =>
  fc
    .tuple(
      fc.double({ min: 1, max: 1e12, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 1e8, noNaN: true }), { minLength: n, maxLength: n }),
    )
    .map(([s, inc]) => {
      let v = s;
      return inc.map((d) => (v += d));
    });
/** A full-precision gauge wandering around a level (may cross zero and change binade). */
const floatGauge = (n: number): fc.Arbitrary<number[]> =>
  fc
    .tuple(
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n }),
    )
    .map(([level, ds]) => ds.map((d) => level + d));
const sequences = fc.integer({ min: 1, max: 200 }).chain((n) =>
  fc.oneof(
    floatCounter(n),
    floatGauge(n),
    fc.array(anyDouble, { minLength: n, maxLength: n }),
    fc.array(fc.oneof(anyDouble, fc.double({ min: 1, max: 2, noNaN: true })), {
      minLength: n,
      maxLength: n,
    }),
  ),
);

/** Value mode byte of a format-2 blob. */
const valueMode = (blob: Uint8Array): number => blob[readChunkHeader(blob).tsEnd]!;

describe('tsdb codec float steps', () => {
  it('pow2 is exact over every exponent a double has, and ulpExponent is the spacing of doubles', () => {
    for (let p = MIN_STEP_EXPONENT; p <= MAX_STEP_EXPONENT; p++) {
      const x = pow2(p);
      assert.ok(x > 0 && Number.isFinite(x), `2^${p}`);
      if (p > MIN_STEP_EXPONENT) assert.equal(pow2(p - 1) * 2, x, `2^${p}`);
    }
    assert.equal(pow2(MIN_STEP_EXPONENT), Number.MIN_VALUE);
    assert.equal(pow2(0), 1);
    assert.equal(pow2(MAX_STEP_EXPONENT), 2 ** 1023);
    assert.equal(ulpExponent(1), -52);
    assert.equal(ulpExponent(1.5), -52);
    assert.equal(ulpExponent(2), -51);
    assert.equal(ulpExponent(0), MIN_STEP_EXPONENT);
    assert.equal(ulpExponent(Number.MIN_VALUE), MIN_STEP_EXPONENT);
    assert.equal(1 + pow2(ulpExponent(1)), 1 + Number.EPSILON);
  });

  it('round-trips every double sequence bit-exactly, or refuses it', () => {
    let taken = 0;
    fc.assert(
      fc.property(sequences, (vs) => {
        const s = toFloatSteps(vs);
        if (s === undefined) return;
        taken++;
        for (const q of s.steps) assert.ok(Number.isSafeInteger(q));
        const out = new Float64Array(vs.length);
        assert.equal(s.wholeAt[0], 0);
        fromFloatSteps(
          s.guard,
          s.wholeAt,
          s.wholeAt.map((i) => vs[i]!),
          s.steps,
          out,
        );
        assert.deepEqual([...out].map(bitsOf), vs.map(bitsOf));
      }),
      { numRuns: 600 },
    );
    assert.ok(taken > 60, `float steps taken for ${taken} of 600 sequences`);
    for (const special of [NaN, STALE, Infinity, -Infinity])
      assert.equal(toFloatSteps([1.5, special]), undefined, `no steps for ${bitsOf(special)}`);
    assert.equal(toFloatSteps([0, -0]), undefined, '−0 after +0 does not come back');
    assert.equal(toFloatSteps([2 ** 60, 1.5]), undefined, 'a difference that is no double');
  });

  it('compacted chunks of any values round-trip bit-exactly through every value mode', () => {
    fc.assert(
      fc.property(sequences, (vs) => {
        const ts = vs.map((_, i) => 1_700_000_000_000 + i * 1000 + (i % 3));
        const v1 = encodeChunk(ts, vs);
        const v2 = compactChunk(v1);
        assert.ok(v2.length <= v1.length);
        const d = decodeChunk(v2);
        assert.deepEqual([...d.timestampsMs], ts);
        assert.deepEqual([...d.values].map(bitsOf), vs.map(bitsOf));
      }),
      { numRuns: 400 },
    );
  });

  it('a full-precision float counter (growing from small values, with a reset) takes float steps (mode 4: split at the reset) and fewer bits than XOR', () => {
    const n = 480;
    const ts = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000);
    let v = 0.1417100322;
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const vs = Array.from(
      { length: n },
      (_, i) => (v = (i === 300 ? 0 : v) + 2e7 * (0.9 + 0.2 * rnd()) + rnd()),
    );
    const s = toFloatSteps(vs);
    // Kept whole: the first value, the reset, and the steps while a value is within 2^2 of its step.
    assert.ok(s !== undefined && s.wholeAt.includes(300) && s.wholeAt.length < 20, `${s?.wholeAt.join(',')}`);
    const v1 = encodeChunk(ts, vs);
    const xorBytes = v1.length - readChunkHeader(v1).tsEnd;
    const v2 = compactChunk(v1);
    assert.equal(valueMode(v2), 4);
    const stepBytes = v2.length - readChunkHeader(v2).tsEnd;
    assert.ok(stepBytes * 8 <= n * 48, `${((stepBytes * 8) / n).toFixed(1)} bits per value`);
    assert.ok(stepBytes < xorBytes * 0.9, `${stepBytes} B against XOR ${xorBytes} B`);
    assert.deepEqual([...decodeChunk(v2).values].map(bitsOf), vs.map(bitsOf));
  });

  it('format-2 blobs written before value mode 2 (XOR values) still decode (known answer)', () => {
    // A float counter of 12 samples compacted by the format-2 encoder before float steps existed.
    const blob = Buffer.from(
      '020c0e01e80700ab179fcad004ecbb2ec80041755278b2bf4944d1c789415f0135705c1462723c91cf530d22957469bc2ac1' +
        '9f1190c3149b70294cdc155bbfd479794c5ea5b115015de360271a9d40b28948036118907465fe02461c1c07eb94bef119f703' +
        '4e2360e5550600',
      'hex',
    );
    assert.equal(valueMode(blob), 0);
    const d = decodeChunk(blob);
    assert.deepEqual(
      [...d.timestampsMs],
      Array.from({ length: 12 }, (_, i) => 1_700_000_000_000 + i * 1000 + ((i * 7) % 4)),
    );
    let v = 1770668.1417100322;
    const want = Array.from({ length: 12 }, (_, i) => (v += 20587231.0299907 + i * 0.1234567891));
    assert.deepEqual([...d.values], want);
  });

  it('rejects corrupt float-step blobs with a StoreError', () => {
    const ts = Array.from({ length: 60 }, (_, i) => 1_700_000_000_000 + i * 1000);
    let v = 123456.789012345;
    const good = compactChunk(
      encodeChunk(
        ts,
        ts.map((_, i) => (v += 1000.000123456789 * (1 + (i % 7) / 10))),
      ),
    );
    assert.equal(valueMode(good), 2);
    const vAt = readChunkHeader(good).tsEnd;
    for (let cut = vAt + 1; cut < good.length; cut += 2)
      assert.throws(() => decodeChunk(good.subarray(0, cut)), StoreError, `truncated at ${cut}`);
    const badExp = good.slice();
    badExp[vAt + 1] = 0xfe; // zigzag exponent with a continuation bit: a huge exponent
    badExp[vAt + 2] = 0x7f;
    assert.throws(() => decodeChunk(badExp), StoreError);
  });

  it('decimal values with NaNs (stale markers), ±Inf and −0 keep their decimal column (mode 3) and every bit', () => {
    const special = fc.constantFrom(NaN, STALE, Infinity, -Infinity, -0, fromBits(0xfff80000, 12345));
    const chunk = fc
      .integer({ min: 16, max: 300 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: n, maxLength: n }),
          fc.array(fc.tuple(fc.nat({ max: n - 1 }), special), { minLength: 1, maxLength: n >> 3 }),
          fc.integer({ min: 0, max: 3 }),
        ),
      );
    let mode3 = 0;
    fc.assert(
      fc.property(chunk, ([steps, holes, e]) => {
        let c = 1000;
        const vs = steps.map((d) => (c += Math.abs(d)) / 10 ** e);
        for (const [i, v] of holes) vs[i] = v;
        const ts = vs.map((_, i) => 1_700_000_000_000 + i * 1000);
        const v2 = compactChunk(encodeChunk(ts, vs));
        if (valueMode(v2) === 3) mode3++;
        assert.deepEqual([...decodeChunk(v2).values].map(bitsOf), vs.map(bitsOf));
      }),
      { numRuns: 300 },
    );
    assert.ok(mode3 > 150, `mode 3 for ${mode3} of 300 chunks`);
  });

  it('an integer counter with stale markers takes a third of its XOR size (mode 3); corrupt blobs raise', () => {
    const n = 480;
    const ts = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1000);
    const vs = Array.from({ length: n }, (_, i) =>
      i % 50 === 49 ? STALE : 1_000_000 + i * 37 + ((i * 7919) % 13),
    );
    const v1 = encodeChunk(ts, vs);
    const v2 = compactChunk(v1);
    assert.equal(valueMode(v2), 3);
    const xorBytes = v1.length - readChunkHeader(v1).tsEnd;
    const bytes = v2.length - readChunkHeader(v2).tsEnd;
    assert.ok(bytes * 3 <= xorBytes, `${bytes} B against XOR ${xorBytes} B`);
    assert.deepEqual([...decodeChunk(v2).values].map(bitsOf), vs.map(bitsOf));
    const vAt = readChunkHeader(v2).tsEnd;
    for (let cut = vAt + 1; cut < v2.length; cut += 3)
      assert.throws(() => decodeChunk(v2.subarray(0, cut)), StoreError, `truncated at ${cut}`);
    const badCount = v2.slice();
    badCount[vAt + 1] = 0; // no whole values
    assert.throws(() => decodeChunk(badCount), StoreError);
  });
});
