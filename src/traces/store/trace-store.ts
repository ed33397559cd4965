/**
 * The trace store: spans with their processes (resources) and operations, on SQLite or PostgreSQL through kysely
 * (tables in ./schema.ts, migrations in ./migrations.ts). Writes are batched multi-row inserts in one
 * transaction; a span already stored (same trace and span id) is ignored. Reads: a trace by id, trace search
 * over the indexes (./migrations.ts) with a bounded scan, service and operation names. Bounds: retention by
 * start time (in slices) and a span count cap; process and operation rows go with their last spans
 * (./last-seen.ts). Writes and retention run one at a time, so a prune never races a write's process ids.
 * Length (just over 400 lines): one job, the store's SQL for writes, search and retention on two dialects.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import { LruCache } from '../../store/lru-cache.ts';
import { matchesTags, splitTags, type TraceQuery } from '../query.ts';
import {
  indexFields,
  SPAN_KINDS,
  SPAN_STATUSES,
  type Attributes,
  type SpanProcess,
  type SpanRecord,
} from '../span.ts';
import { keepLatest, LAST_SEEN_REFRESH_US, LastSeen } from './last-seen.ts';
import type { TraceStoreDialect } from './migrations.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import type { TraceDatabase, TraceSpansTable } from './schema.ts';
import { spanScope } from './scope.ts';

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

const ROWS_PER_INSERT = 500;
const SCAN_BATCH = 1000;
const IDS_PER_READ = 500;
/** Names returned by `services` and `operations` at most. */
const MAX_NAMES = 10_000;
/** Retention deletes at most this much time per statement, µs (10 min). */
const RETENTION_SLICE_US = 600_000_000;

interface SpanData {
  readonly a: Attributes;
  readonly e: SpanRecord['events'];
  readonly l: SpanRecord['links'];
  readonly s: readonly [string, string];
  readonly m: string;
}

/** The span store of the monitor. */
export class TraceStore {
  readonly db: Kysely<TraceDatabase>;
  readonly dialect: TraceStoreDialect;
  private readonly opts: TraceStoreOptions;
  private readonly processByKey: LruCache<string, number>;
  private readonly processById: LruCache<number, SpanProcess>;
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
    this.processByKey = new LruCache(opts.processCacheSize ?? 10_000);
    this.processById = new LruCache(opts.processCacheSize ?? 10_000);
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
    const pids = await this.processIds(spans, procLatest);
    const rows = new Array<Insertable<TraceSpansTable>>(spans.length);
    for (let i = 0; i < spans.length; i++) {
      const s = spans[i]!;
      const f = indexFields(s);
      const kind = SPAN_KINDS.indexOf(s.kind);
      const data: SpanData = {
        a: s.attributes,
        e: s.events,
        l: s.links,
        s: [s.scope.name, s.scope.version],
        m: s.statusMessage,
      };
      rows[i] = {
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
        process_id: pids.get(s.process.key)!,
        data: JSON.stringify(data),
      };
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

  /** Process ids of the spans' resources, inserting new ones (last seen at their spans' latest start). */
  private async processIds(
    spans: readonly SpanRecord[],
    latest: ReadonlyMap<string, number>,
  ): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing = new Map<string, SpanProcess>();
    for (const s of spans) {
      const k = s.process.key;
      if (out.has(k) || missing.has(k)) continue;
      const id = this.processByKey.get(k);
      if (id !== undefined) out.set(k, id);
      else missing.set(k, s.process);
    }
    if (missing.size > 0) {
      const list = [...missing.values()];
      for (let i = 0; i < list.length; i += ROWS_PER_INSERT) {
        const chunk = list.slice(i, i + ROWS_PER_INSERT);
        await this.db
          .insertInto('trace_processes')
          .values(
            chunk.map((p) => ({
              key: p.key,
              service: p.service,
              attributes_json: JSON.stringify(p.attributes),
              last_seen_us: latest.get(p.key)!,
            })),
          )
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const found = await this.db
          .selectFrom('trace_processes')
          .select(['id', 'key'])
          .where(
            'key',
            'in',
            chunk.map((p) => p.key),
          )
          .execute();
        for (const r of found) {
          const id = Number(r.id);
          out.set(r.key, id);
          this.processByKey.set(r.key, id);
          this.processById.set(id, missing.get(r.key)!);
        }
      }
    }
    return out;
  }

  /** Processes by id (cached). */
  private async processes(ids: Iterable<number>): Promise<Map<number, SpanProcess>> {
    const out = new Map<number, SpanProcess>();
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const p = this.processById.get(id);
      if (p) out.set(id, p);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += IDS_PER_READ) {
      const rows = await this.db
        .selectFrom('trace_processes')
        .selectAll()
        .where('id', 'in', missing.slice(i, i + IDS_PER_READ))
        .execute();
      for (const r of rows) {
        const p: SpanProcess = {
          service: r.service,
          attributes: JSON.parse(r.attributes_json) as Attributes,
          key: r.key,
        };
        const id = Number(r.id);
        out.set(id, p);
        this.processById.set(id, p);
        this.processByKey.set(r.key, id);
      }
    }
    return out;
  }

  private toSpans(rows: readonly TraceSpansRow[], procs: Map<number, SpanProcess>): SpanRecord[] {
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
    const procs = await this.processes(rows.map((r) => Number(r.process_id)));
    const out = new Map<string, SpanRecord[]>();
    for (const s of this.toSpans(rows, procs)) {
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
    const split = splitTags(q.tags, q.status);
    const scope = spanScope(q.scope);
    if (split.impossible || scope.kind === 'none') return { traces: [], scanned: 0, truncated: false };
    const needData = Object.keys(split.other).length > 0;
    const scanLimit = this.opts.searchScanLimit ?? 200_000;
    const found: string[] = [];
    const seen = new Set<string>();
    let upper = q.endUs;
    let scanned = 0;
    let truncated = false;
    const c = split.columns;
    const status = split.status === undefined ? undefined : SPAN_STATUSES.indexOf(split.status);
    outer: for (;;) {
      // Without attribute filters only the trace id and start are read, so a covering index answers alone.
      let b = this.db
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
      const procs = needData ? await this.processes(rows.map((r) => Number(r.process_id))) : undefined;
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
    const byId = await this.getTraces(found);
    return {
      traces: found.map((id) => byId.get(id)).filter((t): t is SpanRecord[] => t !== undefined),
      scanned,
      truncated,
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
    let deleted = await this.deleteOlderThan(nowMs);
    const max = this.opts.maxSpans ?? 10_000_000;
    const count = await this.spanCount();
    if (count > max) {
      const cut = await this.db
        .selectFrom('trace_spans')
        .select('start_us')
        .orderBy('start_us')
        .offset(count - max)
        .limit(1)
        .executeTakeFirst();
      if (cut !== undefined) {
        const r = await this.db
          .deleteFrom('trace_spans')
          .where('start_us', '<', Number(cut.start_us))
          .executeTakeFirst();
        deleted += Number(r.numDeletedRows);
        cutUs = Math.max(cutUs, Number(cut.start_us));
      }
    }
    const before = cutUs - LAST_SEEN_REFRESH_US;
    const ops = await this.db
      .deleteFrom('trace_operations')
      .where('last_seen_us', '<', before)
      .executeTakeFirst();
    const procs = await this.db
      .deleteFrom('trace_processes')
      .where('last_seen_us', '<', before)
      .executeTakeFirst();
    if (Number(ops.numDeletedRows) + Number(procs.numDeletedRows) > 0) {
      this.processByKey.clear();
      this.processById.clear();
      this.processSeen.clear();
      this.operationSeen.clear();
    }
    return deleted;
  }

  private async deleteOlderThan(nowMs: number): Promise<number> {
    const cutoff = (nowMs - this.opts.retentionMs) * 1000;
    const first = await this.db
      .selectFrom('trace_spans')
      .select(sql<number | string | null>`min(start_us)`.as('m'))
      .executeTakeFirst();
    if (first?.m === null || first?.m === undefined) return 0;
    let deleted = 0;
    for (let from = Number(first.m); from < cutoff; from += RETENTION_SLICE_US) {
      const r = await this.db
        .deleteFrom('trace_spans')
        .where('start_us', '<', Math.min(cutoff, from + RETENTION_SLICE_US))
        .executeTakeFirst();
      deleted += Number(r.numDeletedRows);
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

type TraceSpansRow = {
  [K in keyof TraceSpansTable]: TraceSpansTable[K] extends { __select__: infer S } ? S : TraceSpansTable[K];
};
