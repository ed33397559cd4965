/**
 * The dense column of a rollup row read straight from its `last_data` blob (codec/rollup-chunk.ts, last part)
 * when the row's buckets are one gap-free run: bucket starts t0, t0 + res, … (delta-of-delta stream: t0 as 64
 * bits, the first delta as `1111` + 64 bits, then one `0` bit per bucket). The run's place on the row's grid is
 * read off the first two timestamps and the zero bits are checked, without decoding timestamps; the values (XOR
 * or packed integers, by the blob's format byte) are decoded straight into the column. The same column as `denseRow` over the decoded blob (row-cache.ts),
 * bit for bit and of the same type; anything else (holes, a NaN last, a corrupt or unusual blob) returns
 * undefined and the caller takes the general path, which decodes and checks everything.
 *
 * `denseRunInto` writes such a row straight into a query's own dense column instead (no column of the row's own,
 * no float32 check): what a cold range query does with every row it reads from the database.
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.1.
 */
import { MAX_CHUNK_SAMPLES } from './codec/chunk.ts';
import { decodeLastStream, isRollupLastFormat } from './codec/rollup-chunk.ts';
import { readUvarint, unzigzag } from './codec/varint.ts';
import { ROLLUP_ROW_SPAN_MS } from './options.ts';

const TWO32 = 4294967296;

/** Scratch column the values are decoded into (grown to the longest row seen; a row holds at most 1440 buckets). */
let scratch = new Float64Array(1440);

/**
 * Bits [pos, pos + n) of `b` as an unsigned integer (most significant first), 1 <= n <= 32, like `readBits` but
 * on an unpadded array: bytes past its end read as zero.
 */
function bitsAt(b: Uint8Array, pos: number, n: number): number {
  const i = pos >>> 3;
  const off = pos & 7;
  const len = b.length;
  const w =
    ((b[i]! << 24) |
      ((i + 1 < len ? b[i + 1]! : 0) << 16) |
      ((i + 2 < len ? b[i + 2]! : 0) << 8) |
      (i + 3 < len ? b[i + 3]! : 0)) <<
    off;
  if (off + n <= 32) return (w >>> (32 - n)) >>> 0;
  return ((w >>> (32 - n)) | ((i + 4 < len ? b[i + 4]! : 0) >>> (40 - off - n))) >>> 0;
}

/** Whether bits [from, from + count) of `b` are all zero (`b` holds at least ceil((from + count) / 8) bytes). */
function zeroBits(b: Uint8Array, from: number, count: number): boolean {
  if (count <= 0) return true;
  const end = from + count; // exclusive
  let byte = from >>> 3;
  const lastByte = (end - 1) >>> 3;
  const headMask = 0xff >>> (from & 7);
  if (byte === lastByte) {
    const tailMask = (0xff << (7 - ((end - 1) & 7))) & 0xff;
    return (b[byte]! & headMask & tailMask) === 0;
  }
  if ((b[byte]! & headMask) !== 0) return false;
  for (byte++; byte < lastByte; byte++) if (b[byte] !== 0) return false;
  const tailMask = (0xff << (7 - ((end - 1) & 7))) & 0xff;
  return (b[lastByte]! & tailMask) === 0;
}

/** Where a gap-free run sits in its row: its first bucket's index on the row's grid, its length, where its value stream starts. */
interface GapFreeRun {
  readonly k0: number;
  readonly n: number;
  /** The blob's format byte (which codec the values use). */
  readonly format: number;
  readonly values: Uint8Array;
}

/**
 * The blob's run when its buckets are one gap-free run on the row's grid (timestamps checked, values not
 * decoded), else undefined. @param start the row's start (ms); @param resolutionMs bucket width (ms).
 */
function gapFreeRun(blob: Uint8Array, start: number, resolutionMs: number): GapFreeRun | undefined {
  if (blob.length < 3 || !isRollupLastFormat(blob[0])) return undefined;
  const nr = readUvarint(blob, 1);
  const n = nr.value;
  if (n < 1 || n > MAX_CHUNK_SAMPLES) return undefined;
  const lr = readUvarint(blob, nr.next);
  const tsFrom = lr.next;
  const valFrom = tsFrom + lr.value;
  if (valFrom > blob.length) return undefined;
  const tsBits = lr.value * 8;
  // t0 (64 bits), then for n >= 2 the first delta as `1111` + 64 bits, then n − 2 zero bits.
  const need = 64 + (n >= 2 ? 68 + (n - 2) : 0);
  if (need > tsBits) return undefined;
  // Read in place (bit positions from the blob's start): every bit read lies inside the timestamp stream
  // (need <= tsBits), and a read of a few bits near its end takes the bytes after it only to shift them out.
  const p = tsFrom * 8;
  const z0 = bitsAt(blob, p, 32) * TWO32 + bitsAt(blob, p + 32, 32);
  if (!Number.isSafeInteger(z0)) return undefined;
  const t0 = unzigzag(z0);
  if (n >= 2) {
    if (bitsAt(blob, p + 64, 4) !== 0b1111) return undefined;
    const zd = bitsAt(blob, p + 68, 32) * TWO32 + bitsAt(blob, p + 100, 32);
    if (!Number.isSafeInteger(zd) || unzigzag(zd) !== resolutionMs) return undefined;
    if (!zeroBits(blob, p + 132, n - 2)) return undefined;
  }
  const span = ROLLUP_ROW_SPAN_MS[resolutionMs];
  if (span === undefined) return undefined;
  const k0 = (t0 - start) / resolutionMs;
  if (!Number.isInteger(k0) || k0 < 0 || k0 + n > span / resolutionMs) return undefined;
  // A typed-array view, not `subarray`: on a driver's Buffer that goes through Node's Buffer constructor.
  const values = new Uint8Array(blob.buffer, blob.byteOffset + valFrom, blob.length - valFrom);
  return { k0, n, format: blob[0]!, values };
}

/**
 * The row's dense column (index k: the bucket starting at `start` + k × `resolutionMs`, NaN: no bucket; length:
 * the last bucket's index + 1), `Float32Array` when every last is exactly a float32, else `Float64Array`; or
 * undefined when the blob is not one gap-free run of non-NaN lasts on the row's grid (use `denseRow`).
 * @param blob the row's `last_data`; @param start the row's start (ms); @param resolutionMs bucket width (ms).
 * @throws StoreError when the value stream ends early (as the general decode would).
 */
export function denseRunRow(
  blob: Uint8Array,
  start: number,
  resolutionMs: number,
): Float32Array | Float64Array | undefined {
  const run = gapFreeRun(blob, start, resolutionMs);
  if (run === undefined) return undefined;
  const { k0, n } = run;
  // Decoded into a shared scratch column (checked for NaN and float32-ness there), then copied once into the
  // kept array: one allocation per row, of the kept type.
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  const vals = scratch.subarray(0, n);
  decodeLastStream(run.format, run.values, n, vals);
  let f32 = true;
  for (let k = 0; k < n; k++) {
    const v = vals[k]!;
    if (v !== v) return undefined;
    if (f32 && Math.fround(v) !== v) f32 = false;
  }
  const out = f32 ? new Float32Array(k0 + n) : new Float64Array(k0 + n);
  if (k0 > 0) out.fill(Number.NaN, 0, k0);
  out.set(vals, k0);
  return out;
}

/**
 * Writes the lasts of a gap-free row straight into a query's dense column, without a column of the row's own:
 * `lasts[(t − from) / resolutionMs]` for every bucket start t of the row with from <= t <= hi (the row's grid
 * and the query's share `resolutionMs`; `from` is a bucket start). Decodes into `lasts` in place when the whole
 * run lies in [from, hi], else into a scratch column and copies the part inside. Stored lasts are written as they
 * are (a NaN last, which a stored bucket never holds, would read as no bucket, as `scatterDense` writes it).
 * @returns the start (ms) of the row's last bucket, or undefined when the blob is not one gap-free run on the
 *   row's grid (nothing written; decode it in full and use `scatterDense`).
 * @throws StoreError when the value stream ends early (as the general decode would).
 */
export function denseRunInto(
  blob: Uint8Array,
  start: number,
  resolutionMs: number,
  from: number,
  hi: number,
  lasts: Float64Array,
): number | undefined {
  const run = gapFreeRun(blob, start, resolutionMs);
  if (run === undefined) return undefined;
  const { k0, n } = run;
  const first = start + k0 * resolutionMs;
  const lastBucket = first + (n - 1) * resolutionMs;
  // Run indices [jLo, jHi] lie in [from, hi]; q0 is run index 0's place in the query's column.
  const q0 = (first - from) / resolutionMs;
  const jLo = Math.max(0, Math.ceil((from - first) / resolutionMs));
  const jHi = Math.min(n - 1, Math.floor((hi - first) / resolutionMs));
  if (jHi < jLo) return lastBucket;
  if (jLo === 0 && jHi === n - 1 && q0 + n <= lasts.length) {
    decodeLastStream(run.format, run.values, n, lasts.subarray(q0, q0 + n));
    return lastBucket;
  }
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  decodeLastStream(run.format, run.values, n, scratch);
  lasts.set(scratch.subarray(jLo, jHi + 1), q0 + jLo);
  return lastBucket;
}
