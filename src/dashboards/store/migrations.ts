/**
 * Migrations of the dashboard store, with their own kysely bookkeeping tables (`kysely_migration_dashboards`,
 * `kysely_migration_lock_dashboards`) so they never collide with other systems' migrations. Same SQL on SQLite
 * and PostgreSQL.
 */
import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';

/** Dialects of the dashboard store. */
export type DashboardStoreDialect = 'sqlite' | 'postgres';

const MIGRATIONS: Record<string, Migration> = {
  '0001_dashboards': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('dashboards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('owner', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('tags_json', 'text', (c) => c.notNull())
        .addColumn('widgets', 'integer', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('spec_json', 'text', (c) => c.notNull())
        .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('dashboards_tenant_title_idx')
        .on('dashboards')
        .columns(['tenant_id', 'title', 'id'])
        .execute();
      await db.schema
        .createTable('dashboard_versions')
        .addColumn('dashboard_id', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('spec_json', 'text', (c) => c.notNull())
        .addColumn('updated_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dashboard_versions_pk', ['dashboard_id', 'version'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const t of ['dashboard_versions', 'dashboards']) await db.schema.dropTable(t).ifExists().execute();
    },
  },
  '0002_dashboard_grants': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('dashboard_grants')
        .addColumn('dashboard_id', 'text', (c) => c.notNull())
        .addColumn('grantee', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('dashboard_grants_pk', ['dashboard_id', 'grantee'])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('dashboard_grants').ifExists().execute();
    },
  },
};

/** Bookkeeping tables of the dashboard store's migrations. */
export const DASHBOARD_MIGRATION_TABLE = 'kysely_migration_dashboards';
export const DASHBOARD_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_dashboards';

/**
 * Applies the dashboard store's pending migrations.
 * @param schema PostgreSQL schema of the bookkeeping tables (when the store lives in one)
 * @throws StoreError when a migration fails.
 */
export async function migrateDashboardStore(
  db: Kysely<unknown>,
  dialect: DashboardStoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: MIGRATIONS,
    dialect,
    tableName: DASHBOARD_MIGRATION_TABLE,
    lockTableName: DASHBOARD_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'dashboard store',
  });
}
