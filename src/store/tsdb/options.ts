/**
 * Options of the chunked time-series store and their defaults. Sizes are chosen so that one chunk holds
 * at most 8 minutes of a 1 s series, and a chunk of full-precision floats (about 6-7 bytes per sample stored) is
 * cut at about 1.9-2 KiB, so that two such rows fill a 4 KiB SQLite page; raw samples are kept 48 h,
 * 1-minute rollups 30 days (a 30-day SLO window is fully covered) and 1-hour rollups a year.
 */
import { InvalidInputError } from '../../errors.ts';
import { LEAF_BYTES, ROW_OVERHEAD_BYTES } from './page-pack.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Options of the chunked store (every field optional; see {@link DEFAULT_TSDB_OPTIONS}). */
export interface TsdbOptions {
  /** Raw samples older than `now - rawRetentionMs` are deleted (at chunk granularity). */
  readonly rawRetentionMs: number;
  /** 1-minute rollups older than this are deleted. */
  readonly rollup1mRetentionMs: number;
  /** 1-hour rollups older than this are deleted. */
  readonly rollup1hRetentionMs: number;
  /** A chunk is cut when it holds this many samples. */
  readonly maxSamplesPerChunk: number;
  /** A chunk is cut before a sample that is this much later than the chunk's first sample (ms). */
  readonly maxChunkSpanMs: number;
  /**
   * Largest stored (compacted) chunk blob written by a cut (bytes): a chunk is cut before a sample that would take
   * it past 97 % of this, as estimated from the open chunk's size and the series' last compaction ratio, and a
   * chunk that compacts to more is split (head.ts). The default lets two chunk rows share a 4 KiB SQLite page.
   */
  readonly maxChunkBytes: number;
  /** Series held in the head at most; the longest idle ones are flushed and dropped beyond it. */
  readonly maxHeadSeries: number;
  /** Accounted head memory at most (bytes): open chunks are cut, largest first, beyond it. */
  readonly maxHeadBytes: number;
  /** WAL bytes since the last checkpoint that trigger a checkpoint. */
  readonly walCheckpointBytes: number;
  /**
   * Cut chunks are written to the database together, at most this often (ms of the store's clock); until then
   * they wait in memory (served to readers; their samples are in the WAL, so no durability is lost).
   */
  readonly chunkWriteIntervalMs: number;
  /** Cut chunks waiting in memory at most: reaching it writes them at once. */
  readonly maxPendingChunks: number;
  /** Time between checkpoints at most (ms of wall-clock time). */
  readonly checkpointIntervalMs: number;
  /**
   * Series whose open chunk a checkpoint writes per append at most (checkpoint-slices.ts): the checkpoint is spread
   * over appends, which interleave, instead of stalling them while the whole head is written.
   */
  readonly checkpointSliceSeries: number;
  /**
   * Open-chunk bytes (format 1, before compaction) a checkpoint writes per append at most, unless one series alone
   * holds more (bounds a slice's compaction and SQL work with `checkpointSliceSeries`).
   */
  readonly checkpointSliceBytes: number;
  /** WAL fsync period (ms): an OS crash or power loss loses at most this much acknowledged data. */
  readonly walFsyncIntervalMs: number;
  /** An hour is rolled up once `now` is this far past its end (ms), so late scrapes still count. */
  readonly rollupDelayMs: number;
  /** Hours rolled up per maintenance call at most (bounds one call's work after a long pause). */
  readonly maxRollupHoursPerRun: number;
  /**
   * Rollup rows kept for range queries at most (accounted bytes; 0 turns the cache off). A row read from the
   * database is kept as its compressed blob (a day of 1-minute buckets: about 2.4 KB per series on the
   * simulator's series, entries included); a row rewritten by a rollup pass as its decoded column, 5.9 KB per
   * series and day when its values are exact float32s, 11.7 KB otherwise.
   */
  readonly queryCacheBytes: number;
  /**
   * Aggregated range-query results kept at most (accounted bytes; 0 turns the cache off): per repeated query
   * shape the steps below the rollup watermark, about 9 bytes per group and step (result-cache.ts).
   */
  readonly queryResultCacheBytes: number;
}

/**
 * Default `maxChunkBytes` (2003): half a 4 KiB table leaf page less one row's overhead (page-pack.ts), so that two
 * cut chunks share a page.
 */
export const DEFAULT_MAX_CHUNK_BYTES = LEAF_BYTES / 2 - ROW_OVERHEAD_BYTES;

/** The defaults. */
export const DEFAULT_TSDB_OPTIONS: TsdbOptions = {
  rawRetentionMs: 48 * HOUR,
  rollup1mRetentionMs: 31 * DAY,
  rollup1hRetentionMs: 366 * DAY,
  maxSamplesPerChunk: 480,
  maxChunkSpanMs: 2 * HOUR,
  maxChunkBytes: DEFAULT_MAX_CHUNK_BYTES,
  maxHeadSeries: 200_000,
  maxHeadBytes: 512 * 1024 * 1024,
  walCheckpointBytes: 128 * 1024 * 1024,
  chunkWriteIntervalMs: 1000,
  maxPendingChunks: 4096,
  checkpointIntervalMs: 5 * MINUTE,
  checkpointSliceSeries: 256,
  checkpointSliceBytes: 256 * 1024,
  walFsyncIntervalMs: 1000,
  rollupDelayMs: 5 * MINUTE,
  maxRollupHoursPerRun: 6,
  queryCacheBytes: 256 * 1024 * 1024,
  queryResultCacheBytes: 32 * 1024 * 1024,
};

/** Options that may be 0 (a feature turned off). */
const MAY_BE_ZERO: ReadonlySet<string> = new Set(['queryCacheBytes', 'queryResultCacheBytes']);

/** Resolution of the fine rollups (ms). */
export const ROLLUP_1M_MS = MINUTE;
/** Resolution of the coarse rollups (ms). */
export const ROLLUP_1H_MS = HOUR;
/** Time span of one stored rollup row: a day of 1-minute buckets (1440), 30 days of 1-hour buckets (720). */
export const ROLLUP_ROW_SPAN_MS: Readonly<Record<number, number>> = { [MINUTE]: DAY, [HOUR]: 30 * DAY };

/**
 * Merges `partial` over the defaults and checks every field.
 * @throws InvalidInputError when a field is not a positive integer (`queryCacheBytes`, `queryResultCacheBytes`: not a non-negative one), a rollup retention is shorter than the span it
 *   must cover (1-minute rollups < 1 day, 1-hour rollups < 1-minute rollups), or the chunk limits
 *   are outside 2..65535 samples / 1 s..24 h / 64 B..16 MiB.
 */
export function resolveTsdbOptions(partial: Partial<TsdbOptions> = {}): TsdbOptions {
  const o: Record<string, number> = { ...DEFAULT_TSDB_OPTIONS };
  for (const k of Object.keys(DEFAULT_TSDB_OPTIONS) as (keyof TsdbOptions)[]) {
    const v = partial[k] ?? DEFAULT_TSDB_OPTIONS[k];
    if (!Number.isSafeInteger(v) || v < 0 || (v === 0 && !MAY_BE_ZERO.has(k)))
      throw new InvalidInputError(`storage option ${k} must be a positive integer, got ${String(v)}`);
    o[k] = v;
  }
  return checkRelations(o as unknown as TsdbOptions);
}

function checkRelations(o: TsdbOptions): TsdbOptions {
  if (o.maxSamplesPerChunk < 2 || o.maxSamplesPerChunk > 65_535)
    throw new InvalidInputError(`maxSamplesPerChunk must be in 2..65535, got ${o.maxSamplesPerChunk}`);
  if (o.maxChunkBytes < 64 || o.maxChunkBytes > 1 << 24)
    throw new InvalidInputError(`maxChunkBytes must be in 64..16777216, got ${o.maxChunkBytes}`);
  if (o.maxChunkSpanMs < 1000 || o.maxChunkSpanMs > DAY)
    throw new InvalidInputError(`maxChunkSpanMs must be in 1 s..24 h, got ${o.maxChunkSpanMs}`);
  if (o.rollup1mRetentionMs < DAY)
    throw new InvalidInputError(
      `1-minute rollup retention must be at least 1 day, got ${o.rollup1mRetentionMs} ms`,
    );
  if (o.rollup1hRetentionMs < o.rollup1mRetentionMs)
    throw new InvalidInputError('1-hour rollup retention must not be shorter than the 1-minute one');
  return o;
}
