/**
 * Migrations of the auth store, with their own kysely bookkeeping tables (`kysely_migration_auth`,
 * `kysely_migration_lock_auth`) so they never collide with other systems' migrations. Same SQL on SQLite and
 * PostgreSQL.
 */
import type { Kysely, Migration } from 'kysely';
import { runMigrations } from '../store/migrator.ts';

/** Dialects of the auth store. */
export type AuthStoreDialect = 'sqlite' | 'postgres';

function migrations(dialect: AuthStoreDialect): Record<string, Migration> {
  return {
    '0001_auth': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('auth_users')
          .addColumn('username', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('auth_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('created_at_ms', 'bigint', (c) => c.notNull())
          .addColumn('expires_at_ms', 'bigint')
          .execute();
        await db.schema
          .createTable('auth_audit')
          .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
            dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
          )
          .addColumn('at_ms', 'bigint', (c) => c.notNull())
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('address', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('auth_audit_tenant_idx')
          .on('auth_audit')
          .columns(['tenant_id', 'id'])
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ['auth_audit', 'auth_tokens', 'auth_users'])
          await db.schema.dropTable(t).ifExists().execute();
      },
    },
  };
}

/** Bookkeeping tables of the auth store's migrations. */
export const AUTH_MIGRATION_TABLE = 'kysely_migration_auth';
export const AUTH_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_auth';

/**
 * Applies the auth store's pending migrations.
 * @param schema PostgreSQL schema of the bookkeeping tables (when the store lives in one)
 * @throws StoreError when a migration fails.
 */
export async function migrateAuthStore(
  db: Kysely<unknown>,
  dialect: AuthStoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: migrations(dialect),
    dialect,
    tableName: AUTH_MIGRATION_TABLE,
    lockTableName: AUTH_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'auth store',
  });
}
