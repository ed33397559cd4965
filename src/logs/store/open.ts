/**
 * Opening the log store on SQLite (its own database file) or PostgreSQL (optionally in its own schema), with
 * the log migrations applied. Connection handling is the sample store's (src/store/sqlite.ts,
 * src/store/postgres.ts).
 */
import type { Kysely } from 'kysely';
import { connectPostgres, type PostgresStoreOptions } from '../../store/postgres.ts';
import { openSqliteConnection } from '../../store/sqlite.ts';
import { LogStore, type LogStoreOptions } from './log-store.ts';
import { migrateLogStore } from './migrations.ts';
import type { LogDatabase } from './schema.ts';

/**
 * Opens (creating it and its directory) a SQLite log store at `path` (`:memory:` for a throwaway one).
 * @throws StoreError when the file cannot be opened or a migration fails; InvalidInputError on bad options
 */
export async function openSqliteLogStore(path: string, opts: LogStoreOptions): Promise<LogStore> {
  const { db, raw } = openSqliteConnection<LogDatabase>(path);
  try {
    await migrateLogStore(db as unknown as Kysely<unknown>, 'sqlite');
    return new LogStore(db, { dialect: 'sqlite', raw }, opts);
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/**
 * Connects to PostgreSQL (creating `pg.schema` if given) and opens the log store there.
 * @throws StoreError when the server is unreachable or a migration fails; InvalidInputError on bad options
 */
export async function openPostgresLogStore(
  pg: Omit<PostgresStoreOptions, 'retentionMs' | 'allowNonFinite' | 'seriesCacheSize'>,
  opts: LogStoreOptions,
): Promise<LogStore> {
  const { db, onClose } = await connectPostgres<LogDatabase>({
    ...pg,
    retentionMs: Math.max(...Object.values(opts.retentionMs)),
  });
  try {
    await migrateLogStore(db as unknown as Kysely<unknown>, 'postgres', pg.schema);
    return new LogStore(db, { dialect: 'postgres' }, opts, onClose);
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
