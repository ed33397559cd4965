/**
 * Per-source series handles (a scrape cache): a target exposes its series in the same order on every scrape, so
 * the handle of the series at position i of the previous batch is very likely the handle of the sample at position
 * i of this one. A handle is used only after checking that it still names the sample's series (same name, same
 * label names and values: then the canonical series key is the same) and that the tracker still holds it (a
 * forgotten or reverted series is marked dead); otherwise the caller falls back to its key map. So the cache is a
 * hint that never changes what is admitted, only how a series is found: it saves building the series key and the
 * global map lookup for every unchanged series.
 *
 * Bounds: at most `maxSlots` handles over all sources (least recently used sources are dropped first; a batch
 * longer than `maxSlots` is not cached).
 * @see https://github.com/prometheus/prometheus/blob/main/scrape/scrape.go (`scrapeCache`: series refs per target
 *   keyed by the exposed series text, entries of series not seen in a scrape dropped)
 */
import type { Labels, Sample } from '../model/sample.ts';

/** What a handle must carry to be checked against a sample. */
export interface CachedSeries {
  readonly name: string;
  /** The labels the series was created with (any later sample of the series has the same names and values). */
  readonly labels: Labels;
  /** Number of label names in `labels`. */
  readonly labelCount: number;
  /** False once the owner no longer holds the series (forgotten, reverted). */
  alive: boolean;
  /**
   * A frozen label object already found equal to `labels` (the scraper hands out the same frozen object for an
   * unchanged series on every scrape: src/ingest/series-text-cache.ts), so it is recognised by identity.
   */
  seen?: Labels | undefined;
}

/** Whether `s` names the series `h` (same name, same label set) and `h` is still held. */
export function handleMatches(h: CachedSeries, s: Sample): boolean {
  if (!h.alive || h.name !== s.name) return false;
  const a = s.labels;
  const b = h.labels;
  if (a === b || a === h.seen) return true;
  let n = 0;
  for (const k in a) {
    if (a[k] !== b[k]) return false;
    n++;
  }
  if (n !== h.labelCount) return false;
  if (Object.isFrozen(a)) h.seen = a; // immutable: equal for good
  return true;
}

/** Number of own enumerable label names of `labels`. */
export function labelCount(labels: Labels): number {
  return Object.keys(labels).length;
}

interface SourceHandles<H> {
  handles: (H | undefined)[];
  /** The cache's use count when this source last admitted a batch. */
  lastUse: number;
}

/** The per-source handle arrays, bounded; see the file comment. */
export class ScrapeCache<H extends CachedSeries> {
  private readonly sources = new Map<string, SourceHandles<H>>();
  private readonly maxSlots: number;
  private slots = 0;
  private uses = 0;

  /**
   * @param maxSlots handles over all sources at most (>= 0; 0 disables the cache)
   * @throws RangeError when `maxSlots` is negative or not an integer.
   */
  constructor(maxSlots: number) {
    if (!(maxSlots >= 0) || !Number.isInteger(maxSlots))
      throw new RangeError(`maxSlots must be a non-negative integer, got ${maxSlots}`);
    this.maxSlots = maxSlots;
  }

  /** Handles cached now over all sources. */
  get size(): number {
    return this.slots;
  }

  /** Sources with cached handles now. */
  get sourceCount(): number {
    return this.sources.size;
  }

  /**
   * The handle array of `source` for a batch of `length` samples (to be read at i and written with the handle
   * found for sample i), or undefined when the batch is not cached (longer than the bound). The array is the
   * source's own: entries beyond `length` are dropped, and least recently used sources are dropped while the
   * total is over the bound.
   */
  begin(source: string, length: number): (H | undefined)[] | undefined {
    if (length > this.maxSlots) {
      this.forget(source);
      return undefined;
    }
    let e = this.sources.get(source);
    if (e) {
      this.sources.delete(source); // re-inserted last: the map's order is least recently used first
      this.slots -= e.handles.length;
      const h = e.handles;
      if (h.length > length) h.length = length;
      else while (h.length < length) h.push(undefined);
    } else {
      e = { handles: new Array<H | undefined>(length).fill(undefined), lastUse: 0 };
    }
    e.lastUse = ++this.uses;
    this.sources.set(source, e);
    this.slots += length;
    while (this.slots > this.maxSlots) {
      const [oldest, old] = this.sources.entries().next().value!;
      this.sources.delete(oldest);
      this.slots -= old.handles.length;
    }
    return e.handles;
  }

  /** Drops the handles of `source` (a removed target). */
  forget(source: string): void {
    const e = this.sources.get(source);
    if (!e) return;
    this.sources.delete(source);
    this.slots -= e.handles.length;
  }

  /**
   * Drops dead handles (forgotten series) everywhere, and the whole arrays of sources that admitted no batch
   * since the previous sweep (a target that went away). Cost: O(cached handles).
   */
  sweep(): void {
    const since = this.sweptAt;
    this.sweptAt = this.uses;
    for (const [source, e] of this.sources) {
      if (e.lastUse <= since) {
        this.forget(source);
        continue;
      }
      const h = e.handles;
      for (let i = 0; i < h.length; i++) if (h[i] !== undefined && !h[i]!.alive) h[i] = undefined;
    }
  }

  private sweptAt = 0;
}
