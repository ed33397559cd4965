/**
 * The planner of an integer column (int-column.ts): which order (0: the values, 1: deltas, 2: delta-of-deltas),
 * centre (the median of that order's differences) and Rice parameter `k` make the column smallest, and how many
 * bits it then takes. Pure arithmetic over shared scratch arrays (no allocation but the plan), run once per
 * column of every chunk the head compacts, so it is on the store's append path.
 *
 * @see R. F. Rice, "Some Practical Universal Noiseless Coding Techniques", JPL Publication 79-22, 1979.
 * @see C. A. R. Hoare, "Algorithm 65: Find", Commun. ACM 4(7), 1961 (selection of the median).
 */
import { zigzag } from './varint.ts';

const TWO32 = 4294967296;
/** Unary prefix length that marks an escaped (outlier) value. */
export const ESCAPE = 16;
/** Largest |difference − centre| and |first value| a column may hold: keeps zigzag results safe integers. */
const MAX_ABS = 2 ** 51;
/**
 * Largest value range (max − min + 1) of an order's differences whose median is found by counting (and at most 4
 * values of range per difference, beyond which clearing and summing the counts costs more than a selection).
 */
const MAX_COUNTED_RANGE = 4096;
/** Fewest differences whose median is found by {@link bucketedRank} rather than a selection among all. */
const MIN_BUCKETED = 64;
/** 2^−i: a multiplication by it is the exact division by 2^i. */
export const INV_POW2: readonly number[] = Array.from({ length: 54 }, (_, i) => 2 ** -i);

/** Bit length of the non-negative safe integer `z` (1 for 0 and 1; at most 54). */
export function bitLength(z: number): number {
  if (z < TWO32) return z < 1 ? 1 : 32 - Math.clz32(z);
  return Math.min(54, 64 - Math.clz32(Math.floor(z / TWO32)));
}

/** Bits of a field (int-column.ts `putField`): 6 bits of the bit length of `z` (0 for 0), then `z`. */
export function fieldBits(z: number): number {
  return 6 + (z === 0 ? 0 : bitLength(z));
}

/** A column plan: order, centre and k, with the bits the column takes. */
export interface IntColumnPlan {
  readonly order: number;
  readonly centre: number;
  readonly k: number;
  readonly bits: number;
}

/** Capacity of the shared scratch columns. */
let cap = 1024;
/** The values, then in place each order's differences. */
let diffs = new Float64Array(cap);
/** A copy of one order's differences for the selection of its median. */
let sel = new Float64Array(cap);
/** Zigzag codes of order `o` at `[o * cap, o * cap + n − o)`. */
let zs = new Float64Array(3 * cap);
/** Counts per value of each small-range order's differences (counted orders; see {@link planIntColumn}). */
const counted: readonly Int32Array[] = [0, 1, 2].map(() => new Int32Array(MAX_COUNTED_RANGE));
/** Buckets of {@link bucketedRank}. */
const BUCKETS = 256;
/** Counts per bucket of {@link bucketedRank}. */
const bucketCounts = new Int32Array(BUCKETS);

/** The element of rank `k` of `a[0 .. n)` (reordered in place; Hoare's selection, expected O(n)). */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

/**
 * Counts the integers `d[from .. from + m)`, all in `[min, min + range)` with `range` at most
 * {@link MAX_COUNTED_RANGE}, per value into `c[0 .. range)`; returns the element of rank `k` (the counts summed
 * up to it).
 */
function countedRank(
  c: Int32Array,
  d: Float64Array,
  from: number,
  m: number,
  k: number,
  min: number,
  range: number,
): number {
  c.fill(0, 0, range);
  for (let i = from, end = from + m; i < end; i++) c[d[i]! - min]!++;
  let seen = 0;
  for (let v = 0; v < range; v++) {
    seen += c[v]!;
    if (seen > k) return min + v;
  }
  return min + range - 1; // not reached: the counts add up to m > k
}

/** Σ zigzag(v − centre) over the values counted in `c[0 .. range)` (value `min + i` counted `c[i]` times). */
function countedZigzagSum(c: Int32Array, range: number, min: number, centre: number): number {
  let sum = 0;
  for (let i = 0; i < range; i++) {
    const x = c[i]!;
    if (x !== 0) sum += x * zigzag(min + i - centre);
  }
  return sum;
}

/** Bits of the Rice codes with parameter `k` of zigzag(v − centre) over the values counted in `c[0 .. range)`. */
function countedBits(c: Int32Array, range: number, min: number, centre: number, k: number): number {
  const inv = INV_POW2[k]!;
  let bits = 0;
  for (let i = 0; i < range; i++) {
    const x = c[i]!;
    if (x === 0) continue;
    const z = zigzag(min + i - centre);
    const q = Math.floor(z * inv);
    bits += x * (q < ESCAPE ? q + 1 + k : ESCAPE + 6 + bitLength(z));
  }
  return bits;
}

/** Bucket of each difference in {@link bucketedRank}. */
let bucketOf = new Uint8Array(cap);

/**
 * The element of rank `k` of `d[from .. from + m)`, all in `[min, max]` with `min < max`: each value counted in
 * one of {@link BUCKETS} buckets by its place in the range (a monotone map, so each bucket holds a contiguous
 * range of values and the buckets are ordered), then the bucket holding rank `k` alone copied to `a` and
 * selected in. Two passes without data-dependent branches and a selection among few values, where a selection
 * among all of them mispredicts most of its comparisons on scattered values.
 */
function bucketedRank(
  d: Float64Array,
  from: number,
  m: number,
  k: number,
  min: number,
  max: number,
  a: Float64Array,
): number {
  const scale = BUCKETS / (max - min);
  const b = bucketOf;
  const counts = bucketCounts;
  counts.fill(0, 0, BUCKETS);
  for (let i = 0; i < m; i++) {
    const x = Math.min(BUCKETS - 1, Math.floor((d[from + i]! - min) * scale));
    b[i] = x;
    counts[x]!++;
  }
  let before = 0;
  let at = 0;
  while (before + counts[at]! <= k) before += counts[at++]!;
  let n = 0;
  for (let i = 0; i < m; i++) if (b[i] === at) a[n++] = d[from + i]!;
  return select(a, n, k - before);
}

/**
 * Bits of the Rice codes of `z[from .. from + m)` with parameter `k`, or a number at least `limit` as soon as the
 * sum reaches it (the column cannot be the smallest any more).
 */
export function columnBits(z: Float64Array, from: number, m: number, k: number, limit: number): number {
  const inv = INV_POW2[k]!;
  let bits = 0;
  for (let i = from, end = from + m; i < end; i++) {
    const zi = z[i]!;
    const q = Math.floor(zi * inv); // zi / 2^k, exact
    bits += q < ESCAPE ? q + 1 + k : ESCAPE + 6 + bitLength(zi);
    if (bits >= limit) return bits;
  }
  return bits;
}

/**
 * A small plan for `xs` (safe integers): each order (0..2) around its median with the Rice parameter its mean
 * suggests, the smallest of them (the first on a tie), then the neighbouring parameters of that order (k − 1, then
 * k + 1, each taken when strictly smaller); undefined when a value or difference is too large for the column (|x|
 * or |difference − centre| above 2^51) or `xs` is empty.
 *
 * The work is cut without changing the plan: an order is skipped when even one bit per value would not make it
 * strictly smaller than the best so far; a column's bits stop being summed once they reach the best so far; each
 * order's zigzag codes are kept for the neighbours; and the median of differences spanning fewer than
 * {@link MAX_COUNTED_RANGE} integers is counted instead of selected (the element of a rank is the same whichever
 * way it is found).
 */
export function planIntColumn(xs: ArrayLike<number>): IntColumnPlan | undefined {
  const n = xs.length;
  if (n === 0) return undefined;
  if (cap < n) {
    cap = n * 2;
    diffs = new Float64Array(cap);
    sel = new Float64Array(cap);
    zs = new Float64Array(3 * cap);
    bucketOf = new Uint8Array(cap);
  }
  const d = diffs;
  const z = zs;
  const zStride = cap;
  let integers = true; // then every difference is an integer too (exact: |x| <= 2^51)
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (!(Math.abs(x) <= MAX_ABS)) return undefined;
    if (x !== Math.floor(x)) integers = false;
    d[i] = x;
  }
  let bestOrder = -1;
  let bestCentre = 0;
  let bestK = 0;
  let bestBits = Infinity;
  let bestHead = 0;
  let bestMin = 0;
  let bestRange = 0; // > 0: the best order was counted
  let head = 8; // order and k; then the centre's field and the first values' fields
  for (let order = 0; order <= 2 && order < n; order++) {
    if (order > 0) head += fieldBits(zigzag(xs[order - 1]!));
    const m = n - order;
    // This order's differences (in place) and their range.
    let min = Infinity;
    let max = -Infinity;
    for (let i = n - 1; i >= order; i--) {
      const v = order > 0 ? d[i]! - d[i - 1]! : d[i]!;
      d[i] = v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    // Every Rice code takes at least one bit and the centre's field at least 6; higher orders take more.
    if (head + 6 + m >= bestBits) break;
    const range = integers && max - min < Math.min(MAX_COUNTED_RANGE, 4 * m) ? max - min + 1 : 0;
    const z0 = order * zStride;
    let centre: number;
    let sum = 0;
    if (range > 0) {
      // Counted: |difference − centre| < range, so no difference is too large, and every sum is exact.
      centre = countedRank(counted[order]!, d, order, m, m >> 1, min, range);
      sum = countedZigzagSum(counted[order]!, range, min, centre);
    } else {
      if (m >= MIN_BUCKETED && max > min) centre = bucketedRank(d, order, m, m >> 1, min, max, sel);
      else {
        for (let i = 0; i < m; i++) sel[i] = d[order + i]!;
        centre = select(sel, m, m >> 1);
      }
      let ok = true;
      for (let i = 0; i < m; i++) {
        const e = d[order + i]! - centre;
        if (!(Math.abs(e) <= MAX_ABS)) {
          ok = false;
          break;
        }
        const zi = zigzag(e);
        z[z0 + i] = zi;
        sum += zi;
      }
      if (!ok) break; // higher orders only grow
    }
    const mean = sum / m;
    const k = mean < 1 ? 0 : Math.min(52, Math.floor(Math.log2(mean)));
    const h = head + fieldBits(zigzag(centre));
    const bits =
      h +
      (range > 0
        ? countedBits(counted[order]!, range, min, centre, k)
        : columnBits(z, z0, m, k, bestBits - h));
    if (bits < bestBits) {
      bestOrder = order;
      bestCentre = centre;
      bestK = k;
      bestBits = bits;
      bestHead = h;
      bestMin = min;
      bestRange = range;
    }
  }
  if (bestOrder < 0) return undefined;
  // Neighbouring parameters of the chosen order: k − 1, then k + 1.
  const m = n - bestOrder;
  const k0 = bestK;
  for (let k = k0 - 1; k <= k0 + 1; k += 2) {
    if (k < 0 || k > 52) continue;
    const bits =
      bestHead +
      (bestRange > 0
        ? countedBits(counted[bestOrder]!, bestRange, bestMin, bestCentre, k)
        : columnBits(z, bestOrder * zStride, m, k, bestBits - bestHead));
    if (bits < bestBits) {
      bestK = k;
      bestBits = bits;
    }
  }
  return { order: bestOrder, centre: bestCentre, k: bestK, bits: bestBits };
}
