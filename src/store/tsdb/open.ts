/**
 * Opening the chunked layout on SQLite or PostgreSQL: the base migrations (series, anomalies, detector states),
 * the chunked store's migrations, the row layout's store for anomalies and detector states (the shared
 * tables), the chunked series lookups and metric-name search (series-catalog.ts), and the chunked `SampleStore` with its WAL — composed into one opened store.
 */
import type { Kysely } from 'kysely';
import { InvalidInputError } from '../../errors.ts';
import type { Labels, Sample } from '../../model/sample.ts';
import { KyselyStore } from '../kysely-store.ts';
import { AnomalyStateForwarder } from '../state-forwarding.ts';
import { assertLayout } from '../layout-guard.ts';
import { migrateToLatest, type StoreDialect } from '../migrations.ts';
import { connectPostgres, type PostgresStoreOptions } from '../postgres.ts';
import { openSqliteDatabase, type OpenedStore } from '../sqlite.ts';
import { bucketSpan, checkBucketRead, summaryPoints } from '../bucket-read.ts';
import { aggregateSeries, type AggregateOptions } from '../query.ts';
import type {
  AggregatingRangeReader,
  BucketedSampleReader,
  BucketResolutionMs,
  BucketSummary,
  RangeQueryResult,
  RollupReader,
  SeriesRollup,
  SteppedRead,
  SteppedSampleReader,
} from '../stepped-types.ts';
import type { AppendResult, SeriesPoints, SeriesRef } from '../types.ts';
import type { RawChangeTracking } from '../raw-changes.ts';
import { migrateTsdb } from './migrations.ts';
import { ROLLUP_1H_MS, ROLLUP_1M_MS, type TsdbOptions } from './options.ts';
import type { Database } from '../schema.ts';
import type { TsdbDatabase } from './schema.ts';
import { visitDenseBuckets, visitLastBuckets, type LastBucketVisitor } from './last-buckets.ts';
import type { QueryCacheMetrics } from './cache-metrics.ts';
import { aggregateRange, cachedAggregateRange, type RangeQuerySource } from './range-query.ts';
import { QueryResultCache } from './result-cache.ts';
import { chooseResolution } from './stepped-read.ts';
import { TsdbSeriesCatalog } from './series-catalog.ts';
import { TsdbSampleStore, type TsdbStats } from './tsdb-store.ts';

/** The chunked layout opened: every store interface plus stepped and rollup reads. */
export type OpenedChunkedStore = OpenedStore &
  SteppedSampleReader &
  AggregatingRangeReader &
  BucketedSampleReader &
  RollupReader &
  RawChangeTracking & {
    stats(): TsdbStats;
    checkpoint(): Promise<void>;
    readonly samples: TsdbSampleStore;
    /** Aggregated range-query results (result-cache.ts). */
    readonly resultCache: QueryResultCache;
  };

/** Options shared by both openers. */
export interface ChunkedStoreOptions extends Partial<TsdbOptions> {
  /** WAL directory (one store per directory). */
  readonly walDir: string;
  /** Raw retention in ms (`storage.retention`); overrides `rawRetentionMs`. */
  readonly retentionMs?: number;
  readonly allowNonFinite?: boolean;
  /** Series held in the head at most (the layout's series cache); overrides `maxHeadSeries`. */
  readonly seriesCacheSize?: number;
  /** Clock for checkpoints and resolution choice (default Date.now). */
  readonly now?: () => number;
  /** Where the range-query caches (decoded rollup rows, aggregated results) report hits, misses, bypasses and bytes. */
  readonly queryCacheMetrics?: QueryCacheMetrics;
}

class ChunkedStore extends AnomalyStateForwarder implements OpenedChunkedStore {
  readonly samples: TsdbSampleStore;
  /** Aggregated range-query results (result-cache.ts), bounded by `queryResultCacheBytes`. */
  readonly resultCache: QueryResultCache;
  private readonly rows: KyselyStore;
  private readonly source: RangeQuerySource;
  private readonly now: () => number;
  private closed = false;

  constructor(samples: TsdbSampleStore, rows: KyselyStore, now: () => number) {
    super(rows, rows);
    this.samples = samples;
    this.rows = rows;
    this.now = now;
    this.resultCache = new QueryResultCache(samples.options.queryResultCacheBytes);
    const rollups = samples.rollups;
    this.source = {
      visit: (s, res, from, to, visit) => this.visitLast(s, res, from, to, visit),
      visitDense: (s, res, from, to, visit) =>
        visitDenseBuckets(
          samples.database,
          (ids, f, t) => samples.raw.readTyped(ids, f, t),
          rollups.watermark,
          s.map((r) => r.id),
          res,
          from,
          to,
          visit,
          rollups.rowCache,
          samples.tails,
        ),
      watermark: () => rollups.watermark,
      epoch: () => rollups.rowCache.writeEpoch,
      deletedBefore: (res) => rollups.rowCache.deletedBefore(res),
      unchangedSince: (since, ids, from, to) => rollups.rowCache.unchangedSince(since, ids, from, to),
    };
  }
  get cachedSeries(): number {
    return this.samples.cachedSeries;
  }
  stats(): TsdbStats {
    return this.samples.stats();
  }
  checkpoint(): Promise<void> {
    return this.samples.checkpoint();
  }
  append(batch: readonly Sample[], keys?: readonly string[]): Promise<AppendResult> {
    return this.samples.append(batch, keys);
  }
  searchMetricNames(substring: string, limit: number): Promise<string[]> {
    return this.samples.searchMetricNames(substring, limit);
  }
  findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    return this.samples.findSeries(name, match, limit);
  }
  readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    return this.samples.readPoints(series, startMs, endMs, maxPointsPerSeries);
  }
  applyRetention(nowMs: number): Promise<number> {
    return this.samples.applyRetention(nowMs);
  }
  get rawLateEpoch(): number {
    return this.samples.marks.lateEpoch;
  }
  get rawDeletedBeforeMs(): number {
    return this.samples.marks.deletedBeforeMs;
  }
  rawLateUnchangedSince(since: number, ids: readonly number[], fromMs: number, toMs: number): boolean {
    return this.samples.marks.unchangedSince(since, ids, fromMs, toMs);
  }
  countSamples(): Promise<number> {
    return this.samples.countSamples();
  }
  async readForStep(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    stepMs: number,
    maxPointsPerSeries: number,
  ): Promise<SteppedRead> {
    if (!Number.isFinite(stepMs) || stepMs <= 0)
      throw new InvalidInputError(`step must be > 0, got ${stepMs}`);
    const res = chooseResolution(stepMs, startMs, this.now(), this.samples.options);
    if (res === 0)
      return {
        resolutionMs: 0,
        points: await this.samples.readPoints(series, startMs, endMs, maxPointsPerSeries),
      };
    checkRange(startMs, endMs, maxPointsPerSeries);
    const points: SeriesPoints[] = new Array<SeriesPoints>(series.length);
    // One point per bucket at its last millisecond, carrying its last value; the latest maxPointsPerSeries.
    await this.visitLast(series, res, startMs, endMs, (i, ts, last, n) => {
      const from = Math.max(0, n - maxPointsPerSeries);
      const timestampsMs = new Array<number>(n - from);
      const values = new Array<number>(n - from);
      for (let k = from; k < n; k++) {
        timestampsMs[k - from] = ts[k]! + res - 1;
        values[k - from] = last[k]!;
      }
      points[i] = { series: series[i]!, timestampsMs, values };
    });
    return { resolutionMs: res, points };
  }
  /**
   * A range query aggregated while the buckets are decoded (`AggregatingRangeReader`): each series' bucket lasts
   * go straight from the rollup blobs (and the raw samples past the watermark) into reused typed arrays and
   * are folded into the step grid of their group before the next series is read. Raw resolution (steps under
   * a minute) reads points and aggregates them.
   * @throws InvalidInputError on bad arguments. @throws StoreError on backend failure.
   */
  async queryRange(
    series: readonly SeriesRef[],
    opts: AggregateOptions,
    maxPointsPerSeries: number,
  ): Promise<RangeQueryResult> {
    const { startMs, endMs, stepMs } = opts;
    if (!Number.isFinite(stepMs) || stepMs <= 0)
      throw new InvalidInputError(`step must be > 0, got ${stepMs}`);
    const res = chooseResolution(stepMs, startMs, this.now(), this.samples.options);
    if (res === 0) {
      const points = await this.samples.readPoints(series, startMs, endMs, maxPointsPerSeries);
      return {
        ...aggregateSeries(points, opts),
        truncated: points.some((p) => p.timestampsMs.length >= maxPointsPerSeries),
      };
    }
    checkRange(startMs, endMs, maxPointsPerSeries);
    return this.resultCache.maxBytes > 0
      ? cachedAggregateRange(this.source, this.resultCache, series, opts, res, maxPointsPerSeries)
      : aggregateRange(this.source, series, opts, res, maxPointsPerSeries);
  }
  private visitLast(
    series: readonly SeriesRef[],
    res: number,
    startMs: number,
    endMs: number,
    visit: LastBucketVisitor,
  ): Promise<void> {
    const raw = this.samples.raw;
    const rollups = this.samples.rollups;
    return visitLastBuckets(
      this.samples.database,
      (ids, from, to) => raw.readTyped(ids, from, to),
      rollups.watermark,
      series.map((s) => s.id),
      res,
      startMs,
      endMs,
      visit,
      rollups.rowCache,
      this.samples.tails,
    );
  }
  async readRollups(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: 60_000 | 3_600_000,
  ): Promise<SeriesRollup[]> {
    if (resolutionMs !== ROLLUP_1M_MS && resolutionMs !== ROLLUP_1H_MS)
      throw new InvalidInputError(
        `rollup resolution must be 60000 or 3600000 ms, got ${String(resolutionMs)}`,
      );
    checkRange(startMs, endMs, 1);
    const buckets = await this.samples.rollups.read(
      series.map((s) => s.id),
      resolutionMs,
      startMs,
      endMs,
      true,
    );
    return series.map((s) => ({ series: s, ...buckets.get(s.id)! }));
  }
  /**
   * Bucketed reads (`BucketedSampleReader`): the stored rollups, and buckets of raw samples past the downsampler's
   * watermark (the rollups' `last`, or `sum / count` for `mean`).
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
    const { toMs } = bucketSpan(startMs, endMs, resolutionMs);
    const buckets = await this.samples.rollups.read(
      series.map((s) => s.id),
      resolutionMs,
      startMs,
      toMs - 1,
      summary === 'mean',
    );
    return series.map((s) => ({
      series: s,
      ...summaryPoints(buckets.get(s.id)!, resolutionMs, summary, maxPointsPerSeries),
    }));
  }
  /** Checkpoints the head, closes the WAL and the database; later calls are no-ops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.samples.close();
    } finally {
      await this.rows.close();
    }
  }
}

function checkRange(startMs: number, endMs: number, limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new InvalidInputError(`limit must be a positive integer, got ${limit}`);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs)
    throw new InvalidInputError(`bad time range [${startMs}, ${endMs}]`);
}

async function compose(
  db: Kysely<TsdbDatabase>,
  dialect: StoreDialect,
  opts: ChunkedStoreOptions,
  onClose: (() => Promise<void>) | undefined,
  schema?: string,
): Promise<OpenedChunkedStore> {
  const raw = opts.retentionMs ?? opts.rawRetentionMs;
  try {
    await assertLayout(db as unknown as Kysely<unknown>, dialect, 'chunks');
    await migrateToLatest(db as unknown as Kysely<unknown>, dialect, schema);
    await migrateTsdb(db as unknown as Kysely<unknown>, dialect, schema);
    const rows = new KyselyStore(db as unknown as Kysely<Database>, {
      dialect,
      retentionMs: raw ?? 1,
      ...(onClose ? { onClose } : {}),
    });
    const { seriesCacheSize, walDir, allowNonFinite, now } = opts;
    const samples = await TsdbSampleStore.open(db, {
      ...opts,
      ...(raw === undefined ? {} : { rawRetentionMs: raw }),
      ...(seriesCacheSize === undefined ? {} : { maxHeadSeries: seriesCacheSize }),
      ...(allowNonFinite === undefined ? {} : { allowNonFinite }),
      ...(now === undefined ? {} : { now }),
      dialect,
      walDir,
      catalog: new TsdbSeriesCatalog(db, dialect),
    });
    const store = new ChunkedStore(samples, rows, now ?? Date.now);
    if (opts.queryCacheMetrics) {
      samples.rollups.rowCache.setMetrics(opts.queryCacheMetrics);
      store.resultCache.setMetrics(opts.queryCacheMetrics);
    }
    return store;
  } catch (e) {
    await db.destroy();
    if (onClose) await onClose().catch(() => undefined);
    throw e;
  }
}

/**
 * Opens the chunked layout in a SQLite file (created with its directory).
 * @throws InvalidInputError on bad options. @throws StoreError when the file, WAL or a migration fails.
 * @throws ConfigError when the file holds samples of the rows layout (layout-guard.ts; nothing is written).
 */
export async function openChunkedSqliteStore(
  opts: ChunkedStoreOptions & { readonly path: string },
): Promise<OpenedChunkedStore> {
  const { path, ...rest } = opts;
  return compose(openSqliteDatabase<TsdbDatabase>(path), 'sqlite', rest, undefined);
}

/**
 * Opens the chunked layout in PostgreSQL (the WAL stays on the local disk at `walDir`).
 * @throws InvalidInputError on bad options or schema name. @throws StoreError when the server, WAL or a migration fails.
 * @throws ConfigError when the database holds samples of the rows layout (layout-guard.ts; nothing is written).
 */
export async function openChunkedPostgresStore(
  opts: ChunkedStoreOptions & Omit<PostgresStoreOptions, 'retentionMs'>,
): Promise<OpenedChunkedStore> {
  const { url, maxConnections, schema, dropSchemaOnClose, connectTimeoutMs, ...rest } = opts;
  const { db, onClose } = await connectPostgres<TsdbDatabase>({
    url,
    retentionMs: 1,
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(schema === undefined ? {} : { schema }),
    ...(dropSchemaOnClose === undefined ? {} : { dropSchemaOnClose }),
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  return compose(db, 'postgres', rest, onClose, schema);
}
