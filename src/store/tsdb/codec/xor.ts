/**
 * Gorilla XOR compression of a stream of IEEE 754 doubles. Each value is XORed with the previous one:
 * - XOR = 0: one `0` bit (the value repeats);
 * - otherwise `1`, then either `0` + the meaningful bits inside the previous leading/trailing-zero window
 *   (when the new XOR fits in it), or `1` + 5 bits of leading zeros (capped at 31) + 6 bits of meaningful-bit
 *   count (64 written as 0) + the meaningful bits.
 * The first value is written as its 64 raw bits. Every bit pattern round-trips exactly (NaN payloads, ±0, ±Inf).
 * 64-bit words are handled as two unsigned 32-bit halves (no BigInt on the hot path); control bits and short
 * payloads go out in one write and are read from one 32-bit window.
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.2.
 * @see Prometheus TSDB chunk format, https://github.com/prometheus/prometheus/blob/main/tsdb/docs/format/chunks.md
 */
import { endianness } from 'node:os';
import { StoreError } from '../../../errors.ts';
import { DEFAULT_MAX_STREAM_BYTES, grownBuffer, paddedScratchView, peek32, putBits } from './bits.ts';

if (endianness() !== 'LE') throw new StoreError('the chunk codec needs a little-endian machine');

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);

/** Trailing zero bits of a non-zero 32-bit value. */
function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * An XOR value stream being written: the stream's bytes and bits, and the encoder's state. Fields of the object
 * that owns the stream ({@link XorEncoder}, or the head's open chunk, codec/chunk.ts `ChunkAppender`, which keeps
 * both of its streams in its own fields), written only by {@link writeXor}.
 */
export interface XorStream {
  /** The stream's bytes (grown by doubling; zero past the bits written). */
  vBuf: Uint8Array;
  /** Bits written. */
  vBits: number;
  /** High and low 32 bits of the last value written. */
  vHi: number;
  vLo: number;
  /** Leading and trailing zero bits of the current window; `vLeading` −1 before the first window. */
  vLeading: number;
  vTrailing: number;
  /** Values written. */
  vCount: number;
}

/** Writes the low `n` bits of `value` (1..32) to stream `s`, growing its bytes when full. */
function xorPut(s: XorStream, value: number, n: number): void {
  const pos = s.vBits;
  if ((pos + n + 7) >>> 3 > s.vBuf.length) s.vBuf = grownBuffer(s.vBuf, pos + n, DEFAULT_MAX_STREAM_BYTES);
  putBits(s.vBuf, pos, value, n);
  s.vBits = pos + n;
}

/**
 * Appends `value` to stream `s` (the encoding in the file header).
 * @throws StoreError when the stream reaches {@link DEFAULT_MAX_STREAM_BYTES}.
 */
export function writeXor(s: XorStream, value: number): void {
  f64[0] = value;
  const lo = u32[0]!;
  const hi = u32[1]!;
  if (s.vCount++ === 0) {
    xorPut(s, hi, 32);
    xorPut(s, lo, 32);
    s.vHi = hi;
    s.vLo = lo;
    return;
  }
  const xhi = (hi ^ s.vHi) >>> 0;
  const xlo = (lo ^ s.vLo) >>> 0;
  s.vHi = hi;
  s.vLo = lo;
  if (xhi === 0 && xlo === 0) {
    xorPut(s, 0, 1);
    return;
  }
  let leading = xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo);
  if (leading > 31) leading = 31;
  const trailing = xlo !== 0 ? ctz32(xlo) : 32 + ctz32(xhi);
  const pl = s.vLeading;
  const pt = s.vTrailing;
  if (pl >= 0 && leading >= pl && trailing >= pt) {
    // '10': reuse the previous window.
    const m = 64 - pl - pt;
    if (m <= 30) xorPut(s, (2 << m) | lowShifted(xhi, xlo, pt), m + 2);
    else {
      xorPut(s, 2, 2);
      writeShifted(s, xhi, xlo, pt, m);
    }
    return;
  }
  const sig = 64 - leading - trailing;
  // '11', 5 bits of leading zeros, 6 bits of significant-bit count (64 → 0).
  const head = (3 << 11) | (leading << 6) | (sig & 63);
  if (sig <= 19) xorPut(s, (head << sig) | lowShifted(xhi, xlo, trailing), sig + 13);
  else {
    xorPut(s, head, 13);
    writeShifted(s, xhi, xlo, trailing, sig);
  }
  s.vLeading = leading;
  s.vTrailing = trailing;
}

/** An XOR value stream on its own (rollup columns): {@link writeXor} into its own bytes. */
export class XorEncoder implements XorStream {
  vBuf: Uint8Array;
  vBits = 0;
  vHi = 0;
  vLo = 0;
  vLeading = -1;
  vTrailing = 0;
  vCount = 0;

  /** @param initialBytes starting capacity of the stream (>= 1; grows by doubling). */
  constructor(initialBytes = 32) {
    this.vBuf = new Uint8Array(initialBytes);
  }

  /** Bytes the written bits occupy. */
  get byteLength(): number {
    return (this.vBits + 7) >>> 3;
  }

  /** Appends `value`: see {@link writeXor} (same errors). */
  write(value: number): void {
    writeXor(this, value);
  }

  /** Copies the written bytes into `out` at `offset`. */
  copyTo(out: Uint8Array, offset: number): void {
    out.set(this.vBuf.subarray(0, this.byteLength), offset);
  }

  /** A copy of the written bytes. */
  bytes(): Uint8Array {
    return this.vBuf.slice(0, this.byteLength);
  }
}

/** Bits [shift, shift + 32) of the 64-bit word (hi, lo) as an int32 (the caller masks what it needs). */
function lowShifted(hi: number, lo: number, shift: number): number {
  if (shift === 0) return lo;
  if (shift < 32) return (lo >>> shift) | (hi << (32 - shift));
  return hi >>> (shift - 32);
}

/** Writes bits [shift, shift + n) of the 64-bit word (hi, lo) to `s`, most significant first. */
function writeShifted(s: XorStream, hi: number, lo: number, shift: number, n: number): void {
  let shi: number;
  let slo: number;
  if (shift === 0) {
    shi = hi;
    slo = lo;
  } else if (shift < 32) {
    slo = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    shi = hi >>> shift;
  } else {
    slo = hi >>> (shift - 32);
    shi = 0;
  }
  if (n > 32) {
    xorPut(s, shi, n - 32);
    xorPut(s, slo, 32);
  } else {
    xorPut(s, slo, n);
  }
}

/**
 * Decodes `n` doubles written by {@link XorEncoder} from `stream` into `out[0 .. n)` (one pass over a
 * zero-padded copy of the stream through 32-bit windows: a run of `0` bits (repeats) is taken whole, a value's
 * control bits and a payload that fits beside them come from one window).
 * @throws StoreError when the stream ends early or holds an impossible window.
 */
export function decodeXorColumn(stream: Uint8Array, n: number, out: Float64Array): void {
  if (n === 0) return;
  const v = paddedScratchView(stream);
  const bitLen = stream.length * 8;
  // The halves as int32 (bit patterns, stored through an Int32Array view): no unsigned-to-double conversions.
  const o = new Int32Array(out.buffer, out.byteOffset, n * 2);
  let hi = v.getInt32(0);
  let lo = v.getInt32(4);
  let pos = 64;
  o[0] = lo;
  o[1] = hi;
  let leading = 0;
  let trailing = 0;
  let m = 64; // meaningful bits of the current window
  let k = 1;
  while (k < n) {
    // Past the end the stream is corrupt; stopping here also keeps the window reads inside the padding.
    if (pos > bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
    const w = peek32(v, pos);
    if (w >= 0) {
      // Leading `0` bits: that many repeats of the value (up to the column's end).
      let run = Math.clz32(w);
      if (run > n - k) run = n - k;
      pos += run;
      for (const end = k + run; k < end; k++) {
        o[2 * k] = lo;
        o[2 * k + 1] = hi;
      }
      continue;
    }
    // '1': a new value. '10' reuses the window, '11' brings 5 bits of leading zeros and 6 of length.
    let head = 2;
    if ((w & 0x40000000) !== 0) {
      leading = (w >>> 25) & 31;
      m = (w >>> 19) & 63;
      if (m === 0) m = 64;
      trailing = 64 - leading - m;
      if (trailing < 0) throw new StoreError('corrupt chunk: XOR window exceeds 64 bits');
      head = 13;
    }
    const p = pos + head;
    let shi = 0;
    let slo: number;
    if (head + m <= 32)
      slo = (w << head) >>> (32 - m); // the payload is in the window already
    else if (m > 32) {
      shi = peek32(v, p) >>> (64 - m);
      slo = peek32(v, p + m - 32);
    } else slo = peek32(v, p) >>> (32 - m);
    pos = p + m;
    const t = trailing;
    if (t === 0) {
      hi ^= shi;
      lo ^= slo;
    } else if (t < 32) {
      hi ^= (shi << t) | (slo >>> (32 - t));
      lo ^= slo << t;
    } else {
      hi ^= slo << (t - 32);
    }
    o[2 * k] = lo;
    o[2 * k + 1] = hi;
    k++;
  }
  if (pos > bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
}
