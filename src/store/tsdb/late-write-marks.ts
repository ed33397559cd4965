/**
 * The chunked store's record of late samples (src/store/raw-changes.ts `RawChangeTracking`): a late epoch bumped
 * with every batch that stores samples before their series' latest timestamp, each such batch logged with its
 * series and time range in a bounded log of writes (write-log.ts, the same log the rollup rows keep), and the
 * time before which retention may have deleted samples. In memory only: a reopened store starts again at epoch
 * 0 and its readers start with full reads.
 */
import { RollupWriteLog } from './write-log.ts';

/** Late writes and retention cutoffs of the raw samples (see the file header). */
export class LateWriteMarks {
  private epoch = 0;
  private deletedBefore = -Infinity;
  private readonly log = new RollupWriteLog();

  /** The current late epoch. */
  get lateEpoch(): number {
    return this.epoch;
  }

  /** Samples before this time may have been deleted (−Infinity: none yet). */
  get deletedBeforeMs(): number {
    return this.deletedBefore;
  }

  /**
   * Records the late samples of a batch, timestamps `t` per series (`id`); call in the same synchronous run that
   * makes them visible to reads. Nothing is recorded without samples.
   */
  noteLate(late: ReadonlyMap<{ readonly id: number }, { readonly t: readonly number[] }>): void {
    const ids: number[] = [];
    let lo = Infinity;
    let hi = -Infinity;
    for (const [s, l] of late) {
      if (l.t.length === 0) continue;
      ids.push(s.id);
      for (const t of l.t) {
        lo = Math.min(lo, t);
        hi = Math.max(hi, t);
      }
    }
    if (ids.length > 0) this.log.record(ids, lo, hi + 1, ++this.epoch);
  }

  /** Records that samples before `cutoffMs` may be deleted from now on. */
  noteDeletedBefore(cutoffMs: number): void {
    if (cutoffMs > this.deletedBefore) this.deletedBefore = cutoffMs;
  }

  /** See `RawChangeTracking.rawLateUnchangedSince`. */
  unchangedSince(since: number, ids: readonly number[], fromMs: number, toMs: number): boolean {
    return this.log.unchangedSince(since, this.epoch, ids, fromMs, toMs);
  }

  /** Writes and series ids the log holds (for tests of its bound). */
  get logSize(): { writes: number; ids: number } {
    return { writes: this.log.size, ids: this.log.idCount };
  }
}
