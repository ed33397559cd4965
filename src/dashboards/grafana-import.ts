/**
 * Import of a Grafana dashboard (classic JSON model) into a dashboard spec: panels become widgets of the
 * matching type (time series → line, stacked area or bar; stat; gauge; heatmap; table; bar gauge → progress;
 * status history → status; pie chart → bar in pie style; alert list; logs; node graph → topology), targets become
 * PromQL queries (kept verbatim, with legend, format and instant), field units and per-query unit overrides
 * become display units, thresholds and min/max are kept; variables (query, custom, interval, textbox) too.
 * Row panels are flattened (their panels are kept at their positions). What cannot be carried over is listed
 * in `warnings`; a dashboard that is not Grafana JSON is refused naming the failing path.
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
import { z } from 'zod';
import {
  SPEC_LIMITS,
  type DashboardSpec,
  type IncidentsQuery,
  type DashboardSpecInput,
  type WidgetInput,
} from '../contract/dashboard-spec.ts';
import { findMetric } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { ALL_VALUE } from './export-selection.ts';
import { colorFromGrafana, unitFromGrafana } from './grafana-units.ts';
import { formatPath, parseDashboardSpec } from './validate.ts';

const Target = z.looseObject({
  refId: z.string().default('A'),
  expr: z.string().default(''),
  legendFormat: z.string().default(''),
  format: z.enum(['time_series', 'table', 'heatmap']).default('time_series'),
  instant: z.boolean().default(false),
});
const Override = z.looseObject({
  matcher: z.looseObject({ id: z.string(), options: z.unknown() }),
  properties: z.array(z.looseObject({ id: z.string(), value: z.unknown() })).default([]),
});
const Step = z.looseObject({ color: z.string(), value: z.number().nullable() });
const Panel = z.looseObject({
  type: z.string(),
  title: z.string().default(''),
  description: z.string().default(''),
  gridPos: z.looseObject({
    x: z.number().int(),
    y: z.number().int(),
    w: z.number().int(),
    h: z.number().int(),
  }),
  targets: z.array(Target).default([]),
  fieldConfig: z
    .looseObject({
      defaults: z
        .looseObject({
          unit: z.string().optional(),
          min: z.number().optional(),
          max: z.number().optional(),
          thresholds: z
            .looseObject({ mode: z.string().optional(), steps: z.array(Step).default([]) })
            .optional(),
          custom: z
            .looseObject({
              drawStyle: z.string().optional(),
              stacking: z.looseObject({ mode: z.string().optional() }).optional(),
            })
            .optional(),
        })
        .default({}),
      overrides: z.array(Override).default([]),
    })
    .default({ defaults: {}, overrides: [] }),
  options: z
    .looseObject({
      graphMode: z.string().optional(),
      /** alert list: the states shown (`ok` is the name before Grafana 8) */
      stateFilter: z
        .looseObject({
          firing: z.boolean().optional(),
          normal: z.boolean().optional(),
          ok: z.boolean().optional(),
        })
        .optional(),
      /** alert list: rows shown */
      maxItems: z.number().optional(),
    })
    .default({}),
  panels: z.array(z.unknown()).optional(),
});
type GrafanaPanel = z.output<typeof Panel>;

/**
 * The incidents query of a Grafana alert list: `firing` when only firing alerts are ticked, `resolved` when only
 * normal (ok) ones are, else every status; `maxItems` as the limit, clamped to 1..500 (default 50).
 */
function incidentsQueryOf(options: GrafanaPanel['options']): IncidentsQuery {
  const firing = options.stateFilter?.firing === true;
  const normal = options.stateFilter?.normal === true || options.stateFilter?.ok === true;
  const status = firing && !normal ? 'firing' : normal && !firing ? 'resolved' : undefined;
  const max = options.maxItems;
  const limit = max !== undefined && Number.isFinite(max) ? Math.min(500, Math.max(1, Math.round(max))) : 50;
  return { kind: 'incidents', ...(status === undefined ? {} : { status }), limit };
}
const Variable = z.looseObject({
  name: z.string(),
  label: z.string().optional(),
  type: z.string(),
  query: z.unknown().optional(),
  definition: z.string().optional(),
  multi: z.boolean().optional(),
  includeAll: z.boolean().optional(),
  current: z.looseObject({ value: z.unknown().optional() }).optional(),
  options: z.array(z.looseObject({ value: z.unknown().optional() })).optional(),
});
const Dashboard = z.looseObject({
  title: z.string(),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  refresh: z.union([z.string(), z.literal(false)]).default(''),
  time: z.looseObject({ from: z.string(), to: z.string() }).optional(),
  templating: z.looseObject({ list: z.array(Variable).default([]) }).default({ list: [] }),
  panels: z.array(z.unknown()).default([]),
});

/** An imported dashboard and what could not be carried over. */
export interface GrafanaImport {
  readonly dashboard: DashboardSpec;
  readonly warnings: string[];
}

const SINGLE_VALUE = new Set(['stat', 'gauge', 'bargauge', 'status-history', 'piechart']);

function widgetType(p: GrafanaPanel): WidgetInput['type'] | undefined {
  switch (p.type) {
    case 'timeseries':
    case 'graph': {
      const custom = p.fieldConfig.defaults.custom;
      if (custom?.stacking?.mode === 'normal' || custom?.stacking?.mode === 'percent') return 'stacked_area';
      return custom?.drawStyle === 'bars' ? 'bar' : 'line';
    }
    case 'stat':
      return 'stat';
    case 'gauge':
      return 'gauge';
    case 'heatmap':
      return 'heatmap';
    case 'table':
      return 'table';
    case 'bargauge':
      return 'progress';
    case 'status-history':
    case 'state-timeline':
      return 'status';
    case 'piechart':
    case 'barchart':
      return 'bar';
    case 'alertlist':
      return 'alert_list';
    case 'logs':
      return 'logs';
    case 'nodeGraph':
      return 'topology';
    default:
      return undefined;
  }
}

/** Unit and right-axis overrides per refId (`byFrameRefID` matchers). */
function overridesByRef(p: GrafanaPanel): Map<string, { unit?: string; right: boolean }> {
  const out = new Map<string, { unit?: string; right: boolean }>();
  for (const o of p.fieldConfig.overrides) {
    if (o.matcher.id !== 'byFrameRefID' || typeof o.matcher.options !== 'string') continue;
    const e: { unit?: string; right: boolean } = { right: false };
    for (const prop of o.properties) {
      if (prop.id === 'unit' && typeof prop.value === 'string') e.unit = prop.value;
      if (prop.id === 'custom.axisPlacement' && prop.value === 'right') e.right = true;
    }
    out.set(o.matcher.options, e);
  }
  return out;
}

function widgetOf(p: GrafanaPanel, index: number, id: string, warnings: string[]): WidgetInput | undefined {
  const type = widgetType(p);
  const where = `panels[${index}] "${p.title}"`;
  if (type === undefined) {
    warnings.push(`${where}: panel type ${p.type} has no widget type; left out`);
    return undefined;
  }
  const d = p.fieldConfig.defaults;
  const unit = d.unit === undefined ? undefined : unitFromGrafana(d.unit);
  if (d.unit !== undefined && unit === undefined)
    warnings.push(`${where}: unit ${d.unit} has no display unit; shown as a plain number`);
  const overrides = overridesByRef(p);
  const queries = p.targets.map((t) => {
    const o = overrides.get(t.refId);
    const qUnit = o?.unit === undefined ? undefined : unitFromGrafana(o.unit);
    return {
      kind: 'promql' as const,
      refId: t.refId,
      expr: t.expr,
      format: t.format,
      instant: t.instant,
      ...(t.legendFormat !== '' ? { legend: t.legendFormat } : {}),
      ...(qUnit !== undefined ? { unit: qUnit } : {}),
      ...(o?.right ? { axis: 'right' as const } : {}),
    };
  });
  const steps = d.thresholds?.steps ?? [];
  const common = {
    id,
    title: p.title === '' ? `Panel ${index + 1}` : p.title,
    gridPos: { x: p.gridPos.x, y: p.gridPos.y, w: p.gridPos.w, h: p.gridPos.h },
    ...(p.description !== '' ? { description: p.description } : {}),
    ...(unit !== undefined ? { unit } : {}),
    ...(steps.length > 0
      ? {
          thresholds: steps.map((s, i) => ({
            value: i === 0 ? null : s.value,
            color: colorFromGrafana(s.color),
          })),
        }
      : {}),
  };
  const range = {
    ...(d.min !== undefined ? { min: d.min } : {}),
    ...(d.max !== undefined ? { max: d.max } : {}),
  };
  if (type === 'alert_list') return { ...common, type, query: incidentsQueryOf(p.options) };
  if (type === 'logs') return { ...common, type, query: { kind: 'logs' } };
  if (type === 'topology') return { ...common, type, query: { kind: 'network' } };
  if (queries.length === 0) {
    warnings.push(`${where}: no queries; left out`);
    return undefined;
  }
  switch (type) {
    case 'line':
      return { ...common, type, queries, options: range };
    case 'gauge':
    case 'progress':
      return { ...common, type, queries, options: range };
    case 'stat':
      return { ...common, type, queries, options: { sparkline: p.options.graphMode === 'area' } };
    case 'bar':
      return { ...common, type, queries, options: { style: SINGLE_VALUE.has(p.type) ? 'pie' : 'bars' } };
    case 'stacked_area':
      return {
        ...common,
        type,
        queries,
        options: { stacking: d.custom?.stacking?.mode === 'percent' ? 'percent' : 'normal' },
      };
    default:
      return { ...common, type, queries };
  }
}

/** Panels with the panels of collapsed rows after their row; rows themselves are not widgets. */
function flatten(panels: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const p of panels) {
    const row = p !== null && typeof p === 'object' && (p as { type?: unknown }).type === 'row';
    if (!row) out.push(p);
    else out.push(...(((p as { panels?: unknown[] }).panels ?? []) as unknown[]));
  }
  return out;
}

/** The saved selection of a label or custom variable (`current.value`, a value or an array); All and empty values are no selection. */
function currentOf(v: z.output<typeof Variable>): { current?: string[] } {
  const raw = v.current?.value;
  const values = (Array.isArray(raw) ? raw : [raw]).filter(
    (x): x is string => typeof x === 'string' && x !== '' && x !== ALL_VALUE && x.length <= 1024,
  );
  return values.length > 0 ? { current: [...new Set(values)].slice(0, SPEC_LIMITS.variableValues) } : {};
}

function variablesOf(
  list: z.output<typeof Variable>[],
  warnings: string[],
): NonNullable<DashboardSpecInput['variables']> {
  const out: NonNullable<DashboardSpecInput['variables']> = [];
  const sel = (v: z.output<typeof Variable>) => ({
    ...(v.multi !== undefined ? { multi: v.multi } : {}),
    ...(v.includeAll !== undefined ? { includeAll: v.includeAll } : {}),
  });
  const label = (v: z.output<typeof Variable>) =>
    v.label !== undefined && v.label !== '' ? { label: v.label } : {};
  for (const v of list) {
    const queryText =
      typeof v.query === 'string'
        ? v.query
        : typeof v.query === 'object' &&
            v.query !== null &&
            typeof (v.query as { query?: unknown }).query === 'string'
          ? (v.query as { query: string }).query
          : (v.definition ?? '');
    if (v.type === 'datasource') continue;
    if (v.type === 'query') {
      const m = /^label_values\((?:([a-zA-Z_:][a-zA-Z0-9_:]*)[^,]*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(
        queryText.trim(),
      );
      if (!m) {
        warnings.push(
          `variable ${v.name}: query ${queryText.slice(0, 80)} is not label_values(...); left out`,
        );
        continue;
      }
      const metric = m[1] !== undefined && findMetric(m[1]) ? { metric: m[1] } : {};
      out.push({
        kind: 'label_values',
        name: v.name,
        ...label(v),
        ...sel(v),
        ...currentOf(v),
        labelName: m[2]!,
        ...metric,
        definition: queryText,
      });
    } else if (v.type === 'custom') {
      out.push({
        kind: 'custom',
        name: v.name,
        ...label(v),
        ...sel(v),
        ...currentOf(v),
        values: queryText
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      });
    } else if (v.type === 'interval') {
      const values = queryText
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      const current = typeof v.current?.value === 'string' ? v.current.value : (values[0] ?? '1m');
      out.push({ kind: 'interval', name: v.name, ...label(v), values, default: current });
    } else if (v.type === 'textbox') {
      out.push({ kind: 'textbox', name: v.name, ...label(v), default: queryText });
    } else {
      warnings.push(`variable ${v.name}: type ${v.type} is not supported; left out`);
    }
  }
  return out;
}

/**
 * Converts a Grafana dashboard JSON object into a validated dashboard spec.
 * @throws InvalidInputError naming the path when the input is not a Grafana dashboard or the result does not validate
 */
export function importGrafanaDashboard(raw: unknown): GrafanaImport {
  const parsed = Dashboard.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new InvalidInputError(`not a Grafana dashboard: ${formatPath(i.path)}: ${i.message}`);
  }
  const g = parsed.data;
  const warnings: string[] = [];
  const widgets: WidgetInput[] = [];
  flatten(g.panels).forEach((rawPanel, i) => {
    const p = Panel.safeParse(rawPanel);
    if (!p.success)
      throw new InvalidInputError(
        `not a Grafana dashboard: panels[${i}].${formatPath(p.error.issues[0]!.path)}: ${p.error.issues[0]!.message}`,
      );
    const w = widgetOf(p.data, i, `panel-${i + 1}`, warnings);
    if (w !== undefined) widgets.push(w);
  });
  const refresh = typeof g.refresh === 'string' && /^\d{1,5}[smh]$/.test(g.refresh) ? g.refresh : 'off';
  const spec: DashboardSpecInput = {
    title: g.title,
    description: g.description,
    tags: g.tags,
    variables: variablesOf(g.templating.list, warnings),
    ...(g.time ? { timeRange: { from: g.time.from, to: g.time.to } } : {}),
    refresh,
    widgets,
  };
  return { dashboard: parseDashboardSpec(spec), warnings };
}
