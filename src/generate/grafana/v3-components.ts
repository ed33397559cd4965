/** The six DWCP v3 component dashboards (AMST, HDE, PBA, ASS, ACP, ITP); see `v3.ts`. */
import { agg, aggBy, div, eq, histogramQuantile, increase, rate, sumBy } from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import type { Dashboard } from './model/dashboard.ts';
import { gauge, piechart, q, stat, steps, timeseries } from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';
import { m, region, RI, v3 } from './v3-common.ts';

export function amstDashboard(): Dashboard {
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
export function hdeDashboard(): Dashboard {
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
export function pbaDashboard(): Dashboard {
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
export function assDashboard(): Dashboard {
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
export function acpDashboard(): Dashboard {
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
export function itpDashboard(): Dashboard {
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

/** The 10 v3 dashboards in the order of the v3 monitoring spec. */
