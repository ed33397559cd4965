/**
 * The log store: masked log entries, each carrying the id of its stream (one row per label set, ./streams.ts,
 * as Loki keys its chunks), on SQLite (FTS5) or PostgreSQL (tsvector + GIN) through kysely (tables in
 * ./schema.ts, migrations in ./migrations.ts). One job per file: writes of batches in ./log-writer.ts, reads of
 * entries in ./log-scan.ts, entry counts per stream and time bucket in ./counts.ts, retention and the caps in
 * ./log-retention.ts; this file holds the store's options, the stream lookups they share, and label names and
 * values from the streams with entries in a range. API shapes in ./log-types.ts, shared SQL pieces and the row
 * mapping in ./log-rows.ts.
 */
import { sql, type Kysely, type SqlBool } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { LOG_LABELS, LOG_LEVELS, type LogLabelName, type LogRecord } from '../record.ts';
import type { LogStoreDialect } from './migrations.ts';
import { streamHasEntries } from './log-rows.ts';
import { applyRetention } from './log-retention.ts';
import { LogScanner } from './log-scan.ts';
import type {
  LogInsertResult,
  LogScan,
  LogScanResult,
  LogStoreBackend,
  LogStoreOptions,
} from './log-types.ts';
import { LogWriter } from './log-writer.ts';
import { DEFAULT_MAX_GROUP_ENTRIES, DEFAULT_MAX_QUEUED_ENTRIES } from './group-commit.ts';
import type { LogDatabase } from './schema.ts';
import { scopeSql } from './scope.ts';
import { DEFAULT_MAX_STREAMS, streamConditions, type LabelSet, type StreamLabelValues } from './streams.ts';

export type { LabelSet } from './streams.ts';
export type {
  LogInsertResult,
  LogScan,
  LogScanResult,
  LogStoreBackend,
  LogStoreOptions,
  StoredLog,
} from './log-types.ts';
export { containsConditions, streamIdCondition, textTokens } from './log-rows.ts';

/** The log store of the monitor. */
export class LogStore {
  readonly db: Kysely<LogDatabase>;
  readonly dialect: LogStoreDialect;
  private readonly opts: LogStoreOptions;
  private readonly onClose: (() => Promise<void>) | undefined;
  private closed = false;
  private readonly writer: LogWriter;
  private readonly scanner: LogScanner;

  /** @throws InvalidInputError on a non-positive retention, entry cap, stream cap or write queue bound. */
  constructor(
    db: Kysely<LogDatabase>,
    backend: LogStoreBackend,
    opts: LogStoreOptions,
    onClose?: () => Promise<void>,
  ) {
    for (const l of LOG_LEVELS)
      if (!(opts.retentionMs[l] > 0))
        throw new InvalidInputError(`log retention of ${l} must be > 0, got ${opts.retentionMs[l]}`);
    if (opts.maxEntries !== undefined && !(Number.isSafeInteger(opts.maxEntries) && opts.maxEntries > 0))
      throw new InvalidInputError(`maxEntries must be a positive integer, got ${opts.maxEntries}`);
    if (opts.maxStreams !== undefined && !(Number.isSafeInteger(opts.maxStreams) && opts.maxStreams > 0))
      throw new InvalidInputError(`maxStreams must be a positive integer, got ${opts.maxStreams}`);
    for (const k of ['maxQueuedEntries', 'maxGroupEntries'] as const) {
      const v = opts[k];
      if (v !== undefined && !(Number.isSafeInteger(v) && v > 0))
        throw new InvalidInputError(`${k} must be a positive integer, got ${v}`);
    }
    this.db = db;
    this.dialect = backend.dialect;
    this.writer = new LogWriter(db, backend, opts.maxStreams ?? DEFAULT_MAX_STREAMS, {
      maxQueuedEntries: opts.maxQueuedEntries ?? DEFAULT_MAX_QUEUED_ENTRIES,
      maxGroupEntries: opts.maxGroupEntries ?? DEFAULT_MAX_GROUP_ENTRIES,
    });
    this.scanner = new LogScanner(db, backend.dialect, this);
    this.opts = opts;
    this.onClose = onClose;
  }

  /**
   * Stores entries in one transaction (see {@link storeLogs}).
   * @returns the number of entries written
   * @throws driver errors on backend failure (nothing of the batch is stored)
   */
  async insertLogs(records: readonly LogRecord[]): Promise<number> {
    return (await this.storeLogs(records)).stored;
  }

  /**
   * Stores entries in one transaction; entries of a new label set are refused while `maxStreams` streams exist
   * (the others are stored).
   * @throws driver errors on backend failure (nothing of the batch is stored)
   */
  async storeLogs(records: readonly LogRecord[]): Promise<LogInsertResult> {
    return this.writer.storeLogs(records);
  }

  /** Number of streams (label sets) stored. */
  async streamCount(): Promise<number> {
    return this.writer.streamCount();
  }

  /**
   * The ids of the streams matching label sets and, when given, a tenant scope (undefined when there are no
   * conditions: every stream).
   */
  async streamIdsFor(labels: readonly LabelSet[], scope?: TenantScope): Promise<number[] | undefined> {
    const conds = [...(streamConditions(labels) ?? []), ...scopeSql(scope)];
    if (conds.length === 0) return undefined;
    const rows = await this.db
      .selectFrom('log_streams as s')
      .select('s.id')
      .where((eb) => eb.and(conds))
      .orderBy('s.id')
      .execute();
    return rows.map((r) => Number(r.id));
  }

  /**
   * Reads entries in time order (see {@link LogScan}). On SQLite, a backward scan with words over a range that
   * reaches the latest stored entry walks the full-text index newest-first by entry id (arrival order) instead:
   * it reads only matching entries, in pages, and stops at `limit` — a common word costs what its newest
   * `limit` matches cost, not all of its matches. The entries found are returned in time order; they are the
   * latest-arrived matches, which differ from the latest by timestamp only for entries that arrived out of order.
   */
  async scan(q: LogScan): Promise<LogScanResult> {
    return this.scanner.scan(q);
  }

  /** Indexed label names with at least one non-empty value in `[startUs, endUs)` (of entries in `scope`, when given). */
  async labelNames(startUs: number, endUs: number, scope?: TenantScope): Promise<LogLabelName[]> {
    const out: LogLabelName[] = [];
    const scoped = scopeSql(scope);
    for (const label of LOG_LABELS) {
      const r = await this.db
        .selectFrom('log_streams as s')
        .select('s.id')
        .where(sql<SqlBool>`${sql.ref(`s.${label}`)} <> ''`)
        .where((eb) => eb.and(scoped))
        .where(streamHasEntries(startUs, endUs))
        .limit(1)
        .executeTakeFirst();
      if (r !== undefined) out.push(label);
    }
    return out;
  }

  /** Distinct non-empty values of a label in `[startUs, endUs)` (of entries in `scope`, when given), sorted, at most `limit`. */
  async labelValues(
    label: LogLabelName,
    startUs: number,
    endUs: number,
    limit: number,
    scope?: TenantScope,
  ): Promise<string[]> {
    const rows = await this.db
      .selectFrom('log_streams as s')
      .select(sql.ref<string>(`s.${label}`).as('v'))
      .distinct()
      .where(sql<SqlBool>`${sql.ref(`s.${label}`)} <> ''`)
      .where((eb) => eb.and(scopeSql(scope)))
      .where(streamHasEntries(startUs, endUs))
      .orderBy('v')
      .limit(limit)
      .execute();
    return rows.map((r) => r.v);
  }

  /**
   * The label sets of the streams matching any of `selectors` (each a conjunction of label sets; an empty one
   * matches every stream) with an entry in `[startUs, endUs)` and, when given, in `scope`; in stream id order, at
   * most `limit`.
   */
  async streamLabelSets(
    selectors: readonly (readonly LabelSet[])[],
    startUs: number,
    endUs: number,
    limit: number,
    scope?: TenantScope,
  ): Promise<StreamLabelValues[]> {
    if (selectors.length === 0) return [];
    const rows = await this.db
      .selectFrom('log_streams as s')
      .select(['s.id', 's.service', 's.node_id', 's.region', 's.level', 's.component'])
      .where((eb) => eb.or(selectors.map((labels) => eb.and(streamConditions(labels) ?? []))))
      .where((eb) => eb.and(scopeSql(scope)))
      .where(streamHasEntries(startUs, endUs))
      .orderBy('s.id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      service: r.service,
      node_id: r.node_id,
      region: r.region,
      level: r.level,
      component: r.component,
    }));
  }

  /** Number of stored entries. */
  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('log_entries')
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Deletes entries older than their level's retention (in slices of 10 minutes), then the oldest beyond
   * `maxEntries`, then the streams left without entries.
   * @returns entries deleted
   */
  async applyRetention(nowMs: number): Promise<number> {
    return applyRetention(
      {
        db: this.db,
        dialect: this.dialect,
        streamIdsFor: (labels) => this.streamIdsFor(labels),
        count: () => this.count(),
        streamsRemoved: () => this.writer.reloadStreams(),
      },
      this.opts,
      nowMs,
    );
  }

  /** Closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.onClose?.();
  }
}
