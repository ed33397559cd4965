/**
 * The chunked layout (head + WAL + compressed chunks and rollups as blobs) on SQLite and on PostgreSQL
 * (DWCP_TEST_PG_URL, default postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; a fresh schema per store, dropped
 * on close): the `SampleStore` contract the row layout's suite checks (test/integration/store.test.ts), and
 * what only this layout has: reads merging head and chunks across cuts and checkpoints, out-of-order samples
 * checked against written chunks, WAL replay after a crash, rollups equal to aggregation of the raw samples,
 * retention of raw data and rollups, stepped reads, and the head's memory bound.
 * Under CI=true an unreachable PostgreSQL fails the suite; elsewhere its half is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { InvalidInputError, NotFoundError } from '../../../src/errors.ts';
import { seriesKey, type Sample } from '../../../src/model/sample.ts';
import { bucketize } from '../../../src/store/tsdb/rollup.ts';
import {
  openChunkedPostgresStore,
  openChunkedSqliteStore,
  type ChunkedStoreOptions,
  type OpenedChunkedStore,
} from '../../../src/store/tsdb/open.ts';
import { PG_URL, pgSkipReason } from '../../helpers/postgres.ts';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const T0 = 1_700_000_000_000;

const s = (name: string, labels: Record<string, string>, value: number, ts: number): Sample => ({
  name,
  labels,
  value,
  timestampMs: ts,
});

type Opts = Partial<Omit<ChunkedStoreOptions, 'walDir'>>;
/** Opens a store; `reopen` opens the same database and WAL directory again (after close or a crash). */
interface Backend {
  open(o?: Opts): Promise<OpenedChunkedStore>;
  reopen(st: OpenedChunkedStore, o?: Opts): Promise<OpenedChunkedStore>;
  walDirOf(st: OpenedChunkedStore): string;
}

function suite(
  name: string,
  setup: () => Promise<{ backend?: Backend; skip?: string; cleanup?: () => Promise<void> }>,
): void {
  describe(`chunked store (${name})`, () => {
    let backend: Backend;
    let skip: string | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    const opened: OpenedChunkedStore[] = [];
    const open = async (o: Opts = {}): Promise<OpenedChunkedStore> => {
      const st = await backend.open({ retentionMs: HOUR, ...o });
      opened.push(st);
      return st;
    };
    const reopen = async (prev: OpenedChunkedStore, o: Opts = {}): Promise<OpenedChunkedStore> => {
      const st = await backend.reopen(prev, { retentionMs: HOUR, ...o });
      opened.push(st);
      return st;
    };
    before(async () => {
      const r = await setup();
      skip = r.skip;
      cleanup = r.cleanup;
      if (r.backend) backend = r.backend;
    });
    after(async () => {
      for (const st of opened) await st.close().catch(() => undefined);
      await cleanup?.();
    });
    const test = (title: string, fn: () => Promise<void>) =>
      it(title, async (t) => {
        if (skip) return t.skip(skip);
        await fn();
      });

    // ---------------------------------------------------------------- the SampleStore contract

    test('appends samples, counts duplicates, reads points back with ts as numbers', async () => {
      const st = await open();
      const batch = [
        s('dwcp_bw', { node: 'n1', region: 'us' }, 1, T0),
        s('dwcp_bw', { node: 'n1', region: 'us' }, 2, T0 + 1000),
        s('dwcp_bw', { region: 'us', node: 'n2' }, 3, T0),
        s('dwcp_bw', { node: 'n1', region: 'us' }, 9, T0),
      ];
      assert.deepEqual(await st.append(batch), { stored: 3, rejected: { duplicate: 1 } });
      assert.deepEqual(
        await st.append([
          s('dwcp_bw', { region: 'us', node: 'n1' }, 5, T0 + 1000),
          s('dwcp_bw', { node: 'n1', region: 'us' }, 6, T0 + 2000),
        ]),
        { stored: 1, rejected: { duplicate: 1 } },
      );
      assert.deepEqual(await st.append([]), { stored: 0, rejected: {} });
      assert.equal(await st.countSamples(), 4);
      const refs = await st.findSeries('dwcp_bw', { node: 'n1' }, 10);
      assert.equal(refs.length, 1);
      assert.deepEqual(refs[0]!.labels, { node: 'n1', region: 'us' });
      assert.equal(refs[0]!.key, 'dwcp_bw{node="n1",region="us"}');
      const [p] = await st.readPoints(refs, T0, T0 + 10_000, 100);
      assert.deepEqual(p!.timestampsMs, [T0, T0 + 1000, T0 + 2000]);
      assert.deepEqual(p!.values, [1, 2, 6], 'the first of a duplicate wins');
      assert.deepEqual(
        (await st.readPoints(refs, T0, T0 + 10_000, 2))[0]!.timestampsMs,
        [T0 + 1000, T0 + 2000],
        'maxPointsPerSeries keeps the latest',
      );
      assert.deepEqual(
        (await st.readPoints(refs, T0 + 500, T0 + 1000, 100))[0]!.values,
        [2],
        'range is inclusive',
      );
      await assert.rejects(st.readPoints(refs, 10, 0, 10), InvalidInputError);
      await assert.rejects(st.readPoints(refs, 0, 10, 0), InvalidInputError);
    });

    test("with the caller's series keys (the tracker's), stores and reads exactly what it does building them itself", async () => {
      const batch = (t: number): Sample[] => [
        s('dwcp_keyed', { node: 'n1', region: 'us' }, 1, t),
        s('dwcp_keyed', { region: 'us', node: 'n2' }, 2, t),
        s('dwcp_keyed', { node: 'n1', region: 'us' }, 4, t),
      ];
      const plain = await open();
      const keyed = await open();
      for (const t of [T0, T0 + 1000]) {
        const b = batch(t);
        assert.deepEqual(
          await keyed.append(
            b,
            b.map((x) => seriesKey(x.name, x.labels)),
          ),
          await plain.append(b),
        );
      }
      const read = async (st: OpenedChunkedStore) =>
        (await st.readPoints(await st.findSeries('dwcp_keyed', {}, 10), T0, T0 + 5000, 10)).map((p) => [
          p.series.key,
          p.series.labels,
          p.timestampsMs,
          p.values,
        ]);
      assert.deepEqual(await read(keyed), await read(plain));
    });

    test('rejects non-finite values unless allowed; allowed ones round-trip (NaN, +Inf, -Inf)', async () => {
      const st = await open();
      assert.deepEqual(
        await st.append([
          s('dwcp_nf', {}, Number.NaN, T0),
          s('dwcp_nf', {}, Infinity, T0 + 1),
          s('dwcp_nf', {}, 1, T0 + 2),
        ]),
        { stored: 1, rejected: { non_finite: 2 } },
      );
      const allowing = await open({ allowNonFinite: true });
      assert.deepEqual(
        await allowing.append([
          s('dwcp_nf2', {}, Number.NaN, T0),
          s('dwcp_nf2', {}, Infinity, T0 + 1),
          s('dwcp_nf2', {}, -Infinity, T0 + 2),
          s('dwcp_nf2', {}, -0.5, T0 + 3),
        ]),
        { stored: 4, rejected: {} },
      );
      const [p] = await allowing.readPoints(await allowing.findSeries('dwcp_nf2', {}, 1), T0, T0 + 10, 10);
      assert.ok(Number.isNaN(p!.values[0]));
      assert.deepEqual(p!.values.slice(1), [Infinity, -Infinity, -0.5]);
    });

    test('rejects a fractional or out-of-range timestamp before writing anything', async () => {
      const st = await open();
      await assert.rejects(
        st.append([s('dwcp_frac', {}, 1, T0), s('dwcp_frac', {}, 1, T0 + 0.5)]),
        InvalidInputError,
      );
      await assert.rejects(st.append([s('dwcp_frac', {}, 1, 2 ** 51)]), InvalidInputError);
      assert.equal(await st.countSamples(), 0);
    });

    test('stores large batches whole; a repeated batch is all duplicates', async () => {
      const st = await open();
      const batch: Sample[] = [];
      for (let i = 0; i < 12_000; i++)
        batch.push(s('dwcp_big', { i: String(i % 3000) }, i, T0 + Math.floor(i / 3000)));
      assert.deepEqual(await st.append(batch), { stored: 12_000, rejected: {} });
      assert.equal(await st.countSamples(), 12_000);
      assert.deepEqual(await st.append(batch), { stored: 0, rejected: { duplicate: 12_000 } });
    });

    test('mixed batches skip rejected samples and keep each sample with its own series, ts and value', async () => {
      const st = await open({ maxSamplesPerChunk: 100 });
      const batch: Sample[] = [];
      for (let i = 0; i < 4500; i++)
        batch.push(s('dwcp_mixed', { k: String(i % 3), z: 'a' }, i % 7 === 0 ? Number.NaN : i, T0 + i));
      const expectedStored = batch.filter((x) => !Number.isNaN(x.value)).length;
      assert.deepEqual(await st.append(batch), {
        stored: expectedStored,
        rejected: { non_finite: 4500 - expectedStored },
      });
      const refs = await st.findSeries('dwcp_mixed', { k: '1' }, 10);
      const [p] = await st.readPoints(refs, T0, T0 + 4500, 10_000);
      const want = batch.filter((x) => x.labels['k'] === '1' && !Number.isNaN(x.value));
      assert.deepEqual(
        p!.timestampsMs,
        want.map((x) => x.timestampMs),
      );
      assert.deepEqual(
        p!.values,
        want.map((x) => x.value),
      );
    });

    test('searches metric names and finds series (the shared series table)', async () => {
      const st = await open();
      await st.append([
        s('dwcp_search_Alpha', {}, 1, T0),
        s('dwcp_search_beta', {}, 1, T0),
        s('dwcpXsearch', {}, 1, T0),
      ]);
      assert.deepEqual(await st.searchMetricNames('SEARCH_', 10), ['dwcp_search_Alpha', 'dwcp_search_beta']);
      assert.deepEqual(await st.searchMetricNames('search', 2), ['dwcpXsearch', 'dwcp_search_Alpha']);
      await st.append([
        s('dwcp_fs', { a: '1', b: 'x' }, 1, T0),
        s('dwcp_fs', { a: '1', b: 'y' }, 1, T0),
        s('dwcp_fs', { a: '2', b: 'x' }, 1, T0),
      ]);
      assert.equal((await st.findSeries('dwcp_fs', {}, 10)).length, 3);
      assert.deepEqual(
        (await st.findSeries('dwcp_fs', { a: '1', b: 'y' }, 10)).map((r) => r.labels),
        [{ a: '1', b: 'y' }],
      );
      assert.equal((await st.findSeries('dwcp_fs', { a: '1' }, 1)).length, 1);
    });

    test('retention deletes old raw samples; a series lives while it has rollups, then goes; a later append recreates it', async () => {
      // Unlike the row layout, a series whose raw samples expired keeps its rollups (30 days by default), and
      // is deleted only when those expire too.
      const st = await open();
      await st.append([
        s('dwcp_ret_old', {}, 1, T0 - 2 * HOUR),
        s('dwcp_ret_mixed', {}, 1, T0 - 2 * HOUR),
        s('dwcp_ret_mixed', {}, 2, T0),
      ]);
      const total = await st.countSamples();
      const deleted = await st.applyRetention(T0 + HOUR - 1);
      assert.equal(deleted, 2);
      assert.equal(await st.countSamples(), total - deleted);
      const old = await st.findSeries('dwcp_ret_old', {}, 10);
      assert.deepEqual((await st.readPoints(old, 0, T0 + HOUR, 10))[0]!.values, []);
      assert.deepEqual((await st.readRollups(old, T0 - 3 * HOUR, T0, HOUR))[0]!.count, [1]);
      await st.applyRetention(T0 + 32 * DAY); // the 1-minute rollups (31 days) expire; the 1-hour ones stay
      assert.equal((await st.findSeries('dwcp_ret_old', {}, 10)).length, 1);
      await st.applyRetention(T0 + 367 * DAY);
      assert.deepEqual(await st.findSeries('dwcp_ret_old', {}, 10), []);
      assert.deepEqual(await st.findSeries('dwcp_ret_mixed', {}, 10), []);
      assert.deepEqual(await st.append([s('dwcp_ret_old', {}, 3, T0)]), { stored: 1, rejected: {} });
      const refs = await st.findSeries('dwcp_ret_old', {}, 10);
      assert.deepEqual((await st.readPoints(refs, 0, T0, 10))[0]!.values, [3]);
    });

    test('bounds the head (the series cache of this layout); no series is duplicated by misses', async () => {
      const st = await open({ seriesCacheSize: 50 });
      const batch = Array.from({ length: 500 }, (_, i) => s('dwcp_lru', { i: String(i) }, 1, T0));
      assert.deepEqual(await st.append(batch), { stored: 500, rejected: {} });
      assert.ok(st.cachedSeries > 0 && st.cachedSeries <= 50, `head holds ${st.cachedSeries}`);
      assert.deepEqual(await st.append(batch.map((x) => ({ ...x, timestampMs: T0 + 1 }))), {
        stored: 500,
        rejected: {},
      });
      assert.deepEqual(
        await st.append(batch),
        { stored: 0, rejected: { duplicate: 500 } },
        'duplicates found in written chunks',
      );
      assert.ok(st.cachedSeries <= 50);
      assert.equal((await st.findSeries('dwcp_lru', {}, 1000)).length, 500);
      assert.equal(await st.countSamples(), 1000);
    });

    test('anomalies and detector states are served by the shared tables', async () => {
      const st = await open();
      const a = await st.insert({
        seriesKey: 'k',
        metric: 'm',
        labels: {},
        component: 'amst',
        kind: 'bandwidth',
        startedAtMs: T0,
        detectedAtMs: T0,
        resolvedAtMs: null,
        observed: 1,
        expected: 2,
        lower: 0,
        upper: 3,
        deviation: 1,
        confidence: 0.9,
        severity: 'high',
        detector: 'ewma',
        acknowledged: false,
        score: 0.5,
        votes: [],
      });
      assert.equal((await st.acknowledge(a.id)).acknowledged, true);
      await assert.rejects(st.acknowledge(a.id + 1000), NotFoundError);
      assert.deepEqual(
        await st.saveDetectorStates([
          { seriesKey: 'k', detector: 'ewma', version: 1, state: { n: 1 }, updatedAtMs: T0 },
        ]),
        { saved: 1, rejected: [] },
      );
      assert.equal((await st.loadDetectorStates(10)).rows.length, 1);
    });

    // ---------------------------------------------------------------- what only the chunked layout has

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
      const wal = backend.walDirOf(st);
      const last = readdirSync(wal)
        .filter((f) => f.endsWith('.wal'))
        .sort()
        .at(-1)!;
      truncateSync(join(wal, last), statSync(join(wal, last)).size - 3); // the crash tore the last record
      const again = await reopen(st);
      assert.equal(await again.countSamples(), 45, 'the first nine batches survive');
      assert.ok((again.stats().replay?.droppedBytes ?? 0) > 0);
      assert.deepEqual(
        await again.append(
          Array.from({ length: 5 }, (_, i) => s('dwcp_torn', { i: String(i) }, 9, T0 + 9000)),
        ),
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
      assert.deepEqual(
        (await again.readRollups(refs, start, start + 11 * HOUR, HOUR))[0]!.sum,
        hours[0]!.sum,
      );
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
}

suite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-'));
  let n = 0;
  const where = new WeakMap<OpenedChunkedStore, { path: string; walDir: string }>();
  const backend: Backend = {
    async open(o = {}) {
      const k = n++;
      const loc = { path: join(dir, `db-${k}.db`), walDir: join(dir, `wal-${k}`) };
      const st = await openChunkedSqliteStore({ ...o, ...loc });
      where.set(st, loc);
      return st;
    },
    async reopen(prev, o = {}) {
      const loc = where.get(prev)!;
      await prev.close().catch(() => undefined);
      const st = await openChunkedSqliteStore({ ...o, ...loc });
      where.set(st, loc);
      return st;
    },
    walDirOf: (st) => where.get(st)!.walDir,
  };
  return { backend, cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) };
});

suite('postgres', async () => {
  const reason = await pgSkipReason(); // throws under CI=true
  if (reason !== undefined) {
    return { skip: reason };
  }
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-tsdb-pg-'));
  const run = `dwcp_tsdb_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  const where = new WeakMap<OpenedChunkedStore, { schema: string; walDir: string }>();
  const schemas: string[] = [];
  const backend: Backend = {
    async open(o = {}) {
      const k = n++;
      const loc = { schema: `${run}_${k}`, walDir: join(dir, `wal-${k}`) };
      schemas.push(loc.schema);
      const st = await openChunkedPostgresStore({ ...o, ...loc, url: PG_URL });
      where.set(st, loc);
      return st;
    },
    async reopen(prev, o = {}) {
      const loc = where.get(prev)!;
      await prev.close().catch(() => undefined);
      const st = await openChunkedPostgresStore({ ...o, ...loc, url: PG_URL });
      where.set(st, loc);
      return st;
    },
    walDirOf: (st) => where.get(st)!.walDir,
  };
  const cleanup = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      for (const sch of schemas) await c.query(`drop schema if exists ${sch} cascade`);
    } finally {
      await c.end();
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { backend, cleanup };
});
