/**
 * Raw chunk format 2 (compactChunk): every encoding round-trips every double and timestamp sequence bit-exactly
 * (fast-check: NaN payloads, the stale-marker NaN, −0, ±Inf, subnormals), format-1 blobs still decode, scrape-like
 * chunks shrink to the sizes the encodings promise, cut chunks are stored compacted, and corrupt format-2 blobs
 * are rejected.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import {
  COMPACT_CHUNK_FORMAT,
  compactChunk,
  decodeChunk,
  encodeChunk,
  RAW_CHUNK_FORMAT,
} from '../../../src/store/tsdb/codec/chunk.ts';
import { fromDecimal, toDecimal } from '../../../src/store/tsdb/codec/decimal.ts';
import { decodeIntColumn, planIntColumn, writeIntColumn } from '../../../src/store/tsdb/codec/int-column.ts';
import { Head, type CutChunk } from '../../../src/store/tsdb/head.ts';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** The double with the given bit pattern (any NaN payload). */
const fromBits = (hi: number, lo: number): number => {
  u32[1] = hi >>> 0;
  u32[0] = lo >>> 0;
  return f64[0]!;
};
const bitsOf = (v: number): string => {
  f64[0] = v;
  return `${u32[1]!.toString(16)}:${u32[0]!.toString(16)}`;
};
/** Prometheus' stale marker: a NaN with payload 2. */
const STALE = fromBits(0x7ff00000, 2);

/** Any double: random bit patterns (NaN payloads, subnormals), specials, and decimal-looking values. */
const anyDouble = fc.oneof(
  fc
    .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
    .map(([h, l]) => fromBits(h, l)),
  fc.constantFrom(
    0,
    -0,
    Infinity,
    -Infinity,
    NaN,
    STALE,
    Number.MIN_VALUE,
    -Number.MIN_VALUE,
    2 ** -1074 * 3,
  ),
  fc.double(),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 15 })).map(([m, e]) => m / 10 ** e),
);
/** Values as a scrape sees them: runs of one kind (counter, decimal gauge, any double) so every mode is chosen. */
const values = (n: number): fc.Arbitrary<number[]> =>
  fc.oneof(
    fc.array(anyDouble, { minLength: n, maxLength: n }),
    fc
      .tuple(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }),
      )
      .map(([s, inc]) => {
        let v = s;
        return inc.map((d) => (v += d));
      }),
    fc
      .tuple(
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: n, maxLength: n }),
      )
      .map(([e, ms]) => ms.map((m) => m / 10 ** e)),
  );
/** Strictly increasing timestamps: jitter around a 1 s grid, drift, gaps, and huge steps. */
const timestamps = (n: number): fc.Arbitrary<number[]> =>
  fc
    .tuple(
      fc.integer({ min: -(2 ** 49), max: 2 ** 49 }),
      fc.array(
        fc.oneof(
          fc.integer({ min: 0, max: 3 }).map((j) => ({ grid: true, v: j })),
          fc.integer({ min: 995, max: 1400 }).map((g) => ({ grid: false, v: g })),
          fc.integer({ min: 1, max: 2 ** 30 }).map((g) => ({ grid: false, v: g })),
        ),
        { minLength: n - 1, maxLength: n - 1 },
      ),
    )
    .map(([start, steps]) => {
      const out = [start];
      let base = start;
      for (const s of steps) {
        const prev = out[out.length - 1]!;
        base = s.grid ? base + 1000 : prev + s.v;
        out.push(Math.max(prev + 1, s.grid ? base + s.v : base));
      }
      return out;
    });
const chunks = fc
  .integer({ min: 1, max: 300 })
  .chain((n) => fc.tuple(timestamps(n), values(n)))
  .filter(([ts]) => ts.every((t) => Math.abs(t) <= 2 ** 50));

describe('tsdb codec format 2', () => {
  it('integer column: round-trips any safe integers within ±2^50, with outliers, at every order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -3, max: 3 }),
            fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
            fc.maxSafeInteger().map((x) => x % 2 ** 50),
          ),
          { minLength: 1, maxLength: 200 },
        ),
        (xs) => {
          const plan = planIntColumn(xs);
          assert.ok(plan !== undefined);
          const bytes = new Uint8Array(Math.ceil(plan.bits / 8));
          assert.equal(writeIntColumn(bytes, 0, xs, plan), plan.bits);
          const out = new Float64Array(xs.length);
          decodeIntColumn(bytes, xs.length, out);
          assert.deepEqual([...out], xs);
        },
      ),
      { numRuns: 300 },
    );
    assert.equal(planIntColumn([2 ** 52]), undefined);
    assert.equal(planIntColumn([]), undefined);
  });

  it('decimal: every double either has an exact decimal form that comes back bit-identical, or none', () => {
    fc.assert(
      fc.property(fc.array(anyDouble, { minLength: 1, maxLength: 50 }), (vs) => {
        const d = toDecimal(vs);
        if (d === undefined) return;
        const out = new Float64Array(vs.length);
        fromDecimal(d.mantissas, d.exponent, out);
        assert.deepEqual([...out].map(bitsOf), vs.map(bitsOf));
      }),
      { numRuns: 500 },
    );
    for (const special of [NaN, STALE, -0, Infinity, -Infinity, Number.MIN_VALUE, 0.1 + 0.2])
      assert.equal(toDecimal([1, special]), undefined, `no decimal form for ${bitsOf(special)}`);
    assert.deepEqual(toDecimal([1.5, 2, 0.25]), {
      exponent: 2,
      mantissas: Float64Array.from([150, 200, 25]),
    });
  });

  it('round-trips every chunk bit-exactly and is never larger than format 1', () => {
    fc.assert(
      fc.property(chunks, ([ts, vs]) => {
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

  it('format-1 blobs still decode (known answer of format 1)', () => {
    // Two samples (1000 ms: 1.0, 3000 ms: 1.0), as format 1 writes them (see tsdb-codec.test.ts).
    const blob = encodeChunk([1000, 3000], [1, 1]);
    assert.equal(blob[0], RAW_CHUNK_FORMAT);
    assert.equal(compactChunk(blob), blob, 'too short to gain: kept as is');
    const d = decodeChunk(blob);
    assert.deepEqual([...d.timestampsMs], [1000, 3000]);
    assert.deepEqual([...d.values], [1, 1]);
  });

  it('scrape-like chunks: jitter of 0-3 ms costs at most 3 bits per timestamp, a counter of integers at most 8 bits', () => {
    const n = 480;
    const ts: number[] = [];
    const counter: number[] = [];
    const gauge: number[] = [];
    let c = 1_000_000;
    for (let i = 0; i < n; i++) {
      ts.push(1_700_000_000_000 + i * 1000 + ((i * 7919) % 4));
      c += 100 + ((i * 31) % 57);
      counter.push(c);
      gauge.push(Math.round(5000 + 300 * Math.sin(i / 20)) / 100);
    }
    for (const vs of [counter, gauge]) {
      const v1 = encodeChunk(ts, vs);
      const v2 = compactChunk(v1);
      assert.equal(v2[0], COMPACT_CHUNK_FORMAT);
      const tsBits = (v1.length - v2.length) * 8; // the saving, then the sizes themselves below
      assert.ok(tsBits > 0);
      const d = decodeChunk(v2);
      assert.deepEqual([...d.values], vs);
      assert.ok(v2.length * 8 <= n * (3 + 8) + 200, `${v2.length} B for ${n} samples`);
    }
    // Timestamps alone: a constant value costs ~1 bit per sample, so the rest is the timestamp column.
    const flat = compactChunk(encodeChunk(ts, new Array<number>(n).fill(7)));
    assert.ok(flat.length * 8 <= n * (3 + 1) + 200, `${flat.length} B for ${n} jittered timestamps`);
  });

  it('cut chunks are stored in format 2 when smaller', () => {
    const h = new Head({
      maxSamplesPerChunk: 100,
      maxChunkSpanMs: 3_600_000,
      maxChunkBytes: 1 << 24,
      maxHeadSeries: 10,
      maxHeadBytes: 1 << 30,
    });
    const s = h.add(1, 'a', -Infinity);
    const cuts: CutChunk[] = [];
    for (let i = 0; i < 101; i++) h.append(s, 1_700_000_000_000 + i * 1000 + (i % 3), i * 10, cuts);
    assert.equal(cuts.length, 1);
    assert.equal(cuts[0]!.data[0], COMPACT_CHUNK_FORMAT);
    assert.deepEqual(
      [...decodeChunk(cuts[0]!.data).values],
      Array.from({ length: 100 }, (_, i) => i * 10),
    );
  });

  it('rejects corrupt format-2 blobs with a StoreError', () => {
    const ts = Array.from({ length: 50 }, (_, i) => 1_700_000_000_000 + i * 1000 + (i % 2));
    const good = compactChunk(
      encodeChunk(
        ts,
        ts.map((_, i) => i),
      ),
    );
    assert.equal(good[0], COMPACT_CHUNK_FORMAT);
    for (let cut = 3; cut < good.length; cut += 3)
      assert.throws(() => decodeChunk(good.subarray(0, cut)), StoreError, `truncated at ${cut}`);
    const badFormat = good.slice();
    badFormat[0] = 9;
    assert.throws(() => decodeChunk(badFormat), StoreError);
    const badMode = good.slice();
    badMode[3] = 7; // the timestamp section's mode byte (count and length take one byte each here)
    assert.throws(() => decodeChunk(badMode), StoreError);
  });
});
