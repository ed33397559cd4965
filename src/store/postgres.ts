/**
 * PostgreSQL backend: a pg Pool behind kysely's PostgresDialect, same query layer and migrations as SQLite.
 * An optional `schema` isolates the tables (created if missing; set as search_path on every connection),
 * which tests use to run against a shared server without touching other data.
 */
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { InvalidInputError, StoreError } from '../errors.ts';
import { KyselyStore } from './kysely-store.ts';
import { assertLayout } from './layout-guard.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';
import type { OpenedStore } from './sqlite.ts';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** Connection URL, e.g. `postgres://dwcp:dwcp@127.0.0.1:5432/dwcp`. */
  readonly url: string;
  /** Retention of samples in ms (positive). */
  readonly retentionMs: number;
  /** Store NaN/±Inf instead of rejecting them (default false). */
  readonly allowNonFinite?: boolean;
  /** Series-id LRU cache capacity (default 100 000). */
  readonly seriesCacheSize?: number;
  /** Pool size (default 4). */
  readonly maxConnections?: number;
  /** Schema for the tables (lowercase identifier; default: the server's search_path, usually `public`). */
  readonly schema?: string;
  /** Drop `schema` (cascade) on close (tests). Default false. */
  readonly dropSchemaOnClose?: boolean;
  /** Connection timeout in ms (default 5000). */
  readonly connectTimeoutMs?: number;
}

/** A connected PostgreSQL database and the cleanup to run after `db.destroy()`. */
export interface PostgresConnection<DB> {
  readonly db: Kysely<DB>;
  readonly onClose: (() => Promise<void>) | undefined;
}

/**
 * Connects a pool and creates `schema` if given (set as search_path on every connection); no migrations.
 * `onClose` drops the schema when `dropSchemaOnClose` is set.
 * @throws InvalidInputError on an invalid schema name.
 * @throws StoreError when the server is unreachable or authentication fails.
 */
export async function connectPostgres<DB = Database>(
  opts: PostgresStoreOptions,
): Promise<PostgresConnection<DB>> {
  const schema = opts.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new InvalidInputError(`invalid schema name ${JSON.stringify(schema)}`);
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 4,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  });
  try {
    const client = await pool.connect();
    try {
      if (schema !== undefined) await client.query(`create schema if not exists ${schema}`);
    } finally {
      client.release();
    }
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new StoreError(`cannot connect to PostgreSQL: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const onClose =
    schema !== undefined && opts.dropSchemaOnClose
      ? async () => {
          const c = new pg.Client({ connectionString: opts.url });
          await c.connect();
          try {
            await c.query(`drop schema if exists ${schema} cascade`);
          } finally {
            await c.end();
          }
        }
      : undefined;
  return { db, onClose };
}

/**
 * Connects, creates `schema` if given, and migrates to the latest schema.
 * @throws InvalidInputError on an invalid schema name.
 * @throws StoreError when the server is unreachable, authentication fails or a migration fails.
 * @throws ConfigError when the database holds samples of the chunks layout (layout-guard.ts; nothing is written).
 */
export async function openPostgresStore(opts: PostgresStoreOptions): Promise<OpenedStore> {
  const { db, onClose } = await connectPostgres(opts);
  try {
    await assertLayout(db as unknown as Kysely<unknown>, 'postgres', 'rows');
    await migrateToLatest(db as unknown as Kysely<unknown>, 'postgres', opts.schema);
    await sql`select 1`.execute(db);
    return new KyselyStore(db, {
      dialect: 'postgres',
      retentionMs: opts.retentionMs,
      ...(opts.allowNonFinite === undefined ? {} : { allowNonFinite: opts.allowNonFinite }),
      ...(opts.seriesCacheSize === undefined ? {} : { seriesCacheSize: opts.seriesCacheSize }),
      ...(onClose ? { onClose } : {}),
    });
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
