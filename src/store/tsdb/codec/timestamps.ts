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
import { paddedScratchView, peek32, type BitWriter } from './bits.ts';
import { unzigzag, zigzag } from './varint.ts';

const TWO32 = 4294967296;
/** Largest |timestamp| accepted (ms, about year 37 600): keeps every delta-of-delta a safe integer after zigzag. */
export const MAX_ABS_TIMESTAMP_MS = 2 ** 50;

function write64(w: BitWriter, v: number): void {
  const z = zigzag(v);
  w.writeBits(Math.floor(z / TWO32), 32);
  w.writeBits(z % TWO32, 32);
}

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

/** Writes strictly increasing safe-integer timestamps with delta-of-delta compression. */
export class TimestampEncoder {
  private prev = 0;
  private prevDelta = 0;
  private count = 0;

  /** The last timestamp written (undefined before the first). */
  get last(): number | undefined {
    return this.count === 0 ? undefined : this.prev;
  }

  /**
   * Appends `t`.
   * @throws InvalidInputError when `t` is not an integer within ±{@link MAX_ABS_TIMESTAMP_MS} or not after the
   *   previous timestamp.
   * @throws StoreError when `w` reaches its size limit.
   */
  write(w: BitWriter, t: number): void {
    // One throw, its message built in another function: see rejectedTimestamp.
    const ok =
      Number.isSafeInteger(t) && Math.abs(t) <= MAX_ABS_TIMESTAMP_MS && (this.count === 0 || t > this.prev);
    if (!ok) throw rejectedTimestamp(t, this.last);
    if (this.count === 0) {
      write64(w, t);
    } else {
      const delta = t - this.prev;
      const dod = delta - this.prevDelta;
      if (dod === 0) w.writeBit(0);
      else if (dod >= -63 && dod <= 64) {
        w.writeBits(0b10, 2);
        w.writeBits(dod + 63, 7);
      } else if (dod >= -255 && dod <= 256) {
        w.writeBits(0b110, 3);
        w.writeBits(dod + 255, 9);
      } else if (dod >= -2047 && dod <= 2048) {
        w.writeBits(0b1110, 4);
        w.writeBits(dod + 2047, 12);
      } else {
        w.writeBits(0b1111, 4);
        write64(w, dod);
      }
      this.prevDelta = delta;
    }
    this.prev = t;
    this.count++;
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
