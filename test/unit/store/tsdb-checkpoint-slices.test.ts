/**
 * Slices of the chunked store's incremental checkpoint (src/store/tsdb/checkpoint-slices.ts): which series a slice
 * holds, the series and byte bounds, series that lose their open chunk or join the head after the start, and a
 * slice taken again after a failed write.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointSlices } from '../../../src/store/tsdb/checkpoint-slices.ts';
import { Head, type CutChunk } from '../../../src/store/tsdb/head.ts';

/** A head of `n` series (ids 0..n-1), each with `samples` samples 1 s apart in its open chunk. */
function headOf(n: number, samples: number): Head {
  const h = new Head({
    maxSamplesPerChunk: 1000,
    maxChunkSpanMs: 3_600_000,
    maxChunkBytes: 1 << 24,
    maxHeadSeries: 1000,
    maxHeadBytes: 1 << 30,
  });
  const cuts: CutChunk[] = [];
  for (let i = 0; i < n; i++) {
    const s = h.add(i, `s${i}`, -Infinity);
    for (let k = 0; k < samples; k++) h.append(s, k * 1000, Math.sin(k + i) * 1e6, cuts);
  }
  return h;
}

const ids = (slice: readonly { id: number }[]) => slice.map((s) => s.id);

describe('checkpoint slices', () => {
  it('splits the series holding samples into slices of at most checkpointSliceSeries, in head order', () => {
    const h = headOf(10, 5);
    h.add(99, 'empty', -Infinity); // no open chunk: nothing to write
    const c = new CheckpointSlices({ checkpointSliceSeries: 4, checkpointSliceBytes: 1 << 20 });
    assert.equal(c.active, false);
    c.begin(h.all(), 7);
    assert.equal(c.active, true);
    assert.equal(c.remaining, 10);
    const got: number[][] = [];
    for (;;) {
      got.push(ids(c.take()));
      const last = c.lastTaken;
      c.commit();
      if (last) break;
    }
    assert.deepEqual(got, [
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    assert.equal(c.remaining, 0);
    assert.equal(c.end(), 7);
    assert.equal(c.active, false);
    assert.throws(() => c.end());
  });

  it('bounds a slice by open-chunk bytes, with at least one series per slice', () => {
    const h = headOf(6, 50);
    const one = h.getById(0)!.app!.encodedBytes;
    const c = new CheckpointSlices({ checkpointSliceSeries: 100, checkpointSliceBytes: 2 * one + 1 });
    c.begin(h.all(), 1);
    assert.equal(c.take().length, 2);
    const tiny = new CheckpointSlices({ checkpointSliceSeries: 100, checkpointSliceBytes: 1 });
    tiny.begin(h.all(), 1);
    assert.deepEqual(ids(tiny.take()), [0]);
  });

  it('skips series whose open chunk was cut or dropped since the start, and leaves out series added since', () => {
    const h = headOf(6, 5);
    const c = new CheckpointSlices({ checkpointSliceSeries: 3, checkpointSliceBytes: 1 << 20 });
    c.begin(h.all(), 1);
    const cuts: CutChunk[] = [];
    h.cut(h.getById(1)!, cuts); // its samples now wait as a cut chunk (written by the last slice)
    h.getById(2)!.app = undefined; // retention dropped it
    const late = h.add(50, 'late', -Infinity);
    h.append(late, 0, 1, cuts);
    assert.deepEqual(ids(c.take()), [0, 3, 4]);
    c.commit();
    assert.deepEqual(ids(c.take()), [5]);
    assert.equal(c.lastTaken, true);
  });

  it('takes the same slice again when the last one was not committed (a failed write)', () => {
    const h = headOf(5, 5);
    const c = new CheckpointSlices({ checkpointSliceSeries: 2, checkpointSliceBytes: 1 << 20 });
    c.begin(h.all(), 1);
    assert.deepEqual(ids(c.take()), [0, 1]);
    assert.deepEqual(ids(c.take()), [0, 1]);
    c.commit();
    assert.deepEqual(ids(c.take()), [2, 3]);
    assert.equal(c.remaining, 3);
  });
});
