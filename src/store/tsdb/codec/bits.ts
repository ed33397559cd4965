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

/**
 * Appends bits to a byte array that doubles when full, up to `maxBytes`. A write of up to 32 bits touches at
 * most five bytes, each once (the bytes after the written bits are still zero, so all but the first are
 * assigned), instead of a loop over bits or bytes.
 */
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

  /** Writes one bit (0, or 1 for any other number). @throws StoreError past `maxBytes`. */
  writeBit(bit: number): void {
    const pos = this.bitLen;
    if (pos >>> 3 >= this.buf.length) this.buf = grownBuffer(this.buf, pos + 1, this.maxBytes);
    if (bit !== 0) this.buf[pos >>> 3]! |= 0x80 >>> (pos & 7);
    this.bitLen = pos + 1;
  }

  /**
   * Writes the low `n` bits of `value`, most significant first.
   * @param value an unsigned integer below 2^n (higher bits are ignored).
   * @param n 0..32.
   * @throws StoreError past `maxBytes`.
   */
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    const pos = this.bitLen;
    if ((pos + n + 7) >>> 3 > this.buf.length) this.buf = grownBuffer(this.buf, pos + n, this.maxBytes);
    putBits(this.buf, pos, value, n);
    this.bitLen = pos + n;
  }

  /** A copy of the written bytes. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.byteLength);
  }

  /** Copies the written bytes into `out` at `offset`. */
  copyTo(out: Uint8Array, offset: number): void {
    out.set(this.buf.subarray(0, this.byteLength), offset);
  }
}

/**
 * Writes the low `n` bits of `value` (1..32; higher bits ignored) at bit `pos` of `buf`, most significant first.
 * The bytes from `pos` on must be zero but for bits before `pos` in its own byte (a stream written in order), and
 * `buf` must hold bit `pos + n − 1` (the caller grows it: {@link grownBuffer}). Touches at most five bytes, each
 * once (all but the first are assigned), instead of a loop over bits or bytes.
 */
export function putBits(buf: Uint8Array, pos: number, value: number, n: number): void {
  const v = n === 32 ? value : value & ((1 << n) - 1);
  const i = pos >>> 3;
  const end = (pos & 7) + n; // the bits go to [pos & 7, end) of the bytes from i on: 1..39
  if (end <= 8) {
    buf[i]! |= v << (8 - end);
  } else if (end <= 32) {
    const w = v << (32 - end);
    buf[i]! |= w >>> 24;
    buf[i + 1] = w >>> 16;
    if (end > 16) buf[i + 2] = w >>> 8;
    if (end > 24) buf[i + 3] = w;
  } else {
    const w = v >>> (end - 32);
    buf[i]! |= w >>> 24;
    buf[i + 1] = w >>> 16;
    buf[i + 2] = w >>> 8;
    buf[i + 3] = w;
    buf[i + 4] = v << (40 - end);
  }
}

/**
 * A copy of stream `buf` grown to hold `needBits` bits: its length doubled until it does, at most `maxBytes`.
 * @throws StoreError when `needBits` need more than `maxBytes` bytes.
 */
export function grownBuffer(buf: Uint8Array, needBits: number, maxBytes: number): Uint8Array {
  const need = (needBits + 7) >>> 3;
  if (need > maxBytes) throw new StoreError(`bit stream exceeds its limit of ${maxBytes} bytes`);
  let cap = buf.length * 2;
  while (cap < need) cap *= 2;
  const next = new Uint8Array(Math.min(cap, maxBytes));
  next.set(buf);
  return next;
}

/** A copy of `bytes` with 8 zero bytes after it, so window reads near the end never leave the array. */
export function padded(bytes: Uint8Array): Uint8Array {
  const b = new Uint8Array(bytes.length + 8);
  b.set(bytes);
  return b;
}

/** Zero bytes {@link paddedScratch} puts after a stream: room for the decoders' word reads past its end. */
export const SCRATCH_PAD_BYTES = 16;

let scratch = new Uint8Array(64 * 1024);
let scratchView = new DataView(scratch.buffer);

/**
 * A zero-padded copy of `bytes` ({@link SCRATCH_PAD_BYTES} zero bytes after it; {@link padded} gives 8) in a
 * buffer shared by every call: valid only until the next call (the decoders use it within one synchronous loop),
 * so decoding allocates nothing per stream. Bytes past the padding are left from earlier calls; a decoder reads
 * them only past the stream's end, which its end-of-stream check rejects.
 */
export function paddedScratch(bytes: Uint8Array): Uint8Array {
  const need = bytes.length + SCRATCH_PAD_BYTES;
  if (need > scratch.length) {
    scratch = new Uint8Array(Math.max(need, scratch.length * 2));
    scratchView = new DataView(scratch.buffer);
  }
  scratch.set(bytes);
  scratch.fill(0, bytes.length, need);
  return scratch;
}

/**
 * {@link paddedScratch} of `bytes` as a DataView for {@link peek32} (the same shared buffer, at least 64 KiB and
 * `bytes.length` + {@link SCRATCH_PAD_BYTES} long; valid until the next call).
 */
export function paddedScratchView(bytes: Uint8Array): DataView {
  paddedScratch(bytes);
  return scratchView;
}

/**
 * The 32 bits [pos, pos + 32) of a stream as an int32 (most significant first; `>>> 0` for the unsigned value),
 * from one big-endian word load and one byte. Reads bytes pos/8 .. pos/8 + 4: the caller keeps them inside `v`
 * (a RangeError otherwise).
 */
export function peek32(v: DataView, pos: number): number {
  const i = pos >>> 3;
  const off = pos & 7;
  return (v.getUint32(i) << off) | (v.getUint8(i + 4) >>> (8 - off));
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
