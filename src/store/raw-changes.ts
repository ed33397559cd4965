/**
 * What a store tells readers that keep raw samples they read (src/monitor/incremental-reads.ts): which stored
 * samples may have changed under a read already made. Samples stored in order (after their series' latest stored
 * timestamp) only ever add points after everything a read returned for that series, so a reader extends what it
 * kept from its last point on; what this interface reports is the rest: samples stored before their series'
 * latest timestamp (late samples: out-of-order scrapes, remote write, backfill), and samples retention deleted.
 * Stores without it (rows layout, in-memory, VictoriaMetrics) are read in full every time.
 */
import type { SampleStore } from './types.ts';

/** Change tracking of a store's raw samples (see the file header). */
export interface RawChangeTracking {
  /**
   * Changes whenever late samples were stored (before their series' latest stored timestamp). Read it before a
   * read; the samples that read returns are then complete as far as {@link rawLateUnchangedSince} with this
   * value tells.
   */
  readonly rawLateEpoch: number;
  /**
   * Whether no late sample stored after late epoch `since` (up to the current one) has a timestamp in
   * [fromMs, toMs] and belongs to a series in `ids`; false when that cannot be told (the store's bounded log of
   * late writes dropped some).
   */
  rawLateUnchangedSince(since: number, ids: readonly number[], fromMs: number, toMs: number): boolean;
  /** Samples before this time (Unix ms) may have been deleted by retention (−Infinity: none yet). */
  readonly rawDeletedBeforeMs: number;
}

/** The store's change tracking of raw samples, when it has it. */
export function rawChangesOf(
  store: SampleStore | (SampleStore & RawChangeTracking),
): RawChangeTracking | undefined {
  return 'rawLateUnchangedSince' in store && typeof store.rawLateUnchangedSince === 'function'
    ? store
    : undefined;
}
