/**
 * The recent rollup writes, for the range-query result cache (result-cache.ts, range-query.ts): per write, the
 * series and the bucket range [fromMs, toMs) it replaced, stamped with the rollup rows' write epoch after it
 * (row-cache.ts `writeEpoch`). A cached result computed under epoch E stays valid when no write logged after E
 * touches one of its series inside the buckets its steps read; a rollup pass that only moves the watermark
 * (writing buckets at and after the old one) leaves every cached step valid, and a late sample's hour rolled up
 * again invalidates only the results over that series and hour.
 *
 * Bounded: at most {@link MAX_LOGGED_WRITES} writes and {@link MAX_LOGGED_IDS} series ids in all; the oldest
 * are dropped first, and a result older than the oldest kept write is then treated as stale. Epoch bumps that
 * were not logged (a writer that did not report its range) make every older result stale.
 *
 * @see VictoriaMetrics keeps cached rollup results until the data under them changes and resets the cache
 *   when samples older than the cached range arrive (`-search.cacheTimestampOffset`),
 *   https://docs.victoriametrics.com/single-server-victoriametrics/#rollup-result-cache
 */

/** Writes kept at most. */
export const MAX_LOGGED_WRITES = 4096;
/** Series ids kept at most over all logged writes. */
export const MAX_LOGGED_IDS = 1_000_000;

interface LoggedWrite {
  /** Write epoch after the write. */
  readonly epoch: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly ids: readonly number[];
}

/** The log (see the file header). */
export class RollupWriteLog {
  private readonly writes: LoggedWrite[] = [];
  private head = 0;
  private ids = 0;
  /** Results computed under an epoch below this cannot be checked (their writes were dropped). */
  private floor = 0;
  /** The write epoch the log accounts for (every bump up to it is logged). */
  private loggedEpoch = 0;

  /**
   * Logs a write of the buckets [fromMs, toMs) of `ids` (both resolutions) that left the write epoch at
   * `epoch`; earlier unlogged bumps are covered by it (the record is conservative for them).
   */
  record(ids: readonly number[], fromMs: number, toMs: number, epoch: number): void {
    this.writes.push({ epoch, fromMs, toMs, ids: ids.slice() });
    this.ids += ids.length;
    this.loggedEpoch = epoch;
    while (this.writes.length - this.head > MAX_LOGGED_WRITES || this.ids > MAX_LOGGED_IDS) {
      const w = this.writes[this.head++]!;
      this.ids -= w.ids.length;
      this.floor = w.epoch;
    }
    if (this.head > 1024 && this.head * 2 > this.writes.length) {
      this.writes.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Writes held now (for tests of the bound). */
  get size(): number {
    return this.writes.length - this.head;
  }

  /** Series ids held now over all writes (for tests of the bound). */
  get idCount(): number {
    return this.ids;
  }

  /**
   * Whether no rollup write after epoch `since` (up to `now`, the current write epoch) touched a bucket in
   * [fromMs, toMs] of a series in `ids`. False when that cannot be told (writes dropped or not logged).
   */
  unchangedSince(since: number, now: number, ids: readonly number[], fromMs: number, toMs: number): boolean {
    if (since === now) return true;
    if (since > now || this.loggedEpoch !== now || since < this.floor) return false;
    let set: Set<number> | undefined;
    for (let i = this.writes.length - 1; i >= this.head; i--) {
      const w = this.writes[i]!;
      if (w.epoch <= since) break;
      if (w.fromMs > toMs || w.toMs <= fromMs) continue;
      set ??= new Set(ids);
      for (const id of w.ids) if (set.has(id)) return false;
    }
    return true;
  }
}
