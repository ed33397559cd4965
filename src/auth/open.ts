/**
 * Opening the auth store on SQLite (its own database file, or `:memory:`) or PostgreSQL (optionally in its own
 * schema), with the auth migrations applied. Connection handling is the sample store's (src/store/sqlite.ts,
 * src/store/postgres.ts).
 */
import type { Kysely } from 'kysely';
import { connectPostgres, type PostgresStoreOptions } from '../store/postgres.ts';
import { openSqliteDatabase } from '../store/sqlite.ts';
import { AuthStore, type AuthStoreOptions } from './auth-store.ts';
import { migrateAuthStore } from './migrations.ts';
import type { AuthDatabase } from './schema.ts';

/**
 * Opens (creating it and its directory) a SQLite auth store at `path` (`:memory:` for a throwaway one).
 * @throws StoreError when the file cannot be opened or a migration fails; InvalidInputError on bad options
 */
export async function openSqliteAuthStore(path: string, opts: AuthStoreOptions = {}): Promise<AuthStore> {
  const db = openSqliteDatabase<AuthDatabase>(path);
  try {
    await migrateAuthStore(db as unknown as Kysely<unknown>, 'sqlite');
    return new AuthStore(db, 'sqlite', opts);
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/** Connection options of {@link openPostgresAuthStore}. */
export type PostgresAuthConnection = Pick<
  PostgresStoreOptions,
  'url' | 'schema' | 'dropSchemaOnClose' | 'maxConnections' | 'connectTimeoutMs'
>;

/**
 * Connects to PostgreSQL (creating `pg.schema` if given) and opens the auth store there.
 * @throws StoreError when the server is unreachable or a migration fails; InvalidInputError on bad options
 */
export async function openPostgresAuthStore(
  pg: PostgresAuthConnection,
  opts: AuthStoreOptions = {},
): Promise<AuthStore> {
  const { db, onClose } = await connectPostgres<AuthDatabase>({ ...pg, retentionMs: 1 });
  try {
    await migrateAuthStore(db as unknown as Kysely<unknown>, 'postgres', pg.schema);
    return new AuthStore(db, 'postgres', opts, onClose);
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
