/**
 * Chunk-store migration `0003_metric_names`: each metric name stored once, in `tsdb_metric_names(id, name)`
 * (`name` unique), and series rows `(id, hash, name_id, labels)` holding its id instead of the text, with an
 * index on `name_id` instead of the one on the name text (a series row and its index entry are about 30 B
 * smaller on the simulator's names). Series ids, and SQLite's AUTOINCREMENT high-water mark, are kept.
 *
 * SQLite rebuilds the table (the indexed `name` column cannot be dropped in place); PostgreSQL adds and fills
 * `name_id` and drops `name` in place (its bytes stay in old row versions until a `VACUUM FULL`). Both run as
 * set-based SQL: no row passes through the process.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreDialect } from '../migrations.ts';

async function hasColumn(db: Kysely<unknown>, dialect: StoreDialect, column: string): Promise<boolean> {
  const rows =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_table_info('series')`.execute(db)
      : await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_name = 'series' and table_schema = current_schema()`.execute(db);
  return rows.rows.some((r) => r.name === column);
}

/** Runs `work` in one SQLite write transaction (kysely runs SQLite migrations outside a transaction). */
async function sqliteAtomically(db: Kysely<unknown>, work: () => Promise<void>): Promise<void> {
  await sql`begin immediate`.execute(db);
  try {
    await work();
    await sql`commit`.execute(db);
  } catch (e) {
    await sql`rollback`.execute(db);
    throw e;
  }
}

/**
 * Replaces `series` by `next` (already filled) keeping the AUTOINCREMENT mark, then creates the hash index and
 * the index on `nameColumn`.
 */
async function sqliteSwap(db: Kysely<unknown>, next: string, nameColumn: string): Promise<void> {
  const seq = await sql<{ seq: number }>`select seq from sqlite_sequence where name = 'series'`.execute(db);
  await sql`drop table series`.execute(db);
  await sql`alter table ${sql.table(next)} rename to series`.execute(db);
  await sql`create index series_hash_idx on series (hash)`.execute(db);
  await sql`create index ${sql.raw(nameColumn === 'name' ? 'series_name_idx' : 'series_name_id_idx')}
    on series (${sql.ref(nameColumn)})`.execute(db);
  const old = seq.rows[0]?.seq;
  if (old !== undefined) {
    // The rename carried the new table's sequence row over; keep the higher of the two marks.
    await sql`insert or ignore into sqlite_sequence (name, seq) values ('series', 0)`.execute(db);
    await sql`update sqlite_sequence set seq = max(seq, ${old}) where name = 'series'`.execute(db);
  }
}

async function sqliteUp(db: Kysely<unknown>): Promise<void> {
  if (await hasColumn(db, 'sqlite', 'name_id')) return; // rewritten before the migration was recorded
  await sqliteAtomically(db, async () => {
    await sql`create table tsdb_metric_names (id integer primary key, name text not null unique)`.execute(db);
    await sql`insert into tsdb_metric_names (name) select distinct name from series order by name`.execute(
      db,
    );
    await sql`create table series_v3 (id integer primary key autoincrement, hash bigint not null,
      name_id integer not null, labels blob not null)`.execute(db);
    await sql`insert into series_v3 (id, hash, name_id, labels)
      select s.id, s.hash, n.id, s.labels from series s join tsdb_metric_names n on n.name = s.name
      order by s.id`.execute(db);
    await sqliteSwap(db, 'series_v3', 'name_id');
  });
}

async function postgresUp(db: Kysely<unknown>): Promise<void> {
  await sql`create table tsdb_metric_names (id serial primary key, name text not null unique)`.execute(db);
  await sql`insert into tsdb_metric_names (name) select distinct name from series order by name`.execute(db);
  await sql`alter table series add column name_id integer`.execute(db);
  await sql`update series set name_id = n.id from tsdb_metric_names n where n.name = series.name`.execute(db);
  await sql`alter table series alter column name_id set not null, drop column name`.execute(db);
  await sql`create index series_name_id_idx on series (name_id)`.execute(db);
}

/** Applies `0003_metric_names` on `dialect` (PostgreSQL: inside the migrator's transaction). */
export async function migrateMetricNames(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  await (dialect === 'sqlite' ? sqliteUp(db) : postgresUp(db));
}

/** Reverts `0003_metric_names`: the name text in every series row again, indexed, and no name table. */
export async function revertMetricNames(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  if (dialect === 'sqlite') {
    await sqliteAtomically(db, async () => {
      await sql`create table series_v2 (id integer primary key autoincrement, hash bigint not null,
        name text not null, labels blob not null)`.execute(db);
      await sql`insert into series_v2 (id, hash, name, labels)
        select s.id, s.hash, n.name, s.labels from series s join tsdb_metric_names n on n.id = s.name_id
        order by s.id`.execute(db);
      await sqliteSwap(db, 'series_v2', 'name');
      await sql`drop table tsdb_metric_names`.execute(db);
    });
    return;
  }
  await sql`alter table series add column name text`.execute(db);
  await sql`update series set name = n.name from tsdb_metric_names n where n.id = series.name_id`.execute(db);
  await sql`alter table series alter column name set not null, drop column name_id`.execute(db);
  await sql`create index series_name_idx on series (name)`.execute(db);
  await sql`drop table tsdb_metric_names`.execute(db);
}
