/**
 * Composable Grafana panel builders (classic dashboard JSON, schemaVersion 39 = Grafana 10.x/11.x; panel
 * options as in https://grafana.com/docs/grafana/latest/panels-visualizations/visualizations/). A panel is built
 * from PromQL syntax trees (`../promql`), so its queries can only name catalog metrics; `dashboard.ts` assigns
 * ids and grid positions.
 */
import type { Expr } from '../promql/ast.ts';
import { printExpr } from '../promql/print.ts';

/** The datasource every panel and target uses: the dashboard's `$datasource` variable. */
export const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;

/** One query of a panel. */
export interface Query {
  readonly expr: Expr;
  readonly legend?: string;
  /** Evaluate once at the end of the range (tables, stats of counters over a window). */
  readonly instant?: boolean;
  readonly format?: 'time_series' | 'table' | 'heatmap';
}

/** A threshold step: color from `value` on (the first step has value null = from -Inf). */
export interface Step {
  readonly color: string;
  readonly value: number | null;
}

/** Options shared by every panel builder. */
export interface PanelOptions {
  readonly description?: string;
  /** Grid width (1..24) and height. */
  readonly w?: number;
  readonly h?: number;
  /** Grafana unit id (s, Bps, percentunit, percent, short, ops, decbytes, currencyUSD, ...). */
  readonly unit?: string;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  readonly thresholds?: readonly Step[];
  /** Draw thresholds as lines (SLA lines) on time series. */
  readonly thresholdLines?: boolean;
  readonly mappings?: readonly Record<string, unknown>[];
  /** Per-query overrides: refId -> unit (a second unit goes to the right axis). */
  readonly unitByRef?: Readonly<Record<string, string>>;
  /** Minimum query step, e.g. `$interval`. */
  readonly interval?: string;
}

/** A panel before layout: everything but `id` and `gridPos`. */
export interface PanelSpec {
  readonly w: number;
  readonly h: number;
  readonly json: Record<string, unknown>;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Threshold steps from a base color and (value, color) pairs. */
export function steps(base: string, ...rest: [number, string][]): Step[] {
  return [{ color: base, value: null }, ...rest.map(([value, color]) => ({ color, value }))];
}

/** Value mappings for component health 0/1/2 (model/dwcp.ts HEALTH). */
export const HEALTH_MAPPINGS: readonly Record<string, unknown>[] = [
  {
    type: 'value',
    options: {
      '0': { text: 'down', color: 'red', index: 0 },
      '1': { text: 'degraded', color: 'yellow', index: 1 },
      '2': { text: 'healthy', color: 'green', index: 2 },
    },
  },
];

/** One state of an encoded gauge: its numeric value, the text Grafana shows instead and the color. */
export interface ValueState {
  readonly value: number;
  readonly text: string;
  readonly color: string;
}

/**
 * A value mapping (`type: 'value'`) from the states of an encoded gauge, e.g. the rollout decision 0/1/2 →
 * NO-GO/CAUTION/GO; `index` follows the order given.
 */
export function valueMappings(states: readonly ValueState[]): Record<string, unknown>[] {
  return [
    {
      type: 'value',
      options: Object.fromEntries(
        states.map((s, index) => [String(s.value), { text: s.text, color: s.color, index }]),
      ),
    },
  ];
}

function targets(queries: readonly Query[]): Record<string, unknown>[] {
  return queries.map((q, i) => ({
    refId: REF_IDS[i]!,
    datasource: DATASOURCE,
    expr: printExpr(q.expr),
    legendFormat: q.legend ?? '__auto',
    range: !q.instant,
    instant: q.instant ?? false,
    format: q.format ?? 'time_series',
  }));
}

function fieldConfig(o: PanelOptions, custom: Record<string, unknown> = {}): Record<string, unknown> {
  const defaults: Record<string, unknown> = {
    unit: o.unit ?? 'short',
    thresholds: { mode: 'absolute', steps: o.thresholds ?? steps('green') },
    mappings: o.mappings ?? [],
    custom,
  };
  if (o.min !== undefined) defaults.min = o.min;
  if (o.max !== undefined) defaults.max = o.max;
  if (o.decimals !== undefined) defaults.decimals = o.decimals;
  const overrides = Object.entries(o.unitByRef ?? {}).map(([ref, unit]) => ({
    matcher: { id: 'byFrameRefID', options: ref },
    properties: [
      { id: 'unit', value: unit },
      { id: 'custom.axisPlacement', value: 'right' },
    ],
  }));
  return { defaults, overrides };
}

function panel(
  type: string,
  title: string,
  queries: readonly Query[],
  o: PanelOptions,
  extra: { options: Record<string, unknown>; custom?: Record<string, unknown> },
  w = 12,
  h = 8,
): PanelSpec {
  const json: Record<string, unknown> = {
    type,
    title,
    description: o.description ?? '',
    datasource: DATASOURCE,
    targets: targets(queries),
    fieldConfig: fieldConfig(o, extra.custom),
    options: extra.options,
    transformations: [],
  };
  if (o.interval) json.interval = o.interval;
  return { w: o.w ?? w, h: o.h ?? h, json };
}

const LEGEND = { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] };
const TOOLTIP = { mode: 'multi', sort: 'desc' };
const REDUCE = { values: false, calcs: ['lastNotNull'], fields: '' };

/** Time series (lines; `bars` for event counts). Threshold lines with `thresholdLines`. */
export function timeseries(
  title: string,
  queries: readonly Query[],
  o: PanelOptions = {},
  style: 'line' | 'bars' = 'line',
): PanelSpec {
  return panel('timeseries', title, queries, o, {
    options: { legend: LEGEND, tooltip: TOOLTIP },
    custom: {
      drawStyle: style,
      lineWidth: 1,
      fillOpacity: style === 'bars' ? 80 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: style === 'bars' ? 'normal' : 'none', group: 'A' },
      thresholdsStyle: { mode: o.thresholdLines ? 'line' : 'off' },
    },
  });
}

/** Single value with background color from thresholds. */
export function stat(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  return panel(
    'stat',
    title,
    queries,
    o,
    {
      options: {
        reduceOptions: REDUCE,
        colorMode: 'background',
        graphMode: 'area',
        justifyMode: 'auto',
        orientation: 'auto',
        textMode: 'auto',
      },
    },
    6,
    5,
  );
}

/** Gauge with threshold colors. */
export function gauge(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  return panel(
    'gauge',
    title,
    queries,
    o,
    { options: { reduceOptions: REDUCE, showThresholdLabels: false, showThresholdMarkers: true } },
    6,
    6,
  );
}

/** Heatmap of a histogram's buckets (query format `heatmap`, `sum by (le) (rate(..._bucket[...]))`). */
export function heatmap(title: string, query: Query, o: PanelOptions = {}): PanelSpec {
  return panel('heatmap', title, [{ ...query, format: 'heatmap', legend: query.legend ?? '{{le}}' }], o, {
    options: {
      calculate: false,
      cellGap: 1,
      color: {
        mode: 'scheme',
        scheme: 'Oranges',
        steps: 64,
        exponent: 0.5,
        fill: 'dark-orange',
        reverse: false,
      },
      yAxis: { axisPlacement: 'left', unit: o.unit ?? 's' },
      rowsFrame: { layout: 'auto' },
      tooltip: { show: true, yHistogram: false },
      legend: { show: true },
    },
  });
}

/** State over time per series (health matrices) with value mappings. */
export function statusHistory(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  return panel(
    'status-history',
    title,
    queries,
    o,
    {
      options: {
        showValue: 'auto',
        rowHeight: 0.9,
        colWidth: 0.9,
        legend: LEGEND,
        tooltip: { mode: 'single', sort: 'none' },
      },
      custom: { lineWidth: 1, fillOpacity: 70 },
    },
    24,
    8,
  );
}

/** Table of instant query results. */
export function table(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  return panel(
    'table',
    title,
    queries.map((q) => ({ ...q, instant: true, format: 'table' as const })),
    o,
    {
      options: { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
      custom: { align: 'auto', cellOptions: { type: 'auto' } },
    },
  );
}

/** Pie chart of the last values of several series. */
export function piechart(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  return panel(
    'piechart',
    title,
    queries,
    o,
    {
      options: {
        reduceOptions: REDUCE,
        pieType: 'pie',
        legend: { ...LEGEND, placement: 'right', values: ['percent'] },
        tooltip: { mode: 'single', sort: 'none' },
      },
    },
    8,
    8,
  );
}

/** Horizontal bar gauge of the last values. */
export function bargauge(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  return panel('bargauge', title, queries, o, {
    options: {
      reduceOptions: REDUCE,
      orientation: 'horizontal',
      displayMode: 'gradient',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizWidth: 0,
      minVizHeight: 10,
    },
  });
}

/** Every panel builder by Grafana panel type (used by the validator and tests). */
export const PANEL_TYPES = [
  'timeseries',
  'stat',
  'gauge',
  'heatmap',
  'status-history',
  'table',
  'piechart',
  'bargauge',
] as const;
