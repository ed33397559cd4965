/**
 * Bit streams for the chunk codecs: a growable, bounded writer and a bounds-checked reader over a byte array.
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
    if (!Number.isInteger(initialBytes) || initialBytes < 1 || !Number.isInteger(maxBytes) || initialBytes > maxBytes) {
      throw new InvalidInputError(`bit writer sizes must be integers with 1 <= initial (${initialBytes}) <= max (${maxBytes})`);
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
    if ((this.bitLen >>> 3) >= this.buf.length) this.grow(1);
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
    if (((this.bitLen + n + 7) >>> 3) > this.buf.length) this.grow(n);
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

/** Reads bits from `bytes[0 .. bitLength)`; reading past the end throws (a truncated or corrupt chunk). */
export class BitReader {
  private pos = 0;
  private readonly buf: Uint8Array;
  private readonly bitLen: number;

  /** @param bitLength readable bits (default: every bit of `bytes`). */
  constructor(bytes: Uint8Array, bitLength = bytes.length * 8) {
    this.buf = bytes;
    this.bitLen = Math.min(bitLength, bytes.length * 8);
  }

  /** Bits consumed so far. */
  get position(): number {
    return this.pos;
  }

  /** One bit. @throws StoreError at the end of the stream. */
  readBit(): number {
    const p = this.pos;
    if (p >= this.bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
    this.pos = p + 1;
    return (this.buf[p >>> 3]! >>> (7 - (p & 7))) & 1;
  }

  /**
   * The next `n` bits as an unsigned integer (0..2^n - 1), most significant first.
   * @param n 0..32. @throws StoreError at the end of the stream.
   */
  readBits(n: number): number {
    const pos = this.pos;
    if (pos + n > this.bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
    if (n === 0) return 0;
    this.pos = pos + n;
    const buf = this.buf;
    const i = pos >>> 3;
    if (i + 4 >= buf.length) return this.readBitsSlow(pos, n);
    // A 40-bit window starting at the byte of `pos`.
    const off = pos & 7;
    const w = ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) << off;
    const end = off + n;
    if (end <= 32) return (w >>> (32 - n)) >>> 0;
    const r = end - 32;
    return ((w >>> (32 - n)) | (buf[i + 4]! >>> (8 - r))) >>> 0;
  }

  private readBitsSlow(pos: number, n: number): number {
    const buf = this.buf;
    let v = 0;
    let left = n;
    while (left > 0) {
      const avail = 8 - (pos & 7);
      const take = avail < left ? avail : left;
      v = v * (1 << take) + ((buf[pos >>> 3]! >>> (avail - take)) & ((1 << take) - 1));
      pos += take;
      left -= take;
    }
    return v;
  }
}
