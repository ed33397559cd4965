/**
 * Chunk codec: known answers derived by hand from the format (bits spelled out below), round trips of every
 * double bit pattern and timestamp sequence (fast-check), and corrupt input rejected with a clear error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import { BitWriter, padded, readBits } from '../../../src/store/tsdb/codec/bits.ts';
import { ChunkAppender, decodeChunk, encodeChunk } from '../../../src/store/tsdb/codec/chunk.ts';
import {
  decodeRollupLast,
  decodeRollupRest,
  encodeRollup,
} from '../../../src/store/tsdb/codec/rollup-chunk.ts';
import {
  readUvarint,
  unzigzag,
  uvarintLength,
  writeUvarint,
  zigzag,
} from '../../../src/store/tsdb/codec/varint.ts';

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** Strictly increasing safe-integer timestamps with the given count, from small gaps (dod buckets) to huge ones. */
const timestamps = (minLength = 1, maxLength = 300): fc.Arbitrary<number[]> =>
  fc
    .tuple(
      fc.integer({ min: -1e15, max: 1e15 }),
      fc.array(
        fc.oneof(
          fc.constant(1000),
          fc.integer({ min: 995, max: 1005 }),
          fc.integer({ min: 1, max: 5000 }),
          fc.integer({ min: 1, max: 2 ** 40 }),
        ),
        { minLength: minLength - 1, maxLength: maxLength - 1 },
      ),
    )
    .map(([start, gaps]) => {
      const out = [start];
      for (const g of gaps) out.push(out[out.length - 1]! + g);
      return out;
    });

describe('tsdb codec', () => {
  it('encodes a raw chunk exactly as the format says (known answer)', () => {
    // Timestamps: 1000 as 64-bit zigzag (2000 = 0x7d0); dod 1000 → '1110' + 12 bits of 1000 + 2047 = 0xbe7;
    // dod 0 → '0'; dod 5 → '10' + 7 bits of 5 + 63 = 68: 1110 101111100111 0 10 1000100 → eb e7 51 00.
    // Values: 1.0 raw (3ff0...); 1.0 again → '0'; 2.0 XOR 1.0 = 0x7ff0..0 → '11' + leading 1 (00001) +
    // 11 significant bits (001011) + 11111111111; 2.0 again → '0': 0 11 00001 001011 11111111111 0 → 61 2f ff 80.
    const blob = encodeChunk([1000, 2000, 3000, 4005], [1, 1, 2, 2]);
    assert.equal(
      hex(blob),
      '01' + '04' + '0c' + '00000000000007d0' + 'ebe75100' + '3ff0000000000000' + '612fff80',
    );
    const d = decodeChunk(blob);
    assert.deepEqual([...d.timestampsMs], [1000, 2000, 3000, 4005]);
    assert.deepEqual([...d.values], [1, 1, 2, 2]);
  });

  it('reuses the previous XOR window when the new XOR fits in it (known answer)', () => {
    // 2.0 → 3.0: XOR 0x0008000000000000 (12 leading zeros, 51 trailing, 1 significant bit):
    //   '11' + 01100 + 000001 + '1';
    // 3.0 → 2.0: the same XOR fits the previous window → '10' + the 1 significant bit '1'.
    // 11011000000011 101 → d8 0e 80, after the 64 raw bits of 2.0.
    const blob = encodeChunk([0, 1, 2], [2, 3, 2]);
    assert.equal(hex(blob.subarray(blob.length - 11)), '4000000000000000' + 'd80e80');
    assert.deepEqual([...decodeChunk(blob).values], [2, 3, 2]);
  });

  it('round-trips any doubles (NaN payloads, ±0, ±Inf, subnormals) and timestamps bit-exactly', () => {
    fc.assert(
      fc.property(
        timestamps().chain((ts) =>
          fc.tuple(
            fc.constant(ts),
            fc.array(
              fc.oneof(
                fc.double(),
                fc.integer().map((i) => i * 1.5),
                fc.constant(0),
              ),
              { minLength: ts.length, maxLength: ts.length },
            ),
          ),
        ),
        ([ts, vs]) => {
          const d = decodeChunk(encodeChunk(ts, vs));
          assert.deepEqual([...d.timestampsMs], ts);
          for (let i = 0; i < vs.length; i++)
            assert.ok(Object.is(d.values[i], vs[i]), `value ${i}: ${d.values[i]} vs ${vs[i]}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('round-trips NaN payload bits exactly', () => {
    const f = new Float64Array(3);
    const u = new Uint32Array(f.buffer);
    u[1] = 0x7ff80000;
    u[0] = 1; // a quiet NaN with payload 1
    u[3] = 0xfff00000;
    u[2] = 0xdeadbeef; // a signalling-pattern NaN
    f[2] = Number.NaN;
    const d = decodeChunk(encodeChunk([1, 2, 3], f));
    assert.deepEqual([...new Uint32Array(d.values.buffer)], [...u]);
  });

  it('an appender yields the same blob as encodeChunk at every length', () => {
    fc.assert(
      fc.property(timestamps(1, 100), (ts) => {
        const vs = ts.map((t) => Math.sin(t) * 1e6);
        const a = new ChunkAppender(1);
        for (let i = 0; i < ts.length; i++) {
          a.append(ts[i]!, vs[i]!);
          assert.equal(a.count, i + 1);
          assert.equal(a.maxTs, ts[i]);
        }
        assert.equal(a.minTs, ts[0]);
        assert.equal(hex(a.bytes()), hex(encodeChunk(ts, vs)));
        assert.equal(a.bytes().length, a.encodedBytes);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects timestamps that do not increase and mismatched arrays', () => {
    assert.throws(() => encodeChunk([1, 1], [0, 0]), /not after/);
    assert.throws(() => encodeChunk([2, 1], [0, 0]), /not after/);
    assert.throws(() => encodeChunk([1.5], [0]), /not an integer within/);
    assert.throws(() => encodeChunk([2 ** 51], [0]), /not an integer within/);
    assert.throws(() => encodeChunk([1, 2], [0]), /2 timestamps but 1 values/);
    assert.throws(() => encodeChunk([], []), /no samples/);
    assert.throws(() => new ChunkAppender().bytes(), StoreError);
  });

  it('rejects truncated and corrupt blobs with a StoreError', () => {
    const blob = encodeChunk([0, 1000, 2000], [1.5, 2.5, 3.5]);
    assert.throws(
      () => decodeChunk(blob.subarray(0, blob.length - 3)),
      (e: unknown) => e instanceof StoreError && /ends early/.test(e.message),
    );
    assert.throws(
      () => decodeChunk(Uint8Array.of(9, 1, 0)),
      (e: unknown) => e instanceof StoreError && /format byte 9/.test(e.message),
    );
    const badLen = Uint8Array.from(blob);
    badLen[2] = 200; // timestamp stream longer than the blob
    assert.throws(() => decodeChunk(badLen), /longer than the blob/);
  });

  it('rollup blobs round-trip every column; the last part decodes alone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }).chain((n) =>
          fc.record({
            start: fc.integer({ min: -1e6, max: 1e6 }).map((k) => k * 60_000),
            present: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
            vals: fc.array(
              fc.tuple(fc.double(), fc.double(), fc.double(), fc.double(), fc.integer({ min: 1, max: 1e6 })),
              { minLength: n, maxLength: n },
            ),
          }),
        ),
        ({ start, present, vals }) => {
          const ts: number[] = [];
          present.forEach((p, i) => {
            if (p || i === 0) ts.push(start + i * 60_000);
          });
          const v = vals.slice(0, ts.length);
          const cols = {
            timestampsMs: ts,
            min: v.map((x) => x[0]),
            max: v.map((x) => x[1]),
            sum: v.map((x) => x[2]),
            last: v.map((x) => x[3]),
            count: v.map((x) => x[4]),
          };
          const blobs = encodeRollup(cols);
          const last = decodeRollupLast(blobs.last);
          const rest = decodeRollupRest(blobs.rest);
          assert.deepEqual([...last.timestampsMs], ts);
          assert.deepEqual([...rest.count], cols.count);
          cols.last.forEach((x, i) => assert.ok(Object.is(last.last[i], x)));
          for (const c of ['min', 'max', 'sum'] as const)
            cols[c].forEach((x, i) => assert.ok(Object.is(rest[c][i], x)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('a regular rollup timestamp column costs one bit per bucket after the second (known sizes)', () => {
    const n = 1440;
    const ts = Array.from({ length: n }, (_, i) => i * 60_000);
    const ones = Array.from({ length: n }, () => 1);
    const halves = Array.from({ length: n }, () => 0.5);
    const blobs = encodeRollup({
      timestampsMs: ts,
      count: ones,
      min: ones,
      max: ones,
      sum: ones,
      last: halves,
    });
    // ts: 64 bits, then dod 60000 → '1111' + 64 bits, then 1438 × '0' = 1570 bits = 197 bytes; a constant XOR
    // column: 64 + 1439 bits = 188 bytes. Last part: format, n (2 bytes), ts length (2), ts, last.
    assert.equal(blobs.last.length, 1 + 2 + 2 + 197 + 188);
    assert.equal(blobs.last[0], 2);
    // Integer lasts are packed: the first value (1 byte), then 12 frames of 128 differences, each a base of 0
    // (1 byte) and a bit width of 0 (1 byte), no packed words.
    const ints = encodeRollup({ timestampsMs: ts, count: ones, min: ones, max: ones, sum: ones, last: ones });
    assert.equal(ints.last.length, 1 + 2 + 2 + 197 + 1 + 12 * 2);
    assert.equal(ints.last[0], 5);
    // Rest part: format, n, three lengths (2 bytes each), 1440 one-byte counts, min, max, sum.
    assert.equal(blobs.rest.length, 1 + 2 + 3 * 2 + 1440 + 3 * 188);
    assert.throws(
      () => encodeRollup({ timestampsMs: [0], count: [0], min: [1], max: [1], sum: [1], last: [1] }),
      /count 0/,
    );
    assert.throws(() => decodeRollupLast(blobs.rest), /format byte 3/);
  });

  it('varints and zigzag round-trip safe integers; bad input is rejected', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.maxSafeNat(), (s, u) => {
        assert.equal(unzigzag(zigzag(s)), s);
        const buf = new Uint8Array(10);
        const end = writeUvarint(buf, 0, u);
        assert.equal(end, uvarintLength(u));
        assert.deepEqual(readUvarint(buf, 0), { value: u, next: end });
      }),
    );
    assert.deepEqual([zigzag(0), zigzag(-1), zigzag(1), zigzag(-2)], [0, 1, 2, 3]);
    assert.throws(() => writeUvarint(new Uint8Array(10), 0, -1), /non-negative safe integer/);
    assert.throws(() => readUvarint(Uint8Array.of(0x80, 0x80), 0), /end inside/);
  });

  it('bit streams: writes of 1..32 bits read back through the window, bounds hold', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .integer({ min: 1, max: 32 })
            .chain((n) =>
              fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n === 32 ? 0xffffffff : 2 ** n - 1 })),
            ),
          { maxLength: 200 },
        ),
        (ws) => {
          const w = new BitWriter(1);
          for (const [n, v] of ws) w.writeBits(v, n);
          const b = padded(w.bytes());
          let pos = 0;
          for (const [n, v] of ws) {
            assert.equal(readBits(b, pos, n), v);
            pos += n;
          }
          assert.equal(pos, w.bitLength);
        },
      ),
    );
    const small = new BitWriter(1, 2);
    small.writeBits(0xffff, 16);
    assert.throws(
      () => small.writeBit(1),
      (e: unknown) => e instanceof StoreError && /limit of 2 bytes/.test(e.message),
    );
  });
});
