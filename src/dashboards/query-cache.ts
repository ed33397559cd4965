/**
 * The shared query cache of dashboard data: one entry per evaluated query (query, resolved matchers and time
 * window), so every viewer of a dashboard — and every dashboard with the same query — within the time to live
 * costs one evaluation. Concurrent requests for a key that is being computed wait for that one computation
 * instead of starting their own. Failures are not cached. Bounded: at most `maxEntries` entries (approximately
 * least recently used are dropped, src/store/lru-cache.ts) and each lives `ttlMs`.
 *
 * Stale-while-revalidate (with `staleMs` > 0): an entry up to `ttlMs + staleMs` old is still served while one
 * computation refreshes it in the background, so a popular query's expiry does not make every viewer wait. A
 * key not yet computed may be served the newest entry of its `family` (the same query over the previous time
 * window, when the window moved by a step) under the same age bound. Served stale answers carry their own
 * `computedAtMs`, so a client sees how old they are.
 * @see https://www.rfc-editor.org/rfc/rfc5861#section-3 (stale-while-revalidate)
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
  /** Answered from an expired entry (or the family's newest) within the stale bound while it was refreshed. */
  readonly stale: number;
  /** Entries held (≤ maxEntries). */
  readonly size: number;
}

/** Options of {@link SharedQueryCache}. */
export interface QueryCacheOptions {
  /** Entries held at most (≥ 2). */
  readonly maxEntries: number;
  /** How long a computed value is served, ms (> 0). */
  readonly ttlMs: number;
  /** How much longer an expired value may be served while it is refreshed, ms (default 0: never stale). */
  readonly staleMs?: number;
  /** Clock in Unix ms (default Date.now). */
  readonly now?: () => number;
}

/** A bounded time-to-live cache with in-flight sharing. */
export class SharedQueryCache<V> {
  private readonly done: LruCache<string, Cached<V>>;
  private readonly inflight = new Map<string, Promise<Cached<V>>>();
  /** Newest entry of each family (bounded like the entries). */
  private readonly newest: LruCache<string, Cached<V>>;
  private readonly ttlMs: number;
  private readonly staleMs: number;
  private readonly now: () => number;
  private hits = 0;
  private joins = 0;
  private misses = 0;
  private stale = 0;

  /** @throws InvalidInputError when maxEntries < 2, ttlMs is not positive or staleMs is negative */
  constructor(opts: QueryCacheOptions) {
    if (!(opts.ttlMs > 0) || !Number.isFinite(opts.ttlMs))
      throw new InvalidInputError(`ttlMs must be > 0, got ${opts.ttlMs}`);
    const staleMs = opts.staleMs ?? 0;
    if (!(staleMs >= 0) || !Number.isFinite(staleMs))
      throw new InvalidInputError(`staleMs must be >= 0, got ${staleMs}`);
    this.done = new LruCache(opts.maxEntries);
    this.newest = new LruCache(opts.maxEntries);
    this.ttlMs = opts.ttlMs;
    this.staleMs = staleMs;
    this.now = opts.now ?? Date.now;
  }

  /**
   * The value of `key`: a fresh cached one, a stale one within the bound (refreshed in the background), the
   * result of the computation under way, or `compute()`'s. `family` names what `key` is a version of (e.g. the
   * query without its time window).
   * @throws whatever `compute` throws (to every caller waiting for that computation); nothing is cached then
   */
  async get(key: string, compute: () => Promise<V>, family?: string): Promise<Cached<V>> {
    const hit = this.done.get(key);
    const now = this.now();
    if (hit !== undefined && now - hit.computedAtMs < this.ttlMs) {
      this.hits++;
      return hit;
    }
    const running = this.inflight.get(key);
    const old = hit ?? (family === undefined ? undefined : this.newest.get(family));
    if (old !== undefined && now - old.computedAtMs < this.ttlMs + this.staleMs) {
      this.stale++;
      // The refresh's failure reaches no caller: the next request past the stale bound computes (and throws) itself.
      if (running === undefined) this.start(key, compute, family).catch(() => undefined);
      return old;
    }
    if (running !== undefined) {
      this.joins++;
      return running;
    }
    this.misses++;
    return this.start(key, compute, family);
  }

  private start(key: string, compute: () => Promise<V>, family: string | undefined): Promise<Cached<V>> {
    const p = (async () => {
      try {
        const value = await compute();
        const entry = { value, computedAtMs: this.now() };
        this.done.set(key, entry);
        if (family !== undefined) this.newest.set(family, entry);
        return entry;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, p);
    return p;
  }

  stats(): QueryCacheStats {
    return {
      hits: this.hits,
      joins: this.joins,
      misses: this.misses,
      stale: this.stale,
      size: this.done.size,
    };
  }
}
