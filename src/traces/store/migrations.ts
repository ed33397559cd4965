/**
 * Migrations of the trace store, with their own kysely bookkeeping tables (`kysely_migration_traces`,
 * `kysely_migration_lock_traces`) so they never collide with other systems' migrations. Same SQL on SQLite and
 * PostgreSQL; the dialect differences are the auto-increment key and, on SQLite, the span table's rebuild as a
 * rowid table (0003).
 *
 * Indexes of `trace_spans` (each costs a b-tree write per span; measured by `npm run bench:traces`): trace id +
 * span id (unique; the primary key on PostgreSQL), by service and start, service + operation + start, start
 * (retention, time-only search), service + duration, error spans by start with their trace id (partial, covering: 0004), node + start, region
 * + start, VM id.
 */
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';

/** Dialects of the trace store. */
export type TraceStoreDialect = 'sqlite' | 'postgres';

/** The columns of the span table (0001; rebuilt with the same columns by 0003 on SQLite). */
function spanTable(db: Kysely<unknown>, name: string): CreateTableBuilder<string, string> {
  return db.schema
    .createTable(name)
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
    .addColumn('data', 'text', (c) => c.notNull());
}

/** The secondary indexes of the span table. */
async function spanIndexes(db: Kysely<unknown>): Promise<void> {
  const idx = (name: string, columns: string[]) =>
    db.schema.createIndex(name).on('trace_spans').columns(columns).execute();
  await idx('trace_spans_service_start_idx', ['service', 'start_us']);
  await idx('trace_spans_service_op_start_idx', ['service', 'operation', 'start_us']);
  await idx('trace_spans_start_idx', ['start_us']);
  await idx('trace_spans_service_duration_idx', ['service', 'duration_us']);
  await idx('trace_spans_node_start_idx', ['node_id', 'start_us']);
  await idx('trace_spans_region_start_idx', ['region', 'start_us']);
  await idx('trace_spans_vm_idx', ['vm_id']);
  await db.schema
    .createIndex('trace_spans_error_start_idx')
    .on('trace_spans')
    .column('start_us')
    .where(sql.ref('status'), '=', 2)
    .execute();
}

/** The trace store's migrations by name, in order (exported for the upgrade test). */
export function traceMigrations(dialect: TraceStoreDialect): Record<string, Migration> {
  const id = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    '0001_traces': {
      async up(db: Kysely<unknown>): Promise<void> {
        await spanTable(db, 'trace_spans')
          .addPrimaryKeyConstraint('trace_spans_pk', ['trace_id', 'span_id'])
          .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
          .execute();
        await spanIndexes(db);
        await db.schema
          .createTable('trace_processes')
          .addColumn('id', id, (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('key', 'text', (c) => c.notNull().unique())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('attributes_json', 'text', (c) => c.notNull())
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const t of ['trace_processes', 'trace_spans']) await db.schema.dropTable(t).ifExists().execute();
      },
    },
    // Services and operations for the Jaeger API, and when each process and operation last sent a span (by span
    // start, µs), so both are pruned with the spans. Existing rows are filled from the spans once.
    '0002_trace_operations': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('trace_operations')
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('operation', 'text', (c) => c.notNull())
          .addColumn('last_seen_us', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('trace_operations_pk', ['service', 'operation'])
          .execute();
        await db.schema
          .createIndex('trace_operations_last_seen_idx')
          .on('trace_operations')
          .column('last_seen_us')
          .execute();
        await sql`insert into trace_operations (service, operation, last_seen_us) select service, operation, max(start_us) from trace_spans group by service, operation`.execute(
          db,
        );
        await db.schema
          .alterTable('trace_processes')
          .addColumn('last_seen_us', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        await sql`update trace_processes set last_seen_us = coalesce((select max(s.start_us) from trace_spans s where s.process_id = trace_processes.id), 0)`.execute(
          db,
        );
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.alterTable('trace_processes').dropColumn('last_seen_us').execute();
        await db.schema.dropTable('trace_operations').ifExists().execute();
      },
    },
    // SQLite: spans in an ordinary rowid table (appended in arrival order) with a unique index on (trace id,
    // span id), instead of a WITHOUT ROWID table clustered on them: with ~1 KB rows and random trace ids, every
    // insert into the clustered table landed on a random leaf page (SQLite advises WITHOUT ROWID only for rows
    // under about 1/20 of a page). PostgreSQL tables are heaps already: nothing to do there.
    '0003_trace_spans_rowid': {
      async up(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await spanTable(db, 'trace_spans_new').execute();
        await sql`insert into trace_spans_new select * from trace_spans`.execute(db);
        await db.schema.dropTable('trace_spans').execute();
        await sql`alter table trace_spans_new rename to trace_spans`.execute(db);
        await db.schema
          .createIndex('trace_spans_id_idx')
          .on('trace_spans')
          .columns(['trace_id', 'span_id'])
          .unique()
          .execute();
        await spanIndexes(db);
      },
      async down(): Promise<void> {
        // The rowid table answers every query of the clustered one; there is nothing to undo.
      },
    },
    // Errors-only search: the partial index of error spans also holds the trace id, so the newest error spans of
    // a window are read from the index alone (no table row per span) when the search has no attribute filter.
    '0004_trace_spans_error_covering': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createIndex('trace_spans_error_start_trace_idx')
          .on('trace_spans')
          .columns(['start_us', 'trace_id'])
          .where(sql.ref('status'), '=', 2)
          .execute();
        await db.schema.dropIndex('trace_spans_error_start_idx').execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createIndex('trace_spans_error_start_idx')
          .on('trace_spans')
          .column('start_us')
          .where(sql.ref('status'), '=', 2)
          .execute();
        await db.schema.dropIndex('trace_spans_error_start_trace_idx').execute();
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
export async function migrateTraceStore(
  db: Kysely<unknown>,
  dialect: TraceStoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: traceMigrations(dialect),
    dialect,
    tableName: TRACE_MIGRATION_TABLE,
    lockTableName: TRACE_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'trace store',
  });
}
