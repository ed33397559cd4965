/**
 * The log store: masked log entries with their indexed labels, on SQLite (FTS5) or PostgreSQL (tsvector + GIN)
 * through kysely (tables in ./schema.ts, migrations in ./migrations.ts). Writes are one transaction per batch:
 * on SQLite a prepared statement per entry row, then one statement filling the batch's FTS rows from the rows
 * just written, on the better-sqlite3 connection under kysely while holding kysely's connection (no statement
 * building per batch: 2.4x the entries per CPU-second of kysely's multi-row inserts); on PostgreSQL multi-row
 * inserts. Reads: a keyset-paginated scan in time order
 * over label sets, a time range and full-text words, with a JS predicate for what SQL does not filter (line
 * filters, parsed labels) and a bound on rows read; label names and values. Bounds: retention per level (in
 * slices) and an entry count cap.
 * Length (over 400 lines): one job, the store's SQL on two dialects; splitting reads from writes would split the
 * shared row mapping and the SQLite fast path they both rely on.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Expression, type ExpressionBuilder, type Insertable, type Kysely, type SqlBool } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { TenantScope } from '../../model/tenant-scope.ts';
import { hasOwnKeys, LOG_LABELS, LOG_LEVELS, type LogLabelName, type LogLevel, type LogRecord } from '../record.ts';
import type { LogStoreDialect } from './migrations.ts';
import type { LogDatabase, LogEntriesTable } from './schema.ts';
import { eitherCondition, scopeConditions, scopeSql } from './scope.ts';

/** Options of {@link LogStore}. */
export interface LogStoreOptions {
  /** Entries older than this (by timestamp) are deleted by `applyRetention`, per level, ms. */
  readonly retentionMs: Readonly<Record<LogLevel, number>>;
  /** Entries kept at most: `applyRetention` deletes the oldest beyond it (default 10 000 000). */
  readonly maxEntries?: number;
}

/** The backend of a {@link LogStore}: PostgreSQL, or SQLite with the better-sqlite3 connection under kysely. */
export type LogStoreBackend = { readonly dialect: 'postgres' } | { readonly dialect: 'sqlite'; readonly raw: Pick<BetterSqlite3.Database, 'prepare' | 'transaction'> };

/** A stored entry with its id. */
export interface StoredLog extends LogRecord {
  readonly id: number;
}

/** One label condition resolved to value sets: `in` (when given) and not `notIn`. */
export interface LabelSet {
  readonly label: LogLabelName;
  readonly in?: readonly string[];
  readonly notIn?: readonly string[];
}

/** A scan: time range, label sets, words, order, what to keep and how far to read. */
export interface LogScan {
  /** Inclusive start and exclusive end, Unix µs. */
  readonly startUs: number;
  readonly endUs: number;
  readonly labels: readonly LabelSet[];
  /** Full-text tokens every entry must contain (lowercased letter/digit runs). */
  readonly words?: readonly string[];
  /** Substrings (exact, case-sensitive) every entry's line must contain; checked in SQL. */
  readonly contains?: readonly string[];
  /** Full-text tokens every line containing all of `contains` has (used only to find candidates in the index). */
  readonly containsWords?: readonly string[];
  readonly traceId?: string;
  /** Only entries of this tenant scope's nodes or regions (./scope.ts). */
  readonly scope?: TenantScope;
  readonly direction: 'forward' | 'backward';
  /** Entries to return at most. */
  readonly limit: number;
  /** Rows to read at most (the scan stops and reports `truncated`). */
  readonly maxScan: number;
  /** Keeps a row (default: all). */
  readonly accept?: (r: StoredLog) => boolean;
}

/** Result of a scan. */
export interface LogScanResult {
  readonly entries: StoredLog[];
  readonly scanned: number;
  /** True when `maxScan` stopped the scan before `limit` entries were found. */
  readonly truncated: boolean;
}

const ROWS_PER_INSERT = 400;
const PAGE = 1000;
/** Smallest page of a time-ordered scan. */
const MIN_PAGE = 100;
/**
 * Full-text matches counted (at most) before a scan with a label and `contains` picks its plan: fewer, and the
 * index's matches are read; as many, and the label's index is walked with the substrings checked in SQL.
 */
const FTS_PROBE = 4 * PAGE;
/** Labels in the order their index is preferred to drive a scan (most distinct values first, as DWCP logs have them). */
const DRIVER_ORDER: readonly LogLabelName[] = ['node_id', 'component', 'region', 'service', 'level'];

/**
 * The label whose index drives a scan: the first of {@link DRIVER_ORDER} with a value set. SQLite without
 * statistics would pick any label index (level's, with a fifth of all entries, over node_id's fiftieth), so the
 * other label columns are written `+col` in SQL to keep their indexes out.
 */
function driverLabel(labels: readonly LabelSet[]): LogLabelName | undefined {
  return DRIVER_ORDER.find((l) => labels.some((s) => s.label === l && s.in !== undefined));
}

/** `instr`/`strpos` conditions: the line contains each substring. */
function containsConditions(dialect: LogStoreDialect, contains: readonly string[]): Expression<SqlBool>[] {
  return contains.map((c) => (dialect === 'sqlite' ? sql<SqlBool>`instr(${sql.ref('body')}, ${c}) > 0` : sql<SqlBool>`strpos(${sql.ref('body')}, ${c}) > 0`));
}
/** Retention deletes at most this much time per statement, µs (10 min). */
const RETENTION_SLICE_US = 600_000_000;

/** Full-text tokens of a text: lowercased runs of letters and digits (the tokens both backends index). */
export function textTokens(s: string): string[] {
  return (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

/** The stored form of a record's attributes: a JSON object (`{}` when there are none, without serialising). */
function attrsJson(a: Readonly<Record<string, string>>): string {
  return hasOwnKeys(a) ? JSON.stringify(a) : '{}';
}

type Row = { [K in keyof LogEntriesTable]: LogEntriesTable[K] extends { __select__: infer S } ? S : LogEntriesTable[K] };

function toRecord(r: Row): StoredLog {
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

/** A scan's time range, label sets and trace id (the words aside) as SQL conditions no index can serve. */
function unindexedConditions(q: LogScan): Expression<SqlBool>[] {
  const col = (c: string) => sql`+${sql.ref(c)}`;
  const all: Expression<SqlBool>[] = [sql<SqlBool>`${col('time_us')} >= ${q.startUs}`, sql<SqlBool>`${col('time_us')} < ${q.endUs}`];
  for (const s of q.labels) {
    if (s.in !== undefined) all.push(s.in.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${col(s.label)} in (${sql.join(s.in)})`);
    if (s.notIn !== undefined && s.notIn.length > 0) all.push(sql<SqlBool>`${col(s.label)} not in (${sql.join(s.notIn)})`);
  }
  const either = scopeConditions(q.scope).either;
  if (either !== undefined) all.push(eitherCondition(either, col));
  if (q.traceId !== undefined) all.push(sql<SqlBool>`${col('trace_id')} = ${q.traceId}`);
  return all;
}

/** The log store of the monitor. */
export class LogStore {
  readonly db: Kysely<LogDatabase>;
  readonly dialect: LogStoreDialect;
  private readonly opts: LogStoreOptions;
  private readonly onClose: (() => Promise<void>) | undefined;
  private nextId: number | undefined;
  private closed = false;
  /** SQLite: one batch of records, ids from `first` on, in one transaction. */
  private readonly sqliteInsert: ((records: readonly LogRecord[], first: number) => void) | undefined;

  /** @throws InvalidInputError on a non-positive retention or entry cap. */
  constructor(db: Kysely<LogDatabase>, backend: LogStoreBackend, opts: LogStoreOptions, onClose?: () => Promise<void>) {
    for (const l of LOG_LEVELS) if (!(opts.retentionMs[l] > 0)) throw new InvalidInputError(`log retention of ${l} must be > 0, got ${opts.retentionMs[l]}`);
    if (opts.maxEntries !== undefined && !(Number.isSafeInteger(opts.maxEntries) && opts.maxEntries > 0))
      throw new InvalidInputError(`maxEntries must be a positive integer, got ${opts.maxEntries}`);
    this.db = db;
    this.dialect = backend.dialect;
    if (backend.dialect === 'sqlite') {
      const entry = backend.raw.prepare('insert into log_entries (id, time_us, level, service, node_id, region, component, trace_id, span_id, body, attrs) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
      // the batch's FTS rows in one statement from the rows just written (ids are consecutive): the bodies are
      // not bound a second time and FTS5 takes them in one call
      const fts = backend.raw.prepare('insert into log_fts (rowid, body) select id, body from log_entries where id >= ? and id <= ?');
      this.sqliteInsert = backend.raw.transaction((records: readonly LogRecord[], first: number) => {
        let id = first;
        for (const r of records) entry.run(id++, r.timeUs, r.level, r.service, r.nodeId, r.region, r.component, r.traceId, r.spanId, r.body, attrsJson(r.attributes));
        fts.run(first, id - 1);
      });
    }
    this.opts = opts;
    this.onClose = onClose;
  }

  /**
   * Stores entries in one transaction.
   * @returns the number of entries written
   * @throws driver errors on backend failure (nothing of the batch is stored)
   */
  async insertLogs(records: readonly LogRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const sqliteInsert = this.sqliteInsert;
    if (sqliteInsert === undefined) {
      const rows = records.map(
        (r): Insertable<LogEntriesTable> => ({
          time_us: r.timeUs,
          level: r.level,
          service: r.service,
          node_id: r.nodeId,
          region: r.region,
          component: r.component,
          trace_id: r.traceId,
          span_id: r.spanId,
          body: r.body,
          attrs: attrsJson(r.attributes),
        }),
      );
      return this.db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await trx.insertInto('log_entries').values(rows.slice(i, i + ROWS_PER_INSERT)).execute();
        return rows.length;
      });
    }
    // SQLite: ids are assigned here (one writer per store) so the FTS rows can share them without a read-back
    if (this.nextId === undefined) {
      const r = await this.db.selectFrom('log_entries').select(sql<number | null>`max(id)`.as('m')).executeTakeFirst();
      this.nextId = Number(r?.m ?? 0) + 1;
    }
    const first = this.nextId;
    this.nextId += records.length;
    try {
      // holding kysely's connection: no kysely transaction (retention) is open while the batch runs
      await this.db.connection().execute(async () => sqliteInsert(records, first));
      return records.length;
    } catch (e) {
      this.nextId = undefined;
      throw e;
    }
  }

  /**
   * Reads entries in time order (see {@link LogScan}). On SQLite, a backward scan with words over a range that
   * reaches the latest stored entry walks the full-text index newest-first by entry id (arrival order) instead:
   * it reads only matching entries, in pages, and stops at `limit` — a common word costs what its newest
   * `limit` matches cost, not all of its matches. The entries found are returned in time order; they are the
   * latest-arrived matches, which differ from the latest by timestamp only for entries that arrived out of order.
   */
  async scan(scan: LogScan): Promise<LogScanResult> {
    // a scope of nodes (or regions) only is one more label set, which can drive the scan like any other
    const scoped = scopeConditions(scan.scope);
    const q: LogScan = scoped.labels.length === 0 ? scan : { ...scan, labels: [...scan.labels, ...scoped.labels] };
    const words = (q.words ?? []).flatMap(textTokens);
    const containsWords = (q.containsWords ?? []).flatMap(textTokens);
    const driver = driverLabel(q.labels);
    // with a label to walk and substrings to check in SQL, the implied words only help when they are rare
    const newestFirst = this.dialect === 'sqlite' && q.direction === 'backward';
    const viaIndex = containsWords.length > 0 && (driver === undefined || (newestFirst && (await this.ftsMatchesFewerThan(containsWords, FTS_PROBE))));
    if (newestFirst && words.length + (viaIndex ? containsWords.length : 0) > 0 && (await this.reachesLatest(q.endUs)))
      return this.scanNewestMatches(q, [...words, ...(viaIndex ? containsWords : [])]);
    // walking a label's index, the substrings checked in SQL are enough: no full-text subquery for their words
    const ftsWords = [...words, ...(viaIndex && driver === undefined ? containsWords : [])];
    const entries: StoredLog[] = [];
    let scanned = 0;
    let last: { t: number; id: number } | undefined;
    const back = q.direction === 'backward';
    while (entries.length < q.limit && scanned < q.maxScan) {
      // pages no larger than the entries still wanted (at least MIN_PAGE): each row read may cost a page of the table
      const page = Math.min(PAGE, Math.max(q.limit - entries.length, MIN_PAGE), q.maxScan - scanned);
      let query = this.db
        .selectFrom('log_entries')
        .select(['id', 'time_us', 'level', 'service', 'node_id', 'region', 'component', 'trace_id', 'span_id', 'body', 'attrs'])
        .where((eb) => this.conditions(eb, q, driver, ftsWords))
        .orderBy('time_us', back ? 'desc' : 'asc')
        .orderBy('id', back ? 'desc' : 'asc')
        .limit(page);
      if (last !== undefined) {
        const { t, id } = last;
        query = query.where((eb) => (back ? eb.or([eb('time_us', '<', t), eb.and([eb('time_us', '=', t), eb('id', '<', id)])]) : eb.or([eb('time_us', '>', t), eb.and([eb('time_us', '=', t), eb('id', '>', id)])])));
      }
      const rows = (await query.execute()) as Row[];
      scanned += rows.length;
      for (const row of rows) {
        const r = toRecord(row);
        if (q.accept === undefined || q.accept(r)) {
          entries.push(r);
          if (entries.length >= q.limit) break;
        }
      }
      if (rows.length < page) return { entries, scanned, truncated: false };
      const end = rows[rows.length - 1]!;
      last = { t: Number(end.time_us), id: Number(end.id) };
    }
    return { entries, scanned, truncated: entries.length < q.limit && scanned >= q.maxScan };
  }

  /** SQLite: whether fewer than `n` entries hold all of `words` in the full-text index. */
  private async ftsMatchesFewerThan(words: readonly string[], n: number): Promise<boolean> {
    const match = words.map((w) => `"${w}"`).join(' ');
    const r = await sql<{ n: number }>`select count(*) as n from (select rowid from log_fts where log_fts match ${match} limit ${n})`.execute(this.db);
    return Number(r.rows[0]?.n ?? 0) < n;
  }

  /** Whether the latest-arrived entry is older than `endUs` (or the store is empty). */
  private async reachesLatest(endUs: number): Promise<boolean> {
    const r = await this.db.selectFrom('log_entries').select('time_us').orderBy('id', 'desc').limit(1).executeTakeFirst();
    return r === undefined || Number(r.time_us) < endUs;
  }

  /** SQLite: pages of matching ids newest-first from the FTS index, then their entries under the other conditions. */
  private async scanNewestMatches(q: LogScan, words: readonly string[]): Promise<LogScanResult> {
    const match = words.map((w) => `"${w}"`).join(' ');
    const entries: StoredLog[] = [];
    let scanned = 0;
    let below = Number.MAX_SAFE_INTEGER;
    let exhausted = false;
    while (entries.length < q.limit && scanned < q.maxScan) {
      const page = Math.min(PAGE, q.maxScan - scanned);
      const ids = (await sql<{ id: number }>`select rowid as id from log_fts where log_fts match ${match} and rowid < ${below} order by rowid desc limit ${page}`.execute(this.db)).rows.map((r) => Number(r.id));
      scanned += ids.length;
      if (ids.length > 0) {
        // rows by id; the other conditions with unary `+` on their columns, so the planner cannot pick a label
        // index (and read the label's whole range once per page) instead of the id lookups
        const rows = (await this.db
          .selectFrom('log_entries')
          .select(['id', 'time_us', 'level', 'service', 'node_id', 'region', 'component', 'trace_id', 'span_id', 'body', 'attrs'])
          .where((eb) => eb.and([eb('id', 'in', ids), ...unindexedConditions(q), ...containsConditions(this.dialect, q.contains ?? [])]))
          .orderBy('id', 'desc')
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
      const r = await this.db.selectFrom('log_entries').select('id').where('time_us', '>=', startUs).where('time_us', '<', endUs).where(label, '<>', '').where((eb) => eb.and(scoped)).limit(1).executeTakeFirst();
      if (r !== undefined) out.push(label);
    }
    return out;
  }

  /** Distinct non-empty values of a label in `[startUs, endUs)` (of entries in `scope`, when given), sorted, at most `limit`. */
  async labelValues(label: LogLabelName, startUs: number, endUs: number, limit: number, scope?: TenantScope): Promise<string[]> {
    const rows = await this.db
      .selectFrom('log_entries')
      .select(label)
      .distinct()
      .where('time_us', '>=', startUs)
      .where('time_us', '<', endUs)
      .where(label, '<>', '')
      .where((eb) => eb.and(scopeSql(scope)))
      .orderBy(label)
      .limit(limit)
      .execute();
    return rows.map((r) => (r as Record<LogLabelName, string>)[label]);
  }

  /** Number of stored entries. */
  async count(): Promise<number> {
    const r = await this.db.selectFrom('log_entries').select(sql<number | string>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * Deletes entries older than their level's retention (in slices of 10 minutes), then the oldest beyond
   * `maxEntries`.
   * @returns entries deleted
   */
  async applyRetention(nowMs: number): Promise<number> {
    let deleted = 0;
    for (const level of LOG_LEVELS) {
      const cutoff = (nowMs - this.opts.retentionMs[level]) * 1000;
      const first = await this.db.selectFrom('log_entries').select(sql<number | string | null>`min(time_us)`.as('m')).where('level', '=', level).executeTakeFirst();
      if (first?.m === null || first?.m === undefined) continue;
      for (let from = Number(first.m); from < cutoff; from += RETENTION_SLICE_US) {
        deleted += await this.deleteWhere((eb) => eb.and([eb('level', '=', level), eb('time_us', '<', Math.min(cutoff, from + RETENTION_SLICE_US))]));
      }
    }
    const max = this.opts.maxEntries ?? 10_000_000;
    const count = await this.count();
    if (count <= max) return deleted;
    const cut = await this.db.selectFrom('log_entries').select('id').orderBy('id').offset(count - max).limit(1).executeTakeFirst();
    if (cut === undefined) return deleted;
    const cutId = Number(cut.id);
    return deleted + (await this.deleteWhere((eb) => eb('id', '<', cutId)));
  }

  /** Closes the connection. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.onClose?.();
  }

  private async deleteWhere(where: (eb: ExpressionBuilder<LogDatabase, 'log_entries'>) => Expression<SqlBool>): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'sqlite') await sql`delete from log_fts where rowid in (${trx.selectFrom('log_entries').select('id').where(where)})`.execute(trx);
      const r = await trx.deleteFrom('log_entries').where(where).executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  private conditions(eb: ExpressionBuilder<LogDatabase, 'log_entries'>, q: LogScan, driver: LogLabelName | undefined, words: readonly string[]): Expression<SqlBool> {
    const all: Expression<SqlBool>[] = [eb('time_us', '>=', q.startUs), eb('time_us', '<', q.endUs)];
    const col = (label: LogLabelName) => (label === driver || this.dialect !== 'sqlite' ? sql.ref(label) : sql`+${sql.ref(label)}`);
    for (const s of q.labels) {
      if (s.in !== undefined) all.push(s.in.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`${col(s.label)} in (${sql.join(s.in)})`);
      if (s.notIn !== undefined && s.notIn.length > 0) all.push(sql<SqlBool>`${col(s.label)} not in (${sql.join(s.notIn)})`);
    }
    const either = scopeConditions(q.scope).either;
    if (either !== undefined) all.push(eitherCondition(either, col));
    if (q.traceId !== undefined) all.push(eb('trace_id', '=', q.traceId));
    all.push(...containsConditions(this.dialect, q.contains ?? []));
    if (words.length > 0) {
      if (this.dialect === 'sqlite') {
        const match = words.map((w) => `"${w}"`).join(' ');
        all.push(eb('id', 'in', sql<number>`(select rowid from log_fts where log_fts match ${match})`));
      } else {
        all.push(sql<SqlBool>`body_tsv @@ plainto_tsquery('simple'::regconfig, ${words.join(' ')})`);
      }
    }
    return eb.and(all);
  }
}
