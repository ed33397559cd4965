/**
 * The one query layer behind both backends: `SampleStore` and `AnomalyStore` over any `Kysely<Database>`
 * (SQLite via better-sqlite3, PostgreSQL via pg). Dialect-specific behaviour is limited to the parameter
 * limit per statement; everything else is portable SQL that kysely compiles per dialect.
 *
 * Append path (the ingest hot path): series keys are resolved through a bounded LRU cache (misses are
 * resolved in bulk: one `select ... where key in (...)`, one `insert ... on conflict do nothing returning`),
 * then samples go in as multi-row `insert ... on conflict (series_id, ts) do nothing` statements, chunked
 * under the dialect's bind-parameter limit, all inside one transaction. The compiled SQL text of each chunk
 * size is cached so kysely builds the statement once, not per batch.
 */
import { CompiledQuery, sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { InvalidInputError, NotFoundError, PayloadTooLargeError, StoreError, type DwcpError } from '../errors.ts';
import type { Anomaly, DetectorVote, MetricKind } from '../model/anomaly.ts';
import { severityRank, type Component, type Severity } from '../model/dwcp.ts';
import { escapeLabelValue, type Labels, type Sample } from '../model/sample.ts';
import type { StoreDialect } from './migrations.ts';
import type { AnomaliesTable, Database, DetectorStatesTable } from './schema.ts';
import {
  MAX_DETECTOR_STATE_BYTES,
  type AnomalyFilter,
  type AnomalyStore,
  type AppendResult,
  type DetectorStateRow,
  type DetectorStateStore,
  type LoadDetectorStatesResult,
  type RejectReason,
  type SampleStore,
  type SaveDetectorStatesResult,
  type SeriesPoints,
  type SeriesRef,
} from './types.ts';

/**
 * A bounded, approximately least-recently-used map in two generations (the "hashlru" scheme): new and
 * recently used entries live in `cur`; when `cur` reaches half the capacity it becomes `old` and the previous
 * `old` generation is dropped. A hit in `old` promotes the entry. So an entry used at least once per
 * generation is never evicted, a hit in `cur` costs one Map lookup (no reordering on the hot path, unlike a
 * delete + set LRU which measured 3x slower in bench/ingest.ts), and the size never exceeds `maxEntries`.
 */
export class LruCache<K, V> {
  private cur = new Map<K, V>();
  private old = new Map<K, V>();
  private readonly half: number;
  readonly maxEntries: number;
  /**
   * @param maxEntries capacity, an integer >= 2.
   * @throws InvalidInputError when `maxEntries` is not an integer >= 2.
   */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 2) throw new InvalidInputError(`cache capacity must be an integer >= 2, got ${maxEntries}`);
    this.maxEntries = maxEntries;
    this.half = Math.floor(maxEntries / 2);
  }
  /** Entries held (<= maxEntries). */
  get size(): number {
    return this.cur.size + this.old.size;
  }
  get(k: K): V | undefined {
    const v = this.cur.get(k);
    if (v !== undefined) return v;
    const o = this.old.get(k);
    if (o !== undefined) {
      this.old.delete(k);
      this.put(k, o);
    }
    return o;
  }
  set(k: K, v: V): void {
    if (this.cur.has(k)) {
      this.cur.set(k, v);
      return;
    }
    this.old.delete(k);
    this.put(k, v);
  }
  delete(k: K): boolean {
    const a = this.cur.delete(k);
    const b = this.old.delete(k);
    return a || b;
  }
  clear(): void {
    this.cur.clear();
    this.old.clear();
  }
  private put(k: K, v: V): void {
    if (this.cur.size >= this.half) {
      this.old = this.cur;
      this.cur = new Map();
    }
    this.cur.set(k, v);
  }
}

const NEEDS_ESCAPE = /[\\"\n]/;

/**
 * Builds `seriesKey(name, labels)` (src/model/sample.ts; the same text, byte for byte) for a stream of samples,
 * reusing the sorted label-name order of the previous sample when the labels have the same names in the same
 * insertion order (scrape batches come in runs of one family), so the names are not sorted per sample. The key
 * is assembled with `Array.join`, which yields a flat string: the cache lookup then hashes it directly instead
 * of first flattening a `+`-concatenated rope (measured about 30 % faster key + lookup than `seriesKey`).
 * Holds only the label names of the last shape seen (bounded).
 */
export class SeriesKeyBuilder {
  private lastNames: string[] = [];
  private sorted: string[] = [];
  private parts: string[] = [];

  /** The canonical series key of `name` + `labels`. */
  key(name: string, labels: Labels): string {
    const last = this.lastNames;
    let n = 0;
    let same = true;
    for (const k in labels) {
      if (last[n] !== k) {
        same = false;
        break;
      }
      n++;
    }
    if (!same || n !== last.length) {
      this.lastNames = Object.keys(labels);
      this.sorted = this.lastNames.slice().sort();
      this.parts = new Array<string>(this.sorted.length + 1);
    }
    const sorted = this.sorted;
    const m = sorted.length;
    if (m === 0) return name;
    const parts = this.parts;
    let sep = name + '{';
    for (let i = 0; i < m; i++) {
      const k = sorted[i]!;
      const v = labels[k]!;
      parts[i] = sep + k + '="' + (NEEDS_ESCAPE.test(v) ? escapeLabelValue(v) : v) + '"';
      sep = ',';
    }
    parts[m] = '}';
    return parts.join('');
  }
}

/** Options of {@link KyselyStore}. */
export interface KyselyStoreOptions {
  readonly dialect: StoreDialect;
  /** Samples older than `now - retentionMs` are deleted by `applyRetention`. Positive. */
  readonly retentionMs: number;
  /** Store NaN/±Inf instead of rejecting them as `non_finite` (default false). */
  readonly allowNonFinite?: boolean;
  /** Capacity of the series-key → id cache (approximate LRU, default 100 000, at least 2). */
  readonly seriesCacheSize?: number;
  /** Extra cleanup after `db.destroy()` (e.g. dropping a test schema). */
  readonly onClose?: () => Promise<void>;
}

/** Bind parameters per statement we stay under: SQLite's default limit is 32 766, PostgreSQL's 65 535. */
const MAX_PARAMS: Record<StoreDialect, number> = { sqlite: 32_000, postgres: 60_000 };
/** Rows per sample insert statement (3 parameters per row); tuned in bench/ingest.ts. */
const SAMPLE_ROWS_PER_STATEMENT = 2000;
/** Detector-state upserts: at most this many rows and about this many bytes of state JSON per statement. */
const STATE_ROWS_PER_STATEMENT = 500;
const STATE_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

function toDbValue(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
function fromDbValue(v: number | string | null): number {
  return v === null ? Number.NaN : Number(v);
}
function wrap(what: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  return new StoreError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}
function parseLabels(json: string): Labels {
  return JSON.parse(json) as Labels;
}

interface PendingSeries {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
}

/**
 * `SampleStore & AnomalyStore` over a Kysely instance whose schema was created by `migrateToLatest`.
 *
 * Out-of-order samples are NOT rejected here: the monitor drops samples older than a series' last timestamp
 * before calling `append` (the `out_of_order` reason is counted there); this store only rejects `non_finite`
 * and `duplicate` (same series and timestamp, detected by comparing the rows the database inserted with the
 * rows offered: `ON CONFLICT DO NOTHING`).
 */
export class KyselyStore implements SampleStore, AnomalyStore, DetectorStateStore {
  private readonly db: Kysely<Database>;
  private readonly dialect: StoreDialect;
  private readonly retentionMs: number;
  private readonly allowNonFinite: boolean;
  private readonly cache: LruCache<string, number>;
  private readonly onClose: (() => Promise<void>) | undefined;
  /** Compiled SQL per sample-chunk row count (at most two sizes occur per batch; bounded to 64 entries). */
  private readonly insertSqlByRows = new Map<number, string>();
  private closed = false;

  /**
   * @throws InvalidInputError when `retentionMs` is not positive or the cache size is not a positive integer.
   */
  constructor(db: Kysely<Database>, opts: KyselyStoreOptions) {
    if (!(opts.retentionMs > 0)) throw new InvalidInputError(`retentionMs must be > 0, got ${opts.retentionMs}`);
    this.db = db;
    this.dialect = opts.dialect;
    this.retentionMs = opts.retentionMs;
    this.allowNonFinite = opts.allowNonFinite ?? false;
    this.cache = new LruCache(opts.seriesCacheSize ?? 100_000);
    this.onClose = opts.onClose;
  }

  /** Entries in the series-id cache (never above `seriesCacheSize`). */
  get cachedSeries(): number {
    return this.cache.size;
  }

  /**
   * Stores a batch in one transaction (see `SampleStore.append`). NaN is stored as NULL and read back as NaN.
   * @throws InvalidInputError when a timestamp is not a safe integer (nothing is stored).
   * @throws StoreError on backend failure (the transaction is rolled back; nothing is stored).
   */
  async append(batch: readonly Sample[]): Promise<AppendResult> {
    const rejected: Partial<Record<RejectReason, number>> = {};
    if (batch.length === 0) return { stored: 0, rejected };
    const keys: (string | undefined)[] = new Array<string | undefined>(batch.length);
    /** Series id per sample from the cache (0 = not cached or rejected), so the insert loop needs no lookup. */
    const cachedIds = new Float64Array(batch.length);
    const missing = new Map<string, PendingSeries>();
    const keyOf = new SeriesKeyBuilder();
    let nonFinite = 0;
    for (let i = 0; i < batch.length; i++) {
      const s = batch[i]!;
      if (!Number.isSafeInteger(s.timestampMs)) throw new InvalidInputError(`sample ${s.name}: timestamp ${s.timestampMs} is not an integer in ms`);
      if (!this.allowNonFinite && !Number.isFinite(s.value)) {
        nonFinite++;
        continue;
      }
      const key = keyOf.key(s.name, s.labels);
      keys[i] = key;
      const cached = this.cache.get(key);
      if (cached !== undefined) cachedIds[i] = cached;
      else if (!missing.has(key)) missing.set(key, { key, name: s.name, labels: s.labels });
    }
    if (nonFinite > 0) rejected.non_finite = nonFinite;
    const candidates = batch.length - nonFinite;
    if (candidates === 0) return { stored: 0, rejected };

    let stored = 0;
    let resolved: Map<string, number>;
    try {
      const out = await this.db.transaction().execute(async (trx) => {
        const ids = missing.size > 0 ? await this.resolveSeries(trx, [...missing.values()]) : new Map<string, number>();
        const rowsPerStmt = Math.min(SAMPLE_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS[this.dialect] / 3));
        let inserted = 0;
        let i = 0;
        let left = candidates;
        while (left > 0) {
          const rows = Math.min(rowsPerStmt, left);
          // Exactly sized and filled by index: no growth, no copy per statement.
          const params = new Array<number | null>(rows * 3);
          let p = 0;
          while (p < params.length) {
            const key = keys[i];
            if (key !== undefined) {
              const id = cachedIds[i] || ids.get(key);
              if (id === undefined) throw new StoreError(`series ${key} could not be resolved`);
              const s = batch[i]!;
              params[p] = id;
              params[p + 1] = s.timestampMs;
              params[p + 2] = toDbValue(s.value);
              p += 3;
            }
            i++;
          }
          left -= rows;
          const r = await trx.executeQuery(CompiledQuery.raw(this.insertSql(rows), params));
          inserted += Number(r.numAffectedRows ?? 0n);
        }
        return { ids, inserted };
      });
      stored = out.inserted;
      resolved = out.ids;
    } catch (e) {
      throw wrap('append', e);
    }
    // Only after commit: a rolled-back transaction must not leave ids of uncommitted series in the cache.
    for (const [k, id] of resolved) this.cache.set(k, id);
    const dup = candidates - stored;
    if (dup > 0) rejected.duplicate = dup;
    return { stored, rejected };
  }

  private insertSql(rows: number): string {
    let text = this.insertSqlByRows.get(rows);
    if (text === undefined) {
      const values = Array.from({ length: rows }, () => ({ series_id: 0, ts: 0, value: 0 }));
      text = this.db
        .insertInto('samples')
        .values(values)
        .onConflict((oc) => oc.columns(['series_id', 'ts']).doNothing())
        .compile().sql;
      if (this.insertSqlByRows.size >= 64) this.insertSqlByRows.clear();
      this.insertSqlByRows.set(rows, text);
    }
    return text;
  }

  /** Finds or creates the given series; returns key → id for all of them. */
  private async resolveSeries(trx: Transaction<Database>, pending: PendingSeries[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const keyChunk = Math.floor(MAX_PARAMS[this.dialect] / 2);
    const selectKnown = async (keys: string[]) => {
      for (let i = 0; i < keys.length; i += keyChunk) {
        const rows = await trx.selectFrom('series').select(['id', 'key']).where('key', 'in', keys.slice(i, i + keyChunk)).execute();
        for (const r of rows) ids.set(r.key, Number(r.id));
      }
    };
    await selectKnown(pending.map((p) => p.key));
    const toInsert = pending.filter((p) => !ids.has(p.key));
    const rowChunk = Math.floor(MAX_PARAMS[this.dialect] / 3);
    for (let i = 0; i < toInsert.length; i += rowChunk) {
      const rows = await trx
        .insertInto('series')
        .values(toInsert.slice(i, i + rowChunk).map((p) => ({ key: p.key, name: p.name, labels_json: JSON.stringify(p.labels) })))
        .onConflict((oc) => oc.column('key').doNothing())
        .returning(['id', 'key'])
        .execute();
      for (const r of rows) ids.set(r.key, Number(r.id));
    }
    // A concurrent writer (PostgreSQL) may have inserted some keys between our select and insert.
    const still = toInsert.filter((p) => !ids.has(p.key)).map((p) => p.key);
    if (still.length > 0) await selectKnown(still);
    return ids;
  }

  /**
   * Metric names containing `substring` (case-insensitive; `%` and `_` match literally), in byte order, at most `limit`.
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError on backend failure.
   */
  async searchMetricNames(substring: string, limit: number): Promise<string[]> {
    checkLimit(limit);
    const pattern = '%' + substring.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    try {
      const rows = await this.db
        .selectFrom('series')
        .select('name')
        .where(sql<boolean>`lower(${sql.ref('name')}) like ${pattern} escape ${sql.raw("'\\'")}`)
        .groupBy('name')
        // Byte order on both dialects (PostgreSQL's default collation may be locale-aware).
        .orderBy(this.dialect === 'postgres' ? sql`name collate "C"` : sql`name`)
        .limit(limit)
        .execute();
      return rows.map((r) => r.name);
    } catch (e) {
      throw wrap('searchMetricNames', e);
    }
  }

  /**
   * Series of `name` whose labels include every entry of `match`, in creation order, at most `limit`.
   * Label matching happens in JS over the series of that name, read in pages of 1000 (bounded memory).
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError on backend failure.
   */
  async findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    checkLimit(limit);
    const out: SeriesRef[] = [];
    const entries = Object.entries(match);
    let after = 0;
    try {
      for (;;) {
        const page = await this.db
          .selectFrom('series')
          .select(['id', 'key', 'name', 'labels_json'])
          .where('name', '=', name)
          .where('id', '>', after)
          .orderBy('id')
          .limit(1000)
          .execute();
        for (const r of page) {
          const labels = parseLabels(r.labels_json);
          if (entries.every(([k, v]) => labels[k] === v)) {
            out.push({ id: Number(r.id), key: r.key, name: r.name, labels });
            if (out.length >= limit) return out;
          }
        }
        if (page.length < 1000) return out;
        after = Number(page[page.length - 1]!.id);
      }
    } catch (e) {
      throw wrap('findSeries', e);
    }
  }

  /**
   * Points of each series in [startMs, endMs] (inclusive), time-ordered, at most the latest
   * `maxPointsPerSeries` per series. NaN values come back as NaN.
   * @throws InvalidInputError on a bad range or limit. @throws StoreError on backend failure.
   */
  async readPoints(series: readonly SeriesRef[], startMs: number, endMs: number, maxPointsPerSeries: number): Promise<SeriesPoints[]> {
    checkLimit(maxPointsPerSeries);
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs) throw new InvalidInputError(`bad time range [${startMs}, ${endMs}]`);
    const out: SeriesPoints[] = [];
    try {
      for (const s of series) {
        const rows = await this.db
          .selectFrom('samples')
          .select(['ts', 'value'])
          .where('series_id', '=', s.id)
          .where('ts', '>=', Math.ceil(startMs))
          .where('ts', '<=', Math.floor(endMs))
          .orderBy('ts', 'desc')
          .limit(maxPointsPerSeries)
          .execute();
        const n = rows.length;
        const timestampsMs = new Array<number>(n);
        const values = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          const r = rows[n - 1 - i]!;
          timestampsMs[i] = Number(r.ts);
          values[i] = fromDbValue(r.value);
        }
        out.push({ series: s, timestampsMs, values });
      }
    } catch (e) {
      throw wrap('readPoints', e);
    }
    return out;
  }

  /**
   * Deletes samples with ts < nowMs - retentionMs and then series without samples (also evicting them from
   * the id cache). Returns the number of samples deleted.
   * @throws StoreError on backend failure.
   */
  async applyRetention(nowMs: number): Promise<number> {
    const cutoff = Math.floor(nowMs - this.retentionMs);
    try {
      const { deleted, keys } = await this.db.transaction().execute(async (trx) => {
        // `series_id IN (...)` lets both databases walk the (series_id, ts) primary key per series instead of
        // scanning the table (there is deliberately no index on ts alone).
        const r = await trx
          .deleteFrom('samples')
          .where('series_id', 'in', (eb) => eb.selectFrom('series').select('id'))
          .where('ts', '<', cutoff)
          .executeTakeFirst();
        const gone = await trx
          .deleteFrom('series')
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom('samples').select(sql.lit(1).as('one')).whereRef('samples.series_id', '=', 'series.id'))))
          .returning('key')
          .execute();
        return { deleted: Number(r.numDeletedRows), keys: gone.map((g) => g.key) };
      });
      for (const k of keys) this.cache.delete(k);
      return deleted;
    } catch (e) {
      throw wrap('applyRetention', e);
    }
  }

  /** Number of stored samples. @throws StoreError on backend failure. */
  async countSamples(): Promise<number> {
    try {
      const r = await this.db.selectFrom('samples').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      return Number(r.n);
    } catch (e) {
      throw wrap('countSamples', e);
    }
  }

  /** Closes the connection(s); later calls are no-ops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cache.clear();
    await this.db.destroy();
    if (this.onClose) await this.onClose();
  }

  // ---------------------------------------------------------------- anomalies

  /** Stores an anomaly; returns it with its new id. @throws StoreError on backend failure. */
  async insert(a: Omit<Anomaly, 'id'>): Promise<Anomaly> {
    try {
      const r = await this.db
        .insertInto('anomalies')
        .values({
          series_key: a.seriesKey,
          metric: a.metric,
          labels_json: JSON.stringify(a.labels),
          component: a.component,
          kind: a.kind,
          started_at: a.startedAtMs,
          detected_at: a.detectedAtMs,
          resolved_at: a.resolvedAtMs,
          observed: toDbValue(a.observed),
          expected: toDbValue(a.expected),
          lower_bound: toDbValue(a.lower),
          upper_bound: toDbValue(a.upper),
          deviation: toDbValue(a.deviation),
          confidence: toDbValue(a.confidence),
          severity: a.severity,
          severity_rank: severityRank(a.severity),
          detector: a.detector,
          acknowledged: a.acknowledged ? 1 : 0,
          score: toDbValue(a.score),
          votes_json: JSON.stringify(a.votes.slice(0, MAX_STORED_VOTES)),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return { ...a, id: Number(r.id) };
    } catch (e) {
      throw wrap('anomaly insert', e);
    }
  }

  /**
   * Marks an anomaly resolved at `resolvedAtMs`.
   * @throws NotFoundError when no anomaly has this id. @throws StoreError on backend failure.
   */
  async resolve(id: number, resolvedAtMs: number): Promise<void> {
    let n: number;
    try {
      const r = await this.db.updateTable('anomalies').set({ resolved_at: resolvedAtMs }).where('id', '=', id).executeTakeFirst();
      n = Number(r.numUpdatedRows);
    } catch (e) {
      throw wrap('anomaly resolve', e);
    }
    if (n === 0) throw new NotFoundError(`anomaly ${id} not found`);
  }

  /**
   * Marks an anomaly acknowledged and returns it.
   * @throws NotFoundError when no anomaly has this id. @throws StoreError on backend failure.
   */
  async acknowledge(id: number): Promise<Anomaly> {
    let row: AnomalyRow | undefined;
    try {
      await this.db.updateTable('anomalies').set({ acknowledged: 1 }).where('id', '=', id).execute();
      row = await this.db.selectFrom('anomalies').selectAll().where('id', '=', id).executeTakeFirst();
    } catch (e) {
      throw wrap('anomaly acknowledge', e);
    }
    if (!row) throw new NotFoundError(`anomaly ${id} not found`);
    return toAnomaly(row);
  }

  /**
   * Anomalies matching the filter (startedAtMs in [startMs, endMs], component, exact severity and/or minimum
   * severity), newest first (started_at desc, then id desc), at most `limit`.
   * @throws InvalidInputError on a bad limit. @throws StoreError on backend failure.
   */
  async list(f: AnomalyFilter): Promise<Anomaly[]> {
    checkLimit(f.limit);
    try {
      let q = this.db.selectFrom('anomalies').selectAll();
      if (f.startMs !== undefined) q = q.where('started_at', '>=', f.startMs);
      if (f.endMs !== undefined) q = q.where('started_at', '<=', f.endMs);
      if (f.component !== undefined) q = q.where('component', '=', f.component);
      if (f.severity !== undefined) q = q.where('severity', '=', f.severity);
      if (f.minSeverity !== undefined) q = q.where('severity_rank', '>=', severityRank(f.minSeverity));
      const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      return rows.map(toAnomaly);
    } catch (e) {
      throw wrap('anomaly list', e);
    }
  }

  /**
   * Keeps at most `maxAnomalies`: deletes the excess, resolved anomalies first (oldest started first), then
   * the oldest active ones. Returns how many were deleted.
   * @throws InvalidInputError when `maxAnomalies` is negative or not an integer. @throws StoreError on failure.
   */
  async prune(maxAnomalies: number): Promise<number> {
    if (!Number.isInteger(maxAnomalies) || maxAnomalies < 0) throw new InvalidInputError(`maxAnomalies must be a non-negative integer, got ${maxAnomalies}`);
    try {
      return await this.db.transaction().execute(async (trx) => {
        const c = await trx.selectFrom('anomalies').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
        const excess = Number(c.n) - maxAnomalies;
        if (excess <= 0) return 0;
        const victims = trx
          .selectFrom('anomalies')
          .select('id')
          .orderBy(sql`case when resolved_at is null then 1 else 0 end`)
          .orderBy('started_at')
          .orderBy('id')
          .limit(excess);
        const r = await trx.deleteFrom('anomalies').where('id', 'in', victims).executeTakeFirst();
        return Number(r.numDeletedRows);
      });
    } catch (e) {
      throw wrap('anomaly prune', e);
    }
  }
  // ---------------------------------------------------------------- detector states

  /**
   * Upserts detector states (see `DetectorStateStore.saveDetectorStates`): one row per series key (the last
   * of a key in `rows` wins), rows whose state JSON exceeds `MAX_DETECTOR_STATE_BYTES` or cannot be written
   * are rejected per row, the rest go in one transaction as multi-row `insert ... on conflict (series_key) do
   * update` statements of at most 500 rows and about 4 MiB each.
   * @throws InvalidInputError on an invalid row (nothing stored). @throws StoreError on backend failure.
   */
  async saveDetectorStates(rows: readonly DetectorStateRow[]): Promise<SaveDetectorStatesResult> {
    const latest = new Map<string, DetectorStateRow>();
    for (const r of rows) {
      if (typeof r.seriesKey !== 'string' || r.seriesKey.length === 0) throw new InvalidInputError('detector state: series key must be a non-empty string');
      if (typeof r.detector !== 'string' || r.detector.length === 0) throw new InvalidInputError(`detector state of ${r.seriesKey}: detector name must be a non-empty string`);
      if (!Number.isSafeInteger(r.version)) throw new InvalidInputError(`detector state of ${r.seriesKey}: version ${r.version} is not an integer`);
      if (!Number.isSafeInteger(r.updatedAtMs)) throw new InvalidInputError(`detector state of ${r.seriesKey}: updatedAtMs ${r.updatedAtMs} is not an integer in ms`);
      latest.delete(r.seriesKey); // re-insert so the map keeps the order of last occurrence
      latest.set(r.seriesKey, r);
    }
    const rejected: { seriesKey: string; error: DwcpError }[] = [];
    const values: { series_key: string; detector: string; version: number; state_json: string; updated_at: number; bytes: number }[] = [];
    for (const r of latest.values()) {
      let json: string | undefined;
      try {
        json = JSON.stringify(r.state);
      } catch (e) {
        rejected.push({ seriesKey: r.seriesKey, error: new InvalidInputError(`detector state of ${r.seriesKey} cannot be written as JSON: ${e instanceof Error ? e.message : String(e)}`, { cause: e }) });
        continue;
      }
      if (json === undefined) {
        rejected.push({ seriesKey: r.seriesKey, error: new InvalidInputError(`detector state of ${r.seriesKey} cannot be written as JSON (${typeof r.state})`) });
        continue;
      }
      // A UTF-8 byte is at most 3 per UTF-16 unit: skip the exact count when the length alone proves it fits.
      const bytes = json.length * 3 <= MAX_DETECTOR_STATE_BYTES ? json.length : Buffer.byteLength(json, 'utf8');
      if (bytes > MAX_DETECTOR_STATE_BYTES) {
        rejected.push({ seriesKey: r.seriesKey, error: new PayloadTooLargeError(MAX_DETECTOR_STATE_BYTES, `detector state of ${r.seriesKey} (${r.detector} v${r.version}, ${bytes} bytes)`) });
        continue;
      }
      values.push({ series_key: r.seriesKey, detector: r.detector, version: r.version, state_json: json, updated_at: r.updatedAtMs, bytes });
    }
    if (values.length === 0) return { saved: 0, rejected };
    const maxRows = Math.min(STATE_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS[this.dialect] / 5));
    try {
      await this.db.transaction().execute(async (trx) => {
        let i = 0;
        while (i < values.length) {
          let j = i;
          let bytes = 0;
          while (j < values.length && j - i < maxRows && (j === i || bytes + values[j]!.bytes <= STATE_BYTES_PER_STATEMENT)) {
            bytes += values[j]!.bytes;
            j++;
          }
          await trx
            .insertInto('detector_states')
            .values(values.slice(i, j).map(({ bytes: _, ...row }) => row))
            .onConflict((oc) =>
              oc.column('series_key').doUpdateSet((eb) => ({
                detector: eb.ref('excluded.detector'),
                version: eb.ref('excluded.version'),
                state_json: eb.ref('excluded.state_json'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
          i = j;
        }
      });
    } catch (e) {
      throw wrap('saveDetectorStates', e);
    }
    return { saved: values.length, rejected };
  }

  /**
   * At most `limit` stored detector states, newest first (ties by series key). A row whose state is not valid
   * JSON, or whose detector or version is invalid, is skipped and counted in `malformed`.
   * @throws InvalidInputError on a bad limit. @throws StoreError on backend failure.
   */
  async loadDetectorStates(limit: number): Promise<LoadDetectorStatesResult> {
    checkLimit(limit);
    let stored: Selectable<DetectorStatesTable>[];
    try {
      stored = await this.db.selectFrom('detector_states').selectAll().orderBy('updated_at', 'desc').orderBy('series_key').limit(limit).execute();
    } catch (e) {
      throw wrap('loadDetectorStates', e);
    }
    const rows: DetectorStateRow[] = [];
    let malformed = 0;
    for (const r of stored) {
      const version = Number(r.version);
      const updatedAtMs = Number(r.updated_at);
      let state: unknown;
      try {
        state = JSON.parse(r.state_json);
      } catch {
        malformed++;
        continue;
      }
      if (r.detector.length === 0 || !Number.isSafeInteger(version) || !Number.isSafeInteger(updatedAtMs)) {
        malformed++;
        continue;
      }
      rows.push({ seriesKey: r.series_key, detector: r.detector, version, state, updatedAtMs });
    }
    return { rows, malformed };
  }

  /**
   * Deletes detector states with updated_at < `cutoffMs`. Returns how many were deleted.
   * @throws InvalidInputError when `cutoffMs` is not finite. @throws StoreError on backend failure.
   */
  async deleteDetectorStatesOlderThan(cutoffMs: number): Promise<number> {
    if (!Number.isFinite(cutoffMs)) throw new InvalidInputError(`cutoffMs must be finite, got ${cutoffMs}`);
    try {
      const r = await this.db.deleteFrom('detector_states').where('updated_at', '<', Math.ceil(cutoffMs)).executeTakeFirst();
      return Number(r.numDeletedRows);
    } catch (e) {
      throw wrap('deleteDetectorStatesOlderThan', e);
    }
  }
}

type AnomalyRow = Selectable<AnomaliesTable>;

function toAnomaly(r: AnomalyRow): Anomaly {
  return {
    id: Number(r.id),
    seriesKey: r.series_key,
    metric: r.metric,
    labels: parseLabels(r.labels_json),
    component: r.component as Component | 'system',
    kind: r.kind as MetricKind,
    startedAtMs: Number(r.started_at),
    detectedAtMs: Number(r.detected_at),
    resolvedAtMs: r.resolved_at === null ? null : Number(r.resolved_at),
    observed: fromDbValue(r.observed),
    expected: fromDbValue(r.expected),
    lower: fromDbValue(r.lower_bound),
    upper: fromDbValue(r.upper_bound),
    deviation: fromDbValue(r.deviation),
    confidence: fromDbValue(r.confidence),
    severity: r.severity as Severity,
    detector: r.detector,
    acknowledged: Number(r.acknowledged) === 1,
    score: fromDbValue(r.score),
    votes: parseVotes(r.votes_json),
  };
}

/** Votes stored per anomaly at most (an ensemble has at most 16 members). */
const MAX_STORED_VOTES = 16;

/** Parses stored votes; malformed JSON or entries become an empty list (the anomaly itself stays readable). */
function parseVotes(json: string): DetectorVote[] {
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return [];
  }
  if (!Array.isArray(v)) return [];
  const out: DetectorVote[] = [];
  for (const e of v.slice(0, MAX_STORED_VOTES)) {
    const o = e as Partial<DetectorVote> | null;
    if (o && typeof o.detector === 'string' && typeof o.score === 'number' && typeof o.voted === 'boolean') out.push({ detector: o.detector, score: o.score, voted: o.voted });
  }
  return out;
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new InvalidInputError(`limit must be a positive integer, got ${limit}`);
}
