/**
 * Delta-of-delta compression of strictly increasing integer timestamps (Unix ms). The first timestamp is
 * written as 64 bits (zigzag), then each timestamp as dod = (t_n − t_{n−1}) − (t_{n−1} − t_{n−2}) (the first
 * delta is a dod against 0) in one of five buckets:
 *
 * | dod                | bits written            |
 * |--------------------|-------------------------|
 * | 0                  | `0`                     |
 * | [−63, 64]          | `10` + 7 bits           |
 * | [−255, 256]        | `110` + 9 bits          |
 * | [−2047, 2048]      | `1110` + 12 bits        |
 * | otherwise          | `1111` + 64 bits zigzag |
 *
 * These are the paper's bucket sizes; they suit millisecond timestamps of a scrape loop whose jitter is a few
 * ms (Prometheus' 14/17/20-bit buckets would spend 16 bits on every jittered sample).
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.1.
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';
import { DEFAULT_MAX_STREAM_BYTES, grownBuffer, paddedScratchView, peek32, putBits } from './bits.ts';
import { unzigzag, zigzag } from './varint.ts';

const TWO32 = 4294967296;
/** Largest |timestamp| accepted (ms, about year 37 600): keeps every delta-of-delta a safe integer after zigzag. */
export const MAX_ABS_TIMESTAMP_MS = 2 ** 50;

/**
 * The error for a timestamp {@link TimestampEncoder.write} rejects. Built here, behind the one throw, so the
 * optimizing compiler never sees the messages' number-to-string conversions in the hot path: with a throw per
 * check, each message converted `t`; once `write` was inlined where `t` is known to be a number (a loop over a
 * Float64Array), the two conversions were merged into one and scheduled before both checks, so every append
 * formatted its timestamp as a string (3-5x the CPU of an append, in some processes only: it depended on the
 * order in which functions were optimized). See docs/storage.md and bench/append-modes.ts.
 */
function rejectedTimestamp(t: number, prev: number | undefined): InvalidInputError {
  if (!Number.isSafeInteger(t) || Math.abs(t) > MAX_ABS_TIMESTAMP_MS)
    return new InvalidInputError(`timestamp ${t} is not an integer within ±2^50 ms`);
  return new InvalidInputError(`timestamp ${t} is not after ${prev}`);
}

/**
 * A delta-of-delta timestamp stream being written: the stream's bytes and bits, and the encoder's state. Fields of
 * the object that owns the stream ({@link TimestampEncoder}, or the head's open chunk, codec/chunk.ts
 * `ChunkAppender`, which keeps both of its streams in its own fields), written only by {@link writeTimestamp}.
 */
export interface TimestampStream {
  /** The stream's bytes (grown by doubling; zero past the bits written). */
  tsBuf: Uint8Array;
  /** Bits written. */
  tsBits: number;
  /** The last timestamp written (ms). */
  tsPrev: number;
  /** The last interval (ms). */
  tsDelta: number;
  /** Timestamps written. */
  tsCount: number;
}

/** Writes the low `n` bits of `value` (1..32) to stream `s`, growing its bytes when full. */
function tsPut(s: TimestampStream, value: number, n: number): void {
  const pos = s.tsBits;
  if ((pos + n + 7) >>> 3 > s.tsBuf.length) s.tsBuf = grownBuffer(s.tsBuf, pos + n, DEFAULT_MAX_STREAM_BYTES);
  putBits(s.tsBuf, pos, value, n);
  s.tsBits = pos + n;
}

function write64(s: TimestampStream, v: number): void {
  const z = zigzag(v);
  tsPut(s, Math.floor(z / TWO32), 32);
  tsPut(s, z % TWO32, 32);
}

/**
 * Appends `t` to stream `s` (the table in the file header; a bucket's prefix and payload in one write).
 * @throws InvalidInputError when `t` is not an integer within ±{@link MAX_ABS_TIMESTAMP_MS} or not after the
 *   previous timestamp.
 * @throws StoreError when the stream reaches {@link DEFAULT_MAX_STREAM_BYTES}.
 */
export function writeTimestamp(s: TimestampStream, t: number): void {
  // One throw, its message built in another function: see rejectedTimestamp.
  const count = s.tsCount;
  const ok = Number.isSafeInteger(t) && Math.abs(t) <= MAX_ABS_TIMESTAMP_MS && (count === 0 || t > s.tsPrev);
  if (!ok) throw rejectedTimestamp(t, count === 0 ? undefined : s.tsPrev);
  if (count === 0) {
    write64(s, t);
  } else {
    const delta = t - s.tsPrev;
    const dod = delta - s.tsDelta;
    if (dod === 0) tsPut(s, 0, 1);
    else if (dod >= -63 && dod <= 64) tsPut(s, (0b10 << 7) | (dod + 63), 9);
    else if (dod >= -255 && dod <= 256) tsPut(s, (0b110 << 9) | (dod + 255), 12);
    else if (dod >= -2047 && dod <= 2048) tsPut(s, (0b1110 << 12) | (dod + 2047), 16);
    else {
      tsPut(s, 0b1111, 4);
      write64(s, dod);
    }
    s.tsDelta = delta;
  }
  s.tsPrev = t;
  s.tsCount = count + 1;
}

/** A delta-of-delta timestamp stream on its own (rollup chunks): {@link writeTimestamp} into its own bytes. */
export class TimestampEncoder implements TimestampStream {
  tsBuf: Uint8Array;
  tsBits = 0;
  tsPrev = 0;
  tsDelta = 0;
  tsCount = 0;

  /** @param initialBytes starting capacity of the stream (>= 1; grows by doubling). */
  constructor(initialBytes = 32) {
    this.tsBuf = new Uint8Array(initialBytes);
  }

  /** The last timestamp written (undefined before the first). */
  get last(): number | undefined {
    return this.tsCount === 0 ? undefined : this.tsPrev;
  }
  /** Bytes the written bits occupy. */
  get byteLength(): number {
    return (this.tsBits + 7) >>> 3;
  }

  /** Appends `t`: see {@link writeTimestamp} (same errors). */
  write(t: number): void {
    writeTimestamp(this, t);
  }

  /** Copies the written bytes into `out` at `offset`. */
  copyTo(out: Uint8Array, offset: number): void {
    out.set(this.tsBuf.subarray(0, this.byteLength), offset);
  }

  /** A copy of the written bytes. */
  bytes(): Uint8Array {
    return this.tsBuf.slice(0, this.byteLength);
  }
}

/**
 * Decodes `n` timestamps written by {@link TimestampEncoder} from `stream` into `out[0 .. n)`. Each step reads a
 * 32-bit window: a run of `0` bits (regular intervals) is taken whole, a prefix and its payload at once.
 * @throws StoreError when the stream ends early or a timestamp leaves the safe-integer range.
 */
export function decodeTimestampColumn(stream: Uint8Array, n: number, out: Float64Array): void {
  if (n === 0) return;
  const v = paddedScratchView(stream);
  const bitLen = stream.length * 8;
  let t = unzigzag(read64At(v, 0));
  let pos = 64;
  out[0] = t;
  let delta = 0;
  let k = 1;
  while (k < n) {
    // Past the end the stream is corrupt; stopping here also keeps the window reads inside the padding.
    if (pos > bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
    const w = peek32(v, pos);
    if (w >= 0) {
      // Leading `0` bits: that many timestamps on the same interval (up to the column's end).
      let run = Math.clz32(w);
      if (run > n - k) run = n - k;
      pos += run;
      for (const end = k + run; k < end; k++) {
        t += delta;
        out[k] = t;
      }
      continue;
    }
    const ones = Math.clz32(~w);
    let dod: number;
    if (ones === 1) {
      dod = ((w >>> 23) & 127) - 63;
      pos += 9;
    } else if (ones === 2) {
      dod = ((w >>> 20) & 511) - 255;
      pos += 12;
    } else if (ones === 3) {
      dod = ((w >>> 16) & 4095) - 2047;
      pos += 16;
    } else {
      dod = unzigzag(read64At(v, pos + 4));
      pos += 68;
    }
    delta += dod;
    t += delta;
    out[k++] = t;
  }
  if (pos > bitLen) throw new StoreError('corrupt chunk: bit stream ends early');
  if (!Number.isSafeInteger(t)) throw new StoreError('corrupt chunk: timestamp exceeds 2^53');
}

function read64At(v: DataView, pos: number): number {
  const z = (peek32(v, pos) >>> 0) * TWO32 + (peek32(v, pos + 32) >>> 0);
  if (!Number.isSafeInteger(z)) throw new StoreError('corrupt chunk: timestamp exceeds 2^53');
  return z;
}
