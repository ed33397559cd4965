/**
 * The anomaly and detector-state half of a composed store, written once: the SQL store (anomalies and states in
 * their own small stores), the chunked layout (both in the row layout's store) and the VictoriaMetrics-backed
 * store (both in the state database) each keep samples their own way and forward these methods unchanged.
 */
import type { Anomaly, AnomalyResolution } from '../model/anomaly.ts';
import type {
  AnomalyFilter,
  AnomalyStore,
  DetectorStateRow,
  DetectorStateStore,
  LoadDetectorStatesResult,
  SaveDetectorStatesResult,
} from './types.ts';

/** Forwards `AnomalyStore` to `anomalies` and `DetectorStateStore` to `states` (the same object or two). */
export abstract class AnomalyStateForwarder implements AnomalyStore, DetectorStateStore {
  private readonly anomalyStore: AnomalyStore;
  private readonly stateStore: DetectorStateStore;

  protected constructor(anomalies: AnomalyStore, states: DetectorStateStore) {
    this.anomalyStore = anomalies;
    this.stateStore = states;
  }

  /** See {@link AnomalyStore.insert}. */
  insert(a: Omit<Anomaly, 'id'>): Promise<Anomaly> {
    return this.anomalyStore.insert(a);
  }
  /** See {@link AnomalyStore.resolve}. */
  resolve(id: number, resolvedAtMs: number, reason: AnomalyResolution): Promise<void> {
    return this.anomalyStore.resolve(id, resolvedAtMs, reason);
  }
  /** See {@link AnomalyStore.acknowledge}. */
  acknowledge(id: number): Promise<Anomaly> {
    return this.anomalyStore.acknowledge(id);
  }
  /** See {@link AnomalyStore.list}. */
  list(filter: AnomalyFilter): Promise<Anomaly[]> {
    return this.anomalyStore.list(filter);
  }
  /** See {@link AnomalyStore.prune}. */
  prune(maxAnomalies: number): Promise<number> {
    return this.anomalyStore.prune(maxAnomalies);
  }
  /** See {@link AnomalyStore.listOpen}. */
  listOpen(limit: number): Promise<Anomaly[]> {
    return this.anomalyStore.listOpen(limit);
  }
  /** See {@link DetectorStateStore.saveDetectorStates}. */
  saveDetectorStates(rows: readonly DetectorStateRow[]): Promise<SaveDetectorStatesResult> {
    return this.stateStore.saveDetectorStates(rows);
  }
  /** See {@link DetectorStateStore.loadDetectorStates}. */
  loadDetectorStates(limit: number): Promise<LoadDetectorStatesResult> {
    return this.stateStore.loadDetectorStates(limit);
  }
  /** See {@link DetectorStateStore.deleteDetectorStatesOlderThan}. */
  deleteDetectorStatesOlderThan(cutoffMs: number): Promise<number> {
    return this.stateStore.deleteDetectorStatesOlderThan(cutoffMs);
  }
}
