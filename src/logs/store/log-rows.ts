/**
 * SQL pieces and row mapping shared by the log store's reads (./log-store.ts) and its count queries (./counts.ts):
 * substring and stream-id conditions, full-text tokens, the entry row as read and its record.
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { hasOwnKeys, LOG_LEVELS, type LogLevel } from '../record.ts';
import type { StoredLog } from './log-types.ts';
import type { LogStoreDialect } from './migrations.ts';
import type { LogDatabase, LogEntriesTable, LogStreamsTable } from './schema.ts';

/** `instr`/`strpos` conditions: the line contains each substring. */
export function containsConditions(
  dialect: LogStoreDialect,
  contains: readonly string[],
  negate = false,
): Expression<SqlBool>[] {
  const body = sql.ref('e.body');
  const op = sql.raw(negate ? '= 0' : '> 0');
  return contains.map((c) =>
    dialect === 'sqlite'
      ? sql<SqlBool>`instr(${body}, ${c}) ${op}`
      : sql<SqlBool>`strpos(${body}, ${c}) ${op}`,
  );
}

/** `e.stream_id in (...)` over stream ids read from the store (integers, written inline: no bind-parameter limit); `+` keeps its index out on SQLite. */
export function streamIdCondition(ids: readonly number[], indexed: boolean): Expression<SqlBool> {
  return sql<SqlBool>`${indexed ? sql`` : sql`+`}${sql.ref('e.stream_id')} in (${sql.raw(ids.map((i) => String(Math.trunc(i))).join(', '))})`;
}

/** Characters of a trace id the trace index is keyed by (migration 0005). */
export const TRACE_PREFIX_CHARS = 8;

/**
 * `e.trace_id = id` as SQL conditions: for a non-empty id also its first {@link TRACE_PREFIX_CHARS} characters
 * (the trace index's key, `substr(trace_id, 1, 8)`) and `trace_id <> ''` (the index's predicate, which SQLite
 * uses a partial index only for when the query names it). With `indexed` false every column is behind a unary
 * `+`, so no index is picked for it (a scan driven by the full-text index).
 */
export function traceIdConditions(traceId: string, indexed = true): Expression<SqlBool>[] {
  const col = indexed ? sql.ref('e.trace_id') : sql`+${sql.ref('e.trace_id')}`;
  const eq = sql<SqlBool>`${col} = ${traceId}`;
  if (!indexed || traceId === '') return [eq];
  return [
    eq,
    sql<SqlBool>`${col} <> ''`,
    sql<SqlBool>`substr(${col}, 1, ${sql.lit(TRACE_PREFIX_CHARS)}) = substr(cast(${traceId} as text), 1, ${sql.lit(TRACE_PREFIX_CHARS)})`,
  ];
}

/** Streams (alias `s`) with an entry in `[startUs, endUs)` (Unix µs), as an SQL condition. */
export function streamHasEntries(startUs: number, endUs: number): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from log_entries x where x.stream_id = s.id and x.time_us >= ${startUs} and x.time_us < ${endUs})`;
}

/** Full-text tokens of a text: lowercased runs of letters and digits (the tokens both backends index). */
export function textTokens(s: string): string[] {
  return (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

/** The stored form of a record's attributes: a JSON object (`{}` when there are none, without serialising). */
export function attrsJson(a: Readonly<Record<string, string>>): string {
  return hasOwnKeys(a) ? JSON.stringify(a) : '{}';
}

export /** An entry row joined with its stream's labels, as read. */
interface Row {
  readonly id: number | string;
  readonly time_us: number | string;
  readonly level: string;
  readonly service: string;
  readonly node_id: string;
  readonly region: string;
  readonly component: string;
  readonly trace_id: string;
  readonly span_id: string;
  readonly body: string;
  readonly attrs: string;
}

/** The columns of {@link Row}, from the entries `e` and their streams `s`. */
export const ROW_COLUMNS = [
  'e.id',
  'e.time_us',
  's.level',
  's.service',
  's.node_id',
  's.region',
  's.component',
  'e.trace_id',
  'e.span_id',
  'e.body',
  'e.attrs',
] as const;

/** The stored record of a row (unparseable attributes read as none, an unknown level as `info`). */
export function toRecord(r: Row): StoredLog {
  let attributes: Record<string, string> = {};
  if (r.attrs !== '{}') {
    try {
      attributes = JSON.parse(r.attrs) as Record<string, string>;
    } catch {
      attributes = {};
    }
  }
  return {
    id: Number(r.id),
    timeUs: Number(r.time_us),
    level: (LOG_LEVELS as readonly string[]).includes(r.level) ? (r.level as LogLevel) : 'info',
    service: r.service,
    nodeId: r.node_id,
    region: r.region,
    component: r.component,
    traceId: r.trace_id,
    spanId: r.span_id,
    body: r.body,
    attributes,
  };
}

/** The tables of an entry query: entries as `e`, their streams as `s`. */
export type EntriesDb = LogDatabase & { e: LogEntriesTable };
export type EntriesStreamsDb = EntriesDb & { s: LogStreamsTable };

/** How a scan selects streams: all of them, none, or these ids (walked by stream, or filtered along the time index). */
export type StreamFilter =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'ids'; readonly ids: readonly number[]; readonly byStream: boolean };
