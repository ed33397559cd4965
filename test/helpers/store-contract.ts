/**
 * The store contract: one suite every backend runs (in memory: test/unit/store/memory-contract.test.ts;
 * SQLite and PostgreSQL: test/integration/store/). It checks behaviour through the narrow interfaces of
 * src/store/types.ts only; backend-specific facts (the SQL id cache, rows planted with raw SQL, the
 * in-memory bounds) are tested next to each backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InvalidInputError, NotFoundError, PayloadTooLargeError, StoreError } from '../../src/errors.ts';
import type { Anomaly } from '../../src/model/anomaly.ts';
import type { Sample } from '../../src/model/sample.ts';
import { MAX_DETECTOR_STATE_BYTES, MAX_STORED_VOTES, type AnomalyStore, type DetectorStateRow, type DetectorStateStore, type SampleStore } from '../../src/store/types.ts';

export const HOUR = 3_600_000;
export const T0 = 1_700_000_000_000;

/** The three stores of one backend instance; `samples.close()` closes the instance. */
export interface StoreUnderTest {
  readonly samples: SampleStore;
  readonly anomalies: AnomalyStore;
  readonly states: DetectorStateStore;
}

/** Opens a fresh, empty instance with a sample retention of one hour. */
export type ContractOpener = (o: { allowNonFinite?: boolean }) => Promise<StoreUnderTest>;

/** What a backend gives the suite: an opener, or a reason to skip (an unreachable server outside CI). */
export interface ContractBackend {
  readonly open: ContractOpener;
  readonly skip?: string;
  readonly cleanup?: () => void | Promise<void>;
}

export const sample = (name: string, labels: Record<string, string>, value: number, ts: number): Sample => ({ name, labels, value, timestampMs: ts });

export function anomaly(over: Partial<Omit<Anomaly, 'id'>> = {}): Omit<Anomaly, 'id'> {
  return {
    seriesKey: 'dwcp_x{node="n1"}',
    metric: 'dwcp_x',
    labels: { node: 'n1' },
    component: 'amst',
    kind: 'bandwidth',
    startedAtMs: T0,
    detectedAtMs: T0 + 5,
    resolvedAtMs: null,
    observed: 1.5,
    expected: 10,
    lower: 8,
    upper: 12,
    deviation: -4.25,
    confidence: 0.9,
    severity: 'high',
    detector: 'statistical',
    acknowledged: false,
    score: 0.97,
    votes: [],
    ...over,
  };
}

export const stateRow = (seriesKey: string, state: unknown, updatedAtMs = T0, over: Partial<DetectorStateRow> = {}): DetectorStateRow => ({
  seriesKey,
  detector: 'ensemble',
  version: 1,
  state,
  updatedAtMs,
  ...over,
});

/**
 * Registers the contract suite for one backend. `setup` runs once (in `before`); every store the suite opens
 * is closed in `after`, then `cleanup` runs.
 */
export function storeContractSuite(backend: string, setup: () => Promise<ContractBackend>): void {
  describe(`store contract (${backend})`, () => {
    let b: ContractBackend | undefined;
    const opened: StoreUnderTest[] = [];
    const open = async (o: { allowNonFinite?: boolean } = {}): Promise<StoreUnderTest> => {
      const st = await b!.open(o);
      opened.push(st);
      return st;
    };
    before(async () => {
      b = await setup();
    });
    after(async () => {
      for (const st of opened) await st.samples.close();
      await b?.cleanup?.();
    });
    const test = (name: string, fn: () => Promise<void>) =>
      it(name, async (t) => {
        if (b?.skip !== undefined) return t.skip(b.skip);
        await fn();
      });

    test('appends samples, counts duplicates (the first wins), reads points back with ts as numbers', async () => {
      const { samples: store } = await open();
      const batch = [
        sample('dwcp_bw', { node: 'n1', region: 'us' }, 1, T0),
        sample('dwcp_bw', { node: 'n1', region: 'us' }, 2, T0 + 1000),
        sample('dwcp_bw', { region: 'us', node: 'n2' }, 3, T0),
        sample('dwcp_bw', { node: 'n1', region: 'us' }, 9, T0), // same series + ts within the batch
      ];
      assert.deepEqual(await store.append(batch), { stored: 3, rejected: { duplicate: 1 } });
      assert.deepEqual(await store.append([sample('dwcp_bw', { region: 'us', node: 'n1' }, 5, T0 + 1000), sample('dwcp_bw', { node: 'n1', region: 'us' }, 6, T0 + 2000)]), {
        stored: 1,
        rejected: { duplicate: 1 },
      });
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
      assert.deepEqual(fractional!.timestampsMs, [T0 + 1000], 'fractional bounds cover the whole milliseconds inside them');
    });

    test('stores out-of-order samples (the monitor drops them, not the store) and reads them in time order', async () => {
      const { samples: store } = await open();
      assert.deepEqual(await store.append([sample('dwcp_ooo', {}, 3, T0 + 3000), sample('dwcp_ooo', {}, 1, T0 + 1000)]), { stored: 2, rejected: {} });
      assert.deepEqual(await store.append([sample('dwcp_ooo', {}, 2, T0 + 2000), sample('dwcp_ooo', {}, 0, T0)]), { stored: 2, rejected: {} });
      const [p] = await store.readPoints(await store.findSeries('dwcp_ooo', {}, 1), T0, T0 + 5000, 10);
      assert.deepEqual(p!.timestampsMs, [T0, T0 + 1000, T0 + 2000, T0 + 3000]);
      assert.deepEqual(p!.values, [0, 1, 2, 3]);
    });

    test('rejects non-finite values unless allowed; allowed ones round-trip (NaN, +Inf, -Inf)', async () => {
      const { samples: store } = await open();
      const r = await store.append([sample('dwcp_nf', {}, Number.NaN, T0), sample('dwcp_nf', {}, Infinity, T0 + 1), sample('dwcp_nf', {}, 1, T0 + 2)]);
      assert.deepEqual(r, { stored: 1, rejected: { non_finite: 2 } });
      const { samples: allowing } = await open({ allowNonFinite: true });
      const r2 = await allowing.append([sample('dwcp_nf2', {}, Number.NaN, T0), sample('dwcp_nf2', {}, Infinity, T0 + 1), sample('dwcp_nf2', {}, -Infinity, T0 + 2), sample('dwcp_nf2', {}, -0.5, T0 + 3)]);
      assert.deepEqual(r2, { stored: 4, rejected: {} });
      const [p] = await allowing.readPoints(await allowing.findSeries('dwcp_nf2', {}, 1), T0, T0 + 10, 10);
      assert.ok(Number.isNaN(p!.values[0]));
      assert.deepEqual(p!.values.slice(1), [Infinity, -Infinity, -0.5]);
    });

    test('rejects a fractional timestamp before writing anything', async () => {
      const { samples: store } = await open();
      await store.append([sample('dwcp_frac', {}, 1, T0 - 1)]);
      await assert.rejects(store.append([sample('dwcp_frac', {}, 1, T0), sample('dwcp_frac', {}, Number.NaN, T0 + 0.5)]), InvalidInputError);
      assert.equal(await store.countSamples(), 1);
    });

    test('stores large batches whole (12 000 samples of 3000 series)', async () => {
      const { samples: store } = await open();
      const batch: Sample[] = [];
      for (let i = 0; i < 12_000; i++) batch.push(sample('dwcp_big', { i: String(i % 3000) }, i, T0 + Math.floor(i / 3000)));
      assert.deepEqual(await store.append(batch), { stored: 12_000, rejected: {} });
      assert.equal(await store.countSamples(), 12_000);
      assert.deepEqual(await store.append(batch), { stored: 0, rejected: { duplicate: 12_000 } });
    });

    test('skips rejected samples and stores each sample with its own series, ts and value', async () => {
      const { samples: store } = await open();
      const batch: Sample[] = [];
      for (let i = 0; i < 4500; i++) batch.push(sample('dwcp_mixed', { k: String(i % 3), z: 'a' }, i % 7 === 0 ? Number.NaN : i, T0 + i));
      const expectedStored = batch.filter((x) => !Number.isNaN(x.value)).length;
      assert.deepEqual(await store.append(batch), { stored: expectedStored, rejected: { non_finite: 4500 - expectedStored } });
      const refs = await store.findSeries('dwcp_mixed', { k: '1' }, 10);
      assert.equal(refs.length, 1);
      const [p] = await store.readPoints(refs, T0, T0 + 4500, 10_000);
      const want = batch.filter((x) => x.labels['k'] === '1' && !Number.isNaN(x.value));
      assert.deepEqual(p!.timestampsMs, want.map((x) => x.timestampMs));
      assert.deepEqual(p!.values, want.map((x) => x.value));
    });

    test('searches metric names case-insensitively with literal % and _, in byte order', async () => {
      const { samples: store } = await open();
      await store.append([sample('dwcp_search_Alpha', {}, 1, T0), sample('dwcp_search_beta', {}, 1, T0), sample('dwcpXsearch', {}, 1, T0), sample('dwcp_search_beta', { a: '1' }, 1, T0)]);
      assert.deepEqual(await store.searchMetricNames('SEARCH_', 10), ['dwcp_search_Alpha', 'dwcp_search_beta']);
      assert.deepEqual(await store.searchMetricNames('search', 2), ['dwcpXsearch', 'dwcp_search_Alpha'], 'byte order, limited');
      assert.deepEqual(await store.searchMetricNames('', 10), ['dwcpXsearch', 'dwcp_search_Alpha', 'dwcp_search_beta'], 'one entry per name');
      assert.deepEqual(await store.searchMetricNames('%', 10), []);
      await assert.rejects(store.searchMetricNames('x', 0), InvalidInputError);
    });

    test('findSeries matches every label in creation order and honours the limit; refs are copies', async () => {
      const { samples: store } = await open();
      await store.append([sample('dwcp_fs', { a: '1', b: 'x' }, 1, T0), sample('dwcp_fs', { a: '1', b: 'y' }, 1, T0), sample('dwcp_fs', { a: '2', b: 'x' }, 1, T0)]);
      const all = await store.findSeries('dwcp_fs', {}, 10);
      assert.deepEqual(all.map((r) => r.labels), [{ a: '1', b: 'x' }, { a: '1', b: 'y' }, { a: '2', b: 'x' }]);
      assert.equal(new Set(all.map((r) => r.id)).size, 3, 'distinct ids');
      assert.deepEqual((await store.findSeries('dwcp_fs', { a: '1', b: 'y' }, 10)).map((r) => r.labels), [{ a: '1', b: 'y' }]);
      assert.deepEqual((await store.findSeries('dwcp_fs', { a: '1' }, 1)).map((r) => r.labels), [{ a: '1', b: 'x' }]);
      assert.deepEqual(await store.findSeries('dwcp_none', {}, 10), []);
      (all[0]!.labels as Record<string, string>)['a'] = 'changed';
      assert.equal((await store.findSeries('dwcp_fs', {}, 1))[0]!.labels['a'], '1', 'a caller changing a ref does not change the store');
      await assert.rejects(store.findSeries('dwcp_fs', {}, 0), InvalidInputError);
      await assert.rejects(store.readPoints([], 10, 0, 10), InvalidInputError);
      await assert.rejects(store.readPoints([], 0, Number.NaN, 10), InvalidInputError);
      await assert.rejects(store.readPoints([], 0, 10, 0), InvalidInputError);
      assert.deepEqual(await store.readPoints([], 0, 10, 10), []);
    });

    test('retention deletes old samples and empty series; a later append recreates the series with a new id', async () => {
      const { samples: st } = await open();
      await st.append([sample('dwcp_ret_old', {}, 1, T0 - 2 * HOUR), sample('dwcp_ret_mixed', {}, 1, T0 - 2 * HOUR), sample('dwcp_ret_mixed', {}, 2, T0)]);
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
      assert.deepEqual(await st.readPoints([oldRef!], 0, T0, 10), [{ series: oldRef, timestampsMs: [], values: [] }], 'a deleted series has no points');
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
      assert.deepEqual((await store.findSeries('dwcp_text', {}, 10)).map((x) => x.labels), [{ a: 'ok' }]);
      assert.deepEqual(await store.searchMetricNames('te', 10), ['dwcp_text']);
      assert.equal(await store.countSamples(), 1);
    });

    test('a zero reads back as +0 whatever its sign (samples and anomaly fields)', async () => {
      const { samples, anomalies } = await open();
      await samples.append([sample('dwcp_zero', {}, -0, T0), sample('dwcp_zero', {}, 0, T0 + 1)]);
      const [p] = await samples.readPoints(await samples.findSeries('dwcp_zero', {}, 1), T0, T0 + 1, 10);
      assert.ok(p!.values.every((v) => Object.is(v, 0)), `values ${p!.values.map((v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}`);
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
      const st = await b!.open({});
      await st.samples.append([sample('dwcp_closed', {}, 1, T0)]);
      await st.samples.close();
      await st.samples.close();
      await assert.rejects(st.samples.append([sample('dwcp_closed', {}, 1, T0 + 1)]), StoreError);
      await assert.rejects(st.samples.countSamples(), StoreError);
      await assert.rejects(st.samples.findSeries('dwcp_closed', {}, 1), StoreError);
    });

    test('anomaly insert, resolve, acknowledge (NotFoundError for unknown ids), round-trip of every field', async () => {
      const { anomalies: store } = await open();
      const votes = [
        { detector: 'seasonal', score: 0.71, voted: true },
        { detector: 'ewma', score: 0.2, voted: false },
      ];
      const a = await store.insert(anomaly({ observed: Number.NaN, score: 0.71, votes }));
      assert.deepEqual(a.votes, votes);
      assert.ok(a.id > 0);
      assert.ok(Number.isNaN(a.observed));
      const [listed] = await store.list({ limit: 10, component: 'amst' });
      assert.deepEqual({ ...listed!, observed: 0 }, { ...a, observed: 0 });
      assert.ok(Number.isNaN(listed!.observed));
      await store.resolve(a.id, T0 + 60_000);
      const ack = await store.acknowledge(a.id);
      assert.equal(ack.acknowledged, true);
      assert.equal(ack.resolvedAtMs, T0 + 60_000);
      assert.equal(typeof ack.startedAtMs, 'number');
      for (const id of [999_999, 0, -1, 1.5, Number.NaN]) {
        await assert.rejects(store.acknowledge(id), NotFoundError, `acknowledge(${id})`);
        await assert.rejects(store.resolve(id, T0), NotFoundError, `resolve(${id})`);
      }
      const b2 = await store.insert(anomaly());
      assert.ok(b2.id > a.id, 'ids increase');
    });

    test('anomaly times must be integers in ms (nothing is stored otherwise)', async () => {
      const { anomalies: store } = await open();
      await assert.rejects(store.insert(anomaly({ startedAtMs: T0 + 0.5 })), InvalidInputError);
      await assert.rejects(store.insert(anomaly({ detectedAtMs: Number.NaN })), InvalidInputError);
      await assert.rejects(store.insert(anomaly({ resolvedAtMs: T0 + 0.25 })), InvalidInputError);
      assert.deepEqual(await store.list({ limit: 10 }), []);
      const a = await store.insert(anomaly({ resolvedAtMs: T0 + 10 }));
      await assert.rejects(store.resolve(a.id, T0 + 0.5), InvalidInputError);
      assert.equal((await store.list({ limit: 1 }))[0]!.resolvedAtMs, T0 + 10);
    });

    test(`anomaly votes: at most ${MAX_STORED_VOTES} are kept; returned anomalies are copies`, async () => {
      const { anomalies: store } = await open();
      const votes = Array.from({ length: MAX_STORED_VOTES + 4 }, (_, i) => ({ detector: `d${i}`, score: i / 100, voted: i % 2 === 0 }));
      const a = await store.insert(anomaly({ votes }));
      assert.deepEqual(a.votes, votes.slice(0, MAX_STORED_VOTES));
      const [listed] = await store.list({ limit: 1 });
      assert.deepEqual(listed!.votes, votes.slice(0, MAX_STORED_VOTES));
      (listed!.labels as Record<string, string>)['node'] = 'changed';
      assert.equal((await store.list({ limit: 1 }))[0]!.labels['node'], 'n1');
    });

    test('anomaly list filters and orders newest first (ties by id); prune removes resolved then oldest', async () => {
      const { anomalies: st } = await open();
      const mk = (i: number, over: Partial<Omit<Anomaly, 'id'>>) => st.insert(anomaly({ startedAtMs: T0 + i * 1000, ...over }));
      const a0 = await mk(0, { severity: 'low', component: 'hde' });
      const a1 = await mk(1, { severity: 'medium', component: 'amst' });
      const a2 = await mk(2, { severity: 'critical', component: 'amst' });
      const a3 = await mk(3, { severity: 'high', component: 'system' });
      const a4 = await mk(2, { severity: 'low', component: 'acp' }); // same start as a2: the higher id first
      const ids = (xs: Anomaly[]) => xs.map((x) => x.id);
      assert.deepEqual(ids(await st.list({ limit: 10 })), [a3.id, a4.id, a2.id, a1.id, a0.id]);
      assert.deepEqual(ids(await st.list({ limit: 2 })), [a3.id, a4.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, startMs: T0 + 1000, endMs: T0 + 2000 })), [a4.id, a2.id, a1.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, component: 'amst' })), [a2.id, a1.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, severity: 'high' })), [a3.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, minSeverity: 'high' })), [a3.id, a2.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, minSeverity: 'medium', component: 'amst', severity: 'critical' })), [a2.id]);
      await assert.rejects(st.list({ limit: 0 }), InvalidInputError);
      assert.equal(await st.prune(10), 0);
      await st.prune(4); // a0, the oldest
      await st.resolve(a2.id, T0 + 9000);
      assert.equal(await st.prune(2), 2);
      assert.deepEqual(ids(await st.list({ limit: 10 })), [a3.id, a4.id], 'resolved a2 went first, then the oldest (a1)');
      await assert.rejects(st.prune(-1), InvalidInputError);
      await assert.rejects(st.prune(1.5), InvalidInputError);
      assert.equal(await st.prune(0), 2);
      assert.deepEqual(await st.list({ limit: 10 }), []);
    });

    test('detector states: upsert (last row of a key wins), load newest first within the limit, delete by age', async () => {
      const { states: st } = await open();
      const first = await st.saveDetectorStates([
        stateRow('lat{node="a"}', { n: 1, mean: 1.5, buf: [1, 2, 3] }, T0),
        stateRow('lat{node="b"}', { n: 2, nested: { ok: true, s: 'é"\\' } }, T0 + 1000),
        stateRow('lat{node="a"}', { n: 9 }, T0 + 500), // same key later in the batch: this one wins
      ]);
      assert.deepEqual(first, { saved: 2, rejected: [] });
      let loaded = await st.loadDetectorStates(10);
      assert.equal(loaded.malformed, 0);
      assert.deepEqual(loaded.rows, [
        stateRow('lat{node="b"}', { n: 2, nested: { ok: true, s: 'é"\\' } }, T0 + 1000),
        stateRow('lat{node="a"}', { n: 9 }, T0 + 500),
      ]);
      assert.equal(typeof loaded.rows[0]!.updatedAtMs, 'number');
      // A later checkpoint replaces the row, including detector and version.
      assert.equal((await st.saveDetectorStates([stateRow('lat{node="a"}', [1, null, 'x'], T0 + 2000, { detector: 'other', version: 3 })])).saved, 1);
      loaded = await st.loadDetectorStates(1);
      assert.deepEqual(loaded.rows, [stateRow('lat{node="a"}', [1, null, 'x'], T0 + 2000, { detector: 'other', version: 3 })]);
      (loaded.rows[0]!.state as unknown[])[0] = 'changed';
      assert.deepEqual((await st.loadDetectorStates(1)).rows[0]!.state, [1, null, 'x'], 'a loaded state is a copy');
      assert.deepEqual(await st.saveDetectorStates([]), { saved: 0, rejected: [] });
      await assert.rejects(st.loadDetectorStates(0), InvalidInputError);
      assert.equal(await st.deleteDetectorStatesOlderThan(T0 + 1000), 0);
      assert.equal(await st.deleteDetectorStatesOlderThan(T0 + 1000.5), 1, 'b (updated at T0 + 1000) is older');
      assert.deepEqual((await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey), ['lat{node="a"}']);
      await assert.rejects(st.deleteDetectorStatesOlderThan(Number.NaN), InvalidInputError);
    });

    test('detector states: ties of checkpoint time load in series-key byte order', async () => {
      const { states: st } = await open();
      const keys = ['b{x="1"}', 'B{x="1"}', 'a_b', 'aB', 'a-c', 'A{', 'ab', '_z', 'é'];
      await st.saveDetectorStates(keys.map((k) => stateRow(k, 1, T0)));
      const byteOrder = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
      assert.deepEqual((await st.loadDetectorStates(100)).rows.map((r) => r.seriesKey), byteOrder);
    });

    test('detector states: oversize and unserialisable states are rejected per row with a clear error; invalid rows throw', async () => {
      const { states: st } = await open();
      const big = 'x'.repeat(MAX_DETECTOR_STATE_BYTES); // its JSON has two quotes more than the cap
      const wide = 'é'.repeat(MAX_DETECTOR_STATE_BYTES / 2); // 2 UTF-8 bytes per character: over the cap in bytes
      const fits = 'y'.repeat(MAX_DETECTOR_STATE_BYTES - 2);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      const r = await st.saveDetectorStates([
        stateRow('ok', { n: 1 }),
        stateRow('big', big),
        stateRow('wide', wide),
        stateRow('fits', fits),
        stateRow('circ', circular),
        stateRow('undef', undefined),
      ]);
      assert.equal(r.saved, 2);
      assert.deepEqual(r.rejected.map((x) => x.seriesKey), ['big', 'wide', 'circ', 'undef']);
      assert.ok(r.rejected[0]!.error instanceof PayloadTooLargeError);
      assert.match(r.rejected[0]!.error.message, /^detector state of big \(ensemble v1, 65538 bytes\) exceeds the limit of 65536 bytes$/);
      assert.ok(r.rejected[1]!.error instanceof PayloadTooLargeError);
      assert.ok(r.rejected[2]!.error instanceof InvalidInputError);
      assert.ok(r.rejected[3]!.error instanceof InvalidInputError);
      assert.deepEqual((await st.loadDetectorStates(10)).rows.map((x) => x.seriesKey).sort(), ['fits', 'ok']);
      for (const bad of [stateRow('', 1), stateRow('k', 1, T0 + 0.5), stateRow('k', 1, T0, { version: 1.5 }), stateRow('k', 1, T0, { detector: '' })]) {
        await assert.rejects(st.saveDetectorStates([stateRow('never', 1), bad]), InvalidInputError);
      }
      assert.equal((await st.loadDetectorStates(10)).rows.length, 2, 'nothing of a batch with an invalid row is stored');
    });

    test('detector states: versions are 32-bit integers on every backend', async () => {
      const { states: st } = await open();
      const max = 2 ** 31 - 1;
      assert.equal((await st.saveDetectorStates([stateRow('v-max', 1, T0, { version: max }), stateRow('v-min', 1, T0, { version: -(2 ** 31) })])).saved, 2);
      assert.deepEqual((await st.loadDetectorStates(10)).rows.map((r) => r.version), [max, -(2 ** 31)]);
      await assert.rejects(st.saveDetectorStates([stateRow('v-big', 1, T0, { version: max + 1 })]), InvalidInputError);
      await assert.rejects(st.saveDetectorStates([stateRow('v-small', 1, T0, { version: -(2 ** 31) - 1 })]), InvalidInputError);
      assert.equal((await st.loadDetectorStates(10)).rows.length, 2);
    });

    test('detector states: large batches (rows and bytes) are stored whole; load holds its limit', async () => {
      const { states: st } = await open();
      const many = Array.from({ length: 1234 }, (_, i) => stateRow(`s${i}`, { i, w: [i, i + 1] }, T0 + i));
      assert.deepEqual(await st.saveDetectorStates(many), { saved: 1234, rejected: [] });
      const heavy = Array.from({ length: 80 }, (_, i) => stateRow(`h${i}`, 'z'.repeat(60_000) + i, T0 + 5000 + i)); // about 4.8 MB
      assert.deepEqual(await st.saveDetectorStates(heavy), { saved: 80, rejected: [] });
      const top = await st.loadDetectorStates(100);
      assert.equal(top.rows.length, 100);
      assert.equal(top.rows[0]!.seriesKey, 'h79');
      assert.equal(top.rows[0]!.state, 'z'.repeat(60_000) + '79');
      const all = await st.loadDetectorStates(5000);
      assert.equal(all.rows.length, 1314);
      assert.deepEqual(all.rows.find((x) => x.seriesKey === 's777')!.state, { i: 777, w: [777, 778] });
    });
  });
}
