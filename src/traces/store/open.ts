/**
 * Opening the trace store on SQLite (its own database file, or the monitor's) or PostgreSQL (optionally in its
 * own schema), with the trace migrations applied. Connection handling is the sample store's
 * (src/store/sqlite.ts, src/store/postgres.ts).
 */
import type { Kysely } from 'kysely';
import { connectPostgres, type PostgresStoreOptions } from '../../store/postgres.ts';
import { openSqliteDatabase } from '../../store/sqlite.ts';
import { migrateTraceStore } from './migrations.ts';
import type { TraceDatabase } from './schema.ts';
import { TraceStore, type TraceStoreOptions } from './trace-store.ts';

/**
 * Opens (creating it and its directory) a SQLite trace store at `path` (`:memory:` for a throwaway one).
 * @throws StoreError when the file cannot be opened or a migration fails; InvalidInputError on bad options
 */
export async function openSqliteTraceStore(path: string, opts: TraceStoreOptions): Promise<TraceStore> {
  const db = openSqliteDatabase<TraceDatabase>(path);
  try {
    await migrateTraceStore(db as unknown as Kysely<unknown>, 'sqlite');
    return new TraceStore(db, 'sqlite', opts);
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/**
 * Connects to PostgreSQL (creating `pg.schema` if given) and opens the trace store there.
 * @throws StoreError when the server is unreachable or a migration fails; InvalidInputError on bad options
 */
export async function openPostgresTraceStore(
  pg: Omit<PostgresStoreOptions, 'retentionMs' | 'allowNonFinite' | 'seriesCacheSize'>,
  opts: TraceStoreOptions,
): Promise<TraceStore> {
  const { db, onClose } = await connectPostgres<TraceDatabase>({ ...pg, retentionMs: opts.retentionMs });
  try {
    await migrateTraceStore(db as unknown as Kysely<unknown>, 'postgres', pg.schema);
    return new TraceStore(db, 'postgres', opts, onClose);
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
