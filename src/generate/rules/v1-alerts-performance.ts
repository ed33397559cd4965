/**
 * DWCP v1 performance and efficiency alerts (compression, bandwidth, latency, streams, baselines, federation):
 * the DWCP v1 metrics spec's "Alerting Rules" with the thresholds of the original `dwcp-alerts.yml`. Each
 * threshold is written once; `threshold.ts` derives expression, text and promtool values from it.
 * @see seed 001 "Alerting Rules"; NovaCron inventory 2.1
 */
import { getMetric } from '../../catalog/index.ts';
import { aggBy, div, eq, histogramQuantile, rate, sumBy } from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { counterRate, gaugeIs, histogramQuantileAt, quantileRatio } from './fixtures.ts';
import { thresholdAlert } from './threshold.ts';
import type { AlertRule, InputSeries } from './types.ts';
import { FX, MIG, ON_NODE, SRC_A } from './v1-alert-common.ts';
import { bytesSavedRate, CN } from './v1-recording.ts';

const m = getMetric;

const dwcpMigrationP95 = (enabled: 'true' | 'false') =>
  histogramQuantile(
    0.95,
    bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', enabled)),
    '10m',
    ['cluster'],
  );

function savingsFixture(v: number): InputSeries[] {
  // HDE saves 1000 B/s (original 1500, compressed 500); federation saves v x 1000 B/s.
  const labels = { cluster: 'cluster-1' };
  return [
    ...counterRate('dwcp_federation_bandwidth_saved_bytes_total', { ...labels, remote_cluster: 'cluster-2' })(
      v * 1000,
    ),
    ...counterRate('dwcp_hde_bytes_original_total', { ...labels, node: 'node-01', data_type: 'vm_memory' })(
      1500,
    ),
    ...counterRate('dwcp_hde_bytes_compressed_total', { ...labels, node: 'node-01', data_type: 'vm_memory' })(
      500,
    ),
  ];
}

/** The v1 performance and efficiency alerts (11). */
export const V1_PERFORMANCE_ALERTS: readonly AlertRule[] = [
  thresholdAlert({
    name: 'DWCPLowCompressionRatio',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: histogramQuantile(0.5, bucketRef(m('dwcp_hde_compression_ratio')), '10m', ['cluster', 'node']),
    direction: 'below',
    threshold: 3,
    unit: 'times',
    summary: (t) => `Median HDE compression ratio below ${t} ${ON_NODE}`,
    description: (t) =>
      `The median HDE compression ratio (original/compressed) on node {{ $labels.node }} has been below ${t} for 10 minutes (target 3-5x).`,
    source: SRC_A,
    fixture: histogramQuantileAt('dwcp_hde_compression_ratio', { ...FX, data_type: 'vm_memory' }, 0.5),
    runbook: {
      causes: [
        'incompressible data (encrypted or already compressed VM memory/disk)',
        'delta baselines missing so HDE sends full pages',
        'dictionary trained on another workload',
      ],
      actions: [
        'Check the delta hit rate and baseline count on the HDE panels',
        'Break the ratio down by data_type',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPCompressionFailure',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: sumBy(CN, rate(metricRef(m('dwcp_hde_operations_total'), eq('result', 'failure')), '5m')),
    direction: 'above',
    threshold: 0.01,
    unit: 'number',
    summary: () => `HDE operations failing ${ON_NODE}`,
    description: (t) =>
      `HDE encode/decode operations on node {{ $labels.node }} failed at more than ${t} per second over 5 minutes, for 5 minutes.`,
    source: SRC_A,
    fixture: counterRate('dwcp_hde_operations_total', { ...FX, operation: 'decode', result: 'failure' }),
    runbook: {
      causes: ['corrupt or missing delta baseline on the receiver', 'memory pressure on the node'],
      actions: [
        'Break failures down by operation (encode/decode)',
        'Check baseline synchronisation between the two ends',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPLowBandwidthUtilization',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '15m',
    measure: aggBy('avg', CN, metricRef(m('dwcp_amst_bandwidth_utilization_percent'))),
    direction: 'below',
    threshold: 50,
    unit: 'percent',
    summary: (t) => `AMST uses less than ${t} of the available bandwidth ${ON_NODE}`,
    description: (t) =>
      `AMST bandwidth utilisation on node {{ $labels.node }} has been below ${t} for 15 minutes: transfers are not filling the link.`,
    source: `${SRC_A} (the spec lists it as a warning; the original file had info)`,
    fixture: gaugeIs('dwcp_amst_bandwidth_utilization_percent', FX),
    runbook: {
      causes: [
        'too few parallel streams for the path (bandwidth-delay product)',
        'sender-side bottleneck (CPU, disk read)',
        'little migration traffic (then this is harmless)',
      ],
      actions: [
        'Check active streams and stream latency on the v1 dashboard',
        'Check CPU of the sending node',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPHighBandwidthUtilization',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: aggBy('avg', CN, metricRef(m('dwcp_amst_bandwidth_utilization_percent'))),
    direction: 'above',
    threshold: 85,
    unit: 'percent',
    summary: (t) => `AMST bandwidth utilisation above ${t} ${ON_NODE}`,
    description: (t) =>
      `AMST bandwidth utilisation on node {{ $labels.node }} has been above ${t} for 5 minutes: the link is close to saturation.`,
    source: SRC_A,
    fixture: gaugeIs('dwcp_amst_bandwidth_utilization_percent', FX),
    margin: { absolute: 0.5 },
    runbook: {
      causes: ['many concurrent migrations', 'other traffic sharing the link'],
      actions: [
        'Check concurrent migrations and stream count',
        'Consider throttling new migrations until utilisation drops',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPMigrationSlow',
    component: 'migration',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    // DWCP P95 > threshold x standard P95 (the measured quantity is their ratio).
    measure: dwcpMigrationP95('true'),
    scale: dwcpMigrationP95('false'),
    direction: 'above',
    threshold: 2,
    unit: 'times',
    summary: (t) => `DWCP migrations ${t} slower than standard migrations on {{ $labels.cluster }}`,
    description: (t, v) =>
      `The P95 duration of DWCP migrations in cluster {{ $labels.cluster }} has been more than ${v === 2 ? 'twice' : `${t}`} the P95 of standard migrations for 10 minutes.`,
    source: SRC_A,
    fixture: quantileRatio(
      'dwcp_migration_duration_seconds',
      0.95,
      { ...MIG, dwcp_enabled: 'true' },
      { ...MIG, dwcp_enabled: 'false' },
      24,
    ),
    runbook: {
      causes: [
        'DWCP path degraded (AMST errors, low compression)',
        'DWCP migrations getting larger VMs than standard ones',
      ],
      actions: [
        'Compare AMST throughput and HDE ratio against the previous day',
        'Check DWCPHighErrorRate and DWCPLowCompressionRatio',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPHighLatency',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: histogramQuantile(0.99, bucketRef(m('dwcp_amst_latency_seconds')), '5m', CN),
    direction: 'above',
    threshold: 1,
    unit: 'seconds',
    summary: (t) => `AMST P99 latency above ${t} ${ON_NODE}`,
    description: (t) =>
      `The P99 of AMST operation latency on node {{ $labels.node }} has been above ${t} for 5 minutes.`,
    source: SRC_A,
    fixture: histogramQuantileAt('dwcp_amst_latency_seconds', { ...FX, operation: 'send' }, 0.99),
    runbook: {
      causes: ['WAN latency or loss', 'receiver slow to acknowledge (CPU, disk)'],
      actions: ['Break latency down by operation', 'Check packet loss and RTT to the remote cluster'],
    },
  }),
  thresholdAlert({
    name: 'DWCPLowDeltaHitRate',
    component: 'hde',
    severity: 'info',
    escalation: 'low',
    for: '15m',
    measure: aggBy('avg', CN, metricRef(m('dwcp_hde_delta_hit_rate_percent'))),
    direction: 'below',
    threshold: 60,
    unit: 'percent',
    summary: (t) => `HDE delta hit rate below ${t} ${ON_NODE}`,
    description: (t) =>
      `Fewer than ${t} of HDE encodings on node {{ $labels.node }} found a delta baseline over 15 minutes.`,
    source: SRC_A,
    fixture: gaugeIs('dwcp_hde_delta_hit_rate_percent', FX),
    runbook: { causes: ['baselines evicted or not yet synced'], actions: ['Check dwcp_hde_baseline_count'] },
  }),
  thresholdAlert({
    name: 'DWCPHighStreamCount',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    measure: sumBy(CN, metricRef(m('dwcp_amst_streams_active'))),
    direction: 'above',
    threshold: 100,
    unit: 'number',
    summary: (t) => `More than ${t} active AMST streams ${ON_NODE}`,
    description: (t) =>
      `Node {{ $labels.node }} has had more than ${t} active AMST streams for 5 minutes (optimal 8-32 per transfer).`,
    source: SRC_A,
    fixture: gaugeIs('dwcp_amst_streams_active', FX),
    margin: { grid: 1 },
    runbook: {
      causes: ['streams leaking (not closed after a transfer)', 'many concurrent migrations'],
      actions: [
        'Compare stream count with the number of running migrations',
        'Restart AMST on the node if streams leak',
      ],
    },
  }),
  thresholdAlert({
    name: 'DWCPExcessiveBaselines',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: sumBy(CN, metricRef(m('dwcp_hde_baseline_count'))),
    direction: 'above',
    threshold: 1000,
    unit: 'number',
    summary: (t) => `More than ${t} HDE baselines ${ON_NODE}`,
    description: (t) =>
      `Node {{ $labels.node }} has held more than ${t} HDE baselines for 10 minutes; memory use grows with each.`,
    source: SRC_A,
    fixture: gaugeIs('dwcp_hde_baseline_count', { ...FX, baseline_type: 'vm_state' }),
    margin: { grid: 1 },
    runbook: {
      causes: ['baseline eviction not running', 'many distinct VMs migrated through the node'],
      actions: ['Check node memory', 'Check the baseline_type breakdown'],
    },
  }),
  thresholdAlert({
    name: 'DWCPFederationSyncSlow',
    component: 'federation',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    measure: histogramQuantile(0.95, bucketRef(m('dwcp_federation_sync_duration_seconds')), '10m', [
      'cluster',
      'remote_cluster',
    ]),
    direction: 'above',
    threshold: 5,
    unit: 'seconds',
    summary: (t) =>
      `Federation sync P95 above ${t} from {{ $labels.cluster }} to {{ $labels.remote_cluster }}`,
    description: (t) =>
      `The P95 of federation sync duration between {{ $labels.cluster }} and {{ $labels.remote_cluster }} has been above ${t} for 10 minutes.`,
    source: SRC_A,
    fixture: histogramQuantileAt(
      'dwcp_federation_sync_duration_seconds',
      { cluster: 'cluster-1', remote_cluster: 'cluster-2', sync_type: 'delta' },
      0.95,
    ),
    runbook: {
      causes: ['WAN latency between the clusters', 'large full syncs instead of deltas'],
      actions: ['Break sync duration down by sync_type', 'Check the inter-region bandwidth'],
    },
  }),
  thresholdAlert({
    name: 'DWCPLowBandwidthSavings',
    component: 'federation',
    severity: 'info',
    escalation: 'low',
    for: '1h',
    measure: div(
      sumBy(['cluster'], rate(metricRef(m('dwcp_federation_bandwidth_saved_bytes_total')), '1h')),
      bytesSavedRate('1h'),
    ),
    direction: 'below',
    threshold: 0.5,
    unit: 'ratio',
    summary: (t, v) =>
      `Federation saves less than ${v === 0.5 ? 'half' : t} of what HDE saves in {{ $labels.cluster }}`,
    description: (t) =>
      `Over the last hour federation delta sync in cluster {{ $labels.cluster }} saved less than ${t} of the bytes HDE compression saved.`,
    source: SRC_A,
    fixture: savingsFixture,
    runbook: { causes: ['federation falling back to full syncs'], actions: ['Check federation sync types'] },
  }),
];
