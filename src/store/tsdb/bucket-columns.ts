/**
 * Scratch columns of bucket lasts and the loops that fill them (last-buckets.ts): cached dense rows expanded,
 * decoded rows filtered, head tails and raw samples bucketed. Each appends to a growable pair of columns from a
 * given index and returns the new length.
 */
import { ROLLUP_1M_MS } from './options.ts';
import type { CachedRow } from './row-cache.ts';
import { bucketStart } from './rollup.ts';
import type { TailBuckets } from './tail-buckets.ts';

/** A tail as a query found it: its first `n` buckets, the last of them with the value it had then. */
export interface TailView {
  readonly tail: TailBuckets;
  readonly n: number;
  readonly lastValue: number;
}

/** Growable pair of columns. */
export class Columns {
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
 * Appends to `c` from index `n` the buckets of `resolutionMs` (1 minute, or 1 hour folded from the minutes: the
 * last minute's last) of a tail view with rawFrom <= start <= toMs; returns the new length.
 */
export function tailLasts(
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
export function expandRow(row: CachedRow, from: number, hi: number, c: Columns, n: number): number {
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

/**
 * Copies the buckets of a cached row with from <= start <= hi into the dense column `lasts` over the grid
 * from, from + res, … (NaN stays where the row has no bucket).
 */
export function copyRowDense(row: CachedRow, from: number, hi: number, lasts: Float64Array): void {
  const { start, resolutionMs: res } = row;
  const vals = row.values!;
  const kLo = Math.max(0, Math.ceil((from - start) / res));
  const kHi = Math.min(vals.length - 1, Math.floor((hi - start) / res));
  if (kHi < kLo) return;
  lasts.set(vals.subarray(kLo, kHi + 1), (start - from) / res + kLo);
}

/** Appends the buckets `ts[a..b)` with from <= t <= hi to `c` from index `n`; returns the new length. */
export function keepRange(
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
 * Writes the buckets `ts[a..b)` with from <= t <= hi into the dense column `lasts` over the grid from,
 * from + res, … (a later bucket of the same slot wins). @returns false when a bucket lies off the grid.
 */
export function scatterDense(
  ts: Float64Array,
  last: Float64Array,
  a: number,
  b: number,
  from: number,
  hi: number,
  res: number,
  lasts: Float64Array,
): boolean {
  for (let j = a; j < b; j++) {
    const t = ts[j]!;
    if (t < from || t > hi) continue;
    const k = (t - from) / res;
    if (!Number.isInteger(k)) return false;
    lasts[k] = last[j]!;
  }
  return true;
}

/**
 * Appends to `c` from index `n` the start and last non-NaN value of every bucket of the time-ordered samples
 * with fromMs <= t < toMs (the `timestampsMs` and `last` of `bucketize`); returns the new length.
 */
export function bucketLasts(
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
