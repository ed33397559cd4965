/**
 * Reads of raw samples for the chunked store: the pieces of each series — database chunks, chunks waiting to be
 * written, the head's open chunk — merged into one time-ordered run (merge.ts). Memory is snapshotted before the
 * database read, so an append that cuts a chunk while the read waits is seen once (in memory or in the rows).
 * The checkpoint copy of an open chunk read from memory is skipped (the open chunk holds all of it).
 */
import { readChunks, type TsdbDb } from './chunk-repo.ts';
import { decodeChunk, type DecodedSamples } from './codec/chunk.ts';
import type { CutChunk, Head, HeadSeries } from './head.ts';
import { mergePieces, mergePiecesTyped } from './merge.ts';

/** What a reader sees of the store's in-memory state. */
export interface MemoryState {
  readonly head: Head;
  /** Cut chunks not yet written (read at call time: the store replaces the array). */
  pending(): readonly CutChunk[];
}

/** Raw reads over a store's database and memory. */
export class RawReader {
  private readonly db: TsdbDb;
  private readonly memory: MemoryState;
  private readonly maxChunkSpanMs: number;

  constructor(db: TsdbDb, memory: MemoryState, maxChunkSpanMs: number) {
    this.db = db;
    this.memory = memory;
    this.maxChunkSpanMs = maxChunkSpanMs;
  }

  /** Decoded open chunk and pending chunks of a series, in time order of their start. */
  memoryPieces(s: HeadSeries): DecodedSamples[] {
    const out: DecodedSamples[] = [];
    for (const c of this.memory.pending()) if (c.seriesId === s.id) out.push(decodeChunk(c.data));
    if (s.app !== undefined && s.app.count > 0) out.push(decodeChunk(s.app.bytes()));
    return out;
  }

  /** Pieces per series id overlapping [fromMs, toMs]: database chunks first, then memory (snapshotted first). */
  private async pieces(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
  ): Promise<Map<number, DecodedSamples[]>> {
    const memory = new Map<number, DecodedSamples[]>();
    // start_ts of a database row that is a checkpoint copy of an open chunk read from memory: the open chunk
    // holds every sample of it (it only grew since), so the row is not decoded nor merged.
    const copyStart = new Map<number, number>();
    const pendingBy = new Map<number, CutChunk[]>();
    for (const c of this.memory.pending()) {
      let l = pendingBy.get(c.seriesId);
      if (!l) pendingBy.set(c.seriesId, (l = []));
      l.push(c);
    }
    for (const id of ids) {
      const s = this.memory.head.getById(id);
      const pieces: DecodedSamples[] = [];
      for (const c of pendingBy.get(id) ?? [])
        if (c.endTs >= fromMs && c.startTs <= toMs) pieces.push(decodeChunk(c.data));
      if (s?.app !== undefined && s.app.count > 0 && s.app.maxTs! >= fromMs && s.app.minTs! <= toMs) {
        pieces.push(decodeChunk(s.app.bytes()));
        if (s.provisionalStart !== undefined) copyStart.set(id, s.provisionalStart);
      }
      if (pieces.length > 0) memory.set(id, pieces);
    }
    const rows = await readChunks(this.db, ids, fromMs, toMs, this.maxChunkSpanMs);
    const out = new Map<number, DecodedSamples[]>();
    for (const r of rows) {
      if (copyStart.get(r.seriesId) === r.startTs) continue;
      let l = out.get(r.seriesId);
      if (!l) out.set(r.seriesId, (l = []));
      l.push(decodeChunk(r.data));
    }
    for (const [id, m] of memory) {
      const l = out.get(id);
      if (l) l.push(...m);
      else out.set(id, m);
    }
    return out;
  }

  /** Raw samples of series ids in [fromMs, toMs] (every id present), the latest `maxPoints` per series. */
  async read(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
    maxPoints = Number.MAX_SAFE_INTEGER,
  ): Promise<Map<number, { timestampsMs: number[]; values: number[] }>> {
    const pieces = await this.pieces(ids, fromMs, toMs);
    const out = new Map<number, { timestampsMs: number[]; values: number[] }>();
    for (const id of ids) out.set(id, mergePieces(pieces.get(id) ?? [], fromMs, toMs, maxPoints));
    return out;
  }

  /** {@link read} as typed arrays, every sample in the range. */
  async readTyped(
    ids: readonly number[],
    fromMs: number,
    toMs: number,
  ): Promise<Map<number, DecodedSamples>> {
    const pieces = await this.pieces(ids, fromMs, toMs);
    const out = new Map<number, DecodedSamples>();
    for (const id of ids)
      out.set(id, mergePiecesTyped(pieces.get(id) ?? [], fromMs, toMs, Number.MAX_SAFE_INTEGER));
    return out;
  }

  /**
   * In-memory data (open and pending chunks) with a sample at or after `fromMs`, without decoding a chunk:
   * `earliest`, the smallest start of such a chunk that starts at or after `fromMs` (its first sample); `ids`, the
   * series holding such data (a series may repeat); `straddling`, those of them with a chunk that starts before
   * `fromMs` (their first sample from `fromMs` on is known only by decoding it).
   */
  memoryDataFrom(fromMs: number): { earliest: number | undefined; ids: number[]; straddling: number[] } {
    let earliest: number | undefined;
    const ids: number[] = [];
    const straddling: number[] = [];
    const note = (id: number, start: number, end: number): void => {
      if (end < fromMs) return;
      ids.push(id);
      if (start < fromMs) straddling.push(id);
      else if (earliest === undefined || start < earliest) earliest = start;
    };
    for (const s of this.memory.head.all())
      if (s.app !== undefined && s.app.count > 0) note(s.id, s.app.minTs!, s.app.maxTs!);
    for (const c of this.memory.pending()) note(c.seriesId, c.startTs, c.endTs);
    return { earliest, ids, straddling };
  }

  /** Ids of series whose in-memory data (open or pending chunks) overlaps [fromMs, toMs). */
  headSeriesWithDataIn(fromMs: number, toMs: number): number[] {
    const out: number[] = [];
    for (const s of this.memory.head.all())
      if (s.app !== undefined && s.app.count > 0 && s.app.maxTs! >= fromMs && s.app.minTs! < toMs)
        out.push(s.id);
    for (const c of this.memory.pending()) if (c.endTs >= fromMs && c.startTs < toMs) out.push(c.seriesId);
    return out;
  }
}
