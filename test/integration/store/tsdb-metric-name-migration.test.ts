/**
 * Metric names stored once (tsdb migration `0003_metric_names`) on SQLite and PostgreSQL: a store written by the
 * tree before it (series rows `(id, hash, name, labels)` with an index on the name text, no name table) opens, is
 * rewritten to `(id, hash, name_id, labels)` plus `tsdb_metric_names`, and reads back identically: the same ids,
 * keys, labels, points and metric-name search, WAL records replayed onto the same series, appends going to the
 * same series, new series (of a known and of a new name) never reusing an id handed out before. Retention that
 * deletes a name's last series deletes the name too.
 */
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import type { OpenedChunkedStore } from '../../../src/store/tsdb/open.ts';
import {
  chunkedStoreSuites,
  columnsOfSeries,
  DAY,
  dbOf,
  HOUR,
  s,
  T0,
  migrationValueOf,
  writeAcrossCheckpoint,
} from './tsdb-store-suite.ts';

const SERIES: { name: string; labels: Labels }[] = [
  { name: 'dwcp_names_a', labels: { node: 'n1', cluster: 'us-east' } },
  { name: 'dwcp_names_a', labels: { node: 'n2', quote: 'say "hi"\n\\' } },
  { name: 'dwcp_names_b_ü€', labels: { zeta: '😀', alpha: '' } },
  { name: 'dwcp_names_c', labels: {} },
];

/**
 * Writes the `series` table in the shape of the tree before `0003_metric_names` (tsdb migration 0002's DDL: the
 * name text in every row, `series_name_idx` on it), drops the name table and forgets that 0003 ran. `idGap` ids
 * are handed out and deleted first (SQLite's AUTOINCREMENT mark moves past them).
 */
async function writePreviousShape(
  db: Kysely<unknown>,
  dialect: 'sqlite' | 'postgres',
  idGap: number,
): Promise<void> {
  const rows = (
    await sql<{ id: number | string; hash: number | string; name: string; labels: Uint8Array }>`
      select s.id, s.hash, n.name, s.labels from series s join tsdb_metric_names n on n.id = s.name_id
      order by s.id`.execute(db)
  ).rows;
  const maxId = Math.max(...rows.map((r) => Number(r.id)));
  if (dialect === 'sqlite') {
    await sql`drop table series`.execute(db);
    await sql`create table series (id integer primary key autoincrement, hash bigint not null,
      name text not null, labels blob not null)`.execute(db);
    await sql`create index series_hash_idx on series (hash)`.execute(db);
    await sql`create index series_name_idx on series (name)`.execute(db);
    for (const r of rows)
      await sql`insert into series (id, hash, name, labels) values (${Number(r.id)}, ${Number(r.hash)}, ${r.name},
        ${Buffer.from(r.labels)})`.execute(db);
    for (let k = 1; k <= idGap; k++)
      await sql`insert into series (id, hash, name, labels) values (${maxId + k}, 0, 'gone', x'00')`.execute(
        db,
      );
    await sql`delete from series where name = 'gone'`.execute(db);
  } else {
    await sql`alter table series add column name text`.execute(db);
    for (const r of rows) await sql`update series set name = ${r.name} where id = ${r.id}`.execute(db);
    await sql`alter table series drop column name_id, alter column name set not null`.execute(db);
    await sql`create index series_name_idx on series (name)`.execute(db);
    for (let k = 1; k <= idGap; k++) await sql`select nextval('series_id_seq')`.execute(db);
  }
  await sql`drop table tsdb_metric_names`.execute(db);
  await sql`delete from tsdb_migration where name = '0003_metric_names'`.execute(db);
}

const storedNames = async (st: OpenedChunkedStore): Promise<string[]> =>
  (await sql<{ name: string }>`select name from tsdb_metric_names order by id`.execute(dbOf(st))).rows.map(
    (r) => r.name,
  );

chunkedStoreSuites('tsdb metric names', ({ open, reopen, test, dialect }) => {
  test('a store written before migration 0003 opens and reads identically, WAL included', async () => {
    const st = await open({ maxSamplesPerChunk: 40, retentionMs: DAY });
    const steps = 100; // two cut chunks per series, the rest in the open chunk and the WAL
    await writeAcrossCheckpoint(st, SERIES, steps);
    const before = new Map<string, number>();
    for (const x of SERIES) for (const r of await st.findSeries(x.name, {}, 100)) before.set(r.key, r.id);
    assert.equal(before.size, SERIES.length);
    st.samples.abandon(); // the WAL keeps samples after the checkpoint
    await writePreviousShape(dbOf(st), dialect, 5);
    assert.ok((await columnsOfSeries(dbOf(st), dialect)).includes('name'), 'previous shape written');

    const again = await reopen(st, { maxSamplesPerChunk: 40, retentionMs: DAY });
    assert.deepEqual((await columnsOfSeries(dbOf(again), dialect)).sort(), [
      'hash',
      'id',
      'labels',
      'name_id',
    ]);
    assert.deepEqual(await storedNames(again), ['dwcp_names_a', 'dwcp_names_b_ü€', 'dwcp_names_c']);
    for (const [i, x] of SERIES.entries()) {
      const key = seriesKey(x.name, x.labels);
      const refs = await again.findSeries(x.name, x.labels, 10);
      assert.deepEqual(
        refs.map((r) => [r.id, r.key, r.name, r.labels]),
        [[before.get(key), key, x.name, x.labels]],
      );
      const [p] = await again.readPoints(refs, T0, T0 + HOUR, 10_000);
      assert.deepEqual(
        p!.values,
        Array.from({ length: steps }, (_, k) => migrationValueOf(i, k)),
      );
    }
    assert.equal((await again.findSeries('dwcp_names_a', {}, 10)).length, 2);
    assert.deepEqual(await again.findSeries('dwcp_names', {}, 10), [], 'whole names only');
    assert.equal(await again.countSamples(), steps * SERIES.length);
    assert.deepEqual(await again.searchMetricNames('NAMES', 10), [
      'dwcp_names_a',
      'dwcp_names_b_ü€',
      'dwcp_names_c',
    ]);
    // Appends go to the same series; new series (a known name, a new one) get ids past every id handed out.
    const r = await again.append([
      ...SERIES.map((x, i) => s(x.name, x.labels, migrationValueOf(i, steps), T0 + steps * 1000)),
      s('dwcp_names_a', { node: 'n3' }, 1, T0 + steps * 1000),
      s('dwcp_names_d', { k: 'v' }, 1, T0 + steps * 1000),
    ]);
    assert.deepEqual(r, { stored: SERIES.length + 2, rejected: {} });
    const ids = (
      await sql<{ id: number | string }>`select id from series order by id`.execute(dbOf(again))
    ).rows.map((x) => Number(x.id));
    const oldMax = Math.max(...before.values());
    assert.equal(ids.length, SERIES.length + 2, 'no series duplicated');
    assert.ok(ids[SERIES.length]! > oldMax + 5, `new id ${ids[SERIES.length]} after the deleted ids`);
    assert.deepEqual(await storedNames(again), [
      'dwcp_names_a',
      'dwcp_names_b_ü€',
      'dwcp_names_c',
      'dwcp_names_d',
    ]);
    assert.equal((await again.findSeries('dwcp_names_a', {}, 10)).length, 3);
    // Reopened once more, the migration does not run again and nothing moves.
    const third = await reopen(again, { maxSamplesPerChunk: 40, retentionMs: DAY });
    assert.equal((await third.findSeries('dwcp_names_d', { k: 'v' }, 10))[0]!.id, ids[SERIES.length + 1]);
  });

  test("retention deleting a name's last series deletes the name; the name comes back with a new series", async () => {
    const st = await open();
    await st.append([
      s('dwcp_gone_a', { i: '1' }, 1, T0 - 2 * HOUR),
      s('dwcp_gone_a', { i: '2' }, 1, T0 - 2 * HOUR),
      s('dwcp_kept', {}, 1, T0 - 2 * HOUR),
      s('dwcp_kept', {}, 2, T0 + 366 * DAY),
    ]);
    await st.applyRetention(T0 + 367 * DAY); // raw samples and rollups of the old series expire
    assert.deepEqual(await st.findSeries('dwcp_gone_a', {}, 10), []);
    assert.deepEqual(await st.searchMetricNames('dwcp_', 10), ['dwcp_kept']);
    assert.deepEqual(await storedNames(st), ['dwcp_kept']);
    assert.deepEqual(await st.append([s('dwcp_gone_a', { i: '3' }, 3, T0 + 367 * DAY)]), {
      stored: 1,
      rejected: {},
    });
    const refs = await st.findSeries('dwcp_gone_a', {}, 10);
    assert.deepEqual(
      refs.map((r) => r.labels),
      [{ i: '3' }],
    );
    assert.deepEqual(await st.searchMetricNames('gone', 10), ['dwcp_gone_a']);
  });
});
