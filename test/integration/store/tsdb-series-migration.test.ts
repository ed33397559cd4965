/**
 * The chunked store's series rows on SQLite and PostgreSQL: a database whose `series` table is in the shape the
 * base migrations create (key text with a unique index, labels as JSON; tsdb migration 0002 not yet applied)
 * opens, is rewritten to `(id, hash, name, labels)`, and reads back identically: the same ids, keys, labels and
 * points, WAL records replayed onto the same series, appends going to the same series, and new series never
 * reusing an id handed out before. Keys sharing a hash are told apart by the row.
 */
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { seriesKey, type Labels } from '../../../src/model/sample.ts';
import { decodeLabels, encodeLabels, seriesKeyHash } from '../../../src/store/tsdb/codec/labels.ts';
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

/** Series of the test: insertion orders of labels differ from the key's sorted order. */
const SERIES: { name: string; labels: Labels }[] = [
  { name: 'dwcp_mig_a', labels: { node: 'n1', cluster: 'us-east' } },
  { name: 'dwcp_mig_a', labels: { node: 'n2', cluster: 'us-east', quote: 'say "hi"\n\\' } },
  { name: 'dwcp_mig_b', labels: { zeta: 'ü€😀', alpha: '' } },
  { name: 'dwcp_mig_b', labels: {} },
];

/**
 * Puts the `series` table back in the shape written before tsdb migration 0002 (the base migration's DDL; no
 * metric-name table, so 0003 is undone too), with
 * the labels JSON in reversed insertion order, and forgets that 0002 ran. `idGap` ids are handed out and deleted
 * first (SQLite's AUTOINCREMENT mark moves past them).
 */
async function downgrade(db: Kysely<unknown>, dialect: 'sqlite' | 'postgres', idGap: number): Promise<void> {
  const rows = (
    await sql<{ id: number | string; name: string; labels: Uint8Array }>`
      select s.id, n.name, s.labels from series s join tsdb_metric_names n on n.id = s.name_id
      order by s.id`.execute(db)
  ).rows.map((r) => {
    const labels = decodeLabels(r.labels);
    const json = JSON.stringify(Object.fromEntries(Object.entries(labels).reverse()));
    return { id: Number(r.id), key: seriesKey(r.name, labels), name: r.name, json };
  });
  const maxId = Math.max(...rows.map((r) => r.id));
  if (dialect === 'sqlite') {
    await sql`drop table series`.execute(db);
    await sql`create table series (id integer primary key autoincrement, key text not null unique,
      name text not null, labels_json text not null)`.execute(db);
    await sql`create index series_name_idx on series (name)`.execute(db);
    for (const r of rows)
      await sql`insert into series (id, key, name, labels_json) values (${r.id}, ${r.key}, ${r.name}, ${r.json})`.execute(
        db,
      );
    for (let k = 1; k <= idGap; k++)
      await sql`insert into series (id, key, name, labels_json) values (${maxId + k}, ${'gone' + k}, 'gone', '{}')`.execute(
        db,
      );
    await sql`delete from series where name = 'gone'`.execute(db);
  } else {
    await sql`drop index series_hash_idx`.execute(db);
    await sql`alter table series add column name text, add column key text, add column labels_json text`.execute(
      db,
    );
    for (const r of rows) await sql`update series set name = ${r.name} where id = ${r.id}`.execute(db);
    await sql`alter table series drop column name_id, alter column name set not null`.execute(db);
    await sql`create index series_name_idx on series (name)`.execute(db);
    for (const r of rows)
      await sql`update series set key = ${r.key}, labels_json = ${r.json} where id = ${r.id}`.execute(db);
    await sql`alter table series drop column hash, drop column labels, alter column key set not null,
      alter column labels_json set not null, add constraint series_key_key unique (key)`.execute(db);
    for (let k = 1; k <= idGap; k++) await sql`select nextval('series_id_seq')`.execute(db);
  }
  await sql`drop table tsdb_metric_names`.execute(db);
  await sql`delete from tsdb_migration where name in ('0002_series_key_hash', '0003_metric_names')`.execute(
    db,
  );
}

chunkedStoreSuites('tsdb series rows', ({ open, reopen, test, dialect }) => {
  test('a store written before migration 0002 opens and reads identically, WAL included', async () => {
    const st = await open({ maxSamplesPerChunk: 40, retentionMs: DAY });
    const steps = 100; // two cut chunks per series, the rest in the open chunk and the WAL
    await writeAcrossCheckpoint(st, SERIES, steps);
    const before = new Map<string, { id: number; labels: Labels }>();
    for (const name of ['dwcp_mig_a', 'dwcp_mig_b'])
      for (const r of await st.findSeries(name, {}, 100)) before.set(r.key, { id: r.id, labels: r.labels });
    assert.equal(before.size, SERIES.length);
    st.samples.abandon(); // the WAL keeps samples after the checkpoint
    await downgrade(dbOf(st), dialect, 5);
    assert.ok((await columnsOfSeries(dbOf(st), dialect)).includes('labels_json'), 'old shape written');

    const again = await reopen(st, { maxSamplesPerChunk: 40, retentionMs: DAY });
    assert.deepEqual((await columnsOfSeries(dbOf(again), dialect)).sort(), [
      'hash',
      'id',
      'labels',
      'name_id',
    ]);
    for (const [i, x] of SERIES.entries()) {
      const key = seriesKey(x.name, x.labels);
      const refs = (await again.findSeries(x.name, x.labels, 10)).filter((r) => r.key === key);
      assert.equal(refs.length, 1, key);
      const ref = refs[0]!;
      assert.equal(ref.key, key);
      assert.equal(ref.id, before.get(key)!.id, 'same id');
      assert.deepEqual(ref.labels, x.labels);
      const [p] = await again.readPoints([ref], T0, T0 + HOUR, 10_000);
      assert.deepEqual(
        p!.timestampsMs,
        Array.from({ length: steps }, (_, k) => T0 + k * 1000),
      );
      assert.deepEqual(
        p!.values,
        Array.from({ length: steps }, (_, k) => migrationValueOf(i, k)),
      );
    }
    assert.equal(await again.countSamples(), steps * SERIES.length);
    assert.deepEqual(await again.searchMetricNames('mig', 10), ['dwcp_mig_a', 'dwcp_mig_b']);
    // Appends go to the same series; a new series gets an id past every id handed out before.
    const r = await again.append([
      ...SERIES.map((x, i) => s(x.name, x.labels, migrationValueOf(i, steps), T0 + steps * 1000)),
      s('dwcp_mig_c', { k: 'v' }, 1, T0 + steps * 1000),
    ]);
    assert.deepEqual(r, { stored: SERIES.length + 1, rejected: {} });
    const ids = (
      await sql<{ id: number | string }>`select id from series order by id`.execute(dbOf(again))
    ).rows.map((x) => Number(x.id));
    const oldMax = Math.max(...[...before.values()].map((b) => b.id));
    assert.equal(ids.length, SERIES.length + 1, 'no series duplicated');
    assert.ok(ids[SERIES.length]! > oldMax + 5, `new id ${ids[SERIES.length]} after the deleted ids`);
  });

  test('keys that share a hash are told apart by the row', async () => {
    const st = await open({ retentionMs: DAY });
    await st.append([s('dwcp_hash', { k: 'real' }, 1, T0)]);
    // A row of another series whose hash equals the key's of a series not yet stored.
    const target = { name: 'dwcp_hash', labels: { k: 'wanted' } };
    const hash = seriesKeyHash(seriesKey(target.name, target.labels));
    await sql`insert into series (hash, name_id, labels) values (${hash},
      (select id from tsdb_metric_names where name = 'dwcp_hash'), ${Buffer.from(encodeLabels({ k: 'impostor' }))})`.execute(
      dbOf(st),
    );
    await st.append([s(target.name, target.labels, 2, T0)]);
    const refs = await st.findSeries('dwcp_hash', {}, 10);
    assert.deepEqual(
      refs.map((r) => r.key),
      ['dwcp_hash{k="real"}', 'dwcp_hash{k="impostor"}', 'dwcp_hash{k="wanted"}'],
    );
    const pts = await st.readPoints(refs, T0, T0 + 1000, 10);
    assert.deepEqual(
      pts.map((p) => p.values),
      [[1], [], [2]],
      'the sample went to its own series, not to the row with its hash',
    );
    // Reopened (the head empty), the lookup reads the rows again and still tells them apart.
    const again = await reopen(st, { retentionMs: DAY });
    assert.deepEqual(await again.append([s(target.name, target.labels, 3, T0 + 1000)]), {
      stored: 1,
      rejected: {},
    });
    const [p] = await again.readPoints(
      await again.findSeries('dwcp_hash', { k: 'wanted' }, 10),
      T0,
      T0 + 1000,
      10,
    );
    assert.deepEqual(p!.values, [2, 3]);
    assert.equal((await again.findSeries('dwcp_hash', {}, 10)).length, 3);
  });
});
