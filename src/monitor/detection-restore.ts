/**
 * Checkpointing and restoring of the detection engine's detectors (detection-engine.ts): the snapshots loaded at
 * startup waiting for their series, the keys of detectors changed since their last checkpoint, and the counters
 * of both. `seed(entries)` keeps restored snapshots (at most `maxSeries`) until their series appears, whose
 * detector then starts from the snapshot instead of warming up; `snapshots(max)` hands out the snapshots of
 * detectors that learned something since they were last handed out (oldest change first). A snapshot the detector
 * refuses (malformed, another detector or version) is counted and the series starts cold with a fresh detector.
 *
 * A snapshot may carry the held band of an anomaly open at the checkpoint (detection-hold.ts); the restarted
 * engine keeps that anomaly open and resolves it when the series is back inside the band. When such a snapshot
 * is not used — refused, dropped at the limit, or its series never came back ({@link DetectorRestore.dropRestored})
 * — nothing would ever resolve the anomaly, so its key is kept as released ({@link DetectorRestore.takeReleased})
 * and the engine resolves it with the reason {@link RESTARTED_WITHOUT_STATE}. No I/O.
 */
import type { DetectorSnapshot, StreamingDetector } from '../analysis/anomaly/detector.ts';
import {
  isPersistentDetector,
  snapshotShapeError,
  type PersistenceStats,
  type SeriesSnapshot,
} from './detector-snapshots.ts';
import type { HeldBand } from '../store/types.ts';
import type { AnomalyResolution } from '../model/anomaly.ts';

/**
 * The resolution reason of an anomaly open when the monitor stopped whose state did not come back with the
 * restart (no checkpointed band, a snapshot the detector refused, or a series not seen since): the monitor can no
 * longer tell when its series is back, so the anomaly is closed rather than left open forever.
 */
export const RESTARTED_WITHOUT_STATE = 'monitor restarted without its state' satisfies AnomalyResolution;

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * A series the checkpoint tracks (the engine's per-series state): its key, and whether it waits among the series
 * changed since their last checkpoint. `dirty` is written by {@link DetectorRestore} only.
 */
export interface CheckpointMark {
  readonly key: string;
  dirty: boolean;
}

/**
 * Restored snapshots and checkpoint bookkeeping of one engine. Memory: restored snapshots waiting for their
 * series, at most `maxSeries`; keys of series changed since their last checkpoint, at most the number of series.
 */
export class DetectorRestore {
  /** Restored snapshots (with the held band of an open anomaly) by series key, consumed when the series appears. */
  private readonly restoredSnapshots = new Map<string, SeriesSnapshot>();
  /**
   * Series of persistent detectors updated since their last snapshot, in order of first change, from
   * `queueStart` on: each at most once (its `dirty` flag says whether it is queued), so at most the number of
   * series.
   */
  private readonly queue: CheckpointMark[] = [];
  private queueStart = 0;
  /** Keys of restored snapshots with a held band that will not be used (see the module comment); <= maxSeries. */
  private readonly released = new Set<string>();
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

  /**
   * Notes that the persistent detector of series `m` learned something since its last checkpoint (a flag on the
   * series and one queue entry per checkpoint interval, instead of a set lookup per update; the engine skips the
   * call while `m.dirty` holds).
   */
  markDirty(m: CheckpointMark): void {
    if (m.dirty) return;
    m.dirty = true;
    this.queue.push(m);
  }

  /** Drops the restored snapshot of `key`, if any (its series has no detector to restore), counted. */
  dropFor(key: string): void {
    const entry = this.restoredSnapshots.get(key);
    if (entry === undefined) return;
    this.restoredSnapshots.delete(key);
    this.droppedCount++;
    this.release(entry);
  }

  /**
   * Keys of restored snapshots with a held band that were refused or dropped since the last call (their open
   * anomalies resolve with {@link RESTARTED_WITHOUT_STATE}); at most `maxSeries`. Clears the list.
   */
  takeReleased(): string[] {
    if (this.released.size === 0) return [];
    const out = [...this.released];
    this.released.clear();
    return out;
  }

  private release(entry: Pick<SeriesSnapshot, 'key' | 'hold'> | undefined): void {
    if (entry?.hold === undefined || typeof entry.key !== 'string') return;
    if (this.released.size < this.maxSeries) this.released.add(entry.key);
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
        this.release(e);
        continue;
      }
      if (live(e.key)) {
        this.droppedCount++;
        continue;
      }
      if (!this.restoredSnapshots.has(e.key) && this.restoredSnapshots.size >= this.maxSeries) {
        this.droppedCount++;
        this.release(e);
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
    for (const e of this.restoredSnapshots.values()) this.release(e);
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
    const q = this.queue;
    while (this.queueStart < q.length && out.length < max) {
      const m = q[this.queueStart++]!;
      m.dirty = false;
      const key = m.key;
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
    if (this.queueStart === q.length) {
      q.length = 0;
      this.queueStart = 0;
    } else if (this.queueStart * 2 > q.length) {
      q.splice(0, this.queueStart);
      this.queueStart = 0;
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
      pendingCheckpoint: this.queue.length - this.queueStart,
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
      this.release(entry);
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
      this.release(entry);
      return cold();
    }
  }
}
