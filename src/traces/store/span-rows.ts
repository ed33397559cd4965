/**
 * A span as a `trace_spans` row (./schema.ts) and back: the indexed columns, and the rest of the span
 * (attributes, events, links, scope, status message) as one JSON column. The process is a row of its own
 * (`process_id`, ./processes.ts). No I/O.
 */
import type { Insertable } from 'kysely';
import {
  indexFields,
  SPAN_KINDS,
  SPAN_STATUSES,
  type Attributes,
  type SpanProcess,
  type SpanRecord,
} from '../span.ts';
import type { TraceSpansTable } from './schema.ts';

/** The JSON `data` column of a span row: attributes, events, links, scope [name, version], status message. */
export interface SpanData {
  readonly a: Attributes;
  readonly e: SpanRecord['events'];
  readonly l: SpanRecord['links'];
  readonly s: readonly [string, string];
  readonly m: string;
}

/** A `trace_spans` row as read. */
export type TraceSpansRow = {
  [K in keyof TraceSpansTable]: TraceSpansTable[K] extends { __select__: infer S } ? S : TraceSpansTable[K];
};

/** The row of span `s`, whose process has id `processId`. */
export function spanRow(s: SpanRecord, processId: number): Insertable<TraceSpansTable> {
  const f = indexFields(s);
  const kind = SPAN_KINDS.indexOf(s.kind);
  const data: SpanData = {
    a: s.attributes,
    e: s.events,
    l: s.links,
    s: [s.scope.name, s.scope.version],
    m: s.statusMessage,
  };
  return {
    trace_id: s.traceId,
    span_id: s.spanId,
    parent_span_id: s.parentSpanId,
    service: s.process.service,
    operation: s.name,
    kind,
    start_us: s.startUs,
    duration_us: s.durationUs,
    status: SPAN_STATUSES.indexOf(s.status),
    node_id: f.nodeId,
    region: f.region,
    vm_id: f.vmId,
    mode: f.mode,
    version: f.version,
    process_id: processId,
    data: JSON.stringify(data),
  };
}

/**
 * The spans of `rows`, with their processes from `procs` by id; a process no longer stored becomes one with
 * only the row's service name (and an empty key).
 */
export function rowsToSpans(rows: readonly TraceSpansRow[], procs: Map<number, SpanProcess>): SpanRecord[] {
  return rows.map((r) => {
    const d = JSON.parse(r.data) as SpanData;
    const process = procs.get(Number(r.process_id)) ?? {
      service: r.service,
      attributes: { 'service.name': r.service },
      key: '',
    };
    return {
      traceId: r.trace_id,
      spanId: r.span_id,
      parentSpanId: r.parent_span_id,
      name: r.operation,
      kind: SPAN_KINDS[r.kind] ?? 'unspecified',
      startUs: Number(r.start_us),
      durationUs: Number(r.duration_us),
      status: SPAN_STATUSES[r.status] ?? 'unset',
      statusMessage: d.m,
      attributes: d.a,
      events: d.e,
      links: d.l,
      scope: { name: d.s[0], version: d.s[1] },
      process,
    };
  });
}
