/**
 * `SampleStore` over a Kysely instance whose schema was created by `migrateToLatest` (SQLite or PostgreSQL).
 *
 * Append path (the ingest hot path): series keys are resolved through a bounded LRU cache (misses are
 * resolved in bulk: one `select ... where key in (...)`, one `insert ... on conflict do nothing returning`),
 * then samples go in as multi-row `insert ... on conflict (series_id, ts) do nothing` statements, chunked
 * under the dialect's bind-parameter limit, all inside one transaction. The compiled SQL text of each chunk
 * size is cached so kysely builds the statement once, not per batch.
 *
 * Out-of-order samples are NOT rejected here: the monitor drops samples older than a series' last timestamp
 * before calling `append` (the `out_of_order` reason is counted there); this store only rejects `non_finite`,
 * `invalid_text` and `duplicate` (same series and timestamp, detected by comparing the rows the database inserted with the
 * rows offered: `ON CONFLICT DO NOTHING`).
 */
import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import { StoreError } from '../../errors.ts';
import type { Labels, Sample } from '../../model/sample.ts';
import { LruCache } from '../lru-cache.ts';
import { searchNamesIn } from './metric-name-search.ts';
import type { StoreDialect } from '../migrations.ts';
import type { Database } from '../schema.ts';
import { hasNul, SeriesKeyBuilder } from '../series-key-builder.ts';
import { bucketSpan, checkBucketRead } from '../bucket-read.ts';
import type { BucketResolutionMs, BucketSummary } from '../stepped-types.ts';
import type { AppendResult, RejectReason, SampleStore, SeriesPoints, SeriesRef } from '../types.ts';
import { checkLimit, checkNow, checkRetention, checkSampleTimestamp, checkTimeRange } from '../validation.ts';
import { fromDbValue, MAX_PARAMS, parseLabels, toDbValue, wrap } from './common.ts';

/** Options of {@link SqlSampleStore}. */
export interface SqlSampleStoreOptions {
  readonly dialect: StoreDialect;
  /** Samples older than `now - retentionMs` are deleted by `applyRetention`. Positive. */
  readonly retentionMs: number;
  /** Store NaN/±Inf instead of rejecting them as `non_finite` (default false). */
  readonly allowNonFinite?: boolean;
  /** Capacity of the series-key → id cache (approximate LRU, default 100 000, at least 2). */
  readonly seriesCacheSize?: number;
}

/** Rows per sample insert statement (3 parameters per row); tuned in bench/ingest.ts. */
const SAMPLE_ROWS_PER_STATEMENT = 2000;

interface PendingSeries {
  readonly key: string;
  readonly name: string;
  readonly labels: Labels;
}

/**
 * The samples and series of a SQL store. It does not own the database handle: the facade that created it
 * (`KyselyStore`) closes the handle, after {@link SqlSampleStore.clearCache}.
 */
export class SqlSampleStore implements Omit<SampleStore, 'close'> {
  private readonly db: Kysely<Database>;
  private readonly dialect: StoreDialect;
  private readonly retentionMs: number;
  private readonly allowNonFinite: boolean;
  private readonly cache: LruCache<string, number>;
  /** Compiled SQL per sample-chunk row count (at most two sizes occur per batch; bounded to 64 entries). */
  private readonly insertSqlByRows = new Map<number, string>();

  /**
   * @throws InvalidInputError when `retentionMs` is not positive or the cache size is not an integer >= 2.
   */
  constructor(db: Kysely<Database>, opts: SqlSampleStoreOptions) {
    checkRetention(opts.retentionMs);
    this.db = db;
    this.dialect = opts.dialect;
    this.retentionMs = opts.retentionMs;
    this.allowNonFinite = opts.allowNonFinite ?? false;
    this.cache = new LruCache(opts.seriesCacheSize ?? 100_000);
  }

  /** Entries in the series-id cache (never above `seriesCacheSize`). */
  get cachedSeries(): number {
    return this.cache.size;
  }

  /** Empties the series-id cache (on close). */
  clearCache(): void {
    this.cache.clear();
  }

  /**
   * Stores a batch in one transaction (see `SampleStore.append`). NaN is stored as NULL and read back as NaN;
   * a sample whose series key holds NUL is rejected as `invalid_text`.
   * @throws InvalidInputError when a timestamp is not a safe integer (nothing is stored).
   * @throws StoreError on backend failure (the transaction is rolled back; nothing is stored).
   */
  async append(batch: readonly Sample[], given?: readonly string[]): Promise<AppendResult> {
    const rejected: Partial<Record<RejectReason, number>> = {};
    if (batch.length === 0) return { stored: 0, rejected };
    const keys: (string | undefined)[] = new Array<string | undefined>(batch.length);
    /** Series id per sample from the cache (0 = not cached or rejected), so the insert loop needs no lookup. */
    const cachedIds = new Float64Array(batch.length);
    const missing = new Map<string, PendingSeries>();
    const keyOf = new SeriesKeyBuilder();
    let nonFinite = 0;
    let invalidText = 0;
    for (let i = 0; i < batch.length; i++) {
      const s = batch[i]!;
      checkSampleTimestamp(s.name, s.timestampMs);
      if (!this.allowNonFinite && !Number.isFinite(s.value)) {
        nonFinite++;
        continue;
      }
      const key = given?.[i] ?? keyOf.key(s.name, s.labels);
      const cached = this.cache.get(key);
      if (cached !== undefined) cachedIds[i] = cached;
      else if (!missing.has(key)) {
        // Only a key that is not cached can hold NUL (a cached key was stored): the hot path pays nothing.
        if (hasNul(key)) {
          invalidText++;
          continue;
        }
        missing.set(key, { key, name: s.name, labels: s.labels });
      }
      keys[i] = key;
    }
    if (nonFinite > 0) rejected.non_finite = nonFinite;
    if (invalidText > 0) rejected.invalid_text = invalidText;
    const candidates = batch.length - nonFinite - invalidText;
    if (candidates === 0) return { stored: 0, rejected };

    let stored = 0;
    let resolved: Map<string, number>;
    try {
      const out = await this.db.transaction().execute(async (trx) => {
        const ids =
          missing.size > 0 ? await this.resolveSeries(trx, [...missing.values()]) : new Map<string, number>();
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
  private async resolveSeries(
    trx: Transaction<Database>,
    pending: PendingSeries[],
  ): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    const keyChunk = Math.floor(MAX_PARAMS[this.dialect] / 2);
    const selectKnown = async (keys: string[]) => {
      for (let i = 0; i < keys.length; i += keyChunk) {
        const rows = await trx
          .selectFrom('series')
          .select(['id', 'key'])
          .where('key', 'in', keys.slice(i, i + keyChunk))
          .execute();
        for (const r of rows) ids.set(r.key, Number(r.id));
      }
    };
    await selectKnown(pending.map((p) => p.key));
    const toInsert = pending.filter((p) => !ids.has(p.key));
    const rowChunk = Math.floor(MAX_PARAMS[this.dialect] / 3);
    for (let i = 0; i < toInsert.length; i += rowChunk) {
      const rows = await trx
        .insertInto('series')
        .values(
          toInsert
            .slice(i, i + rowChunk)
            .map((p) => ({ key: p.key, name: p.name, labels_json: JSON.stringify(p.labels) })),
        )
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
    try {
      return await searchNamesIn(
        this.db as unknown as Kysely<unknown>,
        this.dialect,
        'series',
        substring,
        limit,
      );
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
  async readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    checkLimit(maxPointsPerSeries);
    checkTimeRange(startMs, endMs);
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
   * Bucketed reads (`BucketedSampleReader`, ../stepped-types.ts) aggregated in SQL, one statement per series over
   * its (series_id, ts) key: `last` keeps the latest row of each bucket (`row_number()` over the bucket, newest
   * first), `mean` is `avg(value)` per bucket; NaN (NULL) rows are left out. Timestamps are Unix ms >= 0 (integer
   * division is the bucket).
   * @throws InvalidInputError on bad arguments. @throws StoreError on backend failure.
   */
  async readBuckets(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: BucketResolutionMs,
    summary: BucketSummary,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    checkBucketRead(startMs, endMs, resolutionMs, summary, maxPointsPerSeries);
    const { fromMs, toMs } = bucketSpan(Math.max(0, startMs), Math.max(0, endMs), resolutionMs);
    const res = sql.lit(resolutionMs);
    const out: SeriesPoints[] = [];
    try {
      for (const s of series) {
        const rows =
          summary === 'last'
            ? await sql<{ b: number | string; v: number | string }>`
                select b, v from (
                  select ts / ${res} as b, value as v, row_number() over (partition by ts / ${res} order by ts desc) as rn
                  from samples where series_id = ${s.id} and ts >= ${fromMs} and ts < ${toMs} and value is not null
                ) t where rn = 1 order by b desc limit ${maxPointsPerSeries}`.execute(this.db)
            : await sql<{ b: number | string; v: number | string }>`
                select ts / ${res} as b, avg(value) as v from samples
                where series_id = ${s.id} and ts >= ${fromMs} and ts < ${toMs} and value is not null
                group by ts / ${res} order by b desc limit ${maxPointsPerSeries}`.execute(this.db);
        const n = rows.rows.length;
        const timestampsMs = new Array<number>(n);
        const values = new Array<number>(n);
        for (let i = 0; i < n; i++) {
          const r = rows.rows[n - 1 - i]!;
          timestampsMs[i] = Number(r.b) * resolutionMs + resolutionMs - 1;
          const v = Number(r.v);
          values[i] = v === 0 ? 0 : v;
        }
        out.push({ series: s, timestampsMs, values });
      }
    } catch (e) {
      throw wrap('readBuckets', e);
    }
    return out;
  }

  /**
   * Deletes samples with ts < nowMs - retentionMs and then series without samples (also evicting them from
   * the id cache). Returns the number of samples deleted.
   * @throws InvalidInputError when `nowMs` is not finite. @throws StoreError on backend failure.
   */
  async applyRetention(nowMs: number): Promise<number> {
    checkNow(nowMs);
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
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('samples')
                  .select(sql.lit(1).as('one'))
                  .whereRef('samples.series_id', '=', 'series.id'),
              ),
            ),
          )
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
      const r = await this.db
        .selectFrom('samples')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    } catch (e) {
      throw wrap('countSamples', e);
    }
  }
}
