/**
 * The points of one series over a window that slides forward, kept between calls without rebuilding them
 * (./kept-window-points.ts): timestamps and values in growable `Float64Array`s with a start offset, so dropping
 * the points that left the window moves the offset and new points are copied after the last one. The dead prefix
 * is compacted (one `copyWithin`, no allocation) when the buffer is full; the buffer grows by a quarter when the
 * live points need it and shrinks when they fill less than half of it, so it holds at most about twice the live
 * points (+16). Float64 holds every stored timestamp (integer ms < 2⁵³) and value (an IEEE double) exactly.
 */

/** Slack added on every (re)allocation so small series do not reallocate on every call. */
const SLACK = 16;

/** One series' kept points: ascending timestamps with their values (see the module comment). */
export class SlidingPoints {
  private ts: Float64Array;
  private vs: Float64Array;
  private start = 0;
  private end = 0;

  /** Keeps a copy of `timestampsMs` / `values` (ascending timestamps, same lengths). */
  constructor(timestampsMs: readonly number[], values: readonly number[]) {
    this.ts = new Float64Array(timestampsMs.length + SLACK);
    this.vs = new Float64Array(timestampsMs.length + SLACK);
    this.append(timestampsMs, values, 0);
  }

  /** Live points. */
  get length(): number {
    return this.end - this.start;
  }

  /** Points the buffers can hold (for tests of the memory bound). */
  get capacity(): number {
    return this.ts.length;
  }

  /** The latest timestamp kept, or -Infinity with no live points. */
  get lastMs(): number {
    return this.end > this.start ? this.ts[this.end - 1]! : -Infinity;
  }

  /** Drops the points before `startMs`. */
  dropBefore(startMs: number): void {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ts[mid]! < startMs) lo = mid + 1;
      else hi = mid;
    }
    this.start = lo;
    // Shrunk when the live points fill less than half of the buffers.
    if (this.ts.length > 2 * this.length + SLACK) this.resize(this.length + (this.length >> 2) + SLACK);
  }

  /** Appends `timestampsMs[from..]` / `values[from..]` (timestamps after {@link lastMs}, ascending). */
  append(timestampsMs: readonly number[], values: readonly number[], from: number): void {
    const n = timestampsMs.length - from;
    if (n <= 0) return;
    if (this.end + n > this.ts.length) {
      const need = this.length + n;
      if (need <= this.ts.length) {
        this.ts.copyWithin(0, this.start, this.end);
        this.vs.copyWithin(0, this.start, this.end);
        this.end -= this.start;
        this.start = 0;
      } else this.resize(need + (need >> 2) + SLACK);
    }
    for (let i = 0; i < n; i++) {
      this.ts[this.end + i] = timestampsMs[from + i]!;
      this.vs[this.end + i] = values[from + i]!;
    }
    this.end += n;
  }

  /** A copy of the live points as plain arrays (the shape `readPoints` returns). */
  toArrays(): { timestampsMs: number[]; values: number[] } {
    const n = this.length;
    const timestampsMs = new Array<number>(n);
    const values = new Array<number>(n);
    for (let i = 0, j = this.start; i < n; i++, j++) {
      timestampsMs[i] = this.ts[j]!;
      values[i] = this.vs[j]!;
    }
    return { timestampsMs, values };
  }

  /** Moves the live points to new buffers of `capacity` (≥ the live points). */
  private resize(capacity: number): void {
    const ts = new Float64Array(capacity);
    const vs = new Float64Array(capacity);
    ts.set(this.ts.subarray(this.start, this.end));
    vs.set(this.vs.subarray(this.start, this.end));
    this.end -= this.start;
    this.start = 0;
    this.ts = ts;
    this.vs = vs;
  }
}
