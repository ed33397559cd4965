/**
 * The chunked store's checkpoint written a slice per append (src/store/tsdb/checkpoint.ts), on SQLite and on
 * PostgreSQL (tsdb-store-suite.ts): slices bounded by series and bytes, the older WAL segments kept until the last
 * slice, appends, cuts and new series between slices neither lost nor doubled by a crash and replay, a failed slice
 * taken again, and `checkpoint()` finishing one under way.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { chunkedStoreSuites, dbOf, DAY, HOUR, s, T0, type Opts } from './tsdb-store-suite.ts';

const SERIES = 10;
/** The value of series `i` at step `k`. */
const valueOf = (i: number, k: number): number => k * 100 + i;
const step = (k: number, series = SERIES) =>
  Array.from({ length: series }, (_, i) => s('dwcp_slices', { i: String(i) }, valueOf(i, k), T0 + k * 1000));

/** Sample counts of the chunk rows in the database, ascending. */
async function rowSamples(st: OpenedChunkedStore): Promise<number[]> {
  const r = await sql<{ samples: number | string }>`select samples from tsdb_chunks`.execute(dbOf(st));
  return r.rows.map((x) => Number(x.samples)).sort((a, b) => a - b);
}

/** Asserts every series of `want` (label i → steps) holds exactly those steps' values, and the store's count. */
async function assertHolds(st: OpenedChunkedStore, want: Map<string, number[]>): Promise<void> {
  const refs = await st.findSeries('dwcp_slices', {}, 100);
  assert.equal(refs.length, want.size);
  let total = 0;
  for (const p of await st.readPoints(refs, T0 - HOUR, T0 + HOUR, 10_000)) {
    const i = p.series.labels['i']!;
    const steps = want.get(i)!;
    total += steps.length;
    assert.deepEqual(
      p.timestampsMs,
      steps.map((k) => T0 + k * 1000),
      `series ${i}`,
    );
    assert.deepEqual(
      p.values,
      steps.map((k) => valueOf(Number(i), k)),
      `series ${i}`,
    );
  }
  assert.equal(await st.countSamples(), total);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, k) => from + k);

chunkedStoreSuites('chunked store, checkpoint in slices', ({ open, reopen, walDirOf, test }) => {
  /** A store on a clock the test moves: one step per second, a checkpoint due every 10 s. */
  const openAt = async (o: Opts) => {
    const clock = { now: T0 };
    const st = await open({ retentionMs: DAY, checkpointIntervalMs: 10_000, now: () => clock.now, ...o });
    const append = async (k: number, series = SERIES) => {
      clock.now = T0 + k * 1000;
      return st.append(step(k, series));
    };
    const segments = () => readdirSync(walDirOf(st)).filter((f) => f.endsWith('.wal')).length;
    return { st, append, segments };
  };

  test('a slice per append, bounded by series; the older WAL segments stay until the last slice', async () => {
    const { st, append, segments } = await openAt({ checkpointSliceSeries: 4, maxSamplesPerChunk: 1000 });
    for (let k = 0; k < 10; k++) await append(k);
    assert.equal(segments(), 1);
    await append(10); // the checkpoint starts: WAL rotated, the first 4 series written
    assert.equal(st.stats().checkpointSeriesLeft, 6);
    assert.deepEqual(await rowSamples(st), [11, 11, 11, 11]);
    assert.equal(segments(), 2);
    assert.equal(st.stats().checkpoints, 0);
    await append(11); // 4 more, each with the step appended since the first slice
    assert.equal(st.stats().checkpointSeriesLeft, 2);
    assert.deepEqual(await rowSamples(st), [11, 11, 11, 11, 12, 12, 12, 12]);
    assert.equal(segments(), 2);
    await append(12); // the last 2: done, the segment before the rotation deleted
    assert.equal(st.stats().checkpointSeriesLeft, 0);
    assert.deepEqual(await rowSamples(st), [11, 11, 11, 11, 12, 12, 12, 12, 13, 13]);
    assert.equal(st.stats().checkpoints, 1);
    assert.equal(segments(), 1);
    await append(13); // the next one is due 10 s after this one started
    assert.equal(st.stats().checkpointSeriesLeft, 0);
  });

  test('a slice is bounded by open-chunk bytes too, and holds at least one series', async () => {
    const { st, append } = await openAt({ checkpointSliceSeries: 100, checkpointSliceBytes: 1 });
    for (let k = 0; k <= 10; k++) await append(k);
    assert.equal(st.stats().checkpointSeriesLeft, SERIES - 1);
    assert.equal((await rowSamples(st)).length, 1);
  });

  test('a crash between slices, with cuts and a new series between them: replay stores every sample once', async () => {
    const { st, append, segments } = await openAt({ checkpointSliceSeries: 3, maxSamplesPerChunk: 4 });
    const want = new Map<string, number[]>();
    for (let k = 0; k <= 12; k++) {
      // Series 10 is created after the checkpoint's rotation (step 10), between its slices.
      const n = k >= 11 ? SERIES + 1 : SERIES;
      await append(k, n);
      for (let i = 0; i < n; i++) want.set(String(i), [...(want.get(String(i)) ?? []), k]);
    }
    assert.equal(st.stats().checkpointSeriesLeft, 1, 'three of four slices written');
    assert.equal(segments(), 2);
    st.samples.abandon(); // as kill -9 would leave it: head and waiting chunks lost, WAL and written rows on disk
    const again = await reopen(st, { retentionMs: DAY, maxSamplesPerChunk: 4 });
    await assertHolds(again, want);
    // Re-sent samples are duplicates; the store goes on and a whole-head checkpoint keeps them once.
    assert.deepEqual(await again.append(step(12)), { stored: 0, rejected: { duplicate: SERIES } });
    for (let k = 13; k < 16; k++) {
      await again.append(step(k, SERIES + 1));
      for (let i = 0; i <= SERIES; i++) want.get(String(i))!.push(k);
    }
    await again.checkpoint();
    await assertHolds(again, want);
  });

  test('the last slice writes the waiting cut chunks; a failed slice is taken again, the WAL kept', async () => {
    const { st, append, segments } = await openAt({
      checkpointSliceSeries: 4,
      maxSamplesPerChunk: 8,
      chunkWriteIntervalMs: HOUR, // cut chunks wait in memory until the checkpoint's last slice
    });
    for (let k = 0; k <= 10; k++) await append(k); // cuts at step 8, the checkpoint starts at step 10
    assert.equal(st.stats().pendingChunks, SERIES);
    assert.equal(st.stats().checkpointSeriesLeft, 6);
    const db = dbOf(st);
    await sql`alter table tsdb_chunks rename to tsdb_chunks_away`.execute(db);
    await append(11); // the slice fails: counted, nothing written, nothing deleted
    assert.equal(st.stats().chunkWriteErrors, 1);
    assert.equal(st.stats().checkpointSeriesLeft, 6);
    assert.equal(segments(), 2);
    await sql`alter table tsdb_chunks_away rename to tsdb_chunks`.execute(db);
    await append(12);
    assert.equal(st.stats().checkpointSeriesLeft, 2);
    assert.equal(st.stats().pendingChunks, SERIES, 'cut chunks wait for the last slice');
    assert.equal(segments(), 2);
    await append(13);
    assert.equal(st.stats().checkpointSeriesLeft, 0);
    assert.equal(st.stats().pendingChunks, 0);
    assert.equal(segments(), 1);
    const want = new Map(range(0, SERIES).map((i) => [String(i), range(0, 14)]));
    await assertHolds(st, want);
  });

  test('checkpoint() during a checkpoint in slices writes the whole head and keeps only the newest segment', async () => {
    const { st, append, segments } = await openAt({ checkpointSliceSeries: 4, maxSamplesPerChunk: 1000 });
    for (let k = 0; k <= 11; k++) await append(k);
    assert.equal(st.stats().checkpointSeriesLeft, 2);
    await st.checkpoint();
    assert.equal(st.stats().checkpointSeriesLeft, 0);
    assert.equal(st.stats().checkpoints, 1);
    assert.equal(segments(), 1);
    assert.deepEqual(
      await rowSamples(st),
      Array.from({ length: SERIES }, () => 12),
    );
    await append(12); // no slice left to write, none due
    assert.equal(st.stats().checkpointSeriesLeft, 0);
  });
});
