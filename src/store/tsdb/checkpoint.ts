/**
 * Checkpoints of the chunked store (tsdb-store.ts): when they start, the incremental one written a slice per append
 * (checkpoint-slices.ts), and the whole-head one of `checkpoint()` and `close()`. A checkpoint moves the WAL to a new
 * segment, writes every open chunk as a provisional row (replaced when the chunk is cut) and the cut chunks waiting
 * in memory, and only then deletes the older segments. The store calls these methods only under its serialising
 * queue.
 */
import type { ChunkWriter } from './chunk-writer.ts';
import { CheckpointSlices } from './checkpoint-slices.ts';
import type { Head } from './head.ts';
import type { TsdbOptions } from './options.ts';
import type { WriteAheadLog } from './wal.ts';

/** When checkpoints run, and the one under way. */
export class Checkpointer {
  /** Checkpoints completed. */
  completed = 0;
  private lastStartAt: number;
  private readonly slices: CheckpointSlices;

  /**
   * @param now the clock `checkpointIntervalMs` is measured on (Unix ms); the first interval starts at construction
   */
  constructor(
    private readonly wal: WriteAheadLog,
    private readonly head: Head,
    private readonly chunks: ChunkWriter,
    private readonly options: TsdbOptions,
    private readonly now: () => number,
  ) {
    this.lastStartAt = now();
    this.slices = new CheckpointSlices(options);
  }

  /** Series the checkpoint under way has still to write (0 when none is under way). */
  get seriesLeft(): number {
    return this.slices.active ? this.slices.remaining : 0;
  }

  /**
   * Writes the next slice of the checkpoint under way, or starts one (rotating the WAL) when `checkpointIntervalMs`
   * has passed since the last one started or `walCheckpointBytes` were logged since. The last slice also writes the
   * waiting cut chunks, then the segments before the rotation are deleted. Never throws for a failed slice: it is
   * counted (`ChunkWriter.writeErrors`) and taken again on the next call; the WAL is kept until the last slice is
   * written.
   * @throws StoreError when the WAL cannot start a new segment.
   */
  async step(): Promise<void> {
    if (!this.slices.active) {
      if (
        this.wal.bytesSinceRotate < this.options.walCheckpointBytes &&
        this.now() - this.lastStartAt < this.options.checkpointIntervalMs
      )
        return;
      this.lastStartAt = this.now();
      this.slices.begin(this.head.all(), this.wal.rotate());
    }
    const slice = this.slices.take();
    const last = this.slices.lastTaken;
    try {
      await this.chunks.writeCheckpoint(slice, last);
    } catch {
      return; // counted by the writer; the same slice is taken again on the next call
    }
    this.slices.commit();
    if (!last) return;
    this.wal.removeSegmentsBefore(this.slices.end());
    this.completed++;
  }

  /**
   * A checkpoint of the whole head at once, in one transaction. One under way is replaced by it: its rotation is
   * older, and every open chunk and waiting chunk is written here.
   * @throws the database's error (the WAL is kept), or StoreError when the WAL cannot start a new segment.
   */
  async full(): Promise<void> {
    if (this.slices.active) this.slices.end();
    this.lastStartAt = this.now();
    const first = this.wal.rotate();
    await this.chunks.writeCheckpoint(this.head.all(), true);
    this.wal.removeSegmentsBefore(first);
    this.completed++;
  }
}
