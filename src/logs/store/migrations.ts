/**
 * Migrations of the log store, with their own kysely bookkeeping tables (`kysely_migration_logs`,
 * `kysely_migration_lock_logs`). The entry table and its label indexes are the same on SQLite and PostgreSQL;
 * full-text search is each database's own: SQLite FTS5 (a contentless table with deletes, rowid = entry id,
 * unicode61 tokens without diacritic folding, no positions since 0002) and PostgreSQL tsvector (generated from the body with every
 * non-alphanumeric run turned into a space, `simple` configuration, GIN index) — both make the same tokens:
 * lowercased runs of letters and digits.
 *
 * Label indexes: (service|node_id|region|level|component, time_us), time_us (retention and time-only queries),
 * trace_id (partial: entries in a trace).
 * @see https://www.sqlite.org/fts5.html#contentless_delete_tables
 * @see https://www.postgresql.org/docs/current/textsearch-tables.html
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';
import { LOG_LABELS } from '../record.ts';

/** Dialects of the log store. */
export type LogStoreDialect = 'sqlite' | 'postgres';

function logMigrations(dialect: LogStoreDialect): Record<string, Migration> {
  return {
    '0001_logs': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('log_entries')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
          .addColumn('time_us', 'bigint', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('node_id', 'text', (c) => c.notNull())
          .addColumn('region', 'text', (c) => c.notNull())
          .addColumn('component', 'text', (c) => c.notNull())
          .addColumn('trace_id', 'text', (c) => c.notNull())
          .addColumn('span_id', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('attrs', 'text', (c) => c.notNull())
          .execute();
        for (const label of LOG_LABELS) await db.schema.createIndex(`log_entries_${label}_time_idx`).on('log_entries').columns([label, 'time_us']).execute();
        await db.schema.createIndex('log_entries_time_idx').on('log_entries').column('time_us').execute();
        await db.schema.createIndex('log_entries_trace_idx').on('log_entries').column('trace_id').where(sql.ref('trace_id'), '<>', '').execute();
        if (dialect === 'sqlite') {
          await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(db);
        } else {
          await sql`alter table log_entries add column body_tsv tsvector generated always as (to_tsvector('simple'::regconfig, regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))) stored`.execute(db);
          await sql`create index log_entries_body_tsv_idx on log_entries using gin (body_tsv)`.execute(db);
        }
      },
      async down(db: Kysely<unknown>): Promise<void> {
        if (dialect === 'sqlite') await sql`drop table if exists log_fts`.execute(db);
        await db.schema.dropTable('log_entries').ifExists().execute();
      },
    },
    // SQLite: the FTS5 index without positions (detail=none): searches are conjunctions of single tokens, never
    // phrases, and entries are stored with 20-25 % less CPU on JSON lines; rebuilt from the stored bodies.
    '0002_logs_fts_detail_none': {
      async up(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`drop table log_fts`.execute(db);
        await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, detail='none', tokenize='unicode61 remove_diacritics 0')`.execute(db);
        await sql`insert into log_fts(rowid, body) select id, body from log_entries`.execute(db);
      },
      async down(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`drop table log_fts`.execute(db);
        await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(db);
        await sql`insert into log_fts(rowid, body) select id, body from log_entries`.execute(db);
      },
    },
  };
}

/** Bookkeeping tables of the log store's migrations. */
export const LOG_MIGRATION_TABLE = 'kysely_migration_logs';
export const LOG_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_logs';

/**
 * Applies the log store's pending migrations.
 * @param schema PostgreSQL schema of the bookkeeping tables (when the store lives in one)
 * @throws StoreError when a migration fails.
 */
export async function migrateLogStore(db: Kysely<unknown>, dialect: LogStoreDialect, schema?: string): Promise<void> {
  await runMigrations(db, {
    migrations: logMigrations(dialect),
    dialect,
    tableName: LOG_MIGRATION_TABLE,
    lockTableName: LOG_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'log store',
  });
}
