/**
 * Streams of the log store: one id per label set (service, node_id, region, level, component), as Loki keys its
 * chunks by stream. The label set's key is its values joined by NUL; its fingerprint is the 64-bit FNV-1a hash of
 * that key (hex), indexed for lookups (the label columns' unique index is the identity, so a hash collision only
 * costs a comparison). Label matchers resolve to stream ids first, then entries are read by stream id and time.
 * @see https://grafana.com/docs/loki/latest/get-started/labels/#cardinality
 * @see http://www.isthe.com/chongo/tech/comp/fnv/index.html#FNV-1a
 */
import { sql, type Expression, type SqlBool } from 'kysely';
import { LOG_LABELS, type LogLabelName, type LogRecord } from '../record.ts';

/** A stream's label values (empty strings where a label is absent). */
export type StreamLabelValues = Readonly<Record<LogLabelName, string>>;

/** One label condition resolved to value sets: `in` (when given) and not `notIn`. */
export interface LabelSet {
  readonly label: LogLabelName;
  readonly in?: readonly string[];
  readonly notIn?: readonly string[];
}

/** Streams kept at most by default (a new label set beyond it is refused, its entries dropped and counted). */
export const DEFAULT_MAX_STREAMS = 100_000;

/** The key of a record's label set (values joined by NUL, in {@link LOG_LABELS} order). */
export function streamKeyOf(r: LogRecord): string {
  return `${r.service}\u0000${r.nodeId}\u0000${r.region}\u0000${r.level}\u0000${r.component}`;
}

/** True when two records have the same label set (as their {@link streamKeyOf} keys are equal, without building them). */
export function sameStream(a: LogRecord, b: LogRecord): boolean {
  return (
    a.service === b.service &&
    a.nodeId === b.nodeId &&
    a.region === b.region &&
    a.level === b.level &&
    a.component === b.component
  );
}

/** The label columns of a record's stream. */
export function streamColumnsOf(r: LogRecord): StreamLabelValues {
  return { service: r.service, node_id: r.nodeId, region: r.region, level: r.level, component: r.component };
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

/** FNV-1a 64 of a stream key's UTF-8 bytes, 16 hex digits. */
export function streamFingerprint(key: string): string {
  let h = FNV_OFFSET;
  for (const b of Buffer.from(key, 'utf8')) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
  return h.toString(16).padStart(16, '0');
}

/** Label sets as SQL conditions on the stream table's label columns (alias `s`); undefined when there are none. */
export function streamConditions(labels: readonly LabelSet[]): Expression<SqlBool>[] | undefined {
  const all: Expression<SqlBool>[] = [];
  for (const s of labels) {
    const col = sql.ref(`s.${s.label}`);
    if (s.in !== undefined)
      all.push(s.in.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${col} in (${sql.join(s.in)})`);
    if (s.notIn !== undefined && s.notIn.length > 0)
      all.push(sql<SqlBool>`${col} not in (${sql.join(s.notIn)})`);
  }
  return all.length === 0 ? undefined : all;
}

/** A row of the stream table as read. */
export interface StreamRow {
  readonly id: number | string;
  readonly service: string;
  readonly node_id: string;
  readonly region: string;
  readonly level: string;
  readonly component: string;
}

/** The key of a stream row (as {@link streamKeyOf}). */
export function streamKeyOfRow(r: StreamRow): string {
  return LOG_LABELS.map((l) => r[l]).join('\u0000');
}
