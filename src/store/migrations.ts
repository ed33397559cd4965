/**
 * Schema migrations, in code, for kysely's Migrator (https://kysely.dev/docs/migrations). They run on SQLite
 * and PostgreSQL; the dialect differences are the auto-increment primary key (`integer primary key
 * autoincrement` vs `bigserial`) and SQLite's `WITHOUT ROWID` samples table (clustered on (series_id, ts)).
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from './migrator.ts';

/** Dialects the store supports. */
export type StoreDialect = 'sqlite' | 'postgres';

function idColumn(dialect: StoreDialect): 'integer' | 'bigserial' {
  return dialect === 'sqlite' ? 'integer' : 'bigserial';
}

/** The migrations in order (name → up/down). Names sort lexically in application order. */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('series')
          .addColumn('id', idColumn(dialect), (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('key', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('labels_json', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('series_name_idx').on('series').column('name').execute();
        await db.schema
          .createTable('samples')
          .addColumn('series_id', 'bigint', (c) => c.notNull())
          .addColumn('ts', 'bigint', (c) => c.notNull())
          .addColumn('value', 'double precision')
          .addPrimaryKeyConstraint('samples_pk', ['series_id', 'ts'])
          // SQLite: cluster rows on the primary key (one b-tree fewer per insert than a rowid table).
          .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
          .execute();
        // No separate index on samples(ts): it costs a second b-tree write per sample (about 30 % of append
        // throughput, measured in bench/ingest.ts). Retention deletes through the primary key, per series.
        await db.schema
          .createTable('anomalies')
          .addColumn('id', idColumn(dialect), (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('series_key', 'text', (c) => c.notNull())
          .addColumn('metric', 'text', (c) => c.notNull())
          .addColumn('labels_json', 'text', (c) => c.notNull())
          .addColumn('component', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('detected_at', 'bigint', (c) => c.notNull())
          .addColumn('resolved_at', 'bigint')
          .addColumn('observed', 'double precision')
          .addColumn('expected', 'double precision')
          .addColumn('lower_bound', 'double precision')
          .addColumn('upper_bound', 'double precision')
          .addColumn('deviation', 'double precision')
          .addColumn('confidence', 'double precision')
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('severity_rank', 'integer', (c) => c.notNull())
          .addColumn('detector', 'text', (c) => c.notNull())
          .addColumn('acknowledged', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema
          .createIndex('anomalies_started_at_idx')
          .on('anomalies')
          .column('started_at')
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable('anomalies').ifExists().execute();
        await db.schema.dropTable('samples').ifExists().execute();
        await db.schema.dropTable('series').ifExists().execute();
      },
    },
    '0002_detector_states': {
      // Learned detector state per derived series, so a restarted monitor resumes without a cold start. The
      // index on updated_at serves the newest-first load and the age-based cleanup.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('detector_states')
          .addColumn('series_key', 'text', (c) => c.primaryKey())
          .addColumn('detector', 'text', (c) => c.notNull())
          .addColumn('version', 'integer', (c) => c.notNull())
          .addColumn('state_json', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('detector_states_updated_at_idx')
          .on('detector_states')
          .column('updated_at')
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable('detector_states').ifExists().execute();
      },
    },
    '0003_anomaly_explanation': {
      // Every anomaly explains itself: the detector's score and, for ensembles, which members voted.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .alterTable('anomalies')
          .addColumn('score', dialect === 'postgres' ? 'double precision' : 'real')
          .execute();
        await db.schema
          .alterTable('anomalies')
          .addColumn('votes_json', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('anomalies').dropColumn('votes_json').execute();
        await db.schema.alterTable('anomalies').dropColumn('score').execute();
      },
    },
    '0004_anomaly_resolution': {
      // Why an anomaly resolved (`Anomaly.resolution`; written for every ending since the reasons became a typed
      // union — earlier only when the series did not come back); NULL while open and on older resolved rows.
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('anomalies').addColumn('resolution', 'text').execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('anomalies').dropColumn('resolution').execute();
      },
    },
  };
}

/**
 * Applies every pending migration. `schema` (PostgreSQL) is where kysely keeps its migration tables; the
 * store's tables go to the connection's search_path.
 * @throws StoreError when a migration fails (the message names it; the cause is the driver error).
 */
export async function migrateToLatest(
  db: Kysely<unknown>,
  dialect: StoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: storeMigrations(dialect),
    dialect,
    ...(schema === undefined ? {} : { schema }),
    label: 'store',
  });
}

/** Drops every table of the store and kysely's migration bookkeeping (tests). */
export async function dropAll(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'detector_states',
    'anomalies',
    'samples',
    'series',
    'kysely_migration',
    'kysely_migration_lock',
  ]) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}
