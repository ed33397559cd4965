/**
 * Chunk-store migration `0002_series_key_hash`: the `series` table (created by the base migrations with the key
 * text, its unique index and the labels as JSON) rewritten so the key is stored once: `(id, hash, name, labels)`
 * with the labels as a compact blob and a non-unique index on the key's 53-bit hash (codec/labels.ts). Ids are
 * kept (chunks, rollups and the WAL refer to them), and so is SQLite's AUTOINCREMENT high-water mark, so an id of
 * a deleted series is never handed out again.
 *
 * SQLite rebuilds the table (a UNIQUE column cannot be dropped); PostgreSQL adds and fills the new columns and
 * drops the old ones in place (their bytes stay in the table's old row versions until a `VACUUM FULL`).
 */
import { sql, type Kysely } from 'kysely';
import { seriesKey, type Labels } from '../../model/sample.ts';
import type { StoreDialect } from '../migrations.ts';
import { decodeLabels, encodeLabels, seriesKeyHash } from './codec/labels.ts';

/** Rows read and written per statement while rewriting. */
const ROWS_PER_BATCH = 2000;

interface OldRow {
  id: number | string;
  name: string;
  labels_json: string;
}

interface NewRow {
  id: number;
  hash: number;
  name: string;
  labels: Buffer;
}

/** The new row of an old one: the hash of `seriesKey(name, labels)` (the key the store looks up) and the blob. */
function rewrite(r: OldRow): NewRow {
  const labels = JSON.parse(r.labels_json) as Labels;
  const key = seriesKey(r.name, labels);
  return {
    id: Number(r.id),
    hash: seriesKeyHash(key),
    name: r.name,
    labels: encodeLabels(labels),
  };
}

/** Old rows in id order, a batch at a time. */
async function* oldRows(db: Kysely<unknown>): AsyncIterable<NewRow[]> {
  let after = -1;
  for (;;) {
    const { rows } = await sql<OldRow>`select id, name, labels_json from series where id > ${after}
      order by id limit ${ROWS_PER_BATCH}`.execute(db);
    if (rows.length === 0) return;
    yield rows.map(rewrite);
    after = Number(rows[rows.length - 1]!.id);
  }
}

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  const cols = await sql<{ name: string }>`select name from pragma_table_info('series')`.execute(db);
  if (cols.rows.some((c) => c.name === 'hash')) return; // rewritten before the migration was recorded
  // kysely runs SQLite migrations outside a transaction: this one is all or nothing by itself.
  await sql`begin immediate`.execute(db);
  try {
    await sqliteRebuild(db);
    await sql`commit`.execute(db);
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  }
}

async function sqliteRebuild(db: Kysely<unknown>): Promise<void> {
  const seq = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'series'`.execute(db);
  await sql`create table series_v2 (id integer primary key autoincrement, hash bigint not null,
    name text not null, labels blob not null)`.execute(db);
  for await (const batch of oldRows(db)) {
    const values = sql.join(batch.map((r) => sql`(${r.id}, ${r.hash}, ${r.name}, ${r.labels})`));
    await sql`insert into series_v2 (id, hash, name, labels) values ${values}`.execute(db);
  }
  await sql`drop table series`.execute(db);
  await sql`alter table series_v2 rename to series`.execute(db);
  await sql`create index series_hash_idx on series (hash)`.execute(db);
  await sql`create index series_name_idx on series (name)`.execute(db);
  const old = seq.rows[0]?.seq;
  if (old !== undefined) {
    // The rename carried series_v2's sequence row over; keep the higher of the two marks.
    await sql`insert or ignore into sqlite_sequence (name, seq) values ('series', 0)`.execute(db);
    await sql`update sqlite_sequence set seq = max(seq, ${old}) where name = 'series'`.execute(db);
  }
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  await sql`alter table series add column hash bigint, add column labels bytea`.execute(db);
  for await (const batch of oldRows(db)) {
    const values = sql.join(batch.map((r) => sql`(${r.id}::bigint, ${r.hash}::bigint, ${r.labels}::bytea)`));
    await sql`update series set hash = v.hash, labels = v.labels from (values ${values}) as v (id, hash, labels)
      where series.id = v.id`.execute(db);
  }
  await sql`alter table series alter column hash set not null, alter column labels set not null,
    drop column key, drop column labels_json`.execute(db);
  await sql`create index series_hash_idx on series (hash)`.execute(db);
}

/** Applies `0002_series_key_hash` on `dialect` (inside the migrator's transaction). */
export async function migrateSeriesKeyHash(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await (dialect === 'sqlite' ? sqliteUp(db) : postgresUp(db));
}

/** Reverts `0002_series_key_hash`: the key text with its unique index and the labels as JSON again. */
export async function revertSeriesKeyHash(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const all = (
    await sql<{ id: number | string; name: string; labels: Uint8Array }>`
    select id, name, labels from series order by id`.execute(db)
  ).rows;
  if (dialect === 'sqlite') {
    await sql`create table series_v1 (id integer primary key autoincrement, key text not null unique,
      name text not null, labels_json text not null)`.execute(db);
  } else {
    await sql`alter table series add column key text, add column labels_json text`.execute(db);
  }
  for (let i = 0; i < all.length; i += ROWS_PER_BATCH) {
    const rows = all.slice(i, i + ROWS_PER_BATCH).map((r) => {
      const labels = decodeLabels(r.labels);
      return { id: Number(r.id), key: seriesKey(r.name, labels), name: r.name, json: JSON.stringify(labels) };
    });
    if (dialect === 'sqlite') {
      const values = sql.join(rows.map((r) => sql`(${r.id}, ${r.key}, ${r.name}, ${r.json})`));
      await sql`insert into series_v1 (id, key, name, labels_json) values ${values}`.execute(db);
    } else {
      const values = sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.key}, ${r.json})`));
      await sql`update series set key = v.key, labels_json = v.json from (values ${values}) as v (id, key, json)
        where series.id = v.id`.execute(db);
    }
  }
  if (dialect === 'sqlite') {
    await sql`drop table series`.execute(db);
    await sql`alter table series_v1 rename to series`.execute(db);
    await sql`create index series_name_idx on series (name)`.execute(db);
  } else {
    await sql`drop index series_hash_idx`.execute(db);
    await sql`alter table series alter column key set not null, alter column labels_json set not null,
      add constraint series_key_key unique (key), drop column hash, drop column labels`.execute(db);
  }
}
