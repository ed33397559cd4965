/**
 * Opens the database alerting keeps its tables in: the monitor's own database (the same SQLite file or
 * PostgreSQL URL), on a connection of its own, migrated with alerting's migrations.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { InvalidInputError, StoreError } from '../../errors.ts';
import { migrateAlerting, type AlertingDialect } from './migrations.ts';
import type { AlertingDatabase } from './schema.ts';

/** Where alerting's tables live. */
export type AlertingDbTarget =
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'postgres'; readonly url: string; readonly schema?: string };

/** An open, migrated database. */
export interface AlertingDb {
  readonly db: Kysely<AlertingDatabase>;
  readonly dialect: AlertingDialect;
  close(): Promise<void>;
}

/**
 * Opens and migrates. SQLite: WAL, `synchronous=FULL` (a notification accepted into the outbox survives a
 * power cut, not only a process kill), busy timeout 5 s so it shares the file with the monitor's store.
 * @throws StoreError when the database cannot be opened or migrated; InvalidInputError for a bad schema name
 */
export async function openAlertingDb(target: AlertingDbTarget): Promise<AlertingDb> {
  if (target.type === 'sqlite') {
    let raw: BetterSqlite3.Database;
    try {
      if (target.path !== ':memory:') mkdirSync(dirname(target.path), { recursive: true });
      raw = new BetterSqlite3(target.path);
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = FULL');
      raw.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new StoreError(
        `cannot open SQLite database ${target.path} for alerting: ${(e as Error).message}`,
        { cause: e },
      );
    }
    const db = new Kysely<AlertingDatabase>({ dialect: new SqliteDialect({ database: raw }) });
    try {
      await migrateAlerting(db as unknown as Kysely<unknown>, 'sqlite');
    } catch (e) {
      await db.destroy();
      throw e;
    }
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const schema = target.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new InvalidInputError(`invalid schema name ${JSON.stringify(schema)}`);
  const pool = new pg.Pool({
    connectionString: target.url,
    max: 2,
    connectionTimeoutMillis: 5000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  try {
    const c = await pool.connect();
    try {
      if (schema !== undefined) await c.query(`create schema if not exists ${schema}`);
    } finally {
      c.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`cannot connect to PostgreSQL for alerting: ${(e as Error).message}`, { cause: e });
  }
  const db = new Kysely<AlertingDatabase>({ dialect: new PostgresDialect({ pool }) });
  try {
    await migrateAlerting(db as unknown as Kysely<unknown>, 'postgres', schema);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
