/**
 * Sealed blocks of the stream index (./stream-index.ts), decoded, in a cache bounded by bytes: a scan by stream
 * reads the same blocks window after window and query after query, and a sealed block changes only when retention
 * or the entry cap rewrites it. An entry is keyed by the block's rowid and checked against the block's first and
 * last entry id and entry count as read with it, so a block rewritten (or a rowid reused) is decoded again, never
 * served stale. Least recently used entries are evicted first.
 */

/** A sealed block's entries, decoded: ids ascending, their times alongside (µs). */
export interface DecodedBlock {
  readonly firstId: number;
  readonly lastId: number;
  readonly ids: Float64Array;
  readonly times: Float64Array;
}

/** Default bound of the decoded blocks' bytes: 16 MiB (16 bytes per entry: ~1 M entries). */
export const DEFAULT_BLOCK_CACHE_BYTES = 16 * 1024 * 1024;

/** Bytes a decoded block holds (its two arrays). */
function bytesOf(b: DecodedBlock): number {
  return b.ids.byteLength + b.times.byteLength;
}

/** Decoded sealed blocks by rowid, at most `maxBytes` of them. */
export class BlockCache {
  private readonly blocks = new Map<number, DecodedBlock>();
  private size = 0;
  readonly maxBytes: number;

  /** @throws RangeError when `maxBytes` is not a non-negative integer */
  constructor(maxBytes: number = DEFAULT_BLOCK_CACHE_BYTES) {
    if (!(Number.isSafeInteger(maxBytes) && maxBytes >= 0))
      throw new RangeError(`maxBytes must be a non-negative integer, got ${maxBytes}`);
    this.maxBytes = maxBytes;
  }

  /** Bytes held. */
  get bytes(): number {
    return this.size;
  }

  /** Blocks held. */
  get count(): number {
    return this.blocks.size;
  }

  /**
   * The decoded block of `rowid` when it is held and still the block described (first and last id, entries);
   * a stale one is dropped.
   */
  get(rowid: number, firstId: number, lastId: number, entries: number): DecodedBlock | undefined {
    const b = this.blocks.get(rowid);
    if (b === undefined) return undefined;
    this.blocks.delete(rowid);
    if (b.firstId !== firstId || b.lastId !== lastId || b.ids.length !== entries) {
      this.size -= bytesOf(b);
      return undefined;
    }
    this.blocks.set(rowid, b);
    return b;
  }

  /** Keeps a decoded block (a block larger than the bound is not kept), evicting the least recently used. */
  put(rowid: number, b: DecodedBlock): void {
    this.forget(rowid);
    const n = bytesOf(b);
    if (n > this.maxBytes) return;
    this.blocks.set(rowid, b);
    this.size += n;
    for (const [k, old] of this.blocks) {
      if (this.size <= this.maxBytes) break;
      this.blocks.delete(k);
      this.size -= bytesOf(old);
    }
  }

  /** Drops the block of `rowid` (rewritten or deleted). */
  forget(rowid: number): void {
    const b = this.blocks.get(rowid);
    if (b === undefined) return;
    this.blocks.delete(rowid);
    this.size -= bytesOf(b);
  }
}
