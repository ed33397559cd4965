/**
 * One suite for both store backends: SQLite (temp file) and PostgreSQL (DWCP_TEST_PG_URL, default
 * postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test; each run uses a fresh schema dropped in `after`).
 * Under CI=true an unreachable PostgreSQL fails the suite; elsewhere it is skipped with the reason.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { InvalidInputError, NotFoundError, PayloadTooLargeError, StoreError } from '../../src/errors.ts';
import type { Anomaly } from '../../src/model/anomaly.ts';
import type { Sample } from '../../src/model/sample.ts';
import { seriesKey } from '../../src/model/sample.ts';
import { LruCache } from '../../src/store/lru-cache.ts';
import { SeriesKeyBuilder } from '../../src/store/series-key-builder.ts';
import { openPostgresStore } from '../../src/store/postgres.ts';
import { openSqliteStore, type OpenedStore } from '../../src/store/sqlite.ts';
import { MAX_DETECTOR_STATE_BYTES, type DetectorStateRow } from '../../src/store/types.ts';

const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';
const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

async function pgReachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const s = (name: string, labels: Record<string, string>, value: number, ts: number): Sample => ({ name, labels, value, timestampMs: ts });

function anomaly(over: Partial<Omit<Anomaly, 'id'>> = {}): Omit<Anomaly, 'id'> {
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

type Opener = (o: { allowNonFinite?: boolean; seriesCacheSize?: number }) => Promise<OpenedStore>;
/** Runs raw SQL on the database behind a store opened by the suite's opener (to plant bad rows). */
type RawExec = (st: OpenedStore, sqlText: string) => Promise<void>;

const stateRow = (seriesKey: string, state: unknown, updatedAtMs = T0, over: Partial<DetectorStateRow> = {}): DetectorStateRow => ({
  seriesKey,
  detector: 'ensemble',
  version: 1,
  state,
  updatedAtMs,
  ...over,
});

function storeSuite(backend: string, setup: () => Promise<{ open: Opener; exec?: RawExec; skip?: string; cleanup?: () => void }>): void {
  describe(`store (${backend})`, () => {
    let open: Opener;
    let exec: RawExec | undefined;
    let skip: string | undefined;
    let cleanup: (() => void) | undefined;
    let store: OpenedStore;
    const opened: OpenedStore[] = [];
    const openTracked: Opener = async (o) => {
      const st = await open(o);
      opened.push(st);
      return st;
    };
    before(async () => {
      const r = await setup();
      open = r.open;
      exec = r.exec;
      skip = r.skip;
      cleanup = r.cleanup;
      if (!skip) store = await openTracked({});
    });
    after(async () => {
      for (const st of opened) await st.close();
      cleanup?.();
    });
    const test = (name: string, fn: (t: { skip: (reason: string) => void }) => Promise<void>) =>
      it(name, async (t) => {
        if (skip) return t.skip(skip);
        await fn(t);
      });

    test('appends samples, counts duplicates, reads points back with ts as numbers', async () => {
      const batch = [
        s('dwcp_bw', { node: 'n1', region: 'us' }, 1, T0),
        s('dwcp_bw', { node: 'n1', region: 'us' }, 2, T0 + 1000),
        s('dwcp_bw', { region: 'us', node: 'n2' }, 3, T0),
        s('dwcp_bw', { node: 'n1', region: 'us' }, 9, T0), // same series + ts within the batch
      ];
      assert.deepEqual(await store.append(batch), { stored: 3, rejected: { duplicate: 1 } });
      assert.deepEqual(await store.append([s('dwcp_bw', { region: 'us', node: 'n1' }, 5, T0 + 1000), s('dwcp_bw', { node: 'n1', region: 'us' }, 6, T0 + 2000)]), {
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
    });

    test('rejects non-finite values unless allowed; allowed ones round-trip (NaN, +Inf, -Inf)', async () => {
      const r = await store.append([s('dwcp_nf', {}, Number.NaN, T0), s('dwcp_nf', {}, Infinity, T0 + 1), s('dwcp_nf', {}, 1, T0 + 2)]);
      assert.deepEqual(r, { stored: 1, rejected: { non_finite: 2 } });
      const allowing = await openTracked({ allowNonFinite: true });
      const r2 = await allowing.append([s('dwcp_nf2', {}, Number.NaN, T0), s('dwcp_nf2', {}, Infinity, T0 + 1), s('dwcp_nf2', {}, -Infinity, T0 + 2), s('dwcp_nf2', {}, -0.5, T0 + 3)]);
      assert.deepEqual(r2, { stored: 4, rejected: {} });
      const [p] = await allowing.readPoints(await allowing.findSeries('dwcp_nf2', {}, 1), T0, T0 + 10, 10);
      assert.ok(Number.isNaN(p!.values[0]));
      assert.deepEqual(p!.values.slice(1), [Infinity, -Infinity, -0.5]);
    });

    test('rejects a fractional timestamp before writing anything', async () => {
      const before = await store.countSamples();
      await assert.rejects(store.append([s('dwcp_frac', {}, 1, T0), s('dwcp_frac', {}, 1, T0 + 0.5)]), InvalidInputError);
      assert.equal(await store.countSamples(), before);
    });

    test('stores large batches in chunks inside one transaction', async () => {
      const batch: Sample[] = [];
      for (let i = 0; i < 12_000; i++) batch.push(s('dwcp_big', { i: String(i % 3000) }, i, T0 + Math.floor(i / 3000)));
      const before = await store.countSamples();
      assert.deepEqual(await store.append(batch), { stored: 12_000, rejected: {} });
      assert.equal((await store.countSamples()) - before, 12_000);
      assert.deepEqual(await store.append(batch), { stored: 0, rejected: { duplicate: 12_000 } });
    });

    test('chunked appends skip rejected samples and store each sample with its own series, ts and value', async () => {
      const batch: Sample[] = [];
      for (let i = 0; i < 4500; i++) batch.push(s('dwcp_mixed', { k: String(i % 3), z: 'a' }, i % 7 === 0 ? Number.NaN : i, T0 + i));
      const expectedStored = batch.filter((x) => !Number.isNaN(x.value)).length;
      assert.deepEqual(await store.append(batch), { stored: expectedStored, rejected: { non_finite: 4500 - expectedStored } });
      const refs = await store.findSeries('dwcp_mixed', { k: '1' }, 10);
      assert.equal(refs.length, 1);
      const [p] = await store.readPoints(refs, T0, T0 + 4500, 10_000);
      const want = batch.filter((x) => x.labels['k'] === '1' && !Number.isNaN(x.value));
      assert.deepEqual(p!.timestampsMs, want.map((x) => x.timestampMs));
      assert.deepEqual(p!.values, want.map((x) => x.value));
    });

    test('searches metric names case-insensitively with literal % and _', async () => {
      await store.append([s('dwcp_search_Alpha', {}, 1, T0), s('dwcp_search_beta', {}, 1, T0), s('dwcpXsearch', {}, 1, T0)]);
      assert.deepEqual(await store.searchMetricNames('SEARCH_', 10), ['dwcp_search_Alpha', 'dwcp_search_beta']);
      assert.deepEqual(await store.searchMetricNames('search', 2), ['dwcpXsearch', 'dwcp_search_Alpha'], 'byte order, limited');
      assert.deepEqual(await store.searchMetricNames('%', 10), []);
      await assert.rejects(store.searchMetricNames('x', 0), InvalidInputError);
    });

    test('findSeries matches every label and honours the limit', async () => {
      await store.append([s('dwcp_fs', { a: '1', b: 'x' }, 1, T0), s('dwcp_fs', { a: '1', b: 'y' }, 1, T0), s('dwcp_fs', { a: '2', b: 'x' }, 1, T0)]);
      assert.equal((await store.findSeries('dwcp_fs', {}, 10)).length, 3);
      assert.deepEqual((await store.findSeries('dwcp_fs', { a: '1', b: 'y' }, 10)).map((r) => r.labels), [{ a: '1', b: 'y' }]);
      assert.equal((await store.findSeries('dwcp_fs', { a: '1' }, 1)).length, 1);
      assert.deepEqual(await store.findSeries('dwcp_none', {}, 10), []);
      await assert.rejects(store.readPoints([], 10, 0, 10), InvalidInputError);
    });

    test('retention deletes old samples and empty series (and a later append recreates the series)', async () => {
      const st = await openTracked({});
      await st.append([s('dwcp_ret_old', {}, 1, T0 - 2 * HOUR), s('dwcp_ret_mixed', {}, 1, T0 - 2 * HOUR), s('dwcp_ret_mixed', {}, 2, T0)]);
      const total = await st.countSamples();
      const deleted = await st.applyRetention(T0 + HOUR - 1); // retention 1 h (see opener)
      assert.ok(deleted >= 2, `deleted ${deleted}`);
      assert.equal(await st.countSamples(), total - deleted);
      assert.deepEqual(await st.findSeries('dwcp_ret_old', {}, 10), []);
      assert.equal((await st.findSeries('dwcp_ret_mixed', {}, 10)).length, 1);
      assert.deepEqual(await st.append([s('dwcp_ret_old', {}, 3, T0)]), { stored: 1, rejected: {} });
      const refs = await st.findSeries('dwcp_ret_old', {}, 10);
      assert.equal(refs.length, 1, 'series recreated after its cache entry was evicted');
      assert.deepEqual((await st.readPoints(refs, 0, T0, 10))[0]!.values, [3]);
    });

    test('bounds the series-id cache', async () => {
      const st = await openTracked({ seriesCacheSize: 50 });
      const batch = Array.from({ length: 500 }, (_, i) => s('dwcp_lru', { i: String(i) }, 1, T0));
      assert.deepEqual(await st.append(batch), { stored: 500, rejected: {} });
      assert.ok(st.cachedSeries > 0 && st.cachedSeries <= 50, `cache holds ${st.cachedSeries}`);
      assert.deepEqual(await st.append(batch.map((x) => ({ ...x, timestampMs: T0 + 1 }))), { stored: 500, rejected: {} });
      assert.ok(st.cachedSeries > 0 && st.cachedSeries <= 50, `cache holds ${st.cachedSeries}`);
      assert.equal((await st.findSeries('dwcp_lru', {}, 1000)).length, 500, 'no series duplicated by cache misses');
    });

    test('anomaly insert, resolve, acknowledge (NotFoundError for unknown ids), round-trip of every field', async () => {
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
      await assert.rejects(store.acknowledge(999_999), NotFoundError);
      await assert.rejects(store.resolve(999_999, T0), NotFoundError);
    });

    test('anomaly list filters and orders newest first; prune removes resolved then oldest', async () => {
      const st = await openTracked({});
      const mk = (i: number, over: Partial<Omit<Anomaly, 'id'>>) => st.insert(anomaly({ startedAtMs: T0 + i * 1000, ...over }));
      const a0 = await mk(0, { severity: 'low', component: 'hde' });
      const a1 = await mk(1, { severity: 'medium', component: 'amst' });
      const a2 = await mk(2, { severity: 'critical', component: 'amst' });
      const a3 = await mk(3, { severity: 'high', component: 'system' });
      const ids = (xs: Anomaly[]) => xs.map((x) => x.id);
      assert.deepEqual(ids(await st.list({ limit: 10 })), [a3.id, a2.id, a1.id, a0.id]);
      assert.deepEqual(ids(await st.list({ limit: 2 })), [a3.id, a2.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, startMs: T0 + 1000, endMs: T0 + 2000 })), [a2.id, a1.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, component: 'amst' })), [a2.id, a1.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, severity: 'high' })), [a3.id]);
      assert.deepEqual(ids(await st.list({ limit: 10, minSeverity: 'high' })), [a3.id, a2.id]);
      await assert.rejects(st.list({ limit: 0 }), InvalidInputError);
      await st.resolve(a2.id, T0 + 9000);
      assert.equal(await st.prune(10), 0);
      assert.equal(await st.prune(2), 2);
      assert.deepEqual(ids(await st.list({ limit: 10 })), [a3.id, a1.id], 'resolved a2 went first, then the oldest (a0)');
      await assert.rejects(st.prune(-1), InvalidInputError);
      assert.equal(await st.prune(0), 2);
    });

    test('detector states: upsert (last row of a key wins), load newest first within the limit, delete by age', async () => {
      const st = await openTracked({});
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
      assert.deepEqual(await st.saveDetectorStates([]), { saved: 0, rejected: [] });
      await assert.rejects(st.loadDetectorStates(0), InvalidInputError);
      assert.equal(await st.deleteDetectorStatesOlderThan(T0 + 1000), 0);
      assert.equal(await st.deleteDetectorStatesOlderThan(T0 + 1000.5), 1, 'b (updated at T0 + 1000) is older');
      assert.deepEqual((await st.loadDetectorStates(10)).rows.map((r) => r.seriesKey), ['lat{node="a"}']);
      await assert.rejects(st.deleteDetectorStatesOlderThan(Number.NaN), InvalidInputError);
    });

    test('detector states: oversize and unserialisable states are rejected per row with a clear error; invalid rows throw', async () => {
      const st = await openTracked({});
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

    test('detector states: batches larger than one statement (rows and bytes) are stored whole; load holds its limit', async () => {
      const st = await openTracked({});
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

    test('detector states: malformed stored rows are skipped and counted, never thrown', async (t) => {
      if (!exec) return t.skip('no raw access');
      const st = await openTracked({});
      await st.saveDetectorStates([stateRow('good', { n: 1 })]);
      await exec(st, `insert into detector_states (series_key, detector, version, state_json, updated_at) values ('badjson', 'ensemble', 1, '{"n":', ${T0}), ('noname', '', 1, '{}', ${T0}), ('empty', 'ensemble', 1, '', ${T0})`);
      const r = await st.loadDetectorStates(10);
      assert.equal(r.malformed, 3);
      assert.deepEqual(r.rows.map((x) => x.seriesKey), ['good']);
    });
  });
}

storeSuite('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-'));
  let n = 0;
  const paths = new WeakMap<OpenedStore, string>();
  return {
    open: async (o) => {
      const path = join(dir, `nested/db-${n++}.db`);
      const st = await openSqliteStore({ path, retentionMs: HOUR, ...o });
      paths.set(st, path);
      return st;
    },
    exec: (st, sqlText) => {
      const raw = new BetterSqlite3(paths.get(st)!);
      try {
        raw.exec(sqlText);
      } finally {
        raw.close();
      }
      return Promise.resolve();
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
});

storeSuite('postgres', async () => {
  const reason = await pgReachable();
  if (reason !== undefined) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI (CI=true) but ${PG_URL} is unreachable: ${reason}`);
    return { open: () => Promise.reject(new Error('unreachable')), skip: `PostgreSQL at ${PG_URL} unreachable: ${reason}` };
  }
  const run = `dwcp_test_${process.pid}_${Date.now().toString(36)}`;
  let n = 0;
  const schemas = new WeakMap<OpenedStore, string>();
  return {
    open: async (o) => {
      const schema = `${run}_${n++}`;
      const st = await openPostgresStore({ url: PG_URL, retentionMs: HOUR, schema, dropSchemaOnClose: true, ...o });
      schemas.set(st, schema);
      return st;
    },
    exec: async (st, sqlText) => {
      const c = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schemas.get(st)!}` });
      await c.connect();
      try {
        await c.query(sqlText);
      } finally {
        await c.end();
      }
    },
  };
});

describe('store edge cases', () => {
  it('LruCache evicts the least recently used entry and rejects a bad capacity', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    assert.equal(c.get('a'), 1); // a is now most recent
    c.set('c', 3);
    assert.equal(c.get('b'), undefined);
    assert.equal(c.get('a'), 1);
    assert.equal(c.size, 2);
    assert.throws(() => new LruCache(1), InvalidInputError);
    const big = new LruCache<number, number>(1000);
    for (let i = 0; i < 100_000; i++) {
      big.set(i, i);
      big.get(0); // a hot entry survives every generation
      assert.ok(big.size <= 1000);
    }
    assert.equal(big.get(0), 0);
    assert.equal(big.get(50_000), undefined);
    assert.equal(big.get(99_999), 99_999);
    assert.equal(big.delete(99_999), true);
    assert.equal(big.get(99_999), undefined);
  });

  it('SeriesKeyBuilder gives exactly seriesKey for runs of one shape, shape changes and escapes', () => {
    const b = new SeriesKeyBuilder();
    const cases: [string, Record<string, string>][] = [
      ['m', {}],
      ['m', { b: '1', a: '2' }],
      ['m', { b: '3', a: 'x"y\\z\nw' }],
      ['m', { a: '3', b: '4' }],
      ['m', { b: '1' }],
      ['m', { b: '1', a: '2', c: '' }],
      ['n', { b: '1', a: '2', c: '' }],
      ['n', {}],
      ['n', { zz: 'é{},="', instance: 'h:1', job: 'j' }],
    ];
    for (const [name, labels] of [...cases, ...cases]) assert.equal(b.key(name, labels), seriesKey(name, labels));
  });

  it('SQLite: creates the directory, reports an unopenable path, and rejects a bad retention', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-store-'));
    try {
      const st = await openSqliteStore({ path: join(dir, 'a/b/x.db'), retentionMs: 1 });
      await st.close();
      await st.close();
      assert.ok(existsSync(join(dir, 'a/b/x.db')));
      await assert.rejects(openSqliteStore({ path: join(dir, 'a/b/x.db'), retentionMs: 0 }), InvalidInputError);
      writeFileSync(join(dir, 'plain-file'), 'x');
      await assert.rejects(openSqliteStore({ path: join(dir, 'plain-file', 'x.db'), retentionMs: 1 }), (e: unknown) => e instanceof StoreError && /cannot open SQLite database/.test(e.message));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: a bad schema name or unreachable server is a clear error', async () => {
    await assert.rejects(openPostgresStore({ url: PG_URL, retentionMs: 1, schema: 'x; drop table y' }), InvalidInputError);
    await assert.rejects(openPostgresStore({ url: 'postgres://dwcp:dwcp@127.0.0.1:1/none', retentionMs: 1, connectTimeoutMs: 1000 }), (e: unknown) => e instanceof StoreError && /cannot connect to PostgreSQL/.test(e.message));
  });
});
