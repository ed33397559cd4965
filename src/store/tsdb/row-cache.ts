/**
 * A bounded cache of rollup rows for range queries: per (series, resolution, row) the row's bucket lasts as a
 * dense column over the row's bucket grid (a day of 1-minute buckets, 30 days of 1-hour buckets; NaN marks a
 * bucket that does not exist, which is lossless because a bucket's last is never NaN), as `Float32Array` when
 * every value of the row is exactly a float32 (counters, integer gauges), `Float64Array` otherwise; values are
 * the stored bits either way. Bucket starts are not kept: they are the grid. A row read from the database is
 * held as its compressed `last_data` blob (a quarter to a half of the column's bytes), which a later query
 * decodes straight into its own column; from the read set by `promoteAtRead` (default: the second) a query
 * keeps such rows decoded, but only up to `promoteBytesPerRead` decoded bytes per query (default 8 MiB): at
 * 10 000 series a read promoting every row allocated 90 MB of columns at once and was the slowest query of all,
 * while never promoting made every read decode every blob again (docs/storage.md). A repeated query so
 * converges to copies of kept columns over a few reads, and no read allocates more than its budget.
 *
 * Rows that do not exist are cached too (as absent), so a series without data on a day is not looked up again.
 * Every rollup write replaces the entry of its row when it is cached (write-through), retention drops the
 * entries of deleted rows, and each of them bumps an epoch: a reader fills the cache only with rows it read
 * while the epoch stayed unchanged, so a row read before a concurrent rewrite is never kept.
 *
 * Bounded by accounted bytes (`maxBytes`: the value column plus {@link ENTRY_OVERHEAD_BYTES}), least recently
 * used first out. A query never evicts rows that it has itself used: when its rows do not fit, the rest of them
 * are read and decoded as without a cache (counted in `bypassed`), so a query larger than the cache degrades to
 * the uncached path instead of evicting its own rows in a loop.
 *
 * @see Prometheus answers recent queries from its in-memory head block,
 *   https://ganeshvernekar.com/blog/prometheus-tsdb-the-head-block/; VictoriaMetrics bounds its internal caches by
 *   `-memory.allowedPercent` and caches rollup results (`rollupResultCache`, `-search.disableCache`),
 *   https://docs.victoriametrics.com/single-server-victoriametrics/#cache-tuning
 */
import { InvalidInputError } from '../../errors.ts';
import { ROLLUP_ROW_SPAN_MS } from './options.ts';
import { RollupWriteLog } from './write-log.ts';

/**
 * The read on which a row held compressed may be kept decoded by default: its second, within the read's budget
 * ({@link DEFAULT_PROMOTE_BYTES_PER_READ}). Unbounded, promoting every row on its second read made that read the
 * slowest query of all at 10 000 series (90 MB of columns allocated at once); never promoting made every later
 * read decode every blob again (docs/storage.md).
 */
export const DEFAULT_PROMOTE_AT_READ = 2;

/**
 * Decoded bytes a read keeps at most by default (8 MiB: about 1,400 day rows of float32 values), so a repeated
 * query converges to copies of kept columns over a few reads without one read allocating them all.
 */
export const DEFAULT_PROMOTE_BYTES_PER_READ = 8 * 1024 * 1024;

/** Accounted bytes of one entry besides its value column (entry object, key string, map slot). */
export const ENTRY_OVERHEAD_BYTES = 160;

/**
 * A cached row: the last value of every bucket of its grid up to the last existing one (NaN: no bucket), or its
 * compressed `last_data` blob (decoded straight into each query's column; kept decoded once read as often as the
 * cache's `promoteAtRead`, by default never). Neither: the row does not exist.
 */
export interface CachedRow {
  /** Row start (ms, a multiple of the row span). */
  readonly start: number;
  /** Bucket width (ms). */
  readonly resolutionMs: number;
  /** undefined when the row does not exist or is held compressed (`blob`). */
  readonly values: Float32Array | Float64Array | undefined;
  /** The row's `last_data` as stored (an array of its own, not a view of a larger buffer), when held compressed. */
  readonly blob?: Uint8Array;
  /** Reads of a row held compressed so far, the one that put it in the cache included (the cache counts them). */
  reads?: number;
  /** Start of the row's last bucket (ms; the row's `end_ts`), -Infinity when absent. */
  readonly lastBucket: number;
}

/**
 * `blob` as an array that owns exactly its bytes: a driver's buffer may be a view of a larger pooled one
 * (Node's `Buffer.from` of a few KiB), which a cache entry would keep alive whole.
 */
export function ownedBytes(blob: Uint8Array): Uint8Array {
  return blob.byteOffset === 0 && blob.byteLength === blob.buffer.byteLength ? blob : new Uint8Array(blob);
}

interface Entry {
  readonly row: CachedRow;
  readonly bytes: number;
  /** The query that used the entry last. */
  stamp: number;
}

/** Counters of the cache (for /metrics and tests). */
export interface RowCacheStats {
  readonly maxBytes: number;
  readonly bytes: number;
  readonly entries: number;
  /** Of the entries, rows held compressed (read once so far). */
  readonly compressed: number;
  /** Rows served from the cache. */
  readonly hits: number;
  /** Rows not in the cache, read from the database. */
  readonly misses: number;
  /** Of the misses, rows not kept because the cache was full of the same query's rows or the row alone exceeds the bound. */
  readonly bypassed: number;
  /** Entries evicted to make room. */
  readonly evictions: number;
}

/** Where the cache reports itself (`dwcp_monitor_query_cache_*`, src/store/tsdb/cache-metrics.ts). */
export interface RowCacheMetrics {
  /** Rows served from the cache (`hit`), read from the database (`miss`), and of those not kept because it was full (`bypassed`). */
  rows(result: 'hit' | 'miss' | 'bypassed', n: number): void;
  /** Accounted bytes held now. */
  bytes(n: number): void;
}

/**
 * Key of a cached row: a number (a Map hashes it without building or flattening a string, which at 20,000 rows
 * per cold query was most of the cache's cost) when the series id is below 2^31 and the row lies on its
 * resolution's row grid within ±2^20 rows of 1970 (±2,870 years of day rows), else a string; the two kinds never
 * collide in a Map, and each is one-to-one on (series, resolution, row start).
 */
export type RowKey = number | string;

/** Slot of each rollup resolution in a numeric {@link RowKey}. */
const RESOLUTION_SLOT: Readonly<Record<number, number>> = { 60_000: 0, 3_600_000: 1 };
const ROW_INDEX_BITS = 2 ** 21;
const ROW_INDEX_BIAS = 2 ** 20;
const MAX_KEYED_SERIES_ID = 2 ** 31;

/** Key of a row (see {@link RowKey}). */
export function rowKey(seriesId: number, resolutionMs: number, start: number): RowKey {
  const slot = RESOLUTION_SLOT[resolutionMs];
  const span = ROLLUP_ROW_SPAN_MS[resolutionMs];
  if (slot !== undefined && span !== undefined && seriesId >= 0 && seriesId < MAX_KEYED_SERIES_ID) {
    const row = start / span + ROW_INDEX_BIAS;
    if (Number.isInteger(row) && row >= 0 && row < ROW_INDEX_BITS && Number.isInteger(seriesId))
      return (seriesId * 2 + slot) * ROW_INDEX_BITS + row;
  }
  return `${seriesId}:${resolutionMs}:${start}`;
}

/** Scratch column of {@link denseRow} (grown to the largest row seen; a row holds at most 1440 buckets). */
let scratch = new Float64Array(1440);

/**
 * The dense column of a row's buckets (bucket starts `ts[0..n)` on the row's grid, lasts `last[0..n)`), or
 * undefined when a bucket lies off the grid or a last is NaN (not representable; such a row is not cached).
 */
export function denseRow(
  start: number,
  resolutionMs: number,
  ts: ArrayLike<number>,
  last: ArrayLike<number>,
  n: number,
): Float32Array | Float64Array | undefined {
  const slots = ROLLUP_ROW_SPAN_MS[resolutionMs]! / resolutionMs;
  if (n === 0) return new Float32Array(0);
  const top = (ts[n - 1]! - start) / resolutionMs;
  if (!Number.isInteger(top) || top < 0 || top >= slots) return undefined;
  // One pass into a scratch column (checks, float32-ness, placement), then one copy into the kept array.
  if (scratch.length < top + 1) scratch = new Float64Array(Math.max(top + 1, scratch.length * 2));
  const col = scratch;
  col.fill(Number.NaN, 0, top + 1);
  let f32 = true;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const k = (ts[i]! - start) / resolutionMs;
    // k is an integer in (prev, top]: (k | 0) === k holds for integers below 2^31 (top < slots).
    if (!(k > prev && k <= top) || (k | 0) !== k) return undefined;
    const v = last[i]!;
    if (v !== v) return undefined;
    if (f32 && Math.fround(v) !== v) f32 = false;
    col[k] = v;
    prev = k;
  }
  const out = f32 ? new Float32Array(top + 1) : new Float64Array(top + 1);
  out.set(col.subarray(0, top + 1));
  return out;
}

/** The cache (see the file header). */
export class RollupRowCache {
  readonly maxBytes: number;
  private readonly map = new Map<RowKey, Entry>();
  private used = 0;
  private seq = 0;
  private epochN = 0;
  private writeEpochN = 0;
  private readonly cutoffs = new Map<number, number>();
  private hitN = 0;
  private missN = 0;
  private bypassN = 0;
  private evictN = 0;
  private metrics: RowCacheMetrics | undefined;
  private published = { hits: 0, misses: 0, bypassed: 0 };
  /** The series and bucket ranges of recent rollup writes (write-log.ts), for the result cache's validity. */
  private readonly writes = new RollupWriteLog();

  /** The read of a row held compressed from which it may be kept decoded (Infinity: never). */
  private promoteAt: number;
  /** Decoded bytes one read (query stamp) may keep at most. */
  private promoteBytes: number;
  /** The read whose promotion budget {@link budgetLeft} is. */
  private budgetStamp = -1;
  private budgetLeft = 0;

  /**
   * @param maxBytes accounted bytes at most; 0 disables the cache.
   * @param promoteAtRead the read of a row held compressed from which a query may keep it decoded instead
   *   (default 2; Infinity: never, every read decodes the blob straight into the query's column).
   * @param promoteBytesPerRead decoded bytes one read keeps at most (default 8 MiB; the read that crosses it
   *   keeps that one row more, so at most the budget plus one row's column).
   * @throws InvalidInputError as {@link setPromoteAtRead} and {@link setPromoteBytesPerRead}.
   */
  constructor(
    maxBytes: number,
    promoteAtRead = DEFAULT_PROMOTE_AT_READ,
    promoteBytesPerRead = DEFAULT_PROMOTE_BYTES_PER_READ,
  ) {
    this.maxBytes = maxBytes;
    this.promoteAt = DEFAULT_PROMOTE_AT_READ;
    this.promoteBytes = DEFAULT_PROMOTE_BYTES_PER_READ;
    this.setPromoteAtRead(promoteAtRead);
    this.setPromoteBytesPerRead(promoteBytesPerRead);
  }

  /**
   * Sets the read on which a row held compressed is kept decoded (>= 2, or Infinity: never), for benchmarks.
   * @throws InvalidInputError when `read` is not an integer >= 2 or Infinity.
   */
  setPromoteAtRead(read: number): void {
    if (read !== Infinity && (!Number.isInteger(read) || read < 2))
      throw new InvalidInputError(`row cache: promote at read ${read} (want an integer >= 2 or Infinity)`);
    this.promoteAt = read;
  }

  /**
   * Sets the decoded bytes one read may keep (a positive integer or Infinity: unbounded), for benchmarks.
   * @throws InvalidInputError when `bytes` is not a positive integer or Infinity.
   */
  setPromoteBytesPerRead(bytes: number): void {
    if (bytes !== Infinity && (!Number.isInteger(bytes) || bytes < 1))
      throw new InvalidInputError(
        `row cache: promote bytes per read ${bytes} (want an integer >= 1 or Infinity)`,
      );
    this.promoteBytes = bytes;
  }

  /**
   * Whether query `stamp`, which just got `row` from the cache, should keep it decoded: a compressed row read
   * often enough, while the query's promotion budget lasts (charged by {@link put} with `decoded`).
   */
  promotes(row: CachedRow, stamp: number): boolean {
    if (row.blob === undefined || (row.reads ?? 1) < this.promoteAt) return false;
    if (stamp !== this.budgetStamp) {
      this.budgetStamp = stamp;
      this.budgetLeft = this.promoteBytes;
    }
    return this.budgetLeft > 0;
  }

  /** Reports counters to `m` from now on (at every {@link publish}). */
  setMetrics(m: RowCacheMetrics): void {
    this.metrics = m;
    this.publish();
  }

  /** Reports the counters' growth since the last call and the bytes held (called after each query and rollup pass, not per row). */
  publish(): void {
    const m = this.metrics;
    if (m === undefined) return;
    const p = this.published;
    if (this.hitN > p.hits) m.rows('hit', this.hitN - p.hits);
    if (this.missN > p.misses) m.rows('miss', this.missN - p.misses);
    if (this.bypassN > p.bypassed) m.rows('bypassed', this.bypassN - p.bypassed);
    this.published = { hits: this.hitN, misses: this.missN, bypassed: this.bypassN };
    m.bytes(this.used);
  }

  /** Changes whenever a cached row may have become stale (rollup writes, retention). */
  get epoch(): number {
    return this.epochN;
  }

  /**
   * Changes whenever a rollup row may have been rewritten (writes, failed writes); unlike {@link epoch} not
   * by retention, whose effect is bounded by {@link deletedBefore}.
   */
  get writeEpoch(): number {
    return this.writeEpochN;
  }

  /**
   * Logs that the rollup writes just reported ({@link rowWritten}, {@link drop}) replaced buckets in
   * [fromMs, toMs) of series `ids` (at both resolutions) and nothing else (write-log.ts).
   */
  writesLogged(ids: readonly number[], fromMs: number, toMs: number): void {
    this.writes.record(ids, fromMs, toMs, this.writeEpochN);
  }

  /**
   * Whether no rollup write since write epoch `since` touched a bucket in [fromMs, toMs] of a series in `ids`
   * (false when that cannot be told: the log dropped writes or a write was not logged).
   */
  unchangedSince(since: number, ids: readonly number[], fromMs: number, toMs: number): boolean {
    return this.writes.unchangedSince(since, this.writeEpochN, ids, fromMs, toMs);
  }

  /** Writes and series ids held by the write log (for tests of its bound). */
  get writeLogSize(): { writes: number; ids: number } {
    return { writes: this.writes.size, ids: this.writes.idCount };
  }

  /** Rows of `resolutionMs` whose last bucket starts before this may have been deleted (-Infinity: none). */
  deletedBefore(resolutionMs: number): number {
    return this.cutoffs.get(resolutionMs) ?? -Infinity;
  }

  /** Starts a query: returns its stamp (rows used under it are not evicted for its own later rows). */
  beginQuery(): number {
    return ++this.seq;
  }

  /** The cached row, marked as used by query `stamp`; undefined when not cached. */
  get(key: RowKey, stamp: number): CachedRow | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    e.stamp = stamp;
    this.hitN++;
    const row = e.row;
    if (row.blob !== undefined) row.reads = (row.reads ?? 1) + 1;
    return row;
  }

  /**
   * Caches a row read from the database while the epoch was `epoch` (counted as a miss), or, with `decoded`,
   * the decoded column of a row the cache held compressed (not counted again: its read was a hit). Not kept (and
   * counted as bypassed) when the epoch has moved since (the row may be stale; not counted), the row alone
   * exceeds the bound, or only rows of the same query are left to evict. @returns whether the row was kept.
   */
  put(key: RowKey, row: CachedRow, epoch: number, stamp: number, decoded = false): boolean {
    if (this.maxBytes <= 0) return false;
    if (!decoded) this.missN++;
    if (epoch !== this.epochN) return false;
    const bytes = ENTRY_OVERHEAD_BYTES + (row.values?.byteLength ?? row.blob?.byteLength ?? 0);
    const old = this.map.get(key);
    if (old !== undefined) {
      this.map.delete(key);
      this.used -= old.bytes;
    }
    if (!this.makeRoom(bytes, stamp)) {
      if (!decoded) this.bypassN++;
      return false;
    }
    this.map.set(key, { row, bytes, stamp });
    this.used += bytes;
    if (decoded && stamp === this.budgetStamp) this.budgetLeft -= row.values?.byteLength ?? 0;
    return true;
  }

  /** A rollup row was written: its cached entry (if any) is replaced by the written buckets. */
  rowWritten(
    seriesId: number,
    resolutionMs: number,
    start: number,
    ts: ArrayLike<number>,
    last: ArrayLike<number>,
    n: number,
  ): void {
    this.epochN++;
    this.writeEpochN++;
    const key = rowKey(seriesId, resolutionMs, start);
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.used -= e.bytes;
    const values = denseRow(start, resolutionMs, ts, last, n);
    if (values === undefined) return;
    const row: CachedRow = { start, resolutionMs, values, lastBucket: n > 0 ? ts[n - 1]! : -Infinity };
    const bytes = ENTRY_OVERHEAD_BYTES + values.byteLength;
    if (!this.makeRoom(bytes, -1)) return;
    this.map.set(key, { row, bytes, stamp: e.stamp });
    this.used += bytes;
  }

  /** Drops the entry of a row (a write of it failed: the database may hold either version). */
  drop(seriesId: number, resolutionMs: number, start: number): void {
    this.epochN++;
    this.writeEpochN++;
    const key = rowKey(seriesId, resolutionMs, start);
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.used -= e.bytes;
  }

  /** Rows of `resolutionMs` whose last bucket starts before `beforeMs` were deleted (retention). */
  rowsDeletedBefore(resolutionMs: number, beforeMs: number): void {
    this.epochN++;
    if (beforeMs > this.deletedBefore(resolutionMs)) this.cutoffs.set(resolutionMs, beforeMs);
    for (const [k, e] of this.map) {
      const present = e.row.values !== undefined || e.row.blob !== undefined;
      if (e.row.resolutionMs === resolutionMs && present && e.row.lastBucket < beforeMs) {
        this.map.delete(k);
        this.used -= e.bytes;
      }
    }
  }

  /** Drops everything (bumps the epoch). */
  clear(): void {
    this.epochN++;
    this.map.clear();
    this.used = 0;
    this.publish();
  }

  /** Current counters. */
  stats(): RowCacheStats {
    return {
      maxBytes: this.maxBytes,
      bytes: this.used,
      entries: this.map.size,
      compressed: this.compressedCount(),
      hits: this.hitN,
      misses: this.missN,
      bypassed: this.bypassN,
      evictions: this.evictN,
    };
  }

  /** Entries held compressed (a pass over the entries: for stats and tests, not per query). */
  private compressedCount(): number {
    let n = 0;
    for (const e of this.map.values()) if (e.row.blob !== undefined) n++;
    return n;
  }

  /** Evicts least recently used entries not used by query `stamp` until `bytes` more fit. */
  private makeRoom(bytes: number, stamp: number): boolean {
    if (bytes > this.maxBytes) return false;
    while (this.used + bytes > this.maxBytes) {
      const first = this.map.entries().next();
      if (first.done === true) return false;
      const [k, e] = first.value;
      if (e.stamp === stamp) return false;
      this.map.delete(k);
      this.used -= e.bytes;
      this.evictN++;
    }
    return true;
  }
}
