/**
 * Kysely table types of the log store (created by ./migrations.ts). int8 columns may come back from PostgreSQL
 * as strings, so reads go through `Number()`. The full-text side is dialect-specific and not typed here: a
 * contentless FTS5 table `log_fts` (rowid = entry id) on SQLite, a generated `body_tsv` tsvector column with a
 * GIN index on PostgreSQL.
 */
import type { ColumnType } from 'kysely';

/** An int8/bigint column: written as a number, read as number (SQLite) or string (pg). */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** One log entry of a stream; empty strings where an id is absent. `attrs`: JSON object of string values. */
export interface LogEntriesTable {
  id: ColumnType<number | string, number | undefined, never>;
  time_us: BigIntColumn;
  /** The entry's stream (its label set): `log_streams.id`. */
  stream_id: BigIntColumn;
  trace_id: string;
  span_id: string;
  body: string;
  attrs: string;
}

/** One stream: a label set (empty strings where a label is absent) and its fingerprint (./streams.ts). */
export interface LogStreamsTable {
  id: ColumnType<number | string, number | undefined, never>;
  fingerprint: string;
  service: string;
  node_id: string;
  region: string;
  level: string;
  component: string;
}

/** The log store's tables. */
export interface LogDatabase {
  log_entries: LogEntriesTable;
  log_streams: LogStreamsTable;
}
