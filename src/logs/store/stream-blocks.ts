/**
 * The SQLite log store's stream index, pure part: a stream's entries in arrival (id) order cut into blocks, each
 * one row of `log_stream_blocks` with the block's exact entry ids and times (two blobs of little-endian float64,
 * exact for safe integers), and the open (not yet sealed) newest block of every stream held in memory.
 *
 * A stream's open block is sealed when it holds `blockEntries` entries, or when its first entry id is
 * `maxOpenSpan` ids or more behind the newest entry id written (so every entry with an id at or below
 * newest − `maxOpenSpan` is in a sealed block, and the open blocks hold fewer than `maxOpenSpan` entries in all).
 * A block's `min_time_us` and `max_time_us` are times of entries it holds (times need not follow ids: entries may
 * arrive out of order).
 * @see https://grafana.com/docs/loki/latest/operations/storage/ (Loki's chunks: one per stream and time span)
 */

/** Entries of a stream's block at most (a full block is sealed at once). */
export const DEFAULT_BLOCK_ENTRIES = 16_000;

/**
 * Entry ids an open block may trail the newest entry id by before it is sealed: the open blocks hold fewer
 * entries than this in all (the index's memory: ~16 bytes per entry, ~4 MiB), and a store opening reads at most
 * this many newest rows to rebuild them. With many streams this rule seals most blocks (a stream's block holds its
 * share of this many ids), so it sets how many blocks a read by stream decodes: 65 536 gave the bench's 1 000
 * streams blocks of ~68 entries and a node's error streams ~75 blocks over an hour, 262 144 four times fewer.
 */
export const DEFAULT_MAX_OPEN_SPAN = 262_144;

/** The sealing rule of a stream index. */
export interface BlockLimits {
  /** Entries of a block at most. */
  readonly blockEntries: number;
  /** Ids an open block's first entry may trail the newest entry by (exclusive). */
  readonly maxOpenSpan: number;
}

/** One stream's entries of a block, their times alongside (open blocks: ids ascending). */
export interface BlockEntries {
  readonly ids: number[];
  readonly times: number[];
}

/** A block as stored: the row's columns. */
export interface BlockRow {
  readonly streamId: number;
  readonly minTimeUs: number;
  readonly maxTimeUs: number;
  readonly entries: number;
  readonly firstId: number;
  readonly lastId: number;
  readonly ids: Buffer;
  readonly times: Buffer;
}

/** Numbers as a blob of little-endian float64. */
export function encodeNumbers(xs: readonly number[]): Buffer {
  const b = Buffer.allocUnsafe(xs.length * 8);
  for (let i = 0; i < xs.length; i++) b.writeDoubleLE(xs[i]!, i * 8);
  return b;
}

/** A blob of little-endian float64 as numbers (a trailing partial value is ignored). */
export function decodeNumbers(b: Uint8Array): Float64Array {
  const n = Math.floor(b.byteLength / 8);
  const out = new Float64Array(n);
  new Uint8Array(out.buffer).set(b.subarray(0, n * 8));
  return out;
}

/**
 * The row of a block of one stream's entries (at least one): stored ordered by time, then id, so a read of a time
 * range binary-searches a block's times instead of checking every entry; `firstId` / `lastId` are the smallest and
 * largest id.
 * @throws RangeError when the block is empty
 */
export function blockRow(streamId: number, e: BlockEntries): BlockRow {
  if (e.ids.length === 0) throw new RangeError('a stream block holds at least one entry');
  const n = e.ids.length;
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => e.times[a]! - e.times[b]! || e.ids[a]! - e.ids[b]!);
  const ids = order.map((i) => e.ids[i]!);
  const times = order.map((i) => e.times[i]!);
  let firstId = Infinity;
  let lastId = -Infinity;
  for (const id of ids) {
    if (id < firstId) firstId = id;
    if (id > lastId) lastId = id;
  }
  return {
    streamId,
    minTimeUs: times[0]!,
    maxTimeUs: times[n - 1]!,
    entries: n,
    firstId,
    lastId,
    ids: encodeNumbers(ids),
    times: encodeNumbers(times),
  };
}

/** The first index of `xs` (ascending) whose value is at least `x` (`xs.length` when none). */
export function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The open blocks of every stream, oldest-opened first: what is not yet sealed. */
export class OpenBlocks {
  /** Stream id → its open block; a Map keeps insertion order, so the first is the oldest-opened block. */
  private readonly open = new Map<number, { ids: number[]; times: number[] }>();
  private size = 0;
  readonly limits: BlockLimits;

  constructor(limits: BlockLimits) {
    if (!(Number.isSafeInteger(limits.blockEntries) && limits.blockEntries > 0))
      throw new RangeError(`blockEntries must be a positive integer, got ${limits.blockEntries}`);
    if (!(Number.isSafeInteger(limits.maxOpenSpan) && limits.maxOpenSpan > 0))
      throw new RangeError(`maxOpenSpan must be a positive integer, got ${limits.maxOpenSpan}`);
    this.limits = limits;
  }

  /** Entries held in open blocks. */
  get entries(): number {
    return this.size;
  }

  /**
   * Adds an entry (ids of a stream ascending); returns the stream's block when it is full (then sealed: no
   * longer held).
   */
  append(streamId: number, id: number, timeUs: number): BlockEntries | undefined {
    let b = this.open.get(streamId);
    if (b === undefined) this.open.set(streamId, (b = { ids: [], times: [] }));
    b.ids.push(id);
    b.times.push(timeUs);
    this.size++;
    if (b.ids.length < this.limits.blockEntries) return undefined;
    this.open.delete(streamId);
    this.size -= b.ids.length;
    return b;
  }

  /** Removes and returns the open blocks whose first id is `maxOpenSpan` or more behind `newestId`. */
  takeDue(newestId: number): [number, BlockEntries][] {
    const out: [number, BlockEntries][] = [];
    for (const [sid, b] of this.open) {
      if (b.ids[0]! > newestId - this.limits.maxOpenSpan) break;
      out.push([sid, b]);
    }
    for (const [sid, b] of out) {
      this.open.delete(sid);
      this.size -= b.ids.length;
    }
    return out;
  }

  /** Removes and returns every open block. */
  takeAll(): [number, BlockEntries][] {
    const out = [...this.open];
    this.open.clear();
    this.size = 0;
    return out;
  }

  /** The open block of a stream (undefined when none). */
  of(streamId: number): BlockEntries | undefined {
    return this.open.get(streamId);
  }

  /** Stream ids with an open block. */
  streamIds(): IterableIterator<number> {
    return this.open.keys();
  }

  /**
   * Keeps only the entries `keep` accepts (in every open block, or those of `streamIds`); a block left empty is
   * dropped. The blocks stay ordered by first id.
   */
  retain(keep: (id: number, timeUs: number) => boolean, streamIds?: ReadonlySet<number>): void {
    const all = [...this.open];
    this.open.clear();
    this.size = 0;
    const left: [number, BlockEntries][] = [];
    for (const [sid, b] of all) {
      const kept = streamIds !== undefined && !streamIds.has(sid) ? b : filterEntries(b, keep);
      if (kept.ids.length > 0) left.push([sid, kept]);
    }
    // oldest first id first again (takeDue stops at the first block not due)
    left.sort((a, b) => a[1].ids[0]! - b[1].ids[0]!);
    for (const [sid, b] of left) {
      this.open.set(sid, b);
      this.size += b.ids.length;
    }
  }

  /** Forgets every open block. */
  clear(): void {
    this.open.clear();
    this.size = 0;
  }
}

/** The entries of a block `keep` accepts. */
export function filterEntries(
  e: { readonly ids: ArrayLike<number>; readonly times: ArrayLike<number> },
  keep: (id: number, timeUs: number) => boolean,
): BlockEntries {
  const ids: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < e.ids.length; i++)
    if (keep(e.ids[i]!, e.times[i]!)) {
      ids.push(e.ids[i]!);
      times.push(e.times[i]!);
    }
  return { ids, times };
}
