/**
 * Opening the exemplar store on SQLite (its own database file) or PostgreSQL (optionally in its own schema), with
 * its migrations applied. Connection handling is the sample store's (src/store/sqlite.ts, src/store/postgres.ts).
 */
import type { Kysely } from 'kysely';
import { connectPostgres, type PostgresStoreOptions } from '../../store/postgres.ts';
import { openSqliteDatabase } from '../../store/sqlite.ts';
import { ExemplarStore, type ExemplarDatabase, type ExemplarStoreOptions } from './exemplar-store.ts';
import { migrateExemplarStore } from './migrations.ts';

/**
 * Opens (creating it) a SQLite exemplar store at `path` (`:memory:` for a throwaway one).
 * @throws StoreError when the file cannot be opened or a migration fails; InvalidInputError on bad options
 */
export async function openSqliteExemplarStore(
  path: string,
  opts: ExemplarStoreOptions,
): Promise<ExemplarStore> {
  const db = openSqliteDatabase<ExemplarDatabase>(path);
  try {
    await migrateExemplarStore(db as unknown as Kysely<unknown>, 'sqlite');
    return new ExemplarStore(db, opts);
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

/**
 * Connects to PostgreSQL (creating `pg.schema` if given) and opens the exemplar store there.
 * @throws StoreError when the server is unreachable or a migration fails; InvalidInputError on bad options
 */
export async function openPostgresExemplarStore(
  pg: Omit<PostgresStoreOptions, 'retentionMs' | 'allowNonFinite' | 'seriesCacheSize'>,
  opts: ExemplarStoreOptions,
): Promise<ExemplarStore> {
  const { db, onClose } = await connectPostgres<ExemplarDatabase>({ ...pg, retentionMs: opts.retentionMs });
  try {
    await migrateExemplarStore(db as unknown as Kysely<unknown>, 'postgres', pg.schema);
    return new ExemplarStore(db, opts, onClose);
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}
