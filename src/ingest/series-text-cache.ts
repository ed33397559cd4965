/**
 * The other half of Prometheus' scrape cache: a target exposes the same series text (`name{labels}`) line after
 * line on every scrape, and only the values change. Per target, the parser keeps the label set it parsed from each
 * line's series text; when a line of the next body starts with exactly the same series text (name and label set),
 * the name, labels and the series' duplicate-check hash are taken from the cache and only the value (and
 * timestamp) is parsed: one native comparison instead of three loops over the characters.
 *
 * Why the result cannot differ from a full parse: a cached entry is recorded only from a label set the strict parser
 * read without error, and reading a label set depends on nothing but its own text (the names, escapes and duplicate
 * checks are all within it). A line that starts with the same complete label-set text is therefore read to exactly
 * the same labels and the same end position; everything around it (the name's family, TYPE-before-sample, a
 * histogram bucket's `le`, duplicate series, the value and timestamp) is still checked per line by the parser.
 *
 * Lookup is by position, as targets keep their order: the entries from the one after the last hit on are tried, at
 * most {@link MATCH_WINDOW} of them (lines changed or removed in between); when none matches, the line is new or
 * changed, read in full, and the next line is again tried from the same entry on (a line added).
 * The labels handed out are frozen copies owned by the cache (fresh strings: they never keep a scraped body alive),
 * the same object on every scrape, so later stages can recognise an unchanged series by identity.
 *
 * The target's `#` lines (`# HELP`, `# TYPE`, other comments) are kept the same way ({@link SeriesTextCache.comment}):
 * a line with the same text as one of the last body's is not read again (its keyword, name and help or type are taken
 * as read), and the parser still applies every rule of the exposition to it (exposition-families.ts `applyComment`).
 *
 * Bounds: at most `maxEntries` entries over all targets of a {@link SeriesTextCachePool}, series texts and `#` lines
 * together (least recently parsed targets are dropped first; a body's lines beyond the bound are not cached).
 * @see https://github.com/prometheus/prometheus/blob/main/scrape/scrape.go (`scrapeCache.series`, keyed by the
 *   exposed series bytes)
 */
import type { Labels } from '../model/sample.ts';
import { readComment, type CommentLine } from './exposition-families.ts';

/** 32-bit FNV-1a hash of the char codes of `s.slice(start, end)` (the parser's duplicate-series set). */
export function seriesTextHash(s: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let j = start; j < end; j++) h = Math.imul(h ^ s.charCodeAt(j), 0x01000193);
  return h;
}

/** Entries tried per line, from the one after the last hit on. */
export const MATCH_WINDOW = 16;

/** One cached label set: what a full parse of the series text `series` produced. */
export interface SeriesTextEntry {
  readonly name: string;
  /** The line's text from its name to the label set's closing `}` (blanks before `{` included). */
  readonly series: string;
  /** {@link seriesTextHash} of `series`. */
  readonly hash: number;
  /** Frozen, the cache's own strings. */
  readonly labels: Labels;
  /** `Object.keys(labels)`, the label names in the order of the text. */
  readonly keys: readonly string[];
  /** Whether `series` is the canonical series text (no blanks, no trailing comma, not `{}`). */
  readonly normalized: boolean;
}

/** One cached `#` line: what {@link readComment} read from the line's text `source` (the cache's own strings). */
interface CommentEntry extends CommentLine {
  /** The line's text from after its `#` to its end (without a `\r`). */
  readonly source: string;
}

/**
 * The cache of one target; used by one parse at a time ({@link begin}, {@link match} / {@link record}, {@link commit}).
 * The entries of the last body and of the running parse sit in two arrays that trade places at each commit and are
 * written by index: a parse of a body of unchanged length allocates no array (they grow only when the body does, and
 * are cut to the body's count when it shrinks, so no entry of a dropped line stays referenced).
 */
export class SeriesTextCache {
  private prev: SeriesTextEntry[] = [];
  private next: SeriesTextEntry[] = [];
  /** Entries of `next` written by the running parse. */
  private nextCount = 0;
  private cursor = 0;
  private samples = 0;
  /** The `#` lines (HELP, TYPE, other comments) of the last body and of the running parse, as `prev` / `next`. */
  private comments: CommentEntry[] = [];
  private nextComments: CommentEntry[] = [];
  private nextCommentCount = 0;
  private commentCursor = 0;

  constructor(
    private readonly pool: SeriesTextCachePool,
    /** The target this cache belongs to in its pool. */
    readonly target: string,
  ) {}

  /** Entries kept from the last committed parse: series texts and `#` lines. */
  get size(): number {
    return this.prev.length + this.comments.length;
  }

  /**
   * Samples the last committed parse returned (0 before the first): the parser sizes its sample array from it, as a
   * target's next body has about as many samples, instead of growing the array by copies as it pushes.
   */
  get lastSamples(): number {
    return this.samples;
  }

  /** Starts a parse (a parse that throws is never committed: the entries of the last good body stay). */
  begin(): void {
    this.nextCount = 0;
    this.cursor = 0;
    this.nextCommentCount = 0;
    this.commentCursor = 0;
  }

  /**
   * The entry whose series text `text` has at `at` (a line's first non-blank character), or undefined (then the
   * caller parses the line and calls {@link record}).
   */
  match(text: string, at: number): SeriesTextEntry | undefined {
    const prev = this.prev;
    const c = this.cursor;
    const stop = Math.min(prev.length, c + MATCH_WINDOW);
    for (let j = c; j < stop; j++) {
      const e = prev[j]!;
      // `slice` + `===` is `startsWith` (the same chars at `at`), but compared with memcmp in place of a
      // per-character loop: a sliced string of the body (no copy) against the entry, 5-6x faster on series texts.
      if (text.slice(at, at + e.series.length) === e.series) {
        this.cursor = j + 1;
        if (this.nextCount + this.nextCommentCount < this.pool.maxEntries) this.next[this.nextCount++] = e;
        return e;
      }
    }
    return undefined;
  }

  /**
   * Records the name and label set a full parse read from the series text `text.slice(at, end)` (name and label
   * set) and returns the cache's frozen copy of `labels` (the caller uses it in place of `labels`); past the bound,
   * `labels` itself.
   */
  record(
    name: string,
    text: string,
    at: number,
    end: number,
    labels: Record<string, string>,
    normalized: boolean,
  ): Labels {
    if (this.nextCount + this.nextCommentCount >= this.pool.maxEntries) return labels;
    // Fresh strings (a slice may keep the whole body alive): name, text and values copied through JSON.
    const own = JSON.parse(JSON.stringify([name, text.slice(at, end), labels])) as [
      string,
      string,
      Record<string, string>,
    ];
    const e: SeriesTextEntry = {
      name: own[0],
      series: own[1],
      hash: seriesTextHash(text, at, end),
      labels: Object.freeze(own[2]),
      keys: Object.keys(own[2]),
      normalized,
    };
    this.next[this.nextCount++] = e;
    return e.labels;
  }

  /**
   * What the `#` line `text.slice(start, end)` (from after its `#` to its end, without a `\r`) says, as
   * {@link readComment} reads it: taken from the entry of the same text in the target's last body when there is one
   * (searched as {@link match} searches series texts, from the one after the last hit on), else read and recorded.
   * The result is the same either way (`readComment` depends on nothing but the text); the caller still applies
   * the exposition's rules to it (exposition-families.ts, `applyComment`).
   */
  comment(text: string, start: number, end: number): CommentLine {
    const prev = this.comments;
    const c = this.commentCursor;
    const stop = Math.min(prev.length, c + MATCH_WINDOW);
    const len = end - start;
    let source: string | undefined;
    for (let j = c; j < stop; j++) {
      const e = prev[j]!;
      if (e.source.length !== len) continue;
      source ??= text.slice(start, end);
      if (source === e.source) {
        this.commentCursor = j + 1;
        if (this.nextCount + this.nextCommentCount < this.pool.maxEntries)
          this.nextComments[this.nextCommentCount++] = e;
        return e;
      }
    }
    const line = readComment(text, start, end);
    if (this.nextCount + this.nextCommentCount >= this.pool.maxEntries) return line;
    // Fresh strings (a slice may keep the whole body alive), as in `record`.
    const own = JSON.parse(JSON.stringify([source ?? text.slice(start, end), line.name, line.text])) as [
      string,
      string,
      string,
    ];
    const e: CommentEntry = { source: own[0], keyword: line.keyword, name: own[1], text: own[2], memo: null };
    this.nextComments[this.nextCommentCount++] = e;
    return e;
  }

  /**
   * Makes this parse's entries the ones the next parse is matched against.
   * @param samples samples the parse returned ({@link lastSamples}; a non-negative integer)
   */
  commit(samples: number): void {
    this.samples = samples;
    const before = this.size;
    const done = this.next;
    // cut to this parse's entries (in place): nothing of a longer earlier body stays referenced
    if (done.length > this.nextCount) done.length = this.nextCount;
    this.next = this.prev;
    this.prev = done;
    this.nextCount = 0;
    const doneComments = this.nextComments;
    if (doneComments.length > this.nextCommentCount) doneComments.length = this.nextCommentCount;
    this.nextComments = this.comments;
    this.comments = doneComments;
    this.nextCommentCount = 0;
    this.pool.resized(this, this.size - before);
  }

  /** Drops every entry (the pool's eviction). */
  clear(): number {
    const n = this.size;
    this.samples = 0;
    this.prev = [];
    this.next = [];
    this.nextCount = 0;
    this.comments = [];
    this.nextComments = [];
    this.nextCommentCount = 0;
    return n;
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
