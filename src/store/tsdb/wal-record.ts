/**
 * Payloads of write-ahead-log records (pure encoding; framing and files are in wal.ts):
 *
 * ```
 * samples record:  byte 1, uvarint seq, uvarint n, n × (uvarint series id, zigzag uvarint ts − previous ts,
 *                  8 bytes float64 little-endian)      (the first ts is relative to 0)
 * ```
 */
import { StoreError } from '../../errors.ts';
import { readUvarint, unzigzag, writeUvarint, zigzag } from './codec/varint.ts';

/** Record type of a samples record (the only one so far). */
export const WAL_SAMPLES = 1;

/** Samples of one acknowledged append, as parallel arrays. */
export interface WalSamples {
  readonly seq: number;
  readonly seriesIds: ArrayLike<number>;
  readonly timestampsMs: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

/** Encodes a samples record. @throws InvalidInputError (from the varint writer) on a non-integer id or ts. */
export function encodeSamplesRecord(
  seq: number,
  n: number,
  seriesIds: ArrayLike<number>,
  timestampsMs: ArrayLike<number>,
  values: ArrayLike<number>,
): Buffer {
  // Worst case per sample: 8 bytes of id varint, 8 of ts varint, 8 of value.
  const out = Buffer.allocUnsafe(1 + 9 + 9 + n * 24);
  out[0] = WAL_SAMPLES;
  let off = writeUvarint(out, 1, seq);
  off = writeUvarint(out, off, n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    off = writeUvarint(out, off, seriesIds[i]!);
    const t = timestampsMs[i]!;
    off = writeUvarint(out, off, zigzag(t - prev));
    prev = t;
    out.writeDoubleLE(values[i]!, off);
    off += 8;
  }
  return out.subarray(0, off);
}

/** Decodes one record payload. @throws StoreError on an unknown type or a truncated payload. */
export function decodeRecord(payload: Buffer): WalSamples {
  const type = payload[0];
  if (type !== WAL_SAMPLES) throw new StoreError(`corrupt WAL record: type ${type}`);
  const s = readUvarint(payload, 1);
  const c = readUvarint(payload, s.next);
  const n = c.value;
  if (n > payload.length) throw new StoreError(`corrupt WAL record: ${n} samples in ${payload.length} bytes`);
  const seriesIds = new Float64Array(n);
  const timestampsMs = new Float64Array(n);
  const values = new Float64Array(n);
  let off = c.next;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const id = readUvarint(payload, off);
    const dt = readUvarint(payload, id.next);
    off = dt.next;
    if (off + 8 > payload.length) throw new StoreError('corrupt WAL record: ends inside a sample');
    seriesIds[i] = id.value;
    prev += unzigzag(dt.value);
    timestampsMs[i] = prev;
    values[i] = payload.readDoubleLE(off);
    off += 8;
  }
  return { seq: s.value, seriesIds, timestampsMs, values };
}
