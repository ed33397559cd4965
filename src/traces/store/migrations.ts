/**
 * Migrations of the trace store, with their own kysely bookkeeping tables (`kysely_migration_traces`,
 * `kysely_migration_lock_traces`) so they never collide with other systems' migrations. Same SQL on SQLite and
 * PostgreSQL; the dialect differences are the auto-increment key and SQLite's WITHOUT ROWID span table (rows
 * clustered on (trace_id, span_id), so a trace is read from one place).
 *
 * Indexes of `trace_spans` (each costs a b-tree write per span; measured by `npm run bench:traces`): by service
 * and start, service + operation + start, start (retention, time-only search), service + duration, error spans
 * by start (partial index), node + start, region + start, VM id.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';

/** Dialects of the trace store. */
export type TraceStoreDialect = 'sqlite' | 'postgres';

function traceMigrations(dialect: TraceStoreDialect): Record<string, Migration> {
  const id = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    '0001_traces': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('trace_spans')
          .addColumn('trace_id', 'text', (c) => c.notNull())
          .addColumn('span_id', 'text', (c) => c.notNull())
          .addColumn('parent_span_id', 'text')
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('operation', 'text', (c) => c.notNull())
          .addColumn('kind', 'integer', (c) => c.notNull())
          .addColumn('start_us', 'bigint', (c) => c.notNull())
          .addColumn('duration_us', 'bigint', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('node_id', 'text')
          .addColumn('region', 'text')
          .addColumn('vm_id', 'text')
          .addColumn('mode', 'text')
          .addColumn('version', 'text')
          .addColumn('process_id', 'bigint', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('trace_spans_pk', ['trace_id', 'span_id'])
          .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
          .execute();
        const idx = (name: string, columns: string[]) => db.schema.createIndex(name).on('trace_spans').columns(columns).execute();
        await idx('trace_spans_service_start_idx', ['service', 'start_us']);
        await idx('trace_spans_service_op_start_idx', ['service', 'operation', 'start_us']);
        await idx('trace_spans_start_idx', ['start_us']);
        await idx('trace_spans_service_duration_idx', ['service', 'duration_us']);
        await idx('trace_spans_node_start_idx', ['node_id', 'start_us']);
        await idx('trace_spans_region_start_idx', ['region', 'start_us']);
        await idx('trace_spans_vm_idx', ['vm_id']);
        await db.schema.createIndex('trace_spans_error_start_idx').on('trace_spans').column('start_us').where(sql.ref('status'), '=', 2).execute();
        await db.schema
          .createTable('trace_processes')
          .addColumn('id', id, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('key', 'text', (c) => c.notNull().unique())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('attributes_json', 'text', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ['trace_processes', 'trace_spans']) await db.schema.dropTable(t).ifExists().execute();
      },
    },
  };
}

/** Bookkeeping tables of the trace store's migrations. */
export const TRACE_MIGRATION_TABLE = 'kysely_migration_traces';
export const TRACE_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_traces';

/**
 * Applies the trace store's pending migrations.
 * @param schema PostgreSQL schema of the bookkeeping tables (when the store lives in one)
 * @throws StoreError when a migration fails.
 */
export async function migrateTraceStore(db: Kysely<unknown>, dialect: TraceStoreDialect, schema?: string): Promise<void> {
  await runMigrations(db, {
    migrations: traceMigrations(dialect),
    dialect,
    tableName: TRACE_MIGRATION_TABLE,
    lockTableName: TRACE_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'trace store',
  });
}
