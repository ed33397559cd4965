/**
 * A column of safe integers as one bit stream: differences of a per-column order (0: the values, 1: deltas,
 * 2: delta-of-deltas) around a per-column centre (their median), zigzag-mapped and Rice-coded with a per-column
 * parameter `k`; the encoder picks the order and `k` that make the column smallest. Used for scrape timestamps
 * (relative to the scrape-interval grid) and decimal value mantissas (decimal.ts) in raw chunk format 2.
 *
 * ```
 * 2 bits        order (0..2)
 * 6 bits        k (0..52)
 * field         centre (zigzag)
 * order fields  the first `order` values (zigzag)
 *   (a field: 6 bits of L = bit length of the zigzag value, 0 for 0, then the value in L bits)
 * per value     Rice code of z = zigzag(difference − centre):
 *                 q = floor(z / 2^k) < 16: q `1` bits, a `0`, then the low k bits of z
 *                 otherwise (an outlier): 16 `1` bits, 6 bits of L = bit length of z, then z in L bits
 * ```
 *
 * A Rice code with the best k for a column is within a few per cent of the entropy of a geometric
 * distribution, which jittered scrape intervals and the steps of a gauge or counter roughly follow; the
 * escape keeps one counter reset or missed scrape from costing hundreds of bits.
 *
 * @see R. F. Rice, "Some Practical Universal Noiseless Coding Techniques", JPL Publication 79-22, 1979.
 * @see S. W. Golomb, "Run-length encodings", IEEE Trans. Inf. Theory 12(3), 1966.
 */
import { StoreError } from '../../../errors.ts';
import { paddedScratch, putBits, readBits } from './bits.ts';
import { bitLength, ESCAPE, INV_POW2, type IntColumnPlan } from './int-column-plan.ts';
import { unzigzag, zigzag } from './varint.ts';

export { planIntColumn, type IntColumnPlan } from './int-column-plan.ts';

const TWO32 = 4294967296;
const POW2: readonly number[] = Array.from({ length: 54 }, (_, i) => 2 ** i);

/**
 * Writes the low `n` bits (0..53) of the non-negative safe integer `z` at bit `pos` of `out`; returns the bit after
 * them. (`putBits` keeps the low bits of a word: the conversion of a safe integer to 32 bits is modulo 2^32.)
 */
function putLow(out: Uint8Array, pos: number, z: number, n: number): number {
  if (n > 32) {
    putBits(out, pos, Math.floor(z / TWO32), n - 32);
    putBits(out, pos + n - 32, z, 32);
  } else if (n > 0) putBits(out, pos, z, n);
  return pos + n;
}

/** Writes a field at bit `pos` of `out`: 6 bits of the bit length of `z` (0 for 0), then `z`; returns the bit after. */
function putField(out: Uint8Array, pos: number, z: number): number {
  const l = z === 0 ? 0 : bitLength(z);
  putBits(out, pos, l, 6);
  return putLow(out, pos + 6, z, l);
}

/**
 * Writes `xs` as planned by {@link planIntColumn} (the plan must be for these values) into `out` from bit `pos`,
 * straight into the blob being built: the bytes from `pos` on must still be zero, and `out` must hold the plan's
 * bits. A Rice code of up to 32 bits (its `1`s, the `0` and the low k bits) is one write.
 * @returns the bit position after the column.
 * @throws StoreError when the column did not take the plan's bits or does not fit `out` (a plan for other values).
 */
export function writeIntColumn(
  out: Uint8Array,
  pos: number,
  xs: ArrayLike<number>,
  plan: IntColumnPlan,
): number {
  const start = pos;
  const n = xs.length;
  const { order, centre, k } = plan;
  putBits(out, pos, order, 2);
  putBits(out, pos + 2, k, 6);
  pos = putField(out, pos + 8, zigzag(centre));
  for (let i = 0; i < order; i++) pos = putField(out, pos, zigzag(xs[i]!));
  const p = POW2[k]!;
  const inv = INV_POW2[k]!;
  const stop = POW2[k + 1]!; // the place of the unary part above the terminating 0 and the low k bits
  let a = order >= 1 ? xs[order - 1]! : 0; // x[i-1]
  let b = order >= 2 ? xs[1]! - xs[0]! : 0; // delta at i-1
  for (let i = order; i < n; i++) {
    const x = xs[i]!;
    let d: number;
    if (order === 0) d = x;
    else if (order === 1) d = x - a;
    else {
      const delta = x - a;
      d = delta - b;
      b = delta;
    }
    a = x;
    const z = zigzag(d - centre);
    const q = Math.floor(z * inv); // z / 2^k, exact
    if (q < ESCAPE) {
      const len = q + 1 + k;
      if (len <= 32) putBits(out, pos, (POW2[q]! - 1) * stop + (z - q * p), len);
      else {
        if (q > 0) putBits(out, pos, POW2[q]! - 1, q);
        putLow(out, pos + q + 1, z, k); // after the 0, which is already there
      }
      pos += len;
    } else {
      putBits(out, pos, 0xffff, ESCAPE);
      const l = bitLength(z);
      putBits(out, pos + ESCAPE, l, 6);
      pos = putLow(out, pos + ESCAPE + 6, z, l);
    }
  }
  if (pos - start !== plan.bits || pos > out.length * 8)
    throw new StoreError(
      `integer column wrote ${pos - start} bits, planned ${plan.bits} (room: ${out.length * 8 - start})`,
    );
  return pos;
}

function readLow(b: Uint8Array, pos: number, n: number): number {
  if (n > 32) return readBits(b, pos, n - 32) * TWO32 + readBits(b, pos + n - 32, 32);
  return n === 0 ? 0 : readBits(b, pos, n);
}

/**
 * Decodes `n` integers written by {@link writeIntColumn} from `stream` into `out[0 .. n)`.
 * @throws StoreError when the stream ends early or holds an impossible field.
 */
export function decodeIntColumn(stream: Uint8Array, n: number, out: Float64Array): void {
  if (n === 0) return;
  const b = paddedScratch(stream);
  const bitLen = stream.length * 8;
  const order = readBits(b, 0, 2);
  const k = readBits(b, 2, 6);
  if (order > 2 || k > 52) throw new StoreError(`corrupt chunk: integer column order ${order}, k ${k}`);
  let pos = 8;
  const field = (): number => {
    const l = readBits(b, pos, 6);
    if (l > 53) throw new StoreError(`corrupt chunk: integer column field of ${l} bits`);
    const z = readLow(b, pos + 6, l);
    pos += 6 + l;
    return unzigzag(z);
  };
  const centre = field();
  const first = Math.min(order, n);
  for (let i = 0; i < first; i++) out[i] = field();
  let a = first >= 1 ? out[first - 1]! : 0;
  let delta = first >= 2 ? out[1]! - out[0]! : 0;
  const p = POW2[k]!;
  for (let i = first; i < n; i++) {
    let q = 0;
    while (q < ESCAPE && ((b[pos >>> 3]! >>> (7 - (pos & 7))) & 1) === 1) {
      q++;
      pos++;
    }
    let z: number;
    if (q < ESCAPE) {
      pos++; // the terminating 0
      z = q * p + readLow(b, pos, k);
      pos += k;
    } else {
      const l = readBits(b, pos, 6);
      pos += 6;
      if (l < 1 || l > 53) throw new StoreError(`corrupt chunk: integer column escape of ${l} bits`);
      z = readLow(b, pos, l);
      pos += l;
    }
    if (pos > bitLen) break;
    const d = unzigzag(z) + centre;
    let x: number;
    if (order === 0) x = d;
    else if (order === 1) x = a + d;
    else {
      delta += d;
      x = a + delta;
    }
    a = x;
    out[i] = x;
  }
  if (pos > bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
  for (let i = 0; i < n; i++)
    if (!Number.isSafeInteger(out[i]!))
      throw new StoreError('corrupt chunk: integer column value exceeds 2^53');
}
