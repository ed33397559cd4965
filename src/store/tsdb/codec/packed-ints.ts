/**
 * Integer columns as bit-packed frames, for rollup lasts that are all integers (counters, integer gauges: four
 * rollup rows in five on the simulator's series). The first value is a zigzag uvarint; the successive
 * differences d_i = v_i − v_(i−1) are cut into frames of {@link FRAME_VALUES}; each frame stores its smallest
 * difference (frame of reference) and the bit width w (0-32) of the largest offset from it, then every offset in
 * w bits. Frame headers come first and the packed offsets after them as little-endian 32-bit words (each frame's
 * bits start on a word), so the decoder reads words, not bytes, and has no branch per value but the word
 * boundary:
 *
 * ```
 * uvarint zigzag(v_0),
 * per frame: uvarint zigzag(base), byte w,
 * per frame: ceil(count × w / 32) words, offset j in bits [j·w, (j+1)·w) of the frame's words (LSB first)
 * ```
 *
 * A constant counter rate is w = 0 (no bits at all); a counter adding 0-1000 per minute is 10 bits. Held: safe
 * integers with |v| < 2^51 (not −0), and per frame a spread of differences below 2^32 ({@link packableInts});
 * anything else keeps the XOR codec.
 *
 * @see D. Lemire, L. Boytsov, "Decoding billions of integers per second through vectorization", Software:
 *   Practice and Experience 45(1), 2015 (binary packing of blocks of 128 with a per-block bit width).
 * @see J. Goldstein, R. Ramakrishnan, U. Shaft, "Compressing relations and indexes", ICDE 1998 (frame of
 *   reference).
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';
import { readUvarint, unzigzag, uvarintLength, writeUvarint, zigzag } from './varint.ts';

/** Differences per frame. */
export const FRAME_VALUES = 128;
/** Largest magnitude of a value held (2^51 − 1: every difference and its zigzag stay safe integers). */
export const MAX_PACKED_MAGNITUDE = 2 ** 51 - 1;
const TWO32 = 4294967296;

/** Word scratch for the decoder (grown to the longest stream seen, plus one zero word of padding). */
let words = new Uint32Array(512);
let wordBytes = new Uint8Array(words.buffer);
/** Whether this machine stores a Uint32Array little-endian (the words are copied in as bytes). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Whether `col[0..n)` can be stored by {@link encodePackedInts}: n >= 1, every value a safe integer with
 * |v| < 2^51 and not −0, and in each frame the differences spread by less than 2^32.
 */
export function packableInts(col: ArrayLike<number>, n: number): boolean {
  if (n < 1) return false;
  for (let i = 0; i < n; i++) {
    const v = col[i]!;
    if (!Number.isInteger(v) || v > MAX_PACKED_MAGNITUDE || v < -MAX_PACKED_MAGNITUDE) return false;
    if (v === 0 && 1 / v < 0) return false;
  }
  for (let f = 1; f < n; f += FRAME_VALUES) {
    let lo = Infinity;
    let hi = -Infinity;
    const end = Math.min(n, f + FRAME_VALUES);
    for (let i = f; i < end; i++) {
      const d = col[i]! - col[i - 1]!;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    if (hi - lo >= TWO32) return false;
  }
  return true;
}

/** Bits needed for `u` (0 <= u < 2^32). */
function bitWidth(u: number): number {
  return u === 0 ? 0 : u >= 2147483648 ? 32 : 32 - Math.clz32(u);
}

/**
 * Encodes `col[0..n)` (see the file header).
 * @throws InvalidInputError when the values are not {@link packableInts}.
 */
export function encodePackedInts(col: ArrayLike<number>, n: number): Uint8Array {
  if (!packableInts(col, n)) throw new InvalidInputError('packed ints: values out of the integer range');
  const frames = Math.ceil((n - 1) / FRAME_VALUES);
  const bases = new Array<number>(frames);
  const widths = new Uint8Array(frames);
  let headBytes = uvarintLength(zigzag(col[0]!));
  let wordCount = 0;
  for (let f = 0; f < frames; f++) {
    const s = 1 + f * FRAME_VALUES;
    const end = Math.min(n, s + FRAME_VALUES);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = s; i < end; i++) {
      const d = col[i]! - col[i - 1]!;
      if (d < lo) lo = d;
      if (d > hi) hi = d;
    }
    bases[f] = lo;
    widths[f] = bitWidth(hi - lo);
    headBytes += uvarintLength(zigzag(lo)) + 1;
    wordCount += Math.ceil(((end - s) * widths[f]!) / 32);
  }
  const out = new Uint8Array(headBytes + wordCount * 4);
  let off = writeUvarint(out, 0, zigzag(col[0]!));
  for (let f = 0; f < frames; f++) {
    off = writeUvarint(out, off, zigzag(bases[f]!));
    out[off++] = widths[f]!;
  }
  const packed = new Uint32Array(wordCount + 1);
  let word = 0;
  for (let f = 0; f < frames; f++) {
    const s = 1 + f * FRAME_VALUES;
    const end = Math.min(n, s + FRAME_VALUES);
    const w = widths[f]!;
    if (w === 0) continue;
    let bit = word * 32;
    for (let i = s; i < end; i++) {
      const u = col[i]! - col[i - 1]! - bases[f]!;
      const p = bit >>> 5;
      const sh = bit & 31;
      packed[p]! |= u << sh;
      if (sh + w > 32) packed[p + 1]! |= u >>> (32 - sh);
      bit += w;
    }
    word += Math.ceil(((end - s) * w) / 32);
  }
  const view = new DataView(out.buffer);
  for (let k = 0; k < wordCount; k++) view.setUint32(off + 4 * k, packed[k]!, true);
  return out;
}

/**
 * Decodes `n` values of a stream written by {@link encodePackedInts} into `out[0..n)` (the stream must be the
 * whole of it: trailing bytes are an error).
 * @throws StoreError when the stream is truncated, too long, or holds an impossible frame (a width above 32, a
 *   value of 2^51 or more); never writes a value that is not an integer.
 */
export function decodePackedInts(stream: Uint8Array, n: number, out: Float64Array): void {
  if (n < 1 || out.length < n) throw new StoreError(`packed ints: ${n} values do not fit ${out.length}`);
  let r = readUvarint(stream, 0);
  let prev = unzigzag(r.value);
  if (prev > MAX_PACKED_MAGNITUDE || prev < -MAX_PACKED_MAGNITUDE)
    throw new StoreError('corrupt packed ints: first value of 2^51 or more');
  out[0] = prev;
  const frames = Math.ceil((n - 1) / FRAME_VALUES);
  // Frame headers are read twice: once here to size and check the packed words, once in the loop below.
  let off = r.next;
  let wordCount = 0;
  const headFrom = off;
  for (let f = 0; f < frames; f++) {
    r = readUvarint(stream, off);
    off = r.next;
    if (off >= stream.length) throw new StoreError('corrupt packed ints: frame header truncated');
    const w = stream[off++]!;
    if (w > 32) throw new StoreError(`corrupt packed ints: bit width ${w}`);
    const count = Math.min(FRAME_VALUES, n - 1 - f * FRAME_VALUES);
    wordCount += Math.ceil((count * w) / 32);
  }
  if (stream.length - off !== wordCount * 4)
    throw new StoreError(
      `corrupt packed ints: ${stream.length - off} bytes of packed words, want ${wordCount * 4}`,
    );
  if (words.length < wordCount + 1) {
    words = new Uint32Array(Math.max(wordCount + 1, words.length * 2));
    wordBytes = new Uint8Array(words.buffer);
  }
  if (LITTLE_ENDIAN) wordBytes.set(stream.subarray(off, off + wordCount * 4));
  else {
    const view = new DataView(stream.buffer, stream.byteOffset + off, wordCount * 4);
    for (let k = 0; k < wordCount; k++) words[k] = view.getUint32(4 * k, true);
  }
  words[wordCount] = 0;
  const ws = words;
  let hp = headFrom;
  let i = 1;
  let bit = 0;
  for (let f = 0; f < frames; f++) {
    r = readUvarint(stream, hp);
    const base = unzigzag(r.value);
    const w = stream[r.next]!;
    hp = r.next + 1;
    const end = Math.min(n, i + FRAME_VALUES);
    if (w === 0) {
      for (; i < end; i++) out[i] = prev += base;
    } else {
      const mask = 0xffffffff >>> (32 - w);
      for (; i < end; i++) {
        const p = bit >>> 5;
        const sh = bit & 31;
        let u = ws[p]! >>> sh;
        if (sh + w > 32) u |= ws[p + 1]! << (32 - sh);
        out[i] = prev += base + ((u & mask) >>> 0);
        bit += w;
      }
      bit = ((bit + 31) >>> 5) << 5;
    }
    if (prev > MAX_PACKED_MAGNITUDE || prev < -MAX_PACKED_MAGNITUDE)
      throw new StoreError('corrupt packed ints: a value of 2^51 or more');
  }
}
