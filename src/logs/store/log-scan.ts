/**
 * The log store's reads of entries (see {@link LogScanner.scan}): label matchers resolved to stream ids, then a
 * keyset-paginated scan in time order by stream id and time (in time windows sized from the entry density,
 * growing while they hold few rows, so a page sorts about a window's rows) or along the time index when the
 * streams are most of them; on SQLite newest-first word searches walk the full-text index by entry id. A JS
 * predicate for what SQL does not filter (line filters, parsed labels) and a bound on rows read.
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { TenantScope } from '../../model/tenant-scope.ts';
import type { LogStoreDialect } from './migrations.ts';
import {
  containsConditions,
  ROW_COLUMNS,
  streamIdCondition,
  textTokens,
  toRecord,
  traceIdConditions,
  type EntriesStreamsDb,
  type Row,
  type StreamFilter,
} from './log-rows.ts';
import type { LogScan, LogScanResult, StoredLog } from './log-types.ts';
import type { LogDatabase } from './schema.ts';
import type { LabelSet } from './streams.ts';

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

/** What a scan needs of its store: the streams matching label sets and how many streams there are. */
export interface ScanStreams {
  streamIdsFor(labels: readonly LabelSet[], scope?: TenantScope): Promise<number[] | undefined>;
  streamCount(): Promise<number>;
}

/** Reads entries of one log store. */
export class LogScanner {
  private readonly db: Kysely<LogDatabase>;
  private readonly dialect: LogStoreDialect;
  private readonly streams: ScanStreams;

  constructor(db: Kysely<LogDatabase>, dialect: LogStoreDialect, streams: ScanStreams) {
    this.db = db;
    this.dialect = dialect;
    this.streams = streams;
  }

  /** How a scan over these label sets selects streams. */
  private async streamFilter(
    labels: readonly LabelSet[],
    scope: TenantScope | undefined,
  ): Promise<StreamFilter> {
    const ids = await this.streams.streamIdsFor(labels, scope);
    if (ids === undefined) return { kind: 'all' };
    if (ids.length === 0) return { kind: 'none' };
    return { kind: 'ids', ids, byStream: ids.length < TIME_INDEX_SHARE * (await this.streams.streamCount()) };
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
    const filter = await this.streamFilter(q.labels, q.scope);
    // a trace id is found through its own index: walking the streams would read every entry of them in the range
    const streams =
      filter.kind === 'ids' && filter.byStream && q.traceId !== undefined && q.traceId !== ''
        ? { ...filter, byStream: false }
        : filter;
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
      const share = streams.ids.length / Math.max(1, await this.streams.streamCount());
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
    if (q.traceId !== undefined) others.push(...traceIdConditions(q.traceId, false));
    while (entries.length < q.limit && scanned < q.maxScan) {
      const page = Math.min(PAGE, q.maxScan - scanned);
      const ids = (
        await sql<{
          id: number;
        }>`select rowid as id from log_fts where log_fts match ${match} and rowid < ${below} order by rowid desc limit ${page}`.execute(
          this.db,
        )
      ).rows.map((r) => Number(r.id));
      // the first page's rows in two reads: first as many as are wanted (at least MIN_PAGE), then the rest — a
      // search whose matches all qualify reads about `limit` rows, not the page's; one full-text probe per page
      // either way (each probe seeks the words' doclists again, dearer than reading rows)
      const first = scanned === 0 ? Math.max(MIN_PAGE, q.limit) : ids.length;
      for (let at = 0, slice = first; at < ids.length; slice = ids.length) {
        const part = ids.slice(at, at + slice);
        at += part.length;
        scanned += part.length;
        const rows = (await this.entryRows()
          .where((eb) => eb.and([eb('e.id', 'in', part), ...others]))
          .orderBy('e.id', 'desc')
          .execute()) as Row[];
        for (const row of rows) {
          const r = toRecord(row);
          if (q.accept === undefined || q.accept(r)) {
            entries.push(r);
            if (entries.length >= q.limit) break;
          }
        }
        if (entries.length >= q.limit) break;
      }
      if (ids.length > 0) below = ids[ids.length - 1]!;
      if (ids.length < page) {
        exhausted = true;
        break;
      }
    }
    entries.sort((a, b) => b.timeUs - a.timeUs || b.id - a.id);
    return { entries, scanned, truncated: !exhausted && entries.length < q.limit && scanned >= q.maxScan };
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
    if (q.traceId !== undefined) all.push(...traceIdConditions(q.traceId));
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
