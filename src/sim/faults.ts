/**
 * Fault effects for the simulator: what each fault kind does to a node's telemetry while active,
 * and which catalog metrics it moves (for ground-truth labels).
 */
import { getMetric, type MetricName } from '../catalog/index.ts';
import { FAULT_KINDS, type FaultKind } from '../model/anomaly.ts';

/** Default magnitude per kind (meaning depends on the kind; see `FaultEffects`). */
export const DEFAULT_MAGNITUDE: Readonly<Record<FaultKind, number>> = {
  latency_spike: 5,
  throughput_drop: 0.7,
  compression_degradation: 1.2,
  consensus_timeouts: 5,
  byzantine_events: 3,
  node_down: 1,
  memory_leak: 2,
  v3_regression: 3,
};

/** Kinds whose magnitude is a slow-down factor (must be > 1). */
const SLOW_DOWN_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>([
  'latency_spike',
  'consensus_timeouts',
  'v3_regression',
]);

/**
 * What is wrong with `magnitude` for a fault of `kind`, or undefined when it is valid: every magnitude is a
 * finite number > 0; `throughput_drop` is the share lost, in (0, 1); `latency_spike`, `consensus_timeouts` and
 * `v3_regression` are slow-down factors, > 1. Used by scenario files and the labelled-scenario catalogue.
 */
export function magnitudeProblem(kind: FaultKind, magnitude: number): string | undefined {
  if (!(Number.isFinite(magnitude) && magnitude > 0)) return `must be a number > 0, got ${magnitude}`;
  if (kind === 'throughput_drop' && magnitude >= 1) {
    return `throughput_drop is the share lost, must be in (0, 1), got ${magnitude}`;
  }
  if (SLOW_DOWN_KINDS.has(kind) && magnitude <= 1)
    return `${kind} is a slow-down factor, must be > 1, got ${magnitude}`;
  return undefined;
}

/** One scheduled fault on one node; times relative to the simulation start (ms). */
export interface ScheduledFault {
  readonly kind: FaultKind;
  /** 0-based node index. */
  readonly node: number;
  readonly startMs: number;
  readonly durationMs: number;
  readonly magnitude: number;
}

/** Combined effect of the faults active on a node at one instant. Neutral values mean "no fault". */
export interface FaultEffects {
  /** Multiplies link and operation latencies (latency_spike: magnitude). */
  readonly latencyFactor: number;
  /** Multiplies throughput (throughput_drop: 1 - magnitude). */
  readonly throughputFactor: number;
  /** Compression ratio forced to this value while degraded (compression_degradation: magnitude), else undefined. */
  readonly compressionRatio: number | undefined;
  /** Multiplies consensus latency (consensus_timeouts: magnitude; byzantine_events: 3). */
  readonly consensusLatencyFactor: number;
  /** Share 0..1 of consensus rounds that time out. */
  readonly consensusTimeoutShare: number;
  /** Byzantine detections per second (byzantine_events: magnitude). */
  readonly byzantinePerSecond: number;
  /** True while node_down is active: the node's HTTP server is closed. */
  readonly down: boolean;
  /** Memory utilisation added in percent (memory_leak: magnitude %/s times seconds since the fault began). */
  readonly memoryLeakPercent: number;
  /** Multiplies v3 migration durations and v3 operation latencies (v3_regression: magnitude). */
  readonly v3Factor: number;
}

export const NO_FAULT: FaultEffects = Object.freeze({
  latencyFactor: 1,
  throughputFactor: 1,
  compressionRatio: undefined,
  consensusLatencyFactor: 1,
  consensusTimeoutShare: 0,
  byzantinePerSecond: 0,
  down: false,
  memoryLeakPercent: 0,
  v3Factor: 1,
});

/** Whether the fault is active at `tMs` (relative ms; start inclusive, end exclusive). */
export function isActive(f: ScheduledFault, tMs: number): boolean {
  return tMs >= f.startMs && tMs < f.startMs + f.durationMs;
}

/**
 * Effects of the faults in `faults` that are active at relative time `tMs` (already filtered to one node).
 * Several active faults combine (factors multiply, shares take the maximum).
 */
export function effectsAt(faults: readonly ScheduledFault[], tMs: number): FaultEffects {
  const e: { -readonly [K in keyof FaultEffects]: FaultEffects[K] } = { ...NO_FAULT };
  for (const f of faults) {
    if (!isActive(f, tMs)) continue;
    const m = f.magnitude;
    switch (f.kind) {
      case 'latency_spike':
        e.latencyFactor *= m;
        break;
      case 'throughput_drop':
        e.throughputFactor *= Math.max(0, 1 - m);
        break;
      case 'compression_degradation':
        e.compressionRatio = Math.min(e.compressionRatio ?? Infinity, m);
        break;
      case 'consensus_timeouts':
        e.consensusLatencyFactor *= m;
        e.consensusTimeoutShare = Math.max(e.consensusTimeoutShare, 0.5);
        break;
      case 'byzantine_events':
        e.byzantinePerSecond += m;
        e.consensusLatencyFactor *= 3;
        e.consensusTimeoutShare = Math.max(e.consensusTimeoutShare, 0.1);
        break;
      case 'node_down':
        e.down = true;
        break;
      case 'memory_leak':
        e.memoryLeakPercent += m * ((tMs - f.startMs) / 1000);
        break;
      case 'v3_regression':
        e.v3Factor *= m;
        break;
    }
  }
  return e;
}

/**
 * The metric names (first = the one used in the label's selector) each fault kind moves, directly or through
 * its knock-on effects (throughput -> bytes, migration durations, health, SLA; a datacenter or hybrid node
 * that a latency spike pushes into another mode -> every mode-dependent series). Kept complete and minimal by
 * test/unit/sim/fault-labels-complete.test.ts (faulted vs clean twin on datacenter, internet and hybrid nodes).
 */
const MOVED: Readonly<Record<FaultKind, readonly MetricName[]>> = {
  latency_spike: [
    getMetric('dwcp_v3_mode_latency_seconds').name,
    getMetric('dwcp_v3_rdma_latency_seconds').name,
    getMetric('dwcp_amst_latency_seconds').name,
    getMetric('dwcp_v3_sync_latency_seconds').name,
    getMetric('dwcp_v3_component_latency_seconds').name,
    getMetric('dwcp_v3_mode_throughput_bytes_per_second').name,
    getMetric('dwcp_v3_predicted_bandwidth_bytes_per_second').name,
    getMetric('dwcp_v3_tcp_streams').name,
    getMetric('dwcp_v3_active_streams').name,
    getMetric('dwcp_v3_sla_compliance').name,
    getMetric('dwcp_amst_streams_active').name,
    getMetric('dwcp_amst_bytes_sent_total').name,
    getMetric('dwcp_amst_bytes_received_total').name,
    getMetric('dwcp_amst_bandwidth_utilization_percent').name,
    getMetric('dwcp_hde_compression_ratio').name,
    getMetric('dwcp_hde_bytes_original_total').name,
    getMetric('dwcp_hde_bytes_compressed_total').name,
    getMetric('dwcp_migration_duration_seconds').name,
    getMetric('dwcp_federation_sync_duration_seconds').name,
    getMetric('dwcp_federation_bandwidth_saved_bytes_total').name,
    getMetric('dwcp_system_component_health').name,
    getMetric('dwcp_v3_current_mode').name,
    getMetric('dwcp_v3_mode_switches_total').name,
    getMetric('dwcp_v3_pba_model_switches_total').name,
    getMetric('dwcp_v3_bytes_transferred_total').name,
    getMetric('dwcp_v3_throughput_bytes_per_second').name,
    getMetric('dwcp_v3_rdma_throughput_bytes_per_second').name,
    getMetric('dwcp_v3_rdma_bandwidth_utilization_ratio').name,
    getMetric('dwcp_v3_packet_loss_ratio').name,
    getMetric('dwcp_v3_congestion_events_total').name,
    getMetric('dwcp_v3_compression_ratio').name,
    getMetric('dwcp_v3_compressions_total').name,
    getMetric('dwcp_v3_compression_latency_seconds').name,
    getMetric('dwcp_v3_crdt_merges_total').name,
    getMetric('dwcp_v3_prediction_accuracy').name,
    getMetric('dwcp_v3_prediction_latency_seconds').name,
    getMetric('dwcp_v3_predictions_total').name,
    getMetric('dwcp_v3_sync_conflicts_resolved_total').name,
    getMetric('dwcp_v3_crdt_operations_total').name,
    getMetric('dwcp_v3_consensus_operations_total').name,
    getMetric('dwcp_v3_consensus_latency_seconds').name,
    getMetric('dwcp_v3_geo_optimizations_total').name,
    getMetric('dwcp_v3_migration_duration_seconds').name,
    getMetric('dwcp_v3_migration_success_total').name,
    getMetric('dwcp_v3_migration_memory_bytes_total').name,
    getMetric('dwcp_v3_migration_latency_seconds').name,
    getMetric('dwcp_v3_component_health').name,
    getMetric('dwcp_v3_resource_utilization_percent').name,
    getMetric('dwcp_v3_anomaly_detections_total').name,
    getMetric('dwcp_v3_network_rtt_seconds').name,
    getMetric('dwcp_v3_network_bandwidth_bytes_per_second').name,
    getMetric('dwcp_migration_cpu_seconds_total').name,
    getMetric('dwcp_migration_host_memory_peak_bytes').name,
    getMetric('dwcp_migration_sent_bytes_total').name,
    getMetric('dwcp_v3_migration_cpu_seconds_total').name,
    getMetric('dwcp_v3_migration_host_memory_peak_bytes').name,
    getMetric('dwcp_v3_migration_sent_bytes_total').name,
  ],
  throughput_drop: [
    getMetric('dwcp_v3_mode_throughput_bytes_per_second').name,
    getMetric('dwcp_v3_rdma_throughput_bytes_per_second').name,
    getMetric('dwcp_v3_rdma_bandwidth_utilization_ratio').name,
    getMetric('dwcp_v3_throughput_bytes_per_second').name,
    getMetric('dwcp_amst_bandwidth_utilization_percent').name,
    getMetric('dwcp_v3_bytes_transferred_total').name,
    getMetric('dwcp_amst_bytes_sent_total').name,
    getMetric('dwcp_amst_bytes_received_total').name,
    getMetric('dwcp_migration_speedup_factor').name,
    getMetric('dwcp_v3_sla_compliance').name,
    getMetric('dwcp_hde_bytes_original_total').name,
    getMetric('dwcp_hde_bytes_compressed_total').name,
    getMetric('dwcp_migration_duration_seconds').name,
    getMetric('dwcp_federation_bandwidth_saved_bytes_total').name,
    getMetric('dwcp_system_component_health').name,
    getMetric('dwcp_v3_component_health').name,
    getMetric('dwcp_v3_predicted_bandwidth_bytes_per_second').name,
    getMetric('dwcp_v3_migration_duration_seconds').name,
    getMetric('dwcp_v3_migration_latency_seconds').name,
    getMetric('dwcp_v3_resource_utilization_percent').name,
    getMetric('dwcp_v3_anomaly_detections_total').name,
    getMetric('dwcp_v3_network_bandwidth_bytes_per_second').name,
    getMetric('dwcp_migration_cpu_seconds_total').name,
    getMetric('dwcp_migration_host_memory_peak_bytes').name,
    getMetric('dwcp_v3_migration_cpu_seconds_total').name,
    getMetric('dwcp_v3_migration_host_memory_peak_bytes').name,
  ],
  compression_degradation: [
    getMetric('dwcp_v3_compression_ratio').name,
    getMetric('dwcp_hde_compression_ratio').name,
    getMetric('dwcp_v3_delta_hit_ratio').name,
    getMetric('dwcp_hde_delta_hit_rate_percent').name,
    getMetric('dwcp_hde_dictionary_efficiency_percent').name,
    getMetric('dwcp_hde_bytes_compressed_total').name,
    getMetric('dwcp_system_component_health').name,
    getMetric('dwcp_v3_component_health').name,
    getMetric('dwcp_v3_bytes_transferred_total').name,
    getMetric('dwcp_migration_duration_seconds').name,
    getMetric('dwcp_v3_migration_duration_seconds').name,
    getMetric('dwcp_v3_migration_latency_seconds').name,
    getMetric('dwcp_migration_cpu_seconds_total').name,
    getMetric('dwcp_migration_host_memory_peak_bytes').name,
    getMetric('dwcp_migration_sent_bytes_total').name,
    getMetric('dwcp_v3_migration_cpu_seconds_total').name,
    getMetric('dwcp_v3_migration_host_memory_peak_bytes').name,
    getMetric('dwcp_v3_migration_sent_bytes_total').name,
  ],
  consensus_timeouts: [
    getMetric('dwcp_v3_consensus_latency_seconds').name,
    getMetric('dwcp_v3_consensus_operations_total').name,
    getMetric('dwcp_v3_component_errors_total').name,
    getMetric('dwcp_v3_failover_events_total').name,
    getMetric('dwcp_v3_component_health').name,
    getMetric('dwcp_system_component_health').name,
    getMetric('dwcp_v3_errors_total').name,
    getMetric('dwcp_v3_component_latency_seconds').name,
    getMetric('dwcp_v3_sla_compliance').name,
  ],
  byzantine_events: [
    getMetric('dwcp_v3_byzantine_detections_total').name,
    getMetric('dwcp_v3_consensus_latency_seconds').name,
    getMetric('dwcp_v3_consensus_operations_total').name,
    getMetric('dwcp_v3_failover_events_total').name,
    getMetric('dwcp_v3_leader_changes_total').name,
    getMetric('dwcp_v3_component_health').name,
    getMetric('dwcp_system_component_health').name,
    getMetric('dwcp_v3_errors_total').name,
    getMetric('dwcp_v3_component_latency_seconds').name,
    getMetric('dwcp_v3_component_errors_total').name,
  ],
  node_down: ['up'],
  memory_leak: [getMetric('dwcp_v3_resource_utilization_percent').name],
  v3_regression: [
    getMetric('dwcp_v3_migration_duration_seconds').name,
    getMetric('dwcp_v3_migration_latency_seconds').name,
    getMetric('dwcp_v3_component_latency_seconds').name,
    getMetric('dwcp_v3_component_health').name,
    getMetric('dwcp_v3_sla_compliance').name,
    getMetric('dwcp_v3_migration_failures_total').name,
    getMetric('dwcp_v3_errors_total').name,
    getMetric('dwcp_v3_anomaly_detections_total').name,
    getMetric('dwcp_v3_migration_cpu_seconds_total').name,
    getMetric('dwcp_v3_migration_host_memory_peak_bytes').name,
  ],
};

/**
 * Metric names a fault of `kind` moves; the first one is the label's selector metric. All but the synthetic
 * `up` of node_down come from the catalog (getMetric throws at load time on a typo).
 */
export function movedMetrics(kind: FaultKind): readonly MetricName[] {
  return MOVED[kind];
}

/**
 * Selector of the series a fault of `kind` moves most clearly on `nodeId`: the first moved metric with the
 * node label it carries (`node_id`, or `node`); node_down uses `up{node="..."}`, the synthetic sample the
 * monitor records per target (its targets carry a `node` label).
 */
export function selectorFor(kind: FaultKind, nodeId: string): string {
  const metric = movedMetrics(kind)[0]!;
  if (metric === 'up') return `up{node="${nodeId}"}`;
  const def = getMetric(metric);
  const matchers: string[] = [];
  if (def.labels.includes('node_id')) matchers.push(`node_id="${nodeId}"`);
  else if (def.labels.includes('node')) matchers.push(`node="${nodeId}"`);
  if (kind === 'memory_leak') matchers.push('resource_type="memory"');
  return `${metric}{${matchers.join(',')}}`;
}

export { FAULT_KINDS };
