/**
 * Fixed-capacity rolling window over numbers with O(1) running mean and variance. Pure, no I/O.
 *
 * Numerics: the window keeps the sum and the sum of squares of `x - k`, where `k` (the shift) is a value
 * close to the data (the first value, later the exact mean). Shifting removes most of the cancellation of
 * the textbook `E[x^2] - E[x]^2` formula (Chan, Golub & LeVeque, "Algorithms for computing the sample
 * variance", 1983, section on shifted data). Rounding error from adding and removing values still
 * accumulates, so every `capacity` pushes the sums are recomputed exactly from the buffer (two-pass, O(n)),
 * which keeps the amortised cost O(1) per push and the error bounded to what `capacity` updates can add.
 */
import { InvalidInputError } from '../../errors.ts';

/** Largest capacity accepted (a guard against accidental huge allocations: 8 MiB of samples). */
export const MAX_ROLLING_CAPACITY = 1 << 20;

/**
 * A ring buffer of the last `capacity` finite numbers with running mean/variance.
 * Memory: one `Float64Array(capacity)` plus a few numbers; nothing grows after construction.
 */
export class RollingWindow {
  /** Maximum number of values held. */
  readonly capacity: number;
  private readonly buf: Float64Array;
  /** Index the next value is written to. */
  private head = 0;
  private count = 0;
  private shift = 0;
  private sum = 0;
  private sumSq = 0;
  private pushesSinceRecompute = 0;

  /**
   * @param capacity number of values kept, an integer in [1, {@link MAX_ROLLING_CAPACITY}].
   * @throws InvalidInputError for a non-integer or out-of-range capacity.
   */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_ROLLING_CAPACITY) {
      throw new InvalidInputError(
        `rolling window capacity must be an integer in [1, ${MAX_ROLLING_CAPACITY}], got ${capacity}`,
      );
    }
    this.capacity = capacity;
    this.buf = new Float64Array(capacity);
  }

  /** Number of values currently held (0..capacity). */
  get size(): number {
    return this.count;
  }

  /** True when the window holds `capacity` values (the next push evicts the oldest). */
  get full(): boolean {
    return this.count === this.capacity;
  }

  /**
   * Appends `x`, evicting the oldest value when full. O(1) amortised.
   * @throws InvalidInputError when `x` is not finite (the window only ever holds finite values).
   */
  push(x: number): void {
    if (!Number.isFinite(x)) throw new InvalidInputError(`rolling window value must be finite, got ${x}`);
    if (this.count === 0) {
      this.shift = x;
      this.sum = 0;
      this.sumSq = 0;
    }
    const d = x - this.shift;
    if (this.count === this.capacity) {
      const old = this.buf[this.head]! - this.shift;
      this.sum += d - old;
      this.sumSq += d * d - old * old;
    } else {
      this.sum += d;
      this.sumSq += d * d;
      this.count++;
    }
    this.buf[this.head] = x;
    this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
    if (++this.pushesSinceRecompute >= this.capacity) this.recompute();
  }

  /** Arithmetic mean of the held values; NaN when empty. */
  mean(): number {
    return this.count === 0 ? Number.NaN : this.shift + this.sum / this.count;
  }

  /** Population variance (divide by n) of the held values; NaN when empty, never negative. */
  variance(): number {
    const n = this.count;
    if (n === 0) return Number.NaN;
    const m = this.sum / n;
    const v = this.sumSq / n - m * m;
    return v > 0 ? v : 0;
  }

  /** Sample variance (divide by n - 1, unbiased); NaN with fewer than 2 values, never negative. */
  sampleVariance(): number {
    const n = this.count;
    if (n < 2) return Number.NaN;
    const v = (this.sumSq - (this.sum * this.sum) / n) / (n - 1);
    return v > 0 ? v : 0;
  }

  /** Square root of {@link sampleVariance}; NaN with fewer than 2 values. */
  sampleStd(): number {
    return Math.sqrt(this.sampleVariance());
  }

  /** The i-th held value, oldest first (0 <= i < size). @throws InvalidInputError when out of range. */
  at(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.count) {
      throw new InvalidInputError(`rolling window index ${i} out of range [0, ${this.count})`);
    }
    let idx = this.head - this.count + i;
    if (idx < 0) idx += this.capacity;
    return this.buf[idx]!;
  }

  /** Most recently pushed value; NaN when empty. */
  last(): number {
    if (this.count === 0) return Number.NaN;
    return this.buf[this.head === 0 ? this.capacity - 1 : this.head - 1]!;
  }

  /** Copy of the held values, oldest first. */
  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i);
    return out;
  }

  /** Empties the window (capacity and memory unchanged). */
  clear(): void {
    this.head = 0;
    this.count = 0;
    this.shift = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.pushesSinceRecompute = 0;
  }

  /**
   * Recomputes the running sums exactly (two-pass, shift = exact mean). Called automatically every
   * `capacity` pushes; public for tests and for callers that bulk-load a window.
   */
  recompute(): void {
    this.pushesSinceRecompute = 0;
    const n = this.count;
    if (n === 0) return;
    let s = 0;
    for (let i = 0; i < n; i++) s += this.buf[i]!;
    // When not full, the values live in buf[0..n) because the head starts at 0 and only wraps when full.
    const m = s / n;
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const d = this.buf[i]! - m;
      s1 += d;
      s2 += d * d;
    }
    this.shift = m;
    this.sum = s1;
    this.sumSq = s2;
  }

  /** Approximate bytes held: the Float64Array payload plus object fields and the typed-array header. */
  stateBytes(): number {
    return this.buf.byteLength + ROLLING_OVERHEAD_BYTES;
  }
}

/**
 * Estimated fixed overhead of one {@link RollingWindow}: the object (header + 9 fields, ~80 bytes) and the
 * Float64Array object with its ArrayBuffer (~140 bytes in V8). An estimate, not a measurement.
 */
export const ROLLING_OVERHEAD_BYTES = 220;
