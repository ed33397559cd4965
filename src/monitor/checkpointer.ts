/**
 * Cold start of the detection engine: restores the detectors' learned state from the store at startup,
 * checkpoints what changed since (in bounded batches, one checkpoint at a time) on a timer and once more at
 * shutdown, and drops restored states whose series never came back. The engine decides what a snapshot is
 * worth (a refused one starts its series cold, built with the series' labels as any cold start).
 */
import type { DetectionEngine } from './detection-engine.ts';
import type { DetectorStateStore } from '../store/types.ts';
import type { MonitorLog } from './log.ts';

/** Detector states per store write at a checkpoint (default). */
export const CHECKPOINT_BATCH = 1000;

/** What the checkpointer needs of the engine. */
export type CheckpointEngine = Pick<
  DetectionEngine,
  'snapshots' | 'persistenceStats' | 'seed' | 'dropRestored'
>;

/** Options of {@link DetectorCheckpointer}. */
export interface CheckpointerOptions {
  readonly engine: CheckpointEngine;
  readonly store: DetectorStateStore;
  /** Wall clock, Unix ms (the checkpoint time stored with each state). */
  readonly clock: () => number;
  readonly log: MonitorLog;
  /** Most states loaded at startup (the engine's series limit). */
  readonly maxSeries: number;
  /** States per store write (default {@link CHECKPOINT_BATCH}). */
  readonly batchSize?: number;
  /** Restored states still unused this long after the checkpointer was built are dropped (ms). */
  readonly dropUnusedAfterMs: number;
}

/** What one restore did. */
export interface RestoreSummary {
  readonly loaded: number;
  readonly kept: number;
  readonly malformed: number;
  /** True when loading failed (detection starts cold). */
  readonly failed: boolean;
}

/** What one checkpoint did. */
export interface CheckpointSummary {
  readonly saved: number;
  /** States the store refused (too large, not serialisable). */
  readonly refused: number;
  /** True when a store write failed (the states of that batch are not saved). */
  readonly failed: boolean;
}

/** Restores and checkpoints one engine's detector states. */
export class DetectorCheckpointer {
  private readonly opts: CheckpointerOptions;
  private readonly batchSize: number;
  private readonly createdAtMs: number;
  private running: Promise<CheckpointSummary> | null = null;
  private rejectedLogged = 0;
  private stopped = false;
  private held: ReadonlySet<string> = new Set();

  /** @throws RangeError when `batchSize` or `maxSeries` is not a positive integer. */
  constructor(opts: CheckpointerOptions) {
    const batchSize = opts.batchSize ?? CHECKPOINT_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1)
      throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(opts.maxSeries) || opts.maxSeries < 1)
      throw new RangeError(`maxSeries must be a positive integer, got ${opts.maxSeries}`);
    this.opts = opts;
    this.batchSize = batchSize;
    this.createdAtMs = opts.clock();
  }

  /**
   * Loads at most `maxSeries` stored states (newest first) and seeds the engine with them. Never throws: a
   * failed load is logged and detection starts cold.
   */
  async restore(): Promise<RestoreSummary> {
    const { engine, store, log } = this.opts;
    try {
      const loaded = await store.loadDetectorStates(this.opts.maxSeries);
      this.held = new Set(loaded.rows.filter((r) => r.hold !== undefined).map((r) => r.seriesKey));
      const kept = engine.seed(
        loaded.rows.map((r) => ({
          key: r.seriesKey,
          snapshot: { detector: r.detector, version: r.version, state: r.state },
          ...(r.hold !== undefined ? { hold: r.hold } : {}),
        })),
      );
      if (loaded.malformed > 0)
        log.warn({ count: loaded.malformed }, 'malformed stored detector states skipped');
      log.info({ loaded: loaded.rows.length, kept, malformed: loaded.malformed }, 'detector states restored');
      return { loaded: loaded.rows.length, kept, malformed: loaded.malformed, failed: false };
    } catch (e) {
      log.error({ err: e }, 'loading detector states failed; detection starts cold');
      return { loaded: 0, kept: 0, malformed: 0, failed: true };
    }
  }

  /**
   * Series keys of the states the last {@link restore} loaded with the held band of an open anomaly (at most
   * `maxSeries`): the open anomalies the restarted engine can still resolve (AnomalySink.restoreOpen).
   */
  heldKeys(): ReadonlySet<string> {
    return this.held;
  }

  /**
   * Saves the states changed since the last checkpoint, in batches of `batchSize`: one pass over the series
   * changed so far (bounded even while scrapes keep changing them). While a checkpoint runs, calls join it.
   * Never throws (failures are logged and reported in the summary). After {@link stop}, does nothing.
   */
  checkpoint(): Promise<CheckpointSummary> {
    if (this.stopped) return Promise.resolve({ saved: 0, refused: 0, failed: false });
    return this.run(false);
  }

  /** Waits for a running checkpoint, then checkpoints once more (the final one); later calls do nothing. */
  async stop(): Promise<CheckpointSummary> {
    if (this.stopped) return { saved: 0, refused: 0, failed: false };
    this.stopped = true;
    await this.running;
    return this.run(true);
  }

  /**
   * Drops restored states still waiting for their series once `dropUnusedAfterMs` passed since startup (their
   * series will start cold if they ever appear). Returns how many were dropped.
   */
  dropUnused(nowMs: number): number {
    const { engine, log } = this.opts;
    if (
      nowMs - this.createdAtMs < this.opts.dropUnusedAfterMs ||
      engine.persistenceStats().pendingRestore === 0
    )
      return 0;
    const count = engine.dropRestored();
    log.info({ count }, 'restored detector states of series not seen since startup dropped');
    return count;
  }

  private run(final: boolean): Promise<CheckpointSummary> {
    this.running ??= this.save(final).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async save(final: boolean): Promise<CheckpointSummary> {
    const { engine, store, log } = this.opts;
    const t = Math.floor(this.opts.clock());
    let saved = 0;
    let refused = 0;
    let failed = false;
    try {
      const rounds = Math.ceil(engine.persistenceStats().pendingCheckpoint / this.batchSize);
      for (let i = 0; i < rounds; i++) {
        const batch = engine.snapshots(this.batchSize);
        if (batch.length === 0) break;
        const res = await store.saveDetectorStates(
          batch.map(({ key, snapshot, hold }) => ({
            seriesKey: key,
            detector: snapshot.detector,
            version: snapshot.version,
            state: snapshot.state,
            updatedAtMs: t,
            ...(hold !== undefined ? { hold } : {}),
          })),
        );
        saved += res.saved;
        refused += res.rejected.length;
        if (res.rejected.length > 0)
          log.warn(
            { count: res.rejected.length, err: res.rejected[0]!.error },
            'detector states not checkpointed',
          );
      }
    } catch (e) {
      failed = true;
      log.error({ err: e }, 'checkpointing detector states failed');
    }
    const ps = engine.persistenceStats();
    if (ps.rejected > this.rejectedLogged) {
      log.warn(
        { count: ps.rejected - this.rejectedLogged, lastError: ps.lastError },
        'restored detector states refused; those series started cold',
      );
      this.rejectedLogged = ps.rejected;
    }
    const counts = {
      saved,
      refused,
      restored: ps.restored,
      pendingRestore: ps.pendingRestore,
      snapshotFailed: ps.snapshotFailed,
    };
    if (failed) return { saved, refused, failed };
    if (final) log.info(counts, 'detector states checkpointed at shutdown');
    else log.debug(counts, 'detector states checkpointed');
    return { saved, refused, failed };
  }
}
