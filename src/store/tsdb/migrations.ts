/**
 * Migrations of the chunked store's tables, run after the base migrations (which create `series`, anomalies
 * and detector states) with their own kysely bookkeeping tables, so both migration sets evolve apart.
 *
 * `tsdb_chunks` is a rowid table (SQLite) with a unique (series_id, start_ts) index rather than a
 * WITHOUT ROWID table: chunk blobs are a few KiB, and SQLite keeps at most about 1 KiB of a row inline in an
 * index b-tree (WITHOUT ROWID) but about 4 KiB in a table b-tree, so a chunk fits its page without overflow.
 * The index on start_ts serves retention and the per-hour rollup scan.
 *
 * `0002_series_key_hash` rewrites the shared `series` table of a chunks-layout database (series-migration.ts):
 * from then on the row layout's series code does not apply to it. `0003_metric_names` moves metric names into
 * `tsdb_metric_names` (metric-name-migration.ts): series rows hold the name's id.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../migrator.ts';
import type { StoreDialect } from '../migrations.ts';
import { migrateMetricNames, revertMetricNames } from './metric-name-migration.ts';
import { migrateSeriesKeyHash, revertSeriesKeyHash } from './series-migration.ts';

function tsdbMigrations(dialect: StoreDialect): Record<string, Migration> {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    '0001_chunks_rollups': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('tsdb_chunks')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
          .addColumn('series_id', 'bigint', (c) => c.notNull())
          .addColumn('start_ts', 'bigint', (c) => c.notNull())
          .addColumn('end_ts', 'bigint', (c) => c.notNull())
          .addColumn('samples', 'integer', (c) => c.notNull())
          .addColumn('data', sql.raw(blob), (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('tsdb_chunks_series_start_idx')
          .on('tsdb_chunks')
          .columns(['series_id', 'start_ts'])
          .unique()
          .execute();
        await db.schema.createIndex('tsdb_chunks_start_idx').on('tsdb_chunks').column('start_ts').execute();
        await db.schema
          .createTable('tsdb_rollups')
          .addColumn('series_id', 'bigint', (c) => c.notNull())
          .addColumn('resolution', 'integer', (c) => c.notNull())
          .addColumn('start_ts', 'bigint', (c) => c.notNull())
          .addColumn('end_ts', 'bigint', (c) => c.notNull())
          .addColumn('buckets', 'integer', (c) => c.notNull())
          .addColumn('last_data', sql.raw(blob), (c) => c.notNull())
          .addColumn('data', sql.raw(blob), (c) => c.notNull())
          .addPrimaryKeyConstraint('tsdb_rollups_pk', ['series_id', 'resolution', 'start_ts'])
          .execute();
        await db.schema
          .createIndex('tsdb_rollups_start_idx')
          .on('tsdb_rollups')
          .columns(['resolution', 'start_ts'])
          .execute();
        await db.schema
          .createTable('tsdb_meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
        if (dialect === 'postgres') {
          // Chunk blobs are already compressed: skip TOAST's pglz attempt.
          await sql`alter table tsdb_chunks alter column data set storage external`.execute(db);
          await sql`alter table tsdb_rollups alter column data set storage external`.execute(db);
          await sql`alter table tsdb_rollups alter column last_data set storage external`.execute(db);
        }
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ['tsdb_meta', 'tsdb_rollups', 'tsdb_chunks'])
          await db.schema.dropTable(t).ifExists().execute();
      },
    },
    '0002_series_key_hash': {
      // The series key stored once: labels as a compact blob, a non-unique index on the key's 53-bit hash
      // instead of a unique index on its text (series-migration.ts).
      up: (db: Kysely<unknown>) => migrateSeriesKeyHash(db, dialect),
      down: (db: Kysely<unknown>) => revertSeriesKeyHash(db, dialect),
    },
    '0003_metric_names': {
      // Each metric name stored once; series rows and their name index hold its id (metric-name-migration.ts).
      up: (db: Kysely<unknown>) => migrateMetricNames(db, dialect),
      down: (db: Kysely<unknown>) => revertMetricNames(db, dialect),
    },
  };
}

/**
 * Applies the chunked store's pending migrations (bookkeeping in `tsdb_migration` / `tsdb_migration_lock`).
 * @throws StoreError when a migration fails.
 */
export async function migrateTsdb(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: tsdbMigrations(dialect),
    dialect,
    tableName: 'tsdb_migration',
    lockTableName: 'tsdb_migration_lock',
    ...(schema === undefined ? {} : { schema }),
    label: 'chunk store',
  });
}
