/**
 * Phase 6 production metrics: the Phase 6 production monitoring spec's "Metric Types" with the labels and
 * buckets of the original production_metrics.go. Series are told apart by the scrape target's instance/region.
 * @see seed 002 (Phase 6 production monitoring spec) "Metric Types"
 * @see NovaCron inventory 1.3
 */
import type { BadDirection, MetricDef } from './types.ts';

const S2 = 'Phase 6 production monitoring spec; original production_metrics.go';

/**
 * Buckets of the switchover downtime (s): tens of ms (datacenter) to hundreds of ms (internet), with the alert
 * thresholds 0.3 s (P95) and 0.5 s (P99) as bounds.
 */
const MIGRATION_DOWNTIME_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 10,
];

/** Bad direction of delivered throughput. */
const THROUGHPUT_DOWN: BadDirection = {
  direction: 'down',
  why: "delivered throughput: a drop slows every migration; a rise is more work done on the same link (saturation is the capacity forecast's concern, not a page)",
};
/** Resource utilisation: more use is less headroom, except on the network, where it is the migrations' throughput. */
const UTILISATION: BadDirection = {
  direction: 'up',
  why: 'cpu, memory and disk: more use is less headroom (leaks, saturation)',
  byLabel: {
    label: 'resource_type',
    values: {
      network: {
        direction: 'down',
        why: "on a DWCP node the network utilisation is the share of the link the migrations use: a drop is lost throughput (mild throughput drops are seen there first), a rise more work on the same link after a deploy; saturation is the capacity forecast's concern, not a page",
      },
    },
  },
};

export const PRODUCTION_METRICS = [
  {
    name: 'dwcp_v3_migration_latency_seconds',
    type: 'histogram',
    help: 'Switchover downtime of a v3 migration: the pause the VM sees between its stop on the source and its resume on the destination (QEMU "downtime"). Whole-migration time is dwcp_v3_migration_duration_seconds.',
    unit: 'seconds',
    labels: ['source', 'destination', 'vm_size', 'mode'],
    buckets: MIGRATION_DOWNTIME_BUCKETS,
    group: 'production',
    area: 'migration',
    anomalyKind: 'latency',
    source: S2,
    decision:
      'Means the switchover downtime (QEMU query-migrate "downtime"), the quantity the Phase 6 P99 < 500 ms target is about; the original recorded it without saying which time it was. Buckets are finer than the original (0.01 ... 120 s) around the 300 ms P95 and 500 ms P99 thresholds, which are bucket bounds, so histogram_quantile is exact at the thresholds.',
  },
  {
    name: 'dwcp_v3_throughput_bytes_per_second',
    type: 'gauge',
    help: 'Throughput per component, direction (tx/rx) and transport (rdma/tcp); SLA 2.4e9 B/s.',
    unit: 'bytes_per_second',
    labels: ['component', 'direction', 'transport'],
    group: 'production',
    area: 'amst',
    anomalyKind: 'bandwidth',
    source: S2,
    badDirection: THROUGHPUT_DOWN,
  },
  {
    name: 'dwcp_v3_errors_total',
    type: 'counter',
    help: 'Errors per component, error type and severity.',
    unit: 'count',
    labels: ['component', 'error_type', 'severity'],
    group: 'production',
    area: 'system',
    anomalyKind: 'error_rate',
    source: S2,
  },
  {
    name: 'dwcp_v3_component_health',
    type: 'gauge',
    help: 'Component health: 0 down, 1 degraded, 2 healthy (measured, not hard-coded).',
    unit: 'state',
    labels: ['component', 'version'],
    group: 'production',
    area: 'system',
    anomalyKind: 'health',
    source: S2,
    decision: 'Uses the v1 scale 0/1/2 (the original hard-coded 1); "== 0" still means down.',
    range: { min: 0, max: 2 },
  },
  {
    name: 'dwcp_v3_resource_utilization_percent',
    type: 'gauge',
    help: 'Resource utilisation in percent by resource_type (cpu, memory, network, disk).',
    unit: 'percent',
    labels: ['resource_type', 'node'],
    group: 'production',
    area: 'system',
    anomalyKind: 'utilization',
    source: S2,
    decision: 'cpu is a real utilisation percentage (the original exported the core count).',
    badDirection: UTILISATION,
  },
  {
    name: 'dwcp_v3_rollout_progress_percent',
    type: 'gauge',
    help: 'Rollout progress of v3 in percent (0, 10, 25, 50, 75, 100) by stage and region.',
    unit: 'percent',
    labels: ['stage', 'region'],
    group: 'production',
    area: 'rollout',
    anomalyKind: 'generic',
    source: S2,
  },
  {
    name: 'dwcp_v3_sla_compliance',
    type: 'gauge',
    help: 'SLA compliance: 1 compliant, 0 violated, by sla_type (latency/throughput/error_rate) and metric.',
    unit: 'state',
    labels: ['sla_type', 'metric'],
    group: 'production',
    area: 'rollout',
    anomalyKind: 'health',
    source: S2,
    range: { min: 0, max: 1 },
  },
  {
    name: 'dwcp_v3_anomaly_detections_total',
    type: 'counter',
    help: 'Anomalies detected on the node by anomaly_type (latency/throughput) and severity (warning/critical).',
    unit: 'count',
    labels: ['anomaly_type', 'severity'],
    group: 'production',
    area: 'system',
    anomalyKind: 'generic',
    source: S2,
  },
] as const satisfies readonly MetricDef[];

/** Names of the production metrics (literal union). */
export type ProductionMetricName = (typeof PRODUCTION_METRICS)[number]['name'];
