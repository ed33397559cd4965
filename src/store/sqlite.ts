/**
 * SQLite backend (the default): better-sqlite3 with WAL journaling behind kysely's SqliteDialect, schema
 * created by the in-code migrations. One connection; kysely serialises queries and transactions on it.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { StoreError } from '../errors.ts';
import { KyselyStore } from './kysely-store.ts';
import { assertLayout } from './layout-guard.ts';
import { migrateToLatest } from './migrations.ts';
import type { Database } from './schema.ts';
import type { AnomalyStore, DetectorStateStore, SampleStore } from './types.ts';

/** Prepared statements kept per connection (the store issues a few dozen distinct SQL texts). */
const STATEMENT_CACHE_SIZE = 128;

/**
 * The database as kysely's SqliteDialect sees it, with `prepare` memoised by SQL text: kysely's SQLite driver
 * prepares every query it runs, and preparing the multi-row sample insert (thousands of bind parameters) is a
 * visible share of the append hot path. Reusing a prepared statement is what better-sqlite3 recommends; SQLite
 * re-prepares it transparently after a schema change. kysely runs one query at a time on this single
 * connection, so a cached statement is never in use twice at once. At most `maxStatements` are kept (the
 * cache is cleared when full).
 */
function withStatementCache(raw: BetterSqlite3.Database, maxStatements: number): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => raw.close(),
    prepare(sqlText: string): BetterSqlite3.Statement {
      let stmt = cache.get(sqlText);
      if (stmt === undefined) {
        stmt = raw.prepare(sqlText);
        if (cache.size >= maxStatements) cache.clear();
        cache.set(sqlText, stmt);
      }
      return stmt;
    },
  };
}

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, e.g. `./data/dwcp-monitor.db` (its directory is created); `:memory:` for a throwaway DB. */
  readonly path: string;
  /** Retention of samples in ms (positive). */
  readonly retentionMs: number;
  /** Store NaN/±Inf (NaN as NULL, read back as NaN) instead of rejecting them (default false). */
  readonly allowNonFinite?: boolean;
  /** Series-id LRU cache capacity (default 100 000). */
  readonly seriesCacheSize?: number;
}

/** A store plus backend facts for tests and metrics. */
export type OpenedStore = SampleStore & AnomalyStore & DetectorStateStore & { readonly cachedSeries: number };

/**
 * Opens (creating the file and its directory) a SQLite database for the store: WAL journaling,
 * `synchronous=NORMAL`, a 5 s busy timeout, a 64 MiB page cache and memoised prepared statements; no migrations.
 * @throws StoreError when the file cannot be opened.
 */
export function openSqliteDatabase<DB = Database>(path: string): Kysely<DB> {
  return openSqliteConnection<DB>(path).db;
}

/**
 * As {@link openSqliteDatabase}, also returning the better-sqlite3 connection under the kysely instance (for
 * batched writes through prepared statements; use it only while holding kysely's connection, e.g. inside
 * `db.connection().execute(...)`, so it never interleaves with a kysely transaction).
 * @throws StoreError when the file cannot be opened.
 */
export function openSqliteConnection<DB = Database>(
  path: string,
): { readonly db: Kysely<DB>; readonly raw: BetterSqlite3.Database } {
  let raw: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    raw = new BetterSqlite3(path);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.pragma('busy_timeout = 5000');
    raw.pragma('cache_size = -65536'); // 64 MiB page cache: index inserts of large batches stay in memory
  } catch (e) {
    throw new StoreError(
      `cannot open SQLite database ${path}: ${e instanceof Error ? e.message : String(e)}`,
      { cause: e },
    );
  }
  return {
    db: new Kysely<DB>({
      dialect: new SqliteDialect({ database: withStatementCache(raw, STATEMENT_CACHE_SIZE) }),
    }),
    raw,
  };
}

/**
 * Opens (creating if needed) the SQLite store: creates the parent directory, enables WAL,
 * a 64 MiB page cache and `synchronous=NORMAL` (durable at checkpoints, the usual WAL pairing), and migrates to the latest schema.
 * @throws StoreError when the file cannot be opened or a migration fails.
 * @throws InvalidInputError on a non-positive retention or cache size.
 * @throws ConfigError when the file holds samples of the chunks layout (layout-guard.ts; nothing is written).
 */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<OpenedStore> {
  const db = openSqliteDatabase(opts.path);
  try {
    await assertLayout(db as unknown as Kysely<unknown>, 'sqlite', 'rows');
    await migrateToLatest(db as unknown as Kysely<unknown>, 'sqlite');
    return new KyselyStore(db, {
      dialect: 'sqlite',
      retentionMs: opts.retentionMs,
      ...(opts.allowNonFinite === undefined ? {} : { allowNonFinite: opts.allowNonFinite }),
      ...(opts.seriesCacheSize === undefined ? {} : { seriesCacheSize: opts.seriesCacheSize }),
    });
  } catch (e) {
    await db.destroy();
    throw e;
  }
}
