/**
 * What one admission of the series tracker (series-tracker.ts) changed, to undo it (`AdmitResult.revert`): per
 * changed series (in order of first change) its state, whether the admission created it, and its last timestamp and
 * value before and its last timestamp after the admission. The records are sized for a batch at once, so recording a
 * change allocates nothing, and an admission that is settled (stored, never to be reverted) hands its records back
 * for a later admission of the same size or smaller to write over: a steady scrape allocates none.
 */

/** The numbers of a tracked series an admission changes (its last sample). */
export interface ChangedSeries {
  readonly lastTs: number;
  readonly lastValue: number;
}

/** The change records of one admission (see the file comment). */
export interface SeriesChanges<S extends ChangedSeries> {
  /** Changed series `j` at `j` (for `j` < `count`); `undefined` beyond. */
  readonly states: (S | undefined)[];
  /** 1 where the admission created the series. */
  readonly created: Uint8Array;
  /** `[beforeTs, beforeValue, afterTs]` of change `j` at `3j`, `3j + 1`, `3j + 2`. */
  readonly numbers: Float64Array;
  /** Changes recorded. */
  count: number;
}

/** Records series `st` as changed by the running admission (`created` 1 when the admission created it). */
export function recordChange<S extends ChangedSeries>(
  changes: SeriesChanges<S>,
  st: S,
  created: 0 | 1,
): void {
  const j = changes.count++;
  changes.states[j] = st;
  changes.created[j] = created;
  changes.numbers[3 * j] = st.lastTs;
  changes.numbers[3 * j + 1] = st.lastValue;
}

/** Notes every changed series' last timestamp after the admission (the check that a later one has not moved it on). */
export function sealChanges<S extends ChangedSeries>(changes: SeriesChanges<S>): void {
  for (let j = 0; j < changes.count; j++) changes.numbers[3 * j + 2] = changes.states[j]!.lastTs;
}

/** Settled change records kept for reuse at most (a few targets' scrapes in flight at once). */
export const SPARE_CHANGE_RECORDS = 4;

/** Records of a batch larger than this many samples are not kept for reuse (a large pushed batch: ~33 B each). */
export const MAX_KEPT_CHANGES = 65_536;

/**
 * Change records handed out per admission and taken back once it settled; at most {@link SPARE_CHANGE_RECORDS}
 * spare records of at most {@link MAX_KEPT_CHANGES} changes each are kept (about 8.6 MB at most, in practice a few
 * times a target's batch size).
 */
export class ChangeRecords<S extends ChangedSeries> {
  private readonly spare: SeriesChanges<S>[] = [];

  /** Spare records kept now. */
  get spareCount(): number {
    return this.spare.length;
  }

  /** Empty records for a batch of `n` samples (a spare one at least that large, or new ones). */
  take(n: number): SeriesChanges<S> {
    for (let k = this.spare.length - 1; k >= 0; k--) {
      const c = this.spare[k]!;
      if (c.created.length < n) continue;
      this.spare[k] = this.spare[this.spare.length - 1]!;
      this.spare.pop();
      return c;
    }
    return {
      states: new Array<S | undefined>(n),
      created: new Uint8Array(n),
      numbers: new Float64Array(3 * n),
      count: 0,
    };
  }

  /**
   * Takes back the records of an admission that will not be reverted (or was): they no longer hold its series, and a
   * later {@link take} writes over them. The caller must not read them afterwards.
   */
  give(changes: SeriesChanges<S>): void {
    if (this.spare.length >= SPARE_CHANGE_RECORDS || changes.created.length > MAX_KEPT_CHANGES) return;
    const states = changes.states;
    for (let j = 0; j < changes.count; j++) states[j] = undefined;
    changes.count = 0;
    this.spare.push(changes);
  }
}
