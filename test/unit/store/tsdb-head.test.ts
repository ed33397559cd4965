/**
 * Head of the chunked store: chunks are cut at the sample and span limits, out-of-order samples merge into the
 * open chunk, and the series and byte limits hold after every batch (the memory bound).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeChunk } from '../../../src/store/tsdb/codec/chunk.ts';
import { Head, type CutChunk, type HeadLimits } from '../../../src/store/tsdb/head.ts';

const limits = (over: Partial<HeadLimits> = {}): HeadLimits => ({
  maxSamplesPerChunk: 4,
  maxChunkSpanMs: 10_000,
  maxChunkBytes: 1 << 24,
  maxHeadSeries: 100,
  maxHeadBytes: 1 << 30,
  ...over,
});

describe('tsdb head', () => {
  it('cuts a chunk when it is full and when a sample is past its span; cut chunks hold exactly the samples', () => {
    const h = new Head(limits());
    const s = h.add(1, 'a', -Infinity);
    const cuts: CutChunk[] = [];
    for (let i = 0; i < 9; i++) h.append(s, i * 1000, i, cuts);
    assert.deepEqual(
      cuts.map((c) => [c.startTs, c.endTs, c.samples]),
      [
        [0, 3000, 4],
        [4000, 7000, 4],
      ],
    );
    assert.deepEqual([...decodeChunk(cuts[1]!.data).values], [4, 5, 6, 7]);
    h.append(s, 30_000, 9, cuts); // 22 s after the open chunk's first sample (8000): span cut
    assert.deepEqual(
      cuts.map((c) => c.samples),
      [4, 4, 1],
    );
    assert.equal(s.app!.count, 1);
    assert.equal(s.lastTs, 30_000);
  });

  it('merges out-of-order samples into the open chunk; the stored sample wins a duplicate', () => {
    const h = new Head(limits({ maxSamplesPerChunk: 100 }));
    const s = h.add(1, 'a', -Infinity);
    const cuts: CutChunk[] = [];
    for (const t of [0, 2000, 4000]) h.append(s, t, t, cuts);
    assert.equal(h.merge(s, [1000, 2000, 3000], [-1, -2, -3]), 1);
    const d = decodeChunk(s.app!.bytes());
    assert.deepEqual([...d.timestampsMs], [0, 1000, 2000, 3000, 4000]);
    assert.deepEqual([...d.values], [0, -1, 2000, -3, 4000]);
    assert.equal(cuts.length, 0);
  });

  it('holds the series limit: the longest idle series are cut and dropped', () => {
    const h = new Head(limits({ maxHeadSeries: 10 }));
    const cuts: CutChunk[] = [];
    for (let b = 0; b < 5; b++) {
      h.nextBatch();
      for (let i = 0; i < 8; i++) {
        const key = `s${b * 8 + i}`;
        const s = h.get(key) ?? h.add(b * 8 + i, key, -Infinity);
        h.append(s, 1000 * b, i, cuts);
      }
      h.enforceLimits(cuts);
      assert.ok(h.size <= 10, `batch ${b}: ${h.size} series`);
    }
    // The newest batch survives; every dropped series' samples went out as cut chunks.
    for (let i = 32; i < 40; i++) assert.ok(h.get(`s${i}`), `s${i} kept`);
    assert.equal(cuts.reduce((n, c) => n + c.samples, 0) + h.openSamples(), 40);
  });

  it('holds the byte limit after every batch, cutting the largest open chunks first', () => {
    const maxHeadBytes = 64 * 1024;
    const h = new Head(limits({ maxSamplesPerChunk: 60_000, maxChunkSpanMs: 86_400_000, maxHeadBytes }));
    const cuts: CutChunk[] = [];
    let t = 0;
    let total = 0;
    for (let b = 0; b < 200; b++) {
      h.nextBatch();
      t += 1000;
      for (let i = 0; i < 50; i++) {
        const key = `series_with_a_long_name{instance="node-${i}:9100"}`;
        const s = h.get(key) ?? h.add(i, key, -Infinity);
        h.append(s, t, Math.random() * 1e9, cuts); // noisy values: about 8 bytes per sample
        total++;
      }
      h.enforceLimits(cuts);
      assert.ok(h.accountedBytes <= maxHeadBytes, `batch ${b}: ${h.accountedBytes} bytes`);
    }
    assert.ok(cuts.length > 0, 'the limit made the head cut chunks');
    assert.equal(cuts.reduce((n, c) => n + c.samples, 0) + h.openSamples(), total, 'no sample lost');
  });
});
