/**
 * Bit streams for the chunk codecs: a growable, bounded writer, and windowed reads of a zero-padded copy.
 * Bits are packed most-significant first within each byte (as in the Gorilla paper and the Prometheus TSDB
 * chunk format), so a stream of `n` bits occupies `ceil(n / 8)` bytes and unused trailing bits are zero.
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';

/** Largest stream a writer grows to by default (bytes): far above any chunk, a guard against runaway input. */
export const DEFAULT_MAX_STREAM_BYTES = 16 * 1024 * 1024;

/** Appends bits to a byte array that doubles when full, up to `maxBytes`. */
export class BitWriter {
  private buf: Uint8Array;
  private bitLen = 0;
  private readonly maxBytes: number;

  /**
   * @param initialBytes starting capacity (>= 1).
   * @param maxBytes capacity the writer never exceeds; a write beyond it throws.
   * @throws InvalidInputError when the sizes are not positive integers or initialBytes > maxBytes.
   */
  constructor(initialBytes = 32, maxBytes = DEFAULT_MAX_STREAM_BYTES) {
    if (
      !Number.isInteger(initialBytes) ||
      initialBytes < 1 ||
      !Number.isInteger(maxBytes) ||
      initialBytes > maxBytes
    ) {
      throw new InvalidInputError(
        `bit writer sizes must be integers with 1 <= initial (${initialBytes}) <= max (${maxBytes})`,
      );
    }
    this.buf = new Uint8Array(initialBytes);
    this.maxBytes = maxBytes;
  }

  /** Bits written so far. */
  get bitLength(): number {
    return this.bitLen;
  }
  /** Bytes the written bits occupy (`ceil(bitLength / 8)`). */
  get byteLength(): number {
    return (this.bitLen + 7) >>> 3;
  }
  /** Bytes allocated (for memory accounting). */
  get capacity(): number {
    return this.buf.length;
  }

  /** Writes one bit (0 or 1). @throws StoreError past `maxBytes`. */
  writeBit(bit: number): void {
    if (this.bitLen >>> 3 >= this.buf.length) this.grow(1);
    if (bit !== 0) this.buf[this.bitLen >>> 3]! |= 0x80 >>> (this.bitLen & 7);
    this.bitLen++;
  }

  /**
   * Writes the low `n` bits of `value`, most significant first.
   * @param value an unsigned integer below 2^n (higher bits are ignored).
   * @param n 0..32.
   * @throws StoreError past `maxBytes`.
   */
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    if ((this.bitLen + n + 7) >>> 3 > this.buf.length) this.grow(n);
    const buf = this.buf;
    let pos = this.bitLen;
    let left = n;
    while (left > 0) {
      const free = 8 - (pos & 7);
      const take = free < left ? free : left;
      const bits = (value >>> (left - take)) & ((1 << take) - 1);
      buf[pos >>> 3]! |= bits << (free - take);
      pos += take;
      left -= take;
    }
    this.bitLen = pos;
  }

  /** A copy of the written bytes. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.byteLength);
  }

  /** Copies the written bytes into `out` at `offset`. */
  copyTo(out: Uint8Array, offset: number): void {
    out.set(this.buf.subarray(0, this.byteLength), offset);
  }

  private grow(extraBits: number): void {
    const need = (this.bitLen + extraBits + 7) >>> 3;
    if (need > this.maxBytes) throw new StoreError(`bit stream exceeds its limit of ${this.maxBytes} bytes`);
    let cap = this.buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(Math.min(cap, this.maxBytes));
    next.set(this.buf);
    this.buf = next;
  }
}

/** A copy of `bytes` with 8 zero bytes after it, so window reads near the end never leave the array. */
export function padded(bytes: Uint8Array): Uint8Array {
  const b = new Uint8Array(bytes.length + 8);
  b.set(bytes);
  return b;
}

let scratch = new Uint8Array(64 * 1024);

/**
 * A zero-padded copy of `bytes` as {@link padded} gives, in a buffer shared by every call: valid only until the
 * next call (the decoders use it within one synchronous loop), so decoding allocates nothing per stream. Bytes
 * past the 8 zero bytes are left from earlier calls; a decoder reads them only past the stream's end, which its
 * end-of-stream check rejects.
 */
export function paddedScratch(bytes: Uint8Array): Uint8Array {
  const need = bytes.length + 8;
  if (need > scratch.length) scratch = new Uint8Array(Math.max(need, scratch.length * 2));
  scratch.set(bytes);
  scratch.fill(0, bytes.length, need);
  return scratch;
}

/**
 * Bits [pos, pos + n) of a {@link padded} stream as an unsigned integer (most significant first), 1 <= n <= 32,
 * through a 40-bit window. Callers check the end of the stream themselves (past it, the padding reads as 0).
 */
export function readBits(b: Uint8Array, pos: number, n: number): number {
  const i = pos >>> 3;
  const off = pos & 7;
  const w = ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) << off;
  if (off + n <= 32) return (w >>> (32 - n)) >>> 0;
  return ((w >>> (32 - n)) | (b[i + 4]! >>> (40 - off - n))) >>> 0;
}
