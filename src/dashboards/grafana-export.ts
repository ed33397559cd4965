/**
 * Export of a dashboard spec as a Grafana dashboard (classic JSON model, schemaVersion 39, importable by file
 * provisioning or the Grafana UI): widgets become panels of the matching type, PromQL queries are written as
 * they are, catalog metric queries as the equivalent PromQL (`sum by (l) (rate(m{…}[$__rate_interval]))`,
 * `quantile by (l) (0.95, m{…})`), units and per-query unit overrides as Grafana unit ids, thresholds and
 * min/max as field config, variables with their saved selection as `current`. Every panel reads the `$datasource`
 * variable (type prometheus).
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
import type { DashboardSpec, DashboardVariable, MetricQuery, Widget } from '../contract/dashboard-spec.ts';
import { GRAFANA_DATASOURCE, grafanaDatasourceVariable } from '../model/grafana-datasource.ts';
import { ALL_VALUE } from './export-selection.ts';
import { unitToGrafana } from './grafana-units.ts';

/** schemaVersion of the exported JSON (the generated dashboards' version, src/generate/grafana/dashboard.ts). */
export const GRAFANA_SCHEMA_VERSION = 39;

const DATASOURCE = GRAFANA_DATASOURCE;

/** Grafana panel type of each widget type (bar in pie style is a pie chart). */
function panelType(w: Widget): string {
  switch (w.type) {
    case 'line':
    case 'stacked_area':
      return 'timeseries';
    case 'bar':
      return w.options.style === 'pie' ? 'piechart' : 'timeseries';
    case 'progress':
      return 'bargauge';
    case 'status':
      return 'status-history';
    case 'alert_list':
      return 'alertlist';
    case 'topology':
      return 'nodeGraph';
    default:
      return w.type;
  }
}

const quoteLabel = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

/** The PromQL text of a catalog metric query. */
export function metricQueryPromql(q: MetricQuery): string {
  const matchers = Object.entries(q.match).map(([l, v]) =>
    v.startsWith('$') ? `${l}=~${quoteLabel(v)}` : `${l}=${quoteLabel(v)}`,
  );
  const selector = `${q.metric}${matchers.length > 0 ? `{${matchers.join(',')}}` : ''}`;
  const by = q.by.length > 0 ? ` by (${q.by.join(', ')})` : '';
  switch (q.agg) {
    case 'rate':
      return `sum${by} (rate(${selector}[$__rate_interval]))`;
    case 'p50':
    case 'p95':
    case 'p99':
      return `quantile${by} (0.${q.agg.slice(1)}, ${selector})`;
    default:
      return `${q.agg}${by} (${selector})`;
  }
}

function targetsOf(w: Widget): object[] {
  if (!('queries' in w)) return [];
  const out: object[] = [];
  for (const q of w.queries) {
    if (q.kind === 'promql') {
      out.push({
        refId: q.refId,
        datasource: DATASOURCE,
        expr: q.expr,
        legendFormat: q.legend ?? '',
        range: !q.instant,
        instant: q.instant,
        format: q.format,
      });
    } else if (q.kind === 'metric') {
      out.push({
        refId: q.refId,
        datasource: DATASOURCE,
        expr: metricQueryPromql(q),
        legendFormat: q.legend ?? '',
        range: true,
        instant: false,
        format: w.type === 'heatmap' ? 'heatmap' : 'time_series',
      });
    }
  }
  return out;
}

function fieldConfigOf(w: Widget): object {
  const defaults: Record<string, unknown> = {};
  if (w.unit !== undefined) defaults['unit'] = unitToGrafana(w.unit);
  if ((w.type === 'line' || w.type === 'gauge' || w.type === 'progress') && w.options.min !== undefined)
    defaults['min'] = w.options.min;
  if ((w.type === 'line' || w.type === 'gauge' || w.type === 'progress') && w.options.max !== undefined)
    defaults['max'] = w.options.max;
  if (w.thresholds !== undefined)
    defaults['thresholds'] = {
      mode: 'absolute',
      steps: w.thresholds.map((t) => ({ color: t.color, value: t.value })),
    };
  if (w.type === 'stacked_area')
    defaults['custom'] = { stacking: { mode: w.options.stacking, group: 'A' }, fillOpacity: 30 };
  if (w.type === 'bar' && w.options.style === 'bars') defaults['custom'] = { drawStyle: 'bars' };
  if (w.type === 'status') {
    defaults['mappings'] = w.options.mappings.map((m, i) => ({
      type: 'range',
      options: { from: m.from, to: m.to, result: { text: m.text, color: m.color, index: i } },
    }));
  }
  const overrides: object[] = [];
  if ('queries' in w) {
    for (const q of w.queries) {
      if (q.kind !== 'metric' && q.kind !== 'promql') continue;
      const properties: object[] = [];
      if (q.unit !== undefined) properties.push({ id: 'unit', value: unitToGrafana(q.unit) });
      if (q.axis === 'right') properties.push({ id: 'custom.axisPlacement', value: 'right' });
      if (properties.length > 0)
        overrides.push({ matcher: { id: 'byFrameRefID', options: q.refId }, properties });
    }
  }
  return { defaults, overrides };
}

function optionsOf(w: Widget): object {
  const reduceOptions = (calc: string) => ({
    values: false,
    calcs: [calc === 'last' ? 'lastNotNull' : calc],
    fields: '',
  });
  switch (w.type) {
    case 'stat':
      return {
        reduceOptions: reduceOptions(w.options.reduce),
        graphMode: w.options.sparkline ? 'area' : 'none',
      };
    case 'gauge':
    case 'progress':
    case 'status':
      return { reduceOptions: reduceOptions(w.options.reduce) };
    case 'bar':
      return w.options.style === 'pie'
        ? { reduceOptions: reduceOptions(w.options.reduce), pieType: 'pie' }
        : {};
    case 'table':
      return { showHeader: true, footer: { show: false, reducer: ['sum'], fields: '' } };
    case 'alert_list': {
      // Grafana's alert list shows every state when no state is ticked
      const q = w.query;
      const firing = q.kind === 'incidents' ? q.status === 'firing' : q.activeOnly;
      const resolved = q.kind === 'incidents' && q.status === 'resolved';
      return {
        stateFilter: firing ? { firing: true } : resolved ? { normal: true } : {},
        maxItems: q.limit,
      };
    }
    case 'logs':
      return { wrapLogMessage: w.options.wrap, sortOrder: 'Descending' };
    default:
      return {};
  }
}

/**
 * Grafana's `current` of a label or custom variable: its saved selection (an array for a multi-value variable),
 * All (`$__all`) when it has none and offers All, else empty (Grafana then takes the first value).
 */
function currentOf(v: {
  readonly multi: boolean;
  readonly includeAll: boolean;
  readonly current?: readonly string[] | undefined;
}): object {
  const one = (text: string, value: string) => ({
    selected: true,
    text: v.multi ? [text] : text,
    value: v.multi ? [value] : value,
  });
  if (v.current !== undefined)
    return v.multi
      ? { selected: true, text: [...v.current], value: [...v.current] }
      : one(v.current[0]!, v.current[0]!);
  return v.includeAll ? one('All', ALL_VALUE) : {};
}

function variableOf(v: DashboardVariable): object {
  const label = v.label ?? v.name;
  switch (v.kind) {
    case 'label_values': {
      const query = v.definition ?? `label_values(${v.metric ?? ''}${v.metric ? ', ' : ''}${v.labelName})`;
      return {
        name: v.name,
        label,
        type: 'query',
        datasource: DATASOURCE,
        query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
        definition: query,
        refresh: 2,
        includeAll: v.includeAll,
        multi: v.multi,
        allValue: '.*',
        current: currentOf(v),
        options: [],
        hide: 0,
        sort: 1,
        regex: '',
      };
    }
    case 'custom':
      return {
        name: v.name,
        label,
        type: 'custom',
        query: v.values.join(','),
        includeAll: v.includeAll,
        multi: v.multi,
        current: currentOf(v),
        options: v.values.map((x) => ({ selected: v.current?.includes(x) ?? false, text: x, value: x })),
        hide: 0,
      };
    case 'interval':
      return {
        name: v.name,
        label,
        type: 'interval',
        query: v.values.join(','),
        auto: false,
        current: { selected: true, text: v.default, value: v.default },
        options: v.values.map((x) => ({ selected: x === v.default, text: x, value: x })),
        hide: 0,
        refresh: 2,
      };
    case 'textbox':
      return {
        name: v.name,
        label,
        type: 'textbox',
        query: v.default,
        current: { selected: false, text: v.default, value: v.default },
        options: [{ selected: true, text: v.default, value: v.default }],
        hide: 0,
      };
  }
}

/** A Grafana dashboard JSON object for `spec` (`version`: the stored version). */
export function exportGrafanaDashboard(spec: DashboardSpec, version = 1): Record<string, unknown> {
  return {
    title: spec.title,
    description: spec.description,
    tags: [...spec.tags],
    timezone: 'browser',
    editable: true,
    schemaVersion: GRAFANA_SCHEMA_VERSION,
    version,
    refresh: spec.refresh === 'off' ? '' : spec.refresh,
    time: { from: spec.timeRange.from, to: spec.timeRange.to },
    templating: {
      list: [grafanaDatasourceVariable(), ...spec.variables.map(variableOf)],
    },
    panels: spec.widgets.map((w, i) => ({
      id: i + 1,
      type: panelType(w),
      title: w.title,
      description: w.description ?? '',
      gridPos: { ...w.gridPos },
      datasource: DATASOURCE,
      targets: targetsOf(w),
      fieldConfig: fieldConfigOf(w),
      options: optionsOf(w),
      links: w.links.map((l) => ({ title: l.title, url: l.url, targetBlank: l.newTab })),
    })),
  };
}
