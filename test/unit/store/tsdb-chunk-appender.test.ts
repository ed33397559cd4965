/**
 * The head's open chunk keeps both streams and their encoder state in its own fields (codec/chunk.ts
 * `ChunkAppender`): its blob is the format spelled out bit by bit (chunk-stream-reference.ts) at every point of a
 * series, its capacity grows as the two separate stream writers' did (the head's memory accounting), a rejected
 * timestamp changes nothing, and every chunk the head cuts (by count, span or size, split, after merges of late
 * samples) holds the compacted reference blob of exactly its samples.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidInputError } from '../../../src/errors.ts';
import { ChunkAppender, compactChunk, decodeChunk } from '../../../src/store/tsdb/codec/chunk.ts';
import { uvarintLength, writeUvarint } from '../../../src/store/tsdb/codec/varint.ts';
import { Head, type CutChunk, type HeadSeries } from '../../../src/store/tsdb/head.ts';
import {
  bitsOf,
  fromHalves,
  referenceTimestamps,
  referenceXor,
  series,
  timestampSeries,
  value,
} from './chunk-stream-reference.ts';

/** Prometheus' stale marker (a NaN with this payload). */
const STALE_NAN = fromHalves(0x7ff00000, 2);

/** The format-1 blob of the samples, from the bit-by-bit streams. */
function referenceBlob(ts: readonly number[], vs: readonly number[]): Uint8Array {
  const t = referenceTimestamps(ts);
  const v = referenceXor(vs);
  const n = ts.length;
  const out = new Uint8Array(1 + uvarintLength(n) + uvarintLength(t.length) + t.length + v.length);
  out[0] = 1;
  let off = writeUvarint(out, 1, n);
  off = writeUvarint(out, off, t.length);
  out.set(t, off);
  out.set(v, off + t.length);
  return out;
}

/** Capacity of a stream writer that started at `initial` bytes and doubled until `bytes` fit. */
function capacity(initial: number, bytes: number): number {
  let c = initial;
  while (c < bytes) c *= 2;
  return c;
}

const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');

/** Samples: increasing timestamps with a value each (stale markers and repeats included). */
const drawn = fc
  .tuple(timestampSeries, series, fc.array(fc.nat({ max: 299 }), { maxLength: 6 }))
  .map(([ts, vs, stale]) => {
    const n = Math.min(ts.length, vs.length);
    const v = vs.slice(0, n);
    for (const i of stale) if (i < n) v[i] = STALE_NAN;
    return { ts: ts.slice(0, n), vs: v };
  });
/** A scrape's series over 100-400 samples: 1 s with a few ms of jitter, a decimal random walk with repeats. */
const scraped = fc
  .tuple(
    fc.integer({ min: 100, max: 400 }),
    fc.integer({ min: 0, max: 2 ** 31 }),
    fc.constantFrom(0, 0.5, 0.9),
  )
  .map(([n, seed, repeat]) => {
    let x = seed;
    const rnd = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const ts: number[] = [];
    const vs: number[] = [];
    let t = 1_700_000_000_000;
    let v = 100;
    for (let i = 0; i < n; i++) {
      t += 1000 + Math.floor(rnd() * 7) - 3;
      if (rnd() >= repeat) v = Math.round((v + rnd() * 10 - 5) * 100) / 100;
      ts.push(t);
      vs.push(rnd() < 0.01 ? STALE_NAN : v);
    }
    return { ts, vs };
  });
const samples = fc.oneof(drawn, scraped);

describe('the head open chunk with its streams in its own fields', () => {
  it('gives the spelled-out format at every point of a series, and grows like the two stream writers', () => {
    fc.assert(
      fc.property(samples, fc.constantFrom(1, 2, 16, 64), ({ ts, vs }, initial) => {
        const a = new ChunkAppender(initial);
        assert.equal(a.count, 0);
        assert.equal(a.minTs, undefined);
        assert.equal(a.maxTs, undefined);
        assert.equal(a.allocatedBytes, 2 * initial);
        for (let i = 0; i < ts.length; i++) {
          a.append(ts[i]!, vs[i]!);
          if (i % 17 !== 16 && i !== ts.length - 1) continue;
          const want = referenceBlob(ts.slice(0, i + 1), vs.slice(0, i + 1));
          assert.equal(hex(a.bytes()), hex(want));
          assert.equal(a.encodedBytes, want.length);
          assert.equal(a.count, i + 1);
          assert.equal(a.minTs, ts[0]);
          assert.equal(a.maxTs, ts[i]);
          const tsBytes = referenceTimestamps(ts.slice(0, i + 1)).length;
          const vBytes = referenceXor(vs.slice(0, i + 1)).length;
          assert.equal(a.allocatedBytes, capacity(initial, tsBytes) + capacity(initial, vBytes));
        }
        assert.equal(hex(a.compactBytes()), hex(compactChunk(referenceBlob(ts, vs))));
      }),
      { numRuns: 150 },
    );
  });

  it('a rejected timestamp (not after the last, not an integer, out of range) changes nothing', () => {
    const bad = fc.oneof(
      fc.constant('repeat' as const),
      fc.constant('earlier' as const),
      fc.constantFrom(Number.NaN, 1.5, Infinity, 2 ** 51, -(2 ** 51)),
    );
    fc.assert(
      fc.property(samples, fc.array(fc.tuple(fc.nat(), bad), { maxLength: 8 }), ({ ts, vs }, bads) => {
        const a = new ChunkAppender();
        const at = new Map(bads.map(([i, b]) => [i % (ts.length + 1), b]));
        for (let i = 0; i <= ts.length; i++) {
          const b = at.get(i);
          if (b !== undefined) {
            let t: number;
            if (b === 'repeat') t = i > 0 ? ts[i - 1]! : Number.NaN;
            else if (b === 'earlier') t = i > 0 ? ts[i - 1]! - 1 : Number.NaN;
            else t = b;
            assert.throws(() => a.append(t, 1), InvalidInputError);
            assert.equal(a.count, i);
            assert.equal(a.minTs, i > 0 ? ts[0] : undefined);
          }
          if (i < ts.length) a.append(ts[i]!, vs[i]!);
        }
        assert.equal(hex(a.bytes()), hex(referenceBlob(ts, vs)));
      }),
      { numRuns: 100 },
    );
  });

  it('every chunk the head cuts (count, span, size, split, after merged late samples) is the compacted reference blob of its samples', () => {
    type Op =
      | { kind: 'append'; series: number; gap: number; v: number }
      | { kind: 'late'; series: number; back: number; v: number }
      | { kind: 'cut'; series: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.record({
          kind: fc.constant('append' as const),
          series: fc.nat({ max: 2 }),
          gap: fc.oneof(
            fc.constant(1000),
            fc.integer({ min: 990, max: 1010 }),
            fc.integer({ min: 1, max: 9000 }),
          ),
          v: fc.oneof(value, fc.constant(STALE_NAN)),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constant('late' as const),
          series: fc.nat({ max: 2 }),
          back: fc.integer({ min: 0, max: 5000 }),
          v: value,
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), series: fc.nat({ max: 2 }) }) },
    );
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 400 }),
        fc.record({
          maxSamplesPerChunk: fc.integer({ min: 2, max: 150 }),
          maxChunkSpanMs: fc.integer({ min: 3000, max: 200_000 }),
          maxChunkBytes: fc.integer({ min: 40, max: 2000 }),
        }),
        (ops, lim) => {
          const head = new Head({ ...lim, maxHeadSeries: 100, maxHeadBytes: 1 << 30 });
          const ss: HeadSeries[] = [0, 1, 2].map((i) => head.add(i + 1, `s${i}`, -Infinity));
          /** What each series holds (time-ordered; a late duplicate keeps the stored sample). */
          const model = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
          const cuts: CutChunk[] = [];
          const clock = [1_700_000_000_000, 1_700_000_000_000, 1_700_000_000_000];
          for (const o of ops) {
            const s = ss[o.series]!;
            head.nextBatch();
            if (o.kind === 'append') {
              clock[o.series]! += o.gap;
              const t = clock[o.series]!;
              head.append(s, t, o.v, cuts);
              model[o.series]!.set(t, o.v);
            } else if (o.kind === 'late') {
              const app = s.app;
              if (app === undefined || app.count === 0) continue;
              const t = Math.max(app.minTs!, app.maxTs! - o.back);
              head.merge(s, [t], [o.v]);
              if (!model[o.series]!.has(t)) model[o.series]!.set(t, o.v);
            } else head.cut(s, cuts, true);
          }
          const got = [new Map<number, number>(), new Map<number, number>(), new Map<number, number>()];
          /** Checks `data` against the reference blob of its own samples (compacted unless `raw`) and records them. */
          const check = (seriesId: number, data: Uint8Array, raw: boolean): void => {
            const d = decodeChunk(data);
            const ts = [...d.timestampsMs];
            const vs = [...d.values];
            const want = referenceBlob(ts, vs);
            assert.equal(hex(data), hex(raw ? want : compactChunk(want)));
            for (let i = 0; i < ts.length; i++) got[seriesId - 1]!.set(ts[i]!, vs[i]!);
          };
          for (const c of cuts) check(c.seriesId, c.data, false);
          for (const s of ss) if (s.app !== undefined && s.app.count > 0) check(s.id, s.app.bytes(), true);
          for (let i = 0; i < 3; i++) {
            const want = [...model[i]!].sort((a, b) => a[0] - b[0]);
            const have = [...got[i]!].sort((a, b) => a[0] - b[0]);
            assert.equal(have.length, want.length);
            for (let k = 0; k < want.length; k++) {
              assert.equal(have[k]![0], want[k]![0]);
              // A NaN's payload may not survive a JS array (V8 stores one NaN in double arrays): any NaN for a NaN.
              const [h, w] = [have[k]![1], want[k]![1]];
              if (!(Number.isNaN(h) && Number.isNaN(w))) assert.equal(bitsOf(h), bitsOf(w));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
