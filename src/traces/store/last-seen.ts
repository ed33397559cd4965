/**
 * When the store last wrote each process's and operation's "last seen" time (the latest span start, Unix µs),
 * so the rows are refreshed at most once a minute of span time instead of on every batch. Invariant kept with
 * the store: a row's stored time is at most {@link LAST_SEEN_REFRESH_US} older than its newest span, so pruning
 * rows older than `cutoff − LAST_SEEN_REFRESH_US` never removes a row a stored span still needs. Bounded (LRU);
 * an evicted key is simply written again. No I/O.
 */
import { LruCache } from '../../store/lru-cache.ts';

/** A row's last-seen time is rewritten when a batch brings a span this much newer, µs (1 min). */
export const LAST_SEEN_REFRESH_US = 60_000_000;

/** Last-seen times written, by key. */
export class LastSeen {
  private readonly written: LruCache<string, number>;

  /** @param maxKeys keys remembered (>= 2) */
  constructor(maxKeys: number) {
    this.written = new LruCache(maxKeys);
  }

  /** The keys of `latest` (key → newest span start of a batch) whose stored time must move up, with that time. */
  due(latest: ReadonlyMap<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    for (const [k, t] of latest) {
      const w = this.written.get(k);
      if (w === undefined || t > w + LAST_SEEN_REFRESH_US) out.set(k, t);
    }
    return out;
  }

  /** Records times written (after the transaction that wrote them committed). */
  commit(written: ReadonlyMap<string, number>): void {
    for (const [k, t] of written) this.written.set(k, Math.max(t, this.written.get(k) ?? -Infinity));
  }

  /** Forgets everything (after rows were pruned). */
  clear(): void {
    this.written.clear();
  }
}

/** Adds `t` to `m` under `k`, keeping the maximum. */
export function keepLatest(m: Map<string, number>, k: string, t: number): void {
  const cur = m.get(k);
  if (cur === undefined || t > cur) m.set(k, t);
}
