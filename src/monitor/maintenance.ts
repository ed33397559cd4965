/**
 * One maintenance pass of the monitor (run every {@link MAINTENANCE_INTERVAL_MS}): forget series not seen for
 * {@link STALE_SERIES_MS}, apply sample retention, prune anomalies beyond the stored limit, delete detector
 * states older than the retention, and drop restored detector states whose series never came back. Each step
 * fails on its own (logged); the others still run.
 */
import type { AnomalyStore, DetectorStateStore, SampleStore } from '../store/types.ts';
import type { DetectorCheckpointer } from './checkpointer.ts';
import type { MonitorLog } from './log.ts';
import type { SeriesTracker } from './series-tracker.ts';

/** How often maintenance runs. */
export const MAINTENANCE_INTERVAL_MS = 60_000;
/** Series not seen for this long are forgotten by the tracker (and restored detector states still unused are dropped). */
export const STALE_SERIES_MS = 10 * 60_000;

/** What a maintenance pass works on. */
export interface MaintenanceDeps {
  readonly tracker: Pick<SeriesTracker, 'forgetOlderThan'>;
  readonly store: Pick<SampleStore, 'applyRetention'> &
    Pick<AnomalyStore, 'prune'> &
    Pick<DetectorStateStore, 'deleteDetectorStatesOlderThan'>;
  /** null when detection (and so checkpointing) is disabled. */
  readonly checkpointer: Pick<DetectorCheckpointer, 'dropUnused'> | null;
  readonly log: MonitorLog;
  /** Stored anomalies kept at most (`anomalies.maxStored`). */
  readonly maxAnomalies: number;
  /** Detector states checkpointed longer ago than this are deleted (`storage.retention`), ms. */
  readonly detectorStateRetentionMs: number;
}

/** What one pass did; a step that failed counts null. */
export interface MaintenanceSummary {
  readonly seriesForgotten: number;
  readonly samplesDeleted: number | null;
  readonly anomaliesPruned: number | null;
  readonly detectorStatesDeleted: number | null;
  readonly restoredDropped: number;
}

/** Runs one maintenance pass at `nowMs` (Unix ms). Never rejects: store failures are logged per step. */
export async function runMaintenance(deps: MaintenanceDeps, nowMs: number): Promise<MaintenanceSummary> {
  const { store, log } = deps;
  const step = async (what: string, p: () => Promise<number>): Promise<number | null> => {
    try {
      return await p();
    } catch (e) {
      log.error({ err: e }, what);
      return null;
    }
  };
  const seriesForgotten = deps.tracker.forgetOlderThan(nowMs - STALE_SERIES_MS);
  const [samplesDeleted, anomaliesPruned, detectorStatesDeleted] = await Promise.all([
    step('retention failed', () => store.applyRetention(nowMs)),
    step('anomaly pruning failed', () => store.prune(deps.maxAnomalies)),
    step('detector state cleanup failed', () =>
      store.deleteDetectorStatesOlderThan(nowMs - deps.detectorStateRetentionMs),
    ),
  ]);
  const restoredDropped = deps.checkpointer?.dropUnused(nowMs) ?? 0;
  return { seriesForgotten, samplesDeleted, anomaliesPruned, detectorStatesDeleted, restoredDropped };
}
