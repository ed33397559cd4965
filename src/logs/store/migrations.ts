/**
 * Migrations of the log store, with their own kysely bookkeeping tables (`kysely_migration_logs`,
 * `kysely_migration_lock_logs`). The entry table and its label indexes are the same on SQLite and PostgreSQL;
 * full-text search is each database's own: SQLite FTS5 (a contentless table, rowid = entry id, unicode61 tokens
 * without diacritic folding, no positions since 0002, no row sizes since 0004: deletes by FTS5's 'delete' command) and PostgreSQL tsvector (generated from the body with every
 * non-alphanumeric run turned into a space, `simple` configuration, GIN index) — both make the same tokens:
 * lowercased runs of letters and digits.
 *
 * Since 0003 an entry carries the id of its stream (`log_streams`: one row per label set, with its
 * fingerprint; ./streams.ts) instead of five label columns with an index each. Indexes: streams by label set
 * (unique) and by fingerprint; entries by (stream_id, time_us), time_us (retention, time-only queries) and,
 * since 0005, the first 8 characters of trace_id (partial: entries in a trace; reads name the full id too).
 * Since 0006 the SQLite full-text index writes leaf pages of ~16 KB ({@link FTS5_PGSZ}); since 0007 it merges
 * segments of a level once {@link FTS5_AUTOMERGE} of them exist (FTS5's default 4).
 * @see https://www.sqlite.org/fts5.html#contentless_tables
 * @see https://www.sqlite.org/fts5.html#the_delete_command
 * @see https://www.postgresql.org/docs/current/textsearch-tables.html
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { runMigrations } from '../../store/migrator.ts';
import { LOG_LABELS } from '../record.ts';
import { streamFingerprint, streamKeyOfRow, type StreamRow } from './streams.ts';

/** Dialects of the log store. */
export type LogStoreDialect = 'sqlite' | 'postgres';

/** The log store's migrations by name, in order. */
export function logMigrations(dialect: LogStoreDialect): Record<string, Migration> {
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
        for (const label of LOG_LABELS)
          await db.schema
            .createIndex(`log_entries_${label}_time_idx`)
            .on('log_entries')
            .columns([label, 'time_us'])
            .execute();
        await db.schema.createIndex('log_entries_time_idx').on('log_entries').column('time_us').execute();
        await db.schema
          .createIndex('log_entries_trace_idx')
          .on('log_entries')
          .column('trace_id')
          .where(sql.ref('trace_id'), '<>', '')
          .execute();
        if (dialect === 'sqlite') {
          await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(
            db,
          );
        } else {
          await sql`alter table log_entries add column body_tsv tsvector generated always as (to_tsvector('simple'::regconfig, regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))) stored`.execute(
            db,
          );
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
        await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, detail='none', tokenize='unicode61 remove_diacritics 0')`.execute(
          db,
        );
        await sql`insert into log_fts(rowid, body) select id, body from log_entries`.execute(db);
      },
      async down(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`drop table log_fts`.execute(db);
        await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0')`.execute(
          db,
        );
        await sql`insert into log_fts(rowid, body) select id, body from log_entries`.execute(db);
      },
    },
    // one stream id per label set: the five label indexes of the entry table become one (stream_id, time_us)
    '0003_logs_streams': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('log_streams')
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('node_id', 'text', (c) => c.notNull())
          .addColumn('region', 'text', (c) => c.notNull())
          .addColumn('level', 'text', (c) => c.notNull())
          .addColumn('component', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('log_streams_labels_idx')
          .on('log_streams')
          .columns([...LOG_LABELS])
          .unique()
          .execute();
        await db.schema
          .createIndex('log_streams_fingerprint_idx')
          .on('log_streams')
          .column('fingerprint')
          .execute();
        const sets = (
          await sql<StreamRow>`select distinct 0 as id, service, node_id, region, level, component from log_entries`.execute(
            db,
          )
        ).rows;
        for (const r of sets) {
          await sql`insert into log_streams (fingerprint, service, node_id, region, level, component) values (${streamFingerprint(streamKeyOfRow(r))}, ${r.service}, ${r.node_id}, ${r.region}, ${r.level}, ${r.component})`.execute(
            db,
          );
        }
        await db.schema
          .alterTable('log_entries')
          .addColumn('stream_id', 'bigint', (c) => c.notNull().defaultTo(0))
          .execute();
        if (sets.length > 0) {
          await sql`update log_entries set stream_id = (select s.id from log_streams s where s.service = log_entries.service and s.node_id = log_entries.node_id and s.region = log_entries.region and s.level = log_entries.level and s.component = log_entries.component)`.execute(
            db,
          );
        }
        for (const label of LOG_LABELS) await db.schema.dropIndex(`log_entries_${label}_time_idx`).execute();
        for (const label of LOG_LABELS) await db.schema.alterTable('log_entries').dropColumn(label).execute();
        await db.schema
          .createIndex('log_entries_stream_time_idx')
          .on('log_entries')
          .columns(['stream_id', 'time_us'])
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropIndex('log_entries_stream_time_idx').execute();
        for (const label of LOG_LABELS)
          await db.schema
            .alterTable('log_entries')
            .addColumn(label, 'text', (c) => c.notNull().defaultTo(''))
            .execute();
        for (const label of LOG_LABELS) {
          await sql`update log_entries set ${sql.ref(label)} = coalesce((select ${sql.ref(`s.${label}`)} from log_streams s where s.id = log_entries.stream_id), '')`.execute(
            db,
          );
          await db.schema
            .createIndex(`log_entries_${label}_time_idx`)
            .on('log_entries')
            .columns([label, 'time_us'])
            .execute();
        }
        await db.schema.alterTable('log_entries').dropColumn('stream_id').execute();
        await db.schema.dropTable('log_streams').execute();
      },
    },
    // SQLite: the FTS5 index without its per-row size table (columnsize=0; no query ranks by length) and therefore
    // without contentless deletes: retention removes an entry's tokens with FTS5's 'delete' command and the stored
    // body the index was filled from; one B-tree insert less per entry; rebuilt from the stored bodies.
    '0004_logs_fts_no_docsize': {
      async up(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`drop table log_fts`.execute(db);
        await sql`create virtual table log_fts using fts5(body, content='', columnsize=0, detail='none', tokenize='unicode61 remove_diacritics 0')`.execute(
          db,
        );
        await sql`insert into log_fts(rowid, body) select id, body from log_entries`.execute(db);
      },
      async down(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`drop table log_fts`.execute(db);
        await sql`create virtual table log_fts using fts5(body, content='', contentless_delete=1, detail='none', tokenize='unicode61 remove_diacritics 0')`.execute(
          db,
        );
        await sql`insert into log_fts(rowid, body) select id, body from log_entries`.execute(db);
      },
    },
    // the trace-id index keyed by the id's first 8 characters (a 9-byte key instead of 33: half the store's CPU
    // per entry with a trace id went to the old index's random inserts) and used on SQLite at last: its partial
    // index needs the query to name `trace_id <> ''` (./log-rows.ts traceIdConditions), which no read did
    '0005_logs_trace_prefix': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropIndex('log_entries_trace_idx').execute();
        await sql`create index log_entries_trace_prefix_idx on log_entries (substr(trace_id, 1, 8)) where trace_id <> ''`.execute(
          db,
        );
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropIndex('log_entries_trace_prefix_idx').execute();
        await db.schema
          .createIndex('log_entries_trace_idx')
          .on('log_entries')
          .column('trace_id')
          .where(sql.ref('trace_id'), '<>', '')
          .execute();
      },
    },
    // SQLite: FTS5 leaf pages of ~16 KB instead of 1000 bytes (FTS5_PGSZ below); a setting of the index's config
    // table, so segments written before keep their pages and stay readable — nothing is rebuilt
    '0006_logs_fts_pgsz': {
      async up(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`insert into log_fts (log_fts, rank) values ('pgsz', ${sql.lit(FTS5_PGSZ)})`.execute(db);
      },
      async down(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`insert into log_fts (log_fts, rank) values ('pgsz', 1000)`.execute(db);
      },
    },
    // SQLite: FTS5 merges a level's segments once FTS5_AUTOMERGE of them exist instead of 4 (below); a setting of
    // the index's config table, so existing segments stay as they are and are merged under the new setting
    '0007_logs_fts_automerge': {
      async up(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`insert into log_fts (log_fts, rank) values ('automerge', ${sql.lit(FTS5_AUTOMERGE)})`.execute(
          db,
        );
      },
      async down(db: Kysely<unknown>): Promise<void> {
        if (dialect !== 'sqlite') return;
        await sql`insert into log_fts (log_fts, rank) values ('automerge', 4)`.execute(db);
      },
    },
  };
}

/**
 * Segments of one level of the log store's full-text index that FTS5 lets accumulate before it merges them into
 * one segment of the next level (`automerge`; FTS5's default 4). Every batch of entries writes one new level-0
 * segment, and each merge rewrites the doclists of the segments it merges, so an entry's tokens are rewritten
 * about once per level they pass: ~log₈ instead of ~log₄ of (stored lines ÷ lines per batch) times. The price is
 * up to 7 instead of 3 segments per level for a word search to read. Measured (docs/logs-store.md "FTS5 automerge
 * 8"): the store alone −5 % CPU per line (200 000 lines, 3 of 3 alternating rounds), the full-text index alone
 * −17 % when 5 M lines are indexed batch by batch; word searches over 5 M lines +1.6 ms CPU per query (+16 %),
 * p99 still far within 200 ms. 16 (with `crisismerge` 64) saved a little more and cost word searches +27 %.
 * FTS5's `crisismerge` (16) stays above it.
 * @see https://www.sqlite.org/fts5.html#the_automerge_configuration_option
 */
export const FTS5_AUTOMERGE = 8;

/**
 * Target size of an FTS5 leaf page of the log store's full-text index, bytes (FTS5's default 1000). Larger leaves
 * mean fewer `%_data` rows and B-tree inserts per flushed segment: measured ~1 µs less CPU per stored line on the
 * bench's JSON lines (bench/logs-store-profile.ts `fts-pgsz-16k`, alternating runs; docs/logs-history.md "Where a full receive
 * goes; FTS5 leaf pages; memory-mapped reads").
 * Just under the 16 KiB database page, so a leaf fits one page with its row header.
 * @see https://www.sqlite.org/fts5.html#the_pgsz_configuration_option
 */
export const FTS5_PGSZ = 16_000;

/** Bookkeeping tables of the log store's migrations. */
export const LOG_MIGRATION_TABLE = 'kysely_migration_logs';
export const LOG_MIGRATION_LOCK_TABLE = 'kysely_migration_lock_logs';

/**
 * Applies the log store's pending migrations.
 * @param schema PostgreSQL schema of the bookkeeping tables (when the store lives in one)
 * @throws StoreError when a migration fails.
 */
export async function migrateLogStore(
  db: Kysely<unknown>,
  dialect: LogStoreDialect,
  schema?: string,
): Promise<void> {
  await runMigrations(db, {
    migrations: logMigrations(dialect),
    dialect,
    tableName: LOG_MIGRATION_TABLE,
    lockTableName: LOG_MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { schema }),
    label: 'log store',
  });
}
