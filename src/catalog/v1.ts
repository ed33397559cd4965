/**
 * DWCP v1 catalog: the DWCP v1 metrics spec's "Available Metrics" tables (AMST, HDE, migration, federation,
 * system), with the buckets the original Go code used.
 * @see seed 001 (DWCP v1 metrics spec) "Available Metrics"
 * @see NovaCron inventory 1.1
 */
import { exponentialBuckets } from './buckets.ts';
import type { BadDirection, MetricDef } from './types.ts';

const S1 = 'DWCP v1 metrics spec; original metrics/prometheus.go';
const CN = ['cluster', 'node'] as const;

/** Bad direction of the share of a link that migrations use (a drop is lost throughput). */
const LINK_SHARE_DOWN: BadDirection = {
  direction: 'down',
  why: 'the share of the link the migrations use: a drop is lost throughput; a rise is more work done on the same link (saturation is the capacity forecast\'s concern, not a page)',
};

export const V1_METRICS = [
  // AMST
  { name: 'dwcp_amst_streams_active', type: 'gauge', help: 'Current number of active AMST streams.', unit: 'count', labels: CN, group: 'v1', area: 'amst', anomalyKind: 'generic', source: S1 },
  { name: 'dwcp_amst_streams_total', type: 'counter', help: 'AMST streams created, by result (success or failure).', unit: 'count', labels: [...CN, 'result'], group: 'v1', area: 'amst', anomalyKind: 'generic', source: S1 },
  {
    name: 'dwcp_amst_bytes_sent_total', type: 'counter', help: 'Bytes sent on AMST streams.', unit: 'bytes', labels: [...CN, 'stream_id'], group: 'v1', area: 'amst', anomalyKind: 'generic', source: S1,
    decision: 'stream_id kept for the contract, but the SDK caps distinct stream_id values per process (default 64) and folds the rest into stream_id="overflow", so cardinality is bounded. Per-stream series are stored but not analysed for anomalies (streams come and go; node-level throughput is analysed through dwcp_v3_bytes_transferred_total and the throughput gauges).',
  },
  { name: 'dwcp_amst_bytes_received_total', type: 'counter', help: 'Bytes received on AMST streams.', unit: 'bytes', labels: [...CN, 'stream_id'], group: 'v1', area: 'amst', anomalyKind: 'generic', source: S1, decision: 'stream_id capped and not analysed, as for dwcp_amst_bytes_sent_total.' },
  { name: 'dwcp_amst_errors_total', type: 'counter', help: 'AMST stream errors by error type.', unit: 'count', labels: [...CN, 'error_type'], group: 'v1', area: 'amst', anomalyKind: 'error_rate', source: S1 },
  { name: 'dwcp_amst_latency_seconds', type: 'histogram', help: 'AMST operation latency (operation="stream_duration" is observed when a stream ends).', unit: 'seconds', labels: [...CN, 'operation'], buckets: exponentialBuckets(0.001, 2, 12), group: 'v1', area: 'amst', anomalyKind: 'latency', source: S1 },
  { name: 'dwcp_amst_bandwidth_utilization_percent', type: 'gauge', help: 'AMST bandwidth utilisation, used/available x 100.', unit: 'percent', labels: CN, group: 'v1', area: 'amst', anomalyKind: 'bandwidth', source: S1, decision: 'Percent (0..100) kept because the name and the v1 alert thresholds (50, 85) are the contract.' , badDirection: LINK_SHARE_DOWN },
  // HDE
  { name: 'dwcp_hde_compression_ratio', type: 'histogram', help: 'HDE compression ratio, original bytes / compressed bytes (higher is better).', unit: 'ratio', labels: [...CN, 'data_type'], buckets: [1, 2, 3, 4, 5, 7, 10, 15, 20, 30, 50], group: 'v1', area: 'hde', anomalyKind: 'compression', source: S1, decision: 'Help text fixed: the original said compressed/original but computed original/compressed.', range: { min: 0, max: Number.POSITIVE_INFINITY } },
  { name: 'dwcp_hde_operations_total', type: 'counter', help: 'HDE encode/decode operations by result.', unit: 'count', labels: [...CN, 'operation', 'result'], group: 'v1', area: 'hde', anomalyKind: 'generic', source: S1 },
  { name: 'dwcp_hde_delta_hit_rate_percent', type: 'gauge', help: 'HDE delta-encoding hit rate, hits/(hits+misses) x 100.', unit: 'percent', labels: CN, group: 'v1', area: 'hde', anomalyKind: 'compression', source: S1 },
  { name: 'dwcp_hde_baseline_count', type: 'gauge', help: 'Active HDE baselines by baseline type.', unit: 'count', labels: [...CN, 'baseline_type'], group: 'v1', area: 'hde', anomalyKind: 'generic', source: S1 },
  { name: 'dwcp_hde_dictionary_efficiency_percent', type: 'gauge', help: 'HDE dictionary efficiency in percent.', unit: 'percent', labels: CN, group: 'v1', area: 'hde', anomalyKind: 'compression', source: S1 },
  { name: 'dwcp_hde_bytes_original_total', type: 'counter', help: 'Bytes given to HDE before compression.', unit: 'bytes', labels: [...CN, 'data_type'], group: 'v1', area: 'hde', anomalyKind: 'generic', source: S1 },
  { name: 'dwcp_hde_bytes_compressed_total', type: 'counter', help: 'Bytes produced by HDE after compression.', unit: 'bytes', labels: [...CN, 'data_type'], group: 'v1', area: 'hde', anomalyKind: 'generic', source: S1 },
  // Migration
  { name: 'dwcp_migration_duration_seconds', type: 'histogram', help: 'VM migration duration; dwcp_enabled="true" for DWCP v1 migrations, "false" for standard ones.', unit: 'seconds', labels: ['cluster', 'source_node', 'dest_node', 'dwcp_enabled'], buckets: exponentialBuckets(1, 2, 10), group: 'v1', area: 'migration', anomalyKind: 'latency', source: S1, exemplars: true },
  {
    name: 'dwcp_migration_memory_bytes_total', type: 'counter', help: 'Guest memory of the VMs whose successful migrations dwcp_migration_duration_seconds observed, counted once per migration before compression or page re-sends; with the same labels as the histogram, so duration sum / memory bytes per interval is the migration time per byte.', unit: 'bytes', labels: ['cluster', 'source_node', 'dest_node', 'dwcp_enabled'], group: 'v1', area: 'migration', anomalyKind: 'generic',
    source: 'new: the rollout decision judges migration time per byte of guest memory (version-independent work), which removes the VM-size spread from the v1/v3 comparison; bytes actually sent depend on the version (compression, dirty-page re-sends) and would bias it',
  },
  { name: 'dwcp_migration_speedup_factor', type: 'gauge', help: 'DWCP migration speedup over standard migration (standard time / DWCP time).', unit: 'ratio', labels: ['cluster', 'vm_type'], group: 'v1', area: 'migration', anomalyKind: 'compression', source: S1, range: { min: 0, max: Number.POSITIVE_INFINITY } },
  // Federation
  { name: 'dwcp_federation_sync_duration_seconds', type: 'histogram', help: 'Cross-cluster federation sync duration.', unit: 'seconds', labels: ['cluster', 'remote_cluster', 'sync_type'], buckets: exponentialBuckets(0.01, 2, 10), group: 'v1', area: 'federation', anomalyKind: 'latency', source: S1 },
  { name: 'dwcp_federation_bandwidth_saved_bytes_total', type: 'counter', help: 'Bytes not sent thanks to federation delta sync.', unit: 'bytes', labels: ['cluster', 'remote_cluster'], group: 'v1', area: 'federation', anomalyKind: 'generic', source: S1 },
  // System
  { name: 'dwcp_system_component_health', type: 'gauge', help: 'Component health: 0 down, 1 degraded, 2 healthy.', unit: 'state', labels: [...CN, 'component'], group: 'v1', area: 'system', anomalyKind: 'health', source: S1, range: { min: 0, max: 2 } },
  { name: 'dwcp_system_config_enabled', type: 'gauge', help: 'Feature toggle state: 1 enabled, 0 disabled.', unit: 'state', labels: [...CN, 'feature'], group: 'v1', area: 'system', anomalyKind: 'generic', source: S1, range: { min: 0, max: 1 } },
  { name: 'dwcp_system_version_info', type: 'gauge', help: 'Build information; always 1.', unit: 'info', labels: ['cluster', 'version', 'git_commit', 'build_date'], group: 'v1', area: 'system', anomalyKind: 'generic', source: S1 },
] as const satisfies readonly MetricDef[];

/** Names of the v1 metrics (literal union). */
export type V1MetricName = (typeof V1_METRICS)[number]['name'];
