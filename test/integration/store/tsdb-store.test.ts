/**
 * The chunked layout (head + WAL + compressed chunks and rollups as blobs) on SQLite and on PostgreSQL
 * (tsdb-store-suite.ts): the `SampleStore` contract the row layout's suite checks (test/integration/store.test.ts).
 */
import assert from 'node:assert/strict';
import { InvalidInputError, NotFoundError } from '../../../src/errors.ts';
import { seriesKey, type Sample } from '../../../src/model/sample.ts';
import { type OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import { chunkedStoreSuites, DAY, HOUR, s, T0 } from './tsdb-store-suite.ts';

chunkedStoreSuites('chunked store', ({ open, test }) => {
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
});
