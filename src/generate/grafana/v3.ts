/**
 * The 10 DWCP v3 dashboards of seed 000 "Grafana Dashboards" with the uids and panels of the original
 * `dashboard_exporter.go` (inventory 3.2), with its bugs fixed: every query names a catalog metric (the
 * original's anomaly, RDMA, congestion, Byzantine, failover, sync, consensus and placement panels read series
 * nothing emitted), histogram quantiles use `sum by (le) (rate(...))`, throughput is shown in bytes/s with a
 * bytes/s unit, and the internet-mode compression panel selects nodes by their current mode (the ratio has no
 * `mode` label).
 */
import { getMetric, type MetricName } from '../../catalog/index.ts';
import type { Expr } from '../promql/ast.ts';
import {
  agg,
  aggBy,
  bin,
  div,
  eq,
  histogramQuantile,
  increase,
  num,
  rate,
  re,
  sumBy,
} from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { dashboard, labelValuesVariable } from './dashboard.ts';
import { bargauge, gauge, heatmap, piechart, stat, steps, table, timeseries, type Query } from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';

const m = getMetric;
const RI = '$__rate_interval';
const S0 = 'seed 000 "Grafana Dashboards" / inventory 3.2';
const region = () => re('region', '$region');
const q = (expr: Expr, legend?: string): Query => (legend === undefined ? { expr } : { expr, legend });

function regionVariable() {
  return labelValuesVariable('region', metricRef(m('up'), eq('job', 'dwcp')), 'region', { label: 'Region' });
}

function v3(
  uid: string,
  title: string,
  description: string,
  refresh: string,
  from: string,
  panels: Parameters<typeof dashboard>[1],
  extraTags: string[] = [],
) {
  return dashboard(
    {
      uid,
      title,
      description,
      tags: ['dwcp', 'v3', ...extraTags],
      refresh,
      from,
      source: S0,
      variables: [regionVariable()],
    },
    panels,
  );
}

const p = (q_: number, name: MetricName, mode?: string): Query =>
  q(
    histogramQuantile(q_, bucketRef(m(name), ...(mode ? [eq('mode', mode)] : []), region()), RI),
    `P${Math.round(q_ * 100)}`,
  );

/** dwcp-v3-main: overview, mode distribution, throughput by mode, latency percentiles, component health, compression, anomalies, v1 vs v3. */
export function mainDashboard(): Record<string, unknown> {
  const bytes = () => metricRef(m('dwcp_v3_bytes_transferred_total'), region());
  return v3(
    DASHBOARD_UIDS.main,
    'DWCP v3 Monitoring Dashboard',
    'DWCP v3 overview across modes and components.',
    '10s',
    'now-1h',
    [
      stat(
        'Successful Migrations (1h)',
        [
          q(
            agg('sum', increase(metricRef(m('dwcp_v3_migration_success_total'), region()), '1h')),
            'migrations',
          ),
        ],
        { unit: 'short', w: 6 },
      ),
      stat('Transfer Throughput', [q(sumBy([], rate(bytes(), RI)), 'bytes/s')], { unit: 'Bps', w: 6 }),
      stat('Active Streams', [q(agg('sum', metricRef(m('dwcp_v3_active_streams'), region())), 'streams')], {
        unit: 'short',
        w: 6,
      }),
      stat(
        'Migration Failure Ratio (1h)',
        [
          q(
            div(
              agg('sum', increase(metricRef(m('dwcp_v3_migration_failures_total'), region()), '1h')),
              bin(
                '+',
                agg('sum', increase(metricRef(m('dwcp_v3_migration_success_total'), region()), '1h')),
                agg('sum', increase(metricRef(m('dwcp_v3_migration_failures_total'), region()), '1h')),
              ),
            ),
            'failure ratio',
          ),
        ],
        { unit: 'percentunit', w: 6, thresholds: steps('green', [0.001, 'yellow'], [0.01, 'red']) },
      ),
      piechart(
        'Network Mode Distribution',
        [
          q(
            sumBy(['mode'], increase(metricRef(m('dwcp_v3_migration_success_total'), region()), '1h')),
            '{{mode}}',
          ),
        ],
        { unit: 'short' },
      ),
      timeseries('Throughput by Mode', [q(sumBy(['mode'], rate(bytes(), RI)), '{{mode}}')], {
        unit: 'Bps',
        w: 16,
      }),
      timeseries(
        'Latency Distribution (P50, P95, P99)',
        [0.5, 0.95, 0.99].map((x) => p(x, 'dwcp_v3_mode_latency_seconds')),
        { unit: 's' },
      ),
      table(
        'Component Health Status',
        [
          q(
            sumBy(['component'], rate(metricRef(m('dwcp_v3_component_operations_total'), region()), '5m')),
            'ops/s',
          ),
          q(
            sumBy(['component'], rate(metricRef(m('dwcp_v3_component_errors_total'), region()), '5m')),
            'errors/s',
          ),
        ],
        { unit: 'ops' },
      ),
      timeseries(
        'Compression Ratio by Algorithm',
        [
          q(
            aggBy('avg', ['algorithm'], metricRef(m('dwcp_v3_compression_ratio'), region())),
            '{{algorithm}}',
          ),
        ],
        { unit: 'suffix:x', thresholds: steps('red', [3, 'green']), thresholdLines: true },
      ),
      table(
        'Detected Anomalies (Last 1h)',
        [
          q(
            sumBy(
              ['anomaly_type', 'severity'],
              increase(metricRef(m('dwcp_v3_anomaly_detections_total'), region()), '1h'),
            ),
          ),
        ],
        { unit: 'short' },
      ),
      timeseries(
        'v1 vs v3 Migration Duration (P95)',
        [
          q(
            histogramQuantile(
              0.95,
              bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true')),
              RI,
            ),
            'v1 DWCP P95',
          ),
          q(
            histogramQuantile(0.95, bucketRef(m('dwcp_v3_migration_duration_seconds'), region()), RI),
            'v3 P95',
          ),
        ],
        { unit: 's', w: 24 },
      ),
    ],
  );
}

/** dwcp-v3-datacenter: RDMA throughput and bandwidth, active RDMA streams, latency heatmap, stream efficiency. */
export function datacenterDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.datacenter,
    'DWCP v3 Datacenter Mode Dashboard',
    'Datacenter mode (RDMA).',
    '5s',
    'now-30m',
    [
      timeseries(
        'RDMA Throughput and Bandwidth',
        [
          q(
            sumBy(['instance'], metricRef(m('dwcp_v3_rdma_throughput_bytes_per_second'), region())),
            '{{instance}} throughput',
          ),
          q(
            aggBy('avg', ['instance'], metricRef(m('dwcp_v3_rdma_bandwidth_utilization_ratio'), region())),
            '{{instance}} utilisation',
          ),
        ],
        {
          unit: 'Bps',
          unitByRef: { B: 'percentunit' },
          thresholds: steps('green', [2.4e9, 'blue']),
          thresholdLines: true,
          description: 'Target 2.4 GB/s (2.4e9 bytes/s) per node.',
        },
      ),
      timeseries(
        'Active RDMA Streams',
        [
          q(
            sumBy(['instance'], metricRef(m('dwcp_v3_active_streams'), eq('mode', 'datacenter'), region())),
            '{{instance}}',
          ),
        ],
        {
          unit: 'short',
          thresholds: steps('green', [450, 'red']),
          thresholdLines: true,
          description: 'Datacenter mode runs 32-512 streams; the saturation alert fires above 450.',
        },
      ),
      heatmap(
        'Latency Heatmap (Datacenter)',
        q(
          sumBy(
            ['le'],
            rate(bucketRef(m('dwcp_v3_mode_latency_seconds'), eq('mode', 'datacenter'), region()), RI),
          ),
        ),
        { unit: 's' },
      ),
      timeseries(
        'Stream Efficiency',
        [
          q(
            aggBy('avg', ['instance'], metricRef(m('dwcp_v3_amst_stream_efficiency_ratio'), region())),
            '{{instance}}',
          ),
        ],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
      timeseries('Datacenter P95 Latency', [p(0.95, 'dwcp_v3_mode_latency_seconds', 'datacenter')], {
        unit: 's',
        thresholds: steps('green', [0.1, 'red']),
        thresholdLines: true,
        w: 24,
        description: 'Target P95 < 100 ms.',
      }),
    ],
    ['datacenter'],
  );
}

/** dwcp-v3-internet: TCP streams and congestion, compression ratio, Byzantine detection, packet loss. */
export function internetDashboard(): Record<string, unknown> {
  const internetNodes = eqCurrentMode('internet');
  return v3(
    DASHBOARD_UIDS.internet,
    'DWCP v3 Internet Mode Dashboard',
    'Internet mode (TCP, compression, Byzantine tolerance).',
    '5s',
    'now-30m',
    [
      timeseries(
        'TCP Streams and Congestion',
        [
          q(sumBy(['instance'], metricRef(m('dwcp_v3_tcp_streams'), region())), '{{instance}} streams'),
          q(
            sumBy(
              ['instance'],
              rate(metricRef(m('dwcp_v3_congestion_events_total'), eq('mode', 'internet'), region()), RI),
            ),
            '{{instance}} congestion events/s',
          ),
        ],
        { unit: 'short', unitByRef: { B: 'ops' } },
      ),
      timeseries(
        'Compression Ratio (Internet Mode)',
        [
          q(
            aggBy(
              'avg',
              ['algorithm'],
              bin('and', metricRef(m('dwcp_v3_compression_ratio'), region()), internetNodes, {
                matching: { on: ['instance'] },
              }),
            ),
            '{{algorithm}}',
          ),
        ],
        {
          unit: 'suffix:x',
          thresholds: steps('red', [3, 'green']),
          thresholdLines: true,
          description: 'Nodes whose current mode is internet; target 3-5x.',
        },
      ),
      stat(
        'Byzantine Fault Detection (1h)',
        [
          q(
            agg('sum', increase(metricRef(m('dwcp_v3_byzantine_detections_total'), region()), '1h')),
            'detections',
          ),
        ],
        { unit: 'short', thresholds: steps('green', [1, 'red']) },
      ),
      timeseries(
        'Packet Loss',
        [
          q(
            aggBy(
              'max',
              ['instance'],
              metricRef(m('dwcp_v3_packet_loss_ratio'), eq('mode', 'internet'), region()),
            ),
            '{{instance}}',
          ),
        ],
        {
          unit: 'percentunit',
          thresholds: steps('green', [0.01, 'yellow'], [0.05, 'red']),
          thresholdLines: true,
          w: 18,
        },
      ),
      stat(
        'Consensus P95 (PBFT)',
        [
          q(
            histogramQuantile(
              0.95,
              bucketRef(m('dwcp_v3_consensus_latency_seconds'), eq('protocol', 'pbft'), region()),
              RI,
            ),
            'P95',
          ),
        ],
        {
          unit: 's',
          thresholds: steps('green', [1, 'yellow'], [5, 'red']),
          description: 'Internet mode: 1-5 s acceptable.',
        },
      ),
    ],
    ['internet'],
  );
}

function eqCurrentMode(mode: string): Expr {
  return bin('==', metricRef(m('dwcp_v3_current_mode'), eq('mode', mode), region()), num(1));
}

/** dwcp-v3-hybrid: mode switch frequency, adaptive decision accuracy, failover events, mode transitions. */
export function hybridDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.hybrid,
    'DWCP v3 Hybrid Mode Dashboard',
    'Hybrid mode: switching between datacenter and internet mode.',
    '5s',
    'now-30m',
    [
      timeseries(
        'Mode Switch Frequency',
        [
          q(
            sumBy(['from_mode', 'to_mode'], rate(metricRef(m('dwcp_v3_mode_switches_total'), region()), RI)),
            '{{from_mode}} -> {{to_mode}}',
          ),
        ],
        { unit: 'ops' },
      ),
      gauge(
        'Adaptive Decision Accuracy',
        [q(agg('avg', metricRef(m('dwcp_v3_adaptive_decision_accuracy'), region())))],
        { unit: 'percentunit', min: 0, max: 1, thresholds: steps('red', [0.7, 'yellow'], [0.85, 'green']) },
      ),
      table(
        'Failover Events (1h)',
        [
          q(
            sumBy(
              ['instance', 'mode'],
              increase(metricRef(m('dwcp_v3_failover_events_total'), region()), '1h'),
            ),
          ),
        ],
        { unit: 'short', w: 6 },
      ),
      bargauge(
        'Mode Transitions (1h)',
        [
          q(
            sumBy(
              ['from_mode', 'to_mode'],
              increase(metricRef(m('dwcp_v3_mode_switches_total'), region()), '1h'),
            ),
            '{{from_mode}} -> {{to_mode}}',
          ),
        ],
        { unit: 'short' },
      ),
      piechart(
        'Mode Distribution (nodes)',
        [q(sumBy(['mode'], metricRef(m('dwcp_v3_current_mode'), region())), '{{mode}}')],
        { unit: 'short', w: 12 },
      ),
    ],
    ['hybrid'],
  );
}

/** dwcp-v3-amst: stream management, congestion control, bandwidth utilisation. */
export function amstDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.amst,
    'DWCP v3 AMST Component Dashboard',
    'Adaptive Multi-Stream Transport.',
    '5s',
    'now-30m',
    [
      timeseries(
        'Stream Management',
        [
          q(sumBy(['mode'], metricRef(m('dwcp_v3_active_streams'), region())), 'active {{mode}}'),
          q(
            sumBy(['mode'], rate(metricRef(m('dwcp_v3_failed_streams_total'), region()), RI)),
            'failed/s {{mode}}',
          ),
        ],
        { unit: 'short', unitByRef: { B: 'ops' } },
      ),
      timeseries(
        'Congestion Control',
        [q(sumBy(['mode'], rate(metricRef(m('dwcp_v3_congestion_events_total'), region()), RI)), '{{mode}}')],
        { unit: 'ops' },
      ),
      timeseries(
        'Bandwidth Utilization',
        [
          q(
            aggBy('avg', ['instance'], metricRef(m('dwcp_v3_rdma_bandwidth_utilization_ratio'), region())),
            '{{instance}} RDMA',
          ),
        ],
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: steps('green', [0.85, 'red']),
          thresholdLines: true,
        },
      ),
      timeseries(
        'AMST Throughput',
        [
          q(
            sumBy(
              ['direction', 'transport'],
              metricRef(m('dwcp_v3_throughput_bytes_per_second'), eq('component', 'amst'), region()),
            ),
            '{{direction}} {{transport}}',
          ),
        ],
        {
          unit: 'Bps',
          thresholds: steps('red', [2.0e9, 'yellow'], [2.4e9, 'green']),
          thresholdLines: true,
        },
      ),
    ],
    ['amst'],
  );
}

/** dwcp-v3-hde: compression performance, algorithm usage, delta hit rate. */
export function hdeDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.hde,
    'DWCP v3 HDE Component Dashboard',
    'Hierarchical Delta Encoding.',
    '5s',
    'now-30m',
    [
      timeseries(
        'Compression Performance',
        [
          q(
            aggBy('avg', ['algorithm'], metricRef(m('dwcp_v3_compression_ratio'), region())),
            'ratio {{algorithm}}',
          ),
          q(
            histogramQuantile(0.95, bucketRef(m('dwcp_v3_compression_latency_seconds'), region()), RI, [
              'algorithm',
            ]),
            'P95 latency {{algorithm}}',
          ),
        ],
        { unit: 'suffix:x', unitByRef: { B: 's' }, description: 'Target ratio 3-5x, latency < 10 ms.' },
      ),
      piechart(
        'Algorithm Usage Distribution',
        [
          q(
            sumBy(['algorithm'], increase(metricRef(m('dwcp_v3_compressions_total'), region()), '1h')),
            '{{algorithm}}',
          ),
        ],
        { unit: 'short' },
      ),
      gauge('Delta Encoding Hit Rate', [q(agg('avg', metricRef(m('dwcp_v3_delta_hit_ratio'), region())))], {
        unit: 'percentunit',
        min: 0,
        max: 1,
        thresholds: steps('red', [0.6, 'yellow'], [0.7, 'green']),
        w: 4,
      }),
      timeseries(
        'ML Algorithm Selection Accuracy',
        [
          q(
            aggBy('avg', ['instance'], metricRef(m('dwcp_v3_algorithm_selection_accuracy'), region())),
            '{{instance}}',
          ),
        ],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
      timeseries(
        'CRDT Merges',
        [
          q(
            sumBy(['instance'], rate(metricRef(m('dwcp_v3_crdt_merges_total'), region()), RI)),
            '{{instance}}',
          ),
        ],
        { unit: 'ops' },
      ),
    ],
    ['hde'],
  );
}

/** dwcp-v3-pba: prediction accuracy, model performance, bandwidth forecasting. */
export function pbaDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.pba,
    'DWCP v3 PBA Component Dashboard',
    'Predictive Bandwidth Allocation.',
    '5s',
    'now-30m',
    [
      timeseries(
        'Prediction Accuracy',
        [q(aggBy('avg', ['mode'], metricRef(m('dwcp_v3_prediction_accuracy'), region())), '{{mode}}')],
        {
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: steps('red', [0.7, 'yellow'], [0.85, 'green']),
          thresholdLines: true,
          description: 'Targets: datacenter 0.85, internet 0.70.',
        },
      ),
      timeseries(
        'Model Performance',
        [
          q(
            histogramQuantile(0.95, bucketRef(m('dwcp_v3_prediction_latency_seconds'), region()), RI, [
              'mode',
            ]),
            'P95 latency {{mode}}',
          ),
          q(
            sumBy([], rate(metricRef(m('dwcp_v3_pba_model_switches_total'), region()), RI)),
            'model switches/s',
          ),
        ],
        { unit: 's', unitByRef: { B: 'ops' }, description: 'Prediction latency target < 100 ms.' },
      ),
      timeseries(
        'Bandwidth Forecasting',
        [
          q(
            sumBy(['mode'], metricRef(m('dwcp_v3_predicted_bandwidth_bytes_per_second'), region())),
            'predicted {{mode}}',
          ),
          q(
            sumBy(['mode'], metricRef(m('dwcp_v3_mode_throughput_bytes_per_second'), region())),
            'actual {{mode}}',
          ),
        ],
        { unit: 'Bps', w: 24 },
      ),
    ],
    ['pba'],
  );
}

/** dwcp-v3-ass: synchronisation status, conflict resolution, CRDT operations. */
export function assDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.ass,
    'DWCP v3 ASS Component Dashboard',
    'Adaptive State Synchronization.',
    '5s',
    'now-30m',
    [
      timeseries(
        'Synchronization Status',
        [
          q(
            sumBy(['type', 'result'], rate(metricRef(m('dwcp_v3_sync_operations_total'), region()), RI)),
            '{{type}} {{result}}',
          ),
        ],
        { unit: 'ops' },
      ),
      timeseries(
        'Conflict Resolution',
        [
          q(
            sumBy(['instance'], rate(metricRef(m('dwcp_v3_sync_conflicts_resolved_total'), region()), RI)),
            '{{instance}}',
          ),
        ],
        { unit: 'ops' },
      ),
      timeseries(
        'CRDT Operations',
        [
          q(
            sumBy(['instance'], rate(metricRef(m('dwcp_v3_crdt_operations_total'), region()), RI)),
            '{{instance}}',
          ),
        ],
        { unit: 'ops' },
      ),
      timeseries(
        'Sync Latency (P95)',
        [
          q(
            histogramQuantile(0.95, bucketRef(m('dwcp_v3_sync_latency_seconds'), region()), RI, ['mode']),
            '{{mode}}',
          ),
        ],
        { unit: 's', description: 'Datacenter < 100 ms, internet convergence 5-30 s.' },
      ),
    ],
    ['ass'],
  );
}

/** dwcp-v3-acp: consensus performance, Raft vs PBFT usage, Byzantine detection. */
export function acpDashboard(): Record<string, unknown> {
  return v3(
    DASHBOARD_UIDS.acp,
    'DWCP v3 ACP Component Dashboard',
    'Adaptive Consensus Protocol.',
    '5s',
    'now-30m',
    [
      timeseries(
        'Consensus Performance',
        [0.5, 0.95, 0.99].map((x) =>
          q(
            histogramQuantile(x, bucketRef(m('dwcp_v3_consensus_latency_seconds'), region()), RI, [
              'protocol',
            ]),
            `P${Math.round(x * 100)} {{protocol}}`,
          ),
        ),
        {
          unit: 's',
          thresholds: steps('green', [0.1, 'yellow'], [5, 'red']),
          thresholdLines: true,
        },
      ),
      piechart(
        'Raft vs PBFT Usage (1h)',
        [
          q(
            sumBy(['protocol'], increase(metricRef(m('dwcp_v3_consensus_operations_total'), region()), '1h')),
            '{{protocol}}',
          ),
        ],
        { unit: 'short' },
      ),
      timeseries(
        'Byzantine Detection',
        [
          q(
            sumBy(['instance'], rate(metricRef(m('dwcp_v3_byzantine_detections_total'), region()), RI)),
            '{{instance}} byzantine/s',
          ),
          q(
            sumBy(['instance'], rate(metricRef(m('dwcp_v3_leader_changes_total'), region()), RI)),
            '{{instance}} leader changes/s',
          ),
        ],
        { unit: 'ops', w: 16 },
      ),
      timeseries(
        'Consensus Results',
        [
          q(
            sumBy(['result'], rate(metricRef(m('dwcp_v3_consensus_operations_total'), region()), RI)),
            '{{result}}',
          ),
        ],
        { unit: 'ops', w: 24 },
      ),
    ],
    ['acp'],
  );
}

/** dwcp-v3-itp: placement quality, ML prediction accuracy, cost optimisation. */
export function itpDashboard(): Record<string, unknown> {
  const decisions = (quality?: string) =>
    metricRef(m('dwcp_v3_placement_decisions_total'), ...(quality ? [eq('quality', quality)] : []), region());
  return v3(
    DASHBOARD_UIDS.itp,
    'DWCP v3 ITP Component Dashboard',
    'Intelligent Task Placement.',
    '5s',
    'now-30m',
    [
      gauge(
        'Placement Quality',
        [q(agg('avg', metricRef(m('dwcp_v3_placement_score'), region())), 'score')],
        { unit: 'short', min: 0, max: 100, thresholds: steps('red', [60, 'yellow'], [80, 'green']) },
      ),
      stat(
        'Optimal Placements (1h)',
        [
          q(
            div(agg('sum', increase(decisions('optimal'), '1h')), agg('sum', increase(decisions(), '1h'))),
            'optimal share',
          ),
        ],
        { unit: 'percentunit', thresholds: steps('red', [0.8, 'yellow'], [0.9, 'green']) },
      ),
      timeseries(
        'ML Prediction Accuracy',
        [
          q(
            aggBy('avg', ['instance'], metricRef(m('dwcp_v3_itp_prediction_accuracy'), region())),
            '{{instance}}',
          ),
        ],
        { unit: 'percentunit', min: 0, max: 1 },
      ),
      timeseries(
        'Cost Optimization (geo optimizations)',
        [
          q(
            sumBy(['instance'], rate(metricRef(m('dwcp_v3_geo_optimizations_total'), region()), RI)),
            '{{instance}}',
          ),
        ],
        { unit: 'ops', w: 24 },
      ),
    ],
    ['itp'],
  );
}

/** The 10 v3 dashboards in seed 000 order. */
export function v3Dashboards(): Record<string, unknown>[] {
  return [
    mainDashboard(),
    datacenterDashboard(),
    internetDashboard(),
    hybridDashboard(),
    amstDashboard(),
    hdeDashboard(),
    pbaDashboard(),
    assDashboard(),
    acpDashboard(),
    itpDashboard(),
  ];
}
