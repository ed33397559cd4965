/**
 * The monitor's series budget shared fairly between sources (scrape targets, push receivers): every registered
 * source is guaranteed `floor(total / sources)` series (its share); a source may borrow beyond its share only
 * from budget no other source has reserved, so a noisy target can never starve a quiet one of its share.
 *
 * Invariant (kept by every take while the source set is fixed): used + reserved <= total, where reserved is the
 * sum over sources of max(0, share - held). A source registered after others borrowed gets its share as series
 * are released (stale series forgotten by maintenance); until then it takes what is free.
 *
 * Memory: one counter per source, at most `maxSources` (further sources share one bucket).
 */

/** Source name of samples from sources beyond `maxSources`. */
export const OVERFLOW_SOURCE = '__other__';

/** What a source holds and may hold (for its warning and the API). */
export interface SourceBudget {
  readonly held: number;
  readonly share: number;
  readonly total: number;
}

/** Fair-share accounting of series per source; see the file comment. */
export class SeriesBudget {
  readonly total: number;
  private readonly maxSources: number;
  private readonly held = new Map<string, number>();
  private used = 0;
  private reserved = 0;
  private shareOf = 0;

  /**
   * @param total series at most (>= 1)
   * @param maxSources distinct sources tracked at most (default 10 000)
   * @throws RangeError when `total` < 1 or `maxSources` < 1.
   */
  constructor(total: number, maxSources = 10_000) {
    if (!(total >= 1) || !Number.isInteger(total))
      throw new RangeError(`series budget must be a positive integer, got ${total}`);
    if (!(maxSources >= 1)) throw new RangeError('maxSources must be >= 1');
    this.total = total;
    this.maxSources = maxSources;
  }

  /** Series held now over all sources. */
  get size(): number {
    return this.used;
  }

  /** The share every registered source is guaranteed. */
  get share(): number {
    return this.shareOf;
  }

  /** Registers a source (idempotent); the shares of all sources shrink to `floor(total / sources)`. */
  register(source: string): void {
    this.key(source);
  }

  /** Whether a new series of `source` fits; when it does, it is counted against the source. */
  tryTake(source: string): boolean {
    const k = this.key(source);
    if (this.used >= this.total) return false;
    const held = this.held.get(k)!;
    if (held < this.shareOf) {
      this.reserved--;
    } else if (this.used + 1 + this.reserved > this.total) {
      return false;
    }
    this.held.set(k, held + 1);
    this.used++;
    return true;
  }

  /** Gives back one series of `source` (a forgotten series). */
  release(source: string): void {
    const k = this.held.has(source) ? source : OVERFLOW_SOURCE;
    const held = this.held.get(k);
    if (!held) return;
    this.held.set(k, held - 1);
    this.used--;
    if (held - 1 < this.shareOf) this.reserved++;
  }

  /** What `source` holds, its share and the total. */
  of(source: string): SourceBudget {
    const k = this.held.has(source) ? source : OVERFLOW_SOURCE;
    return { held: this.held.get(k) ?? 0, share: this.shareOf, total: this.total };
  }

  private key(source: string): string {
    if (this.held.has(source)) return source;
    const k = this.held.size < this.maxSources - 1 || source === OVERFLOW_SOURCE ? source : OVERFLOW_SOURCE;
    if (this.held.has(k)) return k;
    this.held.set(k, 0);
    this.shareOf = Math.floor(this.total / this.held.size);
    let r = 0;
    for (const h of this.held.values()) r += Math.max(0, this.shareOf - h);
    this.reserved = r;
    return k;
  }
}
