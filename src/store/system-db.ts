/**
 * A database connection for a system that keeps its own tables next to the sample store (profiles, reports):
 * the same SQLite file or PostgreSQL server as the monitor's store, its own kysely connection, and its own
 * migration bookkeeping tables (`kysely_migration_<system>`), so migration names never collide between systems.
 * SQLite: one better-sqlite3 connection in WAL mode with a busy timeout, so it shares the file with the sample
 * store's connection. PostgreSQL: a small pg pool, optionally in its own schema (tests).
 * @see https://kysely.dev/docs/migrations
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, sql, SqliteDialect, type Migration } from 'kysely';
import { runMigrations } from './migrator.ts';
import pg from 'pg';
import { InvalidInputError, StoreError } from '../errors.ts';
import type { StoreDialect } from './migrations.ts';

/** Where a system's tables live. */
export type SystemDbLocation =
  | { readonly type: 'sqlite'; readonly path: string }
  | {
      readonly type: 'postgres';
      readonly url: string;
      readonly schema?: string;
      readonly dropSchemaOnClose?: boolean;
    };

/** An open connection with its dialect (for the few dialect-specific column types). */
export interface SystemDb<DB> {
  readonly db: Kysely<DB>;
  readonly dialect: StoreDialect;
  close(): Promise<void>;
}

const SYSTEM_NAME = /^[a-z][a-z0-9_]{0,30}$/;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the connection and applies the system's migrations with its own bookkeeping tables.
 * @param system lowercase name (`profiles`, `reports`): the migration tables are `kysely_migration_<system>` and
 *   `kysely_migration_lock_<system>`
 * @param migrations name → migration (names sort lexically in application order)
 * @throws InvalidInputError for a bad system or schema name; StoreError when the database cannot be opened or
 *   a migration fails (the message names it).
 */
export async function openSystemDb<DB>(
  location: SystemDbLocation,
  system: string,
  migrations: (dialect: StoreDialect) => Record<string, Migration>,
): Promise<SystemDb<DB>> {
  if (!SYSTEM_NAME.test(system)) throw new InvalidInputError(`invalid system name ${JSON.stringify(system)}`);
  let db: Kysely<DB>;
  let dialect: StoreDialect;
  let onClose: (() => Promise<void>) | undefined;
  let schema: string | undefined;
  if (location.type === 'sqlite') {
    dialect = 'sqlite';
    let raw: BetterSqlite3.Database;
    try {
      if (location.path !== ':memory:') mkdirSync(dirname(location.path), { recursive: true });
      raw = new BetterSqlite3(location.path);
      raw.pragma('journal_mode = WAL');
      raw.pragma('synchronous = NORMAL');
      raw.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new StoreError(
        `cannot open SQLite database ${location.path}: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
    db = new Kysely<DB>({ dialect: new SqliteDialect({ database: raw }) });
  } else {
    dialect = 'postgres';
    schema = location.schema;
    if (schema !== undefined && !SCHEMA_NAME.test(schema))
      throw new InvalidInputError(`invalid schema name ${JSON.stringify(schema)}`);
    const pool = new pg.Pool({
      connectionString: location.url,
      max: 2,
      connectionTimeoutMillis: 5000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    try {
      const c = await pool.connect();
      try {
        if (schema) await c.query(`create schema if not exists ${schema}`);
      } finally {
        c.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new StoreError(`cannot connect to PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, {
        cause: e,
      });
    }
    db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    if (schema && location.dropSchemaOnClose) {
      const s = schema;
      onClose = async () => {
        const c = new pg.Client({ connectionString: location.url });
        await c.connect();
        try {
          await c.query(`drop schema if exists ${s} cascade`);
        } finally {
          await c.end();
        }
      };
    }
  }
  try {
    await runMigrations(db as unknown as Kysely<unknown>, {
      migrations: migrations(dialect),
      dialect,
      tableName: `kysely_migration_${system}`,
      lockTableName: `kysely_migration_lock_${system}`,
      ...(schema ? { schema } : {}),
      label: system,
    });
  } catch (e) {
    await db.destroy();
    throw e;
  }
  let closing: Promise<void> | undefined;
  return {
    db,
    dialect,
    close() {
      closing ??= (async () => {
        await db.destroy();
        if (onClose) await onClose();
      })();
      return closing;
    },
  };
}

/** The column type of binary data: `blob` (SQLite) or `bytea` (PostgreSQL). */
export function binaryColumn(dialect: StoreDialect) {
  return dialect === 'sqlite' ? sql`blob` : sql`bytea`;
}

/** The auto-increment primary key column type (`integer` on SQLite, `bigserial` on PostgreSQL). */
export function serialColumn(dialect: StoreDialect): 'integer' | 'bigserial' {
  return dialect === 'sqlite' ? 'integer' : 'bigserial';
}

/** Ids deleted per statement by {@link deleteBeyondBudget} (keeps `IN (...)` lists short). */
const DELETE_BATCH = 500;

/**
 * Deletes the rows of a bounded table that fall outside its budget: walking `newestFirst`, a row is kept while
 * it is among the first `maxRows` and the running total of `size_bytes` (its own included) is at most
 * `maxBytes`; every other row is passed to `deleteIds` in batches of 500 ids.
 * @param newestFirst the table's ids and sizes (bytes), newest first
 * @param deleteIds deletes these ids and returns how many rows it deleted
 * @returns rows deleted
 */
export async function deleteBeyondBudget(
  newestFirst: readonly { readonly id: number | string; readonly size_bytes: number | string }[],
  maxRows: number,
  maxBytes: number,
  deleteIds: (ids: number[]) => Promise<number>,
): Promise<number> {
  let bytes = 0;
  const drop: number[] = [];
  newestFirst.forEach((r, i) => {
    bytes += Number(r.size_bytes);
    if (i >= maxRows || bytes > maxBytes) drop.push(Number(r.id));
  });
  let deleted = 0;
  for (let i = 0; i < drop.length; i += DELETE_BATCH)
    deleted += await deleteIds(drop.slice(i, i + DELETE_BATCH));
  return deleted;
}
