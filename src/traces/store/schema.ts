/**
 * Kysely table types of the trace store (created by ./migrations.ts). int8 columns may come back from
 * PostgreSQL as strings, so reads go through `Number()`.
 */
import type { ColumnType, Generated } from 'kysely';

/** An int8/bigint column: written as a number, read as number (SQLite) or string (pg). */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** One span. `status`: 0 unset, 1 ok, 2 error (OTLP StatusCode); `kind`: OTLP SpanKind number. */
export interface TraceSpansTable {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  service: string;
  operation: string;
  kind: number;
  start_us: BigIntColumn;
  duration_us: BigIntColumn;
  status: number;
  node_id: string | null;
  region: string | null;
  vm_id: string | null;
  mode: string | null;
  version: string | null;
  process_id: BigIntColumn;
  /** JSON: `{a: attributes, e: events, l: links, s: [scope name, scope version], m: status message}`. */
  data: string;
}

/** One resource (process) that emitted spans; `key` is its canonical attribute JSON. */
export interface TraceProcessesTable {
  id: Generated<number>;
  key: string;
  service: string;
  attributes_json: string;
}

/** The trace store's tables. */
export interface TraceDatabase {
  trace_spans: TraceSpansTable;
  trace_processes: TraceProcessesTable;
}
