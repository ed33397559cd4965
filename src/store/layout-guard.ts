/**
 * The sample layout a database already holds, checked before a store migrates it. The two layouts share the
 * `series` table's name in different shapes (the chunks layout's migration reshapes it), so opening a database
 * in the other layout would either convert the rows layout's series or fail on them, and its samples would be
 * out of sight. The check refuses instead, before anything is written.
 *
 * @see docs/storage.md, "Choosing a backend"
 */
import { sql, type Kysely } from 'kysely';
import { ConfigError } from '../errors.ts';
import type { StoreDialect } from './migrations.ts';

/** The sample layouts of the SQL backends. */
export type SampleLayout = 'rows' | 'chunks';

/** Whether `table` exists (PostgreSQL: on the connection's search path). */
async function tableExists(db: Kysely<unknown>, dialect: StoreDialect, table: string): Promise<boolean> {
  if (dialect === 'postgres') {
    const r = await sql<{ t: string | null }>`select to_regclass(${table})::text as t`.execute(db);
    return r.rows[0]?.t != null;
  }
  const r = await sql<{
    n: number;
  }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`.execute(db);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

/** Whether `table` (which exists) holds at least one row. */
async function hasRows(db: Kysely<unknown>, table: 'samples'): Promise<boolean> {
  const r = await sql<{ one: number }>`select 1 as one from ${sql.table(table)} limit 1`.execute(db);
  return r.rows.length > 0;
}

/**
 * The layout the database at `db` was written in, judged from its tables: `chunks` once the chunks layout's
 * tables exist (`tsdb_meta`), `rows` when the rows layout's `samples` table holds a sample, `undefined` for a new
 * or empty database.
 * @throws the database's error when it cannot be read.
 */
export async function storedLayout(
  db: Kysely<unknown>,
  dialect: StoreDialect,
): Promise<SampleLayout | undefined> {
  if (await tableExists(db, dialect, 'tsdb_meta')) return 'chunks';
  if ((await tableExists(db, dialect, 'samples')) && (await hasRows(db, 'samples'))) return 'rows';
  return undefined;
}

/**
 * Refuses to open a database in `chosen` layout when it holds samples of the other one; nothing is written.
 * @throws ConfigError naming `storage.layout` and what to do.
 */
export async function assertLayout(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  chosen: SampleLayout,
): Promise<void> {
  const found = await storedLayout(db, dialect);
  if (found === undefined || found === chosen) return;
  const where = dialect === 'sqlite' ? 'this SQLite file' : 'this PostgreSQL database';
  throw new ConfigError(
    `storage.layout is ${chosen}, but ${where} holds samples in the ${found} layout; set storage.layout: ${found} ` +
      `to keep reading them, or point storage at a new ${dialect === 'sqlite' ? 'file' : 'database'} (nothing was changed)`,
  );
}
