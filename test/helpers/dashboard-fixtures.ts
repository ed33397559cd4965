/** Dashboard specs for the dashboard tests: one widget of every type, and small variations. */
import type { DashboardSpecInput, WidgetInput } from '../../src/contract/dashboard-spec.ts';

const pos = (i: number) => ({ x: (i % 3) * 8, y: Math.floor(i / 3) * 6, w: 8, h: 6 });
const metric = (refId: string, name: string, extra: Record<string, unknown> = {}) => ({
  kind: 'metric' as const,
  refId,
  metric: name,
  ...extra,
});

/** One widget of each of the twelve types. */
export function everyWidget(): WidgetInput[] {
  return [
    {
      type: 'line',
      id: 'bw',
      title: 'Bandwidth',
      gridPos: pos(0),
      queries: [
        metric('A', 'dwcp_amst_bytes_sent_total', {
          agg: 'rate',
          by: ['cluster'],
          match: { cluster: '$cluster' },
        }),
      ],
      thresholds: [
        { value: null, color: 'green' },
        { value: 1e9, color: 'red' },
      ],
      links: [{ title: 'Series', url: '/?metric=dwcp_amst_bytes_sent_total&cluster=$cluster' }],
    },
    {
      type: 'stacked_area',
      id: 'streams',
      title: 'Streams',
      gridPos: pos(1),
      queries: [metric('A', 'dwcp_amst_streams_active', { agg: 'sum', by: ['node'] })],
    },
    {
      type: 'bar',
      id: 'bar',
      title: 'By region',
      gridPos: pos(2),
      queries: [metric('A', 'dwcp_amst_streams_active', { agg: 'sum', by: ['cluster'] })],
    },
    {
      type: 'heatmap',
      id: 'heat',
      title: 'Latency buckets',
      gridPos: pos(3),
      queries: [metric('A', 'dwcp_amst_streams_active', { by: ['node'] })],
    },
    {
      type: 'gauge',
      id: 'gauge',
      title: 'Streams now',
      gridPos: pos(4),
      queries: [metric('A', 'dwcp_amst_streams_active', { agg: 'sum' })],
      options: { min: 0, max: 64 },
    },
    {
      type: 'status',
      id: 'status',
      title: 'Up',
      gridPos: pos(5),
      queries: [metric('A', 'dwcp_amst_streams_active', { agg: 'min' })],
      options: {
        mappings: [
          { from: 0, to: 0, text: 'down', color: 'red' },
          { from: 1, to: 1e9, text: 'up', color: 'green' },
        ],
      },
    },
    {
      type: 'progress',
      id: 'progress',
      title: 'Progress',
      gridPos: pos(6),
      unit: 'ratio',
      queries: [metric('A', 'dwcp_amst_streams_active')],
      options: { min: 0, max: 1 },
    },
    {
      type: 'alert_list',
      id: 'alerts',
      title: 'Incidents',
      gridPos: pos(7),
      query: { kind: 'incidents', status: 'firing' },
    },
    {
      type: 'table',
      id: 'table',
      title: 'Anomalies',
      gridPos: pos(8),
      queries: [{ kind: 'anomalies', limit: 10 }],
    },
    {
      type: 'logs',
      id: 'logs',
      title: 'Logs',
      gridPos: pos(9),
      query: { kind: 'logs', search: 'migration' },
    },
    { type: 'topology', id: 'topology', title: 'Regions', gridPos: pos(10), query: { kind: 'network' } },
    {
      type: 'stat',
      id: 'stat',
      title: 'Streams',
      gridPos: pos(11),
      queries: [metric('A', 'dwcp_amst_streams_active', { agg: 'sum' })],
    },
  ];
}

/** A dashboard with every widget type and a region variable. */
export function fullSpec(title = 'Operations overview'): DashboardSpecInput {
  return {
    title,
    tags: ['ops'],
    variables: [{ kind: 'custom', name: 'cluster', values: ['c1', 'c2'] }],
    timeRange: { from: 'now-15m', to: 'now' },
    refresh: '5s',
    widgets: everyWidget(),
  };
}

/** A dashboard of one stat widget. */
export function smallSpec(title: string): DashboardSpecInput {
  return { title, widgets: [everyWidget()[11]!] };
}
