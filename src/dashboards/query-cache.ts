/**
 * The shared query cache of dashboard data: one entry per evaluated query (query, resolved matchers and time
 * window), so every viewer of a dashboard — and every dashboard with the same query — within the time to live
 * costs one evaluation. Concurrent requests for a key that is being computed wait for that one computation
 * instead of starting their own. Failures are not cached. Bounded: at most `maxEntries` entries (approximately
 * least recently used are dropped, src/store/lru-cache.ts) and each lives `ttlMs`.
 */
import { InvalidInputError } from '../errors.ts';
import { LruCache } from '../store/lru-cache.ts';

/** A cached value and when it was computed (Unix ms). */
export interface Cached<V> {
  readonly value: V;
  readonly computedAtMs: number;
}

/** Counters of the cache since it was created. */
export interface QueryCacheStats {
  /** Answered from a fresh entry. */
  readonly hits: number;
  /** Joined a computation already under way. */
  readonly joins: number;
  /** Computed. */
  readonly misses: number;
  /** Entries held (≤ maxEntries). */
  readonly size: number;
}

/** Options of {@link SharedQueryCache}. */
export interface QueryCacheOptions {
  /** Entries held at most (≥ 2). */
  readonly maxEntries: number;
  /** How long a computed value is served, ms (> 0). */
  readonly ttlMs: number;
  /** Clock in Unix ms (default Date.now). */
  readonly now?: () => number;
}

/** A bounded time-to-live cache with in-flight sharing. */
export class SharedQueryCache<V> {
  private readonly done: LruCache<string, Cached<V>>;
  private readonly inflight = new Map<string, Promise<Cached<V>>>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private hits = 0;
  private joins = 0;
  private misses = 0;

  /** @throws InvalidInputError when maxEntries < 2 or ttlMs is not positive */
  constructor(opts: QueryCacheOptions) {
    if (!(opts.ttlMs > 0) || !Number.isFinite(opts.ttlMs)) throw new InvalidInputError(`ttlMs must be > 0, got ${opts.ttlMs}`);
    this.done = new LruCache(opts.maxEntries);
    this.ttlMs = opts.ttlMs;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The value of `key`: a fresh cached one, the result of the computation under way, or `compute()`'s.
   * @throws whatever `compute` throws (to every caller waiting for that computation); nothing is cached then
   */
  async get(key: string, compute: () => Promise<V>): Promise<Cached<V>> {
    const hit = this.done.get(key);
    if (hit !== undefined && this.now() - hit.computedAtMs < this.ttlMs) {
      this.hits++;
      return hit;
    }
    const running = this.inflight.get(key);
    if (running !== undefined) {
      this.joins++;
      return running;
    }
    this.misses++;
    const p = (async () => {
      try {
        const value = await compute();
        const entry = { value, computedAtMs: this.now() };
        this.done.set(key, entry);
        return entry;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  stats(): QueryCacheStats {
    return { hits: this.hits, joins: this.joins, misses: this.misses, size: this.done.size };
  }
}
