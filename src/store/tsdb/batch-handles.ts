/**
 * The head series of a batch's samples, remembered from the previous batch of the same shape, so that an append
 * whose keys are the caller's (the series tracker hands the same key string per series on every scrape) finds
 * each sample's head series by one string identity check instead of a map lookup by key.
 *
 * A batch's shape is named by its first key (one scrape target's series start with the same one). An entry is
 * used only while the head has removed no series since it was recorded (`Head.epoch`), and per position only when
 * the key there is the same as then; everything else is looked up in the head as before, so the result never
 * differs from a lookup. Bounded: at most `maxPositions` remembered positions over all entries (beyond it the
 * memo starts over).
 */
import type { Head, HeadSeries } from './head.ts';

interface Entry {
  readonly keys: readonly (string | undefined)[];
  readonly series: readonly (HeadSeries | undefined)[];
  readonly epoch: number;
}

/** Default bound on remembered positions (two pointers each: about 16 MB at most). */
export const DEFAULT_MEMO_POSITIONS = 1_000_000;

/** Remembered head series per batch shape (see the file header). */
export class BatchHandleMemo {
  private readonly entries = new Map<string, Entry>();
  private positions = 0;
  private readonly maxPositions: number;

  constructor(maxPositions = DEFAULT_MEMO_POSITIONS) {
    this.maxPositions = maxPositions;
  }

  /** Positions remembered now (never above the bound). */
  get size(): number {
    return this.positions;
  }

  /**
   * Fills `found[i]` with the head series of `keys[i]` (undefined where the head has none) for every defined key.
   * @returns how many positions were answered from the memo (the rest were looked up in the head).
   */
  resolve(head: Head, keys: readonly (string | undefined)[], found: (HeadSeries | undefined)[]): number {
    const first = keys[0];
    const e = first === undefined ? undefined : this.entries.get(first);
    const mk = e !== undefined && e.epoch === head.epoch ? e.keys : undefined;
    const ms = e?.series;
    let hits = 0;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      if (mk !== undefined && i < mk.length && mk[i] === key) {
        const hs = ms![i];
        if (hs !== undefined) {
          found[i] = hs;
          hits++;
          continue;
        }
      }
      found[i] = head.get(key);
    }
    return hits;
  }

  /** Remembers the resolved series of a batch (arrays are kept, not copied: the caller must not change them). */
  remember(
    head: Head,
    keys: readonly (string | undefined)[],
    series: readonly (HeadSeries | undefined)[],
  ): void {
    const first = keys[0];
    if (first === undefined || keys.length > this.maxPositions) return;
    const old = this.entries.get(first);
    if (old !== undefined) this.positions -= old.keys.length;
    if (this.positions + keys.length > this.maxPositions) {
      this.entries.clear();
      this.positions = 0;
    }
    this.entries.set(first, { keys, series, epoch: head.epoch });
    this.positions += keys.length;
  }
}
