/**
 * `SampleStore` on a remote time-series database that speaks Prometheus remote write and the Prometheus query
 * API — VictoriaMetrics single-node, or a VictoriaMetrics cluster (vminsert for writes, vmselect for reads).
 * Writes go through the bounded remote-write queue (./write-queue.ts): `append` checks the batch as every store
 * does and queues it; "stored" means queued for delivery, and what the database later refuses is counted by the
 * queue's metrics. Reads: raw samples by instant queries of range selectors, stepped and bucketed reads by
 * `query_range` of `last_over_time` (or `avg_over_time` for bucket means), series and metric names by the series and label-values APIs. Retention is the database's own
 * (`-retentionPeriod`); the store looks back `lookbackMs` for series and names.
 *
 * Differences from the SQL stores, by the database's design: NaN is never stored (VictoriaMetrics drops NaN
 * samples), so it is rejected as `non_finite` even when non-finite values are allowed (±Inf are stored then); a
 * sample equal in series and time to one stored by an earlier batch is not detected here (the monitor's tracker
 * drops those before `append`; VictoriaMetrics keeps one of them when `-dedup.minScrapeInterval` is set); series
 * are listed in series-key order (the database keeps no creation order); `countSamples` is a query over the
 * lookback window, for tests; samples become visible to reads once the database has flushed them (about a
 * second after they were sent).
 * @see https://prometheus.io/docs/concepts/remote_write_spec/
 * @see https://docs.victoriametrics.com/single-server-victoriametrics/
 */
import { InvalidInputError, StoreError } from '../errors.ts';
import { seriesKey, type Labels, type Sample } from '../model/sample.ts';
import { LruCache } from '../store/lru-cache.ts';
import { checkBucketRead } from '../store/bucket-read.ts';
import type {
  BucketedSampleReader,
  BucketResolutionMs,
  BucketSummary,
  ReadResolutionMs,
  SteppedRead,
  SteppedSampleReader,
} from '../store/stepped-types.ts';
import type { AppendResult, RejectReason, SampleStore, SeriesPoints, SeriesRef } from '../store/types.ts';
import { labelMatchers, promString, selector, type MatrixSeries, type PromApiClient } from './prom-api.ts';
import type { RemoteWriteQueue } from './write-queue.ts';

/** Options of {@link RemoteSampleStore}. */
export interface RemoteSampleStoreOptions {
  readonly queue: RemoteWriteQueue;
  readonly api: PromApiClient;
  /** How far back series and metric names are looked up, ms (the database's retention). */
  readonly lookbackMs: number;
  /**
   * Prometheus' `external_labels`: added to every written sample that lacks the label, added as matchers to every
   * read and left out of the labels read back (so a monitor reads only its own group's series in a shared database).
   */
  readonly externalLabels?: Labels;
  /** Store ±Inf instead of rejecting them (NaN is always rejected, see the module note). */
  readonly allowNonFinite?: boolean;
  /** Series keys given an id, at most (default 100 000; a key seen again after eviction gets a new id). */
  readonly seriesIdCacheSize?: number;
  /** How long `close` keeps sending what is queued, ms (default 5000). */
  readonly closeDeadlineMs?: number;
  /** Clock, Unix ms (default Date.now). */
  readonly now?: () => number;
}

/** Time a lookup of series and names reaches into the future (samples ahead of the clock), ms. */
const AHEAD_MS = 86_400_000;

const hasNul = (s: Sample): boolean =>
  s.name.includes('\u0000') ||
  Object.entries(s.labels).some(([k, v]) => k.includes('\u0000') || v.includes('\u0000'));

/** `m` without `__name__` and without the external labels (when they have the external value). */
const labelsWithoutName = (m: Labels, external: Labels): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const k in m) if (k !== '__name__' && external[k] !== m[k]) out[k] = m[k]!;
  return out;
};

function checkRange(startMs: number, endMs: number, max: number): void {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs)
    throw new InvalidInputError(`bad time range [${startMs}, ${endMs}]`);
  if (!Number.isInteger(max) || max < 1)
    throw new InvalidInputError(`maxPointsPerSeries must be a positive integer, got ${max}`);
}

/** Labels every series of the group has with the same value (the group's common selector). */
function commonLabels(refs: readonly SeriesRef[]): Labels {
  const [first, ...rest] = refs;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first!.labels)) if (rest.every((r) => r.labels[k] === v)) out[k] = v;
  return out;
}

/** A sample store on remote write + the Prometheus query API. */
export class RemoteSampleStore implements SampleStore, SteppedSampleReader, BucketedSampleReader {
  private readonly o: RemoteSampleStoreOptions;
  private readonly ids: LruCache<string, number>;
  private nextId = 1;
  private closed = false;
  private readonly now: () => number;
  private readonly external: Labels;

  constructor(opts: RemoteSampleStoreOptions) {
    if (!(opts.lookbackMs > 0)) throw new InvalidInputError('lookbackMs must be positive');
    this.o = opts;
    this.ids = new LruCache(opts.seriesIdCacheSize ?? 100_000);
    this.now = opts.now ?? Date.now;
    this.external = { ...(opts.externalLabels ?? {}) };
  }

  /** Series keys holding an id now. */
  get cachedSeries(): number {
    return this.ids.size;
  }

  /**
   * Checks the batch and queues what passes (see the module note for what differs from the SQL stores).
   * Samples the full queue cannot take are rejected as `queue_full`.
   * @throws InvalidInputError when a timestamp is not a safe integer (nothing is queued). @throws StoreError after close.
   */
  async append(batch: readonly Sample[]): Promise<AppendResult> {
    this.open();
    for (const s of batch)
      if (!Number.isSafeInteger(s.timestampMs))
        throw new InvalidInputError(`timestamp ${s.timestampMs} of ${s.name} is not an integer in ms`);
    const rejected: Partial<Record<RejectReason, number>> = {};
    const reject = (r: RejectReason) => void (rejected[r] = (rejected[r] ?? 0) + 1);
    const seen = new Set<string>();
    const ok: Sample[] = [];
    for (const s of batch) {
      if (Number.isNaN(s.value) || (!Number.isFinite(s.value) && this.o.allowNonFinite !== true))
        reject('non_finite');
      else if (hasNul(s)) reject('invalid_text');
      else {
        const k = `${seriesKey(s.name, s.labels)}@${s.timestampMs}`;
        if (seen.has(k)) reject('duplicate');
        else {
          seen.add(k);
          ok.push(this.withExternalLabels(s.value === 0 ? { ...s, value: 0 } : s));
        }
      }
    }
    const taken = ok.length === 0 ? 0 : this.o.queue.push(ok);
    if (taken < ok.length) rejected.queue_full = ok.length - taken;
    return { stored: taken, rejected };
  }

  /**
   * Sends everything queued so far; resolves true when the queue emptied within `timeoutMs`.
   * @throws StoreError after close.
   */
  async flush(timeoutMs: number): Promise<boolean> {
    this.open();
    return this.o.queue.flush(timeoutMs);
  }

  /** @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError on query failure or after close. */
  async searchMetricNames(substring: string, limit: number): Promise<string[]> {
    this.open();
    if (!Number.isInteger(limit) || limit < 1)
      throw new InvalidInputError(`limit must be a positive integer, got ${limit}`);
    const now = this.now();
    const group = Object.keys(this.external).length > 0 ? labelMatchers(this.external) : undefined;
    const names = await this.o.api.labelValues('__name__', now - this.o.lookbackMs, now + AHEAD_MS, group);
    const needle = substring.toLowerCase();
    return [...new Set(names)]
      .filter((n) => n.toLowerCase().includes(needle))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
      .slice(0, limit);
  }

  /** Series in series-key order (see the module note). @throws InvalidInputError on a bad limit. @throws StoreError on query failure or after close. */
  async findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    this.open();
    if (!Number.isInteger(limit) || limit < 1)
      throw new InvalidInputError(`limit must be a positive integer, got ${limit}`);
    const now = this.now();
    const found = await this.o.api.series(
      this.selector(name, match),
      now - this.o.lookbackMs,
      now + AHEAD_MS,
    );
    const refs = found.map((m) => this.ref(name, labelsWithoutName(m, this.external)));
    refs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return refs.slice(0, limit);
  }

  /** @throws InvalidInputError on a bad range or limit. @throws StoreError on query failure or after close. */
  async readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    this.open();
    checkRange(startMs, endMs, maxPointsPerSeries);
    return this.readGroups(
      series,
      maxPointsPerSeries,
      (sel) => this.o.api.rawSamples(sel, startMs, endMs),
      0,
    );
  }

  /**
   * Raw samples for steps under a minute; otherwise one point per minute (steps under an hour) or hour bucket,
   * at the bucket's last millisecond with the bucket's last value: `last_over_time(sel[res] offset 1ms)`
   * evaluated by `query_range` at the bucket ends (step-aligned, so the database's result cache applies).
   * @throws InvalidInputError on a bad range, step or limit. @throws StoreError on query failure or after close.
   */
  async readForStep(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    stepMs: number,
    maxPointsPerSeries: number,
  ): Promise<SteppedRead> {
    this.open();
    checkRange(startMs, endMs, maxPointsPerSeries);
    if (!(stepMs > 0) || !Number.isFinite(stepMs))
      throw new InvalidInputError(`step must be positive, got ${stepMs}`);
    const res: ReadResolutionMs = stepMs >= 3_600_000 ? 3_600_000 : stepMs >= 60_000 ? 60_000 : 0;
    if (res === 0)
      return { resolutionMs: 0, points: await this.readPoints(series, startMs, endMs, maxPointsPerSeries) };
    return {
      resolutionMs: res,
      points: await this.readBucketQuery(series, startMs, endMs, res, 'last_over_time', maxPointsPerSeries),
    };
  }

  /**
   * Bucketed reads (`BucketedSampleReader`): `last_over_time` (last) or `avg_over_time` (mean) of each bucket,
   * evaluated by `query_range` at the bucket ends as {@link readForStep} does; one query per metric name.
   * @throws InvalidInputError on bad arguments. @throws StoreError on query failure or after close.
   */
  async readBuckets(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    resolutionMs: BucketResolutionMs,
    summary: BucketSummary,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    this.open();
    checkBucketRead(startMs, endMs, resolutionMs, summary, maxPointsPerSeries);
    return this.readBucketQuery(
      series,
      startMs,
      endMs,
      resolutionMs,
      summary === 'last' ? 'last_over_time' : 'avg_over_time',
      maxPointsPerSeries,
    );
  }

  /** Retention is the database's own (`-retentionPeriod`): nothing is deleted here. @throws InvalidInputError when `nowMs` is not finite. */
  async applyRetention(nowMs: number): Promise<number> {
    this.open();
    if (!Number.isFinite(nowMs)) throw new InvalidInputError('nowMs must be finite');
    return 0;
  }

  /** Samples visible to queries over the lookback window (a query over every series: for tests). @throws StoreError on query failure or after close. */
  async countSamples(): Promise<number> {
    this.open();
    const days = Math.ceil(this.o.lookbackMs / 86_400_000);
    const group = Object.keys(this.external)
      .map((k) => `,${k}=${promString(this.external[k]!)}`)
      .join('');
    return this.o.api.instantValue(`sum(count_over_time({__name__!=""${group}}[${days}d]))`, this.now());
  }

  /** Sends what is queued (up to the close deadline), then stops; later calls fail with StoreError. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.o.queue.close(this.o.closeDeadlineMs ?? 5000);
  }

  private open(): void {
    if (this.closed) throw new StoreError('remote sample store is closed');
  }

  /** A selector of `name` and `match` within this monitor's external labels. */
  private selector(name: string, match: Labels): string {
    return selector(name, { ...match, ...this.external });
  }

  private withExternalLabels(s: Sample): Sample {
    for (const k in this.external)
      if (!(k in s.labels)) return { ...s, labels: { ...this.external, ...s.labels } };
    return s;
  }

  private ref(name: string, labels: Labels): SeriesRef {
    const key = seriesKey(name, labels);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(key, id);
    }
    return { id, key, name, labels: { ...labels } };
  }

  /** `fn(sel[res] offset 1ms)` at the ends of the buckets of [startMs, endMs]: one point per bucket at its last millisecond. */
  private readBucketQuery(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    res: BucketResolutionMs,
    fn: 'last_over_time' | 'avg_over_time',
    max: number,
  ): Promise<SeriesPoints[]> {
    const first = Math.floor(startMs / res) * res + res;
    const last = Math.floor(endMs / res) * res + res;
    return this.readGroups(
      series,
      max,
      (sel) => this.o.api.queryRange(`${fn}(${sel}[${res}ms] offset 1ms)`, first, last, res),
      -1,
    );
  }

  /**
   * Reads each metric name's series with one query over the labels they share, and hands every asked series its
   * points (the latest `max`, timestamps moved by `shiftMs`); series the answer lacks get none.
   */
  private async readGroups(
    series: readonly SeriesRef[],
    max: number,
    read: (sel: string) => Promise<MatrixSeries[]>,
    shiftMs: number,
  ): Promise<SeriesPoints[]> {
    const byName = new Map<string, SeriesRef[]>();
    for (const r of series) {
      const group = byName.get(r.name);
      if (group) group.push(r);
      else byName.set(r.name, [r]);
    }
    const found = new Map<string, MatrixSeries>();
    for (const [name, refs] of byName) {
      for (const m of await read(this.selector(name, commonLabels(refs))))
        found.set(seriesKey(name, labelsWithoutName(m.metric, this.external)), m);
    }
    return series.map((r) => {
      const m = found.get(r.key);
      if (!m) return { series: r, timestampsMs: [], values: [] };
      const from = Math.max(0, m.timestampsMs.length - max);
      return {
        series: r,
        timestampsMs: m.timestampsMs.slice(from).map((t) => t + shiftMs),
        values: m.values.slice(from).map((v) => (v === 0 ? 0 : v)),
      };
    });
  }
}
