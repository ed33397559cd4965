/**
 * The 1-minute bucket lasts of a series' newest, not yet rolled-up samples, kept in the head and updated by
 * every in-order append, so range queries need not read and decode the raw chunks past the rollup watermark
 * again for every query. A tail is built by a query from the raw samples it read (when nothing was appended to
 * the series meanwhile), dropped when an out-of-order sample is stored for the series (it would need the
 * timestamps of bucket lasts, which are not kept), trimmed when the watermark moves, and dropped first when the
 * head is over its byte bound. Buckets are those of `bucketize` (rollup.ts): NaN samples are left out, the last
 * non-NaN sample of each minute wins.
 */
import { ROLLUP_1M_MS } from './options.ts';

/** Buckets a tail holds at most (6 hours of minutes); beyond it the tail is dropped and rebuilt by a query. */
export const MAX_TAIL_BUCKETS = 360;

/** Bucket starts and lasts of every sample of a series from `from` on (see the file header). */
export class TailBuckets {
  /** Buckets start at or after this (ms, a minute boundary). */
  readonly from: number;
  ts: Float64Array;
  last: Float64Array;
  n: number;

  constructor(from: number, ts: ArrayLike<number>, last: ArrayLike<number>, a: number, b: number) {
    this.from = from;
    const n = b - a;
    let cap = 8;
    while (cap < n + 1) cap *= 2;
    this.ts = new Float64Array(cap);
    this.last = new Float64Array(cap);
    for (let i = 0; i < n; i++) {
      this.ts[i] = ts[a + i]!;
      this.last[i] = last[a + i]!;
    }
    this.n = n;
  }

  /** Accounted bytes (both columns' capacity). */
  get bytes(): number {
    return this.ts.byteLength * 2;
  }

  /**
   * Adds an in-order sample (after every sample of the tail). @returns false when the tail is full (drop it).
   */
  add(t: number, v: number): boolean {
    if (Number.isNaN(v)) return true;
    const b = Math.floor(t / ROLLUP_1M_MS) * ROLLUP_1M_MS;
    const n = this.n;
    if (n > 0 && this.ts[n - 1] === b) {
      this.last[n - 1] = v;
      return true;
    }
    if (n > 0 && b < this.ts[n - 1]!) return false;
    if (n >= MAX_TAIL_BUCKETS) return false;
    if (n === this.ts.length) {
      const ts = new Float64Array(n * 2);
      const last = new Float64Array(n * 2);
      ts.set(this.ts);
      last.set(this.last);
      this.ts = ts;
      this.last = last;
    }
    this.ts[n] = b;
    this.last[n] = v;
    this.n = n + 1;
    return true;
  }

  /** A copy without the buckets before `w` (the arrays of this tail are never shifted in place: readers may hold them). */
  trimmedBefore(w: number): TailBuckets {
    let i = 0;
    while (i < this.n && this.ts[i]! < w) i++;
    return new TailBuckets(Math.max(this.from, w), this.ts, this.last, i, this.n);
  }
}
