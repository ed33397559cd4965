/**
 * Detector snapshots as the detection engine checkpoints and restores them: the per-series entry, the engine's
 * persistence counters, and the checks a snapshot passes before a detector may restore from it.
 */
import type {
  DetectorSnapshot,
  PersistentDetector,
  StreamingDetector,
} from '../analysis/anomaly/detector.ts';
import type { HeldBand } from '../store/types.ts';

/** The snapshot of one derived series' detector (a checkpoint entry, or a restored one to seed). */
export interface SeriesSnapshot {
  readonly key: string;
  readonly snapshot: DetectorSnapshot;
  /** The band of the series' open anomaly (detection-hold.ts), when one is open with a finite band. */
  readonly hold?: HeldBand;
}

/** Counters of checkpointing and restoring since the engine was built. */
export interface PersistenceStats {
  /** Restored snapshots waiting for their series to appear (at most `maxSeries`). */
  readonly pendingRestore: number;
  /** Series whose detector resumed from a restored snapshot. */
  readonly restored: number;
  /**
   * Restored snapshots refused: malformed, for another detector or version, or for a detector that cannot
   * restore. Their series started cold.
   */
  readonly rejected: number;
  /** Seeded snapshots not kept: beyond the `maxSeries` cap, for a series that already had live state, or dropped unused. */
  readonly dropped: number;
  /** Detectors whose `snapshot()` threw at a checkpoint (not checkpointed). */
  readonly snapshotFailed: number;
  /** Series with changes not yet handed out by `snapshots()`. */
  readonly pendingCheckpoint: number;
  /** Message of the last refused snapshot or failed `snapshot()`, for the log. */
  readonly lastError: string | undefined;
}

/** Whether `d` implements `PersistentDetector` (snapshot() and restore()). */
export function isPersistentDetector(d: StreamingDetector): d is PersistentDetector {
  const p = d as Partial<PersistentDetector>;
  return 'snapshot' in d && typeof p.snapshot === 'function' && typeof p.restore === 'function';
}

/** Why `e` is not a well-formed snapshot entry, or undefined when it is. */
export function snapshotShapeError(e: SeriesSnapshot): string | undefined {
  if (typeof e.key !== 'string' || e.key.length === 0) return 'series key must be a non-empty string';
  const s = e.snapshot as Partial<DetectorSnapshot> | null | undefined;
  if (typeof s !== 'object' || s === null) return `snapshot of ${e.key} is not an object`;
  if (typeof s.detector !== 'string' || s.detector.length === 0)
    return `snapshot of ${e.key} has no detector name`;
  if (!Number.isSafeInteger(s.version)) return `snapshot of ${e.key} has no integer version`;
  if (!('state' in s)) return `snapshot of ${e.key} has no state`;
  return undefined;
}
