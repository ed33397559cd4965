/** The three DWCP v3 network-mode dashboards (datacenter/RDMA, internet/TCP, hybrid); see `v3.ts`. */
import type { Expr } from '../promql/ast.ts';
import { agg, aggBy, bin, eq, histogramQuantile, increase, num, rate, sumBy } from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import type { Dashboard } from './model/dashboard.ts';
import { bargauge, gauge, heatmap, piechart, q, stat, steps, table, timeseries } from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';
import { m, p, region, RI, v3 } from './v3-common.ts';

export function datacenterDashboard(): Dashboard {
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
export function internetDashboard(): Dashboard {
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
export function hybridDashboard(): Dashboard {
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
