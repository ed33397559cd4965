/**
 * What the DWCP v3 collector (collector.ts) records, as typed records per component operation, and the label
 * vocabularies they use (compression algorithms, consensus protocols and results, sync types, directions).
 * @see the original dwcp_v3_metrics.go of the DWCP v3 monitoring spec (NovaCron).
 */
import type { Mode } from '../../model/dwcp.ts';
import type { TraceExemplar } from '../exemplar.ts';
import type { MigrationResources } from '../migration-resources.ts';

/** HDE compression algorithms (inventory 7.1). */
export type CompressionAlgorithm = 'none' | 'lz4' | 'zstd' | 'zstd-max' | 'brotli';
export type ConsensusProtocol = 'raft' | 'pbft';
export type ConsensusResult = 'success' | 'timeout' | 'failure';
export type SyncType = 'full' | 'incremental';
export type Direction = 'sent' | 'received';

/** One finished migration (`collector.recordMigration`). */
export interface MigrationRecord {
  readonly mode: Mode;
  readonly success: boolean;
  /** Seconds; observed on dwcp_v3_migration_duration_seconds for successful migrations. */
  readonly durationSeconds: number;
  /** Bytes sent for the migration (counted under direction="sent"). */
  readonly bytes: number;
  /**
   * Guest memory of the migrated VM, bytes, before compression; added to dwcp_v3_migration_memory_bytes_total for
   * successful migrations (the rollout analysis judges migration time per byte). Optional: without it the counter
   * does not move.
   */
  readonly memoryBytes?: number;
  /**
   * What the migration used (CPU seconds, peak host memory, bytes sent); for successful migrations added to
   * dwcp_v3_migration_cpu_seconds_total, dwcp_v3_migration_host_memory_peak_bytes and
   * dwcp_v3_migration_sent_bytes_total (the rollout status compares them per version). Optional.
   */
  readonly resources?: MigrationResources;
  /** The migration's span, attached to the duration observation as an OpenMetrics exemplar. */
  readonly exemplar?: TraceExemplar | undefined;
}
/** One HDE compression (`collector.hde.compression`). */
export interface CompressionRecord {
  readonly algorithm: CompressionAlgorithm;
  readonly originalBytes: number;
  readonly compressedBytes: number;
  readonly latencySeconds: number;
  readonly deltaHit: boolean;
}
/** One PBA bandwidth prediction (`collector.pba.prediction`). */
export interface PredictionRecord {
  readonly mode: Mode;
  /** 0..1 */
  readonly accuracy: number;
  readonly latencySeconds: number;
  readonly predictedBps: number;
}
/** One ASS state synchronisation (`collector.ass.sync`). */
export interface SyncRecord {
  readonly type: SyncType;
  readonly ok: boolean;
  readonly latencySeconds: number;
  readonly mode: Mode;
}
/** One ACP consensus round (`collector.acp.consensus`). */
export interface ConsensusRecord {
  readonly protocol: ConsensusProtocol;
  readonly latencySeconds: number;
  readonly result: ConsensusResult;
}
/** One ITP placement decision (`collector.itp.placement`). */
export interface PlacementRecord {
  readonly optimal: boolean;
  /** 0..100 */
  readonly score: number;
  /** ML placement prediction accuracy 0..1, when known. */
  readonly predictionAccuracy?: number;
  /** Whether a geographic optimisation was applied. */
  readonly geoOptimized?: boolean;
}
/** One RDMA transfer sample (`collector.recordRdma`). */
export interface RdmaRecord {
  readonly throughputBps: number;
  /** 0..1 */
  readonly utilisation: number;
  readonly latencySeconds: number;
}
/** One transfer operation in a network mode (`collector.recordTransfer`). */
export interface TransferRecord {
  readonly mode: Mode;
  /** Operation name, e.g. "send" or "chunk". */
  readonly operation: string;
  readonly latencySeconds: number;
  readonly sentBytes: number;
  readonly receivedBytes: number;
}
