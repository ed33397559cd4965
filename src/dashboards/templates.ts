/**
 * The built-in dashboard templates — Executive, Operations, Developer and Tenant — with the metrics each
 * audience needs, over catalog metrics only. What a template cannot show yet is left out rather than faked:
 * capacity and usage forecasts (GET /api/capacity has no widget query) are drill-down links, and distributed
 * traces are a link to the trace search.
 *
 * @see /work/shared/reference/seeds (seed 004, "Dashboard Types and Use Cases")
 */
import type { DashboardSpec, DashboardSpecInput, WidgetInput } from '../contract/dashboard-spec.ts';
import type { Aggregation } from '../contract/series.ts';
import { parseDashboardSpec } from './validate.ts';

/** Names of the templates. */
export const TEMPLATE_NAMES = ['executive', 'operations', 'developer', 'tenant'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

type Grid = { x: number; y: number; w: number; h: number };
const g = (x: number, y: number, w: number, h: number): Grid => ({ x, y, w, h });
const q = (
  refId: string,
  metric: string,
  extra: { agg?: Aggregation; by?: string[]; match?: Record<string, string>; legend?: string } = {},
) => ({ kind: 'metric' as const, refId, metric, ...extra });
const slaThresholds = [
  { value: null, color: 'red' as const },
  { value: 0.99, color: 'yellow' as const },
  { value: 0.999, color: 'green' as const },
];
const healthMappings = [
  { from: 0, to: 0, text: 'down', color: 'red' as const },
  { from: 1, to: 1, text: 'up', color: 'green' as const },
];

/** Uptime and SLAs, cost and utilisation trends, capacity, incident summary, performance KPIs. */
function executive(): DashboardSpecInput {
  const widgets: WidgetInput[] = [
    {
      type: 'stat',
      id: 'slo-compliance',
      title: 'SLO compliance (worst)',
      gridPos: g(0, 0, 6, 4),
      unit: 'ratio',
      thresholds: slaThresholds,
      queries: [q('A', 'dwcp_monitor_slo_compliance_ratio', { agg: 'min' })],
      links: [{ title: 'SLO budgets', url: '/api/slo' }],
    },
    {
      type: 'gauge',
      id: 'error-budget',
      title: 'Error budget remaining (lowest)',
      gridPos: g(6, 0, 6, 4),
      unit: 'ratio',
      queries: [q('A', 'dwcp_monitor_slo_error_budget_remaining_ratio', { agg: 'min' })],
      options: { min: 0, max: 1 },
    },
    {
      type: 'stat',
      id: 'targets-up',
      title: 'Scrape targets up',
      gridPos: g(12, 0, 6, 4),
      unit: 'ratio',
      thresholds: slaThresholds,
      queries: [q('A', 'up', { agg: 'avg' })],
    },
    {
      type: 'stat',
      id: 'speedup',
      title: 'Migration speed-up',
      gridPos: g(18, 0, 6, 4),
      unit: 'suffix:x',
      queries: [q('A', 'dwcp_migration_speedup_factor', { agg: 'avg' })],
    },
    {
      type: 'line',
      id: 'utilization',
      title: 'Resource utilisation',
      gridPos: g(0, 4, 12, 8),
      queries: [q('A', 'dwcp_v3_resource_utilization_percent', { agg: 'avg', by: ['resource_type'] })],
      links: [{ title: 'Capacity forecast', url: '/api/capacity' }],
    },
    {
      type: 'line',
      id: 'federation-savings',
      title: 'Bandwidth saved by federation',
      gridPos: g(12, 4, 12, 8),
      queries: [q('A', 'dwcp_federation_bandwidth_saved_bytes_total', { agg: 'rate', by: ['cluster'] })],
    },
    {
      type: 'progress',
      id: 'rollout',
      title: 'Rollout progress by stage',
      gridPos: g(0, 12, 12, 6),
      queries: [q('A', 'dwcp_v3_rollout_progress_percent', { agg: 'max', by: ['stage'] })],
      options: { min: 0, max: 100 },
    },
    {
      type: 'alert_list',
      id: 'incidents',
      title: 'Firing incidents',
      gridPos: g(12, 12, 12, 6),
      query: { kind: 'incidents', status: 'firing', limit: 20 },
    },
  ];
  return {
    title: 'Executive overview',
    description: 'Availability against SLOs, utilisation and savings trends, rollout and incidents.',
    tags: ['executive'],
    timeRange: { from: 'now-7d', to: 'now' },
    refresh: '1m',
    widgets,
  };
}

/** Real-time health, alerts and incidents, utilisation with drill-down, bottlenecks, network topology. */
function operations(): DashboardSpecInput {
  const widgets: WidgetInput[] = [
    {
      type: 'status',
      id: 'component-health',
      title: 'Component health',
      gridPos: g(0, 0, 8, 5),
      queries: [q('A', 'dwcp_v3_component_health', { agg: 'min', by: ['component'] })],
      options: { mappings: healthMappings },
    },
    {
      type: 'status',
      id: 'targets',
      title: 'Scrape targets',
      gridPos: g(8, 0, 8, 5),
      queries: [q('A', 'up', { agg: 'min', by: ['instance'] })],
      options: { mappings: healthMappings },
    },
    {
      type: 'stat',
      id: 'open-incidents',
      title: 'Open incidents',
      gridPos: g(16, 0, 8, 5),
      thresholds: [
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ],
      queries: [q('A', 'dwcp_monitor_incidents_open', { agg: 'max' })],
    },
    {
      type: 'line',
      id: 'throughput',
      title: 'Throughput by component',
      gridPos: g(0, 5, 12, 8),
      queries: [q('A', 'dwcp_v3_throughput_bytes_per_second', { agg: 'sum', by: ['component'] })],
    },
    {
      type: 'line',
      id: 'utilization',
      title: 'Resource utilisation by node',
      gridPos: g(12, 5, 12, 8),
      thresholds: [
        { value: null, color: 'green' },
        { value: 80, color: 'orange' },
        { value: 95, color: 'red' },
      ],
      queries: [
        q('A', 'dwcp_v3_resource_utilization_percent', {
          agg: 'max',
          by: ['node'],
          match: { node: '$node' },
        }),
      ],
      links: [
        { title: 'Series of this node', url: '/?metric=dwcp_v3_resource_utilization_percent&node=$node' },
      ],
    },
    {
      type: 'bar',
      id: 'errors',
      title: 'Errors by component',
      gridPos: g(0, 13, 8, 8),
      queries: [q('A', 'dwcp_v3_errors_total', { agg: 'rate', by: ['component'] })],
    },
    {
      type: 'heatmap',
      id: 'rtt',
      title: 'RTT by remote region',
      gridPos: g(8, 13, 8, 8),
      queries: [q('A', 'dwcp_v3_network_rtt_seconds', { agg: 'max', by: ['remote_region'] })],
    },
    {
      type: 'topology',
      id: 'topology',
      title: 'Regions and links',
      gridPos: g(16, 13, 8, 8),
      query: { kind: 'network' },
    },
    {
      type: 'alert_list',
      id: 'incidents',
      title: 'Firing incidents',
      gridPos: g(0, 21, 12, 8),
      query: { kind: 'incidents', status: 'firing', limit: 50 },
    },
    {
      type: 'table',
      id: 'anomalies',
      title: 'Active anomalies',
      gridPos: g(12, 21, 12, 8),
      queries: [{ kind: 'anomalies', activeOnly: true, limit: 100 }],
      options: { pageSize: 25, sortBy: 'severity', sortDesc: true },
    },
  ];
  return {
    title: 'Operations',
    description: 'Health, incidents, anomalies, utilisation and the network, refreshed every 5 seconds.',
    tags: ['operations'],
    variables: [
      {
        kind: 'label_values',
        name: 'node',
        label: 'Node',
        metric: 'dwcp_v3_resource_utilization_percent',
        labelName: 'node',
      },
    ],
    timeRange: { from: 'now-1h', to: 'now' },
    refresh: '5s',
    widgets,
  };
}

/** Application performance, error rates, latency, deployment (rollout) progress, logs and traces. */
function developer(): DashboardSpecInput {
  const widgets: WidgetInput[] = [
    {
      type: 'line',
      id: 'operations',
      title: 'Component operations',
      gridPos: g(0, 0, 12, 8),
      queries: [q('A', 'dwcp_v3_component_operations_total', { agg: 'rate', by: ['component'] })],
    },
    {
      type: 'line',
      id: 'errors',
      title: 'Component errors',
      gridPos: g(12, 0, 12, 8),
      queries: [q('A', 'dwcp_v3_component_errors_total', { agg: 'rate', by: ['component'] })],
      links: [{ title: 'Traces with errors', url: '/api/traces?status=error' }],
    },
    {
      type: 'line',
      id: 'rtt',
      title: 'Network RTT by remote region',
      gridPos: g(0, 8, 12, 8),
      queries: [q('A', 'dwcp_v3_network_rtt_seconds', { agg: 'p95', by: ['remote_region'] })],
    },
    {
      type: 'stacked_area',
      id: 'bytes-by-mode',
      title: 'Bytes transferred by mode',
      gridPos: g(12, 8, 12, 8),
      queries: [q('A', 'dwcp_v3_bytes_transferred_total', { agg: 'rate', by: ['mode'] })],
    },
    {
      type: 'progress',
      id: 'rollout',
      title: 'Deployment rollout by stage',
      gridPos: g(0, 16, 8, 6),
      queries: [q('A', 'dwcp_v3_rollout_progress_percent', { agg: 'max', by: ['stage'] })],
      options: { min: 0, max: 100 },
    },
    {
      type: 'stat',
      id: 'rollout-score',
      title: 'Rollout score (v3 vs v1)',
      gridPos: g(8, 16, 8, 6),
      unit: 'ratio',
      queries: [q('A', 'dwcp_monitor_rollout_score', { agg: 'avg' })],
      links: [{ title: 'Rollout decision', url: '/api/rollout' }],
    },
    {
      type: 'stat',
      id: 'failed-streams',
      title: 'Failed streams',
      gridPos: g(16, 16, 8, 6),
      queries: [q('A', 'dwcp_v3_failed_streams_total', { agg: 'rate' })],
    },
    {
      type: 'logs',
      id: 'logs',
      title: 'Error logs',
      gridPos: g(0, 22, 24, 8),
      query: { kind: 'logs', search: 'error', limit: 200 },
    },
  ];
  return {
    title: 'Developer',
    description: 'Component throughput, errors, latency, rollout progress and logs.',
    tags: ['developer'],
    timeRange: { from: 'now-1h', to: 'now' },
    refresh: '10s',
    widgets,
  };
}

/** A tenant's resource usage, migrations (VM performance and availability), transfer volume and SLA compliance. */
function tenant(): DashboardSpecInput {
  const widgets: WidgetInput[] = [
    {
      type: 'line',
      id: 'usage',
      title: 'Resource usage',
      gridPos: g(0, 0, 12, 8),
      queries: [
        q('A', 'dwcp_v3_resource_utilization_percent', {
          agg: 'avg',
          by: ['resource_type'],
          match: { node: '$node' },
        }),
      ],
      links: [{ title: 'Usage forecast', url: '/api/capacity' }],
    },
    {
      type: 'line',
      id: 'throughput',
      title: 'Migration throughput by mode',
      gridPos: g(12, 0, 12, 8),
      queries: [q('A', 'dwcp_v3_mode_throughput_bytes_per_second', { agg: 'sum', by: ['mode'] })],
    },
    {
      type: 'stat',
      id: 'migrations-ok',
      title: 'Migrations succeeded',
      gridPos: g(0, 8, 6, 4),
      queries: [q('A', 'dwcp_v3_migration_success_total', { agg: 'rate' })],
    },
    {
      type: 'stat',
      id: 'migrations-failed',
      title: 'Migrations failed',
      gridPos: g(6, 8, 6, 4),
      thresholds: [
        { value: null, color: 'green' },
        { value: 0.001, color: 'red' },
      ],
      queries: [q('A', 'dwcp_v3_migration_failures_total', { agg: 'rate' })],
    },
    {
      type: 'stat',
      id: 'transfer',
      title: 'Data transferred (billing volume)',
      gridPos: g(12, 8, 6, 4),
      queries: [q('A', 'dwcp_v3_bytes_transferred_total', { agg: 'rate' })],
    },
    {
      type: 'gauge',
      id: 'error-budget',
      title: 'Error budget remaining',
      gridPos: g(18, 8, 6, 4),
      unit: 'ratio',
      queries: [q('A', 'dwcp_monitor_slo_error_budget_remaining_ratio', { agg: 'min' })],
      options: { min: 0, max: 1 },
    },
    {
      type: 'status',
      id: 'sla',
      title: 'SLA compliance',
      gridPos: g(0, 12, 24, 5),
      queries: [q('A', 'dwcp_v3_sla_compliance', { agg: 'min', by: ['sla_type'] })],
      options: {
        mappings: [
          { from: 0, to: 0, text: 'breached', color: 'red' },
          { from: 1, to: 1, text: 'met', color: 'green' },
        ],
      },
    },
  ];
  return {
    title: 'Tenant',
    description: 'Resource usage, migrations, transfer volume and SLA compliance of your nodes.',
    tags: ['tenant'],
    variables: [
      {
        kind: 'label_values',
        name: 'node',
        label: 'Node',
        metric: 'dwcp_v3_resource_utilization_percent',
        labelName: 'node',
      },
    ],
    timeRange: { from: 'now-24h', to: 'now' },
    refresh: '30s',
    widgets,
  };
}

const BUILDERS: Readonly<Record<TemplateName, () => DashboardSpecInput>> = {
  executive,
  operations,
  developer,
  tenant,
};

/** A template as a validated spec. @throws InvalidInputError when a template does not validate (a bug, caught by the golden test) */
export function template(name: TemplateName): DashboardSpec {
  return parseDashboardSpec(BUILDERS[name]());
}

/** Every template, in the order of {@link TEMPLATE_NAMES}. */
export function allTemplates(): { name: TemplateName; dashboard: DashboardSpec }[] {
  return TEMPLATE_NAMES.map((name) => ({ name, dashboard: template(name) }));
}
