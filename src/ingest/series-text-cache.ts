/**
 * The other half of Prometheus' scrape cache: a target exposes the same series text (`name{labels}`) line after
 * line on every scrape, and only the values change. Per target, the parser keeps the label set it parsed from each
 * line's series text; when a line of the next body has the same name and starts with exactly the same label-set
 * text, the labels are taken from the cache and only the value (and timestamp) is parsed.
 *
 * Why the result cannot differ from a full parse: a cached entry is recorded only from a label set the strict parser
 * read without error, and reading a label set depends on nothing but its own text (the names, escapes and duplicate
 * checks are all within it). A line that starts with the same complete label-set text is therefore read to exactly
 * the same labels and the same end position; everything around it (the name's family, TYPE-before-sample, a
 * histogram bucket's `le`, duplicate series, the value and timestamp) is still checked per line by the parser.
 *
 * Lookup is by position, as targets keep their order: the entry after the last hit and the one after it are tried
 * (a line changed or removed); when neither matches, the parser reads the line in full and, once per body, the
 * entries are indexed by their text so that the following lines line up again (a family added or removed).
 * The labels handed out are frozen copies owned by the cache (fresh strings: they never keep a scraped body alive),
 * the same object on every scrape, so later stages can recognise an unchanged series by identity.
 *
 * Bounds: at most `maxEntries` entries over all targets of a {@link SeriesTextCachePool} (least recently parsed
 * targets are dropped first; a body's lines beyond the bound are not cached).
 * @see https://github.com/prometheus/prometheus/blob/main/scrape/scrape.go (`scrapeCache.series`, keyed by the
 *   exposed series bytes)
 */
import type { Labels } from '../model/sample.ts';

/** One cached label set: what a full parse of `text` (right after the name `name`) produced. */
export interface SeriesTextEntry {
  readonly name: string;
  /** The line's text from the end of the name to the label set's closing `}` (blanks before `{` included). */
  readonly text: string;
  /** Frozen, the cache's own strings. */
  readonly labels: Labels;
  /** `Object.keys(labels)`, the label names in the order of the text. */
  readonly keys: readonly string[];
  /** Whether `name + text` is the canonical series text (no blanks, no trailing comma, not `{}`). */
  readonly normalized: boolean;
}

/** The cache of one target; used by one parse at a time ({@link begin}, {@link match} / {@link record}, {@link commit}). */
export class SeriesTextCache {
  private prev: SeriesTextEntry[] = [];
  private next: SeriesTextEntry[] = [];
  private cursor = 0;
  private index: Map<string, number> | undefined;
  private indexed = false;

  constructor(
    private readonly pool: SeriesTextCachePool,
    /** The target this cache belongs to in its pool. */
    readonly target: string,
  ) {}

  /** Entries kept from the last committed parse. */
  get size(): number {
    return this.prev.length;
  }

  /** Starts a parse (a parse that throws is never committed: the entries of the last good body stay). */
  begin(): void {
    this.next = [];
    this.cursor = 0;
    this.index = undefined;
    this.indexed = false;
  }

  /**
   * The entry of a line whose name is `name` and whose text at `at` starts with the entry's label-set text, or
   * undefined (then the caller parses the label set and calls {@link record}).
   */
  match(name: string, text: string, at: number): SeriesTextEntry | undefined {
    const prev = this.prev;
    const c = this.cursor;
    for (let j = c; j < c + 2 && j < prev.length; j++) {
      const e = prev[j]!;
      if (e.name === name && text.startsWith(e.text, at)) {
        this.cursor = j + 1;
        if (this.next.length < this.pool.maxEntries) this.next.push(e);
        return e;
      }
    }
    return undefined;
  }

  /**
   * Records the label set a full parse read from `text.slice(at, end)` after the name `name` and returns the
   * cache's frozen copy of `labels` (the caller uses it in place of `labels`); past the bound, `labels` itself.
   */
  record(
    name: string,
    text: string,
    at: number,
    end: number,
    labels: Record<string, string>,
    normalized: boolean,
  ): Labels {
    this.realign(name, text, at, end);
    if (this.next.length >= this.pool.maxEntries) return labels;
    // Fresh strings (a slice may keep the whole body alive): names, text and values copied through JSON.
    const own = JSON.parse(JSON.stringify([name, text.slice(at, end), labels])) as [
      string,
      string,
      Record<string, string>,
    ];
    const e: SeriesTextEntry = {
      name: own[0],
      text: own[1],
      labels: Object.freeze(own[2]),
      keys: Object.keys(own[2]),
      normalized,
    };
    this.next.push(e);
    return e.labels;
  }

  /** Makes this parse's entries the ones the next parse is matched against. */
  commit(): void {
    const before = this.prev.length;
    this.prev = this.next;
    this.next = [];
    this.index = undefined;
    this.pool.resized(this, this.prev.length - before);
  }

  /** Drops every entry (the pool's eviction). */
  clear(): number {
    const n = this.prev.length;
    this.prev = [];
    this.next = [];
    this.index = undefined;
    return n;
  }

  /** After a miss: moves the cursor past the previous body's entry of the same series text, if there is one. */
  private realign(name: string, text: string, at: number, end: number): void {
    if (this.prev.length === 0) return;
    if (!this.indexed) {
      this.indexed = true;
      this.index = new Map();
      for (let j = 0; j < this.prev.length; j++) {
        const e = this.prev[j]!;
        const k = e.name + e.text;
        if (!this.index.has(k)) this.index.set(k, j);
      }
    }
    const j = this.index!.get(name + text.slice(at, end));
    if (j !== undefined) this.cursor = j + 1;
  }
}

/** The caches of all targets, bounded together; see the file comment. */
export class SeriesTextCachePool {
  /** Entries at most over all targets. */
  readonly maxEntries: number;
  private readonly caches = new Map<string, SeriesTextCache>();
  private entries = 0;

  /**
   * @param maxEntries entries at most over all targets (>= 0; 0 disables caching)
   * @throws RangeError when `maxEntries` is negative or not an integer.
   */
  constructor(maxEntries: number) {
    if (!(maxEntries >= 0) || !Number.isInteger(maxEntries))
      throw new RangeError(`maxEntries must be a non-negative integer, got ${maxEntries}`);
    this.maxEntries = maxEntries;
  }

  /** Entries cached now over all targets. */
  get size(): number {
    return this.entries;
  }

  /** Targets with a cache now. */
  get targetCount(): number {
    return this.caches.size;
  }

  /** The cache of `target` (created when missing), now the most recently used. */
  get(target: string): SeriesTextCache {
    let c = this.caches.get(target);
    if (c) this.caches.delete(target);
    else c = new SeriesTextCache(this, target);
    this.caches.set(target, c);
    return c;
  }

  /** Drops the cache of `target` (a removed target). */
  forget(target: string): void {
    const c = this.caches.get(target);
    if (!c) return;
    this.caches.delete(target);
    this.entries -= c.clear();
  }

  /** Accounts a committed cache's change in size and drops least recently used caches while over the bound. */
  resized(cache: SeriesTextCache, delta: number): void {
    if (this.caches.get(cache.target) !== cache) {
      cache.clear(); // forgotten while it parsed: not kept
      return;
    }
    this.entries += delta;
    for (const [t, c] of this.caches) {
      if (this.entries <= this.maxEntries) break;
      if (c === cache) continue;
      this.caches.delete(t);
      this.entries -= c.clear();
    }
  }
}
