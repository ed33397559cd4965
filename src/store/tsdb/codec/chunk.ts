/**
 * A raw chunk: the samples of one series over a time range, compressed as two bit streams, stored as one blob.
 * Format 1 (delta-of-delta timestamps, XOR values; what the open chunk of the head holds):
 *
 * ```
 * byte 0        format (1)
 * uvarint       sample count (>= 1)
 * uvarint       bytes of the timestamp stream
 * bytes         timestamp stream (timestamps.ts)
 * bytes         value stream (xor.ts), to the end of the blob
 * ```
 *
 * Format 2 (written when a chunk is cut or checkpointed, by {@link compactChunk}, if smaller than format 1)
 * chooses the encoding of each stream per chunk:
 *
 * ```
 * byte 0        format (2)
 * uvarint       sample count (>= 1)
 * uvarint       bytes of the timestamp section
 * timestamp section: byte 0 = delta-of-delta stream as in format 1
 *                    byte 1, uvarint D (the chunk's mean interval, ms, rounded), integer column (int-column.ts) of
 *                           t_i − i·D (scrape jitter around the interval grid, or the drift of each interval)
 * value section (to the end of the blob):
 *                    byte 0 = XOR stream as in format 1
 *                    byte 1, byte e, integer column of the decimal mantissas m_i = v_i · 10^e (decimal.ts)
 *                    byte 2, byte g, whole values (whole-values.ts; the first at index 0), integer
 *                           column of the steps q_i = (v_i − v_{i−1}) / (ulp(v_{i−1}) / 2^g) (float-delta.ts:
 *                           full-precision floats; whole values are the first, counter resets and the like)
 *                    byte 3, whole values (NaNs, ±Inf, −0: at most an eighth of the chunk), byte e, integer
 *                           column of the decimal mantissas of the rest (a whole value's slot repeats the value
 *                           before it)
 *                    byte 4, byte g, whole values, the steps of mode 2 as one integer column per stretch after
 *                           each whole value (float-step-segments.ts: a counter reset restarts the column)
 * ```
 *
 * Keeping the two streams apart lets a reader decode timestamps alone. {@link ChunkAppender} is the open chunk
 * of the in-memory head: samples are encoded as they arrive and the blob is taken when the chunk is cut.
 * Readers decode both formats.
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';
import { type DecimalColumn, fromDecimal, MAX_DECIMAL_EXPONENT, toDecimal } from './decimal.ts';
import { fromFloatSteps, MAX_STEP_GUARD, toFloatSteps } from './float-delta.ts';
import { decodeStepSegments, planStepSegments, writeStepSegments } from './float-step-segments.ts';
import { decodeIntColumn, planIntColumn, writeIntColumn } from './int-column.ts';
import { decodeTimestampColumn, writeTimestamp, type TimestampStream } from './timestamps.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';
import { readWholeValues, wholeValuesBytes, writeWholeValues } from './whole-values.ts';
import { decodeXorColumn, writeXor, type XorStream } from './xor.ts';

/** Format byte of a raw chunk as the head's open chunk encodes it (delta-of-delta, XOR). */
export const RAW_CHUNK_FORMAT = 1;
/** Format byte of a compacted raw chunk (per-chunk choice of the stream encodings). */
export const COMPACT_CHUNK_FORMAT = 2;
const TS_DOD = 0;
const TS_GRID = 1;
const V_XOR = 0;
const V_DECIMAL = 1;
const V_FLOAT_STEPS = 2;
const V_DECIMAL_EXCEPT = 3;
const V_FLOAT_STEP_SEGMENTS = 4;
/** Most samples a chunk may hold (a guard for decoders; the head cuts far earlier). */
export const MAX_CHUNK_SAMPLES = 1 << 20;

/** Decoded samples: parallel arrays, time-ordered. */
export interface DecodedSamples {
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/**
 * The open chunk of one series: appends strictly increasing timestamps and yields a blob when cut. Both streams'
 * bytes and encoder state are fields of this one object ({@link TimestampStream}, {@link XorStream}), so an append
 * touches the appender and the two byte arrays only. The stream fields are written by `writeTimestamp` and
 * `writeXor` alone; read the getters.
 */
export class ChunkAppender implements TimestampStream, XorStream {
  tsBuf: Uint8Array;
  tsBits = 0;
  tsPrev = 0;
  tsDelta = 0;
  tsCount = 0;
  vBuf: Uint8Array;
  vBits = 0;
  vHi = 0;
  vLo = 0;
  vLeading = -1;
  vTrailing = 0;
  vCount = 0;
  private first = 0;

  /**
   * @param initialBytes starting capacity of each stream (grows by doubling).
   * @throws RangeError when `initialBytes` is not a non-negative integer (a typed array's length).
   */
  constructor(initialBytes = 16) {
    this.tsBuf = new Uint8Array(initialBytes);
    this.vBuf = new Uint8Array(initialBytes);
  }

  /** Samples held. */
  get count(): number {
    return this.tsCount;
  }
  /** First timestamp (ms); undefined when empty. */
  get minTs(): number | undefined {
    return this.tsCount === 0 ? undefined : this.first;
  }
  /** Last timestamp (ms); undefined when empty. */
  get maxTs(): number | undefined {
    return this.tsCount === 0 ? undefined : this.tsPrev;
  }
  /** Bytes allocated by the two streams (memory accounting). */
  get allocatedBytes(): number {
    return this.tsBuf.length + this.vBuf.length;
  }
  /** Bytes the blob would take now. */
  get encodedBytes(): number {
    const tsLen = (this.tsBits + 7) >>> 3;
    return 1 + uvarintLength(this.tsCount) + uvarintLength(tsLen) + tsLen + ((this.vBits + 7) >>> 3);
  }

  /**
   * Appends one sample.
   * @throws InvalidInputError when `timestampMs` is not a safe integer after the last one.
   */
  append(timestampMs: number, value: number): void {
    const empty = this.tsCount === 0;
    writeTimestamp(this, timestampMs);
    writeXor(this, value);
    if (empty) this.first = timestampMs;
  }

  /**
   * The chunk blob as stored when the chunk is cut or checkpointed: {@link compactChunk} of {@link bytes}.
   * @throws StoreError when the appender is empty.
   */
  compactBytes(): Uint8Array {
    if (this.tsCount < 3) return this.bytes();
    const ts = this.tsBuf.subarray(0, (this.tsBits + 7) >>> 3);
    const vs = this.vBuf.subarray(0, (this.vBits + 7) >>> 3);
    return compactStreams(this.tsCount, ts, vs, this.encodedBytes) ?? this.bytes();
  }

  /** The chunk blob in format 1 (a copy; the appender stays usable). @throws StoreError when the appender is empty. */
  bytes(): Uint8Array {
    if (this.tsCount === 0) throw new StoreError('an empty chunk has no blob');
    const tsLen = (this.tsBits + 7) >>> 3;
    const out = new Uint8Array(this.encodedBytes);
    out[0] = RAW_CHUNK_FORMAT;
    let off = writeUvarint(out, 1, this.tsCount);
    off = writeUvarint(out, off, tsLen);
    out.set(this.tsBuf.subarray(0, tsLen), off);
    out.set(this.vBuf.subarray(0, (this.vBits + 7) >>> 3), off + tsLen);
    return out;
  }
}

/**
 * Encodes time-ordered samples as one chunk blob in format 1 ({@link compactChunk} makes the stored form).
 * @throws InvalidInputError when the arrays differ in length, are empty, or timestamps are not strictly
 *   increasing safe integers.
 */
export function encodeChunk(timestampsMs: ArrayLike<number>, values: ArrayLike<number>): Uint8Array {
  if (timestampsMs.length !== values.length)
    throw new InvalidInputError(`chunk: ${timestampsMs.length} timestamps but ${values.length} values`);
  if (timestampsMs.length === 0) throw new InvalidInputError('chunk: no samples');
  const a = new ChunkAppender(Math.max(16, timestampsMs.length * 2));
  for (let i = 0; i < timestampsMs.length; i++) a.append(timestampsMs[i]!, values[i]!);
  return a.bytes();
}

/**
 * A format-1 blob in format 2 when that is smaller (each stream in its smallest encoding: timestamps as
 * delta-of-deltas or as an integer column around the mean-interval grid; values as XOR or as decimal
 * mantissas), else `blob` itself.
 * @throws StoreError when `blob` is not a valid format-1 chunk.
 */
export function compactChunk(blob: Uint8Array): Uint8Array {
  const h = readChunkHeader(blob);
  if (blob[0] !== RAW_CHUNK_FORMAT || h.count < 3) return blob;
  return (
    compactStreams(h.count, blob.subarray(h.tsStart, h.tsEnd), blob.subarray(h.tsEnd), blob.length) ?? blob
  );
}

/** Decoded samples of the chunk being compacted (shared: compaction runs to its end without yielding). */
let tsScratch = new Float64Array(512);
let vsScratch = new Float64Array(512);

/**
 * The format-2 blob of `n` (>= 3) samples given as their format-1 streams (`dod`: timestamps, `xor`: values),
 * or undefined when it would not be smaller than the format-1 blob of `rawBytes`.
 * @throws StoreError when a stream is corrupt.
 */
function compactStreams(
  n: number,
  dod: Uint8Array,
  xor: Uint8Array,
  rawBytes: number,
): Uint8Array | undefined {
  if (tsScratch.length < n) {
    tsScratch = new Float64Array(n * 2);
    vsScratch = new Float64Array(n * 2);
  }
  const ts = tsScratch.subarray(0, n);
  const vs = vsScratch.subarray(0, n);
  decodeTimestampColumn(dod, n, ts);
  decodeXorColumn(xor, n, vs);
  const dodBytes = dod.length;
  const xorBytes = xor.length;

  // Timestamps relative to the grid of the chunk's mean interval (at least 1 ms).
  const interval = Math.max(1, Math.round((ts[n - 1]! - ts[0]!) / (n - 1)));
  const grid = ts; // reused in place: t_i − i·D
  for (let i = 1; i < n; i++) grid[i] = ts[i]! - i * interval;
  const tsPlan = planIntColumn(grid);
  const gridBytes =
    tsPlan === undefined ? Infinity : 1 + uvarintLength(interval) + Math.ceil(tsPlan.bits / 8);
  const tsSection = Math.min(1 + dodBytes, gridBytes);

  const dec = toDecimal(vs);
  const vPlan = dec === undefined ? undefined : planIntColumn(dec.mantissas);
  const decBytes = vPlan === undefined ? Infinity : 2 + Math.ceil(vPlan.bits / 8);
  // Full-precision floats (no short decimal form): integer steps over the chunk's finest spacing of doubles.
  const fs = dec === undefined ? toFloatSteps(vs) : undefined;
  const fPlan = fs === undefined ? undefined : planIntColumn(fs.steps);
  const fBytes =
    fPlan === undefined ? Infinity : 2 + wholeValuesBytes(fs!.wholeAt) + Math.ceil(fPlan.bits / 8);
  // The same steps restarting their column after each whole value (a counter reset).
  const sPlan = fs === undefined ? undefined : planStepSegments(fs);
  const sBytes = sPlan === undefined ? Infinity : 2 + wholeValuesBytes(fs!.wholeAt) + sPlan.bytes;
  // Decimal values but for a few NaNs (stale markers), ±Inf or −0: those kept whole, the rest decimal.
  const ex = dec === undefined ? decimalExceptions(vs) : undefined;
  const exPlan = ex === undefined ? undefined : planIntColumn(ex.dec.mantissas);
  const exBytes = exPlan === undefined ? Infinity : 2 + wholeValuesBytes(ex!.at) + Math.ceil(exPlan.bits / 8);
  const vSection = Math.min(1 + xorBytes, decBytes, fBytes, sBytes, exBytes);

  const headBytes = 1 + uvarintLength(n) + uvarintLength(tsSection);
  if (headBytes + tsSection + vSection >= rawBytes) return undefined;
  const out = new Uint8Array(headBytes + tsSection + vSection);
  out[0] = COMPACT_CHUNK_FORMAT;
  let off = writeUvarint(out, 1, n);
  off = writeUvarint(out, off, tsSection);
  if (gridBytes < 1 + dodBytes) {
    out[off] = TS_GRID;
    off = writeUvarint(out, off + 1, interval);
    off = (writeIntColumn(out, off * 8, grid, tsPlan!) + 7) >>> 3;
  } else {
    out[off++] = TS_DOD;
    out.set(dod, off);
    off += dodBytes;
  }
  if (sBytes === vSection && sBytes < fBytes && sBytes < 1 + xorBytes) {
    out[off] = V_FLOAT_STEP_SEGMENTS;
    out[off + 1] = fs!.guard;
    off = writeWholeValues(out, off + 2, fs!.wholeAt, vs);
    off = writeStepSegments(out, off, fs!, sPlan!);
  } else if (fBytes === vSection && fBytes < 1 + xorBytes) {
    out[off] = V_FLOAT_STEPS;
    out[off + 1] = fs!.guard;
    off = writeWholeValues(out, off + 2, fs!.wholeAt, vs);
    off = (writeIntColumn(out, off * 8, fs!.steps, fPlan!) + 7) >>> 3;
  } else if (exBytes === vSection && exBytes < 1 + xorBytes) {
    out[off] = V_DECIMAL_EXCEPT;
    off = writeWholeValues(out, off + 1, ex!.at, vs);
    out[off++] = ex!.dec.exponent;
    off = (writeIntColumn(out, off * 8, ex!.dec.mantissas, exPlan!) + 7) >>> 3;
  } else if (decBytes === vSection && decBytes < 1 + xorBytes) {
    out[off] = V_DECIMAL;
    out[off + 1] = dec!.exponent;
    off += 2;
    off = (writeIntColumn(out, off * 8, dec!.mantissas, vPlan!) + 7) >>> 3;
  } else {
    out[off++] = V_XOR;
    out.set(xor, off);
    off += xorBytes;
  }
  if (off !== out.length) throw new StoreError(`chunk compaction wrote ${off} of ${out.length} bytes`);
  return out;
}

/**
 * Decimal mantissas of `vs` with its non-finite values and −0 (at most an eighth of them) replaced by the value
 * before them (the first finite value for leading ones), and where they are; undefined when there are none, too
 * many, or the rest has no decimal form.
 */
function decimalExceptions(vs: Float64Array): { at: number[]; dec: DecimalColumn } | undefined {
  const n = vs.length;
  const at: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = vs[i]!;
    if (!Number.isFinite(v) || Object.is(v, -0)) {
      if (at.length >= n >> 3) return undefined;
      at.push(i);
    }
  }
  if (at.length === 0) return undefined;
  const patched = Float64Array.from(vs);
  let fill = 0;
  for (let i = 0; i < n; i++)
    if (Number.isFinite(vs[i]!) && !Object.is(vs[i], -0)) {
      fill = vs[i]!;
      break;
    }
  for (const i of at) patched[i] = i === 0 ? fill : patched[i - 1]!;
  const dec = toDecimal(patched);
  return dec === undefined ? undefined : { at, dec };
}

/** Header fields of a raw chunk blob. */
export interface ChunkHeader {
  readonly count: number;
  readonly tsStart: number;
  readonly tsEnd: number;
}

/**
 * Parses and checks the header (either format; in format 2 the timestamp range is the timestamp section).
 * @throws StoreError on a wrong format byte or inconsistent lengths.
 */
export function readChunkHeader(blob: Uint8Array): ChunkHeader {
  if (blob.length < 3 || (blob[0] !== RAW_CHUNK_FORMAT && blob[0] !== COMPACT_CHUNK_FORMAT))
    throw new StoreError(
      `corrupt chunk: format byte ${blob[0]} (want ${RAW_CHUNK_FORMAT} or ${COMPACT_CHUNK_FORMAT})`,
    );
  const c = readUvarint(blob, 1);
  if (c.value < 1 || c.value > MAX_CHUNK_SAMPLES) throw new StoreError(`corrupt chunk: ${c.value} samples`);
  const t = readUvarint(blob, c.next);
  const tsEnd = t.next + t.value;
  if (tsEnd > blob.length) throw new StoreError('corrupt chunk: timestamp stream longer than the blob');
  return { count: c.value, tsStart: t.next, tsEnd };
}

/**
 * Decodes every sample of a chunk blob.
 * @throws StoreError when the blob is truncated or corrupt.
 */
export function decodeChunk(blob: Uint8Array): DecodedSamples {
  const h = readChunkHeader(blob);
  const n = h.count;
  const timestampsMs = new Float64Array(n);
  const values = new Float64Array(n);
  if (blob[0] === RAW_CHUNK_FORMAT) {
    decodeTimestampColumn(blob.subarray(h.tsStart, h.tsEnd), n, timestampsMs);
    decodeXorColumn(blob.subarray(h.tsEnd), n, values);
    return { timestampsMs, values };
  }
  if (h.tsEnd - h.tsStart < 1 || h.tsEnd >= blob.length) throw new StoreError('corrupt chunk: empty section');
  const tsMode = blob[h.tsStart]!;
  if (tsMode === TS_DOD) decodeTimestampColumn(blob.subarray(h.tsStart + 1, h.tsEnd), n, timestampsMs);
  else if (tsMode === TS_GRID) {
    const d = readUvarint(blob, h.tsStart + 1);
    if (d.next > h.tsEnd) throw new StoreError('corrupt chunk: timestamp section too short');
    decodeIntColumn(blob.subarray(d.next, h.tsEnd), n, timestampsMs);
    for (let i = 1; i < n; i++) timestampsMs[i] = timestampsMs[i]! + i * d.value;
    for (let i = 1; i < n; i++)
      if (!(timestampsMs[i]! > timestampsMs[i - 1]!) || !Number.isSafeInteger(timestampsMs[i]!))
        throw new StoreError('corrupt chunk: timestamps not increasing');
  } else throw new StoreError(`corrupt chunk: timestamp encoding ${tsMode}`);
  const vMode = blob[h.tsEnd]!;
  if (vMode === V_XOR) decodeXorColumn(blob.subarray(h.tsEnd + 1), n, values);
  else if (vMode === V_DECIMAL) {
    const e = blob[h.tsEnd + 1];
    if (e === undefined || e > MAX_DECIMAL_EXPONENT)
      throw new StoreError(`corrupt chunk: decimal exponent ${e}`);
    decodeIntColumn(blob.subarray(h.tsEnd + 2), n, values);
    fromDecimal(values, e, values);
  } else if (vMode === V_FLOAT_STEPS) {
    const guard = blob[h.tsEnd + 1];
    if (guard === undefined || guard > MAX_STEP_GUARD)
      throw new StoreError(`corrupt chunk: float step guard ${guard}`);
    const w = readWholeValues(blob, h.tsEnd + 2, n);
    if (w.at[0] !== 0) throw new StoreError('corrupt chunk: float steps without a first value');
    decodeIntColumn(blob.subarray(w.next), n, values);
    fromFloatSteps(guard, w.at, w.values, values, values);
  } else if (vMode === V_FLOAT_STEP_SEGMENTS) {
    const guard = blob[h.tsEnd + 1];
    if (guard === undefined || guard > MAX_STEP_GUARD)
      throw new StoreError(`corrupt chunk: float step guard ${guard}`);
    const w = readWholeValues(blob, h.tsEnd + 2, n);
    if (w.at[0] !== 0) throw new StoreError('corrupt chunk: float steps without a first value');
    decodeStepSegments(blob, w.next, blob.length, w.at, values);
    fromFloatSteps(guard, w.at, w.values, values, values);
  } else if (vMode === V_DECIMAL_EXCEPT) {
    const w = readWholeValues(blob, h.tsEnd + 1, n);
    const e = blob[w.next];
    if (e === undefined || e > MAX_DECIMAL_EXPONENT)
      throw new StoreError(`corrupt chunk: decimal exponent ${e}`);
    decodeIntColumn(blob.subarray(w.next + 1), n, values);
    fromDecimal(values, e, values);
    for (let k = 0; k < w.at.length; k++) values[w.at[k]!] = w.values[k]!;
  } else throw new StoreError(`corrupt chunk: value encoding ${vMode}`);
  return { timestampsMs, values };
}
