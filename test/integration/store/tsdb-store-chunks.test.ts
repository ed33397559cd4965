/**
 * What only the chunked layout (head + WAL + compressed chunks and rollups as blobs) has, on SQLite and on
 * PostgreSQL (tsdb-store-suite.ts): reads merging head and chunks across cuts and checkpoints, out-of-order
 * samples checked against written chunks, WAL replay after a crash, rollups equal to aggregation of the raw
 * samples, retention of raw data and rollups, stepped reads, and the head's memory bound.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidInputError } from '../../../src/errors.ts';
import { type Sample } from '../../../src/model/sample.ts';
import { bucketize } from '../../../src/store/tsdb/rollup.ts';
import { chunkedStoreSuites, DAY, HOUR, MIN, s, T0 } from './tsdb-store-suite.ts';

chunkedStoreSuites('chunked store, chunk layout', ({ open, reopen, walDirOf, test }) => {
  test('reads merge written chunks, checkpoint rows and the head; equal to what was appended', async () => {
    const st = await open({ maxSamplesPerChunk: 7, retentionMs: DAY });
    const want = new Map<string, { t: number[]; v: number[] }>();
    for (let k = 0; k < 60; k++) {
      const batch: Sample[] = [];
      for (let i = 0; i < 5; i++) {
        const v = Math.sin(k * 7 + i) * 1000;
        batch.push(s('dwcp_merge', { i: String(i) }, v, T0 + k * 1000));
        const w = want.get(String(i)) ?? { t: [], v: [] };
        w.t.push(T0 + k * 1000);
        w.v.push(v);
        want.set(String(i), w);
      }
      await st.append(batch);
      if (k === 20 || k === 41) await st.checkpoint();
    }
    const refs = await st.findSeries('dwcp_merge', {}, 10);
    for (const p of await st.readPoints(refs, T0, T0 + HOUR, 1000)) {
      assert.deepEqual(p.timestampsMs, want.get(p.series.labels['i']!)!.t);
      assert.deepEqual(p.values, want.get(p.series.labels['i']!)!.v);
    }
    assert.equal(await st.countSamples(), 300);
    const stats = st.stats();
    assert.equal(stats.chunkWriteErrors, 0);
    assert.ok(stats.pendingChunks < 4096); // cut chunks wait up to chunkWriteIntervalMs to be written together
    assert.ok(stats.checkpoints >= 2);
  });

  test('out-of-order samples: new timestamps are stored wherever they fall, stored ones are duplicates', async () => {
    const st = await open({ maxSamplesPerChunk: 4, retentionMs: DAY });
    const key = { n: '1' };
    for (let k = 0; k < 12; k++) await st.append([s('dwcp_ooo', key, k, T0 + k * 2000)]); // two chunks written, one open
    const r = await st.append([
      s('dwcp_ooo', key, 100, T0 + 1000), // inside a written chunk's range: new
      s('dwcp_ooo', key, 101, T0 + 2000), // written: duplicate
      s('dwcp_ooo', key, 102, T0 + 17_000), // inside the open chunk: new
      s('dwcp_ooo', key, 103, T0 + 18_000), // in the open chunk: duplicate
      s('dwcp_ooo', key, 104, T0 - 5000), // before everything: new
      s('dwcp_ooo', key, 105, T0 - 5000), // same again in the batch: duplicate
    ]);
    assert.deepEqual(r, { stored: 3, rejected: { duplicate: 3 } });
    const [p] = await st.readPoints(await st.findSeries('dwcp_ooo', {}, 1), T0 - HOUR, T0 + HOUR, 100);
    assert.deepEqual(p!.timestampsMs, [
      T0 - 5000,
      T0,
      T0 + 1000,
      ...Array.from({ length: 11 }, (_, k) => T0 + (k + 1) * 2000).flatMap((t) =>
        t === T0 + 18_000 ? [T0 + 17_000, t] : [t],
      ),
    ]);
    assert.equal(p!.values[0], 104);
    assert.equal(p!.values[2], 100);
    assert.equal(await st.countSamples(), 15);
  });

  test('a crash (no checkpoint, WAL left as is) loses no acknowledged sample; replay stores nothing twice', async () => {
    const st = await open({ maxSamplesPerChunk: 10, retentionMs: DAY });
    for (let k = 0; k < 35; k++) {
      await st.append(
        Array.from({ length: 20 }, (_, i) => s('dwcp_crash', { i: String(i) }, k * 100 + i, T0 + k * 1000)),
      );
      if (k === 12) await st.checkpoint();
    }
    st.samples.abandon(); // as kill -9 would leave it: head lost, WAL and written chunks on disk
    const again = await reopen(st);
    const stats = again.stats();
    assert.ok(stats.replay !== undefined && stats.replay.records > 0, 'records were replayed');
    assert.equal(await again.countSamples(), 700);
    const pts = await again.readPoints(await again.findSeries('dwcp_crash', {}, 100), T0, T0 + HOUR, 100);
    assert.equal(pts.length, 20);
    for (const p of pts) {
      const i = Number(p.series.labels['i']);
      assert.deepEqual(
        p.values,
        Array.from({ length: 35 }, (_, k) => k * 100 + i),
      );
    }
    assert.deepEqual(await again.append([s('dwcp_crash', { i: '0' }, 1, T0 + 34_000)]), {
      stored: 0,
      rejected: { duplicate: 1 },
    });
  });

  test('a torn last WAL record loses only that batch; the store opens and keeps appending', async () => {
    const st = await open({ retentionMs: DAY });
    for (let k = 0; k < 10; k++)
      await st.append(
        Array.from({ length: 5 }, (_, i) => s('dwcp_torn', { i: String(i) }, k, T0 + k * 1000)),
      );
    st.samples.abandon();
    const wal = walDirOf(st);
    const last = readdirSync(wal)
      .filter((f) => f.endsWith('.wal'))
      .sort()
      .at(-1)!;
    truncateSync(join(wal, last), statSync(join(wal, last)).size - 3); // the crash tore the last record
    const again = await reopen(st);
    assert.equal(await again.countSamples(), 45, 'the first nine batches survive');
    assert.ok((again.stats().replay?.droppedBytes ?? 0) > 0);
    assert.deepEqual(
      await again.append(Array.from({ length: 5 }, (_, i) => s('dwcp_torn', { i: String(i) }, 9, T0 + 9000))),
      { stored: 5, rejected: {} },
    );
    assert.equal(await again.countSamples(), 50);
  });

  test('rollups equal min, max, sum, count and last of the raw samples per bucket; the newest hour comes from raw', async () => {
    const start = Math.floor(T0 / DAY) * DAY;
    const st = await open({ retentionMs: 2 * DAY, now: () => start + 3 * HOUR });
    const series = 3;
    for (let k = 0; k < 3 * 3600; k += 7) {
      await st.append(
        Array.from({ length: series }, (_, i) =>
          s(
            'dwcp_roll',
            { i: String(i) },
            Math.round(Math.sin(k / 500 + i) * 1e4) / 7,
            start + k * 1000 + (k % 3),
          ),
        ),
      );
    }
    await st.applyRetention(start + 2 * HOUR + 10 * MIN); // rolls up hours 0 and 1; hour 2 stays raw
    assert.equal(st.stats().rollupWatermarkMs, start + 2 * HOUR);
    const refs = await st.findSeries('dwcp_roll', {}, 10);
    const raw = await st.readPoints(refs, start, start + 3 * HOUR, 1_000_000);
    for (const res of [MIN, HOUR] as const) {
      const got = await st.readRollups(refs, start, start + 3 * HOUR - 1, res);
      for (let i = 0; i < refs.length; i++) {
        const want = bucketize(raw[i]!.timestampsMs, raw[i]!.values, res);
        assert.deepEqual(got[i]!.timestampsMs, want.timestampsMs, `resolution ${res}`);
        assert.deepEqual(got[i]!.count, want.count);
        assert.deepEqual(got[i]!.min, want.min);
        assert.deepEqual(got[i]!.max, want.max);
        assert.deepEqual(got[i]!.sum, want.sum);
        assert.deepEqual(got[i]!.last, want.last);
      }
    }
    // A late sample in a rolled-up hour marks it dirty; the next run recomputes it.
    await st.append([s('dwcp_roll', { i: '0' }, 1e9, start + 30 * MIN + 1)]);
    await st.applyRetention(start + 2 * HOUR + 11 * MIN);
    const [h] = await st.readRollups(refs.slice(0, 1), start, start + HOUR - 1, HOUR);
    assert.equal(h!.max[0], 1e9);
    // Stepped reads: 1-minute buckets for a 60 s step, raw for 15 s.
    const m = await st.readForStep(refs, start, start + 3 * HOUR - 1, MIN, 10_000);
    assert.equal(m.resolutionMs, MIN);
    assert.equal(m.points[1]!.timestampsMs.length, 180);
    assert.equal(m.points[1]!.timestampsMs[0], start + MIN - 1);
    const r = await st.readForStep(refs, start + 2 * HOUR, start + 3 * HOUR - 1, 15_000, 10_000);
    assert.equal(r.resolutionMs, 0);
    // Bucketed reads across the watermark (stored rollups, then raw): last and mean of each bucket of the raw samples.
    const raw2 = await st.readPoints(refs, start, start + 3 * HOUR, 1_000_000);
    for (const res of [MIN, HOUR] as const) {
      const want = bucketize(raw2[2]!.timestampsMs, raw2[2]!.values, res);
      for (const summary of ['last', 'mean'] as const) {
        const [got] = await st.readBuckets(
          refs.slice(2),
          start + 1,
          start + 3 * HOUR - 1,
          res,
          summary,
          10_000,
        );
        assert.deepEqual(
          got!.timestampsMs,
          want.timestampsMs.map((t) => t + res - 1),
          `${res} ${summary}`,
        );
        const values = summary === 'last' ? want.last : want.sum.map((v, i) => v / want.count[i]!);
        got!.values.forEach((v, i) =>
          assert.ok(Math.abs(v - values[i]!) < 1e-9, `${res} ${summary} bucket ${i}: ${v} vs ${values[i]}`),
        );
      }
    }
    await assert.rejects(st.readRollups(refs, start, start + HOUR, 1000 as 60_000), InvalidInputError);
  });

  test('raw retention stops at the rollup watermark; rollups outlive raw samples; the state survives a reopen', async () => {
    const start = Math.floor(T0 / DAY) * DAY;
    const st = await open({ retentionMs: 3 * HOUR, maxRollupHoursPerRun: 100 });
    for (let k = 0; k < 10 * 60; k++) await st.append([s('dwcp_keep', {}, k, start + k * MIN)]); // 10 h at 1/min
    await st.applyRetention(start + 10 * HOUR + 10 * MIN);
    const refs = await st.findSeries('dwcp_keep', {}, 1);
    const raw = await st.readPoints(refs, start, start + 11 * HOUR, 10_000);
    assert.ok(
      raw[0]!.timestampsMs[0]! >= start + 7 * HOUR - 2 * HOUR,
      `raw starts at ${raw[0]!.timestampsMs[0]! - start}`,
    );
    const hours = await st.readRollups(refs, start, start + 11 * HOUR, HOUR);
    assert.deepEqual(
      hours[0]!.timestampsMs,
      Array.from({ length: 10 }, (_, h) => start + h * HOUR),
    );
    assert.deepEqual(
      hours[0]!.count,
      Array.from({ length: 10 }, () => 60),
    );
    await st.close();
    const again = await reopen(st, { retentionMs: 3 * HOUR });
    assert.equal(again.stats().rollupWatermarkMs, start + 10 * HOUR);
    assert.deepEqual((await again.readRollups(refs, start, start + 11 * HOUR, HOUR))[0]!.sum, hours[0]!.sum);
    // A year later everything is gone, the series too.
    await again.applyRetention(start + 400 * DAY);
    assert.equal(await again.countSamples(), 0);
    assert.deepEqual(await again.findSeries('dwcp_keep', {}, 1), []);
  });

  test('the head stays within its byte limit under sustained appends', async () => {
    const maxHeadBytes = 256 * 1024;
    const st = await open({
      maxHeadBytes,
      maxSamplesPerChunk: 60_000,
      maxChunkSpanMs: DAY,
      retentionMs: DAY,
    });
    let total = 0;
    for (let k = 0; k < 120; k++) {
      const batch = Array.from({ length: 200 }, (_, i) =>
        s('dwcp_mem', { instance: `node-${i}:9100`, job: 'dwcp' }, Math.random() * 1e9, T0 + k * 1000),
      );
      total += (await st.append(batch)).stored;
      assert.ok(st.stats().headBytes <= maxHeadBytes, `after batch ${k}: ${st.stats().headBytes} bytes`);
    }
    assert.equal(await st.countSamples(), total);
  });
});
