/**
 * DWCP v1 alert and recording rules: seed 001 "Alerting Rules" / "Recording Rules" with the expressions of the
 * original `configs/prometheus/dwcp-alerts.yml` and `dwcp-recording-rules.yml` (inventory 2.1, 2.2), bugs fixed:
 * component down means health == 0 (the original's `< 2` included degraded), availability counts healthy series
 * (the original summed the value 2), the three recording rules that did not parse are rewritten, and cost is
 * computed in the dashboard from a price variable instead of a hard-coded $0.02/GB.
 */
import { getMetric } from '../../catalog/index.ts';
import { HEALTH } from '../../model/dwcp.ts';
import type { Expr } from '../promql/ast.ts';
import {
  aggBy,
  bin,
  call,
  div,
  eq,
  eqOp,
  gt,
  histogramQuantile,
  increase,
  lt,
  mul,
  num,
  range,
  rate,
  sub,
  sumBy,
} from '../promql/build.ts';
import { bucketRef, countRef, metricRef, recordedRef, sumRef } from '../promql/metric.ts';
import { inlineCode } from '../promql/print.ts';
import {
  counterRate,
  counterRatio,
  gaugeIs,
  gaugeShare,
  histogramMean,
  histogramQuantileAt,
  quantileRatio,
} from './fixtures.ts';
import type { AlertRule, RecordingRule, RuleGroup } from './types.ts';

const SRC_A = 'seed 001 "Alerting Rules" / inventory 2.1';
const SRC_R = 'seed 001 "Recording Rules" / inventory 2.2';
const CN = ['cluster', 'node'] as const;
const FX = { cluster: 'cluster-1', node: 'node-01' };

const m = getMetric;

// ---------------------------------------------------------------------------------------------- recording rules

const amstErrorRatio: Expr = div(
  sumBy(CN, rate(metricRef(m('dwcp_amst_errors_total')), '5m')),
  sumBy(CN, rate(metricRef(m('dwcp_amst_streams_total')), '5m')),
);

function rec(record: string, expr: Expr, source = SRC_R): RecordingRule {
  return { kind: 'record', record, expr, source };
}

const bytesSavedRate = (d: '5m' | '1h' | '24h'): Expr =>
  sub(
    sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_original_total')), d)),
    sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_compressed_total')), d)),
  );

const healthSel = () => metricRef(m('dwcp_system_component_health'));

/** Group `dwcp_aggregations` of the original recording file (seed 001 list, inventory 2.2), fixed. */
export const V1_RECORDING: readonly RecordingRule[] = [
  rec('dwcp:amst:error_rate:5m', amstErrorRatio),
  rec(
    'dwcp:amst:throughput_mbps:5m',
    div(mul(sumBy(CN, rate(metricRef(m('dwcp_amst_bytes_sent_total')), '5m')), num(8)), num(1e6)),
  ),
  rec(
    'dwcp:amst:stream_duration_p95:10m',
    histogramQuantile(
      0.95,
      bucketRef(m('dwcp_amst_latency_seconds'), eq('operation', 'stream_duration')),
      '10m',
      ['cluster'],
    ),
  ),
  rec(
    'dwcp:amst:stream_duration_p99:10m',
    histogramQuantile(
      0.99,
      bucketRef(m('dwcp_amst_latency_seconds'), eq('operation', 'stream_duration')),
      '10m',
      ['cluster'],
    ),
  ),
  rec(
    'dwcp:hde:compression_ratio_median:10m',
    histogramQuantile(0.5, bucketRef(m('dwcp_hde_compression_ratio')), '10m', ['cluster', 'data_type']),
  ),
  rec(
    'dwcp:hde:compression_ratio_p95:10m',
    histogramQuantile(0.95, bucketRef(m('dwcp_hde_compression_ratio')), '10m', ['cluster', 'data_type']),
  ),
  rec('dwcp:hde:bandwidth_saved_mbps:5m', div(mul(bytesSavedRate('5m'), num(8)), num(1e6))),
  rec(
    'dwcp:hde:success_rate:5m',
    div(
      sumBy(CN, rate(metricRef(m('dwcp_hde_operations_total'), eq('result', 'success')), '5m')),
      sumBy(CN, rate(metricRef(m('dwcp_hde_operations_total')), '5m')),
    ),
  ),
  rec('dwcp:hde:bytes_saved:24h', mul(bytesSavedRate('24h'), num(86400))),
  rec(
    'dwcp:migration:duration_median:1h',
    histogramQuantile(0.5, bucketRef(m('dwcp_migration_duration_seconds')), '1h', [
      'cluster',
      'dwcp_enabled',
    ]),
  ),
  rec(
    'dwcp:migration:duration_p95:1h',
    histogramQuantile(0.95, bucketRef(m('dwcp_migration_duration_seconds')), '1h', [
      'cluster',
      'dwcp_enabled',
    ]),
  ),
  rec(
    'dwcp:migration:speedup_actual:1h',
    bin(
      '/',
      histogramQuantile(
        0.5,
        bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'false')),
        '1h',
        ['cluster'],
      ),
      histogramQuantile(
        0.5,
        bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')),
        '1h',
        ['cluster'],
      ),
    ),
  ),
  rec(
    'dwcp:federation:sync_duration_p95:10m',
    histogramQuantile(0.95, bucketRef(m('dwcp_federation_sync_duration_seconds')), '10m', [
      'cluster',
      'remote_cluster',
    ]),
  ),
  rec(
    'dwcp:federation:bandwidth_saved_gbps:1h',
    div(
      mul(
        sumBy(['cluster'], rate(metricRef(m('dwcp_federation_bandwidth_saved_bytes_total')), '1h')),
        num(8),
      ),
      num(1e9),
    ),
  ),
  rec(
    'dwcp:federation:total_savings_tb:24h',
    div(
      sumBy(['cluster'], increase(metricRef(m('dwcp_federation_bandwidth_saved_bytes_total')), '24h')),
      num(1e12),
    ),
  ),
  rec(
    'dwcp:system:availability:5m',
    aggBy('avg', ['cluster'], bin('==', healthSel(), num(HEALTH.healthy), { bool: true })),
  ),
  rec(
    'dwcp:system:degraded_components:5m',
    aggBy('count', ['cluster'], eqOp(healthSel(), num(HEALTH.degraded))),
  ),
  rec('dwcp:system:down_components:5m', aggBy('count', ['cluster'], eqOp(healthSel(), num(HEALTH.down)))),
  rec(
    'dwcp:efficiency:overall_compression:1h',
    div(
      sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_original_total')), '1h')),
      sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_compressed_total')), '1h')),
    ),
  ),
  rec(
    'dwcp:efficiency:bandwidth_savings_ratio:1h',
    div(bytesSavedRate('1h'), sumBy(['cluster'], rate(metricRef(m('dwcp_hde_bytes_original_total')), '1h'))),
  ),
];

const availability5m = V1_RECORDING.find((r) => r.record === 'dwcp:system:availability:5m')!;

/** Group `dwcp_sla_tracking` (inventory 2.2); the 30-day availability no longer fails to parse. */
export const V1_SLA_RECORDING: readonly RecordingRule[] = [
  rec('dwcp:sla:availability:30d', call('avg_over_time', range(recordedRef(availability5m), '30d'))),
  rec(
    'dwcp:sla:migration_time:24h',
    div(
      sumBy(
        ['cluster'],
        rate(sumRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '24h'),
      ),
      sumBy(
        ['cluster'],
        rate(countRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '24h'),
      ),
    ),
  ),
  rec(
    'dwcp:sla:compression_ratio:24h',
    histogramQuantile(0.5, bucketRef(m('dwcp_hde_compression_ratio')), '24h', ['cluster']),
  ),
  rec(
    'dwcp:sla:error_rate:24h',
    div(
      sumBy(['cluster'], rate(metricRef(m('dwcp_amst_errors_total')), '24h')),
      sumBy(['cluster'], rate(metricRef(m('dwcp_amst_streams_total')), '24h')),
    ),
  ),
];

// ------------------------------------------------------------------------------------------------------- alerts

const errorRatioFixture = counterRatio(
  { name: 'dwcp_amst_errors_total', labels: { ...FX, error_type: 'connection_timeout' } },
  { name: 'dwcp_amst_streams_total', labels: { ...FX, result: 'success' } },
);

const AMST_ERR = {
  causes: [
    'WAN path loss or congestion between the clusters',
    'a remote node refusing or resetting streams',
    'a bad rollout of the AMST transport',
  ],
  actions: [
    `Break the error rate down by error_type: ${inlineCode(sumBy(['error_type'], rate(metricRef(m('dwcp_amst_errors_total')), '5m')))}`,
    'Check the remote node of the failing streams and the network path (packet loss, MTU)',
  ],
};

/** The 17 alerts of the original `dwcp-alerts.yml` (inventory 2.1), seed 001's six among them. */
export const V1_ALERTS: readonly AlertRule[] = [
  {
    kind: 'alert',
    name: 'DWCPHighErrorRate',
    component: 'amst',
    severity: 'critical',
    escalation: 'high',
    for: '5m',
    expr: gt(amstErrorRatio, num(0.05)),
    summary: 'AMST error rate above 5 % on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'More than 5 % of AMST streams on node {{ $labels.node }} (cluster {{ $labels.cluster }}) ended in an error over the last 5 minutes, for 5 minutes.',
    source: `${SRC_A} (seed 001 lists it as critical; the original file had warning)`,
    test: { series: errorRatioFixture, firing: 0.0505, silent: 0.0495 },
    runbook: AMST_ERR,
  },
  {
    kind: 'alert',
    name: 'DWCPCriticalErrorRate',
    component: 'amst',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    expr: gt(amstErrorRatio, num(0.15)),
    summary: 'AMST error rate above 15 % on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'More than 15 % of AMST streams on node {{ $labels.node }} (cluster {{ $labels.cluster }}) failed over the last 5 minutes, for 2 minutes: migrations through this node are failing.',
    source: SRC_A,
    test: { series: errorRatioFixture, firing: 0.1515, silent: 0.1485 },
    runbook: AMST_ERR,
  },
  {
    kind: 'alert',
    name: 'DWCPComponentDown',
    component: 'system',
    severity: 'critical',
    escalation: 'immediate',
    for: '2m',
    expr: eqOp(healthSel(), num(HEALTH.down)),
    summary: 'DWCP component {{ $labels.component }} down on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'Component {{ $labels.component }} on node {{ $labels.node }} (cluster {{ $labels.cluster }}) has reported health 0 (down) for 2 minutes.',
    source: `${SRC_A}; fixed: the original used < 2, which also fired for degraded`,
    test: {
      series: gaugeIs('dwcp_system_component_health', { ...FX, component: 'hde' }),
      firing: HEALTH.down,
      silent: HEALTH.degraded,
    },
    runbook: {
      causes: [
        'the component crashed or failed its self-check',
        'its dependency (network, storage, peer) is unreachable',
      ],
      actions: [
        'Check the node health endpoint: `curl http://<node>:<port>/health`',
        'Restart the component on the node if it does not recover within 5 minutes',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPComponentDegraded',
    component: 'system',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: eqOp(healthSel(), num(HEALTH.degraded)),
    summary: 'DWCP component {{ $labels.component }} degraded on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'Component {{ $labels.component }} on node {{ $labels.node }} (cluster {{ $labels.cluster }}) has reported health 1 (degraded) for 5 minutes.',
    source: SRC_A,
    test: {
      series: gaugeIs('dwcp_system_component_health', { ...FX, component: 'hde' }),
      firing: HEALTH.degraded,
      silent: HEALTH.healthy,
    },
    runbook: {
      causes: [
        'the component runs with reduced capacity (fallback mode, retries)',
        'a peer or dependency is slow',
      ],
      actions: [
        'Look at the component dashboard for the same node',
        'Check recent deploys and configuration changes of the node',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPSLAViolation',
    component: 'migration',
    severity: 'critical',
    escalation: 'high',
    for: '5m',
    expr: gt(
      div(
        sumBy(
          ['cluster'],
          rate(sumRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '1h'),
        ),
        sumBy(
          ['cluster'],
          rate(countRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')), '1h'),
        ),
      ),
      num(300),
    ),
    summary: 'Mean DWCP migration time above the 5-minute SLA on {{ $labels.cluster }}',
    description:
      'DWCP migrations in cluster {{ $labels.cluster }} took more than 300 s on average over the last hour (SLA: mean below 5 minutes).',
    source: `${SRC_A}; for shortened from 1h to 5m because the 1h rate window already averages an hour`,
    test: {
      series: histogramMean('dwcp_migration_duration_seconds', {
        cluster: 'cluster-1',
        source_node: 'node-01',
        dest_node: 'node-02',
        dwcp_enabled: 'true',
      }),
      firing: 303,
      silent: 297,
    },
    runbook: {
      causes: [
        'low WAN bandwidth or high loss on the migration path',
        'poor HDE compression for the VM workload',
        'large VMs dominating the hour',
      ],
      actions: [
        'Compare DWCP and standard migration times on the v1 dashboard',
        'Check AMST throughput and HDE compression ratio of the source nodes',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPAvailabilitySLA',
    component: 'system',
    severity: 'critical',
    escalation: 'high',
    for: '5m',
    expr: lt(
      aggBy('avg', ['cluster'], bin('==', healthSel(), num(HEALTH.healthy), { bool: true })),
      num(0.99),
    ),
    summary: 'Fewer than 99 % of DWCP components healthy in {{ $labels.cluster }}',
    description:
      'The share of DWCP component health series at 2 (healthy) in cluster {{ $labels.cluster }} has been below 99 % for 5 minutes.',
    source: `${SRC_A}; fixed: the original summed the value 2 and so doubled the ratio`,
    test: {
      series: gaugeShare(
        'dwcp_system_component_health',
        200,
        (i) => ({ ...FX, node: `node-${String(i).padStart(3, '0')}`, component: 'amst' }),
        HEALTH.healthy,
        HEALTH.down,
      ),
      firing: 0.985,
      silent: 0.995,
    },
    runbook: {
      causes: ['one or more components down or degraded (see DWCPComponentDown)', 'a whole node unhealthy'],
      actions: [
        `List unhealthy components: ${inlineCode(lt(healthSel(), num(HEALTH.healthy)))}`,
        'Follow the runbook of the component alerts that fire with it',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPLowCompressionRatio',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: lt(
      histogramQuantile(0.5, bucketRef(m('dwcp_hde_compression_ratio')), '10m', ['cluster', 'node']),
      num(3),
    ),
    summary: 'Median HDE compression ratio below 3x on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'The median HDE compression ratio (original/compressed) on node {{ $labels.node }} has been below 3x for 10 minutes (target 3-5x).',
    source: SRC_A,
    test: {
      series: histogramQuantileAt('dwcp_hde_compression_ratio', { ...FX, data_type: 'vm_memory' }, 0.5),
      firing: 2.97,
      silent: 3.03,
    },
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
  },
  {
    kind: 'alert',
    name: 'DWCPCompressionFailure',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(
      sumBy(CN, rate(metricRef(m('dwcp_hde_operations_total'), eq('result', 'failure')), '5m')),
      num(0.01),
    ),
    summary: 'HDE operations failing on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'HDE encode/decode operations on node {{ $labels.node }} failed at more than 0.01 per second over 5 minutes, for 5 minutes.',
    source: SRC_A,
    test: {
      series: counterRate('dwcp_hde_operations_total', { ...FX, operation: 'decode', result: 'failure' }),
      firing: 0.0101,
      silent: 0.0099,
    },
    runbook: {
      causes: ['corrupt or missing delta baseline on the receiver', 'memory pressure on the node'],
      actions: [
        'Break failures down by operation (encode/decode)',
        'Check baseline synchronisation between the two ends',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPLowBandwidthUtilization',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '15m',
    expr: lt(aggBy('avg', CN, metricRef(m('dwcp_amst_bandwidth_utilization_percent'))), num(50)),
    summary:
      'AMST uses less than 50 % of the available bandwidth on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'AMST bandwidth utilisation on node {{ $labels.node }} has been below 50 % for 15 minutes: transfers are not filling the link.',
    source: `${SRC_A} (seed 001 lists it as a warning; the original file had info)`,
    test: { series: gaugeIs('dwcp_amst_bandwidth_utilization_percent', FX), firing: 49.5, silent: 50.5 },
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
  },
  {
    kind: 'alert',
    name: 'DWCPHighBandwidthUtilization',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(aggBy('avg', CN, metricRef(m('dwcp_amst_bandwidth_utilization_percent'))), num(85)),
    summary: 'AMST bandwidth utilisation above 85 % on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'AMST bandwidth utilisation on node {{ $labels.node }} has been above 85 % for 5 minutes: the link is close to saturation.',
    source: SRC_A,
    test: { series: gaugeIs('dwcp_amst_bandwidth_utilization_percent', FX), firing: 85.5, silent: 84.5 },
    runbook: {
      causes: ['many concurrent migrations', 'other traffic sharing the link'],
      actions: [
        'Check concurrent migrations and stream count',
        'Consider throttling new migrations until utilisation drops',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPMigrationSlow',
    component: 'migration',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: gt(
      histogramQuantile(
        0.95,
        bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')),
        '10m',
        ['cluster'],
      ),
      mul(
        num(2),
        histogramQuantile(
          0.95,
          bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'false')),
          '10m',
          ['cluster'],
        ),
      ),
    ),
    summary: 'DWCP migrations 2x slower than standard migrations on {{ $labels.cluster }}',
    description:
      'The P95 duration of DWCP migrations in cluster {{ $labels.cluster }} has been more than twice the P95 of standard migrations for 10 minutes.',
    source: SRC_A,
    test: {
      series: quantileRatio(
        'dwcp_migration_duration_seconds',
        0.95,
        { cluster: 'cluster-1', source_node: 'node-01', dest_node: 'node-02', dwcp_enabled: 'true' },
        { cluster: 'cluster-1', source_node: 'node-01', dest_node: 'node-02', dwcp_enabled: 'false' },
        24,
      ),
      firing: 2.02,
      silent: 1.98,
    },
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
  },
  {
    kind: 'alert',
    name: 'DWCPHighLatency',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(histogramQuantile(0.99, bucketRef(m('dwcp_amst_latency_seconds')), '5m', CN), num(1)),
    summary: 'AMST P99 latency above 1 s on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'The P99 of AMST operation latency on node {{ $labels.node }} has been above 1 s for 5 minutes.',
    source: SRC_A,
    test: {
      series: histogramQuantileAt('dwcp_amst_latency_seconds', { ...FX, operation: 'send' }, 0.99),
      firing: 1.01,
      silent: 0.99,
    },
    runbook: {
      causes: ['WAN latency or loss', 'receiver slow to acknowledge (CPU, disk)'],
      actions: ['Break latency down by operation', 'Check packet loss and RTT to the remote cluster'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPLowDeltaHitRate',
    component: 'hde',
    severity: 'info',
    escalation: 'low',
    for: '15m',
    expr: lt(aggBy('avg', CN, metricRef(m('dwcp_hde_delta_hit_rate_percent'))), num(60)),
    summary: 'HDE delta hit rate below 60 % on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'Fewer than 60 % of HDE encodings on node {{ $labels.node }} found a delta baseline over 15 minutes.',
    source: SRC_A,
    test: { series: gaugeIs('dwcp_hde_delta_hit_rate_percent', FX), firing: 59.4, silent: 60.6 },
    runbook: { causes: ['baselines evicted or not yet synced'], actions: ['Check dwcp_hde_baseline_count'] },
  },
  {
    kind: 'alert',
    name: 'DWCPHighStreamCount',
    component: 'amst',
    severity: 'warning',
    escalation: 'low',
    for: '5m',
    expr: gt(sumBy(CN, metricRef(m('dwcp_amst_streams_active'))), num(100)),
    summary: 'More than 100 active AMST streams on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'Node {{ $labels.node }} has had more than 100 active AMST streams for 5 minutes (optimal 8-32 per transfer).',
    source: SRC_A,
    test: { series: gaugeIs('dwcp_amst_streams_active', FX), firing: 101, silent: 100 },
    runbook: {
      causes: ['streams leaking (not closed after a transfer)', 'many concurrent migrations'],
      actions: [
        'Compare stream count with the number of running migrations',
        'Restart AMST on the node if streams leak',
      ],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPExcessiveBaselines',
    component: 'hde',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: gt(sumBy(CN, metricRef(m('dwcp_hde_baseline_count'))), num(1000)),
    summary: 'More than 1000 HDE baselines on {{ $labels.cluster }}/{{ $labels.node }}',
    description:
      'Node {{ $labels.node }} has held more than 1000 HDE baselines for 10 minutes; memory use grows with each.',
    source: SRC_A,
    test: {
      series: gaugeIs('dwcp_hde_baseline_count', { ...FX, baseline_type: 'vm_state' }),
      firing: 1001,
      silent: 1000,
    },
    runbook: {
      causes: ['baseline eviction not running', 'many distinct VMs migrated through the node'],
      actions: ['Check node memory', 'Check the baseline_type breakdown'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPFederationSyncSlow',
    component: 'federation',
    severity: 'warning',
    escalation: 'low',
    for: '10m',
    expr: gt(
      histogramQuantile(0.95, bucketRef(m('dwcp_federation_sync_duration_seconds')), '10m', [
        'cluster',
        'remote_cluster',
      ]),
      num(5),
    ),
    summary: 'Federation sync P95 above 5 s from {{ $labels.cluster }} to {{ $labels.remote_cluster }}',
    description:
      'The P95 of federation sync duration between {{ $labels.cluster }} and {{ $labels.remote_cluster }} has been above 5 s for 10 minutes.',
    source: SRC_A,
    test: {
      series: histogramQuantileAt(
        'dwcp_federation_sync_duration_seconds',
        { cluster: 'cluster-1', remote_cluster: 'cluster-2', sync_type: 'delta' },
        0.95,
      ),
      firing: 5.05,
      silent: 4.95,
    },
    runbook: {
      causes: ['WAN latency between the clusters', 'large full syncs instead of deltas'],
      actions: ['Break sync duration down by sync_type', 'Check the inter-region bandwidth'],
    },
  },
  {
    kind: 'alert',
    name: 'DWCPLowBandwidthSavings',
    component: 'federation',
    severity: 'info',
    escalation: 'low',
    for: '1h',
    expr: lt(
      div(
        sumBy(['cluster'], rate(metricRef(m('dwcp_federation_bandwidth_saved_bytes_total')), '1h')),
        bytesSavedRate('1h'),
      ),
      num(0.5),
    ),
    summary: 'Federation saves less than half of what HDE saves in {{ $labels.cluster }}',
    description:
      'Over the last hour federation delta sync in cluster {{ $labels.cluster }} saved less than 50 % of the bytes HDE compression saved.',
    source: SRC_A,
    test: { series: savingsFixture, firing: 0.495, silent: 0.505 },
    runbook: { causes: ['federation falling back to full syncs'], actions: ['Check federation sync types'] },
  },
];

function savingsFixture(v: number) {
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

/** The v1 rule groups (intervals of the original file). */
export const V1_GROUPS: readonly RuleGroup[] = [
  { name: 'dwcp_aggregations', file: 'dwcp-v1-recording.yml', interval: '30s', rules: V1_RECORDING },
  { name: 'dwcp_sla_tracking', file: 'dwcp-v1-recording.yml', interval: '1m', rules: V1_SLA_RECORDING },
  {
    name: 'dwcp_errors',
    file: 'dwcp-v1-alerts.yml',
    interval: '30s',
    rules: V1_ALERTS.filter((a) => a.component === 'amst' && a.name.includes('ErrorRate')),
  },
  {
    name: 'dwcp_availability',
    file: 'dwcp-v1-alerts.yml',
    interval: '30s',
    rules: V1_ALERTS.filter((a) => a.component === 'system'),
  },
  {
    name: 'dwcp_compression',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter((a) => a.component === 'hde'),
  },
  {
    name: 'dwcp_performance',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter(
      (a) => (a.component === 'amst' && !a.name.includes('ErrorRate')) || a.name === 'DWCPMigrationSlow',
    ),
  },
  {
    name: 'dwcp_federation',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter((a) => a.component === 'federation'),
  },
  {
    name: 'dwcp_sla',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter((a) => a.name === 'DWCPSLAViolation'),
  },
];
