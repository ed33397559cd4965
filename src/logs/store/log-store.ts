/**
 * The log store: masked log entries, each carrying the id of its stream (one row per label set, ./streams.ts,
 * as Loki keys its chunks), on SQLite (FTS5) or PostgreSQL (tsvector + GIN) through kysely (tables in
 * ./schema.ts, migrations in ./migrations.ts). Writes are one transaction per batch: on SQLite a prepared
 * statement per entry row (stream ids from an in-memory map of every stream, new streams added in the same
 * transaction), then one statement filling the batch's FTS rows from the rows just written, on the
 * better-sqlite3 connection under kysely while holding kysely's connection; on PostgreSQL the batch's streams
 * looked up (or added) by fingerprint, then multi-row inserts. Reads: label matchers resolve to stream ids, then
 * a keyset-paginated scan in time order by stream id and time (in time windows sized from the entry density, growing while they
 * hold few rows, so a page sorts about a window's rows) or along the time index when the streams are most of them; a JS
 * predicate for what SQL does not filter (line filters, parsed labels) and a bound on rows read; entry counts per
 * stream and time bucket aggregated in SQL (./counts.ts); label names and values from the streams with entries
 * in a range. Bounds: retention per level (in slices), an entry count cap and a stream cap (entries of a new
 * label set beyond it are refused and reported).
 * API shapes in ./log-types.ts, shared SQL pieces and the row mapping in ./log-rows.ts.
 * Length (about 500 lines): one job, the store's SQL on two dialects; splitting reads from writes would split the
 * SQLite fast path (the in-memory stream map) they both rely on.
 */
import {
  sql,
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type SqlBool,
  type Transaction,
} from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { LOG_LABELS, LOG_LEVELS, type LogLabelName, type LogRecord } from '../record.ts';
import type { LogStoreDialect } from './migrations.ts';
import {
  attrsJson,
  containsConditions,
  ROW_COLUMNS,
  streamHasEntries,
  streamIdCondition,
  textTokens,
  toRecord,
  type EntriesDb,
  type EntriesStreamsDb,
  type Row,
  type StreamFilter,
} from './log-rows.ts';
import type {
  LogInsertResult,
  LogScan,
  LogScanResult,
  LogStoreBackend,
  LogStoreOptions,
  StoredLog,
} from './log-types.ts';
import type { LogDatabase } from './schema.ts';
import { scopeSql } from './scope.ts';
import {
  DEFAULT_MAX_STREAMS,
  streamColumnsOf,
  streamConditions,
  streamFingerprint,
  streamKeyOf,
  streamKeyOfRow,
  type LabelSet,
  type StreamLabelValues,
  type StreamRow,
} from './streams.ts';

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

const ROWS_PER_INSERT = 400;
const PAGE = 1000;
/** Smallest page of a time-ordered scan. */
const MIN_PAGE = 100;
/**
 * Full-text matches counted (at most) before a scan with streams and `contains` picks its plan: fewer, and the
 * index's matches are read; as many, and the streams' rows are walked with the substrings checked in SQL.
 */
const FTS_PROBE = 4 * PAGE;
/**
 * Entries (of all streams) a window of a scan by stream spans at most: each stream of the scan walks the window's
 * stretch of the table, which should stay in SQLite's page cache (64 MiB) for the next stream (~20 MB here).
 */
const MAX_WINDOW_ENTRIES = 50_000;
/** Streams of at least this share of all streams are read along the time index instead of by stream. */
const TIME_INDEX_SHARE = 0.25;

/** Retention deletes at most this much time per statement, µs (10 min). */
const RETENTION_SLICE_US = 600_000_000;

/** The log store of the monitor. */
export class LogStore {
  readonly db: Kysely<LogDatabase>;
  readonly dialect: LogStoreDialect;
  private readonly opts: LogStoreOptions;
  private readonly maxStreams: number;
  private readonly onClose: (() => Promise<void>) | undefined;
  private nextId: number | undefined;
  private closed = false;
  /** SQLite: stream id by label-set key, every stream of the store (at most `maxStreams`). */
  private readonly streamIds = new Map<string, number>();
  /** SQLite: one batch of records, ids from `first` on, in one transaction; returns the entries written. */
  private readonly sqliteInsert:
    | ((records: readonly LogRecord[], first: number, added: string[], dropped: number[]) => number)
    | undefined;
  /** SQLite: reloads {@link streamIds} from the stream table. */
  private readonly loadStreams: (() => void) | undefined;

  /** @throws InvalidInputError on a non-positive retention, entry cap or stream cap. */
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
    this.db = db;
    this.dialect = backend.dialect;
    this.maxStreams = opts.maxStreams ?? DEFAULT_MAX_STREAMS;
    if (backend.dialect === 'sqlite') {
      const { raw } = backend;
      const entry = raw.prepare(
        'insert into log_entries (id, time_us, stream_id, trace_id, span_id, body, attrs) values (?, ?, ?, ?, ?, ?, ?)',
      );
      // the batch's FTS rows in one statement from the rows just written (ids are consecutive): the bodies are
      // not bound a second time and FTS5 takes them in one call
      const fts = raw.prepare(
        'insert into log_fts (rowid, body) select id, body from log_entries where id >= ? and id <= ?',
      );
      const addStream = raw.prepare(
        'insert into log_streams (fingerprint, service, node_id, region, level, component) values (?, ?, ?, ?, ?, ?)',
      );
      const allStreams = raw.prepare(
        'select id, service, node_id, region, level, component from log_streams',
      );
      this.loadStreams = () => {
        this.streamIds.clear();
        for (const r of allStreams.all() as StreamRow[]) this.streamIds.set(streamKeyOfRow(r), Number(r.id));
      };
      this.loadStreams();
      this.sqliteInsert = raw.transaction(
        (records: readonly LogRecord[], first: number, added: string[], dropped: number[]) => {
          let id = first;
          for (let i = 0; i < records.length; i++) {
            const r = records[i]!;
            const key = streamKeyOf(r);
            let sid = this.streamIds.get(key);
            if (sid === undefined) {
              if (this.streamIds.size >= this.maxStreams) {
                dropped.push(i);
                continue;
              }
              sid = Number(
                addStream.run(streamFingerprint(key), r.service, r.nodeId, r.region, r.level, r.component)
                  .lastInsertRowid,
              );
              this.streamIds.set(key, sid);
              added.push(key);
            }
            entry.run(id++, r.timeUs, sid, r.traceId, r.spanId, r.body, attrsJson(r.attributes));
          }
          if (id > first) fts.run(first, id - 1);
          return id - first;
        },
      );
    }
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
    if (records.length === 0) return { stored: 0, droppedForStreamLimit: [] };
    const sqliteInsert = this.sqliteInsert;
    if (sqliteInsert === undefined)
      return this.db.transaction().execute((trx) => this.insertPostgres(trx, records));
    // SQLite: ids are assigned here (one writer per store) so the FTS rows can share them without a read-back
    if (this.nextId === undefined) {
      const r = await this.db
        .selectFrom('log_entries')
        .select(sql<number | null>`max(id)`.as('m'))
        .executeTakeFirst();
      this.nextId = Number(r?.m ?? 0) + 1;
    }
    // ids reserved before waiting for the connection (batches may queue behind each other); dropped entries leave gaps
    const first = this.nextId;
    this.nextId += records.length;
    const added: string[] = [];
    const dropped: number[] = [];
    try {
      // holding kysely's connection: no kysely transaction (retention) is open while the batch runs
      const stored = await this.db
        .connection()
        .execute(async () => sqliteInsert(records, first, added, dropped));
      return { stored, droppedForStreamLimit: dropped };
    } catch (e) {
      // the streams added by the rolled-back batch are gone with it
      for (const k of added) this.streamIds.delete(k);
      this.nextId = undefined;
      throw e;
    }
  }

  /**
   * PostgreSQL: the batch's streams by fingerprint (locked against removal until the batch commits), the missing
   * ones added up to the cap, then the entries.
   */
  private async insertPostgres(
    trx: Transaction<LogDatabase>,
    records: readonly LogRecord[],
  ): Promise<LogInsertResult> {
    const keys = records.map(streamKeyOf);
    const wanted = new Map<string, LogRecord>();
    keys.forEach((k, i) => wanted.has(k) || wanted.set(k, records[i]!));
    const ids = new Map<string, number>();
    const lookUp = async (ks: readonly string[]): Promise<void> => {
      const rows = await trx
        .selectFrom('log_streams')
        .select(['id', 'service', 'node_id', 'region', 'level', 'component'])
        .where('fingerprint', 'in', ks.map(streamFingerprint))
        .forKeyShare()
        .execute();
      for (const r of rows) {
        const k = streamKeyOfRow(r);
        if (wanted.has(k)) ids.set(k, Number(r.id));
      }
    };
    await lookUp([...wanted.keys()]);
    const missing = [...wanted.keys()].filter((k) => !ids.has(k));
    if (missing.length > 0) {
      const n = await trx
        .selectFrom('log_streams')
        .select(sql<number | string>`count(*)`.as('n'))
        .executeTakeFirstOrThrow();
      const room = missing.slice(0, Math.max(0, this.maxStreams - Number(n.n)));
      if (room.length > 0) {
        await trx
          .insertInto('log_streams')
          .values(
            room.map((k) => ({ fingerprint: streamFingerprint(k), ...streamColumnsOf(wanted.get(k)!) })),
          )
          .onConflict((oc) => oc.columns([...LOG_LABELS]).doNothing())
          .execute();
        await lookUp(room);
      }
    }
    const dropped: number[] = [];
    const rows = [];
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      const sid = ids.get(keys[i]!);
      if (sid === undefined) dropped.push(i);
      else
        rows.push({
          time_us: r.timeUs,
          stream_id: sid,
          trace_id: r.traceId,
          span_id: r.spanId,
          body: r.body,
          attrs: attrsJson(r.attributes),
        });
    }
    for (let i = 0; i < rows.length; i += ROWS_PER_INSERT)
      await trx
        .insertInto('log_entries')
        .values(rows.slice(i, i + ROWS_PER_INSERT))
        .execute();
    return { stored: rows.length, droppedForStreamLimit: dropped };
  }

  /** Number of streams (label sets) stored. */
  async streamCount(): Promise<number> {
    if (this.dialect === 'sqlite') return this.streamIds.size;
    const r = await this.db
      .selectFrom('log_streams')
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
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

  /** How a scan over these label sets selects streams. */
  private async streamFilter(
    labels: readonly LabelSet[],
    scope: TenantScope | undefined,
  ): Promise<StreamFilter> {
    const ids = await this.streamIdsFor(labels, scope);
    if (ids === undefined) return { kind: 'all' };
    if (ids.length === 0) return { kind: 'none' };
    return { kind: 'ids', ids, byStream: ids.length < TIME_INDEX_SHARE * (await this.streamCount()) };
  }

  /** Entries with their stream's labels. */
  private entryRows() {
    return this.db
      .selectFrom('log_entries as e')
      .innerJoin('log_streams as s', 's.id', 'e.stream_id')
      .select(ROW_COLUMNS);
  }

  /**
   * Reads entries in time order (see {@link LogScan}). On SQLite, a backward scan with words over a range that
   * reaches the latest stored entry walks the full-text index newest-first by entry id (arrival order) instead:
   * it reads only matching entries, in pages, and stops at `limit` — a common word costs what its newest
   * `limit` matches cost, not all of its matches. The entries found are returned in time order; they are the
   * latest-arrived matches, which differ from the latest by timestamp only for entries that arrived out of order.
   */
  async scan(q: LogScan): Promise<LogScanResult> {
    const streams = await this.streamFilter(q.labels, q.scope);
    if (streams.kind === 'none') return { entries: [], scanned: 0, truncated: false };
    const byStream = streams.kind === 'ids' && streams.byStream;
    const words = (q.words ?? []).flatMap(textTokens);
    const containsWords = (q.containsWords ?? []).flatMap(textTokens);
    // with streams to walk and substrings to check in SQL, the implied words only help when they are rare
    const newestFirst = this.dialect === 'sqlite' && q.direction === 'backward';
    const viaIndex =
      containsWords.length > 0 &&
      (!byStream || (newestFirst && (await this.ftsMatchesFewerThan(containsWords, FTS_PROBE))));
    if (
      newestFirst &&
      words.length + (viaIndex ? containsWords.length : 0) > 0 &&
      (await this.reachesLatest(q.endUs))
    )
      return this.scanNewestMatches(q, streams, [...words, ...(viaIndex ? containsWords : [])]);
    // walking streams, the substrings checked in SQL are enough: no full-text subquery for their words
    const ftsWords = [...words, ...(viaIndex && !byStream ? containsWords : [])];
    const entries: StoredLog[] = [];
    let scanned = 0;
    let last: { t: number; id: number } | undefined;
    const back = q.direction === 'backward';
    // time windows [lo, hi): by stream, a page sorts the rows of one window (the index gives no time order
    // across streams); along the time index one window is the whole range
    let width = q.endUs - q.startUs;
    let maxWidth = width;
    if (byStream) {
      // entries per µs of the range (all streams), from the entry ids at its ends (ids follow arrival order): the
      // first window is meant to hold about a page of the scan's streams, no window more than MAX_WINDOW_ENTRIES
      const perUs =
        Math.max(1, (await this.idAtOrAfter(q.endUs)) - (await this.idAtOrAfter(q.startUs))) /
        Math.max(1, q.endUs - q.startUs);
      const share = streams.ids.length / Math.max(1, await this.streamCount());
      maxWidth = Math.max(1, Math.floor(MAX_WINDOW_ENTRIES / perUs));
      width = Math.min(maxWidth, Math.max(1, Math.ceil(PAGE / (perUs * share))));
    }
    let lo = back ? Math.max(q.startUs, q.endUs - width) : q.startUs;
    let hi = back ? q.endUs : Math.min(q.endUs, q.startUs + width);
    let windowRows = 0;
    while (entries.length < q.limit && scanned < q.maxScan) {
      // pages no larger than the entries still wanted (at least MIN_PAGE): each row read may cost a page of the table
      const page = Math.min(PAGE, Math.max(q.limit - entries.length, MIN_PAGE), q.maxScan - scanned);
      const [wLo, wHi] = [lo, hi];
      let query = this.entryRows()
        .where((eb) => this.conditions(eb, q, streams, ftsWords))
        .where('e.time_us', '>=', wLo)
        .where('e.time_us', '<', wHi)
        .orderBy('e.time_us', back ? 'desc' : 'asc')
        .orderBy('e.id', back ? 'desc' : 'asc')
        .limit(page);
      if (last !== undefined) {
        const { t, id } = last;
        query = query.where((eb) =>
          back
            ? eb.or([eb('e.time_us', '<', t), eb.and([eb('e.time_us', '=', t), eb('e.id', '<', id)])])
            : eb.or([eb('e.time_us', '>', t), eb.and([eb('e.time_us', '=', t), eb('e.id', '>', id)])]),
        );
      }
      const rows = (await query.execute()) as Row[];
      scanned += rows.length;
      windowRows += rows.length;
      for (const row of rows) {
        const r = toRecord(row);
        if (q.accept === undefined || q.accept(r)) {
          entries.push(r);
          if (entries.length >= q.limit) break;
        }
      }
      if (rows.length === page) {
        const end = rows[rows.length - 1]!;
        last = { t: Number(end.time_us), id: Number(end.id) };
        continue;
      }
      // the window is read: on to the next, wider when this one held less than a page
      if (back ? lo <= q.startUs : hi >= q.endUs) return { entries, scanned, truncated: false };
      width = Math.min(
        maxWidth,
        Math.ceil(width * (windowRows === 0 ? 8 : Math.min(8, Math.max(1, PAGE / windowRows)))),
      );
      if (back) [hi, lo] = [lo, Math.max(q.startUs, lo - width)];
      else [lo, hi] = [hi, Math.min(q.endUs, hi + width)];
      last = undefined;
      windowRows = 0;
    }
    return { entries, scanned, truncated: entries.length < q.limit && scanned >= q.maxScan };
  }

  /** The id of the first entry at or after `t` along the time index (one past the newest id when there is none). */
  private async idAtOrAfter(t: number): Promise<number> {
    const r = await this.db
      .selectFrom('log_entries')
      .select('id')
      .where('time_us', '>=', t)
      .orderBy('time_us')
      .limit(1)
      .executeTakeFirst();
    if (r !== undefined) return Number(r.id);
    const m = await this.db
      .selectFrom('log_entries')
      .select(sql<number | string | null>`max(id)`.as('m'))
      .executeTakeFirst();
    return Number(m?.m ?? 0) + 1;
  }

  /** SQLite: whether fewer than `n` entries hold all of `words` in the full-text index. */
  private async ftsMatchesFewerThan(words: readonly string[], n: number): Promise<boolean> {
    const match = words.map((w) => `"${w}"`).join(' ');
    const r = await sql<{
      n: number;
    }>`select count(*) as n from (select rowid from log_fts where log_fts match ${match} limit ${n})`.execute(
      this.db,
    );
    return Number(r.rows[0]?.n ?? 0) < n;
  }

  /** Whether the latest-arrived entry is older than `endUs` (or the store is empty). */
  private async reachesLatest(endUs: number): Promise<boolean> {
    const r = await this.db
      .selectFrom('log_entries')
      .select('time_us')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return r === undefined || Number(r.time_us) < endUs;
  }

  /** SQLite: pages of matching ids newest-first from the FTS index, then their entries under the other conditions. */
  private async scanNewestMatches(
    q: LogScan,
    streams: StreamFilter,
    words: readonly string[],
  ): Promise<LogScanResult> {
    const match = words.map((w) => `"${w}"`).join(' ');
    const entries: StoredLog[] = [];
    let scanned = 0;
    let below = Number.MAX_SAFE_INTEGER;
    let exhausted = false;
    // rows by id; the other conditions with unary `+` on their columns, so the planner cannot pick another index
    // (and read a stream's whole range once per page) instead of the id lookups
    const plus = (c: string) => sql`+${sql.ref(c)}`;
    const others: Expression<SqlBool>[] = [
      sql<SqlBool>`${plus('e.time_us')} >= ${q.startUs}`,
      sql<SqlBool>`${plus('e.time_us')} < ${q.endUs}`,
      ...containsConditions(this.dialect, q.contains ?? []),
    ];
    if (streams.kind === 'ids') others.push(streamIdCondition(streams.ids, false));
    if (q.traceId !== undefined) others.push(sql<SqlBool>`${plus('e.trace_id')} = ${q.traceId}`);
    while (entries.length < q.limit && scanned < q.maxScan) {
      const page = Math.min(PAGE, q.maxScan - scanned);
      const ids = (
        await sql<{
          id: number;
        }>`select rowid as id from log_fts where log_fts match ${match} and rowid < ${below} order by rowid desc limit ${page}`.execute(
          this.db,
        )
      ).rows.map((r) => Number(r.id));
      scanned += ids.length;
      if (ids.length > 0) {
        const rows = (await this.entryRows()
          .where((eb) => eb.and([eb('e.id', 'in', ids), ...others]))
          .orderBy('e.id', 'desc')
          .execute()) as Row[];
        for (const row of rows) {
          const r = toRecord(row);
          if (q.accept === undefined || q.accept(r)) {
            entries.push(r);
            if (entries.length >= q.limit) break;
          }
        }
        below = ids[ids.length - 1]!;
      }
      if (ids.length < page) {
        exhausted = true;
        break;
      }
    }
    entries.sort((a, b) => b.timeUs - a.timeUs || b.id - a.id);
    return { entries, scanned, truncated: !exhausted && entries.length < q.limit && scanned >= q.maxScan };
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
    let deleted = 0;
    for (const level of LOG_LEVELS) {
      const cutoff = (nowMs - this.opts.retentionMs[level]) * 1000;
      const ids = await this.streamIdsFor([{ label: 'level', in: [level] }]);
      if (ids === undefined || ids.length === 0) continue;
      const ofLevel = streamIdCondition(ids, true);
      // the oldest entry of the level: each stream's oldest from its (stream_id, time_us) index
      const first = await sql<{
        m: number | string | null;
      }>`select min(m) as m from (select (select min(x.time_us) from log_entries x where x.stream_id = s.id) as m from log_streams s where s.level = ${level}) t`.execute(
        this.db,
      );
      const oldest = first.rows[0]?.m;
      if (oldest === null || oldest === undefined) continue;
      for (let from = Number(oldest); from < cutoff; from += RETENTION_SLICE_US) {
        const until = Math.min(cutoff, from + RETENTION_SLICE_US);
        deleted += await this.deleteWhere((eb) => eb.and([ofLevel, eb('e.time_us', '<', until)]));
      }
    }
    const max = this.opts.maxEntries ?? 10_000_000;
    const count = await this.count();
    if (count > max) {
      const cut = await this.db
        .selectFrom('log_entries')
        .select('id')
        .orderBy('id')
        .offset(count - max)
        .limit(1)
        .executeTakeFirst();
      if (cut !== undefined) {
        const cutId = Number(cut.id);
        deleted += await this.deleteWhere((eb) => eb('e.id', '<', cutId));
      }
    }
    if (deleted > 0) await this.removeEmptyStreams();
    return deleted;
  }

  /**
   * Deletes the streams without entries. PostgreSQL: under an exclusive lock of the stream table, which waits
   * for the batches that looked up their streams (`for key share`) to commit and holds new ones back.
   */
  private async removeEmptyStreams(): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') await sql`lock table log_streams in exclusive mode`.execute(trx);
      await sql`delete from log_streams where not exists (select 1 from log_entries e where e.stream_id = log_streams.id)`.execute(
        trx,
      );
      this.loadStreams?.();
    });
  }

  /** Closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.onClose?.();
  }

  private async deleteWhere(
    where: (eb: ExpressionBuilder<EntriesDb, 'e'>) => Expression<SqlBool>,
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'sqlite')
        await sql`delete from log_fts where rowid in (${trx.selectFrom('log_entries as e').select('e.id').where(where)})`.execute(
          trx,
        );
      const r = await trx.deleteFrom('log_entries as e').where(where).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  /** A scan's conditions but its time range (see {@link scan}: the window's bounds are added there). */
  private conditions(
    eb: ExpressionBuilder<EntriesStreamsDb, 'e' | 's'>,
    q: LogScan,
    streams: StreamFilter,
    words: readonly string[],
  ): Expression<SqlBool> {
    // the time range is the window's (inside the scan's range): one pair of bounds, so the index range is the window
    const all: Expression<SqlBool>[] = [];
    if (streams.kind === 'ids')
      all.push(streamIdCondition(streams.ids, streams.byStream || this.dialect !== 'sqlite'));
    if (q.traceId !== undefined) all.push(eb('e.trace_id', '=', q.traceId));
    all.push(...containsConditions(this.dialect, q.contains ?? []));
    if (words.length > 0) {
      if (this.dialect === 'sqlite') {
        const match = words.map((w) => `"${w}"`).join(' ');
        all.push(eb('e.id', 'in', sql<number>`(select rowid from log_fts where log_fts match ${match})`));
      } else {
        all.push(sql<SqlBool>`e.body_tsv @@ plainto_tsquery('simple'::regconfig, ${words.join(' ')})`);
      }
    }
    return eb.and(all);
  }
}
