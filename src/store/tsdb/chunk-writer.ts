/**
 * Writing of the chunked store's chunks (tsdb-store.ts steps 5 and checkpoint): cut chunks wait in memory and are
 * written together, in one transaction, at most every `chunkWriteIntervalMs` or once `maxPendingChunks` wait; a
 * failed write keeps them in memory (served to readers, retried with the next write; their samples are in the
 * WAL). A checkpoint writes them with provisional rows of the head's open chunks (its last slice, when sliced).
 * The store calls these methods only under its serialising queue.
 */
import type { StoreDialect } from '../migrations.ts';
import { writeChunks, type TsdbDb } from './chunk-repo.ts';
import type { CutChunk, HeadSeries } from './head.ts';
import type { TsdbOptions } from './options.ts';

/** Cut chunks waiting to be written, and their writes. */
export class ChunkWriter {
  /** Cut chunks not yet written (normally empty between appends); replaced, never mutated, when written. */
  pending: CutChunk[] = [];
  /** Failed chunk writes so far (batched and checkpoint writes). */
  writeErrors = 0;
  private lastWriteAt: number;

  /**
   * @param startedAtMs the clock reading the interval between batched writes starts from (Unix ms)
   */
  constructor(
    private readonly db: TsdbDb,
    private readonly dialect: StoreDialect,
    private readonly options: TsdbOptions,
    private readonly now: () => number,
    startedAtMs: number,
  ) {
    this.lastWriteAt = startedAtMs;
  }

  /**
   * Queues `cuts` and writes every waiting chunk in one transaction when `chunkWriteIntervalMs` has passed since
   * the last write or `maxPendingChunks` are waiting. Until written, chunks are served to readers from memory;
   * their samples are in the WAL (a checkpoint writes them before it deletes a segment). Never throws for a
   * failed write (counted in `writeErrors`).
   */
  async flush(cuts: readonly CutChunk[]): Promise<void> {
    for (const c of cuts) this.pending.push(c);
    const all = this.pending;
    const now = this.now();
    if (
      all.length < this.options.maxPendingChunks &&
      now - this.lastWriteAt < this.options.chunkWriteIntervalMs
    )
      return;
    this.lastWriteAt = now;
    try {
      await this.db.transaction().execute((trx) => writeChunks(trx, this.dialect, all));
      this.pending = [];
    } catch {
      // Durable in the WAL; kept in memory, served to readers and retried with the next write.
      this.writeErrors++;
    }
  }

  /**
   * Writes a provisional row of the open chunk of each of `series` (those with samples; the rest are skipped) in one
   * transaction, with every waiting chunk when `withPending`; the series remember the row (replaced when the chunk
   * is cut). A checkpoint writes the whole head at once, or slices of it (checkpoint-slices.ts) with the waiting
   * chunks in its last slice.
   * Rows are written compacted (codec/chunk.ts `compactChunk`): a row written in format 1 and replaced by a
   * smaller compacted row later leaves a hole in its SQLite page that appends never reuse.
   * @throws the database's error (counted in `writeErrors`; nothing is changed).
   */
  async writeCheckpoint(series: Iterable<HeadSeries>, withPending: boolean): Promise<void> {
    const snaps: { s: HeadSeries; c: CutChunk }[] = [];
    for (const s of series) {
      const app = s.app;
      if (app === undefined || app.count === 0) continue;
      const startTs = app.minTs!;
      snaps.push({
        s,
        c: {
          seriesId: s.id,
          startTs,
          endTs: app.maxTs!,
          samples: app.count,
          data: app.compactBytes(),
          replaces:
            s.provisionalStart !== undefined && s.provisionalStart !== startTs
              ? s.provisionalStart
              : undefined,
        },
      });
    }
    const rows = snaps.map((x) => x.c);
    const all = withPending ? [...this.pending, ...rows] : rows;
    if (all.length > 0) {
      try {
        await this.db.transaction().execute((trx) => writeChunks(trx, this.dialect, all));
      } catch (e) {
        this.writeErrors++;
        throw e;
      }
    }
    if (withPending) this.pending = [];
    for (const { s, c } of snaps) {
      // The open chunk may have grown while the transaction ran only if appends interleaved; they cannot
      // (both run under the store's queue), so the row holds exactly the chunk as snapshotted.
      s.provisionalStart = c.startTs;
      s.provisionalSamples = c.samples;
    }
  }

  /** Raises `last` (latest timestamp per series id) to the end of waiting chunks of the series in `ids`. */
  raiseLatest(ids: readonly number[], last: Map<number, number>): void {
    if (this.pending.length === 0) return;
    const wanted = new Set(ids);
    for (const c of this.pending)
      if (wanted.has(c.seriesId) && c.endTs > (last.get(c.seriesId) ?? -Infinity))
        last.set(c.seriesId, c.endTs);
  }

  /** Drops waiting chunks whose newest sample is before `cutoffMs`. Returns the samples dropped. */
  dropEndedBefore(cutoffMs: number): number {
    let dropped = 0;
    this.pending = this.pending.filter((c) => {
      if (c.endTs >= cutoffMs) return true;
      dropped += c.samples;
      return false;
    });
    return dropped;
  }

  /** Samples only the waiting chunks hold (not in a checkpoint row of the database). */
  unwrittenSamples(): number {
    let n = 0;
    for (const c of this.pending) n += c.samples - (c.provisionalSamples ?? 0);
    return n;
  }
}
