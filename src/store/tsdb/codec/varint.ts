/**
 * LEB128 variable-length integers for safe integers (up to 2^53), as in Protocol Buffers: 7 bits per byte, low
 * groups first, high bit set on every byte but the last; signed values are zigzag-mapped first.
 *
 * @see https://protobuf.dev/programming-guides/encoding/#varints
 */
import { InvalidInputError, StoreError } from '../../../errors.ts';

/** Zigzag: 0, -1, 1, -2, ... → 0, 1, 2, 3, ... for integers with |v| <= 2^52 (the result stays a safe integer). */
export function zigzag(v: number): number {
  return v >= 0 ? v * 2 : -v * 2 - 1;
}
/** Inverse of {@link zigzag}. */
export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/** Bytes {@link writeUvarint} uses for `v`. */
export function uvarintLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/**
 * Writes a non-negative safe integer at `offset`; returns the offset after it.
 * @throws InvalidInputError when `v` is not a non-negative safe integer.
 */
export function writeUvarint(out: Uint8Array, offset: number, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new InvalidInputError(`uvarint: ${v} is not a non-negative safe integer`);
  while (v >= 128) {
    out[offset++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  out[offset++] = v;
  return offset;
}

/** A decoded varint and the offset after it. */
export interface VarintRead {
  readonly value: number;
  readonly next: number;
}

/**
 * Reads a uvarint at `offset`.
 * @throws StoreError when the bytes end inside the varint or it exceeds 2^53.
 */
export function readUvarint(bytes: Uint8Array, offset: number): VarintRead {
  let v = 0;
  let mul = 1;
  for (let i = offset; i < bytes.length; i++) {
    const b = bytes[i]!;
    v += (b & 127) * mul;
    if (b < 128) {
      if (!Number.isSafeInteger(v)) throw new StoreError('corrupt varint: value exceeds 2^53');
      return { value: v, next: i + 1 };
    }
    mul *= 128;
    if (mul > 2 ** 56) throw new StoreError('corrupt varint: too long');
  }
  throw new StoreError('corrupt varint: bytes end inside it');
}
