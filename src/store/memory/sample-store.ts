/**
 * `SampleStore` in process memory, bounded in series and in samples per series. Same contract as the SQL
 * stores (run through the same suite, test/helpers/store-contract.ts): duplicates (same series and
 * timestamp) are rejected and the first one wins, non-finite values are rejected unless allowed, a
 * fractional timestamp fails the whole batch before anything is stored, series ids are never reused.
 * Beyond the SQL stores it enforces two bounds: a new series beyond `maxSeries` is rejected as
 * `series_limit`, and a series keeps only its latest `maxSamplesPerSeries` samples (older ones are dropped
 * after the batch, like an early retention).
 */
import { StoreError } from '../../errors.ts';
import type { Labels, Sample } from '../../model/sample.ts';
import { bucketSpan, checkBucketRead, summaryPoints } from '../bucket-read.ts';
import { hasNul, SeriesKeyBuilder } from '../series-key-builder.ts';
import type { BucketedSampleReader, BucketResolutionMs, BucketSummary } from '../stepped-types.ts';
import { bucketize } from '../tsdb/rollup.ts';
import type { AppendResult, RejectReason, SampleStore, SeriesPoints, SeriesRef } from '../types.ts';
import {
  checkLimit,
  checkNow,
  checkPositiveInteger,
  checkRetention,
  checkSampleTimestamp,
  checkTimeRange,
} from '../validation.ts';
import { firstIndexAtLeast, firstIndexAbove } from '../../math/sorted.ts';

/** Default {@link MemorySampleStoreOptions.retentionMs}: one day. */
export const DEFAULT_MEMORY_RETENTION_MS = 86_400_000;
/** Default {@link MemorySampleStoreOptions.maxSeries}. */
export const DEFAULT_MEMORY_MAX_SERIES = 10_000;
/** Default {@link MemorySampleStoreOptions.maxSamplesPerSeries}. */
export const DEFAULT_MEMORY_MAX_SAMPLES_PER_SERIES = 10_000;

/** Options of {@link MemorySampleStore}. */
export interface MemorySampleStoreOptions {
  /** Samples older than `now - retentionMs` are deleted by `applyRetention` (ms, positive; default one day). */
  readonly retentionMs?: number;
  /** Store NaN/±Inf instead of rejecting them as `non_finite` (default false). */
  readonly allowNonFinite?: boolean;
  /** Series held at most; samples of further new series are rejected as `series_limit` (default 10 000). */
  readonly maxSeries?: number;
  /** Samples kept per series, the latest by timestamp (default 10 000). */
  readonly maxSamplesPerSeries?: number;
}

/** One series: its ref and its samples in timestamp order (parallel arrays). */
interface SeriesEntry {
  readonly ref: SeriesRef;
  readonly ts: number[];
  readonly vs: number[];
}

/** A copy of a series ref, so that callers never share the store's label objects. */
function copyRef(r: SeriesRef): SeriesRef {
  return { id: r.id, key: r.key, name: r.name, labels: { ...r.labels } };
}

/** Samples of bounded series in memory (see the module comment). */
export class MemorySampleStore implements SampleStore, BucketedSampleReader {
  readonly retentionMs: number;
  readonly maxSeries: number;
  readonly maxSamplesPerSeries: number;
  private readonly allowNonFinite: boolean;
  private readonly byKey = new Map<string, SeriesEntry>();
  private readonly byId = new Map<number, SeriesEntry>();
  /** Series per metric name, in creation order. */
  private readonly byName = new Map<string, Map<number, SeriesEntry>>();
  private nextId = 1;
  private samples = 0;
  private closed = false;

  /** @throws InvalidInputError when the retention is not positive or a bound is not a positive integer. */
  constructor(opts: MemorySampleStoreOptions = {}) {
    this.retentionMs = opts.retentionMs ?? DEFAULT_MEMORY_RETENTION_MS;
    checkRetention(this.retentionMs);
    this.allowNonFinite = opts.allowNonFinite ?? false;
    this.maxSeries = checkPositiveInteger('maxSeries', opts.maxSeries ?? DEFAULT_MEMORY_MAX_SERIES);
    this.maxSamplesPerSeries = checkPositiveInteger(
      'maxSamplesPerSeries',
      opts.maxSamplesPerSeries ?? DEFAULT_MEMORY_MAX_SAMPLES_PER_SERIES,
    );
  }

  /** Series held (at most `maxSeries`). */
  get seriesCount(): number {
    return this.byKey.size;
  }

  /**
   * Stores a batch (see `SampleStore.append`; -0 as +0): rejects `non_finite` (unless allowed), `duplicate`,
   * `invalid_text` and, for new series beyond `maxSeries`, `series_limit`; then trims each series to its latest `maxSamplesPerSeries`.
   * @throws InvalidInputError when a timestamp is not a safe integer (nothing is stored).
   * @throws StoreError after `close`.
   */
  async append(batch: readonly Sample[], given?: readonly string[]): Promise<AppendResult> {
    this.ensureOpen();
    for (const s of batch) checkSampleTimestamp(s.name, s.timestampMs);
    const rejected: Partial<Record<RejectReason, number>> = {};
    const count = (reason: RejectReason): void => {
      rejected[reason] = (rejected[reason] ?? 0) + 1;
    };
    const keyOf = new SeriesKeyBuilder();
    const touched = new Set<SeriesEntry>();
    let stored = 0;
    for (let i = 0; i < batch.length; i++) {
      const s = batch[i]!;
      if (!this.allowNonFinite && !Number.isFinite(s.value)) {
        count('non_finite');
        continue;
      }
      const key = given?.[i] ?? keyOf.key(s.name, s.labels);
      let e = this.byKey.get(key);
      if (e === undefined) {
        if (hasNul(key)) {
          count('invalid_text');
          continue;
        }
        if (this.byKey.size >= this.maxSeries) {
          count('series_limit');
          continue;
        }
        e = this.createSeries(key, s.name, s.labels);
      }
      if (!insertSorted(e, s.timestampMs, s.value === 0 ? 0 : s.value)) {
        count('duplicate');
        continue;
      }
      stored++;
      touched.add(e);
    }
    this.samples += stored;
    for (const e of touched) {
      const excess = e.ts.length - this.maxSamplesPerSeries;
      if (excess > 0) {
        e.ts.splice(0, excess);
        e.vs.splice(0, excess);
        this.samples -= excess;
      }
    }
    return { stored, rejected };
  }

  /**
   * Metric names containing `substring` (case-insensitive, literal), in code-unit order (byte order for the
   * ASCII names of Prometheus metrics), at most `limit`.
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError after `close`.
   */
  async searchMetricNames(substring: string, limit: number): Promise<string[]> {
    checkLimit(limit);
    this.ensureOpen();
    const needle = substring.toLowerCase();
    const names: string[] = [];
    for (const name of this.byName.keys()) if (name.toLowerCase().includes(needle)) names.push(name);
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return names.slice(0, limit);
  }

  /**
   * Series of `name` whose labels include every entry of `match`, in creation order, at most `limit`.
   * @throws InvalidInputError when `limit` is not a positive integer. @throws StoreError after `close`.
   */
  async findSeries(name: string, match: Labels, limit: number): Promise<SeriesRef[]> {
    checkLimit(limit);
    this.ensureOpen();
    const out: SeriesRef[] = [];
    const entries = Object.entries(match);
    for (const e of this.byName.get(name)?.values() ?? []) {
      if (entries.every(([k, v]) => e.ref.labels[k] === v)) {
        out.push(copyRef(e.ref));
        if (out.length >= limit) break;
      }
    }
    return out;
  }

  /**
   * Points of each series in [startMs, endMs] (inclusive), time-ordered, at most the latest
   * `maxPointsPerSeries` per series; a series that no longer exists has no points.
   * @throws InvalidInputError on a bad range or limit. @throws StoreError after `close`.
   */
  async readPoints(
    series: readonly SeriesRef[],
    startMs: number,
    endMs: number,
    maxPointsPerSeries: number,
  ): Promise<SeriesPoints[]> {
    checkLimit(maxPointsPerSeries);
    checkTimeRange(startMs, endMs);
    this.ensureOpen();
    const lo = Math.ceil(startMs);
    const hi = Math.floor(endMs);
    return series.map((s) => {
      const e = this.byId.get(s.id);
      if (e === undefined || lo > hi) return { series: s, timestampsMs: [], values: [] };
      const end = firstIndexAbove(e.ts, hi);
      const start = Math.max(firstIndexAtLeast(e.ts, lo), end - maxPointsPerSeries);
      return { series: s, timestampsMs: e.ts.slice(start, end), values: e.vs.slice(start, end) };
    });
  }

  /**
   * Bucketed reads (`BucketedSampleReader`, ../stepped-types.ts) summarised from the stored samples.
   * @throws InvalidInputError on bad arguments. @throws StoreError after `close`.
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
    this.ensureOpen();
    const { fromMs, toMs } = bucketSpan(startMs, endMs, resolutionMs);
    return series.map((s) => {
      const e = this.byId.get(s.id);
      if (e === undefined) return { series: s, timestampsMs: [], values: [] };
      const lo = firstIndexAtLeast(e.ts, fromMs);
      const hi = firstIndexAtLeast(e.ts, toMs);
      const b = bucketize(e.ts.slice(lo, hi), e.vs.slice(lo, hi), resolutionMs);
      return { series: s, ...summaryPoints(b, resolutionMs, summary, maxPointsPerSeries) };
    });
  }

  /**
   * Deletes samples older than `nowMs - retentionMs` (ts < floor(nowMs - retentionMs)) and series left
   * empty. Returns the number of samples deleted.
   * @throws InvalidInputError when `nowMs` is not finite. @throws StoreError after `close`.
   */
  async applyRetention(nowMs: number): Promise<number> {
    checkNow(nowMs);
    this.ensureOpen();
    const cutoff = Math.floor(nowMs - this.retentionMs);
    let deleted = 0;
    for (const e of [...this.byKey.values()]) {
      const n = firstIndexAtLeast(e.ts, cutoff);
      if (n > 0) {
        e.ts.splice(0, n);
        e.vs.splice(0, n);
        deleted += n;
      }
      if (e.ts.length === 0) this.deleteSeries(e);
    }
    this.samples -= deleted;
    return deleted;
  }

  /** Number of stored samples. @throws StoreError after `close`. */
  async countSamples(): Promise<number> {
    this.ensureOpen();
    return this.samples;
  }

  /** Drops every series; later calls other than `close` throw StoreError. */
  async close(): Promise<void> {
    this.closed = true;
    this.byKey.clear();
    this.byId.clear();
    this.byName.clear();
    this.samples = 0;
  }

  private ensureOpen(): void {
    if (this.closed) throw new StoreError('the in-memory sample store is closed');
  }

  private createSeries(key: string, name: string, labels: Labels): SeriesEntry {
    const e: SeriesEntry = { ref: { id: this.nextId++, key, name, labels: { ...labels } }, ts: [], vs: [] };
    this.byKey.set(key, e);
    this.byId.set(e.ref.id, e);
    let named = this.byName.get(name);
    if (named === undefined) {
      named = new Map();
      this.byName.set(name, named);
    }
    named.set(e.ref.id, e);
    return e;
  }

  private deleteSeries(e: SeriesEntry): void {
    this.byKey.delete(e.ref.key);
    this.byId.delete(e.ref.id);
    const named = this.byName.get(e.ref.name);
    named?.delete(e.ref.id);
    if (named?.size === 0) this.byName.delete(e.ref.name);
  }
}

/** Inserts (ts, v) keeping `e.ts` sorted; false (nothing inserted) when `ts` is already there. */
function insertSorted(e: SeriesEntry, ts: number, v: number): boolean {
  const n = e.ts.length;
  if (n === 0 || ts > e.ts[n - 1]!) {
    e.ts.push(ts);
    e.vs.push(v);
    return true;
  }
  const i = firstIndexAtLeast(e.ts, ts);
  if (e.ts[i] === ts) return false;
  e.ts.splice(i, 0, ts);
  e.vs.splice(i, 0, v);
  return true;
}
