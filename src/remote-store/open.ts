/**
 * The store of `storage.type: victoriametrics`: samples in VictoriaMetrics (or any database taking Prometheus
 * remote write and answering the Prometheus query API), everything else — anomalies, detector states — in the
 * SQLite or PostgreSQL state store beside it (the monitor's other systems keep their own tables there too).
 * @see https://docs.victoriametrics.com/single-server-victoriametrics/
 * @see https://docs.victoriametrics.com/cluster-victoriametrics/
 */
import type { Labels, Sample } from '../model/sample.ts';
import type { OpenedStore } from '../store/sqlite.ts';
import { AnomalyStateForwarder } from '../store/state-forwarding.ts';
import type {
  BucketedSampleReader,
  BucketResolutionMs,
  BucketSummary,
  SteppedRead,
  SteppedSampleReader,
} from '../store/stepped-types.ts';
import type { AppendResult, SeriesPoints, SeriesRef } from '../store/types.ts';
import { PromApiClient } from './prom-api.ts';
import { RemoteSampleStore } from './sample-store.ts';
import { RemoteWriteQueue, type RemoteWriteQueueMetrics } from './write-queue.ts';

/** Queue settings of the remote-write sender (see ./write-queue.ts). */
export interface RemoteWriteSettings {
  readonly capacity: number;
  readonly maxSamplesPerSend: number;
  readonly batchDeadlineMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
}

/** Options of {@link openRemoteStore}. */
export interface RemoteStoreOptions {
  /** Remote-write endpoint: `http://vm:8428/api/v1/write`, or vminsert's `/insert/<tenant>/prometheus/api/v1/write`. */
  readonly writeUrl: string;
  /** Query API root: `http://vm:8428`, or vmselect's `http://vmselect:8481/select/<tenant>/prometheus`. */
  readonly readUrl: string;
  /** The database's retention, ms: how far back series and names are looked up. */
  readonly retentionMs: number;
  /** Timeout of one write or query request, ms. */
  readonly timeoutMs: number;
  readonly queue: RemoteWriteSettings;
  /** Prometheus' `external_labels` of this monitor's samples (see RemoteSampleStoreOptions.externalLabels). */
  readonly externalLabels?: Labels;
  /** The `Authorization` header value of every write and query (basic auth or a bearer token), asked per request. */
  readonly authorization?: () => Promise<string | undefined>;
  /** Where anomalies and detector states are kept (already open; closed with this store). */
  readonly state: OpenedStore;
  readonly allowNonFinite?: boolean;
  readonly metrics?: RemoteWriteQueueMetrics;
  readonly onError?: (e: Error) => void;
  readonly now?: () => number;
}

/** Samples in the remote database, the rest in the state store; one object for the composition root. */
export class RemoteBackedStore
  extends AnomalyStateForwarder
  implements OpenedStore, SteppedSampleReader, BucketedSampleReader
{
  readonly samples: RemoteSampleStore;
  private readonly state: OpenedStore;

  constructor(samples: RemoteSampleStore, state: OpenedStore) {
    super(state, state);
    this.samples = samples;
    this.state = state;
  }

  get cachedSeries(): number {
    return this.samples.cachedSeries;
  }

  append(batch: readonly Sample[]): Promise<AppendResult> {
    return this.samples.append(batch);
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
  readForStep(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    stepMs: number,
    maxPointsPerSeries: number,
  ): Promise<SteppedRead> {
    return this.samples.readForStep(series, startMs, endMs, stepMs, maxPointsPerSeries);
  }
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
  applyRetention(nowMs: number): Promise<number> {
    return this.samples.applyRetention(nowMs);
  }
  countSamples(): Promise<number> {
    return this.samples.countSamples();
  }
  /** Sends what is queued (up to its deadline), then closes the state store. Idempotent. */
  async close(): Promise<void> {
    try {
      await this.samples.close();
    } finally {
      await this.state.close();
    }
  }
}

/**
 * The store of `storage.type: victoriametrics` over an open state store. Nothing is contacted before the first
 * write or read (the sender retries until the database is up).
 * @throws InvalidInputError on a bad queue setting or retention.
 */
export function openRemoteStore(opts: RemoteStoreOptions): RemoteBackedStore {
  const queue = new RemoteWriteQueue({
    url: opts.writeUrl,
    ...opts.queue,
    timeoutMs: opts.timeoutMs,
    ...(opts.authorization ? { authorization: opts.authorization } : {}),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  const samples = new RemoteSampleStore({
    queue,
    api: new PromApiClient({
      baseUrl: opts.readUrl,
      timeoutMs: opts.timeoutMs,
      ...(opts.authorization ? { authorization: opts.authorization } : {}),
    }),
    lookbackMs: opts.retentionMs,
    ...(opts.externalLabels ? { externalLabels: opts.externalLabels } : {}),
    ...(opts.allowNonFinite === undefined ? {} : { allowNonFinite: opts.allowNonFinite }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return new RemoteBackedStore(samples, opts.state);
}
