/**
 * The dashboard API: stored dashboards (with tenant, owner and version), the list page, the update body, the
 * evaluated widget data of GET /api/dashboards/{id}/data and the messages of WS /ws/dashboards/{id}. The
 * dashboard itself is the spec of ./dashboard-spec.ts.
 */
import { z } from 'zod';
import { AnomalySchema } from './anomalies.ts';
import { IncidentSchema } from './alerting.ts';
import { LabelsSchema, listOf, successOf, WarningsSchema } from './common.ts';
import { DashboardSpecSchema, DisplayUnitSchema, WIDGET_TYPES } from './dashboard-spec.ts';
import { PairNetworkSchema } from './network.ts';

/** A stored dashboard: the spec plus who owns it, in which tenant, and its version (1 on creation, +1 per update). */
export const DashboardRecordSchema = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  owner: z.string(),
  version: z.number().int().positive(),
  createdAtMs: z.number(),
  updatedAtMs: z.number(),
  updatedBy: z.string(),
  dashboard: DashboardSpecSchema,
});
export type DashboardRecord = z.infer<typeof DashboardRecordSchema>;

/** One row of the dashboard list. */
export const DashboardSummarySchema = z.strictObject({
  id: z.string(),
  tenantId: z.string(),
  owner: z.string(),
  version: z.number().int().positive(),
  title: z.string(),
  tags: listOf(z.string()),
  widgets: z.number().int().nonnegative(),
  updatedAtMs: z.number(),
});
export type DashboardSummary = z.infer<typeof DashboardSummarySchema>;

/** A page of dashboards, sorted by title then id; `total` counts all matching dashboards of the tenant. */
export const DashboardPageSchema = z.strictObject({
  items: listOf(DashboardSummarySchema),
  total: z.number().int().nonnegative(),
  offset: z.number().int().nonnegative(),
  limit: z.number().int().positive(),
});
export type DashboardPage = z.infer<typeof DashboardPageSchema>;

/** One stored version of a dashboard (the history kept for each dashboard is bounded). */
export const DashboardVersionSchema = z.strictObject({
  version: z.number().int().positive(),
  updatedAtMs: z.number(),
  updatedBy: z.string(),
  title: z.string(),
});
export type DashboardVersion = z.infer<typeof DashboardVersionSchema>;

/** Body of PUT /api/dashboards/{id}: the version being replaced (optimistic concurrency) and the new spec. */
export const DashboardUpdateSchema = z.strictObject({
  version: z.number().int().positive(),
  dashboard: z.unknown(),
});

/** One series of a series widget's data, with the unit it is displayed in. */
export const WidgetSeriesSchema = z.strictObject({
  refId: z.string(),
  labels: LabelsSchema,
  unit: DisplayUnitSchema.nullable(),
  timestampsMs: listOf(z.number()),
  values: listOf(z.number()),
});
export type WidgetSeries = z.infer<typeof WidgetSeriesSchema>;

/** One reduced value (gauge, stat, status, progress, bar); null when the series has no value in the range. */
export const WidgetValueSchema = z.strictObject({
  refId: z.string(),
  labels: LabelsSchema,
  unit: DisplayUnitSchema.nullable(),
  value: z.number().nullable(),
});
export type WidgetValue = z.infer<typeof WidgetValueSchema>;

/** One log line. */
export const LogLineSchema = z.strictObject({
  timeMs: z.number(),
  level: z.string(),
  message: z.string(),
  labels: LabelsSchema,
});
export type LogLine = z.infer<typeof LogLineSchema>;

/** What a widget's queries evaluated to. */
export const WidgetResultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('series'), series: listOf(WidgetSeriesSchema) }),
  z.strictObject({ kind: z.literal('values'), values: listOf(WidgetValueSchema) }),
  z.strictObject({ kind: z.literal('anomalies'), anomalies: listOf(AnomalySchema) }),
  z.strictObject({ kind: z.literal('incidents'), incidents: listOf(IncidentSchema) }),
  z.strictObject({
    kind: z.literal('table'),
    series: listOf(WidgetSeriesSchema),
    anomalies: listOf(AnomalySchema),
    incidents: listOf(IncidentSchema),
  }),
  z.strictObject({
    kind: z.literal('topology'),
    /** Regions, sorted; nodes with the region they probe from; one link per directed region pair. */
    regions: listOf(z.string()),
    nodes: listOf(z.strictObject({ id: z.string(), region: z.string() })),
    links: listOf(PairNetworkSchema),
  }),
  z.strictObject({ kind: z.literal('logs'), lines: listOf(LogLineSchema) }),
]);
export type WidgetResult = z.infer<typeof WidgetResultSchema>;

/**
 * Data of one widget: `ok` with its result, or why there is none — `error` (a query failed), `unsupported`
 * (PromQL text, which only Prometheus evaluates), `unavailable` (the monitor has no source for it).
 */
export const WidgetDataSchema = z.discriminatedUnion('status', [
  z.strictObject({
    id: z.string(),
    type: z.enum(WIDGET_TYPES),
    status: z.literal('ok'),
    unit: DisplayUnitSchema.nullable(),
    result: WidgetResultSchema,
    /** When the result was computed (Unix ms); older than the request when it came from the shared cache. */
    computedAtMs: z.number(),
    warnings: WarningsSchema,
  }),
  z.strictObject({
    id: z.string(),
    type: z.enum(WIDGET_TYPES),
    status: z.enum(['error', 'unsupported', 'unavailable']),
    message: z.string(),
  }),
]);
export type WidgetData = z.infer<typeof WidgetDataSchema>;

/** `data` of GET /api/dashboards/{id}/data and of each WS /ws/dashboards/{id} `data` message. */
export const DashboardDataSchema = z.strictObject({
  id: z.string(),
  version: z.number().int().positive(),
  startMs: z.number(),
  endMs: z.number(),
  stepMs: z.number().positive(),
  widgets: listOf(WidgetDataSchema),
});
export type DashboardData = z.infer<typeof DashboardDataSchema>;

/** Messages of WS /ws/dashboards/{id}: widget data on each refresh, or an error (e.g. the dashboard was deleted). */
export const DashboardLiveMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('data'), data: DashboardDataSchema }),
  z.strictObject({ type: z.literal('error'), error: z.string() }),
]);
export type DashboardLiveMessage = z.infer<typeof DashboardLiveMessageSchema>;

export const DashboardResponseSchema = successOf(DashboardRecordSchema);
export type DashboardResponse = z.infer<typeof DashboardResponseSchema>;
export const DashboardPageResponseSchema = successOf(DashboardPageSchema);
export type DashboardPageResponse = z.infer<typeof DashboardPageResponseSchema>;
export const DashboardVersionsResponseSchema = successOf(listOf(DashboardVersionSchema));
export type DashboardVersionsResponse = z.infer<typeof DashboardVersionsResponseSchema>;
export const DashboardDataResponseSchema = successOf(DashboardDataSchema);
export type DashboardDataResponse = z.infer<typeof DashboardDataResponseSchema>;
/**
 * The choices of one dashboard variable for its picker: label values found on the variable's metric (sorted,
 * at most the spec's variable-values bound, `truncated` when more exist), a custom or interval variable's own
 * values, none for a textbox. Selected values travel as `var[name]=v1,v2` and are only ever label values.
 */
export const VariableOptionsSchema = z.strictObject({
  name: z.string(),
  label: z.string(),
  kind: z.enum(['label_values', 'custom', 'interval', 'textbox']),
  multi: z.boolean(),
  includeAll: z.boolean(),
  options: listOf(z.string()),
  truncated: z.boolean(),
  /** The saved selection the console opens with when its URL has none (a label/custom variable's `current`, an interval's or text's default); empty: All, or the first option without All. */
  current: listOf(z.string()),
});
export type VariableOptions = z.infer<typeof VariableOptionsSchema>;
/** GET /api/dashboards/{id}/variables: the choices of each of the dashboard's variables, in its order. */
export const DashboardVariablesResponseSchema = successOf(listOf(VariableOptionsSchema));
export type DashboardVariablesResponse = z.infer<typeof DashboardVariablesResponseSchema>;
/** GET /api/dashboards/templates: the built-in templates by name. */
export const DashboardTemplatesResponseSchema = successOf(
  listOf(z.strictObject({ name: z.string(), dashboard: DashboardSpecSchema })),
);
export type DashboardTemplatesResponse = z.infer<typeof DashboardTemplatesResponseSchema>;
/** POST /api/dashboards/import/grafana: the stored dashboard and what could not be carried over. */
export const DashboardImportResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: DashboardRecordSchema,
  warnings: WarningsSchema,
});
export type DashboardImportResponse = z.infer<typeof DashboardImportResponseSchema>;
/** GET /api/dashboards/{id}/export?format=json|grafana: the dashboard spec, or a Grafana dashboard JSON object. */
export const DashboardExportSchema = z.record(z.string(), z.unknown());
