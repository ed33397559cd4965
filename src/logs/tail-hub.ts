/**
 * The live-tail fan-out: every stored log entry is offered to each tail subscription, whose LogQL log query
 * (selector and pipeline, as in query_range) decides whether it is sent. Each subscription buffers at most
 * `maxBufferedEntries` entries until its client takes them; when the buffer is full (the client is slow) new
 * entries are dropped and counted, and the first `maxDroppedReported` of them are reported to the client as
 * Loki's `dropped_entries`; the hub's `onDropped` callback hears every drop (the monitor counts them in
 * `dwcp_monitor_log_tail_entries_dropped_total`). At most `maxClients` subscriptions exist at once.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#stream-logs
 */
import type { LokiTailMessage } from '../contract/logs.ts';
import { InvalidInputError, LimitExceededError } from '../errors.ts';
import type { LogQuery } from './logql/ast.ts';
import { parseLogql } from './logql/parser.ts';
import { compilePipeline, isIndexedLabel, matcherTest, type PipelineResult } from './logql/pipeline.ts';
import { allowsNode, ALL_NODES, type TenantScope } from '../model/tenant-scope.ts';
import { labelValue, type LogRecord } from './record.ts';

/** Bounds of the hub. */
export interface LogTailLimits {
  /** Tail subscriptions at once. */
  readonly maxClients: number;
  /** Entries one subscription holds before its client takes them; more are dropped. */
  readonly maxBufferedEntries: number;
  /** Dropped entries named (labels, time) per message; further drops are only counted. */
  readonly maxDroppedReported: number;
}

/** Defaults: 64 clients, 5000 buffered entries (Loki's per-query entry limit), 100 dropped entries named. */
export const DEFAULT_LOG_TAIL_LIMITS: LogTailLimits = {
  maxClients: 64,
  maxBufferedEntries: 5000,
  maxDroppedReported: 100,
};

interface Pending extends PipelineResult {
  readonly timeUs: number;
}

/** Loki's stream key: the labels in name order. */
function streamKey(labels: Record<string, string>): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}

/** Unix µs as Loki's Unix ns string. */
function nsString(us: number): string {
  return `${us}000`;
}

/**
 * A log query as one function over records: the tenant scope (entries of its nodes or regions; '' names none),
 * the selector's matchers on indexed labels (the store applies both in SQL for range queries; here nothing else
 * does), then {@link compilePipeline}.
 */
function compileTail(q: LogQuery, scope: TenantScope): (r: LogRecord) => PipelineResult | undefined {
  const indexed = q.selector.flatMap((m) =>
    isIndexedLabel(m.name) ? [{ name: m.name, test: matcherTest(m) }] : [],
  );
  const pipeline = compilePipeline(q);
  const inScope = (r: LogRecord) =>
    scope.kind === 'all' ||
    allowsNode(scope, r.nodeId === '' ? null : r.nodeId, r.region === '' ? null : r.region);
  return (r) => (inScope(r) && indexed.every((m) => m.test(labelValue(r, m.name))) ? pipeline(r) : undefined);
}

/** One client's view of the hub: its query, its buffer and its drop counts. */
export class LogTailSubscription {
  /** The parsed log query. */
  readonly query: LogQuery;
  private readonly run: (r: LogRecord) => PipelineResult | undefined;
  private readonly limits: LogTailLimits;
  private readonly onEntries: () => void;
  private readonly detach: (s: LogTailSubscription) => void;
  private readonly onDropped: (n: number) => void;
  private buffer: Pending[] = [];
  private dropped: { labels: Record<string, string>; timestamp: string }[] = [];
  private droppedCount = 0;
  private closed = false;

  /** @internal created by {@link LogTailHub.subscribe} */
  constructor(
    query: LogQuery,
    limits: LogTailLimits,
    onEntries: () => void,
    detach: (s: LogTailSubscription) => void,
    onDropped: (n: number) => void = () => undefined,
    scope: TenantScope = ALL_NODES,
  ) {
    this.query = query;
    this.onDropped = onDropped;
    this.run = compileTail(query, scope);
    this.limits = limits;
    this.onEntries = onEntries;
    this.detach = detach;
  }

  /** Entries waiting to be taken. */
  get pending(): number {
    return this.buffer.length;
  }

  /** Entries dropped for this client since it subscribed (named or not). */
  get droppedTotal(): number {
    return this.droppedCount;
  }

  /** @internal offers stored entries; calls `onEntries` once when at least one was buffered or dropped */
  offer(records: readonly LogRecord[]): void {
    if (this.closed) return;
    let changed = false;
    let dropped = 0;
    for (const r of records) {
      const out = this.run(r);
      if (out === undefined) continue;
      changed = true;
      if (this.buffer.length < this.limits.maxBufferedEntries) {
        this.buffer.push({ ...out, timeUs: r.timeUs });
        continue;
      }
      this.droppedCount++;
      dropped++;
      if (this.dropped.length < this.limits.maxDroppedReported)
        this.dropped.push({ labels: out.labels, timestamp: nsString(r.timeUs) });
    }
    if (dropped > 0) this.onDropped(dropped);
    if (changed) this.onEntries();
  }

  /**
   * Takes the buffered entries (oldest first, grouped in streams) and the dropped entries to report; both are
   * emptied. `skip` leaves out entries the client already has (e.g. from its history query).
   */
  take(skip?: (timeUs: number, labels: Record<string, string>, line: string) => boolean): LokiTailMessage {
    const streams = new Map<string, { stream: Record<string, string>; values: [string, string][] }>();
    for (const e of this.buffer.sort((a, b) => a.timeUs - b.timeUs)) {
      if (skip?.(e.timeUs, e.labels, e.line) === true) continue;
      const key = streamKey(e.labels);
      let s = streams.get(key);
      if (!s) streams.set(key, (s = { stream: e.labels, values: [] }));
      s.values.push([nsString(e.timeUs), e.line]);
    }
    const message = { streams: [...streams.values()], dropped_entries: this.dropped };
    this.buffer = [];
    this.dropped = [];
    return message;
  }

  /** Leaves the hub (idempotent); buffered entries are discarded. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer = [];
    this.dropped = [];
    this.detach(this);
  }
}

/** Fans stored log entries out to live-tail subscriptions. */
export class LogTailHub {
  readonly limits: LogTailLimits;
  private readonly subs = new Set<LogTailSubscription>();
  private droppedByClosed = 0;
  private readonly onDropped: (n: number) => void;

  /**
   * `onDropped` is called with the number of entries dropped for one client each time some are (it must not throw).
   * @throws InvalidInputError when a limit is not a positive integer
   */
  constructor(limits: Partial<LogTailLimits> = {}, onDropped: (n: number) => void = () => undefined) {
    this.limits = { ...DEFAULT_LOG_TAIL_LIMITS, ...limits };
    this.onDropped = onDropped;
    for (const [k, v] of Object.entries(this.limits)) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new InvalidInputError(`log tail limit ${k} must be a positive integer, got ${String(v)}`);
    }
  }

  /** Subscriptions open now. */
  get clients(): number {
    return this.subs.size;
  }

  /** Entries dropped for slow clients since the hub started (closed subscriptions included). */
  get droppedTotal(): number {
    let n = this.droppedByClosed;
    for (const s of this.subs) n += s.droppedTotal;
    return n;
  }

  /**
   * Parses a LogQL log query without subscribing.
   * @throws LogqlParseError (400) when it does not parse; InvalidInputError (400) for a metric query
   */
  parse(query: string): LogQuery {
    const q = parseLogql(query);
    if (q.kind !== 'log')
      throw new InvalidInputError(
        'tail takes a log query (a stream selector and pipeline), not a metric query',
      );
    return q;
  }

  /**
   * Opens a subscription that sees the entries of `scope` only (default every entry); `onEntries` is called
   * (synchronously, inside {@link publish}) whenever entries were buffered or dropped for it.
   * @throws as {@link parse}; LimitExceededError when `maxClients` subscriptions are open
   */
  subscribe(query: string, onEntries: () => void, scope: TenantScope = ALL_NODES): LogTailSubscription {
    const q = this.parse(query);
    if (this.subs.size >= this.limits.maxClients)
      throw new LimitExceededError(`log tail already has its maximum of ${this.limits.maxClients} clients`);
    const sub = new LogTailSubscription(
      q,
      this.limits,
      onEntries,
      (s) => {
        if (this.subs.delete(s)) this.droppedByClosed += s.droppedTotal;
      },
      this.onDropped,
      scope,
    );
    this.subs.add(sub);
    return sub;
  }

  /** Offers entries just stored (already masked) to every subscription. */
  publish(records: readonly LogRecord[]): void {
    if (records.length === 0) return;
    for (const s of this.subs) s.offer(records);
  }
}
