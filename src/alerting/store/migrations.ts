/**
 * Migrations of alerting's tables, kept apart from the monitor store's: their own kysely migration and lock
 * tables (`kysely_migration_alerting`, `kysely_migration_lock_alerting`), so migration names never collide.
 * Same SQL on SQLite and PostgreSQL (auto-increment id differs).
 * @see https://kysely.dev/docs/migrations
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';

/** Dialects alerting's store supports. */
export type AlertingDialect = 'sqlite' | 'postgres';

/** Alerting's migration bookkeeping tables. */
export const ALERTING_MIGRATION_TABLE = 'kysely_migration_alerting';
export const ALERTING_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_alerting';

/** The migrations in order. */
export function alertingMigrations(dialect: AlertingDialect): Record<string, Migration> {
  return {
    '0001_alerting': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('alert_outbox')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('receiver', 'text', (c) => c.notNull())
          .addColumn('incident_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('message_json', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_error', 'text')
          .execute();
        await db.schema
          .createIndex('alert_outbox_receiver_idx')
          .on('alert_outbox')
          .columns(['receiver', 'id'])
          .execute();
        await db.schema
          .createTable('alert_silences')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('matchers_json', 'text', (c) => c.notNull())
          .addColumn('starts_at', 'bigint', (c) => c.notNull())
          .addColumn('ends_at', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('comment', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('alert_silences_ends_at_idx')
          .on('alert_silences')
          .column('ends_at')
          .execute();
        await db.schema
          .createTable('alert_incidents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addColumn('incident_json', 'text', (c) => c.notNull())
          .addColumn('delivery_json', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('alert_incidents_started_at_idx')
          .on('alert_incidents')
          .column('started_at')
          .execute();
        await db.schema
          .createIndex('alert_incidents_status_idx')
          .on('alert_incidents')
          .column('status')
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ['alert_incidents', 'alert_silences', 'alert_outbox'])
          await db.schema.dropTable(t).ifExists().execute();
      },
    },
    // The incident's node and region as columns, so a tenant's incident list is filtered in SQL before its limit.
    '0002_incident_nodes': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('alert_incidents').addColumn('node', 'text').execute();
        await db.schema.alterTable('alert_incidents').addColumn('region', 'text').execute();
        await db.schema
          .createIndex('alert_incidents_node_idx')
          .on('alert_incidents')
          .columns(['node', 'started_at'])
          .execute();
        await db.schema
          .createIndex('alert_incidents_region_idx')
          .on('alert_incidents')
          .columns(['region', 'started_at'])
          .execute();
        // existing rows (at most `incidents.maxStored`): node and region from their snapshots
        const rows = await sql<{
          id: string;
          incident_json: string;
        }>`select id, incident_json from alert_incidents`.execute(db);
        for (const r of rows.rows) {
          const i = JSON.parse(r.incident_json) as { node?: unknown; region?: unknown };
          const node = typeof i.node === 'string' ? i.node : null;
          const region = typeof i.region === 'string' ? i.region : null;
          await sql`update alert_incidents set node = ${node}, region = ${region} where id = ${r.id}`.execute(
            db,
          );
        }
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropIndex('alert_incidents_region_idx').ifExists().execute();
        await db.schema.dropIndex('alert_incidents_node_idx').ifExists().execute();
        await db.schema.alterTable('alert_incidents').dropColumn('region').execute();
        await db.schema.alterTable('alert_incidents').dropColumn('node').execute();
      },
    },
  };
}

/**
 * Applies alerting's pending migrations.
 * @param schema PostgreSQL schema of the bookkeeping tables (tests use a schema per run)
 * @throws StoreError when a migration fails
 */
export async function migrateAlerting(
  db: Kysely<unknown>,
  dialect: AlertingDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: alertingMigrations(dialect),
    dialect,
    tableName: ALERTING_MIGRATION_TABLE,
    lockTableName: ALERTING_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'alerting',
  });
}

/** Drops alerting's tables and bookkeeping (tests). */
export async function dropAlerting(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'alert_incidents',
    'alert_silences',
    'alert_outbox',
    ALERTING_MIGRATION_TABLE,
    ALERTING_MIGRATION_LOCK_TABLE,
  ]) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}
