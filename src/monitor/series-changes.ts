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

/** Records for more than this many changes are not kept for reuse (a large pushed batch; ~33 B per change). */
export const MAX_KEPT_CHANGES = 65_536;

/**
 * Room for changes a new record has for a batch of `n` samples: a quarter more, so the next scrape of a target whose
 * body grew a little (new series) still fits.
 */
export function recordCapacity(n: number): number {
  return n + Math.ceil(n / 4);
}

/**
 * Change records handed out per admission and taken back once it settled; at most {@link SPARE_CHANGE_RECORDS}
 * spare records of at most {@link MAX_KEPT_CHANGES} changes each are kept (about 8.6 MB at most, in practice a few
 * times a target's batch size). The smallest spare that holds a batch is handed out; when the spares are full, a
 * record given back replaces the smallest one if it is larger, so the spares follow the largest batches.
 */
export class ChangeRecords<S extends ChangedSeries> {
  private readonly spare: SeriesChanges<S>[] = [];

  /** Spare records kept now. */
  get spareCount(): number {
    return this.spare.length;
  }

  /** Empty records for a batch of `n` samples (a spare one at least that large, or new ones). */
  take(n: number): SeriesChanges<S> {
    const spare = this.spare;
    let best = -1;
    for (let k = 0; k < spare.length; k++) {
      const size = spare[k]!.created.length;
      if (size >= n && (best < 0 || size < spare[best]!.created.length)) best = k;
    }
    if (best >= 0) {
      const c = spare[best]!;
      spare[best] = spare[spare.length - 1]!;
      spare.pop();
      return c;
    }
    const cap = recordCapacity(n);
    return {
      states: new Array<S | undefined>(cap),
      created: new Uint8Array(cap),
      numbers: new Float64Array(3 * cap),
      count: 0,
    };
  }

  /**
   * Takes back the records of an admission that will not be reverted (or was): they no longer hold its series, and a
   * later {@link take} writes over them. The caller must not read them afterwards.
   */
  give(changes: SeriesChanges<S>): void {
    const size = changes.created.length;
    if (size > MAX_KEPT_CHANGES) return;
    const spare = this.spare;
    let slot = spare.length;
    if (slot >= SPARE_CHANGE_RECORDS) {
      slot = 0;
      for (let k = 1; k < spare.length; k++)
        if (spare[k]!.created.length < spare[slot]!.created.length) slot = k;
      if (spare[slot]!.created.length >= size) return;
    }
    const states = changes.states;
    for (let j = 0; j < changes.count; j++) states[j] = undefined;
    changes.count = 0;
    spare[slot] = changes;
  }

  /** The number of changes each spare record holds (for tests). */
  spareSizes(): number[] {
    return this.spare.map((c) => c.created.length);
  }
}
