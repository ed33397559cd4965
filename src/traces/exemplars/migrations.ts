/**
 * Migrations of the exemplar store, with their own kysely bookkeeping tables (`kysely_migration_exemplars`,
 * `kysely_migration_lock_exemplars`). Same SQL on SQLite and PostgreSQL but for the auto-increment key.
 *
 * `trace_exemplars`: one row per distinct exemplar (`dedupe_key`: series, exemplar labels and value, so an
 * exemplar exposed again on the next scrape is stored once); indexes by metric + time (queries) and time
 * (retention).
 */
import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';
import type { TraceStoreDialect } from '../store/migrations.ts';

/** The exemplar store's migrations by name, in order. */
export function exemplarMigrations(dialect: TraceStoreDialect): Record<string, Migration> {
  return {
    '0001_trace_exemplars': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('trace_exemplars')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('series_key', 'text', (c) => c.notNull())
          .addColumn('series_labels_json', 'text', (c) => c.notNull())
          .addColumn('labels_json', 'text', (c) => c.notNull())
          .addColumn('value', 'double precision', (c) => c.notNull())
          .addColumn('ts_ms', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('trace_exemplars_metric_ts_idx')
          .on('trace_exemplars')
          .columns(['metric', 'ts_ms'])
          .execute();
        await db.schema.createIndex('trace_exemplars_ts_idx').on('trace_exemplars').column('ts_ms').execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable('trace_exemplars').ifExists().execute();
      },
    },
  };
}

/** Bookkeeping tables of the exemplar store's migrations. */
export const EXEMPLAR_MIGRATION_TABLE = 'kysely_migration_exemplars';
export const EXEMPLAR_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_exemplars';

/**
 * Applies the exemplar store's pending migrations.
 * @throws StoreError when a migration fails.
 */
export async function migrateExemplarStore(
  db: Kysely<unknown>,
  dialect: TraceStoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: exemplarMigrations(dialect),
    dialect,
    tableName: EXEMPLAR_MIGRATION_TABLE,
    lockTableName: EXEMPLAR_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'exemplar store',
  });
}
