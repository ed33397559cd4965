/**
 * A bounded cache of aggregated range-query results (the chunks layout's `queryRange`): per query shape (series
 * ids, aggregation, grouping, step, the step grid's phase, resolution) the per-group values of the steps that
 * depend only on rollup rows below the watermark. A repeated query, or one whose range moved forward (a
 * dashboard refresh), takes those steps from here and computes only the others: the first steps (whose
 * lookback reaches before the range) and the newest ones (past the watermark). An entry stays valid while no
 * rollup write since it was computed touched one of its series in the buckets its steps read (write-log.ts):
 * a pass that moves the watermark writes only newer buckets, so the steps stay and only the new ones are
 * computed; a late sample's hour rolled up again drops the results over that series and hour.
 *
 * Bounded by accounted bytes (`maxBytes`; 0 turns it off), least recently used first out.
 *
 * @see VictoriaMetrics' rollup result cache (`rollupResultCache`: caches the aligned past steps of a query and
 *   computes only the newest), https://docs.victoriametrics.com/single-server-victoriametrics/#rollup-result-cache
 */

/** Accounted bytes of one entry besides its key and columns. */
export const RESULT_ENTRY_OVERHEAD_BYTES = 256;
/** Accounted bytes per group besides its columns (labels object, map slot). */
export const RESULT_GROUP_OVERHEAD_BYTES = 128;

/** The cached values of one group: `values[i]` at step `t0 + i × step` when `present[i]` is 1. */
export interface CachedGroup {
  readonly labels: Record<string, string>;
  readonly values: Float64Array;
  readonly present: Uint8Array;
}

/** A cached result: steps t0, t0 + step, … t1 (Unix ms, on the query's grid), computed under `watermark` and `epoch`. */
export interface CachedResult {
  readonly t0: number;
  readonly t1: number;
  /** The first bucket start the steps depend on (the last is t1 − resolution + 1). */
  readonly readFromMs: number;
  readonly stepMs: number;
  readonly watermark: number;
  readonly epoch: number;
  /** By group key (the `by` label values, each followed by NUL, as `RangeAggregator` keys groups). */
  readonly groups: ReadonlyMap<string, CachedGroup>;
}

/** Counters of the cache. */
export interface ResultCacheStats {
  readonly maxBytes: number;
  readonly bytes: number;
  readonly entries: number;
  /** Steps served from the cache. */
  readonly hitSteps: number;
  /** Steps computed by queries that could use the cache. */
  readonly missSteps: number;
  readonly evictions: number;
}

/** Where the cache reports itself (`dwcp_monitor_query_result_cache_*`, src/store/tsdb/cache-metrics.ts). */
export interface ResultCacheMetrics {
  /** Steps served from the cache (`hit`) or computed (`miss`). */
  steps(result: 'hit' | 'miss', n: number): void;
  /** Accounted bytes held now. */
  resultBytes(n: number): void;
}

/** Accounted bytes of an entry under `key`. */
export function resultBytes(key: string, r: CachedResult): number {
  let b = RESULT_ENTRY_OVERHEAD_BYTES + key.length * 2;
  for (const [k, g] of r.groups) b += RESULT_GROUP_OVERHEAD_BYTES + k.length * 2 + g.values.length * 9;
  return b;
}

/** The cache (see the file header). */
export class QueryResultCache {
  readonly maxBytes: number;
  private readonly map = new Map<string, { r: CachedResult; bytes: number }>();
  private used = 0;
  private hitN = 0;
  private missN = 0;
  private evictN = 0;
  private metrics: ResultCacheMetrics | undefined;

  /** @param maxBytes accounted bytes at most; 0 disables the cache. */
  constructor(maxBytes: number) {
    this.maxBytes = maxBytes;
  }

  /** Reports counters to `m` from now on. */
  setMetrics(m: ResultCacheMetrics): void {
    this.metrics = m;
    m.resultBytes(this.used);
  }

  /** The entry under `key` (marked as recently used), or undefined. */
  get(key: string): CachedResult | undefined {
    const e = this.map.get(key);
    if (e === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, e);
    return e.r;
  }

  /** Counts a query's steps served from the cache and computed. */
  count(hits: number, misses: number): void {
    this.hitN += hits;
    this.missN += misses;
    const m = this.metrics;
    if (m === undefined) return;
    if (hits > 0) m.steps('hit', hits);
    if (misses > 0) m.steps('miss', misses);
  }

  /** Stores (or replaces) the entry under `key`; not kept when it alone exceeds the bound. @returns whether kept. */
  put(key: string, r: CachedResult): boolean {
    this.remove(key);
    const bytes = resultBytes(key, r);
    let kept = false;
    if (bytes <= this.maxBytes) {
      while (this.used + bytes > this.maxBytes) {
        const first = this.map.entries().next();
        if (first.done === true) break;
        this.map.delete(first.value[0]);
        this.used -= first.value[1].bytes;
        this.evictN++;
      }
      this.map.set(key, { r, bytes });
      this.used += bytes;
      kept = true;
    }
    this.metrics?.resultBytes(this.used);
    return kept;
  }

  /** Drops the entry under `key` (if any). */
  remove(key: string): void {
    const e = this.map.get(key);
    if (e === undefined) return;
    this.map.delete(key);
    this.used -= e.bytes;
    this.metrics?.resultBytes(this.used);
  }

  /** Drops everything. */
  clear(): void {
    this.map.clear();
    this.used = 0;
    this.metrics?.resultBytes(0);
  }

  /** Current counters. */
  stats(): ResultCacheStats {
    return {
      maxBytes: this.maxBytes,
      bytes: this.used,
      entries: this.map.size,
      hitSteps: this.hitN,
      missSteps: this.missN,
      evictions: this.evictN,
    };
  }
}
