/**
 * Where the rollup job starts and where it resumes after a gap (downsampler.ts `nextDataStart`), on SQLite and on
 * PostgreSQL: the watermark is the hour of the earliest sample, found from the chunks' bounds without decoding the
 * head's open chunks, and after hours without data it moves to the hour data starts again.
 */
import assert from 'node:assert/strict';
import { type Sample } from '../../../src/model/sample.ts';
import { bucketize } from '../../../src/store/tsdb/rollup.ts';
import { chunkedStoreSuites, DAY, HOUR, MIN, s, T0 } from './tsdb-store-suite.ts';

const START = Math.floor(T0 / DAY) * DAY;

chunkedStoreSuites('chunked store, where rollups start', ({ open, test }) => {
  test('the first run sets the watermark to the hour of the earliest sample without reading the head', async () => {
    const st = await open({ retentionMs: DAY, now: () => START + 30 * MIN });
    for (let k = 0; k < 60; k++) {
      const batch: Sample[] = [];
      for (let i = 0; i < 40; i++)
        batch.push(s('dwcp_start', { i: String(i) }, i + k, START + 20 * MIN + k * 10_000 + i));
      await st.append(batch);
    }
    const reads: number[] = [];
    const raw = st.samples.raw;
    const read = raw.read.bind(raw);
    raw.read = (ids, from, to, max) => {
      reads.push(ids.length);
      return read(ids, from, to, max);
    };
    await st.applyRetention(START + 30 * MIN); // the first complete hour is not due yet: only the start is found
    assert.equal(st.stats().rollupWatermarkMs, START);
    assert.deepEqual(reads, [], 'no raw read of the head to find where data starts');
  });

  test('after hours without data the watermark moves to the hour data starts again, and that hour is rolled up', async () => {
    const now = { t: START + HOUR };
    const st = await open({ retentionMs: DAY, now: () => now.t });
    for (let k = 0; k < 30; k++) await st.append([s('dwcp_gap', { i: 'a' }, k, START + k * 60_000)]);
    await st.applyRetention(START + 30 * MIN);
    assert.equal(st.stats().rollupWatermarkMs, START);
    // Five empty hours, then another series starts at 05:17.
    const later = START + 5 * HOUR + 17 * MIN;
    for (let k = 0; k < 40; k++) await st.append([s('dwcp_gap', { i: 'b' }, 2 * k, later + k * 60_000)]);
    now.t = START + 6 * HOUR + 10 * MIN;
    await st.applyRetention(now.t);
    assert.equal(st.stats().rollupWatermarkMs, START + 6 * HOUR);
    const refs = await st.findSeries('dwcp_gap', { i: 'b' }, 1);
    const [got] = await st.readRollups(refs, START, START + 6 * HOUR - 1, MIN);
    const [pts] = await st.readPoints(refs, START, START + 6 * HOUR - 1, 1000);
    const want = bucketize(pts!.timestampsMs, pts!.values, MIN);
    assert.equal(want.timestampsMs.length, 40); // 05:17 .. 05:56
    assert.deepEqual(got!.timestampsMs, want.timestampsMs);
    assert.deepEqual(got!.last, want.last);
  });
});
