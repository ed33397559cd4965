/**
 * The bucket lasts a range query reads, decoded straight into reusable typed arrays: per series, in the order
 * asked, the buckets of one resolution whose start lies in [bucketStart(fromMs), toMs] — stored rollup rows below
 * the downsampler's watermark, raw samples bucketed from it on — as bucket starts and last values. The same
 * buckets as `Downsampler.read(…, allColumns = false)` (same filters, same order), without a `Buckets` object or
 * number arrays per series: the caller turns each series into points or folds it into an aggregation before the
 * next one overwrites the arrays.
 */
import type { TsdbDb } from './chunk-repo.ts';
import { readRollups } from './chunk-repo.ts';
import { decodeRollupLastInto, rollupLastBuckets } from './codec/rollup-chunk.ts';
import { ROLLUP_1M_MS, ROLLUP_ROW_SPAN_MS } from './options.ts';
import { denseRow, rowKey, type CachedRow, type RollupRowCache } from './row-cache.ts';
import { bucketStart } from './rollup.ts';
import type { HeadSeries } from './head.ts';
import { TailBuckets } from './tail-buckets.ts';

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

/** The head's series and their tails (tail-buckets.ts), for the raw part of a read. */
export interface TailSource {
  /** The head state of a series (undefined when it is not in the head). */
  series(id: number): HeadSeries | undefined;
  /** Sets the tail of `s`. */
  attach(s: HeadSeries, tail: TailBuckets): void;
}

/** A tail as a query found it: its first `n` buckets, the last of them with the value it had then. */
interface TailView {
  readonly tail: TailBuckets;
  readonly n: number;
  readonly lastValue: number;
}

/** Growable pair of columns. */
class Columns {
  ts = new Float64Array(4096);
  last = new Float64Array(4096);

  reserve(n: number): void {
    if (n <= this.ts.length) return;
    let cap = this.ts.length * 2;
    while (cap < n) cap *= 2;
    const ts = new Float64Array(cap);
    const last = new Float64Array(cap);
    ts.set(this.ts);
    last.set(this.last);
    this.ts = ts;
    this.last = last;
  }
}

/** Rows per series at most for which a query uses the row cache (beyond it: read as without a cache). */
const MAX_CACHED_ROWS_PER_SERIES = 64;

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
    for (const r of await readRollups(db, toRead, resolutionMs, from, hi, span, false)) {
      let l = rowsOf.get(r.seriesId);
      if (!l) rowsOf.set(r.seriesId, (l = []));
      l.push({ start: r.startTs, last: r.last });
    }
  }
  const rawFrom = Math.max(from, w);
  // The raw part: from the series' tails where they cover it (every sample of the series is at or before toMs),
  // read and bucketed otherwise; a 1-minute read of a series with nothing appended during it leaves a tail.
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
  const c = new Columns();
  const tmp = cached !== undefined ? new Columns() : undefined;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let n = 0;
    if (cached !== undefined) {
      const blobs = rowsOf.get(id);
      for (let r = 0; r < rowCount; r++) {
        const start = firstRow + r * span;
        let row = hits![i * rowCount + r];
        if (row === undefined) {
          const blob = blobs?.find((b) => b.start === start)?.last;
          if (blob === undefined) row = { start, resolutionMs, values: undefined, lastBucket: -Infinity };
          else {
            const m = rollupLastBuckets(blob);
            tmp!.reserve(m);
            decodeRollupLastInto(blob, tmp!.ts, tmp!.last, 0);
            const values = denseRow(start, resolutionMs, tmp!.ts, tmp!.last, m);
            if (values === undefined) {
              n = keepRange(tmp!.ts, tmp!.last, 0, m, from, hi, c, n);
              continue;
            }
            row = { start, resolutionMs, values, lastBucket: tmp!.ts[m - 1]! };
          }
          cached.cache.put(rowKey(id, resolutionMs, start), row, cached.epoch, cached.stamp);
        }
        if (row.values !== undefined) n = expandRow(row, from, hi, c, n);
      }
    } else {
      for (const { last: blob } of rowsOf.get(id) ?? []) {
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
    }
    const tv = tailOf?.[i];
    if (tv !== undefined) n = tailLasts(tv, resolutionMs, rawFrom, toMs, c, n);
    else {
      const p = raw?.get(id);
      if (p !== undefined) {
        const n0 = n;
        n = bucketLasts(p.timestampsMs, p.values, resolutionMs, rawFrom, toMs + 1, c, n);
        const tok = tokens?.[i];
        if (
          tok !== undefined &&
          tok.s.gen === tok.gen &&
          tok.s.tail === undefined &&
          tails!.series(id) === tok.s
        )
          tails!.attach(tok.s, new TailBuckets(rawFrom, c.ts, c.last, n0, n));
      }
    }
    visit(i, c.ts, c.last, n);
  }
  cached?.cache.publish();
}

/**
 * Appends to `c` from index `n` the buckets of `resolutionMs` (1 minute, or 1 hour folded from the minutes: the
 * last minute's last) of a tail view with rawFrom <= start <= toMs; returns the new length.
 */
function tailLasts(
  tv: TailView,
  resolutionMs: number,
  rawFrom: number,
  toMs: number,
  c: Columns,
  n: number,
): number {
  const { tail } = tv;
  c.reserve(n + tv.n);
  const out = c.ts;
  const last = c.last;
  let k = n - 1;
  let cur = Number.NaN;
  for (let j = 0; j < tv.n; j++) {
    const b = tail.ts[j]!;
    if (b < rawFrom || b > toMs) continue;
    const v = j === tv.n - 1 ? tv.lastValue : tail.last[j]!;
    const hb = resolutionMs === ROLLUP_1M_MS ? b : bucketStart(b, resolutionMs);
    if (hb !== cur) {
      cur = hb;
      k++;
      out[k] = hb;
    }
    last[k] = v;
  }
  return k + 1;
}

/** Appends the existing buckets of a cached row with from <= start <= hi to `c` from index `n`; returns the new length. */
function expandRow(row: CachedRow, from: number, hi: number, c: Columns, n: number): number {
  const { start, resolutionMs: res } = row;
  const vals = row.values!;
  const kLo = Math.max(0, Math.ceil((from - start) / res));
  const kHi = Math.min(vals.length - 1, Math.floor((hi - start) / res));
  if (kHi < kLo) return n;
  c.reserve(n + kHi - kLo + 1);
  const ts = c.ts;
  const last = c.last;
  for (let k = kLo; k <= kHi; k++) {
    const v = vals[k]!;
    if (v !== v) continue; // NaN: no bucket
    ts[n] = start + k * res;
    last[n] = v;
    n++;
  }
  return n;
}

/** Appends the buckets `ts[a..b)` with from <= t <= hi to `c` from index `n`; returns the new length. */
function keepRange(
  ts: Float64Array,
  last: Float64Array,
  a: number,
  b: number,
  from: number,
  hi: number,
  c: Columns,
  n: number,
): number {
  c.reserve(n + b - a);
  for (let j = a; j < b; j++) {
    const t = ts[j]!;
    if (t < from || t > hi) continue;
    c.ts[n] = t;
    c.last[n] = last[j]!;
    n++;
  }
  return n;
}

/**
 * Appends to `c` from index `n` the start and last non-NaN value of every bucket of the time-ordered samples
 * with fromMs <= t < toMs (the `timestampsMs` and `last` of `bucketize`); returns the new length.
 */
function bucketLasts(
  ts: Float64Array,
  vs: Float64Array,
  resolutionMs: number,
  fromMs: number,
  toMs: number,
  c: Columns,
  n: number,
): number {
  c.reserve(n + ts.length);
  const out = c.ts;
  const last = c.last;
  let cur = Number.NaN;
  let k = n - 1;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (t < fromMs || t >= toMs) continue;
    const v = vs[i]!;
    if (Number.isNaN(v)) continue;
    const b = bucketStart(t, resolutionMs);
    if (b !== cur) {
      cur = b;
      k++;
      out[k] = b;
    }
    last[k] = v;
  }
  return k + 1;
}
