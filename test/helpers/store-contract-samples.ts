/** The store contract, `SampleStore` part (see ./store-contract.ts). */
import assert from 'node:assert/strict';
import { InvalidInputError, StoreError } from '../../src/errors.ts';
import { seriesKey, type Sample } from '../../src/model/sample.ts';
import { bucketReaderOf } from '../../src/store/bucket-read.ts';
import { anomaly, HOUR, sample, T0, type ContractOpener } from './store-fixtures.ts';
import type { ContractTest } from './store-suite.ts';

/** Registers the sample part of the store contract. */
export function sampleStoreContract(test: ContractTest, open: ContractOpener): void {
  test('appends samples, counts duplicates (the first wins), reads points back with ts as numbers', async () => {
    const { samples: store } = await open();
    const batch = [
      sample('dwcp_bw', { node: 'n1', region: 'us' }, 1, T0),
      sample('dwcp_bw', { node: 'n1', region: 'us' }, 2, T0 + 1000),
      sample('dwcp_bw', { region: 'us', node: 'n2' }, 3, T0),
      sample('dwcp_bw', { node: 'n1', region: 'us' }, 9, T0), // same series + ts within the batch
    ];
    assert.deepEqual(await store.append(batch), { stored: 3, rejected: { duplicate: 1 } });
    assert.deepEqual(
      await store.append([
        sample('dwcp_bw', { region: 'us', node: 'n1' }, 5, T0 + 1000),
        sample('dwcp_bw', { node: 'n1', region: 'us' }, 6, T0 + 2000),
      ]),
      {
        stored: 1,
        rejected: { duplicate: 1 },
      },
    );
    assert.deepEqual(await store.append([]), { stored: 0, rejected: {} });
    assert.equal(await store.countSamples(), 4);
    const refs = await store.findSeries('dwcp_bw', { node: 'n1' }, 10);
    assert.equal(refs.length, 1);
    assert.deepEqual(refs[0]!.labels, { node: 'n1', region: 'us' });
    assert.equal(refs[0]!.key, 'dwcp_bw{node="n1",region="us"}');
    const [p] = await store.readPoints(refs, T0, T0 + 10_000, 100);
    assert.deepEqual(p!.timestampsMs, [T0, T0 + 1000, T0 + 2000]);
    assert.equal(typeof p!.timestampsMs[0], 'number');
    assert.deepEqual(p!.values, [1, 2, 6], 'the first of a duplicate wins');
    const [latest] = await store.readPoints(refs, T0, T0 + 10_000, 2);
    assert.deepEqual(latest!.timestampsMs, [T0 + 1000, T0 + 2000], 'maxPointsPerSeries keeps the latest');
    const [inner] = await store.readPoints(refs, T0 + 500, T0 + 1000, 100);
    assert.deepEqual(inner!.values, [2], 'range is inclusive');
    const [fractional] = await store.readPoints(refs, T0 + 0.5, T0 + 1000.5, 100);
    assert.deepEqual(
      fractional!.timestampsMs,
      [T0 + 1000],
      'fractional bounds cover the whole milliseconds inside them',
    );
  });

  test("with the caller's series keys (the tracker's), stores and reads exactly what it does building them itself", async () => {
    const batch = (t: number): Sample[] => [
      sample('dwcp_keyed', { node: 'n1', region: 'us' }, 1, t),
      sample('dwcp_keyed', { region: 'us', node: 'n2' }, 2, t),
      sample('dwcp_keyed', { node: 'n"\\\n' }, 3, t),
      sample('dwcp_keyed', { node: 'n1', region: 'us' }, 4, t), // duplicate within the batch
    ];
    const { samples: plain } = await open();
    const { samples: keyed } = await open();
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
    const refsOf = async (st: typeof plain) =>
      (await st.findSeries('dwcp_keyed', {}, 10)).map((r) => [r.key, r.labels]);
    assert.deepEqual(await refsOf(keyed), await refsOf(plain));
    const read = async (st: typeof plain) =>
      (await st.readPoints(await st.findSeries('dwcp_keyed', {}, 10), T0, T0 + 5000, 10)).map((p) => [
        p.series.key,
        p.timestampsMs,
        p.values,
      ]);
    assert.deepEqual(await read(keyed), await read(plain));
  });

  test('stores out-of-order samples (the monitor drops them, not the store) and reads them in time order', async () => {
    const { samples: store } = await open();
    assert.deepEqual(
      await store.append([sample('dwcp_ooo', {}, 3, T0 + 3000), sample('dwcp_ooo', {}, 1, T0 + 1000)]),
      { stored: 2, rejected: {} },
    );
    assert.deepEqual(
      await store.append([sample('dwcp_ooo', {}, 2, T0 + 2000), sample('dwcp_ooo', {}, 0, T0)]),
      { stored: 2, rejected: {} },
    );
    const [p] = await store.readPoints(await store.findSeries('dwcp_ooo', {}, 1), T0, T0 + 5000, 10);
    assert.deepEqual(p!.timestampsMs, [T0, T0 + 1000, T0 + 2000, T0 + 3000]);
    assert.deepEqual(p!.values, [0, 1, 2, 3]);
  });

  test('rejects non-finite values unless allowed; allowed ones round-trip (NaN, +Inf, -Inf)', async () => {
    const { samples: store } = await open();
    const r = await store.append([
      sample('dwcp_nf', {}, Number.NaN, T0),
      sample('dwcp_nf', {}, Infinity, T0 + 1),
      sample('dwcp_nf', {}, 1, T0 + 2),
    ]);
    assert.deepEqual(r, { stored: 1, rejected: { non_finite: 2 } });
    const { samples: allowing } = await open({ allowNonFinite: true });
    const r2 = await allowing.append([
      sample('dwcp_nf2', {}, Number.NaN, T0),
      sample('dwcp_nf2', {}, Infinity, T0 + 1),
      sample('dwcp_nf2', {}, -Infinity, T0 + 2),
      sample('dwcp_nf2', {}, -0.5, T0 + 3),
    ]);
    assert.deepEqual(r2, { stored: 4, rejected: {} });
    const [p] = await allowing.readPoints(await allowing.findSeries('dwcp_nf2', {}, 1), T0, T0 + 10, 10);
    assert.ok(Number.isNaN(p!.values[0]));
    assert.deepEqual(p!.values.slice(1), [Infinity, -Infinity, -0.5]);
  });

  test('rejects a fractional timestamp before writing anything', async () => {
    const { samples: store } = await open();
    await store.append([sample('dwcp_frac', {}, 1, T0 - 1)]);
    await assert.rejects(
      store.append([sample('dwcp_frac', {}, 1, T0), sample('dwcp_frac', {}, Number.NaN, T0 + 0.5)]),
      InvalidInputError,
    );
    assert.equal(await store.countSamples(), 1);
  });

  test('stores large batches whole (12 000 samples of 3000 series)', async () => {
    const { samples: store } = await open();
    const batch: Sample[] = [];
    for (let i = 0; i < 12_000; i++)
      batch.push(sample('dwcp_big', { i: String(i % 3000) }, i, T0 + Math.floor(i / 3000)));
    assert.deepEqual(await store.append(batch), { stored: 12_000, rejected: {} });
    assert.equal(await store.countSamples(), 12_000);
    assert.deepEqual(await store.append(batch), { stored: 0, rejected: { duplicate: 12_000 } });
  });

  test('skips rejected samples and stores each sample with its own series, ts and value', async () => {
    const { samples: store } = await open();
    const batch: Sample[] = [];
    for (let i = 0; i < 4500; i++)
      batch.push(sample('dwcp_mixed', { k: String(i % 3), z: 'a' }, i % 7 === 0 ? Number.NaN : i, T0 + i));
    const expectedStored = batch.filter((x) => !Number.isNaN(x.value)).length;
    assert.deepEqual(await store.append(batch), {
      stored: expectedStored,
      rejected: { non_finite: 4500 - expectedStored },
    });
    const refs = await store.findSeries('dwcp_mixed', { k: '1' }, 10);
    assert.equal(refs.length, 1);
    const [p] = await store.readPoints(refs, T0, T0 + 4500, 10_000);
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

  test('searches metric names case-insensitively with literal % and _, in byte order', async () => {
    const { samples: store } = await open();
    await store.append([
      sample('dwcp_search_Alpha', {}, 1, T0),
      sample('dwcp_search_beta', {}, 1, T0),
      sample('dwcpXsearch', {}, 1, T0),
      sample('dwcp_search_beta', { a: '1' }, 1, T0),
    ]);
    assert.deepEqual(await store.searchMetricNames('SEARCH_', 10), ['dwcp_search_Alpha', 'dwcp_search_beta']);
    assert.deepEqual(
      await store.searchMetricNames('search', 2),
      ['dwcpXsearch', 'dwcp_search_Alpha'],
      'byte order, limited',
    );
    assert.deepEqual(
      await store.searchMetricNames('', 10),
      ['dwcpXsearch', 'dwcp_search_Alpha', 'dwcp_search_beta'],
      'one entry per name',
    );
    assert.deepEqual(await store.searchMetricNames('%', 10), []);
    await assert.rejects(store.searchMetricNames('x', 0), InvalidInputError);
  });

  test('findSeries matches every label in creation order and honours the limit; refs are copies', async () => {
    const { samples: store } = await open();
    await store.append([
      sample('dwcp_fs', { a: '1', b: 'x' }, 1, T0),
      sample('dwcp_fs', { a: '1', b: 'y' }, 1, T0),
      sample('dwcp_fs', { a: '2', b: 'x' }, 1, T0),
    ]);
    const all = await store.findSeries('dwcp_fs', {}, 10);
    assert.deepEqual(
      all.map((r) => r.labels),
      [
        { a: '1', b: 'x' },
        { a: '1', b: 'y' },
        { a: '2', b: 'x' },
      ],
    );
    assert.equal(new Set(all.map((r) => r.id)).size, 3, 'distinct ids');
    assert.deepEqual(
      (await store.findSeries('dwcp_fs', { a: '1', b: 'y' }, 10)).map((r) => r.labels),
      [{ a: '1', b: 'y' }],
    );
    assert.deepEqual(
      (await store.findSeries('dwcp_fs', { a: '1' }, 1)).map((r) => r.labels),
      [{ a: '1', b: 'x' }],
    );
    assert.deepEqual(await store.findSeries('dwcp_none', {}, 10), []);
    try {
      (all[0]!.labels as Record<string, string>)['a'] = 'changed';
    } catch (e) {
      // A store may hand out frozen labels shared between lookups (the chunks layout) instead of copies.
      assert.ok(e instanceof TypeError, 'frozen labels refuse the change');
    }
    assert.equal(
      (await store.findSeries('dwcp_fs', {}, 1))[0]!.labels['a'],
      '1',
      'a caller changing a ref does not change the store',
    );
    await assert.rejects(store.findSeries('dwcp_fs', {}, 0), InvalidInputError);
    await assert.rejects(store.readPoints([], 10, 0, 10), InvalidInputError);
    await assert.rejects(store.readPoints([], 0, Number.NaN, 10), InvalidInputError);
    await assert.rejects(store.readPoints([], 0, 10, 0), InvalidInputError);
    assert.deepEqual(await store.readPoints([], 0, 10, 10), []);
  });

  test('retention deletes old samples and empty series; a later append recreates the series with a new id', async () => {
    const { samples: st } = await open();
    await st.append([
      sample('dwcp_ret_old', {}, 1, T0 - 2 * HOUR),
      sample('dwcp_ret_mixed', {}, 1, T0 - 2 * HOUR),
      sample('dwcp_ret_mixed', {}, 2, T0),
    ]);
    const [oldRef] = await st.findSeries('dwcp_ret_old', {}, 10);
    assert.equal(await st.applyRetention(T0 + HOUR - 1), 2); // retention 1 h: cutoff T0 - 1
    assert.equal(await st.countSamples(), 1);
    assert.deepEqual(await st.findSeries('dwcp_ret_old', {}, 10), []);
    assert.deepEqual(await st.searchMetricNames('ret_old', 10), []);
    assert.equal((await st.findSeries('dwcp_ret_mixed', {}, 10)).length, 1);
    assert.deepEqual(await st.append([sample('dwcp_ret_old', {}, 3, T0)]), { stored: 1, rejected: {} });
    const refs = await st.findSeries('dwcp_ret_old', {}, 10);
    assert.equal(refs.length, 1, 'series recreated');
    assert.notEqual(refs[0]!.id, oldRef!.id, 'ids are never reused');
    assert.deepEqual((await st.readPoints(refs, 0, T0, 10))[0]!.values, [3]);
    assert.deepEqual(
      await st.readPoints([oldRef!], 0, T0, 10),
      [{ series: oldRef, timestampsMs: [], values: [] }],
      'a deleted series has no points',
    );
    assert.equal(await st.applyRetention(T0 + HOUR), 0, 'the cutoff itself is kept');
    assert.equal(await st.applyRetention(T0 + HOUR + 1), 2);
    assert.equal(await st.countSamples(), 0);
  });

  test('a sample whose name or labels hold NUL is rejected as invalid_text; the rest of the batch is stored', async () => {
    const { samples: store } = await open();
    const r = await store.append([
      sample('dwcp_text', { a: 'x\u0000y' }, 1, T0),
      sample('dwcp_text', { a: 'ok' }, 2, T0),
      sample('dwcp_te\u0000xt', {}, 3, T0),
      sample('dwcp_text', { ['b\u0000']: 'v' }, 4, T0),
      sample('dwcp_text', { a: 'x\u0000y' }, 5, T0 + 1),
    ]);
    assert.deepEqual(r, { stored: 1, rejected: { invalid_text: 4 } });
    assert.deepEqual(
      (await store.findSeries('dwcp_text', {}, 10)).map((x) => x.labels),
      [{ a: 'ok' }],
    );
    assert.deepEqual(await store.searchMetricNames('te', 10), ['dwcp_text']);
    assert.equal(await store.countSamples(), 1);
  });

  test('a zero reads back as +0 whatever its sign (samples and anomaly fields)', async () => {
    const { samples, anomalies } = await open();
    await samples.append([sample('dwcp_zero', {}, -0, T0), sample('dwcp_zero', {}, 0, T0 + 1)]);
    const [p] = await samples.readPoints(await samples.findSeries('dwcp_zero', {}, 1), T0, T0 + 1, 10);
    assert.ok(
      p!.values.every((v) => Object.is(v, 0)),
      `values ${p!.values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`,
    );
    const a = await anomalies.insert(anomaly({ deviation: -0, observed: -0 }));
    assert.ok(Object.is(a.deviation, 0) && Object.is(a.observed, 0), 'insert returns what was stored');
    const [listed] = await anomalies.list({ limit: 1 });
    assert.ok(Object.is(listed!.deviation, 0) && Object.is(listed!.observed, 0), 'list returns +0');
  });

  test('retention needs a finite time', async () => {
    const { samples } = await open();
    await samples.append([sample('dwcp_ret_nan', {}, 1, T0)]);
    await assert.rejects(samples.applyRetention(Number.NaN), InvalidInputError);
    await assert.rejects(samples.applyRetention(Infinity), InvalidInputError);
    assert.equal(await samples.countSamples(), 1);
  });

  test('after close, sample operations fail with StoreError; close is idempotent', async () => {
    const st = await open();
    await st.samples.append([sample('dwcp_closed', {}, 1, T0)]);
    await st.samples.close();
    await st.samples.close();
    await assert.rejects(st.samples.append([sample('dwcp_closed', {}, 1, T0 + 1)]), StoreError);
    await assert.rejects(st.samples.countSamples(), StoreError);
    await assert.rejects(st.samples.findSeries('dwcp_closed', {}, 1), StoreError);
  });

  test('bucketed reads: one point per minute or hour bucket at its last millisecond, with its last value or mean', async () => {
    const { samples: store } = await open();
    const reader = bucketReaderOf(store);
    assert.ok(reader, 'the store has bucketed reads');
    const base = Math.ceil(T0 / HOUR) * HOUR;
    // 9 samples 20 s apart: minutes [0, 1, 2], [3, 4, 5], [6, 7, 8]; a second series with one sample in minute 1.
    await store.append([
      ...Array.from({ length: 9 }, (_, i) => sample('dwcp_bkt', { n: 'a' }, i, base + i * 20_000)),
      sample('dwcp_bkt', { n: 'b' }, 7.5, base + 70_000),
    ]);
    const refs = await store.findSeries('dwcp_bkt', {}, 10);
    assert.equal(refs.length, 2);
    const [a, b] = refs[0]!.labels['n'] === 'a' ? refs : [refs[1]!, refs[0]!];
    const last = await reader.readBuckets([a!, b!], base + 30_000, base + 150_000, 60_000, 'last', 100);
    assert.deepEqual(
      last.map((p) => p.series.id),
      [a!.id, b!.id],
      'series in the order asked',
    );
    assert.deepEqual(last[0]!.timestampsMs, [base + 59_999, base + 119_999, base + 179_999]);
    assert.deepEqual(
      last[0]!.values,
      [2, 5, 8],
      'whole buckets: the first and last hold samples outside the range',
    );
    assert.deepEqual([last[1]!.timestampsMs, last[1]!.values], [[base + 119_999], [7.5]]);
    const mean = await reader.readBuckets([a!], base, base + 179_999, 60_000, 'mean', 100);
    assert.deepEqual(mean[0]!.values, [1, 4, 7]);
    const latest = await reader.readBuckets([a!], base, base + 179_999, 60_000, 'last', 2);
    assert.deepEqual(latest[0]!.values, [5, 8], 'maxPointsPerSeries keeps the latest buckets');
    const hour = await reader.readBuckets([a!], base, base + 179_999, 3_600_000, 'mean', 10);
    assert.deepEqual([hour[0]!.timestampsMs, hour[0]!.values], [[base + 3_599_999], [4]]);
    const none = await reader.readBuckets([a!], base + HOUR, base + HOUR + 60_000, 60_000, 'last', 10);
    assert.deepEqual([none[0]!.timestampsMs, none[0]!.values], [[], []]);
    await assert.rejects(
      reader.readBuckets([a!], base, base + 1, 1000 as 60_000, 'last', 10),
      InvalidInputError,
    );
    await assert.rejects(
      reader.readBuckets([a!], base, base + 1, 60_000, 'median' as 'last', 10),
      InvalidInputError,
    );
    await assert.rejects(reader.readBuckets([a!], base + 1, base, 60_000, 'last', 10), InvalidInputError);
  });
}
