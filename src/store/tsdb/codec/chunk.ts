/**
 * A raw chunk: the samples of one series over a time range, compressed as two bit streams (delta-of-delta
 * timestamps, XOR values), stored as one blob:
 *
 * ```
 * byte 0        format (1)
 * uvarint       sample count (>= 1)
 * uvarint       bytes of the timestamp stream
 * bytes         timestamp stream (timestamps.ts)
 * bytes         value stream (xor.ts), to the end of the blob
 * ```
 *
 * Keeping the two streams apart lets a reader decode timestamps alone. {@link ChunkAppender} is the open chunk
 * of the in-memory head: samples are encoded as they arrive and the blob is taken when the chunk is cut.
 *
 * @see T. Pelkonen et al., "Gorilla: A Fast, Scalable, In-Memory Time Series Database", VLDB 2015, §4.1.
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';
import { BitWriter } from './bits.ts';
import { decodeTimestampColumn, TimestampEncoder } from './timestamps.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';
import { decodeXorColumn, XorEncoder } from './xor.ts';

/** Format byte of a raw chunk. */
export const RAW_CHUNK_FORMAT = 1;
/** Most samples a chunk may hold (a guard for decoders; the head cuts far earlier). */
export const MAX_CHUNK_SAMPLES = 1 << 20;

/** Decoded samples: parallel arrays, time-ordered. */
export interface DecodedSamples {
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/** The open chunk of one series: appends strictly increasing timestamps and yields a blob when cut. */
export class ChunkAppender {
  private readonly tsW: BitWriter;
  private readonly vW: BitWriter;
  private readonly tsE = new TimestampEncoder();
  private readonly vE = new XorEncoder();
  private n = 0;
  private first = 0;

  /** @param initialBytes starting capacity of each stream (grows by doubling). */
  constructor(initialBytes = 16) {
    this.tsW = new BitWriter(initialBytes);
    this.vW = new BitWriter(initialBytes);
  }

  /** Samples held. */
  get count(): number {
    return this.n;
  }
  /** First timestamp (ms); undefined when empty. */
  get minTs(): number | undefined {
    return this.n === 0 ? undefined : this.first;
  }
  /** Last timestamp (ms); undefined when empty. */
  get maxTs(): number | undefined {
    return this.tsE.last;
  }
  /** Bytes allocated by the two streams (memory accounting). */
  get allocatedBytes(): number {
    return this.tsW.capacity + this.vW.capacity;
  }
  /** Bytes the blob would take now. */
  get encodedBytes(): number {
    return (
      1 +
      uvarintLength(this.n) +
      uvarintLength(this.tsW.byteLength) +
      this.tsW.byteLength +
      this.vW.byteLength
    );
  }

  /**
   * Appends one sample.
   * @throws InvalidInputError when `timestampMs` is not a safe integer after the last one.
   */
  append(timestampMs: number, value: number): void {
    this.tsE.write(this.tsW, timestampMs);
    this.vE.write(this.vW, value);
    if (this.n === 0) this.first = timestampMs;
    this.n++;
  }

  /** The chunk blob (a copy; the appender stays usable). @throws StoreError when the appender is empty. */
  bytes(): Uint8Array {
    if (this.n === 0) throw new StoreError('an empty chunk has no blob');
    const tsLen = this.tsW.byteLength;
    const out = new Uint8Array(this.encodedBytes);
    out[0] = RAW_CHUNK_FORMAT;
    let off = writeUvarint(out, 1, this.n);
    off = writeUvarint(out, off, tsLen);
    this.tsW.copyTo(out, off);
    this.vW.copyTo(out, off + tsLen);
    return out;
  }
}

/**
 * Encodes time-ordered samples as one chunk blob.
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

/** Header fields of a raw chunk blob. */
export interface ChunkHeader {
  readonly count: number;
  readonly tsStart: number;
  readonly tsEnd: number;
}

/** Parses and checks the header. @throws StoreError on a wrong format byte or inconsistent lengths. */
export function readChunkHeader(blob: Uint8Array): ChunkHeader {
  if (blob.length < 3 || blob[0] !== RAW_CHUNK_FORMAT)
    throw new StoreError(`corrupt chunk: format byte ${blob[0]} (want ${RAW_CHUNK_FORMAT})`);
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
  const timestampsMs = new Float64Array(h.count);
  const values = new Float64Array(h.count);
  decodeTimestampColumn(blob.subarray(h.tsStart, h.tsEnd), h.count, timestampsMs);
  decodeXorColumn(blob.subarray(h.tsEnd), h.count, values);
  return { timestampsMs, values };
}
