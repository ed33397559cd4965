/**
 * Trace search over the span table: span rows are read newest first in batches through the best index for the
 * filters (./migrations.ts), attribute filters outside the indexed columns are matched on the row's data, and
 * the scan stops at `limit` traces or `scanLimit` rows. Returns the matching trace ids; the store reads their
 * spans.
 */
import type { Kysely } from 'kysely';
import { matchesTags, splitTags, type TraceQuery } from '../query.ts';
import { SPAN_STATUSES, type SpanProcess } from '../span.ts';
import type { TraceDatabase } from './schema.ts';
import { spanScope } from './scope.ts';
import type { SpanData } from './span-rows.ts';

/** Span rows one scan statement reads. */
const SCAN_BATCH = 1000;

/** Trace ids a search found. */
export interface TraceIdScan {
  /** Trace ids with a matching span, most recent match first, at most `q.limit`. */
  readonly ids: string[];
  /** Span rows read. */
  readonly scanned: number;
  /** True when the scan limit stopped the search before `limit` traces were found. */
  readonly truncated: boolean;
}

/**
 * Ids of the traces with at least one span matching every filter of `q` (limit and time range already
 * checked), reading at most about `scanLimit` span rows (whole batches of 1000). `processes` reads processes
 * by id (for attribute filters on the resource).
 */
export async function scanTraceIds(
  db: Kysely<TraceDatabase>,
  q: TraceQuery,
  scanLimit: number,
  processes: (ids: Iterable<number>) => Promise<Map<number, SpanProcess>>,
): Promise<TraceIdScan> {
  const split = splitTags(q.tags, q.status);
  const scope = spanScope(q.scope);
  if (split.impossible || scope.kind === 'none') return { ids: [], scanned: 0, truncated: false };
  const needData = Object.keys(split.other).length > 0;
  const found: string[] = [];
  const seen = new Set<string>();
  let upper = q.endUs;
  let scanned = 0;
  let truncated = false;
  const c = split.columns;
  const status = split.status === undefined ? undefined : SPAN_STATUSES.indexOf(split.status);
  outer: for (;;) {
    // Without attribute filters only the trace id and start are read, so a covering index answers alone.
    let b = db
      .selectFrom('trace_spans')
      .select(needData ? ['trace_id', 'start_us', 'process_id', 'data'] : ['trace_id', 'start_us'])
      .where('start_us', '>=', q.startUs)
      .where('start_us', '<=', upper);
    if (q.service !== undefined) b = b.where('service', '=', q.service);
    if (q.operation !== undefined) b = b.where('operation', '=', q.operation);
    if (q.minDurationUs !== undefined) b = b.where('duration_us', '>=', q.minDurationUs);
    if (q.maxDurationUs !== undefined) b = b.where('duration_us', '<=', q.maxDurationUs);
    if (status !== undefined) b = b.where('status', '=', status);
    if (c.nodeId !== undefined) b = b.where('node_id', '=', c.nodeId);
    if (c.region !== undefined) b = b.where('region', '=', c.region);
    if (c.vmId !== undefined) b = b.where('vm_id', '=', c.vmId);
    if (c.mode !== undefined) b = b.where('mode', '=', c.mode);
    if (c.version !== undefined) b = b.where('version', '=', c.version);
    if (scope.kind === 'where') b = b.where(scope.where);
    const rows = await b.orderBy('start_us', 'desc').limit(SCAN_BATCH).execute();
    const procs = needData ? await processes(rows.map((r) => Number(r.process_id))) : undefined;
    for (const r of rows) {
      scanned++;
      if (procs) {
        const d = JSON.parse(r.data) as SpanData;
        const process = procs.get(Number(r.process_id));
        if (!process || !matchesTags({ attributes: d.a, process }, split.other)) continue;
      }
      if (!seen.has(r.trace_id)) {
        seen.add(r.trace_id);
        found.push(r.trace_id);
        if (found.length >= q.limit) break outer;
      }
    }
    if (rows.length < SCAN_BATCH) break;
    if (scanned >= scanLimit) {
      truncated = true;
      break;
    }
    const last = Number(rows[rows.length - 1]!.start_us);
    upper = last === upper ? last - 1 : last;
  }
  return { ids: found, scanned, truncated };
}
