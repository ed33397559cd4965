/** Bounded map of in-flight operation ids to their start time (streams, migrations). */
import { InvalidInputError } from '../errors.ts';

/**
 * Start times (ms) keyed by id, at most `limit` entries. When full, starting a new id evicts the oldest
 * entry (insertion order) and counts the eviction, so ids that never end cannot grow memory without bound.
 */
export class InFlight {
  readonly limit: number;
  private readonly starts = new Map<string, number>();
  private evictedCount = 0;

  /** @throws InvalidInputError when `limit` is not an integer >= 1. */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new InvalidInputError(`in-flight limit must be an integer >= 1, got ${limit}`);
    this.limit = limit;
  }

  /** Records `id` as started at `nowMs` (restarting an id moves it to the newest position). */
  start(id: string, nowMs: number): void {
    this.starts.delete(id);
    if (this.starts.size >= this.limit) {
      const oldest = this.starts.keys().next();
      if (!oldest.done) {
        this.starts.delete(oldest.value);
        this.evictedCount++;
      }
    }
    this.starts.set(id, nowMs);
  }

  /** Removes `id` and returns its start time, or undefined when unknown (never started or evicted). */
  end(id: string): number | undefined {
    const s = this.starts.get(id);
    if (s === undefined) return undefined;
    this.starts.delete(id);
    return s;
  }

  get size(): number {
    return this.starts.size;
  }

  /** Entries dropped because the map was full. */
  get evicted(): number {
    return this.evictedCount;
  }
}
