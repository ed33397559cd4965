/**
 * The trace store: spans with their processes (resources) and operations, on SQLite or PostgreSQL through kysely
 * (tables in ./schema.ts, migrations in ./migrations.ts). Writes are batched multi-row inserts in one
 * transaction; a span already stored (same trace and span id) is ignored. Reads: a trace by id, trace search
 * over the indexes (./search.ts) with a bounded scan, service and operation names. Bounds: retention by
 * start time (in slices) and a span count cap (./retention.ts); process and operation rows go with their last
 * spans (./last-seen.ts). Writes and retention run one at a time, so a prune never races a write's process ids.
 * Spans as rows: ./span-rows.ts; process rows and their caches: ./processes.ts.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { TraceQuery } from '../query.ts';
import type { SpanRecord } from '../span.ts';
import { ROWS_PER_INSERT, IDS_PER_READ } from './batches.ts';
import { keepLatest, LAST_SEEN_REFRESH_US, LastSeen } from './last-seen.ts';
import type { TraceStoreDialect } from './migrations.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { TraceProcesses } from './processes.ts';
import { deleteSpansBefore, deleteSpansBeyond, deleteUnseenBefore } from './retention.ts';
import type { TraceDatabase, TraceSpansTable } from './schema.ts';
import { scanTraceIds } from './search.ts';
import { spanScope } from './scope.ts';
import { rowsToSpans, spanRow, type TraceSpansRow } from './span-rows.ts';

/** Options of {@link TraceStore}. */
export interface TraceStoreOptions {
  /** Spans older than this (by start) are deleted by `applyRetention`, ms. */
  readonly retentionMs: number;
  /** Spans kept at most: `applyRetention` deletes the oldest beyond it (default 10 000 000). */
  readonly maxSpans?: number;
  /** Span rows one search reads at most before it stops (and reports `truncated`). */
  readonly searchScanLimit?: number;
  /** Processes (resources) cached by key and by id. */
  readonly processCacheSize?: number;
}

/** Result of a search. */
export interface TraceSearchResult {
  /** The matching traces, most recent match first; each trace's spans in any order. */
  readonly traces: SpanRecord[][];
  /** Span rows read. */
  readonly scanned: number;
  /** True when the scan limit stopped the search before `limit` traces were found. */
  readonly truncated: boolean;
}

/** Names returned by `services` and `operations` at most. */
const MAX_NAMES = 10_000;

/** The span store of the monitor. */
export class TraceStore {
  readonly db: Kysely<TraceDatabase>;
  readonly dialect: TraceStoreDialect;
  private readonly opts: TraceStoreOptions;
  private readonly processes: TraceProcesses;
  private readonly processSeen: LastSeen;
  private readonly operationSeen: LastSeen;
  private readonly onClose: (() => Promise<void>) | undefined;
  private closed = false;
  /** The last write or retention run queued (they run one at a time). */
  private queue: Promise<unknown> = Promise.resolve();

  /** @throws InvalidInputError on a non-positive retention. */
  constructor(
    db: Kysely<TraceDatabase>,
    dialect: TraceStoreDialect,
    opts: TraceStoreOptions,
    onClose?: () => Promise<void>,
  ) {
    if (!(opts.retentionMs > 0))
      throw new InvalidInputError(`trace retention must be > 0, got ${opts.retentionMs}`);
    if (opts.maxSpans !== undefined && !(Number.isSafeInteger(opts.maxSpans) && opts.maxSpans > 0))
      throw new InvalidInputError(`maxSpans must be a positive integer, got ${opts.maxSpans}`);
    this.db = db;
    this.dialect = dialect;
    this.opts = opts;
    this.processes = new TraceProcesses(db, opts.processCacheSize ?? 10_000);
    this.processSeen = new LastSeen(opts.processCacheSize ?? 10_000);
    this.operationSeen = new LastSeen(opts.processCacheSize ?? 10_000);
    this.onClose = onClose;
  }

  /** Runs `fn` after every write or retention run queued before it. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Stores spans (and their processes) in one transaction; spans already stored are skipped.
   * @returns the number of spans written
   * @throws StoreError-like driver errors on backend failure (nothing of the batch is stored)
   */
  async insertSpans(spans: readonly SpanRecord[]): Promise<number> {
    if (spans.length === 0) return 0;
    return this.exclusive(() => this.insertNow(spans));
  }

  private async insertNow(spans: readonly SpanRecord[]): Promise<number> {
    const procLatest = new Map<string, number>();
    const opLatest = new Map<string, number>();
    for (const s of spans) {
      keepLatest(procLatest, s.process.key, s.startUs);
      keepLatest(opLatest, `${s.process.service}\u0000${s.name}`, s.startUs);
    }
    const pids = await this.processes.ids(spans, procLatest);
    const rows = new Array<Insertable<TraceSpansTable>>(spans.length);
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      rows[i] = spanRow(s, pids.get(s.process.key)!);
    }
    const procsDue = this.processSeen.due(procLatest);
    const opsDue = this.operationSeen.due(opLatest);
    const written = await this.db.transaction().execute(async (trx) => {
      let n = 0;
      for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
        const r = await trx
          .insertInto('trace_spans')
          .values(rows.slice(i, i + ROWS_PER_INSERT))
          .onConflict((oc) => oc.columns(['trace_id', 'span_id']).doNothing())
          .executeTakeFirst();
        n += Number(r.numInsertedOrUpdatedRows ?? 0);
      }
      const later = sql<number>`case when excluded.last_seen_us > trace_operations.last_seen_us then excluded.last_seen_us else trace_operations.last_seen_us end`;
      const ops = [...opsDue].map(([k, t]) => {
        const cut = k.indexOf('\u0000');
        return { service: k.slice(0, cut), operation: k.slice(cut + 1), last_seen_us: t };
      });
      for (let i = 0; i < ops.length; i += ROWS_PER_INSERT) {
        await trx
          .insertInto('trace_operations')
          .values(ops.slice(i, i + ROWS_PER_INSERT))
          .onConflict((oc) => oc.columns(['service', 'operation']).doUpdateSet({ last_seen_us: later }))
          .execute();
      }
      for (const [key, t] of procsDue) {
        await trx
          .updateTable('trace_processes')
          .set({ last_seen_us: sql<number>`case when last_seen_us < ${t} then ${t} else last_seen_us end` })
          .where('key', '=', key)
          .execute();
      }
      return n;
    });
    this.processSeen.commit(procsDue);
    this.operationSeen.commit(opsDue);
    return written;
  }

  /** The spans of one trace (empty when unknown). @throws InvalidInputError for an id that is not 32 hex digits. */
  async getTrace(traceId: string): Promise<SpanRecord[]> {
    if (!/^[0-9a-f]{32}$/.test(traceId))
      throw new InvalidInputError(`trace id must be 32 lowercase hex digits, got ${JSON.stringify(traceId)}`);
    return (await this.getTraces([traceId])).get(traceId) ?? [];
  }

  /** The spans of several traces, by trace id (unknown ids are absent). */
  async getTraces(traceIds: readonly string[]): Promise<Map<string, SpanRecord[]>> {
    const rows: TraceSpansRow[] = [];
    for (let i = 0; i < traceIds.length; i += IDS_PER_READ) {
      rows.push(
        ...(await this.db
          .selectFrom('trace_spans')
          .selectAll()
          .where('trace_id', 'in', traceIds.slice(i, i + IDS_PER_READ))
          .execute()),
      );
    }
    const procs = await this.processes.byIds(rows.map((r) => Number(r.process_id)));
    const out = new Map<string, SpanRecord[]>();
    for (const s of rowsToSpans(rows, procs)) {
      let list = out.get(s.traceId);
      if (!list) out.set(s.traceId, (list = []));
      list.push(s);
    }
    return out;
  }

  /**
   * Traces with at least one span matching every filter of `q`, most recent match first, at most `q.limit`.
   * Reads span rows newest first through the best index for the filters, at most `searchScanLimit` rows.
   * @throws InvalidInputError for a limit outside 1..10000 or end before start
   */
  async search(q: TraceQuery): Promise<TraceSearchResult> {
    if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 10_000)
      throw new InvalidInputError(`limit must be in 1..10000, got ${q.limit}`);
    if (q.endUs < q.startUs) throw new InvalidInputError('end must not be before start');
    const scan = await scanTraceIds(this.db, q, this.opts.searchScanLimit ?? 200_000, (ids) =>
      this.processes.byIds(ids),
    );
    const byId = await this.getTraces(scan.ids);
    return {
      traces: scan.ids.map((id) => byId.get(id)).filter((t): t is SpanRecord[] => t !== undefined),
      scanned: scan.scanned,
      truncated: scan.truncated,
    };
  }

  /**
   * Services with an operation row (spans within the retention), sorted, at most 10 000; with a tenant `scope`,
   * the services with a stored span on its nodes or regions (read from the spans).
   */
  async services(scope?: TenantScope): Promise<string[]> {
    const s = spanScope(scope);
    if (s.kind === 'none') return [];
    if (s.kind === 'where')
      return (
        await this.db
          .selectFrom('trace_spans')
          .select('service')
          .distinct()
          .where(s.where)
          .orderBy('service')
          .limit(MAX_NAMES)
          .execute()
      ).map((r) => r.service);
    const rows = await this.db
      .selectFrom('trace_operations')
      .select('service')
      .distinct()
      .orderBy('service')
      .limit(MAX_NAMES)
      .execute();
    return rows.map((r) => r.service);
  }

  /** Operation names of a service (spans within the retention), sorted, at most 10 000; scoped as {@link services}. */
  async operations(service: string, scope?: TenantScope): Promise<string[]> {
    const s = spanScope(scope);
    if (s.kind === 'none') return [];
    if (s.kind === 'where')
      return (
        await this.db
          .selectFrom('trace_spans')
          .select('operation')
          .distinct()
          .where('service', '=', service)
          .where(s.where)
          .orderBy('operation')
          .limit(MAX_NAMES)
          .execute()
      ).map((r) => r.operation);
    const rows = await this.db
      .selectFrom('trace_operations')
      .select('operation')
      .where('service', '=', service)
      .orderBy('operation')
      .limit(MAX_NAMES)
      .execute();
    return rows.map((r) => r.operation);
  }

  /** Spans stored. */
  async spanCount(): Promise<number> {
    const r = await this.db
      .selectFrom('trace_spans')
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Deletes spans that started before `nowMs − retentionMs`, oldest first in slices of 10 minutes of start time,
   * then the oldest spans beyond `maxSpans` (whole start times: spans sharing the cut-off start are kept), then
   * the process and operation rows whose last span went (last seen a minute before the cut-off or earlier).
   * @returns spans deleted
   */
  applyRetention(nowMs: number): Promise<number> {
    return this.exclusive(() => this.retainNow(nowMs));
  }

  private async retainNow(nowMs: number): Promise<number> {
    let cutUs = (nowMs - this.opts.retentionMs) * 1000;
    let deleted = await deleteSpansBefore(this.db, cutUs);
    const cap = await deleteSpansBeyond(this.db, await this.spanCount(), this.opts.maxSpans ?? 10_000_000);
    if (cap !== undefined) {
      deleted += cap.deleted;
      cutUs = Math.max(cutUs, cap.cutUs);
    }
    if ((await deleteUnseenBefore(this.db, cutUs - LAST_SEEN_REFRESH_US)) > 0) {
      this.processes.clear();
      this.processSeen.clear();
      this.operationSeen.clear();
    }
    return deleted;
  }

  /** Closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.onClose?.();
  }
}
