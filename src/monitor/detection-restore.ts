/**
 * Checkpointing and restoring of the detection engine's detectors (detection-engine.ts): the snapshots loaded at
 * startup waiting for their series, the keys of detectors changed since their last checkpoint, and the counters
 * of both. `seed(entries)` keeps restored snapshots (at most `maxSeries`) until their series appears, whose
 * detector then starts from the snapshot instead of warming up; `snapshots(max)` hands out the snapshots of
 * detectors that learned something since they were last handed out (oldest change first). A snapshot the detector
 * refuses (malformed, another detector or version) is counted and the series starts cold with a fresh detector.
 * No I/O.
 */
import type { DetectorSnapshot, StreamingDetector } from '../analysis/anomaly/detector.ts';
import {
  isPersistentDetector,
  snapshotShapeError,
  type PersistenceStats,
  type SeriesSnapshot,
} from './detector-snapshots.ts';
import type { HeldBand } from '../store/types.ts';

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Restored snapshots and checkpoint bookkeeping of one engine. Memory: restored snapshots waiting for their
 * series, at most `maxSeries`; keys of series changed since their last checkpoint, at most the number of series.
 */
export class DetectorRestore {
  /** Restored snapshots (with the held band of an open anomaly) by series key, consumed when the series appears. */
  private readonly restoredSnapshots = new Map<string, SeriesSnapshot>();
  /** Keys of persistent detectors updated since their last snapshot, in order of first change. */
  private readonly dirty = new Set<string>();
  private restoredCount = 0;
  private rejectedCount = 0;
  private droppedCount = 0;
  private snapshotFailedCount = 0;
  private lastError: string | undefined;

  /** @param maxSeries the engine's series limit (restored snapshots kept at most) */
  constructor(private readonly maxSeries: number) {}

  /** Series whose detector resumed from a restored snapshot so far. */
  get restored(): number {
    return this.restoredCount;
  }

  /** Notes that the persistent detector of `key` learned something since its last checkpoint. */
  markDirty(key: string): void {
    this.dirty.add(key);
  }

  /** Drops the restored snapshot of `key`, if any (its series has no detector to restore), counted. */
  dropFor(key: string): void {
    if (this.restoredSnapshots.delete(key)) this.droppedCount++;
  }

  /**
   * See `DetectionEngine.seed`: kept at most `maxSeries` in all; entries for which `live(key)` holds are dropped;
   * a later entry for the same key replaces the earlier one; malformed entries are refused and counted.
   */
  seed(entries: readonly SeriesSnapshot[], live: (key: string) => boolean): number {
    let kept = 0;
    for (const e of entries) {
      const bad = snapshotShapeError(e);
      if (bad !== undefined) {
        this.rejectedCount++;
        this.lastError = bad;
        continue;
      }
      if (
        live(e.key) ||
        (!this.restoredSnapshots.has(e.key) && this.restoredSnapshots.size >= this.maxSeries)
      ) {
        this.droppedCount++;
        continue;
      }
      this.restoredSnapshots.set(e.key, e);
      kept++;
    }
    return kept;
  }

  /** Drops every restored snapshot still waiting for its series. Returns how many. */
  dropRestored(): number {
    const n = this.restoredSnapshots.size;
    this.restoredSnapshots.clear();
    this.droppedCount += n;
    return n;
  }

  /**
   * Snapshots of at most `max` dirty keys whose detector (`detectorOf`) is persistent, the longest-waiting first;
   * a detector whose `snapshot()` throws is skipped and counted.
   * @throws RangeError when `max` is not a positive integer.
   */
  snapshots(
    max: number,
    detectorOf: (key: string) => StreamingDetector | null | undefined,
    holdOf: (key: string) => HeldBand | undefined = () => undefined,
  ): SeriesSnapshot[] {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`max must be a positive integer, got ${max}`);
    const out: SeriesSnapshot[] = [];
    for (const key of this.dirty) {
      if (out.length >= max) break;
      this.dirty.delete(key);
      const d = detectorOf(key);
      if (!d || !isPersistentDetector(d)) continue;
      try {
        const hold = holdOf(key);
        out.push({ key, snapshot: d.snapshot(), ...(hold !== undefined ? { hold } : {}) });
      } catch (e) {
        this.snapshotFailedCount++;
        this.lastError = `snapshot of ${key} failed: ${message(e)}`;
      }
    }
    return out;
  }

  /** Counters of checkpointing and restoring. */
  stats(): PersistenceStats {
    return {
      pendingRestore: this.restoredSnapshots.size,
      restored: this.restoredCount,
      rejected: this.rejectedCount,
      dropped: this.droppedCount,
      snapshotFailed: this.snapshotFailedCount,
      pendingCheckpoint: this.dirty.size,
      lastError: this.lastError,
    };
  }

  /**
   * A detector for the new series `key`: `cold()` restored from the series' snapshot when there is one and it is
   * accepted, else fresh (a second `cold()` after a failed restore, so a restore that failed half-way never leaves
   * a poisoned detector behind). `held` receives the held band of a snapshot the detector accepted.
   */
  create(key: string, cold: () => StreamingDetector, held?: (band: HeldBand) => void): StreamingDetector {
    const detector = cold();
    const entry = this.restoredSnapshots.get(key);
    if (entry === undefined) return detector;
    const snap: DetectorSnapshot = entry.snapshot;
    this.restoredSnapshots.delete(key);
    if (!isPersistentDetector(detector)) {
      this.rejectedCount++;
      this.lastError = `detector ${detector.name} of ${key} cannot restore a snapshot of ${snap.detector} v${snap.version}`;
      return detector;
    }
    try {
      detector.restore(snap);
      this.restoredCount++;
      if (entry.hold !== undefined) held?.(entry.hold);
      return detector;
    } catch (e) {
      this.rejectedCount++;
      this.lastError = `restoring ${snap.detector} v${snap.version} for ${key} failed: ${message(e)}`;
      return cold();
    }
  }
}
