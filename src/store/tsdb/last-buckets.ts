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
import { ROLLUP_ROW_SPAN_MS } from './options.ts';
import { denseRow, rowKey, type CachedRow, type RollupRowCache } from './row-cache.ts';
import { bucketStart } from './rollup.ts';

/** Raw samples of series ids in [fromMs, toMs], merged and time-ordered, as typed arrays. */
export type TypedRawRead = (ids: readonly number[], fromMs: number, toMs: number) => Promise<Map<number, { readonly timestampsMs: Float64Array; readonly values: Float64Array }>>;

/**
 * Called once per series, in the order of the ids: bucket starts `ts[0..n)` and last values `last[0..n)`.
 * The arrays are reused for the next series (copy what must outlive the call; changing them is allowed).
 */
export type LastBucketVisitor = (index: number, ts: Float64Array, last: Float64Array, n: number) => void;

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
export async function visitLastBuckets(db: TsdbDb, readRaw: TypedRawRead, watermark: number | undefined, ids: readonly number[], resolutionMs: number, fromMs: number, toMs: number, visit: LastBucketVisitor, cache?: RollupRowCache): Promise<void> {
  const span = ROLLUP_ROW_SPAN_MS[resolutionMs]!;
  const from = bucketStart(fromMs, resolutionMs);
  const w = watermark ?? -Infinity;
  const hi = Math.min(toMs, w - 1);
  const firstRow = bucketStart(from, span);
  const rowCount = from < w ? Math.floor((bucketStart(hi, span) - firstRow) / span) + 1 : 0;
  const cached = cache !== undefined && cache.maxBytes > 0 && rowCount > 0 && rowCount <= MAX_CACHED_ROWS_PER_SERIES ? { cache, stamp: cache.beginQuery(), epoch: cache.epoch } : undefined;
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
  const raw = toMs >= w ? await readRaw(ids, rawFrom, toMs) : undefined;
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
    const p = raw?.get(id);
    if (p !== undefined) n = bucketLasts(p.timestampsMs, p.values, resolutionMs, rawFrom, toMs + 1, c, n);
    visit(i, c.ts, c.last, n);
  }
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
function keepRange(ts: Float64Array, last: Float64Array, a: number, b: number, from: number, hi: number, c: Columns, n: number): number {
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
function bucketLasts(ts: Float64Array, vs: Float64Array, resolutionMs: number, fromMs: number, toMs: number, c: Columns, n: number): number {
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
