/**
 * Opening the dashboard store on SQLite (its own database file, or `:memory:`) or PostgreSQL (optionally in its
 * own schema), with the dashboard migrations applied. Connection handling is the sample store's
 * (src/store/sqlite.ts, src/store/postgres.ts).
 */
import type { Kysely } from 'kysely';
import { connectPostgres, type PostgresStoreOptions } from '../../store/postgres.ts';
import { openSqliteDatabase } from '../../store/sqlite.ts';
import { DashboardStore, type DashboardStoreOptions } from './dashboard-store.ts';
import { migrateDashboardStore } from './migrations.ts';
import type { DashboardDatabase } from './schema.ts';

/**
 * Opens (creating it and its directory) a SQLite dashboard store at `path` (`:memory:` for a throwaway one).
 * @throws StoreError when the file cannot be opened or a migration fails; InvalidInputError on bad options
 */
export async function openSqliteDashboardStore(
  path: string,
  opts: DashboardStoreOptions = {},
): Promise<DashboardStore> {
  const db = openSqliteDatabase<DashboardDatabase>(path);
  try {
    await migrateDashboardStore(db as unknown as Kysely<unknown>, 'sqlite');
    return new DashboardStore(db, 'sqlite', opts);
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/** Connection options of {@link openPostgresDashboardStore}. */
export type PostgresDashboardConnection = Pick<
  PostgresStoreOptions,
  'url' | 'schema' | 'dropSchemaOnClose' | 'maxConnections' | 'connectTimeoutMs'
>;

/**
 * Connects to PostgreSQL (creating `pg.schema` if given) and opens the dashboard store there.
 * @throws StoreError when the server is unreachable or a migration fails; InvalidInputError on bad options
 */
export async function openPostgresDashboardStore(
  pg: PostgresDashboardConnection,
  opts: DashboardStoreOptions = {},
): Promise<DashboardStore> {
  const { db, onClose } = await connectPostgres<DashboardDatabase>({ ...pg, retentionMs: 1 });
  try {
    await migrateDashboardStore(db as unknown as Kysely<unknown>, 'postgres', pg.schema);
    return new DashboardStore(db, 'postgres', opts, onClose);
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
