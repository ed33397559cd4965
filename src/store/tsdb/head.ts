/**
 * The in-memory head: per series, the open chunk (samples compressed as they arrive) and what the store knows
 * about the series' latest timestamp. Pure state, no I/O: chunks cut here are handed back to the store, which
 * writes them. Bounded by series count and by accounted bytes (open chunk buffers plus a per-series estimate):
 * beyond either limit the largest open chunks are cut and the longest idle series dropped.
 *
 * @see Prometheus TSDB head block (in-memory head, chunks cut at 120 samples),
 *   https://ganeshvernekar.com/blog/prometheus-tsdb-the-head-block/
 */
import { ChunkAppender, compactChunk, decodeChunk, encodeChunk } from './codec/chunk.ts';
import type { TailBuckets } from './tail-buckets.ts';

/** Accounted bytes of a series without an open chunk, besides 2 bytes per key character (objects, map slots). */
export const SERIES_OVERHEAD_BYTES = 240;
/** Extra accounted bytes of an open chunk besides its buffers (appender and encoder objects). */
export const OPEN_CHUNK_OVERHEAD_BYTES = 160;

/**
 * Share of `maxChunkBytes` the size estimate aims at: the estimate is off by a few per cent either way (the
 * compaction ratio changes from chunk to chunk), and a chunk that compacts to more than the limit is split.
 */
export const CHUNK_SIZE_AIM = 0.97;

/** Head state of one series. */
export interface HeadSeries {
  readonly id: number;
  readonly key: string;
  /** The open chunk; undefined right after a cut. */
  app: ChunkAppender | undefined;
  /** Largest timestamp stored for the series anywhere (head or database); -Infinity when none. */
  lastTs: number;
  /** start_ts of the database row holding a checkpoint copy of `app`, if one was written. */
  provisionalStart: number | undefined;
  /** Samples in that row. */
  provisionalSamples: number;
  /**
   * Stored (compacted) bytes per open-chunk (format 1) byte of the series' last cut chunk, or measured once on
   * the open chunk when it first nears `maxChunkBytes`; 0 until known. Estimates a chunk's stored size while it fills.
   */
  sizeRatio: number;
  /** Head clock at the series' last append. */
  touched: number;
  /** Bytes currently accounted for the series. */
  accounted: number;
  /** 1-minute bucket lasts of the samples past the rollup watermark, for range queries (tail-buckets.ts). */
  tail: TailBuckets | undefined;
  /** Changes with every sample stored for the series (a query builds a tail only when it did not change during its read). */
  gen: number;
  /** Scratch of the batch classification (late-samples.ts): the stamp of the batch that last set `markTs`. */
  mark: number;
  /** Largest in-order timestamp of the batch stamped `mark`. */
  markTs: number;
}

/** A chunk to write to the database. */
export interface CutChunk {
  readonly seriesId: number;
  readonly startTs: number;
  readonly endTs: number;
  readonly samples: number;
  readonly data: Uint8Array;
  /** A checkpoint row of this chunk at another start_ts, to delete when this one is written. */
  readonly replaces: number | undefined;
  /**
   * Samples in the checkpoint row this chunk overwrites or replaces (0 or absent: none), which stays in the
   * database until the chunk is written: counted once, not twice, while the chunk waits.
   */
  readonly provisionalSamples?: number;
}

/** Limits of the head (see TsdbOptions). */
export interface HeadLimits {
  readonly maxSamplesPerChunk: number;
  readonly maxChunkSpanMs: number;
  readonly maxChunkBytes: number;
  readonly maxHeadSeries: number;
  readonly maxHeadBytes: number;
}

/** The head of the store. */
export class Head {
  private readonly byKey = new Map<string, HeadSeries>();
  private readonly byId = new Map<number, HeadSeries>();
  private bytes = 0;
  private clock = 0;
  private removals = 0;
  private readonly limits: HeadLimits;

  constructor(limits: HeadLimits) {
    this.limits = limits;
  }

  /** Series held. */
  get size(): number {
    return this.byKey.size;
  }
  /** Accounted bytes (never above `maxHeadBytes` after {@link enforceLimits}). */
  get accountedBytes(): number {
    return this.bytes;
  }
  /** Changes whenever a series leaves the head (a handle held from before is then possibly stale). */
  get epoch(): number {
    return this.removals;
  }
  /** Samples in open chunks. */
  openSamples(): number {
    let n = 0;
    for (const s of this.byKey.values()) n += s.app?.count ?? 0;
    return n;
  }

  get(key: string): HeadSeries | undefined {
    return this.byKey.get(key);
  }
  getById(id: number): HeadSeries | undefined {
    return this.byId.get(id);
  }
  /** Every series (iteration order: insertion). */
  all(): IterableIterator<HeadSeries> {
    return this.byKey.values();
  }

  /** Starts a new append batch (the clock that orders series by idleness). */
  nextBatch(): void {
    this.clock++;
  }

  /** Adds a series (no open chunk) whose latest stored timestamp is `lastTs`. */
  add(id: number, key: string, lastTs: number): HeadSeries {
    const s: HeadSeries = {
      id,
      key,
      app: undefined,
      lastTs,
      provisionalStart: undefined,
      provisionalSamples: 0,
      sizeRatio: 0,
      touched: this.clock,
      accounted: 0,
      tail: undefined,
      gen: 0,
      mark: 0,
      markTs: 0,
    };
    this.byKey.set(key, s);
    this.byId.set(id, s);
    this.account(s);
    return s;
  }

  /**
   * Appends a sample later than everything in the open chunk, cutting the chunk first when it is full (sample
   * count, or stored size: {@link fullBySize}) or the sample is `maxChunkSpanMs` or more after its first sample.
   * @throws InvalidInputError when `t` is not after the open chunk's last timestamp.
   */
  append(s: HeadSeries, t: number, v: number, cuts: CutChunk[]): void {
    let app = s.app;
    if (app !== undefined) {
      if (app.count >= this.limits.maxSamplesPerChunk || t - app.minTs! >= this.limits.maxChunkSpanMs) {
        this.cut(s, cuts);
        app = undefined;
      } else if (this.fullBySize(s, app)) {
        this.cut(s, cuts, true);
        app = s.app; // the samples split off a chunk over the limit, if any
      }
    }
    if (app === undefined) {
      app = new ChunkAppender();
      s.app = app;
    }
    const cap = app.allocatedBytes;
    app.append(t, v);
    if (t > s.lastTs) s.lastTs = t;
    s.touched = this.clock;
    s.gen++;
    const tail = s.tail;
    if (tail !== undefined) {
      const tcap = tail.bytes;
      if (!tail.add(t, v)) s.tail = undefined;
      if (s.tail === undefined || tail.bytes !== tcap) {
        this.account(s);
        return;
      }
    }
    if (app.allocatedBytes !== cap) this.account(s);
  }

  /**
   * Whether one more sample would take the open chunk's stored blob past {@link CHUNK_SIZE_AIM} of
   * `maxChunkBytes`: the open chunk's format-1 size, grown by its mean bytes per sample, times the series'
   * compaction ratio. The first time a series' chunk nears the limit with no ratio known, the ratio is measured on
   * the open chunk (one compaction).
   */
  private fullBySize(s: HeadSeries, app: ChunkAppender): boolean {
    const n = app.count;
    const raw = app.encodedBytes;
    const limit = this.limits.maxChunkBytes * CHUNK_SIZE_AIM * n;
    // Stored bytes never exceed the format-1 bytes (compactChunk keeps the smaller), so a ratio of 1 is an upper bound.
    if (raw * (n + 1) * (s.sizeRatio || 1) < limit) return false;
    if (s.sizeRatio === 0) s.sizeRatio = app.compactBytes().length / raw;
    return raw * (n + 1) * s.sizeRatio >= limit;
  }

  /** Drops the tail of `s` (an out-of-order sample was stored) and marks the series changed. */
  invalidateTail(s: HeadSeries): void {
    s.gen++;
    if (s.tail === undefined) return;
    s.tail = undefined;
    this.account(s);
  }

  /** Sets (or, with undefined, drops) the tail of `s`. */
  setTail(s: HeadSeries, tail: TailBuckets | undefined): void {
    s.tail = tail;
    this.account(s);
  }

  /**
   * Merges time-ordered samples with distinct timestamps, all within the open chunk's time range, into it
   * (decode, merge, re-encode). A timestamp already in the chunk is a duplicate: the stored sample wins.
   * @returns how many were duplicates.
   */
  merge(s: HeadSeries, ts: readonly number[], vs: readonly number[]): number {
    const app = s.app;
    if (app === undefined || ts.length === 0) return 0;
    this.invalidateTail(s);
    const old = decodeChunk(app.bytes());
    const next = new ChunkAppender(Math.max(16, app.allocatedBytes >> 1));
    let i = 0;
    let j = 0;
    let dup = 0;
    const n = old.timestampsMs.length;
    while (i < n || j < ts.length) {
      const a = i < n ? old.timestampsMs[i]! : Infinity;
      const b = j < ts.length ? ts[j]! : Infinity;
      if (a < b) {
        next.append(a, old.values[i]!);
        i++;
      } else if (b < a) {
        next.append(b, vs[j]!);
        j++;
      } else {
        next.append(a, old.values[i]!);
        i++;
        j++;
        dup++;
      }
    }
    s.app = next;
    s.touched = this.clock;
    this.account(s);
    return dup;
  }

  /**
   * Cuts the open chunk of `s` (if any) into `cuts`. With `split`, a chunk whose stored blob would be over
   * `maxChunkBytes` is cut at the sample its size estimate allows instead, and the samples after it stay in a new
   * open chunk.
   */
  cut(s: HeadSeries, cuts: CutChunk[], split = false): void {
    const app = s.app;
    if (app === undefined) return;
    if (app.count > 0) {
      const startTs = app.minTs!;
      const data = app.compactBytes();
      if (split && data.length > this.limits.maxChunkBytes) {
        const m = this.splitAt(s, app.count, data.length);
        if (m < app.count) {
          this.cutSplit(s, app, m, cuts);
          return;
        }
      }
      s.sizeRatio = data.length / app.encodedBytes;
      cuts.push({
        seriesId: s.id,
        startTs,
        endTs: app.maxTs!,
        samples: app.count,
        data,
        replaces:
          s.provisionalStart !== undefined && s.provisionalStart !== startTs ? s.provisionalStart : undefined,
        provisionalSamples: s.provisionalStart !== undefined ? s.provisionalSamples : 0,
      });
    }
    s.app = undefined;
    s.provisionalStart = undefined;
    s.provisionalSamples = 0;
    this.account(s);
  }

  /**
   * Samples to cut off the front of an open chunk of `n` samples whose stored blob takes `bytes`, over
   * `maxChunkBytes`: as many as {@link CHUNK_SIZE_AIM} of the limit holds at the chunk's mean stored bytes per
   * sample, but never fewer than the series' checkpoint row holds (the cut row replaces that row, and its samples
   * may be in no WAL segment any more). `n` or more means: do not split.
   */
  private splitAt(s: HeadSeries, n: number, bytes: number): number {
    const m = Math.max(1, Math.floor((n * this.limits.maxChunkBytes * CHUNK_SIZE_AIM) / bytes));
    return s.provisionalStart === undefined ? m : Math.max(m, s.provisionalSamples);
  }

  /** Cuts the first `m` samples of the open chunk `app` of `s`; the rest become the new open chunk. */
  private cutSplit(s: HeadSeries, app: ChunkAppender, m: number, cuts: CutChunk[]): void {
    const n = app.count;
    const d = decodeChunk(app.bytes());
    const raw = encodeChunk(d.timestampsMs.subarray(0, m), d.values.subarray(0, m));
    const data = compactChunk(raw);
    s.sizeRatio = data.length / raw.length;
    const startTs = d.timestampsMs[0]!;
    cuts.push({
      seriesId: s.id,
      startTs,
      endTs: d.timestampsMs[m - 1]!,
      samples: m,
      data,
      replaces:
        s.provisionalStart !== undefined && s.provisionalStart !== startTs ? s.provisionalStart : undefined,
      provisionalSamples: s.provisionalStart !== undefined ? s.provisionalSamples : 0,
    });
    const rest = new ChunkAppender(Math.max(16, app.allocatedBytes >> 2));
    for (let i = m; i < n; i++) rest.append(d.timestampsMs[i]!, d.values[i]!);
    s.app = rest;
    s.provisionalStart = undefined;
    s.provisionalSamples = 0;
    this.account(s);
  }

  /** Drops a series (its open chunk must have been cut). */
  remove(s: HeadSeries): void {
    this.removals++;
    this.bytes -= s.accounted;
    this.byKey.delete(s.key);
    this.byId.delete(s.id);
  }

  /**
   * Holds the limits: beyond `maxHeadSeries`, the longest idle series are cut
   * and dropped down to 90 % of the limit; beyond `maxHeadBytes`, open chunks are cut largest first, then idle
   * series dropped, down to 75 %. Series touched in the current batch go last. Call between batches only.
   * @returns series dropped.
   */
  enforceLimits(cuts: CutChunk[]): number {
    let dropped = 0;
    const { maxHeadSeries, maxHeadBytes } = this.limits;
    if (this.byKey.size > maxHeadSeries)
      dropped += this.dropIdle(cuts, Math.floor(maxHeadSeries * 0.9), Infinity);
    if (this.bytes > maxHeadBytes) {
      const target = Math.floor(maxHeadBytes * 0.75);
      // Query tails first: a query rebuilds them.
      for (const s of this.byKey.values()) if (s.tail !== undefined) this.setTail(s, undefined);
      const open = [...this.byKey.values()]
        .filter((s) => s.app !== undefined)
        .sort((a, b) => b.app!.allocatedBytes - a.app!.allocatedBytes);
      for (const s of open) {
        if (this.bytes <= target) break;
        this.cut(s, cuts);
      }
      if (this.bytes > target) dropped += this.dropIdle(cuts, 0, target);
    }
    return dropped;
  }

  private dropIdle(cuts: CutChunk[], targetSeries: number, targetBytes: number): number {
    const idle = [...this.byKey.values()].sort((a, b) => a.touched - b.touched);
    let n = 0;
    for (const s of idle) {
      if (this.byKey.size <= targetSeries && this.bytes <= targetBytes) break;
      this.cut(s, cuts);
      this.remove(s);
      n++;
    }
    return n;
  }

  private account(s: HeadSeries): void {
    const now =
      SERIES_OVERHEAD_BYTES +
      2 * s.key.length +
      (s.app ? OPEN_CHUNK_OVERHEAD_BYTES + s.app.allocatedBytes : 0) +
      (s.tail ? OPEN_CHUNK_OVERHEAD_BYTES + s.tail.bytes : 0);
    this.bytes += now - s.accounted;
    s.accounted = now;
  }
}
