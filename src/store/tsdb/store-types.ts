/**
 * Options, counters and error wrapping of the chunked sample store (tsdb-store.ts), kept apart so the store's
 * file holds only its serialised state and the steps that change it.
 */
import { InvalidInputError, StoreError } from '../../errors.ts';
import type { Sample } from '../../model/sample.ts';
import { MAX_ABS_TIMESTAMP_MS } from './codec/timestamps.ts';
import type { StoreDialect } from '../migrations.ts';
import type { SampleStore } from '../types.ts';
import type { TsdbOptions } from './options.ts';
import type { WalReplayStats } from './wal.ts';

/** Options of `TsdbSampleStore.open`. */
export interface TsdbStoreOptions extends Partial<TsdbOptions> {
  readonly dialect: StoreDialect;
  /** Directory of the write-ahead log (owned by this store; one store per directory). */
  readonly walDir: string;
  /** Store NaN/±Inf instead of rejecting them as `non_finite` (default false). */
  readonly allowNonFinite?: boolean;
  /** Wall clock for checkpoint timing (default Date.now). */
  readonly now?: () => number;
  /** Series lookups over the `series` table (series-catalog.ts). */
  readonly catalog: SeriesCatalog;
}

/** The series lookups of `SampleStore`, which do not depend on how samples are laid out. */
export type SeriesCatalog = Pick<SampleStore, 'searchMetricNames' | 'findSeries'>;

/** Counters of the store (for /metrics and tests). */
export interface TsdbStats {
  readonly headSeries: number;
  readonly headBytes: number;
  readonly headSamples: number;
  readonly pendingChunks: number;
  readonly chunkWriteErrors: number;
  readonly checkpoints: number;
  /** Series the checkpoint under way has still to write (0: none under way). */
  readonly checkpointSeriesLeft: number;
  readonly walBytes: number;
  readonly replay: WalReplayStats | undefined;
  readonly replayedSamples: number;
  readonly rollupWatermarkMs: number | undefined;
}

/** `e` as a StoreError naming `what` (StoreError and InvalidInputError pass through unchanged). */
export function wrapStoreError(what: string, e: unknown): StoreError {
  if (e instanceof StoreError || e instanceof InvalidInputError) return e as StoreError;
  return new StoreError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
}

/**
 * Refuses a batch holding a timestamp that is not an integer number of ms within ±2^50 (the chunk codec's range).
 * @throws InvalidInputError naming the first such sample (nothing of the batch is stored).
 */
export function checkBatchTimestamps(batch: readonly Sample[]): void {
  for (const s of batch) {
    if (!Number.isSafeInteger(s.timestampMs) || Math.abs(s.timestampMs) > MAX_ABS_TIMESTAMP_MS) {
      throw new InvalidInputError(
        `sample ${s.name}: timestamp ${s.timestampMs} is not an integer in ms within ±2^50`,
      );
    }
  }
}

/**
 * The whole milliseconds inside the inclusive read range [startMs, endMs] (samples sit on whole ms; the databases'
 * integer columns refuse a fractional bound), or undefined when it holds none.
 * @throws InvalidInputError on a non-finite or reversed range, or a limit that is not a positive integer.
 */
export function wholeMsRange(
  startMs: number,
  endMs: number,
  maxPointsPerSeries: number,
): { fromMs: number; toMs: number } | undefined {
  if (!Number.isInteger(maxPointsPerSeries) || maxPointsPerSeries < 1)
    throw new InvalidInputError(`limit must be a positive integer, got ${maxPointsPerSeries}`);
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs)
    throw new InvalidInputError(`bad time range [${startMs}, ${endMs}]`);
  const fromMs = Math.ceil(startMs);
  const toMs = Math.floor(endMs);
  return fromMs > toMs ? undefined : { fromMs, toMs };
}
