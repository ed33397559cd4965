/**
 * The 10 DWCP v3 dashboards of the DWCP v3 monitoring spec ("Grafana Dashboards") with the uids and panels of
 * the original `dashboard_exporter.go`, with its bugs fixed: every query names a catalog metric (the
 * original's anomaly, RDMA, congestion, Byzantine, failover, sync, consensus and placement panels read series
 * nothing emitted), histogram quantiles use `sum by (le) (rate(...))`, throughput is shown in bytes/s with a
 * bytes/s unit, and the internet-mode compression panel selects nodes by their current mode (the ratio has no
 * `mode` label).
 * @see seed 000 "Grafana Dashboards"; NovaCron inventory 3.2
 */
import { agg, aggBy, bin, div, eq, histogramQuantile, increase, rate, sumBy } from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import type { Dashboard } from './model/dashboard.ts';
import { piechart, q, stat, steps, table, timeseries } from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';
import { m, p, region, RI, v3 } from './v3-common.ts';
import {
  acpDashboard,
  amstDashboard,
  assDashboard,
  hdeDashboard,
  itpDashboard,
  pbaDashboard,
} from './v3-components.ts';
import { datacenterDashboard, hybridDashboard, internetDashboard } from './v3-modes.ts';

/** dwcp-v3-main: overview, mode distribution, throughput by mode, latency percentiles, component health, compression, anomalies, v1 vs v3. */
export function mainDashboard(): Dashboard {
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
export function v3Dashboards(): Dashboard[] {
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
