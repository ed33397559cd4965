/**
 * Facts of the SQL stores beyond the shared contract (test/helpers/store-contract.ts), run for SQLite and
 * PostgreSQL: the bounded series-id cache and rows planted with raw SQL.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { OpenedStore } from '../../src/store/sqlite.ts';
import { anomaly, sample, stateRow, T0 } from './store-fixtures.ts';
import { backendHarness, type SuiteBackend } from './store-suite.ts';

/** Opens a fresh SQL store (sample retention one hour) with the given series-cache capacity. */
export type SqlOpener = (o: { allowNonFinite?: boolean; seriesCacheSize?: number }) => Promise<OpenedStore>;
/** Runs raw SQL on the database behind a store the opener returned. */
export type RawExec = (st: OpenedStore, sqlText: string) => Promise<void>;

/** What a SQL backend gives the suite, or a reason to skip (an unreachable server outside CI). */
export interface SqlBackend extends SuiteBackend<Parameters<SqlOpener>[0], OpenedStore> {
  readonly exec: RawExec;
}

/** Registers the SQL-only checks for one backend. */
export function sqlStoreSuite(backend: string, setup: () => Promise<SqlBackend>): void {
  describe(`SQL store (${backend})`, () => {
    const h = backendHarness<Parameters<SqlOpener>[0], OpenedStore, SqlBackend>(setup, (st) => st.close());
    const open: SqlOpener = h.open;
    const test = h.test;
    const exec: RawExec = (st, sqlText) => h.backend().exec(st, sqlText);

    test('bounds the series-id cache', async () => {
      const st = await open({ seriesCacheSize: 50 });
      const batch = Array.from({ length: 500 }, (_, i) => sample('dwcp_lru', { i: String(i) }, 1, T0));
      assert.deepEqual(await st.append(batch), { stored: 500, rejected: {} });
      assert.ok(st.cachedSeries > 0 && st.cachedSeries <= 50, `cache holds ${st.cachedSeries}`);
      assert.deepEqual(await st.append(batch.map((x) => ({ ...x, timestampMs: T0 + 1 }))), {
        stored: 500,
        rejected: {},
      });
      assert.ok(st.cachedSeries > 0 && st.cachedSeries <= 50, `cache holds ${st.cachedSeries}`);
      assert.equal(
        (await st.findSeries('dwcp_lru', {}, 1000)).length,
        500,
        'no series duplicated by cache misses',
      );
    });

    test('detector states: malformed stored rows are skipped and counted, never thrown', async () => {
      const st = await open({});
      await st.saveDetectorStates([stateRow('good', { n: 1 })]);
      await exec(
        st,
        `insert into detector_states (series_key, detector, version, state_json, updated_at) values ('badjson', 'ensemble', 1, '{"n":', ${T0}), ('noname', '', 1, '{}', ${T0}), ('empty', 'ensemble', 1, '', ${T0})`,
      );
      const r = await st.loadDetectorStates(10);
      assert.equal(r.malformed, 3);
      assert.deepEqual(
        r.rows.map((x) => x.seriesKey),
        ['good'],
      );
    });

    test('anomalies: malformed stored votes read back as no votes (the anomaly stays readable)', async () => {
      const st = await open({});
      const a = await st.insert(anomaly());
      await exec(
        st,
        `update anomalies set votes_json = '[{"detector":"x","score":1,"voted":true},{"detector":1},"junk"]' where id = ${a.id}`,
      );
      assert.deepEqual((await st.list({ limit: 1 }))[0]!.votes, [{ detector: 'x', score: 1, voted: true }]);
      await exec(st, `update anomalies set votes_json = '{not json' where id = ${a.id}`);
      assert.deepEqual((await st.list({ limit: 1 }))[0]!.votes, []);
    });

    test('anomalies: rows without a known resolution reason (NULL, empty, unknown text) read back without one', async () => {
      const st = await open({});
      const a = await st.insert(anomaly());
      await st.resolve(a.id, T0 + 60_000, 'new level accepted');
      const [before] = await st.list({ limit: 1 });
      assert.equal(before!.resolution, 'new level accepted');
      const withoutReason: { resolution?: string } = { ...before! };
      delete withoutReason.resolution;
      for (const v of ['NULL', "''", "'resolved somehow'"]) {
        await exec(st, `update anomalies set resolution = ${v} where id = ${a.id}`);
        assert.deepEqual((await st.list({ limit: 1 }))[0], withoutReason, v);
      }
    });
  });
}
