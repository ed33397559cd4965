/**
 * DWCP v3 catalog: the DWCP v3 monitoring spec (per component and per mode) with the names of the original
 * collector and the names its dashboards used but nothing emitted, now really emitted. All v3 node metrics carry
 * `node_id`; region, instance and job come from the scrape target.
 * @see seed 000 (DWCP v3 monitoring spec); seed 003 section 9 (network telemetry)
 * @see NovaCron inventory 1.2 (collector), 1.7 (names nothing emitted), 6.4 (network telemetry)
 */
import { exponentialBuckets } from './buckets.ts';
import type { BadDirection, MetricDef } from './types.ts';

const S0 = 'DWCP v3 monitoring spec; original dwcp_v3_metrics.go';
const S0P = 'DWCP v3 monitoring spec mode/component list; name used by the original dashboards';
const N = ['node_id'] as const;
const NM = ['node_id', 'mode'] as const;
const NR = ['node_id', 'remote_region'] as const;
const NET = 'network telemetry: inter-region probes (multi-region monitoring spec; original network_telemetry.go)';
/** Latency buckets for consensus: 1 ms .. ~33 s (datacenter < 100 ms, internet 1-5 s). */
const CONSENSUS_BUCKETS = exponentialBuckets(0.001, 2, 16);

/** Bad direction of the share of a link that migrations use (a drop is lost throughput). */
const LINK_SHARE_DOWN: BadDirection = {
  direction: 'down',
  why: 'the share of the link the migrations use: a drop is lost throughput; a rise is more work done on the same link (saturation is the capacity forecast\'s concern, not a page)',
};
/** Bad direction of delivered throughput. */
const THROUGHPUT_DOWN: BadDirection = {
  direction: 'down',
  why: 'delivered throughput: a drop slows every migration; a rise is more work done on the same link (saturation is the capacity forecast\'s concern, not a page)',
};
/** Bad direction of a forecast of available bandwidth. */
const FORECAST_BOTH: BadDirection = {
  direction: 'both',
  why: 'a forecast of available bandwidth: a drop foretells slower migrations, a jump without a change of the link is a misprediction',
};
/** Consensus rounds by result: failed rounds are errors, successful ones the consensus throughput. */
const ROUNDS: BadDirection = {
  direction: 'up',
  why: 'rounds that timed out or failed are errors: a rise is bad',
  byLabel: { label: 'result', values: { success: { direction: 'down', why: 'the rate of successful rounds is the consensus throughput: a drop is a stall (a rise is more work done)' } } },
};

export const V3_METRICS = [
  // Mode
  { name: 'dwcp_v3_mode_switches_total', type: 'counter', help: 'Network mode switches by from/to mode.', unit: 'count', labels: ['node_id', 'from_mode', 'to_mode'], group: 'v3', area: 'mode', anomalyKind: 'generic', source: S0 },
  { name: 'dwcp_v3_mode_latency_seconds', type: 'histogram', help: 'Transfer operation latency per network mode.', unit: 'seconds', labels: ['node_id', 'mode', 'operation'], buckets: exponentialBuckets(0.001, 2, 15), group: 'v3', area: 'mode', anomalyKind: 'latency', source: S0 },
  { name: 'dwcp_v3_mode_throughput_bytes_per_second', type: 'gauge', help: 'Current transfer throughput per network mode.', unit: 'bytes_per_second', labels: NM, group: 'v3', area: 'mode', anomalyKind: 'bandwidth', source: S0, decision: 'Original dwcp_v3_mode_throughput_mbps (never set) renamed to base units (bytes per second).' , badDirection: THROUGHPUT_DOWN },
  { name: 'dwcp_v3_current_mode', type: 'gauge', help: 'Current network mode: 1 for the active mode, 0 for the others.', unit: 'state', labels: NM, group: 'v3', area: 'mode', anomalyKind: 'generic', source: S0P, range: { min: 0, max: 1 } },
  { name: 'dwcp_v3_bytes_transferred_total', type: 'counter', help: 'Bytes transferred by DWCP v3 per mode and direction (sent/received).', unit: 'bytes', labels: ['node_id', 'mode', 'direction'], group: 'v3', area: 'mode', anomalyKind: 'bandwidth', source: S0 , badDirection: THROUGHPUT_DOWN },
  { name: 'dwcp_v3_adaptive_decision_accuracy', type: 'gauge', help: 'Hybrid mode: share of mode decisions judged correct afterwards (0..1).', unit: 'ratio', labels: N, group: 'v3', area: 'mode', anomalyKind: 'compression', source: S0P },
  { name: 'dwcp_v3_failover_events_total', type: 'counter', help: 'Failover events (transport or consensus) per mode.', unit: 'count', labels: NM, group: 'v3', area: 'mode', anomalyKind: 'error_rate', source: S0P },
  // Datacenter mode (RDMA)
  { name: 'dwcp_v3_rdma_throughput_bytes_per_second', type: 'gauge', help: 'RDMA throughput in datacenter mode.', unit: 'bytes_per_second', labels: N, group: 'v3', area: 'mode', anomalyKind: 'bandwidth', source: S0P, decision: 'Original dashboards used dwcp_v3_rdma_throughput_gbps; base units are bytes per second.' , badDirection: THROUGHPUT_DOWN },
  { name: 'dwcp_v3_rdma_latency_seconds', type: 'histogram', help: 'RDMA operation latency (microsecond range).', unit: 'seconds', labels: N, buckets: exponentialBuckets(0.000001, 2, 16), group: 'v3', area: 'mode', anomalyKind: 'latency', source: S0P },
  { name: 'dwcp_v3_rdma_bandwidth_utilization_ratio', type: 'gauge', help: 'RDMA bandwidth utilisation (0..1).', unit: 'ratio', labels: N, group: 'v3', area: 'mode', anomalyKind: 'bandwidth', source: S0P, decision: 'Original dwcp_v3_rdma_bandwidth_utilization (percent) is a 0..1 ratio with the _ratio suffix.' , badDirection: LINK_SHARE_DOWN },
  // Internet mode (TCP)
  { name: 'dwcp_v3_tcp_streams', type: 'gauge', help: 'Open TCP streams in internet mode (4-16).', unit: 'count', labels: N, group: 'v3', area: 'mode', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_packet_loss_ratio', type: 'gauge', help: 'Packet loss on the WAN path (0..1).', unit: 'ratio', labels: NM, group: 'v3', area: 'mode', anomalyKind: 'error_rate', source: S0P },
  // AMST
  { name: 'dwcp_v3_active_streams', type: 'gauge', help: 'Active AMST streams per mode (datacenter 32-512, internet 4-16).', unit: 'count', labels: NM, group: 'v3', area: 'amst', anomalyKind: 'generic', source: S0 },
  { name: 'dwcp_v3_amst_stream_efficiency_ratio', type: 'gauge', help: 'AMST stream efficiency, active/total streams (0..1).', unit: 'ratio', labels: N, group: 'v3', area: 'amst', anomalyKind: 'compression', source: S0P },
  { name: 'dwcp_v3_congestion_events_total', type: 'counter', help: 'AMST congestion-control events (loss or delay signals).', unit: 'count', labels: NM, group: 'v3', area: 'amst', anomalyKind: 'error_rate', source: S0P },
  { name: 'dwcp_v3_failed_streams_total', type: 'counter', help: 'AMST streams that failed to open or broke.', unit: 'count', labels: NM, group: 'v3', area: 'amst', anomalyKind: 'error_rate', source: S0P },
  // HDE
  { name: 'dwcp_v3_compression_ratio', type: 'gauge', help: 'HDE compression ratio (original/compressed) by algorithm.', unit: 'ratio', labels: ['node_id', 'algorithm'], group: 'v3', area: 'hde', anomalyKind: 'compression', source: S0, decision: 'algorithm label carries the real algorithm (lz4, zstd, zstd-max, brotli, none), not a hard-coded "zstd".', range: { min: 0, max: Number.POSITIVE_INFINITY } },
  { name: 'dwcp_v3_compressions_total', type: 'counter', help: 'HDE compression operations by algorithm.', unit: 'count', labels: ['node_id', 'algorithm'], group: 'v3', area: 'hde', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_compression_latency_seconds', type: 'histogram', help: 'HDE compression latency (target < 10 ms).', unit: 'seconds', labels: ['node_id', 'algorithm'], buckets: exponentialBuckets(0.0001, 2, 14), group: 'v3', area: 'hde', anomalyKind: 'latency', source: S0P },
  { name: 'dwcp_v3_delta_hit_ratio', type: 'gauge', help: 'HDE delta-encoding hit ratio (0..1, target >= 0.7).', unit: 'ratio', labels: N, group: 'v3', area: 'hde', anomalyKind: 'compression', source: S0P },
  { name: 'dwcp_v3_crdt_merges_total', type: 'counter', help: 'HDE CRDT merge operations.', unit: 'count', labels: N, group: 'v3', area: 'hde', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_algorithm_selection_accuracy', type: 'gauge', help: 'HDE ML algorithm-selection accuracy (0..1).', unit: 'ratio', labels: N, group: 'v3', area: 'hde', anomalyKind: 'compression', source: S0P },
  // PBA
  { name: 'dwcp_v3_prediction_accuracy', type: 'gauge', help: 'PBA bandwidth prediction accuracy (0..1; datacenter target 0.85, internet 0.70).', unit: 'ratio', labels: NM, group: 'v3', area: 'pba', anomalyKind: 'compression', source: S0, decision: 'The original kept percent (0..100) while its alerts compared with 0.80; we export a 0..1 ratio.' },
  { name: 'dwcp_v3_prediction_latency_seconds', type: 'histogram', help: 'PBA prediction latency (target < 100 ms).', unit: 'seconds', labels: NM, buckets: exponentialBuckets(0.001, 2, 12), group: 'v3', area: 'pba', anomalyKind: 'latency', source: S0P },
  { name: 'dwcp_v3_predictions_total', type: 'counter', help: 'PBA bandwidth predictions made.', unit: 'count', labels: NM, group: 'v3', area: 'pba', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_pba_model_switches_total', type: 'counter', help: 'PBA switches between the datacenter and internet models.', unit: 'count', labels: N, group: 'v3', area: 'pba', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_predicted_bandwidth_bytes_per_second', type: 'gauge', help: 'PBA predicted available bandwidth for the next horizon.', unit: 'bytes_per_second', labels: NM, group: 'v3', area: 'pba', anomalyKind: 'bandwidth', source: S0P , badDirection: FORECAST_BOTH },
  // ASS
  { name: 'dwcp_v3_sync_operations_total', type: 'counter', help: 'ASS state-sync operations by type (full/incremental) and result (success/failure).', unit: 'count', labels: ['node_id', 'type', 'result'], group: 'v3', area: 'ass', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_sync_conflicts_resolved_total', type: 'counter', help: 'ASS conflicts resolved.', unit: 'count', labels: N, group: 'v3', area: 'ass', anomalyKind: 'error_rate', source: S0P },
  { name: 'dwcp_v3_sync_latency_seconds', type: 'histogram', help: 'ASS sync latency (datacenter < 100 ms, internet convergence 5-30 s).', unit: 'seconds', labels: NM, buckets: exponentialBuckets(0.001, 2, 16), group: 'v3', area: 'ass', anomalyKind: 'latency', source: S0P },
  { name: 'dwcp_v3_crdt_operations_total', type: 'counter', help: 'ASS CRDT operations applied.', unit: 'count', labels: N, group: 'v3', area: 'ass', anomalyKind: 'generic', source: S0P },
  // ACP
  { name: 'dwcp_v3_consensus_operations_total', type: 'counter', help: 'ACP consensus rounds by protocol (raft/pbft) and result (success/timeout/failure).', unit: 'count', labels: ['node_id', 'protocol', 'result'], group: 'v3', area: 'acp', anomalyKind: 'error_rate', source: S0P , badDirection: ROUNDS },
  { name: 'dwcp_v3_consensus_latency_seconds', type: 'histogram', help: 'ACP consensus latency (datacenter < 100 ms, internet 1-5 s).', unit: 'seconds', labels: ['node_id', 'protocol'], buckets: CONSENSUS_BUCKETS, group: 'v3', area: 'acp', anomalyKind: 'consensus', source: S0P },
  { name: 'dwcp_v3_byzantine_detections_total', type: 'counter', help: 'ACP Byzantine behaviour detections.', unit: 'count', labels: N, group: 'v3', area: 'acp', anomalyKind: 'error_rate', source: S0P },
  { name: 'dwcp_v3_leader_changes_total', type: 'counter', help: 'ACP leader changes.', unit: 'count', labels: N, group: 'v3', area: 'acp', anomalyKind: 'error_rate', source: S0P },
  // ITP
  { name: 'dwcp_v3_placement_decisions_total', type: 'counter', help: 'ITP placement decisions by quality (optimal/suboptimal).', unit: 'count', labels: ['node_id', 'quality'], group: 'v3', area: 'itp', anomalyKind: 'generic', source: S0P },
  { name: 'dwcp_v3_placement_score', type: 'gauge', help: 'ITP placement score of the last decision (0..100).', unit: 'score', labels: N, group: 'v3', area: 'itp', anomalyKind: 'compression', source: S0P },
  { name: 'dwcp_v3_itp_prediction_accuracy', type: 'gauge', help: 'ITP ML placement prediction accuracy (0..1).', unit: 'ratio', labels: N, group: 'v3', area: 'itp', anomalyKind: 'compression', source: S0P },
  { name: 'dwcp_v3_geo_optimizations_total', type: 'counter', help: 'ITP geographic placement optimisations applied.', unit: 'count', labels: N, group: 'v3', area: 'itp', anomalyKind: 'generic', source: S0P },
  // Components (generic)
  { name: 'dwcp_v3_component_operations_total', type: 'counter', help: 'Operations per component and operation type.', unit: 'count', labels: ['node_id', 'component', 'operation_type'], group: 'v3', area: 'system', anomalyKind: 'generic', source: S0 },
  { name: 'dwcp_v3_component_latency_seconds', type: 'histogram', help: 'Operation latency per component.', unit: 'seconds', labels: ['node_id', 'component'], buckets: exponentialBuckets(0.0001, 2, 15), group: 'v3', area: 'system', anomalyKind: 'latency', source: S0 },
  { name: 'dwcp_v3_component_errors_total', type: 'counter', help: 'Errors per component and error type.', unit: 'count', labels: ['node_id', 'component', 'error_type'], group: 'v3', area: 'system', anomalyKind: 'error_rate', source: S0 },
  // Migration
  { name: 'dwcp_v3_migration_duration_seconds', type: 'histogram', help: 'DWCP v3 VM migration duration per mode.', unit: 'seconds', labels: NM, buckets: exponentialBuckets(1, 2, 12), group: 'v3', area: 'migration', anomalyKind: 'latency', source: S0, exemplars: true },
  {
    name: 'dwcp_v3_migration_memory_bytes_total', type: 'counter', help: 'Guest memory of the VMs whose successful DWCP v3 migrations dwcp_v3_migration_duration_seconds observed, per mode, counted once per migration before compression or page re-sends: duration sum / memory bytes per interval is the migration time per byte.', unit: 'bytes', labels: NM, group: 'v3', area: 'migration', anomalyKind: 'generic',
    source: 'new: the v3 side of dwcp_migration_memory_bytes_total (the rollout decision judges migration time per byte of guest memory); dwcp_v3_bytes_transferred_total counts bytes sent after compression, which depend on the version',
  },
  { name: 'dwcp_v3_migration_success_total', type: 'counter', help: 'Successful DWCP v3 migrations per mode.', unit: 'count', labels: NM, group: 'v3', area: 'migration', anomalyKind: 'generic', source: S0 },
  { name: 'dwcp_v3_migration_failures_total', type: 'counter', help: 'Failed DWCP v3 migrations per mode (the original had no failure counter).', unit: 'count', labels: NM, group: 'v3', area: 'migration', anomalyKind: 'error_rate', source: 'new: success rate needs failures', criticality: { level: 'critical', why: 'each one is a failed VM migration: the bad event of the availability SLO (99.9 %)' } },
  // Inter-region network probes (the multi-region spec names no metrics for them). The monitor derives
  // RFC 3550 jitter, RTT quantiles, loss ratio and tunnel health from these (GET /api/network, docs/network.md).
  {
    name: 'dwcp_v3_network_rtt_seconds', type: 'gauge', help: 'Round-trip time of the latest answered probe to the remote region.', unit: 'seconds', labels: NR, group: 'v3', area: 'federation', anomalyKind: 'generic', source: NET,
    decision: 'Nodes export raw RTT samples, not a pre-computed jitter: the monitor runs the RFC 3550 §6.4.1 estimator over successive samples (the original exported the variance of the last 100 latencies as "jitter"). The probe metrics are stored and served by GET /api/network but not analysed by the per-series detector yet (kind generic), so adding them left the measured detection numbers unchanged.',
  },
  { name: 'dwcp_v3_network_probes_sent_total', type: 'counter', help: 'Probe packets sent to the remote region.', unit: 'count', labels: NR, group: 'v3', area: 'federation', anomalyKind: 'generic', source: NET },
  { name: 'dwcp_v3_network_probes_lost_total', type: 'counter', help: 'Probe packets to the remote region that got no reply within the probe timeout.', unit: 'count', labels: NR, group: 'v3', area: 'federation', anomalyKind: 'generic', source: NET },
  { name: 'dwcp_v3_network_bandwidth_bytes_per_second', type: 'gauge', help: 'Measured inter-region throughput to/from the remote region per direction (tx/rx).', unit: 'bytes_per_second', labels: [...NR, 'direction'], group: 'v3', area: 'federation', anomalyKind: 'generic', source: NET },
  { name: 'dwcp_v3_network_link_capacity_bytes_per_second', type: 'gauge', help: 'Capacity of the path to the remote region per direction (full duplex).', unit: 'bytes_per_second', labels: NR, group: 'v3', area: 'federation', anomalyKind: 'generic', source: NET },
] as const satisfies readonly MetricDef[];

/** Names of the v3 metrics (literal union). */
export type V3MetricName = (typeof V3_METRICS)[number]['name'];
