/**
 * The SQL store both backends return (SQLite via better-sqlite3, PostgreSQL via pg): one `Kysely<Database>`
 * handle shared by three small stores — samples (./sql/sample-store.ts), anomalies (./sql/anomaly-store.ts)
 * and detector states (./sql/detector-state-store.ts) — behind one object, because the composition root
 * passes one store for all three interfaces and closes it once. Dialect-specific behaviour is limited to the
 * parameter limit per statement and byte-order sorting; everything else is portable SQL that kysely compiles
 * per dialect.
 */
import type { Kysely } from 'kysely';
import type { Labels, Sample } from '../model/sample.ts';
import type { StoreDialect } from './migrations.ts';
import type { Database } from './schema.ts';
import { SqlAnomalyStore } from './sql/anomaly-store.ts';
import { SqlDetectorStateStore } from './sql/detector-state-store.ts';
import { SqlSampleStore } from './sql/sample-store.ts';
import { AnomalyStateForwarder } from './state-forwarding.ts';
import type { BucketedSampleReader, BucketResolutionMs, BucketSummary } from './stepped-types.ts';
import type {
  AnomalyStore,
  AppendResult,
  DetectorStateStore,
  SampleStore,
  SeriesPoints,
  SeriesRef,
} from './types.ts';

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

/**
 * `SampleStore & AnomalyStore & DetectorStateStore` over a Kysely instance whose schema was created by
 * `migrateToLatest`: delegates to the three stores (anomalies and states through {@link AnomalyStateForwarder}) and owns the handle (`close` destroys it).
 */
export class KyselyStore
  extends AnomalyStateForwarder
  implements SampleStore, BucketedSampleReader, AnomalyStore, DetectorStateStore
{
  private readonly db: Kysely<Database>;
  private readonly samples: SqlSampleStore;
  private readonly onClose: (() => Promise<void>) | undefined;
  private closed = false;

  /**
   * @throws InvalidInputError when `retentionMs` is not positive or the cache size is not an integer >= 2.
   */
  constructor(db: Kysely<Database>, opts: KyselyStoreOptions) {
    super(new SqlAnomalyStore(db), new SqlDetectorStateStore(db, opts.dialect));
    this.samples = new SqlSampleStore(db, opts);
    this.db = db;
    this.onClose = opts.onClose;
  }

  /** Entries in the series-id cache (never above `seriesCacheSize`). */
  get cachedSeries(): number {
    return this.samples.cachedSeries;
  }

  /** See {@link SqlSampleStore.append}. */
  append(batch: readonly Sample[], keys?: readonly string[]): Promise<AppendResult> {
    return this.samples.append(batch, keys);
  }
  /** See {@link SqlSampleStore.searchMetricNames}. */
  searchMetricNames(substring: string, limit: number): Promise<string[]> {
    return this.samples.searchMetricNames(substring, limit);
  }
  /** See {@link SqlSampleStore.findSeries}. */
  findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    return this.samples.findSeries(name, match, limit);
  }
  /** See {@link SqlSampleStore.readPoints}. */
  readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    return this.samples.readPoints(series, startMs, endMs, maxPointsPerSeries);
  }
  /** See {@link SqlSampleStore.readBuckets}. */
  readBuckets(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: BucketResolutionMs,
    summary: BucketSummary,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    return this.samples.readBuckets(series, startMs, endMs, resolutionMs, summary, maxPointsPerSeries);
  }
  /** See {@link SqlSampleStore.applyRetention}. */
  applyRetention(nowMs: number): Promise<number> {
    return this.samples.applyRetention(nowMs);
  }
  /** See {@link SqlSampleStore.countSamples}. */
  countSamples(): Promise<number> {
    return this.samples.countSamples();
  }

  /** Closes the connection(s); later calls are no-ops. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.samples.clearCache();
    await this.db.destroy();
    if (this.onClose) await this.onClose();
  }
}
