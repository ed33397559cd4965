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

/**
 * Visits the bucket lasts of every id (see the file header).
 * @param watermark start of the first hour not rolled up (undefined: nothing rolled up yet).
 * @throws StoreError when a blob is corrupt; database errors as thrown by the driver.
 */
export async function visitLastBuckets(db: TsdbDb, readRaw: TypedRawRead, watermark: number | undefined, ids: readonly number[], resolutionMs: number, fromMs: number, toMs: number, visit: LastBucketVisitor): Promise<void> {
  const span = ROLLUP_ROW_SPAN_MS[resolutionMs]!;
  const from = bucketStart(fromMs, resolutionMs);
  const w = watermark ?? -Infinity;
  const rowsOf = new Map<number, Uint8Array[]>();
  if (from < w) {
    for (const r of await readRollups(db, ids, resolutionMs, from, Math.min(toMs, w - 1), span, false)) {
      let l = rowsOf.get(r.seriesId);
      if (!l) rowsOf.set(r.seriesId, (l = []));
      l.push(r.last);
    }
  }
  const rawFrom = Math.max(from, w);
  const raw = toMs >= w ? await readRaw(ids, rawFrom, toMs) : undefined;
  const c = new Columns();
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    let n = 0;
    for (const blob of rowsOf.get(id) ?? []) {
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
    const p = raw?.get(id);
    if (p !== undefined) n = bucketLasts(p.timestampsMs, p.values, resolutionMs, rawFrom, toMs + 1, c, n);
    visit(i, c.ts, c.last, n);
  }
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
