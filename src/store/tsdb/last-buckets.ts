/**
 * The bucket lasts a range query reads, decoded straight into reusable typed arrays: per series, in the order
 * asked, the buckets of one resolution whose start lies in [bucketStart(fromMs), toMs] — stored rollup rows below
 * the downsampler's watermark, raw samples bucketed from it on — as bucket starts and last values
 * ({@link visitLastBuckets}), or as one dense column over the bucket grid ({@link visitDenseBuckets}). The same
 * buckets as `Downsampler.read(…, allColumns = false)` (same filters, same order), without a `Buckets` object or
 * number arrays per series: the caller turns each series into points or folds it into an aggregation before the
 * next one overwrites the arrays.
 */
import type { TsdbDb } from './chunk-repo.ts';
import { readRollupLasts } from './chunk-repo.ts';
import { decodeRollupLastInto, rollupLastBuckets } from './codec/rollup-chunk.ts';
import { ROLLUP_1M_MS, ROLLUP_ROW_SPAN_MS } from './options.ts';
import { denseRow, ownedBytes, rowKey, type CachedRow, type RollupRowCache } from './row-cache.ts';
import { bucketStart } from './rollup.ts';
import { denseRunInto, denseRunRow } from './rollup-dense.ts';
import type { HeadSeries } from './head.ts';
import { TailBuckets } from './tail-buckets.ts';
import {
  bucketLasts,
  Columns,
  copyRowDense,
  expandRow,
  keepRange,
  scatterDense,
  tailLasts,
  type TailView,
} from './bucket-columns.ts';

/** Raw samples of series ids in [fromMs, toMs], merged and time-ordered, as typed arrays. */
export type TypedRawRead = (
  ids: readonly number[],
  fromMs: number,
  toMs: number,
) => Promise<Map<number, { readonly timestampsMs: Float64Array; readonly values: Float64Array }>>;

/**
 * Called once per series, in the order of the ids: bucket starts `ts[0..n)` and last values `last[0..n)`.
 * The arrays are reused for the next series (copy what must outlive the call; changing them is allowed).
 */
export type LastBucketVisitor = (index: number, ts: Float64Array, last: Float64Array, n: number) => void;

/**
 * Called once per series, in the order of the ids: `lasts[k]` is the last value of the bucket starting at
 * bucketStart(fromMs) + k × resolution, NaN where the series has no bucket, for k < `n`. The array is reused for
 * the next series.
 */
export type DenseBucketVisitor = (index: number, lasts: Float64Array, n: number) => void;

/** The head's series and their tails (tail-buckets.ts), for the raw part of a read. */
export interface TailSource {
  /** The head state of a series (undefined when it is not in the head). */
  series(id: number): HeadSeries | undefined;
  /** Sets the tail of `s`. */
  attach(s: HeadSeries, tail: TailBuckets): void;
}

/** Rows per series at most for which a query uses the row cache (beyond it: read as without a cache). */
const MAX_CACHED_ROWS_PER_SERIES = 64;

/** Where a read takes each series' buckets from, gathered before the per-series loop. */
class Gathered {
  /** Rows decoded from blobs that could not be cached (not on their row's grid). */
  private readonly tmp = new Columns();

  constructor(
    readonly ids: readonly number[],
    readonly res: number,
    readonly from: number,
    readonly hi: number,
    readonly toMs: number,
    readonly w: number,
    readonly rawFrom: number,
    readonly firstRow: number,
    readonly span: number,
    readonly rowCount: number,
    readonly cached: { cache: RollupRowCache; stamp: number; epoch: number } | undefined,
    readonly hits: (CachedRow | undefined)[] | undefined,
    readonly rowsOf: Map<number, { start: number; last: Uint8Array }[]>,
    readonly tailOf: (TailView | undefined)[] | undefined,
    readonly tokens: ({ s: HeadSeries; gen: number } | undefined)[] | undefined,
    readonly raw:
      Map<number, { readonly timestampsMs: Float64Array; readonly values: Float64Array }> | undefined,
    readonly tails: TailSource | undefined,
  ) {}

  /**
   * The decoded column of `blob` (row starting at `start` of series `i`), put into the cache; or, when the blob
   * is not representable as a cached row (not on its row's grid), its buckets decoded into `tmp[0..m)` and m.
   * @param decoded the cache held the row compressed (a read a second time): not counted as a miss again.
   */
  private decodedRow(i: number, start: number, blob: Uint8Array, decoded: boolean): CachedRow | number {
    const { res, cached, tmp } = this;
    let row: CachedRow;
    // A gap-free row goes straight from its blob into its column (rollup-dense.ts); others are decoded.
    const run = denseRunRow(blob, start, res);
    if (run !== undefined)
      row = { start, resolutionMs: res, values: run, lastBucket: start + (run.length - 1) * res };
    else {
      const m = rollupLastBuckets(blob);
      tmp.reserve(m);
      decodeRollupLastInto(blob, tmp.ts, tmp.last, 0);
      const values = denseRow(start, res, tmp.ts, tmp.last, m);
      if (values === undefined) return m;
      row = { start, resolutionMs: res, values, lastBucket: tmp.ts[m - 1]! };
    }
    cached!.cache.put(rowKey(this.ids[i]!, res, start), row, cached!.epoch, cached!.stamp, decoded);
    return row;
  }

  /** Caches row `start` of series `i` as read from the database: absent, or its blob (compressed). */
  private keepRead(i: number, start: number, blob: Uint8Array | undefined, lastBucket: number): void {
    const { res, cached } = this;
    const row: CachedRow =
      blob === undefined
        ? { start, resolutionMs: res, values: undefined, lastBucket: -Infinity }
        : { start, resolutionMs: res, values: undefined, blob: ownedBytes(blob), lastBucket };
    cached!.cache.put(rowKey(this.ids[i]!, res, start), row, cached!.epoch, cached!.stamp);
  }

  /** The blob of row `start` among a series' rows read from the database. */
  private static blobAt(
    blobs: { start: number; last: Uint8Array }[] | undefined,
    start: number,
  ): Uint8Array | undefined {
    if (blobs === undefined) return undefined;
    for (const b of blobs) if (b.start === start) return b.last;
    return undefined;
  }

  /** Appends the rollup buckets of series `i` to `c` from index 0; returns their count. */
  rollupSparse(i: number, c: Columns): number {
    const { from, hi, toMs, w, tmp } = this;
    const blobs = this.rowsOf.get(this.ids[i]!);
    let n = 0;
    if (this.cached !== undefined) {
      for (let r = 0; r < this.rowCount; r++) {
        const start = this.firstRow + r * this.span;
        const hit = this.hits![i * this.rowCount + r];
        if (hit !== undefined && hit.blob === undefined) {
          if (hit.values !== undefined) n = expandRow(hit, from, hi, c, n);
          continue;
        }
        if (hit !== undefined && this.cached.cache.promotes(hit, this.cached.stamp)) {
          // Read often enough: kept decoded from now on.
          const row = this.decodedRow(i, start, hit.blob!, true);
          if (typeof row === 'number') n = keepRange(tmp.ts, tmp.last, 0, row, from, hi, c, n);
          else n = expandRow(row, from, hi, c, n);
          continue;
        }
        const blob = hit !== undefined ? hit.blob! : Gathered.blobAt(blobs, start);
        if (blob === undefined) {
          this.keepRead(i, start, undefined, -Infinity);
          continue;
        }
        const m = rollupLastBuckets(blob);
        tmp.reserve(m);
        decodeRollupLastInto(blob, tmp.ts, tmp.last, 0);
        n = keepRange(tmp.ts, tmp.last, 0, m, from, hi, c, n);
        if (hit === undefined) this.keepRead(i, start, blob, m > 0 ? tmp.ts[m - 1]! : -Infinity);
      }
      return n;
    }
    for (const { last: blob } of blobs ?? []) {
      const m = rollupLastBuckets(blob);
      c.reserve(n + m);
      decodeRollupLastInto(blob, c.ts, c.last, n);
      // Keep buckets with from <= t <= toMs below the watermark, in place.
      const ts = c.ts;
      const last = c.last;
      let k = n;
      for (let j = n; j < n + m; j++) {
        const t = ts[j]!;
        if (t < from || t > toMs || t >= w) continue;
        ts[k] = t;
        last[k] = last[j]!;
        k++;
      }
      n = k;
    }
    return n;
  }

  /**
   * Writes the buckets of a rollup blob (row starting at `start`) with from <= start <= hi into the dense
   * column `lasts`: a gap-free row straight from its blob (rollup-dense.ts `denseRunInto`), others decoded.
   * @returns the start of the row's last bucket (-Infinity: none), or undefined when a bucket lies off the grid.
   */
  private blobDense(blob: Uint8Array, start: number, lasts: Float64Array): number | undefined {
    const { from, hi, res, tmp } = this;
    const runLast = denseRunInto(blob, start, res, from, hi, lasts);
    if (runLast !== undefined) return runLast;
    const m = rollupLastBuckets(blob);
    tmp.reserve(m);
    decodeRollupLastInto(blob, tmp.ts, tmp.last, 0);
    if (!scatterDense(tmp.ts, tmp.last, 0, m, from, hi, res, lasts)) return undefined;
    return m > 0 ? tmp.ts[m - 1]! : -Infinity;
  }

  /**
   * Writes the rollup buckets of series `i` into the dense column `lasts` (NaN-filled by the caller). A row the
   * cache holds decoded is copied; a row read from the database is decoded straight into `lasts` and cached
   * compressed; a row the cache holds compressed is decoded straight into `lasts` again, or, on the read the
   * cache promotes it (`RollupRowCache.promotes`), decoded and kept decoded.
   * @returns false when a bucket lies off the grid (the read must be done sparse).
   */
  rollupDense(i: number, lasts: Float64Array): boolean {
    const { from, hi, res, tmp } = this;
    const blobs = this.rowsOf.get(this.ids[i]!);
    if (this.cached !== undefined) {
      for (let r = 0; r < this.rowCount; r++) {
        const start = this.firstRow + r * this.span;
        const hit = this.hits![i * this.rowCount + r];
        if (hit !== undefined && hit.blob === undefined) {
          if (hit.values !== undefined) copyRowDense(hit, from, hi, lasts);
          continue;
        }
        if (hit !== undefined) {
          if (!this.cached.cache.promotes(hit, this.cached.stamp)) {
            // Held compressed: decoded straight into the column again.
            if (this.blobDense(hit.blob!, start, lasts) === undefined) return false;
            continue;
          }
          const row = this.decodedRow(i, start, hit.blob!, true);
          if (typeof row !== 'number') copyRowDense(row, from, hi, lasts);
          else if (!scatterDense(tmp.ts, tmp.last, 0, row, from, hi, res, lasts)) return false;
          continue;
        }
        const blob = Gathered.blobAt(blobs, start);
        if (blob === undefined) {
          this.keepRead(i, start, undefined, -Infinity);
          continue;
        }
        const lastBucket = this.blobDense(blob, start, lasts);
        if (lastBucket === undefined) return false;
        this.keepRead(i, start, blob, lastBucket);
      }
      return true;
    }
    for (const { last: blob, start } of blobs ?? [])
      if (this.blobDense(blob, start, lasts) === undefined) return false;
    return true;
  }

  /**
   * Appends the buckets past the watermark of series `i` (from its tail, or its raw samples bucketed; a
   * 1-minute read of a series with nothing appended during it leaves a tail) to `c` from index `n`.
   */
  rawPart(i: number, c: Columns, n: number): number {
    const { res, rawFrom, toMs } = this;
    const tv = this.tailOf?.[i];
    if (tv !== undefined) return tailLasts(tv, res, rawFrom, toMs, c, n);
    const id = this.ids[i]!;
    const p = this.raw?.get(id);
    if (p === undefined) return n;
    const n0 = n;
    n = bucketLasts(p.timestampsMs, p.values, res, rawFrom, toMs + 1, c, n);
    const tok = this.tokens?.[i];
    const tails = this.tails;
    if (tok !== undefined && tok.s.gen === tok.gen && tok.s.tail === undefined && tails!.series(id) === tok.s)
      tails!.attach(tok.s, new TailBuckets(rawFrom, c.ts, c.last, n0, n));
    return n;
  }

  /** Ends the read (the cache's counters published). */
  done(): void {
    this.cached?.cache.publish();
  }
}

/** Looks up cached rows, reads the missing rows, the tails and the raw samples of a read (see the file header). */
async function gather(
  db: TsdbDb,
  readRaw: TypedRawRead,
  watermark: number | undefined,
  ids: readonly number[],
  resolutionMs: number,
  fromMs: number,
  toMs: number,
  cache: RollupRowCache | undefined,
  tails: TailSource | undefined,
): Promise<Gathered> {
  const span = ROLLUP_ROW_SPAN_MS[resolutionMs]!;
  const from = bucketStart(fromMs, resolutionMs);
  const w = watermark ?? -Infinity;
  const hi = Math.min(toMs, w - 1);
  const firstRow = bucketStart(from, span);
  const rowCount = from < w ? Math.floor((bucketStart(hi, span) - firstRow) / span) + 1 : 0;
  const cached =
    cache !== undefined && cache.maxBytes > 0 && rowCount > 0 && rowCount <= MAX_CACHED_ROWS_PER_SERIES
      ? { cache, stamp: cache.beginQuery(), epoch: cache.epoch }
      : undefined;
  const rowsOf = new Map<number, { start: number; last: Uint8Array }[]>();
  // With the cache: the cached rows of every id (undefined = not cached), and the ids with a row to read.
  let hits: (CachedRow | undefined)[] | undefined;
  let toRead: readonly number[] = ids;
  if (cached !== undefined) {
    hits = new Array<CachedRow | undefined>(ids.length * rowCount);
    const missing: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      let miss = false;
      for (let r = 0; r < rowCount; r++) {
        const row = cached.cache.get(rowKey(ids[i]!, resolutionMs, firstRow + r * span), cached.stamp);
        hits[i * rowCount + r] = row;
        if (row === undefined) miss = true;
      }
      if (miss) missing.push(ids[i]!);
    }
    toRead = missing;
  }
  if (rowCount > 0 && toRead.length > 0) {
    for (const r of await readRollupLasts(db, toRead, resolutionMs, from, hi, span)) {
      let l = rowsOf.get(r.seriesId);
      if (!l) rowsOf.set(r.seriesId, (l = []));
      l.push({ start: r.startTs, last: r.last });
    }
    // The rows come in no particular order; each series' rows in start order (the sparse path appends them).
    for (const l of rowsOf.values()) if (l.length > 1) l.sort((a, b) => a.start - b.start);
  }
  const rawFrom = Math.max(from, w);
  // The raw part: from the series' tails where they cover it (every sample of the series is at or before toMs),
  // read and bucketed otherwise.
  let tailOf: (TailView | undefined)[] | undefined;
  let tokens: ({ s: HeadSeries; gen: number } | undefined)[] | undefined;
  let rawIds: readonly number[] = ids;
  if (tails !== undefined && toMs >= w) {
    tailOf = new Array<TailView | undefined>(ids.length);
    tokens = new Array<{ s: HeadSeries; gen: number } | undefined>(ids.length);
    const need: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const s = tails.series(ids[i]!);
      const t = s?.tail;
      if (s !== undefined && t !== undefined && t.from <= rawFrom && toMs >= s.lastTs) {
        tailOf[i] = { tail: t, n: t.n, lastValue: t.n > 0 ? t.last[t.n - 1]! : Number.NaN };
        continue;
      }
      need.push(ids[i]!);
      if (s !== undefined && resolutionMs === ROLLUP_1M_MS && toMs >= s.lastTs) tokens[i] = { s, gen: s.gen };
    }
    rawIds = need;
  }
  const raw = toMs >= w && rawIds.length > 0 ? await readRaw(rawIds, rawFrom, toMs) : undefined;
  return new Gathered(
    ids,
    resolutionMs,
    from,
    hi,
    toMs,
    w,
    rawFrom,
    firstRow,
    span,
    rowCount,
    cached,
    hits,
    rowsOf,
    tailOf,
    tokens,
    raw,
    tails,
  );
}

/**
 * Visits the bucket lasts of every id (see the file header). With `cache`, rollup rows are taken from it where
 * present and the others read from the database and put into it (row-cache.ts); the buckets visited are the
 * same either way.
 * @param watermark start of the first hour not rolled up (undefined: nothing rolled up yet).
 * @throws StoreError when a blob is corrupt; database errors as thrown by the driver.
 */
export async function visitLastBuckets(
  db: TsdbDb,
  readRaw: TypedRawRead,
  watermark: number | undefined,
  ids: readonly number[],
  resolutionMs: number,
  fromMs: number,
  toMs: number,
  visit: LastBucketVisitor,
  cache?: RollupRowCache,
  tails?: TailSource,
): Promise<void> {
  const g = await gather(db, readRaw, watermark, ids, resolutionMs, fromMs, toMs, cache, tails);
  const c = new Columns();
  for (let i = 0; i < ids.length; i++) {
    const n = g.rawPart(i, c, g.rollupSparse(i, c));
    visit(i, c.ts, c.last, n);
  }
  g.done();
}

/**
 * {@link visitLastBuckets} as one dense column per series over the bucket grid bucketStart(fromMs),
 * + resolution, … up to toMs ({@link DenseBucketVisitor}): cached rows are copied in whole, no bucket starts
 * are written. The same buckets, the same cache and tail effects.
 * @returns false (after visiting some series) when a stored bucket lies off the grid: nothing can be
 *   concluded from the visits, read with {@link visitLastBuckets} instead.
 * @throws StoreError when a blob is corrupt; database errors as thrown by the driver.
 */
export async function visitDenseBuckets(
  db: TsdbDb,
  readRaw: TypedRawRead,
  watermark: number | undefined,
  ids: readonly number[],
  resolutionMs: number,
  fromMs: number,
  toMs: number,
  visit: DenseBucketVisitor,
  cache?: RollupRowCache,
  tails?: TailSource,
): Promise<boolean> {
  const g = await gather(db, readRaw, watermark, ids, resolutionMs, fromMs, toMs, cache, tails);
  const from = g.from;
  const nb = Math.floor((toMs - from) / resolutionMs) + 1;
  const lasts = new Float64Array(Math.max(0, nb));
  const c = new Columns();
  try {
    for (let i = 0; i < ids.length; i++) {
      lasts.fill(Number.NaN);
      if (!g.rollupDense(i, lasts)) return false;
      const n = g.rawPart(i, c, 0);
      if (!scatterDense(c.ts, c.last, 0, n, from, toMs, resolutionMs, lasts)) return false;
      visit(i, lasts, nb);
    }
    return true;
  } finally {
    g.done();
  }
}
