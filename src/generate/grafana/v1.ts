/**
 * The DWCP v1 dashboard of the DWCP v1 metrics spec ("Dashboard Panels", 18 panels; original `configs/grafana/dwcp-dashboard.json`)
 * on the v1 recording rules. Fixed against the original: daily savings are bytes shown with a bytes unit (the
 * original put TB into a bytes unit), cost is saved GB x the `$price_per_gb` variable (the original hard-coded
 * $0.02 in a recording rule), and the migration-time and error-rate panels draw their SLA lines (5 min, 1 %).
 */
import { getMetric } from '../../catalog/index.ts';
import {
  agg,
  aggBy,
  div,
  eq,
  histogramQuantile,
  increase,
  mul,
  num,
  rate,
  re,
  sumBy,
  variable,
} from '../promql/build.ts';
import { bucketRef, countRef, metricRef, recordedRefByName, sumRef } from '../promql/metric.ts';
import { V1_RECORDING } from '../rules/v1-recording.ts';
import { dashboard, labelValuesVariable, textboxVariable } from './dashboard.ts';
import type { Dashboard } from './model/dashboard.ts';
import { gauge, HEALTH_MAPPINGS, heatmap, q, stat, statusHistory, steps, timeseries } from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';

const m = getMetric;
const RI = '$__rate_interval';
const cluster = () => re('cluster', '$cluster');

const rec = (name: string) => recordedRefByName(V1_RECORDING, name, cluster());

/** dwcp-v1-performance: the 18 panels of the v1 spec. */
export function v1Dashboard(): Dashboard {
  const migQ = (quantile: number, enabled: string) =>
    q(
      histogramQuantile(
        quantile,
        bucketRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', enabled), cluster()),
        RI,
      ),
      `${quantile === 0.5 ? 'median' : 'P95'} ${enabled === 'true' ? 'DWCP' : 'standard'}`,
    );
  return dashboard(
    {
      uid: DASHBOARD_UIDS.v1,
      title: 'DWCP Performance Monitoring',
      description: 'DWCP v1: AMST, HDE, migration, federation and system health.',
      tags: ['dwcp', 'novacron', 'networking', 'performance', 'v1'],
      refresh: '30s',
      from: 'now-6h',
      source: 'DWCP v1 metrics spec "Dashboard Panels"; original dwcp-dashboard.json',
      variables: [
        labelValuesVariable('cluster', metricRef(m('dwcp_system_component_health')), 'cluster', {
          label: 'Cluster',
        }),
        textboxVariable('price_per_gb', '0.02', 'Price per GB (USD)'),
      ],
    },
    [
      timeseries(
        'AMST Active Streams',
        [
          q(
            sumBy(['cluster', 'node'], metricRef(m('dwcp_amst_streams_active'), cluster())),
            '{{cluster}}/{{node}}',
          ),
        ],
        { unit: 'short', thresholds: steps('green', [100, 'red']), thresholdLines: true, w: 16 },
      ),
      gauge(
        'AMST Bandwidth Utilization',
        [
          q(
            aggBy('avg', ['cluster'], metricRef(m('dwcp_amst_bandwidth_utilization_percent'), cluster())),
            '{{cluster}}',
          ),
        ],
        { unit: 'percent', min: 0, max: 100, thresholds: steps('green', [70, 'yellow'], [85, 'red']), w: 8 },
      ),
      heatmap(
        'HDE Compression Ratio Distribution',
        q(sumBy(['le'], increase(bucketRef(m('dwcp_hde_compression_ratio'), cluster()), '5m'))),
        { unit: 'suffix:x' },
      ),
      timeseries('AMST Throughput', [q(rec('dwcp:amst:throughput_mbps:5m'), '{{cluster}}/{{node}}')], {
        unit: 'Mbits',
      }),
      stat('HDE Compression Efficiency', [q(rec('dwcp:hde:compression_ratio_median:10m'), '{{data_type}}')], {
        unit: 'suffix:x',
        thresholds: steps('red', [3, 'yellow'], [5, 'green']),
      }),
      gauge(
        'HDE Delta Hit Rate',
        [q(agg('avg', metricRef(m('dwcp_hde_delta_hit_rate_percent'), cluster())))],
        { unit: 'percent', min: 0, max: 100, thresholds: steps('red', [60, 'yellow'], [80, 'green']) },
      ),
      timeseries(
        'Migration Performance Comparison',
        [migQ(0.5, 'true'), migQ(0.95, 'true'), migQ(0.5, 'false'), migQ(0.95, 'false')],
        { unit: 's' },
      ),
      timeseries('Error Rate (5m)', [q(rec('dwcp:amst:error_rate:5m'), '{{cluster}}/{{node}}')], {
        unit: 'percentunit',
        thresholds: steps('green', [0.05, 'red']),
        thresholdLines: true,
      }),
      stat(
        'Bandwidth Savings Calculator',
        [q(agg('sum', rec('dwcp:hde:bandwidth_saved_mbps:5m')), 'saved')],
        { unit: 'Mbits' },
      ),
      stat('Daily Bandwidth Savings', [q(agg('sum', rec('dwcp:hde:bytes_saved:24h')), 'saved (24h)')], {
        unit: 'decbytes',
        description: 'Bytes not sent thanks to HDE over the last 24 h.',
      }),
      stat(
        'Cost Savings (USD, 24h)',
        [q(mul(div(agg('sum', rec('dwcp:hde:bytes_saved:24h')), num(1e9)), variable('price_per_gb')), 'USD')],
        {
          unit: 'currencyUSD',
          decimals: 2,
          description:
            'Saved GB (1e9 bytes) over 24 h x $price_per_gb (default 0.02 USD/GB, set in the dashboard variables).',
        },
      ),
      statusHistory(
        'Component Health Matrix',
        [
          q(
            aggBy('min', ['cluster', 'component'], metricRef(m('dwcp_system_component_health'), cluster())),
            '{{cluster}} {{component}}',
          ),
        ],
        {
          unit: 'short',
          mappings: HEALTH_MAPPINGS,
          thresholds: steps('red', [1, 'yellow'], [2, 'green']),
          min: 0,
          max: 2,
        },
      ),
      timeseries(
        'AMST Stream Latency',
        [
          q(histogramQuantile(0.95, bucketRef(m('dwcp_amst_latency_seconds'), cluster()), RI), 'P95'),
          q(histogramQuantile(0.99, bucketRef(m('dwcp_amst_latency_seconds'), cluster()), RI), 'P99'),
        ],
        { unit: 's', thresholds: steps('green', [1, 'red']), thresholdLines: true },
      ),
      gauge(
        'Migration Speedup Factor',
        [q(agg('avg', metricRef(m('dwcp_migration_speedup_factor'), cluster())))],
        {
          unit: 'suffix:x',
          min: 0,
          max: 15,
          thresholds: steps('red', [2, 'yellow'], [5, 'green'], [10, 'blue']),
        },
      ),
      timeseries(
        'Federation Sync Performance',
        [q(rec('dwcp:federation:sync_duration_p95:10m'), '{{cluster}} -> {{remote_cluster}}')],
        { unit: 's', thresholds: steps('green', [5, 'red']), thresholdLines: true },
      ),
      gauge('System Availability (SLA 99.9%)', [q(agg('avg', rec('dwcp:system:availability:5m')))], {
        unit: 'percentunit',
        min: 0.95,
        max: 1,
        decimals: 3,
        thresholds: steps('red', [0.99, 'yellow'], [0.999, 'green']),
      }),
      timeseries(
        'Average Migration Time (SLA < 5 min)',
        [
          q(
            div(
              agg(
                'sum',
                rate(
                  sumRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true'), cluster()),
                  '1h',
                ),
              ),
              agg(
                'sum',
                rate(
                  countRef(m('dwcp_migration_duration_seconds'), eq('dwcp_enabled', 'true'), cluster()),
                  '1h',
                ),
              ),
            ),
            'mean (1h)',
          ),
        ],
        {
          unit: 's',
          thresholds: steps('green', [240, 'yellow'], [300, 'red']),
          thresholdLines: true,
          description: 'SLA line at 300 s (5 minutes).',
        },
      ),
      timeseries(
        'Overall Error Rate (SLA < 1%)',
        [
          q(
            div(
              agg('sum', rate(metricRef(m('dwcp_amst_errors_total'), cluster()), '5m')),
              agg('sum', rate(metricRef(m('dwcp_amst_streams_total'), cluster()), '5m')),
            ),
            'errors / streams',
          ),
        ],
        {
          unit: 'percentunit',
          thresholds: steps('green', [0.005, 'yellow'], [0.01, 'red']),
          thresholdLines: true,
          description: 'SLA line at 1 %.',
        },
      ),
    ],
  );
}
