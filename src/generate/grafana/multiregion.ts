/**
 * The multi-region dashboards of the multi-region monitoring spec (global overview, regional deep-dive, DWCP
 * protocol, load balancer; original `dashboard.go`). The original queried request/latency/connection series nothing emitted
 * (`dwcp_requests_total`, `dwcp_latency_bucket`, `dwcp_active_connections`, `dwcp_lb_requests_total`, ...);
 * here requests are DWCP v3 component operations, latency is the component latency histogram, connections
 * are AMST streams, and the load balancer's backends are the scrape targets (DWCP nodes): the catalog has no
 * load-balancer metrics. The per-region dashboards (`dwcp-region-<r>`) become one deep-dive with a `$region`
 * variable.
 */
import { getMetric } from '../../catalog/index.ts';
import { agg, aggBy, bin, div, eq, histogramQuantile, rate, re, sumBy } from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { dashboard, labelValuesVariable } from './dashboard.ts';
import type { Dashboard } from './model/dashboard.ts';
import {
  gauge,
  HEALTH_MAPPINGS,
  heatmap,
  piechart,
  q,
  stat,
  statusHistory,
  steps,
  table,
  timeseries,
} from './panels.ts';
import { DASHBOARD_UIDS } from './uids.ts';

const m = getMetric;
const RI = '$__rate_interval';
const S3 = 'multi-region monitoring spec "Grafana Dashboard Integration"; original dashboard.go';
const region = () => re('region', '$region');
const regionVar = () =>
  labelValuesVariable('region', metricRef(m('up'), eq('job', 'dwcp')), 'region', { label: 'Region' });
const ops = () => metricRef(m('dwcp_v3_component_operations_total'), region());
const errs = () => metricRef(m('dwcp_v3_component_errors_total'), region());

function md(
  uid: string,
  title: string,
  description: string,
  panels: Parameters<typeof dashboard>[1],
  tags: string[],
) {
  return dashboard(
    {
      uid,
      title,
      description,
      tags: ['dwcp', 'multi-region', ...tags],
      refresh: '30s',
      from: 'now-1h',
      source: S3,
      variables: [regionVar()],
    },
    panels,
  );
}

/** dwcp-global-overview. */
export function globalOverviewDashboard(): Dashboard {
  return md(
    DASHBOARD_UIDS.globalOverview,
    'DWCP Global Overview',
    'All regions at a glance.',
    [
      timeseries('Operations by Region', [q(sumBy(['region'], rate(ops(), RI)), '{{region}}')], {
        unit: 'ops',
      }),
      timeseries(
        'Error Rate by Region',
        [q(div(sumBy(['region'], rate(errs(), RI)), sumBy(['region'], rate(ops(), RI))), '{{region}}')],
        { unit: 'percentunit', thresholds: steps('green', [0.01, 'red']), thresholdLines: true },
      ),
      timeseries(
        'P95 Latency by Region',
        [
          q(
            histogramQuantile(0.95, bucketRef(m('dwcp_v3_component_latency_seconds'), region()), RI, [
              'region',
            ]),
            '{{region}}',
          ),
        ],
        { unit: 's' },
      ),
      stat('Active Streams', [q(agg('sum', metricRef(m('dwcp_v3_active_streams'), region())), 'streams')], {
        unit: 'short',
      }),
      stat('Nodes Up', [q(agg('sum', metricRef(m('up'), eq('job', 'dwcp'), region())), 'up')], {
        unit: 'short',
      }),
      timeseries(
        'Transfer Throughput by Region',
        [
          q(
            sumBy(['region'], rate(metricRef(m('dwcp_v3_bytes_transferred_total'), region()), RI)),
            '{{region}}',
          ),
        ],
        { unit: 'Bps', w: 12 },
      ),
      statusHistory(
        'Regional Component Health',
        [q(aggBy('min', ['region'], metricRef(m('dwcp_v3_component_health'), region())), '{{region}}')],
        {
          unit: 'short',
          mappings: HEALTH_MAPPINGS,
          thresholds: steps('red', [1, 'yellow'], [2, 'green']),
          min: 0,
          max: 2,
          w: 12,
        },
      ),
    ],
    ['overview'],
  );
}

/** dwcp-regional-deep-dive. */
export function regionalDeepDiveDashboard(): Dashboard {
  return md(
    DASHBOARD_UIDS.regionalDeepDive,
    'DWCP Regional Deep-Dive',
    'One region (choose $region): operations, latency, nodes.',
    [
      timeseries(
        'Request Rate by Operation',
        [q(sumBy(['component', 'operation_type'], rate(ops(), RI)), '{{component}} {{operation_type}}')],
        { unit: 'ops' },
      ),
      heatmap(
        'Latency Distribution',
        q(sumBy(['le'], rate(bucketRef(m('dwcp_v3_component_latency_seconds'), region()), RI))),
        { unit: 's' },
      ),
      table(
        'Nodes',
        [
          q(sumBy(['instance', 'node'], metricRef(m('up'), eq('job', 'dwcp'), region())), 'up'),
          q(
            aggBy('min', ['instance'], metricRef(m('dwcp_v3_component_health'), region())),
            'worst component health',
          ),
        ],
        { unit: 'short' },
      ),
      timeseries(
        'Throughput per Node',
        [
          q(
            sumBy(['instance'], metricRef(m('dwcp_v3_mode_throughput_bytes_per_second'), region())),
            '{{instance}}',
          ),
        ],
        { unit: 'Bps' },
      ),
      timeseries(
        'Errors by Component',
        [q(sumBy(['component', 'error_type'], rate(errs(), RI)), '{{component}} {{error_type}}')],
        { unit: 'ops', w: 24 },
      ),
    ],
    ['region'],
  );
}

/** dwcp-protocol-metrics. */
export function protocolDashboard(): Dashboard {
  const bytes = () => metricRef(m('dwcp_v3_bytes_transferred_total'), region());
  return md(
    DASHBOARD_UIDS.protocol,
    'DWCP Protocol Metrics',
    'Message types, compression and bandwidth of the DWCP protocol.',
    [
      piechart(
        'Message Types Distribution',
        [q(sumBy(['component', 'operation_type'], rate(ops(), '5m')), '{{component}} {{operation_type}}')],
        { unit: 'ops' },
      ),
      timeseries(
        'Compression Ratio by Region',
        [q(aggBy('avg', ['region'], metricRef(m('dwcp_v3_compression_ratio'), region())), '{{region}}')],
        { unit: 'suffix:x', w: 16 },
      ),
      timeseries('Bandwidth Sent/Received', [q(sumBy(['direction'], rate(bytes(), RI)), '{{direction}}')], {
        unit: 'Bps',
        w: 24,
      }),
    ],
    ['protocol'],
  );
}

/** dwcp-load-balancer: backends are the DWCP nodes (scrape targets of job dwcp). */
export function loadBalancerDashboard(): Dashboard {
  const up = () => metricRef(m('up'), eq('job', 'dwcp'), region());
  return md(
    DASHBOARD_UIDS.loadBalancer,
    'DWCP Load Balancer',
    'Backend health and request distribution across DWCP nodes.',
    [
      stat('Backend Health', [q(div(agg('sum', up()), agg('count', up())), 'healthy backends')], {
        unit: 'percentunit',
        thresholds: steps('red', [0.5, 'yellow'], [1, 'green']),
      }),
      gauge('Healthy Backends', [q(agg('sum', up()), 'up')], { unit: 'short', min: 0 }),
      timeseries(
        'Request Distribution by Backend',
        [q(sumBy(['instance'], rate(ops(), RI)), '{{instance}}')],
        { unit: 'ops', w: 12 },
      ),
      piechart('Request Share by Backend (5m)', [q(sumBy(['instance'], rate(ops(), '5m')), '{{instance}}')], {
        unit: 'ops',
        w: 12,
      }),
      timeseries(
        'Backend Imbalance (max / avg)',
        [
          q(
            bin(
              '/',
              aggBy('max', ['region'], sumBy(['region', 'instance'], rate(ops(), RI))),
              aggBy('avg', ['region'], sumBy(['region', 'instance'], rate(ops(), RI))),
            ),
            '{{region}}',
          ),
        ],
        {
          unit: 'suffix:x',
          thresholds: steps('green', [1.5, 'yellow'], [2, 'red']),
          thresholdLines: true,
          w: 12,
          description: '1 = perfectly even; above 2 one backend gets twice the average.',
        },
      ),
      timeseries('Backends Up', [q(sumBy(['region'], up()), '{{region}}')], { unit: 'short', min: 0, w: 24 }),
    ],
    ['load-balancer'],
  );
}

/** The four multi-region dashboards. */
export function multiRegionDashboards(): Dashboard[] {
  return [
    globalOverviewDashboard(),
    regionalDeepDiveDashboard(),
    protocolDashboard(),
    loadBalancerDashboard(),
  ];
}
