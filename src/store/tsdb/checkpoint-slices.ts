/**
 * Progress of the chunked store's incremental checkpoint (tsdb-store.ts): once the WAL has moved to a new segment,
 * the series that had an open chunk at that moment are written as provisional rows a slice at a time, one slice
 * per store turn, so appends interleave instead of waiting behind the whole head. A slice holds at most
 * `checkpointSliceSeries` series and `checkpointSliceBytes` of open-chunk bytes (at least one series). The store
 * deletes the WAL segments before the rotation only after the last slice, which also writes the cut chunks waiting
 * in memory, is committed.
 *
 * Why a slice may write the series' open chunk as it is when the slice runs rather than as it was at the rotation:
 * the chunk then holds every sample logged before the rotation (appends only add samples; a cut hands the older
 * samples to the waiting chunks, which the last slice writes; retention drops only samples it deletes anyway), and
 * the samples after the rotation it also holds are in the newer WAL segment as well, which replay drops as
 * duplicates of the written row. Series that get an open chunk after the rotation hold no sample of the older
 * segments and are not written.
 *
 * Pure state, no I/O.
 */
import type { HeadSeries } from './head.ts';

/** Bounds of one slice (see TsdbOptions). */
export interface CheckpointSliceLimits {
  /** Series written per slice at most. */
  readonly checkpointSliceSeries: number;
  /** Open-chunk bytes (format 1, before compaction) written per slice at most, unless one series alone is larger. */
  readonly checkpointSliceBytes: number;
}

/** The series left to write of the checkpoint under way, and the WAL segment it started. */
export class CheckpointSlices {
  private series: HeadSeries[] = [];
  /** Index of the first series not yet written. */
  private next = 0;
  /** Index after the slice last taken (becomes `next` when that slice is committed). */
  private taken = 0;
  private first: number | undefined;

  constructor(private readonly limits: CheckpointSliceLimits) {}

  /** Whether a checkpoint is under way. */
  get active(): boolean {
    return this.first !== undefined;
  }

  /** Series of the checkpoint under way not written yet (some may have lost their open chunk since); 0 when none. */
  get remaining(): number {
    return this.series.length - this.next;
  }

  /**
   * Starts a checkpoint whose WAL rotation made `firstSegment` the first segment to keep, over the series of `all`
   * that hold samples now.
   */
  begin(all: Iterable<HeadSeries>, firstSegment: number): void {
    const series: HeadSeries[] = [];
    for (const s of all) if ((s.app?.count ?? 0) > 0) series.push(s);
    this.series = series;
    this.next = 0;
    this.taken = 0;
    this.first = firstSegment;
  }

  /**
   * The next slice: from the first series not yet written, those still holding samples, up to the limits. Call
   * {@link commit} once it is written; a slice taken again without a commit starts at the same series.
   */
  take(): HeadSeries[] {
    const out: HeadSeries[] = [];
    const { checkpointSliceSeries: maxSeries, checkpointSliceBytes: maxBytes } = this.limits;
    let bytes = 0;
    let i = this.next;
    for (; i < this.series.length && out.length < maxSeries; i++) {
      const s = this.series[i]!;
      const app = s.app;
      if (app === undefined || app.count === 0) continue; // cut (now waiting or written) or dropped by retention
      const b = app.encodedBytes;
      if (out.length > 0 && bytes + b > maxBytes) break;
      out.push(s);
      bytes += b;
    }
    this.taken = i;
    return out;
  }

  /** Whether the slice last taken reaches the end (it must then also write the waiting cut chunks). */
  get lastTaken(): boolean {
    return this.taken >= this.series.length;
  }

  /** Marks the slice last taken as written. */
  commit(): void {
    this.next = this.taken;
  }

  /**
   * Ends the checkpoint (completed, or replaced by one that writes the whole head) and returns the first WAL segment
   * it keeps. @throws Error when no checkpoint is under way.
   */
  end(): number {
    const first = this.first;
    if (first === undefined) throw new Error('no checkpoint under way');
    this.series = [];
    this.next = 0;
    this.taken = 0;
    this.first = undefined;
    return first;
  }
}
