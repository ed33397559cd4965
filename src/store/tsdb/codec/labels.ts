/**
 * The chunked store's series row encoding (`series.labels`, `series.hash`): a series' labels as one compact blob
 * and a 53-bit hash of its canonical key (`seriesKey`, src/model/sample.ts) for the series lookup index. The key
 * itself is not stored: it is `seriesKey(name, labels)` of the row's name and decoded labels.
 *
 * Labels blob: format byte `1`, uvarint label count, then per label in `seriesKey`'s order (names sorted by
 * UTF-16 code units, strictly increasing) uvarint byte length + UTF-8 bytes of the name, uvarint byte length +
 * UTF-8 bytes of the value. About 3 bytes per label less than the key's text (no `="`, `",`) and no JSON quoting.
 */
import { StoreError } from '../../../errors.ts';
import type { Labels } from '../../../model/sample.ts';
import { readUvarint, uvarintLength, writeUvarint } from './varint.ts';

/** Format byte of {@link encodeLabels}' blobs. */
export const LABELS_FORMAT = 1;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of `s` (a loop for ASCII, the common case; the native count otherwise). */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
}

/** Writes `s` (`len` UTF-8 bytes) at `off`; returns the offset after it. */
function writeString(out: Buffer, off: number, s: string, len: number): number {
  off = writeUvarint(out, off, len);
  if (len === s.length) for (let i = 0; i < len; i++) out[off + i] = s.charCodeAt(i);
  else out.write(s, off, len, 'utf8');
  return off + len;
}

/**
 * The labels as a blob (format above). Equal label sets give equal bytes, whatever their insertion order.
 * @param labels label name → value (names and values any strings without lone surrogates).
 */
export function encodeLabels(labels: Labels): Buffer {
  const names = Object.keys(labels).sort();
  const lens: number[] = new Array<number>(names.length * 2);
  let size = 1 + uvarintLength(names.length);
  for (let i = 0; i < names.length; i++) {
    const n = utf8Length(names[i]!);
    const v = utf8Length(labels[names[i]!]!);
    lens[2 * i] = n;
    lens[2 * i + 1] = v;
    size += uvarintLength(n) + n + uvarintLength(v) + v;
  }
  const out = Buffer.allocUnsafe(size);
  out[0] = LABELS_FORMAT;
  let off = writeUvarint(out, 1, names.length);
  for (let i = 0; i < names.length; i++) {
    off = writeString(out, off, names[i]!, lens[2 * i]!);
    off = writeString(out, off, labels[names[i]!]!, lens[2 * i + 1]!);
  }
  return out;
}

/**
 * The labels of a blob written by {@link encodeLabels}, names in sorted order.
 * @throws StoreError when the blob is corrupt: unknown format, truncated, trailing bytes, invalid UTF-8, or
 *   names not strictly increasing.
 */
export function decodeLabels(blob: Uint8Array): Labels {
  if (blob.length < 2 || blob[0] !== LABELS_FORMAT)
    throw new StoreError(`corrupt labels blob: format ${String(blob[0])}, ${blob.length} bytes`);
  const count = readUvarint(blob, 1);
  // Every label takes at least two bytes (two zero lengths).
  if (count.value * 2 > blob.length - count.next)
    throw new StoreError(`corrupt labels blob: ${count.value} labels in ${blob.length} bytes`);
  const buf = Buffer.isBuffer(blob) ? blob : Buffer.from(blob.buffer, blob.byteOffset, blob.length);
  const out: Record<string, string> = {};
  let off = count.next;
  let prev: string | undefined;
  for (let i = 0; i < count.value; i++) {
    const name = readString(buf, off);
    const value = readString(buf, name.next);
    off = value.next;
    if (prev !== undefined && !(prev < name.text))
      throw new StoreError(`corrupt labels blob: label ${name.text} out of order after ${prev}`);
    prev = name.text;
    // A label named `__proto__` is an own property, as JSON.parse makes it.
    if (name.text === '__proto__')
      Object.defineProperty(out, name.text, {
        value: value.text,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[name.text] = value.text;
  }
  if (off !== blob.length)
    throw new StoreError(`corrupt labels blob: ${blob.length - off} bytes after the last label`);
  return out;
}

function readString(buf: Buffer, offset: number): { text: string; next: number } {
  const len = readUvarint(buf, offset);
  const end = len.next + len.value;
  if (end > buf.length) throw new StoreError('corrupt labels blob: a string runs past its end');
  let ascii = true;
  for (let i = len.next; i < end; i++)
    if (buf[i]! >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) return { text: buf.toString('latin1', len.next, end), next: end };
  try {
    return { text: strictUtf8.decode(buf.subarray(len.next, end)), next: end };
  } catch (e) {
    throw new StoreError('corrupt labels blob: invalid UTF-8', { cause: e });
  }
}

/**
 * A 53-bit hash (a non-negative safe integer, stored in an 8-byte integer column) of a series key's UTF-16 code
 * units: two 32-bit multiply-xorshift lanes (cyrb53, public domain), 21 bits of one and 32 of the other. Part of
 * the stored format: changing it needs a migration. Distinct keys may share a hash; readers compare the row.
 * @see https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js
 */
export function seriesKeyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
