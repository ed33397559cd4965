/**
 * The SQLite log store's stream index (in place of a (stream id, time) index on every entry): one row of
 * `log_stream_blocks` per sealed block of a stream's entries — its exact entry ids and times (./stream-blocks.ts)
 * — and the open newest blocks in memory. The rows are written in the writer's transaction; the open blocks are
 * derived: rebuilt when the store opens (or after a failed transaction) from the newest `maxOpenSpan` entry rows,
 * keeping those after each stream's last sealed block. A crash loses nothing: the entry rows are the truth.
 * Reads by stream ask this index for the entry ids (and times) of a set of streams in a time range, then read
 * those rows by id. Retention and the entry cap rewrite the blocks they cut into, in their own transaction.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { BlockCache, type DecodedBlock } from './block-cache.ts';
import { RowsById } from './rows-by-id.ts';
import {
  blockRow,
  decodeNumbers,
  filterEntries,
  lowerBound,
  OpenBlocks,
  type BlockEntries,
  type BlockLimits,
} from './stream-blocks.ts';

/** The statements the index runs (on the writer's connection, inside whatever transaction is open). */
export type StreamIndexDb = Pick<BetterSqlite3.Database, 'prepare'>;

interface StoredBlock {
  readonly rid: number;
  readonly stream_id: number;
  readonly min_time_us: number;
  readonly max_time_us: number;
  readonly ids: Buffer;
  readonly times: Buffer;
}

/** Stream ids written inline (integers read from the store: no bind-parameter limit). */
function idList(ids: Iterable<number>): string {
  return [...ids].map((i) => String(Math.trunc(i))).join(', ');
}

/** The stream index of one SQLite log store. */
export class StreamIndex {
  private readonly raw: StreamIndexDb;
  private readonly open: OpenBlocks;
  private readonly insertBlock: BetterSqlite3.Statement;
  private readonly updateBlock: BetterSqlite3.Statement;
  private readonly deleteBlock: BetterSqlite3.Statement;
  private readonly certainIn: BetterSqlite3.Statement;
  private readonly straddling: BetterSqlite3.Statement;
  /** The sealed blocks of a JSON array of stream ids overlapping a time range, without their blobs. */
  private readonly blocksIn: BetterSqlite3.Statement;
  /** Sealed blocks' blobs by a JSON array of rowids. */
  private readonly blobsOf: BetterSqlite3.Statement;
  /** Sealed blocks decoded, bounded by bytes. */
  readonly cache: BlockCache;
  /** The entry rows of the ids this index gives, read in the order given (./rows-by-id.ts). */
  readonly rows: RowsById;

  /**
   * @param cacheBytes bound of the decoded sealed blocks kept between reads (./block-cache.ts)
   * @throws RangeError on non-positive limits or a negative cache bound; driver errors when the store cannot be read
   */
  constructor(raw: StreamIndexDb, limits: BlockLimits, cacheBytes?: number) {
    this.raw = raw;
    this.open = new OpenBlocks(limits);
    this.cache = new BlockCache(cacheBytes);
    this.rows = new RowsById(raw);
    this.blocksIn = raw
      .prepare(
        'select stream_id, rowid, min_time_us, max_time_us, first_id, last_id, entries from log_stream_blocks where stream_id in (select value from json_each(?)) and max_time_us >= ? and min_time_us < ?',
      )
      .raw();
    this.blobsOf = raw
      .prepare(
        'select rowid, ids, times, first_id, last_id from log_stream_blocks where rowid in (select value from json_each(?))',
      )
      .raw();
    this.insertBlock = raw.prepare(
      'insert into log_stream_blocks (stream_id, min_time_us, max_time_us, entries, first_id, last_id, ids, times) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.updateBlock = raw.prepare(
      'update log_stream_blocks set min_time_us = ?, max_time_us = ?, entries = ?, first_id = ?, last_id = ?, ids = ?, times = ? where rowid = ?',
    );
    this.deleteBlock = raw.prepare('delete from log_stream_blocks where rowid = ?');
    // a block whose smallest or largest time lies in [lo, hi) holds an entry there (both are entries' times)
    this.certainIn = raw
      .prepare(
        'select 1 from log_stream_blocks where stream_id = ? and max_time_us >= ? and min_time_us < ? and (min_time_us >= ? or max_time_us < ?) limit 1',
      )
      .pluck();
    this.straddling = raw
      .prepare(
        'select times from log_stream_blocks where stream_id = ? and min_time_us < ? and max_time_us >= ?',
      )
      .pluck();
    this.rebuild();
  }

  /** Entries held in open (unsealed) blocks. */
  get openEntries(): number {
    return this.open.entries;
  }

  /**
   * Forgets the open blocks and rebuilds them from the newest `maxOpenSpan` entry rows (those after their
   * stream's last sealed block). Full blocks found on the way are sealed.
   */
  rebuild(): void {
    this.open.clear();
    const newest = Number(this.raw.prepare('select max(id) from log_entries').pluck().get() ?? 0);
    const from = newest - this.open.limits.maxOpenSpan;
    const lastSealed = new Map<number, number>();
    const sealed = this.raw
      .prepare(
        'select stream_id as s, max(last_id) as l from log_stream_blocks where last_id > ? group by stream_id',
      )
      .all(from) as { s: number; l: number }[];
    for (const r of sealed) lastSealed.set(Number(r.s), Number(r.l));
    // row by row: up to `maxOpenSpan` rows, not held at once (an array per row would outlive the open)
    const rows = this.raw
      .prepare('select id, stream_id, time_us from log_entries where id > ? order by id')
      .raw()
      .iterate(from) as IterableIterator<[number, number, number]>;
    for (const [id, sid, t] of rows) {
      if (id <= (lastSealed.get(sid) ?? -Infinity)) continue;
      this.append(Number(sid), Number(id), Number(t));
    }
  }

  /** Adds a written entry (inside the writer's transaction; a full block is sealed at once). */
  append(streamId: number, id: number, timeUs: number): void {
    const full = this.open.append(streamId, id, timeUs);
    if (full !== undefined) this.seal(streamId, full);
  }

  /** Seals the open blocks `maxOpenSpan` ids or more behind `newestId` (inside the writer's transaction). */
  sealDue(newestId: number): void {
    for (const [sid, b] of this.open.takeDue(newestId)) this.seal(sid, b);
  }

  private seal(streamId: number, b: BlockEntries): void {
    const r = blockRow(streamId, b);
    this.insertBlock.run(
      r.streamId,
      r.minTimeUs,
      r.maxTimeUs,
      r.entries,
      r.firstId,
      r.lastId,
      r.ids,
      r.times,
    );
  }

  /**
   * Calls `fn` for every entry of these streams with a time in `[loUs, hiUs)`: sealed blocks (in no particular
   * order; within a block in time order, decoded once and kept in {@link cache}), then the open blocks in the
   * order of `streamIds` (within a block in id order). `fn` must not run statements (the blocks are read while it runs).
   */
  visit(
    streamIds: readonly number[],
    loUs: number,
    hiUs: number,
    fn: (streamId: number, id: number, timeUs: number) => void,
  ): void {
    if (streamIds.length === 0 || loUs >= hiUs) return;
    const rows = this.blocksIn.all(JSON.stringify(streamIds), loUs, hiUs) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ][];
    const blocks = this.decodedAll(rows);
    for (let k = 0; k < rows.length; k++) {
      const [sid, , minT, maxT] = rows[k]!;
      const b = blocks[k]!;
      const { ids, times } = b;
      const s = Number(sid);
      // a sealed block's times ascend: its entries in [lo, hi) are one run
      const from = minT >= loUs ? 0 : lowerBound(times, loUs);
      const to = maxT < hiUs ? times.length : lowerBound(times, hiUs);
      for (let i = from; i < to; i++) fn(s, ids[i]!, times[i]!);
    }
    for (const sid of streamIds) {
      const b = this.open.of(sid);
      if (b === undefined) continue;
      for (let i = 0; i < b.ids.length; i++) {
        const t = b.times[i]!;
        if (t >= loUs && t < hiUs) fn(sid, b.ids[i]!, t);
      }
    }
  }

  /**
   * The sealed blocks of these rows (`[stream id, rowid, min time, max time, first id, last id, entries]`) decoded:
   * from the cache, the others read in one statement and kept.
   */
  private decodedAll(rows: readonly (readonly number[])[]): DecodedBlock[] {
    const out: (DecodedBlock | undefined)[] = [];
    const missing: number[] = [];
    for (const [, rid, , , firstId, lastId, entries] of rows) {
      const hit = this.cache.get(Number(rid), Number(firstId), Number(lastId), Number(entries));
      if (hit === undefined) missing.push(Number(rid));
      out.push(hit);
    }
    if (missing.length === 0) return out as DecodedBlock[];
    const read = new Map<number, DecodedBlock>();
    for (const [rid, ids, times, firstId, lastId] of this.blobsOf.all(JSON.stringify(missing)) as [
      number,
      Buffer,
      Buffer,
      number,
      number,
    ][]) {
      const b = {
        firstId: Number(firstId),
        lastId: Number(lastId),
        ids: decodeNumbers(ids),
        times: decodeNumbers(times),
      };
      read.set(Number(rid), b);
      this.cache.put(Number(rid), b);
    }
    return rows.map((r, k) => out[k] ?? read.get(Number(r[1]))!);
  }

  /**
   * Calls `fn` with each run of entry times of these streams in `[loUs, hiUs)`: `times[from..to)` of one sealed
   * block (ascending) or of an open block (in id order; `fn` must check those against the range itself, so
   * `inRange` is false). For counts, which need the times only. A sealed block inside the range is first offered
   * to `whole` with its smallest and largest time and entry count: when `whole` counts it from that alone (returns
   * true), its times are not read.
   */
  visitTimes(
    streamIds: readonly number[],
    loUs: number,
    hiUs: number,
    fn: (streamId: number, times: ArrayLike<number>, from: number, to: number, inRange: boolean) => void,
    whole?: (streamId: number, minTimeUs: number, maxTimeUs: number, entries: number) => boolean,
  ): void {
    if (streamIds.length === 0 || loUs >= hiUs) return;
    const all = this.blocksIn.all(JSON.stringify(streamIds), loUs, hiUs) as number[][];
    const rows =
      whole === undefined
        ? all
        : all.filter(
            ([sid, , minT, maxT, , , n]) =>
              !(minT! >= loUs && maxT! < hiUs && whole(Number(sid), minT!, maxT!, Number(n))),
          );
    const blocks = this.decodedAll(rows);
    for (let k = 0; k < rows.length; k++) {
      const [sid, , minT, maxT] = rows[k]!;
      const { times } = blocks[k]!;
      const from = minT! >= loUs ? 0 : lowerBound(times, loUs);
      const to = maxT! < hiUs ? times.length : lowerBound(times, hiUs);
      if (to > from) fn(Number(sid), times, from, to, true);
    }
    for (const sid of streamIds) {
      const b = this.open.of(sid);
      if (b !== undefined) fn(sid, b.times, 0, b.times.length, false);
    }
  }

  /** Whether a stream has an entry with a time in `[loUs, hiUs)`. */
  hasEntries(streamId: number, loUs: number, hiUs: number): boolean {
    if (loUs >= hiUs) return false;
    const b = this.open.of(streamId);
    if (b?.times.some((t) => t >= loUs && t < hiUs)) return true;
    if (this.certainIn.get(streamId, loUs, hiUs, loUs, hiUs) !== undefined) return true;
    // blocks spanning the whole range: their times decide
    for (const blob of this.straddling.all(streamId, loUs, hiUs) as Buffer[])
      if (decodeNumbers(blob).some((t) => t >= loUs && t < hiUs)) return true;
    return false;
  }

  /** The smallest entry time of these streams (undefined when they have no entries). */
  oldestTimeUs(streamIds: readonly number[]): number | undefined {
    if (streamIds.length === 0) return undefined;
    let m = this.raw
      .prepare(`select min(min_time_us) from log_stream_blocks where stream_id in (${idList(streamIds)})`)
      .pluck()
      .get() as number | null;
    for (const sid of streamIds)
      for (const t of this.open.of(sid)?.times ?? []) if (m === null || t < m) m = t;
    return m === null ? undefined : Number(m);
  }

  /**
   * Removes from the index the entries of these streams older than `cutoffUs` (retention deleted their rows in
   * the same transaction): the blocks cut into are rewritten, emptied ones deleted.
   */
  dropOlder(streamIds: readonly number[], cutoffUs: number): void {
    if (streamIds.length === 0) return;
    this.rewrite(
      `stream_id in (${idList(streamIds)}) and min_time_us < ?`,
      [cutoffUs],
      (_, t) => t >= cutoffUs,
      new Set(streamIds),
    );
  }

  /** Removes from the index the entries with an id below `cutId` (the entry cap deleted their rows). */
  dropBelowId(cutId: number): void {
    this.rewrite('first_id < ?', [cutId], (id) => id >= cutId);
  }

  private rewrite(
    where: string,
    params: readonly number[],
    keep: (id: number, timeUs: number) => boolean,
    streams?: ReadonlySet<number>,
  ): void {
    const hit = this.raw
      .prepare(
        `select rowid as rid, stream_id, min_time_us, max_time_us, ids, times from log_stream_blocks where ${where}`,
      )
      .all(...params) as StoredBlock[];
    for (const b of hit) {
      this.cache.forget(b.rid);
      const kept = filterEntries({ ids: decodeNumbers(b.ids), times: decodeNumbers(b.times) }, keep);
      if (kept.ids.length === 0) {
        this.deleteBlock.run(b.rid);
        continue;
      }
      const r = blockRow(Number(b.stream_id), kept);
      this.updateBlock.run(r.minTimeUs, r.maxTimeUs, r.entries, r.firstId, r.lastId, r.ids, r.times, b.rid);
    }
    this.open.retain(keep, streams);
  }

  /** Ids of the streams with at least one entry (a sealed block or an open one). */
  streamsWithEntries(): Set<number> {
    const out = new Set<number>(this.open.streamIds());
    const rows = this.raw.prepare('select distinct stream_id from log_stream_blocks').pluck().all();
    for (const s of rows as number[]) out.add(Number(s));
    return out;
  }
}
