/**
 * The dashboard specification (the JSON a client sends to POST/PUT /api/dashboards and gets back): a typed,
 * declarative model in the manner of Perses — title, tags, variables, time range, refresh, and widgets on a
 * 24-column grid, each widget one of twelve types with its queries and options (display unit, thresholds,
 * drill-down links). Every list and string is bounded, so a stored dashboard has a bounded size.
 *
 * Widget queries are catalog metric queries (evaluated by the monitor: the same range-query path as
 * GET /api/metrics/query), PromQL text (kept from imported Grafana dashboards; only Prometheus evaluates it),
 * and the monitor's anomalies, incidents, network telemetry and logs.
 *
 * @see https://perses.dev/perses/docs/api/dashboard/ (Perses dashboard spec: panels, layouts, variables)
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
import { z } from 'zod';
import { metricForSampleName } from '../catalog/index.ts';
import { SEVERITIES } from '../model/dwcp.ts';
import { NameSchema, RoleSchema } from './auth.ts';
import { AGGREGATIONS } from './series.ts';

/** The twelve widget types. */
export const WIDGET_TYPES = [
  'line',
  'stacked_area',
  'bar',
  'heatmap',
  'gauge',
  'status',
  'progress',
  'alert_list',
  'table',
  'logs',
  'topology',
  'stat',
] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

/**
 * Display units: the catalog's base units (src/catalog/types.ts `Unit`) and the few display units dashboards
 * need besides them; or a custom suffix `suffix:<text>` (e.g. `suffix:x` for a compression ratio).
 */
export const DISPLAY_UNITS = [
  'seconds',
  'milliseconds',
  'bytes',
  'bytes_per_second',
  'megabits_per_second',
  'ratio',
  'percent',
  'count',
  'operations_per_second',
  'score',
  'state',
  'info',
  'currency_usd',
  'none',
] as const;
export const DisplayUnitSchema = z.union([
  z.enum(DISPLAY_UNITS),
  z.string().regex(/^suffix:.{1,16}$/, 'a custom unit is suffix:<1..16 characters>'),
]);
export type DisplayUnit = z.infer<typeof DisplayUnitSchema>;

/** Reducers turning a series into one value. */
export const REDUCERS = ['last', 'mean', 'max', 'min', 'sum'] as const;
export type Reducer = (typeof REDUCERS)[number];

/** Colours of thresholds and status mappings (named, so themes choose the shades). */
export const COLORS = ['green', 'yellow', 'orange', 'red', 'blue', 'purple', 'grey'] as const;

/** Bounds of a dashboard document (lists and strings), so a stored dashboard has a bounded size. */
export const SPEC_LIMITS = {
  title: 200,
  description: 2000,
  tags: 32,
  tag: 64,
  variables: 32,
  variableValues: 256,
  widgets: 64,
  queries: 8,
  matchLabels: 16,
  thresholds: 16,
  links: 8,
  mappings: 32,
  expr: 4000,
} as const;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VARIABLE_NAME = /^[a-zA-Z_][a-zA-Z0-9_]{0,63}$/;
/** Relative time as Grafana writes it: `now`, `now-30m`, `now-6h`, `now-7d`. */
const RELATIVE_TIME = /^now(-\d{1,6}[smhdw])?$/;
const DURATION = /^\d{1,6}(ms|s|m|h|d)$/;

const title = z.string().trim().min(1).max(SPEC_LIMITS.title);
const labelValue = z.string().max(1024);

/** A metric of the catalog (histogram series may be named with `_bucket`, `_sum` or `_count`). */
const CatalogMetricName = z
  .string()
  .regex(METRIC_NAME, 'must be a metric name such as dwcp_amst_streams_active')
  .refine((n) => metricForSampleName(n) !== undefined, { message: 'is not a metric of the catalog' });

/** Label matchers: label → value; a value may be a variable reference `$name` or `${name}`. */
const MatchSchema = z
  .record(z.string().regex(LABEL_NAME, 'must be a label name'), labelValue)
  .refine((m) => Object.keys(m).length <= SPEC_LIMITS.matchLabels, {
    message: `at most ${SPEC_LIMITS.matchLabels} labels`,
  });

/** Fields every series query has: its id in the widget, legend, and a unit/axis overriding the widget's. */
const QueryCommon = {
  refId: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,15}$/, 'must be a short id such as A'),
  legend: z.string().max(200).optional(),
  unit: DisplayUnitSchema.optional(),
  axis: z.enum(['left', 'right']).optional(),
};

/** A catalog metric query, evaluated like GET /api/metrics/query (aggregation per step, grouped by `by`). */
export const MetricQuerySchema = z.strictObject({
  kind: z.literal('metric'),
  ...QueryCommon,
  metric: CatalogMetricName,
  match: MatchSchema.default({}),
  agg: z.enum(AGGREGATIONS).default('avg'),
  by: z.array(z.string().regex(LABEL_NAME, 'must be a label name')).max(16).default([]),
});
export type MetricQuery = z.output<typeof MetricQuerySchema>;

/** PromQL text (from an imported Grafana dashboard); Prometheus evaluates it, this monitor does not. */
export const PromqlQuerySchema = z.strictObject({
  kind: z.literal('promql'),
  ...QueryCommon,
  expr: z.string().min(1).max(SPEC_LIMITS.expr),
  format: z.enum(['time_series', 'table', 'heatmap']).default('time_series'),
  instant: z.boolean().default(false),
});
export type PromqlQuery = z.output<typeof PromqlQuerySchema>;

export const SeriesQuerySchema = z.discriminatedUnion('kind', [MetricQuerySchema, PromqlQuerySchema]);
export type SeriesQuery = z.output<typeof SeriesQuerySchema>;

/** The monitor's anomaly history, newest first. */
export const AnomaliesQuerySchema = z.strictObject({
  kind: z.literal('anomalies'),
  metric: CatalogMetricName.optional(),
  minSeverity: z.enum(SEVERITIES).optional(),
  activeOnly: z.boolean().default(false),
  limit: z.number().int().min(1).max(500).default(50),
});
export type AnomaliesQuery = z.output<typeof AnomaliesQuerySchema>;

/** Incidents of the alerting (open or all), newest first. */
export const IncidentsQuerySchema = z.strictObject({
  kind: z.literal('incidents'),
  status: z.enum(['firing', 'resolved']).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type IncidentsQuery = z.output<typeof IncidentsQuerySchema>;

/** Inter-region network telemetry as a topology: regions, their probing nodes, and the links between regions. */
export const NetworkQuerySchema = z.strictObject({
  kind: z.literal('network'),
  region: z.string().max(128).optional(),
});
export type NetworkQuery = z.output<typeof NetworkQuerySchema>;

/** Log lines matching a text search, newest first. */
export const LogsQuerySchema = z.strictObject({
  kind: z.literal('logs'),
  search: z.string().max(500).optional(),
  match: MatchSchema.default({}),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type LogsQuery = z.output<typeof LogsQuerySchema>;

/** Every query kind. */
export type WidgetQuery = SeriesQuery | AnomaliesQuery | IncidentsQuery | NetworkQuery | LogsQuery;

/** Position on the 24-column grid: x 0..23, w 1..24 with x + w ≤ 24, y and h in grid rows. */
export const GridPosSchema = z
  .strictObject({
    x: z.number().int().min(0).max(23),
    y: z.number().int().min(0).max(10_000),
    w: z.number().int().min(1).max(24),
    h: z.number().int().min(1).max(100),
  })
  .refine((g) => g.x + g.w <= 24, { message: 'x + w must be at most 24 (the grid has 24 columns)' });

/** Threshold steps, ascending by value: `color` applies from `value` on (the first step from −∞ when value is null). */
export const ThresholdsSchema = z
  .array(z.strictObject({ value: z.number().nullable(), color: z.enum(COLORS) }))
  .min(1)
  .max(SPEC_LIMITS.thresholds)
  .refine(
    (s) =>
      s.every(
        (t, i) => i === 0 || (t.value !== null && (s[i - 1]!.value === null || s[i - 1]!.value! < t.value)),
      ),
    {
      message: 'steps must be in ascending order of value; only the first may have value null',
    },
  );

/** A drill-down link: a path on this monitor (`/…`) or an http(s) URL; `$var`/`${var}` are substituted. */
export const LinkSchema = z.strictObject({
  title: title,
  url: z
    .string()
    .max(2000)
    .refine((u) => /^\/(?!\/)/.test(u) || /^https?:\/\//i.test(u), {
      message: 'must be a path starting with / or an http(s) URL',
    }),
  newTab: z.boolean().default(false),
});

/**
 * Who may read a dashboard (its `grants`) or see a widget's data (a widget's `grants`): users with one of `roles`
 * or named in `users`, and the tenant's admins, who manage dashboards. Absent: everyone of the tenant (for a widget,
 * everyone who reads the dashboard). Enforced by the server: a dashboard not granted is not found (404) and not
 * listed; a widget not granted is `unavailable` without data.
 */
export const GrantsSchema = z
  .strictObject({
    roles: z.array(RoleSchema).max(4).default([]),
    users: z.array(NameSchema).max(64).default([]),
  })
  .refine((g) => g.roles.length + g.users.length > 0, {
    message: 'name at least one role or user (omit grants to grant everyone)',
  });
export type Grants = z.infer<typeof GrantsSchema>;

const WidgetCommon = {
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1..64 lowercase letters, digits, - or _'),
  title,
  description: z.string().max(SPEC_LIMITS.description).optional(),
  gridPos: GridPosSchema,
  /** Display unit; default: the unit of the first query's catalog metric. */
  unit: DisplayUnitSchema.optional(),
  thresholds: ThresholdsSchema.optional(),
  links: z.array(LinkSchema).max(SPEC_LIMITS.links).default([]),
  grants: GrantsSchema.optional(),
};

const seriesQueries = z
  .array(SeriesQuerySchema)
  .min(1)
  .max(SPEC_LIMITS.queries)
  .refine((qs) => new Set(qs.map((q) => q.refId)).size === qs.length, {
    message: 'refId values must be unique within the widget',
  });

const legend = z.strictObject({
  show: z.boolean().default(true),
  calcs: z.array(z.enum(REDUCERS)).max(5).default(['last', 'mean', 'max']),
});
const reduce = z.enum(REDUCERS).default('last');
const range = { min: z.number().optional(), max: z.number().optional() };

/** A value (or range) shown as a text and colour by a status widget. */
export const StatusMappingSchema = z.strictObject({
  from: z.number(),
  to: z.number(),
  text: z.string().min(1).max(64),
  color: z.enum(COLORS),
});

function widget<T extends WidgetType, S extends z.core.$ZodLooseShape>(type: T, shape: S) {
  return z.strictObject({ type: z.literal(type), ...WidgetCommon, ...shape });
}

export const WidgetSchema = z.discriminatedUnion('type', [
  widget('line', {
    queries: seriesQueries,
    options: z.strictObject({ legend: legend.optional(), ...range }).default({}),
  }),
  widget('stacked_area', {
    queries: seriesQueries,
    options: z
      .strictObject({ stacking: z.enum(['normal', 'percent']).default('normal'), legend: legend.optional() })
      .default({ stacking: 'normal' }),
  }),
  widget('bar', {
    queries: seriesQueries,
    options: z
      .strictObject({ style: z.enum(['bars', 'pie']).default('bars'), reduce })
      .default({ style: 'bars', reduce: 'last' }),
  }),
  widget('heatmap', {
    queries: seriesQueries,
    options: z.strictObject({ scheme: z.string().max(64).default('Oranges') }).default({ scheme: 'Oranges' }),
  }),
  widget('gauge', {
    queries: seriesQueries,
    options: z.strictObject({ reduce, ...range }).default({ reduce: 'last' }),
  }),
  widget('status', {
    queries: seriesQueries,
    options: z
      .strictObject({ reduce, mappings: z.array(StatusMappingSchema).max(SPEC_LIMITS.mappings).default([]) })
      .default({ reduce: 'last', mappings: [] }),
  }),
  widget('progress', {
    queries: seriesQueries,
    options: z.strictObject({ reduce, ...range }).default({ reduce: 'last' }),
  }),
  widget('alert_list', {
    query: z.discriminatedUnion('kind', [IncidentsQuerySchema, AnomaliesQuerySchema]),
    options: z.strictObject({}).default({}),
  }),
  widget('table', {
    queries: z
      .array(
        z.discriminatedUnion('kind', [
          MetricQuerySchema,
          PromqlQuerySchema,
          AnomaliesQuerySchema,
          IncidentsQuerySchema,
        ]),
      )
      .min(1)
      .max(SPEC_LIMITS.queries),
    options: z
      .strictObject({
        pageSize: z.number().int().min(1).max(500).default(25),
        sortBy: z.string().max(64).optional(),
        sortDesc: z.boolean().default(false),
        filterable: z.boolean().default(true),
      })
      .default({ pageSize: 25, sortDesc: false, filterable: true }),
  }),
  widget('logs', {
    query: LogsQuerySchema,
    options: z.strictObject({ wrap: z.boolean().default(false) }).default({ wrap: false }),
  }),
  widget('topology', { query: NetworkQuerySchema, options: z.strictObject({}).default({}) }),
  widget('stat', {
    queries: seriesQueries,
    options: z
      .strictObject({ reduce, sparkline: z.boolean().default(false) })
      .default({ reduce: 'last', sparkline: false }),
  }),
]);
export type Widget = z.output<typeof WidgetSchema>;
export type WidgetInput = z.input<typeof WidgetSchema>;

const variableCommon = {
  name: z.string().regex(VARIABLE_NAME, 'must be a variable name such as region'),
  label: z.string().max(SPEC_LIMITS.title).optional(),
};
const selection = {
  multi: z.boolean().default(true),
  includeAll: z.boolean().default(true),
  /** Values selected when the dashboard is opened without a selection (Grafana's `current`); absent: All, or the first value without All. */
  current: z.array(labelValue).min(1).max(SPEC_LIMITS.variableValues).optional(),
};

/** Dashboard variables (referenced as `$name` in label matchers and link URLs). */
export const VariableSchema = z.discriminatedUnion('kind', [
  /** Values of `labelName` on the series of `metric` (Grafana's `label_values(metric, label)`). */
  z.strictObject({
    kind: z.literal('label_values'),
    ...variableCommon,
    ...selection,
    metric: CatalogMetricName.optional(),
    labelName: z.string().regex(LABEL_NAME, 'must be a label name'),
    /** The query text of an imported dashboard, kept for export. */
    definition: z.string().max(SPEC_LIMITS.expr).optional(),
  }),
  z.strictObject({
    kind: z.literal('custom'),
    ...variableCommon,
    ...selection,
    values: z.array(labelValue).min(1).max(SPEC_LIMITS.variableValues),
  }),
  z.strictObject({
    kind: z.literal('interval'),
    ...variableCommon,
    values: z.array(z.string().regex(DURATION, 'must be a duration such as 30s')).min(1).max(32),
    default: z.string().regex(DURATION),
  }),
  z.strictObject({ kind: z.literal('textbox'), ...variableCommon, default: z.string().max(1024) }),
]);
export type DashboardVariable = z.output<typeof VariableSchema>;

/** The dashboard as created or updated. */
export const DashboardSpecSchema = z
  .strictObject({
    title,
    description: z.string().max(SPEC_LIMITS.description).default(''),
    tags: z.array(z.string().trim().min(1).max(SPEC_LIMITS.tag)).max(SPEC_LIMITS.tags).default([]),
    variables: z.array(VariableSchema).max(SPEC_LIMITS.variables).default([]),
    timeRange: z
      .strictObject({
        from: z.string().regex(RELATIVE_TIME, 'must be now or now-<n><s|m|h|d|w>, e.g. now-1h'),
        to: z.string().regex(RELATIVE_TIME, 'must be now or now-<n><s|m|h|d|w>'),
      })
      .default({ from: 'now-1h', to: 'now' }),
    /** Refresh interval of live viewers (`off`, or at least 1 s, e.g. `5s`, `1m`). */
    refresh: z
      .union([
        z.literal('off'),
        z
          .string()
          .regex(/^\d{1,5}(s|m|h)$/, 'must be off or a duration such as 5s, 1m')
          .refine((s) => !/^0+[smh]$/.test(s), 'must be at least 1s'),
      ])
      .default('30s'),
    widgets: z.array(WidgetSchema).max(SPEC_LIMITS.widgets),
    /** Who may read the dashboard (absent: everyone of the tenant). */
    grants: GrantsSchema.optional(),
  })
  .superRefine((d, ctx) => {
    const ids = new Set<string>();
    d.widgets.forEach((w, i) => {
      if (ids.has(w.id))
        ctx.addIssue({
          code: 'custom',
          path: ['widgets', i, 'id'],
          message: `duplicate widget id "${w.id}"`,
        });
      ids.add(w.id);
    });
    const names = new Set<string>();
    d.variables.forEach((v, i) => {
      if (names.has(v.name))
        ctx.addIssue({
          code: 'custom',
          path: ['variables', i, 'name'],
          message: `duplicate variable "${v.name}"`,
        });
      names.add(v.name);
    });
  });
export type DashboardSpec = z.output<typeof DashboardSpecSchema>;
export type DashboardSpecInput = z.input<typeof DashboardSpecSchema>;
